//! The JF request signature: the lower-hex HMAC-SHA256, keyed by the
//! client secret, of the seven pairs accessToken, clientId, method (lower
//! case), nonce, timestamp, url (the path only) and userId as `k=v`, sorted
//! by key and joined by `&` (the document's "签名生成方式").

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The signed parts of a JF request.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    pub access_token: &'a str,
    pub client_id: &'a str,
    /// GET or POST (signed in lower case).
    pub method: &'a str,
    pub nonce: &'a str,
    pub timestamp: &'a str,
    /// The request path, without host or query.
    pub url: &'a str,
    pub user_id: &'a str,
}

impl SignedRequest<'_> {
    /// The string JF signs: the pairs sorted by key (the keys happen to be
    /// in alphabetical order already; sorting keeps the rule explicit).
    pub fn canonical(&self) -> String {
        let method = self.method.to_ascii_lowercase();
        let mut pairs = [
            ("accessToken", self.access_token),
            ("clientId", self.client_id),
            ("method", method.as_str()),
            ("nonce", self.nonce),
            ("timestamp", self.timestamp),
            ("url", self.url),
            ("userId", self.user_id),
        ];
        pairs.sort_by_key(|(k, _)| *k);
        pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
    }

    /// The signature a client with `client_secret` sends.
    pub fn sign(&self, client_secret: &str) -> String {
        hex::encode(self.mac(client_secret).finalize().into_bytes())
    }

    /// Whether `sign` (hex, either case) is this request's signature, in
    /// constant time.
    pub fn verify(&self, client_secret: &str, sign: &str) -> bool {
        let Ok(given) = hex::decode(sign.trim()) else { return false };
        let expected = self.mac(client_secret).finalize().into_bytes();
        expected.as_slice().ct_eq(given.as_slice()).into()
    }

    fn mac(&self, client_secret: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()).expect("HMAC takes keys of any length");
        mac.update(self.canonical().as_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document's own example ("main方法执行输出").
    fn example() -> SignedRequest<'static> {
        SignedRequest {
            access_token: "1b56814f081c432cb82751be145261d3",
            client_id: "fe73489a9b5948dbafd07e7b28d6e268",
            method: "POST",
            nonce: "14",
            timestamp: "1692889556000",
            url: "/api/order/get",
            user_id: "8",
        }
    }

    #[test]
    fn the_documents_example_signs_to_its_printed_value() {
        let r = example();
        assert_eq!(
            r.canonical(),
            "accessToken=1b56814f081c432cb82751be145261d3&clientId=fe73489a9b5948dbafd07e7b28d6e268&method=post\
             &nonce=14&timestamp=1692889556000&url=/api/order/get&userId=8"
        );
        let sign = r.sign("4a506ccaf37e400bac4a42d2dc5f600a");
        assert_eq!(sign, "9bc08ba7552c5dfea4efab6bda78a4a9738010913f2403bd93f09c6bf974b939");
        assert!(r.verify("4a506ccaf37e400bac4a42d2dc5f600a", &sign.to_ascii_uppercase()));
    }

    #[test]
    fn any_change_or_another_secret_fails_verification() {
        let sign = example().sign("4a506ccaf37e400bac4a42d2dc5f600a");
        assert!(!example().verify("another secret", &sign));
        let other_path = SignedRequest { url: "/api/order/cancel", ..example() };
        assert!(!other_path.verify("4a506ccaf37e400bac4a42d2dc5f600a", &sign));
        let replayed_later = SignedRequest { timestamp: "1692889556001", ..example() };
        assert!(!replayed_later.verify("4a506ccaf37e400bac4a42d2dc5f600a", &sign));
        assert!(!example().verify("4a506ccaf37e400bac4a42d2dc5f600a", "not hex"));
        assert!(!example().verify("4a506ccaf37e400bac4a42d2dc5f600a", &sign[..62]));
    }
}
