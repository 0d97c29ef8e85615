//! The day at a glance, per warehouse: orders by status, arrivals due,
//! carts in progress, exceptions.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use haicang_api::AppState;

use super::chosen_warehouse;
use crate::i18n::{Msg, number};
use crate::page;
use crate::session::{Staff, Ui, WAREHOUSE_COOKIE, set_cookie};

fn counts(ui: &Ui, title: Msg, rows: &[(String, i64)]) -> Markup {
    html! {
        section.card {
            h2 { (ui.t(title)) }
            @if rows.is_empty() { p.muted { (ui.t(Msg::None)) } }
            @else {
                table { thead { tr { th { (ui.t(Msg::Status)) } th.num { (ui.t(Msg::Count)) } } }
                    tbody { @for (status, n) in rows { tr { td { (status) } td.num { (number(*n)) } } } } }
            }
        }
    }
}

pub async fn page(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let all = match s.app.staff_warehouses(&staff.principal).await {
        Ok(all) => all,
        Err(e) => return ui.redirect("/console/login", ui.refusal(e)),
    };
    let current = match chosen_warehouse(all.clone(), &ui) {
        Some(w) => w,
        None => {
            return page::shell(
                &ui,
                &staff.principal,
                "/console",
                ui.t(Msg::Dashboard),
                html! { p { (ui.t(Msg::NoWarehouse)) } },
            )
            .into_response();
        }
    };
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let overview = match s.app.warehouse_overview(&staff.principal, &current.code, &today).await {
        Ok(o) => o,
        Err(e) => {
            let ui = Ui { flash: Some(ui.refusal(e)), ..ui };
            return page::shell(&ui, &staff.principal, "/console", ui.t(Msg::Dashboard), html! {}).into_response();
        }
    };
    let body = html! {
        nav.card aria-label=(ui.t(Msg::Warehouses)) {
            strong { (ui.t(Msg::Warehouses)) ": " }
            @for w in &all {
                a href={ "/console/warehouse?code=" (w.code) } aria-current=[(w.code == current.code).then_some("page")] {
                    (w.code) " · " (w.name)
                }
            }
        }
        div.grid {
            (counts(&ui, Msg::Orders, &overview.outbound_by_status))
            (counts(&ui, Msg::ByService, &overview.open_by_service))
            (counts(&ui, Msg::InboundOrders, &overview.inbound_by_status))
            section.card {
                h2 { (ui.t(Msg::ArrivalsDue)) }
                p.stat { (number(overview.arrivals_due)) }
                h2 { (ui.t(Msg::Exceptions)) }
                p { (ui.t(Msg::ShortPicks)) ": " strong { (number(overview.short_picks)) } }
                p { (ui.t(Msg::OpenAlerts)) ": " strong { (number(overview.open_alerts)) } }
            }
            section.card {
                h2 { (ui.t(Msg::CartsInProgress)) }
                @if overview.open_batches.is_empty() { p.muted { (ui.t(Msg::None)) } }
                @for b in &overview.open_batches {
                    p { a href={ "/console/pick/" (b.pick_batch_id) } { (ui.t(Msg::Cart)) " " (b.pick_batch_id) } " · " (b.wave_no)
                        " · " (number(b.picked)) "/" (number(b.units)) }
                }
            }
        }
    };
    let title = format!("{} · {}", ui.t(Msg::Dashboard), current.code);
    page::shell(&ui, &staff.principal, "/console", &title, body).into_response()
}

/// `?code=`: the warehouse this device works in (refused outside the
/// staff member's warehouses).
pub async fn choose(State(s): State<AppState>, ui: Ui, staff: Staff, parts: Parts) -> Response {
    let code = parts
        .uri
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "code").map(|(_, v)| v.into_owned()))
        .unwrap_or_default();
    match s.app.staff_warehouses(&staff.principal).await {
        Ok(all) if all.iter().any(|w| w.code == code) => {
            let mut r = Redirect::to("/console").into_response();
            r.headers_mut().append(SET_COOKIE, set_cookie(WAREHOUSE_COOKIE, &code, Some(366 * 86_400), ui.secure));
            r
        }
        Ok(_) => ui.redirect("/console", ui.refusal(haicang_app::AppError::WarehouseNotFound(code))),
        Err(e) => ui.redirect("/console", ui.refusal(e)),
    }
}
