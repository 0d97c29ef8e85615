//! Returns (RMA): what a seller may announce, the life of a return and
//! what grading decides. The ledger path: `@CUSTOMER_RETURNED` → a RETURNS
//! location in the graded condition → on completion, QUARANTINE units to
//! a quarantine location, DISPOSE units to `@SCRAP`, RETURN_TO_SELLER units
//! are reserved at the bench until a ship-back issues them to the seller,
//! RESTOCK units stay at the bench until a move puts them away where the
//! putaway planner proposes.

use thiserror::Error;

use crate::text::text_enum;

/// Lines of one return.
pub const LINES_MAX: usize = 200;
pub const LINE_QUANTITY_MAX: i64 = 100_000;
pub const REFERENCE_CHARS_MAX: usize = 100;
pub const TEXT_CHARS_MAX: usize = 300;

text_enum!(
    /// The life of a return order.
    ReturnStatus {
        Announced => "ANNOUNCED",
        Arrived => "ARRIVED",
        Completed => "COMPLETED",
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    /// What can happen to a return order.
    ReturnAction {
        Arrive => "ARRIVE",
        Grade => "GRADE",
        Complete => "COMPLETE",
        Cancel => "CANCEL",
        ShipBack => "SHIP_BACK",
    }
);

text_enum!(
    /// Where graded units go.
    Disposition {
        /// Back to sellable stock in the graded condition.
        Restock => "RESTOCK",
        /// Held apart (a quarantine location) until someone decides.
        Quarantine => "QUARANTINE",
        /// Written off to `@SCRAP`.
        Dispose => "DISPOSE",
        /// Shipped back to the seller's return address: reserved at
        /// completion, issued from the returns bench by a ship-back.
        ReturnToSeller => "RETURN_TO_SELLER",
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("a return order in status {status} does not allow {action}")]
pub struct ReturnRefused {
    pub status: ReturnStatus,
    pub action: ReturnAction,
}

impl ReturnStatus {
    /// The status after `action`, or the refusal: the one place that knows
    /// which step may follow which.
    pub fn after(self, action: ReturnAction) -> Result<ReturnStatus, ReturnRefused> {
        use ReturnAction as A;
        use ReturnStatus as S;
        match (self, action) {
            (S::Announced, A::Arrive) => Ok(S::Arrived),
            (S::Arrived, A::Grade) => Ok(S::Arrived),
            (S::Arrived, A::Complete) => Ok(S::Completed),
            (S::Announced, A::Cancel) => Ok(S::Cancelled),
            // RETURN_TO_SELLER units leave once the return is complete.
            (S::Completed, A::ShipBack) => Ok(S::Completed),
            _ => Err(ReturnRefused { status: self, action }),
        }
    }
}

/// Units graded may not pass what arrived (when it is known).
pub fn check_graded(arrived: Option<i64>, graded_before: i64, grading: i64) -> Result<(), (i64, i64)> {
    match arrived {
        Some(limit) if graded_before.saturating_add(grading) > limit => Err((limit, graded_before)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_return_arrives_is_graded_and_completes_or_is_cancelled_before_arrival() {
        use ReturnAction as A;
        use ReturnStatus as S;
        assert_eq!(S::Announced.after(A::Arrive), Ok(S::Arrived));
        assert_eq!(S::Arrived.after(A::Grade), Ok(S::Arrived));
        assert_eq!(S::Arrived.after(A::Complete), Ok(S::Completed));
        assert_eq!(S::Announced.after(A::Cancel), Ok(S::Cancelled));
        assert_eq!(S::Completed.after(A::ShipBack), Ok(S::Completed));
        for (status, action) in [
            (S::Arrived, A::Cancel),
            (S::Completed, A::Grade),
            (S::Completed, A::Complete),
            (S::Announced, A::Grade),
            (S::Cancelled, A::Arrive),
            (S::Arrived, A::ShipBack),
            (S::Cancelled, A::ShipBack),
        ] {
            assert!(status.after(action).is_err(), "{status} {action}");
        }
    }

    #[test]
    fn grading_stops_at_what_arrived() {
        assert_eq!(check_graded(Some(3), 2, 1), Ok(()));
        assert_eq!(check_graded(Some(3), 2, 2), Err((3, 2)));
        assert_eq!(check_graded(None, i64::MAX, 5), Ok(()));
        assert_eq!(check_graded(Some(3), i64::MAX, 5), Err((3, i64::MAX)));
    }
}
