//! JF inbound orders (入库单): create, cancel, get, tracking number, box
//! labels. `erpNo` is the customer reference; `inboundNo` haicang's number.

use base64::Engine;
use serde_json::{Value, json};

use haicang_api::AppState;
use haicang_api::error::ApiError;
use haicang_app::inbound::{CreateInbound, InboundDetail};
use haicang_app::query::{InboundFilter, InboundOrderRow};
use haicang_app::{AppError, PageRequest, Viewer};
use haicang_core::dialects::Dialect;
use haicang_core::inbound::{BoxDraft, ItemDraft};

use super::{Caller, Data};
use crate::Aliases;
use crate::fields::{Fields, format_iso, parse_time};

/// JF's arrival method (`receiptType`, 到仓方式) as haicang's inbound
/// type: pallets and trucks are PALLET, parcels and express PARCEL,
/// anything else (cartons, containers) CARTON.
fn inbound_type(receipt_type: Option<String>) -> String {
    let t = receipt_type.unwrap_or_default().to_ascii_uppercase();
    if t.contains("PALLET") || t.contains("TRUCK") || t == "2" {
        "PALLET".into()
    } else if t.contains("PARCEL") || t.contains("EXPRESS") || t == "1" {
        "PARCEL".into()
    } else {
        "CARTON".into()
    }
}

fn items_of(v: &Value) -> Result<Vec<ItemDraft>, ApiError> {
    Fields(v)
        .list(&["skuList", "skus", "items", "boxSkuList"])
        .into_iter()
        .map(|line| {
            let l = Fields(line);
            Ok(ItemDraft {
                sku: l.text(&["sku", "skuCode"]).unwrap_or_default(),
                quantity: l.int(&["num", "quantity", "qty"])?.unwrap_or(0),
                batch_no: l.text(&["batchNo"]),
                ..ItemDraft::default()
            })
        })
        .collect()
}

fn create_command(body: &Value, aliases: &Aliases) -> Result<CreateInbound, ApiError> {
    let f = Fields(body);
    // Missing: the inbound rules answer JF's 40000.
    let erp_no = f.text(&["erpNo"]).unwrap_or_default();
    let arrival = f.text(&["estimatedArrivalTime", "arrivalTime", "expectedArrivalTime", "estimatedArrivalDate"]);
    let arrival = arrival.map(|t| match parse_time(&t, false) {
        Some(ms) => format_iso(ms)[..10].to_owned(),
        None => t,
    });
    let mut boxes = Vec::new();
    for (i, b) in f.list(&["boxList", "boxes", "boxInfoList"]).into_iter().enumerate() {
        let bf = Fields(b);
        boxes.push(BoxDraft {
            box_no: bf.text(&["boxNo", "customNo", "boxCode"]).or_else(|| Some(format!("{}", i + 1))),
            barcode: bf.text(&["barcode"]),
            length_cm: bf.decimal(&["length"]),
            width_cm: bf.decimal(&["width"]),
            height_cm: bf.decimal(&["height"]),
            weight_kg: bf.decimal(&["weight"]),
            items: items_of(b)?,
        });
    }
    let forecast = if boxes.is_empty() { items_of(body)? } else { Vec::new() };
    Ok(CreateInbound {
        warehouse_code: aliases.warehouse(&f.text(&["warehouseCode", "warehouse"]).unwrap_or_default()),
        inbound_type: inbound_type(f.text(&["receiptType", "inboundType"])),
        mode: None,
        customer_reference: erp_no,
        expected_arrival: arrival,
        carrier: f.text(&["logisticsName", "carrier"]),
        tracking_no: f.text(&["trackingNo"]),
        note: f.text(&["note", "remark"]),
        draft: false,
        boxes,
        forecast,
        keep_sealed: false,
        attributes: None,
    })
}

pub async fn create(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    let cmd = create_command(&body, &aliases)?;
    let created = state.app.create_inbound(&caller.customer, &cmd).await?;
    Ok(Data(json!({"erpNo": cmd.customer_reference, "inboundNo": created.order_no, "status": created.status.as_str()})))
}

async fn by_erp_no(state: &AppState, caller: &Caller, body: &Value) -> Result<InboundOrderRow, ApiError> {
    let erp_no = Fields(body)
        .text(&["erpNo"])
        .ok_or(AppError::Inbound(haicang_core::inbound::InboundError::ReferenceRequired))?;
    let filter = InboundFilter { references: vec![erp_no.clone()], ..Default::default() };
    let found = state
        .app
        .list_inbound(Viewer::Customer(&caller.customer), &filter, PageRequest { page: 1, page_size: 1 })
        .await?;
    found.items.into_iter().next().ok_or_else(|| AppError::InboundNotFound(erp_no).into())
}

/// 40005 once the warehouse started receiving.
pub async fn cancel(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let order = by_erp_no(&state, &caller, &body).await?;
    let reason = Fields(&body).text(&["reason", "remark"]);
    let stepped = state.app.cancel_inbound(&caller.customer, &order.order_no, reason.as_deref()).await?;
    Ok(Data(
        json!({"erpNo": order.customer_reference, "inboundNo": stepped.order_no, "status": stepped.status.as_str()}),
    ))
}

/// 40006 once the goods arrived.
pub async fn update_tracking(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let order = by_erp_no(&state, &caller, &body).await?;
    let f = Fields(&body);
    let tracking_no = f.text(&["trackingNo"]).unwrap_or_default();
    let carrier = f.text(&["logisticsName", "carrier"]);
    let stepped =
        state.app.update_inbound_tracking(&caller.customer, &order.order_no, carrier.as_deref(), &tracking_no).await?;
    Ok(Data(json!({"erpNo": order.customer_reference, "inboundNo": stepped.order_no, "trackingNo": tracking_no})))
}

fn detail_view(d: &InboundDetail, aliases: &Aliases) -> Value {
    let o = &d.order;
    let boxes: Vec<Value> = d
        .boxes
        .iter()
        .map(|b| {
            let skus: Vec<Value> = d
                .lines
                .iter()
                .filter(|l| l.inbound_box_id == Some(b.inbound_box_id))
                .map(|l| json!({"sku": l.sku, "num": l.quantity}))
                .collect();
            json!({"boxNo": b.box_no, "length": b.length_mm as f64 / 10.0, "width": b.width_mm as f64 / 10.0,
                "height": b.height_mm as f64 / 10.0, "weight": b.weight_g as f64 / 1000.0,
                "received": b.received_at.is_some(), "skuList": skus})
        })
        .collect();
    let skus: Vec<Value> = d
        .skus
        .iter()
        .map(|s| {
            json!({"sku": s.sku, "num": s.expected, "receivedNum": s.received_good + s.received_defective,
                "goodNum": s.received_good, "badNum": s.received_defective, "putawayNum": s.put_away})
        })
        .collect();
    json!({
        "erpNo": o.customer_reference,
        "inboundNo": o.order_no,
        "warehouseCode": aliases.vendor_warehouse(&o.warehouse_code),
        "receiptType": o.inbound_type.as_str(),
        "status": o.status.as_str(),
        "trackingNo": o.tracking_no,
        "logisticsName": o.carrier,
        "estimatedArrivalTime": o.expected_arrival,
        "note": o.note,
        "boxNum": o.box_count,
        "skuNum": o.unit_count,
        "createTime": format_iso(o.created_at),
        "arrivalTime": o.arrived_at.map(format_iso),
        "receivedTime": o.received_at.map(format_iso),
        "finishTime": o.putaway_at.map(format_iso),
        "boxList": boxes,
        "skuList": skus,
    })
}

pub async fn get(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let order = by_erp_no(&state, &caller, &body).await?;
    let detail = state.app.inbound_detail(Viewer::Customer(&caller.customer), &order.order_no).await?;
    let aliases = Aliases::load(&state.app, Dialect::Jf).await?;
    Ok(Data(detail_view(&detail, &aliases)))
}

/// One PDF with a label per box (100 × 100 mm), base64.
pub async fn box_labels(caller: Caller, state: AppState, body: Value) -> Result<Data, ApiError> {
    let order = by_erp_no(&state, &caller, &body).await?;
    let pdf = state.app.inbound_labels(Viewer::Customer(&caller.customer), &order.order_no, Default::default()).await?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(pdf);
    Ok(Data(json!([{"erpNo": order.customer_reference, "inboundNo": order.order_no, "fileType": "pdf",
        "labelBase64": encoded}])))
}
