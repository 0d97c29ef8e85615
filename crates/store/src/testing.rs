//! Fresh databases for tests, on either engine.
//!
//! `HAICANG_TEST_POSTGRES_URL` (an administrative URL such as
//! `postgres://postgres@127.0.0.1:5433/postgres`, set by `scripts/test`)
//! switches every test that uses [`fresh_store`] to PostgreSQL: each call
//! creates its own database there. Without it, each call gets a new SQLite
//! file in a temporary directory.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::Connection;

use crate::{Store, StoreError};

/// A migrated database that lives as long as this value.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub const POSTGRES_ENV: &str = "HAICANG_TEST_POSTGRES_URL";

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("haicang_test_{}_{}_{}", std::process::id(), nanos % 1_000_000_000, COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A fresh URL (the database already created on PostgreSQL) and the
/// directory that holds it on SQLite.
pub async fn fresh_url() -> Result<(String, Option<tempfile::TempDir>), StoreError> {
    fresh_url_on(std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty()).as_deref()).await
}

/// Like [`fresh_url`], on the PostgreSQL server of `postgres_admin_url`
/// when given, else on SQLite.
pub async fn fresh_url_on(postgres_admin_url: Option<&str>) -> Result<(String, Option<tempfile::TempDir>), StoreError> {
    match postgres_admin_url {
        Some(admin_url) => {
            sqlx::any::install_default_drivers();
            let name = unique_name();
            let mut admin = sqlx::AnyConnection::connect(admin_url).await?;
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await?;
            admin.close().await?;
            let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
            Ok((format!("{base}/{name}"), None))
        }
        None => {
            let dir = tempfile::tempdir().map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            let url = format!("sqlite://{}", dir.path().join("haicang.db").display());
            Ok((url, Some(dir)))
        }
    }
}

pub async fn fresh_store() -> Result<TestDb, StoreError> {
    let (url, dir) = fresh_url().await?;
    let store = Store::connect(&url, 16).await?;
    store.migrate().await?;
    Ok(TestDb { store, url, _dir: dir })
}

/// Backdates every lot with this code (tests of storage age tiers: lots
/// cannot be made old any other way).
pub async fn set_lot_inbound_at(store: &Store, lot_code: &str, inbound_at: i64) -> Result<(), StoreError> {
    let mut tx = store.begin_write().await?;
    sqlx::query("UPDATE lot SET inbound_at = $1 WHERE lot_code = $2")
        .bind(inbound_at)
        .bind(lot_code)
        .execute(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(())
}
