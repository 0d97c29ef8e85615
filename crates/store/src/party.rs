//! Customers, their API apps, staff users and bearer tokens.

use haicang_core::staff::StaffRole;
use haicang_core::status::AccountStatus;
use haicang_core::text::Maybe;
use sqlx::{AnyConnection, FromRow};

use crate::StoreError;

#[derive(Debug, Clone, FromRow)]
pub struct CustomerRow {
    pub customer_id: i64,
    pub code: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
}

#[derive(Debug, Clone, FromRow)]
pub struct AppRow {
    pub app_id: i64,
    pub customer_id: i64,
    pub client_id: String,
    pub secret_hash: String,
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
    pub customer_code: String,
    #[sqlx(try_from = "String")]
    pub customer_status: AccountStatus,
}

#[derive(Debug, Clone, FromRow)]
pub struct StaffRow {
    pub staff_id: i64,
    pub username: String,
    pub name: String,
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: StaffRole,
    #[sqlx(try_from = "String")]
    pub status: AccountStatus,
}

/// A token as found by its hash, with who it speaks for.
#[derive(Debug, Clone, FromRow)]
pub struct TokenRow {
    pub auth_token_id: i64,
    pub kind: String,
    pub app_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub family: String,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub customer_code: Option<String>,
    #[sqlx(try_from = "Option<String>")]
    pub customer_status: Maybe<AccountStatus>,
    pub staff_username: Option<String>,
    #[sqlx(try_from = "Option<String>")]
    pub staff_role: Maybe<StaffRole>,
    #[sqlx(try_from = "Option<String>")]
    pub staff_status: Maybe<AccountStatus>,
    pub app_client_id: Option<String>,
    #[sqlx(try_from = "Option<String>")]
    pub app_status: Maybe<AccountStatus>,
}

pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub kind: &'a str,
    pub app_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub family: &'a str,
    pub expires_at: i64,
    pub now: i64,
}

pub async fn insert_customer(conn: &mut AnyConnection, code: &str, name: &str, now: i64) -> Result<i64, StoreError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO customer (code, name, status, created_at, updated_at) VALUES ($1, $2, 'ACTIVE', $3, $3) \
         RETURNING customer_id",
    )
    .bind(code)
    .bind(name)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn find_customer(conn: &mut AnyConnection, code: &str) -> Result<Option<CustomerRow>, StoreError> {
    Ok(sqlx::query_as("SELECT customer_id, code, name, status FROM customer WHERE code = $1")
        .bind(code)
        .fetch_optional(conn)
        .await?)
}

pub async fn count_customers(conn: &mut AnyConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM customer").fetch_one(conn).await?)
}

pub async fn insert_app(
    conn: &mut AnyConnection,
    customer_id: i64,
    client_id: &str,
    secret_hash: &str,
    name: &str,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO app (customer_id, client_id, secret_hash, name, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'ACTIVE', $5, $5) RETURNING app_id",
    )
    .bind(customer_id)
    .bind(client_id)
    .bind(secret_hash)
    .bind(name)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn find_app(conn: &mut AnyConnection, client_id: &str) -> Result<Option<AppRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT a.app_id, a.customer_id, a.client_id, a.secret_hash, a.status, c.code AS customer_code, \
         c.status AS customer_status FROM app a JOIN customer c ON c.customer_id = a.customer_id \
         WHERE a.client_id = $1",
    )
    .bind(client_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn insert_staff(
    conn: &mut AnyConnection,
    username: &str,
    name: &str,
    password_hash: &str,
    role: StaffRole,
    now: i64,
) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO staff (username, name, password_hash, role, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'ACTIVE', $5, $5) RETURNING staff_id",
    )
    .bind(username)
    .bind(name)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(now)
    .fetch_one(conn)
    .await?)
}

pub async fn find_staff(conn: &mut AnyConnection, username: &str) -> Result<Option<StaffRow>, StoreError> {
    Ok(sqlx::query_as("SELECT staff_id, username, name, password_hash, role, status FROM staff WHERE username = $1")
        .bind(username)
        .fetch_optional(conn)
        .await?)
}

pub async fn insert_token(conn: &mut AnyConnection, t: NewToken<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO auth_token (token_hash, kind, app_id, customer_id, staff_id, family, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(t.token_hash)
    .bind(t.kind)
    .bind(t.app_id)
    .bind(t.customer_id)
    .bind(t.staff_id)
    .bind(t.family)
    .bind(t.expires_at)
    .bind(t.now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_token(conn: &mut AnyConnection, token_hash: &str) -> Result<Option<TokenRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT t.auth_token_id, t.kind, t.app_id, t.customer_id, t.staff_id, t.family, t.expires_at, t.revoked_at, \
         c.code AS customer_code, c.status AS customer_status, s.username AS staff_username, s.role AS staff_role, \
         s.status AS staff_status, a.client_id AS app_client_id, a.status AS app_status \
         FROM auth_token t LEFT JOIN customer c ON c.customer_id = t.customer_id \
         LEFT JOIN staff s ON s.staff_id = t.staff_id LEFT JOIN app a ON a.app_id = t.app_id \
         WHERE t.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// Revokes one token; false when it was already revoked (a concurrent
/// refresh won the race).
pub async fn revoke_token(conn: &mut AnyConnection, auth_token_id: i64, now: i64) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE auth_token SET revoked_at = $1 WHERE auth_token_id = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(auth_token_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn revoke_family(conn: &mut AnyConnection, family: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE auth_token SET revoked_at = $1 WHERE family = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(family)
        .execute(conn)
        .await?;
    Ok(())
}

/// An app's request policy: (rate limit per minute, IP allowlist, signing
/// required, signing key).
pub async fn app_policy(
    conn: &mut AnyConnection,
    app_id: i64,
) -> Result<Option<(i64, Option<String>, i64, Option<String>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT rate_limit_per_minute, ip_allowlist, signing_required, signing_key FROM app WHERE app_id = $1",
    )
    .bind(app_id)
    .fetch_optional(conn)
    .await?)
}

pub async fn set_app_policy(
    conn: &mut AnyConnection,
    client_id: &str,
    rate_limit_per_minute: i64,
    ip_allowlist: Option<&str>,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE app SET rate_limit_per_minute = $1, ip_allowlist = $2 WHERE client_id = $3")
        .bind(rate_limit_per_minute)
        .bind(ip_allowlist)
        .bind(client_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_signing_key(conn: &mut AnyConnection, client_id: &str, key: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE app SET signing_key = $1 WHERE client_id = $2").bind(key).bind(client_id).execute(conn).await?;
    Ok(())
}

pub async fn set_signing_required(
    conn: &mut AnyConnection,
    client_id: &str,
    required: bool,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE app SET signing_required = $1 WHERE client_id = $2")
        .bind(i64::from(required))
        .bind(client_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn forget_nonces_before(conn: &mut AnyConnection, before: i64) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM request_nonce WHERE seen_at < $1").bind(before).execute(conn).await?;
    Ok(())
}

/// True when the nonce is new for the app.
pub async fn insert_nonce(conn: &mut AnyConnection, app_id: i64, nonce: &str, now: i64) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "INSERT INTO request_nonce (app_id, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT (app_id, nonce) DO NOTHING",
    )
    .bind(app_id)
    .bind(nonce)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The two kinds of party ↔ warehouse rows: a staff member's limits and a
/// customer's grants. Same shape, so one pair of statements serves both.
#[derive(Debug, Clone, Copy)]
enum WarehouseLink {
    Staff,
    Customer,
}

impl WarehouseLink {
    /// (table, owner column): constants, never input.
    fn table(self) -> (&'static str, &'static str) {
        match self {
            WarehouseLink::Staff => ("staff_warehouse", "staff_id"),
            WarehouseLink::Customer => ("customer_warehouse", "customer_id"),
        }
    }

    async fn add(self, conn: &mut AnyConnection, owner_id: i64, warehouse_id: i64, now: i64) -> Result<(), StoreError> {
        let (table, owner) = self.table();
        sqlx::query(&format!(
            "INSERT INTO {table} ({owner}, warehouse_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT ({owner}, warehouse_id) DO NOTHING"
        ))
        .bind(owner_id)
        .bind(warehouse_id)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(())
    }

    async fn ids(self, conn: &mut AnyConnection, owner_id: i64) -> Result<Vec<i64>, StoreError> {
        let (table, owner) = self.table();
        Ok(sqlx::query_scalar(&format!("SELECT warehouse_id FROM {table} WHERE {owner} = $1 ORDER BY warehouse_id"))
            .bind(owner_id)
            .fetch_all(conn)
            .await?)
    }
}

/// Limits a staff member to a warehouse (rows present: only those).
pub async fn add_staff_warehouse(
    conn: &mut AnyConnection,
    staff_id: i64,
    warehouse_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    WarehouseLink::Staff.add(conn, staff_id, warehouse_id, now).await
}

/// The warehouses a staff member is limited to; empty: all.
pub async fn staff_warehouse_ids(conn: &mut AnyConnection, staff_id: i64) -> Result<Vec<i64>, StoreError> {
    WarehouseLink::Staff.ids(conn, staff_id).await
}

/// Grants a customer a warehouse; granting twice is one grant.
pub async fn grant_warehouse(
    conn: &mut AnyConnection,
    customer_id: i64,
    warehouse_id: i64,
    now: i64,
) -> Result<(), StoreError> {
    WarehouseLink::Customer.add(conn, customer_id, warehouse_id, now).await
}

/// The warehouses a customer was granted.
pub async fn customer_warehouse_ids(conn: &mut AnyConnection, customer_id: i64) -> Result<Vec<i64>, StoreError> {
    WarehouseLink::Customer.ids(conn, customer_id).await
}

/// Sets a staff member's status; their id, or `None` when there is no
/// such username.
pub async fn set_staff_status(
    conn: &mut AnyConnection,
    username: &str,
    status: AccountStatus,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar("UPDATE staff SET status = $1, updated_at = $2 WHERE username = $3 RETURNING staff_id")
        .bind(status.as_str())
        .bind(now)
        .bind(username)
        .fetch_optional(conn)
        .await?)
}

/// Sets an app's status.
pub async fn set_app_status(
    conn: &mut AnyConnection,
    app_id: i64,
    status: AccountStatus,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE app SET status = $1, updated_at = $2 WHERE app_id = $3")
        .bind(status.as_str())
        .bind(now)
        .bind(app_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Stores an app's sealed secret (`app::secrets`).
pub async fn set_app_secret_sealed(conn: &mut AnyConnection, client_id: &str, sealed: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE app SET secret_sealed = $1 WHERE client_id = $2")
        .bind(sealed)
        .bind(client_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// An app's sealed secret, if it has one.
pub async fn app_secret_sealed(conn: &mut AnyConnection, client_id: &str) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar::<_, Option<String>>("SELECT secret_sealed FROM app WHERE client_id = $1")
        .bind(client_id)
        .fetch_optional(conn)
        .await?
        .flatten())
}

/// Every sealed app secret: (client id, sealed), for a server key rotation.
pub async fn sealed_app_secrets(conn: &mut AnyConnection) -> Result<Vec<(String, String)>, StoreError> {
    Ok(sqlx::query_as("SELECT client_id, secret_sealed FROM app WHERE secret_sealed IS NOT NULL ORDER BY client_id")
        .fetch_all(conn)
        .await?)
}

/// Replaces an app's secret (its hash).
pub async fn set_app_secret(
    conn: &mut AnyConnection,
    app_id: i64,
    secret_hash: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE app SET secret_hash = $1, updated_at = $2 WHERE app_id = $3")
        .bind(secret_hash)
        .bind(now)
        .bind(app_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whose tokens a revocation covers.
#[derive(Debug, Clone, Copy)]
pub enum TokenHolder {
    Staff(i64),
    App(i64),
}

impl TokenHolder {
    fn clause(self) -> (&'static str, i64) {
        match self {
            TokenHolder::Staff(id) => ("staff_id", id),
            TokenHolder::App(id) => ("app_id", id),
        }
    }
}

/// Revokes every live token of a holder; how many.
pub async fn revoke_tokens_of(conn: &mut AnyConnection, holder: TokenHolder, now: i64) -> Result<u64, StoreError> {
    let (column, id) = holder.clause();
    let done =
        sqlx::query(&format!("UPDATE auth_token SET revoked_at = $1 WHERE {column} = $2 AND revoked_at IS NULL"))
            .bind(now)
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}

/// Makes every live token of a holder expire by `until` at the latest (a
/// rotated secret's grace period); how many were shortened.
pub async fn expire_tokens_of(conn: &mut AnyConnection, holder: TokenHolder, until: i64) -> Result<u64, StoreError> {
    let (column, id) = holder.clause();
    let done = sqlx::query(&format!(
        "UPDATE auth_token SET expires_at = $1 WHERE {column} = $2 AND revoked_at IS NULL AND expires_at > $1"
    ))
    .bind(until)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A staff member as the admin screen lists them: the warehouses they may
/// work in as codes (empty: every warehouse).
#[derive(Debug, Clone, FromRow)]
pub struct StaffListRow {
    pub username: String,
    pub name: String,
    pub role: String,
    pub status: String,
    pub warehouses: String,
}

/// `(username, …)` of every staff member; warehouse codes joined by spaces.
pub async fn list_staff(conn: &mut AnyConnection) -> Result<Vec<StaffListRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT s.username, s.name, s.role, s.status, \
         COALESCE((SELECT STRING_AGG(w.code, ' ') FROM staff_warehouse sw JOIN warehouse w ON w.warehouse_id = sw.warehouse_id \
         WHERE sw.staff_id = s.staff_id), '') AS warehouses FROM staff s ORDER BY s.username",
    )
    .fetch_all(conn)
    .await?)
}

/// A customer with the warehouses granted to it and its apps.
#[derive(Debug, Clone, FromRow)]
pub struct CustomerListRow {
    pub code: String,
    pub name: String,
    pub status: String,
    pub warehouses: String,
    pub apps: String,
}

pub async fn list_customers(conn: &mut AnyConnection) -> Result<Vec<CustomerListRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT c.code, c.name, c.status, \
         COALESCE((SELECT STRING_AGG(w.code, ' ') FROM customer_warehouse cw JOIN warehouse w ON w.warehouse_id = cw.warehouse_id \
         WHERE cw.customer_id = c.customer_id), '') AS warehouses, \
         COALESCE((SELECT STRING_AGG(a.client_id || ':' || a.status, ' ') FROM app a WHERE a.customer_id = c.customer_id), '') AS apps \
         FROM customer c ORDER BY c.code",
    )
    .fetch_all(conn)
    .await?)
}

/// A customer's apps: `(client id, name, status)`, oldest first.
pub async fn apps_of(conn: &mut AnyConnection, customer_id: i64) -> Result<Vec<(String, String, String)>, StoreError> {
    Ok(sqlx::query_as("SELECT client_id, name, status FROM app WHERE customer_id = $1 ORDER BY app_id")
        .bind(customer_id)
        .fetch_all(conn)
        .await?)
}
