//! Document number sequences, per prefix and day.

use sqlx::AnyConnection;

use crate::StoreError;

/// Takes the next sequence value of `prefix` on `day` inside the caller's
/// write transaction, so that a rolled-back document gives its number back.
pub async fn next_value(conn: &mut AnyConnection, prefix: &str, day: &str) -> Result<i64, StoreError> {
    let value: i64 = sqlx::query_scalar(
        "INSERT INTO document_sequence (prefix, day, next_value) VALUES ($1, $2, 2) \
         ON CONFLICT (prefix, day) DO UPDATE SET next_value = document_sequence.next_value + 1 \
         RETURNING next_value - 1",
    )
    .bind(prefix)
    .bind(day)
    .fetch_one(conn)
    .await?;
    Ok(value)
}
