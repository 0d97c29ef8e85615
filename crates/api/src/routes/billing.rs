//! Billing: rate cards and credit (ADMIN), top-ups, service charges and
//! bill states (SUPERVISOR), and what a seller reads — charges, wallet,
//! bills (CSV too). Money is integer minor units of its currency
//! (`amount`), with the decimal text beside it (`amountText`).

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::AppError;
use haicang_app::billing::{BillDetail, By, CardDetail, NewRateCard, StorageRun, WalletView, require_all_warehouses};
use haicang_app::query::{BillFilter, BillRow, ChargeFilter, ChargeRow, WalletTransactionRow};
use haicang_core::billing::{Business, ChargeType, CreditPolicy, Rates, StorageTier, WeightBand};
use haicang_core::decimal::format_fixed;

use crate::AppState;
use crate::envelope::{Envelope, PageView};
use crate::error::ApiError;
use crate::extract::{CustomerAuth, JsonBody, Params, Path, StaffAuth};
use crate::routes::iso;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/charges", get(charges))
        .route("/api/v1/wallet", get(wallet))
        .route("/api/v1/wallet/transactions", get(wallet_transactions))
        .route("/api/v1/bills", get(bills))
        .route("/api/v1/bills/{no}", get(bill))
        .route("/api/v1/bills/{no}/bill.csv", get(bill_csv))
        .route("/api/v1/bills/{no}/bill.pdf", get(bill_pdf))
        .route("/api/v1/ops/rate-cards", post(create_card).get(cards))
        .route("/api/v1/ops/rate-cards/{card}/versions", post(add_version))
        .route("/api/v1/ops/customers/{customer}/rate-card", put(assign_card))
        .route("/api/v1/ops/customers/{customer}/wallet/top-ups", post(top_up))
        .route("/api/v1/ops/customers/{customer}/credit", put(set_credit))
        .route("/api/v1/ops/charges", post(service_charge))
        .route("/api/v1/ops/bills", get(ops_bills))
        .route("/api/v1/ops/bills/{no}", get(ops_bill))
        .route("/api/v1/ops/bills/{no}/issue", post(issue_bill))
        .route("/api/v1/ops/bills/{no}/pay", post(pay_bill))
        .route("/api/v1/ops/billing/storage", post(run_storage))
}

/// Decimal digits of a currency's minor unit (ISO 4217).
fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" => 0,
        _ => 2,
    }
}

/// `1234` USD → `"12.34"`.
pub fn money(amount: i64, currency: &str) -> String {
    let digits = minor_digits(currency);
    format_fixed(amount, digits, digits as usize)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeightBandInput {
    /// Shipments up to this weight (grams); the last band may leave it out.
    pub up_to_g: Option<i64>,
    pub surcharge: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StorageTierInput {
    /// Lots stored this many days or more (the first tier starts at 0).
    pub from_day: i64,
    /// Minor units per cubic metre per day.
    pub per_m3_day: i64,
}

/// A rate card version's rates, each in minor units of the card's
/// currency; absent rates are 0.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct RateCardRates {
    /// Per carton received (CARTON and PARCEL inbounds).
    pub inbound_per_box: i64,
    /// Per pallet received (PALLET inbounds).
    pub inbound_per_pallet: i64,
    pub inbound_per_unit: i64,
    pub putaway_per_unit: i64,
    pub outbound_per_order: i64,
    /// Each unit of an order beyond the first.
    pub outbound_per_extra_unit: i64,
    pub outbound_weight_bands: Vec<WeightBandInput>,
    /// Each order line beyond the first.
    pub pick_per_extra_line: i64,
    pub label_per_order: i64,
    pub storage_tiers: Vec<StorageTierInput>,
    pub return_per_unit_restocked: i64,
    pub return_per_unit_other: i64,
    /// Each kit assembled or taken apart.
    pub work_order_per_unit: i64,
    /// Each transfer shipped, and each unit it carries.
    pub transfer_per_order: i64,
    pub transfer_per_unit: i64,
}

impl From<RateCardRates> for Rates {
    fn from(r: RateCardRates) -> Rates {
        Rates {
            inbound_per_box: r.inbound_per_box,
            inbound_per_pallet: r.inbound_per_pallet,
            inbound_per_unit: r.inbound_per_unit,
            putaway_per_unit: r.putaway_per_unit,
            outbound_per_order: r.outbound_per_order,
            outbound_per_extra_unit: r.outbound_per_extra_unit,
            outbound_weight_bands: r
                .outbound_weight_bands
                .into_iter()
                .map(|b| WeightBand { up_to_g: b.up_to_g, surcharge: b.surcharge })
                .collect(),
            pick_per_extra_line: r.pick_per_extra_line,
            label_per_order: r.label_per_order,
            storage_tiers: r
                .storage_tiers
                .into_iter()
                .map(|t| StorageTier { from_day: t.from_day, per_m3_day: t.per_m3_day })
                .collect(),
            return_per_unit_restocked: r.return_per_unit_restocked,
            return_per_unit_other: r.return_per_unit_other,
            work_order_per_unit: r.work_order_per_unit,
            transfer_per_order: r.transfer_per_order,
            transfer_per_unit: r.transfer_per_unit,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateCardInput {
    pub code: String,
    pub name: String,
    /// ISO 4217; every rate is in its minor unit.
    pub currency: String,
    /// Bills every customer without a card of their own.
    #[serde(default)]
    pub is_default: bool,
    /// YYYY-MM-DD (UTC day).
    pub effective_from: String,
    pub rates: RateCardRates,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateCardVersionInput {
    pub effective_from: String,
    pub rates: RateCardRates,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AssignRateCardInput {
    pub rate_card_code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TopUpInput {
    pub currency: String,
    /// Minor units: positive money received, negative money refunded.
    pub amount: i64,
    /// The payment's reference (bank transfer, receipt).
    pub reference: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreditInput {
    pub currency: String,
    /// Minor units the seller may owe.
    pub credit_limit: i64,
    /// REFUSE (default): orders past balance + credit get 10049; ALLOW.
    pub policy: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceChargeInput {
    pub customer_code: String,
    pub warehouse_code: String,
    /// Minor units of the seller's card currency.
    pub amount: i64,
    pub reason: String,
    /// The document the service was done for.
    pub document_no: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StorageRunInput {
    /// YYYY-MM-DD: the day charged.
    pub date: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateCardVersionView {
    pub version: i64,
    pub effective_from: String,
    pub rates: RateCardRates,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RateCardView {
    pub code: String,
    pub name: String,
    pub currency: String,
    pub is_default: bool,
    pub versions: Vec<RateCardVersionView>,
}

impl From<CardDetail> for RateCardView {
    fn from(d: CardDetail) -> Self {
        RateCardView {
            code: d.card.code,
            name: d.card.name,
            currency: d.card.currency,
            is_default: d.card.is_default != 0,
            versions: d
                .versions
                .into_iter()
                .map(|v| RateCardVersionView {
                    version: v.version,
                    effective_from: v.effective_from,
                    rates: serde_json::from_str(&v.rates).unwrap_or_default(),
                    created_by: v.created_by,
                    created_at: iso(v.created_at),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChargeView {
    pub id: i64,
    pub customer_code: String,
    pub warehouse_code: Option<String>,
    /// INBOUND_RECEIVING, PUTAWAY, OUTBOUND_ORDER, PICK, LABEL, STORAGE, RETURN, VAS, …
    pub charge_type: String,
    pub currency: String,
    /// quantity × unitRate = amount (storage: cm³ × rate per m³·day, rounded half to even).
    pub quantity: i64,
    pub unit_rate: i64,
    /// Minor units.
    pub amount: i64,
    pub amount_text: String,
    pub detail: String,
    pub document_type: Option<String>,
    pub document_no: Option<String>,
    /// The event of the work charged, when it has one.
    pub event_id: Option<String>,
    pub rate_card_version: Option<i64>,
    /// The UTC day the charge belongs to.
    pub day: String,
    pub bill_no: String,
    pub created_at: String,
}

impl From<ChargeRow> for ChargeView {
    fn from(c: ChargeRow) -> Self {
        ChargeView {
            id: c.charge_id,
            amount_text: money(c.amount, &c.currency),
            customer_code: c.customer_code,
            warehouse_code: c.warehouse_code,
            charge_type: c.charge_type.to_string(),
            currency: c.currency,
            quantity: c.quantity,
            unit_rate: c.unit_rate,
            amount: c.amount,
            detail: c.detail,
            document_type: c.document_type,
            document_no: c.document_no,
            event_id: c.event_id,
            rate_card_version: c.rate_card_version,
            day: c.day,
            bill_no: c.bill_no,
            created_at: iso(c.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WalletBalanceView {
    pub currency: String,
    /// Minor units; below zero is owed.
    pub balance: i64,
    pub credit_limit: i64,
    /// balance + credit limit.
    pub available: i64,
    pub balance_text: String,
    pub available_text: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WalletOverview {
    /// REFUSE or ALLOW: what happens to new orders past balance + credit.
    pub credit_policy: String,
    pub balances: Vec<WalletBalanceView>,
}

impl From<WalletView> for WalletOverview {
    fn from(w: WalletView) -> Self {
        WalletOverview {
            credit_policy: w.policy.to_string(),
            balances: w
                .wallets
                .into_iter()
                .map(|b| WalletBalanceView {
                    balance_text: money(b.balance, &b.currency),
                    available_text: money(b.balance + b.credit_limit, &b.currency),
                    available: b.balance + b.credit_limit,
                    currency: b.currency,
                    balance: b.balance,
                    credit_limit: b.credit_limit,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WalletTransactionView {
    pub id: i64,
    pub currency: String,
    /// TOPUP, REFUND or CHARGE.
    pub kind: String,
    /// Signed minor units.
    pub amount: i64,
    pub balance_after: i64,
    pub reference: Option<String>,
    pub charge_id: Option<i64>,
    pub created_at: String,
}

impl From<WalletTransactionRow> for WalletTransactionView {
    fn from(t: WalletTransactionRow) -> Self {
        WalletTransactionView {
            id: t.wallet_transaction_id,
            currency: t.currency,
            kind: t.kind,
            amount: t.amount,
            balance_after: t.balance_after,
            reference: t.reference,
            charge_id: t.charge_id,
            created_at: iso(t.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillView {
    pub bill_no: String,
    pub customer_code: String,
    pub currency: String,
    pub period_from: String,
    pub period_to: String,
    /// OPEN, ISSUED or PAID.
    pub status: String,
    /// Sum of the bill's charges, minor units.
    pub charged: i64,
    pub charged_text: String,
    pub issued_at: Option<String>,
    pub paid_at: Option<String>,
}

impl From<BillRow> for BillView {
    fn from(b: BillRow) -> Self {
        BillView {
            charged_text: money(b.charged, &b.currency),
            bill_no: b.bill_no,
            customer_code: b.customer_code,
            currency: b.currency,
            period_from: b.period_from,
            period_to: b.period_to,
            status: b.status,
            charged: b.charged,
            issued_at: b.issued_at.map(iso),
            paid_at: b.paid_at.map(iso),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillChargeGroupView {
    pub charge_type: String,
    pub count: i64,
    pub amount: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BillDetailView {
    pub bill: BillView,
    /// Wallet balance before the period, top-ups and refunds within it,
    /// balance at its end (so far, while OPEN); minor units.
    pub opening_balance: i64,
    pub top_ups: i64,
    pub refunds: i64,
    pub closing_balance: i64,
    /// Charges grouped by type.
    pub by_type: Vec<BillChargeGroupView>,
    pub charges: Vec<ChargeView>,
}

impl From<BillDetail> for BillDetailView {
    fn from(d: BillDetail) -> Self {
        let mut by_type: Vec<BillChargeGroupView> = Vec::new();
        for t in ChargeType::ALL {
            let these: Vec<&ChargeRow> = d.charges.iter().filter(|c| c.charge_type == *t).collect();
            if !these.is_empty() {
                by_type.push(BillChargeGroupView {
                    charge_type: t.to_string(),
                    count: these.len() as i64,
                    amount: these.iter().map(|c| c.amount).sum(),
                });
            }
        }
        BillDetailView {
            bill: d.bill.into(),
            opening_balance: d.opening_balance,
            top_ups: d.top_ups,
            refunds: d.refunds,
            closing_balance: d.closing_balance,
            by_type,
            charges: d.charges.into_iter().map(ChargeView::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StorageRunView {
    pub day: String,
    /// The day was charged before: nothing was written.
    pub already_done: bool,
    pub sellers: i64,
    pub lines: i64,
    /// Minor units charged now, per currency.
    pub amounts: std::collections::BTreeMap<String, i64>,
}

impl From<StorageRun> for StorageRunView {
    fn from(r: StorageRun) -> Self {
        StorageRunView {
            day: r.day,
            already_done: r.already_done,
            sellers: r.sellers as i64,
            lines: r.lines as i64,
            amounts: r.amount_by_currency,
        }
    }
}

fn charge_filter(params: &Params) -> Result<ChargeFilter, ApiError> {
    Ok(ChargeFilter {
        document_no: params.text("documentNo"),
        charge_type: params.choice("type", ChargeType::parse, "a charge type such as OUTBOUND_ORDER")?,
        from_day: params.day("from")?,
        to_day: params.day("to")?,
        bill_no: params.text("billNo"),
    })
}

fn bill_filter(params: &Params) -> Result<BillFilter, ApiError> {
    let status = params.choice(
        "status",
        |s| ["OPEN", "ISSUED", "PAID"].into_iter().find(|v| v.eq_ignore_ascii_case(s.trim())),
        "OPEN, ISSUED or PAID",
    )?;
    let business = params.choice(
        "businessType",
        Business::parse,
        "INBOUND, OUTBOUND, STORAGE, RETURN, WORK_ORDER, TRANSFER, COUNT or VAS",
    )?;
    let charge_types = business
        .map(|b| ChargeType::ALL.iter().filter(|t| t.business() == b).map(|t| t.as_str().to_owned()).collect())
        .unwrap_or_default();
    Ok(BillFilter {
        charge_types,
        bill_no: params.text("billNo"),
        status: status.map(str::to_owned),
        from_day: params.day("from")?,
        to_day: params.day("to")?,
    })
}

/// The caller's charges, each pointing at the document (and event) that
/// caused it.
#[utoipa::path(get, path = "/api/v1/charges", tag = "billing", security(("bearer" = [])),
    params(("documentNo" = Option<String>, Query), ("type" = Option<String>, Query),
           ("from" = Option<String>, Query, description = "YYYY-MM-DD"), ("to" = Option<String>, Query),
           ("billNo" = Option<String>, Query), ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of charges", body = PageView<ChargeView>)))]
pub async fn charges(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<ChargeView>>, ApiError> {
    let page = s.app.charges(Some(c.customer_id), &charge_filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, ChargeView::from)))
}

#[utoipa::path(get, path = "/api/v1/wallet", tag = "billing", security(("bearer" = [])),
    responses((status = 200, description = "Balance, credit and available per currency", body = WalletOverview)))]
pub async fn wallet(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
) -> Result<Envelope<WalletOverview>, ApiError> {
    Ok(Envelope(s.app.wallet(&c).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/wallet/transactions", tag = "billing", security(("bearer" = [])),
    params(("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "Newest first", body = PageView<WalletTransactionView>)))]
pub async fn wallet_transactions(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<WalletTransactionView>>, ApiError> {
    let page = s.app.wallet_transactions(&c, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, WalletTransactionView::from)))
}

#[utoipa::path(get, path = "/api/v1/bills", tag = "billing", security(("bearer" = [])),
    params(("billNo" = Option<String>, Query), ("status" = Option<String>, Query),
           ("businessType" = Option<String>, Query, description = "INBOUND, OUTBOUND, STORAGE, RETURN, VAS, …: bills with such charges"),
           ("from" = Option<String>, Query, description = "YYYY-MM-DD: bills whose period reaches this day"),
           ("to" = Option<String>, Query), ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of bills", body = PageView<BillView>)))]
pub async fn bills(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    params: Params,
) -> Result<Envelope<PageView<BillView>>, ApiError> {
    let page = s.app.bills(Some(c.customer_id), &bill_filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, BillView::from)))
}

#[utoipa::path(get, path = "/api/v1/bills/{no}", tag = "billing", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The bill", body = BillDetailView)))]
pub async fn bill(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Envelope<BillDetailView>, ApiError> {
    Ok(Envelope(s.app.bill(Some(c.customer_id), &no).await?.into()))
}

/// One CSV field, quoted when it must be.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

/// The bill's charges as CSV (a header row, one charge per row).
#[utoipa::path(get, path = "/api/v1/bills/{no}/bill.csv", tag = "billing", security(("bearer" = [])),
    params(("no" = String, Path)),
    responses((status = 200, description = "CSV", content_type = "text/csv")))]
pub async fn bill_csv(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Response, ApiError> {
    let d = s.app.bill(Some(c.customer_id), &no).await?;
    let mut out = String::from(
        "bill_no,day,charge_type,document_type,document_no,warehouse,detail,quantity,unit_rate,amount,currency\n",
    );
    for ch in &d.charges {
        let row = [
            d.bill.bill_no.clone(),
            ch.day.clone(),
            ch.charge_type.to_string(),
            ch.document_type.clone().unwrap_or_default(),
            ch.document_no.clone().unwrap_or_default(),
            ch.warehouse_code.clone().unwrap_or_default(),
            ch.detail.clone(),
            ch.quantity.to_string(),
            ch.unit_rate.to_string(),
            money(ch.amount, &ch.currency),
            ch.currency.clone(),
        ];
        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.csv\"", d.bill.bill_no)),
        ],
        out,
    )
        .into_response())
}

/// The bill as an A4 PDF: balances, totals by type, every charge.
#[utoipa::path(get, path = "/api/v1/bills/{no}/bill.pdf", tag = "billing", security(("bearer" = [])),
    params(("no" = String, Path)),
    responses((status = 200, description = "PDF", content_type = "application/pdf")))]
pub async fn bill_pdf(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(no): Path<String>,
) -> Result<Response, ApiError> {
    let d = s.app.bill(Some(c.customer_id), &no).await?;
    let cur = d.bill.currency.clone();
    let view = BillDetailView::from(d);
    let mut summary = vec![
        ("Opening balance".to_owned(), money(view.opening_balance, &cur)),
        ("Top-ups".to_owned(), money(view.top_ups, &cur)),
        ("Refunds".to_owned(), money(view.refunds, &cur)),
    ];
    for g in &view.by_type {
        summary.push((format!("{} ({} lines)", g.charge_type, g.count), money(-g.amount, &cur)));
    }
    summary.push(("Charged in the period".to_owned(), money(-view.bill.charged, &cur)));
    summary.push(("Closing balance".to_owned(), money(view.closing_balance, &cur)));
    let document = haicang_print::BillDocument {
        bill_no: view.bill.bill_no.clone(),
        customer: view.bill.customer_code.clone(),
        period: format!("{} – {}", view.bill.period_from, view.bill.period_to),
        currency: cur.clone(),
        status: view.bill.status.clone(),
        summary,
        lines: view
            .charges
            .iter()
            .map(|ch| haicang_print::BillLine {
                day: ch.day.clone(),
                charge_type: ch.charge_type.clone(),
                document_no: ch.document_no.clone().unwrap_or_default(),
                detail: ch.detail.clone(),
                amount: ch.amount_text.clone(),
            })
            .collect(),
    };
    let bytes = haicang_print::bill(&document).map_err(|e| AppError::Print(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{}.pdf\"", view.bill.bill_no)),
        ],
        bytes,
    )
        .into_response())
}

/// A rate card with its first version (ADMIN).
#[utoipa::path(post, path = "/api/v1/ops/rate-cards", tag = "billing", security(("bearer" = [])),
    request_body = RateCardInput,
    responses((status = 200, description = "The card", body = RateCardView),
              (status = 409, description = "60001 the code exists")))]
pub async fn create_card(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<RateCardInput>,
) -> Result<Envelope<RateCardView>, ApiError> {
    let rates: Rates = input.rates.into();
    let new = NewRateCard {
        code: &input.code,
        name: &input.name,
        currency: &input.currency,
        is_default: input.is_default,
        effective_from: &input.effective_from,
        rates: &rates,
    };
    let card = s.app.create_rate_card(By::Staff(&staff), &new).await?;
    Ok(Envelope(card.into()))
}

#[utoipa::path(get, path = "/api/v1/ops/rate-cards", tag = "billing", security(("bearer" = [])),
    responses((status = 200, description = "Every card with its versions", body = [RateCardView])))]
pub async fn cards(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
) -> Result<Envelope<Vec<RateCardView>>, ApiError> {
    require_all_warehouses(&staff)?;
    Ok(Envelope(s.app.rate_cards().await?.into_iter().map(RateCardView::from).collect()))
}

/// A new version of a card from a day on; charges made keep theirs.
#[utoipa::path(post, path = "/api/v1/ops/rate-cards/{card}/versions", tag = "billing", security(("bearer" = [])),
    params(("card" = String, Path)), request_body = RateCardVersionInput,
    responses((status = 200, description = "The card", body = RateCardView)))]
pub async fn add_version(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<RateCardVersionInput>,
) -> Result<Envelope<RateCardView>, ApiError> {
    let rates: Rates = input.rates.into();
    Ok(Envelope(s.app.add_rate_card_version(By::Staff(&staff), &code, &input.effective_from, &rates).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/ops/customers/{customer}/rate-card", tag = "billing", security(("bearer" = [])),
    params(("customer" = String, Path)), request_body = AssignRateCardInput,
    responses((status = 200, description = "The card now billing the customer", body = RateCardView)))]
pub async fn assign_card(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<AssignRateCardInput>,
) -> Result<Envelope<RateCardView>, ApiError> {
    Ok(Envelope(s.app.assign_rate_card(By::Staff(&staff), &code, &input.rate_card_code).await?.into()))
}

/// Money received (or refunded, negative) for a customer.
#[utoipa::path(post, path = "/api/v1/ops/customers/{customer}/wallet/top-ups", tag = "billing", security(("bearer" = [])),
    params(("customer" = String, Path)), request_body = TopUpInput,
    responses((status = 200, description = "The customer's wallet", body = WalletOverview)))]
pub async fn top_up(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<TopUpInput>,
) -> Result<Envelope<WalletOverview>, ApiError> {
    Ok(Envelope(s.app.top_up(&staff, &code, &input.currency, input.amount, &input.reference).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/ops/customers/{customer}/credit", tag = "billing", security(("bearer" = [])),
    params(("customer" = String, Path)), request_body = CreditInput,
    responses((status = 200, description = "The customer's wallet", body = WalletOverview)))]
pub async fn set_credit(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(code): Path<String>,
    JsonBody(input): JsonBody<CreditInput>,
) -> Result<Envelope<WalletOverview>, ApiError> {
    let policy = match input.policy.as_deref() {
        None => CreditPolicy::Refuse,
        Some(p) => CreditPolicy::parse(p)
            .ok_or(AppError::InvalidParam { field: "policy", reason: "REFUSE or ALLOW".into() })?,
    };
    Ok(Envelope(s.app.set_credit(&staff, &code, &input.currency, input.credit_limit, policy).await?.into()))
}

/// A value-added service charge, with its reason.
#[utoipa::path(post, path = "/api/v1/ops/charges", tag = "billing", security(("bearer" = [])),
    request_body = ServiceChargeInput,
    responses((status = 200, description = "The charge", body = ChargeView),
              (status = 409, description = "10045 the customer has no rate card")))]
pub async fn service_charge(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<ServiceChargeInput>,
) -> Result<Envelope<ChargeView>, ApiError> {
    let charge = s
        .app
        .charge_service(
            &staff,
            &input.customer_code,
            &input.warehouse_code,
            input.amount,
            &input.reason,
            input.document_no.as_deref(),
        )
        .await?;
    Ok(Envelope(charge.into()))
}

#[utoipa::path(get, path = "/api/v1/ops/bills", tag = "billing", security(("bearer" = [])),
    params(("customerCode" = Option<String>, Query), ("billNo" = Option<String>, Query),
           ("status" = Option<String>, Query), ("businessType" = Option<String>, Query), ("from" = Option<String>, Query), ("to" = Option<String>, Query),
           ("page" = Option<i64>, Query), ("pageSize" = Option<i64>, Query)),
    responses((status = 200, description = "A page of bills", body = PageView<BillView>)))]
pub async fn ops_bills(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    params: Params,
) -> Result<Envelope<PageView<BillView>>, ApiError> {
    require_all_warehouses(&staff)?;
    let customer_id = match params.text("customerCode") {
        None => None,
        Some(code) => Some(s.app.customer_ref(&code).await?.0),
    };
    let page = s.app.bills(customer_id, &bill_filter(&params)?, params.page()?).await?;
    Ok(Envelope(PageView::from_page(page, BillView::from)))
}

#[utoipa::path(get, path = "/api/v1/ops/bills/{no}", tag = "billing", security(("bearer" = [])),
    params(("no" = String, Path)), responses((status = 200, description = "The bill", body = BillDetailView)))]
pub async fn ops_bill(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<BillDetailView>, ApiError> {
    require_all_warehouses(&staff)?;
    Ok(Envelope(s.app.bill(None, &no).await?.into()))
}

/// OPEN → ISSUED; the seller hears `bill.issued`.
#[utoipa::path(post, path = "/api/v1/ops/bills/{no}/issue", tag = "billing", security(("bearer" = [])),
    params(("no" = String, Path)),
    responses((status = 200, description = "The bill", body = BillDetailView),
              (status = 409, description = "60004 not OPEN")))]
pub async fn issue_bill(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<BillDetailView>, ApiError> {
    Ok(Envelope(s.app.step_bill(&staff, &no, "ISSUED").await?.into()))
}

/// ISSUED → PAID.
#[utoipa::path(post, path = "/api/v1/ops/bills/{no}/pay", tag = "billing", security(("bearer" = [])),
    params(("no" = String, Path)),
    responses((status = 200, description = "The bill", body = BillDetailView),
              (status = 409, description = "60004 not ISSUED")))]
pub async fn pay_bill(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    Path(no): Path<String>,
) -> Result<Envelope<BillDetailView>, ApiError> {
    Ok(Envelope(s.app.step_bill(&staff, &no, "PAID").await?.into()))
}

/// Charges a day's storage (as `haicang billing storage --date` does);
/// a day is charged once.
#[utoipa::path(post, path = "/api/v1/ops/billing/storage", tag = "billing", security(("bearer" = [])),
    request_body = StorageRunInput,
    responses((status = 200, description = "What the run charged", body = StorageRunView)))]
pub async fn run_storage(
    State(s): State<AppState>,
    StaffAuth(staff): StaffAuth,
    JsonBody(input): JsonBody<StorageRunInput>,
) -> Result<Envelope<StorageRunView>, ApiError> {
    require_all_warehouses(&staff)?;
    let actor = haicang_app::audit::Actor::staff(&staff);
    Ok(Envelope(s.app.charge_storage_day(&actor, &input.date).await?.into()))
}
