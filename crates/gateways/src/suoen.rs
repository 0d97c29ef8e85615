//! Suoen WMS (`shared/seeds/suoen-wms.txt`): the 16 endpoints it lists
//! under `/api/user/…` (its overview announces 17).
//!
//! The document gives purposes, paths and a few names (`appId`,
//! `appSecret`, `accessToken`, `refreshToken`, `InboundId`, `OutboundId`,
//! `TrackingNo`), no envelope and no field tables. **The contract chosen**:
//! - Envelope `{Success, Code, Message, Data, RequestId}`: `Code` 0 on
//!   success, else the catalogue's code (JF's numbers) with its zh/en
//!   message and HTTP status. Lists answer `Data: {Items, Page, PageSize,
//!   Total}`.
//! - Field names are PascalCase in the document's wording; requests are
//!   read case-insensitively (`Sku`, `sku`, `SKU` alike) and liberally
//!   (numbers as text and back). GET list filters may travel as query
//!   parameters or as a JSON body (the document says the body); both are
//!   merged, the query winning.
//! - Auth: `POST /api/user/authorization/Token {AppId, AppSecret}` →
//!   `{AccessToken, RefreshToken, TokenType, ExpiresIn, RefreshExpiresIn}`
//!   (a haicang token pair of the app); `RefreshToken {AccessToken,
//!   RefreshToken}` rotates it (the access token, expired or not, must be
//!   of the same pair's family); every other call sends `Authorization:
//!   Bearer`. Signing, rate limits and allowlists are the native API's.
//! - Codes are haicang's (warehouses through the SUOEN aliases, e.g.
//!   `US01` → US-LA01; shipping services as they are). Ids: `InboundId` and
//!   `OutboundId` are haicang's order numbers; `ReferenceNo` the seller's.
//! - Statuses are haicang's words (CREATED, WAVED, PICKING, PACKED,
//!   SHIPPED…; DRAFT, SUBMITTED, ARRIVED, RECEIVING, RECEIVED,
//!   PUTAWAY_DONE…). Sizes in cm and kg; money as decimal text with its
//!   currency; times ISO 8601 UTC.
//! - BatchStock: `BatchType` GOOD (合格品) or DEFECTIVE (残次品, any
//!   condition but GOOD); TotalStock: `GoodQty`, `DefectiveQty`,
//!   `AvailableQty`, `ReservedQty` (占用), `TotalQty`.
//! - BillList `BusinessType`: INBOUND, OUTBOUND, STORAGE, RETURN,
//!   WORK_ORDER, TRANSFER, COUNT or VAS; `From`/`To` days (yyyy-MM-dd).
//! - The contract is also an OpenAPI 3.1 document of its own at `GET
//!   /api/user/openapi.json` ([`openapi`]), beside the native one (whose
//!   envelope and fuzzing rules are the native API's).

use std::collections::HashMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use haicang_api::AppState;
use haicang_api::context::RequestContext;
use haicang_api::error::{ApiError, describe, localized};
use haicang_api::extract::{CallerOrigin, CustomerAuth};
use haicang_app::auth::TokenPair;
use haicang_app::inbound::CreateInbound;
use haicang_app::outbound::CreateOutbound;
use haicang_app::query::{BillFilter, InboundFilter, OutboundFilter, ProductFilter, StockFilter};
use haicang_app::{AppError, CustomerPrincipal, PAGE_SIZE_MAX, PageRequest, Viewer, page_request};
use haicang_core::billing::{Business, ChargeType};
use haicang_core::decimal::format_fixed;
use haicang_core::dialects::Dialect;
use haicang_core::inbound::{BoxDraft, ItemDraft};
use haicang_core::ledger::Condition;
use haicang_core::outbound::Recipient;
use haicang_core::product::{DeclarationDraft, ProductDraft};

use crate::Aliases;
use crate::fields::{Fields, format_iso};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/user/openapi.json", get(|| async { Json(openapi()) }))
        .route("/api/user/authorization/Token", post(token))
        .route("/api/user/authorization/RefreshToken", post(refresh))
        .route("/api/user/wms/Product/Add", post(product_add))
        .route("/api/user/wms/Product/List", get(product_list).post(product_list))
        .route("/api/user/wms/Inbound/Add", post(inbound_add))
        .route("/api/user/wms/Inbound/Cancel", post(inbound_cancel))
        .route("/api/user/wms/Inbound/List", get(inbound_list).post(inbound_list))
        .route("/api/user/wms/Outbound/Add", post(outbound_add))
        .route("/api/user/wms/Outbound/Cancel", post(outbound_cancel))
        .route("/api/user/wms/Outbound/List", get(outbound_list).post(outbound_list))
        .route("/api/user/wms/Outbound/Tracking", get(tracking).post(tracking))
        .route("/api/user/wms/BatchStock/List", get(batch_stock).post(batch_stock))
        .route("/api/user/wms/TotalStock/List", get(total_stock).post(total_stock))
        .route("/api/user/wms/Base/WarehouseList", get(warehouses).post(warehouses))
        .route("/api/user/wms/Base/ShippingServiceList", get(shipping_services).post(shipping_services))
        .route("/api/user/finance/BillList", get(bills).post(bills))
}

/// The endpoints: path, methods, summary, request fields (name, type,
/// note).
type Field = (&'static str, &'static str, &'static str);
const ENDPOINTS: &[(&str, &[&str], &str, &[Field])] = &[
    (
        "/api/user/authorization/Token",
        &["post"],
        "AppId and AppSecret for an access token and a refresh token",
        &[("AppId", "string", "the app's id"), ("AppSecret", "string", "the app's secret")],
    ),
    (
        "/api/user/authorization/RefreshToken",
        &["post"],
        "A new token pair for the pair's access and refresh tokens",
        &[("AccessToken", "string", "expired or not"), ("RefreshToken", "string", "spent by this call")],
    ),
    (
        "/api/user/wms/Product/Add",
        &["post"],
        "Create a product, or several under Products",
        &[
            ("Sku", "string", "2-50 characters"),
            ("Name", "string", ""),
            ("Barcode", "string", ""),
            ("Length", "number", "cm"),
            ("Width", "number", "cm"),
            ("Height", "number", "cm"),
            ("Weight", "number", "kg"),
            ("DeclaredNameEn", "string", ""),
            ("DeclaredNameCn", "string", ""),
            ("HsCode", "string", ""),
            ("OriginCountry", "string", "ISO 3166 alpha-2"),
            ("DeclaredValue", "number", ""),
            ("Currency", "string", ""),
            ("IsBattery", "boolean", ""),
            ("IsLiquid", "boolean", ""),
            ("Products", "array", "several products at once"),
        ],
    ),
    (
        "/api/user/wms/Product/List",
        &["get", "post"],
        "Products with their stock",
        &[
            ("Sku", "string", ""),
            ("Name", "string", "a fragment"),
            ("Page", "integer", "from 1"),
            ("PageSize", "integer", "at most 200"),
        ],
    ),
    (
        "/api/user/wms/Inbound/Add",
        &["post"],
        "Announce an inbound order",
        &[
            ("WarehouseCode", "string", "a SUOEN alias or a haicang code"),
            ("InboundType", "string", "CARTON, PALLET or PARCEL"),
            ("ReferenceNo", "string", "the seller's number, unique"),
            ("EstimatedArrival", "string", "yyyy-MM-dd"),
            ("TrackingNo", "string", ""),
            ("Carrier", "string", ""),
            ("Note", "string", ""),
            ("Boxes", "array", "BoxNo, Length, Width, Height (cm), Weight (kg), Items [{Sku, Quantity}]"),
            ("Items", "array", "without boxes: [{Sku, Quantity}]"),
        ],
    ),
    (
        "/api/user/wms/Inbound/Cancel",
        &["post"],
        "Cancel an inbound order not yet received",
        &[("InboundId", "string", "haicang's number"), ("Reason", "string", "")],
    ),
    (
        "/api/user/wms/Inbound/List",
        &["get", "post"],
        "Inbound orders and their progress",
        &[
            ("InboundId", "string", ""),
            ("ReferenceNo", "string", ""),
            ("WarehouseCode", "string", ""),
            (
                "Status",
                "string",
                "DRAFT, SUBMITTED, ARRIVED, RECEIVING, RECEIVED, PUTTING_AWAY, PUTAWAY_DONE, CANCELLED",
            ),
            ("Page", "integer", ""),
            ("PageSize", "integer", ""),
        ],
    ),
    (
        "/api/user/wms/Outbound/Add",
        &["post"],
        "Create an outbound (parcel) order; its units are reserved",
        &[
            ("WarehouseCode", "string", ""),
            ("ShippingServiceCode", "string", ""),
            ("ReferenceNo", "string", "unique"),
            ("Platform", "string", "AMAZON, EBAY, TEMU, TIKTOK, SHOPIFY, SHOPEE, WALMART or OTHER"),
            ("PlatformOrderNo", "string", ""),
            ("Recipient", "object", "Name, Phone, Email, Company, Country, State, City, Address1, Address2, PostCode"),
            ("Items", "array", "[{Sku, Quantity}]"),
            ("LabelUrl", "string", ""),
            ("TrackingNo", "string", ""),
            ("Note", "string", ""),
        ],
    ),
    (
        "/api/user/wms/Outbound/Cancel",
        &["post"],
        "Cancel before picking; afterwards an interception request",
        &[("OutboundId", "string", "haicang's number"), ("Reason", "string", "")],
    ),
    (
        "/api/user/wms/Outbound/List",
        &["get", "post"],
        "Outbound orders",
        &[
            ("OutboundId", "string", ""),
            ("ReferenceNo", "string", ""),
            ("TrackingNo", "string", ""),
            ("WarehouseCode", "string", ""),
            ("Status", "string", "CREATED, WAVED, PICKING, PICKED, PACKED, SHIPPED, CANCELLED, EXCEPTION"),
            ("Page", "integer", ""),
            ("PageSize", "integer", ""),
        ],
    ),
    (
        "/api/user/wms/Outbound/Tracking",
        &["get", "post"],
        "A parcel's tracking events",
        &[("OutboundId", "string", ""), ("TrackingNo", "string", "")],
    ),
    (
        "/api/user/wms/BatchStock/List",
        &["get", "post"],
        "Stock per lot and location",
        &[
            ("Sku", "string", ""),
            ("WarehouseCode", "string", ""),
            ("BatchType", "string", "GOOD or DEFECTIVE"),
            ("Page", "integer", ""),
            ("PageSize", "integer", ""),
        ],
    ),
    (
        "/api/user/wms/TotalStock/List",
        &["get", "post"],
        "Stock per warehouse and SKU",
        &[("Sku", "string", ""), ("WarehouseCode", "string", ""), ("Page", "integer", ""), ("PageSize", "integer", "")],
    ),
    (
        "/api/user/wms/Base/WarehouseList",
        &["get", "post"],
        "The seller's warehouses",
        &[("WarehouseCode", "string", ""), ("Status", "string", "ENABLED or DISABLED")],
    ),
    (
        "/api/user/wms/Base/ShippingServiceList",
        &["get", "post"],
        "Shipping services per warehouse",
        &[("WarehouseCode", "string", ""), ("ShippingServiceCode", "string", "")],
    ),
    (
        "/api/user/finance/BillList",
        &["get", "post"],
        "Bills",
        &[
            ("BillNo", "string", ""),
            ("From", "string", "yyyy-MM-dd"),
            ("To", "string", "yyyy-MM-dd"),
            ("BusinessType", "string", "INBOUND, OUTBOUND, STORAGE, RETURN, WORK_ORDER, TRANSFER, COUNT or VAS"),
            ("Status", "string", "OPEN, ISSUED or PAID"),
            ("Page", "integer", ""),
            ("PageSize", "integer", ""),
        ],
    ),
];

/// The Suoen contract as an OpenAPI 3.1 document (`GET
/// /api/user/openapi.json`), kept beside the native one: its envelope and
/// names are Suoen's, not the native API's.
pub fn openapi() -> Value {
    let mut paths = Map::new();
    for (path, methods, summary, fields) in ENDPOINTS {
        let properties: Map<String, Value> = fields
            .iter()
            .map(|(name, kind, note)| ((*name).to_owned(), json!({"type": kind, "description": note})))
            .collect();
        let public = path.starts_with("/api/user/authorization/");
        let mut item = Map::new();
        for method in *methods {
            let mut operation = json!({
                "summary": summary,
                "operationId": format!("suoen{}{}", path.rsplit('/').take(2).collect::<Vec<_>>().into_iter().rev().collect::<String>(), if *method == "get" { "Get" } else { "" }),
                "responses": {
                    "200": {"description": "Success: Code 0", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}}},
                    "default": {"description": "A refusal: Code is the catalogue's (JF's numbers), Data null", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}}},
                },
            });
            let body = json!({"type": "object", "properties": properties, "additionalProperties": true,
                "description": "Names are read case-insensitively; a GET may send them as query parameters"});
            operation["requestBody"] = json!({"required": false, "content": {"application/json": {"schema": body}}});
            if !public {
                operation["security"] = json!([{"bearer": []}]);
            }
            item.insert((*method).to_owned(), operation);
        }
        paths.insert((*path).to_owned(), Value::Object(item));
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "haicang — Suoen WMS dialect", "version": env!("CARGO_PKG_VERSION"),
            "description": "The 16 endpoints of Suoen's document served unchanged (crates/gateways/src/suoen.rs)."},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "AccessToken from /api/user/authorization/Token"}},
            "schemas": {"Envelope": {"type": "object", "required": ["Success", "Code", "Message", "Data", "RequestId"],
                "properties": {"Success": {"type": "boolean"}, "Code": {"type": "integer"}, "Message": {"type": "string"},
                    "Data": {"description": "The answer; lists are {Items, Page, PageSize, Total}"}, "RequestId": {"type": "string"}}}},
        },
    })
}

/// A Suoen answer.
pub struct Answer(Result<Value, ApiError>);

impl From<Result<Value, ApiError>> for Answer {
    fn from(r: Result<Value, ApiError>) -> Self {
        Answer(r)
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let request_id = RequestContext::current().request_id;
        match self.0 {
            Ok(data) => {
                Json(json!({"Success": true, "Code": 0, "Message": "OK", "Data": data, "RequestId": request_id}))
                    .into_response()
            }
            Err(e) => {
                let status = describe(&e).status;
                let (code, message) = localized(&e);
                let body = json!({"Success": false, "Code": code, "Message": message, "Data": null,
                    "RequestId": request_id});
                (status, Json(body)).into_response()
            }
        }
    }
}

/// A caller with a native bearer token; refusals in Suoen's envelope.
pub struct Caller(CustomerPrincipal);

impl axum::extract::FromRequestParts<AppState> for Caller {
    type Rejection = Answer;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        CustomerAuth::from_request_parts(parts, state).await.map(|c| Caller(c.0)).map_err(|e| Answer(Err(e)))
    }
}

/// The request's fields with lower-case keys (at every depth): the query
/// string over the JSON body.
fn input(parts: &Parts, body: &[u8]) -> Result<Value, ApiError> {
    let mut value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        haicang_api::extract::parse_json::<Value>(body)?
    };
    if !value.is_object() {
        return Err(ApiError::BadField("the body: a JSON object".into()));
    }
    for (k, v) in form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()) {
        value[k.to_ascii_lowercase()] = json!(v);
    }
    Ok(lower(value))
}

fn lower(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), lower(v))).collect::<Map<_, _>>())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(lower).collect()),
        other => other,
    }
}

fn page_of(f: &Fields) -> Result<PageRequest, ApiError> {
    Ok(page_request(
        f.int(&["page", "pageindex", "pageno"])?,
        f.int(&["pagesize"])?.map(|s| s.clamp(1, PAGE_SIZE_MAX)),
    )?)
}

fn list(items: Vec<Value>, page: i64, page_size: i64, total: i64) -> Value {
    json!({"Items": items, "Page": page, "PageSize": page_size, "Total": total})
}

fn tokens(t: TokenPair) -> Value {
    json!({"AccessToken": t.access_token, "RefreshToken": t.refresh_token, "TokenType": "Bearer",
        "ExpiresIn": t.expires_in, "RefreshExpiresIn": t.refresh_expires_in})
}

async fn token(State(s): State<AppState>, CallerOrigin(origin): CallerOrigin, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let (id, secret) = (f.text(&["appid"]).unwrap_or_default(), f.text(&["appsecret"]).unwrap_or_default());
        Ok(tokens(s.app.issue_token(&id, &secret, &origin).await?))
    }
    .await
    .into()
}

async fn refresh(State(s): State<AppState>, CallerOrigin(origin): CallerOrigin, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let access = f.text(&["accesstoken"]).unwrap_or_default();
        let refresh = f.text(&["refreshtoken"]).unwrap_or_default();
        if refresh.is_empty() {
            return Err(AppError::RefreshTokenRequired.into());
        }
        Ok(tokens(s.app.refresh_pair(&access, &refresh, &origin).await?))
    }
    .await
    .into()
}

fn draft(v: &Value) -> ProductDraft {
    let f = Fields(v);
    let declaration = DeclarationDraft {
        name_en: f.text(&["declarednameen", "declarenameen", "customsnameen"]),
        name_zh: f.text(&["declarednamecn", "declarednamezh", "declarenamecn", "customsnamecn"]),
        hs_code: f.text(&["hscode", "customscode"]),
        origin_country: f.text(&["origincountry", "origin", "countryoforigin"]),
        value: f.decimal(&["declaredvalue", "declaredprice"]),
        currency: f.text(&["currency", "declaredcurrency"]),
        attribute: None,
    };
    ProductDraft {
        sku: f.text(&["sku"]),
        name: f.text(&["name", "productname"]),
        barcode: f.text(&["barcode", "upc", "ean"]),
        length_cm: f.decimal(&["length"]),
        width_cm: f.decimal(&["width"]),
        height_cm: f.decimal(&["height"]),
        weight_kg: f.decimal(&["weight"]),
        declaration: (declaration != DeclarationDraft::default()).then_some(declaration),
        battery: f.bool(&["isbattery", "battery", "hasbattery"]).unwrap_or(false),
        liquid: f.bool(&["isliquid", "liquid"]).unwrap_or(false),
        ..ProductDraft::default()
    }
}

/// One product, or `Products: [...]` (each answers its own result).
async fn product_add(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let listed = Fields(&v).list(&["products", "items"]);
        let batch = !listed.is_empty();
        let items = if batch { listed } else { vec![&v] };
        let drafts: Vec<ProductDraft> = items.into_iter().map(draft).collect();
        let results = s.app.create_products(&c, &drafts).await?;
        if !batch {
            let p = results.into_iter().next().ok_or(AppError::MissingParam { field: "products" })??;
            return Ok(json!({"Sku": p.row.sku, "Status": p.row.status.as_str()}));
        }
        let rows: Vec<Value> = drafts
            .iter()
            .zip(results)
            .map(|(d, r)| match r {
                Ok(p) => json!({"Sku": p.row.sku, "Success": true, "Code": 0, "Message": "OK"}),
                Err(e) => {
                    let (code, message) = localized(&ApiError::App(e));
                    json!({"Sku": d.sku, "Success": false, "Code": code, "Message": message})
                }
            })
            .collect();
        Ok(Value::Array(rows))
    }
    .await
    .into()
}

/// Stock per warehouse and SKU, and the total of stock rows.
async fn totals(
    s: &AppState,
    c: &CustomerPrincipal,
    filter: &StockFilter,
    page: PageRequest,
) -> Result<(Vec<crate::stock::SkuStock>, i64), ApiError> {
    let found = s.app.inventory(c, filter, page).await?;
    Ok((crate::stock::per_sku(&found.items), found.total))
}

async fn product_list(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let filter = ProductFilter { sku: f.text(&["sku"]), name: f.text(&["name"]), ..Default::default() };
        let found = s.app.list_products(&c, &filter, page_of(&f)?).await?;
        // Each product's stock, read once for the page.
        let skus: Vec<String> = found.items.iter().map(|p| p.row.sku.clone()).collect();
        let stock_filter = StockFilter { skus, ..Default::default() };
        let page = PageRequest { page: 1, page_size: PAGE_SIZE_MAX };
        // (stock on hand, available) per SKU over its warehouses.
        let mut stock: HashMap<String, (i64, i64)> = HashMap::new();
        if !found.items.is_empty() {
            for t in totals(&s, &c, &stock_filter, page).await?.0 {
                let e = stock.entry(t.sku.clone()).or_default();
                e.0 += t.total();
                e.1 += t.available();
            }
        }
        let cm = |um: Option<i64>| um.map(|v| format_fixed(v / 100, 2, 0));
        let items = found
            .items
            .iter()
            .map(|p| {
                let r = &p.row;
                let (on_hand, available) = stock.get(&r.sku).copied().unwrap_or_default();
                json!({"Sku": r.sku, "Name": r.name, "Barcode": r.barcode, "Type": r.product_type.as_str(),
                    "Length": cm(r.length_um), "Width": cm(r.width_um), "Height": cm(r.height_um),
                    "Weight": r.weight_mg.map(|mg| format_fixed(mg, 6, 0)), "Status": r.status.as_str(),
                    "DeclaredNameEn": r.declared_name_en, "DeclaredNameCn": r.declared_name_zh, "HsCode": r.hs_code,
                    "OriginCountry": r.origin_country,
                    "StockQty": on_hand, "AvailableQty": available,
                    "CreatedAt": format_iso(r.created_at)})
            })
            .collect();
        Ok(list(items, found.page, found.page_size, found.total))
    }
    .await
    .into()
}

fn items(v: &Value) -> Result<Vec<ItemDraft>, ApiError> {
    Fields(v)
        .list(&["items", "products", "skus"])
        .into_iter()
        .map(|line| {
            let l = Fields(line);
            Ok(ItemDraft {
                sku: l.text(&["sku"]).unwrap_or_default(),
                quantity: l.int(&["quantity", "qty"])?.unwrap_or(0),
                ..ItemDraft::default()
            })
        })
        .collect()
}

async fn inbound_add(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let aliases = Aliases::load(&s.app, Dialect::Suoen).await?;
        let mut boxes = Vec::new();
        for b in f.list(&["boxes", "cartons"]) {
            let bf = Fields(b);
            boxes.push(BoxDraft {
                box_no: bf.text(&["boxno", "cartonno"]),
                barcode: bf.text(&["barcode"]),
                length_cm: bf.decimal(&["length"]),
                width_cm: bf.decimal(&["width"]),
                height_cm: bf.decimal(&["height"]),
                weight_kg: bf.decimal(&["weight"]),
                items: items(b)?,
            });
        }
        let forecast = if boxes.is_empty() { items(&v)? } else { Vec::new() };
        let kind = f.text(&["inboundtype", "type"]).unwrap_or_else(|| "CARTON".into()).to_ascii_uppercase();
        let cmd = CreateInbound {
            warehouse_code: aliases.warehouse(&f.text(&["warehousecode"]).unwrap_or_default()),
            inbound_type: match kind.as_str() {
                "箱装" | "BOX" => "CARTON".into(),
                "托盘" => "PALLET".into(),
                _ => kind,
            },
            mode: None,
            customer_reference: f.text(&["referenceno", "reference"]).unwrap_or_default(),
            expected_arrival: f.text(&["estimatedarrival", "estimatedarrivaldate", "eta"]).map(|t| t.chars().take(10).collect()),
            carrier: f.text(&["carrier"]),
            tracking_no: f.text(&["trackingno"]),
            note: f.text(&["note", "remark"]),
            draft: false,
            boxes,
            forecast,
            keep_sealed: false,
            attributes: None,
        };
        let created = s.app.create_inbound(&c, &cmd).await?;
        Ok(json!({"InboundId": created.order_no, "ReferenceNo": cmd.customer_reference, "Status": created.status.as_str()}))
    }
    .await
    .into()
}

async fn inbound_cancel(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let id = f.text(&["inboundid"]).ok_or(AppError::MissingParam { field: "InboundId" })?;
        let reason = f.text(&["reason", "cancelreason"]);
        let stepped = s.app.cancel_inbound(&c, &id, reason.as_deref()).await?;
        Ok(json!({"InboundId": stepped.order_no, "Status": stepped.status.as_str()}))
    }
    .await
    .into()
}

async fn inbound_list(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let aliases = Aliases::load(&s.app, Dialect::Suoen).await?;
        let filter = InboundFilter {
            order_nos: f.texts(&["inboundid", "inboundids"]),
            references: f.texts(&["referenceno"]),
            warehouse_code: f.text(&["warehousecode"]).map(|w| aliases.warehouse(&w)),
            status: f.text(&["status"]).map(|t| t.to_ascii_uppercase()),
            ..Default::default()
        };
        let found = s.app.list_inbound(Viewer::Customer(&c), &filter, page_of(&f)?).await?;
        let rows = found
            .items
            .iter()
            .map(|o| {
                json!({"InboundId": o.order_no, "ReferenceNo": o.customer_reference,
                    "WarehouseCode": aliases.vendor_warehouse(&o.warehouse_code), "InboundType": o.inbound_type.as_str(),
                    "Status": o.status.as_str(), "TrackingNo": o.tracking_no, "Carrier": o.carrier,
                    "BoxQty": o.box_count, "Quantity": o.unit_count, "EstimatedArrival": o.expected_arrival,
                    "CreatedAt": format_iso(o.created_at), "ArrivedAt": o.arrived_at.map(format_iso),
                    "ReceivedAt": o.received_at.map(format_iso), "PutawayAt": o.putaway_at.map(format_iso)})
            })
            .collect();
        Ok(list(rows, found.page, found.page_size, found.total))
    }
    .await
    .into()
}

fn recipient(v: &Value) -> Recipient {
    // Nested (`Recipient`, `Address`, `ShipTo`) or flat on the order.
    let nested = ["recipient", "address", "shipto"].iter().find_map(|k| v.get(*k).filter(|x| x.is_object()));
    let f = Fields(nested.unwrap_or(v));
    Recipient {
        name: f.text(&["name", "recipientname", "contact"]).unwrap_or_default(),
        phone: f.text(&["phone", "tel"]),
        email: f.text(&["email"]),
        company: f.text(&["company"]),
        country: f.text(&["country", "countrycode"]).unwrap_or_default().to_ascii_uppercase(),
        state: f.text(&["state", "province"]).map(|s| s.to_ascii_uppercase()),
        city: f.text(&["city"]).unwrap_or_default(),
        district: f.text(&["district"]),
        address_line1: f.text(&["address1", "addressline1", "street", "address"]).unwrap_or_default(),
        address_line2: f.text(&["address2", "addressline2"]),
        house_no: f.text(&["houseno", "housenumber"]),
        postcode: f.text(&["postcode", "zipcode", "zip", "postalcode"]).unwrap_or_default(),
    }
}

async fn outbound_add(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let aliases = Aliases::load(&s.app, Dialect::Suoen).await?;
        let lines = items(&v)?.into_iter().map(|i| (i.sku, i.quantity)).collect();
        let cmd = CreateOutbound {
            warehouse_code: aliases.warehouse(&f.text(&["warehousecode"]).unwrap_or_default()),
            shipping_service_code: aliases.haicang(
                haicang_core::dialects::AliasKind::ShippingService,
                &f.text(&["shippingservicecode", "shippingservice"]).unwrap_or_default(),
            ),
            customer_reference: f.text(&["referenceno", "reference", "orderno"]).unwrap_or_default(),
            platform: f.text(&["platform"]).map(|p| p.to_ascii_uppercase()).unwrap_or_else(|| "OTHER".into()),
            platform_order_no: f.text(&["platformorderno"]),
            recipient: recipient(&v),
            items: lines,
            label: f.text(&["labelurl", "label"]),
            tracking_no: f.text(&["trackingno"]),
            note: f.text(&["note", "remark"]),
        };
        let created = s.app.create_outbound(&c, &cmd).await?;
        Ok(json!({"OutboundId": created.order_no, "ReferenceNo": cmd.customer_reference, "Status": created.status.as_str()}))
    }
    .await
    .into()
}

async fn outbound_cancel(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let id = f.text(&["outboundid"]).ok_or(AppError::MissingParam { field: "OutboundId" })?;
        let reason = f.text(&["reason", "cancelreason"]);
        let o = s.app.cancel_outbound(&c, &id, reason.as_deref()).await?;
        Ok(json!({"OutboundId": o.order_no, "Status": o.status.as_str(),
            "InterceptStatus": o.intercept_status.0.map(|i| i.as_str())}))
    }
    .await
    .into()
}

async fn outbound_list(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let aliases = Aliases::load(&s.app, Dialect::Suoen).await?;
        let filter = OutboundFilter {
            order_nos: f.texts(&["outboundid", "outboundids"]),
            references: f.texts(&["referenceno"]),
            tracking_nos: f.texts(&["trackingno"]),
            warehouse_code: f.text(&["warehousecode"]).map(|w| aliases.warehouse(&w)),
            status: f.text(&["status"]).map(|t| t.to_ascii_uppercase()),
            ..Default::default()
        };
        let found = s.app.list_outbound(Viewer::Customer(&c), &filter, page_of(&f)?).await?;
        let rows = found
            .items
            .iter()
            .map(|o| {
                json!({"OutboundId": o.order_no, "ReferenceNo": o.customer_reference,
                    "WarehouseCode": aliases.vendor_warehouse(&o.warehouse_code),
                    "ShippingServiceCode": o.shipping_service_code, "Status": o.status.as_str(),
                    "TrackingNo": o.tracking_no, "Carrier": o.carrier.clone().unwrap_or_else(|| o.carrier_default.clone()),
                    "Platform": o.platform.as_str(), "PlatformOrderNo": o.platform_order_no,
                    "WeightKg": o.weight_g.map(|g| format_fixed(g, 3, 0)),
                    "CreatedAt": format_iso(o.created_at), "ShippedAt": o.shipped_at.map(format_iso)})
            })
            .collect();
        Ok(list(rows, found.page, found.page_size, found.total))
    }
    .await
    .into()
}

/// By `OutboundId` or `TrackingNo`: the parcel's events, oldest first.
async fn tracking(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let order_no = match (f.text(&["outboundid"]), f.text(&["trackingno"])) {
            (Some(id), _) => id,
            (None, Some(tracking)) => {
                let filter = OutboundFilter { tracking_nos: vec![tracking.clone()], ..Default::default() };
                let page = PageRequest { page: 1, page_size: 1 };
                let found = s.app.list_outbound(Viewer::Customer(&c), &filter, page).await?;
                found.items.into_iter().next().map(|o| o.order_no).ok_or(AppError::OutboundNotFound(tracking))?
            }
            (None, None) => return Err(AppError::MissingParam { field: "OutboundId" }.into()),
        };
        let d = s.app.outbound_detail(Viewer::Customer(&c), &order_no).await?;
        let events: Vec<Value> = d
            .events
            .iter()
            .map(|e| {
                json!({"Code": e.code, "Description": e.description, "Location": e.location,
                "Time": format_iso(e.occurred_at)})
            })
            .collect();
        let status = d.events.last().map(|e| e.code.clone()).unwrap_or_else(|| d.order.status.as_str().to_owned());
        Ok(json!({"OutboundId": d.order.order_no, "TrackingNo": d.order.tracking_no,
            "Carrier": d.order.carrier.clone().unwrap_or_else(|| d.order.carrier_default.clone()),
            "Status": status, "Events": events}))
    }
    .await
    .into()
}

fn stock_filter(f: &Fields, aliases: &Aliases) -> StockFilter {
    StockFilter {
        warehouse_codes: f.texts(&["warehousecode"]).iter().map(|w| aliases.warehouse(w)).collect(),
        skus: f.texts(&["sku", "skus"]),
        conditions: Vec::new(),
    }
}

/// Lots per location: GOOD (合格品) or DEFECTIVE (残次品: every other
/// condition).
async fn batch_stock(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let aliases = Aliases::load(&s.app, Dialect::Suoen).await?;
        let mut filter = stock_filter(&f, &aliases);
        match f.text(&["batchtype"]).map(|t| t.to_ascii_uppercase()).as_deref() {
            None => {}
            Some("GOOD" | "合格品") => filter.conditions = vec![Condition::Good.as_str().to_owned()],
            Some("DEFECTIVE" | "残次品") => {
                filter.conditions =
                    Condition::ALL.iter().filter(|c| **c != Condition::Good).map(|c| c.as_str().to_owned()).collect()
            }
            Some(_) => {
                return Err(AppError::InvalidParam { field: "BatchType", reason: "GOOD or DEFECTIVE".into() }.into());
            }
        }
        let found = s.app.inventory_lots(&c, &filter, page_of(&f)?).await?;
        let rows = found
            .items
            .iter()
            .map(|l| {
                let batch_type = if l.condition == Condition::Good { "GOOD" } else { "DEFECTIVE" };
                json!({"Sku": l.sku, "WarehouseCode": aliases.vendor_warehouse(&l.warehouse_code),
                    "LocationCode": l.location_code, "LotNo": l.lot_code, "BatchNo": l.batch_no,
                    "BatchType": batch_type, "Condition": l.condition.as_str(), "Quantity": l.quantity,
                    "InboundAt": format_iso(l.inbound_at), "ExpiryDate": l.expiry_date})
            })
            .collect();
        Ok(list(rows, found.page, found.page_size, found.total))
    }
    .await
    .into()
}

async fn total_stock(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let aliases = Aliases::load(&s.app, Dialect::Suoen).await?;
        let page = page_of(&f)?;
        let (rows, total) = totals(&s, &c, &stock_filter(&f, &aliases), page).await?;
        let items = rows
            .into_iter()
            .map(|t| {
                json!({"Sku": t.sku, "Name": t.name, "WarehouseCode": aliases.vendor_warehouse(&t.warehouse_code),
                    "GoodQty": t.good, "DefectiveQty": t.non_good, "AvailableQty": t.available(),
                    "ReservedQty": t.reserved, "TotalQty": t.total()})
            })
            .collect();
        Ok(list(items, page.page, page.page_size, total))
    }
    .await
    .into()
}

async fn warehouses(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let aliases = Aliases::load(&s.app, Dialect::Suoen).await?;
        let wanted = f.text(&["warehousecode"]).map(|w| aliases.warehouse(&w));
        let status = f.text(&["status"]).map(|t| t.to_ascii_uppercase());
        let rows: Vec<Value> = s
            .app
            .list_warehouses(&c)
            .await?
            .into_iter()
            .filter(|w| wanted.as_deref().is_none_or(|x| x == w.code))
            .filter(|w| status.as_deref().is_none_or(|x| x == w.status.as_str()))
            .map(|w| {
                json!({"WarehouseCode": aliases.vendor_warehouse(&w.code), "WarehouseName": w.name,
                    "Country": w.country, "Address": w.address, "TimeZone": w.timezone, "Status": w.status.as_str(),
                    "AcceptingOrders": w.accepting_orders != 0})
            })
            .collect();
        Ok(Value::Array(rows))
    }
    .await
    .into()
}

async fn shipping_services(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let aliases = Aliases::load(&s.app, Dialect::Suoen).await?;
        let codes: Vec<String> = match f.text(&["warehousecode"]) {
            Some(w) => vec![aliases.warehouse(&w)],
            None => s.app.list_warehouses(&c).await?.into_iter().map(|w| w.code).collect(),
        };
        let wanted = f.text(&["shippingservicecode"]);
        let mut rows = Vec::new();
        for code in codes {
            for svc in s.app.list_shipping_services(&c, &code).await? {
                if wanted.as_deref().is_some_and(|x| x != svc.code) {
                    continue;
                }
                rows.push(json!({"WarehouseCode": aliases.vendor_warehouse(&code), "ShippingServiceCode": svc.code,
                    "ShippingServiceName": svc.name, "Carrier": svc.carrier, "Status": svc.status.as_str()}));
            }
        }
        Ok(Value::Array(rows))
    }
    .await
    .into()
}

async fn bills(State(s): State<AppState>, Caller(c): Caller, parts: Parts, body: Bytes) -> Answer {
    async {
        let v = input(&parts, &body)?;
        let f = Fields(&v);
        let business = match f.text(&["businesstype"]) {
            None => None,
            Some(t) => Some(Business::parse(&t).ok_or(AppError::InvalidParam {
                field: "BusinessType",
                reason: "INBOUND, OUTBOUND, STORAGE, RETURN, WORK_ORDER, TRANSFER, COUNT or VAS".into(),
            })?),
        };
        let filter = BillFilter {
            bill_no: f.text(&["billno"]),
            charge_types: business
                .map(|b| ChargeType::ALL.iter().filter(|t| t.business() == b).map(|t| t.as_str().to_owned()).collect())
                .unwrap_or_default(),
            status: f.text(&["status", "paymentstatus"]).map(|t| t.to_ascii_uppercase()),
            from_day: f.text(&["from", "starttime", "begindate"]).map(|t| t.chars().take(10).collect()),
            to_day: f.text(&["to", "endtime", "enddate"]).map(|t| t.chars().take(10).collect()),
        };
        let found = s.app.bills(Some(c.customer_id), &filter, page_of(&f)?).await?;
        let digits = |currency: &str| if currency == "JPY" { 0 } else { 2 };
        let rows = found
            .items
            .iter()
            .map(|b| {
                json!({"BillNo": b.bill_no, "Currency": b.currency, "PeriodFrom": b.period_from,
                    "PeriodTo": b.period_to, "Amount": format_fixed(b.charged, digits(&b.currency), 2),
                    "Status": b.status, "IssuedAt": b.issued_at.map(format_iso), "PaidAt": b.paid_at.map(format_iso)})
            })
            .collect();
        Ok(list(rows, found.page, found.page_size, found.total))
    }
    .await
    .into()
}
