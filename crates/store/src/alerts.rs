//! Alert rules, the facts they are judged on, and the alerts.

use sqlx::{AnyConnection, FromRow};

use haicang_core::alerts::AlertType;

use crate::{Arg, Filter, PageRequest, StoreError, WriteTx};

#[derive(Debug, Clone, FromRow)]
pub struct RuleRow {
    pub alert_rule_id: i64,
    #[sqlx(try_from = "String")]
    pub alert_type: AlertType,
    pub product_id: Option<i64>,
    pub sku: Option<String>,
    pub warehouse_id: Option<i64>,
    pub warehouse_code: Option<String>,
    pub threshold: i64,
}

/// A rule as stored: (type, product, warehouse, threshold).
pub type NewRule = (AlertType, Option<i64>, Option<i64>, i64);

/// Replaces every rule of a customer.
pub async fn replace_rules(tx: &mut WriteTx, customer_id: i64, rules: &[NewRule], now: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM alert_rule WHERE customer_id = $1").bind(customer_id).execute(tx.conn()).await?;
    for (alert_type, product_id, warehouse_id, threshold) in rules {
        sqlx::query(
            "INSERT INTO alert_rule (customer_id, alert_type, product_id, warehouse_id, threshold, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(customer_id)
        .bind(alert_type.as_str())
        .bind(*product_id)
        .bind(*warehouse_id)
        .bind(*threshold)
        .bind(now)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

pub async fn rules(conn: &mut AnyConnection, customer_id: i64) -> Result<Vec<RuleRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT r.alert_rule_id, r.alert_type, r.product_id, p.sku, r.warehouse_id, w.code AS warehouse_code, \
         r.threshold FROM alert_rule r LEFT JOIN product p ON p.product_id = r.product_id \
         LEFT JOIN warehouse w ON w.warehouse_id = r.warehouse_id WHERE r.customer_id = $1 ORDER BY r.alert_rule_id",
    )
    .bind(customer_id)
    .fetch_all(conn)
    .await?)
}

/// Customers with at least one rule (the sweep's list).
pub async fn customers_with_rules(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT r.customer_id, c.code FROM alert_rule r JOIN customer c ON c.customer_id = r.customer_id \
         ORDER BY r.customer_id",
    )
    .fetch_all(conn)
    .await?)
}

/// A fact a rule is judged on: (product, SKU, warehouse, warehouse code,
/// lot, value).
#[derive(Debug, Clone, FromRow)]
pub struct Fact {
    pub product_id: i64,
    pub sku: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub lot_id: Option<i64>,
    /// Units available; or the lot's inbound time, expiry day, or the last
    /// shipment time, as the query says.
    pub value: i64,
    pub expiry_date: Option<String>,
}

/// GOOD units available per product and warehouse (optionally only these
/// products).
pub async fn available(tx: &mut WriteTx, customer_id: i64, products: &[i64]) -> Result<Vec<Fact>, StoreError> {
    let mut f = Filter::default();
    f.and("s.customer_id = ?", [Arg::Int(customer_id)]);
    f.and("s.condition = 'GOOD'", []);
    if !products.is_empty() {
        f.and_in_ints("s.product_id", products);
    }
    let sql = format!(
        "SELECT s.product_id, p.sku, s.warehouse_id, w.code AS warehouse_code, CAST(NULL AS BIGINT) AS lot_id, \
         s.on_hand - s.reserved AS value, CAST(NULL AS TEXT) AS expiry_date FROM stock_summary s \
         JOIN product p ON p.product_id = s.product_id JOIN warehouse w ON w.warehouse_id = s.warehouse_id {}",
        f.where_sql()
    );
    Ok(f.bind_as(sqlx::query_as(&sql)).fetch_all(tx.conn()).await?)
}

/// Lots held (units > 0) with their inbound time as `value`.
pub async fn lots_held(tx: &mut WriteTx, customer_id: i64) -> Result<Vec<Fact>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT b.product_id, p.sku, b.warehouse_id, w.code AS warehouse_code, b.lot_id, lot.inbound_at AS value, \
         lot.expiry_date FROM stock_balance b JOIN lot ON lot.lot_id = b.lot_id \
         JOIN product p ON p.product_id = b.product_id JOIN warehouse w ON w.warehouse_id = b.warehouse_id \
         WHERE b.customer_id = $1 AND b.quantity > 0 \
         GROUP BY b.product_id, p.sku, b.warehouse_id, w.code, b.lot_id, lot.inbound_at, lot.expiry_date",
    )
    .bind(customer_id)
    .fetch_all(tx.conn())
    .await?)
}

/// Per product and warehouse with stock: the last shipment's time, or the
/// oldest lot's inbound time when nothing ever shipped, as `value`.
pub async fn last_movement(tx: &mut WriteTx, customer_id: i64) -> Result<Vec<Fact>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT b.product_id, p.sku, b.warehouse_id, w.code AS warehouse_code, CAST(NULL AS BIGINT) AS lot_id, \
         CAST(COALESCE((SELECT MAX(m.created_at) FROM stock_movement m WHERE m.product_id = b.product_id \
           AND m.warehouse_id = b.warehouse_id AND m.target = '@CUSTOMER_SHIPPED'), MIN(lot.inbound_at)) AS BIGINT) \
           AS value, CAST(NULL AS TEXT) AS expiry_date \
         FROM stock_balance b JOIN lot ON lot.lot_id = b.lot_id JOIN product p ON p.product_id = b.product_id \
         JOIN warehouse w ON w.warehouse_id = b.warehouse_id WHERE b.customer_id = $1 AND b.quantity > 0 \
         GROUP BY b.product_id, p.sku, b.warehouse_id, w.code",
    )
    .bind(customer_id)
    .fetch_all(tx.conn())
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct AlertRow {
    pub stock_alert_id: i64,
    #[sqlx(try_from = "String")]
    pub alert_type: AlertType,
    pub rule_key: String,
    pub sku: String,
    pub warehouse_code: String,
    pub lot_no: Option<String>,
    pub status: String,
    pub value: i64,
    pub threshold: i64,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
}

const ALERT_COLUMNS: &str = "a.stock_alert_id, a.alert_type, a.rule_key, p.sku, w.code AS warehouse_code, \
     lot.lot_code AS lot_no, a.status, a.value, a.threshold, a.opened_at, a.closed_at";
const ALERT_FROM: &str = "stock_alert a JOIN product p ON p.product_id = a.product_id \
     JOIN warehouse w ON w.warehouse_id = a.warehouse_id LEFT JOIN lot ON lot.lot_id = a.lot_id";

pub async fn open_alerts(tx: &mut WriteTx, customer_id: i64) -> Result<Vec<AlertRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ALERT_COLUMNS} FROM {ALERT_FROM} WHERE a.customer_id = $1 AND a.status = 'OPEN'"
    ))
    .bind(customer_id)
    .fetch_all(tx.conn())
    .await?)
}

pub struct NewAlert<'a> {
    pub customer_id: i64,
    pub alert_type: AlertType,
    pub rule_key: &'a str,
    pub product_id: i64,
    pub warehouse_id: i64,
    pub lot_id: Option<i64>,
    pub value: i64,
    pub threshold: i64,
}

pub async fn open_alert(tx: &mut WriteTx, a: &NewAlert<'_>, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO stock_alert (customer_id, alert_type, rule_key, product_id, warehouse_id, lot_id, status, value, \
         threshold, opened_at) VALUES ($1, $2, $3, $4, $5, $6, 'OPEN', $7, $8, $9)",
    )
    .bind(a.customer_id)
    .bind(a.alert_type.as_str())
    .bind(a.rule_key)
    .bind(a.product_id)
    .bind(a.warehouse_id)
    .bind(a.lot_id)
    .bind(a.value)
    .bind(a.threshold)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn close_alert(tx: &mut WriteTx, stock_alert_id: i64, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE stock_alert SET status = 'CLOSED', closed_at = $1 WHERE stock_alert_id = $2")
        .bind(now)
        .bind(stock_alert_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub status: Option<String>,
    pub alert_type: Option<AlertType>,
}

pub async fn list_alerts(
    conn: &mut AnyConnection,
    customer_id: i64,
    filter: &AlertFilter,
    page: PageRequest,
) -> Result<(Vec<AlertRow>, i64), StoreError> {
    let mut f = Filter::default();
    f.and("a.customer_id = ?", [Arg::Int(customer_id)]);
    if let Some(s) = &filter.status {
        f.and("a.status = ?", [Arg::Text(s.clone())]);
    }
    if let Some(t) = filter.alert_type {
        f.and("a.alert_type = ?", [Arg::Text(t.as_str().to_owned())]);
    }
    f.page(conn, ALERT_COLUMNS, ALERT_FROM, "a.stock_alert_id DESC", page).await
}
