//! TLS terminated by haicang itself (`serve --tls-cert --tls-key`), for
//! warehouses without a reverse proxy: JF's public clients only speak
//! https. rustls with the ring provider; HTTP/1.1 and HTTP/2 by ALPN.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tower::ServiceExt;

/// A server certificate chain and its key, read from PEM files.
#[derive(Clone)]
pub struct TlsConfig(Arc<ServerConfig>);

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsConfig(..)")
    }
}

fn invalid(what: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, what)
}

impl TlsConfig {
    /// Reads the chain (leaf first) and the private key (PKCS#8, PKCS#1 or
    /// SEC1); a missing or unreadable file is an error at start, not at
    /// the first handshake.
    pub fn from_pem_files(cert: &Path, key: &Path) -> std::io::Result<TlsConfig> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
            .map_err(|e| invalid(format!("{}: {e}", cert.display())))?
            .collect::<Result<_, _>>()
            .map_err(|e| invalid(format!("{}: {e}", cert.display())))?;
        if chain.is_empty() {
            return Err(invalid(format!("{}: no certificate", cert.display())));
        }
        let key = PrivateKeyDer::from_pem_file(key).map_err(|e| invalid(format!("{}: {e}", key.display())))?;
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| invalid(format!("certificate and key: {e}")))?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(TlsConfig(Arc::new(config)))
    }
}

/// Marks a request that came over TLS: the web console's cookies are then
/// `Secure`.
#[derive(Debug, Clone, Copy)]
pub struct OverTls;

/// Serves `router` over TLS on `listener` until `shutdown` resolves
/// (then stops accepting; connections in flight finish on their own).
pub async fn serve_tls(
    router: Router,
    listener: tokio::net::TcpListener,
    tls: TlsConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let acceptor = TlsAcceptor::from(tls.0);
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            _ = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // A failed accept (e.g. too many open files) must not stop
                // the server.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            },
        };
        let (acceptor, router) = (acceptor.clone(), router.clone());
        tokio::spawn(async move {
            let stream = match acceptor.accept(tcp).await {
                Ok(stream) => stream,
                Err(e) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                    return;
                }
            };
            // The peer address feeds the per-app IP allowlist, as in `serve`.
            let service = router.map_request(move |request: hyper::Request<hyper::body::Incoming>| {
                let mut request = request.map(axum::body::Body::new);
                request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                request.extensions_mut().insert(OverTls);
                request
            });
            let served = Builder::new(TokioExecutor::new())
                .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
                .await;
            if let Err(e) = served {
                tracing::debug!(%peer, error = %e, "TLS connection ended with an error");
            }
        });
    }
}
