//! Order creation in batches (issue 19's group commit). Every order is
//! read and checked on a read connection first (`prepare_order`); what is
//! left — numbers, the order rows, the reservation, the lines, the event —
//! goes to one writer task per app, which takes every order queued while
//! it waited for the write lock and writes them in one transaction with
//! one statement per kind of row instead of one per order.
//!
//! Each order is still whole or nothing: the core decides the orders one
//! after the other on the stock read under the lock, and a refused order
//! writes nothing (as a savepoint rolled back would leave it), while the
//! others are written. An error of the database fails the batch; its
//! orders are then written one by one, so one order's bad row cannot
//! refuse another. Callers are answered only once the commit is durable.
//!
//! A caller that goes away while its order waits does not take it out:
//! it is written, as it would be had the caller gone a moment after its
//! commit; the same request again answers it (idempotent by reference).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use haicang_store::alerts::RuleRow;
use haicang_store::{Durable, Store};

use super::*;

/// Orders one transaction takes at most, and lines (beyond which no more
/// orders join): every statement's parameters stay far below both
/// engines' limits (a reservation row has 12; SQLite allows 32,766).
const BATCH_ORDERS_MAX: usize = 64;
const BATCH_LINES_MAX: usize = 1_000;

/// An order read and checked, waiting to be written.
pub(super) struct ReadyOrder {
    pub customer_id: i64,
    pub customer_code: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub service_id: i64,
    pub kind: OrderKind,
    pub reference: String,
    pub hash: String,
    pub platform: Platform,
    pub platform_order_no: Option<String>,
    pub recipient: String,
    pub note: Option<String>,
    pub label: Option<String>,
    pub tracking_no: Option<String>,
    pub to_warehouse_id: Option<i64>,
    pub shipment_id: Option<String>,
    pub destination_platform: Option<String>,
    /// Product, units, and the kit the line ships for.
    pub lines: Vec<(ProductRow, i64, Option<String>)>,
    /// The seller's alert rules, which its event is judged by.
    pub alert_rules: Vec<RuleRow>,
}

type Answer = Result<Created<OutboundStatus>, AppError>;

struct Queued {
    order: ReadyOrder,
    answer: oneshot::Sender<Answer>,
}

/// The way to the app's order writer (started on first use).
#[derive(Debug)]
pub(crate) struct OrderQueue {
    sender: mpsc::UnboundedSender<Queued>,
    /// Orders handed in and not yet answered.
    waiting: Arc<AtomicUsize>,
}

impl OrderQueue {
    pub(crate) fn start(store: Store) -> OrderQueue {
        let (sender, queue) = mpsc::unbounded_channel();
        let waiting = Arc::new(AtomicUsize::new(0));
        tokio::spawn(run(store, queue, waiting.clone()));
        OrderQueue { sender, waiting }
    }

    /// Orders handed in and not yet answered (tests, diagnostics).
    pub(crate) fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Writes the order (with others) and answers it once durable.
    pub(super) async fn submit(&self, order: ReadyOrder) -> Answer {
        let (answer, answered) = oneshot::channel();
        self.waiting.fetch_add(1, Ordering::Relaxed);
        if self.sender.send(Queued { order, answer }).is_err() {
            self.waiting.fetch_sub(1, Ordering::Relaxed);
            return Err(stopped());
        }
        answered.await.map_err(|_| stopped())?
    }
}

fn stopped() -> AppError {
    AppError::Store(StoreError::Unavailable("the order writer stopped".into()))
}

/// The writer: one batch at a time, for as long as the app lives.
async fn run(store: Store, mut queue: mpsc::UnboundedReceiver<Queued>, waiting: Arc<AtomicUsize>) {
    while let Some(first) = queue.recv().await {
        // Whatever queues while the lock is awaited joins this batch.
        let tx = store.begin_write().await;
        let mut batch = vec![first];
        let mut lines = batch[0].order.lines.len();
        while batch.len() < BATCH_ORDERS_MAX && lines < BATCH_LINES_MAX {
            let Ok(next) = queue.try_recv() else { break };
            lines += next.order.lines.len();
            batch.push(next);
        }
        let (orders, answers): (Vec<ReadyOrder>, Vec<oneshot::Sender<Answer>>) =
            batch.into_iter().map(|q| (q.order, q.answer)).unzip();
        let written = write_batch(tx, &orders).await;
        match written {
            Ok((durable, results)) => {
                let waiting = waiting.clone();
                // The next batch begins while this one's sync runs.
                tokio::spawn(answer_when_durable(durable, answers.into_iter().zip(results).collect(), waiting));
            }
            Err(e) if orders.len() == 1 => {
                if let Some(answer) = answers.into_iter().next() {
                    answer_all(vec![(answer, Err(e))], &waiting);
                }
            }
            // One order's bad row fails them all: each alone, so that it
            // fails alone.
            Err(_) => {
                for (order, answer) in orders.into_iter().zip(answers) {
                    match write_batch(store.begin_write().await, std::slice::from_ref(&order)).await {
                        Ok((durable, mut result)) => {
                            let result = result.pop().unwrap_or_else(|| Err(stopped()));
                            answer_when_durable(durable, vec![(answer, result)], waiting.clone()).await;
                        }
                        Err(e) => answer_all(vec![(answer, Err(e))], &waiting),
                    }
                }
            }
        }
    }
}

async fn answer_when_durable(
    durable: Durable,
    answers: Vec<(oneshot::Sender<Answer>, Answer)>,
    waiting: Arc<AtomicUsize>,
) {
    match durable.wait().await {
        Ok(()) => answer_all(answers, &waiting),
        Err(e) => {
            // Written, but whether it reached the disk is unknown: every
            // caller hears so (sending again finds the order if it did).
            let message = e.to_string();
            let lost = answers
                .into_iter()
                .map(|(a, _)| (a, Err(AppError::Store(StoreError::Unavailable(message.clone())))))
                .collect();
            answer_all(lost, &waiting);
        }
    }
}

fn answer_all(answers: Vec<(oneshot::Sender<Answer>, Answer)>, waiting: &AtomicUsize) {
    waiting.fetch_sub(answers.len(), Ordering::Relaxed);
    for (to, answer) in answers {
        // A caller that went away has nobody to hear it.
        let _ = to.send(answer);
    }
}

/// Writes the batch in `tx` (as begun, or not) and commits: per order, in
/// the given order, its answer. An `Err` is the database's, for the whole
/// batch (nothing of it was written).
async fn write_batch(
    tx: Result<WriteTx, StoreError>,
    orders: &[ReadyOrder],
) -> Result<(Durable, Vec<Answer>), AppError> {
    let mut tx = tx?;
    let now = now_ms();
    let day = day_code(now);
    let mut answers: Vec<Option<Answer>> = orders.iter().map(|_| None).collect();
    // The same reference twice in one batch: the later one is retried
    // (and then finds the first).
    let mut seen = HashSet::new();
    for (i, o) in orders.iter().enumerate() {
        if !seen.insert((o.customer_id, o.reference.as_str())) {
            answers[i] = Some(Err(AppError::Store(StoreError::Conflict("the same reference twice in a batch".into()))));
        }
    }
    let mut wanted: Vec<Vec<(Item, Quantity)>> = Vec::with_capacity(orders.len());
    for (i, o) in orders.iter().enumerate() {
        let mut lines = Vec::with_capacity(o.lines.len());
        for (p, quantity, _) in &o.lines {
            let item = Item {
                customer_id: o.customer_id,
                warehouse_id: o.warehouse_id,
                product_id: p.product_id,
                condition: Condition::Good,
            };
            match Quantity::new(*quantity) {
                Some(q) => lines.push((item, q)),
                None => answers[i] = Some(Err(OrderError::Quantity(p.sku.clone()).into())),
            }
        }
        wanted.push(lines);
    }
    // The stock: every order decided on what the ones before it left.
    let live: Vec<usize> = (0..orders.len()).filter(|i| answers[*i].is_none()).collect();
    let asked: Vec<&[(Item, Quantity)]> = live.iter().map(|i| &wanted[*i][..]).collect();
    let taken = stock::take_units_of_orders(&mut tx, &asked, now).await?;
    let mut accepted = Vec::with_capacity(live.len());
    for (i, taken) in live.into_iter().zip(taken) {
        match taken {
            Ok(()) => accepted.push(i),
            Err((line, LedgerError::InsufficientAvailable { requested, available })) => {
                let sku = orders[i].lines[line].0.sku.clone();
                answers[i] = Some(Err(AppError::OutboundInsufficient { sku, requested, available }));
            }
            Err((_, refused)) => answers[i] = Some(Err(AppError::Store(refused.into()))),
        }
    }
    // Numbers for the orders written, one statement per document type.
    let mut numbers: HashMap<usize, String> = HashMap::new();
    let mut kinds: Vec<OrderKind> = accepted.iter().map(|i| orders[*i].kind).collect();
    kinds.sort_by_key(|k| k.as_str());
    kinds.dedup();
    for kind in kinds {
        let doc_type = kind.document_type();
        let of_kind: Vec<usize> = accepted.iter().copied().filter(|i| orders[*i].kind == kind).collect();
        let first = sequence::next_values(tx.conn(), doc_type.prefix(), &day, of_kind.len() as i64).await?;
        for (n, i) in of_kind.into_iter().enumerate() {
            numbers.insert(i, format_document_no(doc_type, &day, first + n as i64));
        }
    }
    let new_orders: Vec<NewOutboundOrder<'_>> = accepted
        .iter()
        .map(|i| {
            let o = &orders[*i];
            NewOutboundOrder {
                order_no: &numbers[i],
                customer_id: o.customer_id,
                warehouse_id: o.warehouse_id,
                shipping_service_id: o.service_id,
                customer_reference: &o.reference,
                request_hash: &o.hash,
                platform: o.platform.as_str(),
                platform_order_no: o.platform_order_no.as_deref(),
                recipient: &o.recipient,
                note: o.note.as_deref(),
                seller_label: o.label.as_deref(),
                tracking_no: o.tracking_no.as_deref(),
                status: OutboundStatus::Created.as_str(),
                kind: o.kind,
                to_warehouse_id: o.to_warehouse_id,
                shipment_id: o.shipment_id.as_deref(),
                destination_platform: o.destination_platform.as_deref(),
            }
        })
        .collect();
    // A reference committed since it was looked up: the batch fails and
    // its orders go one by one, where this one is retried.
    let order_ids = store::insert_orders(&mut tx, &new_orders, now).await.map_err(|e| match e {
        StoreError::Duplicate(m) => AppError::Store(StoreError::Conflict(m)),
        other => AppError::Store(other),
    })?;
    // The reservations, then the lines naming them, for every order at once.
    let numbered = &numbers;
    let docs: Vec<DocumentRef> = accepted
        .iter()
        .flat_map(|i| {
            let operator = format!("customer:{}", orders[*i].customer_code);
            let doc_type = orders[*i].kind.document_type();
            (0..orders[*i].lines.len()).map(move |n| DocumentRef {
                document_type: doc_type.as_str().to_owned(),
                document_no: numbered[i].clone(),
                line: n as i64 + 1,
                operator: operator.clone(),
                reason: None,
            })
        })
        .collect();
    let reserved: Vec<(Item, Quantity, &DocumentRef)> = accepted
        .iter()
        .flat_map(|i| wanted[*i].iter().copied())
        .zip(&docs)
        .map(|((item, q), d)| (item, q, d))
        .collect();
    // One id per row, in the rows' order: the lines in the same order.
    let reservation_ids = stock::insert_reservations(&mut tx, &reserved, now).await?;
    let new_lines: Vec<(i64, store::NewLine<'_>)> = accepted
        .iter()
        .zip(&order_ids)
        .flat_map(|(i, order_id)| orders[*i].lines.iter().enumerate().map(move |(n, line)| (*order_id, n, line)))
        .zip(reservation_ids)
        .map(|((order_id, n, (p, quantity, kit)), reservation_id)| {
            let line = store::NewLine {
                line_no: n as i64 + 1,
                product_id: p.product_id,
                quantity: *quantity,
                kit_sku: kit.as_deref(),
                reservation_id,
            };
            (order_id, line)
        })
        .collect();
    if new_lines.len() != reserved.len() {
        return Err(AppError::Store(StoreError::Conflict("reservations not written whole".into())));
    }
    let line_refs: Vec<(i64, &store::NewLine<'_>)> = new_lines.iter().map(|(id, l)| (*id, l)).collect();
    store::insert_lines_of_orders(&mut tx, &line_refs).await?;
    let stock = stock_after_each(&mut tx, orders, &accepted).await?;
    let mut created = Vec::with_capacity(accepted.len());
    for ((i, order_id), stock) in accepted.iter().zip(&order_ids).zip(stock) {
        let o = &orders[*i];
        if o.label.is_some() {
            store::add_event(&mut tx, *order_id, "LABEL_CREATED", "Seller label received", None, now, now).await?;
        }
        created.push(events::Event {
            customer: (o.customer_id, o.customer_code.as_str()),
            event_type: event_of(o.kind, ORDER_CREATED),
            warehouse_code: &o.warehouse_code,
            data: super::orders::created_event_data(&numbers[i], &o.reference, o.kind, &o.lines, stock),
            rules: events::AlertRules::Known(&o.alert_rules),
        });
    }
    events::emit_all(&mut tx, created, now).await?;
    let durable = tx.commit_durable_later().await?;
    for i in accepted {
        answers[i] =
            Some(Ok(Created { order_no: numbers[&i].clone(), status: OutboundStatus::Created, created: true }));
    }
    Ok((durable, answers.into_iter().map(|a| a.unwrap_or_else(|| Err(stopped()))).collect()))
}

/// Each written order's event reports the stock right after it: read once
/// after the whole batch, per seller and warehouse, less what the orders
/// after it in the batch reserved (nothing else changed in between).
async fn stock_after_each(tx: &mut WriteTx, orders: &[ReadyOrder], accepted: &[usize]) -> Result<Vec<Value>, AppError> {
    let mut groups: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
    for i in accepted {
        groups.entry((orders[*i].customer_id, orders[*i].warehouse_id)).or_default().push(*i);
    }
    let mut after: HashMap<usize, Value> = HashMap::new();
    for ((customer_id, warehouse_id), members) in groups {
        let mut skus: BTreeMap<i64, String> = BTreeMap::new();
        for i in &members {
            for (p, _, _) in &orders[*i].lines {
                skus.insert(p.product_id, p.sku.clone());
            }
        }
        let ids: Vec<i64> = skus.keys().copied().collect();
        let read = stock::skus_stock(tx, customer_id, warehouse_id, &ids).await?;
        let mut now: BTreeMap<i64, haicang_store::stock::SkuStock> = ids.into_iter().zip(read).collect();
        // Back from the last order: each sees the stock before the ones
        // after it reserved theirs.
        for i in members.iter().rev() {
            let mine: BTreeSet<i64> = orders[*i].lines.iter().map(|(p, _, _)| p.product_id).collect();
            let values = mine.iter().map(|id| events::stock_json(&skus[id], &now[id])).collect();
            after.insert(*i, Value::Array(values));
            for (p, quantity, _) in &orders[*i].lines {
                if let Some(s) = now.get_mut(&p.product_id) {
                    s.reserved -= quantity;
                }
            }
        }
    }
    Ok(accepted.iter().map(|i| after.remove(i).unwrap_or(Value::Array(Vec::new()))).collect())
}
