//! What the floor reads: a warehouse's day at a glance and stock found by
//! a scan. Staff only, within the caller's warehouses (the web console's
//! dashboard and stock search; the API has its own per-seller lists).

use haicang_store::overview::{self, FloorMovementRow, OccupancyRow, OpenBatchRow, OpenPlanRow, StockAtRow};
use haicang_store::warehouse::{self, WarehouseRow};

use crate::warehouses::warehouse_for;
use crate::{App, AppError, StaffPrincipal, Viewer};

/// How many rows a scan look-up shows at most.
pub const FOUND_MAX: i64 = 200;

/// One warehouse's work in hand.
#[derive(Debug, Clone)]
pub struct Overview {
    pub warehouse: WarehouseRow,
    pub outbound_by_status: Vec<(String, i64)>,
    /// Not shipped yet, per shipping service (the carriers' pickups).
    pub open_by_service: Vec<(String, i64)>,
    pub inbound_by_status: Vec<(String, i64)>,
    /// Announced for today or earlier and not at the dock yet.
    pub arrivals_due: i64,
    pub open_batches: Vec<OpenBatchRow>,
    /// Short picks in waves of the last 24 hours.
    pub short_picks: i64,
    pub open_alerts: i64,
}

/// Stock found by a scan and the ledger's latest movements of it.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub stock: Vec<StockAtRow>,
    pub movements: Vec<FloorMovementRow>,
}

impl App {
    /// The warehouses a staff member works in (enabled or not: a disabled
    /// warehouse still has stock to count).
    pub async fn staff_warehouses(&self, staff: &StaffPrincipal) -> Result<Vec<WarehouseRow>, AppError> {
        let rows = warehouse::list_warehouses(&mut *self.store.read().await?).await?;
        Ok(rows.into_iter().filter(|w| staff.warehouses.permits(w.warehouse_id)).collect())
    }

    pub async fn warehouse_overview(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
        today: &str,
    ) -> Result<Overview, AppError> {
        let mut conn = self.store.read().await?;
        let w = warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        let id = w.warehouse_id;
        let (short_picks, open_alerts) = overview::exceptions(&mut conn, id, crate::now_ms() - 86_400_000).await?;
        Ok(Overview {
            outbound_by_status: overview::outbound_by_status(&mut conn, id).await?,
            open_by_service: overview::open_by_service(&mut conn, id).await?,
            inbound_by_status: overview::inbound_by_status(&mut conn, id).await?,
            arrivals_due: overview::arrivals_expected(&mut conn, id, today).await?,
            open_batches: overview::open_batches(&mut conn, id).await?,
            short_picks,
            open_alerts,
            warehouse: w,
        })
    }

    /// Everything a scanned SKU, barcode, location, lot code or batch
    /// number names in one warehouse, with its latest movements.
    pub async fn find_stock(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
        term: &str,
    ) -> Result<Found, AppError> {
        let term = term.trim();
        let mut conn = self.store.read().await?;
        let w = warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        if term.is_empty() {
            return Ok(Found::default());
        }
        Ok(Found {
            stock: overview::find_stock(&mut conn, w.warehouse_id, term, FOUND_MAX).await?,
            movements: overview::movements_of(&mut conn, w.warehouse_id, term, FOUND_MAX).await?,
        })
    }

    /// Units per location of a warehouse, for its floor map.
    pub async fn occupancy(&self, staff: &StaffPrincipal, warehouse_code: &str) -> Result<Vec<OccupancyRow>, AppError> {
        let mut conn = self.store.read().await?;
        let w = warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        Ok(overview::occupancy(&mut conn, w.warehouse_id).await?)
    }

    /// The order a scanned tote holds at the pack bench: refused when no
    /// picked order or several use that tote label (scan the order then).
    pub async fn order_in_tote(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
        tote: &str,
    ) -> Result<String, AppError> {
        let mut conn = self.store.read().await?;
        let w = warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        let orders = overview::orders_in_tote(&mut conn, w.warehouse_id, tote.trim()).await?;
        match orders.as_slice() {
            [one] => Ok(one.clone()),
            [] => Err(AppError::OutboundNotFound(tote.trim().to_owned())),
            _ => Err(AppError::InvalidParam {
                field: "tote",
                reason: format!("in use by {}: scan the order", orders.join(", ")),
            }),
        }
    }

    /// Count plans of a warehouse waiting for approval.
    pub async fn open_count_plans(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
    ) -> Result<Vec<OpenPlanRow>, AppError> {
        let mut conn = self.store.read().await?;
        let w = warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        Ok(overview::open_count_plans(&mut conn, w.warehouse_id).await?)
    }

    /// A map's ground: every spot of the warehouse floor, and where the
    /// given locations are (a cart's stops). Two small reads, not the
    /// location list: the pick screen draws it on every scan.
    pub async fn floor_plan(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
        codes: &[String],
    ) -> Result<(Vec<(i64, i64)>, Vec<(String, i64, i64)>), AppError> {
        let mut conn = self.store.read().await?;
        let w = warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        let spots = overview::floor_spots(&mut conn, w.warehouse_id).await?;
        Ok((spots, overview::positions_of(&mut conn, w.warehouse_id, codes).await?))
    }
}
