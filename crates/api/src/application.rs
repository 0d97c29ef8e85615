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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            token_lifetimes: TokenLifetimes::default(),
            webhook_networks: NetworkPolicy::default(),
            delivery: DeliveryPolicy::default(),
            run_webhook_worker: true,
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
        let app = App::new(store)
            .with_token_lifetimes(settings.token_lifetimes)
            .with_webhook_networks(settings.webhook_networks.clone());
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
        let served = crate::serve(self.app, self.listener, shutdown).await;
        let _ = worker_stop.send(());
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        served
    }
}
