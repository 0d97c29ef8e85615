//! The shortest pick route, exactly, for layouts of one or two blocks (two
//! or three cross aisles): the Ratliff–Rosenthal dynamic programme
//! (Operations Research 31(3), 1983) and its two-block extension by
//! Roodbergen and de Koster (IJPR 39(9), 2001).
//!
//! The route is built as a multigraph over the columns (aisles, plus the
//! depot when it is not in front of an aisle), left to right. A column has
//! one end per cross aisle (front, middle, back) and one sub-aisle between
//! neighbouring ends. After each column only this matters for the rest:
//! the degree of each end (none, odd, even), which ends are already in one
//! connected piece, and whether a finished tour was closed off. Each step
//! chooses how often to walk each cross aisle to the next column (0, 1 or
//! 2 times) and how to cover each sub-aisle's picks (pass through it, walk
//! it twice, enter from the low end, from the high end, or from both ends
//! leaving out the largest gap). The cheapest complete subgraph is even
//! and connected, so an Euler circuit of it is a tour; the visiting order
//! is read off that circuit. Linear in the number of aisles; the state
//! count grows as 3^k times the set partitions of k ends, which is why
//! layouts with more cross aisles go to the heuristic.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{Layout, Pick, Route};

/// Most cross aisles the exact programme takes.
pub const CROSS_AISLES_MAX: u32 = 3;
const ENDS_MAX: usize = CROSS_AISLES_MAX as usize;
const SUBS_MAX: usize = ENDS_MAX - 1;

/// How a sub-aisle's picks are covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vertical {
    None,
    /// Low end to high end once.
    Traverse,
    /// Low end to high end twice.
    Double,
    /// From the low end up to the pick below the largest gap, and from the
    /// high end down to the pick above it.
    Gap,
    FromLow,
    FromHigh,
}

const KINDS: [Vertical; 6] =
    [Vertical::None, Vertical::Traverse, Vertical::Double, Vertical::Gap, Vertical::FromLow, Vertical::FromHigh];

impl Vertical {
    /// Degrees added at the low and high ends, and whether the ends get
    /// joined through the sub-aisle.
    fn shape(self) -> (u8, u8, bool) {
        match self {
            Vertical::None => (0, 0, false),
            Vertical::Traverse => (1, 1, true),
            Vertical::Double => (2, 2, true),
            Vertical::Gap => (2, 2, false),
            Vertical::FromLow => (2, 0, false),
            Vertical::FromHigh => (0, 2, false),
        }
    }
}

/// Degree class of an end: 0 none, 1 odd, 2 even and positive.
fn class(total: u8) -> u8 {
    match total {
        0 => 0,
        t if t % 2 == 1 => 1,
        _ => 2,
    }
}

const ABSENT: u8 = u8::MAX;

/// What the part of the route left of a column boundary leaves for the
/// rest, for a layout of `ends` cross aisles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct State {
    /// Degree class per end.
    degree: [u8; ENDS_MAX],
    /// Per present end, the lowest present end of its piece; `ABSENT` else.
    piece: [u8; ENDS_MAX],
    /// A complete tour was closed off to the left.
    closed: bool,
}

impl State {
    const EMPTY: State = State { degree: [0; ENDS_MAX], piece: [ABSENT; ENDS_MAX], closed: false };

    /// A finished tour: closed, or every end even and all present ends in
    /// one piece.
    fn is_final(&self, ends: usize) -> bool {
        if self.closed {
            return true;
        }
        let present: Vec<usize> = (0..ends).filter(|i| self.degree[*i] > 0).collect();
        !present.is_empty()
            && present.iter().all(|i| self.degree[*i] == 2)
            && present.iter().all(|i| self.piece[*i] == self.piece[present[0]])
    }
}

/// Union-find over the ends of one step: the old column's ends, then the
/// new one's.
struct Pieces([usize; 2 * ENDS_MAX]);

impl Pieces {
    fn new() -> Pieces {
        Pieces(std::array::from_fn(|i| i))
    }

    fn find(&self, mut i: usize) -> usize {
        while self.0[i] != i {
            i = self.0[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        self.0[ra] = rb;
    }
}

/// The state after walking cross aisle `i` `h[i]` times to the next column
/// and covering its sub-aisle `s` by `v[s]`; `None` when that cannot lead
/// to a tour.
fn step(s: &State, ends: usize, h: [u8; ENDS_MAX], v: [Vertical; SUBS_MAX]) -> Option<State> {
    if s.closed {
        let idle = h.iter().all(|x| *x == 0) && v.iter().all(|x| *x == Vertical::None);
        return idle.then_some(*s);
    }
    let mut old = [0u8; ENDS_MAX];
    for i in 0..ends {
        old[i] = class(if s.degree[i] == 0 { h[i] } else { s.degree[i] + h[i] });
        // The old ends get no further edges: they must be even now.
        if old[i] == 1 {
            return None;
        }
    }
    let mut pieces = Pieces::new();
    let mut added = [0u8; ENDS_MAX];
    for (i, (degree, walked)) in s.degree.iter().zip(h).enumerate().take(ends) {
        if *degree > 0 {
            pieces.union(i, usize::from(s.piece[i]));
        }
        if walked > 0 {
            pieces.union(i, ends + i);
        }
    }
    for sub in 0..ends - 1 {
        let (low, high, through) = v[sub].shape();
        added[sub] += low;
        added[sub + 1] += high;
        if through {
            pieces.union(ends + sub, ends + sub + 1);
        }
    }
    let new: [u8; ENDS_MAX] = std::array::from_fn(|i| if i < ends { class(h[i] + added[i]) } else { 0 });
    let new_present = |j: usize| j < ends && new[j] > 0;
    let reaches_new = |i: usize| (0..ends).any(|j| new_present(j) && pieces.find(i) == pieces.find(ends + j));
    let closing = (0..ends).any(|i| old[i] > 0 && !reaches_new(i));
    if closing {
        // Only a whole tour may close: nothing else may exist or follow.
        let mut old_present = (0..ends).filter(|i| old[*i] > 0);
        let first = old_present.next().map(|i| pieces.find(i));
        let one_piece = old_present.all(|i| Some(pieces.find(i)) == first);
        if (0..ends).any(new_present) || !one_piece {
            return None;
        }
        return Some(State { degree: [0; ENDS_MAX], piece: [ABSENT; ENDS_MAX], closed: true });
    }
    let mut piece = [ABSENT; ENDS_MAX];
    for i in (0..ends).filter(|i| new_present(*i)) {
        let lowest = (0..ends).find(|j| new_present(*j) && pieces.find(ends + j) == pieces.find(ends + i));
        piece[i] = lowest.map_or(ABSENT, |j| j as u8);
    }
    Some(State { degree: new, piece, closed: false })
}

/// One legal step out of a state.
#[derive(Debug, Clone, Copy)]
struct Transition {
    /// Times each cross aisle is walked to the next column.
    h: [u8; ENDS_MAX],
    /// Covering kind per sub-aisle (index into `KINDS`).
    kinds: [u8; SUBS_MAX],
    /// Sum of `h`: the walk is this many times the column gap.
    crossings: u8,
    next: u16,
}

/// The programme for one number of cross aisles: its reachable states and
/// the legal steps out of each, computed once so that the inner loop only
/// walks steps that can lead to a tour.
struct Machine {
    ends: usize,
    states: Vec<State>,
    /// Per state, its legal steps sorted by covering (`kinds_code`).
    steps: Vec<Vec<Transition>>,
    /// Per state and covering code, the range of its steps with that
    /// covering: a column whose sub-aisles rule some coverings out (an
    /// empty one cannot be entered from one end) skips their steps whole.
    by_kinds: Vec<Vec<(u16, u16)>>,
    finals: Vec<usize>,
}

/// The coverings of a column's sub-aisles as one number: kind of sub-aisle
/// `s` times 6^s.
fn kinds_code(kinds: &[u8; SUBS_MAX]) -> usize {
    kinds.iter().rev().fold(0, |code, k| code * KINDS.len() + usize::from(*k))
}

/// The coverings a code stands for, for `subs` sub-aisles (the others none).
fn kinds_of(code: usize, subs: usize) -> [u8; SUBS_MAX] {
    std::array::from_fn(|s| if s < subs { (code / KINDS.len().pow(s as u32) % KINDS.len()) as u8 } else { 0 })
}

impl Machine {
    fn build(ends: usize) -> Machine {
        let subs = ends - 1;
        let mut index: HashMap<State, usize> = HashMap::from([(State::EMPTY, 0)]);
        let mut states = vec![State::EMPTY];
        let mut steps: Vec<Vec<Transition>> = Vec::new();
        let horizontals = 3usize.pow(ends as u32);
        let verticals = KINDS.len().pow(subs as u32);
        let mut at = 0;
        while at < states.len() {
            let from = states[at];
            let mut out = Vec::new();
            for hcode in 0..horizontals {
                let h: [u8; ENDS_MAX] =
                    std::array::from_fn(|i| if i < ends { (hcode / 3usize.pow(i as u32) % 3) as u8 } else { 0 });
                for vcode in 0..verticals {
                    let kinds = kinds_of(vcode, subs);
                    let v = kinds.map(|k| KINDS[usize::from(k)]);
                    let Some(next) = step(&from, ends, h, v) else { continue };
                    let next = *index.entry(next).or_insert_with(|| {
                        states.push(next);
                        states.len() - 1
                    });
                    out.push(Transition { h, kinds, crossings: h.iter().sum(), next: next as u16 });
                }
            }
            // Of the steps with the same covering to the same state, only
            // the one walking the cross aisles least can be part of a
            // shortest route (column gaps are never negative).
            out.sort_by_key(|t| (kinds_code(&t.kinds), t.next, t.crossings));
            out.dedup_by_key(|t| (kinds_code(&t.kinds), t.next));
            steps.push(out);
            at += 1;
        }
        let by_kinds = steps
            .iter()
            .map(|out| {
                (0..verticals)
                    .map(|code| {
                        let from = out.partition_point(|t| kinds_code(&t.kinds) < code);
                        let to = out.partition_point(|t| kinds_code(&t.kinds) <= code);
                        (from as u16, to as u16)
                    })
                    .collect()
            })
            .collect();
        let finals = (0..states.len()).filter(|s| states[*s].is_final(ends)).collect();
        Machine { ends, states, steps, by_kinds, finals }
    }

    fn for_ends(ends: usize) -> &'static Machine {
        static ONE_BLOCK: OnceLock<Machine> = OnceLock::new();
        static TWO_BLOCKS: OnceLock<Machine> = OnceLock::new();
        if ends == 2 {
            ONE_BLOCK.get_or_init(|| Machine::build(2))
        } else {
            TWO_BLOCKS.get_or_init(|| Machine::build(3))
        }
    }
}

/// A column: an aisle, or the depot's spot on the front cross aisle; the
/// points of its sub-aisle `s` are `points[bounds[s]..bounds[s + 1]]`,
/// sorted by y.
struct Column {
    x: f64,
    real: bool,
    bounds: [usize; ENDS_MAX],
}

/// A point: pick index (`None` for the depot) and y within its sub-aisle.
type Point = (Option<usize>, f64);

/// The columns from the leftmost to the rightmost point (picks and depot),
/// with every aisle in between, and all points grouped by column and
/// sub-aisle.
fn columns(layout: &Layout, picks: &[Pick], cross: &[f64]) -> (Vec<Column>, Vec<Point>) {
    let subs = cross.len() - 1;
    let depot = layout.depot_x_m();
    let spacing = layout.aisle_x(2.min(layout.aisles())) - layout.aisle_x(1);
    // Sort key: column slot (aisle * 2, or the depot's half step between
    // aisles), sub-aisle, y within it, index.
    let slot = |aisle: u32| u64::from(aisle) * 2;
    let depot_slot = match (1..=layout.aisles()).find(|a| (layout.aisle_x(*a) - depot).abs() < 1e-9) {
        Some(a) => slot(a),
        None => {
            let before = if spacing > 0.0 { (depot / spacing).floor() as u64 + 1 } else { 1 };
            before * 2 + 1
        }
    };
    let sub_of = |y: f64| {
        let mut sub = 0;
        while sub + 1 < subs && y >= cross[sub + 1] {
            sub += 1;
        }
        sub
    };
    let mut keyed: Vec<(u64, usize, f64, Option<usize>)> = picks
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let sub = sub_of(p.y_m);
            (slot(p.aisle), sub, p.y_m - cross[sub], Some(i))
        })
        .chain([(depot_slot, 0, 0.0, None)])
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.total_cmp(&b.2)).then(a.3.cmp(&b.3)));
    let points: Vec<Point> = keyed.iter().map(|(_, _, y, i)| (*i, *y)).collect();
    let (first_slot, last_slot) = (keyed[0].0, keyed[keyed.len() - 1].0);
    let mut cols = Vec::new();
    let mut at = 0;
    for s in first_slot..=last_slot {
        let real = s % 2 == 0;
        if !real && s != depot_slot {
            continue;
        }
        let mut bounds = [0; ENDS_MAX];
        for (sub, bound) in bounds.iter_mut().enumerate().take(subs + 1) {
            while at < keyed.len() && keyed[at].0 == s && keyed[at].1 < sub {
                at += 1;
            }
            *bound = at;
        }
        while at < keyed.len() && keyed[at].0 == s {
            at += 1;
        }
        bounds[subs] = at;
        let x = if real { layout.aisle_x((s / 2) as u32) } else { depot };
        cols.push(Column { x, real, bounds });
    }
    (cols, points)
}

/// The cost of covering a sub-aisle of length `length` each way (by kind;
/// infinite when the kind does not apply), and where its largest gap lies.
fn coverings(ys: &[Point], length: f64) -> ([f64; 6], usize) {
    let mut cost = [f64::INFINITY; 6];
    cost[1] = length;
    cost[2] = 2.0 * length;
    let (Some(low), Some(high)) = (ys.first(), ys.last()) else {
        cost[0] = 0.0;
        return (cost, 0);
    };
    cost[4] = 2.0 * high.1;
    cost[5] = 2.0 * (length - low.1);
    // The largest gap between neighbouring points (the first on ties).
    let mut gap = 0;
    let mut widest = f64::NEG_INFINITY;
    for k in 1..ys.len() {
        let width = ys[k].1 - ys[k - 1].1;
        if width > widest {
            widest = width;
            gap = k;
        }
    }
    if gap > 0 {
        cost[3] = 2.0 * ys[gap - 1].1 + 2.0 * (length - ys[gap].1);
    }
    (cost, gap)
}

/// The best way found so far into a state: its cost, the state it came
/// from and the step taken.
#[derive(Clone, Copy)]
struct Choice {
    cost: f64,
    from: u16,
    step: u16,
}

const UNREACHED: Choice = Choice { cost: f64::INFINITY, from: 0, step: 0 };

/// The programme's outcome: the best way into each state after the last
/// column, and (when kept) every column's row to read the route back.
struct Solution {
    machine: &'static Machine,
    cols: Vec<Column>,
    points: Vec<Point>,
    /// Per column and sub-aisle, where the largest gap lies.
    gaps: Vec<[usize; SUBS_MAX]>,
    /// Per column, the best way into each state (empty unless kept).
    table: Vec<Choice>,
    last: Vec<Choice>,
    /// The cheapest finished state after the last column.
    end: usize,
}

/// Runs the programme; `keep_table` keeps every column's row (to read the
/// route back), else only the last one is kept (the distance).
fn solve(layout: &Layout, picks: &[Pick], cross: &[f64], keep_table: bool) -> Solution {
    let machine = Machine::for_ends(cross.len());
    let subs = machine.ends - 1;
    let (cols, points) = columns(layout, picks, cross);
    let n = machine.states.len();
    let mut table = Vec::with_capacity(if keep_table { n * cols.len() } else { 0 });
    let mut gaps = Vec::with_capacity(cols.len());
    let mut previous = vec![UNREACHED; n];
    previous[0].cost = 0.0;
    let mut here = vec![UNREACHED; n];
    let mut allowed: Vec<(usize, f64)> = Vec::with_capacity(KINDS.len().pow(subs as u32));
    for (j, col) in cols.iter().enumerate() {
        here.fill(UNREACHED);
        let dx = if j == 0 { 0.0 } else { col.x - cols[j - 1].x };
        let mut ways = [[f64::INFINITY; 6]; SUBS_MAX];
        let mut gap = [0; SUBS_MAX];
        for sub in 0..subs {
            if col.real {
                let length = cross[sub + 1] - cross[sub];
                (ways[sub], gap[sub]) = coverings(&points[col.bounds[sub]..col.bounds[sub + 1]], length);
            } else if sub == 0 {
                // The depot's own spot: touching it costs nothing; there
                // is no aisle to walk through.
                ways[sub][4] = 0.0;
            } else {
                ways[sub][0] = 0.0;
            }
        }
        gaps.push(gap);
        // The coverings this column allows, with their cost.
        allowed.clear();
        for code in 0..KINDS.len().pow(subs as u32) {
            let kinds = kinds_of(code, subs);
            let cost: f64 = (0..subs).map(|sub| ways[sub][usize::from(kinds[sub])]).sum();
            if cost.is_finite() {
                allowed.push((code, cost));
            }
        }
        // Walking the cross aisles to this column, by number of walks.
        let walked: [f64; 2 * ENDS_MAX + 1] = std::array::from_fn(|c| c as f64 * dx);
        for (from, way_in) in previous.iter().enumerate() {
            if !way_in.cost.is_finite() {
                continue;
            }
            let out = &machine.steps[from];
            for &(code, covering) in &allowed {
                let (first, last) = machine.by_kinds[from][code];
                let base = way_in.cost + covering;
                let first = usize::from(first);
                for (offset, t) in out[first..usize::from(last)].iter().enumerate() {
                    let k = first + offset;
                    // The first column has nothing to its left to walk to.
                    if j == 0 && t.crossings != 0 {
                        continue;
                    }
                    let cost = base + walked[usize::from(t.crossings)];
                    let slot = &mut here[usize::from(t.next)];
                    if cost < slot.cost - 1e-12 {
                        *slot = Choice { cost, from: from as u16, step: k as u16 };
                    }
                }
            }
        }
        if keep_table {
            table.extend_from_slice(&here);
        }
        std::mem::swap(&mut previous, &mut here);
    }
    let end =
        machine.finals.iter().copied().min_by(|a, b| previous[*a].cost.total_cmp(&previous[*b].cost)).unwrap_or(0);
    Solution { machine, cols, points, gaps, table, last: previous, end }
}

impl Solution {
    fn distance(&self) -> f64 {
        self.last[self.end].cost
    }
}

/// The length of the shortest route through `picks` (checked against the
/// layout by the caller, at most `CROSS_AISLES_MAX` cross aisles): the
/// programme without reading the visiting order off it, for planners that
/// compare many candidate carts.
pub fn distance(layout: &Layout, picks: &[Pick]) -> f64 {
    if picks.is_empty() {
        return 0.0;
    }
    solve(layout, picks, &cross_aisles(layout), false).distance()
}

/// The shortest route through `picks` (checked against the layout by the
/// caller, at most `CROSS_AISLES_MAX` cross aisles).
pub fn route(layout: &Layout, picks: &[Pick]) -> Route {
    route_over(layout, picks, &cross_aisles(layout))
}

/// The y of every cross aisle of a layout the programme takes.
fn cross_aisles(layout: &Layout) -> Vec<f64> {
    (0..layout.cross_aisles()).map(|k| layout.cross_y(k)).collect()
}

/// The shortest route through `picks` that walks only the cross aisles at
/// `cross_ys` (the front at 0, at most one more, the back at the aisle
/// length; ascending): exact for that walk, and a valid walk in any layout
/// that has those cross aisles — the heuristic starts from such routes.
pub fn route_over(layout: &Layout, picks: &[Pick], cross_ys: &[f64]) -> Route {
    if picks.is_empty() || !(2..=ENDS_MAX).contains(&cross_ys.len()) {
        return Route { sequence: Vec::new(), distance_m: 0.0 };
    }
    let solution = solve(layout, picks, cross_ys, true);
    let n = solution.machine.states.len();
    // Walk the choices back, column by column.
    let mut steps = vec![solution.machine.steps[0][0]; solution.cols.len()];
    let mut at = solution.end;
    for j in (0..solution.cols.len()).rev() {
        let c = solution.table[j * n + at];
        steps[j] = solution.machine.steps[usize::from(c.from)][usize::from(c.step)];
        at = usize::from(c.from);
    }
    let sequence = euler_order(&solution, &steps, picks.len());
    Route { sequence, distance_m: solution.distance() }
}

/// Builds the chosen multigraph and reads the picks' order off an Euler
/// circuit from the depot.
fn euler_order(solution: &Solution, steps: &[Transition], pick_count: usize) -> Vec<usize> {
    let (cols, ends) = (&solution.cols, solution.machine.ends);
    // Vertices: per column its ends (front first), then its points.
    let mut first_vertex = Vec::with_capacity(cols.len());
    let mut owner: Vec<Option<usize>> = Vec::with_capacity(ends * cols.len() + solution.points.len());
    let mut depot = 0;
    for c in cols {
        first_vertex.push(owner.len());
        owner.extend(std::iter::repeat_n(None, ends));
        for (pick, _) in &solution.points[c.bounds[0]..c.bounds[ends - 1]] {
            if pick.is_none() {
                depot = owner.len();
            }
            owner.push(*pick);
        }
    }
    let mut edges: Vec<(usize, usize)> = Vec::with_capacity(4 * owner.len());
    let add = |a: usize, b: usize, times: u8, edges: &mut Vec<(usize, usize)>| {
        for _ in 0..times {
            edges.push((a, b));
        }
    };
    for (j, (c, t)) in cols.iter().zip(steps).enumerate() {
        let end = |i: usize| first_vertex[j] + i;
        if j > 0 {
            for i in 0..ends {
                add(first_vertex[j - 1] + i, end(i), t.h[i], &mut edges);
            }
        }
        for sub in 0..ends - 1 {
            let (from, to) = (c.bounds[sub], c.bounds[sub + 1]);
            let m = to - from;
            // The chain low end, points…, high end, with a multiplicity per
            // link: link i joins chain vertex i and i + 1 (links 0..=m),
            // where chain vertex 0 is the low end, 1..=m the points and
            // m + 1 the high end.
            let vertex = |i: usize| match i {
                0 => end(sub),
                i if i == m + 1 => end(sub + 1),
                i => first_vertex[j] + ends + (from - c.bounds[0]) + i - 1,
            };
            let gap = solution.gaps[j][sub];
            let times = |link: usize| -> u8 {
                match KINDS[usize::from(t.kinds[sub])] {
                    Vertical::None => 0,
                    Vertical::Traverse => 1,
                    Vertical::Double => 2,
                    Vertical::FromLow => u8::from(link < m) * 2,
                    Vertical::FromHigh => u8::from(link >= 1) * 2,
                    Vertical::Gap => u8::from(link != gap) * 2,
                }
            };
            for link in 0..=m {
                add(vertex(link), vertex(link + 1), times(link), &mut edges);
            }
        }
    }
    // Hierholzer's algorithm, over adjacency lists packed in one array.
    let mut start = vec![0usize; owner.len() + 1];
    for (a, b) in &edges {
        start[*a + 1] += 1;
        start[*b + 1] += 1;
    }
    for v in 0..owner.len() {
        start[v + 1] += start[v];
    }
    let mut fill = start.clone();
    let mut incident = vec![0usize; 2 * edges.len()];
    for (e, (a, b)) in edges.iter().enumerate() {
        incident[fill[*a]] = e;
        fill[*a] += 1;
        incident[fill[*b]] = e;
        fill[*b] += 1;
    }
    let mut used = vec![false; edges.len()];
    let mut cursor: Vec<usize> = start[..owner.len()].to_vec();
    let mut stack = vec![depot];
    let mut circuit = Vec::with_capacity(edges.len() + 1);
    while let Some(&v) = stack.last() {
        let mut advanced = false;
        while cursor[v] < start[v + 1] {
            let e = incident[cursor[v]];
            cursor[v] += 1;
            if !used[e] {
                used[e] = true;
                let (a, b) = edges[e];
                stack.push(if a == v { b } else { a });
                advanced = true;
                break;
            }
        }
        if !advanced {
            circuit.push(v);
            stack.pop();
        }
    }
    let mut seen = vec![false; pick_count];
    let mut order = Vec::with_capacity(pick_count);
    for v in circuit {
        if let Some(p) = owner[v]
            && !seen[p]
        {
            seen[p] = true;
            order.push(p);
        }
    }
    order
}
