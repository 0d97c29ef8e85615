//! Webhook subscriptions and deliveries. Deliveries are rows: they survive
//! restarts, and a worker claims one with a lease (compare-and-set) so two
//! workers or two processes never send the same attempt.

use haicang_core::status::DeliveryStatus;
use sqlx::{AnyConnection, FromRow};

use crate::outbox::{self, Cursor};
use crate::{Arg, Filter, PageRequest, Store, StoreError, WriteTx};

#[derive(Debug, Clone, FromRow)]
pub struct SubscriptionRow {
    pub webhook_subscription_id: i64,
    pub public_id: String,
    pub customer_id: i64,
    pub url: String,
    pub events: String,
    pub active: i64,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const SUBSCRIPTION_COLUMNS: &str = "webhook_subscription_id, public_id, customer_id, url, events, active, secret, \
     previous_secret, previous_expires_at, created_at, updated_at";

#[allow(clippy::too_many_arguments)]
pub async fn insert_subscription(
    tx: &mut WriteTx,
    public_id: &str,
    customer_id: i64,
    app_id: Option<i64>,
    url: &str,
    events: &str,
    secret: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO webhook_subscription (public_id, customer_id, app_id, url, events, active, secret, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7)",
    )
    .bind(public_id)
    .bind(customer_id)
    .bind(app_id)
    .bind(url)
    .bind(events)
    .bind(secret)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn subscriptions(conn: &mut AnyConnection, customer_id: i64) -> Result<Vec<SubscriptionRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscription WHERE customer_id = $1 AND deleted_at IS NULL \
         ORDER BY webhook_subscription_id"
    ))
    .bind(customer_id)
    .fetch_all(conn)
    .await?)
}

pub async fn find_subscription(
    conn: &mut AnyConnection,
    customer_id: i64,
    public_id: &str,
) -> Result<Option<SubscriptionRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM webhook_subscription WHERE customer_id = $1 AND public_id = $2 \
         AND deleted_at IS NULL"
    ))
    .bind(customer_id)
    .bind(public_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn update_subscription(
    tx: &mut WriteTx,
    id: i64,
    url: &str,
    events: &str,
    active: bool,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE webhook_subscription SET url = $1, events = $2, active = $3, updated_at = $4 \
         WHERE webhook_subscription_id = $5",
    )
    .bind(url)
    .bind(events)
    .bind(i64::from(active))
    .bind(now)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn delete_subscription(tx: &mut WriteTx, id: i64, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE webhook_subscription SET deleted_at = $1, active = 0, updated_at = $1 WHERE webhook_subscription_id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A new secret; the old one keeps signing until `previous_expires_at`.
pub async fn rotate_secret(
    tx: &mut WriteTx,
    sub: &SubscriptionRow,
    secret: &str,
    previous_expires_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE webhook_subscription SET secret = $1, previous_secret = $2, previous_expires_at = $3, updated_at = $4 \
         WHERE webhook_subscription_id = $5",
    )
    .bind(secret)
    .bind(&sub.secret)
    .bind(previous_expires_at)
    .bind(now)
    .bind(sub.webhook_subscription_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Turns new outbox events into deliveries for the subscriptions that want
/// them; returns how many events it read. Reads in commit order below the
/// horizon, from the shared cursor, in one transaction.
pub async fn fan_out(store: &Store, limit: i64, now: i64, new_id: impl Fn() -> String) -> Result<usize, StoreError> {
    let mut tx = store.begin_write().await?;
    let cursor: Option<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT txid, outbox_event_id FROM webhook_cursor WHERE name = 'fan-out'{}",
        crate::db::lock_clause(tx.engine())
    ))
    .fetch_optional(tx.conn())
    .await?;
    let after = cursor.map(|(txid, id)| Cursor { txid, id }).unwrap_or_default();
    let engine = tx.engine();
    let events = outbox::feed(tx.conn(), engine, None, after, &[], limit).await?;
    let Some(last) = events.last() else {
        return Ok(0);
    };
    let last = Cursor { txid: last.txid, id: last.outbox_event_id };
    for e in &events {
        // A subscription receives what happens after it was made; the
        // feed is there for what came before.
        let subs: Vec<(i64, String)> = sqlx::query_as(
            "SELECT webhook_subscription_id, events FROM webhook_subscription WHERE customer_id = $1 AND active = 1 \
             AND deleted_at IS NULL AND created_at <= $2",
        )
        .bind(e.customer_id)
        .bind(e.created_at)
        .fetch_all(tx.conn())
        .await?;
        let document_no: Option<String> =
            sqlx::query_scalar("SELECT document_no FROM outbox_event WHERE outbox_event_id = $1")
                .bind(e.outbox_event_id)
                .fetch_one(tx.conn())
                .await?;
        for (sub_id, types) in subs {
            if !types.split(',').any(|t| t == e.event_type || t == "*") {
                continue;
            }
            sqlx::query(
                "INSERT INTO webhook_delivery (public_id, webhook_subscription_id, outbox_event_id, customer_id, \
                 event_type, document_no, status, attempts, next_attempt_at, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', 0, $7, $7, $7) \
                 ON CONFLICT (webhook_subscription_id, outbox_event_id) DO NOTHING",
            )
            .bind(new_id())
            .bind(sub_id)
            .bind(e.outbox_event_id)
            .bind(e.customer_id)
            .bind(&e.event_type)
            .bind(&document_no)
            .bind(now)
            .execute(tx.conn())
            .await?;
        }
    }
    sqlx::query(
        "INSERT INTO webhook_cursor (name, txid, outbox_event_id) VALUES ('fan-out', $1, $2) \
         ON CONFLICT (name) DO UPDATE SET txid = excluded.txid, outbox_event_id = excluded.outbox_event_id",
    )
    .bind(last.txid)
    .bind(last.id)
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(events.len())
}

/// A claimed delivery with what sending it needs.
#[derive(Debug, Clone, FromRow)]
pub struct Claimed {
    pub webhook_delivery_id: i64,
    pub public_id: String,
    pub event_type: String,
    pub attempts: i64,
    pub created_at: i64,
    pub url: String,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_expires_at: Option<i64>,
    pub payload: String,
    pub customer_id: i64,
    /// The subscription's vendor format (None: haicang's own) and the
    /// client id of its app (a dialect signs with the app's secret).
    pub dialect: Option<String>,
    pub client_id: Option<String>,
}

/// Makes a subscription deliver a vendor dialect's format.
pub async fn set_dialect(tx: &mut WriteTx, public_id: &str, dialect: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE webhook_subscription SET dialect = $1 WHERE public_id = $2")
        .bind(dialect)
        .bind(public_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Claims up to `limit` due deliveries for `lease_ms`. A delivery waits
/// while an earlier one of the same subscription and document is pending.
pub async fn claim(
    store: &Store,
    worker: &str,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let mut tx = store.begin_write().await?;
    let due: Vec<(i64,)> = sqlx::query_as(
        "SELECT d.webhook_delivery_id FROM webhook_delivery d WHERE d.status = 'PENDING' AND d.next_attempt_at <= $1 \
         AND (d.claimed_until IS NULL OR d.claimed_until < $1) \
         AND NOT EXISTS (SELECT 1 FROM webhook_delivery e WHERE e.webhook_subscription_id = d.webhook_subscription_id \
             AND e.document_no = d.document_no AND e.status = 'PENDING' AND e.webhook_delivery_id < d.webhook_delivery_id) \
         ORDER BY d.webhook_delivery_id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(tx.conn())
    .await?;
    let mut claimed = Vec::new();
    for (id,) in due {
        let done = sqlx::query(
            "UPDATE webhook_delivery SET claimed_until = $1, claimed_by = $2, updated_at = $3 \
             WHERE webhook_delivery_id = $4 AND status = 'PENDING' AND (claimed_until IS NULL OR claimed_until < $3)",
        )
        .bind(now + lease_ms)
        .bind(worker)
        .bind(now)
        .bind(id)
        .execute(tx.conn())
        .await?;
        if done.rows_affected() == 1 {
            claimed.push(id);
        }
    }
    let mut out = Vec::with_capacity(claimed.len());
    for id in claimed {
        out.push(
            sqlx::query_as(
                "SELECT d.webhook_delivery_id, d.public_id, d.event_type, d.attempts, d.created_at, s.url, s.secret, \
                 s.previous_secret, s.previous_expires_at, o.payload, d.customer_id, s.dialect, a.client_id \
                 FROM webhook_delivery d \
                 JOIN webhook_subscription s ON s.webhook_subscription_id = d.webhook_subscription_id \
                 LEFT JOIN app a ON a.app_id = s.app_id \
                 JOIN outbox_event o ON o.outbox_event_id = d.outbox_event_id WHERE d.webhook_delivery_id = $1",
            )
            .bind(id)
            .fetch_one(tx.conn())
            .await?,
        );
    }
    tx.commit().await?;
    Ok(out)
}

/// One attempt's outcome.
pub struct Attempt<'a> {
    pub http_status: Option<i64>,
    pub latency_ms: i64,
    pub response_head: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// Records an attempt and the delivery's next state: DELIVERED, FAILED, or
/// PENDING again at `retry_at`. Only the claimant may finish it.
pub async fn finish(
    store: &Store,
    claimed: &Claimed,
    worker: &str,
    attempt: &Attempt<'_>,
    outcome: &str,
    retry_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    let mut tx = store.begin_write().await?;
    let n = claimed.attempts + 1;
    let done = sqlx::query(
        "UPDATE webhook_delivery SET status = $1, attempts = $2, next_attempt_at = $3, claimed_until = NULL, \
         claimed_by = NULL, last_http_status = $4, delivered_at = CASE WHEN $1 = 'DELIVERED' THEN $5 ELSE NULL END, \
         updated_at = $5 WHERE webhook_delivery_id = $6 AND claimed_by = $7 AND attempts = $8",
    )
    .bind(outcome)
    .bind(n)
    .bind(retry_at)
    .bind(attempt.http_status)
    .bind(now)
    .bind(claimed.webhook_delivery_id)
    .bind(worker)
    .bind(claimed.attempts)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        // The lease ran out and another worker took over: its record wins.
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO webhook_attempt (webhook_delivery_id, attempt, http_status, latency_ms, response_head, error, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(claimed.webhook_delivery_id)
    .bind(n)
    .bind(attempt.http_status)
    .bind(attempt.latency_ms)
    .bind(attempt.response_head)
    .bind(attempt.error)
    .bind(now)
    .execute(tx.conn())
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, FromRow)]
pub struct DeliveryRow {
    pub webhook_delivery_id: i64,
    pub public_id: String,
    pub subscription_public_id: String,
    pub event_id: String,
    pub event_type: String,
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_http_status: Option<i64>,
    pub delivered_at: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub status: Option<String>,
    pub event_type: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
}

pub async fn list_deliveries(
    conn: &mut AnyConnection,
    customer_id: i64,
    filter: &DeliveryFilter,
    page: PageRequest,
) -> Result<(Vec<DeliveryRow>, i64), StoreError> {
    let mut f = Filter::default();
    f.and("d.customer_id = ?", [Arg::Int(customer_id)]);
    if let Some(s) = &filter.status {
        f.and("d.status = ?", [Arg::Text(s.clone())]);
    }
    if let Some(t) = &filter.event_type {
        f.and("d.event_type = ?", [Arg::Text(t.clone())]);
    }
    if let Some(t) = filter.created_from {
        f.and("d.created_at >= ?", [Arg::Int(t)]);
    }
    if let Some(t) = filter.created_to {
        f.and("d.created_at < ?", [Arg::Int(t)]);
    }
    f.page(
        conn,
        "d.webhook_delivery_id, d.public_id, s.public_id AS subscription_public_id, o.event_id, d.event_type, \
         d.status, d.attempts, d.next_attempt_at, d.last_http_status, d.delivered_at, d.created_at",
        "webhook_delivery d JOIN webhook_subscription s ON s.webhook_subscription_id = d.webhook_subscription_id \
         JOIN outbox_event o ON o.outbox_event_id = d.outbox_event_id",
        "d.webhook_delivery_id DESC",
        page,
    )
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct AttemptRow {
    pub webhook_delivery_id: i64,
    pub attempt: i64,
    pub http_status: Option<i64>,
    pub latency_ms: i64,
    pub response_head: Option<String>,
    pub error: Option<String>,
    pub created_at: i64,
}

pub async fn attempts_of(conn: &mut AnyConnection, delivery_ids: &[i64]) -> Result<Vec<AttemptRow>, StoreError> {
    if delivery_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut f = Filter::default();
    f.and_in_ints("webhook_delivery_id", delivery_ids);
    let sql = format!(
        "SELECT webhook_delivery_id, attempt, http_status, latency_ms, response_head, error, created_at \
         FROM webhook_attempt {} ORDER BY webhook_delivery_id, attempt",
        f.where_sql()
    );
    Ok(f.bind_as(sqlx::query_as(&sql)).fetch_all(conn).await?)
}

/// Sends a delivery again (whatever its state): PENDING, due now.
pub async fn redeliver(tx: &mut WriteTx, customer_id: i64, public_id: &str, now: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE webhook_delivery SET status = 'PENDING', next_attempt_at = $1, created_at = $1, claimed_until = NULL, \
         claimed_by = NULL, updated_at = $1 WHERE customer_id = $2 AND public_id = $3",
    )
    .bind(now)
    .bind(customer_id)
    .bind(public_id)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}
