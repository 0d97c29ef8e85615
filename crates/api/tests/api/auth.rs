use reqwest::Method;
use serde_json::json;

use haicang_app::auth::TokenLifetimes;

use crate::harness::{Server, start, start_with};

async fn refresh(s: &Server, token: &str) -> crate::harness::Answer {
    s.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({"refreshToken": token}).to_string()), None).await
}

#[tokio::test]
async fn app_credentials_give_a_day_long_token_that_opens_customer_routes() {
    let s = start().await;
    let pair = s.token_pair("demo-app", "demo-secret").await;
    assert_eq!(pair["expiresIn"], 86400);
    assert_eq!(pair["tokenType"], "Bearer");
    let token = pair["accessToken"].as_str().unwrap();
    assert_eq!(token.len(), 64);
    let warehouses = s.get("/api/v1/warehouses", token).await;
    let codes: Vec<&str> =
        warehouses.ok()["items"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"US-LA01") && codes.contains(&"DE-FRA01"), "{codes:?}");
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_its_family() {
    let s = start().await;
    let first = s.token_pair("demo-app", "demo-secret").await;
    let old_refresh = first["refreshToken"].as_str().unwrap();
    let second = refresh(&s, old_refresh).await.ok().clone();
    let new_access = second["accessToken"].as_str().unwrap();
    assert_ne!(new_access, first["accessToken"].as_str().unwrap());
    s.get("/api/v1/warehouses", new_access).await.ok();

    // The rotated token is dead; presenting it again also kills its successor.
    refresh(&s, old_refresh).await.err(10003, 401);
    refresh(&s, second["refreshToken"].as_str().unwrap()).await.err(10003, 401);
    // An access token is not a refresh token.
    refresh(&s, new_access).await.err(10003, 401);
    refresh(&s, "").await.err(10005, 400);
}

#[tokio::test]
async fn wrong_or_missing_credentials_get_their_codes_in_both_languages() {
    let s = start().await;
    let post = |body: serde_json::Value, lang: &'static str| {
        let s = &s;
        async move { s.call(Method::POST, "/api/v1/auth/token", None, Some(body.to_string()), Some(lang)).await }
    };
    let a = post(json!({"appId": "demo-app", "appSecret": "wrong"}), "en_US").await;
    a.err(10008, 401);
    assert_eq!(a.message(), "Invalid client app info");
    let a = post(json!({"appId": "demo-app", "appSecret": "wrong"}), "zh_CN").await;
    a.err(10008, 401);
    assert_eq!(a.message(), "客户端应用信息已失效");
    post(json!({"appId": "nobody", "appSecret": "demo-secret"}), "en").await.err(10008, 401);
    let a = post(json!({"appSecret": "demo-secret"}), "en").await;
    a.err(10006, 400);
    assert_eq!(a.message(), "CLIENT ID required!");
    let a = post(json!({"appId": "demo-app"}), "zh-CN").await;
    a.err(10007, 400);
    assert_eq!(a.message(), "客户端密钥必填");
}

#[tokio::test]
async fn missing_unknown_and_expired_tokens_are_refused() {
    let s = start_with(TokenLifetimes { access_seconds: 1, refresh_seconds: 60 }).await;
    let a = s.call(Method::GET, "/api/v1/warehouses", None, None, Some("zh_CN")).await;
    a.err(10004, 401);
    assert_eq!(a.message(), "访问令牌必填");
    let a = s.get("/api/v1/warehouses", "0000000000000000000000000000000000000000000000000000000000000000").await;
    a.err(10002, 401);
    assert_eq!(a.message(), "Invalid ACCESS TOKEN");

    let token = s.customer().await;
    s.get("/api/v1/warehouses", &token).await.ok();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let a = s.get("/api/v1/warehouses", &token).await;
    a.err(10015, 401);
    assert_eq!(a.message(), "Token has expired");
}

#[tokio::test]
async fn staff_log_in_and_tokens_only_open_their_own_side() {
    let s = start().await;
    let a = s
        .call(
            Method::POST,
            "/api/v1/staff/login",
            None,
            Some(json!({"username": "admin", "password": "nope"}).to_string()),
            None,
        )
        .await;
    a.err(10012, 401);
    let a = s
        .call(
            Method::POST,
            "/api/v1/staff/login",
            None,
            Some(json!({"username": "ghost", "password": "admin"}).to_string()),
            Some("zh_CN"),
        )
        .await;
    a.err(10012, 401);
    assert_eq!(a.message(), "用户名或密码错误");

    let staff = s.staff().await;
    let customer = s.customer().await;
    s.get("/api/v1/ops/locations?pageSize=1", &staff).await.ok();
    let a = s.get("/api/v1/ops/locations", &customer).await;
    a.err(10060, 403);
    s.get("/api/v1/products", &staff).await.err(10060, 403);
    s.get("/api/v1/inventory", &staff).await.err(10060, 403);
    let adjust = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "x", "lines": []});
    s.post("/api/v1/ops/adjustments", &customer, &adjust).await.err(10060, 403);
}
