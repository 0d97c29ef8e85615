use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use haicang_api::application::{Application, Settings};
use haicang_app::auth::TokenLifetimes;
use haicang_app::{App, NetworkPolicy};
use haicang_store::testing::{TestDb, fresh_store};

pub struct Server {
    pub base: String,
    pub http: reqwest::Client,
    pub app: App,
    _db: TestDb,
    _stop: oneshot::Sender<()>,
}

/// What a call answered: status and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> i64 {
        self.body["code"].as_i64().unwrap_or_else(|| panic!("no code in {}", self.body))
    }

    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }

    /// Asserts success and returns `data`.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "expected success, got {}", self.body);
        assert_eq!(self.code(), 0, "expected code 0, got {}", self.body);
        assert!(self.body["requestId"].as_str().is_some_and(|id| !id.is_empty()), "no requestId in {}", self.body);
        &self.body["data"]
    }

    /// Asserts an error of this code and HTTP status.
    #[track_caller]
    pub fn err(&self, code: i64, status: u16) -> &Self {
        assert_eq!(self.code(), code, "unexpected answer {}", self.body);
        assert_eq!(self.status.as_u16(), status, "unexpected status for {}", self.body);
        assert!(self.body["data"].is_null());
        self
    }
}

pub async fn start() -> Server {
    start_with(TokenLifetimes::default()).await
}

pub async fn start_with(lifetimes: TokenLifetimes) -> Server {
    start_configured(|s| s.token_lifetimes = lifetimes).await
}

/// A server on a fresh database whose settings the test may change; by
/// default webhooks may reach loopback (where the tests' receivers listen)
/// and no delivery worker runs (tests step deliveries themselves).
pub async fn start_configured(configure: impl FnOnce(&mut Settings)) -> Server {
    let db = fresh_store().await.expect("a fresh database");
    let mut settings = Settings {
        listen: "127.0.0.1:0".into(),
        webhook_networks: NetworkPolicy::parse(["127.0.0.0/8", "::1/128"]).expect("a range"),
        run_webhook_worker: false,
        dialects: Some(haicang_gateways::routes),
        ..Settings::default()
    };
    configure(&mut settings);
    let application = Application::build(db.store.clone(), settings).await.expect("a port");
    let app = application.app().clone();
    assert!(app.seed_demo().await.expect("demo data"));
    // Tests drive the demo app far above a real ERP's rate; the limit has
    // its own test.
    app.set_app_policy("demo-app", 1_000_000, &[]).await.expect("a policy");
    let addr = application.addr();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(application.run_until(async {
        let _ = stopped.await;
    }));
    Server { base: format!("http://{addr}"), http: reqwest::Client::new(), app, _db: db, _stop: stop }
}

/// A second node serving the same database as a [`Server`]: its own
/// process state (pool, in-memory limiter), nothing else.
pub struct Node {
    pub base: String,
    _stop: oneshot::Sender<()>,
}

impl Server {
    pub async fn another_node(&self) -> Node {
        let store = haicang_store::Store::connect(&self._db.url, 8).await.expect("the same database");
        let settings = Settings {
            listen: "127.0.0.1:0".into(),
            run_webhook_worker: false,
            dialects: Some(haicang_gateways::routes),
            ..Settings::default()
        };
        let application = Application::build(store, settings).await.expect("a port");
        let base = format!("http://{}", application.addr());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(application.run_until(async {
            let _ = stopped.await;
        }));
        Node { base, _stop: stop }
    }
}

pub const PRODUCT: &str = r#"{"sku":"BAR-TEST-1","name":"Bar test product","barcode":"BAR0000001",
    "lengthCm":20,"widthCm":15,"heightCm":10,"weightKg":0.8,
    "declaration":{"nameEn":"Phone case","nameZh":"手机壳","hsCode":"392690",
                   "originCountry":"CN","value":"5.00","currency":"USD"}}"#;

pub fn product() -> Value {
    serde_json::from_str(PRODUCT).unwrap()
}

impl Server {
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
        lang: Option<&str>,
    ) -> Answer {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if let Some(l) = lang {
            request = request.header("Accept-Language", l);
        }
        if let Some(b) = body {
            request = request.header("content-type", "application/json").body(b);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
        Answer { status, body }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None, None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body.to_string()), None).await
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.call(Method::PUT, path, Some(token), Some(body.to_string()), None).await
    }

    /// A non-JSON answer (a PDF): status, content type and bytes.
    pub async fn get_bytes(&self, path: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
        let response =
            self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.expect("the server answers");
        let status = response.status();
        let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        (status, kind, response.bytes().await.expect("a body").to_vec())
    }

    pub async fn token_pair(&self, app_id: &str, secret: &str) -> Value {
        let a = self
            .call(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(json!({"appId": app_id, "appSecret": secret}).to_string()),
                None,
            )
            .await;
        a.ok().clone()
    }

    /// The demo customer's access token.
    pub async fn customer(&self) -> String {
        self.token_pair("demo-app", "demo-secret").await["accessToken"].as_str().unwrap().to_owned()
    }

    /// A token of a new customer with its own app.
    pub async fn other_customer(&self, code: &str) -> String {
        self.app.create_customer(code, code).await.unwrap();
        for warehouse in ["US-LA01", "DE-FRA01"] {
            self.app.grant_warehouse(code, warehouse).await.unwrap();
        }
        let creds = self.app.create_app(code, "test", None).await.unwrap();
        self.token_pair(&creds.app_id, &creds.app_secret).await["accessToken"].as_str().unwrap().to_owned()
    }

    /// The event of `event_type` about `document_no` from the caller's
    /// feed. The feed shows an event once no older transaction of the
    /// cluster is still running (PostgreSQL's snapshot xmin is
    /// cluster-wide, and tests run in parallel), so it is polled briefly.
    pub async fn event(&self, token: &str, event_type: &str, document_no: &str) -> Value {
        for _ in 0..200 {
            let feed = self.get(&format!("/api/v1/events?types={event_type}&limit=500"), token).await;
            let found = feed.ok()["events"].as_array().and_then(|events| {
                events
                    .iter()
                    .find(|e| e["data"]["documentNo"] == document_no || e["data"]["orderNo"] == document_no)
                    .cloned()
            });
            if let Some(event) = found {
                return event;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("no {event_type} event about {document_no}");
    }

    /// The demo admin's access token.
    pub async fn staff(&self) -> String {
        self.login("admin", "admin").await
    }

    /// A staff member's access token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let body = json!({"username": username, "password": password}).to_string();
        let a = self.call(Method::POST, "/api/v1/staff/login", None, Some(body), None).await;
        a.ok()["accessToken"].as_str().unwrap().to_owned()
    }

    /// The code of the first STORAGE location of US-LA01 (the acceptance
    /// example's way of finding one), or the n-th.
    pub async fn storage_location(&self, staff: &str, n: usize) -> String {
        let a = self
            .get(&format!("/api/v1/ops/locations?warehouseCode=US-LA01&type=STORAGE&pageSize=1&page={}", n + 1), staff)
            .await;
        a.ok()["items"][0]["code"].as_str().unwrap().to_owned()
    }

    /// Adjusts stock and returns the document number.
    pub async fn adjust(&self, staff: &str, customer_code: &str, lines: Value) -> String {
        let body = json!({"warehouseCode": "US-LA01", "customerCode": customer_code, "reason": "test", "lines": lines});
        let a = self.post("/api/v1/ops/adjustments", staff, &body).await;
        a.ok()["documentNo"].as_str().unwrap().to_owned()
    }
}
