//! Billing over HTTP: the charges of shipped orders, storage by age tier,
//! wallets and credit, bills, card versions, and replays that change
//! nothing. Each test sets the card it checks against, so every expected
//! amount is computed here from the rates the test chose.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Server, start};
use crate::outbound::{order, pick_cart};

/// A card for DEMO with these rates (code unique per test).
async fn card_for_demo(s: &Server, staff: &str, code: &str, rates: Value) {
    let card = json!({"code": code, "name": code, "currency": "USD", "effectiveFrom": "2020-01-01", "rates": rates});
    s.post("/api/v1/ops/rate-cards", staff, &card).await.ok();
    s.put("/api/v1/ops/customers/DEMO/rate-card", staff, &json!({"rateCardCode": code})).await.ok();
}

async fn balance(s: &Server, seller: &str) -> i64 {
    let w = s.get("/api/v1/wallet", seller).await.ok().clone();
    w["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["currency"] == "USD")
        .map_or(0, |b| b["balance"].as_i64().unwrap())
}

async fn charges_of(s: &Server, seller: &str, document_no: &str) -> Vec<Value> {
    let page = s.get(&format!("/api/v1/charges?documentNo={document_no}&pageSize=100"), seller).await;
    page.ok()["items"].as_array().unwrap().clone()
}

/// Creates, waves, picks, packs (1.2 kg) and ships one order.
async fn ship(s: &Server, seller: &str, staff: &str, reference: &str, items: Value) -> String {
    let no = s.post("/api/v1/outbound-orders", seller, &order(reference, items)).await.ok()["orderNo"]
        .as_str()
        .unwrap()
        .to_owned();
    crate::outbound::ship_order(s, staff, &no).await;
    no
}

#[tokio::test]
async fn a_shipped_order_is_charged_once_by_its_card_and_the_wallet_follows() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let (per_order, per_extra, band, per_line, label) = (300, 25, 70, 12, 9);
    let rates = json!({"outboundPerOrder": per_order, "outboundPerExtraUnit": per_extra,
        "outboundWeightBands": [{"upToG": 1000, "surcharge": 0}, {"upToG": 5000, "surcharge": band}],
        "pickPerExtraLine": per_line, "labelPerOrder": label});
    card_for_demo(&s, &staff, "SHIP-USD", rates).await;
    let before = balance(&s, &seller).await;
    let items = json!([{"sku": "DEMO-0001", "quantity": 3}, {"sku": "DEMO-0002", "quantity": 1}]);
    let no = ship(&s, &seller, &staff, "BILL-SHIP-1", items).await;
    // 4 units (3 extra), 2 lines (1 extra), 1.2 kg (second band), a label.
    let expected = per_order + 3 * per_extra + band + per_line + label;
    let charges = charges_of(&s, &seller, &no).await;
    let total: i64 = charges.iter().map(|c| c["amount"].as_i64().unwrap()).sum();
    assert_eq!(total, expected, "{charges:?}");
    let types: Vec<&str> = charges.iter().map(|c| c["chargeType"].as_str().unwrap()).collect();
    assert_eq!(types, ["OUTBOUND_ORDER", "OUTBOUND_ORDER", "OUTBOUND_ORDER", "PICK", "LABEL"]);
    // Every charge points at the order and the event of its shipping.
    let event = s.event(&seller, "order.shipped", &no).await;
    assert!(charges.iter().all(|c| c["eventId"] == event["id"] && c["documentType"] == "OUTBOUND"), "{charges:?}");
    assert!(charges.iter().all(|c| c["rateCardVersion"] == 1));
    // The order's detail lists its fees.
    let detail = s.get(&format!("/api/v1/outbound-orders/{no}"), &seller).await.ok().clone();
    let fees: i64 = detail["fees"].as_array().unwrap().iter().map(|f| f["amount"].as_i64().unwrap()).sum();
    assert_eq!(fees, expected);
    assert_eq!(balance(&s, &seller).await, before - expected);
    let history = s.get("/api/v1/wallet/transactions?pageSize=10", &seller).await.ok().clone();
    let debits: i64 = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "CHARGE")
        .take(charges.len())
        .map(|t| t["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(debits, -expected);
    // Replaying every stored event charges nothing more.
    assert_eq!(s.app.replay_event_charges().await.unwrap(), 0);
    assert_eq!(charges_of(&s, &seller, &no).await.len(), charges.len());
    assert_eq!(balance(&s, &seller).await, before - expected);
}

#[tokio::test]
async fn storage_is_charged_once_a_day_by_the_age_tier_of_each_lot() {
    let s = start().await;
    let staff = s.staff().await;
    // A seller of its own: one product of 10 × 20 × 25 cm = 5,000 cm³.
    let seller = s.other_customer("STORE1").await;
    let mut p = crate::harness::product();
    p["sku"] = json!("BOX-5L");
    p["lengthCm"] = json!(10);
    p["widthCm"] = json!(20);
    p["heightCm"] = json!(25);
    s.post("/api/v1/products", &seller, &p).await.ok();
    let card = json!({"code": "STORE-USD", "name": "Storage", "currency": "USD", "effectiveFrom": "2020-01-01",
        "rates": {"storageTiers": [{"fromDay": 0, "perM3Day": 75}, {"fromDay": 31, "perM3Day": 140}]}});
    s.post("/api/v1/ops/rate-cards", &staff, &card).await.ok();
    s.put("/api/v1/ops/customers/STORE1/rate-card", &staff, &json!({"rateCardCode": "STORE-USD"})).await.ok();
    let location = s.storage_location(&staff, 3).await;
    // 30 units today (tier 0) and 70 units of a lot that came in 45 days ago.
    let today = chrono::Utc::now().date_naive();
    s.adjust(&staff, "STORE1", json!([{"sku": "BOX-5L", "locationCode": location, "quantity": 30, "lotCode": "NEW"}]))
        .await;
    let old_lot = json!([{"sku": "BOX-5L", "locationCode": location, "quantity": 70, "lotCode": "OLD"}]);
    s.adjust(&staff, "STORE1", old_lot).await;
    let old_inbound = (today - chrono::Days::new(45)).and_hms_opt(12, 0, 0).unwrap().and_utc().timestamp_millis();
    haicang_store::testing::set_lot_inbound_at(s.app.store(), "OLD", old_inbound).await.unwrap();
    let day = today.format("%Y-%m-%d").to_string();
    let run = s.post("/api/v1/ops/billing/storage", &staff, &json!({"date": day})).await.ok().clone();
    assert_eq!(run["alreadyDone"], false);
    // 0.15 m³ × 75 = 11.25 → 11; 0.35 m³ × 140 = 49 (half to even per line).
    let charges = s.get(&format!("/api/v1/charges?type=STORAGE&from={day}&to={day}"), &seller).await.ok().clone();
    let amounts: Vec<i64> =
        charges["items"].as_array().unwrap().iter().map(|c| c["amount"].as_i64().unwrap()).collect();
    assert_eq!(amounts, [11, 49], "{charges}");
    assert_eq!(charges["items"][0]["quantity"], 150_000);
    assert_eq!(charges["items"][1]["detail"], "0.35 m³ stored 31+ days");
    // The same day again writes nothing.
    let again = s.post("/api/v1/ops/billing/storage", &staff, &json!({"date": day})).await.ok().clone();
    assert_eq!(again["alreadyDone"], true);
    let after = s.get(&format!("/api/v1/charges?type=STORAGE&from={day}&to={day}"), &seller).await.ok().clone();
    assert_eq!(after["total"], 2);
    let wallet = s.get("/api/v1/wallet", &seller).await.ok().clone();
    assert_eq!(wallet["balances"][0]["balance"], -60, "{wallet}");
    // Falling below zero told the seller, once.
    let document = format!("ST-{}", day.replace('-', ""));
    let low = s.event(&seller, "wallet.low_balance", &document).await;
    assert_eq!((low["data"]["balance"].as_i64(), low["data"]["available"].as_i64()), (Some(-11), Some(-11)));
    let feed = s.get("/api/v1/events?types=wallet.low_balance", &seller).await.ok().clone();
    assert_eq!(feed["events"].as_array().unwrap().len(), 1, "{feed}");
}

#[tokio::test]
async fn orders_past_balance_and_credit_are_refused_with_10049_unless_the_policy_allows() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    card_for_demo(&s, &staff, "CREDIT-USD", json!({"outboundPerOrder": 500, "outboundPerExtraUnit": 100})).await;
    // Pay out all but 5.00: an order of 2 units (6.00) no longer fits.
    let have = balance(&s, &seller).await;
    let refund = json!({"currency": "USD", "amount": -(have - 500), "reference": "refund"});
    s.post("/api/v1/ops/customers/DEMO/wallet/top-ups", &staff, &refund).await.ok();
    s.put("/api/v1/ops/customers/DEMO/credit", &staff, &json!({"currency": "USD", "creditLimit": 0})).await.ok();
    let two = json!([{"sku": "DEMO-0001", "quantity": 2}]);
    let refused = s.post("/api/v1/outbound-orders", &seller, &order("CREDIT-1", two.clone())).await;
    refused.err(10049, 402);
    let body = order("CREDIT-1", two.clone()).to_string();
    let zh = s.call(Method::POST, "/api/v1/outbound-orders", Some(&seller), Some(body), Some("zh")).await;
    assert!(zh.message().contains("余额不足"), "{}", zh.body);
    // One unit (5.00) still fits; credit of 1.00 lets the second order in.
    s.post("/api/v1/outbound-orders", &seller, &order("CREDIT-2", json!([{"sku": "DEMO-0001", "quantity": 1}])))
        .await
        .ok();
    s.put("/api/v1/ops/customers/DEMO/credit", &staff, &json!({"currency": "USD", "creditLimit": 100})).await.ok();
    s.post("/api/v1/outbound-orders", &seller, &order("CREDIT-1", two.clone())).await.ok();
    // Under ALLOW, past credit is accepted (and owed).
    s.put("/api/v1/ops/customers/DEMO/credit", &staff, &json!({"currency": "USD", "creditLimit": 0})).await.ok();
    s.post("/api/v1/outbound-orders", &seller, &order("CREDIT-3", two.clone())).await.err(10049, 402);
    let allow = json!({"currency": "USD", "creditLimit": 0, "policy": "ALLOW"});
    s.put("/api/v1/ops/customers/DEMO/credit", &staff, &allow).await.ok();
    s.post("/api/v1/outbound-orders", &seller, &order("CREDIT-3", two)).await.ok();
    let wallet = s.get("/api/v1/wallet", &seller).await.ok().clone();
    assert_eq!(
        (wallet["creditPolicy"].as_str(), wallet["balances"][0]["balance"].as_i64()),
        (Some("ALLOW"), Some(500))
    );
}

#[tokio::test]
async fn a_month_of_charges_is_one_bill_that_is_issued_and_paid_with_its_csv() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    card_for_demo(&s, &staff, "BILL-USD", json!({"outboundPerOrder": 200})).await;
    let vas = json!({"customerCode": "DEMO", "warehouseCode": "US-LA01", "amount": 1250,
                     "reason": "relabel, \"fragile\" cartons", "documentNo": "IB-VAS-1"});
    let charge = s.post("/api/v1/ops/charges", &staff, &vas).await.ok().clone();
    assert_eq!((charge["chargeType"].as_str(), charge["amountText"].as_str()), (Some("VAS"), Some("12.50")));
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let bills = s.get(&format!("/api/v1/bills?from={today}&to={today}"), &seller).await.ok().clone();
    let bill = bills["items"].as_array().unwrap().iter().find(|b| b["currency"] == "USD").unwrap().clone();
    assert_eq!(bill["status"], "OPEN");
    let no = bill["billNo"].as_str().unwrap().to_owned();
    let detail = s.get(&format!("/api/v1/bills/{no}"), &seller).await.ok().clone();
    let vas_group = detail["byType"].as_array().unwrap().iter().find(|g| g["chargeType"] == "VAS").unwrap().clone();
    assert!(vas_group["amount"].as_i64().unwrap() >= 1250);
    let charged: i64 = detail["charges"].as_array().unwrap().iter().map(|c| c["amount"].as_i64().unwrap()).sum();
    assert_eq!(detail["bill"]["charged"], charged);
    // Opening balance, top-ups and charges meet the closing balance.
    let (open, ups, refunds, close) = (
        detail["openingBalance"].as_i64().unwrap(),
        detail["topUps"].as_i64().unwrap(),
        detail["refunds"].as_i64().unwrap(),
        detail["closingBalance"].as_i64().unwrap(),
    );
    assert_eq!(open + ups + refunds - charged, close, "{detail}");
    // The CSV: a header, one row per charge, quoting where it must.
    let (status, content_type, bytes) = s.get_bytes(&format!("/api/v1/bills/{no}/bill.csv"), &seller).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let csv = String::from_utf8(bytes).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("bill_no,day,charge_type"), "{csv}");
    assert_eq!(rows.len(), 1 + detail["charges"].as_array().unwrap().len());
    assert!(csv.contains("\"relabel, \"\"fragile\"\" cartons\""), "{csv}");
    let (status, content_type, pdf) = s.get_bytes(&format!("/api/v1/bills/{no}/bill.pdf"), &seller).await;
    assert_eq!((status.as_u16(), content_type.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"));
    // Suoen's business filter: bills holding such charges.
    let vas_bills = s.get("/api/v1/bills?businessType=VAS", &seller).await.ok().clone();
    assert!(vas_bills["items"].as_array().unwrap().iter().any(|b| b["billNo"] == no.as_str()));
    let storage_bills = s.get("/api/v1/bills?businessType=STORAGE", &seller).await.ok().clone();
    assert_eq!(storage_bills["total"], 0, "{storage_bills}");
    s.get("/api/v1/bills?businessType=PARKING", &seller).await.err(10031, 400);
    // OPEN → ISSUED (the seller hears it) → PAID; not twice.
    s.post(&format!("/api/v1/ops/bills/{no}/pay"), &staff, &json!({})).await.err(60004, 409);
    s.post(&format!("/api/v1/ops/bills/{no}/issue"), &staff, &json!({})).await.ok();
    let issued = s.event(&seller, "bill.issued", &no).await;
    assert_eq!(issued["data"]["amount"], charged);
    s.post(&format!("/api/v1/ops/bills/{no}/issue"), &staff, &json!({})).await.err(60004, 409);
    let paid = s.post(&format!("/api/v1/ops/bills/{no}/pay"), &staff, &json!({})).await.ok().clone();
    assert_eq!(paid["bill"]["status"], "PAID");
    // Another seller sees none of it.
    let other = s.other_customer("NOBILL").await;
    s.get(&format!("/api/v1/bills/{no}"), &other).await.err(60003, 404);
}

#[tokio::test]
async fn a_new_card_version_bills_from_its_day_and_never_rewrites_charges() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    card_for_demo(&s, &staff, "VER-USD", json!({"outboundPerOrder": 100})).await;
    let one = json!([{"sku": "DEMO-0003", "quantity": 1}]);
    let first = ship(&s, &seller, &staff, "VER-1", one.clone()).await;
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let v2 = json!({"effectiveFrom": today, "rates": {"outboundPerOrder": 180}});
    let card = s.post("/api/v1/ops/rate-cards/VER-USD/versions", &staff, &v2).await.ok().clone();
    assert_eq!(card["versions"].as_array().unwrap().len(), 2);
    let second = ship(&s, &seller, &staff, "VER-2", one).await;
    let (a, b) = (charges_of(&s, &seller, &first).await, charges_of(&s, &seller, &second).await);
    assert_eq!((a[0]["amount"].as_i64(), a[0]["rateCardVersion"].as_i64()), (Some(100), Some(1)));
    assert_eq!((b[0]["amount"].as_i64(), b[0]["rateCardVersion"].as_i64()), (Some(180), Some(2)));
    // Bad cards are refused, nothing written.
    let unordered = json!({"effectiveFrom": today, "rates": {"storageTiers": [{"fromDay": 5, "perM3Day": 1}]}});
    s.post("/api/v1/ops/rate-cards/VER-USD/versions", &staff, &unordered).await.err(10031, 400);
    let dup = json!({"code": "VER-USD", "name": "again", "currency": "USD", "effectiveFrom": today, "rates": {}});
    s.post("/api/v1/ops/rate-cards", &staff, &dup).await.err(60001, 409);
    let bad_day = json!({"effectiveFrom": "2026-13-01", "rates": {}});
    s.post("/api/v1/ops/rate-cards/VER-USD/versions", &staff, &bad_day).await.err(10031, 400);
    let cards = s.get("/api/v1/ops/rate-cards", &staff).await.ok().clone();
    let ver = cards.as_array().unwrap().iter().find(|c| c["code"] == "VER-USD").unwrap().clone();
    assert_eq!(ver["versions"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_operator_who_requires_a_card_refuses_orders_of_customers_without_one() {
    let s = crate::harness::start_configured(|settings| settings.require_rate_card = true).await;
    let nocard = s.other_customer("NOCARD").await;
    let mut p = crate::harness::product();
    p["sku"] = json!("NC-SKU-1");
    s.post("/api/v1/products", &nocard, &p).await.ok();
    let body = order("NC-1", json!([{"sku": "NC-SKU-1", "quantity": 1}]));
    s.post("/api/v1/outbound-orders", &nocard, &body).await.err(10045, 409);
    // DEMO has its card: its orders go through.
    let seller = s.customer().await;
    s.post("/api/v1/outbound-orders", &seller, &order("NC-2", json!([{"sku": "DEMO-0001", "quantity": 1}]))).await.ok();
    // Once a default card exists, NOCARD is billed by it.
    let staff = s.staff().await;
    let card = json!({"code": "DEFAULT-USD", "name": "Default", "currency": "USD", "isDefault": true,
                      "effectiveFrom": "2020-01-01", "rates": {}});
    s.post("/api/v1/ops/rate-cards", &staff, &card).await.ok();
    let refused = s.post("/api/v1/outbound-orders", &nocard, &body).await;
    // The card charges nothing, so no balance is needed; the SKU has no stock.
    refused.err(50026, 409);
}

#[tokio::test]
async fn receiving_putaway_and_returns_are_charged_by_their_rates() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let (per_box, per_unit, per_putaway, restocked, other) = (120, 4, 3, 90, 55);
    let rates = json!({"inboundPerBox": per_box, "inboundPerPallet": 999, "inboundPerUnit": per_unit,
        "putawayPerUnit": per_putaway, "returnPerUnitRestocked": restocked, "returnPerUnitOther": other});
    card_for_demo(&s, &staff, "FLOOR-USD", rates).await;
    let carton = |no: &str, quantity: i64| {
        json!({"boxNo": no, "lengthCm": 40, "widthCm": 30, "heightCm": 30, "weightKg": 8,
               "items": [{"sku": "DEMO-0001", "quantity": quantity}]})
    };
    let asn = json!({"warehouseCode": "US-LA01", "type": "CARTON", "customerReference": "BILL-ASN-1",
                     "boxes": [carton("1", 6), carton("2", 4), carton("3", 5)]});
    let no = s.post("/api/v1/inbound-orders", &seller, &asn).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/arrive"), &staff, &json!({})).await.ok();
    let receive = format!("/api/v1/ops/inbound-orders/{no}/receive");
    s.post(&receive, &staff, &json!({"boxNo": "1", "lines": [{"sku": "DEMO-0001", "good": 5, "defective": 1}]}))
        .await
        .ok();
    s.post(&receive, &staff, &json!({"boxNo": "2", "lines": [{"sku": "DEMO-0001", "good": 4}]})).await.ok();
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/close-receipt"), &staff, &json!({})).await.ok();
    // Two boxes came (the third never did), ten units.
    let received: i64 = charges_of(&s, &seller, &no).await.iter().map(|c| c["amount"].as_i64().unwrap()).sum();
    assert_eq!(received, 2 * per_box + 10 * per_unit);
    let plan = s.get(&format!("/api/v1/ops/inbound-orders/{no}/putaway-plan"), &staff).await.ok().clone();
    for item in plan["items"].as_array().unwrap() {
        let line = json!({"inboundOrderNo": no, "lines": [{"sku": item["sku"], "lotNo": item["lotNo"],
            "condition": item["condition"], "locationCode": item["locationCode"], "quantity": item["quantity"]}]});
        s.post("/api/v1/ops/putaway", &staff, &line).await.ok();
    }
    let charges = charges_of(&s, &seller, &no).await;
    let putaway: i64 =
        charges.iter().filter(|c| c["chargeType"] == "PUTAWAY").map(|c| c["amount"].as_i64().unwrap()).sum();
    assert_eq!(putaway, 10 * per_putaway, "{charges:?}");
    let inbound = s.get(&format!("/api/v1/inbound-orders/{no}"), &seller).await.ok().clone();
    assert_eq!(inbound["fees"].as_array().unwrap().len(), charges.len());
    // A return: two restocked, one to quarantine.
    let rma = json!({"warehouseCode": "US-LA01", "customerReference": "BILL-RMA-1",
                     "items": [{"sku": "DEMO-0001", "quantity": 3}]});
    let rt = s.post("/api/v1/return-orders", &seller, &rma).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/ops/return-orders/{rt}/arrive"), &staff, &json!({})).await.ok();
    let grade = json!({"lines": [
        {"sku": "DEMO-0001", "quantity": 2, "condition": "GOOD", "disposition": "RESTOCK"},
        {"sku": "DEMO-0001", "quantity": 1, "condition": "DEFECTIVE", "disposition": "QUARANTINE"}]});
    s.post(&format!("/api/v1/ops/return-orders/{rt}/grade"), &staff, &grade).await.ok();
    s.post(&format!("/api/v1/ops/return-orders/{rt}/complete"), &staff, &json!({})).await.ok();
    let returned: i64 = charges_of(&s, &seller, &rt).await.iter().map(|c| c["amount"].as_i64().unwrap()).sum();
    assert_eq!(returned, 2 * restocked + other);
}

#[tokio::test]
async fn missed_storage_days_are_caught_up_once_each() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let today = chrono::Utc::now().date_naive();
    let day = |back: u64| (today - chrono::Days::new(back)).format("%Y-%m-%d").to_string();
    s.post("/api/v1/ops/billing/storage", &staff, &json!({"date": day(3)})).await.ok();
    let actor = haicang_app::audit::Actor::cli();
    let runs = s.app.catch_up_storage(&actor, &day(0)).await.unwrap();
    let days: Vec<String> = runs.iter().map(|r| r.day.clone()).collect();
    assert_eq!(days, [day(2), day(1), day(0)]);
    assert!(runs.iter().all(|r| !r.already_done && r.lines > 0), "{runs:?}");
    assert!(s.app.catch_up_storage(&actor, &day(0)).await.unwrap().is_empty());
    // One storage charge set per day, for DEMO's demo stock.
    for back in 0..=3 {
        let d = day(back);
        let page = s.get(&format!("/api/v1/charges?type=STORAGE&from={d}&to={d}"), &seller).await.ok().clone();
        let n = page["total"].as_i64().unwrap();
        assert!(n >= 1 && n == runs.first().map_or(n, |r| r.lines as i64), "{d}: {page}");
    }
}

/// An order as the property test ships it: (SKU index, units) lines and
/// the packed weight.
#[derive(Debug, Clone)]
struct Shape {
    lines: Vec<(usize, i64)>,
    weight_g: i64,
}

/// The oracle: what a card of these rates charges a shipment, written
/// here from the rate card's definition (not from haicang's code).
fn expected_charge(rates: &[i64; 4], bands: &[(Option<i64>, i64)], shape: &Shape) -> i64 {
    let [per_order, per_extra_unit, per_extra_line, label] = *rates;
    let units: i64 = shape.lines.iter().map(|(_, q)| q).sum();
    let mut total = per_order + per_extra_unit * (units - 1) + per_extra_line * (shape.lines.len() as i64 - 1) + label;
    for (up_to, surcharge) in bands {
        if up_to.is_none_or(|limit| shape.weight_g <= limit) {
            total += surcharge;
            break;
        }
    }
    total
}

fn shape_strategy() -> impl proptest::strategy::Strategy<Value = Shape> {
    use proptest::prelude::*;
    (proptest::collection::btree_map(1usize..=6, 1i64..=3, 1..=3), 50i64..=8_000)
        .prop_map(|(lines, weight_g)| Shape { lines: lines.into_iter().collect(), weight_g })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 4, ..Default::default() })]
    /// For random cards and orders, the charges of the shipped orders sum
    /// to the card applied to them, and the wallet fell by exactly that.
    #[test]
    fn the_charges_of_shipped_orders_are_the_card_applied_to_them(
        rates in proptest::array::uniform4(0i64..=500),
        first_band in 100i64..=3_000,
        surcharges in (0i64..=300, 0i64..=300),
        shapes in proptest::collection::vec(shape_strategy(), 1..=2),
    ) {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let s = start().await;
            let seller = s.customer().await;
            let staff = s.staff().await;
            let bands = [(Some(first_band), surcharges.0), (None, surcharges.1)];
            let card = json!({"outboundPerOrder": rates[0], "outboundPerExtraUnit": rates[1],
                "pickPerExtraLine": rates[2], "labelPerOrder": rates[3],
                "outboundWeightBands": [{"upToG": first_band, "surcharge": surcharges.0},
                                        {"surcharge": surcharges.1}]});
            card_for_demo(&s, &staff, "PROP-USD", card).await;
            let before = balance(&s, &seller).await;
            let mut expected = 0;
            for (i, shape) in shapes.iter().enumerate() {
                let items: Vec<Value> = shape
                    .lines
                    .iter()
                    .map(|(sku, q)| json!({"sku": format!("DEMO-{sku:04}"), "quantity": q}))
                    .collect();
                let created = s.post("/api/v1/outbound-orders", &seller, &order(&format!("PROP-{i}"), json!(items))).await;
                let no = created.ok()["orderNo"].as_str().unwrap().to_owned();
                let wave = s.post("/api/v1/ops/waves", &staff, &json!({"warehouseCode": "US-LA01", "orderNos": [no]})).await;
                let batch = wave.ok()["batches"][0]["batchId"].as_i64().unwrap();
                pick_cart(&s, &staff, batch, |_, _| None).await;
                let packed: Vec<Value> = shape
                    .lines
                    .iter()
                    .map(|(sku, q)| json!({"sku": format!("DEMO-{sku:04}"), "quantity": q}))
                    .collect();
                let pack = json!({"orderNo": no, "items": packed, "weightKg": shape.weight_g as f64 / 1000.0,
                                  "lengthCm": 30, "widthCm": 20, "heightCm": 10});
                s.post("/api/v1/ops/pack", &staff, &pack).await.ok();
                s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": no})).await.ok();
                let charged: i64 = charges_of(&s, &seller, &no).await.iter().map(|c| c["amount"].as_i64().unwrap()).sum();
                let oracle = expected_charge(&rates, &bands, shape);
                assert_eq!(charged, oracle, "order {no} {shape:?} rates {rates:?} bands {bands:?}");
                expected += oracle;
            }
            assert_eq!(balance(&s, &seller).await, before - expected);
        });
    }
}
