//! SQLite's group commit (`wal_flush`): a commit is answered only after a
//! WAL sync that started after it, a lone writer pays exactly one sync, a
//! refused or abandoned writer none and loses nobody else's rows, and
//! writers cancelled anywhere never lose an acknowledged write. On
//! PostgreSQL there is nothing to group: the tests return early there.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use haicang_store::Store;
use haicang_store::testing::{TestDb, fresh_store};

/// A SQLite store with a table for the probes, or `None` on PostgreSQL.
async fn probe_store() -> Option<TestDb> {
    let db = fresh_store().await.unwrap();
    db.store.group_commit_counts()?;
    let mut tx = db.store.begin_write().await.unwrap();
    sqlx::query("CREATE TABLE probe (n BIGINT PRIMARY KEY)").execute(tx.conn()).await.unwrap();
    tx.commit().await.unwrap();
    Some(db)
}

async fn insert(store: &Store, n: i64) -> Result<(), haicang_store::StoreError> {
    let mut tx = store.begin_write().await?;
    sqlx::query("INSERT INTO probe (n) VALUES ($1)").bind(n).execute(tx.conn()).await?;
    tx.commit().await
}

async fn rows(store: &Store) -> BTreeSet<i64> {
    let mut conn = store.read().await.unwrap();
    let rows: Vec<(i64,)> = sqlx::query_as("SELECT n FROM probe").fetch_all(&mut *conn).await.unwrap();
    rows.into_iter().map(|(n,)| n).collect()
}

#[tokio::test]
async fn a_lone_commit_waits_for_exactly_one_sync_and_a_rollback_for_none() {
    let Some(db) = probe_store().await else { return };
    let store = &db.store;
    for grouped in [true, false] {
        store.set_group_commit(grouped);
        let (_, before) = store.group_commit_counts().unwrap();
        insert(store, i64::from(grouped)).await.unwrap();
        let (_, after) = store.group_commit_counts().unwrap();
        assert_eq!(after, before + 1, "the commit was answered after one sync (grouped: {grouped})");

        let mut tx = store.begin_write().await.unwrap();
        sqlx::query("INSERT INTO probe (n) VALUES (100)").execute(tx.conn()).await.unwrap();
        drop(tx);
        assert_eq!(store.group_commit_counts().unwrap().1, after, "a rollback syncs nothing");
    }
    assert_eq!(rows(store).await, BTreeSet::from([0, 1]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refused_writers_lose_nobody_elses_rows_and_syncs_are_shared() {
    let Some(db) = probe_store().await else { return };
    let store = Arc::new(db.store.clone());
    let (commits_before, syncs_before) = store.group_commit_counts().unwrap();
    let mut tasks = Vec::new();
    for n in 0..200i64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.begin_write().await.unwrap();
            sqlx::query("INSERT INTO probe (n) VALUES ($1)").bind(n).execute(tx.conn()).await.unwrap();
            // Every fifth use case is refused after writing: its row goes.
            if n % 5 == 0 {
                return None;
            }
            // And every seventh hits a unique key: refused by the database.
            if n % 7 == 0 {
                let refused = sqlx::query("INSERT INTO probe (n) VALUES ($1)").bind(n).execute(tx.conn()).await;
                assert!(refused.is_err());
                return None;
            }
            tx.commit().await.unwrap();
            Some(n)
        }));
    }
    let mut acknowledged = BTreeSet::new();
    for task in tasks {
        acknowledged.extend(task.await.unwrap());
    }
    assert_eq!(rows(&store).await, acknowledged);
    let (commits, syncs) = store.group_commit_counts().unwrap();
    assert_eq!(commits - commits_before, acknowledged.len() as u64, "every commit waited for a sync");
    let syncs = syncs - syncs_before;
    assert!(syncs >= 1 && syncs <= acknowledged.len() as u64);
    println!("{} commits in {syncs} syncs", acknowledged.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancelled_writers_never_lose_an_acknowledged_write_or_stop_the_writer() {
    let Some(db) = probe_store().await else { return };
    let store = Arc::new(db.store.clone());
    let acknowledged = Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let mut tasks = Vec::new();
    for n in 0..300i64 {
        let (store, acknowledged) = (store.clone(), acknowledged.clone());
        tasks.push(tokio::spawn(async move {
            insert(&store, n).await.unwrap();
            acknowledged.lock().unwrap().insert(n);
        }));
    }
    // Every third writer is cancelled wherever it is: queued, mid-use
    // case, committing or waiting for its sync.
    for (n, task) in tasks.iter().enumerate() {
        if n % 3 == 0 {
            task.abort();
        }
        if n % 30 == 0 {
            tokio::time::sleep(Duration::from_micros(300)).await;
        }
    }
    for task in tasks {
        let _ = task.await;
    }
    let stored = rows(&store).await;
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.is_subset(&stored), "an acknowledged write is missing");
    for n in stored.difference(&acknowledged) {
        assert_eq!(n % 3, 0, "row {n} was neither acknowledged nor cancelled");
    }
    // The writer is free again.
    tokio::time::timeout(Duration::from_secs(10), insert(&store, 10_000)).await.unwrap().unwrap();
}
