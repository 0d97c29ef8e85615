//! The transactional outbox: events commit with the change they report.

use sqlx::{AnyConnection, FromRow};

use crate::{Engine, StoreError, WriteTx};

#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    pub outbox_event_id: i64,
    pub event_id: String,
    pub customer_id: i64,
    pub event_type: String,
    pub payload: String,
    pub created_at: i64,
    pub txid: i64,
}

/// The transaction id an event is stamped with: PostgreSQL's, so readers
/// can wait for slower transactions; 0 on SQLite (serialised writers).
fn txid_expr(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "0",
        Engine::Postgres => "txid_current()",
    }
}

/// Below this (txid) every transaction has ended: PostgreSQL's snapshot
/// xmin; on SQLite everything committed is visible in id order.
fn horizon(engine: Engine) -> &'static str {
    match engine {
        Engine::Sqlite => "1",
        Engine::Postgres => "txid_snapshot_xmin(txid_current_snapshot())",
    }
}

/// Writes an event inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    tx: &mut WriteTx,
    event_id: &str,
    customer_id: i64,
    event_type: &str,
    payload: &str,
    document_no: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    insert_many(tx, &[NewEvent { event_id, customer_id, event_type, payload, document_no }], now).await
}

/// An event to write: its id, seller, type, payload and document.
pub struct NewEvent<'a> {
    pub event_id: &'a str,
    pub customer_id: i64,
    pub event_type: &'a str,
    pub payload: &'a str,
    pub document_no: Option<&'a str>,
}

/// Writes events with one INSERT (a batch of orders), in the given order
/// (ids are handed out in the order a statement inserts its rows).
pub async fn insert_many(tx: &mut WriteTx, events: &[NewEvent<'_>], now: i64) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO outbox_event (event_id, customer_id, event_type, payload, document_no, created_at, txid) \
         VALUES {}",
        crate::db::value_rows_then(events.len(), 6, 1, Some(txid_expr(tx.engine())))
    );
    let mut query = sqlx::query(&sql);
    for e in events {
        query =
            query.bind(e.event_id).bind(e.customer_id).bind(e.event_type).bind(e.payload).bind(e.document_no).bind(now);
    }
    query.execute(tx.conn()).await?;
    Ok(())
}

/// A position in the event stream: (txid, id) of the last event read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor {
    pub txid: i64,
    pub id: i64,
}

/// Events after `after` in commit order, only from transactions that have
/// all ended (so a later read never finds an earlier event it skipped);
/// `customer_id` scopes a seller's feed; `types` filters when not empty.
pub async fn feed(
    conn: &mut AnyConnection,
    engine: Engine,
    customer_id: Option<i64>,
    after: Cursor,
    types: &[String],
    limit: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    let mut f = crate::Filter::default();
    if let Some(id) = customer_id {
        f.and("customer_id = ?", [crate::Arg::Int(id)]);
    }
    f.and(
        "(txid > ? OR (txid = ? AND outbox_event_id > ?))",
        [crate::Arg::Int(after.txid), crate::Arg::Int(after.txid), crate::Arg::Int(after.id)],
    );
    if !types.is_empty() {
        f.and_in_texts("event_type", types);
    }
    let where_sql = f.where_sql();
    let n = f.next_placeholder();
    let sql = format!(
        "SELECT outbox_event_id, event_id, customer_id, event_type, payload, created_at, txid FROM outbox_event \
         {where_sql} AND txid < {} ORDER BY txid, outbox_event_id LIMIT ${n}",
        horizon(engine)
    );
    Ok(f.bind_as(sqlx::query_as(&sql)).bind(limit).fetch_all(conn).await?)
}

/// A customer's events after `after_id`, oldest first.
pub async fn list_for_customer(
    conn: &mut AnyConnection,
    customer_id: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT outbox_event_id, event_id, customer_id, event_type, payload, created_at, txid FROM outbox_event \
         WHERE customer_id = $1 AND outbox_event_id > $2 ORDER BY outbox_event_id LIMIT $3",
    )
    .bind(customer_id)
    .bind(after_id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// Every event, oldest first (billing replays them).
pub async fn all_events(conn: &mut AnyConnection) -> Result<Vec<OutboxRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT outbox_event_id, event_id, customer_id, event_type, payload, created_at, txid FROM outbox_event \
         ORDER BY outbox_event_id",
    )
    .fetch_all(conn)
    .await?)
}
