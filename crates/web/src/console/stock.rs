//! Stock on the floor: what a scan names (SKU, barcode, location, lot or
//! batch) with the ledger's movements of it, and adjustments with a
//! reason (supervisors).

use axum::extract::State;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use maud::html;

use haicang_api::AppState;
use haicang_app::AppError;
use haicang_app::inventory::{AdjustmentCommand, AdjustmentLine};
use haicang_core::ledger::Condition;

use super::{Fields, current_warehouse, whole, working_warehouse};
use crate::i18n::{Msg, number};
use crate::page::{self, csrf};
use crate::session::{Flash, Staff, Ui};

pub async fn search(State(s): State<AppState>, ui: Ui, staff: Staff, parts: Parts) -> Response {
    let warehouse = match working_warehouse(&s, &staff, &ui, "/console").await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let q = parts
        .uri
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "q").map(|(_, v)| v.trim().to_owned()))
        .unwrap_or_default();
    let found = match s.app.find_stock(&staff.principal, &warehouse.code, &q).await {
        Ok(f) => f,
        Err(e) => return ui.redirect("/console", ui.refusal(e)),
    };
    let tz = warehouse.timezone.as_str();
    let body = html! {
        form.card method="get" action="/console/stock" {
            label for="q" { (ui.t(Msg::SearchStock)) " · " (warehouse.code) }
            input.scan #q name="q" type="text" value=(q) autocomplete="off" autofocus required;
            button type="submit" { (ui.t(Msg::Search)) }
        }
        @if !q.is_empty() {
            section.card.scroll {
                h2 { (ui.t(Msg::Stock)) }
                @if found.stock.is_empty() { p { (ui.t(Msg::NoStockFound)) } }
                @else {
                    table #stock-found {
                        thead { tr { th { (ui.t(Msg::Location)) } th { (ui.t(Msg::Seller)) } th { (ui.t(Msg::Sku)) } th { (ui.t(Msg::Lot)) }
                            th { (ui.t(Msg::Condition)) } th.num { (ui.t(Msg::Quantity)) } } }
                        tbody { @for r in &found.stock { tr { td { (r.location_code) } td { (r.customer_code) }
                            td { (r.sku) br; span.muted { (r.name) } } td { (r.lot_code) } td { (r.condition) } td.num { (number(r.quantity)) } } } }
                    }
                }
            }
            section.card.scroll {
                h2 { (ui.t(Msg::Movements)) }
                table {
                    thead { tr { th { (ui.t(Msg::When)) } th { (ui.t(Msg::Sku)) } th { (ui.t(Msg::From)) } th { (ui.t(Msg::To)) }
                        th.num { (ui.t(Msg::Quantity)) } th.num { (ui.t(Msg::Before)) } th.num { (ui.t(Msg::After)) }
                        th { (ui.t(Msg::Document)) } th { (ui.t(Msg::Operator)) } } }
                    tbody { @for m in &found.movements { tr { td { (page::time(m.created_at, tz)) } td { (m.sku) " " span.muted { (m.lot_code) } }
                        td { (m.source) } td { (m.target) } td.num { (number(m.quantity)) } td.num { (number(m.on_hand_before)) }
                        td.num { (number(m.on_hand_after)) } td { (m.document_type) " " (m.document_no) } td { (m.operator) } } } }
                }
            }
        }
    };
    page::shell(&ui, &staff.principal, "/console/stock", ui.t(Msg::Stock), body).into_response()
}

pub async fn adjust_page(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let warehouse = current_warehouse(&s, &staff, &ui).await.ok().flatten();
    let body = html! {
        form.card method="post" action="/console/adjust" {
            (csrf(&ui))
            p { (ui.t(Msg::Warehouse)) ": " strong { (warehouse.as_ref().map(|w| w.code.as_str()).unwrap_or("—")) } }
            div.row {
                div { label for="customer" { (ui.t(Msg::Seller)) } input #customer name="customer" type="text" required autofocus; }
                div { label for="sku" { (ui.t(Msg::Sku)) } input.scan #sku name="sku" type="text" autocomplete="off" required; }
            }
            div.row {
                div { label for="location" { (ui.t(Msg::Location)) } input.scan #location name="location" type="text" autocomplete="off" required; }
                div { label for="quantity" { (ui.t(Msg::SignedQuantity)) } input #quantity name="quantity" type="number" required; }
                div { label for="condition" { (ui.t(Msg::Condition)) }
                    select #condition name="condition" { option value="GOOD" { (ui.t(Msg::Good)) } option value="DEFECTIVE" { (ui.t(Msg::Defective)) } } }
            }
            label for="reason" { (ui.t(Msg::Reason)) }
            input #reason name="reason" type="text" maxlength="200" required;
            button type="submit" { (ui.t(Msg::Submit)) }
        }
    };
    page::shell(&ui, &staff.principal, "/console/adjust", ui.t(Msg::AdjustTitle), body).into_response()
}

/// One line through the same use case as `POST /ops/adjustments`.
pub async fn adjust(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let warehouse = match working_warehouse(&s, &staff, &ui, "/console/adjust").await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let Some(quantity) = whole(&fields.get("quantity"), 0).filter(|q| *q != 0) else {
        let e = AppError::InvalidParam { field: "quantity", reason: "a whole number other than 0".into() };
        return ui.redirect("/console/adjust", ui.refusal(e));
    };
    let condition = Condition::parse(&fields.get("condition")).unwrap_or(Condition::Good);
    let line = AdjustmentLine {
        condition,
        ..AdjustmentLine::units(fields.get("sku"), fields.get("location").to_ascii_uppercase(), quantity)
    };
    let cmd = AdjustmentCommand {
        warehouse_code: warehouse.code.clone(),
        customer_code: fields.get("customer").to_ascii_uppercase(),
        reason: fields.get("reason"),
        lines: vec![line],
    };
    match s.app.adjust(&staff.principal, &cmd).await {
        Ok(r) => ui.redirect("/console/adjust", Flash::Ok(format!("{} · {}", ui.t(Msg::Adjusted), r.document_no))),
        Err(e) => ui.redirect("/console/adjust", ui.refusal(e)),
    }
}
