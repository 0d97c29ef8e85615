//! The response envelope `{code, message, data, requestId}` and list pages.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::context::RequestContext;

/// A successful answer: `code` 0 and the data.
pub struct Envelope<T>(pub T);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a, T: Serialize> {
    code: i64,
    message: &'a str,
    data: T,
    request_id: &'a str,
}

impl<T: Serialize> IntoResponse for Envelope<T> {
    fn into_response(self) -> Response {
        let ctx = RequestContext::current();
        Json(Body { code: 0, message: "OK", data: self.0, request_id: &ctx.request_id }).into_response()
    }
}

pub fn error_body(status: StatusCode, code: i64, message: String, request_id: &str) -> Response {
    let body = Body { code, message: &message, data: serde_json::Value::Null, request_id };
    (status, Json(body)).into_response()
}

/// `data` of every list: one page and the total.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageView<T: ToSchema> {
    pub items: Vec<T>,
    pub page: i64,
    pub page_size: i64,
    pub total: i64,
}

impl<T: ToSchema> PageView<T> {
    pub fn from_page<R>(page: haicang_app::Page<R>, f: impl FnMut(R) -> T) -> PageView<T> {
        PageView {
            items: page.items.into_iter().map(f).collect(),
            page: page.page,
            page_size: page.page_size,
            total: page.total,
        }
    }
}
