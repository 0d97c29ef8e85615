//! Work orders, their inputs (per kit, with the reservation of what is
//! left) and their completions.

use sqlx::{AnyConnection, FromRow};

use haicang_core::work_orders::{WorkOrderStatus, WorkType};

use crate::db::lock_clause;
use crate::{Arg, Filter, ListScope, PageRequest, StoreError, WriteTx};

const COLUMNS: &str = "o.work_order_id, o.order_no, o.customer_id, c.code AS customer_code, o.warehouse_id, \
     w.code AS warehouse_code, o.work_type, o.product_id, p.sku, o.quantity, o.done, o.rejected, \
     o.customer_reference, o.request_hash, o.status, o.station_location_id, l.code AS station_code, o.created_by, \
     o.created_at, o.updated_at, o.completed_at";
const FROM: &str = "work_order o JOIN customer c ON c.customer_id = o.customer_id \
     JOIN warehouse w ON w.warehouse_id = o.warehouse_id JOIN product p ON p.product_id = o.product_id \
     JOIN location l ON l.location_id = o.station_location_id";

#[derive(Debug, Clone, FromRow)]
pub struct WorkOrderRow {
    pub work_order_id: i64,
    pub order_no: String,
    pub customer_id: i64,
    pub customer_code: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    #[sqlx(try_from = "String")]
    pub work_type: WorkType,
    pub product_id: i64,
    pub sku: String,
    pub quantity: i64,
    pub done: i64,
    pub rejected: i64,
    pub customer_reference: String,
    pub request_hash: String,
    #[sqlx(try_from = "String")]
    pub status: WorkOrderStatus,
    pub station_location_id: i64,
    pub station_code: String,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub completed_at: Option<i64>,
}

pub struct NewWorkOrder<'a> {
    pub order_no: &'a str,
    pub customer_id: i64,
    pub warehouse_id: i64,
    pub work_type: WorkType,
    pub product_id: i64,
    pub quantity: i64,
    pub customer_reference: &'a str,
    pub request_hash: &'a str,
    pub station_location_id: i64,
    pub created_by: &'a str,
}

pub async fn insert_order(tx: &mut WriteTx, o: &NewWorkOrder<'_>, now: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO work_order (order_no, customer_id, warehouse_id, work_type, product_id, quantity, \
         customer_reference, request_hash, status, station_location_id, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'CREATED', $9, $10, $11, $11) RETURNING work_order_id",
    )
    .bind(o.order_no)
    .bind(o.customer_id)
    .bind(o.warehouse_id)
    .bind(o.work_type.as_str())
    .bind(o.product_id)
    .bind(o.quantity)
    .bind(o.customer_reference)
    .bind(o.request_hash)
    .bind(o.station_location_id)
    .bind(o.created_by)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

pub async fn insert_input(
    tx: &mut WriteTx,
    work_order_id: i64,
    line_no: i64,
    product_id: i64,
    per_kit: i64,
    reservation_id: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO work_order_input (work_order_id, line_no, product_id, per_kit, reservation_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(work_order_id)
    .bind(line_no)
    .bind(product_id)
    .bind(per_kit)
    .bind(reservation_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn find_order(
    conn: &mut AnyConnection,
    order_no: &str,
    customer_id: Option<i64>,
) -> Result<Option<WorkOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE o.order_no = $1 AND ($2 = 0 OR o.customer_id = $2)"
    ))
    .bind(order_no)
    .bind(customer_id.unwrap_or(0))
    .fetch_optional(conn)
    .await?)
}

/// The order, locked for the rest of the transaction.
pub async fn lock_order(
    tx: &mut WriteTx,
    order_no: &str,
    customer_id: Option<i64>,
) -> Result<Option<WorkOrderRow>, StoreError> {
    let sql = format!(
        "SELECT work_order_id FROM work_order WHERE order_no = $1 AND ($2 = 0 OR customer_id = $2){}",
        lock_clause(tx.engine())
    );
    let id: Option<i64> =
        sqlx::query_scalar(&sql).bind(order_no).bind(customer_id.unwrap_or(0)).fetch_optional(tx.conn()).await?;
    match id {
        None => Ok(None),
        Some(_) => find_order(tx.conn(), order_no, customer_id).await,
    }
}

pub async fn find_by_reference(
    conn: &mut AnyConnection,
    customer_id: i64,
    reference: &str,
) -> Result<Option<WorkOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM {FROM} WHERE o.customer_id = $1 AND o.customer_reference = $2"))
        .bind(customer_id)
        .bind(reference)
        .fetch_optional(conn)
        .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct InputRow {
    pub line_no: i64,
    pub product_id: i64,
    pub sku: String,
    pub per_kit: i64,
    pub reservation_id: Option<i64>,
}

pub async fn inputs(conn: &mut AnyConnection, work_order_id: i64) -> Result<Vec<InputRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT i.line_no, i.product_id, p.sku, i.per_kit, i.reservation_id FROM work_order_input i \
         JOIN product p ON p.product_id = i.product_id WHERE i.work_order_id = $1 ORDER BY i.line_no",
    )
    .bind(work_order_id)
    .fetch_all(conn)
    .await?)
}

pub async fn set_input_reservation(
    tx: &mut WriteTx,
    work_order_id: i64,
    line_no: i64,
    reservation_id: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE work_order_input SET reservation_id = $1 WHERE work_order_id = $2 AND line_no = $3")
        .bind(reservation_id)
        .bind(work_order_id)
        .bind(line_no)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn set_progress(
    tx: &mut WriteTx,
    work_order_id: i64,
    status: WorkOrderStatus,
    done: i64,
    rejected: i64,
    now: i64,
) -> Result<(), StoreError> {
    let completed = if status == WorkOrderStatus::Completed { Some(now) } else { None };
    sqlx::query(
        "UPDATE work_order SET status = $1, done = $2, rejected = $3, updated_at = $4, \
         completed_at = COALESCE($5, completed_at) WHERE work_order_id = $6",
    )
    .bind(status.as_str())
    .bind(done)
    .bind(rejected)
    .bind(now)
    .bind(completed)
    .bind(work_order_id)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub struct NewCompletion<'a> {
    pub produced: i64,
    pub rejected: i64,
    pub workers: &'a str,
    pub lot_id: Option<i64>,
    pub staff_id: i64,
}

pub async fn insert_completion(
    tx: &mut WriteTx,
    work_order_id: i64,
    c: &NewCompletion<'_>,
    now: i64,
) -> Result<i64, StoreError> {
    let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM work_order_completion WHERE work_order_id = $1")
        .bind(work_order_id)
        .fetch_one(tx.conn())
        .await?;
    let seq = seq.unwrap_or(0) + 1;
    sqlx::query(
        "INSERT INTO work_order_completion (work_order_id, seq, produced, rejected, workers, lot_id, staff_id, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(work_order_id)
    .bind(seq)
    .bind(c.produced)
    .bind(c.rejected)
    .bind(c.workers)
    .bind(c.lot_id)
    .bind(c.staff_id)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(seq)
}

#[derive(Debug, Clone, FromRow)]
pub struct CompletionRow {
    pub seq: i64,
    pub produced: i64,
    pub rejected: i64,
    pub workers: String,
    pub lot_no: Option<String>,
    pub created_at: i64,
}

pub async fn completions(conn: &mut AnyConnection, work_order_id: i64) -> Result<Vec<CompletionRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT c.seq, c.produced, c.rejected, c.workers, lot.lot_code AS lot_no, c.created_at \
         FROM work_order_completion c LEFT JOIN lot ON lot.lot_id = c.lot_id WHERE c.work_order_id = $1 \
         ORDER BY c.seq",
    )
    .bind(work_order_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, Default)]
pub struct WorkOrderFilter {
    pub warehouse_code: Option<String>,
    pub work_type: Option<WorkType>,
    pub status: Option<WorkOrderStatus>,
    pub sku: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
}

pub async fn list(
    conn: &mut AnyConnection,
    scope: &ListScope,
    filter: &WorkOrderFilter,
    page: PageRequest,
) -> Result<(Vec<WorkOrderRow>, i64), StoreError> {
    let mut f = Filter::default();
    f.scope(scope, "o.customer_id", "o.warehouse_id");
    if let Some(w) = &filter.warehouse_code {
        f.and("w.code = ?", [Arg::Text(w.clone())]);
    }
    if let Some(t) = filter.work_type {
        f.and("o.work_type = ?", [Arg::Text(t.as_str().to_owned())]);
    }
    if let Some(s) = filter.status {
        f.and("o.status = ?", [Arg::Text(s.as_str().to_owned())]);
    }
    if let Some(sku) = &filter.sku {
        f.and("p.sku = ?", [Arg::Text(sku.clone())]);
    }
    if let Some(t) = filter.created_from {
        f.and("o.created_at >= ?", [Arg::Int(t)]);
    }
    if let Some(t) = filter.created_to {
        f.and("o.created_at < ?", [Arg::Int(t)]);
    }
    f.page(conn, COLUMNS, FROM, "o.work_order_id DESC", page).await
}
