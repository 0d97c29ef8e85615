//! What a use case can answer besides success. The API layer maps each
//! variant to a stable numeric code, an HTTP status and messages in English
//! and Chinese; nothing here knows about HTTP.

use haicang_core::inbound::{InboundAction, InboundError};
use haicang_core::ledger::LedgerError;
use haicang_core::outbound::{OrderError, OutboundAction, PackError};
use haicang_core::product::ProductError;
use haicang_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error("{field} is required")]
    MissingParam { field: &'static str },
    #[error("{field} is malformed: {reason}")]
    InvalidParam { field: &'static str, reason: String },
    #[error("client id is required")]
    ClientIdRequired,
    #[error("client secret is required")]
    ClientSecretRequired,
    #[error("invalid client credentials")]
    InvalidClient,
    #[error("access token is required")]
    AccessTokenRequired,
    #[error("invalid access token")]
    InvalidAccessToken,
    #[error("access token has expired")]
    AccessTokenExpired,
    #[error("refresh token is required")]
    RefreshTokenRequired,
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    #[error("wrong username or password")]
    WrongCredentials,
    /// No seller user has this email (JF 10011).
    #[error("could not find user info")]
    SellerUserNotFound,
    /// A merchant authorisation token or one-time key that is unknown,
    /// used or expired (JF 10030).
    #[error("invalid authorization identification code")]
    InvalidAuthorization,
    #[error("the account is disabled")]
    AccountDisabled,
    /// Too many failed credential checks: wait before the next.
    #[error("too many failed attempts: retry after {retry_after_s} s")]
    Throttled { retry_after_s: i64 },
    #[error("weak password: {0}")]
    WeakPassword(#[from] haicang_core::password::WeakPassword),
    #[error("count plan {0} not found")]
    CountPlanNotFound(String),
    #[error("count task {0} not found")]
    CountTaskNotFound(i64),
    #[error("location {0} is already being counted")]
    CountInProgress(String),
    #[error("count task {task} at {location} is not open")]
    CountTaskClosed { task: i64, location: String },
    #[error("the recount of {0} needs another counter")]
    RecountBySameCounter(String),
    #[error("count plan {0} is already approved")]
    CountPlanApproved(String),
    #[error("count plan {plan_no} has {open} locations not counted")]
    CountPlanIncomplete { plan_no: String, open: usize },
    #[error("return order {0} not found")]
    ReturnNotFound(String),
    #[error("return order with reference {0} already exists with other contents")]
    ReturnReferenceConflict(String),
    #[error("return order {order_no} in status {status} does not allow {action}")]
    ReturnStatus {
        order_no: String,
        status: haicang_core::returns::ReturnStatus,
        action: haicang_core::returns::ReturnAction,
    },
    #[error("the original order {0} was not found")]
    ReturnOriginalNotFound(String),
    #[error("{0} names more than one return waiting to arrive")]
    ReturnScanAmbiguous(String),
    #[error("return order {order_no}: {graded} units graded, {arrived} arrived")]
    ReturnOverGraded { order_no: String, arrived: i64, graded: i64 },
    #[error("return order {0} has nothing graded")]
    ReturnNothingGraded(String),
    #[error("return order {0} has no units waiting to go back to the seller")]
    ReturnNothingToShipBack(String),
    #[error("balance and credit in {currency} ({available}) do not cover {needed}")]
    InsufficientBalance { currency: String, available: i64, needed: i64 },
    #[error("rate card {0} exists")]
    RateCardExists(String),
    #[error("rate card {0} not found")]
    RateCardNotFound(String),
    #[error("customer {0} has no rate card")]
    NoRateCard(String),
    #[error("work order {0} not found")]
    WorkOrderNotFound(String),
    #[error("work order with reference {0} already exists with other contents")]
    WorkOrderReferenceConflict(String),
    #[error("work order {order_no} in status {status} does not allow {action}")]
    WorkOrderStatus {
        order_no: String,
        status: haicang_core::work_orders::WorkOrderStatus,
        action: haicang_core::work_orders::WorkOrderAction,
    },
    #[error("{0} is not a kit (a SUITE with components)")]
    WorkOrderNotAKit(String),
    #[error("work order {order_no}: {reason}")]
    WorkOrderCompletion { order_no: String, reason: haicang_core::work_orders::CompletionError },
    #[error(transparent)]
    Transfer(#[from] haicang_core::transfers::TransferError),
    #[error("order {0} is not packed into cartons yet")]
    NotPacked(String),
    #[error("carton {0} not found")]
    CartonNotFound(String),
    #[error("carton {lpn} is {status}")]
    CartonStatus { lpn: String, status: String },
    #[error("bill {0} not found")]
    BillNotFound(String),
    #[error("bill {bill_no} is {status}, not ready to become {wanted}")]
    BillStatus { bill_no: String, status: String, wanted: String },
    #[error("staff {0} not found")]
    StaffNotFound(String),
    #[error("app {0} not found")]
    AppNotFound(String),
    /// A customer token on a staff route or the other way round.
    #[error("this token may not call this API")]
    WrongPrincipal,
    #[error("invalid product: {0}")]
    Product(#[from] ProductError),
    #[error("too many products in one request")]
    ProductBatchTooLarge,
    #[error("SKU {0} already exists")]
    SkuExists(String),
    #[error("barcode {0} already exists")]
    BarcodeExists(String),
    #[error("SKU {0} not found")]
    SkuNotFound(String),
    #[error("barcode {0} cannot change while stock exists")]
    BarcodeLockedByStock(String),
    #[error("SKU {0} cannot change its type or management flags while stock exists")]
    ProductLockedByStock(String),
    #[error("warehouse {0} not found")]
    WarehouseNotFound(String),
    /// A seller named a warehouse it was not granted (JF 10050).
    #[error("warehouse {0} is not granted to this customer")]
    WarehouseNotGranted(String),
    #[error("this needs role {required}; the caller is {role}")]
    RoleRequired { required: haicang_core::staff::StaffRole, role: haicang_core::staff::StaffRole },
    #[error("warehouse {0} is outside the caller's warehouses")]
    WarehouseOutOfScope(String),
    #[error("customer {0} not found")]
    CustomerNotFound(String),
    #[error("location {0} not found")]
    LocationNotFound(String),
    #[error("insufficient stock of {sku}: requested {requested}, available {available}")]
    InsufficientStock { sku: String, requested: i64, available: i64 },
    #[error("serial numbers of {sku}: {reason}")]
    SerialMismatch { sku: String, reason: String },
    #[error("{sku} is batch managed: give a batch number or an expiry date")]
    BatchRequired { sku: String },
    #[error("{0} already exists")]
    AlreadyExists(String),
    #[error("invalid inbound order: {0}")]
    Inbound(#[from] InboundError),
    #[error("inbound order {0} not found")]
    InboundNotFound(String),
    #[error("inbound order with reference {0} already exists with other contents")]
    InboundReferenceConflict(String),
    #[error("inbound order {order_no} in status {status} does not allow {action:?}")]
    InboundStatus { order_no: String, status: String, action: InboundAction },
    #[error("SKU {0} is not active")]
    SkuInactive(String),
    #[error("warehouse {0} does not accept orders now")]
    WarehouseNotAccepting(String),
    #[error("inbound order {order_no} has no box {code}")]
    BoxNotFound { order_no: String, code: String },
    #[error("{sku} lot {lot_no}: {requested} to put away, {waiting} waiting")]
    PutawayExceeds { sku: String, lot_no: String, waiting: i64, requested: i64 },
    #[error("location {location} may not take these goods: {reason}")]
    LocationNotAllowed { location: String, reason: String },
    #[error("invalid outbound order: {0}")]
    Order(#[from] OrderError),
    #[error("outbound order {0} not found")]
    OutboundNotFound(String),
    #[error("outbound order with reference {0} already exists with other contents")]
    OutboundReferenceConflict(String),
    #[error("outbound order {order_no} in status {status} does not allow {action:?}")]
    OutboundStatus { order_no: String, status: String, action: OutboundAction },
    #[error("outbound order {0} has shipped")]
    OutboundShipped(String),
    #[error("outbound order {0} is cancelled")]
    OutboundCancelled(String),
    #[error("shipping service {0} is not offered")]
    ShippingServiceUnknown(String),
    #[error("shipping service {0} is disabled")]
    ShippingServiceDisabled(String),
    #[error("insufficient stock of {sku}: requested {requested}, available {available}")]
    OutboundInsufficient { sku: String, requested: i64, available: i64 },
    #[error("SKU {0} does not exist")]
    OutboundSkuMissing(String),
    #[error("SKU {0} may not be sold")]
    OutboundSkuBanned(String),
    #[error("at most 100 orders per query")]
    TooManyQueried,
    #[error("an interception of {0} is pending")]
    InterceptPending(String),
    #[error("no interception of {0} is pending")]
    NoInterception(String),
    #[error("pick refused: {0}")]
    PickMismatch(String),
    #[error("pack refused: {0}")]
    Pack(#[from] PackError),
    #[error("pick batch {0} not found")]
    BatchNotFound(i64),
    #[error("no order could be waved: {0}")]
    WaveEmpty(String),
    #[error("tracking number {0} already exists")]
    TrackingExists(String),
    #[error("webhook or delivery {0} not found")]
    WebhookNotFound(String),
    #[error("webhook host {0} does not resolve")]
    WebhookUnresolvable(String),
    #[error("webhook host {host} resolves to {ip}, a {} address", range.name())]
    WebhookAddressRefused { host: String, ip: std::net::IpAddr, range: haicang_core::network::Blocked },
    #[error("the document could not be printed: {0}")]
    Print(String),
    /// Work handed to a blocking thread did not come back (the server is
    /// shutting down).
    #[error("the work was interrupted: {0}")]
    Interrupted(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AppError {
    /// A take refused because it would break a sealed carton: (location,
    /// loose units, requested).
    pub fn sealed(&self) -> Option<(String, i64, i64)> {
        match self {
            AppError::Store(StoreError::Sealed { location, loose, requested }) => {
                Some((location.clone(), *loose, *requested))
            }
            _ => None,
        }
    }

    /// Attaches the SKU to a ledger refusal so the caller learns which line
    /// failed.
    pub(crate) fn from_store_for_sku(e: StoreError, sku: &str) -> AppError {
        match e {
            StoreError::Ledger(
                LedgerError::InsufficientAvailable { requested, available }
                | LedgerError::InsufficientAtLocation { requested, on_hand: available },
            ) => AppError::InsufficientStock { sku: sku.to_owned(), requested, available },
            other => AppError::Store(other),
        }
    }
}
