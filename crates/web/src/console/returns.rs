//! Returns at the bench: a scan of the parcel (tracking number, RMA or
//! order number) records its arrival and opens it; each unit is graded
//! (condition and disposition) and the return completed.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;

use haicang_api::AppState;
use haicang_app::query::ReturnFilter;
use haicang_app::returns::GradeLine;
use haicang_app::{AppError, PageRequest, Viewer};
use haicang_core::ledger::Condition;
use haicang_core::returns::{Disposition, ReturnStatus};

use super::{Fields, current_warehouse, whole};
use crate::i18n::{Msg, number};
use crate::page::{self, csrf};
use crate::session::{Flash, Staff, Ui};

const CONDITIONS: &[Condition] = &[Condition::Good, Condition::Damaged, Condition::Defective];
const DISPOSITIONS: &[Disposition] =
    &[Disposition::Restock, Disposition::Quarantine, Disposition::Dispose, Disposition::ReturnToSeller];

fn return_url(no: &str) -> String {
    format!("/console/returns/{no}")
}

pub async fn list(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let warehouse = current_warehouse(&s, &staff, &ui).await.ok().flatten();
    let filter = ReturnFilter { warehouse_code: warehouse.map(|w| w.code), ..Default::default() };
    let open =
        s.app.list_returns(Viewer::Staff(&staff.principal), &filter, PageRequest { page: 1, page_size: 50 }).await;
    let body = html! {
        form.card method="post" action="/console/returns" {
            (csrf(&ui))
            label for="scan-code" { (ui.t(Msg::ScanReturn)) }
            input.scan #scan-code name="code" type="text" autocomplete="off" autofocus required;
            label for="units" { (ui.t(Msg::UnitsArrived)) }
            input #units name="units" type="number" inputmode="numeric" min="1";
            button type="submit" { (ui.t(Msg::Confirm)) }
        }
        @if let Ok(p) = &open {
            section.card.scroll { table {
                thead { tr { th { (ui.t(Msg::Order)) } th { (ui.t(Msg::Seller)) } th { (ui.t(Msg::Status)) } th { (ui.t(Msg::Tracking)) } th.num { (ui.t(Msg::Announced)) } } }
                tbody { @for r in p.items.iter().filter(|r| matches!(r.status, ReturnStatus::Announced | ReturnStatus::Arrived)) {
                    tr { td { a href=(return_url(&r.order_no)) { (r.order_no) } } td { (r.customer_code) } td { span.badge { (r.status.as_str()) } }
                        td { (r.tracking_no.as_deref().unwrap_or("")) } td.num { (number(r.announced)) } } } }
            } }
        }
    };
    page::shell(&ui, &staff.principal, "/console/returns", ui.t(Msg::Returns), body).into_response()
}

/// A parcel at the bench: arrived now, or opened when it already was.
pub async fn arrive(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let code = fields.get("code");
    if let Ok(d) = s.app.return_detail(Viewer::Staff(&staff.principal), &code).await
        && d.order.status != ReturnStatus::Announced
    {
        return ui.redirect(
            &return_url(&d.order.order_no),
            Flash::Ok(format!("{} · {}", d.order.order_no, d.order.status.as_str())),
        );
    }
    let units = match fields.get("units").as_str() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                let e = AppError::InvalidParam { field: "units", reason: "a positive whole number".into() };
                return ui.redirect("/console/returns", ui.refusal(e));
            }
        },
    };
    let warehouse = current_warehouse(&s, &staff, &ui).await.ok().flatten().map(|w| w.code);
    match s.app.arrive_return(&staff.principal, &code, warehouse.as_deref(), units).await {
        Ok(r) => ui.redirect(&return_url(&r.order_no), Flash::Ok(format!("{} · {}", ui.t(Msg::Arrived), r.order_no))),
        Err(e) => ui.redirect("/console/returns", ui.refusal(e)),
    }
}

pub async fn detail(State(s): State<AppState>, ui: Ui, staff: Staff, Path(no): Path<String>) -> Response {
    let d = match s.app.return_detail(Viewer::Staff(&staff.principal), &no).await {
        Ok(d) => d,
        Err(e) => return ui.redirect("/console/returns", ui.refusal(e)),
    };
    let arrived = d.order.status == ReturnStatus::Arrived;
    let body = html! {
        p { span.badge #return-status { (d.order.status.as_str()) } " · " (d.order.customer_code)
            @if let Some(t) = &d.order.tracking_no { " · " (t) } @if let Some(r) = &d.order.reason { " · " (r) } }
        @if arrived {
            form.card method="post" action={ (return_url(&no)) "/grade" } {
                (csrf(&ui))
                h2 { (ui.t(Msg::Grade)) }
                label for="scan-sku" { (ui.t(Msg::ScanItem)) }
                input.scan #scan-sku name="sku" type="text" autocomplete="off" autofocus required;
                div.row {
                    div { label for="qty" { (ui.t(Msg::Quantity)) } input #qty name="quantity" type="number" min="1" value="1" required; }
                    div { label for="condition" { (ui.t(Msg::Condition)) }
                        select #condition name="condition" { @for c in CONDITIONS { option value=(c.as_str()) { (c.as_str()) } } } }
                    div { label for="disposition" { (ui.t(Msg::Disposition)) }
                        select #disposition name="disposition" { @for x in DISPOSITIONS { option value=(x.as_str()) { (x.as_str()) } } } }
                }
                button type="submit" { (ui.t(Msg::SaveGrade)) }
            }
        }
        section.card.scroll {
            h2 { (ui.t(Msg::Announced)) }
            table { tbody { @for l in &d.lines { tr { td { (l.sku) } td.num { (number(l.quantity)) } } } } }
            h2 { (ui.t(Msg::Graded)) }
            table #grades { tbody { @for g in &d.grades { tr { td { (g.sku) } td.num { (number(g.quantity)) } td { (g.condition.as_str()) } td { (g.disposition.as_str()) } } } } }
            @if !d.discrepancies.is_empty() {
                h2 { (ui.t(Msg::Discrepancies)) }
                table { tbody { @for (sku, announced, graded) in &d.discrepancies { tr { td { (sku) } td.num { (announced) } td.num.shortage { (graded) } } } } }
            }
            @if !d.putaway.is_empty() {
                h2 { (ui.t(Msg::Suggested)) }
                table { tbody { @for p in &d.putaway { tr { td { (p.sku) } td.num { (p.quantity) } td { (p.location_code.as_deref().unwrap_or("—")) } } } } }
            }
        }
        @if arrived {
            form method="post" action={ (return_url(&no)) "/complete" } { (csrf(&ui)) button.secondary type="submit" { (ui.t(Msg::Complete)) } }
        }
    };
    page::shell(&ui, &staff.principal, "/console/returns", &format!("{} {no}", ui.t(Msg::Returns)), body)
        .into_response()
}

pub async fn grade(
    State(s): State<AppState>,
    ui: Ui,
    staff: Staff,
    Path(no): Path<String>,
    fields: Fields,
) -> Response {
    let back = return_url(&no);
    let line = (|| -> Result<GradeLine, AppError> {
        Ok(GradeLine {
            sku: fields.get("sku"),
            quantity: whole(&fields.get("quantity"), 1)
                .ok_or(AppError::InvalidParam { field: "quantity", reason: "a positive whole number".into() })?,
            condition: Condition::parse(&fields.get("condition"))
                .ok_or(AppError::InvalidParam { field: "condition", reason: "a condition".into() })?,
            disposition: Disposition::parse(&fields.get("disposition"))
                .ok_or(AppError::InvalidParam { field: "disposition", reason: "a disposition".into() })?,
            serial: None,
            note: None,
        })
    })();
    let result = match line {
        Ok(line) => s.app.grade_return(&staff.principal, &no, std::slice::from_ref(&line)).await.map(|_| line),
        Err(e) => Err(e),
    };
    match result {
        Ok(l) => ui.redirect(
            &back,
            Flash::Ok(format!(
                "{} · {} × {} · {} · {}",
                ui.t(Msg::Graded),
                l.sku,
                l.quantity,
                l.condition.as_str(),
                l.disposition.as_str()
            )),
        ),
        Err(e) => ui.redirect(&back, ui.refusal(e)),
    }
}

pub async fn complete(State(s): State<AppState>, ui: Ui, staff: Staff, Path(no): Path<String>) -> Response {
    match s.app.complete_return(&staff.principal, &no).await {
        Ok(r) => ui.redirect(
            &return_url(&no),
            Flash::Ok(format!("{} · {} · {}", ui.t(Msg::ReturnCompleted), r.order_no, r.status.as_str())),
        ),
        Err(e) => ui.redirect(&return_url(&no), ui.refusal(e)),
    }
}
