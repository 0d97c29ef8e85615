//! Assembly and disassembly work orders: the life of one and how many of
//! its kits a completion may account for.

use thiserror::Error;

use crate::text::text_enum;

/// Kits one work order may make or take apart.
pub const QUANTITY_MAX: i64 = 100_000;
/// Names of the workers on one completion.
pub const WORKERS_MAX: usize = 20;
pub const TEXT_CHARS_MAX: usize = 100;

text_enum!(
    /// What a work order does.
    WorkType {
        /// Components of a SUITE's bill of materials in, the kit out.
        Assembly => "ASSEMBLY",
        /// Kits in, their components out (Qianyi's restore / 拆分).
        Disassembly => "DISASSEMBLY",
    }
);

text_enum!(
    WorkOrderStatus {
        Created => "CREATED",
        Started => "STARTED",
        /// Some kits done, more to do.
        Partial => "PARTIAL",
        Completed => "COMPLETED",
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    WorkOrderAction { Start => "START", Complete => "COMPLETE", Cancel => "CANCEL" }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("a work order in status {status} does not allow {action}")]
pub struct WorkOrderRefused {
    pub status: WorkOrderStatus,
    pub action: WorkOrderAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CompletionError {
    #[error("a completion accounts for at least one kit")]
    Nothing,
    #[error("{asked} kits accounted for, {left} left to do")]
    TooMany { asked: i64, left: i64 },
}

impl WorkOrderStatus {
    /// The one place that knows which step may follow which. A
    /// completion's status depends on what is left: [`after_completion`].
    pub fn allows(self, action: WorkOrderAction) -> Result<(), WorkOrderRefused> {
        use WorkOrderAction as A;
        use WorkOrderStatus as S;
        match (self, action) {
            (S::Created, A::Start) => Ok(()),
            (S::Created | S::Started | S::Partial, A::Complete) => Ok(()),
            (S::Created | S::Started | S::Partial, A::Cancel) => Ok(()),
            _ => Err(WorkOrderRefused { status: self, action }),
        }
    }
}

/// Checks a completion of `produced` + `rejected` kits against what is
/// left and answers the status after it.
pub fn after_completion(
    quantity: i64,
    done_before: i64,
    produced: i64,
    rejected: i64,
) -> Result<WorkOrderStatus, CompletionError> {
    let asked = produced.saturating_add(rejected);
    if produced < 0 || rejected < 0 || asked == 0 {
        return Err(CompletionError::Nothing);
    }
    let left = quantity - done_before;
    if asked > left {
        return Err(CompletionError::TooMany { asked, left });
    }
    Ok(if asked == left { WorkOrderStatus::Completed } else { WorkOrderStatus::Partial })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_work_order_is_started_completed_in_parts_or_cancelled_until_done() {
        use WorkOrderAction as A;
        use WorkOrderStatus as S;
        assert!(S::Created.allows(A::Start).is_ok());
        assert!(S::Started.allows(A::Start).is_err());
        assert!(S::Partial.allows(A::Complete).is_ok());
        assert!(S::Partial.allows(A::Cancel).is_ok());
        assert!(S::Completed.allows(A::Cancel).is_err());
        assert!(S::Cancelled.allows(A::Complete).is_err());
        assert_eq!(after_completion(5, 0, 2, 0), Ok(S::Partial));
        assert_eq!(after_completion(5, 2, 2, 1), Ok(S::Completed));
        assert_eq!(after_completion(5, 2, 3, 1), Err(CompletionError::TooMany { asked: 4, left: 3 }));
        assert_eq!(after_completion(5, 0, 0, 0), Err(CompletionError::Nothing));
        assert_eq!(after_completion(5, 0, -1, 3), Err(CompletionError::Nothing));
    }
}
