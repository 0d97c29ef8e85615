//! The arithmetic of the inventory ledger.
//!
//! Stock lives in two kinds of rows (see docs/ARCHITECTURE.md):
//! - a *balance* per (customer, warehouse, location, sku, lot, condition):
//!   the units physically at a location;
//! - a *summary* per (customer, warehouse, sku, condition): `on_hand`, the
//!   sum of the balances, and `reserved`, the part promised to pending
//!   reservations. `available = on_hand - reserved`.
//!
//! Every change is a movement of a positive quantity from a source to a
//! target, either of which may be virtual (`@ADJUSTMENT`,
//! `@CUSTOMER_SHIPPED`, …). A reservation is a pending transfer: it holds
//! quantity at summary level and is later posted (shipped, the rest
//! released) or voided.
//!
//! The functions here decide whether a step is allowed and what the new
//! values are; the store applies them. [`model::Ledger`] is a complete
//! in-memory ledger built from the same functions: the store's property
//! tests use it as the oracle.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::text_enum;

/// Largest quantity of one movement: a guard against typos and overflow.
pub const MOVEMENT_QUANTITY_MAX: i64 = 10_000_000;
/// Largest balance a single row may hold.
pub const BALANCE_MAX: i64 = 1_000_000_000_000;

text_enum!(
    /// The state of the goods. Stock of different conditions never mixes.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    Condition {
        Good => "GOOD",
        /// Does not work.
        Defective => "DEFECTIVE",
        /// Harmed in transit or handling (box, surface); may still work.
        Damaged => "DAMAGED",
        Returned => "RETURNED",
        Refurbished => "REFURBISHED",
        Recycle => "RECYCLE",
        Repairing => "REPAIRING",
    }
);

/// Places that are not shelves: where stock comes from and goes to when it
/// enters or leaves the warehouse's real locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VirtualLocation {
    InboundTransit,
    CustomerShipped,
    Adjustment,
    Scrap,
    Kitting,
    TransferTransit,
    /// Units a count found beyond the books, and units it did not find.
    CountGain,
    CountLoss,
    /// Goods a customer's customer sent back, before grading.
    CustomerReturned,
    /// Between two conditions of the same units (a conversion issues the
    /// old condition here and receives the new one from here).
    Conversion,
}

impl VirtualLocation {
    /// Virtual codes start with `@`, which real location codes may not
    /// contain, so the two can share the movement's source/target column.
    pub fn code(self) -> &'static str {
        match self {
            VirtualLocation::InboundTransit => "@INBOUND_TRANSIT",
            VirtualLocation::CustomerShipped => "@CUSTOMER_SHIPPED",
            VirtualLocation::Adjustment => "@ADJUSTMENT",
            VirtualLocation::Scrap => "@SCRAP",
            VirtualLocation::Kitting => "@KITTING",
            VirtualLocation::TransferTransit => "@TRANSFER_TRANSIT",
            VirtualLocation::Conversion => "@CONVERSION",
            VirtualLocation::CustomerReturned => "@CUSTOMER_RETURNED",
            VirtualLocation::CountGain => "@COUNT_GAIN",
            VirtualLocation::CountLoss => "@COUNT_LOSS",
        }
    }
}

/// A positive number of units, at most [`MOVEMENT_QUANTITY_MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(i64);

impl Quantity {
    pub fn new(value: i64) -> Option<Quantity> {
        (1..=MOVEMENT_QUANTITY_MAX).contains(&value).then_some(Quantity(value))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// Why a ledger step was refused. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LedgerError {
    #[error("insufficient stock: requested {requested}, available {available}")]
    InsufficientAvailable { requested: i64, available: i64 },
    #[error("insufficient stock at the location: requested {requested}, on hand {on_hand}")]
    InsufficientAtLocation { requested: i64, on_hand: i64 },
    #[error("cannot release {requested}: only {reserved} reserved")]
    ReleaseExceedsReserved { requested: i64, reserved: i64 },
    #[error("cannot post {requested}: the reservation holds {pending}")]
    PostExceedsReservation { requested: i64, pending: i64 },
    #[error("the reservation is {0:?}, not pending")]
    ReservationNotPending(ReservationStatus),
    #[error("balance would exceed the maximum")]
    Overflow,
}

/// Stock of one (customer, warehouse, sku, condition).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub on_hand: i64,
    pub reserved: i64,
}

impl Summary {
    pub fn available(&self) -> i64 {
        self.on_hand - self.reserved
    }

    /// Units arrive (from a virtual location) into the warehouse.
    pub fn receive(self, q: Quantity) -> Result<Summary, LedgerError> {
        let on_hand = self.on_hand.checked_add(q.0).filter(|v| *v <= BALANCE_MAX).ok_or(LedgerError::Overflow)?;
        Ok(self.checked(Summary { on_hand, ..self }))
    }

    /// Free units leave the warehouse (adjusted out, scrapped): only what is
    /// not promised to a reservation may go.
    pub fn issue(self, q: Quantity) -> Result<Summary, LedgerError> {
        if self.available() < q.0 {
            return Err(LedgerError::InsufficientAvailable { requested: q.0, available: self.available() });
        }
        Ok(self.checked(Summary { on_hand: self.on_hand - q.0, ..self }))
    }

    /// Promise units to a pending transfer.
    pub fn reserve(self, q: Quantity) -> Result<Summary, LedgerError> {
        if self.available() < q.0 {
            return Err(LedgerError::InsufficientAvailable { requested: q.0, available: self.available() });
        }
        Ok(self.checked(Summary { reserved: self.reserved + q.0, ..self }))
    }

    /// Take back a promise (order cancelled, or the unshipped rest of a post).
    pub fn release(self, q: Quantity) -> Result<Summary, LedgerError> {
        if self.reserved < q.0 {
            return Err(LedgerError::ReleaseExceedsReserved { requested: q.0, reserved: self.reserved });
        }
        Ok(self.checked(Summary { reserved: self.reserved - q.0, ..self }))
    }

    /// Reserved units leave the warehouse (shipped).
    pub fn post(self, q: Quantity) -> Result<Summary, LedgerError> {
        if self.reserved < q.0 {
            return Err(LedgerError::ReleaseExceedsReserved { requested: q.0, reserved: self.reserved });
        }
        Ok(self.checked(Summary { on_hand: self.on_hand - q.0, reserved: self.reserved - q.0 }))
    }

    /// The invariant, asserted on every result: a bug here must stop the
    /// step, never reach the database.
    fn checked(self, next: Summary) -> Summary {
        assert!(next.reserved >= 0 && next.on_hand >= next.reserved, "ledger invariant broken: {self:?} -> {next:?}");
        next
    }
}

/// Units leaving a location balance.
pub fn take_from_location(on_hand: i64, q: Quantity) -> Result<i64, LedgerError> {
    if on_hand < q.0 {
        return Err(LedgerError::InsufficientAtLocation { requested: q.0, on_hand });
    }
    Ok(on_hand - q.0)
}

/// Units arriving at a location balance.
pub fn put_to_location(on_hand: i64, q: Quantity) -> Result<i64, LedgerError> {
    on_hand.checked_add(q.0).filter(|v| *v <= BALANCE_MAX).ok_or(LedgerError::Overflow)
}

text_enum!(
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    ReservationStatus { Pending => "PENDING", Posted => "POSTED", Voided => "VOIDED" }
);

/// A pending transfer of `quantity` units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub quantity: i64,
    pub posted: i64,
    pub status: ReservationStatus,
}

/// What finishing a reservation does to the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    pub reservation: Reservation,
    /// Units that leave the warehouse.
    pub posted: i64,
    /// Units that become available again.
    pub released: i64,
}

impl Reservation {
    pub fn new(q: Quantity) -> Reservation {
        Reservation { quantity: q.0, posted: 0, status: ReservationStatus::Pending }
    }

    /// Ship `shipped` units (0 ..= quantity); the rest is released, as
    /// TigerBeetle's post of a smaller amount does.
    pub fn post(self, shipped: i64) -> Result<Settlement, LedgerError> {
        if self.status != ReservationStatus::Pending {
            return Err(LedgerError::ReservationNotPending(self.status));
        }
        if shipped < 0 || shipped > self.quantity {
            return Err(LedgerError::PostExceedsReservation { requested: shipped, pending: self.quantity });
        }
        Ok(Settlement {
            reservation: Reservation { posted: shipped, status: ReservationStatus::Posted, ..self },
            posted: shipped,
            released: self.quantity - shipped,
        })
    }

    /// Cancel: everything is released.
    pub fn void(self) -> Result<Settlement, LedgerError> {
        if self.status != ReservationStatus::Pending {
            return Err(LedgerError::ReservationNotPending(self.status));
        }
        Ok(Settlement {
            reservation: Reservation { status: ReservationStatus::Voided, ..self },
            posted: 0,
            released: self.quantity,
        })
    }
}

pub mod model;

#[cfg(test)]
mod tests;
