//! Sealed cartons (licence plates): stock kept closed in cartons of one
//! SKU. Cartons come from CARTON inbounds kept sealed (and transfers
//! packed to a carton plan), or staff seal loose units on a shelf; they
//! travel whole with moves and putaway, are moved or opened by staff, and
//! B2B orders ship them by number. The units stay in the ledger's balances
//! throughout (sealing moves nothing); the ledger writer refuses a take
//! that would break a carton (`StoreError::Sealed`).

use haicang_core::document::DocumentType;
use haicang_core::ledger::{Condition, Quantity};
use haicang_core::lots;
use haicang_core::transfers::CartonStatus;
use haicang_store::cartons::{self, CartonFilter, CartonRow, NewCarton};
use haicang_store::stock::{self, DocumentRef, Item, Place};
use haicang_store::{party, product as products, sequence, warehouse};

use crate::warehouses::enabled_warehouse_for;
use crate::{App, AppError, CustomerPrincipal, Page, PageRequest, StaffPrincipal, Viewer, day_code, now_ms};

/// Most cartons one sealing may make.
pub const SEAL_MAX: i64 = 999;

/// Staff close loose units on a shelf into cartons.
#[derive(Debug, Clone, Default)]
pub struct SealCartons {
    pub warehouse_code: String,
    pub customer_code: String,
    pub location_code: String,
    pub sku: String,
    /// Which lot (default: the oldest with enough loose units).
    pub lot_no: Option<String>,
    pub units_per_box: i64,
    pub cartons: i64,
}

impl App {
    /// Seals `cartons` cartons of `units_per_box` loose GOOD units at a
    /// location; answers their licence plates (`LP<yymmdd><seq>`).
    pub async fn seal_cartons(&self, staff: &StaffPrincipal, cmd: &SealCartons) -> Result<Vec<String>, AppError> {
        if !(1..=SEAL_MAX).contains(&cmd.cartons) || !(1..=100_000).contains(&cmd.units_per_box) {
            return Err(AppError::InvalidParam {
                field: "cartons",
                reason: format!("1 to {SEAL_MAX} cartons of 1 to 100000 units"),
            });
        }
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let w = enabled_warehouse_for(tx.conn(), Viewer::Staff(staff), &cmd.warehouse_code).await?;
            let customer = party::find_customer(tx.conn(), cmd.customer_code.trim())
                .await?
                .ok_or_else(|| AppError::CustomerNotFound(cmd.customer_code.trim().to_owned()))?;
            let code = cmd.location_code.trim().to_ascii_uppercase();
            let location = warehouse::find_location(tx.conn(), w.warehouse_id, &code)
                .await?
                .ok_or_else(|| AppError::LocationNotFound(code.clone()))?;
            let sku = cmd.sku.trim();
            let product = products::products_by_sku(tx.conn(), customer.customer_id, &[sku.to_owned()])
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| AppError::SkuNotFound(sku.to_owned()))?;
            let item = Item {
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                product_id: product.product_id,
                condition: Condition::Good,
            };
            let need = cmd.units_per_box * cmd.cartons;
            // Loose units per lot: free of open picks and of other cartons.
            let mut lots_here = stock::free_lots_at(&mut tx, item, location.location_id).await?;
            lots_here.sort_by(|a, b| {
                lots::issue_order(
                    (a.expiry_date.as_deref(), a.inbound_at, a.lot_id),
                    (b.expiry_date.as_deref(), b.inbound_at, b.lot_id),
                )
            });
            let named = match cmd.lot_no.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
                Some(l) => Some(stock::find_lot(&mut tx, product.product_id, l).await?.ok_or_else(|| {
                    AppError::InvalidParam { field: "lotNo", reason: format!("no lot {l} of {sku}") }
                })?),
                None => None,
            };
            let mut chosen = None;
            let mut loose_best = 0;
            for l in lots_here.iter().filter(|l| named.is_none_or(|n| n == l.lot_id)) {
                let sealed = cartons::sealed_units(
                    tx.conn(),
                    location.location_id,
                    product.product_id,
                    l.lot_id,
                    Condition::Good,
                )
                .await?;
                let loose = l.quantity - sealed;
                loose_best = loose_best.max(loose);
                if loose >= need {
                    chosen = Some(l.lot_id);
                    break;
                }
            }
            let lot_id = chosen.ok_or_else(|| AppError::InsufficientStock {
                sku: sku.to_owned(),
                requested: need,
                available: loose_best.max(0),
            })?;
            let day = day_code(now);
            let mut lpns = Vec::new();
            for _ in 0..cmd.cartons {
                let seq = sequence::next_value(tx.conn(), "LP", &day).await?;
                let lpn = format!("LP{day}{seq:05}");
                let carton = NewCarton {
                    lpn: &lpn,
                    customer_id: customer.customer_id,
                    warehouse_id: w.warehouse_id,
                    product_id: product.product_id,
                    lot_id,
                    condition: Condition::Good,
                    location_id: location.location_id,
                    units: cmd.units_per_box,
                    measures: None,
                    origin_document_no: &lpn,
                };
                cartons::insert(&mut tx, &carton, now).await?;
                lpns.push(lpn);
            }
            tx.commit().await?;
            Ok(lpns)
        })
        .await
    }

    /// Breaks a sealed carton: its units become loose stock where it is.
    pub async fn open_carton(&self, staff: &StaffPrincipal, lpn: &str) -> Result<CartonRow, AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let carton = self.staff_carton(&mut tx, staff, lpn).await?;
            if carton.status != CartonStatus::Sealed {
                return Err(AppError::CartonStatus { lpn: carton.lpn, status: carton.status.as_str().to_owned() });
            }
            cartons::set_status(&mut tx, &carton, CartonStatus::Opened, None, now).await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        self.carton(Viewer::Staff(staff), lpn).await
    }

    /// Moves a whole sealed carton to another location (a MOVE through
    /// the ledger whose document is the licence plate).
    pub async fn move_carton(&self, staff: &StaffPrincipal, lpn: &str, to_code: &str) -> Result<CartonRow, AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let carton = self.staff_carton(&mut tx, staff, lpn).await?;
            if !carton.status.holds_units() {
                return Err(AppError::CartonStatus { lpn: carton.lpn, status: carton.status.as_str().to_owned() });
            }
            let code = to_code.trim().to_ascii_uppercase();
            let to = warehouse::find_location(tx.conn(), carton.warehouse_id, &code)
                .await?
                .ok_or_else(|| AppError::LocationNotFound(code.clone()))?;
            if to.location_id == carton.location_id {
                return Err(AppError::InvalidParam { field: "toLocationCode", reason: "the carton is there".into() });
            }
            let product = products::find_product(tx.conn(), carton.customer_id, &carton.sku)
                .await?
                .ok_or_else(|| AppError::SkuNotFound(carton.sku.clone()))?;
            crate::inbound::check_destination(
                &mut tx,
                &to,
                carton.customer_id,
                &product,
                carton.lot_id,
                carton.condition,
                carton.units,
                true,
            )
            .await?;
            let item = Item {
                customer_id: carton.customer_id,
                warehouse_id: carton.warehouse_id,
                product_id: carton.product_id,
                condition: carton.condition,
            };
            let q = Quantity::new(carton.units)
                .ok_or(AppError::InvalidParam { field: "units", reason: "out of range".into() })?;
            let doc = DocumentRef {
                document_type: DocumentType::Move.as_str().to_owned(),
                document_no: carton.lpn.clone(),
                line: 1,
                operator: staff.operator(),
                reason: Some("carton moved whole".into()),
            };
            // The carton first, so the take leaves no sealed units behind.
            cartons::set_location(&mut tx, carton.carton_id, to.location_id, now).await?;
            let from = Place { location_id: carton.location_id, code: carton.location_code.clone() };
            let to_place = Place { location_id: to.location_id, code: to.code.clone() };
            stock::move_units(&mut tx, item, &from, &to_place, carton.lot_id, q, &doc, now)
                .await
                .map_err(|e| AppError::from_store_for_sku(e, &carton.sku))?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        self.carton(Viewer::Staff(staff), lpn).await
    }

    async fn staff_carton(
        &self,
        tx: &mut haicang_store::WriteTx,
        staff: &StaffPrincipal,
        lpn: &str,
    ) -> Result<CartonRow, AppError> {
        let carton = cartons::find(tx.conn(), lpn.trim(), None)
            .await?
            .ok_or_else(|| AppError::CartonNotFound(lpn.trim().to_owned()))?;
        Viewer::Staff(staff).check_warehouse(carton.warehouse_id, &carton.warehouse_code)?;
        Ok(carton)
    }

    /// One carton: a seller's own, or one in a staff member's warehouses.
    pub async fn carton(&self, viewer: Viewer<'_>, lpn: &str) -> Result<CartonRow, AppError> {
        let carton = cartons::find(&mut *self.store.read().await?, lpn.trim(), viewer.customer_id())
            .await?
            .ok_or_else(|| AppError::CartonNotFound(lpn.trim().to_owned()))?;
        viewer.check_warehouse(carton.warehouse_id, &carton.warehouse_code)?;
        Ok(carton)
    }

    /// A seller's cartons in stock (JF's box stock), by warehouse, SKU,
    /// licence plate or status.
    pub async fn seller_cartons(
        &self,
        customer: &CustomerPrincipal,
        filter: &CartonFilter,
        page: PageRequest,
    ) -> Result<Page<CartonRow>, AppError> {
        self.check_named_warehouses(Viewer::Customer(customer), &filter.warehouse_codes).await?;
        let mut conn = self.store.read().await?;
        let (rows, total) = cartons::list(&mut conn, Some(customer.customer_id), filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    /// A warehouse's cartons (staff: one warehouse of their scope).
    pub async fn warehouse_cartons(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
        filter: &CartonFilter,
        page: PageRequest,
    ) -> Result<Page<CartonRow>, AppError> {
        let mut conn = self.store.read().await?;
        let w = crate::warehouses::warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        let filter = CartonFilter { warehouse_codes: vec![w.code], ..filter.clone() };
        let (rows, total) = cartons::list(&mut conn, None, &filter, page).await?;
        Ok(Page::new(rows, page, total))
    }
}
