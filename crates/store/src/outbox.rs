//! The transactional outbox: events commit with the change they report.

use sqlx::{AnyConnection, FromRow};

use crate::{StoreError, WriteTx};

#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    pub outbox_event_id: i64,
    pub event_id: String,
    pub customer_id: i64,
    pub event_type: String,
    pub payload: String,
    pub created_at: i64,
}

/// Writes an event inside the caller's transaction.
pub async fn insert(
    tx: &mut WriteTx,
    event_id: &str,
    customer_id: i64,
    event_type: &str,
    payload: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox_event (event_id, customer_id, event_type, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(event_id)
    .bind(customer_id)
    .bind(event_type)
    .bind(payload)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// A customer's events after `after_id`, oldest first.
pub async fn list_for_customer(
    conn: &mut AnyConnection,
    customer_id: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<OutboxRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT outbox_event_id, event_id, customer_id, event_type, payload, created_at FROM outbox_event \
         WHERE customer_id = $1 AND outbox_event_id > $2 ORDER BY outbox_event_id LIMIT $3",
    )
    .bind(customer_id)
    .bind(after_id)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}
