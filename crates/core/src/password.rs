//! The password policy for people (staff now, the sellers' portal users
//! when they come): long enough, not the username (nor it with a number
//! appended), not a common password.
//!
//! `password/common-passwords.txt` is the list Django ships (20,000 common
//! passwords, lower-cased, collected by Royce Williams,
//! <https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce>),
//! ASCII entries only.

use std::collections::HashSet;
use std::sync::OnceLock;

use thiserror::Error;

use crate::text::char_len;

/// Characters a password needs at least.
pub const MIN_CHARS: usize = 12;
/// And at most (argon2 takes any length; this bounds the work per check).
pub const MAX_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum WeakPassword {
    #[error("a password needs at least {MIN_CHARS} characters")]
    TooShort,
    #[error("a password may have at most {MAX_CHARS} characters")]
    TooLong,
    #[error("a password may not be the username")]
    IsUsername,
    #[error("this password is among the most common ones")]
    Common,
    #[error("a password of one repeated character is no password")]
    Repeated,
}

fn common() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| include_str!("password/common-passwords.txt").lines().collect())
}

/// Checks a new password for `username`.
///
/// Common passwords are matched lower-cased, and also with their trailing
/// digits and symbols taken off (`Password2026!` is `password`): a common
/// word with a number appended is what guessers try first.
pub fn check(username: &str, password: &str) -> Result<(), WeakPassword> {
    let length = char_len(password);
    if length < MIN_CHARS {
        return Err(WeakPassword::TooShort);
    }
    if length > MAX_CHARS {
        return Err(WeakPassword::TooLong);
    }
    let lower = password.to_lowercase();
    let stem = lower.trim_end_matches(|c: char| !c.is_alphabetic());
    let user = username.trim().to_lowercase();
    if lower == user || stem == user {
        return Err(WeakPassword::IsUsername);
    }
    let mut chars = lower.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return Err(WeakPassword::Repeated);
    }
    if common().contains(lower.as_str()) || (char_len(stem) >= 4 && common().contains(stem)) {
        return Err(WeakPassword::Common);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_named_for_what_is_wrong() {
        assert_eq!(check("alice", "12345"), Err(WeakPassword::TooShort));
        assert_eq!(check("alice", "admin"), Err(WeakPassword::TooShort));
        assert_eq!(check("warehouse-lead", "Warehouse-Lead"), Err(WeakPassword::IsUsername));
        assert_eq!(check("warehouse-lead", "warehouse-lead-2026!"), Err(WeakPassword::IsUsername));
        assert_eq!(check("alice", "qwerty123456"), Err(WeakPassword::Common));
        assert_eq!(check("alice", "1q2w3e4r5t6y"), Err(WeakPassword::Common));
        assert_eq!(check("alice", "Password2026!!"), Err(WeakPassword::Common));
        assert_eq!(check("alice", "aaaaaaaaaaaaaa"), Err(WeakPassword::Repeated));
        assert_eq!(check("alice", &"x1".repeat(200)), Err(WeakPassword::TooLong));
    }

    #[test]
    fn a_long_uncommon_password_passes() {
        assert_eq!(check("alice", "correct horse battery"), Ok(()));
        assert_eq!(check("alice", "Lagerhalle-7-Nord!"), Ok(()));
        // Characters, not bytes: 12 Chinese characters are 12.
        assert_eq!(check("alice", "仓库管理员的密码很长很长"), Ok(()));
    }

    #[test]
    fn the_list_is_loaded_and_lower_case() {
        assert!(common().len() > 19_000);
        assert!(common().iter().all(|p| *p == p.to_lowercase()));
    }
}
