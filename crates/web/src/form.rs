//! A posted form, read once: the session guard parses the body (it needs
//! the CSRF field) and hands the fields to the handler through the
//! request's extensions.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

/// A posted form's fields, in order (repeated names allowed: one value
/// per line of a table), and the bytes of every multipart part (an
/// uploaded file need not be text).
#[derive(Debug, Clone, Default)]
pub struct Fields {
    fields: Vec<(String, String)>,
    parts: Vec<(String, Vec<u8>)>,
}

impl Fields {
    /// Urlencoded, JSON or multipart (`haicang_api::form`); a body that
    /// is none of them has no fields (every required one is then missing).
    pub fn parse(content_type: &str, body: &[u8]) -> Fields {
        if content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
            let parts = haicang_api::form::binary_parts(content_type, body).unwrap_or_default();
            let fields = parts
                .iter()
                .filter_map(|(k, v)| std::str::from_utf8(v).ok().map(|t| (k.clone(), t.to_owned())))
                .collect();
            return Fields { fields, parts };
        }
        Fields { fields: haicang_api::form::fields(content_type, body).unwrap_or_default(), parts: Vec::new() }
    }

    pub fn get(&self, name: &str) -> String {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).collect()
    }

    /// The raw bytes of a multipart part (a file), if sent.
    pub fn bytes(&self, name: &str) -> Option<&[u8]> {
        self.parts.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_slice())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Fields {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.remove::<Fields>().unwrap_or_default())
    }
}

/// A document number in the path (a cart, a count task). Anything else is
/// the catalogue's 10031 in the page's language, never a bare 400.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let raw = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match raw.0.trim().parse::<i64>() {
            Ok(id) if id > 0 => Ok(Id(id)),
            _ => {
                let ui = crate::session::Ui::of(parts);
                let e = haicang_app::AppError::InvalidParam { field: "id", reason: "a positive whole number".into() };
                let (status, flash) = ui.refusal_with_status(e);
                let ui = crate::session::Ui { flash: Some(flash), ..ui };
                Err((
                    status,
                    crate::page::plain(
                        &ui,
                        ui.t(crate::i18n::Msg::Back),
                        maud::html! { p { a href="/console" { (ui.t(crate::i18n::Msg::Back)) } } },
                    ),
                )
                    .into_response())
            }
        }
    }
}
