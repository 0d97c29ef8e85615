//! `GET /api/oauth/{authorize, accessToken, refreshToken}`: the query
//! string names the credentials (a POST with the same query is accepted).

use axum::extract::State;
use serde_json::json;

use haicang_api::AppState;
use haicang_api::error::ApiError;
use haicang_api::extract::{CallerOrigin, Params};
use haicang_app::auth::DialectSession;

use super::Data;

fn text(params: &Params, key: &str) -> String {
    params.text(key).unwrap_or_default()
}

fn session(s: DialectSession) -> Data {
    Data(json!({
        "accessToken": s.tokens.access_token,
        "refreshToken": s.tokens.refresh_token,
        "userId": s.seller_user_id,
        "expireIn": s.tokens.expires_in,
        "refreshExpireIn": s.tokens.refresh_expires_in,
    }))
}

/// `?clientId&email&token&domain` → `data`: the one-time key.
pub async fn authorize(
    State(state): State<AppState>,
    CallerOrigin(origin): CallerOrigin,
    params: Params,
) -> Result<Data, ApiError> {
    let key = state
        .app
        .oauth_authorize(&text(&params, "clientId"), &text(&params, "email"), &text(&params, "token"), &origin)
        .await?;
    Ok(Data(json!(key)))
}

/// `?clientId&clientSecret&key` → the token pair and the user id.
pub async fn access_token(
    State(state): State<AppState>,
    CallerOrigin(origin): CallerOrigin,
    params: Params,
) -> Result<Data, ApiError> {
    let s = state
        .app
        .oauth_access_token(&text(&params, "clientId"), &text(&params, "clientSecret"), &text(&params, "key"), &origin)
        .await?;
    Ok(session(s))
}

/// `?clientId[&clientSecret]&refreshToken` → a new pair.
pub async fn refresh(
    State(state): State<AppState>,
    CallerOrigin(origin): CallerOrigin,
    params: Params,
) -> Result<Data, ApiError> {
    let secret = params.text("clientSecret");
    let s = state
        .app
        .oauth_refresh(&text(&params, "clientId"), secret.as_deref(), &text(&params, "refreshToken"), &origin)
        .await?;
    Ok(session(s))
}
