//! The seller portal's sign-in: a seller user's email and password for an
//! ordinary customer token pair (no app: the trail names the user), whose
//! family `PORTAL:<seller user>:…` says which user and role it acts for.

use serde_json::json;

use haicang_store::sellers;

use super::{Attempt, Holder, TokenPair, dummy_hash, hash_secret, random_token, verify_secret};
use crate::audit::{self, Actor, Origin, Outcome, action};
use crate::{App, AppError, CustomerPrincipal, Principal};

const PORTAL_FAMILY_PREFIX: &str = "PORTAL:";

/// Who is signed in to the portal.
#[derive(Debug, Clone)]
pub struct SellerSession {
    pub customer: CustomerPrincipal,
    pub email: String,
    /// OWNER or STAFF.
    pub role: String,
}

impl SellerSession {
    pub fn is_owner(&self) -> bool {
        self.role == "OWNER"
    }
}

impl App {
    /// Sets (or resets) a seller user's portal password and role; the
    /// password must pass the policy (`core::password`).
    pub async fn set_seller_password(&self, email: &str, password: &str, role: &str) -> Result<(), AppError> {
        haicang_core::password::check(email, password)?;
        self.set_seller_password_unchecked(email, password, role).await
    }

    /// The demo's `demo@haicang.test` / `demo` (`serve --demo` only).
    pub(crate) async fn set_seller_password_unchecked(
        &self,
        email: &str,
        password: &str,
        role: &str,
    ) -> Result<(), AppError> {
        if !matches!(role, "OWNER" | "STAFF") {
            return Err(AppError::InvalidParam { field: "role", reason: "OWNER or STAFF".into() });
        }
        let email = email.trim().to_ascii_lowercase();
        let hash = hash_secret(password)?;
        let mut tx = self.store.begin_write().await?;
        let user = sellers::find_user(tx.conn(), &email).await?.ok_or(AppError::SellerUserNotFound)?;
        sellers::set_password(tx.conn(), user.seller_user_id, &hash, role).await?;
        let actor = Actor::cli().for_customer(user.customer_id);
        audit::record(tx.conn(), &actor, action::SELLER_PASSWORD, &email, Outcome::Success, json!({"role": role}))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Portal sign-in: throttled and audited like a staff login.
    pub async fn seller_login(&self, email: &str, password: &str, origin: &Origin) -> Result<TokenPair, AppError> {
        let email = email.trim().to_ascii_lowercase();
        if email.is_empty() {
            return Err(AppError::MissingParam { field: "email" });
        }
        if password.is_empty() {
            return Err(AppError::MissingParam { field: "password" });
        }
        let attempt = Attempt { account: format!("seller:{email}"), origin };
        self.check_throttle(&attempt).await?;
        let user = sellers::find_user(&mut *self.store.read().await?, &email).await?;
        let hash = user.as_ref().and_then(|u| u.password_hash.as_deref()).unwrap_or_else(|| dummy_hash());
        let verified = verify_secret(password, hash).await;
        let customer_id = user.as_ref().map(|u| u.customer_id);
        let Some(user) = user.filter(|u| verified && u.password_hash.is_some()) else {
            return self.failed(&attempt, action::SELLER_LOGIN, customer_id, AppError::WrongCredentials).await;
        };
        if user.status != "ACTIVE" || user.customer_status != "ACTIVE" {
            return self.failed(&attempt, action::SELLER_LOGIN, customer_id, AppError::AccountDisabled).await;
        }
        let actor = Actor::identified("SELLER", &email, Some(user.customer_id), origin);
        let holder = Holder::Customer { customer_id: user.customer_id, app_id: None };
        let family = || format!("{PORTAL_FAMILY_PREFIX}{}:{}", user.seller_user_id, random_token());
        self.retrying(|| self.new_pair(holder, family(), &attempt, &actor, action::SELLER_LOGIN)).await
    }

    /// The portal session of an access token: its customer, and the seller
    /// user its family names (a customer token from elsewhere — an app's —
    /// is not a portal session).
    pub async fn seller_session(&self, access_token: &str) -> Result<SellerSession, AppError> {
        let (Principal::Customer(customer), family) = self.authenticate_in_family(access_token).await? else {
            return Err(AppError::WrongPrincipal);
        };
        let user_id = family
            .strip_prefix(PORTAL_FAMILY_PREFIX)
            .and_then(|rest| rest.split_once(':'))
            .and_then(|(id, _)| id.parse::<i64>().ok())
            .ok_or(AppError::WrongPrincipal)?;
        let user =
            sellers::user_by_id(&mut *self.store.read().await?, user_id).await?.ok_or(AppError::InvalidAccessToken)?;
        if user.status != "ACTIVE" || user.customer_id != customer.customer_id {
            return Err(AppError::AccountDisabled);
        }
        Ok(SellerSession { customer, email: user.email, role: user.role })
    }

    /// The customer's OWNER adds a portal user (OWNER or STAFF) with a
    /// password that passes the policy; in the trail as the owner.
    pub async fn create_portal_user(
        &self,
        owner: &SellerSession,
        email: &str,
        password: &str,
        role: &str,
    ) -> Result<(), AppError> {
        if !owner.is_owner() {
            return Err(AppError::InvalidParam {
                field: "role",
                reason: "only the customer's OWNER adds users".into(),
            });
        }
        if !matches!(role, "OWNER" | "STAFF") {
            return Err(AppError::InvalidParam { field: "role", reason: "OWNER or STAFF".into() });
        }
        let email = super::dialect_oauth::email_of(email)?;
        haicang_core::password::check(&email, password)?;
        let hash = hash_secret(password)?;
        let customer_id = owner.customer.customer_id;
        let mut tx = self.store.begin_write().await?;
        let id = sellers::insert_user(tx.conn(), customer_id, &email, crate::now_ms()).await.map_err(|e| match e {
            haicang_store::StoreError::Duplicate(_) => AppError::AlreadyExists(format!("seller user {email}")),
            other => AppError::Store(other),
        })?;
        sellers::set_password(tx.conn(), id, &hash, role).await?;
        let actor = Actor::customer(&owner.customer);
        let detail = json!({"role": role, "by": owner.email});
        audit::record(tx.conn(), &actor, action::SELLER_USER_CREATE, &email, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The portal users of the session's customer: `(email, role, status)`.
    pub async fn portal_users(&self, session: &SellerSession) -> Result<Vec<(String, String, String)>, AppError> {
        Ok(sellers::users_of(&mut *self.store.read().await?, session.customer.customer_id).await?)
    }
}
