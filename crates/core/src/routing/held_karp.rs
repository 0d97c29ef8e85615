//! The exact tour over the shortest-path metric by Held–Karp: O(2^n n^2).
//! For tests and for measuring heuristics on small instances only.

use super::{Layout, Pick};

/// Most picks Held–Karp is asked to solve (2^14 x 14 states).
pub const HELD_KARP_PICKS_MAX: usize = 14;

/// The length of the shortest closed walk from the depot through every pick.
pub fn shortest_tour(layout: &Layout, picks: &[Pick]) -> f64 {
    let n = picks.len();
    assert!(n <= HELD_KARP_PICKS_MAX, "Held–Karp is for small instances");
    if n == 0 {
        return 0.0;
    }
    let full = 1usize << n;
    let mut best = vec![f64::INFINITY; full * n];
    for (i, p) in picks.iter().enumerate() {
        best[(1 << i) * n + i] = layout.depot_distance(*p);
    }
    for mask in 1..full {
        for last in 0..n {
            let here = best[mask * n + last];
            if mask & (1 << last) == 0 || !here.is_finite() {
                continue;
            }
            for next in 0..n {
                if mask & (1 << next) != 0 {
                    continue;
                }
                let to = mask | (1 << next);
                let cost = here + layout.distance(picks[last], picks[next]);
                if cost < best[to * n + next] {
                    best[to * n + next] = cost;
                }
            }
        }
    }
    (0..n).map(|last| best[(full - 1) * n + last] + layout.depot_distance(picks[last])).fold(f64::INFINITY, f64::min)
}
