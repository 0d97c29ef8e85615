//! Exact decimal amounts.
//!
//! ERPs send sizes, weights and money as decimal numbers (`0.8`, `"5.00"`).
//! We keep them as integers in a fixed minor unit so that nothing is ever
//! rounded by floating point; this module converts between the two.

use thiserror::Error;

/// Why a decimal text could not be turned into a fixed-point integer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecimalError {
    #[error("not a decimal number")]
    NotANumber,
    #[error("more than {0} digits after the decimal point")]
    TooPrecise(u32),
    #[error("negative")]
    Negative,
    #[error("too large")]
    TooLarge,
}

/// Parses a non-negative decimal text such as `"12.5"` into an integer of
/// `10^-scale` units: `parse_fixed("12.5", 2) == Ok(1250)`.
pub fn parse_fixed(text: &str, scale: u32) -> Result<i64, DecimalError> {
    let text = text.trim();
    if text.starts_with('-') {
        return Err(DecimalError::Negative);
    }
    let text = text.strip_prefix('+').unwrap_or(text);
    // Accept exponent forms that JSON serialisers emit for small numbers (1e-5).
    if text.contains(['e', 'E']) {
        return parse_exponent(text, scale);
    }
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, f),
        None => (text, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(DecimalError::NotANumber);
    }
    if !int_part.bytes().all(|b| b.is_ascii_digit()) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecimalError::NotANumber);
    }
    let frac_trimmed = frac_part.trim_end_matches('0');
    if frac_trimmed.len() > scale as usize {
        return Err(DecimalError::TooPrecise(scale));
    }
    let int_digits = int_part.trim_start_matches('0');
    if int_digits.len() > 15 {
        return Err(DecimalError::TooLarge);
    }
    let int_value: i64 =
        if int_digits.is_empty() { 0 } else { int_digits.parse().map_err(|_| DecimalError::TooLarge)? };
    if int_value == 0 && frac_trimmed.is_empty() {
        return Ok(0);
    }
    // Exponent forms can ask for large scales: every step is checked (a
    // fuzzer found `1e+16` overflowing here).
    let mut frac_value: i64 = 0;
    for i in 0..scale as usize {
        let digit = frac_trimmed.as_bytes().get(i).map(|b| i64::from(b - b'0')).unwrap_or(0);
        frac_value = frac_value.checked_mul(10).and_then(|v| v.checked_add(digit)).ok_or(DecimalError::TooLarge)?;
    }
    10_i64
        .checked_pow(scale)
        .and_then(|factor| int_value.checked_mul(factor))
        .and_then(|v| v.checked_add(frac_value))
        .ok_or(DecimalError::TooLarge)
}

fn parse_exponent(text: &str, scale: u32) -> Result<i64, DecimalError> {
    let (mantissa, exponent) = text.split_once(['e', 'E']).ok_or(DecimalError::NotANumber)?;
    let exponent: i32 = exponent.parse().map_err(|_| DecimalError::NotANumber)?;
    if !(-30..=30).contains(&exponent) {
        return Err(DecimalError::TooLarge);
    }
    let shifted_scale = i64::from(scale) + i64::from(exponent);
    if shifted_scale < 0 {
        // Only zero survives a shift below the unit.
        let v = parse_fixed(mantissa, 0)?;
        return if v == 0 { Ok(0) } else { Err(DecimalError::TooPrecise(scale)) };
    }
    let value = parse_fixed(mantissa, shifted_scale as u32)?;
    Ok(value)
}

/// Formats a fixed-point integer back to decimal text with `min_frac` to
/// `scale` fraction digits: `format_fixed(1250, 2, 0) == "12.5"`.
pub fn format_fixed(value: i64, scale: u32, min_frac: usize) -> String {
    let divisor = 10_i64.pow(scale);
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    let int = abs / divisor as u64;
    let frac = abs % divisor as u64;
    let mut frac_text = format!("{:0width$}", frac, width = scale as usize);
    while frac_text.len() > min_frac && frac_text.ends_with('0') {
        frac_text.pop();
    }
    if frac_text.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac_text}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_exponents_are_too_large_not_a_panic() {
        assert_eq!(parse_fixed("1e+16", 3), Err(DecimalError::TooLarge));
        assert_eq!(parse_fixed("1e30", 6), Err(DecimalError::TooLarge));
        assert_eq!(parse_fixed("0e25", 6), Ok(0));
        assert_eq!(parse_fixed("1.5e2", 3), Ok(150_000));
    }

    proptest::proptest! {
        /// Whatever an ERP sends, the parser answers (no panic), and a
        /// value it accepts formats back to the same number.
        #[test]
        fn never_panics_and_round_trips(text in "[-+0-9.eE]{0,24}", scale in 0u32..7) {
            if let Ok(v) = parse_fixed(&text, scale) {
                proptest::prop_assert!(v >= 0);
                proptest::prop_assert_eq!(parse_fixed(&format_fixed(v, scale, 0), scale), Ok(v));
            }
        }
    }

    #[test]
    fn parses_plain_and_fractional_numbers_exactly() {
        assert_eq!(parse_fixed("12.5", 2), Ok(1250));
        assert_eq!(parse_fixed("0.8", 6), Ok(800_000));
        assert_eq!(parse_fixed("20", 2), Ok(2000));
        assert_eq!(parse_fixed("5.00", 2), Ok(500));
        assert_eq!(parse_fixed(".5", 1), Ok(5));
        assert_eq!(parse_fixed("1e-5", 6), Ok(10));
        assert_eq!(parse_fixed("1.5E2", 0), Ok(150));
    }

    #[test]
    fn refuses_what_would_be_rounded_or_is_not_a_number() {
        assert_eq!(parse_fixed("0.001", 2), Err(DecimalError::TooPrecise(2)));
        assert_eq!(parse_fixed("-1", 2), Err(DecimalError::Negative));
        assert_eq!(parse_fixed("abc", 2), Err(DecimalError::NotANumber));
        assert_eq!(parse_fixed("", 2), Err(DecimalError::NotANumber));
        assert_eq!(parse_fixed("1.2.3", 2), Err(DecimalError::NotANumber));
        assert_eq!(parse_fixed("99999999999999999999", 2), Err(DecimalError::TooLarge));
    }

    #[test]
    fn formats_back_to_the_shortest_text() {
        assert_eq!(format_fixed(1250, 2, 0), "12.5");
        assert_eq!(format_fixed(500, 2, 2), "5.00");
        assert_eq!(format_fixed(800_000, 6, 0), "0.8");
        assert_eq!(format_fixed(7, 0, 0), "7");
    }
}
