//! Who is at the screen and what the page needs to answer them: the staff
//! session (a cookie holding an ordinary staff access token — hashed at
//! rest, expiring, revoked by logout, like any token of the API), the CSRF
//! token every form carries, the flash message of the last action and the
//! chosen language.
//!
//! Cookies are `HttpOnly; SameSite=Strict; Path=/console`, and `Secure`
//! when the request came over TLS. CSRF is a synchronizer token kept in
//! its own cookie and checked, in constant time, against the `_csrf` field
//! of every POST before any handler runs (one place, fail closed); it is
//! replaced at login.

use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, Request};
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use subtle::ConstantTimeEq;

use haicang_api::AppState;
use haicang_api::context::Lang;
use haicang_app::Principal;
use haicang_app::StaffPrincipal;

use crate::i18n::{Msg, choose_lang};

pub const SESSION_COOKIE: &str = "hc_staff";
pub const CSRF_COOKIE: &str = "hc_csrf";
pub const FLASH_COOKIE: &str = "hc_flash";
pub const LANG_COOKIE: &str = "hc_lang";
pub const WAREHOUSE_COOKIE: &str = "hc_wh";
pub const SELLER_COOKIE: &str = "hc_seller";
/// Forms and uploads (a product CSV) up to the API's body limit.
const FORM_BYTES_MAX: usize = haicang_api::BODY_BYTES_MAX;

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// Where a cookie is sent: each session only to its own area; the CSRF
/// token, the flash and the language to both.
fn path_of(name: &str) -> &'static str {
    match name {
        SESSION_COOKIE | WAREHOUSE_COOKIE => "/console",
        SELLER_COOKIE => "/portal",
        _ => "/",
    }
}

/// A `Set-Cookie` value with the web layer's attributes (`max_age` None:
/// a session cookie; Some(0): delete).
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path={}; HttpOnly; SameSite=Strict", path_of(name));
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("hc_invalid=; Path=/console"))
}

fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

/// What the last action said, shown once on the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flash {
    Ok(String),
    Err(String),
}

impl Flash {
    fn encode(&self) -> String {
        let (kind, text) = match self {
            Flash::Ok(t) => ("ok", t),
            Flash::Err(t) => ("err", t),
        };
        form_urlencoded::byte_serialize(format!("{kind}:{text}").as_bytes()).collect()
    }

    fn decode(value: &str) -> Option<Flash> {
        let pair = format!("f={value}");
        let (_, text) = form_urlencoded::parse(pair.as_bytes()).next()?;
        let text: String = text.chars().take(500).collect();
        match text.split_once(':')? {
            ("ok", t) => Some(Flash::Ok(t.to_owned())),
            ("err", t) => Some(Flash::Err(t.to_owned())),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
struct CsrfToken(String);

#[derive(Debug, Clone)]
struct ArrivedFlash(Flash);

/// Every request to the console: POSTs must carry the CSRF token; pages get
/// the token (issued here on first visit) and the pending flash, which is
/// then cleared.
pub async fn guard(request: Request, next: Next) -> Response {
    let secure = request.extensions().get::<haicang_api::tls::OverTls>().is_some();
    let existing = cookie(request.headers(), CSRF_COOKIE).filter(|t| t.len() == 64).map(str::to_owned);
    let flash = cookie(request.headers(), FLASH_COOKIE).and_then(Flash::decode);
    let mut request = request;
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let lang = choose_lang(request.headers());
        let (parts, body) = request.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, FORM_BYTES_MAX).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, Msg::FormTooLarge.text(lang)).into_response();
        };
        let content_type = parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        // Read once, here; the handler gets the same fields.
        let fields = crate::form::Fields::parse(content_type, &bytes);
        let sent = fields.get("_csrf");
        let matches = match &existing {
            Some(expected) => bool::from(expected.as_bytes().ct_eq(sent.as_bytes())),
            None => false,
        };
        if !matches {
            tracing::warn!(path = %parts.uri.path(), "console form without a valid CSRF token");
            return (StatusCode::FORBIDDEN, crate::page::bare(lang, Msg::CsrfRefused)).into_response();
        }
        request = Request::from_parts(parts, Body::from(bytes));
        request.extensions_mut().insert(fields);
    }
    let token = existing.clone().unwrap_or_else(new_token);
    request.extensions_mut().insert(CsrfToken(token.clone()));
    if let Some(f) = &flash {
        request.extensions_mut().insert(ArrivedFlash(f.clone()));
    }
    let is_page = request.method() == Method::GET;
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // Scripts and styles only from here (htmx and console.js, no inline
    // code); no framing; pages never cached (they carry the CSRF token).
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    if !headers.contains_key(axum::http::header::CACHE_CONTROL) {
        headers.insert(axum::http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if existing.is_none()
        && !headers.get_all(SET_COOKIE).iter().any(|v| v.as_bytes().starts_with(CSRF_COOKIE.as_bytes()))
    {
        headers.append(SET_COOKIE, set_cookie(CSRF_COOKIE, &token, None, secure));
    }
    // Shown on this page: gone from the next one (unless this answer sets
    // a new one).
    let sets_flash = headers.get_all(SET_COOKIE).iter().any(|v| v.as_bytes().starts_with(FLASH_COOKIE.as_bytes()));
    if flash.is_some() && is_page && !sets_flash {
        headers.append(SET_COOKIE, set_cookie(FLASH_COOKIE, "", Some(0), secure));
    }
    response
}

/// A signed-in seller user (the portal), with its customer.
pub struct Seller {
    pub session: haicang_app::auth::SellerSession,
    pub token: String,
}

impl FromRequestParts<AppState> for Seller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ui = Ui::of(parts);
        let Some(token) = cookie(&parts.headers, SELLER_COOKIE).map(str::to_owned) else {
            return Err(Redirect::to("/portal/login").into_response());
        };
        match state.app.seller_session(&token).await {
            Ok(mut session) => {
                session.customer.origin = haicang_api::extract::origin(parts);
                Ok(Seller { session, token })
            }
            Err(_) => {
                let mut r = Redirect::to("/portal/login").into_response();
                r.headers_mut().append(SET_COOKIE, set_cookie(SELLER_COOKIE, "", Some(0), ui.secure));
                Err(r)
            }
        }
    }
}

/// What every page needs: language, CSRF token, pending flash, TLS.
#[derive(Debug, Clone)]
pub struct Ui {
    pub lang: Lang,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub secure: bool,
    /// The warehouse chosen on this device (a cookie), if any.
    pub warehouse: Option<String>,
}

impl Ui {
    pub fn of(parts: &Parts) -> Ui {
        Ui {
            lang: choose_lang(&parts.headers),
            csrf: parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default(),
            flash: parts.extensions.get::<ArrivedFlash>().map(|f| f.0.clone()),
            secure: parts.extensions.get::<haicang_api::tls::OverTls>().is_some(),
            warehouse: cookie(&parts.headers, WAREHOUSE_COOKIE).map(str::to_owned),
        }
    }

    pub fn t(&self, msg: Msg) -> &'static str {
        msg.text(self.lang)
    }

    /// 303 to `to`, showing `flash` there.
    pub fn redirect(&self, to: &str, flash: Flash) -> Response {
        let mut r = Redirect::to(to).into_response();
        r.headers_mut().append(SET_COOKIE, set_cookie(FLASH_COOKIE, &flash.encode(), Some(60), self.secure));
        r
    }

    /// A printed document (labels), or back to `back` with the refusal.
    pub fn pdf(&self, printed: Result<Vec<u8>, haicang_app::AppError>, back: &str) -> Response {
        match printed {
            Ok(pdf) => ([(CONTENT_TYPE, "application/pdf")], pdf).into_response(),
            Err(e) => self.redirect(back, self.refusal(e)),
        }
    }

    /// An app refusal as a flash: "[code] message" in the page's language.
    pub fn refusal(&self, e: impl Into<haicang_api::error::ApiError>) -> Flash {
        self.refusal_with_status(e).1
    }

    /// The same, with the HTTP status the API would answer.
    pub fn refusal_with_status(&self, e: impl Into<haicang_api::error::ApiError>) -> (StatusCode, Flash) {
        let d = haicang_api::error::describe(&e.into());
        let text = if self.lang == Lang::Zh { d.zh } else { d.en };
        (d.status, Flash::Err(format!("[{}] {text}", d.code)))
    }
}

/// The catalogue's code, HTTP status and message of an error.
pub fn describe(e: impl Into<haicang_api::error::ApiError>, lang: Lang) -> (i64, String) {
    let d = haicang_api::error::describe(&e.into());
    (d.code, if lang == Lang::Zh { d.zh } else { d.en })
}

impl<S: Send + Sync> FromRequestParts<S> for Ui {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Ui::of(parts))
    }
}

/// A signed-in staff member whose role covers the page
/// (`console::min_role`); the session token is kept for logout.
pub struct Staff {
    pub principal: StaffPrincipal,
    pub token: String,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ui = Ui::of(parts);
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned) else {
            return Err(Redirect::to("/console/login").into_response());
        };
        let principal = match state.app.authenticate(&token).await {
            Ok(Principal::Staff(s)) => StaffPrincipal { origin: haicang_api::extract::origin(parts), ..s },
            // Expired, revoked, disabled or not staff: sign in again.
            Ok(Principal::Customer(_)) | Err(_) => {
                let mut r = Redirect::to("/console/login").into_response();
                r.headers_mut().append(SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), ui.secure));
                return Err(r);
            }
        };
        let path = parts.extensions.get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let Some(required) = crate::console::min_role(parts.method.as_str(), &path) else {
            tracing::error!(method = %parts.method, path, "console route missing from CONSOLE_ROLES");
            return Err((StatusCode::FORBIDDEN, crate::page::bare(ui.lang, Msg::RoleRefused)).into_response());
        };
        if let Err(e) = principal.require(required) {
            let (code, text) = describe(e, ui.lang);
            let body = crate::page::refused(&ui, &principal, &format!("[{code}] {text}"));
            return Err((StatusCode::FORBIDDEN, body).into_response());
        }
        Ok(Staff { principal, token })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flash_survives_its_cookie_in_both_languages() {
        for f in
            [Flash::Ok("Put away · DEMO-0001 × 6 → A-01-01-1".into()), Flash::Err("[40111] 库位不可用; \"x\"".into())]
        {
            let value = f.encode();
            assert!(value.bytes().all(|b| b.is_ascii_graphic() && b != b';' && b != b','), "{value}");
            assert_eq!(Flash::decode(&value), Some(f));
        }
        assert_eq!(Flash::decode("other%3Ax"), None);
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let mut h = axum::http::HeaderMap::new();
        h.insert(COOKIE, "hc_staff_x=1; hc_staff=abc; hc_lang=zh".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, CSRF_COOKIE), None);
        let c = set_cookie(SESSION_COOKIE, "abc", Some(60), true);
        assert_eq!(c.to_str().unwrap(), "hc_staff=abc; Path=/console; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
        assert!(set_cookie(SELLER_COOKIE, "x", None, false).to_str().unwrap().contains("Path=/portal;"));
        assert!(set_cookie(CSRF_COOKIE, "x", None, false).to_str().unwrap().contains("Path=/;"));
    }
}
