//! Webhooks in a vendor's format, from the same outbox as haicang's own.
//!
//! The rendering lives beside the delivery worker (it runs here, below the
//! gateways): for JF (`jfwms-api.txt`, "三、Webhook") the body is
//! `{timestamp, type, data}` with JF's ten types and field names, signed
//! with `md5Hex(JSON {"data": <data>, "clientSecret": <the app's secret>})`
//! — the keys in the order a Java HashMap holds them ("data" hashes to an
//! earlier bucket than "clientSecret"), `data` exactly as sent in the body
//! — in the `sign` header and the body's `sign` field (the document does
//! not say where it travels). A receiver acknowledges with `{"code":"0"}`;
//! any other answer is retried like a failed delivery.

use md5::{Digest, Md5};
use serde_json::{Map, Value, json};

use haicang_core::dialects::{AliasKind, Dialect};
use haicang_store::webhook::Claimed;

use crate::{App, AppError};

/// haicang event type → JF webhook type.
pub(super) const JF_TYPES: &[(&str, &str)] = &[
    ("order.shipped", "order"),
    ("inbound.putaway", "storage"),
    ("return.completed", "return"),
    ("order.intercepted", "orderIntercept"),
    ("inventory.counted", "inventoryCount"),
    ("inventory.adjusted", "adjust"),
    ("inventory.moved", "move"),
    ("order.created", "orderCreate"),
    ("order.cancelled", "orderCancel"),
    ("inventory.converted", "convert"),
];

/// Whether a receiver's answer is JF's acknowledgement (`code` "0" or 0).
pub(super) fn jf_acknowledged(answer: &str) -> bool {
    serde_json::from_str::<Value>(answer).is_ok_and(|v| v["code"] == "0" || v["code"] == 0)
}

/// JF's `sign` of a webhook whose `data` is serialized as `data_json`.
pub fn jf_webhook_sign(data_json: &str, client_secret: &str) -> String {
    let text = format!("{{\"data\":{data_json},\"clientSecret\":{}}}", Value::from(client_secret));
    hex::encode(Md5::digest(text.as_bytes()))
}

/// The JF `data` of one of our events (see [`JF_TYPES`]).
fn jf_data(jf_type: &str, event: &Value, warehouse_code: String, user_id: Option<i64>) -> Value {
    let data = &event["data"];
    let mut out: Map<String, Value> = data.as_object().cloned().unwrap_or_default();
    out.insert("userId".into(), json!(user_id));
    out.insert("warehouseCode".into(), json!(warehouse_code));
    let finish = event["occurredAt"].as_str().map(|t| t.trim_end_matches('Z').to_owned());
    out.insert("finishTime".into(), json!(finish));
    // JF's skuList carries the stock after the change.
    if let Some(stock) = data.get("stock").filter(|s| s.is_array()) {
        out.insert("skuList".into(), stock.clone());
    }
    let erp_no = data["erpNo"].clone();
    match jf_type {
        "order" => {
            out.insert("status".into(), json!("Shipped"));
        }
        "orderCreate" | "orderCancel" => {
            out.insert("documentNo".into(), erp_no);
            out.insert("packageNo".into(), data["orderNo"].clone());
            out.insert("orderStatus".into(), json!(if jf_type == "orderCreate" { 1 } else { 7 }));
        }
        "storage" => {
            out.insert("putawayNo".into(), data["orderNo"].clone());
            out.insert("status".into(), json!("Finish"));
        }
        "return" => {
            out.insert("status".into(), json!("FINISH"));
        }
        "orderIntercept" => {
            let success = data["status"].as_str().is_some_and(|s| s.eq_ignore_ascii_case("success"));
            out.insert("status".into(), json!(if success { "success" } else { "fail" }));
        }
        _ => {}
    }
    Value::Object(out)
}

impl App {
    /// The body and `sign` of a JF delivery.
    pub(super) async fn jf_delivery(&self, c: &Claimed) -> Result<(Vec<u8>, String), AppError> {
        let event: Value = serde_json::from_str(&c.payload).unwrap_or_default();
        let jf_type = JF_TYPES.iter().find(|(ours, _)| *ours == c.event_type).map(|(_, jf)| *jf).unwrap_or("unknown");
        let warehouse = event["warehouseCode"].as_str().unwrap_or_default();
        let warehouse = self.vendor_alias(Dialect::Jf, AliasKind::Warehouse, warehouse).await?;
        let user_id = haicang_store::sellers::first_user_of(&mut *self.store.read().await?, c.customer_id).await?;
        let data = jf_data(jf_type, &event, warehouse, user_id);
        // A subscription without an app secret (none sealed yet) signs
        // with its own secret rather than not at all.
        let secret = match c.client_id.as_deref() {
            Some(client_id) => self.app_secret(client_id).await?.unwrap_or_else(|| c.secret.clone()),
            None => c.secret.clone(),
        };
        let data_json = data.to_string();
        let sign = jf_webhook_sign(&data_json, &secret);
        let timestamp = crate::now_ms();
        let body = format!(
            "{{\"timestamp\":{timestamp},\"type\":{},\"data\":{data_json},\"sign\":{}}}",
            Value::from(jf_type),
            Value::from(sign.as_str())
        );
        Ok((body.into_bytes(), sign))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_is_md5_of_data_then_client_secret() {
        // md5 of the exact text, computed independently.
        let text = r#"{"data":{"erpNo":"E1"},"clientSecret":"s3cret"}"#;
        assert_eq!(jf_webhook_sign(r#"{"erpNo":"E1"}"#, "s3cret"), hex::encode(Md5::digest(text.as_bytes())));
        assert_ne!(jf_webhook_sign(r#"{"erpNo":"E2"}"#, "s3cret"), jf_webhook_sign(r#"{"erpNo":"E1"}"#, "s3cret"));
    }

    #[test]
    fn only_code_zero_acknowledges() {
        assert!(jf_acknowledged(r#"{"code":"0","msg":""}"#));
        assert!(jf_acknowledged(r#"{"code":0}"#));
        assert!(!jf_acknowledged(r#"{"code":"1","msg":"busy"}"#));
        assert!(!jf_acknowledged("OK"));
    }

    #[test]
    fn an_order_shipped_event_becomes_jfs_order_webhook() {
        let event = json!({"type": "order.shipped", "occurredAt": "2026-11-30T10:00:00.000Z", "warehouseCode": "US-LA01",
            "data": {"orderNo": "OB1", "erpNo": "E1", "status": "SHIPPED",
                     "stock": [{"sku": "A", "total": 5, "locked": 0, "available": 5, "nonGood": 0}]}});
        let data = jf_data("order", &event, "YK".into(), Some(3));
        assert_eq!(data["status"], "Shipped");
        assert_eq!(data["warehouseCode"], "YK");
        assert_eq!(data["userId"], 3);
        assert_eq!(data["erpNo"], "E1");
        assert_eq!(data["skuList"][0]["available"], 5);
        assert_eq!(data["finishTime"], "2026-11-30T10:00:00.000");
    }
}
