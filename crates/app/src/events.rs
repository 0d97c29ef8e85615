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
    let event = Event { customer, event_type, warehouse_code, data, rules };
    Ok(emit_all(tx, vec![event], now).await?.pop().unwrap_or_default())
}

/// An event to emit: the seller, its type, warehouse, data, and the rules
/// it is judged by.
pub(crate) struct Event<'a> {
    pub customer: (i64, &'a str),
    pub event_type: &'a str,
    pub warehouse_code: &'a str,
    pub data: Value,
    pub rules: AlertRules<'a>,
}

/// Emits events written by one statement (a batch of orders), then
/// charges and judges each as [`emit`] does; their ids.
pub(crate) async fn emit_all(tx: &mut WriteTx, events: Vec<Event<'_>>, now: i64) -> Result<Vec<String>, AppError> {
    let envelopes: Vec<Envelope> =
        events.iter().map(|e| envelope(e.customer, e.event_type, e.warehouse_code, &e.data, now)).collect();
    let rows: Vec<outbox::NewEvent<'_>> = envelopes
        .iter()
        .zip(&events)
        .map(|(env, e)| outbox::NewEvent {
            event_id: &env.id,
            customer_id: e.customer.0,
            event_type: e.event_type,
            payload: &env.payload,
            document_no: env.document_no.as_deref(),
        })
        .collect();
    outbox::insert_many(tx, &rows, now).await?;
    let mut ids = Vec::with_capacity(events.len());
    for (env, e) in envelopes.into_iter().zip(events) {
        // Billable work is charged in its own transaction, from its event.
        crate::billing::charge_event(tx, &env.id, e.customer, e.event_type, e.warehouse_code, &e.data, now).await?;
        // Stock it reports is judged against the seller's LOW_AVAILABLE rules.
        crate::alerts::on_event(tx, e.customer, &e.data, now, e.rules).await?;
        ids.push(env.id);
    }
    Ok(ids)
}

/// An event as the outbox keeps it.
struct Envelope {
    id: String,
    payload: String,
    document_no: Option<String>,
}

/// `{id, type, occurredAt, customerCode, warehouseCode, data}`, a new id,
/// and the document its deliveries keep the order of.
fn envelope(customer: (i64, &str), event_type: &str, warehouse_code: &str, data: &Value, now: i64) -> Envelope {
    let id = format!("evt_{}", &random_token()[..32]);
    let occurred_at = chrono::DateTime::from_timestamp_millis(now)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    // Deliveries of one document keep their order.
    let document_no = ["orderNo", "documentNo"].iter().find_map(|k| data[k].as_str()).map(str::to_owned);
    let payload = json!({
        "id": id,
        "type": event_type,
        "occurredAt": occurred_at,
        "customerCode": customer.1,
        "warehouseCode": warehouse_code,
        "data": data,
    });
    Envelope { id, payload: payload.to_string(), document_no }
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
    let env = envelope(customer, event_type, warehouse_code, &data, now);
    outbox::insert(tx, &env.id, customer.0, event_type, &env.payload, env.document_no.as_deref(), now).await?;
    Ok((env.id, data))
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
