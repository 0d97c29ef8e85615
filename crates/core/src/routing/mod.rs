//! Pick routes in a warehouse of parallel aisles and cross aisles.
//!
//! The model (docs/PLANNING.md): aisle `i` (1-based) is the vertical line
//! `x = (i-1) * aisle_spacing_m` from `y = 0` (front cross aisle) to
//! `y = aisle_length_m` (back cross aisle); further cross aisles are evenly
//! spaced between them. A pick is a point on an aisle; the depot is a point
//! on the front cross aisle. Travel runs along aisles and cross aisles only.
//!
//! - [`optimal`]: the exact optimum for layouts of one or two blocks (two
//!   or three cross aisles), by the Ratliff–Rosenthal dynamic programme
//!   over aisles and its two-block extension.
//! - [`heuristic`]: several starts improved by 2-opt and Or-opt on the
//!   shortest-path metric, for layouts with more cross aisles.
//! - [`baseline`]: S-shape and largest-gap, for comparison only.
//! - [`held_karp`]: brute force over the metric for small instances (tests).
//!
//! Pure: no I/O. Distances are metres as `f64` (planning figures, not money).

pub mod baseline;
pub mod batching;
pub mod held_karp;
pub mod heuristic;
pub mod optimal;

use thiserror::Error;

/// Most picks one route may hold: a bound on work per request.
pub const PICKS_MAX: usize = 2_000;
const EPSILON: f64 = 1e-9;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum LayoutError {
    #[error("a layout needs at least one aisle")]
    NoAisles,
    #[error("aisle length and spacing must be positive and finite")]
    BadDimensions,
    #[error("a layout needs at least the front and back cross aisles (crossAisles >= 2)")]
    TooFewCrossAisles,
    #[error("the depot must lie on the front cross aisle, between the first and the last aisle")]
    DepotOutside,
    #[error("pick {index}: aisle {aisle} is not in the layout")]
    NoSuchAisle { index: usize, aisle: u32 },
    #[error("pick {index}: y {y_m} is outside the aisle")]
    OutsideAisle { index: usize, y_m: f64 },
    #[error("too many picks: at most {PICKS_MAX}")]
    TooManyPicks,
}

/// A checked layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    aisles: u32,
    aisle_length_m: f64,
    aisle_spacing_m: f64,
    cross_aisles: u32,
    depot_x_m: f64,
}

/// A point on an aisle's centre line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pick {
    pub aisle: u32,
    pub y_m: f64,
}

/// A route: the picks' indexes in visiting order and the walking distance
/// from the depot through them back to the depot.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub sequence: Vec<usize>,
    pub distance_m: f64,
}

impl Layout {
    pub fn new(
        aisles: u32,
        aisle_length_m: f64,
        aisle_spacing_m: f64,
        cross_aisles: u32,
        depot_x_m: f64,
    ) -> Result<Layout, LayoutError> {
        if aisles == 0 {
            return Err(LayoutError::NoAisles);
        }
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if !positive(aisle_length_m) || !positive(aisle_spacing_m) {
            return Err(LayoutError::BadDimensions);
        }
        if cross_aisles < 2 {
            return Err(LayoutError::TooFewCrossAisles);
        }
        let width = f64::from(aisles - 1) * aisle_spacing_m;
        if !depot_x_m.is_finite() || depot_x_m < -EPSILON || depot_x_m > width + EPSILON {
            return Err(LayoutError::DepotOutside);
        }
        Ok(Layout { aisles, aisle_length_m, aisle_spacing_m, cross_aisles, depot_x_m })
    }

    pub fn aisles(&self) -> u32 {
        self.aisles
    }

    pub fn aisle_length_m(&self) -> f64 {
        self.aisle_length_m
    }

    pub fn cross_aisles(&self) -> u32 {
        self.cross_aisles
    }

    /// The exact programme covers this layout (one or two blocks).
    pub fn has_exact_router(&self) -> bool {
        self.cross_aisles <= optimal::CROSS_AISLES_MAX
    }

    pub fn is_single_block(&self) -> bool {
        self.cross_aisles == 2
    }

    /// The same aisles with only the front and back cross aisles: every
    /// walk in it is a walk here too.
    pub fn as_single_block(&self) -> Layout {
        Layout { cross_aisles: 2, ..self.clone() }
    }

    pub fn depot_x_m(&self) -> f64 {
        self.depot_x_m
    }

    pub fn aisle_x(&self, aisle: u32) -> f64 {
        f64::from(aisle - 1) * self.aisle_spacing_m
    }

    /// The y of cross aisle `k` (0 = front, `cross_aisles - 1` = back).
    pub fn cross_y(&self, k: u32) -> f64 {
        self.aisle_length_m * f64::from(k) / f64::from(self.cross_aisles - 1)
    }

    /// Checks picks against the layout.
    pub fn check(&self, picks: &[Pick]) -> Result<(), LayoutError> {
        if picks.len() > PICKS_MAX {
            return Err(LayoutError::TooManyPicks);
        }
        for (index, p) in picks.iter().enumerate() {
            if p.aisle == 0 || p.aisle > self.aisles {
                return Err(LayoutError::NoSuchAisle { index, aisle: p.aisle });
            }
            if !p.y_m.is_finite() || p.y_m < 0.0 || p.y_m > self.aisle_length_m {
                return Err(LayoutError::OutsideAisle { index, y_m: p.y_m });
            }
        }
        Ok(())
    }

    /// Shortest walk between two picks: along the aisle when they share
    /// one, else over the best cross aisle.
    pub fn distance(&self, a: Pick, b: Pick) -> f64 {
        if a.aisle == b.aisle {
            return (a.y_m - b.y_m).abs();
        }
        let dx = (self.aisle_x(a.aisle) - self.aisle_x(b.aisle)).abs();
        (0..self.cross_aisles)
            .map(|k| {
                let c = self.cross_y(k);
                (a.y_m - c).abs() + (b.y_m - c).abs()
            })
            .fold(f64::INFINITY, f64::min)
            + dx
    }

    /// Shortest walk between the depot (on the front cross aisle) and a pick.
    pub fn depot_distance(&self, p: Pick) -> f64 {
        (self.aisle_x(p.aisle) - self.depot_x_m).abs() + p.y_m
    }

    /// Length of the closed walk depot → picks in `sequence` → depot, each
    /// leg the shortest path.
    pub fn tour_length(&self, picks: &[Pick], sequence: &[usize]) -> f64 {
        let Some((&first, &last)) = sequence.first().zip(sequence.last()) else { return 0.0 };
        let inner: f64 = sequence.windows(2).map(|w| self.distance(picks[w[0]], picks[w[1]])).sum();
        self.depot_distance(picks[first]) + inner + self.depot_distance(picks[last])
    }
}

/// The route method a caller asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// The best this planner has: exact on one- and two-block layouts,
    /// the improved heuristic elsewhere.
    Optimal,
    SShape,
    LargestGap,
    /// The better of S-shape and largest gap, per route.
    Combined,
}

impl Method {
    pub fn parse(text: &str) -> Option<Method> {
        match text {
            "optimal" => Some(Method::Optimal),
            "s-shape" => Some(Method::SShape),
            "largest-gap" => Some(Method::LargestGap),
            "combined" => Some(Method::Combined),
            _ => None,
        }
    }
}

/// The length of the best route through `picks` without its visiting
/// order: what batching compares when it tries carts (where the exact
/// programme applies it skips reading the order off it).
pub fn best_distance(layout: &Layout, picks: &[Pick]) -> Result<f64, LayoutError> {
    layout.check(picks)?;
    Ok(if layout.has_exact_router() {
        optimal::distance(layout, picks)
    } else {
        heuristic::route(layout, picks).distance_m
    })
}

/// The best route the layout allows through picks already checked
/// against it (batching checks every order once, then routes its carts).
fn best_route(layout: &Layout, picks: &[Pick]) -> Route {
    if layout.has_exact_router() { optimal::route(layout, picks) } else { heuristic::route(layout, picks) }
}

/// Routes `picks` by `method`.
pub fn route(layout: &Layout, picks: &[Pick], method: Method) -> Result<Route, LayoutError> {
    layout.check(picks)?;
    Ok(match method {
        Method::Optimal => best_route(layout, picks),
        Method::SShape => baseline::s_shape(layout, picks),
        Method::LargestGap => baseline::largest_gap(layout, picks),
        Method::Combined => {
            let s = baseline::s_shape(layout, picks);
            let g = baseline::largest_gap(layout, picks);
            if g.distance_m < s.distance_m { g } else { s }
        }
    })
}

#[cfg(test)]
mod tests;
