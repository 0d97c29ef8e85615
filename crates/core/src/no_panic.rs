//! Every validator that reads seller or staff text, on arbitrary input:
//! it answers a value or its typed error, never a panic. Text is drawn
//! from all of Unicode (multi-byte characters are what break byte-offset
//! slicing), numbers from the whole `i64` range.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use crate::decimal::parse_fixed;
use crate::inbound::{BoxDraft, ItemDraft, check_contents, check_header};
use crate::location::LocationCode;
use crate::outbound::{Recipient, check_lines, postcode_ok};
use crate::product::{ComponentDraft, DeclarationDraft, ProductDraft, SkuCode};

/// Short text of any characters, biased towards the shapes validators
/// look at (digits, letters, separators) so that deep branches are reached.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "\\PC{0,12}",
        "[0-9A-Za-z \\-é中]{0,12}",
        "[0-9]{3,6}[ -]?[0-9é]{0,5}",
        "[0-9.eE+\\-]{0,10}",
        Just(String::new()),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    option::of(text())
}

fn quantity() -> impl Strategy<Value = i64> {
    prop_oneof![any::<i64>(), -3i64..200]
}

fn item() -> impl Strategy<Value = ItemDraft> {
    (text(), quantity(), opt_text(), opt_text(), opt_text(), vec(text(), 0..3)).prop_map(
        |(sku, quantity, batch_no, production_date, expiry_date, serials)| ItemDraft {
            sku,
            quantity,
            batch_no,
            production_date,
            expiry_date,
            serials,
        },
    )
}

fn a_box() -> impl Strategy<Value = BoxDraft> {
    (opt_text(), opt_text(), opt_text(), opt_text(), opt_text(), opt_text(), vec(item(), 0..3)).prop_map(
        |(box_no, barcode, length_cm, width_cm, height_cm, weight_kg, items)| BoxDraft {
            box_no,
            barcode,
            length_cm,
            width_cm,
            height_cm,
            weight_kg,
            items,
        },
    )
}

fn recipient() -> impl Strategy<Value = Recipient> {
    let country = prop_oneof![Just("US".to_owned()), Just("GB".to_owned()), Just("DE".to_owned()), text()];
    (text(), opt_text(), country, opt_text(), text(), text(), text()).prop_map(
        |(name, phone, country, state, city, address_line1, postcode)| Recipient {
            name,
            phone,
            country,
            state,
            city,
            address_line1,
            postcode,
            ..Recipient::default()
        },
    )
}

fn product() -> impl Strategy<Value = ProductDraft> {
    let declaration = option::of((opt_text(), opt_text(), opt_text(), opt_text(), opt_text(), opt_text()).prop_map(
        |(name_en, name_zh, hs_code, origin_country, value, currency)| DeclarationDraft {
            name_en,
            name_zh,
            hs_code,
            origin_country,
            value,
            currency,
            attribute: None,
        },
    ));
    let kind =
        option::of(prop_oneof![Just("SINGLE".to_owned()), Just("SUITE".to_owned()), Just("BOX".to_owned()), text()]);
    let components = vec((text(), quantity()).prop_map(|(sku, quantity)| ComponentDraft { sku, quantity }), 0..3);
    let sizes = (opt_text(), opt_text(), opt_text(), opt_text());
    let flags = any::<[bool; 6]>();
    (
        opt_text(),
        opt_text(),
        opt_text(),
        kind,
        option::of(quantity()),
        components,
        sizes,
        declaration,
        flags,
        opt_text(),
    )
        .prop_map(
            |(sku, name, barcode, product_type, units_per_box, components, sizes, declaration, f, status)| {
                ProductDraft {
                    sku,
                    name,
                    barcode,
                    product_type,
                    units_per_box,
                    components,
                    length_cm: sizes.0,
                    width_cm: sizes.1,
                    height_cm: sizes.2,
                    weight_kg: sizes.3,
                    declaration,
                    battery: f[0],
                    liquid: f[1],
                    magnetic: f[2],
                    fragile: f[3],
                    serial_managed: f[4],
                    batch_managed: f[5],
                    status,
                }
            },
        )
}

proptest! {
    #[test]
    fn product_validation_never_panics(draft in product()) {
        let _ = draft.validate();
    }

    #[test]
    fn sku_and_location_codes_never_panic(code in text()) {
        let _ = SkuCode::parse(&code);
        let _ = LocationCode::parse(&code);
    }

    #[test]
    fn recipient_check_never_panics(recipient in recipient(), warehouse in prop_oneof![Just("US"), Just("GB"), Just("DE")]) {
        let _ = recipient.check(warehouse);
    }

    #[test]
    fn postcode_rules_of_every_country_never_panic(postcode in text()) {
        for country in ["US", "GB", "DE", "FR", "JP", "", "é"] {
            let _ = postcode_ok(country, &postcode);
        }
    }

    #[test]
    fn outbound_lines_never_panic(lines in vec((text(), quantity()), 0..4)) {
        let _ = check_lines(&lines);
    }

    #[test]
    fn inbound_drafts_never_panic(
        boxes in vec(a_box(), 0..3),
        forecast in vec(item(), 0..3),
        header in (text(), opt_text(), opt_text(), opt_text()),
    ) {
        let _ = check_contents(&boxes, &forecast);
        let _ = check_header(&header.0, header.1.as_deref(), header.2.as_deref(), header.3.as_deref());
    }

    #[test]
    fn pack_scans_of_any_size_never_overflow(scans in vec(("[AB]", any::<i64>()), 0..4), picked in 0i64..10) {
        let picked: std::collections::BTreeMap<String, i64> = [("A".to_owned(), picked)].into();
        let _ = crate::outbound::check_pack(&picked, &scans);
    }

    #[test]
    fn receipt_counts_of_any_size_never_overflow(good in any::<i64>(), defective in any::<i64>()) {
        if let Some(units) = crate::inbound::counted_units(good, defective) {
            prop_assert!(units >= 1 && units == good + defective);
        }
    }

    #[test]
    fn decimal_parsing_never_panics(text in text(), scale in 0u32..10) {
        let _ = parse_fixed(&text, scale);
    }
}

#[test]
fn a_count_that_would_overflow_is_refused() {
    use crate::inbound::counted_units;
    assert_eq!(counted_units(i64::MAX, 1), None);
    assert_eq!(counted_units(5, 1), Some(6));
    assert_eq!(counted_units(0, 0), None);
    assert_eq!(counted_units(-1, 2), None);
}

#[test]
fn a_us_postcode_with_a_multibyte_character_is_refused_not_a_panic() {
    assert!(!postcode_ok("US", "1234é6789"));
    assert!(!postcode_ok("US", "1234é"));
    assert!(!postcode_ok("GB", "SW1A 1éA"));
    assert!(!postcode_ok("GB", "ééééé"));
    assert!(postcode_ok("US", "12345-6789"));
    assert!(postcode_ok("GB", "SW1A 1AA"));
}
