//! Assembly and disassembly work orders: sellers (and staff for them)
//! order them; the floor starts and completes them.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::Viewer;
use haicang_app::query::{WorkOrderFilter, WorkOrderRow};
use haicang_app::work_orders::{CompleteWorkOrder, CreateWorkOrder, WorkOrderDetail};
use haicang_core::work_orders::{WorkOrderStatus, WorkType};

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{CustomerAuth, JsonBody, Params, Path, StaffAuth};
use crate::routes::inbound::PlanItemView;
use crate::routes::{CreatedView, iso};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/work-orders", post(create).get(list))
        .route("/api/v1/work-orders/{no}", get(detail))
        .route("/api/v1/work-orders/{no}/cancel", post(cancel))
        .route("/api/v1/ops/work-orders", post(ops_create).get(ops_list))
        .route("/api/v1/ops/work-orders/{no}", get(ops_detail))
        .route("/api/v1/ops/work-orders/{no}/start", post(start))
        .route("/api/v1/ops/work-orders/{no}/complete", post(complete))
        .route("/api/v1/ops/work-orders/{no}/cancel", post(ops_cancel))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkOrderInput {
    /// ASSEMBLY (components in, the kit out) or DISASSEMBLY (kits in,
    /// components out).
    #[serde(rename = "type")]
    pub work_type: String,
    pub warehouse_code: String,
    /// The kit: a SUITE product with its components.
    pub sku: String,
    pub quantity: i64,
    /// The seller's reference: unique per seller, the idempotency key.
    pub customer_reference: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpsWorkOrderInput {
    pub customer_code: String,
    #[serde(rename = "type")]
    pub work_type: String,
    pub warehouse_code: String,
    pub sku: String,
    pub quantity: i64,
    pub customer_reference: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompleteWorkOrderInput {
    /// Kits made (or taken apart) this time.
    pub produced: i64,
    /// Kits spoiled: their inputs are used, nothing comes out.
    #[serde(default)]
    pub rejected: i64,
    /// Who did the work.
    pub workers: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkOrderView {
    pub order_no: String,
    pub customer_code: String,
    pub warehouse_code: String,
    /// ASSEMBLY or DISASSEMBLY.
    #[serde(rename = "type")]
    pub work_type: String,
    pub sku: String,
    pub quantity: i64,
    /// Kits produced (or taken apart) so far, and spoiled.
    pub done: i64,
    pub rejected: i64,
    pub customer_reference: String,
    /// CREATED, STARTED, PARTIAL, COMPLETED or CANCELLED.
    pub status: String,
    /// The work station where outputs are received.
    pub station_code: String,
    pub created_at: String,
    pub completed_at: Option<String>,
}

impl From<WorkOrderRow> for WorkOrderView {
    fn from(o: WorkOrderRow) -> Self {
        WorkOrderView {
            order_no: o.order_no,
            customer_code: o.customer_code,
            warehouse_code: o.warehouse_code,
            work_type: o.work_type.to_string(),
            sku: o.sku,
            quantity: o.quantity,
            done: o.done,
            rejected: o.rejected,
            customer_reference: o.customer_reference,
            status: o.status.to_string(),
            station_code: o.station_code,
            created_at: iso(o.created_at),
            completed_at: o.completed_at.map(iso),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkOrderInputView {
    pub sku: String,
    /// Units per kit.
    pub per_kit: i64,
    /// Whether units are still reserved for kits to do.
    pub reserved: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkOrderCompletionView {
    pub seq: i64,
    pub produced: i64,
    pub rejected: i64,
    pub workers: Vec<String>,
    pub lot_no: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WorkOrderDetailView {
    pub order: WorkOrderView,
    pub inputs: Vec<WorkOrderInputView>,
    pub completions: Vec<WorkOrderCompletionView>,
    /// Staff: where the putaway planner would put the outputs still at the
    /// station (move them there with `POST /ops/moves`).
    pub putaway: Vec<PlanItemView>,
}

impl From<WorkOrderDetail> for WorkOrderDetailView {
    fn from(d: WorkOrderDetail) -> Self {
        WorkOrderDetailView {
            order: d.order.into(),
            inputs: d
                .inputs
                .into_iter()
                .map(|i| WorkOrderInputView { sku: i.sku, per_kit: i.per_kit, reserved: i.reservation_id.is_some() })
                .collect(),
            completions: d
                .completions
                .into_iter()
                .map(|c| WorkOrderCompletionView {
                    seq: c.seq,
                    produced: c.produced,
                    rejected: c.rejected,
                    workers: serde_json::from_str(&c.workers).unwrap_or_default(),
                    lot_no: c.lot_no,
                    created_at: iso(c.created_at),
                })
                .collect(),
            putaway: d.putaway.into_iter().map(PlanItemView::from).collect(),
        }
    }
}

fn filter(params: &Params) -> Result<WorkOrderFilter, ApiError> {
    Ok(WorkOrderFilter {
        warehouse_code: params.text("warehouseCode"),
        work_type: params.choice("type", WorkType::parse, "ASSEMBLY or DISASSEMBLY")?,
        status: params.choice("status", WorkOrderStatus::parse, "unknown work order status")?,
        sku: params.text("sku"),
        created_from: params.time("createdFrom")?,
        created_to: params.time("createdTo")?,
    })
}

/// Orders an assembly or disassembly; its inputs are reserved at once.
#[utoipa::path(post, path = "/api/v1/work-orders", tag = "work-orders", security(("bearer" = [])),
    request_body = WorkOrderInput,
    responses((status = 200, description = "The work order", body = CreatedView),
              (status = 409, description = "70002 the reference exists with other contents; 30002 inputs short")))]
pub async fn create(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    JsonBody(input): JsonBody<WorkOrderInput>,
) -> Result<Envelope<CreatedView>, ApiError> {
    let cmd = CreateWorkOrder {
        work_type: input.work_type,
        warehouse_code: input.warehouse_code.trim().to_owned(),
        sku: input.sku,
        quantity: input.quantity,
        customer_reference: input.customer_reference,
    };
    let by = format!("customer:{}", c.customer_code);
    let done = s.app.create_work_order((c.customer_id, &c.customer_code), &by, Viewer::Customer(&c), &cmd).await?;
    Ok(Envelope(done.into()))
}

#[utoipa::path(get, path = "/api/v1/work-orders", tag = "work-orders", security(("bearer" = [])),
    params(("warehouseCode" = Option<String>, Query), ("type" = Option<String>, Query),
           ("status" = Option<String>, Query), ("sku" = Option<String>, Query),
           ("createdFrom" = Option<String>, Query), ("createdTo" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of work orders", body = PageView<WorkOrderView>)))]
pub async fn list(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<WorkOrderView>>, ApiError> {
    let page = s.app.list_work_orders(Viewer::Customer(&c), &filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, WorkOrderView::from)))
}

#[utoipa::path(get, path = "/api/v1/work-orders/{no}", tag = "work-orders", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The work order", body = WorkOrderDetailView)))]
pub async fn detail(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<WorkOrderDetailView>, ApiError> {
    Ok(Envelope(s.app.work_order_detail(Viewer::Customer(&c), &no).await?.into()))
}

/// Cancels what is not done yet: the inputs still reserved are released.
#[utoipa::path(post, path = "/api/v1/work-orders/{no}/cancel", tag = "work-orders", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "Cancelled", body = WorkOrderView)))]
pub async fn cancel(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<WorkOrderView>, ApiError> {
    Ok(Envelope(s.app.cancel_work_order(Viewer::Customer(&c), &no).await?.into()))
}

/// Staff order a work order for a seller.
#[utoipa::path(post, path = "/api/v1/ops/work-orders", tag = "ops", security(("bearer" = [])),
    request_body = OpsWorkOrderInput,
    responses((status = 200, description = "The work order", body = CreatedView)))]
pub async fn ops_create(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<OpsWorkOrderInput>,
) -> Result<Envelope<CreatedView>, ApiError> {
    let (customer_id, code) = s.app.customer_ref(&input.customer_code).await?;
    let cmd = CreateWorkOrder {
        work_type: input.work_type,
        warehouse_code: input.warehouse_code.trim().to_owned(),
        sku: input.sku,
        quantity: input.quantity,
        customer_reference: input.customer_reference,
    };
    let done = s.app.create_work_order((customer_id, &code), &staff.operator(), Viewer::Staff(&staff), &cmd).await?;
    Ok(Envelope(done.into()))
}

#[utoipa::path(get, path = "/api/v1/ops/work-orders", tag = "ops", security(("bearer" = [])),
    params(("warehouseCode" = Option<String>, Query), ("type" = Option<String>, Query),
           ("status" = Option<String>, Query), ("sku" = Option<String>, Query),
           ("createdFrom" = Option<String>, Query), ("createdTo" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of work orders", body = PageView<WorkOrderView>)))]
pub async fn ops_list(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<PageView<WorkOrderView>>, ApiError> {
    let page = s.app.list_work_orders(Viewer::Staff(&staff), &filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, WorkOrderView::from)))
}

#[utoipa::path(get, path = "/api/v1/ops/work-orders/{no}", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The work order", body = WorkOrderDetailView)))]
pub async fn ops_detail(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<WorkOrderDetailView>, ApiError> {
    Ok(Envelope(s.app.work_order_detail(Viewer::Staff(&staff), &no).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/ops/work-orders/{no}/start", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "Started", body = WorkOrderView)))]
pub async fn start(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<WorkOrderView>, ApiError> {
    Ok(Envelope(s.app.start_work_order(&staff, &no).await?.into()))
}

/// Kits done (in part or all): inputs consumed to `@KITTING`, outputs
/// received at the station in the work order's lot; `workorder.completed`.
#[utoipa::path(post, path = "/api/v1/ops/work-orders/{no}/complete", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), request_body = CompleteWorkOrderInput,
    responses((status = 200, description = "The work order", body = WorkOrderView),
              (status = 409, description = "70005 more kits than are left; 30002 inputs not on the racks")))]
pub async fn complete(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
    JsonBody(input): JsonBody<CompleteWorkOrderInput>,
) -> Result<Envelope<WorkOrderView>, ApiError> {
    let cmd = CompleteWorkOrder { produced: input.produced, rejected: input.rejected, workers: input.workers };
    Ok(Envelope(s.app.complete_work_order(&staff, &no, &cmd).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/ops/work-orders/{no}/cancel", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "Cancelled", body = WorkOrderView)))]
pub async fn ops_cancel(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<WorkOrderView>, ApiError> {
    Ok(Envelope(s.app.cancel_work_order(Viewer::Staff(&staff), &no).await?.into()))
}
