//! Sealed cartons (box inventory): sellers list theirs; staff seal loose
//! units into cartons, open them and move them whole.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::cartons::SealCartons;
use haicang_app::query::{CartonFilter, CartonRow};
use haicang_core::transfers::CartonStatus;

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{CustomerAuth, JsonBody, Params, Path, StaffAuth};
use crate::routes::iso;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/inventory/boxes", get(boxes))
        .route("/api/v1/ops/cartons", get(ops_list).post(seal))
        .route("/api/v1/ops/cartons/{lpn}/open", post(open))
        .route("/api/v1/ops/cartons/{lpn}/move", post(move_whole))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CartonView {
    /// The licence plate: what the carton's label barcode carries.
    pub box_no: String,
    pub warehouse_code: String,
    pub location_code: String,
    pub sku: String,
    pub lot_no: String,
    pub condition: String,
    pub units_per_box: i64,
    /// SEALED, RESERVED (by a B2B order or transfer), ALLOCATED (a picker
    /// is sent for it), SHIPPED or OPENED.
    pub status: String,
    /// The inbound order it came in with, or its own number when sealed on
    /// a shelf.
    pub source_document_no: String,
    pub weight_kg: Option<f64>,
    pub length_cm: Option<f64>,
    pub width_cm: Option<f64>,
    pub height_cm: Option<f64>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<CartonRow> for CartonView {
    fn from(c: CartonRow) -> Self {
        CartonView {
            box_no: c.lpn,
            warehouse_code: c.warehouse_code,
            location_code: c.location_code,
            sku: c.sku,
            lot_no: c.lot_code,
            condition: c.condition.to_string(),
            units_per_box: c.units,
            status: c.status.as_str().to_owned(),
            source_document_no: c.origin_document_no,
            weight_kg: c.weight_g.map(|g| g as f64 / 1000.0),
            length_cm: c.length_mm.map(|v| v as f64 / 10.0),
            width_cm: c.width_mm.map(|v| v as f64 / 10.0),
            height_cm: c.height_mm.map(|v| v as f64 / 10.0),
            created_at: iso(c.created_at),
            updated_at: iso(c.updated_at),
        }
    }
}

fn filter(params: &Params) -> Result<CartonFilter, ApiError> {
    let status = params.choice("status", CartonStatus::parse, "SEALED, RESERVED, ALLOCATED, SHIPPED or OPENED")?;
    let filter = CartonFilter {
        warehouse_codes: params.all("warehouseCode"),
        skus: params.all("sku"),
        lpns: params.all("boxNo"),
        status,
    };
    // As documented: at most 20 warehouses, 100 SKUs and 100 box numbers,
    // counted as sent (blank values too).
    let sent = |key: &str, kept: usize| kept.max(params.occurrences(key));
    if sent("warehouseCode", filter.warehouse_codes.len()) > 20
        || sent("sku", filter.skus.len()) > 100
        || sent("boxNo", filter.lpns.len()) > 100
    {
        return Err(haicang_app::AppError::TooManyQueried.into());
    }
    Ok(filter)
}

/// The caller's sealed cartons in stock (JF's box stock): by warehouse(s),
/// SKU, box number or status (default: still in stock).
#[utoipa::path(get, path = "/api/v1/inventory/boxes", tag = "inventory", security(("bearer" = [])),
    params(("warehouseCode" = Option<Vec<String>>, Query), ("sku" = Option<Vec<String>>, Query),
           ("boxNo" = Option<Vec<String>>, Query), ("status" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of cartons", body = PageView<CartonView>)))]
pub async fn boxes(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<CartonView>>, ApiError> {
    let page = s.app.seller_cartons(&c, &filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, CartonView::from)))
}

/// A warehouse's cartons.
#[utoipa::path(get, path = "/api/v1/ops/cartons", tag = "ops", security(("bearer" = [])),
    params(("warehouseCode" = String, Query), ("sku" = Option<Vec<String>>, Query),
           ("boxNo" = Option<Vec<String>>, Query), ("status" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of cartons", body = PageView<CartonView>)))]
pub async fn ops_list(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<PageView<CartonView>>, ApiError> {
    let warehouse =
        params.text("warehouseCode").ok_or(haicang_app::AppError::MissingParam { field: "warehouseCode" })?;
    let page = s.app.warehouse_cartons(&staff, &warehouse, &filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, CartonView::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SealInput {
    pub warehouse_code: String,
    pub customer_code: String,
    pub location_code: String,
    pub sku: String,
    /// Default: the first lot in issue order with enough loose units.
    pub lot_no: Option<String>,
    pub units_per_box: i64,
    /// How many cartons.
    pub cartons: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SealedView {
    /// The new cartons' licence plates.
    pub box_nos: Vec<String>,
}

/// Seals loose GOOD units on a shelf into cartons (nothing moves: the
/// units are closed where they are).
#[utoipa::path(post, path = "/api/v1/ops/cartons", tag = "ops", security(("bearer" = [])),
    request_body = SealInput, responses((status = 200, description = "Sealed", body = SealedView)))]
pub async fn seal(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<SealInput>,
) -> Result<Envelope<SealedView>, ApiError> {
    let cmd = SealCartons {
        warehouse_code: input.warehouse_code,
        customer_code: input.customer_code,
        location_code: input.location_code,
        sku: input.sku,
        lot_no: input.lot_no,
        units_per_box: input.units_per_box,
        cartons: input.cartons,
    };
    Ok(Envelope(SealedView { box_nos: s.app.seal_cartons(&staff, &cmd).await? }))
}

/// Opens a sealed carton: its units become loose stock where it is.
#[utoipa::path(post, path = "/api/v1/ops/cartons/{lpn}/open", tag = "ops", security(("bearer" = [])),
    params(("lpn" = String, Path)), responses((status = 200, description = "Opened", body = CartonView)))]
pub async fn open(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(lpn): Path<String>,
) -> Result<Envelope<CartonView>, ApiError> {
    Ok(Envelope(s.app.open_carton(&staff, &lpn).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CartonMoveInput {
    pub to_location_code: String,
}

/// Moves a sealed carton whole (a MOVE through the ledger under the
/// carton's number).
#[utoipa::path(post, path = "/api/v1/ops/cartons/{lpn}/move", tag = "ops", security(("bearer" = [])),
    params(("lpn" = String, Path)), request_body = CartonMoveInput,
    responses((status = 200, description = "Moved", body = CartonView)))]
pub async fn move_whole(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(lpn): Path<String>,
    JsonBody(input): JsonBody<CartonMoveInput>,
) -> Result<Envelope<CartonView>, ApiError> {
    Ok(Envelope(s.app.move_carton(&staff, &lpn, &input.to_location_code).await?.into()))
}
