//! Qianyi ERP (`shared/seeds/qianyi-erp-inventory.txt`): `POST
//! /api/v1/{module}` with the form fields `appId, serviceType, bizParam` (a
//! JSON string), `timestamp` and `sign` ([`SignedForm`]). The one path the
//! dialect shares with the native API: the native inventory is `GET
//! /api/v1/inventory`, Qianyi's the `POST`.
//!
//! **Answers** are always HTTP 200 with `{state, errorCode, errorMsg,
//! bizContent, requestId}`: `state` "success" or "fail", `bizContent` a
//! JSON *string* (`{"notSuccess":false,"result":…,"state":"success",
//! "total":…}`), `errorCode` a word (below) and `errorMsg` the catalogue's
//! message with its number, e.g. "[10026] SIGN error" (zh/en by
//! `Accept-Language`).
//!
//! **Decisions where the document is silent or loose:**
//! - The body may be `multipart/form-data` (the document's curl `--form`),
//!   `application/x-www-form-urlencoded`, or JSON with the same fields. A
//!   POST with no body or another content type is not a Qianyi call: it
//!   gets the native API's 405 (10064).
//! - `timestamp` in seconds (the examples) or milliseconds, within 5
//!   minutes of the server's clock; a signature used before within the
//!   window is refused as a replay (there is no nonce field).
//! - The signature's "concatenated" is accepted with and without `&`.
//! - Service types: the seven of the document, and the aliases
//!   `CREATE_TRANSFER_ORDER` / `QUERY_TRANSFER_ORDER_LIST` of a public SDK.
//! - An empty string filter is absent; a required time range that is
//!   missing defaults to the last 30 days (an SDK never sends it).
//! - Warehouses are Qianyi warehouse *names* (`warehouse`,
//!   `warehouseName`): aliases of haicang codes (`haicang admin alias set
//!   QIANYI WAREHOUSE "<name>" US-LA01`); a name without an alias is taken
//!   as a haicang code. `warehouseCode` in answers is haicang's code.
//! - Times are answered as the examples show them: inventory log times as
//!   `yyyy-MM-dd HH:mm:ss` (UTC), document times (`createTime`, …) as epoch
//!   milliseconds.
//! - Cost and goods value (`fillCostAndGoods`) are the declared customs
//!   value, in the product's declared currency whatever `originCurrency`
//!   says (haicang keeps no purchase cost and no exchange rates).
//! - Purchase, first-leg-allocated, assembly and manual in-transit
//!   quantities, which haicang has no notion of, are 0.
//! - Error words: DATA_INPUT_ERROR (bad or missing input), SIGN_ERROR,
//!   TIMESTAMP_ERROR, REPEATED_REQUEST, APP_ID_ERROR, SERVICE_TYPE_ERROR,
//!   NOT_FOUND, RATE_LIMITED, BIZ_ERROR (a refused business rule),
//!   SYSTEM_ERROR.

mod services;
mod sign;

pub use sign::SignedForm;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, post};
use serde_json::{Value, json};

use haicang_api::AppState;
use haicang_api::context::RequestContext;
use haicang_api::error::{ApiError, describe, localized};
use haicang_app::{AppError, CustomerPrincipal, now_ms};

/// How far a request's timestamp may be from the server's clock.
pub const WINDOW_MS: i64 = 5 * 60 * 1000;

pub fn routes() -> Router<AppState> {
    // Every other method is refused as the native API refuses it, naming
    // only the native GET: the Qianyi POST is not part of the native
    // contract (its OpenAPI document).
    let others = MethodFilter::OPTIONS
        .or(MethodFilter::PUT)
        .or(MethodFilter::DELETE)
        .or(MethodFilter::PATCH)
        .or(MethodFilter::TRACE)
        .or(MethodFilter::CONNECT);
    Router::new().route("/api/v1/inventory", post(inventory).on(others, native_get_only))
}

/// The native API's 405 at the shared path.
fn native_get_only() -> std::future::Ready<Response> {
    let mut response = ApiError::MethodNotAllowed.into_response();
    response.headers_mut().insert(axum::http::header::ALLOW, axum::http::HeaderValue::from_static("GET,HEAD"));
    std::future::ready(response)
}

/// A Qianyi answer.
pub enum Answer {
    /// `result` (and `total` for lists) inside `bizContent`.
    Ok {
        result: Value,
        total: Option<i64>,
    },
    Err(ApiError),
}

impl From<ApiError> for Answer {
    fn from(e: ApiError) -> Self {
        Answer::Err(e)
    }
}

impl From<AppError> for Answer {
    fn from(e: AppError) -> Self {
        Answer::Err(e.into())
    }
}

/// The word Qianyi clients switch on, for an error of the catalogue.
fn error_word(e: &ApiError) -> &'static str {
    let described = describe(e);
    match (e, described.code) {
        (ApiError::BadSignature, _) => "SIGN_ERROR",
        (ApiError::StaleTimestamp, _) | (_, 10025) => "TIMESTAMP_ERROR",
        (ApiError::ReplayedNonce, _) => "REPEATED_REQUEST",
        (ApiError::RateLimited(_), _) => "RATE_LIMITED",
        (ApiError::App(AppError::InvalidClient | AppError::AccountDisabled), _) => "APP_ID_ERROR",
        (ApiError::NotOffered(_), _) => "SERVICE_TYPE_ERROR",
        _ if described.status == StatusCode::NOT_FOUND => "NOT_FOUND",
        _ if described.status.is_server_error() => "SYSTEM_ERROR",
        _ if described.status == StatusCode::BAD_REQUEST => "DATA_INPUT_ERROR",
        _ if described.status == StatusCode::UNAUTHORIZED => "APP_ID_ERROR",
        _ => "BIZ_ERROR",
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let ctx = RequestContext::current();
        let body = match self {
            Answer::Ok { result, total } => {
                let mut content = json!({"notSuccess": false, "result": result, "state": "success"});
                if let Some(total) = total {
                    content["total"] = json!(total);
                }
                json!({"state": "success", "errorCode": "", "errorMsg": "", "bizContent": content.to_string(),
                    "requestId": ctx.request_id})
            }
            Answer::Err(e) => {
                if let ApiError::App(AppError::Store(cause)) = &e {
                    tracing::error!(request_id = %ctx.request_id, error = %cause, "qianyi request failed");
                }
                let (code, message) = localized(&e);
                json!({"state": "fail", "errorCode": error_word(&e), "errorMsg": format!("[{code}] {message}"),
                    "bizContent": "", "requestId": ctx.request_id})
            }
        };
        (StatusCode::OK, Json(body)).into_response()
    }
}

/// A verified request: the app's customer, the service type and its
/// parameters.
pub struct Call {
    pub customer: CustomerPrincipal,
    pub service_type: String,
    pub biz: Value,
}

async fn inventory(State(state): State<AppState>, parts: Parts, body: Bytes) -> Response {
    // The path is shared with the native API: a POST that carries no form
    // (or JSON) body is not a Qianyi call, and the native API has no POST
    // here (10064, 405).
    let kind = content_type(&parts.headers).to_ascii_lowercase();
    let form = ["multipart/form-data", "application/x-www-form-urlencoded", "application/json"];
    if body.is_empty() || !form.iter().any(|f| kind.starts_with(f)) {
        return native_get_only().into_inner();
    }
    match verify(&state, &parts, &body).await {
        Ok(call) => services::dispatch(&state, call).await,
        Err(e) => Answer::Err(e),
    }
    .into_response()
}

/// As sent: a multipart boundary is case-sensitive.
fn content_type(headers: &HeaderMap) -> String {
    headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

async fn verify(state: &AppState, parts: &Parts, body: &[u8]) -> Result<Call, ApiError> {
    let fields = haicang_api::form::fields(&content_type(&parts.headers), body)?;
    let field = |name: &'static str| -> Result<&str, ApiError> {
        fields
            .iter()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
            .ok_or(AppError::MissingParam { field: name }.into())
    };
    let (app_id, service_type, biz_param, timestamp, sign) =
        (field("appId")?, field("serviceType")?, field("bizParam")?, field("timestamp")?, field("sign")?);
    let at: i64 = timestamp.trim().parse().map_err(|_| ApiError::Header { name: "timestamp", missing: false })?;
    let at = if timestamp.trim().len() <= 10 { at.saturating_mul(1000) } else { at };
    let now = now_ms();
    if now.abs_diff(at) > WINDOW_MS.unsigned_abs() {
        return Err(ApiError::StaleTimestamp);
    }
    let (customer, secret) = state.app.signing_app(app_id.trim()).await?.ok_or(AppError::InvalidClient)?;
    let signed = SignedForm { app_id, biz_param, service_type, timestamp };
    if !signed.verify(&secret, sign) {
        return Err(ApiError::BadSignature);
    }
    // No nonce in this dialect: a signature is good once per window.
    let app = customer.app_id.ok_or(AppError::InvalidClient)?;
    if !state
        .app
        .first_use_of_nonce(app, &format!("qianyi:{}", sign.trim().to_ascii_lowercase()), now, WINDOW_MS)
        .await?
    {
        return Err(ApiError::ReplayedNonce);
    }
    let customer = CustomerPrincipal { origin: haicang_api::extract::origin(parts), ..customer };
    haicang_api::extract::admit(parts, state, &customer).await?;
    let biz: Value = haicang_api::extract::parse_json(biz_param.as_bytes())?;
    if !biz.is_object() {
        return Err(ApiError::BadField("bizParam: a JSON object".into()));
    }
    Ok(Call { customer, service_type: service_type.trim().to_ascii_uppercase(), biz })
}
