//! The staff console (`/console`): one module per floor flow. Handlers
//! only translate between forms and `haicang_app` use cases (the same ones
//! the API calls, under the same roles and warehouse scopes).

mod admin;
mod dashboard;
mod floor;
mod inbound;
pub(crate) mod login;
mod packing;
mod returns;
mod stock;
mod waves;
mod work_orders;

use axum::Router;
use axum::routing::{get, post};

use haicang_api::AppState;
use haicang_app::StaffRole::{self, Admin, Operator, Supervisor};
use haicang_app::query::WarehouseRow;

pub use crate::form::Fields;
use crate::session::{Staff, Ui};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(dashboard::page))
        .route("/console/warehouse", get(dashboard::choose))
        .route("/console/login", get(login::form).post(login::submit))
        .route("/console/logout", post(login::logout))
        .route("/console/static/{name}", get(crate::assets::serve))
        .route("/console/inbound", get(inbound::list).post(inbound::arrive))
        .route("/console/inbound/{no}", get(inbound::order))
        .route("/console/inbound/{no}/receive", post(inbound::receive))
        .route("/console/inbound/{no}/close", post(inbound::close))
        .route("/console/inbound/{no}/labels.pdf", get(inbound::labels))
        .route("/console/inbound/{no}/putaway", get(inbound::putaway_page).post(inbound::putaway))
        .route("/console/waves", get(waves::page).post(waves::release))
        .route("/console/pick/{id}", get(waves::pick_page))
        .route("/console/pick/{id}/location", post(waves::location))
        .route("/console/pick/{id}/item", post(waves::item))
        .route("/console/pack", get(packing::scan_page).post(packing::find))
        .route("/console/pack/{no}", get(packing::order_page).post(packing::scan_item))
        .route("/console/pack/{no}/done", post(packing::finish))
        .route("/console/outbound/{no}/label.pdf", get(packing::label))
        .route("/console/ship", get(packing::ship_page).post(packing::ship))
        .route("/console/stock", get(stock::search))
        .route("/console/move", get(floor::move_page).post(floor::move_stock))
        .route("/console/counts", get(floor::counts))
        .route("/console/counts/{id}", get(floor::count_task).post(floor::count_scan))
        .route("/console/counts/{id}/enter", post(floor::count_enter))
        .route("/console/count-plans/{no}/approve", post(floor::approve_plan))
        .route("/console/map", get(floor::map))
        .route("/console/replenishment", get(floor::replenishment).post(floor::confirm_replenishment))
        .route("/console/work-orders", get(work_orders::list))
        .route("/console/work-orders/{no}/start", post(work_orders::start))
        .route("/console/work-orders/{no}/complete", post(work_orders::complete))
        .route("/console/admin", get(admin::page))
        .route("/console/admin/staff", post(admin::add_staff))
        .route("/console/admin/staff/disable", post(admin::disable_staff))
        .route("/console/admin/customers", post(admin::add_customer))
        .route("/console/admin/grants", post(admin::grant))
        .route("/console/admin/apps", post(admin::add_app))
        .route("/console/returns", get(returns::list).post(returns::arrive))
        .route("/console/returns/{no}", get(returns::detail))
        .route("/console/returns/{no}/grade", post(returns::grade))
        .route("/console/returns/{no}/complete", post(returns::complete))
        .route("/console/adjust", get(stock::adjust_page).post(stock::adjust))
}

/// Which console route needs which role, next to the routes (as the API's
/// `STAFF_ROUTES`). A route missing here answers nobody.
const CONSOLE_ROLES: &[(&str, &str, StaffRole)] = &[
    ("GET", "/console", Operator),
    ("GET", "/console/warehouse", Operator),
    ("POST", "/console/logout", Operator),
    ("GET", "/console/inbound", Operator),
    ("POST", "/console/inbound", Operator),
    ("GET", "/console/inbound/{no}", Operator),
    ("POST", "/console/inbound/{no}/receive", Operator),
    ("POST", "/console/inbound/{no}/close", Operator),
    ("GET", "/console/inbound/{no}/labels.pdf", Operator),
    ("GET", "/console/inbound/{no}/putaway", Operator),
    ("POST", "/console/inbound/{no}/putaway", Operator),
    ("GET", "/console/waves", Operator),
    ("POST", "/console/waves", Supervisor),
    ("GET", "/console/pick/{id}", Operator),
    ("POST", "/console/pick/{id}/location", Operator),
    ("POST", "/console/pick/{id}/item", Operator),
    ("GET", "/console/pack", Operator),
    ("POST", "/console/pack", Operator),
    ("GET", "/console/pack/{no}", Operator),
    ("POST", "/console/pack/{no}", Operator),
    ("POST", "/console/pack/{no}/done", Operator),
    ("GET", "/console/outbound/{no}/label.pdf", Operator),
    ("GET", "/console/ship", Operator),
    ("POST", "/console/ship", Operator),
    ("GET", "/console/stock", Operator),
    ("GET", "/console/move", Operator),
    ("POST", "/console/move", Operator),
    ("GET", "/console/counts", Operator),
    ("GET", "/console/counts/{id}", Operator),
    ("POST", "/console/counts/{id}", Operator),
    ("POST", "/console/counts/{id}/enter", Operator),
    ("POST", "/console/count-plans/{no}/approve", Supervisor),
    ("GET", "/console/map", Operator),
    ("GET", "/console/replenishment", Operator),
    ("POST", "/console/replenishment", Operator),
    ("GET", "/console/work-orders", Operator),
    ("POST", "/console/work-orders/{no}/start", Operator),
    ("POST", "/console/work-orders/{no}/complete", Operator),
    ("GET", "/console/admin", Admin),
    ("POST", "/console/admin/staff", Admin),
    ("POST", "/console/admin/staff/disable", Admin),
    ("POST", "/console/admin/customers", Admin),
    ("POST", "/console/admin/grants", Admin),
    ("POST", "/console/admin/apps", Admin),
    ("GET", "/console/returns", Operator),
    ("POST", "/console/returns", Operator),
    ("GET", "/console/returns/{no}", Operator),
    ("POST", "/console/returns/{no}/grade", Operator),
    ("POST", "/console/returns/{no}/complete", Operator),
    ("GET", "/console/adjust", Supervisor),
    ("POST", "/console/adjust", Supervisor),
];

pub fn min_role(method: &str, path: &str) -> Option<StaffRole> {
    CONSOLE_ROLES.iter().find(|(m, p, _)| *m == method && *p == path).map(|(_, _, r)| *r)
}

/// The warehouse this device works in: the one chosen (cookie) if the
/// staff member may work there, else their first.
pub async fn current_warehouse(
    state: &AppState,
    staff: &Staff,
    ui: &Ui,
) -> Result<Option<WarehouseRow>, haicang_app::AppError> {
    Ok(chosen_warehouse(state.app.staff_warehouses(&staff.principal).await?, ui))
}

/// Of the warehouses a staff member works in, the one this device chose.
pub fn chosen_warehouse(all: Vec<WarehouseRow>, ui: &Ui) -> Option<WarehouseRow> {
    let chosen = ui.warehouse.as_deref().and_then(|code| all.iter().position(|w| w.code == code));
    all.into_iter().nth(chosen.unwrap_or(0))
}

/// The warehouse a page works in, or the answer that sends the staff
/// member back: to the dashboard when they have none, to `back` with the
/// refusal when the look-up fails.
pub async fn working_warehouse(
    state: &AppState,
    staff: &Staff,
    ui: &Ui,
    back: &str,
) -> Result<WarehouseRow, axum::response::Response> {
    match current_warehouse(state, staff, ui).await {
        Ok(Some(w)) => Ok(w),
        Ok(None) => {
            Err(ui.redirect("/console", crate::session::Flash::Err(ui.t(crate::i18n::Msg::NoWarehouse).to_owned())))
        }
        Err(e) => Err(ui.redirect(back, ui.refusal(e))),
    }
}

/// A whole number typed into a form (blank: `default`).
pub fn whole(text: &str, default: i64) -> Option<i64> {
    if text.trim().is_empty() { Some(default) } else { text.trim().parse().ok() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_entry_is_unique() {
        for (i, (m, p, _)) in CONSOLE_ROLES.iter().enumerate() {
            assert!(!CONSOLE_ROLES[i + 1..].iter().any(|(m2, p2, _)| m2 == m && p2 == p), "{m} {p} twice");
        }
        assert_eq!(min_role("POST", "/console/adjust"), Some(Supervisor));
        assert_eq!(min_role("DELETE", "/console/adjust"), None);
    }
}
