//! haicang-app: the use cases.
//!
//! One method of [`App`] per command a user can give. A write use case
//! validates its input with `haicang_core`, opens one write transaction,
//! writes state and ledger entries through `haicang_store`, and commits;
//! a write conflict (another transaction got there first) re-runs the whole
//! use case a bounded number of times, so callers never see
//! `SQLITE_BUSY` or a serialization failure. Read use cases are scoped by
//! the caller's customer.

pub mod admin;
pub mod alerts;
pub mod aliases;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod cartons;
pub mod catalog;
pub mod cluster;
pub mod counts;
pub mod demo;
mod error;
pub mod events;
pub mod floor;
pub mod idempotency;
pub mod inbound;
pub mod inventory;
pub mod outbound;
pub mod overview;
pub mod replenishment;
pub mod returns;
pub mod secrets;
pub mod transfers;
pub mod warehouses;
pub mod webhooks;
pub mod work_orders;

use std::future::Future;
use std::time::Duration;

pub use error::AppError;
pub use haicang_core::network::NetworkPolicy;
pub use haicang_core::staff::{StaffRole, WarehouseScope};
pub use haicang_store::{Engine, ListScope, PageRequest, Store, StoreError};

/// Largest page a list may return; the default when none is asked.
pub const PAGE_SIZE_MAX: i64 = 200;
pub const PAGE_SIZE_DEFAULT: i64 = 50;
/// How many times a use case is re-run after a write conflict.
const ATTEMPTS_MAX: u32 = 64;

/// Who is calling: a customer's app or a staff user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Customer(CustomerPrincipal),
    Staff(StaffPrincipal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerPrincipal {
    pub customer_id: i64,
    pub customer_code: String,
    pub app_id: Option<i64>,
    /// The app's public id (what the audit trail names it by).
    pub client_id: Option<String>,
    pub origin: audit::Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffPrincipal {
    pub staff_id: i64,
    pub username: String,
    pub role: StaffRole,
    pub warehouses: WarehouseScope,
    pub origin: audit::Origin,
}

impl StaffPrincipal {
    /// How the inventory log names this operator.
    pub fn operator(&self) -> String {
        format!("staff:{}", self.username)
    }

    /// Refuses a caller whose role is below `required` (the API checks
    /// every route against its table before a use case runs; use cases
    /// that decide more than their route check again here).
    pub fn require(&self, required: StaffRole) -> Result<(), AppError> {
        if self.role.covers(required) { Ok(()) } else { Err(AppError::RoleRequired { required, role: self.role }) }
    }

    /// Refuses work in a warehouse outside the staff member's scope.
    pub fn check_warehouse(&self, warehouse_id: i64, warehouse_code: &str) -> Result<(), AppError> {
        if self.warehouses.permits(warehouse_id) {
            Ok(())
        } else {
            Err(AppError::WarehouseOutOfScope(warehouse_code.to_owned()))
        }
    }
}

/// Who reads a document or a list: a seller sees its own documents, a
/// staff member those of the warehouses in scope.
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    Customer(&'a CustomerPrincipal),
    Staff(&'a StaffPrincipal),
}

impl Viewer<'_> {
    /// The customer a look-up is limited to (`None`: any, for staff).
    pub fn customer_id(self) -> Option<i64> {
        match self {
            Viewer::Customer(c) => Some(c.customer_id),
            Viewer::Staff(_) => None,
        }
    }

    /// A found document's warehouse must be in a staff member's scope; a
    /// seller's own documents are its own wherever they are.
    pub fn check_warehouse(self, warehouse_id: i64, warehouse_code: &str) -> Result<(), AppError> {
        match self {
            Viewer::Customer(_) => Ok(()),
            Viewer::Staff(s) => s.check_warehouse(warehouse_id, warehouse_code),
        }
    }

    /// The rows a list may show.
    pub fn list_scope(self) -> ListScope {
        match self {
            Viewer::Customer(c) => ListScope { customer_id: Some(c.customer_id), warehouse_ids: None },
            Viewer::Staff(s) => ListScope { customer_id: None, warehouse_ids: s.warehouses.ids() },
        }
    }
}

/// The application: the store and the clock every use case reads.
#[derive(Clone)]
pub struct App {
    store: Store,
    token_lifetimes: auth::TokenLifetimes,
    /// App policies, cached briefly (every customer request needs one).
    policies: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, (admin::AppPolicy, std::time::Instant)>>>,
    /// Where webhooks may connect: public addresses plus the operator's
    /// exceptions (docs/ARCHITECTURE.md, "Webhooks cannot reach inside").
    webhook_networks: std::sync::Arc<NetworkPolicy>,
    /// The delivery client, built on first use with `webhook_networks`.
    webhook_client: std::sync::Arc<std::sync::OnceLock<reqwest::Client>>,
    /// New outbound orders of a customer no rate card bills are refused
    /// (JF 10045) — for operators who bill everything.
    require_rate_card: bool,
    /// Seals app secrets at rest (`secrets`). `new` makes a throwaway key
    /// (tests, benchmarks); the server and the CLI pass the real one.
    secret_key: std::sync::Arc<secrets::SecretKey>,
    /// The order writer (order creation in batches), started on first use.
    orders: std::sync::Arc<std::sync::OnceLock<outbound::OrderQueue>>,
}

/// Draws a printed document on the blocking pool: a few thousand labels
/// take a while, and the request threads keep serving meanwhile.
pub(crate) async fn print_off_thread<F>(draw: F) -> Result<Vec<u8>, AppError>
where
    F: FnOnce() -> Result<Vec<u8>, haicang_print::PrintError> + Send + 'static,
{
    tokio::task::spawn_blocking(draw)
        .await
        .map_err(|e| AppError::Print(e.to_string()))?
        .map_err(|e| AppError::Print(e.to_string()))
}

impl App {
    pub fn new(store: Store) -> App {
        App {
            store,
            token_lifetimes: auth::TokenLifetimes::default(),
            policies: Default::default(),
            webhook_networks: Default::default(),
            webhook_client: Default::default(),
            require_rate_card: false,
            secret_key: std::sync::Arc::new(secrets::SecretKey::generate()),
            orders: Default::default(),
        }
    }

    /// The server key app secrets are sealed under.
    pub fn with_secret_key(self, key: secrets::SecretKey) -> App {
        App { secret_key: std::sync::Arc::new(key), ..self }
    }

    /// Opens non-public ranges to webhooks (an on-premise receiver, tests
    /// on loopback). The default is public addresses only.
    pub fn with_webhook_networks(self, networks: NetworkPolicy) -> App {
        App { webhook_networks: std::sync::Arc::new(networks), webhook_client: Default::default(), ..self }
    }

    /// Refuse orders of customers without a rate card (JF 10045).
    pub fn with_required_rate_card(self, require_rate_card: bool) -> App {
        App { require_rate_card, ..self }
    }

    /// Shorter lifetimes let tests see tokens expire.
    pub fn with_token_lifetimes(self, token_lifetimes: auth::TokenLifetimes) -> App {
        App { token_lifetimes, ..self }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The order writer, started on first use (inside the runtime).
    pub(crate) fn order_queue(&self) -> &outbound::OrderQueue {
        self.orders.get_or_init(|| outbound::OrderQueue::start(self.store.clone()))
    }

    /// Orders handed to the order writer and not yet answered (tests that
    /// hold the write lock wait for theirs to queue; diagnostics).
    pub fn orders_waiting(&self) -> usize {
        self.orders.get().map_or(0, |q| q.waiting())
    }

    /// Runs `attempt` again while it fails with a write conflict, with a
    /// short randomised back-off.
    async fn retrying<T, F, Fut>(&self, mut attempt: F) -> Result<T, AppError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, AppError>>,
    {
        let mut last = None;
        for n in 0..ATTEMPTS_MAX {
            match attempt().await {
                Err(AppError::Store(e)) if e.is_retryable() => {
                    tracing::debug!(attempt = n, error = %e, "write conflict, retrying");
                    last = Some(e);
                    let jitter = rand::random::<u64>() % (2 + u64::from(n.min(10)) * 3);
                    tokio::time::sleep(Duration::from_millis(jitter)).await;
                }
                other => return other,
            }
        }
        Err(AppError::Store(last.unwrap_or_else(|| haicang_store::StoreError::Conflict("retries exhausted".into()))))
    }
}

/// Milliseconds since the Unix epoch, UTC.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `yymmdd` of a time, for document numbers and default lot codes. UTC for
/// now: see docs/ARCHITECTURE.md (warehouse-local days need a time-zone
/// database, which comes with the first feature that shows local days).
pub fn day_code(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().format("%y%m%d").to_string()
}

/// Checks and clamps paging parameters.
pub fn page_request(page: Option<i64>, page_size: Option<i64>) -> Result<PageRequest, AppError> {
    let page = page.unwrap_or(1);
    let page_size = page_size.unwrap_or(PAGE_SIZE_DEFAULT);
    if !(1..=1_000_000).contains(&page) {
        return Err(AppError::InvalidParam { field: "page", reason: "must be 1 or more".into() });
    }
    if !(1..=PAGE_SIZE_MAX).contains(&page_size) {
        return Err(AppError::InvalidParam { field: "pageSize", reason: format!("must be 1 to {PAGE_SIZE_MAX}") });
    }
    Ok(PageRequest { page, page_size })
}

/// What a creating command answers: the document, its status, and whether
/// this request created it (`false`: the same request came before).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created<S> {
    pub order_no: String,
    pub status: S,
    pub created: bool,
}

/// What a status-changing command answers: the document and its status now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stepped<S> {
    pub order_no: String,
    pub status: S,
}

/// One page of a list and the total across all pages.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub page_size: i64,
    pub total: i64,
}

impl<T> Page<T> {
    fn new(items: Vec<T>, request: PageRequest, total: i64) -> Page<T> {
        Page { items, page: request.page, page_size: request.page_size, total }
    }
}

/// Filters and rows of the read use cases, for the API layer (which does
/// not depend on the store).
pub mod query {
    pub use haicang_store::alerts::{AlertFilter, AlertRow, RuleRow};
    pub use haicang_store::billing::{BillFilter, BillRow, ChargeFilter, ChargeRow, WalletTransactionRow};
    pub use haicang_store::cartons::{CartonFilter, CartonRow};
    pub use haicang_store::inbound::{
        BoxRow, HistoryRow, InboundFilter, InboundOrderRow, LineRow, PutawayRow, ReceiptRow,
    };
    pub use haicang_store::outbound::{
        AllocationRow, CartonPlanRow, OutboundBoxRow, OutboundFilter, OutboundLineRow, OutboundOrderRow,
        ShipmentEventRow,
    };
    pub use haicang_store::product::{ProductFilter, ProductRow};
    pub use haicang_store::returns::{
        GradeRow, ReturnFilter, ReturnLineRow, ReturnOrderRow, ReturnedUnitFilter, ReturnedUnitRow,
    };
    pub use haicang_store::stock::ReplenishmentRow;
    pub use haicang_store::stock::{
        InventoryRow, LotRow, MovementFilter, MovementRow, SerialFilter, SerialRow, StockFilter,
    };
    pub use haicang_store::warehouse::{LocationFilter, LocationRow, ShippingServiceRow, WarehouseRow};
    pub use haicang_store::webhook::{DeliveryFilter, DeliveryRow, SubscriptionRow};
    pub use haicang_store::work_orders::{WorkOrderFilter, WorkOrderRow};
}
