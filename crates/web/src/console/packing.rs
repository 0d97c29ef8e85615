//! The pack station and the hand-over: scan the order, scan every picked
//! unit (a unit of another SKU or one too many is refused on the spot),
//! weigh and measure, print the label, ship.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

use haicang_api::AppState;
use haicang_app::outbound::{OutboundDetail, PackCommand};
use haicang_app::query::OutboundFilter;
use haicang_app::{AppError, PageRequest, Viewer};
use haicang_core::decimal::parse_fixed;
use haicang_core::inbound::{SIDE_MM_MAX, WEIGHT_G_MAX};
use haicang_core::outbound::OutboundStatus;

use super::{Fields, current_warehouse};
use crate::i18n::{Msg, number};
use crate::page::{self, csrf, scan_form};
use crate::session::{Flash, Staff, Ui};

fn pack_url(no: &str) -> String {
    format!("/console/pack/{no}")
}

pub async fn scan_page(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let warehouse = current_warehouse(&s, &staff, &ui).await.ok().flatten();
    let filter = OutboundFilter {
        warehouse_code: warehouse.as_ref().map(|w| w.code.clone()),
        status: Some("PICKED".into()),
        ..Default::default()
    };
    let picked =
        s.app.list_outbound(Viewer::Staff(&staff.principal), &filter, PageRequest { page: 1, page_size: 50 }).await;
    let body = html! {
        (scan_form(&ui, "/console/pack", "order", ui.t(Msg::ScanOrder), &[]))
        @if let Ok(p) = &picked {
            section.card { h2 { (ui.t(Msg::Pack)) " (" (number(p.total)) ")" }
                @for o in &p.items { p { a href=(pack_url(&o.order_no)) { (o.order_no) } " · " (o.customer_code) " · " (o.shipping_service_code) } } }
        }
    };
    page::shell(&ui, &staff.principal, "/console/pack", ui.t(Msg::Pack), body).into_response()
}

/// The scan is an order number or the label of the tote it was picked into.
pub async fn find(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let mut no = fields.get("order");
    if let Err(AppError::OutboundNotFound(_)) = s.app.outbound_order(Viewer::Staff(&staff.principal), &no).await
        && let Ok(Some(w)) = current_warehouse(&s, &staff, &ui).await
    {
        match s.app.order_in_tote(&staff.principal, &w.code, &no).await {
            Ok(order_no) => no = order_no,
            Err(e) => return ui.redirect("/console/pack", ui.refusal(e)),
        }
    }
    match s.app.outbound_detail(Viewer::Staff(&staff.principal), &no).await {
        Ok(d) => ui.redirect(&pack_url(&d.order.order_no), Flash::Ok(d.order.order_no.clone())),
        Err(e) => ui.redirect("/console/pack", ui.refusal(e)),
    }
}

/// Units picked for the order, per SKU, and the barcodes that name them.
fn to_pack(d: &OutboundDetail) -> (BTreeMap<String, i64>, BTreeMap<String, String>) {
    let mut units = BTreeMap::new();
    let mut barcodes = BTreeMap::new();
    for a in &d.allocations {
        *units.entry(a.stop.sku.clone()).or_insert(0) += a.stop.picked;
        barcodes.insert(a.stop.barcode.clone(), a.stop.sku.clone());
        barcodes.insert(a.stop.sku.clone(), a.stop.sku.clone());
    }
    units.retain(|_, n| *n > 0);
    (units, barcodes)
}

fn scanned_of(units: &[String]) -> BTreeMap<String, i64> {
    let mut m = BTreeMap::new();
    for u in units {
        *m.entry(u.clone()).or_insert(0) += 1;
    }
    m
}

fn render(ui: &Ui, staff: &Staff, d: &OutboundDetail, scanned: &[String]) -> axum::response::Html<String> {
    let no = &d.order.order_no;
    let (units, _) = to_pack(d);
    let counted = scanned_of(scanned);
    let complete = !units.is_empty() && units.iter().all(|(sku, n)| counted.get(sku) == Some(n));
    let hidden = |ui: &Ui| html! { (csrf(ui)) @for u in scanned { input type="hidden" name="unit" value=(u); } };
    let body = html! {
        p { span.badge #order-status { (d.order.status.as_str()) } " · " (d.order.customer_code) " · " (d.order.shipping_service_code)
            @if let Some(t) = &d.order.tracking_no { " · " (ui.t(Msg::Tracking)) " " strong { (t) } } }
        @if d.order.status == OutboundStatus::Picked {
            table { thead { tr { th { (ui.t(Msg::Sku)) } th.num { (ui.t(Msg::Quantity)) } th.num { (ui.t(Msg::Scanned)) } } }
                tbody { @for (sku, n) in &units { @let c = counted.get(sku).copied().unwrap_or(0);
                    tr { td { (sku) } td.num { (n) } td.num.done[c == *n] { (c) } } } } }
            @if complete {
                form.card method="post" action={ (pack_url(no)) "/done" } {
                    (hidden(ui))
                    div.row {
                        div { label for="weight" { (ui.t(Msg::WeightKg)) } input #weight name="weightKg" type="text" inputmode="decimal" autofocus required; }
                        div { label for="length" { (ui.t(Msg::LengthCm)) } input #length name="lengthCm" type="text" inputmode="decimal" required; }
                        div { label for="width" { (ui.t(Msg::WidthCm)) } input #width name="widthCm" type="text" inputmode="decimal" required; }
                        div { label for="height" { (ui.t(Msg::HeightCm)) } input #height name="heightCm" type="text" inputmode="decimal" required; }
                    }
                    button type="submit" { (ui.t(Msg::FinishPacking)) }
                }
            } @else {
                form.card method="post" action=(pack_url(no)) {
                    (hidden(ui))
                    label for="scan-unit" { (ui.t(Msg::ScanEachItem)) }
                    input.scan #scan-unit name="scan" type="text" autocomplete="off" autofocus required;
                    button type="submit" { (ui.t(Msg::Confirm)) }
                }
            }
        }
        @if d.order.status == OutboundStatus::Packed {
            section.card {
                p { a href={ "/console/outbound/" (no) "/label.pdf" } hx-boost="false" target="_blank" { (ui.t(Msg::PrintLabel)) } }
                form method="post" action="/console/ship" { (csrf(ui)) input type="hidden" name="order" value=(no);
                    button type="submit" { (ui.t(Msg::Ship)) } }
            }
        }
    };
    page::shell(ui, &staff.principal, "/console/pack", &format!("{} {no}", ui.t(Msg::Pack)), body)
}

pub async fn order_page(State(s): State<AppState>, ui: Ui, staff: Staff, Path(no): Path<String>) -> Response {
    match s.app.outbound_detail(Viewer::Staff(&staff.principal), &no).await {
        Ok(d) => render(&ui, &staff, &d, &[]).into_response(),
        Err(e) => ui.redirect("/console/pack", ui.refusal(e)),
    }
}

/// One unit scanned at the bench: checked against what was picked for
/// the order; nothing is written until the parcel is packed.
pub async fn scan_item(
    State(s): State<AppState>,
    ui: Ui,
    staff: Staff,
    Path(no): Path<String>,
    fields: Fields,
) -> Response {
    let d = match s.app.outbound_detail(Viewer::Staff(&staff.principal), &no).await {
        Ok(d) => d,
        Err(e) => return ui.redirect("/console/pack", ui.refusal(e)),
    };
    let (units, barcodes) = to_pack(&d);
    let mut scanned: Vec<String> = fields.all("unit").into_iter().filter(|u| units.contains_key(u)).collect();
    let scan = fields.get("scan");
    let (status, flash) = match barcodes.get(&scan) {
        None => (StatusCode::UNPROCESSABLE_ENTITY, Flash::Err(format!("{} · {scan}", ui.t(Msg::WrongItem)))),
        Some(sku) if scanned_of(&scanned).get(sku).copied().unwrap_or(0) >= units.get(sku).copied().unwrap_or(0) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Flash::Err(format!("{} · {sku}", ui.t(Msg::ExtraItem))))
        }
        Some(sku) => {
            scanned.push(sku.clone());
            (StatusCode::OK, Flash::Ok(format!("{} · {sku}", ui.t(Msg::ItemOk))))
        }
    };
    let ui = Ui { flash: Some(flash), ..ui };
    (status, render(&ui, &staff, &d, &scanned)).into_response()
}

fn measure(fields: &Fields, field: &'static str, scale: u32, max: i64) -> Result<i64, AppError> {
    parse_fixed(&fields.get(field), scale)
        .ok()
        .filter(|v| (1..=max).contains(v))
        .ok_or(AppError::InvalidParam { field, reason: "a positive number within a box's limits".into() })
}

pub async fn finish(
    State(s): State<AppState>,
    ui: Ui,
    staff: Staff,
    Path(no): Path<String>,
    fields: Fields,
) -> Response {
    let measured = (|| {
        Ok::<_, AppError>((
            measure(&fields, "weightKg", 3, WEIGHT_G_MAX)?,
            measure(&fields, "lengthCm", 1, SIDE_MM_MAX)?,
            measure(&fields, "widthCm", 1, SIDE_MM_MAX)?,
            measure(&fields, "heightCm", 1, SIDE_MM_MAX)?,
        ))
    })();
    let (weight_g, length_mm, width_mm, height_mm) = match measured {
        Ok(m) => m,
        Err(e) => return ui.redirect(&pack_url(&no), ui.refusal(e)),
    };
    let cmd = PackCommand {
        order_no: no.clone(),
        items: scanned_of(&fields.all("unit")).into_iter().collect(),
        weight_g,
        length_mm,
        width_mm,
        height_mm,
        ..Default::default()
    };
    match s.app.pack(&staff.principal, &cmd).await {
        Ok(o) => ui.redirect(
            &pack_url(&no),
            Flash::Ok(format!("{} · {no} · {}", ui.t(Msg::Packed), o.tracking_no.unwrap_or_default())),
        ),
        Err(e) => ui.redirect(&pack_url(&no), ui.refusal(e)),
    }
}

pub async fn label(State(s): State<AppState>, ui: Ui, staff: Staff, Path(no): Path<String>) -> Response {
    ui.pdf(s.app.shipping_label(Viewer::Staff(&staff.principal), &no).await, &pack_url(&no))
}

pub async fn ship_page(ui: Ui, staff: Staff) -> Response {
    let body = scan_form(&ui, "/console/ship", "order", ui.t(Msg::ScanOrder), &[]);
    page::shell(&ui, &staff.principal, "/console/ship", ui.t(Msg::Ship), body).into_response()
}

/// Hand-over: the scan is the order number or the parcel's tracking number.
pub async fn ship(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let scan = fields.get("order");
    let by_tracking = OutboundFilter { tracking_nos: vec![scan.clone()], ..Default::default() };
    let no = match s
        .app
        .list_outbound(Viewer::Staff(&staff.principal), &by_tracking, PageRequest { page: 1, page_size: 1 })
        .await
    {
        Ok(p) if !p.items.is_empty() => p.items[0].order_no.clone(),
        _ => scan,
    };
    match s.app.ship(&staff.principal, &no, None, None).await {
        Ok(o) => ui.redirect(
            "/console/ship",
            Flash::Ok(format!(
                "{} · {no} · {} {}",
                ui.t(Msg::Shipped),
                ui.t(Msg::Tracking),
                o.tracking_no.unwrap_or_default()
            )),
        ),
        Err(e) => ui.redirect("/console/ship", ui.refusal(e)),
    }
}
