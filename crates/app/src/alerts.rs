//! Stock alerts. A seller keeps rules (`PUT /alert-rules`); an alert
//! opens once when a rule is breached and closes when it clears, each
//! change a `stock.alert` event. LOW_AVAILABLE is judged whenever an event
//! reports stock of a SKU (only the SKUs it touched); every rule is judged
//! by the sweep (`serve` hourly, `POST /ops/alerts/sweep`) and when the
//! rules are set.

use std::collections::BTreeMap;

use serde_json::json;

use haicang_core::alerts::{self as rules, AlertType};
use haicang_store::alerts::{self as store, AlertFilter, AlertRow, Fact, NewAlert, NewRule, RuleRow};
use haicang_store::{WriteTx, product as products};

use crate::audit::{self, Actor, Outcome, action};
use crate::{App, AppError, CustomerPrincipal, Page, PageRequest, StaffPrincipal, events, now_ms};

pub const STOCK_ALERT: &str = "stock.alert";
const DAY_MS: i64 = 86_400_000;

/// A rule as the seller sends it.
#[derive(Debug, Clone)]
pub struct RuleInput {
    pub alert_type: String,
    pub sku: Option<String>,
    pub warehouse_code: Option<String>,
    pub threshold: i64,
}

/// What a judgement changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Judged {
    pub opened: usize,
    pub closed: usize,
}

/// A breach: the alert it should have open.
struct Breach {
    alert_type: AlertType,
    product_id: i64,
    sku: String,
    warehouse_id: i64,
    warehouse_code: String,
    lot_id: Option<i64>,
    value: i64,
    threshold: i64,
}

fn day_number(text: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis() / DAY_MS)
}

/// The value a rule compares: units, or days.
fn observed(alert_type: AlertType, fact: &Fact, now: i64) -> Option<i64> {
    match alert_type {
        AlertType::LowAvailable => Some(fact.value),
        AlertType::Ageing | AlertType::NoMovement => Some((now - fact.value).max(0) / DAY_MS),
        AlertType::Expiring => Some(day_number(fact.expiry_date.as_deref()?)? - now / DAY_MS),
    }
}

/// Judges the customer's rules of `types` (for LOW_AVAILABLE, only
/// `products` when given), opens and closes alerts, and writes a
/// `stock.alert` for each change, in the caller's transaction.
pub(crate) async fn judge(
    tx: &mut WriteTx,
    customer: (i64, &str),
    all_rules: &[RuleRow],
    types: &[AlertType],
    products: Option<&[i64]>,
    now: i64,
) -> Result<Judged, AppError> {
    let considered: Vec<&RuleRow> = all_rules.iter().filter(|r| types.contains(&r.alert_type)).collect();
    if considered.is_empty() && products.is_some() {
        return Ok(Judged::default());
    }
    let mut facts: BTreeMap<AlertType, Vec<Fact>> = BTreeMap::new();
    for t in types {
        if !considered.iter().any(|r| r.alert_type == *t) {
            continue;
        }
        let rows = match t {
            AlertType::LowAvailable => store::available(tx, customer.0, products.unwrap_or(&[])).await?,
            AlertType::Expiring | AlertType::Ageing => store::lots_held(tx, customer.0).await?,
            AlertType::NoMovement => store::last_movement(tx, customer.0).await?,
        };
        facts.insert(*t, rows);
    }
    let mut breaches: BTreeMap<String, Breach> = BTreeMap::new();
    for rule in &considered {
        let Some(rows) = facts.get(&rule.alert_type) else { continue };
        for fact in rows {
            if rule.product_id.is_some_and(|p| p != fact.product_id)
                || rule.warehouse_id.is_some_and(|w| w != fact.warehouse_id)
            {
                continue;
            }
            let Some(value) = observed(rule.alert_type, fact, now) else { continue };
            if !rule.alert_type.breached(value, rule.threshold) {
                continue;
            }
            let key = format!(
                "{}/{}/{}/{}",
                rule.alert_type.as_str(),
                fact.product_id,
                fact.warehouse_id,
                fact.lot_id.unwrap_or(0)
            );
            breaches.entry(key).or_insert(Breach {
                alert_type: rule.alert_type,
                product_id: fact.product_id,
                sku: fact.sku.clone(),
                warehouse_id: fact.warehouse_id,
                warehouse_code: fact.warehouse_code.clone(),
                lot_id: fact.lot_id,
                value,
                threshold: rule.threshold,
            });
        }
    }
    let open = store::open_alerts(tx, customer.0).await?;
    let in_scope = |a: &AlertRow| {
        types.contains(&a.alert_type)
            && products.is_none_or(|ps| {
                a.rule_key.split('/').nth(1).and_then(|p| p.parse::<i64>().ok()).is_some_and(|p| ps.contains(&p))
            })
    };
    let mut judged = Judged::default();
    for a in open.iter().filter(|a| in_scope(a)) {
        if !breaches.contains_key(&a.rule_key) {
            store::close_alert(tx, a.stock_alert_id, now).await?;
            let data = json!({"alertType": a.alert_type.as_str(), "status": "CLOSED", "sku": a.sku,
                "warehouseCode": a.warehouse_code, "lotNo": a.lot_no, "threshold": a.threshold});
            events::write(tx, customer, STOCK_ALERT, &a.warehouse_code, data, now).await?;
            judged.closed += 1;
        }
    }
    for (key, b) in &breaches {
        if open.iter().any(|a| &a.rule_key == key) {
            continue;
        }
        let new = NewAlert {
            customer_id: customer.0,
            alert_type: b.alert_type,
            rule_key: key,
            product_id: b.product_id,
            warehouse_id: b.warehouse_id,
            lot_id: b.lot_id,
            value: b.value,
            threshold: b.threshold,
        };
        store::open_alert(tx, &new, now).await?;
        let data = json!({"alertType": b.alert_type.as_str(), "status": "OPEN", "sku": b.sku,
            "warehouseCode": b.warehouse_code, "value": b.value, "threshold": b.threshold});
        events::write(tx, customer, STOCK_ALERT, &b.warehouse_code, data, now).await?;
        judged.opened += 1;
    }
    Ok(judged)
}

/// After an event that reports stock: LOW_AVAILABLE for the SKUs it names.
pub(crate) async fn on_event(
    tx: &mut WriteTx,
    customer: (i64, &str),
    data: &serde_json::Value,
    now: i64,
    rules: crate::events::AlertRules<'_>,
) -> Result<(), AppError> {
    let mut skus: Vec<String> = Vec::new();
    for key in ["stock", "skuList"] {
        if let Some(list) = data[key].as_array() {
            skus.extend(list.iter().filter_map(|s| s["sku"].as_str().map(str::to_owned)));
        }
    }
    if skus.is_empty() {
        return Ok(());
    }
    skus.sort();
    skus.dedup();
    let read;
    let rules = match rules {
        crate::events::AlertRules::Known(rules) => rules,
        crate::events::AlertRules::ReadInside => {
            read = store::rules(tx.conn(), customer.0).await?;
            &read[..]
        }
    };
    if !rules.iter().any(|r| r.alert_type == AlertType::LowAvailable) {
        return Ok(());
    }
    let ids: Vec<i64> =
        products::products_by_sku(tx.conn(), customer.0, &skus).await?.into_iter().map(|p| p.product_id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    judge(tx, customer, rules, &[AlertType::LowAvailable], Some(&ids), now).await?;
    Ok(())
}

impl App {
    /// `PUT /alert-rules`: the seller's rules, all at once (judged now).
    pub async fn set_alert_rules(
        &self,
        customer: &CustomerPrincipal,
        input: &[RuleInput],
    ) -> Result<Vec<RuleRow>, AppError> {
        if input.len() > rules::RULES_MAX {
            return Err(AppError::InvalidParam { field: "rules", reason: format!("at most {}", rules::RULES_MAX) });
        }
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let mut parsed: Vec<NewRule> = Vec::with_capacity(input.len());
        for r in input {
            let alert_type = AlertType::parse(&r.alert_type).ok_or(AppError::InvalidParam {
                field: "type",
                reason: "LOW_AVAILABLE, EXPIRING, AGEING or NO_MOVEMENT".into(),
            })?;
            if !(0..=alert_type.threshold_max()).contains(&r.threshold) {
                return Err(AppError::InvalidParam {
                    field: "threshold",
                    reason: format!("0 to {} for {}", alert_type.threshold_max(), alert_type.as_str()),
                });
            }
            // Left out (or null) is every SKU; a SKU given must be one.
            let product_id = match r.sku.as_deref().map(str::trim) {
                None => None,
                Some("") => {
                    return Err(AppError::InvalidParam { field: "sku", reason: "a SKU, or leave it out".into() });
                }
                Some(sku) => Some(
                    products::find_product(tx.conn(), customer.customer_id, sku)
                        .await?
                        .ok_or_else(|| AppError::SkuNotFound(sku.to_owned()))?
                        .product_id,
                ),
            };
            let warehouse_id = match r.warehouse_code.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(code) => {
                    Some(crate::warehouses::ordering_warehouse(tx.conn(), customer, code).await?.warehouse_id)
                }
            };
            parsed.push((alert_type, product_id, warehouse_id, r.threshold));
        }
        store::replace_rules(&mut tx, customer.customer_id, &parsed, now).await?;
        let who = (customer.customer_id, customer.customer_code.as_str());
        let set = store::rules(tx.conn(), customer.customer_id).await?;
        judge(&mut tx, who, &set, AlertType::ALL, None, now).await?;
        tx.commit().await?;
        Ok(set)
    }

    pub async fn alert_rules(&self, customer: &CustomerPrincipal) -> Result<Vec<RuleRow>, AppError> {
        Ok(store::rules(&mut *self.store.read().await?, customer.customer_id).await?)
    }

    pub async fn alerts(
        &self,
        customer: &CustomerPrincipal,
        filter: &AlertFilter,
        page: PageRequest,
    ) -> Result<Page<AlertRow>, AppError> {
        let (rows, total) =
            store::list_alerts(&mut *self.store.read().await?, customer.customer_id, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    /// Judges every rule of every seller (each seller in its own
    /// transaction).
    pub async fn sweep_alerts(&self, actor: &Actor<'_>) -> Result<Judged, AppError> {
        let customers = store::customers_with_rules(&mut *self.store.read().await?).await?;
        let now = now_ms();
        let mut total = Judged::default();
        for (customer_id, code) in customers {
            let mut tx = self.store.begin_write().await?;
            let set = store::rules(tx.conn(), customer_id).await?;
            let j = judge(&mut tx, (customer_id, &code), &set, AlertType::ALL, None, now).await?;
            tx.commit().await?;
            total.opened += j.opened;
            total.closed += j.closed;
        }
        let mut tx = self.store.begin_write().await?;
        let detail = json!({"opened": total.opened, "closed": total.closed});
        audit::record(tx.conn(), actor, action::ALERT_SWEEP, "alerts", Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(total)
    }

    /// `POST /ops/alerts/sweep` (SUPERVISOR).
    pub async fn sweep_alerts_by(&self, staff: &StaffPrincipal) -> Result<Judged, AppError> {
        crate::billing::require_all_warehouses(staff)?;
        self.sweep_alerts(&Actor::staff(staff)).await
    }
}
