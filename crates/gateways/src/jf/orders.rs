//! JF orders (出库单): create, get, batch get, cancel, platform cancel, and
//! the package number by erpNo. The ERP's `erpNo` is haicang's customer
//! reference; JF's `packageNo` is haicang's order number.

use serde_json::{Value, json};

use haicang_api::AppState;
use haicang_api::error::ApiError;
use haicang_app::outbound::{CreateOutbound, OutboundDetail};
use haicang_app::query::{OutboundFilter, OutboundOrderRow};
use haicang_app::{AppError, PageRequest, Viewer};
use haicang_core::dialects::{AliasKind, Dialect};
use haicang_core::outbound::{InterceptStatus, OutboundStatus, Platform, Recipient};

use super::{Caller, Data};
use crate::Aliases;
use crate::fields::{Fields, format_iso};

/// What a platform cancel records as the reason (and how status 10 is told
/// from a seller's cancel).
const PLATFORM_CANCEL: &str = "platform cancelled";

/// JF's order status number (module doc).
pub fn status_code(order: &OutboundOrderRow, delivered: bool) -> i64 {
    match order.status {
        OutboundStatus::Created => 1,
        OutboundStatus::Waved => 2,
        OutboundStatus::Picking => 3,
        OutboundStatus::Picked => 4,
        OutboundStatus::Packed => 5,
        OutboundStatus::Shipped if delivered => 11,
        OutboundStatus::Shipped => 6,
        OutboundStatus::Cancelled if order.intercept_status.0 == Some(InterceptStatus::Succeeded) => 9,
        OutboundStatus::Cancelled if order.intercept_reason.as_deref() == Some(PLATFORM_CANCEL) => 10,
        OutboundStatus::Cancelled => 7,
        OutboundStatus::Exception => 8,
    }
}

fn intercept_code(order: &OutboundOrderRow) -> Option<i64> {
    order.intercept_status.0.map(|s| match s {
        InterceptStatus::Requested => 1,
        InterceptStatus::Succeeded => 2,
        InterceptStatus::Failed => 3,
    })
}

fn platform(text: Option<String>) -> String {
    let text = text.unwrap_or_default().to_ascii_uppercase().replace([' ', '-', '_'], "");
    let known = match text.as_str() {
        "TIKTOKSHOP" => Some(Platform::Tiktok),
        other => Platform::parse(other),
    };
    known.unwrap_or(Platform::Other).as_str().to_owned()
}

fn create_command(body: &Value, aliases: &Aliases) -> Result<CreateOutbound, ApiError> {
    let f = Fields(body);
    // Missing: the order rules answer JF's 50003.
    let erp_no = f.text(&["erpNo"]).unwrap_or_default();
    let warehouse = f.text(&["warehouseCode", "warehouse"]).unwrap_or_default();
    let logistics = f.text(&["logisticsName", "logisticsId", "logisticsCode", "channelCode"]).unwrap_or_default();
    let mut items = Vec::new();
    for line in f.list(&["skuList", "skus", "orderSkuList", "items"]) {
        let l = Fields(line);
        let sku = l.text(&["sku", "skuCode"]).unwrap_or_default();
        let quantity = l.int(&["num", "quantity", "qty"])?.unwrap_or(0);
        items.push((sku, quantity));
    }
    let recipient = Recipient {
        name: f.text(&["buyerName", "recipientName"]).unwrap_or_default(),
        phone: f.text(&["buyerPhone", "recipientPhone"]),
        email: f.text(&["buyerEmail", "recipientEmail"]),
        company: f.text(&["companyName", "recipientCompany", "company"]),
        country: f.text(&["recipientCountry", "countryCode"]).unwrap_or_default().to_ascii_uppercase(),
        state: f.text(&["recipientProvince", "province", "state"]).map(|s| s.to_ascii_uppercase()),
        city: f.text(&["recipientCity", "city"]).unwrap_or_default(),
        district: f.text(&["recipientArea", "area"]),
        address_line1: f.text(&["recipientAddress", "address1"]).unwrap_or_default(),
        address_line2: f.text(&["recipientAddress2", "address2"]),
        house_no: f.text(&["houseNumber", "houseNo"]),
        postcode: f.text(&["zipCode", "postCode", "postcode"]).unwrap_or_default(),
    };
    Ok(CreateOutbound {
        warehouse_code: aliases.warehouse(&warehouse),
        shipping_service_code: aliases.haicang(AliasKind::ShippingService, &logistics),
        customer_reference: erp_no,
        platform: platform(f.text(&["platform", "platformName"])),
        platform_order_no: f.text(&["platformOrderNo"]),
        recipient,
        items,
        label: f.text(&["labelUrl"]),
        tracking_no: f.text(&["trackingNo"]),
        note: f.text(&["note", "remark"]),
    })
}

pub async fn create(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    let cmd = create_command(&body, &aliases)?;
    let created = state.app.create_outbound(&caller.customer, &cmd).await?;
    let order = state.app.outbound_order(Viewer::Customer(&caller.customer), &created.order_no).await?;
    Ok(Data(json!({
        "erpNo": order.customer_reference,
        "packageNo": order.order_no,
        "orderStatus": status_code(&order, false),
        "status": status_code(&order, false),
    })))
}

/// The seller's order whose reference is `erp_no` (50017 when none).
async fn by_erp_no(state: &AppState, caller: &Caller, erp_no: &str) -> Result<OutboundOrderRow, ApiError> {
    let filter = OutboundFilter { references: vec![erp_no.to_owned()], ..Default::default() };
    let found = state
        .app
        .list_outbound(Viewer::Customer(&caller.customer), &filter, PageRequest { page: 1, page_size: 1 })
        .await?;
    found.items.into_iter().next().ok_or_else(|| AppError::OutboundNotFound(erp_no.to_owned()).into())
}

fn erp_no_of(body: &Value) -> Result<String, ApiError> {
    let missing = haicang_core::outbound::OrderError::Required("customerReference");
    Fields(body).text(&["erpNo"]).ok_or_else(|| AppError::Order(missing).into())
}

/// An order as JF's OrderDetailVo; `detail` adds lines, tracking events
/// and fees.
fn order_view(order: &OutboundOrderRow, detail: Option<&OutboundDetail>, aliases: &Aliases) -> Value {
    let recipient: Value = serde_json::from_str(&order.recipient).unwrap_or_default();
    let r = |k: &str| recipient.get(k).cloned().unwrap_or(Value::Null);
    let delivered = detail.is_some_and(|d| d.events.iter().any(|e| e.code.eq_ignore_ascii_case("DELIVERED")));
    let mut view = json!({
        "erpNo": order.customer_reference,
        "packageNo": order.order_no,
        "warehouseCode": aliases.vendor_warehouse(&order.warehouse_code),
        "status": status_code(order, delivered),
        "statusName": order.status.as_str(),
        "interceptStatus": intercept_code(order),
        "logisticsName": aliases.vendor(AliasKind::ShippingService, &order.shipping_service_code),
        "logisticsId": aliases.vendor(AliasKind::ShippingService, &order.shipping_service_code),
        "trackingNo": order.tracking_no,
        "carrier": order.carrier.clone().unwrap_or_else(|| order.carrier_default.clone()),
        "platform": order.platform.as_str(),
        "platformOrderNo": order.platform_order_no,
        "buyerName": r("name"),
        "buyerPhone": r("phone"),
        "buyerEmail": r("email"),
        "companyName": r("company"),
        "recipientCountry": r("country"),
        "recipientProvince": r("state"),
        "recipientCity": r("city"),
        "recipientArea": r("district"),
        "recipientAddress": r("addressLine1"),
        "recipientAddress2": r("addressLine2"),
        "houseNumber": r("houseNo"),
        "zipCode": r("postcode"),
        "note": order.note,
        "weight": order.weight_g.map(|g| g as f64 / 1000.0),
        "createTime": format_iso(order.created_at),
        "shipTime": order.shipped_at.map(format_iso),
        "cancelReason": order.intercept_reason,
    });
    if let Some(d) = detail {
        let mut skus: Vec<(String, i64)> = Vec::new();
        for line in &d.lines {
            // A kit ordered is shown as the kit, as the ERP sent it.
            let sku = line.kit_sku.clone().unwrap_or_else(|| line.sku.clone());
            match skus.iter_mut().find(|(s, _)| *s == sku) {
                Some(entry) if line.kit_sku.is_none() => entry.1 += line.quantity,
                Some(_) => {}
                None => skus.push((sku, line.quantity)),
            }
        }
        view["skuList"] = skus.into_iter().map(|(sku, num)| json!({"sku": sku, "num": num})).collect();
        view["trackingList"] = d
            .events
            .iter()
            .map(|e| json!({"code": e.code, "description": e.description, "location": e.location, "time": format_iso(e.occurred_at)}))
            .collect();
        view["feeList"] = d
            .fees
            .iter()
            .map(|c| json!({"feeType": c.charge_type.as_str(), "amount": c.amount as f64 / 100.0, "currency": c.currency}))
            .collect();
    }
    view
}

pub async fn get(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let erp_no = erp_no_of(&body)?;
    let order = by_erp_no(&state, &caller, &erp_no).await?;
    let detail = state.app.outbound_detail(Viewer::Customer(&caller.customer), &order.order_no).await?;
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    Ok(Data(order_view(&detail.order, Some(&detail), &aliases)))
}

/// Up to 100 orders by erpNo (50028 beyond); unknown numbers are absent.
pub async fn batch_get(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let f = Fields(&body);
    let erp_nos = f.texts(&["erpNoList", "erpNos", "erpNo"]);
    if erp_nos.is_empty() {
        return Err(AppError::MissingParam { field: "erpNoList" }.into());
    }
    if erp_nos.len() > haicang_core::outbound::BATCH_GET_MAX {
        return Err(AppError::TooManyQueried.into());
    }
    let filter = OutboundFilter { references: erp_nos, ..Default::default() };
    let page = PageRequest { page: 1, page_size: haicang_core::outbound::BATCH_GET_MAX as i64 };
    let orders = state.app.list_outbound(Viewer::Customer(&caller.customer), &filter, page).await?;
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    Ok(Data(orders.items.iter().map(|o| order_view(o, None, &aliases)).collect()))
}

async fn cancel_with(caller: Caller, state: AppState, body: Value, reason: Option<String>) -> Result<Data, ApiError> {
    let erp_no = erp_no_of(&body)?;
    let order = by_erp_no(&state, &caller, &erp_no).await?;
    let order = state.app.cancel_outbound(&caller.customer, &order.order_no, reason.as_deref()).await?;
    Ok(Data(json!({
        "erpNo": order.customer_reference,
        "packageNo": order.order_no,
        "status": status_code(&order, false),
        "interceptStatus": intercept_code(&order),
    })))
}

/// Cancels at once before picking; afterwards asks the warehouse to
/// intercept (`interceptStatus` 1 until staff answer); 50018 once shipped.
pub async fn cancel(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let reason = Fields(&body).text(&["reason", "cancelReason", "remark"]);
    cancel_with(caller, state, body, reason).await
}

/// The platform cancelled the order: a cancel whose reason says so
/// (status 10 afterwards).
pub async fn platform_cancel(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    cancel_with(caller, state, body, Some(PLATFORM_CANCEL.to_owned())).await
}

/// `{erpNo}` → `{erpNo, packageNo}`.
pub async fn package_no(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let erp_no = erp_no_of(&body)?;
    let order = by_erp_no(&state, &caller, &erp_no).await?;
    Ok(Data(json!({"erpNo": order.customer_reference, "packageNo": order.order_no})))
}
