//! One product at a time (create, edit), the catalogue's export in the
//! import template's columns (edit in a spreadsheet, import again), and
//! one SKU's stock: its lots by location and the ledger's movements.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;

use haicang_api::AppState;
use haicang_app::PageRequest;
use haicang_app::query::{MovementFilter, ProductFilter, StockFilter};
use haicang_core::decimal::format_fixed;
use haicang_core::product::ProductDraft;

use super::sheet::{self, Cell, Format};
use super::{COLUMNS, who};
use crate::console::Fields;
use crate::i18n::{Msg, number};
use crate::page::{self, csrf};
use crate::session::{Flash, Seller, Ui};

/// µm → cm, mg → kg, as the import file writes them.
fn cm(um: Option<i64>) -> String {
    um.map(|v| format_fixed(v, 4, 0)).unwrap_or_default()
}

fn kg(mg: Option<i64>) -> String {
    mg.map(|v| format_fixed(v, 6, 0)).unwrap_or_default()
}

fn form(ui: &Ui, action: &str, p: Option<&haicang_app::catalog::ProductDetails>) -> maud::Markup {
    let r = p.map(|p| &p.row);
    let value = |f: &dyn Fn(&haicang_app::query::ProductRow) -> String| r.map(f).unwrap_or_default();
    html! {
        form.card method="post" action=(action) {
            (csrf(ui))
            @if r.is_none() {
                label for="sku" { (ui.t(Msg::Sku)) } input #sku name="sku" type="text" required;
            }
            label for="name" { (ui.t(Msg::Name)) } input #name name="name" type="text" value=(value(&|r| r.name.clone())) required;
            label for="barcode" { "Barcode" } input #barcode name="barcode" type="text" value=(value(&|r| r.barcode.clone())) required;
            div.row {
                div { label for="lengthCm" { (ui.t(Msg::LengthCm)) } input #lengthCm name="lengthCm" type="text" inputmode="decimal" value=(value(&|r| cm(r.length_um))); }
                div { label for="widthCm" { (ui.t(Msg::WidthCm)) } input #widthCm name="widthCm" type="text" inputmode="decimal" value=(value(&|r| cm(r.width_um))); }
                div { label for="heightCm" { (ui.t(Msg::HeightCm)) } input #heightCm name="heightCm" type="text" inputmode="decimal" value=(value(&|r| cm(r.height_um))); }
                div { label for="weightKg" { (ui.t(Msg::WeightKg)) } input #weightKg name="weightKg" type="text" inputmode="decimal" value=(value(&|r| kg(r.weight_mg))); }
            }
            label { input name="battery" type="checkbox" value="yes" checked[r.is_some_and(|r| r.is_battery != 0)]; " " (ui.t(Msg::Battery)) }
            button type="submit" { (ui.t(Msg::Submit)) }
        }
    }
}

fn draft(fields: &Fields, sku: String) -> ProductDraft {
    let opt = |k: &str| Some(fields.get(k)).filter(|v| !v.is_empty());
    ProductDraft {
        sku: Some(sku),
        name: opt("name"),
        barcode: opt("barcode"),
        length_cm: opt("lengthCm"),
        width_cm: opt("widthCm"),
        height_cm: opt("heightCm"),
        weight_kg: opt("weightKg"),
        battery: fields.get("battery") == "yes",
        ..Default::default()
    }
}

pub async fn new_page(ui: Ui, seller: Seller) -> Response {
    page::portal_shell(
        &ui,
        &who(&seller),
        "/portal/products",
        ui.t(Msg::NewProduct),
        form(&ui, "/portal/products/new", None),
    )
    .into_response()
}

pub async fn create(State(s): State<AppState>, ui: Ui, seller: Seller, fields: Fields) -> Response {
    let sku = fields.get("sku");
    let made = s.app.create_products(&seller.session.customer, &[draft(&fields, sku.clone())]).await;
    match made.map(|mut r| r.pop()) {
        Ok(Some(Ok(p))) => {
            ui.redirect("/portal/products", Flash::Ok(format!("{} · {}", ui.t(Msg::Created), p.row.sku)))
        }
        Ok(Some(Err(e))) | Err(e) => ui.redirect("/portal/products/new", ui.refusal(e)),
        Ok(None) => ui.redirect("/portal/products/new", Flash::Err(sku)),
    }
}

pub async fn edit_page(State(s): State<AppState>, ui: Ui, seller: Seller, Path(sku): Path<String>) -> Response {
    match s.app.get_product(&seller.session.customer, &sku).await {
        Ok(p) => {
            let body = form(&ui, &format!("/portal/products/{sku}"), Some(&p));
            page::portal_shell(&ui, &who(&seller), "/portal/products", &format!("{} {sku}", ui.t(Msg::Products)), body)
                .into_response()
        }
        Err(e) => ui.redirect("/portal/products", ui.refusal(e)),
    }
}

/// Through `App::update_product`: barcode, type and management flags are
/// locked while the product has stock (the app says so).
pub async fn update(
    State(s): State<AppState>,
    ui: Ui,
    seller: Seller,
    Path(sku): Path<String>,
    fields: Fields,
) -> Response {
    match s.app.update_product(&seller.session.customer, &sku, &draft(&fields, sku.clone())).await {
        Ok(p) => ui.redirect("/portal/products", Flash::Ok(format!("{} · {}", ui.t(Msg::Saved), p.row.sku))),
        Err(e) => ui.redirect(&format!("/portal/products/{sku}"), ui.refusal(e)),
    }
}

async fn export(s: AppState, ui: Ui, seller: Seller, format: Format) -> Response {
    let mut rows = Vec::new();
    for page in 1..=100 {
        let p = match s
            .app
            .list_products(&seller.session.customer, &ProductFilter::default(), PageRequest { page, page_size: 200 })
            .await
        {
            Ok(p) => p,
            Err(e) => return ui.redirect("/portal/products", ui.refusal(e)),
        };
        let last = p.items.len() < 200;
        rows.extend(p.items.into_iter().map(|p| {
            let r = p.row;
            vec![
                Cell::Text(r.sku),
                Cell::Text(r.name),
                Cell::Text(r.barcode),
                Cell::Text(cm(r.length_um)),
                Cell::Text(cm(r.width_um)),
                Cell::Text(cm(r.height_um)),
                Cell::Text(kg(r.weight_mg)),
                Cell::Text(if r.is_battery != 0 { "yes" } else { "no" }.into()),
            ]
        }));
        if last {
            break;
        }
    }
    sheet::export(format, "products", COLUMNS, &rows).unwrap_or_else(|e| ui.redirect("/portal/products", Flash::Err(e)))
}

pub async fn export_csv(State(s): State<AppState>, ui: Ui, seller: Seller) -> Response {
    export(s, ui, seller, Format::Csv).await
}

pub async fn export_xlsx(State(s): State<AppState>, ui: Ui, seller: Seller) -> Response {
    export(s, ui, seller, Format::Xlsx).await
}

/// One SKU's stock: lots by location and condition, then the latest
/// movements of the ledger (before and after, document, operator).
pub async fn sku_stock(State(s): State<AppState>, ui: Ui, seller: Seller, Path(sku): Path<String>) -> Response {
    let customer = &seller.session.customer;
    let filter = StockFilter { skus: vec![sku.clone()], ..Default::default() };
    let lots = s.app.inventory_lots(customer, &filter, PageRequest { page: 1, page_size: 200 }).await;
    let log_filter = MovementFilter { stock: filter.clone(), document_no: None, from_ms: None, to_ms: None };
    let log = s.app.inventory_log(customer, &log_filter, PageRequest { page: 1, page_size: 100 }).await;
    let serial_filter = haicang_app::query::SerialFilter { serials: Vec::new(), in_stock: true };
    let serials =
        s.app.inventory_serials(customer, &filter, &serial_filter, PageRequest { page: 1, page_size: 200 }).await;
    let (lots, log, serials) = match (lots, log, serials) {
        (Ok(l), Ok(g), Ok(n)) => (l, g, n),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return ui.redirect("/portal/stock", ui.refusal(e)),
    };
    let body = html! {
        section.card.scroll {
            h2 { (ui.t(Msg::Lot)) }
            table #lots { thead { tr { th { (ui.t(Msg::Warehouse)) } th { (ui.t(Msg::Location)) } th { (ui.t(Msg::Lot)) } th { (ui.t(Msg::Condition)) }
                th.num { (ui.t(Msg::Quantity)) } th { (ui.t(Msg::Received)) } th { "Batch / expiry" } } }
                tbody { @for l in &lots.items { tr { td { (l.warehouse_code) } td { (l.location_code) } td { (l.lot_code) } td { (l.condition.as_str()) }
                    td.num { (number(l.quantity)) } td { (page::time(l.inbound_at, "UTC")) }
                    td { (l.batch_no.as_deref().unwrap_or("")) " " (l.expiry_date.as_deref().unwrap_or("")) } } } } }
        }
        @if !serials.items.is_empty() {
            section.card.scroll {
                h2 { (ui.t(Msg::Serials)) " (" (number(serials.total)) ")" }
                table #serials { tbody { @for n in &serials.items { tr { td { (n.serial) } td { (n.warehouse_code.as_deref().unwrap_or("")) }
                    td { (n.location_code.as_deref().unwrap_or("")) } td { (n.condition.as_str()) } } } } }
            }
        }
        section.card.scroll {
            h2 { (ui.t(Msg::Movements)) }
            table #movements { thead { tr { th { (ui.t(Msg::When)) } th { (ui.t(Msg::From)) } th { (ui.t(Msg::To)) } th.num { (ui.t(Msg::Quantity)) }
                th.num { (ui.t(Msg::Before)) } th.num { (ui.t(Msg::After)) } th { (ui.t(Msg::Document)) } } }
                tbody { @for m in &log.items { tr { td { (page::time(m.created_at, "UTC")) } td { (m.source) } td { (m.target) } td.num { (number(m.quantity)) }
                    td.num { (number(m.on_hand_before)) } td.num { (number(m.on_hand_after)) } td { (m.document_type) " " (m.document_no) } } } } }
        }
    };
    page::portal_shell(&ui, &who(&seller), "/portal/stock", &format!("{} {sku}", ui.t(Msg::Stock)), body)
        .into_response()
}
