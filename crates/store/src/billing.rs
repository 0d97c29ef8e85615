//! Rate cards, charges, wallets and bills. A charge is inserted once by its
//! key (`ON CONFLICT DO NOTHING`); only a charge actually inserted debits
//! the wallet, so replaying whatever made it changes nothing.

use sqlx::{AnyConnection, FromRow};

use haicang_core::billing::{ChargeType, CreditPolicy};

use crate::{Arg, Filter, ListScope, PageRequest, StoreError, WriteTx};

#[derive(Debug, Clone, FromRow)]
pub struct CardRow {
    pub rate_card_id: i64,
    pub code: String,
    pub name: String,
    pub currency: String,
    pub is_default: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct VersionRow {
    pub rate_card_version_id: i64,
    pub rate_card_id: i64,
    pub version: i64,
    pub effective_from: String,
    pub rates: String,
    pub created_by: String,
    pub created_at: i64,
}

const CARD_COLUMNS: &str = "rate_card_id, code, name, currency, is_default, created_at";
const VERSION_COLUMNS: &str =
    "rate_card_version_id, rate_card_id, version, effective_from, rates, created_by, created_at";

pub async fn insert_card(
    tx: &mut WriteTx,
    code: &str,
    name: &str,
    currency: &str,
    is_default: bool,
    now: i64,
) -> Result<i64, StoreError> {
    if is_default {
        sqlx::query("UPDATE rate_card SET is_default = 0 WHERE is_default = 1").execute(tx.conn()).await?;
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO rate_card (code, name, currency, is_default, created_at) VALUES ($1, $2, $3, $4, $5) \
         RETURNING rate_card_id",
    )
    .bind(code)
    .bind(name)
    .bind(currency)
    .bind(i64::from(is_default))
    .bind(now)
    .fetch_one(tx.conn())
    .await?)
}

/// The next version of a card (1 for a new card).
pub async fn insert_version(
    tx: &mut WriteTx,
    rate_card_id: i64,
    effective_from: &str,
    rates: &str,
    created_by: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let last: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM rate_card_version WHERE rate_card_id = $1")
        .bind(rate_card_id)
        .fetch_one(tx.conn())
        .await?;
    let version = last.unwrap_or(0) + 1;
    sqlx::query(
        "INSERT INTO rate_card_version (rate_card_id, version, effective_from, rates, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(rate_card_id)
    .bind(version)
    .bind(effective_from)
    .bind(rates)
    .bind(created_by)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(version)
}

pub async fn find_card(conn: &mut AnyConnection, code: &str) -> Result<Option<CardRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {CARD_COLUMNS} FROM rate_card WHERE code = $1"))
        .bind(code)
        .fetch_optional(conn)
        .await?)
}

pub async fn cards(conn: &mut AnyConnection) -> Result<Vec<CardRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {CARD_COLUMNS} FROM rate_card ORDER BY code")).fetch_all(conn).await?)
}

pub async fn versions(conn: &mut AnyConnection, rate_card_id: i64) -> Result<Vec<VersionRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM rate_card_version WHERE rate_card_id = $1 ORDER BY version"
    ))
    .bind(rate_card_id)
    .fetch_all(conn)
    .await?)
}

pub async fn set_customer_card(tx: &mut WriteTx, customer_id: i64, rate_card_id: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE customer SET rate_card_id = $1 WHERE customer_id = $2")
        .bind(rate_card_id)
        .bind(customer_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The card that bills a customer on `day` — its own, else the default —
/// in the version in force that day.
pub async fn card_in_force(
    conn: &mut AnyConnection,
    customer_id: i64,
    day: &str,
) -> Result<Option<(CardRow, VersionRow)>, StoreError> {
    // One read (every order reads it): the customer's card, else the
    // default, joined to its version in force on `day`.
    type Row = (i64, String, String, String, i64, i64, i64, i64, String, String, String, i64);
    let row: Option<Row> = sqlx::query_as(
        "SELECT c.rate_card_id, c.code, c.name, c.currency, c.is_default, c.created_at, \
         v.rate_card_version_id, v.version, v.effective_from, v.rates, v.created_by, v.created_at \
         FROM rate_card c JOIN rate_card_version v ON v.rate_card_id = c.rate_card_id \
         WHERE c.rate_card_id = COALESCE((SELECT rate_card_id FROM customer WHERE customer_id = $1), \
                                         (SELECT rate_card_id FROM rate_card WHERE is_default = 1)) \
         AND v.effective_from <= $2 ORDER BY v.effective_from DESC, v.version DESC LIMIT 1",
    )
    .bind(customer_id)
    .bind(day)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(rate_card_id, code, name, currency, is_default, created_at, id, version, from, rates, by, at)| {
        (
            CardRow { rate_card_id, code, name, currency, is_default, created_at },
            VersionRow {
                rate_card_version_id: id,
                rate_card_id,
                version,
                effective_from: from,
                rates,
                created_by: by,
                created_at: at,
            },
        )
    }))
}

pub async fn credit_policy(conn: &mut AnyConnection, customer_id: i64) -> Result<CreditPolicy, StoreError> {
    let text: String = sqlx::query_scalar("SELECT credit_policy FROM customer WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_one(conn)
        .await?;
    Ok(CreditPolicy::parse(&text).unwrap_or(CreditPolicy::Refuse))
}

/// The customer's credit policy and the funds (balance + credit limit,
/// `None` without a wallet) of its wallet in `currency`, in one read.
pub async fn credit_and_funds(
    conn: &mut AnyConnection,
    customer_id: i64,
    currency: &str,
) -> Result<(CreditPolicy, Option<i64>), StoreError> {
    let (text, balance, limit): (String, Option<i64>, Option<i64>) = sqlx::query_as(
        "SELECT c.credit_policy, w.balance, w.credit_limit FROM customer c \
         LEFT JOIN wallet w ON w.customer_id = c.customer_id AND w.currency = $2 WHERE c.customer_id = $1",
    )
    .bind(customer_id)
    .bind(currency)
    .fetch_one(conn)
    .await?;
    let funds = balance.zip(limit).map(|(b, l)| b.saturating_add(l));
    Ok((CreditPolicy::parse(&text).unwrap_or(CreditPolicy::Refuse), funds))
}

pub async fn set_credit_policy(tx: &mut WriteTx, customer_id: i64, policy: CreditPolicy) -> Result<(), StoreError> {
    sqlx::query("UPDATE customer SET credit_policy = $1 WHERE customer_id = $2")
        .bind(policy.as_str())
        .bind(customer_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The bill of a customer's month in a currency, opened on first use.
pub async fn open_bill(
    tx: &mut WriteTx,
    customer_id: i64,
    customer_code: &str,
    currency: &str,
    period: (&str, &str),
    now: i64,
) -> Result<i64, StoreError> {
    let (from, to) = period;
    let month: String = from.chars().filter(char::is_ascii_digit).take(6).collect();
    let bill_no = format!("BL-{customer_code}-{month}-{currency}");
    sqlx::query(
        "INSERT INTO bill (bill_no, customer_id, currency, period_from, period_to, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'OPEN', $6) ON CONFLICT (customer_id, currency, period_from) DO NOTHING",
    )
    .bind(&bill_no)
    .bind(customer_id)
    .bind(currency)
    .bind(from)
    .bind(to)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(sqlx::query_scalar("SELECT bill_id FROM bill WHERE customer_id = $1 AND currency = $2 AND period_from = $3")
        .bind(customer_id)
        .bind(currency)
        .bind(from)
        .fetch_one(tx.conn())
        .await?)
}

pub struct NewCharge<'a> {
    pub charge_key: &'a str,
    pub customer_id: i64,
    pub warehouse_id: Option<i64>,
    pub charge_type: ChargeType,
    pub currency: &'a str,
    pub quantity: i64,
    pub unit_rate: i64,
    pub amount: i64,
    pub detail: &'a str,
    pub document_type: Option<&'a str>,
    pub document_no: Option<&'a str>,
    pub event_id: Option<&'a str>,
    pub rate_card_version_id: Option<i64>,
    pub day: &'a str,
    pub bill_id: i64,
    pub operator: &'a str,
}

/// Inserts the charge unless its key exists: `Some(id)` when inserted.
pub async fn insert_charge(tx: &mut WriteTx, c: &NewCharge<'_>, now: i64) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO charge (charge_key, customer_id, warehouse_id, charge_type, currency, quantity, unit_rate, \
         amount, detail, document_type, document_no, event_id, rate_card_version_id, day, bill_id, operator, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
         ON CONFLICT (charge_key) DO NOTHING RETURNING charge_id",
    )
    .bind(c.charge_key)
    .bind(c.customer_id)
    .bind(c.warehouse_id)
    .bind(c.charge_type.as_str())
    .bind(c.currency)
    .bind(c.quantity)
    .bind(c.unit_rate)
    .bind(c.amount)
    .bind(c.detail)
    .bind(c.document_type)
    .bind(c.document_no)
    .bind(c.event_id)
    .bind(c.rate_card_version_id)
    .bind(c.day)
    .bind(c.bill_id)
    .bind(c.operator)
    .bind(now)
    .fetch_optional(tx.conn())
    .await?)
}

#[derive(Debug, Clone, Copy)]
pub enum WalletKind {
    TopUp,
    Refund,
    Charge,
}

impl WalletKind {
    fn as_str(self) -> &'static str {
        match self {
            WalletKind::TopUp => "TOPUP",
            WalletKind::Refund => "REFUND",
            WalletKind::Charge => "CHARGE",
        }
    }
}

pub struct WalletEntry<'a> {
    pub customer_id: i64,
    pub currency: &'a str,
    pub kind: WalletKind,
    /// Signed: + for top-ups, − for charges and refunds paid out.
    pub amount: i64,
    pub reference: Option<&'a str>,
    pub charge_id: Option<i64>,
    pub operator: &'a str,
}

/// Changes the balance (the wallet opens at 0 on first use) and records
/// the transaction; the new balance and the credit limit.
pub async fn apply_to_wallet(tx: &mut WriteTx, e: &WalletEntry<'_>, now: i64) -> Result<(i64, i64), StoreError> {
    let (balance, credit_limit): (i64, i64) = sqlx::query_as(
        "INSERT INTO wallet (customer_id, currency, balance, credit_limit, updated_at) VALUES ($1, $2, $3, 0, $4) \
         ON CONFLICT (customer_id, currency) DO UPDATE SET balance = wallet.balance + excluded.balance, \
         updated_at = excluded.updated_at RETURNING balance, credit_limit",
    )
    .bind(e.customer_id)
    .bind(e.currency)
    .bind(e.amount)
    .bind(now)
    .fetch_one(tx.conn())
    .await?;
    sqlx::query(
        "INSERT INTO wallet_transaction (customer_id, currency, kind, amount, balance_after, reference, charge_id, \
         operator, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(e.customer_id)
    .bind(e.currency)
    .bind(e.kind.as_str())
    .bind(e.amount)
    .bind(balance)
    .bind(e.reference)
    .bind(e.charge_id)
    .bind(e.operator)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok((balance, credit_limit))
}

pub async fn set_credit_limit(
    tx: &mut WriteTx,
    customer_id: i64,
    currency: &str,
    credit_limit: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO wallet (customer_id, currency, balance, credit_limit, updated_at) VALUES ($1, $2, 0, $3, $4) \
         ON CONFLICT (customer_id, currency) DO UPDATE SET credit_limit = excluded.credit_limit, \
         updated_at = excluded.updated_at",
    )
    .bind(customer_id)
    .bind(currency)
    .bind(credit_limit)
    .bind(now)
    .execute(tx.conn())
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct WalletRow {
    pub currency: String,
    pub balance: i64,
    pub credit_limit: i64,
    pub updated_at: i64,
}

pub async fn wallets(conn: &mut AnyConnection, customer_id: i64) -> Result<Vec<WalletRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT currency, balance, credit_limit, updated_at FROM wallet WHERE customer_id = $1 ORDER BY currency",
    )
    .bind(customer_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct WalletTransactionRow {
    pub wallet_transaction_id: i64,
    pub currency: String,
    pub kind: String,
    pub amount: i64,
    pub balance_after: i64,
    pub reference: Option<String>,
    pub charge_id: Option<i64>,
    pub operator: String,
    pub created_at: i64,
}

pub async fn wallet_transactions(
    conn: &mut AnyConnection,
    customer_id: i64,
    page: PageRequest,
) -> Result<(Vec<WalletTransactionRow>, i64), StoreError> {
    let mut f = Filter::default();
    f.and("customer_id = ?", [Arg::Int(customer_id)]);
    f.page(
        conn,
        "wallet_transaction_id, currency, kind, amount, balance_after, reference, charge_id, operator, created_at",
        "wallet_transaction",
        "wallet_transaction_id DESC",
        page,
    )
    .await
}

#[derive(Debug, Clone, FromRow)]
pub struct ChargeRow {
    pub charge_id: i64,
    pub customer_code: String,
    pub warehouse_code: Option<String>,
    #[sqlx(try_from = "String")]
    pub charge_type: ChargeType,
    pub currency: String,
    pub quantity: i64,
    pub unit_rate: i64,
    pub amount: i64,
    pub detail: String,
    pub document_type: Option<String>,
    pub document_no: Option<String>,
    pub event_id: Option<String>,
    pub rate_card_version: Option<i64>,
    pub day: String,
    pub bill_no: String,
    pub operator: String,
    pub created_at: i64,
}

const CHARGE_COLUMNS: &str = "ch.charge_id, c.code AS customer_code, w.code AS warehouse_code, ch.charge_type, \
     ch.currency, ch.quantity, ch.unit_rate, ch.amount, ch.detail, ch.document_type, ch.document_no, ch.event_id, \
     v.version AS rate_card_version, ch.day, b.bill_no, ch.operator, ch.created_at";
const CHARGE_FROM: &str = "charge ch JOIN customer c ON c.customer_id = ch.customer_id \
     LEFT JOIN warehouse w ON w.warehouse_id = ch.warehouse_id \
     LEFT JOIN rate_card_version v ON v.rate_card_version_id = ch.rate_card_version_id \
     JOIN bill b ON b.bill_id = ch.bill_id";

#[derive(Debug, Clone, Default)]
pub struct ChargeFilter {
    pub document_no: Option<String>,
    pub charge_type: Option<ChargeType>,
    /// Days, inclusive, YYYY-MM-DD.
    pub from_day: Option<String>,
    pub to_day: Option<String>,
    pub bill_no: Option<String>,
}

pub async fn list_charges(
    conn: &mut AnyConnection,
    scope: &ListScope,
    filter: &ChargeFilter,
    page: PageRequest,
) -> Result<(Vec<ChargeRow>, i64), StoreError> {
    let mut f = Filter::default();
    if let Some(id) = scope.customer_id {
        f.and("ch.customer_id = ?", [Arg::Int(id)]);
    }
    if let Some(no) = &filter.document_no {
        f.and("ch.document_no = ?", [Arg::Text(no.clone())]);
    }
    if let Some(t) = filter.charge_type {
        f.and("ch.charge_type = ?", [Arg::Text(t.as_str().to_owned())]);
    }
    if let Some(d) = &filter.from_day {
        f.and("ch.day >= ?", [Arg::Text(d.clone())]);
    }
    if let Some(d) = &filter.to_day {
        f.and("ch.day <= ?", [Arg::Text(d.clone())]);
    }
    if let Some(no) = &filter.bill_no {
        f.and("b.bill_no = ?", [Arg::Text(no.clone())]);
    }
    f.page(conn, CHARGE_COLUMNS, CHARGE_FROM, "ch.charge_id", page).await
}

/// The charges of one of a customer's documents (order and inbound
/// details show their fees).
pub async fn charges_of_document(
    conn: &mut AnyConnection,
    customer_id: i64,
    document_no: &str,
) -> Result<Vec<ChargeRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CHARGE_COLUMNS} FROM {CHARGE_FROM} WHERE ch.customer_id = $1 AND ch.document_no = $2 \
         ORDER BY ch.charge_id"
    ))
    .bind(customer_id)
    .bind(document_no)
    .fetch_all(conn)
    .await?)
}

/// One charge by its key.
pub async fn charge_by_key(conn: &mut AnyConnection, charge_key: &str) -> Result<Option<ChargeRow>, StoreError> {
    Ok(sqlx::query_as(&format!("SELECT {CHARGE_COLUMNS} FROM {CHARGE_FROM} WHERE ch.charge_key = $1"))
        .bind(charge_key)
        .fetch_optional(conn)
        .await?)
}

/// Every charge of a bill, in order (bills are a month of one seller).
pub async fn charges_of_bill(conn: &mut AnyConnection, bill_id: i64) -> Result<Vec<ChargeRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {CHARGE_COLUMNS} FROM {CHARGE_FROM} WHERE ch.bill_id = $1 ORDER BY ch.charge_id"
    ))
    .bind(bill_id)
    .fetch_all(conn)
    .await?)
}

#[derive(Debug, Clone, FromRow)]
pub struct BillRow {
    pub bill_id: i64,
    pub bill_no: String,
    pub customer_id: i64,
    pub customer_code: String,
    pub currency: String,
    pub period_from: String,
    pub period_to: String,
    pub status: String,
    pub issued_at: Option<i64>,
    pub paid_at: Option<i64>,
    pub created_at: i64,
    /// Sum of the bill's charges.
    pub charged: i64,
}

const BILL_COLUMNS: &str = "b.bill_id, b.bill_no, b.customer_id, c.code AS customer_code, b.currency, b.period_from, \
     b.period_to, b.status, b.issued_at, b.paid_at, b.created_at, \
     CAST(COALESCE((SELECT SUM(ch.amount) FROM charge ch WHERE ch.bill_id = b.bill_id), 0) AS BIGINT) AS charged";
const BILL_FROM: &str = "bill b JOIN customer c ON c.customer_id = b.customer_id";

#[derive(Debug, Clone, Default)]
pub struct BillFilter {
    pub bill_no: Option<String>,
    /// Bills holding a charge of one of these types.
    pub charge_types: Vec<String>,
    pub status: Option<String>,
    /// Bills whose period touches [from, to] (days, inclusive).
    pub from_day: Option<String>,
    pub to_day: Option<String>,
}

pub async fn list_bills(
    conn: &mut AnyConnection,
    customer_id: Option<i64>,
    filter: &BillFilter,
    page: PageRequest,
) -> Result<(Vec<BillRow>, i64), StoreError> {
    let mut f = Filter::default();
    if let Some(id) = customer_id {
        f.and("b.customer_id = ?", [Arg::Int(id)]);
    }
    if let Some(no) = &filter.bill_no {
        f.and("b.bill_no = ?", [Arg::Text(no.clone())]);
    }
    if let Some(s) = &filter.status {
        f.and("b.status = ?", [Arg::Text(s.clone())]);
    }
    if !filter.charge_types.is_empty() {
        let marks = vec!["?"; filter.charge_types.len()].join(", ");
        f.and(
            &format!("EXISTS (SELECT 1 FROM charge t WHERE t.bill_id = b.bill_id AND t.charge_type IN ({marks}))"),
            filter.charge_types.iter().cloned().map(Arg::Text),
        );
    }
    if let Some(d) = &filter.from_day {
        f.and("b.period_to >= ?", [Arg::Text(d.clone())]);
    }
    if let Some(d) = &filter.to_day {
        f.and("b.period_from <= ?", [Arg::Text(d.clone())]);
    }
    f.page(conn, BILL_COLUMNS, BILL_FROM, "b.period_from DESC, b.bill_no", page).await
}

pub async fn find_bill(
    conn: &mut AnyConnection,
    bill_no: &str,
    customer_id: Option<i64>,
) -> Result<Option<BillRow>, StoreError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {BILL_COLUMNS} FROM {BILL_FROM} WHERE b.bill_no = $1 AND ($2 = 0 OR b.customer_id = $2)"
    ))
    .bind(bill_no)
    .bind(customer_id.unwrap_or(0))
    .fetch_optional(conn)
    .await?)
}

/// OPEN → ISSUED → PAID, compare-and-set: false when the bill was not in
/// `from`.
pub async fn step_bill(tx: &mut WriteTx, bill_id: i64, from: &str, to: &str, now: i64) -> Result<bool, StoreError> {
    let stamp = if to == "ISSUED" { "issued_at" } else { "paid_at" };
    let done = sqlx::query(&format!("UPDATE bill SET status = $1, {stamp} = $2 WHERE bill_id = $3 AND status = $4"))
        .bind(to)
        .bind(now)
        .bind(bill_id)
        .bind(from)
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Top-ups and refunds of a customer in a currency within [from, to)
/// (unix ms): (sum of top-ups, sum of refunds, as signed amounts).
pub async fn wallet_movements_between(
    conn: &mut AnyConnection,
    customer_id: i64,
    currency: &str,
    from_ms: i64,
    to_ms: i64,
) -> Result<(i64, i64), StoreError> {
    let row: (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(CASE WHEN kind = 'TOPUP' THEN amount ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN kind = 'REFUND' THEN amount ELSE 0 END), 0) AS BIGINT) \
         FROM wallet_transaction WHERE customer_id = $1 AND currency = $2 AND created_at >= $3 AND created_at < $4",
    )
    .bind(customer_id)
    .bind(currency)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_one(conn)
    .await?;
    Ok(row)
}

/// The wallet balance just before `at_ms` (0 before the first movement).
pub async fn balance_before(
    conn: &mut AnyConnection,
    customer_id: i64,
    currency: &str,
    at_ms: i64,
) -> Result<i64, StoreError> {
    let b: Option<i64> = sqlx::query_scalar(
        "SELECT balance_after FROM wallet_transaction WHERE customer_id = $1 AND currency = $2 AND created_at < $3 \
         ORDER BY wallet_transaction_id DESC LIMIT 1",
    )
    .bind(customer_id)
    .bind(currency)
    .bind(at_ms)
    .fetch_optional(conn)
    .await?;
    Ok(b.unwrap_or(0))
}

/// Stock held at real locations, per seller, warehouse, product and lot
/// inbound day, with the product's measures: what storage is charged on.
#[derive(Debug, Clone, FromRow)]
pub struct HeldRow {
    pub customer_id: i64,
    pub customer_code: String,
    pub warehouse_id: i64,
    pub length_um: Option<i64>,
    pub width_um: Option<i64>,
    pub height_um: Option<i64>,
    pub inbound_at: i64,
    pub units: i64,
}

pub async fn held_stock(conn: &mut AnyConnection) -> Result<Vec<HeldRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT b.customer_id, c.code AS customer_code, b.warehouse_id, p.length_um, p.width_um, p.height_um, \
         lot.inbound_at, CAST(SUM(b.quantity) AS BIGINT) AS units \
         FROM stock_balance b JOIN lot ON lot.lot_id = b.lot_id JOIN product p ON p.product_id = b.product_id \
         JOIN customer c ON c.customer_id = b.customer_id WHERE b.quantity > 0 \
         GROUP BY b.customer_id, c.code, b.warehouse_id, p.product_id, p.length_um, p.width_um, p.height_um, \
         lot.inbound_at",
    )
    .fetch_all(conn)
    .await?)
}

pub async fn storage_day_done(conn: &mut AnyConnection, day: &str) -> Result<bool, StoreError> {
    let n: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM storage_day WHERE day = $1").bind(day).fetch_optional(conn).await?;
    Ok(n.is_some())
}

pub async fn mark_storage_day(tx: &mut WriteTx, day: &str, now: i64) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO storage_day (day, finished_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING")
        .bind(day)
        .bind(now)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The last day storage was charged, if any.
pub async fn last_storage_day(conn: &mut AnyConnection) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar("SELECT MAX(day) FROM storage_day").fetch_one(conn).await?)
}
