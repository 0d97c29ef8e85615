//! Extreme numbers in every body, swept from the OpenAPI document: each
//! operation's example body is sent with one of its numbers at a time
//! replaced by the ends of the `i64` range (and beyond it), on documents
//! that exist and are in the state the operation wants. Every answer is a
//! 4xx with its code in the envelope (never a 500, never a success), and
//! the inventory log is what it was: nothing half-written.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::start;
use crate::outbound::order;

/// Every path to a number in `value`, as JSON pointers.
fn numbers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Number(_) => out.push(at),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| numbers(v, format!("{at}/{i}"), out)),
        Value::Object(fields) => fields.iter().for_each(|(k, v)| numbers(v, format!("{at}/{k}"), out)),
        _ => {}
    }
}

#[tokio::test]
async fn extreme_numbers_in_any_body_answer_4xx_and_write_nothing() {
    let s = start().await;
    let seller = s.customer().await;
    let staff = s.staff().await;
    // Documents in the state each operation wants: an arrived ASN (receive
    // reads its quantities), an order on a cart (pick), a webhook.
    let asn = json!({"warehouseCode": "US-LA01", "type": "CARTON", "customerReference": "EXTREME-ASN",
        "boxes": [{"lengthCm": 10, "widthCm": 10, "heightCm": 10, "weightKg": 1,
                   "items": [{"sku": "DEMO-0001", "quantity": 5}]}]});
    let inbound_no = s.post("/api/v1/inbound-orders", &seller, &asn).await.ok()["orderNo"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/ops/inbound-orders/{inbound_no}/arrive"), &staff, &json!({})).await.ok();
    let one = order("EXTREME-1", json!([{"sku": "DEMO-0004", "quantity": 1}]));
    let outbound_no =
        s.post("/api/v1/outbound-orders", &seller, &one).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let cart = json!({"warehouseCode": "US-LA01", "orderNos": [outbound_no]});
    let batch_id =
        s.post("/api/v1/ops/waves", &staff, &cart).await.ok()["batches"][0]["batchId"].as_i64().unwrap().to_string();
    let hook = s.post("/api/v1/webhooks", &seller, &json!({"url": "http://127.0.0.1:9/hook", "events": ["*"]})).await;
    let webhook_id = hook.ok()["id"].as_str().unwrap().to_owned();
    let log_size = |log: Value| log["total"].as_i64().unwrap();
    let before = log_size(s.get("/api/v1/inventory/log?pageSize=1", &seller).await.ok().clone());

    let doc = s.call(Method::GET, "/api/v1/openapi.json", None, None, None).await.body;
    let mut sent = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(example) = operation.pointer("/requestBody/content/application~1json/example") else { continue };
            let concrete = path
                .replace("{no}", if path.contains("inbound") { &inbound_no } else { &outbound_no })
                .replace("{code}", &inbound_no)
                .replace("{sku}", "DEMO-0001")
                .replace("{tracking_no}", "EXTREME-TRACK")
                .replace("{id}", if path.contains("pick-batches") { &batch_id } else { &webhook_id });
            let token = if path.starts_with("/api/v1/ops/") { Some(staff.as_str()) } else { Some(seller.as_str()) };
            let mut pointers = Vec::new();
            numbers(example, String::new(), &mut pointers);
            for pointer in pointers {
                // As JSON text: u64::MAX and 1e30 are no i64 at all.
                for extreme in [i64::MAX.to_string(), i64::MIN.to_string(), u64::MAX.to_string(), "1e30".into()] {
                    let mut body = example.clone();
                    *body.pointer_mut(&pointer).unwrap() = json!("__N__");
                    let text = body.to_string().replace("\"__N__\"", &extreme);
                    let m = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
                    let a = s.call(m, &concrete, token, Some(text.clone()), None).await;
                    let what = format!("{method} {concrete} with {pointer} = {extreme}: {}", a.body);
                    assert!(a.status.is_client_error(), "{what}");
                    assert_ne!(a.code(), 0, "{what}");
                    sent += 1;
                }
            }
        }
    }
    assert!(sent >= 80, "only {sent} requests: the examples lost their numbers?");
    let after = log_size(s.get("/api/v1/inventory/log?pageSize=1", &seller).await.ok().clone());
    assert_eq!(before, after, "an extreme number moved stock");
}
