//! The binary as an operator uses it: admin commands against a database,
//! and `serve --demo` answering over HTTP. On the engine chosen by
//! `HAICANG_TEST_POSTGRES_URL`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use haicang_app::query::LocationFilter;
use haicang_app::{App, page_request};
use haicang_store::Store;
use haicang_store::testing::fresh_url;

fn haicang(url: &str, args: &[&str]) -> (bool, String, String) {
    run(url, None, args)
}

/// The binary against `url`; with `data_dir`, its own data directory (and
/// so its own server key file) instead of the default.
fn run(url: &str, data_dir: Option<&std::path::Path>, args: &[&str]) -> (bool, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_haicang"));
    command.args(args).env("HAICANG_DATABASE_URL", url).env("RUST_LOG", "warn");
    if let Some(dir) = data_dir {
        command.env("HAICANG_DATA_DIR", dir).env_remove("HAICANG_SECRET_KEY");
    }
    let out = command.output().expect("the binary runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn admin_commands_create_customers_apps_staff_and_import_locations() {
    let (url, _dir) = fresh_url().await.unwrap();
    let store = Store::connect(&url, 4).await.unwrap();
    store.migrate().await.unwrap();
    let app = App::new(store.clone());
    app.seed_demo().await.unwrap();

    let (ok, out, err) = haicang(&url, &["admin", "customer", "create", "--code", "acme", "--name", "Acme Trading"]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = haicang(&url, &["admin", "app", "create", "--customer", "ACME"]);
    assert!(ok, "{out}{err}");
    let field = |name: &str| out.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_owned()).unwrap();
    let (app_id, secret) = (field("appId:"), field("appSecret:"));
    assert!(secret.len() >= 32);
    app.issue_token(&app_id, &secret, &Default::default()).await.expect("the printed credentials work");
    let mut conn = store.read().await.unwrap();
    let stored: String = sqlx_scalar(&mut conn, &app_id).await;
    assert!(stored.starts_with("$argon2") && !stored.contains(&secret), "only a hash is kept");
    drop(conn);

    let (ok, out, err) = haicang(&url, &["admin", "app", "create", "--customer", "NOBODY"]);
    assert!(!ok, "{out}");
    assert!(err.contains("NOBODY"), "{err}");

    let (ok, out, err) = haicang(
        &url,
        &[
            "admin",
            "staff",
            "create",
            "--username",
            "picker1",
            "--password",
            "Pick3r-Night-Shift",
            "--role",
            "operator",
        ],
    );
    assert!(ok, "{out}{err}");
    app.staff_login("picker1", "Pick3r-Night-Shift", &Default::default()).await.expect("the new staff can log in");

    // A weak password is refused and creates nobody.
    let (ok, _, err) = haicang(
        &url,
        &["admin", "staff", "create", "--username", "weak1", "--password", "12345", "--role", "operator"],
    );
    assert!(!ok && err.contains("12"), "{err}");
    assert!(app.staff_login("weak1", "12345", &Default::default()).await.is_err(), "no account was created");
    let (ok, _, err) = haicang(
        &url,
        &["admin", "staff", "create", "--username", "weak2", "--password", "Password2026!", "--role", "operator"],
    );
    assert!(!ok && err.contains("common"), "{err}");

    // Warehouse scopes and grants.
    let (ok, out, err) = haicang(
        &url,
        &[
            "admin",
            "staff",
            "create",
            "--username",
            "fra1",
            "--password",
            "Pick3r-Night-Shift",
            "--warehouse",
            "DE-FRA01",
        ],
    );
    assert!(ok && out.contains("DE-FRA01"), "{out}{err}");
    let fra = app
        .authenticate(&app.staff_login("fra1", "Pick3r-Night-Shift", &Default::default()).await.unwrap().access_token)
        .await
        .unwrap();
    match fra {
        haicang_app::Principal::Staff(s) => {
            assert_eq!(s.role, haicang_app::StaffRole::Operator, "the default role");
            assert!(matches!(s.warehouses, haicang_app::WarehouseScope::Only(ids) if ids.len() == 1));
        }
        other => panic!("{other:?}"),
    }
    let (ok, _, err) = haicang(
        &url,
        &["admin", "staff", "create", "--username", "x1", "--password", "Pick3r-Night-Shift", "--warehouse", "XX-NONE"],
    );
    assert!(!ok && err.contains("XX-NONE"), "{err}");
    let acme = app.issue_token(&app_id, &secret, &Default::default()).await.unwrap();
    let acme = match app.authenticate(&acme.access_token).await.unwrap() {
        haicang_app::Principal::Customer(c) => c,
        other => panic!("{other:?}"),
    };
    assert!(app.list_warehouses(&acme).await.unwrap().is_empty(), "a new customer has no warehouse");
    let (ok, out, err) = haicang(&url, &["admin", "customer", "grant", "--customer", "ACME", "--warehouse", "US-LA01"]);
    assert!(ok, "{out}{err}");
    let granted: Vec<String> = app.list_warehouses(&acme).await.unwrap().into_iter().map(|w| w.code).collect();
    assert_eq!(granted, ["US-LA01"]);

    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("locations.csv");
    std::fs::write(
        &csv,
        "code,zone,aisle,bay,level,type\nE-01-01-1,E,21,1,1,STORAGE\nE-01-02-1,E,21,2,1,storage\nA-01-01-1,A,1,1,1,QUARANTINE\n",
    )
    .unwrap();
    let (ok, out, err) =
        haicang(&url, &["admin", "location", "import", "--warehouse", "US-LA01", csv.to_str().unwrap()]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("3 locations imported"), "{out}");
    let admin = haicang_app::StaffPrincipal {
        staff_id: 1,
        username: "admin".into(),
        role: haicang_app::StaffRole::Admin,
        warehouses: haicang_app::WarehouseScope::All,
        origin: Default::default(),
    };
    let filter =
        LocationFilter { warehouse_code: Some("US-LA01".into()), zone: Some("E".into()), ..Default::default() };
    let page = app.list_locations(&admin, &filter, page_request(None, None).unwrap()).await.unwrap();
    assert_eq!(page.total, 2);
    let filter = LocationFilter {
        warehouse_code: Some("US-LA01".into()),
        code_prefix: Some("A-01-01-1".into()),
        ..Default::default()
    };
    let page = app.list_locations(&admin, &filter, page_request(None, None).unwrap()).await.unwrap();
    assert_eq!(
        page.items[0].location_type,
        haicang_core::location::LocationType::Quarantine,
        "an existing code is updated"
    );

    std::fs::write(&csv, "code,zone,aisle,bay,level,type\nBAD CODE!,E,1,1,1,STORAGE\n").unwrap();
    let (ok, _, err) = haicang(&url, &["admin", "location", "import", "--warehouse", "US-LA01", csv.to_str().unwrap()]);
    assert!(!ok && err.contains("row 1"), "{err}");
    store.close().await;
}

async fn sqlx_scalar(conn: &mut sqlx::pool::PoolConnection<sqlx::Any>, app_id: &str) -> String {
    sqlx::query_scalar("SELECT secret_hash FROM app WHERE client_id = $1")
        .bind(app_id)
        .fetch_one(&mut **conn)
        .await
        .unwrap()
}

/// `haicang serve --demo` with `extra` arguments on a free port: the child,
/// the address it prints and everything it printed up to the demo staff.
fn serve_demo(url: &str, extra: &[&str]) -> (std::process::Child, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_haicang"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("HAICANG_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let addr = loop {
        let line = lines.next().expect("the server prints its address").unwrap();
        printed.push(line.clone());
        if let Some(rest) = line.strip_prefix("haicang listening on ") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    while !printed.last().unwrap().starts_with("demo staff") {
        printed.push(lines.next().expect("the demo credentials").unwrap());
    }
    (child, addr, printed.join("\n"))
}

#[tokio::test]
async fn serve_demo_prints_where_it_listens_and_answers_the_demo_credentials() {
    let (url, _dir) = fresh_url().await.unwrap();
    let (mut child, addr, text) = serve_demo(&url, &[]);
    assert!(addr.starts_with("http://"), "{addr}");
    assert!(text.contains("demo-app") && text.contains("demo-secret") && text.contains("admin / admin"), "{text}");
    // The dialects' demo credentials, so the vendor documents' examples replay.
    for credential in [
        "fe73489a9b5948dbafd07e7b28d6e268",
        "4a506ccaf37e400bac4a42d2dc5f600a",
        "demo@haicang.test",
        "haicang-demo-jf-authorization-token",
        "appId TEST",
        "haicang-demo-qianyi-secret",
        "haicang-demo-suoen-secret",
        "haicang-demo-winit-token",
        "ODJKMDU1YZCTYJQ5YY00ZWZLLTK5N2QTOWY4MZI5OGMWNDG2",
        "demo seller portal: demo@haicang.test / demo",
    ] {
        assert!(text.contains(credential), "{credential} not printed: {text}");
    }

    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{addr}/api/v1/auth/token"))
        .json(&serde_json::json!({"appId": "demo-app", "appSecret": "demo-secret"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(token["code"], 0, "{token}");
    let products: serde_json::Value = http
        .get(format!("{addr}/api/v1/products?pageSize=1"))
        .bearer_auth(token["data"]["accessToken"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // 50 demo products, the JF document's 2309-1Bei, Suoen's demo SKU,
    // Winit's five merchandise codes, Onixport's SKU123456 and SKU123457,
    // and the kit DEMO-KIT-1.
    assert_eq!(products["data"]["total"], 60);
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `serve --tls-cert --tls-key` answers https (HTTP/1.1 and HTTP/2) with
/// the given certificate, JF's OAuth included; plain http is refused.
#[tokio::test]
async fn serve_terminates_tls_with_the_given_certificate() {
    let (url, _db) = fresh_url().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    // A test CA and a server certificate it signs for 127.0.0.1 (webpki
    // refuses a self-signed CA certificate as the server's own).
    let ca = dir.path().join("ca.pem");
    std::fs::write(dir.path().join("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n").unwrap();
    let openssl = |args: &[&str]| {
        let done = Command::new("openssl")
            .current_dir(dir.path())
            .args(args)
            .stderr(Stdio::null())
            .status()
            .expect("openssl (scripts/test installs it)");
        assert!(done.success(), "openssl {args:?}");
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=haicang test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "key.pem",
        "-out",
        "leaf.csr",
    ]);
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "cert.pem",
    ]);
    let (mut child, addr, _) =
        serve_demo(&url, &["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()]);
    assert!(addr.starts_with("https://127.0.0.1:"), "{addr}");
    let root = reqwest::Certificate::from_pem(&std::fs::read(&ca).unwrap()).unwrap();
    let https = reqwest::Client::builder().add_root_certificate(root).build().unwrap();
    let key_answer: serde_json::Value = https
        .get(format!("{addr}/api/oauth/authorize"))
        .query(&[
            ("clientId", "fe73489a9b5948dbafd07e7b28d6e268"),
            ("email", "demo@haicang.test"),
            ("token", "haicang-demo-jf-authorization-token"),
            ("domain", "test"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(key_answer["code"], 0, "{key_answer}");
    assert!(key_answer["data"].as_str().is_some_and(|k| !k.is_empty()));
    // A client that does not trust the certificate is refused by TLS.
    assert!(reqwest::Client::new().get(format!("{addr}/api/v1/warehouses")).send().await.is_err());
    let plain = addr.replace("https://", "http://");
    let answer = reqwest::Client::new().get(format!("{plain}/api/v1/warehouses")).send().await;
    assert!(answer.is_err() || !answer.unwrap().status().is_success(), "no plain http on a TLS listener");
    child.kill().unwrap();
    child.wait().unwrap();
}

fn haicang_in(url: &str, data_dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    run(url, Some(data_dir), args)
}

#[tokio::test]
async fn app_secrets_are_sealed_under_the_server_key_and_survive_its_rotation() {
    use haicang_app::secrets::{KEY_FILE, SecretKey};
    let (url, _dir) = fresh_url().await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let store = Store::connect(&url, 4).await.unwrap();
    store.migrate().await.unwrap();
    assert!(haicang_in(&url, data.path(), &["admin", "customer", "create", "--code", "seal"]).0);
    let (ok, out, err) = haicang_in(&url, data.path(), &["admin", "app", "create", "--customer", "SEAL"]);
    assert!(ok, "{out}{err}");
    let field = |name: &str| out.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim().to_owned()).unwrap();
    let (app_id, secret) = (field("appId:"), field("appSecret:"));

    // The first command made the key file, owner-only; the database holds
    // the secret sealed, never in the clear.
    let key_path = data.path().join(KEY_FILE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key_path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let sealed = || async {
        let mut conn = store.read().await.unwrap();
        let v: String = sqlx::query_scalar("SELECT secret_sealed FROM app WHERE client_id = $1")
            .bind(&app_id)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        v
    };
    let before = sealed().await;
    assert!(before.starts_with("v1:") && !before.contains(&secret), "{before}");
    let key = SecretKey::load_or_create(&key_path).unwrap();
    let app = App::new(store.clone()).with_secret_key(key.clone());
    assert_eq!(app.app_secret(&app_id).await.unwrap().as_deref(), Some(secret.as_str()));
    // Another key opens nothing.
    assert!(App::new(store.clone()).app_secret(&app_id).await.is_err());

    // Rotation: a new key file, every secret sealed under it, the old key
    // no longer opens them.
    let (ok, out, err) = haicang_in(&url, data.path(), &["admin", "server-key", "rotate"]);
    assert!(ok, "{out}{err}");
    assert!(out.contains("1 app secrets"), "{out}");
    assert!(!out.contains(&secret) && !err.contains(&secret), "a secret was printed");
    let new_key = SecretKey::load_or_create(&key_path).unwrap();
    assert_ne!(new_key.to_hex(), key.to_hex());
    assert_ne!(sealed().await, before);
    let app = App::new(store.clone()).with_secret_key(new_key);
    assert_eq!(app.app_secret(&app_id).await.unwrap().as_deref(), Some(secret.as_str()));
    assert!(App::new(store.clone()).with_secret_key(key).app_secret(&app_id).await.is_err());
    // The printed credentials still get tokens (the hash is untouched).
    app.issue_token(&app_id, &secret, &Default::default()).await.expect("the secret still works");
    // A new app secret is sealed too, under the current key.
    let (ok, out, err) = haicang_in(&url, data.path(), &["admin", "app", "rotate-secret", "--app-id", &app_id]);
    assert!(ok, "{out}{err}");
    let rotated = out.lines().find_map(|l| l.strip_prefix("appSecret:")).map(|v| v.trim().to_owned()).unwrap();
    assert_ne!(rotated, secret);
    assert_eq!(app.app_secret(&app_id).await.unwrap().as_deref(), Some(rotated.as_str()));
}

#[tokio::test]
async fn aliases_map_a_vendors_codes_to_haicang_codes_both_ways() {
    use haicang_core::dialects::{AliasKind, Dialect};
    let (url, _dir) = fresh_url().await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let store = Store::connect(&url, 4).await.unwrap();
    store.migrate().await.unwrap();
    let app = App::new(store.clone());
    app.seed_demo().await.unwrap();
    let set = |args: &[&str]| {
        let mut all = vec!["admin", "alias", "set"];
        all.extend_from_slice(args);
        haicang_in(&url, data.path(), &all)
    };
    let (ok, out, err) = set(&["--dialect", "jf", "--kind", "warehouse", "--vendor-code", "YK", "--code", "us-la01"]);
    assert!(ok, "{out}{err}");
    let (ok, _, err) = set(&["--dialect", "jf", "--kind", "warehouse", "--vendor-code", "ZZ", "--code", "NOPE-01"]);
    assert!(!ok && err.contains("NOPE-01"), "{err}");
    let (ok, _, err) = set(&["--dialect", "acme", "--kind", "warehouse", "--vendor-code", "ZZ", "--code", "US-LA01"]);
    assert!(!ok && err.contains("dialect"), "{err}");
    let (ok, _, err) =
        set(&["--dialect", "jf", "--kind", "shipping_service", "--vendor-code", "UPS1", "--code", "NOPE"]);
    assert!(!ok && err.contains("NOPE"), "{err}");
    assert!(set(&["--dialect", "jf", "--kind", "shipping_service", "--vendor-code", "UPS1", "--code", "USPS-GA"]).0);
    // Resolved both ways; a code without an alias stands for itself.
    assert_eq!(app.resolve_alias(Dialect::Jf, AliasKind::Warehouse, "YK").await.unwrap(), "US-LA01");
    assert_eq!(app.vendor_alias(Dialect::Jf, AliasKind::Warehouse, "US-LA01").await.unwrap(), "YK");
    assert_eq!(app.resolve_alias(Dialect::Qianyi, AliasKind::Warehouse, "YK").await.unwrap(), "YK");
    assert_eq!(app.resolve_alias(Dialect::Jf, AliasKind::ShippingService, "UPS1").await.unwrap(), "USPS-GA");
    let (ok, out, _) = haicang_in(&url, data.path(), &["admin", "alias", "list", "--dialect", "JF"]);
    assert!(ok && out.contains("JF\tWAREHOUSE\tYK\tUS-LA01"), "{out}");
    // Set again: replaced, not doubled.
    assert!(set(&["--dialect", "jf", "--kind", "warehouse", "--vendor-code", "YK", "--code", "DE-FRA01"]).0);
    assert_eq!(app.resolve_alias(Dialect::Jf, AliasKind::Warehouse, "YK").await.unwrap(), "DE-FRA01");
    let (ok, _, _) = haicang_in(
        &url,
        data.path(),
        &["admin", "alias", "remove", "--dialect", "jf", "--kind", "warehouse", "--vendor-code", "YK"],
    );
    assert!(ok);
    assert_eq!(app.resolve_alias(Dialect::Jf, AliasKind::Warehouse, "YK").await.unwrap(), "YK");
    let (ok, _, err) = haicang_in(
        &url,
        data.path(),
        &["admin", "alias", "remove", "--dialect", "jf", "--kind", "warehouse", "--vendor-code", "YK"],
    );
    assert!(!ok && err.contains("YK"), "{err}");
}

/// `haicang admin seller add|grant`: the token it prints authorises the
/// seller user's ERP once (or again and again with `--reusable`).
#[tokio::test]
async fn seller_users_get_authorisation_tokens_from_the_cli() {
    use haicang_app::audit::Origin;
    let (url, _dir) = fresh_url().await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let store = Store::connect(&url, 4).await.unwrap();
    store.migrate().await.unwrap();
    let admin = |args: &[&str]| {
        let mut all = vec!["admin"];
        all.extend_from_slice(args);
        haicang_in(&url, data.path(), &all)
    };
    assert!(admin(&["customer", "create", "--code", "ACME", "--name", "Acme"]).0);
    let (ok, out, err) = admin(&["seller", "add", "--customer", "ACME", "--email", "Buyer@Acme.test"]);
    assert!(ok && out.contains("buyer@acme.test"), "{out}{err}");
    let (ok, _, err) = admin(&["seller", "add", "--customer", "ACME", "--email", "not-an-email"]);
    assert!(!ok && err.contains("email"), "{err}");
    let (ok, _, err) = admin(&["seller", "add", "--customer", "NOPE", "--email", "x@nope.test"]);
    assert!(!ok && err.contains("NOPE"), "{err}");
    let (ok, out, err) = admin(&["seller", "grant", "--email", "buyer@acme.test"]);
    assert!(ok, "{err}");
    let token = out.trim().rsplit(' ').next().unwrap().to_owned();
    assert_eq!(token.len(), 64, "{out}");
    // The app of the same customer authorises with it once.
    let (ok, out, _) = admin(&["app", "create", "--customer", "ACME", "--name", "erp"]);
    assert!(ok, "{out}");
    let client_id = out.lines().find_map(|l| l.strip_prefix("appId:")).unwrap().trim().to_owned();
    let app = App::new(store.clone());
    let origin = Origin::default();
    app.oauth_authorize(&client_id, "buyer@acme.test", &token, &origin).await.unwrap();
    let again = app.oauth_authorize(&client_id, "buyer@acme.test", &token, &origin).await;
    assert!(matches!(again, Err(haicang_app::AppError::InvalidAuthorization)), "{again:?}");
    store.close().await;
}
