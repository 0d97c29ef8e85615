//! Transfers between warehouses and B2B (marketplace) carton shipments:
//! sellers order, list and cancel them; staff read them and print carton
//! labels and packing lists. The floor waves, picks, packs (`POST
//! /ops/pack` with `boxes`) and ships (`POST /ops/ship`) them like any
//! order; a transfer's destination receives it with the inbound routes,
//! by the transfer's number.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::Viewer;
use haicang_app::query::OutboundFilter;
use haicang_app::transfers::{
    CreateB2b, CreateTransfer, DestinationInput, FreightDetail, PackedCarton, packed_cartons,
};
use haicang_core::outbound::{OutboundStatus, Recipient};
use haicang_core::transfers::{OrderKind, TransferStatus};

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{BodyBytes, CustomerAuth, JsonBody, Params, Path, StaffAuth, optional_body};
use crate::routes::outbound::{LineInput, RecipientInput, pdf};
use crate::routes::{CancelInput, CreatedView, iso};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/transfer-orders", post(create_transfer).get(list_transfers))
        .route("/api/v1/transfer-orders/{no}", get(transfer_detail))
        .route("/api/v1/transfer-orders/{no}/cancel", post(cancel_transfer))
        .route("/api/v1/b2b-outbound-orders", post(create_b2b).get(list_b2b))
        .route("/api/v1/b2b-outbound-orders/{no}", get(b2b_detail))
        .route("/api/v1/b2b-outbound-orders/{no}/cancel", post(cancel_b2b))
        .route("/api/v1/ops/transfer-orders", get(ops_list_transfers))
        .route("/api/v1/ops/transfer-orders/{no}", get(ops_transfer_detail))
        .route("/api/v1/ops/transfer-orders/{no}/carton-labels.pdf", get(ops_transfer_labels))
        .route("/api/v1/ops/transfer-orders/{no}/packing-list.pdf", get(ops_transfer_packing_list))
        .route("/api/v1/ops/b2b-outbound-orders", get(ops_list_b2b))
        .route("/api/v1/ops/b2b-outbound-orders/{no}", get(ops_b2b_detail))
        .route("/api/v1/ops/b2b-outbound-orders/{no}/carton-labels.pdf", get(ops_b2b_labels))
        .route("/api/v1/ops/b2b-outbound-orders/{no}/packing-list.pdf", get(ops_b2b_packing_list))
}

// ------------------------------------------------------------------ input

/// Cartons of one SKU: `boxes` cartons of `unitsPerBox` units each; or
/// one whole sealed carton in stock by its number (`boxNo`, the licence
/// plate `GET /inventory/boxes` lists).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CartonInput {
    pub box_no: Option<String>,
    pub sku: Option<String>,
    pub units_per_box: Option<i64>,
    pub boxes: Option<i64>,
}

/// Cartons to pack as (sku, units per box, boxes), and sealed cartons by
/// number; a line naming neither is malformed.
/// (sku, units per box, boxes) lines to pack, and sealed cartons by number.
type CartonLines = (Vec<(String, i64, i64)>, Vec<String>);

fn split_cartons(input: Vec<CartonInput>) -> Result<CartonLines, ApiError> {
    let mut planned = Vec::new();
    let mut sealed = Vec::new();
    for c in input {
        match (c.box_no.map(|b| b.trim().to_owned()).filter(|b| !b.is_empty()), c.sku, c.units_per_box, c.boxes) {
            (Some(no), None, None, None) => sealed.push(no),
            (None, Some(sku), Some(units), Some(boxes)) => planned.push((sku, units, boxes)),
            _ => {
                return Err(haicang_app::AppError::InvalidParam {
                    field: "boxes",
                    reason: "each line is a boxNo, or sku with unitsPerBox and boxes".into(),
                }
                .into());
            }
        }
    }
    Ok((planned, sealed))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DestinationBody {
    /// WAREHOUSE (another of ours, by `toWarehouseCode`) or MARKETPLACE.
    #[serde(rename = "type")]
    pub destination_type: Option<String>,
    /// AMAZON_FBA, WALMART_WFS, TIKTOK_FBT, TEMU or OTHER (marketplaces).
    pub platform: Option<String>,
    /// The marketplace's shipment id (FBA15…): printed on every carton.
    pub shipment_id: Option<String>,
    /// The fulfilment centre's address (marketplaces).
    pub address: Option<RecipientInput>,
}

impl From<DestinationBody> for DestinationInput {
    fn from(d: DestinationBody) -> Self {
        DestinationInput {
            destination_type: d.destination_type,
            platform: d.platform,
            shipment_id: d.shipment_id,
            address: d.address.map(Recipient::from),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransferInput {
    pub from_warehouse_code: String,
    /// Another of the seller's warehouses (a WAREHOUSE destination).
    pub to_warehouse_code: Option<String>,
    /// A marketplace destination instead (`type: MARKETPLACE`).
    pub destination: Option<DestinationBody>,
    pub customer_reference: String,
    #[serde(default)]
    pub items: Vec<LineInput>,
    /// Cartons asked for (packing must fill exactly these); SKUs not in
    /// `items` are ordered by their cartons.
    #[serde(default)]
    pub boxes: Vec<CartonInput>,
    pub note: Option<String>,
}

impl TryFrom<TransferInput> for CreateTransfer {
    type Error = ApiError;

    fn try_from(i: TransferInput) -> Result<Self, ApiError> {
        let (boxes, cartons) = split_cartons(i.boxes)?;
        Ok(CreateTransfer {
            from_warehouse_code: i.from_warehouse_code,
            to_warehouse_code: i.to_warehouse_code,
            destination: i.destination.map(Into::into),
            customer_reference: i.customer_reference,
            items: i.items.into_iter().map(|l| (l.sku, l.quantity)).collect(),
            boxes,
            cartons,
            note: i.note,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct B2bInput {
    pub warehouse_code: String,
    pub destination: DestinationBody,
    pub customer_reference: String,
    /// Units the warehouse packs into cartons as it sees fit.
    #[serde(default)]
    pub items: Vec<LineInput>,
    /// Whole cartons of one SKU each.
    #[serde(default)]
    pub boxes: Vec<CartonInput>,
    pub note: Option<String>,
}

impl TryFrom<B2bInput> for CreateB2b {
    type Error = ApiError;

    fn try_from(i: B2bInput) -> Result<Self, ApiError> {
        let (boxes, cartons) = split_cartons(i.boxes)?;
        Ok(CreateB2b {
            warehouse_code: i.warehouse_code,
            destination: i.destination.into(),
            customer_reference: i.customer_reference,
            items: i.items.into_iter().map(|l| (l.sku, l.quantity)).collect(),
            boxes,
            cartons,
            note: i.note,
        })
    }
}

// ------------------------------------------------------------------ views

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FreightItemView {
    pub sku: String,
    /// Ordered (kits as their components).
    pub quantity: i64,
    /// Left the source warehouse.
    pub shipped: i64,
    /// Transfers to a warehouse: counted GOOD and defective there so far.
    pub received: i64,
    pub received_defective: i64,
    /// The kit this line is a component of.
    pub kit_sku: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CartonPlanView {
    pub sku: String,
    pub units_per_box: i64,
    pub boxes: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PackedCartonView {
    /// What the carton's label barcode carries: `<orderNo>-<seq>`.
    pub box_no: String,
    pub seq: i64,
    pub weight_kg: f64,
    pub length_cm: f64,
    pub width_cm: f64,
    pub height_cm: f64,
    pub items: Vec<LineView>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LineView {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DestinationView {
    /// WAREHOUSE or MARKETPLACE.
    #[serde(rename = "type")]
    pub destination_type: String,
    pub warehouse_code: Option<String>,
    pub platform: Option<String>,
    pub shipment_id: Option<String>,
    #[schema(value_type = Object)]
    pub address: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FreightView {
    pub order_no: String,
    /// TRANSFER or B2B.
    pub kind: String,
    pub customer_reference: String,
    /// Transfers: CREATED, PROCESSING, IN_TRANSIT, RECEIVING, RECEIVED,
    /// SHIPPED (to a marketplace), EXCEPTION, CANCELLED.
    pub status: String,
    /// The source warehouse's own step (CREATED … SHIPPED).
    pub outbound_status: String,
    /// The destination's step for a transfer to a warehouse, once shipped.
    pub receiving_status: Option<String>,
    pub warehouse_code: String,
    pub destination: DestinationView,
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    pub note: Option<String>,
    pub exception_reason: Option<String>,
    pub items: Vec<FreightItemView>,
    pub carton_plan: Vec<CartonPlanView>,
    pub boxes: Vec<PackedCartonView>,
    pub fees: Vec<crate::routes::billing::ChargeView>,
    pub created_at: String,
    pub shipped_at: Option<String>,
    pub received_at: Option<String>,
    pub updated_at: String,
}

impl From<FreightDetail> for FreightView {
    fn from(d: FreightDetail) -> Self {
        let o = &d.order;
        let mut items: Vec<FreightItemView> = Vec::new();
        for l in &d.lines {
            let (good, defective) =
                d.receipts.iter().filter(|r| r.sku == l.sku).fold((0, 0), |(g, df), r| (g + r.good, df + r.defective));
            match items.iter_mut().find(|i| i.sku == l.sku) {
                Some(i) => i.quantity += l.quantity,
                None => items.push(FreightItemView {
                    sku: l.sku.clone(),
                    quantity: l.quantity,
                    shipped: d.shipped.get(&l.sku).copied().unwrap_or(0),
                    received: good,
                    received_defective: defective,
                    kit_sku: l.kit_sku.clone(),
                }),
            }
        }
        let boxes: Vec<PackedCartonView> = packed_cartons(&d.boxes)
            .into_iter()
            .map(|PackedCarton { head: b, items }| PackedCartonView {
                box_no: b.scan_code.clone(),
                seq: b.seq,
                weight_kg: b.weight_g as f64 / 1000.0,
                length_cm: b.length_mm as f64 / 10.0,
                width_cm: b.width_mm as f64 / 10.0,
                height_cm: b.height_mm as f64 / 10.0,
                items: items.into_iter().map(|(sku, quantity)| LineView { sku, quantity }).collect(),
            })
            .collect();
        let status = match o.order_kind {
            OrderKind::Transfer => d.status.as_str().to_owned(),
            _ => o.status.as_str().to_owned(),
        };
        FreightView {
            order_no: o.order_no.clone(),
            kind: o.order_kind.as_str().to_owned(),
            customer_reference: o.customer_reference.clone(),
            status,
            outbound_status: o.status.as_str().to_owned(),
            receiving_status: d.leg.as_ref().map(|l| l.status.as_str().to_owned()),
            warehouse_code: o.warehouse_code.clone(),
            destination: DestinationView {
                destination_type: if o.to_warehouse_id.is_some() { "WAREHOUSE" } else { "MARKETPLACE" }.to_owned(),
                warehouse_code: o.to_warehouse_code.clone(),
                platform: o.destination_platform.clone(),
                shipment_id: o.shipment_id.clone(),
                address: serde_json::from_str(&o.recipient).unwrap_or(serde_json::Value::Null),
            },
            tracking_no: o.tracking_no.clone(),
            carrier: o.carrier.clone(),
            note: o.note.clone(),
            exception_reason: o.exception_reason.clone(),
            items,
            carton_plan: d
                .plan
                .iter()
                .map(|p| CartonPlanView { sku: p.sku.clone(), units_per_box: p.units_per_box, boxes: p.boxes })
                .collect(),
            boxes,
            fees: d.fees.into_iter().map(Into::into).collect(),
            created_at: iso(o.created_at),
            shipped_at: o.shipped_at.map(iso),
            received_at: d.leg.as_ref().and_then(|l| l.received_at).map(iso),
            updated_at: iso(o.updated_at),
        }
    }
}

/// A transfer's status filter names the transfer's statuses; a B2B
/// order's, the outbound statuses.
fn filter(kind: OrderKind, params: &Params) -> Result<(OutboundFilter, Option<TransferStatus>), ApiError> {
    let (status, outbound_status) = match kind {
        OrderKind::Transfer => {
            let s = params.choice(
                "status",
                TransferStatus::parse,
                "CREATED, PROCESSING, IN_TRANSIT, RECEIVING, RECEIVED, SHIPPED, EXCEPTION or CANCELLED",
            )?;
            (s, None)
        }
        _ => {
            let s = params.choice("status", OutboundStatus::parse, "unknown order status")?;
            (None, s.map(|s| s.as_str().to_owned()))
        }
    };
    let filter = OutboundFilter {
        status: outbound_status,
        order_nos: params.all("orderNo"),
        references: params.all("customerReference"),
        warehouse_code: params.text("warehouseCode"),
        sku: params.text("sku"),
        created_from: params.time("createdFrom")?,
        created_to: params.time("createdTo")?,
        ..Default::default()
    };
    if filter.order_nos.len() + filter.references.len() > 100 {
        return Err(haicang_app::AppError::TooManyQueried.into());
    }
    Ok((filter, status))
}

async fn list_of(
    s: &AppState,
    viewer: Viewer<'_>,
    kind: OrderKind,
    params: &Params,
) -> Result<Envelope<PageView<FreightView>>, ApiError> {
    let (f, status) = filter(kind, params)?;
    let page = s.app.list_freight(viewer, kind, status, &f, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, FreightView::from)))
}

async fn detail_of(
    s: &AppState,
    viewer: Viewer<'_>,
    kind: OrderKind,
    no: &str,
) -> Result<Envelope<FreightView>, ApiError> {
    Ok(Envelope(s.app.freight_detail(viewer, kind, no).await?.into()))
}

async fn cancel_of(
    s: &AppState,
    c: &haicang_app::CustomerPrincipal,
    kind: OrderKind,
    no: &str,
    body: &[u8],
) -> Result<Envelope<FreightView>, ApiError> {
    let input: CancelInput = optional_body(body)?;
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    Ok(Envelope(s.app.cancel_freight(c, kind, no, reason).await?.into()))
}

async fn labels_of(
    s: &AppState,
    viewer: Viewer<'_>,
    kind: OrderKind,
    no: &str,
    params: &Params,
) -> Result<Response, ApiError> {
    let size = params
        .choice("size", haicang_print::LabelSize::parse, "100x150 or 100x100")?
        .unwrap_or(haicang_print::LabelSize::Tall150);
    Ok(pdf(&format!("{no}-cartons"), s.app.carton_labels(viewer, kind, no, size).await?))
}

// ------------------------------------------------------------------ seller

/// Orders a transfer: reserved at the source warehouse at once.
#[utoipa::path(post, path = "/api/v1/transfer-orders", tag = "transfers", security(("bearer" = [])),
    request_body = TransferInput,
    responses((status = 200, description = "The transfer (created now or by the same request before)", body = CreatedView)))]
pub async fn create_transfer(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    JsonBody(input): JsonBody<TransferInput>,
) -> Result<Envelope<CreatedView>, ApiError> {
    Ok(Envelope(s.app.create_transfer(&c, &input.try_into()?).await?.into()))
}

/// The caller's transfers, newest first (Qianyi's transfer list).
#[utoipa::path(get, path = "/api/v1/transfer-orders", tag = "transfers", security(("bearer" = [])),
    params(("orderNo" = Option<Vec<String>>, Query), ("customerReference" = Option<Vec<String>>, Query),
           ("warehouseCode" = Option<String>, Query, description = "The source warehouse"),
           ("sku" = Option<String>, Query), ("status" = Option<String>, Query),
           ("createdFrom" = Option<String>, Query), ("createdTo" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of transfers", body = PageView<FreightView>)))]
pub async fn list_transfers(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<FreightView>>, ApiError> {
    list_of(&s, Viewer::Customer(&c), OrderKind::Transfer, &params).await
}

/// A transfer: lines (ordered, shipped, received), cartons, fees.
#[utoipa::path(get, path = "/api/v1/transfer-orders/{no}", tag = "transfers", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The transfer", body = FreightView)))]
pub async fn transfer_detail(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<FreightView>, ApiError> {
    detail_of(&s, Viewer::Customer(&c), OrderKind::Transfer, &no).await
}

/// Cancels before picking (afterwards: an interception request); 50018
/// once shipped.
#[utoipa::path(post, path = "/api/v1/transfer-orders/{no}/cancel", tag = "transfers", security(("bearer" = [])),
    params(("no" = String, Path)), request_body = Option<CancelInput>,
    responses((status = 200, description = "Cancelled, or interception requested", body = FreightView)))]
pub async fn cancel_transfer(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
    BodyBytes(body): BodyBytes,
) -> Result<Envelope<FreightView>, ApiError> {
    cancel_of(&s, &c, OrderKind::Transfer, &no, &body).await
}

/// Orders cartons to a marketplace's fulfilment centre (FBA and the like).
#[utoipa::path(post, path = "/api/v1/b2b-outbound-orders", tag = "transfers", security(("bearer" = [])),
    request_body = B2bInput,
    responses((status = 200, description = "The order (created now or by the same request before)", body = CreatedView)))]
pub async fn create_b2b(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    JsonBody(input): JsonBody<B2bInput>,
) -> Result<Envelope<CreatedView>, ApiError> {
    Ok(Envelope(s.app.create_b2b(&c, &input.try_into()?).await?.into()))
}

/// The caller's B2B orders, newest first.
#[utoipa::path(get, path = "/api/v1/b2b-outbound-orders", tag = "transfers", security(("bearer" = [])),
    params(("orderNo" = Option<Vec<String>>, Query), ("customerReference" = Option<Vec<String>>, Query),
           ("warehouseCode" = Option<String>, Query), ("sku" = Option<String>, Query),
           ("status" = Option<String>, Query), ("createdFrom" = Option<String>, Query),
           ("createdTo" = Option<String>, Query), ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of B2B orders", body = PageView<FreightView>)))]
pub async fn list_b2b(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<FreightView>>, ApiError> {
    list_of(&s, Viewer::Customer(&c), OrderKind::B2b, &params).await
}

/// A B2B order with its cartons.
#[utoipa::path(get, path = "/api/v1/b2b-outbound-orders/{no}", tag = "transfers", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The order", body = FreightView)))]
pub async fn b2b_detail(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<FreightView>, ApiError> {
    detail_of(&s, Viewer::Customer(&c), OrderKind::B2b, &no).await
}

/// Cancels before picking (afterwards: an interception request).
#[utoipa::path(post, path = "/api/v1/b2b-outbound-orders/{no}/cancel", tag = "transfers", security(("bearer" = [])),
    params(("no" = String, Path)), request_body = Option<CancelInput>,
    responses((status = 200, description = "Cancelled, or interception requested", body = FreightView)))]
pub async fn cancel_b2b(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
    BodyBytes(body): BodyBytes,
) -> Result<Envelope<FreightView>, ApiError> {
    cancel_of(&s, &c, OrderKind::B2b, &no, &body).await
}

// ------------------------------------------------------------------ staff

/// Transfers leaving the caller's warehouses.
#[utoipa::path(get, path = "/api/v1/ops/transfer-orders", tag = "ops", security(("bearer" = [])),
    params(("orderNo" = Option<Vec<String>>, Query), ("warehouseCode" = Option<String>, Query),
           ("sku" = Option<String>, Query), ("status" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of transfers", body = PageView<FreightView>)))]
pub async fn ops_list_transfers(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<PageView<FreightView>>, ApiError> {
    list_of(&s, Viewer::Staff(&staff), OrderKind::Transfer, &params).await
}

#[utoipa::path(get, path = "/api/v1/ops/transfer-orders/{no}", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The transfer", body = FreightView)))]
pub async fn ops_transfer_detail(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<FreightView>, ApiError> {
    detail_of(&s, Viewer::Staff(&staff), OrderKind::Transfer, &no).await
}

/// Carton labels of a packed transfer (100×150 mm unless `size=100x100`).
#[utoipa::path(get, path = "/api/v1/ops/transfer-orders/{no}/carton-labels.pdf", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path), ("size" = Option<String>, Query)),
    responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub async fn ops_transfer_labels(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    labels_of(&s, Viewer::Staff(&staff), OrderKind::Transfer, &no, &params).await
}

/// The packing list of a packed transfer (A4).
#[utoipa::path(get, path = "/api/v1/ops/transfer-orders/{no}/packing-list.pdf", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub async fn ops_transfer_packing_list(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Response, ApiError> {
    let bytes = s.app.packing_list(Viewer::Staff(&staff), OrderKind::Transfer, &no).await?;
    Ok(pdf(&format!("{no}-packing-list"), bytes))
}

/// B2B orders of the caller's warehouses.
#[utoipa::path(get, path = "/api/v1/ops/b2b-outbound-orders", tag = "ops", security(("bearer" = [])),
    params(("orderNo" = Option<Vec<String>>, Query), ("warehouseCode" = Option<String>, Query),
           ("sku" = Option<String>, Query), ("status" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of B2B orders", body = PageView<FreightView>)))]
pub async fn ops_list_b2b(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<PageView<FreightView>>, ApiError> {
    list_of(&s, Viewer::Staff(&staff), OrderKind::B2b, &params).await
}

#[utoipa::path(get, path = "/api/v1/ops/b2b-outbound-orders/{no}", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The order", body = FreightView)))]
pub async fn ops_b2b_detail(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<FreightView>, ApiError> {
    detail_of(&s, Viewer::Staff(&staff), OrderKind::B2b, &no).await
}

/// FBA-style carton labels (100×150 mm, the shipment id on each).
#[utoipa::path(get, path = "/api/v1/ops/b2b-outbound-orders/{no}/carton-labels.pdf", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path), ("size" = Option<String>, Query)),
    responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub async fn ops_b2b_labels(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    labels_of(&s, Viewer::Staff(&staff), OrderKind::B2b, &no, &params).await
}

/// The packing list of a packed B2B order (A4).
#[utoipa::path(get, path = "/api/v1/ops/b2b-outbound-orders/{no}/packing-list.pdf", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub async fn ops_b2b_packing_list(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Response, ApiError> {
    let bytes = s.app.packing_list(Viewer::Staff(&staff), OrderKind::B2b, &no).await?;
    Ok(pdf(&format!("{no}-packing-list"), bytes))
}
