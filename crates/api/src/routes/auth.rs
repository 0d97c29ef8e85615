//! Tokens: app credentials, refresh, staff login.

use axum::Router;
use axum::extract::State;
use axum::routing::post;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use haicang_app::auth::TokenPair;

use crate::AppState;
use crate::envelope::Envelope;
use crate::error::ApiError;
use crate::extract::{Bearer, CallerOrigin, JsonBody};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/token", post(token))
        .route("/api/v1/auth/refresh", post(refresh))
        .route("/api/v1/staff/login", post(staff_login))
        .route("/api/v1/auth/logout", post(logout))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenRequest {
    #[serde(default)]
    pub app_id: String,
    #[serde(default)]
    pub app_secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefreshRequest {
    #[serde(default)]
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginRequest {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub refresh_expires_in: i64,
}

impl From<TokenPair> for TokenView {
    fn from(p: TokenPair) -> Self {
        TokenView {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            token_type: "Bearer",
            expires_in: p.expires_in,
            refresh_expires_in: p.refresh_expires_in,
        }
    }
}

/// Exchange an app's credentials for a token pair.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 200, description = "Token pair", body = TokenView),
              (status = 401, description = "10008 invalid client")))]
pub async fn token(
    State(s): State<AppState>,
    CallerOrigin(origin): CallerOrigin,
    JsonBody(r): JsonBody<TokenRequest>,
) -> Result<Envelope<TokenView>, ApiError> {
    Ok(Envelope(s.app.issue_token(r.app_id.trim(), &r.app_secret, &origin).await?.into()))
}

/// Rotate a refresh token: the old one stops working.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, description = "New token pair", body = TokenView),
              (status = 401, description = "10003 invalid refresh token")))]
pub async fn refresh(
    State(s): State<AppState>,
    CallerOrigin(origin): CallerOrigin,
    JsonBody(r): JsonBody<RefreshRequest>,
) -> Result<Envelope<TokenView>, ApiError> {
    Ok(Envelope(s.app.refresh(r.refresh_token.trim(), &origin).await?.into()))
}

/// Staff log in with username and password.
#[utoipa::path(post, path = "/api/v1/staff/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, description = "Token pair", body = TokenView),
              (status = 401, description = "10012 wrong username or password")))]
pub async fn staff_login(
    State(s): State<AppState>,
    CallerOrigin(origin): CallerOrigin,
    JsonBody(r): JsonBody<LoginRequest>,
) -> Result<Envelope<TokenView>, ApiError> {
    Ok(Envelope(s.app.staff_login(r.username.trim(), &r.password, &origin).await?.into()))
}

/// Ends the caller's session: the access token, its refresh token and
/// their successors stop working at once (a seller's or a staff token).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 200, description = "Logged out")))]
pub async fn logout(
    State(s): State<AppState>,
    CallerOrigin(origin): CallerOrigin,
    Bearer(token): Bearer,
) -> Result<Envelope<()>, ApiError> {
    s.app.logout(&token, &origin).await?;
    Ok(Envelope(()))
}
