//! `haicang bench`: figures on fresh databases, each beside its floor (the
//! same rows by plain SQL in one process), so that a noisy machine still
//! gives comparable ratios.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use haicang_app::inventory::{AdjustmentCommand, AdjustmentLine};
use haicang_app::query::LocationFilter;
use haicang_app::{App, Principal, page_request};
use haicang_store::testing::fresh_url_on;
use haicang_store::{Store, bench_floor};

#[derive(Args)]
pub struct BenchArgs {
    /// SKUs to create (each stocked in both demo warehouses).
    #[arg(long, default_value_t = 100_000)]
    skus: usize,
    /// Timed `GET /api/v1/inventory` requests of 100 SKUs each.
    #[arg(long, default_value_t = 300)]
    queries: usize,
    /// Also measure on PostgreSQL: an administrative URL of a server where
    /// a fresh database may be created.
    #[arg(long, env = "HAICANG_BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
}

const BATCH: usize = 300;
const ADJUSTMENT_LINES: usize = 500;

pub async fn run(args: BenchArgs) -> Result<()> {
    println!("haicang bench: {} SKUs x 2 warehouses, {} inventory queries", args.skus, args.queries);
    let mut engines = vec![("sqlite", None)];
    if let Some(url) = &args.postgres_url {
        engines.push(("postgres", Some(url.clone())));
    }
    for (label, admin_url) in engines {
        run_engine(label, admin_url.as_deref(), &args).await.with_context(|| format!("bench on {label}"))?;
    }
    if let Some(peak) = peak_rss_kib() {
        println!("peak memory (VmHWM): {:.1} MiB", peak as f64 / 1024.0);
    }
    Ok(())
}

async fn fresh_store(admin_url: Option<&str>) -> Result<(Store, haicang_store::testing::Scratch)> {
    let (url, dir) = fresh_url_on(admin_url).await?;
    let store = Store::connect(&url, 16).await?;
    store.migrate().await?;
    Ok((store, dir))
}

fn progress(len: usize, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    bar.set_style(
        ProgressStyle::with_template(&format!("  {{bar:40}} {{pos}}/{{len}} {what} {{elapsed}}"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

async fn run_engine(label: &str, admin_url: Option<&str>, args: &BenchArgs) -> Result<()> {
    println!("\n== {label}");
    let (store, _dir) = fresh_store(admin_url).await?;
    let app = App::new(store.clone());
    app.seed_demo().await?;
    app.set_app_policy("demo-app", 1_000_000, &[]).await?;
    let (listener, addr) = haicang_api::bind("127.0.0.1:0").await?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(haicang_api::serve(app.clone(), listener, async {
        let _ = stop_rx.await;
    }));
    let base = format!("http://{addr}/api/v1");
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{base}/auth/token"))
        .json(&json!({"appId": "demo-app", "appSecret": "demo-secret"}))
        .send()
        .await?
        .json()
        .await?;
    let token = token["data"]["accessToken"].as_str().context("no access token")?.to_owned();

    // 1. Product creation over HTTP, batches of 300.
    let bar = progress(args.skus, "products");
    let started = Instant::now();
    for first in (0..args.skus).step_by(BATCH) {
        let batch: Vec<Value> = (first..(first + BATCH).min(args.skus)).map(product_body).collect();
        let n = batch.len();
        let answer: Value =
            http.post(format!("{base}/products")).bearer_auth(&token).json(&batch).send().await?.json().await?;
        ensure!(answer["data"]["succeeded"].as_u64() == Some(n as u64), "batch at {first} failed: {answer}");
        bar.inc(n as u64);
    }
    bar.finish_and_clear();
    let ours = args.skus as f64 / started.elapsed().as_secs_f64();

    let (floor_store, _floor_dir) = fresh_store(admin_url).await?;
    let floor_app = App::new(floor_store.clone());
    let floor_customer = floor_app.create_customer("FLOOR", "Floor").await?;
    let started = Instant::now();
    bench_floor::insert_products(&floor_store, floor_customer, args.skus, BATCH).await?;
    let floor = args.skus as f64 / started.elapsed().as_secs_f64();
    floor_store.close().await;
    println!(
        "product creation, batches of {BATCH}: {ours:.0} products/s over HTTP; floor {floor:.0} products/s by plain SQL; ours/floor = {:.3}",
        ours / floor
    );

    // 2. Stock for every SKU in both warehouses, through the ledger.
    let staff =
        match app.authenticate(&app.staff_login("admin", "admin", &Default::default()).await?.access_token).await? {
            Principal::Staff(s) => s,
            Principal::Customer(_) => bail!("admin logged in as a customer"),
        };
    let bar = progress(args.skus * 2, "stock lines");
    let started = Instant::now();
    for warehouse in ["US-LA01", "DE-FRA01"] {
        let filter = LocationFilter {
            warehouse_code: Some(warehouse.into()),
            location_type: Some("STORAGE".into()),
            ..Default::default()
        };
        let locations: Vec<String> = app
            .list_locations(&staff, &filter, page_request(Some(1), Some(200))?)
            .await?
            .items
            .into_iter()
            .map(|l| l.code)
            .collect();
        for first in (0..args.skus).step_by(ADJUSTMENT_LINES) {
            let lines = (first..(first + ADJUSTMENT_LINES).min(args.skus))
                .map(|i| AdjustmentLine::units(sku(i), locations[i % locations.len()].clone(), 1 + (i % 50) as i64))
                .collect::<Vec<_>>();
            let n = lines.len();
            let cmd = AdjustmentCommand {
                warehouse_code: warehouse.into(),
                customer_code: "DEMO".into(),
                reason: "bench".into(),
                lines,
            };
            app.adjust(&staff, &cmd).await?;
            bar.inc(n as u64);
        }
    }
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    println!(
        "stock load through the ledger, documents of {ADJUSTMENT_LINES} lines: {:.0} lines/s ({} lines in {:.1} s)",
        (args.skus * 2) as f64 / elapsed.as_secs_f64(),
        args.skus * 2,
        elapsed.as_secs_f64()
    );

    // 3. GET /inventory for 100 random SKUs (200 rows: 2 warehouses).
    let customer_id = match app.authenticate(&token).await? {
        Principal::Customer(c) => c.customer_id,
        Principal::Staff(_) => bail!("the demo token is not a customer's"),
    };
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut ours = Vec::with_capacity(args.queries);
    let mut floor = Vec::with_capacity(args.queries);
    let mut parsed = Vec::with_capacity(args.queries);
    for _ in 0..args.queries {
        let skus: Vec<String> = (0..100).map(|_| sku(next_random(&mut seed) as usize % args.skus)).collect();
        let query: Vec<(&str, &str)> = skus.iter().map(|s| ("sku", s.as_str())).chain([("pageSize", "200")]).collect();
        // Timed until the answer's last byte is in, as load tools time a
        // request; reading the JSON is the client's work and comes after.
        let started = Instant::now();
        let body =
            http.get(format!("{base}/inventory")).bearer_auth(&token).query(&query).send().await?.bytes().await?;
        ours.push(started.elapsed());
        let answer: Value = serde_json::from_slice(&body)?;
        parsed.push(started.elapsed());
        let distinct: std::collections::BTreeSet<&String> = skus.iter().collect();
        ensure!(answer["data"]["total"].as_u64() == Some(distinct.len() as u64 * 2), "unexpected answer: {answer}");
        let started = Instant::now();
        let rows = bench_floor::select_inventory(&store, customer_id, &skus).await?;
        floor.push(started.elapsed());
        ensure!(rows == distinct.len() * 2, "floor found {rows} rows");
    }
    let (p50, p99) = percentiles(&mut ours);
    let (f50, f99) = percentiles(&mut floor);
    let (j50, j99) = percentiles(&mut parsed);
    println!(
        "GET /inventory, 100 SKUs of {} x 2 warehouses: p50 {:.2} ms, p99 {:.2} ms over HTTP to the answer's last \
         byte (p50 {:.2} ms, p99 {:.2} ms with the client's JSON parse); floor p50 {:.2} ms, p99 {:.2} ms by plain \
         SQL; ours/floor p50 = {:.2}",
        args.skus,
        ms(p50),
        ms(p99),
        ms(j50),
        ms(j99),
        ms(f50),
        ms(f99),
        ms(p50) / ms(f50)
    );

    // 4. The daily storage run over 3 lots per SKU and warehouse: two more
    // lots of every SKU through the ledger, backdated (lot ages are
    // metadata; the units moved through adjustments like any stock).
    let bar = progress(args.skus * 4, "aged lot lines");
    for (lot, _) in AGED_LOTS {
        for (w, warehouse) in ["US-LA01", "DE-FRA01"].into_iter().enumerate() {
            let filter = LocationFilter {
                warehouse_code: Some(warehouse.into()),
                location_type: Some("STORAGE".into()),
                ..Default::default()
            };
            let locations: Vec<String> = app
                .list_locations(&staff, &filter, page_request(Some(1), Some(200))?)
                .await?
                .items
                .into_iter()
                .map(|l| l.code)
                .collect();
            for first in (0..args.skus).step_by(ADJUSTMENT_LINES) {
                let lines = (first..(first + ADJUSTMENT_LINES).min(args.skus))
                    .map(|i| {
                        let mut line = AdjustmentLine::units(sku(i), locations[(i + w) % locations.len()].clone(), 2);
                        line.lot_code = Some(lot.to_owned());
                        line
                    })
                    .collect::<Vec<_>>();
                let n = lines.len();
                let cmd = AdjustmentCommand {
                    warehouse_code: warehouse.into(),
                    customer_code: "DEMO".into(),
                    reason: "bench aged lots".into(),
                    lines,
                };
                app.adjust(&staff, &cmd).await?;
                bar.inc(n as u64);
            }
        }
    }
    bar.finish_and_clear();
    let now = haicang_app::now_ms();
    for (lot, days) in AGED_LOTS {
        haicang_store::testing::set_lot_inbound_at(&store, lot, now - days * 86_400_000).await?;
    }
    let day = haicang_app::billing::day_of(now);
    // The floor is the stock SELECT alone, timed before and after the run
    // (the faster of the two: neither pays the first read or a checkpoint).
    let started = Instant::now();
    haicang_store::billing::held_stock(&mut *store.read().await?).await?;
    let floor_before = started.elapsed();
    let started = Instant::now();
    let run = app.charge_storage_day(&haicang_app::audit::Actor::cli(), &day).await?;
    let ours = started.elapsed();
    let started = Instant::now();
    let rows = haicang_store::billing::held_stock(&mut *store.read().await?).await?.len();
    let floor = started.elapsed().min(floor_before);
    ensure!(run.sellers >= 2 && !run.already_done, "the storage run charged nothing: {run:?}");
    println!(
        "daily storage run, {rows} (seller, warehouse, SKU, lot age) groups of {} SKUs x 2 warehouses x 3 lots: {:.2} s \
         (target ≤ 10 s), {} charge lines, {:?} minor units; floor (the stock SELECT alone) {:.2} s; ours/floor = {:.2}",
        args.skus,
        ours.as_secs_f64(),
        run.lines,
        run.amount_by_currency,
        floor.as_secs_f64(),
        ours.as_secs_f64() / floor.as_secs_f64()
    );

    if store.engine() == haicang_store::Engine::Postgres {
        shared_rate_limit(&store).await?;
    }

    let _ = stop_tx.send(());
    server.await??;
    store.close().await;
    Ok(())
}

/// Step 5, the cluster's shared rate limit (PostgreSQL): what one take
/// from an app's bucket costs with 32 requests of one app at once (all on
/// one row), beside a `SELECT 1` round trip the same way.
async fn shared_rate_limit(store: &Store) -> Result<()> {
    const TASKS: usize = 32;
    const EACH: usize = 200;
    let timed = |take: bool| {
        let store = store.clone();
        async move {
            let started = Instant::now();
            let mut tasks = tokio::task::JoinSet::new();
            for _ in 0..TASKS {
                let store = store.clone();
                tasks.spawn(async move {
                    for _ in 0..EACH {
                        if take {
                            // No app row -1: the limit given holds (every take admitted).
                            if haicang_store::cluster::take_shared_token(&store, -1, 1_000_000_000).await?.is_err() {
                                return Err(haicang_store::StoreError::Corrupt("a take refused".into()));
                            }
                        } else {
                            bench_floor::round_trip(&store).await?;
                        }
                    }
                    Ok::<_, haicang_store::StoreError>(())
                });
            }
            while let Some(done) = tasks.join_next().await {
                done??;
            }
            anyhow::Ok((TASKS * EACH) as f64 / started.elapsed().as_secs_f64())
        }
    };
    let floor = timed(false).await?;
    let ours = timed(true).await?;
    println!(
        "shared rate-limit bucket, one app, {TASKS} requests at once: {ours:.0} takes/s; floor {floor:.0} SELECT 1/s; ours/floor = {:.2}",
        ours / floor
    );
    Ok(())
}

/// The two older lots of every SKU in the storage run: (lot code, age in days).
const AGED_LOTS: [(&str, i64); 2] = [("AGED-045", 45), ("AGED-200", 200)];

fn sku(i: usize) -> String {
    format!("B-{i:06}")
}

fn product_body(i: usize) -> Value {
    json!({
        "sku": sku(i),
        "name": format!("Bench product {i}"),
        "barcode": format!("BC{i:010}"),
        "lengthCm": 20, "widthCm": 15, "heightCm": 10.5, "weightKg": 0.8,
        "declaration": {"nameEn": "Phone case", "nameZh": "手机壳", "hsCode": "392690",
                        "originCountry": "CN", "value": "5.00", "currency": "USD"}
    })
}

/// xorshift: reproducible SKU choices without another dependency.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn percentiles(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.99))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}
