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
    _scratch: Scratch,
}

/// Where a fresh database lives; dropping it removes the database: the
/// SQLite file's directory, or the PostgreSQL database (dropped with
/// `WITH (FORCE)` so connections still open do not keep it). Several hundred
/// tests create databases on one server: kept, they filled the CI machine's
/// disk until PostgreSQL stopped mid-run.
pub enum Scratch {
    Directory(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let Scratch::Postgres { admin_url, name } = self else { return };
        let (admin_url, name) = (admin_url.clone(), name.clone());
        // Drop runs inside tests' runtimes, which cannot block: a thread of
        // its own with a small runtime does the work and is waited for.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let mut admin = sqlx::AnyConnection::connect(&admin_url).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).await.ok()?;
                admin.close().await.ok()
            })
        });
        let _ = dropped.join();
    }
}

pub const POSTGRES_ENV: &str = "HAICANG_TEST_POSTGRES_URL";

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("haicang_test_{}_{}_{}", std::process::id(), nanos % 1_000_000_000, COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A fresh URL (the database already created on PostgreSQL) and the
/// directory that holds it on SQLite.
pub async fn fresh_url() -> Result<(String, Scratch), StoreError> {
    fresh_url_on(std::env::var(POSTGRES_ENV).ok().filter(|u| !u.is_empty()).as_deref()).await
}

/// Like [`fresh_url`], on the PostgreSQL server of `postgres_admin_url`
/// when given, else on SQLite.
pub async fn fresh_url_on(postgres_admin_url: Option<&str>) -> Result<(String, Scratch), StoreError> {
    match postgres_admin_url {
        Some(admin_url) => {
            sqlx::any::install_default_drivers();
            let name = unique_name();
            let mut admin = sqlx::AnyConnection::connect(admin_url).await?;
            // FILE_COPY: the template is copied as files, not written
            // through the WAL a second time.
            sqlx::query(&format!("CREATE DATABASE {name} STRATEGY FILE_COPY")).execute(&mut admin).await?;
            admin.close().await?;
            let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin_url);
            Ok((format!("{base}/{name}"), Scratch::Postgres { admin_url: admin_url.to_owned(), name }))
        }
        None => {
            let dir = tempfile::tempdir().map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
            let url = format!("sqlite://{}", dir.path().join("haicang.db").display());
            Ok((url, Scratch::Directory(dir)))
        }
    }
}

pub async fn fresh_store() -> Result<TestDb, StoreError> {
    let (url, scratch) = fresh_url().await?;
    let store = Store::connect(&url, 16).await?;
    store.migrate().await?;
    Ok(TestDb { store, url, _scratch: scratch })
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
