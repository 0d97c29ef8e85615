//! Per-request context: the request id and the caller's language, set by a
//! middleware for everything that runs inside the request's task.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    /// `zh_CN`, `zh-CN`, `zh`… choose Chinese; everything else English, the
    /// default of the seeds.
    pub fn from_header(value: Option<&str>) -> Lang {
        let first = value.unwrap_or("").split(',').next().unwrap_or("").trim().to_ascii_lowercase();
        if first.starts_with("zh") { Lang::Zh } else { Lang::En }
    }
}

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    pub lang: Lang,
}

tokio::task_local! {
    static CONTEXT: RequestContext;
}

impl RequestContext {
    /// The context of the running request (a fresh one outside a request).
    pub fn current() -> RequestContext {
        CONTEXT
            .try_with(Clone::clone)
            .unwrap_or_else(|_| RequestContext { request_id: new_request_id(), lang: Lang::En })
    }
}

fn new_request_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Runs the request inside its context and echoes the id as `X-Request-Id`.
pub async fn with_context(request: Request, next: Next) -> Response {
    let lang = Lang::from_header(request.headers().get("accept-language").and_then(|v| v.to_str().ok()));
    let ctx = RequestContext { request_id: new_request_id(), lang };
    let id = ctx.request_id.clone();
    let mut response = CONTEXT.scope(ctx, next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_chosen_by_either_spelling() {
        assert_eq!(Lang::from_header(Some("zh_CN")), Lang::Zh);
        assert_eq!(Lang::from_header(Some("zh-CN,zh;q=0.9")), Lang::Zh);
        assert_eq!(Lang::from_header(Some("en_US")), Lang::En);
        assert_eq!(Lang::from_header(None), Lang::En);
    }
}
