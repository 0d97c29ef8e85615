//! The `haicang` binary: a thin shell over the library crates.

mod bench;
mod bench_orders;
mod plan;

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use haicang_api::application::{Application, Settings};
use haicang_app::admin::LocationImportRow;
use haicang_app::demo::{
    DEMO_APP_ID, DEMO_APP_SECRET, DEMO_JF_CLIENT_ID, DEMO_JF_CLIENT_SECRET, DEMO_JF_DOMAIN, DEMO_JF_EMAIL,
    DEMO_JF_TOKEN, DEMO_PICKER, DEMO_PICKER_PASSWORD, DEMO_QIANYI_APP_ID, DEMO_QIANYI_APP_SECRET,
    DEMO_QIANYI_WAREHOUSE, DEMO_SELLER_PASSWORD, DEMO_STAFF, DEMO_STAFF_PASSWORD, DEMO_SUOEN_APP_ID,
    DEMO_SUOEN_APP_SECRET, DEMO_SUOEN_WAREHOUSE, DEMO_WINIT_CLIENT_ID, DEMO_WINIT_CLIENT_SECRET, DEMO_WINIT_TOKEN,
    DEMO_WINIT_WAREHOUSE,
};
use haicang_app::secrets::SecretKey;
use haicang_app::{App, NetworkPolicy};
use haicang_store::Store;

#[derive(Parser)]
#[command(name = "haicang", version, about = "haicang (海仓): an open-source WMS for overseas warehouses")]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Directory of the embedded SQLite database (created when missing).
    #[arg(long, global = true, env = "HAICANG_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// A `postgres://…` (or `sqlite://…`) URL; overrides --data-dir.
    #[arg(long, global = true, env = "HAICANG_DATABASE_URL")]
    database_url: Option<String>,
}

impl DbArgs {
    fn url(&self) -> Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data directory {}", self.data_dir.display()))?;
        Ok(format!("sqlite://{}", self.data_dir.join("haicang.db").display()))
    }

    /// The server key app secrets are sealed under: `HAICANG_SECRET_KEY`
    /// (64 hex digits), else the key file in the data directory (created
    /// with mode 0600 on first use). Also whether it came from the file.
    fn secret_key(&self) -> Result<(SecretKey, Option<PathBuf>)> {
        if let Ok(text) = std::env::var(haicang_app::secrets::KEY_ENV) {
            return Ok((SecretKey::from_hex(&text).context("HAICANG_SECRET_KEY")?, None));
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data directory {}", self.data_dir.display()))?;
        let path = self.data_dir.join(haicang_app::secrets::KEY_FILE);
        Ok((SecretKey::load_or_create(&path)?, Some(path)))
    }

    /// The app over the database, with the server key.
    async fn app(&self) -> Result<App> {
        let (key, _) = self.secret_key()?;
        Ok(App::new(self.open().await?).with_secret_key(key))
    }

    /// Connects and applies pending migrations.
    async fn open(&self) -> Result<Store> {
        let url = self.url()?;
        let store = Store::connect(&url, 16).await.with_context(|| format!("connecting to {}", redact(&url)))?;
        store.migrate().await.context("migrating the database")?;
        Ok(store)
    }
}

/// Hides a password in a database URL.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "HAICANG_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Seed demo data when the database is empty.
        #[arg(long)]
        demo: bool,
        /// First webhook retry delay in ms (doubles up to 12 h).
        #[arg(long, env = "HAICANG_WEBHOOK_FIRST_RETRY_MS", default_value_t = 60_000)]
        webhook_first_retry_ms: u64,
        /// How long a worker holds a claimed delivery (a crashed worker's
        /// claims are taken over after this).
        #[arg(long, env = "HAICANG_WEBHOOK_LEASE_MS", default_value_t = 60_000)]
        webhook_lease_ms: u64,
        /// A non-public network webhooks may reach, in CIDR form (e.g.
        /// 127.0.0.0/8 for a receiver on this machine); repeatable, or
        /// comma-separated in the environment. Default: public addresses only.
        #[arg(long, env = "HAICANG_WEBHOOK_ALLOW_NETWORK", value_delimiter = ',')]
        webhook_allow_network: Vec<String>,
        /// Refuse outbound orders of customers no rate card bills (JF
        /// 10045); by default such customers are simply not billed.
        #[arg(long, env = "HAICANG_REQUIRE_RATE_CARD")]
        require_rate_card: bool,
        /// Serve https: the certificate chain (PEM, leaf first). Needs
        /// --tls-key. For warehouses without a reverse proxy (JF's clients
        /// only speak https).
        #[arg(long, env = "HAICANG_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// The certificate's private key (PEM: PKCS#8, PKCS#1 or SEC1).
        #[arg(long, env = "HAICANG_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Measure throughput and latency on fresh databases and print figures.
    Bench(bench::BenchArgs),
    /// Webhook tools for integrators.
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
    /// Measure outbound order creation over HTTP beside its plain-SQL floor.
    BenchOrders(bench_orders::BenchOrdersArgs),
    /// Billing runs.
    Billing {
        #[command(subcommand)]
        command: BillingCommand,
    },
    /// Pick routes and order batching on JSON files (docs/PLANNING.md).
    Plan {
        #[command(subcommand)]
        command: plan::PlanCommand,
    },
}

#[derive(Subcommand)]
enum BillingCommand {
    /// Create a rate card from a JSON file: {"code", "name", "currency",
    /// "isDefault", "effectiveFrom", "rates": {…}} (the body of POST
    /// /api/v1/ops/rate-cards; rates in minor units).
    RateCard {
        #[arg(long)]
        file: PathBuf,
    },
    /// Add a version to a card from a JSON file: {"effectiveFrom", "rates"}.
    RateCardVersion {
        #[arg(long)]
        card: String,
        #[arg(long)]
        file: PathBuf,
    },
    /// Bill a customer by a card.
    Assign {
        #[arg(long)]
        customer: String,
        #[arg(long)]
        card: String,
    },
    /// Charge a day's storage (each lot's volume at its age tier); a day
    /// already charged is left as it is.
    Storage {
        /// The day, YYYY-MM-DD (UTC); today when left out.
        #[arg(long)]
        date: Option<String>,
        /// Also charge every day missed since the last run, up to `date`.
        #[arg(long)]
        catch_up: bool,
    },
}

#[derive(Subcommand)]
enum WebhookCommand {
    /// Checks an X-Haicang-Signature header against the raw body: prints
    /// "valid" (exit 0) or "invalid" (exit 1).
    Verify {
        /// The webhook's signing secret (whsec_…).
        #[arg(long, env = "HAICANG_WEBHOOK_SECRET")]
        secret: String,
        /// The header's value: t=<unix>,v1=<hex>[,v1=<hex>].
        #[arg(long)]
        signature: String,
        /// The raw request body as received.
        #[arg(long)]
        body_file: PathBuf,
        /// Seconds the timestamp may be off (replay window).
        #[arg(long, default_value_t = 300)]
        tolerance: i64,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Customers (sellers).
    Customer {
        #[command(subcommand)]
        command: CustomerCommand,
    },
    /// API credentials of customers.
    App {
        #[command(subcommand)]
        command: AppCommand,
    },
    /// Staff users.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Locations.
    Location {
        #[command(subcommand)]
        command: LocationCommand,
    },
    /// Vendor codes (another WMS's warehouse or shipping service codes a
    /// seller's ERP already uses) and the haicang codes they stand for.
    Alias {
        #[command(subcommand)]
        command: AliasCommand,
    },
    /// The server key app secrets are sealed under.
    ServerKey {
        #[command(subcommand)]
        command: ServerKeyCommand,
    },
    /// Webhooks in a vendor's format (JF's developer registration names
    /// one webhook address per app).
    DialectWebhook {
        /// The app (its customer's events; JF signs with its secret).
        #[arg(long)]
        client_id: String,
        #[arg(long)]
        url: String,
        /// JF (the only format so far).
        #[arg(long)]
        dialect: String,
    },
    /// Seller users (a customer's people: the merchant a JF ERP
    /// authorises as).
    Seller {
        #[command(subcommand)]
        command: SellerCommand,
    },
}

#[derive(Subcommand)]
enum SellerCommand {
    /// A seller user of `--customer`, by email.
    Add {
        #[arg(long)]
        customer: String,
        #[arg(long)]
        email: String,
    },
    /// An authorisation token for the user's ERP (JF `token` of
    /// `/api/oauth/authorize`), printed once: good for one authorisation
    /// unless `--reusable`.
    Grant {
        #[arg(long)]
        email: String,
        #[arg(long)]
        reusable: bool,
    },
}

#[derive(Subcommand)]
enum AliasCommand {
    /// `--vendor-code YK` of `--dialect JF` stands for `--code US-LA01`.
    Set {
        /// JF, QIANYI, WINIT, ONIXPORT or SUOEN.
        #[arg(long)]
        dialect: String,
        /// WAREHOUSE or SHIPPING_SERVICE.
        #[arg(long)]
        kind: String,
        #[arg(long)]
        vendor_code: String,
        /// The haicang code (it must exist).
        #[arg(long)]
        code: String,
    },
    Remove {
        #[arg(long)]
        dialect: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        vendor_code: String,
    },
    List {
        #[arg(long)]
        dialect: Option<String>,
    },
}

#[derive(Subcommand)]
enum ServerKeyCommand {
    /// Re-seals every app secret under a new key in one transaction, then
    /// replaces the key file (a key from HAICANG_SECRET_KEY: the new key is
    /// written to `--out`, mode 0600, for the operator to install). Stop the
    /// server first; restart it with the new key.
    Rotate {
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum CustomerCommand {
    Create {
        #[arg(long)]
        code: String,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Lets a customer use a warehouse (orders, stock, lists there); a
    /// customer without a grant is refused with 10050.
    Grant {
        #[arg(long)]
        customer: String,
        /// A warehouse code (repeatable).
        #[arg(long, required = true)]
        warehouse: Vec<String>,
    },
    /// The customer's people in the seller portal.
    User {
        #[command(subcommand)]
        command: CustomerUserCommand,
    },
}

#[derive(Subcommand)]
enum CustomerUserCommand {
    /// A portal account (email + password) of `--customer`, OWNER (manages
    /// users and apps) or STAFF; an existing seller user gets the password.
    Create {
        #[arg(long)]
        customer: String,
        #[arg(long)]
        email: String,
        #[arg(long, env = "HAICANG_SELLER_PASSWORD")]
        password: String,
        #[arg(long, default_value = "OWNER")]
        role: String,
    },
}

#[derive(Subcommand)]
enum AppCommand {
    /// Prints appId and appSecret once; only a hash of the secret is kept.
    Create {
        #[arg(long)]
        customer: String,
        #[arg(long, default_value = "api")]
        name: String,
    },
    /// Sets an app's rate limit and IP allowlist.
    Policy {
        #[arg(long)]
        app_id: String,
        /// Requests per minute (default of new apps: 1000).
        #[arg(long, default_value_t = 1000)]
        rate_limit: i64,
        /// An address allowed to call with this app's tokens (repeatable);
        /// none: any.
        #[arg(long)]
        allow_ip: Vec<String>,
    },
    /// Disables an app: its tokens stop working at once.
    Disable {
        #[arg(long)]
        app_id: String,
    },
    /// Prints a new secret once; the old one stops working now, and tokens
    /// issued with it expire after the grace period.
    RotateSecret {
        #[arg(long)]
        app_id: String,
        /// Hours the app's current tokens keep working (default 1).
        #[arg(long, default_value_t = 1)]
        grace_hours: u64,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    Create {
        #[arg(long)]
        username: String,
        /// Read from HAICANG_STAFF_PASSWORD when not given.
        #[arg(long, env = "HAICANG_STAFF_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long, default_value = "")]
        name: String,
        /// ADMIN, SUPERVISOR or OPERATOR.
        #[arg(long, default_value = "OPERATOR")]
        role: String,
        /// A warehouse this staff member may work in (repeatable); none:
        /// every warehouse.
        #[arg(long)]
        warehouse: Vec<String>,
    },
    /// Disables a staff member: their sessions end at once.
    Disable {
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum LocationCommand {
    /// Import a CSV with the header `code,zone,aisle,bay,level,type` and
    /// optionally `x_mm,y_mm,block`.
    Import {
        #[arg(long)]
        warehouse: String,
        file: PathBuf,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve {
            listen,
            demo,
            webhook_first_retry_ms,
            webhook_lease_ms,
            webhook_allow_network,
            require_rate_card,
            tls_cert,
            tls_key,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(
                    haicang_api::tls::TlsConfig::from_pem_files(&cert, &key).context("reading the TLS certificate")?,
                ),
                _ => None,
            };
            let settings = Settings {
                listen,
                webhook_networks: NetworkPolicy::parse(webhook_allow_network.iter().map(String::as_str))?,
                delivery: haicang_app::webhooks::DeliveryPolicy {
                    first_retry: std::time::Duration::from_millis(webhook_first_retry_ms),
                    lease: std::time::Duration::from_millis(webhook_lease_ms),
                    ..Default::default()
                },
                run_storage_billing: true,
                require_rate_card,
                dialects: Some(haicang_gateways::routes),
                web: Some(haicang_web::routes),
                tls,
                ..Settings::default()
            };
            serve(&cli.db, settings, demo).await
        }
        Command::Migrate => {
            cli.db.open().await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Admin { command } => admin(&cli.db, command).await,
        Command::Bench(args) => bench::run(args).await,
        Command::BenchOrders(args) => bench_orders::run(args).await,
        Command::Webhook { command: WebhookCommand::Verify { secret, signature, body_file, tolerance } } => {
            let body = std::fs::read(&body_file).with_context(|| format!("reading {}", body_file.display()))?;
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
            if haicang_app::webhooks::verify_signature(&secret, &signature, &body, now, tolerance) {
                println!("valid");
                Ok(())
            } else {
                println!("invalid");
                std::process::exit(1);
            }
        }
        Command::Plan { command } => plan::run(command),
        Command::Billing { command: BillingCommand::RateCard { file } } => {
            let card: CardFile = read_json(&file)?;
            let app = cli.db.app().await?;
            let new = haicang_app::billing::NewRateCard {
                code: &card.code,
                name: &card.name,
                currency: &card.currency,
                is_default: card.is_default,
                effective_from: &card.effective_from,
                rates: &card.rates,
            };
            let created = app.create_rate_card(haicang_app::billing::By::Cli, &new).await?;
            println!(
                "rate card {} ({}) created, version 1 from {}",
                created.card.code, created.card.currency, card.effective_from
            );
            Ok(())
        }
        Command::Billing { command: BillingCommand::RateCardVersion { card, file } } => {
            let version: VersionFile = read_json(&file)?;
            let app = cli.db.app().await?;
            let by = haicang_app::billing::By::Cli;
            let detail = app.add_rate_card_version(by, &card, &version.effective_from, &version.rates).await?;
            println!(
                "rate card {}: version {} from {}",
                detail.card.code,
                detail.versions.len(),
                version.effective_from
            );
            Ok(())
        }
        Command::Billing { command: BillingCommand::Assign { customer, card } } => {
            let app = cli.db.app().await?;
            app.assign_rate_card(haicang_app::billing::By::Cli, &customer, &card).await?;
            println!("customer {} is billed by {}", customer.to_ascii_uppercase(), card.to_ascii_uppercase());
            Ok(())
        }
        Command::Billing { command: BillingCommand::Storage { date, catch_up } } => {
            let app = cli.db.app().await?;
            let day = date.unwrap_or_else(|| haicang_app::billing::day_of(haicang_app::now_ms()));
            let actor = haicang_app::audit::Actor::cli();
            let runs = if catch_up {
                app.catch_up_storage(&actor, &day).await?
            } else {
                vec![app.charge_storage_day(&actor, &day).await?]
            };
            for run in runs {
                if run.already_done {
                    println!("{}: already charged, nothing written", run.day);
                } else {
                    let amounts: Vec<String> =
                        run.amount_by_currency.iter().map(|(c, a)| format!("{a} {c} minor units")).collect();
                    println!("{}: {} sellers, {} lines, {}", run.day, run.sellers, run.lines, amounts.join(", "));
                }
            }
            Ok(())
        }
    }
}

async fn serve(db: &DbArgs, mut settings: Settings, demo: bool) -> Result<()> {
    let (key, _) = db.secret_key()?;
    settings.secret_key = Some(key);
    let store = db.open().await?;
    let listen = settings.listen.clone();
    let settings_tls = settings.tls.is_some();
    let application = Application::build(store.clone(), settings).await.with_context(|| format!("binding {listen}"))?;
    if demo {
        if application.app().seed_demo().await.context("seeding demo data")? {
            println!("demo data seeded");
        } else {
            println!("demo data not seeded: the database already has customers");
        }
    }
    let addr = application.addr();
    let scheme = if settings_tls { "https" } else { "http" };
    println!("haicang listening on {scheme}://{addr}  (OpenAPI: {scheme}://{addr}/api/v1/openapi.json)");
    println!("database: {}", redact(&db.url()?));
    println!(
        "staff console: {scheme}://{addr}/console  seller portal: {scheme}://{addr}/portal  API reference: {scheme}://{addr}/api/docs"
    );
    if demo {
        println!("demo customer DEMO: appId {DEMO_APP_ID} / appSecret {DEMO_APP_SECRET}");
        println!(
            "demo JF WMS ({scheme}://{addr}/api/oauth/authorize …): clientId {DEMO_JF_CLIENT_ID} / clientSecret \
             {DEMO_JF_CLIENT_SECRET}, merchant email {DEMO_JF_EMAIL}, authorization token {DEMO_JF_TOKEN}, domain \
             {DEMO_JF_DOMAIN}; warehouse YK = US-LA01, channel UPS = UPS-GND"
        );
        println!(
            "demo Qianyi (POST {scheme}://{addr}/api/v1/inventory): appId {DEMO_QIANYI_APP_ID} / appSecret \
             {DEMO_QIANYI_APP_SECRET}; warehouse \"{DEMO_QIANYI_WAREHOUSE}\" = US-LA01"
        );
        println!(
            "demo Suoen (POST {scheme}://{addr}/api/user/authorization/Token): appId {DEMO_SUOEN_APP_ID} / appSecret \
             {DEMO_SUOEN_APP_SECRET}; warehouse {DEMO_SUOEN_WAREHOUSE} = US-LA01; Onixport \
             ({scheme}://{addr}/onixport/api/wms/inventory/sku/list): a native bearer token, warehouse W1 = US-LA01"
        );
        println!(
            "demo Winit (POST {scheme}://{addr}/openapi/service): app_key rebecca (or 245002566@qq.com) / token \
             {DEMO_WINIT_TOKEN}, client_id {DEMO_WINIT_CLIENT_ID} / client_secret {DEMO_WINIT_CLIENT_SECRET}, \
             platform OWNERERP; warehouse {DEMO_WINIT_WAREHOUSE} = US-LA01"
        );
        // Before the staff line, which is the last: whoever reads the banner
        // may stop there (and close the pipe) once it has read it.
        println!("demo seller portal: {DEMO_JF_EMAIL} / {DEMO_SELLER_PASSWORD} (OWNER of DEMO; demo only)");
        println!(
            "demo staff: {DEMO_STAFF} / {DEMO_STAFF_PASSWORD} (ADMIN), {DEMO_PICKER} / {DEMO_PICKER_PASSWORD} \
             (OPERATOR)  (demo only: below the password policy, never for real use)"
        );
    }
    application
        .run_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    store.close().await;
    Ok(())
}

async fn admin(db: &DbArgs, command: AdminCommand) -> Result<()> {
    let app = db.app().await?;
    match command {
        AdminCommand::Alias { command: AliasCommand::Set { dialect, kind, vendor_code, code } } => {
            app.set_alias(&dialect, &kind, &vendor_code, &code).await?;
            println!(
                "{} {} {} = {}",
                dialect.to_ascii_uppercase(),
                kind.to_ascii_uppercase(),
                vendor_code.trim(),
                code.trim().to_ascii_uppercase()
            );
        }
        AdminCommand::Alias { command: AliasCommand::Remove { dialect, kind, vendor_code } } => {
            if app.remove_alias(&dialect, &kind, &vendor_code).await? {
                println!("alias {} removed", vendor_code.trim());
            } else {
                bail!("no {} {} alias {}", dialect.to_ascii_uppercase(), kind.to_ascii_uppercase(), vendor_code.trim());
            }
        }
        AdminCommand::DialectWebhook { client_id, url, dialect } => {
            let d = haicang_core::dialects::Dialect::parse(&dialect)
                .with_context(|| format!("unknown dialect {dialect}: JF, QIANYI, WINIT, ONIXPORT or SUOEN"))?;
            let w = app.create_dialect_webhook(&client_id, &url, d).await?;
            println!(
                "webhook {} of app {client_id}: {} in {} format, events {}",
                w.public_id,
                w.url,
                d.as_str(),
                w.events
            );
        }
        AdminCommand::Seller { command: SellerCommand::Add { customer, email } } => {
            let id = app.create_seller_user(&customer, &email).await?;
            println!("seller user {} of {customer}: userId {id}", email.trim().to_ascii_lowercase());
        }
        AdminCommand::Seller { command: SellerCommand::Grant { email, reusable } } => {
            let token = app.issue_seller_grant(&email, reusable, None).await?;
            let uses = if reusable { "reusable" } else { "one authorisation" };
            println!("authorization token (shown once, {uses}): {token}");
        }
        AdminCommand::Alias { command: AliasCommand::List { dialect } } => {
            for a in app.list_aliases(dialect.as_deref()).await? {
                println!("{}\t{}\t{}\t{}", a.dialect.as_str(), a.kind.as_str(), a.vendor_code, a.haicang_code);
            }
        }
        AdminCommand::ServerKey { command: ServerKeyCommand::Rotate { out } } => {
            let (_, file) = db.secret_key()?;
            let target = match (out, file) {
                (Some(out), _) => out,
                (None, Some(file)) => file,
                (None, None) => bail!("the key comes from HAICANG_SECRET_KEY: name a file for the new key with --out"),
            };
            let new = SecretKey::generate();
            let count = app.reseal_app_secrets(&new).await?;
            new.replace_file(&target)?;
            println!("{count} app secrets sealed under the new key, written to {}", target.display());
        }
        AdminCommand::Customer { command: CustomerCommand::Create { code, name } } => {
            app.create_customer(&code, &name).await?;
            println!("customer {} created", code.to_ascii_uppercase());
        }
        AdminCommand::App { command: AppCommand::Create { customer, name } } => {
            let creds = app.create_app(&customer, &name, None).await?;
            println!("appId:     {}", creds.app_id);
            println!("appSecret: {}", creds.app_secret);
            println!("(the secret is shown only now; haicang keeps its hash and a copy sealed under the server key)");
        }
        AdminCommand::App { command: AppCommand::Policy { app_id, rate_limit, allow_ip } } => {
            app.set_app_policy(&app_id, rate_limit, &allow_ip).await?;
            println!("app {app_id}: {rate_limit} requests/minute, allowlist {allow_ip:?}");
        }
        AdminCommand::App { command: AppCommand::Disable { app_id } } => {
            let revoked = app.disable_app(&app_id).await?;
            println!("app {app_id} disabled; {revoked} tokens revoked");
        }
        AdminCommand::App { command: AppCommand::RotateSecret { app_id, grace_hours } } => {
            let grace = std::time::Duration::from_secs(grace_hours.saturating_mul(3600));
            let secret = app.rotate_app_secret(&app_id, grace).await?;
            println!("appSecret: {secret}");
            println!("(shown only now; the old secret no longer works, its tokens end within {grace_hours} h)");
        }
        AdminCommand::Staff { command: StaffCommand::Disable { username } } => {
            let revoked = app.disable_staff(&username).await?;
            println!("staff {username} disabled; {revoked} tokens revoked");
        }
        AdminCommand::Customer {
            command: CustomerCommand::User { command: CustomerUserCommand::Create { customer, email, password, role } },
        } => {
            match app.create_seller_user(&customer, &email).await {
                Ok(_) | Err(haicang_app::AppError::AlreadyExists(_)) => {}
                Err(e) => return Err(e.into()),
            }
            let role = role.trim().to_ascii_uppercase();
            app.set_seller_password(&email, &password, &role).await?;
            println!(
                "portal user {} of {} ({role}) may sign in at /portal",
                email.trim().to_ascii_lowercase(),
                customer.to_ascii_uppercase()
            );
        }
        AdminCommand::Customer { command: CustomerCommand::Grant { customer, warehouse } } => {
            for w in &warehouse {
                app.grant_warehouse(&customer, w).await?;
            }
            println!("customer {} may use {}", customer.to_ascii_uppercase(), warehouse.join(", "));
        }
        AdminCommand::Staff { command: StaffCommand::Create { username, password, name, role, warehouse } } => {
            app.create_staff(&username, &name, &password, &role, &warehouse).await?;
            let scope = if warehouse.is_empty() { "every warehouse".to_owned() } else { warehouse.join(", ") };
            println!("staff {username} created ({}, {scope})", role.to_ascii_uppercase());
        }
        AdminCommand::Location { command: LocationCommand::Import { warehouse, file } } => {
            let rows = read_locations(&file)?;
            let bar = ProgressBar::new(rows.len() as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} locations {elapsed}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let n = app.import_locations(&warehouse, rows, |done| bar.set_position(done as u64)).await?;
            bar.finish();
            println!("{n} locations imported into {warehouse}");
        }
    }
    Ok(())
}

/// A rate card as `haicang billing rate-card --file` reads it.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CardFile {
    code: String,
    name: String,
    currency: String,
    #[serde(default)]
    is_default: bool,
    effective_from: String,
    rates: haicang_core::billing::Rates,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VersionFile {
    effective_from: String,
    rates: haicang_core::billing::Rates,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &PathBuf) -> Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not the JSON expected", path.display()))
}

fn read_locations(path: &PathBuf) -> Result<Vec<LocationImportRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(code), Some(zone), Some(kind)) = (column("code"), column("zone"), column("type")) else {
        bail!("the CSV needs at least the columns code, zone and type");
    };
    let (aisle, bay, level) = (column("aisle"), column("bay"), column("level"));
    let (x, y, block) = (column("x_mm"), column("y_mm"), column("block"));
    let (volume, weight) = (column("capacity_volume_cm3"), column("capacity_weight_g"));
    let (restriction, single_sku) = (column("restriction"), column("single_sku"));
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record?;
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").to_owned();
        let int = |c: Option<usize>| -> Result<Option<i64>> {
            let v = get(c);
            if v.is_empty() {
                Ok(None)
            } else {
                Ok(Some(v.parse().with_context(|| format!("line {}: {v:?} is not a number", i + 2))?))
            }
        };
        rows.push(LocationImportRow {
            code: get(Some(code)),
            zone: get(Some(zone)),
            aisle: int(aisle)?.unwrap_or(0),
            bay: int(bay)?.unwrap_or(0),
            level: int(level)?.unwrap_or(0),
            location_type: get(Some(kind)),
            x_mm: int(x)?,
            y_mm: int(y)?,
            block: int(block)?,
            capacity_volume_cm3: int(volume)?,
            capacity_weight_g: int(weight)?,
            restriction: Some(get(restriction)).filter(|r| !r.is_empty()),
            single_sku: matches!(get(single_sku).to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "y"),
        });
    }
    Ok(rows)
}
