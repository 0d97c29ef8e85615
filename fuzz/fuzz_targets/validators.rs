//! The core validators on arbitrary text: the input is cut at 0x01 bytes
//! into fields (lossy UTF-8, so every multi-byte shape is reached) and fed
//! to every rule that reads seller or staff text. An error or a value,
//! never a panic.
#![no_main]

use haicang_core::inbound::{BoxDraft, ItemDraft, check_contents, check_header};
use haicang_core::location::LocationCode;
use haicang_core::outbound::{Recipient, check_lines, postcode_ok};
use haicang_core::product::{DeclarationDraft, ProductDraft, SkuCode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let f: Vec<String> = text.split('\u{1}').map(str::to_owned).collect();
    let field = |i: usize| f.get(i).cloned().unwrap_or_default();
    let opt = |i: usize| f.get(i).cloned();
    let number = |i: usize| field(i).parse::<i64>().unwrap_or(i as i64);

    for country in ["US", "GB", "DE", "FR", "JP"] {
        let _ = postcode_ok(country, &field(0));
        let recipient = Recipient {
            name: field(1),
            country: country.to_owned(),
            state: opt(2),
            city: field(3),
            address_line1: field(4),
            postcode: field(0),
            ..Recipient::default()
        };
        let _ = recipient.check(country);
    }
    let _ = SkuCode::parse(&field(5));
    let _ = LocationCode::parse(&field(5));
    let _ = check_lines(&[(field(5), number(6)), (field(7), number(8))]);
    for scale in 0..8 {
        let _ = haicang_core::decimal::parse_fixed(&field(9), scale);
    }
    let item = ItemDraft {
        sku: field(5),
        quantity: number(6),
        batch_no: opt(10),
        production_date: opt(11),
        expiry_date: opt(12),
        serials: f.iter().skip(13).take(3).cloned().collect(),
    };
    let a_box = BoxDraft {
        box_no: opt(1),
        barcode: opt(2),
        length_cm: opt(9),
        width_cm: opt(10),
        height_cm: opt(11),
        weight_kg: opt(12),
        items: vec![item.clone()],
    };
    let _ = check_contents(&[a_box.clone(), a_box], &[]);
    let _ = check_contents(&[], &[item]);
    let _ = check_header(&field(1), opt(2).as_deref(), opt(3).as_deref(), opt(4).as_deref());
    let product = ProductDraft {
        sku: opt(5),
        name: opt(1),
        barcode: opt(2),
        product_type: opt(3),
        units_per_box: Some(number(6)),
        length_cm: opt(9),
        width_cm: opt(10),
        height_cm: opt(11),
        weight_kg: opt(12),
        declaration: Some(DeclarationDraft {
            name_en: opt(1),
            name_zh: opt(2),
            hs_code: opt(3),
            origin_country: opt(4),
            value: opt(9),
            currency: opt(4),
            attribute: opt(0),
        }),
        status: opt(7),
        ..ProductDraft::default()
    };
    let _ = product.validate();
});
