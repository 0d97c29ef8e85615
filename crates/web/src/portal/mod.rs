//! The seller portal (`/portal`): a seller user signs in with email and
//! password and works with its own customer's data only — every page
//! calls the same customer use cases as the API with the session's
//! customer principal, so scoping is the app's, not the page's.

use axum::Router;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;

mod catalog;
mod home;
mod integration;
mod orders;
mod sheet;
mod users;

use haicang_api::AppState;
use haicang_app::PageRequest;
use haicang_app::query::{ProductFilter, StockFilter};
use haicang_core::product::ProductDraft;

use self::sheet::{Cell, Format};
use crate::console::Fields;
use crate::i18n::{Msg, number};
use crate::page::{self, csrf};
use crate::session::{CSRF_COOKIE, Flash, SELLER_COOKIE, Seller, Ui, set_cookie};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portal", get(home))
        .route("/portal/login", get(login_form).post(login))
        .route("/portal/logout", post(logout))
        .route("/portal/stock", get(stock))
        .route("/portal/stock.csv", get(stock_csv))
        .route("/portal/stock.xlsx", get(stock_xlsx))
        .route("/portal/products", get(products))
        .route("/portal/products/template.csv", get(template))
        .route("/portal/products/new", get(catalog::new_page).post(catalog::create))
        .route("/portal/products/{sku}", get(catalog::edit_page).post(catalog::update))
        .route("/portal/products.csv", get(catalog::export_csv))
        .route("/portal/products.xlsx", get(catalog::export_xlsx))
        .route("/portal/stock/{sku}", get(catalog::sku_stock))
        .route("/portal/products/import", post(import))
        .route("/portal/dashboard", get(home::dashboard))
        .route("/portal/bills", get(home::bills))
        .route("/portal/users", get(users::page).post(users::add))
        .route("/portal/integration", get(integration::page))
        .route("/portal/integration/apps/{client_id}/rotate", post(integration::rotate))
        .route("/portal/integration/deliveries/{id}/redeliver", post(integration::redeliver))
        .route("/portal/outbound", get(orders::outbound).post(orders::create_outbound))
        .route("/portal/outbound/{no}/cancel", post(orders::cancel_outbound))
        .route("/portal/outbound/bulk", post(orders::bulk))
        .route("/portal/outbound/template.csv", get(orders::order_template))
        .route("/portal/inbound", get(orders::inbound).post(orders::create_inbound))
        .route("/portal/inbound/bulk", post(orders::inbound_bulk))
        .route("/portal/inbound/template.csv", get(orders::inbound_template))
        .route("/portal/inbound/{no}", get(orders::inbound_detail))
        .route("/portal/inbound/{no}/labels.pdf", get(orders::inbound_labels))
}

async fn home(seller: Result<Seller, Response>) -> Response {
    match seller {
        Ok(_) => Redirect::to("/portal/stock").into_response(),
        Err(to_login) => to_login,
    }
}

fn login_page(ui: &Ui, email: &str) -> axum::response::Html<String> {
    page::plain(
        ui,
        ui.t(Msg::PortalTitle),
        html! {
            form.card method="post" action="/portal/login" {
                (csrf(ui))
                label for="email" { (ui.t(Msg::Email)) }
                input #email name="email" type="email" autocomplete="username" value=(email) autofocus required;
                label for="password" { (ui.t(Msg::Password)) }
                input #password name="password" type="password" autocomplete="current-password" required;
                button type="submit" { (ui.t(Msg::SignIn)) }
            }
        },
    )
}

async fn login_form(ui: Ui) -> Response {
    login_page(&ui, "").into_response()
}

/// Signs in through `App::seller_login` (throttled, audited): the session
/// cookie holds the customer access token it issues.
async fn login(State(s): State<AppState>, ui: Ui, parts: Parts, fields: Fields) -> Response {
    let email = fields.get("email");
    let origin = haicang_api::extract::origin(&parts);
    match s.app.seller_login(&email, &fields.get("password"), &origin).await {
        Ok(pair) => {
            let mut r = Redirect::to("/portal/stock").into_response();
            let h = r.headers_mut();
            h.append(SET_COOKIE, set_cookie(SELLER_COOKIE, &pair.access_token, Some(pair.expires_in), ui.secure));
            h.append(SET_COOKIE, set_cookie(CSRF_COOKIE, &hex::encode(rand::random::<[u8; 32]>()), None, ui.secure));
            r
        }
        Err(e) => {
            let (status, flash) = ui.refusal_with_status(e);
            let ui = Ui { flash: Some(flash), ..ui };
            (status, login_page(&ui, &email)).into_response()
        }
    }
}

async fn logout(State(s): State<AppState>, ui: Ui, seller: Seller) -> Response {
    if let Err(e) = s.app.logout(&seller.token, &seller.session.customer.origin).await {
        tracing::warn!(error = %e, "portal logout");
    }
    let mut r = ui.redirect("/portal/login", Flash::Ok(ui.t(Msg::SignOut).to_owned()));
    r.headers_mut().append(SET_COOKIE, set_cookie(SELLER_COOKIE, "", Some(0), ui.secure));
    r
}

pub(crate) fn who(seller: &Seller) -> String {
    format!("{} · {} · {}", seller.session.email, seller.session.customer.customer_code, seller.session.role)
}

pub(crate) fn query(parts: &Parts, key: &str) -> Option<String> {
    parts
        .uri
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned()))
        .filter(|v| !v.is_empty())
}

fn stock_filter(parts: &Parts) -> StockFilter {
    StockFilter {
        warehouse_codes: query(parts, "warehouse").into_iter().collect(),
        skus: query(parts, "sku").into_iter().collect(),
        conditions: Vec::new(),
    }
}

/// Stock a seller may have is bounded by its catalogue; an export reads
/// it page by page.
const STOCK_PAGE: i64 = 200;
const STOCK_PAGES_MAX: i64 = 500;

pub(crate) async fn all_stock(
    s: &AppState,
    seller: &Seller,
    filter: &StockFilter,
) -> Result<Vec<haicang_app::inventory::StockLine>, haicang_app::AppError> {
    let mut out = Vec::new();
    for page in 1..=STOCK_PAGES_MAX {
        let p = s.app.inventory(&seller.session.customer, filter, PageRequest { page, page_size: STOCK_PAGE }).await?;
        let last = p.items.len() < STOCK_PAGE as usize;
        out.extend(p.items);
        if last {
            break;
        }
    }
    Ok(out)
}

async fn stock(State(s): State<AppState>, ui: Ui, seller: Seller, parts: Parts) -> Response {
    let filter = stock_filter(&parts);
    let page_no = query(&parts, "page").and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
    let rows =
        match s.app.inventory(&seller.session.customer, &filter, PageRequest { page: page_no, page_size: 100 }).await {
            Ok(p) => p,
            Err(e) => {
                let ui = Ui { flash: Some(ui.refusal(e)), ..ui };
                return page::portal_shell(&ui, &who(&seller), "/portal/stock", ui.t(Msg::Stock), html! {})
                    .into_response();
            }
        };
    let export = format!("/portal/stock.csv{}", parts.uri.query().map(|q| format!("?{q}")).unwrap_or_default());
    let body = html! {
        form.card method="get" action="/portal/stock" {
            div.row {
                div { label for="warehouse" { (ui.t(Msg::Warehouse)) } input #warehouse name="warehouse" type="text" value=[query(&parts, "warehouse")]; }
                div { label for="sku" { (ui.t(Msg::Sku)) } input #sku name="sku" type="text" value=[query(&parts, "sku")]; }
            }
            button type="submit" { (ui.t(Msg::Search)) }
        }
        p { a href=(export) hx-boost="false" download { (ui.t(Msg::ExportCsv)) } " · "
            a href=(export.replacen("stock.csv", "stock.xlsx", 1)) hx-boost="false" download { (ui.t(Msg::ExportXlsx)) } " · " (number(rows.total)) }
        section.card.scroll {
            table #stock {
                thead { tr { th { (ui.t(Msg::Warehouse)) } th { (ui.t(Msg::Sku)) } th { (ui.t(Msg::Condition)) }
                    th.num { (ui.t(Msg::Available)) } th.num { (ui.t(Msg::Reserved)) } th.num { (ui.t(Msg::InTransit)) } } }
                tbody { @for l in &rows.items { @let r = &l.row;
                    tr { td { (r.warehouse_code) } td { a href={ "/portal/stock/" (r.sku) } { (r.sku) } br; span.muted { (r.product_name) } } td { (r.condition.as_str()) }
                        td.num { (number(r.on_hand - r.reserved)) } td.num { (number(r.reserved)) }
                        td.num { (number(r.inbound_in_transit.unwrap_or(0) + r.transfer_in_transit.unwrap_or(0) + r.return_in_transit.unwrap_or(0))) } } } }
            }
        }
    };
    page::portal_shell(&ui, &who(&seller), "/portal/stock", ui.t(Msg::Stock), body).into_response()
}

const STOCK_COLUMNS: [&str; 8] =
    ["warehouseCode", "sku", "name", "condition", "onHand", "reserved", "available", "inboundInTransit"];

/// One exported stock row.
fn stock_cells(l: haicang_app::inventory::StockLine) -> Vec<Cell> {
    let r = l.row;
    vec![
        Cell::Text(r.warehouse_code),
        Cell::Text(r.sku),
        Cell::Text(r.product_name),
        Cell::Text(r.condition.as_str().to_owned()),
        Cell::Number(r.on_hand),
        Cell::Number(r.reserved),
        Cell::Number(r.on_hand - r.reserved),
        Cell::Number(r.inbound_in_transit.unwrap_or(0)),
    ]
}

async fn stock_export(s: AppState, ui: Ui, seller: Seller, parts: Parts, format: Format) -> Response {
    let rows = match all_stock(&s, &seller, &stock_filter(&parts)).await {
        Ok(r) => r,
        Err(e) => return ui.redirect("/portal/stock", ui.refusal(e)),
    };
    let rows: Vec<Vec<Cell>> = rows.into_iter().map(stock_cells).collect();
    sheet::export(format, "stock", &STOCK_COLUMNS, &rows)
        .unwrap_or_else(|e| ui.redirect("/portal/stock", Flash::Err(e)))
}

async fn stock_xlsx(State(s): State<AppState>, ui: Ui, seller: Seller, parts: Parts) -> Response {
    stock_export(s, ui, seller, parts, Format::Xlsx).await
}

async fn stock_csv(State(s): State<AppState>, ui: Ui, seller: Seller, parts: Parts) -> Response {
    stock_export(s, ui, seller, parts, Format::Csv).await
}

async fn products(State(s): State<AppState>, ui: Ui, seller: Seller) -> Response {
    let list = s
        .app
        .list_products(&seller.session.customer, &ProductFilter::default(), PageRequest { page: 1, page_size: 200 })
        .await;
    let list = match list {
        Ok(l) => l,
        Err(e) => return ui.redirect("/portal/stock", ui.refusal(e)),
    };
    let body = html! {
        p { a href="/portal/products/new" { (ui.t(Msg::NewProduct)) } " · "
            a href="/portal/products.csv" hx-boost="false" download { (ui.t(Msg::ExportCsv)) } " · "
            a href="/portal/products.xlsx" hx-boost="false" download { (ui.t(Msg::ExportXlsx)) } }
        (import_form(&ui))
        section.card.scroll {
            p { (number(list.total)) }
            table #products {
                thead { tr { th { (ui.t(Msg::Sku)) } th { (ui.t(Msg::Name)) } th { "Barcode" } th { (ui.t(Msg::Status)) } } }
                tbody { @for p in &list.items { tr { td { a href={ "/portal/products/" (p.row.sku) } { (p.row.sku) } } td { (p.row.name) } td { (p.row.barcode) } td { (p.row.status.as_str()) } } } }
            }
        }
    };
    page::portal_shell(&ui, &who(&seller), "/portal/products", ui.t(Msg::Products), body).into_response()
}

fn import_form(ui: &Ui) -> maud::Markup {
    sheet::upload_form(ui, "/portal/products/import", Msg::ImportProducts, "/portal/products/template.csv")
}

/// Rows per import file (one transaction).
const IMPORT_ROWS_MAX: usize = 5_000;

/// The import file's columns, in the template's order.
pub(crate) const COLUMNS: &[&str] =
    &["sku", "name", "barcode", "lengthCm", "widthCm", "heightCm", "weightKg", "battery"];

async fn template(_seller: Seller) -> Response {
    example(
        "products-template",
        COLUMNS,
        &["SKU-001", "Blue mug 350 ml", "6901234567001", "10", "8", "12", "0.4", "false"],
    )
}

/// A template to fill in: the columns and one example row, as CSV.
pub(crate) fn example(name: &str, columns: &[&str], row: &[&str]) -> Response {
    let row: Vec<Cell> = row.iter().map(|c| Cell::Text((*c).to_owned())).collect();
    sheet::export(Format::Csv, name, columns, &[row])
        .unwrap_or_else(|e| (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e).into_response())
}

/// One row of the file as a product draft, or what is wrong with it.
fn draft_of(row: &sheet::Row) -> Result<ProductDraft, String> {
    let cell = |name: &str| Some(row.cell(name)).filter(|v| !v.is_empty());
    let battery = match cell("battery").as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("false" | "no" | "0" | "n") => false,
        Some("true" | "yes" | "1" | "y") => true,
        Some(other) => return Err(format!("battery: {other} is not yes or no")),
    };
    Ok(ProductDraft {
        sku: cell("sku"),
        name: cell("name"),
        barcode: cell("barcode"),
        length_cm: cell("lengthCm"),
        width_cm: cell("widthCm"),
        height_cm: cell("heightCm"),
        weight_kg: cell("weightKg"),
        battery,
        ..Default::default()
    })
}

/// All rows or none: every refused row is named with its line in the
/// file (the header is line 1).
async fn import(State(s): State<AppState>, ui: Ui, seller: Seller, fields: Fields) -> Response {
    let file = match sheet::Upload::read(fields.bytes("file").unwrap_or_default()) {
        Ok(f) => f,
        Err(e) => return ui.redirect("/portal/products", ui.refusal(sheet::unreadable(e))),
    };
    let mut drafts = Vec::new();
    let mut problems: Vec<(usize, String)> = Vec::new();
    for row in file.rows() {
        match draft_of(&row) {
            Ok(d) => drafts.push((row.line, d)),
            Err(e) => problems.push((row.line, e)),
        }
    }
    if drafts.len() + problems.len() > IMPORT_ROWS_MAX {
        let e =
            haicang_app::AppError::InvalidParam { field: "file", reason: format!("at most {IMPORT_ROWS_MAX} rows") };
        return ui.redirect("/portal/products", ui.refusal(e));
    }
    if drafts.is_empty() && problems.is_empty() {
        return ui.redirect("/portal/products", ui.refusal(haicang_app::AppError::MissingParam { field: "products" }));
    }
    if problems.is_empty() {
        let just: Vec<ProductDraft> = drafts.iter().map(|(_, d)| d.clone()).collect();
        match s.app.import_products(&seller.session.customer, &just).await {
            Ok(Ok(n)) => {
                return ui.redirect(
                    "/portal/products",
                    Flash::Ok(format!("{} · {}", ui.t(Msg::Imported), number(n as i64))),
                );
            }
            Ok(Err(refused)) => {
                for (i, e) in refused {
                    let (code, text) = crate::session::describe(e, ui.lang);
                    problems.push((drafts[i].0, format!("[{code}] {text}")));
                }
            }
            Err(e) => return ui.redirect("/portal/products", ui.refusal(e)),
        }
    }
    problems.sort();
    let ui = Ui { flash: Some(Flash::Err(ui.t(Msg::ImportRefused).to_owned())), ..ui };
    let body = html! {
        section.card.scroll {
            table #import-errors {
                thead { tr { th { (ui.t(Msg::Row)) } th { (ui.t(Msg::Reason)) } } }
                tbody { @for (line, why) in &problems { tr { td { (line) } td { (why) } } } }
            }
        }
        (import_form(&ui))
    };
    let html = page::portal_shell(&ui, &who(&seller), "/portal/products", ui.t(Msg::Products), body);
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}
