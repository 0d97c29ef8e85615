//! What several nodes on one database share: rate-limit buckets, leases
//! for jobs one node at a time must run, and the readiness check a load
//! balancer asks each node.

use sqlx::Row;

use crate::{Conn, Engine, Store, StoreError};

/// The shared bucket's one statement, built once (it runs on every
/// customer request). `excluded.tokens + 1` is the capacity: a new bucket
/// starts full, less this request.
static TAKE_TOKEN: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let refill = "LEAST(excluded.tokens + 1, rate_bucket.tokens \
                  + GREATEST(0, excluded.at_ms - rate_bucket.at_ms) * (excluded.tokens + 1) / 60000.0)";
    format!(
        "WITH now AS (SELECT GREATEST(1, COALESCE((SELECT rate_limit_per_minute FROM app WHERE app_id = $1), $2)) \
                             ::DOUBLE PRECISION AS capacity, \
                             (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT AS ms) \
         INSERT INTO rate_bucket (app_id, tokens, at_ms, admitted) \
         SELECT $1, capacity - 1, ms, TRUE FROM now \
         ON CONFLICT (app_id) DO UPDATE SET \
           tokens = CASE WHEN {refill} >= 1 THEN {refill} - 1 ELSE {refill} END, \
           admitted = {refill} >= 1, \
           at_ms = GREATEST(rate_bucket.at_ms, excluded.at_ms) \
         RETURNING admitted, tokens, (SELECT capacity FROM now)"
    )
});

/// Takes one request of app `app_id` from its shared bucket (PostgreSQL
/// only: every node's requests meet in one row). One statement, committed
/// on its own, on the database's clock so that nodes whose clocks differ
/// agree, and with the app's limit as the database has it now, so a new
/// policy holds on every node at once (`per_minute` is used only if the app
/// row is gone). `Err(wait_ms)` when the bucket is empty: how long until
/// the next request fits. The same arithmetic as the in-memory bucket that
/// serves SQLite (`haicang_api::limit`).
pub async fn take_shared_token(store: &Store, app_id: i64, per_minute: i64) -> Result<Result<(), i64>, StoreError> {
    let mut conn = store.read().await?;
    let row = sqlx::query(&TAKE_TOKEN).bind(app_id).bind(per_minute).fetch_one(&mut *conn).await?;
    let admitted: bool = row.try_get(0)?;
    let tokens: f64 = row.try_get(1)?;
    let capacity: f64 = row.try_get(2)?;
    if admitted {
        return Ok(Ok(()));
    }
    let per_ms = capacity / 60_000.0;
    Ok(Err(((1.0 - tokens) / per_ms).ceil().max(1.0) as i64))
}

/// Forgets the buckets of apps idle for a day (a full bucket is the same
/// as none).
pub async fn forget_idle_buckets(conn: &mut Conn, now_ms: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM rate_bucket WHERE at_ms < $1").bind(now_ms - 86_400_000).execute(conn).await?;
    Ok(done.rows_affected())
}

/// Takes the lease on job `name` for `holder` until `now_ms + lease_ms`
/// when the job is due (last finished at or before `due_before`) and no
/// other holder's lease is running. `true` when this holder now has it and
/// should run the job. A new job's row is made by the first taker.
pub async fn take_lease(
    conn: &mut Conn,
    name: &str,
    holder: &str,
    now_ms: i64,
    lease_ms: i64,
    due_before: i64,
) -> Result<bool, StoreError> {
    let row = sqlx::query(
        "INSERT INTO job_lease (name, holder, lease_until) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until \
         WHERE (job_lease.holder = excluded.holder OR job_lease.lease_until < $4) \
           AND job_lease.last_finished_at <= $5 \
         RETURNING name",
    )
    .bind(name)
    .bind(holder)
    .bind(now_ms + lease_ms)
    .bind(now_ms)
    .bind(due_before)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

/// Marks job `name` finished at `now_ms` and lets its lease go: `false`
/// when `holder` no longer held it (it ran past its lease and another
/// node took over; the work itself is idempotent).
pub async fn finish_lease(conn: &mut Conn, name: &str, holder: &str, now_ms: i64) -> Result<bool, StoreError> {
    let done =
        sqlx::query("UPDATE job_lease SET last_finished_at = $1, lease_until = 0 WHERE name = $2 AND holder = $3")
            .bind(now_ms)
            .bind(name)
            .bind(holder)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Why a node is not ready.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotReady {
    #[error("the database is unreachable: {0}")]
    Unreachable(String),
    #[error("the database is read-only (a standby, or a failover in progress)")]
    ReadOnly,
    #[error("migrations not applied: the database is at {applied}, this release needs {known}")]
    Behind { applied: i64, known: i64 },
    #[error("the database schema ({applied}) is newer than this release knows ({known})")]
    Ahead { applied: i64, known: i64 },
}

/// Readiness: the database answers, takes writes (not a standby) and has
/// exactly the migrations this release knows.
pub async fn readiness(store: &Store) -> Result<i64, NotReady> {
    let unreachable = |e: StoreError| NotReady::Unreachable(e.to_string());
    let mut conn = store.read().await.map_err(unreachable)?;
    if store.engine() == Engine::Postgres {
        let standby: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| unreachable(e.into()))?;
        if standby {
            return Err(NotReady::ReadOnly);
        }
    }
    drop(conn);
    let applied = store.applied_migration().await.map_err(unreachable)?.unwrap_or(0);
    let known = store.latest_migration();
    match applied.cmp(&known) {
        std::cmp::Ordering::Less => Err(NotReady::Behind { applied, known }),
        std::cmp::Ordering::Greater => Err(NotReady::Ahead { applied, known }),
        std::cmp::Ordering::Equal => Ok(applied),
    }
}
