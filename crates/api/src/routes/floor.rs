//! Warehouse staff: moves between locations and condition conversions.

use axum::Router;
use axum::extract::State;
use axum::routing::{post, put};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::AppError;
use haicang_app::floor::{ConversionCommand, ConversionLine, MoveCommand, MoveLine, Posted};
use haicang_app::query::ReplenishmentRow;
use haicang_app::replenishment::{Proposal, RuleInput};
use haicang_core::ledger::Condition;

use crate::AppState;
use crate::envelope::Envelope;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, StaffAuth};
use crate::routes::condition;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/ops/moves", post(move_stock))
        .route("/api/v1/ops/conversions", post(convert))
        .route("/api/v1/ops/replenishment/rules", put(set_rules).get(rules))
        .route("/api/v1/ops/replenishment/plan", post(replenishment_plan))
        .route("/api/v1/ops/replenishment/confirm", post(confirm_replenishment))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplenishmentRulesInput {
    pub warehouse_code: String,
    pub rules: Vec<ReplenishmentRuleInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplenishmentRuleInput {
    /// A PICK_FACE location.
    pub location_code: String,
    pub sku: String,
    pub customer_code: String,
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplenishmentInput {
    pub warehouse_code: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplenishmentRuleView {
    pub location_code: String,
    pub customer_code: String,
    pub sku: String,
    pub min: i64,
    pub max: i64,
    /// GOOD units on the face now.
    pub on_face: i64,
}

impl From<ReplenishmentRow> for ReplenishmentRuleView {
    fn from(r: ReplenishmentRow) -> Self {
        ReplenishmentRuleView {
            location_code: r.location_code,
            customer_code: r.customer_code,
            sku: r.sku,
            min: r.min_quantity,
            max: r.max_quantity,
            on_face: r.on_face,
        }
    }
}

/// A proposed move, in the shape `POST /ops/moves` takes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProposalView {
    pub customer_code: String,
    pub sku: String,
    pub from_location_code: String,
    pub to_location_code: String,
    pub lot_no: String,
    pub quantity: i64,
}

impl From<Proposal> for ProposalView {
    fn from(p: Proposal) -> Self {
        ProposalView {
            customer_code: p.customer_code,
            sku: p.sku,
            from_location_code: p.from_location_code,
            to_location_code: p.to_location_code,
            lot_no: p.lot_no,
            quantity: p.quantity,
        }
    }
}

/// Sets min/max per SKU and pick face (SUPERVISOR).
#[utoipa::path(put, path = "/api/v1/ops/replenishment/rules", tag = "ops", security(("bearer" = [])),
    request_body = ReplenishmentRulesInput,
    responses((status = 200, description = "The warehouse's rules", body = [ReplenishmentRuleView])))]
pub async fn set_rules(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<ReplenishmentRulesInput>,
) -> Result<Envelope<Vec<ReplenishmentRuleView>>, ApiError> {
    let rules: Vec<RuleInput> = input
        .rules
        .into_iter()
        .map(|r| RuleInput {
            location_code: r.location_code,
            sku: r.sku,
            customer_code: r.customer_code,
            min: r.min,
            max: r.max,
        })
        .collect();
    let rows = s.app.set_replenishment_rules(&staff, &input.warehouse_code, &rules).await?;
    Ok(Envelope(rows.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/ops/replenishment/rules", tag = "ops", security(("bearer" = [])),
    params(("warehouseCode" = String, Query)),
    responses((status = 200, description = "The warehouse's rules", body = [ReplenishmentRuleView])))]
pub async fn rules(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<Vec<ReplenishmentRuleView>>, ApiError> {
    let warehouse = params.text("warehouseCode").ok_or(AppError::MissingParam { field: "warehouseCode" })?;
    let rows = s.app.replenishment_rules(&staff, &warehouse).await?;
    Ok(Envelope(rows.into_iter().map(Into::into).collect()))
}

/// The moves that would top every face below its minimum up to its
/// maximum, oldest lots first, from reserve locations.
#[utoipa::path(post, path = "/api/v1/ops/replenishment/plan", tag = "ops", security(("bearer" = [])),
    request_body = ReplenishmentInput, responses((status = 200, description = "Proposed moves", body = [ProposalView])))]
pub async fn replenishment_plan(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<ReplenishmentInput>,
) -> Result<Envelope<Vec<ProposalView>>, ApiError> {
    let plan = s.app.replenishment_plan(&staff, &input.warehouse_code).await?;
    Ok(Envelope(plan.into_iter().map(Into::into).collect()))
}

/// Plans and runs the replenishment as one move document (null when every
/// face is above its minimum).
#[utoipa::path(post, path = "/api/v1/ops/replenishment/confirm", tag = "ops", security(("bearer" = [])),
    request_body = ReplenishmentInput,
    responses((status = 200, description = "The move document, or null", body = Option<PostedView>)))]
pub async fn confirm_replenishment(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<ReplenishmentInput>,
) -> Result<Envelope<Option<PostedView>>, ApiError> {
    Ok(Envelope(s.app.confirm_replenishment(&staff, &input.warehouse_code).await?.map(Into::into)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MoveInput {
    pub warehouse_code: String,
    pub reason: Option<String>,
    pub lines: Vec<MoveLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MoveLineInput {
    /// SKU as scanned.
    pub sku: String,
    /// The seller, needed only when several keep this SKU code there.
    pub customer_code: Option<String>,
    pub from_location_code: String,
    pub to_location_code: String,
    pub quantity: i64,
    /// GOOD (default) or another condition.
    pub condition: Option<String>,
    /// One lot; left out, lots leave first-expiring, first-in first.
    pub lot_no: Option<String>,
    /// For serial-managed SKUs: one per unit.
    #[serde(default)]
    pub serials: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConversionInput {
    pub warehouse_code: String,
    pub customer_code: String,
    pub reason: String,
    pub lines: Vec<ConversionLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConversionLineInput {
    pub sku: String,
    pub location_code: String,
    pub lot_no: Option<String>,
    pub from_condition: String,
    pub to_condition: String,
    pub quantity: i64,
    #[serde(default)]
    pub serials: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostedView {
    pub document_no: String,
    /// Ledger movements written (a line may span several lots).
    pub movements: usize,
}

impl From<Posted> for PostedView {
    fn from(p: Posted) -> Self {
        PostedView { document_no: p.document_no, movements: p.movements }
    }
}

/// Moves units between two locations of a warehouse (MV document,
/// `inventory.moved`). Units an open pick holds cannot be moved away.
#[utoipa::path(post, path = "/api/v1/ops/moves", tag = "ops", security(("bearer" = [])),
    request_body = MoveInput,
    responses((status = 200, description = "The move document", body = PostedView),
              (status = 409, description = "30002 not enough free units (open picks hold the rest)")))]
pub async fn move_stock(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<MoveInput>,
) -> Result<Envelope<PostedView>, ApiError> {
    let lines = input
        .lines
        .into_iter()
        .map(|l| {
            Ok(MoveLine {
                condition: condition("lines.condition", l.condition.as_deref())?.unwrap_or(Condition::Good),
                sku: l.sku,
                customer_code: l.customer_code,
                from_location_code: l.from_location_code,
                to_location_code: l.to_location_code,
                quantity: l.quantity,
                lot_no: l.lot_no,
                serials: l.serials,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let cmd = MoveCommand { warehouse_code: input.warehouse_code.trim().to_owned(), reason: input.reason, lines };
    Ok(Envelope(s.app.move_stock(&staff, &cmd).await?.into()))
}

/// Changes the condition of units where they lie (CV document,
/// `inventory.converted`): e.g. GOOD to REFURBISHED after a regrade.
#[utoipa::path(post, path = "/api/v1/ops/conversions", tag = "ops", security(("bearer" = [])),
    request_body = ConversionInput,
    responses((status = 200, description = "The conversion document", body = PostedView),
              (status = 409, description = "30002 not enough free units of the old condition")))]
pub async fn convert(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<ConversionInput>,
) -> Result<Envelope<PostedView>, ApiError> {
    let lines = input
        .lines
        .into_iter()
        .map(|l| {
            let required =
                |field: &'static str, text: &str| condition(field, Some(text))?.ok_or(AppError::MissingParam { field });
            Ok(ConversionLine {
                from_condition: required("lines.fromCondition", &l.from_condition)?,
                to_condition: required("lines.toCondition", &l.to_condition)?,
                sku: l.sku,
                location_code: l.location_code,
                lot_no: l.lot_no,
                quantity: l.quantity,
                serials: l.serials,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let cmd = ConversionCommand {
        warehouse_code: input.warehouse_code.trim().to_owned(),
        customer_code: input.customer_code.trim().to_owned(),
        reason: input.reason,
        lines,
    };
    Ok(Envelope(s.app.convert_stock(&staff, &cmd).await?.into()))
}
