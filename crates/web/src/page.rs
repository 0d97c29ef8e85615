//! The page shell and the small pieces every screen uses: flash, scan
//! field, CSRF field, times.

use axum::response::Html;
use maud::{DOCTYPE, Markup, html};

use haicang_api::context::Lang;
use haicang_app::{StaffPrincipal, StaffRole};

use crate::assets::url;
use crate::i18n::{Msg, code};
use crate::session::{Flash, Ui};

/// One entry of the menu: where, its name, the role it needs.
const MENU: &[(&str, Msg, StaffRole)] = &[
    ("/console", Msg::Dashboard, StaffRole::Operator),
    ("/console/inbound", Msg::Inbound, StaffRole::Operator),
    ("/console/waves", Msg::Waves, StaffRole::Operator),
    ("/console/returns", Msg::Returns, StaffRole::Operator),
    ("/console/pack", Msg::Pack, StaffRole::Operator),
    ("/console/ship", Msg::Ship, StaffRole::Operator),
    ("/console/stock", Msg::Stock, StaffRole::Operator),
    ("/console/move", Msg::Move, StaffRole::Operator),
    ("/console/counts", Msg::Counts, StaffRole::Operator),
    ("/console/replenishment", Msg::Replenishment, StaffRole::Operator),
    ("/console/work-orders", Msg::WorkOrders, StaffRole::Operator),
    ("/console/map", Msg::Map, StaffRole::Operator),
    ("/console/adjust", Msg::Adjust, StaffRole::Supervisor),
    ("/console/admin", Msg::Admin, StaffRole::Admin),
];

fn head(lang: Lang, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            // Refusals (4xx) are pages too: swap them in like any answer.
            meta name="htmx-config" content=r#"{"responseHandling":[{"code":"204","swap":false},{"code":".*","swap":true}],"includeIndicatorStyles":false,"historyCacheSize":0}"#;
            title { (title) " · " (Msg::AppName.text(lang)) }
            link rel="stylesheet" href=(url("console.css"));
            script src=(url("htmx.min.js")) defer {}
            script src=(url("console.js")) defer {}
        }
    }
}

/// The language switch: a plain link, kept in a cookie.
fn lang_switch(lang: Lang) -> Markup {
    let (to, label) = match lang {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    html! { a href={ "/lang?to=" (to) } hx-boost="false" lang=(to) { (label) } }
}

/// A full console page for a signed-in staff member.
pub fn shell(ui: &Ui, staff: &StaffPrincipal, current: &str, title: &str, body: Markup) -> Html<String> {
    let menu = MENU.iter().filter(|(_, _, role)| staff.role.covers(*role)).map(|(href, name, _)| (*href, *name));
    let who = format!("{} · {}", staff.username, staff.role.as_str());
    frame(ui, &who, "/console/logout", menu, current, title, body)
}

/// The seller portal's menu.
const PORTAL_MENU: &[(&str, Msg)] = &[
    ("/portal/dashboard", Msg::Dashboard),
    ("/portal/stock", Msg::Stock),
    ("/portal/products", Msg::Products),
    ("/portal/inbound", Msg::InboundOrders),
    ("/portal/outbound", Msg::Orders),
    ("/portal/bills", Msg::Bills),
    ("/portal/users", Msg::Users),
    ("/portal/integration", Msg::Integration),
    ("/api/docs", Msg::ApiReference),
];

/// A full portal page for a signed-in seller user.
pub fn portal_shell(ui: &Ui, who: &str, current: &str, title: &str, body: Markup) -> Html<String> {
    frame(ui, who, "/portal/logout", PORTAL_MENU.iter().copied(), current, title, body)
}

fn frame<'m>(
    ui: &Ui,
    who: &str,
    logout: &str,
    menu: impl Iterator<Item = (&'m str, Msg)>,
    current: &str,
    title: &str,
    body: Markup,
) -> Html<String> {
    let lang = ui.lang;
    Html(
        html! {
            (DOCTYPE)
            html lang=(code(lang)) {
                (head(lang, title))
                body hx-boost="true" {
                    header {
                        span.brand { "海仓 haicang" }
                        span { (who) }
                        (lang_switch(lang))
                        form method="post" action=(logout) {
                            (csrf(ui))
                            button type="submit" { (ui.t(Msg::SignOut)) }
                        }
                    }
                    nav aria-label=(ui.t(Msg::AppName)) {
                        @for (href, name) in menu {
                            a href=(href) aria-current=[(href == current).then_some("page")]
                                hx-boost=[href.starts_with("/api/").then_some("false")] { (name.text(lang)) }
                        }
                    }
                    main {
                        h1 { (title) }
                        (flash(ui))
                        (body)
                    }
                }
            }
        }
        .into_string(),
    )
}

/// A page without menu (sign-in, refusals before sign-in).
pub fn plain(ui: &Ui, title: &str, body: Markup) -> Html<String> {
    let lang = ui.lang;
    Html(
        html! {
            (DOCTYPE)
            html lang=(code(lang)) {
                (head(lang, title))
                body {
                    header { span.brand { "海仓 haicang" } (lang_switch(lang)) }
                    main { h1 { (title) } (flash(ui)) (body) }
                }
            }
        }
        .into_string(),
    )
}

/// A one-line answer where no session or token is at hand.
pub fn bare(lang: Lang, msg: Msg) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang=(code(lang)) {
                (head(lang, msg.text(lang)))
                body { main { p.flash.err role="alert" data-flash="err" { (msg.text(lang)) } p { a href="/console" { (Msg::Back.text(lang)) } } } }
            }
        }
        .into_string(),
    )
}

/// The role or warehouse refusal, inside the shell.
pub fn refused(ui: &Ui, staff: &StaffPrincipal, text: &str) -> Html<String> {
    let ui = Ui { flash: Some(Flash::Err(text.to_owned())), ..ui.clone() };
    shell(&ui, staff, "", ui.t(Msg::RoleRefused), html! { p { a href="/console" { (ui.t(Msg::Back)) } } })
}

pub fn flash(ui: &Ui) -> Markup {
    match &ui.flash {
        None => html! {},
        Some(Flash::Ok(t)) => html! { p.flash.ok role="status" data-flash="ok" { "✔ " (t) } },
        Some(Flash::Err(t)) => html! { p.flash.err role="alert" data-flash="err" { "✖ " (t) } },
    }
}

pub fn csrf(ui: &Ui) -> Markup {
    html! { input type="hidden" name="_csrf" value=(ui.csrf); }
}

/// A form with one scan field: Enter submits (scanners send Enter).
pub fn scan_form(ui: &Ui, action: &str, name: &str, label: &str, hidden: &[(&str, &str)]) -> Markup {
    let id = format!("scan-{name}");
    html! {
        form.card method="post" action=(action) {
            (csrf(ui))
            @for (k, v) in hidden { input type="hidden" name=(k) value=(v); }
            label for=(id) { (label) }
            input.scan id=(id) name=(name) type="text" autocomplete="off" autocapitalize="off" spellcheck="false" autofocus required;
            button type="submit" { (ui.t(Msg::Confirm)) }
        }
    }
}

/// A time in UTC that the script shows in the warehouse's zone.
pub fn time(ms: i64, tz: &str) -> Markup {
    let utc = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    html! { time datetime=(utc.to_rfc3339()) data-tz=(tz) { (utc.format("%Y-%m-%d %H:%M UTC")) } }
}

/// A request the page cannot take (a malformed path or parameter): the
/// catalogue's code and message in the page's language, with its status.
pub fn refused_request(ui: &Ui, e: haicang_app::AppError) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (status, flash) = ui.refusal_with_status(e);
    let ui = Ui { flash: Some(flash), ..ui.clone() };
    let body = html! { p { a href="/console" { (ui.t(Msg::Back)) } } };
    (status, plain(&ui, ui.t(Msg::Back), body)).into_response()
}
