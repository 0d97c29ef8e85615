//! The operator's business (ADMIN only): staff and their roles and
//! warehouses, customers and the warehouses granted to them, their API
//! apps. Every change is in the audit trail under the admin's name.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use haicang_api::AppState;
use haicang_app::admin::AppCredentials;
use haicang_app::audit::Actor;

use super::Fields;
use crate::i18n::Msg;
use crate::page::{self, csrf};
use crate::session::{Flash, Staff, Ui};

const ROLES: &[&str] = &["OPERATOR", "SUPERVISOR", "ADMIN"];

async fn render(s: &AppState, ui: &Ui, staff: &Staff, created: Option<&AppCredentials>) -> Response {
    let (people, customers, warehouses) = match (
        s.app.list_staff().await,
        s.app.list_customers().await,
        s.app.staff_warehouses(&staff.principal).await,
    ) {
        (Ok(p), Ok(c), Ok(w)) => (p, c, w),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return ui.redirect("/console", ui.refusal(e)),
    };
    let field = |id: &str, label: Msg, kind: &str| -> Markup {
        html! { div { label for=(id) { (ui.t(label)) } input id=(id) name=(id) type=(kind) autocomplete="off" required; } }
    };
    let body = html! {
        @if let Some(c) = created {
            section.card.flash.ok #created-app role="status" {
                p { (ui.t(Msg::SecretShownOnce)) }
                p { "appId " code #app-id { (c.app_id) } }
                p { "appSecret " code #app-secret { (c.app_secret) } }
            }
        }
        section.card.scroll {
            h2 { (ui.t(Msg::StaffTitle)) }
            table #staff { thead { tr { th { (ui.t(Msg::Username)) } th { (ui.t(Msg::Role)) } th { (ui.t(Msg::Warehouses)) } th { (ui.t(Msg::Status)) } th {} } }
                tbody { @for p in &people { tr {
                    td { (p.username) br; span.muted { (p.name) } } td { (p.role) }
                    td { @if p.warehouses.is_empty() { span.muted { (ui.t(Msg::AllWarehouses)) } } @else { (p.warehouses) } }
                    td { (p.status) }
                    td { @if p.status == "ACTIVE" && p.username != staff.principal.username {
                        form method="post" action="/console/admin/staff/disable" { (csrf(ui)) input type="hidden" name="username" value=(p.username);
                            button.danger type="submit" { (ui.t(Msg::Disable)) } } } }
                } } } }
            form method="post" action="/console/admin/staff" {
                (csrf(ui))
                h2 { (ui.t(Msg::AddStaff)) }
                div.row { (field("username", Msg::Username, "text")) (field("password", Msg::Password, "password")) }
                div.row {
                    div { label for="role" { (ui.t(Msg::Role)) } select #role name="role" { @for r in ROLES { option value=(r) { (r) } } } }
                    div { label for="staff-warehouses" { (ui.t(Msg::WarehousesBlankAll)) }
                        input #staff-warehouses name="warehouses" type="text" autocomplete="off"; }
                }
                button type="submit" { (ui.t(Msg::AddStaff)) }
            }
        }
        section.card.scroll {
            h2 { (ui.t(Msg::Customers)) }
            table #customers { thead { tr { th { (ui.t(Msg::Seller)) } th { (ui.t(Msg::Warehouses)) } th { "Apps" } th { (ui.t(Msg::Status)) } } }
                tbody { @for c in &customers { tr { td { (c.code) br; span.muted { (c.name) } } td { (c.warehouses) } td { (c.apps) } td { (c.status) } } } } }
            form method="post" action="/console/admin/customers" {
                (csrf(ui)) h2 { (ui.t(Msg::AddCustomer)) }
                div.row { (field("code", Msg::Seller, "text")) div { label for="cname" { (ui.t(Msg::Name)) } input #cname name="name" type="text"; } }
                button type="submit" { (ui.t(Msg::AddCustomer)) }
            }
            form method="post" action="/console/admin/grants" {
                (csrf(ui)) h2 { (ui.t(Msg::GrantWarehouse)) }
                div.row {
                    div { label for="grant-customer" { (ui.t(Msg::Seller)) } select #grant-customer name="customer" { @for c in &customers { option value=(c.code) { (c.code) } } } }
                    div { label for="grant-warehouse" { (ui.t(Msg::Warehouse)) } select #grant-warehouse name="warehouse" { @for w in &warehouses { option value=(w.code) { (w.code) } } } }
                }
                button type="submit" { (ui.t(Msg::GrantWarehouse)) }
            }
            form method="post" action="/console/admin/apps" {
                (csrf(ui)) h2 { (ui.t(Msg::AddApp)) }
                div.row {
                    div { label for="app-customer" { (ui.t(Msg::Seller)) } select #app-customer name="customer" { @for c in &customers { option value=(c.code) { (c.code) } } } }
                    div { label for="app-name" { (ui.t(Msg::Name)) } input #app-name name="name" type="text" required; }
                }
                button type="submit" { (ui.t(Msg::AddApp)) }
            }
        }
    };
    page::shell(ui, &staff.principal, "/console/admin", ui.t(Msg::Admin), body).into_response()
}

pub async fn page(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    render(&s, &ui, &staff, None).await
}

pub async fn add_staff(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let warehouses: Vec<String> =
        fields.get("warehouses").split([' ', ',']).filter(|w| !w.is_empty()).map(str::to_owned).collect();
    let username = fields.get("username");
    let by = Actor::staff(&staff.principal);
    match s.app.create_staff_by(&by, &username, "", &fields.get("password"), &fields.get("role"), &warehouses).await {
        Ok(_) => ui.redirect("/console/admin", Flash::Ok(format!("{} · {username}", ui.t(Msg::AddStaff)))),
        Err(e) => ui.redirect("/console/admin", ui.refusal(e)),
    }
}

pub async fn disable_staff(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let username = fields.get("username");
    let by = Actor::staff(&staff.principal);
    match s.app.disable_staff_by(&by, &username).await {
        Ok(_) => ui.redirect("/console/admin", Flash::Ok(format!("{} · {username}", ui.t(Msg::Disable)))),
        Err(e) => ui.redirect("/console/admin", ui.refusal(e)),
    }
}

pub async fn add_customer(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let code = fields.get("code");
    let by = Actor::staff(&staff.principal);
    match s.app.create_customer_by(&by, &code, &fields.get("name")).await {
        Ok(_) => ui.redirect(
            "/console/admin",
            Flash::Ok(format!("{} · {}", ui.t(Msg::AddCustomer), code.to_ascii_uppercase())),
        ),
        Err(e) => ui.redirect("/console/admin", ui.refusal(e)),
    }
}

pub async fn grant(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let (customer, warehouse) = (fields.get("customer"), fields.get("warehouse"));
    // An admin limited to some warehouses grants only those.
    let mine = s.app.staff_warehouses(&staff.principal).await.unwrap_or_default();
    if !mine.iter().any(|w| w.code == warehouse) {
        return ui.redirect("/console/admin", ui.refusal(haicang_app::AppError::WarehouseOutOfScope(warehouse)));
    }
    let by = Actor::staff(&staff.principal);
    match s.app.grant_warehouse_by(&by, &customer, &warehouse).await {
        Ok(()) => ui
            .redirect("/console/admin", Flash::Ok(format!("{} · {customer} → {warehouse}", ui.t(Msg::GrantWarehouse)))),
        Err(e) => ui.redirect("/console/admin", ui.refusal(e)),
    }
}

/// The new app's secret is shown on this answer only (never in a cookie
/// or a redirect), as the API's rotation does.
pub async fn add_app(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let by = Actor::staff(&staff.principal);
    match s.app.create_app_by(&by, &fields.get("customer"), &fields.get("name"), None).await {
        Ok(created) => render(&s, &ui, &staff, Some(&created)).await,
        Err(e) => ui.redirect("/console/admin", ui.refusal(e)),
    }
}
