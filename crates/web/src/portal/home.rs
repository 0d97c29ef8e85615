//! The seller's day at a glance, and its bills.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

use haicang_api::AppState;
use haicang_app::query::{AlertFilter, BillFilter, InboundFilter, OutboundFilter};
use haicang_app::{PageRequest, Viewer};
use haicang_core::decimal::format_fixed;

use super::{all_stock, who};
use crate::i18n::{Msg, number};
use crate::page;
use crate::session::{Seller, Ui};

const ONE: PageRequest = PageRequest { page: 1, page_size: 1 };

/// Units by warehouse, orders created today (UTC), inbound on its way,
/// open stock alerts and the wallet.
pub async fn dashboard(State(s): State<AppState>, ui: Ui, seller: Seller) -> Response {
    let customer = &seller.session.customer;
    let stock = all_stock(&s, &seller, &Default::default()).await.unwrap_or_default();
    let mut by_warehouse: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    // Declared value of what is on hand, per warehouse and currency (in
    // millionths, as products declare it; products without one count 0).
    let mut value: BTreeMap<(String, String), i128> = BTreeMap::new();
    for l in &stock {
        let e = by_warehouse.entry(l.row.warehouse_code.clone()).or_default();
        e.0 += l.row.on_hand;
        e.1 += l.row.on_hand - l.row.reserved;
        if let (Some(micros), Some(currency)) = (l.row.declared_value_micros, &l.row.declared_currency) {
            *value.entry((l.row.warehouse_code.clone(), currency.clone())).or_default() +=
                i128::from(micros) * i128::from(l.row.on_hand);
        }
    }
    let midnight = chrono::Utc::now().date_naive().and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp_millis());
    let today = OutboundFilter { created_from: midnight, ..Default::default() };
    let orders_today = s.app.list_outbound(Viewer::Customer(customer), &today, ONE).await.map(|p| p.total).unwrap_or(0);
    let on_the_way = InboundFilter { status: Some("SUBMITTED".into()), ..Default::default() };
    let inbound = s.app.list_inbound(Viewer::Customer(customer), &on_the_way, ONE).await.map(|p| p.total).unwrap_or(0);
    let open = AlertFilter { status: Some("OPEN".into()), ..Default::default() };
    let alerts = s.app.alerts(customer, &open, ONE).await.map(|p| p.total).unwrap_or(0);
    let wallets = s.app.wallet(customer).await.map(|w| w.wallets).unwrap_or_default();
    let body = html! {
        div.grid {
            section.card.scroll {
                h2 { (ui.t(Msg::Stock)) }
                table #units-by-warehouse { thead { tr { th { (ui.t(Msg::Warehouse)) } th.num { (ui.t(Msg::Units)) } th.num { (ui.t(Msg::Available)) } } }
                    tbody { @for (w, (units, available)) in &by_warehouse { tr { td { (w) } td.num { (number(*units)) } td.num { (number(*available)) } } } } }
                @if !value.is_empty() {
                    h2 { (ui.t(Msg::StockValue)) }
                    table #stock-value { tbody { @for ((w, currency), micros) in &value {
                        tr { td { (w) } td.num { (currency) " " (format_fixed(i64::try_from(*micros / 10_000).unwrap_or(i64::MAX), 2, 2)) } } } } }
                }
            }
            section.card {
                p { (ui.t(Msg::OrdersToday)) ": " strong.stat #orders-today { (number(orders_today)) } }
                p { (ui.t(Msg::InboundOnTheWay)) ": " strong.stat { (number(inbound)) } }
                p { (ui.t(Msg::OpenAlerts)) ": " strong.stat { (number(alerts)) } }
            }
            section.card {
                h2 { (ui.t(Msg::Wallet)) }
                @if wallets.is_empty() { p.muted { (ui.t(Msg::None)) } }
                @for w in &wallets { p { (w.currency) " " strong { (format_fixed(w.balance, 2, 2)) } " · " (ui.t(Msg::Credit)) " " (format_fixed(w.credit_limit, 2, 2)) } }
            }
        }
    };
    page::portal_shell(&ui, &who(&seller), "/portal/dashboard", ui.t(Msg::Dashboard), body).into_response()
}

/// The seller's bills (their PDF and CSV are the API's documents:
/// `/api/v1/bills/{no}/bill.pdf`).
pub async fn bills(State(s): State<AppState>, ui: Ui, seller: Seller) -> Response {
    let customer_id = Some(seller.session.customer.customer_id);
    let bills = s.app.bills(customer_id, &BillFilter::default(), PageRequest { page: 1, page_size: 100 }).await;
    let body = match bills {
        Ok(page) => html! {
            section.card.scroll {
                @if page.items.is_empty() { p.muted { (ui.t(Msg::None)) } }
                table #bills { thead { tr { th { (ui.t(Msg::Bill)) } th { (ui.t(Msg::Period)) } th { (ui.t(Msg::Status)) } th.num { (ui.t(Msg::Amount)) } } }
                    tbody { @for b in &page.items { tr { td { (b.bill_no) } td { (b.period_from) " – " (b.period_to) } td { (b.status) }
                        td.num { (b.currency) " " (format_fixed(b.charged, 2, 2)) } } } } }
            }
        },
        Err(e) => return ui.redirect("/portal/dashboard", ui.refusal(e)),
    };
    page::portal_shell(&ui, &who(&seller), "/portal/bills", ui.t(Msg::Bills), body).into_response()
}
