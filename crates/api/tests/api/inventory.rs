use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Server, product, start};

async fn stock_row(s: &Server, t: &str, sku: &str) -> Value {
    let a = s.get(&format!("/api/v1/inventory?warehouseCode=US-LA01&sku={sku}"), t).await;
    a.ok()["items"][0].clone()
}

#[tokio::test]
async fn the_acceptance_path_from_product_to_inventory_log() {
    let s = start().await;
    let t = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &t, &product()).await.ok();
    let location = s.storage_location(&staff, 0).await;
    let doc = s
        .adjust(
            &staff,
            "DEMO",
            json!([{"sku": "BAR-TEST-1", "locationCode": location, "quantity": 10, "condition": "GOOD"}]),
        )
        .await;
    assert!(doc.starts_with("AD") && doc.len() == 12, "{doc}");

    let row = stock_row(&s, &t, "BAR-TEST-1").await;
    assert_eq!(row["sku"], "BAR-TEST-1");
    assert_eq!(row["warehouseCode"], "US-LA01");
    assert_eq!(row["condition"], "GOOD");
    assert_eq!(
        (row["total"].as_i64(), row["available"].as_i64(), row["reserved"].as_i64()),
        (Some(10), Some(10), Some(0))
    );
    assert_eq!(row["inboundInTransit"], 0);

    let log = s.get("/api/v1/inventory/log?sku=BAR-TEST-1", &t).await;
    let entry = log.ok()["items"][0].clone();
    assert_eq!(entry["documentNo"], doc.as_str());
    assert_eq!(
        (entry["before"].as_i64(), entry["after"].as_i64(), entry["diff"].as_i64()),
        (Some(0), Some(10), Some(10))
    );
    assert_eq!(entry["source"], "@ADJUSTMENT");
    assert_eq!(entry["target"], location.as_str());
    assert_eq!(entry["operator"], "staff:admin");
    assert_eq!(entry["reason"], "test");
}

#[tokio::test]
async fn units_out_come_from_the_oldest_lots_and_every_step_is_logged() {
    let s = start().await;
    let t = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &t, &product()).await.ok();
    let loc = s.storage_location(&staff, 3).await;
    s.adjust(&staff, "DEMO", json!([{"sku": "BAR-TEST-1", "locationCode": loc, "quantity": 4, "lotCode": "OLD"}]))
        .await;
    s.adjust(&staff, "DEMO", json!([{"sku": "BAR-TEST-1", "locationCode": loc, "quantity": 6, "lotCode": "NEW"}]))
        .await;
    let out = s
        .adjust(
            &staff,
            "DEMO",
            json!([{"sku": "BAR-TEST-1", "locationCode": loc, "quantity": -5, "reason": "damaged in storage"}]),
        )
        .await;

    let row = stock_row(&s, &t, "BAR-TEST-1").await;
    assert_eq!(row["total"], 5);
    let lots = s.get("/api/v1/inventory/lots?sku=BAR-TEST-1", &t).await;
    let lots: Vec<(String, i64)> = lots.ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["lotCode"].as_str().unwrap().to_owned(), l["quantity"].as_i64().unwrap()))
        .collect();
    assert_eq!(lots, vec![("NEW".to_owned(), 5)], "the old lot went first");

    let log = s.get(&format!("/api/v1/inventory/log?documentNo={out}"), &t).await;
    let moves = log.ok()["items"].as_array().unwrap().clone();
    assert_eq!(moves.len(), 2, "one movement per lot taken");
    let mut seen: Vec<(i64, i64, i64)> = moves
        .iter()
        .map(|m| (m["before"].as_i64().unwrap(), m["after"].as_i64().unwrap(), m["diff"].as_i64().unwrap()))
        .collect();
    seen.sort();
    assert_eq!(seen, vec![(6, 5, -1), (10, 6, -4)]);
    assert!(moves.iter().all(|m| m["reason"] == "damaged in storage" && m["target"] == "@ADJUSTMENT"));

    // The whole history replays to the balance.
    let all = s.get("/api/v1/inventory/log?sku=BAR-TEST-1&warehouseCode=US-LA01", &t).await;
    let sum: i64 = all.ok()["items"].as_array().unwrap().iter().map(|m| m["diff"].as_i64().unwrap()).sum();
    assert_eq!(sum, 5);
}

#[tokio::test]
async fn the_log_filters_by_time_range_and_document() {
    let s = start().await;
    let t = s.customer().await;
    let staff = s.staff().await;
    let loc = s.storage_location(&staff, 1).await;
    let first = s.adjust(&staff, "DEMO", json!([{"sku": "DEMO-0040", "locationCode": loc, "quantity": 2}])).await;
    let a = s.get("/api/v1/inventory/log?sku=DEMO-0040", &t).await;
    let created = a.ok()["items"][0]["createdAt"].as_str().unwrap().to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let second = s.adjust(&staff, "DEMO", json!([{"sku": "DEMO-0040", "locationCode": loc, "quantity": 3}])).await;

    let everything = s.get("/api/v1/inventory/log?sku=DEMO-0040", &t).await;
    assert_eq!(everything.ok()["total"], 2);
    let to = s.get(&format!("/api/v1/inventory/log?sku=DEMO-0040&to={}", created.replace(':', "%3A")), &t).await;
    assert_eq!(to.ok()["total"], 0, "`to` is exclusive");
    let from = s.get(&format!("/api/v1/inventory/log?sku=DEMO-0040&from={}", created.replace(':', "%3A")), &t).await;
    assert_eq!(from.ok()["total"], 2);
    let by_doc = s.get(&format!("/api/v1/inventory/log?documentNo={second}"), &t).await;
    assert_eq!(by_doc.ok()["items"][0]["diff"], 3);
    assert_ne!(first, second);
    s.get("/api/v1/inventory/log?from=yesterday", &t).await.err(10031, 400);
}

#[tokio::test]
async fn a_failing_line_leaves_the_whole_adjustment_unwritten() {
    let s = start().await;
    let t = s.customer().await;
    let staff = s.staff().await;
    let loc = s.storage_location(&staff, 2).await;
    let before = s.get("/api/v1/inventory/log?pageSize=1", &t).await.ok()["total"].clone();
    let body = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "count",
        "lines": [{"sku": "DEMO-0041", "locationCode": loc, "quantity": 5},
                  {"sku": "DEMO-0042", "locationCode": loc, "quantity": -1}]});
    for (lang, fragment) in
        [("en", "Insufficient stock of DEMO-0042: requested 1, available 0"), ("zh_CN", "DEMO-0042 库存不足")]
    {
        let a = s.call(Method::POST, "/api/v1/ops/adjustments", Some(&staff), Some(body.to_string()), Some(lang)).await;
        a.err(30002, 409);
        assert!(a.message().contains(fragment), "{}", a.message());
    }
    assert_eq!(s.get("/api/v1/inventory/log?pageSize=1", &t).await.ok()["total"], before);
    assert_eq!(s.get("/api/v1/inventory?sku=DEMO-0041", &t).await.ok()["total"], 0);
}

#[tokio::test]
async fn adjustments_refuse_unknown_things_with_their_codes() {
    let s = start().await;
    let staff = s.staff().await;
    let loc = s.storage_location(&staff, 0).await;
    let post = |customer: &str, warehouse: &str, line: Value| json!({"warehouseCode": warehouse, "customerCode": customer, "reason": "x", "lines": [line]});
    let cases = [
        (post("DEMO", "US-LA01", json!({"sku": "NOPE-9", "locationCode": loc, "quantity": 1})), 20007, 404),
        (post("DEMO", "US-LA01", json!({"sku": "DEMO-0001", "locationCode": "Z-99-99-9", "quantity": 1})), 30001, 404),
        (post("NOBODY", "US-LA01", json!({"sku": "DEMO-0001", "locationCode": loc, "quantity": 1})), 30005, 404),
        (post("DEMO", "XX-NONE", json!({"sku": "DEMO-0001", "locationCode": loc, "quantity": 1})), 10051, 404),
        (post("DEMO", "US-LA01", json!({"sku": "DEMO-0001", "locationCode": loc, "quantity": 0})), 10031, 400),
        (
            post(
                "DEMO",
                "US-LA01",
                json!({"sku": "DEMO-0001", "locationCode": loc, "quantity": 1, "condition": "BROKEN"}),
            ),
            10031,
            400,
        ),
        (
            post(
                "DEMO",
                "US-LA01",
                json!({"sku": "DEMO-0001", "locationCode": loc, "quantity": 1, "expiryDate": "31/12/2027"}),
            ),
            10031,
            400,
        ),
        (
            post("DEMO", "US-LA01", json!({"sku": "DEMO-0001", "locationCode": loc, "quantity": 1, "serials": ["S1"]})),
            30003,
            400,
        ),
        (json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "x", "lines": []}), 10000, 400),
        (
            json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": " ", "lines": [{"sku": "DEMO-0001", "locationCode": loc, "quantity": 1}]}),
            10000,
            400,
        ),
    ];
    for (body, code, status) in cases {
        let a = s.post("/api/v1/ops/adjustments", &staff, &body).await;
        a.err(code, status);
    }
}

#[tokio::test]
async fn serial_and_batch_managed_products_carry_their_serials_and_lots() {
    let s = start().await;
    let t = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &t, &json!({"sku": "PHONE-1", "name": "Phone", "serialManaged": true})).await.ok();
    s.post("/api/v1/products", &t, &json!({"sku": "MILK-1", "name": "Milk powder", "batchManaged": true})).await.ok();
    let loc = s.storage_location(&staff, 5).await;

    let body =
        |line: Value| json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "x", "lines": [line]});
    let a = s
        .post(
            "/api/v1/ops/adjustments",
            &staff,
            &body(json!({"sku": "PHONE-1", "locationCode": loc, "quantity": 2, "serials": ["SN1"]})),
        )
        .await;
    a.err(30003, 400);
    s.adjust(
        &staff,
        "DEMO",
        json!([{"sku": "PHONE-1", "locationCode": loc, "quantity": 3, "serials": ["SN1", "SN2", "SN3"]}]),
    )
    .await;
    let a = s
        .post(
            "/api/v1/ops/adjustments",
            &staff,
            &body(json!({"sku": "PHONE-1", "locationCode": loc, "quantity": 1, "serials": ["SN2"]})),
        )
        .await;
    a.err(30003, 400);
    s.adjust(&staff, "DEMO", json!([{"sku": "PHONE-1", "locationCode": loc, "quantity": -1, "serials": ["SN2"]}]))
        .await;
    let serials = s.get("/api/v1/inventory/serials?sku=PHONE-1", &t).await;
    let states: Vec<(String, String)> = serials.ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["serial"].as_str().unwrap().to_owned(), x["status"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        states,
        vec![("SN1".into(), "IN_STOCK".into()), ("SN2".into(), "OUT".into()), ("SN3".into(), "IN_STOCK".into())]
    );
    assert_eq!(s.get("/api/v1/inventory/serials?serial=SN3", &t).await.ok()["items"][0]["locationCode"], loc.as_str());

    let a = s
        .post("/api/v1/ops/adjustments", &staff, &body(json!({"sku": "MILK-1", "locationCode": loc, "quantity": 5})))
        .await;
    a.err(30004, 400);
    s.adjust(
        &staff,
        "DEMO",
        json!([{"sku": "MILK-1", "locationCode": loc, "quantity": 5, "batchNo": "B42", "expiryDate": "2027-06-30"}]),
    )
    .await;
    let lots = s.get("/api/v1/inventory/lots?sku=MILK-1", &t).await;
    let lot = lots.ok()["items"][0].clone();
    assert_eq!(lot["batchNo"], "B42");
    assert_eq!(lot["expiryDate"], "2027-06-30");
    assert_eq!(lot["quantity"], 5);
    assert_eq!(lot["storageDays"], 0);
}

#[tokio::test]
async fn stock_rows_are_per_condition_and_filterable() {
    let s = start().await;
    let t = s.customer().await;
    let staff = s.staff().await;
    let loc = s.storage_location(&staff, 7).await;
    s.adjust(
        &staff,
        "DEMO",
        json!([
            {"sku": "DEMO-0045", "locationCode": loc, "quantity": 7},
            {"sku": "DEMO-0045", "locationCode": loc, "quantity": 2, "condition": "DEFECTIVE"}
        ]),
    )
    .await;
    let rows = s.get("/api/v1/inventory?sku=DEMO-0045", &t).await;
    let rows = rows.ok()["items"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 2);
    let defective = rows.iter().find(|r| r["condition"] == "DEFECTIVE").unwrap();
    assert_eq!(defective["total"], 2);
    assert!(defective.get("inboundInTransit").is_none(), "only GOOD rows carry inbound in transit");
    let only = s.get("/api/v1/inventory?sku=DEMO-0045&condition=defective", &t).await;
    assert_eq!(only.ok()["total"], 1);
    let many = s.get("/api/v1/inventory?sku=DEMO-0045&sku=DEMO-0001,DEMO-0002", &t).await;
    assert_eq!(many.ok()["total"], 4, "DEMO-0001 and -0002 have demo stock");
    let too_many: String = (0..101).map(|i| format!("sku=S{i}&")).collect();
    s.get(&format!("/api/v1/inventory?{too_many}"), &t).await.err(10031, 400);
    s.get("/api/v1/inventory?condition=MELTED", &t).await.err(10031, 400);
}

#[tokio::test]
async fn one_count_adjusts_the_stock_of_several_owners_each_in_its_own_books() {
    let s = start().await;
    let demo = s.customer().await;
    let beta = s.other_customer("BETA").await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &beta, &json!({"sku": "DEMO-0001", "name": "Beta's own SKU of the same code"}))
        .await
        .ok();
    let loc = s.storage_location(&staff, 9).await;
    let doc = s
        .adjust(
            &staff,
            "DEMO",
            json!([
                {"sku": "DEMO-0001", "locationCode": loc, "quantity": 4},
                {"sku": "DEMO-0001", "locationCode": loc, "quantity": 9, "customerCode": "BETA"}
            ]),
        )
        .await;
    let beta_rows = s.get("/api/v1/inventory?sku=DEMO-0001", &beta).await;
    assert_eq!(beta_rows.ok()["items"][0]["total"], 9);
    let beta_log = s.get(&format!("/api/v1/inventory/log?documentNo={doc}"), &beta).await;
    assert_eq!(beta_log.ok()["total"], 1, "B sees only its own line of the shared document");
    let demo_log = s.get(&format!("/api/v1/inventory/log?documentNo={doc}"), &demo).await;
    assert_eq!(demo_log.ok()["items"][0]["diff"], 4);
    let body = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "x",
        "lines": [{"sku": "DEMO-0001", "locationCode": loc, "quantity": 1, "customerCode": "GAMMA"}]});
    s.post("/api/v1/ops/adjustments", &staff, &body).await.err(30005, 404);
}

#[tokio::test]
async fn an_adjustment_out_takes_the_first_lot_to_expire_not_the_first_in() {
    let s = start().await;
    let t = s.customer().await;
    let staff = s.staff().await;
    s.post("/api/v1/products", &t, &json!({"sku": "MILK-9", "name": "Milk powder", "batchManaged": true})).await.ok();
    let loc = s.storage_location(&staff, 7).await;
    // The late-expiring batch came in first.
    for (batch, expiry) in [("LATE", "2027-12-31"), ("EARLY", "2027-03-31")] {
        s.adjust(
            &staff,
            "DEMO",
            json!([{"sku": "MILK-9", "locationCode": loc, "quantity": 5, "batchNo": batch, "expiryDate": expiry}]),
        )
        .await;
    }
    s.adjust(&staff, "DEMO", json!([{"sku": "MILK-9", "locationCode": loc, "quantity": -7}])).await;
    let lots = s.get("/api/v1/inventory/lots?sku=MILK-9", &t).await;
    let left: Vec<(String, i64)> = lots.ok()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["batchNo"].as_str().unwrap().to_owned(), l["quantity"].as_i64().unwrap()))
        .filter(|(_, q)| *q > 0)
        .collect();
    assert_eq!(left, vec![("LATE".to_owned(), 3)], "EARLY (5) leaves first, then 2 of LATE");
}

/// A limit counts what the client sent: 101 blank SKU filters are over 100
/// (schemathesis sent exactly that and was answered 200), as are blank
/// warehouses; 100 are fine.
#[tokio::test]
async fn filter_limits_count_blank_values_too() {
    let s = start().await;
    let t = s.customer().await;
    for path in ["/api/v1/inventory/lots", "/api/v1/inventory"] {
        let over = format!("{path}?{}", vec!["sku="; 101].join("&"));
        let a = s.get(&over, &t).await;
        assert_eq!((a.status.as_u16(), a.code()), (400, 10031), "{path}: {}", a.body);
        let at = format!("{path}?{}", vec!["sku="; 100].join("&"));
        s.get(&at, &t).await.ok();
        let warehouses = format!("{path}?{}", vec!["warehouseCode="; 21].join("&"));
        assert_eq!(s.get(&warehouses, &t).await.status.as_u16(), 400);
    }
    // Cartons: 100 SKUs and 100 box numbers each, as documented (the sum
    // was once capped at 100).
    let both = format!("/api/v1/inventory/boxes?{}&boxNo=", vec!["sku="; 100].join("&"));
    s.get(&both, &t).await.ok();
    let over = format!("/api/v1/inventory/boxes?{}", vec!["boxNo="; 101].join("&"));
    assert_eq!(s.get(&over, &t).await.status.as_u16(), 400);
}
