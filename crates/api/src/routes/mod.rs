//! One module per feature; each exposes `router()`, merged in `crate::router`.

pub mod auth;
pub mod inbound;
pub mod inventory;
pub mod ops;
pub mod outbound;
pub mod products;
pub mod warehouses;
pub mod webhooks;

/// Formats unix milliseconds as ISO 8601 UTC.
pub(crate) fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
