//! Stock alerts: a seller's rules and alerts, and the sweep staff may run.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::alerts::RuleInput;
use haicang_app::query::{AlertFilter, AlertRow, RuleRow};
use haicang_core::alerts::AlertType;

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{CustomerAuth, JsonBody, Params, StaffAuth};
use crate::routes::iso;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/alert-rules", get(rules).put(set_rules))
        .route("/api/v1/alerts", get(alerts))
        .route("/api/v1/ops/alerts/sweep", post(sweep))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlertRuleInput {
    /// LOW_AVAILABLE (threshold in units), EXPIRING, AGEING or NO_MOVEMENT
    /// (threshold in days).
    #[serde(rename = "type")]
    pub alert_type: String,
    /// One SKU; every SKU when left out.
    pub sku: Option<String>,
    /// One warehouse; every warehouse when left out.
    pub warehouse_code: Option<String>,
    pub threshold: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlertRuleView {
    #[serde(rename = "type")]
    pub alert_type: String,
    pub sku: Option<String>,
    pub warehouse_code: Option<String>,
    pub threshold: i64,
}

impl From<RuleRow> for AlertRuleView {
    fn from(r: RuleRow) -> Self {
        AlertRuleView {
            alert_type: r.alert_type.to_string(),
            sku: r.sku,
            warehouse_code: r.warehouse_code,
            threshold: r.threshold,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlertView {
    pub id: i64,
    #[serde(rename = "type")]
    pub alert_type: String,
    pub sku: String,
    pub warehouse_code: String,
    pub lot_no: Option<String>,
    /// OPEN or CLOSED.
    pub status: String,
    /// What was observed when it opened: units, or days.
    pub value: i64,
    pub threshold: i64,
    pub opened_at: String,
    pub closed_at: Option<String>,
}

impl From<AlertRow> for AlertView {
    fn from(a: AlertRow) -> Self {
        AlertView {
            id: a.stock_alert_id,
            alert_type: a.alert_type.to_string(),
            sku: a.sku,
            warehouse_code: a.warehouse_code,
            lot_no: a.lot_no,
            status: a.status,
            value: a.value,
            threshold: a.threshold,
            opened_at: iso(a.opened_at),
            closed_at: a.closed_at.map(iso),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlertSweepView {
    pub opened: i64,
    pub closed: i64,
}

/// Replaces the caller's alert rules (judged at once).
#[utoipa::path(put, path = "/api/v1/alert-rules", tag = "alerts", security(("bearer" = [])),
    request_body = Vec<AlertRuleInput>,
    responses((status = 200, description = "The rules now in force", body = [AlertRuleView])))]
pub async fn set_rules(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    JsonBody(input): JsonBody<Vec<AlertRuleInput>>,
) -> Result<Envelope<Vec<AlertRuleView>>, ApiError> {
    let rules: Vec<RuleInput> = input
        .into_iter()
        .map(|r| RuleInput {
            alert_type: r.alert_type,
            sku: r.sku,
            warehouse_code: r.warehouse_code,
            threshold: r.threshold,
        })
        .collect();
    Ok(Envelope(s.app.set_alert_rules(&c, &rules).await?.into_iter().map(AlertRuleView::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/alert-rules", tag = "alerts", security(("bearer" = [])),
    responses((status = 200, description = "The caller's rules", body = [AlertRuleView])))]
pub async fn rules(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
) -> Result<Envelope<Vec<AlertRuleView>>, ApiError> {
    Ok(Envelope(s.app.alert_rules(&c).await?.into_iter().map(AlertRuleView::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts", security(("bearer" = [])),
    params(("status" = Option<String>, Query), ("type" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of alerts, newest first", body = PageView<AlertView>)))]
pub async fn alerts(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<AlertView>>, ApiError> {
    let status = params.choice(
        "status",
        |v| ["OPEN", "CLOSED"].into_iter().find(|s| s.eq_ignore_ascii_case(v.trim())),
        "OPEN or CLOSED",
    )?;
    let filter = AlertFilter {
        status: status.map(str::to_owned),
        alert_type: params.choice("type", AlertType::parse, "LOW_AVAILABLE, EXPIRING, AGEING or NO_MOVEMENT")?,
    };
    let page = s.app.alerts(&c, &filter, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, AlertView::from)))
}

/// Judges every seller's rules now (as `serve` does hourly).
#[utoipa::path(post, path = "/api/v1/ops/alerts/sweep", tag = "ops", security(("bearer" = [])),
    responses((status = 200, description = "Alerts opened and closed", body = AlertSweepView)))]
pub async fn sweep(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
) -> Result<Envelope<AlertSweepView>, ApiError> {
    let j = s.app.sweep_alerts_by(&staff).await?;
    Ok(Envelope(AlertSweepView { opened: j.opened as i64, closed: j.closed as i64 }))
}
