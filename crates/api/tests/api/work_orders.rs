//! Work orders over HTTP: assembly and disassembly through the ledger,
//! partial completion, cancel, and what is refused.

use serde_json::{Value, json};

use crate::harness::{Server, start};

async fn good(s: &Server, seller: &str, sku: &str) -> (i64, i64) {
    let a = s.get(&format!("/api/v1/inventory?warehouseCode=US-LA01&sku={sku}&condition=GOOD"), seller).await;
    let row = a.ok()["items"].as_array().and_then(|i| i.first().cloned()).unwrap_or(json!({}));
    (row["total"].as_i64().unwrap_or(0), row["available"].as_i64().unwrap_or(0))
}

fn order(kind: &str, sku: &str, quantity: i64, reference: &str) -> Value {
    json!({"type": kind, "warehouseCode": "US-LA01", "sku": sku, "quantity": quantity, "customerReference": reference})
}

#[tokio::test]
async fn an_assembly_reserves_its_components_and_completes_in_parts_through_kitting() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let picker = s.login("picker", "picker").await;
    let (a0, a0_free) = good(&s, &seller, "DEMO-0001").await;
    let (b0, b0_free) = good(&s, &seller, "DEMO-0002").await;
    let (k0, _) = good(&s, &seller, "DEMO-KIT-1").await;
    let created = s.post("/api/v1/work-orders", &seller, &order("ASSEMBLY", "DEMO-KIT-1", 3, "WO-A-1")).await;
    let no = created.ok()["orderNo"].as_str().unwrap().to_owned();
    assert!(no.starts_with("WO"), "{no}");
    // Idempotent by reference; other contents conflict.
    let again = s.post("/api/v1/work-orders", &seller, &order("ASSEMBLY", "DEMO-KIT-1", 3, "WO-A-1")).await;
    assert_eq!(again.ok()["created"], false);
    s.post("/api/v1/work-orders", &seller, &order("ASSEMBLY", "DEMO-KIT-1", 4, "WO-A-1")).await.err(70002, 409);
    // The components are promised: 3 × 1 and 3 × 2.
    assert_eq!(good(&s, &seller, "DEMO-0001").await, (a0, a0_free - 3));
    assert_eq!(good(&s, &seller, "DEMO-0002").await, (b0, b0_free - 6));
    s.post(&format!("/api/v1/ops/work-orders/{no}/start"), &picker, &json!({})).await.ok();
    // Two made, none spoiled: 2 + 4 components consumed, 2 kits out.
    let done = json!({"produced": 2, "workers": ["Maria"]});
    let partial = s.post(&format!("/api/v1/ops/work-orders/{no}/complete"), &picker, &done).await.ok().clone();
    assert_eq!((partial["status"].as_str(), partial["done"].as_i64()), (Some("PARTIAL"), Some(2)));
    assert_eq!(good(&s, &seller, "DEMO-0001").await, (a0 - 2, a0_free - 3));
    assert_eq!(good(&s, &seller, "DEMO-0002").await, (b0 - 4, b0_free - 6));
    assert_eq!(good(&s, &seller, "DEMO-KIT-1").await.0, k0 + 2);
    // More than is left is refused; the last one spoiled.
    let too_many = json!({"produced": 1, "rejected": 1, "workers": ["Maria"]});
    s.post(&format!("/api/v1/ops/work-orders/{no}/complete"), &picker, &too_many).await.err(70005, 409);
    let nobody = json!({"produced": 1, "workers": []});
    s.post(&format!("/api/v1/ops/work-orders/{no}/complete"), &picker, &nobody).await.err(10000, 400);
    let last = json!({"produced": 0, "rejected": 1, "workers": ["Chen", "Maria"]});
    let complete = s.post(&format!("/api/v1/ops/work-orders/{no}/complete"), &picker, &last).await.ok().clone();
    assert_eq!((complete["status"].as_str(), complete["rejected"].as_i64()), (Some("COMPLETED"), Some(1)));
    // Nothing is left reserved; the spoiled kit's components are gone too.
    assert_eq!(good(&s, &seller, "DEMO-0001").await, (a0 - 3, a0_free - 3));
    assert_eq!(good(&s, &seller, "DEMO-0002").await, (b0 - 6, b0_free - 6));
    assert_eq!(good(&s, &seller, "DEMO-KIT-1").await.0, k0 + 2);
    s.post(&format!("/api/v1/work-orders/{no}/cancel"), &seller, &json!({})).await.err(70003, 409);
    // The log: components to @KITTING, kits from it, all under the WO.
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={no}&pageSize=100"), &seller).await.ok().clone();
    let entries = log["items"].as_array().unwrap();
    let into: i64 = entries.iter().filter(|e| e["target"] == "@KITTING").map(|e| e["quantity"].as_i64().unwrap()).sum();
    let out: i64 = entries.iter().filter(|e| e["source"] == "@KITTING").map(|e| e["quantity"].as_i64().unwrap()).sum();
    assert_eq!((into, out), (9, 2), "{entries:?}");
    let detail = s.get(&format!("/api/v1/ops/work-orders/{no}"), &staff).await.ok().clone();
    assert_eq!(detail["completions"].as_array().unwrap().len(), 2);
    assert_eq!(detail["completions"][1]["workers"], json!(["Chen", "Maria"]));
    // The kits wait at the station; the planner proposes where they go.
    let proposed: i64 = detail["putaway"].as_array().unwrap().iter().map(|p| p["quantity"].as_i64().unwrap()).sum();
    assert_eq!(proposed, 2, "{detail}");
    let event = s.event(&seller, "workorder.completed", &no).await;
    assert_eq!(event["data"]["type"], "ASSEMBLY");
    // The demo card charges per kit made.
    let charges = s.get(&format!("/api/v1/charges?documentNo={no}"), &seller).await.ok().clone();
    let work: Vec<&Value> =
        charges["items"].as_array().unwrap().iter().filter(|c| c["chargeType"] == "WORK_ORDER").collect();
    assert_eq!(work.iter().map(|c| c["quantity"].as_i64().unwrap()).sum::<i64>(), 2, "{charges}");
}

#[tokio::test]
async fn a_disassembly_takes_kits_apart_and_a_cancel_releases_what_is_left() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    // Two kits first.
    let make = s.post("/api/v1/work-orders", &seller, &order("ASSEMBLY", "DEMO-KIT-1", 2, "WO-MAKE")).await;
    let make = make.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/ops/work-orders/{make}/complete"), &staff, &json!({"produced": 2, "workers": ["A"]}))
        .await
        .ok();
    // Kits only leave from the racks: put them away first.
    let detail = s.get(&format!("/api/v1/ops/work-orders/{make}"), &staff).await.ok().clone();
    let target = detail["putaway"][0]["locationCode"].as_str().unwrap().to_owned();
    let station = detail["order"]["stationCode"].as_str().unwrap().to_owned();
    let mv = json!({"warehouseCode": "US-LA01", "lines": [{"sku": "DEMO-KIT-1", "fromLocationCode": station,
                    "toLocationCode": target, "quantity": 2, "customerCode": "DEMO"}]});
    s.post("/api/v1/ops/moves", &staff, &mv).await.ok();
    let (a0, _) = good(&s, &seller, "DEMO-0001").await;
    let (b0, _) = good(&s, &seller, "DEMO-0002").await;
    let body = json!({"customerCode": "DEMO", "type": "DISASSEMBLY", "warehouseCode": "US-LA01", "sku": "DEMO-KIT-1",
                      "quantity": 2, "customerReference": "WO-TAKE"});
    let take = s.post("/api/v1/ops/work-orders", &staff, &body).await.ok()["orderNo"].as_str().unwrap().to_owned();
    assert_eq!(good(&s, &seller, "DEMO-KIT-1").await.1, 0);
    s.post(&format!("/api/v1/ops/work-orders/{take}/complete"), &staff, &json!({"produced": 1, "workers": ["B"]}))
        .await
        .ok();
    assert_eq!(good(&s, &seller, "DEMO-0001").await.0, a0 + 1);
    assert_eq!(good(&s, &seller, "DEMO-0002").await.0, b0 + 2);
    // Cancel: the second kit is free again.
    let cancelled = s.post(&format!("/api/v1/work-orders/{take}/cancel"), &seller, &json!({})).await.ok().clone();
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(good(&s, &seller, "DEMO-KIT-1").await, (1, 1));
    // What is refused: a non-kit, no components, unknown SKU, 0 kits.
    s.post("/api/v1/work-orders", &seller, &order("DISASSEMBLY", "DEMO-0003", 1, "WO-BAD-1")).await.err(70004, 400);
    s.post("/api/v1/work-orders", &seller, &order("ASSEMBLY", "NO-SUCH-KIT", 1, "WO-BAD-2")).await.err(20007, 404);
    s.post("/api/v1/work-orders", &seller, &order("ASSEMBLY", "DEMO-KIT-1", 0, "WO-BAD-3")).await.err(10031, 400);
    s.post("/api/v1/work-orders", &seller, &order("ASSEMBLY", "DEMO-KIT-1", 10_000, "WO-BAD-4")).await.err(30002, 409);
    let listed = s.get("/api/v1/work-orders?type=DISASSEMBLY&status=CANCELLED", &seller).await.ok().clone();
    assert_eq!(listed["total"], 1);
}
