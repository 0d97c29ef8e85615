//! Outbound orders, waves, pick batches, allocations, shipment events and
//! count tasks. Stock itself moves only through [`crate::stock`].

use std::collections::HashMap;

use sqlx::{AnyConnection, FromRow};

use haicang_core::location::LocationType;
use haicang_core::outbound::{AllocationStatus, InterceptStatus, OutboundStatus, Platform};
use haicang_core::text::Maybe;
use haicang_core::transfers::OrderKind;

use crate::db::lock_clause;
use crate::{Arg, Filter, ListScope, PageRequest, StoreError, WriteTx};

#[derive(Debug, Clone, FromRow)]
pub struct OutboundOrderRow {
    pub outbound_order_id: i64,
    pub order_no: String,
    pub customer_id: i64,
    pub customer_code: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub shipping_service_code: String,
    pub carrier_default: String,
    pub customer_reference: String,
    pub request_hash: String,
    #[sqlx(try_from = "String")]
    pub platform: Platform,
    pub platform_order_no: Option<String>,
    pub recipient: String,
    pub note: Option<String>,
    pub seller_label: Option<String>,
    pub tracking_no: Option<String>,
    pub carrier: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: OutboundStatus,
    #[sqlx(try_from = "Option<String>")]
    pub intercept_status: Maybe<InterceptStatus>,
    pub intercept_reason: Option<String>,
    pub exception_reason: Option<String>,
    pub wave_id: Option<i64>,
    pub weight_g: Option<i64>,
    pub length_mm: Option<i64>,
    pub width_mm: Option<i64>,
    pub height_mm: Option<i64>,
    pub shipped_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    #[sqlx(try_from = "String")]
    pub order_kind: OrderKind,
    /// Transfers to a warehouse: where to.
    pub to_warehouse_id: Option<i64>,
    pub to_warehouse_code: Option<String>,
    /// Marketplace shipments (B2B, or a transfer to FBA and the like).
    pub shipment_id: Option<String>,
    pub destination_platform: Option<String>,
    /// A shipped transfer's receiving leg at the destination.
    pub inbound_order_id: Option<i64>,
}

const ORDER_COLUMNS: &str = "o.outbound_order_id, o.order_no, o.customer_id, c.code AS customer_code, \
     o.warehouse_id, w.code AS warehouse_code, ss.code AS shipping_service_code, ss.carrier AS carrier_default, \
     o.customer_reference, o.request_hash, o.platform, o.platform_order_no, o.recipient, o.note, o.seller_label, \
     o.tracking_no, o.carrier, o.status, o.intercept_status, o.intercept_reason, o.exception_reason, o.wave_id, \
     o.weight_g, o.length_mm, o.width_mm, o.height_mm, o.shipped_at, o.created_at, o.updated_at, o.order_kind, \
     o.to_warehouse_id, tw.code AS to_warehouse_code, o.shipment_id, o.destination_platform, o.inbound_order_id";
const ORDER_FROM: &str = "outbound_order o JOIN customer c ON c.customer_id = o.customer_id \
     JOIN warehouse w ON w.warehouse_id = o.warehouse_id \
     JOIN shipping_service ss ON ss.shipping_service_id = o.shipping_service_id \
     LEFT JOIN warehouse tw ON tw.warehouse_id = o.to_warehouse_id";

pub struct NewOutboundOrder<'a> {
    pub order_no: &'a str,
    pub customer_id: i64,
    pub warehouse_id: i64,
    pub shipping_service_id: i64,
    pub customer_reference: &'a str,
    pub request_hash: &'a str,
    pub platform: &'a str,
    pub platform_order_no: Option<&'a str>,
    pub recipient: &'a str,
    pub note: Option<&'a str>,
    pub seller_label: Option<&'a str>,
    pub tracking_no: Option<&'a str>,
    pub status: &'a str,
    pub kind: OrderKind,
    pub to_warehouse_id: Option<i64>,
    pub shipment_id: Option<&'a str>,
    pub destination_platform: Option<&'a str>,
}

pub async fn insert_order(tx: &mut WriteTx, o: &NewOutboundOrder<'_>, now: i64) -> Result<i64, StoreError> {
    let ids = insert_orders(tx, std::slice::from_ref(o), now).await?;
    ids.first().copied().ok_or(StoreError::Database(sqlx::Error::RowNotFound))
}

/// Several orders in one INSERT (order creation in batches); their ids in
/// the given order (matched by number: RETURNING promises no order).
pub async fn insert_orders(
    tx: &mut WriteTx,
    orders: &[NewOutboundOrder<'_>],
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    if orders.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "INSERT INTO outbound_order (order_no, customer_id, warehouse_id, shipping_service_id, customer_reference, \
         request_hash, platform, platform_order_no, recipient, note, seller_label, tracking_no, status, created_at, \
         updated_at, order_kind, to_warehouse_id, shipment_id, destination_platform) \
         VALUES {} RETURNING outbound_order_id, order_no",
        crate::db::value_rows(orders.len(), 19, 1)
    );
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for o in orders {
        query = query
            .bind(o.order_no)
            .bind(o.customer_id)
            .bind(o.warehouse_id)
            .bind(o.shipping_service_id)
            .bind(o.customer_reference)
            .bind(o.request_hash)
            .bind(o.platform)
            .bind(o.platform_order_no)
            .bind(o.recipient)
            .bind(o.note)
            .bind(o.seller_label)
            .bind(o.tracking_no)
            .bind(o.status)
            .bind(now)
            .bind(now)
            .bind(o.kind.as_str())
            .bind(o.to_warehouse_id)
            .bind(o.shipment_id)
            .bind(o.destination_platform);
    }
    let ids: std::collections::HashMap<String, i64> =
        query.fetch_all(tx.conn()).await?.into_iter().map(|(id, no)| (no, id)).collect();
    orders.iter().map(|o| ids.get(o.order_no).copied().ok_or(StoreError::Database(sqlx::Error::RowNotFound))).collect()
}

/// A new order line: number, product, units, the kit it ships for, and
/// its reservation.
pub struct NewLine<'a> {
    pub line_no: i64,
    pub product_id: i64,
    pub quantity: i64,
    pub kit_sku: Option<&'a str>,
    pub reservation_id: i64,
}

/// An order's lines in one INSERT; their ids in the given order.
pub async fn insert_lines(tx: &mut WriteTx, order_id: i64, lines: &[NewLine<'_>]) -> Result<Vec<i64>, StoreError> {
    let rows: Vec<(i64, &NewLine<'_>)> = lines.iter().map(|l| (order_id, l)).collect();
    insert_lines_of_orders(tx, &rows).await
}

/// Lines of several orders, `(order id, line)`, in one INSERT; their ids
/// in the given order (ids are handed out in the order a statement inserts
/// its rows on both engines; RETURNING promises no order, so they are
/// sorted).
pub async fn insert_lines_of_orders(tx: &mut WriteTx, lines: &[(i64, &NewLine<'_>)]) -> Result<Vec<i64>, StoreError> {
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "INSERT INTO outbound_line (outbound_order_id, line_no, product_id, quantity, kit_sku, reservation_id) \
         VALUES {} RETURNING outbound_line_id",
        crate::db::value_rows(lines.len(), 6, 1)
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for (order_id, l) in lines {
        query = query
            .bind(*order_id)
            .bind(l.line_no)
            .bind(l.product_id)
            .bind(l.quantity)
            .bind(l.kit_sku)
            .bind(l.reservation_id);
    }
    let mut ids = query.fetch_all(tx.conn()).await?;
    ids.sort_unstable();
    Ok(ids)
}

/// A seller's order by its reference. Read before the write transaction
/// that would insert one: a concurrent insert of the same reference is
/// refused by the unique key and the use case retried, which then finds it.
pub async fn find_by_reference(
    conn: &mut AnyConnection,
    customer_id: i64,
    reference: &str,
) -> Result<Option<OutboundOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.customer_id = $1 AND o.customer_reference = $2"
    ))
    .bind(customer_id)
    .bind(reference)
    .fetch_optional(conn)
    .await?)
}

/// An order by number; `customer_id` scopes a seller's look-up, which
/// finds parcel orders only (transfers and B2B orders have their own
/// routes: [`find_order_of_kind`]).
pub async fn find_order(
    conn: &mut AnyConnection,
    order_no: &str,
    customer_id: Option<i64>,
) -> Result<Option<OutboundOrderRow>, StoreError> {
    match customer_id {
        Some(c) => find_order_of_kind(conn, order_no, Some(c), OrderKind::Parcel).await,
        None => find_any(conn, order_no, None).await,
    }
}

/// An order of one kind by number (`customer_id`: a seller's own).
pub async fn find_order_of_kind(
    conn: &mut AnyConnection,
    order_no: &str,
    customer_id: Option<i64>,
    kind: OrderKind,
) -> Result<Option<OutboundOrderRow>, StoreError> {
    Ok(find_any(conn, order_no, customer_id).await?.filter(|o| o.order_kind == kind))
}

async fn find_any(
    conn: &mut AnyConnection,
    order_no: &str,
    customer_id: Option<i64>,
) -> Result<Option<OutboundOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.order_no = $1 AND ($2 = 0 OR o.customer_id = $2)"
    ))
    .bind(order_no)
    .bind(customer_id.unwrap_or(0))
    .fetch_optional(conn)
    .await?)
}

/// The order locked for a change (row lock on PostgreSQL); a seller's
/// look-up finds parcel orders only, like [`find_order`].
pub async fn lock_order(
    tx: &mut WriteTx,
    order_no: &str,
    customer_id: Option<i64>,
) -> Result<Option<OutboundOrderRow>, StoreError> {
    match customer_id {
        Some(c) => lock_order_of_kind(tx, order_no, Some(c), OrderKind::Parcel).await,
        None => lock_any(tx, order_no).await,
    }
}

/// An order of one kind locked for a change.
pub async fn lock_order_of_kind(
    tx: &mut WriteTx,
    order_no: &str,
    customer_id: Option<i64>,
    kind: OrderKind,
) -> Result<Option<OutboundOrderRow>, StoreError> {
    Ok(lock_any(tx, order_no).await?.filter(|o| o.order_kind == kind && customer_id.is_none_or(|c| o.customer_id == c)))
}

async fn lock_any(tx: &mut WriteTx, order_no: &str) -> Result<Option<OutboundOrderRow>, StoreError> {
    let id: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT outbound_order_id FROM outbound_order WHERE order_no = $1{}",
        lock_clause(tx.engine())
    ))
    .bind(order_no)
    .fetch_optional(tx.conn())
    .await?;
    match id {
        None => Ok(None),
        Some(_) => find_any(tx.conn(), order_no, None).await,
    }
}

/// What a wave needs to know of an order before it takes it.
#[derive(Debug, Clone, FromRow)]
pub struct WaveOrderRow {
    pub outbound_order_id: i64,
    pub order_no: String,
    pub warehouse_id: i64,
    #[sqlx(try_from = "String")]
    pub status: OutboundStatus,
    #[sqlx(try_from = "Option<String>")]
    pub intercept_status: Maybe<InterceptStatus>,
}

/// Orders by number for a wave, locked (PostgreSQL) in id order so that
/// two transactions locking overlapping sets cannot deadlock on them; only
/// the few columns a wave reads (10,000 full rows cost a wave ~150 ms).
/// Numbers that do not exist are simply absent from the answer. The caller
/// passes a bounded chunk (at most a few hundred numbers).
pub async fn lock_wave_orders(tx: &mut WriteTx, order_nos: &[String]) -> Result<Vec<WaveOrderRow>, StoreError> {
    if order_nos.is_empty() {
        return Ok(Vec::new());
    }
    let mut f = Filter::default();
    f.and_in_texts("order_no", order_nos);
    let sql = format!(
        "SELECT outbound_order_id, order_no, warehouse_id, status, intercept_status FROM outbound_order {} \
         ORDER BY outbound_order_id{}",
        f.where_sql(),
        lock_clause(tx.engine())
    );
    Ok(f.bind_as(sqlx::query_as(&sql)).fetch_all(tx.conn()).await?)
}

/// The lines of several orders (a bounded chunk of ids), by order id.
pub async fn lines_of_orders(
    conn: &mut AnyConnection,
    order_ids: &[i64],
) -> Result<HashMap<i64, Vec<OutboundLineRow>>, StoreError> {
    let mut by_order: HashMap<i64, Vec<OutboundLineRow>> = HashMap::new();
    if order_ids.is_empty() {
        return Ok(by_order);
    }
    let mut f = Filter::default();
    f.and_in_ints("l.outbound_order_id", order_ids);
    let sql =
        format!("SELECT l.outbound_order_id, {LINE_SELECT} {} ORDER BY l.outbound_order_id, l.line_no", f.where_sql());
    let rows: Vec<OrderLineRow> = f.bind_as(sqlx::query_as(&sql)).fetch_all(conn).await?;
    for row in rows {
        by_order.entry(row.outbound_order_id).or_default().push(row.line);
    }
    Ok(by_order)
}

#[derive(FromRow)]
struct OrderLineRow {
    outbound_order_id: i64,
    #[sqlx(flatten)]
    line: OutboundLineRow,
}

pub async fn order_no_by_tracking(tx: &mut WriteTx, tracking_no: &str) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT order_no FROM outbound_order WHERE tracking_no = $1 ORDER BY outbound_order_id DESC LIMIT 1",
    )
    .bind(tracking_no)
    .fetch_optional(tx.conn())
    .await?)
}

#[derive(Debug, Clone, Default)]
pub struct OutboundFilter {
    pub order_nos: Vec<String>,
    pub references: Vec<String>,
    pub tracking_nos: Vec<String>,
    pub warehouse_code: Option<String>,
    pub status: Option<String>,
    pub created_from: Option<i64>,
    pub created_to: Option<i64>,
    /// Only these kinds (empty: any).
    pub kinds: Vec<OrderKind>,
    /// Only these statuses (besides `status`; empty: any).
    pub statuses: Vec<OutboundStatus>,
    /// Orders holding this SKU.
    pub sku: Option<String>,
}

pub async fn list_orders(
    conn: &mut AnyConnection,
    scope: &ListScope,
    filter: &OutboundFilter,
    page: PageRequest,
) -> Result<(Vec<OutboundOrderRow>, i64), StoreError> {
    let mut f = Filter::default();
    f.scope(scope, "o.customer_id", "o.warehouse_id");
    if !filter.order_nos.is_empty() {
        f.and_in_texts("o.order_no", &filter.order_nos);
    }
    if !filter.references.is_empty() {
        f.and_in_texts("o.customer_reference", &filter.references);
    }
    if !filter.tracking_nos.is_empty() {
        f.and_in_texts("o.tracking_no", &filter.tracking_nos);
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
    if !filter.kinds.is_empty() {
        let kinds: Vec<String> = filter.kinds.iter().map(|k| k.as_str().to_owned()).collect();
        f.and_in_texts("o.order_kind", &kinds);
    }
    if !filter.statuses.is_empty() {
        let statuses: Vec<String> = filter.statuses.iter().map(|k| k.as_str().to_owned()).collect();
        f.and_in_texts("o.status", &statuses);
    }
    if let Some(sku) = &filter.sku {
        f.and(
            "EXISTS (SELECT 1 FROM outbound_line l JOIN product p ON p.product_id = l.product_id \
             WHERE l.outbound_order_id = o.outbound_order_id AND p.sku = ?)",
            [Arg::Text(sku.clone())],
        );
    }
    f.page(conn, ORDER_COLUMNS, ORDER_FROM, "o.created_at DESC, o.outbound_order_id DESC", page).await
}

#[derive(Debug, Clone, FromRow)]
pub struct OutboundLineRow {
    pub outbound_line_id: i64,
    pub line_no: i64,
    pub product_id: i64,
    pub sku: String,
    pub quantity: i64,
    pub kit_sku: Option<String>,
    pub reservation_id: i64,
    /// A whole sealed carton this line ships (B2B by box number).
    pub carton_id: Option<i64>,
}

/// The columns of [`OutboundLineRow`] and where they come from.
const LINE_SELECT: &str = "l.outbound_line_id, l.line_no, l.product_id, p.sku, l.quantity, l.kit_sku, \
     l.reservation_id, l.carton_id FROM outbound_line l JOIN product p ON p.product_id = l.product_id";

/// The line ships a whole sealed carton.
pub async fn set_line_carton(tx: &mut WriteTx, line_id: i64, carton_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE outbound_line SET carton_id = $1 WHERE outbound_line_id = $2")
        .bind(carton_id)
        .bind(line_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub async fn lines(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<OutboundLineRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {LINE_SELECT} WHERE l.outbound_order_id = $1 ORDER BY l.line_no"))
        .bind(order_id)
        .fetch_all(conn)
        .await?)
}

/// What changes with a step of an order (`None` keeps the value).
#[derive(Debug, Clone, Default)]
pub struct OrderChange<'a> {
    pub intercept_status: Option<&'a str>,
    pub intercept_reason: Option<&'a str>,
    pub exception_reason: Option<&'a str>,
    pub wave_id: Option<i64>,
    pub weight_g: Option<i64>,
    pub length_mm: Option<i64>,
    pub width_mm: Option<i64>,
    pub height_mm: Option<i64>,
    pub tracking_no: Option<&'a str>,
    pub carrier: Option<&'a str>,
    pub shipped_at: Option<i64>,
}

/// Moves the order from `from` to `to` with a compare-and-set on the
/// status and the intercept status it was read with.
pub async fn change_order(
    tx: &mut WriteTx,
    order: &OutboundOrderRow,
    to: &str,
    change: &OrderChange<'_>,
    now: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE outbound_order SET status = $1, intercept_status = COALESCE($2, intercept_status), \
         intercept_reason = COALESCE($3, intercept_reason), exception_reason = COALESCE($4, exception_reason), \
         wave_id = COALESCE($5, wave_id), weight_g = COALESCE($6, weight_g), length_mm = COALESCE($7, length_mm), \
         width_mm = COALESCE($8, width_mm), height_mm = COALESCE($9, height_mm), \
         tracking_no = COALESCE($10, tracking_no), carrier = COALESCE($11, carrier), \
         shipped_at = COALESCE($12, shipped_at), updated_at = $13 \
         WHERE outbound_order_id = $14 AND status = $15 AND COALESCE(intercept_status, '') = $16",
    )
    .bind(to)
    .bind(change.intercept_status)
    .bind(change.intercept_reason)
    .bind(change.exception_reason)
    .bind(change.wave_id)
    .bind(change.weight_g)
    .bind(change.length_mm)
    .bind(change.width_mm)
    .bind(change.height_mm)
    .bind(change.tracking_no)
    .bind(change.carrier)
    .bind(change.shipped_at)
    .bind(now)
    .bind(order.outbound_order_id)
    .bind(order.status.as_str())
    .bind(order.intercept_status.0.map(|s| s.as_str()).unwrap_or(""))
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict("outbound order changed concurrently".into()));
    }
    Ok(())
}

pub async fn add_event(
    tx: &mut WriteTx,
    order_id: i64,
    code: &str,
    description: &str,
    location: Option<&str>,
    occurred_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO shipment_event (outbound_order_id, code, description, location, occurred_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(order_id)
    .bind(code)
    .bind(description)
    .bind(location)
    .bind(occurred_at)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct ShipmentEventRow {
    pub code: String,
    pub description: String,
    pub location: Option<String>,
    pub occurred_at: i64,
}

pub async fn events(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<ShipmentEventRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT code, description, location, occurred_at FROM shipment_event WHERE outbound_order_id = $1 \
         ORDER BY occurred_at, created_at",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

/// CREATED orders of a warehouse a wave may take, oldest first.
#[derive(Debug, Clone, Default)]
pub struct WaveSelection {
    pub shipping_service_codes: Vec<String>,
    pub created_before: Option<i64>,
    pub limit: i64,
}

pub async fn waveable_orders(
    tx: &mut WriteTx,
    warehouse_id: i64,
    selection: &WaveSelection,
) -> Result<Vec<String>, StoreError> {
    let mut f = Filter::default();
    f.and("o.warehouse_id = ?", [Arg::Int(warehouse_id)]);
    f.and("o.status = 'CREATED'", []);
    f.and("o.intercept_status IS NULL", []);
    // Waves by rule are parcel waves; transfers and B2B orders are waved
    // by number (their cartons are packed at another bench).
    f.and("o.order_kind = 'PARCEL'", []);
    if !selection.shipping_service_codes.is_empty() {
        f.and_in_texts("ss.code", &selection.shipping_service_codes);
    }
    if let Some(t) = selection.created_before {
        f.and("o.created_at < ?", [Arg::Int(t)]);
    }
    let n = f.next_placeholder();
    let sql = format!(
        "SELECT o.order_no FROM {ORDER_FROM} {} ORDER BY o.created_at, o.outbound_order_id LIMIT ${n}",
        f.where_sql()
    );
    let rows: Vec<(String,)> = f.bind_as(sqlx::query_as(&sql)).bind(selection.limit).fetch_all(tx.conn()).await?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// Stock of a product at rack locations (STORAGE, PICK_FACE) with what
/// open allocations already hold there (and sealed cartons: a wave never
/// sends a picker into a closed carton).
#[derive(Debug, Clone, FromRow)]
pub struct SourceRow {
    pub location_id: i64,
    pub location_code: String,
    #[sqlx(try_from = "String")]
    pub location_type: LocationType,
    pub aisle: i64,
    pub y_mm: i64,
    pub lot_id: i64,
    pub inbound_at: i64,
    pub expiry_date: Option<String>,
    pub quantity: i64,
    pub allocated: i64,
}

pub async fn sources(tx: &mut WriteTx, warehouse_id: i64, product_id: i64) -> Result<Vec<SourceRow>, StoreError> {
    let sql = "SELECT b.location_id, l.code AS location_code, l.location_type, l.aisle, l.y_mm, b.lot_id, lot.inbound_at, \
         lot.expiry_date, b.quantity, CAST(COALESCE((SELECT SUM(a.quantity - a.picked) FROM allocation a \
         WHERE a.location_id = b.location_id AND a.lot_id = b.lot_id AND a.product_id = b.product_id \
         AND a.status = 'OPEN'), 0) AS BIGINT) \
         + CAST(COALESCE((SELECT SUM(c.units) FROM carton c WHERE c.location_id = b.location_id \
         AND c.lot_id = b.lot_id AND c.product_id = b.product_id AND c.condition = 'GOOD' \
         AND c.status IN ('SEALED', 'RESERVED')), 0) AS BIGINT) AS allocated \
         FROM stock_balance b JOIN location l ON l.location_id = b.location_id JOIN lot ON lot.lot_id = b.lot_id \
         WHERE b.warehouse_id = $1 AND b.product_id = $2 AND b.condition = 'GOOD' AND b.quantity > 0 \
         AND l.location_type IN ('STORAGE', 'PICK_FACE') AND l.status = 'ENABLED' ORDER BY l.code";
    Ok(sqlx::query_as(sql).bind(warehouse_id).bind(product_id).fetch_all(tx.conn()).await?)
}

/// Serialises the allocating commands of one warehouse (waves, short-pick
/// re-allocation) so that two never promise the same location stock. A
/// no-op on SQLite, whose write transactions are already exclusive.
pub async fn lock_warehouse(tx: &mut WriteTx, warehouse_id: i64) -> Result<(), StoreError> {
    let sql = format!("SELECT warehouse_id FROM warehouse WHERE warehouse_id = $1{}", lock_clause(tx.engine()));
    sqlx::query_scalar::<_, i64>(&sql).bind(warehouse_id).fetch_optional(tx.conn()).await?;
    Ok(())
}

pub async fn insert_wave(
    tx: &mut WriteTx,
    wave_no: &str,
    warehouse_id: i64,
    packing_location_id: i64,
    tote_capacity: i64,
    operator: &str,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO wave (wave_no, warehouse_id, packing_location_id, tote_capacity, operator, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING wave_id",
    )
    .bind(wave_no)
    .bind(warehouse_id)
    .bind(packing_location_id)
    .bind(tote_capacity)
    .bind(operator)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// The carts of a wave, `(seq, distance_mm)` each, in few statements;
/// their ids in the order given.
pub async fn insert_batches(
    tx: &mut WriteTx,
    wave_id: i64,
    batches: &[(i64, i64)],
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    let mut id_of_seq: HashMap<i64, i64> = HashMap::with_capacity(batches.len());
    for chunk in batches.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("($1, ${}, ${}, $2)", 2 * i + 3, 2 * i + 4)).collect();
        let sql = format!(
            "INSERT INTO pick_batch (wave_id, seq, distance_mm, created_at) VALUES {} RETURNING seq, pick_batch_id",
            values.join(", ")
        );
        let mut q = sqlx::query_as::<_, (i64, i64)>(&sql).bind(wave_id).bind(now);
        for (seq, distance_mm) in chunk {
            q = q.bind(*seq).bind(*distance_mm);
        }
        id_of_seq.extend(q.fetch_all(tx.conn()).await?);
    }
    batches
        .iter()
        .map(|(seq, _)| id_of_seq.get(seq).copied().ok_or(StoreError::Database(sqlx::Error::RowNotFound)))
        .collect()
}

pub async fn set_batch_distance(tx: &mut WriteTx, batch_id: i64, distance_mm: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE pick_batch SET distance_mm = $1 WHERE pick_batch_id = $2")
        .bind(distance_mm)
        .bind(batch_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

pub struct NewAllocation {
    pub order_id: i64,
    pub line_id: i64,
    pub batch_id: i64,
    pub product_id: i64,
    pub location_id: i64,
    pub lot_id: i64,
    pub quantity: i64,
    pub route_seq: i64,
}

/// Rows per multi-row INSERT of a wave's carts and allocations: far below
/// SQLite's and PostgreSQL's limits on bound values per statement, and
/// measured faster than 500 through sqlx on SQLite.
const ROWS_PER_INSERT: usize = 100;

/// Many allocations in multi-row statements (a wave writes thousands).
pub async fn insert_allocations(tx: &mut WriteTx, rows: &[NewAllocation], now: i64) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = String::from(
            "INSERT INTO allocation (outbound_order_id, outbound_line_id, pick_batch_id, product_id, location_id, \
             lot_id, quantity, picked, status, route_seq, created_at, updated_at) VALUES ",
        );
        for (i, _) in chunk.iter().enumerate() {
            let b = i * 8;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, 0, 'OPEN', ${}, $1, $1)",
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9
            ));
        }
        let mut q = sqlx::query(&sql).bind(now);
        for a in chunk {
            q = q
                .bind(a.order_id)
                .bind(a.line_id)
                .bind(a.batch_id)
                .bind(a.product_id)
                .bind(a.location_id)
                .bind(a.lot_id)
                .bind(a.quantity)
                .bind(a.route_seq);
        }
        q.execute(tx.conn()).await?;
    }
    Ok(())
}

/// CREATED orders join a wave; all of them or a conflict.
pub async fn mark_waved(tx: &mut WriteTx, order_ids: &[i64], wave_id: i64, now: i64) -> Result<(), StoreError> {
    for chunk in order_ids.chunks(500) {
        let mut f = Filter::default();
        f.and_in_ints("outbound_order_id", chunk);
        f.and("status = 'CREATED' AND intercept_status IS NULL", []);
        let n = f.next_placeholder();
        let sql = format!(
            "UPDATE outbound_order SET status = 'WAVED', wave_id = ${n}, updated_at = ${} {}",
            n + 1,
            f.where_sql()
        );
        // Bind the filter's values first (they hold $1..), then ours.
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        let done = q.bind(wave_id).bind(now).execute(tx.conn()).await?;
        if done.rows_affected() != chunk.len() as u64 {
            return Err(StoreError::Conflict("an order of the wave changed concurrently".into()));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct AllocationRow {
    /// What a pick list shows of it.
    #[sqlx(flatten)]
    pub stop: RouteStopRow,
    pub allocation_id: i64,
    pub outbound_order_id: i64,
    pub outbound_line_id: i64,
    pub product_id: i64,
    pub location_id: i64,
    pub aisle: i64,
    pub y_mm: i64,
    pub lot_id: i64,
    /// 1: picks and packs scan a serial number per unit.
    pub serial_managed: i64,
}

/// A stop of a cart's route as a pick list shows it: the part of an
/// [`AllocationRow`] a picker reads and no more. A 10,000-order wave
/// answers 30,000 of them; read as whole allocations they took 0.1 s more
/// of a 1.7 s release on SQLite (2026-12-02, alternated runs).
#[derive(Debug, Clone, FromRow)]
pub struct RouteStopRow {
    pub pick_batch_id: i64,
    pub order_no: String,
    pub sku: String,
    pub barcode: String,
    pub location_code: String,
    pub lot_code: String,
    pub quantity: i64,
    pub picked: i64,
    #[sqlx(try_from = "String")]
    pub status: AllocationStatus,
    pub route_seq: i64,
    pub tote: Option<String>,
}

/// The columns of [`RouteStopRow`], as a literal so that
/// [`ALLOCATION_COLUMNS`] can add to it (`concat!` takes only literals).
macro_rules! route_stop_columns {
    () => {
        "a.pick_batch_id, o.order_no, p.sku, p.barcode, l.code AS location_code, lot.lot_code, a.quantity, \
         a.picked, a.status, a.route_seq, a.tote"
    };
}

const ROUTE_STOP_COLUMNS: &str = route_stop_columns!();

/// An [`AllocationRow`]'s columns: its route stop's and the rest.
const ALLOCATION_COLUMNS: &str = concat!(
    route_stop_columns!(),
    ", a.allocation_id, a.outbound_order_id, a.outbound_line_id, a.product_id, a.location_id, l.aisle, l.y_mm, \
     a.lot_id, p.serial_managed"
);

/// Which allocations to read, in route order.
#[derive(Debug, Clone, Copy)]
enum AllocationsOf {
    Order(i64),
    Batch(i64),
    Wave(i64),
}

/// Allocations with their order, product, location and lot, as rows of
/// `R` whose fields are `columns`.
async fn allocation_rows<R>(conn: &mut AnyConnection, columns: &str, of: AllocationsOf) -> Result<Vec<R>, StoreError>
where
    R: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let (filter, id) = match of {
        AllocationsOf::Order(id) => ("WHERE a.outbound_order_id = $1 ORDER BY a.route_seq, a.allocation_id", id),
        AllocationsOf::Batch(id) => ("WHERE a.pick_batch_id = $1 ORDER BY a.route_seq, a.allocation_id", id),
        AllocationsOf::Wave(id) => (
            "JOIN pick_batch b ON b.pick_batch_id = a.pick_batch_id WHERE b.wave_id = $1 \
             ORDER BY a.pick_batch_id, a.route_seq, a.allocation_id",
            id,
        ),
    };
    Ok(sqlx::query_as(&format!(
        "SELECT {columns} FROM allocation a JOIN outbound_order o ON o.outbound_order_id = a.outbound_order_id \
         JOIN product p ON p.product_id = a.product_id JOIN location l ON l.location_id = a.location_id \
         JOIN lot ON lot.lot_id = a.lot_id {filter}"
    ))
    .bind(id)
    .fetch_all(conn)
    .await?)
}

pub async fn allocations_of_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<AllocationRow>, StoreError> {
    allocation_rows(conn, ALLOCATION_COLUMNS, AllocationsOf::Order(order_id)).await
}

pub async fn allocations_of_batch(conn: &mut AnyConnection, batch_id: i64) -> Result<Vec<AllocationRow>, StoreError> {
    allocation_rows(conn, ALLOCATION_COLUMNS, AllocationsOf::Batch(batch_id)).await
}

/// The route of one cart (its pick list).
pub async fn route_of_batch(conn: &mut AnyConnection, batch_id: i64) -> Result<Vec<RouteStopRow>, StoreError> {
    allocation_rows(conn, ROUTE_STOP_COLUMNS, AllocationsOf::Batch(batch_id)).await
}

/// The route of every cart of a wave, by cart (a wave's answer).
pub async fn route_of_wave(conn: &mut AnyConnection, wave_id: i64) -> Result<Vec<RouteStopRow>, StoreError> {
    allocation_rows(conn, ROUTE_STOP_COLUMNS, AllocationsOf::Wave(wave_id)).await
}

/// Records picked units on an allocation (compare-and-set on what was read).
pub async fn update_allocation(
    tx: &mut WriteTx,
    a: &AllocationRow,
    picked: i64,
    status: &str,
    tote: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE allocation SET picked = $1, status = $2, tote = COALESCE($3, tote), updated_at = $4 \
         WHERE allocation_id = $5 AND picked = $6 AND status = $7",
    )
    .bind(picked)
    .bind(status)
    .bind(tote)
    .bind(now)
    .bind(a.allocation_id)
    .bind(a.stop.picked)
    .bind(a.stop.status.as_str())
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict("allocation changed concurrently".into()));
    }
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct BatchRow {
    pub pick_batch_id: i64,
    pub wave_id: i64,
    pub wave_no: String,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub packing_location_id: i64,
    pub packing_location_code: String,
    pub seq: i64,
    pub distance_mm: i64,
}

const BATCH_SELECT: &str = "SELECT b.pick_batch_id, b.wave_id, v.wave_no, v.warehouse_id, \
     w.code AS warehouse_code, v.packing_location_id, l.code AS packing_location_code, b.seq, b.distance_mm \
     FROM pick_batch b JOIN wave v ON v.wave_id = b.wave_id JOIN warehouse w ON w.warehouse_id = v.warehouse_id \
     JOIN location l ON l.location_id = v.packing_location_id";

pub async fn find_batch(conn: &mut AnyConnection, batch_id: i64) -> Result<Option<BatchRow>, StoreError> {
    Ok(sqlx::query_as(&format!("{BATCH_SELECT} WHERE b.pick_batch_id = $1"))
        .bind(batch_id)
        .fetch_optional(conn)
        .await?)
}

/// The packing location of the wave an order is in.
pub async fn packing_place_of_wave(
    conn: &mut AnyConnection,
    wave_id: i64,
) -> Result<Option<(i64, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT v.packing_location_id, l.code FROM wave v JOIN location l ON l.location_id = v.packing_location_id \
         WHERE v.wave_id = $1",
    )
    .bind(wave_id)
    .fetch_optional(conn)
    .await?)
}

/// The carts of a wave, in order.
pub async fn batches_of_wave(conn: &mut AnyConnection, wave_no: &str) -> Result<Vec<BatchRow>, StoreError> {
    Ok(sqlx::query_as(&format!("{BATCH_SELECT} WHERE v.wave_no = $1 ORDER BY b.seq"))
        .bind(wave_no)
        .fetch_all(conn)
        .await?)
}

/// A short allocation: what was picked becomes its quantity, status SHORT.
pub async fn shorten_allocation(
    tx: &mut WriteTx,
    a: &AllocationRow,
    picked: i64,
    tote: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    // A short with nothing picked leaves no units to hold: quantity must
    // stay positive, so the row keeps 1 and is marked SHORT with picked 0.
    let done = sqlx::query(
        "UPDATE allocation SET quantity = CASE WHEN $1 > 0 THEN $1 ELSE quantity END, picked = $1, \
         status = 'SHORT', tote = COALESCE($2, tote), updated_at = $3 \
         WHERE allocation_id = $4 AND picked = $5 AND status = $6",
    )
    .bind(picked)
    .bind(tote)
    .bind(now)
    .bind(a.allocation_id)
    .bind(a.stop.picked)
    .bind(a.stop.status.as_str())
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict("allocation changed concurrently".into()));
    }
    Ok(())
}

/// (on hand GOOD, reserved GOOD, on hand of other conditions) of a product
/// in a warehouse.
pub async fn stock_totals(tx: &mut WriteTx, warehouse_id: i64, product_id: i64) -> Result<(i64, i64, i64), StoreError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT condition, on_hand, reserved FROM stock_summary WHERE warehouse_id = $1 AND product_id = $2",
    )
    .bind(warehouse_id)
    .bind(product_id)
    .fetch_all(tx.conn())
    .await?;
    let mut out = (0, 0, 0);
    for (condition, on_hand, reserved) in rows {
        if condition == "GOOD" {
            out.0 += on_hand;
            out.1 += reserved;
        } else {
            out.2 += on_hand;
        }
    }
    Ok(out)
}

// ------------------------------------------------------- cartons (B2B, transfers)

/// A carton plan line as stored: `boxes` cartons of `units_per_box`.
#[derive(Debug, Clone, FromRow)]
pub struct CartonPlanRow {
    pub product_id: i64,
    pub sku: String,
    pub units_per_box: i64,
    pub boxes: i64,
}

pub async fn insert_carton_plan(
    tx: &mut WriteTx,
    order_id: i64,
    product_id: i64,
    units_per_box: i64,
    boxes: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO carton_plan (outbound_order_id, product_id, units_per_box, boxes) VALUES ($1, $2, $3, $4)",
    )
    .bind(order_id)
    .bind(product_id)
    .bind(units_per_box)
    .bind(boxes)
    .execute(tx.conn())
    .await?;
    Ok(())
}

pub async fn carton_plan(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<CartonPlanRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT cp.product_id, p.sku, cp.units_per_box, cp.boxes FROM carton_plan cp \
         JOIN product p ON p.product_id = cp.product_id WHERE cp.outbound_order_id = $1 \
         ORDER BY p.sku, cp.units_per_box",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

/// A packed carton's measures.
#[derive(Debug, Clone, Copy)]
pub struct NewOutboundBox {
    pub seq: i64,
    pub weight_g: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
}

pub async fn insert_box(
    tx: &mut WriteTx,
    order_id: i64,
    scan_code: &str,
    b: NewOutboundBox,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO outbound_box (outbound_order_id, seq, scan_code, weight_g, length_mm, width_mm, height_mm, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING outbound_box_id",
    )
    .bind(order_id)
    .bind(b.seq)
    .bind(scan_code)
    .bind(b.weight_g)
    .bind(b.length_mm)
    .bind(b.width_mm)
    .bind(b.height_mm)
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

pub async fn insert_box_line(tx: &mut WriteTx, box_id: i64, product_id: i64, quantity: i64) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO outbound_box_line (outbound_box_id, product_id, quantity) VALUES ($1, $2, $3)")
        .bind(box_id)
        .bind(product_id)
        .bind(quantity)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// One SKU of a packed carton (a carton with two SKUs has two rows).
#[derive(Debug, Clone, FromRow)]
pub struct OutboundBoxRow {
    pub seq: i64,
    pub scan_code: String,
    pub weight_g: i64,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub product_id: i64,
    pub sku: String,
    pub quantity: i64,
}

pub async fn boxes_of_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<OutboundBoxRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT b.seq, b.scan_code, b.weight_g, b.length_mm, b.width_mm, b.height_mm, bl.product_id, p.sku, \
         bl.quantity FROM outbound_box b JOIN outbound_box_line bl ON bl.outbound_box_id = b.outbound_box_id \
         JOIN product p ON p.product_id = bl.product_id WHERE b.outbound_order_id = $1 ORDER BY b.seq, p.sku",
    )
    .bind(order_id)
    .fetch_all(conn)
    .await?)
}

/// A shipped transfer names its receiving leg.
pub async fn set_inbound_leg(tx: &mut WriteTx, order_id: i64, inbound_order_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE outbound_order SET inbound_order_id = $1 WHERE outbound_order_id = $2")
        .bind(inbound_order_id)
        .bind(order_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The transfer whose receiving leg is this inbound order.
pub async fn transfer_of_leg(tx: &mut WriteTx, inbound_order_id: i64) -> Result<Option<OutboundOrderRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {ORDER_COLUMNS} FROM {ORDER_FROM} WHERE o.inbound_order_id = $1"))
        .bind(inbound_order_id)
        .fetch_optional(tx.conn())
        .await?)
}
