//! The vendor dialects served beside the native API (crates/gateways):
//! JF WMS and Qianyi requests as their documents write them, against the
//! demo data's dialect credentials.

use reqwest::StatusCode;
use serde_json::{Value, json};

use haicang_app::demo::{
    DEMO_JF_CLIENT_ID, DEMO_JF_CLIENT_SECRET, DEMO_JF_EMAIL, DEMO_JF_TOKEN, DEMO_QIANYI_APP_ID, DEMO_QIANYI_APP_SECRET,
    DEMO_QIANYI_WAREHOUSE,
};
use haicang_gateways::jf::SignedRequest;
use haicang_gateways::qianyi::SignedForm;

use crate::harness::{Server, start};

fn now_ms() -> i64 {
    haicang_app::now_ms()
}

/// A JF ERP: its developer credentials and, once authorised, its session.
struct Jf<'a> {
    server: &'a Server,
    client_id: String,
    client_secret: String,
    access_token: String,
    user_id: String,
    refresh_token: String,
}

/// What a dialect call answered.
struct Reply {
    status: StatusCode,
    body: Value,
}

impl Reply {
    #[track_caller]
    fn ok(&self) -> &Value {
        assert_eq!(self.body["code"], 0, "expected success, got {}", self.body);
        assert_eq!(self.status, StatusCode::OK);
        assert_eq!(self.body["message"], "SUCCESS");
        assert!(self.body["requestId"].as_str().is_some_and(|r| !r.is_empty()));
        &self.body["data"]
    }

    #[track_caller]
    fn code(&self, code: i64) -> &Self {
        assert_eq!(self.body["code"], code, "unexpected answer {}", self.body);
        assert!(self.body["data"].is_null(), "{}", self.body);
        self
    }
}

async fn get_json(server: &Server, path: &str, query: &[(&str, &str)]) -> Reply {
    let response = server.http.get(format!("{}{path}", server.base)).query(query).send().await.unwrap();
    let status = response.status();
    Reply { status, body: response.json().await.unwrap() }
}

impl<'a> Jf<'a> {
    /// Authorises as `email` with `token` through the documented OAuth.
    async fn authorise(server: &'a Server, client: (&str, &str), email: &str, token: &str) -> Jf<'a> {
        let (client_id, secret) = client;
        let key = get_json(
            server,
            "/api/oauth/authorize",
            &[("clientId", client_id), ("email", email), ("token", token), ("domain", "test")],
        )
        .await;
        let key = key.ok().as_str().expect("a key").to_owned();
        let pair = get_json(
            server,
            "/api/oauth/accessToken",
            &[("clientId", client_id), ("clientSecret", secret), ("key", &key)],
        )
        .await;
        let data = pair.ok().clone();
        assert_eq!(data["expireIn"], 86_400);
        assert!(data["refreshExpireIn"].as_i64().unwrap() >= 365 * 86_400, "refresh tokens live a year: {data}");
        Jf {
            server,
            client_id: client_id.to_owned(),
            client_secret: secret.to_owned(),
            access_token: data["accessToken"].as_str().unwrap().to_owned(),
            user_id: data["userId"].to_string(),
            refresh_token: data["refreshToken"].as_str().unwrap().to_owned(),
        }
    }

    async fn demo(server: &'a Server) -> Jf<'a> {
        Jf::authorise(server, (DEMO_JF_CLIENT_ID, DEMO_JF_CLIENT_SECRET), DEMO_JF_EMAIL, DEMO_JF_TOKEN).await
    }

    /// The headers of a call to `path`, signed as the document says.
    fn headers(&self, path: &str, timestamp: &str, nonce: &str) -> Vec<(&'static str, String)> {
        let signed = SignedRequest {
            access_token: &self.access_token,
            client_id: &self.client_id,
            method: "POST",
            nonce,
            timestamp,
            url: path,
            user_id: &self.user_id,
        };
        vec![
            ("clientId", self.client_id.clone()),
            ("accessToken", self.access_token.clone()),
            ("timestamp", timestamp.to_owned()),
            ("nonce", nonce.to_owned()),
            ("userId", self.user_id.clone()),
            ("sign", signed.sign(&self.client_secret)),
        ]
    }

    async fn send(&self, path: &str, headers: Vec<(&'static str, String)>, body: &Value, lang: &str) -> Reply {
        let mut request = self.server.http.post(format!("{}{path}", self.server.base)).json(body);
        for (k, v) in headers {
            request = request.header(k, v);
        }
        let response = request.header("Accept-Language", lang).send().await.unwrap();
        let status = response.status();
        Reply { status, body: response.json().await.unwrap() }
    }

    async fn call(&self, path: &str, body: Value) -> Reply {
        let nonce = format!("{}", rand_nonce());
        let headers = self.headers(path, &now_ms().to_string(), &nonce);
        self.send(path, headers, &body, "en_US").await
    }
}

fn rand_nonce() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    (now_ms() as u64).wrapping_mul(1000) + NEXT.fetch_add(1, Ordering::Relaxed)
}

fn order(erp_no: &str, quantity: i64) -> Value {
    json!({
        "erpNo": erp_no, "warehouseCode": "YK", "logisticsName": "UPS", "platform": "Amazon",
        "platformOrderNo": "113-0000000-0000001", "buyerName": "Jane Doe", "buyerPhone": "5551234567",
        "recipientCountry": "US", "recipientProvince": "CA", "recipientCity": "Ontario",
        "recipientAddress": "1200 E Francis St", "zipCode": "91761",
        "skuList": [{"sku": "2309-1Bei", "num": quantity.to_string()}]
    })
}

async fn available(jf: &Jf<'_>, sku: &str) -> i64 {
    let data = jf.call("/api/inventory/queryInventory", json!({"warehouse": "YK", "skuList": [sku]})).await;
    let rows = data.ok()["page"]["rows"].as_array().unwrap().clone();
    assert_eq!(rows, data.ok()["rows"].as_array().unwrap().clone(), "both shapes of a page");
    rows.iter().find(|r| r["sku"] == sku).map(|r| r["available"].as_i64().unwrap()).unwrap_or(0)
}

/// The document's OAuth: authorise, exchange, call, refresh; the refresh
/// token rotates, and one-time keys are one-time.
#[tokio::test]
async fn jf_oauth_round_trip() {
    let server = start().await;
    let jf = Jf::demo(&server).await;
    jf.call("/api/warehouse/getList", json!({})).await.ok();

    // Refresh without the secret (some clients omit it), as the document's clients do.
    let renewed = get_json(
        &server,
        "/api/oauth/refreshToken",
        &[("clientId", DEMO_JF_CLIENT_ID), ("refreshToken", &jf.refresh_token), ("userId", &jf.user_id)],
    )
    .await;
    let data = renewed.ok().clone();
    assert_eq!(data["userId"].to_string(), jf.user_id, "the refreshed pair acts for the same merchant");
    let fresh = Jf { access_token: data["accessToken"].as_str().unwrap().to_owned(), ..Jf::demo(&server).await };
    fresh.call("/api/warehouse/getList", json!({})).await.ok();
    // The rotated refresh token is spent.
    get_json(
        &server,
        "/api/oauth/refreshToken",
        &[("clientId", DEMO_JF_CLIENT_ID), ("refreshToken", &jf.refresh_token)],
    )
    .await
    .code(10003);
    // With a secret, it must be the right one.
    get_json(
        &server,
        "/api/oauth/refreshToken",
        &[("clientId", DEMO_JF_CLIENT_ID), ("clientSecret", "wrong"), ("refreshToken", &fresh.refresh_token)],
    )
    .await
    .code(10008);

    // A key is exchanged once.
    let key = get_json(
        &server,
        "/api/oauth/authorize",
        &[("clientId", DEMO_JF_CLIENT_ID), ("email", DEMO_JF_EMAIL), ("token", DEMO_JF_TOKEN), ("domain", "test")],
    )
    .await
    .ok()
    .as_str()
    .unwrap()
    .to_owned();
    let exchange = [("clientId", DEMO_JF_CLIENT_ID), ("clientSecret", DEMO_JF_CLIENT_SECRET), ("key", key.as_str())];
    get_json(&server, "/api/oauth/accessToken", &exchange).await.ok();
    get_json(&server, "/api/oauth/accessToken", &exchange).await.code(10030);
    // Wrong secret, unknown merchant, wrong authorisation token, unknown client.
    let wrong_secret = [("clientId", DEMO_JF_CLIENT_ID), ("clientSecret", "nope"), ("key", key.as_str())];
    get_json(&server, "/api/oauth/accessToken", &wrong_secret).await.code(10008);
    let authorize = |email: &'static str, token: &'static str, client: &'static str| {
        let server = &server;
        async move {
            get_json(server, "/api/oauth/authorize", &[("clientId", client), ("email", email), ("token", token)]).await
        }
    };
    authorize("nobody@haicang.test", DEMO_JF_TOKEN, DEMO_JF_CLIENT_ID).await.code(10011);
    authorize(DEMO_JF_EMAIL, "not-the-token", DEMO_JF_CLIENT_ID).await.code(10030);
    authorize(DEMO_JF_EMAIL, DEMO_JF_TOKEN, "no-such-client").await.code(10008);

    // A token issued by `haicang admin` is good for one authorisation.
    server.app.create_seller_user("DEMO", "ops@demo.test").await.unwrap();
    let once = server.app.issue_seller_grant("ops@demo.test", false, None).await.unwrap();
    Jf::authorise(&server, (DEMO_JF_CLIENT_ID, DEMO_JF_CLIENT_SECRET), "ops@demo.test", &once).await;
    let again = [("clientId", DEMO_JF_CLIENT_ID), ("email", "ops@demo.test"), ("token", once.as_str())];
    get_json(&server, "/api/oauth/authorize", &again).await.code(10030);
}

/// A signed order create → get → cancel, with the stock it reserves, and
/// the document's own example request (`/api/order/get {"erpNo":"123"}`).
#[tokio::test]
async fn jf_order_create_get_cancel() {
    let server = start().await;
    let jf = Jf::demo(&server).await;
    let before = available(&jf, "2309-1Bei").await;
    assert_eq!(before, 26, "the demo stocks the document's SKU");

    let created = jf.call("/api/order/create", order("ERP-1001", 2)).await;
    let package_no = created.ok()["packageNo"].as_str().unwrap().to_owned();
    assert_eq!(created.ok()["erpNo"], "ERP-1001");
    assert_eq!(created.ok()["orderStatus"], 1);
    assert_eq!(available(&jf, "2309-1Bei").await, before - 2);
    // The same request again is the same order.
    let again = jf.call("/api/order/create", order("ERP-1001", 2)).await;
    assert_eq!(again.ok()["packageNo"], package_no.as_str());

    let got = jf.call("/api/order/get", json!({"erpNo": "ERP-1001"})).await;
    let o = got.ok();
    assert_eq!(o["packageNo"], package_no.as_str());
    assert_eq!(o["warehouseCode"], "YK", "shown by the JF alias");
    assert_eq!(o["logisticsName"], "UPS");
    assert_eq!(o["status"], 1);
    assert_eq!(o["platform"], "AMAZON");
    assert_eq!(o["buyerName"], "Jane Doe");
    assert_eq!(o["skuList"], json!([{"sku": "2309-1Bei", "num": 2}]));
    let batch = jf.call("/api/order/batchGet", json!({"erpNoList": ["ERP-1001", "NO-SUCH"]})).await;
    assert_eq!(batch.ok().as_array().unwrap().len(), 1);
    let package = jf.call("/api/inbound/getPackageNo", json!({"erpNo": "ERP-1001"})).await;
    assert_eq!(package.ok()["packageNo"], package_no.as_str());

    let cancelled = jf.call("/api/order/cancel", json!({"erpNo": "ERP-1001"})).await;
    assert_eq!(cancelled.ok()["status"], 7);
    assert_eq!(available(&jf, "2309-1Bei").await, before, "the cancel released the reservation");
    let native = server.get(&format!("/api/v1/outbound-orders/{package_no}"), &server.customer().await).await;
    assert_eq!(native.ok()["status"], "CANCELLED", "one order, seen by both APIs");

    // Refusals in JF's codes and languages.
    let mut short = order("ERP-1002", 1000);
    jf.call("/api/order/create", short.take()).await.code(50026);
    jf.call("/api/order/create", json!({"warehouseCode": "YK"})).await.code(50003);
    jf.call("/api/inbound/create", json!({"warehouseCode": "YK"})).await.code(40000);
    let mut unknown = order("ERP-1003", 1);
    unknown["skuList"] = json!([{"sku": "NOT-A-SKU", "num": 1}]);
    jf.call("/api/order/create", unknown).await.code(50024);
    // The document's example request and answer.
    let example = jf.call("/api/order/get", json!({"erpNo": "123"})).await;
    example.code(50017);
    assert!(example.body["message"].as_str().unwrap().starts_with("The order was not found in the warehouse"));
    let zh = jf
        .send(
            "/api/order/get",
            jf.headers("/api/order/get", &now_ms().to_string(), "77"),
            &json!({"erpNo": "123"}),
            "zh_CN",
        )
        .await;
    assert!(zh.body["message"].as_str().unwrap().starts_with("在仓库中未找到该订单"), "{}", zh.body);
}

/// Products, warehouses, channels and inbound orders through JF.
#[tokio::test]
async fn jf_products_and_inbound() {
    let server = start().await;
    let jf = Jf::demo(&server).await;
    let created = jf
        .call(
            "/api/sku/create",
            json!({"skuList": [
                {"sku": "JF-SKU-1", "skuName": "JF product", "barcode": "JFSKU00001", "length": "20", "width": 15,
                 "height": 10, "weight": "250.5", "declaredNameCn": "杯子", "declaredNameEn": "Cup",
                 "declaredPrice": 3.5, "declaredCurrency": "USD", "hsCode": "691200"},
                {"sku": "2309-1Bei", "skuName": "duplicate"},
                {"sku": "x", "skuName": "too short"}
            ]}),
        )
        .await;
    let results = created.ok().as_array().unwrap().clone();
    assert_eq!(results[0]["success"], true);
    assert_eq!(results[1]["code"], 20003);
    assert_eq!(results[2]["code"], 20010);
    let got = jf.call("/api/sku/get", json!({"skuList": ["JF-SKU-1"]})).await;
    let row = got.ok()["page"]["rows"][0].clone();
    assert_eq!(row["weight"], "250.5", "grams in, grams out");
    assert_eq!(row["length"], "20");
    assert_eq!(row["declaredNameCn"], "杯子");
    let updated = jf
        .call("/api/sku/update", json!({"sku": "JF-SKU-1", "skuName": "JF product v2", "barcode": "JFSKU00001"}))
        .await;
    updated.ok();
    let got = jf.call("/api/sku/get", json!({"skuList": ["JF-SKU-1"]})).await;
    assert_eq!(got.ok()["rows"][0]["skuName"], "JF product v2");

    let warehouses = jf.call("/api/warehouse/getList", json!({})).await;
    let codes: Vec<&str> = warehouses.ok().as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"YK") && codes.contains(&"DE-FRA01"), "{codes:?}");
    let channels = jf.call("/api/logistics/getChannelList", json!({"warehouseCode": "YK"})).await;
    assert!(channels.ok().as_array().unwrap().iter().any(|c| c["logisticsName"] == "UPS"));

    let inbound = json!({"erpNo": "ASN-JF-1", "warehouseCode": "YK", "trackingNo": "1Z999AA10123456784",
        "boxList": [{"boxNo": "B1", "length": 40, "width": 30, "height": 20, "weight": 5,
                     "skuList": [{"sku": "JF-SKU-1", "num": 12}]}]});
    let created = jf.call("/api/inbound/create", inbound).await;
    let inbound_no = created.ok()["inboundNo"].as_str().unwrap().to_owned();
    let got = jf.call("/api/inbound/get", json!({"erpNo": "ASN-JF-1"})).await;
    assert_eq!(got.ok()["inboundNo"], inbound_no.as_str());
    assert_eq!(got.ok()["warehouseCode"], "YK");
    assert_eq!(got.ok()["skuList"][0]["num"], 12);
    let tracking = jf
        .call("/api/inbound/updateTrackingNo", json!({"erpNo": "ASN-JF-1", "trackingNo": "1Z999AA10123456785"}))
        .await;
    tracking.ok();
    let labels = jf.call("/api/inbound/printBoxLabel", json!({"erpNo": "ASN-JF-1"})).await;
    let pdf = labels.ok()[0]["labelBase64"].as_str().unwrap();
    assert!(pdf.starts_with("JVBERi0"), "a base64 PDF");
    let inventory = jf.call("/api/inventory/queryInventory", json!({"warehouse": "YK", "skuList": ["JF-SKU-1"]})).await;
    assert_eq!(inventory.ok()["rows"][0]["inTransit"], 12, "announced units are in transit");
    jf.call("/api/inbound/cancel", json!({"erpNo": "ASN-JF-1"})).await.ok();
    jf.call("/api/inbound/get", json!({"erpNo": "NO-SUCH"})).await.code(40004);
    // Return orders (under /api/inbound) and document fees.
    let rma = json!({"erpNo": "RMA-JF-1", "warehouseCode": "YK", "returnType": "1", "trackingNo": "RT123456",
        "skuList": [{"sku": "2309-1Bei", "num": 2}]});
    let created = jf.call("/api/inbound/createReturn", rma).await;
    let return_no = created.ok()["returnNo"].as_str().unwrap().to_owned();
    let got = jf.call("/api/inbound/getReturn", json!({"erpNo": "RMA-JF-1"})).await;
    assert_eq!(got.ok()["returnNo"], return_no.as_str());
    assert_eq!(got.ok()["warehouseCode"], "YK");
    assert_eq!(got.ok()["skuList"][0]["num"], 2);
    let listed = jf.call("/api/inbound/pageReturn", json!({"pageNo": 1, "pageSize": 10})).await;
    // The demo's own return and this one.
    assert_eq!(listed.ok()["page"]["totalSize"], 2);
    assert!(listed.ok()["rows"].as_array().unwrap().iter().any(|r| r["returnNo"] == return_no.as_str()));
    jf.call("/api/inbound/cancelReturn", json!({"erpNo": "RMA-JF-1"})).await.ok();
    assert_eq!(jf.call("/api/inbound/getReturn", json!({"erpNo": "RMA-JF-1"})).await.ok()["status"], "CANCELLED");
    jf.call("/api/inbound/getReturn", json!({"erpNo": "NO-SUCH"})).await.code(40025);
    let fees = jf.call("/api/fee/getDocumentFee", json!({"documentNoList": [inbound_no.as_str()]})).await;
    assert!(fees.ok().is_array());
    jf.call("/api/fee/getDocumentFee", json!({})).await.code(10000);
    // A capability haicang does not offer answers -1, never 404.
    jf.call("/api/b2b/outbound/create", json!({})).await.code(-1);
    let missing = jf.call("/api/logistics/getPrice", json!({})).await;
    missing.code(-1);
    assert_eq!(missing.status, StatusCode::NOT_IMPLEMENTED);
}

/// Wrong signatures, stale timestamps, reused nonces and missing headers
/// get the document's codes; nothing is created.
#[tokio::test]
async fn jf_signature_refusals() {
    let server = start().await;
    let jf = Jf::demo(&server).await;
    let path = "/api/order/create";
    let now = now_ms().to_string();

    let mut headers = jf.headers(path, &now, "11");
    headers.iter_mut().find(|(k, _)| *k == "sign").unwrap().1 = "0".repeat(64);
    jf.send(path, headers, &order("SIG-1", 1), "en_US").await.code(10026);
    // Signed for another path.
    let headers = jf.headers("/api/order/get", &now, "12");
    jf.send(path, headers, &order("SIG-1", 1), "en_US").await.code(10026);
    let stale = (now_ms() - 6 * 60 * 1000).to_string();
    jf.send(path, jf.headers(path, &stale, "13"), &order("SIG-1", 1), "en_US").await.code(10028);
    let headers = jf.headers("/api/warehouse/getList", &now, "14");
    jf.send("/api/warehouse/getList", headers.clone(), &json!({}), "en_US").await.ok();
    jf.send("/api/warehouse/getList", headers, &json!({}), "en_US").await.code(10027);
    // JF's suggested two-digit nonce again, at another millisecond: a new call.
    let later = (now.parse::<i64>().unwrap() + 1).to_string();
    jf.send("/api/warehouse/getList", jf.headers("/api/warehouse/getList", &later, "14"), &json!({}), "en_US")
        .await
        .ok();
    for (name, code) in [
        ("sign", 10021),
        ("nonce", 10022),
        ("timestamp", 10023),
        ("userId", 10020),
        ("accessToken", 10004),
        ("clientId", 10006),
    ] {
        let headers: Vec<_> = jf.headers(path, &now, "15").into_iter().filter(|(k, _)| *k != name).collect();
        jf.send(path, headers, &order("SIG-1", 1), "en_US").await.code(code);
    }
    let mut headers = jf.headers(path, &now, "16");
    headers.iter_mut().find(|(k, _)| *k == "timestamp").unwrap().1 = "yesterday".into();
    jf.send(path, headers, &order("SIG-1", 1), "en_US").await.code(10025);
    // The access token of another app with this app's client id.
    let native = server.customer().await;
    let other = Jf { access_token: native, ..Jf::demo(&server).await };
    other.call(path, order("SIG-1", 1)).await.code(10008);
    let zh = jf.send(path, jf.headers(path, &stale, "17"), &order("SIG-1", 1), "zh_CN").await;
    assert!(zh.body["message"].as_str().unwrap().starts_with("时间戳已失效"), "{}", zh.body);
    jf.call("/api/order/get", json!({"erpNo": "SIG-1"})).await.code(50017);

    // The app's own limits apply to its dialect calls unchanged.
    server.app.set_app_policy(DEMO_JF_CLIENT_ID, 1_000_000, &["10.9.9.9".to_owned()]).await.unwrap();
    jf.call("/api/warehouse/getList", json!({})).await.code(10010);
    server.app.set_app_policy(DEMO_JF_CLIENT_ID, 2, &[]).await.unwrap();
    let answers = [
        jf.call("/api/warehouse/getList", json!({})).await,
        jf.call("/api/warehouse/getList", json!({})).await,
        jf.call("/api/warehouse/getList", json!({})).await,
    ];
    assert_eq!(answers[2].body["code"], 10017, "{}", answers[2].body);
    assert_eq!(answers[2].status, StatusCode::TOO_MANY_REQUESTS);
}

/// One seller's dialect credentials never reach another's data.
#[tokio::test]
async fn dialects_keep_sellers_apart() {
    let server = start().await;
    let demo = Jf::demo(&server).await;
    demo.call("/api/order/create", order("ISO-1", 1)).await.ok();
    demo.call("/api/inbound/create", json!({"erpNo": "ISO-ASN", "warehouseCode": "YK",
        "boxList": [{"boxNo": "1", "length": 10, "width": 10, "height": 10, "weight": 1, "skuList": [{"sku": "2309-1Bei", "num": 1}]}]}))
        .await
        .ok();

    server.app.create_customer("RIVAL", "Rival").await.unwrap();
    server.app.grant_warehouse("RIVAL", "US-LA01").await.unwrap();
    server.app.create_app("RIVAL", "JF", Some(("rival-jf", "rival-jf-secret"))).await.unwrap();
    server.app.create_seller_user("RIVAL", "rival@rival.test").await.unwrap();
    let token = server.app.issue_seller_grant("rival@rival.test", false, None).await.unwrap();
    let rival = Jf::authorise(&server, ("rival-jf", "rival-jf-secret"), "rival@rival.test", &token).await;
    rival.call("/api/order/get", json!({"erpNo": "ISO-1"})).await.code(50017);
    rival.call("/api/order/cancel", json!({"erpNo": "ISO-1"})).await.code(50017);
    assert_eq!(rival.call("/api/order/batchGet", json!({"erpNoList": ["ISO-1"]})).await.ok(), &json!([]));
    rival.call("/api/inbound/get", json!({"erpNo": "ISO-ASN"})).await.code(40004);
    assert_eq!(rival.call("/api/sku/get", json!({"skuList": ["2309-1Bei"]})).await.ok()["rows"], json!([]));
    let stock = rival.call("/api/inventory/queryInventory", json!({"warehouse": "YK"})).await;
    assert_eq!(stock.ok()["rows"], json!([]));
    // The demo merchant cannot be authorised by the rival's app.
    get_json(
        &server,
        "/api/oauth/authorize",
        &[("clientId", "rival-jf"), ("email", DEMO_JF_EMAIL), ("token", DEMO_JF_TOKEN)],
    )
    .await
    .code(10011);
    // Nor may the rival's session claim the demo merchant's user id.
    let claimed = Jf {
        user_id: demo.user_id.clone(),
        ..Jf::authorise(
            &server,
            ("rival-jf", "rival-jf-secret"),
            "rival@rival.test",
            &server.app.issue_seller_grant("rival@rival.test", false, None).await.unwrap(),
        )
        .await
    };
    claimed.call("/api/warehouse/getList", json!({})).await.code(10011);

    // Qianyi: the rival's app sees none of DEMO's stock or transfers.
    server.app.create_app("RIVAL", "Qianyi", Some(("rival-qy", "rival-qy-secret"))).await.unwrap();
    let rival_qy = Qianyi { server: &server, app_id: "rival-qy", secret: "rival-qy-secret" };
    let stock = rival_qy
        .call(
            "QUERY_SIMPLE_LIST_INVENTORY_V2",
            json!({"page": 1, "pageSize": 50, "warehouse": DEMO_QIANYI_WAREHOUSE, "showEmpty": true}),
        )
        .await;
    assert_eq!(stock.result(), &json!([]));
    let log = rival_qy.call("QUERY_INVENTORY_LOG_LIST", json!({"page": 1, "pageSize": 50})).await;
    assert_eq!(log.result(), &json!([]));
}

/// A Qianyi ERP.
struct Qianyi<'a> {
    server: &'a Server,
    app_id: &'a str,
    secret: &'a str,
}

struct QianyiReply {
    body: Value,
    content: Value,
}

impl QianyiReply {
    #[track_caller]
    fn result(&self) -> &Value {
        assert_eq!(self.body["state"], "success", "{}", self.body);
        assert_eq!(self.body["errorCode"], "");
        assert_eq!(self.content["notSuccess"], false);
        &self.content["result"]
    }

    #[track_caller]
    fn error(&self, word: &str, code: i64) {
        assert_eq!(self.body["state"], "fail", "{}", self.body);
        assert_eq!(self.body["errorCode"], word, "{}", self.body);
        assert!(self.body["errorMsg"].as_str().unwrap().starts_with(&format!("[{code}]")), "{}", self.body);
    }
}

impl Qianyi<'_> {
    fn demo(server: &Server) -> Qianyi<'_> {
        Qianyi { server, app_id: DEMO_QIANYI_APP_ID, secret: DEMO_QIANYI_APP_SECRET }
    }

    /// The form of a call, signed now (seconds, as the examples).
    fn form(&self, service: &str, biz: &Value, timestamp: &str) -> Vec<(String, String)> {
        let biz = biz.to_string();
        let sign =
            SignedForm { app_id: self.app_id, biz_param: &biz, service_type: service, timestamp }.sign(self.secret);
        vec![
            ("appId".into(), self.app_id.into()),
            ("serviceType".into(), service.into()),
            ("bizParam".into(), biz),
            ("timestamp".into(), timestamp.into()),
            ("sign".into(), sign),
        ]
    }

    async fn send_form(&self, fields: Vec<(String, String)>, multipart: bool) -> QianyiReply {
        let url = format!("{}/api/v1/inventory", self.server.base);
        let request = if multipart {
            let boundary = "haicangBoundary7MA4YWxk";
            let mut body = String::new();
            for (k, v) in &fields {
                body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"));
            }
            body.push_str(&format!("--{boundary}--\r\n"));
            self.server
                .http
                .post(url)
                .header("content-type", format!("multipart/form-data; boundary={boundary}"))
                .body(body)
        } else {
            self.server.http.post(url).form(&fields)
        };
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "Qianyi answers 200 with a state");
        let body: Value = response.json().await.unwrap();
        let content = body["bizContent"].as_str().filter(|s| !s.is_empty()).map(|s| serde_json::from_str(s).unwrap());
        QianyiReply { content: content.unwrap_or(Value::Null), body }
    }

    async fn call(&self, service: &str, biz: Value) -> QianyiReply {
        let seconds = (now_ms() / 1000).to_string();
        self.send_form(self.form(service, &biz, &seconds), true).await
    }
}

/// Every request example of the Qianyi document, replayed with its own
/// `bizParam` (re-signed with the demo secret and a fresh timestamp: the
/// document's secret is not given), answers the documented shape.
#[tokio::test]
async fn qianyi_document_examples() {
    let server = start().await;
    let qy = Qianyi::demo(&server);
    // 1.2 inventory V2.
    let v2 = qy
        .call("QUERY_SIMPLE_LIST_INVENTORY_V2", json!({"page": 1, "pageSize": 3, "warehouse": DEMO_QIANYI_WAREHOUSE}))
        .await;
    let rows = v2.result().as_array().unwrap().clone();
    assert_eq!(rows.len(), 3);
    assert!(v2.content["total"].as_i64().unwrap() >= 3);
    for key in [
        "sku",
        "skuName",
        "warehouse",
        "warehouseCode",
        "total",
        "available",
        "allocated",
        "unavailable",
        "shippingQuantity",
        "purchaseShippingQuantity",
        "firstLegShippingQuantity",
        "transferShippingQuantity",
        "assemblyShippingQuantity",
        "returnShippingQuantity",
        "manualShippingQuantity",
    ] {
        assert!(rows[0].get(key).is_some(), "{key} missing in {}", rows[0]);
    }
    assert_eq!(rows[0]["warehouse"], DEMO_QIANYI_WAREHOUSE);
    // 1.3 inventory log (the example's dates and SKU, plus one of ours).
    let log = qy
        .call(
            "QUERY_INVENTORY_LOG_LIST",
            json!({"pageSize": 3, "page": 1, "warehouse": DEMO_QIANYI_WAREHOUSE, "skuList": ["DP001"],
                   "operateTimeFrom": "2025-01-18 00:00:00", "operateTimeTo": "2025-02-18 00:00:00",
                   "createTimeFrom": "2025-01-18 00:00:00", "createTimeTo": "2025-02-18 00:00:00"}),
        )
        .await;
    assert_eq!(log.result(), &json!([]), "no such SKU in that month");
    let ours = qy.call("QUERY_INVENTORY_LOG_LIST", json!({"page": 1, "pageSize": 5, "sku": "2309-1Bei"})).await;
    let entry = ours.result()[0].clone();
    assert_eq!(entry["inventoryBefore"], 0);
    assert_eq!(entry["inventoryAfter"], 26);
    assert_eq!(entry["inventoryDiff"], 26);
    assert_eq!(entry["operateType"], "INCREASE");
    assert_eq!(entry["warehouseName"], DEMO_QIANYI_WAREHOUSE);
    assert!(entry["operateTime"].as_str().unwrap().len() == 19, "yyyy-MM-dd HH:mm:ss: {entry}");
    // 1.4 assembly, 1.6 transfer list and 1.7 restore: the example numbers
    // do not exist here; the answer is an empty list, not an error.
    let assembly = qy.call("QUERY_INVENTORY_ASSEMBLY_LIST", json!({"assemblyNumber": "AP250627145996"})).await;
    assert_eq!(assembly.result(), &json!([]));
    let transfers = qy.call("QUERY_INVENTORY_TRANSFER_LIST", json!({"numberParam": "TF250908149420"})).await;
    assert_eq!(transfers.result(), &json!([]));
    let restore = qy.call("QUERY_INVENTORY_RESTORE_LIST", json!({"orderNumber": "RO250605145023"})).await;
    assert_eq!(restore.result(), &json!([]));
}

/// Transfers and work orders made through haicang read back in Qianyi's
/// shape; inventory V1 and V2 agree with them.
#[tokio::test]
async fn qianyi_transfers_and_work_orders() {
    let server = start().await;
    let qy = Qianyi::demo(&server);
    let created = qy
        .call(
            "CREATE_TRANSFER_AVAILABLE_ORDER",
            json!({"warehouseName": DEMO_QIANYI_WAREHOUSE, "destWarehouseName": "DE-FRA01", "customNumber": "QY-TF-1",
                   "logisticsName": "Sea", "trackNumber": "TRK1", "remark": "",
                   "skuList": [{"sku": "DEMO-0002", "transferQty": 6, "packingRate": 3, "originalAsnNumber": ""}]}),
        )
        .await;
    let number = created.result()["transferNumber"].as_str().unwrap().to_owned();
    for service in ["QUERY_INVENTORY_TRANSFER_LIST", "QUERY_TRANSFER_ORDER_LIST"] {
        let listed = qy.call(service, json!({"numberParam": "QY-TF-1"})).await;
        let t = listed.result()[0].clone();
        assert_eq!(t["transferNumber"], number.as_str());
        assert_eq!(t["status"], "NEW");
        assert_eq!(t["warehouseName"], DEMO_QIANYI_WAREHOUSE);
        assert_eq!(t["destWarehouseName"], "DE-FRA01");
        assert_eq!(t["skuVOList"][0]["expectedQuantity"], 6);
        assert_eq!(t["skuVOList"][0]["packingRate"], 3);
        assert!(t["createTime"].is_i64(), "epoch ms as the example: {t}");
    }
    // Without number or dates: the last 30 days.
    let recent = qy.call("QUERY_INVENTORY_TRANSFER_LIST", json!({"page": 1, "pageSize": 10, "status": ""})).await;
    assert_eq!(recent.result().as_array().unwrap().len(), 1);
    let v1 = qy
        .call(
            "QUERY_SIMPLE_LIST_INVENTORY",
            json!({"page": 1, "pageSize": 10, "warehouse": DEMO_QIANYI_WAREHOUSE, "skuList": ["DEMO-0002"]}),
        )
        .await;
    assert_eq!(v1.result()[0]["allocated"], 6, "the transfer reserved its units");

    let customer = server.customer().await;
    let wo = server
        .post(
            "/api/v1/work-orders",
            &customer,
            &json!({"type": "ASSEMBLY", "warehouseCode": "US-LA01",
            "sku": "DEMO-KIT-1", "quantity": 2, "customerReference": "QY-WO-1"}),
        )
        .await;
    let wo_no = wo.ok()["orderNo"].as_str().unwrap().to_owned();
    let assembly = qy.call("QUERY_INVENTORY_ASSEMBLY_LIST", json!({"assemblyNumber": wo_no})).await;
    let a = assembly.result()[0].clone();
    assert_eq!(a["status"], "NEW");
    assert_eq!(a["customNumber"], "QY-WO-1");
    assert_eq!(a["assemblyList"][0]["sku"], "DEMO-KIT-1");
    assert_eq!(a["assemblyList"][0]["expectQuantity"], 2);
    let parts = a["assemblyList"][0]["parts"].as_array().unwrap();
    assert!(parts.iter().any(|p| p["sku"] == "DEMO-0002" && p["expectQuantity"] == 4), "{a}");
    let by_range = qy
        .call("QUERY_INVENTORY_ASSEMBLY_LIST", json!({"createTimeFrom": "2020-01-01", "createTimeTo": "2099-12-31"}))
        .await;
    assert_eq!(by_range.result().as_array().unwrap().len(), 1);
    // An assembly is not a restore order.
    let restore = qy.call("QUERY_INVENTORY_RESTORE_LIST", json!({"orderNumber": wo_no})).await;
    assert_eq!(restore.result(), &json!([]));
}

/// Signature, timestamp, replay, encoding and unknown service types.
#[tokio::test]
async fn qianyi_refusals_and_encodings() {
    let server = start().await;
    let qy = Qianyi::demo(&server);
    let biz = json!({"page": 1, "pageSize": 1, "warehouse": DEMO_QIANYI_WAREHOUSE});
    let seconds = (now_ms() / 1000).to_string();
    // urlencoded and multipart, seconds and milliseconds.
    qy.send_form(qy.form("QUERY_SIMPLE_LIST_INVENTORY_V2", &biz, &seconds), false).await.result();
    qy.send_form(qy.form("QUERY_SIMPLE_LIST_INVENTORY_V2", &biz, &now_ms().to_string()), true).await.result();
    // The same signed form again is a replay. (A second before the first
    // call's: `now - 1` taken later could equal it, and a form signed
    // like the first call's is already a replay.)
    let earlier = seconds.parse::<i64>().unwrap() - 1;
    let form = qy.form("QUERY_SIMPLE_LIST_INVENTORY_V2", &biz, &earlier.to_string());
    qy.send_form(form.clone(), true).await.result();
    qy.send_form(form, true).await.error("REPEATED_REQUEST", 10027);
    let wrong = Qianyi { secret: "wrong", ..Qianyi::demo(&server) };
    wrong.call("QUERY_SIMPLE_LIST_INVENTORY_V2", biz.clone()).await.error("SIGN_ERROR", 10026);
    // The document's own timestamp is long past.
    qy.send_form(qy.form("QUERY_SIMPLE_LIST_INVENTORY_V2", &biz, "1731742317"), true)
        .await
        .error("TIMESTAMP_ERROR", 10028);
    let unknown = Qianyi { app_id: "NO-SUCH-APP", ..Qianyi::demo(&server) };
    unknown.call("QUERY_SIMPLE_LIST_INVENTORY_V2", biz.clone()).await.error("APP_ID_ERROR", 10008);
    qy.call("QUERY_SIMPLE_LIST_INVENTORY_V2", json!({"page": 1})).await.error("DATA_INPUT_ERROR", 10000);
    qy.call("NO_SUCH_SERVICE", json!({})).await.error("SERVICE_TYPE_ERROR", -1);
    let mut missing = qy.form("QUERY_SIMPLE_LIST_INVENTORY_V2", &biz, &seconds);
    missing.retain(|(k, _)| k != "sign");
    qy.send_form(missing, true).await.error("DATA_INPUT_ERROR", 10000);
    // Not a Qianyi call (no form): the native API's 405 at the shared path.
    let bare = server.http.post(format!("{}/api/v1/inventory", server.base)).send().await.unwrap();
    assert_eq!(bare.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(bare.headers()["allow"], "GET,HEAD");
    let bare: Value = bare.json().await.unwrap();
    assert_eq!(bare["code"], 10064);
    // The native inventory at the same path keeps GET.
    let native = server.get("/api/v1/inventory?warehouseCode=US-LA01", &server.customer().await).await;
    assert!(native.ok()["items"].as_array().is_some());
}

/// A JF receiver: answers `{"code":"1"}` to the first `refuse` calls, then
/// `{"code":"0"}`; keeps every (sign header, body).
#[derive(Clone, Default)]
struct JfReceiver {
    refuse: usize,
    seen: std::sync::Arc<std::sync::Mutex<Vec<(String, Value)>>>,
}

async fn jf_hook(
    axum::extract::State(r): axum::extract::State<JfReceiver>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::Json<Value> {
    let sign = headers.get("sign").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let body: Value = serde_json::from_slice(&body).unwrap();
    let mut seen = r.seen.lock().unwrap();
    seen.push((sign, body));
    let code = if seen.len() <= r.refuse { "1" } else { "0" };
    axum::Json(json!({"code": code, "msg": ""}))
}

/// A JF developer's webhook address gets JF's format from the outbox:
/// `{timestamp, type, data}` signed with md5 of data and the client
/// secret, retried until the receiver answers `{"code":"0"}`.
#[tokio::test]
async fn jf_webhooks_come_in_jfs_format() {
    let server = start().await;
    let receiver = JfReceiver { refuse: 1, ..Default::default() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = axum::Router::new().route("/jf", axum::routing::post(jf_hook)).with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    let url = format!("http://{addr}/jf");
    server.app.create_dialect_webhook(DEMO_JF_CLIENT_ID, &url, haicang_core::dialects::Dialect::Jf).await.unwrap();
    assert!(server.app.create_dialect_webhook("no-such-app", &url, haicang_core::dialects::Dialect::Jf).await.is_err());

    let jf = Jf::demo(&server).await;
    jf.call("/api/order/create", order("HOOK-1", 1)).await.ok();
    let policy = haicang_app::webhooks::DeliveryPolicy {
        first_retry: std::time::Duration::from_millis(20),
        max_retry: std::time::Duration::from_millis(50),
        ..Default::default()
    };
    for _ in 0..200 {
        server.app.deliver_due("test", &policy).await.unwrap();
        if receiver.seen.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let seen = receiver.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2, "refused once ({{\"code\":\"1\"}}), then acknowledged: {seen:?}");
    let (sign, body) = &seen[1];
    assert_eq!(body["type"], "orderCreate");
    assert!(body["timestamp"].is_i64());
    let data = &body["data"];
    assert_eq!(data["documentNo"], "HOOK-1", "JF's documentNo is the erpNo");
    assert_eq!(data["warehouseCode"], "YK");
    assert_eq!(data["orderStatus"], 1);
    assert!(data["packageNo"].as_str().is_some_and(|p| p.starts_with("OB")));
    assert!(data["userId"].is_i64());
    assert!(data["skuList"].as_array().unwrap().iter().any(|s| s["sku"] == "2309-1Bei" && s["available"] == 25));
    // The receiver's check: md5 of {"data":…,"clientSecret":…} (the text
    // itself is pinned by the unit test of `jf_webhook_sign`).
    assert_eq!(sign, &haicang_app::webhooks::jf_webhook_sign(&data.to_string(), DEMO_JF_CLIENT_SECRET));
    assert_ne!(sign, &haicang_app::webhooks::jf_webhook_sign(&data.to_string(), "another secret"));
    assert_eq!(body["sign"], sign.as_str());
    // No further deliveries once acknowledged.
    for _ in 0..5 {
        server.app.deliver_due("test", &policy).await.unwrap();
    }
    assert_eq!(receiver.seen.lock().unwrap().len(), 2);
}

/// Every JF business path and every Qianyi service type, called by another
/// seller with the first seller's references and numbers: no answer
/// carries the first seller's documents, and they are unchanged after.
#[tokio::test]
async fn the_dialect_sweep_leaks_nothing_across_sellers() {
    let server = start().await;
    let a = Jf::demo(&server).await;
    let product = json!({"sku": "A-SWEEP-SKU", "skuName": "A-SECRET-NAME", "barcode": "ASWEEP0001"});
    assert_eq!(a.call("/api/sku/create", json!({"skuList": [product]})).await.ok()[0]["success"], true);
    let order_no = a.call("/api/order/create", order("A-SWEEP-ORDER", 1)).await.ok()["packageNo"].clone();
    let asn = json!({"erpNo": "A-SWEEP-ASN", "warehouseCode": "YK", "boxList": [{"boxNo": "1", "length": 10,
        "width": 10, "height": 10, "weight": 1, "skuList": [{"sku": "A-SWEEP-SKU", "num": 3}]}]});
    let inbound_no = a.call("/api/inbound/create", asn).await.ok()["inboundNo"].clone();
    let rma = json!({"erpNo": "A-SWEEP-RMA", "warehouseCode": "YK", "skuList": [{"sku": "2309-1Bei", "num": 1}]});
    let return_no = a.call("/api/inbound/createReturn", rma).await.ok()["returnNo"].clone();
    let qy = Qianyi::demo(&server);
    let tf = json!({"warehouseName": DEMO_QIANYI_WAREHOUSE, "destWarehouseName": "DE-FRA01", "customNumber": "A-SWEEP-TF",
        "skuList": [{"sku": "DEMO-0004", "transferQty": 1}]});
    let tf_no = qy.call("CREATE_TRANSFER_AVAILABLE_ORDER", tf).await.result()["transferNumber"].clone();
    let secrets: Vec<String> = [&order_no, &inbound_no, &return_no, &tf_no]
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .chain(["A-SECRET-NAME".to_owned()])
        .collect();

    server.app.create_customer("SWEEPB", "Sweep B").await.unwrap();
    server.app.grant_warehouse("SWEEPB", "US-LA01").await.unwrap();
    server.app.create_app("SWEEPB", "JF", Some(("sweep-b-jf", "sweep-b-secret"))).await.unwrap();
    server.app.create_app("SWEEPB", "Qianyi", Some(("sweep-b-qy", "sweep-b-qy-secret"))).await.unwrap();
    server.app.create_seller_user("SWEEPB", "b@sweep.test").await.unwrap();
    let token = server.app.issue_seller_grant("b@sweep.test", true, None).await.unwrap();
    let b = Jf::authorise(&server, ("sweep-b-jf", "sweep-b-secret"), "b@sweep.test", &token).await;
    let paths = haicang_gateways::jf::business_paths();
    assert!(paths.len() >= 40, "{paths:?}");
    for path in paths {
        for erp_no in ["A-SWEEP-ORDER", "A-SWEEP-ASN", "A-SWEEP-RMA"] {
            let body = json!({"erpNo": erp_no, "erpNoList": [erp_no], "skuList": ["A-SWEEP-SKU"], "sku": "A-SWEEP-SKU",
                "documentNoList": secrets[..4], "packageNo": order_no, "warehouseCode": "YK", "warehouse": "YK",
                "pageNo": 1, "pageSize": 50});
            let answer = b.call(path, body).await;
            let text = answer.body.to_string();
            for secret in &secrets {
                assert!(!text.contains(secret.as_str()), "{path} with {erp_no} leaked {secret}: {text}");
            }
        }
    }
    let b_qy = Qianyi { server: &server, app_id: "sweep-b-qy", secret: "sweep-b-qy-secret" };
    for service in [
        "QUERY_SIMPLE_LIST_INVENTORY",
        "QUERY_SIMPLE_LIST_INVENTORY_V2",
        "QUERY_INVENTORY_LOG_LIST",
        "QUERY_INVENTORY_ASSEMBLY_LIST",
        "QUERY_INVENTORY_RESTORE_LIST",
        "QUERY_INVENTORY_TRANSFER_LIST",
        "QUERY_TRANSFER_ORDER_LIST",
        "CREATE_TRANSFER_AVAILABLE_ORDER",
    ] {
        let biz = json!({"numberParam": secrets[3], "assemblyNumber": secrets[3], "orderNumber": secrets[3],
            "warehouse": DEMO_QIANYI_WAREHOUSE, "warehouses": [DEMO_QIANYI_WAREHOUSE], "skuList": ["A-SWEEP-SKU"],
            "billNumber": secrets[0], "showEmpty": true, "showCombine": true, "page": 1, "pageSize": 50});
        let answer = b_qy.call(service, biz).await;
        let text = answer.body.to_string();
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{service} leaked {secret}: {text}");
        }
    }
    // Suoen and Onixport with B's native token.
    let b_token = server.other_customer("SWEEPC").await;
    let suoen_paths = [
        "wms/Product/List",
        "wms/Inbound/Cancel",
        "wms/Inbound/List",
        "wms/Outbound/Cancel",
        "wms/Outbound/List",
        "wms/Outbound/Tracking",
        "wms/BatchStock/List",
        "wms/TotalStock/List",
        "wms/Base/WarehouseList",
        "wms/Base/ShippingServiceList",
        "finance/BillList",
    ];
    let body = json!({"OutboundId": secrets[0], "InboundId": secrets[1], "ReferenceNo": "A-SWEEP-ORDER",
        "Sku": "A-SWEEP-SKU", "Name": "A-SECRET-NAME", "WarehouseCode": "US-LA01"});
    for path in suoen_paths {
        for method in [reqwest::Method::GET, reqwest::Method::POST] {
            let (_, answer) = suoen(&server, Some(&b_token), method, path, body.clone()).await;
            // A refusal may echo the number B itself sent ("… not found");
            // what B is given must hold none of A's.
            let text = answer["Data"].to_string();
            for secret in &secrets {
                assert!(!text.contains(secret.as_str()), "Suoen {path} leaked {secret}: {answer}");
            }
            if answer["Success"] == false {
                assert!([40004, 50017].contains(&answer["Code"].as_i64().unwrap()), "Suoen {path}: {answer}");
            }
        }
    }
    for list in ["sku", "sn", "returned"] {
        let (_, answer) = onixport(&server, Some(&b_token), list, json!({"skuList": ["A-SWEEP-SKU"]})).await;
        assert_eq!(answer["result"], json!([]), "Onixport {list}: {answer}");
    }
    // A's documents are as A left them.
    assert_eq!(a.call("/api/order/get", json!({"erpNo": "A-SWEEP-ORDER"})).await.ok()["status"], 1);
    assert_eq!(a.call("/api/inbound/get", json!({"erpNo": "A-SWEEP-ASN"})).await.ok()["status"], "SUBMITTED");
    assert_eq!(a.call("/api/inbound/getReturn", json!({"erpNo": "A-SWEEP-RMA"})).await.ok()["status"], "ANNOUNCED");
    let tf = qy.call("QUERY_INVENTORY_TRANSFER_LIST", json!({"numberParam": "A-SWEEP-TF"})).await;
    assert_eq!(tf.result()[0]["status"], "NEW");
}

async fn onixport(server: &Server, token: Option<&str>, list: &str, body: Value) -> (StatusCode, Value) {
    let mut request = server.http.post(format!("{}/onixport/api/wms/inventory/{list}/list", server.base)).json(&body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

/// The three Onixport examples as the document writes them, with a native
/// token: the documented shapes, types and page; its error 1000.
#[tokio::test]
async fn onixport_document_examples() {
    let server = start().await;
    let token = server.customer().await;
    let t = Some(token.as_str());
    let (status, sku) = onixport(
        &server,
        t,
        "sku",
        json!({"skuList": ["SKU123456", "SKU123457"], "warehouseCode": "W1", "inventoryType": 1, "current": 1}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sku["success"], true, "{sku}");
    assert!(sku["errorCode"].is_null() && sku["errorMsg"].is_null());
    assert_eq!(sku["pagination"], json!({"current": 1, "pageSize": 100, "total": 2}));
    let rows = sku["result"].as_array().unwrap();
    let pro = rows.iter().find(|r| r["sku"] == "SKU123457").unwrap();
    assert_eq!(pro["warehouseCode"], "W1");
    assert_eq!(pro["commodityName"], "iPhone 15 Pro Case");
    assert_eq!(pro["inventoryType"], 1);
    assert_eq!(pro["inventoryTypeDesc"], "New");
    assert_eq!(pro["availableQty"], 900);
    assert_eq!(pro["frozenQty"], 0);
    assert_eq!(pro["totalQty"], 900);
    // An order's reservation is frozen, and total = available + frozen.
    server
        .post(
            "/api/v1/outbound-orders",
            &token,
            &crate::outbound::order("ONIX-1", json!([{"sku": "SKU123457", "quantity": 3}])),
        )
        .await
        .ok();
    let (_, sku) = onixport(&server, t, "sku", json!({"skuList": ["SKU123457"]})).await;
    let row = &sku["result"][0];
    assert_eq!(
        (row["availableQty"].as_i64(), row["frozenQty"].as_i64(), row["totalQty"].as_i64()),
        (Some(897), Some(3), Some(900))
    );

    let (_, sn) = onixport(
        &server,
        t,
        "sn",
        json!({"serialNoList": ["SN001234567890", "SN001234567891"], "skuList": ["SKU123456"], "warehouseCode": "W1",
               "inventoryType": 1, "current": 1}),
    )
    .await;
    assert_eq!(sn["pagination"]["total"], 2, "{sn}");
    let first = &sn["result"][0];
    assert_eq!(first["serialNo"], "SN001234567890");
    assert_eq!(first["availableQty"], 1);
    assert_eq!(first["storageDays"], 0);
    let date = first["inboundDate"].as_str().unwrap();
    assert!(date.len() == 10 && &date[2..3] == "/" && &date[5..6] == "/", "MM/dd/yyyy: {date}");

    // The example names a serial the returned unit has not: nothing; by
    // SKU the demo's returned unit, type 1 Returned.
    let (_, returned) = onixport(
        &server,
        t,
        "returned",
        json!({"serialNoList": ["SN001234567890"], "skuList": ["SKU123456"], "warehouseCode": "W1", "inventoryType": 1, "current": 1}),
    )
    .await;
    assert_eq!(returned["success"], true);
    assert_eq!(returned["result"], json!([]));
    let (_, returned) = onixport(&server, t, "returned", json!({"skuList": ["SKU123457"]})).await;
    assert_eq!(returned["result"][0]["inventoryType"], 1, "{returned}");
    assert_eq!(returned["result"][0]["inventoryTypeDesc"], "Returned");
    assert_eq!(returned["result"][0]["warehouseCode"], "W1");
    let (_, refurbished) =
        onixport(&server, t, "returned", json!({"skuList": ["SKU123457"], "inventoryType": 3})).await;
    assert_eq!(refurbished["result"], json!([]));

    // More than 100 SKUs: the first 100 are used.
    let many: Vec<String> = (0..150).map(|i| format!("NOPE-{i}")).chain(["SKU123457".to_owned()]).collect();
    let (_, truncated) = onixport(&server, t, "sku", json!({"skuList": many})).await;
    assert_eq!(truncated["success"], true);
    assert_eq!(truncated["result"], json!([]), "SKU123457 was the 151st");
    // Malformed fields: 1000.
    for body in [json!({"skuList": "SKU123456"}), json!({"current": "first"}), json!({"inventoryType": 9}), json!([1])]
    {
        let (status, bad) = onixport(&server, t, "sku", body).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(bad, json!({"success": false, "errorCode": 1000, "errorMsg": "Invalid parameter", "result": null}));
    }
    // No token: the catalogue's code, 401.
    let (status, anonymous) = onixport(&server, None, "sku", json!({})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous["errorCode"], 10004);
    // Another seller sees none of it.
    let other = server.other_customer("ONIXB").await;
    for list in ["sku", "sn", "returned"] {
        let (_, theirs) = onixport(&server, Some(&other), list, json!({})).await;
        assert_eq!(theirs["result"], json!([]), "{list}: {theirs}");
    }
}

/// A Suoen call: PascalCase JSON in, `{Success, Code, Message, Data}` out.
async fn suoen(
    server: &Server,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    let mut request = server.http.request(method, format!("{}/api/user/{path}", server.base)).json(&body);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

#[track_caller]
fn suoen_ok(answer: &(StatusCode, Value)) -> &Value {
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    assert_eq!(answer.1["Success"], true, "{}", answer.1);
    assert_eq!(answer.1["Code"], 0);
    &answer.1["Data"]
}

/// A Suoen ERP session over the 16 endpoints: token → product → inbound →
/// outbound → tracking → stock → bills, and refusals in Suoen's envelope.
#[tokio::test]
async fn suoen_erp_session() {
    use reqwest::Method;
    let server = start().await;
    let (get, post) = (Method::GET, Method::POST);
    let auth = suoen(
        &server,
        None,
        post.clone(),
        "authorization/Token",
        json!({"appId": "haicang-demo-suoen", "appSecret": "haicang-demo-suoen-secret"}),
    )
    .await;
    let pair = suoen_ok(&auth).clone();
    let token = pair["AccessToken"].as_str().unwrap().to_owned();
    let t = Some(token.as_str());

    let product = json!({"Sku": "SUOEN-NEW-1", "Name": "Suoen product", "Length": 20, "Width": 10, "Height": 5,
        "Weight": "0.4", "DeclaredNameEn": "Lamp", "DeclaredNameCn": "灯", "HsCode": "940520", "OriginCountry": "CN",
        "DeclaredValue": "4.50", "Currency": "USD",
        "IsBattery": false});
    assert_eq!(suoen_ok(&suoen(&server, t, post.clone(), "wms/Product/Add", product).await)["Sku"], "SUOEN-NEW-1");
    // List filters as query parameters, or as a body.
    let listed = suoen(&server, t, get.clone(), "wms/Product/List?Sku=SUOEN-DEMO-SKU-1", json!({})).await;
    let item = suoen_ok(&listed)["Items"][0].clone();
    assert_eq!(item["Sku"], "SUOEN-DEMO-SKU-1");
    assert_eq!(item["AvailableQty"], 40);
    let by_body = suoen(&server, t, get.clone(), "wms/Product/List", json!({"sku": "SUOEN-NEW-1"})).await;
    assert_eq!(suoen_ok(&by_body)["Total"], 1);

    let inbound = json!({"WarehouseCode": "US01", "InboundType": "CARTON", "ReferenceNo": "SU-ASN-1",
        "EstimatedArrival": "2030-01-15", "TrackingNo": "1ZSUOEN0001",
        "Boxes": [{"BoxNo": "1", "Length": 40, "Width": 30, "Height": 20, "Weight": 6,
                   "Items": [{"Sku": "SUOEN-NEW-1", "Quantity": 10}]}]});
    let created = suoen(&server, t, post.clone(), "wms/Inbound/Add", inbound).await;
    let inbound_id = suoen_ok(&created)["InboundId"].as_str().unwrap().to_owned();
    let inbounds = suoen(&server, t, get.clone(), &format!("wms/Inbound/List?InboundId={inbound_id}"), json!({})).await;
    let row = suoen_ok(&inbounds)["Items"][0].clone();
    assert_eq!(row["WarehouseCode"], "US01");
    assert_eq!(row["Quantity"], 10);
    assert_eq!(row["Status"], "SUBMITTED");
    suoen_ok(&suoen(&server, t, post.clone(), "wms/Inbound/Cancel", json!({"InboundId": inbound_id})).await);

    let outbound = json!({"WarehouseCode": "US01", "ShippingServiceCode": "USPS-GA", "ReferenceNo": "SU-ORD-1",
        "Recipient": {"Name": "Sam Lee", "Phone": "5551230000", "Country": "US", "State": "CA", "City": "Ontario",
                      "Address1": "1200 E Francis St", "PostCode": "91761"},
        "Items": [{"Sku": "SUOEN-DEMO-SKU-1", "Quantity": 2}]});
    let created = suoen(&server, t, post.clone(), "wms/Outbound/Add", outbound).await;
    let outbound_id = suoen_ok(&created)["OutboundId"].as_str().unwrap().to_owned();
    let totals =
        suoen(&server, t, get.clone(), "wms/TotalStock/List?Sku=SUOEN-DEMO-SKU-1&WarehouseCode=US01", json!({})).await;
    let stock = suoen_ok(&totals)["Items"][0].clone();
    assert_eq!(
        (stock["GoodQty"].as_i64(), stock["ReservedQty"].as_i64(), stock["AvailableQty"].as_i64()),
        (Some(40), Some(2), Some(38))
    );
    let batches =
        suoen(&server, t, get.clone(), "wms/BatchStock/List", json!({"Sku": "SUOEN-DEMO-SKU-1", "BatchType": "GOOD"}))
            .await;
    assert_eq!(suoen_ok(&batches)["Items"][0]["Quantity"], 40);
    // Ship it through the floor, then follow it.
    let staff = server.staff().await;
    crate::outbound::ship_order(&server, &staff, &outbound_id).await;
    let tracked =
        suoen(&server, t, get.clone(), &format!("wms/Outbound/Tracking?OutboundId={outbound_id}"), json!({})).await;
    let tracking = suoen_ok(&tracked).clone();
    assert!(tracking["TrackingNo"].as_str().is_some_and(|n| !n.is_empty()), "{tracking}");
    let by_tracking =
        suoen(&server, t, get.clone(), "wms/Outbound/Tracking", json!({"TrackingNo": tracking["TrackingNo"]})).await;
    assert_eq!(suoen_ok(&by_tracking)["OutboundId"], outbound_id.as_str());
    let orders = suoen(&server, t, get.clone(), "wms/Outbound/List?Status=SHIPPED", json!({})).await;
    assert!(suoen_ok(&orders)["Items"].as_array().unwrap().iter().any(|o| o["OutboundId"] == outbound_id.as_str()));
    suoen(&server, t, post.clone(), "wms/Outbound/Cancel", json!({"OutboundId": outbound_id})).await;

    let warehouses = suoen(&server, t, get.clone(), "wms/Base/WarehouseList", json!({})).await;
    assert!(suoen_ok(&warehouses).as_array().unwrap().iter().any(|w| w["WarehouseCode"] == "US01"));
    let services = suoen(&server, t, get.clone(), "wms/Base/ShippingServiceList?WarehouseCode=US01", json!({})).await;
    assert!(suoen_ok(&services).as_array().unwrap().iter().any(|s| s["ShippingServiceCode"] == "USPS-GA"));
    // The shipment was charged on the seller's open bill.
    let bills = suoen(&server, t, get.clone(), "finance/BillList?BusinessType=OUTBOUND", json!({})).await;
    let bill = suoen_ok(&bills)["Items"][0].clone();
    assert_eq!(bill["Currency"], "USD", "{bill}");
    assert!(bill["Amount"].as_str().unwrap().parse::<f64>().unwrap() > 0.0);
    let none = suoen(&server, t, get.clone(), "finance/BillList?BusinessType=WORK_ORDER", json!({})).await;
    assert_eq!(suoen_ok(&none)["Total"], 0);

    // Refresh with both tokens; the old refresh token is then spent.
    let renewed = suoen(
        &server,
        None,
        post.clone(),
        "authorization/RefreshToken",
        json!({"AccessToken": token, "RefreshToken": pair["RefreshToken"]}),
    )
    .await;
    assert!(suoen_ok(&renewed)["AccessToken"].is_string());
    let again = suoen(
        &server,
        None,
        post.clone(),
        "authorization/RefreshToken",
        json!({"AccessToken": token, "RefreshToken": pair["RefreshToken"]}),
    )
    .await;
    assert_eq!(
        (again.0, again.1["Success"].clone(), again.1["Code"].clone()),
        (StatusCode::UNAUTHORIZED, json!(false), json!(10003))
    );

    // Refusals in Suoen's envelope.
    let bad = suoen(
        &server,
        None,
        post.clone(),
        "authorization/Token",
        json!({"AppId": "haicang-demo-suoen", "AppSecret": "wrong"}),
    )
    .await;
    assert_eq!((bad.0, bad.1["Code"].clone()), (StatusCode::UNAUTHORIZED, json!(10008)));
    let anonymous = suoen(&server, None, get.clone(), "wms/Product/List", json!({})).await;
    assert_eq!((anonymous.0, anonymous.1["Code"].clone()), (StatusCode::UNAUTHORIZED, json!(10004)));
    let other = server.other_customer("SUOENB").await;
    let theirs = suoen(
        &server,
        Some(&other),
        get.clone(),
        &format!("wms/Outbound/Tracking?OutboundId={outbound_id}"),
        json!({}),
    )
    .await;
    assert_eq!(
        (theirs.0, theirs.1["Code"].clone(), theirs.1["Success"].clone()),
        (StatusCode::NOT_FOUND, json!(50017), json!(false))
    );
    let cancel =
        suoen(&server, Some(&other), post.clone(), "wms/Outbound/Cancel", json!({"OutboundId": outbound_id})).await;
    assert_eq!(cancel.1["Code"], 50017);
    let none = suoen(&server, Some(&other), get.clone(), "wms/TotalStock/List", json!({})).await;
    assert_eq!(suoen_ok(&none)["Items"], json!([]));
}

/// An expired Suoen access token is 10015 in Suoen's envelope.
#[tokio::test]
async fn suoen_expired_token() {
    let server =
        crate::harness::start_with(haicang_app::auth::TokenLifetimes { access_seconds: 1, refresh_seconds: 60 }).await;
    let auth = suoen(
        &server,
        None,
        reqwest::Method::POST,
        "authorization/Token",
        json!({"AppId": "haicang-demo-suoen", "AppSecret": "haicang-demo-suoen-secret"}),
    )
    .await;
    let token = suoen_ok(&auth)["AccessToken"].as_str().unwrap().to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    let late = suoen(&server, Some(&token), reqwest::Method::GET, "wms/Base/WarehouseList", json!({})).await;
    assert_eq!(
        (late.0, late.1["Code"].clone(), late.1["Success"].clone()),
        (StatusCode::UNAUTHORIZED, json!(10015), json!(false))
    );
}
/// The `data` of the Winit document's six request examples, verbatim.
const WINIT_EXAMPLES: [(&str, &str); 6] = [
    (
        "rebecca",
        r#"{
"sellerOrderNo": "99999999",
"inspectionWarehouseCode": "SZ0001",
"destinationWarehouseCode": "US0001",
"winitProductCode": "OW01010343",
"importerCode": "IR0000000586",
"exporterCode": "ER0000001405",
"importDeclarationRuleCode": "CIOR",
"exportDeclarationType": "CEOR",
"logisticsPlanNo": "198402",
"orderType": "SD",
"dispatchInfo": {
"inspectionType": "WI",
"pickupType": "P",
"pickupAddressCode": "12",
"reservePickupDateFrom": "2019-06-25 09:00:00",
"reservePickupDateTo": "2019-06-25 12:00:00",
"expressVendorCode": "12",
"expressVendorName": "龙邦",
"expressNo": "LB0001"
},
"packageList": [
{
"sellerCaseNo": "qyk001",
"thirdPartyCaseNo": "third2019062101",
"sellerWeight": "0.01",
"sellerLength": "18.00",
"sellerWidth": "15.00",
"sellerHeight": "2.00",
"merchandiseList": [
{
"merchandiseCode": "iphoned6",
"specification": "",
"quantity": "1"
}
]
}
]
}"#,
    ),
    (
        "245002566@qq.com",
        r#"{
"orderType": "DI",
"winitProductCode": "OW01021351",
"destinationWarehouseCode": "US0001",
"inspectionWarehouseCode": "CSIW01",
"sellerOrderNo": "567787",
"packageList": [
{
"merchandiseList": [
{
"merchandiseCode": "AA30108WM",
"specification": "",
"quantity": "1"
}
],
"sellerCaseNo": "1",
"thirdPartyCaseNo": "1234567801111",
"sellerHeight": "2",
"sellerLength": "1.00",
"sellerWeight": "1",
"sellerWidth": "1"
}
],
"directForecastInfo": {
"preparedOffPortDate": "2020-02-20",
"preparedArrivePortDate": "2020-02-27",
"expectedSendWarehouseTime": "2020-04-30",
"expectedSendWarehouseWay": "Express",
"transportAgent": "UPS",
" inventoryAttribute": [
{
"tagName ": "stockOrg",
"tagValue": "AAA"
},
{
"tagName ": "stockOwner",
"tagValue": "XXX"
}
]
}
}"#,
    ),
    (
        "rebecca",
        r#"{
"orderType": "DI",
"winitProductCode": "OW01021405",
"destinationWarehouseCode": "US0001",
"sellerOrderNo": "autotest001",
"inspectionWarehouseCode": "SZV001",
"importDeclarationRuleCode": "",
"packageList": [
{
"merchandiseList": [
{
"merchandiseCode": "LCD-IP5c-02",
"specification": "",
"quantity": "1"
}
],
"sellerCaseNo": "1",
"thirdPartyCaseNo": "third_caseNo1_par2019062102",
"sellerHeight": "10",
"sellerLength": "10",
"sellerWeight": "10",
"sellerWidth": "1"
}
],
"importerCode": "IR0000000586",
"exportDeclarationType":"",
"exporterCode": "ER0000001405",
"logisticsPlanNo": "198402",
"sendPortInfo": {
"sendPortType": "WINIT",
"pickupCartonAddressCode": "zdw001",
"sendPortDate": "2019-06-24",
"containerNo": "1",
"sealNo": "2"
}
}"#,
    ),
    (
        "rebecca",
        r#"{
"orderType": "DW",
"winitProductCode": "OW01030329",
"destinationWarehouseCode": "US0001",
"sellerOrderNo": "autotest001",
"importDeclarationRuleCode": "",
"packageList": [
{
"merchandiseList": [
{
"merchandiseCode": "4BAR002A",
"quantity": "1",
"specification": ""
}
],
"sellerCaseNo": "11",
"thirdPartyCaseNo": "third_caseNo1_par20190701",
"sellerHeight": "1",
"sellerLength": "1",
"sellerWeight":"1",
"sellerWidth": "1"
}
],
"directForecastInfo": {
"preparedOffPortDate": "2019-07-10",
"preparedArrivePortDate": "2019-07-11",
"expectedSendWarehouseTime": "2020-04-30",
"expectedSendWarehouseWay": "Express",
"transportAgent":"UPS"
}
}"#,
    ),
    (
        "rebecca",
        r#"{
"orderType": "DW",
"winitProductCode": "OW01031342",
"destinationWarehouseCode": "US0001",
"sellerOrderNo": "autotest001",
"inspectionWarehouseCode": "SZV001",
"importDeclarationRuleCode": "",
"packageList": [
{
"merchandiseList": [
{
"merchandiseCode": "216401",
"quantity": "1",
"specification": ""
}
],
"sellerCaseNo": "1",
"thirdPartyCaseNo": "third_caseNo1_par2019062103",
"sellerHeight": "1",
"sellerLength": "2.34",
"sellerWeight": "0.08879",
"sellerWidth": "1"
}
],
"importerCode": "IR0000000586",
"exportDeclarationType":"",
"exporterCode": "ER0000001405",
"logisticsPlanNo": "198402",
"sendPortInfo": {
"sendPortType": "WINIT",
"pickupCartonAddressCode": "12",
"sendPortDate": "2017-09-15",
"containerNo": "234",
"sealNo": "7686"
}
}"#,
    ),
    (
        "rebecca",
        r#"{
"orderType": "DW",
"winitProductCode": "OW01030329",
"destinationWarehouseCode": "US0001",
"sellerOrderNo": "autotest001",
"importerCode": "RIR001",
"isForecastOrder": "Y",
"valueAddedService": {
"shelveAsDefectiveProducts": "Y",
"singleToBoxService": "Y"
},
"planMerchandiseList": [
{
"merchandiseCode": "4BAR002A",
"specification": "",
"skuType": "BOX",
"standardPartsQty": 2,
"quantity": "1"
}
],
"orderIdentificationCodeList": [
{
"type": "TRACKING_NO",
"code": "1010001001",
"expressCompany": "UPS"
},
{
"type": "TRACKING_NO",
"code": "1010001002",
"expressCompany": "UPS"
}
],
"directForecastInfo": {
"preparedOffPortDate": "2019-07-10",
"preparedArrivePortDate": "2019-07-11",
"expectedSendWarehouseTime": "2020-04-30",
"expectedSendWarehouseWay": "Express"
}
}"#,
    ),
];

/// A Winit envelope around `data` (verbatim), signed now in China time
/// with the variant `variant` of the data text.
fn winit_body(app_key: &str, data: &str, variant: usize, client_sign: bool, timestamp: Option<String>) -> String {
    use haicang_gateways::winit::{data_variants, winit_sign};
    let timestamp = timestamp.unwrap_or_else(|| {
        let china = chrono::Utc::now() + chrono::Duration::hours(8);
        china.format("%Y-%m-%d %H:%M:%S").to_string()
    });
    let head = json!({"action": "winit.wh.inbound.order.create", "app_key": app_key,
        "client_id": haicang_app::demo::DEMO_WINIT_CLIENT_ID, "format": "json", "platform": "OWNERERP",
        "sign_method": "md5", "timestamp": timestamp, "version": "1.0", "language": "zh_CN"});
    let map = head.as_object().unwrap().clone();
    let texts = data_variants(data);
    let text = &texts[variant.min(texts.len() - 1)];
    let sign = winit_sign(&map, text, haicang_app::demo::DEMO_WINIT_TOKEN);
    let mut envelope = head.clone();
    envelope["sign"] = json!(sign);
    if client_sign {
        envelope["client_sign"] = json!(winit_sign(&map, text, haicang_app::demo::DEMO_WINIT_CLIENT_SECRET));
    }
    // The data goes in as the example writes it.
    let rest = envelope.to_string();
    format!("{{\"data\": {data}, {}", &rest[1..])
}

/// An envelope of `action` by `app_key`, signed now over compact `data`.
fn winit_body_for(app_key: &str, action: &str, data: &str) -> String {
    use haicang_gateways::winit::winit_sign;
    let china = (chrono::Utc::now() + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string();
    let head = json!({"action": action, "app_key": app_key, "format": "json", "platform": "OWNERERP",
        "sign_method": "md5", "timestamp": china, "version": "1.0"});
    // The data as it travels (this JSON library writes keys sorted).
    let data: Value = serde_json::from_str(data).unwrap();
    let sign = winit_sign(head.as_object().unwrap(), &data.to_string(), haicang_app::demo::DEMO_WINIT_TOKEN);
    let mut e = head.clone();
    e["sign"] = json!(sign);
    e["data"] = data;
    e.to_string()
}

async fn winit_call(server: &Server, body: String) -> Value {
    let response = server
        .http
        .post(format!("{}/openapi/service", server.base))
        .header("content-type", "text/plain")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The six request examples of the Winit document succeed against the
/// demo, whichever of the three data texts the client signed.
#[tokio::test]
async fn winit_document_examples() {
    let server = start().await;
    let mut orders = Vec::new();
    for (i, (app_key, data)) in WINIT_EXAMPLES.iter().enumerate() {
        let body = winit_body(app_key, data, i % 3, i % 2 == 0, None);
        let answer = winit_call(&server, body.clone()).await;
        assert_eq!(answer["code"], "0", "example {}: {answer}", i + 1);
        assert_eq!(answer["msg"], "操作成功");
        let no = answer["data"]["orderNo"].as_str().unwrap().to_owned();
        // The same signed request again is a replay.
        assert_eq!(winit_call(&server, body).await["code"], "10027");
        orders.push(no);
    }
    let unique: std::collections::BTreeSet<&String> = orders.iter().collect();
    assert_eq!(unique.len(), 6, "six orders: {orders:?}");
    // Example 1 read back through Winit and through the native API.
    let detail = json!({"orderNo": orders[0]}).to_string();
    let read = winit_call(
        &server,
        winit_body("rebecca", &detail, 1, false, None)
            .replace("winit.wh.inbound.order.create", "winit.wh.inbound.getOrderDetail"),
    )
    .await;
    // (The action is signed: a body whose action was swapped after signing is refused.)
    assert_eq!(read["code"], "10026", "{read}");
    let detail_body = winit_body_for("rebecca", "winit.wh.inbound.getOrderDetail", &detail);
    let read = winit_call(&server, detail_body.clone()).await;
    assert_eq!(read["code"], "0", "{read}");
    // Another seller's Winit app does not find it.
    server.app.create_customer("WINB", "Winit B").await.unwrap();
    server.app.create_app("WINB", "Winit", Some(("winit-b", haicang_app::demo::DEMO_WINIT_TOKEN))).await.unwrap();
    let theirs = winit_call(&server, winit_body_for("winit-b", "winit.wh.inbound.getOrderDetail", &detail)).await;
    assert_eq!(theirs["code"], "40004", "{theirs}");
    let void = winit_call(&server, winit_body_for("winit-b", "winit.wh.inbound.voidOrder", &detail)).await;
    assert_eq!(void["code"], "40004", "{void}");
    assert_eq!(read["data"]["sellerOrderNo"], "99999999");
    assert_eq!(read["data"]["destinationWarehouseCode"], "US0001");
    assert_eq!(read["data"]["trackingNo"], "LB0001");
    assert_eq!(read["data"]["packageList"][0]["sellerCaseNo"], "qyk001");
    assert_eq!(read["data"]["packageList"][0]["merchandiseList"][0]["merchandiseCode"], "iphoned6");
    // The references it does not act on come back as sent.
    assert_eq!(read["data"]["logisticsPlanNo"], "198402");
    assert_eq!(read["data"]["importerCode"], "IR0000000586");
    assert_eq!(read["data"]["dispatchInfo"]["expressVendorName"], "龙邦");
    let native = server.get(&format!("/api/v1/inbound-orders/{}", orders[0]), &server.customer().await).await;
    assert_eq!(native.ok()["warehouseCode"], "US-LA01");
    let void = winit_call(&server, winit_body_for("rebecca", "winit.wh.inbound.voidOrder", &detail)).await;
    assert_eq!((void["code"].clone(), void["data"]["status"].clone()), (json!("0"), json!("CANCELLED")), "{void}");

    // Warehouses, stock and the outbound trio.
    let listed = winit_call(&server, winit_body_for("rebecca", "queryWarehouse", "{}")).await;
    let la = listed["data"].as_array().unwrap().iter().find(|w| w["warehouseCode"] == "US0001").cloned().unwrap();
    assert_eq!(la["warehouseID"], 1_000_001, "{listed}");
    let stock = winit_call(
        &server,
        winit_body_for(
            "rebecca",
            "winit.wh.queryWarehouseStorage",
            r#"{"warehouseID":1000001,"productCode":["DEMO-0001"]}"#,
        ),
    )
    .await;
    assert_eq!(stock["data"]["list"][0]["qtyAvailable"], 20, "{stock}");
    let order = r#"{"warehouseID":"1000001","deliveryWayID":"USPS-GA","sellerOrderNo":"WINIT-OUT-1",
        "recipientName":"Ann Lee","phoneNum":"5550001111","state":"US","region":"CA","city":"Ontario",
        "address1":"1200 E Francis St","zipCode":"91761","productList":[{"productCode":"DEMO-0001","productNum":"2"}]}"#;
    let created = winit_call(&server, winit_body_for("rebecca", "wh.outbound.createSubmittedOrder", order)).await;
    assert_eq!(created["code"], "0", "{created}");
    let out_no = created["data"]["outboundOrderNum"].as_str().unwrap().to_owned();
    let stock = winit_call(
        &server,
        winit_body_for("rebecca", "queryWarehouseStorage", r#"{"warehouseCode":"US0001","productCode":"DEMO-0001"}"#),
    )
    .await;
    assert_eq!(
        (stock["data"]["list"][0]["qtyAvailable"].as_i64(), stock["data"]["list"][0]["qtyReserved"].as_i64()),
        (Some(18), Some(2))
    );
    let queried =
        winit_call(&server, winit_body_for("rebecca", "queryOutboundOrder", r#"{"sellerOrderNo":"WINIT-OUT-1"}"#))
            .await;
    assert_eq!(queried["data"]["outboundOrderNum"], out_no.as_str(), "{queried}");
    assert_eq!(queried["data"]["productList"][0]["productNum"], 2);
    let b_void = winit_call(
        &server,
        winit_body_for("winit-b", "voidOutboundOrder", &json!({"outboundOrderNum": out_no}).to_string()),
    )
    .await;
    assert_eq!(b_void["code"], "50017", "{b_void}");
    let voided = winit_call(
        &server,
        winit_body_for("rebecca", "voidOutboundOrder", &json!({"outboundOrderNum": out_no}).to_string()),
    )
    .await;
    assert_eq!(voided["data"]["status"], "CANCELLED", "{voided}");

    // Refusals in Winit's envelope.
    let (app_key, data) = WINIT_EXAMPLES[0];
    let stale = winit_body(app_key, data, 0, false, Some("2016-09-23 16:26:39".into()));
    assert_eq!(winit_call(&server, stale).await["code"], "10028");
    let tampered = winit_body(app_key, data, 0, false, None).replace("\"99999999\"", "\"99999998\"");
    assert_eq!(winit_call(&server, tampered).await["code"], "10026");
    let mut bad_client = winit_body(app_key, data, 1, true, None);
    bad_client = bad_client.replace("\"client_sign\":\"", "\"client_sign\":\"0");
    assert_eq!(winit_call(&server, bad_client).await["code"], "10026");
    let other_key = winit_body("no-such-key", data, 0, false, None);
    assert_eq!(winit_call(&server, other_key).await["code"], "10008");
}

/// The Suoen contract's own OpenAPI document lists the 16 endpoints, and
/// each answers at its path (never the native 10062 "no such API").
#[tokio::test]
async fn suoen_openapi_lists_what_is_served() {
    let server = start().await;
    let doc: Value =
        server.http.get(format!("{}/api/user/openapi.json", server.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 16);
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            let m = reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).unwrap();
            let response =
                server.http.request(m, format!("{}{path}", server.base)).json(&json!({})).send().await.unwrap();
            let body: Value = response.json().await.unwrap();
            assert!(body.get("Success").is_some(), "{method} {path}: {body}");
            assert_ne!(body["Code"], 10062, "{method} {path}");
        }
    }
}
