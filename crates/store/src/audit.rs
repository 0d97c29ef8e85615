//! The audit trail (append-only: the tables refuse UPDATE and DELETE) and
//! the failed-credential counters that throttle logins.

use sqlx::{AnyConnection, FromRow};

use haicang_core::throttle::FailureScope;

use crate::{Arg, Filter, PageRequest, StoreError};

/// One privileged action, as written.
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    pub at: i64,
    pub actor_kind: &'a str,
    pub actor: &'a str,
    pub customer_id: Option<i64>,
    pub address: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub action: &'a str,
    pub target: &'a str,
    pub outcome: &'a str,
    pub detail: &'a str,
}

pub async fn record(conn: &mut AnyConnection, e: &NewAuditEntry<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_kind, actor, customer_id, address, request_id, action, target, outcome, \
         detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(e.at)
    .bind(e.actor_kind)
    .bind(e.actor)
    .bind(e.customer_id)
    .bind(e.address)
    .bind(e.request_id)
    .bind(e.action)
    .bind(e.target)
    .bind(e.outcome)
    .bind(e.detail)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub audit_log_id: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor: String,
    pub customer_code: Option<String>,
    pub address: Option<String>,
    pub request_id: Option<String>,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this customer's entries (a seller reading its own trail).
    pub customer_id: Option<i64>,
    pub actor: Option<String>,
    /// An action, or a prefix ending in `.` (`webhook.`).
    pub action: Option<String>,
    pub target: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
}

pub async fn list(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<(Vec<AuditRow>, i64), StoreError> {
    let mut f = Filter::default();
    if let Some(id) = filter.customer_id {
        f.and("a.customer_id = ?", [Arg::Int(id)]);
    }
    if let Some(actor) = &filter.actor {
        f.and("a.actor = ?", [Arg::Text(actor.clone())]);
    }
    match filter.action.as_deref() {
        Some(prefix) if prefix.ends_with('.') => {
            f.and("a.action LIKE ?", [Arg::Text(format!("{prefix}%"))]);
        }
        Some(action) => {
            f.and("a.action = ?", [Arg::Text(action.to_owned())]);
        }
        None => {}
    }
    if let Some(target) = &filter.target {
        f.and("a.target = ?", [Arg::Text(target.clone())]);
    }
    if let Some(t) = filter.from {
        f.and("a.at >= ?", [Arg::Int(t)]);
    }
    if let Some(t) = filter.to {
        f.and("a.at < ?", [Arg::Int(t)]);
    }
    f.page(
        conn,
        "a.audit_log_id, a.at, a.actor_kind, a.actor, c.code AS customer_code, a.address, a.request_id, a.action, \
         a.target, a.outcome, a.detail",
        "audit_log a LEFT JOIN customer c ON c.customer_id = a.customer_id",
        "a.audit_log_id DESC",
        page,
    )
    .await
}

/// A failure counter as stored.
#[derive(Debug, Clone, FromRow)]
pub struct FailureRow {
    #[sqlx(try_from = "String")]
    pub scope: FailureScope,
    pub subject: String,
    pub failures: i64,
    pub last_failure_at: i64,
}

/// The counters of these `(scope, subject)` pairs that exist.
pub async fn failures(
    conn: &mut AnyConnection,
    keys: &[(FailureScope, String)],
) -> Result<Vec<FailureRow>, StoreError> {
    let mut rows = Vec::with_capacity(keys.len());
    for (scope, subject) in keys {
        let row: Option<FailureRow> = sqlx::query_as(
            "SELECT scope, subject, failures, last_failure_at FROM auth_failure WHERE scope = $1 AND subject = $2",
        )
        .bind(scope.as_str())
        .bind(subject)
        .fetch_optional(&mut *conn)
        .await?;
        rows.extend(row);
    }
    Ok(rows)
}

/// Counts one failure; a counter last touched before `stale_before`
/// starts again at 1.
pub async fn count_failure(
    conn: &mut AnyConnection,
    scope: FailureScope,
    subject: &str,
    now: i64,
    stale_before: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO auth_failure (scope, subject, failures, last_failure_at) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (scope, subject) DO UPDATE SET \
         failures = CASE WHEN auth_failure.last_failure_at < $4 THEN 1 ELSE auth_failure.failures + 1 END, \
         last_failure_at = $3",
    )
    .bind(scope.as_str())
    .bind(subject)
    .bind(now)
    .bind(stale_before)
    .execute(conn)
    .await?;
    Ok(())
}

/// Clears counters (an account's after a success).
pub async fn clear_failures(conn: &mut AnyConnection, keys: &[(FailureScope, String)]) -> Result<(), StoreError> {
    for (scope, subject) in keys {
        sqlx::query("DELETE FROM auth_failure WHERE scope = $1 AND subject = $2")
            .bind(scope.as_str())
            .bind(subject)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
