//! Webhooks: subscriptions per customer, signed deliveries from the outbox
//! with retries, the delivery log, and the event feed.
//!
//! Delivery is at-least-once from a durable queue: the outbox row exists
//! exactly when its change committed; the worker fans events out into
//! delivery rows, claims due ones with a lease, POSTs them signed, and
//! records every attempt. A receiver de-duplicates by the event id (the
//! same id the feed shows).

use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;

use haicang_core::status::DeliveryStatus;
use haicang_store::outbox::{self, Cursor, OutboxRow};
use haicang_store::webhook::{
    self as store, Attempt, AttemptRow, Claimed, DeliveryFilter, DeliveryRow, SubscriptionRow,
};

mod dialect;
pub mod transport;

pub use dialect::jf_webhook_sign;

use haicang_core::dialects::Dialect;

use crate::audit::{self, Actor, Outcome, action};
use crate::auth::random_token;
use crate::{App, AppError, CustomerPrincipal, Page, PageRequest, now_ms};

/// Event types a subscription may name (`*` for all).
pub const EVENT_TYPES: &[&str] = &[
    "order.created",
    "order.shipped",
    "order.cancelled",
    "order.intercepted",
    "inbound.putaway",
    "inventory.adjusted",
    "return.completed",
    "return.shipped_back",
    "inventory.counted",
    "inventory.moved",
    "inventory.converted",
    "bill.issued",
    "wallet.low_balance",
    "workorder.completed",
    "stock.alert",
    "transfer.created",
    "transfer.cancelled",
    "transfer.shipped",
    "transfer.received",
];
pub const SUBSCRIPTIONS_MAX: usize = 20;
pub const FEED_LIMIT_MAX: i64 = 500;
/// Longest a rotated-out secret may keep signing: a week.
pub const GRACE_HOURS_MAX: i64 = 168;

/// How deliveries are retried. Production: 1 min doubling to 12 h, for
/// 48 h, 10 s timeout; tests shrink it.
#[derive(Debug, Clone)]
pub struct DeliveryPolicy {
    pub first_retry: Duration,
    pub max_retry: Duration,
    pub give_up_after: Duration,
    pub timeout: Duration,
    pub poll: Duration,
    pub lease: Duration,
    pub batch: i64,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        DeliveryPolicy {
            first_retry: Duration::from_secs(60),
            max_retry: Duration::from_secs(12 * 3600),
            give_up_after: Duration::from_secs(48 * 3600),
            timeout: Duration::from_secs(10),
            poll: Duration::from_millis(250),
            lease: Duration::from_secs(60),
            batch: 32,
        }
    }
}

impl DeliveryPolicy {
    /// Exponential back-off with ±20% jitter after `attempts` failures.
    pub fn retry_in(&self, attempts: i64) -> Duration {
        let base = self.first_retry.as_millis() as f64 * 2f64.powi((attempts - 1).clamp(0, 30) as i32);
        let capped = base.min(self.max_retry.as_millis() as f64);
        let jitter = 0.8 + 0.4 * rand::random::<f64>();
        Duration::from_millis((capped * jitter) as u64)
    }
}

/// `t=<unix>,v1=<hex>` (and a second `v1` while a rotated secret is in
/// its grace period).
pub fn signature_header(secrets: &[&str], unix: i64, body: &[u8]) -> String {
    let mut header = format!("t={unix}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&sign(secret, unix, body));
    }
    header
}

fn sign(secret: &str, unix: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(unix.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Checks a delivery's signature header against a secret, in constant
/// time, and that its time is within `tolerance_s` of `now_unix`.
pub fn verify_signature(secret: &str, header: &str, body: &[u8], now_unix: i64, tolerance_s: i64) -> bool {
    use subtle::ConstantTimeEq;
    let mut t = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => candidates.push(v.to_owned()),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    // abs_diff: a forged `t` near i64::MIN must not overflow.
    if now_unix.abs_diff(t) > tolerance_s.unsigned_abs() {
        return false;
    }
    let expected = sign(secret, t, body);
    candidates.iter().any(|c| c.as_bytes().ct_eq(expected.as_bytes()).into())
}

fn check_events(events: &[String]) -> Result<String, AppError> {
    if events.is_empty() {
        return Err(AppError::MissingParam { field: "events" });
    }
    for e in events {
        if e != "*" && !EVENT_TYPES.contains(&e.as_str()) {
            return Err(AppError::InvalidParam { field: "events", reason: format!("unknown event type {e}") });
        }
    }
    Ok(events.join(","))
}

fn cursor_text(c: Cursor) -> String {
    format!("{}.{}", c.txid, c.id)
}

/// Parses a feed cursor (`<txid>.<id>`, or empty / 0 for the start).
pub fn parse_cursor(text: Option<&str>) -> Result<Cursor, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty() && *t != "0") {
        None => Ok(Cursor::default()),
        Some(t) => {
            let bad = || AppError::InvalidParam { field: "after", reason: "a cursor from an earlier page".into() };
            let (a, b) = t.split_once('.').ok_or_else(bad)?;
            Ok(Cursor { txid: a.parse().map_err(|_| bad())?, id: b.parse().map_err(|_| bad())? })
        }
    }
}

/// A page of the event feed and the cursor to continue from.
pub struct FeedPage {
    pub events: Vec<OutboxRow>,
    pub next: String,
}

impl App {
    pub async fn create_webhook(
        &self,
        customer: &CustomerPrincipal,
        url: &str,
        events: &[String],
    ) -> Result<(SubscriptionRow, String), AppError> {
        self.create_subscription(customer, url, events, None).await
    }

    /// A subscription of the app `client_id` that delivers `dialect`'s
    /// format (`haicang admin webhook add --dialect JF`: JF's developer
    /// registration names one webhook address). Its events are the ones
    /// the dialect has a type for.
    pub async fn create_dialect_webhook(
        &self,
        client_id: &str,
        url: &str,
        dialect: Dialect,
    ) -> Result<SubscriptionRow, AppError> {
        let Some((customer, _)) = self.signing_app(client_id.trim()).await? else {
            return Err(AppError::AppNotFound(client_id.trim().to_owned()));
        };
        let events: Vec<String> = match dialect {
            Dialect::Jf => dialect::JF_TYPES.iter().map(|(ours, _)| (*ours).to_owned()).collect(),
            other => {
                return Err(AppError::InvalidParam {
                    field: "dialect",
                    reason: format!("{} has no webhook format in haicang yet", other.as_str()),
                });
            }
        };
        Ok(self.create_subscription(&customer, url, &events, Some(dialect)).await?.0)
    }

    async fn create_subscription(
        &self,
        customer: &CustomerPrincipal,
        url: &str,
        events: &[String],
        dialect: Option<Dialect>,
    ) -> Result<(SubscriptionRow, String), AppError> {
        transport::check_url(&self.webhook_networks, url.trim()).await?;
        let events = check_events(events)?;
        let secret = format!("whsec_{}", &random_token()[..40]);
        let public_id = format!("wh_{}", &random_token()[..24]);
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        if store::subscriptions(tx.conn(), customer.customer_id).await?.len() >= SUBSCRIPTIONS_MAX {
            return Err(AppError::InvalidParam {
                field: "url",
                reason: format!("at most {SUBSCRIPTIONS_MAX} webhooks"),
            });
        }
        store::insert_subscription(
            &mut tx,
            &public_id,
            customer.customer_id,
            customer.app_id,
            url.trim(),
            &events,
            &secret,
            now,
        )
        .await?;
        if let Some(d) = dialect {
            store::set_dialect(&mut tx, &public_id, d.as_str()).await?;
        }
        let detail = json!({"url": url.trim(), "events": events, "dialect": dialect.map(|d| d.as_str())});
        audit::record(
            tx.conn(),
            &Actor::customer(customer),
            action::WEBHOOK_CREATE,
            &public_id,
            Outcome::Success,
            detail,
        )
        .await?;
        tx.commit().await?;
        let row = self.webhook(customer, &public_id).await?;
        Ok((row, secret))
    }

    pub async fn webhooks(&self, customer: &CustomerPrincipal) -> Result<Vec<SubscriptionRow>, AppError> {
        Ok(store::subscriptions(&mut *self.store.read().await?, customer.customer_id).await?)
    }

    pub async fn webhook(&self, customer: &CustomerPrincipal, id: &str) -> Result<SubscriptionRow, AppError> {
        store::find_subscription(&mut *self.store.read().await?, customer.customer_id, id)
            .await?
            .ok_or_else(|| AppError::WebhookNotFound(id.to_owned()))
    }

    pub async fn update_webhook(
        &self,
        customer: &CustomerPrincipal,
        id: &str,
        url: Option<&str>,
        events: Option<&[String]>,
        active: Option<bool>,
    ) -> Result<SubscriptionRow, AppError> {
        let current = self.webhook(customer, id).await?;
        let url = url.map(str::trim).unwrap_or(&current.url).to_owned();
        transport::check_url(&self.webhook_networks, &url).await?;
        let events = match events {
            Some(e) => check_events(e)?,
            None => current.events.clone(),
        };
        let mut tx = self.store.begin_write().await?;
        store::update_subscription(
            &mut tx,
            current.webhook_subscription_id,
            &url,
            &events,
            active.unwrap_or(current.active != 0),
            now_ms(),
        )
        .await?;
        let detail = json!({
            "before": {"url": current.url, "events": current.events, "active": current.active != 0},
            "after": {"url": url, "events": events, "active": active.unwrap_or(current.active != 0)},
        });
        audit::record(tx.conn(), &Actor::customer(customer), action::WEBHOOK_UPDATE, id, Outcome::Success, detail)
            .await?;
        tx.commit().await?;
        self.webhook(customer, id).await
    }

    pub async fn delete_webhook(&self, customer: &CustomerPrincipal, id: &str) -> Result<(), AppError> {
        let current = self.webhook(customer, id).await?;
        let mut tx = self.store.begin_write().await?;
        store::delete_subscription(&mut tx, current.webhook_subscription_id, now_ms()).await?;
        let detail = json!({"before": {"url": current.url, "events": current.events}});
        audit::record(tx.conn(), &Actor::customer(customer), action::WEBHOOK_DELETE, id, Outcome::Success, detail)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A new secret, shown once; the old one keeps signing for `grace`.
    pub async fn rotate_webhook_secret(
        &self,
        customer: &CustomerPrincipal,
        id: &str,
        grace: Duration,
    ) -> Result<String, AppError> {
        let current = self.webhook(customer, id).await?;
        let secret = format!("whsec_{}", &random_token()[..40]);
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        store::rotate_secret(&mut tx, &current, &secret, now + grace.as_millis() as i64, now).await?;
        let detail = json!({"graceSeconds": grace.as_secs()});
        let actor = Actor::customer(customer);
        audit::record(tx.conn(), &actor, action::WEBHOOK_ROTATE_SECRET, id, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(secret)
    }

    pub async fn webhook_deliveries(
        &self,
        customer: &CustomerPrincipal,
        filter: &DeliveryFilter,
        page: PageRequest,
    ) -> Result<(Page<DeliveryRow>, Vec<AttemptRow>), AppError> {
        let mut conn = self.store.read().await?;
        let (rows, total) = store::list_deliveries(&mut conn, customer.customer_id, filter, page).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.webhook_delivery_id).collect();
        let attempts = store::attempts_of(&mut conn, &ids).await?;
        Ok((Page::new(rows, page, total), attempts))
    }

    pub async fn redeliver(&self, customer: &CustomerPrincipal, delivery: &str) -> Result<(), AppError> {
        let mut tx = self.store.begin_write().await?;
        if !store::redeliver(&mut tx, customer.customer_id, delivery, now_ms()).await? {
            return Err(AppError::WebhookNotFound(delivery.to_owned()));
        }
        tx.commit().await?;
        Ok(())
    }

    /// The caller's events after a cursor, in commit order.
    pub async fn event_feed(
        &self,
        customer: &CustomerPrincipal,
        after: Cursor,
        types: &[String],
        limit: i64,
    ) -> Result<FeedPage, AppError> {
        let limit = limit.clamp(1, FEED_LIMIT_MAX);
        let engine = self.store.engine();
        let events =
            outbox::feed(&mut *self.store.read().await?, engine, Some(customer.customer_id), after, types, limit)
                .await?;
        let next = events.last().map(|e| Cursor { txid: e.txid, id: e.outbox_event_id }).unwrap_or(after);
        Ok(FeedPage { events, next: cursor_text(next) })
    }

    /// Fans out and delivers until `shutdown` resolves. Safe to run in
    /// several processes at once: deliveries are claimed with a lease.
    pub async fn run_webhook_worker(&self, policy: DeliveryPolicy, shutdown: impl Future<Output = ()>) {
        let worker = format!("w-{}", &random_token()[..12]);
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.deliver_due(&worker, &policy).await {
                tracing::warn!(error = %e, "webhook round failed; retrying");
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(policy.poll) => {}
            }
        }
    }

    /// One round: fan new events out, then send what is due.
    pub async fn deliver_due(&self, worker: &str, policy: &DeliveryPolicy) -> Result<usize, AppError> {
        let http = self.delivery_client()?;
        while store::fan_out(&self.store, 500, now_ms(), || format!("dl_{}", &random_token()[..24])).await? == 500 {}
        let claimed =
            store::claim(&self.store, worker, now_ms(), policy.lease.as_millis() as i64, policy.batch).await?;
        let n = claimed.len();
        let mut sends = tokio::task::JoinSet::new();
        for c in claimed {
            let (app, http, worker, policy) = (self.clone(), http.clone(), worker.to_owned(), policy.clone());
            sends.spawn(async move { app.send_one(&http, &worker, &policy, c).await });
        }
        while let Some(done) = sends.join_next().await {
            done.map_err(|e| AppError::Print(e.to_string()))??;
        }
        Ok(n)
    }

    async fn send_one(
        &self,
        http: &reqwest::Client,
        worker: &str,
        policy: &DeliveryPolicy,
        c: Claimed,
    ) -> Result<(), AppError> {
        let now = now_ms();
        let mut secrets = vec![c.secret.as_str()];
        if let (Some(prev), Some(until)) = (c.previous_secret.as_deref(), c.previous_expires_at)
            && until > now
        {
            secrets.push(prev);
        }
        let jf = c.dialect.as_deref() == Some(Dialect::Jf.as_str());
        let (body, signature) = if jf {
            let (body, sign) = self.jf_delivery(&c).await?;
            (body, ("sign", sign))
        } else {
            let body = c.payload.as_bytes().to_vec();
            let signature = signature_header(&secrets, now / 1000, &body);
            (body, ("X-Haicang-Signature", signature))
        };
        let started = Instant::now();
        let sent = match transport::check_literal(&self.webhook_networks, &c.url) {
            Err(refused) => Err(refused.to_string()),
            Ok(()) => http
                .post(&c.url)
                .timeout(policy.timeout)
                .header("content-type", "application/json")
                .header("X-Haicang-Event", &c.event_type)
                .header("X-Haicang-Delivery", &c.public_id)
                .header(signature.0, signature.1)
                .body(body)
                .send()
                .await
                .map_err(|e| if e.is_timeout() { "timeout".to_owned() } else { error_chain(&e) }),
        };
        let (status, head, error) = match sent {
            Ok(response) => {
                let status = response.status().as_u16() as i64;
                (Some(status), Some(transport::answer_head(response).await), None)
            }
            Err(e) => (None, None, Some(e)),
        };
        let latency_ms = started.elapsed().as_millis() as i64;
        // A JF receiver acknowledges with `{"code":"0"}` (its document's
        // "Webhook响应数据格式"); anything else is retried.
        let acknowledged = !jf || head.as_deref().is_some_and(dialect::jf_acknowledged);
        let ok = status.is_some_and(|s| (200..300).contains(&s)) && acknowledged;
        let end = now_ms();
        let attempts = c.attempts + 1;
        let (outcome, retry_at) = if ok {
            (DeliveryStatus::Delivered.as_str(), end)
        } else {
            let next = end + policy.retry_in(attempts).as_millis() as i64;
            if next - c.created_at > policy.give_up_after.as_millis() as i64 {
                (DeliveryStatus::Failed.as_str(), end)
            } else {
                (DeliveryStatus::Pending.as_str(), next)
            }
        };
        let attempt =
            Attempt { http_status: status, latency_ms, response_head: head.as_deref(), error: error.as_deref() };
        // Once the receiver has the event, recording so must outlast a
        // database that is away for a moment (a restart, a failover):
        // given up, the delivery would be sent again when its claim runs
        // out. Tried again until the claim is nearly over.
        let record_until = started + policy.lease.saturating_sub(Duration::from_secs(1));
        loop {
            match store::finish(&self.store, &c, worker, &attempt, outcome, retry_at, end).await {
                Err(e) if e.is_transient() && Instant::now() < record_until => {
                    tracing::debug!(error = %e, delivery = %c.public_id, "recording a delivery; again");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                recorded => return recorded.map_err(AppError::from),
            }
        }
    }
}

impl App {
    fn delivery_client(&self) -> Result<reqwest::Client, AppError> {
        if let Some(c) = self.webhook_client.get() {
            return Ok(c.clone());
        }
        let built = transport::client(self.webhook_networks.clone())?;
        Ok(self.webhook_client.get_or_init(|| built).clone())
    }
}

/// An error with its causes ("error sending request: … : 127.0.0.1 is a
/// loopback address …"), so the attempt log says why.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_with_either_secret_and_fail_when_altered_or_stale() {
        let body = br#"{"id":"evt_1"}"#;
        let header = signature_header(&["new-secret", "old-secret"], 1_700_000_000, body);
        assert!(verify_signature("new-secret", &header, body, 1_700_000_010, 300));
        assert!(verify_signature("old-secret", &header, body, 1_700_000_010, 300));
        assert!(!verify_signature("other", &header, body, 1_700_000_010, 300));
        assert!(!verify_signature("new-secret", &header, br#"{"id":"evt_2"}"#, 1_700_000_010, 300));
        assert!(!verify_signature("new-secret", &header, body, 1_700_000_400, 300), "replayed too late");
        // Found by cargo-fuzz: an extreme timestamp overflowed the window check.
        assert!(!verify_signature("new-secret", "t=-9223372036854775808,v1=00", body, 1_700_000_000, 300));
        // The documented format: HMAC-SHA256(secret, "<t>.<body>").
        let mut mac = Hmac::<Sha256>::new_from_slice(b"new-secret").unwrap();
        mac.update(b"1700000000.{\"id\":\"evt_1\"}");
        assert!(header.contains(&hex::encode(mac.finalize().into_bytes())));
    }

    #[test]
    fn back_off_doubles_to_the_cap_with_jitter() {
        let p = DeliveryPolicy::default();
        let first = p.retry_in(1).as_secs_f64();
        assert!((48.0..=72.0).contains(&first), "{first}");
        let third = p.retry_in(3).as_secs_f64();
        assert!((192.0..=288.0).contains(&third), "1 min × 2², ±20%: {third}");
        let late = p.retry_in(12).as_secs_f64();
        assert!((12.0 * 3600.0 * 0.8..=12.0 * 3600.0 * 1.2).contains(&late), "capped at 12 h: {late}");
    }
}
