//! Moves between locations and condition conversions: documents whose
//! lines are their ledger movements. A move takes only units no open pick
//! holds, and its destination must pass the planner's location rule; a
//! conversion issues one condition to `@CONVERSION` and receives the other
//! from it at the same location and lot, so available and total follow per
//! condition. Each emits its event per seller with the stock after the
//! change, as JF's `move` / `convert` webhooks carry it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use haicang_core::document::{DocumentType, format_document_no};
use haicang_core::ledger::{Condition, MOVEMENT_QUANTITY_MAX, Quantity, VirtualLocation};
use haicang_core::lots;
use haicang_core::text::char_len;
use haicang_store::cartons;
use haicang_store::outbound as orders;
use haicang_store::product::{self as products, ProductRow};
use haicang_store::stock::{self, DocumentRef, Item, Place};
use haicang_store::warehouse::{self, LocationRow, WarehouseRow};
use haicang_store::{WriteTx, party, sequence};

use crate::audit::{self, Actor, Outcome, action};
use crate::inbound::check_destination;
use crate::warehouses::enabled_warehouse_for;
use crate::{App, AppError, StaffPrincipal, Viewer, day_code, events, now_ms};

/// Lines of one move or conversion.
pub const LINES_MAX: usize = 200;
pub const REASON_CHARS_MAX: usize = 200;
pub const INVENTORY_MOVED: &str = "inventory.moved";
pub const INVENTORY_CONVERTED: &str = "inventory.converted";

#[derive(Debug, Clone)]
pub struct MoveCommand {
    pub warehouse_code: String,
    pub reason: Option<String>,
    pub lines: Vec<MoveLine>,
}

#[derive(Debug, Clone)]
pub struct MoveLine {
    pub sku: String,
    /// The owner, when several sellers keep this SKU code at the location.
    pub customer_code: Option<String>,
    pub from_location_code: String,
    pub to_location_code: String,
    pub quantity: i64,
    pub condition: Condition,
    /// One lot; when absent, the lots leave in issue order (FEFO, FIFO).
    pub lot_no: Option<String>,
    pub serials: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ConversionCommand {
    pub warehouse_code: String,
    pub customer_code: String,
    pub reason: String,
    pub lines: Vec<ConversionLine>,
}

#[derive(Debug, Clone)]
pub struct ConversionLine {
    pub sku: String,
    pub location_code: String,
    pub lot_no: Option<String>,
    pub from_condition: Condition,
    pub to_condition: Condition,
    pub quantity: i64,
    pub serials: Vec<String>,
}

/// A posted document: its number and how many movements it wrote.
#[derive(Debug, Clone)]
pub struct Posted {
    pub document_no: String,
    pub movements: usize,
}

fn check_lines<T>(lines: &[T], quantities: impl Iterator<Item = i64>) -> Result<(), AppError> {
    if lines.is_empty() {
        return Err(AppError::MissingParam { field: "lines" });
    }
    if lines.len() > LINES_MAX {
        return Err(AppError::InvalidParam { field: "lines", reason: format!("at most {LINES_MAX}") });
    }
    for q in quantities {
        if !(1..=MOVEMENT_QUANTITY_MAX).contains(&q) {
            return Err(AppError::InvalidParam {
                field: "lines.quantity",
                reason: format!("a positive whole number of at most {MOVEMENT_QUANTITY_MAX}"),
            });
        }
    }
    Ok(())
}

fn check_reason(reason: Option<&str>, required: bool) -> Result<(), AppError> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        None if required => Err(AppError::MissingParam { field: "reason" }),
        Some(r) if char_len(r) > REASON_CHARS_MAX => {
            Err(AppError::InvalidParam { field: "reason", reason: format!("at most {REASON_CHARS_MAX} characters") })
        }
        _ => Ok(()),
    }
}

impl MoveCommand {
    fn check(&self) -> Result<(), AppError> {
        if self.warehouse_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "warehouseCode" });
        }
        check_reason(self.reason.as_deref(), false)?;
        check_lines(&self.lines, self.lines.iter().map(|l| l.quantity))?;
        for l in &self.lines {
            if l.from_location_code.trim().eq_ignore_ascii_case(l.to_location_code.trim()) {
                return Err(AppError::InvalidParam {
                    field: "lines.toLocationCode",
                    reason: "differs from fromLocationCode".into(),
                });
            }
        }
        Ok(())
    }
}

impl ConversionCommand {
    fn check(&self) -> Result<(), AppError> {
        if self.warehouse_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "warehouseCode" });
        }
        if self.customer_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "customerCode" });
        }
        check_reason(Some(&self.reason), true)?;
        check_lines(&self.lines, self.lines.iter().map(|l| l.quantity))?;
        if let Some(l) = self.lines.iter().find(|l| l.from_condition == l.to_condition) {
            return Err(AppError::InvalidParam {
                field: "lines.toCondition",
                reason: format!("{} to itself is no conversion", l.from_condition),
            });
        }
        Ok(())
    }
}

fn units(n: i64) -> Result<Quantity, AppError> {
    Quantity::new(n).ok_or(AppError::InvalidParam { field: "lines.quantity", reason: "out of range".into() })
}

/// Looks up locations of one warehouse once per document.
struct Locations {
    warehouse_id: i64,
    known: BTreeMap<String, LocationRow>,
}

impl Locations {
    async fn get(&mut self, tx: &mut WriteTx, code: &str) -> Result<LocationRow, AppError> {
        let code = code.trim().to_ascii_uppercase();
        if let Some(l) = self.known.get(&code) {
            return Ok(l.clone());
        }
        let l = warehouse::find_location(tx.conn(), self.warehouse_id, &code)
            .await?
            .ok_or_else(|| AppError::LocationNotFound(code.clone()))?;
        self.known.insert(code, l.clone());
        Ok(l)
    }
}

fn place(l: &LocationRow) -> Place {
    Place { location_id: l.location_id, code: l.code.clone() }
}

/// Takes `wanted` free units of `item` at `place`: one lot when named,
/// else in issue order. Units open picks hold stay put.
async fn free_units(
    tx: &mut WriteTx,
    item: Item,
    at: &Place,
    lot_no: Option<&str>,
    wanted: i64,
    sku: &str,
) -> Result<Vec<(i64, i64, String)>, AppError> {
    let mut free = stock::free_lots_at(tx, item, at.location_id).await?;
    if let Some(code) = lot_no.map(str::trim).filter(|c| !c.is_empty()) {
        let lot_id = stock::find_lot(tx, item.product_id, code).await?.ok_or_else(|| AppError::InvalidParam {
            field: "lines.lotNo",
            reason: format!("no lot {code} of {sku}"),
        })?;
        free.retain(|l| l.lot_id == lot_id);
    }
    let takes = lots::take(&free, wanted).map_err(|there| AppError::InsufficientStock {
        sku: sku.to_owned(),
        requested: wanted,
        available: there,
    })?;
    let mut out = Vec::with_capacity(takes.len());
    for (lot_id, n) in takes {
        out.push((lot_id, n, stock::lot_code(tx, lot_id).await?));
    }
    Ok(out)
}

/// Serial numbers of a serial-managed line: one per unit, all at `at`.
async fn check_serials(
    tx: &mut WriteTx,
    product: &ProductRow,
    item: Item,
    at: &Place,
    serials: &[String],
    quantity: i64,
) -> Result<(), AppError> {
    let managed = product.serial_managed != 0;
    if !managed && !serials.is_empty() {
        return Err(AppError::SerialMismatch {
            sku: product.sku.clone(),
            reason: "the SKU is not serial managed".into(),
        });
    }
    if managed && serials.len() as i64 != quantity {
        return Err(AppError::SerialMismatch {
            sku: product.sku.clone(),
            reason: format!("{quantity} units need {quantity} serial numbers"),
        });
    }
    if managed {
        crate::inventory::check_serials_at(tx, item, at, &product.sku, serials).await?;
    }
    Ok(())
}

/// One seller's lines of a document and the stock after it, per SKU, as
/// the event carries them.
#[derive(Default)]
struct Report {
    per_owner: BTreeMap<i64, OwnerReport>,
}

#[derive(Default)]
struct OwnerReport {
    customer_code: String,
    lines: Vec<Value>,
    /// product id → SKU, for the stock after.
    skus: BTreeMap<i64, String>,
}

impl Report {
    fn line(&mut self, owner: (i64, &str), product: &ProductRow, line: Value) {
        let entry = self
            .per_owner
            .entry(owner.0)
            .or_insert_with(|| OwnerReport { customer_code: owner.1.to_owned(), ..Default::default() });
        entry.lines.push(line);
        entry.skus.insert(product.product_id, product.sku.clone());
    }

    async fn emit(
        self,
        tx: &mut WriteTx,
        w: &WarehouseRow,
        event_type: &str,
        document_no: &str,
        now: i64,
    ) -> Result<(), AppError> {
        for (owner, OwnerReport { customer_code: code, lines, skus }) in self.per_owner {
            let sku_list = events::stock_after(tx, owner, w.warehouse_id, skus).await?;
            let data = json!({"documentNo": document_no, "warehouseCode": w.code, "lines": lines, "skuList": sku_list});
            events::emit(tx, (owner, &code), event_type, &w.code, data, now).await?;
        }
        Ok(())
    }
}

impl App {
    /// `POST /ops/moves`: units from one location to another, lot by lot,
    /// in one document and transaction.
    pub async fn move_stock(&self, staff: &StaffPrincipal, cmd: &MoveCommand) -> Result<Posted, AppError> {
        cmd.check()?;
        self.retrying(|| self.move_once(staff, cmd)).await
    }

    async fn move_once(&self, staff: &StaffPrincipal, cmd: &MoveCommand) -> Result<Posted, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let w = enabled_warehouse_for(tx.conn(), Viewer::Staff(staff), &cmd.warehouse_code).await?;
        // Waves allocate location stock under this lock: a move never takes
        // units a wave is promising at the same moment.
        orders::lock_warehouse(&mut tx, w.warehouse_id).await?;
        let document_no = next_document_no(&mut tx, DocumentType::Move, now).await?;
        let reason = cmd.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
        stock::insert_inventory_document(&mut tx, &document_no, "MOVE", w.warehouse_id, reason, staff.staff_id, now)
            .await?;
        let mut locations = Locations { warehouse_id: w.warehouse_id, known: BTreeMap::new() };
        let mut report = Report::default();
        let mut movements = 0;
        for (index, line) in cmd.lines.iter().enumerate() {
            let from = locations.get(&mut tx, &line.from_location_code).await?;
            let to = locations.get(&mut tx, &line.to_location_code).await?;
            let (owner, owner_code, product) = self.owner_at(&mut tx, &w, &from, line).await?;
            let item = Item {
                customer_id: owner,
                warehouse_id: w.warehouse_id,
                product_id: product.product_id,
                condition: line.condition,
            };
            let (from_place, to_place) = (place(&from), place(&to));
            check_serials(&mut tx, &product, item, &from_place, &line.serials, line.quantity).await?;
            let takes =
                free_units(&mut tx, item, &from_place, line.lot_no.as_deref(), line.quantity, &line.sku).await?;
            let doc = DocumentRef {
                document_type: DocumentType::Move.as_str().to_owned(),
                document_no: document_no.clone(),
                line: index as i64 + 1,
                operator: staff.operator(),
                reason: reason.map(str::to_owned),
            };
            for (lot_id, n, lot_code) in &takes {
                check_destination(&mut tx, &to, owner, &product, *lot_id, line.condition, *n, true).await?;
                // Whole sealed cartons travel with the units they hold.
                let (from_id, to_id) = (from_place.location_id, to_place.location_id);
                let product_id = product.product_id;
                cartons::follow(&mut tx, product_id, *lot_id, line.condition, from_id, to_id, *n, now).await?;
                stock::move_units(&mut tx, item, &from_place, &to_place, *lot_id, units(*n)?, &doc, now)
                    .await
                    .map_err(|e| AppError::from_store_for_sku(e, &line.sku))?;
                movements += 1;
                report.line(
                    (owner, &owner_code),
                    &product,
                    json!({"lineNo": index + 1, "sku": product.sku, "lotNo": lot_code, "condition": line.condition,
                           "fromLocationCode": from.code, "toLocationCode": to.code, "quantity": n}),
                );
            }
            if !line.serials.is_empty() {
                stock::serials_moved(&mut tx, product.product_id, &line.serials, to.location_id, &document_no, now)
                    .await?;
            }
        }
        report.emit(&mut tx, &w, INVENTORY_MOVED, &document_no, now).await?;
        tx.commit().await?;
        Ok(Posted { document_no, movements })
    }

    /// The seller whose units of `line.sku` lie at `from`: the one named,
    /// or the only one there.
    async fn owner_at(
        &self,
        tx: &mut WriteTx,
        w: &WarehouseRow,
        from: &LocationRow,
        line: &MoveLine,
    ) -> Result<(i64, String, ProductRow), AppError> {
        let sku = line.sku.trim();
        let owners = stock::owners_at(tx, w.warehouse_id, from.location_id, sku).await?;
        let named = line.customer_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let (owner, code) = match (named, owners.as_slice()) {
            (Some(c), _) => {
                let found =
                    party::find_customer(tx.conn(), c).await?.ok_or_else(|| AppError::CustomerNotFound(c.into()))?;
                (found.customer_id, found.code)
            }
            (None, [(id, code, _)]) => (*id, code.clone()),
            (None, []) => {
                return Err(AppError::InsufficientStock {
                    sku: sku.to_owned(),
                    requested: line.quantity,
                    available: 0,
                });
            }
            (None, _) => {
                return Err(AppError::InvalidParam {
                    field: "lines.customerCode",
                    reason: format!("{sku} at {} belongs to several sellers: name one", from.code),
                });
            }
        };
        let product = products::find_product(tx.conn(), owner, sku)
            .await?
            .ok_or_else(|| AppError::SkuNotFound(sku.to_owned()))?;
        Ok((owner, code, product))
    }

    /// `POST /ops/conversions`: units change condition where they are.
    pub async fn convert_stock(&self, staff: &StaffPrincipal, cmd: &ConversionCommand) -> Result<Posted, AppError> {
        cmd.check()?;
        self.retrying(|| self.convert_once(staff, cmd)).await
    }

    async fn convert_once(&self, staff: &StaffPrincipal, cmd: &ConversionCommand) -> Result<Posted, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let w = enabled_warehouse_for(tx.conn(), Viewer::Staff(staff), &cmd.warehouse_code).await?;
        orders::lock_warehouse(&mut tx, w.warehouse_id).await?;
        let customer = party::find_customer(tx.conn(), cmd.customer_code.trim())
            .await?
            .ok_or_else(|| AppError::CustomerNotFound(cmd.customer_code.trim().to_owned()))?;
        let document_no = next_document_no(&mut tx, DocumentType::Conversion, now).await?;
        let reason = cmd.reason.trim();
        stock::insert_inventory_document(
            &mut tx,
            &document_no,
            "CONVERSION",
            w.warehouse_id,
            Some(reason),
            staff.staff_id,
            now,
        )
        .await?;
        let mut locations = Locations { warehouse_id: w.warehouse_id, known: BTreeMap::new() };
        let mut report = Report::default();
        let mut movements = 0;
        for (index, line) in cmd.lines.iter().enumerate() {
            let at = locations.get(&mut tx, &line.location_code).await?;
            let at_place = place(&at);
            let product = products::find_product(tx.conn(), customer.customer_id, line.sku.trim())
                .await?
                .ok_or_else(|| AppError::SkuNotFound(line.sku.trim().to_owned()))?;
            let item = |condition| Item {
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                product_id: product.product_id,
                condition,
            };
            let (old, new) = (item(line.from_condition), item(line.to_condition));
            check_serials(&mut tx, &product, old, &at_place, &line.serials, line.quantity).await?;
            let takes = free_units(&mut tx, old, &at_place, line.lot_no.as_deref(), line.quantity, &line.sku).await?;
            let doc = DocumentRef {
                document_type: DocumentType::Conversion.as_str().to_owned(),
                document_no: document_no.clone(),
                line: index as i64 + 1,
                operator: staff.operator(),
                reason: Some(reason.to_owned()),
            };
            for (lot_id, n, lot_code) in &takes {
                let q = units(*n)?;
                stock::issue(&mut tx, old, &at_place, VirtualLocation::Conversion, *lot_id, q, &doc, now)
                    .await
                    .map_err(|e| AppError::from_store_for_sku(e, &line.sku))?;
                stock::receive(&mut tx, new, VirtualLocation::Conversion, &at_place, *lot_id, q, &doc, now)
                    .await
                    .map_err(|e| AppError::from_store_for_sku(e, &line.sku))?;
                movements += 2;
                report.line(
                    (customer.customer_id, &customer.code),
                    &product,
                    json!({"lineNo": index + 1, "sku": product.sku, "lotNo": lot_code, "locationCode": at.code,
                           "fromCondition": line.from_condition, "toCondition": line.to_condition, "quantity": n}),
                );
            }
            if !line.serials.is_empty() {
                // The same units, now of the new condition, where they were.
                stock::serials_out(&mut tx, product.product_id, &line.serials, &document_no, now).await?;
                let lot_id = takes.first().map(|(lot, ..)| *lot).unwrap_or_default();
                stock::serials_in(&mut tx, new, at.location_id, lot_id, &line.serials, &document_no, now).await?;
            }
        }
        report.emit(&mut tx, &w, INVENTORY_CONVERTED, &document_no, now).await?;
        let detail = json!({"warehouse": w.code, "customer": customer.code, "reason": reason,
                            "lines": cmd.lines.len(), "units": cmd.lines.iter().map(|l| l.quantity).sum::<i64>()});
        let actor = Actor::staff(staff).for_customer(customer.customer_id);
        audit::record(tx.conn(), &actor, action::CONVERSION, &document_no, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(Posted { document_no, movements })
    }
}

async fn next_document_no(tx: &mut WriteTx, kind: DocumentType, now: i64) -> Result<String, AppError> {
    let day = day_code(now);
    let seq = sequence::next_value(tx.conn(), kind.prefix(), &day).await?;
    Ok(format_document_no(kind, &day, seq))
}
