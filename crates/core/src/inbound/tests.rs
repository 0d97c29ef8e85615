use super::*;

fn item(sku: &str, quantity: i64) -> ItemDraft {
    ItemDraft { sku: sku.into(), quantity, ..Default::default() }
}

fn carton(no: Option<&str>, items: Vec<ItemDraft>) -> BoxDraft {
    BoxDraft {
        box_no: no.map(str::to_owned),
        barcode: None,
        length_cm: Some("40".into()),
        width_cm: Some("30".into()),
        height_cm: Some("30.5".into()),
        weight_kg: Some("8".into()),
        items,
    }
}

#[test]
fn boxes_without_numbers_are_numbered_one_to_n_and_measured_in_mm_and_g() {
    let Contents::Boxes(boxes) =
        check_contents(&[carton(None, vec![item("A", 1)]), carton(None, vec![item("B", 2)])], &[]).expect("valid")
    else {
        panic!("boxes expected")
    };
    assert_eq!(boxes.iter().map(|b| b.box_no.as_str()).collect::<Vec<_>>(), ["1", "2"]);
    assert_eq!((boxes[0].length_mm, boxes[0].height_mm, boxes[0].weight_g), (400, 305, 8000));
}

#[test]
fn numeric_box_numbers_must_run_from_one_without_gaps() {
    let ok = check_contents(&[carton(Some("2"), vec![item("A", 1)]), carton(Some("1"), vec![item("A", 1)])], &[]);
    assert!(ok.is_ok());
    let gap = check_contents(&[carton(Some("1"), vec![item("A", 1)]), carton(Some("3"), vec![item("A", 1)])], &[]);
    assert!(matches!(gap, Err(InboundError::BoxNumbering(_))));
    let zero = check_contents(&[carton(Some("0"), vec![item("A", 1)])], &[]);
    assert!(matches!(zero, Err(InboundError::BoxNumbering(_))));
    let mixed = check_contents(&[carton(Some("1"), vec![item("A", 1)]), carton(None, vec![item("A", 1)])], &[]);
    assert!(matches!(mixed, Err(InboundError::BoxNumbering(_))));
    let text =
        check_contents(&[carton(Some("CTN-B"), vec![item("A", 1)]), carton(Some("CTN-A"), vec![item("A", 1)])], &[]);
    assert!(text.is_ok(), "free-text case numbers need only be unique");
    let twice =
        check_contents(&[carton(Some("CTN-A"), vec![item("A", 1)]), carton(Some("CTN-A"), vec![item("A", 1)])], &[]);
    assert_eq!(twice, Err(InboundError::DuplicateBoxNo("CTN-A".into())));
}

#[test]
fn box_rules_name_the_box() {
    assert_eq!(check_contents(&[carton(None, vec![])], &[]), Err(InboundError::EmptyBox { box_no: "1".into() }));
    let full: Vec<ItemDraft> = (0..=LINES_PER_BOX_MAX).map(|i| item(&format!("S{i}"), 1)).collect();
    assert_eq!(check_contents(&[carton(None, full)], &[]), Err(InboundError::BoxTooFull { box_no: "1".into() }));
    let dup = check_contents(&[carton(None, vec![item("A", 1), item("A", 2)])], &[]);
    assert_eq!(dup, Err(InboundError::DuplicateSku { box_no: "1".into(), sku: "A".into() }));
    let mut flat = carton(None, vec![item("A", 1)]);
    flat.height_cm = Some("0".into());
    assert!(matches!(check_contents(&[flat], &[]), Err(InboundError::DimensionRange { field: "heightCm", .. })));
    let mut huge = carton(None, vec![item("A", 1)]);
    huge.length_cm = Some("300.1".into());
    assert!(matches!(check_contents(&[huge], &[]), Err(InboundError::DimensionRange { field: "lengthCm", .. })));
    let mut heavy = carton(None, vec![item("A", 1)]);
    heavy.weight_kg = Some("1500.001".into());
    assert_eq!(check_contents(&[heavy], &[]), Err(InboundError::WeightRange { box_no: "1".into() }));
    let many: Vec<BoxDraft> = (0..=BOXES_MAX).map(|_| carton(None, vec![item("A", 1)])).collect();
    assert_eq!(check_contents(&many, &[]), Err(InboundError::TooManyBoxes));
    let zero = check_contents(&[carton(None, vec![item("A", 0)])], &[]);
    assert_eq!(zero, Err(InboundError::QuantityInvalid { sku: "A".into() }));
}

#[test]
fn an_order_has_boxes_or_forecast_lines() {
    assert_eq!(check_contents(&[], &[]), Err(InboundError::NoItems));
    assert_eq!(
        check_contents(&[carton(None, vec![item("A", 1)])], &[item("A", 1)]),
        Err(InboundError::BoxesAndForecast)
    );
    assert!(matches!(check_contents(&[], &[item("A", 5)]), Ok(Contents::Forecast(_))));
}

#[test]
fn serials_announced_must_match_the_quantity_and_not_repeat() {
    let mut line = item("S", 2);
    line.serials = vec!["X1".into(), "X1".into()];
    assert!(matches!(check_contents(&[], &[line.clone()]), Err(InboundError::Serials { .. })));
    line.serials = vec!["X1".into()];
    assert!(matches!(check_contents(&[], &[line.clone()]), Err(InboundError::Serials { .. })));
    line.serials = vec!["X1".into(), "X2".into()];
    assert!(check_contents(&[], &[line]).is_ok());
}

#[test]
fn the_state_machine_allows_exactly_the_documented_steps() {
    use InboundAction as A;
    use InboundStatus as S;
    let allowed: &[(S, A, S)] = &[
        (S::Draft, A::Submit, S::Submitted),
        (S::Draft, A::Cancel, S::Cancelled),
        (S::Submitted, A::Cancel, S::Cancelled),
        (S::Draft, A::UpdateTracking, S::Draft),
        (S::Submitted, A::UpdateTracking, S::Submitted),
        (S::Submitted, A::Arrive, S::Arrived),
        (S::Arrived, A::Receive, S::Receiving),
        (S::Receiving, A::Receive, S::Receiving),
        (S::Arrived, A::CloseReceipt, S::Received),
        (S::Receiving, A::CloseReceipt, S::Received),
        (S::Received, A::PutawayPart, S::PuttingAway),
        (S::PuttingAway, A::PutawayPart, S::PuttingAway),
        (S::Received, A::PutawayLast, S::PutawayDone),
        (S::PuttingAway, A::PutawayLast, S::PutawayDone),
    ];
    for &status in S::ALL {
        for &action in A::ALL {
            let expected = allowed.iter().find(|(s, a, _)| *s == status && *a == action).map(|(_, _, n)| *n);
            match (status.after(action), expected) {
                (Ok(next), Some(want)) => assert_eq!(next, want, "{status:?} {action:?}"),
                (Err(refused), None) => assert_eq!(refused, TransitionRefused { status, action }),
                (got, want) => panic!("{status:?} + {action:?}: got {got:?}, documented {want:?}"),
            }
        }
    }
    for &status in S::ALL {
        assert_eq!(S::parse(status.as_str()), Some(status));
    }
}

#[test]
fn discrepancies_short_over_unexpected_defective_and_missing_boxes() {
    let expected = [(Some("1"), "A", 6), (Some("2"), "A", 6), (Some("3"), "B", 4)];
    let counted: Vec<Count<'_>> = vec![(Some("1"), "A", 5, 1), (Some("2"), "A", 4, 0), (Some("2"), "C", 1, 0)];
    let open = discrepancies(&expected, &counted, false);
    let kinds: Vec<(Option<&str>, &str, DiscrepancyKind)> =
        open.iter().map(|d| (d.box_no.as_deref(), d.sku.as_str(), d.kind)).collect();
    assert_eq!(
        kinds,
        [
            (Some("1"), "A", DiscrepancyKind::Defective),
            (Some("2"), "A", DiscrepancyKind::Short),
            (Some("2"), "C", DiscrepancyKind::Unexpected),
        ],
        "box 3 is not short while receipt is open"
    );
    let closed = discrepancies(&expected, &counted, true);
    let missing = closed.iter().find(|d| d.box_no.as_deref() == Some("3")).expect("box 3 reported");
    assert_eq!(
        (missing.kind, missing.expected, missing.received, missing.box_missing),
        (DiscrepancyKind::Short, 4, 0, true)
    );
    let over = discrepancies(&[(None, "A", 10)], &[(None, "A", 11, 0)], true);
    assert_eq!(over.len(), 1);
    assert_eq!((over[0].kind, over[0].expected, over[0].received), (DiscrepancyKind::Over, 10, 11));
}
