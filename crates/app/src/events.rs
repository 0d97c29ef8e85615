//! Events for the outbox: names and the payload envelope. An event is
//! written by the same transaction as the change it reports, so it exists
//! exactly when the change does.

use serde_json::{Value, json};

use haicang_store::WriteTx;
use haicang_store::outbox::{self, OutboxRow};

use crate::auth::random_token;
use crate::{App, AppError, CustomerPrincipal};

pub const INVENTORY_ADJUSTED: &str = "inventory.adjusted";
/// Most events one read returns.
pub const EVENTS_PAGE_MAX: i64 = 500;

/// A seller's stock of these products after a change, per SKU, as JF's
/// webhooks report it: `{sku, total, locked, available, nonGood}`
/// (available counts GOOD units only).
pub(crate) async fn stock_after(
    tx: &mut WriteTx,
    customer_id: i64,
    warehouse_id: i64,
    products: impl IntoIterator<Item = (i64, String)>,
) -> Result<Vec<Value>, AppError> {
    let mut seen = std::collections::BTreeMap::new();
    for (product_id, sku) in products {
        seen.insert(product_id, sku);
    }
    let ids: Vec<i64> = seen.keys().copied().collect();
    let stock = haicang_store::stock::skus_stock(tx, customer_id, warehouse_id, &ids).await?;
    Ok(stock.iter().zip(seen.values()).map(|(s, sku)| stock_json(sku, s)).collect())
}

/// One SKU's entry of [`stock_after`].
pub(crate) fn stock_json(sku: &str, s: &haicang_store::stock::SkuStock) -> Value {
    json!({"sku": sku, "total": s.total, "locked": s.reserved,
           "available": s.total - s.reserved - s.non_good, "nonGood": s.non_good})
}

/// Writes `{id, type, occurredAt, customerCode, warehouseCode, data}`
/// and charges the work it reports (billing reads the event); the event's
/// id.
pub(crate) async fn emit(
    tx: &mut WriteTx,
    customer: (i64, &str),
    event_type: &str,
    warehouse_code: &str,
    data: Value,
    now: i64,
) -> Result<String, AppError> {
    emit_judged(tx, customer, event_type, warehouse_code, data, now, AlertRules::ReadInside).await
}

/// The seller's alert rules an event is judged by: read inside the
/// event's transaction, or already read before it began.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AlertRules<'a> {
    ReadInside,
    /// Read before the write transaction, for a busy command (order
    /// creation) whose write lock should hold only what must be under it:
    /// a rule saved in between is as if saved a moment after the order.
    Known(&'a [haicang_store::alerts::RuleRow]),
}

/// [`emit`], with the alert rules given.
pub(crate) async fn emit_judged(
    tx: &mut WriteTx,
    customer: (i64, &str),
    event_type: &str,
    warehouse_code: &str,
    data: Value,
    now: i64,
    rules: AlertRules<'_>,
) -> Result<String, AppError> {
    let (id, data) = write(tx, customer, event_type, warehouse_code, data, now).await?;
    // Billable work is charged in its own transaction, from its event.
    crate::billing::charge_event(tx, &id, customer, event_type, warehouse_code, &data, now).await?;
    // Stock it reports is judged against the seller's LOW_AVAILABLE rules.
    crate::alerts::on_event(tx, customer, &data, now, rules).await?;
    Ok(id)
}

/// Writes the event only (events billing itself raises); its id and data.
pub(crate) async fn write(
    tx: &mut WriteTx,
    customer: (i64, &str),
    event_type: &str,
    warehouse_code: &str,
    data: Value,
    now: i64,
) -> Result<(String, Value), AppError> {
    let id = format!("evt_{}", &random_token()[..32]);
    let occurred_at = chrono::DateTime::from_timestamp_millis(now)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let payload = json!({
        "id": id,
        "type": event_type,
        "occurredAt": occurred_at,
        "customerCode": customer.1,
        "warehouseCode": warehouse_code,
        "data": data,
    });
    // Deliveries of one document keep their order.
    let document_no = ["orderNo", "documentNo"].iter().find_map(|k| payload["data"][k].as_str()).map(str::to_owned);
    outbox::insert(tx, &id, customer.0, event_type, &payload.to_string(), document_no.as_deref(), now).await?;
    Ok((id, payload["data"].clone()))
}

impl App {
    /// The caller's events after `after_id` (0 for the first), oldest first.
    pub async fn events(
        &self,
        customer: &CustomerPrincipal,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<OutboxRow>, AppError> {
        let limit = limit.clamp(1, EVENTS_PAGE_MAX);
        Ok(outbox::list_for_customer(&mut *self.store.read().await?, customer.customer_id, after_id, limit).await?)
    }
}
