//! Administration: customers, API apps, staff users, location import.
//!
//! These run from the command line (`haicang admin …`): each is recorded
//! in the audit trail as the CLI's action, in its own transaction.

use haicang_core::location::{LocationCode, LocationType, Restriction};
use haicang_core::text::char_len;
use haicang_store::warehouse::NewLocation;
use haicang_store::{StoreError, party, warehouse};

use serde_json::json;

use haicang_core::password;
use haicang_core::status::AccountStatus;
use haicang_store::party::TokenHolder;

use crate::audit::{self, Actor, Outcome, action};
use crate::auth::{hash_secret, random_token};
use crate::{App, AppError, StaffRole, now_ms};

/// Credentials shown once at creation; only the secret's hash is kept.
#[derive(Debug, Clone)]
pub struct AppCredentials {
    pub app_id: String,
    pub app_secret: String,
}

/// Rows per transaction of a location import.
pub const IMPORT_CHUNK: usize = 500;

fn code_field(field: &'static str, value: &str, max: usize) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::MissingParam { field });
    }
    if char_len(value) > max || !value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
        return Err(AppError::InvalidParam { field, reason: format!("1-{max} letters, digits, '-', '_' or '.'") });
    }
    Ok(value.to_owned())
}

fn duplicate_as(name: String) -> impl FnOnce(StoreError) -> AppError {
    move |e| match e {
        StoreError::Duplicate(_) => AppError::AlreadyExists(name),
        other => AppError::Store(other),
    }
}

impl App {
    pub async fn create_customer(&self, code: &str, name: &str) -> Result<i64, AppError> {
        self.create_customer_by(&Actor::cli(), code, name).await
    }

    /// The same, by whoever `by` names in the trail (the console's admin).
    pub async fn create_customer_by(&self, by: &Actor<'_>, code: &str, name: &str) -> Result<i64, AppError> {
        let code = code_field("code", code, 32)?.to_ascii_uppercase();
        let name = if name.trim().is_empty() { code.clone() } else { name.trim().to_owned() };
        let mut tx = self.store.begin_write().await?;
        let id = party::insert_customer(tx.conn(), &code, &name, now_ms())
            .await
            .map_err(duplicate_as(format!("customer {code}")))?;
        let actor = by.clone().for_customer(id);
        audit::record(tx.conn(), &actor, action::CUSTOMER_CREATE, &code, Outcome::Success, json!({"name": name}))
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Creates API credentials for a customer. `fixed` sets them (demo data
    /// only); otherwise both are random.
    pub async fn create_app(
        &self,
        customer_code: &str,
        name: &str,
        fixed: Option<(&str, &str)>,
    ) -> Result<AppCredentials, AppError> {
        self.create_app_by(&Actor::cli(), customer_code, name, fixed).await
    }

    pub async fn create_app_by(
        &self,
        by: &Actor<'_>,
        customer_code: &str,
        name: &str,
        fixed: Option<(&str, &str)>,
    ) -> Result<AppCredentials, AppError> {
        let (app_id, app_secret) = match fixed {
            Some((id, secret)) => (id.to_owned(), secret.to_owned()),
            None => (random_token()[..24].to_owned(), random_token()),
        };
        let secret_hash = hash_secret(&app_secret)?;
        let mut tx = self.store.begin_write().await?;
        let customer = party::find_customer(tx.conn(), customer_code)
            .await?
            .ok_or_else(|| AppError::CustomerNotFound(customer_code.to_owned()))?;
        party::insert_app(tx.conn(), customer.customer_id, &app_id, &secret_hash, name, now_ms())
            .await
            .map_err(duplicate_as(format!("app {app_id}")))?;
        party::set_signing_key(tx.conn(), &app_id, &signing_key(&app_secret)).await?;
        party::set_app_secret_sealed(tx.conn(), &app_id, &self.secret_key.seal(&app_secret)).await?;
        let actor = by.clone().for_customer(customer.customer_id);
        let detail = json!({"customer": customer.code, "name": name});
        audit::record(tx.conn(), &actor, action::APP_CREATE, &app_id, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(AppCredentials { app_id, app_secret })
    }

    /// Creates a staff user; `warehouses` limits where they may work
    /// (none: every warehouse). The password must pass the policy
    /// (`core::password`).
    pub async fn create_staff(
        &self,
        username: &str,
        name: &str,
        password: &str,
        role: &str,
        warehouses: &[String],
    ) -> Result<i64, AppError> {
        self.create_staff_by(&Actor::cli(), username, name, password, role, warehouses).await
    }

    pub async fn create_staff_by(
        &self,
        by: &Actor<'_>,
        username: &str,
        name: &str,
        password: &str,
        role: &str,
        warehouses: &[String],
    ) -> Result<i64, AppError> {
        password::check(username, password)?;
        self.create_staff_unchecked(by, username, name, password, role, warehouses).await
    }

    /// The demo's `admin` / `admin`, which no policy would let through:
    /// `serve --demo` only, and its banner says so.
    pub(crate) async fn create_staff_unchecked(
        &self,
        by: &Actor<'_>,
        username: &str,
        name: &str,
        password: &str,
        role: &str,
        warehouses: &[String],
    ) -> Result<i64, AppError> {
        let username = code_field("username", username, 64)?;
        if password.is_empty() {
            return Err(AppError::MissingParam { field: "password" });
        }
        let role = StaffRole::parse(role)
            .ok_or_else(|| AppError::InvalidParam { field: "role", reason: "ADMIN, SUPERVISOR or OPERATOR".into() })?;
        let hash = hash_secret(password)?;
        let name = if name.trim().is_empty() { username.clone() } else { name.trim().to_owned() };
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let id = party::insert_staff(tx.conn(), &username, &name, &hash, role, now)
            .await
            .map_err(duplicate_as(format!("staff {username}")))?;
        for code in warehouses {
            let w = warehouse::find_warehouse(tx.conn(), code.trim())
                .await?
                .ok_or_else(|| AppError::WarehouseNotFound(code.trim().to_owned()))?;
            party::add_staff_warehouse(tx.conn(), id, w.warehouse_id, now).await?;
        }
        let detail = json!({"role": role.as_str(), "warehouses": warehouses});
        audit::record(tx.conn(), by, action::STAFF_CREATE, &username, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Lets a customer use a warehouse (its orders, stock and lists there).
    pub async fn grant_warehouse(&self, customer_code: &str, warehouse_code: &str) -> Result<(), AppError> {
        self.grant_warehouse_by(&Actor::cli(), customer_code, warehouse_code).await
    }

    pub async fn grant_warehouse_by(
        &self,
        by: &Actor<'_>,
        customer_code: &str,
        warehouse_code: &str,
    ) -> Result<(), AppError> {
        let mut tx = self.store.begin_write().await?;
        let customer = party::find_customer(tx.conn(), customer_code.trim())
            .await?
            .ok_or_else(|| AppError::CustomerNotFound(customer_code.trim().to_owned()))?;
        let w = warehouse::find_warehouse(tx.conn(), warehouse_code.trim())
            .await?
            .ok_or_else(|| AppError::WarehouseNotFound(warehouse_code.trim().to_owned()))?;
        party::grant_warehouse(tx.conn(), customer.customer_id, w.warehouse_id, now_ms()).await?;
        let actor = by.clone().for_customer(customer.customer_id);
        let detail = json!({"warehouse": w.code});
        audit::record(tx.conn(), &actor, action::CUSTOMER_GRANT, &customer.code, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Imports (inserts or updates) locations of a warehouse, a chunk per
    /// transaction; `progress` is told how many rows are done.
    pub async fn import_locations(
        &self,
        warehouse_code: &str,
        rows: Vec<LocationImportRow>,
        mut progress: impl FnMut(usize),
    ) -> Result<usize, AppError> {
        let mut conn = self.store.read().await?;
        let w = warehouse::find_warehouse(&mut conn, warehouse_code)
            .await?
            .ok_or_else(|| AppError::WarehouseNotFound(warehouse_code.to_owned()))?;
        drop(conn);
        let locations = rows
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                r.validate().map_err(|reason| AppError::InvalidParam {
                    field: "row",
                    reason: format!("row {}: {reason}", i + 1),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut done = 0;
        for chunk in locations.chunks(IMPORT_CHUNK) {
            let mut tx = self.store.begin_write().await?;
            warehouse::upsert_locations(tx.conn(), w.warehouse_id, chunk, now_ms()).await?;
            let detail = json!({"rows": chunk.len(), "first": chunk[0].code, "last": chunk[chunk.len() - 1].code});
            audit::record(tx.conn(), &Actor::cli(), action::LOCATION_IMPORT, &w.code, Outcome::Success, detail).await?;
            tx.commit().await?;
            done += chunk.len();
            progress(done);
        }
        Ok(done)
    }
}

/// One row of a location CSV: `code,zone,aisle,bay,level,type` and
/// optionally `x_mm,y_mm,block,capacity_volume_cm3,capacity_weight_g,
/// restriction,single_sku`.
#[derive(Debug, Clone, Default)]
pub struct LocationImportRow {
    pub code: String,
    pub zone: String,
    pub aisle: i64,
    pub bay: i64,
    pub level: i64,
    pub location_type: String,
    pub x_mm: Option<i64>,
    pub y_mm: Option<i64>,
    pub block: Option<i64>,
    pub capacity_volume_cm3: Option<i64>,
    pub capacity_weight_g: Option<i64>,
    /// BATTERY or LIQUID.
    pub restriction: Option<String>,
    pub single_sku: bool,
}

impl LocationImportRow {
    fn validate(self) -> Result<NewLocation, String> {
        let code = LocationCode::parse(&self.code).map_err(|e| e.to_string())?;
        let location_type =
            LocationType::parse(&self.location_type).ok_or_else(|| format!("unknown type {:?}", self.location_type))?;
        if self.zone.trim().is_empty() {
            return Err("zone is required".into());
        }
        let restriction = match self.restriction.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => None,
            Some(r) => Some(Restriction::parse(r).ok_or_else(|| format!("unknown restriction {r:?}"))?),
        };
        if self.capacity_volume_cm3.is_some_and(|v| v <= 0) || self.capacity_weight_g.is_some_and(|v| v <= 0) {
            return Err("capacities must be positive".into());
        }
        Ok(NewLocation {
            code: code.as_str().to_owned(),
            zone: self.zone.trim().to_ascii_uppercase(),
            aisle: self.aisle,
            bay: self.bay,
            level: self.level,
            location_type: location_type.as_str().to_owned(),
            // Without coordinates, the layout's conventional spacing: aisles
            // 3 m apart, bays 1.2 m wide.
            x_mm: self.x_mm.unwrap_or(self.aisle * 3000),
            y_mm: self.y_mm.unwrap_or(self.bay * 1200),
            block: self.block.unwrap_or(0),
            capacity_volume_cm3: self.capacity_volume_cm3,
            capacity_weight_g: self.capacity_weight_g,
            restriction: restriction.map(|r| r.as_str().to_owned()),
            single_sku: self.single_sku,
        })
    }
}

/// The HMAC key of an app's signed requests: hex SHA-256 of its secret
/// (the secret itself is kept only as an argon2 hash; the client derives
/// the same key from the secret it holds).
pub fn signing_key(app_secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(app_secret.as_bytes()))
}

/// How an app may call the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPolicy {
    pub rate_limit_per_minute: i64,
    /// Addresses allowed to call with this app's tokens; empty: any.
    pub ip_allowlist: Vec<std::net::IpAddr>,
    /// Every request must be signed.
    pub signing_required: bool,
    pub signing_key: Option<String>,
}

impl App {
    /// An app's policy, read from the database at most every 2 s per app
    /// and node: a change made on another node (or by the CLI) holds
    /// everywhere within 2 s. (On PostgreSQL the rate limit itself is read
    /// fresh by the shared bucket's statement.)
    pub async fn app_policy(&self, app_id: i64) -> Result<AppPolicy, AppError> {
        if let Some((policy, at)) = self.policies.lock().map_err(|_| AppError::Print("poisoned".into()))?.get(&app_id)
            && at.elapsed() < std::time::Duration::from_secs(2)
        {
            return Ok(policy.clone());
        }
        let (limit, list, signed, key) =
            party::app_policy(&mut *self.store.read().await?, app_id).await?.unwrap_or((1000, None, 0, None));
        let policy = AppPolicy {
            signing_required: signed != 0,
            signing_key: key,
            rate_limit_per_minute: limit,
            ip_allowlist: list.unwrap_or_default().split(',').filter_map(|ip| ip.trim().parse().ok()).collect(),
        };
        if let Ok(mut cache) = self.policies.lock() {
            cache.insert(app_id, (policy.clone(), std::time::Instant::now()));
        }
        Ok(policy)
    }

    /// Sets an app's rate limit and IP allowlist (by its client id).
    pub async fn set_app_policy(
        &self,
        client_id: &str,
        rate_limit_per_minute: i64,
        ips: &[String],
    ) -> Result<(), AppError> {
        if !(1..=1_000_000).contains(&rate_limit_per_minute) {
            return Err(AppError::InvalidParam { field: "rateLimit", reason: "1 to 1000000 per minute".into() });
        }
        for ip in ips {
            ip.trim().parse::<std::net::IpAddr>().map_err(|_| AppError::InvalidParam {
                field: "allowIp",
                reason: format!("{ip} is not an IP address"),
            })?;
        }
        let list = (!ips.is_empty()).then(|| ips.join(","));
        let mut tx = self.store.begin_write().await?;
        if !party::set_app_policy(tx.conn(), client_id, rate_limit_per_minute, list.as_deref()).await? {
            return Err(AppError::InvalidClient);
        }
        let detail = json!({"rateLimitPerMinute": rate_limit_per_minute, "ipAllowlist": ips});
        self.audit_app(&mut tx, client_id, action::APP_POLICY, detail).await?;
        tx.commit().await?;
        if let Ok(mut cache) = self.policies.lock() {
            cache.clear();
        }
        Ok(())
    }
}

impl App {
    /// Requires (or stops requiring) signed requests of an app.
    pub async fn set_signing_required(&self, client_id: &str, required: bool) -> Result<(), AppError> {
        let mut tx = self.store.begin_write().await?;
        if !party::set_signing_required(tx.conn(), client_id, required).await? {
            return Err(AppError::InvalidClient);
        }
        self.audit_app(&mut tx, client_id, action::APP_SIGNING, json!({"signingRequired": required})).await?;
        tx.commit().await?;
        if let Ok(mut cache) = self.policies.lock() {
            cache.clear();
        }
        Ok(())
    }

    /// Records a request nonce of an app; false when it was seen already.
    /// Nonces older than the signing window are forgotten.
    pub async fn first_use_of_nonce(
        &self,
        app_id: i64,
        nonce: &str,
        now: i64,
        window_ms: i64,
    ) -> Result<bool, AppError> {
        let mut tx = self.store.begin_write().await?;
        party::forget_nonces_before(tx.conn(), now - 2 * window_ms).await?;
        let fresh = party::insert_nonce(tx.conn(), app_id, nonce, now).await?;
        tx.commit().await?;
        Ok(fresh)
    }
}

impl App {
    /// A CLI action on an app, readable by the app's customer too.
    async fn audit_app(
        &self,
        tx: &mut haicang_store::WriteTx,
        client_id: &str,
        audit_action: &str,
        detail: serde_json::Value,
    ) -> Result<party::AppRow, AppError> {
        self.audit_app_as(tx, &Actor::cli(), client_id, audit_action, detail).await
    }

    async fn audit_app_as(
        &self,
        tx: &mut haicang_store::WriteTx,
        by: &Actor<'_>,
        client_id: &str,
        audit_action: &str,
        detail: serde_json::Value,
    ) -> Result<party::AppRow, AppError> {
        let app =
            party::find_app(tx.conn(), client_id).await?.ok_or_else(|| AppError::AppNotFound(client_id.to_owned()))?;
        let actor = by.clone().for_customer(app.customer_id);
        audit::record(tx.conn(), &actor, audit_action, client_id, Outcome::Success, detail).await?;
        Ok(app)
    }

    /// Disables a staff member: their tokens stop working at once (and
    /// stay revoked if the account is enabled again).
    pub async fn disable_staff(&self, username: &str) -> Result<u64, AppError> {
        self.disable_staff_by(&Actor::cli(), username).await
    }

    pub async fn disable_staff_by(&self, by: &Actor<'_>, username: &str) -> Result<u64, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let staff_id = party::set_staff_status(tx.conn(), username.trim(), AccountStatus::Disabled, now)
            .await?
            .ok_or_else(|| AppError::StaffNotFound(username.trim().to_owned()))?;
        let revoked = party::revoke_tokens_of(tx.conn(), TokenHolder::Staff(staff_id), now).await?;
        let detail = json!({"status": {"after": "DISABLED"}, "tokensRevoked": revoked});
        audit::record(tx.conn(), by, action::STAFF_DISABLE, username.trim(), Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// Disables an app: its tokens stop working at once.
    pub async fn disable_app(&self, client_id: &str) -> Result<u64, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let app =
            party::find_app(tx.conn(), client_id).await?.ok_or_else(|| AppError::AppNotFound(client_id.to_owned()))?;
        party::set_app_status(tx.conn(), app.app_id, AccountStatus::Disabled, now).await?;
        let revoked = party::revoke_tokens_of(tx.conn(), TokenHolder::App(app.app_id), now).await?;
        let detail = json!({"status": {"before": app.status.as_str(), "after": "DISABLED"}, "tokensRevoked": revoked});
        self.audit_app(&mut tx, client_id, action::APP_DISABLE, detail).await?;
        tx.commit().await?;
        if let Ok(mut cache) = self.policies.lock() {
            cache.clear();
        }
        Ok(revoked)
    }

    /// An app's secret, opened from its sealed copy: what a vendor dialect
    /// verifies signatures with. `None`: the app predates sealing (rotate
    /// its secret to seal one).
    pub async fn app_secret(&self, client_id: &str) -> Result<Option<String>, AppError> {
        let sealed = party::app_secret_sealed(&mut *self.store.read().await?, client_id).await?;
        sealed
            .map(|s| self.secret_key.open(&s))
            .transpose()
            .map_err(|e| AppError::InvalidParam { field: "serverKey", reason: e.to_string() })
    }

    /// Re-seals every sealed app secret under `new` in one transaction
    /// (the server key's rotation); answers how many. A value the current
    /// key cannot open stops the rotation with nothing changed.
    pub async fn reseal_app_secrets(&self, new: &crate::secrets::SecretKey) -> Result<usize, AppError> {
        let mut tx = self.store.begin_write().await?;
        let sealed = party::sealed_app_secrets(tx.conn()).await?;
        for (client_id, value) in &sealed {
            let plain = self
                .secret_key
                .open(value)
                .map_err(|e| AppError::InvalidParam { field: "serverKey", reason: format!("app {client_id}: {e}") })?;
            party::set_app_secret_sealed(tx.conn(), client_id, &new.seal(&plain)).await?;
        }
        let detail = json!({"secrets": sealed.len()});
        audit::record(tx.conn(), &Actor::cli(), action::SERVER_KEY_ROTATE, "server-key", Outcome::Success, detail)
            .await?;
        tx.commit().await?;
        Ok(sealed.len())
    }

    /// A new secret for an app (shown once): the old one stops working at
    /// once, and tokens issued with it live at most `grace` longer, so the
    /// ERP can switch without a gap. The signing key follows the secret.
    pub async fn rotate_app_secret(&self, client_id: &str, grace: std::time::Duration) -> Result<String, AppError> {
        self.rotate_app_secret_by(&Actor::cli(), None, client_id, grace).await
    }

    /// The same by a seller for one of its own apps (`owner`: the
    /// customer it must belong to; another customer's app is not found).
    pub async fn rotate_app_secret_by(
        &self,
        by: &Actor<'_>,
        owner: Option<i64>,
        client_id: &str,
        grace: std::time::Duration,
    ) -> Result<String, AppError> {
        let secret = random_token();
        let hash = hash_secret(&secret)?;
        let now = now_ms();
        let grace_ms = i64::try_from(grace.as_millis()).unwrap_or(i64::MAX);
        let mut tx = self.store.begin_write().await?;
        let app = party::find_app(tx.conn(), client_id)
            .await?
            .filter(|a| owner.is_none_or(|customer_id| a.customer_id == customer_id))
            .ok_or_else(|| AppError::AppNotFound(client_id.to_owned()))?;
        party::set_app_secret(tx.conn(), app.app_id, &hash, now).await?;
        party::set_signing_key(tx.conn(), client_id, &signing_key(&secret)).await?;
        party::set_app_secret_sealed(tx.conn(), client_id, &self.secret_key.seal(&secret)).await?;
        let cut =
            party::expire_tokens_of(tx.conn(), TokenHolder::App(app.app_id), now.saturating_add(grace_ms)).await?;
        let detail = json!({"graceSeconds": grace.as_secs(), "tokensShortened": cut});
        // (The sealed copy follows the secret: vendor dialects sign with it.)
        self.audit_app_as(&mut tx, by, client_id, action::APP_ROTATE_SECRET, detail).await?;
        tx.commit().await?;
        if let Ok(mut cache) = self.policies.lock() {
            cache.clear();
        }
        Ok(secret)
    }
}

impl App {
    /// Every staff member, for the admin screen.
    pub async fn list_staff(&self) -> Result<Vec<party::StaffListRow>, AppError> {
        Ok(party::list_staff(&mut *self.store.read().await?).await?)
    }

    /// A customer's apps: `(client id, name, status)`.
    pub async fn apps_of(&self, customer_id: i64) -> Result<Vec<(String, String, String)>, AppError> {
        Ok(party::apps_of(&mut *self.store.read().await?, customer_id).await?)
    }

    /// Every customer with its warehouses and apps, for the admin screen.
    pub async fn list_customers(&self) -> Result<Vec<party::CustomerListRow>, AppError> {
        Ok(party::list_customers(&mut *self.store.read().await?).await?)
    }
}
