//! JF WMS (`shared/seeds/jfwms-api.txt`), served at its documented paths.
//!
//! **Auth.** OAuth as the document's "API使用说明": a seller user (the
//! merchant, by email) gives its ERP an authorisation token (`haicang admin
//! seller grant`); `GET /api/oauth/authorize?clientId&email&token&domain`
//! answers a one-time key, `GET /api/oauth/accessToken?clientId&clientSecret&key`
//! a pair `{accessToken, refreshToken, userId, expireIn}` (the JF client id
//! and secret are a haicang app's; `userId` is the seller user's id),
//! `GET /api/oauth/refreshToken?clientId[&clientSecret]&refreshToken` a new
//! pair. Business calls are POST with JSON and the headers `clientId,
//! accessToken, timestamp (ms), nonce, userId, sign` ([`SignedRequest`]):
//! a timestamp more than 5 minutes off is 10028, a nonce used before with
//! the same timestamp 10027 (JF suggests two-digit nonces: a nonce alone
//! would repeat within minutes),
//! a wrong signature 10026, a missing header its own code (10004, 10006,
//! 10020–10023), an access token of another app 10008.
//!
//! **Answers.** The envelope `{code, message, data, requestId}`; success is
//! `code` 0 and `message` "SUCCESS"; errors are the catalogue's, whose
//! numbers and texts are JF's (zh/en by `Accept-Language`, English by
//! default), with the catalogue's HTTP status. Paged lists answer
//! `data.page.{pageNo, pageSize, totalPage, totalSize, rows}` and the same
//! rows as `data.rows`. Warehouses and logistics channels are shown and
//! read through the JF aliases (`haicang admin alias`); a code without an
//! alias stands for itself. Times are `yyyy-MM-ddTHH:mm:ss` UTC.
//!
//! **Decisions where the document is silent** (it lists endpoints and
//! models by name only; paths and fields follow public JF clients and the
//! field names its error texts and webhooks use):
//! - Paths: `/api/order/{create,get,batchGet,cancel,platformCancel,
//!   markShipped}`, `/api/sku/{create,update,get}`,
//!   `/api/inventory/queryInventory`, `/api/warehouse/{getList,get}`,
//!   `/api/logistics/{getChannelList,getOnlineList,getPrice}`,
//!   `/api/inbound/{create,cancel,get,updateTrackingNo,printBoxLabel,
//!   getPackageNo}`; a few obvious variants are routed too (see `routes`).
//! - Bodies are read liberally ([`crate::fields`]): numbers as text and
//!   back, `num`/`quantity`, `skuList`/`skus`, an empty string as absent.
//! - Order status (`status`, 1–11; JF's list is not in the document):
//!   1 created, 2 waved, 3 picking, 4 picked, 5 packed, 6 shipped,
//!   7 cancelled, 8 exception, 9 intercepted (cancelled by an interception),
//!   10 cancelled by the platform (`platformCancel`), 11 delivered (a
//!   DELIVERED tracking event). Intercept status: 1 requested, 2 succeeded,
//!   3 failed.
//! - `domain` of the authorisation is accepted and not checked: one
//!   haicang deployment is one JF "domain".
//! - `expireIn` is in seconds (86400).
//! - **Not offered** (answer -1 with the capability named, HTTP 501):
//!   `markShipped` (a seller cannot hand an order to a carrier itself),
//!   `logistics/getPrice` (no quoting yet), distribution products and their
//!   inventory (`/api/sku/distribution…`: 20017, no distribution in haicang),
//!   Temu direct-mail orders (`/api/directOrder/…`), OMS customer checks,
//!   and JF's B2B documents (`/api/b2b/…`): haicang has B2B orders and
//!   sealed cartons (native `/b2b-outbound-orders`, CARTON inbounds), but
//!   the document names JF's B2B models without their fields.
//! - Return orders are `/api/inbound/{createReturn, cancelReturn,
//!   getReturn, pageReturn}` (the document files them under 入库单); fees
//!   `/api/fee/{getDocumentFee, query}` by haicang document numbers or
//!   order erpNos.

mod catalog;
mod inbound;
mod oauth;
mod orders;
mod returns;
mod sign;

pub use sign::SignedRequest;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use haicang_api::AppState;
use haicang_api::context::RequestContext;
use haicang_api::error::ApiError;
use haicang_api::extract::{admit, origin, parse_json};
use haicang_app::{AppError, CustomerPrincipal, Principal, now_ms};

/// How far a request's timestamp may be from the server's clock.
pub const WINDOW_MS: i64 = 5 * 60 * 1000;

pub fn routes() -> Router<AppState> {
    let mut router = Router::new()
        .route("/api/oauth/authorize", get(oauth::authorize).post(oauth::authorize))
        .route("/api/oauth/accessToken", get(oauth::access_token).post(oauth::access_token))
        .route("/api/oauth/refreshToken", get(oauth::refresh).post(oauth::refresh));
    for path in NOT_OFFERED {
        // Authenticated like any call: an anonymous caller learns nothing.
        router = router.route(path, post(|_: Caller| not_offered(NOT_OFFERED_WHAT)));
    }
    for (path, handler) in business() {
        router = router.route(
            path,
            post(move |caller: Caller, state: axum::extract::State<AppState>, body: Body| async move {
                handler(caller, state.0, body.0).await
            }),
        );
    }
    router
}

/// The JF business paths and their handlers (the signed POSTs).
fn business() -> Vec<(&'static str, Handler)> {
    vec![
        ("/api/order/create", |c, s, b| Box::pin(orders::create(c, s, b))),
        ("/api/order/createOrder", |c, s, b| Box::pin(orders::create(c, s, b))),
        ("/api/order/get", |c, s, b| Box::pin(orders::get(c, s, b))),
        ("/api/order/detail", |c, s, b| Box::pin(orders::get(c, s, b))),
        ("/api/order/batchGet", |c, s, b| Box::pin(orders::batch_get(c, s, b))),
        ("/api/order/getList", |c, s, b| Box::pin(orders::batch_get(c, s, b))),
        ("/api/order/cancel", |c, s, b| Box::pin(orders::cancel(c, s, b))),
        ("/api/order/platformCancel", |c, s, b| Box::pin(orders::platform_cancel(c, s, b))),
        ("/api/order/markPlatformCancel", |c, s, b| Box::pin(orders::platform_cancel(c, s, b))),
        ("/api/order/markShipped", |_, _, _| Box::pin(not_offered("marking an order shipped"))),
        ("/api/order/getPackageNo", |c, s, b| Box::pin(orders::package_no(c, s, b))),
        ("/api/inbound/getPackageNo", |c, s, b| Box::pin(orders::package_no(c, s, b))),
        ("/api/sku/create", |c, s, b| Box::pin(catalog::create_skus(c, s, b))),
        ("/api/sku/update", |c, s, b| Box::pin(catalog::update_sku(c, s, b))),
        ("/api/sku/get", |c, s, b| Box::pin(catalog::get_skus(c, s, b))),
        ("/api/sku/detail", |c, s, b| Box::pin(catalog::get_skus(c, s, b))),
        ("/api/sku/getDistributionDetail", |_, _, _| Box::pin(no_distribution())),
        ("/api/sku/getDistributionInfo", |_, _, _| Box::pin(no_distribution())),
        ("/api/sku/pageClaimedDistribution", |_, _, _| Box::pin(no_distribution())),
        ("/api/inventory/queryInventory", |c, s, b| Box::pin(catalog::inventory(c, s, b))),
        ("/api/inventory/query", |c, s, b| Box::pin(catalog::inventory(c, s, b))),
        ("/api/inventory/queryClaimInventory", |_, _, _| Box::pin(no_distribution())),
        ("/api/warehouse/getList", |c, s, b| Box::pin(catalog::warehouses(c, s, b))),
        ("/api/warehouse/get", |c, s, b| Box::pin(catalog::warehouses(c, s, b))),
        ("/api/warehouse/getUserWarehouse", |c, s, b| Box::pin(catalog::warehouses(c, s, b))),
        ("/api/logistics/getChannelList", |c, s, b| Box::pin(catalog::channels(c, s, b))),
        ("/api/logistics/getOnlineList", |c, s, b| Box::pin(catalog::channels(c, s, b))),
        ("/api/logistics/getPrice", |_, _, _| Box::pin(not_offered("logistics fee quotes"))),
        ("/api/inbound/create", |c, s, b| Box::pin(inbound::create(c, s, b))),
        ("/api/inbound/cancel", |c, s, b| Box::pin(inbound::cancel(c, s, b))),
        ("/api/inbound/get", |c, s, b| Box::pin(inbound::get(c, s, b))),
        ("/api/inbound/updateTrackingNo", |c, s, b| Box::pin(inbound::update_tracking(c, s, b))),
        ("/api/inbound/printBoxLabel", |c, s, b| Box::pin(inbound::box_labels(c, s, b))),
        ("/api/inbound/printLabel", |c, s, b| Box::pin(inbound::box_labels(c, s, b))),
        ("/api/inbound/createReturn", |c, s, b| Box::pin(returns::create(c, s, b))),
        ("/api/inbound/cancelReturn", |c, s, b| Box::pin(returns::cancel(c, s, b))),
        ("/api/inbound/getReturn", |c, s, b| Box::pin(returns::get(c, s, b))),
        ("/api/inbound/pageReturn", |c, s, b| Box::pin(returns::list(c, s, b))),
        ("/api/fee/getDocumentFee", |c, s, b| Box::pin(returns::fees(c, s, b))),
        ("/api/fee/query", |c, s, b| Box::pin(returns::fees(c, s, b))),
    ]
}

/// Every signed business path the JF gateway answers (the isolation sweep
/// calls each one).
pub fn business_paths() -> Vec<&'static str> {
    business().into_iter().map(|(p, _)| p).chain(NOT_OFFERED.iter().copied()).collect()
}

type Handler =
    fn(Caller, AppState, Value) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Data, ApiError>> + Send>>;

/// Catalogue endpoints whose JF field model the document does not give
/// and haicang does not map yet (module doc).
const NOT_OFFERED: &[&str] = &[
    "/api/b2b/outbound/create",
    "/api/b2b/outbound/get",
    "/api/b2b/outbound/cancel",
    "/api/b2b/inbound/create",
    "/api/b2b/inbound/get",
    "/api/b2b/inbound/printLabel",
    "/api/b2b/inbound/updateTrackingNo",
    "/api/b2b/inbound/cancel",
    "/api/b2b/inventory/box",
    "/api/b2b/inventory/sku",
    "/api/directOrder/create",
    "/api/directOrder/update",
    "/api/directOrder/cancel",
    "/api/directOrder/updateLabel",
    "/api/directOrder/get",
    "/api/directOrder/batchGet",
    "/api/directOrder/printLabel",
    "/api/oms/checkDistributor",
];
const NOT_OFFERED_WHAT: &str = "this JF endpoint (B2B documents, direct-mail orders, distribution)";

async fn not_offered(what: &'static str) -> Result<Data, ApiError> {
    Err(ApiError::NotOffered(what))
}

/// JF 20017: distribution products are not offered to this merchant.
async fn no_distribution() -> Result<Data, ApiError> {
    Err(ApiError::NotOffered("distribution products"))
}

/// A successful JF answer's `data`.
pub struct Data(pub Value);

impl IntoResponse for Data {
    fn into_response(self) -> Response {
        let ctx = RequestContext::current();
        Json(json!({"code": 0, "message": "SUCCESS", "data": self.0, "requestId": ctx.request_id})).into_response()
    }
}

/// A JSON body read liberally: empty is `{}`; malformed is 10001.
pub struct Body(pub Value);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|_| ApiError::BodyTooLarge)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body(json!({})));
        }
        parse_json(&bytes).map(Body)
    }
}

/// A JF page: `data.page.{…, rows}` and `data.rows`.
pub fn page(rows: Vec<Value>, page: i64, page_size: i64, total: i64) -> Value {
    let total_page = if page_size > 0 { (total + page_size - 1) / page_size } else { 0 };
    json!({
        "page": {"pageNo": page, "pageSize": page_size, "totalPage": total_page, "totalSize": total, "rows": rows},
        "rows": rows,
        "pageNo": page,
        "pageSize": page_size,
        "totalPage": total_page,
        "totalSize": total,
    })
}

/// A caller whose JF headers, token, signature and nonce passed.
pub struct Caller {
    pub customer: CustomerPrincipal,
}

fn header<'a>(parts: &'a Parts, name: &'static str) -> Result<&'a str, ApiError> {
    parts
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(ApiError::Header { name, missing: true })
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let client_id = header(parts, "clientId")?;
        let access_token = header(parts, "accessToken")?;
        let user_id = header(parts, "userId")?;
        let sign = header(parts, "sign")?;
        let nonce = header(parts, "nonce")?;
        let timestamp = header(parts, "timestamp")?;
        let at: i64 = timestamp.parse().map_err(|_| ApiError::Header { name: "timestamp", missing: false })?;
        let nonce_ok = nonce.len() <= 64 && nonce.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !nonce_ok {
            return Err(ApiError::Header { name: "nonce", missing: false });
        }
        let seller_user_id: i64 = user_id.parse().map_err(|_| ApiError::Header { name: "userId", missing: false })?;
        let now = now_ms();
        if now.abs_diff(at) > WINDOW_MS.unsigned_abs() {
            return Err(ApiError::StaleTimestamp);
        }
        let Principal::Customer(customer) = state.app.authenticate(access_token).await? else {
            return Err(AppError::InvalidAccessToken.into());
        };
        let (Some(app_id), Some(token_client)) = (customer.app_id, customer.client_id.as_deref()) else {
            return Err(AppError::InvalidClient.into());
        };
        if token_client != client_id {
            return Err(AppError::InvalidClient.into());
        }
        let secret = state.app.app_secret(client_id).await?.ok_or(AppError::InvalidClient)?;
        let signed = SignedRequest {
            access_token,
            client_id,
            method: parts.method.as_str(),
            nonce,
            timestamp,
            url: parts.uri.path(),
            user_id,
        };
        if !signed.verify(&secret, sign) {
            return Err(ApiError::BadSignature);
        }
        if !state.app.is_seller_user_of(&customer, seller_user_id).await? {
            return Err(AppError::SellerUserNotFound.into());
        }
        // Only a correctly signed request uses up its nonce. JF suggests
        // two-digit nonces, so a nonce is once per timestamp: a replay
        // repeats both, a new call has a new millisecond.
        let once = format!("jf:{timestamp}:{nonce}");
        if !state.app.first_use_of_nonce(app_id, &once, now, WINDOW_MS).await? {
            return Err(ApiError::ReplayedNonce);
        }
        let customer = CustomerPrincipal { origin: origin(parts), ..customer };
        admit(parts, state, &customer).await?;
        Ok(Caller { customer })
    }
}
