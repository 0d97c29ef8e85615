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
use haicang_core::putaway::{self, Content, Incoming, Reason, Slot};
use haicang_print::{BoxLabel, LabelSize};
use haicang_store::inbound::{
    self as store, BoxRow, HistoryRow, InboundFilter, InboundOrderRow, LineRow, NewBox, NewInboundOrder, NewLine,
    NewPutaway, NewReceipt, PutawayRow, ReceiptRow, StatusChange,
};
use haicang_store::product::{self as products, ProductRow};
use haicang_store::stock::{self, DocumentRef, Item, Place};
use haicang_store::warehouse::{self, LocationRow};
use haicang_store::{WriteTx, sequence};

use crate::events;
use crate::warehouses::warehouse_for;
use crate::{
    App, AppError, Created, CustomerPrincipal, Page, PageRequest, StaffPrincipal, Viewer, day_code, idempotency, now_ms,
};

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
struct Waiting {
    product_id: i64,
    sku: String,
    lot_id: i64,
    lot_code: String,
    condition: Condition,
    quantity: i64,
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

impl App {
    /// Creates an order, or answers the existing one when the same request
    /// comes again (`false`): the seller's reference is the idempotency key.
    pub async fn create_inbound(
        &self,
        customer: &CustomerPrincipal,
        cmd: &CreateInbound,
    ) -> Result<Created<InboundStatus>, AppError> {
        let (kind, mode, contents) = cmd.check()?;
        let hash = idempotency::fingerprint(cmd);
        self.retrying(|| self.create_inbound_once(customer, cmd, kind, mode, &contents, &hash)).await
    }

    async fn create_inbound_once(
        &self,
        customer: &CustomerPrincipal,
        cmd: &CreateInbound,
        kind: InboundType,
        mode: InboundMode,
        contents: &Contents,
        hash: &str,
    ) -> Result<Created<InboundStatus>, AppError> {
        let now = now_ms();
        let reference = cmd.customer_reference.trim();
        let mut tx = self.store.begin_write().await?;
        if let Some(existing) = store::find_by_reference(&mut tx, customer.customer_id, reference).await? {
            return if idempotency::same_request(&existing.request_hash, cmd) {
                Ok(Created { order_no: existing.order_no, status: existing.status, created: false })
            } else {
                Err(AppError::InboundReferenceConflict(reference.to_owned()))
            };
        }
        let w = warehouse_for(tx.conn(), Viewer::Customer(customer), &cmd.warehouse_code).await?;
        if w.status != "ENABLED" {
            return Err(AppError::WarehouseNotFound(cmd.warehouse_code.clone()));
        }
        if w.accepting_orders == 0 {
            return Err(AppError::WarehouseNotAccepting(w.code));
        }
        let items: Vec<&ItemDraft> = match contents {
            Contents::Boxes(boxes) => boxes.iter().flat_map(|b| &b.items).collect(),
            Contents::Forecast(lines) => lines.iter().collect(),
        };
        let products = known_products(&mut tx, customer.customer_id, items.iter().map(|i| i.sku.as_str())).await?;
        for item in &items {
            let p = &products[item.sku.as_str()];
            if p.batch_managed != 0 && item.batch_no.is_none() && item.expiry_date.is_none() {
                return Err(AppError::BatchRequired { sku: p.sku.clone() });
            }
            if p.serial_managed == 0 && !item.serials.is_empty() {
                return Err(AppError::SerialMismatch {
                    sku: p.sku.clone(),
                    reason: "the SKU is not serial managed".into(),
                });
            }
        }
        if let Contents::Boxes(boxes) = contents {
            let barcodes: Vec<String> = boxes.iter().filter_map(|b| b.barcode.clone()).collect();
            if let Some(taken) = store::barcodes_taken(&mut tx, w.warehouse_id, &barcodes).await?.into_iter().next() {
                return Err(AppError::Inbound(InboundError::DuplicateBoxBarcode(taken)));
            }
        }
        let day = day_code(now);
        let seq = sequence::next_value(tx.conn(), DocumentType::Inbound.prefix(), &day).await?;
        let order_no = format_document_no(DocumentType::Inbound, &day, seq);
        let status = if cmd.draft { InboundStatus::Draft } else { InboundStatus::Submitted };
        let (box_count, unit_count) = match contents {
            Contents::Boxes(b) => (b.len() as i64, items.iter().map(|i| i.quantity).sum()),
            Contents::Forecast(_) => (0, items.iter().map(|i| i.quantity).sum()),
        };
        let order_id = store::insert_order(
            &mut tx,
            &NewInboundOrder {
                order_no: &order_no,
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                customer_reference: reference,
                request_hash: hash,
                inbound_type: kind.as_str(),
                mode: mode.as_str(),
                forecast: matches!(contents, Contents::Forecast(_)),
                status: status.as_str(),
                expected_arrival: trimmed(&cmd.expected_arrival).as_deref(),
                carrier: trimmed(&cmd.carrier).as_deref(),
                tracking_no: trimmed(&cmd.tracking_no).as_deref(),
                note: trimmed(&cmd.note).as_deref(),
                box_count,
                unit_count,
            },
            now,
        )
        .await
        .map_err(|e| match e {
            // Two identical requests raced: the loser retries and finds the
            // winner's order.
            haicang_store::StoreError::Duplicate(m) => AppError::Store(haicang_store::StoreError::Conflict(m)),
            other => AppError::Store(other),
        })?;
        store::add_history(&mut tx, order_id, status.as_str(), &customer_operator(customer), None, now).await?;
        let mut line_no = 0;
        let mut add_lines = async |tx: &mut WriteTx, box_id: Option<i64>, lines: &[ItemDraft]| {
            for item in lines {
                line_no += 1;
                let serials = (!item.serials.is_empty()).then(|| json!(item.serials).to_string());
                store::insert_line(
                    tx,
                    order_id,
                    &NewLine {
                        box_id,
                        line_no,
                        product_id: products[item.sku.as_str()].product_id,
                        quantity: item.quantity,
                        batch_no: trimmed(&item.batch_no).as_deref(),
                        production_date: trimmed(&item.production_date).as_deref(),
                        expiry_date: trimmed(&item.expiry_date).as_deref(),
                        serials: serials.as_deref(),
                    },
                )
                .await?;
            }
            Ok::<(), AppError>(())
        };
        match contents {
            Contents::Boxes(boxes) => {
                for (i, b) in boxes.iter().enumerate() {
                    let scan_code = format!("{order_no}-{:03}", i + 1);
                    let box_id = store::insert_box(
                        &mut tx,
                        order_id,
                        w.warehouse_id,
                        &NewBox {
                            seq: i as i64 + 1,
                            box_no: &b.box_no,
                            scan_code: &scan_code,
                            barcode: b.barcode.as_deref(),
                            length_mm: b.length_mm,
                            width_mm: b.width_mm,
                            height_mm: b.height_mm,
                            weight_g: b.weight_g,
                        },
                    )
                    .await?;
                    add_lines(&mut tx, Some(box_id), &b.items).await?;
                }
            }
            Contents::Forecast(lines) => add_lines(&mut tx, None, lines).await?,
        }
        // Goods in transit show in the seller's stock list from now on.
        for p in products.values() {
            let item = Item {
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                product_id: p.product_id,
                condition: Condition::Good,
            };
            stock::ensure_summary(&mut tx, item, now).await?;
        }
        tx.commit().await?;
        Ok(Created { order_no, status, created: true })
    }

    /// Sends a DRAFT order to the warehouse.
    pub async fn submit_inbound(&self, customer: &CustomerPrincipal, order_no: &str) -> Result<(), AppError> {
        self.seller_step(customer, order_no, InboundAction::Submit, None, StatusChange::default()).await
    }

    /// Cancels an order the warehouse has not received yet.
    pub async fn cancel_inbound(
        &self,
        customer: &CustomerPrincipal,
        order_no: &str,
        reason: Option<&str>,
    ) -> Result<(), AppError> {
        if reason.is_some_and(|r| r.chars().count() > rules::NOTE_CHARS_MAX) {
            return Err(AppError::Inbound(InboundError::TooLong { field: "reason", max: rules::NOTE_CHARS_MAX }));
        }
        self.seller_step(customer, order_no, InboundAction::Cancel, reason, StatusChange::default()).await
    }

    /// Changes carrier and tracking number while the goods are on the way.
    pub async fn update_inbound_tracking(
        &self,
        customer: &CustomerPrincipal,
        order_no: &str,
        carrier: Option<&str>,
        tracking_no: &str,
    ) -> Result<(), AppError> {
        let tracking_no = tracking_no.trim();
        if tracking_no.is_empty() {
            return Err(AppError::MissingParam { field: "trackingNo" });
        }
        rules::check_tracking_no(Some(tracking_no))?;
        if carrier.is_some_and(|c| c.chars().count() > rules::CARRIER_CHARS_MAX) {
            return Err(AppError::Inbound(InboundError::TooLong { field: "carrier", max: rules::CARRIER_CHARS_MAX }));
        }
        let change = StatusChange { carrier, tracking_no: Some(tracking_no), ..StatusChange::default() };
        let note = format!("tracking no {tracking_no}");
        self.seller_step(customer, order_no, InboundAction::UpdateTracking, Some(&note), change).await
    }

    async fn seller_step(
        &self,
        customer: &CustomerPrincipal,
        order_no: &str,
        action: InboundAction,
        note: Option<&str>,
        change: StatusChange<'_>,
    ) -> Result<(), AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked_order(&mut tx, order_no, Viewer::Customer(customer)).await?;
            let next = step(&order, action)?;
            let operator = customer_operator(customer);
            store::change_status(
                &mut tx,
                order.inbound_order_id,
                order.status.as_str(),
                next.as_str(),
                &change,
                &operator,
                note,
                now,
            )
            .await?;
            // A step that keeps the status (a new tracking number) is
            // still history.
            if next == order.status {
                store::add_history(&mut tx, order.inbound_order_id, next.as_str(), &operator, note, now).await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// An order with its boxes, counts, putaways, history and
    /// discrepancies; `customer` scopes a seller's look-up.
    pub async fn inbound_detail(&self, viewer: Viewer<'_>, order_no: &str) -> Result<InboundDetail, AppError> {
        let mut conn = self.store.read().await?;
        let order = store::find_order(&mut conn, order_no, viewer.customer_id())
            .await?
            .ok_or_else(|| AppError::InboundNotFound(order_no.to_owned()))?;
        viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        let id = order.inbound_order_id;
        let boxes = store::boxes(&mut conn, id).await?;
        let lines = store::lines(&mut conn, id).await?;
        let receipts = store::receipts(&mut conn, id).await?;
        let putaways = store::putaways(&mut conn, id).await?;
        let history = store::history(&mut conn, id).await?;
        drop(conn);
        let box_no = |box_id: Option<i64>| {
            box_id.and_then(|id| boxes.iter().find(|b| b.inbound_box_id == id)).map(|b| b.box_no.as_str())
        };
        let expected: Vec<(Option<&str>, &str, i64)> =
            lines.iter().map(|l| (box_no(l.inbound_box_id), l.sku.as_str(), l.quantity)).collect();
        let counted: Vec<rules::Count<'_>> =
            receipts.iter().map(|r| (box_no(r.inbound_box_id), r.sku.as_str(), r.good, r.defective)).collect();
        let closed =
            matches!(order.status, InboundStatus::Received | InboundStatus::PuttingAway | InboundStatus::PutawayDone);
        let discrepancies = rules::discrepancies(&expected, &counted, closed);
        let mut skus: BTreeMap<String, SkuProgress> = BTreeMap::new();
        for l in &lines {
            progress(&mut skus, &l.sku).expected += l.quantity;
        }
        for r in &receipts {
            let p = progress(&mut skus, &r.sku);
            p.received_good += r.good;
            p.received_defective += r.defective;
        }
        for a in &putaways {
            progress(&mut skus, &a.sku).put_away += a.quantity;
        }
        let skus = skus.into_values().collect();
        Ok(InboundDetail { order, boxes, lines, receipts, putaways, history, skus, discrepancies })
    }

    /// A seller's orders, or for staff every seller's in their warehouses.
    pub async fn list_inbound(
        &self,
        viewer: Viewer<'_>,
        filter: &InboundFilter,
        page: PageRequest,
    ) -> Result<Page<InboundOrderRow>, AppError> {
        self.check_named_warehouse(viewer, filter.warehouse_code.as_deref()).await?;
        let scope = viewer.list_scope();
        let (rows, total) = store::list_orders(&mut *self.store.read().await?, &scope, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    /// One label per box, as a PDF.
    pub async fn inbound_labels(
        &self,
        viewer: Viewer<'_>,
        order_no: &str,
        size: LabelSize,
    ) -> Result<Vec<u8>, AppError> {
        let detail = self.inbound_detail(viewer, order_no).await?;
        if detail.boxes.is_empty() {
            return Err(AppError::Inbound(InboundError::NoItems));
        }
        let count = detail.boxes.len();
        let labels: Vec<BoxLabel> = detail
            .boxes
            .iter()
            .map(|b| BoxLabel {
                scan_code: b.scan_code.clone(),
                order_no: detail.order.order_no.clone(),
                box_no: b.box_no.clone(),
                box_index: b.seq as usize,
                box_count: count,
                warehouse_code: detail.order.warehouse_code.clone(),
                customer_code: detail.order.customer_code.clone(),
                items: detail
                    .lines
                    .iter()
                    .filter(|l| l.inbound_box_id == Some(b.inbound_box_id))
                    .map(|l| (l.sku.clone(), l.quantity))
                    .collect(),
            })
            .collect();
        // Drawing a few thousand labels takes a while: keep it off the
        // request threads.
        tokio::task::spawn_blocking(move || haicang_print::box_labels(size, &labels))
            .await
            .map_err(|e| AppError::Print(e.to_string()))?
            .map_err(|e| AppError::Print(e.to_string()))
    }

    // ------------------------------------------------------------ staff

    /// The goods are at the dock: found by order number, box code or
    /// tracking number. Received goods will sit at `dock_code` (default: the
    /// warehouse's first RECEIVING location).
    pub async fn arrive_inbound(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: Option<&str>,
        code: &str,
        dock_code: Option<&str>,
    ) -> Result<String, AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let code = code.trim();
            let order_no = match store::find_order(tx.conn(), code, None).await? {
                Some(o) => o.order_no,
                None => store::order_no_by_scan(&mut tx, warehouse_code, code)
                    .await?
                    .ok_or_else(|| AppError::InboundNotFound(code.to_owned()))?,
            };
            let order = locked_order(&mut tx, &order_no, Viewer::Staff(staff)).await?;
            let next = step(&order, InboundAction::Arrive)?;
            let dock = match dock_code {
                Some(d) => warehouse::find_location(tx.conn(), order.warehouse_id, &d.trim().to_ascii_uppercase())
                    .await?
                    .ok_or_else(|| AppError::LocationNotFound(d.to_owned()))?,
                None => warehouse::first_of_type(tx.conn(), order.warehouse_id, LocationType::Receiving.as_str())
                    .await?
                    .ok_or_else(|| AppError::LocationNotFound("RECEIVING".into()))?,
            };
            if dock.location_type != LocationType::Receiving {
                return Err(AppError::LocationNotAllowed {
                    location: dock.code,
                    reason: "received goods wait in a RECEIVING location".into(),
                });
            }
            let change = StatusChange {
                arrived_at: Some(now),
                receiving_location_id: Some(dock.location_id),
                ..Default::default()
            };
            store::change_status(
                &mut tx,
                order.inbound_order_id,
                order.status.as_str(),
                next.as_str(),
                &change,
                &staff.operator(),
                Some(&format!("at {}", dock.code)),
                now,
            )
            .await?;
            tx.commit().await?;
            Ok(order.order_no)
        })
        .await
    }

    /// Records one counted box: good and defective units enter the
    /// receiving location through the ledger, as the order's lot of each
    /// SKU. Differences from the announcement become discrepancies.
    pub async fn receive_inbound(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        cmd: &ReceiveCommand,
    ) -> Result<(), AppError> {
        if cmd.lines.is_empty() {
            return Err(AppError::Inbound(InboundError::NoItems));
        }
        for l in &cmd.lines {
            if l.good < 0
                || l.defective < 0
                || l.good + l.defective == 0
                || l.good + l.defective > rules::LINE_QUANTITY_MAX
            {
                return Err(AppError::Inbound(InboundError::QuantityInvalid { sku: l.sku.clone() }));
            }
            if !l.serials.is_empty() && l.serials.len() as i64 != l.good + l.defective {
                return Err(AppError::SerialMismatch {
                    sku: l.sku.clone(),
                    reason: format!("{} units, {} serial numbers", l.good + l.defective, l.serials.len()),
                });
            }
        }
        let mut skus: Vec<&str> = cmd.lines.iter().map(|l| l.sku.as_str()).collect();
        skus.sort_unstable();
        if skus.windows(2).any(|w| w[0] == w[1]) {
            return Err(AppError::Inbound(InboundError::DuplicateSku {
                box_no: cmd.box_code.clone().unwrap_or_default(),
                sku: skus.windows(2).find(|w| w[0] == w[1]).map(|w| w[0].to_owned()).unwrap_or_default(),
            }));
        }
        self.retrying(|| self.receive_once(staff, order_no, cmd)).await
    }

    async fn receive_once(&self, staff: &StaffPrincipal, order_no: &str, cmd: &ReceiveCommand) -> Result<(), AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let order = locked_order(&mut tx, order_no, Viewer::Staff(staff)).await?;
        let next = step(&order, InboundAction::Receive)?;
        let boxes = store::boxes(tx.conn(), order.inbound_order_id).await?;
        let the_box = match cmd.box_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None if boxes.is_empty() => None,
            None => return Err(AppError::MissingParam { field: "boxNo" }),
            Some(code) => Some(
                boxes
                    .iter()
                    .find(|b| b.box_no == code || b.scan_code == code || b.barcode.as_deref() == Some(code))
                    .ok_or_else(|| AppError::BoxNotFound { order_no: order.order_no.clone(), code: code.to_owned() })?,
            ),
        };
        let announced = store::lines(tx.conn(), order.inbound_order_id).await?;
        let products = known_products(&mut tx, order.customer_id, cmd.lines.iter().map(|l| l.sku.as_str())).await?;
        let dock_id = order.receiving_location_id.ok_or_else(|| refused(&order, InboundAction::Receive))?;
        let dock = warehouse::enabled_locations(tx.conn(), order.warehouse_id)
            .await?
            .into_iter()
            .find(|l| l.location_id == dock_id)
            .ok_or_else(|| AppError::LocationNotFound(format!("#{dock_id}")))?;
        let place = Place { location_id: dock.location_id, code: dock.code.clone() };
        let box_label = the_box.map(|b| format!("box {}", b.box_no));
        for (i, line) in cmd.lines.iter().enumerate() {
            let p = &products[line.sku.as_str()];
            // The announced line gives batch and dates unless staff read
            // others off the goods.
            let announced_line = announced
                .iter()
                .find(|l| l.product_id == p.product_id && l.inbound_box_id == the_box.map(|b| b.inbound_box_id));
            let batch_no = trimmed(&line.batch_no).or_else(|| announced_line.and_then(|l| l.batch_no.clone()));
            let expiry = trimmed(&line.expiry_date).or_else(|| announced_line.and_then(|l| l.expiry_date.clone()));
            let production =
                trimmed(&line.production_date).or_else(|| announced_line.and_then(|l| l.production_date.clone()));
            for (field, date) in [("expiryDate", &expiry), ("productionDate", &production)] {
                if let Some(d) = date {
                    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                        .map_err(|_| AppError::Inbound(InboundError::DateFormat { field }))?;
                }
            }
            if p.batch_managed != 0 && batch_no.is_none() && expiry.is_none() {
                return Err(AppError::BatchRequired { sku: p.sku.clone() });
            }
            if (p.serial_managed != 0) == line.serials.is_empty() {
                let reason = if p.serial_managed != 0 {
                    "scan a serial number per unit"
                } else {
                    "the SKU is not serial managed"
                };
                return Err(AppError::SerialMismatch { sku: p.sku.clone(), reason: reason.into() });
            }
            // A new lot per order and SKU (and batch): its inbound day is
            // the receipt day, which storage days count from.
            let lot_code = match &batch_no {
                Some(b) => format!("{}-{b}", order.order_no),
                None => order.order_no.clone(),
            };
            let lot_id = stock::ensure_lot(
                &mut tx,
                order.customer_id,
                p.product_id,
                &lot_code,
                now,
                batch_no.as_deref(),
                production.as_deref(),
                expiry.as_deref(),
            )
            .await?;
            let doc = DocumentRef {
                document_type: DocumentType::Inbound.as_str().to_owned(),
                document_no: order.order_no.clone(),
                line: i as i64 + 1,
                operator: staff.operator(),
                reason: box_label.clone(),
            };
            let mut serials = line.serials.iter();
            for (condition, units) in [(Condition::Good, line.good), (Condition::Defective, line.defective)] {
                let Some(q) = Quantity::new(units) else { continue };
                let item = Item {
                    customer_id: order.customer_id,
                    warehouse_id: order.warehouse_id,
                    product_id: p.product_id,
                    condition,
                };
                stock::receive(&mut tx, item, VirtualLocation::InboundTransit, &place, lot_id, q, &doc, now).await?;
                if p.serial_managed != 0 {
                    let these: Vec<String> = serials.by_ref().take(units as usize).cloned().collect();
                    let states = stock::serial_states(&mut tx, p.product_id, &these).await?;
                    if let Some((serial, ..)) = states.iter().find(|(_, status, ..)| status == "IN_STOCK") {
                        return Err(AppError::SerialMismatch {
                            sku: p.sku.clone(),
                            reason: format!("{serial} is already in stock"),
                        });
                    }
                    stock::serials_in(&mut tx, item, place.location_id, lot_id, &these, &order.order_no, now).await?;
                }
            }
            store::insert_receipt(
                &mut tx,
                order.inbound_order_id,
                &NewReceipt {
                    box_id: the_box.map(|b| b.inbound_box_id),
                    product_id: p.product_id,
                    lot_id,
                    good: line.good,
                    defective: line.defective,
                    staff_id: staff.staff_id,
                },
                now,
            )
            .await?;
        }
        if let Some(b) = the_box {
            store::mark_box_received(&mut tx, b.inbound_box_id, now).await?;
        }
        store::change_status(
            &mut tx,
            order.inbound_order_id,
            order.status.as_str(),
            next.as_str(),
            &StatusChange::default(),
            &staff.operator(),
            box_label.as_deref(),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends counting: the order is RECEIVED; boxes never counted are short.
    pub async fn close_inbound_receipt(&self, staff: &StaffPrincipal, order_no: &str) -> Result<(), AppError> {
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let order = locked_order(&mut tx, order_no, Viewer::Staff(staff)).await?;
            let next = step(&order, InboundAction::CloseReceipt)?;
            let change = StatusChange { received_at: Some(now), ..Default::default() };
            let operator = staff.operator();
            let id = order.inbound_order_id;
            store::change_status(&mut tx, id, order.status.as_str(), next.as_str(), &change, &operator, None, now)
                .await?;
            // Nothing came at all: nothing will be put away either, so the
            // order ends here (and the seller hears so).
            if store::receipts(tx.conn(), id).await?.is_empty() {
                let done =
                    next.after(InboundAction::PutawayLast).map_err(|_| refused(&order, InboundAction::PutawayLast))?;
                let change = StatusChange { putaway_at: Some(now), ..Default::default() };
                let note = Some("nothing received");
                store::change_status(&mut tx, id, next.as_str(), done.as_str(), &change, &operator, note, now).await?;
                let data = putaway_event_data(&order, true, Vec::new(), now);
                let owner = (order.customer_id, order.customer_code.as_str());
                events::emit(&mut tx, owner, INBOUND_PUTAWAY, &order.warehouse_code, data, now).await?;
            }
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Where the planner would put what waits at the dock.
    pub async fn putaway_plan(&self, staff: &StaffPrincipal, order_no: &str) -> Result<Vec<PlanItem>, AppError> {
        let mut conn = self.store.read().await?;
        let order = store::find_order(&mut conn, order_no, None)
            .await?
            .ok_or_else(|| AppError::InboundNotFound(order_no.to_owned()))?;
        drop(conn);
        staff.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        let waiting = self.waiting(&order).await?;
        self.plan_for(&order, &waiting).await
    }

    async fn waiting(&self, order: &InboundOrderRow) -> Result<Vec<Waiting>, AppError> {
        let mut conn = self.store.read().await?;
        let receipts = store::receipts(&mut conn, order.inbound_order_id).await?;
        let putaways = store::putaways(&mut conn, order.inbound_order_id).await?;
        Ok(waiting_from(&receipts, &putaways))
    }

    async fn plan_for(&self, order: &InboundOrderRow, waiting: &[Waiting]) -> Result<Vec<PlanItem>, AppError> {
        let mut conn = self.store.read().await?;
        let locations = warehouse::enabled_locations(&mut conn, order.warehouse_id).await?;
        let occupancy = store::occupancy(&mut conn, order.warehouse_id).await?;
        let skus: Vec<String> = waiting.iter().map(|w| w.sku.clone()).collect();
        let products = products::products_by_sku(&mut conn, order.customer_id, &skus).await?;
        let boxes = store::boxes(&mut conn, order.inbound_order_id).await?;
        let lines = store::lines(&mut conn, order.inbound_order_id).await?;
        drop(conn);
        let slots = slots_from(&locations, &occupancy);
        let incoming: Vec<Incoming> = waiting
            .iter()
            .map(|w| {
                let p = products.iter().find(|p| p.product_id == w.product_id);
                let (volume, weight) = unit_measures(p, w.product_id, &boxes, &lines);
                Incoming {
                    customer_id: order.customer_id,
                    product_id: w.product_id,
                    lot_id: w.lot_id,
                    condition: w.condition,
                    quantity: w.quantity,
                    unit_volume_cm3: volume,
                    unit_weight_g: weight,
                    restriction: p.and_then(|p| Restriction::required(p.is_battery != 0, p.is_liquid != 0)),
                }
            })
            .collect();
        let plan = tokio::task::spawn_blocking({
            let slots = slots.clone();
            move || putaway::plan(slots, &incoming)
        })
        .await
        .map_err(|e| AppError::Print(e.to_string()))?;
        Ok(plan
            .into_iter()
            .map(|p| {
                let w = &waiting[p.line];
                PlanItem {
                    sku: w.sku.clone(),
                    lot_no: w.lot_code.clone(),
                    condition: w.condition,
                    quantity: p.quantity,
                    location_code: p.slot.map(|i| slots[i].code.clone()),
                    reason: p.reason,
                }
            })
            .collect())
    }

    /// Confirms putaway scans: units move from the dock to the scanned
    /// location through the ledger. The location need not be the proposed
    /// one, but must be allowed for the goods. The last units make the
    /// order PUTAWAY_DONE; each putaway reports `inbound.putaway`.
    pub async fn putaway_inbound(
        &self,
        staff: &StaffPrincipal,
        cmd: &PutawayCommand,
    ) -> Result<InboundStatus, AppError> {
        if cmd.lines.is_empty() {
            return Err(AppError::MissingParam { field: "lines" });
        }
        if cmd.lines.iter().any(|l| l.quantity <= 0 || l.quantity > rules::LINE_QUANTITY_MAX) {
            return Err(AppError::InvalidParam { field: "lines.quantity", reason: "a positive whole number".into() });
        }
        let mut conn = self.store.read().await?;
        let order = store::find_order(&mut conn, cmd.inbound_order_no.trim(), None)
            .await?
            .ok_or_else(|| AppError::InboundNotFound(cmd.inbound_order_no.clone()))?;
        drop(conn);
        // The plan says what would have been proposed, for the record.
        let proposals = self.plan_for(&order, &self.waiting(&order).await?).await?;
        self.retrying(|| self.putaway_once(staff, cmd, &proposals)).await
    }

    async fn putaway_once(
        &self,
        staff: &StaffPrincipal,
        cmd: &PutawayCommand,
        proposals: &[PlanItem],
    ) -> Result<InboundStatus, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let order = locked_order(&mut tx, cmd.inbound_order_no.trim(), Viewer::Staff(staff)).await?;
        step(&order, InboundAction::PutawayPart)?;
        let receipts = store::receipts(tx.conn(), order.inbound_order_id).await?;
        let putaways = store::putaways(tx.conn(), order.inbound_order_id).await?;
        let mut waiting = waiting_from(&receipts, &putaways);
        let dock_id = order.receiving_location_id.ok_or_else(|| refused(&order, InboundAction::PutawayPart))?;
        let locations = warehouse::enabled_locations(tx.conn(), order.warehouse_id).await?;
        let dock = locations
            .iter()
            .find(|l| l.location_id == dock_id)
            .ok_or_else(|| AppError::LocationNotFound(format!("#{dock_id}")))?;
        let from = Place { location_id: dock.location_id, code: dock.code.clone() };
        let skus: Vec<String> = cmd.lines.iter().map(|l| l.sku.clone()).collect();
        let products = products::products_by_sku(tx.conn(), order.customer_id, &skus).await?;
        let mut this_time: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for (i, line) in cmd.lines.iter().enumerate() {
            let p =
                products.iter().find(|p| p.sku == line.sku).ok_or_else(|| AppError::SkuNotFound(line.sku.clone()))?;
            let w = waiting
                .iter_mut()
                .find(|w| {
                    w.product_id == p.product_id && w.lot_code == line.lot_no.trim() && w.condition == line.condition
                })
                .filter(|w| w.quantity >= line.quantity);
            let Some(w) = w else {
                let have = waiting_units(&receipts, &putaways, p.product_id, line.lot_no.trim(), line.condition);
                return Err(AppError::PutawayExceeds {
                    sku: line.sku.clone(),
                    lot_no: line.lot_no.clone(),
                    waiting: have,
                    requested: line.quantity,
                });
            };
            w.quantity -= line.quantity;
            let code = line.location_code.trim().to_ascii_uppercase();
            let target =
                locations.iter().find(|l| l.code == code).ok_or_else(|| AppError::LocationNotFound(code.clone()))?;
            // The planner's own rule, on what the location holds now.
            let held = store::occupancy_of_location(tx.conn(), target.location_id).await?;
            let slot = &slots_from(std::slice::from_ref(target), &held)[0];
            let item = Incoming {
                customer_id: order.customer_id,
                product_id: p.product_id,
                lot_id: w.lot_id,
                condition: line.condition,
                quantity: line.quantity,
                unit_volume_cm3: 0,
                unit_weight_g: 0,
                restriction: Restriction::required(p.is_battery != 0, p.is_liquid != 0),
            };
            putaway::check(slot, &item, putaway::holds_same_lot(slot, &item)).map_err(|reason| {
                AppError::LocationNotAllowed { location: target.code.clone(), reason: reason.to_string() }
            })?;
            let to = Place { location_id: target.location_id, code: target.code.clone() };
            let item = Item {
                customer_id: order.customer_id,
                warehouse_id: order.warehouse_id,
                product_id: p.product_id,
                condition: line.condition,
            };
            let doc = DocumentRef {
                document_type: DocumentType::Inbound.as_str().to_owned(),
                document_no: order.order_no.clone(),
                line: i as i64 + 1,
                operator: staff.operator(),
                reason: Some("putaway".into()),
            };
            let q = Quantity::new(line.quantity)
                .ok_or(AppError::InvalidParam { field: "lines.quantity", reason: "too large".into() })?;
            stock::move_units(&mut tx, item, &from, &to, w.lot_id, q, &doc, now)
                .await
                .map_err(|e| AppError::from_store_for_sku(e, &line.sku))?;
            if p.serial_managed != 0 {
                let serials: Vec<String> = stock::serials_at(&mut tx, item, from.location_id, w.lot_id)
                    .await?
                    .into_iter()
                    .take(line.quantity as usize)
                    .collect();
                stock::serials_moved(&mut tx, p.product_id, &serials, to.location_id, &order.order_no, now).await?;
            }
            let proposed = proposals
                .iter()
                .find(|x| x.sku == line.sku && x.lot_no == w.lot_code && x.condition == line.condition)
                .and_then(|x| x.location_code.as_deref())
                .and_then(|c| locations.iter().find(|l| l.code == c))
                .map(|l| l.location_id);
            store::insert_putaway(
                &mut tx,
                order.inbound_order_id,
                &NewPutaway {
                    product_id: p.product_id,
                    lot_id: w.lot_id,
                    condition: line.condition.as_str(),
                    location_id: target.location_id,
                    proposed_location_id: proposed,
                    quantity: line.quantity,
                    staff_id: staff.staff_id,
                },
                now,
            )
            .await?;
            let e = this_time.entry(line.sku.clone()).or_default();
            if line.condition == Condition::Good {
                e.0 += line.quantity;
            } else {
                e.1 += line.quantity;
            }
        }
        let done = waiting.iter().all(|w| w.quantity == 0);
        let action = if done { InboundAction::PutawayLast } else { InboundAction::PutawayPart };
        let next = step(&order, action)?;
        let change = StatusChange { putaway_at: done.then_some(now), ..Default::default() };
        store::change_status(
            &mut tx,
            order.inbound_order_id,
            order.status.as_str(),
            next.as_str(),
            &change,
            &staff.operator(),
            None,
            now,
        )
        .await?;
        let mut totals: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
        for r in &receipts {
            let t = totals.entry(r.sku.as_str()).or_default();
            t.0 += r.good;
            t.1 += r.defective;
        }
        let sku_list: Vec<serde_json::Value> = this_time
            .iter()
            .map(|(sku, (good, bad))| {
                let (num, bad_num) = totals.get(sku.as_str()).copied().unwrap_or_default();
                json!({"sku": sku, "num": num, "badNum": bad_num, "thisTimeNum": good + bad})
            })
            .collect();
        let data = putaway_event_data(&order, done, sku_list, now);
        events::emit(
            &mut tx,
            (order.customer_id, &order.customer_code),
            INBOUND_PUTAWAY,
            &order.warehouse_code,
            data,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(next)
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

fn progress<'m>(skus: &'m mut BTreeMap<String, SkuProgress>, sku: &str) -> &'m mut SkuProgress {
    skus.entry(sku.to_owned()).or_insert_with(|| SkuProgress {
        sku: sku.to_owned(),
        expected: 0,
        received_good: 0,
        received_defective: 0,
        put_away: 0,
    })
}

fn customer_operator(customer: &CustomerPrincipal) -> String {
    format!("customer:{}", customer.customer_code)
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

fn waiting_units(receipts: &[ReceiptRow], putaways: &[PutawayRow], product_id: i64, lot: &str, c: Condition) -> i64 {
    waiting_from(receipts, putaways)
        .iter()
        .find(|w| w.product_id == product_id && w.lot_code == lot && w.condition == c)
        .map(|w| w.quantity)
        .unwrap_or(0)
}

fn cm3(length_um: i64, width_um: i64, height_um: i64) -> i64 {
    let v = i128::from(length_um) * i128::from(width_um) * i128::from(height_um);
    // µm³ → cm³, rounded up: a unit never takes less room than it needs.
    i64::try_from((v + 999_999_999_999) / 1_000_000_000_000).unwrap_or(i64::MAX)
}

/// Volume (cm³) and weight (g) of one unit: the product's own measures,
/// else the share of a carton it came in, else unknown (0).
fn unit_measures(p: Option<&ProductRow>, product_id: i64, boxes: &[BoxRow], lines: &[LineRow]) -> (i64, i64) {
    let own_volume = p.and_then(|p| Some(cm3(p.length_um?, p.width_um?, p.height_um?)));
    let own_weight = p.and_then(|p| p.weight_mg).map(|mg| (mg + 999) / 1000);
    let carton_share = || {
        let line = lines.iter().find(|l| l.product_id == product_id && l.inbound_box_id.is_some())?;
        let b = boxes.iter().find(|b| Some(b.inbound_box_id) == line.inbound_box_id)?;
        let units: i64 = lines.iter().filter(|l| l.inbound_box_id == line.inbound_box_id).map(|l| l.quantity).sum();
        let volume = b.length_mm * b.width_mm * b.height_mm / 1000;
        Some(((volume + units - 1) / units.max(1), (b.weight_g + units - 1) / units.max(1)))
    };
    match (own_volume, own_weight) {
        (Some(v), Some(w)) => (v, w),
        (v, w) => {
            let share = carton_share();
            (v.or(share.map(|s| s.0)).unwrap_or(0), w.or(share.map(|s| s.1)).unwrap_or(0))
        }
    }
}

/// The warehouse's locations with what they hold, for the planner.
fn slots_from(locations: &[LocationRow], occupancy: &[haicang_store::inbound::OccupancyRow]) -> Vec<Slot> {
    let index: HashMap<i64, usize> = locations.iter().enumerate().map(|(i, l)| (l.location_id, i)).collect();
    let mut slots: Vec<Slot> = locations
        .iter()
        .map(|l| {
            let place = LayoutLocation {
                code: l.code.clone(),
                zone: l.zone.clone(),
                aisle: l.aisle,
                bay: l.bay,
                level: l.level,
                kind: l.location_type,
                x_mm: l.x_mm,
                y_mm: l.y_mm,
                block: l.block,
                capacity_volume_cm3: l.capacity_volume_cm3,
                capacity_weight_g: l.capacity_weight_g,
                restriction: l.restriction.as_deref().and_then(Restriction::parse),
                single_sku: l.single_sku != 0,
            };
            Slot::from_layout(l.location_id, place)
        })
        .collect();
    for o in occupancy {
        let Some(&i) = index.get(&o.location_id) else { continue };
        let slot = &mut slots[i];
        let volume = match (o.length_um, o.width_um, o.height_um) {
            (Some(l), Some(w), Some(h)) => cm3(l, w, h),
            _ => 0,
        };
        slot.used_volume_cm3 += volume.saturating_mul(o.quantity);
        slot.used_weight_g += o.weight_mg.map(|mg| (mg + 999) / 1000).unwrap_or(0).saturating_mul(o.quantity);
        let content =
            Content { customer_id: o.customer_id, product_id: o.product_id, lot_id: o.lot_id, condition: o.condition };
        if !slot.contents.contains(&content) {
            slot.contents.push(content);
        }
    }
    slots
}
