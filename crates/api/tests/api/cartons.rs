//! Sealed cartons (box inventory) over HTTP: a CARTON inbound kept sealed
//! becomes cartons, they go up whole with putaway, nothing takes units out
//! of them, staff move, seal and open them, and a B2B order ships them
//! whole by number (or a cancel puts them back, sealed).

use serde_json::{Value, json};

use crate::harness::{Server, start};
use crate::outbound::pick_cart;

async fn boxes(s: &Server, seller: &str, query: &str) -> Vec<Value> {
    s.get(&format!("/api/v1/inventory/boxes?{query}"), seller).await.ok()["items"].as_array().unwrap().clone()
}

fn fba(reference: &str, box_nos: &[&str]) -> Value {
    json!({"warehouseCode": "US-LA01", "customerReference": reference,
           "destination": {"type": "MARKETPLACE", "platform": "AMAZON_FBA", "shipmentId": "FBA15SEALED",
                           "address": {"name": "ONT8", "country": "US", "state": "CA", "city": "Moreno Valley",
                                       "addressLine1": "24300 Nandina Ave", "postcode": "92551"}},
           "boxes": box_nos.iter().map(|b| json!({"boxNo": b})).collect::<Vec<_>>()})
}

async fn wave(s: &Server, staff: &str, no: &str) -> Value {
    let body = json!({"warehouseCode": "US-LA01", "orderNos": [no]});
    s.post("/api/v1/ops/waves", staff, &body).await.ok().clone()
}

#[tokio::test]
async fn cartons_kept_sealed_travel_whole_and_ship_whole_by_number() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    // A SKU with no stock yet: all of it comes in these cartons.
    let sku = "SEAL-TEST-1";
    let mut p = crate::harness::product();
    p["sku"] = json!(sku);
    p["barcode"] = json!("SEALTEST0001");
    s.post("/api/v1/products", &seller, &p).await.ok();
    let six = |no: &str| {
        json!({"boxNo": no, "lengthCm": 40, "widthCm": 30, "heightCm": 30, "weightKg": 6.5,
               "items": [{"sku": sku, "quantity": 6}]})
    };
    let mut asn = json!({"warehouseCode": "US-LA01", "type": "PARCEL", "customerReference": "ASN-SEALED-1",
        "keepSealed": true, "boxes": [six("1")]});
    s.post("/api/v1/inbound-orders", &seller, &asn).await.err(10031, 400);
    asn["type"] = json!("CARTON");
    asn["boxes"] = json!([six("1"), six("2"), {"boxNo": "3", "lengthCm": 40, "widthCm": 30, "heightCm": 30,
        "weightKg": 4, "items": [{"sku": sku, "quantity": 2}, {"sku": "DEMO-0010", "quantity": 3}]}]);
    let no = s.post("/api/v1/inbound-orders", &seller, &asn).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/arrive"), &staff, &json!({})).await.ok();
    let receive = format!("/api/v1/ops/inbound-orders/{no}/receive");
    for b in ["1", "2"] {
        s.post(&receive, &staff, &json!({"boxNo": b, "lines": [{"sku": sku, "good": 6}]})).await.ok();
    }
    let mixed = json!({"boxNo": "3", "lines": [{"sku": sku, "good": 2}, {"sku": "DEMO-0010", "good": 3}]});
    s.post(&receive, &staff, &mixed).await.ok();
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/close-receipt"), &staff, &json!({})).await.ok();
    // Two single-SKU boxes stay closed under their labels; the mixed one is loose.
    let sealed = boxes(&s, &seller, &format!("sku={sku}")).await;
    let lpns: Vec<String> = sealed.iter().map(|b| b["boxNo"].as_str().unwrap().to_owned()).collect();
    assert_eq!(lpns, [format!("{no}-001"), format!("{no}-002")], "{sealed:?}");
    assert!(sealed.iter().all(|b| b["status"] == "SEALED" && b["unitsPerBox"] == 6 && b["weightKg"] == 6.5));
    let dock = sealed[0]["locationCode"].as_str().unwrap().to_owned();

    // Putaway as planned: the cartons go up whole with their units.
    let plan = s.get(&format!("/api/v1/ops/inbound-orders/{no}/putaway-plan"), &staff).await.ok().clone();
    for item in plan["items"].as_array().unwrap() {
        let line = json!({"sku": item["sku"], "lotNo": item["lotNo"], "condition": item["condition"],
                          "locationCode": item["locationCode"], "quantity": item["quantity"]});
        s.post("/api/v1/ops/putaway", &staff, &json!({"inboundOrderNo": no, "lines": [line]})).await.ok();
    }
    let shelved = boxes(&s, &seller, &format!("sku={sku}")).await;
    let shelf = shelved[0]["locationCode"].as_str().unwrap().to_owned();
    assert_ne!(shelf, dock);
    assert!(shelved.iter().all(|b| b["locationCode"] == shelf.as_str()), "{shelved:?}");

    // Nothing takes units out of a closed carton: 14 there, 12 sealed.
    let adjust = |q: i64| {
        json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "test",
               "lines": [{"sku": sku, "locationCode": shelf, "lotCode": no, "quantity": q}]})
    };
    let refused = s.post("/api/v1/ops/adjustments", &staff, &adjust(-3)).await;
    refused.err(80007, 409);
    assert!(refused.message().contains("sealed"), "{}", refused.message());
    s.post("/api/v1/ops/adjustments", &staff, &adjust(-2)).await.ok();
    // A parcel order may promise sealed units, but no wave opens a carton.
    let order = json!({"warehouseCode": "US-LA01", "shippingServiceCode": "USPS-GA", "customerReference": "P-SEALED",
        "platform": "OTHER", "recipient": {"name": "Jane", "country": "US", "state": "CA", "city": "LA",
        "addressLine1": "1 Main St", "postcode": "90012"}, "items": [{"sku": sku, "quantity": 1}]});
    let parcel = s.post("/api/v1/outbound-orders", &seller, &order).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let body = json!({"warehouseCode": "US-LA01", "orderNos": [parcel]});
    s.post("/api/v1/ops/waves", &staff, &body).await.err(50094, 409);
    s.post(&format!("/api/v1/outbound-orders/{parcel}/cancel"), &seller, &json!({})).await.ok();

    // A carton moves whole; the log names it.
    let other = "A-02-10-3";
    let to = json!({"toLocationCode": other});
    let moved = s.post(&format!("/api/v1/ops/cartons/{}/move", lpns[1]), &staff, &to).await;
    assert_eq!(moved.ok()["locationCode"], other);
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={}", lpns[1]), &seller).await.ok().clone();
    assert_eq!((log["items"][0]["quantity"].as_i64(), log["items"][0]["target"].as_str()), (Some(6), Some(other)));

    // Both cartons leave whole for FBA.
    let (total0, _) = {
        let a = s.get(&format!("/api/v1/inventory?warehouseCode=US-LA01&sku={sku}&condition=GOOD"), &seller).await;
        let row = a.ok()["items"][0].clone();
        (row["total"].as_i64().unwrap(), row["available"].as_i64().unwrap())
    };
    let refs: Vec<&str> = lpns.iter().map(String::as_str).collect();
    let b2b = s.post("/api/v1/b2b-outbound-orders", &seller, &fba("B2B-SEALED-1", &refs)).await.ok().clone();
    let b2b = b2b["orderNo"].as_str().unwrap().to_owned();
    assert!(boxes(&s, &seller, &format!("sku={sku}")).await.iter().all(|b| b["status"] == "RESERVED"));
    s.post("/api/v1/b2b-outbound-orders", &seller, &fba("B2B-SEALED-2", &refs[..1])).await.err(80009, 409);
    let waved = wave(&s, &staff, &b2b).await;
    assert!(boxes(&s, &seller, &format!("sku={sku}")).await.iter().all(|b| b["status"] == "ALLOCATED"));
    pick_cart(&s, &staff, waved["batches"][0]["batchId"].as_i64().unwrap(), |_, _| None).await;
    // Nothing to pack by hand: the sealed cartons are the shipment's cartons.
    s.post("/api/v1/ops/pack", &staff, &json!({"orderNo": b2b})).await.ok();
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": b2b})).await.ok();
    let detail = s.get(&format!("/api/v1/b2b-outbound-orders/{b2b}"), &seller).await.ok().clone();
    let shipped: Vec<&str> = detail["boxes"].as_array().unwrap().iter().map(|b| b["boxNo"].as_str().unwrap()).collect();
    assert_eq!(shipped, refs);
    assert_eq!(detail["boxes"][0]["weightKg"], 6.5);
    let left = s.get(&format!("/api/v1/inventory?warehouseCode=US-LA01&sku={sku}&condition=GOOD"), &seller).await;
    assert_eq!(left.ok()["items"][0]["total"].as_i64(), Some(total0 - 12));
    assert!(boxes(&s, &seller, &format!("sku={sku}")).await.is_empty(), "shipped cartons are not in stock");
    assert_eq!(boxes(&s, &seller, &format!("sku={sku}&status=SHIPPED")).await.len(), 2);
}

#[tokio::test]
async fn staff_seal_and_open_cartons_and_a_cancel_puts_a_carton_back() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let sku = "DEMO-0011";
    let lots = s.get(&format!("/api/v1/inventory/lots?warehouseCode=US-LA01&sku={sku}"), &seller).await.ok().clone();
    let shelf = lots["items"][0]["locationCode"].as_str().unwrap().to_owned();
    let on_shelf = lots["items"][0]["quantity"].as_i64().unwrap();
    let seal = |units: i64, cartons: i64| {
        json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "locationCode": shelf, "sku": sku,
               "unitsPerBox": units, "cartons": cartons})
    };
    s.post("/api/v1/ops/cartons", &staff, &seal(on_shelf, 2)).await.err(30002, 409);
    let sealed = s.post("/api/v1/ops/cartons", &staff, &seal(2, 3)).await.ok().clone();
    let lpns: Vec<String> =
        sealed["boxNos"].as_array().unwrap().iter().map(|b| b.as_str().unwrap().to_owned()).collect();
    assert_eq!(lpns.len(), 3);
    assert!(lpns.iter().all(|l| l.starts_with("LP")));
    // What is sealed cannot be sealed again.
    s.post("/api/v1/ops/cartons", &staff, &seal(on_shelf - 3, 1)).await.err(30002, 409);
    let listed = s.get(&format!("/api/v1/ops/cartons?warehouseCode=US-LA01&sku={sku}"), &staff).await;
    assert_eq!(listed.ok()["total"], 3);

    // A carton transferred whole arrives as the same sealed carton.
    let tf = json!({"fromWarehouseCode": "US-LA01", "toWarehouseCode": "DE-FRA01", "customerReference": "TF-SEALED",
                    "boxes": [{"boxNo": lpns[2]}]});
    let tf = s.post("/api/v1/transfer-orders", &seller, &tf).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let waved = wave(&s, &staff, &tf).await;
    pick_cart(&s, &staff, waved["batches"][0]["batchId"].as_i64().unwrap(), |_, _| None).await;
    s.post("/api/v1/ops/pack", &staff, &json!({"orderNo": tf})).await.ok();
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": tf})).await.ok();
    assert_eq!(boxes(&s, &seller, &format!("boxNo={}&status=SHIPPED", lpns[2])).await.len(), 1);
    s.post(&format!("/api/v1/ops/inbound-orders/{tf}/arrive"), &staff, &json!({})).await.ok();
    let count = json!({"boxNo": lpns[2], "lines": [{"sku": sku, "good": 2}]});
    s.post(&format!("/api/v1/ops/inbound-orders/{tf}/receive"), &staff, &count).await.ok();
    let arrived = boxes(&s, &seller, &format!("boxNo={}", lpns[2])).await;
    assert_eq!(
        (arrived[0]["status"].as_str(), arrived[0]["warehouseCode"].as_str(), arrived[0]["unitsPerBox"].as_i64()),
        (Some("SEALED"), Some("DE-FRA01"), Some(2))
    );

    // A B2B order of one carton, waved, then cancelled: back on its shelf, sealed.
    let no =
        s.post("/api/v1/b2b-outbound-orders", &seller, &fba("B2B-SEAL-C", &[lpns[0].as_str()])).await.ok()["orderNo"]
            .as_str()
            .unwrap()
            .to_owned();
    wave(&s, &staff, &no).await;
    s.post(&format!("/api/v1/b2b-outbound-orders/{no}/cancel"), &seller, &json!({})).await.ok();
    let back = boxes(&s, &seller, &format!("boxNo={}", lpns[0])).await;
    assert_eq!((back[0]["status"].as_str(), back[0]["locationCode"].as_str()), (Some("SEALED"), Some(shelf.as_str())));

    // Opened: loose again, and not twice; another seller sees none of it.
    let opened = s.post(&format!("/api/v1/ops/cartons/{}/open", lpns[1]), &staff, &json!({})).await;
    assert_eq!(opened.ok()["status"], "OPENED");
    s.post(&format!("/api/v1/ops/cartons/{}/open", lpns[1]), &staff, &json!({})).await.err(80009, 409);
    s.post("/api/v1/ops/cartons/NO-SUCH-LP/open", &staff, &json!({})).await.err(80008, 404);
    assert_eq!(boxes(&s, &seller, &format!("sku={sku}&warehouseCode=US-LA01")).await.len(), 1);
    let other = s.other_customer("OTHER1").await;
    assert!(boxes(&s, &other, "").await.is_empty());
    let zh = s
        .call(
            reqwest::Method::POST,
            &format!("/api/v1/ops/cartons/{}/open", lpns[1]),
            Some(&staff),
            Some("{}".into()),
            Some("zh-CN"),
        )
        .await;
    assert!(zh.message().contains("箱子"), "{}", zh.message());
}
