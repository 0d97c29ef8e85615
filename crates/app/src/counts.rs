//! Stocktakes and cycle counts. A plan (CT…) has one sheet per location
//! of its scope. A counter enters what a location holds; the entry keeps,
//! per seller, SKU and condition, the count and the books at that moment
//! (the expected quantity). A variance beyond the plan's threshold opens a
//! recount that another counter must enter. Approval (SUPERVISOR) posts
//! each location's last count as ledger movements from `@COUNT_GAIN` or to
//! `@COUNT_LOSS` on the stock as it is then — so picks between the count
//! and the approval are not taken for losses — emits `inventory.counted`
//! per seller and reports the plan's accuracy.

use std::collections::BTreeMap;

use serde_json::json;

use haicang_core::decimal::format_fixed;
use haicang_core::document::{DocumentType, format_document_no};
use haicang_core::ledger::{Condition, MOVEMENT_QUANTITY_MAX, Quantity, VirtualLocation};
use haicang_core::location::LocationType;
use haicang_core::lots;
use haicang_store::counts::{self as store, CountPlanRow, EntryRow, Origin, SheetRow};
use haicang_store::product as products;
use haicang_store::stock::{self, DocumentRef, Item, Place};
use haicang_store::warehouse::{self, LocationRow};
use haicang_store::{WriteTx, party, sequence};

use crate::audit::{self, Actor, Outcome, action};
use crate::warehouses::enabled_warehouse_for;
use crate::{App, AppError, StaffPrincipal, Viewer, day_code, events, now_ms};

pub const INVENTORY_COUNTED: &str = "inventory.counted";
/// Locations one plan may cover.
pub const PLAN_LOCATIONS_MAX: usize = 5_000;
/// Lines of one count entry.
pub const ENTRY_LINES_MAX: usize = 200;
/// Longest lot code a count names.
pub const LOT_CHARS_MAX: usize = 50;

/// Which locations a plan counts: the union of what is named, narrowed by
/// zone and aisles.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CountScope {
    pub locations: Vec<String>,
    pub zone: Option<String>,
    pub aisles: Vec<i64>,
    pub skus: Vec<String>,
    pub customer_code: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CreateCountPlan {
    pub warehouse_code: String,
    pub scope: CountScope,
    pub blind: bool,
    pub recount_threshold: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct CountLine {
    /// SKU or barcode as scanned.
    pub code: String,
    pub customer_code: Option<String>,
    pub condition: Condition,
    /// The lot counted. Name it on every line of a SKU or on none: a SKU
    /// counted by lot is compared lot by lot, otherwise across its lots.
    pub lot_no: Option<String>,
    pub quantity: i64,
}

/// A plan with its sheets, entries and, once approved, its accuracy.
#[derive(Debug, Clone)]
pub struct CountPlanDetail {
    pub plan: CountPlanRow,
    pub sheets: Vec<SheetRow>,
    pub entries: Vec<EntryRow>,
    pub accuracy: Accuracy,
}

/// What a plan found, over each location's last count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accuracy {
    pub locations_counted: i64,
    pub locations_with_variance: i64,
    pub units_gained: i64,
    pub units_lost: i64,
    /// Declared value, in millionths of the declared currency.
    pub value_gained_micros: i64,
    pub value_lost_micros: i64,
}

/// The answer to an entry: the sheet's status and whether a recount opened.
#[derive(Debug, Clone)]
pub struct EntryResult {
    pub sheet: SheetRow,
    pub recount_opened: bool,
}

/// One seller's SKU in one condition (and lot, when counted by lot) at the
/// sheet's location: (customer code, SKU, lot code, counted, expected).
type Tally = (String, String, Option<String>, i64, i64);
/// (customer, product, condition, lot).
type TallyKey = (i64, i64, Condition, Option<i64>);
/// A line as resolved: (customer, customer code, product, SKU, lot id and
/// code when named).
type Counted = (i64, String, i64, String, Option<(i64, String)>);

/// Each location's last counted round.
fn last_counts(sheets: &[SheetRow], entries: &[EntryRow]) -> Vec<(SheetRow, Vec<EntryRow>)> {
    let mut last: BTreeMap<i64, &SheetRow> = BTreeMap::new();
    for s in sheets.iter().filter(|s| s.status == "COUNTED") {
        let keep = last.get(&s.location_id).is_none_or(|l| l.round < s.round);
        if keep {
            last.insert(s.location_id, s);
        }
    }
    last.into_values()
        .map(|s| (s.clone(), entries.iter().filter(|e| e.count_sheet_id == s.count_sheet_id).cloned().collect()))
        .collect()
}

fn accuracy(counts: &[(SheetRow, Vec<EntryRow>)]) -> Accuracy {
    let mut a = Accuracy { locations_counted: counts.len() as i64, ..Default::default() };
    for (_, entries) in counts {
        let mut varied = false;
        for e in entries {
            let variance = e.counted - e.expected;
            let value = e.declared_value_micros.unwrap_or(0).saturating_mul(variance.abs());
            if variance > 0 {
                a.units_gained += variance;
                a.value_gained_micros = a.value_gained_micros.saturating_add(value);
            } else if variance < 0 {
                a.units_lost -= variance;
                a.value_lost_micros = a.value_lost_micros.saturating_add(value);
            }
            varied |= variance != 0;
        }
        a.locations_with_variance += i64::from(varied);
    }
    a
}

/// A short pick: the picker found less than the books at a location.
/// The location gets a blind count plan of its own (origin SHORT_PICK,
/// naming the order) in the picker's transaction, unless an open plan
/// already covers it; the count is entered and approved like any other.
/// Returns the new plan's number.
pub(crate) async fn open_short_pick_count(
    tx: &mut WriteTx,
    warehouse_id: i64,
    location: (i64, &str),
    order_no: &str,
    staff: &StaffPrincipal,
    now: i64,
) -> Result<Option<String>, AppError> {
    let (location_id, location_code) = location;
    let busy = store::locations_being_counted(tx, warehouse_id).await?;
    if busy.iter().any(|(id, _)| *id == location_id) {
        return Ok(None);
    }
    let day = day_code(now);
    let seq = sequence::next_value(tx.conn(), DocumentType::Count.prefix(), &day).await?;
    let plan_no = format_document_no(DocumentType::Count, &day, seq);
    let scope = CountScope { locations: vec![location_code.to_owned()], ..Default::default() };
    let scope = serde_json::to_string(&scope).unwrap_or_default();
    let origin = Origin::ShortPick { order_no };
    let plan_id =
        store::insert_plan(tx, &plan_no, warehouse_id, true, None, &scope, origin, staff.staff_id, now).await?;
    store::insert_sheet(tx, plan_id, location_id, 1).await?;
    Ok(Some(plan_no))
}

/// Declared value as the event and views show it ("12.50").
pub fn money(micros: i64) -> String {
    format_fixed(micros / 10_000, 2, 2)
}

impl App {
    /// `POST /ops/count-plans`: one sheet per location of the scope. A
    /// location already on an open plan cannot be counted twice at once.
    pub async fn create_count_plan(
        &self,
        staff: &StaffPrincipal,
        cmd: &CreateCountPlan,
    ) -> Result<CountPlanDetail, AppError> {
        let s = &cmd.scope;
        if s.locations.is_empty()
            && s.zone.is_none()
            && s.aisles.is_empty()
            && s.skus.is_empty()
            && s.customer_code.is_none()
        {
            return Err(AppError::MissingParam { field: "scope" });
        }
        if cmd.recount_threshold.is_some_and(|t| !(0..=MOVEMENT_QUANTITY_MAX).contains(&t)) {
            return Err(AppError::InvalidParam { field: "recountThreshold", reason: "0 or more units".into() });
        }
        let plan_no = self.retrying(|| self.create_plan_once(staff, cmd)).await?;
        self.count_plan(staff, &plan_no).await
    }

    async fn create_plan_once(&self, staff: &StaffPrincipal, cmd: &CreateCountPlan) -> Result<String, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let w = enabled_warehouse_for(tx.conn(), Viewer::Staff(staff), &cmd.warehouse_code).await?;
        let locations = self.scope_locations(&mut tx, w.warehouse_id, &cmd.scope).await?;
        if locations.is_empty() {
            return Err(AppError::InvalidParam { field: "scope", reason: "no location to count".into() });
        }
        if locations.len() > PLAN_LOCATIONS_MAX {
            return Err(AppError::InvalidParam {
                field: "scope",
                reason: format!("at most {PLAN_LOCATIONS_MAX} locations per plan"),
            });
        }
        let busy = store::locations_being_counted(&mut tx, w.warehouse_id).await?;
        if let Some((_, code)) = busy.into_iter().find(|(id, _)| locations.iter().any(|l| l.location_id == *id)) {
            return Err(AppError::CountInProgress(code));
        }
        let day = day_code(now);
        let seq = sequence::next_value(tx.conn(), DocumentType::Count.prefix(), &day).await?;
        let plan_no = format_document_no(DocumentType::Count, &day, seq);
        let scope = serde_json::to_string(&cmd.scope).unwrap_or_default();
        let plan_id = store::insert_plan(
            &mut tx,
            &plan_no,
            w.warehouse_id,
            cmd.blind,
            cmd.recount_threshold,
            &scope,
            Origin::Planned,
            staff.staff_id,
            now,
        )
        .await?;
        for l in &locations {
            store::insert_sheet(&mut tx, plan_id, l.location_id, 1).await?;
        }
        let detail = json!({"warehouse": w.code, "locations": locations.len(), "blind": cmd.blind, "scope": cmd.scope});
        audit::record(tx.conn(), &Actor::staff(staff), action::COUNT_PLAN, &plan_no, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(plan_no)
    }

    /// `GET /ops/count-tasks`: sheets waiting for a counter, planned or
    /// opened by short picks.
    pub async fn open_count_tasks(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
    ) -> Result<Vec<SheetRow>, AppError> {
        let mut conn = self.store.read().await?;
        let w = crate::warehouses::warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        Ok(store::open_sheets(&mut conn, w.warehouse_id).await?)
    }

    async fn scope_locations(
        &self,
        tx: &mut WriteTx,
        warehouse_id: i64,
        scope: &CountScope,
    ) -> Result<Vec<LocationRow>, AppError> {
        let all = warehouse::enabled_locations(tx.conn(), warehouse_id).await?;
        let named: Vec<String> = scope.locations.iter().map(|c| c.trim().to_ascii_uppercase()).collect();
        if let Some(missing) = named.iter().find(|c| !all.iter().any(|l| &l.code == *c)) {
            return Err(AppError::LocationNotFound(missing.clone()));
        }
        let customer = match scope.customer_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => Some(
                party::find_customer(tx.conn(), code)
                    .await?
                    .ok_or_else(|| AppError::CustomerNotFound(code.to_owned()))?
                    .customer_id,
            ),
            None => None,
        };
        let skus: Vec<String> = scope.skus.iter().map(|s| s.trim().to_owned()).collect();
        let holding = if skus.is_empty() && customer.is_none() {
            None
        } else {
            Some(store::locations_holding(tx, warehouse_id, &skus, customer).await?)
        };
        let holds_stock = |t: LocationType| !matches!(t, LocationType::Packing | LocationType::Shipping);
        let mut out = Vec::new();
        for l in all {
            let in_named = named.is_empty() || named.contains(&l.code);
            let in_zone = scope.zone.as_deref().is_none_or(|z| l.zone.eq_ignore_ascii_case(z.trim()));
            let in_aisles = scope.aisles.is_empty() || scope.aisles.contains(&l.aisle);
            if !(in_named && in_zone && in_aisles && holds_stock(l.location_type)) {
                continue;
            }
            if holding.as_ref().is_some_and(|ids| !ids.contains(&l.location_id)) {
                continue;
            }
            out.push(l);
        }
        Ok(out)
    }

    pub async fn count_plan(&self, staff: &StaffPrincipal, plan_no: &str) -> Result<CountPlanDetail, AppError> {
        let mut conn = self.store.read().await?;
        let plan = store::find_plan(&mut conn, plan_no.trim())
            .await?
            .ok_or_else(|| AppError::CountPlanNotFound(plan_no.trim().to_owned()))?;
        staff.check_warehouse(plan.warehouse_id, &plan.warehouse_code)?;
        let sheets = store::sheets_of_plan(&mut conn, plan.count_plan_id).await?;
        let entries = store::entries_of_plan(&mut conn, plan.count_plan_id).await?;
        let accuracy = accuracy(&last_counts(&sheets, &entries));
        Ok(CountPlanDetail { plan, sheets, entries, accuracy })
    }

    /// `POST /ops/count-tasks/{id}/entries`: what the counter found at the
    /// sheet's location (everything the books hold there and the counter
    /// did not name counts as 0).
    pub async fn enter_count(
        &self,
        staff: &StaffPrincipal,
        sheet_id: i64,
        lines: &[CountLine],
    ) -> Result<EntryResult, AppError> {
        if lines.len() > ENTRY_LINES_MAX {
            return Err(AppError::InvalidParam { field: "lines", reason: format!("at most {ENTRY_LINES_MAX}") });
        }
        if lines.iter().any(|l| !(0..=MOVEMENT_QUANTITY_MAX).contains(&l.quantity)) {
            return Err(AppError::InvalidParam {
                field: "lines.quantity",
                reason: format!("0 to {MOVEMENT_QUANTITY_MAX} units"),
            });
        }
        if lines
            .iter()
            .any(|l| l.lot_no.as_deref().is_some_and(|n| haicang_core::text::char_len(n.trim()) > LOT_CHARS_MAX))
        {
            return Err(AppError::InvalidParam {
                field: "lines.lotNo",
                reason: format!("at most {LOT_CHARS_MAX} characters"),
            });
        }
        self.retrying(|| self.enter_once(staff, sheet_id, lines)).await
    }

    async fn enter_once(
        &self,
        staff: &StaffPrincipal,
        sheet_id: i64,
        lines: &[CountLine],
    ) -> Result<EntryResult, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let sheet = store::lock_sheet(&mut tx, sheet_id).await?.ok_or(AppError::CountTaskNotFound(sheet_id))?;
        staff.check_warehouse(sheet.warehouse_id, &sheet.warehouse_code)?;
        if sheet.plan_status != "OPEN" || sheet.status != "OPEN" {
            return Err(AppError::CountTaskClosed { task: sheet_id, location: sheet.location_code.clone() });
        }
        if sheet.round > 1 {
            let sheets = store::sheets_of_plan(tx.conn(), sheet.count_plan_id).await?;
            let first = sheets.iter().find(|s| s.location_id == sheet.location_id && s.round == sheet.round - 1);
            if first.and_then(|s| s.counter.as_deref()) == Some(staff.username.as_str()) {
                return Err(AppError::RecountBySameCounter(sheet.location_code.clone()));
            }
        }
        let books = store::book_stock_at(&mut tx, sheet.location_id).await?;
        // Each line: whose goods, which product, and the lot when named.
        let mut resolved: Vec<Counted> = Vec::with_capacity(lines.len());
        for line in lines {
            let scanned = line.code.trim();
            let named = line.customer_code.as_deref().map(str::trim).filter(|c| !c.is_empty());
            let mut on_books: Vec<(i64, String, i64, String)> = books
                .iter()
                .filter(|b| (b.sku == scanned || b.barcode == scanned) && named.is_none_or(|n| n == b.customer_code))
                .map(|b| (b.customer_id, b.customer_code.clone(), b.product_id, b.sku.clone()))
                .collect();
            on_books.dedup();
            let (customer_id, customer_code, product_id, sku) = match on_books.first() {
                Some(found) if on_books.iter().all(|b| b.0 == found.0) => found.clone(),
                Some(_) => {
                    return Err(AppError::InvalidParam {
                        field: "lines.customerCode",
                        reason: format!("{scanned} at {} belongs to several sellers: name one", sheet.location_code),
                    });
                }
                // Not on the books here: found goods of a named seller (by
                // SKU or barcode).
                None => {
                    let code = named.ok_or(AppError::SkuNotFound(scanned.to_owned()))?;
                    let c = party::find_customer(tx.conn(), code)
                        .await?
                        .ok_or_else(|| AppError::CustomerNotFound(code.to_owned()))?;
                    let p = match products::find_product(tx.conn(), c.customer_id, scanned).await? {
                        Some(p) => p,
                        None => products::find_by_barcode(tx.conn(), c.customer_id, scanned)
                            .await?
                            .ok_or_else(|| AppError::SkuNotFound(scanned.to_owned()))?,
                    };
                    (c.customer_id, c.code, p.product_id, p.sku)
                }
            };
            let lot = match line.lot_no.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
                None => None,
                // A lot found here that the books put elsewhere (or nowhere)
                // is still that lot: created on first sight.
                Some(code) => {
                    let id = stock::ensure_lot(&mut tx, customer_id, product_id, code, now, None, None, None).await?;
                    Some((id, code.to_owned()))
                }
            };
            resolved.push((customer_id, customer_code, product_id, sku, lot));
        }
        // A SKU is counted by lot or across its lots, never both at once.
        let by_lot: std::collections::BTreeSet<(i64, i64, Condition)> =
            lines.iter().zip(&resolved).filter(|(_, r)| r.4.is_some()).map(|(l, r)| (r.0, r.2, l.condition)).collect();
        if let Some((_, r)) =
            lines.iter().zip(&resolved).find(|(l, r)| r.4.is_none() && by_lot.contains(&(r.0, r.2, l.condition)))
        {
            return Err(AppError::InvalidParam {
                field: "lines.lotNo",
                reason: format!("{} is counted by lot: name the lot on each of its lines", r.3),
            });
        }
        let mut counted: BTreeMap<TallyKey, Tally> = BTreeMap::new();
        for b in &books {
            let lot = by_lot.contains(&(b.customer_id, b.product_id, b.condition)).then_some(b.lot_id);
            let entry = counted.entry((b.customer_id, b.product_id, b.condition, lot)).or_insert((
                b.customer_code.clone(),
                b.sku.clone(),
                lot.map(|_| b.lot_no.clone()),
                0,
                0,
            ));
            entry.4 += b.units;
        }
        for (line, (customer_id, customer_code, product_id, sku, lot)) in lines.iter().zip(resolved) {
            let key = (customer_id, product_id, line.condition, lot.as_ref().map(|l| l.0));
            let entry = counted.entry(key).or_insert((customer_code, sku, lot.map(|l| l.1), 0, 0));
            entry.3 = entry.3.saturating_add(line.quantity);
        }
        let mut over_threshold = false;
        for ((customer_id, product_id, condition, lot_id), (customer_code, sku, lot_no, units, expected)) in &counted {
            let variance = (units - expected).abs();
            over_threshold |= sheet.recount_threshold.is_some_and(|t| variance > t);
            let entry = EntryRow {
                count_sheet_id: sheet.count_sheet_id,
                customer_id: *customer_id,
                customer_code: customer_code.clone(),
                product_id: *product_id,
                sku: sku.clone(),
                condition: *condition,
                lot_id: *lot_id,
                lot_no: lot_no.clone(),
                counted: *units,
                expected: *expected,
                declared_value_micros: None,
            };
            store::insert_entry(&mut tx, sheet.count_sheet_id, &entry).await?;
        }
        store::mark_counted(&mut tx, sheet.count_sheet_id, &staff.username, now).await?;
        let recount_opened = over_threshold && sheet.round == 1;
        if recount_opened {
            store::insert_sheet(&mut tx, sheet.count_plan_id, sheet.location_id, 2).await?;
        }
        tx.commit().await?;
        let sheet = SheetRow { status: "COUNTED".into(), counter: Some(staff.username.clone()), ..sheet };
        Ok(EntryResult { sheet, recount_opened })
    }

    /// `POST /ops/count-plans/{no}/approve` (SUPERVISOR).
    pub async fn approve_count_plan(&self, staff: &StaffPrincipal, plan_no: &str) -> Result<CountPlanDetail, AppError> {
        self.retrying(|| self.approve_once(staff, plan_no)).await?;
        self.count_plan(staff, plan_no).await
    }

    async fn approve_once(&self, staff: &StaffPrincipal, plan_no: &str) -> Result<(), AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let plan = store::lock_plan(&mut tx, plan_no.trim())
            .await?
            .ok_or_else(|| AppError::CountPlanNotFound(plan_no.trim().to_owned()))?;
        staff.check_warehouse(plan.warehouse_id, &plan.warehouse_code)?;
        if plan.status != "OPEN" {
            return Err(AppError::CountPlanApproved(plan.plan_no.clone()));
        }
        let sheets = store::sheets_of_plan(tx.conn(), plan.count_plan_id).await?;
        let open = sheets.iter().filter(|s| s.status == "OPEN").count();
        if open > 0 {
            return Err(AppError::CountPlanIncomplete { plan_no: plan.plan_no.clone(), open });
        }
        let entries = store::entries_of_plan(tx.conn(), plan.count_plan_id).await?;
        let counts = last_counts(&sheets, &entries);
        let mut per_seller: BTreeMap<i64, (String, Vec<serde_json::Value>)> = BTreeMap::new();
        let mut line = 0;
        for (sheet, entries) in &counts {
            let place = Place { location_id: sheet.location_id, code: sheet.location_code.clone() };
            for e in entries.iter().filter(|e| e.counted != e.expected) {
                line += 1;
                let item = Item {
                    customer_id: e.customer_id,
                    warehouse_id: plan.warehouse_id,
                    product_id: e.product_id,
                    condition: e.condition,
                };
                let doc = DocumentRef {
                    document_type: DocumentType::Count.as_str().to_owned(),
                    document_no: plan.plan_no.clone(),
                    line,
                    operator: staff.operator(),
                    reason: Some(format!("counted {} of {} expected", e.counted, e.expected)),
                };
                let variance = e.counted - e.expected;
                self.post_variance(&mut tx, item, &place, e.lot_id, variance, &plan.plan_no, &doc, &e.sku, now).await?;
                per_seller.entry(e.customer_id).or_insert_with(|| (e.customer_code.clone(), Vec::new())).1.push(
                    json!({
                        "locationCode": sheet.location_code, "sku": e.sku, "condition": e.condition, "lotNo": e.lot_no,
                        "expected": e.expected, "counted": e.counted, "variance": variance,
                    }),
                );
            }
        }
        store::approve_plan(&mut tx, plan.count_plan_id, staff.staff_id, now).await?;
        let a = accuracy(&counts);
        for (customer_id, (code, lines)) in per_seller {
            let data = json!({"documentNo": plan.plan_no, "warehouseCode": plan.warehouse_code, "lines": lines});
            events::emit(&mut tx, (customer_id, &code), INVENTORY_COUNTED, &plan.warehouse_code, data, now).await?;
        }
        let detail = json!({"locationsCounted": a.locations_counted, "locationsWithVariance": a.locations_with_variance,
            "unitsGained": a.units_gained, "unitsLost": a.units_lost});
        audit::record(tx.conn(), &Actor::staff(staff), action::COUNT_APPROVAL, &plan.plan_no, Outcome::Success, detail)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A count by lot: the gain into or the loss from that lot. Otherwise
    /// a gain into the location's newest lot (or the plan's own), a loss
    /// from its lots in issue order.
    #[allow(clippy::too_many_arguments)]
    async fn post_variance(
        &self,
        tx: &mut WriteTx,
        item: Item,
        place: &Place,
        counted_lot: Option<i64>,
        variance: i64,
        plan_no: &str,
        doc: &DocumentRef,
        sku: &str,
        now: i64,
    ) -> Result<(), AppError> {
        let mut lots_here = stock::lots_at(tx, item, place.location_id).await?;
        if let Some(lot_id) = counted_lot {
            lots_here.retain(|l| l.lot_id == lot_id);
        }
        let units = |n: i64| {
            Quantity::new(n).ok_or(AppError::InvalidParam { field: "quantity", reason: "out of range".into() })
        };
        if variance > 0 {
            let newest = lots_here.iter().max_by_key(|l| (l.inbound_at, l.lot_id)).map(|l| l.lot_id);
            let lot_id = match counted_lot.or(newest) {
                Some(lot_id) => lot_id,
                None => {
                    stock::ensure_lot(tx, item.customer_id, item.product_id, plan_no, now, None, None, None).await?
                }
            };
            stock::receive(tx, item, VirtualLocation::CountGain, place, lot_id, units(variance)?, doc, now)
                .await
                .map_err(|e| AppError::from_store_for_sku(e, sku))?;
        } else {
            let takes = lots::take(&lots_here, -variance).map_err(|there| AppError::InsufficientStock {
                sku: sku.to_owned(),
                requested: -variance,
                available: there,
            })?;
            for (lot_id, n) in takes {
                stock::issue(tx, item, place, VirtualLocation::CountLoss, lot_id, units(n)?, doc, now)
                    .await
                    .map_err(|e| AppError::from_store_for_sku(e, sku))?;
            }
        }
        Ok(())
    }
}
