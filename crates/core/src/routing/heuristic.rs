//! Routes for any layout: several starting tours — nearest neighbour, the
//! exact single-block tour that ignores the middle cross aisles, the exact
//! tours over the front, the back and each one of the cross aisles between
//! them, S-shape and largest gap — each improved by
//! 2-opt and Or-opt moves on the shortest-path metric until no move
//! shortens it; the shortest wins. Deterministic.
//!
//! [`route_thorough`] adds iterated local search (random double-bridge
//! kicks, each followed by the same improvement, kept when shorter): far
//! slower, it serves as the "best known" reference the benchmark measures
//! the everyday router against where no exact method exists.

use super::{Layout, Pick, Route, baseline, optimal};

/// Improvement rounds are bounded so that a pathological instance still
/// answers in time.
const ROUNDS_MAX: usize = 200;

pub fn route(layout: &Layout, picks: &[Pick]) -> Route {
    route_thorough(layout, picks, 0)
}

/// [`route`], then `kicks` rounds of iterated local search from its best
/// tour (deterministic: a fixed-seed generator picks the kicks).
pub fn route_thorough(layout: &Layout, picks: &[Pick], kicks: usize) -> Route {
    let n = picks.len();
    if n == 0 {
        return Route { sequence: Vec::new(), distance_m: 0.0 };
    }
    // Index n is the depot.
    let dist = |a: usize, b: usize| -> f64 {
        match (a == n, b == n) {
            (true, true) => 0.0,
            (true, false) => layout.depot_distance(picks[b]),
            (false, true) => layout.depot_distance(picks[a]),
            (false, false) => layout.distance(picks[a], picks[b]),
        }
    };
    let matrix: Vec<f64> = (0..=n).flat_map(|a| (0..=n).map(move |b| (a, b))).map(|(a, b)| dist(a, b)).collect();
    let d = |a: usize, b: usize| matrix[a * (n + 1) + b];

    let single = layout.as_single_block();
    let mut starts = vec![
        nearest_neighbour(n, &d),
        optimal::route(&single, picks).sequence,
        baseline::s_shape(layout, picks).sequence,
        baseline::largest_gap(layout, picks).sequence,
    ];
    // The exact tours that use the front, the back and one cross aisle
    // between them, each a valid walk here.
    for k in 1..layout.cross_aisles() - 1 {
        let ys = [0.0, layout.cross_y(k), layout.aisle_length_m()];
        starts.push(optimal::route_over(layout, picks, &ys).sequence);
    }
    // A visiting order improved until no move shortens it, and its length.
    let polished = |start: Vec<usize>| -> Route {
        let mut tour: Vec<usize> = std::iter::once(n).chain(start).chain([n]).collect();
        improve(&mut tour, &d);
        let sequence: Vec<usize> = tour[1..tour.len() - 1].to_vec();
        Route { distance_m: layout.tour_length(picks, &sequence), sequence }
    };
    let mut best: Option<Route> = None;
    for start in starts {
        let candidate = polished(start);
        if best.as_ref().is_none_or(|b| candidate.distance_m < b.distance_m - 1e-9) {
            best = Some(candidate);
        }
    }
    let Some(mut best) = best else { return Route { sequence: Vec::new(), distance_m: 0.0 } };
    // A double bridge needs three distinct cuts; short lists are left as
    // the starts and their improvement found them.
    if n >= 8 {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut below = |bound: usize| {
            // xorshift64*: enough for choosing cut points.
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            (seed.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % bound
        };
        for _ in 0..kicks {
            // Double bridge: A B C D → A C B D, three cuts in the picks.
            let mut cuts = [1 + below(n - 1), 1 + below(n - 1), 1 + below(n - 1)];
            cuts.sort_unstable();
            let [i, j, k] = cuts;
            if i == j || j == k {
                continue;
            }
            let s = &best.sequence;
            let kicked: Vec<usize> = s[..i].iter().chain(&s[j..k]).chain(&s[i..j]).chain(&s[k..]).copied().collect();
            let candidate = polished(kicked);
            if candidate.distance_m < best.distance_m - 1e-9 {
                best = candidate;
            }
        }
    }
    best
}

/// Picks in nearest-neighbour order from the depot (index `n`).
fn nearest_neighbour(n: usize, d: &impl Fn(usize, usize) -> f64) -> Vec<usize> {
    let mut tour = vec![n];
    let mut unvisited: Vec<usize> = (0..n).collect();
    while !unvisited.is_empty() {
        let here = *tour.last().unwrap_or(&n);
        let (pos, _) = unvisited
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| d(here, **a).total_cmp(&d(here, **b)).then(a.cmp(b)))
            .unwrap_or((0, &0));
        tour.push(unvisited.swap_remove(pos));
    }
    tour.remove(0);
    tour
}

/// 2-opt and Or-opt on a closed tour that starts and ends at the depot.
fn improve(tour: &mut Vec<usize>, d: &impl Fn(usize, usize) -> f64) {
    for _ in 0..ROUNDS_MAX {
        let mut improved = false;
        // 2-opt: reverse tour[i..=j].
        for i in 1..tour.len() - 2 {
            for j in i + 1..tour.len() - 1 {
                let delta = d(tour[i - 1], tour[j]) + d(tour[i], tour[j + 1])
                    - d(tour[i - 1], tour[i])
                    - d(tour[j], tour[j + 1]);
                if delta < -1e-9 {
                    tour[i..=j].reverse();
                    improved = true;
                }
            }
        }
        // Or-opt: move a run of 1-3 picks elsewhere.
        for len in 1..=3usize {
            let mut i = 1;
            while i + len < tour.len() {
                let (a, first, last, b) = (tour[i - 1], tour[i], tour[i + len - 1], tour[i + len]);
                let removed = d(a, first) + d(last, b) - d(a, b);
                let mut best: Option<(usize, f64, bool)> = None;
                for k in 0..tour.len() - 1 {
                    if k + 1 >= i && k < i + len {
                        continue;
                    }
                    let (p, q) = (tour[k], tour[k + 1]);
                    for reversed in [false, true] {
                        let (s, e) = if reversed { (last, first) } else { (first, last) };
                        let gain = removed - (d(p, s) + d(e, q) - d(p, q));
                        if gain > 1e-9 && best.is_none_or(|(_, g, _)| gain > g) {
                            best = Some((k, gain, reversed));
                        }
                    }
                }
                if let Some((k, _, reversed)) = best {
                    let mut run: Vec<usize> = tour.drain(i..i + len).collect();
                    if reversed {
                        run.reverse();
                    }
                    let at = if k >= i { k + 1 - len } else { k + 1 };
                    for (offset, v) in run.into_iter().enumerate() {
                        tour.insert(at + offset, v);
                    }
                    improved = true;
                }
                i += 1;
            }
        }
        if !improved {
            break;
        }
    }
}
