//! Stock alerts: what a seller watches and when a watched thing is in
//! breach. An alert opens once per breach and closes when it clears.

use crate::text::text_enum;

/// Rules one seller may keep.
pub const RULES_MAX: usize = 200;
/// Largest threshold: units for LOW_AVAILABLE, days for the others.
pub const THRESHOLD_MAX: i64 = 1_000_000_000;
pub const DAYS_MAX: i64 = 36_500;

text_enum!(
    AlertType {
        /// GOOD units available (on hand − reserved) below the threshold.
        LowAvailable => "LOW_AVAILABLE",
        /// A lot expires within the threshold's days (batch-managed goods).
        Expiring => "EXPIRING",
        /// A lot stored more than the threshold's days.
        Ageing => "AGEING",
        /// Stock nothing has shipped from for more than the threshold's days.
        NoMovement => "NO_MOVEMENT",
    }
);

impl AlertType {
    /// The threshold's unit, and its upper bound.
    pub fn threshold_max(self) -> i64 {
        match self {
            AlertType::LowAvailable => THRESHOLD_MAX,
            _ => DAYS_MAX,
        }
    }

    /// Whether an observed value breaches the threshold.
    pub fn breached(self, value: i64, threshold: i64) -> bool {
        match self {
            AlertType::LowAvailable => value < threshold,
            // Days left before expiry at most the threshold.
            AlertType::Expiring => value <= threshold,
            // Days stored (or since the last shipment) beyond the threshold.
            AlertType::Ageing | AlertType::NoMovement => value > threshold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_breaches_on_its_side_of_the_threshold() {
        assert!(AlertType::LowAvailable.breached(4, 5));
        assert!(!AlertType::LowAvailable.breached(5, 5));
        assert!(AlertType::Expiring.breached(30, 30));
        assert!(!AlertType::Expiring.breached(31, 30));
        assert!(AlertType::Ageing.breached(91, 90));
        assert!(!AlertType::Ageing.breached(90, 90));
        assert!(AlertType::NoMovement.breached(61, 60));
    }
}
