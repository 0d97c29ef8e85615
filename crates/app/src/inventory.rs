//! Stock: adjustments, reservations and the customer's stock queries.
//!
//! Stock changes only through `haicang_store::stock`, the ledger writer;
//! this module decides which movements a command means.

use std::collections::{BTreeSet, HashMap};

use haicang_core::document::{DocumentType, format_document_no};
use haicang_core::ledger::{Condition, MOVEMENT_QUANTITY_MAX, Quantity, VirtualLocation};
use haicang_core::lots;
use haicang_core::product::ProductType;
use haicang_core::status::SerialStatus;
use haicang_store::stock::{
    self, AdjustmentLineRow, DocumentRef, InventoryRow, Item, LotRow, MovementFilter, MovementRow, Place, SerialRow,
    StockFilter,
};
use haicang_store::warehouse;
use haicang_store::{WriteTx, party, product as products, sequence};

use crate::audit;
use crate::events;
use crate::warehouses::{enabled_warehouse_for, warehouse_for};
use crate::{App, AppError, CustomerPrincipal, Page, PageRequest, StaffPrincipal, Viewer, day_code, now_ms};

pub const ADJUSTMENT_LINES_MAX: usize = 500;
pub const REASON_CHARS_MAX: usize = 200;
pub const SERIAL_CHARS_MAX: usize = 64;

/// A stock adjustment as staff enter it.
#[derive(Debug, Clone)]
pub struct AdjustmentCommand {
    pub warehouse_code: String,
    pub customer_code: String,
    pub reason: String,
    pub lines: Vec<AdjustmentLine>,
}

#[derive(Debug, Clone)]
pub struct AdjustmentLine {
    /// The owner of the stock when not the document's customer.
    pub customer_code: Option<String>,
    pub sku: String,
    pub location_code: String,
    /// Signed: positive into the location, negative out of it.
    pub quantity: i64,
    pub condition: Condition,
    /// The lot to adjust; when absent, units in go to today's lot and units
    /// out come from the oldest lots at the location.
    pub lot_code: Option<String>,
    pub batch_no: Option<String>,
    pub production_date: Option<String>,
    pub expiry_date: Option<String>,
    pub serials: Vec<String>,
    pub reason: Option<String>,
}

impl AdjustmentLine {
    /// GOOD units of the document's customer into (positive) or out of
    /// (negative) a location, lots chosen by default.
    pub fn units(sku: impl Into<String>, location_code: impl Into<String>, quantity: i64) -> AdjustmentLine {
        AdjustmentLine {
            customer_code: None,
            sku: sku.into(),
            location_code: location_code.into(),
            quantity,
            condition: Condition::Good,
            lot_code: None,
            batch_no: None,
            production_date: None,
            expiry_date: None,
            serials: Vec::new(),
            reason: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AdjustmentResult {
    pub document_no: String,
    pub movements: usize,
}

/// A YYYY-MM-DD date, checked.
fn date_field(field: &'static str, value: &Option<String>) -> Result<Option<String>, AppError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|_| Some(v.to_owned()))
            .map_err(|_| AppError::InvalidParam { field, reason: "expected YYYY-MM-DD".into() }),
    }
}

impl AdjustmentCommand {
    fn check(&self) -> Result<(), AppError> {
        if self.warehouse_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "warehouseCode" });
        }
        if self.customer_code.trim().is_empty() {
            return Err(AppError::MissingParam { field: "customerCode" });
        }
        if self.reason.trim().is_empty() {
            return Err(AppError::MissingParam { field: "reason" });
        }
        if self.reason.chars().count() > REASON_CHARS_MAX {
            return Err(AppError::InvalidParam {
                field: "reason",
                reason: format!("at most {REASON_CHARS_MAX} characters"),
            });
        }
        if self.lines.is_empty() {
            return Err(AppError::MissingParam { field: "lines" });
        }
        if self.lines.len() > ADJUSTMENT_LINES_MAX {
            return Err(AppError::InvalidParam { field: "lines", reason: format!("at most {ADJUSTMENT_LINES_MAX}") });
        }
        for line in &self.lines {
            // unsigned_abs: i64::MIN must be refused, not overflow.
            if line.quantity == 0 || line.quantity.unsigned_abs() > MOVEMENT_QUANTITY_MAX.unsigned_abs() {
                return Err(AppError::InvalidParam {
                    field: "lines.quantity",
                    reason: format!("a non-zero whole number of at most {MOVEMENT_QUANTITY_MAX} units"),
                });
            }
            date_field("lines.productionDate", &line.production_date)?;
            date_field("lines.expiryDate", &line.expiry_date)?;
            let unique: BTreeSet<&String> = line.serials.iter().collect();
            if unique.len() != line.serials.len()
                || line.serials.iter().any(|s| s.trim().is_empty() || s.chars().count() > SERIAL_CHARS_MAX)
            {
                return Err(AppError::InvalidParam {
                    field: "lines.serials",
                    reason: "unique, 1-64 characters".into(),
                });
            }
        }
        Ok(())
    }
}

impl App {
    /// `POST /ops/adjustments`: one document, one transaction; every line
    /// moves stock from or to `@ADJUSTMENT` through the ledger.
    pub async fn adjust(&self, staff: &StaffPrincipal, cmd: &AdjustmentCommand) -> Result<AdjustmentResult, AppError> {
        cmd.check()?;
        self.retrying(|| self.adjust_once(staff, cmd)).await
    }

    async fn adjust_once(&self, staff: &StaffPrincipal, cmd: &AdjustmentCommand) -> Result<AdjustmentResult, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let w = enabled_warehouse_for(tx.conn(), Viewer::Staff(staff), &cmd.warehouse_code).await?;
        let customer = party::find_customer(tx.conn(), &cmd.customer_code)
            .await?
            .ok_or_else(|| AppError::CustomerNotFound(cmd.customer_code.clone()))?;
        let day = day_code(now);
        let seq = sequence::next_value(tx.conn(), DocumentType::Adjustment.prefix(), &day).await?;
        let document_no = format_document_no(DocumentType::Adjustment, &day, seq);
        let adjustment_id = stock::insert_adjustment(
            &mut tx,
            &document_no,
            w.warehouse_id,
            customer.customer_id,
            &cmd.reason,
            staff.staff_id,
            now,
        )
        .await?;
        let mut movements = 0;
        // Lines per owner, for one `inventory.adjusted` event each.
        let mut reported: Vec<(i64, Vec<serde_json::Value>)> = Vec::new();
        // Documents often repeat SKUs and locations: look each up once.
        let mut known_products: HashMap<(i64, String), products::ProductRow> = HashMap::new();
        let mut known_customers: HashMap<String, i64> = HashMap::from([(customer.code.clone(), customer.customer_id)]);
        let mut known_places: HashMap<String, Place> = HashMap::new();
        for (index, line) in cmd.lines.iter().enumerate() {
            let line_no = index as i64 + 1;
            let doc = DocumentRef {
                document_type: DocumentType::Adjustment.as_str().to_owned(),
                document_no: document_no.clone(),
                line: line_no,
                operator: staff.operator(),
                reason: Some(line.reason.clone().unwrap_or_else(|| cmd.reason.clone())),
            };
            let owner_code = line.customer_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
            let owner = match owner_code.map(|c| (c, known_customers.get(c))) {
                None => customer.customer_id,
                Some((_, Some(id))) => *id,
                Some((code, None)) => {
                    let found = party::find_customer(tx.conn(), code)
                        .await?
                        .ok_or_else(|| AppError::CustomerNotFound(code.to_owned()))?;
                    known_customers.insert(code.to_owned(), found.customer_id);
                    found.customer_id
                }
            };
            let product = match known_products.get(&(owner, line.sku.clone())) {
                Some(p) => p.clone(),
                None => {
                    let p = products::find_product(tx.conn(), owner, &line.sku)
                        .await?
                        .ok_or_else(|| AppError::SkuNotFound(line.sku.clone()))?;
                    known_products.insert((owner, line.sku.clone()), p.clone());
                    p
                }
            };
            let location_code = line.location_code.trim().to_ascii_uppercase();
            let place = match known_places.get(&location_code) {
                Some(p) => p.clone(),
                None => {
                    let l = warehouse::find_location(tx.conn(), w.warehouse_id, &location_code)
                        .await?
                        .ok_or_else(|| AppError::LocationNotFound(line.location_code.clone()))?;
                    let p = Place { location_id: l.location_id, code: l.code };
                    known_places.insert(location_code, p.clone());
                    p
                }
            };
            let item = Item {
                customer_id: owner,
                warehouse_id: w.warehouse_id,
                product_id: product.product_id,
                condition: line.condition,
            };
            let serial_managed = product.serial_managed != 0;
            if serial_managed && line.serials.len() as i64 != line.quantity.abs() {
                return Err(AppError::SerialMismatch {
                    sku: line.sku.clone(),
                    reason: format!("{} units need {} serial numbers", line.quantity.abs(), line.quantity.abs()),
                });
            }
            if !serial_managed && !line.serials.is_empty() {
                return Err(AppError::SerialMismatch {
                    sku: line.sku.clone(),
                    reason: "the SKU is not serial managed".into(),
                });
            }
            let parts = if line.quantity > 0 {
                let lot_id = self.lot_for_receipt(&mut tx, owner, &product, line, now).await?;
                let q = quantity(line.quantity)?;
                stock::receive(&mut tx, item, VirtualLocation::Adjustment, &place, lot_id, q, &doc, now)
                    .await
                    .map_err(|e| AppError::from_store_for_sku(e, &line.sku))?;
                if serial_managed {
                    check_serials_absent(&mut tx, product.product_id, &line.sku, &line.serials).await?;
                    stock::serials_in(&mut tx, item, place.location_id, lot_id, &line.serials, &document_no, now)
                        .await?;
                }
                stock::insert_adjustment_line(
                    &mut tx,
                    adjustment_id,
                    AdjustmentLineRow {
                        line_no,
                        customer_id: owner,
                        product_id: product.product_id,
                        location_id: place.location_id,
                        lot_id,
                        condition: line.condition,
                        quantity: line.quantity,
                        reason: line.reason.as_deref(),
                    },
                )
                .await?;
                1
            } else {
                let takes = self.lots_for_issue(&mut tx, item, &place, line, &product.sku).await?;
                for (lot_id, units) in &takes {
                    stock::issue(
                        &mut tx,
                        item,
                        &place,
                        VirtualLocation::Adjustment,
                        *lot_id,
                        quantity(*units)?,
                        &doc,
                        now,
                    )
                    .await
                    .map_err(|e| AppError::from_store_for_sku(e, &line.sku))?;
                }
                if serial_managed {
                    check_serials_at(&mut tx, item, &place, &line.sku, &line.serials).await?;
                    stock::serials_out(&mut tx, product.product_id, &line.serials, &document_no, now).await?;
                }
                let first_lot = takes.first().map(|(lot, _)| *lot).unwrap_or_default();
                stock::insert_adjustment_line(
                    &mut tx,
                    adjustment_id,
                    AdjustmentLineRow {
                        line_no,
                        customer_id: owner,
                        product_id: product.product_id,
                        location_id: place.location_id,
                        lot_id: first_lot,
                        condition: line.condition,
                        quantity: line.quantity,
                        reason: line.reason.as_deref(),
                    },
                )
                .await?;
                takes.len()
            };
            movements += parts;
            let line_event = serde_json::json!({
                "lineNo": line_no,
                "sku": line.sku,
                "locationCode": place.code,
                "condition": line.condition.as_str(),
                "quantity": line.quantity,
                "reason": doc.reason,
            });
            match reported.iter_mut().find(|(o, _)| *o == owner) {
                Some((_, lines)) => lines.push(line_event),
                None => reported.push((owner, vec![line_event])),
            }
        }
        for (owner, lines) in reported {
            let code = known_customers.iter().find(|(_, id)| **id == owner).map(|(c, _)| c.as_str()).unwrap_or("");
            let mine = known_products.iter().filter(|((o, _), _)| *o == owner);
            let products: Vec<(i64, String)> = mine.map(|(_, p)| (p.product_id, p.sku.clone())).collect();
            let stock = events::stock_after(&mut tx, owner, w.warehouse_id, products).await?;
            let data = serde_json::json!({"documentNo": document_no, "reason": cmd.reason, "lines": lines,
                                          "stock": stock});
            events::emit(&mut tx, (owner, code), events::INVENTORY_ADJUSTED, &w.code, data, now).await?;
        }
        let detail = serde_json::json!({"warehouse": w.code, "reason": cmd.reason, "lines": cmd.lines.len(),
                                        "units": cmd.lines.iter().map(|l| l.quantity).sum::<i64>()});
        let actor = audit::Actor::staff(staff);
        audit::record(tx.conn(), &actor, audit::action::ADJUSTMENT, &document_no, audit::Outcome::Success, detail)
            .await?;
        tx.commit().await?;
        Ok(AdjustmentResult { document_no, movements })
    }

    /// The lot units enter: the named one, or one per inbound day (and batch).
    async fn lot_for_receipt(
        &self,
        tx: &mut WriteTx,
        customer_id: i64,
        product: &products::ProductRow,
        line: &AdjustmentLine,
        now: i64,
    ) -> Result<i64, AppError> {
        let batch_no = line.batch_no.as_deref().map(str::trim).filter(|b| !b.is_empty());
        let expiry = date_field("lines.expiryDate", &line.expiry_date)?;
        let production = date_field("lines.productionDate", &line.production_date)?;
        if product.batch_managed != 0 && batch_no.is_none() && expiry.is_none() && line.lot_code.is_none() {
            return Err(AppError::BatchRequired { sku: product.sku.clone() });
        }
        let lot_code = match &line.lot_code {
            Some(code) if !code.trim().is_empty() => code.trim().to_owned(),
            _ => {
                let mut code = format!("L{}", day_code(now));
                if let Some(b) = batch_no {
                    code.push('-');
                    code.push_str(b);
                }
                if let Some(e) = &expiry {
                    code.push_str("-E");
                    code.push_str(&e.replace('-', ""));
                }
                code
            }
        };
        Ok(stock::ensure_lot(
            tx,
            customer_id,
            product.product_id,
            &lot_code,
            now,
            batch_no,
            production.as_deref(),
            expiry.as_deref(),
        )
        .await?)
    }

    /// Which lots units leave from: the named lot, the serials' lots, or
    /// core's issue order (first to expire, then oldest inbound).
    async fn lots_for_issue(
        &self,
        tx: &mut WriteTx,
        item: Item,
        place: &Place,
        line: &AdjustmentLine,
        sku: &str,
    ) -> Result<Vec<(i64, i64)>, AppError> {
        let wanted = line.quantity.abs();
        let available = stock::lots_at(tx, item, place.location_id).await?;
        if let Some(code) = line.lot_code.as_deref().filter(|c| !c.trim().is_empty()) {
            let lot_id = stock::find_lot(tx, item.product_id, code.trim())
                .await?
                .ok_or_else(|| AppError::InvalidParam { field: "lines.lotCode", reason: format!("no lot {code}") })?;
            return Ok(vec![(lot_id, wanted)]);
        }
        if !line.serials.is_empty() {
            let states = stock::serial_states(tx, item.product_id, &line.serials).await?;
            let mut by_lot: Vec<(i64, i64)> = Vec::new();
            for (serial, _status, _w, _l, lot) in &states {
                let lot = lot.ok_or_else(|| AppError::SerialMismatch {
                    sku: sku.to_owned(),
                    reason: format!("{serial} has no lot"),
                })?;
                match by_lot.iter_mut().find(|(l, _)| *l == lot) {
                    Some((_, n)) => *n += 1,
                    None => by_lot.push((lot, 1)),
                }
            }
            return Ok(by_lot);
        }
        lots::take(&available, wanted).map_err(|on_hand| AppError::InsufficientStock {
            sku: sku.to_owned(),
            requested: wanted,
            available: on_hand,
        })
    }

    /// Reserves `quantity` GOOD units for a document (the outbound flow
    /// calls this; it is also what the race test drives).
    pub async fn reserve(
        &self,
        customer: &CustomerPrincipal,
        warehouse_code: &str,
        sku: &str,
        quantity: i64,
        document_no: &str,
    ) -> Result<i64, AppError> {
        let q = self::quantity(quantity)?;
        self.retrying(|| async {
            let mut tx = self.store.begin_write().await?;
            let w = warehouse_for(tx.conn(), Viewer::Customer(customer), warehouse_code).await?;
            let product = products::find_product(tx.conn(), customer.customer_id, sku)
                .await?
                .ok_or_else(|| AppError::SkuNotFound(sku.to_owned()))?;
            let item = Item {
                customer_id: customer.customer_id,
                warehouse_id: w.warehouse_id,
                product_id: product.product_id,
                condition: Condition::Good,
            };
            let doc = DocumentRef {
                document_type: DocumentType::Outbound.as_str().to_owned(),
                document_no: document_no.to_owned(),
                line: 1,
                operator: format!("customer:{}", customer.customer_code),
                reason: None,
            };
            let id = stock::reserve(&mut tx, item, q, &doc, now_ms())
                .await
                .map_err(|e| AppError::from_store_for_sku(e, sku))?;
            tx.commit().await?;
            Ok(id)
        })
        .await
    }

    pub async fn inventory(
        &self,
        customer: &CustomerPrincipal,
        filter: &StockFilter,
        page: PageRequest,
    ) -> Result<Page<StockLine>, AppError> {
        self.check_named_warehouses(Viewer::Customer(customer), &filter.warehouse_codes).await?;
        let mut conn = self.store.read().await?;
        let (rows, total) = stock::list_inventory(&mut conn, customer.customer_id, filter, page).await?;
        // Kits: how many one could assemble from the components on hand.
        let mut kits: Vec<i64> = rows
            .iter()
            .filter(|r| r.product_type == ProductType::Suite && r.condition == Condition::Good)
            .map(|r| r.product_id)
            .collect();
        kits.sort_unstable();
        kits.dedup();
        let buildable = haicang_store::product::buildable_kits(&mut conn, &kits).await?;
        let lines = rows
            .into_iter()
            .map(|row| {
                let kits = buildable
                    .iter()
                    .find(|(id, w, _)| {
                        *id == row.product_id && *w == row.warehouse_code && row.condition == Condition::Good
                    })
                    .map(|(_, _, n)| (*n).max(0));
                StockLine { row, buildable: kits }
            })
            .collect();
        Ok(Page::new(lines, page, total))
    }

    pub async fn inventory_lots(
        &self,
        customer: &CustomerPrincipal,
        filter: &StockFilter,
        page: PageRequest,
    ) -> Result<Page<LotRow>, AppError> {
        self.check_named_warehouses(Viewer::Customer(customer), &filter.warehouse_codes).await?;
        let (rows, total) =
            stock::list_lots(&mut *self.store.read().await?, customer.customer_id, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    pub async fn inventory_serials(
        &self,
        customer: &CustomerPrincipal,
        filter: &StockFilter,
        serials: &haicang_store::stock::SerialFilter,
        page: PageRequest,
    ) -> Result<Page<SerialRow>, AppError> {
        self.check_named_warehouses(Viewer::Customer(customer), &filter.warehouse_codes).await?;
        let (rows, total) =
            stock::list_serials(&mut *self.store.read().await?, customer.customer_id, filter, serials, page).await?;
        Ok(Page::new(rows, page, total))
    }

    pub async fn inventory_log(
        &self,
        customer: &CustomerPrincipal,
        filter: &MovementFilter,
        page: PageRequest,
    ) -> Result<Page<MovementRow>, AppError> {
        self.check_named_warehouses(Viewer::Customer(customer), &filter.stock.warehouse_codes).await?;
        let (rows, total) =
            stock::list_movements(&mut *self.store.read().await?, customer.customer_id, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }
}

/// A stock row and, for a kit, how many could be assembled now.
#[derive(Debug, Clone)]
pub struct StockLine {
    pub row: InventoryRow,
    pub buildable: Option<i64>,
}

fn quantity(value: i64) -> Result<Quantity, AppError> {
    Quantity::new(value.checked_abs().unwrap_or(0)).ok_or(AppError::InvalidParam {
        field: "quantity",
        reason: format!("a positive whole number of at most {MOVEMENT_QUANTITY_MAX}"),
    })
}

async fn check_serials_absent(
    tx: &mut WriteTx,
    product_id: i64,
    sku: &str,
    serials: &[String],
) -> Result<(), AppError> {
    let states = stock::serial_states(tx, product_id, serials).await?;
    if let Some((serial, ..)) = states.iter().find(|(_, status, ..)| *status == SerialStatus::InStock) {
        return Err(AppError::SerialMismatch { sku: sku.to_owned(), reason: format!("{serial} is already in stock") });
    }
    Ok(())
}

pub(crate) async fn check_serials_at(
    tx: &mut WriteTx,
    item: Item,
    place: &Place,
    sku: &str,
    serials: &[String],
) -> Result<(), AppError> {
    let states = stock::serial_states(tx, item.product_id, serials).await?;
    for serial in serials {
        let here = states.iter().any(|(s, status, w, l, _)| {
            s == serial
                && *status == SerialStatus::InStock
                && *w == Some(item.warehouse_id)
                && *l == Some(place.location_id)
        });
        if !here {
            return Err(AppError::SerialMismatch {
                sku: sku.to_owned(),
                reason: format!("{serial} is not at {}", place.code),
            });
        }
    }
    Ok(())
}
