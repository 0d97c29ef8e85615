//! Signed requests. An app may sign any request and must sign every one
//! when it is set to "signed": headers `X-Haicang-Timestamp` (unix ms),
//! `X-Haicang-Nonce` and `X-Haicang-Signature` = hex HMAC-SHA256, keyed by
//! hex SHA-256 of the app secret, over
//! `METHOD\npath?query\ntimestamp\nnonce\nhex(SHA-256(body))`.
//! Stale (±5 min) is 10028, a nonce seen in the window 10027, a wrong or
//! missing signature 10026 — compared in constant time.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use haicang_app::{Principal, now_ms};

use crate::error::ApiError;
use crate::{AppState, BODY_BYTES_MAX};

pub const WINDOW_MS: i64 = 5 * 60 * 1000;

/// The string a request signature covers.
pub fn canonical(method: &str, path_and_query: &str, timestamp: &str, nonce: &str, body: &[u8]) -> String {
    format!("{method}\n{path_and_query}\n{timestamp}\n{nonce}\n{}", hex::encode(Sha256::digest(body)))
}

/// hex HMAC-SHA256 of the canonical string under `key`.
pub fn sign(key: &str, canonical: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(canonical.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

/// The principal this request's bearer token named when the signature
/// check looked it up moments ago (read by the route's extractor).
#[derive(Clone)]
pub(crate) struct Authenticated(pub(crate) Principal);

pub async fn verify(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match check(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

async fn check(state: &AppState, request: Request) -> Result<Request, ApiError> {
    let signed = header(&request, "x-haicang-signature").is_some();
    let token = header(&request, "authorization")
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .map(str::to_owned);
    let Some(token) = token else { return Ok(request) };
    let mut request = request;
    // Unknown tokens are refused by the route's own extractor. A known one
    // is handed on, so the route does not look the same token up again.
    let Ok(principal) = state.app.authenticate(&token).await else { return Ok(request) };
    request.extensions_mut().insert(Authenticated(principal.clone()));
    let Principal::Customer(customer) = principal else { return Ok(request) };
    let Some(app_id) = customer.app_id else { return Ok(request) };
    let policy = state.app.app_policy(app_id).await?;
    if !signed && !policy.signing_required {
        return Ok(request);
    }
    let bad = || ApiError::BadSignature;
    let timestamp = header(&request, "x-haicang-timestamp").ok_or_else(bad)?.to_owned();
    let nonce = header(&request, "x-haicang-nonce").ok_or_else(bad)?.to_owned();
    let signature = header(&request, "x-haicang-signature").ok_or_else(bad)?.to_ascii_lowercase();
    let at: i64 = timestamp.parse().map_err(|_| ApiError::StaleTimestamp)?;
    let now = now_ms();
    if now.abs_diff(at) > WINDOW_MS.unsigned_abs() {
        return Err(ApiError::StaleTimestamp);
    }
    if nonce.len() > 64 {
        return Err(bad());
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, BODY_BYTES_MAX).await.map_err(|_| ApiError::BodyTooLarge)?;
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let key = policy.signing_key.as_deref().ok_or_else(bad)?;
    let expected = sign(key, &canonical(parts.method.as_str(), path, &timestamp, &nonce, &bytes));
    if !bool::from(expected.as_bytes().ct_eq(signature.as_bytes())) {
        return Err(bad());
    }
    // Only a correctly signed request uses up its nonce.
    if !state.app.first_use_of_nonce(app_id, &nonce, now, WINDOW_MS).await.map_err(ApiError::from)? {
        return Err(ApiError::ReplayedNonce);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}
