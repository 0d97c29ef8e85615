//! Winit (`shared/seeds/winit-inbound-create.txt`): `POST /openapi/service`
//! with the envelope `action, app_key, client_id, client_sign, data,
//! format, platform, sign_method, timestamp, version, language`.
//!
//! **Credentials.** `app_key` + user token are a haicang app (client id =
//! app_key, secret = token); `client_id` + client secret are another app of
//! the same customer. `sign` = upper-hex MD5(token + `key`+`value` of
//! action, app_key, data, format, platform, sign_method, timestamp, version
//! in key order + token); `client_sign` the same with the client secret,
//! checked when sent (legacy callers omit it). Public clients disagree on
//! the `data` text they sign: the raw text as sent, compact JSON in the
//! sent key order, or compact JSON with keys sorted and nulls removed — all
//! three are accepted (each compared in constant time).
//!
//! **Decisions where the document is silent:**
//! - The body is JSON whatever the Content-Type. Keys are trimmed (the
//!   examples' `" inventoryAttribute"`, `"tagName "`).
//! - `timestamp` is the caller's local `yyyy-MM-dd HH:mm:ss` (China time
//!   in practice): accepted when it is within 5 minutes of now in some
//!   time zone (UTC−12 … UTC+14 by half hours); a signature is good once.
//! - Answers `{code, msg, data}` with `code` a string: "0" and "操作成功" on
//!   success, else the catalogue's number and message (zh/en by
//!   `language`, then `Accept-Language`), HTTP 200.
//! - `winit.wh.inbound.order.create`: all order types (SD, DW, DI) become a
//!   CARTON inbound to the destination warehouse (a WINIT alias, e.g.
//!   `US0001` → US-LA01); `sellerOrderNo` is the reference (without one,
//!   `WINIT-` + the sign: the same request again is the same order; Winit
//!   does not hold it unique, so another order under a used number is kept
//!   as `number#<digest of its data>` and shown as the number);
//!   packages are boxes (`sellerCaseNo` — kept as `W11` when numeric, as
//!   haicang numbers numeric boxes itself — `thirdPartyCaseNo` as the box
//!   barcode; cm rounded to the millimetre, kg to the gram), `merchandiseCode` is the SKU; a forecast order
//!   (`isForecastOrder` Y) announces `planMerchandiseList` without boxes;
//!   the first tracking number of `dispatchInfo.expressNo` or
//!   `orderIdentificationCodeList` and `directForecastInfo`'s expected date
//!   are kept. First-leg, customs, pickup, stock-pool (`stockType` 2B/2C)
//!   and value-added references, and `inventoryAttribute`s where the
//!   examples put them, are kept with the order as sent (`attributes`) and
//!   shown back by `getOrderDetail`; haicang does not act on them (one
//!   stock pool per SKU and warehouse: 2B and 2C units are the same stock).
//! - `winit.wh.inbound.getOrderDetail {orderNo}` and
//!   `winit.wh.inbound.voidOrder {orderNo}`; `queryWarehouse` (ids are
//!   1000000 + haicang's: US-LA01 is 1000001), `queryWarehouseStorage`
//!   (per warehouse and product: available, reserved, in transit,
//!   defective), and the outbound trio `createSubmittedOrder` (alias
//!   `createOutboundOrder`; field names in `create_outbound`'s doc),
//!   `queryOutboundOrder`, `voidOutboundOrder` by `outboundOrderNum` or
//!   `sellerOrderNo`. Actions match by their last word with or without the
//!   `winit.wh.` prefix; other actions answer code -1.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use md5::{Digest, Md5};
use serde_json::{Map, Value, json};
use subtle::ConstantTimeEq;

use haicang_api::AppState;
use haicang_api::context::Lang;
use haicang_api::error::{ApiError, describe};
use haicang_app::inbound::CreateInbound;
use haicang_app::{AppError, CustomerPrincipal, Viewer, now_ms};
use haicang_core::dialects::Dialect;
use haicang_core::inbound::{BoxDraft, ItemDraft};

use crate::Aliases;
use crate::fields::{Fields, format_iso};

pub fn routes() -> Router<AppState> {
    Router::new().route("/openapi/service", post(service))
}

/// The signed envelope fields, in key order.
const SIGNED: [&str; 8] = ["action", "app_key", "data", "format", "platform", "sign_method", "timestamp", "version"];

/// upper-hex MD5(key + k1v1k2v2… + key) over the envelope with `data` as
/// `data_text`.
pub fn winit_sign(envelope: &Map<String, Value>, data_text: &str, key: &str) -> String {
    let mut text = String::from(key);
    for k in SIGNED {
        text.push_str(k);
        match k {
            "data" => text.push_str(data_text),
            _ => text.push_str(&envelope.get(k).map(scalar).unwrap_or_default()),
        }
    }
    text.push_str(key);
    hex::encode_upper(Md5::digest(text.as_bytes()))
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The three `data` texts clients sign: raw as sent, compact in the sent
/// order, compact with keys sorted and nulls removed.
pub fn data_variants(raw_data: &str) -> Vec<String> {
    let compact = minify(raw_data);
    let mut out = vec![raw_data.to_owned(), compact];
    if let Ok(value) = serde_json::from_str::<Value>(raw_data) {
        // serde_json's map is ordered by key.
        out.push(without_nulls(value).to_string());
    }
    out.dedup();
    out
}

fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// JSON text without the whitespace outside strings.
fn minify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// The raw text of the top-level `"data"` value of a JSON object.
pub fn raw_data(body: &str) -> Option<&str> {
    let bytes = body.as_bytes();
    let mut i = body.find('{')? + 1;
    let skip_ws = |i: &mut usize| {
        while *i < bytes.len() && bytes[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_ws(&mut i);
        if i >= bytes.len() || bytes[i] == b'}' {
            return None;
        }
        // A key.
        let key_start = i;
        i = end_of_value(bytes, i)?;
        let key = body.get(key_start..i)?;
        skip_ws(&mut i);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        skip_ws(&mut i);
        let value_start = i;
        i = end_of_value(bytes, i)?;
        if key.trim_matches('"').trim() == "data" {
            return body.get(value_start..i);
        }
        skip_ws(&mut i);
        match bytes.get(i) {
            Some(b',') => i += 1,
            _ => return None,
        }
    }
}

/// Where the JSON value starting at `i` ends (exclusive).
fn end_of_value(bytes: &[u8], mut i: usize) -> Option<usize> {
    let first = *bytes.get(i)?;
    if first == b'"' {
        i += 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        return None;
    }
    if first == b'{' || first == b'[' {
        let mut depth = 0usize;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => {
                    i = end_of_value(bytes, i)?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        return None;
    }
    // A number, true, false or null.
    while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']') && !bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    Some(i)
}

/// Keys trimmed at every depth.
fn trimmed_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k.trim().to_owned(), trimmed_keys(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(trimmed_keys).collect()),
        other => other,
    }
}

/// Whether `timestamp` (`yyyy-MM-dd HH:mm:ss`, some zone) is within 5
/// minutes of `now` for a zone from UTC−12 to UTC+14.
pub fn timestamp_fresh(timestamp: &str, now: i64) -> bool {
    let Ok(at) = chrono::NaiveDateTime::parse_from_str(timestamp.trim(), "%Y-%m-%d %H:%M:%S") else { return false };
    let diff = at.and_utc().timestamp_millis() - now;
    const HALF_HOUR: i64 = 30 * 60 * 1000;
    (-24..=28).any(|h| (diff - h * HALF_HOUR).abs() <= 5 * 60 * 1000)
}

struct Answer {
    lang: Lang,
    result: Result<Value, ApiError>,
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self.result {
            Ok(data) => Json(json!({"code": "0", "msg": "操作成功", "data": data})).into_response(),
            Err(e) => {
                let d = describe(&e);
                let msg = if self.lang == Lang::Zh { d.zh } else { d.en };
                Json(json!({"code": d.code.to_string(), "msg": msg, "data": null})).into_response()
            }
        }
    }
}

async fn service(State(state): State<AppState>, parts: Parts, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body).into_owned();
    let envelope: Option<Map<String, Value>> = serde_json::from_str::<Value>(&text).ok().and_then(|v| match v {
        Value::Object(m) => Some(m),
        _ => None,
    });
    let header_lang = haicang_api::context::RequestContext::current().lang;
    let Some(envelope) = envelope else {
        let e = ApiError::MalformedJson("the body is not a JSON object".into());
        return Answer { lang: header_lang, result: Err(e) }.into_response();
    };
    let lang = match envelope.get("language").and_then(Value::as_str) {
        Some(l) => Lang::from_header(Some(l)),
        None => header_lang,
    };
    let result = async {
        let customer = verify(&state, &parts, &envelope, &text).await?;
        let data = trimmed_keys(envelope.get("data").cloned().unwrap_or(json!({})));
        let action = envelope.get("action").map(scalar).unwrap_or_default();
        let sign = envelope.get("sign").map(scalar).unwrap_or_default();
        // Actions by their last word: clients write `queryWarehouse`,
        // `winit.wh.queryWarehouse` or `wh.queryWarehouse` alike.
        let action = action.trim();
        let last = action.rsplit('.').next().unwrap_or(action);
        match (action, last) {
            ("winit.wh.inbound.order.create", _) => create_inbound(&state, &customer, &data, &sign).await,
            (_, "getOrderDetail") if action.contains("inbound") => order_detail(&state, &customer, &data).await,
            (_, "voidOrder") if action.contains("inbound") => void_order(&state, &customer, &data).await,
            (_, "queryWarehouse") => warehouses(&state, &customer).await,
            (_, "queryWarehouseStorage") => storage(&state, &customer, &data).await,
            (_, "createSubmittedOrder" | "createOutboundOrder") => create_outbound(&state, &customer, &data).await,
            (_, "queryOutboundOrder") => query_outbound(&state, &customer, &data).await,
            (_, "voidOutboundOrder") => void_outbound(&state, &customer, &data).await,
            _ => Err(ApiError::NotOffered("this Winit action")),
        }
    }
    .await;
    Answer { lang, result }.into_response()
}

fn ct_eq_any(expected: &[String], given: &str) -> bool {
    let given = given.trim().to_ascii_uppercase();
    expected.iter().fold(false, |ok, e| ok | bool::from(e.as_bytes().ct_eq(given.as_bytes())))
}

async fn verify(
    state: &AppState,
    parts: &Parts,
    envelope: &Map<String, Value>,
    body: &str,
) -> Result<CustomerPrincipal, ApiError> {
    let field = |name: &'static str| -> Result<String, ApiError> {
        envelope
            .get(name)
            .map(scalar)
            .filter(|v| !v.trim().is_empty())
            .ok_or(AppError::MissingParam { field: name }.into())
    };
    let (app_key, sign, timestamp) = (field("app_key")?, field("sign")?, field("timestamp")?);
    let now = now_ms();
    if !timestamp_fresh(&timestamp, now) {
        return Err(ApiError::StaleTimestamp);
    }
    let (customer, token) = state.app.signing_app(app_key.trim()).await?.ok_or(AppError::InvalidClient)?;
    let raw = raw_data(body).unwrap_or("");
    let variants = data_variants(raw);
    let expected: Vec<String> = variants.iter().map(|d| winit_sign(envelope, d, &token)).collect();
    if !ct_eq_any(&expected, &sign) {
        return Err(ApiError::BadSignature);
    }
    if let Some(client_sign) = envelope.get("client_sign").map(scalar).filter(|s| !s.trim().is_empty()) {
        let client_id = field("client_id")?;
        let (client, secret) = state.app.signing_app(client_id.trim()).await?.ok_or(AppError::InvalidClient)?;
        let expected: Vec<String> = variants.iter().map(|d| winit_sign(envelope, d, &secret)).collect();
        if client.customer_id != customer.customer_id || !ct_eq_any(&expected, &client_sign) {
            return Err(ApiError::BadSignature);
        }
    }
    let app_id = customer.app_id.ok_or(AppError::InvalidClient)?;
    // A signature is good once (the window covers every zone's reading).
    let nonce = format!("winit:{}", sign.trim().to_ascii_uppercase());
    if !state.app.first_use_of_nonce(app_id, &nonce, now, 29 * 3600 * 1000).await? {
        return Err(ApiError::ReplayedNonce);
    }
    let customer = CustomerPrincipal { origin: haicang_api::extract::origin(parts), ..customer };
    haicang_api::extract::admit(parts, state, &customer).await?;
    Ok(customer)
}

fn items(list: Vec<&Value>) -> Result<Vec<ItemDraft>, ApiError> {
    list.into_iter()
        .map(|m| {
            let f = Fields(m);
            Ok(ItemDraft {
                sku: f.text(&["merchandiseCode"]).unwrap_or_default(),
                quantity: f.int(&["quantity"])?.unwrap_or(0),
                batch_no: f.text(&["productionBatch"]),
                production_date: f.text(&["productionDate"]),
                expiry_date: f.text(&["expirationDate"]),
                serials: Vec::new(),
            })
        })
        .collect()
}

async fn create_inbound(
    state: &AppState,
    customer: &CustomerPrincipal,
    data: &Value,
    sign: &str,
) -> Result<Value, ApiError> {
    let f = Fields(data);
    let aliases = Aliases::load(&state.app, Dialect::Winit).await?;
    let forecast_order = f.text(&["isForecastOrder"]).is_some_and(|v| v.eq_ignore_ascii_case("Y"));
    let mut boxes = Vec::new();
    if !forecast_order {
        for p in f.list(&["packageList"]) {
            let pf = Fields(p);
            boxes.push(BoxDraft {
                box_no: pf.text(&["sellerCaseNo"]).map(|n| case_to_box(&n)),
                barcode: pf.text(&["thirdPartyCaseNo"]),
                length_cm: pf.decimal(&["sellerLength"]).map(|t| rounded(t, 1)),
                width_cm: pf.decimal(&["sellerWidth"]).map(|t| rounded(t, 1)),
                height_cm: pf.decimal(&["sellerHeight"]).map(|t| rounded(t, 1)),
                weight_kg: pf.decimal(&["sellerWeight"]).map(|t| rounded(t, 3)),
                items: items(pf.list(&["merchandiseList"]))?,
            });
        }
    }
    let forecast = if forecast_order { items(f.list(&["planMerchandiseList"]))? } else { Vec::new() };
    let dispatch = data.get("dispatchInfo").cloned().unwrap_or_default();
    let direct = data.get("directForecastInfo").cloned().unwrap_or_default();
    let identification = f.list(&["orderIdentificationCodeList"]);
    let tracking = Fields(&dispatch).text(&["expressNo"]).or_else(|| {
        identification
            .iter()
            .find(|c| Fields(c).text(&["type"]).as_deref() == Some("TRACKING_NO"))
            .and_then(|c| Fields(c).text(&["code"]))
    });
    let carrier = Fields(&dispatch)
        .text(&["expressVendorName", "expressVendorCode"])
        .or_else(|| Fields(&direct).text(&["transportAgent"]))
        .or_else(|| identification.first().and_then(|c| Fields(c).text(&["expressCompany"])));
    let reference = f.text(&["sellerOrderNo"]).unwrap_or_else(|| format!("WINIT-{}", sign.trim()));
    let cmd = CreateInbound {
        warehouse_code: aliases.warehouse(&f.text(&["destinationWarehouseCode"]).unwrap_or_default()),
        inbound_type: "CARTON".into(),
        mode: None,
        customer_reference: reference,
        expected_arrival: Fields(&direct).text(&["expectedSendWarehouseTime"]).map(|t| t.chars().take(10).collect()),
        carrier,
        tracking_no: tracking,
        note: f
            .text(&["orderType"])
            .map(|t| format!("Winit {t} {}", f.text(&["winitProductCode"]).unwrap_or_default())),
        draft: false,
        boxes,
        forecast,
        keep_sealed: false,
        attributes: references(data),
    };
    let created = match state.app.create_inbound(customer, &cmd).await {
        // Winit does not hold sellerOrderNo unique: another order under a
        // number already used gets the number and a digest of its data
        // (the same request again still finds its own order).
        Err(AppError::InboundReferenceConflict(_)) => {
            let digest = hex::encode(Md5::digest(data.to_string().as_bytes()));
            let cmd =
                CreateInbound { customer_reference: format!("{}#{}", cmd.customer_reference, &digest[..8]), ..cmd };
            state.app.create_inbound(customer, &cmd).await?
        }
        other => other?,
    };
    Ok(json!({"orderNo": created.order_no}))
}

/// The order's fields haicang keeps and shows back without acting on them.
const REFERENCES: [&str; 15] = [
    "orderType",
    "winitProductCode",
    "inspectionWarehouseCode",
    "logisticsPlanNo",
    "exportDeclarationType",
    "exporterCode",
    "importDeclarationRuleCode",
    "importerCode",
    "stockType",
    "isForecastOrder",
    "dispatchInfo",
    "directForecastInfo",
    "sendPortInfo",
    "valueAddedService",
    "orderIdentificationCodeList",
];

fn references(data: &Value) -> Option<Value> {
    let kept: Map<String, Value> =
        REFERENCES.iter().filter_map(|k| data.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect();
    (!kept.is_empty()).then_some(Value::Object(kept))
}

/// Winit sends cm to 2 decimals and kg to 4; haicang keeps boxes to the
/// millimetre and the gram: rounded half up (text that is not a number is
/// left for the inbound rules to name).
fn rounded(text: String, decimals: usize) -> String {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => format!("{:.*}", decimals, x + 1e-9),
        _ => text,
    }
}

/// A seller case number as a haicang box number: haicang numbers numeric
/// boxes 1..n, Winit's case numbers are the seller's own ("11" alone), so a
/// numeric one is kept as `W11` and shown back as `11`.
fn case_to_box(case: &str) -> String {
    if !case.is_empty() && case.chars().all(|c| c.is_ascii_digit()) { format!("W{case}") } else { case.to_owned() }
}

fn box_to_case(box_no: &str) -> &str {
    match box_no.strip_prefix('W') {
        Some(rest) if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()) => rest,
        _ => box_no,
    }
}

fn order_no(data: &Value) -> Result<String, ApiError> {
    Fields(data).text(&["orderNo"]).ok_or_else(|| AppError::MissingParam { field: "orderNo" }.into())
}

async fn order_detail(state: &AppState, customer: &CustomerPrincipal, data: &Value) -> Result<Value, ApiError> {
    let no = order_no(data)?;
    let d = state.app.inbound_detail(Viewer::Customer(customer), &no).await?;
    let aliases = Aliases::load(&state.app, Dialect::Winit).await?;
    let o = &d.order;
    let packages: Vec<Value> = d
        .boxes
        .iter()
        .map(|b| {
            let merchandise: Vec<Value> = d
                .lines
                .iter()
                .filter(|l| l.inbound_box_id == Some(b.inbound_box_id))
                .map(|l| json!({"merchandiseCode": l.sku, "quantity": l.quantity}))
                .collect();
            json!({"sellerCaseNo": box_to_case(&b.box_no), "thirdPartyCaseNo": b.barcode, "sellerWeight": b.weight_g as f64 / 1000.0,
                "sellerLength": b.length_mm as f64 / 10.0, "sellerWidth": b.width_mm as f64 / 10.0,
                "sellerHeight": b.height_mm as f64 / 10.0, "merchandiseList": merchandise})
        })
        .collect();
    let merchandise: Vec<Value> = d
        .skus
        .iter()
        .map(|s| json!({"merchandiseCode": s.sku, "quantity": s.expected, "receivedQty": s.received_good + s.received_defective,
            "putawayQty": s.put_away}))
        .collect();
    let seller_order_no = o.customer_reference.split('#').next().unwrap_or_default();
    let mut view = json!({"orderNo": o.order_no, "sellerOrderNo": seller_order_no, "status": o.status.as_str(),
        "destinationWarehouseCode": aliases.vendor_warehouse(&o.warehouse_code), "trackingNo": o.tracking_no,
        "createdDate": format_iso(o.created_at), "packageList": packages, "merchandiseList": merchandise});
    // The references as the order was created with them.
    if let Some(Value::Object(kept)) = o.attributes.as_deref().and_then(|a| serde_json::from_str(a).ok()) {
        for (k, v) in kept {
            view[k] = v;
        }
    }
    Ok(view)
}

async fn void_order(state: &AppState, customer: &CustomerPrincipal, data: &Value) -> Result<Value, ApiError> {
    let no = order_no(data)?;
    let stepped = state.app.cancel_inbound(customer, &no, Some("voided by Winit API")).await?;
    Ok(json!({"orderNo": stepped.order_no, "status": stepped.status.as_str()}))
}

/// Winit's numeric warehouse id: 1000000 + haicang's (US-LA01 of the demo
/// is 1000001).
const WAREHOUSE_ID_BASE: i64 = 1_000_000;

async fn warehouses(state: &AppState, customer: &CustomerPrincipal) -> Result<Value, ApiError> {
    let aliases = Aliases::load(&state.app, Dialect::Winit).await?;
    let rows = state.app.list_warehouses(customer).await?;
    Ok(rows
        .iter()
        .map(|w| {
            json!({"warehouseID": WAREHOUSE_ID_BASE + w.warehouse_id, "warehouseCode": aliases.vendor_warehouse(&w.code),
                "warehouseName": w.name, "warehouseAddress": w.address, "country": w.country})
        })
        .collect())
}

/// The haicang code of `warehouseCode` (an alias) or `warehouseID`.
async fn warehouse_of(
    state: &AppState,
    customer: &CustomerPrincipal,
    aliases: &Aliases,
    data: &Value,
) -> Result<Option<String>, ApiError> {
    let f = Fields(data);
    if let Some(code) = f.text(&["warehouseCode"]) {
        return Ok(Some(aliases.warehouse(&code)));
    }
    let Some(id) = f.int(&["warehouseID", "warehouseId"])? else { return Ok(None) };
    let found =
        state.app.list_warehouses(customer).await?.into_iter().find(|w| w.warehouse_id + WAREHOUSE_ID_BASE == id);
    found.map(|w| Some(w.code)).ok_or_else(|| AppError::WarehouseNotFound(id.to_string()).into())
}

async fn storage(state: &AppState, customer: &CustomerPrincipal, data: &Value) -> Result<Value, ApiError> {
    let f = Fields(data);
    let aliases = Aliases::load(&state.app, Dialect::Winit).await?;
    let filter = haicang_app::query::StockFilter {
        warehouse_codes: warehouse_of(state, customer, &aliases, data).await?.into_iter().collect(),
        skus: f.texts(&["productCode", "productCodes", "merchandiseCode"]),
        conditions: Vec::new(),
    };
    let page = haicang_app::page_request(
        f.int(&["pageNo", "pageNum"])?,
        f.int(&["pageSize"])?.map(|s| s.clamp(1, haicang_app::PAGE_SIZE_MAX)),
    )?;
    let found = state.app.inventory(customer, &filter, page).await?;
    let rows: Vec<Value> = crate::stock::per_sku(&found.items)
        .iter()
        .map(|st| {
            json!({"productCode": st.sku, "productName": st.name,
                "warehouseCode": aliases.vendor_warehouse(&st.warehouse_code), "qtyAvailable": st.available(),
                "qtyReserved": st.reserved, "qtyInTransit": st.inbound + st.transfer, "qtyDefective": st.non_good,
                "qtyTotal": st.total()})
        })
        .collect();
    Ok(json!({"list": rows, "total": found.total, "pageNo": found.page, "pageSize": found.page_size}))
}

/// `createSubmittedOrder`: a parcel order, reserved at once ("submitted").
/// Winit writes the recipient flat: `recipientName`, `phoneNum`,
/// `emailAddress`, `state` (the country code), `region` (state or
/// province), `city`, `address1`, `address2`, `doorplateNumbers`,
/// `zipCode`; `deliveryWayID` is the shipping service (a WINIT alias);
/// `productList[].productCode` / `productNum`.
async fn create_outbound(state: &AppState, customer: &CustomerPrincipal, data: &Value) -> Result<Value, ApiError> {
    let f = Fields(data);
    let aliases = Aliases::load(&state.app, Dialect::Winit).await?;
    let warehouse = warehouse_of(state, customer, &aliases, data).await?.unwrap_or_default();
    let mut lines = Vec::new();
    for p in f.list(&["productList", "merchandiseList"]) {
        let pf = Fields(p);
        lines.push((
            pf.text(&["productCode", "merchandiseCode"]).unwrap_or_default(),
            pf.int(&["productNum", "quantity"])?.unwrap_or(0),
        ));
    }
    let recipient = haicang_core::outbound::Recipient {
        name: f.text(&["recipientName"]).unwrap_or_default(),
        phone: f.text(&["phoneNum", "phone"]),
        email: f.text(&["emailAddress", "email"]),
        company: f.text(&["company", "companyName"]),
        country: f.text(&["countryCode", "country", "state"]).unwrap_or_default().to_ascii_uppercase(),
        state: f.text(&["region", "province"]).map(|s| s.to_ascii_uppercase()),
        city: f.text(&["city"]).unwrap_or_default(),
        district: None,
        address_line1: f.text(&["address1"]).unwrap_or_default(),
        address_line2: f.text(&["address2"]),
        house_no: f.text(&["doorplateNumbers", "houseNo"]),
        postcode: f.text(&["zipCode", "postcode"]).unwrap_or_default(),
    };
    let cmd = haicang_app::outbound::CreateOutbound {
        warehouse_code: warehouse,
        shipping_service_code: aliases.haicang(
            haicang_core::dialects::AliasKind::ShippingService,
            &f.text(&["deliveryWayID", "deliveryWay", "deliveryWayCode"]).unwrap_or_default(),
        ),
        customer_reference: f.text(&["sellerOrderNo"]).unwrap_or_default(),
        platform: f
            .text(&["platform"])
            .map(|p| p.to_ascii_uppercase())
            .filter(|p| haicang_core::outbound::Platform::parse(p).is_some())
            .unwrap_or_else(|| "OTHER".into()),
        platform_order_no: f.text(&["eBayOrderID", "platformOrderNo"]),
        recipient,
        items: lines,
        label: None,
        tracking_no: None,
        note: f.text(&["remark", "note"]),
    };
    let created = state.app.create_outbound(customer, &cmd).await?;
    Ok(
        json!({"outboundOrderNum": created.order_no, "sellerOrderNo": cmd.customer_reference, "status": created.status.as_str()}),
    )
}

async fn outbound_by(state: &AppState, customer: &CustomerPrincipal, data: &Value) -> Result<String, ApiError> {
    let f = Fields(data);
    if let Some(no) = f.text(&["outboundOrderNum", "orderNo"]) {
        return Ok(no);
    }
    let reference = f.text(&["sellerOrderNo"]).ok_or(AppError::MissingParam { field: "outboundOrderNum" })?;
    let filter = haicang_app::query::OutboundFilter { references: vec![reference.clone()], ..Default::default() };
    let found = state
        .app
        .list_outbound(Viewer::Customer(customer), &filter, haicang_app::PageRequest { page: 1, page_size: 1 })
        .await?;
    found.items.into_iter().next().map(|o| o.order_no).ok_or_else(|| AppError::OutboundNotFound(reference).into())
}

async fn query_outbound(state: &AppState, customer: &CustomerPrincipal, data: &Value) -> Result<Value, ApiError> {
    let no = outbound_by(state, customer, data).await?;
    let d = state.app.outbound_detail(Viewer::Customer(customer), &no).await?;
    let aliases = Aliases::load(&state.app, Dialect::Winit).await?;
    let o = &d.order;
    let products: Vec<Value> =
        d.lines.iter().map(|l| json!({"productCode": l.sku, "productNum": l.quantity})).collect();
    Ok(json!({"outboundOrderNum": o.order_no, "sellerOrderNo": o.customer_reference, "status": o.status.as_str(),
        "warehouseCode": aliases.vendor_warehouse(&o.warehouse_code), "deliveryWayID": o.shipping_service_code,
        "trackingNum": o.tracking_no, "carrier": o.carrier, "createdDate": format_iso(o.created_at),
        "shippedDate": o.shipped_at.map(format_iso), "productList": products}))
}

async fn void_outbound(state: &AppState, customer: &CustomerPrincipal, data: &Value) -> Result<Value, ApiError> {
    let no = outbound_by(state, customer, data).await?;
    let o = state.app.cancel_outbound(customer, &no, Some("voided by Winit API")).await?;
    Ok(json!({"outboundOrderNum": o.order_no, "status": o.status.as_str(),
        "interceptStatus": o.intercept_status.0.map(|i| i.as_str())}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(data: &str) -> (String, Map<String, Value>) {
        let body = format!(
            r#"{{"action": "winit.wh.inbound.order.create", "app_key": "rebecca", "data": {data}, "format": "json",
               "platform": "OWNERERP", "sign_method": "md5", "timestamp": "2016-09-23 16:26:39", "version": "1.0"}}"#
        );
        let map = match serde_json::from_str::<Value>(&body).unwrap() {
            Value::Object(m) => m,
            _ => unreachable!(),
        };
        (body, map)
    }

    /// The signed string, spelled out: key + k/v pairs in key order + key.
    #[test]
    fn signs_the_documented_string_for_each_data_variant() {
        let data = "{\n  \"sellerOrderNo\": \"1\",\n  \"isForecastOrder\": null,\n  \"a\": [1, 2]\n}";
        let (body, map) = envelope(data);
        assert_eq!(raw_data(&body), Some(data));
        let variants = data_variants(data);
        assert_eq!(variants[1], r#"{"sellerOrderNo":"1","isForecastOrder":null,"a":[1,2]}"#);
        assert_eq!(variants[2], r#"{"a":[1,2],"sellerOrderNo":"1"}"#);
        for v in &variants {
            let text = format!(
                "TOKactionwinit.wh.inbound.order.createapp_keyrebeccadata{v}formatjsonplatformOWNERERPsign_methodmd5timestamp2016-09-23 16:26:39version1.0TOK"
            );
            assert_eq!(winit_sign(&map, v, "TOK"), hex::encode_upper(Md5::digest(text.as_bytes())));
        }
        assert_ne!(winit_sign(&map, &variants[0], "TOK"), winit_sign(&map, &variants[0], "OTHER"));
    }

    #[test]
    fn a_local_timestamp_is_fresh_in_some_zone() {
        let now = chrono::NaiveDateTime::parse_from_str("2026-11-30 10:00:00", "%Y-%m-%d %H:%M:%S")
            .unwrap()
            .and_utc()
            .timestamp_millis();
        assert!(timestamp_fresh("2026-11-30 18:02:00", now), "China time");
        assert!(timestamp_fresh("2026-11-30 09:57:00", now), "UTC");
        assert!(!timestamp_fresh("2026-11-30 18:10:00", now), "8 h 10 min off is no zone");
        assert!(!timestamp_fresh("2016-09-23 16:26:39", now));
        assert!(!timestamp_fresh("yesterday", now));
    }

    #[test]
    fn stray_spaces_in_keys_are_trimmed() {
        let v = trimmed_keys(json!({" inventoryAttribute": [{"tagName ": "stockOrg"}]}));
        assert_eq!(v["inventoryAttribute"][0]["tagName"], "stockOrg");
    }
}
