use reqwest::Method;
use serde_json::json;

use crate::harness::{product, start};

#[tokio::test]
async fn malformed_json_is_10001_and_writes_nothing() {
    let s = start().await;
    let t = s.customer().await;
    let staff = s.staff().await;
    let products = s.get("/api/v1/products?pageSize=1", &t).await.ok()["total"].clone();
    for body in ["{\"sku\": \"A1\",", "not json", "", "{\"sku\":\"A1\"} trailing"] {
        let a = s.call(Method::POST, "/api/v1/products", Some(&t), Some(body.to_owned()), Some("zh_CN")).await;
        a.err(10001, 400);
        assert!(a.message().contains("请求参数错误"), "{}", a.message());
    }
    let a = s.call(Method::POST, "/api/v1/ops/adjustments", Some(&staff), Some("[1,".into()), None).await;
    a.err(10001, 400);
    assert_eq!(s.get("/api/v1/products?pageSize=1", &t).await.ok()["total"], products);
}

#[tokio::test]
async fn wrong_types_and_unknown_fields_are_10031_naming_the_field() {
    let s = start().await;
    let t = s.customer().await;
    let staff = s.staff().await;
    let a = s.post("/api/v1/products", &t, &json!({"sku": 12345, "name": "n"})).await;
    a.err(10031, 400);
    let a = s.post("/api/v1/products", &t, &json!({"sku": "AB-1", "name": "n", "weightKg": [1]})).await;
    a.err(10031, 400);
    let lines = json!([{"sku": "DEMO-0001", "locationCode": "A-01-01-1", "quantity": "ten"}]);
    let a = s
        .post(
            "/api/v1/ops/adjustments",
            &staff,
            &json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "x", "lines": lines}),
        )
        .await;
    a.err(10031, 400);
    let lines = json!([{"sku": "DEMO-0001", "locationCode": "A-01-01-1", "quantity": 1, "qty": 5}]);
    let a = s
        .post(
            "/api/v1/ops/adjustments",
            &staff,
            &json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "x", "lines": lines}),
        )
        .await;
    a.err(10031, 400);
    assert!(a.message().contains("qty"), "{}", a.message());
    let a = s.post("/api/v1/auth/token", "", &json!({"appId": 1})).await;
    a.err(10031, 400);
    assert_eq!(s.get("/api/v1/inventory/log?sku=DEMO-0001", &t).await.ok()["total"], 1, "only the demo stock");
}

#[tokio::test]
async fn paging_beyond_limits_is_refused() {
    let s = start().await;
    let t = s.customer().await;
    s.get("/api/v1/products?pageSize=201", &t).await.err(10031, 400);
    s.get("/api/v1/products?pageSize=0", &t).await.err(10031, 400);
    s.get("/api/v1/products?page=0", &t).await.err(10031, 400);
    s.get("/api/v1/products?page=abc", &t).await.err(10031, 400);
    let first = s.get("/api/v1/products?pageSize=200&page=1", &t).await;
    let total = first.ok()["total"].as_i64().unwrap();
    assert_eq!(first.ok()["items"].as_array().unwrap().len() as i64, total);
    let last = s.get("/api/v1/products?pageSize=200&page=9", &t).await;
    assert!(last.ok()["items"].as_array().unwrap().is_empty());
    assert_eq!(last.ok()["total"], total);
}

#[tokio::test]
async fn oversized_bodies_unknown_routes_and_methods_get_envelopes_too() {
    let s = start().await;
    let t = s.customer().await;
    let products = s.get("/api/v1/products?pageSize=1", &t).await.ok()["total"].clone();
    let mut huge = product();
    // Just over the limit: the server answers before the client has more to send.
    huge["name"] = json!("x".repeat(haicang_api::BODY_BYTES_MAX));
    let a = s.post("/api/v1/products", &t, &huge).await;
    a.err(10063, 413);
    s.get("/api/v1/nothing-here", &t).await.err(10062, 404);
    let a = s.call(Method::DELETE, "/api/v1/products", Some(&t), None, None).await;
    a.err(10064, 405);
    assert_eq!(s.get("/api/v1/products?pageSize=1", &t).await.ok()["total"], products);
}

#[tokio::test]
async fn extreme_numbers_are_refused_not_overflowed() {
    let s = crate::harness::start().await;
    let staff = s.staff().await;
    let body = serde_json::json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "fuzz",
        "lines": [{"sku": "DEMO-0001", "locationCode": "A-01-01-1", "quantity": i64::MIN}]});
    s.post("/api/v1/ops/adjustments", &staff, &body).await.err(10031, 400);
    let pack = serde_json::json!({"orderNo": "OB1", "items": [], "weightKg": 1e16, "lengthCm": 1, "widthCm": 1, "heightCm": 1});
    s.post("/api/v1/ops/pack", &staff, &pack).await.err(10031, 400);
}

#[tokio::test]
async fn a_path_parameter_that_does_not_parse_answers_the_envelope() {
    let s = crate::harness::start().await;
    let staff = s.staff().await;
    let seller = s.customer().await;
    for (path, token) in [
        ("/api/v1/ops/pick-batches/9223372036854775808", &staff),
        ("/api/v1/ops/pick-batches/abc/pick-list.pdf", &staff),
        ("/api/v1/outbound-orders/%FF%FE", &seller),
    ] {
        let a = s.get(path, token).await;
        a.err(10031, 400);
        assert!(a.body["requestId"].as_str().is_some_and(|id| !id.is_empty()), "{path}: {}", a.body);
    }
}
