//! The audit trail: one append-only row per privileged action — who,
//! when, from which address, in which request, what (action, target, a
//! summary of before and after) and whether it succeeded. Each row is
//! written in the transaction of the action it records, so an action
//! without its row (or a row without its action) cannot exist; a failed
//! login is recorded with its failure counter.

use std::net::IpAddr;

use serde_json::Value;

use haicang_store::audit::{self as store, NewAuditEntry};
pub use haicang_store::audit::{AuditFilter, AuditRow};
use haicang_store::{Conn, PageRequest, StoreError};

use crate::{App, AppError, CustomerPrincipal, Page, StaffPrincipal, Viewer, now_ms};

/// Where a call came from: its client address and request id (the API
/// fills both; the CLI and tests leave them empty).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub address: Option<IpAddr>,
    pub request_id: Option<String>,
}

impl Origin {
    /// The address as counters and the trail name it.
    pub fn address_text(&self) -> String {
        self.address.map(|a| a.to_string()).unwrap_or_else(|| "local".into())
    }
}

/// The actions the trail records, by name.
pub mod action {
    pub const STAFF_LOGIN: &str = "staff.login";
    pub const APP_TOKEN: &str = "app.token";
    pub const TOKEN_REFRESH: &str = "auth.refresh";
    pub const LOGOUT: &str = "auth.logout";
    pub const CUSTOMER_CREATE: &str = "customer.create";
    pub const CUSTOMER_GRANT: &str = "customer.grant";
    pub const APP_CREATE: &str = "app.create";
    pub const APP_POLICY: &str = "app.policy";
    pub const APP_SIGNING: &str = "app.signing";
    pub const APP_DISABLE: &str = "app.disable";
    pub const APP_ROTATE_SECRET: &str = "app.rotate_secret";
    pub const SERVER_KEY_ROTATE: &str = "server_key.rotate";
    pub const ALIAS_SET: &str = "alias.set";
    pub const ALIAS_REMOVE: &str = "alias.remove";
    pub const SELLER_USER_CREATE: &str = "seller_user.create";
    pub const SELLER_USER_GRANT: &str = "seller_user.grant";
    pub const SELLER_LOGIN: &str = "seller.login";
    pub const SELLER_PASSWORD: &str = "seller_user.password";
    pub const OAUTH_AUTHORIZE: &str = "oauth.authorize";
    pub const OAUTH_TOKEN: &str = "oauth.token";
    pub const STAFF_CREATE: &str = "staff.create";
    pub const STAFF_DISABLE: &str = "staff.disable";
    pub const LOCATION_IMPORT: &str = "location.import";
    pub const ADJUSTMENT: &str = "inventory.adjust";
    pub const CONVERSION: &str = "inventory.convert";
    pub const COUNT_APPROVAL: &str = "inventory.count_approve";
    pub const COUNT_PLAN: &str = "inventory.count_plan";
    pub const REPLENISHMENT_RULES: &str = "inventory.replenishment_rules";
    pub const WAVE_RELEASE: &str = "outbound.wave";
    pub const INTERCEPTION: &str = "outbound.interception";
    pub const WEBHOOK_CREATE: &str = "webhook.create";
    pub const WEBHOOK_UPDATE: &str = "webhook.update";
    pub const WEBHOOK_DELETE: &str = "webhook.delete";
    pub const WEBHOOK_ROTATE_SECRET: &str = "webhook.rotate_secret";
    pub const RATE_CARD: &str = "billing.rate_card";
    pub const RATE_CARD_ASSIGNED: &str = "billing.rate_card_assign";
    pub const WALLET_TOP_UP: &str = "billing.top_up";
    pub const CREDIT_LIMIT: &str = "billing.credit";
    pub const SERVICE_CHARGE: &str = "billing.service_charge";
    pub const BILL_STATUS: &str = "billing.bill_status";
    pub const STORAGE_RUN: &str = "billing.storage_run";
    pub const WORK_ORDER_CREATE: &str = "workorder.create";
    pub const WORK_ORDER_CANCEL: &str = "workorder.cancel";
    pub const ALERT_SWEEP: &str = "alerts.sweep";
}

/// Who acted, as the trail names them.
#[derive(Debug, Clone)]
pub struct Actor<'a> {
    kind: &'static str,
    name: String,
    customer_id: Option<i64>,
    origin: Option<&'a Origin>,
}

impl<'a> Actor<'a> {
    pub fn staff(staff: &'a StaffPrincipal) -> Actor<'a> {
        Actor { kind: "STAFF", name: staff.username.clone(), customer_id: None, origin: Some(&staff.origin) }
    }

    /// A seller's app (or the seller itself when the token has no app).
    pub fn customer(customer: &'a CustomerPrincipal) -> Actor<'a> {
        let (kind, name) = match &customer.client_id {
            Some(client_id) => ("APP", client_id.clone()),
            None => ("CUSTOMER", customer.customer_code.clone()),
        };
        Actor { kind, name, customer_id: Some(customer.customer_id), origin: Some(&customer.origin) }
    }

    /// The operator at the command line (`haicang admin …`).
    pub fn cli() -> Actor<'static> {
        Actor { kind: "CLI", name: "cli".into(), customer_id: None, origin: None }
    }

    /// haicang itself (scheduled runs inside `serve`).
    pub fn system() -> Actor<'static> {
        Actor { kind: "SYSTEM", name: "haicang".into(), customer_id: None, origin: None }
    }

    /// Somebody not (yet) known: a failed login names the account it
    /// claimed.
    pub fn claiming(account: &str, customer_id: Option<i64>, origin: &'a Origin) -> Actor<'a> {
        Actor { kind: "ANONYMOUS", name: account.to_owned(), customer_id, origin: Some(origin) }
    }

    /// The same actor acting for a customer (the trail entry becomes
    /// readable by that seller).
    pub fn for_customer(mut self, customer_id: i64) -> Actor<'a> {
        self.customer_id = Some(customer_id);
        self
    }

    /// An identified account after a successful login.
    pub(crate) fn identified(
        kind: &'static str,
        name: &str,
        customer_id: Option<i64>,
        origin: &'a Origin,
    ) -> Actor<'a> {
        Actor { kind, name: name.to_owned(), customer_id, origin: Some(origin) }
    }
}

/// Whether the action happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

/// Writes one entry, on the caller's transaction.
pub(crate) async fn record(
    conn: &mut Conn,
    actor: &Actor<'_>,
    action: &str,
    target: &str,
    outcome: Outcome,
    detail: Value,
) -> Result<(), StoreError> {
    let address = actor.origin.and_then(|o| o.address).map(|a| a.to_string());
    let detail = detail.to_string();
    store::record(
        conn,
        &NewAuditEntry {
            at: now_ms(),
            actor_kind: actor.kind,
            actor: &actor.name,
            customer_id: actor.customer_id,
            address: address.as_deref(),
            request_id: actor.origin.and_then(|o| o.request_id.as_deref()),
            action,
            target,
            outcome: match outcome {
                Outcome::Success => "SUCCESS",
                Outcome::Failure => "FAILURE",
            },
            detail: &detail,
        },
    )
    .await
}

impl App {
    /// The trail: staff (ADMIN) read all of it; a seller reads the
    /// entries of its own apps and subscriptions.
    pub async fn audit_log(
        &self,
        viewer: Viewer<'_>,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditRow>, AppError> {
        let mut filter = filter.clone();
        match viewer {
            // The trail spans every warehouse: an ADMIN limited to some
            // may not read it.
            Viewer::Staff(staff) => {
                staff.require(crate::StaffRole::Admin)?;
                if staff.warehouses.ids().is_some() {
                    return Err(AppError::WarehouseOutOfScope("ALL".into()));
                }
            }
            Viewer::Customer(customer) => filter.customer_id = Some(customer.customer_id),
        }
        let (rows, total) = store::list(&mut *self.store.read().await?, &filter, page).await?;
        Ok(Page::new(rows, page, total))
    }
}
