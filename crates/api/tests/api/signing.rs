//! Signed requests: a correct one passes; a wrong signature, a stale
//! timestamp, a replayed nonce and a body changed after signing are each
//! refused with their code.

use reqwest::Method;
use serde_json::{Value, json};

use haicang_api::signing::{canonical, sign};
use haicang_app::admin::signing_key;

use crate::harness::{Server, start};

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

struct Signed<'a> {
    method: Method,
    path: &'a str,
    body: Option<String>,
    timestamp: i64,
    nonce: &'a str,
    /// Signs this body instead of the one sent (tampering).
    signed_body: Option<String>,
    key: String,
}

async fn send(s: &Server, token: &str, r: Signed<'_>) -> (u16, Value) {
    let sent = r.body.clone().unwrap_or_default();
    let covered = r.signed_body.clone().unwrap_or(sent.clone());
    let ts = r.timestamp.to_string();
    let signature = sign(&r.key, &canonical(r.method.as_str(), r.path, &ts, r.nonce, covered.as_bytes()));
    let mut request = s
        .http
        .request(r.method, format!("{}{}", s.base, r.path))
        .bearer_auth(token)
        .header("X-Haicang-Timestamp", ts)
        .header("X-Haicang-Nonce", r.nonce)
        .header("X-Haicang-Signature", signature);
    if r.body.is_some() {
        request = request.header("content-type", "application/json").body(sent);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn signed_requests_pass_and_every_kind_of_forgery_is_refused() {
    let s = start().await;
    let token = s.customer().await;
    let key = signing_key("demo-secret");
    let get = |nonce: &'static str, timestamp: i64, key: &str| Signed {
        method: Method::GET,
        path: "/api/v1/inventory?warehouseCode=US-LA01&sku=DEMO-0001",
        body: None,
        timestamp,
        nonce,
        signed_body: None,
        key: key.to_owned(),
    };
    // Optional by default: unsigned passes, but a signature present is checked.
    s.get("/api/v1/inventory", &token).await.ok();
    assert_eq!(send(&s, &token, get("n-0", now_ms(), "wrong-key")).await.1["code"], 10026);
    s.app.set_signing_required("demo-app", true).await.unwrap();
    let unsigned = s.call(Method::GET, "/api/v1/inventory", Some(&token), None, None).await;
    unsigned.err(10026, 401);

    let (status, body) = send(&s, &token, get("n-1", now_ms(), &key)).await;
    assert_eq!((status, body["code"].as_i64()), (200, Some(0)), "{body}");
    assert_eq!(body["data"]["items"][0]["sku"], "DEMO-0001");
    let (status, body) = send(&s, &token, get("n-1", now_ms(), &key)).await;
    assert_eq!((status, body["code"].as_i64()), (409, Some(10027)), "replayed nonce: {body}");
    let (status, body) = send(&s, &token, get("n-2", now_ms() - 6 * 60 * 1000, &key)).await;
    assert_eq!((status, body["code"].as_i64()), (401, Some(10028)), "stale: {body}");
    let (status, body) = send(&s, &token, get("n-3", now_ms(), "wrong-key")).await;
    assert_eq!((status, body["code"].as_i64()), (401, Some(10026)), "wrong key: {body}");

    let product = json!({"sku": "SIGNED-1", "name": "Signed product"}).to_string();
    let post = |nonce: &'static str, signed_body: Option<String>| Signed {
        method: Method::POST,
        path: "/api/v1/products",
        body: Some(product.clone()),
        timestamp: now_ms(),
        nonce,
        signed_body,
        key: key.clone(),
    };
    let tampered = json!({"sku": "SIGNED-1", "name": "Something else"}).to_string();
    let (status, body) = send(&s, &token, post("n-4", Some(tampered))).await;
    assert_eq!((status, body["code"].as_i64()), (401, Some(10026)), "body changed after signing: {body}");
    s.app.set_signing_required("demo-app", false).await.unwrap();
    assert_eq!(s.get("/api/v1/products?sku=SIGNED-1", &token).await.ok()["total"], 0, "nothing was created");
    s.app.set_signing_required("demo-app", true).await.unwrap();
    let (status, body) = send(&s, &token, post("n-5", None)).await;
    assert_eq!((status, body["data"]["sku"].as_str()), (200, Some("SIGNED-1")), "{body}");
}
