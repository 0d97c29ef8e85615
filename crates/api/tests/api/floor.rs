//! Moves and condition conversions over HTTP: documents, ledger
//! movements, stock per condition, events, and what they refuse.

use serde_json::{Value, json};

use crate::harness::{Server, product, start};
use crate::outbound::order;

/// Total, available and reserved of a SKU in US-LA01 in one condition.
async fn stock(s: &Server, seller: &str, sku: &str, condition: &str) -> (i64, i64, i64) {
    let a = s.get(&format!("/api/v1/inventory?warehouseCode=US-LA01&sku={sku}&condition={condition}"), seller).await;
    let row = a.ok()["items"].as_array().and_then(|items| items.first().cloned()).unwrap_or(Value::Null);
    let n = |k: &str| row[k].as_i64().unwrap_or(0);
    (n("total"), n("available"), n("reserved"))
}

#[tokio::test]
async fn a_move_takes_units_from_one_location_to_another_through_the_ledger() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &seller, &product()).await.ok();
    let (from, to) = (s.storage_location(&staff, 0).await, s.storage_location(&staff, 1).await);
    s.adjust(&staff, "DEMO", json!([{"sku": "BAR-TEST-1", "locationCode": from, "quantity": 10, "lotCode": "L1"}]))
        .await;
    let before = stock(&s, &seller, "BAR-TEST-1", "GOOD").await;
    let body = json!({"warehouseCode": "US-LA01", "reason": "consolidate",
        "lines": [{"sku": "BAR-TEST-1", "fromLocationCode": from, "toLocationCode": to, "quantity": 4}]});
    let moved = s.post("/api/v1/ops/moves", &staff, &body).await;
    let document_no = moved.ok()["documentNo"].as_str().unwrap().to_owned();
    assert!(document_no.starts_with("MV"), "{document_no}");
    // Totals do not change; the log shows from → to with before and after.
    assert_eq!(stock(&s, &seller, "BAR-TEST-1", "GOOD").await, before);
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={document_no}"), &seller).await;
    let entry = log.ok()["items"][0].clone();
    assert_eq!((entry["source"].as_str(), entry["target"].as_str()), (Some(from.as_str()), Some(to.as_str())));
    assert_eq!((entry["quantity"].as_i64(), entry["documentType"].as_str()), (Some(4), Some("MOVE")));
    assert_eq!((entry["sourceBefore"].as_i64(), entry["sourceAfter"].as_i64()), (Some(10), Some(6)));
    assert_eq!((entry["targetBefore"].as_i64(), entry["targetAfter"].as_i64()), (Some(0), Some(4)));
    assert_eq!(entry["lotCode"], "L1");
    // The seller hears of it, with the stock after the move.
    let event = s.event(&seller, "inventory.moved", &document_no).await;
    assert_eq!(event["data"]["lines"][0]["fromLocationCode"], from.as_str());
    assert_eq!(event["data"]["skuList"][0]["total"], before.0);
    // More than is there is refused and writes nothing.
    let too_many = json!({"warehouseCode": "US-LA01",
        "lines": [{"sku": "BAR-TEST-1", "fromLocationCode": from, "toLocationCode": to, "quantity": 7}]});
    s.post("/api/v1/ops/moves", &staff, &too_many).await.err(30002, 409);
    let same = json!({"warehouseCode": "US-LA01",
        "lines": [{"sku": "BAR-TEST-1", "fromLocationCode": from, "toLocationCode": from, "quantity": 1}]});
    s.post("/api/v1/ops/moves", &staff, &same).await.err(10031, 400);
    let nowhere = json!({"warehouseCode": "US-LA01",
        "lines": [{"sku": "BAR-TEST-1", "fromLocationCode": from, "toLocationCode": "Z-99-99-9", "quantity": 1}]});
    s.post("/api/v1/ops/moves", &staff, &nowhere).await.err(30001, 404);
    let unknown = json!({"warehouseCode": "US-LA01",
        "lines": [{"sku": "NO-SUCH-SKU", "fromLocationCode": from, "toLocationCode": to, "quantity": 1}]});
    s.post("/api/v1/ops/moves", &staff, &unknown).await.err(30002, 409);
    let log = s.get("/api/v1/inventory/log?sku=BAR-TEST-1&pageSize=1", &seller).await;
    assert_eq!(log.ok()["total"], 2, "only the adjustment and the move");
}

#[tokio::test]
async fn units_an_open_pick_holds_cannot_be_moved_away() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &seller, &product()).await.ok();
    let (from, to) = (s.storage_location(&staff, 0).await, s.storage_location(&staff, 1).await);
    s.adjust(&staff, "DEMO", json!([{"sku": "BAR-TEST-1", "locationCode": from, "quantity": 5}])).await;
    let held = order("MOVE-HOLD", json!([{"sku": "BAR-TEST-1", "quantity": 3}]));
    let order_no = s.post("/api/v1/outbound-orders", &seller, &held).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post("/api/v1/ops/waves", &staff, &json!({"warehouseCode": "US-LA01", "orderNos": [order_no]})).await.ok();
    let all = json!({"warehouseCode": "US-LA01",
        "lines": [{"sku": "BAR-TEST-1", "fromLocationCode": from, "toLocationCode": to, "quantity": 5}]});
    let refused = s.post("/api/v1/ops/moves", &staff, &all).await;
    refused.err(30002, 409);
    assert!(refused.message().contains("available 2"), "{}", refused.message());
    let free = json!({"warehouseCode": "US-LA01",
        "lines": [{"sku": "BAR-TEST-1", "fromLocationCode": from, "toLocationCode": to, "quantity": 2}]});
    s.post("/api/v1/ops/moves", &staff, &free).await.ok();
}

#[tokio::test]
async fn a_conversion_changes_the_condition_where_the_units_lie() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &seller, &product()).await.ok();
    let at = s.storage_location(&staff, 0).await;
    s.adjust(&staff, "DEMO", json!([{"sku": "BAR-TEST-1", "locationCode": at, "quantity": 6}])).await;
    let body = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "regraded",
        "lines": [{"sku": "BAR-TEST-1", "locationCode": at, "fromCondition": "GOOD", "toCondition": "REFURBISHED",
                   "quantity": 1}]});
    // A decision: an operator may not.
    s.app.create_staff("op-cv", "op", "Umlagerung-Nacht-7", "OPERATOR", &[]).await.unwrap();
    let op = s.login("op-cv", "Umlagerung-Nacht-7").await;
    s.post("/api/v1/ops/conversions", &op, &body).await.err(10068, 403);
    let done = s.post("/api/v1/ops/conversions", &staff, &body).await;
    let document_no = done.ok()["documentNo"].as_str().unwrap().to_owned();
    assert!(document_no.starts_with("CV"), "{document_no}");
    assert_eq!(stock(&s, &seller, "BAR-TEST-1", "GOOD").await, (5, 5, 0));
    assert_eq!(stock(&s, &seller, "BAR-TEST-1", "REFURBISHED").await, (1, 1, 0));
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={document_no}"), &seller).await;
    let entries = log.ok()["items"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().any(|e| e["target"] == "@CONVERSION" && e["condition"] == "GOOD"));
    assert!(entries.iter().any(|e| e["source"] == "@CONVERSION" && e["condition"] == "REFURBISHED"));
    let event = s.event(&seller, "inventory.converted", &document_no).await;
    assert_eq!(event["data"]["skuList"][0]["nonGood"], 1);
    assert_eq!(event["data"]["lines"][0]["toCondition"], "REFURBISHED");
    // To itself, more than there is, an unknown condition: refused.
    let mut same = body.clone();
    same["lines"][0]["toCondition"] = json!("GOOD");
    s.post("/api/v1/ops/conversions", &staff, &same).await.err(10031, 400);
    let mut many = body.clone();
    many["lines"][0]["quantity"] = json!(6);
    s.post("/api/v1/ops/conversions", &staff, &many).await.err(30002, 409);
    let mut odd = body.clone();
    odd["lines"][0]["toCondition"] = json!("SHINY");
    s.post("/api/v1/ops/conversions", &staff, &odd).await.err(10031, 400);
    assert_eq!(stock(&s, &seller, "BAR-TEST-1", "GOOD").await, (5, 5, 0), "refusals wrote nothing");
    // The trail has the decision.
    let trail = s.get("/api/v1/ops/audit?action=inventory.convert", &staff).await;
    assert_eq!(trail.ok()["items"][0]["target"], document_no.as_str());
}

#[tokio::test]
async fn adjustments_and_orders_report_the_stock_after_them_as_jf_does() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &seller, &product()).await.ok();
    let at = s.storage_location(&staff, 0).await;
    let adjusted = s.adjust(&staff, "DEMO", json!([{"sku": "BAR-TEST-1", "locationCode": at, "quantity": 7}])).await;
    let event = s.event(&seller, "inventory.adjusted", &adjusted).await;
    assert_eq!(
        event["data"]["stock"],
        json!([{"sku": "BAR-TEST-1", "total": 7, "locked": 0, "available": 7, "nonGood": 0}])
    );
    let three = order("STOCK-1", json!([{"sku": "BAR-TEST-1", "quantity": 3}]));
    let order_no =
        s.post("/api/v1/outbound-orders", &seller, &three).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let event = s.event(&seller, "order.created", &order_no).await;
    assert_eq!(event["data"]["stock"][0]["locked"], 3);
    assert_eq!(event["data"]["stock"][0]["available"], 4);
    s.call(reqwest::Method::POST, &format!("/api/v1/outbound-orders/{order_no}/cancel"), Some(&seller), None, None)
        .await
        .ok();
    let event = s.event(&seller, "order.cancelled", &order_no).await;
    assert_eq!(event["data"]["stock"][0]["available"], 7);
}

#[tokio::test]
async fn a_pick_face_below_its_minimum_is_topped_up_from_reserve_oldest_lots_first() {
    let s = start().await;
    let staff = s.staff().await;
    // DEMO-0001's demo stock: 20 units on the pick face C-02-02-1. Reserve:
    // two lots in storage, the older one smaller.
    let (reserve_old, reserve_new) = (s.storage_location(&staff, 5).await, s.storage_location(&staff, 6).await);
    s.adjust(
        &staff,
        "DEMO",
        json!([{"sku": "DEMO-0001", "locationCode": reserve_old, "quantity": 8, "lotCode": "R-OLD"}]),
    )
    .await;
    s.adjust(
        &staff,
        "DEMO",
        json!([{"sku": "DEMO-0001", "locationCode": reserve_new, "quantity": 30, "lotCode": "R-NEW"}]),
    )
    .await;
    let rules = json!({"warehouseCode": "US-LA01",
        "rules": [{"locationCode": "C-02-02-1", "sku": "DEMO-0001", "customerCode": "DEMO", "min": 25, "max": 40}]});
    let picker = s.login("picker", "picker").await;
    s.put("/api/v1/ops/replenishment/rules", &picker, &rules).await.err(10068, 403);
    let set = s.put("/api/v1/ops/replenishment/rules", &staff, &rules).await;
    assert_eq!(set.ok()[0]["onFace"], 20);
    let plan = s.post("/api/v1/ops/replenishment/plan", &picker, &json!({"warehouseCode": "US-LA01"})).await;
    let proposals = plan.ok().as_array().unwrap().clone();
    // 20 wanted: all 8 of the older lot first, then 12 of the newer.
    let taken: Vec<(String, i64)> =
        proposals.iter().map(|p| (p["lotNo"].as_str().unwrap().to_owned(), p["quantity"].as_i64().unwrap())).collect();
    assert_eq!(taken, vec![("R-OLD".to_owned(), 8), ("R-NEW".to_owned(), 12)]);
    assert!(proposals.iter().all(|p| p["toLocationCode"] == "C-02-02-1"));
    let done = s.post("/api/v1/ops/replenishment/confirm", &picker, &json!({"warehouseCode": "US-LA01"})).await;
    assert!(done.ok()["documentNo"].as_str().unwrap().starts_with("MV"));
    let after = s.get("/api/v1/ops/replenishment/rules?warehouseCode=US-LA01", &picker).await;
    assert_eq!(after.ok()[0]["onFace"], 40);
    // At its maximum, nothing more to do.
    let again = s.post("/api/v1/ops/replenishment/confirm", &picker, &json!({"warehouseCode": "US-LA01"})).await;
    assert!(again.ok().is_null());
    // A rule for a storage location, or min ≥ max: refused.
    let storage = json!({"warehouseCode": "US-LA01",
        "rules": [{"locationCode": reserve_old, "sku": "DEMO-0001", "customerCode": "DEMO", "min": 1, "max": 5}]});
    s.put("/api/v1/ops/replenishment/rules", &staff, &storage).await.err(40111, 400);
    let upside_down = json!({"warehouseCode": "US-LA01",
        "rules": [{"locationCode": "C-02-02-1", "sku": "DEMO-0001", "customerCode": "DEMO", "min": 5, "max": 5}]});
    s.put("/api/v1/ops/replenishment/rules", &staff, &upside_down).await.err(10031, 400);
}
