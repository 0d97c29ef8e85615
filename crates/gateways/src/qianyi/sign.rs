//! The Qianyi request signature: lower-hex MD5 of the `k=v` pairs of appId,
//! bizParam, serviceType and timestamp, sorted by key and concatenated,
//! followed by the appSecret.
//!
//! The document's examples cannot serve as test vectors (their appSecret is
//! not given), and "concatenated" has been implemented two ways by SDKs:
//! with nothing between the pairs and with `&`. Both are accepted (each
//! compared in constant time); [`sign`] produces the first.

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

/// The signed fields of a Qianyi request.
#[derive(Debug, Clone, Copy)]
pub struct SignedForm<'a> {
    pub app_id: &'a str,
    pub biz_param: &'a str,
    pub service_type: &'a str,
    pub timestamp: &'a str,
}

impl SignedForm<'_> {
    fn pairs(&self) -> [String; 4] {
        let mut pairs = [
            ("appId", self.app_id),
            ("bizParam", self.biz_param),
            ("serviceType", self.service_type),
            ("timestamp", self.timestamp),
        ];
        pairs.sort_by_key(|(k, _)| *k);
        pairs.map(|(k, v)| format!("{k}={v}"))
    }

    fn digest(&self, separator: &str, secret: &str) -> [u8; 16] {
        let mut text = self.pairs().join(separator);
        text.push_str(secret);
        Md5::digest(text.as_bytes()).into()
    }

    /// The signature: pairs concatenated without separator, then the secret.
    pub fn sign(&self, secret: &str) -> String {
        hex::encode(self.digest("", secret))
    }

    /// Whether `sign` (hex, either case) signs this request under `secret`
    /// in either form.
    pub fn verify(&self, secret: &str, sign: &str) -> bool {
        let Ok(given) = hex::decode(sign.trim()) else { return false };
        let plain: bool = self.digest("", secret).ct_eq(given.as_slice()).into();
        let amp: bool = self.digest("&", secret).ct_eq(given.as_slice()).into();
        plain | amp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> SignedForm<'static> {
        SignedForm {
            app_id: "TEST",
            biz_param: r#"{"page":1,"pageSize":3,"warehouse":"best warehouse(测试用)"}"#,
            service_type: "QUERY_SIMPLE_LIST_INVENTORY_V2",
            timestamp: "1731742317",
        }
    }

    /// The signed text is exactly the sorted pairs and the secret (an MD5
    /// computed independently of this module's code path).
    #[test]
    fn signs_the_sorted_pairs_then_the_secret() {
        let text = concat!(
            "appId=TEST",
            r#"bizParam={"page":1,"pageSize":3,"warehouse":"best warehouse(测试用)"}"#,
            "serviceType=QUERY_SIMPLE_LIST_INVENTORY_V2",
            "timestamp=1731742317",
            "s3cret"
        );
        let expected = hex::encode(Md5::digest(text.as_bytes()));
        assert_eq!(example().sign("s3cret"), expected);
        assert!(example().verify("s3cret", &expected.to_ascii_uppercase()));
    }

    #[test]
    fn accepts_the_ampersand_form_and_refuses_changes() {
        let text = concat!(
            "appId=TEST&",
            r#"bizParam={"page":1,"pageSize":3,"warehouse":"best warehouse(测试用)"}&"#,
            "serviceType=QUERY_SIMPLE_LIST_INVENTORY_V2&",
            "timestamp=1731742317",
            "s3cret"
        );
        let amp = hex::encode(Md5::digest(text.as_bytes()));
        assert!(example().verify("s3cret", &amp));
        let good = example().sign("s3cret");
        assert!(!example().verify("other", &good));
        let changed = SignedForm { timestamp: "1731742318", ..example() };
        assert!(!changed.verify("s3cret", &good));
        assert!(!example().verify("s3cret", "not hex"));
        // The document's printed signature is of an unknown secret.
        assert!(!example().verify("s3cret", "26fff7cae9e2f3420f1aae8a1677be19"));
    }
}
