//! The JSON command parsers of the API (and the decimal parser behind
//! sizes and weights) on arbitrary bytes: an error or a value, never a
//! panic.
#![no_main]

use haicang_api::extract::parse_json;
use haicang_api::routes::{inbound, outbound, products};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(input) = parse_json::<outbound::OutboundInput>(data) {
        let _ = haicang_app::outbound::CreateOutbound::from(input);
    }
    if let Ok(input) = parse_json::<inbound::InboundInput>(data) {
        let cmd = haicang_app::inbound::CreateInbound::from(input);
        let _ = haicang_core::inbound::check_contents(&cmd.boxes, &cmd.forecast);
    }
    let _ = parse_json::<products::ProductInput>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        for scale in 0..8 {
            let _ = haicang_core::decimal::parse_fixed(text, scale);
        }
    }
});
