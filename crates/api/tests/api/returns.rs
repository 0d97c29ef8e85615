//! Returns over HTTP: announced and unannounced parcels, arrival by scan,
//! grading into stock by condition, completion with its event, and what
//! is refused on the way.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Server, start};

async fn stock(s: &Server, seller: &str, sku: &str, condition: &str) -> i64 {
    let a = s.get(&format!("/api/v1/inventory?warehouseCode=US-LA01&sku={sku}&condition={condition}"), seller).await;
    a.ok()["items"].as_array().and_then(|i| i.first().cloned()).map_or(0, |r| r["total"].as_i64().unwrap_or(0))
}

/// (total, available) of DEMO-0001 in a condition.
async fn available(s: &Server, seller: &str, condition: &str) -> (i64, i64) {
    let path = format!("/api/v1/inventory?warehouseCode=US-LA01&sku=DEMO-0001&condition={condition}");
    let a = s.get(&path, seller).await;
    let row = a.ok()["items"].as_array().and_then(|i| i.first().cloned()).unwrap_or(json!({}));
    (row["total"].as_i64().unwrap_or(0), row["available"].as_i64().unwrap_or(0))
}

fn announcement(reference: &str, quantity: i64) -> Value {
    json!({"warehouseCode": "US-LA01", "customerReference": reference, "trackingNo": format!("TRK-{reference}"),
           "reason": "wrong size", "items": [{"sku": "DEMO-0001", "quantity": quantity}]})
}

async fn post_empty(s: &Server, path: &str, token: &str) -> crate::harness::Answer {
    s.call(Method::POST, path, Some(token), None, None).await
}

#[tokio::test]
async fn an_announced_return_arrives_is_graded_and_completes_into_stock_by_condition() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let (good, defective) =
        (stock(&s, &seller, "DEMO-0001", "GOOD").await, stock(&s, &seller, "DEMO-0001", "DEFECTIVE").await);
    let created = s.post("/api/v1/return-orders", &seller, &announcement("RMA-1", 3)).await;
    let no = created.ok()["orderNo"].as_str().unwrap().to_owned();
    assert!(no.starts_with("RT"), "{no}");
    assert_eq!(created.ok()["status"], "ANNOUNCED");
    // The same request again is the same order; other contents conflict.
    let again = s.post("/api/v1/return-orders", &seller, &announcement("RMA-1", 3)).await;
    assert_eq!((again.ok()["orderNo"].as_str(), again.ok()["created"].as_bool()), (Some(no.as_str()), Some(false)));
    s.post("/api/v1/return-orders", &seller, &announcement("RMA-1", 4)).await.err(40040, 409);
    // Grading before arrival is refused; arrival by the parcel's tracking number.
    let grade_path = format!("/api/v1/ops/return-orders/{no}/grade");
    let lines = json!({"lines": [
        {"sku": "DEMO-0001", "quantity": 2, "condition": "GOOD", "disposition": "RESTOCK"},
        {"sku": "DEMO-0001", "quantity": 1, "condition": "DEFECTIVE", "disposition": "QUARANTINE", "note": "cracked"}]});
    s.post(&grade_path, &staff, &lines).await.err(40041, 409);
    let arrived = post_empty(&s, "/api/v1/ops/return-orders/TRK-RMA-1/arrive", &staff).await;
    assert_eq!(arrived.ok()["status"], "ARRIVED");
    assert_eq!(arrived.ok()["orderNo"], no.as_str());
    // The seller may no longer cancel it.
    post_empty(&s, &format!("/api/v1/return-orders/{no}/cancel"), &seller).await.err(40026, 409);
    // More than arrived, an unknown SKU: refused, nothing written.
    let four = json!({"lines": [{"sku": "DEMO-0001", "quantity": 4, "condition": "GOOD", "disposition": "RESTOCK"}]});
    s.post(&grade_path, &staff, &four).await.err(40042, 409);
    let unknown =
        json!({"lines": [{"sku": "NO-SUCH-SKU", "quantity": 1, "condition": "GOOD", "disposition": "RESTOCK"}]});
    s.post(&grade_path, &staff, &unknown).await.err(20007, 404);
    s.post(&grade_path, &staff, &lines).await.ok();
    // Graded units are stock at the returns bench, by condition.
    assert_eq!(stock(&s, &seller, "DEMO-0001", "GOOD").await, good + 2);
    assert_eq!(stock(&s, &seller, "DEMO-0001", "DEFECTIVE").await, defective + 1);
    let one_more =
        json!({"lines": [{"sku": "DEMO-0001", "quantity": 1, "condition": "GOOD", "disposition": "RESTOCK"}]});
    s.post(&grade_path, &staff, &one_more).await.err(40042, 409);
    let done = post_empty(&s, &format!("/api/v1/ops/return-orders/{no}/complete"), &staff).await;
    assert_eq!(done.ok()["status"], "COMPLETED");
    post_empty(&s, &format!("/api/v1/ops/return-orders/{no}/complete"), &staff).await.err(40041, 409);
    assert_eq!(stock(&s, &seller, "DEMO-0001", "GOOD").await, good + 2);
    assert_eq!(stock(&s, &seller, "DEMO-0001", "DEFECTIVE").await, defective + 1);
    // Every unit is traceable: in from @CUSTOMER_RETURNED, the defective
    // one on to quarantine.
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={no}"), &seller).await;
    let entries = log.ok()["items"].as_array().unwrap().clone();
    assert_eq!(entries.iter().filter(|e| e["source"] == "@CUSTOMER_RETURNED").count(), 2);
    assert!(entries.iter().any(|e| e["target"] == "QC-01" && e["condition"] == "DEFECTIVE"), "{entries:?}");
    // The event carries JF's return data.
    let event = s.event(&seller, "return.completed", &no).await;
    assert_eq!(event["data"]["erpNo"], "RMA-1");
    assert_eq!(event["data"]["skuList"][0], json!({"sku": "DEMO-0001", "num": 2, "badNum": 1}));
    let detail = s.get(&format!("/api/v1/return-orders/{no}"), &seller).await;
    assert_eq!(detail.ok()["grades"].as_array().unwrap().len(), 2);
    assert_eq!(detail.ok()["discrepancies"], json!([]));
}

#[tokio::test]
async fn a_parcel_nobody_announced_is_registered_graded_and_disposed() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let before = stock(&s, &seller, "DEMO-0002", "RECYCLE").await;
    let body = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "trackingNo": "LOOSE-1"});
    let registered = s.post("/api/v1/ops/return-orders", &staff, &body).await;
    assert_eq!(registered.ok()["status"], "ARRIVED");
    assert_eq!(registered.ok()["announced"], false);
    let no = registered.ok()["orderNo"].as_str().unwrap().to_owned();
    let lines =
        json!({"lines": [{"sku": "DEMO-0002", "quantity": 2, "condition": "RECYCLE", "disposition": "DISPOSE"}]});
    s.post(&format!("/api/v1/ops/return-orders/{no}/grade"), &staff, &lines).await.ok();
    assert_eq!(stock(&s, &seller, "DEMO-0002", "RECYCLE").await, before + 2);
    post_empty(&s, &format!("/api/v1/ops/return-orders/{no}/complete"), &staff).await.ok();
    // Disposed units left for @SCRAP; the seller sees the return too.
    assert_eq!(stock(&s, &seller, "DEMO-0002", "RECYCLE").await, before);
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={no}"), &seller).await;
    assert!(log.ok()["items"].as_array().unwrap().iter().any(|e| e["target"] == "@SCRAP"));
    let listed = s.get("/api/v1/return-orders?status=COMPLETED", &seller).await;
    assert!(listed.ok()["items"].as_array().unwrap().iter().any(|r| r["orderNo"] == no.as_str()));
    // Whose parcel must be known.
    let anonymous = json!({"warehouseCode": "US-LA01", "trackingNo": "NOBODY-KNOWS"});
    s.post("/api/v1/ops/return-orders", &staff, &anonymous).await.err(10000, 400);
    let wrong = json!({"warehouseCode": "US-LA01", "originalOrderNo": "OB-NOPE"});
    s.post("/api/v1/ops/return-orders", &staff, &wrong).await.err(40016, 404);
}

#[tokio::test]
async fn a_return_may_be_cancelled_before_it_arrives_and_not_completed_ungraded() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let no = s.post("/api/v1/return-orders", &seller, &announcement("RMA-C", 1)).await.ok()["orderNo"]
        .as_str()
        .unwrap()
        .to_owned();
    let cancelled = post_empty(&s, &format!("/api/v1/return-orders/{no}/cancel"), &seller).await;
    assert_eq!(cancelled.ok()["status"], "CANCELLED");
    post_empty(&s, &format!("/api/v1/ops/return-orders/{no}/arrive"), &staff).await.err(40041, 409);
    let other = s.post("/api/v1/return-orders", &seller, &announcement("RMA-D", 1)).await.ok()["orderNo"]
        .as_str()
        .unwrap()
        .to_owned();
    post_empty(&s, &format!("/api/v1/ops/return-orders/{other}/arrive"), &staff).await.ok();
    post_empty(&s, &format!("/api/v1/ops/return-orders/{other}/complete"), &staff).await.err(40043, 409);
    post_empty(&s, "/api/v1/ops/return-orders/NOTHING-LIKE-IT/arrive", &staff).await.err(40025, 404);
}

#[tokio::test]
async fn units_for_the_seller_are_held_then_shipped_back_and_restocked_units_get_a_putaway_proposal() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let address = json!({"name": "Demo Trading Ltd", "country": "CN", "city": "Shenzhen",
        "addressLine1": "1 Keji Road", "postcode": "518057"});
    // A return address may be abroad, but it is an address.
    let mut bad = announcement("RMA-RTS", 5);
    bad["returnAddress"] =
        json!({"country": "CN", "city": "Shenzhen", "addressLine1": "1 Keji Road", "postcode": "518057"});
    s.post("/api/v1/return-orders", &seller, &bad).await.err(50048, 400);
    let mut body = announcement("RMA-RTS", 5);
    body["returnAddress"] = address.clone();
    let no = s.post("/api/v1/return-orders", &seller, &body).await.ok()["orderNo"].as_str().unwrap().to_owned();
    post_empty(&s, &format!("/api/v1/ops/return-orders/{no}/arrive"), &staff).await.ok();
    let (good_total, good_free) = available(&s, &seller, "GOOD").await;
    let (damaged_total, _) = available(&s, &seller, "DAMAGED").await;
    let lines = json!({"lines": [
        {"sku": "DEMO-0001", "quantity": 2, "condition": "GOOD", "disposition": "RESTOCK"},
        {"sku": "DEMO-0001", "quantity": 1, "condition": "GOOD", "disposition": "RETURN_TO_SELLER"},
        {"sku": "DEMO-0001", "quantity": 2, "condition": "DAMAGED", "disposition": "RETURN_TO_SELLER",
         "note": "crushed box"}]});
    s.post(&format!("/api/v1/ops/return-orders/{no}/grade"), &staff, &lines).await.ok();
    // Units going back are on hand but promised: no order can take them.
    assert_eq!(available(&s, &seller, "GOOD").await, (good_total + 3, good_free + 2));
    assert_eq!(available(&s, &seller, "DAMAGED").await.0, damaged_total + 2);
    // Nothing ships back before the return is complete.
    let ship = json!({"trackingNo": "SF1234567890", "carrier": "SF Express"});
    let ship_path = format!("/api/v1/ops/return-orders/{no}/ship-back");
    s.post(&ship_path, &staff, &ship).await.err(40041, 409);
    post_empty(&s, &format!("/api/v1/ops/return-orders/{no}/complete"), &staff).await.ok();
    // The detail proposes where the two restocked units go: a rack
    // location for good goods, never the bench and not the held units.
    let detail = s.get(&format!("/api/v1/ops/return-orders/{no}"), &staff).await.ok().clone();
    let proposal = detail["putaway"].as_array().unwrap().clone();
    assert_eq!(proposal.iter().map(|p| p["quantity"].as_i64().unwrap()).sum::<i64>(), 2, "{detail}");
    let target = proposal[0]["locationCode"].as_str().unwrap().to_owned();
    assert_eq!((proposal[0]["lotNo"].as_str(), proposal[0]["condition"].as_str()), (Some(no.as_str()), Some("GOOD")));
    // The seller does not see locations.
    assert_eq!(s.get(&format!("/api/v1/return-orders/{no}"), &seller).await.ok()["putaway"], json!([]));
    // The operator moves the two there; nothing is left to propose.
    let bench = "RET-01";
    let move_body = |q: i64| {
        json!({"warehouseCode": "US-LA01",
               "lines": [{"sku": "DEMO-0001", "fromLocationCode": bench, "toLocationCode": target, "quantity": q,
                          "lotNo": no, "customerCode": "DEMO"}]})
    };
    s.post("/api/v1/ops/moves", &staff, &move_body(2)).await.ok();
    let after = s.get(&format!("/api/v1/ops/return-orders/{no}"), &staff).await.ok().clone();
    assert_eq!(after["putaway"], json!([]), "{after}");
    // Ship-back: both held grades leave from the bench, once.
    let shipped = s.post(&ship_path, &staff, &ship).await.ok().clone();
    assert_eq!(shipped["shipBack"]["trackingNo"], "SF1234567890");
    assert_eq!(shipped["shipBack"]["recipient"]["country"], "CN");
    s.post(&ship_path, &staff, &ship).await.err(40045, 409);
    assert_eq!(available(&s, &seller, "GOOD").await, (good_total + 2, good_free + 2));
    assert_eq!(available(&s, &seller, "DAMAGED").await.0, damaged_total);
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={no}&pageSize=100"), &seller).await;
    let out: Vec<Value> =
        log.ok()["items"].as_array().unwrap().iter().filter(|e| e["target"] == "@CUSTOMER_SHIPPED").cloned().collect();
    assert_eq!(out.iter().map(|e| e["quantity"].as_i64().unwrap()).sum::<i64>(), 3, "{out:?}");
    assert!(out.iter().all(|e| e["source"] == bench), "{out:?}");
    let event = s.event(&seller, "return.shipped_back", &no).await;
    assert_eq!(event["data"]["trackingNo"], "SF1234567890");
    assert_eq!(event["data"]["recipient"]["city"], "Shenzhen");
    assert_eq!(event["data"]["skuList"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_ship_back_needs_an_address_and_units_to_send() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let body = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "trackingNo": "LOOSE-RTS"});
    let no = s.post("/api/v1/ops/return-orders", &staff, &body).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let lines = json!({"lines": [{"sku": "DEMO-0002", "quantity": 1, "condition": "DEFECTIVE",
                                  "disposition": "RETURN_TO_SELLER"}]});
    s.post(&format!("/api/v1/ops/return-orders/{no}/grade"), &staff, &lines).await.ok();
    post_empty(&s, &format!("/api/v1/ops/return-orders/{no}/complete"), &staff).await.ok();
    let ship_path = format!("/api/v1/ops/return-orders/{no}/ship-back");
    // Nobody announced it, so nobody gave an address: staff must.
    s.post(&ship_path, &staff, &json!({"trackingNo": "T1", "carrier": "UPS"})).await.err(10000, 400);
    s.post(&ship_path, &staff, &json!({"trackingNo": " ", "carrier": "UPS"})).await.err(10000, 400);
    let to = json!({"trackingNo": "T1", "carrier": "UPS", "recipient": {"name": "Demo Returns", "country": "US",
        "state": "CA", "city": "Irvine", "addressLine1": "9 Spectrum", "postcode": "92618"}});
    let shipped = s.post(&ship_path, &staff, &to).await.ok().clone();
    assert_eq!(shipped["shipBack"]["recipient"]["city"], "Irvine");
    // A return with nothing for the seller has nothing to ship back.
    let other = s
        .post(
            "/api/v1/ops/return-orders",
            &staff,
            &json!({"warehouseCode": "US-LA01",
        "customerCode": "DEMO", "trackingNo": "LOOSE-RS2"}),
        )
        .await
        .ok()["orderNo"]
        .as_str()
        .unwrap()
        .to_owned();
    let keep = json!({"lines": [{"sku": "DEMO-0002", "quantity": 1, "condition": "GOOD", "disposition": "RESTOCK"}]});
    s.post(&format!("/api/v1/ops/return-orders/{other}/grade"), &staff, &keep).await.ok();
    post_empty(&s, &format!("/api/v1/ops/return-orders/{other}/complete"), &staff).await.ok();
    s.post(&format!("/api/v1/ops/return-orders/{other}/ship-back"), &staff, &to).await.err(40045, 409);
    let _ = seller;
}
