//! Return orders, their announced lines and their grades.

use sqlx::{AnyConnection, FromRow};

use haicang_core::ledger::Condition;
use haicang_core::returns::{Disposition, ReturnStatus};

use crate::db::lock_clause;
use crate::{Arg, Filter, ListScope, PageRequest, StoreError, WriteTx};

const ORDER_COLUMNS: &str = "r.return_order_id, r.order_no, r.customer_id, c.code AS customer_code, r.warehouse_id, \
     w.code AS warehouse_code, r.customer_reference, r.original_order_no, r.tracking_no, r.carrier, r.reason, \
     r.announced, r.content_hash, r.status, r.arrived_units, r.returns_location_id, r.arrived_at, r.completed_at, \
     r.created_at, r.updated_at, r.return_address, r.ship_back_address, r.ship_back_tracking_no, \
     r.ship_back_carrier, r.shipped_back_at";
const ORDER_FROM: &str = "return_order r JOIN customer c ON c.customer_id = r.customer_id \
     JOIN warehouse w ON w.warehouse_id = r.warehouse_id";

#[derive(Debug, Clone, FromRow)]
pub struct ReturnOrderRow {
    pub return_order_id: i64,
    pub order_no: String,
    pub customer_id: i64,
    pub customer_code: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub customer_reference: Option<String>,
    pub original_order_no: Option<String>,
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    pub reason: Option<String>,
    pub announced: i64,
    pub content_hash: String,
    #[sqlx(try_from = "String")]
    pub status: ReturnStatus,
    pub arrived_units: Option<i64>,
    pub returns_location_id: Option<i64>,
    pub arrived_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// JSON recipient the seller announced for units sent back.
    pub return_address: Option<String>,
    /// Where the ship-back went (JSON recipient), its parcel and when.
    pub ship_back_address: Option<String>,
    pub ship_back_tracking_no: Option<String>,
    pub ship_back_carrier: Option<String>,
    pub shipped_back_at: Option<i64>,
}

pub struct NewReturn<'a> {
    pub order_no: &'a str,
    pub customer_id: i64,
    pub warehouse_id: i64,
    pub customer_reference: Option<&'a str>,
    pub original_order_no: Option<&'a str>,
    pub tracking_no: Option<&'a str>,
    pub carrier: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub announced: bool,
    pub content_hash: &'a str,
    pub status: ReturnStatus,
    pub return_address: Option<&'a str>,
}

pub async fn insert_order(tx: &mut WriteTx, r: &NewReturn<'_>, now: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO return_order (order_no, customer_id, warehouse_id, customer_reference, original_order_no, \
         tracking_no, carrier, reason, announced, content_hash, status, created_at, updated_at, return_address) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13) RETURNING return_order_id",
    )
    .bind(r.order_no)
    .bind(r.customer_id)
    .bind(r.warehouse_id)
    .bind(r.customer_reference)
    .bind(r.original_order_no)
    .bind(r.tracking_no)
    .bind(r.carrier)
    .bind(r.reason)
    .bind(i64::from(r.announced))
    .bind(r.content_hash)
    .bind(r.status.as_str())
    .bind(now)
    .bind(r.return_address)
    .fetch_one(tx.conn())
    .await?)
}

pub async fn insert_line(
    tx: &mut WriteTx,
    return_order_id: i64,
    line_no: i64,
    product_id: i64,
    quantity: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO return_line (return_order_id, line_no, product_id, quantity) VALUES ($1, $2, $3, $4)")
        .bind(return_order_id)
        .bind(line_no)
        .bind(product_id)
        .bind(quantity)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// An order by number, limited to a customer when one is given.
pub async fn find_order(
    conn: &mut AnyConnection,
    order_no: &str,
    customer_id: Option<i64>,
) -> Result<Option<ReturnOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE r.order_no = $1 AND ($2 = 0 OR r.customer_id = $2)"
    ))
    .bind(order_no)
    .bind(customer_id.unwrap_or(0))
    .fetch_optional(conn)
    .await?)
}

/// The same, locked for the rest of the transaction.
pub async fn lock_order(
    tx: &mut WriteTx,
    order_no: &str,
    customer_id: Option<i64>,
) -> Result<Option<ReturnOrderRow>, StoreError> {
    let id: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT return_order_id FROM return_order WHERE order_no = $1 AND ($2 = 0 OR customer_id = $2){}",
        lock_clause(tx.engine())
    ))
    .bind(order_no)
    .bind(customer_id.unwrap_or(0))
    .fetch_optional(tx.conn())
    .await?;
    match id {
        None => Ok(None),
        Some(_) => find_order(tx.conn(), order_no, customer_id).await,
    }
}

pub async fn find_by_reference(
    conn: &mut AnyConnection,
    customer_id: i64,
    reference: &str,
) -> Result<Option<ReturnOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE r.customer_id = $1 AND r.customer_reference = $2"
    ))
    .bind(customer_id)
    .bind(reference)
    .fetch_optional(conn)
    .await?)
}

/// Open returns a scanned code names: the RMA number, the parcel's
/// tracking number or the original order number.
pub async fn find_by_scan(
    conn: &mut AnyConnection,
    code: &str,
    warehouse_id: Option<i64>,
) -> Result<Vec<ReturnOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE (r.order_no = $1 OR r.tracking_no = $1 \
         OR r.original_order_no = $1 OR r.customer_reference = $1) AND ($2 = 0 OR r.warehouse_id = $2) \
         AND r.status = 'ANNOUNCED' ORDER BY r.return_order_id"
    ))
    .bind(code)
    .bind(warehouse_id.unwrap_or(0))
    .fetch_all(conn)
    .await?)
}

pub async fn set_status(
    tx: &mut WriteTx,
    return_order_id: i64,
    status: ReturnStatus,
    now: i64,
) -> Result<(), StoreError> {
    let stamp = match status {
        ReturnStatus::Arrived => ", arrived_at = $2",
        ReturnStatus::Completed => ", completed_at = $2",
        _ => "",
    };
    sqlx::query(&format!("UPDATE return_order SET status = $1, updated_at = $2{stamp} WHERE return_order_id = $3"))
        .bind(status.as_str())
        .bind(now)
        .bind(return_order_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Arrival: where the parcel waits and how many units were counted.
pub async fn arrive(
    tx: &mut WriteTx,
    return_order_id: i64,
    location_id: i64,
    units: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE return_order SET returns_location_id = $1, arrived_units = $2 WHERE return_order_id = $3")
        .bind(location_id)
        .bind(units)
        .bind(return_order_id)
        .execute(tx.conn())
        .await?;
    set_status(tx, return_order_id, ReturnStatus::Arrived, now).await
}

#[derive(Debug, Clone, FromRow)]
pub struct ReturnLineRow {
    pub line_no: i64,
    pub product_id: i64,
    pub sku: String,
    pub quantity: i64,
}

pub async fn lines(conn: &mut AnyConnection, return_order_id: i64) -> Result<Vec<ReturnLineRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT l.line_no, l.product_id, p.sku, l.quantity FROM return_line l \
         JOIN product p ON p.product_id = l.product_id WHERE l.return_order_id = $1 ORDER BY l.line_no",
    )
    .bind(return_order_id)
    .fetch_all(conn)
    .await?)
}

pub struct NewGrade<'a> {
    pub line_no: i64,
    pub product_id: i64,
    pub quantity: i64,
    pub condition: Condition,
    pub disposition: Disposition,
    pub lot_id: i64,
    pub serial: Option<&'a str>,
    pub note: Option<&'a str>,
    pub staff_id: i64,
}

pub async fn insert_grade(
    tx: &mut WriteTx,
    return_order_id: i64,
    g: &NewGrade<'_>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO return_grade (return_order_id, line_no, product_id, quantity, condition, disposition, lot_id, \
         serial, note, staff_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(return_order_id)
    .bind(g.line_no)
    .bind(g.product_id)
    .bind(g.quantity)
    .bind(g.condition.as_str())
    .bind(g.disposition.as_str())
    .bind(g.lot_id)
    .bind(g.serial)
    .bind(g.note)
    .bind(g.staff_id)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct GradeRow {
    pub line_no: i64,
    pub product_id: i64,
    pub sku: String,
    pub quantity: i64,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    #[sqlx(try_from = "String")]
    pub disposition: Disposition,
    pub lot_id: i64,
    pub serial: Option<String>,
    pub note: Option<String>,
    /// RETURN_TO_SELLER units from completion until the ship-back.
    pub reservation_id: Option<i64>,
}

pub async fn grades(conn: &mut AnyConnection, return_order_id: i64) -> Result<Vec<GradeRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT g.line_no, g.product_id, p.sku, g.quantity, g.condition, g.disposition, g.lot_id, g.serial, g.note, \
         g.reservation_id FROM return_grade g JOIN product p ON p.product_id = g.product_id \
         WHERE g.return_order_id = $1 ORDER BY g.line_no",
    )
    .bind(return_order_id)
    .fetch_all(conn)
    .await?)
}

/// Units of a seller at a location (the returns bench), per product, lot
/// and condition.
#[derive(Debug, Clone, FromRow)]
pub struct BenchUnits {
    pub product_id: i64,
    pub sku: String,
    pub lot_id: i64,
    pub lot_code: String,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    pub quantity: i64,
}

pub async fn units_at(
    conn: &mut AnyConnection,
    location_id: i64,
    customer_id: i64,
) -> Result<Vec<BenchUnits>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT b.product_id, p.sku, b.lot_id, lot.lot_code, b.condition, b.quantity FROM stock_balance b \
         JOIN product p ON p.product_id = b.product_id JOIN lot ON lot.lot_id = b.lot_id \
         WHERE b.location_id = $1 AND b.customer_id = $2 AND b.quantity > 0",
    )
    .bind(location_id)
    .bind(customer_id)
    .fetch_all(conn)
    .await?)
}

/// The reservation holding a RETURN_TO_SELLER grade's units.
pub async fn set_grade_reservation(
    tx: &mut WriteTx,
    return_order_id: i64,
    line_no: i64,
    reservation_id: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE return_grade SET reservation_id = $1 WHERE return_order_id = $2 AND line_no = $3")
        .bind(reservation_id)
        .bind(return_order_id)
        .bind(line_no)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Records the parcel that took the RETURN_TO_SELLER units back.
pub async fn ship_back(
    tx: &mut WriteTx,
    return_order_id: i64,
    address: &str,
    tracking_no: &str,
    carrier: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE return_order SET ship_back_address = $1, ship_back_tracking_no = $2, ship_back_carrier = $3, \
         shipped_back_at = $4, updated_at = $4 WHERE return_order_id = $5",
    )
    .bind(address)
    .bind(tracking_no)
    .bind(carrier)
    .bind(now)
    .bind(return_order_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct ReturnFilter {
    pub warehouse_code: Option<String>,
    /// The seller's reference (a dialect's `erpNo`).
    pub reference: Option<String>,
    pub status: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
}

pub async fn list(
    conn: &mut AnyConnection,
    scope: &ListScope,
    filter: &ReturnFilter,
    page: PageRequest,
) -> Result<(Vec<ReturnOrderRow>, i64), StoreError> {
    let mut f = Filter::default();
    if let Some(id) = scope.customer_id {
        f.and("r.customer_id = ?", [Arg::Int(id)]);
    }
    if let Some(ids) = &scope.warehouse_ids {
        f.and_in_ints("r.warehouse_id", ids);
    }
    if let Some(w) = &filter.warehouse_code {
        f.and("w.code = ?", [Arg::Text(w.clone())]);
    }
    if let Some(s) = &filter.status {
        f.and("r.status = ?", [Arg::Text(s.clone())]);
    }
    if let Some(r) = &filter.reference {
        f.and("r.customer_reference = ?", [Arg::Text(r.clone())]);
    }
    if let Some(t) = filter.created_from {
        f.and("r.created_at >= ?", [Arg::Int(t)]);
    }
    if let Some(t) = filter.created_to {
        f.and("r.created_at < ?", [Arg::Int(t)]);
    }
    f.page(conn, ORDER_COLUMNS, ORDER_FROM, "r.return_order_id DESC", page).await
}

/// Units graded on a seller's returns (Onixport's "returned inventory").
#[derive(Debug, Clone, FromRow)]
pub struct ReturnedUnitRow {
    pub warehouse_code: String,
    pub warehouse_name: String,
    pub sku: String,
    pub product_name: String,
    pub serial: Option<String>,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    pub quantity: i64,
    pub order_no: String,
    pub graded_at: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ReturnedUnitFilter {
    pub warehouse_code: Option<String>,
    pub skus: Vec<String>,
    pub serials: Vec<String>,
    pub conditions: Vec<String>,
}

pub async fn returned_units(
    conn: &mut AnyConnection,
    customer_id: i64,
    filter: &ReturnedUnitFilter,
    page: PageRequest,
) -> Result<(Vec<ReturnedUnitRow>, i64), StoreError> {
    let mut f = Filter::default();
    f.and("r.customer_id = ?", [Arg::Int(customer_id)]);
    if let Some(w) = &filter.warehouse_code {
        f.and("w.code = ?", [Arg::Text(w.clone())]);
    }
    if !filter.skus.is_empty() {
        f.and_in_texts("p.sku", &filter.skus);
    }
    if !filter.serials.is_empty() {
        f.and_in_texts("g.serial", &filter.serials);
    }
    if !filter.conditions.is_empty() {
        f.and_in_texts("g.condition", &filter.conditions);
    }
    f.page(
        conn,
        "w.code AS warehouse_code, w.name AS warehouse_name, p.sku, p.name AS product_name, g.serial, g.condition, \
         g.quantity, r.order_no, g.created_at AS graded_at",
        "return_grade g JOIN return_order r ON r.return_order_id = g.return_order_id \
         JOIN warehouse w ON w.warehouse_id = r.warehouse_id JOIN product p ON p.product_id = g.product_id",
        "g.created_at DESC, r.order_no, g.line_no",
        page,
    )
    .await
}
