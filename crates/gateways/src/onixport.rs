//! Onixport WMS, inventory chapter (`shared/seeds/onixport-inventory.txt`):
//! `POST /onixport/api/wms/inventory/{sku,sn,returned}/list`.
//!
//! **Answers** `{success, errorCode, errorMsg, result, pagination{current,
//! pageSize, total}}`; `pageSize` is always 100 (the document: set by the
//! system, not by the request); `current` defaults to 1.
//!
//! **Decisions where the document is silent:**
//! - Auth: the document names none. A native bearer token (`POST
//!   /api/v1/auth/token`) is the credential; a missing or bad one answers
//!   `success:false` with the catalogue's code (10004, 10002…) and HTTP 401.
//! - A malformed field (a list that is not a list, `current` or
//!   `inventoryType` not a whole number or out of range) answers
//!   `success:false, errorCode:1000, errorMsg:"无效的参数"` ("Invalid
//!   parameter" in English) with HTTP 200, as the document's example. More
//!   than 100 SKUs or serials: the first 100 are used, not an error.
//! - Inventory types are haicang conditions: New = GOOD, Refurbished =
//!   REFURBISHED, Recycle = RECYCLE. Stock in other conditions (DEFECTIVE,
//!   DAMAGED, RETURNED, REPAIRING) is not in `sku/list`; `frozenQty` is the
//!   reserved units, `availableQty` the rest, `totalQty` their sum.
//! - `sn/list` lists serials in stock; `inboundDate` (`MM/dd/yyyy`, UTC) is
//!   the day the unit's lot came in, `storageDays` the whole days since.
//! - `returned/list` lists the units graded on the seller's returns, one row
//!   per grade line (and serial), newest first, by their grade: Returned =
//!   RETURNED (and DEFECTIVE / DAMAGED, still to be dealt with), New = GOOD,
//!   Refurbished, Recycle, Repairing. A grade stays listed after its units
//!   leave (it is the return's record, not a stock count).
//! - Warehouse codes are Onixport aliases of haicang codes (`haicang admin
//!   alias set --dialect ONIXPORT`); `warehouseName` is haicang's name.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use haicang_api::AppState;
use haicang_api::context::{Lang, RequestContext};
use haicang_api::error::{ApiError, describe, localized};
use haicang_api::extract::CustomerAuth;
use haicang_app::query::{ReturnedUnitFilter, SerialFilter, StockFilter};
use haicang_app::{CustomerPrincipal, PageRequest, now_ms};
use haicang_core::dialects::Dialect;
use haicang_core::ledger::Condition;

use crate::Aliases;
use crate::fields::Fields;

/// The fixed page size and the most keys a list filter uses.
pub const PAGE_SIZE: i64 = 100;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/onixport/api/wms/inventory/sku/list", post(sku_list))
        .route("/onixport/api/wms/inventory/sn/list", post(sn_list))
        .route("/onixport/api/wms/inventory/returned/list", post(returned_list))
}

/// An Onixport answer.
enum Answer {
    Ok {
        rows: Vec<Value>,
        current: i64,
        total: i64,
    },
    /// 1000: a malformed field (its name, for the log).
    Invalid(String),
    Err(ApiError),
}

impl From<ApiError> for Answer {
    fn from(e: ApiError) -> Self {
        Answer::Err(e)
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self {
            Answer::Ok { rows, current, total } => Json(json!({
                "success": true, "errorCode": null, "errorMsg": null, "result": rows,
                "pagination": {"current": current, "pageSize": PAGE_SIZE, "total": total},
            }))
            .into_response(),
            Answer::Invalid(field) => {
                tracing::debug!(field, "onixport: invalid parameter");
                let message = match RequestContext::current().lang {
                    Lang::Zh => "无效的参数",
                    Lang::En => "Invalid parameter",
                };
                Json(json!({"success": false, "errorCode": 1000, "errorMsg": message, "result": null})).into_response()
            }
            Answer::Err(e) => {
                let status = describe(&e).status;
                let (code, message) = localized(&e);
                let body = json!({"success": false, "errorCode": code, "errorMsg": message, "result": null});
                (if status.is_success() { StatusCode::BAD_REQUEST } else { status }, Json(body)).into_response()
            }
        }
    }
}

/// The request: its caller (a native bearer token) and its JSON body.
async fn caller(state: &AppState, parts: &mut Parts) -> Result<CustomerPrincipal, ApiError> {
    use axum::extract::FromRequestParts;
    Ok(CustomerAuth::from_request_parts(parts, state).await?.0)
}

/// The common filters, or the name of the malformed field.
struct Query {
    warehouse: Option<String>,
    skus: Vec<String>,
    serials: Vec<String>,
    inventory_type: Option<i64>,
    current: i64,
}

fn query(body: &[u8], aliases: &Aliases) -> Result<Query, String> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|_| "body".to_owned())?
    };
    if !value.is_object() {
        return Err("body".into());
    }
    let f = Fields(&value);
    let list = |key: &str| -> Result<Vec<String>, String> {
        match value.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => {
                let texts: Option<Vec<String>> =
                    items.iter().map(|v| v.as_str().map(|s| s.trim().to_owned())).collect();
                let mut texts = texts.ok_or_else(|| key.to_owned())?;
                texts.retain(|t| !t.is_empty());
                texts.truncate(PAGE_SIZE as usize);
                Ok(texts)
            }
            Some(_) => Err(key.to_owned()),
        }
    };
    let whole = |key: &'static str| f.int(&[key]).map_err(|_| key.to_owned());
    let current = whole("current")?.unwrap_or(1);
    if !(1..=1_000_000).contains(&current) {
        return Err("current".into());
    }
    Ok(Query {
        warehouse: f.text(&["warehouseCode"]).map(|w| aliases.warehouse(&w)),
        skus: list("skuList")?,
        serials: list("serialNoList")?,
        inventory_type: whole("inventoryType")?,
        current,
    })
}

/// SKU inventory types (13.4.1).
const SKU_TYPES: [(i64, &str, Condition); 3] =
    [(1, "New", Condition::Good), (2, "Refurbished", Condition::Refurbished), (3, "Recycle", Condition::Recycle)];

/// The conditions of an SKU inventory type; without one New, Refurbished
/// and Recycle; None for a type not in the table.
fn sku_conditions(inventory_type: Option<i64>) -> Option<Vec<String>> {
    let all = SKU_TYPES.iter().filter(|(code, _, _)| inventory_type.is_none_or(|t| t == *code));
    let conditions: Vec<String> = all.map(|(_, _, c)| c.as_str().to_owned()).collect();
    (!conditions.is_empty()).then_some(conditions)
}

/// The stock filter of an SKU or serial list (1000 for an unknown type).
fn sku_filter(
    warehouse: Option<String>,
    skus: Vec<String>,
    inventory_type: Option<i64>,
) -> Result<StockFilter, Answer> {
    let conditions = sku_conditions(inventory_type).ok_or_else(|| Answer::Invalid("inventoryType".into()))?;
    Ok(StockFilter { warehouse_codes: warehouse.into_iter().collect(), skus, conditions })
}

fn sku_type(condition: Condition) -> Option<(i64, &'static str)> {
    SKU_TYPES.iter().find(|(_, _, c)| *c == condition).map(|(n, d, _)| (*n, *d))
}

/// Returned inventory types (13.4.2).
fn returned_type(condition: Condition) -> (i64, &'static str) {
    match condition {
        Condition::Good => (2, "New"),
        Condition::Refurbished => (3, "Refurbished"),
        Condition::Recycle => (4, "Recycle"),
        Condition::Repairing => (5, "Repairing"),
        Condition::Returned | Condition::Defective | Condition::Damaged => (1, "Returned"),
    }
}

async fn prepare(
    state: &AppState,
    mut parts: Parts,
    body: &[u8],
) -> Result<(CustomerPrincipal, Aliases, Query), Answer> {
    let customer = caller(state, &mut parts).await?;
    let aliases = Aliases::load(&state.app, Dialect::Onixport).await?;
    let q = query(body, &aliases).map_err(Answer::Invalid)?;
    Ok((customer, aliases, q))
}

fn page(current: i64) -> PageRequest {
    PageRequest { page: current, page_size: PAGE_SIZE }
}

async fn sku_list(State(state): State<AppState>, parts: Parts, body: Bytes) -> Answer {
    let (customer, aliases, q) = match prepare(&state, parts, &body).await {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    let filter = match sku_filter(q.warehouse, q.skus, q.inventory_type) {
        Ok(filter) => filter,
        Err(answer) => return answer,
    };
    let found = match state.app.inventory(&customer, &filter, page(q.current)).await {
        Ok(found) => found,
        Err(e) => return Answer::Err(e.into()),
    };
    let names: std::collections::HashMap<String, String> = match state.app.list_warehouses(&customer).await {
        Ok(rows) => rows.into_iter().map(|w| (w.code, w.name)).collect(),
        Err(e) => return Answer::Err(e.into()),
    };
    let rows = found
        .items
        .iter()
        .filter_map(|line| {
            let r = &line.row;
            let (code, desc) = sku_type(r.condition)?;
            Some(json!({
                "warehouseCode": aliases.vendor_warehouse(&r.warehouse_code),
                "warehouseName": names.get(&r.warehouse_code).cloned().unwrap_or_else(|| r.warehouse_code.clone()),
                "sku": r.sku, "commodityName": r.product_name,
                "inventoryType": code, "inventoryTypeDesc": desc,
                "availableQty": r.on_hand - r.reserved, "frozenQty": r.reserved, "totalQty": r.on_hand,
            }))
        })
        .collect();
    Answer::Ok { rows, current: found.page, total: found.total }
}

async fn sn_list(State(state): State<AppState>, parts: Parts, body: Bytes) -> Answer {
    let (customer, aliases, q) = match prepare(&state, parts, &body).await {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    let filter = match sku_filter(q.warehouse, q.skus, q.inventory_type) {
        Ok(filter) => filter,
        Err(answer) => return answer,
    };
    let serials = SerialFilter { serials: q.serials, in_stock: true };
    let found = match state.app.inventory_serials(&customer, &filter, &serials, page(q.current)).await {
        Ok(found) => found,
        Err(e) => return Answer::Err(e.into()),
    };
    let now = now_ms();
    let rows = found
        .items
        .iter()
        .map(|s| {
            let (code, desc) = sku_type(s.condition).unwrap_or((0, s.condition.as_str()));
            let warehouse = s.warehouse_code.clone().unwrap_or_default();
            json!({
                "warehouseCode": aliases.vendor_warehouse(&warehouse),
                "warehouseName": s.warehouse_name.clone().unwrap_or_else(|| warehouse.clone()),
                "sku": s.sku, "commodityName": s.product_name, "serialNo": s.serial,
                "inventoryType": code, "inventoryTypeDesc": desc,
                "inboundDate": s.inbound_at.map(us_date),
                "storageDays": s.inbound_at.map(|at| ((now - at) / 86_400_000).max(0)),
                "availableQty": 1,
            })
        })
        .collect();
    Answer::Ok { rows, current: found.page, total: found.total }
}

async fn returned_list(State(state): State<AppState>, parts: Parts, body: Bytes) -> Answer {
    let (customer, aliases, q) = match prepare(&state, parts, &body).await {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    let conditions: Vec<String> = match q.inventory_type {
        None => Vec::new(),
        Some(1) => [Condition::Returned, Condition::Defective, Condition::Damaged]
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        Some(2) => vec![Condition::Good.as_str().to_owned()],
        Some(3) => vec![Condition::Refurbished.as_str().to_owned()],
        Some(4) => vec![Condition::Recycle.as_str().to_owned()],
        Some(5) => vec![Condition::Repairing.as_str().to_owned()],
        Some(_) => return Answer::Invalid("inventoryType".into()),
    };
    let filter = ReturnedUnitFilter { warehouse_code: q.warehouse, skus: q.skus, serials: q.serials, conditions };
    let found = match state.app.returned_units(&customer, &filter, page(q.current)).await {
        Ok(found) => found,
        Err(e) => return Answer::Err(e.into()),
    };
    let rows = found
        .items
        .iter()
        .map(|u| {
            let (code, desc) = returned_type(u.condition);
            json!({
                "warehouseCode": aliases.vendor_warehouse(&u.warehouse_code),
                "warehouseName": u.warehouse_name,
                "sku": u.sku, "commodityName": u.product_name, "serialNo": u.serial,
                "inventoryType": code, "inventoryTypeDesc": desc, "quantity": u.quantity,
            })
        })
        .collect();
    Answer::Ok { rows, current: found.page, total: found.total }
}

/// `MM/dd/yyyy` (UTC).
fn us_date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.format("%m/%d/%Y").to_string()).unwrap_or_default()
}
