//! Returns (RMA): a seller announces a return (idempotent by its RMA
//! number), or the dock registers a parcel nobody announced; staff arrive
//! it by scan, grade it unit group by unit group into the RETURNS location
//! (each grade a receipt from `@CUSTOMER_RETURNED` in the graded
//! condition), and complete it: QUARANTINE units move to a quarantine
//! location, DISPOSE units leave for `@SCRAP`, RESTOCK units wait at the
//! returns bench for a move to where the putaway planner proposes (the
//! detail lists the proposal). RETURN_TO_SELLER units are reserved as they
//! are graded (no order can promise them) and leave the bench by a
//! ship-back to the seller's return address. `return.completed` carries
//! what JF's `return` webhook does, with the discrepancies against the
//! announcement.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;

use haicang_core::document::DocumentType;
use haicang_core::ledger::{Condition, Quantity, VirtualLocation};
use haicang_core::location::LocationType;
use haicang_core::outbound::Recipient;
use haicang_core::returns::{self as rules, Disposition, ReturnAction, ReturnStatus};
use haicang_core::text::char_len;
use haicang_store::outbound as orders;
use haicang_store::product as products;
use haicang_store::returns::{
    self as store, GradeRow, NewGrade, NewReturn, ReturnFilter, ReturnLineRow, ReturnOrderRow,
};
use haicang_store::stock::{self, DocumentRef, Item, Place};
use haicang_store::warehouse;
use haicang_store::{WriteTx, party, sequence};

use crate::inbound::{PlanItem, Waiting, unit_measures};
use crate::warehouses::{enabled_warehouse_for, ordering_warehouse};
use crate::{
    App, AppError, Created, CustomerPrincipal, Page, PageRequest, StaffPrincipal, Viewer, day_code, events,
    idempotency, now_ms,
};

pub const RETURN_COMPLETED: &str = "return.completed";
pub const RETURN_SHIPPED_BACK: &str = "return.shipped_back";

/// A seller's announcement.
#[derive(Debug, Clone, Serialize)]
pub struct AnnounceReturn {
    pub warehouse_code: String,
    pub customer_reference: String,
    pub original_order_no: Option<String>,
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    pub reason: Option<String>,
    pub items: Vec<(String, i64)>,
    /// Where RETURN_TO_SELLER units go (any country).
    pub return_address: Option<Recipient>,
}

/// `POST /ops/return-orders/{no}/ship-back`: the parcel taking the
/// RETURN_TO_SELLER units back.
#[derive(Debug, Clone)]
pub struct ShipBack {
    pub tracking_no: String,
    pub carrier: String,
    /// Overrides the announced return address.
    pub recipient: Option<Recipient>,
}

/// A parcel at the dock that nobody announced: whose it is comes from the
/// customer code, the original order or its tracking number.
#[derive(Debug, Clone)]
pub struct RegisterReturn {
    pub warehouse_code: String,
    pub customer_code: Option<String>,
    pub original_order_no: Option<String>,
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct GradeLine {
    pub sku: String,
    pub quantity: i64,
    pub condition: Condition,
    pub disposition: Disposition,
    pub serial: Option<String>,
    pub note: Option<String>,
}

/// A return with its lines and grades.
#[derive(Debug, Clone)]
pub struct ReturnDetail {
    pub order: ReturnOrderRow,
    pub lines: Vec<ReturnLineRow>,
    pub grades: Vec<GradeRow>,
    /// Per SKU: (announced, graded), for every SKU where they differ.
    pub discrepancies: Vec<(String, i64, i64)>,
    /// Staff only: where the planner would put the RESTOCK units still at
    /// the returns bench.
    pub putaway: Vec<PlanItem>,
}

fn text_field(field: &'static str, value: &Option<String>, max: usize) -> Result<Option<String>, AppError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if char_len(v) > max => {
            Err(AppError::InvalidParam { field, reason: format!("at most {max} characters") })
        }
        Some(v) => Ok(Some(v.to_owned())),
    }
}

impl AnnounceReturn {
    fn check(&self) -> Result<(), AppError> {
        if self.warehouse_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "warehouseCode" });
        }
        let reference = self.customer_reference.trim();
        if reference.is_empty() {
            return Err(AppError::MissingParam { field: "customerReference" });
        }
        text_field("customerReference", &Some(reference.to_owned()), rules::REFERENCE_CHARS_MAX)?;
        for (field, value) in [
            ("originalOrderNo", &self.original_order_no),
            ("trackingNo", &self.tracking_no),
            ("carrier", &self.carrier),
            ("reason", &self.reason),
        ] {
            text_field(field, value, rules::TEXT_CHARS_MAX)?;
        }
        if let Some(address) = &self.return_address {
            check_address(address)?;
        }
        check_items(&self.items)
    }
}

/// A return address may be in any country (the seller's own, often not
/// the warehouse's); otherwise the outbound recipient's rules hold.
fn check_address(address: &Recipient) -> Result<(), AppError> {
    Ok(address.check(address.country.trim())?)
}

impl ShipBack {
    fn check(&self) -> Result<(String, String), AppError> {
        let tracking = text_field("trackingNo", &Some(self.tracking_no.clone()), rules::REFERENCE_CHARS_MAX)?
            .ok_or(AppError::MissingParam { field: "trackingNo" })?;
        let carrier = text_field("carrier", &Some(self.carrier.clone()), rules::REFERENCE_CHARS_MAX)?
            .ok_or(AppError::MissingParam { field: "carrier" })?;
        if let Some(address) = &self.recipient {
            check_address(address)?;
        }
        Ok((tracking, carrier))
    }
}

fn check_items(items: &[(String, i64)]) -> Result<(), AppError> {
    if items.is_empty() {
        return Err(AppError::MissingParam { field: "items" });
    }
    if items.len() > rules::LINES_MAX {
        return Err(AppError::InvalidParam { field: "items", reason: format!("at most {}", rules::LINES_MAX) });
    }
    let mut seen = std::collections::BTreeSet::new();
    for (sku, q) in items {
        if !(1..=rules::LINE_QUANTITY_MAX).contains(q) {
            return Err(AppError::InvalidParam {
                field: "items.quantity",
                reason: format!("1 to {}", rules::LINE_QUANTITY_MAX),
            });
        }
        if !seen.insert(sku.trim()) {
            return Err(AppError::InvalidParam { field: "items.sku", reason: format!("{sku} twice") });
        }
    }
    Ok(())
}

fn refused(order: &ReturnOrderRow, action: ReturnAction) -> AppError {
    AppError::ReturnStatus { order_no: order.order_no.clone(), status: order.status, action }
}

async fn locked(tx: &mut WriteTx, order_no: &str, viewer: Viewer<'_>) -> Result<ReturnOrderRow, AppError> {
    let order = store::lock_order(tx, order_no.trim(), viewer.customer_id())
        .await?
        .ok_or_else(|| AppError::ReturnNotFound(order_no.trim().to_owned()))?;
    viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
    Ok(order)
}

async fn next_return_no(tx: &mut WriteTx, now: i64) -> Result<String, AppError> {
    let day = day_code(now);
    let seq = sequence::next_value(tx.conn(), DocumentType::Return.prefix(), &day).await?;
    Ok(haicang_core::document::format_document_no(DocumentType::Return, &day, seq))
}

impl App {
    /// `POST /return-orders`: the same request again answers the same
    /// order; the same RMA number with other contents is a conflict.
    pub async fn announce_return(
        &self,
        customer: &CustomerPrincipal,
        cmd: &AnnounceReturn,
    ) -> Result<Created<ReturnStatus>, AppError> {
        cmd.check()?;
        let hash = idempotency::fingerprint(cmd);
        self.retrying(|| self.announce_once(customer, cmd, &hash)).await
    }

    async fn announce_once(
        &self,
        customer: &CustomerPrincipal,
        cmd: &AnnounceReturn,
        hash: &str,
    ) -> Result<Created<ReturnStatus>, AppError> {
        let now = now_ms();
        let reference = cmd.customer_reference.trim();
        let mut tx = self.store.begin_write().await?;
        if let Some(existing) = store::find_by_reference(tx.conn(), customer.customer_id, reference).await? {
            return if idempotency::same_request(&existing.content_hash, cmd) {
                Ok(Created { order_no: existing.order_no, status: existing.status, created: false })
            } else {
                Err(AppError::ReturnReferenceConflict(reference.to_owned()))
            };
        }
        let w = ordering_warehouse(tx.conn(), customer, &cmd.warehouse_code).await?;
        let mut products = Vec::with_capacity(cmd.items.len());
        for (sku, quantity) in &cmd.items {
            let p = products::find_product(tx.conn(), customer.customer_id, sku.trim())
                .await?
                .ok_or_else(|| AppError::SkuNotFound(sku.trim().to_owned()))?;
            products.push((p.product_id, *quantity));
        }
        let order_no = next_return_no(&mut tx, now).await?;
        let return_address = cmd.return_address.as_ref().map(|a| serde_json::to_string(a).unwrap_or_default());
        let id = store::insert_order(
            &mut tx,
            &NewReturn {
                order_no: &order_no,
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                customer_reference: Some(reference),
                original_order_no: cmd.original_order_no.as_deref().map(str::trim),
                tracking_no: cmd.tracking_no.as_deref().map(str::trim),
                carrier: cmd.carrier.as_deref().map(str::trim),
                reason: cmd.reason.as_deref().map(str::trim),
                announced: true,
                content_hash: hash,
                status: ReturnStatus::Announced,
                return_address: return_address.as_deref(),
            },
            now,
        )
        .await?;
        for (i, (product_id, quantity)) in products.iter().enumerate() {
            store::insert_line(&mut tx, id, i as i64 + 1, *product_id, *quantity).await?;
        }
        tx.commit().await?;
        Ok(Created { order_no, status: ReturnStatus::Announced, created: true })
    }

    /// `POST /return-orders/{no}/cancel`: before the parcel arrives.
    pub async fn cancel_return(&self, customer: &CustomerPrincipal, order_no: &str) -> Result<ReturnStatus, AppError> {
        self.retrying(|| async {
            let mut tx = self.store.begin_write().await?;
            let order = locked(&mut tx, order_no, Viewer::Customer(customer)).await?;
            let next = order.status.after(ReturnAction::Cancel).map_err(|_| refused(&order, ReturnAction::Cancel))?;
            store::set_status(&mut tx, order.return_order_id, next, now_ms()).await?;
            tx.commit().await?;
            Ok(next)
        })
        .await
    }

    /// `POST /ops/return-orders`: a parcel nobody announced, registered
    /// as it is opened (so it is ARRIVED at once).
    pub async fn register_return(&self, staff: &StaffPrincipal, cmd: &RegisterReturn) -> Result<String, AppError> {
        for (field, value) in [
            ("originalOrderNo", &cmd.original_order_no),
            ("trackingNo", &cmd.tracking_no),
            ("carrier", &cmd.carrier),
            ("reason", &cmd.reason),
        ] {
            text_field(field, value, rules::TEXT_CHARS_MAX)?;
        }
        self.retrying(|| self.register_once(staff, cmd)).await
    }

    async fn register_once(&self, staff: &StaffPrincipal, cmd: &RegisterReturn) -> Result<String, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let w = enabled_warehouse_for(tx.conn(), Viewer::Staff(staff), &cmd.warehouse_code).await?;
        let original = text_field("originalOrderNo", &cmd.original_order_no, rules::TEXT_CHARS_MAX)?;
        let tracking = text_field("trackingNo", &cmd.tracking_no, rules::TEXT_CHARS_MAX)?;
        let customer_code = text_field("customerCode", &cmd.customer_code, 50)?;
        // Whose parcel: named, or the seller of the original order.
        let shipped_no = match (&original, &tracking) {
            (Some(no), _) => Some(no.clone()),
            (None, Some(t)) => orders::order_no_by_tracking(&mut tx, t).await?,
            (None, None) => None,
        };
        let customer_id = match (customer_code, shipped_no) {
            (Some(code), _) => {
                party::find_customer(tx.conn(), &code).await?.ok_or(AppError::CustomerNotFound(code))?.customer_id
            }
            (None, Some(no)) => {
                orders::find_order(tx.conn(), &no, None).await?.ok_or(AppError::ReturnOriginalNotFound(no))?.customer_id
            }
            (None, None) => return Err(AppError::MissingParam { field: "customerCode" }),
        };
        let bench = returns_location(&mut tx, w.warehouse_id, &w.code).await?;
        let order_no = next_return_no(&mut tx, now).await?;
        let id = store::insert_order(
            &mut tx,
            &NewReturn {
                order_no: &order_no,
                customer_id,
                warehouse_id: w.warehouse_id,
                customer_reference: None,
                original_order_no: original.as_deref(),
                tracking_no: tracking.as_deref(),
                carrier: cmd.carrier.as_deref().map(str::trim),
                reason: cmd.reason.as_deref().map(str::trim),
                announced: false,
                content_hash: "",
                status: ReturnStatus::Announced,
                return_address: None,
            },
            now,
        )
        .await?;
        store::arrive(&mut tx, id, bench.location_id, None, now).await?;
        tx.commit().await?;
        Ok(order_no)
    }

    /// `POST /ops/return-orders/{scan}/arrive`: by the RMA number, the
    /// parcel's tracking number or the original order number; `units`, when
    /// the dock counted them, caps what grading may find.
    pub async fn arrive_return(
        &self,
        staff: &StaffPrincipal,
        code: &str,
        warehouse_code: Option<&str>,
        units: Option<i64>,
    ) -> Result<ReturnOrderRow, AppError> {
        if units.is_some_and(|u| !(1..=rules::LINE_QUANTITY_MAX * rules::LINES_MAX as i64).contains(&u)) {
            return Err(AppError::InvalidParam { field: "units", reason: "a positive whole number".into() });
        }
        let order_no = self.retrying(|| self.arrive_once(staff, code.trim(), warehouse_code, units)).await?;
        self.return_order(Viewer::Staff(staff), &order_no).await
    }

    async fn arrive_once(
        &self,
        staff: &StaffPrincipal,
        code: &str,
        warehouse_code: Option<&str>,
        units: Option<i64>,
    ) -> Result<String, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let warehouse_id = match warehouse_code.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => Some(enabled_warehouse_for(tx.conn(), Viewer::Staff(staff), c).await?.warehouse_id),
            None => None,
        };
        let found = store::find_by_scan(tx.conn(), code, warehouse_id).await?;
        let order_no = match found.as_slice() {
            [one] => one.order_no.clone(),
            [] => match store::find_order(tx.conn(), code, None).await? {
                // Known, but not waiting for arrival: say why.
                Some(order) => return Err(refused(&order, ReturnAction::Arrive)),
                None => return Err(AppError::ReturnNotFound(code.to_owned())),
            },
            _ => return Err(AppError::ReturnScanAmbiguous(code.to_owned())),
        };
        let order = locked(&mut tx, &order_no, Viewer::Staff(staff)).await?;
        order.status.after(ReturnAction::Arrive).map_err(|_| refused(&order, ReturnAction::Arrive))?;
        let bench = returns_location(&mut tx, order.warehouse_id, &order.warehouse_code).await?;
        store::arrive(&mut tx, order.return_order_id, bench.location_id, units, now).await?;
        tx.commit().await?;
        Ok(order.order_no)
    }

    /// `POST /ops/return-orders/{no}/grade`: each line is received from
    /// `@CUSTOMER_RETURNED` into the returns location in its condition.
    pub async fn grade_return(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        lines: &[GradeLine],
    ) -> Result<ReturnOrderRow, AppError> {
        if lines.is_empty() {
            return Err(AppError::MissingParam { field: "lines" });
        }
        if lines.len() > rules::LINES_MAX {
            return Err(AppError::InvalidParam { field: "lines", reason: format!("at most {}", rules::LINES_MAX) });
        }
        if lines.iter().any(|l| !(1..=rules::LINE_QUANTITY_MAX).contains(&l.quantity)) {
            return Err(AppError::InvalidParam {
                field: "lines.quantity",
                reason: format!("1 to {}", rules::LINE_QUANTITY_MAX),
            });
        }
        self.retrying(|| self.grade_once(staff, order_no, lines)).await?;
        self.return_order(Viewer::Staff(staff), order_no).await
    }

    async fn grade_once(&self, staff: &StaffPrincipal, order_no: &str, lines: &[GradeLine]) -> Result<(), AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let order = locked(&mut tx, order_no, Viewer::Staff(staff)).await?;
        order.status.after(ReturnAction::Grade).map_err(|_| refused(&order, ReturnAction::Grade))?;
        let before = store::grades(tx.conn(), order.return_order_id).await?;
        let announced: i64 = store::lines(tx.conn(), order.return_order_id).await?.iter().map(|l| l.quantity).sum();
        // What arrived: counted at the dock, else what was announced.
        let arrived = order.arrived_units.or((announced > 0).then_some(announced));
        let graded_before: i64 = before.iter().map(|g| g.quantity).sum();
        let grading: i64 = lines.iter().map(|l| l.quantity).sum();
        rules::check_graded(arrived, graded_before, grading).map_err(|(limit, done)| AppError::ReturnOverGraded {
            order_no: order.order_no.clone(),
            arrived: limit,
            graded: done.saturating_add(grading),
        })?;
        let bench_id = order.returns_location_id.ok_or_else(|| refused(&order, ReturnAction::Grade))?;
        let bench = warehouse::location_by_id(tx.conn(), bench_id).await?;
        let bench = Place { location_id: bench.location_id, code: bench.code };
        let first = before.iter().map(|g| g.line_no).max().unwrap_or(0) + 1;
        for (line_no, line) in (first..).zip(lines) {
            let product = products::find_product(tx.conn(), order.customer_id, line.sku.trim())
                .await?
                .ok_or_else(|| AppError::SkuNotFound(line.sku.trim().to_owned()))?;
            let serial = line.serial.as_deref().map(str::trim).filter(|s| !s.is_empty());
            if product.serial_managed != 0 && (serial.is_none() || line.quantity != 1) {
                return Err(AppError::SerialMismatch {
                    sku: product.sku.clone(),
                    reason: "grade serial-managed units one by one, each with its serial".into(),
                });
            }
            // One lot per return and SKU: every returned unit traceable to it.
            let lot_id = stock::ensure_lot(
                &mut tx,
                order.customer_id,
                product.product_id,
                &order.order_no,
                now,
                None,
                None,
                None,
            )
            .await?;
            let item = Item {
                customer_id: order.customer_id,
                warehouse_id: order.warehouse_id,
                product_id: product.product_id,
                condition: line.condition,
            };
            let doc = DocumentRef {
                document_type: DocumentType::Return.as_str().to_owned(),
                document_no: order.order_no.clone(),
                line: line_no,
                operator: staff.operator(),
                reason: Some(format!("graded {} {}", line.condition, line.disposition)),
            };
            let q = Quantity::new(line.quantity)
                .ok_or(AppError::InvalidParam { field: "lines.quantity", reason: "out of range".into() })?;
            stock::receive(&mut tx, item, VirtualLocation::CustomerReturned, &bench, lot_id, q, &doc, now)
                .await
                .map_err(|e| AppError::from_store_for_sku(e, &product.sku))?;
            if let Some(serial) = serial {
                let serials = [serial.to_owned()];
                stock::serials_in(&mut tx, item, bench.location_id, lot_id, &serials, &order.order_no, now).await?;
            }
            store::insert_grade(
                &mut tx,
                order.return_order_id,
                &NewGrade {
                    line_no,
                    product_id: product.product_id,
                    quantity: line.quantity,
                    condition: line.condition,
                    disposition: line.disposition,
                    lot_id,
                    serial,
                    note: line.note.as_deref(),
                    staff_id: staff.staff_id,
                },
                now,
            )
            .await?;
            if line.disposition == Disposition::ReturnToSeller {
                // Reserved as they arrive: no order may promise units that
                // are going back to the seller.
                let reservation = stock::reserve(&mut tx, item, q, &doc, now)
                    .await
                    .map_err(|e| AppError::from_store_for_sku(e, &product.sku))?;
                store::set_grade_reservation(&mut tx, order.return_order_id, line_no, reservation).await?;
            }
        }
        store::set_status(&mut tx, order.return_order_id, ReturnStatus::Arrived, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// `POST /ops/return-orders/{no}/complete`: dispositions carried out,
    /// `return.completed` written, the order COMPLETED.
    pub async fn complete_return(&self, staff: &StaffPrincipal, order_no: &str) -> Result<ReturnOrderRow, AppError> {
        self.retrying(|| self.complete_once(staff, order_no)).await?;
        self.return_order(Viewer::Staff(staff), order_no).await
    }

    async fn complete_once(&self, staff: &StaffPrincipal, order_no: &str) -> Result<(), AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let order = locked(&mut tx, order_no, Viewer::Staff(staff)).await?;
        let next = order.status.after(ReturnAction::Complete).map_err(|_| refused(&order, ReturnAction::Complete))?;
        let grades = store::grades(tx.conn(), order.return_order_id).await?;
        if grades.is_empty() {
            return Err(AppError::ReturnNothingGraded(order.order_no.clone()));
        }
        let bench_id = order.returns_location_id.ok_or_else(|| refused(&order, ReturnAction::Complete))?;
        let bench = warehouse::location_by_id(tx.conn(), bench_id).await?;
        let bench = Place { location_id: bench.location_id, code: bench.code };
        let quarantine = warehouse::first_of_type(tx.conn(), order.warehouse_id, LocationType::Quarantine.as_str())
            .await?
            .map(|l| Place { location_id: l.location_id, code: l.code });
        for g in &grades {
            let item = Item {
                customer_id: order.customer_id,
                warehouse_id: order.warehouse_id,
                product_id: g.product_id,
                condition: g.condition,
            };
            let doc = DocumentRef {
                document_type: DocumentType::Return.as_str().to_owned(),
                document_no: order.order_no.clone(),
                line: g.line_no,
                operator: staff.operator(),
                reason: Some(g.disposition.as_str().to_lowercase()),
            };
            let q = Quantity::new(g.quantity)
                .ok_or(AppError::InvalidParam { field: "lines.quantity", reason: "out of range".into() })?;
            let serials: Vec<String> = g.serial.iter().cloned().collect();
            match (g.disposition, &quarantine) {
                (Disposition::Restock | Disposition::ReturnToSeller, _) | (Disposition::Quarantine, None) => {}
                (Disposition::Quarantine, Some(q_place)) => {
                    stock::move_units(&mut tx, item, &bench, q_place, g.lot_id, q, &doc, now)
                        .await
                        .map_err(|e| AppError::from_store_for_sku(e, &g.sku))?;
                    if !serials.is_empty() {
                        stock::serials_moved(
                            &mut tx,
                            g.product_id,
                            &serials,
                            q_place.location_id,
                            &order.order_no,
                            now,
                        )
                        .await?;
                    }
                }
                (Disposition::Dispose, _) => {
                    stock::issue(&mut tx, item, &bench, VirtualLocation::Scrap, g.lot_id, q, &doc, now)
                        .await
                        .map_err(|e| AppError::from_store_for_sku(e, &g.sku))?;
                    if !serials.is_empty() {
                        stock::serials_out(&mut tx, g.product_id, &serials, &order.order_no, now).await?;
                    }
                }
            }
        }
        store::set_status(&mut tx, order.return_order_id, next, now).await?;
        let lines = store::lines(tx.conn(), order.return_order_id).await?;
        let mut per_sku: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for g in &grades {
            let entry = per_sku.entry(g.sku.clone()).or_default();
            if g.condition == Condition::Good && g.disposition == Disposition::Restock {
                entry.0 += g.quantity;
            } else {
                entry.1 += g.quantity;
            }
        }
        let sku_list: Vec<_> =
            per_sku.iter().map(|(sku, (good, bad))| json!({"sku": sku, "num": good, "badNum": bad})).collect();
        let discrepancies: Vec<_> = discrepancies(&lines, &grades)
            .into_iter()
            .map(|(sku, announced, received)| json!({"sku": sku, "announced": announced, "received": received}))
            .collect();
        let data = json!({"orderNo": order.order_no, "erpNo": order.customer_reference, "status": "FINISH",
            "warehouseCode": order.warehouse_code, "originalOrderNo": order.original_order_no,
            "skuList": sku_list, "discrepancies": discrepancies,
            "lines": grades.iter().map(|g| json!({"lineNo": g.line_no, "sku": g.sku, "quantity": g.quantity,
                "condition": g.condition, "disposition": g.disposition.as_str(), "serial": g.serial}))
                .collect::<Vec<_>>()});
        events::emit(
            &mut tx,
            (order.customer_id, &order.customer_code),
            RETURN_COMPLETED,
            &order.warehouse_code,
            data,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn return_order(&self, viewer: Viewer<'_>, order_no: &str) -> Result<ReturnOrderRow, AppError> {
        let order = store::find_order(&mut *self.store.read().await?, order_no.trim(), viewer.customer_id())
            .await?
            .ok_or_else(|| AppError::ReturnNotFound(order_no.trim().to_owned()))?;
        viewer.check_warehouse(order.warehouse_id, &order.warehouse_code)?;
        Ok(order)
    }

    pub async fn return_detail(&self, viewer: Viewer<'_>, order_no: &str) -> Result<ReturnDetail, AppError> {
        let order = self.return_order(viewer, order_no).await?;
        let mut conn = self.store.read().await?;
        let lines = store::lines(&mut conn, order.return_order_id).await?;
        let grades = store::grades(&mut conn, order.return_order_id).await?;
        let at_bench = match (viewer, order.status, order.returns_location_id) {
            (Viewer::Staff(_), ReturnStatus::Completed, Some(bench)) => {
                store::units_at(&mut conn, bench, order.customer_id).await?
            }
            _ => Vec::new(),
        };
        drop(conn);
        let waiting = restock_waiting(&order, &grades, &at_bench);
        let putaway = self
            .propose_putaway(order.warehouse_id, order.customer_id, &waiting, |p, id| unit_measures(p, id, &[], &[]))
            .await?;
        let discrepancies = discrepancies(&lines, &grades);
        Ok(ReturnDetail { order, lines, grades, discrepancies, putaway })
    }

    /// `POST /ops/return-orders/{no}/ship-back`: the RETURN_TO_SELLER units
    /// leave the returns bench for the seller (their reservations posted
    /// to `@CUSTOMER_SHIPPED`), `return.shipped_back` tells the seller the
    /// parcel. Once per return.
    pub async fn ship_back_return(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        cmd: &ShipBack,
    ) -> Result<ReturnOrderRow, AppError> {
        let (tracking, carrier) = cmd.check()?;
        self.retrying(|| self.ship_back_once(staff, order_no, cmd, &tracking, &carrier)).await?;
        self.return_order(Viewer::Staff(staff), order_no).await
    }

    async fn ship_back_once(
        &self,
        staff: &StaffPrincipal,
        order_no: &str,
        cmd: &ShipBack,
        tracking: &str,
        carrier: &str,
    ) -> Result<(), AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let order = locked(&mut tx, order_no, Viewer::Staff(staff)).await?;
        order.status.after(ReturnAction::ShipBack).map_err(|_| refused(&order, ReturnAction::ShipBack))?;
        let grades = store::grades(tx.conn(), order.return_order_id).await?;
        let going: Vec<(&GradeRow, i64)> = grades
            .iter()
            .filter(|g| g.disposition == Disposition::ReturnToSeller)
            .filter_map(|g| g.reservation_id.map(|r| (g, r)))
            .collect();
        if going.is_empty() || order.shipped_back_at.is_some() {
            return Err(AppError::ReturnNothingToShipBack(order.order_no.clone()));
        }
        let address = match (&cmd.recipient, &order.return_address) {
            (Some(given), _) => given.clone(),
            (None, Some(announced)) => serde_json::from_str::<Recipient>(announced)
                .map_err(|e| AppError::InvalidParam { field: "recipient", reason: e.to_string() })?,
            (None, None) => return Err(AppError::MissingParam { field: "recipient" }),
        };
        let bench_id = order.returns_location_id.ok_or_else(|| refused(&order, ReturnAction::ShipBack))?;
        let bench = warehouse::location_by_id(tx.conn(), bench_id).await?;
        let bench = Place { location_id: bench.location_id, code: bench.code };
        for (g, reservation) in &going {
            let doc = DocumentRef {
                document_type: DocumentType::Return.as_str().to_owned(),
                document_no: order.order_no.clone(),
                line: g.line_no,
                operator: staff.operator(),
                reason: Some(format!("shipped back {tracking}")),
            };
            let q = Quantity::new(g.quantity)
                .ok_or(AppError::InvalidParam { field: "lines.quantity", reason: "out of range".into() })?;
            let pick = stock::Pick { place: bench.clone(), lot_id: g.lot_id, quantity: q };
            stock::post(&mut tx, *reservation, &[pick], &doc, now)
                .await
                .map_err(|e| AppError::from_store_for_sku(e, &g.sku))?;
            if let Some(serial) = &g.serial {
                stock::serials_out(&mut tx, g.product_id, std::slice::from_ref(serial), &order.order_no, now).await?;
            }
        }
        let address_json = serde_json::to_string(&address).unwrap_or_default();
        store::ship_back(&mut tx, order.return_order_id, &address_json, tracking, carrier, now).await?;
        let data = json!({"orderNo": order.order_no, "erpNo": order.customer_reference,
            "warehouseCode": order.warehouse_code, "trackingNo": tracking, "carrier": carrier, "recipient": address,
            "skuList": going.iter().map(|(g, _)| json!({"sku": g.sku, "quantity": g.quantity,
                "condition": g.condition, "serial": g.serial})).collect::<Vec<_>>()});
        events::emit(
            &mut tx,
            (order.customer_id, &order.customer_code),
            RETURN_SHIPPED_BACK,
            &order.warehouse_code,
            data,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Units graded on the seller's returns, newest first (Onixport's
    /// returned inventory): by grade, with their serials.
    pub async fn returned_units(
        &self,
        customer: &CustomerPrincipal,
        filter: &haicang_store::returns::ReturnedUnitFilter,
        page: PageRequest,
    ) -> Result<Page<haicang_store::returns::ReturnedUnitRow>, AppError> {
        self.check_named_warehouse(Viewer::Customer(customer), filter.warehouse_code.as_deref()).await?;
        let (rows, total) =
            store::returned_units(&mut *self.store.read().await?, customer.customer_id, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    pub async fn list_returns(
        &self,
        viewer: Viewer<'_>,
        filter: &ReturnFilter,
        page: PageRequest,
    ) -> Result<Page<ReturnOrderRow>, AppError> {
        self.check_named_warehouse(viewer, filter.warehouse_code.as_deref()).await?;
        let (rows, total) = store::list(&mut *self.store.read().await?, &viewer.list_scope(), filter, page).await?;
        Ok(Page::new(rows, page, total))
    }
}

/// The warehouse's first RETURNS location: where returns are opened.
async fn returns_location(tx: &mut WriteTx, warehouse_id: i64, warehouse_code: &str) -> Result<Place, AppError> {
    warehouse::first_of_type(tx.conn(), warehouse_id, LocationType::Returns.as_str())
        .await?
        .map(|l| Place { location_id: l.location_id, code: l.code })
        .ok_or_else(|| AppError::LocationNotFound(format!("{warehouse_code}: a RETURNS location")))
}

/// RESTOCK units still at the returns bench, per product, lot and
/// condition: what the bench holds of the return's lots, less the
/// RETURN_TO_SELLER units waiting there, at most what was graded RESTOCK.
fn restock_waiting(order: &ReturnOrderRow, grades: &[GradeRow], at_bench: &[store::BenchUnits]) -> Vec<Waiting> {
    let mut restock: BTreeMap<(i64, i64, Condition), (String, i64)> = BTreeMap::new();
    let mut held: BTreeMap<(i64, i64, Condition), i64> = BTreeMap::new();
    for g in grades {
        let key = (g.product_id, g.lot_id, g.condition);
        match g.disposition {
            Disposition::Restock => restock.entry(key).or_insert_with(|| (g.sku.clone(), 0)).1 += g.quantity,
            Disposition::ReturnToSeller if order.shipped_back_at.is_none() => {
                *held.entry(key).or_default() += g.quantity
            }
            _ => {}
        }
    }
    restock
        .into_iter()
        .filter_map(|((product_id, lot_id, condition), (sku, graded))| {
            let here: i64 = at_bench
                .iter()
                .filter(|u| u.product_id == product_id && u.lot_id == lot_id && u.condition == condition)
                .map(|u| u.quantity)
                .sum();
            let free = here - held.get(&(product_id, lot_id, condition)).copied().unwrap_or(0);
            let quantity = graded.min(free);
            (quantity > 0).then(|| Waiting {
                product_id,
                sku,
                lot_id,
                lot_code: order.order_no.clone(),
                condition,
                quantity,
            })
        })
        .collect()
}

/// Announced and graded units per SKU, where they differ.
fn discrepancies(lines: &[ReturnLineRow], grades: &[GradeRow]) -> Vec<(String, i64, i64)> {
    if lines.is_empty() {
        return Vec::new();
    }
    let mut per_sku: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for l in lines {
        per_sku.entry(l.sku.clone()).or_default().0 += l.quantity;
    }
    for g in grades {
        per_sku.entry(g.sku.clone()).or_default().1 += g.quantity;
    }
    per_sku.into_iter().filter(|(_, (a, r))| a != r).map(|(sku, (a, r))| (sku, a, r)).collect()
}
