//! Integration: the seller's API apps (a new secret shown once, OWNER
//! only), its webhooks with their delivery log and redelivery, and the
//! interactive API reference.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;

use haicang_api::AppState;
use haicang_app::audit::Actor;
use haicang_app::query::DeliveryFilter;
use haicang_app::{AppError, PageRequest};

use super::who;
use crate::console::Fields;
use crate::i18n::Msg;
use crate::page::{self, csrf};
use crate::session::{Flash, Seller, Ui};

/// How long tokens issued with the old secret keep working after a
/// rotation from the portal (the ERP's switch-over).
const ROTATION_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

async fn render(s: &AppState, ui: &Ui, seller: &Seller, rotated: Option<(&str, &str)>) -> Response {
    let customer = &seller.session.customer;
    let apps = s.app.apps_of(customer.customer_id).await.unwrap_or_default();
    let hooks = s.app.webhooks(customer).await.unwrap_or_default();
    let deliveries = s
        .app
        .webhook_deliveries(customer, &DeliveryFilter::default(), PageRequest { page: 1, page_size: 50 })
        .await
        .map(|(page, _)| page.items)
        .unwrap_or_default();
    let body = html! {
        @if let Some((client_id, secret)) = rotated {
            section.card.flash.ok #new-secret role="status" {
                p { (ui.t(Msg::SecretShownOnce)) }
                p { "appId " code #app-id { (client_id) } }
                p { "appSecret " code #app-secret { (secret) } }
            }
        }
        section.card.scroll {
            h2 { "API apps" }
            table #apps { thead { tr { th { "appId" } th { (ui.t(Msg::Name)) } th { (ui.t(Msg::Status)) } th {} } }
                tbody { @for (client_id, name, status) in &apps { tr { td { code { (client_id) } } td { (name) } td { (status) }
                    td { @if seller.session.is_owner() && status == "ACTIVE" {
                        form method="post" action={ "/portal/integration/apps/" (client_id) "/rotate" } {
                            (csrf(ui)) button.secondary type="submit" { (ui.t(Msg::RotateSecret)) } } } }
                } } } }
            p { a href="/api/docs" hx-boost="false" { (ui.t(Msg::ApiReference)) } }
        }
        section.card.scroll {
            h2 { "Webhooks" }
            table #webhooks { tbody { @for h in &hooks { tr { td { code { (h.public_id) } } td { (h.url) } td { (h.events) }
                td { @if h.active != 0 { "ACTIVE" } @else { "PAUSED" } } } } } }
            h2 { (ui.t(Msg::Deliveries)) }
            table #deliveries {
                thead { tr { th { "Event" } th { (ui.t(Msg::Status)) } th.num { (ui.t(Msg::Attempts)) } th { "HTTP" } th { (ui.t(Msg::When)) } th {} } }
                tbody { @for d in &deliveries { tr { td { (d.event_type) br; span.muted { (d.event_id) } } td { (d.status.as_str()) }
                    td.num { (d.attempts) } td { (d.last_http_status.map(|s| s.to_string()).unwrap_or_default()) }
                    td { (page::time(d.created_at, "UTC")) }
                    td { form method="post" action={ "/portal/integration/deliveries/" (d.public_id) "/redeliver" } {
                        (csrf(ui)) button.secondary type="submit" { (ui.t(Msg::Redeliver)) } } }
                } } }
            }
        }
    };
    page::portal_shell(ui, &who(seller), "/portal/integration", ui.t(Msg::Integration), body).into_response()
}

pub async fn page(State(s): State<AppState>, ui: Ui, seller: Seller) -> Response {
    render(&s, &ui, &seller, None).await
}

/// OWNER only; the new secret is on this answer alone.
pub async fn rotate(State(s): State<AppState>, ui: Ui, seller: Seller, Path(client_id): Path<String>) -> Response {
    if !seller.session.is_owner() {
        let e = AppError::InvalidParam { field: "role", reason: "only the customer's OWNER rotates secrets".into() };
        return ui.redirect("/portal/integration", ui.refusal(e));
    }
    let by = Actor::customer(&seller.session.customer);
    let customer_id = seller.session.customer.customer_id;
    match s.app.rotate_app_secret_by(&by, Some(customer_id), &client_id, ROTATION_GRACE).await {
        Ok(secret) => render(&s, &ui, &seller, Some((&client_id, &secret))).await,
        Err(e) => ui.redirect("/portal/integration", ui.refusal(e)),
    }
}

pub async fn redeliver(
    State(s): State<AppState>,
    ui: Ui,
    seller: Seller,
    Path(id): Path<String>,
    _f: Fields,
) -> Response {
    match s.app.redeliver(&seller.session.customer, &id).await {
        Ok(()) => ui.redirect("/portal/integration", Flash::Ok(format!("{} · {id}", ui.t(Msg::Redeliver)))),
        Err(e) => ui.redirect("/portal/integration", ui.refusal(e)),
    }
}
