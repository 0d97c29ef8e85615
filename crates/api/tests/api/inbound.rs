//! Inbound over HTTP: ASN → labels → arrival → receipt with discrepancies →
//! putaway, checked the way a seller and a warehouse manager would check it.

use std::process::Command;

use serde_json::{Value, json};

use crate::harness::{Server, product, start};

async fn create_products(s: &Server, token: &str) {
    s.post("/api/v1/products", token, &product()).await.ok();
    let mut second = product();
    second["sku"] = json!("BAR-TEST-2");
    second["barcode"] = json!("BAR0000002");
    s.post("/api/v1/products", token, &second).await.ok();
}

fn asn(reference: &str) -> Value {
    let carton = |no: &str, sku: &str, quantity: i64| {
        json!({"boxNo": no, "lengthCm": 40, "widthCm": 30, "heightCm": 30, "weightKg": 8,
               "items": [{"sku": sku, "quantity": quantity}]})
    };
    json!({"warehouseCode": "US-LA01", "type": "CARTON", "customerReference": reference,
           "expectedArrival": "2026-12-01", "carrier": "UPS", "trackingNo": "1Z999",
           "boxes": [carton("1", "BAR-TEST-1", 6), carton("2", "BAR-TEST-1", 6), carton("3", "BAR-TEST-2", 4)]})
}

async fn stock_row(s: &Server, token: &str, sku: &str, condition: &str) -> Option<Value> {
    let page = s.get(&format!("/api/v1/inventory?warehouseCode=US-LA01&sku={sku}"), token).await;
    page.ok()["items"].as_array().unwrap().iter().find(|r| r["condition"] == condition).cloned()
}

/// Text of a PDF as poppler reads it (scripts/test installs poppler-utils).
fn pdf_text(bytes: &[u8]) -> (String, usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("labels.pdf");
    std::fs::write(&path, bytes).unwrap();
    let text = Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().expect("pdftotext runs");
    assert!(text.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&text.stderr));
    let info = Command::new("pdfinfo").arg(&path).output().expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout).to_string();
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"));
    (String::from_utf8_lossy(&text.stdout).to_string(), pages)
}

#[tokio::test]
async fn full_flow_from_asn_to_putaway_agrees_everywhere() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let stranger = s.other_customer("OTHER").await;
    create_products(&s, &seller).await;

    // The seller announces three cartons.
    let created = s.post("/api/v1/inbound-orders", &seller, &asn("ASN-FLOW-1")).await;
    let order_no = created.ok()["orderNo"].as_str().unwrap().to_owned();
    assert_eq!(created.ok()["status"], "SUBMITTED");
    assert_eq!(created.ok()["created"], true);
    let good1 = stock_row(&s, &seller, "BAR-TEST-1", "GOOD").await.expect("a GOOD row while in transit");
    assert_eq!((good1["total"].as_i64(), good1["inboundInTransit"].as_i64()), (Some(0), Some(12)));
    let good2 = stock_row(&s, &seller, "BAR-TEST-2", "GOOD").await.unwrap();
    assert_eq!(good2["inboundInTransit"], 4);

    // Labels: one page per box, each with its scan code, "box i of n",
    // order number, warehouse and contents.
    let detail = s.get(&format!("/api/v1/inbound-orders/{order_no}"), &seller).await.ok().clone();
    let boxes = detail["boxes"].as_array().unwrap();
    assert_eq!(boxes.len(), 3);
    for size in ["100x100", "100x150"] {
        let (status, kind, pdf) =
            s.get_bytes(&format!("/api/v1/inbound-orders/{order_no}/labels.pdf?size={size}"), &seller).await;
        assert_eq!(status.as_u16(), 200);
        assert_eq!(kind, "application/pdf");
        let (text, pages) = pdf_text(&pdf);
        assert_eq!(pages, 3, "{size}");
        for (i, b) in boxes.iter().enumerate() {
            assert!(text.contains(b["scanCode"].as_str().unwrap()), "scan code of box {} in {text}", i + 1);
            assert!(text.contains(&format!("BOX {}/3", i + 1)), "box {} of 3 in {text}", i + 1);
        }
        assert!(text.contains(&order_no) && text.contains("US-LA01"));
        let item_line = |sku: &str, quantity: &str| {
            text.lines().any(|l| {
                let compact: String = l.split_whitespace().collect();
                compact == format!("{sku}×{quantity}")
            })
        };
        assert!(item_line("BAR-TEST-1", "6") && item_line("BAR-TEST-2", "4"), "SKU × quantity lines in {text}");
    }

    // The truck arrives: staff scan box 2's label.
    let scan = boxes[1]["scanCode"].as_str().unwrap();
    let arrived = s.post(&format!("/api/v1/ops/inbound-orders/{scan}/arrive"), &staff, &json!({})).await;
    assert_eq!(arrived.ok()["status"], "ARRIVED");
    assert_eq!(arrived.ok()["orderNo"], order_no.as_str());
    let queue =
        s.get("/api/v1/ops/inbound-orders?warehouseCode=US-LA01&status=ARRIVED&customerCode=DEMO", &staff).await;
    assert_eq!(queue.ok()["items"][0]["orderNo"], order_no.as_str());
    assert_eq!(s.get("/api/v1/ops/inbound-orders?customerCode=OTHER", &staff).await.ok()["total"], 0);
    s.get("/api/v1/ops/inbound-orders", &seller).await.err(10060, 403);

    // Box 1: one defective. Box 2: two short. Box 3: one over.
    let receive = |no: &str, sku: &str, good: i64, defective: i64| json!({"boxNo": no, "lines": [{"sku": sku, "good": good, "defective": defective}]});
    let path = format!("/api/v1/ops/inbound-orders/{order_no}/receive");
    s.post(&path, &staff, &receive("1", "BAR-TEST-1", 5, 1)).await.ok();
    s.post(&path, &staff, &receive("2", "BAR-TEST-1", 4, 0)).await.ok();
    let third = s.post(&path, &staff, &receive(boxes[2]["scanCode"].as_str().unwrap(), "BAR-TEST-2", 5, 0)).await;
    assert_eq!(third.ok()["status"], "RECEIVING");
    let closed = s.post(&format!("/api/v1/ops/inbound-orders/{order_no}/close-receipt"), &staff, &json!({})).await;
    assert_eq!(closed.ok()["status"], "RECEIVED");
    let after_receipt = stock_row(&s, &seller, "BAR-TEST-1", "GOOD").await.unwrap();
    assert_eq!((after_receipt["total"].as_i64(), after_receipt["inboundInTransit"].as_i64()), (Some(9), Some(0)));

    // The plan proposes a place for each lot and condition, with reasons.
    let plan = s.get(&format!("/api/v1/ops/inbound-orders/{order_no}/putaway-plan"), &staff).await;
    let items = plan.ok()["items"].as_array().unwrap().clone();
    let find = |sku: &str, condition: &str| {
        items.iter().find(|i| i["sku"] == sku && i["condition"] == condition).cloned().unwrap_or_else(|| {
            panic!("no {sku} {condition} in {items:?}");
        })
    };
    let good_plan = find("BAR-TEST-1", "GOOD");
    let bad_plan = find("BAR-TEST-1", "DEFECTIVE");
    let other_plan = find("BAR-TEST-2", "GOOD");
    assert_eq!((good_plan["quantity"].as_i64(), good_plan["lotNo"].as_str()), (Some(9), Some(order_no.as_str())));
    assert_eq!(bad_plan["reason"], "DEFECTIVE_AREA");
    assert!(bad_plan["locationCode"].as_str().unwrap().starts_with("DEF-"));
    assert_eq!(good_plan["reason"], "EMPTY_LOCATION");
    let proposed = good_plan["locationCode"].as_str().unwrap().to_owned();

    // Put away: BAR-TEST-1 where proposed, then BAR-TEST-2 somewhere else
    // the operator chose, with the defective unit.
    let first = s
        .post(
            "/api/v1/ops/putaway",
            &staff,
            &json!({"inboundOrderNo": order_no, "lines": [{"sku": "BAR-TEST-1", "lotNo": order_no,
                    "condition": "GOOD", "locationCode": proposed, "quantity": 9}]}),
        )
        .await;
    assert_eq!(first.ok()["status"], "PUTTING_AWAY");
    let chosen = "A-02-10-3";
    assert_ne!(other_plan["locationCode"], chosen);
    let last = s
        .post(
            "/api/v1/ops/putaway",
            &staff,
            &json!({"inboundOrderNo": order_no, "lines": [
                {"sku": "BAR-TEST-2", "lotNo": order_no, "locationCode": chosen, "quantity": 5},
                {"sku": "BAR-TEST-1", "lotNo": order_no, "condition": "DEFECTIVE",
                 "locationCode": bad_plan["locationCode"], "quantity": 1}]}),
        )
        .await;
    assert_eq!(last.ok()["status"], "PUTAWAY_DONE");

    // The seller's view of the order.
    let done = s.get(&format!("/api/v1/inbound-orders/{order_no}"), &seller).await.ok().clone();
    assert_eq!(done["status"], "PUTAWAY_DONE");
    let sku1 = done["skus"].as_array().unwrap().iter().find(|x| x["sku"] == "BAR-TEST-1").unwrap().clone();
    assert_eq!(
        sku1,
        json!({"sku": "BAR-TEST-1", "expected": 12, "receivedGood": 9, "receivedDefective": 1, "putAway": 10})
    );
    let kinds: Vec<(String, String, String, i64, i64)> = done["discrepancies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["boxNo"].as_str().unwrap().to_owned(),
                d["sku"].as_str().unwrap().to_owned(),
                d["kind"].as_str().unwrap().to_owned(),
                d["expected"].as_i64().unwrap(),
                d["received"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("1".into(), "BAR-TEST-1".into(), "DEFECTIVE".into(), 6, 1),
            ("2".into(), "BAR-TEST-1".into(), "SHORT".into(), 6, 4),
            ("3".into(), "BAR-TEST-2".into(), "OVER".into(), 4, 5),
        ]
    );
    let putaways = done["putaways"].as_array().unwrap();
    let to_proposed = putaways.iter().find(|p| p["sku"] == "BAR-TEST-1" && p["condition"] == "GOOD").unwrap();
    assert_eq!(
        (to_proposed["locationCode"].as_str(), to_proposed["proposedLocationCode"].as_str()),
        (Some(proposed.as_str()), Some(proposed.as_str()))
    );
    let elsewhere = putaways.iter().find(|p| p["sku"] == "BAR-TEST-2").unwrap();
    assert_eq!(elsewhere["locationCode"], chosen);
    assert_eq!(elsewhere["proposedLocationCode"], other_plan["locationCode"]);
    let statuses: Vec<&str> =
        done["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    for status in ["SUBMITTED", "ARRIVED", "RECEIVING", "RECEIVED", "PUTTING_AWAY", "PUTAWAY_DONE"] {
        assert!(statuses.contains(&status), "{status} in history {statuses:?}");
    }

    // Stock, lots and the log agree with the order.
    let good = stock_row(&s, &seller, "BAR-TEST-1", "GOOD").await.unwrap();
    assert_eq!(
        (good["total"].as_i64(), good["available"].as_i64(), good["inboundInTransit"].as_i64()),
        (Some(9), Some(9), Some(0))
    );
    let bad = stock_row(&s, &seller, "BAR-TEST-1", "DEFECTIVE").await.unwrap();
    assert_eq!(bad["total"], 1);
    assert_eq!(stock_row(&s, &seller, "BAR-TEST-2", "GOOD").await.unwrap()["total"], 5);
    let lots = s.get("/api/v1/inventory/lots?warehouseCode=US-LA01&sku=BAR-TEST-1", &seller).await;
    let lots = lots.ok()["items"].as_array().unwrap().clone();
    let lot = lots.iter().find(|l| l["condition"] == "GOOD").unwrap();
    assert_eq!(
        (lot["locationCode"].as_str(), lot["lotCode"].as_str(), lot["quantity"].as_i64(), lot["storageDays"].as_i64()),
        (Some(proposed.as_str()), Some(order_no.as_str()), Some(9), Some(0))
    );
    assert!(lots.iter().all(|l| !l["locationCode"].as_str().unwrap().starts_with("RCV")), "nothing left at the dock");
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={order_no}&pageSize=100"), &seller).await;
    let moves = log.ok()["items"].as_array().unwrap().clone();
    let sum = |source: &str, target_prefix: &str| -> i64 {
        moves
            .iter()
            .filter(|m| m["source"] == source && m["target"].as_str().unwrap().starts_with(target_prefix))
            .map(|m| m["quantity"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(sum("@INBOUND_TRANSIT", "RCV-"), 15, "every counted unit entered at the dock");
    assert_eq!(sum("RCV-01", ""), 15, "and left it for storage");
    assert!(moves.iter().all(|m| m["documentType"] == "INBOUND" && m["operator"] == "staff:admin"));
    assert!(
        moves
            .iter()
            .all(|m| m["diff"].as_i64().unwrap() == m["after"].as_i64().unwrap() - m["before"].as_i64().unwrap())
    );

    // The event for the seller's ERP, in JF WMS "storage" shape.
    let demo =
        haicang_store::party::find_customer(&mut s.app.store().read().await.unwrap(), "DEMO").await.unwrap().unwrap();
    let principal = haicang_app::CustomerPrincipal {
        customer_id: demo.customer_id,
        customer_code: demo.code,
        app_id: None,
        client_id: None,
        origin: Default::default(),
    };
    let events = s.app.events(&principal, 0, 100).await.unwrap();
    let putaway_events: Vec<Value> = events
        .iter()
        .filter(|e| e.event_type == "inbound.putaway")
        .map(|e| serde_json::from_str(&e.payload).unwrap())
        .collect();
    assert_eq!(putaway_events.len(), 2);
    let finish = &putaway_events[1]["data"];
    assert_eq!((finish["status"].as_str(), finish["orderNo"].as_str()), (Some("FINISH"), Some(order_no.as_str())));
    let line = finish["skuList"].as_array().unwrap().iter().find(|l| l["sku"] == "BAR-TEST-1").unwrap();
    assert_eq!(
        (line["num"].as_i64(), line["badNum"].as_i64(), line["thisTimeNum"].as_i64()),
        (Some(9), Some(1), Some(1))
    );

    // Another seller sees none of it.
    s.get(&format!("/api/v1/inbound-orders/{order_no}"), &stranger).await.err(40004, 404);
    assert_eq!(s.get("/api/v1/inbound-orders", &stranger).await.ok()["total"], 0);
    let (status, ..) = s.get_bytes(&format!("/api/v1/inbound-orders/{order_no}/labels.pdf"), &stranger).await;
    assert_eq!(status.as_u16(), 404);
    s.post(&format!("/api/v1/inbound-orders/{order_no}/cancel"), &stranger, &json!({})).await.err(40004, 404);
    assert_eq!(s.get("/api/v1/inventory?sku=BAR-TEST-1", &stranger).await.ok()["total"], 0);
    assert_eq!(s.get(&format!("/api/v1/inventory/log?documentNo={order_no}"), &stranger).await.ok()["total"], 0);
}

#[tokio::test]
async fn the_customer_reference_is_an_idempotency_key() {
    let s = start().await;
    let seller = s.customer().await;
    create_products(&s, &seller).await;
    let first = s.post("/api/v1/inbound-orders", &seller, &asn("ASN-IDEM")).await.ok().clone();
    let again = s.post("/api/v1/inbound-orders", &seller, &asn("ASN-IDEM")).await.ok().clone();
    assert_eq!(first["orderNo"], again["orderNo"]);
    assert_eq!((first["created"].as_bool(), again["created"].as_bool()), (Some(true), Some(false)));
    let mut changed = asn("ASN-IDEM");
    changed["boxes"][0]["items"][0]["quantity"] = json!(7);
    let conflict = s.post("/api/v1/inbound-orders", &seller, &changed).await;
    conflict.err(40001, 409);
    assert!(conflict.message().contains("ASN-IDEM"));
    let listed = s.get("/api/v1/inbound-orders?customerReference=ASN-IDEM", &seller).await;
    assert_eq!(listed.ok()["total"], 1);
    // Only announced once: in transit counts the order once.
    assert_eq!(stock_row(&s, &seller, "BAR-TEST-1", "GOOD").await.unwrap()["inboundInTransit"], 12);
    // Another seller may use the same reference for their own order.
    let other = s.other_customer("OTHER2").await;
    let mut theirs = product();
    theirs["barcode"] = json!("OTHER-BC-1");
    s.post("/api/v1/products", &other, &theirs).await.ok();
    let mut body = asn("ASN-IDEM");
    body["boxes"] = json!([body["boxes"][0]]);
    let own = s.post("/api/v1/inbound-orders", &other, &body).await;
    assert_ne!(own.ok()["orderNo"], first["orderNo"]);
}

#[tokio::test]
async fn announcements_break_rules_with_their_codes_and_create_nothing() {
    let s = start().await;
    let seller = s.customer().await;
    create_products(&s, &seller).await;
    type BreakRule = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(BreakRule, i64, u16)> = vec![
        (Box::new(|b| b["boxes"][0]["items"][0]["sku"] = json!("NOPE-1")), 20007, 404),
        (Box::new(|b| b["boxes"][0]["items"] = json!([])), 40021, 400),
        (Box::new(|b| b["boxes"][1]["boxNo"] = json!("1")), 40101, 400),
        (Box::new(|b| b["boxes"][2]["boxNo"] = json!("4")), 40102, 400),
        (Box::new(|b| b["boxes"][0]["heightCm"] = json!(0)), 40103, 400),
        (Box::new(|b| b["boxes"][0]["weightKg"] = json!(2000)), 40104, 400),
        (Box::new(|b| b["boxes"][0]["items"][0]["quantity"] = json!(0)), 40003, 400),
        (Box::new(|b| b["customerReference"] = json!(" ")), 40000, 400),
        (Box::new(|b| b["boxes"] = json!([])), 40002, 400),
        (Box::new(|b| b["forecastItems"] = json!([{"sku": "BAR-TEST-1", "quantity": 1}])), 40100, 400),
        (Box::new(|b| b["warehouseCode"] = json!("XX-NONE")), 10051, 404),
        (Box::new(|b| b["expectedArrival"] = json!("01/12/2026")), 40009, 400),
        (
            Box::new(|b| {
                let items: Vec<Value> = (0..101).map(|i| json!({"sku": format!("S{i}"), "quantity": 1})).collect();
                b["boxes"][0]["items"] = json!(items);
            }),
            40023,
            400,
        ),
        (
            Box::new(|b| {
                b["boxes"][0]["items"] =
                    json!([{"sku": "BAR-TEST-1", "quantity": 1}, {"sku": "BAR-TEST-1", "quantity": 2}]);
            }),
            40020,
            400,
        ),
    ];
    for (i, (break_rule, code, status)) in cases.iter().enumerate() {
        let mut body = asn(&format!("ASN-BAD-{i}"));
        break_rule(&mut body);
        s.post("/api/v1/inbound-orders", &seller, &body).await.err(*code, *status);
    }
    let many: Vec<Value> = (0..5001)
        .map(|_| json!({"lengthCm": 1, "widthCm": 1, "heightCm": 1, "weightKg": 1, "items": [{"sku": "BAR-TEST-1", "quantity": 1}]}))
        .collect();
    let mut body = asn("ASN-BAD-MANY");
    body["boxes"] = json!(many);
    s.post("/api/v1/inbound-orders", &seller, &body).await.err(40022, 400);
    // An inactive SKU, in Chinese.
    let mut inactive = product();
    inactive["sku"] = json!("BAR-TEST-2");
    inactive["barcode"] = json!("BAR0000002");
    inactive["status"] = json!("INACTIVE");
    s.put("/api/v1/products/BAR-TEST-2", &seller, &inactive).await.ok();
    let refused = s
        .call(
            reqwest::Method::POST,
            "/api/v1/inbound-orders",
            Some(&seller),
            Some(asn("ASN-BAD-INACTIVE").to_string()),
            Some("zh-CN"),
        )
        .await;
    refused.err(40107, 400);
    assert!(refused.message().contains("未启用"), "{}", refused.message());
    assert_eq!(s.get("/api/v1/inbound-orders", &seller).await.ok()["total"], 0, "nothing half-created");
    assert!(stock_row(&s, &seller, "BAR-TEST-1", "GOOD").await.is_none());

    // A third-party box barcode is unique per warehouse.
    inactive["status"] = json!("ACTIVE");
    s.put("/api/v1/products/BAR-TEST-2", &seller, &inactive).await.ok();
    let mut tagged = asn("ASN-TAG-1");
    tagged["boxes"][0]["barcode"] = json!("FBA15ABCD001U000001");
    s.post("/api/v1/inbound-orders", &seller, &tagged).await.ok();
    let mut again = asn("ASN-TAG-2");
    again["boxes"][1]["barcode"] = json!("FBA15ABCD001U000001");
    s.post("/api/v1/inbound-orders", &seller, &again).await.err(40106, 409);
}

#[tokio::test]
async fn forecast_orders_tracking_updates_and_cancellation() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    create_products(&s, &seller).await;
    let body = json!({"warehouseCode": "US-LA01", "type": "PARCEL", "customerReference": "FC-1", "draft": true,
                      "forecastItems": [{"sku": "BAR-TEST-1", "quantity": 20}]});
    let created = s.post("/api/v1/inbound-orders", &seller, &body).await.ok().clone();
    let no = created["orderNo"].as_str().unwrap().to_owned();
    assert_eq!(created["status"], "DRAFT");
    assert_eq!(
        stock_row(&s, &seller, "BAR-TEST-1", "GOOD").await.unwrap()["inboundInTransit"],
        0,
        "drafts are not in transit"
    );
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/arrive"), &staff, &json!({})).await.err(40028, 409);
    let t = s
        .put(
            &format!("/api/v1/inbound-orders/{no}/tracking"),
            &seller,
            &json!({"carrier": "FEDEX", "trackingNo": "7777-1"}),
        )
        .await;
    assert_eq!(t.ok()["trackingNo"], "7777-1");
    s.post(&format!("/api/v1/inbound-orders/{no}/submit"), &seller, &json!({})).await.ok();
    assert_eq!(stock_row(&s, &seller, "BAR-TEST-1", "GOOD").await.unwrap()["inboundInTransit"], 20);
    // Arrival by tracking number.
    let arrived =
        s.post("/api/v1/ops/inbound-orders/7777-1/arrive", &staff, &json!({"warehouseCode": "US-LA01"})).await;
    assert_eq!(arrived.ok()["orderNo"], no.as_str());
    let late = s.put(&format!("/api/v1/inbound-orders/{no}/tracking"), &seller, &json!({"trackingNo": "8888"})).await;
    late.err(40006, 409);
    assert!(late.message().contains("ARRIVED"));
    let cancel =
        s.post(&format!("/api/v1/inbound-orders/{no}/cancel"), &seller, &json!({"reason": "changed mind"})).await;
    cancel.err(40005, 409);
    assert!(cancel.message().contains("ARRIVED"));
    // A forecast order is counted without boxes.
    let path = format!("/api/v1/ops/inbound-orders/{no}/receive");
    s.post(&path, &staff, &json!({"lines": [{"sku": "BAR-TEST-1", "good": 18}]})).await.ok();
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/close-receipt"), &staff, &json!({})).await.ok();
    let detail = s.get(&format!("/api/v1/inbound-orders/{no}"), &seller).await.ok().clone();
    assert_eq!(
        detail["discrepancies"],
        json!([{"boxNo": null, "sku": "BAR-TEST-1", "kind": "SHORT", "expected": 20, "received": 18, "boxMissing": false}])
    );

    // A second order is cancelled before arrival and leaves transit.
    let other = json!({"warehouseCode": "US-LA01", "type": "PARCEL", "customerReference": "FC-2",
                       "forecastItems": [{"sku": "BAR-TEST-2", "quantity": 3}]});
    let no2 = s.post("/api/v1/inbound-orders", &seller, &other).await.ok()["orderNo"].as_str().unwrap().to_owned();
    assert_eq!(stock_row(&s, &seller, "BAR-TEST-2", "GOOD").await.unwrap()["inboundInTransit"], 3);
    let cancelled = s.post(&format!("/api/v1/inbound-orders/{no2}/cancel"), &seller, &json!({"reason": "oops"})).await;
    assert_eq!(cancelled.ok()["status"], "CANCELLED");
    assert_eq!(stock_row(&s, &seller, "BAR-TEST-2", "GOOD").await.unwrap()["inboundInTransit"], 0);
    let listed = s.get("/api/v1/inbound-orders?status=CANCELLED", &seller).await;
    assert_eq!(listed.ok()["total"], 1);
}

#[tokio::test]
async fn putaway_keeps_the_hard_rules() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    create_products(&s, &seller).await;
    let no =
        s.post("/api/v1/inbound-orders", &seller, &asn("ASN-RULES")).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/arrive"), &staff, &json!({})).await.ok();
    let path = format!("/api/v1/ops/inbound-orders/{no}/receive");
    s.post(&path, &staff, &json!({"boxNo": "1", "lines": [{"sku": "BAR-TEST-1", "good": 5, "defective": 1}]}))
        .await
        .ok();
    s.post(&path, &staff, &json!({"boxNo": "9", "lines": [{"sku": "BAR-TEST-1", "good": 1}]})).await.err(40109, 404);
    s.post(
        "/api/v1/ops/putaway",
        &staff,
        &json!({"inboundOrderNo": no, "lines": [{"sku": "BAR-TEST-1", "lotNo": no, "locationCode": "A-01-01-1", "quantity": 5}]}),
    )
    .await
    .err(40028, 409);
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/close-receipt"), &staff, &json!({})).await.ok();
    let line = |condition: &str, location: &str, quantity: i64| {
        json!({"inboundOrderNo": no, "lines": [{"sku": "BAR-TEST-1", "lotNo": no, "condition": condition,
               "locationCode": location, "quantity": quantity}]})
    };
    s.post("/api/v1/ops/putaway", &staff, &line("GOOD", "A-01-01-1", 6)).await.err(40110, 409);
    s.post("/api/v1/ops/putaway", &staff, &line("DEFECTIVE", "A-01-01-1", 1)).await.err(40111, 400);
    s.post("/api/v1/ops/putaway", &staff, &line("GOOD", "DEF-01", 1)).await.err(40111, 400);
    s.post("/api/v1/ops/putaway", &staff, &line("GOOD", "D-05-01-1", 1)).await.err(40111, 400);
    s.post("/api/v1/ops/putaway", &staff, &line("GOOD", "PACK-01", 1)).await.err(40111, 400);
    s.post("/api/v1/ops/putaway", &staff, &line("GOOD", "Z-99", 1)).await.err(30001, 404);
    let unchanged = s.get(&format!("/api/v1/ops/inbound-orders/{no}"), &staff).await.ok().clone();
    assert_eq!(unchanged["status"], "RECEIVED");
    assert_eq!(unchanged["putaways"], json!([]));
    // Defective units from receiving go to the defective area, the one
    // rule the planner and the confirmation share (quarantine is for holds).
    s.post("/api/v1/ops/putaway", &staff, &line("DEFECTIVE", "QC-01", 1)).await.err(40111, 400);
    s.post("/api/v1/ops/putaway", &staff, &line("GOOD", "A-01-01-1", 5)).await.ok();
    s.post("/api/v1/ops/putaway", &staff, &line("DEFECTIVE", "DEF-01", 1)).await.ok();
    let done = s.get(&format!("/api/v1/ops/inbound-orders/{no}"), &staff).await.ok().clone();
    assert_eq!(done["status"], "PUTAWAY_DONE");
    // Boxes 2 and 3 never came: short, and marked missing.
    let missing: Vec<&Value> =
        done["discrepancies"].as_array().unwrap().iter().filter(|d| d["boxMissing"] == true).collect();
    assert_eq!(missing.len(), 2);
}

#[tokio::test]
async fn an_order_whose_goods_never_came_ends_at_close_with_every_box_short() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    create_products(&s, &seller).await;
    let no =
        s.post("/api/v1/inbound-orders", &seller, &asn("ASN-EMPTY")).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post("/api/v1/ops/inbound-orders/1Z999/arrive", &staff, &json!({"warehouseCode": "US-LA01"})).await.ok();
    let closed = s.post(&format!("/api/v1/ops/inbound-orders/{no}/close-receipt"), &staff, &json!({})).await;
    assert_eq!(closed.ok()["status"], "PUTAWAY_DONE");
    let detail = s.get(&format!("/api/v1/inbound-orders/{no}"), &seller).await.ok().clone();
    let short: Vec<(&str, i64)> = detail["discrepancies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "SHORT" && d["boxMissing"] == true)
        .map(|d| (d["boxNo"].as_str().unwrap(), d["expected"].as_i64().unwrap()))
        .collect();
    assert_eq!(short, [("1", 6), ("2", 6), ("3", 4)]);
    assert_eq!(stock_row(&s, &seller, "BAR-TEST-1", "GOOD").await.unwrap()["inboundInTransit"], 0);
    assert_eq!(s.get(&format!("/api/v1/inventory/log?documentNo={no}"), &seller).await.ok()["total"], 0);
}

#[tokio::test]
async fn serial_and_batch_managed_goods_are_received_with_their_numbers() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let mut serial = product();
    serial["sku"] = json!("SER-1");
    serial["barcode"] = json!("SER0000001");
    serial["serialManaged"] = json!(true);
    s.post("/api/v1/products", &seller, &serial).await.ok();
    let mut batch = product();
    batch["sku"] = json!("BAT-1");
    batch["barcode"] = json!("BAT0000001");
    batch["batchManaged"] = json!(true);
    s.post("/api/v1/products", &seller, &batch).await.ok();
    let carton = |items: Value| json!({"lengthCm": 40, "widthCm": 30, "heightCm": 30, "weightKg": 8, "items": items});
    // A batch-managed SKU needs its batch or expiry on the ASN.
    let no_batch = json!({"warehouseCode": "US-LA01", "type": "CARTON", "customerReference": "SB-0",
                          "boxes": [carton(json!([{"sku": "BAT-1", "quantity": 4}]))]});
    s.post("/api/v1/inbound-orders", &seller, &no_batch).await.err(30004, 400);
    let body = json!({"warehouseCode": "US-LA01", "type": "CARTON", "customerReference": "SB-1",
        "boxes": [carton(json!([{"sku": "SER-1", "quantity": 2},
                                {"sku": "BAT-1", "quantity": 4, "batchNo": "B77", "expiryDate": "2027-06-30"}]))]});
    let no = s.post("/api/v1/inbound-orders", &seller, &body).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/arrive"), &staff, &json!({})).await.ok();
    let path = format!("/api/v1/ops/inbound-orders/{no}/receive");
    let receive = |serials: Value| {
        json!({"boxNo": "1", "lines": [{"sku": "SER-1", "good": 2, "serials": serials},
                                       {"sku": "BAT-1", "good": 4}]})
    };
    s.post(&path, &staff, &receive(json!(["SN-1"]))).await.err(30003, 400);
    s.post(&path, &staff, &json!({"boxNo": "1", "lines": [{"sku": "SER-1", "good": 2}]})).await.err(30003, 400);
    s.post(&path, &staff, &receive(json!(["SN-1", "SN-2"]))).await.ok();
    // The same serial cannot be received twice.
    let again = json!({"boxNo": "1", "lines": [{"sku": "SER-1", "good": 1, "serials": ["SN-2"]}]});
    s.post(&path, &staff, &again).await.err(30003, 400);
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/close-receipt"), &staff, &json!({})).await.ok();
    let lots = s.get("/api/v1/inventory/lots?sku=BAT-1", &seller).await.ok()["items"][0].clone();
    assert_eq!((lots["batchNo"].as_str(), lots["expiryDate"].as_str()), (Some("B77"), Some("2027-06-30")));
    assert_eq!(lots["lotCode"], format!("{no}-B77"));
    let put = json!({"inboundOrderNo": no, "lines": [
        {"sku": "SER-1", "lotNo": no, "locationCode": "A-04-04-4", "quantity": 2},
        {"sku": "BAT-1", "lotNo": format!("{no}-B77"), "locationCode": "A-04-04-3", "quantity": 4}]});
    assert_eq!(s.post("/api/v1/ops/putaway", &staff, &put).await.ok()["status"], "PUTAWAY_DONE");
    let serials = s.get("/api/v1/inventory/serials?sku=SER-1", &seller).await.ok()["items"].clone();
    let at: Vec<(&str, &str)> = serials
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["serial"].as_str().unwrap(), x["locationCode"].as_str().unwrap()))
        .collect();
    assert_eq!(at, [("SN-1", "A-04-04-4"), ("SN-2", "A-04-04-4")], "serials follow their units");
}

#[tokio::test]
async fn confirmation_refuses_what_the_planner_never_proposes_another_seller_or_a_second_sku() {
    let s = start().await;
    let staff = s.staff().await;
    // DEMO's stock in A-01-05-1; a single-SKU storage location beside it.
    s.adjust(&staff, "DEMO", json!([{"sku": "DEMO-0001", "locationCode": "A-01-05-1", "quantity": 3}])).await;
    let single = haicang_app::admin::LocationImportRow {
        code: "S-01-01-1".into(),
        zone: "S".into(),
        aisle: 30,
        bay: 1,
        level: 1,
        location_type: "STORAGE".into(),
        single_sku: true,
        ..Default::default()
    };
    s.app.import_locations("US-LA01", vec![single], |_| {}).await.unwrap();
    let other = s.other_customer("ACME").await;
    create_products(&s, &other).await;
    let no =
        s.post("/api/v1/inbound-orders", &other, &asn("ACME-ASN")).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/arrive"), &staff, &json!({})).await.ok();
    for (box_no, sku, good) in [("1", "BAR-TEST-1", 6), ("3", "BAR-TEST-2", 4)] {
        let body = json!({"boxNo": box_no, "lines": [{"sku": sku, "good": good}]});
        s.post(&format!("/api/v1/ops/inbound-orders/{no}/receive"), &staff, &body).await.ok();
    }
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/close-receipt"), &staff, &json!({})).await.ok();
    let line = |sku: &str, location: &str, quantity: i64| json!({"inboundOrderNo": no, "lines": [{"sku": sku, "lotNo": no, "locationCode": location, "quantity": quantity}]});
    let mixed = s.post("/api/v1/ops/putaway", &staff, &line("BAR-TEST-1", "A-01-05-1", 6)).await;
    mixed.err(40111, 400);
    assert!(mixed.message().contains("another seller"), "{}", mixed.message());
    // The planner never proposed it either.
    let plan = s.get(&format!("/api/v1/ops/inbound-orders/{no}/putaway-plan"), &staff).await;
    assert!(plan.ok()["items"].as_array().unwrap().iter().all(|i| i["locationCode"] != "A-01-05-1"));
    s.post("/api/v1/ops/putaway", &staff, &line("BAR-TEST-1", "S-01-01-1", 6)).await.ok();
    let second = s.post("/api/v1/ops/putaway", &staff, &line("BAR-TEST-2", "S-01-01-1", 4)).await;
    second.err(40111, 400);
    assert!(second.message().contains("one SKU"), "{}", second.message());
    s.post("/api/v1/ops/putaway", &staff, &line("BAR-TEST-2", "A-01-06-1", 4)).await.ok();
}

#[tokio::test]
async fn a_count_that_would_overflow_is_a_clear_error_and_counts_nothing() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    create_products(&s, &seller).await;
    let no =
        s.post("/api/v1/inbound-orders", &seller, &asn("ASN-BIG")).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/arrive"), &staff, &json!({})).await.ok();
    let path = format!("/api/v1/ops/inbound-orders/{no}/receive");
    for (good, defective) in [(i64::MAX, 1), (i64::MAX, i64::MAX), (-1, 2), (0, 0)] {
        let body = json!({"boxNo": "1", "lines": [{"sku": "BAR-TEST-1", "good": good, "defective": defective}]});
        let a = s.post(&path, &staff, &body).await;
        assert_eq!(a.status.as_u16(), 400, "{good}+{defective}: {}", a.body);
    }
    let detail = s.get(&format!("/api/v1/ops/inbound-orders/{no}"), &staff).await;
    assert_eq!(detail.ok()["receipts"], json!([]));
    assert_eq!(detail.ok()["status"], "ARRIVED");
}
