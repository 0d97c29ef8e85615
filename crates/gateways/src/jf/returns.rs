//! JF return orders (退货单, under `/api/inbound/…`) and document fees
//! (查询单据费用).

use serde_json::{Value, json};

use haicang_api::AppState;
use haicang_api::error::ApiError;
use haicang_app::query::{ChargeFilter, OutboundFilter, ReturnFilter, ReturnOrderRow};
use haicang_app::returns::{AnnounceReturn, ReturnDetail};
use haicang_app::{AppError, PAGE_SIZE_MAX, PageRequest, Viewer, page_request};
use haicang_core::dialects::Dialect;

use super::{Caller, Data, page};
use crate::Aliases;
use crate::fields::{Fields, format_iso};

fn lines(v: &Value) -> Result<Vec<(String, i64)>, ApiError> {
    Fields(v)
        .list(&["skuList", "skus", "items"])
        .into_iter()
        .map(|line| {
            let l = Fields(line);
            Ok((l.text(&["sku"]).unwrap_or_default(), l.int(&["num", "quantity", "qty"])?.unwrap_or(0)))
        })
        .collect()
}

/// `{erpNo, warehouseCode, originalErpNo | packageNo, returnType,
/// trackingNo, logisticsName, note, skuList}`: a return announced to the
/// warehouse. The original order is named by its erpNo or package number.
pub async fn create(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let f = Fields(&body);
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    let original = match (f.text(&["packageNo", "originalOrderNo"]), f.text(&["originalErpNo", "orderErpNo"])) {
        (Some(no), _) => Some(no),
        (None, Some(erp_no)) => {
            let filter = OutboundFilter { references: vec![erp_no.clone()], ..Default::default() };
            let found = state
                .app
                .list_outbound(Viewer::Customer(&caller.customer), &filter, PageRequest { page: 1, page_size: 1 })
                .await?;
            Some(found.items.into_iter().next().map(|o| o.order_no).ok_or(AppError::ReturnOriginalNotFound(erp_no))?)
        }
        (None, None) => None,
    };
    let reason = [f.text(&["returnType"]).map(|t| format!("type {t}")), f.text(&["note", "remark", "reason"])]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ");
    let cmd = AnnounceReturn {
        warehouse_code: aliases.warehouse(&f.text(&["warehouseCode", "warehouse"]).unwrap_or_default()),
        customer_reference: f.text(&["erpNo"]).unwrap_or_default(),
        original_order_no: original,
        tracking_no: f.text(&["trackingNo"]),
        carrier: f.text(&["logisticsName", "carrier"]),
        reason: (!reason.is_empty()).then_some(reason),
        items: lines(&body)?,
        return_address: None,
    };
    let created = state.app.announce_return(&caller.customer, &cmd).await?;
    Ok(Data(json!({"erpNo": cmd.customer_reference, "returnNo": created.order_no, "status": created.status.as_str()})))
}

async fn by_erp_no(state: &AppState, caller: &Caller, body: &Value) -> Result<ReturnOrderRow, ApiError> {
    let erp_no = Fields(body).text(&["erpNo"]).ok_or(AppError::MissingParam { field: "erpNo" })?;
    let filter = ReturnFilter { reference: Some(erp_no.clone()), ..Default::default() };
    let found = state
        .app
        .list_returns(Viewer::Customer(&caller.customer), &filter, PageRequest { page: 1, page_size: 1 })
        .await?;
    found.items.into_iter().next().ok_or_else(|| AppError::ReturnNotFound(erp_no).into())
}

fn view(o: &ReturnOrderRow, detail: Option<&ReturnDetail>, aliases: &Aliases) -> Value {
    let mut v = json!({
        "erpNo": o.customer_reference,
        "returnNo": o.order_no,
        "warehouseCode": aliases.vendor_warehouse(&o.warehouse_code),
        "status": o.status.as_str(),
        "packageNo": o.original_order_no,
        "trackingNo": o.tracking_no,
        "logisticsName": o.carrier,
        "note": o.reason,
        "num": o.announced,
        "createTime": format_iso(o.created_at),
        "arrivalTime": o.arrived_at.map(format_iso),
        "finishTime": o.completed_at.map(format_iso),
    });
    if let Some(d) = detail {
        v["skuList"] = d
            .lines
            .iter()
            .map(|l| {
                let graded = d.grades.iter().filter(|g| g.sku == l.sku);
                let good: i64 = graded
                    .clone()
                    .filter(|g| g.condition == haicang_core::ledger::Condition::Good)
                    .map(|g| g.quantity)
                    .sum();
                let all: i64 = graded.map(|g| g.quantity).sum();
                json!({"sku": l.sku, "num": l.quantity, "goodNum": good, "badNum": all - good})
            })
            .collect();
    }
    v
}

pub async fn get(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let order = by_erp_no(&state, &caller, &body).await?;
    let detail = state.app.return_detail(Viewer::Customer(&caller.customer), &order.order_no).await?;
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    Ok(Data(view(&detail.order, Some(&detail), &aliases)))
}

/// `{pageNo, pageSize, warehouseCode?, startTime?, endTime?}`.
pub async fn list(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let f = Fields(&body);
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    let filter = ReturnFilter {
        warehouse_code: f.text(&["warehouseCode", "warehouse"]).map(|w| aliases.warehouse(&w)),
        reference: None,
        status: None,
        created_from: f.time(&["startTime", "createTimeFrom", "beginTime"], false)?,
        created_to: f.time(&["endTime", "createTimeTo"], true)?.map(|t| t + 1),
    };
    let request = page_request(f.int(&["pageNo", "page"])?, f.int(&["pageSize"])?.map(|s| s.min(PAGE_SIZE_MAX)))?;
    let found = state.app.list_returns(Viewer::Customer(&caller.customer), &filter, request).await?;
    let rows = found.items.iter().map(|o| view(o, None, &aliases)).collect();
    Ok(Data(page(rows, found.page, found.page_size, found.total)))
}

/// 40026 once the return arrived (JF: "The return order has been stocked
/// in, failed to cancel").
pub async fn cancel(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let order = by_erp_no(&state, &caller, &body).await?;
    let status = state.app.cancel_return(&caller.customer, &order.order_no).await?;
    Ok(Data(json!({"erpNo": order.customer_reference, "returnNo": order.order_no, "status": status.as_str()})))
}

/// `{documentNoList | erpNoList | documentNo}` → the charges of each
/// document (haicang numbers: order, inbound, return, transfer).
pub async fn fees(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let f = Fields(&body);
    let mut numbers = f.texts(&["documentNoList", "documentNos", "packageNoList", "orderNoList", "documentNo"]);
    // erpNos of parcel orders are read through their orders.
    let erp_nos = f.texts(&["erpNoList", "erpNos", "erpNo"]);
    if !erp_nos.is_empty() {
        let filter = OutboundFilter { references: erp_nos, ..Default::default() };
        let page = PageRequest { page: 1, page_size: PAGE_SIZE_MAX };
        let found = state.app.list_outbound(Viewer::Customer(&caller.customer), &filter, page).await?;
        numbers.extend(found.items.into_iter().map(|o| o.order_no));
    }
    if numbers.is_empty() {
        return Err(AppError::MissingParam { field: "documentNoList" }.into());
    }
    if numbers.len() > haicang_core::outbound::BATCH_GET_MAX {
        return Err(AppError::TooManyQueried.into());
    }
    let mut rows = Vec::new();
    for no in numbers {
        let filter = ChargeFilter { document_no: Some(no), ..Default::default() };
        let page = PageRequest { page: 1, page_size: PAGE_SIZE_MAX };
        for c in state.app.charges(Some(caller.customer.customer_id), &filter, page).await?.items {
            rows.push(json!({"documentNo": c.document_no, "documentType": c.document_type,
                "feeType": c.charge_type.as_str(), "amount": c.amount as f64 / 100.0, "currency": c.currency,
                "quantity": c.quantity, "detail": c.detail, "day": c.day, "billNo": c.bill_no,
                "warehouseCode": c.warehouse_code}));
        }
    }
    Ok(Data(Value::Array(rows)))
}
