use proptest::prelude::*;

use super::model::{ItemKey, Ledger, ModelError, Op, Pick};
use super::*;

fn item(sku: u32) -> ItemKey {
    ItemKey { customer: 1, warehouse: 1, sku, condition: Condition::Good }
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let item = (0u32..2, 0u32..2, prop_oneof![Just(Condition::Good), Just(Condition::Defective)])
        .prop_map(|(customer, sku, condition)| ItemKey { customer, warehouse: 1, sku, condition });
    prop_oneof![
        (item.clone(), 0u32..3, 0u32..2, -30i64..40)
            .prop_map(|(item, location, lot, delta)| { Op::Adjust { item, location, lot, delta } }),
        (item.clone(), 0u32..2, 0u32..3, 0u32..3, 1i64..30).prop_map(|(item, lot, from, to, quantity)| Op::Move {
            item,
            lot,
            from,
            to,
            quantity
        }),
        (item.clone(), 0u32..3, 0u32..2, 1i64..30).prop_map(|(item, location, lot, quantity)| {
            let to = if item.condition == Condition::Good { Condition::Defective } else { Condition::Good };
            Op::Convert { item, location, lot, to, quantity }
        }),
        (item, 1i64..40).prop_map(|(item, quantity)| Op::Reserve { item, quantity }),
        (0usize..8).prop_map(|reservation| Op::Void { reservation }),
        (0usize..8, proptest::collection::vec((0u32..3, 0u32..2, 1i64..20), 0..3)).prop_map(|(reservation, picks)| {
            Op::Post {
                reservation,
                picks: picks.into_iter().map(|(location, lot, quantity)| Pick { location, lot, quantity }).collect(),
            }
        }),
    ]
}

proptest! {
    #[test]
    fn every_sequence_keeps_every_invariant(ops in proptest::collection::vec(op_strategy(), 1..80)) {
        let mut ledger = Ledger::default();
        for op in &ops {
            let before = ledger.clone();
            match ledger.apply(op) {
                Ok(()) => {}
                Err(_) => prop_assert_eq!(&ledger, &before, "a failed {:?} changed the ledger", op),
            }
            if let Err(broken) = ledger.check_invariants() {
                prop_assert!(false, "after {:?}: {}", op, broken);
            }
        }
    }
}

#[test]
fn reserving_more_than_available_names_both_figures() {
    let s = Summary { on_hand: 10, reserved: 4 };
    assert_eq!(
        s.reserve(Quantity::new(7).unwrap()),
        Err(LedgerError::InsufficientAvailable { requested: 7, available: 6 })
    );
    assert_eq!(s.reserve(Quantity::new(6).unwrap()), Ok(Summary { on_hand: 10, reserved: 10 }));
}

#[test]
fn reserved_stock_cannot_be_adjusted_out() {
    let mut ledger = Ledger::default();
    ledger.apply(&Op::Adjust { item: item(1), location: 1, lot: 0, delta: 5 }).unwrap();
    ledger.apply(&Op::Reserve { item: item(1), quantity: 4 }).unwrap();
    let refused = ledger.apply(&Op::Adjust { item: item(1), location: 1, lot: 0, delta: -2 });
    assert!(refused.is_err());
    assert_eq!(ledger.summaries[&item(1)], Summary { on_hand: 5, reserved: 4 });
}

#[test]
fn a_partial_post_ships_some_and_releases_the_rest() {
    let mut ledger = Ledger::default();
    ledger.apply(&Op::Adjust { item: item(1), location: 2, lot: 0, delta: 10 }).unwrap();
    ledger.apply(&Op::Reserve { item: item(1), quantity: 6 }).unwrap();
    ledger.apply(&Op::Post { reservation: 0, picks: vec![Pick { location: 2, lot: 0, quantity: 4 }] }).unwrap();
    assert_eq!(ledger.summaries[&item(1)], Summary { on_hand: 6, reserved: 0 });
    assert_eq!(ledger.reservations[0].1.status, ReservationStatus::Posted);
    assert!(ledger.apply(&Op::Void { reservation: 0 }).is_err(), "a posted reservation cannot be voided");
    ledger.check_invariants().unwrap();
}

#[test]
fn a_transfer_leaves_one_warehouse_and_arrives_at_another_no_more_than_it_carried() {
    let mut ledger = Ledger::default();
    let here = item(1);
    let there = ItemKey { warehouse: 2, ..here };
    ledger.apply(&Op::Adjust { item: here, location: 1, lot: 0, delta: 10 }).unwrap();
    ledger.apply(&Op::Reserve { item: here, quantity: 4 }).unwrap();
    ledger.apply(&Op::Dispatch { reservation: 0, picks: vec![Pick { location: 1, lot: 0, quantity: 4 }] }).unwrap();
    assert_eq!(ledger.summaries[&here], Summary { on_hand: 6, reserved: 0 });
    assert_eq!(ledger.transit[&(here.customer, here.sku, here.condition, 0)], 4);
    ledger.apply(&Op::Arrive { item: there, location: 7, lot: 0, quantity: 3 }).unwrap();
    assert_eq!(ledger.summaries[&there], Summary { on_hand: 3, reserved: 0 });
    // One unit is still on the road: two cannot arrive, nor one of another lot.
    assert_eq!(
        ledger.apply(&Op::Arrive { item: there, location: 7, lot: 0, quantity: 2 }),
        Err(ModelError::NotInTransit)
    );
    assert_eq!(
        ledger.apply(&Op::Arrive { item: there, location: 7, lot: 1, quantity: 1 }),
        Err(ModelError::NotInTransit)
    );
    ledger.check_invariants().unwrap();
    ledger.apply(&Op::Arrive { item: there, location: 7, lot: 0, quantity: 1 }).unwrap();
    assert_eq!(ledger.transit[&(here.customer, here.sku, here.condition, 0)], 0);
    ledger.check_invariants().unwrap();
}

#[test]
fn quantities_are_positive_and_bounded() {
    assert!(Quantity::new(0).is_none());
    assert!(Quantity::new(-1).is_none());
    assert!(Quantity::new(MOVEMENT_QUANTITY_MAX + 1).is_none());
    assert_eq!(Quantity::new(3).map(Quantity::get), Some(3));
}
