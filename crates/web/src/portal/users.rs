//! The customer's portal users; its OWNER adds more (OWNER or STAFF).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

use haicang_api::AppState;

use super::who;
use crate::console::Fields;
use crate::i18n::Msg;
use crate::page::{self, csrf};
use crate::session::{Flash, Seller, Ui};

pub async fn page(State(s): State<AppState>, ui: Ui, seller: Seller) -> Response {
    let users = s.app.portal_users(&seller.session).await.unwrap_or_default();
    let body = html! {
        section.card.scroll {
            table #users { thead { tr { th { (ui.t(Msg::Email)) } th { (ui.t(Msg::Role)) } th { (ui.t(Msg::Status)) } } }
                tbody { @for (email, role, status) in &users { tr { td { (email) } td { (role) } td { (status) } } } } }
        }
        @if seller.session.is_owner() {
            form.card method="post" action="/portal/users" {
                (csrf(&ui))
                h2 { (ui.t(Msg::AddUser)) }
                div.row {
                    div { label for="email" { (ui.t(Msg::Email)) } input #email name="email" type="email" autocomplete="off" required; }
                    div { label for="password" { (ui.t(Msg::Password)) } input #password name="password" type="password" autocomplete="new-password" required; }
                    div { label for="role" { (ui.t(Msg::Role)) } select #role name="role" { option value="STAFF" { "STAFF" } option value="OWNER" { "OWNER" } } }
                }
                button type="submit" { (ui.t(Msg::AddUser)) }
            }
        }
    };
    page::portal_shell(&ui, &who(&seller), "/portal/users", ui.t(Msg::Users), body).into_response()
}

pub async fn add(State(s): State<AppState>, ui: Ui, seller: Seller, fields: Fields) -> Response {
    let email = fields.get("email");
    match s.app.create_portal_user(&seller.session, &email, &fields.get("password"), &fields.get("role")).await {
        Ok(()) => {
            ui.redirect("/portal/users", Flash::Ok(format!("{} · {}", ui.t(Msg::AddUser), email.to_ascii_lowercase())))
        }
        Err(e) => ui.redirect("/portal/users", ui.refusal(e)),
    }
}
