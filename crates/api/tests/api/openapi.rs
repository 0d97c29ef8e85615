use reqwest::Method;

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
