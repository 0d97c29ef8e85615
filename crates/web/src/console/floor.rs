//! Floor work besides inbound and outbound: moves between locations,
//! count tasks (scan what is there; the expected figures stay hidden when
//! the plan is blind) and the warehouse map, coloured by units held.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use haicang_api::AppState;
use haicang_app::AppError;
use haicang_app::counts::CountLine;
use haicang_app::floor::{MoveCommand, MoveLine};
use haicang_core::ledger::Condition;

use super::{Fields, current_warehouse, whole, working_warehouse};
use crate::form::Id;
use crate::i18n::{Msg, number};
use crate::page::{self, csrf};
use crate::session::{Flash, Staff, Ui};

pub async fn move_page(ui: Ui, staff: Staff) -> Response {
    let field = |id: &str, label: Msg, scan: bool, autofocus: bool| {
        html! { div { label for=(id) { (ui.t(label)) }
        input.scan[scan] id=(id) name=(id) type=(if scan { "text" } else { "number" }) autocomplete="off" autofocus[autofocus] required; } }
    };
    let body = html! {
        form.card method="post" action="/console/move" {
            (csrf(&ui))
            (field("from", Msg::FromLocation, true, true))
            (field("sku", Msg::Sku, true, false))
            (field("quantity", Msg::Quantity, false, false))
            (field("to", Msg::ToLocation, true, false))
            button type="submit" { (ui.t(Msg::Move)) }
        }
    };
    page::shell(&ui, &staff.principal, "/console/move", ui.t(Msg::Move), body).into_response()
}

/// One line through the same use case as `POST /ops/moves`.
pub async fn move_stock(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let warehouse = match working_warehouse(&s, &staff, &ui, "/console/move").await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let Some(quantity) = whole(&fields.get("quantity"), 0).filter(|q| *q > 0) else {
        let e = AppError::InvalidParam { field: "quantity", reason: "a positive whole number".into() };
        return ui.redirect("/console/move", ui.refusal(e));
    };
    let line = MoveLine {
        sku: fields.get("sku"),
        customer_code: None,
        from_location_code: fields.get("from").to_ascii_uppercase(),
        to_location_code: fields.get("to").to_ascii_uppercase(),
        quantity,
        condition: Condition::Good,
        lot_no: None,
        serials: vec![],
    };
    let text = format!("{} × {} {} → {}", line.sku, number(quantity), line.from_location_code, line.to_location_code);
    let cmd = MoveCommand { warehouse_code: warehouse.code, reason: None, lines: vec![line] };
    match s.app.move_stock(&staff.principal, &cmd).await {
        Ok(posted) => {
            ui.redirect("/console/move", Flash::Ok(format!("{} · {text} · {}", ui.t(Msg::Moved), posted.document_no)))
        }
        Err(e) => ui.redirect("/console/move", ui.refusal(e)),
    }
}

pub async fn counts(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let warehouse = match working_warehouse(&s, &staff, &ui, "/console").await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let tasks = match s.app.open_count_tasks(&staff.principal, &warehouse.code).await {
        Ok(t) => t,
        Err(e) => return ui.redirect("/console", ui.refusal(e)),
    };
    let plans = s.app.open_count_plans(&staff.principal, &warehouse.code).await.unwrap_or_default();
    let may_approve = staff.principal.role.covers(haicang_app::StaffRole::Supervisor);
    let body = html! {
        @if !plans.is_empty() {
            section.card {
                h2 { (ui.t(Msg::CountPlans)) }
                @for p in &plans {
                    div.row {
                        p { strong { (p.plan_no) } " · " (number(p.counted)) "/" (number(p.sheets)) " " (ui.t(Msg::Counted)) }
                        @if may_approve && p.counted == p.sheets {
                            form method="post" action={ "/console/count-plans/" (p.plan_no) "/approve" } { (csrf(&ui)) button type="submit" { (ui.t(Msg::Approve)) } }
                        }
                    }
                }
            }
        }
        section.card {
            @if tasks.is_empty() { p.muted { (ui.t(Msg::None)) } }
            @for t in &tasks {
                p { a href={ "/console/counts/" (t.count_sheet_id) } { span.big { (t.location_code) } }
                    " · " (t.plan_no) " · " (ui.t(Msg::Round)) " " (t.round) " · " (t.origin) }
            }
        }
    };
    page::shell(&ui, &staff.principal, "/console/counts", ui.t(Msg::Counts), body).into_response()
}

/// The units counted so far, kept in the form until the sheet is entered
/// (one `code*quantity` per hidden field).
fn tally(fields: &Fields) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for entry in fields.all("counted") {
        if let Some((code, n)) = entry.rsplit_once('*')
            && let Ok(n) = n.parse::<i64>()
        {
            *out.entry(code.to_owned()).or_insert(0) += n;
        }
    }
    out
}

fn count_page(
    ui: &Ui,
    staff: &Staff,
    id: i64,
    location: &str,
    counted: &BTreeMap<String, i64>,
) -> axum::response::Html<String> {
    let hidden: Markup =
        html! { @for (code, n) in counted { input type="hidden" name="counted" value={ (code) "*" (n) }; } };
    let body = html! {
        p { (ui.t(Msg::Location)) ": " span.big #count-location { (location) } }
        form.card method="post" action={ "/console/counts/" (id) } {
            (csrf(ui)) (hidden)
            label for="scan-code" { (ui.t(Msg::ScanItem)) }
            input.scan #scan-code name="code" type="text" autocomplete="off" autofocus required;
            label for="qty" { (ui.t(Msg::Quantity)) }
            input #qty name="quantity" type="number" inputmode="numeric" min="0" value="1" required;
            button type="submit" { (ui.t(Msg::Confirm)) }
        }
        section.card {
            table #counted { thead { tr { th { (ui.t(Msg::Sku)) } th.num { (ui.t(Msg::Count)) } } }
                tbody { @for (code, n) in counted { tr { td { (code) } td.num { (number(*n)) } } } } }
            form method="post" action={ "/console/counts/" (id) "/enter" } {
                (csrf(ui)) (hidden)
                button.secondary type="submit" { (ui.t(Msg::EnterCount)) }
            }
        }
    };
    page::shell(ui, &staff.principal, "/console/counts", &format!("{} {location}", ui.t(Msg::Counts)), body)
}

async fn sheet_location(s: &AppState, staff: &Staff, ui: &Ui, id: i64) -> Result<String, AppError> {
    let warehouse = current_warehouse(s, staff, ui).await?.ok_or(AppError::CountTaskNotFound(id))?;
    let tasks = s.app.open_count_tasks(&staff.principal, &warehouse.code).await?;
    tasks.into_iter().find(|t| t.count_sheet_id == id).map(|t| t.location_code).ok_or(AppError::CountTaskNotFound(id))
}

pub async fn count_task(State(s): State<AppState>, ui: Ui, staff: Staff, Id(id): Id) -> Response {
    match sheet_location(&s, &staff, &ui, id).await {
        Ok(location) => count_page(&ui, &staff, id, &location, &BTreeMap::new()).into_response(),
        Err(e) => ui.redirect("/console/counts", ui.refusal(e)),
    }
}

/// A scan adds to the tally on the page; nothing is written yet.
pub async fn count_scan(State(s): State<AppState>, ui: Ui, staff: Staff, Id(id): Id, fields: Fields) -> Response {
    let location = match sheet_location(&s, &staff, &ui, id).await {
        Ok(l) => l,
        Err(e) => return ui.redirect("/console/counts", ui.refusal(e)),
    };
    let mut counted = tally(&fields);
    let code = fields.get("code");
    let (status, flash) = match whole(&fields.get("quantity"), 1).filter(|n| *n >= 0) {
        Some(n) if !code.is_empty() => {
            *counted.entry(code.clone()).or_insert(0) += n;
            (StatusCode::OK, Flash::Ok(format!("{code} +{n}")))
        }
        _ => {
            let e = AppError::InvalidParam { field: "quantity", reason: "a whole number".into() };
            let (status, flash) = ui.refusal_with_status(e);
            (status, flash)
        }
    };
    let ui = Ui { flash: Some(flash), ..ui };
    (status, count_page(&ui, &staff, id, &location, &counted)).into_response()
}

pub async fn count_enter(State(s): State<AppState>, ui: Ui, staff: Staff, Id(id): Id, fields: Fields) -> Response {
    let lines: Vec<CountLine> = tally(&fields)
        .into_iter()
        .map(|(code, quantity)| CountLine {
            code,
            customer_code: None,
            condition: Condition::Good,
            lot_no: None,
            quantity,
        })
        .collect();
    match s.app.enter_count(&staff.principal, id, &lines).await {
        Ok(r) => {
            let text = format!("{} · {} · {}", ui.t(Msg::CountEntered), r.sheet.location_code, r.sheet.status);
            let text = if r.recount_opened { format!("{text} · {}", ui.t(Msg::RecountOpened)) } else { text };
            ui.redirect("/console/counts", Flash::Ok(text))
        }
        Err(e) => ui.redirect(&format!("/console/counts/{id}"), ui.refusal(e)),
    }
}

/// The floor plan: one square per bay (levels added up), darker the more
/// units it holds; special areas outlined.
pub async fn map(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let warehouse = match working_warehouse(&s, &staff, &ui, "/console").await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let rows = match s.app.occupancy(&staff.principal, &warehouse.code).await {
        Ok(r) => r,
        Err(e) => return ui.redirect("/console", ui.refusal(e)),
    };
    let mut spots: BTreeMap<(i64, i64), (i64, String)> = BTreeMap::new();
    for r in &rows {
        let spot = spots.entry((r.x_mm, r.y_mm)).or_insert((0, r.code.clone()));
        spot.0 += r.units;
    }
    let max_units = spots.values().map(|v| v.0).max().unwrap_or(0).max(1);
    let (min_x, max_x) = (spots.keys().map(|k| k.0).min().unwrap_or(0), spots.keys().map(|k| k.0).max().unwrap_or(0));
    let (min_y, max_y) = (spots.keys().map(|k| k.1).min().unwrap_or(0), spots.keys().map(|k| k.1).max().unwrap_or(0));
    let span = ((max_x - min_x).max(max_y - min_y).max(1)) as f64;
    let scale = 600.0 / span;
    let (vw, vh) = (20.0 + (max_x - min_x) as f64 * scale, 20.0 + (max_y - min_y) as f64 * scale);
    let occupied = spots.values().filter(|v| v.0 > 0).count();
    let body = html! {
        p { (warehouse.code) " · " (number(occupied as i64)) "/" (number(spots.len() as i64)) " " (ui.t(Msg::SpotsOccupied)) }
        svg.map #heat-map viewBox={ "0 0 " (format!("{vw:.0} {vh:.0}")) } role="img" aria-label=(ui.t(Msg::Map)) {
            @for ((x, y), (units, code)) in &spots {
                @let opacity = if *units == 0 { 0.08 } else { 0.3 + 0.7 * (*units as f64 / max_units as f64).sqrt() };
                rect x=(format!("{:.1}", 10.0 + (x - min_x) as f64 * scale - 3.0)) y=(format!("{:.1}", 10.0 + (y - min_y) as f64 * scale - 3.0))
                    width="6" height="6" fill="#b00020" fill-opacity=(format!("{opacity:.2}")) {
                    title { (code) ": " (units) }
                }
            }
        }
        p.muted { (ui.t(Msg::MapLegend)) " " (number(max_units)) }
    };
    page::shell(&ui, &staff.principal, "/console/map", ui.t(Msg::Map), body).into_response()
}

/// Pick faces below their minimum and the moves that refill them from
/// reserve; confirming posts them all as one move document.
pub async fn replenishment(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let warehouse = match working_warehouse(&s, &staff, &ui, "/console").await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let plan = match s.app.replenishment_plan(&staff.principal, &warehouse.code).await {
        Ok(p) => p,
        Err(e) => return ui.redirect("/console", ui.refusal(e)),
    };
    let body = html! {
        section.card.scroll {
            @if plan.is_empty() { p.muted { (ui.t(Msg::None)) } }
            @else {
                table #replenishment { thead { tr { th { (ui.t(Msg::Sku)) } th { (ui.t(Msg::From)) } th { (ui.t(Msg::To)) } th { (ui.t(Msg::Lot)) } th.num { (ui.t(Msg::Quantity)) } } }
                    tbody { @for p in &plan { tr { td { (p.sku) " " span.muted { (p.customer_code) } } td { (p.from_location_code) } td { (p.to_location_code) }
                        td { (p.lot_no) } td.num { (number(p.quantity)) } } } } }
                form method="post" action="/console/replenishment" { (csrf(&ui)) button type="submit" { (ui.t(Msg::Confirm)) } }
            }
        }
    };
    page::shell(&ui, &staff.principal, "/console/replenishment", ui.t(Msg::Replenishment), body).into_response()
}

pub async fn confirm_replenishment(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let warehouse = match working_warehouse(&s, &staff, &ui, "/console/replenishment").await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    match s.app.confirm_replenishment(&staff.principal, &warehouse.code).await {
        Ok(Some(p)) => ui.redirect(
            "/console/replenishment",
            Flash::Ok(format!("{} · {} · {}", ui.t(Msg::Moved), p.document_no, p.movements)),
        ),
        Ok(None) => ui.redirect("/console/replenishment", Flash::Ok(ui.t(Msg::None).to_owned())),
        Err(e) => ui.redirect("/console/replenishment", ui.refusal(e)),
    }
}

/// Approving posts the variances through the ledger (supervisors).
pub async fn approve_plan(State(s): State<AppState>, ui: Ui, staff: Staff, Path(no): Path<String>) -> Response {
    match s.app.approve_count_plan(&staff.principal, &no).await {
        Ok(d) => {
            ui.redirect("/console/counts", Flash::Ok(format!("{} · {} · {}", ui.t(Msg::Approve), no, d.plan.status)))
        }
        Err(e) => ui.redirect("/console/counts", ui.refusal(e)),
    }
}
