//! Seller users and the OAuth of the JF dialect (jfwms-api.txt, "oauth授权").
//!
//! A merchant (seller user, by email) gives its ERP an authorisation token;
//! the ERP, with its developer credentials (an app's client id and secret),
//! trades the token for a one-time key (`authorize`), the key for a token
//! pair (`accessToken`), and refreshes the pair (`refreshToken`). The pair
//! is an ordinary haicang token pair of the app — the same principal, scope,
//! revocation and audit as the native API — whose refresh token lives a
//! year. Every secret is kept as SHA-256 only; failures count against the
//! same throttles as logins.

use serde_json::json;

use haicang_core::status::AccountStatus;
use haicang_store::{party, sellers};

use super::{Attempt, Holder, JF_FAMILY_PREFIX, TokenPair, random_token, token_hash};
use crate::audit::{self, Actor, Origin, Outcome, action};
use crate::{App, AppError, CustomerPrincipal, now_ms};

/// How long a one-time OAuth key may wait for its exchange.
pub const OAUTH_KEY_TTL_MS: i64 = 10 * 60 * 1000;

/// What the access-token exchange answers: the pair and the seller user
/// it acts for (JF's `userId`).
#[derive(Debug, Clone)]
pub struct DialectSession {
    pub tokens: TokenPair,
    pub seller_user_id: i64,
}

pub(super) fn email_of(email: &str) -> Result<String, AppError> {
    let email = email.trim().to_ascii_lowercase();
    if email.is_empty() {
        return Err(AppError::MissingParam { field: "email" });
    }
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid {
        return Err(AppError::InvalidParam { field: "email", reason: "not an email address".into() });
    }
    Ok(email)
}

impl App {
    /// Creates a seller user of a customer (`haicang admin seller add`).
    pub async fn create_seller_user(&self, customer_code: &str, email: &str) -> Result<i64, AppError> {
        let email = email_of(email)?;
        let mut tx = self.store.begin_write().await?;
        let customer = party::find_customer(tx.conn(), customer_code)
            .await?
            .ok_or_else(|| AppError::CustomerNotFound(customer_code.to_owned()))?;
        let id =
            sellers::insert_user(tx.conn(), customer.customer_id, &email, now_ms()).await.map_err(|e| match e {
                haicang_store::StoreError::Duplicate(_) => AppError::AlreadyExists(format!("seller user {email}")),
                other => AppError::Store(other),
            })?;
        let actor = Actor::cli().for_customer(customer.customer_id);
        let detail = json!({"customer": customer.code});
        audit::record(tx.conn(), &actor, action::SELLER_USER_CREATE, &email, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Issues an authorisation token to a seller user, shown once: used up
    /// by one authorisation unless `reusable`. `fixed` sets it (demo data).
    pub async fn issue_seller_grant(
        &self,
        email: &str,
        reusable: bool,
        fixed: Option<&str>,
    ) -> Result<String, AppError> {
        let email = email_of(email)?;
        let token = fixed.map(str::to_owned).unwrap_or_else(random_token);
        let mut tx = self.store.begin_write().await?;
        let user = sellers::find_user(tx.conn(), &email).await?.ok_or(AppError::SellerUserNotFound)?;
        sellers::insert_grant(tx.conn(), user.seller_user_id, &token_hash(&token), reusable, now_ms()).await?;
        let actor = Actor::cli().for_customer(user.customer_id);
        let detail = json!({"reusable": reusable});
        audit::record(tx.conn(), &actor, action::SELLER_USER_GRANT, &email, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// JF `GET /api/oauth/authorize`: the app `client_id` asks to act for
    /// the seller user `email`, who gave it `token`. Answers a one-time key.
    pub async fn oauth_authorize(
        &self,
        client_id: &str,
        email: &str,
        token: &str,
        origin: &Origin,
    ) -> Result<String, AppError> {
        if client_id.trim().is_empty() {
            return Err(AppError::ClientIdRequired);
        }
        if token.is_empty() {
            return Err(AppError::MissingParam { field: "token" });
        }
        let email = email_of(email)?;
        let attempt = Attempt { account: format!("seller:{email}"), origin };
        self.check_throttle(&attempt).await?;
        let (app, user) = {
            let mut conn = self.store.read().await?;
            (party::find_app(&mut conn, client_id.trim()).await?, sellers::find_user(&mut conn, &email).await?)
        };
        let customer_id = user.as_ref().map(|u| u.customer_id);
        let fail = |e| self.failed(&attempt, action::OAUTH_AUTHORIZE, customer_id, e);
        let Some(app) = app.filter(|a| a.status == AccountStatus::Active) else {
            return fail(AppError::InvalidClient).await;
        };
        // A user of another customer is as unknown to this app as no user.
        let Some(user) = user.filter(|u| u.customer_id == app.customer_id) else {
            return fail(AppError::SellerUserNotFound).await;
        };
        if user.status != "ACTIVE" || user.customer_status != "ACTIVE" {
            return fail(AppError::AccountDisabled).await;
        }
        let key = random_token();
        let used = self
            .retrying(|| async {
                let now = now_ms();
                let mut tx = self.store.begin_write().await?;
                if !sellers::use_grant(tx.conn(), user.seller_user_id, &token_hash(token), now).await? {
                    return Ok(false);
                }
                let expires = now + OAUTH_KEY_TTL_MS;
                sellers::insert_key(tx.conn(), &token_hash(&key), app.app_id, user.seller_user_id, expires, now)
                    .await?;
                let actor = Actor::identified("APP", &app.client_id, Some(app.customer_id), origin);
                let detail = json!({"email": user.email});
                audit::record(tx.conn(), &actor, action::OAUTH_AUTHORIZE, &user.email, Outcome::Success, detail)
                    .await?;
                tx.commit().await?;
                Ok(true)
            })
            .await?;
        if !used {
            return fail(AppError::InvalidAuthorization).await;
        }
        Ok(key)
    }

    /// JF `GET /api/oauth/accessToken`: the app's credentials and the
    /// one-time key for a token pair acting for the key's seller user.
    pub async fn oauth_access_token(
        &self,
        client_id: &str,
        secret: &str,
        key: &str,
        origin: &Origin,
    ) -> Result<DialectSession, AppError> {
        if client_id.trim().is_empty() {
            return Err(AppError::ClientIdRequired);
        }
        if secret.is_empty() {
            return Err(AppError::ClientSecretRequired);
        }
        if key.is_empty() {
            return Err(AppError::MissingParam { field: "key" });
        }
        let client_id = client_id.trim();
        let attempt = Attempt { account: format!("app:{client_id}"), origin };
        let app = self.checked_app(&attempt, client_id, secret, action::OAUTH_TOKEN).await?;
        let session = self
            .retrying(|| async {
                let now = now_ms();
                let mut tx = self.store.begin_write().await?;
                let Some(seller_user_id) = sellers::take_key(tx.conn(), &token_hash(key), app.app_id, now).await?
                else {
                    return Ok(None);
                };
                let holder = Holder::Customer { customer_id: app.customer_id, app_id: Some(app.app_id) };
                // The family names the seller user, so a refresh can say
                // whom the new pair acts for.
                let family = format!("{JF_FAMILY_PREFIX}{seller_user_id}:{}", random_token());
                let tokens = self.write_pair(&mut tx, holder, &family).await?;
                let actor = Actor::identified("APP", client_id, Some(app.customer_id), origin);
                let detail = json!({"sellerUserId": seller_user_id});
                audit::record(tx.conn(), &actor, action::OAUTH_TOKEN, client_id, Outcome::Success, detail).await?;
                tx.commit().await?;
                Ok(Some(DialectSession { tokens, seller_user_id }))
            })
            .await?;
        match session {
            Some(session) => Ok(session),
            None => {
                self.failed(&attempt, action::OAUTH_TOKEN, Some(app.customer_id), AppError::InvalidAuthorization).await
            }
        }
    }

    /// JF `GET /api/oauth/refreshToken`: rotates a refresh token of the app
    /// `client_id`. The secret is checked when given; some JF clients omit
    /// it, and a valid refresh token of this very app is credential enough.
    pub async fn oauth_refresh(
        &self,
        client_id: &str,
        secret: Option<&str>,
        refresh_token: &str,
        origin: &Origin,
    ) -> Result<DialectSession, AppError> {
        if client_id.trim().is_empty() {
            return Err(AppError::ClientIdRequired);
        }
        if refresh_token.is_empty() {
            return Err(AppError::RefreshTokenRequired);
        }
        let client_id = client_id.trim();
        if let Some(secret) = secret.filter(|s| !s.is_empty()) {
            let attempt = Attempt { account: format!("app:{client_id}"), origin };
            self.checked_app(&attempt, client_id, secret, action::TOKEN_REFRESH).await?;
        }
        let row = party::find_token(&mut *self.store.read().await?, &token_hash(refresh_token)).await?;
        let seller_user_id = row
            .filter(|r| r.app_client_id.as_deref() == Some(client_id))
            .and_then(|r| r.family.strip_prefix(JF_FAMILY_PREFIX)?.split_once(':')?.0.parse::<i64>().ok())
            .ok_or(AppError::InvalidRefreshToken)?;
        let tokens = self.refresh(refresh_token, origin).await?;
        Ok(DialectSession { tokens, seller_user_id })
    }

    /// Whether `seller_user_id` is an active user of the caller's customer
    /// (JF sends it as `userId` with every request).
    pub async fn is_seller_user_of(&self, customer: &CustomerPrincipal, seller_user_id: i64) -> Result<bool, AppError> {
        let user = sellers::user_by_id(&mut *self.store.read().await?, seller_user_id).await?;
        Ok(user.is_some_and(|u| u.customer_id == customer.customer_id && u.status == "ACTIVE"))
    }

    /// The app `client_id` as a caller, with its raw secret (dialects that
    /// sign every request with it: Qianyi). None when the app is unknown,
    /// disabled or has no sealed secret.
    pub async fn signing_app(&self, client_id: &str) -> Result<Option<(CustomerPrincipal, String)>, AppError> {
        let app = party::find_app(&mut *self.store.read().await?, client_id).await?;
        let Some(app) = app.filter(|a| a.status == AccountStatus::Active && a.customer_status == AccountStatus::Active)
        else {
            return Ok(None);
        };
        let Some(secret) = self.app_secret(client_id).await? else { return Ok(None) };
        let principal = CustomerPrincipal {
            customer_id: app.customer_id,
            customer_code: app.customer_code,
            app_id: Some(app.app_id),
            client_id: Some(app.client_id),
            origin: Origin::default(),
        };
        Ok(Some((principal, secret)))
    }
}
