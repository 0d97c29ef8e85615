//! Dialect aliases: a vendor's code for a warehouse or shipping service
//! and the haicang code it stands for.

use sqlx::{AnyConnection, FromRow};

use haicang_core::dialects::{AliasKind, Dialect};

use crate::{StoreError, WriteTx};

#[derive(Debug, Clone, FromRow)]
pub struct AliasRow {
    #[sqlx(try_from = "String")]
    pub dialect: Dialect,
    #[sqlx(try_from = "String")]
    pub kind: AliasKind,
    pub vendor_code: String,
    pub haicang_code: String,
    pub created_at: i64,
}

/// Sets (or replaces) what a vendor code stands for.
pub async fn set(
    tx: &mut WriteTx,
    dialect: Dialect,
    kind: AliasKind,
    vendor_code: &str,
    haicang_code: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM dialect_alias WHERE dialect = $1 AND kind = $2 AND vendor_code = $3")
        .bind(dialect.as_str())
        .bind(kind.as_str())
        .bind(vendor_code)
        .execute(tx.conn())
        .await?;
    sqlx::query(
        "INSERT INTO dialect_alias (dialect, kind, vendor_code, haicang_code, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(dialect.as_str())
    .bind(kind.as_str())
    .bind(vendor_code)
    .bind(haicang_code)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Removes an alias; whether there was one.
pub async fn remove(
    tx: &mut WriteTx,
    dialect: Dialect,
    kind: AliasKind,
    vendor_code: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query("DELETE FROM dialect_alias WHERE dialect = $1 AND kind = $2 AND vendor_code = $3")
        .bind(dialect.as_str())
        .bind(kind.as_str())
        .bind(vendor_code)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn list(conn: &mut AnyConnection, dialect: Option<Dialect>) -> Result<Vec<AliasRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT dialect, kind, vendor_code, haicang_code, created_at FROM dialect_alias \
         WHERE ($1 = '' OR dialect = $1) ORDER BY dialect, kind, vendor_code",
    )
    .bind(dialect.map(|d| d.as_str()).unwrap_or(""))
    .fetch_all(conn)
    .await?)
}

/// The haicang code a vendor code stands for.
pub async fn resolve(
    conn: &mut AnyConnection,
    dialect: Dialect,
    kind: AliasKind,
    vendor_code: &str,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT haicang_code FROM dialect_alias WHERE dialect = $1 AND kind = $2 AND vendor_code = $3",
    )
    .bind(dialect.as_str())
    .bind(kind.as_str())
    .bind(vendor_code)
    .fetch_optional(conn)
    .await?)
}

/// The vendor code a haicang code is shown as (the first set, if several).
pub async fn vendor_code_of(
    conn: &mut AnyConnection,
    dialect: Dialect,
    kind: AliasKind,
    haicang_code: &str,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT vendor_code FROM dialect_alias WHERE dialect = $1 AND kind = $2 AND haicang_code = $3 \
         ORDER BY created_at, vendor_code LIMIT 1",
    )
    .bind(dialect.as_str())
    .bind(kind.as_str())
    .bind(haicang_code)
    .fetch_optional(conn)
    .await?)
}
