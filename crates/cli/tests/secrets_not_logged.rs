//! Secrets never reach the logs: an app secret used to get tokens and a
//! webhook secret handed out, with every log level switched on.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use haicang_store::testing::fresh_url;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn admin(url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_haicang")).args(args).env("HAICANG_DATABASE_URL", url).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A call's JSON answer.
async fn json_of(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn app_and_webhook_secrets_never_appear_in_trace_logs() {
    let (url, _dir) = fresh_url().await.unwrap();
    admin(&url, &["migrate"]);
    admin(&url, &["admin", "customer", "create", "--code", "LOGS", "--name", "Logs Ltd"]);
    let creds = admin(&url, &["admin", "app", "create", "--customer", "LOGS"]);
    let field = |name: &str| {
        creds.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_owned()).expect("printed once")
    };
    let (app_id, app_secret) = (field("appId:"), field("appSecret:"));
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_haicang"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--webhook-allow-network", "127.0.0.0/8"])
        .env("HAICANG_DATABASE_URL", &url)
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let http = reqwest::Client::new();
    let mut up = false;
    for _ in 0..200 {
        if http.get(format!("{base}/openapi.json")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(up);
    let token = json_of(
        http.post(format!("{base}/auth/token")).json(&serde_json::json!({"appId": app_id, "appSecret": app_secret})),
    )
    .await;
    let access = token["data"]["accessToken"].as_str().unwrap().to_owned();
    let hook = json_of(
        http.post(format!("{base}/webhooks"))
            .bearer_auth(&access)
            .json(&serde_json::json!({"url": "http://127.0.0.1:9/hook", "events": ["*"]})),
    )
    .await;
    let webhook_secret = hook["data"]["secret"].as_str().unwrap().to_owned();
    // JF's OAuth carries the client secret, the merchant's token and the
    // tokens in query strings (its document's GETs).
    admin(&url, &["admin", "seller", "add", "--customer", "LOGS", "--email", "ops@logs.test"]);
    let granted = admin(&url, &["admin", "seller", "grant", "--email", "ops@logs.test"]);
    let grant = granted.trim().rsplit(' ').next().unwrap().to_owned();
    let root = format!("http://127.0.0.1:{port}");
    let key = json_of(http.get(format!("{root}/api/oauth/authorize")).query(&[
        ("clientId", app_id.as_str()),
        ("email", "ops@logs.test"),
        ("token", grant.as_str()),
    ]))
    .await;
    let key = key["data"].as_str().expect("a one-time key").to_owned();
    let pair = json_of(http.get(format!("{root}/api/oauth/accessToken")).query(&[
        ("clientId", app_id.as_str()),
        ("clientSecret", app_secret.as_str()),
        ("key", key.as_str()),
    ]))
    .await;
    let jf_refresh = pair["data"]["refreshToken"].as_str().expect("a JF token pair").to_owned();
    let renewed = json_of(
        http.get(format!("{root}/api/oauth/refreshToken"))
            .query(&[("clientId", app_id.as_str()), ("refreshToken", jf_refresh.as_str())]),
    )
    .await;
    assert_eq!(renewed["code"], 0, "{renewed}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.kill().unwrap();
    let mut logs = String::new();
    server.stdout.take().unwrap().read_to_string(&mut logs).unwrap();
    server.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    server.wait().unwrap();
    assert!(logs.len() > 1000, "trace logging was on ({} bytes)", logs.len());
    for (what, secret) in [
        ("app secret", &app_secret),
        ("webhook secret", &webhook_secret),
        ("access token", &access),
        ("merchant authorisation token", &grant),
        ("one-time key", &key),
        ("JF refresh token", &jf_refresh),
    ] {
        assert!(!logs.contains(secret.as_str()), "the {what} appears in the logs");
    }
}
