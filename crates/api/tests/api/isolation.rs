//! Customer B, with its own token, sees nothing of customer A (DEMO) on any
//! customer route, and cannot touch A's products.

use serde_json::json;

use crate::harness::{product, start};

#[tokio::test]
async fn another_customer_sees_nothing_of_the_demo_customer() {
    let s = start().await;
    let a = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &a, &json!({"sku": "SN-A", "name": "Serial A", "serialManaged": true})).await.ok();
    let loc = s.storage_location(&staff, 0).await;
    s.adjust(&staff, "DEMO", json!([{"sku": "SN-A", "locationCode": loc, "quantity": 1, "serials": ["A-SERIAL-1"]}]))
        .await;

    // A has products, stock, lots, serials and a log.
    for path in [
        "/api/v1/products",
        "/api/v1/inventory",
        "/api/v1/inventory/lots",
        "/api/v1/inventory/serials",
        "/api/v1/inventory/log",
    ] {
        assert!(s.get(path, &a).await.ok()["total"].as_i64().unwrap() > 0, "{path} is empty for A");
    }
    let b = s.other_customer("BETA").await;
    for path in [
        "/api/v1/products",
        "/api/v1/products?sku=DEMO-0001",
        "/api/v1/inventory",
        "/api/v1/inventory?sku=DEMO-0001&warehouseCode=US-LA01",
        "/api/v1/inventory/lots",
        "/api/v1/inventory/lots?sku=DEMO-0001",
        "/api/v1/inventory/serials",
        "/api/v1/inventory/serials?serial=A-SERIAL-1",
        "/api/v1/inventory/log",
        "/api/v1/inventory/log?sku=DEMO-0001",
    ] {
        let answer = s.get(path, &b).await;
        let data = answer.ok();
        assert_eq!(data["total"], 0, "{path} leaks to B: {data}");
        assert!(data["items"].as_array().unwrap().is_empty());
    }
    s.get("/api/v1/products/DEMO-0001", &b).await.err(20007, 404);
    s.put("/api/v1/products/DEMO-0001", &b, &json!({"name": "hijacked"})).await.err(20007, 404);
    assert_eq!(s.get("/api/v1/products/DEMO-0001", &a).await.ok()["name"], "Phone case v1");

    // SKUs and barcodes are per customer: B may use A's.
    s.post("/api/v1/products", &b, &product()).await.ok();
    s.post("/api/v1/products", &a, &product()).await.ok();
    assert_eq!(s.get("/api/v1/products", &b).await.ok()["total"], 1);
}
