//! Stock of the calling customer: per warehouse × SKU × condition, per lot
//! and location, serial numbers, and the inventory log.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;
use utoipa::ToSchema;

use haicang_app::inventory::StockLine;
use haicang_app::query::{LotRow, MovementFilter, MovementRow, SerialRow, StockFilter};
use haicang_app::{AppError, now_ms};
use haicang_core::decimal::format_fixed;
use haicang_core::ledger::Condition;

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{CustomerAuth, Params};
use crate::routes::iso;

/// Most SKUs one stock query may name.
pub const SKU_FILTER_MAX: usize = 100;
/// Most warehouses one stock query may name.
pub const WAREHOUSE_FILTER_MAX: usize = 20;
const DAY_MS: i64 = 24 * 3600 * 1000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/inventory", get(inventory))
        .route("/api/v1/inventory/lots", get(lots))
        .route("/api/v1/inventory/serials", get(serials))
        .route("/api/v1/inventory/log", get(log))
}

fn stock_filter(params: &Params) -> Result<StockFilter, ApiError> {
    let skus = params.all("sku");
    if skus.len().max(params.occurrences("sku")) > SKU_FILTER_MAX {
        return Err(AppError::InvalidParam { field: "sku", reason: format!("at most {SKU_FILTER_MAX} SKUs") }.into());
    }
    let condition = params
        .choice("condition", Condition::parse, "GOOD, DEFECTIVE, DAMAGED, RETURNED, REFURBISHED, RECYCLE or REPAIRING")?
        .map(|c| c.as_str().to_owned());
    let warehouse_codes = params.all("warehouseCode");
    if warehouse_codes.len().max(params.occurrences("warehouseCode")) > WAREHOUSE_FILTER_MAX {
        return Err(AppError::InvalidParam {
            field: "warehouseCode",
            reason: format!("at most {WAREHOUSE_FILTER_MAX} warehouses"),
        }
        .into());
    }
    Ok(StockFilter { warehouse_codes, skus, conditions: condition.into_iter().collect() })
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InventoryView {
    pub warehouse_code: String,
    pub sku: String,
    pub product_name: String,
    pub condition: String,
    /// available + reserved
    pub total: i64,
    pub available: i64,
    /// Promised to orders, work orders and returns to the seller.
    pub reserved: i64,
    /// GOOD rows: the part of `reserved` a wave has put on bins or a
    /// picker already took; `reserved − allocated` awaits a wave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocated: Option<i64>,
    /// GOOD rows: units expected on the seller's open inbound orders (the
    /// same number as `inTransit.inbound`, kept for older clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inbound_in_transit: Option<i64>,
    /// GOOD rows: units on their way here, by kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_transit: Option<InTransitView>,
    /// Units × the product's declared value, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_currency: Option<String>,
    /// Kits (SUITE products), GOOD rows: how many could be assembled now
    /// from the available components in this warehouse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buildable: Option<i64>,
    pub updated_at: String,
}

/// Units expected at a warehouse that are not on hand yet.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InTransitView {
    /// Announced on the seller's inbound orders, not yet counted.
    pub inbound: i64,
    /// Shipped here by transfers from another warehouse, not yet counted.
    pub transfer: i64,
    /// On announced returns not yet at the dock.
    #[serde(rename = "return")]
    pub returns: i64,
}

impl From<StockLine> for InventoryView {
    fn from(line: StockLine) -> Self {
        let r = line.row;
        let in_transit = match (r.inbound_in_transit, r.transfer_in_transit, r.return_in_transit) {
            (None, None, None) => None,
            (inbound, transfer, returns) => Some(InTransitView {
                inbound: inbound.unwrap_or(0),
                transfer: transfer.unwrap_or(0),
                returns: returns.unwrap_or(0),
            }),
        };
        let value_amount = r
            .declared_value_micros
            .and_then(|v| i64::try_from(i128::from(v) * i128::from(r.on_hand)).ok())
            .map(|v| format_fixed(v, 6, 2));
        InventoryView {
            warehouse_code: r.warehouse_code,
            sku: r.sku,
            product_name: r.product_name,
            condition: r.condition.to_string(),
            total: r.on_hand,
            available: r.on_hand - r.reserved,
            reserved: r.reserved,
            allocated: r.allocated,
            inbound_in_transit: r.inbound_in_transit,
            in_transit,
            value_currency: value_amount.as_ref().and(r.declared_currency),
            value_amount,
            buildable: line.buildable,
            updated_at: iso(r.updated_at),
        }
    }
}

/// Stock per warehouse × SKU × condition.
#[utoipa::path(get, path = "/api/v1/inventory", tag = "inventory", security(("bearer" = [])),
    params(("warehouseCode" = Option<Vec<String>>, Query, description = "Repeatable or comma-separated, at most 20"),
           ("sku" = Option<Vec<String>>, Query, description = "Repeatable, at most 100"),
           ("condition" = Option<String>, Query), ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of stock rows", body = PageView<InventoryView>)))]
pub async fn inventory(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<InventoryView>>, ApiError> {
    let page = s.app.inventory(&c, &stock_filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, InventoryView::from)))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LotView {
    pub warehouse_code: String,
    pub sku: String,
    pub location_code: String,
    pub lot_code: String,
    pub condition: String,
    pub quantity: i64,
    pub inbound_at: String,
    pub storage_days: i64,
    pub batch_no: Option<String>,
    pub production_date: Option<String>,
    pub expiry_date: Option<String>,
}

/// Stock per lot and location, with storage days.
#[utoipa::path(get, path = "/api/v1/inventory/lots", tag = "inventory", security(("bearer" = [])),
    params(("warehouseCode" = Option<String>, Query), ("sku" = Option<Vec<String>>, Query),
           ("condition" = Option<String>, Query), ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of lots", body = PageView<LotView>)))]
pub async fn lots(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<LotView>>, ApiError> {
    let page = s.app.inventory_lots(&c, &stock_filter(&params)?, params.page()?).await?;
    let now = now_ms();
    Ok(Envelope(PageView::from_page(page, |r: LotRow| LotView {
        warehouse_code: r.warehouse_code,
        sku: r.sku,
        location_code: r.location_code,
        lot_code: r.lot_code,
        condition: r.condition.to_string(),
        quantity: r.quantity,
        inbound_at: iso(r.inbound_at),
        storage_days: (now - r.inbound_at).max(0) / DAY_MS,
        batch_no: r.batch_no,
        production_date: r.production_date,
        expiry_date: r.expiry_date,
    })))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SerialView {
    pub sku: String,
    pub serial: String,
    pub warehouse_code: Option<String>,
    pub location_code: Option<String>,
    pub condition: String,
    /// IN_STOCK or OUT
    pub status: String,
    pub document_no: String,
    pub updated_at: String,
}

/// Serial numbers of serial-managed SKUs.
#[utoipa::path(get, path = "/api/v1/inventory/serials", tag = "inventory", security(("bearer" = [])),
    params(("warehouseCode" = Option<String>, Query), ("sku" = Option<Vec<String>>, Query),
           ("serial" = Option<String>, Query), ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of serial numbers", body = PageView<SerialView>)))]
pub async fn serials(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<SerialView>>, ApiError> {
    let serial = params.text("serial");
    let serials = haicang_app::query::SerialFilter { serials: serial.into_iter().collect(), in_stock: false };
    let page = s.app.inventory_serials(&c, &stock_filter(&params)?, &serials, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, |r: SerialRow| SerialView {
        sku: r.sku,
        serial: r.serial,
        warehouse_code: r.warehouse_code,
        location_code: r.location_code,
        condition: r.condition.to_string(),
        status: r.status.to_string(),
        document_no: r.document_no,
        updated_at: iso(r.updated_at),
    })))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MovementView {
    pub id: i64,
    pub warehouse_code: String,
    pub sku: String,
    pub lot_code: String,
    pub condition: String,
    /// A location code, or a virtual place such as @ADJUSTMENT.
    pub source: String,
    pub target: String,
    pub quantity: i64,
    /// Warehouse-level units of this SKU and condition before the movement.
    pub before: i64,
    pub after: i64,
    pub diff: i64,
    pub source_before: Option<i64>,
    pub source_after: Option<i64>,
    pub target_before: Option<i64>,
    pub target_after: Option<i64>,
    pub document_type: String,
    pub document_no: String,
    pub document_line: i64,
    pub operator: String,
    pub reason: Option<String>,
    pub created_at: String,
}

impl From<MovementRow> for MovementView {
    fn from(m: MovementRow) -> Self {
        MovementView {
            id: m.stock_movement_id,
            warehouse_code: m.warehouse_code,
            sku: m.sku,
            lot_code: m.lot_code,
            condition: m.condition.to_string(),
            source: m.source,
            target: m.target,
            quantity: m.quantity,
            before: m.on_hand_before,
            after: m.on_hand_after,
            diff: m.on_hand_after - m.on_hand_before,
            source_before: m.source_before,
            source_after: m.source_after,
            target_before: m.target_before,
            target_after: m.target_after,
            document_type: m.document_type,
            document_no: m.document_no,
            document_line: m.document_line,
            operator: m.operator,
            reason: m.reason,
            created_at: iso(m.created_at),
        }
    }
}

/// Every movement of the caller's stock, newest first.
#[utoipa::path(get, path = "/api/v1/inventory/log", tag = "inventory", security(("bearer" = [])),
    params(("warehouseCode" = Option<String>, Query), ("sku" = Option<Vec<String>>, Query),
           ("condition" = Option<String>, Query), ("documentNo" = Option<String>, Query),
           ("from" = Option<String>, Query, description = "ISO 8601, inclusive"),
           ("to" = Option<String>, Query, description = "ISO 8601, exclusive"),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of movements", body = PageView<MovementView>)))]
pub async fn log(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<MovementView>>, ApiError> {
    let filter = MovementFilter {
        stock: stock_filter(&params)?,
        document_no: params.text("documentNo"),
        from_ms: params.time("from")?,
        to_ms: params.time("to")?,
    };
    let page = s.app.inventory_log(&c, &filter, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, MovementView::from)))
}
