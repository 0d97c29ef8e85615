//! Order batching: which orders share a picking cart.
//!
//! - FCFS: carts filled in arrival order (the baseline).
//! - Savings: Clarke–Wright. Every order starts alone; pairs of orders that
//!   lie close together are merged in order of the walking they save
//!   (`d(a) + d(b) - d(a ∪ b)`), while the cart has room. Only each order's
//!   nearest neighbours (by the centre of its picks) are paired, so the
//!   work grows with `n·k`, not `n²`.
//! - Best: savings, then local search that moves single orders between
//!   neighbouring carts while that shortens the total walk.
//!
//! Every batch is routed by the best router of the layout. Deterministic:
//! ties are broken by order index.

use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap};

use super::{Layout, LayoutError, Pick, best_distance};

/// Neighbours per order considered for merging and moves.
const NEIGHBOURS: usize = 24;
/// Local-search passes over all orders.
const PASSES_MAX: usize = 3;
/// Threads the pair routing may use, and the least work worth them.
const PARALLEL_MAX: usize = 8;
const PARALLEL_FROM: usize = 256;
/// Most orders one plan takes.
pub const ORDERS_MAX: usize = 200_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchMethod {
    Fcfs,
    Savings,
    Best,
}

impl BatchMethod {
    pub fn parse(text: &str) -> Option<BatchMethod> {
        match text {
            "fcfs" => Some(BatchMethod::Fcfs),
            "savings" => Some(BatchMethod::Savings),
            "best" => Some(BatchMethod::Best),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Order indexes, ascending.
    pub orders: Vec<usize>,
    pub distance_m: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BatchPlan {
    pub batches: Vec<Batch>,
    pub total_distance_m: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BatchError {
    #[error("cart capacity must be at least 1 order")]
    NoCapacity,
    #[error("too many orders: at most {ORDERS_MAX}")]
    TooManyOrders,
    #[error("order {order}: {source}")]
    Order { order: usize, source: LayoutError },
}

/// The walking distance of one cart holding `members`.
fn cart_distance(layout: &Layout, orders: &[Vec<Pick>], members: &[usize]) -> f64 {
    let picks: Vec<Pick> = members.iter().flat_map(|o| orders[*o].iter().copied()).collect();
    best_distance(layout, &picks).unwrap_or(f64::INFINITY)
}

pub fn plan(
    layout: &Layout,
    orders: &[Vec<Pick>],
    capacity: usize,
    method: BatchMethod,
) -> Result<BatchPlan, BatchError> {
    if capacity == 0 {
        return Err(BatchError::NoCapacity);
    }
    if orders.len() > ORDERS_MAX {
        return Err(BatchError::TooManyOrders);
    }
    for (order, picks) in orders.iter().enumerate() {
        layout.check(picks).map_err(|source| BatchError::Order { order, source })?;
    }
    let groups: Vec<Vec<usize>> = match method {
        BatchMethod::Fcfs => (0..orders.len()).collect::<Vec<_>>().chunks(capacity).map(<[usize]>::to_vec).collect(),
        BatchMethod::Savings => savings(layout, orders, capacity, &neighbours(layout, orders)),
        BatchMethod::Best => {
            let near = neighbours(layout, orders);
            let mut groups = savings(layout, orders, capacity, &near);
            improve(layout, orders, capacity, &near, &mut groups);
            groups
        }
    };
    let mut batches: Vec<Batch> = groups
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(|mut g| {
            g.sort_unstable();
            Batch { distance_m: cart_distance(layout, orders, &g), orders: g }
        })
        .collect();
    batches.sort_by_key(|b| b.orders[0]);
    let total_distance_m = batches.iter().map(|b| b.distance_m).sum();
    Ok(BatchPlan { batches, total_distance_m })
}

/// Each order's nearest neighbours by the centre of its picks.
fn neighbours(layout: &Layout, orders: &[Vec<Pick>]) -> Vec<Vec<usize>> {
    let centre: Vec<(f64, f64)> = orders
        .iter()
        .map(|o| {
            let n = o.len().max(1) as f64;
            (o.iter().map(|p| layout.aisle_x(p.aisle)).sum::<f64>() / n, o.iter().map(|p| p.y_m).sum::<f64>() / n)
        })
        .collect();
    // Candidates from windows of the orders sorted by x and by y, then the
    // nearest of those by plain distance.
    let mut by_x: Vec<usize> = (0..orders.len()).collect();
    by_x.sort_by(|a, b| centre[*a].0.total_cmp(&centre[*b].0).then(a.cmp(b)));
    let mut by_y: Vec<usize> = (0..orders.len()).collect();
    by_y.sort_by(|a, b| centre[*a].1.total_cmp(&centre[*b].1).then(a.cmp(b)));
    let mut position = vec![(0usize, 0usize); orders.len()];
    for (pos, &i) in by_x.iter().enumerate() {
        position[i].0 = pos;
    }
    for (pos, &i) in by_y.iter().enumerate() {
        position[i].1 = pos;
    }
    let window = |sorted: &[usize], pos: usize| {
        let lo = pos.saturating_sub(2 * NEIGHBOURS);
        let hi = (pos + 2 * NEIGHBOURS + 1).min(sorted.len());
        sorted[lo..hi].to_vec()
    };
    let indexes: Vec<usize> = (0..orders.len()).collect();
    in_parallel(&indexes, |&i| {
        let mut near = window(&by_x, position[i].0);
        near.extend(window(&by_y, position[i].1));
        near.retain(|j| *j != i);
        near.sort_unstable();
        near.dedup();
        let d = |j: usize| (centre[i].0 - centre[j].0).abs() + (centre[i].1 - centre[j].1).abs();
        near.sort_by(|a, b| d(*a).total_cmp(&d(*b)).then(a.cmp(b)));
        near.truncate(NEIGHBOURS);
        near
    })
}

/// A candidate merge, ordered by saving (then by order indexes, so that
/// plans are deterministic).
struct Saving {
    saving: f64,
    a: usize,
    b: usize,
}

impl PartialEq for Saving {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Saving {}

impl PartialOrd for Saving {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Saving {
    fn cmp(&self, other: &Self) -> Ordering {
        self.saving.total_cmp(&other.saving).then(other.a.cmp(&self.a)).then(other.b.cmp(&self.b))
    }
}

/// `f` over every item, spread over the machine's cores; the answers come
/// back in the items' order, so the plan does not depend on the threads.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(PARALLEL_MAX);
    if threads <= 1 || items.len() < PARALLEL_FROM {
        return items.iter().map(&f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>())).collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(part) => part,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

fn savings(layout: &Layout, orders: &[Vec<Pick>], capacity: usize, near: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let indexes: Vec<usize> = (0..orders.len()).collect();
    let alone: Vec<f64> = in_parallel(&indexes, |i| cart_distance(layout, orders, &[*i]));
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for (i, list) in near.iter().enumerate() {
        for &j in list {
            if i < j || !near[j].contains(&i) {
                candidates.push((i.min(j), i.max(j)));
            }
        }
    }
    // Routing every candidate pair is most of the planner's work.
    let together = in_parallel(&candidates, |(a, b)| cart_distance(layout, orders, &[*a, *b]));
    let pairs = candidates
        .into_iter()
        .zip(together)
        .map(|((a, b), d)| (alone[a] + alone[b] - d, a, b))
        .filter(|(saving, _, _)| *saving > 1e-9);
    // Clarke–Wright with lazy re-evaluation: a popped pair is judged by
    // what merging its two current carts really saves; if that is no longer
    // the best saving on offer, it goes back with the new figure.
    let mut heap: BinaryHeap<Saving> = pairs.map(|(saving, a, b)| Saving { saving, a, b }).collect();
    let mut carts: Vec<Vec<usize>> = (0..orders.len()).map(|i| vec![i]).collect();
    let mut cost: Vec<f64> = alone;
    let mut cart_of: Vec<usize> = (0..orders.len()).collect();
    while let Some(top) = heap.pop() {
        let (ca, cb) = (cart_of[top.a], cart_of[top.b]);
        if ca == cb || carts[ca].len() + carts[cb].len() > capacity {
            continue;
        }
        let merged: Vec<usize> = carts[ca].iter().chain(&carts[cb]).copied().collect();
        let merged_cost = cart_distance(layout, orders, &merged);
        let saving = cost[ca] + cost[cb] - merged_cost;
        if saving <= 1e-9 {
            continue;
        }
        if heap.peek().is_some_and(|next| next.saving > saving + 1e-9) {
            heap.push(Saving { saving, ..top });
            continue;
        }
        let (keep, drop) = (ca.min(cb), ca.max(cb));
        carts[drop].clear();
        for o in &merged {
            cart_of[*o] = keep;
        }
        carts[keep] = merged;
        cost[keep] = merged_cost;
    }
    carts.into_iter().filter(|c| !c.is_empty()).collect()
}

/// Moves single orders to a neighbour's cart while that shortens the walk.
fn improve(layout: &Layout, orders: &[Vec<Pick>], capacity: usize, near: &[Vec<usize>], carts: &mut [Vec<usize>]) {
    let mut cart_of = vec![0usize; orders.len()];
    for (c, members) in carts.iter().enumerate() {
        for o in members {
            cart_of[*o] = c;
        }
    }
    let mut cost: Vec<f64> = carts.iter().map(|c| cart_distance(layout, orders, c)).collect();
    for _ in 0..PASSES_MAX {
        let mut improved = false;
        for o in 0..orders.len() {
            let from = cart_of[o];
            let without: Vec<usize> = carts[from].iter().copied().filter(|x| *x != o).collect();
            let from_cost = if without.is_empty() { 0.0 } else { cart_distance(layout, orders, &without) };
            let mut best: Option<(f64, usize, f64)> = None;
            let targets: BTreeSet<usize> = near[o].iter().map(|n| cart_of[*n]).filter(|c| *c != from).collect();
            for to in targets {
                if carts[to].len() >= capacity {
                    continue;
                }
                let mut with = carts[to].clone();
                with.push(o);
                let to_cost = cart_distance(layout, orders, &with);
                let gain = cost[from] + cost[to] - from_cost - to_cost;
                if gain > 1e-6 && best.is_none_or(|(g, _, _)| gain > g) {
                    best = Some((gain, to, to_cost));
                }
            }
            if let Some((_, to, to_cost)) = best {
                carts[from] = without;
                cost[from] = from_cost;
                carts[to].push(o);
                cost[to] = to_cost;
                cart_of[o] = to;
                improved = true;
            }
        }
        if !improved {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout::new(10, 20.0, 3.0, 2, 0.0).unwrap()
    }

    fn orders() -> Vec<Vec<Pick>> {
        // Orders alternate between the far left and the far right aisles:
        // FCFS mixes them, savings should not.
        (0..16)
            .map(|i| {
                let aisle = if i % 2 == 0 { 1 } else { 10 };
                vec![Pick { aisle, y_m: 5.0 + f64::from(i % 5) }]
            })
            .collect()
    }

    #[test]
    fn every_order_rides_in_exactly_one_cart_within_capacity() {
        for method in [BatchMethod::Fcfs, BatchMethod::Savings, BatchMethod::Best] {
            let plan = plan(&layout(), &orders(), 4, method).unwrap();
            let mut all: Vec<usize> = plan.batches.iter().flat_map(|b| b.orders.clone()).collect();
            all.sort_unstable();
            assert_eq!(all, (0..16).collect::<Vec<_>>(), "{method:?}");
            assert!(plan.batches.iter().all(|b| b.orders.len() <= 4), "{method:?}");
            let sum: f64 = plan.batches.iter().map(|b| b.distance_m).sum();
            assert!((sum - plan.total_distance_m).abs() < 1e-9);
        }
    }

    #[test]
    fn savings_keeps_neighbours_together_and_beats_fcfs() {
        let fcfs = plan(&layout(), &orders(), 4, BatchMethod::Fcfs).unwrap();
        let best = plan(&layout(), &orders(), 4, BatchMethod::Best).unwrap();
        for b in &best.batches {
            let sides: BTreeSet<bool> = b.orders.iter().map(|o| o % 2 == 0).collect();
            assert_eq!(sides.len(), 1, "a cart mixes both ends of the warehouse: {:?}", b.orders);
        }
        assert!(
            best.total_distance_m < fcfs.total_distance_m * 0.7,
            "{} vs {}",
            best.total_distance_m,
            fcfs.total_distance_m
        );
        assert_eq!(best, plan(&layout(), &orders(), 4, BatchMethod::Best).unwrap(), "deterministic");
    }

    #[test]
    fn parallel_work_answers_in_input_order() {
        let items: Vec<u64> = (0..5_000).collect();
        let square = |x: &u64| x * x + 1;
        assert_eq!(in_parallel(&items, square), items.iter().map(square).collect::<Vec<_>>());
    }

    #[test]
    fn a_cart_of_zero_is_refused() {
        assert_eq!(plan(&layout(), &orders(), 0, BatchMethod::Fcfs), Err(BatchError::NoCapacity));
    }
}
