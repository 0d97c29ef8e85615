//! Per-app rate limits and IP allowlists.

use crate::harness::start;

#[tokio::test]
async fn an_app_over_its_rate_gets_429_with_retry_after_and_others_do_not() {
    let s = start().await;
    let demo = s.customer().await;
    let other = s.other_customer("LIMITS").await;
    s.app.set_app_policy("demo-app", 5, &[]).await.unwrap();
    for _ in 0..5 {
        s.get("/api/v1/products", &demo).await.ok();
    }
    let response = s.http.get(format!("{}/api/v1/products", s.base)).bearer_auth(&demo).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 429);
    let wait: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=12).contains(&wait), "one request per 12 s at 5/min: {wait}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], 10017);
    s.get("/api/v1/products", &other).await.ok();
}

#[tokio::test]
async fn an_app_with_an_allowlist_is_refused_from_other_addresses() {
    let s = start().await;
    let demo = s.customer().await;
    s.app.set_app_policy("demo-app", 1000, &["10.9.9.9".into()]).await.unwrap();
    let refused = s.get("/api/v1/inventory", &demo).await;
    refused.err(10010, 403);
    assert!(refused.message().contains("127.0.0.1"));
    s.app.set_app_policy("demo-app", 1000, &["10.9.9.9".into(), "127.0.0.1".into()]).await.unwrap();
    s.get("/api/v1/inventory", &demo).await.ok();
    assert!(s.app.set_app_policy("demo-app", 1000, &["not-an-ip".into()]).await.is_err());
}
