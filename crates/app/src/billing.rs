//! Billing: the transaction that does billable work also writes its
//! charges (`charge`), each once by its key, each debiting the seller's
//! wallet in the card's currency. A daily run charges storage
//! (`charge_storage_day`). Bills are a seller's month in a currency,
//! opened by their first charge.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use haicang_core::billing::{self as rules, ChargeLine, ChargeType, CreditPolicy, Rates};
use haicang_core::putaway::cm3_from_um;
use haicang_store::billing::{
    self as store, BillFilter, BillRow, CardRow, ChargeFilter, ChargeRow, NewCharge, VersionRow, WalletEntry,
    WalletKind, WalletRow, WalletTransactionRow,
};
use haicang_store::{ListScope, WriteTx, party};

use crate::audit::{self, Actor, Outcome, action};
use crate::{App, AppError, CustomerPrincipal, Page, PageRequest, StaffPrincipal, events, now_ms};

pub const BILL_ISSUED: &str = "bill.issued";
pub const WALLET_LOW_BALANCE: &str = "wallet.low_balance";
/// Longest rate-card code, name, reference or reason.
pub const TEXT_CHARS_MAX: usize = 100;

/// The UTC day of a moment, as charges and cards name days.
pub fn day_of(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().format("%Y-%m-%d").to_string()
}

/// A day as `YYYY-MM-DD`, checked.
pub fn parse_day(field: &'static str, text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::InvalidParam { field, reason: "a day as YYYY-MM-DD".into() })
}

/// First and last day of the month holding `day`.
fn month_of(day: &str) -> (String, String) {
    let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap_or_default();
    let first = d.with_day(1).unwrap_or(d);
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    let last = next.and_then(|n| n.pred_opt()).unwrap_or(first);
    (first.format("%Y-%m-%d").to_string(), last.format("%Y-%m-%d").to_string())
}

/// ISO 4217 code: three capital letters.
fn currency(text: &str) -> Result<String, AppError> {
    let c = text.trim().to_ascii_uppercase();
    if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(AppError::InvalidParam { field: "currency", reason: "an ISO 4217 code such as USD".into() })
    }
}

fn text(field: &'static str, value: &str, required: bool) -> Result<Option<String>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return if required { Err(AppError::MissingParam { field }) } else { Ok(None) };
    }
    if haicang_core::text::char_len(v) > TEXT_CHARS_MAX {
        return Err(AppError::InvalidParam { field, reason: format!("at most {TEXT_CHARS_MAX} characters") });
    }
    Ok(Some(v.to_owned()))
}

/// What caused a charge: its key (unique per cause; each line adds its
/// number), the document and event it points at, who did the work.
pub(crate) struct Cause<'a> {
    pub key: String,
    pub document_type: &'a str,
    pub document_no: &'a str,
    pub event_id: Option<&'a str>,
    pub operator: &'a str,
}

/// Writes the charges `compute` makes from the seller's card in force
/// today, in the caller's transaction. No card at all: nothing is billed.
/// Returns the amount charged now (0 when these charges existed).
pub(crate) async fn charge(
    tx: &mut WriteTx,
    customer: (i64, &str),
    warehouse_id: Option<i64>,
    cause: &Cause<'_>,
    compute: impl FnOnce(&Rates) -> Vec<ChargeLine>,
    now: i64,
) -> Result<i64, AppError> {
    let day = day_of(now);
    let Some((card, version)) = store::card_in_force(tx.conn(), customer.0, &day).await? else {
        return Ok(0);
    };
    let rates = rates_of(&version)?;
    write_lines(tx, customer, warehouse_id, cause, (&card, &version), &day, compute(&rates), now).await
}

fn rates_of(version: &VersionRow) -> Result<Rates, AppError> {
    serde_json::from_str(&version.rates)
        .map_err(|e| AppError::InvalidParam { field: "rates", reason: format!("stored card unreadable: {e}") })
}

#[allow(clippy::too_many_arguments)]
async fn write_lines(
    tx: &mut WriteTx,
    customer: (i64, &str),
    warehouse_id: Option<i64>,
    cause: &Cause<'_>,
    card: (&CardRow, &VersionRow),
    day: &str,
    lines: Vec<ChargeLine>,
    now: i64,
) -> Result<i64, AppError> {
    if lines.is_empty() {
        return Ok(0);
    }
    let (card, version) = card;
    let (from, to) = month_of(day);
    let bill_id = store::open_bill(tx, customer.0, customer.1, &card.currency, (&from, &to), now).await?;
    let mut charged = 0;
    for (i, l) in lines.iter().enumerate() {
        let key = format!("{}/{}", cause.key, i + 1);
        let new = NewCharge {
            charge_key: &key,
            customer_id: customer.0,
            warehouse_id,
            charge_type: l.charge_type,
            currency: &card.currency,
            quantity: l.quantity,
            unit_rate: l.unit_rate,
            amount: l.amount,
            detail: &l.detail,
            document_type: Some(cause.document_type),
            document_no: Some(cause.document_no),
            event_id: cause.event_id,
            rate_card_version_id: Some(version.rate_card_version_id),
            day,
            bill_id,
            operator: cause.operator,
        };
        if let Some(charge_id) = store::insert_charge(tx, &new, now).await? {
            let entry = WalletEntry {
                customer_id: customer.0,
                currency: &card.currency,
                kind: WalletKind::Charge,
                amount: -l.amount,
                reference: Some(&key),
                charge_id: Some(charge_id),
                operator: cause.operator,
            };
            let (balance, credit) = store::apply_to_wallet(tx, &entry, now).await?;
            charged += l.amount;
            // Crossing below zero (balance + credit) tells the seller once
            // per crossing.
            let available_after = balance.saturating_add(credit);
            if available_after < 0 && available_after.saturating_add(l.amount) >= 0 {
                let data = json!({"documentNo": cause.document_no, "currency": card.currency, "balance": balance,
                    "creditLimit": credit, "available": available_after});
                events::write(tx, customer, WALLET_LOW_BALANCE, "", data, now).await?;
            }
        }
    }
    Ok(charged)
}

/// How a card turns into an event's charge lines.
type LinesOf = Box<dyn FnOnce(&Rates) -> Vec<ChargeLine> + Send>;

/// The charges of a business event, from its data: called by
/// `events::emit` in the transaction that did the work, and again by
/// [`App::replay_event_charges`] — the key (`<event id>/<line>`) makes the
/// second time write nothing.
pub(crate) async fn charge_event(
    tx: &mut WriteTx,
    event_id: &str,
    customer: (i64, &str),
    event_type: &str,
    warehouse_code: &str,
    data: &serde_json::Value,
    now: i64,
) -> Result<i64, AppError> {
    let count = |key: &str| data[key].as_i64().unwrap_or(0);
    let per_sku = |key: &str| -> i64 {
        data["skuList"].as_array().map(|list| list.iter().map(|s| s[key].as_i64().unwrap_or(0)).sum()).unwrap_or(0)
    };
    let (document_type, compute): (&str, LinesOf) = match event_type {
        crate::outbound::ORDER_SHIPPED => {
            let shipment =
                rules::Shipment { units: count("units"), lines: count("lines"), weight_g: data["weightG"].as_i64() };
            ("OUTBOUND", Box::new(move |r| rules::outbound_charges(r, shipment)))
        }
        crate::inbound::INBOUND_PUTAWAY => {
            let units = per_sku("thisTimeNum");
            ("INBOUND", Box::new(move |r| rules::putaway_charges(r, units)))
        }
        crate::returns::RETURN_COMPLETED => {
            let (restocked, other) = (per_sku("num"), per_sku("badNum"));
            ("RETURN", Box::new(move |r| rules::return_charges(r, restocked, other)))
        }
        crate::transfers::TRANSFER_SHIPPED => {
            let units = count("units");
            ("TRANSFER", Box::new(move |r| rules::transfer_charges(r, units)))
        }
        crate::work_orders::WORKORDER_COMPLETED => {
            let produced = count("produced");
            ("WORK_ORDER", Box::new(move |r| rules::work_order_charges(r, produced)))
        }
        _ => return Ok(0),
    };
    let document_no = data["orderNo"].as_str().or(data["documentNo"].as_str()).unwrap_or(event_id).to_owned();
    let warehouse_id =
        haicang_store::warehouse::find_warehouse(tx.conn(), warehouse_code).await?.map(|w| w.warehouse_id);
    let cause = Cause {
        key: event_id.to_owned(),
        document_type,
        document_no: &document_no,
        event_id: Some(event_id),
        operator: "system",
    };
    charge(tx, customer, warehouse_id, &cause, compute, now).await
}

/// What an order will be charged against, read before the order's write
/// transaction (the card and the policy change rarely; reading them
/// outside the write lock keeps the lock short).
#[derive(Debug, Clone)]
pub(crate) enum CreditTerms {
    /// No card bills this customer, and none is required.
    Free,
    /// The customer may go below zero.
    Allow,
    /// Refuse an order its wallet cannot pay: `funds` is the wallet's
    /// balance plus credit in `currency` when the terms were read.
    Priced { currency: String, rates: Rates, funds: i64 },
}

pub(crate) async fn credit_terms(
    conn: &mut haicang_store::Conn,
    customer: (i64, &str),
    require_rate_card: bool,
    now: i64,
) -> Result<CreditTerms, AppError> {
    let customer_id = customer.0;
    let Some((card, version)) = store::card_in_force(conn, customer_id, &day_of(now)).await? else {
        return if require_rate_card {
            Err(AppError::NoRateCard(customer.1.to_owned()))
        } else {
            Ok(CreditTerms::Free)
        };
    };
    let (policy, funds) = store::credit_and_funds(conn, customer_id, &card.currency).await?;
    if policy == CreditPolicy::Allow {
        return Ok(CreditTerms::Allow);
    }
    Ok(CreditTerms::Priced { currency: card.currency, rates: rates_of(&version)?, funds: funds.unwrap_or(0) })
}

/// Before a new outbound order: would the seller's balance plus credit
/// fall below zero by what the order will cost (its fee, extra units and
/// lines, label; the weight band is not known yet)? Under the REFUSE
/// policy that is JF's 10049. A customer no card bills is refused (JF
/// 10045, by [`credit_terms`]) when the operator requires a card.
///
/// The wallet is read with the terms, before the order's write
/// transaction, not inside it: this is an admission check (nothing is
/// charged until the order ships), and a charge committed in between is
/// the same as the order arriving a moment earlier. Reading it under the
/// write lock cost every order one more statement there (issue 19).
pub(crate) fn check_credit(terms: &CreditTerms, shape: (i64, i64)) -> Result<(), AppError> {
    let CreditTerms::Priced { currency, rates, funds } = terms else { return Ok(()) };
    let (units, lines) = shape;
    let cost: i64 =
        rules::outbound_charges(rates, rules::Shipment { units, lines, weight_g: None }).iter().map(|l| l.amount).sum();
    if funds.saturating_sub(cost) < 0 {
        return Err(AppError::InsufficientBalance { currency: currency.clone(), available: *funds, needed: cost });
    }
    Ok(())
}

/// What a day of storage charged: sellers and lines written now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StorageRun {
    pub day: String,
    pub sellers: usize,
    pub lines: usize,
    pub amount_by_currency: BTreeMap<String, i64>,
    /// The day had been charged already: nothing was written.
    pub already_done: bool,
}

/// Who changes rate cards: staff over HTTP, or the operator at the
/// command line.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    Staff(&'a StaffPrincipal),
    Cli,
}

impl By<'_> {
    fn check(&self) -> Result<(), AppError> {
        match self {
            By::Staff(staff) => require_all_warehouses(staff),
            By::Cli => Ok(()),
        }
    }

    fn actor(&self) -> Actor<'_> {
        match self {
            By::Staff(staff) => Actor::staff(staff),
            By::Cli => Actor::cli(),
        }
    }

    fn name(&self) -> String {
        match self {
            By::Staff(staff) => staff.username.clone(),
            By::Cli => "cli".into(),
        }
    }
}

/// `POST /ops/rate-cards` as asked.
#[derive(Debug, Clone)]
pub struct NewRateCard<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub currency: &'a str,
    pub is_default: bool,
    pub effective_from: &'a str,
    pub rates: &'a Rates,
}

/// A rate card with its versions.
#[derive(Debug, Clone)]
pub struct CardDetail {
    pub card: CardRow,
    pub versions: Vec<VersionRow>,
}

/// A seller's money: wallets and policy.
#[derive(Debug, Clone)]
pub struct WalletView {
    pub wallets: Vec<WalletRow>,
    pub policy: CreditPolicy,
}

/// A bill with its charges and the wallet around its period.
#[derive(Debug, Clone)]
pub struct BillDetail {
    pub bill: BillRow,
    pub charges: Vec<ChargeRow>,
    pub opening_balance: i64,
    pub top_ups: i64,
    pub refunds: i64,
    pub closing_balance: i64,
}

fn day_start_ms(day: &str) -> i64 {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0)
}

const DAY_MS: i64 = 86_400_000;

/// A seller's stock in a warehouse for storage: its code and (age in
/// days, cm³) per lot.
type HeldBySeller = (String, Vec<(i64, i64)>);

/// Billing is the operator's business across warehouses: staff limited to
/// some warehouses may not run it (10069 naming ALL).
pub fn require_all_warehouses(staff: &StaffPrincipal) -> Result<(), AppError> {
    if staff.warehouses.ids().is_some() {
        return Err(AppError::WarehouseOutOfScope("ALL".into()));
    }
    Ok(())
}

impl App {
    /// `POST /ops/rate-cards` (ADMIN): a card with its first version.
    pub async fn create_rate_card(&self, by: By<'_>, new: &NewRateCard<'_>) -> Result<CardDetail, AppError> {
        by.check()?;
        let code = text("code", new.code, true)?.unwrap_or_default().to_ascii_uppercase();
        let name = text("name", new.name, true)?.unwrap_or_default();
        let currency = currency(new.currency)?;
        let from = parse_day("effectiveFrom", new.effective_from)?.format("%Y-%m-%d").to_string();
        let (rates, is_default) = (new.rates, new.is_default);
        rates.check().map_err(|e| AppError::InvalidParam { field: "rates", reason: e.to_string() })?;
        let json = serde_json::to_string(rates).unwrap_or_default();
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        if store::find_card(tx.conn(), &code).await?.is_some() {
            return Err(AppError::RateCardExists(code));
        }
        let id = store::insert_card(&mut tx, &code, &name, &currency, is_default, now).await?;
        store::insert_version(&mut tx, id, &from, &json, &by.name(), now).await?;
        let detail = json!({"currency": currency, "default": is_default, "effectiveFrom": from, "rates": rates});
        audit::record(tx.conn(), &by.actor(), action::RATE_CARD, &code, Outcome::Success, detail).await?;
        tx.commit().await?;
        self.rate_card(&code).await
    }

    /// `POST /ops/rate-cards/{card}/versions` (ADMIN): charges already
    /// made keep the version they were made under.
    pub async fn add_rate_card_version(
        &self,
        by: By<'_>,
        code: &str,
        effective_from: &str,
        rates: &Rates,
    ) -> Result<CardDetail, AppError> {
        by.check()?;
        let from = parse_day("effectiveFrom", effective_from)?.format("%Y-%m-%d").to_string();
        rates.check().map_err(|e| AppError::InvalidParam { field: "rates", reason: e.to_string() })?;
        let json = serde_json::to_string(rates).unwrap_or_default();
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let card = store::find_card(tx.conn(), code.trim())
            .await?
            .ok_or_else(|| AppError::RateCardNotFound(code.trim().to_owned()))?;
        let version = store::insert_version(&mut tx, card.rate_card_id, &from, &json, &by.name(), now).await?;
        let detail = json!({"version": version, "effectiveFrom": from, "rates": rates});
        audit::record(tx.conn(), &by.actor(), action::RATE_CARD, &card.code, Outcome::Success, detail).await?;
        tx.commit().await?;
        self.rate_card(&card.code).await
    }

    pub async fn rate_card(&self, code: &str) -> Result<CardDetail, AppError> {
        let mut conn = self.store.read().await?;
        let card = store::find_card(&mut conn, code.trim())
            .await?
            .ok_or_else(|| AppError::RateCardNotFound(code.trim().to_owned()))?;
        let versions = store::versions(&mut conn, card.rate_card_id).await?;
        Ok(CardDetail { card, versions })
    }

    pub async fn rate_cards(&self) -> Result<Vec<CardDetail>, AppError> {
        let mut conn = self.store.read().await?;
        let mut out = Vec::new();
        for card in store::cards(&mut conn).await? {
            let versions = store::versions(&mut conn, card.rate_card_id).await?;
            out.push(CardDetail { card, versions });
        }
        Ok(out)
    }

    /// `PUT /ops/customers/{customer}/rate-card` (ADMIN).
    pub async fn assign_rate_card(
        &self,
        by: By<'_>,
        customer_code: &str,
        card_code: &str,
    ) -> Result<CardDetail, AppError> {
        by.check()?;
        let mut tx = self.store.begin_write().await?;
        let customer = party::find_customer(tx.conn(), customer_code.trim())
            .await?
            .ok_or_else(|| AppError::CustomerNotFound(customer_code.trim().to_owned()))?;
        let card = store::find_card(tx.conn(), card_code.trim())
            .await?
            .ok_or_else(|| AppError::RateCardNotFound(card_code.trim().to_owned()))?;
        store::set_customer_card(&mut tx, customer.customer_id, card.rate_card_id).await?;
        let actor = by.actor().for_customer(customer.customer_id);
        let detail = json!({"rateCard": card.code});
        audit::record(tx.conn(), &actor, action::RATE_CARD_ASSIGNED, &customer.code, Outcome::Success, detail).await?;
        tx.commit().await?;
        self.rate_card(&card.code).await
    }

    /// `POST /ops/customers/{customer}/wallet/top-ups` (SUPERVISOR): money in
    /// (positive) or refunded out (negative), with the payment reference.
    pub async fn top_up(
        &self,
        staff: &StaffPrincipal,
        customer_code: &str,
        currency_code: &str,
        amount: i64,
        reference: &str,
    ) -> Result<WalletView, AppError> {
        require_all_warehouses(staff)?;
        let currency = currency(currency_code)?;
        let reference = text("reference", reference, true)?.unwrap_or_default();
        if amount == 0 || amount.unsigned_abs() > rules::RATE_MAX as u64 {
            return Err(AppError::InvalidParam {
                field: "amount",
                reason: format!("not 0, at most {} minor units either way", rules::RATE_MAX),
            });
        }
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let customer = party::find_customer(tx.conn(), customer_code.trim())
            .await?
            .ok_or_else(|| AppError::CustomerNotFound(customer_code.trim().to_owned()))?;
        let kind = if amount > 0 { WalletKind::TopUp } else { WalletKind::Refund };
        let operator = staff.operator();
        let entry = WalletEntry {
            customer_id: customer.customer_id,
            currency: &currency,
            kind,
            amount,
            reference: Some(&reference),
            charge_id: None,
            operator: &operator,
        };
        let (balance, _) = store::apply_to_wallet(&mut tx, &entry, now).await?;
        let actor = Actor::staff(staff).for_customer(customer.customer_id);
        let detail = json!({"currency": currency, "amount": amount, "balance": balance, "reference": reference});
        audit::record(tx.conn(), &actor, action::WALLET_TOP_UP, &customer.code, Outcome::Success, detail).await?;
        tx.commit().await?;
        self.wallet_of(customer.customer_id).await
    }

    /// `PUT /ops/customers/{customer}/credit` (ADMIN): credit limit in a
    /// currency and what happens to orders past it.
    pub async fn set_credit(
        &self,
        staff: &StaffPrincipal,
        customer_code: &str,
        currency_code: &str,
        credit_limit: i64,
        policy: CreditPolicy,
    ) -> Result<WalletView, AppError> {
        require_all_warehouses(staff)?;
        let currency = currency(currency_code)?;
        if !(0..=rules::RATE_MAX).contains(&credit_limit) {
            return Err(AppError::InvalidParam {
                field: "creditLimit",
                reason: format!("0 to {} minor units", rules::RATE_MAX),
            });
        }
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let customer = party::find_customer(tx.conn(), customer_code.trim())
            .await?
            .ok_or_else(|| AppError::CustomerNotFound(customer_code.trim().to_owned()))?;
        store::set_credit_limit(&mut tx, customer.customer_id, &currency, credit_limit, now).await?;
        store::set_credit_policy(&mut tx, customer.customer_id, policy).await?;
        let actor = Actor::staff(staff).for_customer(customer.customer_id);
        let detail = json!({"currency": currency, "creditLimit": credit_limit, "policy": policy.as_str()});
        audit::record(tx.conn(), &actor, action::CREDIT_LIMIT, &customer.code, Outcome::Success, detail).await?;
        tx.commit().await?;
        self.wallet_of(customer.customer_id).await
    }

    /// `POST /ops/charges` (SUPERVISOR): a value-added service, with its
    /// reason, in minor units of the seller's card currency.
    #[allow(clippy::too_many_arguments)]
    pub async fn charge_service(
        &self,
        staff: &StaffPrincipal,
        customer_code: &str,
        warehouse_code: &str,
        amount: i64,
        reason: &str,
        document_no: Option<&str>,
    ) -> Result<ChargeRow, AppError> {
        let reason = text("reason", reason, true)?.unwrap_or_default();
        let document_no = match document_no {
            Some(d) => text("documentNo", d, false)?,
            None => None,
        };
        if !(1..=rules::RATE_MAX).contains(&amount) {
            return Err(AppError::InvalidParam {
                field: "amount",
                reason: format!("1 to {} minor units", rules::RATE_MAX),
            });
        }
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let customer = party::find_customer(tx.conn(), customer_code.trim())
            .await?
            .ok_or_else(|| AppError::CustomerNotFound(customer_code.trim().to_owned()))?;
        let w =
            crate::warehouses::enabled_warehouse_for(tx.conn(), crate::Viewer::Staff(staff), warehouse_code).await?;
        let day = day_of(now);
        let (card, version) = store::card_in_force(tx.conn(), customer.customer_id, &day)
            .await?
            .ok_or_else(|| AppError::NoRateCard(customer.code.clone()))?;
        let key = format!("vas/{}", crate::auth::random_token());
        let operator = staff.operator();
        let document = document_no.clone().unwrap_or_else(|| key.clone());
        let cause = Cause {
            key: key.clone(),
            document_type: "VAS",
            document_no: &document,
            event_id: None,
            operator: &operator,
        };
        let line =
            ChargeLine { charge_type: ChargeType::Vas, quantity: 1, unit_rate: amount, amount, detail: reason.clone() };
        let customer_ref = (customer.customer_id, customer.code.as_str());
        write_lines(&mut tx, customer_ref, Some(w.warehouse_id), &cause, (&card, &version), &day, vec![line], now)
            .await?;
        let actor = Actor::staff(staff).for_customer(customer.customer_id);
        let detail = json!({"amount": amount, "currency": card.currency, "reason": reason, "documentNo": document_no});
        audit::record(tx.conn(), &actor, action::SERVICE_CHARGE, &document, Outcome::Success, detail).await?;
        tx.commit().await?;
        // The one line of a service charge is `<key>/1`.
        let charge = store::charge_by_key(&mut *self.store.read().await?, &format!("{key}/1")).await?;
        charge.ok_or_else(|| AppError::Store(haicang_store::StoreError::Conflict("service charge not written".into())))
    }

    /// Charges storage for `day`: every lot held now, at its age on that
    /// day, per seller and warehouse, one line per age tier. Once per day
    /// (a second run writes nothing). Stock is read as it is when the run
    /// happens: run it at the day's end (`serve` does, for yesterday).
    pub async fn charge_storage_day(&self, actor: &Actor<'_>, day: &str) -> Result<StorageRun, AppError> {
        let date = parse_day("date", day)?;
        let day = date.format("%Y-%m-%d").to_string();
        let mut run = StorageRun { day: day.clone(), ..Default::default() };
        if store::storage_day_done(&mut *self.store.read().await?, &day).await? {
            run.already_done = true;
            return Ok(run);
        }
        let held = store::held_stock(&mut *self.store.read().await?).await?;
        let day_end = day_start_ms(&day) + DAY_MS;
        // (customer, warehouse) → (code, [(age days, cm³)])
        let mut per_seller: BTreeMap<(i64, i64), HeldBySeller> = BTreeMap::new();
        for h in held {
            let unit = match (h.length_um, h.width_um, h.height_um) {
                (Some(l), Some(w), Some(d)) => cm3_from_um(l, w, d),
                _ => 0,
            };
            let age = ((day_end - h.inbound_at) / DAY_MS).max(0);
            let entry =
                per_seller.entry((h.customer_id, h.warehouse_id)).or_insert_with(|| (h.customer_code, Vec::new()));
            entry.1.push((age, unit.saturating_mul(h.units)));
        }
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let mut cards: BTreeMap<i64, Option<(CardRow, VersionRow, Rates)>> = BTreeMap::new();
        for ((customer_id, warehouse_id), (code, lots)) in per_seller {
            if let std::collections::btree_map::Entry::Vacant(slot) = cards.entry(customer_id) {
                let found = match store::card_in_force(tx.conn(), customer_id, &day).await? {
                    Some((card, version)) => {
                        let rates = rates_of(&version)?;
                        Some((card, version, rates))
                    }
                    None => None,
                };
                slot.insert(found);
            }
            let Some((card, version, rates)) = &cards[&customer_id] else { continue };
            let lines = rules::storage_charges(rates, lots);
            if lines.is_empty() {
                continue;
            }
            let key = format!("storage/{day}/{customer_id}/{warehouse_id}");
            let document = format!("ST-{}", day.replace('-', ""));
            let cause =
                Cause { key, document_type: "STORAGE", document_no: &document, event_id: None, operator: "system" };
            let count = lines.len();
            let charged = write_lines(
                &mut tx,
                (customer_id, &code),
                Some(warehouse_id),
                &cause,
                (card, version),
                &day,
                lines,
                now,
            )
            .await?;
            run.sellers += 1;
            run.lines += count;
            *run.amount_by_currency.entry(card.currency.clone()).or_default() += charged;
        }
        store::mark_storage_day(&mut tx, &day, now).await?;
        let detail = json!({"sellers": run.sellers, "lines": run.lines, "amounts": run.amount_by_currency});
        audit::record(tx.conn(), actor, action::STORAGE_RUN, &day, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(run)
    }

    /// Every day since the last charged one up to `through` (at most a
    /// year back), oldest first: a missed day is caught up.
    pub async fn catch_up_storage(&self, actor: &Actor<'_>, through: &str) -> Result<Vec<StorageRun>, AppError> {
        let through = parse_day("date", through)?;
        let last = store::last_storage_day(&mut *self.store.read().await?).await?;
        let mut day = match last.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()) {
            Some(d) => d.succ_opt().unwrap_or(d),
            None => through,
        };
        let oldest = through - chrono::Days::new(366);
        if day < oldest {
            day = oldest;
        }
        let mut runs = Vec::new();
        while day <= through {
            runs.push(self.charge_storage_day(actor, &day.format("%Y-%m-%d").to_string()).await?);
            day = match day.succ_opt() {
                Some(d) => d,
                None => break,
            };
        }
        Ok(runs)
    }

    /// Charges every stored event again (after a crash between work and
    /// billing could not happen — they share a transaction — this is the
    /// check that billing is idempotent, and the repair after a card was
    /// assigned late): only charges not made yet are written. Returns the
    /// amount newly charged.
    pub async fn replay_event_charges(&self) -> Result<i64, AppError> {
        let rows = haicang_store::outbox::all_events(&mut *self.store.read().await?).await?;
        let mut charged = 0;
        for row in rows {
            let payload: serde_json::Value = serde_json::from_str(&row.payload).unwrap_or_default();
            let mut tx = self.store.begin_write().await?;
            let code = payload["customerCode"].as_str().unwrap_or("").to_owned();
            let warehouse = payload["warehouseCode"].as_str().unwrap_or("").to_owned();
            charged += charge_event(
                &mut tx,
                &row.event_id,
                (row.customer_id, &code),
                &row.event_type,
                &warehouse,
                &payload["data"],
                row.created_at,
            )
            .await?;
            tx.commit().await?;
        }
        Ok(charged)
    }

    async fn wallet_of(&self, customer_id: i64) -> Result<WalletView, AppError> {
        let mut conn = self.store.read().await?;
        Ok(WalletView {
            wallets: store::wallets(&mut conn, customer_id).await?,
            policy: store::credit_policy(&mut conn, customer_id).await?,
        })
    }

    /// `GET /wallet`.
    pub async fn wallet(&self, customer: &CustomerPrincipal) -> Result<WalletView, AppError> {
        self.wallet_of(customer.customer_id).await
    }

    pub async fn wallet_transactions(
        &self,
        customer: &CustomerPrincipal,
        page: PageRequest,
    ) -> Result<Page<WalletTransactionRow>, AppError> {
        let (rows, total) =
            store::wallet_transactions(&mut *self.store.read().await?, customer.customer_id, page).await?;
        Ok(Page::new(rows, page, total))
    }

    /// `GET /charges` (a seller's own) and `GET /ops/charges?customerCode=`.
    pub async fn charges(
        &self,
        customer_id: Option<i64>,
        filter: &ChargeFilter,
        page: PageRequest,
    ) -> Result<Page<ChargeRow>, AppError> {
        let scope = ListScope { customer_id, warehouse_ids: None };
        let (rows, total) = store::list_charges(&mut *self.store.read().await?, &scope, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    pub async fn bills(
        &self,
        customer_id: Option<i64>,
        filter: &BillFilter,
        page: PageRequest,
    ) -> Result<Page<BillRow>, AppError> {
        let (rows, total) = store::list_bills(&mut *self.store.read().await?, customer_id, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }

    /// A bill with its charges, the balance before its period, top-ups and
    /// refunds within it, and the balance at its end (or now, while OPEN).
    pub async fn bill(&self, customer_id: Option<i64>, bill_no: &str) -> Result<BillDetail, AppError> {
        let mut conn = self.store.read().await?;
        let bill = store::find_bill(&mut conn, bill_no.trim(), customer_id)
            .await?
            .ok_or_else(|| AppError::BillNotFound(bill_no.trim().to_owned()))?;
        let charges = store::charges_of_bill(&mut conn, bill.bill_id).await?;
        let start = day_start_ms(&bill.period_from);
        let end = day_start_ms(&bill.period_to) + DAY_MS;
        let opening_balance = store::balance_before(&mut conn, bill.customer_id, &bill.currency, start).await?;
        let (top_ups, refunds) =
            store::wallet_movements_between(&mut conn, bill.customer_id, &bill.currency, start, end).await?;
        let closing_balance = store::balance_before(&mut conn, bill.customer_id, &bill.currency, end).await?;
        Ok(BillDetail { bill, charges, opening_balance, top_ups, refunds, closing_balance })
    }

    /// `POST /ops/bills/{no}/issue` and `/pay` (SUPERVISOR): OPEN → ISSUED
    /// (`bill.issued` to the seller) → PAID.
    pub async fn step_bill(&self, staff: &StaffPrincipal, bill_no: &str, to: &str) -> Result<BillDetail, AppError> {
        require_all_warehouses(staff)?;
        let from = if to == "ISSUED" { "OPEN" } else { "ISSUED" };
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let bill = store::find_bill(tx.conn(), bill_no.trim(), None)
            .await?
            .ok_or_else(|| AppError::BillNotFound(bill_no.trim().to_owned()))?;
        if !store::step_bill(&mut tx, bill.bill_id, from, to, now).await? {
            return Err(AppError::BillStatus { bill_no: bill.bill_no, status: bill.status, wanted: to.to_owned() });
        }
        if to == "ISSUED" {
            let data = json!({"billNo": bill.bill_no, "documentNo": bill.bill_no, "currency": bill.currency, "periodFrom": bill.period_from,
                "periodTo": bill.period_to, "amount": bill.charged});
            events::emit(&mut tx, (bill.customer_id, &bill.customer_code), BILL_ISSUED, "", data, now).await?;
        }
        let actor = Actor::staff(staff).for_customer(bill.customer_id);
        let detail = json!({"status": {"before": bill.status, "after": to}});
        audit::record(tx.conn(), &actor, action::BILL_STATUS, &bill.bill_no, Outcome::Success, detail).await?;
        tx.commit().await?;
        self.bill(None, bill_no).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        assert_eq!(month_of("2026-11-30"), ("2026-11-01".into(), "2026-11-30".into()));
        assert_eq!(month_of("2026-12-05"), ("2026-12-01".into(), "2026-12-31".into()));
        assert_eq!(month_of("2028-02-10"), ("2028-02-01".into(), "2028-02-29".into()));
    }
}
