//! Seller users, the authorisation tokens they give ERPs, and the one-time
//! OAuth keys a dialect's authorisation answers (all secrets as SHA-256).

use sqlx::{AnyConnection, FromRow};

use crate::StoreError;

#[derive(Debug, Clone, FromRow)]
pub struct SellerUserRow {
    pub seller_user_id: i64,
    pub customer_id: i64,
    pub customer_code: String,
    pub email: String,
    pub status: String,
    pub customer_status: String,
    /// None: no portal sign-in set.
    pub password_hash: Option<String>,
    /// OWNER or STAFF within the customer.
    pub role: String,
}

const SELECT_USER: &str = "SELECT u.seller_user_id, u.customer_id, c.code AS customer_code, u.email, u.status, \
     c.status AS customer_status, u.password_hash, u.role FROM seller_user u JOIN customer c ON c.customer_id = u.customer_id";

/// Sets a seller user's portal password (argon2 hash) and role.
pub async fn set_password(
    conn: &mut AnyConnection,
    seller_user_id: i64,
    hash: &str,
    role: &str,
) -> Result<bool, StoreError> {
    let done = sqlx::query("UPDATE seller_user SET password_hash = $1, role = $2 WHERE seller_user_id = $3")
        .bind(hash)
        .bind(role)
        .bind(seller_user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_user(conn: &mut AnyConnection, customer_id: i64, email: &str, now: i64) -> Result<i64, StoreError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO seller_user (customer_id, email, created_at) VALUES ($1, $2, $3) RETURNING seller_user_id",
    )
    .bind(customer_id)
    .bind(email)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// By email (stored lower case).
pub async fn find_user(conn: &mut AnyConnection, email: &str) -> Result<Option<SellerUserRow>, StoreError> {
    Ok(sqlx::query_as(&format!("{SELECT_USER} WHERE u.email = $1")).bind(email).fetch_optional(conn).await?)
}

pub async fn user_by_id(conn: &mut AnyConnection, seller_user_id: i64) -> Result<Option<SellerUserRow>, StoreError> {
    Ok(sqlx::query_as(&format!("{SELECT_USER} WHERE u.seller_user_id = $1"))
        .bind(seller_user_id)
        .fetch_optional(conn)
        .await?)
}

pub async fn insert_grant(
    conn: &mut AnyConnection,
    seller_user_id: i64,
    token_hash: &str,
    reusable: bool,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO seller_grant (seller_user_id, token_hash, reusable, created_at) VALUES ($1, $2, $3, $4)")
        .bind(seller_user_id)
        .bind(token_hash)
        .bind(i32::from(reusable))
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Uses up a grant of this user: true when it was reusable or unused (a
/// single-use grant is marked in the same statement, so two racing
/// authorisations cannot both use it).
pub async fn use_grant(
    conn: &mut AnyConnection,
    seller_user_id: i64,
    token_hash: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE seller_grant SET used_at = $1 WHERE seller_user_id = $2 AND token_hash = $3 \
         AND (reusable = 1 OR used_at IS NULL)",
    )
    .bind(now)
    .bind(seller_user_id)
    .bind(token_hash)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_key(
    conn: &mut AnyConnection,
    key_hash: &str,
    app_id: i64,
    seller_user_id: i64,
    expires_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO oauth_key (key_hash, app_id, seller_user_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(key_hash)
    .bind(app_id)
    .bind(seller_user_id)
    .bind(expires_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Exchanges a one-time key of `app_id`: the seller user it was issued
/// for, or None when unknown, of another app, expired or used.
pub async fn take_key(
    conn: &mut AnyConnection,
    key_hash: &str,
    app_id: i64,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE oauth_key SET used_at = $1 WHERE key_hash = $2 AND app_id = $3 AND used_at IS NULL \
         AND expires_at > $1 RETURNING seller_user_id",
    )
    .bind(now)
    .bind(key_hash)
    .bind(app_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// The customer's first seller user (JF webhooks name one as `userId`).
pub async fn first_user_of(conn: &mut AnyConnection, customer_id: i64) -> Result<Option<i64>, StoreError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT seller_user_id FROM seller_user WHERE customer_id = $1 AND status = 'ACTIVE' \
         ORDER BY seller_user_id LIMIT 1",
    )
    .bind(customer_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| r.0))
}

/// A customer's seller users: `(email, role, status)`.
pub async fn users_of(conn: &mut AnyConnection, customer_id: i64) -> Result<Vec<(String, String, String)>, StoreError> {
    Ok(sqlx::query_as("SELECT email, role, status FROM seller_user WHERE customer_id = $1 ORDER BY email")
        .bind(customer_id)
        .fetch_all(conn)
        .await?)
}
