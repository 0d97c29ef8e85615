use serde_json::{Value, json};

use crate::harness::{product, start};

#[tokio::test]
async fn a_product_is_created_read_listed_and_updated() {
    let s = start().await;
    let t = s.customer().await;
    let demo = s.get("/api/v1/products?pageSize=1", &t).await.ok()["total"].as_i64().unwrap();
    let created = s.post("/api/v1/products", &t, &product()).await;
    let p = created.ok();
    assert_eq!(p["sku"], "BAR-TEST-1");
    assert_eq!(p["weightKg"], 0.8);
    assert_eq!(p["lengthCm"], 20.0);
    assert_eq!(p["declaration"]["value"], "5.00");
    assert_eq!(p["declaration"]["nameZh"], "手机壳");
    assert_eq!(p["type"], "SINGLE");
    assert_eq!(p["status"], "ACTIVE");

    let got = s.get("/api/v1/products/BAR-TEST-1", &t).await;
    assert_eq!(got.ok()["barcode"], "BAR0000001");

    // Filters: exact sku, barcode, a name fragment, status; paging.
    for query in ["sku=BAR-TEST-1", "barcode=BAR0000001", "name=test%20prod", "status=ACTIVE&name=Bar"] {
        let a = s.get(&format!("/api/v1/products?{query}"), &t).await;
        let data = a.ok();
        assert_eq!(data["total"], 1, "{query}: {data}");
        assert_eq!(data["items"][0]["sku"], "BAR-TEST-1");
    }
    let all = s.get("/api/v1/products?pageSize=20&page=3", &t).await;
    let data = all.ok();
    assert_eq!(data["total"], demo + 1, "the demo products and ours");
    assert_eq!(data["page"], 3);
    assert_eq!(data["pageSize"], 20);
    assert_eq!(data["items"].as_array().unwrap().len() as i64, (demo + 1 - 40).min(20), "page 3 of 20");
    assert_eq!(s.get("/api/v1/products?status=INACTIVE", &t).await.ok()["total"], 0);

    let mut changed = product();
    changed["name"] = json!("Renamed product");
    changed["weightKg"] = json!("1.25");
    changed["status"] = json!("INACTIVE");
    changed["fragile"] = json!(true);
    let updated = s.put("/api/v1/products/BAR-TEST-1", &t, &changed).await;
    let u = updated.ok();
    assert_eq!(u["name"], "Renamed product");
    assert_eq!(u["weightKg"], 1.25);
    assert_eq!(u["fragile"], true);
    assert_eq!(s.get("/api/v1/products?status=INACTIVE", &t).await.ok()["items"][0]["sku"], "BAR-TEST-1");

    let mut other_sku = product();
    other_sku["sku"] = json!("OTHER-SKU");
    s.put("/api/v1/products/BAR-TEST-1", &t, &other_sku).await.err(10031, 400);
    let mut unknown = product();
    unknown["sku"] = Value::Null;
    s.put("/api/v1/products/NOPE-1", &t, &unknown).await.err(20007, 404);
}

#[tokio::test]
async fn suites_name_their_components_and_boxes_their_units() {
    let s = start().await;
    let t = s.customer().await;
    let suite = json!({"sku": "KIT-1", "name": "Starter kit", "type": "SUITE",
        "components": [{"sku": "DEMO-0001", "quantity": 2}, {"sku": "DEMO-0002", "quantity": 1}]});
    let p = s.post("/api/v1/products", &t, &suite).await;
    let components = p.ok()["components"].as_array().unwrap().clone();
    assert_eq!(
        components,
        vec![json!({"sku": "DEMO-0001", "quantity": 2}), json!({"sku": "DEMO-0002", "quantity": 1})]
    );
    let listed = s.get("/api/v1/products?sku=KIT-1", &t).await;
    assert_eq!(listed.ok()["items"][0]["components"].as_array().unwrap().len(), 2);

    let missing =
        json!({"sku": "KIT-2", "name": "Kit", "type": "SUITE", "components": [{"sku": "NOT-THERE", "quantity": 1}]});
    let a = s.post("/api/v1/products", &t, &missing).await;
    a.err(20007, 404);
    assert!(a.message().contains("NOT-THERE"));

    let case = json!({"sku": "CASE-12", "name": "Case of 12", "type": "BOX", "unitsPerBox": 12});
    assert_eq!(s.post("/api/v1/products", &t, &case).await.ok()["unitsPerBox"], 12);
    let no_units = json!({"sku": "CASE-0", "name": "Case", "type": "BOX"});
    s.post("/api/v1/products", &t, &no_units).await.err(10031, 400);
}

#[tokio::test]
async fn a_batch_answers_per_item_and_keeps_the_good_ones() {
    let s = start().await;
    let t = s.customer().await;
    let mut items: Vec<Value> =
        (0..5).map(|i| json!({"sku": format!("BATCH-{i}"), "name": format!("Batch {i}")})).collect();
    items[1]["sku"] = json!("x");
    items[3] = json!({"sku": "BATCH-0", "name": "duplicate of the first"});
    items.push(json!({"sku": "BATCH-9", "name": "typo", "wieghtKg": 1}));
    let a = s.post("/api/v1/products", &t, &Value::Array(items)).await;
    let data = a.ok();
    assert_eq!(data["succeeded"], 3);
    assert_eq!(data["failed"], 3);
    let codes: Vec<i64> = data["items"].as_array().unwrap().iter().map(|i| i["code"].as_i64().unwrap()).collect();
    assert_eq!(codes, vec![0, 20010, 0, 20003, 0, 10031]);
    assert_eq!(data["items"][0]["product"]["sku"], "BATCH-0");
    assert_eq!(s.get("/api/v1/products?name=Batch", &t).await.ok()["total"], 3);
    s.get("/api/v1/products/BATCH-9", &t).await.err(20007, 404);
}

#[tokio::test]
async fn a_batch_of_three_hundred_is_accepted_and_one_more_refused_whole() {
    let s = start().await;
    let t = s.customer().await;
    let items: Vec<Value> = (0..300).map(|i| json!({"sku": format!("BULK-{i:03}"), "name": "Bulk"})).collect();
    assert_eq!(s.post("/api/v1/products", &t, &Value::Array(items)).await.ok()["succeeded"], 300);
    let items: Vec<Value> = (0..301).map(|i| json!({"sku": format!("MORE-{i:03}"), "name": "More"})).collect();
    let a = s.post("/api/v1/products", &t, &Value::Array(items)).await;
    a.err(20012, 400);
    assert_eq!(s.get("/api/v1/products?name=More", &t).await.ok()["total"], 0);
}
