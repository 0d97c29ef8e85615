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
use haicang_store::{Engine, Store, bench_floor};

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
    let mut engines: Vec<(&str, Option<String>)> = vec![("sqlite", None)];
    if let Some(url) = &args.postgres_url {
        engines.push(("postgres", Some(url.clone())));
    }
    for (label, url) in engines {
        run_engine(label, url.as_deref(), &args).await.with_context(|| format!("bench on {label}"))?;
    }
    Ok(())
}

/// Throughput and latency of one run.
struct Figures {
    rate: f64,
    p50: f64,
    p99: f64,
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.0} orders/s, p50 {:.2} ms, p99 {:.2} ms", self.rate, self.p50, self.p99)
    }
}

/// Runs `order(n)` for every order, spread over the clients, and times it.
async fn measure<F, Fut>(args: &BenchOrdersArgs, order: F) -> Result<Figures>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<()>> + Send,
{
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..args.clients {
        let order = order.clone();
        let mine: Vec<usize> = (client..args.orders).step_by(args.clients).collect();
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::with_capacity(mine.len());
            for n in mine {
                let t = Instant::now();
                order(n).await?;
                times.push(t.elapsed());
            }
            Ok::<_, anyhow::Error>(times)
        }));
    }
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await??);
    }
    let rate = args.orders as f64 / started.elapsed().as_secs_f64();
    Ok(Figures { rate, p50: percentile(&mut times, 0.5), p99: percentile(&mut times, 0.99) })
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
    println!("engine settings: {}", bench_floor::durability_settings(&store).await?);
    let app = App::new(store.clone());
    app.seed_demo().await?;
    // Enough stock that no order is refused.
    let staff =
        match app.authenticate(&app.staff_login("admin", "admin", &Default::default()).await?.access_token).await? {
            Principal::Staff(s) => s,
            Principal::Customer(_) => anyhow::bail!("admin is not staff"),
        };
    let skus: Vec<String> = (1..=SKUS).map(|i| format!("DEMO-{i:04}")).collect();
    let lines = skus
        .iter()
        .zip(1..)
        .map(|(sku, i)| {
            let location = haicang_core::location::layout_code("A", 1 + i % 5, 1 + i % 30, 2);
            AdjustmentLine::units(sku.clone(), location, 1_000_000)
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
    let ids = bench_floor::order_ids(&store, "DEMO", "US-LA01", "USPS-GA", &skus).await?;
    // SQLite: one WAL sync per commit (inside the write lock, what
    // synchronous=FULL does), then group commit, ours and the floor alike.
    let modes: &[(bool, &str)] = match store.engine() {
        Engine::Sqlite => &[(false, "one sync per commit"), (true, "group commit")],
        Engine::Postgres => &[(true, "one transaction per order")],
    };
    for &(grouped, mode) in modes {
        store.set_group_commit(grouped);
        let counts_before = store.group_commit_counts();
        println!("-- {mode}");
        let (client, base_url, token, skus) = (http.clone(), base.clone(), token.clone(), skus.clone());
        let ours = measure(args, move |n| {
            let (http, base, token, skus) = (client.clone(), base_url.clone(), token.clone(), skus.clone());
            async move {
                let items: Vec<Value> = (0..3u32)
                    .map(|k| json!({"sku": skus[((n as u32 * 7 + k * 11) % SKUS) as usize], "quantity": 1}))
                    .collect();
                let body = json!({"warehouseCode": "US-LA01", "shippingServiceCode": "USPS-GA",
                    "customerReference": format!("BENCH-{grouped}-{n}"), "platform": "SHOPIFY",
                    "recipient": {"name": "Jane Doe", "country": "US", "state": "CA", "city": "Los Angeles",
                                  "addressLine1": "100 Main St", "postcode": "90012"}, "items": items});
                let answer: Value = http
                    .post(format!("{base}/outbound-orders"))
                    .bearer_auth(token.as_str())
                    .json(&body)
                    .send()
                    .await?
                    .json()
                    .await?;
                ensure!(answer["code"] == 0, "order {n} failed: {answer}");
                Ok(())
            }
        })
        .await?;
        let counts_ours = store.group_commit_counts();
        // Before the floor's orders exist (they are not fit to ship).
        if args.wave && grouped {
            release_wave(&http, &base, args.orders).await?;
        }
        let counts_floor = store.group_commit_counts();
        // The floor: the same rows by plain SQL in the same database.
        let (store2, ids2) = (store.clone(), ids.clone());
        let floor = measure(args, move |n| {
            let (store, ids) = (store2.clone(), ids2.clone());
            async move {
                let products: Vec<i64> =
                    (0..3u32).map(|k| ids.products[((n as u32 * 7 + k * 11) % SKUS) as usize]).collect();
                bench_floor::insert_order(&store, &ids, &format!("FLOOR-{grouped}-{n}"), &products).await?;
                Ok(())
            }
        })
        .await?;
        let counts = [counts_before, counts_ours, counts_floor, store.group_commit_counts()];
        if let [Some((c0, s0)), Some((c1, s1)), Some((cf, sf)), Some((c2, s2))] = counts {
            // Ours writes orders in batches: fewer commits than orders.
            println!("ours: {} orders in {} commits, {} WAL syncs", args.orders, c1 - c0, s1 - s0);
            println!("floor: {} orders in {} commits, {} WAL syncs", args.orders, c2 - cf, s2 - sf);
        }
        println!("order creation over HTTP: {ours}");
        println!("floor (plain SQL, 1 tx/order): {floor}");
        println!("ours/floor = {:.3}", ours.rate / floor.rate);
    }
    let _ = stop_tx.send(());
    server.await??;
    store.close().await;
    Ok(())
}

/// Releases the oldest `orders` waiting orders in one wave (carts of 8)
/// and prints how long it took.
async fn release_wave(http: &reqwest::Client, base: &str, orders: usize) -> Result<()> {
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
        .json(&json!({"warehouseCode": "US-LA01", "maxOrders": orders, "totes": 8}))
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
    Ok(())
}
