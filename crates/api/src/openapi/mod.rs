//! The OpenAPI document as clients need it. utoipa describes each route's
//! `data` and parameters from the Rust types; this module adds what every
//! operation shares, in one place so that it cannot differ by route:
//! the envelope around each answer, the error answers, operationIds,
//! which token an operation needs (seller or staff, and the least staff
//! role), optional bodies, binary PDFs, servers and tags.

mod bodies;
mod examples;

use serde_json::{Map, Value, json};
use utoipa::OpenApi;

use crate::ApiDoc;
use crate::routes::{audit_action, min_role};

/// Each operation's id: unique, and what a generated client calls it.
const OPERATION_IDS: &[(&str, &str, &str)] = &[
    ("post", "/api/v1/auth/token", "issueToken"),
    ("post", "/api/v1/auth/refresh", "refreshToken"),
    ("post", "/api/v1/staff/login", "staffLogin"),
    ("post", "/api/v1/auth/logout", "logout"),
    ("get", "/api/v1/ops/audit", "listAuditLog"),
    ("get", "/api/v1/audit", "listOwnAuditLog"),
    ("post", "/api/v1/inbound-orders", "createInboundOrder"),
    ("get", "/api/v1/inbound-orders", "listInboundOrders"),
    ("get", "/api/v1/inbound-orders/{no}", "getInboundOrder"),
    ("post", "/api/v1/inbound-orders/{no}/submit", "submitInboundOrder"),
    ("post", "/api/v1/inbound-orders/{no}/cancel", "cancelInboundOrder"),
    ("put", "/api/v1/inbound-orders/{no}/tracking", "updateInboundOrderTracking"),
    ("get", "/api/v1/inbound-orders/{no}/labels.pdf", "getInboundOrderLabels"),
    ("get", "/api/v1/ops/inbound-orders", "listOpsInboundOrders"),
    ("get", "/api/v1/ops/inbound-orders/{no}", "getOpsInboundOrder"),
    ("get", "/api/v1/ops/inbound-orders/{no}/labels.pdf", "getOpsInboundOrderLabels"),
    ("post", "/api/v1/ops/inbound-orders/{code}/arrive", "arriveInboundOrder"),
    ("post", "/api/v1/ops/inbound-orders/{no}/receive", "receiveInboundBox"),
    ("post", "/api/v1/ops/inbound-orders/{no}/close-receipt", "closeInboundReceipt"),
    ("get", "/api/v1/ops/inbound-orders/{no}/putaway-plan", "getPutawayPlan"),
    ("post", "/api/v1/ops/putaway", "confirmPutaway"),
    ("get", "/api/v1/inventory", "listInventory"),
    ("get", "/api/v1/inventory/lots", "listInventoryLots"),
    ("get", "/api/v1/inventory/serials", "listInventorySerials"),
    ("get", "/api/v1/inventory/log", "listInventoryLog"),
    ("get", "/api/v1/ops/locations", "listLocations"),
    ("post", "/api/v1/ops/adjustments", "createAdjustment"),
    ("post", "/api/v1/ops/moves", "moveStock"),
    ("post", "/api/v1/ops/conversions", "convertStock"),
    ("put", "/api/v1/ops/replenishment/rules", "setReplenishmentRules"),
    ("get", "/api/v1/ops/replenishment/rules", "listReplenishmentRules"),
    ("post", "/api/v1/ops/replenishment/plan", "planReplenishment"),
    ("post", "/api/v1/ops/replenishment/confirm", "confirmReplenishment"),
    ("post", "/api/v1/ops/count-plans", "createCountPlan"),
    ("get", "/api/v1/ops/count-plans/{no}", "getCountPlan"),
    ("post", "/api/v1/ops/count-plans/{no}/approve", "approveCountPlan"),
    ("post", "/api/v1/ops/count-tasks/{id}/entries", "enterCount"),
    ("post", "/api/v1/return-orders", "createReturnOrder"),
    ("get", "/api/v1/return-orders", "listReturnOrders"),
    ("get", "/api/v1/return-orders/{no}", "getReturnOrder"),
    ("post", "/api/v1/return-orders/{no}/cancel", "cancelReturnOrder"),
    ("post", "/api/v1/ops/return-orders", "registerReturnOrder"),
    ("get", "/api/v1/ops/return-orders", "listOpsReturnOrders"),
    ("get", "/api/v1/ops/return-orders/{no}", "getOpsReturnOrder"),
    ("post", "/api/v1/ops/return-orders/{scan}/arrive", "arriveReturnOrder"),
    ("post", "/api/v1/ops/return-orders/{no}/grade", "gradeReturnOrder"),
    ("post", "/api/v1/ops/return-orders/{no}/complete", "completeReturnOrder"),
    ("post", "/api/v1/ops/return-orders/{no}/ship-back", "shipBackReturnOrder"),
    ("get", "/api/v1/charges", "listCharges"),
    ("get", "/api/v1/wallet", "getWallet"),
    ("get", "/api/v1/wallet/transactions", "listWalletTransactions"),
    ("get", "/api/v1/bills", "listBills"),
    ("get", "/api/v1/bills/{no}", "getBill"),
    ("get", "/api/v1/bills/{no}/bill.csv", "getBillCsv"),
    ("get", "/api/v1/bills/{no}/bill.pdf", "getBillPdf"),
    ("post", "/api/v1/ops/rate-cards", "createRateCard"),
    ("get", "/api/v1/ops/rate-cards", "listRateCards"),
    ("post", "/api/v1/ops/rate-cards/{card}/versions", "addRateCardVersion"),
    ("put", "/api/v1/ops/customers/{customer}/rate-card", "assignRateCard"),
    ("post", "/api/v1/ops/customers/{customer}/wallet/top-ups", "topUpWallet"),
    ("put", "/api/v1/ops/customers/{customer}/credit", "setCredit"),
    ("post", "/api/v1/ops/charges", "createServiceCharge"),
    ("get", "/api/v1/ops/bills", "listOpsBills"),
    ("get", "/api/v1/ops/bills/{no}", "getOpsBill"),
    ("post", "/api/v1/ops/bills/{no}/issue", "issueBill"),
    ("post", "/api/v1/ops/bills/{no}/pay", "payBill"),
    ("post", "/api/v1/ops/billing/storage", "chargeStorageDay"),
    ("put", "/api/v1/alert-rules", "setAlertRules"),
    ("get", "/api/v1/alert-rules", "listAlertRules"),
    ("get", "/api/v1/alerts", "listAlerts"),
    ("post", "/api/v1/ops/alerts/sweep", "sweepAlerts"),
    ("get", "/api/v1/inventory/boxes", "listInventoryBoxes"),
    ("get", "/api/v1/ops/cartons", "listOpsCartons"),
    ("post", "/api/v1/ops/cartons", "sealCartons"),
    ("post", "/api/v1/ops/cartons/{lpn}/open", "openCarton"),
    ("post", "/api/v1/ops/cartons/{lpn}/move", "moveCarton"),
    ("post", "/api/v1/transfer-orders", "createTransferOrder"),
    ("get", "/api/v1/transfer-orders", "listTransferOrders"),
    ("get", "/api/v1/transfer-orders/{no}", "getTransferOrder"),
    ("post", "/api/v1/transfer-orders/{no}/cancel", "cancelTransferOrder"),
    ("post", "/api/v1/b2b-outbound-orders", "createB2bOutboundOrder"),
    ("get", "/api/v1/b2b-outbound-orders", "listB2bOutboundOrders"),
    ("get", "/api/v1/b2b-outbound-orders/{no}", "getB2bOutboundOrder"),
    ("post", "/api/v1/b2b-outbound-orders/{no}/cancel", "cancelB2bOutboundOrder"),
    ("get", "/api/v1/ops/transfer-orders", "listOpsTransferOrders"),
    ("get", "/api/v1/ops/transfer-orders/{no}", "getOpsTransferOrder"),
    ("get", "/api/v1/ops/transfer-orders/{no}/carton-labels.pdf", "getTransferCartonLabels"),
    ("get", "/api/v1/ops/transfer-orders/{no}/packing-list.pdf", "getTransferPackingList"),
    ("get", "/api/v1/ops/b2b-outbound-orders", "listOpsB2bOutboundOrders"),
    ("get", "/api/v1/ops/b2b-outbound-orders/{no}", "getOpsB2bOutboundOrder"),
    ("get", "/api/v1/ops/b2b-outbound-orders/{no}/carton-labels.pdf", "getB2bCartonLabels"),
    ("get", "/api/v1/ops/b2b-outbound-orders/{no}/packing-list.pdf", "getB2bPackingList"),
    ("post", "/api/v1/work-orders", "createWorkOrder"),
    ("get", "/api/v1/work-orders", "listWorkOrders"),
    ("get", "/api/v1/work-orders/{no}", "getWorkOrder"),
    ("post", "/api/v1/work-orders/{no}/cancel", "cancelWorkOrder"),
    ("post", "/api/v1/ops/work-orders", "createOpsWorkOrder"),
    ("get", "/api/v1/ops/work-orders", "listOpsWorkOrders"),
    ("get", "/api/v1/ops/work-orders/{no}", "getOpsWorkOrder"),
    ("post", "/api/v1/ops/work-orders/{no}/start", "startWorkOrder"),
    ("post", "/api/v1/ops/work-orders/{no}/complete", "completeWorkOrder"),
    ("post", "/api/v1/ops/work-orders/{no}/cancel", "cancelOpsWorkOrder"),
    ("post", "/api/v1/outbound-orders", "createOutboundOrder"),
    ("get", "/api/v1/outbound-orders", "listOutboundOrders"),
    ("post", "/api/v1/outbound-orders/batch-get", "batchGetOutboundOrders"),
    ("get", "/api/v1/outbound-orders/{no}", "getOutboundOrder"),
    ("post", "/api/v1/outbound-orders/{no}/cancel", "cancelOutboundOrder"),
    ("get", "/api/v1/outbound-orders/{no}/tracking", "getOutboundOrderTracking"),
    ("get", "/api/v1/outbound-orders/{no}/label.pdf", "getOutboundOrderLabel"),
    ("get", "/api/v1/ops/outbound-orders", "listOpsOutboundOrders"),
    ("get", "/api/v1/ops/outbound-orders/{no}", "getOpsOutboundOrder"),
    ("post", "/api/v1/ops/outbound-orders/{no}/interception", "resolveInterception"),
    ("get", "/api/v1/ops/outbound-orders/{no}/label.pdf", "getOpsOutboundOrderLabel"),
    ("post", "/api/v1/ops/waves", "releaseWave"),
    ("get", "/api/v1/ops/pick-batches/{id}", "getPickBatch"),
    ("get", "/api/v1/ops/pick-batches/{id}/pick-list.pdf", "getPickList"),
    ("post", "/api/v1/ops/pick-batches/{id}/picks", "pick"),
    ("post", "/api/v1/ops/pack", "pack"),
    ("post", "/api/v1/ops/ship", "ship"),
    ("post", "/api/v1/ops/shipments/{tracking_no}/events", "addShipmentEvent"),
    ("get", "/api/v1/ops/count-tasks", "listCountTasks"),
    ("post", "/api/v1/products", "createProducts"),
    ("put", "/api/v1/products/{sku}", "updateProduct"),
    ("get", "/api/v1/products/{sku}", "getProduct"),
    ("get", "/api/v1/products", "listProducts"),
    ("get", "/api/v1/warehouses", "listWarehouses"),
    ("get", "/api/v1/warehouses/{code}/shipping-services", "listShippingServices"),
    ("post", "/api/v1/webhooks", "createWebhook"),
    ("get", "/api/v1/webhooks", "listWebhooks"),
    ("get", "/api/v1/webhooks/{id}", "getWebhook"),
    ("put", "/api/v1/webhooks/{id}", "updateWebhook"),
    ("delete", "/api/v1/webhooks/{id}", "deleteWebhook"),
    ("post", "/api/v1/webhooks/{id}/rotate-secret", "rotateWebhookSecret"),
    ("get", "/api/v1/webhooks/deliveries", "listWebhookDeliveries"),
    ("post", "/api/v1/webhooks/deliveries/{id}/redeliver", "redeliverWebhook"),
    ("get", "/api/v1/events", "listEvents"),
];

const TAGS: &[(&str, &str)] = &[
    ("auth", "Tokens for a seller's app and staff logins."),
    ("warehouses", "Warehouses granted to the seller and their shipping services."),
    ("products", "The seller's products (SKUs)."),
    ("inventory", "Stock by warehouse, lot and serial, and the inventory log."),
    ("inbound", "Inbound orders (ASN) as the seller sends them."),
    ("outbound", "Outbound orders as the seller sends them."),
    ("returns", "Return orders (RMA) as the seller announces them."),
    ("webhooks", "Webhook subscriptions, deliveries and the event feed."),
    ("ops", "Warehouse staff: receiving, putaway, waves, picking, packing, shipping (staff token)."),
];

/// Statuses every authenticated operation may answer with the error
/// envelope, and what they mean.
const ERRORS: &[(&str, &str)] = &[
    ("400", "Invalid input (10000–10031, the route's own validation codes)"),
    ("401", "Missing, invalid or expired token (10002–10008), bad request signature (10026, 10028)"),
    (
        "403",
        "Wrong kind of token (10060), role too low (10068), warehouse not granted (10050) or outside scope (10069), IP not allowed (10010)",
    ),
    ("404", "No such document, or not the caller's (the route's not-found code)"),
    ("409", "Conflict: status does not allow it, stock, duplicates (the route's codes)"),
    ("413", "The body is over the size limit (10063)"),
    ("429", "Rate limit (10017), or too many failed logins (10070); see Retry-After"),
];

/// The served document.
pub fn document() -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    shared_components(&mut doc);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, operation) in item.iter_mut() {
                if let Some(operation) = operation.as_object_mut() {
                    shape_operation(method, path, operation);
                }
            }
        }
    }
    doc
}

fn shared_components(doc: &mut Value) {
    doc["servers"] = json!([{"url": "/", "description": "this server"}]);
    doc["tags"] = TAGS.iter().map(|(name, description)| json!({"name": name, "description": description})).collect();
    let components = &mut doc["components"];
    components["securitySchemes"] = json!({
        "sellerToken": {"type": "http", "scheme": "bearer",
            "description": "An app's access token (POST /api/v1/auth/token). Apps set to signed requests also send \
                X-Haicang-Timestamp (ms), X-Haicang-Nonce and X-Haicang-Signature = hex HMAC-SHA256 over \
                METHOD\\npath?query\\ntimestamp\\nnonce\\nhex(SHA-256(body)), keyed by hex SHA-256 of the app secret."},
        "staffToken": {"type": "http", "scheme": "bearer",
            "description": "A staff member's access token (POST /api/v1/staff/login); each operation's least role \
                is its x-min-role."},
    });
    if let Some(schemas) = components["schemas"].as_object_mut() {
        bodies::constrain(schemas);
    }
    components["schemas"]["ErrorEnvelope"] = json!({
        "type": "object",
        "required": ["code", "message", "data", "requestId"],
        "properties": {
            "code": {"type": "integer", "format": "int64", "description": "Not 0: the error's stable code"},
            "message": {"type": "string", "description": "English or Chinese by Accept-Language"},
            "data": {"type": "null"},
            "requestId": {"type": "string"},
        },
        "example": {"code": 40007, "message": "SKU DEMO-9999 does not exist", "data": null,
                    "requestId": "4f1c2a9e0b7d4e6f8a3b5c7d9e1f2a3b"},
    });
}

fn shape_operation(method: &str, path: &str, operation: &mut Map<String, Value>) {
    if let Some((_, _, id)) = OPERATION_IDS.iter().find(|(m, p, _)| *m == method && *p == path) {
        operation.insert("operationId".into(), json!(id));
        if let Some((_, example)) = examples::request_examples().into_iter().find(|(op, _)| op == id)
            && let Some(body) =
                operation.get_mut("requestBody").and_then(|b| b.pointer_mut("/content/application~1json"))
        {
            body["example"] = example;
        }
    }
    let staff_role = min_role(&method.to_ascii_uppercase(), path).map(|role| role.as_str());
    if let Some(role) = staff_role {
        operation.insert("x-min-role".into(), json!(role));
    }
    if let Some(action) = audit_action(&method.to_ascii_uppercase(), path) {
        operation.insert("x-audit".into(), json!(action));
    }
    let logout = path == "/api/v1/auth/logout";
    let public = !logout && (path.starts_with("/api/v1/auth/") || path == "/api/v1/staff/login");
    let scheme = if staff_role.is_some() { "staffToken" } else { "sellerToken" };
    let security = match (public, logout) {
        (true, _) => json!([]),
        // Either kind of token ends its own session.
        (false, true) => json!([{"sellerToken": []}, {"staffToken": []}]),
        (false, false) => json!([{ scheme: [] }]),
    };
    operation.insert("security".into(), security);
    optional_body(operation);
    constrain_parameters(path, operation);
    if method == "post" && path == "/api/v1/products" {
        one_or_many_products(operation);
    }
    if method == "put" && path == "/api/v1/products/{sku}" {
        operation["requestBody"]["content"]["application/json"]["schema"] =
            json!({"$ref": "#/components/schemas/ProductUpdate"});
    }
    let has_body = operation.contains_key("requestBody");
    let responses = operation.entry("responses").or_insert_with(|| json!({}));
    if let Some(responses) = responses.as_object_mut() {
        for (status, response) in responses.iter_mut() {
            if status.starts_with('2') {
                envelope_or_binary(response);
            }
        }
        for (status, description) in ERRORS {
            if (public && (*status == "403" || *status == "404")) || (*status == "413" && !has_body) {
                continue;
            }
            let documented = responses.entry(status.to_string()).or_insert_with(|| json!({"description": description}));
            documented["content"] =
                json!({"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}});
        }
        responses.insert(
            "500".into(),
            json!({"description": "Server error (code 1), with the request id to quote",
                   "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}}),
        );
    }
}

/// `{code: 0, message, data: <the route's schema>, requestId}`; PDFs as
/// binary.
fn envelope_or_binary(response: &mut Value) {
    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
        // An answer without a documented body still answers the envelope.
        response["content"] = json!({"application/json": {"schema": envelope(json!({"type": "null"}))}});
        return;
    };
    if let Some(pdf) = content.get_mut("application/pdf") {
        *pdf = json!({"schema": {"type": "string", "format": "binary"}});
    }
    if let Some(body) = content.get_mut("application/json") {
        let data = body.get("schema").cloned().unwrap_or(json!({}));
        body["schema"] = envelope(data);
    }
}

fn envelope(data: Value) -> Value {
    json!({
        "type": "object",
        "required": ["code", "message", "data", "requestId"],
        "properties": {
            "code": {"type": "integer", "format": "int64", "enum": [0]},
            "message": {"type": "string"},
            "data": data,
            "requestId": {"type": "string"},
        },
    })
}

fn names(values: impl IntoIterator<Item = &'static str>) -> Value {
    json!({"type": "string", "enum": values.into_iter().collect::<Vec<_>>()})
}

/// What a repeatable filter does with commas. The server has always
/// split values on commas (`sku=A,B` is `sku=A&sku=B`); the document used to
/// forbid commas in an item, which the server never enforced — a fuzzer
/// found the difference. The limit counts values after splitting.
const COMMA_LIST: &str = "Repeat the parameter, or separate values with commas (`A,B` is two values). \
     The limit counts the values after splitting; over it is refused (code 10031 on stock, 50028 on carton lists).";

/// The query parameters' ranges and value sets, from the constants and
/// enums the server checks them against (so the document cannot drift).
fn constrain_parameters(path: &str, operation: &mut Map<String, Value>) {
    use haicang_core::{inbound, ledger, location, outbound, product};
    let Some(parameters) = operation.get_mut("parameters").and_then(Value::as_array_mut) else { return };
    for parameter in parameters.iter_mut().filter(|p| p["in"] == "query") {
        let name = parameter["name"].as_str().unwrap_or_default().to_owned();
        let schema = match name.as_str() {
            "page" => json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": 1_000_000}),
            "pageSize" => {
                json!({"type": "integer", "format": "int64", "minimum": 1, "maximum": haicang_app::PAGE_SIZE_MAX})
            }
            "limit" => json!({"type": "integer", "format": "int64", "minimum": 1,
                              "maximum": haicang_app::webhooks::FEED_LIMIT_MAX}),
            "size" => names(["100x100", "100x150"]),
            "condition" => names(ledger::Condition::ALL.iter().map(|c| c.as_str())),
            "type" if path.contains("alerts") => names(haicang_core::alerts::AlertType::ALL.iter().map(|t| t.as_str())),
            "type" if path.contains("work-orders") => {
                names(haicang_core::work_orders::WorkType::ALL.iter().map(|t| t.as_str()))
            }
            "type" if path.contains("charges") => {
                names(haicang_core::billing::ChargeType::ALL.iter().map(|t| t.as_str()))
            }
            "type" => names(location::LocationType::ALL.iter().map(|t| t.as_str())),
            "kind" => names(haicang_core::transfers::OrderKind::ALL.iter().map(|k| k.as_str())),
            "businessType" => names(haicang_core::billing::Business::ALL.iter().map(|b| b.as_str())),
            // Billing filters name days.
            "from" | "to" if path.contains("charges") || path.contains("bills") => {
                json!({"type": "string", "pattern": bodies::DATE_PATTERN, "format": "date"})
            }
            "eventType" => names(haicang_app::webhooks::EVENT_TYPES.iter().copied()),
            // Stock filters split values on commas and take at most 20
            // warehouses and 100 SKUs (10031 beyond).
            "warehouseCode"
                if parameter["schema"]["type"] == "array"
                    && (path == "/api/v1/inventory" || path.ends_with("/boxes") || path == "/api/v1/ops/cartons") =>
            {
                json!({"type": "array", "maxItems": crate::routes::inventory::WAREHOUSE_FILTER_MAX,
                    "items": {"type": "string"}, "description": COMMA_LIST})
            }
            // Carton lists: at most 100 box numbers (50028 beyond).
            "boxNo" if parameter["schema"]["type"] == "array" => {
                json!({"type": "array", "maxItems": 100, "items": {"type": "string"}, "description": COMMA_LIST})
            }
            "sku"
                if (path.starts_with("/api/v1/inventory") || path == "/api/v1/ops/cartons")
                    && parameter["schema"]["type"] == "array" =>
            {
                json!({"type": "array", "maxItems": crate::routes::inventory::SKU_FILTER_MAX,
                    "items": {"type": "string"}, "description": COMMA_LIST})
            }
            "createdFrom" | "createdTo" | "from" | "to" => json!({"type": "string", "format": "date-time"}),
            "after" => json!({"type": "string", "pattern": r"^\s*(0|\d{1,18}\.\d{1,18})?\s*$"}),
            "status" if path.contains("inbound-orders") => {
                names(inbound::InboundStatus::ALL.iter().map(|s| s.as_str()))
            }
            "status" if path.contains("cartons") || path.contains("boxes") => {
                names(haicang_core::transfers::CartonStatus::ALL.iter().map(|s| s.as_str()))
            }
            "status" if path.contains("transfer-orders") => {
                names(haicang_core::transfers::TransferStatus::ALL.iter().map(|s| s.as_str()))
            }
            "status" if path.contains("outbound-orders") => {
                names(outbound::OutboundStatus::ALL.iter().map(|s| s.as_str()))
            }
            "status" if path.contains("products") => names(product::ProductStatus::ALL.iter().map(|s| s.as_str())),
            "status" if path.contains("return-orders") => {
                names(haicang_core::returns::ReturnStatus::ALL.iter().map(|s| s.as_str()))
            }
            "status" if path.contains("bills") => names(["OPEN", "ISSUED", "PAID"]),
            "status" if path.contains("alerts") => names(["OPEN", "CLOSED"]),
            "status" if path.contains("work-orders") => {
                names(haicang_core::work_orders::WorkOrderStatus::ALL.iter().map(|s| s.as_str()))
            }
            "status" if path.contains("deliveries") => {
                names(haicang_core::status::DeliveryStatus::ALL.iter().map(|s| s.as_str()))
            }
            // A required text (a warehouse to look in) may not be blank.
            _ if parameter["required"] == json!(true) && parameter["schema"]["type"] == "string" => {
                json!({"type": "string", "minLength": 1, "pattern": bodies::NOT_BLANK})
            }
            _ => continue,
        };
        parameter["schema"] = schema;
    }
}

/// `POST /products` takes one product or an array of up to
/// [`BATCH_MAX`](haicang_core::product::BATCH_MAX), and answers the product
/// or a result per item.
fn one_or_many_products(operation: &mut Map<String, Value>) {
    let one = json!({"$ref": "#/components/schemas/ProductInput"});
    operation["requestBody"]["content"]["application/json"]["schema"] = json!({"oneOf": [
        one,
        {"type": "array", "items": one, "minItems": 1, "maxItems": haicang_core::product::BATCH_MAX},
    ]});
    operation["responses"]["200"]["content"]["application/json"]["schema"] = json!({"oneOf": [
        {"$ref": "#/components/schemas/ProductView"},
        {"$ref": "#/components/schemas/BatchView"},
    ]});
}

/// utoipa writes an optional body as `oneOf: [null, X]`; the server takes
/// no body at all (or X), so it is an optional request body of X.
fn optional_body(operation: &mut Map<String, Value>) {
    let Some(body) = operation.get_mut("requestBody") else { return };
    let Some(schema) = body.pointer_mut("/content/application~1json/schema") else { return };
    let inner = schema.get("oneOf").and_then(Value::as_array).and_then(|options| {
        let not_null: Vec<&Value> = options.iter().filter(|o| o.get("type") != Some(&json!("null"))).collect();
        (options.len() == 2 && not_null.len() == 1).then(|| not_null[0].clone())
    });
    if let Some(inner) = inner {
        *schema = inner;
        body["required"] = json!(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_unique_id_and_every_id_names_a_route() {
        let doc = document();
        let mut seen = std::collections::BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let id = operation["operationId"].as_str().unwrap_or_default().to_owned();
                assert!(OPERATION_IDS.iter().any(|(m, p, i)| m == method && p == path && *i == id), "{method} {path}");
                assert!(seen.insert(id.clone()), "operationId {id} twice");
            }
        }
        assert_eq!(seen.len(), OPERATION_IDS.len(), "an id for a route that is not in the document");
    }

    #[test]
    fn answers_are_enveloped_and_errors_documented() {
        let doc = document();
        let token = &doc["paths"]["/api/v1/auth/token"]["post"]["responses"]["200"]["content"]["application/json"];
        let props = &token["schema"]["properties"];
        for field in ["code", "message", "data", "requestId"] {
            assert!(props[field].is_object(), "{field} missing from {token}");
        }
        let adjust = &doc["paths"]["/api/v1/ops/adjustments"]["post"];
        assert_eq!(adjust["x-min-role"], "SUPERVISOR");
        assert_eq!(adjust["security"], json!([{"staffToken": []}]));
        assert!(adjust["responses"]["403"]["content"].is_object());
        let arrive = &doc["paths"]["/api/v1/ops/inbound-orders/{code}/arrive"]["post"]["requestBody"];
        assert_eq!(arrive["required"], false);
        assert!(arrive["content"]["application/json"]["schema"].get("oneOf").is_none());
        let pdf = &doc["paths"]["/api/v1/outbound-orders/{no}/label.pdf"]["get"]["responses"]["200"]["content"];
        assert_eq!(pdf["application/pdf"]["schema"]["format"], "binary");
    }

    #[test]
    fn every_body_has_an_example_and_every_example_an_operation() {
        let doc = document();
        let mut with_body = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                if let Some(body) = operation.get("requestBody") {
                    with_body += 1;
                    let example = &body["content"]["application/json"]["example"];
                    // An object, or an array where the body is a list (alert rules).
                    assert!(example.is_object() || example.is_array(), "{method} {path}");
                }
            }
        }
        assert_eq!(examples::request_examples().len(), with_body, "an example for an operation without a body");
    }

    /// utoipa keys schemas by type name: two `ToSchema` types of one name
    /// silently become one in the document (one of them then describes the
    /// other's answers wrongly). Every such name in the crate is unique.
    #[test]
    fn no_two_schema_types_share_a_name() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        let mut texts = Vec::new();
        sources(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut texts);
        let mut names = std::collections::BTreeMap::<String, usize>::new();
        for text in &texts {
            let mut deriving = false;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") && line.contains("ToSchema") {
                    deriving = true;
                } else if deriving && (line.starts_with("pub struct ") || line.starts_with("pub enum ")) {
                    let name = line.split_whitespace().nth(2).unwrap_or("").trim_end_matches(['{', '<', ';', '(']);
                    let name = name.split('<').next().unwrap_or(name).to_owned();
                    *names.entry(name).or_default() += 1;
                    deriving = false;
                }
            }
        }
        assert!(names.len() > 50, "found only {} schema types", names.len());
        let twice: Vec<_> = names.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "schema names used twice: {twice:?}");
    }
}
