//! Reading a vendor's JSON liberally. ERPs written against these documents
//! send numbers as strings and strings as numbers, use a field's documented
//! name or its obvious variants, and leave filters as empty strings; the
//! gateways accept all of that (an empty string is an absent field) and
//! refuse only what cannot mean anything (10031 naming the field).

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::Value;

use haicang_api::error::ApiError;

/// A JSON object read by field names (the first name present wins).
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a>(pub &'a Value);

fn bad(key: &str, what: &str) -> ApiError {
    ApiError::BadField(format!("{key}: {what}"))
}

impl<'a> Fields<'a> {
    fn get<'k>(&self, keys: &[&'k str]) -> Option<(&'k str, &'a Value)> {
        keys.iter().find_map(|k| {
            let v = self.0.get(*k)?;
            let empty = v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty());
            (!empty).then_some((*k, v))
        })
    }

    /// Text, numbers and booleans written as text; trimmed; None when
    /// absent or empty.
    pub fn text(&self, keys: &[&str]) -> Option<String> {
        let (_, v) = self.get(keys)?;
        match v {
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A whole number, given as a number (2.0 counts) or as text.
    pub fn int(&self, keys: &[&str]) -> Result<Option<i64>, ApiError> {
        let Some((key, v)) = self.get(keys) else { return Ok(None) };
        let n = match v {
            Value::Number(n) => {
                n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64))
            }
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        n.map(Some).ok_or_else(|| bad(key, "a whole number"))
    }

    /// A decimal as text ("12.5"), given as a number or as text.
    pub fn decimal(&self, keys: &[&str]) -> Option<String> {
        self.text(keys)
    }

    pub fn bool(&self, keys: &[&str]) -> Option<bool> {
        let (_, v) = self.get(keys)?;
        match v {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => Some(n.as_i64() != Some(0)),
            Value::String(s) => Some(matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1" | "y" | "yes")),
            _ => None,
        }
    }

    /// An array's elements (a lone object counts as one).
    pub fn list(&self, keys: &[&str]) -> Vec<&'a Value> {
        match self.get(keys) {
            Some((_, Value::Array(items))) => items.iter().collect(),
            Some((_, v @ Value::Object(_))) => vec![v],
            _ => Vec::new(),
        }
    }

    /// A list of codes: an array of texts or numbers, or one text with
    /// commas.
    pub fn texts(&self, keys: &[&str]) -> Vec<String> {
        let items: Vec<String> = match self.get(keys) {
            Some((_, Value::Array(items))) => items
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.trim().to_owned()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            Some((_, Value::String(s))) => s.split(',').map(|p| p.trim().to_owned()).collect(),
            Some((_, Value::Number(n))) => vec![n.to_string()],
            _ => Vec::new(),
        };
        items.into_iter().filter(|s| !s.is_empty()).collect()
    }

    /// A moment as unix ms: epoch ms (or s) as a number or text, or a
    /// date-time `yyyy-MM-dd HH:mm:ss`, `yyyy-MM-ddTHH:mm:ss[.SSS]` or a
    /// date (its midnight; with `end_of_day`, its last millisecond), read
    /// as UTC.
    pub fn time(&self, keys: &[&str], end_of_day: bool) -> Result<Option<i64>, ApiError> {
        let Some((key, _)) = self.get(keys) else { return Ok(None) };
        let text = self.text(&[key]).unwrap_or_default();
        parse_time(&text, end_of_day).map(Some).ok_or_else(|| bad(key, "a time as yyyy-MM-dd HH:mm:ss"))
    }
}

/// See [`Fields::time`].
pub fn parse_time(text: &str, end_of_day: bool) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) {
        let n: i64 = t.parse().ok()?;
        return Some(if t.len() <= 10 { n * 1000 } else { n });
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(t.trim_end_matches('Z'), format) {
            return Some(at.and_utc().timestamp_millis());
        }
    }
    let day = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
    let midnight = day.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis();
    Some(if end_of_day { midnight + 86_400_000 - 1 } else { midnight })
}

/// `yyyy-MM-dd HH:mm:ss` (UTC), as the documents' examples write times.
pub fn format_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_default()
}

/// `yyyy-MM-ddTHH:mm:ss` (UTC), JF's time format (its code 40009).
pub fn format_iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn numbers_and_text_are_read_either_way() {
        let body = json!({"num": "5", "qty": 3.0, "name": 12, "empty": " ", "list": "A, B", "one": {"sku": "X"}});
        let f = Fields(&body);
        assert_eq!(f.int(&["num"]).unwrap(), Some(5));
        assert_eq!(f.int(&["qty"]).unwrap(), Some(3));
        assert_eq!(f.text(&["name"]).as_deref(), Some("12"));
        assert_eq!(f.text(&["empty", "name"]).as_deref(), Some("12"), "an empty string is absent");
        assert_eq!(f.texts(&["list"]), vec!["A", "B"]);
        assert_eq!(f.list(&["one"]).len(), 1);
        assert!(f.int(&["list"]).is_err());
    }

    #[test]
    fn times_come_in_the_documents_forms() {
        assert_eq!(parse_time("1970-01-02 00:00:00", false), Some(86_400_000));
        assert_eq!(parse_time("1970-01-02T00:00:00", false), Some(86_400_000));
        assert_eq!(parse_time("1970-01-02", true), Some(2 * 86_400_000 - 1));
        assert_eq!(parse_time("1731742317", false), Some(1_731_742_317_000));
        assert_eq!(parse_time("1731742317000", false), Some(1_731_742_317_000));
        assert_eq!(parse_time("yesterday", false), None);
        assert_eq!(format_time(86_400_000), "1970-01-02 00:00:00");
    }
}
