//! Products of a customer. Every query here is scoped by `customer_id`.

use sqlx::{AnyConnection, FromRow};

use haicang_core::product::{ProductKind, ProductSpec};

use crate::{Arg, Filter, PageRequest, StoreError};

#[derive(Debug, Clone, FromRow)]
pub struct ProductRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub barcode: String,
    pub product_type: String,
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
    pub status: String,
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

fn flag(b: bool) -> i64 {
    i64::from(b)
}

fn units_per_box(spec: &ProductSpec) -> Option<i64> {
    match spec.kind {
        ProductKind::Box { units_per_box } => Some(units_per_box),
        _ => None,
    }
}

/// Inserts a product; `Duplicate` when the SKU or barcode is taken.
pub async fn insert_product(
    conn: &mut AnyConnection,
    customer_id: i64,
    spec: &ProductSpec,
    component_ids: &[(i64, i64)],
    now: i64,
) -> Result<i64, StoreError> {
    let d = spec.declaration.as_ref();
    let dims = spec.dimensions;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO product (customer_id, sku, name, barcode, product_type, units_per_box, length_um, width_um, \
         height_um, weight_mg, declared_name_en, declared_name_zh, hs_code, origin_country, declared_value_micros, \
         declared_currency, declared_attribute, is_battery, is_liquid, is_magnetic, is_fragile, serial_managed, \
         batch_managed, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
         $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25) RETURNING product_id",
    )
    .bind(customer_id)
    .bind(spec.sku.as_str())
    .bind(&spec.name)
    .bind(&spec.barcode)
    .bind(spec.kind.product_type().as_str())
    .bind(units_per_box(spec))
    .bind(dims.map(|d| d.length_um))
    .bind(dims.map(|d| d.width_um))
    .bind(dims.map(|d| d.height_um))
    .bind(spec.weight_mg)
    .bind(d.map(|d| d.name_en.clone()))
    .bind(d.map(|d| d.name_zh.clone()))
    .bind(d.and_then(|d| d.hs_code.clone()))
    .bind(d.and_then(|d| d.origin_country.clone()))
    .bind(d.map(|d| d.value_micros))
    .bind(d.map(|d| d.currency.clone()))
    .bind(d.and_then(|d| d.attribute.clone()))
    .bind(flag(spec.flags.battery))
    .bind(flag(spec.flags.liquid))
    .bind(flag(spec.flags.magnetic))
    .bind(flag(spec.flags.fragile))
    .bind(flag(spec.flags.serial_managed))
    .bind(flag(spec.flags.batch_managed))
    .bind(spec.status.as_str())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
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
    let d = spec.declaration.as_ref();
    let dims = spec.dimensions;
    sqlx::query(
        "UPDATE product SET name = $1, barcode = $2, product_type = $3, units_per_box = $4, length_um = $5, \
         width_um = $6, height_um = $7, weight_mg = $8, declared_name_en = $9, declared_name_zh = $10, hs_code = $11, \
         origin_country = $12, declared_value_micros = $13, declared_currency = $14, declared_attribute = $15, \
         is_battery = $16, is_liquid = $17, is_magnetic = $18, is_fragile = $19, serial_managed = $20, \
         batch_managed = $21, status = $22, updated_at = $23 WHERE product_id = $24",
    )
    .bind(&spec.name)
    .bind(&spec.barcode)
    .bind(spec.kind.product_type().as_str())
    .bind(units_per_box(spec))
    .bind(dims.map(|d| d.length_um))
    .bind(dims.map(|d| d.width_um))
    .bind(dims.map(|d| d.height_um))
    .bind(spec.weight_mg)
    .bind(d.map(|d| d.name_en.clone()))
    .bind(d.map(|d| d.name_zh.clone()))
    .bind(d.and_then(|d| d.hs_code.clone()))
    .bind(d.and_then(|d| d.origin_country.clone()))
    .bind(d.map(|d| d.value_micros))
    .bind(d.map(|d| d.currency.clone()))
    .bind(d.and_then(|d| d.attribute.clone()))
    .bind(flag(spec.flags.battery))
    .bind(flag(spec.flags.liquid))
    .bind(flag(spec.flags.magnetic))
    .bind(flag(spec.flags.fragile))
    .bind(flag(spec.flags.serial_managed))
    .bind(flag(spec.flags.batch_managed))
    .bind(spec.status.as_str())
    .bind(now)
    .bind(product_id)
    .execute(&mut *conn)
    .await?;
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
    let where_sql = f.where_sql();
    let total = f
        .bind_as(sqlx::query_as::<_, (i64,)>(&format!("SELECT COUNT(*) FROM product {where_sql}")))
        .fetch_one(&mut *conn)
        .await?
        .0;
    let n = f.next_placeholder();
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM product {where_sql} ORDER BY sku LIMIT ${n} OFFSET ${}", n + 1);
    let rows = f.bind_as(sqlx::query_as(&sql)).bind(page.page_size).bind(page.offset()).fetch_all(conn).await?;
    Ok((rows, total))
}

/// Components of the given suites, for one round trip per page.
pub async fn components_of(conn: &mut AnyConnection, product_ids: &[i64]) -> Result<Vec<ComponentRow>, StoreError> {
    if product_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut f = Filter::default();
    let marks = vec!["?"; product_ids.len()].join(", ");
    f.and(&format!("pc.product_id IN ({marks})"), product_ids.iter().map(|id| Arg::Int(*id)));
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
    let flag = |b: bool| i64::from(b);
    ProductRow {
        product_id,
        sku: spec.sku.as_str().to_owned(),
        name: spec.name.clone(),
        barcode: spec.barcode.clone(),
        product_type: spec.kind.product_type().as_str().to_owned(),
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
        status: spec.status.as_str().to_owned(),
        created_at: now,
        updated_at: now,
    }
}
