//! Several nodes starting at once on one fresh database: one migrates, the
//! others wait (sqlx's advisory lock on PostgreSQL), and every node then
//! finds the schema it knows. On the engine chosen by
//! `HAICANG_TEST_POSTGRES_URL`.

use haicang_store::Store;
use haicang_store::testing::fresh_url;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nodes_migrating_one_fresh_database_at_once_all_start_on_one_schema() {
    let (url, _scratch) = fresh_url().await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let store = Store::connect(&url, 2).await.unwrap();
            store.migrate().await.map(|_| store)
        }));
    }
    let mut stores = Vec::new();
    for task in tasks {
        stores.push(task.await.unwrap().expect("every node migrates or waits, none fails"));
    }
    let mut conn = stores[0].read().await.unwrap();
    let (rows, newest): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), MAX(version) FROM _sqlx_migrations").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(newest, stores[0].latest_migration());
    assert_eq!(rows, newest, "each migration applied once");
    drop(conn);
    for store in &stores {
        assert_eq!(haicang_store::cluster::readiness(store).await, Ok(newest));
    }
}
