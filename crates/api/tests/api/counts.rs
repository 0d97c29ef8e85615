//! Stocktakes over HTTP: plans, blind entry, recounts by another
//! counter, approval through the ledger, and what is refused.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Server, start};

/// DEMO-0002's demo stock: 30 units at A-03-03-1.
const LOCATION: &str = "A-03-03-1";

async fn total(s: &Server, seller: &str, sku: &str) -> i64 {
    let a = s.get(&format!("/api/v1/inventory?warehouseCode=US-LA01&sku={sku}&condition=GOOD"), seller).await;
    a.ok()["items"][0]["total"].as_i64().unwrap_or(0)
}

async fn plan(s: &Server, staff: &str, body: Value) -> Value {
    s.post("/api/v1/ops/count-plans", staff, &body).await.ok().clone()
}

async fn enter(s: &Server, token: &str, task: i64, quantity: i64) -> crate::harness::Answer {
    let body = json!({"lines": [{"sku": "DEMO-0002", "quantity": quantity}]});
    s.post(&format!("/api/v1/ops/count-tasks/{task}/entries"), token, &body).await
}

#[tokio::test]
async fn a_blind_count_one_unit_short_is_approved_through_the_ledger() {
    let s = start().await;
    let seller = s.customer().await;
    let admin = s.staff().await;
    let picker = s.login("picker", "picker").await;
    let before = total(&s, &seller, "DEMO-0002").await;
    let p =
        plan(&s, &admin, json!({"warehouseCode": "US-LA01", "scope": {"locations": [LOCATION]}, "blind": true})).await;
    let no = p["planNo"].as_str().unwrap().to_owned();
    assert!(no.starts_with("CT"), "{no}");
    let task = p["tasks"][0]["id"].as_i64().unwrap();
    assert_eq!((p["tasks"].as_array().unwrap().len(), p["tasks"][0]["locationCode"].as_str()), (1, Some(LOCATION)));
    // An operator may count but not plan or approve.
    s.post("/api/v1/ops/count-plans", &picker, &json!({"warehouseCode": "US-LA01", "scope": {"zone": "A"}}))
        .await
        .err(10068, 403);
    enter(&s, &picker, task, 29).await.ok();
    // Blind: the counter never sees what the books expected; a supervisor does.
    let seen = s.get(&format!("/api/v1/ops/count-plans/{no}"), &picker).await;
    assert_eq!(seen.ok()["tasks"][0]["entries"][0]["counted"], 29);
    assert!(seen.ok()["tasks"][0]["entries"][0]["expected"].is_null(), "{}", seen.body);
    let supervised = s.get(&format!("/api/v1/ops/count-plans/{no}"), &admin).await;
    assert_eq!(supervised.ok()["tasks"][0]["entries"][0]["expected"], 30);
    // Counting it again, approving as an operator: refused.
    enter(&s, &picker, task, 28).await.err(30013, 409);
    s.call(Method::POST, &format!("/api/v1/ops/count-plans/{no}/approve"), Some(&picker), None, None)
        .await
        .err(10068, 403);
    assert_eq!(total(&s, &seller, "DEMO-0002").await, before, "nothing posted before approval");
    let approved =
        s.call(Method::POST, &format!("/api/v1/ops/count-plans/{no}/approve"), Some(&admin), None, None).await;
    let accuracy = approved.ok()["accuracy"].clone();
    assert_eq!(approved.ok()["status"], "APPROVED");
    assert_eq!(
        (
            accuracy["locationsCounted"].as_i64(),
            accuracy["locationsWithVariance"].as_i64(),
            accuracy["unitsLost"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(total(&s, &seller, "DEMO-0002").await, before - 1);
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={no}"), &seller).await;
    let entry = log.ok()["items"][0].clone();
    assert_eq!((entry["source"].as_str(), entry["target"].as_str()), (Some(LOCATION), Some("@COUNT_LOSS")));
    assert_eq!(entry["documentType"], "COUNT");
    let event = s.event(&seller, "inventory.counted", &no).await;
    assert_eq!(event["data"]["lines"][0]["variance"], -1);
    s.call(Method::POST, &format!("/api/v1/ops/count-plans/{no}/approve"), Some(&admin), None, None)
        .await
        .err(30015, 409);
    // The location is free to be counted again.
    plan(&s, &admin, json!({"warehouseCode": "US-LA01", "scope": {"locations": [LOCATION]}})).await;
}

#[tokio::test]
async fn a_variance_past_the_threshold_is_recounted_by_someone_else_and_picks_meanwhile_are_not_losses() {
    let s = start().await;
    let seller = s.customer().await;
    let admin = s.staff().await;
    let picker = s.login("picker", "picker").await;
    let before = total(&s, &seller, "DEMO-0002").await;
    let body = json!({"warehouseCode": "US-LA01", "scope": {"skus": ["DEMO-0002"]}, "recountThreshold": 1});
    let p = plan(&s, &admin, body).await;
    let no = p["planNo"].as_str().unwrap().to_owned();
    let task = p["tasks"][0]["id"].as_i64().unwrap();
    // The same location cannot be on two open plans.
    let twice = json!({"warehouseCode": "US-LA01", "scope": {"locations": [LOCATION]}});
    s.post("/api/v1/ops/count-plans", &admin, &twice).await.err(30012, 409);
    let first = enter(&s, &picker, task, 25).await;
    assert_eq!(first.ok()["status"], "RECOUNT");
    let detail = s.get(&format!("/api/v1/ops/count-plans/{no}"), &admin).await;
    let recount =
        detail.ok()["tasks"].as_array().unwrap().iter().find(|t| t["round"] == 2).cloned().expect("a recount");
    let recount_id = recount["id"].as_i64().unwrap();
    s.call(Method::POST, &format!("/api/v1/ops/count-plans/{no}/approve"), Some(&admin), None, None)
        .await
        .err(30016, 409);
    enter(&s, &picker, recount_id, 28).await.err(30014, 409);
    // The recount by another counter stands.
    enter(&s, &admin, recount_id, 28).await.ok();
    // Meanwhile 5 units leave the location (an adjustment out): the count
    // was measured against the books when it was entered, so these are not
    // counted twice.
    s.adjust(&admin, "DEMO", json!([{"sku": "DEMO-0002", "locationCode": LOCATION, "quantity": -5}])).await;
    s.call(Method::POST, &format!("/api/v1/ops/count-plans/{no}/approve"), Some(&admin), None, None).await.ok();
    assert_eq!(total(&s, &seller, "DEMO-0002").await, before - 5 - 2);
}

#[tokio::test]
async fn a_short_pick_opens_a_blind_count_of_its_location_that_is_entered_and_approved_like_any_plan() {
    let s = start().await;
    let seller = s.customer().await;
    let admin = s.staff().await;
    let picker = s.login("picker", "picker").await;
    let before = total(&s, &seller, "DEMO-0002").await;
    let order = crate::outbound::order("SHORT-COUNT", json!([{"sku": "DEMO-0002", "quantity": 2}]));
    let no = s.post("/api/v1/outbound-orders", &seller, &order).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let wave = s.post("/api/v1/ops/waves", &admin, &json!({"warehouseCode": "US-LA01", "orderNos": [no]})).await;
    let batch = wave.ok()["batches"][0]["batchId"].as_i64().unwrap();
    // The picker finds one of the two at LOCATION.
    let shorted = crate::outbound::pick_cart(&s, &picker, batch, |stop, _| {
        (stop["sku"] == "DEMO-0002" && stop["locationCode"] == LOCATION).then_some(1)
    })
    .await;
    assert_eq!(shorted.len(), 1, "{shorted:?}");
    // The location waits for a counter as a task of its own plan.
    let tasks = s.get("/api/v1/ops/count-tasks?warehouseCode=US-LA01", &picker).await.ok().clone();
    let task = tasks.as_array().unwrap().iter().find(|t| t["locationCode"] == LOCATION).cloned().unwrap();
    assert_eq!((task["origin"].as_str(), task["documentNo"].as_str()), (Some("SHORT_PICK"), Some(no.as_str())));
    let plan_no = task["planNo"].as_str().unwrap().to_owned();
    let plan_view = s.get(&format!("/api/v1/ops/count-plans/{plan_no}"), &admin).await.ok().clone();
    assert_eq!((plan_view["origin"].as_str(), plan_view["blind"].as_bool()), (Some("SHORT_PICK"), Some(true)));
    // It is counted like any plan: nobody plans the location twice.
    let again = json!({"warehouseCode": "US-LA01", "scope": {"locations": [LOCATION]}});
    s.post("/api/v1/ops/count-plans", &admin, &again).await.err(30012, 409);
    // The books say `before - 1` are left there (one picked); the counter
    // finds `before - 2` (the picker was right: one is missing).
    let left = before - 1;
    enter(&s, &picker, task["id"].as_i64().unwrap(), left - 1).await.ok();
    let approved = s.post(&format!("/api/v1/ops/count-plans/{plan_no}/approve"), &admin, &json!({})).await;
    assert_eq!(approved.ok()["accuracy"]["unitsLost"], 1);
    // The order shipped one unit from elsewhere or is short; either way the
    // books lost exactly the unit nobody could find.
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={plan_no}"), &seller).await;
    let lost: Vec<Value> = log.ok()["items"].as_array().unwrap().clone();
    assert_eq!(lost.len(), 1, "{lost:?}");
    assert_eq!((lost[0]["target"].as_str(), lost[0]["quantity"].as_i64()), (Some("@COUNT_LOSS"), Some(1)));
    let tasks = s.get("/api/v1/ops/count-tasks?warehouseCode=US-LA01", &picker).await.ok().clone();
    assert!(!tasks.as_array().unwrap().iter().any(|t| t["planNo"] == plan_no.as_str()), "{tasks}");
}

#[tokio::test]
async fn a_count_by_lot_posts_each_lot_its_own_variance() {
    let s = start().await;
    let seller = s.customer().await;
    let admin = s.staff().await;
    // A second lot of DEMO-0002 joins the demo stock at LOCATION.
    let add = json!([{"sku": "DEMO-0002", "locationCode": LOCATION, "quantity": 5, "lotCode": "LOT-B"}]);
    s.adjust(&admin, "DEMO", add).await;
    let lots = s.get("/api/v1/inventory/lots?warehouseCode=US-LA01&sku=DEMO-0002", &seller).await;
    let lots = lots.ok()["items"].as_array().unwrap().clone();
    let here = |code: &str| {
        lots.iter()
            .filter(|l| l["lotCode"] == code && l["locationCode"] == LOCATION)
            .map(|l| l["quantity"].as_i64().unwrap())
            .sum::<i64>()
    };
    let first_lot =
        lots.iter().find(|l| l["locationCode"] == LOCATION && l["lotCode"] != "LOT-B").unwrap()["lotCode"].clone();
    let (a, b) = (here(first_lot.as_str().unwrap()), here("LOT-B"));
    assert_eq!(b, 5, "{lots:?}");
    let before = total(&s, &seller, "DEMO-0002").await;
    let p = plan(&s, &admin, json!({"warehouseCode": "US-LA01", "scope": {"locations": [LOCATION]}})).await;
    let task = p["tasks"][0]["id"].as_i64().unwrap();
    let entries = format!("/api/v1/ops/count-tasks/{task}/entries");
    // A SKU is counted by lot on every line or on none.
    let mixed = json!({"lines": [{"sku": "DEMO-0002", "lotNo": "LOT-B", "quantity": 5},
                                 {"sku": "DEMO-0002", "quantity": 3}]});
    s.post(&entries, &admin, &mixed).await.err(10031, 400);
    // The same total, but two units of the first lot were really LOT-B:
    // across lots nothing would move; by lot, each lot is corrected.
    let by_lot = json!({"lines": [{"sku": "DEMO-0002", "lotNo": first_lot, "quantity": a - 2},
                                  {"sku": "DEMO-0002", "lotNo": "LOT-B", "quantity": b + 2}]});
    s.post(&entries, &admin, &by_lot).await.ok();
    let view = s.get(&format!("/api/v1/ops/count-plans/{}", p["planNo"].as_str().unwrap()), &admin).await;
    let sheet_entries = view.ok()["tasks"][0]["entries"].as_array().unwrap().clone();
    assert_eq!(sheet_entries.len(), 2, "{sheet_entries:?}");
    assert!(sheet_entries.iter().any(|e| e["lotNo"] == "LOT-B" && e["expected"] == b && e["counted"] == b + 2));
    let approved =
        s.post(&format!("/api/v1/ops/count-plans/{}/approve", p["planNo"].as_str().unwrap()), &admin, &json!({})).await;
    assert_eq!(
        (approved.ok()["accuracy"]["unitsGained"].as_i64(), approved.ok()["accuracy"]["unitsLost"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(total(&s, &seller, "DEMO-0002").await, before);
    let lots = s.get("/api/v1/inventory/lots?warehouseCode=US-LA01&sku=DEMO-0002", &seller).await;
    let after = lots.ok()["items"].as_array().unwrap().clone();
    let now_here = |code: &str| {
        after
            .iter()
            .filter(|l| l["lotCode"] == code && l["locationCode"] == LOCATION)
            .map(|l| l["quantity"].as_i64().unwrap())
            .sum::<i64>()
    };
    assert_eq!((now_here(first_lot.as_str().unwrap()), now_here("LOT-B")), (a - 2, b + 2));
}
