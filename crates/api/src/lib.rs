//! haicang-api: the native HTTP API under `/api/v1`.
//!
//! Conventions (docs/ARCHITECTURE.md): JSON in camelCase; every answer is
//! the envelope `{code, message, data, requestId}` with the matching HTTP
//! status; error messages in English or Chinese by `Accept-Language`; lists
//! are `{items, page, pageSize, total}`. Routes live in one module per
//! feature and only translate between HTTP and `haicang_app` use cases.

pub mod application;
pub mod context;
pub mod envelope;
pub mod error;
pub mod extract;
pub mod form;
pub mod limit;
pub mod openapi;
pub mod routes;
pub mod signing;
pub mod tls;

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;

use haicang_app::App;

use crate::error::ApiError;

/// Largest request body: a batch of 300 products fits many times over.
pub const BODY_BYTES_MAX: usize = 4 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub limiter: std::sync::Arc<limit::RateLimiter>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "haicang native API",
        description = "Overseas-warehouse WMS. Every response is wrapped in the envelope \
            {code, message, data, requestId}; `code` 0 is success, any other value is an error from the \
            catalogue (English or Chinese by Accept-Language). Every response documents the whole envelope; errors \
            answer the ErrorEnvelope with data null."
    ),
    paths(
        routes::auth::token,
        routes::auth::refresh,
        routes::auth::staff_login,
        routes::auth::logout,
        routes::audit::ops_audit,
        routes::audit::seller_audit,
        routes::warehouses::list,
        routes::warehouses::shipping_services,
        routes::products::create,
        routes::products::update,
        routes::products::get_one,
        routes::products::list,
        routes::inventory::inventory,
        routes::inventory::lots,
        routes::inventory::serials,
        routes::inventory::log,
        routes::ops::locations,
        routes::ops::adjust,
        routes::floor::move_stock,
        routes::floor::convert,
        routes::floor::set_rules,
        routes::floor::rules,
        routes::floor::replenishment_plan,
        routes::floor::confirm_replenishment,
        routes::counts::create,
        routes::counts::detail,
        routes::counts::enter,
        routes::counts::approve,
        routes::returns::announce,
        routes::returns::list,
        routes::returns::detail,
        routes::returns::cancel,
        routes::returns::register,
        routes::returns::ops_list,
        routes::returns::ops_detail,
        routes::returns::arrive,
        routes::returns::grade,
        routes::returns::complete,
        routes::returns::ship_back,
        routes::inbound::create,
        routes::inbound::list,
        routes::inbound::detail,
        routes::inbound::submit,
        routes::inbound::cancel,
        routes::inbound::tracking,
        routes::inbound::labels,
        routes::inbound::ops_list,
        routes::inbound::ops_detail,
        routes::inbound::ops_labels,
        routes::inbound::arrive,
        routes::inbound::receive,
        routes::inbound::close_receipt,
        routes::inbound::putaway_plan,
        routes::inbound::putaway,
        routes::outbound::create,
        routes::outbound::list,
        routes::outbound::batch_get,
        routes::outbound::detail,
        routes::outbound::cancel,
        routes::outbound::tracking,
        routes::outbound::label,
        routes::outbound::ops_list,
        routes::outbound::ops_detail,
        routes::outbound::interception,
        routes::outbound::ops_label,
        routes::outbound::wave,
        routes::outbound::batch,
        routes::outbound::pick_list,
        routes::outbound::pick,
        routes::outbound::pack,
        routes::outbound::ship,
        routes::outbound::shipment_event,
        routes::counts::open_tasks,
        routes::webhooks::create,
        routes::webhooks::list,
        routes::webhooks::get_one,
        routes::webhooks::update,
        routes::webhooks::delete,
        routes::webhooks::rotate,
        routes::webhooks::deliveries,
        routes::webhooks::redeliver,
        routes::webhooks::feed,
        routes::billing::charges,
        routes::billing::wallet,
        routes::billing::wallet_transactions,
        routes::billing::bills,
        routes::billing::bill,
        routes::billing::bill_csv,
        routes::billing::bill_pdf,
        routes::billing::create_card,
        routes::billing::cards,
        routes::billing::add_version,
        routes::billing::assign_card,
        routes::billing::top_up,
        routes::billing::set_credit,
        routes::billing::service_charge,
        routes::billing::ops_bills,
        routes::billing::ops_bill,
        routes::billing::issue_bill,
        routes::billing::pay_bill,
        routes::billing::run_storage,
        routes::alerts::set_rules,
        routes::alerts::rules,
        routes::alerts::alerts,
        routes::alerts::sweep,
        routes::cartons::boxes,
        routes::cartons::ops_list,
        routes::cartons::seal,
        routes::cartons::open,
        routes::cartons::move_whole,
        routes::transfers::create_transfer,
        routes::transfers::list_transfers,
        routes::transfers::transfer_detail,
        routes::transfers::cancel_transfer,
        routes::transfers::create_b2b,
        routes::transfers::list_b2b,
        routes::transfers::b2b_detail,
        routes::transfers::cancel_b2b,
        routes::transfers::ops_list_transfers,
        routes::transfers::ops_transfer_detail,
        routes::transfers::ops_transfer_labels,
        routes::transfers::ops_transfer_packing_list,
        routes::transfers::ops_list_b2b,
        routes::transfers::ops_b2b_detail,
        routes::transfers::ops_b2b_labels,
        routes::transfers::ops_b2b_packing_list,
        routes::work_orders::create,
        routes::work_orders::list,
        routes::work_orders::detail,
        routes::work_orders::cancel,
        routes::work_orders::ops_create,
        routes::work_orders::ops_list,
        routes::work_orders::ops_detail,
        routes::work_orders::start,
        routes::work_orders::complete,
        routes::work_orders::ops_cancel,
    ),
    components(schemas(routes::products::BatchView))
)]
pub struct ApiDoc;

async fn openapi_json() -> impl IntoResponse {
    axum::Json(openapi::document())
}

/// A request's span: method and path, never the query string (JF's OAuth
/// sends the client secret and tokens there, as its document says).
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!("request", method = %request.method(), path = %request.uri().path(), version = ?request.version())
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let ctx = context::RequestContext::current();
    tracing::error!(request_id = %ctx.request_id, "a request handler panicked");
    let message = match ctx.lang {
        context::Lang::Zh => "服务异常,请重试!",
        context::Lang::En => "server error, please try again later",
    };
    envelope::error_body(axum::http::StatusCode::INTERNAL_SERVER_ERROR, 1, message.into(), &ctx.request_id)
}

/// Liveness: the process answers. A balancer or supervisor restarts a
/// node that stops answering; the database is `/ready`'s business.
async fn health() -> impl IntoResponse {
    axum::Json(serde_json::json!({"status": "ok"}))
}

/// Readiness: this node can serve (the database reachable, writable, at
/// this release's migration); 503 with code 10081 and why when not, so a
/// balancer sends requests elsewhere.
async fn ready(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    let schema = state.app.readiness().await.map_err(|e| ApiError::NotReady(e.to_string()))?;
    let engine = match state.app.store().engine() {
        haicang_app::Engine::Sqlite => "sqlite",
        haicang_app::Engine::Postgres => "postgres",
    };
    Ok(axum::Json(serde_json::json!({"status": "ready", "engine": engine, "schema": schema})))
}

async fn no_such_route() -> ApiError {
    ApiError::NoSuchRoute
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Every route of the native API.
pub fn router(app: App) -> Router {
    router_with(app, Router::new())
}

/// The API with `extra` routes under the same layers: the vendor dialects
/// (`haicang-gateways`), and routes tests add that no release serves.
pub fn router_with(app: App, extra: Router<AppState>) -> Router {
    let state = AppState { app, limiter: Default::default() };
    Router::new()
        .merge(extra)
        .merge(routes::auth::router())
        .merge(routes::audit::router())
        .merge(routes::floor::router())
        .merge(routes::returns::router())
        .merge(routes::billing::router())
        .merge(routes::work_orders::router())
        .merge(routes::transfers::router())
        .merge(routes::cartons::router())
        .merge(routes::alerts::router())
        .merge(routes::counts::router())
        .merge(routes::warehouses::router())
        .merge(routes::products::router())
        .merge(routes::inventory::router())
        .merge(routes::ops::router())
        .merge(routes::inbound::router())
        .merge(routes::outbound::router())
        .merge(routes::webhooks::router())
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .fallback(no_such_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_BYTES_MAX))
        .layer(middleware::from_fn_with_state(state.clone(), signing::verify))
        // A bug must cost one request a 500, not the connection; inside the
        // context, so the 500 carries the request id and language.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn(context::with_context))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// Serves the API on a bound listener until `shutdown` resolves.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(app, listener, Router::new(), shutdown).await
}

/// [`serve`] with `extra` routes beside the native API (the dialects).
pub async fn serve_with(
    app: App,
    listener: tokio::net::TcpListener,
    extra: Router<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address feeds the per-app IP allowlist.
    let service = router_with(app, extra).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
}

/// Binds `addr` (port 0 allowed) and returns the listener and its real address.
pub async fn bind(addr: &str) -> std::io::Result<(tokio::net::TcpListener, SocketAddr)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    async fn boom() -> &'static str {
        panic!("a bug in a handler")
    }

    /// A handler that panics costs its request a 500 envelope in the
    /// caller's language with the same request id as the header, and the
    /// server goes on.
    #[tokio::test]
    async fn a_panic_answers_500_with_the_request_id() {
        let db = haicang_store::testing::fresh_store().await.unwrap();
        let router = router_with(App::new(db.store.clone()), Router::new().route("/api/v1/boom", get(boom)));
        for lang in ["en", "zh-CN"] {
            let request = Request::get("/api/v1/boom").header("accept-language", lang).body(Body::empty()).unwrap();
            let response = router.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            let header = response.headers().get("x-request-id").unwrap().to_str().unwrap().to_owned();
            let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(body["code"], 1);
            assert_eq!(body["requestId"], header.as_str(), "{body}");
            assert!(!header.is_empty());
            let chinese = body["message"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert_eq!(chinese, lang == "zh-CN", "{body}");
        }
    }
}
