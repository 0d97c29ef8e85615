//! Read-only views for the people on the floor: what a warehouse has in
//! hand today and where a SKU, barcode, location or lot is. Every query is
//! limited to one warehouse the caller already checked.

use sqlx::{AnyConnection, FromRow};

use crate::StoreError;

/// Documents of one kind counted by status.
pub async fn outbound_by_status(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT status, COUNT(*) FROM outbound_order WHERE warehouse_id = $1 GROUP BY status ORDER BY status",
    )
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?)
}

pub async fn inbound_by_status(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT status, COUNT(*) FROM inbound_order WHERE warehouse_id = $1 AND status <> 'DRAFT' \
         GROUP BY status ORDER BY status",
    )
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?)
}

/// Inbound orders announced for `day` (YYYY-MM-DD) and not yet at the dock.
pub async fn arrivals_expected(conn: &mut AnyConnection, warehouse_id: i64, day: &str) -> Result<i64, StoreError> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM inbound_order WHERE warehouse_id = $1 AND status = 'SUBMITTED' \
         AND expected_arrival <= $2",
    )
    .bind(warehouse_id)
    .bind(day)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// A cart with picks still open.
#[derive(Debug, Clone, FromRow)]
pub struct OpenBatchRow {
    pub pick_batch_id: i64,
    pub wave_no: String,
    pub stops: i64,
    pub open_stops: i64,
    pub units: i64,
    pub picked: i64,
}

pub async fn open_batches(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Vec<OpenBatchRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT b.pick_batch_id, v.wave_no, COUNT(*) AS stops, \
         CAST(SUM(CASE WHEN a.status = 'OPEN' THEN 1 ELSE 0 END) AS BIGINT) AS open_stops, \
         CAST(SUM(a.quantity) AS BIGINT) AS units, CAST(SUM(a.picked) AS BIGINT) AS picked \
         FROM pick_batch b JOIN wave v ON v.wave_id = b.wave_id JOIN allocation a ON a.pick_batch_id = b.pick_batch_id \
         WHERE v.warehouse_id = $1 GROUP BY b.pick_batch_id, v.wave_no \
         HAVING SUM(CASE WHEN a.status = 'OPEN' THEN 1 ELSE 0 END) > 0 ORDER BY b.pick_batch_id",
    )
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?)
}

/// Short picks of the last `since` milliseconds and open stock alerts.
pub async fn exceptions(conn: &mut AnyConnection, warehouse_id: i64, since: i64) -> Result<(i64, i64), StoreError> {
    let (short,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM allocation a JOIN pick_batch b ON b.pick_batch_id = a.pick_batch_id \
         JOIN wave v ON v.wave_id = b.wave_id WHERE v.warehouse_id = $1 AND a.status = 'SHORT' AND v.created_at >= $2",
    )
    .bind(warehouse_id)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    let (alerts,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM stock_alert WHERE warehouse_id = $1 AND status = 'OPEN'")
            .bind(warehouse_id)
            .fetch_one(conn)
            .await?;
    Ok((short, alerts))
}

/// Units at a location, with whose they are.
#[derive(Debug, Clone, FromRow)]
pub struct StockAtRow {
    pub location_code: String,
    pub customer_code: String,
    pub sku: String,
    pub name: String,
    pub barcode: String,
    pub lot_code: String,
    pub condition: String,
    pub quantity: i64,
}

/// Balances whose SKU, barcode, location code, lot (code or batch
/// number) or one of whose serial numbers is `term` exactly — what a
/// scan gives.
pub async fn find_stock(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    term: &str,
    limit: i64,
) -> Result<Vec<StockAtRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT l.code AS location_code, c.code AS customer_code, p.sku, p.name, p.barcode, lot.lot_code, \
         b.condition, b.quantity FROM stock_balance b JOIN location l ON l.location_id = b.location_id \
         JOIN product p ON p.product_id = b.product_id JOIN customer c ON c.customer_id = b.customer_id \
         JOIN lot ON lot.lot_id = b.lot_id \
         WHERE b.warehouse_id = $1 AND b.quantity > 0 \
         AND (p.sku = $2 OR p.barcode = $2 OR l.code = $2 OR lot.lot_code = $2 OR lot.batch_no = $2 \
         OR EXISTS (SELECT 1 FROM serial_number s WHERE s.serial = $2 AND s.status = 'IN_STOCK' \
         AND s.product_id = b.product_id AND s.location_id = b.location_id AND s.lot_id = b.lot_id)) \
         ORDER BY l.code, p.sku, lot.lot_code LIMIT $3",
    )
    .bind(warehouse_id)
    .bind(term)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// One movement of the ledger as the floor reads it.
#[derive(Debug, Clone, FromRow)]
pub struct FloorMovementRow {
    pub customer_code: String,
    pub sku: String,
    pub lot_code: String,
    pub condition: String,
    pub source: String,
    pub target: String,
    pub quantity: i64,
    pub on_hand_before: i64,
    pub on_hand_after: i64,
    pub document_type: String,
    pub document_no: String,
    pub operator: String,
    pub created_at: i64,
}

/// The latest movements touching what `term` names (as in [`find_stock`]).
pub async fn movements_of(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    term: &str,
    limit: i64,
) -> Result<Vec<FloorMovementRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT c.code AS customer_code, p.sku, lot.lot_code, m.condition, m.source, m.target, m.quantity, \
         m.on_hand_before, m.on_hand_after, m.document_type, m.document_no, m.operator, m.created_at \
         FROM stock_movement m JOIN product p ON p.product_id = m.product_id \
         JOIN customer c ON c.customer_id = m.customer_id JOIN lot ON lot.lot_id = m.lot_id \
         WHERE m.warehouse_id = $1 \
         AND (p.sku = $2 OR p.barcode = $2 OR m.source = $2 OR m.target = $2 OR lot.lot_code = $2 OR lot.batch_no = $2) \
         ORDER BY m.stock_movement_id DESC LIMIT $3",
    )
    .bind(warehouse_id)
    .bind(term)
    .bind(limit)
    .fetch_all(conn)
    .await?)
}

/// A location on the floor plan and the units it holds.
#[derive(Debug, Clone, FromRow)]
pub struct OccupancyRow {
    pub code: String,
    pub location_type: String,
    pub x_mm: i64,
    pub y_mm: i64,
    pub units: i64,
}

/// Every enabled location of the warehouse with the units on it (levels
/// of a bay are separate rows; the map adds them up).
pub async fn occupancy(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Vec<OccupancyRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT l.code, l.location_type, l.x_mm, l.y_mm, CAST(COALESCE(SUM(b.quantity), 0) AS BIGINT) AS units \
         FROM location l LEFT JOIN stock_balance b ON b.location_id = l.location_id \
         WHERE l.warehouse_id = $1 AND l.status = 'ENABLED' \
         GROUP BY l.location_id, l.code, l.location_type, l.x_mm, l.y_mm ORDER BY l.code",
    )
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?)
}

/// Orders not yet shipped (nor cancelled) per shipping service: what each
/// carrier's pickup still waits for.
pub async fn open_by_service(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT s.code, COUNT(*) FROM outbound_order o JOIN shipping_service s ON s.shipping_service_id = o.shipping_service_id \
         WHERE o.warehouse_id = $1 AND o.status NOT IN ('SHIPPED', 'CANCELLED') GROUP BY s.code ORDER BY s.code",
    )
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?)
}

/// The picked, unpacked orders whose units went into tote `tote` (a tote
/// label is reused cart after cart: more than one means ask for the order).
pub async fn orders_in_tote(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    tote: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT o.order_no FROM allocation a JOIN outbound_order o ON o.outbound_order_id = a.outbound_order_id \
         WHERE o.warehouse_id = $1 AND o.status = 'PICKED' AND a.tote = $2 ORDER BY o.order_no LIMIT 5",
    )
    .bind(warehouse_id)
    .bind(tote)
    .fetch_all(conn)
    .await?)
}

/// A count plan not approved yet and how many of its sheets are counted.
#[derive(Debug, Clone, FromRow)]
pub struct OpenPlanRow {
    pub plan_no: String,
    pub sheets: i64,
    pub counted: i64,
}

pub async fn open_count_plans(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Vec<OpenPlanRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT p.plan_no, COUNT(*) AS sheets, CAST(SUM(CASE WHEN s.status = 'COUNTED' THEN 1 ELSE 0 END) AS BIGINT) AS counted \
         FROM count_plan p JOIN count_sheet s ON s.count_plan_id = p.count_plan_id \
         WHERE p.warehouse_id = $1 AND p.status = 'OPEN' GROUP BY p.plan_no ORDER BY p.plan_no",
    )
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?)
}

/// Where a warehouse's bays stand on the floor: one `(x, y)` per spot
/// (the levels of a bay share it), for maps.
pub async fn floor_spots(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT x_mm, y_mm FROM location WHERE warehouse_id = $1 AND status = 'ENABLED' ORDER BY x_mm, y_mm",
    )
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?)
}

/// The floor position of some locations of a warehouse, by code.
pub async fn positions_of(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    codes: &[String],
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..codes.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT code, x_mm, y_mm FROM location WHERE warehouse_id = $1 AND code IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_as(&sql).bind(warehouse_id);
    for code in codes {
        query = query.bind(code);
    }
    Ok(query.fetch_all(conn).await?)
}
