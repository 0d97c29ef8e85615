//! The seller's documents: outbound orders (list by status, create one,
//! cancel, follow the tracking) and inbound orders (create with boxes,
//! print their labels, follow receiving). Each form builds the same
//! command the API's JSON does and calls the same use case.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use haicang_api::AppState;
use haicang_app::inbound::CreateInbound;
use haicang_app::outbound::CreateOutbound;
use haicang_app::query::{InboundFilter, OutboundFilter};
use haicang_app::{AppError, PageRequest, Viewer};
use haicang_core::inbound::{BoxDraft, ItemDraft};
use haicang_core::outbound::{Platform, Recipient};

use super::sheet::{Row, Upload, upload_form};
use super::{query, who};
use crate::console::Fields;
use crate::i18n::{Msg, number};
use crate::page::{self, csrf};
use crate::session::{Flash, Seller, Ui};

fn text_field(ui: &Ui, id: &str, label: Msg, required: bool) -> Markup {
    html! { div { label for=(id) { (ui.t(label)) } input id=(id) name=(id) type="text" autocomplete="off" required[required]; } }
}

/// `SKU quantity` (or `SKU,quantity`) per line.
fn item_lines(text: &str) -> Result<Vec<(String, i64)>, AppError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let mut parts = line.split([',', ' ', '\t']).filter(|p| !p.is_empty());
        let (Some(sku), Some(quantity), None) =
            (parts.next(), parts.next().and_then(|q| q.parse::<i64>().ok()), parts.next())
        else {
            return Err(AppError::InvalidParam { field: "items", reason: format!("line {}: SKU and quantity", i + 1) });
        };
        out.push((sku.to_owned(), quantity));
    }
    Ok(out)
}

async fn warehouse_options(s: &AppState, seller: &Seller) -> Vec<String> {
    s.app
        .list_warehouses(&seller.session.customer)
        .await
        .map(|w| w.into_iter().map(|w| w.code).collect())
        .unwrap_or_default()
}

pub async fn outbound(State(s): State<AppState>, ui: Ui, seller: Seller, parts: Parts) -> Response {
    let status = query(&parts, "status");
    let filter = OutboundFilter { status: status.clone(), ..Default::default() };
    let list = match s
        .app
        .list_outbound(Viewer::Customer(&seller.session.customer), &filter, PageRequest { page: 1, page_size: 100 })
        .await
    {
        Ok(l) => l,
        Err(e) => return ui.redirect("/portal/stock", ui.refusal(e)),
    };
    let warehouses = warehouse_options(&s, &seller).await;
    let body = html! {
        form.card method="get" action="/portal/outbound" {
            label for="status" { (ui.t(Msg::Status)) }
            select #status name="status" {
                option value="" { "—" }
                @for st in haicang_core::outbound::OutboundStatus::ALL { option value=(st.as_str()) selected[status.as_deref() == Some(st.as_str())] { (st.as_str()) } }
            }
            button type="submit" { (ui.t(Msg::Search)) }
        }
        section.card.scroll {
            p { (number(list.total)) }
            table #outbound { thead { tr { th { (ui.t(Msg::Order)) } th { "Ref" } th { (ui.t(Msg::Warehouse)) } th { (ui.t(Msg::Status)) } th { (ui.t(Msg::Tracking)) } th {} } }
                tbody { @for o in &list.items { tr {
                    td { (o.order_no) } td { (o.customer_reference) } td { (o.warehouse_code) } td { span.badge { (o.status.as_str()) } }
                    td { (o.tracking_no.as_deref().unwrap_or("")) " " span.muted { (o.carrier.as_deref().unwrap_or("")) } }
                    td { @if matches!(o.status, haicang_core::outbound::OutboundStatus::Created) {
                        form method="post" action={ "/portal/outbound/" (o.order_no) "/cancel" } { (csrf(&ui)) button.danger type="submit" { (ui.t(Msg::Cancel)) } } } }
                } } }
            }
        }
        (upload_form(&ui, "/portal/outbound/bulk", Msg::BulkOrders, "/portal/outbound/template.csv"))
        form.card method="post" action="/portal/outbound" {
            (csrf(&ui))
            h2 { (ui.t(Msg::NewOutbound)) }
            div.row {
                div { label for="warehouse" { (ui.t(Msg::Warehouse)) } select #warehouse name="warehouse" { @for w in &warehouses { option value=(w) { (w) } } } }
                (text_field(&ui, "service", Msg::Service, true))
                (text_field(&ui, "reference", Msg::Reference, true))
                div { label for="platform" { (ui.t(Msg::Platform)) } select #platform name="platform" { @for p in Platform::ALL { option value=(p.as_str()) { (p.as_str()) } } } }
            }
            h2 { (ui.t(Msg::Recipient)) }
            div.row { (text_field(&ui, "name", Msg::Name, true)) (text_field(&ui, "phone", Msg::Phone, false)) (text_field(&ui, "country", Msg::Country, true)) }
            div.row { (text_field(&ui, "state", Msg::State, false)) (text_field(&ui, "city", Msg::City, true)) (text_field(&ui, "postcode", Msg::Postcode, true)) }
            (text_field(&ui, "address", Msg::Address, true))
            label for="items" { (ui.t(Msg::ItemLines)) }
            textarea #items name="items" rows="4" required {}
            button type="submit" { (ui.t(Msg::Create)) }
        }
    };
    page::portal_shell(&ui, &who(&seller), "/portal/outbound", ui.t(Msg::Orders), body).into_response()
}

pub async fn create_outbound(State(s): State<AppState>, ui: Ui, seller: Seller, fields: Fields) -> Response {
    let opt = |k: &str| Some(fields.get(k)).filter(|v| !v.is_empty());
    let items = match item_lines(&fields.get("items")) {
        Ok(i) => i,
        Err(e) => return ui.redirect("/portal/outbound", ui.refusal(e)),
    };
    let cmd = CreateOutbound {
        warehouse_code: fields.get("warehouse"),
        shipping_service_code: fields.get("service"),
        customer_reference: fields.get("reference"),
        platform: fields.get("platform"),
        platform_order_no: None,
        recipient: Recipient {
            name: fields.get("name"),
            phone: opt("phone"),
            country: fields.get("country").to_ascii_uppercase(),
            state: opt("state"),
            city: fields.get("city"),
            address_line1: fields.get("address"),
            postcode: fields.get("postcode"),
            ..Default::default()
        },
        items,
        label: None,
        tracking_no: None,
        note: None,
    };
    match s.app.create_outbound(&seller.session.customer, &cmd).await {
        Ok(c) => ui.redirect(
            "/portal/outbound",
            Flash::Ok(format!("{} · {} · {}", ui.t(Msg::Created), c.order_no, c.status.as_str())),
        ),
        Err(e) => ui.redirect("/portal/outbound", ui.refusal(e)),
    }
}

pub async fn cancel_outbound(State(s): State<AppState>, ui: Ui, seller: Seller, Path(no): Path<String>) -> Response {
    match s.app.cancel_outbound(&seller.session.customer, &no, Some("cancelled in the portal")).await {
        Ok(o) => ui.redirect(
            "/portal/outbound",
            Flash::Ok(format!("{} · {} · {}", ui.t(Msg::Cancel), o.order_no, o.status.as_str())),
        ),
        Err(e) => ui.redirect("/portal/outbound", ui.refusal(e)),
    }
}

pub async fn inbound(State(s): State<AppState>, ui: Ui, seller: Seller) -> Response {
    let list = match s
        .app
        .list_inbound(
            Viewer::Customer(&seller.session.customer),
            &InboundFilter::default(),
            PageRequest { page: 1, page_size: 100 },
        )
        .await
    {
        Ok(l) => l,
        Err(e) => return ui.redirect("/portal/stock", ui.refusal(e)),
    };
    let warehouses = warehouse_options(&s, &seller).await;
    let body = html! {
        section.card.scroll {
            table #inbound { thead { tr { th { (ui.t(Msg::Order)) } th { "Ref" } th { (ui.t(Msg::Warehouse)) } th { (ui.t(Msg::Status)) } th.num { (ui.t(Msg::Boxes)) } th.num { (ui.t(Msg::Units)) } th {} } }
                tbody { @for o in &list.items { tr {
                    td { a href={ "/portal/inbound/" (o.order_no) } { (o.order_no) } } td { (o.customer_reference) } td { (o.warehouse_code) } td { span.badge { (o.status.as_str()) } }
                    td.num { (number(o.box_count)) } td.num { (number(o.unit_count)) }
                    td { a href={ "/portal/inbound/" (o.order_no) "/labels.pdf" } hx-boost="false" download { (ui.t(Msg::BoxLabels)) } }
                } } }
            }
        }
        (upload_form(&ui, "/portal/inbound/bulk", Msg::BulkInbound, "/portal/inbound/template.csv"))
        form.card method="post" action="/portal/inbound" {
            (csrf(&ui))
            h2 { (ui.t(Msg::NewInbound)) }
            div.row {
                div { label for="warehouse" { (ui.t(Msg::Warehouse)) } select #warehouse name="warehouse" { @for w in &warehouses { option value=(w) { (w) } } } }
                (text_field(&ui, "reference", Msg::Reference, true))
                (text_field(&ui, "carrier", Msg::Carrier, false))
                (text_field(&ui, "tracking", Msg::Tracking, false))
            }
            label for="boxes" { (ui.t(Msg::BoxLines)) }
            textarea #boxes name="boxes" rows="5" required {}
            div.row { (text_field(&ui, "lengthCm", Msg::LengthCm, true)) (text_field(&ui, "widthCm", Msg::WidthCm, true))
                (text_field(&ui, "heightCm", Msg::HeightCm, true)) (text_field(&ui, "weightKg", Msg::WeightKg, true)) }
            button type="submit" { (ui.t(Msg::Create)) }
        }
    };
    page::portal_shell(&ui, &who(&seller), "/portal/inbound", ui.t(Msg::InboundOrders), body).into_response()
}

/// Boxes from `box SKU quantity` lines (one line per SKU in a box), all
/// boxes of the measures given.
fn boxes_of(fields: &Fields) -> Result<Vec<BoxDraft>, AppError> {
    let mut boxes: Vec<BoxDraft> = Vec::new();
    for (i, line) in fields.get("boxes").lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let parts: Vec<&str> = line.split([',', ' ', '\t']).filter(|p| !p.is_empty()).collect();
        let [box_no, sku, quantity] = parts.as_slice() else {
            return Err(AppError::InvalidParam {
                field: "boxes",
                reason: format!("line {}: box, SKU and quantity", i + 1),
            });
        };
        let quantity = quantity
            .parse::<i64>()
            .map_err(|_| AppError::InvalidParam { field: "boxes", reason: format!("line {}: quantity", i + 1) })?;
        let item = ItemDraft { sku: (*sku).to_owned(), quantity, ..Default::default() };
        match boxes.iter_mut().find(|b| b.box_no.as_deref() == Some(box_no)) {
            Some(b) => b.items.push(item),
            None => boxes.push(BoxDraft {
                box_no: Some((*box_no).to_owned()),
                length_cm: Some(fields.get("lengthCm")),
                width_cm: Some(fields.get("widthCm")),
                height_cm: Some(fields.get("heightCm")),
                weight_kg: Some(fields.get("weightKg")),
                items: vec![item],
                ..Default::default()
            }),
        }
    }
    Ok(boxes)
}

pub async fn create_inbound(State(s): State<AppState>, ui: Ui, seller: Seller, fields: Fields) -> Response {
    let boxes = match boxes_of(&fields) {
        Ok(b) => b,
        Err(e) => return ui.redirect("/portal/inbound", ui.refusal(e)),
    };
    let opt = |k: &str| Some(fields.get(k)).filter(|v| !v.is_empty());
    let cmd = CreateInbound {
        warehouse_code: fields.get("warehouse"),
        inbound_type: "CARTON".into(),
        customer_reference: fields.get("reference"),
        carrier: opt("carrier"),
        tracking_no: opt("tracking"),
        boxes,
        ..Default::default()
    };
    match s.app.create_inbound(&seller.session.customer, &cmd).await {
        Ok(c) => ui.redirect(
            "/portal/inbound",
            Flash::Ok(format!("{} · {} · {}", ui.t(Msg::Created), c.order_no, c.status.as_str())),
        ),
        Err(e) => ui.redirect("/portal/inbound", ui.refusal(e)),
    }
}

pub async fn inbound_labels(State(s): State<AppState>, ui: Ui, seller: Seller, Path(no): Path<String>) -> Response {
    ui.pdf(
        s.app.inbound_labels(Viewer::Customer(&seller.session.customer), &no, Default::default()).await,
        "/portal/inbound",
    )
}

/// The bulk order file's columns; rows with the same reference are the
/// lines of one order.
pub const ORDER_COLUMNS: &[&str] = &[
    "reference",
    "warehouseCode",
    "serviceCode",
    "platform",
    "name",
    "phone",
    "country",
    "state",
    "city",
    "address",
    "postcode",
    "sku",
    "quantity",
];

/// Orders per bulk file.
const BULK_ORDERS_MAX: usize = 2_000;

pub async fn order_template(_seller: Seller) -> Response {
    let row = [
        "ERP-1001",
        "US-LA01",
        "USPS-GA",
        "SHOPIFY",
        "Jane Doe",
        "+1 213 555 0100",
        "US",
        "CA",
        "Los Angeles",
        "100 Main St",
        "90012",
        "DEMO-0004",
        "2",
    ];
    super::example("orders-template", ORDER_COLUMNS, &row)
}

/// A bulk file of orders (CSV or XLSX). Unlike a product import this is
/// not all or none: each order is created on its own (with its own
/// reservation) and answered per row — orders are independent documents,
/// and creation is idempotent by the reference, so uploading the
/// corrected file again creates only those that failed.
pub async fn bulk(State(s): State<AppState>, ui: Ui, seller: Seller, fields: Fields) -> Response {
    let (app, customer) = (&s.app, &seller.session.customer);
    let answered = upload_documents(
        &ui,
        &fields,
        |row| {
            let opt = |name: &str| Some(row.cell(name)).filter(|v| !v.is_empty());
            CreateOutbound {
                warehouse_code: row.cell("warehouseCode"),
                shipping_service_code: row.cell("serviceCode"),
                customer_reference: row.cell("reference"),
                platform: opt("platform").unwrap_or_else(|| "OTHER".into()),
                recipient: Recipient {
                    name: row.cell("name"),
                    phone: opt("phone"),
                    country: row.cell("country").to_ascii_uppercase(),
                    state: opt("state"),
                    city: row.cell("city"),
                    address_line1: row.cell("address"),
                    postcode: row.cell("postcode"),
                    ..Default::default()
                },
                ..Default::default()
            }
        },
        |order, row, quantity| order.items.push((row.cell("sku"), quantity)),
        |cmd| Box::pin(async move { app.create_outbound(customer, &cmd).await.map(|c| c.order_no) }),
    )
    .await;
    match answered {
        Ok(results) => results_page(ui, &seller, results, "/portal/outbound", Msg::Orders),
        Err(refusal) => ui.redirect("/portal/outbound", refusal),
    }
}

/// A document of a bulk file: what it is created from and its reference.
trait Referenced {
    fn reference(&self) -> &str;
}

impl Referenced for CreateOutbound {
    fn reference(&self) -> &str {
        &self.customer_reference
    }
}

impl Referenced for CreateInbound {
    fn reference(&self) -> &str {
        &self.customer_reference
    }
}

/// A document's creation, answered with its number.
type Created<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, AppError>> + Send + 'a>>;

/// One answer per document of a bulk file: its first line, its
/// reference, its number or the refusal in the page's language.
type Answered = Vec<(usize, String, Result<String, String>)>;

/// A bulk file's documents: rows are grouped by their reference — the
/// first row of a reference starts a document (`start`), every row adds
/// its line with its quantity (`add`; a row without a whole quantity is
/// answered at once) —, then each document is created on its own.
async fn upload_documents<'a, C: Referenced>(
    ui: &Ui,
    fields: &Fields,
    start: impl Fn(&Row) -> C,
    add: impl Fn(&mut C, &Row, i64),
    create: impl Fn(C) -> Created<'a>,
) -> Result<Answered, Flash> {
    let file =
        Upload::read(fields.bytes("file").unwrap_or_default()).map_err(|e| ui.refusal(super::sheet::unreadable(e)))?;
    let mut documents: Vec<(usize, C)> = Vec::new();
    let mut answered = Answered::new();
    for row in file.rows() {
        let reference = row.cell("reference");
        let Some(quantity) = row.quantity("quantity") else {
            answered.push((row.line, reference, Err("quantity: a positive whole number".into())));
            continue;
        };
        let index = match documents.iter().position(|(_, d)| d.reference() == reference) {
            Some(i) => i,
            None => {
                documents.push((row.line, start(&row)));
                documents.len() - 1
            }
        };
        add(&mut documents[index].1, &row, quantity);
    }
    if documents.len() > BULK_ORDERS_MAX {
        let e = AppError::InvalidParam { field: "file", reason: format!("at most {BULK_ORDERS_MAX} orders") };
        return Err(ui.refusal(e));
    }
    for (line, cmd) in documents {
        let reference = cmd.reference().to_owned();
        let answer = create(cmd).await.map_err(|e| {
            let (code, text) = crate::session::describe(e, ui.lang);
            format!("[{code}] {text}")
        });
        answered.push((line, reference, answer));
    }
    Ok(answered)
}

/// What a bulk upload created, row by row: the document number, or why
/// the row's document was refused.
fn results_page(
    ui: Ui,
    seller: &Seller,
    mut results: Vec<(usize, String, Result<String, String>)>,
    back: &str,
    title: Msg,
) -> Response {
    results.sort_by_key(|r| r.0);
    let failed = results.iter().filter(|r| r.2.is_err()).count();
    let flash = if failed == 0 {
        Flash::Ok(format!("{} · {}", ui.t(Msg::Created), number(results.len() as i64)))
    } else {
        Flash::Err(format!("{} {}/{}", ui.t(Msg::OrdersRefused), number(failed as i64), number(results.len() as i64)))
    };
    let ui = Ui { flash: Some(flash), ..ui };
    let body = html! {
        section.card.scroll {
            table #bulk-results { thead { tr { th { (ui.t(Msg::Row)) } th { (ui.t(Msg::Reference)) } th { (ui.t(Msg::Order)) } } }
                tbody { @for (line, reference, r) in &results { tr { td { (line) } td { (reference) }
                    @match r { Ok(no) => td.done { (no) }, Err(e) => td.shortage { (e) } } } } } }
            p { a href=(back) { (ui.t(Msg::Back)) } }
        }
    };
    page::portal_shell(&ui, &who(seller), back, ui.t(title), body).into_response()
}

/// The bulk inbound file's columns; rows with the same reference are one
/// order, rows with the same box number one box (measures from its first
/// row).
pub const INBOUND_COLUMNS: &[&str] =
    &["reference", "warehouseCode", "boxNo", "sku", "quantity", "lengthCm", "widthCm", "heightCm", "weightKg"];

pub async fn inbound_template(_seller: Seller) -> Response {
    let row = ["ASN-1001", "US-LA01", "1", "DEMO-0001", "24", "40", "30", "30", "8.5"];
    super::example("inbound-template", INBOUND_COLUMNS, &row)
}

/// Inbound orders from a file (CSV or XLSX), one per reference, answered
/// row by row like bulk outbound orders (idempotent by reference too).
pub async fn inbound_bulk(State(s): State<AppState>, ui: Ui, seller: Seller, fields: Fields) -> Response {
    let (app, customer) = (&s.app, &seller.session.customer);
    let answered = upload_documents(
        &ui,
        &fields,
        |row| CreateInbound {
            warehouse_code: row.cell("warehouseCode"),
            inbound_type: "CARTON".into(),
            customer_reference: row.cell("reference"),
            ..Default::default()
        },
        |order, row, quantity| {
            let item = ItemDraft { sku: row.cell("sku"), quantity, ..Default::default() };
            let box_no = row.cell("boxNo");
            match order.boxes.iter_mut().find(|b| b.box_no.as_deref() == Some(box_no.as_str())) {
                Some(b) => b.items.push(item),
                None => order.boxes.push(BoxDraft {
                    box_no: Some(box_no),
                    length_cm: Some(row.cell("lengthCm")),
                    width_cm: Some(row.cell("widthCm")),
                    height_cm: Some(row.cell("heightCm")),
                    weight_kg: Some(row.cell("weightKg")),
                    items: vec![item],
                    ..Default::default()
                }),
            }
        },
        |cmd| Box::pin(async move { app.create_inbound(customer, &cmd).await.map(|c| c.order_no) }),
    )
    .await;
    match answered {
        Ok(results) => results_page(ui, &seller, results, "/portal/inbound", Msg::InboundOrders),
        Err(refusal) => ui.redirect("/portal/inbound", refusal),
    }
}

/// One inbound order as the warehouse counts it: per SKU announced,
/// received good and defective, put away; the discrepancies; the history.
pub async fn inbound_detail(State(s): State<AppState>, ui: Ui, seller: Seller, Path(no): Path<String>) -> Response {
    let d = match s.app.inbound_detail(Viewer::Customer(&seller.session.customer), &no).await {
        Ok(d) => d,
        Err(e) => return ui.redirect("/portal/inbound", ui.refusal(e)),
    };
    let body = html! {
        p { span.badge #inbound-status { (d.order.status.as_str()) } " · " (d.order.warehouse_code) " · " (d.order.customer_reference) }
        section.card.scroll {
            table #progress { thead { tr { th { (ui.t(Msg::Sku)) } th.num { (ui.t(Msg::Expected)) } th.num { (ui.t(Msg::Good)) }
                th.num { (ui.t(Msg::Defective)) } th.num { (ui.t(Msg::PutAway)) } } }
                tbody { @for p in &d.skus { tr { td { (p.sku) } td.num { (number(p.expected)) } td.num { (number(p.received_good)) }
                    td.num { (number(p.received_defective)) } td.num { (number(p.put_away)) } } } } }
        }
        @if !d.discrepancies.is_empty() {
            section.card.scroll {
                h2 { (ui.t(Msg::Discrepancies)) }
                table #discrepancies { tbody { @for x in &d.discrepancies { tr { td { (x.box_no.as_deref().unwrap_or("")) } td { (x.sku) }
                    td { (format!("{:?}", x.kind).to_uppercase()) } td.num { (number(x.expected)) } td.num.shortage { (number(x.received)) } } } } }
            }
        }
        section.card.scroll {
            table { tbody { @for h in &d.history { tr { td { (page::time(h.created_at, "UTC")) } td { (h.status.as_str()) } td { (h.note.as_deref().unwrap_or("")) } } } } }
            p { a href={ "/portal/inbound/" (no) "/labels.pdf" } hx-boost="false" download { (ui.t(Msg::BoxLabels)) } }
        }
    };
    page::portal_shell(&ui, &who(&seller), "/portal/inbound", &format!("{} {no}", ui.t(Msg::InboundOrders)), body)
        .into_response()
}
