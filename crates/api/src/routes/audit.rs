//! The audit trail: all of it for ADMIN staff, a seller's own part for the
//! seller.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;
use utoipa::ToSchema;

use haicang_app::Viewer;
use haicang_app::audit::{AuditFilter, AuditRow};

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{CustomerAuth, Params, StaffAuth};
use crate::routes::iso;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/ops/audit", get(ops_audit)).route("/api/v1/audit", get(seller_audit))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntryView {
    pub id: i64,
    pub at: String,
    /// STAFF, APP, CUSTOMER, CLI or ANONYMOUS (a failed login).
    pub actor_kind: String,
    pub actor: String,
    pub customer_code: Option<String>,
    pub address: Option<String>,
    pub request_id: Option<String>,
    /// e.g. staff.login, inventory.adjust, webhook.update.
    pub action: String,
    pub target: String,
    /// SUCCESS or FAILURE.
    pub outcome: String,
    /// What changed: a summary of before and after.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

impl From<AuditRow> for AuditEntryView {
    fn from(r: AuditRow) -> Self {
        AuditEntryView {
            id: r.audit_log_id,
            at: iso(r.at),
            actor_kind: r.actor_kind,
            actor: r.actor,
            customer_code: r.customer_code,
            address: r.address,
            request_id: r.request_id,
            action: r.action,
            target: r.target,
            outcome: r.outcome,
            detail: serde_json::from_str(&r.detail).unwrap_or_default(),
        }
    }
}

fn audit_filter(params: &Params) -> Result<AuditFilter, ApiError> {
    Ok(AuditFilter {
        customer_id: None,
        actor: params.text("actor"),
        action: params.text("action"),
        target: params.text("target"),
        from: params.time("from")?,
        to: params.time("to")?,
    })
}

/// The whole trail, newest first (ADMIN).
#[utoipa::path(get, path = "/api/v1/ops/audit", tag = "ops", security(("bearer" = [])),
    params(("actor" = Option<String>, Query, description = "A username, app id or `cli`"),
           ("action" = Option<String>, Query, description = "An action, or a prefix ending in `.` (webhook.)"),
           ("target" = Option<String>, Query), ("from" = Option<String>, Query), ("to" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of entries", body = PageView<AuditEntryView>)))]
pub async fn ops_audit(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<PageView<AuditEntryView>>, ApiError> {
    let page = s.app.audit_log(Viewer::Staff(&staff), &audit_filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, AuditEntryView::from)))
}

/// The seller's own trail: its apps' logins, its webhook changes, what the
/// operator did to its account.
#[utoipa::path(get, path = "/api/v1/audit", tag = "auth", security(("bearer" = [])),
    params(("actor" = Option<String>, Query), ("action" = Option<String>, Query),
           ("target" = Option<String>, Query), ("from" = Option<String>, Query), ("to" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of entries", body = PageView<AuditEntryView>)))]
pub async fn seller_audit(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<AuditEntryView>>, ApiError> {
    let page = s.app.audit_log(Viewer::Customer(&c), &audit_filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, AuditEntryView::from)))
}
