//! Count plans, their sheets (one per location and round) and entries.

use sqlx::{AnyConnection, FromRow};

use haicang_core::ledger::Condition;

use crate::db::lock_clause;
use crate::{StoreError, WriteTx};

#[derive(Debug, Clone, FromRow)]
pub struct CountPlanRow {
    pub count_plan_id: i64,
    pub plan_no: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub blind: i64,
    pub recount_threshold: Option<i64>,
    pub scope: String,
    pub status: String,
    pub created_at: i64,
    pub approved_at: Option<i64>,
    /// PLANNED, or SHORT_PICK with the order that came up short.
    pub origin: String,
    pub document_no: Option<String>,
}

const PLAN_COLUMNS: &str = "p.count_plan_id, p.plan_no, p.warehouse_id, w.code AS warehouse_code, p.blind, \
     p.recount_threshold, p.scope, p.status, p.created_at, p.approved_at, p.origin, p.document_no";

/// Why a plan exists.
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    Planned,
    /// A picker found less than the books at a location for this order.
    ShortPick {
        order_no: &'a str,
    },
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_plan(
    tx: &mut WriteTx,
    plan_no: &str,
    warehouse_id: i64,
    blind: bool,
    recount_threshold: Option<i64>,
    scope: &str,
    origin: Origin<'_>,
    staff_id: i64,
    now: i64,
) -> Result<i64, StoreError> {
    let (origin, document_no) = match origin {
        Origin::Planned => ("PLANNED", None),
        Origin::ShortPick { order_no } => ("SHORT_PICK", Some(order_no)),
    };
    Ok(sqlx::query_scalar(
        "INSERT INTO count_plan (plan_no, warehouse_id, blind, recount_threshold, scope, status, staff_id, created_at, \
         origin, document_no) VALUES ($1, $2, $3, $4, $5, 'OPEN', $6, $7, $8, $9) RETURNING count_plan_id",
    )
    .bind(plan_no)
    .bind(warehouse_id)
    .bind(i64::from(blind))
    .bind(recount_threshold)
    .bind(scope)
    .bind(staff_id)
    .bind(now)
    .bind(origin)
    .bind(document_no)
    .fetch_one(tx.conn())
    .await?)
}

pub async fn find_plan(conn: &mut AnyConnection, plan_no: &str) -> Result<Option<CountPlanRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {PLAN_COLUMNS} FROM count_plan p JOIN warehouse w ON w.warehouse_id = p.warehouse_id \
         WHERE p.plan_no = $1"
    ))
    .bind(plan_no)
    .fetch_optional(conn)
    .await?)
}

/// The plan locked for approval.
pub async fn lock_plan(tx: &mut WriteTx, plan_no: &str) -> Result<Option<CountPlanRow>, StoreError> {
    let sql = format!("SELECT count_plan_id FROM count_plan WHERE plan_no = $1{}", lock_clause(tx.engine()));
    let id: Option<i64> = sqlx::query_scalar(&sql).bind(plan_no).fetch_optional(tx.conn()).await?;
    match id {
        None => Ok(None),
        Some(_) => find_plan(tx.conn(), plan_no).await,
    }
}

pub async fn approve_plan(tx: &mut WriteTx, count_plan_id: i64, staff_id: i64, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE count_plan SET status = 'APPROVED', approved_by = $1, approved_at = $2 WHERE count_plan_id = $3",
    )
    .bind(staff_id)
    .bind(now)
    .bind(count_plan_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn insert_sheet(
    tx: &mut WriteTx,
    count_plan_id: i64,
    location_id: i64,
    round: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO count_sheet (count_plan_id, location_id, round, status) VALUES ($1, $2, $3, 'OPEN') \
         RETURNING count_sheet_id",
    )
    .bind(count_plan_id)
    .bind(location_id)
    .bind(round)
    .fetch_one(tx.conn())
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct SheetRow {
    pub count_sheet_id: i64,
    pub count_plan_id: i64,
    pub plan_no: String,
    pub plan_status: String,
    pub blind: i64,
    pub recount_threshold: Option<i64>,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub location_id: i64,
    pub location_code: String,
    pub round: i64,
    pub status: String,
    pub counter: Option<String>,
    pub origin: String,
    pub document_no: Option<String>,
}

const SHEET_SELECT: &str = "SELECT s.count_sheet_id, s.count_plan_id, p.plan_no, p.status AS plan_status, p.blind, \
     p.recount_threshold, p.warehouse_id, w.code AS warehouse_code, s.location_id, l.code AS location_code, s.round, \
     s.status, s.counter, p.origin, p.document_no FROM count_sheet s JOIN count_plan p ON p.count_plan_id = s.count_plan_id \
     JOIN warehouse w ON w.warehouse_id = p.warehouse_id JOIN location l ON l.location_id = s.location_id";

pub async fn sheets_of_plan(conn: &mut AnyConnection, count_plan_id: i64) -> Result<Vec<SheetRow>, StoreError> {
    Ok(sqlx::query_as(&format!("{SHEET_SELECT} WHERE s.count_plan_id = $1 ORDER BY l.code, s.round"))
        .bind(count_plan_id)
        .fetch_all(conn)
        .await?)
}

/// Sheets waiting for a counter in a warehouse, oldest plan first.
pub async fn open_sheets(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Vec<SheetRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "{SHEET_SELECT} WHERE p.warehouse_id = $1 AND p.status = 'OPEN' AND s.status = 'OPEN' \
         ORDER BY s.count_plan_id, l.code, s.round"
    ))
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?)
}

/// A sheet, locked while its count is entered (two counters entering the
/// same sheet at once: the second waits, then finds it COUNTED).
pub async fn lock_sheet(tx: &mut WriteTx, count_sheet_id: i64) -> Result<Option<SheetRow>, StoreError> {
    let sql = format!("SELECT count_sheet_id FROM count_sheet WHERE count_sheet_id = $1{}", lock_clause(tx.engine()));
    let id: Option<i64> = sqlx::query_scalar(&sql).bind(count_sheet_id).fetch_optional(tx.conn()).await?;
    if id.is_none() {
        return Ok(None);
    }
    Ok(sqlx::query_as(&format!("{SHEET_SELECT} WHERE s.count_sheet_id = $1"))
        .bind(count_sheet_id)
        .fetch_optional(tx.conn())
        .await?)
}

/// The locations of a warehouse on an open plan: (id, code).
pub async fn locations_being_counted(tx: &mut WriteTx, warehouse_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT s.location_id, l.code FROM count_sheet s \
         JOIN count_plan p ON p.count_plan_id = s.count_plan_id JOIN location l ON l.location_id = s.location_id \
         WHERE p.warehouse_id = $1 AND p.status = 'OPEN'",
    )
    .bind(warehouse_id)
    .fetch_all(tx.conn())
    .await?)
}

/// Locations of a warehouse holding stock of these SKU codes (any, when
/// none are named) of this seller (any, when none).
pub async fn locations_holding(
    tx: &mut WriteTx,
    warehouse_id: i64,
    skus: &[String],
    customer_id: Option<i64>,
) -> Result<Vec<i64>, StoreError> {
    let mut sql = String::from(
        "SELECT DISTINCT b.location_id FROM stock_balance b JOIN product p ON p.product_id = b.product_id \
         WHERE b.warehouse_id = $1 AND b.quantity > 0 AND ($2 = 0 OR b.customer_id = $2)",
    );
    if !skus.is_empty() {
        let marks: Vec<String> = (0..skus.len()).map(|i| format!("${}", i + 3)).collect();
        sql.push_str(&format!(" AND p.sku IN ({})", marks.join(", ")));
    }
    let mut query = sqlx::query_scalar(&sql).bind(warehouse_id).bind(customer_id.unwrap_or(0));
    for sku in skus {
        query = query.bind(sku);
    }
    Ok(query.fetch_all(tx.conn()).await?)
}

pub async fn mark_counted(tx: &mut WriteTx, count_sheet_id: i64, counter: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE count_sheet SET status = 'COUNTED', counter = $1, counted_at = $2 WHERE count_sheet_id = $3")
        .bind(counter)
        .bind(now)
        .bind(count_sheet_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct EntryRow {
    pub count_sheet_id: i64,
    pub customer_id: i64,
    pub customer_code: String,
    pub product_id: i64,
    pub sku: String,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    /// The lot counted; `None`: the SKU across the location's lots.
    pub lot_id: Option<i64>,
    pub lot_no: Option<String>,
    pub counted: i64,
    pub expected: i64,
    pub declared_value_micros: Option<i64>,
}

pub async fn insert_entry(tx: &mut WriteTx, count_sheet_id: i64, e: &EntryRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO count_entry (count_sheet_id, customer_id, product_id, condition, counted, expected, lot_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(count_sheet_id)
    .bind(e.customer_id)
    .bind(e.product_id)
    .bind(e.condition.as_str())
    .bind(e.counted)
    .bind(e.expected)
    .bind(e.lot_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn entries_of_plan(conn: &mut AnyConnection, count_plan_id: i64) -> Result<Vec<EntryRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT e.count_sheet_id, e.customer_id, c.code AS customer_code, e.product_id, p.sku, e.condition, \
         e.lot_id, lot.lot_code AS lot_no, e.counted, e.expected, p.declared_value_micros FROM count_entry e \
         JOIN count_sheet s ON s.count_sheet_id = e.count_sheet_id JOIN customer c ON c.customer_id = e.customer_id \
         JOIN product p ON p.product_id = e.product_id LEFT JOIN lot ON lot.lot_id = e.lot_id \
         WHERE s.count_plan_id = $1 ORDER BY e.count_sheet_id, p.sku, lot.lot_code",
    )
    .bind(count_plan_id)
    .fetch_all(conn)
    .await?)
}

/// What the books hold at a location, per seller, product, condition
/// and lot.
#[derive(Debug, Clone, FromRow)]
pub struct BookRow {
    pub customer_id: i64,
    pub customer_code: String,
    pub product_id: i64,
    pub sku: String,
    pub barcode: String,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    pub lot_id: i64,
    pub lot_no: String,
    pub units: i64,
}

pub async fn book_stock_at(tx: &mut WriteTx, location_id: i64) -> Result<Vec<BookRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT b.customer_id, c.code AS customer_code, b.product_id, p.sku, p.barcode, b.condition, b.lot_id, \
         lot.lot_code AS lot_no, b.quantity AS units \
         FROM stock_balance b JOIN customer c ON c.customer_id = b.customer_id \
         JOIN product p ON p.product_id = b.product_id JOIN lot ON lot.lot_id = b.lot_id \
         WHERE b.location_id = $1 AND b.quantity > 0",
    )
    .bind(location_id)
    .fetch_all(tx.conn())
    .await?)
}
