//! Warehouse staff: locations and stock adjustments.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::AppError;
use haicang_app::inventory::{AdjustmentCommand, AdjustmentLine};
use haicang_app::query::{LocationFilter, LocationRow};
use haicang_core::ledger::Condition;
use haicang_core::location::LocationType;

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, StaffAuth};
use crate::routes::condition;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/ops/locations", get(locations)).route("/api/v1/ops/adjustments", post(adjust))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LocationView {
    pub code: String,
    pub warehouse_code: String,
    pub zone: String,
    pub aisle: i64,
    pub bay: i64,
    pub level: i64,
    #[serde(rename = "type")]
    pub location_type: String,
    pub x_mm: i64,
    pub y_mm: i64,
    pub block: i64,
    pub capacity_volume_cm3: Option<i64>,
    pub capacity_weight_g: Option<i64>,
    /// BATTERY or LIQUID: only such goods go there.
    pub restriction: Option<String>,
    pub single_sku: bool,
    pub status: String,
}

impl From<LocationRow> for LocationView {
    fn from(l: LocationRow) -> Self {
        LocationView {
            code: l.code,
            warehouse_code: l.warehouse_code,
            zone: l.zone,
            aisle: l.aisle,
            bay: l.bay,
            level: l.level,
            location_type: l.location_type.to_string(),
            x_mm: l.x_mm,
            y_mm: l.y_mm,
            block: l.block,
            capacity_volume_cm3: l.capacity_volume_cm3,
            capacity_weight_g: l.capacity_weight_g,
            restriction: l.restriction,
            single_sku: l.single_sku != 0,
            status: l.status.to_string(),
        }
    }
}

/// Locations, filtered and paged.
#[utoipa::path(get, path = "/api/v1/ops/locations", tag = "ops", security(("bearer" = [])),
    params(("warehouseCode" = Option<String>, Query), ("zone" = Option<String>, Query),
           ("type" = Option<String>, Query, description = "RECEIVING, STORAGE, PICK_FACE, PACKING, SHIPPING, RETURNS, QUARANTINE, DEFECTIVE or OVERFLOW"),
           ("codePrefix" = Option<String>, Query), ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of locations", body = PageView<LocationView>)))]
pub async fn locations(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<PageView<LocationView>>, ApiError> {
    let location_type =
        params.choice("type", LocationType::parse, "unknown location type")?.map(|t| t.as_str().to_owned());
    let filter = LocationFilter {
        warehouse_code: params.text("warehouseCode"),
        zone: params.text("zone").map(|z| z.to_ascii_uppercase()),
        location_type,
        code_prefix: params.text("codePrefix").map(|p| p.to_ascii_uppercase()),
    };
    let page = s.app.list_locations(&staff, &filter, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, LocationView::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdjustmentInput {
    pub warehouse_code: String,
    pub customer_code: String,
    pub reason: String,
    pub lines: Vec<AdjustmentLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdjustmentLineInput {
    /// The owner of this line's stock, when not the document's customer.
    pub customer_code: Option<String>,
    pub sku: String,
    pub location_code: String,
    /// Signed: positive into the location, negative out of it.
    pub quantity: i64,
    /// GOOD (default), DEFECTIVE, DAMAGED, RETURNED, REFURBISHED, RECYCLE, REPAIRING.
    pub condition: Option<String>,
    pub lot_code: Option<String>,
    pub batch_no: Option<String>,
    /// YYYY-MM-DD
    pub production_date: Option<String>,
    /// YYYY-MM-DD
    pub expiry_date: Option<String>,
    #[serde(default)]
    pub serials: Vec<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AdjustmentView {
    pub document_no: String,
    pub movements: usize,
}

/// Adjust stock: every line moves units between a location and @ADJUSTMENT,
/// all lines in one document and one transaction.
#[utoipa::path(post, path = "/api/v1/ops/adjustments", tag = "ops", security(("bearer" = [])),
    request_body = AdjustmentInput,
    responses((status = 200, description = "The adjustment document", body = AdjustmentView),
              (status = 409, description = "30002 insufficient stock"),
              (status = 404, description = "20007 SKU, 30001 location, 30005 customer or 10051 warehouse not found")))]
pub async fn adjust(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<AdjustmentInput>,
) -> Result<Envelope<AdjustmentView>, ApiError> {
    let lines = input
        .lines
        .into_iter()
        .map(|l| {
            let condition = condition("lines.condition", l.condition.as_deref())?.unwrap_or(Condition::Good);
            Ok(AdjustmentLine {
                customer_code: l.customer_code,
                sku: l.sku,
                location_code: l.location_code,
                quantity: l.quantity,
                condition,
                lot_code: l.lot_code,
                batch_no: l.batch_no,
                production_date: l.production_date,
                expiry_date: l.expiry_date,
                serials: l.serials,
                reason: l.reason,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let cmd = AdjustmentCommand {
        warehouse_code: input.warehouse_code.trim().to_owned(),
        customer_code: input.customer_code.trim().to_owned(),
        reason: input.reason,
        lines,
    };
    let result = s.app.adjust(&staff, &cmd).await?;
    Ok(Envelope(AdjustmentView { document_no: result.document_no, movements: result.movements }))
}
