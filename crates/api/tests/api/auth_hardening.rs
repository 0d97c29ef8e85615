//! Authentication as an attacker and an auditor try it: throttled logins
//! (per account from an address, per address, never locking the owner
//! out from elsewhere), sessions that end when they should, and an audit
//! trail that holds every privileged action. Other source addresses are
//! other loopback addresses (127.0.0.2…): the server sees them as
//! different clients.

use std::net::IpAddr;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{Server, start};

/// A client whose connections come from `ip` (a loopback address).
fn from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder().local_address(ip.parse::<IpAddr>().ok()).build().unwrap()
}

async fn login(s: &Server, client: &reqwest::Client, username: &str, password: &str) -> (StatusCode, Value, String) {
    let response = client
        .post(format!("{}/api/v1/staff/login", s.base))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (status, response.json().await.unwrap(), retry)
}

async fn audit(s: &Server, admin: &str, query: &str) -> Vec<Value> {
    let page = s.get(&format!("/api/v1/ops/audit?pageSize=200&{query}"), admin).await;
    page.ok()["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_password_flood_is_throttled_without_locking_other_accounts_or_the_owner_elsewhere() {
    let s = start().await;
    s.app.create_staff("floor-lead", "Floor lead", "Lagerhalle-7-Nord!", "OPERATOR", &[]).await.unwrap();
    let attacker = from("127.0.0.2");
    let mut throttled = 0;
    for i in 0..30 {
        let (status, body, retry) = login(&s, &attacker, "admin", &format!("wrong-{i}")).await;
        match status.as_u16() {
            401 => assert_eq!(body["code"], 10012, "{body}"),
            429 => {
                assert_eq!(body["code"], 10070, "{body}");
                assert!(retry.parse::<u64>().is_ok_and(|s| s >= 1), "Retry-After {retry:?}");
                throttled += 1;
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert!(throttled >= 20, "only {throttled} of 30 wrong passwords were throttled");
    // While throttled, even the right password from the attacker's address
    // waits (and no password is checked).
    let (status, body, _) = login(&s, &attacker, "admin", "admin").await;
    assert_eq!((status.as_u16(), body["code"].as_i64()), (429, Some(10070)), "{body}");
    // Another account from the same address is not locked by admin's failures.
    let (status, body, _) = login(&s, &attacker, "floor-lead", "Lagerhalle-7-Nord!").await;
    assert_eq!(status, 200, "{body}");
    // The owner logs in from elsewhere.
    let (status, body, _) = login(&s, &from("127.0.0.3"), "admin", "admin").await;
    assert_eq!(status, 200, "{body}");
    // Throttled attempts were refused before any check: only checked ones
    // are in the trail.
    let admin = s.staff().await;
    let failures = audit(&s, &admin, "action=staff.login&target=staff:admin").await;
    let failed: Vec<&Value> = failures.iter().filter(|e| e["outcome"] == "FAILURE").collect();
    assert_eq!(failed.len(), 30 - throttled, "every checked failure is recorded, and only those");
    assert!(failed.iter().all(|e| e["address"] == "127.0.0.2" && e["actorKind"] == "ANONYMOUS"), "{failed:?}");
}

#[tokio::test]
async fn one_address_guessing_across_accounts_is_stopped_by_the_address_limit() {
    let s = start().await;
    let guesser = from("127.0.0.4");
    let mut first_throttled = None;
    for i in 0..40 {
        let (status, body, _) = login(&s, &guesser, &format!("user{i}"), "Password-guess-1").await;
        if status == 429 {
            assert_eq!(body["code"], 10070);
            first_throttled.get_or_insert(i);
        }
    }
    let first = first_throttled.expect("the address was throttled");
    assert!((15..=25).contains(&first), "the address limit bit at attempt {first}");
    // A different address is not affected.
    let (status, body, _) = login(&s, &from("127.0.0.5"), "admin", "admin").await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn app_secrets_are_throttled_like_passwords() {
    let s = start().await;
    let client = from("127.0.0.6");
    let mut codes = Vec::new();
    for _ in 0..10 {
        let response = client
            .post(format!("{}/api/v1/auth/token", s.base))
            .json(&json!({"appId": "demo-app", "appSecret": "not-the-secret"}))
            .send()
            .await
            .unwrap();
        codes.push(response.json::<Value>().await.unwrap()["code"].as_i64().unwrap());
    }
    assert_eq!(&codes[..5], &[10008; 5], "five free failures");
    assert!(codes[5..].contains(&10070), "{codes:?}");
    // The seller sees the failures on its own trail.
    let seller = s.customer().await;
    let own = s.get("/api/v1/audit?action=app.token", &seller).await;
    let entries = own.ok()["items"].as_array().unwrap().clone();
    assert!(entries.iter().any(|e| e["outcome"] == "FAILURE" && e["address"] == "127.0.0.6"), "{entries:?}");
}

#[tokio::test]
async fn sessions_end_at_logout_disable_and_secret_rotation() {
    let s = start().await;
    // Logout ends the access token and its refresh token.
    let pair = s.token_pair("demo-app", "demo-secret").await;
    let access = pair["accessToken"].as_str().unwrap();
    s.get("/api/v1/warehouses", access).await.ok();
    s.call(Method::POST, "/api/v1/auth/logout", Some(access), None, None).await.ok();
    s.get("/api/v1/warehouses", access).await.err(10002, 401);
    let refresh = json!({"refreshToken": pair["refreshToken"]}).to_string();
    s.call(Method::POST, "/api/v1/auth/refresh", None, Some(refresh), None).await.err(10003, 401);

    // Disabling a staff member ends their sessions at once.
    s.app.create_staff("night-picker", "Night picker", "Nachtschicht-2026", "OPERATOR", &[]).await.unwrap();
    let picker = s.login("night-picker", "Nachtschicht-2026").await;
    let body = json!({"username": "night-picker", "password": "Nachtschicht-2026"}).to_string();
    s.get("/api/v1/ops/locations?warehouseCode=US-LA01", &picker).await.ok();
    assert_eq!(s.app.disable_staff("night-picker").await.unwrap(), 2, "access and refresh token revoked");
    let refused = s.get("/api/v1/ops/locations?warehouseCode=US-LA01", &picker).await;
    assert_eq!(refused.status.as_u16(), 401, "{}", refused.body);
    s.call(Method::POST, "/api/v1/staff/login", None, Some(body), None).await.err(10040, 403);

    // Rotating an app secret: the old secret stops at once, old tokens at
    // the end of the grace period (none here).
    let old = s.customer().await;
    let secret = s.app.rotate_app_secret("demo-app", std::time::Duration::ZERO).await.unwrap();
    s.get("/api/v1/warehouses", &old).await.err(10015, 401);
    let with_old = json!({"appId": "demo-app", "appSecret": "demo-secret"}).to_string();
    s.call(Method::POST, "/api/v1/auth/token", None, Some(with_old), None).await.err(10008, 401);
    let fresh = s.token_pair("demo-app", &secret).await["accessToken"].as_str().unwrap().to_owned();
    s.get("/api/v1/warehouses", &fresh).await.ok();
    // With a grace period, tokens live on until it ends.
    let secret2 = s.app.rotate_app_secret("demo-app", std::time::Duration::from_secs(3600)).await.unwrap();
    s.get("/api/v1/warehouses", &fresh).await.ok();

    // Disabling the app ends its sessions at once.
    let current = s.token_pair("demo-app", &secret2).await["accessToken"].as_str().unwrap().to_owned();
    s.app.disable_app("demo-app").await.unwrap();
    s.get("/api/v1/warehouses", &current).await.err(10002, 401);
    s.get("/api/v1/warehouses", &fresh).await.err(10002, 401);
}

#[tokio::test]
async fn an_adjustment_is_in_the_trail_with_who_where_and_which_request() {
    let s = start().await;
    let admin = s.staff().await;
    let location = s.storage_location(&admin, 0).await;
    let body = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "found in aisle 3",
                      "lines": [{"sku": "DEMO-0001", "locationCode": location, "quantity": 2}]});
    let response =
        s.http.post(format!("{}/api/v1/ops/adjustments", s.base)).bearer_auth(&admin).json(&body).send().await.unwrap();
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let document_no = response.json::<Value>().await.unwrap()["data"]["documentNo"].as_str().unwrap().to_owned();
    let entries = audit(&s, &admin, "action=inventory.adjust&actor=admin").await;
    let entry = entries.iter().find(|e| e["target"] == document_no.as_str()).expect("the adjustment's entry");
    assert_eq!(entry["actorKind"], "STAFF");
    assert_eq!(entry["address"], "127.0.0.1");
    assert_eq!(entry["requestId"], request_id.as_str());
    assert_eq!(entry["detail"]["reason"], "found in aisle 3");
    assert_eq!(entry["detail"]["units"], 2);
    // Only an ADMIN reads the trail; a seller reads only its own part.
    let seller = s.customer().await;
    let own = s.get("/api/v1/audit?pageSize=200", &seller).await.ok()["items"].as_array().unwrap().clone();
    assert!(!own.is_empty() && own.iter().all(|e| e["customerCode"] == "DEMO"), "{own:?}");
    assert!(own.iter().all(|e| e["action"] != "inventory.adjust" && e["action"] != "staff.login"));
    s.app.create_staff("sup1", "Supervisor", "Aufsicht-Schicht-B", "SUPERVISOR", &[]).await.unwrap();
    let sup = s.login("sup1", "Aufsicht-Schicht-B").await;
    s.get("/api/v1/ops/audit", &sup).await.err(10068, 403);
}

#[tokio::test]
async fn every_privileged_route_of_the_document_leaves_its_entry() {
    let s = start().await;
    let seller = s.customer().await;
    let admin = s.staff().await;
    let doc = s.call(Method::GET, "/api/v1/openapi.json", None, None, None).await.body;
    // What is privileged is read from the document: SUPERVISOR and up,
    // credentials, webhook subscriptions. Each must name its audit action.
    let mut privileged = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let role = operation["x-min-role"].as_str().unwrap_or("");
            let is_privileged = (method != "get" && (role == "SUPERVISOR" || role == "ADMIN"))
                || path.starts_with("/api/v1/auth/")
                || path == "/api/v1/staff/login"
                || (path.starts_with("/api/v1/webhooks") && method != "get" && !path.contains("redeliver"));
            if is_privileged {
                let action = operation["x-audit"].as_str();
                assert!(action.is_some(), "{method} {path} is privileged but has no x-audit: add it to AUDITED_ROUTES");
                privileged.push((method.clone(), path.clone(), action.unwrap().to_owned()));
            }
        }
    }
    // Documents the calls need.
    let one = json!([{"sku": "DEMO-0001", "quantity": 1}]);
    let order_no = s.post("/api/v1/outbound-orders", &seller, &crate::outbound::order("AUDIT-1", one.clone())).await;
    let order_no = order_no.ok()["orderNo"].as_str().unwrap().to_owned();
    let waved = s.post("/api/v1/outbound-orders", &seller, &crate::outbound::order("AUDIT-2", one)).await;
    let waved = waved.ok()["orderNo"].as_str().unwrap().to_owned();
    let wave = json!({"warehouseCode": "US-LA01", "orderNos": [waved]});
    let batch = s.post("/api/v1/ops/waves", &admin, &wave).await.ok()["batches"][0]["batchId"].as_i64().unwrap();
    crate::outbound::pick_cart(&s, &admin, batch, |_, _| None).await;
    s.call(Method::POST, &format!("/api/v1/outbound-orders/{waved}/cancel"), Some(&seller), None, None).await.ok();
    let hook = s.post("/api/v1/webhooks", &seller, &json!({"url": "http://127.0.0.1:9/h", "events": ["*"]})).await;
    let hook = hook.ok()["id"].as_str().unwrap().to_owned();
    let location = s.storage_location(&admin, 0).await;
    let pair = s.token_pair("demo-app", "demo-secret").await;
    // A counted plan to approve (A-03-03-1 holds DEMO-0002).
    let counted = json!({"warehouseCode": "US-LA01", "scope": {"locations": ["A-03-03-1"]}});
    let counted = s.post("/api/v1/ops/count-plans", &admin, &counted).await.ok().clone();
    let task = counted["tasks"][0]["id"].as_i64().unwrap();
    let entry = json!({"lines": [{"sku": "DEMO-0002", "quantity": 30}]});
    s.post(&format!("/api/v1/ops/count-tasks/{task}/entries"), &admin, &entry).await.ok();
    let counted_no = counted["planNo"].as_str().unwrap().to_owned();
    let throwaway = s.customer().await;
    // A card, and a bill opened by a charge (after the orders above: a
    // card makes orders need money).
    let card = json!({"code": "AUDIT-USD", "name": "Audit", "currency": "USD", "isDefault": true,
                      "effectiveFrom": "2020-01-01", "rates": {"outboundPerOrder": 100}});
    s.post("/api/v1/ops/rate-cards", &admin, &card).await.ok();
    let vas = json!({"customerCode": "DEMO", "warehouseCode": "US-LA01", "amount": 100, "reason": "sweep"});
    let bill_no = s.post("/api/v1/ops/charges", &admin, &vas).await.ok()["billNo"].as_str().unwrap().to_owned();
    let wo = json!({"type": "ASSEMBLY", "warehouseCode": "US-LA01", "sku": "DEMO-KIT-1", "quantity": 1,
                    "customerReference": "AUDIT-WO"});
    let wo_no = s.post("/api/v1/work-orders", &seller, &wo).await.ok()["orderNo"].as_str().unwrap().to_owned();

    // Deletion last: the rest of the webhook's calls need it.
    privileged.sort_by_key(|(method, _, _)| method == "delete");
    for (method, path, action) in &privileged {
        let no = if path.contains("count-plans") {
            &counted_no
        } else if path.contains("bills") {
            &bill_no
        } else if path.contains("work-orders") {
            &wo_no
        } else {
            &waved
        };
        let url = path
            .replace("{id}", &hook)
            .replace("{no}", no)
            .replace("{card}", "AUDIT-USD")
            .replace("{customer}", "DEMO");
        let (token, body): (Option<&str>, Option<Value>) = match (method.as_str(), path.as_str()) {
            ("post", "/api/v1/auth/token") => (None, Some(json!({"appId": "demo-app", "appSecret": "demo-secret"}))),
            ("post", "/api/v1/auth/refresh") => (None, Some(json!({"refreshToken": pair["refreshToken"]}))),
            ("post", "/api/v1/staff/login") => (None, Some(json!({"username": "admin", "password": "admin"}))),
            ("post", "/api/v1/auth/logout") => (Some(&throwaway), None),
            ("post", "/api/v1/ops/adjustments") => (
                Some(&admin),
                Some(json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "audit sweep",
                            "lines": [{"sku": "DEMO-0002", "locationCode": location, "quantity": 1}]})),
            ),
            ("post", "/api/v1/ops/conversions") => (
                Some(&admin),
                Some(json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "audit sweep",
                            "lines": [{"sku": "DEMO-0001", "locationCode": "C-02-02-1", "fromCondition": "GOOD",
                                       "toCondition": "REFURBISHED", "quantity": 1}]})),
            ),
            ("post", "/api/v1/ops/count-plans") => {
                (Some(&admin), Some(json!({"warehouseCode": "US-LA01", "scope": {"locations": ["C-02-02-1"]}})))
            }
            ("post", "/api/v1/ops/count-plans/{no}/approve") => (Some(&admin), None),
            ("put", "/api/v1/ops/replenishment/rules") => (
                Some(&admin),
                Some(json!({"warehouseCode": "US-LA01", "rules": [{"locationCode": "C-02-02-1", "sku": "DEMO-0001",
                            "customerCode": "DEMO", "min": 5, "max": 40}]})),
            ),
            ("post", "/api/v1/ops/waves") => {
                (Some(&admin), Some(json!({"warehouseCode": "US-LA01", "orderNos": [order_no]})))
            }
            ("post", "/api/v1/ops/outbound-orders/{no}/interception") => {
                (Some(&admin), Some(json!({"result": "SUCCESS", "note": "audit sweep"})))
            }
            ("post", "/api/v1/webhooks") => {
                (Some(&seller), Some(json!({"url": "http://127.0.0.1:9/other", "events": ["order.shipped"]})))
            }
            ("put", "/api/v1/webhooks/{id}") => (Some(&seller), Some(json!({"active": false}))),
            ("post", "/api/v1/webhooks/{id}/rotate-secret") => (Some(&seller), Some(json!({"graceHours": 1}))),
            ("delete", "/api/v1/webhooks/{id}") => (Some(&seller), None),
            ("post", "/api/v1/ops/rate-cards") => (
                Some(&admin),
                Some(json!({"code": "SWEEP-USD", "name": "Sweep", "currency": "USD", "effectiveFrom": "2026-01-01",
                            "rates": {"labelPerOrder": 5}})),
            ),
            ("post", "/api/v1/ops/rate-cards/{card}/versions") => {
                (Some(&admin), Some(json!({"effectiveFrom": "2026-06-01", "rates": {"outboundPerOrder": 120}})))
            }
            ("put", "/api/v1/ops/customers/{customer}/rate-card") => {
                (Some(&admin), Some(json!({"rateCardCode": "AUDIT-USD"})))
            }
            ("put", "/api/v1/ops/customers/{customer}/credit") => {
                (Some(&admin), Some(json!({"currency": "USD", "creditLimit": 1000})))
            }
            ("post", "/api/v1/ops/customers/{customer}/wallet/top-ups") => {
                (Some(&admin), Some(json!({"currency": "USD", "amount": 500, "reference": "sweep"})))
            }
            ("post", "/api/v1/ops/charges") => (Some(&admin), Some(vas.clone())),
            ("post", "/api/v1/ops/bills/{no}/issue" | "/api/v1/ops/bills/{no}/pay") => (Some(&admin), None),
            ("post", "/api/v1/ops/billing/storage") => (Some(&admin), Some(json!({"date": "2026-01-01"}))),
            ("post", "/api/v1/ops/work-orders") => (
                Some(&admin),
                Some(json!({"customerCode": "DEMO", "type": "ASSEMBLY", "warehouseCode": "US-LA01",
                            "sku": "DEMO-KIT-1", "quantity": 1, "customerReference": "AUDIT-WO-2"})),
            ),
            ("post", "/api/v1/ops/work-orders/{no}/cancel") => (Some(&admin), None),
            ("post", "/api/v1/ops/alerts/sweep") => (Some(&admin), None),
            _ => panic!("no call for {method} {path}: extend the audit sweep"),
        };
        let m = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
        let mut request = s.http.request(m, format!("{}{url}", s.base));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if let Some(b) = &body {
            request = request.json(b);
        }
        let response = request.send().await.unwrap();
        let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        assert_eq!(status, 200, "{method} {url}: {answer}");
        let entries = audit(&s, &admin, &format!("action={action}")).await;
        assert!(
            entries.iter().any(|e| e["requestId"] == request_id.as_str() && e["outcome"] == "SUCCESS"),
            "{method} {path}: no {action} entry for request {request_id}"
        );
    }
    assert!(privileged.len() >= 11, "only {} privileged routes", privileged.len());
}
