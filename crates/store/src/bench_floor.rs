//! The floor of the benchmarks: the same rows written and read by plain SQL
//! in one process, with no HTTP, JSON, validation or ledger in between.

use crate::{Arg, Filter, Store, StoreError};

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
