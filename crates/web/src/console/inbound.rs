//! Inbound at the dock: a scan opens the order (arriving it when it was
//! still on its way), boxes are counted one by one, the receipt is
//! closed, and what was received is put away where the planner suggests
//! or wherever else the hard rules allow.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;

use haicang_api::AppState;
use haicang_app::Viewer;
use haicang_app::inbound::{InboundDetail, PutawayCommand, PutawayLine, ReceiveCommand, ReceiveLine};
use haicang_app::query::InboundFilter;
use haicang_core::inbound::InboundStatus;
use haicang_core::ledger::Condition;

use super::{Fields, current_warehouse, whole};
use crate::i18n::{Msg, number};
use crate::page::{self, csrf, scan_form};
use crate::session::{Flash, Staff, Ui};

fn order_url(no: &str) -> String {
    format!("/console/inbound/{no}")
}

pub async fn list(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let warehouse = match current_warehouse(&s, &staff, &ui).await {
        Ok(w) => w,
        Err(e) => return ui.redirect("/console", ui.refusal(e)),
    };
    let filter = InboundFilter { warehouse_code: warehouse.as_ref().map(|w| w.code.clone()), ..Default::default() };
    let page_request = haicang_app::PageRequest { page: 1, page_size: 50 };
    let orders = match s.app.list_inbound(Viewer::Staff(&staff.principal), &filter, page_request).await {
        Ok(p) => p.items,
        Err(e) => return ui.redirect("/console", ui.refusal(e)),
    };
    let open: Vec<_> = orders
        .iter()
        .filter(|o| !matches!(o.status, InboundStatus::Draft | InboundStatus::Cancelled | InboundStatus::PutawayDone))
        .collect();
    let body = html! {
        (scan_form(&ui, "/console/inbound", "code", ui.t(Msg::ScanArrival), &[]))
        section.card.scroll {
            h2 { (ui.t(Msg::InboundOrders)) }
            table {
                thead { tr { th { (ui.t(Msg::Order)) } th { (ui.t(Msg::Seller)) } th { (ui.t(Msg::Status)) }
                    th.num { (ui.t(Msg::Boxes)) } th.num { (ui.t(Msg::Units)) } th { (ui.t(Msg::Expected)) } } }
                tbody {
                    @for o in &open {
                        tr {
                            td { a href=(order_url(&o.order_no)) { (o.order_no) } }
                            td { (o.customer_code) }
                            td { span.badge { (o.status.as_str()) } }
                            td.num { (number(o.box_count)) }
                            td.num { (number(o.unit_count)) }
                            td { (o.expected_arrival.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
    };
    page::shell(&ui, &staff.principal, "/console/inbound", ui.t(Msg::Inbound), body).into_response()
}

/// A scan at the dock: the order it names arrives if it was on its way,
/// and its counting page opens.
pub async fn arrive(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let code = fields.get("code");
    let warehouse = current_warehouse(&s, &staff, &ui).await.ok().flatten().map(|w| w.code);
    let detail = match s.app.inbound_by_scan(&staff.principal, warehouse.as_deref(), &code).await {
        Ok(d) => d,
        Err(e) => return ui.redirect("/console/inbound", ui.refusal(e)),
    };
    let no = detail.order.order_no.clone();
    if detail.order.status != InboundStatus::Submitted {
        return ui.redirect(&order_url(&no), Flash::Ok(format!("{no} · {}", detail.order.status.as_str())));
    }
    match s.app.arrive_inbound(&staff.principal, warehouse.as_deref(), &no, None).await {
        Ok(done) => {
            ui.redirect(&order_url(&no), Flash::Ok(format!("{} · {no}", ui.t(Msg::Arrived), no = done.order_no)))
        }
        Err(e) => ui.redirect("/console/inbound", ui.refusal(e)),
    }
}

fn box_lines<'a>(
    d: &'a InboundDetail,
    box_code: &str,
) -> Option<(&'a haicang_app::query::BoxRow, Vec<&'a haicang_app::query::LineRow>)> {
    let b = d
        .boxes
        .iter()
        .find(|b| b.box_no == box_code || b.scan_code == box_code || b.barcode.as_deref() == Some(box_code))?;
    Some((b, d.lines.iter().filter(|l| l.inbound_box_id == Some(b.inbound_box_id)).collect()))
}

/// The order: progress per SKU, boxes, discrepancies; `?box=` opens the
/// count of one box.
pub async fn order(
    State(s): State<AppState>,
    ui: Ui,
    staff: Staff,
    Path(no): Path<String>,
    parts: axum::http::request::Parts,
) -> Response {
    let d = match s.app.inbound_detail(Viewer::Staff(&staff.principal), &no).await {
        Ok(d) => d,
        Err(e) => return ui.redirect("/console/inbound", ui.refusal(e)),
    };
    let box_code = parts
        .uri
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "box").map(|(_, v)| v.trim().to_owned()));
    let counting = box_code.as_deref().and_then(|c| box_lines(&d, c));
    if let (Some(code), None) = (&box_code, &counting) {
        let e = haicang_app::AppError::BoxNotFound { order_no: no.clone(), code: code.clone() };
        return ui.redirect(&order_url(&no), ui.refusal(e));
    }
    let receiving = matches!(d.order.status, InboundStatus::Arrived | InboundStatus::Receiving);
    let body = html! {
        p { span.badge { (d.order.status.as_str()) } " · " (d.order.customer_code) " · " (d.order.warehouse_code)
            @if let Some(t) = &d.order.tracking_no { " · " (ui.t(Msg::Tracking)) " " (t) } }
        @if let Some((b, lines)) = &counting {
            form.card method="post" action={ (order_url(&no)) "/receive" } {
                (csrf(&ui))
                h2 { (ui.t(Msg::CountBox)) " " (b.box_no) }
                input type="hidden" name="box" value=(b.box_no);
                @for (i, l) in lines.iter().enumerate() {
                    fieldset.row {
                        legend { strong { (l.sku) } " · " (ui.t(Msg::Expected)) " " (number(l.quantity)) }
                        input type="hidden" name="sku" value=(l.sku);
                        div { label for={ "good-" (i) } { (ui.t(Msg::Good)) }
                            input id={ "good-" (i) } name="good" type="number" inputmode="numeric" min="0" value=(l.quantity) autofocus[i == 0]; }
                        div { label for={ "defective-" (i) } { (ui.t(Msg::Defective)) }
                            input id={ "defective-" (i) } name="defective" type="number" inputmode="numeric" min="0" value="0"; }
                    }
                }
                button type="submit" { (ui.t(Msg::SaveCount)) }
            }
        } @else if receiving {
            form.card method="get" action=(order_url(&no)) {
                label for="scan-box" { (ui.t(Msg::ScanBox)) }
                input.scan #scan-box name="box" type="text" autocomplete="off" autofocus required;
                button type="submit" { (ui.t(Msg::Confirm)) }
            }
        }
        section.card.scroll {
            h2 { (ui.t(Msg::Sku)) }
            table {
                thead { tr { th { (ui.t(Msg::Sku)) } th.num { (ui.t(Msg::Expected)) } th.num { (ui.t(Msg::Good)) }
                    th.num { (ui.t(Msg::Defective)) } th.num { (ui.t(Msg::PutAway)) } } }
                tbody { @for p in &d.skus { tr { td { (p.sku) } td.num { (number(p.expected)) } td.num { (number(p.received_good)) }
                    td.num { (number(p.received_defective)) } td.num { (number(p.put_away)) } } } }
            }
        }
        section.card.scroll {
            h2 { (ui.t(Msg::Boxes)) }
            table {
                thead { tr { th { (ui.t(Msg::Box)) } th { "Scan" } th { (ui.t(Msg::Received)) } } }
                tbody { @for b in &d.boxes { tr { td { (b.box_no) } td { code { (b.scan_code) } }
                    td { @if let Some(at) = b.received_at { span.done { "✔ " } (page::time(at, "UTC")) } } } } }
            }
            p { a href={ (order_url(&no)) "/labels.pdf" } hx-boost="false" target="_blank" { (ui.t(Msg::ReprintLabels)) } }
        }
        @if !d.discrepancies.is_empty() {
            section.card.scroll {
                h2 { (ui.t(Msg::Discrepancies)) }
                table { tbody { @for x in &d.discrepancies { tr { td { (x.box_no.as_deref().unwrap_or("")) } td { (x.sku) }
                    td { (format!("{:?}", x.kind)) } td.num { (number(x.expected)) } td.num.shortage { (number(x.received)) } } } } }
            }
        }
        div.row {
            @if receiving {
                form method="post" action={ (order_url(&no)) "/close" } { (csrf(&ui)) button.secondary type="submit" { (ui.t(Msg::CloseReceipt)) } }
            }
            @if matches!(d.order.status, InboundStatus::Received | InboundStatus::PuttingAway) {
                p { a href={ (order_url(&no)) "/putaway" } { (ui.t(Msg::GoToPutaway)) } }
            }
        }
    };
    page::shell(&ui, &staff.principal, "/console/inbound", &format!("{} {no}", ui.t(Msg::Inbound)), body)
        .into_response()
}

pub async fn receive(
    State(s): State<AppState>,
    ui: Ui,
    staff: Staff,
    Path(no): Path<String>,
    fields: Fields,
) -> Response {
    let (skus, goods, defectives) = (fields.all("sku"), fields.all("good"), fields.all("defective"));
    let mut lines = Vec::with_capacity(skus.len());
    for (i, sku) in skus.iter().enumerate() {
        let good = goods.get(i).and_then(|g| whole(g, 0));
        let defective = defectives.get(i).and_then(|d| whole(d, 0));
        let (Some(good), Some(defective)) = (good, defective) else {
            let e = haicang_app::AppError::InvalidParam { field: "good", reason: "a whole number".into() };
            return ui.redirect(&order_url(&no), ui.refusal(e));
        };
        lines.push(ReceiveLine { sku: sku.clone(), good, defective, ..Default::default() });
    }
    let box_no = fields.get("box");
    let cmd = ReceiveCommand { box_code: Some(box_no.clone()), lines };
    match s.app.receive_inbound(&staff.principal, &no, &cmd).await {
        Ok(()) => ui.redirect(&order_url(&no), Flash::Ok(format!("{} · {box_no}", ui.t(Msg::BoxCounted)))),
        Err(e) => ui.redirect(&format!("{}?box={box_no}", order_url(&no)), ui.refusal(e)),
    }
}

pub async fn close(State(s): State<AppState>, ui: Ui, staff: Staff, Path(no): Path<String>) -> Response {
    match s.app.close_inbound_receipt(&staff.principal, &no).await {
        Ok(_) => ui.redirect(&format!("{}/putaway", order_url(&no)), Flash::Ok(ui.t(Msg::ReceiptClosed).to_owned())),
        Err(e) => ui.redirect(&order_url(&no), ui.refusal(e)),
    }
}

pub async fn labels(State(s): State<AppState>, ui: Ui, staff: Staff, Path(no): Path<String>) -> Response {
    ui.pdf(s.app.inbound_labels(Viewer::Staff(&staff.principal), &no, Default::default()).await, &order_url(&no))
}

/// What waits at the dock, one form per proposal: scan the location
/// (the suggested one or another allowed), confirm the quantity.
pub async fn putaway_page(State(s): State<AppState>, ui: Ui, staff: Staff, Path(no): Path<String>) -> Response {
    let plan = match s.app.putaway_plan(&staff.principal, &no).await {
        Ok(p) => p,
        Err(e) => return ui.redirect(&order_url(&no), ui.refusal(e)),
    };
    let body = html! {
        @if plan.is_empty() { p.card { (ui.t(Msg::NothingToPutAway)) " " a href=(order_url(&no)) { (no) } } }
        @for (i, item) in plan.iter().enumerate() {
            form.card method="post" action={ (order_url(&no)) "/putaway" } {
                (csrf(&ui))
                p { strong { (item.sku) } " · " (ui.t(Msg::Lot)) " " (item.lot_no) " · " (item.condition.as_str()) }
                p { (ui.t(Msg::Suggested)) ": " span.big { (item.location_code.as_deref().unwrap_or("—")) }
                    " " span.muted { (item.reason.as_str()) } }
                input type="hidden" name="sku" value=(item.sku);
                input type="hidden" name="lot" value=(item.lot_no);
                input type="hidden" name="condition" value=(item.condition.as_str());
                div.row {
                    div { label for={ "loc-" (i) } { (ui.t(Msg::ScanLocation)) }
                        input.scan id={ "loc-" (i) } name="location" type="text" autocomplete="off" autofocus[i == 0] required; }
                    div { label for={ "qty-" (i) } { (ui.t(Msg::Quantity)) }
                        input id={ "qty-" (i) } name="quantity" type="number" inputmode="numeric" min="1" value=(item.quantity) required; }
                }
                button type="submit" { (ui.t(Msg::Confirm)) }
            }
        }
    };
    page::shell(&ui, &staff.principal, "/console/inbound", &format!("{} {no}", ui.t(Msg::Putaway)), body)
        .into_response()
}

pub async fn putaway(
    State(s): State<AppState>,
    ui: Ui,
    staff: Staff,
    Path(no): Path<String>,
    fields: Fields,
) -> Response {
    let back = format!("{}/putaway", order_url(&no));
    let Some(quantity) = whole(&fields.get("quantity"), 0) else {
        let e = haicang_app::AppError::InvalidParam { field: "quantity", reason: "a whole number".into() };
        return ui.redirect(&back, ui.refusal(e));
    };
    let condition = Condition::parse(&fields.get("condition")).unwrap_or(Condition::Good);
    let location = fields.get("location").to_ascii_uppercase();
    let line = PutawayLine {
        sku: fields.get("sku"),
        lot_no: fields.get("lot"),
        condition,
        location_code: location.clone(),
        quantity,
    };
    let cmd = PutawayCommand { inbound_order_no: no.clone(), lines: vec![line] };
    match s.app.putaway_inbound(&staff.principal, &cmd).await {
        Ok(status) => ui.redirect(
            &back,
            Flash::Ok(format!(
                "{} · {} × {} → {location} · {}",
                ui.t(Msg::PutAwayDone),
                cmd.lines[0].sku,
                number(quantity),
                status.as_str()
            )),
        ),
        Err(e) => ui.redirect(&back, ui.refusal(e)),
    }
}
