//! Products of a customer. Every query here is scoped by `customer_id`.

use sqlx::{AnyConnection, FromRow};

use haicang_core::product::{ProductKind, ProductSpec, ProductStatus, ProductType};

use crate::{Arg, Filter, PageRequest, StoreError};

#[derive(Debug, Clone, FromRow)]
pub struct ProductRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub barcode: String,
    #[sqlx(try_from = "String")]
    pub product_type: ProductType,
    pub units_per_box: Option<i64>,
    pub length_um: Option<i64>,
    pub width_um: Option<i64>,
    pub height_um: Option<i64>,
    pub weight_mg: Option<i64>,
    pub declared_name_en: Option<String>,
    pub declared_name_zh: Option<String>,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub declared_value_micros: Option<i64>,
    pub declared_currency: Option<String>,
    pub declared_attribute: Option<String>,
    pub is_battery: i64,
    pub is_liquid: i64,
    pub is_magnetic: i64,
    pub is_fragile: i64,
    pub serial_managed: i64,
    pub batch_managed: i64,
    #[sqlx(try_from = "String")]
    pub status: ProductStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct ComponentRow {
    pub product_id: i64,
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub sku: Option<String>,
    pub name: Option<String>,
    pub barcode: Option<String>,
    pub status: Option<String>,
}

const PRODUCT_COLUMNS: &str = "product_id, sku, name, barcode, product_type, units_per_box, length_um, width_um, \
     height_um, weight_mg, declared_name_en, declared_name_zh, hs_code, origin_country, declared_value_micros, \
     declared_currency, declared_attribute, is_battery, is_liquid, is_magnetic, is_fragile, serial_managed, \
     batch_managed, status, created_at, updated_at";

fn units_per_box(spec: &ProductSpec) -> Option<i64> {
    match spec.kind {
        ProductKind::Box { units_per_box } => Some(units_per_box),
        _ => None,
    }
}

/// The columns an insert and an update both write, in bind order.
const WRITTEN_COLUMNS: [&str; 23] = [
    "name",
    "barcode",
    "product_type",
    "units_per_box",
    "length_um",
    "width_um",
    "height_um",
    "weight_mg",
    "declared_name_en",
    "declared_name_zh",
    "hs_code",
    "origin_country",
    "declared_value_micros",
    "declared_currency",
    "declared_attribute",
    "is_battery",
    "is_liquid",
    "is_magnetic",
    "is_fragile",
    "serial_managed",
    "batch_managed",
    "status",
    "updated_at",
];

type ProductQuery<'q> = sqlx::query::QueryAs<'q, sqlx::Any, (i64,), sqlx::any::AnyArguments<'q>>;

/// Binds [`WRITTEN_COLUMNS`] from the row a spec becomes.
fn bind_written<'q>(q: ProductQuery<'q>, r: &'q ProductRow) -> ProductQuery<'q> {
    q.bind(&r.name)
        .bind(&r.barcode)
        .bind(r.product_type.as_str())
        .bind(r.units_per_box)
        .bind(r.length_um)
        .bind(r.width_um)
        .bind(r.height_um)
        .bind(r.weight_mg)
        .bind(&r.declared_name_en)
        .bind(&r.declared_name_zh)
        .bind(&r.hs_code)
        .bind(&r.origin_country)
        .bind(r.declared_value_micros)
        .bind(&r.declared_currency)
        .bind(&r.declared_attribute)
        .bind(r.is_battery)
        .bind(r.is_liquid)
        .bind(r.is_magnetic)
        .bind(r.is_fragile)
        .bind(r.serial_managed)
        .bind(r.batch_managed)
        .bind(r.status.as_str())
        .bind(r.updated_at)
}

/// Inserts a product; `Duplicate` when the SKU or barcode is taken.
pub async fn insert_product(
    conn: &mut AnyConnection,
    customer_id: i64,
    spec: &ProductSpec,
    component_ids: &[(i64, i64)],
    now: i64,
) -> Result<i64, StoreError> {
    let row = row_from_spec(0, spec, now);
    let marks: Vec<String> = (3..3 + WRITTEN_COLUMNS.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "INSERT INTO product (customer_id, sku, {}, created_at) VALUES ($1, $2, {}, ${}) RETURNING product_id",
        WRITTEN_COLUMNS.join(", "),
        marks.join(", "),
        2 + WRITTEN_COLUMNS.len()
    );
    let query = sqlx::query_as(&sql).bind(customer_id).bind(&row.sku);
    let (id,) = bind_written(query, &row).fetch_one(&mut *conn).await?;
    insert_components(conn, id, component_ids).await?;
    Ok(id)
}

async fn insert_components(conn: &mut AnyConnection, product_id: i64, ids: &[(i64, i64)]) -> Result<(), StoreError> {
    for (component_id, quantity) in ids {
        sqlx::query("INSERT INTO product_component (product_id, component_product_id, quantity) VALUES ($1, $2, $3)")
            .bind(product_id)
            .bind(component_id)
            .bind(quantity)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Replaces every field but the SKU.
pub async fn update_product(
    conn: &mut AnyConnection,
    product_id: i64,
    spec: &ProductSpec,
    component_ids: &[(i64, i64)],
    now: i64,
) -> Result<(), StoreError> {
    let row = row_from_spec(product_id, spec, now);
    let sets: Vec<String> = WRITTEN_COLUMNS.iter().enumerate().map(|(k, c)| format!("{c} = ${}", k + 2)).collect();
    let sql = format!("UPDATE product SET {} WHERE product_id = $1 RETURNING product_id", sets.join(", "));
    bind_written(sqlx::query_as(&sql).bind(product_id), &row).fetch_one(&mut *conn).await?;
    sqlx::query("DELETE FROM product_component WHERE product_id = $1").bind(product_id).execute(&mut *conn).await?;
    insert_components(conn, product_id, component_ids).await
}

pub async fn find_product(
    conn: &mut AnyConnection,
    customer_id: i64,
    sku: &str,
) -> Result<Option<ProductRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {PRODUCT_COLUMNS} FROM product WHERE customer_id = $1 AND sku = $2"))
        .bind(customer_id)
        .bind(sku)
        .fetch_optional(conn)
        .await?)
}

/// A customer's product by its barcode (a scan that is not the SKU).
pub async fn find_by_barcode(
    conn: &mut AnyConnection,
    customer_id: i64,
    barcode: &str,
) -> Result<Option<ProductRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {PRODUCT_COLUMNS} FROM product WHERE customer_id = $1 AND barcode = $2"))
        .bind(customer_id)
        .bind(barcode)
        .fetch_optional(conn)
        .await?)
}

/// This customer's products with these SKUs (any order; unknown SKUs are
/// simply absent).
pub async fn products_by_sku(
    conn: &mut AnyConnection,
    customer_id: i64,
    skus: &[String],
) -> Result<Vec<ProductRow>, StoreError> {
    let mut out = Vec::with_capacity(skus.len());
    for chunk in skus.chunks(500) {
        let mut f = Filter::default();
        f.and("customer_id = ?", [Arg::Int(customer_id)]);
        f.and_in_texts("sku", chunk);
        let sql = format!("SELECT {PRODUCT_COLUMNS} FROM product {}", f.where_sql());
        out.extend(f.bind_as(sqlx::query_as(&sql)).fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// The product of this customer that has this barcode, if any.
pub async fn find_product_id_by_barcode(
    conn: &mut AnyConnection,
    customer_id: i64,
    barcode: &str,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar("SELECT product_id FROM product WHERE customer_id = $1 AND barcode = $2")
        .bind(customer_id)
        .bind(barcode)
        .fetch_optional(conn)
        .await?)
}

pub async fn list_products(
    conn: &mut AnyConnection,
    customer_id: i64,
    filter: &ProductFilter,
    page: PageRequest,
) -> Result<(Vec<ProductRow>, i64), StoreError> {
    let mut f = Filter::default();
    f.and("customer_id = ?", [Arg::Int(customer_id)]);
    if let Some(sku) = &filter.sku {
        f.and("sku = ?", [Arg::Text(sku.clone())]);
    }
    if let Some(name) = &filter.name {
        f.and("name LIKE ? ESCAPE '\\'", [Arg::Text(format!("%{}%", crate::db::like_escape(name)))]);
    }
    if let Some(barcode) = &filter.barcode {
        f.and("barcode = ?", [Arg::Text(barcode.clone())]);
    }
    if let Some(status) = &filter.status {
        f.and("status = ?", [Arg::Text(status.clone())]);
    }
    let (rows, total) = f.page(conn, PRODUCT_COLUMNS, "product", "sku", page).await?;
    Ok((rows, total))
}

/// Components of the given suites, for one round trip per page.
pub async fn components_of(conn: &mut AnyConnection, product_ids: &[i64]) -> Result<Vec<ComponentRow>, StoreError> {
    if product_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut f = Filter::default();
    f.and_in_ints("pc.product_id", product_ids);
    let sql = format!(
        "SELECT pc.product_id, p.sku, pc.quantity FROM product_component pc \
         JOIN product p ON p.product_id = pc.component_product_id {} ORDER BY pc.product_id, p.sku",
        f.where_sql()
    );
    Ok(f.bind_as(sqlx::query_as(&sql)).fetch_all(conn).await?)
}

/// Ids of this customer's products with these SKUs, as (sku, product_id).
pub async fn product_ids(
    conn: &mut AnyConnection,
    customer_id: i64,
    skus: &[String],
) -> Result<Vec<(String, i64)>, StoreError> {
    if skus.is_empty() {
        return Ok(Vec::new());
    }
    let mut f = Filter::default();
    f.and("customer_id = ?", [Arg::Int(customer_id)]);
    f.and_in_texts("sku", skus);
    let sql = format!("SELECT sku, product_id FROM product {}", f.where_sql());
    Ok(f.bind_as(sqlx::query_as(&sql)).fetch_all(conn).await?)
}

/// Whether any unit of the product is in any warehouse.
pub async fn has_stock(conn: &mut AnyConnection, product_id: i64) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM stock_summary WHERE product_id = $1 AND on_hand > 0")
        .bind(product_id)
        .fetch_one(conn)
        .await?;
    Ok(n > 0)
}

/// Which of these SKUs and barcodes this customer already uses, as
/// (sku, barcode) of the products holding them: two index look-ups for a
/// whole batch. (One query with `sku IN … OR barcode IN …` made PostgreSQL
/// scan the table: over a second per batch at 100,000 products.)
pub async fn taken(
    conn: &mut AnyConnection,
    customer_id: i64,
    skus: &[String],
    barcodes: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    let mut found = Vec::new();
    for (column, values) in [("sku", skus), ("barcode", barcodes)] {
        if values.is_empty() {
            continue;
        }
        let mut f = Filter::default();
        f.and("customer_id = ?", [Arg::Int(customer_id)]);
        f.and_in_texts(column, values);
        let sql = format!("SELECT sku, barcode FROM product {}", f.where_sql());
        let rows: Vec<(String, String)> = f.bind_as(sqlx::query_as(&sql)).fetch_all(&mut *conn).await?;
        found.extend(rows);
    }
    Ok(found)
}

/// The row a just-inserted product has, without reading it back.
pub fn row_from_spec(product_id: i64, spec: &ProductSpec, now: i64) -> ProductRow {
    let d = spec.declaration.as_ref();
    let flag = i64::from;
    ProductRow {
        product_id,
        sku: spec.sku.as_str().to_owned(),
        name: spec.name.clone(),
        barcode: spec.barcode.clone(),
        product_type: spec.kind.product_type(),
        units_per_box: units_per_box(spec),
        length_um: spec.dimensions.map(|d| d.length_um),
        width_um: spec.dimensions.map(|d| d.width_um),
        height_um: spec.dimensions.map(|d| d.height_um),
        weight_mg: spec.weight_mg,
        declared_name_en: d.map(|d| d.name_en.clone()),
        declared_name_zh: d.map(|d| d.name_zh.clone()),
        hs_code: d.and_then(|d| d.hs_code.clone()),
        origin_country: d.and_then(|d| d.origin_country.clone()),
        declared_value_micros: d.map(|d| d.value_micros),
        declared_currency: d.map(|d| d.currency.clone()),
        declared_attribute: d.and_then(|d| d.attribute.clone()),
        is_battery: flag(spec.flags.battery),
        is_liquid: flag(spec.flags.liquid),
        is_magnetic: flag(spec.flags.magnetic),
        is_fragile: flag(spec.flags.fragile),
        serial_managed: flag(spec.flags.serial_managed),
        batch_managed: flag(spec.flags.batch_managed),
        status: spec.status,
        created_at: now,
        updated_at: now,
    }
}

/// Kits one could assemble now in each warehouse: for every kit, the
/// least over its components of available GOOD units ÷ units per kit
/// (Qianyi V2's buildable quantity). Rows: (kit product id, warehouse
/// code, kits).
pub async fn buildable_kits(conn: &mut AnyConnection, kit_ids: &[i64]) -> Result<Vec<(i64, String, i64)>, StoreError> {
    if kit_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut f = Filter::default();
    f.and_in_ints("pc.product_id", kit_ids);
    let sql = format!(
        "SELECT pc.product_id, w.code, CAST(MIN(COALESCE((SELECT s.on_hand - s.reserved FROM stock_summary s \
         WHERE s.product_id = pc.component_product_id AND s.warehouse_id = w.warehouse_id \
         AND s.condition = 'GOOD'), 0) / pc.quantity) AS BIGINT) \
         FROM product_component pc CROSS JOIN warehouse w {} GROUP BY pc.product_id, w.code",
        f.where_sql()
    );
    Ok(f.bind_as(sqlx::query_as(&sql)).fetch_all(conn).await?)
}
