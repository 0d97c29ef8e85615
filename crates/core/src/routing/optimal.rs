//! The shortest pick route in a single-block layout, exactly, by the
//! Ratliff–Rosenthal dynamic programme (Operations Research 31(3), 1983).
//!
//! The route is built as a multigraph over the columns (aisles, plus the
//! depot when it is not in front of an aisle), left to right. After each
//! column only four things matter for the rest: the degree of the column's
//! front and back ends (none, odd, even), whether those ends are already in
//! one connected piece, and whether a finished tour was closed off. Each
//! step chooses how often to walk the front and back cross aisle to the
//! next column (0, 1 or 2 times) and how to cover the next aisle's picks
//! (pass through it, walk it twice, enter from the front, from the back, or
//! from both ends leaving out the largest gap). The cheapest complete
//! subgraph is even and connected, so an Euler circuit of it is a tour; the
//! visiting order is read off that circuit. Linear in the number of aisles.

use super::{Layout, Pick, Route};

/// How a column's picks are covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vertical {
    None,
    /// Front to back once.
    Traverse,
    /// Front to back twice.
    Double,
    /// From the front to the pick before `k`, and from the back down to
    /// pick `k` (the largest gap is left out).
    Gap(usize),
    FromFront,
    FromBack,
}

impl Vertical {
    /// Degrees added at the front and back ends, and whether the ends get
    /// joined through the aisle.
    fn shape(self) -> (u8, u8, bool) {
        match self {
            Vertical::None => (0, 0, false),
            Vertical::Traverse => (1, 1, true),
            Vertical::Double => (2, 2, true),
            Vertical::Gap(_) => (2, 2, false),
            Vertical::FromFront => (2, 0, false),
            Vertical::FromBack => (0, 2, false),
        }
    }
}

/// Degree class of an end: 0 none, 1 odd, 2 even and positive.
fn degree(total: u8) -> u8 {
    match total {
        0 => 0,
        t if t % 2 == 1 => 1,
        _ => 2,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    front: u8,
    back: u8,
    /// Front and back ends are in one piece (both present).
    joined: bool,
    /// A complete tour was closed off to the left.
    closed: bool,
}

impl State {
    const EMPTY: State = State { front: 0, back: 0, joined: false, closed: false };

    fn index(self) -> usize {
        ((usize::from(self.front) * 3 + usize::from(self.back)) * 2 + usize::from(self.joined)) * 2
            + usize::from(self.closed)
    }
}

const STATES: usize = 36;

/// Union-find over the four ends of one step: old front, old back, new
/// front, new back.
struct Ends([usize; 4]);

impl Ends {
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

/// The state after walking the cross aisles `h_front`/`h_back` times to
/// the next column and covering it by `v`; `None` when that cannot lead to
/// a tour.
fn step(s: State, h_front: u8, h_back: u8, v: Vertical) -> Option<State> {
    if s.closed {
        return (h_front == 0 && h_back == 0 && v == Vertical::None).then_some(s);
    }
    let old_front = degree(if s.front == 0 { h_front } else { s.front + h_front });
    let old_back = degree(if s.back == 0 { h_back } else { s.back + h_back });
    // The old ends get no further edges: they must be even now.
    if old_front == 1 || old_back == 1 {
        return None;
    }
    let (add_front, add_back, through) = v.shape();
    let new_front = degree(h_front + add_front);
    let new_back = degree(h_back + add_back);
    let mut ends = Ends([0, 1, 2, 3]);
    if s.joined {
        ends.union(0, 1);
    }
    if h_front > 0 {
        ends.union(0, 2);
    }
    if h_back > 0 {
        ends.union(1, 3);
    }
    if through {
        ends.union(2, 3);
    }
    let present = [old_front > 0, old_back > 0, new_front > 0, new_back > 0];
    let reaches_new = |i: usize| (2..4).any(|j| present[j] && ends.find(i) == ends.find(j));
    let closing = (0..2).any(|i| present[i] && !reaches_new(i));
    if closing {
        // Only a whole tour may close: nothing else may exist or follow.
        let split_old = present[0] && present[1] && ends.find(0) != ends.find(1);
        if present[2] || present[3] || split_old {
            return None;
        }
        return Some(State { front: 0, back: 0, joined: false, closed: true });
    }
    let joined = present[2] && present[3] && ends.find(2) == ends.find(3);
    Some(State { front: new_front, back: new_back, joined, closed: false })
}

const KINDS: [Vertical; 6] =
    [Vertical::None, Vertical::Traverse, Vertical::Double, Vertical::Gap(0), Vertical::FromFront, Vertical::FromBack];

/// One legal step out of a state: cross aisles walked, covering kind, and
/// the state it leads to.
#[derive(Debug, Clone, Copy)]
struct Transition {
    h_front: u8,
    h_back: u8,
    kind: u8,
    next: u8,
}

/// The legal steps out of every state, computed once: the programme's
/// inner loop then walks only steps that can lead to a tour (about a third
/// of all combinations).
fn transitions() -> &'static [Vec<Transition>] {
    static TABLE: std::sync::OnceLock<Vec<Vec<Transition>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![Vec::new(); STATES];
        for s in all_states() {
            for h_front in 0..3u8 {
                for h_back in 0..3u8 {
                    for (k, v) in KINDS.iter().enumerate() {
                        if let Some(next) = step(s, h_front, h_back, *v) {
                            table[s.index()].push(Transition {
                                h_front,
                                h_back,
                                kind: k as u8,
                                next: next.index() as u8,
                            });
                        }
                    }
                }
            }
        }
        table
    })
}

/// The cost of covering a column each way (by kind; infinite when the kind
/// does not apply), and where the largest gap lies.
fn coverings(c: &Column, points: &[(Option<usize>, f64)], length: f64) -> ([f64; 6], usize) {
    let mut cost = [f64::INFINITY; 6];
    if !c.real {
        // The depot's own spot: touching it costs nothing; there is no
        // aisle to walk through.
        cost[4] = 0.0;
        return (cost, 0);
    }
    let ys = &points[c.from..c.to];
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

/// A column: an aisle, or the depot's spot on the front cross aisle; its
/// points are `points[from..to]`, sorted by y.
struct Column {
    x: f64,
    real: bool,
    from: usize,
    to: usize,
}

/// The columns from the leftmost to the rightmost point (picks and depot),
/// with every aisle in between, and all points (pick index, or `None` for
/// the depot; y) grouped by column.
fn columns(layout: &Layout, picks: &[Pick]) -> (Vec<Column>, Vec<(Option<usize>, f64)>) {
    let depot = layout.depot_x_m();
    let spacing = layout.aisle_x(2.min(layout.aisles())) - layout.aisle_x(1);
    // The depot stands in an aisle's column when it is in front of one.
    let depot_aisle = (1..=layout.aisles()).find(|a| (layout.aisle_x(*a) - depot).abs() < 1e-9);
    // Sort key: column position (aisle, or the depot's half step), y, index.
    let slot = |aisle: u32| u64::from(aisle) * 2;
    let depot_slot = match depot_aisle {
        Some(a) => slot(a),
        None => {
            let before = if spacing > 0.0 { (depot / spacing).floor() as u64 + 1 } else { 1 };
            before * 2 + 1
        }
    };
    let mut keyed: Vec<(u64, f64, Option<usize>)> = picks
        .iter()
        .enumerate()
        .map(|(i, p)| (slot(p.aisle), p.y_m, Some(i)))
        .chain([(depot_slot, 0.0, None)])
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    let points: Vec<(Option<usize>, f64)> = keyed.iter().map(|(_, y, i)| (*i, *y)).collect();
    let (first_slot, last_slot) = (keyed[0].0, keyed[keyed.len() - 1].0);
    let mut cols = Vec::new();
    let mut at = 0;
    for s in first_slot..=last_slot {
        let real = s % 2 == 0;
        if !real && s != depot_slot {
            continue;
        }
        let from = at;
        while at < keyed.len() && keyed[at].0 == s {
            at += 1;
        }
        let x = if real { layout.aisle_x((s / 2) as u32) } else { depot };
        cols.push(Column { x, real, from, to: at });
    }
    (cols, points)
}

/// The best way found so far into a state: its cost, the state it came
/// from and the step taken.
#[derive(Clone, Copy)]
struct Choice {
    cost: f64,
    from: u8,
    step: Transition,
}

const UNREACHED: Choice =
    Choice { cost: f64::INFINITY, from: 0, step: Transition { h_front: 0, h_back: 0, kind: 0, next: 0 } };

/// The programme's table: per column, the best way into each state.
struct Solution {
    cols: Vec<Column>,
    points: Vec<(Option<usize>, f64)>,
    gaps: Vec<usize>,
    table: Vec<[Choice; STATES]>,
    end: usize,
}

fn solve(layout: &Layout, picks: &[Pick]) -> Solution {
    let length = layout.aisle_length_m();
    let (cols, points) = columns(layout, picks);
    let steps = transitions();
    let mut table: Vec<[Choice; STATES]> = Vec::with_capacity(cols.len());
    let mut gaps = Vec::with_capacity(cols.len());
    let mut previous = [UNREACHED; STATES];
    previous[State::EMPTY.index()].cost = 0.0;
    for (j, col) in cols.iter().enumerate() {
        let mut here = [UNREACHED; STATES];
        let dx = if j == 0 { 0.0 } else { col.x - cols[j - 1].x };
        let (ways, gap) = coverings(col, &points, length);
        gaps.push(gap);
        for (from, way_in) in previous.iter().enumerate() {
            if !way_in.cost.is_finite() {
                continue;
            }
            for t in &steps[from] {
                // The first column has nothing to its left to walk to.
                if j == 0 && (t.h_front | t.h_back) != 0 {
                    continue;
                }
                let cost = way_in.cost + f64::from(t.h_front + t.h_back) * dx + ways[usize::from(t.kind)];
                let slot = &mut here[usize::from(t.next)];
                if cost < slot.cost - 1e-12 {
                    *slot = Choice { cost, from: from as u8, step: *t };
                }
            }
        }
        table.push(here);
        previous = here;
    }
    // A finished tour: even ends, one piece.
    let end = all_states()
        .filter(|s| {
            s.closed
                || (s.front != 1 && s.back != 1 && (s.front == 0 || s.back == 0 || s.joined) && (s.front + s.back > 0))
        })
        .map(State::index)
        .min_by(|a, b| previous[*a].cost.total_cmp(&previous[*b].cost))
        .unwrap_or(0);
    Solution { cols, points, gaps, table, end }
}

/// The length of the shortest route through `picks` (checked against the
/// layout by the caller; single-block): the programme without reading the
/// visiting order off it, for planners that compare many candidate carts.
pub fn distance(layout: &Layout, picks: &[Pick]) -> f64 {
    if picks.is_empty() {
        return 0.0;
    }
    let solution = solve(layout, picks);
    solution.table.last().map_or(0.0, |last| last[solution.end].cost)
}

/// The shortest route through `picks` (checked against the layout by the
/// caller); the layout must be single-block.
pub fn route(layout: &Layout, picks: &[Pick]) -> Route {
    if picks.is_empty() {
        return Route { sequence: Vec::new(), distance_m: 0.0 };
    }
    let solution = solve(layout, picks);
    let Some(last) = solution.table.last() else { return Route { sequence: Vec::new(), distance_m: 0.0 } };
    let distance_m = last[solution.end].cost;
    // Walk the choices back, column by column.
    let mut choices = vec![UNREACHED; solution.cols.len()];
    let mut at = solution.end;
    for j in (0..solution.cols.len()).rev() {
        let c = solution.table[j][at];
        choices[j] = c;
        at = usize::from(c.from);
    }
    let sequence = euler_order(&solution, &choices, picks.len());
    Route { sequence, distance_m }
}

fn all_states() -> impl Iterator<Item = State> {
    (0..3u8).flat_map(|front| {
        (0..3u8).flat_map(move |back| {
            [false, true].into_iter().flat_map(move |joined| {
                [false, true].into_iter().map(move |closed| State { front, back, joined, closed })
            })
        })
    })
}

/// Builds the chosen multigraph and reads the picks' order off an Euler
/// circuit from the depot.
fn euler_order(solution: &Solution, choices: &[Choice], pick_count: usize) -> Vec<usize> {
    let cols = &solution.cols;
    // Vertices: per column its front end, back end, then its points.
    let mut first_vertex = Vec::with_capacity(cols.len());
    let mut owner: Vec<Option<usize>> = Vec::with_capacity(2 * cols.len() + solution.points.len());
    let mut depot = 0;
    for c in cols {
        first_vertex.push(owner.len());
        owner.push(None); // front end
        owner.push(None); // back end
        for (pick, _) in &solution.points[c.from..c.to] {
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
    for (j, (c, choice)) in cols.iter().zip(choices).enumerate() {
        let (front, back) = (first_vertex[j], first_vertex[j] + 1);
        if j > 0 {
            add(first_vertex[j - 1], front, choice.step.h_front, &mut edges);
            add(first_vertex[j - 1] + 1, back, choice.step.h_back, &mut edges);
        }
        let m = c.to - c.from;
        let v = match KINDS[usize::from(choice.step.kind)] {
            Vertical::Gap(_) => Vertical::Gap(solution.gaps[j]),
            other => other,
        };
        // The chain front, points…, back, with a multiplicity per link:
        // link i joins chain vertex i and i + 1 (links 0..=m), where chain
        // vertex 0 is the front end, 1..=m the points and m + 1 the back.
        let vertex = |i: usize| match i {
            0 => front,
            i if i == m + 1 => back,
            i => first_vertex[j] + 1 + i,
        };
        let times = |link: usize| -> u8 {
            match v {
                Vertical::None => 0,
                Vertical::Traverse => 1,
                Vertical::Double => 2,
                Vertical::FromFront => u8::from(link < m) * 2,
                Vertical::FromBack => u8::from(link >= 1) * 2,
                Vertical::Gap(k) => u8::from(link != k) * 2,
            }
        };
        for link in 0..=m {
            add(vertex(link), vertex(link + 1), times(link), &mut edges);
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
