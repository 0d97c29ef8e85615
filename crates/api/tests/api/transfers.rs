//! Transfers between warehouses and B2B carton shipments over HTTP: the
//! source waves, picks, packs into cartons and ships; a transfer's units
//! travel through @TRANSFER_TRANSIT and are received at the destination
//! with the inbound flow; carton plans are enforced at packing.

use serde_json::{Value, json};

use crate::harness::{Server, start};
use crate::outbound::pick_cart;

/// (total, available, transfer in transit) of GOOD stock of a SKU.
async fn at(s: &Server, seller: &str, warehouse: &str, sku: &str) -> (i64, i64, i64) {
    let a = s.get(&format!("/api/v1/inventory?warehouseCode={warehouse}&sku={sku}&condition=GOOD"), seller).await;
    let row = a.ok()["items"].as_array().and_then(|i| i.first().cloned()).unwrap_or(json!({}));
    (
        row["total"].as_i64().unwrap_or(0),
        row["available"].as_i64().unwrap_or(0),
        row["inTransit"]["transfer"].as_i64().unwrap_or(0),
    )
}

fn fba_address() -> Value {
    json!({"name": "Amazon.com Services LLC (ONT8)", "country": "US", "state": "CA", "city": "Moreno Valley",
           "addressLine1": "24300 Nandina Ave", "postcode": "92551"})
}

fn transfer(reference: &str, sku: &str, quantity: i64) -> Value {
    json!({"fromWarehouseCode": "US-LA01", "toWarehouseCode": "DE-FRA01", "customerReference": reference,
           "items": [{"sku": sku, "quantity": quantity}]})
}

/// Waves the order alone and picks every stop of its cart.
async fn wave_and_pick(s: &Server, staff: &str, no: &str) {
    let wave = s.post("/api/v1/ops/waves", staff, &json!({"warehouseCode": "US-LA01", "orderNos": [no]})).await;
    let wave = wave.ok().clone();
    assert_eq!(wave["orderNos"], json!([no]), "{wave}");
    let batch = wave["batches"][0]["batchId"].as_i64().unwrap();
    pick_cart(s, staff, batch, |_, _| None).await;
}

fn carton(sku: &str, quantity: i64) -> Value {
    json!({"items": [{"sku": sku, "quantity": quantity}], "weightKg": 4.5, "lengthCm": 40, "widthCm": 30,
           "heightCm": 30})
}

#[tokio::test]
async fn a_transfer_travels_in_transit_and_is_received_at_the_destination() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let (la0, la0_free, _) = at(&s, &seller, "US-LA01", "DEMO-0003").await;
    let (fra0, _, fra_transit0) = at(&s, &seller, "DE-FRA01", "DEMO-0003").await;
    let body = transfer("TF-BAR-1", "DEMO-0003", 2);
    let created = s.post("/api/v1/transfer-orders", &seller, &body).await.ok().clone();
    let no = created["orderNo"].as_str().unwrap().to_owned();
    assert!(no.starts_with("TF"), "{created}");
    assert_eq!(created["status"], "CREATED");
    assert_eq!(s.post("/api/v1/transfer-orders", &seller, &body).await.ok()["created"], false);
    s.post("/api/v1/transfer-orders", &seller, &transfer("TF-BAR-1", "DEMO-0003", 3)).await.err(50019, 409);
    // Reserved at the source like an order.
    assert_eq!(at(&s, &seller, "US-LA01", "DEMO-0003").await, (la0, la0_free - 2, 0));
    // Staff see it among the orders to work, as a TRANSFER.
    let ops = s.get(&format!("/api/v1/ops/outbound-orders?kind=TRANSFER&orderNo={no}"), &staff).await;
    assert_eq!(ops.ok()["items"][0]["kind"], "TRANSFER");
    let parcels = s.get(&format!("/api/v1/ops/outbound-orders?kind=PARCEL&orderNo={no}"), &staff).await;
    assert_eq!(parcels.ok()["total"], 0);
    // A transfer is not a parcel order: not in the seller's order list.
    let orders = s.get(&format!("/api/v1/outbound-orders?orderNo={no}"), &seller).await;
    assert_eq!(orders.ok()["total"], 0);
    s.get(&format!("/api/v1/outbound-orders/{no}"), &seller).await.err(50017, 404);

    // The source packs into cartons (what was picked, no more, no less).
    wave_and_pick(&s, &staff, &no).await;
    let short = json!({"orderNo": no, "boxes": [carton("DEMO-0003", 1)]});
    s.post("/api/v1/ops/pack", &staff, &short).await.err(50092, 400);
    let packed = json!({"orderNo": no, "boxes": [carton("DEMO-0003", 1), carton("DEMO-0003", 1)]});
    s.post("/api/v1/ops/pack", &staff, &packed).await.ok();
    let detail = s.get(&format!("/api/v1/transfer-orders/{no}"), &seller).await.ok().clone();
    assert_eq!(detail["status"], "PROCESSING");
    assert_eq!(detail["boxes"].as_array().map(Vec::len), Some(2));
    assert_eq!(detail["boxes"][1]["boxNo"], format!("{no}-002"));
    let (status, kind, pdf) = s.get_bytes(&format!("/api/v1/ops/transfer-orders/{no}/carton-labels.pdf"), &staff).await;
    assert_eq!((status.as_u16(), kind.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF"));
    let (status, _, list) = s.get_bytes(&format!("/api/v1/ops/transfer-orders/{no}/packing-list.pdf"), &staff).await;
    assert_eq!(status.as_u16(), 200);
    assert!(list.starts_with(b"%PDF"));

    // Shipped: gone from US-LA01, in transit of kind TRANSFER at DE-FRA01.
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": no, "trackingNo": "FREIGHT-TF-1"})).await.ok();
    assert_eq!(at(&s, &seller, "US-LA01", "DEMO-0003").await, (la0 - 2, la0_free - 2, 0));
    assert_eq!(at(&s, &seller, "DE-FRA01", "DEMO-0003").await, (fra0, fra0, fra_transit0 + 2));
    let row = s.get("/api/v1/inventory?warehouseCode=DE-FRA01&sku=DEMO-0003&condition=GOOD", &seller).await;
    assert_eq!(row.ok()["items"][0]["inTransit"]["inbound"], 0, "a transfer is not an inbound order");
    let detail = s.get(&format!("/api/v1/transfer-orders/{no}"), &seller).await.ok().clone();
    assert_eq!((detail["status"].as_str(), detail["trackingNo"].as_str()), (Some("IN_TRANSIT"), Some("FREIGHT-TF-1")));
    assert_eq!(detail["items"][0]["shipped"], 2);
    let shipped = s.event(&seller, "transfer.shipped", &no).await;
    assert_eq!(shipped["data"]["toWarehouseCode"], "DE-FRA01");
    // The receiving leg is the destination's business, not the seller's inbound list.
    let inbound = s.get(&format!("/api/v1/inbound-orders?orderNo={no}"), &seller).await;
    assert_eq!(inbound.ok()["total"], 0);
    s.post(&format!("/api/v1/transfer-orders/{no}/cancel"), &seller, &json!({})).await.err(50018, 409);

    // The destination receives it with the inbound flow, by the TF number.
    let arrived = s.post(&format!("/api/v1/ops/inbound-orders/{no}/arrive"), &staff, &json!({})).await;
    assert_eq!(arrived.ok()["status"], "ARRIVED");
    let receive = format!("/api/v1/ops/inbound-orders/{no}/receive");
    for b in ["1", "2"] {
        s.post(&receive, &staff, &json!({"boxNo": b, "lines": [{"sku": "DEMO-0003", "good": 1}]})).await.ok();
    }
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/close-receipt"), &staff, &json!({})).await.ok();
    assert_eq!(at(&s, &seller, "DE-FRA01", "DEMO-0003").await, (fra0 + 2, fra0 + 2, fra_transit0));
    assert_eq!(at(&s, &seller, "US-LA01", "DEMO-0003").await.0, la0 - 2);
    let detail = s.get(&format!("/api/v1/transfer-orders/{no}"), &seller).await.ok().clone();
    assert_eq!(detail["status"], "RECEIVED");
    assert_eq!(
        (detail["items"][0]["received"].as_i64(), detail["receivingStatus"].as_str()),
        (Some(2), Some("RECEIVED"))
    );
    let received = s.event(&seller, "transfer.received", &no).await;
    assert_eq!(received["data"]["skuList"][0]["difference"], 0);
    // The log: out of US-LA01 into @TRANSFER_TRANSIT, from it into the DE dock.
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={no}&pageSize=100"), &seller).await.ok().clone();
    let moved = |warehouse: &str, from: &str, to: &str| -> i64 {
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["warehouseCode"] == warehouse)
            .filter(|m| from.is_empty() || m["source"] == from)
            .filter(|m| to.is_empty() || m["target"] == to)
            .map(|m| m["quantity"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(moved("US-LA01", "", "@TRANSFER_TRANSIT"), 2, "{log}");
    assert_eq!(moved("DE-FRA01", "@TRANSFER_TRANSIT", ""), 2, "{log}");
    // Billed as a transfer (the demo card: 5.00 a transfer + 0.20 a unit).
    let fees = detail["fees"].as_array().unwrap();
    let transfer_fees: Vec<&Value> = fees.iter().filter(|f| f["chargeType"] == "TRANSFER").collect();
    assert_eq!(transfer_fees.len(), 2, "{fees:?}");
    let listed = s.get("/api/v1/transfer-orders?status=RECEIVED&sku=DEMO-0003", &seller).await;
    assert!(listed.ok()["items"].as_array().unwrap().iter().any(|t| t["orderNo"] == no.as_str()));
    let none = s.get("/api/v1/transfer-orders?status=IN_TRANSIT&sku=DEMO-0003", &seller).await;
    assert!(!none.ok()["items"].as_array().unwrap().iter().any(|t| t["orderNo"] == no.as_str()));
}

#[tokio::test]
async fn a_short_arrival_is_a_difference_and_bad_transfers_are_refused() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let (_, free0, _) = at(&s, &seller, "US-LA01", "DEMO-0005").await;
    // Refusals reserve nothing.
    let mut same = transfer("TF-BAD-1", "DEMO-0005", 1);
    same["toWarehouseCode"] = json!("US-LA01");
    s.post("/api/v1/transfer-orders", &seller, &same).await.err(80001, 400);
    let mut nowhere = transfer("TF-BAD-2", "DEMO-0005", 1);
    nowhere.as_object_mut().unwrap().remove("toWarehouseCode");
    s.post("/api/v1/transfer-orders", &seller, &nowhere).await.err(80002, 400);
    s.post("/api/v1/transfer-orders", &seller, &transfer("TF-BAD-3", "NO-SUCH-SKU", 1)).await.err(50024, 400);
    s.post("/api/v1/transfer-orders", &seller, &transfer("TF-BAD-4", "DEMO-0005", free0 + 1)).await.err(50026, 409);
    let mut plan = transfer("TF-BAD-5", "DEMO-0005", 7);
    plan["boxes"] = json!([{"sku": "DEMO-0005", "unitsPerBox": 5, "boxes": 2}]);
    s.post("/api/v1/transfer-orders", &seller, &plan).await.err(80003, 400);
    assert_eq!(at(&s, &seller, "US-LA01", "DEMO-0005").await.1, free0);

    // Cancel before picking releases the reservation.
    let no = s.post("/api/v1/transfer-orders", &seller, &transfer("TF-C-1", "DEMO-0005", 2)).await.ok()["orderNo"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(at(&s, &seller, "US-LA01", "DEMO-0005").await.1, free0 - 2);
    let cancelled = s.post(&format!("/api/v1/transfer-orders/{no}/cancel"), &seller, &json!({})).await;
    assert_eq!(cancelled.ok()["status"], "CANCELLED");
    assert_eq!(at(&s, &seller, "US-LA01", "DEMO-0005").await.1, free0);

    // Three shipped, two arrive: received with a difference of −1.
    let no = s.post("/api/v1/transfer-orders", &seller, &transfer("TF-S-1", "DEMO-0005", 3)).await.ok()["orderNo"]
        .as_str()
        .unwrap()
        .to_owned();
    wave_and_pick(&s, &staff, &no).await;
    // Packed parcel-style: one carton.
    let parcel = json!({"orderNo": no, "items": [{"sku": "DEMO-0005", "quantity": 3}], "weightKg": 1,
                        "lengthCm": 10, "widthCm": 10, "heightCm": 10});
    s.post("/api/v1/ops/pack", &staff, &parcel).await.ok();
    let packed = s.get(&format!("/api/v1/transfer-orders/{no}"), &seller).await.ok()["boxes"].clone();
    assert_eq!(
        (packed.as_array().map(Vec::len), packed[0]["boxNo"].as_str()),
        (Some(1), Some(format!("{no}-001").as_str()))
    );
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": no})).await.ok();
    let (fra0, _, transit) = at(&s, &seller, "DE-FRA01", "DEMO-0005").await;
    assert_eq!(transit, 3);
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/arrive"), &staff, &json!({})).await.ok();
    // One carton: counted without naming it.
    let count = json!({"lines": [{"sku": "DEMO-0005", "good": 2}]});
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/receive"), &staff, &count).await.ok();
    s.post(&format!("/api/v1/ops/inbound-orders/{no}/close-receipt"), &staff, &json!({})).await.ok();
    assert_eq!(at(&s, &seller, "DE-FRA01", "DEMO-0005").await, (fra0 + 2, fra0 + 2, 0));
    let received = s.event(&seller, "transfer.received", &no).await;
    assert_eq!(received["data"]["skuList"][0]["difference"], -1);
    let staff_view = s.get(&format!("/api/v1/ops/inbound-orders/{no}"), &staff).await.ok().clone();
    assert!(staff_view.to_string().contains("SHORT"), "the leg lists the shortfall: {staff_view}");
}

#[tokio::test]
async fn b2b_cartons_follow_the_plan_and_a_marketplace_transfer_leaves_us() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    let (total0, free0, _) = at(&s, &seller, "US-LA01", "DEMO-0004").await;
    let order = |reference: &str, shipment: &str| {
        json!({"warehouseCode": "US-LA01", "customerReference": reference,
               "destination": {"type": "MARKETPLACE", "platform": "AMAZON_FBA", "shipmentId": shipment,
                               "address": fba_address()},
               "boxes": [{"sku": "DEMO-0004", "unitsPerBox": 5, "boxes": 2}]})
    };
    s.post("/api/v1/b2b-outbound-orders", &seller, &order("B2B-BAD-1", " ")).await.err(80002, 400);
    let mut marketplace = order("B2B-BAD-2", "FBA15X");
    marketplace["destination"]["platform"] = json!("EBAY");
    s.post("/api/v1/b2b-outbound-orders", &seller, &marketplace).await.err(80002, 400);
    let created = s.post("/api/v1/b2b-outbound-orders", &seller, &order("B2B-1", "FBA15ABCD123")).await.ok().clone();
    let no = created["orderNo"].as_str().unwrap().to_owned();
    assert!(no.starts_with("BO"), "{created}");
    assert_eq!(at(&s, &seller, "US-LA01", "DEMO-0004").await.1, free0 - 10);
    wave_and_pick(&s, &staff, &no).await;
    // An incomplete carton (6 + 4 instead of 5 + 5) is refused.
    let wrong = json!({"orderNo": no, "boxes": [carton("DEMO-0004", 6), carton("DEMO-0004", 4)]});
    let refused = s.post("/api/v1/ops/pack", &staff, &wrong).await;
    refused.err(80004, 409);
    let right = json!({"orderNo": no, "boxes": [carton("DEMO-0004", 5), carton("DEMO-0004", 5)]});
    s.post("/api/v1/ops/pack", &staff, &right).await.ok();
    let (_, _, labels) = s.get_bytes(&format!("/api/v1/ops/b2b-outbound-orders/{no}/carton-labels.pdf"), &staff).await;
    assert!(labels.starts_with(b"%PDF"));
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": no})).await.ok();
    assert_eq!(at(&s, &seller, "US-LA01", "DEMO-0004").await, (total0 - 10, free0 - 10, 0));
    let detail = s.get(&format!("/api/v1/b2b-outbound-orders/{no}"), &seller).await.ok().clone();
    assert_eq!((detail["status"].as_str(), detail["kind"].as_str()), (Some("SHIPPED"), Some("B2B")));
    assert_eq!(detail["destination"]["shipmentId"], "FBA15ABCD123");
    assert_eq!(detail["cartonPlan"][0]["unitsPerBox"], 5);
    let shipped = s.event(&seller, "order.shipped", &no).await;
    assert_eq!((shipped["data"]["kind"].as_str(), shipped["data"]["boxes"].as_i64()), (Some("B2B"), Some(2)));

    // A transfer to a marketplace ends at @CUSTOMER_SHIPPED: no leg.
    let tf = json!({"fromWarehouseCode": "US-LA01", "customerReference": "TF-FBA-1",
                    "destination": {"type": "MARKETPLACE", "platform": "AMAZON_FBA", "shipmentId": "FBA15TF",
                                    "address": fba_address()},
                    "items": [{"sku": "DEMO-0004", "quantity": 1}]});
    let no = s.post("/api/v1/transfer-orders", &seller, &tf).await.ok()["orderNo"].as_str().unwrap().to_owned();
    wave_and_pick(&s, &staff, &no).await;
    s.post("/api/v1/ops/pack", &staff, &json!({"orderNo": no, "boxes": [carton("DEMO-0004", 1)]})).await.ok();
    s.post("/api/v1/ops/ship", &staff, &json!({"orderNo": no})).await.ok();
    let detail = s.get(&format!("/api/v1/transfer-orders/{no}"), &seller).await.ok().clone();
    assert_eq!((detail["status"].as_str(), detail["receivingStatus"].as_str()), (Some("SHIPPED"), None));
    assert_eq!(detail["destination"]["type"], "MARKETPLACE");
    let log = s.get(&format!("/api/v1/inventory/log?documentNo={no}&pageSize=100"), &seller).await.ok().clone();
    assert!(log["items"].as_array().unwrap().iter().any(|m| m["target"] == "@CUSTOMER_SHIPPED"), "{log}");
}

#[tokio::test]
async fn inventory_reads_allocated_value_buildable_kits_and_several_warehouses() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    // A transfer waved but not picked: its units are allocated.
    let no = s.post("/api/v1/transfer-orders", &seller, &transfer("TF-R-1", "DEMO-0006", 3)).await.ok()["orderNo"]
        .as_str()
        .unwrap()
        .to_owned();
    let row = |a: &Value| a["items"][0].clone();
    let before = row(s.get("/api/v1/inventory?warehouseCode=US-LA01&sku=DEMO-0006&condition=GOOD", &seller).await.ok());
    assert_eq!((before["reserved"].as_i64(), before["allocated"].as_i64()), (Some(3), Some(0)));
    s.post("/api/v1/ops/waves", &staff, &json!({"warehouseCode": "US-LA01", "orderNos": [no]})).await.ok();
    let after = row(s.get("/api/v1/inventory?warehouseCode=US-LA01&sku=DEMO-0006&condition=GOOD", &seller).await.ok());
    assert_eq!((after["reserved"].as_i64(), after["allocated"].as_i64()), (Some(3), Some(3)));
    // Value: units × declared value (DEMO-0006 is declared at 9.99 USD).
    let total = after["total"].as_i64().unwrap();
    assert_eq!(after["valueCurrency"], "USD");
    let value: f64 = after["valueAmount"].as_str().unwrap().parse().unwrap();
    assert!((value - total as f64 * 9.99).abs() < 0.005, "{after}");
    // A return announced and not yet here is in transit of kind RETURN.
    let rma = json!({"warehouseCode": "US-LA01", "customerReference": "RMA-R-1",
                     "items": [{"sku": "DEMO-0006", "quantity": 2}]});
    s.post("/api/v1/return-orders", &seller, &rma).await.ok();
    let rows = s.get("/api/v1/inventory?warehouseCode=US-LA01&sku=DEMO-0006&condition=GOOD", &seller).await;
    assert_eq!(row(rows.ok())["inTransit"]["return"], 2);
    // Several warehouses at once (an announcement lists the SKU at DE-FRA01).
    let asn = json!({"warehouseCode": "DE-FRA01", "type": "CARTON", "customerReference": "ASN-R-1",
        "boxes": [{"lengthCm": 10, "widthCm": 10, "heightCm": 10, "weightKg": 1,
                   "items": [{"sku": "DEMO-0001", "quantity": 4}]}]});
    s.post("/api/v1/inbound-orders", &seller, &asn).await.ok();
    let both = s.get("/api/v1/inventory?warehouseCode=US-LA01,DE-FRA01&sku=DEMO-0001&condition=GOOD", &seller).await;
    let codes: Vec<&str> =
        both.ok()["items"].as_array().unwrap().iter().map(|r| r["warehouseCode"].as_str().unwrap()).collect();
    assert_eq!(codes, ["DE-FRA01", "US-LA01"]);
    s.get("/api/v1/inventory?warehouseCode=US-LA01,NOPE-01", &seller).await.err(10051, 404);
    // A kit: buildable = the least of available components ÷ per kit.
    let (_, a_free, _) = at(&s, &seller, "US-LA01", "DEMO-0001").await;
    let (_, b_free, _) = at(&s, &seller, "US-LA01", "DEMO-0002").await;
    let kit = s.get("/api/v1/inventory?warehouseCode=US-LA01&sku=DEMO-KIT-1&condition=GOOD", &seller).await;
    let kit = row(kit.ok());
    assert_eq!(kit["buildable"].as_i64(), Some(a_free.min(b_free / 2)), "{kit}");
}
