//! JF products (商品), inventory (库存), warehouses (仓库) and logistics
//! channels (物流).

use serde_json::{Value, json};

use haicang_api::AppState;
use haicang_api::error::{ApiError, localized};
use haicang_app::catalog::ProductDetails;
use haicang_app::query::{ProductFilter, StockFilter};
use haicang_app::{AppError, PAGE_SIZE_MAX, page_request};
use haicang_core::decimal::{format_fixed, parse_fixed};
use haicang_core::dialects::{AliasKind, Dialect};
use haicang_core::product::{DeclarationDraft, ProductDraft};

use super::{Caller, Data, page};
use crate::Aliases;
use crate::fields::{Fields, format_iso};

/// At most this many SKUs per product query (JF 20018).
const SKU_QUERY_MAX: usize = 50;

/// JF weighs in grams (its 20008: "0g-999999.99g"); haicang in kg.
fn grams_to_kg(grams: String) -> String {
    match parse_fixed(&grams, 2) {
        Ok(hundredths) => format_fixed(hundredths, 5, 0),
        // Left as sent, so the product rules name the field's error.
        Err(_) => grams,
    }
}

fn draft_of(item: &Value) -> ProductDraft {
    let f = Fields(item);
    let declaration = DeclarationDraft {
        name_en: f.text(&["declaredNameEn", "declareNameEn", "customsNameEn", "declaredEnName"]),
        name_zh: f.text(&["declaredNameCn", "declareNameCn", "declaredNameZh", "customsNameCn", "declaredCnName"]),
        hs_code: f.text(&["hsCode", "declaredHsCode"]),
        origin_country: f.text(&["originCountry", "origin"]),
        value: f.decimal(&["declaredPrice", "declarePrice", "declaredValue"]),
        currency: f.text(&["declaredCurrency", "declareCurrency", "currency"]),
        attribute: f.text(&["declaredAttribute", "declareAttribute"]),
    };
    let declared = declaration != DeclarationDraft::default();
    ProductDraft {
        sku: f.text(&["sku"]),
        name: f.text(&["skuName", "name", "productName"]),
        barcode: f.text(&["barcode", "skuCode", "gtin"]),
        length_cm: f.decimal(&["length"]),
        width_cm: f.decimal(&["width"]),
        height_cm: f.decimal(&["height"]),
        weight_kg: f.decimal(&["weight"]).map(grams_to_kg),
        declaration: declared.then_some(declaration),
        battery: f.bool(&["battery", "isBattery", "withBattery"]).unwrap_or(false),
        liquid: f.bool(&["liquid", "isLiquid"]).unwrap_or(false),
        magnetic: f.bool(&["magnetic", "isMagnetic"]).unwrap_or(false),
        fragile: f.bool(&["fragile", "isFragile"]).unwrap_or(false),
        ..ProductDraft::default()
    }
}

fn sku_view(p: &ProductDetails) -> Value {
    let r = &p.row;
    let cm = |um: Option<i64>| um.map(|v| format_fixed(v / 100, 2, 0));
    json!({
        "sku": r.sku,
        "skuName": r.name,
        "barcode": r.barcode,
        "skuCode": r.barcode,
        "length": cm(r.length_um),
        "width": cm(r.width_um),
        "height": cm(r.height_um),
        "weight": r.weight_mg.map(|mg| format_fixed(mg / 10, 2, 0)),
        "declaredNameCn": r.declared_name_zh,
        "declaredNameEn": r.declared_name_en,
        "declaredPrice": r.declared_value_micros.map(|v| format_fixed(v, 6, 2)),
        "declaredCurrency": r.declared_currency,
        "hsCode": r.hs_code,
        "originCountry": r.origin_country,
        "status": r.status.as_str(),
        "createTime": format_iso(r.created_at),
        "updateTime": format_iso(r.updated_at),
    })
}

/// The products of the body: `skuList` (up to 300), or the body itself.
fn items_of(body: &Value) -> Vec<&Value> {
    match body {
        Value::Array(items) => items.iter().collect(),
        _ => {
            let listed = Fields(body).list(&["skuList", "skus", "list"]);
            if listed.is_empty() { vec![body] } else { listed }
        }
    }
}

/// Creates each product on its own: a refused one does not stop the
/// others; each answers `{sku, success, code, message}`.
pub async fn create_skus(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let items = items_of(&body);
    let drafts: Vec<ProductDraft> = items.iter().map(|v| draft_of(v)).collect();
    let results = state.app.create_products(&caller.customer, &drafts).await?;
    let views: Vec<Value> = drafts
        .iter()
        .zip(results)
        .map(|(draft, result)| match result {
            Ok(p) => json!({"sku": p.row.sku, "success": true, "code": 0, "message": "SUCCESS", "msg": "SUCCESS"}),
            Err(e) => {
                let (code, message) = localized(&ApiError::App(e));
                json!({"sku": draft.sku, "success": false, "code": code, "message": message, "msg": message})
            }
        })
        .collect();
    Ok(Data(Value::Array(views)))
}

pub async fn update_sku(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let item = items_of(&body).into_iter().next().cloned().unwrap_or_default();
    let draft = draft_of(&item);
    let sku = draft.sku.clone().ok_or(AppError::Product(haicang_core::product::ProductError::SkuRequired))?;
    let p = state.app.update_product(&caller.customer, &sku, &draft).await?;
    Ok(Data(json!({"sku": p.row.sku, "success": true})))
}

/// `{skuList?, pageNo, pageSize}`: the named SKUs (up to 50; unknown ones
/// are absent), or a page of every product.
pub async fn get_skus(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let f = Fields(&body);
    let skus = f.texts(&["skuList", "skus", "sku"]);
    if skus.len() > SKU_QUERY_MAX {
        return Err(AppError::TooManyQueried.into());
    }
    let request = page_request(f.int(&["pageNo", "page"])?, f.int(&["pageSize"])?.map(|s| s.min(PAGE_SIZE_MAX)))?;
    if skus.is_empty() {
        let found = state.app.list_products(&caller.customer, &ProductFilter::default(), request).await?;
        let rows = found.items.iter().map(sku_view).collect();
        return Ok(Data(page(rows, found.page, found.page_size, found.total)));
    }
    let mut rows = Vec::new();
    for sku in &skus {
        match state.app.get_product(&caller.customer, sku).await {
            Ok(p) => rows.push(sku_view(&p)),
            Err(AppError::SkuNotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let total = rows.len() as i64;
    Ok(Data(page(rows, 1, total.max(1), total)))
}

/// `{warehouse?, skuList?, pageNo, pageSize}` → per warehouse and SKU:
/// `total` on hand, `locked` reserved, `available`, `nonGood` (every
/// condition but GOOD) and `inTransit` (announced inbound).
pub async fn inventory(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let f = Fields(&body);
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    let warehouses: Vec<String> =
        f.texts(&["warehouse", "warehouseCode", "warehouseCodeList"]).iter().map(|w| aliases.warehouse(w)).collect();
    let filter =
        StockFilter { warehouse_codes: warehouses, skus: f.texts(&["skuList", "skus", "sku"]), conditions: Vec::new() };
    let request = page_request(f.int(&["pageNo", "page"])?, f.int(&["pageSize"])?.map(|s| s.min(PAGE_SIZE_MAX)))?;
    let found = state.app.inventory(&caller.customer, &filter, request).await?;
    let rows = crate::stock::per_sku(&found.items)
        .iter()
        .map(|s| {
            json!({"sku": s.sku, "skuName": s.name, "warehouseCode": aliases.vendor_warehouse(&s.warehouse_code),
                "total": s.total(), "locked": s.reserved, "available": s.available(), "nonGood": s.non_good,
                "inTransit": s.inbound + s.transfer})
        })
        .collect();
    Ok(Data(page(rows, found.page, found.page_size, found.total)))
}

/// The warehouses granted to the seller, by their JF codes.
pub async fn warehouses(caller: Caller, state: AppState, _body: Value) -> Result<Data, ApiError> {
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    let rows = state.app.list_warehouses(&caller.customer).await?;
    let views = rows
        .iter()
        .map(|w| {
            let code = aliases.vendor_warehouse(&w.code);
            json!({"code": code, "warehouseCode": code, "name": w.name, "warehouseName": w.name,
                "country": w.country, "address": w.address, "timezone": w.timezone, "isAuth": true,
                "acceptingOrders": w.accepting_orders != 0})
        })
        .collect();
    Ok(Data(Value::Array(views)))
}

/// `{warehouseCode?}` → the enabled shipping services of that warehouse,
/// or of every granted one, by their JF names.
pub async fn channels(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    let wanted = Fields(&body).text(&["warehouseCode", "warehouse"]).map(|w| aliases.warehouse(&w));
    let codes: Vec<String> = match wanted {
        Some(code) => vec![code],
        None => state.app.list_warehouses(&caller.customer).await?.into_iter().map(|w| w.code).collect(),
    };
    let mut views = Vec::new();
    for code in codes {
        for s in state.app.list_shipping_services(&caller.customer, &code).await? {
            let name = aliases.vendor(AliasKind::ShippingService, &s.code);
            views.push(json!({"logisticsId": name, "logisticsName": name, "logisticsCode": s.code,
                "name": s.name, "carrier": s.carrier, "warehouseCode": aliases.vendor_warehouse(&code),
                "status": s.status.as_str()}));
        }
    }
    Ok(Data(Value::Array(views)))
}
