//! Issue 11's acceptance, exactly as an operator runs it: `haicang admin
//! staff create` for an OPERATOR, then against `serve --demo` (default
//! settings: webhooks may reach public addresses only) the role refusal,
//! the SSRF refusals and the multi-byte postcode.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use haicang_store::testing::fresh_url;

fn haicang(url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_haicang")).args(args).env("HAICANG_DATABASE_URL", url).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One JSON call: HTTP status and the envelope.
async fn call(
    http: &reqwest::Client,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut request = http.request(method.parse().unwrap(), url);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    if let Some(b) = body {
        request = request.json(b);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test]
async fn an_operator_is_refused_adjustments_and_webhooks_and_postcodes_cannot_hurt_the_server() {
    let (url, _dir) = fresh_url().await.unwrap();
    haicang(&url, &["migrate"]);
    let created = haicang(
        &url,
        &["admin", "staff", "create", "--username", "op1", "--password", "op1-pass-123", "--role", "OPERATOR"],
    );
    assert!(created.contains("OPERATOR"), "{created}");
    let mut server = Command::new(env!("CARGO_BIN_EXE_haicang"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env("HAICANG_DATABASE_URL", &url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("the server prints its address").unwrap();
        if let Some(rest) = line.strip_prefix("haicang listening on ") {
            break format!("{}/api/v1", rest.split_whitespace().next().unwrap());
        }
    };
    let http = reqwest::Client::new();
    let token = |path: &str, body: Value| {
        let (http, url) = (http.clone(), format!("{base}{path}"));
        async move {
            let (_, answer) = call(&http, "POST", &url, None, Some(&body)).await;
            answer["data"]["accessToken"].as_str().expect("a token").to_owned()
        }
    };
    let op = token("/staff/login", json!({"username": "op1", "password": "op1-pass-123"})).await;
    let admin = token("/staff/login", json!({"username": "admin", "password": "admin"})).await;
    let seller = token("/auth/token", json!({"appId": "demo-app", "appSecret": "demo-secret"})).await;
    // (total, reserved) of DEMO-0001 in US-LA01.
    let stock = || {
        let (http, url, seller) =
            (http.clone(), format!("{base}/inventory?warehouseCode=US-LA01&sku=DEMO-0001"), seller.clone());
        async move {
            let (_, page) = call(&http, "GET", &url, Some(&seller), None).await;
            let row = &page["data"]["items"][0];
            (row["total"].as_i64().unwrap(), row["reserved"].as_i64().unwrap())
        }
    };

    let url = format!("{base}/ops/locations?warehouseCode=US-LA01&type=STORAGE&pageSize=1");
    let (_, locations) = call(&http, "GET", &url, Some(&admin), None).await;
    let location = locations["data"]["items"][0]["code"].as_str().unwrap().to_owned();
    let adjustment = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "found",
                            "lines": [{"sku": "DEMO-0001", "locationCode": location, "quantity": 1000}]});
    let adjust = format!("{base}/ops/adjustments");
    let before = stock().await;
    let (status, answer) = call(&http, "POST", &adjust, Some(&op), Some(&adjustment)).await;
    assert_eq!((status, answer["code"].as_i64()), (403, Some(10068)), "{answer}");
    assert_eq!(stock().await, before, "nothing changes");
    let (status, answer) = call(&http, "POST", &adjust, Some(&admin), Some(&adjustment)).await;
    assert_eq!((status, answer["code"].as_i64()), (200, Some(0)), "{answer}");
    assert_eq!(stock().await.0, before.0 + 1000);

    for hook in ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:9/hook"] {
        let body = json!({"url": hook, "events": ["*"]});
        let (status, answer) = call(&http, "POST", &format!("{base}/webhooks"), Some(&seller), Some(&body)).await;
        assert_eq!((status, answer["code"].as_i64()), (400, Some(10066)), "{hook}: {answer}");
    }

    let order = json!({"warehouseCode": "US-LA01", "shippingServiceCode": "USPS-GA", "customerReference": "PC-1",
        "platform": "SHOPIFY", "recipient": {"name": "Jane Doe", "country": "US", "state": "CA",
        "city": "Los Angeles", "addressLine1": "100 Main St", "postcode": "1234é6789"},
        "items": [{"sku": "DEMO-0001", "quantity": 1}]});
    let before = stock().await;
    let (status, answer) = call(&http, "POST", &format!("{base}/outbound-orders"), Some(&seller), Some(&order)).await;
    assert_eq!((status, answer["code"].as_i64()), (400, Some(50087)), "{answer}");
    assert_eq!(stock().await, before, "nothing reserved");
    let _ = server.kill();
    let _ = server.wait();
}
