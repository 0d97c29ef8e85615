//! How webhooks leave the building: only to addresses the operator's
//! [`NetworkPolicy`] allows, checked when a subscription is made **and**
//! when each connection is made.
//!
//! At connection time the client resolves the host itself (our resolver),
//! drops every address the policy refuses and connects only to the checked
//! ones, so a name that resolved to a public address when subscribed and
//! to 169.254.169.254 now (DNS rebinding) reaches nothing. IP literals do
//! not go through a resolver, so they are checked before the request. No
//! redirects are followed (a public receiver could otherwise bounce us
//! inside), no proxy from the environment is used, and at most
//! [`ANSWER_BYTES_MAX`] of an answer is read.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use haicang_core::network::{Blocked, NetworkPolicy};

use crate::AppError;

/// The most of a receiver's answer we read.
pub const ANSWER_BYTES_MAX: usize = 64 * 1024;
/// The most of it the attempt log keeps.
pub const ANSWER_LOG_CHARS: usize = 1024;
pub const URL_CHARS_MAX: usize = 2048;

/// Checks a subscription URL: http(s), a host, and every address the host
/// resolves to allowed now.
pub async fn check_url(policy: &NetworkPolicy, text: &str) -> Result<url::Url, AppError> {
    let bad = |reason: &str| AppError::InvalidParam { field: "url", reason: reason.to_owned() };
    if text.chars().count() > URL_CHARS_MAX || text.chars().any(char::is_whitespace) {
        return Err(bad("an http(s) URL of at most 2048 characters"));
    }
    let url = url::Url::parse(text).map_err(|_| bad("an http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("an http(s) URL"));
    }
    let host = url.host().ok_or_else(|| bad("an http(s) URL with a host"))?;
    let port = url.port_or_known_default().unwrap_or(443);
    let addresses: Vec<IpAddr> = match host {
        url::Host::Ipv4(ip) => vec![IpAddr::V4(ip)],
        url::Host::Ipv6(ip) => vec![IpAddr::V6(ip)],
        url::Host::Domain(name) => {
            resolve(name, port).await.map_err(|_| AppError::WebhookUnresolvable(name.to_owned()))?
        }
    };
    if addresses.is_empty() {
        return Err(AppError::WebhookUnresolvable(host.to_string()));
    }
    for ip in addresses {
        policy.check(ip).map_err(|range| AppError::WebhookAddressRefused { host: host.to_string(), ip, range })?;
    }
    Ok(url)
}

async fn resolve(name: &str, port: u16) -> std::io::Result<Vec<IpAddr>> {
    let lookup = tokio::net::lookup_host((name, port));
    match tokio::time::timeout(std::time::Duration::from_secs(5), lookup).await {
        Ok(found) => Ok(found?.map(|a| a.ip()).collect()),
        Err(_) => Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "DNS lookup timed out")),
    }
}

/// Why a connection was not even tried.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

fn refusal(ip: IpAddr, range: Blocked) -> Refused {
    Refused(format!("{ip} is a {} address; webhooks may reach public addresses only", range.name()))
}

/// The resolver reqwest uses: system DNS, then the policy.
struct CheckedResolver(Arc<NetworkPolicy>);

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.0.clone();
        Box::pin(async move {
            let found = resolve(name.as_str(), 0).await?;
            let mut first_refusal = None;
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|ip| match policy.check(*ip) {
                    Ok(()) => true,
                    Err(range) => {
                        first_refusal.get_or_insert(refusal(*ip, range));
                        false
                    }
                })
                .map(|ip| SocketAddr::new(ip, 0))
                .collect();
            if allowed.is_empty() {
                let e = first_refusal.unwrap_or_else(|| Refused(format!("{} has no address", name.as_str())));
                return Err(Box::new(e) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The client every delivery uses.
pub fn client(policy: Arc<NetworkPolicy>) -> Result<reqwest::Client, AppError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(CheckedResolver(policy)))
        .build()
        .map_err(|e| AppError::Interrupted(format!("no HTTP client for webhooks: {e}")))
}

/// Refuses an IP-literal URL outside the policy (names are checked by the
/// resolver at connection time).
pub fn check_literal(policy: &NetworkPolicy, url: &str) -> Result<(), Refused> {
    let parsed = url::Url::parse(url).map_err(|_| Refused("not a URL".into()))?;
    let ip = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    policy.check(ip).map_err(|range| refusal(ip, range))
}

/// Reads at most [`ANSWER_BYTES_MAX`] of an answer and returns its first
/// [`ANSWER_LOG_CHARS`] characters.
pub async fn answer_head(mut response: reqwest::Response) -> String {
    let mut body = Vec::new();
    while body.len() < ANSWER_BYTES_MAX {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk[..chunk.len().min(ANSWER_BYTES_MAX - body.len())]),
            Ok(None) | Err(_) => break,
        }
    }
    String::from_utf8_lossy(&body).chars().take(ANSWER_LOG_CHARS).collect()
}
