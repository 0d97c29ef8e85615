//! Outbound orders: the seller orders, the warehouse waves, picks, packs
//! and ships. Each command is one transaction: order state, reservations
//! and ledger movements, shipment events and outbox events together.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;
use serde_json::json;

use haicang_core::document::{DocumentType, format_document_no};
use haicang_core::ledger::{Condition, LedgerError, Quantity};
use haicang_core::location::LocationType;
use haicang_core::outbound::{
    self as rules, AllocationStatus, CancelKind, InterceptStatus, OrderError, OutboundAction, OutboundStatus, Platform,
    Recipient, Source, StepRefused,
};
use haicang_core::product::{ProductStatus, ProductType};
use haicang_core::routing::batching::{self, BatchMethod};
use haicang_core::routing::{self, Layout, Method, Pick as RoutePick};
use haicang_store::outbound::{
    self as store, AllocationRow, BatchRow, NewAllocation, NewOutboundOrder, OrderChange, OutboundFilter,
    OutboundLineRow, OutboundOrderRow, ShipmentEventRow, WaveSelection,
};
use haicang_store::product::{self as products, ProductRow};
use haicang_store::stock::{self, DocumentRef, Item, Place};
use haicang_store::warehouse::{self, LocationRow};
use haicang_store::{StoreError, WriteTx, sequence};

use crate::events;
use crate::warehouses::warehouse_for;
use crate::{
    App, AppError, Created, CustomerPrincipal, Page, PageRequest, StaffPrincipal, Viewer, day_code, idempotency, now_ms,
};

pub const ORDER_CREATED: &str = "order.created";
pub const ORDER_CANCELLED: &str = "order.cancelled";
pub const ORDER_INTERCEPTED: &str = "order.intercepted";
pub const ORDER_SHIPPED: &str = "order.shipped";
/// Orders one wave may take.
pub const WAVE_ORDERS_MAX: usize = 10_000;
/// Orders read (and locked) per statement while a wave is assembled.
const WAVE_READ_CHUNK: usize = 500;
pub const TOTES_DEFAULT: usize = 8;

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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum WaveProfile {
    SingleUnit,
    SingleSku,
    MultiSku,
    #[default]
    Any,
}

impl WaveProfile {
    pub fn parse(text: &str) -> Option<WaveProfile> {
        match text.trim().to_ascii_uppercase().as_str() {
            "SINGLE_UNIT" => Some(WaveProfile::SingleUnit),
            "SINGLE_SKU" => Some(WaveProfile::SingleSku),
            "MULTI_SKU" => Some(WaveProfile::MultiSku),
            "ANY" => Some(WaveProfile::Any),
            _ => None,
        }
    }

    fn admits(self, lines: &[OutboundLineRow]) -> bool {
        let units: i64 = lines.iter().map(|l| l.quantity).sum();
        let skus = lines.iter().map(|l| l.product_id).collect::<std::collections::BTreeSet<_>>().len();
        match self {
            WaveProfile::SingleUnit => units == 1,
            WaveProfile::SingleSku => skus == 1,
            WaveProfile::MultiSku => skus > 1,
            WaveProfile::Any => true,
        }
    }
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
}

#[derive(Debug, Clone)]
pub struct OutboundDetail {
    pub order: OutboundOrderRow,
    pub lines: Vec<OutboundLineRow>,
    pub allocations: Vec<AllocationRow>,
    pub events: Vec<ShipmentEventRow>,
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
        document_type: DocumentType::Outbound.as_str().to_owned(),
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

impl App {
    /// Creates an order and reserves its units, all lines or none; the
    /// same request again answers the same order (`false`).
    pub async fn create_outbound(
        &self,
        customer: &CustomerPrincipal,
        cmd: &CreateOutbound,
    ) -> Result<Created<OutboundStatus>, AppError> {
        let platform = cmd.check()?;
        let hash = idempotency::fingerprint(cmd);
        self.retrying(|| self.create_outbound_once(customer, cmd, platform, &hash)).await
    }

    async fn create_outbound_once(
        &self,
        customer: &CustomerPrincipal,
        cmd: &CreateOutbound,
        platform: Platform,
        hash: &str,
    ) -> Result<Created<OutboundStatus>, AppError> {
        let now = now_ms();
        let reference = cmd.customer_reference.trim();
        let day = day_code(now);
        let ahead = sequence::next_value_ahead(&self.store, DocumentType::Outbound.prefix(), &day).await?;
        let mut tx = self.store.begin_write().await?;
        if let Some(existing) = store::find_by_reference(&mut tx, customer.customer_id, reference).await? {
            return if idempotency::same_request(&existing.request_hash, cmd) {
                Ok(Created { order_no: existing.order_no, status: existing.status, created: false })
            } else {
                Err(AppError::OutboundReferenceConflict(reference.to_owned()))
            };
        }
        let w = warehouse_for(tx.conn(), Viewer::Customer(customer), &cmd.warehouse_code).await?;
        if w.status != "ENABLED" {
            return Err(AppError::WarehouseNotFound(cmd.warehouse_code.clone()));
        }
        if w.accepting_orders == 0 {
            return Err(AppError::WarehouseNotAccepting(w.code));
        }
        let service_code = cmd.shipping_service_code.trim();
        let (service_id, service_status, _) = warehouse::find_shipping_service(tx.conn(), w.warehouse_id, service_code)
            .await?
            .ok_or_else(|| AppError::ShippingServiceUnknown(service_code.to_owned()))?;
        if service_status != "ENABLED" {
            return Err(AppError::ShippingServiceDisabled(service_code.to_owned()));
        }
        cmd.recipient.check(&w.country)?;
        // Kits ship as their components.
        let skus: Vec<String> = cmd.items.iter().map(|(s, _)| s.trim().to_owned()).collect();
        let found = products::products_by_sku(tx.conn(), customer.customer_id, &skus).await?;
        let mut lines: Vec<(ProductRow, i64, Option<String>)> = Vec::new();
        for (sku, quantity) in &cmd.items {
            let p =
                found.iter().find(|p| p.sku == sku.trim()).ok_or_else(|| AppError::OutboundSkuMissing(sku.clone()))?;
            if p.status != ProductStatus::Active {
                return Err(AppError::OutboundSkuBanned(p.sku.clone()));
            }
            if p.product_type == ProductType::Suite {
                let parts = products::components_of(tx.conn(), &[p.product_id]).await?;
                let part_skus: Vec<String> = parts.iter().map(|c| c.sku.clone()).collect();
                let part_rows = products::products_by_sku(tx.conn(), customer.customer_id, &part_skus).await?;
                for c in &parts {
                    let row = part_rows
                        .iter()
                        .find(|r| r.sku == c.sku)
                        .ok_or_else(|| AppError::OutboundSkuMissing(c.sku.clone()))?;
                    lines.push((row.clone(), c.quantity * quantity, Some(p.sku.clone())));
                }
            } else {
                lines.push((p.clone(), *quantity, None));
            }
        }
        let seq = match ahead {
            Some(n) => n,
            None => sequence::next_value(tx.conn(), DocumentType::Outbound.prefix(), &day).await?,
        };
        let order_no = format_document_no(DocumentType::Outbound, &day, seq);
        let recipient = serde_json::to_string(&cmd.recipient).unwrap_or_default();
        let label = trimmed(&cmd.label);
        let tracking = trimmed(&cmd.tracking_no);
        let order_id = store::insert_order(
            &mut tx,
            &NewOutboundOrder {
                order_no: &order_no,
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                shipping_service_id: service_id,
                customer_reference: reference,
                request_hash: hash,
                platform: platform.as_str(),
                platform_order_no: trimmed(&cmd.platform_order_no).as_deref(),
                recipient: &recipient,
                note: trimmed(&cmd.note).as_deref(),
                seller_label: label.as_deref(),
                tracking_no: tracking.as_deref(),
                status: OutboundStatus::Created.as_str(),
            },
            now,
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(m) => AppError::Store(StoreError::Conflict(m)),
            other => AppError::Store(other),
        })?;
        let operator = format!("customer:{}", customer.customer_code);
        // Reserve in product order: concurrent orders then lock stock rows
        // in the same order and never deadlock on PostgreSQL.
        let mut by_product: Vec<usize> = (0..lines.len()).collect();
        by_product.sort_by_key(|&i| (lines[i].0.product_id, i));
        for i in by_product {
            let (p, quantity, kit) = &lines[i];
            let item = Item {
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                product_id: p.product_id,
                condition: Condition::Good,
            };
            let q = Quantity::new(*quantity).ok_or(OrderError::Quantity(p.sku.clone()))?;
            let reference = DocumentRef {
                document_type: DocumentType::Outbound.as_str().to_owned(),
                document_no: order_no.clone(),
                line: i as i64 + 1,
                operator: operator.clone(),
                reason: None,
            };
            let reservation = stock::reserve(&mut tx, item, q, &reference, now).await.map_err(|e| match e {
                StoreError::Ledger(LedgerError::InsufficientAvailable { requested, available }) => {
                    AppError::OutboundInsufficient { sku: p.sku.clone(), requested, available }
                }
                other => AppError::Store(other),
            })?;
            store::insert_line(&mut tx, order_id, i as i64 + 1, p.product_id, *quantity, kit.as_deref(), reservation)
                .await?;
        }
        if label.is_some() {
            store::add_event(&mut tx, order_id, "LABEL_CREATED", "Seller label received", None, now, now).await?;
        }
        let data = json!({
            "orderNo": order_no,
            "erpNo": reference,
            "status": OutboundStatus::Created.as_str(),
            "skuList": lines.iter().map(|(p, q, kit)| json!({"sku": p.sku, "quantity": q, "kitSku": kit})).collect::<Vec<_>>(),
        });
        events::emit(&mut tx, (customer.customer_id, &customer.customer_code), ORDER_CREATED, &w.code, data, now)
            .await?;
        tx.commit().await?;
        Ok(Created { order_no, status: OutboundStatus::Created, created: true })
    }

    pub async fn outbound_detail(&self, viewer: Viewer<'_>, order_no: &str) -> Result<OutboundDetail, AppError> {
        let mut conn = self.store.read().await?;
        let order = store::find_order(&mut conn, order_no.trim(), viewer.customer_id())
            .await?
            .ok_or_else(|| AppError::OutboundNotFound(order_no.trim().to_owned()))?;
        viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        let lines = store::lines(&mut conn, order.outbound_order_id).await?;
        let allocations = store::allocations_of_order(&mut conn, order.outbound_order_id).await?;
        let events = store::events(&mut conn, order.outbound_order_id).await?;
        Ok(OutboundDetail { order, lines, allocations, events })
    }

    pub async fn list_outbound(
        &self,
        viewer: Viewer<'_>,
        filter: &OutboundFilter,
        page: PageRequest,
    ) -> Result<Page<OutboundOrderRow>, AppError> {
        self.check_named_warehouse(viewer, filter.warehouse_code.as_deref()).await?;
        let scope = viewer.list_scope();
        let (rows, total) = store::list_orders(&mut *self.store.read().await?, &scope, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    /// Up to 100 orders by number; unknown numbers are simply absent.
    pub async fn batch_get_outbound(
        &self,
        customer: &CustomerPrincipal,
        order_nos: &[String],
    ) -> Result<Vec<OutboundOrderRow>, AppError> {
        if order_nos.len() > rules::BATCH_GET_MAX {
            return Err(AppError::TooManyQueried);
        }
        if order_nos.is_empty() {
            return Ok(Vec::new());
        }
        let filter = OutboundFilter { order_nos: order_nos.to_vec(), ..Default::default() };
        let page = PageRequest { page: 1, page_size: rules::BATCH_GET_MAX as i64 };
        Ok(self.list_outbound(Viewer::Customer(customer), &filter, page).await?.items)
    }

    /// A seller's cancel: at once before picking (the reservation is
    /// released); an interception request once picking started; refused
    /// once shipped (50018).
    pub async fn cancel_outbound(
        &self,
        customer: &CustomerPrincipal,
        order_no: &str,
        reason: Option<&str>,
    ) -> Result<OutboundOrderRow, AppError> {
        if reason.is_some_and(|r| r.chars().count() > rules::NOTE_CHARS_MAX) {
            return Err(OrderError::TooLong { field: "reason", max: rules::NOTE_CHARS_MAX }.into());
        }
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked(&mut tx, order_no, Viewer::Customer(customer)).await?;
            let operator = format!("customer:{}", customer.customer_code);
            match order.status.cancel_kind() {
                CancelKind::TooLate => return Err(AppError::OutboundShipped(order.order_no.clone())),
                CancelKind::AlreadyCancelled => return Err(AppError::OutboundCancelled(order.order_no.clone())),
                CancelKind::Interception => {
                    if order.intercept_status.0 == Some(InterceptStatus::Requested) {
                        return Err(AppError::InterceptPending(order.order_no.clone()));
                    }
                    let change = OrderChange {
                        intercept_status: Some("REQUESTED"),
                        intercept_reason: Some(reason.unwrap_or("cancelled by the seller")),
                        ..Default::default()
                    };
                    store::change_order(&mut tx, &order, order.status.as_str(), &change, now).await?;
                }
                CancelKind::AtOnce => {
                    unwind(&mut tx, &order, operator, "cancelled", now).await?;
                    let change = OrderChange { intercept_reason: reason, ..Default::default() };
                    store::change_order(&mut tx, &order, OutboundStatus::Cancelled.as_str(), &change, now).await?;
                    let data = json!({"orderNo": order.order_no, "erpNo": order.customer_reference,
                                      "status": "CANCELLED", "reason": reason});
                    events::emit(
                        &mut tx,
                        (order.customer_id, &order.customer_code),
                        ORDER_CANCELLED,
                        &order.warehouse_code,
                        data,
                        now,
                    )
                    .await?;
                }
            }
            tx.commit().await?;
            Ok(())
        })
        .await?;
        Ok(self.outbound_detail(Viewer::Customer(customer), order_no).await?.order)
    }

    /// Staff resolve an interception: success stops the order (picked units
    /// go back where they came from, the reservation is released); failure
    /// lets it ship. Either way the seller hears `order.intercepted`.
    pub async fn resolve_interception(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        success: bool,
        note: Option<&str>,
    ) -> Result<OutboundOrderRow, AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked(&mut tx, order_no, Viewer::Staff(staff)).await?;
            if order.intercept_status.0 != Some(InterceptStatus::Requested) {
                return Err(AppError::NoInterception(order.order_no.clone()));
            }
            let next = if success { step(&order, OutboundAction::Intercept)? } else { order.status };
            if success {
                unwind(&mut tx, &order, staff.operator(), "intercepted", now).await?;
            }
            let change = OrderChange {
                intercept_status: Some(if success { "SUCCEEDED" } else { "FAILED" }),
                intercept_reason: note,
                ..Default::default()
            };
            store::change_order(&mut tx, &order, next.as_str(), &change, now).await?;
            let data = json!({"orderNo": order.order_no, "erpNo": order.customer_reference,
                              "status": if success { "success" } else { "fail" }, "reason": note});
            events::emit(
                &mut tx,
                (order.customer_id, &order.customer_code),
                ORDER_INTERCEPTED,
                &order.warehouse_code,
                data,
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        Ok(self.outbound_detail(Viewer::Staff(staff), order_no).await?.order)
    }

    // ------------------------------------------------------------ waves

    /// Releases orders to the floor: each order's reservation becomes
    /// location allocations (FEFO/FIFO, pick faces first); orders are
    /// grouped into carts by the batching planner and each cart gets its
    /// optimal route. Orders whose units are not on the racks are skipped
    /// with the reason.
    pub async fn create_wave(&self, staff: &StaffPrincipal, cmd: &WaveCommand) -> Result<WaveResult, AppError> {
        if cmd.totes == 0 || cmd.totes > 64 {
            return Err(AppError::InvalidParam { field: "totes", reason: "1 to 64 orders per cart".into() });
        }
        if cmd.order_nos.len() > WAVE_ORDERS_MAX || cmd.max_orders > WAVE_ORDERS_MAX {
            return Err(AppError::InvalidParam { field: "orderNos", reason: format!("at most {WAVE_ORDERS_MAX}") });
        }
        let created = self.retrying(|| self.create_wave_once(staff, cmd)).await?;
        self.wave_result(&created).await
    }

    async fn create_wave_once(
        &self,
        staff: &StaffPrincipal,
        cmd: &WaveCommand,
    ) -> Result<(String, Vec<(String, String)>, Vec<String>), AppError> {
        let now = now_ms();
        let started = std::time::Instant::now();
        let mut tx = self.store.begin_write().await?;
        let w = warehouse_for(tx.conn(), Viewer::Staff(staff), &cmd.warehouse_code).await?;
        store::lock_warehouse(&mut tx, w.warehouse_id).await?;
        let candidates = if cmd.order_nos.is_empty() {
            let selection = WaveSelection {
                shipping_service_codes: cmd.shipping_service_codes.clone(),
                created_before: cmd.created_before,
                limit: (cmd.max_orders.max(1) * 4).min(WAVE_ORDERS_MAX * 4) as i64,
            };
            store::waveable_orders(&mut tx, w.warehouse_id, &selection).await?
        } else {
            cmd.order_nos.iter().map(|n| n.trim().to_owned()).collect()
        };
        let packing = warehouse::first_of_type(tx.conn(), w.warehouse_id, "PACKING")
            .await?
            .ok_or_else(|| AppError::LocationNotFound("PACKING".into()))?;
        let locations: HashMap<i64, LocationRow> = warehouse::enabled_locations(tx.conn(), w.warehouse_id)
            .await?
            .into_iter()
            .map(|l| (l.location_id, l))
            .collect();
        // Each order's allocations, decided in memory against what earlier
        // orders of this wave already took.
        let mut taken: HashMap<(i64, i64), i64> = HashMap::new();
        let mut accepted: Vec<(store::WaveOrderRow, Vec<LinePlan>)> = Vec::new();
        let mut skipped: Vec<(String, String)> = Vec::new();
        let mut lines_total = 0usize;
        // Stock of each product at the racks, read once per wave: orders
        // repeat products, and `taken` tracks what this wave promised.
        let mut stock_of: HashMap<i64, Vec<haicang_store::outbound::SourceRow>> = HashMap::new();
        let max_orders = if cmd.order_nos.is_empty() { cmd.max_orders.max(1) } else { usize::MAX };
        // Orders and their lines are read a chunk at a time (a few
        // statements per chunk, not per order), and only as far as the
        // wave needs.
        let mut seen: HashSet<i64> = HashSet::new();
        'chunks: for chunk in candidates.chunks(WAVE_READ_CHUNK) {
            let rows: HashMap<String, store::WaveOrderRow> =
                store::lock_wave_orders(&mut tx, chunk).await?.into_iter().map(|o| (o.order_no.clone(), o)).collect();
            let ids: Vec<i64> = rows.values().map(|o| o.outbound_order_id).collect();
            let mut lines_of = store::lines_of_orders(tx.conn(), &ids).await?;
            for no in chunk {
                if accepted.len() >= max_orders {
                    break 'chunks;
                }
                let order = rows.get(no).cloned().ok_or_else(|| AppError::OutboundNotFound(no.clone()))?;
                if !seen.insert(order.outbound_order_id) {
                    continue;
                }
                if order.warehouse_id != w.warehouse_id {
                    return Err(AppError::InvalidParam {
                        field: "orderNos",
                        reason: format!("{no} is not in {}", w.code),
                    });
                }
                step_of(&order.order_no, order.status, order.intercept_status.0, OutboundAction::Wave)?;
                let lines = lines_of.remove(&order.outbound_order_id).unwrap_or_default();
                if !cmd.profile.admits(&lines) {
                    continue;
                }
                if cmd.max_lines.is_some_and(|m| lines_total + lines.len() > m) {
                    continue;
                }
                let mut plan = Vec::new();
                let mut missing = None;
                // What this order takes, on top of what the wave already
                // promised; kept apart so a skipped order leaves no trace.
                let mut trial: HashMap<(i64, i64), i64> = HashMap::new();
                for line in &lines {
                    if let std::collections::hash_map::Entry::Vacant(slot) = stock_of.entry(line.product_id) {
                        slot.insert(store::sources(&mut tx, w.warehouse_id, line.product_id).await?);
                    }
                    let promised =
                        |key: (i64, i64)| taken.get(&key).copied().unwrap_or(0) + trial.get(&key).copied().unwrap_or(0);
                    let sources: Vec<Source> = stock_of[&line.product_id]
                        .iter()
                        .map(|r| Source {
                            pick_face: r.location_type == LocationType::PickFace,
                            free: r.quantity - r.allocated - promised((r.location_id, r.lot_id)),
                            location_id: r.location_id,
                            location_code: r.location_code.clone(),
                            lot_id: r.lot_id,
                            inbound_at: r.inbound_at,
                            expiry_date: r.expiry_date.clone(),
                        })
                        .collect();
                    let picks = rules::allocate(&sources, line.quantity);
                    let got: i64 = picks.iter().map(|(_, n)| n).sum();
                    if got < line.quantity {
                        missing = Some(format!("{}: {} on the racks, {} needed", line.sku, got, line.quantity));
                        break;
                    }
                    for (i, n) in &picks {
                        *trial.entry((sources[*i].location_id, sources[*i].lot_id)).or_default() += n;
                    }
                    plan.push((line.clone(), picks.into_iter().map(|(i, n)| (sources[i].clone(), n)).collect()));
                }
                match missing {
                    Some(reason) => skipped.push((order.order_no.clone(), reason)),
                    None => {
                        for (key, n) in trial {
                            *taken.entry(key).or_default() += n;
                        }
                        lines_total += lines.len();
                        accepted.push((order, plan));
                    }
                }
            }
        }
        if accepted.is_empty() {
            return Err(AppError::WaveEmpty(
                skipped.iter().map(|(n, r)| format!("{n} ({r})")).collect::<Vec<_>>().join("; "),
            ));
        }
        let allocated_in = started.elapsed();
        // Carts and routes from the planning engine.
        let layout = layout_of(locations.values())?;
        let picks_of = |plan: &[LinePlan]| -> Vec<RoutePick> {
            plan.iter().flat_map(|(_, s)| s.iter().map(|(src, _)| route_pick(&locations[&src.location_id]))).collect()
        };
        let orders: Vec<Vec<RoutePick>> = accepted.iter().map(|(_, plan)| picks_of(plan)).collect();
        // Planning a big wave takes most of a second of CPU: off the async
        // workers, so other requests keep flowing meanwhile.
        let (planner_layout, totes) = (layout.clone(), cmd.totes);
        let batches =
            tokio::task::spawn_blocking(move || batching::plan(&planner_layout, &orders, totes, BatchMethod::Best))
                .await
                .map_err(|e| match e.try_into_panic() {
                    Ok(panic) => std::panic::resume_unwind(panic),
                    Err(e) => AppError::Interrupted(e.to_string()),
                })?
                .map_err(|e| AppError::InvalidParam { field: "layout", reason: e.to_string() })?;
        let batched_in = started.elapsed();
        let day = day_code(now);
        let seq = sequence::next_value(tx.conn(), "WV", &day).await?;
        let wave_no = format!("WV{day}{seq:04}");
        let wave_id = store::insert_wave(
            &mut tx,
            &wave_no,
            w.warehouse_id,
            packing.location_id,
            cmd.totes as i64,
            &staff.operator(),
            now,
        )
        .await?;
        // Route each cart's stops; a stop is (order, line, source).
        let mut carts: Vec<(Vec<Stop>, routing::Route)> = Vec::with_capacity(batches.batches.len());
        for batch in &batches.batches {
            let mut stops: Vec<Stop> = Vec::new();
            for &o in &batch.orders {
                for (l, (_, sources)) in accepted[o].1.iter().enumerate() {
                    for s in 0..sources.len() {
                        stops.push((o, l, s));
                    }
                }
            }
            let points: Vec<RoutePick> =
                stops.iter().map(|&(o, l, s)| route_pick(&locations[&accepted[o].1[l].1[s].0.location_id])).collect();
            let r = routing::route(&layout, &points, Method::Optimal)
                .map_err(|e| AppError::InvalidParam { field: "layout", reason: e.to_string() })?;
            carts.push((stops, r));
        }
        let numbered: Vec<(i64, i64)> = carts
            .iter()
            .enumerate()
            .map(|(b, (_, r))| (b as i64 + 1, (r.distance_m * 1000.0).round() as i64))
            .collect();
        let batch_ids = store::insert_batches(&mut tx, wave_id, &numbered, now).await?;
        let mut rows: Vec<NewAllocation> = Vec::new();
        for ((stops, r), batch_id) in carts.iter().zip(batch_ids) {
            for (rank, &stop) in r.sequence.iter().enumerate() {
                let (o, l, s) = stops[stop];
                let (order, plan) = &accepted[o];
                let (line, sources) = &plan[l];
                let (src, n) = &sources[s];
                rows.push(NewAllocation {
                    order_id: order.outbound_order_id,
                    line_id: line.outbound_line_id,
                    batch_id,
                    product_id: line.product_id,
                    location_id: src.location_id,
                    lot_id: src.lot_id,
                    quantity: *n,
                    route_seq: rank as i64 + 1,
                });
            }
        }
        store::insert_allocations(&mut tx, &rows, now).await?;
        let ids: Vec<i64> = accepted.iter().map(|(o, _)| o.outbound_order_id).collect();
        store::mark_waved(&mut tx, &ids, wave_id, now).await?;
        let waved = accepted.iter().map(|(o, _)| o.order_no.clone()).collect();
        tx.commit().await?;
        // Where a wave's time goes, for whoever tunes big waves.
        tracing::info!(
            wave = %wave_no,
            orders = accepted.len(),
            carts = batches.batches.len(),
            allocate_ms = allocated_in.as_millis() as u64,
            plan_ms = (batched_in - allocated_in).as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "wave released"
        );
        Ok((wave_no, skipped, waved))
    }

    async fn wave_result(
        &self,
        created: &(String, Vec<(String, String)>, Vec<String>),
    ) -> Result<WaveResult, AppError> {
        let (wave_no, skipped, order_nos) = created;
        let mut conn = self.store.read().await?;
        let rows = store::batches_of_wave(&mut conn, wave_no).await?;
        let mut allocations: HashMap<i64, Vec<AllocationRow>> = HashMap::new();
        if let Some(batch) = rows.first() {
            for a in store::allocations_of_wave(&mut conn, batch.wave_id).await? {
                allocations.entry(a.pick_batch_id).or_default().push(a);
            }
        }
        let batches = rows
            .into_iter()
            .map(|batch| {
                let of_batch = allocations.remove(&batch.pick_batch_id).unwrap_or_default();
                batch_view(batch, &of_batch)
            })
            .collect();
        Ok(WaveResult { wave_no: wave_no.clone(), order_nos: order_nos.clone(), skipped: skipped.clone(), batches })
    }

    /// A cart's pick list in route order.
    pub async fn pick_batch(&self, staff: &StaffPrincipal, batch_id: i64) -> Result<BatchView, AppError> {
        let mut conn = self.store.read().await?;
        let batch = store::find_batch(&mut conn, batch_id).await?.ok_or(AppError::BatchNotFound(batch_id))?;
        staff.check_warehouse(batch.warehouse_id, &batch.warehouse_code)?;
        let allocations = store::allocations_of_batch(&mut conn, batch_id).await?;
        Ok(batch_view(batch, &allocations))
    }

    /// A pick scan: units move from the location to the wave's packing
    /// location through the ledger. A short pick records a count task and
    /// re-allocates the rest elsewhere, or puts the order in EXCEPTION.
    pub async fn pick(&self, staff: &StaffPrincipal, batch_id: i64, cmd: &PickCommand) -> Result<BatchView, AppError> {
        if cmd.quantity < 0 || (cmd.quantity == 0 && !cmd.short) || cmd.quantity > rules::LINE_QUANTITY_MAX {
            return Err(AppError::InvalidParam { field: "quantity", reason: "a positive whole number".into() });
        }
        self.retrying(|| self.pick_once(staff, batch_id, cmd)).await?;
        self.pick_batch(staff, batch_id).await
    }

    async fn pick_once(&self, staff: &StaffPrincipal, batch_id: i64, cmd: &PickCommand) -> Result<(), AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let batch = store::find_batch(tx.conn(), batch_id).await?.ok_or(AppError::BatchNotFound(batch_id))?;
        staff.check_warehouse(batch.warehouse_id, &batch.warehouse_code)?;
        store::lock_warehouse(&mut tx, batch.warehouse_id).await?;
        let code = cmd.location_code.trim().to_ascii_uppercase();
        let scanned = cmd.sku.trim();
        let here: Vec<AllocationRow> = store::allocations_of_batch(tx.conn(), batch_id)
            .await?
            .into_iter()
            .filter(|a| {
                a.status == AllocationStatus::Open
                    && a.location_code == code
                    && (a.sku == scanned || a.barcode == scanned)
            })
            .collect();
        if here.is_empty() {
            return Err(AppError::PickMismatch(format!("nothing of {scanned} to pick at {code} in this cart")));
        }
        let open: i64 = here.iter().map(|a| a.quantity - a.picked).sum();
        if cmd.quantity > open {
            return Err(AppError::PickMismatch(format!(
                "{} of {scanned} scanned at {code}, {open} to pick",
                cmd.quantity
            )));
        }
        let packing = Place { location_id: batch.packing_location_id, code: batch.packing_location_code.clone() };
        let mut serials = picked_serials(&mut tx, &here[0], cmd).await?;
        let mut left = cmd.quantity;
        let mut touched: Vec<i64> = Vec::new();
        for a in &here {
            let order = locked(&mut tx, &a.order_no, Viewer::Staff(staff)).await?;
            let want = a.quantity - a.picked;
            let n = want.min(left);
            left -= n;
            if n > 0 {
                step(&order, OutboundAction::Pick)?;
                let item = Item {
                    customer_id: order.customer_id,
                    warehouse_id: order.warehouse_id,
                    product_id: a.product_id,
                    condition: Condition::Good,
                };
                let from = Place { location_id: a.location_id, code: a.location_code.clone() };
                let q =
                    Quantity::new(n).ok_or(AppError::InvalidParam { field: "quantity", reason: "too large".into() })?;
                stock::move_units(
                    &mut tx,
                    item,
                    &from,
                    &packing,
                    a.lot_id,
                    q,
                    &doc(&order, a.route_seq, staff.operator(), Some("pick")),
                    now,
                )
                .await
                .map_err(|e| AppError::from_store_for_sku(e, &a.sku))?;
                if a.serial_managed != 0 {
                    let these = take_serials_of_lot(&mut serials, a, n)?;
                    stock::serials_moved(&mut tx, a.product_id, &these, packing.location_id, &order.order_no, now)
                        .await?;
                }
            }
            let status = AllocationStatus::after_pick(a.picked + n, a.quantity, cmd.short);
            let tote = cmd.tote.as_deref().map(str::trim).filter(|t| !t.is_empty());
            // A short allocation keeps what was picked as its quantity.
            if status == AllocationStatus::Short {
                shrink_allocation(&mut tx, a, a.picked + n, tote, now).await?;
            } else {
                store::update_allocation(&mut tx, a, a.picked + n, status.as_str(), tote, now).await?;
            }
            if status == AllocationStatus::Short {
                let missing = want - n;
                store::insert_count_task(
                    &mut tx,
                    batch.warehouse_id,
                    a.location_id,
                    a.product_id,
                    a.quantity,
                    a.picked + n,
                    &order.order_no,
                    &staff.operator(),
                    now,
                )
                .await?;
                self.reallocate(&mut tx, staff, &batch, &order, a, missing, now).await?;
            }
            if !touched.contains(&order.outbound_order_id) {
                touched.push(order.outbound_order_id);
            }
        }
        // Orders whose every allocation is picked are PICKED.
        for a in &here {
            if !touched.contains(&a.outbound_order_id) {
                continue;
            }
            touched.retain(|id| *id != a.outbound_order_id);
            let order = locked(&mut tx, &a.order_no, Viewer::Staff(staff)).await?;
            if order.status == OutboundStatus::Exception {
                continue;
            }
            let all = store::allocations_of_order(tx.conn(), order.outbound_order_id).await?;
            let progress: Vec<(AllocationStatus, i64)> = all.iter().map(|x| (x.status, x.picked)).collect();
            let next = match rules::pick_progress(&progress) {
                Some(action) => step(&order, action)?,
                None => order.status,
            };
            if next != order.status {
                store::change_order(&mut tx, &order, next.as_str(), &OrderChange::default(), now).await?;
            }
            if next == OutboundStatus::Picked {
                store::add_event(
                    &mut tx,
                    order.outbound_order_id,
                    "PICKED",
                    "Picked in the warehouse",
                    Some(&order.warehouse_code),
                    now,
                    now,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// After a short pick: the missing units from other rack locations, in
    /// the same cart at the end of its route; or EXCEPTION with a reason.
    #[allow(clippy::too_many_arguments)]
    async fn reallocate(
        &self,
        tx: &mut WriteTx,
        staff: &StaffPrincipal,
        batch: &BatchRow,
        order: &OutboundOrderRow,
        short: &AllocationRow,
        missing: i64,
        now: i64,
    ) -> Result<(), AppError> {
        if missing <= 0 {
            return Ok(());
        }
        let sources: Vec<Source> = store::sources(tx, batch.warehouse_id, short.product_id)
            .await?
            .into_iter()
            .filter(|r| r.location_id != short.location_id)
            .map(|r| Source {
                pick_face: r.location_type == LocationType::PickFace,
                free: r.quantity - r.allocated,
                location_id: r.location_id,
                location_code: r.location_code,
                lot_id: r.lot_id,
                inbound_at: r.inbound_at,
                expiry_date: r.expiry_date,
            })
            .collect();
        let picks = rules::allocate(&sources, missing);
        let got: i64 = picks.iter().map(|(_, n)| n).sum();
        if got < missing {
            let reason = format!(
                "short pick: {missing} of {} missing at {} and no other stock in the warehouse",
                short.sku, short.location_code
            );
            let change = OrderChange { exception_reason: Some(&reason), ..Default::default() };
            let fresh = locked(tx, &order.order_no, Viewer::Staff(staff)).await?;
            let next = step(&fresh, OutboundAction::Short)?;
            store::change_order(tx, &fresh, next.as_str(), &change, now).await?;
            // Pickers skip what is left of it; picked units wait at the
            // bench until the order is cancelled (and put back).
            for a in store::allocations_of_order(tx.conn(), order.outbound_order_id).await? {
                if a.status == AllocationStatus::Open {
                    store::update_allocation(tx, &a, a.picked, AllocationStatus::Released.as_str(), None, now).await?;
                }
            }
            return Ok(());
        }
        let last = store::allocations_of_batch(tx.conn(), batch.pick_batch_id).await?.iter().map(|a| a.route_seq).max();
        let rows: Vec<NewAllocation> = picks
            .iter()
            .enumerate()
            .map(|(k, (i, n))| NewAllocation {
                order_id: order.outbound_order_id,
                line_id: short.outbound_line_id,
                batch_id: batch.pick_batch_id,
                product_id: short.product_id,
                location_id: sources[*i].location_id,
                lot_id: sources[*i].lot_id,
                quantity: *n,
                route_seq: last.unwrap_or(0) + 1 + k as i64,
            })
            .collect();
        store::insert_allocations(tx, &rows, now).await?;
        // The cart now walks on to the new stops: its distance is the
        // route as it will be walked, in route order.
        let locations: HashMap<i64, LocationRow> = warehouse::enabled_locations(tx.conn(), batch.warehouse_id)
            .await?
            .into_iter()
            .map(|l| (l.location_id, l))
            .collect();
        let mut stops = store::allocations_of_batch(tx.conn(), batch.pick_batch_id).await?;
        stops.sort_by_key(|a| a.route_seq);
        let picks: Vec<RoutePick> =
            stops.iter().filter_map(|a| locations.get(&a.location_id)).map(route_pick).collect();
        let layout = layout_of(locations.values())?;
        let walked = layout.tour_length(&picks, &(0..picks.len()).collect::<Vec<_>>());
        store::set_batch_distance(tx, batch.pick_batch_id, (walked * 1000.0).round() as i64).await?;
        Ok(())
    }

    /// Packing: every picked unit scanned, nothing else; weight and size.
    pub async fn pack(&self, staff: &StaffPrincipal, cmd: &PackCommand) -> Result<OutboundOrderRow, AppError> {
        if cmd.weight_g <= 0 || cmd.length_mm <= 0 || cmd.width_mm <= 0 || cmd.height_mm <= 0 {
            return Err(AppError::InvalidParam { field: "weightKg", reason: "weight and sizes are required".into() });
        }
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked(&mut tx, &cmd.order_no, Viewer::Staff(staff)).await?;
            let next = step(&order, OutboundAction::Pack)?;
            let allocations = store::allocations_of_order(tx.conn(), order.outbound_order_id).await?;
            let mut picked: BTreeMap<String, i64> = BTreeMap::new();
            for a in allocations.iter().filter(|a| a.picked > 0) {
                *picked.entry(a.sku.clone()).or_default() += a.picked;
            }
            // Scans may be barcodes: read them as SKUs.
            let scanned: Vec<(String, i64)> = cmd
                .items
                .iter()
                .map(|(code, q)| {
                    let sku =
                        allocations.iter().find(|a| a.barcode == *code).map(|a| a.sku.clone()).unwrap_or(code.clone());
                    (sku, *q)
                })
                .collect();
            rules::check_pack(&picked, &scanned)?;
            let mut picked_serials: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for a in allocations.iter().filter(|a| a.serial_managed != 0 && a.picked > 0) {
                if picked_serials.contains_key(&a.sku) {
                    continue;
                }
                let (bench, _) = packing_place(&mut tx, &order).await?;
                let at_bench = stock::serials_of_document(&mut tx, a.product_id, &order.order_no, bench).await?;
                picked_serials.insert(a.sku.clone(), at_bench.into_iter().map(|(serial, _)| serial).collect());
            }
            let scanned_serials: BTreeMap<String, Vec<String>> = cmd
                .serials
                .iter()
                .map(|(code, serials)| {
                    let sku =
                        allocations.iter().find(|a| a.barcode == *code).map(|a| a.sku.clone()).unwrap_or(code.clone());
                    (sku, serials.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
                })
                .collect();
            rules::check_pack_serials(&picked_serials, &scanned_serials)?;
            let change = OrderChange {
                weight_g: Some(cmd.weight_g),
                length_mm: Some(cmd.length_mm),
                width_mm: Some(cmd.width_mm),
                height_mm: Some(cmd.height_mm),
                ..Default::default()
            };
            store::change_order(&mut tx, &order, next.as_str(), &change, now).await?;
            let text = format!("Packed by {}", staff.username);
            store::add_event(&mut tx, order.outbound_order_id, "PACKED", &text, Some(&order.warehouse_code), now, now)
                .await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        Ok(self.outbound_detail(Viewer::Staff(staff), &cmd.order_no).await?.order)
    }

    /// Hand-over to the carrier: the reservation is posted (units leave to
    /// `@CUSTOMER_SHIPPED` from the packing location) and `order.shipped`
    /// reports the stock after, per SKU.
    pub async fn ship(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        tracking_no: Option<&str>,
        carrier: Option<&str>,
    ) -> Result<OutboundOrderRow, AppError> {
        if tracking_no.is_some_and(|t| t.chars().count() > rules::TRACKING_CHARS_MAX) {
            return Err(OrderError::TooLong { field: "trackingNo", max: rules::TRACKING_CHARS_MAX }.into());
        }
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked(&mut tx, order_no, Viewer::Staff(staff)).await?;
            let next = step(&order, OutboundAction::Ship)?;
            let tracking = match (tracking_no.map(str::trim).filter(|t| !t.is_empty()), &order.tracking_no) {
                (Some(t), _) => t.to_owned(),
                (None, Some(t)) => t.clone(),
                (None, None) => format!("HC{}{:010}", day_code(now), order.outbound_order_id),
            };
            if order.tracking_no.as_deref() != Some(tracking.as_str())
                && store::order_no_by_tracking(&mut tx, &tracking).await?.is_some()
            {
                return Err(AppError::TrackingExists(tracking));
            }
            let lines = store::lines(tx.conn(), order.outbound_order_id).await?;
            let allocations = store::allocations_of_order(tx.conn(), order.outbound_order_id).await?;
            let (packing_id, packing_code) = packing_place(&mut tx, &order).await?;
            let reference = doc(&order, 0, staff.operator(), Some("shipped"));
            for line in &lines {
                let picks: Vec<stock::Pick> = allocations
                    .iter()
                    .filter(|a| a.outbound_line_id == line.outbound_line_id && a.picked > 0)
                    .filter_map(|a| {
                        Quantity::new(a.picked).map(|q| stock::Pick {
                            place: Place { location_id: packing_id, code: packing_code.clone() },
                            lot_id: a.lot_id,
                            quantity: q,
                        })
                    })
                    .collect();
                let line_doc = DocumentRef { line: line.line_no, ..reference.clone() };
                stock::post(&mut tx, line.reservation_id, &picks, &line_doc, now)
                    .await
                    .map_err(|e| AppError::from_store_for_sku(e, &line.sku))?;
            }
            // Serial numbers leave with the order that carried them.
            let mut serial_products: Vec<i64> =
                allocations.iter().filter(|a| a.serial_managed != 0).map(|a| a.product_id).collect();
            serial_products.sort_unstable();
            serial_products.dedup();
            for product_id in serial_products {
                let gone = stock::serials_of_document(&mut tx, product_id, &order.order_no, packing_id).await?;
                let gone: Vec<String> = gone.into_iter().map(|(serial, _)| serial).collect();
                stock::serials_out(&mut tx, product_id, &gone, &order.order_no, now).await?;
            }
            let carrier = carrier.map(str::to_owned).or(order.carrier.clone()).unwrap_or(order.carrier_default.clone());
            let change = OrderChange {
                tracking_no: Some(&tracking),
                carrier: Some(&carrier),
                shipped_at: Some(now),
                ..Default::default()
            };
            store::change_order(&mut tx, &order, next.as_str(), &change, now).await?;
            if order.seller_label.is_none() {
                store::add_event(
                    &mut tx,
                    order.outbound_order_id,
                    "LABEL_CREATED",
                    &format!("{carrier} label {tracking}"),
                    None,
                    now,
                    now,
                )
                .await?;
            }
            let text = format!("Handed over to {carrier}");
            store::add_event(&mut tx, order.outbound_order_id, "SHIPPED", &text, Some(&order.warehouse_code), now, now)
                .await?;
            // The JF WMS "order" webhook: per SKU the stock after the change.
            let mut sku_list = Vec::new();
            let mut by_product: BTreeMap<i64, (String, i64)> = BTreeMap::new();
            for line in &lines {
                by_product.entry(line.product_id).or_insert((line.sku.clone(), 0)).1 += line.quantity;
            }
            for (product_id, (sku, shipped)) in by_product {
                let (total, locked_units, non_good) = stock_after(&mut tx, order.warehouse_id, product_id).await?;
                sku_list.push(json!({"sku": sku, "total": total, "locked": locked_units,
                    "available": total - locked_units, "nonGood": non_good, "totalChange": -shipped}));
            }
            let data = json!({"orderNo": order.order_no, "erpNo": order.customer_reference, "status": "Shipped",
                              "trackingNo": tracking, "carrier": carrier, "skuList": sku_list});
            events::emit(
                &mut tx,
                (order.customer_id, &order.customer_code),
                ORDER_SHIPPED,
                &order.warehouse_code,
                data,
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await?;
        Ok(self.outbound_detail(Viewer::Staff(staff), order_no).await?.order)
    }

    pub async fn open_count_tasks(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
    ) -> Result<Vec<haicang_store::outbound::CountTaskRow>, AppError> {
        let mut conn = self.store.read().await?;
        let w = warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        Ok(store::open_count_tasks(&mut conn, w.warehouse_id).await?)
    }

    /// A carrier event for a shipped parcel.
    pub async fn add_shipment_event(
        &self,
        staff: &StaffPrincipal,
        tracking_no: &str,
        code: &str,
        description: &str,
        location: Option<&str>,
        occurred_at: i64,
    ) -> Result<String, AppError> {
        if code.trim().is_empty() || code.len() > 50 || description.chars().count() > 300 {
            return Err(AppError::InvalidParam {
                field: "code", reason: "1-50 characters, description ≤ 300".into()
            });
        }
        self.retrying(|| async {
            let mut tx = self.store.begin_write().await?;
            let order_no = store::order_no_by_tracking(&mut tx, tracking_no.trim())
                .await?
                .ok_or_else(|| AppError::OutboundNotFound(tracking_no.to_owned()))?;
            let order = locked(&mut tx, &order_no, Viewer::Staff(staff)).await?;
            store::add_event(
                &mut tx,
                order.outbound_order_id,
                &code.trim().to_ascii_uppercase(),
                description,
                location,
                occurred_at,
                now_ms(),
            )
            .await?;
            tx.commit().await?;
            Ok(order_no)
        })
        .await
    }

    /// The shipping label: the seller's own, or a generated 4×6 in label.
    pub async fn shipping_label(&self, viewer: Viewer<'_>, order_no: &str) -> Result<Vec<u8>, AppError> {
        let d = self.outbound_detail(viewer, order_no).await?;
        if let Some(label) = d.order.seller_label.as_deref().filter(|l| l.starts_with("JVBERi")) {
            return base64_decode(label).ok_or(AppError::InvalidParam { field: "label", reason: "not base64".into() });
        }
        let tracking = d.order.tracking_no.clone().ok_or_else(|| refused(&d.order, OutboundAction::Ship))?;
        let recipient: Recipient = serde_json::from_str(&d.order.recipient).unwrap_or_default();
        let mut conn = self.store.read().await?;
        let w = warehouse::find_warehouse(&mut conn, &d.order.warehouse_code).await?;
        drop(conn);
        let sender = w.map(|w| vec![w.name, w.address]).unwrap_or_default();
        let to = vec![
            recipient.name.clone(),
            recipient.company.clone().unwrap_or_default(),
            recipient.address_line1.clone(),
            recipient.address_line2.clone().unwrap_or_default(),
            format!("{}, {} {}", recipient.city, recipient.state.clone().unwrap_or_default(), recipient.postcode),
            recipient.country.clone(),
        ]
        .into_iter()
        .filter(|l| !l.trim().is_empty())
        .collect();
        let label = haicang_print::ShippingLabel {
            tracking_no: tracking,
            carrier: d.order.carrier.clone().unwrap_or(d.order.carrier_default.clone()),
            service: d.order.shipping_service_code.clone(),
            order_no: d.order.order_no.clone(),
            reference: d.order.customer_reference.clone(),
            sender,
            recipient: to,
            weight_g: d.order.weight_g,
        };
        tokio::task::spawn_blocking(move || haicang_print::shipping_label(&label))
            .await
            .map_err(|e| AppError::Print(e.to_string()))?
            .map_err(|e| AppError::Print(e.to_string()))
    }

    /// The pick list of a cart as a PDF.
    pub async fn pick_list_pdf(&self, staff: &StaffPrincipal, batch_id: i64) -> Result<Vec<u8>, AppError> {
        let view = self.pick_batch(staff, batch_id).await?;
        let list = haicang_print::PickList {
            title: format!("{} · cart {}", view.batch.wave_no, view.batch.seq),
            warehouse_code: view.batch.warehouse_code.clone(),
            distance_m: view.batch.distance_mm as f64 / 1000.0,
            stops: view
                .route
                .iter()
                .map(|s| haicang_print::PickStop {
                    seq: s.seq,
                    location_code: s.location_code.clone(),
                    sku: s.sku.clone(),
                    barcode: s.barcode.clone(),
                    quantity: s.quantity,
                    tote: s.tote.clone().unwrap_or_default(),
                })
                .collect(),
        };
        tokio::task::spawn_blocking(move || haicang_print::pick_list(&list))
            .await
            .map_err(|e| AppError::Print(e.to_string()))?
            .map_err(|e| AppError::Print(e.to_string()))
    }
}

/// The wave's packing bench, where the order's picked units wait.
async fn packing_place(tx: &mut WriteTx, order: &OutboundOrderRow) -> Result<(i64, String), AppError> {
    let wave = order.wave_id.ok_or_else(|| refused(order, OutboundAction::Ship))?;
    store::packing_place_of_wave(tx.conn(), wave).await?.ok_or_else(|| AppError::LocationNotFound("PACKING".into()))
}

/// The serials a pick scanned, checked: one per unit, in stock at the
/// scanned location; none for SKUs that are not serial-managed.
/// (serial, lot_id) pairs.
async fn picked_serials(
    tx: &mut WriteTx,
    a: &AllocationRow,
    cmd: &PickCommand,
) -> Result<Vec<(String, i64)>, AppError> {
    let serials: Vec<String> = cmd.serials.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect();
    if a.serial_managed == 0 {
        return if serials.is_empty() {
            Ok(Vec::new())
        } else {
            Err(AppError::PickMismatch(format!("{} is not serial-managed: scan no serial numbers", a.sku)))
        };
    }
    rules::check_unit_serials(&a.sku, cmd.quantity, &serials).map_err(|e| AppError::PickMismatch(e.to_string()))?;
    let states = stock::serial_states(tx, a.product_id, &serials).await?;
    let mut out = Vec::with_capacity(serials.len());
    for serial in &serials {
        match states.iter().find(|s| &s.0 == serial) {
            Some((_, status, _, Some(location), Some(lot))) if status == "IN_STOCK" && *location == a.location_id => {
                out.push((serial.clone(), *lot));
            }
            _ => {
                return Err(AppError::PickMismatch(format!(
                    "serial number {serial} of {} is not in stock at {}",
                    a.sku, a.location_code
                )));
            }
        }
    }
    Ok(out)
}

/// `n` of the scanned serials from the allocation's lot.
fn take_serials_of_lot(pool: &mut Vec<(String, i64)>, a: &AllocationRow, n: i64) -> Result<Vec<String>, AppError> {
    let mut taken = Vec::new();
    while (taken.len() as i64) < n {
        let Some(i) = pool.iter().position(|(_, lot)| *lot == a.lot_id) else {
            return Err(AppError::PickMismatch(format!(
                "{n} serial numbers of {} lot {} are to be picked at {}",
                a.sku, a.lot_code, a.location_code
            )));
        };
        taken.push(pool.remove(i).0);
    }
    Ok(taken)
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text.trim()).ok()
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
fn batch_view(batch: BatchRow, allocations: &[AllocationRow]) -> BatchView {
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

/// Shrinks a short allocation to what was picked (its status SHORT).
async fn shrink_allocation(
    tx: &mut WriteTx,
    a: &AllocationRow,
    picked: i64,
    tote: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    Ok(store::shorten_allocation(tx, a, picked, tote, now).await?)
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
    if let Some(wave) = order.wave_id {
        let (packing_id, packing_code) = store::packing_place_of_wave(tx.conn(), wave)
            .await?
            .ok_or_else(|| AppError::LocationNotFound("PACKING".into()))?;
        let packing = Place { location_id: packing_id, code: packing_code };
        for a in &allocations {
            if let Some(q) = Quantity::new(a.picked) {
                let item = Item {
                    customer_id: order.customer_id,
                    warehouse_id: order.warehouse_id,
                    product_id: a.product_id,
                    condition: Condition::Good,
                };
                let back = Place { location_id: a.location_id, code: a.location_code.clone() };
                stock::move_units(
                    tx,
                    item,
                    &packing,
                    &back,
                    a.lot_id,
                    q,
                    &doc(order, a.route_seq, operator.clone(), Some(why)),
                    now,
                )
                .await
                .map_err(|e| AppError::from_store_for_sku(e, &a.sku))?;
                if a.serial_managed != 0 {
                    // The serials of this lot go back with their units.
                    let at_bench = stock::serials_of_document(tx, a.product_id, &order.order_no, packing_id).await?;
                    let back_serials: Vec<String> = at_bench
                        .into_iter()
                        .filter(|(_, lot)| *lot == a.lot_id)
                        .take(a.picked as usize)
                        .map(|(serial, _)| serial)
                        .collect();
                    stock::serials_moved(tx, a.product_id, &back_serials, a.location_id, &order.order_no, now).await?;
                }
            }
            if a.status != AllocationStatus::Released {
                store::update_allocation(tx, a, a.picked, AllocationStatus::Released.as_str(), None, now).await?;
            }
        }
    }
    for line in store::lines(tx.conn(), order.outbound_order_id).await? {
        stock::void(tx, line.reservation_id, now).await?;
    }
    Ok(())
}

/// (total, reserved, not-good) units of a product in a warehouse.
async fn stock_after(tx: &mut WriteTx, warehouse_id: i64, product_id: i64) -> Result<(i64, i64, i64), AppError> {
    Ok(haicang_store::outbound::stock_totals(tx, warehouse_id, product_id).await?)
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
