//! The seven inventory service types of the Qianyi document, each onto the
//! app use case the native API calls.

use serde_json::{Value, json};

use haicang_api::AppState;
use haicang_api::error::ApiError;
use haicang_app::query::{MovementFilter, OutboundFilter, StockFilter, WorkOrderFilter};
use haicang_app::transfers::{CreateTransfer, FreightDetail};
use haicang_app::work_orders::WorkOrderDetail;
use haicang_app::{AppError, PAGE_SIZE_MAX, PageRequest, Viewer, now_ms, page_request};
use haicang_core::dialects::Dialect;
use haicang_core::product::ProductType;
use haicang_core::transfers::{OrderKind, TransferStatus};
use haicang_core::work_orders::{WorkOrderStatus, WorkType};

use super::{Answer, Call};
use crate::Aliases;
use crate::fields::{Fields, format_time};

/// A required time range that is missing covers the last 30 days.
const DEFAULT_RANGE_MS: i64 = 30 * 86_400_000;

pub async fn dispatch(state: &AppState, call: Call) -> Answer {
    let result = match call.service_type.as_str() {
        "QUERY_SIMPLE_LIST_INVENTORY" => inventory(state, &call, false).await,
        "QUERY_SIMPLE_LIST_INVENTORY_V2" => inventory(state, &call, true).await,
        "QUERY_INVENTORY_LOG_LIST" => inventory_log(state, &call).await,
        "QUERY_INVENTORY_ASSEMBLY_LIST" => work_orders(state, &call, WorkType::Assembly).await,
        "QUERY_INVENTORY_RESTORE_LIST" => work_orders(state, &call, WorkType::Disassembly).await,
        "CREATE_TRANSFER_AVAILABLE_ORDER" | "CREATE_TRANSFER_ORDER" => create_transfer(state, &call).await,
        "QUERY_INVENTORY_TRANSFER_LIST" | "QUERY_TRANSFER_ORDER_LIST" => transfers(state, &call).await,
        _ => Err(ApiError::NotOffered("this serviceType")),
    };
    match result {
        Ok((result, total)) => Answer::Ok { result, total },
        Err(e) => Answer::Err(e),
    }
}

type Served = Result<(Value, Option<i64>), ApiError>;

fn page_of(f: &Fields) -> Result<PageRequest, ApiError> {
    let size = f.int(&["pageSize"])?.map(|s| s.clamp(1, PAGE_SIZE_MAX));
    Ok(page_request(f.int(&["page", "pageNo"])?, size)?)
}

/// `from`/`to` of a range, or the last 30 days when neither is given.
fn range(f: &Fields, from: &[&str], to: &[&str], default: bool) -> Result<(Option<i64>, Option<i64>), ApiError> {
    let (start, end) = (f.time(from, false)?, f.time(to, true)?);
    if default && start.is_none() && end.is_none() {
        let now = now_ms();
        return Ok((Some(now - DEFAULT_RANGE_MS), Some(now + 1)));
    }
    Ok((start, end.map(|e| e + 1)))
}

/// Inventory per warehouse and SKU (V1 and V2 fields).
async fn inventory(state: &AppState, call: &Call, v2: bool) -> Served {
    let f = Fields(&call.biz);
    let aliases = Aliases::load(&state.app, Dialect::Qianyi).await?;
    let mut names = f.texts(&["warehouses"]);
    names.extend(f.text(&["warehouse", "warehouseName"]));
    if names.is_empty() {
        return Err(AppError::MissingParam { field: "warehouse" }.into());
    }
    let codes: Vec<String> = names.iter().map(|n| aliases.warehouse(n)).collect();
    let filter = StockFilter { warehouse_codes: codes, skus: f.texts(&["skuList"]), conditions: Vec::new() };
    let request = page_of(&f)?;
    let show_combine = v2 && f.bool(&["showCombine"]).unwrap_or(false);
    let show_empty = v2 && f.bool(&["showEmpty"]).unwrap_or(false);
    let values = v2 && f.bool(&["fillCostAndGoods"]).unwrap_or(false);
    let found = state.app.inventory(&call.customer, &filter, request).await?;
    let mut rows: Vec<Value> = Vec::new();
    for st in crate::stock::per_sku(&found.items) {
        if st.product_type == Some(ProductType::Suite) && !show_combine {
            continue;
        }
        let mut row = json!({"sku": st.sku, "warehouse": aliases.vendor_warehouse(&st.warehouse_code),
            "warehouseCode": st.warehouse_code, "total": st.good, "available": st.available(),
            "allocated": st.reserved, "shippingQuantity": st.in_transit(), "purchaseShippingQuantity": 0,
            "firstLegShippingQuantity": st.inbound, "transferShippingQuantity": st.transfer,
            "assemblyShippingQuantity": 0, "returnShippingQuantity": st.returned, "manualShippingQuantity": 0,
            "orderAllocated": st.reserved, "firstLegAllocated": 0, "transferAllocated": 0, "assemblyAllocated": 0});
        if v2 {
            row["skuName"] = json!(st.name);
            row["unavailable"] = json!(st.non_good);
        }
        if values && let Some(unit) = st.unit_value_micros {
            let money = |units: i64| ((units as f64) * (unit as f64) / 10_000.0).round() / 100.0;
            let fields = [
                ("total", st.total()),
                ("available", st.available()),
                ("unavailable", st.non_good),
                ("allocated", st.reserved),
                ("shipping", st.in_transit()),
            ];
            for (name, units) in fields {
                for suffix in ["Cost", "Goods"] {
                    row[format!("{name}{suffix}")] = json!(money(units));
                }
            }
            row["currency"] = json!(st.currency);
        }
        rows.push(row);
    }
    if !show_empty {
        rows.retain(|r| r["total"].as_i64().unwrap_or(0) != 0 || r["shippingQuantity"].as_i64().unwrap_or(0) != 0);
    }
    Ok((Value::Array(rows), Some(found.total)))
}

/// The ledger as Qianyi's inventory log: one row per movement.
async fn inventory_log(state: &AppState, call: &Call) -> Served {
    let f = Fields(&call.biz);
    let aliases = Aliases::load(&state.app, Dialect::Qianyi).await?;
    let (op_from, op_to) = range(&f, &["operateTimeFrom"], &["operateTimeTo"], false)?;
    let (cr_from, cr_to) = range(&f, &["createTimeFrom"], &["createTimeTo"], op_from.is_none() && op_to.is_none())?;
    let from = [op_from, cr_from].into_iter().flatten().max();
    let to = [op_to, cr_to].into_iter().flatten().min();
    let mut warehouses: Vec<String> = f.texts(&["warehouseName", "warehouse"]);
    warehouses.extend(f.texts(&["warehouses"]));
    let mut skus = f.texts(&["skuList"]);
    skus.extend(f.text(&["sku"]));
    let filter = MovementFilter {
        stock: StockFilter {
            warehouse_codes: warehouses.iter().map(|w| aliases.warehouse(w)).collect(),
            skus,
            conditions: Vec::new(),
        },
        document_no: f.text(&["billNumber"]),
        from_ms: from,
        to_ms: to,
    };
    let location = f.text(&["storageLocation"]);
    let found = state.app.inventory_log(&call.customer, &filter, page_of(&f)?).await?;
    let rows = found
        .items
        .iter()
        .filter(|m| location.as_deref().is_none_or(|l| m.source == l || m.target == l))
        .map(|m| {
            let diff = m.on_hand_after - m.on_hand_before;
            let operate_type = match diff.signum() {
                1 => "INCREASE",
                -1 => "DECREASE",
                _ => "MODIFY",
            };
            let place = if m.target.starts_with('@') { &m.source } else { &m.target };
            json!({
                "sku": m.sku,
                "warehouseName": aliases.vendor_warehouse(&m.warehouse_code),
                "storageLocation": place,
                "operateType": operate_type,
                "billNumber": m.document_no,
                "billType": m.document_type,
                "bizType": m.document_type,
                "inTransitBefore": 0,
                "inTransitAfter": 0,
                "inTransitDiff": 0,
                "inventoryBefore": m.on_hand_before,
                "inventoryAfter": m.on_hand_after,
                "inventoryDiff": diff,
                "batchNumber": m.lot_code,
                "operator": m.operator,
                "operateTime": format_time(m.created_at),
                "createTime": format_time(m.created_at),
                "uniqueId": m.stock_movement_id,
                "isDeleted": 0,
            })
        })
        .collect();
    Ok((Value::Array(rows), Some(found.total)))
}

fn assembly_status(status: WorkOrderStatus, work_type: WorkType) -> &'static str {
    match (status, work_type) {
        (WorkOrderStatus::Created, _) => "NEW",
        (WorkOrderStatus::Started | WorkOrderStatus::Partial, WorkType::Assembly) => "PROCESSING",
        (WorkOrderStatus::Started | WorkOrderStatus::Partial, WorkType::Disassembly) => "DOING",
        (WorkOrderStatus::Completed, WorkType::Assembly) => "DONE",
        (WorkOrderStatus::Completed, WorkType::Disassembly) => "FINISH",
        (WorkOrderStatus::Cancelled, _) => "CLOSED",
    }
}

fn work_order_view(d: &WorkOrderDetail, aliases: &Aliases) -> Value {
    let o = &d.order;
    let workers: Vec<Value> = d
        .completions
        .iter()
        .flat_map(|c| serde_json::from_str::<Vec<String>>(&c.workers).unwrap_or_default())
        .map(|name| json!({"name": name}))
        .collect();
    let started = d.completions.first().map(|c| c.created_at);
    let finished = (o.status == WorkOrderStatus::Completed).then_some(o.updated_at);
    let warehouse = aliases.vendor_warehouse(&o.warehouse_code);
    let sku_status = match o.status {
        WorkOrderStatus::Created => "UN_PROCESSED",
        WorkOrderStatus::Started | WorkOrderStatus::Partial => "PROCESSING",
        WorkOrderStatus::Completed => "DONE",
        WorkOrderStatus::Cancelled => "CLOSED",
    };
    match o.work_type {
        WorkType::Assembly => {
            let parts: Vec<Value> = d
                .inputs
                .iter()
                .map(
                    |i| json!({"sku": i.sku, "expectQuantity": i.per_kit * o.quantity, "quantity": i.per_kit * o.done}),
                )
                .collect();
            json!({
                "assemblyNumber": o.order_no,
                "warehouseName": warehouse,
                "status": assembly_status(o.status, o.work_type),
                "customNumber": o.customer_reference,
                "createTime": o.created_at,
                "finishTime": finished.map(format_time),
                "processStartTime": started.map(format_time),
                "processEndTime": finished.map(format_time),
                "assemblyList": [{"sku": o.sku, "status": sku_status, "expectQuantity": o.quantity,
                    "processedQuantity": o.done, "parts": parts}],
                "workers": workers,
                "isDeleted": 0,
            })
        }
        WorkType::Disassembly => {
            let parts: Vec<Value> = d
                .inputs
                .iter()
                .enumerate()
                .map(|(n, i)| {
                    json!({"id": n + 1, "sku": i.sku, "partRate": i.per_kit, "totalReceivedQty": i.per_kit * o.done})
                })
                .collect();
            json!({
                "orderNumber": o.order_no,
                "warehouseName": warehouse,
                "status": assembly_status(o.status, o.work_type),
                "customNumber": o.customer_reference,
                "orderTime": o.created_at,
                "restoreOrderStartTime": started,
                "restoreOrderEndTime": finished,
                "finishTime": finished,
                "skuList": [{"sku": o.sku, "expectedQty": o.quantity, "completedQty": o.done, "partList": parts}],
                "remarkList": [],
                "workerList": workers,
                "isDeleted": 0,
            })
        }
    }
}

/// Assembly (加工单) or restore (拆分单) work orders: by number, or created
/// in a range (the last 30 days when neither is given).
async fn work_orders(state: &AppState, call: &Call, work_type: WorkType) -> Served {
    let f = Fields(&call.biz);
    let aliases = Aliases::load(&state.app, Dialect::Qianyi).await?;
    let viewer = Viewer::Customer(&call.customer);
    let (number_key, from_key, to_key) = match work_type {
        WorkType::Assembly => ("assemblyNumber", "createTimeFrom", "createTimeTo"),
        WorkType::Disassembly => ("orderNumber", "orderTimeFrom", "orderTimeTo"),
    };
    if let Some(number) = f.text(&[number_key]) {
        return match state.app.work_order_detail(viewer, &number).await {
            Ok(d) if d.order.work_type == work_type => Ok((json!([work_order_view(&d, &aliases)]), Some(1))),
            Ok(_) | Err(AppError::WorkOrderNotFound(_)) => Ok((json!([]), Some(0))),
            Err(e) => Err(e.into()),
        };
    }
    let (from, to) = range(&f, &[from_key], &[to_key], true)?;
    let filter = WorkOrderFilter {
        warehouse_code: f.text(&["warehouseName", "warehouse"]).map(|w| aliases.warehouse(&w)),
        work_type: Some(work_type),
        status: None,
        sku: None,
        created_from: from,
        created_to: to,
    };
    let found = state.app.list_work_orders(viewer, &filter, page_of(&f)?).await?;
    let mut rows = Vec::with_capacity(found.items.len());
    for o in &found.items {
        let d = state.app.work_order_detail(viewer, &o.order_no).await?;
        rows.push(work_order_view(&d, &aliases));
    }
    Ok((Value::Array(rows), Some(found.total)))
}

/// A transfer between the seller's warehouses (调拨单, available stock).
async fn create_transfer(state: &AppState, call: &Call) -> Served {
    let f = Fields(&call.biz);
    let aliases = Aliases::load(&state.app, Dialect::Qianyi).await?;
    let mut items: Vec<(String, i64)> = Vec::new();
    let mut boxes: Vec<(String, i64, i64)> = Vec::new();
    for line in f.list(&["skuList"]) {
        let l = Fields(line);
        let sku = l.text(&["sku"]).unwrap_or_default();
        let quantity = l.int(&["transferQty", "quantity", "qty"])?.unwrap_or(0);
        // Whole cartons when the units divide into them.
        match l.int(&["packingRate"])? {
            Some(rate) if rate > 0 && quantity > 0 && quantity % rate == 0 => boxes.push((sku, rate, quantity / rate)),
            _ => items.push((sku, quantity)),
        }
    }
    let note = [f.text(&["remark"]), f.text(&["logisticsName"]).map(|l| format!("logistics {l}"))]
        .into_iter()
        .flatten()
        .chain(f.text(&["trackNumber"]).map(|t| format!("tracking {t}")))
        .collect::<Vec<_>>()
        .join("; ");
    let cmd = CreateTransfer {
        from_warehouse_code: aliases.warehouse(&f.text(&["warehouseName"]).unwrap_or_default()),
        to_warehouse_code: f.text(&["destWarehouseName"]).map(|w| aliases.warehouse(&w)),
        destination: None,
        customer_reference: f.text(&["customNumber"]).unwrap_or_default(),
        items,
        boxes,
        cartons: Vec::new(),
        note: (!note.is_empty()).then_some(note),
    };
    if cmd.to_warehouse_code.is_none() {
        return Err(AppError::MissingParam { field: "destWarehouseName" }.into());
    }
    let created = state.app.create_transfer(&call.customer, &cmd).await?;
    Ok((
        json!({"transferNumber": created.order_no, "customNumber": cmd.customer_reference,
        "status": qianyi_transfer_status(created.status)}),
        None,
    ))
}

fn qianyi_transfer_status(status: TransferStatus) -> &'static str {
    match status {
        TransferStatus::Created => "NEW",
        TransferStatus::Processing => "PROCESSING",
        TransferStatus::InTransit | TransferStatus::Shipped => "SHIPPED",
        TransferStatus::Receiving => "RECEIVING",
        TransferStatus::Received => "FINISHED",
        TransferStatus::Exception => "EXCEPTION",
        TransferStatus::Cancelled => "CANCELLED",
    }
}

fn transfer_view(d: &FreightDetail, aliases: &Aliases) -> Value {
    let o = &d.order;
    let received = |sku: &str| d.receipts.iter().filter(|r| r.sku == sku).map(|r| r.good).sum::<i64>();
    let skus: Vec<Value> = d
        .lines
        .iter()
        .map(|l| {
            let plan = d.plan.iter().find(|p| p.sku == l.sku);
            json!({"id": l.outbound_line_id, "sku": l.sku, "expectedQuantity": l.quantity,
                "receiveQuantity": received(&l.sku), "packingRate": plan.map(|p| p.units_per_box),
                "fbaNo": o.shipment_id})
        })
        .collect();
    let dest = o.to_warehouse_code.as_deref().map(|c| aliases.vendor_warehouse(c));
    let fees: Vec<Value> = d
        .fees
        .iter()
        .map(|c| {
            json!({"name": c.charge_type.as_str(), "amount": c.amount as f64 / 100.0, "status": "NEW",
            "currency": c.currency})
        })
        .collect();
    json!({
        "transferNumber": o.order_no,
        "type": "AVAILABLE",
        "destWarehouseType": if o.destination_platform.as_deref() == Some("AMAZON") { "AMAZON" } else { "OVERSEA" },
        "status": qianyi_transfer_status(d.status),
        "createTime": o.created_at,
        "updateTime": o.updated_at,
        "customNumber": o.customer_reference,
        "warehouseName": aliases.vendor_warehouse(&o.warehouse_code),
        "destWarehouseName": dest.or_else(|| o.destination_platform.clone()),
        "logisticsName": o.carrier,
        "trackNumber": o.tracking_no,
        "remark": o.note,
        "skuVOList": skus,
        "feeList": fees,
        "isDeleted": 0,
    })
}

/// Transfers by number (transfer number, reference or tracking number)
/// or created in a range (the last 30 days when neither is given).
async fn transfers(state: &AppState, call: &Call) -> Served {
    let f = Fields(&call.biz);
    let aliases = Aliases::load(&state.app, Dialect::Qianyi).await?;
    let viewer = Viewer::Customer(&call.customer);
    let status = match f.text(&["status"]) {
        None => None,
        Some(s) => Some(transfer_status_of(&s).ok_or(AppError::InvalidParam {
            field: "status",
            reason: "NEW, PROCESSING, SHIPPED, RECEIVING, FINISHED or CANCELLED".into(),
        })?),
    };
    let mut filter = OutboundFilter::default();
    if let Some(number) = f.text(&["numberParam"]) {
        let by = [
            OutboundFilter { order_nos: vec![number.clone()], ..Default::default() },
            OutboundFilter { references: vec![number.clone()], ..Default::default() },
            OutboundFilter { tracking_nos: vec![number.clone()], ..Default::default() },
        ];
        for candidate in by {
            let found = state.app.list_freight(viewer, OrderKind::Transfer, status, &candidate, page_of(&f)?).await?;
            if !found.items.is_empty() {
                let rows: Vec<Value> = found.items.iter().map(|d| transfer_view(d, &aliases)).collect();
                return Ok((Value::Array(rows), Some(found.total)));
            }
        }
        return Ok((json!([]), Some(0)));
    }
    let (from, to) = range(&f, &["createTimeFrom"], &["createTimeTo"], true)?;
    filter.created_from = from;
    filter.created_to = to;
    let found = state.app.list_freight(viewer, OrderKind::Transfer, status, &filter, page_of(&f)?).await?;
    let rows: Vec<Value> = found.items.iter().map(|d| transfer_view(d, &aliases)).collect();
    Ok((Value::Array(rows), Some(found.total)))
}

fn transfer_status_of(text: &str) -> Option<TransferStatus> {
    Some(match text.trim().to_ascii_uppercase().as_str() {
        "NEW" | "CREATED" => TransferStatus::Created,
        "PROCESSING" => TransferStatus::Processing,
        "SHIPPED" | "IN_TRANSIT" => TransferStatus::InTransit,
        "RECEIVING" => TransferStatus::Receiving,
        "FINISHED" | "RECEIVED" => TransferStatus::Received,
        "CANCELLED" | "CLOSED" => TransferStatus::Cancelled,
        "EXCEPTION" => TransferStatus::Exception,
        _ => return None,
    })
}
