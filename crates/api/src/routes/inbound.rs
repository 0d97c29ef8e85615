//! Inbound orders: the seller's side (`/inbound-orders`) and the
//! warehouse's side (`/ops/inbound-orders`, `/ops/putaway`).

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::inbound::{
    CreateInbound, InboundDetail, PlanItem, PutawayCommand, PutawayLine, ReceiveCommand, ReceiveLine,
};
use haicang_app::query::{InboundFilter, InboundOrderRow};
use haicang_app::{AppError, Stepped, Viewer};
use haicang_core::decimal::format_fixed;
use haicang_core::inbound::{BoxDraft, InboundStatus, ItemDraft};
use haicang_core::ledger::Condition;
use haicang_print::LabelSize;

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{BodyBytes, CustomerAuth, JsonBody, Params, Path, StaffAuth, optional_body};
use crate::routes::products::DecimalText;
use crate::routes::{CancelInput, CreatedView, iso};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/inbound-orders", get(list).post(create))
        .route("/api/v1/inbound-orders/{no}", get(detail))
        .route("/api/v1/inbound-orders/{no}/submit", post(submit))
        .route("/api/v1/inbound-orders/{no}/cancel", post(cancel))
        .route("/api/v1/inbound-orders/{no}/tracking", put(tracking))
        .route("/api/v1/inbound-orders/{no}/labels.pdf", get(labels))
        .route("/api/v1/ops/inbound-orders", get(ops_list))
        .route("/api/v1/ops/inbound-orders/{no}", get(ops_detail))
        .route("/api/v1/ops/inbound-orders/{no}/labels.pdf", get(ops_labels))
        .route("/api/v1/ops/inbound-orders/{code}/arrive", post(arrive))
        .route("/api/v1/ops/inbound-orders/{no}/receive", post(receive))
        .route("/api/v1/ops/inbound-orders/{no}/close-receipt", post(close_receipt))
        .route("/api/v1/ops/inbound-orders/{no}/putaway-plan", get(putaway_plan))
        .route("/api/v1/ops/putaway", post(putaway))
}

// ------------------------------------------------------------------ input

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InboundInput {
    pub warehouse_code: String,
    /// PARCEL, CARTON or PALLET.
    #[serde(rename = "type")]
    pub inbound_type: String,
    /// STANDARD (default) or DIRECT.
    pub mode: Option<String>,
    /// The seller's own number: unique per seller, and the idempotency key
    /// (the same body again answers the same order).
    pub customer_reference: String,
    /// YYYY-MM-DD
    pub expected_arrival: Option<String>,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub note: Option<String>,
    /// Create as DRAFT (submit later) instead of SUBMITTED.
    #[serde(default)]
    pub draft: bool,
    /// The packing list; or, instead, `forecastItems`.
    #[serde(default)]
    pub boxes: Vec<BoxInput>,
    /// SKUs and quantities without a packing list (Winit's forecast order).
    #[serde(default)]
    pub forecast_items: Vec<ItemInput>,
    /// CARTON inbounds: keep single-SKU boxes closed as sealed cartons in
    /// stock (`GET /inventory/boxes`), their box label the licence plate.
    #[serde(default)]
    pub keep_sealed: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BoxInput {
    /// The seller's box number; numbered 1..n when left out.
    pub box_no: Option<String>,
    /// A third-party label already on the box; unique per warehouse.
    pub barcode: Option<String>,
    #[schema(value_type = f64)]
    pub length_cm: Option<DecimalText>,
    #[schema(value_type = f64)]
    pub width_cm: Option<DecimalText>,
    #[schema(value_type = f64)]
    pub height_cm: Option<DecimalText>,
    #[schema(value_type = f64)]
    pub weight_kg: Option<DecimalText>,
    pub items: Vec<ItemInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ItemInput {
    pub sku: String,
    pub quantity: i64,
    pub batch_no: Option<String>,
    /// YYYY-MM-DD
    pub production_date: Option<String>,
    /// YYYY-MM-DD
    pub expiry_date: Option<String>,
    #[serde(default)]
    pub serials: Vec<String>,
}

impl From<ItemInput> for ItemDraft {
    fn from(i: ItemInput) -> Self {
        ItemDraft {
            sku: i.sku.trim().to_owned(),
            quantity: i.quantity,
            batch_no: i.batch_no,
            production_date: i.production_date,
            expiry_date: i.expiry_date,
            serials: i.serials.into_iter().map(|s| s.trim().to_owned()).collect(),
        }
    }
}

impl From<InboundInput> for CreateInbound {
    fn from(i: InboundInput) -> Self {
        CreateInbound {
            warehouse_code: i.warehouse_code.trim().to_owned(),
            inbound_type: i.inbound_type,
            mode: i.mode,
            customer_reference: i.customer_reference,
            expected_arrival: i.expected_arrival,
            carrier: i.carrier,
            tracking_no: i.tracking_no,
            note: i.note,
            draft: i.draft,
            boxes: i
                .boxes
                .into_iter()
                .map(|b| BoxDraft {
                    box_no: b.box_no,
                    barcode: b.barcode,
                    length_cm: b.length_cm.map(|d| d.0),
                    width_cm: b.width_cm.map(|d| d.0),
                    height_cm: b.height_cm.map(|d| d.0),
                    weight_kg: b.weight_kg.map(|d| d.0),
                    items: b.items.into_iter().map(Into::into).collect(),
                })
                .collect(),
            forecast: i.forecast_items.into_iter().map(Into::into).collect(),
            keep_sealed: i.keep_sealed,
            attributes: None,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TrackingInput {
    pub carrier: Option<String>,
    pub tracking_no: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArriveInput {
    /// Narrows a box-code or tracking-number scan to one warehouse.
    pub warehouse_code: Option<String>,
    /// The RECEIVING location the goods wait in (default: the first).
    pub dock_code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiveInput {
    /// The seller's box number or any code scanned from the box; left out
    /// for forecast orders.
    pub box_no: Option<String>,
    pub lines: Vec<ReceiveLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiveLineInput {
    pub sku: String,
    #[serde(default)]
    pub good: i64,
    #[serde(default)]
    pub defective: i64,
    /// One per unit (good first, then defective) for serial-managed SKUs.
    #[serde(default)]
    pub serials: Vec<String>,
    pub batch_no: Option<String>,
    pub production_date: Option<String>,
    pub expiry_date: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PutawayInput {
    pub inbound_order_no: String,
    pub lines: Vec<PutawayLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PutawayLineInput {
    pub sku: String,
    pub lot_no: String,
    /// GOOD (default) or DEFECTIVE.
    pub condition: Option<String>,
    pub location_code: String,
    pub quantity: i64,
}

// ------------------------------------------------------------------ views

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InboundOrderView {
    pub order_no: String,
    pub customer_reference: String,
    pub warehouse_code: String,
    #[serde(rename = "type")]
    pub inbound_type: String,
    pub mode: String,
    pub forecast: bool,
    pub status: String,
    pub expected_arrival: Option<String>,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub note: Option<String>,
    pub box_count: i64,
    pub unit_count: i64,
    pub arrived_at: Option<String>,
    pub received_at: Option<String>,
    pub putaway_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<InboundOrderRow> for InboundOrderView {
    fn from(o: InboundOrderRow) -> Self {
        InboundOrderView {
            order_no: o.order_no,
            customer_reference: o.customer_reference,
            warehouse_code: o.warehouse_code,
            inbound_type: o.inbound_type.to_string(),
            mode: o.mode.to_string(),
            forecast: o.forecast != 0,
            status: o.status.to_string(),
            expected_arrival: o.expected_arrival,
            carrier: o.carrier,
            tracking_no: o.tracking_no,
            note: o.note,
            box_count: o.box_count,
            unit_count: o.unit_count,
            arrived_at: o.arrived_at.map(iso),
            received_at: o.received_at.map(iso),
            putaway_at: o.putaway_at.map(iso),
            created_at: iso(o.created_at),
            updated_at: iso(o.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ItemView {
    pub sku: String,
    pub quantity: i64,
    pub batch_no: Option<String>,
    pub expiry_date: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BoxView {
    pub seq: i64,
    pub box_no: String,
    /// What the box label's barcode carries.
    pub scan_code: String,
    pub barcode: Option<String>,
    pub length_cm: String,
    pub width_cm: String,
    pub height_cm: String,
    pub weight_kg: String,
    pub received_at: Option<String>,
    pub items: Vec<ItemView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkuProgressView {
    pub sku: String,
    pub expected: i64,
    pub received_good: i64,
    pub received_defective: i64,
    pub put_away: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptView {
    pub box_no: Option<String>,
    pub sku: String,
    pub lot_no: String,
    pub good: i64,
    pub defective: i64,
    pub operator: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PutawayView {
    pub sku: String,
    pub lot_no: String,
    pub condition: String,
    pub location_code: String,
    pub proposed_location_code: Option<String>,
    pub quantity: i64,
    pub operator: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DiscrepancyView {
    pub box_no: Option<String>,
    pub sku: String,
    /// SHORT, OVER, UNEXPECTED or DEFECTIVE.
    pub kind: String,
    pub expected: i64,
    pub received: i64,
    /// SHORT because the box never arrived.
    pub box_missing: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    pub status: String,
    pub operator: String,
    pub note: Option<String>,
    pub at: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InboundDetailView {
    #[serde(flatten)]
    pub order: InboundOrderView,
    pub boxes: Vec<BoxView>,
    /// Lines of a forecast order (no boxes).
    pub forecast_items: Vec<ItemView>,
    pub skus: Vec<SkuProgressView>,
    pub receipts: Vec<ReceiptView>,
    pub putaways: Vec<PutawayView>,
    pub discrepancies: Vec<DiscrepancyView>,
    pub history: Vec<HistoryView>,
    /// What the order was charged (receiving at receipt close, putaway).
    pub fees: Vec<crate::routes::billing::ChargeView>,
}

impl From<InboundDetail> for InboundDetailView {
    fn from(d: InboundDetail) -> Self {
        let item = |l: &haicang_app::query::LineRow| ItemView {
            sku: l.sku.clone(),
            quantity: l.quantity,
            batch_no: l.batch_no.clone(),
            expiry_date: l.expiry_date.clone(),
        };
        let box_no = |id: Option<i64>| {
            id.and_then(|id| d.boxes.iter().find(|b| b.inbound_box_id == id)).map(|b| b.box_no.clone())
        };
        let cm = |mm: i64| format_fixed(mm, 1, 0);
        InboundDetailView {
            fees: d.fees.iter().cloned().map(Into::into).collect(),
            boxes: d
                .boxes
                .iter()
                .map(|b| BoxView {
                    seq: b.seq,
                    box_no: b.box_no.clone(),
                    scan_code: b.scan_code.clone(),
                    barcode: b.barcode.clone(),
                    length_cm: cm(b.length_mm),
                    width_cm: cm(b.width_mm),
                    height_cm: cm(b.height_mm),
                    weight_kg: format_fixed(b.weight_g, 3, 0),
                    received_at: b.received_at.map(iso),
                    items: d.lines.iter().filter(|l| l.inbound_box_id == Some(b.inbound_box_id)).map(item).collect(),
                })
                .collect(),
            forecast_items: d.lines.iter().filter(|l| l.inbound_box_id.is_none()).map(item).collect(),
            skus: d
                .skus
                .iter()
                .map(|s| SkuProgressView {
                    sku: s.sku.clone(),
                    expected: s.expected,
                    received_good: s.received_good,
                    received_defective: s.received_defective,
                    put_away: s.put_away,
                })
                .collect(),
            receipts: d
                .receipts
                .iter()
                .map(|r| ReceiptView {
                    box_no: box_no(r.inbound_box_id),
                    sku: r.sku.clone(),
                    lot_no: r.lot_code.clone(),
                    good: r.good,
                    defective: r.defective,
                    operator: r.operator.clone(),
                    created_at: iso(r.created_at),
                })
                .collect(),
            putaways: d
                .putaways
                .iter()
                .map(|a| PutawayView {
                    sku: a.sku.clone(),
                    lot_no: a.lot_code.clone(),
                    condition: a.condition.to_string(),
                    location_code: a.location_code.clone(),
                    proposed_location_code: a.proposed_location_code.clone(),
                    quantity: a.quantity,
                    operator: a.operator.clone(),
                    created_at: iso(a.created_at),
                })
                .collect(),
            discrepancies: d
                .discrepancies
                .iter()
                .map(|x| DiscrepancyView {
                    box_no: x.box_no.clone(),
                    sku: x.sku.clone(),
                    kind: x.kind.as_str().to_owned(),
                    expected: x.expected,
                    received: x.received,
                    box_missing: x.box_missing,
                })
                .collect(),
            history: d
                .history
                .iter()
                .map(|h| HistoryView {
                    status: h.status.to_string(),
                    operator: h.operator.clone(),
                    note: h.note.clone(),
                    at: iso(h.created_at),
                })
                .collect(),
            order: d.order.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanItemView {
    pub sku: String,
    pub lot_no: String,
    pub condition: String,
    pub quantity: i64,
    /// None when no compatible location has room: staff decide.
    pub location_code: Option<String>,
    /// CONSOLIDATE, EMPTY_LOCATION, PARTLY_USED, DEFECTIVE_AREA, OVERFLOW or NO_LOCATION.
    pub reason: String,
}

impl From<PlanItem> for PlanItemView {
    fn from(p: PlanItem) -> Self {
        PlanItemView {
            sku: p.sku,
            lot_no: p.lot_no,
            condition: p.condition.as_str().to_owned(),
            quantity: p.quantity,
            location_code: p.location_code,
            reason: p.reason.as_str().to_owned(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    pub order_no: String,
    pub items: Vec<PlanItemView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    pub order_no: String,
    pub status: String,
}

// ------------------------------------------------------------------ seller

/// Announces an inbound order (ASN).
#[utoipa::path(post, path = "/api/v1/inbound-orders", tag = "inbound", security(("bearer" = [])),
    request_body = InboundInput,
    responses((status = 200, description = "The order (created now or by the same request before)", body = CreatedView)))]
pub async fn create(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    JsonBody(input): JsonBody<InboundInput>,
) -> Result<Envelope<CreatedView>, ApiError> {
    let cmd: CreateInbound = input.into();
    let done = s.app.create_inbound(&c, &cmd).await?;
    Ok(Envelope(done.into()))
}

/// The caller's inbound orders, newest first.
#[utoipa::path(get, path = "/api/v1/inbound-orders", tag = "inbound", security(("bearer" = [])),
    params(("orderNo" = Option<Vec<String>>, Query), ("customerReference" = Option<Vec<String>>, Query),
           ("warehouseCode" = Option<String>, Query), ("status" = Option<String>, Query),
           ("createdFrom" = Option<String>, Query, description = "ISO 8601"), ("createdTo" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of orders", body = PageView<InboundOrderView>)))]
pub async fn list(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<InboundOrderView>>, ApiError> {
    let filter = inbound_filter(&params)?;
    let page = s.app.list_inbound(Viewer::Customer(&c), &filter, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, InboundOrderView::from)))
}

/// Every seller's inbound orders (the dock's arrival queue), newest first.
#[utoipa::path(get, path = "/api/v1/ops/inbound-orders", tag = "ops", security(("bearer" = [])),
    params(("customerCode" = Option<String>, Query), ("orderNo" = Option<Vec<String>>, Query),
           ("customerReference" = Option<Vec<String>>, Query), ("warehouseCode" = Option<String>, Query),
           ("status" = Option<String>, Query), ("createdFrom" = Option<String>, Query),
           ("createdTo" = Option<String>, Query), ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of orders", body = PageView<InboundOrderView>)))]
pub async fn ops_list(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<PageView<InboundOrderView>>, ApiError> {
    let mut filter = inbound_filter(&params)?;
    filter.customer_code = params.text("customerCode");
    let page = s.app.list_inbound(Viewer::Staff(&staff), &filter, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, InboundOrderView::from)))
}

fn inbound_filter(params: &Params) -> Result<InboundFilter, ApiError> {
    let status =
        params.choice("status", InboundStatus::parse, "unknown inbound status")?.map(|t| t.as_str().to_owned());
    let order_nos = params.all("orderNo");
    let references = params.all("customerReference");
    if order_nos.len().max(params.occurrences("orderNo")) > 100
        || references.len().max(params.occurrences("customerReference")) > 100
    {
        return Err(AppError::InvalidParam { field: "orderNo", reason: "at most 100 values".into() }.into());
    }
    Ok(InboundFilter {
        customer_code: None,
        order_nos,
        references,
        warehouse_code: params.text("warehouseCode"),
        status,
        created_from: params.time("createdFrom")?,
        created_to: params.time("createdTo")?,
    })
}

/// One order: boxes, expected vs received vs put away per SKU,
/// discrepancies and status history.
#[utoipa::path(get, path = "/api/v1/inbound-orders/{no}", tag = "inbound", security(("bearer" = [])),
    params(("no" = String, Path)),
    responses((status = 200, description = "The order", body = InboundDetailView)))]
pub async fn detail(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<InboundDetailView>, ApiError> {
    Ok(Envelope(s.app.inbound_detail(Viewer::Customer(&c), &no).await?.into()))
}

impl From<Stepped<InboundStatus>> for StatusView {
    fn from(done: Stepped<InboundStatus>) -> Self {
        StatusView { order_no: done.order_no, status: done.status.to_string() }
    }
}

/// Sends a DRAFT order to the warehouse.
#[utoipa::path(post, path = "/api/v1/inbound-orders/{no}/submit", tag = "inbound", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "Submitted", body = StatusView)))]
pub async fn submit(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<StatusView>, ApiError> {
    Ok(Envelope(s.app.submit_inbound(&c, &no).await?.into()))
}

/// Cancels an order before it arrives (40005 after).
#[utoipa::path(post, path = "/api/v1/inbound-orders/{no}/cancel", tag = "inbound", security(("bearer" = [])),
    params(("no" = String, Path)), request_body = Option<CancelInput>,
    responses((status = 200, description = "Cancelled", body = StatusView)))]
pub async fn cancel(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
    BodyBytes(body): BodyBytes,
) -> Result<Envelope<StatusView>, ApiError> {
    let input: CancelInput = optional_body(&body)?;
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    Ok(Envelope(s.app.cancel_inbound(&c, &no, reason).await?.into()))
}

/// Sets carrier and tracking number while the goods are on the way.
#[utoipa::path(put, path = "/api/v1/inbound-orders/{no}/tracking", tag = "inbound", security(("bearer" = [])),
    params(("no" = String, Path)), request_body = TrackingInput,
    responses((status = 200, description = "Updated", body = InboundOrderView)))]
pub async fn tracking(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
    JsonBody(input): JsonBody<TrackingInput>,
) -> Result<Envelope<InboundOrderView>, ApiError> {
    let carrier = input.carrier.as_deref().map(str::trim).filter(|c| !c.is_empty());
    s.app.update_inbound_tracking(&c, &no, carrier, &input.tracking_no).await?;
    Ok(Envelope(s.app.inbound_detail(Viewer::Customer(&c), &no).await?.order.into()))
}

fn label_size(params: &Params) -> Result<LabelSize, ApiError> {
    Ok(params.choice("size", LabelSize::parse, "100x100 or 100x150")?.unwrap_or_default())
}

fn pdf(no: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{no}-labels.pdf\"")),
        ],
        bytes,
    )
        .into_response()
}

/// Box labels: one page per box with a Code 128 of the box's scan code.
#[utoipa::path(get, path = "/api/v1/inbound-orders/{no}/labels.pdf", tag = "inbound", security(("bearer" = [])),
    params(("no" = String, Path), ("size" = Option<String>, Query, description = "100x100 (default) or 100x150")),
    responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub async fn labels(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let size = label_size(&params)?;
    Ok(pdf(&no, s.app.inbound_labels(Viewer::Customer(&c), &no, size).await?))
}

// ------------------------------------------------------------------ staff

/// Any seller's order, for the warehouse.
#[utoipa::path(get, path = "/api/v1/ops/inbound-orders/{no}", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The order", body = InboundDetailView)))]
pub async fn ops_detail(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<InboundDetailView>, ApiError> {
    Ok(Envelope(s.app.inbound_detail(Viewer::Staff(&staff), &no).await?.into()))
}

/// Reprints box labels at the dock.
#[utoipa::path(get, path = "/api/v1/ops/inbound-orders/{no}/labels.pdf", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path), ("size" = Option<String>, Query)),
    responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub async fn ops_labels(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    let size = label_size(&params)?;
    Ok(pdf(&no, s.app.inbound_labels(Viewer::Staff(&staff), &no, size).await?))
}

/// The goods are at the dock: `{code}` is the order number, a box's scan
/// code or third-party barcode, or the tracking number.
#[utoipa::path(post, path = "/api/v1/ops/inbound-orders/{code}/arrive", tag = "ops", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = Option<ArriveInput>,
    responses((status = 200, description = "Arrived", body = StatusView)))]
pub async fn arrive(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(code): Path<String>,
    BodyBytes(body): BodyBytes,
) -> Result<Envelope<StatusView>, ApiError> {
    let input: ArriveInput = optional_body(&body)?;
    let done = s.app.arrive_inbound(&staff, input.warehouse_code.as_deref(), &code, input.dock_code.as_deref()).await?;
    Ok(Envelope(done.into()))
}

/// Records the count of one box: good and defective per SKU.
#[utoipa::path(post, path = "/api/v1/ops/inbound-orders/{no}/receive", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), request_body = ReceiveInput,
    responses((status = 200, description = "Counted", body = InboundDetailView)))]
pub async fn receive(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
    JsonBody(input): JsonBody<ReceiveInput>,
) -> Result<Envelope<InboundDetailView>, ApiError> {
    let cmd = ReceiveCommand {
        box_code: input.box_no,
        lines: input
            .lines
            .into_iter()
            .map(|l| ReceiveLine {
                sku: l.sku.trim().to_owned(),
                good: l.good,
                defective: l.defective,
                serials: l.serials.into_iter().map(|s| s.trim().to_owned()).collect(),
                batch_no: l.batch_no,
                production_date: l.production_date,
                expiry_date: l.expiry_date,
            })
            .collect(),
    };
    s.app.receive_inbound(&staff, &no, &cmd).await?;
    Ok(Envelope(s.app.inbound_detail(Viewer::Staff(&staff), &no).await?.into()))
}

/// Ends counting; boxes never counted become short discrepancies.
#[utoipa::path(post, path = "/api/v1/ops/inbound-orders/{no}/close-receipt", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "Received", body = StatusView)))]
pub async fn close_receipt(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<StatusView>, ApiError> {
    Ok(Envelope(s.app.close_inbound_receipt(&staff, &no).await?.into()))
}

/// Proposed locations for what waits at the dock, with the reason.
#[utoipa::path(get, path = "/api/v1/ops/inbound-orders/{no}/putaway-plan", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The plan", body = PlanView)))]
pub async fn putaway_plan(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<PlanView>, ApiError> {
    let items = s.app.putaway_plan(&staff, &no).await?.into_iter().map(PlanItemView::from).collect();
    Ok(Envelope(PlanView { order_no: no, items }))
}

/// Confirms putaway scans (any allowed location, proposed or not).
#[utoipa::path(post, path = "/api/v1/ops/putaway", tag = "ops", security(("bearer" = [])),
    request_body = PutawayInput, responses((status = 200, description = "Put away", body = StatusView)))]
pub async fn putaway(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<PutawayInput>,
) -> Result<Envelope<StatusView>, ApiError> {
    let mut lines = Vec::with_capacity(input.lines.len());
    for l in input.lines {
        // Goods come in good or defective; blank is good.
        let condition = match l.condition.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => Condition::Good,
            Some(c) => Condition::parse(c)
                .filter(|c| matches!(c, Condition::Good | Condition::Defective))
                .ok_or(AppError::InvalidParam { field: "lines.condition", reason: "GOOD or DEFECTIVE".into() })?,
        };
        lines.push(PutawayLine {
            sku: l.sku.trim().to_owned(),
            lot_no: l.lot_no,
            condition,
            location_code: l.location_code,
            quantity: l.quantity,
        });
    }
    let cmd = PutawayCommand { inbound_order_no: input.inbound_order_no.trim().to_owned(), lines };
    let status = s.app.putaway_inbound(&staff, &cmd).await?;
    Ok(Envelope(StatusView { order_no: cmd.inbound_order_no, status: status.as_str().to_owned() }))
}
