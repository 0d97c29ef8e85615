//! Per-app rate limiting on SQLite: a token bucket per app holding a
//! minute's allowance, refilled continuously, in this process's memory (a
//! SQLite database serves one process). On PostgreSQL, where several nodes
//! share the database, the count lives there instead
//! (`haicang_store::cluster`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<i64, Bucket>>,
}

impl RateLimiter {
    /// Takes one request of `app_id` at `per_minute`; `Err(wait)` when the
    /// bucket is empty, with how long until the next request fits.
    pub fn take(&self, app_id: i64, per_minute: i64, now: Instant) -> Result<(), Duration> {
        let capacity = per_minute.max(1) as f64;
        let per_ms = capacity / 60_000.0;
        let Ok(mut buckets) = self.buckets.lock() else { return Ok(()) };
        let bucket = buckets.entry(app_id).or_insert(Bucket { tokens: capacity, at: now });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64() * 1000.0;
        bucket.tokens = (bucket.tokens + elapsed * per_ms).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_millis(((1.0 - bucket.tokens) / per_ms).ceil() as u64))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minute_allowance_then_one_request_per_refill() {
        let limiter = RateLimiter::default();
        let t0 = Instant::now();
        for _ in 0..60 {
            assert!(limiter.take(1, 60, t0).is_ok());
        }
        let wait = limiter.take(1, 60, t0).expect_err("the 61st waits");
        assert!(wait <= Duration::from_secs(1) && wait > Duration::from_millis(900), "{wait:?}");
        assert!(limiter.take(2, 60, t0).is_ok(), "apps have their own buckets");
        assert!(limiter.take(1, 60, t0 + Duration::from_secs(1)).is_ok(), "refilled after a second");
        assert!(limiter.take(1, 60, t0 + Duration::from_secs(1)).is_err());
    }
}
