//! A complete in-memory ledger built only from the rules in the parent
//! module. It is the oracle of the property tests: the store must end every
//! random sequence of operations in exactly the state this model reaches.

use std::collections::BTreeMap;

use super::{
    Condition, LedgerError, Quantity, Reservation, ReservationStatus, Summary, VirtualLocation, put_to_location,
    take_from_location,
};

/// (customer, warehouse, sku, condition): the level of summaries and
/// reservations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    pub customer: u32,
    pub warehouse: u32,
    pub sku: u32,
    pub condition: Condition,
}

/// An item at a location in a lot: the level of balances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BalanceKey {
    pub item: ItemKey,
    pub location: u32,
    pub lot: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    Real(u32),
    Virtual(VirtualLocation),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub item: ItemKey,
    pub lot: u32,
    pub source: Place,
    pub target: Place,
    pub quantity: i64,
}

/// One pick of a post: units taken from a location and lot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    pub location: u32,
    pub lot: u32,
    pub quantity: i64,
}

/// The operations the property tests draw at random.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Signed change at a location, against `@ADJUSTMENT`.
    Adjust {
        item: ItemKey,
        location: u32,
        lot: u32,
        delta: i64,
    },
    /// Between two real locations of the same warehouse.
    Move {
        item: ItemKey,
        lot: u32,
        from: u32,
        to: u32,
        quantity: i64,
    },
    /// Free units change condition where they lie: the old condition is
    /// issued to `@CONVERSION` and the new one received from it.
    Convert {
        item: ItemKey,
        location: u32,
        lot: u32,
        to: Condition,
        quantity: i64,
    },
    Reserve {
        item: ItemKey,
        quantity: i64,
    },
    /// Reservations are named by their index in creation order.
    Void {
        reservation: usize,
    },
    Post {
        reservation: usize,
        picks: Vec<Pick>,
    },
    /// A transfer leaves: the reservation is posted to
    /// `@TRANSFER_TRANSIT` instead of to a customer.
    Dispatch {
        reservation: usize,
        picks: Vec<Pick>,
    },
    /// A transfer's units are counted in at the destination (any
    /// warehouse) from `@TRANSFER_TRANSIT`: at most what is on the road
    /// of that SKU, condition and lot.
    Arrive {
        item: ItemKey,
        location: u32,
        lot: u32,
        quantity: i64,
    },
}

/// What a transfer carries: (customer, sku, condition, lot).
pub type TransitKey = (u32, u32, Condition, u32);

/// Errors of the model that are not ledger rules (bad test input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    Ledger(LedgerError),
    BadQuantity,
    NoSuchReservation,
    /// More arrives than any transfer carries.
    NotInTransit,
}

impl From<LedgerError> for ModelError {
    fn from(e: LedgerError) -> Self {
        ModelError::Ledger(e)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    pub balances: BTreeMap<BalanceKey, i64>,
    pub summaries: BTreeMap<ItemKey, Summary>,
    pub reservations: Vec<(ItemKey, Reservation)>,
    pub movements: Vec<Movement>,
    /// Units on the road between warehouses.
    pub transit: BTreeMap<TransitKey, i64>,
}

fn quantity(value: i64) -> Result<Quantity, ModelError> {
    Quantity::new(value).ok_or(ModelError::BadQuantity)
}

impl Ledger {
    /// Applies `op` completely or not at all.
    pub fn apply(&mut self, op: &Op) -> Result<(), ModelError> {
        let mut next = self.clone();
        next.apply_in_place(op)?;
        *self = next;
        Ok(())
    }

    fn summary(&self, item: ItemKey) -> Summary {
        self.summaries.get(&item).copied().unwrap_or_default()
    }

    fn balance(&self, key: BalanceKey) -> i64 {
        self.balances.get(&key).copied().unwrap_or(0)
    }

    fn apply_in_place(&mut self, op: &Op) -> Result<(), ModelError> {
        match op {
            Op::Adjust { item, location, lot, delta } => {
                let key = BalanceKey { item: *item, location: *location, lot: *lot };
                let adjustment = Place::Virtual(VirtualLocation::Adjustment);
                if *delta > 0 {
                    let q = quantity(*delta)?;
                    self.summaries.insert(*item, self.summary(*item).receive(q)?);
                    self.balances.insert(key, put_to_location(self.balance(key), q)?);
                    self.record(*item, *lot, adjustment, Place::Real(*location), q);
                } else {
                    let q = quantity(-delta)?;
                    self.summaries.insert(*item, self.summary(*item).issue(q)?);
                    self.balances.insert(key, take_from_location(self.balance(key), q)?);
                    self.record(*item, *lot, Place::Real(*location), adjustment, q);
                }
            }
            Op::Move { item, lot, from, to, quantity: n } => {
                let q = quantity(*n)?;
                let source = BalanceKey { item: *item, location: *from, lot: *lot };
                let target = BalanceKey { location: *to, ..source };
                self.balances.insert(source, take_from_location(self.balance(source), q)?);
                self.balances.insert(target, put_to_location(self.balance(target), q)?);
                self.record(*item, *lot, Place::Real(*from), Place::Real(*to), q);
            }
            Op::Convert { item, location, lot, to, quantity: n } => {
                let q = quantity(*n)?;
                let conversion = Place::Virtual(VirtualLocation::Conversion);
                let old = BalanceKey { item: *item, location: *location, lot: *lot };
                let new_item = ItemKey { condition: *to, ..*item };
                let new = BalanceKey { item: new_item, ..old };
                self.summaries.insert(*item, self.summary(*item).issue(q)?);
                self.balances.insert(old, take_from_location(self.balance(old), q)?);
                self.record(*item, *lot, Place::Real(*location), conversion, q);
                self.summaries.insert(new_item, self.summary(new_item).receive(q)?);
                self.balances.insert(new, put_to_location(self.balance(new), q)?);
                self.record(new_item, *lot, conversion, Place::Real(*location), q);
            }
            Op::Reserve { item, quantity: n } => {
                let q = quantity(*n)?;
                self.summaries.insert(*item, self.summary(*item).reserve(q)?);
                self.reservations.push((*item, Reservation::new(q)));
            }
            Op::Void { reservation } => {
                let (item, r) = *self.reservations.get(*reservation).ok_or(ModelError::NoSuchReservation)?;
                let settlement = r.void()?;
                self.summaries.insert(item, self.summary(item).release(quantity(settlement.released)?)?);
                self.reservations[*reservation].1 = settlement.reservation;
            }
            Op::Post { reservation, picks } => self.post(*reservation, picks, VirtualLocation::CustomerShipped)?,
            Op::Dispatch { reservation, picks } => self.post(*reservation, picks, VirtualLocation::TransferTransit)?,
            Op::Arrive { item, location, lot, quantity: n } => {
                let q = quantity(*n)?;
                let road = (item.customer, item.sku, item.condition, *lot);
                let carried = self.transit.get(&road).copied().unwrap_or(0);
                if carried < q.get() {
                    return Err(ModelError::NotInTransit);
                }
                let key = BalanceKey { item: *item, location: *location, lot: *lot };
                self.summaries.insert(*item, self.summary(*item).receive(q)?);
                self.balances.insert(key, put_to_location(self.balance(key), q)?);
                self.transit.insert(road, carried - q.get());
                self.record(*item, *lot, Place::Virtual(VirtualLocation::TransferTransit), Place::Real(*location), q);
            }
        }
        Ok(())
    }

    /// A reservation posted: picked units leave to `target`, the rest is
    /// released.
    fn post(&mut self, reservation: usize, picks: &[Pick], target: VirtualLocation) -> Result<(), ModelError> {
        let (item, r) = *self.reservations.get(reservation).ok_or(ModelError::NoSuchReservation)?;
        let shipped: i64 = picks.iter().map(|p| p.quantity).sum();
        let settlement = r.post(shipped)?;
        for pick in picks {
            let q = quantity(pick.quantity)?;
            let key = BalanceKey { item, location: pick.location, lot: pick.lot };
            self.balances.insert(key, take_from_location(self.balance(key), q)?);
            self.record(item, pick.lot, Place::Real(pick.location), Place::Virtual(target), q);
            if target == VirtualLocation::TransferTransit {
                *self.transit.entry((item.customer, item.sku, item.condition, pick.lot)).or_insert(0) += q.get();
            }
        }
        let mut summary = self.summary(item);
        if settlement.posted > 0 {
            summary = summary.post(quantity(settlement.posted)?)?;
        }
        if settlement.released > 0 {
            summary = summary.release(quantity(settlement.released)?)?;
        }
        self.summaries.insert(item, summary);
        self.reservations[reservation].1 = settlement.reservation;
        Ok(())
    }

    fn record(&mut self, item: ItemKey, lot: u32, source: Place, target: Place, q: Quantity) {
        self.movements.push(Movement { item, lot, source, target, quantity: q.get() });
    }

    /// Balances rebuilt from the movements alone.
    pub fn replay(movements: &[Movement]) -> BTreeMap<BalanceKey, i64> {
        let mut balances = BTreeMap::new();
        for m in movements {
            if let Place::Real(location) = m.source {
                *balances.entry(BalanceKey { item: m.item, location, lot: m.lot }).or_insert(0) -= m.quantity;
            }
            if let Place::Real(location) = m.target {
                *balances.entry(BalanceKey { item: m.item, location, lot: m.lot }).or_insert(0) += m.quantity;
            }
        }
        balances
    }

    /// Every invariant of the ledger; the first broken one is described.
    pub fn check_invariants(&self) -> Result<(), String> {
        for (key, value) in &self.balances {
            if *value < 0 {
                return Err(format!("negative balance {value} at {key:?}"));
            }
        }
        for (item, s) in &self.summaries {
            if s.reserved < 0 || s.available() < 0 {
                return Err(format!("negative reserved or available at {item:?}: {s:?}"));
            }
            let located: i64 = self.balances.iter().filter(|(k, _)| k.item == *item).map(|(_, v)| v).sum();
            if located != s.on_hand {
                return Err(format!("on hand {} but locations hold {located} for {item:?}", s.on_hand));
            }
            let pending: i64 = self
                .reservations
                .iter()
                .filter(|(i, r)| i == item && r.status == ReservationStatus::Pending)
                .map(|(_, r)| r.quantity)
                .sum();
            if pending != s.reserved {
                return Err(format!("reserved {} but pending reservations hold {pending} for {item:?}", s.reserved));
            }
        }
        let replayed = Self::replay(&self.movements);
        let nonzero = |m: &BTreeMap<BalanceKey, i64>| -> BTreeMap<BalanceKey, i64> {
            m.iter().filter(|(_, v)| **v != 0).map(|(k, v)| (*k, *v)).collect()
        };
        if nonzero(&replayed) != nonzero(&self.balances) {
            return Err("replaying the movements does not rebuild the balances".into());
        }
        // The road holds what left for it and has not arrived, never less
        // than nothing.
        let mut road: BTreeMap<TransitKey, i64> = BTreeMap::new();
        for m in &self.movements {
            let key = (m.item.customer, m.item.sku, m.item.condition, m.lot);
            if m.target == Place::Virtual(VirtualLocation::TransferTransit) {
                *road.entry(key).or_insert(0) += m.quantity;
            }
            if m.source == Place::Virtual(VirtualLocation::TransferTransit) {
                *road.entry(key).or_insert(0) -= m.quantity;
            }
        }
        for (key, units) in &road {
            if *units < 0 {
                return Err(format!("more arrived than left for {key:?}"));
            }
            if self.transit.get(key).copied().unwrap_or(0) != *units {
                return Err(format!("the road holds {units} of {key:?} by the movements"));
            }
        }
        Ok(())
    }
}
