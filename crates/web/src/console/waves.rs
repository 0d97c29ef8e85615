//! Outbound on the floor: wave release (supervisors) with a preview of the
//! waiting orders, and the pick screen that walks a cart's route — scan
//! the location, scan the item, confirm the quantity (or report it short)
//! — with the route drawn as a map.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use haicang_api::AppState;
use haicang_app::outbound::{BatchView, PickCommand, RouteStop, TOTES_DEFAULT, WaveCommand};
use haicang_app::query::OutboundFilter;
use haicang_app::{AppError, PageRequest, StaffRole, Viewer};
use haicang_core::outbound::WaveProfile;

use super::{Fields, whole, working_warehouse};
use crate::form::Id;
use crate::i18n::{Msg, number};
use crate::page::{self, csrf};
use crate::session::{Flash, Staff, Ui};

const PROFILES: &[(WaveProfile, Msg)] = &[
    (WaveProfile::Any, Msg::ProfileAny),
    (WaveProfile::SingleUnit, Msg::ProfileSingleUnit),
    (WaveProfile::SingleSku, Msg::ProfileSingleSku),
    (WaveProfile::MultiSku, Msg::ProfileMultiSku),
];

pub async fn page(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    let warehouse = match working_warehouse(&s, &staff, &ui, "/console").await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let filter = OutboundFilter {
        warehouse_code: Some(warehouse.code.clone()),
        status: Some("CREATED".into()),
        ..Default::default()
    };
    let waiting =
        s.app.list_outbound(Viewer::Staff(&staff.principal), &filter, PageRequest { page: 1, page_size: 100 }).await;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let overview = s.app.warehouse_overview(&staff.principal, &warehouse.code, &today).await;
    let (waiting, overview) = match (waiting, overview) {
        (Ok(w), Ok(o)) => (w, o),
        (Err(e), _) | (_, Err(e)) => return ui.redirect("/console", ui.refusal(e)),
    };
    let may_release = staff.principal.role.covers(StaffRole::Supervisor);
    let body = html! {
        section.card {
            h2 { (ui.t(Msg::CartsInProgress)) }
            @if overview.open_batches.is_empty() { p.muted { (ui.t(Msg::None)) } }
            @for b in &overview.open_batches {
                p { a href={ "/console/pick/" (b.pick_batch_id) } { (ui.t(Msg::Cart)) " " (b.pick_batch_id) }
                    " · " (b.wave_no) " · " (number(b.picked)) "/" (number(b.units)) " " (ui.t(Msg::Units)) }
            }
        }
        @if may_release {
            form.card method="post" action="/console/waves" {
                (csrf(&ui))
                h2 { (ui.t(Msg::ReleaseWave)) " · " (warehouse.code) }
                div.row {
                    div { label for="profile" { (ui.t(Msg::Profile)) }
                        select #profile name="profile" { @for (p, m) in PROFILES { option value=(p.as_str()) { (ui.t(*m)) } } } }
                    div { label for="max" { (ui.t(Msg::MaxOrders)) } input #max name="maxOrders" type="number" min="1" max="2000" value="200"; }
                    div { label for="totes" { (ui.t(Msg::OrdersPerCart)) } input #totes name="totes" type="number" min="1" value=(TOTES_DEFAULT); }
                }
                label for="orders" { (ui.t(Msg::OrderNumbers)) }
                textarea #orders name="orderNos" rows="3" {}
                button type="submit" { (ui.t(Msg::Release)) }
            }
        }
        section.card.scroll {
            h2 { (ui.t(Msg::WaitingForWave)) " (" (number(waiting.total)) ")" }
            table {
                thead { tr { th { (ui.t(Msg::Order)) } th { (ui.t(Msg::Seller)) } th { "Service" } th { (ui.t(Msg::When)) } } }
                tbody { @for o in &waiting.items { tr { td { (o.order_no) } td { (o.customer_code) } td { (o.shipping_service_code) }
                    td { (page::time(o.created_at, &warehouse.timezone)) } } } }
            }
        }
    };
    page::shell(&ui, &staff.principal, "/console/waves", ui.t(Msg::Waves), body).into_response()
}

pub async fn release(State(s): State<AppState>, ui: Ui, staff: Staff, fields: Fields) -> Response {
    let warehouse = match working_warehouse(&s, &staff, &ui, "/console/waves").await {
        Ok(w) => w,
        Err(answer) => return answer,
    };
    let number_field = |name: &'static str, default: i64| {
        whole(&fields.get(name), default)
            .filter(|n| *n > 0)
            .ok_or(AppError::InvalidParam { field: name, reason: "a positive whole number".into() })
    };
    let cmd = (|| -> Result<WaveCommand, AppError> {
        Ok(WaveCommand {
            warehouse_code: warehouse.code.clone(),
            order_nos: fields.get("orderNos").split_whitespace().map(str::to_owned).collect(),
            profile: WaveProfile::parse(&fields.get("profile")).unwrap_or_default(),
            max_orders: usize::try_from(number_field("maxOrders", 200)?).unwrap_or(200),
            totes: usize::try_from(number_field("totes", TOTES_DEFAULT as i64)?).unwrap_or(TOTES_DEFAULT),
            ..Default::default()
        })
    })();
    let result = match cmd {
        Ok(cmd) => s.app.create_wave(&staff.principal, &cmd).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(w) => {
            let text = format!(
                "{} {} · {} {} · {} {}{}",
                ui.t(Msg::WaveReleased),
                w.wave_no,
                number(w.order_nos.len() as i64),
                ui.t(Msg::Orders),
                number(w.batches.len() as i64),
                ui.t(Msg::Carts),
                if w.skipped.is_empty() {
                    String::new()
                } else {
                    format!(" · {} {}", ui.t(Msg::Skipped), w.skipped.len())
                }
            );
            ui.redirect("/console/waves", Flash::Ok(text))
        }
        Err(e) => ui.redirect("/console/waves", ui.refusal(e)),
    }
}

fn pick_url(id: i64) -> String {
    format!("/console/pick/{id}")
}

fn next_stop(view: &BatchView) -> Option<&RouteStop> {
    view.route.iter().find(|s| s.status == "OPEN")
}

/// The cart's route over the warehouse's floor: every spot a dot (the
/// levels of a bay share one), the stops numbered in route order, the next
/// one highlighted.
fn route_map(
    view: &BatchView,
    points: &[(i64, i64)],
    coordinates: &HashMap<String, (i64, i64)>,
    next: Option<&RouteStop>,
) -> Markup {
    if points.is_empty() {
        return html! {};
    }
    let (min_x, max_x) = (points.iter().map(|p| p.0).min().unwrap_or(0), points.iter().map(|p| p.0).max().unwrap_or(0));
    let (min_y, max_y) = (points.iter().map(|p| p.1).min().unwrap_or(0), points.iter().map(|p| p.1).max().unwrap_or(0));
    let (w, h) = (((max_x - min_x).max(1) as f64), ((max_y - min_y).max(1) as f64));
    let scale = 340.0 / w.max(h);
    let at = |(x, y): (i64, i64)| (10.0 + (x - min_x) as f64 * scale, 10.0 + (y - min_y) as f64 * scale);
    let (vw, vh) = (20.0 + w * scale, 20.0 + h * scale);
    let mut stops: Vec<(&str, (f64, f64), bool)> = Vec::new();
    for s in &view.route {
        if let Some(p) = coordinates.get(&s.location_code)
            && stops.last().map(|l| l.0) != Some(s.location_code.as_str())
        {
            stops.push((s.location_code.as_str(), at(*p), s.status != "OPEN"));
        }
    }
    let path: String = stops.iter().map(|(_, (x, y), _)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
    html! {
        svg.map viewBox={ "0 0 " (format!("{vw:.0} {vh:.0}")) } role="img" aria-label="route" {
            @for p in points { @let (x, y) = at(*p); circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="2" fill="#bbc" {} }
            polyline points=(path) fill="none" stroke="#0b57d0" stroke-width="2" {}
            @for (i, (code, (x, y), done)) in stops.iter().enumerate() {
                @let is_next = next.map(|n| n.location_code.as_str()) == Some(*code);
                circle cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r=(if is_next { "9" } else { "6" })
                    fill=(if is_next { "#f9a825" } else if *done { "#0a7d32" } else { "#0b57d0" }) {}
                text x=(format!("{:.1}", x + 8.0)) y=(format!("{:.1}", y - 6.0)) font-size="10" { (i + 1) }
            }
        }
    }
}

/// The floor and the cart's stops on it (a map without dots is still a
/// route table, so a failure only empties it).
async fn floor_plan(s: &AppState, staff: &Staff, view: &BatchView) -> (Vec<(i64, i64)>, HashMap<String, (i64, i64)>) {
    let mut codes: Vec<String> = view.route.iter().map(|r| r.location_code.clone()).collect();
    codes.sort();
    codes.dedup();
    match s.app.floor_plan(&staff.principal, &view.batch.warehouse_code, &codes).await {
        Ok((spots, stops)) => (spots, stops.into_iter().map(|(code, x, y)| (code, (x, y))).collect()),
        Err(e) => {
            tracing::warn!(error = %e, "the floor for the route map");
            (Vec::new(), HashMap::new())
        }
    }
}

/// `?at=LOC`: the picker is at the next stop's location (scanned), the
/// item scan comes next.
pub async fn pick_page(State(s): State<AppState>, ui: Ui, staff: Staff, Id(id): Id, parts: Parts) -> Response {
    let view = match s.app.pick_batch(&staff.principal, id).await {
        Ok(v) => v,
        Err(e) => return ui.redirect("/console/waves", ui.refusal(e)),
    };
    let (spots, coordinates) = floor_plan(&s, &staff, &view).await;
    let next = next_stop(&view);
    let at = parts
        .uri
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "at").map(|(_, v)| v.into_owned()));
    let done = view.route.iter().filter(|s| s.status != "OPEN").count();
    let body = html! {
        p { (ui.t(Msg::Progress)) ": " strong { (done) "/" (view.route.len()) } " · " (view.batch.wave_no) }
        @match next {
            None => {
                p.card { (ui.t(Msg::CartDone)) " " span.big { (view.batch.packing_location_code) } }
            }
            Some(stop) => {
                section.card {
                    p { (ui.t(Msg::NextStop)) " #" (stop.seq) }
                    p { (ui.t(Msg::Location)) ": " span.big #next-location { (stop.location_code) } }
                    p { (ui.t(Msg::Sku)) ": " strong #next-sku { (stop.sku) } " · " span.muted { (stop.barcode) } }
                    p { (ui.t(Msg::Quantity)) ": " span.big { (stop.quantity - stop.picked) }
                        @if let Some(t) = &stop.tote { " · " (ui.t(Msg::Tote)) " " strong { (t) } } " · " (stop.order_no) }
                }
                @if at.as_deref() == Some(stop.location_code.as_str()) {
                    form.card method="post" action={ (pick_url(id)) "/item" } {
                        (csrf(&ui))
                        input type="hidden" name="location" value=(stop.location_code);
                        // The unit goes into the order's tote on the cart.
                        @if let Some(t) = &stop.tote { input type="hidden" name="tote" value=(t); }
                        label for="scan-item" { (ui.t(Msg::ScanItem)) }
                        input.scan #scan-item name="item" type="text" autocomplete="off" autofocus required;
                        label for="qty" { (ui.t(Msg::Quantity)) }
                        input #qty name="quantity" type="number" inputmode="numeric" min="0" value=(stop.quantity - stop.picked) required;
                        div.row {
                            button type="submit" { (ui.t(Msg::Confirm)) }
                            button.danger type="submit" name="short" value="1" { (ui.t(Msg::Short)) }
                        }
                    }
                } @else {
                    (page::scan_form(&ui, &format!("{}/location", pick_url(id)), "location", ui.t(Msg::ScanLocation), &[]))
                }
            }
        }
        section.card {
            h2 { (ui.t(Msg::RouteMap)) }
            (route_map(&view, &spots, &coordinates, next))
            div.scroll { table {
                thead { tr { th { "#" } th { (ui.t(Msg::Location)) } th { (ui.t(Msg::Sku)) } th.num { (ui.t(Msg::Quantity)) } th { (ui.t(Msg::Order)) } th { (ui.t(Msg::Status)) } } }
                tbody { @for s in &view.route { tr { td { (s.seq) } td { (s.location_code) } td { (s.sku) }
                    td.num { (s.picked) "/" (s.quantity) } td { (s.order_no) }
                    td.done[s.status == "DONE"].shortage[s.status == "SHORT"] { (s.status) } } } }
            } }
        }
    };
    page::shell(&ui, &staff.principal, "/console/waves", &format!("{} {id}", ui.t(Msg::Cart)), body).into_response()
}

pub async fn location(State(s): State<AppState>, ui: Ui, staff: Staff, Id(id): Id, fields: Fields) -> Response {
    let view = match s.app.pick_batch(&staff.principal, id).await {
        Ok(v) => v,
        Err(e) => return ui.redirect("/console/waves", ui.refusal(e)),
    };
    let scanned = fields.get("location").to_ascii_uppercase();
    match next_stop(&view) {
        Some(stop) if stop.location_code == scanned => {
            ui.redirect(&format!("{}?at={scanned}", pick_url(id)), Flash::Ok(scanned.clone()))
        }
        Some(stop) => ui.redirect(
            &pick_url(id),
            Flash::Err(format!("{} {} ({scanned})", ui.t(Msg::WrongLocation), stop.location_code)),
        ),
        None => ui.redirect(&pick_url(id), Flash::Ok(ui.t(Msg::CartDone).to_owned())),
    }
}

pub async fn item(State(s): State<AppState>, ui: Ui, staff: Staff, Id(id): Id, fields: Fields) -> Response {
    let location = fields.get("location");
    let back = format!("{}?at={location}", pick_url(id));
    let Some(quantity) = whole(&fields.get("quantity"), 1) else {
        let e = AppError::InvalidParam { field: "quantity", reason: "a whole number".into() };
        return ui.redirect(&back, ui.refusal(e));
    };
    let short = fields.get("short") == "1";
    let tote = Some(fields.get("tote")).filter(|t| !t.is_empty());
    let cmd = PickCommand {
        location_code: location.clone(),
        sku: fields.get("item"),
        quantity,
        tote,
        short,
        serials: vec![],
    };
    match s.app.pick(&staff.principal, id, &cmd).await {
        Ok(_) => {
            let what = if short { ui.t(Msg::Short) } else { ui.t(Msg::Picked) };
            ui.redirect(&pick_url(id), Flash::Ok(format!("{what} · {} × {quantity} @ {location}", cmd.sku)))
        }
        Err(e) => ui.redirect(&back, ui.refusal(e)),
    }
}
