use proptest::prelude::*;

use super::held_karp::shortest_tour;
use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * (1.0 + a.abs().max(b.abs()))
}

fn is_permutation(sequence: &[usize], n: usize) -> bool {
    let mut seen = vec![false; n];
    sequence.len() == n && sequence.iter().all(|i| *i < n && !std::mem::replace(&mut seen[*i], true))
}

fn instance(cross_aisles: u32) -> impl Strategy<Value = (Layout, Vec<Pick>)> {
    (1u32..9, 4u32..31, 1u32..5).prop_flat_map(move |(aisles, length, spacing)| {
        let width = f64::from(aisles - 1) * f64::from(spacing);
        let depot = prop_oneof![
            Just(0.0),
            (0u32..=aisles - 1).prop_map(move |a| f64::from(a) * f64::from(spacing)),
            (0.0..=width)
        ];
        let pick =
            (1..=aisles, 0u32..=(length * 2)).prop_map(|(aisle, half)| Pick { aisle, y_m: f64::from(half) / 2.0 });
        (depot, proptest::collection::vec(pick, 0..10)).prop_map(move |(depot, picks)| {
            (Layout::new(aisles, f64::from(length), f64::from(spacing), cross_aisles, depot).unwrap(), picks)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_optimal_router_matches_brute_force_on_one_and_two_block_layouts(
        (layout, picks) in prop_oneof![instance(2), instance(3)]
    ) {
        let best = shortest_tour(&layout, &picks);
        let r = route(&layout, &picks, Method::Optimal).unwrap();
        prop_assert!(close(r.distance_m, best), "optimal {} but brute force {}", r.distance_m, best);
        prop_assert!(close(best_distance(&layout, &picks).unwrap(), best), "the distance-only programme agrees");
        prop_assert!(is_permutation(&r.sequence, picks.len()));
        // The visiting order walked by shortest legs is exactly that long.
        prop_assert!(close(layout.tour_length(&picks, &r.sequence), r.distance_m));
    }

    #[test]
    fn heuristics_visit_every_pick_once_and_are_never_below_the_optimum((layout, picks) in instance(2)) {
        let best = shortest_tour(&layout, &picks);
        for method in [Method::SShape, Method::LargestGap, Method::Combined] {
            let r = route(&layout, &picks, method).unwrap();
            prop_assert!(is_permutation(&r.sequence, picks.len()), "{:?}", method);
            prop_assert!(r.distance_m >= best - 1e-6, "{:?} {} below optimum {}", method, r.distance_m, best);
            prop_assert!(layout.tour_length(&picks, &r.sequence) <= r.distance_m + 1e-6);
        }
    }

    #[test]
    fn the_multi_block_router_is_a_valid_tour_never_below_the_optimum(
        (layout, picks) in prop_oneof![instance(4), instance(5)]
    ) {
        let best = shortest_tour(&layout, &picks);
        let r = route(&layout, &picks, Method::Optimal).unwrap();
        prop_assert!(is_permutation(&r.sequence, picks.len()));
        prop_assert!(r.distance_m >= best - 1e-6);
        prop_assert!(close(layout.tour_length(&picks, &r.sequence), r.distance_m));
    }
}

#[test]
fn the_thorough_search_never_loses_to_the_everyday_router() {
    // Twelve picks spread over a four-block layout: iterated local search
    // starts from the everyday route and only keeps shorter tours.
    let layout = Layout::new(8, 40.0, 3.0, 5, 0.0).unwrap();
    let picks: Vec<Pick> =
        (0..12u32).map(|i| Pick { aisle: 1 + (i * 5) % 8, y_m: f64::from((i * 17) % 40) + 0.5 }).collect();
    let everyday = heuristic::route(&layout, &picks);
    let thorough = heuristic::route_thorough(&layout, &picks, 200);
    assert!(thorough.distance_m <= everyday.distance_m + 1e-9);
    assert!(is_permutation(&thorough.sequence, picks.len()));
    assert!(close(layout.tour_length(&picks, &thorough.sequence), thorough.distance_m));
    assert!(thorough.distance_m >= shortest_tour(&layout, &picks) - 1e-6);
}

#[test]
fn a_middle_cross_aisle_shortens_a_trip_to_both_halves() {
    // Two aisles 10 m apart, 20 m long, a cross aisle at 10 m. Picks just
    // below the middle of aisle 1 and just above it in aisle 2: up aisle 1
    // to the middle (10), across (10), up aisle 2 to 11 and back (2), and
    // home down aisle 2 and along the front (10 + 10) = 42; the single-block
    // optimum would be 9 * 2 + 10 + 11 * 2 + 10 = 60 out and back, or 60 by
    // a loop over the back.
    let layout = Layout::new(2, 20.0, 10.0, 3, 0.0).unwrap();
    let picks = [Pick { aisle: 1, y_m: 9.0 }, Pick { aisle: 2, y_m: 11.0 }];
    let r = route(&layout, &picks, Method::Optimal).unwrap();
    assert!(close(r.distance_m, 42.0), "{}", r.distance_m);
    assert_eq!(r.sequence, vec![0, 1]);
    let single = route(&layout.as_single_block(), &picks, Method::Optimal).unwrap();
    assert!(close(single.distance_m, 60.0), "{}", single.distance_m);
}

/// Two aisles 10 m apart, 20 m long, depot in front of aisle 1.
fn two_aisles() -> Layout {
    Layout::new(2, 20.0, 10.0, 2, 0.0).unwrap()
}

#[test]
fn a_single_pick_is_fetched_and_brought_back() {
    let r = route(&two_aisles(), &[Pick { aisle: 2, y_m: 5.0 }], Method::Optimal).unwrap();
    assert!(close(r.distance_m, 2.0 * (10.0 + 5.0)));
    assert_eq!(r.sequence, vec![0]);
}

#[test]
fn picks_at_the_back_of_both_aisles_make_a_loop() {
    // Up aisle 1, across the back, down aisle 2, back along the front:
    // 20 + 10 + 20 + 10 = 60, shorter than two out-and-backs (40 + 60).
    let picks = [Pick { aisle: 2, y_m: 19.0 }, Pick { aisle: 1, y_m: 18.0 }];
    let r = route(&two_aisles(), &picks, Method::Optimal).unwrap();
    assert!(close(r.distance_m, 60.0), "{}", r.distance_m);
    assert_eq!(r.sequence, vec![1, 0]);
}

#[test]
fn a_depot_between_aisles_is_walked_to_along_the_front() {
    let layout = Layout::new(3, 10.0, 4.0, 2, 6.0).unwrap();
    let r = route(&layout, &[Pick { aisle: 1, y_m: 2.0 }, Pick { aisle: 3, y_m: 3.0 }], Method::Optimal).unwrap();
    // 6 to aisle 1, 2 up and down, 8 to aisle 3, 3 up and down, 2 back.
    assert!(close(r.distance_m, 6.0 + 4.0 + 8.0 + 6.0 + 2.0), "{}", r.distance_m);
}

#[test]
fn s_shape_and_largest_gap_walk_as_their_rules_say() {
    let layout = Layout::new(3, 10.0, 5.0, 2, 0.0).unwrap();
    let picks = [Pick { aisle: 1, y_m: 1.0 }, Pick { aisle: 2, y_m: 9.0 }, Pick { aisle: 3, y_m: 2.0 }];
    // S-shape: up aisle 1 (10), across (5), down aisle 2 (10), across (5),
    // aisle 3 from the front and back (4), home along the front (10).
    let s = route(&layout, &picks, Method::SShape).unwrap();
    assert!(close(s.distance_m, 10.0 + 5.0 + 10.0 + 5.0 + 4.0 + 10.0), "{}", s.distance_m);
    // Largest gap: up aisle 1 (10), across the back (5), aisle 2 from the
    // back (2), across (5), down aisle 3 (10), home along the front (10).
    let g = route(&layout, &picks, Method::LargestGap).unwrap();
    assert!(close(g.distance_m, 10.0 + 5.0 + 2.0 + 5.0 + 10.0 + 10.0), "{}", g.distance_m);
}

#[test]
fn layouts_and_picks_are_checked() {
    assert_eq!(Layout::new(0, 10.0, 3.0, 2, 0.0), Err(LayoutError::NoAisles));
    assert_eq!(Layout::new(3, 10.0, 3.0, 1, 0.0), Err(LayoutError::TooFewCrossAisles));
    assert_eq!(Layout::new(3, 10.0, 3.0, 2, 7.0), Err(LayoutError::DepotOutside));
    let layout = two_aisles();
    assert_eq!(
        route(&layout, &[Pick { aisle: 3, y_m: 1.0 }], Method::Optimal),
        Err(LayoutError::NoSuchAisle { index: 0, aisle: 3 })
    );
    assert_eq!(
        route(&layout, &[Pick { aisle: 1, y_m: 21.0 }], Method::Optimal),
        Err(LayoutError::OutsideAisle { index: 0, y_m: 21.0 })
    );
}
