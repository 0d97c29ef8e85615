//! Outbound orders: the seller's side (`/outbound-orders`) and the
//! warehouse's (`/ops/waves`, `/ops/pick-batches`, `/ops/pack`, `/ops/ship`,
//! `/ops/outbound-orders`, `/ops/shipments`).

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::outbound::{
    BatchView, CreateOutbound, OutboundDetail, PackBox, PackCommand, PickCommand, TOTES_DEFAULT, WaveCommand,
};
use haicang_app::query::{OutboundFilter, OutboundOrderRow};
use haicang_app::{AppError, Viewer};
use haicang_core::decimal::{format_fixed, parse_fixed};
use haicang_core::inbound;
use haicang_core::outbound::{OutboundStatus, Recipient, WaveProfile};
use haicang_core::transfers::OrderKind;

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{BodyBytes, CustomerAuth, JsonBody, Params, Path, StaffAuth, optional_body};
use crate::routes::products::DecimalText;
use crate::routes::{CancelInput, CreatedView, iso};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/outbound-orders", get(list).post(create))
        .route("/api/v1/outbound-orders/batch-get", post(batch_get))
        .route("/api/v1/outbound-orders/{no}", get(detail))
        .route("/api/v1/outbound-orders/{no}/cancel", post(cancel))
        .route("/api/v1/outbound-orders/{no}/tracking", get(tracking))
        .route("/api/v1/outbound-orders/{no}/label.pdf", get(label))
        .route("/api/v1/ops/outbound-orders", get(ops_list))
        .route("/api/v1/ops/outbound-orders/{no}", get(ops_detail))
        .route("/api/v1/ops/outbound-orders/{no}/interception", post(interception))
        .route("/api/v1/ops/outbound-orders/{no}/label.pdf", get(ops_label))
        .route("/api/v1/ops/waves", post(wave))
        .route("/api/v1/ops/pick-batches/{id}", get(batch))
        .route("/api/v1/ops/pick-batches/{id}/pick-list.pdf", get(pick_list))
        .route("/api/v1/ops/pick-batches/{id}/picks", post(pick))
        .route("/api/v1/ops/pack", post(pack))
        .route("/api/v1/ops/ship", post(ship))
        .route("/api/v1/ops/shipments/{tracking_no}/events", post(shipment_event))
}

// ------------------------------------------------------------------ input

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecipientInput {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    /// ISO 3166 alpha-2; an order's must be the warehouse's country (a
    /// return address may be anywhere).
    pub country: Option<String>,
    /// 2 letters in the US.
    pub state: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub house_no: Option<String>,
    pub postcode: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LineInput {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OutboundInput {
    pub warehouse_code: String,
    pub shipping_service_code: Option<String>,
    /// The ERP's order number: unique per seller, the idempotency key.
    pub customer_reference: Option<String>,
    /// AMAZON, EBAY, TEMU, TIKTOK, SHOPIFY, SHOPEE, WALMART or OTHER.
    pub platform: Option<String>,
    pub platform_order_no: Option<String>,
    pub recipient: RecipientInput,
    #[serde(default)]
    pub items: Vec<LineInput>,
    /// The seller's own label: an http(s) URL or a base64 PDF (then
    /// `trackingNo` is required).
    pub label_url: Option<String>,
    pub tracking_no: Option<String>,
    /// At most 200 characters.
    pub note: Option<String>,
}

fn text(v: Option<String>) -> String {
    v.map(|s| s.trim().to_owned()).unwrap_or_default()
}

fn opt(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl From<RecipientInput> for Recipient {
    fn from(r: RecipientInput) -> Self {
        Recipient {
            name: text(r.name),
            phone: opt(r.phone),
            email: opt(r.email),
            company: opt(r.company),
            country: text(r.country).to_ascii_uppercase(),
            state: opt(r.state).map(|s| s.to_ascii_uppercase()),
            city: text(r.city),
            district: opt(r.district),
            address_line1: text(r.address_line1),
            address_line2: opt(r.address_line2),
            house_no: opt(r.house_no),
            postcode: text(r.postcode),
        }
    }
}

impl From<OutboundInput> for CreateOutbound {
    fn from(i: OutboundInput) -> Self {
        CreateOutbound {
            warehouse_code: i.warehouse_code.trim().to_owned(),
            shipping_service_code: text(i.shipping_service_code),
            customer_reference: text(i.customer_reference),
            platform: text(i.platform),
            platform_order_no: opt(i.platform_order_no),
            recipient: i.recipient.into(),
            items: i.items.into_iter().map(|l| (l.sku.trim().to_owned(), l.quantity)).collect(),
            label: opt(i.label_url),
            tracking_no: opt(i.tracking_no),
            note: opt(i.note),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BatchGetInput {
    pub order_nos: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InterceptionInput {
    /// SUCCESS (the order stops) or FAIL (it ships).
    pub result: String,
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WaveInput {
    pub warehouse_code: String,
    /// Explicit orders; or leave out and select by the rules below.
    #[serde(default)]
    pub order_nos: Vec<String>,
    #[serde(default)]
    pub shipping_service_codes: Vec<String>,
    /// ISO 8601: only orders created before.
    pub created_before: Option<String>,
    /// SINGLE_UNIT, SINGLE_SKU, MULTI_SKU or ANY (default).
    pub profile: Option<String>,
    pub max_orders: Option<usize>,
    pub max_lines: Option<usize>,
    /// Orders per cart (one tote each); default 8.
    pub totes: Option<usize>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PickInput {
    pub location_code: String,
    /// SKU or product barcode as scanned.
    pub sku: String,
    pub quantity: i64,
    pub tote: Option<String>,
    /// For serial-managed SKUs: one serial number per unit picked.
    #[serde(default)]
    pub serials: Vec<String>,
    /// The location holds no more than `quantity`: the rest is short.
    #[serde(default)]
    pub short: bool,
}

/// A packed line as scanned at the bench.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PackLineInput {
    /// SKU or product barcode.
    pub sku: String,
    pub quantity: i64,
    /// For serial-managed SKUs: the serial number of every unit, exactly
    /// those picked for the order.
    #[serde(default)]
    pub serials: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PackInput {
    pub order_no: String,
    /// A parcel order: every picked unit, scanned.
    #[serde(default)]
    pub items: Vec<PackLineInput>,
    /// The parcel's weight and sides (parcel orders).
    #[schema(value_type = Option<f64>)]
    pub weight_kg: Option<DecimalText>,
    #[schema(value_type = Option<f64>)]
    pub length_cm: Option<DecimalText>,
    #[schema(value_type = Option<f64>)]
    pub width_cm: Option<DecimalText>,
    #[schema(value_type = Option<f64>)]
    pub height_cm: Option<DecimalText>,
    /// Transfers and B2B orders: the cartons, each with what it holds and
    /// its measures (a carton plan must be met exactly).
    #[serde(default)]
    pub boxes: Vec<PackBoxInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PackBoxInput {
    pub items: Vec<PackLineInput>,
    #[schema(value_type = f64)]
    pub weight_kg: DecimalText,
    #[schema(value_type = f64)]
    pub length_cm: DecimalText,
    #[schema(value_type = f64)]
    pub width_cm: DecimalText,
    #[schema(value_type = f64)]
    pub height_cm: DecimalText,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShipInput {
    pub order_no: String,
    /// Left out: the seller's tracking number, or one we generate.
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ShipmentEventInput {
    /// e.g. IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, EXCEPTION.
    pub code: String,
    pub description: String,
    pub location: Option<String>,
    /// ISO 8601; default now.
    pub occurred_at: Option<String>,
}

// ------------------------------------------------------------------ views

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutboundOrderView {
    pub order_no: String,
    /// PARCEL; staff lists also show TRANSFER and B2B orders (packed into
    /// cartons: `POST /ops/pack` with `boxes`).
    pub kind: String,
    pub customer_reference: String,
    pub warehouse_code: String,
    pub shipping_service_code: String,
    pub platform: String,
    pub platform_order_no: Option<String>,
    pub status: String,
    /// REQUESTED, SUCCEEDED or FAILED once a cancel met picking.
    pub intercept_status: Option<String>,
    pub intercept_reason: Option<String>,
    /// Why the order is in EXCEPTION.
    pub exception_reason: Option<String>,
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    #[schema(value_type = Object)]
    pub recipient: serde_json::Value,
    pub note: Option<String>,
    pub weight_kg: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub shipped_at: Option<String>,
}

impl From<OutboundOrderRow> for OutboundOrderView {
    fn from(o: OutboundOrderRow) -> Self {
        OutboundOrderView {
            kind: o.order_kind.as_str().to_owned(),
            order_no: o.order_no,
            customer_reference: o.customer_reference,
            warehouse_code: o.warehouse_code,
            shipping_service_code: o.shipping_service_code,
            platform: o.platform.to_string(),
            platform_order_no: o.platform_order_no,
            status: o.status.to_string(),
            intercept_status: o.intercept_status.0.map(|s| s.to_string()),
            intercept_reason: o.intercept_reason,
            exception_reason: o.exception_reason,
            tracking_no: o.tracking_no,
            carrier: o.carrier,
            recipient: serde_json::from_str(&o.recipient).unwrap_or_default(),
            note: o.note,
            weight_kg: o.weight_g.map(|g| format_fixed(g, 3, 0)),
            created_at: iso(o.created_at),
            updated_at: iso(o.updated_at),
            shipped_at: o.shipped_at.map(iso),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutboundLineView {
    pub sku: String,
    pub quantity: i64,
    /// The kit this component ships for.
    pub kit_sku: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PickView {
    pub location_code: String,
    pub sku: String,
    pub lot_no: String,
    pub quantity: i64,
    pub picked: i64,
    pub status: String,
    pub tote: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OutboundDetailView {
    #[serde(flatten)]
    pub order: OutboundOrderView,
    pub items: Vec<OutboundLineView>,
    pub picks: Vec<PickView>,
    /// What the order was charged (once shipped), each line a charge.
    pub fees: Vec<crate::routes::billing::ChargeView>,
}

impl From<OutboundDetail> for OutboundDetailView {
    fn from(d: OutboundDetail) -> Self {
        OutboundDetailView {
            fees: d.fees.into_iter().map(Into::into).collect(),
            items: d
                .lines
                .iter()
                .map(|l| OutboundLineView { sku: l.sku.clone(), quantity: l.quantity, kit_sku: l.kit_sku.clone() })
                .collect(),
            picks: d
                .allocations
                .iter()
                .map(|a| PickView {
                    location_code: a.stop.location_code.clone(),
                    sku: a.stop.sku.clone(),
                    lot_no: a.stop.lot_code.clone(),
                    quantity: a.stop.quantity,
                    picked: a.stop.picked,
                    status: a.stop.status.to_string(),
                    tote: a.stop.tote.clone(),
                })
                .collect(),
            order: d.order.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrackingEventView {
    pub code: String,
    pub description: String,
    pub location: Option<String>,
    pub occurred_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrackingView {
    pub order_no: String,
    pub status: String,
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    pub events: Vec<TrackingEventView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RouteStopView {
    pub seq: i64,
    pub location_code: String,
    pub sku: String,
    pub barcode: String,
    pub lot_no: String,
    pub quantity: i64,
    pub picked: i64,
    pub order_no: String,
    pub tote: Option<String>,
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BatchViewOut {
    pub batch_id: i64,
    pub wave_no: String,
    pub seq: i64,
    pub distance_m: f64,
    pub packing_location_code: String,
    pub route: Vec<RouteStopView>,
}

impl From<BatchView> for BatchViewOut {
    fn from(v: BatchView) -> Self {
        BatchViewOut {
            batch_id: v.batch.pick_batch_id,
            wave_no: v.batch.wave_no,
            seq: v.batch.seq,
            distance_m: v.batch.distance_mm as f64 / 1000.0,
            packing_location_code: v.batch.packing_location_code,
            route: v
                .route
                .into_iter()
                .map(|s| RouteStopView {
                    seq: s.seq,
                    location_code: s.location_code,
                    sku: s.sku,
                    barcode: s.barcode,
                    lot_no: s.lot_no,
                    quantity: s.quantity,
                    picked: s.picked,
                    order_no: s.order_no,
                    tote: s.tote,
                    status: s.status,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkippedView {
    pub order_no: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WaveView {
    pub wave_no: String,
    pub order_nos: Vec<String>,
    /// Orders not released, with why (e.g. units still at the dock).
    pub skipped: Vec<SkippedView>,
    pub batches: Vec<BatchViewOut>,
}

// ------------------------------------------------------------------ seller

/// Creates an order and reserves its stock (all lines or none).
#[utoipa::path(post, path = "/api/v1/outbound-orders", tag = "outbound", security(("bearer" = [])),
    request_body = OutboundInput,
    responses((status = 200, description = "The order (created now or by the same request before)", body = CreatedView)))]
pub async fn create(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    JsonBody(input): JsonBody<OutboundInput>,
) -> Result<Envelope<CreatedView>, ApiError> {
    let done = s.app.create_outbound(&c, &input.into()).await?;
    Ok(Envelope(done.into()))
}

fn outbound_filter(params: &Params) -> Result<OutboundFilter, ApiError> {
    let status = params.choice("status", OutboundStatus::parse, "unknown order status")?.map(|t| t.as_str().to_owned());
    let filter = OutboundFilter {
        order_nos: params.all("orderNo"),
        references: params.all("customerReference"),
        tracking_nos: params.all("trackingNo"),
        warehouse_code: params.text("warehouseCode"),
        status,
        created_from: params.time("createdFrom")?,
        created_to: params.time("createdTo")?,
        ..Default::default()
    };
    let sent = ["orderNo", "customerReference", "trackingNo"].map(|k| params.occurrences(k)).iter().sum::<usize>();
    if (filter.order_nos.len() + filter.references.len() + filter.tracking_nos.len()).max(sent) > 100 {
        return Err(AppError::TooManyQueried.into());
    }
    Ok(filter)
}

/// The caller's orders, newest first.
#[utoipa::path(get, path = "/api/v1/outbound-orders", tag = "outbound", security(("bearer" = [])),
    params(("orderNo" = Option<Vec<String>>, Query), ("customerReference" = Option<Vec<String>>, Query),
           ("trackingNo" = Option<Vec<String>>, Query), ("warehouseCode" = Option<String>, Query),
           ("status" = Option<String>, Query), ("createdFrom" = Option<String>, Query),
           ("createdTo" = Option<String>, Query), ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of orders", body = PageView<OutboundOrderView>)))]
pub async fn list(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<OutboundOrderView>>, ApiError> {
    let page = s.app.list_outbound(Viewer::Customer(&c), &outbound_filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, OutboundOrderView::from)))
}

/// Up to 100 orders by number (more: 50028).
#[utoipa::path(post, path = "/api/v1/outbound-orders/batch-get", tag = "outbound", security(("bearer" = [])),
    request_body = BatchGetInput, responses((status = 200, description = "The orders found", body = [OutboundOrderView])))]
pub async fn batch_get(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    JsonBody(input): JsonBody<BatchGetInput>,
) -> Result<Envelope<Vec<OutboundOrderView>>, ApiError> {
    let rows = s.app.batch_get_outbound(&c, &input.order_nos).await?;
    Ok(Envelope(rows.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/outbound-orders/{no}", tag = "outbound", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The order", body = OutboundDetailView)))]
pub async fn detail(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<OutboundDetailView>, ApiError> {
    Ok(Envelope(s.app.outbound_detail(Viewer::Customer(&c), &no).await?.into()))
}

/// Cancels before picking; afterwards requests an interception; 50018
/// once shipped.
#[utoipa::path(post, path = "/api/v1/outbound-orders/{no}/cancel", tag = "outbound", security(("bearer" = [])),
    params(("no" = String, Path)), request_body = Option<CancelInput>,
    responses((status = 200, description = "Cancelled, or interception requested", body = OutboundOrderView)))]
pub async fn cancel(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
    BodyBytes(body): BodyBytes,
) -> Result<Envelope<OutboundOrderView>, ApiError> {
    let input: CancelInput = optional_body(&body)?;
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    Ok(Envelope(s.app.cancel_outbound(&c, &no, reason).await?.into()))
}

/// Our steps (label created, picked, packed, shipped) and carrier events.
#[utoipa::path(get, path = "/api/v1/outbound-orders/{no}/tracking", tag = "outbound", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "Tracking", body = TrackingView)))]
pub async fn tracking(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<TrackingView>, ApiError> {
    let d = s.app.outbound_detail(Viewer::Customer(&c), &no).await?;
    Ok(Envelope(TrackingView {
        order_no: d.order.order_no,
        status: d.order.status.to_string(),
        tracking_no: d.order.tracking_no,
        carrier: d.order.carrier,
        events: d
            .events
            .into_iter()
            .map(|e| TrackingEventView {
                code: e.code,
                description: e.description,
                location: e.location,
                occurred_at: iso(e.occurred_at),
            })
            .collect(),
    }))
}

pub(crate) fn pdf(name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}.pdf\"")),
        ],
        bytes,
    )
        .into_response()
}

/// The shipping label (the seller's, or the one generated at shipping).
#[utoipa::path(get, path = "/api/v1/outbound-orders/{no}/label.pdf", tag = "outbound", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub async fn label(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Response, ApiError> {
    Ok(pdf(&no, s.app.shipping_label(Viewer::Customer(&c), &no).await?))
}

// ------------------------------------------------------------------ staff

#[utoipa::path(get, path = "/api/v1/ops/outbound-orders", tag = "ops", security(("bearer" = [])),
    params(("warehouseCode" = Option<String>, Query), ("status" = Option<String>, Query),
           ("orderNo" = Option<Vec<String>>, Query), ("trackingNo" = Option<Vec<String>>, Query),
           ("kind" = Option<String>, Query, description = "PARCEL, TRANSFER or B2B (default: all)"),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of orders", body = PageView<OutboundOrderView>)))]
pub async fn ops_list(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<PageView<OutboundOrderView>>, ApiError> {
    let mut filter = outbound_filter(&params)?;
    filter.kinds = params.choice("kind", OrderKind::parse, "PARCEL, TRANSFER or B2B")?.into_iter().collect();
    let page = s.app.list_outbound(Viewer::Staff(&staff), &filter, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, OutboundOrderView::from)))
}

#[utoipa::path(get, path = "/api/v1/ops/outbound-orders/{no}", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The order", body = OutboundDetailView)))]
pub async fn ops_detail(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<OutboundDetailView>, ApiError> {
    Ok(Envelope(s.app.outbound_detail(Viewer::Staff(&staff), &no).await?.into()))
}

/// Resolves a seller's interception request.
#[utoipa::path(post, path = "/api/v1/ops/outbound-orders/{no}/interception", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), request_body = InterceptionInput,
    responses((status = 200, description = "Resolved", body = OutboundOrderView)))]
pub async fn interception(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
    JsonBody(input): JsonBody<InterceptionInput>,
) -> Result<Envelope<OutboundOrderView>, ApiError> {
    let success = match input.result.trim().to_ascii_uppercase().as_str() {
        "SUCCESS" => true,
        "FAIL" => false,
        _ => return Err(AppError::InvalidParam { field: "result", reason: "SUCCESS or FAIL".into() }.into()),
    };
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    Ok(Envelope(s.app.resolve_interception(&staff, &no, success, note).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/ops/outbound-orders/{no}/label.pdf", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub async fn ops_label(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Response, ApiError> {
    Ok(pdf(&no, s.app.shipping_label(Viewer::Staff(&staff), &no).await?))
}

/// Releases orders to the floor: allocations, carts and routes.
#[utoipa::path(post, path = "/api/v1/ops/waves", tag = "ops", security(("bearer" = [])),
    request_body = WaveInput, responses((status = 200, description = "The wave", body = WaveView)))]
pub async fn wave(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<WaveInput>,
) -> Result<Envelope<WaveView>, ApiError> {
    let profile = match input.profile.as_deref() {
        None => WaveProfile::Any,
        Some(p) => WaveProfile::parse(p).ok_or(AppError::InvalidParam {
            field: "profile",
            reason: "SINGLE_UNIT, SINGLE_SKU, MULTI_SKU or ANY".into(),
        })?,
    };
    let created_before = match input.created_before.as_deref() {
        None => None,
        Some(t) => Some(
            chrono::DateTime::parse_from_rfc3339(t)
                .map_err(|_| AppError::InvalidParam { field: "createdBefore", reason: "ISO 8601".into() })?
                .timestamp_millis(),
        ),
    };
    let cmd = WaveCommand {
        warehouse_code: input.warehouse_code,
        order_nos: input.order_nos.into_iter().map(|n| n.trim().to_owned()).collect(),
        shipping_service_codes: input.shipping_service_codes,
        created_before,
        profile,
        max_orders: input.max_orders.unwrap_or(200),
        max_lines: input.max_lines,
        totes: input.totes.unwrap_or(TOTES_DEFAULT),
    };
    let w = s.app.create_wave(&staff, &cmd).await?;
    Ok(Envelope(WaveView {
        wave_no: w.wave_no,
        order_nos: w.order_nos,
        skipped: w.skipped.into_iter().map(|(order_no, reason)| SkippedView { order_no, reason }).collect(),
        batches: w.batches.into_iter().map(Into::into).collect(),
    }))
}

/// A cart's pick list in route order.
#[utoipa::path(get, path = "/api/v1/ops/pick-batches/{id}", tag = "ops", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, description = "The cart", body = BatchViewOut)))]
pub async fn batch(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(id): Path<i64>,
) -> Result<Envelope<BatchViewOut>, ApiError> {
    Ok(Envelope(s.app.pick_batch(&staff, id).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/ops/pick-batches/{id}/pick-list.pdf", tag = "ops", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub async fn pick_list(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(pdf(&format!("pick-list-{id}"), s.app.pick_list_pdf(&staff, id).await?))
}

/// A pick scan (`short: true` when the location holds no more).
#[utoipa::path(post, path = "/api/v1/ops/pick-batches/{id}/picks", tag = "ops", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PickInput,
    responses((status = 200, description = "The cart after the scan", body = BatchViewOut)))]
pub async fn pick(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<PickInput>,
) -> Result<Envelope<BatchViewOut>, ApiError> {
    let cmd = PickCommand {
        location_code: input.location_code,
        sku: input.sku,
        quantity: input.quantity,
        tote: input.tote,
        short: input.short,
        serials: input.serials,
    };
    Ok(Envelope(s.app.pick(&staff, id, &cmd).await?.into()))
}

/// A parcel's weight or side, in thousandths (kg → g) or tenths (cm → mm),
/// within what a box may measure on the way in.
fn measure(field: &'static str, value: &DecimalText, scale: u32, max: i64) -> Result<i64, ApiError> {
    parse_fixed(&value.0, scale).ok().filter(|v| (1..=max).contains(v)).ok_or_else(|| {
        AppError::InvalidParam { field, reason: "a positive number within a box's limits".into() }.into()
    })
}

/// Packing: every picked unit scanned (a wrong or extra one is refused).
#[utoipa::path(post, path = "/api/v1/ops/pack", tag = "ops", security(("bearer" = [])),
    request_body = PackInput, responses((status = 200, description = "Packed", body = OutboundOrderView)))]
pub async fn pack(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<PackInput>,
) -> Result<Envelope<OutboundOrderView>, ApiError> {
    let mut serials: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in input.items.iter().chain(input.boxes.iter().flat_map(|b| b.items.iter())) {
        serials.entry(l.sku.trim().to_owned()).or_default().extend(l.serials.iter().cloned());
    }
    let lines = |items: Vec<PackLineInput>| items.into_iter().map(|l| (l.sku.trim().to_owned(), l.quantity)).collect();
    // Parcel measures are required unless cartons carry them.
    let parcel = |field: &'static str, value: &Option<DecimalText>, scale: u32, max: i64| match value {
        Some(v) => measure(field, v, scale, max),
        // Freight: cartons carry measures (sealed cartons their own).
        None if !input.boxes.is_empty() || input.items.is_empty() => Ok(0),
        None => Err(ApiError::from(AppError::MissingParam { field })),
    };
    let weight_g = parcel("weightKg", &input.weight_kg, 3, inbound::WEIGHT_G_MAX)?;
    let length_mm = parcel("lengthCm", &input.length_cm, 1, inbound::SIDE_MM_MAX)?;
    let width_mm = parcel("widthCm", &input.width_cm, 1, inbound::SIDE_MM_MAX)?;
    let height_mm = parcel("heightCm", &input.height_cm, 1, inbound::SIDE_MM_MAX)?;
    let mut boxes = Vec::with_capacity(input.boxes.len());
    for b in input.boxes {
        boxes.push(PackBox {
            weight_g: measure("boxes.weightKg", &b.weight_kg, 3, inbound::WEIGHT_G_MAX)?,
            length_mm: measure("boxes.lengthCm", &b.length_cm, 1, inbound::SIDE_MM_MAX)?,
            width_mm: measure("boxes.widthCm", &b.width_cm, 1, inbound::SIDE_MM_MAX)?,
            height_mm: measure("boxes.heightCm", &b.height_cm, 1, inbound::SIDE_MM_MAX)?,
            items: lines(b.items),
        });
    }
    let cmd = PackCommand {
        order_no: input.order_no.trim().to_owned(),
        items: lines(input.items),
        serials,
        weight_g,
        length_mm,
        width_mm,
        height_mm,
        boxes,
    };
    Ok(Envelope(s.app.pack(&staff, &cmd).await?.into()))
}

/// Hand-over to the carrier.
#[utoipa::path(post, path = "/api/v1/ops/ship", tag = "ops", security(("bearer" = [])),
    request_body = ShipInput, responses((status = 200, description = "Shipped", body = OutboundOrderView)))]
pub async fn ship(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<ShipInput>,
) -> Result<Envelope<OutboundOrderView>, ApiError> {
    let order =
        s.app.ship(&staff, input.order_no.trim(), input.tracking_no.as_deref(), input.carrier.as_deref()).await?;
    Ok(Envelope(order.into()))
}

/// A carrier event for a parcel (posted by the carrier integration).
#[utoipa::path(post, path = "/api/v1/ops/shipments/{tracking_no}/events", tag = "ops", security(("bearer" = [])),
    params(("tracking_no" = String, Path)), request_body = ShipmentEventInput,
    responses((status = 200, description = "Recorded", body = CreatedView)))]
pub async fn shipment_event(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(tracking_no): Path<String>,
    JsonBody(input): JsonBody<ShipmentEventInput>,
) -> Result<Envelope<TrackingEventView>, ApiError> {
    let at = match input.occurred_at.as_deref() {
        None => haicang_app::now_ms(),
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map_err(|_| AppError::InvalidParam { field: "occurredAt", reason: "ISO 8601".into() })?
            .timestamp_millis(),
    };
    s.app
        .add_shipment_event(&staff, &tracking_no, &input.code, &input.description, input.location.as_deref(), at)
        .await?;
    Ok(Envelope(TrackingEventView {
        code: input.code.trim().to_ascii_uppercase(),
        description: input.description,
        location: input.location,
        occurred_at: iso(at),
    }))
}
