//! The ledger writer and the stock queries.
//!
//! The only code that writes `stock_balance`, `stock_summary`,
//! `stock_movement` and `reservation`. Each write function runs inside the
//! caller's [`WriteTx`]: it reads the rows it will change (locked on
//! PostgreSQL), lets `haicang_core::ledger` decide the new values, writes
//! them with a compare-and-set on the values it read, and records the
//! movement with before and after. A rule broken returns the core's
//! `LedgerError` and the caller's transaction rolls back: nothing is half
//! written.

use sqlx::{AnyConnection, FromRow};

use haicang_core::inbound::InboundStatus;
use haicang_core::ledger::{
    Condition, LedgerError, Quantity, Reservation, ReservationStatus, Summary, VirtualLocation, put_to_location,
    take_from_location,
};
use haicang_core::lots::LotStock;
use haicang_core::status::SerialStatus;

use crate::db::{lock_clause, value_rows};
use crate::{Arg, Filter, PageRequest, StoreError, WriteTx};

/// Stock of one product in one warehouse and condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Item {
    pub customer_id: i64,
    pub warehouse_id: i64,
    pub product_id: i64,
    pub condition: Condition,
}

/// A real location, by id and code (the code is what the log shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub location_id: i64,
    pub code: String,
}

/// The document a movement belongs to and who did it.
#[derive(Debug, Clone)]
pub struct DocumentRef {
    pub document_type: String,
    pub document_no: String,
    pub line: i64,
    pub operator: String,
    pub reason: Option<String>,
}

struct Side {
    code: String,
    before: Option<i64>,
    after: Option<i64>,
}

/// Two transactions raced to create the same row (possible on PostgreSQL,
/// where a row that does not exist yet cannot be locked): the loser retries.
fn first_insert_race(e: sqlx::Error) -> StoreError {
    match StoreError::from(e) {
        StoreError::Duplicate(m) => StoreError::Conflict(m),
        other => other,
    }
}

async fn summary_for_update(tx: &mut WriteTx, item: Item) -> Result<Option<(i64, Summary)>, StoreError> {
    let sql = format!(
        "SELECT stock_summary_id, on_hand, reserved FROM stock_summary \
         WHERE product_id = $1 AND warehouse_id = $2 AND condition = $3{}",
        lock_clause(tx.engine())
    );
    let row: Option<(i64, i64, i64)> = sqlx::query_as(&sql)
        .bind(item.product_id)
        .bind(item.warehouse_id)
        .bind(item.condition.as_str())
        .fetch_optional(tx.conn())
        .await?;
    Ok(row.map(|(id, on_hand, reserved)| (id, Summary { on_hand, reserved })))
}

async fn write_summary(
    tx: &mut WriteTx,
    item: Item,
    existing: Option<(i64, Summary)>,
    next: Summary,
    now: i64,
) -> Result<(), StoreError> {
    match existing {
        Some((id, before)) => {
            let done = sqlx::query(
                "UPDATE stock_summary SET on_hand = $1, reserved = $2, updated_at = $3 \
                 WHERE stock_summary_id = $4 AND on_hand = $5 AND reserved = $6",
            )
            .bind(next.on_hand)
            .bind(next.reserved)
            .bind(now)
            .bind(id)
            .bind(before.on_hand)
            .bind(before.reserved)
            .execute(tx.conn())
            .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict("stock summary changed concurrently".into()));
            }
        }
        None => {
            sqlx::query(
                "INSERT INTO stock_summary (customer_id, warehouse_id, product_id, condition, on_hand, reserved, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(item.customer_id)
            .bind(item.warehouse_id)
            .bind(item.product_id)
            .bind(item.condition.as_str())
            .bind(next.on_hand)
            .bind(next.reserved)
            .bind(now)
            .execute(tx.conn())
            .await
            .map_err(first_insert_race)?;
        }
    }
    Ok(())
}

async fn balance_for_update(
    tx: &mut WriteTx,
    item: Item,
    location_id: i64,
    lot_id: i64,
) -> Result<Option<(i64, i64)>, StoreError> {
    let sql = format!(
        "SELECT stock_balance_id, quantity FROM stock_balance WHERE product_id = $1 AND warehouse_id = $2 \
         AND location_id = $3 AND lot_id = $4 AND condition = $5{}",
        lock_clause(tx.engine())
    );
    Ok(sqlx::query_as(&sql)
        .bind(item.product_id)
        .bind(item.warehouse_id)
        .bind(location_id)
        .bind(lot_id)
        .bind(item.condition.as_str())
        .fetch_optional(tx.conn())
        .await?)
}

async fn write_balance(
    tx: &mut WriteTx,
    item: Item,
    location_id: i64,
    lot_id: i64,
    existing: Option<(i64, i64)>,
    next: i64,
    now: i64,
) -> Result<(), StoreError> {
    match existing {
        Some((id, before)) => {
            let done = sqlx::query(
                "UPDATE stock_balance SET quantity = $1, updated_at = $2 WHERE stock_balance_id = $3 AND quantity = $4",
            )
            .bind(next)
            .bind(now)
            .bind(id)
            .bind(before)
            .execute(tx.conn())
            .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict("stock balance changed concurrently".into()));
            }
        }
        None => {
            sqlx::query(
                "INSERT INTO stock_balance (customer_id, warehouse_id, location_id, product_id, lot_id, condition, \
                 quantity, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(item.customer_id)
            .bind(item.warehouse_id)
            .bind(location_id)
            .bind(item.product_id)
            .bind(lot_id)
            .bind(item.condition.as_str())
            .bind(next)
            .bind(now)
            .execute(tx.conn())
            .await
            .map_err(first_insert_race)?;
        }
    }
    Ok(())
}

/// Applies a balance step decided by the core (`take_from_location` or
/// `put_to_location`); returns (before, after).
async fn change_balance(
    tx: &mut WriteTx,
    item: Item,
    location_id: i64,
    lot_id: i64,
    now: i64,
    step: impl FnOnce(i64) -> Result<i64, LedgerError>,
) -> Result<(i64, i64), StoreError> {
    let existing = balance_for_update(tx, item, location_id, lot_id).await?;
    let before = existing.map(|(_, v)| v).unwrap_or(0);
    let after = step(before)?;
    write_balance(tx, item, location_id, lot_id, existing, after, now).await?;
    Ok((before, after))
}

/// Applies a summary transition decided by the core; returns (before, after).
async fn change_summary(
    tx: &mut WriteTx,
    item: Item,
    now: i64,
    step: impl FnOnce(Summary) -> Result<Summary, LedgerError>,
) -> Result<(Summary, Summary), StoreError> {
    let existing = summary_for_update(tx, item).await?;
    let before = existing.map(|(_, s)| s).unwrap_or_default();
    let after = step(before)?;
    write_summary(tx, item, existing, after, now).await?;
    Ok((before, after))
}

#[allow(clippy::too_many_arguments)]
async fn record(
    tx: &mut WriteTx,
    item: Item,
    lot_id: i64,
    source: Side,
    target: Side,
    q: Quantity,
    on_hand: (i64, i64),
    doc: &DocumentRef,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO stock_movement (customer_id, warehouse_id, product_id, lot_id, condition, source, target, \
         quantity, source_before, source_after, target_before, target_after, on_hand_before, on_hand_after, \
         document_type, document_no, document_line, operator, reason, created_at) VALUES ($1, $2, $3, $4, $5, $6, \
         $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING stock_movement_id",
    )
    .bind(item.customer_id)
    .bind(item.warehouse_id)
    .bind(item.product_id)
    .bind(lot_id)
    .bind(item.condition.as_str())
    .bind(source.code)
    .bind(target.code)
    .bind(q.get())
    .bind(source.before)
    .bind(source.after)
    .bind(target.before)
    .bind(target.after)
    .bind(on_hand.0)
    .bind(on_hand.1)
    .bind(&doc.document_type)
    .bind(&doc.document_no)
    .bind(doc.line)
    .bind(&doc.operator)
    .bind(&doc.reason)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

fn virtual_side(v: VirtualLocation) -> Side {
    Side { code: v.code().to_owned(), before: None, after: None }
}

/// Units enter a real location from a virtual one (received, found,
/// adjusted in). Returns the movement id.
#[allow(clippy::too_many_arguments)]
pub async fn receive(
    tx: &mut WriteTx,
    item: Item,
    from: VirtualLocation,
    to: &Place,
    lot_id: i64,
    q: Quantity,
    doc: &DocumentRef,
    now: i64,
) -> Result<i64, StoreError> {
    let (s_before, s_after) = change_summary(tx, item, now, |s| s.receive(q)).await?;
    let (before, after) = change_balance(tx, item, to.location_id, lot_id, now, |b| put_to_location(b, q)).await?;
    let target = Side { code: to.code.clone(), before: Some(before), after: Some(after) };
    record(tx, item, lot_id, virtual_side(from), target, q, (s_before.on_hand, s_after.on_hand), doc, now).await
}

/// Free units leave a real location for a virtual one (adjusted out,
/// scrapped). Reserved units cannot leave this way.
#[allow(clippy::too_many_arguments)]
pub async fn issue(
    tx: &mut WriteTx,
    item: Item,
    from: &Place,
    to: VirtualLocation,
    lot_id: i64,
    q: Quantity,
    doc: &DocumentRef,
    now: i64,
) -> Result<i64, StoreError> {
    let (s_before, s_after) = change_summary(tx, item, now, |s| s.issue(q)).await?;
    let (before, after) = change_balance(tx, item, from.location_id, lot_id, now, |b| take_from_location(b, q)).await?;
    keep_sealed(tx, item, from, lot_id, q, after).await?;
    let source = Side { code: from.code.clone(), before: Some(before), after: Some(after) };
    record(tx, item, lot_id, source, virtual_side(to), q, (s_before.on_hand, s_after.on_hand), doc, now).await
}

/// A take may not break a sealed carton: what stays at the location must
/// still cover the units cartons hold closed there (a carton is opened, or
/// moved whole, on purpose).
async fn keep_sealed(
    tx: &mut WriteTx,
    item: Item,
    from: &Place,
    lot_id: i64,
    q: Quantity,
    after: i64,
) -> Result<(), StoreError> {
    let sealed =
        crate::cartons::sealed_units(tx.conn(), from.location_id, item.product_id, lot_id, item.condition).await?;
    if after < sealed {
        return Err(StoreError::Sealed {
            location: from.code.clone(),
            loose: (after + q.get() - sealed).max(0),
            requested: q.get(),
        });
    }
    Ok(())
}

/// Units move between two real locations of the same warehouse.
#[allow(clippy::too_many_arguments)]
pub async fn move_units(
    tx: &mut WriteTx,
    item: Item,
    from: &Place,
    to: &Place,
    lot_id: i64,
    q: Quantity,
    doc: &DocumentRef,
    now: i64,
) -> Result<i64, StoreError> {
    let on_hand = summary_for_update(tx, item).await?.map(|(_, s)| s.on_hand).unwrap_or(0);
    let (sb, sa) = change_balance(tx, item, from.location_id, lot_id, now, |b| take_from_location(b, q)).await?;
    keep_sealed(tx, item, from, lot_id, q, sa).await?;
    let (tb, ta) = change_balance(tx, item, to.location_id, lot_id, now, |b| put_to_location(b, q)).await?;
    let source = Side { code: from.code.clone(), before: Some(sb), after: Some(sa) };
    let target = Side { code: to.code.clone(), before: Some(tb), after: Some(ta) };
    record(tx, item, lot_id, source, target, q, (on_hand, on_hand), doc, now).await
}

/// Creates a pending reservation of `q` units; `InsufficientAvailable` when
/// there are not enough free units.
pub async fn reserve(
    tx: &mut WriteTx,
    item: Item,
    q: Quantity,
    doc: &DocumentRef,
    now: i64,
) -> Result<i64, StoreError> {
    let line = [(item, q, doc)];
    if let Err((_, refused)) = take_units(tx, &line, now).await? {
        return Err(refused.into());
    }
    let ids = insert_reservations(tx, &line, now).await?;
    ids.first().copied().ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))
}

/// Reserves an order's lines, for a busy command (order creation): the
/// reservation rows are inserted first (one statement), then
/// `before_locking` writes what refers to them (the order's lines; it is
/// given the reservation ids in the lines' order), and only then are the
/// summaries locked and taken from ([`take_units`]: one read, one write,
/// however many lines). On PostgreSQL the summary rows are the contended
/// ones (every order of a popular SKU locks its row until it commits), so
/// everything written before them shortens the time each order holds
/// them. On SQLite the whole transaction holds the write lock and the
/// order changes nothing.
///
/// The outer `Result` is the database's; the inner one is the ledger's
/// answer: the transaction and what `before_locking` made, or the first
/// line (its index) the ledger refused. Refused, the rows written before
/// the lock exist in the transaction: so it is taken by value and dropped
/// (rolled back) then, and only given back when the reservation stands.
pub async fn reserve_lines_after<T>(
    mut tx: WriteTx,
    lines: &[(Item, Quantity, &DocumentRef)],
    now: i64,
    before_locking: impl AsyncFnOnce(&mut WriteTx, &[i64]) -> Result<T, StoreError>,
) -> Result<Result<(WriteTx, T), (usize, LedgerError)>, StoreError> {
    let ids = insert_reservations(&mut tx, lines, now).await?;
    let made = before_locking(&mut tx, &ids).await?;
    if let Err(refused) = take_units(&mut tx, lines, now).await? {
        return Ok(Err(refused));
    }
    Ok(Ok((tx, made)))
}

/// Takes the lines' units from their summaries: every item's summary read
/// (locked on PostgreSQL, in item order, as one-at-a-time callers lock
/// them) by one statement, the core deciding each line in the given order
/// on the running summary of its item (two lines of one item are reserved
/// one after the other), and all of them written by one compare-and-set.
/// Nothing is written when a line is refused.
async fn take_units(
    tx: &mut WriteTx,
    lines: &[(Item, Quantity, &DocumentRef)],
    now: i64,
) -> Result<Result<(), (usize, LedgerError)>, StoreError> {
    let wanted: Vec<(Item, Quantity)> = lines.iter().map(|(item, q, _)| (*item, *q)).collect();
    let mut answers = take_units_of_orders(tx, &[&wanted], now).await?;
    Ok(answers.pop().unwrap_or(Ok(())))
}

/// [`take_units`] for several orders at once (order creation in batches):
/// one read of every summary they name, the core deciding the orders one
/// after the other on the running summaries — each order whole or not at
/// all, a refused one leaving the summaries as the order before it left
/// them — and one write of every summary that changed. Per order, in the
/// given order: taken, or the first line (its index) refused.
pub async fn take_units_of_orders(
    tx: &mut WriteTx,
    orders: &[&[(Item, Quantity)]],
    now: i64,
) -> Result<Vec<Result<(), (usize, LedgerError)>>, StoreError> {
    let mut items: Vec<Item> = orders.iter().flat_map(|lines| lines.iter().map(|(item, _)| *item)).collect();
    items.sort();
    items.dedup();
    let found = summaries_for_update(tx, &items).await?;
    // An item without a summary has nothing available: the core refuses
    // its line below, so every item that reaches the writes has a row.
    let mut running: std::collections::BTreeMap<Item, Summary> = found.iter().map(|(i, (_, s))| (*i, *s)).collect();
    let answers: Vec<_> = orders.iter().map(|lines| reserve_whole(&mut running, lines)).collect();
    let changed: Vec<(i64, Summary, Summary)> = found
        .iter()
        .filter(|(item, (_, before))| running[*item] != *before)
        .map(|(item, (id, before))| (*id, *before, running[item]))
        .collect();
    write_summaries(tx, &changed, now).await?;
    Ok(answers)
}

/// One order's lines taken from the running summaries, all or none.
fn reserve_whole(
    running: &mut std::collections::BTreeMap<Item, Summary>,
    lines: &[(Item, Quantity)],
) -> Result<(), (usize, LedgerError)> {
    let mut after: std::collections::BTreeMap<Item, Summary> = std::collections::BTreeMap::new();
    for (index, (item, q)) in lines.iter().enumerate() {
        let current = after.get(item).or_else(|| running.get(item)).copied().unwrap_or_default();
        after.insert(*item, current.reserve(*q).map_err(|refused| (index, refused))?);
    }
    running.extend(after);
    Ok(())
}

/// The summaries of `items` (sorted), locked on PostgreSQL in that order.
async fn summaries_for_update(
    tx: &mut WriteTx,
    items: &[Item],
) -> Result<std::collections::BTreeMap<Item, (i64, Summary)>, StoreError> {
    let mut found = std::collections::BTreeMap::new();
    if items.is_empty() {
        return Ok(found);
    }
    let wanted: Vec<String> = (0..items.len())
        .map(|i| {
            format!("(product_id = ${} AND warehouse_id = ${} AND condition = ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)
        })
        .collect();
    let sql = format!(
        "SELECT stock_summary_id, product_id, warehouse_id, condition, on_hand, reserved FROM stock_summary \
         WHERE {} ORDER BY product_id, warehouse_id, condition{}",
        wanted.join(" OR "),
        lock_clause(tx.engine())
    );
    let mut query = sqlx::query_as::<_, (i64, i64, i64, String, i64, i64)>(&sql);
    for item in items {
        query = query.bind(item.product_id).bind(item.warehouse_id).bind(item.condition.as_str());
    }
    for (id, product_id, warehouse_id, condition, on_hand, reserved) in query.fetch_all(tx.conn()).await? {
        if let Some(item) = items
            .iter()
            .find(|i| i.product_id == product_id && i.warehouse_id == warehouse_id && i.condition.as_str() == condition)
        {
            found.insert(*item, (id, Summary { on_hand, reserved }));
        }
    }
    Ok(found)
}

/// Writes `(id, before, after)` summaries with one statement, each a
/// compare-and-set on the values read.
async fn write_summaries(tx: &mut WriteTx, changed: &[(i64, Summary, Summary)], now: i64) -> Result<(), StoreError> {
    if changed.is_empty() {
        return Ok(());
    }
    // VALUES columns are column1… on both engines.
    let sql = format!(
        "UPDATE stock_summary SET on_hand = v.column4, reserved = v.column5, updated_at = $1 \
         FROM (VALUES {}) AS v WHERE stock_summary.stock_summary_id = v.column1 \
         AND stock_summary.on_hand = v.column2 AND stock_summary.reserved = v.column3",
        value_rows(changed.len(), 5, 2)
    );
    let mut query = sqlx::query(&sql).bind(now);
    for (id, before, after) in changed {
        query = query.bind(*id).bind(before.on_hand).bind(before.reserved).bind(after.on_hand).bind(after.reserved);
    }
    let done = query.execute(tx.conn()).await?;
    if done.rows_affected() != changed.len() as u64 {
        return Err(StoreError::Conflict("stock summary changed concurrently".into()));
    }
    Ok(())
}

/// One multi-row INSERT; the ids in the lines' order. Both engines hand
/// out ids in the order a statement inserts its rows, so sorting what
/// RETURNING gives (whose order neither promises) restores it.
pub async fn insert_reservations(
    tx: &mut WriteTx,
    lines: &[(Item, Quantity, &DocumentRef)],
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "INSERT INTO reservation (customer_id, warehouse_id, product_id, condition, quantity, posted, status, \
         document_type, document_no, document_line, created_at, updated_at) VALUES {} RETURNING reservation_id",
        value_rows(lines.len(), 12, 1)
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for (item, q, doc) in lines {
        query = query
            .bind(item.customer_id)
            .bind(item.warehouse_id)
            .bind(item.product_id)
            .bind(item.condition.as_str())
            .bind(q.get())
            .bind(0_i64)
            .bind(ReservationStatus::Pending.as_str())
            .bind(doc.document_type.as_str())
            .bind(doc.document_no.as_str())
            .bind(doc.line)
            .bind(now)
            .bind(now);
    }
    let mut ids = query.fetch_all(tx.conn()).await?;
    ids.sort_unstable();
    Ok(ids)
}

#[derive(Debug, Clone, FromRow)]
struct ReservationRow {
    customer_id: i64,
    warehouse_id: i64,
    product_id: i64,
    #[sqlx(try_from = "String")]
    condition: Condition,
    quantity: i64,
    posted: i64,
    #[sqlx(try_from = "String")]
    status: ReservationStatus,
}

async fn reservation_for_update(tx: &mut WriteTx, reservation_id: i64) -> Result<(Item, Reservation), StoreError> {
    let sql = format!(
        "SELECT customer_id, warehouse_id, product_id, condition, quantity, posted, status FROM reservation \
         WHERE reservation_id = $1{}",
        lock_clause(tx.engine())
    );
    let row: ReservationRow = sqlx::query_as(&sql)
        .bind(reservation_id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or_else(|| StoreError::Database(sqlx::Error::RowNotFound))?;
    let item = Item {
        customer_id: row.customer_id,
        warehouse_id: row.warehouse_id,
        product_id: row.product_id,
        condition: row.condition,
    };
    Ok((item, Reservation { quantity: row.quantity, posted: row.posted, status: row.status }))
}

async fn write_reservation(tx: &mut WriteTx, reservation_id: i64, r: Reservation, now: i64) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE reservation SET posted = $1, status = $2, updated_at = $3 WHERE reservation_id = $4 AND status = 'PENDING'",
    )
    .bind(r.posted)
    .bind(r.status.as_str())
    .bind(now)
    .bind(reservation_id)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict("reservation changed concurrently".into()));
    }
    Ok(())
}

/// Cancels a pending reservation: its units become available again.
pub async fn void(tx: &mut WriteTx, reservation_id: i64, now: i64) -> Result<(), StoreError> {
    let (item, reservation) = reservation_for_update(tx, reservation_id).await?;
    let settlement = reservation.void()?;
    if let Some(q) = Quantity::new(settlement.released) {
        change_summary(tx, item, now, |s| s.release(q)).await?;
    }
    write_reservation(tx, reservation_id, settlement.reservation, now).await
}

/// One pick of a post: units taken from a location and lot.
#[derive(Debug, Clone)]
pub struct Pick {
    pub place: Place,
    pub lot_id: i64,
    pub quantity: Quantity,
}

/// Ships reserved units from the picked locations to `@CUSTOMER_SHIPPED`;
/// whatever the picks do not cover is released.
pub async fn post(
    tx: &mut WriteTx,
    reservation_id: i64,
    picks: &[Pick],
    doc: &DocumentRef,
    now: i64,
) -> Result<(), StoreError> {
    post_to(tx, reservation_id, picks, VirtualLocation::CustomerShipped, doc, now).await
}

/// [`post`], the units leaving to `target` (a transfer's goods go to
/// `@TRANSFER_TRANSIT`, not to a customer).
pub async fn post_to(
    tx: &mut WriteTx,
    reservation_id: i64,
    picks: &[Pick],
    target: VirtualLocation,
    doc: &DocumentRef,
    now: i64,
) -> Result<(), StoreError> {
    let (item, reservation) = reservation_for_update(tx, reservation_id).await?;
    let shipped: i64 = picks.iter().map(|p| p.quantity.get()).sum();
    let settlement = reservation.post(shipped)?;
    let mut on_hand = summary_for_update(tx, item).await?.map(|(_, s)| s.on_hand).unwrap_or(0);
    for pick in picks {
        let (before, after) = change_balance(tx, item, pick.place.location_id, pick.lot_id, now, |b| {
            take_from_location(b, pick.quantity)
        })
        .await?;
        keep_sealed(tx, item, &pick.place, pick.lot_id, pick.quantity, after).await?;
        let source = Side { code: pick.place.code.clone(), before: Some(before), after: Some(after) };
        let shipped_to = virtual_side(target);
        let next = on_hand - pick.quantity.get();
        record(tx, item, pick.lot_id, source, shipped_to, pick.quantity, (on_hand, next), doc, now).await?;
        on_hand = next;
    }
    change_summary(tx, item, now, |mut s| {
        if let Some(q) = Quantity::new(settlement.posted) {
            s = s.post(q)?;
        }
        if let Some(q) = Quantity::new(settlement.released) {
            s = s.release(q)?;
        }
        Ok(s)
    })
    .await?;
    write_reservation(tx, reservation_id, settlement.reservation, now).await
}

/// A lot's batch number, production and expiry dates.
pub async fn lot_dates(
    conn: &mut AnyConnection,
    lot_id: i64,
) -> Result<(Option<String>, Option<String>, Option<String>), StoreError> {
    Ok(sqlx::query_as("SELECT batch_no, production_date, expiry_date FROM lot WHERE lot_id = $1")
        .bind(lot_id)
        .fetch_optional(conn)
        .await?
        .unwrap_or((None, None, None)))
}

/// The lot of a product with this code, created on first use.
#[allow(clippy::too_many_arguments)]
pub async fn ensure_lot(
    tx: &mut WriteTx,
    customer_id: i64,
    product_id: i64,
    lot_code: &str,
    inbound_at: i64,
    batch_no: Option<&str>,
    production_date: Option<&str>,
    expiry_date: Option<&str>,
) -> Result<i64, StoreError> {
    let existing: Option<i64> = sqlx::query_scalar("SELECT lot_id FROM lot WHERE product_id = $1 AND lot_code = $2")
        .bind(product_id)
        .bind(lot_code)
        .fetch_optional(tx.conn())
        .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    sqlx::query_scalar(
        "INSERT INTO lot (customer_id, product_id, lot_code, inbound_at, batch_no, production_date, expiry_date, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $4) RETURNING lot_id",
    )
    .bind(customer_id)
    .bind(product_id)
    .bind(lot_code)
    .bind(inbound_at)
    .bind(batch_no)
    .bind(production_date)
    .bind(expiry_date)
    .fetch_one(tx.conn())
    .await
    .map_err(first_insert_race)
}

/// The lot of a product with this code, if it exists.
pub async fn find_lot(tx: &mut WriteTx, product_id: i64, lot_code: &str) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar("SELECT lot_id FROM lot WHERE product_id = $1 AND lot_code = $2")
        .bind(product_id)
        .bind(lot_code)
        .fetch_optional(tx.conn())
        .await?)
}

/// A lot's code (what the log and the events show).
pub async fn lot_code(tx: &mut WriteTx, lot_id: i64) -> Result<String, StoreError> {
    Ok(sqlx::query_scalar("SELECT lot_code FROM lot WHERE lot_id = $1").bind(lot_id).fetch_one(tx.conn()).await?)
}

/// A serial number as it stands: (serial, status, warehouse_id,
/// location_id, lot_id).
pub type SerialState = (String, SerialStatus, Option<i64>, Option<i64>, Option<i64>);

pub async fn serial_states(
    tx: &mut WriteTx,
    product_id: i64,
    serials: &[String],
) -> Result<Vec<SerialState>, StoreError> {
    if serials.is_empty() {
        return Ok(Vec::new());
    }
    let mut f = Filter::default();
    f.and("product_id = ?", [Arg::Int(product_id)]);
    f.and_in_texts("serial", serials);
    let sql = format!("SELECT serial, status, warehouse_id, location_id, lot_id FROM serial_number {}", f.where_sql());
    type Stored = (String, String, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<Stored> = f.bind_as(sqlx::query_as(&sql)).fetch_all(tx.conn()).await?;
    rows.into_iter()
        .map(|(serial, status, w, l, lot)| {
            let status = SerialStatus::try_from(status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok((serial, status, w, l, lot))
        })
        .collect()
}

/// Records serials as in stock at a location (new or returning serials).
#[allow(clippy::too_many_arguments)]
pub async fn serials_in(
    tx: &mut WriteTx,
    item: Item,
    location_id: i64,
    lot_id: i64,
    serials: &[String],
    document_no: &str,
    now: i64,
) -> Result<(), StoreError> {
    for serial in serials {
        sqlx::query(
            "INSERT INTO serial_number (customer_id, product_id, serial, warehouse_id, location_id, lot_id, condition, \
             status, document_no, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'IN_STOCK', $8, $9) \
             ON CONFLICT (product_id, serial) DO UPDATE SET warehouse_id = excluded.warehouse_id, \
             location_id = excluded.location_id, lot_id = excluded.lot_id, condition = excluded.condition, \
             status = 'IN_STOCK', document_no = excluded.document_no, updated_at = excluded.updated_at",
        )
        .bind(item.customer_id)
        .bind(item.product_id)
        .bind(serial)
        .bind(item.warehouse_id)
        .bind(location_id)
        .bind(lot_id)
        .bind(item.condition.as_str())
        .bind(document_no)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Marks serials as gone from the warehouse.
pub async fn serials_out(
    tx: &mut WriteTx,
    product_id: i64,
    serials: &[String],
    document_no: &str,
    now: i64,
) -> Result<(), StoreError> {
    for serial in serials {
        sqlx::query(
            "UPDATE serial_number SET status = 'OUT', location_id = NULL, document_no = $1, updated_at = $2 \
             WHERE product_id = $3 AND serial = $4",
        )
        .bind(document_no)
        .bind(now)
        .bind(product_id)
        .bind(serial)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Makes sure the item has a summary row (zero when new), so that goods
/// announced on an inbound order show in the stock list before they land.
/// Changes no quantity, so it records no movement.
pub async fn ensure_summary(tx: &mut WriteTx, item: Item, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO stock_summary (customer_id, warehouse_id, product_id, condition, on_hand, reserved, updated_at) \
         VALUES ($1, $2, $3, $4, 0, 0, $5) ON CONFLICT (product_id, warehouse_id, condition) DO NOTHING",
    )
    .bind(item.customer_id)
    .bind(item.warehouse_id)
    .bind(item.product_id)
    .bind(item.condition.as_str())
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Serials of a lot and condition at a location, in serial order.
pub async fn serials_at(
    tx: &mut WriteTx,
    item: Item,
    location_id: i64,
    lot_id: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT serial FROM serial_number WHERE product_id = $1 AND warehouse_id = $2 AND location_id = $3 \
         AND lot_id = $4 AND condition = $5 AND status = 'IN_STOCK' ORDER BY serial",
    )
    .bind(item.product_id)
    .bind(item.warehouse_id)
    .bind(location_id)
    .bind(lot_id)
    .bind(item.condition.as_str())
    .fetch_all(tx.conn())
    .await?)
}

/// Serials in stock that a document moved to a location (an order's
/// picked serials at the packing bench): (serial, lot_id).
pub async fn serials_of_document(
    tx: &mut WriteTx,
    product_id: i64,
    document_no: &str,
    location_id: i64,
) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT serial, COALESCE(lot_id, 0) FROM serial_number WHERE product_id = $1 AND document_no = $2 \
         AND location_id = $3 \
         AND status = 'IN_STOCK' ORDER BY serial",
    )
    .bind(product_id)
    .bind(document_no)
    .bind(location_id)
    .fetch_all(tx.conn())
    .await?)
}

/// Serials follow their units to another location.
pub async fn serials_moved(
    tx: &mut WriteTx,
    product_id: i64,
    serials: &[String],
    location_id: i64,
    document_no: &str,
    now: i64,
) -> Result<(), StoreError> {
    for serial in serials {
        sqlx::query(
            "UPDATE serial_number SET location_id = $1, document_no = $2, updated_at = $3 \
             WHERE product_id = $4 AND serial = $5",
        )
        .bind(location_id)
        .bind(document_no)
        .bind(now)
        .bind(product_id)
        .bind(serial)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Lots of an item at one location with units (core's `lots::take`
/// decides which leave first).
pub async fn lots_at(tx: &mut WriteTx, item: Item, location_id: i64) -> Result<Vec<LotStock>, StoreError> {
    let rows: Vec<(i64, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT b.lot_id, b.quantity, lot.inbound_at, lot.expiry_date FROM stock_balance b \
         JOIN lot ON lot.lot_id = b.lot_id \
         WHERE b.product_id = $1 AND b.warehouse_id = $2 AND b.location_id = $3 AND b.condition = $4 \
         AND b.quantity > 0 ORDER BY lot.inbound_at, b.lot_id",
    )
    .bind(item.product_id)
    .bind(item.warehouse_id)
    .bind(location_id)
    .bind(item.condition.as_str())
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(lot_id, quantity, inbound_at, expiry_date)| LotStock { lot_id, quantity, inbound_at, expiry_date })
        .collect())
}

// ---------------------------------------------------------------- queries

#[derive(Debug, Clone, Default)]
pub struct StockFilter {
    /// Any of these warehouses (empty: all).
    pub warehouse_codes: Vec<String>,
    pub skus: Vec<String>,
    /// Any of these conditions (empty: all).
    pub conditions: Vec<String>,
}

#[derive(Debug, Clone, FromRow)]
pub struct InventoryRow {
    pub warehouse_code: String,
    pub sku: String,
    pub product_name: String,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    pub on_hand: i64,
    pub reserved: i64,
    /// GOOD rows: units announced on the seller's inbound orders not yet
    /// counted.
    pub inbound_in_transit: Option<i64>,
    /// GOOD rows: units shipped to this warehouse by transfers, not yet
    /// counted here.
    pub transfer_in_transit: Option<i64>,
    /// GOOD rows: units on announced returns not yet at the dock.
    pub return_in_transit: Option<i64>,
    /// GOOD rows: reserved units a wave has put on bins or already picked.
    pub allocated: Option<i64>,
    pub updated_at: i64,
    pub declared_value_micros: Option<i64>,
    pub declared_currency: Option<String>,
    #[sqlx(try_from = "String")]
    pub product_type: haicang_core::product::ProductType,
    pub product_id: i64,
    pub warehouse_id: i64,
}

/// Every stock query joins `product p`; scoping by `p.customer_id` lets
/// both engines find the SKUs through the (customer_id, sku) index and join
/// the stock rows by product (the product implies the customer).
fn stock_filter(customer_id: i64, filter: &StockFilter, alias: &str) -> Filter {
    let mut f = Filter::default();
    f.and("p.customer_id = ?", [Arg::Int(customer_id)]);
    if !filter.warehouse_codes.is_empty() {
        f.and_in_texts("w.code", &filter.warehouse_codes);
    }
    if !filter.skus.is_empty() {
        f.and_in_texts("p.sku", &filter.skus);
    }
    if !filter.conditions.is_empty() {
        f.and_in_texts(&format!("{alias}.condition"), &filter.conditions);
    }
    f
}

/// The in-transit and allocation columns of a page of GOOD stock rows,
/// read by one grouped statement over the page's products (a correlated
/// subquery per column and row cost four lookups per row; a statement per
/// column, a round trip each), one arm per kind of units:
/// - inbound transit: announced minus counted on the warehouse's open
///   inbound orders (never below zero: an over-receipt is not negative
///   transit), the seller's own (`origin IS NULL`) and transfers' legs
///   apart. Which statuses are "in transit" is core's rule
///   (`InboundStatus::in_transit`), spliced from those constants, never
///   from input;
/// - returns announced and not yet at the dock;
/// - the reserved units a wave has put on bins or a picker already took
///   (`allocated`; the rest of `reserved` awaits a wave).
///
/// The products are bound once: every arm names the same numbered
/// placeholders (both engines bind `$n` by its number). PostgreSQL sums
/// BIGINT into NUMERIC, which the Any driver cannot read: hence the cast.
async fn add_stock_extras(conn: &mut AnyConnection, rows: &mut [InventoryRow]) -> Result<(), StoreError> {
    // The arms' kinds: own inbound and transfers' legs in transit,
    // announced returns, allocated.
    const INBOUND: i64 = 0;
    const TRANSFER: i64 = 1;
    const RETURNS: i64 = 2;
    const ALLOCATED: i64 = 3;
    let mut products: Vec<i64> = rows.iter().filter(|r| r.condition == Condition::Good).map(|r| r.product_id).collect();
    products.sort_unstable();
    products.dedup();
    if products.is_empty() {
        return Ok(());
    }
    let statuses: Vec<String> =
        InboundStatus::ALL.iter().filter(|s| s.in_transit()).map(|s| format!("'{}'", s.as_str())).collect();
    let statuses = statuses.join(", ");
    let mut f = Filter::default();
    let ids = f.int_marks(&products);
    let open_inbound = format!("o.status IN ({statuses}) AND (o.origin IS NULL OR o.origin = 'TRANSFER')");
    let leg = format!("CASE WHEN o.origin IS NULL THEN {INBOUND} ELSE {TRANSFER} END");
    let sql = format!(
        "SELECT t.kind, t.product_id, t.warehouse_id, CAST(SUM(t.units) AS BIGINT) FROM (\
         SELECT {leg} AS kind, l.product_id, o.warehouse_id, l.quantity AS units \
         FROM inbound_line l JOIN inbound_order o ON o.inbound_order_id = l.inbound_order_id \
         WHERE l.product_id IN ({ids}) AND {open_inbound} \
         UNION ALL SELECT {leg}, r.product_id, o.warehouse_id, -(r.good + r.defective) \
         FROM inbound_receipt r JOIN inbound_order o ON o.inbound_order_id = r.inbound_order_id \
         WHERE r.product_id IN ({ids}) AND {open_inbound} \
         UNION ALL SELECT {RETURNS}, rl.product_id, ro.warehouse_id, rl.quantity \
         FROM return_line rl JOIN return_order ro ON ro.return_order_id = rl.return_order_id \
         WHERE rl.product_id IN ({ids}) AND ro.status = 'ANNOUNCED' \
         UNION ALL SELECT {ALLOCATED}, a.product_id, ao.warehouse_id, \
         CASE WHEN a.status = 'OPEN' THEN a.quantity ELSE a.picked END \
         FROM allocation a JOIN outbound_order ao ON ao.outbound_order_id = a.outbound_order_id \
         WHERE a.product_id IN ({ids}) AND a.status <> 'RELEASED' \
         AND ao.status IN ('WAVED', 'PICKING', 'PICKED', 'PACKED')) t \
         GROUP BY t.kind, t.product_id, t.warehouse_id"
    );
    let sums = f.bind_as(sqlx::query_as::<_, (i64, i64, i64, i64)>(&sql)).fetch_all(&mut *conn).await?;
    for row in rows.iter_mut().filter(|r| r.condition == Condition::Good) {
        let units = |kind: i64| {
            sums.iter()
                .filter(|(k, p, w, _)| *k == kind && *p == row.product_id && *w == row.warehouse_id)
                .map(|(.., units)| *units)
                .sum::<i64>()
        };
        row.inbound_in_transit = Some(units(INBOUND).max(0));
        row.transfer_in_transit = Some(units(TRANSFER).max(0));
        row.return_in_transit = Some(units(RETURNS));
        row.allocated = Some(units(ALLOCATED));
    }
    Ok(())
}

pub async fn list_inventory(
    conn: &mut AnyConnection,
    customer_id: i64,
    filter: &StockFilter,
    page: PageRequest,
) -> Result<(Vec<InventoryRow>, i64), StoreError> {
    let f = stock_filter(customer_id, filter, "s");
    let (mut rows, total) = f
        .page(
            &mut *conn,
            "w.code AS warehouse_code, p.sku, p.name AS product_name, s.condition, s.on_hand, s.reserved, \
             NULL AS inbound_in_transit, NULL AS transfer_in_transit, NULL AS return_in_transit, NULL AS allocated, \
             s.updated_at, p.declared_value_micros, p.declared_currency, p.product_type, p.product_id, \
             s.warehouse_id",
            "stock_summary s JOIN product p ON p.product_id = s.product_id \
             JOIN warehouse w ON w.warehouse_id = s.warehouse_id",
            "w.code, p.sku, s.condition",
            page,
        )
        .await?;
    add_stock_extras(conn, &mut rows).await?;
    Ok((rows, total))
}

#[derive(Debug, Clone, FromRow)]
pub struct LotRow {
    pub warehouse_code: String,
    pub sku: String,
    pub location_code: String,
    pub lot_code: String,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    pub quantity: i64,
    pub inbound_at: i64,
    pub batch_no: Option<String>,
    pub production_date: Option<String>,
    pub expiry_date: Option<String>,
}

pub async fn list_lots(
    conn: &mut AnyConnection,
    customer_id: i64,
    filter: &StockFilter,
    page: PageRequest,
) -> Result<(Vec<LotRow>, i64), StoreError> {
    let mut f = stock_filter(customer_id, filter, "b");
    f.and("b.quantity > ?", [Arg::Int(0)]);
    let (rows, total) = f
        .page(
            conn,
            "w.code AS warehouse_code, p.sku, l.code AS location_code, lot.lot_code, b.condition, b.quantity, \
             lot.inbound_at, lot.batch_no, lot.production_date, lot.expiry_date",
            "stock_balance b JOIN product p ON p.product_id = b.product_id \
             JOIN warehouse w ON w.warehouse_id = b.warehouse_id JOIN location l ON l.location_id = b.location_id \
             JOIN lot ON lot.lot_id = b.lot_id",
            "w.code, p.sku, lot.inbound_at, l.code",
            page,
        )
        .await?;
    Ok((rows, total))
}

#[derive(Debug, Clone, FromRow)]
pub struct SerialRow {
    pub sku: String,
    pub serial: String,
    pub warehouse_code: Option<String>,
    pub location_code: Option<String>,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    #[sqlx(try_from = "String")]
    pub status: SerialStatus,
    pub document_no: String,
    pub updated_at: i64,
    pub product_name: String,
    pub warehouse_name: Option<String>,
    /// When the unit's lot came in (its storage age).
    pub inbound_at: Option<i64>,
}

/// Which serials a list shows.
#[derive(Debug, Clone, Default)]
pub struct SerialFilter {
    /// Any of these serials (empty: all).
    pub serials: Vec<String>,
    /// Only units in stock now.
    pub in_stock: bool,
}

pub async fn list_serials(
    conn: &mut AnyConnection,
    customer_id: i64,
    filter: &StockFilter,
    serials: &SerialFilter,
    page: PageRequest,
) -> Result<(Vec<SerialRow>, i64), StoreError> {
    let mut f = stock_filter(customer_id, filter, "sn");
    if !serials.serials.is_empty() {
        f.and_in_texts("sn.serial", &serials.serials);
    }
    if serials.in_stock {
        f.and("sn.status = ?", [Arg::Text(SerialStatus::InStock.as_str().to_owned())]);
    }
    let (rows, total) = f
        .page(
            conn,
            "p.sku, sn.serial, w.code AS warehouse_code, l.code AS location_code, sn.condition, sn.status, \
             sn.document_no, sn.updated_at, p.name AS product_name, w.name AS warehouse_name, \
             lot.inbound_at AS inbound_at",
            "serial_number sn JOIN product p ON p.product_id = sn.product_id \
             LEFT JOIN warehouse w ON w.warehouse_id = sn.warehouse_id \
             LEFT JOIN location l ON l.location_id = sn.location_id \
             LEFT JOIN lot ON lot.lot_id = sn.lot_id",
            "p.sku, sn.serial",
            page,
        )
        .await?;
    Ok((rows, total))
}

#[derive(Debug, Clone, Default)]
pub struct MovementFilter {
    pub stock: StockFilter,
    pub document_no: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}

#[derive(Debug, Clone, FromRow)]
pub struct MovementRow {
    pub stock_movement_id: i64,
    pub warehouse_code: String,
    pub sku: String,
    pub lot_code: String,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    pub source: String,
    pub target: String,
    pub quantity: i64,
    pub source_before: Option<i64>,
    pub source_after: Option<i64>,
    pub target_before: Option<i64>,
    pub target_after: Option<i64>,
    pub on_hand_before: i64,
    pub on_hand_after: i64,
    pub document_type: String,
    pub document_no: String,
    pub document_line: i64,
    pub operator: String,
    pub reason: Option<String>,
    pub created_at: i64,
}

pub async fn list_movements(
    conn: &mut AnyConnection,
    customer_id: i64,
    filter: &MovementFilter,
    page: PageRequest,
) -> Result<(Vec<MovementRow>, i64), StoreError> {
    let mut f = stock_filter(customer_id, &filter.stock, "m");
    if let Some(d) = &filter.document_no {
        f.and("m.document_no = ?", [Arg::Text(d.clone())]);
    }
    if let Some(t) = filter.from_ms {
        f.and("m.created_at >= ?", [Arg::Int(t)]);
    }
    if let Some(t) = filter.to_ms {
        f.and("m.created_at < ?", [Arg::Int(t)]);
    }
    let (rows, total) = f
        .page(
            conn,
            "m.stock_movement_id, w.code AS warehouse_code, p.sku, lot.lot_code, m.condition, m.source, m.target, \
             m.quantity, m.source_before, m.source_after, m.target_before, m.target_after, m.on_hand_before, \
             m.on_hand_after, m.document_type, m.document_no, m.document_line, m.operator, m.reason, m.created_at",
            "stock_movement m JOIN product p ON p.product_id = m.product_id \
             JOIN warehouse w ON w.warehouse_id = m.warehouse_id JOIN lot ON lot.lot_id = m.lot_id",
            "m.stock_movement_id DESC",
            page,
        )
        .await?;
    Ok((rows, total))
}

/// Records an adjustment document and its lines (the movements are written
/// line by line through the functions above, in the same transaction).
pub async fn insert_adjustment(
    tx: &mut WriteTx,
    document_no: &str,
    warehouse_id: i64,
    customer_id: i64,
    reason: &str,
    staff_id: i64,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO adjustment (document_no, warehouse_id, customer_id, reason, staff_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING adjustment_id",
    )
    .bind(document_no)
    .bind(warehouse_id)
    .bind(customer_id)
    .bind(reason)
    .bind(staff_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

pub struct AdjustmentLineRow<'a> {
    pub line_no: i64,
    pub customer_id: i64,
    pub product_id: i64,
    pub location_id: i64,
    pub lot_id: i64,
    pub condition: Condition,
    pub quantity: i64,
    pub reason: Option<&'a str>,
}

pub async fn insert_adjustment_line(
    tx: &mut WriteTx,
    adjustment_id: i64,
    line: AdjustmentLineRow<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO adjustment_line (adjustment_id, line_no, customer_id, product_id, location_id, lot_id, condition, \
         quantity, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(adjustment_id)
    .bind(line.line_no)
    .bind(line.customer_id)
    .bind(line.product_id)
    .bind(line.location_id)
    .bind(line.lot_id)
    .bind(line.condition.as_str())
    .bind(line.quantity)
    .bind(line.reason)
    .execute(tx.conn())
    .await?;
    Ok(())
}

// ------------------------------------------------- moves and conversions

/// Records a move or conversion header (its lines are its movements).
pub async fn insert_inventory_document(
    tx: &mut WriteTx,
    document_no: &str,
    kind: &str,
    warehouse_id: i64,
    reason: Option<&str>,
    staff_id: i64,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO inventory_document (document_no, kind, warehouse_id, reason, staff_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING inventory_document_id",
    )
    .bind(document_no)
    .bind(kind)
    .bind(warehouse_id)
    .bind(reason)
    .bind(staff_id)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// Whose stock of a SKU code lies at a location: (customer id, customer
/// code, product id), one row per owner.
pub async fn owners_at(
    tx: &mut WriteTx,
    warehouse_id: i64,
    location_id: i64,
    sku: &str,
) -> Result<Vec<(i64, String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT c.customer_id, c.code, p.product_id FROM stock_balance b \
         JOIN product p ON p.product_id = b.product_id JOIN customer c ON c.customer_id = b.customer_id \
         WHERE b.warehouse_id = $1 AND b.location_id = $2 AND p.sku = $3 AND b.quantity > 0 ORDER BY c.code",
    )
    .bind(warehouse_id)
    .bind(location_id)
    .bind(sku)
    .fetch_all(tx.conn())
    .await?)
}

/// Lots of an item at a location with the units open picks do not hold
/// there (a wave's allocation keeps its units where the picker will look).
pub async fn free_lots_at(tx: &mut WriteTx, item: Item, location_id: i64) -> Result<Vec<LotStock>, StoreError> {
    let rows: Vec<(i64, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT b.lot_id, b.quantity - CAST(COALESCE((SELECT SUM(a.quantity - a.picked) FROM allocation a \
         WHERE a.location_id = b.location_id AND a.lot_id = b.lot_id AND a.product_id = b.product_id \
         AND a.status = 'OPEN' AND b.condition = 'GOOD'), 0) AS BIGINT), lot.inbound_at, lot.expiry_date \
         FROM stock_balance b JOIN lot ON lot.lot_id = b.lot_id \
         WHERE b.product_id = $1 AND b.warehouse_id = $2 AND b.location_id = $3 AND b.condition = $4 \
         AND b.quantity > 0 ORDER BY lot.inbound_at, b.lot_id",
    )
    .bind(item.product_id)
    .bind(item.warehouse_id)
    .bind(location_id)
    .bind(item.condition.as_str())
    .fetch_all(tx.conn())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(lot_id, quantity, inbound_at, expiry_date)| LotStock { lot_id, quantity, inbound_at, expiry_date })
        .collect())
}

/// A SKU's stock in a warehouse after a change, as JF's webhooks report
/// it: total, reserved (locked) and the part not GOOD.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromRow)]
pub struct SkuStock {
    pub total: i64,
    pub reserved: i64,
    pub non_good: i64,
}

/// Each product's stock in one warehouse, in the order given, in one query (products without
/// stock there read as zeros).
///
/// (`customer_id + 0`: a product is one seller's, so the check must not
/// steer SQLite to the (customer, warehouse) index — a scan of the
/// seller's whole stock per SKU — instead of the product key.)
pub async fn skus_stock(
    tx: &mut WriteTx,
    customer_id: i64,
    warehouse_id: i64,
    product_ids: &[i64],
) -> Result<Vec<SkuStock>, StoreError> {
    let mut found = std::collections::BTreeMap::new();
    for chunk in product_ids.chunks(500) {
        let mut f = Filter::default();
        f.and("customer_id + 0 = ?", [Arg::Int(customer_id)]);
        f.and("warehouse_id = ?", [Arg::Int(warehouse_id)]);
        f.and_in_ints("product_id", chunk);
        let sql = format!(
            "SELECT product_id, CAST(COALESCE(SUM(on_hand), 0) AS BIGINT), CAST(COALESCE(SUM(reserved), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN condition <> 'GOOD' THEN on_hand ELSE 0 END), 0) AS BIGINT) \
             FROM stock_summary {} GROUP BY product_id",
            f.where_sql()
        );
        let rows: Vec<(i64, i64, i64, i64)> = f.bind_as(sqlx::query_as(&sql)).fetch_all(tx.conn()).await?;
        for (product_id, total, reserved, non_good) in rows {
            found.insert(product_id, SkuStock { total, reserved, non_good });
        }
    }
    Ok(product_ids.iter().map(|p| found.get(p).copied().unwrap_or_default()).collect())
}

// ---------------------------------------------------------- replenishment

pub async fn upsert_replenishment_rule(
    tx: &mut WriteTx,
    warehouse_id: i64,
    location_id: i64,
    product_id: i64,
    min_quantity: i64,
    max_quantity: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO replenishment_rule (location_id, product_id, warehouse_id, min_quantity, max_quantity, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (location_id, product_id) DO UPDATE SET \
         min_quantity = excluded.min_quantity, max_quantity = excluded.max_quantity, updated_at = excluded.updated_at",
    )
    .bind(location_id)
    .bind(product_id)
    .bind(warehouse_id)
    .bind(min_quantity)
    .bind(max_quantity)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A rule with what its face holds now (GOOD units).
#[derive(Debug, Clone, FromRow)]
pub struct ReplenishmentRow {
    pub location_id: i64,
    pub location_code: String,
    pub product_id: i64,
    pub customer_id: i64,
    pub customer_code: String,
    pub sku: String,
    pub min_quantity: i64,
    pub max_quantity: i64,
    pub on_face: i64,
}

pub async fn replenishment_rules(
    conn: &mut AnyConnection,
    warehouse_id: i64,
) -> Result<Vec<ReplenishmentRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT r.location_id, l.code AS location_code, r.product_id, p.customer_id, c.code AS customer_code, p.sku, \
         r.min_quantity, r.max_quantity, CAST(COALESCE((SELECT SUM(b.quantity) FROM stock_balance b \
         WHERE b.location_id = r.location_id AND b.product_id = r.product_id AND b.condition = 'GOOD'), 0) AS BIGINT) \
         AS on_face FROM replenishment_rule r JOIN location l ON l.location_id = r.location_id \
         JOIN product p ON p.product_id = r.product_id JOIN customer c ON c.customer_id = p.customer_id \
         WHERE r.warehouse_id = $1 ORDER BY l.code, p.sku",
    )
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?)
}

/// Reserve stock of a product that may feed a face: GOOD units in enabled
/// STORAGE and OVERFLOW locations, less what open picks hold there, per
/// location and lot (location code, lot code and the issue-order keys).
pub async fn reserve_stock(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    product_id: i64,
) -> Result<Vec<(String, String, LotStock)>, StoreError> {
    let rows: Vec<(String, String, i64, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT l.code, lot.lot_code, b.lot_id, b.quantity - CAST(COALESCE((SELECT SUM(a.quantity - a.picked) \
         FROM allocation a WHERE a.location_id = b.location_id AND a.lot_id = b.lot_id AND a.product_id = b.product_id \
         AND a.status = 'OPEN'), 0) AS BIGINT), lot.inbound_at, lot.expiry_date \
         FROM stock_balance b JOIN location l ON l.location_id = b.location_id JOIN lot ON lot.lot_id = b.lot_id \
         WHERE b.warehouse_id = $1 AND b.product_id = $2 AND b.condition = 'GOOD' AND b.quantity > 0 \
         AND l.location_type IN ('STORAGE', 'OVERFLOW') AND l.status = 'ENABLED' ORDER BY l.code",
    )
    .bind(warehouse_id)
    .bind(product_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, lot_code, lot_id, quantity, inbound_at, expiry_date)| {
            (code, lot_code, LotStock { lot_id, quantity, inbound_at, expiry_date })
        })
        .collect())
}
