//! S-shape and largest-gap routes: the rules of thumb warehouses use, kept
//! for comparison. Both treat the layout as one block (front and back cross
//! aisles), which is a valid, if longer, walk in any layout.

use std::collections::BTreeMap;

use super::{Layout, Pick, Route};

/// A point of a walk: on an aisle at some y.
type Waypoint = Pick;

/// Picks grouped by aisle, each aisle's picks sorted by y.
fn by_aisle(picks: &[Pick]) -> BTreeMap<u32, Vec<usize>> {
    let mut aisles: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, p) in picks.iter().enumerate() {
        aisles.entry(p.aisle).or_default().push(i);
    }
    for list in aisles.values_mut() {
        list.sort_by(|a, b| picks[*a].y_m.total_cmp(&picks[*b].y_m).then(a.cmp(b)));
    }
    aisles
}

/// Walk length of depot → waypoints → depot where consecutive waypoints
/// are joined by their shortest path (the waypoints force the shape).
fn walk_length(layout: &Layout, waypoints: &[Waypoint]) -> f64 {
    let Some((first, last)) = waypoints.first().zip(waypoints.last()) else { return 0.0 };
    let inner: f64 = waypoints.windows(2).map(|w| layout.distance(w[0], w[1])).sum();
    layout.depot_distance(*first) + inner + layout.depot_distance(*last)
}

fn front(aisle: u32) -> Waypoint {
    Pick { aisle, y_m: 0.0 }
}

fn back(layout: &Layout, aisle: u32) -> Waypoint {
    Pick { aisle, y_m: layout.aisle_length_m() }
}

/// Traverse every aisle with picks entirely, alternating up and down; with
/// an odd number of aisles the last one is entered and left from the front.
pub fn s_shape(layout: &Layout, picks: &[Pick]) -> Route {
    let aisles = by_aisle(picks);
    let count = aisles.len();
    let mut sequence = Vec::with_capacity(picks.len());
    let mut waypoints = Vec::new();
    for (n, (aisle, list)) in aisles.iter().enumerate() {
        let last_odd = n + 1 == count && count % 2 == 1;
        if last_odd {
            waypoints.push(front(*aisle));
            sequence.extend(list.iter().copied());
            waypoints.extend(list.iter().map(|i| picks[*i]));
            waypoints.push(front(*aisle));
        } else if n % 2 == 0 {
            waypoints.push(front(*aisle));
            sequence.extend(list.iter().copied());
            waypoints.extend(list.iter().map(|i| picks[*i]));
            waypoints.push(back(layout, *aisle));
        } else {
            waypoints.push(back(layout, *aisle));
            sequence.extend(list.iter().rev().copied());
            waypoints.extend(list.iter().rev().map(|i| picks[*i]));
            waypoints.push(front(*aisle));
        }
    }
    Route { distance_m: walk_length(layout, &waypoints), sequence }
}

/// Traverse the first and last aisles with picks entirely; in the others,
/// pick from the back down to the largest gap going right, and from the
/// front up to it coming back.
pub fn largest_gap(layout: &Layout, picks: &[Pick]) -> Route {
    let aisles: Vec<(u32, Vec<usize>)> = by_aisle(picks).into_iter().collect();
    let mut sequence = Vec::with_capacity(picks.len());
    let mut waypoints = Vec::new();
    if aisles.is_empty() {
        return Route { sequence, distance_m: 0.0 };
    }
    if aisles.len() == 1 {
        let (aisle, list) = &aisles[0];
        waypoints.push(front(*aisle));
        sequence.extend(list.iter().copied());
        waypoints.extend(list.iter().map(|i| picks[*i]));
        waypoints.push(front(*aisle));
        return Route { distance_m: walk_length(layout, &waypoints), sequence };
    }
    let length = layout.aisle_length_m();
    // For a middle aisle, the index of the first pick reached from the back.
    let split = |list: &[usize]| -> usize {
        let ys: Vec<f64> = list.iter().map(|i| picks[*i].y_m).collect();
        let mut best = (ys[0], 0); // gap front → first pick: all from the back
        for k in 1..ys.len() {
            if ys[k] - ys[k - 1] > best.0 {
                best = (ys[k] - ys[k - 1], k);
            }
        }
        if length - ys[ys.len() - 1] > best.0 {
            best = (length - ys[ys.len() - 1], ys.len());
        }
        best.1
    };
    let last = aisles.len() - 1;
    // Going right along the back.
    for (n, (aisle, list)) in aisles.iter().enumerate() {
        if n == 0 {
            waypoints.push(front(*aisle));
            sequence.extend(list.iter().copied());
            waypoints.extend(list.iter().map(|i| picks[*i]));
            waypoints.push(back(layout, *aisle));
        } else if n == last {
            waypoints.push(back(layout, *aisle));
            sequence.extend(list.iter().rev().copied());
            waypoints.extend(list.iter().rev().map(|i| picks[*i]));
            waypoints.push(front(*aisle));
        } else {
            let from_back = &list[split(list)..];
            if !from_back.is_empty() {
                waypoints.push(back(layout, *aisle));
                sequence.extend(from_back.iter().rev().copied());
                waypoints.extend(from_back.iter().rev().map(|i| picks[*i]));
                waypoints.push(back(layout, *aisle));
            }
        }
    }
    // Coming back left along the front.
    for (aisle, list) in aisles[1..last].iter().rev() {
        let from_front = &list[..split(list)];
        if !from_front.is_empty() {
            waypoints.push(front(*aisle));
            sequence.extend(from_front.iter().copied());
            waypoints.extend(from_front.iter().map(|i| picks[*i]));
            waypoints.push(front(*aisle));
        }
    }
    Route { distance_m: walk_length(layout, &waypoints), sequence }
}
