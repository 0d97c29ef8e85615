//! The floor of the benchmarks: the same rows written and read by plain SQL
//! in one process, with no HTTP, JSON, validation or ledger in between.

use crate::{Arg, Filter, Store, StoreError};
use haicang_core::ledger::LedgerError;

/// Inserts `count` minimal products for `customer_id`, `batch` per
/// transaction, with SKUs `FLOOR-000001`….
pub async fn insert_products(store: &Store, customer_id: i64, count: usize, batch: usize) -> Result<(), StoreError> {
    let mut i = 0;
    while i < count {
        let mut tx = store.begin_write().await?;
        for n in i..(i + batch).min(count) {
            let sku = format!("FLOOR-{n:06}");
            sqlx::query(
                "INSERT INTO product (customer_id, sku, name, barcode, product_type, length_um, width_um, height_um, \
                 weight_mg, status, created_at, updated_at) VALUES ($1, $2, $3, $2, 'SINGLE', 200000, 150000, 100000, \
                 800000, 'ACTIVE', 0, 0)",
            )
            .bind(customer_id)
            .bind(&sku)
            .bind("Floor product")
            .execute(tx.conn())
            .await?;
        }
        tx.commit().await?;
        i += batch;
    }
    Ok(())
}

/// The stock rows of these SKUs, by plain SQL; returns how many.
pub async fn select_inventory(store: &Store, customer_id: i64, skus: &[String]) -> Result<usize, StoreError> {
    let mut f = Filter::default();
    f.and("p.customer_id = ?", [Arg::Int(customer_id)]);
    f.and_in_texts("p.sku", skus);
    let sql = format!(
        "SELECT p.sku, s.condition, s.on_hand, s.reserved FROM stock_summary s \
         JOIN product p ON p.product_id = s.product_id {}",
        f.where_sql()
    );
    let rows: Vec<(String, String, i64, i64)> = f.bind_as(sqlx::query_as(&sql)).fetch_all(store.pool()).await?;
    Ok(rows.len())
}

/// What the order floor writes against.
#[derive(Debug, Clone)]
pub struct OrderIds {
    pub customer_id: i64,
    pub warehouse_id: i64,
    pub shipping_service_id: i64,
    pub products: Vec<i64>,
}

/// Ids of a customer's products (in the order of `skus`: the ones the
/// bench stocked), a warehouse and a service.
pub async fn order_ids(
    store: &Store,
    customer: &str,
    warehouse: &str,
    service: &str,
    skus: &[String],
) -> Result<OrderIds, StoreError> {
    let mut conn = store.read().await?;
    let (customer_id,): (i64,) =
        sqlx::query_as("SELECT customer_id FROM customer WHERE code = $1").bind(customer).fetch_one(&mut *conn).await?;
    let (warehouse_id,): (i64,) = sqlx::query_as("SELECT warehouse_id FROM warehouse WHERE code = $1")
        .bind(warehouse)
        .fetch_one(&mut *conn)
        .await?;
    let (shipping_service_id,): (i64,) =
        sqlx::query_as("SELECT shipping_service_id FROM shipping_service WHERE warehouse_id = $1 AND code = $2")
            .bind(warehouse_id)
            .bind(service)
            .fetch_one(&mut *conn)
            .await?;
    let found = crate::product::products_by_sku(&mut conn, customer_id, skus).await?;
    let products = skus
        .iter()
        .map(|sku| {
            found
                .iter()
                .find(|p| &p.sku == sku)
                .map(|p| p.product_id)
                .ok_or_else(|| StoreError::Corrupt(format!("floor: no product {sku}")))
        })
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(OrderIds { customer_id, warehouse_id, shipping_service_id, products })
}

/// One order as plain SQL in one transaction: the header, per line a
/// reservation (summary update by compare-and-set, reservation row, line)
/// and the outbox event. The rows our order creation writes, without HTTP,
/// JSON, validation, retries or the ledger's checks.
pub async fn insert_order(store: &Store, ids: &OrderIds, reference: &str, products: &[i64]) -> Result<(), StoreError> {
    // Stock rows locked in product order (as ours does), and a write
    // conflict retried (as ours does).
    let mut products = products.to_vec();
    products.sort_unstable();
    loop {
        match insert_order_once(store, ids, reference, &products).await {
            Err(e) if e.is_retryable() => continue,
            other => return other,
        }
    }
}

async fn insert_order_once(store: &Store, ids: &OrderIds, reference: &str, products: &[i64]) -> Result<(), StoreError> {
    let mut tx = store.begin_write().await?;
    let order_id: i64 = sqlx::query_scalar(
        "INSERT INTO outbound_order (order_no, customer_id, warehouse_id, shipping_service_id, customer_reference, \
         request_hash, platform, recipient, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $1, '', 'OTHER', \
         '{}', 'CREATED', 0, 0) RETURNING outbound_order_id",
    )
    .bind(reference)
    .bind(ids.customer_id)
    .bind(ids.warehouse_id)
    .bind(ids.shipping_service_id)
    .fetch_one(tx.conn())
    .await?;
    for (i, product_id) in products.iter().enumerate() {
        let done = sqlx::query(
            "UPDATE stock_summary SET reserved = reserved + 1 WHERE product_id = $1 AND warehouse_id = $2 \
             AND condition = 'GOOD' AND on_hand - reserved >= 1",
        )
        .bind(product_id)
        .bind(ids.warehouse_id)
        .execute(tx.conn())
        .await?;
        if done.rows_affected() != 1 {
            // Not a conflict: retrying would never end.
            return Err(LedgerError::InsufficientAvailable { requested: 1, available: 0 }.into());
        }
        let reservation_id: i64 = sqlx::query_scalar(
            "INSERT INTO reservation (customer_id, warehouse_id, product_id, condition, quantity, posted, status, \
             document_type, document_no, document_line, created_at, updated_at) VALUES ($1, $2, $3, 'GOOD', 1, 0, \
             'PENDING', 'OUTBOUND', $4, $5, 0, 0) RETURNING reservation_id",
        )
        .bind(ids.customer_id)
        .bind(ids.warehouse_id)
        .bind(product_id)
        .bind(reference)
        .bind(i as i64 + 1)
        .fetch_one(tx.conn())
        .await?;
        sqlx::query(
            "INSERT INTO outbound_line (outbound_order_id, line_no, product_id, quantity, reservation_id) \
             VALUES ($1, $2, $3, 1, $4)",
        )
        .bind(order_id)
        .bind(i as i64 + 1)
        .bind(product_id)
        .bind(reservation_id)
        .execute(tx.conn())
        .await?;
    }
    sqlx::query(
        "INSERT INTO outbox_event (event_id, customer_id, event_type, payload, created_at) VALUES ($1, $2, 'order.created', '{}', 0)",
    )
    .bind(format!("floor-{reference}"))
    .bind(ids.customer_id)
    .execute(tx.conn())
    .await?;
    tx.commit().await
}

/// One `SELECT 1` round trip on a pooled connection: the floor of any
/// statement.
pub async fn round_trip(store: &Store) -> Result<(), StoreError> {
    let mut conn = store.read().await?;
    sqlx::query("SELECT 1").execute(&mut *conn).await?;
    Ok(())
}

/// The engine's durability settings, for a bench to print beside its
/// figures: PostgreSQL's `fsync`, `synchronous_commit` and
/// `full_page_writes`; SQLite's journal mode and `synchronous` level of
/// the write connection.
pub async fn durability_settings(store: &Store) -> Result<String, StoreError> {
    match store.engine() {
        crate::Engine::Postgres => {
            let (fsync, commit, pages): (String, String, String) = sqlx::query_as(
                "SELECT current_setting('fsync'), current_setting('synchronous_commit'), \
                 current_setting('full_page_writes')",
            )
            .fetch_one(store.pool())
            .await?;
            Ok(format!("fsync={fsync}, synchronous_commit={commit}, full_page_writes={pages}"))
        }
        crate::Engine::Sqlite => {
            let mut tx = store.begin_write().await?;
            let (journal,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(tx.conn()).await?;
            let (level,): (i64,) = sqlx::query_as("PRAGMA synchronous").fetch_one(tx.conn()).await?;
            let level = match level {
                0 => "OFF",
                1 => "NORMAL",
                2 => "FULL",
                _ => "EXTRA",
            };
            Ok(match store.group_commit_counts() {
                // The write connection's own level; the commit waits for a
                // WAL fdatasync either way (see wal_flush).
                Some(_) => format!(
                    "journal_mode={journal}, writes synchronous={level} + an fdatasync of the WAL before each \
                     commit is answered (durable as synchronous=FULL)"
                ),
                None => format!("journal_mode={journal}, synchronous={level}"),
            })
        }
    }
}
