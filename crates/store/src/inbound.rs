//! Inbound orders: header, boxes, announced lines, counts, putaways and
//! the status history. Stock itself moves only through [`crate::stock`].

use sqlx::{AnyConnection, FromRow};

use haicang_core::inbound::{InboundMode, InboundStatus, InboundType};
use haicang_core::ledger::Condition;

use crate::db::lock_clause;
use crate::{Arg, Filter, ListScope, PageRequest, StoreError, WriteTx};

#[derive(Debug, Clone, FromRow)]
pub struct InboundOrderRow {
    pub inbound_order_id: i64,
    pub order_no: String,
    pub customer_id: i64,
    pub customer_code: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub customer_reference: String,
    pub request_hash: String,
    #[sqlx(try_from = "String")]
    pub inbound_type: InboundType,
    #[sqlx(try_from = "String")]
    pub mode: InboundMode,
    pub forecast: i64,
    #[sqlx(try_from = "String")]
    pub status: InboundStatus,
    pub expected_arrival: Option<String>,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub note: Option<String>,
    pub box_count: i64,
    pub unit_count: i64,
    pub receiving_location_id: Option<i64>,
    pub arrived_at: Option<i64>,
    pub received_at: Option<i64>,
    pub putaway_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// `Some("TRANSFER")`: the receiving leg of a transfer (same number),
    /// which sellers follow on the transfer, not here.
    pub origin: Option<String>,
    /// 1: single-SKU boxes are kept closed as sealed cartons.
    pub keep_sealed: i64,
    /// A JSON object of references kept as sent (a dialect's).
    pub attributes: Option<String>,
}

const ORDER_COLUMNS: &str = "o.inbound_order_id, o.order_no, o.customer_id, c.code AS customer_code, o.warehouse_id, \
     w.code AS warehouse_code, o.customer_reference, o.request_hash, o.inbound_type, o.mode, o.forecast, o.status, \
     o.expected_arrival, o.carrier, o.tracking_no, o.note, o.box_count, o.unit_count, o.receiving_location_id, \
     o.arrived_at, o.received_at, o.putaway_at, o.created_at, o.updated_at, o.origin, o.keep_sealed, \
     o.attributes";
const ORDER_FROM: &str = "inbound_order o JOIN customer c ON c.customer_id = o.customer_id \
     JOIN warehouse w ON w.warehouse_id = o.warehouse_id";

pub struct NewInboundOrder<'a> {
    pub order_no: &'a str,
    pub customer_id: i64,
    pub warehouse_id: i64,
    pub customer_reference: &'a str,
    pub request_hash: &'a str,
    pub inbound_type: &'a str,
    pub mode: &'a str,
    pub forecast: bool,
    pub status: &'a str,
    pub expected_arrival: Option<&'a str>,
    pub carrier: Option<&'a str>,
    pub tracking_no: Option<&'a str>,
    pub note: Option<&'a str>,
    pub box_count: i64,
    pub unit_count: i64,
    pub origin: Option<&'a str>,
    pub keep_sealed: bool,
    pub attributes: Option<&'a str>,
}

pub async fn insert_order(tx: &mut WriteTx, o: &NewInboundOrder<'_>, now: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO inbound_order (order_no, customer_id, warehouse_id, customer_reference, request_hash, \
         inbound_type, mode, forecast, status, expected_arrival, carrier, tracking_no, note, box_count, unit_count, \
         created_at, updated_at, origin, keep_sealed, attributes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17, $18, $19) \
         RETURNING inbound_order_id",
    )
    .bind(o.order_no)
    .bind(o.customer_id)
    .bind(o.warehouse_id)
    .bind(o.customer_reference)
    .bind(o.request_hash)
    .bind(o.inbound_type)
    .bind(o.mode)
    .bind(i64::from(o.forecast))
    .bind(o.status)
    .bind(o.expected_arrival)
    .bind(o.carrier)
    .bind(o.tracking_no)
    .bind(o.note)
    .bind(o.box_count)
    .bind(o.unit_count)
    .bind(now)
    .bind(o.origin)
    .bind(i64::from(o.keep_sealed))
    .bind(o.attributes)
    .fetch_one(tx.conn())
    .await?)
}

pub struct NewBox<'a> {
    pub seq: i64,
    pub box_no: &'a str,
    pub scan_code: &'a str,
    pub barcode: Option<&'a str>,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub weight_g: i64,
}

pub async fn insert_box(tx: &mut WriteTx, order_id: i64, warehouse_id: i64, b: &NewBox<'_>) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO inbound_box (inbound_order_id, warehouse_id, seq, box_no, scan_code, barcode, length_mm, \
         width_mm, height_mm, weight_g) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING inbound_box_id",
    )
    .bind(order_id)
    .bind(warehouse_id)
    .bind(b.seq)
    .bind(b.box_no)
    .bind(b.scan_code)
    .bind(b.barcode)
    .bind(b.length_mm)
    .bind(b.width_mm)
    .bind(b.height_mm)
    .bind(b.weight_g)
    .fetch_one(tx.conn())
    .await?)
}

pub struct NewLine<'a> {
    pub box_id: Option<i64>,
    pub line_no: i64,
    pub product_id: i64,
    pub quantity: i64,
    pub batch_no: Option<&'a str>,
    pub production_date: Option<&'a str>,
    pub expiry_date: Option<&'a str>,
    pub serials: Option<&'a str>,
}

pub async fn insert_line(tx: &mut WriteTx, order_id: i64, l: &NewLine<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO inbound_line (inbound_order_id, inbound_box_id, line_no, product_id, quantity, batch_no, \
         production_date, expiry_date, serials) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(order_id)
    .bind(l.box_id)
    .bind(l.line_no)
    .bind(l.product_id)
    .bind(l.quantity)
    .bind(l.batch_no)
    .bind(l.production_date)
    .bind(l.expiry_date)
    .bind(l.serials)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Which of `barcodes` are already on a box in the warehouse.
pub async fn barcodes_taken(
    tx: &mut WriteTx,
    warehouse_id: i64,
    barcodes: &[String],
) -> Result<Vec<String>, StoreError> {
    let mut taken = Vec::new();
    for chunk in barcodes.chunks(500) {
        let mut f = Filter::default();
        f.and("warehouse_id = ?", [Arg::Int(warehouse_id)]);
        f.and_in_texts("barcode", chunk);
        let sql = format!("SELECT barcode FROM inbound_box {} ORDER BY barcode", f.where_sql());
        let rows: Vec<(String,)> = f.bind_as(sqlx::query_as(&sql)).fetch_all(tx.conn()).await?;
        taken.extend(rows.into_iter().map(|(b,)| b));
    }
    Ok(taken)
}

pub async fn find_by_reference(
    tx: &mut WriteTx,
    customer_id: i64,
    reference: &str,
) -> Result<Option<InboundOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.customer_id = $1 AND o.customer_reference = $2"
    ))
    .bind(customer_id)
    .bind(reference)
    .fetch_optional(tx.conn())
    .await?)
}

/// An order by number; `customer_id` scopes a seller's look-up (another
/// seller's order is simply not found).
pub async fn find_order(
    conn: &mut AnyConnection,
    order_no: &str,
    customer_id: Option<i64>,
) -> Result<Option<InboundOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.order_no = $1 \
         AND ($2 = 0 OR (o.customer_id = $2 AND o.origin IS NULL))"
    ))
    .bind(order_no)
    .bind(customer_id.unwrap_or(0))
    .fetch_optional(conn)
    .await?)
}

/// An order by id (a transfer's receiving leg, for the transfer's view).
pub async fn find_order_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<InboundOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.inbound_order_id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// The order locked for a state change (a row lock on PostgreSQL; SQLite's
/// write transaction is already exclusive).
pub async fn lock_order(
    tx: &mut WriteTx,
    order_no: &str,
    customer_id: Option<i64>,
) -> Result<Option<InboundOrderRow>, StoreError> {
    let id: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT inbound_order_id FROM inbound_order WHERE order_no = $1 \
         AND ($2 = 0 OR (customer_id = $2 AND origin IS NULL)){}",
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

/// The order a scanned code belongs to: one of its box labels, a
/// third-party box barcode, or its tracking number.
pub async fn order_no_by_scan(
    conn: &mut AnyConnection,
    warehouse_code: Option<&str>,
    code: &str,
) -> Result<Option<String>, StoreError> {
    let warehouse_code = warehouse_code.unwrap_or("");
    let by_box: Option<String> = sqlx::query_scalar(
        "SELECT o.order_no FROM inbound_box b JOIN inbound_order o ON o.inbound_order_id = b.inbound_order_id \
         JOIN warehouse w ON w.warehouse_id = b.warehouse_id WHERE ($1 = '' OR w.code = $1) \
         AND (b.scan_code = $2 OR b.barcode = $2) ORDER BY b.inbound_box_id DESC LIMIT 1",
    )
    .bind(warehouse_code)
    .bind(code)
    .fetch_optional(&mut *conn)
    .await?;
    if by_box.is_some() {
        return Ok(by_box);
    }
    // A tracking number can be reused by a carrier years apart: the newest
    // order not yet arrived wins.
    Ok(sqlx::query_scalar(
        "SELECT o.order_no FROM inbound_order o JOIN warehouse w ON w.warehouse_id = o.warehouse_id \
         WHERE ($1 = '' OR w.code = $1) AND o.tracking_no = $2 AND o.status = $3 \
         ORDER BY o.created_at DESC LIMIT 1",
    )
    .bind(warehouse_code)
    .bind(code)
    .bind(InboundStatus::Submitted.as_str())
    .fetch_optional(&mut *conn)
    .await?)
}

/// What changes with a status.
#[derive(Debug, Clone, Default)]
pub struct StatusChange<'a> {
    pub arrived_at: Option<i64>,
    pub received_at: Option<i64>,
    pub putaway_at: Option<i64>,
    pub receiving_location_id: Option<i64>,
    pub carrier: Option<&'a str>,
    pub tracking_no: Option<&'a str>,
}

/// Moves the order from `from` to `to` (compare-and-set on the status) and
/// records the step in its history.
#[allow(clippy::too_many_arguments)]
pub async fn change_status(
    tx: &mut WriteTx,
    order_id: i64,
    from: &str,
    to: &str,
    change: &StatusChange<'_>,
    operator: &str,
    note: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE inbound_order SET status = $1, arrived_at = COALESCE($2, arrived_at), \
         received_at = COALESCE($3, received_at), putaway_at = COALESCE($4, putaway_at), \
         receiving_location_id = COALESCE($5, receiving_location_id), carrier = COALESCE($6, carrier), \
         tracking_no = COALESCE($7, tracking_no), updated_at = $8 WHERE inbound_order_id = $9 AND status = $10",
    )
    .bind(to)
    .bind(change.arrived_at)
    .bind(change.received_at)
    .bind(change.putaway_at)
    .bind(change.receiving_location_id)
    .bind(change.carrier)
    .bind(change.tracking_no)
    .bind(now)
    .bind(order_id)
    .bind(from)
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict("inbound order changed concurrently".into()));
    }
    if from != to {
        add_history(tx, order_id, to, operator, note, now).await?;
    }
    Ok(())
}

pub async fn add_history(
    tx: &mut WriteTx,
    order_id: i64,
    status: &str,
    operator: &str,
    note: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO inbound_status_history (inbound_order_id, status, operator, note, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order_id)
    .bind(status)
    .bind(operator)
    .bind(note)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn mark_box_received(tx: &mut WriteTx, box_id: i64, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE inbound_box SET received_at = COALESCE(received_at, $1) WHERE inbound_box_id = $2")
        .bind(now)
        .bind(box_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct BoxRow {
    pub inbound_box_id: i64,
    pub seq: i64,
    pub box_no: String,
    pub scan_code: String,
    pub barcode: Option<String>,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub weight_g: i64,
    pub received_at: Option<i64>,
}

pub async fn boxes(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<BoxRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT inbound_box_id, seq, box_no, scan_code, barcode, length_mm, width_mm, height_mm, weight_g, \
         received_at FROM inbound_box WHERE inbound_order_id = $1 ORDER BY seq",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct LineRow {
    pub inbound_box_id: Option<i64>,
    pub line_no: i64,
    pub product_id: i64,
    pub sku: String,
    pub quantity: i64,
    pub batch_no: Option<String>,
    pub production_date: Option<String>,
    pub expiry_date: Option<String>,
    pub serials: Option<String>,
}

pub async fn lines(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<LineRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT l.inbound_box_id, l.line_no, l.product_id, p.sku, l.quantity, l.batch_no, l.production_date, \
         l.expiry_date, l.serials FROM inbound_line l JOIN product p ON p.product_id = l.product_id \
         WHERE l.inbound_order_id = $1 ORDER BY l.line_no",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

pub struct NewReceipt {
    pub box_id: Option<i64>,
    pub product_id: i64,
    pub lot_id: i64,
    pub good: i64,
    pub defective: i64,
    pub staff_id: i64,
}

pub async fn insert_receipt(tx: &mut WriteTx, order_id: i64, r: &NewReceipt, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO inbound_receipt (inbound_order_id, inbound_box_id, product_id, lot_id, good, defective, \
         staff_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(order_id)
    .bind(r.box_id)
    .bind(r.product_id)
    .bind(r.lot_id)
    .bind(r.good)
    .bind(r.defective)
    .bind(r.staff_id)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct ReceiptRow {
    pub inbound_box_id: Option<i64>,
    pub product_id: i64,
    pub sku: String,
    pub lot_id: i64,
    pub lot_code: String,
    pub good: i64,
    pub defective: i64,
    pub operator: String,
    pub created_at: i64,
}

pub async fn receipts(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<ReceiptRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT r.inbound_box_id, r.product_id, p.sku, r.lot_id, lot.lot_code, r.good, r.defective, \
         s.username AS operator, r.created_at FROM inbound_receipt r JOIN product p ON p.product_id = r.product_id \
         JOIN lot ON lot.lot_id = r.lot_id JOIN staff s ON s.staff_id = r.staff_id \
         WHERE r.inbound_order_id = $1 ORDER BY r.inbound_receipt_id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

pub struct NewPutaway<'a> {
    pub product_id: i64,
    pub lot_id: i64,
    pub condition: &'a str,
    pub location_id: i64,
    pub proposed_location_id: Option<i64>,
    pub quantity: i64,
    pub staff_id: i64,
}

pub async fn insert_putaway(tx: &mut WriteTx, order_id: i64, p: &NewPutaway<'_>, now: i64) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO inbound_putaway (inbound_order_id, product_id, lot_id, condition, location_id, \
         proposed_location_id, quantity, staff_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(order_id)
    .bind(p.product_id)
    .bind(p.lot_id)
    .bind(p.condition)
    .bind(p.location_id)
    .bind(p.proposed_location_id)
    .bind(p.quantity)
    .bind(p.staff_id)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct PutawayRow {
    pub product_id: i64,
    pub sku: String,
    pub lot_code: String,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    pub location_code: String,
    pub proposed_location_code: Option<String>,
    pub quantity: i64,
    pub operator: String,
    pub created_at: i64,
}

pub async fn putaways(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<PutawayRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT a.product_id, p.sku, lot.lot_code, a.condition, l.code AS location_code, \
         pl.code AS proposed_location_code, a.quantity, s.username AS operator, a.created_at \
         FROM inbound_putaway a JOIN product p ON p.product_id = a.product_id JOIN lot ON lot.lot_id = a.lot_id \
         JOIN location l ON l.location_id = a.location_id LEFT JOIN location pl ON pl.location_id = a.proposed_location_id \
         JOIN staff s ON s.staff_id = a.staff_id WHERE a.inbound_order_id = $1 ORDER BY a.inbound_putaway_id",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct HistoryRow {
    #[sqlx(try_from = "String")]
    pub status: InboundStatus,
    pub operator: String,
    pub note: Option<String>,
    pub created_at: i64,
}

pub async fn history(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<HistoryRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT status, operator, note, created_at FROM inbound_status_history WHERE inbound_order_id = $1 \
         ORDER BY created_at, status",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, Default)]
pub struct InboundFilter {
    pub customer_code: Option<String>,
    pub order_nos: Vec<String>,
    pub references: Vec<String>,
    pub warehouse_code: Option<String>,
    pub status: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
}

/// Orders, newest first; `customer_id` scopes a seller's list (staff see
/// every seller's, optionally one by `filter.customer_code`).
pub async fn list_orders(
    conn: &mut AnyConnection,
    scope: &ListScope,
    filter: &InboundFilter,
    page: PageRequest,
) -> Result<(Vec<InboundOrderRow>, i64), StoreError> {
    let mut f = Filter::default();
    f.scope(scope, "o.customer_id", "o.warehouse_id");
    if scope.customer_id.is_some() {
        // A transfer's receiving leg is the transfer's business.
        f.and("o.origin IS NULL", []);
    }
    if let Some(code) = &filter.customer_code {
        f.and("c.code = ?", [Arg::Text(code.clone())]);
    }
    if !filter.order_nos.is_empty() {
        f.and_in_texts("o.order_no", &filter.order_nos);
    }
    if !filter.references.is_empty() {
        f.and_in_texts("o.customer_reference", &filter.references);
    }
    if let Some(w) = &filter.warehouse_code {
        f.and("w.code = ?", [Arg::Text(w.clone())]);
    }
    if let Some(s) = &filter.status {
        f.and("o.status = ?", [Arg::Text(s.clone())]);
    }
    if let Some(t) = filter.created_from {
        f.and("o.created_at >= ?", [Arg::Int(t)]);
    }
    if let Some(t) = filter.created_to {
        f.and("o.created_at < ?", [Arg::Int(t)]);
    }
    f.page(conn, ORDER_COLUMNS, ORDER_FROM, "o.created_at DESC, o.inbound_order_id DESC", page).await
}

/// Units a location holds with their volume and weight, for the putaway
/// planner: one row per balance (location, owner, product, lot, condition).
#[derive(Debug, Clone, FromRow)]
pub struct OccupancyRow {
    pub location_id: i64,
    pub customer_id: i64,
    pub product_id: i64,
    pub lot_id: i64,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    pub quantity: i64,
    pub length_um: Option<i64>,
    pub width_um: Option<i64>,
    pub height_um: Option<i64>,
    pub weight_mg: Option<i64>,
}

const OCCUPANCY_SELECT: &str = "SELECT b.location_id, b.customer_id, b.product_id, b.lot_id, b.condition, \
     b.quantity, p.length_um, p.width_um, p.height_um, p.weight_mg FROM stock_balance b \
     JOIN product p ON p.product_id = b.product_id";

pub async fn occupancy(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Vec<OccupancyRow>, StoreError> {
    Ok(sqlx::query_as(&format!("{OCCUPANCY_SELECT} WHERE b.warehouse_id = $1 AND b.quantity > 0"))
        .bind(warehouse_id)
        .fetch_all(conn)
        .await?)
}

/// What one location holds now (inside a transaction: with its own moves).
pub async fn occupancy_of_location(
    conn: &mut AnyConnection,
    location_id: i64,
) -> Result<Vec<OccupancyRow>, StoreError> {
    Ok(sqlx::query_as(&format!("{OCCUPANCY_SELECT} WHERE b.location_id = $1 AND b.quantity > 0"))
        .bind(location_id)
        .fetch_all(conn)
        .await?)
}
