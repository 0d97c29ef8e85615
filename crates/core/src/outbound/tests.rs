use super::*;

fn recipient() -> Recipient {
    Recipient {
        name: "Jane Doe".into(),
        country: "US".into(),
        state: Some("CA".into()),
        city: "Los Angeles".into(),
        address_line1: "100 Main St".into(),
        postcode: "90012".into(),
        ..Recipient::default()
    }
}

#[test]
fn addresses_follow_the_country_rules() {
    assert_eq!(recipient().check("US"), Ok(()));
    let mut r = recipient();
    r.state = Some("California".into());
    assert_eq!(r.check("US"), Err(OrderError::UsState));
    r.state = None;
    assert_eq!(r.check("US"), Err(OrderError::Required("recipient.state")));
    let mut r = recipient();
    r.postcode = "9001".into();
    assert!(matches!(r.check("US"), Err(OrderError::Postcode { .. })));
    r.postcode = "90012-1234".into();
    assert_eq!(r.check("US"), Ok(()));
    assert!(matches!(recipient().check("DE"), Err(OrderError::CountryMismatch { .. })));
    for (country, good, bad) in [("DE", "60549", "6054"), ("FR", "75001", "7500A"), ("GB", "SW1A 1AA", "SW1A 1A")] {
        assert!(postcode_ok(country, good), "{country} {good}");
        assert!(!postcode_ok(country, bad), "{country} {bad}");
    }
    assert!(postcode_ok("GB", "m1 1ae"));
}

#[test]
fn the_state_machine_allows_exactly_the_documented_steps() {
    use OutboundAction as A;
    use OutboundStatus as S;
    let allowed: &[(S, A, S)] = &[
        (S::Created, A::Wave, S::Waved),
        (S::Waved, A::Pick, S::Picking),
        (S::Picking, A::Pick, S::Picking),
        (S::Waved, A::PickLast, S::Picked),
        (S::Picking, A::PickLast, S::Picked),
        (S::Waved, A::Short, S::Exception),
        (S::Picking, A::Short, S::Exception),
        (S::Picked, A::Pack, S::Packed),
        (S::Packed, A::Ship, S::Shipped),
        (S::Created, A::Cancel, S::Cancelled),
        (S::Waved, A::Cancel, S::Cancelled),
        (S::Exception, A::Cancel, S::Cancelled),
        (S::Picking, A::Intercept, S::Cancelled),
        (S::Picked, A::Intercept, S::Cancelled),
        (S::Packed, A::Intercept, S::Cancelled),
    ];
    for &status in S::ALL {
        for &action in A::ALL {
            let want = allowed.iter().find(|(s, a, _)| *s == status && *a == action).map(|(_, _, n)| *n);
            assert_eq!(status.after(action).ok(), want, "{status:?} + {action:?}");
        }
        let kind = status.cancel_kind();
        assert_eq!(kind == CancelKind::AtOnce, status.after(A::Cancel).is_ok(), "{status:?}");
        assert_eq!(kind == CancelKind::Interception, status.after(A::Intercept).is_ok(), "{status:?}");
    }
}

fn source(id: i64, lot: i64, inbound_at: i64, expiry: Option<&str>, pick_face: bool, free: i64) -> Source {
    Source {
        location_id: id,
        location_code: format!("L{id:02}"),
        lot_id: lot,
        inbound_at,
        expiry_date: expiry.map(str::to_owned),
        pick_face,
        free,
    }
}

#[test]
fn allocation_is_fefo_then_fifo_then_pick_faces_first() {
    let sources = [
        source(1, 10, 300, None, false, 5),
        source(2, 11, 100, None, false, 5),
        source(3, 11, 100, None, true, 2),
        source(4, 12, 900, Some("2027-01-01"), false, 1),
        source(5, 13, 800, None, true, 0),
    ];
    // The expiring lot first (FEFO), then the oldest lot — its pick face
    // before its storage location — then the newer lot; never the empty one.
    assert_eq!(allocate(&sources, 9), [(3, 1), (2, 2), (1, 5), (0, 1)]);
    let short = allocate(&sources, 50);
    assert_eq!(short.iter().map(|(_, n)| n).sum::<i64>(), 13, "all there is, when short");
}

#[test]
fn packing_refuses_wrong_extra_and_missing_items() {
    let picked: BTreeMap<String, i64> = [("A".to_owned(), 2), ("B".to_owned(), 1)].into();
    let scan = |v: &[(&str, i64)]| v.iter().map(|(s, q)| ((*s).to_owned(), *q)).collect::<Vec<_>>();
    assert_eq!(check_pack(&picked, &scan(&[("A", 1), ("B", 1), ("A", 1)])), Ok(()));
    assert_eq!(check_pack(&picked, &scan(&[("C", 1)])), Err(PackError::WrongItem("C".into())));
    assert!(matches!(check_pack(&picked, &scan(&[("A", 3), ("B", 1)])), Err(PackError::Extra { .. })));
    assert!(matches!(check_pack(&picked, &scan(&[("A", 2)])), Err(PackError::Missing { .. })));
}

#[test]
fn a_pending_interception_blocks_every_step_but_its_answer() {
    let requested = Some(InterceptStatus::Requested);
    assert_eq!(step(OutboundStatus::Picked, requested, OutboundAction::Pack), Err(StepRefused::InterceptPending));
    assert_eq!(step(OutboundStatus::Picked, requested, OutboundAction::Intercept), Ok(OutboundStatus::Cancelled));
    assert_eq!(
        step(OutboundStatus::Picked, Some(InterceptStatus::Failed), OutboundAction::Pack),
        Ok(OutboundStatus::Packed)
    );
    assert!(matches!(step(OutboundStatus::Shipped, None, OutboundAction::Cancel), Err(StepRefused::Status(_))));
}

#[test]
fn an_allocation_is_done_short_or_open_after_a_pick() {
    assert_eq!(AllocationStatus::after_pick(3, 3, false), AllocationStatus::Done);
    assert_eq!(AllocationStatus::after_pick(3, 3, true), AllocationStatus::Done, "all found: not short");
    assert_eq!(AllocationStatus::after_pick(1, 3, true), AllocationStatus::Short);
    assert_eq!(AllocationStatus::after_pick(1, 3, false), AllocationStatus::Open);
}

#[test]
fn an_order_is_picked_when_every_allocation_is_settled() {
    use AllocationStatus::*;
    assert_eq!(pick_progress(&[(Open, 0), (Open, 0)]), None);
    assert_eq!(pick_progress(&[(Done, 2), (Open, 0)]), Some(OutboundAction::Pick));
    assert_eq!(pick_progress(&[(Open, 1)]), Some(OutboundAction::Pick));
    assert_eq!(pick_progress(&[(Done, 2), (Short, 1), (Released, 0)]), Some(OutboundAction::PickLast));
}

#[test]
fn packing_a_serial_managed_sku_needs_exactly_the_picked_serials() {
    let picked: BTreeMap<String, BTreeSet<String>> =
        [("PHONE".to_owned(), ["SN1".to_owned(), "SN2".to_owned()].into())].into();
    let scan = |serials: &[&str]| -> BTreeMap<String, Vec<String>> {
        [("PHONE".to_owned(), serials.iter().map(|s| s.to_string()).collect())].into()
    };
    assert_eq!(check_pack_serials(&picked, &scan(&["SN2", "SN1"])), Ok(()));
    assert!(matches!(check_pack_serials(&picked, &scan(&["SN1"])), Err(PackError::Serials { .. })));
    assert!(matches!(check_pack_serials(&picked, &scan(&["SN1", "SN1"])), Err(PackError::Serials { .. })));
    assert!(matches!(check_pack_serials(&picked, &scan(&["SN1", "SN9"])), Err(PackError::Serials { .. })));
    let mut extra = scan(&["SN1", "SN2"]);
    extra.insert("CASE".into(), vec!["X1".into()]);
    assert!(matches!(check_pack_serials(&picked, &extra), Err(PackError::Serials { .. })));
}

#[test]
fn a_wave_never_promises_the_same_units_twice() {
    let shelf = [source(1, 10, 10, None, false, 5), source(2, 11, 11, None, false, 3)];
    let mut promises = Promises::default();
    assert_eq!(promises.try_order(&[(&shelf, 4)]), Ok(vec![vec![(0, 4)]]));
    // 1 left at L1 (oldest lot first), then L2.
    assert_eq!(promises.try_order(&[(&shelf, 3)]), Ok(vec![vec![(0, 1), (1, 2)]]));
    // 1 unit is left: an order for 2 is refused and leaves no trace.
    assert_eq!(promises.try_order(&[(&shelf, 1), (&shelf, 2)]), Err(ShortLine { line: 1, free: 0 }));
    assert_eq!(promises.try_order(&[(&shelf, 1)]), Ok(vec![vec![(1, 1)]]));
    assert_eq!(promises.try_order(&[(&shelf, 1)]), Err(ShortLine { line: 0, free: 0 }));
}

#[test]
fn two_lines_of_one_order_share_the_same_shelf() {
    let shelf = [source(1, 10, 10, None, false, 3)];
    let mut promises = Promises::default();
    assert_eq!(promises.try_order(&[(&shelf, 2), (&shelf, 2)]), Err(ShortLine { line: 1, free: 1 }));
    assert_eq!(promises.try_order(&[(&shelf, 2), (&shelf, 1)]), Ok(vec![vec![(0, 2)], vec![(0, 1)]]));
}
