//! `haicang bench-orders`: outbound order creation over HTTP (3 lines per
//! order, N concurrent clients) on a fresh demo database, beside its floor:
//! the same rows (order, reservations, lines, outbox event) written by
//! plain SQL, one transaction per order, by the same number of tasks.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use clap::Args;
use serde_json::{Value, json};

use haicang_app::inventory::{AdjustmentCommand, AdjustmentLine};
use haicang_app::{App, Principal};
use haicang_store::testing::fresh_url_on;
use haicang_store::{Store, bench_floor};

#[derive(Args)]
pub struct BenchOrdersArgs {
    /// Orders to create over HTTP (and again by plain SQL for the floor).
    #[arg(long, default_value_t = 4000)]
    orders: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Then release all the orders in one wave (carts of 8) and time it.
    #[arg(long)]
    wave: bool,
    /// Also measure on PostgreSQL (an administrative URL).
    #[arg(long, env = "HAICANG_BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
}

const SKUS: u32 = 30;

pub async fn run(args: BenchOrdersArgs) -> Result<()> {
    let mut engines: Vec<(&str, Option<String>)> = vec![("sqlite (WAL, synchronous=FULL)", None)];
    if let Some(url) = &args.postgres_url {
        engines.push(("postgres", Some(url.clone())));
    }
    for (label, url) in engines {
        run_engine(label, url.as_deref(), &args).await.with_context(|| format!("bench on {label}"))?;
    }
    Ok(())
}

fn percentile(samples: &mut [Duration], q: f64) -> f64 {
    samples.sort();
    samples.get(((samples.len().max(1) - 1) as f64 * q).round() as usize).map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0)
}

async fn run_engine(label: &str, admin_url: Option<&str>, args: &BenchOrdersArgs) -> Result<()> {
    println!("\n== {label}: {} orders of 3 lines, {} clients", args.orders, args.clients);
    let (url, _dir) = fresh_url_on(admin_url).await?;
    let store = Store::connect(&url, 32).await?;
    store.migrate().await?;
    let app = App::new(store.clone());
    app.seed_demo().await?;
    // Enough stock that no order is refused.
    let staff =
        match app.authenticate(&app.staff_login("admin", "admin", &Default::default()).await?.access_token).await? {
            Principal::Staff(s) => s,
            Principal::Customer(_) => anyhow::bail!("admin is not staff"),
        };
    let lines = (1..=SKUS)
        .map(|i| {
            let location = haicang_core::location::layout_code("A", 1 + i % 5, 1 + i % 30, 2);
            AdjustmentLine::units(format!("DEMO-{i:04}"), location, 1_000_000)
        })
        .collect();
    let cmd = AdjustmentCommand {
        warehouse_code: "US-LA01".into(),
        customer_code: "DEMO".into(),
        reason: "bench stock".into(),
        lines,
    };
    app.adjust(&staff, &cmd).await?;
    // The bench is far above a real ERP's rate limit (1,000/min by default).
    app.set_app_policy("demo-app", 1_000_000, &[]).await?;

    let (listener, addr) = haicang_api::bind("127.0.0.1:0").await?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(haicang_api::serve(app.clone(), listener, async {
        let _ = stop_rx.await;
    }));
    let base = format!("http://{addr}/api/v1");
    let http = reqwest::Client::builder().pool_max_idle_per_host(args.clients).build()?;
    let token: Value = http
        .post(format!("{base}/auth/token"))
        .json(&json!({"appId": "demo-app", "appSecret": "demo-secret"}))
        .send()
        .await?
        .json()
        .await?;
    let token = Arc::new(token["data"]["accessToken"].as_str().context("no token")?.to_owned());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..args.clients {
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        let mine: Vec<usize> = (client..args.orders).step_by(args.clients).collect();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(mine.len());
            for n in mine {
                let items: Vec<Value> = (0..3u32)
                    .map(|k| json!({"sku": format!("DEMO-{:04}", 1 + (n as u32 * 7 + k * 11) % SKUS), "quantity": 1}))
                    .collect();
                let body = json!({"warehouseCode": "US-LA01", "shippingServiceCode": "USPS-GA",
                    "customerReference": format!("BENCH-{n}"), "platform": "SHOPIFY",
                    "recipient": {"name": "Jane Doe", "country": "US", "state": "CA", "city": "Los Angeles",
                                  "addressLine1": "100 Main St", "postcode": "90012"}, "items": items});
                let t = Instant::now();
                let answer: Value = http
                    .post(format!("{base}/outbound-orders"))
                    .bearer_auth(token.as_str())
                    .json(&body)
                    .send()
                    .await?
                    .json()
                    .await?;
                times.push(t.elapsed());
                ensure!(answer["code"] == 0, "order {n} failed: {answer}");
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await??);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ours = args.orders as f64 / elapsed;
    let (p50, p99) = (percentile(&mut times, 0.5), percentile(&mut times, 0.99));
    if args.wave {
        let staff: Value = http
            .post(format!("{base}/staff/login"))
            .json(&json!({"username": "admin", "password": "admin"}))
            .send()
            .await?
            .json()
            .await?;
        let staff = staff["data"]["accessToken"].as_str().context("no staff token")?.to_owned();
        let started = Instant::now();
        let wave: Value = http
            .post(format!("{base}/ops/waves"))
            .bearer_auth(&staff)
            .json(&json!({"warehouseCode": "US-LA01", "maxOrders": args.orders, "totes": 8}))
            .timeout(Duration::from_secs(600))
            .send()
            .await?
            .json()
            .await?;
        let took = started.elapsed();
        ensure!(wave["code"] == 0, "wave failed: {}", wave["message"]);
        let carts = wave["data"]["batches"].as_array().map(Vec::len).unwrap_or(0);
        let metres: f64 = wave["data"]["batches"]
            .as_array()
            .map(|b| b.iter().filter_map(|c| c["distanceM"].as_f64()).sum())
            .unwrap_or(0.0);
        println!(
            "wave release: {} orders into {carts} carts of 8 in {:.2} s ({metres:.0} m of picking)",
            wave["data"]["orderNos"].as_array().map(Vec::len).unwrap_or(0),
            took.as_secs_f64()
        );
    }
    let _ = stop_tx.send(());
    server.await??;

    // The floor: the same rows by plain SQL in the same database.
    let ids = bench_floor::order_ids(&store, "DEMO", "US-LA01", "USPS-GA").await?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..args.clients {
        let (store, ids) = (store.clone(), ids.clone());
        let mine: Vec<usize> = (client..args.orders).step_by(args.clients).collect();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(mine.len());
            for n in mine {
                let products: Vec<i64> =
                    (0..3u32).map(|k| ids.products[((n as u32 * 7 + k * 11) % SKUS) as usize]).collect();
                let t = Instant::now();
                bench_floor::insert_order(&store, &ids, &format!("FLOOR-{n}"), &products).await?;
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    let mut floor_times = Vec::new();
    for t in tasks {
        floor_times.extend(t.await??);
    }
    let floor = args.orders as f64 / started.elapsed().as_secs_f64();
    let (f50, f99) = (percentile(&mut floor_times, 0.5), percentile(&mut floor_times, 0.99));
    println!("order creation over HTTP: {ours:.0} orders/s, p50 {p50:.2} ms, p99 {p99:.2} ms");
    println!("floor (plain SQL, 1 tx/order): {floor:.0} orders/s, p50 {f50:.2} ms, p99 {f99:.2} ms");
    println!("ours/floor = {:.3}", ours / floor);
    store.close().await;
    Ok(())
}
