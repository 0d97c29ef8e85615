//! Warehouses, their shipping services and locations.

use sqlx::{AnyConnection, FromRow};

use haicang_core::location::LocationType;
use haicang_core::status::Availability;

use crate::{Arg, Filter, PageRequest, StoreError};

#[derive(Debug, Clone, FromRow)]
pub struct WarehouseRow {
    pub warehouse_id: i64,
    pub code: String,
    pub name: String,
    pub country: String,
    pub timezone: String,
    pub address: String,
    #[sqlx(try_from = "String")]
    pub status: Availability,
    pub accepting_orders: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct ShippingServiceRow {
    pub code: String,
    pub name: String,
    pub carrier: String,
    #[sqlx(try_from = "String")]
    pub status: Availability,
}

#[derive(Debug, Clone, FromRow)]
pub struct LocationRow {
    pub location_id: i64,
    pub warehouse_code: String,
    pub code: String,
    pub zone: String,
    pub aisle: i64,
    pub bay: i64,
    pub level: i64,
    #[sqlx(try_from = "String")]
    pub location_type: LocationType,
    pub x_mm: i64,
    pub y_mm: i64,
    pub block: i64,
    pub capacity_volume_cm3: Option<i64>,
    pub capacity_weight_g: Option<i64>,
    pub restriction: Option<String>,
    pub single_sku: i64,
    #[sqlx(try_from = "String")]
    pub status: Availability,
}

pub struct NewWarehouse<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub country: &'a str,
    pub timezone: &'a str,
    pub address: &'a str,
}

#[derive(Debug, Clone)]
pub struct NewLocation {
    pub code: String,
    pub zone: String,
    pub aisle: i64,
    pub bay: i64,
    pub level: i64,
    pub location_type: String,
    pub x_mm: i64,
    pub y_mm: i64,
    pub block: i64,
    pub capacity_volume_cm3: Option<i64>,
    pub capacity_weight_g: Option<i64>,
    /// BATTERY or LIQUID: only such goods may go there.
    pub restriction: Option<String>,
    pub single_sku: bool,
}

#[derive(Debug, Clone, Default)]
pub struct LocationFilter {
    pub warehouse_code: Option<String>,
    pub zone: Option<String>,
    pub location_type: Option<String>,
    pub code_prefix: Option<String>,
}

pub async fn insert_warehouse(conn: &mut AnyConnection, w: NewWarehouse<'_>, now: i64) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO warehouse (code, name, country, timezone, address, status, accepting_orders, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'ENABLED', 1, $6, $6) RETURNING warehouse_id",
    )
    .bind(w.code)
    .bind(w.name)
    .bind(w.country)
    .bind(w.timezone)
    .bind(w.address)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// A warehouse row's columns (a macro: literals concatenate at compile time).
macro_rules! warehouse_fields {
    () => {
        "warehouse_id, code, name, country, timezone, address, status, accepting_orders"
    };
}
const WAREHOUSE_COLUMNS: &str = concat!(warehouse_fields!(), " FROM warehouse");

pub async fn list_warehouses(conn: &mut AnyConnection) -> Result<Vec<WarehouseRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {WAREHOUSE_COLUMNS} ORDER BY code")).fetch_all(conn).await?)
}

pub async fn find_warehouse(conn: &mut AnyConnection, code: &str) -> Result<Option<WarehouseRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {WAREHOUSE_COLUMNS} WHERE code = $1")).bind(code).fetch_optional(conn).await?)
}

/// The warehouse of this code and whether it is granted to the customer,
/// in one read (a seller's every order needs both).
pub async fn find_warehouse_granted(
    conn: &mut AnyConnection,
    code: &str,
    customer_id: i64,
) -> Result<Option<(WarehouseRow, bool)>, StoreError> {
    #[derive(FromRow)]
    struct Granted {
        #[sqlx(flatten)]
        warehouse: WarehouseRow,
        granted: i64,
    }
    let row: Option<Granted> = sqlx::query_as(concat!(
        "SELECT ",
        warehouse_fields!(),
        ", CAST(CASE WHEN EXISTS (SELECT 1 FROM customer_warehouse cw WHERE cw.customer_id = $2 \
         AND cw.warehouse_id = warehouse.warehouse_id) THEN 1 ELSE 0 END AS BIGINT) AS granted \
         FROM warehouse WHERE code = $1"
    ))
    .bind(code)
    .bind(customer_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.warehouse, r.granted == 1)))
}

pub async fn insert_shipping_service(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    code: &str,
    name: &str,
    carrier: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO shipping_service (warehouse_id, code, name, carrier, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'ENABLED', $5, $5)",
    )
    .bind(warehouse_id)
    .bind(code)
    .bind(name)
    .bind(carrier)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn list_shipping_services(
    conn: &mut AnyConnection,
    warehouse_id: i64,
) -> Result<Vec<ShippingServiceRow>, StoreError> {
    Ok(sqlx::query_as("SELECT code, name, carrier, status FROM shipping_service WHERE warehouse_id = $1 ORDER BY code")
        .bind(warehouse_id)
        .fetch_all(conn)
        .await?)
}

/// Inserts or updates locations by code (an import may be re-run).
pub async fn upsert_locations(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    locations: &[NewLocation],
    now: i64,
) -> Result<(), StoreError> {
    for l in locations {
        sqlx::query(
            "INSERT INTO location (warehouse_id, code, zone, aisle, bay, level, location_type, x_mm, y_mm, block, \
             capacity_volume_cm3, capacity_weight_g, restriction, single_sku, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $14, $15, 'ENABLED', $13, $13) \
             ON CONFLICT (warehouse_id, code) DO UPDATE SET zone = excluded.zone, aisle = excluded.aisle, \
             bay = excluded.bay, level = excluded.level, location_type = excluded.location_type, \
             x_mm = excluded.x_mm, y_mm = excluded.y_mm, block = excluded.block, \
             capacity_volume_cm3 = excluded.capacity_volume_cm3, capacity_weight_g = excluded.capacity_weight_g, \
             restriction = excluded.restriction, single_sku = excluded.single_sku, updated_at = excluded.updated_at",
        )
        .bind(warehouse_id)
        .bind(&l.code)
        .bind(&l.zone)
        .bind(l.aisle)
        .bind(l.bay)
        .bind(l.level)
        .bind(&l.location_type)
        .bind(l.x_mm)
        .bind(l.y_mm)
        .bind(l.block)
        .bind(l.capacity_volume_cm3)
        .bind(l.capacity_weight_g)
        .bind(now)
        .bind(&l.restriction)
        .bind(i64::from(l.single_sku))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

const LOCATION_COLUMNS: &str = "l.location_id, w.code AS warehouse_code, l.code, l.zone, l.aisle, l.bay, \
     l.level, l.location_type, l.x_mm, l.y_mm, l.block, l.capacity_volume_cm3, l.capacity_weight_g, l.restriction, l.single_sku, l.status";
const LOCATION_FROM: &str = "location l JOIN warehouse w ON w.warehouse_id = l.warehouse_id";

pub async fn find_location(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    code: &str,
) -> Result<Option<LocationRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LOCATION_COLUMNS} FROM {LOCATION_FROM} WHERE l.warehouse_id = $1 AND l.code = $2"
    ))
    .bind(warehouse_id)
    .bind(code)
    .fetch_optional(conn)
    .await?)
}

/// Locations, limited to `warehouse_ids` when given (staff limited to
/// warehouses).
pub async fn list_locations(
    conn: &mut AnyConnection,
    warehouse_ids: Option<&[i64]>,
    filter: &LocationFilter,
    page: PageRequest,
) -> Result<(Vec<LocationRow>, i64), StoreError> {
    let mut f = Filter::default();
    f.and_warehouses("l.warehouse_id", warehouse_ids);
    if let Some(w) = &filter.warehouse_code {
        f.and("w.code = ?", [Arg::Text(w.clone())]);
    }
    if let Some(z) = &filter.zone {
        f.and("l.zone = ?", [Arg::Text(z.clone())]);
    }
    if let Some(t) = &filter.location_type {
        f.and("l.location_type = ?", [Arg::Text(t.clone())]);
    }
    if let Some(p) = &filter.code_prefix {
        f.and("l.code LIKE ? ESCAPE '\\'", [Arg::Text(format!("{}%", crate::db::like_escape(p)))]);
    }
    let (rows, total) = f.page(conn, LOCATION_COLUMNS, LOCATION_FROM, "w.code, l.code", page).await?;
    Ok((rows, total))
}

/// Every enabled location of a warehouse (the putaway planner's building).
pub async fn enabled_locations(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Vec<LocationRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LOCATION_COLUMNS} FROM {LOCATION_FROM} WHERE l.warehouse_id = $1 AND l.status = 'ENABLED' \
         ORDER BY l.code"
    ))
    .bind(warehouse_id)
    .fetch_all(conn)
    .await?)
}

/// The first enabled location of a type, by code (e.g. the default dock).
/// A location by id (one the caller already holds a reference to).
pub async fn location_by_id(conn: &mut AnyConnection, location_id: i64) -> Result<LocationRow, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {LOCATION_COLUMNS} FROM {LOCATION_FROM} WHERE l.location_id = $1"))
        .bind(location_id)
        .fetch_one(conn)
        .await?)
}

pub async fn first_of_type(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    location_type: &str,
) -> Result<Option<LocationRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {LOCATION_COLUMNS} FROM {LOCATION_FROM} WHERE l.warehouse_id = $1 AND l.location_type = $2 \
         AND l.status = 'ENABLED' ORDER BY l.code LIMIT 1"
    ))
    .bind(warehouse_id)
    .bind(location_type)
    .fetch_optional(conn)
    .await?)
}

/// A warehouse's shipping service by code: (id, status, carrier).
/// The warehouse's first enabled shipping service (by code).
pub async fn first_enabled_service(conn: &mut AnyConnection, warehouse_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT shipping_service_id FROM shipping_service WHERE warehouse_id = $1 AND status = 'ENABLED' \
         ORDER BY code LIMIT 1",
    )
    .bind(warehouse_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn find_shipping_service(
    conn: &mut AnyConnection,
    warehouse_id: i64,
    code: &str,
) -> Result<Option<(i64, String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT shipping_service_id, status, carrier FROM shipping_service WHERE warehouse_id = $1 AND code = $2",
    )
    .bind(warehouse_id)
    .bind(code)
    .fetch_optional(conn)
    .await?)
}
