//! Stocktakes and cycle counts: plans, count entry by scan, approval.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::counts::{CountLine, CountPlanDetail, CountScope, CreateCountPlan, money};
use haicang_app::{AppError, StaffRole};
use haicang_core::ledger::Condition;

use crate::AppState;
use crate::envelope::Envelope;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, Path, StaffAuth};
use crate::routes::{condition, iso};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/ops/count-plans", post(create))
        .route("/api/v1/ops/count-plans/{no}", get(detail))
        .route("/api/v1/ops/count-plans/{no}/approve", post(approve))
        .route("/api/v1/ops/count-tasks", get(open_tasks))
        .route("/api/v1/ops/count-tasks/{id}/entries", post(enter))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountScopeInput {
    /// Location codes.
    #[serde(default)]
    pub locations: Vec<String>,
    pub zone: Option<String>,
    #[serde(default)]
    pub aisles: Vec<i64>,
    /// Locations holding these SKUs.
    #[serde(default)]
    pub skus: Vec<String>,
    /// Locations holding this seller's stock.
    pub customer_code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountPlanInput {
    pub warehouse_code: String,
    pub scope: CountScopeInput,
    /// Counters never see the expected quantity.
    #[serde(default)]
    pub blind: bool,
    /// Units of variance past which a location is recounted by another
    /// counter; none: no recounts.
    pub recount_threshold: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountEntryInput {
    pub lines: Vec<CountEntryLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountEntryLineInput {
    /// SKU or barcode as scanned.
    pub sku: String,
    /// Needed only for goods not on the books at this location, or shared
    /// by several sellers there.
    pub customer_code: Option<String>,
    /// GOOD (default) or another condition.
    pub condition: Option<String>,
    /// The lot counted: name it on every line of a SKU (compared lot by
    /// lot) or on none (compared across the SKU's lots here).
    pub lot_no: Option<String>,
    pub quantity: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CountEntryView {
    pub customer_code: String,
    pub sku: String,
    pub condition: String,
    /// The lot, when counted by lot.
    pub lot_no: Option<String>,
    pub counted: i64,
    /// Hidden on blind plans from anyone below SUPERVISOR.
    pub expected: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CountSheetView {
    /// The id to enter counts with.
    pub id: i64,
    pub location_code: String,
    /// 1; 2 for a recount.
    pub round: i64,
    /// OPEN or COUNTED.
    pub status: String,
    pub counter: Option<String>,
    pub entries: Vec<CountEntryView>,
}

/// A sheet waiting for a counter, from any open plan of the warehouse.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OpenCountTaskView {
    /// The id to enter counts with.
    pub id: i64,
    pub plan_no: String,
    /// PLANNED, or SHORT_PICK: opened when a picker found less than the books.
    pub origin: String,
    /// The order that came up short (SHORT_PICK).
    pub document_no: Option<String>,
    pub location_code: String,
    /// 1; 2 for a recount.
    pub round: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccuracyView {
    pub locations_counted: i64,
    pub locations_with_variance: i64,
    pub units_gained: i64,
    pub units_lost: i64,
    /// Declared value, in the products' declared currencies.
    pub value_gained: String,
    pub value_lost: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CountPlanView {
    pub plan_no: String,
    pub warehouse_code: String,
    pub blind: bool,
    pub recount_threshold: Option<i64>,
    /// OPEN or APPROVED.
    pub status: String,
    pub created_at: String,
    pub approved_at: Option<String>,
    /// PLANNED, or SHORT_PICK with the order that came up short.
    pub origin: String,
    pub document_no: Option<String>,
    pub tasks: Vec<CountSheetView>,
    pub accuracy: AccuracyView,
}

fn view(d: CountPlanDetail, sees_expected: bool) -> CountPlanView {
    let show = sees_expected || d.plan.blind == 0;
    let tasks = d
        .sheets
        .iter()
        .map(|s| CountSheetView {
            id: s.count_sheet_id,
            location_code: s.location_code.clone(),
            round: s.round,
            status: s.status.clone(),
            counter: s.counter.clone(),
            entries: d
                .entries
                .iter()
                .filter(|e| e.count_sheet_id == s.count_sheet_id)
                .map(|e| CountEntryView {
                    customer_code: e.customer_code.clone(),
                    sku: e.sku.clone(),
                    condition: e.condition.to_string(),
                    lot_no: e.lot_no.clone(),
                    counted: e.counted,
                    expected: show.then_some(e.expected),
                })
                .collect(),
        })
        .collect();
    let a = &d.accuracy;
    CountPlanView {
        plan_no: d.plan.plan_no,
        warehouse_code: d.plan.warehouse_code,
        blind: d.plan.blind != 0,
        recount_threshold: d.plan.recount_threshold,
        status: d.plan.status,
        created_at: iso(d.plan.created_at),
        approved_at: d.plan.approved_at.map(iso),
        origin: d.plan.origin,
        document_no: d.plan.document_no,
        tasks,
        accuracy: AccuracyView {
            locations_counted: a.locations_counted,
            locations_with_variance: a.locations_with_variance,
            units_gained: a.units_gained,
            units_lost: a.units_lost,
            value_gained: money(a.value_gained_micros),
            value_lost: money(a.value_lost_micros),
        },
    }
}

fn supervises(staff: &haicang_app::StaffPrincipal) -> bool {
    staff.role.covers(StaffRole::Supervisor)
}

/// Plans a count: one task per location of the scope (a location already
/// being counted is refused, 30012).
#[utoipa::path(post, path = "/api/v1/ops/count-plans", tag = "ops", security(("bearer" = [])),
    request_body = CountPlanInput, responses((status = 200, description = "The plan and its tasks", body = CountPlanView)))]
pub async fn create(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<CountPlanInput>,
) -> Result<Envelope<CountPlanView>, ApiError> {
    let scope = input.scope;
    let cmd = CreateCountPlan {
        warehouse_code: input.warehouse_code.trim().to_owned(),
        scope: CountScope {
            locations: scope.locations,
            zone: scope.zone.map(|z| z.trim().to_owned()).filter(|z| !z.is_empty()),
            aisles: scope.aisles,
            skus: scope.skus,
            customer_code: scope.customer_code,
        },
        blind: input.blind,
        recount_threshold: input.recount_threshold,
    };
    let plan = s.app.create_count_plan(&staff, &cmd).await?;
    Ok(Envelope(view(plan, supervises(&staff))))
}

#[utoipa::path(get, path = "/api/v1/ops/count-plans/{no}", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The plan", body = CountPlanView)))]
pub async fn detail(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<CountPlanView>, ApiError> {
    let plan = s.app.count_plan(&staff, &no).await?;
    Ok(Envelope(view(plan, supervises(&staff))))
}

/// What a counter found at the task's location; what the books hold there
/// and the counter did not name counts as 0. A variance past the plan's
/// threshold opens a recount for another counter.
#[utoipa::path(post, path = "/api/v1/ops/count-tasks/{id}/entries", tag = "ops", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = CountEntryInput,
    responses((status = 200, description = "The task, counted", body = CountSheetView),
              (status = 409, description = "30013 already counted, 30014 a recount by the first counter")))]
pub async fn enter(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<CountEntryInput>,
) -> Result<Envelope<CountSheetView>, ApiError> {
    let lines = input
        .lines
        .into_iter()
        .map(|l| {
            Ok(CountLine {
                condition: condition("lines.condition", l.condition.as_deref())?.unwrap_or(Condition::Good),
                code: l.sku,
                customer_code: l.customer_code,
                lot_no: l.lot_no,
                quantity: l.quantity,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let done = s.app.enter_count(&staff, id, &lines).await?;
    Ok(Envelope(CountSheetView {
        id: done.sheet.count_sheet_id,
        location_code: done.sheet.location_code,
        round: done.sheet.round,
        status: if done.recount_opened { "RECOUNT".into() } else { done.sheet.status },
        counter: done.sheet.counter,
        entries: Vec::new(),
    }))
}

/// Posts every variance through the ledger (COUNT document, `@COUNT_GAIN` /
/// `@COUNT_LOSS`), emits `inventory.counted` per seller (SUPERVISOR).
#[utoipa::path(post, path = "/api/v1/ops/count-plans/{no}/approve", tag = "ops", security(("bearer" = [])),
    params(("no" = String, Path)),
    responses((status = 200, description = "The approved plan and its accuracy", body = CountPlanView),
              (status = 409, description = "30015 already approved, 30016 locations not counted")))]
pub async fn approve(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<CountPlanView>, ApiError> {
    let plan = s.app.approve_count_plan(&staff, &no).await?;
    Ok(Envelope(view(plan, true)))
}

/// Count tasks waiting for a counter: every open sheet of the warehouse's
/// open plans, those a short pick opened included.
#[utoipa::path(get, path = "/api/v1/ops/count-tasks", tag = "ops", security(("bearer" = [])),
    params(("warehouseCode" = String, Query)),
    responses((status = 200, description = "Open tasks", body = [OpenCountTaskView])))]
pub async fn open_tasks(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<Vec<OpenCountTaskView>>, ApiError> {
    let warehouse = params.text("warehouseCode").ok_or(AppError::MissingParam { field: "warehouseCode" })?;
    let rows = s.app.open_count_tasks(&staff, &warehouse).await?;
    Ok(Envelope(
        rows.into_iter()
            .map(|t| OpenCountTaskView {
                id: t.count_sheet_id,
                plan_no: t.plan_no,
                origin: t.origin,
                document_no: t.document_no,
                location_code: t.location_code,
                round: t.round,
            })
            .collect(),
    ))
}
