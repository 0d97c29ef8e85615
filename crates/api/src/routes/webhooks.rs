//! Webhook subscriptions, the delivery log, and the event feed.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::AppError;
use haicang_app::query::{DeliveryFilter, SubscriptionRow};
use haicang_app::webhooks::{EVENT_TYPES, FEED_LIMIT_MAX, GRACE_HOURS_MAX, parse_cursor};
use haicang_core::status::DeliveryStatus;

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{BodyBytes, CustomerAuth, JsonBody, Params, Path, optional_body};
use crate::routes::iso;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/webhooks", get(list).post(create))
        .route("/api/v1/webhooks/deliveries", get(deliveries))
        .route("/api/v1/webhooks/deliveries/{id}/redeliver", post(redeliver))
        .route("/api/v1/webhooks/{id}", get(get_one).put(update).delete(delete))
        .route("/api/v1/webhooks/{id}/rotate-secret", post(rotate))
        .route("/api/v1/events", get(feed))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookInput {
    /// http(s) URL receiving POSTs.
    pub url: String,
    /// Event types (e.g. order.created, order.shipped, inbound.putaway) or "*".
    pub events: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookUpdate {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RotateInput {
    /// Hours the previous secret keeps signing (default 24, at most 168).
    pub grace_hours: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    /// Only in the answer that creates or rotates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub previous_secret_valid_until: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

fn view(r: SubscriptionRow, secret: Option<String>) -> WebhookView {
    WebhookView {
        id: r.public_id,
        url: r.url,
        events: r.events.split(',').map(str::to_owned).collect(),
        active: r.active != 0,
        secret,
        previous_secret_valid_until: r.previous_expires_at.map(iso),
        created_at: iso(r.created_at),
        updated_at: iso(r.updated_at),
    }
}

/// Subscribes a URL; the signing secret is shown only here.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", security(("bearer" = [])),
    request_body = WebhookInput, responses((status = 200, description = "Created", body = WebhookView)))]
pub async fn create(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    JsonBody(input): JsonBody<WebhookInput>,
) -> Result<Envelope<WebhookView>, ApiError> {
    let (row, secret) = s.app.create_webhook(&c, &input.url, &input.events).await?;
    Ok(Envelope(view(row, Some(secret))))
}

#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", security(("bearer" = [])),
    responses((status = 200, description = "The caller's webhooks", body = [WebhookView])))]
pub async fn list(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
) -> Result<Envelope<Vec<WebhookView>>, ApiError> {
    Ok(Envelope(s.app.webhooks(&c).await?.into_iter().map(|r| view(r, None)).collect()))
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, description = "The webhook", body = WebhookView)))]
pub async fn get_one(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(id): Path<String>,
) -> Result<Envelope<WebhookView>, ApiError> {
    Ok(Envelope(view(s.app.webhook(&c, &id).await?, None)))
}

#[utoipa::path(put, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = WebhookUpdate,
    responses((status = 200, description = "Updated", body = WebhookView)))]
pub async fn update(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<WebhookUpdate>,
) -> Result<Envelope<WebhookView>, ApiError> {
    let row = s.app.update_webhook(&c, &id, input.url.as_deref(), input.events.as_deref(), input.active).await?;
    Ok(Envelope(view(row, None)))
}

#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, description = "Deleted")))]
pub async fn delete(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(id): Path<String>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
    s.app.delete_webhook(&c, &id).await?;
    Ok(Envelope(serde_json::json!({"id": id, "deleted": true})))
}

/// A new signing secret; the previous one keeps signing for the grace period.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = Option<RotateInput>,
    responses((status = 200, description = "Rotated", body = WebhookView)))]
pub async fn rotate(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(id): Path<String>,
    BodyBytes(body): BodyBytes,
) -> Result<Envelope<WebhookView>, ApiError> {
    let input: RotateInput = optional_body(&body)?;
    let hours = input.grace_hours.unwrap_or(24);
    if hours > GRACE_HOURS_MAX as u64 {
        return Err(AppError::InvalidParam { field: "graceHours", reason: format!("at most {GRACE_HOURS_MAX}") }.into());
    }
    let secret = s.app.rotate_webhook_secret(&c, &id, Duration::from_secs(hours * 3600)).await?;
    Ok(Envelope(view(s.app.webhook(&c, &id).await?, Some(secret))))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttemptView {
    pub attempt: i64,
    pub http_status: Option<i64>,
    pub latency_ms: i64,
    /// The first 1 KB of the receiver's answer.
    pub response: Option<String>,
    pub error: Option<String>,
    pub at: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryView {
    pub id: String,
    pub webhook_id: String,
    pub event_id: String,
    pub event_type: String,
    /// PENDING, DELIVERED or FAILED.
    pub status: String,
    pub attempts: Vec<AttemptView>,
    pub next_attempt_at: Option<String>,
    pub delivered_at: Option<String>,
    pub created_at: String,
}

/// Deliveries, newest first, with each attempt.
#[utoipa::path(get, path = "/api/v1/webhooks/deliveries", tag = "webhooks", security(("bearer" = [])),
    params(("status" = Option<String>, Query), ("eventType" = Option<String>, Query),
           ("createdFrom" = Option<String>, Query), ("createdTo" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of deliveries", body = PageView<DeliveryView>)))]
pub async fn deliveries(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<DeliveryView>>, ApiError> {
    let filter = DeliveryFilter {
        status: params
            .choice("status", DeliveryStatus::parse, "PENDING, DELIVERED or FAILED")?
            .map(|t| t.as_str().to_owned()),
        event_type: params.choice("eventType", known_event_type, "a known event type")?,
        created_from: params.time("createdFrom")?,
        created_to: params.time("createdTo")?,
    };
    let (page, attempts) = s.app.webhook_deliveries(&c, &filter, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, |d| DeliveryView {
        attempts: attempts
            .iter()
            .filter(|a| a.webhook_delivery_id == d.webhook_delivery_id)
            .map(|a| AttemptView {
                attempt: a.attempt,
                http_status: a.http_status,
                latency_ms: a.latency_ms,
                response: a.response_head.clone(),
                error: a.error.clone(),
                at: iso(a.created_at),
            })
            .collect(),
        next_attempt_at: (d.status == haicang_core::status::DeliveryStatus::Pending).then(|| iso(d.next_attempt_at)),
        delivered_at: d.delivered_at.map(iso),
        created_at: iso(d.created_at),
        id: d.public_id,
        webhook_id: d.subscription_public_id,
        event_id: d.event_id,
        event_type: d.event_type,
        status: d.status.to_string(),
    })))
}

#[utoipa::path(post, path = "/api/v1/webhooks/deliveries/{id}/redeliver", tag = "webhooks", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, description = "Queued again")))]
pub async fn redeliver(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(id): Path<String>,
) -> Result<Envelope<serde_json::Value>, ApiError> {
    s.app.redeliver(&c, &id).await?;
    Ok(Envelope(serde_json::json!({"id": id, "status": "PENDING"})))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FeedView {
    /// The same objects webhooks carry: {id, type, occurredAt, customerCode, warehouseCode, data}.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
    /// Pass as `after` to continue; never skips or repeats an event.
    pub next: String,
}

/// The caller's events in commit order, for ERPs that poll or catch up.
#[utoipa::path(get, path = "/api/v1/events", tag = "webhooks", security(("bearer" = [])),
    params(("after" = Option<String>, Query, description = "The `next` of the previous page"),
           ("types" = Option<Vec<String>>, Query), ("limit" = Option<i64>, Query, description = "1-500, default 100")),
    responses((status = 200, description = "Events", body = FeedView)))]
pub async fn feed(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<FeedView>, ApiError> {
    let after = parse_cursor(params.text("after").as_deref())?;
    let types = params.all("types");
    let limit = params.int("limit")?.unwrap_or(100);
    if !(1..=FEED_LIMIT_MAX).contains(&limit) {
        return Err(AppError::InvalidParam { field: "limit", reason: format!("1 to {FEED_LIMIT_MAX}") }.into());
    }
    let page = s.app.event_feed(&c, after, &types, limit).await?;
    Ok(Envelope(FeedView {
        events: page.events.iter().map(|e| serde_json::from_str(&e.payload).unwrap_or_default()).collect(),
        next: page.next,
    }))
}

fn known_event_type(text: &str) -> Option<String> {
    EVENT_TYPES.iter().find(|t| **t == text).map(|t| (*t).to_owned())
}
