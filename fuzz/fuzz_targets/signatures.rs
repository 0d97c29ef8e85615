//! The webhook signature parser and verifier on arbitrary headers and
//! bodies: never a panic, and never "valid" for a header we did not make.
#![no_main]

use haicang_app::webhooks::{signature_header, verify_signature};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &[u8], i64)| {
    let (header, body, now) = input;
    let forged = verify_signature("whsec_fuzz", header, body, now, 300);
    let genuine = signature_header(&["whsec_fuzz"], now, body);
    assert!(verify_signature("whsec_fuzz", &genuine, body, now, 300));
    if forged {
        // Only a header carrying the genuine MAC can pass.
        let mac = genuine.split(",v1=").nth(1).unwrap_or_default();
        assert!(header.contains(mac), "forged header accepted: {header:?}");
    }
    let _ = haicang_api::signing::canonical("POST", header, header, header, body);
});
