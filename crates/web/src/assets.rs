//! Static files compiled into the binary: no CDN, no build step at run
//! time. Each URL carries a hash of the content, so browsers may keep a
//! file for a year and still never run a stale one after an upgrade.

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/htmx-2.0.11.min.js"),
    },
    Asset {
        name: "console.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/console.js"),
    },
    Asset {
        name: "console.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/console.css"),
    },
    // Swagger UI 5.35.0 (swagger-ui-dist from npm, Apache-2.0:
    // assets/swagger-ui-LICENSE), source-map comments removed.
    Asset {
        name: "swagger-ui-bundle.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/swagger-ui-bundle-5.35.0.js"),
    },
    Asset {
        name: "swagger-ui.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/swagger-ui-5.35.0.css"),
    },
    Asset {
        name: "api-docs.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/api-docs.js"),
    },
];

/// FNV-1a, enough to tell versions of a file apart.
const fn fnv(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

fn tag(asset: &Asset) -> String {
    format!("{:016x}", fnv(asset.bytes))
}

/// The URL of a file by name, with its content hash.
pub fn url(name: &str) -> String {
    match ASSETS.iter().find(|a| a.name == name) {
        Some(a) => format!("/console/static/{}?v={}", a.name, tag(a)),
        None => format!("/console/static/{name}"),
    }
}

pub async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|a| a.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{}\"", tag(asset));
    let cache = [
        (header::CONTENT_TYPE, asset.content_type.to_owned()),
        (header::CACHE_CONTROL, "public, max-age=31536000, immutable".to_owned()),
        (header::ETAG, etag.clone()),
    ];
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (cache, asset.bytes).into_response()
}

/// `GET /api/docs`: Swagger UI (vendored, Apache-2.0, `assets/swagger-ui-*`)
/// over the server's own OpenAPI document. Its scripts and styles come
/// from here; Swagger UI styles elements inline, hence `'unsafe-inline'`
/// for styles only.
pub async fn api_docs() -> Response {
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>haicang API reference</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"stylesheet\" href=\"{css}\"></head><body><div id=\"swagger-ui\"></div>\
         <script src=\"{js}\"></script><script src=\"{init}\"></script></body></html>",
        css = url("swagger-ui.css"),
        js = url("swagger-ui-bundle.js"),
        init = url("api-docs.js"),
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
            ),
        ],
        page,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_change_with_the_content() {
        for name in
            ["console.css", "console.js", "htmx.min.js", "swagger-ui-bundle.js", "swagger-ui.css", "api-docs.js"]
        {
            assert!(url(name).starts_with(&format!("/console/static/{name}?v=")), "{name} is embedded");
        }
        assert_ne!(fnv(b"a"), fnv(b"b"));
        assert!(ASSETS.iter().all(|a| !a.bytes.is_empty()));
    }
}
