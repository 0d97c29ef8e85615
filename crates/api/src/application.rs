//! The running service: the app over a store, its HTTP listener and its
//! background workers, wired in one place so that `haicang serve` and the
//! test harness start exactly the same thing.

use std::net::SocketAddr;

use haicang_app::auth::TokenLifetimes;
use haicang_app::webhooks::DeliveryPolicy;
use haicang_app::{App, NetworkPolicy, Store};

/// What a deployment chooses.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on; port 0 takes a free one.
    pub listen: String,
    pub token_lifetimes: TokenLifetimes,
    /// Non-public ranges webhooks may reach (none by default).
    pub webhook_networks: NetworkPolicy,
    pub delivery: DeliveryPolicy,
    /// Whether the webhook worker runs beside the server (tests that step
    /// deliveries themselves turn it off).
    pub run_webhook_worker: bool,
    /// Whether storage is charged and stock alerts are swept in the
    /// background: at start and every hour (`serve` turns it on; tests run
    /// them themselves).
    pub run_storage_billing: bool,
    /// Refuse outbound orders of customers no rate card bills (JF 10045).
    pub require_rate_card: bool,
    /// The server key app secrets are sealed under (None: a throwaway key,
    /// for tests).
    pub secret_key: Option<haicang_app::secrets::SecretKey>,
    /// Routes served beside the native API: the vendor dialects
    /// (`haicang_gateways::routes`; the gateways crate builds on this one,
    /// so the binary and the tests hand them in).
    pub dialects: Option<fn() -> axum::Router<crate::AppState>>,
    /// The web console (`haicang_web::routes`), handed in the same way.
    pub web: Option<fn() -> axum::Router<crate::AppState>>,
    /// Terminate TLS on the listener (`serve --tls-cert --tls-key`).
    pub tls: Option<crate::tls::TlsConfig>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            token_lifetimes: TokenLifetimes::default(),
            webhook_networks: NetworkPolicy::default(),
            delivery: DeliveryPolicy::default(),
            run_webhook_worker: true,
            run_storage_billing: false,
            require_rate_card: false,
            secret_key: None,
            dialects: None,
            web: None,
            tls: None,
        }
    }
}

/// A built service whose listener is bound (its real address is known)
/// but which serves nothing until [`Application::run_until`].
pub struct Application {
    app: App,
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    settings: Settings,
}

impl Application {
    pub async fn build(store: Store, settings: Settings) -> std::io::Result<Application> {
        let mut app = App::new(store);
        if let Some(key) = settings.secret_key.clone() {
            app = app.with_secret_key(key);
        }
        let app = app
            .with_token_lifetimes(settings.token_lifetimes)
            .with_webhook_networks(settings.webhook_networks.clone())
            .with_required_rate_card(settings.require_rate_card);
        let (listener, addr) = crate::bind(&settings.listen).await?;
        Ok(Application { app, listener, addr, settings })
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves HTTP and runs the workers until `shutdown` resolves, then
    /// stops the workers and returns.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let (worker_stop, worker_stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = self.settings.run_webhook_worker.then(|| {
            let (app, policy) = (self.app.clone(), self.settings.delivery.clone());
            // Several processes may run deliveries at once: they are
            // claimed with a lease.
            tokio::spawn(async move {
                app.run_webhook_worker(policy, async {
                    let _ = worker_stopped.await;
                })
                .await;
            })
        });
        // Storage billing, alert sweeps, cleanup: every node offers, one at a
        // time runs each (a lease in the database).
        let (jobs_stop, jobs_stopped) = tokio::sync::oneshot::channel::<()>();
        let jobs = self.settings.run_storage_billing.then(|| {
            let app = self.app.clone();
            tokio::spawn(async move {
                app.run_jobs(haicang_app::cluster::JobPolicy::for_this_process(), async {
                    let _ = jobs_stopped.await;
                })
                .await;
            })
        });
        let extra = [self.settings.dialects, self.settings.web]
            .into_iter()
            .flatten()
            .fold(axum::Router::new(), |router, routes| router.merge(routes()));
        let served = match self.settings.tls {
            Some(tls) => crate::tls::serve_tls(crate::router_with(self.app, extra), self.listener, tls, shutdown).await,
            None => crate::serve_with(self.app, self.listener, extra, shutdown).await,
        };
        let _ = jobs_stop.send(());
        if let Some(jobs) = jobs {
            let _ = jobs.await;
        }
        let _ = worker_stop.send(());
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        served
    }
}
