//! Sealed cartons (licence plates) over the ledger's balances: which units
//! at a location are closed in a carton. Stock itself moves only through
//! [`crate::stock`]; this module keeps the cartons' rows in step.

use sqlx::{AnyConnection, FromRow};

use haicang_core::ledger::Condition;
use haicang_core::transfers::CartonStatus;

use crate::{Arg, Filter, PageRequest, StoreError, WriteTx};

/// Statuses whose units are closed to ordinary takes (spliced from core's
/// rule, never from input).
fn holding() -> String {
    let s: Vec<String> =
        CartonStatus::ALL.iter().filter(|s| s.holds_units()).map(|s| format!("'{}'", s.as_str())).collect();
    s.join(", ")
}

#[derive(Debug, Clone, FromRow)]
pub struct CartonRow {
    pub carton_id: i64,
    pub lpn: String,
    pub customer_id: i64,
    pub warehouse_id: i64,
    pub warehouse_code: String,
    pub product_id: i64,
    pub sku: String,
    pub lot_id: i64,
    pub lot_code: String,
    #[sqlx(try_from = "String")]
    pub condition: Condition,
    pub location_id: i64,
    pub location_code: String,
    pub units: i64,
    pub weight_g: Option<i64>,
    pub length_mm: Option<i64>,
    pub width_mm: Option<i64>,
    pub height_mm: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: CartonStatus,
    pub outbound_order_id: Option<i64>,
    pub origin_document_no: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "c.carton_id, c.lpn, c.customer_id, c.warehouse_id, w.code AS warehouse_code, c.product_id, \
     p.sku, c.lot_id, lot.lot_code, c.condition, c.location_id, l.code AS location_code, c.units, \
     c.weight_g, c.length_mm, c.width_mm, c.height_mm, c.status, \
     c.outbound_order_id, c.origin_document_no, c.created_at, c.updated_at";
const FROM: &str = "carton c JOIN warehouse w ON w.warehouse_id = c.warehouse_id \
     JOIN product p ON p.product_id = c.product_id JOIN lot ON lot.lot_id = c.lot_id \
     JOIN location l ON l.location_id = c.location_id";

pub struct NewCarton<'a> {
    pub lpn: &'a str,
    pub customer_id: i64,
    pub warehouse_id: i64,
    pub product_id: i64,
    pub lot_id: i64,
    pub condition: Condition,
    pub location_id: i64,
    pub units: i64,
    /// (weight g, length, width, height mm), when known.
    pub measures: Option<(i64, i64, i64, i64)>,
    pub origin_document_no: &'a str,
}

pub async fn insert(tx: &mut WriteTx, c: &NewCarton<'_>, now: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO carton (lpn, customer_id, warehouse_id, product_id, lot_id, condition, location_id, units, \
         status, origin_document_no, created_at, updated_at, weight_g, length_mm, width_mm, height_mm) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13, $14, $15) RETURNING carton_id",
    )
    .bind(c.lpn)
    .bind(c.customer_id)
    .bind(c.warehouse_id)
    .bind(c.product_id)
    .bind(c.lot_id)
    .bind(c.condition.as_str())
    .bind(c.location_id)
    .bind(c.units)
    .bind(CartonStatus::Sealed.as_str())
    .bind(c.origin_document_no)
    .bind(now)
    .bind(c.measures.map(|m| m.0))
    .bind(c.measures.map(|m| m.1))
    .bind(c.measures.map(|m| m.2))
    .bind(c.measures.map(|m| m.3))
    .fetch_one(tx.conn())
    .await?)
}

/// A carton received sealed: a new licence plate, or one that left sealed
/// (a transfer's carton) and arrives under the same number — then it is
/// the same carton, now here.
pub async fn receive_sealed(tx: &mut WriteTx, c: &NewCarton<'_>, now: i64) -> Result<i64, StoreError> {
    let existing: Option<(i64, i64, String)> =
        sqlx::query_as("SELECT carton_id, customer_id, status FROM carton WHERE lpn = $1")
            .bind(c.lpn)
            .fetch_optional(tx.conn())
            .await?;
    match existing {
        None => insert(tx, c, now).await,
        Some((id, customer, status)) if customer == c.customer_id && status == CartonStatus::Shipped.as_str() => {
            sqlx::query(
                "UPDATE carton SET warehouse_id = $1, location_id = $2, lot_id = $3, units = $4, status = $5, \
                 outbound_order_id = NULL, origin_document_no = $6, updated_at = $7 WHERE carton_id = $8",
            )
            .bind(c.warehouse_id)
            .bind(c.location_id)
            .bind(c.lot_id)
            .bind(c.units)
            .bind(CartonStatus::Sealed.as_str())
            .bind(c.origin_document_no)
            .bind(now)
            .bind(id)
            .execute(tx.conn())
            .await?;
            Ok(id)
        }
        Some(_) => Err(StoreError::Duplicate(format!("carton {} exists", c.lpn))),
    }
}

/// Units sealed at a place (a location, product, lot and condition).
pub async fn sealed_units(
    conn: &mut AnyConnection,
    location_id: i64,
    product_id: i64,
    lot_id: i64,
    condition: Condition,
) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(units), 0) AS BIGINT) FROM carton WHERE location_id = $1 AND product_id = $2 \
         AND lot_id = $3 AND condition = $4 AND status IN ({})",
        holding()
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(location_id)
        .bind(product_id)
        .bind(lot_id)
        .bind(condition.as_str())
        .fetch_one(conn)
        .await?)
}

#[allow(clippy::too_many_arguments)]
/// `q` units of a lot move from one location to another: whole sealed
/// cartons there travel with them, the largest first, while they fit in
/// `q`. Returns the units that travelled in cartons.
pub async fn follow(
    tx: &mut WriteTx,
    product_id: i64,
    lot_id: i64,
    condition: Condition,
    from: i64,
    to: i64,
    q: i64,
    now: i64,
) -> Result<i64, StoreError> {
    let sql = format!(
        "SELECT carton_id, units FROM carton WHERE location_id = $1 AND product_id = $2 AND lot_id = $3 \
         AND condition = $4 AND status IN ({}) ORDER BY units DESC, carton_id",
        holding()
    );
    let cartons: Vec<(i64, i64)> = sqlx::query_as(&sql)
        .bind(from)
        .bind(product_id)
        .bind(lot_id)
        .bind(condition.as_str())
        .fetch_all(tx.conn())
        .await?;
    let mut moved = 0;
    for (id, units) in cartons {
        if moved + units > q {
            continue;
        }
        sqlx::query("UPDATE carton SET location_id = $1, updated_at = $2 WHERE carton_id = $3")
            .bind(to)
            .bind(now)
            .bind(id)
            .execute(tx.conn())
            .await?;
        moved += units;
    }
    Ok(moved)
}

/// A carton by licence plate, locked for a change on PostgreSQL;
/// `customer_id` scopes a seller's look-up.
pub async fn find(
    conn: &mut AnyConnection,
    lpn: &str,
    customer_id: Option<i64>,
) -> Result<Option<CartonRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM {FROM} WHERE c.lpn = $1 AND ($2 = 0 OR c.customer_id = $2)"))
        .bind(lpn)
        .bind(customer_id.unwrap_or(0))
        .fetch_optional(conn)
        .await?)
}

pub async fn by_id(conn: &mut AnyConnection, carton_id: i64) -> Result<Option<CartonRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM {FROM} WHERE c.carton_id = $1"))
        .bind(carton_id)
        .fetch_optional(conn)
        .await?)
}

/// A status change with a compare-and-set on the status read.
pub async fn set_status(
    tx: &mut WriteTx,
    carton: &CartonRow,
    status: CartonStatus,
    order_id: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    let done = sqlx::query(
        "UPDATE carton SET status = $1, outbound_order_id = $2, updated_at = $3 WHERE carton_id = $4 AND status = $5",
    )
    .bind(status.as_str())
    .bind(order_id)
    .bind(now)
    .bind(carton.carton_id)
    .bind(carton.status.as_str())
    .execute(tx.conn())
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!("carton {} changed", carton.lpn)));
    }
    Ok(())
}

pub async fn set_location(tx: &mut WriteTx, carton_id: i64, location_id: i64, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE carton SET location_id = $1, updated_at = $2 WHERE carton_id = $3")
        .bind(location_id)
        .bind(now)
        .bind(carton_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The cartons an order ships whole.
pub async fn of_order(conn: &mut AnyConnection, order_id: i64) -> Result<Vec<CartonRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM {FROM} WHERE c.outbound_order_id = $1 ORDER BY c.lpn"))
        .bind(order_id)
        .fetch_all(conn)
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct CartonFilter {
    pub warehouse_codes: Vec<String>,
    pub skus: Vec<String>,
    pub lpns: Vec<String>,
    /// None: cartons still in stock (sealed, reserved, allocated).
    pub status: Option<CartonStatus>,
}

/// A seller's cartons (or, without `customer_id`, a warehouse's).
pub async fn list(
    conn: &mut AnyConnection,
    customer_id: Option<i64>,
    filter: &CartonFilter,
    page: PageRequest,
) -> Result<(Vec<CartonRow>, i64), StoreError> {
    let mut f = Filter::default();
    if let Some(c) = customer_id {
        f.and("c.customer_id = ?", [Arg::Int(c)]);
    }
    if !filter.warehouse_codes.is_empty() {
        f.and_in_texts("w.code", &filter.warehouse_codes);
    }
    if !filter.skus.is_empty() {
        f.and_in_texts("p.sku", &filter.skus);
    }
    if !filter.lpns.is_empty() {
        f.and_in_texts("c.lpn", &filter.lpns);
    }
    match filter.status {
        Some(s) => f.and("c.status = ?", [Arg::Text(s.as_str().to_owned())]),
        None => f.and("c.status IN ('SEALED', 'RESERVED', 'ALLOCATED')", []),
    };
    f.page(conn, COLUMNS, FROM, "w.code, p.sku, c.lpn", page).await
}
