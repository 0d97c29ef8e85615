//! Stock alerts over HTTP: rules, alerts that open once and close when
//! the breach clears, the sweep, and what is refused.

use serde_json::{Value, json};

use crate::harness::start;

/// The seller's `stock.alert` events once `enough` of them are readable
/// (the PostgreSQL feed trails commits by a moment).
async fn heard(s: &crate::harness::Server, seller: &str, enough: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let mut events = Vec::new();
    for _ in 0..200 {
        let feed = s.get("/api/v1/events?types=stock.alert&limit=100", seller).await.ok().clone();
        events = feed["events"].as_array().unwrap().clone();
        if enough(&events) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    events
}

async fn open_alerts(s: &crate::harness::Server, seller: &str) -> Vec<Value> {
    s.get("/api/v1/alerts?status=OPEN&pageSize=100", seller).await.ok()["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_low_available_alert_opens_on_a_stock_change_once_and_closes_when_it_clears() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let a = s.get("/api/v1/inventory?warehouseCode=US-LA01&sku=DEMO-0005&condition=GOOD", &seller).await;
    let available = a.ok()["items"][0]["available"].as_i64().unwrap();
    // The acceptance rule, and one that is not breached.
    let rules = json!([{"type": "LOW_AVAILABLE", "sku": "DEMO-0005", "threshold": 1_000_000},
                       {"type": "LOW_AVAILABLE", "sku": "DEMO-0006", "threshold": 1}]);
    let set = s.put("/api/v1/alert-rules", &seller, &rules).await.ok().clone();
    assert_eq!(set.as_array().unwrap().len(), 2);
    let open = open_alerts(&s, &seller).await;
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!((open[0]["sku"].as_str(), open[0]["value"].as_i64()), (Some("DEMO-0005"), Some(available)));
    // A stock change of DEMO-0005 keeps the one alert open (not a second).
    let location = s.get("/api/v1/inventory/lots?warehouseCode=US-LA01&sku=DEMO-0005", &seller).await.ok()["items"][0]
        ["locationCode"]
        .as_str()
        .unwrap()
        .to_owned();
    s.adjust(&staff, "DEMO", json!([{"sku": "DEMO-0005", "locationCode": location, "quantity": 1}])).await;
    assert_eq!(open_alerts(&s, &seller).await.len(), 1);
    // The seller heard it once.
    let events = heard(&s, &seller, |e| !e.is_empty()).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(
        (events[0]["data"]["status"].as_str(), events[0]["data"]["sku"].as_str()),
        (Some("OPEN"), Some("DEMO-0005"))
    );
    // A lower threshold clears it at the next change.
    let lower = json!([{"type": "LOW_AVAILABLE", "sku": "DEMO-0005", "threshold": 5}]);
    s.put("/api/v1/alert-rules", &seller, &lower).await.ok();
    assert!(open_alerts(&s, &seller).await.is_empty());
    let closed = s.get("/api/v1/alerts?status=CLOSED", &seller).await.ok().clone();
    assert_eq!(closed["total"], 1);
    // An order taking DEMO-0005 below 5 available opens it again.
    let take = available + 1 - 4;
    let order = crate::outbound::order("ALERT-1", json!([{"sku": "DEMO-0005", "quantity": take}]));
    s.post("/api/v1/outbound-orders", &seller, &order).await.ok();
    let open = open_alerts(&s, &seller).await;
    assert_eq!((open.len(), open[0]["value"].as_i64()), (1, Some(4)), "{open:?}");
    // Bad rules are refused and change nothing.
    let bad = json!([{"type": "LOW_STOCK", "threshold": 1}]);
    s.put("/api/v1/alert-rules", &seller, &bad).await.err(10031, 400);
    let unknown = json!([{"type": "AGEING", "sku": "NO-SUCH", "threshold": 1}]);
    s.put("/api/v1/alert-rules", &seller, &unknown).await.err(20007, 404);
    let too_long = json!([{"type": "AGEING", "threshold": 100_000}]);
    s.put("/api/v1/alert-rules", &seller, &too_long).await.err(10031, 400);
    assert_eq!(s.get("/api/v1/alert-rules", &seller).await.ok().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn ageing_expiring_and_idle_stock_are_found_by_the_sweep() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let location = s.storage_location(&staff, 4).await;
    let soon = (chrono::Utc::now().date_naive() + chrono::Days::new(10)).format("%Y-%m-%d").to_string();
    let lines = json!([{"sku": "DEMO-0040", "locationCode": location, "quantity": 3, "lotCode": "OLD-40"},
                       {"sku": "DEMO-0041", "locationCode": location, "quantity": 3, "lotCode": "EXP-41",
                        "expiryDate": soon}]);
    s.adjust(&staff, "DEMO", lines).await;
    let old = chrono::Utc::now().timestamp_millis() - 120 * 86_400_000;
    haicang_store::testing::set_lot_inbound_at(s.app.store(), "OLD-40", old).await.unwrap();
    let rules = json!([{"type": "AGEING", "threshold": 90}, {"type": "EXPIRING", "threshold": 30},
                       {"type": "NO_MOVEMENT", "sku": "DEMO-0040", "threshold": 60}]);
    s.put("/api/v1/alert-rules", &seller, &rules).await.ok();
    let open = open_alerts(&s, &seller).await;
    let kinds: Vec<(String, String)> =
        open.iter().map(|a| (a["type"].as_str().unwrap().to_owned(), a["sku"].as_str().unwrap().to_owned())).collect();
    assert!(kinds.contains(&("AGEING".into(), "DEMO-0040".into())), "{kinds:?}");
    assert!(kinds.contains(&("EXPIRING".into(), "DEMO-0041".into())), "{kinds:?}");
    assert!(kinds.contains(&("NO_MOVEMENT".into(), "DEMO-0040".into())), "{kinds:?}");
    let expiring = open.iter().find(|a| a["type"] == "EXPIRING").unwrap();
    assert_eq!((expiring["value"].as_i64(), expiring["lotNo"].as_str()), (Some(10), Some("EXP-41")));
    // The sweep opens nothing twice; when the old lot leaves, it closes.
    let sweep = s.post("/api/v1/ops/alerts/sweep", &staff, &json!({})).await.ok().clone();
    assert_eq!((sweep["opened"].as_i64(), sweep["closed"].as_i64()), (Some(0), Some(0)));
    let out = json!([{"sku": "DEMO-0040", "locationCode": location, "quantity": -3, "lotCode": "OLD-40"}]);
    s.adjust(&staff, "DEMO", out).await;
    let sweep = s.post("/api/v1/ops/alerts/sweep", &staff, &json!({})).await.ok().clone();
    assert!(sweep["closed"].as_i64().unwrap() >= 1, "{sweep}");
    let open = open_alerts(&s, &seller).await;
    assert!(!open.iter().any(|a| a["type"] == "AGEING" && a["sku"] == "DEMO-0040"), "{open:?}");
    // The seller hears each opening and closing.
    let events = heard(&s, &seller, |e| e.iter().any(|e| e["data"]["status"] == "CLOSED")).await;
    let statuses: Vec<&str> = events.iter().map(|e| e["data"]["status"].as_str().unwrap()).collect();
    assert!(statuses.contains(&"OPEN") && statuses.contains(&"CLOSED"), "{statuses:?}");
    // Another seller sees none of it.
    let other = s.other_customer("NOALERT").await;
    assert_eq!(s.get("/api/v1/alerts", &other).await.ok()["total"], 0);
}
