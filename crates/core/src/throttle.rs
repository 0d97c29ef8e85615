//! How long failed credential checks make the next attempt wait.
//!
//! Three counters per attempt: the account from this address, this address
//! (whatever account it tries), and the account (from anywhere). A few
//! failures are free; after that each further failure doubles the wait, up
//! to a cap. The account-from-this-address counter bites first (a mistyped
//! password locks nobody else out); the address counter stops one address
//! from guessing across many accounts, and it bites long before the
//! account-wide counter, so a flood from one address cannot lock the
//! account for its owner elsewhere; the account-wide counter slows a
//! guesser spread over many addresses. A success clears the account's
//! counters. Attempts refused while waiting are not counted (and cost no
//! password hash).

use crate::text::text_enum;

text_enum!(
    /// What a failure counter counts.
    FailureScope { AccountAddress => "ACCOUNT_ADDRESS", Address => "ADDRESS", Account => "ACCOUNT" }
);

/// One counter's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Failures that cost no wait.
    pub free: i64,
    /// The first wait, doubled by every further failure.
    pub first_wait_ms: i64,
    pub max_wait_ms: i64,
    /// A counter with no failure for this long starts again from zero.
    pub forget_after_ms: i64,
}

const MINUTE: i64 = 60_000;

impl FailureScope {
    pub fn limit(self) -> Limit {
        let (free, max_wait_ms) = match self {
            FailureScope::AccountAddress => (5, 15 * MINUTE),
            FailureScope::Address => (20, 15 * MINUTE),
            FailureScope::Account => (100, 15 * MINUTE),
        };
        Limit { free, first_wait_ms: 1_000, max_wait_ms, forget_after_ms: 60 * MINUTE }
    }

    /// The counter's subject for an account and an address.
    pub fn subject(self, account: &str, address: &str) -> String {
        match self {
            FailureScope::AccountAddress => format!("{account}@{address}"),
            FailureScope::Address => address.to_owned(),
            FailureScope::Account => account.to_owned(),
        }
    }
}

impl Limit {
    /// The wait after `failures` failures (0 while they are free).
    pub fn wait_ms(&self, failures: i64) -> i64 {
        let over = failures - self.free;
        if over <= 0 {
            return 0;
        }
        // 2^(over-1) seconds, without overflow for any count.
        let doublings = u32::try_from(over - 1).unwrap_or(u32::MAX).min(40);
        self.first_wait_ms.saturating_mul(1i64 << doublings).min(self.max_wait_ms)
    }

    /// The counter as it stands at `now`: forgotten when stale.
    pub fn current(&self, failures: i64, last_failure_at: i64, now: i64) -> i64 {
        if now - last_failure_at > self.forget_after_ms { 0 } else { failures }
    }

    /// Until when attempts wait, if they must.
    pub fn blocked_until(&self, failures: i64, last_failure_at: i64, now: i64) -> Option<i64> {
        let until = last_failure_at.saturating_add(self.wait_ms(self.current(failures, last_failure_at, now)));
        (until > now).then_some(until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn free_failures_then_doubling_waits_up_to_the_cap() {
        let l = FailureScope::AccountAddress.limit();
        assert_eq!((0..=5).map(|n| l.wait_ms(n)).collect::<Vec<_>>(), vec![0; 6]);
        assert_eq!(l.wait_ms(6), 1_000);
        assert_eq!(l.wait_ms(7), 2_000);
        assert_eq!(l.wait_ms(10), 16_000);
        assert_eq!(l.wait_ms(1_000_000), 15 * MINUTE);
        assert_eq!(l.blocked_until(6, 10_000, 10_500), Some(11_000));
        assert_eq!(l.blocked_until(6, 10_000, 11_000), None);
        // An hour without failures: the slate is clean.
        assert_eq!(l.blocked_until(50, 0, 61 * MINUTE), None);
    }

    #[test]
    fn the_pair_bites_before_the_address_and_the_address_before_the_account() {
        let (pair, address, account) =
            (FailureScope::AccountAddress.limit(), FailureScope::Address.limit(), FailureScope::Account.limit());
        assert!(pair.free < address.free && address.free < account.free);
    }

    proptest! {
        #[test]
        fn waits_never_shrink_and_never_pass_the_cap(n in any::<i64>()) {
            let l = FailureScope::Address.limit();
            prop_assert!(l.wait_ms(n) <= l.max_wait_ms && l.wait_ms(n) >= 0);
            prop_assert!(l.wait_ms(n.saturating_add(1)) >= l.wait_ms(n));
        }
    }
}
