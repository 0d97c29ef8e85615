//! Sign-in, sign-out and the language switch.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use haicang_api::AppState;

use super::Fields;
use crate::i18n::Msg;
use crate::page;
use crate::session::{CSRF_COOKIE, Flash, LANG_COOKIE, SESSION_COOKIE, Staff, Ui, set_cookie};

pub async fn form(ui: Ui) -> Response {
    login_page(&ui, "").into_response()
}

fn login_page(ui: &Ui, username: &str) -> axum::response::Html<String> {
    page::plain(
        ui,
        ui.t(Msg::SignInTitle),
        html! {
            form.card method="post" action="/console/login" {
                (page::csrf(ui))
                label for="username" { (ui.t(Msg::Username)) }
                input #username name="username" type="text" autocomplete="username" value=(username) autofocus required;
                label for="password" { (ui.t(Msg::Password)) }
                input #password name="password" type="password" autocomplete="current-password" required;
                button type="submit" { (ui.t(Msg::SignIn)) }
            }
        },
    )
}

/// Signs in through the same use case as `POST /staff/login` (throttled,
/// audited) and keeps the access token in the session cookie.
pub async fn submit(State(s): State<AppState>, ui: Ui, parts: Parts, fields: Fields) -> Response {
    let username = fields.get("username");
    let origin = haicang_api::extract::origin(&parts);
    match s.app.staff_login(&username, &fields.get("password"), &origin).await {
        Ok(pair) => {
            let mut r = Redirect::to("/console").into_response();
            let h = r.headers_mut();
            h.append(SET_COOKIE, set_cookie(SESSION_COOKIE, &pair.access_token, Some(pair.expires_in), ui.secure));
            // A new CSRF token with the new session.
            let token = hex::encode(rand::random::<[u8; 32]>());
            h.append(SET_COOKIE, set_cookie(CSRF_COOKIE, &token, None, ui.secure));
            r
        }
        Err(e) => {
            let (status, flash) = ui.refusal_with_status(e);
            let ui = Ui { flash: Some(flash), ..ui };
            (status, login_page(&ui, &username)).into_response()
        }
    }
}

/// Revokes the session's token family (as `POST /auth/logout`).
pub async fn logout(State(s): State<AppState>, ui: Ui, staff: Staff) -> Response {
    if let Err(e) = s.app.logout(&staff.token, &staff.principal.origin).await {
        tracing::warn!(error = %e, "console logout");
    }
    let mut r = ui.redirect("/console/login", Flash::Ok(ui.t(Msg::SignOut).to_owned()));
    r.headers_mut().append(SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), ui.secure));
    r
}

/// `GET /lang?to=zh|en`: kept for a year on this device (console and
/// portal alike).
pub async fn lang(ui: Ui, parts: Parts) -> Response {
    let to = parts.uri.query().and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "to"));
    let Some(to) = to.map(|(_, v)| v.into_owned()).filter(|v| v == "zh" || v == "en") else {
        let e = haicang_app::AppError::InvalidParam { field: "to", reason: "zh or en".into() };
        return page::refused_request(&ui, e);
    };
    // Back to the page the switch was on (a path of this site only).
    let back = parts
        .headers
        .get("referer")
        .and_then(|v| v.to_str().ok())
        .and_then(|r| ["/console", "/portal"].iter().find_map(|area| r.find(area).map(|i| r[i..].to_owned())))
        .filter(|p| !p.starts_with("//"))
        .unwrap_or_else(|| "/console".to_owned());
    let mut r = Redirect::to(&back).into_response();
    r.headers_mut().append(SET_COOKIE, set_cookie(LANG_COOKIE, &to, Some(366 * 86_400), ui.secure));
    r
}
