//! Fingerprints of creating requests, for idempotency by customer
//! reference: the same reference with the same request answers the
//! existing document, with another request a conflict (JF 40001 / 50019).
//!
//! The fingerprint is SHA-256 over a canonical, versioned form of the
//! request: keys sorted, and absent values (null, empty lists, empty
//! objects, `false`) left out. So a later release that adds an optional
//! field hashes an old ERP's retry exactly as before, and a field an ERP
//! sends as `null` equals one it leaves out. The stored text carries its
//! version (`v1:<hex>`); hashes stored before versioning (plain hex of the
//! request struct as serialised then) still match their retries.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical form's version; bump it (and keep the old one matching)
/// only if the canonical form itself must change.
pub const VERSION: &str = "v1";

/// The fingerprint to store with a new document.
pub fn fingerprint<T: Serialize>(request: &T) -> String {
    let value = serde_json::to_value(request).unwrap_or(Value::Null);
    let mut text = String::new();
    write_canonical(&value, &mut text);
    format!("{VERSION}:{}", hex::encode(Sha256::digest(text.as_bytes())))
}

/// Whether a stored fingerprint is of this request.
pub fn same_request<T: Serialize>(stored: &str, request: &T) -> bool {
    match stored.split_once(':') {
        Some((VERSION, _)) => stored == fingerprint(request),
        // Unversioned: the plain struct serialisation of the first releases.
        None => stored == hex::encode(Sha256::digest(serde_json::to_string(request).unwrap_or_default().as_bytes())),
        Some(_) => false,
    }
}

fn absent(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.values().all(absent),
        _ => false,
    }
}

/// JSON with object keys in byte order and absent members dropped.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().filter(|k| !absent(&map[*k])).collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// An order as version 1 stores it: SHA-256 of
    /// `{"customerReference":"ERP-1","items":[["SKU-1",2]],"platform":"SHOPIFY",
    /// "recipient":{"country":"US","name":"Jane","postcode":"90012"},"warehouseCode":"US-LA01"}`
    /// (checked with Python's hashlib). If it stops matching, every ERP
    /// retry of an order created before the change would be refused.
    const STORED_V1: &str = "v1:5818818cc93704ec186a405d7740433418c21c2a5655a8fd6c4961dd8366af21";

    fn order() -> serde_json::Value {
        json!({"warehouseCode": "US-LA01", "customerReference": "ERP-1", "platform": "SHOPIFY",
               "items": [["SKU-1", 2]], "recipient": {"name": "Jane", "country": "US", "postcode": "90012"}})
    }

    #[test]
    fn a_version_1_fingerprint_still_matches_its_request() {
        assert!(same_request(STORED_V1, &order()), "fingerprint is now {}", fingerprint(&order()));
    }

    #[test]
    fn absent_optional_fields_do_not_change_the_fingerprint() {
        let mut later = order();
        // A later release adds optional fields the old ERP does not send.
        later["insurance"] = json!(null);
        later["giftWrap"] = json!(false);
        later["tags"] = json!([]);
        later["recipient"]["district"] = json!(null);
        assert_eq!(fingerprint(&later), fingerprint(&order()));
        // Key order does not matter; a changed value does.
        let reordered: serde_json::Value = serde_json::from_str(
            r#"{"items":[["SKU-1",2]],"platform":"SHOPIFY","customerReference":"ERP-1",
                "recipient":{"postcode":"90012","country":"US","name":"Jane"},"warehouseCode":"US-LA01"}"#,
        )
        .unwrap();
        assert_eq!(fingerprint(&reordered), fingerprint(&order()));
        let mut other = order();
        other["items"] = json!([["SKU-1", 3]]);
        assert_ne!(fingerprint(&other), fingerprint(&order()));
        // Order of list items is meaning (box and line order): kept.
        let mut swapped = order();
        swapped["items"] = json!([["SKU-2", 1], ["SKU-1", 2]]);
        let mut straight = order();
        straight["items"] = json!([["SKU-1", 2], ["SKU-2", 1]]);
        assert_ne!(fingerprint(&swapped), fingerprint(&straight));
    }

    #[test]
    fn hashes_stored_before_versioning_still_match() {
        let legacy = hex::encode(Sha256::digest(serde_json::to_string(&order()).unwrap().as_bytes()));
        assert!(same_request(&legacy, &order()));
        assert!(!same_request("v9:abc", &order()));
    }
}
