//! Kitting at the work station: the open assembly and disassembly work
//! orders of the warehouse; start one, then record what was made (and
//! rejected) with who made it.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;

use haicang_api::AppState;
use haicang_app::query::WorkOrderFilter;
use haicang_app::work_orders::CompleteWorkOrder;
use haicang_app::{AppError, PageRequest, Viewer};
use haicang_core::work_orders::WorkOrderStatus;

use super::{Fields, current_warehouse, whole};
use crate::i18n::{Msg, number};
use crate::page::{self, csrf};
use crate::session::{Flash, Staff, Ui};

pub async fn list(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let warehouse = current_warehouse(&s, &staff, &ui).await.ok().flatten();
    let filter = WorkOrderFilter { warehouse_code: warehouse.map(|w| w.code), ..Default::default() };
    let orders = match s
        .app
        .list_work_orders(Viewer::Staff(&staff.principal), &filter, PageRequest { page: 1, page_size: 100 })
        .await
    {
        Ok(p) => p.items,
        Err(e) => return ui.redirect("/console", ui.refusal(e)),
    };
    let open = orders
        .iter()
        .filter(|o| matches!(o.status, WorkOrderStatus::Created | WorkOrderStatus::Started | WorkOrderStatus::Partial));
    let body = html! {
        @for o in open {
            section.card {
                p { strong { (o.order_no) } " · " (o.work_type.as_str()) " · " (o.customer_code) " · " span.badge { (o.status.as_str()) } }
                p { (ui.t(Msg::Sku)) " " strong { (o.sku) } " · " (number(o.done)) "/" (number(o.quantity)) " · " (ui.t(Msg::Location)) " " (o.station_code) }
                @if o.status == WorkOrderStatus::Created {
                    form method="post" action={ "/console/work-orders/" (o.order_no) "/start" } { (csrf(&ui)) button type="submit" { (ui.t(Msg::Start)) } }
                } @else {
                    form method="post" action={ "/console/work-orders/" (o.order_no) "/complete" } {
                        (csrf(&ui))
                        div.row {
                            div { label for={ "made-" (o.order_no) } { (ui.t(Msg::Produced)) }
                                input id={ "made-" (o.order_no) } name="produced" type="number" min="0" value=(o.quantity - o.done - o.rejected) required; }
                            div { label for={ "rejected-" (o.order_no) } { (ui.t(Msg::Rejected)) }
                                input id={ "rejected-" (o.order_no) } name="rejected" type="number" min="0" value="0" required; }
                            div { label for={ "workers-" (o.order_no) } { (ui.t(Msg::Workers)) }
                                input id={ "workers-" (o.order_no) } name="workers" type="text" value=(staff.principal.username) required; }
                        }
                        button type="submit" { (ui.t(Msg::Complete)) }
                    }
                }
            }
        }
    };
    page::shell(&ui, &staff.principal, "/console/work-orders", ui.t(Msg::WorkOrders), body).into_response()
}

pub async fn start(State(s): State<AppState>, ui: Ui, staff: Staff, Path(no): Path<String>) -> Response {
    match s.app.start_work_order(&staff.principal, &no).await {
        Ok(o) => ui.redirect(
            "/console/work-orders",
            Flash::Ok(format!("{} · {} · {}", ui.t(Msg::Start), o.order_no, o.status.as_str())),
        ),
        Err(e) => ui.redirect("/console/work-orders", ui.refusal(e)),
    }
}

pub async fn complete(
    State(s): State<AppState>,
    ui: Ui,
    staff: Staff,
    Path(no): Path<String>,
    fields: Fields,
) -> Response {
    let (Some(produced), Some(rejected)) = (whole(&fields.get("produced"), 0), whole(&fields.get("rejected"), 0))
    else {
        let e = AppError::InvalidParam { field: "produced", reason: "a whole number".into() };
        return ui.redirect("/console/work-orders", ui.refusal(e));
    };
    let workers = fields.get("workers").split([' ', ',']).filter(|w| !w.is_empty()).map(str::to_owned).collect();
    match s.app.complete_work_order(&staff.principal, &no, &CompleteWorkOrder { produced, rejected, workers }).await {
        Ok(o) => ui.redirect(
            "/console/work-orders",
            Flash::Ok(format!(
                "{} · {} · {}/{} · {}",
                ui.t(Msg::Complete),
                o.order_no,
                number(o.done),
                number(o.quantity),
                o.status.as_str()
            )),
        ),
        Err(e) => ui.redirect("/console/work-orders", ui.refusal(e)),
    }
}
