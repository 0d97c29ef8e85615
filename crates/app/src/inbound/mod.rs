//! Inbound orders: the seller announces, the warehouse receives and puts
//! away. Each command is one transaction: the order's state, its history,
//! the ledger movements and the outbox event commit together or not at all.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::json;

use haicang_core::document::{DocumentType, format_document_no};
use haicang_core::inbound::{
    self as rules, BoxDraft, Contents, Discrepancy, InboundAction, InboundError, InboundMode, InboundStatus,
    InboundType, ItemDraft,
};
use haicang_core::layout::LayoutLocation;
use haicang_core::ledger::{Condition, Quantity, VirtualLocation};
use haicang_core::location::{LocationType, Restriction};
use haicang_core::product::ProductStatus;
use haicang_core::putaway::{self as planner, Content, Incoming, Reason, Slot};
use haicang_core::status::SerialStatus;
use haicang_print::{BoxLabel, LabelSize};
use haicang_store::cartons;
use haicang_store::inbound::{
    self as store, BoxRow, HistoryRow, InboundFilter, InboundOrderRow, LineRow, NewBox, NewInboundOrder, NewLine,
    NewPutaway, NewReceipt, PutawayRow, ReceiptRow, StatusChange,
};
use haicang_store::product::{self as products, ProductRow};
use haicang_store::stock::{self, DocumentRef, Item, Place};
use haicang_store::warehouse::{self, LocationRow};
use haicang_store::{WriteTx, sequence};

use crate::events;
use crate::warehouses::ordering_warehouse;
use crate::{
    App, AppError, Created, CustomerPrincipal, Page, PageRequest, StaffPrincipal, Stepped, Viewer, day_code,
    idempotency, now_ms,
};

mod announce;
mod putaway;
pub(crate) use putaway::{check_destination, unit_measures};
mod receive;

pub const INBOUND_PUTAWAY: &str = "inbound.putaway";

/// `POST /inbound-orders` as the seller sends it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CreateInbound {
    pub warehouse_code: String,
    pub inbound_type: String,
    pub mode: Option<String>,
    pub customer_reference: String,
    pub expected_arrival: Option<String>,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub note: Option<String>,
    pub draft: bool,
    pub boxes: Vec<BoxDraft>,
    pub forecast: Vec<ItemDraft>,
    /// CARTON inbounds: single-SKU boxes counted all GOOD are kept closed
    /// as sealed cartons (their box label is the licence plate).
    pub keep_sealed: bool,
    /// References kept and shown back, not acted on (a dialect's: Winit's
    /// first-leg, customs, pickup and stock-pool fields). Left out of the
    /// request fingerprint when absent, so older requests keep theirs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

/// A counted box (or, for a forecast order, a counted batch of goods).
#[derive(Debug, Clone, Default)]
pub struct ReceiveCommand {
    /// The seller's box number or any code scanned from the box.
    pub box_code: Option<String>,
    pub lines: Vec<ReceiveLine>,
}

#[derive(Debug, Clone, Default)]
pub struct ReceiveLine {
    pub sku: String,
    pub good: i64,
    pub defective: i64,
    pub serials: Vec<String>,
    pub batch_no: Option<String>,
    pub production_date: Option<String>,
    pub expiry_date: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PutawayCommand {
    pub inbound_order_no: String,
    pub lines: Vec<PutawayLine>,
}

#[derive(Debug, Clone)]
pub struct PutawayLine {
    pub sku: String,
    pub lot_no: String,
    pub condition: Condition,
    pub location_code: String,
    pub quantity: i64,
}

/// Per SKU: announced, counted and put away.
#[derive(Debug, Clone, Serialize)]
pub struct SkuProgress {
    pub sku: String,
    pub expected: i64,
    pub received_good: i64,
    pub received_defective: i64,
    pub put_away: i64,
}

/// Everything about one order, as the seller and the warehouse see it.
#[derive(Debug, Clone)]
pub struct InboundDetail {
    pub order: InboundOrderRow,
    pub boxes: Vec<BoxRow>,
    pub lines: Vec<LineRow>,
    pub receipts: Vec<ReceiptRow>,
    pub putaways: Vec<PutawayRow>,
    pub history: Vec<HistoryRow>,
    pub skus: Vec<SkuProgress>,
    pub discrepancies: Vec<Discrepancy>,
    /// What the order was charged (receiving, putaway).
    pub fees: Vec<haicang_store::billing::ChargeRow>,
}

/// One proposal of the putaway plan.
#[derive(Debug, Clone)]
pub struct PlanItem {
    pub sku: String,
    pub lot_no: String,
    pub condition: Condition,
    pub quantity: i64,
    pub location_code: Option<String>,
    pub reason: Reason,
}

/// Units received and not yet put away, per (product, lot, condition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Waiting {
    pub product_id: i64,
    pub sku: String,
    pub lot_id: i64,
    pub lot_code: String,
    pub condition: Condition,
    pub quantity: i64,
}

fn trimmed(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn refused(order: &InboundOrderRow, action: InboundAction) -> AppError {
    AppError::InboundStatus { order_no: order.order_no.clone(), status: order.status.as_str().to_owned(), action }
}

/// The status after `action`, or the refusal naming the status.
fn step(order: &InboundOrderRow, action: InboundAction) -> Result<InboundStatus, AppError> {
    order.status.after(action).map_err(|_| refused(order, action))
}

impl CreateInbound {
    fn check(&self) -> Result<(InboundType, InboundMode, Contents), AppError> {
        if self.warehouse_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "warehouseCode" });
        }
        let kind = InboundType::parse(&self.inbound_type)
            .ok_or_else(|| AppError::InvalidParam { field: "type", reason: "PARCEL, CARTON or PALLET".into() })?;
        let mode = match trimmed(&self.mode) {
            None => InboundMode::Standard,
            Some(m) => InboundMode::parse(&m)
                .ok_or_else(|| AppError::InvalidParam { field: "mode", reason: "STANDARD or DIRECT".into() })?,
        };
        rules::check_header(
            &self.customer_reference,
            trimmed(&self.carrier).as_deref(),
            trimmed(&self.tracking_no).as_deref(),
            trimmed(&self.note).as_deref(),
        )?;
        if let Some(d) = trimmed(&self.expected_arrival) {
            chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map_err(|_| AppError::Inbound(InboundError::DateFormat { field: "expectedArrival" }))?;
        }
        let contents = rules::check_contents(&self.boxes, &self.forecast)?;
        Ok((kind, mode, contents))
    }
}

/// The JF WMS "storage" webhook's data: per SKU the received good and
/// defective units (`num`, `badNum`) and this putaway's units
/// (`thisTimeNum`); `status` FINISH when the order is done.
fn putaway_event_data(
    order: &InboundOrderRow,
    done: bool,
    sku_list: Vec<serde_json::Value>,
    now: i64,
) -> serde_json::Value {
    let finish_time = chrono::DateTime::from_timestamp_millis(now)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    json!({
        "orderNo": order.order_no,
        "customerReference": order.customer_reference,
        "warehouseCode": order.warehouse_code,
        "status": if done { "FINISH" } else { "PUTTING_AWAY" },
        "finishTime": done.then_some(finish_time),
        "skuList": sku_list,
    })
}

/// Moves the order from its status to `next` (compare-and-set) with a
/// history row.
async fn change_status(
    tx: &mut WriteTx,
    order: &InboundOrderRow,
    next: InboundStatus,
    change: &StatusChange<'_>,
    operator: &str,
    note: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let (id, from) = (order.inbound_order_id, order.status.as_str());
    store::change_status(tx, id, from, next.as_str(), change, operator, note, now).await?;
    Ok(())
}

/// The order, locked for the transaction: a seller's own, or one in a
/// warehouse of the staff member's scope.
async fn locked_order(tx: &mut WriteTx, order_no: &str, viewer: Viewer<'_>) -> Result<InboundOrderRow, AppError> {
    let order = store::lock_order(tx, order_no.trim(), viewer.customer_id())
        .await?
        .ok_or_else(|| AppError::InboundNotFound(order_no.trim().to_owned()))?;
    viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
    Ok(order)
}

/// The caller's products for these SKUs, each active; unknown or inactive
/// SKUs are refused by name.
async fn known_products<'a>(
    tx: &mut WriteTx,
    customer_id: i64,
    skus: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, ProductRow>, AppError> {
    let mut wanted: Vec<String> = skus.map(str::to_owned).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let found = products::products_by_sku(tx.conn(), customer_id, &wanted).await?;
    let by_sku: HashMap<String, ProductRow> = found.into_iter().map(|p| (p.sku.clone(), p)).collect();
    for sku in &wanted {
        match by_sku.get(sku) {
            None => return Err(AppError::SkuNotFound(sku.clone())),
            Some(p) if p.status != ProductStatus::Active => return Err(AppError::SkuInactive(sku.clone())),
            Some(_) => {}
        }
    }
    Ok(by_sku)
}

/// Received minus put away, per lot and condition, in a stable order.
fn waiting_from(receipts: &[ReceiptRow], putaways: &[PutawayRow]) -> Vec<Waiting> {
    let mut out: Vec<Waiting> = Vec::new();
    let mut add = |product_id: i64, sku: &str, lot_id: i64, lot_code: &str, condition: Condition, n: i64| match out
        .iter_mut()
        .find(|w| w.product_id == product_id && w.lot_code == lot_code && w.condition == condition)
    {
        Some(w) => w.quantity += n,
        None => out.push(Waiting {
            product_id,
            sku: sku.to_owned(),
            lot_id,
            lot_code: lot_code.to_owned(),
            condition,
            quantity: n,
        }),
    };
    for r in receipts {
        add(r.product_id, &r.sku, r.lot_id, &r.lot_code, Condition::Good, r.good);
        add(r.product_id, &r.sku, r.lot_id, &r.lot_code, Condition::Defective, r.defective);
    }
    for a in putaways {
        let condition = a.condition;
        add(a.product_id, &a.sku, 0, &a.lot_code, condition, -a.quantity);
    }
    out.retain(|w| w.quantity > 0);
    out.sort_by(|a, b| (&a.sku, &a.lot_code, a.condition).cmp(&(&b.sku, &b.lot_code, b.condition)));
    out
}
