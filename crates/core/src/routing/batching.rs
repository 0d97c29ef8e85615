//! Order batching: which orders share a picking cart.
//!
//! - FCFS: carts filled in arrival order (the baseline).
//! - Savings: Clarke–Wright. Every order starts alone; pairs of orders that
//!   lie close together are merged in order of the walking they save
//!   (`d(a) + d(b) - d(a ∪ b)`), while the cart has room. Only each order's
//!   nearest neighbours (by the centre of its picks) are paired, so the
//!   work grows with `n·k`, not `n²`.
//! - Best: the shortest of savings and four simple seed plans (orders
//!   sorted by the centre of their picks, by their first aisle, by their
//!   last aisle and cut into carts; seed-and-fill with each seed's nearest
//!   orders), then local search: single orders moved to a neighbour's cart
//!   with room, and pairs of orders swapped between full carts, while that
//!   shortens the total walk. Starting from the best seed, best never walks
//!   more than any of them: on skewed demand (few locations, most picks) a
//!   sorted cut can beat savings, which merges greedily pair by pair.
//!
//! Beyond 2,000 orders `best` searches less and plans zone by zone, on
//! every core (see `EFFORT_LARGE` and `zoned`).
//!
//! Every batch is routed by the best router of the layout, and its route
//! returned with it. Deterministic: ties are broken by order index, and
//! work spread over threads is collected in input order.

use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap};

use super::{Layout, LayoutError, PICKS_MAX, Pick, best_distance, best_route};

/// Neighbours per order considered for merging and moves.
const NEIGHBOURS: usize = 24;
/// How hard the planner tries: how many nearest orders each order is
/// paired with (savings) and may move towards, passes of the local search
/// over all orders, and how many of each order's nearest orders are tried
/// as swap partners.
#[derive(Debug, Clone, Copy)]
struct Effort {
    neighbours: usize,
    passes: usize,
    swap_neighbours: usize,
    /// Beyond `LARGE_FROM` orders, plan zone by zone (see `zoned`).
    zoned: bool,
}

/// What `best` spends: a 200-order wave well under 50 ms, 2,000 orders
/// well under a second on two cores.
const EFFORT: Effort = Effort { neighbours: NEIGHBOURS, passes: 3, swap_neighbours: 8, zoned: true };
/// Beyond 2,000 orders (a wave may hold 10,000, released in a request):
/// half the neighbours, one pass, 2 swap partners. Routing the candidate
/// pairs and the swaps' full carts is nearly all of the work; on a
/// two-block building (the demo's), 10,000 3-line orders over 30 slots
/// planned in zones took 2.4–3.8 s of two cores with 24 neighbours and 4
/// partners, 1.9 s like this, for 0.2% more walking (measured 2026-12-02
/// on a slow day; `plan bench` prints its own 10,000-order runs).
const EFFORT_LARGE: Effort = Effort { neighbours: NEIGHBOURS / 2, passes: 1, swap_neighbours: 2, zoned: true };
const LARGE_FROM: usize = 2_000;
/// Orders per zone when a wave beyond `LARGE_FROM` is planned zone by zone.
const ZONE: usize = 2_500;
/// The long-run reference of the benchmark: many passes, every neighbour.
const THOROUGH: Effort = Effort { neighbours: NEIGHBOURS, passes: 50, swap_neighbours: NEIGHBOURS, zoned: false };
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
    /// The cart's route: indexes into its picks (the picks of `orders`, in
    /// that order, each order's in its own order), so that a caller who
    /// walks the cart need not route it again.
    pub sequence: Vec<usize>,
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
    /// Refused before planning rather than found in a cart: the largest
    /// orders could share a cart, and no route holds more than
    /// `PICKS_MAX` picks.
    #[error("carts of {capacity} orders could hold more than {PICKS_MAX} picks: fewer orders per cart")]
    CartTooLarge { capacity: usize },
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
    plan_with(layout, orders, capacity, method, effort_for(orders.len()))
}

/// What the planner spends on a wave of `orders` orders.
fn effort_for(orders: usize) -> Effort {
    if orders > LARGE_FROM { EFFORT_LARGE } else { EFFORT }
}

/// `best` searching far longer (every neighbour as a swap partner, up to 50
/// passes): the reference the benchmark measures `best` against.
pub fn plan_thorough(layout: &Layout, orders: &[Vec<Pick>], capacity: usize) -> Result<BatchPlan, BatchError> {
    plan_with(layout, orders, capacity, BatchMethod::Best, THOROUGH)
}

/// `best` over the whole wave at once, however large (no zones): what the
/// benchmark weighs zones against.
pub fn plan_in_one(layout: &Layout, orders: &[Vec<Pick>], capacity: usize) -> Result<BatchPlan, BatchError> {
    plan_with(layout, orders, capacity, BatchMethod::Best, Effort { zoned: false, ..effort_for(orders.len()) })
}

/// The seed heuristics `best` starts from, each as a plan of its own (for
/// comparison): by centre, by first aisle, by last aisle, seed-and-fill.
pub fn seed_plans(
    layout: &Layout,
    orders: &[Vec<Pick>],
    capacity: usize,
) -> Result<Vec<(&'static str, BatchPlan)>, BatchError> {
    check(layout, orders, capacity)?;
    let near = neighbours(layout, orders, NEIGHBOURS);
    let names = ["centre sort", "first aisle", "last aisle", "seed and fill"];
    Ok(names
        .into_iter()
        .zip(seeds(layout, orders, capacity, &near))
        .map(|(n, g)| (n, finish(layout, orders, g)))
        .collect())
}

fn check(layout: &Layout, orders: &[Vec<Pick>], capacity: usize) -> Result<(), BatchError> {
    if capacity == 0 {
        return Err(BatchError::NoCapacity);
    }
    if orders.len() > ORDERS_MAX {
        return Err(BatchError::TooManyOrders);
    }
    for (order, picks) in orders.iter().enumerate() {
        layout.check(picks).map_err(|source| BatchError::Order { order, source })?;
    }
    // The most picks any cart can hold: its `capacity` largest orders.
    let mut sizes: Vec<usize> = orders.iter().map(Vec::len).collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    if sizes.iter().take(capacity).sum::<usize>() > PICKS_MAX {
        return Err(BatchError::CartTooLarge { capacity });
    }
    Ok(())
}

fn plan_with(
    layout: &Layout,
    orders: &[Vec<Pick>],
    capacity: usize,
    method: BatchMethod,
    effort: Effort,
) -> Result<BatchPlan, BatchError> {
    check(layout, orders, capacity)?;
    let groups: Vec<Vec<usize>> = match method {
        BatchMethod::Fcfs => (0..orders.len()).collect::<Vec<_>>().chunks(capacity).map(<[usize]>::to_vec).collect(),
        BatchMethod::Savings => savings(layout, orders, capacity, &neighbours(layout, orders, effort.neighbours)),
        BatchMethod::Best if orders.len() > LARGE_FROM && effort.zoned => {
            // Zones keep every cart inside one; the seed plans over the
            // whole wave do not, and best never walks more than any seed.
            let mut plans = seeds(layout, orders, capacity, &neighbours(layout, orders, effort.neighbours));
            plans.push(zoned(layout, orders, capacity, effort));
            shortest(layout, orders, plans)
        }
        BatchMethod::Best => best(layout, orders, capacity, effort),
    };
    Ok(finish(layout, orders, groups))
}

/// The shortest of the seeds and savings, improved by the local search.
fn best(layout: &Layout, orders: &[Vec<Pick>], capacity: usize, effort: Effort) -> Vec<Vec<usize>> {
    let near = neighbours(layout, orders, effort.neighbours);
    let mut starts = seeds(layout, orders, capacity, &near);
    starts.push(savings(layout, orders, capacity, &near));
    let mut groups = shortest(layout, orders, starts);
    improve(layout, orders, capacity, &near, &mut groups, effort);
    groups
}

/// The first of the shortest plans (callers put the seeds first, so ties
/// go to them and plans are stable).
fn shortest(layout: &Layout, orders: &[Vec<Pick>], mut plans: Vec<Vec<Vec<usize>>>) -> Vec<Vec<usize>> {
    let totals: Vec<f64> = plans.iter().map(|g| total_distance(layout, orders, g)).collect();
    let first = (0..plans.len()).fold(0, |b, i| if totals[i] < totals[b] - 1e-9 { i } else { b });
    plans.swap_remove(first)
}

/// A big wave planned zone by zone: the orders sorted by the centre of
/// their picks (aisle, then depth) are cut into zones of about `ZONE`
/// orders, each planned by `best` on its own thread. Clarke–Wright's merges
/// and the local search run one step after another, so on one plan they
/// use one core; zones put every core to work. What it costs: no cart
/// crosses a zone's border (a zone is thousands of orders of a strip of
/// aisles, so few carts would) — `plan bench` prints zones beside one plan
/// over the whole wave.
fn zoned(layout: &Layout, orders: &[Vec<Pick>], capacity: usize, effort: Effort) -> Vec<Vec<usize>> {
    let centre = centres(layout, orders);
    let mut sorted: Vec<usize> = (0..orders.len()).collect();
    sorted.sort_by(|a, b| by_pair(&centre[*a], &centre[*b]).then(a.cmp(b)));
    let zones = orders.len().div_ceil(ZONE);
    // Zones of whole carts, as equal as that allows.
    let size = orders.len().div_ceil(zones).div_ceil(capacity) * capacity;
    let parts: Vec<&[usize]> = sorted.chunks(size).collect();
    let planned = in_parallel_from(&parts, 2, |part| {
        let mine: Vec<Vec<Pick>> = part.iter().map(|o| orders[*o].clone()).collect();
        let groups = best(layout, &mine, capacity, effort);
        groups.into_iter().map(|g| g.into_iter().map(|k| part[k]).collect::<Vec<usize>>()).collect::<Vec<_>>()
    });
    planned.into_iter().flatten().collect()
}

/// Routes every cart of `groups` into a plan.
fn finish(layout: &Layout, orders: &[Vec<Pick>], groups: Vec<Vec<usize>>) -> BatchPlan {
    let groups: Vec<Vec<usize>> = groups
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(|mut g| {
            g.sort_unstable();
            g
        })
        .collect();
    // `check` passed every order and bounded every cart's picks.
    let routes = in_parallel(&groups, |g| {
        let picks: Vec<Pick> = g.iter().flat_map(|o| orders[*o].iter().copied()).collect();
        best_route(layout, &picks)
    });
    let mut batches: Vec<Batch> = groups
        .into_iter()
        .zip(routes)
        .map(|(orders, r)| Batch { orders, distance_m: r.distance_m, sequence: r.sequence })
        .collect();
    batches.sort_by_key(|b| b.orders[0]);
    let total_distance_m = batches.iter().map(|b| b.distance_m).sum();
    BatchPlan { batches, total_distance_m }
}

/// The centre of each order's picks (x of the aisle, y along it).
fn centres(layout: &Layout, orders: &[Vec<Pick>]) -> Vec<(f64, f64)> {
    orders
        .iter()
        .map(|o| {
            let n = o.len().max(1) as f64;
            (o.iter().map(|p| layout.aisle_x(p.aisle)).sum::<f64>() / n, o.iter().map(|p| p.y_m).sum::<f64>() / n)
        })
        .collect()
}

/// Orders by the first of a pair, then the second.
fn by_pair(a: &(f64, f64), b: &(f64, f64)) -> Ordering {
    a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
}

/// How far apart two order centres are (rectilinear: carts walk aisles).
fn apart(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).abs() + (a.1 - b.1).abs()
}

/// The walk of a whole plan.
fn total_distance(layout: &Layout, orders: &[Vec<Pick>], groups: &[Vec<usize>]) -> f64 {
    in_parallel(groups, |g| if g.is_empty() { 0.0 } else { cart_distance(layout, orders, g) }).iter().sum()
}

/// The simple plans a planner of the trade reaches for: orders sorted by
/// a key and cut into carts (by the centre of their picks; by their first
/// aisle; by their last aisle), and seed-and-fill (the first unplanned
/// order in aisle order opens a cart, its nearest unplanned orders fill
/// it).
fn seeds(layout: &Layout, orders: &[Vec<Pick>], capacity: usize, near: &[Vec<usize>]) -> Vec<Vec<Vec<usize>>> {
    let centre = centres(layout, orders);
    // Each order's key for each sorted cut, computed once.
    let extreme = |o: &Vec<Pick>, last: bool| {
        let keys = o.iter().map(|p| (f64::from(p.aisle), p.y_m));
        let pick = if last { keys.max_by(by_pair) } else { keys.min_by(by_pair) };
        pick.unwrap_or((0.0, 0.0))
    };
    let first: Vec<(f64, f64)> = orders.iter().map(|o| extreme(o, false)).collect();
    let last: Vec<(f64, f64)> = orders.iter().map(|o| extreme(o, true)).collect();
    let cut = |keys: &[(f64, f64)]| {
        let mut sorted: Vec<usize> = (0..orders.len()).collect();
        sorted.sort_by(|a, b| by_pair(&keys[*a], &keys[*b]).then(a.cmp(b)));
        sorted.chunks(capacity).map(<[usize]>::to_vec).collect::<Vec<_>>()
    };
    let (by_centre, by_first, by_last) = (cut(&centre), cut(&first), cut(&last));
    // Seed-and-fill, in the first-aisle order.
    let order: Vec<usize> = by_first.iter().flatten().copied().collect();
    let mut planned = vec![false; orders.len()];
    let mut filled = Vec::new();
    let mut next = 0;
    let d = |i: usize, j: usize| apart(centre[i], centre[j]);
    while next < order.len() {
        let seed = order[next];
        next += 1;
        if planned[seed] {
            continue;
        }
        planned[seed] = true;
        let mut cart = vec![seed];
        let mut candidates: Vec<usize> = near[seed].iter().copied().filter(|j| !planned[*j]).collect();
        candidates.sort_by(|a, b| d(seed, *a).total_cmp(&d(seed, *b)).then(a.cmp(b)));
        for j in candidates.into_iter().take(capacity - 1) {
            planned[j] = true;
            cart.push(j);
        }
        // Too few unplanned neighbours: the next ones in aisle order.
        let mut k = next;
        while cart.len() < capacity && k < order.len() {
            if !planned[order[k]] {
                planned[order[k]] = true;
                cart.push(order[k]);
            }
            k += 1;
        }
        filled.push(cart);
    }
    vec![by_centre, by_first, by_last, filled]
}

/// Each order's `k` nearest neighbours by the centre of its picks.
fn neighbours(layout: &Layout, orders: &[Vec<Pick>], k: usize) -> Vec<Vec<usize>> {
    let centre = centres(layout, orders);
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
        let lo = pos.saturating_sub(2 * k);
        let hi = (pos + 2 * k + 1).min(sorted.len());
        sorted[lo..hi].to_vec()
    };
    let indexes: Vec<usize> = (0..orders.len()).collect();
    in_parallel(&indexes, |&i| {
        let mut near = window(&by_x, position[i].0);
        near.extend(window(&by_y, position[i].1));
        near.retain(|j| *j != i);
        near.sort_unstable();
        near.dedup();
        let d = |j: usize| apart(centre[i], centre[j]);
        near.sort_by(|a, b| d(*a).total_cmp(&d(*b)).then(a.cmp(b)));
        near.truncate(k);
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
    in_parallel_from(items, PARALLEL_FROM, f)
}

/// `in_parallel` for items each worth a thread from `least` items on.
fn in_parallel_from<T: Sync, R: Send>(items: &[T], least: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(PARALLEL_MAX);
    if threads <= 1 || items.len() < least {
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
fn improve(
    layout: &Layout,
    orders: &[Vec<Pick>],
    capacity: usize,
    near: &[Vec<usize>],
    carts: &mut [Vec<usize>],
    effort: Effort,
) {
    let mut cart_of = vec![0usize; orders.len()];
    for (c, members) in carts.iter().enumerate() {
        for o in members {
            cart_of[*o] = c;
        }
    }
    let mut cost: Vec<f64> = carts.iter().map(|c| cart_distance(layout, orders, c)).collect();
    for _ in 0..effort.passes {
        let mut improved = false;
        for o in 0..orders.len() {
            let from = cart_of[o];
            // Neighbours' carts with room; once carts fill up there are
            // none, and the cart without `o` need not be routed at all.
            let targets: BTreeSet<usize> =
                near[o].iter().map(|n| cart_of[*n]).filter(|c| *c != from && carts[*c].len() < capacity).collect();
            let without: Vec<usize> = carts[from].iter().copied().filter(|x| *x != o).collect();
            let from_cost =
                if targets.is_empty() || without.is_empty() { 0.0 } else { cart_distance(layout, orders, &without) };
            let mut best: Option<(f64, usize, f64)> = None;
            for to in targets {
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
                continue;
            }
            // Full carts cannot take an order: swap it with a near one.
            for &p in near[o].iter().take(effort.swap_neighbours) {
                let to = cart_of[p];
                if to == from {
                    continue;
                }
                let swapped = |members: &[usize], out: usize, inn: usize| -> Vec<usize> {
                    members.iter().map(|x| if *x == out { inn } else { *x }).collect()
                };
                let new_from = swapped(&carts[from], o, p);
                let new_to = swapped(&carts[to], p, o);
                let (from_cost, to_cost) =
                    (cart_distance(layout, orders, &new_from), cart_distance(layout, orders, &new_to));
                if cost[from] + cost[to] - from_cost - to_cost > 1e-6 {
                    carts[from] = new_from;
                    carts[to] = new_to;
                    cost[from] = from_cost;
                    cost[to] = to_cost;
                    cart_of[o] = to;
                    cart_of[p] = from;
                    improved = true;
                    break;
                }
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

    /// Orders of 1-5 picks, drawn by a small deterministic generator, most
    /// of them (when `skewed`) from the few slots nearest the depot.
    fn random_orders(seed: u64, n: usize, skewed: bool) -> Vec<Vec<Pick>> {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as f64 / (1u64 << 31) as f64
        };
        (0..n)
            .map(|_| {
                let lines = 1 + (next() * 5.0) as usize;
                (0..lines)
                    .map(|_| {
                        let (aisles, along) = if skewed && next() < 0.8 { (2.0, 6.0) } else { (10.0, 20.0) };
                        Pick { aisle: 1 + (next() * aisles) as u32, y_m: (next() * along * 10.0).round() / 10.0 }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn best_never_walks_more_than_a_seed_heuristic_or_savings() {
        for (seed, skewed) in [(1, false), (2, true), (3, true), (4, false)] {
            let orders = random_orders(seed, 300, skewed);
            let best = plan(&layout(), &orders, 8, BatchMethod::Best).unwrap();
            let savings = plan(&layout(), &orders, 8, BatchMethod::Savings).unwrap();
            assert!(best.total_distance_m <= savings.total_distance_m + 1e-6, "seed {seed}");
            for (name, seed_plan) in seed_plans(&layout(), &orders, 8).unwrap() {
                let mut all: Vec<usize> = seed_plan.batches.iter().flat_map(|b| b.orders.clone()).collect();
                all.sort_unstable();
                assert_eq!(all, (0..300).collect::<Vec<_>>(), "{name}: every order once");
                assert!(seed_plan.batches.iter().all(|b| b.orders.len() <= 8), "{name}");
                assert!(
                    best.total_distance_m <= seed_plan.total_distance_m + 1e-6,
                    "seed {seed}: best {} m, {name} {} m",
                    best.total_distance_m,
                    seed_plan.total_distance_m
                );
            }
        }
    }

    /// Every order once, carts within capacity, and each cart's route a
    /// visiting order of exactly its picks whose walk is its distance.
    fn assert_whole(layout: &Layout, orders: &[Vec<Pick>], plan: &BatchPlan, capacity: usize) {
        let mut all: Vec<usize> = plan.batches.iter().flat_map(|b| b.orders.clone()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..orders.len()).collect::<Vec<_>>(), "every order once");
        for b in &plan.batches {
            assert!(b.orders.len() <= capacity);
            let picks: Vec<Pick> = b.orders.iter().flat_map(|o| orders[*o].iter().copied()).collect();
            let mut visited = b.sequence.clone();
            visited.sort_unstable();
            assert_eq!(visited, (0..picks.len()).collect::<Vec<_>>(), "cart {:?} visits each pick once", b.orders);
            let walked = layout.tour_length(&picks, &b.sequence);
            assert!(
                (walked - b.distance_m).abs() < 1e-6,
                "cart {:?}: {walked} m walked, {} m said",
                b.orders,
                b.distance_m
            );
        }
    }

    #[test]
    fn large_waves_planned_in_zones_keep_every_order_and_never_lose_to_a_seed() {
        // 2,600 orders: beyond LARGE_FROM, two zones.
        let orders = random_orders(7, 2_600, true);
        let best = plan(&layout(), &orders, 8, BatchMethod::Best).unwrap();
        assert_whole(&layout(), &orders, &best, 8);
        for (name, seed_plan) in seed_plans(&layout(), &orders, 8).unwrap() {
            assert!(
                best.total_distance_m <= seed_plan.total_distance_m + 1e-6,
                "best {} m, {name} {} m",
                best.total_distance_m,
                seed_plan.total_distance_m
            );
        }
        let fcfs = plan(&layout(), &orders, 8, BatchMethod::Fcfs).unwrap();
        assert!(
            best.total_distance_m < fcfs.total_distance_m * 0.8,
            "{} vs FCFS {}",
            best.total_distance_m,
            fcfs.total_distance_m
        );
        assert_eq!(best, plan(&layout(), &orders, 8, BatchMethod::Best).unwrap(), "deterministic");
    }

    #[test]
    fn carts_come_with_their_routes_on_two_blocks() {
        // The demo's shape: a cross aisle halfway along the aisles.
        let two_blocks = Layout::new(10, 20.0, 3.0, 3, 0.0).unwrap();
        let orders = random_orders(11, 200, false);
        for method in [BatchMethod::Fcfs, BatchMethod::Savings, BatchMethod::Best] {
            let plan = plan(&two_blocks, &orders, 6, method).unwrap();
            assert_whole(&two_blocks, &orders, &plan, 6);
        }
    }

    #[test]
    fn swaps_improve_plans_whose_carts_are_all_full() {
        // Two full carts, each holding one order that belongs with the
        // other: no order can move (no room), only a swap fixes them.
        let at = |aisle| vec![Pick { aisle, y_m: 10.0 }];
        let orders = vec![at(1), at(1), at(10), at(10)];
        let mut carts = vec![vec![0, 2], vec![1, 3]];
        let near = neighbours(&layout(), &orders, NEIGHBOURS);
        let before: f64 = total_distance(&layout(), &orders, &carts);
        improve(&layout(), &orders, 2, &near, &mut carts, EFFORT);
        let after = total_distance(&layout(), &orders, &carts);
        assert!(after < before - 1.0, "{before} -> {after}: {carts:?}");
        let mut sides: Vec<Vec<usize>> =
            carts.iter().map(|c| c.iter().map(|o| orders[*o][0].aisle as usize).collect()).collect();
        sides.iter_mut().for_each(|c| c.sort_unstable());
        assert!(sides.iter().all(|c| c[0] == c[1]), "each cart on one side: {carts:?}");
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

    #[test]
    fn carts_that_could_hold_more_picks_than_a_route_are_refused_before_planning() {
        // Ten orders of 300 picks: eight in a cart would be 2,400 picks.
        let big: Vec<Vec<Pick>> = (0..10)
            .map(|o| (0..300).map(|i| Pick { aisle: 1 + (o + i) % 10, y_m: f64::from(i % 20) }).collect())
            .collect();
        for method in [BatchMethod::Fcfs, BatchMethod::Best] {
            assert_eq!(plan(&layout(), &big, 8, method), Err(BatchError::CartTooLarge { capacity: 8 }));
        }
        // Six fit (1,800 picks): every cart is routed through all its picks.
        let planned = plan(&layout(), &big, 6, BatchMethod::Best).unwrap();
        assert_whole(&layout(), &big, &planned, 6);
    }
}
