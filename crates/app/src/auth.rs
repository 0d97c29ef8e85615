//! Credentials and bearer tokens.
//!
//! Secrets and passwords are stored as argon2 hashes; tokens are 256 random
//! bits handed out once and stored as SHA-256 (a fast hash is enough for
//! values nobody can guess). Access tokens live 24 hours; refresh tokens
//! 30 days and rotate: each use revokes the token and issues a new pair in
//! the same family, and presenting a revoked refresh token again revokes
//! the whole family, since only a thief would hold it.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};

use serde_json::json;

use haicang_core::status::AccountStatus;
use haicang_core::throttle::FailureScope;
use haicang_store::audit as failures;
use haicang_store::party::{self, NewToken, TokenRow};

use crate::audit::{self, Actor, Origin, Outcome, action};
use crate::{App, AppError, CustomerPrincipal, Principal, StaffPrincipal, WarehouseScope, now_ms};

/// How long tokens live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetimes {
    pub access_seconds: i64,
    pub refresh_seconds: i64,
}

impl Default for TokenLifetimes {
    fn default() -> Self {
        TokenLifetimes { access_seconds: 24 * 3600, refresh_seconds: 30 * 24 * 3600 }
    }
}
/// A JF dialect session: its refresh token lives a year (the JF document:
/// "refreshToken为长效token(有效期1年以上)"); its family is marked so a
/// rotation keeps that lifetime.
pub(crate) const JF_FAMILY_PREFIX: &str = "JF:";

impl TokenLifetimes {
    fn of_family(self, family: &str) -> TokenLifetimes {
        if family.starts_with(JF_FAMILY_PREFIX) {
            TokenLifetimes { refresh_seconds: self.refresh_seconds.max(366 * 24 * 3600), ..self }
        } else {
            self
        }
    }
}

mod dialect_oauth;
mod portal;
pub use dialect_oauth::{DialectSession, OAUTH_KEY_TTL_MS};
pub use portal::SellerSession;

const ACCESS: &str = "ACCESS";
const REFRESH: &str = "REFRESH";

/// What a successful login answers.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub refresh_expires_in: i64,
}

pub fn hash_secret(secret: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::InvalidParam { field: "secret", reason: e.to_string() })
}

/// Constant-time comparison inside argon2's verifier. Argon2 is meant to
/// be slow, so it runs on the blocking pool, not on a request thread.
async fn verify_secret(secret: &str, hash: &str) -> bool {
    let (secret, hash) = (secret.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| Argon2::default().verify_password(secret.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that the
/// answer takes as long as for a real account (no user enumeration by time).
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_secret("no such account").unwrap_or_default())
}

/// 256 random bits, hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Who a new token pair speaks for.
#[derive(Clone, Copy)]
enum Holder {
    Customer { customer_id: i64, app_id: Option<i64> },
    Staff { staff_id: i64 },
}

/// One credential check: the account it claims and where it comes from.
struct Attempt<'a> {
    /// `staff:<username>`, `app:<client id>` or `refresh`.
    account: String,
    origin: &'a Origin,
}

/// A refresh token names no account before it is found: its failures
/// count against the address only (an account-wide "refresh" counter
/// would let anyone lock everybody's refreshes).
const REFRESH_ACCOUNT: &str = "refresh";

impl Attempt<'_> {
    fn counters(&self) -> Vec<(FailureScope, String)> {
        let scopes =
            FailureScope::ALL.iter().filter(|s| self.account != REFRESH_ACCOUNT || **s == FailureScope::Address);
        self.subjects(scopes)
    }

    /// The account's own counters (cleared by a success).
    fn account_counters(&self) -> Vec<(FailureScope, String)> {
        self.subjects(&[FailureScope::AccountAddress, FailureScope::Account])
    }

    fn subjects<'s>(&self, scopes: impl IntoIterator<Item = &'s FailureScope>) -> Vec<(FailureScope, String)> {
        let address = self.origin.address_text();
        scopes.into_iter().map(|scope| (*scope, scope.subject(&self.account, &address))).collect()
    }
}

impl App {
    /// Refuses an attempt while its account, its address or the pair must
    /// wait (before any password hash is computed).
    async fn check_throttle(&self, attempt: &Attempt<'_>) -> Result<(), AppError> {
        let now = now_ms();
        let rows = failures::failures(&mut *self.store.read().await?, &attempt.counters()).await?;
        let until =
            rows.iter().filter_map(|row| row.scope.limit().blocked_until(row.failures, row.last_failure_at, now)).max();
        match until {
            Some(until) => Err(AppError::Throttled { retry_after_s: ((until - now) + 999) / 1000 }),
            None => Ok(()),
        }
    }

    /// Counts a failed check on every counter and records it in the trail,
    /// in one transaction; answers `error`.
    async fn failed<T>(
        &self,
        attempt: &Attempt<'_>,
        audit_action: &str,
        customer_id: Option<i64>,
        error: AppError,
    ) -> Result<T, AppError> {
        let counted = self
            .retrying(|| async {
                let now = now_ms();
                let mut tx = self.store.begin_write().await?;
                for (scope, subject) in attempt.counters() {
                    let stale_before = now - scope.limit().forget_after_ms;
                    failures::count_failure(tx.conn(), scope, &subject, now, stale_before).await?;
                }
                let actor = Actor::claiming(&attempt.account, customer_id, attempt.origin);
                let detail = json!({"error": error.to_string()});
                audit::record(tx.conn(), &actor, audit_action, &attempt.account, Outcome::Failure, detail).await?;
                tx.commit().await?;
                Ok(())
            })
            .await;
        counted.and(Err(error))
    }

    /// `POST /auth/token`: an app's id and secret for a token pair.
    pub async fn issue_token(&self, client_id: &str, secret: &str, origin: &Origin) -> Result<TokenPair, AppError> {
        if client_id.is_empty() {
            return Err(AppError::ClientIdRequired);
        }
        if secret.is_empty() {
            return Err(AppError::ClientSecretRequired);
        }
        let attempt = Attempt { account: format!("app:{client_id}"), origin };
        let app = self.checked_app(&attempt, client_id, secret, action::APP_TOKEN).await?;
        let holder = Holder::Customer { customer_id: app.customer_id, app_id: Some(app.app_id) };
        let actor = Actor::identified("APP", client_id, Some(app.customer_id), origin);
        self.retrying(|| self.new_pair(holder, random_token(), &attempt, &actor, action::APP_TOKEN)).await
    }

    /// An app whose secret is `secret` and which may act (it and its
    /// customer active); a failure counts against the attempt.
    async fn checked_app(
        &self,
        attempt: &Attempt<'_>,
        client_id: &str,
        secret: &str,
        audit_action: &str,
    ) -> Result<party::AppRow, AppError> {
        self.check_throttle(attempt).await?;
        let app = party::find_app(&mut *self.store.read().await?, client_id).await?;
        let hash = app.as_ref().map(|a| a.secret_hash.as_str()).unwrap_or_else(|| dummy_hash());
        let verified = verify_secret(secret, hash).await;
        let customer_id = app.as_ref().map(|a| a.customer_id);
        let Some(app) = app.filter(|_| verified) else {
            return self.failed(attempt, audit_action, customer_id, AppError::InvalidClient).await;
        };
        if app.status != AccountStatus::Active || app.customer_status != AccountStatus::Active {
            return self.failed(attempt, audit_action, customer_id, AppError::AccountDisabled).await;
        }
        Ok(app)
    }

    /// `POST /staff/login`.
    pub async fn staff_login(&self, username: &str, password: &str, origin: &Origin) -> Result<TokenPair, AppError> {
        if username.is_empty() {
            return Err(AppError::MissingParam { field: "username" });
        }
        if password.is_empty() {
            return Err(AppError::MissingParam { field: "password" });
        }
        let attempt = Attempt { account: format!("staff:{username}"), origin };
        self.check_throttle(&attempt).await?;
        let staff = party::find_staff(&mut *self.store.read().await?, username).await?;
        let hash = staff.as_ref().map(|s| s.password_hash.as_str()).unwrap_or_else(|| dummy_hash());
        let verified = verify_secret(password, hash).await;
        let Some(staff) = staff.filter(|_| verified) else {
            return self.failed(&attempt, action::STAFF_LOGIN, None, AppError::WrongCredentials).await;
        };
        if staff.status != AccountStatus::Active {
            return self.failed(&attempt, action::STAFF_LOGIN, None, AppError::AccountDisabled).await;
        }
        let actor = Actor::identified("STAFF", username, None, origin);
        let holder = Holder::Staff { staff_id: staff.staff_id };
        self.retrying(|| self.new_pair(holder, random_token(), &attempt, &actor, action::STAFF_LOGIN)).await
    }

    /// `POST /auth/logout`: revokes the caller's token family (the access
    /// token and the refresh token issued with it, and their successors).
    pub async fn logout(&self, access_token: &str, origin: &Origin) -> Result<(), AppError> {
        let principal = self.authenticate(access_token).await?;
        self.retrying(|| async {
            let now = now_ms();
            let mut tx = self.store.begin_write().await?;
            let row =
                party::find_token(tx.conn(), &token_hash(access_token)).await?.ok_or(AppError::InvalidAccessToken)?;
            party::revoke_family(tx.conn(), &row.family, now).await?;
            // The caller as the extractors would name it, from here.
            let (staff, customer);
            let actor = match &principal {
                Principal::Staff(s) => {
                    staff = StaffPrincipal { origin: origin.clone(), ..s.clone() };
                    Actor::staff(&staff)
                }
                Principal::Customer(c) => {
                    customer = CustomerPrincipal { origin: origin.clone(), ..c.clone() };
                    Actor::customer(&customer).for_customer(c.customer_id)
                }
            };
            let family: String = row.family.chars().take(8).collect();
            audit::record(tx.conn(), &actor, action::LOGOUT, &family, Outcome::Success, json!({})).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// A new token pair after a successful login: the account's failure
    /// counters cleared and the login in the trail, in one transaction.
    async fn new_pair(
        &self,
        holder: Holder,
        family: String,
        attempt: &Attempt<'_>,
        actor: &Actor<'_>,
        audit_action: &str,
    ) -> Result<TokenPair, AppError> {
        let mut tx = self.store.begin_write().await?;
        let pair = self.write_pair(&mut tx, holder, &family).await?;
        failures::clear_failures(tx.conn(), &attempt.account_counters()).await?;
        audit::record(tx.conn(), actor, audit_action, &attempt.account, Outcome::Success, json!({})).await?;
        tx.commit().await?;
        Ok(pair)
    }

    async fn write_pair(
        &self,
        tx: &mut haicang_store::WriteTx,
        holder: Holder,
        family: &str,
    ) -> Result<TokenPair, AppError> {
        let now = now_ms();
        let (customer_id, app_id, staff_id) = match holder {
            Holder::Customer { customer_id, app_id } => (Some(customer_id), app_id, None),
            Holder::Staff { staff_id } => (None, None, Some(staff_id)),
        };
        let access_token = random_token();
        let refresh_token = random_token();
        let lifetimes = self.token_lifetimes.of_family(family);
        for (token, kind, seconds) in
            [(&access_token, ACCESS, lifetimes.access_seconds), (&refresh_token, REFRESH, lifetimes.refresh_seconds)]
        {
            let hash = token_hash(token);
            let t = NewToken {
                token_hash: &hash,
                kind,
                app_id,
                customer_id,
                staff_id,
                family,
                expires_at: now + seconds * 1000,
                now,
            };
            party::insert_token(tx.conn(), t).await?;
        }
        Ok(TokenPair {
            access_token,
            refresh_token,
            expires_in: lifetimes.access_seconds,
            refresh_expires_in: lifetimes.refresh_seconds,
        })
    }

    /// `POST /auth/refresh`: rotates a refresh token. Failures count
    /// against the address like failed logins (a refresh token is a
    /// credential too).
    pub async fn refresh(&self, refresh_token: &str, origin: &Origin) -> Result<TokenPair, AppError> {
        if refresh_token.is_empty() {
            return Err(AppError::RefreshTokenRequired);
        }
        let attempt = Attempt { account: REFRESH_ACCOUNT.into(), origin };
        self.check_throttle(&attempt).await?;
        let hash = token_hash(refresh_token);
        match self.retrying(|| self.refresh_once(&hash, origin)).await {
            Err(e @ (AppError::InvalidRefreshToken | AppError::AccountDisabled)) => {
                self.failed(&attempt, action::TOKEN_REFRESH, None, e).await
            }
            other => other,
        }
    }

    /// A refresh that names the pair's access token too (Suoen's
    /// RefreshToken takes both): the access token — expired or not — must
    /// be of the refresh token's family.
    pub async fn refresh_pair(
        &self,
        access_token: &str,
        refresh_token: &str,
        origin: &Origin,
    ) -> Result<TokenPair, AppError> {
        if access_token.is_empty() {
            return Err(AppError::AccessTokenRequired);
        }
        let (access, refresh) = {
            let mut conn = self.store.read().await?;
            let access = party::find_token(&mut conn, &token_hash(access_token)).await?;
            (access, party::find_token(&mut conn, &token_hash(refresh_token)).await?)
        };
        let same_family = matches!((&access, &refresh), (Some(a), Some(r)) if a.kind == ACCESS && a.family == r.family);
        if !refresh_token.is_empty() && refresh.is_some() && !same_family {
            return Err(AppError::InvalidRefreshToken);
        }
        self.refresh(refresh_token, origin).await
    }

    async fn refresh_once(&self, hash: &str, origin: &Origin) -> Result<TokenPair, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let row = party::find_token(tx.conn(), hash).await?.ok_or(AppError::InvalidRefreshToken)?;
        if row.kind != REFRESH {
            return Err(AppError::InvalidRefreshToken);
        }
        if row.revoked_at.is_some() {
            // Reuse of a rotated token: whoever holds the family is suspect.
            party::revoke_family(tx.conn(), &row.family, now).await?;
            tx.commit().await?;
            return Err(AppError::InvalidRefreshToken);
        }
        if row.expires_at <= now {
            return Err(AppError::InvalidRefreshToken);
        }
        if !party::revoke_token(tx.conn(), row.auth_token_id, now).await? {
            return Err(AppError::InvalidRefreshToken);
        }
        check_holder_active(&row)?;
        let holder = match (row.customer_id, row.staff_id) {
            (Some(customer_id), _) => Holder::Customer { customer_id, app_id: row.app_id },
            (None, Some(staff_id)) => Holder::Staff { staff_id },
            (None, None) => return Err(AppError::InvalidRefreshToken),
        };
        let pair = self.write_pair(&mut tx, holder, &row.family).await?;
        let actor = match (&row.staff_username, &row.app_client_id) {
            (Some(username), _) => Actor::identified("STAFF", username, None, origin),
            (None, Some(client_id)) => Actor::identified("APP", client_id, row.customer_id, origin),
            (None, None) => {
                Actor::identified("CUSTOMER", row.customer_code.as_deref().unwrap_or(""), row.customer_id, origin)
            }
        };
        let family: String = row.family.chars().take(8).collect();
        audit::record(tx.conn(), &actor, action::TOKEN_REFRESH, &family, Outcome::Success, json!({})).await?;
        tx.commit().await?;
        Ok(pair)
    }

    /// Resolves a bearer access token to its principal.
    pub async fn authenticate(&self, access_token: &str) -> Result<Principal, AppError> {
        Ok(self.authenticate_in_family(access_token).await?.0)
    }

    /// The principal and the token's family (which names, for a portal or
    /// JF session, the seller user it acts for), from one look-up.
    async fn authenticate_in_family(&self, access_token: &str) -> Result<(Principal, String), AppError> {
        if access_token.is_empty() {
            return Err(AppError::AccessTokenRequired);
        }
        let row = party::find_token(&mut *self.store.read().await?, &token_hash(access_token))
            .await?
            .ok_or(AppError::InvalidAccessToken)?;
        if row.kind != ACCESS || row.revoked_at.is_some() {
            return Err(AppError::InvalidAccessToken);
        }
        if row.expires_at <= now_ms() {
            return Err(AppError::AccessTokenExpired);
        }
        check_holder_active(&row)?;
        let principal = match (row.customer_id, row.customer_code, row.staff_id, row.staff_username, row.staff_role.0) {
            (Some(customer_id), Some(customer_code), _, _, _) => Principal::Customer(CustomerPrincipal {
                customer_id,
                customer_code,
                app_id: row.app_id,
                client_id: row.app_client_id,
                origin: Origin::default(),
            }),
            (None, _, Some(staff_id), Some(username), Some(role)) => {
                let ids = party::staff_warehouse_ids(&mut *self.store.read().await?, staff_id).await?;
                let warehouses = WarehouseScope::from_ids(ids);
                Principal::Staff(StaffPrincipal { staff_id, username, role, warehouses, origin: Origin::default() })
            }
            _ => return Err(AppError::InvalidAccessToken),
        };
        Ok((principal, row.family))
    }
}

/// The token's holder — staff member, or customer and its app — is
/// active: disabling any of them stops its tokens at the next request.
fn check_holder_active(row: &TokenRow) -> Result<(), AppError> {
    let status = row.customer_status.0.or(row.staff_status.0);
    let app_disabled = row.app_id.is_some() && row.app_status.0 != Some(AccountStatus::Active);
    if status != Some(AccountStatus::Active) || app_disabled {
        return Err(AppError::AccountDisabled);
    }
    Ok(())
}
