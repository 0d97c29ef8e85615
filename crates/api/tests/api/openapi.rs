use reqwest::Method;
use serde_json::json;

use crate::harness::start;

#[tokio::test]
async fn the_openapi_document_lists_every_route_of_the_api() {
    let s = start().await;
    let a = s.call(Method::GET, "/api/v1/openapi.json", None, None, None).await;
    let doc = a.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let expected = [
        ("post", "/api/v1/auth/token"),
        ("post", "/api/v1/auth/refresh"),
        ("post", "/api/v1/staff/login"),
        ("get", "/api/v1/warehouses"),
        ("get", "/api/v1/warehouses/{code}/shipping-services"),
        ("post", "/api/v1/products"),
        ("get", "/api/v1/products"),
        ("get", "/api/v1/products/{sku}"),
        ("put", "/api/v1/products/{sku}"),
        ("get", "/api/v1/inventory"),
        ("get", "/api/v1/inventory/lots"),
        ("get", "/api/v1/inventory/serials"),
        ("get", "/api/v1/inventory/log"),
        ("get", "/api/v1/ops/locations"),
        ("post", "/api/v1/ops/adjustments"),
    ];
    for (method, path) in expected {
        assert!(doc["paths"][path][method].is_object(), "{method} {path} is missing from the OpenAPI document");
    }
    let schemas = &doc["components"]["schemas"];
    for name in ["ProductInput", "ProductView", "InventoryView", "MovementView", "AdjustmentInput", "TokenView"] {
        assert!(schemas[name].is_object(), "schema {name} is missing");
    }
    assert!(doc["components"]["securitySchemes"]["sellerToken"].is_object());
    assert!(doc["components"]["securitySchemes"]["staffToken"].is_object());
}

/// A product's PUT names the SKU in its path: the document lets its body
/// leave `sku` out (as the server does), while a create must carry it.
#[tokio::test]
async fn a_product_update_may_leave_the_sku_out_and_the_document_says_so() {
    let s = start().await;
    let doc = s.call(Method::GET, "/api/v1/openapi.json", None, None, None).await.body;
    let put = &doc["paths"]["/api/v1/products/{sku}"]["put"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(put["$ref"], "#/components/schemas/ProductUpdate");
    let schemas = &doc["components"]["schemas"];
    let required = |name: &str| schemas[name]["required"].as_array().cloned().unwrap_or_default();
    assert!(required("ProductInput").contains(&json!("sku")));
    assert!(!required("ProductUpdate").contains(&json!("sku")));
    assert!(required("ProductUpdate").contains(&json!("name")));
    assert_eq!(schemas["ProductUpdate"]["additionalProperties"], json!(false));

    let t = s.customer().await;
    s.post("/api/v1/products", &t, &crate::harness::product()).await.ok();
    let renamed = s.put("/api/v1/products/BAR-TEST-1", &t, &json!({"name": "Renamed mug"})).await;
    assert_eq!(renamed.ok()["name"], "Renamed mug");
    assert_eq!(renamed.ok()["sku"], "BAR-TEST-1");
    let other = s.put("/api/v1/products/BAR-TEST-1", &t, &json!({"sku": "OTHER-SKU", "name": "x"})).await;
    other.err(10031, 400);
    assert_eq!(s.get("/api/v1/products/BAR-TEST-1", &t).await.ok()["name"], "Renamed mug");
}
