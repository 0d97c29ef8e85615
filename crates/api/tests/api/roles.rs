//! Who may do what, and where: staff roles on every ops route, staff
//! limited to warehouses, and customers limited to the warehouses granted
//! to them. The sweep is driven by the OpenAPI document, so a new staff
//! route that forgets its check fails it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::harness::{Server, start};
use crate::outbound::{order, pack_as_picked, pick_cart, stock};

/// Logs a staff member in (created through the app, as `haicang admin
/// staff create` does).
async fn staff_as(s: &Server, username: &str, role: &str, warehouses: &[&str]) -> String {
    let warehouses: Vec<String> = warehouses.iter().map(|w| w.to_string()).collect();
    s.app.create_staff(username, username, "pass-12345-floor", role, &warehouses).await.unwrap();
    let a = s
        .call(
            Method::POST,
            "/api/v1/staff/login",
            None,
            Some(json!({"username": username, "password": "pass-12345-floor"}).to_string()),
            None,
        )
        .await;
    a.ok()["accessToken"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_operator_cannot_adjust_stock_and_an_admin_can() {
    let s = start().await;
    let seller = s.customer().await;
    let admin = s.staff().await;
    let op = staff_as(&s, "op1", "OPERATOR", &[]).await;
    let location = s.storage_location(&admin, 0).await;
    let body = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "found",
                      "lines": [{"sku": "DEMO-0001", "locationCode": location, "quantity": 1000}]});
    let before = stock(&s, &seller, "DEMO-0001").await;
    let refused = s.post("/api/v1/ops/adjustments", &op, &body).await;
    refused.err(10068, 403);
    assert!(refused.message().contains("SUPERVISOR"), "{}", refused.message());
    let zh = s.call(Method::POST, "/api/v1/ops/adjustments", Some(&op), Some(body.to_string()), Some("zh-CN")).await;
    zh.err(10068, 403);
    assert!(zh.message().contains("权限不足"), "{}", zh.message());
    assert_eq!(stock(&s, &seller, "DEMO-0001").await, before, "a refused adjustment changed stock");
    s.post("/api/v1/ops/adjustments", &admin, &body).await.ok();
    assert_eq!(stock(&s, &seller, "DEMO-0001").await.0, before.0 + 1000);
}

/// Documents of every kind in US-LA01, for routes that take one.
struct LaDocuments {
    inbound_no: String,
    return_no: String,
    count_plan_no: String,
    count_task_id: i64,
    work_order_no: String,
    transfer_no: String,
    b2b_no: String,
    carton: String,
    outbound_no: String,
    batch_id: i64,
    tracking_no: String,
    location: String,
}

async fn la_documents(s: &Server, seller: &str, admin: &str) -> LaDocuments {
    let asn = json!({"warehouseCode": "US-LA01", "type": "CARTON", "customerReference": "ROLE-ASN",
        "boxes": [{"lengthCm": 10, "widthCm": 10, "heightCm": 10, "weightKg": 1,
                   "items": [{"sku": "DEMO-0001", "quantity": 2}]}]});
    let inbound_no = s.post("/api/v1/inbound-orders", seller, &asn).await.ok()["orderNo"].as_str().unwrap().to_owned();
    // One order all the way to shipped (a cart and a tracking number), one
    // waiting in CREATED.
    let one = json!([{"sku": "DEMO-0001", "quantity": 1}]);
    let shipped = s.post("/api/v1/outbound-orders", seller, &order("ROLE-1", one.clone())).await;
    let shipped_no = shipped.ok()["orderNo"].as_str().unwrap().to_owned();
    let wave = s.post("/api/v1/ops/waves", admin, &json!({"warehouseCode": "US-LA01", "orderNos": [shipped_no]})).await;
    let batch_id = wave.ok()["batches"][0]["batchId"].as_i64().unwrap();
    pick_cart(s, admin, batch_id, |_, _| None).await;
    pack_as_picked(s, admin, &shipped_no).await;
    let tracking_no = "9400100000000000000777".to_owned();
    s.post("/api/v1/ops/ship", admin, &json!({"orderNo": shipped_no, "trackingNo": tracking_no})).await.ok();
    let created = s.post("/api/v1/outbound-orders", seller, &order("ROLE-2", one)).await;
    let outbound_no = created.ok()["orderNo"].as_str().unwrap().to_owned();
    let rma = json!({"warehouseCode": "US-LA01", "customerReference": "ROLE-RMA",
        "items": [{"sku": "DEMO-0001", "quantity": 1}]});
    let return_no = s.post("/api/v1/return-orders", seller, &rma).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let location = s.storage_location(admin, 0).await;
    let plan = json!({"warehouseCode": "US-LA01", "scope": {"locations": ["A-03-03-1"]}});
    let plan = s.post("/api/v1/ops/count-plans", admin, &plan).await.ok().clone();
    let count_plan_no = plan["planNo"].as_str().unwrap().to_owned();
    let count_task_id = plan["tasks"][0]["id"].as_i64().unwrap();
    let wo = json!({"type": "ASSEMBLY", "warehouseCode": "US-LA01", "sku": "DEMO-KIT-1", "quantity": 1,
                    "customerReference": "ROLE-WO"});
    let work_order_no = s.post("/api/v1/work-orders", seller, &wo).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let tf = json!({"fromWarehouseCode": "US-LA01", "toWarehouseCode": "DE-FRA01", "customerReference": "ROLE-TF",
                    "items": [{"sku": "DEMO-0003", "quantity": 1}]});
    let transfer_no = s.post("/api/v1/transfer-orders", seller, &tf).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let fba = json!({"warehouseCode": "US-LA01", "customerReference": "ROLE-B2B",
        "destination": {"type": "MARKETPLACE", "platform": "AMAZON_FBA", "shipmentId": "FBA15ROLE",
            "address": {"name": "ONT8", "country": "US", "state": "CA", "city": "Moreno Valley",
                        "addressLine1": "24300 Nandina Ave", "postcode": "92551"}},
        "items": [{"sku": "DEMO-0004", "quantity": 1}]});
    let b2b_no = s.post("/api/v1/b2b-outbound-orders", seller, &fba).await.ok()["orderNo"].as_str().unwrap().to_owned();
    let lots = s.get("/api/v1/inventory/lots?warehouseCode=US-LA01&sku=DEMO-0001", seller).await.ok().clone();
    let shelf = lots["items"][0]["locationCode"].as_str().unwrap().to_owned();
    let seal = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "locationCode": shelf,
                      "sku": "DEMO-0001", "unitsPerBox": 1, "cartons": 1});
    let carton = s.post("/api/v1/ops/cartons", admin, &seal).await.ok()["boxNos"][0].as_str().unwrap().to_owned();
    LaDocuments {
        carton,
        inbound_no,
        return_no,
        count_plan_no,
        count_task_id,
        work_order_no,
        transfer_no,
        b2b_no,
        outbound_no,
        batch_id,
        tracking_no,
        location,
    }
}

/// A concrete call of a staff operation on US-LA01's documents: path,
/// query and a body that passes parsing, so the use case is reached.
fn concrete(path: &str, method: &str, d: &LaDocuments) -> (String, Option<Value>) {
    let url = path
        .replace(
            "{no}",
            if path.contains("inbound") {
                &d.inbound_no
            } else if path.contains("return") {
                &d.return_no
            } else if path.contains("count-plans") {
                &d.count_plan_no
            } else if path.contains("work-orders") {
                &d.work_order_no
            } else if path.contains("transfer-orders") {
                &d.transfer_no
            } else if path.contains("b2b-outbound-orders") {
                &d.b2b_no
            } else {
                &d.outbound_no
            },
        )
        .replace("{code}", &d.inbound_no)
        .replace("{lpn}", &d.carton)
        .replace("{card}", "NO-SUCH-CARD")
        .replace("{customer}", "DEMO")
        .replace("{scan}", &d.return_no)
        .replace("{id}", &if path.contains("count-tasks") { d.count_task_id } else { d.batch_id }.to_string())
        .replace("{tracking_no}", &d.tracking_no);
    let with_query = match (method, path) {
        (
            "get",
            "/api/v1/ops/locations"
            | "/api/v1/ops/count-tasks"
            | "/api/v1/ops/inbound-orders"
            | "/api/v1/ops/outbound-orders"
            | "/api/v1/ops/return-orders"
            | "/api/v1/ops/replenishment/rules"
            | "/api/v1/ops/work-orders"
            | "/api/v1/ops/transfer-orders"
            | "/api/v1/ops/b2b-outbound-orders"
            | "/api/v1/ops/cartons",
        ) => {
            format!("{url}?warehouseCode=US-LA01")
        }
        _ => url,
    };
    let body = match path {
        "/api/v1/ops/adjustments" => {
            Some(json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "sweep",
            "lines": [{"sku": "DEMO-0001", "locationCode": d.location, "quantity": 1}]}))
        }
        "/api/v1/ops/inbound-orders/{code}/arrive" | "/api/v1/ops/inbound-orders/{no}/close-receipt" => Some(json!({})),
        "/api/v1/ops/inbound-orders/{no}/receive" => Some(json!({"lines": [{"sku": "DEMO-0001", "good": 1}]})),
        "/api/v1/ops/putaway" => Some(json!({"inboundOrderNo": d.inbound_no,
            "lines": [{"sku": "DEMO-0001", "lotNo": d.inbound_no, "locationCode": d.location, "quantity": 1}]})),
        "/api/v1/ops/outbound-orders/{no}/interception" => Some(json!({"result": "SUCCESS"})),
        "/api/v1/ops/waves" => Some(json!({"warehouseCode": "US-LA01", "orderNos": [d.outbound_no]})),
        "/api/v1/ops/pick-batches/{id}/picks" => {
            Some(json!({"locationCode": d.location, "sku": "DEMO-0001", "quantity": 1}))
        }
        "/api/v1/ops/pack" => Some(json!({"orderNo": d.outbound_no, "items": [{"sku": "DEMO-0001", "quantity": 1}],
            "weightKg": 1, "lengthCm": 10, "widthCm": 10, "heightCm": 10})),
        "/api/v1/ops/ship" => Some(json!({"orderNo": d.outbound_no})),
        "/api/v1/ops/shipments/{tracking_no}/events" => Some(json!({"code": "IN_TRANSIT", "description": "sweep"})),
        "/api/v1/ops/return-orders" => Some(json!({"warehouseCode": "US-LA01", "customerCode": "DEMO"})),
        "/api/v1/ops/return-orders/{scan}/arrive" | "/api/v1/ops/return-orders/{no}/complete" => Some(json!({})),
        "/api/v1/ops/return-orders/{no}/grade" => Some(json!({"lines": [{"sku": "DEMO-0001", "quantity": 1,
            "condition": "GOOD", "disposition": "RESTOCK"}]})),
        "/api/v1/ops/return-orders/{no}/ship-back" => Some(json!({"trackingNo": "SWEEP-1", "carrier": "UPS"})),
        "/api/v1/ops/rate-cards" => Some(json!({"code": "ROLE-USD", "name": "Role", "currency": "USD",
            "effectiveFrom": "2026-01-01", "rates": {}})),
        "/api/v1/ops/rate-cards/{card}/versions" => Some(json!({"effectiveFrom": "2026-06-01", "rates": {}})),
        "/api/v1/ops/customers/{customer}/rate-card" => Some(json!({"rateCardCode": "ROLE-USD"})),
        "/api/v1/ops/customers/{customer}/credit" => Some(json!({"currency": "USD", "creditLimit": 1})),
        "/api/v1/ops/customers/{customer}/wallet/top-ups" => {
            Some(json!({"currency": "USD", "amount": 1, "reference": "sweep"}))
        }
        "/api/v1/ops/charges" => Some(json!({"customerCode": "DEMO", "warehouseCode": "US-LA01", "amount": 1,
            "reason": "sweep"})),
        "/api/v1/ops/bills/{no}/issue" | "/api/v1/ops/bills/{no}/pay" => Some(json!({})),
        "/api/v1/ops/billing/storage" => Some(json!({"date": "2026-01-01"})),
        "/api/v1/ops/work-orders" if method == "post" => Some(json!({"customerCode": "DEMO", "type": "ASSEMBLY",
            "warehouseCode": "US-LA01", "sku": "DEMO-KIT-1", "quantity": 1, "customerReference": "ROLE-WO-2"})),
        "/api/v1/ops/work-orders/{no}/start" | "/api/v1/ops/work-orders/{no}/cancel" => Some(json!({})),
        "/api/v1/ops/work-orders/{no}/complete" => Some(json!({"produced": 1, "workers": ["sweep"]})),
        "/api/v1/ops/alerts/sweep" => Some(json!({})),
        "/api/v1/ops/cartons" => Some(json!({"warehouseCode": "US-LA01", "customerCode": "DEMO",
            "locationCode": "A-01-01-1", "sku": "DEMO-0001", "unitsPerBox": 1, "cartons": 1})),
        "/api/v1/ops/cartons/{lpn}/open" => Some(json!({})),
        "/api/v1/ops/cartons/{lpn}/move" => Some(json!({"toLocationCode": "C-02-02-1"})),
        "/api/v1/ops/count-plans" => Some(json!({"warehouseCode": "US-LA01", "scope": {"locations": [d.location]}})),
        "/api/v1/ops/count-plans/{no}/approve" => Some(json!({})),
        "/api/v1/ops/count-tasks/{id}/entries" => Some(json!({"lines": [{"sku": "DEMO-0002", "quantity": 1}]})),
        "/api/v1/ops/replenishment/rules" if method == "put" => Some(json!({"warehouseCode": "US-LA01",
            "rules": [{"locationCode": "C-02-02-1", "sku": "DEMO-0001", "customerCode": "DEMO", "min": 5, "max": 40}]})),
        "/api/v1/ops/replenishment/plan" | "/api/v1/ops/replenishment/confirm" => {
            Some(json!({"warehouseCode": "US-LA01"}))
        }
        "/api/v1/ops/moves" => Some(json!({"warehouseCode": "US-LA01", "lines": [{"sku": "DEMO-0001",
            "fromLocationCode": d.location, "toLocationCode": "C-02-02-1", "quantity": 1}]})),
        "/api/v1/ops/conversions" => {
            Some(json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "sweep",
            "lines": [{"sku": "DEMO-0001", "locationCode": d.location, "fromCondition": "GOOD",
                       "toCondition": "REFURBISHED", "quantity": 1}]}))
        }
        _ if method == "post" || method == "put" => panic!("no body for {method} {path}: extend the sweep"),
        _ => None,
    };
    (with_query, body)
}

async fn send(s: &Server, method: &str, url: &str, token: &str, body: Option<&Value>) -> (u16, Value) {
    let m = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
    let mut request = s.http.request(m, format!("{}{url}", s.base)).bearer_auth(token);
    if let Some(b) = body {
        request = request.header("content-type", "application/json").body(b.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {url}: not JSON: {text}")))
}

#[tokio::test]
async fn every_staff_route_refuses_a_lower_role_and_a_warehouse_outside_the_scope() {
    let s = start().await;
    let seller = s.customer().await;
    let admin = s.staff().await;
    let operator = staff_as(&s, "sweep-op", "OPERATOR", &[]).await;
    let supervisor = staff_as(&s, "sweep-sup", "SUPERVISOR", &[]).await;
    let frankfurt = staff_as(&s, "sweep-fra", "ADMIN", &["DE-FRA01"]).await;
    let docs = la_documents(&s, &seller, &admin).await;
    let before = stock(&s, &seller, "DEMO-0001").await;

    let doc = s.call(Method::GET, "/api/v1/openapi.json", None, None, None).await.body;
    let mut swept = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/ops/") {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            let role = operation["x-min-role"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no x-min-role: add it to STAFF_ROUTES"));
            let (url, body) = concrete(path, method, &docs);
            // Every role below the minimum is refused by role.
            let below: &[&str] = match role {
                "OPERATOR" => &[],
                "SUPERVISOR" => &[&operator],
                "ADMIN" => &[&operator, &supervisor],
                other => panic!("{method} {path}: unknown role {other}"),
            };
            for token in below {
                let (status, answer) = send(&s, method, &url, token, body.as_ref()).await;
                assert_eq!((status, answer["code"].as_i64()), (403, Some(10068)), "{method} {url}: {answer}");
            }
            // A staff member of Frankfurt only, whatever the role, is
            // refused every US-LA01 document and query.
            // (The audit trail spans every warehouse: refused to anyone
            // limited to some.)
            let (status, answer) = send(&s, method, &url, &frankfurt, body.as_ref()).await;
            assert_eq!((status, answer["code"].as_i64()), (403, Some(10069)), "{method} {url}: {answer}");
            let across_warehouses = path == "/api/v1/ops/audit"
                || path.contains("rate-cards")
                || path.contains("/customers/")
                || path.contains("bill")
                || path.contains("alerts");
            let named = if across_warehouses { "ALL" } else { "US-LA01" };
            assert!(answer["message"].as_str().unwrap().contains(named), "{answer}");
            swept += 1;
        }
    }
    assert!(swept >= 20, "only {swept} staff operations swept");
    // Nothing the refused calls asked for happened.
    assert_eq!(stock(&s, &seller, "DEMO-0001").await, before);
    let inbound = s.get(&format!("/api/v1/inbound-orders/{}", docs.inbound_no), &seller).await;
    assert_eq!(inbound.ok()["status"], "SUBMITTED");
    let outbound = s.get(&format!("/api/v1/outbound-orders/{}", docs.outbound_no), &seller).await;
    assert_eq!(outbound.ok()["status"], "CREATED");
}

#[tokio::test]
async fn staff_limited_to_a_warehouse_see_only_its_documents_and_locations() {
    let s = start().await;
    let seller = s.customer().await;
    let admin = s.staff().await;
    let la = order("SCOPE-LA", json!([{"sku": "DEMO-0001", "quantity": 1}]));
    s.post("/api/v1/outbound-orders", &seller, &la).await.ok();
    let frankfurt = staff_as(&s, "fra-op", "OPERATOR", &["DE-FRA01"]).await;
    let orders = s.get("/api/v1/ops/outbound-orders", &frankfurt).await;
    assert_eq!(orders.ok()["total"], 0, "{}", orders.body);
    assert!(s.get("/api/v1/ops/outbound-orders", &admin).await.ok()["total"].as_i64().unwrap() >= 1);
    let locations = s.get("/api/v1/ops/locations?pageSize=200", &frankfurt).await;
    let items = locations.ok()["items"].as_array().unwrap().clone();
    assert!(!items.is_empty());
    assert!(items.iter().all(|l| l["warehouseCode"] == "DE-FRA01"), "{items:?}");
    s.get("/api/v1/ops/locations?warehouseCode=DE-FRA01&pageSize=1", &frankfurt).await.ok();
    // An unknown staff warehouse is refused at creation.
    let unknown = s.app.create_staff("nowhere", "n", "pass-12345-floor", "OPERATOR", &["XX-NONE".to_owned()]).await;
    assert!(matches!(unknown, Err(haicang_app::AppError::WarehouseNotFound(_))), "{unknown:?}");
}

#[tokio::test]
async fn a_customer_uses_only_the_warehouses_granted_to_it() {
    let s = start().await;
    s.app.create_customer("NOGRANT", "No grant").await.unwrap();
    let creds = s.app.create_app("NOGRANT", "erp", None).await.unwrap();
    let t = s.token_pair(&creds.app_id, &creds.app_secret).await["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(s.get("/api/v1/warehouses", &t).await.ok()["items"].as_array().unwrap().len(), 0);
    let mut product = crate::harness::product();
    product["sku"] = json!("NG-1");
    s.post("/api/v1/products", &t, &product).await.ok();
    let body = order("NG-ERP-1", json!([{"sku": "NG-1", "quantity": 1}]));
    let refused = s.post("/api/v1/outbound-orders", &t, &body).await;
    refused.err(10050, 403);
    assert!(refused.message().contains("has not allocated warehouse permissions"), "{}", refused.message());
    let zh = s
        .call(
            Method::POST,
            "/api/v1/outbound-orders",
            Some(&t),
            Some(order("NG-ERP-1", json!([{"sku": "NG-1", "quantity": 1}])).to_string()),
            Some("zh-CN"),
        )
        .await;
    zh.err(10050, 403);
    assert!(zh.message().contains("仓库服务商没有为您分配仓库权限"), "{}", zh.message());
    let asn = json!({"warehouseCode": "US-LA01", "type": "CARTON", "customerReference": "NG-ASN",
        "boxes": [{"lengthCm": 10, "widthCm": 10, "heightCm": 10, "weightKg": 1, "items": [{"sku": "NG-1", "quantity": 1}]}]});
    s.post("/api/v1/inbound-orders", &t, &asn).await.err(10050, 403);
    s.get("/api/v1/inventory?warehouseCode=US-LA01", &t).await.err(10050, 403);
    s.get("/api/v1/warehouses/US-LA01/shipping-services", &t).await.err(10050, 403);
    s.get("/api/v1/outbound-orders?warehouseCode=US-LA01", &t).await.err(10050, 403);
    // Nothing was written; once granted, the same requests work.
    assert_eq!(s.get("/api/v1/outbound-orders", &t).await.ok()["total"], 0);
    s.app.grant_warehouse("NOGRANT", "US-LA01").await.unwrap();
    let warehouses = s.get("/api/v1/warehouses", &t).await;
    let codes: Vec<&str> =
        warehouses.ok()["items"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["US-LA01"]);
    s.post("/api/v1/inbound-orders", &t, &asn).await.ok();
    s.get("/api/v1/inventory?warehouseCode=DE-FRA01", &t).await.err(10050, 403);
    s.get("/api/v1/inventory?warehouseCode=XX-NONE", &t).await.err(10051, 404);
}
