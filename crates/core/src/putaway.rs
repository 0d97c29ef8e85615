//! Putaway planning: where each received lot should go.
//!
//! The rules, in order of preference for each line:
//! 1. **Consolidate**: a location already holding the same SKU and lot in
//!    the same condition, with room.
//! 2. A compatible **empty or partly used** storage location whose free
//!    volume and weight fit, the nearest to the pick faces first (short
//!    replenishment walks). One location that takes the whole line wins
//!    over splitting; when none does, the line is split over the nearest
//!    locations with room.
//! 3. The **overflow** area.
//!
//! Compatibility: defective goods go only to DEFECTIVE locations, good goods
//! only to STORAGE (or, to consolidate, PICK_FACE) locations; battery and
//! liquid goods only to locations restricted to them, and other goods never
//! there; a single-SKU location holds one product; and a location holds one
//! seller's goods (a 3PL never mixes owners in a slot: a mis-pick would ship
//! another seller's stock).
//!
//! Pure and deterministic: the same slots and lines give the same plan.

use crate::layout::LayoutLocation;
use crate::ledger::Condition;
use crate::location::{LocationType, Restriction};

/// Stock already in a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Content {
    pub customer_id: i64,
    pub product_id: i64,
    pub lot_id: i64,
    pub condition: Condition,
}

/// A location as the planner sees it.
#[derive(Debug, Clone)]
pub struct Slot {
    pub location_id: i64,
    pub code: String,
    pub kind: LocationType,
    pub restriction: Option<Restriction>,
    pub single_sku: bool,
    pub x_mm: i64,
    pub y_mm: i64,
    /// `None`: not limited.
    pub capacity_volume_cm3: Option<i64>,
    pub capacity_weight_g: Option<i64>,
    pub used_volume_cm3: i64,
    pub used_weight_g: i64,
    pub contents: Vec<Content>,
}

impl Slot {
    /// An empty slot for a location of a layout (stock is added by the
    /// caller).
    pub fn from_layout(location_id: i64, l: LayoutLocation) -> Slot {
        Slot {
            location_id,
            code: l.code,
            kind: l.kind,
            restriction: l.restriction,
            single_sku: l.single_sku,
            x_mm: l.x_mm,
            y_mm: l.y_mm,
            capacity_volume_cm3: l.capacity_volume_cm3,
            capacity_weight_g: l.capacity_weight_g,
            used_volume_cm3: 0,
            used_weight_g: 0,
            contents: Vec::new(),
        }
    }
}

/// A received lot waiting for a location.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub customer_id: i64,
    pub product_id: i64,
    pub lot_id: i64,
    pub condition: Condition,
    pub quantity: i64,
    /// Per unit; 0 when unknown (then only the other measure limits).
    pub unit_volume_cm3: i64,
    pub unit_weight_g: i64,
    pub restriction: Option<Restriction>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    Consolidate,
    EmptyLocation,
    PartlyUsed,
    DefectiveArea,
    Overflow,
    /// Nothing compatible has room (e.g. no battery zone): staff decide.
    NoLocation,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Consolidate => "CONSOLIDATE",
            Reason::EmptyLocation => "EMPTY_LOCATION",
            Reason::PartlyUsed => "PARTLY_USED",
            Reason::DefectiveArea => "DEFECTIVE_AREA",
            Reason::Overflow => "OVERFLOW",
            Reason::NoLocation => "NO_LOCATION",
        }
    }
}

/// Part of a line sent to one location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// Index of the line in the planner's input.
    pub line: usize,
    /// Index of the slot in the planner's input; `None` with `NoLocation`.
    pub slot: Option<usize>,
    pub quantity: i64,
    pub reason: Reason,
}

/// Why a location may not take goods: the one rule the planner proposes
/// by and the confirmation checks staff's choice against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Incompatible {
    #[error("good units go to STORAGE or OVERFLOW locations (a PICK_FACE only to join the same lot)")]
    GoodGoodsPlace,
    #[error("defective units go to DEFECTIVE locations")]
    DefectiveGoodsPlace,
    #[error("{} goods go to {} locations", .0.as_str(), .0.as_str())]
    NeedsZone(Restriction),
    #[error("the location is reserved for {} goods", .0.as_str())]
    ZoneReserved(Restriction),
    #[error("the location holds another seller's goods")]
    OtherSeller,
    #[error("the location holds one SKU and has another")]
    SingleSkuTaken,
}

/// Whether `slot` may take `item` at all, ignoring room; `consolidating`:
/// the slot already holds the same product and lot.
pub fn check(slot: &Slot, item: &Incoming, consolidating: bool) -> Result<(), Incompatible> {
    match item.condition {
        Condition::Good => {
            let rack = matches!(slot.kind, LocationType::Storage | LocationType::Overflow);
            let joins_pick_face = consolidating && slot.kind == LocationType::PickFace;
            if !(rack || joins_pick_face) {
                return Err(Incompatible::GoodGoodsPlace);
            }
        }
        _ if slot.kind != LocationType::Defective => return Err(Incompatible::DefectiveGoodsPlace),
        _ => {}
    }
    match (item.restriction, slot.restriction) {
        (Some(needed), zone) if zone != Some(needed) => return Err(Incompatible::NeedsZone(needed)),
        (None, Some(zone)) => return Err(Incompatible::ZoneReserved(zone)),
        _ => {}
    }
    if slot.contents.iter().any(|c| c.customer_id != item.customer_id) {
        return Err(Incompatible::OtherSeller);
    }
    if slot.single_sku && slot.contents.iter().any(|c| c.product_id != item.product_id) {
        return Err(Incompatible::SingleSkuTaken);
    }
    Ok(())
}

/// Whether `slot` may take `item` by a move: the putaway rule, except that
/// a pick face is also replenished with its own SKU (or filled when empty),
/// whatever the lot.
pub fn check_move(slot: &Slot, item: &Incoming) -> Result<(), Incompatible> {
    let face_of_this_sku = slot.kind == LocationType::PickFace
        && item.condition == Condition::Good
        && slot.contents.iter().all(|c| c.product_id == item.product_id);
    check(slot, item, holds_same_lot(slot, item) || face_of_this_sku)
}

/// Whether `slot` may take `item` at all, ignoring room.
pub fn compatible(slot: &Slot, item: &Incoming, consolidating: bool) -> bool {
    check(slot, item, consolidating).is_ok()
}

/// Whether `slot` already holds `item`'s product and lot in its condition.
pub fn holds_same_lot(slot: &Slot, item: &Incoming) -> bool {
    slot.contents
        .iter()
        .any(|c| c.product_id == item.product_id && c.lot_id == item.lot_id && c.condition == item.condition)
}

/// A carton an item came in: its volume and weight and the units in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Carton {
    pub volume_cm3: i64,
    pub weight_g: i64,
    pub units: i64,
}

/// µm³ → cm³, rounded up: a unit never takes less room than it needs.
pub fn cm3_from_um(length_um: i64, width_um: i64, height_um: i64) -> i64 {
    let v = i128::from(length_um) * i128::from(width_um) * i128::from(height_um);
    i64::try_from((v + 999_999_999_999) / 1_000_000_000_000).unwrap_or(i64::MAX)
}

/// mg → g, rounded up.
pub fn grams_from_mg(mg: i64) -> i64 {
    mg.saturating_add(999) / 1000
}

/// Volume (cm³) and weight (g) of one unit: the product's own measure
/// where it has one, else its share of the carton it came in (rounded
/// up), else 0 (unknown: only the other measure limits).
pub fn unit_measures(own_volume_cm3: Option<i64>, own_weight_g: Option<i64>, carton: Option<Carton>) -> (i64, i64) {
    let share = carton.filter(|c| c.units > 0).map(|c| {
        let per = |total: i64| (total.max(0) + c.units - 1) / c.units;
        (per(c.volume_cm3), per(c.weight_g))
    });
    (own_volume_cm3.or(share.map(|s| s.0)).unwrap_or(0), own_weight_g.or(share.map(|s| s.1)).unwrap_or(0))
}

/// How many units of `item` fit in the room left in `slot`.
pub fn units_that_fit(slot: &Slot, item: &Incoming) -> i64 {
    fn by(capacity: Option<i64>, used: i64, unit: i64) -> i64 {
        match capacity {
            None => i64::MAX,
            Some(_) if unit <= 0 => i64::MAX,
            Some(cap) => ((cap - used).max(0)) / unit,
        }
    }
    by(slot.capacity_volume_cm3, slot.used_volume_cm3, item.unit_volume_cm3).min(by(
        slot.capacity_weight_g,
        slot.used_weight_g,
        item.unit_weight_g,
    ))
}

fn place(slot: &mut Slot, item: &Incoming, quantity: i64) {
    slot.used_volume_cm3 = slot.used_volume_cm3.saturating_add(item.unit_volume_cm3.saturating_mul(quantity));
    slot.used_weight_g = slot.used_weight_g.saturating_add(item.unit_weight_g.saturating_mul(quantity));
    let content = Content {
        customer_id: item.customer_id,
        product_id: item.product_id,
        lot_id: item.lot_id,
        condition: item.condition,
    };
    if !slot.contents.contains(&content) {
        slot.contents.push(content);
    }
}

/// Walking distance (rectilinear, mm) from each slot to the nearest pick
/// face; from the origin (the dock) when the warehouse has none.
fn distances_to_pick_faces(slots: &[Slot]) -> Vec<i64> {
    let faces: Vec<(i64, i64)> =
        slots.iter().filter(|s| s.kind == LocationType::PickFace).map(|s| (s.x_mm, s.y_mm)).collect();
    slots
        .iter()
        .map(|s| {
            if faces.is_empty() {
                s.x_mm.abs() + s.y_mm.abs()
            } else {
                faces.iter().map(|(x, y)| (s.x_mm - x).abs() + (s.y_mm - y).abs()).min().unwrap_or(0)
            }
        })
        .collect()
}

/// Plans every line; `slots` is the warehouse's locations with what they
/// hold now. Proposals come in line order; a line's quantities add up to
/// the line's quantity.
pub fn plan(mut slots: Vec<Slot>, lines: &[Incoming]) -> Vec<Proposal> {
    let distance = distances_to_pick_faces(&slots);
    // Visiting order for new placements: nearest first, then by code.
    let mut by_distance: Vec<usize> = (0..slots.len()).collect();
    by_distance.sort_by(|&a, &b| distance[a].cmp(&distance[b]).then_with(|| slots[a].code.cmp(&slots[b].code)));
    let mut out = Vec::new();
    for (line, item) in lines.iter().enumerate() {
        let mut left = item.quantity;
        // 1. Consolidate with the same lot.
        for &i in &by_distance {
            if left == 0 {
                break;
            }
            let slot = &slots[i];
            if holds_same_lot(slot, item) && slot.kind != LocationType::Overflow && compatible(slot, item, true) {
                let n = units_that_fit(slot, item).min(left);
                if n > 0 {
                    place(&mut slots[i], item, n);
                    out.push(Proposal { line, slot: Some(i), quantity: n, reason: Reason::Consolidate });
                    left -= n;
                }
            }
        }
        if left == 0 {
            continue;
        }
        // 2. The nearest compatible rack location: whole line first.
        let racks: Vec<usize> = by_distance
            .iter()
            .copied()
            .filter(|&i| slots[i].kind != LocationType::Overflow && compatible(&slots[i], item, false))
            .collect();
        let reason_for = |slot: &Slot| {
            if slot.kind == LocationType::Defective {
                Reason::DefectiveArea
            } else if slot.contents.is_empty() {
                Reason::EmptyLocation
            } else {
                Reason::PartlyUsed
            }
        };
        if let Some(&i) = racks.iter().find(|&&i| units_that_fit(&slots[i], item) >= left) {
            let reason = reason_for(&slots[i]);
            place(&mut slots[i], item, left);
            out.push(Proposal { line, slot: Some(i), quantity: left, reason });
            continue;
        }
        for &i in &racks {
            if left == 0 {
                break;
            }
            let n = units_that_fit(&slots[i], item).min(left);
            if n > 0 {
                let reason = reason_for(&slots[i]);
                place(&mut slots[i], item, n);
                out.push(Proposal { line, slot: Some(i), quantity: n, reason });
                left -= n;
            }
        }
        // 3. Overflow.
        for &i in &by_distance {
            if left == 0 {
                break;
            }
            if slots[i].kind == LocationType::Overflow && compatible(&slots[i], item, false) {
                let n = units_that_fit(&slots[i], item).min(left);
                if n > 0 {
                    place(&mut slots[i], item, n);
                    out.push(Proposal { line, slot: Some(i), quantity: n, reason: Reason::Overflow });
                    left -= n;
                }
            }
        }
        if left > 0 {
            out.push(Proposal { line, slot: None, quantity: left, reason: Reason::NoLocation });
        }
    }
    out
}

#[cfg(test)]
mod tests;
