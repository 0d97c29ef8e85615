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
    /// The kind, for the transition table (every gap has the same shape).
    fn kind(self) -> usize {
        match self {
            Vertical::None => 0,
            Vertical::Traverse => 1,
            Vertical::Double => 2,
            Vertical::Gap(_) => 3,
            Vertical::FromFront => 4,
            Vertical::FromBack => 5,
        }
    }

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

/// A column: an aisle, or the depot's spot on the front cross aisle.
struct Column {
    x: f64,
    real: bool,
    /// (pick index, or None for the depot; y), sorted by y.
    points: Vec<(Option<usize>, f64)>,
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

/// `step` for every state, crossing and covering kind, computed once: the
/// programme's inner loop is then a table look-up.
fn transitions() -> &'static [Option<State>] {
    static TABLE: std::sync::OnceLock<Vec<Option<State>>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![None; STATES * 9 * KINDS.len()];
        for s in all_states() {
            for hf in 0..3u8 {
                for hb in 0..3u8 {
                    for (k, v) in KINDS.iter().enumerate() {
                        table[transition_index(s.index(), hf, hb, k)] = step(s, hf, hb, *v);
                    }
                }
            }
        }
        table
    })
}

fn transition_index(state: usize, hf: u8, hb: u8, kind: usize) -> usize {
    ((state * 3 + usize::from(hf)) * 3 + usize::from(hb)) * KINDS.len() + kind
}

/// The ways to cover a column, with their walking cost.
fn coverings(c: &Column, length: f64) -> Vec<(Vertical, f64)> {
    let ys: Vec<f64> = c.points.iter().map(|(_, y)| *y).collect();
    if !c.real {
        // The depot's own spot: touching it costs nothing; there is no
        // aisle to walk through.
        return vec![(Vertical::FromFront, 0.0)];
    }
    if ys.is_empty() {
        return vec![(Vertical::None, 0.0), (Vertical::Traverse, length), (Vertical::Double, 2.0 * length)];
    }
    let (low, high) = (ys[0], ys[ys.len() - 1]);
    let mut out = vec![
        (Vertical::Traverse, length),
        (Vertical::Double, 2.0 * length),
        (Vertical::FromFront, 2.0 * high),
        (Vertical::FromBack, 2.0 * (length - low)),
    ];
    if let Some(k) = (1..ys.len()).max_by(|a, b| (ys[*a] - ys[*a - 1]).total_cmp(&(ys[*b] - ys[*b - 1])).then(b.cmp(a)))
    {
        out.push((Vertical::Gap(k), 2.0 * ys[k - 1] + 2.0 * (length - ys[k])));
    }
    out
}

fn columns(layout: &Layout, picks: &[Pick]) -> Vec<Column> {
    let depot = layout.depot_x_m();
    let xs = picks.iter().map(|p| layout.aisle_x(p.aisle)).chain([depot]);
    let left = xs.clone().fold(f64::INFINITY, f64::min);
    let right = xs.fold(f64::NEG_INFINITY, f64::max);
    let mut columns: Vec<Column> = (1..=layout.aisles())
        .map(|a| (a, layout.aisle_x(a)))
        .filter(|(_, x)| *x >= left - 1e-9 && *x <= right + 1e-9)
        .map(|(a, x)| {
            let points =
                picks.iter().enumerate().filter(|(_, p)| p.aisle == a).map(|(i, p)| (Some(i), p.y_m)).collect();
            Column { x, real: true, points }
        })
        .collect();
    match columns.iter_mut().find(|c| (c.x - depot).abs() < 1e-9) {
        Some(c) => c.points.push((None, 0.0)),
        None => columns.push(Column { x: depot, real: false, points: vec![(None, 0.0)] }),
    }
    columns.sort_by(|a, b| a.x.total_cmp(&b.x));
    for c in &mut columns {
        c.points.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    }
    columns
}

#[derive(Clone, Copy)]
struct Choice {
    cost: f64,
    from: usize,
    h_front: u8,
    h_back: u8,
    v: Vertical,
}

/// The shortest route through `picks` (checked against the layout by the
/// caller); the layout must be single-block.
pub fn route(layout: &Layout, picks: &[Pick]) -> Route {
    if picks.is_empty() {
        return Route { sequence: Vec::new(), distance_m: 0.0 };
    }
    let length = layout.aisle_length_m();
    let cols = columns(layout, picks);
    let table_of_steps = transitions();
    let mut table: Vec<[Option<Choice>; STATES]> = Vec::with_capacity(cols.len());
    for (j, col) in cols.iter().enumerate() {
        let mut here: [Option<Choice>; STATES] = [None; STATES];
        let sources: Vec<(usize, State, f64)> = if j == 0 {
            vec![(State::EMPTY.index(), State::EMPTY, 0.0)]
        } else {
            all_states().filter_map(|s| table[j - 1][s.index()].map(|c| (s.index(), s, c.cost))).collect()
        };
        let dx = if j == 0 { 0.0 } else { col.x - cols[j - 1].x };
        let horizontals: &[u8] = if j == 0 { &[0] } else { &[0, 1, 2] };
        let ways = coverings(col, length);
        for (from, _, base) in sources {
            for &hf in horizontals {
                for &hb in horizontals {
                    for &(v, v_cost) in &ways {
                        let Some(next) = table_of_steps[transition_index(from, hf, hb, v.kind())] else { continue };
                        let cost = base + f64::from(hf + hb) * dx + v_cost;
                        let slot = &mut here[next.index()];
                        if slot.is_none_or(|c| cost < c.cost - 1e-12) {
                            *slot = Some(Choice { cost, from, h_front: hf, h_back: hb, v });
                        }
                    }
                }
            }
        }
        table.push(here);
    }
    // A finished tour: even ends, one piece.
    let last = table.len() - 1;
    let (end, best) = all_states()
        .filter(|s| {
            s.closed
                || (s.front != 1 && s.back != 1 && (s.front == 0 || s.back == 0 || s.joined) && (s.front + s.back > 0))
        })
        .filter_map(|s| table[last][s.index()].map(|c| (s.index(), c)))
        .min_by(|a, b| a.1.cost.total_cmp(&b.1.cost))
        .expect("a tour always exists: walk every aisle twice");
    // Walk the choices back, column by column.
    let mut choices = vec![best; cols.len()];
    let mut at = end;
    for j in (0..cols.len()).rev() {
        let c = table[j][at].expect("a recorded choice");
        choices[j] = c;
        at = c.from;
    }
    let sequence = euler_order(&cols, &choices, picks.len());
    Route { sequence, distance_m: best.cost }
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
fn euler_order(cols: &[Column], choices: &[Choice], pick_count: usize) -> Vec<usize> {
    // Vertices: per column its front end, back end, then its points.
    let mut first_vertex = Vec::with_capacity(cols.len());
    let mut owner: Vec<Option<usize>> = Vec::new();
    let mut depot = 0;
    for c in cols {
        first_vertex.push(owner.len());
        owner.push(None); // front end
        owner.push(None); // back end
        for (pick, _) in &c.points {
            if pick.is_none() {
                depot = owner.len();
            }
            owner.push(*pick);
        }
    }
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let add = |a: usize, b: usize, times: u8, edges: &mut Vec<(usize, usize)>| {
        for _ in 0..times {
            edges.push((a, b));
        }
    };
    for (j, (c, choice)) in cols.iter().zip(choices).enumerate() {
        let (front, back) = (first_vertex[j], first_vertex[j] + 1);
        let point = |k: usize| first_vertex[j] + 2 + k;
        if j > 0 {
            add(first_vertex[j - 1], front, choice.h_front, &mut edges);
            add(first_vertex[j - 1] + 1, back, choice.h_back, &mut edges);
        }
        let m = c.points.len();
        // The chain front, points…, back, with a multiplicity per link.
        let chain: Vec<usize> = std::iter::once(front).chain((0..m).map(point)).chain([back]).collect();
        let times = |link: usize| -> u8 {
            // link i joins chain[i] and chain[i + 1]; links 0..=m.
            match choice.v {
                Vertical::None => 0,
                Vertical::Traverse => 1,
                Vertical::Double => 2,
                Vertical::FromFront => u8::from(link < m) * 2,
                Vertical::FromBack => u8::from(link >= 1) * 2,
                Vertical::Gap(k) => u8::from(link != k) * 2,
            }
        };
        for link in 0..=m {
            add(chain[link], chain[link + 1], times(link), &mut edges);
        }
    }
    // Hierholzer's algorithm.
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); owner.len()];
    for (e, (a, b)) in edges.iter().enumerate() {
        adjacency[*a].push(e);
        adjacency[*b].push(e);
    }
    let mut used = vec![false; edges.len()];
    let mut cursor = vec![0usize; owner.len()];
    let mut stack = vec![depot];
    let mut circuit = Vec::with_capacity(edges.len() + 1);
    while let Some(&v) = stack.last() {
        let mut advanced = false;
        while cursor[v] < adjacency[v].len() {
            let e = adjacency[v][cursor[v]];
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
        if let Some(p) = owner[v] {
            if !seen[p] {
                seen[p] = true;
                order.push(p);
            }
        }
    }
    order
}
