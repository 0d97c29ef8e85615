//! Document number sequences, per prefix and day.

use sqlx::AnyConnection;

use crate::{Engine, Store, StoreError};

/// Takes the next sequence value of `prefix` on `day` inside the caller's
/// write transaction, so that a rolled-back document gives its number back.
pub async fn next_value(conn: &mut AnyConnection, prefix: &str, day: &str) -> Result<i64, StoreError> {
    next_values(conn, prefix, day, 1).await
}

/// Takes `n` (≥ 1) consecutive values at once, as [`next_value`] takes
/// one (a batch of orders: one statement for all their numbers); the
/// first of them.
pub async fn next_values(conn: &mut AnyConnection, prefix: &str, day: &str, n: i64) -> Result<i64, StoreError> {
    let value: i64 = sqlx::query_scalar(
        "INSERT INTO document_sequence (prefix, day, next_value) VALUES ($1, $2, 1 + $3) \
         ON CONFLICT (prefix, day) DO UPDATE SET next_value = document_sequence.next_value + $3 \
         RETURNING next_value - $3",
    )
    .bind(prefix)
    .bind(day)
    .bind(n)
    .fetch_one(conn)
    .await?;
    Ok(value)
}

/// For a busy command (outbound orders) on PostgreSQL: the next number,
/// taken in its own short transaction *before* the command's begins.
/// Inside it, the one sequence row would stay locked until the command
/// commits and serialise every concurrent order. A command that then fails
/// (or answers an idempotent repeat) leaves a gap in the day's numbers,
/// which is the price. On SQLite writers are serialised anyway: `None`, and
/// the command takes its number inside with [`next_value`].
pub async fn next_value_ahead(store: &Store, prefix: &str, day: &str) -> Result<Option<i64>, StoreError> {
    match store.engine() {
        Engine::Sqlite => Ok(None),
        Engine::Postgres => Ok(Some(next_value(&mut *store.read().await?, prefix, day).await?)),
    }
}
