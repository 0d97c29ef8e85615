//! One module per feature; each exposes `router()`, merged in `crate::router`.

pub mod alerts;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod cartons;
pub mod counts;
pub mod floor;
pub mod inbound;
pub mod inventory;
pub mod ops;
pub mod outbound;
pub mod products;
pub mod returns;
pub mod transfers;
pub mod warehouses;
pub mod webhooks;
pub mod work_orders;

use haicang_app::StaffRole::{self, Admin, Operator, Supervisor};
use haicang_app::audit::action;

/// Every staff route and the least role that may call it: the one place
/// this is decided (docs/ARCHITECTURE.md lists it; the OpenAPI document
/// carries it as `x-min-role`). The staff extractor refuses a route that is
/// missing here, so a new route cannot go unchecked; the role sweep test
/// calls every staff operation of the OpenAPI document with each role.
///
/// OPERATOR: scan work (arrive, receive, putaway, pick, pack, ship,
/// carrier events, reading what the floor needs). SUPERVISOR: decisions
/// (adjustments, wave release, interceptions on behalf of sellers).
/// ADMIN: the operator's business (reading the audit trail; the rest is
/// `haicang admin` for now).
pub const STAFF_ROUTES: &[(&str, &str, StaffRole)] = &[
    ("GET", "/api/v1/ops/locations", Operator),
    ("POST", "/api/v1/ops/adjustments", Supervisor),
    ("GET", "/api/v1/ops/inbound-orders", Operator),
    ("GET", "/api/v1/ops/inbound-orders/{no}", Operator),
    ("GET", "/api/v1/ops/inbound-orders/{no}/labels.pdf", Operator),
    ("POST", "/api/v1/ops/inbound-orders/{code}/arrive", Operator),
    ("POST", "/api/v1/ops/inbound-orders/{no}/receive", Operator),
    ("POST", "/api/v1/ops/inbound-orders/{no}/close-receipt", Operator),
    ("GET", "/api/v1/ops/inbound-orders/{no}/putaway-plan", Operator),
    ("POST", "/api/v1/ops/putaway", Operator),
    ("GET", "/api/v1/ops/outbound-orders", Operator),
    ("GET", "/api/v1/ops/outbound-orders/{no}", Operator),
    ("POST", "/api/v1/ops/outbound-orders/{no}/interception", Supervisor),
    ("GET", "/api/v1/ops/outbound-orders/{no}/label.pdf", Operator),
    ("POST", "/api/v1/ops/waves", Supervisor),
    ("GET", "/api/v1/ops/pick-batches/{id}", Operator),
    ("GET", "/api/v1/ops/pick-batches/{id}/pick-list.pdf", Operator),
    ("POST", "/api/v1/ops/pick-batches/{id}/picks", Operator),
    ("POST", "/api/v1/ops/pack", Operator),
    ("POST", "/api/v1/ops/ship", Operator),
    ("POST", "/api/v1/ops/shipments/{tracking_no}/events", Operator),
    ("GET", "/api/v1/ops/count-tasks", Operator),
    ("GET", "/api/v1/ops/audit", Admin),
    ("POST", "/api/v1/ops/moves", Operator),
    ("PUT", "/api/v1/ops/replenishment/rules", Supervisor),
    ("GET", "/api/v1/ops/replenishment/rules", Operator),
    ("POST", "/api/v1/ops/replenishment/plan", Operator),
    ("POST", "/api/v1/ops/replenishment/confirm", Operator),
    ("POST", "/api/v1/ops/count-plans", Supervisor),
    ("GET", "/api/v1/ops/count-plans/{no}", Operator),
    ("POST", "/api/v1/ops/count-plans/{no}/approve", Supervisor),
    ("POST", "/api/v1/ops/count-tasks/{id}/entries", Operator),
    ("POST", "/api/v1/ops/return-orders", Operator),
    ("GET", "/api/v1/ops/return-orders", Operator),
    ("GET", "/api/v1/ops/return-orders/{no}", Operator),
    ("POST", "/api/v1/ops/return-orders/{scan}/arrive", Operator),
    ("POST", "/api/v1/ops/return-orders/{no}/grade", Operator),
    ("POST", "/api/v1/ops/return-orders/{no}/complete", Operator),
    ("POST", "/api/v1/ops/return-orders/{no}/ship-back", Operator),
    ("POST", "/api/v1/ops/rate-cards", Admin),
    ("GET", "/api/v1/ops/rate-cards", Supervisor),
    ("POST", "/api/v1/ops/rate-cards/{card}/versions", Admin),
    ("PUT", "/api/v1/ops/customers/{customer}/rate-card", Admin),
    ("PUT", "/api/v1/ops/customers/{customer}/credit", Admin),
    ("POST", "/api/v1/ops/customers/{customer}/wallet/top-ups", Supervisor),
    ("POST", "/api/v1/ops/charges", Supervisor),
    ("GET", "/api/v1/ops/bills", Supervisor),
    ("GET", "/api/v1/ops/bills/{no}", Supervisor),
    ("POST", "/api/v1/ops/bills/{no}/issue", Supervisor),
    ("POST", "/api/v1/ops/bills/{no}/pay", Supervisor),
    ("POST", "/api/v1/ops/billing/storage", Admin),
    ("POST", "/api/v1/ops/alerts/sweep", Supervisor),
    ("GET", "/api/v1/ops/cartons", Operator),
    ("POST", "/api/v1/ops/cartons", Operator),
    ("POST", "/api/v1/ops/cartons/{lpn}/open", Operator),
    ("POST", "/api/v1/ops/cartons/{lpn}/move", Operator),
    ("GET", "/api/v1/ops/transfer-orders", Operator),
    ("GET", "/api/v1/ops/transfer-orders/{no}", Operator),
    ("GET", "/api/v1/ops/transfer-orders/{no}/carton-labels.pdf", Operator),
    ("GET", "/api/v1/ops/transfer-orders/{no}/packing-list.pdf", Operator),
    ("GET", "/api/v1/ops/b2b-outbound-orders", Operator),
    ("GET", "/api/v1/ops/b2b-outbound-orders/{no}", Operator),
    ("GET", "/api/v1/ops/b2b-outbound-orders/{no}/carton-labels.pdf", Operator),
    ("GET", "/api/v1/ops/b2b-outbound-orders/{no}/packing-list.pdf", Operator),
    ("POST", "/api/v1/ops/work-orders", Supervisor),
    ("GET", "/api/v1/ops/work-orders", Operator),
    ("GET", "/api/v1/ops/work-orders/{no}", Operator),
    ("POST", "/api/v1/ops/work-orders/{no}/start", Operator),
    ("POST", "/api/v1/ops/work-orders/{no}/complete", Operator),
    ("POST", "/api/v1/ops/work-orders/{no}/cancel", Supervisor),
    ("POST", "/api/v1/ops/conversions", Supervisor),
];

/// Every privileged route and the audit action each success (and, for
/// logins, each failure) records. The OpenAPI document carries it as
/// `x-audit`; a test derives the privileged routes from the document
/// (SUPERVISOR and up, credentials, webhook subscriptions) and fails when
/// one is missing here, and the audit sweep calls each and finds its entry.
pub const AUDITED_ROUTES: &[(&str, &str, &str)] = &[
    ("POST", "/api/v1/auth/token", action::APP_TOKEN),
    ("POST", "/api/v1/auth/refresh", action::TOKEN_REFRESH),
    ("POST", "/api/v1/staff/login", action::STAFF_LOGIN),
    ("POST", "/api/v1/auth/logout", action::LOGOUT),
    ("POST", "/api/v1/ops/adjustments", action::ADJUSTMENT),
    ("POST", "/api/v1/ops/conversions", action::CONVERSION),
    ("POST", "/api/v1/ops/count-plans/{no}/approve", action::COUNT_APPROVAL),
    ("POST", "/api/v1/ops/count-plans", action::COUNT_PLAN),
    ("PUT", "/api/v1/ops/replenishment/rules", action::REPLENISHMENT_RULES),
    ("POST", "/api/v1/ops/waves", action::WAVE_RELEASE),
    ("POST", "/api/v1/ops/outbound-orders/{no}/interception", action::INTERCEPTION),
    ("POST", "/api/v1/webhooks", action::WEBHOOK_CREATE),
    ("PUT", "/api/v1/webhooks/{id}", action::WEBHOOK_UPDATE),
    ("DELETE", "/api/v1/webhooks/{id}", action::WEBHOOK_DELETE),
    ("POST", "/api/v1/webhooks/{id}/rotate-secret", action::WEBHOOK_ROTATE_SECRET),
    ("POST", "/api/v1/ops/rate-cards", action::RATE_CARD),
    ("POST", "/api/v1/ops/rate-cards/{card}/versions", action::RATE_CARD),
    ("PUT", "/api/v1/ops/customers/{customer}/rate-card", action::RATE_CARD_ASSIGNED),
    ("PUT", "/api/v1/ops/customers/{customer}/credit", action::CREDIT_LIMIT),
    ("POST", "/api/v1/ops/customers/{customer}/wallet/top-ups", action::WALLET_TOP_UP),
    ("POST", "/api/v1/ops/charges", action::SERVICE_CHARGE),
    ("POST", "/api/v1/ops/bills/{no}/issue", action::BILL_STATUS),
    ("POST", "/api/v1/ops/bills/{no}/pay", action::BILL_STATUS),
    ("POST", "/api/v1/ops/billing/storage", action::STORAGE_RUN),
    ("POST", "/api/v1/ops/alerts/sweep", action::ALERT_SWEEP),
    ("POST", "/api/v1/ops/work-orders", action::WORK_ORDER_CREATE),
    ("POST", "/api/v1/ops/work-orders/{no}/cancel", action::WORK_ORDER_CANCEL),
];

/// The audit action of a route, if it is privileged.
pub fn audit_action(method: &str, path: &str) -> Option<&'static str> {
    AUDITED_ROUTES.iter().find(|(m, p, _)| *m == method && *p == path).map(|(_, _, a)| *a)
}

/// The least role of a staff route, `None` when the route is not in
/// [`STAFF_ROUTES`].
pub fn min_role(method: &str, path: &str) -> Option<StaffRole> {
    STAFF_ROUTES.iter().find(|(m, p, _)| *m == method && *p == path).map(|(_, _, role)| *role)
}

/// What creating an order answers (inbound, outbound, return).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatedView {
    pub order_no: String,
    pub status: String,
    /// False when the same request had already created the order.
    pub created: bool,
}

impl<S: std::fmt::Display> From<haicang_app::Created<S>> for CreatedView {
    fn from(c: haicang_app::Created<S>) -> Self {
        CreatedView { order_no: c.order_no, status: c.status.to_string(), created: c.created }
    }
}

/// The optional body of a cancel (inbound or outbound order).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CancelInput {
    pub reason: Option<String>,
}

/// An optional condition field: blank is absent, anything else must name
/// one.
pub(crate) fn condition(
    field: &'static str,
    text: Option<&str>,
) -> Result<Option<haicang_core::ledger::Condition>, haicang_app::AppError> {
    match text.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => haicang_core::ledger::Condition::parse(c)
            .map(Some)
            .ok_or(haicang_app::AppError::InvalidParam { field, reason: format!("unknown condition {c}") }),
    }
}

/// Formats unix milliseconds as ISO 8601 UTC.
pub(crate) fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
