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

async fn call(http: &reqwest::Client, method: reqwest::Method, url: String, token: &str, body: &Value) -> (u16, Value) {
    let response = http.request(method, url).bearer_auth(token).json(body).send().await.unwrap();
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
    let login = |who: &'static str, password: &'static str| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let answer: Value = http
                .post(format!("{base}/staff/login"))
                .json(&json!({"username": who, "password": password}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answer["data"]["accessToken"].as_str().expect("logged in").to_owned()
        }
    };
    let (op, admin) = (login("op1", "op1-pass-123").await, login("admin", "admin").await);
    let seller: Value = http
        .post(format!("{base}/auth/token"))
        .json(&json!({"appId": "demo-app", "appSecret": "demo-secret"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seller = seller["data"]["accessToken"].as_str().unwrap().to_owned();
    let stock = || {
        let (http, base, seller) = (http.clone(), base.clone(), seller.clone());
        async move {
            let url = format!("{base}/inventory?warehouseCode=US-LA01&sku=DEMO-0001");
            let page: Value = http.get(url).bearer_auth(&seller).send().await.unwrap().json().await.unwrap();
            page["data"]["items"][0]["total"].as_i64().unwrap()
        }
    };

    let locations: Value = http
        .get(format!("{base}/ops/locations?warehouseCode=US-LA01&type=STORAGE&pageSize=1"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let location = locations["data"]["items"][0]["code"].as_str().unwrap().to_owned();
    let adjustment = json!({"warehouseCode": "US-LA01", "customerCode": "DEMO", "reason": "found",
                            "lines": [{"sku": "DEMO-0001", "locationCode": location, "quantity": 1000}]});
    let before = stock().await;
    let (status, answer) =
        call(&http, reqwest::Method::POST, format!("{base}/ops/adjustments"), &op, &adjustment).await;
    assert_eq!((status, answer["code"].as_i64()), (403, Some(10068)), "{answer}");
    assert_eq!(stock().await, before, "nothing changes");
    let (status, answer) =
        call(&http, reqwest::Method::POST, format!("{base}/ops/adjustments"), &admin, &adjustment).await;
    assert_eq!((status, answer["code"].as_i64()), (200, Some(0)), "{answer}");
    assert_eq!(stock().await, before + 1000);

    for hook in ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:9/hook"] {
        let body = json!({"url": hook, "events": ["*"]});
        let (status, answer) = call(&http, reqwest::Method::POST, format!("{base}/webhooks"), &seller, &body).await;
        assert_eq!(status, 400, "{hook}: {answer}");
        assert_eq!(answer["code"], 10066, "{hook}: {answer}");
    }

    let order = json!({"warehouseCode": "US-LA01", "shippingServiceCode": "USPS-GA", "customerReference": "PC-1",
        "platform": "SHOPIFY", "recipient": {"name": "Jane Doe", "country": "US", "state": "CA",
        "city": "Los Angeles", "addressLine1": "100 Main St", "postcode": "1234é6789"},
        "items": [{"sku": "DEMO-0001", "quantity": 1}]});
    let reserved_now = || {
        let (http, base, seller) = (http.clone(), base.clone(), seller.clone());
        async move {
            let url = format!("{base}/inventory?warehouseCode=US-LA01&sku=DEMO-0001");
            let page: Value = http.get(url).bearer_auth(&seller).send().await.unwrap().json().await.unwrap();
            page["data"]["items"][0]["reserved"].as_i64().unwrap()
        }
    };
    let reserved = reserved_now().await;
    let (status, answer) = call(&http, reqwest::Method::POST, format!("{base}/outbound-orders"), &seller, &order).await;
    assert_eq!((status, answer["code"].as_i64()), (400, Some(50087)), "{answer}");
    assert_eq!(reserved_now().await, reserved, "nothing reserved");
    let _ = server.kill();
    let _ = server.wait();
}
