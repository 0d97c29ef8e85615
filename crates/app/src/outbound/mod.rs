//! Outbound orders: the seller orders, the warehouse waves, picks, packs
//! and ships. Each command is one transaction: order state, reservations
//! and ledger movements, shipment events and outbox events together.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;
use serde_json::json;

use haicang_core::document::format_document_no;
use haicang_core::ledger::{Condition, LedgerError, Quantity, VirtualLocation};
use haicang_core::location::LocationType;
use haicang_core::outbound::{
    self as rules, AllocationStatus, CancelKind, InterceptStatus, OrderError, OutboundAction, OutboundStatus, Platform,
    Recipient, Source, StepRefused, WaveProfile,
};
use haicang_core::product::{ProductStatus, ProductType};
use haicang_core::routing::batching::{self, BatchMethod};
use haicang_core::routing::{self, Layout, Pick as RoutePick};
use haicang_core::status::{Availability, SerialStatus};
use haicang_core::transfers::{CartonStatus, OrderKind};
use haicang_store::cartons::{self, CartonRow};
use haicang_store::outbound::{
    self as store, AllocationRow, BatchRow, NewAllocation, NewOutboundOrder, OrderChange, OutboundFilter,
    OutboundLineRow, OutboundOrderRow, RouteStopRow, ShipmentEventRow, WaveSelection,
};
use haicang_store::product::{self as products, ProductRow};
use haicang_store::stock::{self, DocumentRef, Item, Place};
use haicang_store::warehouse::{self, LocationRow};
use haicang_store::{StoreError, WriteTx, sequence};

use crate::audit;
use crate::events;
use crate::warehouses::{ordering_warehouse, warehouse_for};
use crate::{
    App, AppError, Created, CustomerPrincipal, Page, PageRequest, StaffPrincipal, Viewer, day_code, idempotency, now_ms,
};

mod batch;
mod orders;
mod picking;
mod shipping;
mod waves;

pub(crate) use batch::OrderQueue;

pub const ORDER_CREATED: &str = "order.created";
pub const ORDER_CANCELLED: &str = "order.cancelled";
pub const ORDER_INTERCEPTED: &str = "order.intercepted";
pub const ORDER_SHIPPED: &str = "order.shipped";
/// Orders one wave may take.
pub const WAVE_ORDERS_MAX: usize = 10_000;
/// Orders read (and locked) per statement while a wave is assembled.
const WAVE_READ_CHUNK: usize = 500;
pub const TOTES_DEFAULT: usize = 8;
/// Orders on one cart: one tote each.
pub const TOTES_MAX: usize = 64;

/// `POST /outbound-orders` as the seller sends it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CreateOutbound {
    pub warehouse_code: String,
    pub shipping_service_code: String,
    pub customer_reference: String,
    pub platform: String,
    pub platform_order_no: Option<String>,
    pub recipient: Recipient,
    pub items: Vec<(String, i64)>,
    pub label: Option<String>,
    pub tracking_no: Option<String>,
    pub note: Option<String>,
}

/// Where an order's recipient is, and so how its address is checked.
#[derive(Debug, Clone, Copy)]
pub(crate) enum RecipientSpec<'a> {
    /// A consumer in the warehouse's country (parcels).
    Domestic(&'a Recipient),
    /// A business anywhere (a marketplace's fulfilment centre).
    Abroad(&'a Recipient),
    /// Another of our warehouses, by code: its address is the recipient.
    Warehouse(&'a str),
}

/// What an order of any kind is created from: parcels by
/// `create_outbound`, transfers and B2B orders by `crate::transfers`.
/// One creation path, so reservation, kits, credit, numbering and
/// idempotency are the same for all three.
pub(crate) struct OrderSpec<'a> {
    pub kind: OrderKind,
    pub warehouse_code: &'a str,
    /// None: the warehouse's first enabled service (freight the
    /// warehouse books).
    pub service_code: Option<&'a str>,
    pub reference: &'a str,
    /// The request's fingerprint, and whether a stored one is of this
    /// request (older releases stored other forms).
    pub hash: &'a str,
    pub same_request: &'a (dyn Fn(&str) -> bool + Sync),
    pub platform: Platform,
    pub platform_order_no: Option<String>,
    pub recipient: RecipientSpec<'a>,
    pub note: Option<String>,
    pub label: Option<String>,
    pub tracking_no: Option<String>,
    pub items: &'a [(String, i64)],
    pub carton_plan: &'a [haicang_core::transfers::CartonLine],
    /// Whole sealed cartons to ship, by licence plate.
    pub cartons: &'a [String],
    pub shipment: Option<haicang_core::transfers::MarketplaceDestination>,
}

/// Which orders a wave takes.
#[derive(Debug, Clone, Default)]
pub struct WaveCommand {
    pub warehouse_code: String,
    /// An explicit list; or, when empty, the rules below.
    pub order_nos: Vec<String>,
    pub shipping_service_codes: Vec<String>,
    pub created_before: Option<i64>,
    pub profile: WaveProfile,
    pub max_orders: usize,
    pub max_lines: Option<usize>,
    /// Orders per cart (one tote each).
    pub totes: usize,
}

/// Whether an order's lines fit a wave profile.
pub(crate) fn admits(profile: WaveProfile, lines: &[OutboundLineRow]) -> bool {
    let units: i64 = lines.iter().map(|l| l.quantity).sum();
    let skus = lines.iter().map(|l| l.product_id).collect::<std::collections::BTreeSet<_>>().len();
    profile.admits(units, skus)
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteStop {
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

#[derive(Debug, Clone)]
pub struct BatchView {
    pub batch: BatchRow,
    pub route: Vec<RouteStop>,
    /// Tote of each order in the cart, in order.
    pub totes: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct WaveResult {
    pub wave_no: String,
    pub order_nos: Vec<String>,
    pub skipped: Vec<(String, String)>,
    pub batches: Vec<BatchView>,
}

/// A pick scan.
#[derive(Debug, Clone, Default)]
pub struct PickCommand {
    pub location_code: String,
    /// SKU or product barcode as scanned.
    pub sku: String,
    pub quantity: i64,
    pub tote: Option<String>,
    /// The location holds no more than `quantity`: the rest is short.
    pub short: bool,
    /// One per unit, for serial-managed SKUs.
    pub serials: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PackCommand {
    pub order_no: String,
    pub items: Vec<(String, i64)>,
    /// Serial numbers scanned per SKU (or barcode), for serial-managed SKUs.
    pub serials: BTreeMap<String, Vec<String>>,
    pub weight_g: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    /// Transfers and B2B orders: the cartons, each with its items and
    /// measures (the order's weight is then their sum).
    pub boxes: Vec<PackBox>,
}

/// One packed carton.
#[derive(Debug, Clone, Default)]
pub struct PackBox {
    pub items: Vec<(String, i64)>,
    pub weight_g: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
}

#[derive(Debug, Clone)]
pub struct OutboundDetail {
    pub order: OutboundOrderRow,
    pub lines: Vec<OutboundLineRow>,
    pub allocations: Vec<AllocationRow>,
    pub events: Vec<ShipmentEventRow>,
    /// What the order was charged.
    pub fees: Vec<haicang_store::billing::ChargeRow>,
}

/// A line of an order and the sources its units come from.
type LinePlan = (OutboundLineRow, Vec<(Source, i64)>);

fn trimmed(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn refused(order: &OutboundOrderRow, action: OutboundAction) -> AppError {
    status_refuses(&order.order_no, order.status, action)
}

fn status_refuses(order_no: &str, status: OutboundStatus, action: OutboundAction) -> AppError {
    AppError::OutboundStatus { order_no: order_no.to_owned(), status: status.as_str().to_owned(), action }
}

fn step(order: &OutboundOrderRow, action: OutboundAction) -> Result<OutboundStatus, AppError> {
    step_of(&order.order_no, order.status, order.intercept_status.0, action)
}

/// The order's next status after `action`, or why not (core decides).
fn step_of(
    order_no: &str,
    status: OutboundStatus,
    intercept: Option<InterceptStatus>,
    action: OutboundAction,
) -> Result<OutboundStatus, AppError> {
    rules::step(status, intercept, action).map_err(|e| match e {
        StepRefused::InterceptPending => AppError::InterceptPending(order_no.to_owned()),
        StepRefused::Status(_) => status_refuses(order_no, status, action),
    })
}

fn doc(order: &OutboundOrderRow, line: i64, operator: String, reason: Option<&str>) -> DocumentRef {
    DocumentRef {
        document_type: order.order_kind.document_type().as_str().to_owned(),
        document_no: order.order_no.clone(),
        line,
        operator,
        reason: reason.map(str::to_owned),
    }
}

impl CreateOutbound {
    fn check(&self) -> Result<Platform, AppError> {
        if self.customer_reference.trim().is_empty() {
            return Err(OrderError::Required("customerReference").into());
        }
        if self.customer_reference.trim().chars().count() > rules::REFERENCE_CHARS_MAX {
            return Err(OrderError::TooLong { field: "customerReference", max: rules::REFERENCE_CHARS_MAX }.into());
        }
        if self.warehouse_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "warehouseCode" });
        }
        if self.shipping_service_code.trim().is_empty() {
            return Err(OrderError::Required("shippingServiceCode").into());
        }
        if self.platform.trim().is_empty() {
            return Err(OrderError::Required("platform").into());
        }
        let platform = Platform::parse(&self.platform).ok_or(OrderError::Platform)?;
        if self.platform_order_no.as_deref().is_some_and(|p| p.chars().count() > rules::PLATFORM_ORDER_CHARS_MAX) {
            return Err(OrderError::TooLong { field: "platformOrderNo", max: rules::PLATFORM_ORDER_CHARS_MAX }.into());
        }
        if self.note.as_deref().is_some_and(|n| n.chars().count() > rules::NOTE_CHARS_MAX) {
            return Err(OrderError::TooLong { field: "note", max: rules::NOTE_CHARS_MAX }.into());
        }
        if let Some(label) = trimmed(&self.label) {
            if label.chars().count() > rules::LABEL_URL_CHARS_MAX && !label.starts_with("JVBERi") {
                return Err(OrderError::TooLong { field: "labelUrl", max: rules::LABEL_URL_CHARS_MAX }.into());
            }
            let url = label.starts_with("https://") || label.starts_with("http://");
            if !url && !label.starts_with("JVBERi") {
                return Err(OrderError::Label.into());
            }
            if trimmed(&self.tracking_no).is_none() {
                return Err(OrderError::LabelNeedsTracking.into());
            }
        }
        if self.tracking_no.as_deref().is_some_and(|t| t.chars().count() > rules::TRACKING_CHARS_MAX) {
            return Err(OrderError::TooLong { field: "trackingNo", max: rules::TRACKING_CHARS_MAX }.into());
        }
        rules::check_lines(&self.items)?;
        Ok(platform)
    }
}

/// The event an order of `kind` reports where a parcel order reports
/// `parcel_event`: transfers have their own (`transfer.*`); B2B orders
/// are outbound orders and say so in `kind`.
pub(crate) fn event_of(kind: OrderKind, parcel_event: &'static str) -> &'static str {
    match (kind, parcel_event) {
        (OrderKind::Transfer, ORDER_CREATED) => crate::transfers::TRANSFER_CREATED,
        (OrderKind::Transfer, ORDER_CANCELLED) => crate::transfers::TRANSFER_CANCELLED,
        (OrderKind::Transfer, ORDER_SHIPPED) => crate::transfers::TRANSFER_SHIPPED,
        _ => parcel_event,
    }
}

/// Writes an event about an order to the outbox, in the order's transaction.
async fn emit(
    tx: &mut WriteTx,
    order: &OutboundOrderRow,
    event_type: &str,
    data: serde_json::Value,
    now: i64,
) -> Result<String, AppError> {
    events::emit(tx, (order.customer_id, &order.customer_code), event_type, &order.warehouse_code, data, now).await
}

/// The order, locked for the transaction: a seller's own, or one in a
/// warehouse of the staff member's scope.
async fn locked(tx: &mut WriteTx, order_no: &str, viewer: Viewer<'_>) -> Result<OutboundOrderRow, AppError> {
    let order = store::lock_order(tx, order_no.trim(), viewer.customer_id())
        .await?
        .ok_or_else(|| AppError::OutboundNotFound(order_no.trim().to_owned()))?;
    viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
    Ok(order)
}

/// A stop of a cart's route: (accepted order, its line, the line's source).
type Stop = (usize, usize, usize);

/// A cart's pick list in route order, with a tote per order.
fn batch_view(batch: BatchRow, allocations: &[RouteStopRow]) -> BatchView {
    let mut totes: Vec<(String, String)> = Vec::new();
    for a in allocations {
        if !totes.iter().any(|(o, _)| *o == a.order_no) {
            let tote = a.tote.clone().unwrap_or_else(|| format!("T{}", totes.len() + 1));
            totes.push((a.order_no.clone(), tote));
        }
    }
    let route = allocations
        .iter()
        .map(|a| RouteStop {
            seq: a.route_seq,
            location_code: a.location_code.clone(),
            sku: a.sku.clone(),
            barcode: a.barcode.clone(),
            lot_no: a.lot_code.clone(),
            quantity: a.quantity,
            picked: a.picked,
            order_no: a.order_no.clone(),
            tote: totes.iter().find(|(o, _)| *o == a.order_no).map(|(_, t)| t.clone()),
            status: a.status.as_str().to_owned(),
        })
        .collect();
    BatchView { batch, route, totes }
}

/// Undoes what the warehouse did for an order: picked units go back to the
/// locations they came from, open allocations are released, and every
/// pending reservation is voided.
async fn unwind(
    tx: &mut WriteTx,
    order: &OutboundOrderRow,
    operator: String,
    why: &str,
    now: i64,
) -> Result<(), AppError> {
    let allocations = store::allocations_of_order(tx.conn(), order.outbound_order_id).await?;
    if order.wave_id.is_some() {
        let (packing_id, packing_code) = packing_place(tx, order).await?;
        let packing = Place { location_id: packing_id, code: packing_code };
        for a in &allocations {
            if let Some(q) = Quantity::new(a.stop.picked) {
                let item = Item {
                    customer_id: order.customer_id,
                    warehouse_id: order.warehouse_id,
                    product_id: a.product_id,
                    condition: Condition::Good,
                };
                let back = Place { location_id: a.location_id, code: a.stop.location_code.clone() };
                stock::move_units(
                    tx,
                    item,
                    &packing,
                    &back,
                    a.lot_id,
                    q,
                    &doc(order, a.stop.route_seq, operator.clone(), Some(why)),
                    now,
                )
                .await
                .map_err(|e| AppError::from_store_for_sku(e, &a.stop.sku))?;
                if a.serial_managed != 0 {
                    // The serials of this lot go back with their units.
                    let at_bench = stock::serials_of_document(tx, a.product_id, &order.order_no, packing_id).await?;
                    let back_serials: Vec<String> = at_bench
                        .into_iter()
                        .filter(|(_, lot)| *lot == a.lot_id)
                        .take(a.stop.picked as usize)
                        .map(|(serial, _)| serial)
                        .collect();
                    stock::serials_moved(tx, a.product_id, &back_serials, a.location_id, &order.order_no, now).await?;
                }
            }
            if a.stop.status != AllocationStatus::Released {
                store::update_allocation(tx, a, a.stop.picked, AllocationStatus::Released.as_str(), None, now).await?;
            }
        }
    }
    for line in store::lines(tx.conn(), order.outbound_order_id).await? {
        stock::void(tx, line.reservation_id, now).await?;
        // A whole carton goes back on the shelf, sealed, where it was picked.
        if let Some(carton_id) = line.carton_id
            && let Some(c) = cartons::by_id(tx.conn(), carton_id).await?
            && matches!(c.status, CartonStatus::Reserved | CartonStatus::Allocated)
        {
            let shelf = allocations.iter().find(|a| a.outbound_line_id == line.outbound_line_id);
            if let Some(a) = shelf {
                cartons::set_location(tx, c.carton_id, a.location_id, now).await?;
            }
            cartons::set_status(tx, &c, CartonStatus::Sealed, None, now).await?;
        }
    }
    Ok(())
}

/// The routing layout of a warehouse's racks: aisles by index, bays along
/// them, a cross aisle at each block boundary plus front and back.
fn layout_of<'a>(locations: impl Iterator<Item = &'a LocationRow>) -> Result<Layout, AppError> {
    let racks: Vec<&LocationRow> =
        locations.filter(|l| matches!(l.location_type, LocationType::Storage | LocationType::PickFace)).collect();
    let aisles = racks.iter().map(|l| l.aisle).max().unwrap_or(1).max(1) as u32;
    let length_mm = racks.iter().map(|l| l.y_mm).max().unwrap_or(0) + 1200;
    let blocks = racks.iter().map(|l| l.block).max().unwrap_or(0) as u32;
    Layout::new(aisles, length_mm as f64 / 1000.0, 3.0, blocks + 2, 0.0)
        .map_err(|e| AppError::InvalidParam { field: "layout", reason: e.to_string() })
}

fn route_pick(l: &LocationRow) -> RoutePick {
    RoutePick { aisle: l.aisle.max(1) as u32, y_m: l.y_mm as f64 / 1000.0 }
}

/// A rack source of a product as allocation sees it: free = on hand minus
/// what open allocations of earlier waves hold.
fn rack_source(r: &haicang_store::outbound::SourceRow) -> Source {
    Source {
        pick_face: r.location_type == LocationType::PickFace,
        free: r.quantity - r.allocated,
        location_id: r.location_id,
        location_code: r.location_code.clone(),
        lot_id: r.lot_id,
        inbound_at: r.inbound_at,
        expiry_date: r.expiry_date.clone(),
    }
}

/// The wave's packing bench, where the order's picked units wait.
async fn packing_place(tx: &mut WriteTx, order: &OutboundOrderRow) -> Result<(i64, String), AppError> {
    let wave = order.wave_id.ok_or_else(|| refused(order, OutboundAction::Ship))?;
    store::packing_place_of_wave(tx.conn(), wave).await?.ok_or_else(|| AppError::LocationNotFound("PACKING".into()))
}
