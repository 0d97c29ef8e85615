//! Returns (RMA): the seller's announcements and the floor's arrival,
//! grading and completion.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::query::{ReturnFilter, ReturnOrderRow};
use haicang_app::returns::{AnnounceReturn, GradeLine, RegisterReturn, ReturnDetail, ShipBack};
use haicang_app::{AppError, Viewer};
use haicang_core::returns::{Disposition, ReturnStatus};

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{BodyBytes, CustomerAuth, JsonBody, Params, Path, StaffAuth, optional_body};
use crate::routes::inbound::PlanItemView;
use crate::routes::outbound::RecipientInput;
use crate::routes::{CreatedView, condition, iso};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/return-orders", post(announce).get(list))
        .route("/api/v1/return-orders/{no}", get(detail))
        .route("/api/v1/return-orders/{no}/cancel", post(cancel))
        .route("/api/v1/ops/return-orders", post(register).get(ops_list))
        .route("/api/v1/ops/return-orders/{no}", get(ops_detail))
        .route("/api/v1/ops/return-orders/{scan}/arrive", post(arrive))
        .route("/api/v1/ops/return-orders/{no}/grade", post(grade))
        .route("/api/v1/ops/return-orders/{no}/complete", post(complete))
        .route("/api/v1/ops/return-orders/{no}/ship-back", post(ship_back))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReturnInput {
    pub warehouse_code: String,
    /// The seller's RMA number: unique per seller, the idempotency key.
    pub customer_reference: String,
    pub original_order_no: Option<String>,
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    pub reason: Option<String>,
    pub items: Vec<ReturnItemInput>,
    /// Where units graded RETURN_TO_SELLER are sent (any country).
    pub return_address: Option<RecipientInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReturnItemInput {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnannouncedReturnInput {
    pub warehouse_code: String,
    /// Whose parcel; or give the original order or its tracking number.
    pub customer_code: Option<String>,
    pub original_order_no: Option<String>,
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReturnArriveInput {
    /// Narrows a tracking-number scan to one warehouse.
    pub warehouse_code: Option<String>,
    /// Units counted at the dock: grading may not find more.
    pub units: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GradeInput {
    pub lines: Vec<GradeLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GradeLineInput {
    pub sku: String,
    pub quantity: i64,
    /// GOOD, DEFECTIVE, DAMAGED, RETURNED, REFURBISHED, RECYCLE or REPAIRING.
    pub condition: String,
    /// RESTOCK, QUARANTINE, DISPOSE or RETURN_TO_SELLER.
    pub disposition: String,
    /// For serial-managed SKUs (then quantity 1).
    pub serial: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReturnOrderView {
    pub order_no: String,
    pub customer_code: String,
    pub warehouse_code: String,
    pub customer_reference: Option<String>,
    pub original_order_no: Option<String>,
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    pub reason: Option<String>,
    /// false: registered at the dock, nobody announced it.
    pub announced: bool,
    /// ANNOUNCED, ARRIVED, COMPLETED or CANCELLED.
    pub status: String,
    pub arrived_units: Option<i64>,
    pub arrived_at: Option<String>,
    pub completed_at: Option<String>,
    pub created_at: String,
    /// The parcel that took the RETURN_TO_SELLER units back, once shipped.
    pub ship_back: Option<ShipBackView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShipBackView {
    pub tracking_no: String,
    pub carrier: Option<String>,
    pub recipient: serde_json::Value,
    pub shipped_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShipBackInput {
    pub tracking_no: String,
    pub carrier: String,
    /// Overrides the return address the seller announced.
    pub recipient: Option<RecipientInput>,
}

impl From<ReturnOrderRow> for ReturnOrderView {
    fn from(r: ReturnOrderRow) -> Self {
        ReturnOrderView {
            order_no: r.order_no,
            customer_code: r.customer_code,
            warehouse_code: r.warehouse_code,
            customer_reference: r.customer_reference,
            original_order_no: r.original_order_no,
            tracking_no: r.tracking_no,
            carrier: r.carrier,
            reason: r.reason,
            announced: r.announced != 0,
            status: r.status.to_string(),
            arrived_units: r.arrived_units,
            arrived_at: r.arrived_at.map(iso),
            completed_at: r.completed_at.map(iso),
            created_at: iso(r.created_at),
            ship_back: match (r.ship_back_tracking_no, r.shipped_back_at) {
                (Some(tracking_no), Some(at)) => Some(ShipBackView {
                    tracking_no,
                    carrier: r.ship_back_carrier,
                    recipient: r
                        .ship_back_address
                        .and_then(|a| serde_json::from_str(&a).ok())
                        .unwrap_or(serde_json::Value::Null),
                    shipped_at: iso(at),
                }),
                _ => None,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReturnItemView {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GradeView {
    pub line_no: i64,
    pub sku: String,
    pub quantity: i64,
    pub condition: String,
    pub disposition: String,
    pub serial: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReturnDiscrepancyView {
    pub sku: String,
    pub announced: i64,
    pub received: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReturnDetailView {
    pub order: ReturnOrderView,
    pub items: Vec<ReturnItemView>,
    pub grades: Vec<GradeView>,
    /// Announced against received, per SKU where they differ.
    pub discrepancies: Vec<ReturnDiscrepancyView>,
    /// Staff view of a completed return: where the putaway planner would
    /// put the RESTOCK units still at the returns bench (move them there
    /// with `POST /ops/moves`).
    pub putaway: Vec<PlanItemView>,
}

impl From<ReturnDetail> for ReturnDetailView {
    fn from(d: ReturnDetail) -> Self {
        ReturnDetailView {
            order: d.order.into(),
            items: d.lines.into_iter().map(|l| ReturnItemView { sku: l.sku, quantity: l.quantity }).collect(),
            grades: d
                .grades
                .into_iter()
                .map(|g| GradeView {
                    line_no: g.line_no,
                    sku: g.sku,
                    quantity: g.quantity,
                    condition: g.condition.to_string(),
                    disposition: g.disposition.to_string(),
                    serial: g.serial,
                    note: g.note,
                })
                .collect(),
            discrepancies: d
                .discrepancies
                .into_iter()
                .map(|(sku, announced, received)| ReturnDiscrepancyView { sku, announced, received })
                .collect(),
            putaway: d.putaway.into_iter().map(PlanItemView::from).collect(),
        }
    }
}

fn return_filter(params: &Params) -> Result<ReturnFilter, ApiError> {
    Ok(ReturnFilter {
        warehouse_code: params.text("warehouseCode"),
        reference: None,
        status: params.choice("status", ReturnStatus::parse, "unknown return status")?.map(|s| s.as_str().to_owned()),
        created_from: params.time("createdFrom")?,
        created_to: params.time("createdTo")?,
    })
}

/// Announces a return (RMA) the warehouse will receive.
#[utoipa::path(post, path = "/api/v1/return-orders", tag = "returns", security(("bearer" = [])),
    request_body = ReturnInput,
    responses((status = 200, description = "The return order", body = CreatedView),
              (status = 409, description = "40040 the RMA number exists with other contents")))]
pub async fn announce(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    JsonBody(input): JsonBody<ReturnInput>,
) -> Result<Envelope<CreatedView>, ApiError> {
    let cmd = AnnounceReturn {
        warehouse_code: input.warehouse_code.trim().to_owned(),
        customer_reference: input.customer_reference,
        original_order_no: input.original_order_no,
        tracking_no: input.tracking_no,
        carrier: input.carrier,
        reason: input.reason,
        items: input.items.into_iter().map(|i| (i.sku.trim().to_owned(), i.quantity)).collect(),
        return_address: input.return_address.map(Into::into),
    };
    let done = s.app.announce_return(&c, &cmd).await?;
    Ok(Envelope(done.into()))
}

#[utoipa::path(get, path = "/api/v1/return-orders", tag = "returns", security(("bearer" = [])),
    params(("warehouseCode" = Option<String>, Query), ("status" = Option<String>, Query),
           ("createdFrom" = Option<String>, Query), ("createdTo" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of return orders", body = PageView<ReturnOrderView>)))]
pub async fn list(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<ReturnOrderView>>, ApiError> {
    let page = s.app.list_returns(Viewer::Customer(&c), &return_filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, ReturnOrderView::from)))
}

#[utoipa::path(get, path = "/api/v1/return-orders/{no}", tag = "returns", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The return", body = ReturnDetailView)))]
pub async fn detail(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<ReturnDetailView>, ApiError> {
    Ok(Envelope(s.app.return_detail(Viewer::Customer(&c), &no).await?.into()))
}

/// Cancels a return before it arrives (40026 after).
#[utoipa::path(post, path = "/api/v1/return-orders/{no}/cancel", tag = "returns", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "Cancelled", body = ReturnOrderView)))]
pub async fn cancel(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<ReturnOrderView>, ApiError> {
    s.app.cancel_return(&c, &no).await?;
    Ok(Envelope(s.app.return_order(Viewer::Customer(&c), &no).await?.into()))
}

/// Registers a parcel nobody announced, as it is opened at the dock.
#[utoipa::path(post, path = "/api/v1/ops/return-orders", tag = "ops", security(("bearer" = [])),
    request_body = UnannouncedReturnInput,
    responses((status = 200, description = "The return, ARRIVED", body = ReturnOrderView)))]
pub async fn register(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<UnannouncedReturnInput>,
) -> Result<Envelope<ReturnOrderView>, ApiError> {
    let cmd = RegisterReturn {
        warehouse_code: input.warehouse_code.trim().to_owned(),
        customer_code: input.customer_code,
        original_order_no: input.original_order_no,
        tracking_no: input.tracking_no,
        carrier: input.carrier,
        reason: input.reason,
    };
    let no = s.app.register_return(&staff, &cmd).await?;
    Ok(Envelope(s.app.return_order(Viewer::Staff(&staff), &no).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/ops/return-orders", tag = "ops", security(("bearer" = [])),
    params(("warehouseCode" = Option<String>, Query), ("status" = Option<String>, Query),
           ("createdFrom" = Option<String>, Query), ("createdTo" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of return orders", body = PageView<ReturnOrderView>)))]
pub async fn ops_list(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<PageView<ReturnOrderView>>, ApiError> {
    let page = s.app.list_returns(Viewer::Staff(&staff), &return_filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, ReturnOrderView::from)))
}

#[utoipa::path(get, path = "/api/v1/ops/return-orders/{no}", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The return", body = ReturnDetailView)))]
pub async fn ops_detail(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<ReturnDetailView>, ApiError> {
    Ok(Envelope(s.app.return_detail(Viewer::Staff(&staff), &no).await?.into()))
}

/// A parcel arrives: scan its RMA number, tracking number or original
/// order number.
#[utoipa::path(post, path = "/api/v1/ops/return-orders/{scan}/arrive", tag = "ops", security(("bearer" = [])),
    params(("scan" = String, Path, description = "The RMA number, the parcel's tracking number or the original order number")),
    request_body(content = Option<ReturnArriveInput>),
    responses((status = 200, description = "Arrived", body = ReturnOrderView)))]
pub async fn arrive(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(scan): Path<String>,
    BodyBytes(body): BodyBytes,
) -> Result<Envelope<ReturnOrderView>, ApiError> {
    let input: ReturnArriveInput = optional_body(&body)?;
    let order = s.app.arrive_return(&staff, &scan, input.warehouse_code.as_deref(), input.units).await?;
    Ok(Envelope(order.into()))
}

/// Grades units: each line goes to the returns location in its condition.
#[utoipa::path(post, path = "/api/v1/ops/return-orders/{no}/grade", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), request_body = GradeInput,
    responses((status = 200, description = "Graded", body = ReturnOrderView),
              (status = 409, description = "40042 more graded than arrived")))]
pub async fn grade(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
    JsonBody(input): JsonBody<GradeInput>,
) -> Result<Envelope<ReturnOrderView>, ApiError> {
    let lines = input
        .lines
        .into_iter()
        .map(|l| {
            Ok(GradeLine {
                condition: condition("lines.condition", Some(&l.condition))?
                    .ok_or(AppError::MissingParam { field: "lines.condition" })?,
                disposition: Disposition::parse(&l.disposition).ok_or(AppError::InvalidParam {
                    field: "lines.disposition",
                    reason: "RESTOCK, QUARANTINE, DISPOSE or RETURN_TO_SELLER".into(),
                })?,
                sku: l.sku,
                quantity: l.quantity,
                serial: l.serial,
                note: l.note,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Envelope(s.app.grade_return(&staff, &no, &lines).await?.into()))
}

/// Completes a graded return: dispositions carried out, `return.completed`.
#[utoipa::path(post, path = "/api/v1/ops/return-orders/{no}/complete", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "Completed", body = ReturnOrderView)))]
pub async fn complete(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<ReturnOrderView>, ApiError> {
    Ok(Envelope(s.app.complete_return(&staff, &no).await?.into()))
}

/// Ships the RETURN_TO_SELLER units of a completed return back to the
/// seller (the announced return address, or `recipient`):
/// `return.shipped_back`.
#[utoipa::path(post, path = "/api/v1/ops/return-orders/{no}/ship-back", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), request_body = ShipBackInput,
    responses((status = 200, description = "Shipped back", body = ReturnOrderView),
              (status = 409, description = "40045 nothing waits to go back to the seller")))]
pub async fn ship_back(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
    JsonBody(input): JsonBody<ShipBackInput>,
) -> Result<Envelope<ReturnOrderView>, ApiError> {
    let cmd =
        ShipBack { tracking_no: input.tracking_no, carrier: input.carrier, recipient: input.recipient.map(Into::into) };
    Ok(Envelope(s.app.ship_back_return(&staff, &no, &cmd).await?.into()))
}
