//! Transfers between warehouses and B2B (marketplace) box shipments.
//!
//! Both are outbound orders of another kind (`core::transfers`): created
//! through the parcel order's one creation path (reservation, kits,
//! credit, numbering, idempotency), waved, picked, packed into cartons and
//! shipped by the same staff commands. What is theirs lives here: the
//! seller's commands and views, the receiving leg a transfer becomes at
//! its destination when it ships (an inbound order with the transfer's
//! number, received from `@TRANSFER_TRANSIT`), and the carton labels and
//! packing list.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use haicang_core::inbound::{InboundMode, InboundStatus, InboundType};
use haicang_core::outbound::{OutboundStatus, Platform, Recipient};
use haicang_core::transfers::{CartonLine, MarketplaceDestination, OrderKind, TransferError, TransferStatus};
use haicang_store::WriteTx;
use haicang_store::billing::ChargeRow;
use haicang_store::inbound::{self as inbound_store, InboundOrderRow, NewBox, NewInboundOrder, NewLine, ReceiptRow};
use haicang_store::outbound::{
    self as store, AllocationRow, CartonPlanRow, OutboundBoxRow, OutboundFilter, OutboundLineRow, OutboundOrderRow,
};

use crate::outbound::{OrderSpec, RecipientSpec};
use crate::{App, AppError, Created, CustomerPrincipal, Page, PageRequest, Viewer, events, idempotency};

pub const TRANSFER_CREATED: &str = "transfer.created";
pub const TRANSFER_CANCELLED: &str = "transfer.cancelled";
pub const TRANSFER_SHIPPED: &str = "transfer.shipped";
pub const TRANSFER_RECEIVED: &str = "transfer.received";

/// Where a transfer goes, as the seller sends it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DestinationInput {
    /// WAREHOUSE (default when `toWarehouseCode` is given) or MARKETPLACE.
    pub destination_type: Option<String>,
    pub platform: Option<String>,
    pub shipment_id: Option<String>,
    pub address: Option<Recipient>,
}

/// `POST /transfer-orders` as the seller sends it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CreateTransfer {
    pub from_warehouse_code: String,
    pub to_warehouse_code: Option<String>,
    pub destination: Option<DestinationInput>,
    pub customer_reference: String,
    pub items: Vec<(String, i64)>,
    /// Cartons asked for: (sku, units per carton, cartons).
    pub boxes: Vec<(String, i64, i64)>,
    /// Whole sealed cartons in stock, by licence plate.
    pub cartons: Vec<String>,
    pub note: Option<String>,
}

/// `POST /b2b-outbound-orders` as the seller sends it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CreateB2b {
    pub warehouse_code: String,
    pub destination: DestinationInput,
    pub customer_reference: String,
    /// Units to pack freely (besides the cartons).
    pub items: Vec<(String, i64)>,
    /// Whole cartons: (sku, units per carton, cartons).
    pub boxes: Vec<(String, i64, i64)>,
    /// Whole sealed cartons in stock, by licence plate.
    pub cartons: Vec<String>,
    pub note: Option<String>,
}

/// A transfer or B2B order with everything its views show.
#[derive(Debug, Clone)]
pub struct FreightDetail {
    pub order: OutboundOrderRow,
    pub status: TransferStatus,
    pub lines: Vec<OutboundLineRow>,
    pub plan: Vec<CartonPlanRow>,
    pub boxes: Vec<OutboundBoxRow>,
    /// Units shipped per SKU (once shipped).
    pub shipped: BTreeMap<String, i64>,
    /// A transfer's receiving leg and what it counted so far.
    pub leg: Option<InboundOrderRow>,
    pub receipts: Vec<ReceiptRow>,
    pub fees: Vec<ChargeRow>,
}

fn trimmed(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn carton_lines(boxes: &[(String, i64, i64)]) -> Vec<CartonLine> {
    boxes
        .iter()
        .map(|(sku, units_per_box, boxes)| CartonLine {
            sku: sku.trim().to_owned(),
            units_per_box: *units_per_box,
            boxes: *boxes,
        })
        .collect()
}

/// Items of a freight order: the listed units, plus the cartons' units of
/// SKUs not listed (a SKU both listed and cartoned must have its cartons
/// hold exactly the listed units: `check_carton_plan`).
fn all_items(items: &[(String, i64)], plan: &[CartonLine], cartons: &[String]) -> Result<Vec<(String, i64)>, AppError> {
    let mut all: Vec<(String, i64)> = items.iter().map(|(s, q)| (s.trim().to_owned(), *q)).collect();
    let mut planned: BTreeMap<&str, i64> = BTreeMap::new();
    for c in plan {
        let units = c.units_per_box.checked_mul(c.boxes).ok_or_else(|| TransferError::CartonPlan {
            sku: c.sku.clone(),
            reason: "1 to 100000 units in all".into(),
        })?;
        let sum = planned.entry(c.sku.as_str()).or_default();
        *sum = sum.saturating_add(units);
    }
    for (sku, units) in planned {
        if !all.iter().any(|(s, _)| s == sku) {
            all.push((sku.to_owned(), units));
        }
    }
    if all.is_empty() && !cartons.is_empty() {
        return Ok(all);
    }
    haicang_core::outbound::check_lines(&all)?;
    Ok(all)
}

fn marketplace(d: &DestinationInput) -> Result<(MarketplaceDestination, &Recipient), AppError> {
    let m = MarketplaceDestination::parse(d.platform.as_deref().unwrap_or(""), d.shipment_id.as_deref().unwrap_or(""))?;
    let address = d.address.as_ref().ok_or(TransferError::Required("destination.address"))?;
    Ok((m, address))
}

fn check_reference(reference: &str) -> Result<(), AppError> {
    use haicang_core::outbound::{OrderError, REFERENCE_CHARS_MAX};
    if reference.trim().is_empty() {
        return Err(OrderError::Required("customerReference").into());
    }
    if reference.trim().chars().count() > REFERENCE_CHARS_MAX {
        return Err(OrderError::TooLong { field: "customerReference", max: REFERENCE_CHARS_MAX }.into());
    }
    Ok(())
}

impl App {
    /// A transfer of the seller's stock to another of its warehouses (or
    /// to a marketplace): reserved at the source now.
    pub async fn create_transfer(
        &self,
        customer: &CustomerPrincipal,
        cmd: &CreateTransfer,
    ) -> Result<Created<TransferStatus>, AppError> {
        check_reference(&cmd.customer_reference)?;
        if cmd.from_warehouse_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "fromWarehouseCode" });
        }
        let to_marketplace = cmd
            .destination
            .as_ref()
            .and_then(|d| d.destination_type.as_deref())
            .filter(|t| !t.trim().is_empty())
            .map(|t| match haicang_core::transfers::DestinationType::parse(t) {
                Some(haicang_core::transfers::DestinationType::Marketplace) => Ok(true),
                Some(haicang_core::transfers::DestinationType::Warehouse) => Ok(false),
                None => Err(TransferError::DestinationType),
            })
            .transpose()?
            .unwrap_or(false);
        let to_code = trimmed(&cmd.to_warehouse_code);
        let (recipient, shipment) = if to_marketplace {
            let d = cmd.destination.as_ref().ok_or(TransferError::Required("destination"))?;
            let (m, address) = marketplace(d)?;
            (RecipientSpec::Abroad(address), Some(m))
        } else {
            let code = to_code.as_deref().ok_or(TransferError::Required("toWarehouseCode"))?;
            if code.eq_ignore_ascii_case(cmd.from_warehouse_code.trim()) {
                return Err(TransferError::SameWarehouse.into());
            }
            (RecipientSpec::Warehouse(code), None)
        };
        let plan = carton_lines(&cmd.boxes);
        let items = all_items(&cmd.items, &plan, &cmd.cartons)?;
        if cmd.note.as_deref().is_some_and(|n| n.chars().count() > haicang_core::outbound::NOTE_CHARS_MAX) {
            return Err(haicang_core::outbound::OrderError::TooLong {
                field: "note",
                max: haicang_core::outbound::NOTE_CHARS_MAX,
            }
            .into());
        }
        let hash = idempotency::fingerprint(cmd);
        let same = |stored: &str| idempotency::same_request(stored, cmd);
        let spec = OrderSpec {
            kind: OrderKind::Transfer,
            warehouse_code: cmd.from_warehouse_code.trim(),
            service_code: None,
            reference: cmd.customer_reference.trim(),
            hash: &hash,
            same_request: &same,
            platform: Platform::Other,
            platform_order_no: None,
            recipient,
            note: trimmed(&cmd.note),
            label: None,
            tracking_no: None,
            items: &items,
            carton_plan: &plan,
            cartons: &cmd.cartons,
            shipment,
        };
        let done = self.retrying(|| self.create_order_once(customer, &spec)).await?;
        let status = TransferStatus::of(done.status, None);
        Ok(Created { order_no: done.order_no, status, created: done.created })
    }

    /// Cartons to a marketplace's fulfilment centre (FBA and the like).
    pub async fn create_b2b(
        &self,
        customer: &CustomerPrincipal,
        cmd: &CreateB2b,
    ) -> Result<Created<OutboundStatus>, AppError> {
        check_reference(&cmd.customer_reference)?;
        if cmd.warehouse_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "warehouseCode" });
        }
        let (m, address) = marketplace(&cmd.destination)?;
        let plan = carton_lines(&cmd.boxes);
        let items = all_items(&cmd.items, &plan, &cmd.cartons)?;
        let hash = idempotency::fingerprint(cmd);
        let same = |stored: &str| idempotency::same_request(stored, cmd);
        let platform_order_no = Some(m.shipment_id.clone());
        let spec = OrderSpec {
            kind: OrderKind::B2b,
            warehouse_code: cmd.warehouse_code.trim(),
            service_code: None,
            reference: cmd.customer_reference.trim(),
            hash: &hash,
            same_request: &same,
            platform: Platform::Other,
            platform_order_no,
            recipient: RecipientSpec::Abroad(address),
            note: trimmed(&cmd.note),
            label: None,
            tracking_no: None,
            items: &items,
            carton_plan: &plan,
            cartons: &cmd.cartons,
            shipment: Some(m),
        };
        self.retrying(|| self.create_order_once(customer, &spec)).await
    }

    /// A transfer or B2B order with its cartons, shipped units and (for a
    /// transfer) what its destination counted.
    pub async fn freight_detail(
        &self,
        viewer: Viewer<'_>,
        kind: OrderKind,
        order_no: &str,
    ) -> Result<FreightDetail, AppError> {
        let mut conn = self.store.read().await?;
        let order = store::find_order_of_kind(&mut conn, order_no.trim(), viewer.customer_id(), kind)
            .await?
            .ok_or_else(|| AppError::OutboundNotFound(order_no.trim().to_owned()))?;
        viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        let lines = store::lines(&mut conn, order.outbound_order_id).await?;
        let plan = store::carton_plan(&mut conn, order.outbound_order_id).await?;
        let boxes = store::boxes_of_order(&mut conn, order.outbound_order_id).await?;
        let mut shipped = BTreeMap::new();
        if order.status == OutboundStatus::Shipped {
            for a in store::allocations_of_order(&mut conn, order.outbound_order_id).await? {
                *shipped.entry(a.stop.sku).or_default() += a.stop.picked;
            }
        }
        let (leg, receipts) = match order.inbound_order_id {
            Some(id) => {
                let leg = inbound_store::find_order_by_id(&mut conn, id).await?;
                (leg, inbound_store::receipts(&mut conn, id).await?)
            }
            None => (None, Vec::new()),
        };
        let status = TransferStatus::of(order.status, leg.as_ref().map(|l| l.status));
        let fees = haicang_store::billing::charges_of_document(&mut conn, order.customer_id, &order.order_no).await?;
        Ok(FreightDetail { order, status, lines, plan, boxes, shipped, leg, receipts, fees })
    }

    /// Transfers or B2B orders, newest first; a transfer status filter
    /// reads the legs too.
    pub async fn list_freight(
        &self,
        viewer: Viewer<'_>,
        kind: OrderKind,
        status: Option<TransferStatus>,
        filter: &OutboundFilter,
        page: PageRequest,
    ) -> Result<Page<FreightDetail>, AppError> {
        let mut filter = filter.clone();
        filter.kinds = vec![kind];
        if let Some(s) = status {
            filter.statuses = s.outbound_statuses().to_vec();
        }
        let found = self.list_outbound(viewer, &filter, page).await?;
        let mut items = Vec::with_capacity(found.items.len());
        for o in found.items {
            let d = self.freight_detail(viewer, kind, &o.order_no).await?;
            // Shipped transfers split by their leg: filter after reading it.
            if status.is_none_or(|s| s == d.status) {
                items.push(d);
            }
        }
        Ok(Page { items, page: found.page, page_size: found.page_size, total: found.total })
    }

    /// Cancel before picking (after: an interception request, as for
    /// parcels).
    pub async fn cancel_freight(
        &self,
        customer: &CustomerPrincipal,
        kind: OrderKind,
        order_no: &str,
        reason: Option<&str>,
    ) -> Result<FreightDetail, AppError> {
        self.cancel_order_of_kind(customer, order_no, reason, kind).await?;
        self.freight_detail(Viewer::Customer(customer), kind, order_no).await
    }

    /// Carton labels of a packed transfer or B2B order (100×150 mm by
    /// default: FBA's size), each with the destination and shipment id.
    pub async fn carton_labels(
        &self,
        viewer: Viewer<'_>,
        kind: OrderKind,
        order_no: &str,
        size: haicang_print::LabelSize,
    ) -> Result<Vec<u8>, AppError> {
        let d = self.freight_detail(viewer, kind, order_no).await?;
        let cartons = packed_cartons(&d.boxes);
        if cartons.is_empty() {
            return Err(AppError::NotPacked(d.order.order_no.clone()));
        }
        let ship_to = destination_text(&d.order);
        let count = cartons.len();
        let labels: Vec<haicang_print::BoxLabel> = cartons
            .into_iter()
            .map(|PackedCarton { head: b, items }| haicang_print::BoxLabel {
                scan_code: b.scan_code.clone(),
                order_no: d.order.order_no.clone(),
                box_no: b.seq.to_string(),
                box_index: b.seq as usize,
                box_count: count,
                warehouse_code: d.order.warehouse_code.clone(),
                customer_code: d.order.customer_code.clone(),
                items,
                shipment: Some(ship_to.clone()),
            })
            .collect();
        crate::print_off_thread(move || haicang_print::box_labels(size, &labels)).await
    }

    /// The packing list of a packed transfer or B2B order (A4 PDF).
    pub async fn packing_list(&self, viewer: Viewer<'_>, kind: OrderKind, order_no: &str) -> Result<Vec<u8>, AppError> {
        let d = self.freight_detail(viewer, kind, order_no).await?;
        if d.boxes.is_empty() {
            return Err(AppError::NotPacked(d.order.order_no.clone()));
        }
        let cartons = packed_cartons(&d.boxes);
        let units: i64 = d.boxes.iter().map(|b| b.quantity).sum();
        let grams: i64 = cartons.iter().map(|c| c.head.weight_g).sum();
        let mut lines = Vec::new();
        for PackedCarton { head: b, items } in &cartons {
            let measures = format!(
                "{}×{}×{} cm {:.2} kg",
                b.length_mm as f64 / 10.0,
                b.width_mm as f64 / 10.0,
                b.height_mm as f64 / 10.0,
                b.weight_g as f64 / 1000.0
            );
            for (i, (sku, quantity)) in items.iter().enumerate() {
                lines.push(haicang_print::PackingLine {
                    carton: b.scan_code.clone(),
                    sku: sku.clone(),
                    quantity: *quantity,
                    measures: (i == 0).then(|| measures.clone()),
                });
            }
        }
        let cartons = cartons.len();
        let list = haicang_print::PackingList {
            order_no: d.order.order_no.clone(),
            customer: d.order.customer_code.clone(),
            from: d.order.warehouse_code.clone(),
            to: destination_text(&d.order),
            reference: d.order.customer_reference.clone(),
            lines,
            totals: vec![
                ("Cartons".into(), cartons.to_string()),
                ("Units".into(), units.to_string()),
                ("Gross weight".into(), format!("{:.2} kg", grams as f64 / 1000.0)),
            ],
        };
        crate::print_off_thread(move || haicang_print::packing_list(&list)).await
    }
}

/// A packed carton: its first row (scan code, sequence, measures) and
/// what it holds, SKU by SKU.
pub struct PackedCarton<'a> {
    pub head: &'a OutboundBoxRow,
    pub items: Vec<(String, i64)>,
}

/// The rows of a packed order (one per carton × SKU, in carton order) as
/// cartons: what labels, the packing list and the views show.
pub fn packed_cartons(rows: &[OutboundBoxRow]) -> Vec<PackedCarton<'_>> {
    let mut cartons: Vec<PackedCarton<'_>> = Vec::new();
    for row in rows {
        let item = (row.sku.clone(), row.quantity);
        match cartons.last_mut() {
            Some(last) if last.head.seq == row.seq => last.items.push(item),
            _ => cartons.push(PackedCarton { head: row, items: vec![item] }),
        }
    }
    cartons
}

/// Where an order's cartons go, as labels print it.
fn destination_text(order: &OutboundOrderRow) -> String {
    match (&order.to_warehouse_code, &order.destination_platform, &order.shipment_id) {
        (Some(w), _, _) => format!("haicang {w}"),
        (None, Some(p), Some(s)) => format!("{p} {s}"),
        _ => order.customer_reference.clone(),
    }
}

/// A lot's (batch number, production date, expiry date).
type LotDates = (Option<String>, Option<String>, Option<String>);

/// In the shipping transaction of a transfer to a warehouse: the
/// receiving leg at the destination, an inbound order with the transfer's
/// number whose lines are the shipped units carton by carton (batch and
/// dates of the lot they came from, when one lot gave all of a SKU).
/// Returns the leg's id.
pub(crate) async fn open_receiving_leg(
    tx: &mut WriteTx,
    order: &OutboundOrderRow,
    allocations: &[AllocationRow],
    operator: &str,
    now: i64,
) -> Result<i64, AppError> {
    let to = order.to_warehouse_id.ok_or_else(|| AppError::OutboundNotFound(order.order_no.clone()))?;
    let boxes = store::boxes_of_order(tx.conn(), order.outbound_order_id).await?;
    let units: i64 = allocations.iter().map(|a| a.stop.picked).sum();
    let box_count = boxes.iter().map(|b| b.seq).collect::<std::collections::BTreeSet<_>>().len() as i64;
    let reference = format!("TRANSFER:{}", order.order_no);
    // Cartons packed to a plan, and sealed cartons shipped whole, arrive
    // as sealed cartons.
    let keep_sealed = !store::carton_plan(tx.conn(), order.outbound_order_id).await?.is_empty()
        || !haicang_store::cartons::of_order(tx.conn(), order.outbound_order_id).await?.is_empty();
    let leg = inbound_store::insert_order(
        tx,
        &NewInboundOrder {
            order_no: &order.order_no,
            customer_id: order.customer_id,
            warehouse_id: to,
            customer_reference: &reference,
            request_hash: "",
            inbound_type: InboundType::Carton.as_str(),
            mode: InboundMode::Standard.as_str(),
            forecast: false,
            status: InboundStatus::Submitted.as_str(),
            expected_arrival: None,
            carrier: order.carrier.as_deref(),
            tracking_no: order.tracking_no.as_deref(),
            note: Some(&format!("transfer from {}", order.warehouse_code)),
            box_count,
            unit_count: units,
            origin: Some(OrderKind::Transfer.as_str()),
            // Cartons packed to the seller's plan arrive as sealed cartons.
            keep_sealed,
            attributes: None,
        },
        now,
    )
    .await?;
    // A SKU's batch travels when one lot gave all its units.
    let mut lots: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for a in allocations.iter().filter(|a| a.stop.picked > 0) {
        let l = lots.entry(a.product_id).or_default();
        if !l.contains(&a.lot_id) {
            l.push(a.lot_id);
        }
    }
    let mut batch_of: BTreeMap<i64, LotDates> = BTreeMap::new();
    for (product_id, ids) in &lots {
        if let [lot_id] = ids.as_slice() {
            batch_of.insert(*product_id, haicang_store::stock::lot_dates(tx.conn(), *lot_id).await?);
        }
    }
    let mut box_ids: BTreeMap<i64, i64> = BTreeMap::new();
    for (i, b) in boxes.iter().enumerate() {
        let line_no = i as i64 + 1;
        let box_id = match box_ids.get(&b.seq) {
            Some(id) => *id,
            None => {
                let box_no = b.seq.to_string();
                let id = inbound_store::insert_box(
                    tx,
                    leg,
                    to,
                    &NewBox {
                        seq: b.seq,
                        box_no: &box_no,
                        scan_code: &b.scan_code,
                        barcode: None,
                        length_mm: b.length_mm,
                        width_mm: b.width_mm,
                        height_mm: b.height_mm,
                        weight_g: b.weight_g,
                    },
                )
                .await?;
                box_ids.insert(b.seq, id);
                id
            }
        };
        // The destination lists the SKU (in transit) from now on.
        let item = haicang_store::stock::Item {
            customer_id: order.customer_id,
            warehouse_id: to,
            product_id: b.product_id,
            condition: haicang_core::ledger::Condition::Good,
        };
        haicang_store::stock::ensure_summary(tx, item, now).await?;
        let (batch, production, expiry) = batch_of.get(&b.product_id).cloned().unwrap_or_default();
        inbound_store::insert_line(
            tx,
            leg,
            &NewLine {
                box_id: Some(box_id),
                line_no,
                product_id: b.product_id,
                quantity: b.quantity,
                batch_no: batch.as_deref(),
                production_date: production.as_deref(),
                expiry_date: expiry.as_deref(),
                serials: None,
            },
        )
        .await?;
    }
    inbound_store::add_history(tx, leg, InboundStatus::Submitted.as_str(), operator, Some("shipped by transfer"), now)
        .await?;
    store::set_inbound_leg(tx, order.outbound_order_id, leg).await?;
    Ok(leg)
}

/// In the transaction that closes a transfer leg's receipt: the seller
/// hears `transfer.received` with what was shipped and what was counted.
pub(crate) async fn leg_received(tx: &mut WriteTx, leg: &InboundOrderRow, now: i64) -> Result<(), AppError> {
    let Some(order) = store::transfer_of_leg(tx, leg.inbound_order_id).await? else {
        return Ok(());
    };
    let mut skus: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for l in inbound_store::lines(tx.conn(), leg.inbound_order_id).await? {
        skus.entry(l.sku).or_default().0 += l.quantity;
    }
    for r in inbound_store::receipts(tx.conn(), leg.inbound_order_id).await? {
        let e = skus.entry(r.sku).or_default();
        e.1 += r.good;
        e.2 += r.defective;
    }
    let sku_list: Vec<serde_json::Value> = skus
        .iter()
        .map(|(sku, (shipped, good, defective))| {
            json!({"sku": sku, "shipped": shipped, "received": good, "defective": defective,
                   "difference": good + defective - shipped})
        })
        .collect();
    let data = json!({"orderNo": order.order_no, "erpNo": order.customer_reference,
                      "fromWarehouseCode": order.warehouse_code, "toWarehouseCode": leg.warehouse_code,
                      "status": TransferStatus::Received.as_str(), "skuList": sku_list});
    let owner = (order.customer_id, order.customer_code.as_str());
    events::emit(tx, owner, TRANSFER_RECEIVED, &leg.warehouse_code, data, now).await?;
    Ok(())
}
