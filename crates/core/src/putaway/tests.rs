//! The planner on the demo building (US-LA01) with tricky cases.

use proptest::prelude::*;

use super::*;
use crate::layout::{LA01, RACK_VOLUME_CM3};

const SELLER: i64 = 1;
const OTHER_SELLER: i64 = 2;

fn demo_slots() -> Vec<Slot> {
    LA01.locations().into_iter().enumerate().map(|(i, l)| Slot::from_layout(i as i64 + 1, l)).collect()
}

fn slot_mut<'a>(slots: &'a mut [Slot], code: &str) -> &'a mut Slot {
    slots.iter_mut().find(|s| s.code == code).expect("demo location")
}

fn line(product_id: i64, lot_id: i64, quantity: i64) -> Incoming {
    Incoming {
        customer_id: SELLER,
        product_id,
        lot_id,
        condition: Condition::Good,
        quantity,
        unit_volume_cm3: 2_000,
        unit_weight_g: 500,
        restriction: None,
    }
}

fn codes(slots: &[Slot], plan: &[Proposal]) -> Vec<(String, i64, Reason)> {
    plan.iter().map(|p| (p.slot.map(|i| slots[i].code.clone()).unwrap_or_default(), p.quantity, p.reason)).collect()
}

fn nearest_face_distance(slots: &[Slot], slot: &Slot) -> i64 {
    slots
        .iter()
        .filter(|s| s.kind == LocationType::PickFace)
        .map(|f| (f.x_mm - slot.x_mm).abs() + (f.y_mm - slot.y_mm).abs())
        .min()
        .expect("LA01 has pick faces")
}

#[test]
fn same_lot_with_room_is_consolidated() {
    let mut slots = demo_slots();
    let held = Content { customer_id: SELLER, product_id: 7, lot_id: 70, condition: Condition::Good };
    let far = slot_mut(&mut slots, "A-01-30-5");
    far.contents.push(held);
    far.used_volume_cm3 = 100_000;
    let plan = plan(slots.clone(), &[line(7, 70, 10)]);
    assert_eq!(codes(&slots, &plan), [("A-01-30-5".to_owned(), 10, Reason::Consolidate)]);
}

#[test]
fn a_full_location_is_passed_over_for_the_nearest_empty_one_to_the_pick_faces() {
    let mut slots = demo_slots();
    let held = Content { customer_id: SELLER, product_id: 7, lot_id: 70, condition: Condition::Good };
    let full = slot_mut(&mut slots, "A-01-30-5");
    full.contents.push(held);
    full.used_volume_cm3 = RACK_VOLUME_CM3 - 1_000; // not even one 2,000 cm³ unit fits
    let plan = plan(slots.clone(), &[line(7, 70, 10)]);
    assert_eq!(plan.len(), 1);
    let target = &slots[plan[0].slot.expect("placed")];
    assert_eq!(plan[0].reason, Reason::EmptyLocation);
    assert_eq!(target.kind, LocationType::Storage);
    // Zone C (pick faces) sits between B and D: the best storage is one
    // aisle (3 m) from a pick face, and ties go to the lower code.
    assert_eq!(nearest_face_distance(&slots, target), 3_000);
    assert_eq!(target.code, "B-05-01-1");
}

#[test]
fn another_sellers_location_is_never_proposed_and_partly_used_ones_are() {
    let mut slots = demo_slots();
    slot_mut(&mut slots, "B-05-01-1").contents.push(Content {
        customer_id: OTHER_SELLER,
        product_id: 99,
        lot_id: 990,
        condition: Condition::Good,
    });
    let mine = slot_mut(&mut slots, "B-05-01-2");
    mine.contents.push(Content { customer_id: SELLER, product_id: 8, lot_id: 80, condition: Condition::Good });
    mine.used_volume_cm3 = 600_000;
    let plan = plan(slots.clone(), &[line(7, 70, 10)]);
    assert_eq!(codes(&slots, &plan), [("B-05-01-2".to_owned(), 10, Reason::PartlyUsed)]);
}

#[test]
fn an_oversized_carton_goes_to_overflow() {
    let slots = demo_slots();
    let mut pallet = line(7, 70, 2);
    pallet.unit_volume_cm3 = RACK_VOLUME_CM3 + 1;
    let plan = plan(slots.clone(), &[pallet]);
    assert_eq!(plan.len(), 1);
    assert_eq!((plan[0].quantity, plan[0].reason), (2, Reason::Overflow));
    assert_eq!(slots[plan[0].slot.expect("placed")].kind, LocationType::Overflow);
}

#[test]
fn a_line_bigger_than_any_location_is_split_over_the_nearest_and_adds_up() {
    let slots = demo_slots();
    let mut bulky = line(7, 70, 25);
    bulky.unit_volume_cm3 = 100_000; // 12 per rack position
    let plan = plan(slots.clone(), &[bulky]);
    let got = codes(&slots, &plan);
    assert_eq!(got.iter().map(|(_, q, _)| q).sum::<i64>(), 25);
    assert_eq!(got.iter().map(|(_, q, _)| *q).collect::<Vec<_>>(), [12, 12, 1]);
    assert!(got.iter().all(|(_, _, r)| *r == Reason::EmptyLocation));
}

#[test]
fn mixed_conditions_defective_goods_only_to_defective_locations() {
    let slots = demo_slots();
    let good = line(7, 70, 5);
    let mut bad = line(7, 70, 1);
    bad.condition = Condition::Defective;
    let plan = plan(slots.clone(), &[good, bad]);
    let got = codes(&slots, &plan);
    assert_eq!(got[1], ("DEF-01".to_owned(), 1, Reason::DefectiveArea));
    assert_eq!(slots[plan[0].slot.expect("placed")].kind, LocationType::Storage);
}

#[test]
fn batteries_and_liquids_go_to_their_aisles_and_nothing_else_does() {
    let slots = demo_slots();
    let mut battery = line(3, 30, 4);
    battery.restriction = Some(Restriction::Battery);
    let mut liquid = line(6, 60, 4);
    liquid.restriction = Some(Restriction::Liquid);
    let plain = line(7, 70, 4);
    let plan = plan(slots.clone(), &[battery, liquid, plain]);
    let at = |i: usize| &slots[plan[i].slot.expect("placed")];
    assert_eq!(at(0).restriction, Some(Restriction::Battery));
    assert!(at(0).code.starts_with("D-05-"), "{}", at(0).code);
    assert!(at(1).code.starts_with("D-04-"), "{}", at(1).code);
    assert_eq!(at(2).restriction, None);
}

#[test]
fn with_no_battery_zone_a_battery_line_waits_for_staff() {
    let slots: Vec<Slot> = demo_slots().into_iter().filter(|s| s.restriction.is_none()).collect();
    let mut battery = line(3, 30, 4);
    battery.restriction = Some(Restriction::Battery);
    let plan = plan(slots, &[battery]);
    assert_eq!(plan, [Proposal { line: 0, slot: None, quantity: 4, reason: Reason::NoLocation }]);
}

#[test]
fn a_single_sku_pick_face_takes_more_of_its_lot_but_no_other_sku() {
    let mut slots = demo_slots();
    let face = slot_mut(&mut slots, "C-01-01-1");
    face.contents.push(Content { customer_id: SELLER, product_id: 7, lot_id: 70, condition: Condition::Good });
    let plan = plan(slots.clone(), &[line(7, 70, 3), line(8, 80, 3)]);
    let got = codes(&slots, &plan);
    assert_eq!(got[0], ("C-01-01-1".to_owned(), 3, Reason::Consolidate));
    assert_ne!(got[1].0, "C-01-01-1");
    assert_eq!(slots[plan[1].slot.expect("placed")].kind, LocationType::Storage);
}

fn arb_lines() -> impl Strategy<Value = Vec<Incoming>> {
    prop::collection::vec((1i64..6, 1i64..4, 1i64..400, 0i64..300_000, 0i64..200_000, 0u8..4, any::<bool>()), 1..25)
        .prop_map(|raw| {
            raw.into_iter()
                .map(|(product, lot, quantity, volume, weight, hazard, defective)| Incoming {
                    customer_id: SELLER,
                    product_id: product,
                    lot_id: product * 10 + lot,
                    condition: if defective { Condition::Defective } else { Condition::Good },
                    quantity,
                    unit_volume_cm3: volume,
                    unit_weight_g: weight,
                    restriction: match hazard {
                        0 => Some(Restriction::Battery),
                        1 => Some(Restriction::Liquid),
                        _ => None,
                    },
                })
                .collect()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Every unit is placed exactly once, in a compatible location, and no
    /// rack position ends up over its volume or weight.
    #[test]
    fn plans_add_up_respect_rules_and_capacity(lines in arb_lines(), occupied in prop::collection::vec(0usize..3000, 0..200)) {
        let mut slots = demo_slots();
        for i in occupied {
            let s = &mut slots[i % 3000];
            s.contents.push(Content { customer_id: OTHER_SELLER, product_id: 50, lot_id: 500, condition: Condition::Good });
            s.used_volume_cm3 = 600_000;
        }
        let result = plan(slots.clone(), &lines);
        prop_assert_eq!(&result, &plan(slots.clone(), &lines), "deterministic");
        let mut after = slots.clone();
        for (i, line) in lines.iter().enumerate() {
            let placed: i64 = result.iter().filter(|p| p.line == i).map(|p| p.quantity).sum();
            prop_assert_eq!(placed, line.quantity);
        }
        for p in &result {
            prop_assert!(p.quantity > 0);
            let Some(i) = p.slot else { prop_assert_eq!(p.reason, Reason::NoLocation); continue };
            let item = &lines[p.line];
            prop_assert!(compatible(&after[i], item, p.reason == Reason::Consolidate), "{} for {:?}", after[i].code, item);
            place(&mut after[i], item, p.quantity);
        }
        for s in &after {
            if let Some(cap) = s.capacity_volume_cm3 { prop_assert!(s.used_volume_cm3 <= cap, "{} over volume", s.code); }
            if let Some(cap) = s.capacity_weight_g { prop_assert!(s.used_weight_g <= cap, "{} over weight", s.code); }
        }
    }
}

#[test]
fn a_unit_measures_itself_else_its_share_of_the_carton() {
    let carton = Some(Carton { volume_cm3: 36_000, weight_g: 8_000, units: 7 });
    assert_eq!(unit_measures(Some(500), Some(250), carton), (500, 250));
    // 36,000 / 7 = 5,142.9 → 5,143; 8,000 / 7 = 1,142.9 → 1,143 (rounded up).
    assert_eq!(unit_measures(None, None, carton), (5_143, 1_143));
    assert_eq!(unit_measures(Some(500), None, carton), (500, 1_143));
    assert_eq!(unit_measures(None, None, None), (0, 0));
    assert_eq!(unit_measures(None, None, Some(Carton { volume_cm3: 10, weight_g: 10, units: 0 })), (0, 0));
    assert_eq!(cm3_from_um(200_000, 150_000, 100_000), 3_000);
    assert_eq!(cm3_from_um(1, 1, 1), 1, "never less room than needed");
    assert_eq!(grams_from_mg(800_001), 801);
}
