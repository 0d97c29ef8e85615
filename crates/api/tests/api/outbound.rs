//! Outbound over HTTP: orders reserve stock, waves allocate and route,
//! picks (one short), pack (a wrong scan refused), ship; cancels and
//! interceptions at every stage; the oversell race.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::harness::{Server, start};

pub fn order(reference: &str, items: Value) -> Value {
    json!({"warehouseCode": "US-LA01", "shippingServiceCode": "USPS-GA", "customerReference": reference,
           "platform": "SHOPIFY", "platformOrderNo": format!("#{reference}"),
           "recipient": {"name": "Jane Doe", "phone": "+1 213 555 0100", "country": "US", "state": "CA",
                         "city": "Los Angeles", "addressLine1": "100 Main St", "postcode": "90012"},
           "items": items})
}

pub async fn stock(s: &Server, token: &str, sku: &str) -> (i64, i64, i64) {
    let a = s.get(&format!("/api/v1/inventory?warehouseCode=US-LA01&sku={sku}&condition=GOOD"), token).await;
    let row = &a.ok()["items"][0];
    (row["total"].as_i64().unwrap_or(0), row["available"].as_i64().unwrap_or(0), row["reserved"].as_i64().unwrap_or(0))
}

pub async fn status(s: &Server, staff: &str, no: &str) -> Value {
    s.get(&format!("/api/v1/ops/outbound-orders/{no}"), staff).await.ok().clone()
}

/// Picks every open stop of a cart as listed, except where `decide`
/// answers a short pick (units found); returns the stops it shorted.
pub async fn pick_cart(
    s: &Server,
    staff: &str,
    batch: i64,
    decide: impl Fn(&Value, &Value) -> Option<i64>,
) -> Vec<Value> {
    let mut shorted = Vec::new();
    loop {
        let cart = s.get(&format!("/api/v1/ops/pick-batches/{batch}"), staff).await.ok().clone();
        let Some(stop) = cart["route"].as_array().unwrap().iter().find(|r| r["status"] == "OPEN").cloned() else {
            break;
        };
        let open = stop["quantity"].as_i64().unwrap() - stop["picked"].as_i64().unwrap();
        let body = match decide(&stop, &cart) {
            Some(found) if !shorted.contains(&stop) => {
                shorted.push(stop.clone());
                json!({"locationCode": stop["locationCode"], "sku": stop["sku"], "quantity": found,
                       "tote": stop["tote"], "short": true})
            }
            _ => json!({"locationCode": stop["locationCode"], "sku": stop["barcode"], "quantity": open,
                        "tote": stop["tote"]}),
        };
        s.post(&format!("/api/v1/ops/pick-batches/{batch}/picks"), staff, &body).await.ok();
    }
    shorted
}

/// Waves, picks, packs (1.2 kg) and ships an order.
pub async fn ship_order(s: &Server, staff: &str, no: &str) {
    let wave = s.post("/api/v1/ops/waves", staff, &json!({"warehouseCode": "US-LA01", "orderNos": [no]})).await;
    let batch = wave.ok()["batches"][0]["batchId"].as_i64().unwrap();
    pick_cart(s, staff, batch, |_, _| None).await;
    pack_as_picked(s, staff, no).await;
    s.post("/api/v1/ops/ship", staff, &json!({"orderNo": no})).await.ok();
}

pub async fn pack_as_picked(s: &Server, staff: &str, no: &str) -> Value {
    let detail = status(s, staff, no).await;
    let mut picked: BTreeMap<String, i64> = BTreeMap::new();
    for p in detail["picks"].as_array().unwrap() {
        *picked.entry(p["sku"].as_str().unwrap().to_owned()).or_default() += p["picked"].as_i64().unwrap();
    }
    let items: Vec<Value> =
        picked.iter().filter(|(_, q)| **q > 0).map(|(sku, q)| json!({"sku": sku, "quantity": q})).collect();
    let body = json!({"orderNo": no, "items": items, "weightKg": 1.2, "lengthCm": 30, "widthCm": 20, "heightCm": 10});
    s.post("/api/v1/ops/pack", staff, &body).await.ok().clone()
}

#[tokio::test]
async fn twenty_orders_wave_pick_pack_ship_and_everything_agrees() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    // A second location of DEMO-0002, for the re-allocation after a short pick.
    let adjust = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "second location",
                        "lines": [{"sku": "DEMO-0002", "locationCode": "B-01-10-2", "quantity": 10}]});
    s.post("/api/v1/ops/adjustments", &staff, &adjust).await.ok();
    let kit = json!({"sku": "KIT-1", "name": "Starter kit", "type": "SUITE",
        "components": [{"sku": "DEMO-0001", "quantity": 1}, {"sku": "DEMO-0003", "quantity": 1}]});
    s.post("/api/v1/products", &seller, &kit).await.ok();

    let skus = ["DEMO-0001", "DEMO-0002", "DEMO-0003", "DEMO-0004", "DEMO-0006", "DEMO-0007"];
    let mut before = BTreeMap::new();
    for sku in skus {
        before.insert(sku, stock(&s, &seller, sku).await);
    }
    let mut bodies = Vec::new();
    for i in 0..12 {
        let sku = ["DEMO-0001", "DEMO-0002", "DEMO-0003", "DEMO-0004", "DEMO-0006"][i % 5];
        bodies.push(order(&format!("F-{i}"), json!([{"sku": sku, "quantity": 1}])));
    }
    for i in 12..18 {
        bodies.push(order(
            &format!("F-{i}"),
            json!([{"sku": "DEMO-0002", "quantity": 2}, {"sku": "DEMO-0004", "quantity": 1}, {"sku": "DEMO-0006", "quantity": 1}]),
        ));
    }
    bodies.push(order("F-18", json!([{"sku": "KIT-1", "quantity": 2}])));
    bodies.push(order("F-19", json!([{"sku": "DEMO-0007", "quantity": 1}])));
    let mut nos = Vec::new();
    let mut wanted: BTreeMap<&str, i64> = BTreeMap::new();
    for body in &bodies {
        let created = s.post("/api/v1/outbound-orders", &seller, body).await.ok().clone();
        assert_eq!(created["status"], "CREATED");
        nos.push(created["orderNo"].as_str().unwrap().to_owned());
    }
    for (i, body) in bodies.iter().enumerate() {
        for item in body["items"].as_array().unwrap() {
            let q = item["quantity"].as_i64().unwrap();
            match item["sku"].as_str().unwrap() {
                "KIT-1" => {
                    *wanted.entry("DEMO-0001").or_default() += q;
                    *wanted.entry("DEMO-0003").or_default() += q;
                }
                sku => *wanted.entry(skus.iter().find(|s| **s == sku).unwrap()).or_default() += q,
            }
        }
        let _ = i;
    }
    for sku in skus {
        let (total, available, reserved) = stock(&s, &seller, sku).await;
        assert_eq!(total, before[sku].0, "{sku}: reserving moves nothing");
        assert_eq!(reserved, wanted[sku], "{sku} reserved");
        assert_eq!(available, total - wanted[sku]);
    }
    let kit_order = s.get(&format!("/api/v1/outbound-orders/{}", nos[18]), &seller).await.ok().clone();
    assert_eq!(
        kit_order["items"],
        json!([{"sku": "DEMO-0001", "quantity": 2, "kitSku": "KIT-1"}, {"sku": "DEMO-0003", "quantity": 2, "kitSku": "KIT-1"}])
    );

    // One wave, carts of 8 totes, routed.
    let wave =
        s.post("/api/v1/ops/waves", &staff, &json!({"warehouseCode": "US-LA01", "orderNos": nos, "totes": 8})).await;
    let wave = wave.ok().clone();
    assert_eq!(wave["orderNos"].as_array().unwrap().len(), 20);
    let batches = wave["batches"].as_array().unwrap().clone();
    assert_eq!(batches.len(), 3, "20 orders in carts of 8");
    let mut routed: BTreeMap<String, i64> = BTreeMap::new();
    for b in &batches {
        assert!(b["distanceM"].as_f64().unwrap() > 0.0);
        let seqs: Vec<i64> = b["route"].as_array().unwrap().iter().map(|r| r["seq"].as_i64().unwrap()).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "route order {seqs:?}");
        let totes: std::collections::BTreeSet<&str> =
            b["route"].as_array().unwrap().iter().map(|r| r["tote"].as_str().unwrap()).collect();
        assert!(totes.len() <= 8);
        for r in b["route"].as_array().unwrap() {
            *routed.entry(r["sku"].as_str().unwrap().to_owned()).or_default() += r["quantity"].as_i64().unwrap();
        }
    }
    for sku in skus {
        assert_eq!(routed.get(sku).copied().unwrap_or(0), wanted[sku], "{sku} allocated");
    }
    assert_eq!(status(&s, &staff, &nos[0]).await["status"], "WAVED");
    let (status_code, kind, pdf) =
        s.get_bytes(&format!("/api/v1/ops/pick-batches/{}/pick-list.pdf", batches[0]["batchId"]), &staff).await;
    assert_eq!((status_code.as_u16(), kind.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"));

    // Pick: DEMO-0002 at its first location is one short (re-allocated from
    // B-01-10-2); DEMO-0007 is not there at all (no other stock: EXCEPTION).
    let mut shorted = Vec::new();
    let short_done = std::sync::atomic::AtomicBool::new(false);
    for b in &batches {
        let id = b["batchId"].as_i64().unwrap();
        shorted.extend(
            pick_cart(&s, &staff, id, |stop, cart| match (stop["sku"].as_str(), stop["locationCode"].as_str()) {
                // The picker finds one unit fewer than the cart needs here.
                (Some("DEMO-0002"), Some("A-03-03-1"))
                    if !short_done.swap(true, std::sync::atomic::Ordering::SeqCst) =>
                {
                    let here: i64 = cart["route"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|r| {
                            r["sku"] == "DEMO-0002" && r["locationCode"] == "A-03-03-1" && r["status"] == "OPEN"
                        })
                        .map(|r| r["quantity"].as_i64().unwrap() - r["picked"].as_i64().unwrap())
                        .sum();
                    Some(here - 1)
                }
                (Some("DEMO-0007"), _) => Some(0),
                _ => None,
            })
            .await,
        );
    }
    assert_eq!(shorted.len(), 2, "{shorted:?}");
    // The cart that took the re-allocated unit walks on to B-01-10-2: its
    // distance is the route as now walked, longer than planned.
    let mut grew = false;
    for b in &batches {
        let now = s.get(&format!("/api/v1/ops/pick-batches/{}", b["batchId"]), &staff).await.ok().clone();
        let extended = now["route"].as_array().unwrap().iter().any(|r| r["locationCode"] == "B-01-10-2");
        let (planned, walked) = (b["distanceM"].as_f64().unwrap(), now["distanceM"].as_f64().unwrap());
        if extended {
            assert!(walked > planned, "cart {}: {planned} m planned, {walked} m now", b["batchId"]);
            grew = true;
        }
    }
    assert!(grew, "no cart took the re-allocated unit");
    let tasks = s.get("/api/v1/ops/count-tasks?warehouseCode=US-LA01", &staff).await.ok().clone();
    let task_locations: Vec<&str> =
        tasks.as_array().unwrap().iter().map(|t| t["locationCode"].as_str().unwrap()).collect();
    assert!(task_locations.contains(&"A-03-03-1") && task_locations.contains(&"C-03-08-1"), "{tasks}");
    let exception = s.get(&format!("/api/v1/outbound-orders/{}", nos[19]), &seller).await.ok().clone();
    assert_eq!(exception["status"], "EXCEPTION");
    assert!(exception["exceptionReason"].as_str().unwrap().contains("DEMO-0007"), "{exception}");
    let from_second = s.get(&format!("/api/v1/inventory/log?documentNo={}&pageSize=100", nos[1]), &seller).await;
    let _ = from_second;
    let any_reallocated = nos[..19].iter().map(|n| n.as_str()).collect::<Vec<_>>();
    let mut second_location_used = false;
    for no in &any_reallocated {
        let d = status(&s, &staff, no).await;
        second_location_used |= d["picks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["locationCode"] == "B-01-10-2" && p["picked"].as_i64() > Some(0));
    }
    assert!(second_location_used, "the short unit came from the second location");
    for no in &nos[..19] {
        let d = status(&s, &staff, no).await;
        assert_eq!(d["status"], "PICKED", "{no}: {}", d["exceptionReason"]);
    }

    // Pack: a wrong item and an extra unit are refused; then as picked.
    let wrong = json!({"orderNo": nos[12], "items": [{"sku": "DEMO-0009", "quantity": 1}],
                       "weightKg": 1, "lengthCm": 30, "widthCm": 20, "heightCm": 10});
    s.post("/api/v1/ops/pack", &staff, &wrong).await.err(50092, 400);
    let extra = json!({"orderNo": nos[0], "items": [{"sku": "DEMO-0001", "quantity": 2}],
                       "weightKg": 1, "lengthCm": 30, "widthCm": 20, "heightCm": 10});
    s.post("/api/v1/ops/pack", &staff, &extra).await.err(50092, 400);
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": nos[0]})).await.err(50088, 409);
    for no in &nos[..19] {
        assert_eq!(pack_as_picked(&s, &staff, no).await["status"], "PACKED");
    }
    for (i, no) in nos[..19].iter().enumerate() {
        let body = if i == 0 {
            json!({"orderNo": no, "trackingNo": "9400100000000000000001"})
        } else {
            json!({"orderNo": no})
        };
        let shipped = s.post("/api/v1/ops/ship", &staff, &body).await.ok().clone();
        assert_eq!(shipped["status"], "SHIPPED");
    }
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": nos[1], "trackingNo": "X"})).await.err(50088, 409);
    // The short order is cancelled by the seller: its reservation goes.
    let cancelled = s.post(&format!("/api/v1/outbound-orders/{}/cancel", nos[19]), &seller, &json!({})).await;
    assert_eq!(cancelled.ok()["status"], "CANCELLED");

    // Stock: totals down by what shipped, nothing left reserved.
    for sku in skus {
        let (total, available, reserved) = stock(&s, &seller, sku).await;
        let shipped = if sku == "DEMO-0007" { 0 } else { wanted[sku] };
        assert_eq!(total, before[sku].0 - shipped, "{sku} total");
        assert_eq!((reserved, available), (0, total), "{sku} reserved back");
    }
    // Nothing waits at the packing bench.
    let lots = s.get("/api/v1/inventory/lots?warehouseCode=US-LA01&pageSize=200", &seller).await.ok().clone();
    assert!(lots["items"].as_array().unwrap().iter().all(|l| !l["locationCode"].as_str().unwrap().starts_with("PACK")));
    // The log of the first order: picked to the bench, shipped from it.
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={}", nos[0]), &seller).await.ok().clone();
    let moves: Vec<(String, String, i64)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["source"].as_str().unwrap().to_owned(),
                m["target"].as_str().unwrap().to_owned(),
                m["quantity"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(moves.contains(&("C-02-02-1".into(), "PACK-01".into(), 1)), "{moves:?}");
    assert!(moves.contains(&("PACK-01".into(), "@CUSTOMER_SHIPPED".into(), 1)), "{moves:?}");
    // Tracking: our steps, then a carrier event.
    s.post(
        "/api/v1/ops/shipments/9400100000000000000001/events",
        &staff,
        &json!({"code": "IN_TRANSIT", "description": "Departed USPS facility", "location": "Los Angeles, CA"}),
    )
    .await
    .ok();
    let t = s.get(&format!("/api/v1/outbound-orders/{}/tracking", nos[0]), &seller).await.ok().clone();
    let codes: Vec<&str> = t["events"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["PICKED", "PACKED", "LABEL_CREATED", "SHIPPED", "IN_TRANSIT"]);
    assert_eq!(t["trackingNo"], "9400100000000000000001");
    let (code, kind, label) = s.get_bytes(&format!("/api/v1/outbound-orders/{}/label.pdf", nos[0]), &seller).await;
    assert_eq!((code.as_u16(), kind.as_str()), (200, "application/pdf"));
    assert!(label.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn the_acceptance_example_and_idempotency() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let body = order("ERP-BAR-1", json!([{"sku": "DEMO-0004", "quantity": 3}]));
    let (total, available, reserved) = stock(&s, &seller, "DEMO-0004").await;
    let created = s.post("/api/v1/outbound-orders", &seller, &body).await.ok().clone();
    let no = created["orderNo"].as_str().unwrap().to_owned();
    assert_eq!(stock(&s, &seller, "DEMO-0004").await, (total, available - 3, reserved + 3));
    let again = s.post("/api/v1/outbound-orders", &seller, &body).await.ok().clone();
    assert_eq!((again["orderNo"].as_str(), again["created"].as_bool()), (Some(no.as_str()), Some(false)));
    let mut other = body.clone();
    other["items"][0]["quantity"] = json!(4);
    s.post("/api/v1/outbound-orders", &seller, &other).await.err(50019, 409);
    let too_many = order("ERP-BAR-2", json!([{"sku": "DEMO-0004", "quantity": 10_000}]));
    let refused = s.post("/api/v1/outbound-orders", &seller, &too_many).await;
    refused.err(50026, 409);
    assert!(refused.message().contains("DEMO-0004"));
    assert_eq!(stock(&s, &seller, "DEMO-0004").await, (total, available - 3, reserved + 3), "nothing reserved");

    // A number listed twice (once with stray spaces) is waved once.
    let wave = s
        .post("/api/v1/ops/waves", &staff, &json!({"warehouseCode": "US-LA01", "orderNos": [no, format!(" {no} ")]}))
        .await
        .ok()
        .clone();
    assert_eq!(wave["orderNos"], json!([no]));
    assert_eq!(wave["batches"][0]["route"].as_array().map(Vec::len), Some(1));
    let batch = &wave["batches"][0];
    let stop = &batch["route"][0];
    assert_eq!(
        (stop["sku"].as_str(), stop["quantity"].as_i64(), stop["seq"].as_i64()),
        (Some("DEMO-0004"), Some(3), Some(1))
    );
    let id = batch["batchId"].as_i64().unwrap();
    s.post(
        &format!("/api/v1/ops/pick-batches/{id}/picks"),
        &staff,
        &json!({"locationCode": stop["locationCode"], "sku": "DEMO-0005", "quantity": 3, "tote": "T1"}),
    )
    .await
    .err(50091, 400);
    s.post(
        &format!("/api/v1/ops/pick-batches/{id}/picks"),
        &staff,
        &json!({"locationCode": stop["locationCode"], "sku": "DEMO-0004", "quantity": 4, "tote": "T1"}),
    )
    .await
    .err(50091, 400);
    s.post(
        &format!("/api/v1/ops/pick-batches/{id}/picks"),
        &staff,
        &json!({"locationCode": stop["locationCode"], "sku": "DEMO-0004", "quantity": 3, "tote": "T1"}),
    )
    .await
    .ok();
    s.post(
        "/api/v1/ops/pack",
        &staff,
        &json!({"orderNo": no, "items": [{"sku": "DEMO-0004", "quantity": 3}],
        "weightKg": 1.2, "lengthCm": 30, "widthCm": 20, "heightCm": 10}),
    )
    .await
    .ok();
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": no, "trackingNo": "9400100000000000000002"})).await.ok();
    let shipped = s.get(&format!("/api/v1/outbound-orders/{no}"), &seller).await.ok().clone();
    assert_eq!(shipped["status"], "SHIPPED");
    assert_eq!(stock(&s, &seller, "DEMO-0004").await, (total - 3, available - 3, reserved));
    let t = s.get(&format!("/api/v1/outbound-orders/{no}/tracking"), &seller).await.ok().clone();
    let codes: Vec<&str> = t["events"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    for code in ["PICKED", "PACKED", "SHIPPED"] {
        assert!(codes.contains(&code), "{codes:?}");
    }
    s.post(&format!("/api/v1/outbound-orders/{no}/cancel"), &seller, &json!({})).await.err(50018, 409);
    let listed = s.post("/api/v1/outbound-orders/batch-get", &seller, &json!({"orderNos": [no, "OB-NOPE"]})).await;
    assert_eq!(listed.ok().as_array().unwrap().len(), 1);
    let many: Vec<String> = (0..101).map(|i| format!("OB{i}")).collect();
    s.post("/api/v1/outbound-orders/batch-get", &seller, &json!({"orderNos": many})).await.err(50028, 400);
    // Another seller sees nothing of it.
    let stranger = s.other_customer("STRANGER").await;
    s.get(&format!("/api/v1/outbound-orders/{no}"), &stranger).await.err(50017, 404);
    s.post(&format!("/api/v1/outbound-orders/{no}/cancel"), &stranger, &json!({})).await.err(50017, 404);
    assert_eq!(
        s.post("/api/v1/outbound-orders/batch-get", &stranger, &json!({"orderNos": [no]})).await.ok(),
        &json!([])
    );
}

#[tokio::test]
async fn orders_that_break_rules_get_their_codes_and_reserve_nothing() {
    let s = start().await;
    let seller = s.customer().await;
    let base = || order("BAD", json!([{"sku": "DEMO-0001", "quantity": 1}]));
    type Break = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(Break, i64)> = vec![
        (Box::new(|b| b["customerReference"] = json!("")), 50003),
        (Box::new(|b| b["customerReference"] = json!("x".repeat(101))), 50008),
        (Box::new(|b| b["platform"] = json!("ALIEXPRESS")), 50029),
        (Box::new(|b| b["shippingServiceCode"] = json!("DHL-PAKET")), 50020),
        (Box::new(|b| b["recipient"]["country"] = json!("DE")), 50025),
        (Box::new(|b| b["recipient"]["state"] = json!("California")), 50063),
        (Box::new(|b| b["recipient"]["postcode"] = json!("ABCDE")), 50087),
        (Box::new(|b| b["recipient"]["name"] = json!(" ")), 50048),
        (Box::new(|b| b["recipient"]["city"] = json!("")), 50040),
        (Box::new(|b| b["items"] = json!([])), 50022),
        (Box::new(|b| b["items"] = json!([{"sku": "NOPE-1", "quantity": 1}])), 50024),
        (Box::new(|b| b["items"] = json!([{"sku": "DEMO-0001", "quantity": 0}])), 50023),
        (Box::new(|b| b["note"] = json!("n".repeat(201))), 50075),
        (Box::new(|b| b["labelUrl"] = json!("https://labels.example/1.pdf")), 50005),
    ];
    let before = stock(&s, &seller, "DEMO-0001").await;
    for (i, (break_rule, code)) in cases.iter().enumerate() {
        let mut body = base();
        body["customerReference"] = json!(format!("BAD-{i}"));
        break_rule(&mut body);
        let a = s.post("/api/v1/outbound-orders", &seller, &body).await;
        assert_eq!(a.code(), *code, "case {i}: {}", a.body);
        assert_eq!(a.status.as_u16(), 400, "case {i}");
    }
    assert_eq!(stock(&s, &seller, "DEMO-0001").await, before);
    assert_eq!(s.get("/api/v1/outbound-orders", &seller).await.ok()["total"], 0);
    let zh = s
        .call(
            reqwest::Method::POST,
            "/api/v1/outbound-orders",
            Some(&seller),
            Some(order("ZH", json!([{"sku": "DEMO-0001", "quantity": 9999}])).to_string()),
            Some("zh-CN"),
        )
        .await;
    zh.err(50026, 409);
    assert!(zh.message().contains("库存不足"));
}

#[tokio::test]
async fn cancel_and_interception_at_every_stage() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let sku = "DEMO-0006";
    let start_stock = stock(&s, &seller, sku).await;
    let create = |r: &str, q: i64| order(r, json!([{"sku": sku, "quantity": q}]));
    let mut nos = Vec::new();
    for (i, q) in [1, 1, 2, 1, 1].iter().enumerate() {
        nos.push(
            s.post("/api/v1/outbound-orders", &seller, &create(&format!("C-{i}"), *q)).await.ok()["orderNo"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // CREATED: at once.
    let c0 = s
        .post(&format!("/api/v1/outbound-orders/{}/cancel", nos[0]), &seller, &json!({"reason": "buyer changed mind"}))
        .await;
    assert_eq!(c0.ok()["status"], "CANCELLED");
    s.post(&format!("/api/v1/outbound-orders/{}/cancel", nos[0]), &seller, &json!({})).await.err(50027, 409);
    // WAVED: at once, allocations released.
    let wave = s
        .post("/api/v1/ops/waves", &staff, &json!({"warehouseCode": "US-LA01", "orderNos": &nos[1..], "totes": 1}))
        .await
        .ok()
        .clone();
    s.post("/api/v1/ops/waves", &staff, &json!({"warehouseCode": "US-LA01", "orderNos": [nos[0]]}))
        .await
        .err(50088, 409);
    let c1 = s.post(&format!("/api/v1/outbound-orders/{}/cancel", nos[1]), &seller, &json!({})).await;
    assert_eq!(c1.ok()["status"], "CANCELLED");
    assert!(status(&s, &staff, &nos[1]).await["picks"].as_array().unwrap().iter().all(|p| p["status"] == "RELEASED"));
    let batch_of = |no: &str| {
        wave["batches"].as_array().unwrap().iter().find(|b| b["route"][0]["orderNo"] == no).unwrap()["batchId"]
            .as_i64()
            .unwrap()
    };
    // PICKING (1 of 2 picked): an interception request; staff succeed.
    let b2 = batch_of(&nos[2]);
    let cart = s.get(&format!("/api/v1/ops/pick-batches/{b2}"), &staff).await.ok().clone();
    let location = cart["route"][0]["locationCode"].as_str().unwrap().to_owned();
    s.post(
        &format!("/api/v1/ops/pick-batches/{b2}/picks"),
        &staff,
        &json!({"locationCode": location, "sku": sku, "quantity": 1, "tote": "T1"}),
    )
    .await
    .ok();
    assert_eq!(status(&s, &staff, &nos[2]).await["status"], "PICKING");
    let c2 = s
        .post(&format!("/api/v1/outbound-orders/{}/cancel", nos[2]), &seller, &json!({"reason": "fraud"}))
        .await
        .ok()
        .clone();
    assert_eq!((c2["status"].as_str(), c2["interceptStatus"].as_str()), (Some("PICKING"), Some("REQUESTED")));
    s.post(
        &format!("/api/v1/ops/pick-batches/{b2}/picks"),
        &staff,
        &json!({"locationCode": location, "sku": sku, "quantity": 1, "tote": "T1"}),
    )
    .await
    .err(50089, 409);
    let resolved = s
        .post(&format!("/api/v1/ops/outbound-orders/{}/interception", nos[2]), &staff, &json!({"result": "SUCCESS"}))
        .await
        .ok()
        .clone();
    assert_eq!(
        (resolved["status"].as_str(), resolved["interceptStatus"].as_str()),
        (Some("CANCELLED"), Some("SUCCEEDED"))
    );
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={}", nos[2]), &seller).await.ok().clone();
    let back =
        log["items"].as_array().unwrap().iter().any(|m| m["source"] == "PACK-01" && m["target"] == location.as_str());
    assert!(back, "the picked unit went back to {location}: {log}");
    s.post(&format!("/api/v1/ops/outbound-orders/{}/interception", nos[2]), &staff, &json!({"result": "FAIL"}))
        .await
        .err(50090, 409);
    // PACKED: interception fails, the order ships.
    let b3 = batch_of(&nos[3]);
    pick_cart(&s, &staff, b3, |_, _| None).await;
    pack_as_picked(&s, &staff, &nos[3]).await;
    let c3 = s.post(&format!("/api/v1/outbound-orders/{}/cancel", nos[3]), &seller, &json!({})).await.ok().clone();
    assert_eq!(c3["interceptStatus"], "REQUESTED");
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": nos[3]})).await.err(50089, 409);
    s.post(
        &format!("/api/v1/ops/outbound-orders/{}/interception", nos[3]),
        &staff,
        &json!({"result": "FAIL", "note": "already on the truck"}),
    )
    .await
    .ok();
    assert_eq!(s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": nos[3]})).await.ok()["status"], "SHIPPED");
    // SHIPPED: too late.
    s.post(&format!("/api/v1/outbound-orders/{}/cancel", nos[3]), &seller, &json!({})).await.err(50018, 409);
    // The last order ships normally; stock adds up: 2 shipped (orders 3, 4).
    let b4 = batch_of(&nos[4]);
    pick_cart(&s, &staff, b4, |_, _| None).await;
    pack_as_picked(&s, &staff, &nos[4]).await;
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": nos[4]})).await.ok();
    assert_eq!(stock(&s, &seller, sku).await, (start_stock.0 - 2, start_stock.0 - 2, 0));
    // The seller heard of each: cancelled ×2 at once, intercepted ×2, shipped ×2.
    let demo =
        haicang_store::party::find_customer(&mut s.app.store().read().await.unwrap(), "DEMO").await.unwrap().unwrap();
    let principal = haicang_app::CustomerPrincipal {
        customer_id: demo.customer_id,
        customer_code: demo.code,
        app_id: None,
        client_id: None,
        origin: Default::default(),
    };
    let events = s.app.events(&principal, 0, 500).await.unwrap();
    let count = |t: &str| events.iter().filter(|e| e.event_type == t).count();
    assert_eq!(
        (count("order.created"), count("order.cancelled"), count("order.intercepted"), count("order.shipped")),
        (5, 2, 2, 2)
    );
    let shipped: Value =
        serde_json::from_str(&events.iter().rfind(|e| e.event_type == "order.shipped").unwrap().payload).unwrap();
    let line = &shipped["data"]["skuList"][0];
    assert_eq!(
        (line["sku"].as_str(), line["totalChange"].as_i64(), line["total"].as_i64()),
        (Some(sku), Some(-1), Some(start_stock.0 - 2))
    );
}

#[tokio::test]
async fn sixty_four_clients_race_for_the_last_units() {
    let s = start().await;
    let seller = s.customer().await;
    let sku = "DEMO-0007"; // 10 units in the demo
    let (total, available, _) = stock(&s, &seller, sku).await;
    assert_eq!(available, 10);
    let mut tasks = Vec::new();
    for i in 0..64 {
        let http = s.http.clone();
        let url = format!("{}/api/v1/outbound-orders", s.base);
        let token = seller.clone();
        let body = order(&format!("RACE-{i}"), json!([{"sku": sku, "quantity": 1}]));
        tasks.push(tokio::spawn(async move {
            let r = http.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            let status = r.status().as_u16();
            let v: Value = r.json().await.unwrap();
            (status, v["code"].as_i64().unwrap())
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            (200, 0) => ok += 1,
            (409, 50026) => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(ok, 10, "exactly the units there were");
    assert_eq!(stock(&s, &seller, sku).await, (total, 0, 10));
}

#[tokio::test]
async fn a_postcode_with_a_multibyte_character_is_a_clear_error_and_reserves_nothing() {
    let s = start().await;
    let seller = s.customer().await;
    let before = stock(&s, &seller, "DEMO-0001").await;
    for postcode in ["1234é6789", "1234é", "é", "12345-678é"] {
        let mut body = order(&format!("PC-{postcode}"), json!([{"sku": "DEMO-0001", "quantity": 1}]));
        body["recipient"]["postcode"] = json!(postcode);
        let a = s.post("/api/v1/outbound-orders", &seller, &body).await;
        a.err(50087, 400);
        assert!(a.message().contains(postcode), "{}", a.message());
    }
    assert_eq!(stock(&s, &seller, "DEMO-0001").await, before);
    assert_eq!(s.get("/api/v1/outbound-orders", &seller).await.ok()["total"], 0);
}

#[tokio::test]
async fn serial_numbers_are_scanned_at_pick_and_pack_and_leave_with_the_order() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &seller, &json!({"sku": "PHONE-7", "name": "Phone", "serialManaged": true})).await.ok();
    let loc = s.storage_location(&staff, 3).await;
    s.adjust(
        &staff,
        "DEMO",
        json!([{"sku": "PHONE-7", "locationCode": loc, "quantity": 3,
                                      "serials": ["SN-A", "SN-B", "SN-C"]}]),
    )
    .await;
    let body = order("SER-1", json!([{"sku": "PHONE-7", "quantity": 2}]));
    let no = s.post("/api/v1/outbound-orders", &seller, &body).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let wave = s.post("/api/v1/ops/waves", &staff, &json!({"warehouseCode": "US-LA01", "orderNos": [no]})).await;
    let batch = wave.ok()["batches"][0]["batchId"].as_i64().unwrap();
    let picks = format!("/api/v1/ops/pick-batches/{batch}/picks");
    let pick = |serials: Value| json!({"locationCode": loc, "sku": "PHONE-7", "quantity": 2, "serials": serials});
    s.post(&picks, &staff, &pick(json!([]))).await.err(50091, 400);
    s.post(&picks, &staff, &pick(json!(["SN-A", "SN-A"]))).await.err(50091, 400);
    let unknown = s.post(&picks, &staff, &pick(json!(["SN-A", "SN-Z"]))).await;
    unknown.err(50091, 400);
    assert!(unknown.message().contains("SN-Z"), "{}", unknown.message());
    s.post(&picks, &staff, &pick(json!(["SN-A", "SN-B"]))).await.ok();

    let pack = |serials: Value| {
        json!({"orderNo": no, "items": [{"sku": "PHONE-7", "quantity": 2, "serials": serials}],
               "weightKg": 0.4, "lengthCm": 20, "widthCm": 10, "heightCm": 5})
    };
    s.post("/api/v1/ops/pack", &staff, &pack(json!([]))).await.err(50092, 400);
    let wrong = s.post("/api/v1/ops/pack", &staff, &pack(json!(["SN-A", "SN-C"]))).await;
    wrong.err(50092, 400);
    assert!(wrong.message().contains("SN-C"), "{}", wrong.message());
    s.post("/api/v1/ops/pack", &staff, &pack(json!(["SN-B", "SN-A"]))).await.ok();
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": no})).await.ok();

    let serials = s.get("/api/v1/inventory/serials?sku=PHONE-7", &seller).await;
    let states: Vec<(String, String, String)> = serials.ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let text = |k: &str| x[k].as_str().unwrap_or_default().to_owned();
            (text("serial"), text("status"), text("documentNo"))
        })
        .collect();
    assert_eq!(states[0], ("SN-A".into(), "OUT".into(), no.clone()));
    assert_eq!(states[1], ("SN-B".into(), "OUT".into(), no.clone()));
    assert_eq!((states[2].0.as_str(), states[2].1.as_str()), ("SN-C", "IN_STOCK"));
}

#[tokio::test]
async fn a_cancelled_pick_puts_serial_numbers_back_where_they_were() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &seller, &json!({"sku": "PHONE-8", "name": "Phone", "serialManaged": true})).await.ok();
    let loc = s.storage_location(&staff, 4).await;
    s.adjust(&staff, "DEMO", json!([{"sku": "PHONE-8", "locationCode": loc, "quantity": 1, "serials": ["SN-Q"]}]))
        .await;
    let body = order("SER-2", json!([{"sku": "PHONE-8", "quantity": 1}]));
    let no = s.post("/api/v1/outbound-orders", &seller, &body).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let wave = s.post("/api/v1/ops/waves", &staff, &json!({"warehouseCode": "US-LA01", "orderNos": [no]})).await;
    let batch = wave.ok()["batches"][0]["batchId"].as_i64().unwrap();
    let body = json!({"locationCode": loc, "sku": "PHONE-8", "quantity": 1, "serials": ["SN-Q"]});
    s.post(&format!("/api/v1/ops/pick-batches/{batch}/picks"), &staff, &body).await.ok();
    let serial = s.get("/api/v1/inventory/serials?serial=SN-Q", &seller).await;
    assert_ne!(serial.ok()["items"][0]["locationCode"], json!(loc), "picked: at the bench");
    // The seller cancels: an interception staff accept; the unit and its
    // serial go back to the shelf.
    s.post(&format!("/api/v1/outbound-orders/{no}/cancel"), &seller, &json!({})).await.ok();
    s.post(&format!("/api/v1/ops/outbound-orders/{no}/interception"), &staff, &json!({"result": "SUCCESS"})).await.ok();
    let serial = s.get("/api/v1/inventory/serials?serial=SN-Q", &seller).await;
    assert_eq!(serial.ok()["items"][0]["locationCode"], json!(loc));
    assert_eq!(serial.ok()["items"][0]["status"], "IN_STOCK");
}

/// An allocation names its order, line, cart, product, location and lot;
/// the database refuses one that names a missing row, a change of what it
/// names, and the deletion of a row it names, on both engines (foreign keys
/// on SQLite; on PostgreSQL one set-wise check per INSERT statement,
/// migration 0027, because per-row checks were most of a big wave's
/// writes).
#[tokio::test]
async fn the_database_keeps_every_allocation_pointing_at_real_rows() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let body = order("ERP-REF-1", json!([{"sku": "DEMO-0004", "quantity": 2}]));
    let no = s.post("/api/v1/outbound-orders", &seller, &body).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post("/api/v1/ops/waves", &staff, &json!({"warehouseCode": "US-LA01", "orderNos": [no]})).await.ok();
    let columns = "outbound_order_id, outbound_line_id, pick_batch_id, product_id, location_id, lot_id";
    let copy = |changed: &str, to: &str| {
        let picked = columns.replace(changed, &format!("{to} AS {changed}"));
        format!(
            "INSERT INTO allocation ({columns}, quantity, picked, status, route_seq, created_at, updated_at) \
             SELECT {picked}, quantity, 0, 'OPEN', route_seq, created_at, updated_at FROM allocation"
        )
    };
    let (product_id, batch_id): (i64, i64) = {
        let mut conn = s.app.store().read().await.unwrap();
        sqlx::query_as("SELECT product_id, pick_batch_id FROM allocation").fetch_one(&mut *conn).await.unwrap()
    };
    // Each statement in its own transaction, never committed.
    let store = s.app.store();
    let run = |sql: String| async move {
        let mut tx = store.begin_write().await.unwrap();
        sqlx::query(&sql).execute(tx.conn()).await.map(|done| done.rows_affected()).map_err(|e| e.to_string())
    };
    // A copy naming the same rows is accepted: the checks refuse only what
    // names nothing.
    assert_eq!(run(copy("lot_id", "lot_id")).await, Ok(1));
    for column in columns.split(", ") {
        let refused = run(copy(column, "987654321")).await;
        assert!(refused.is_err(), "an allocation naming no row by {column} was written");
        assert!(run(format!("UPDATE allocation SET {column} = 987654321")).await.is_err(), "{column} changed");
    }
    assert!(run(format!("DELETE FROM product WHERE product_id = {product_id}")).await.is_err());
    assert!(run(format!("DELETE FROM pick_batch WHERE pick_batch_id = {batch_id}")).await.is_err());
    let mut conn = s.app.store().read().await.unwrap();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM allocation").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(count, 1, "nothing written");
}
