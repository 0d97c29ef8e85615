//! Extractors: JSON bodies and query strings with our error codes, and the
//! two kinds of bearer authentication. "Required" is the only kind: a
//! missing or bad token is an error, never an anonymous caller.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use haicang_app::audit::Origin;
use haicang_app::{AppError, CustomerPrincipal, Principal, StaffPrincipal};

use crate::AppState;
use crate::error::ApiError;

/// A JSON body; malformed JSON is 10001, a wrong shape 10031 naming the field.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let BodyBytes(bytes) = BodyBytes::from_request(req, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// The raw body, for routes that look at it before choosing a shape; a
/// body over the limit is 10063.
pub struct BodyBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for BodyBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state).await.map(BodyBytes).map_err(|_| ApiError::BodyTooLarge)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = T::deserialize(&mut de).and_then(|v| de.end().map(|_| v));
    value.or_else(|e| whole_floats(bytes, e)).map_err(|e| match e.classify() {
        // A shape error may be reported before a syntax error further on:
        // malformed JSON must win, so the body is checked once more.
        serde_json::error::Category::Data => match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Err(syntax) => ApiError::MalformedJson(syntax.to_string()),
            Ok(_) => ApiError::BadField(e.to_string()),
        },
        _ => ApiError::MalformedJson(e.to_string()),
    })
}

/// JSON has one number type: `2.0` is the whole number 2 (JSON Schema
/// says so, and some ERPs' encoders write every number with a point). A
/// body refused only for a float where a whole number belongs is read
/// again with such floats as integers; `2.5` still fails.
fn whole_floats<T: DeserializeOwned>(bytes: &[u8], first: serde_json::Error) -> Result<T, serde_json::Error> {
    if !first.to_string().starts_with("invalid type: floating point") {
        return Err(first);
    }
    fn whole(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Number(n) => {
                if let Some(f) =
                    n.as_f64().filter(|f| n.is_f64() && f.fract() == 0.0 && f.abs() <= 9_007_199_254_740_992.0)
                {
                    *n = serde_json::Number::from(f as i64);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(whole),
            serde_json::Value::Object(fields) => fields.values_mut().for_each(whole),
            _ => {}
        }
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| first)?;
    whole(&mut value);
    serde_json::from_value(value)
}

/// A JSON body that may be left out (then the type's default).
pub fn optional_body<T: Default + DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) { Ok(T::default()) } else { parse_json(body) }
}

/// A path parameter; one that does not parse (a number out of range,
/// bytes that are not UTF-8) is 10031 in the envelope like any other bad
/// input, not axum's plain-text rejection.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|e| ApiError::BadField(e.body_text()))
    }
}

/// The query string as ordered pairs; repeated keys are kept.
pub struct Params(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        Ok(Params(form_urlencoded::parse(query.as_bytes()).into_owned().collect()))
    }
}

impl Params {
    /// The value of a key, empty values treated as absent.
    pub fn text(&self, key: &str) -> Option<String> {
        self.0.iter().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned())
    }

    /// Every value of a repeatable key (`sku=a&sku=b` or `sku=a,b`).
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_owned()).collect::<Vec<_>>())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// How many times a key was sent, blank values included: a limit on a
    /// repeatable filter counts what the client sent, not what was left
    /// after dropping blanks (`sku=&sku=…` 101 times is over 100).
    pub fn occurrences(&self, key: &str) -> usize {
        self.0.iter().filter(|(k, _)| k == key).count()
    }

    /// A key that is present, even with a blank value: a number, a time or
    /// a choice sent blank (`page=`) is malformed, not absent.
    fn given(&self, key: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned())
    }

    /// A calendar day `YYYY-MM-DD` (blank is malformed, like a time).
    pub fn day(&self, key: &'static str) -> Result<Option<String>, ApiError> {
        self.given(key)
            .map(|v| match chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
                Ok(d) => Ok(d.format("%Y-%m-%d").to_string()),
                Err(_) => Err(AppError::InvalidParam { field: key, reason: "a day as YYYY-MM-DD".into() }.into()),
            })
            .transpose()
    }

    pub fn int(&self, key: &'static str) -> Result<Option<i64>, ApiError> {
        self.given(key)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| AppError::InvalidParam { field: key, reason: "expected a whole number".into() }.into())
            })
            .transpose()
    }

    /// An ISO 8601 / RFC 3339 time, as unix milliseconds.
    pub fn time(&self, key: &'static str) -> Result<Option<i64>, ApiError> {
        self.given(key)
            .map(|v| {
                chrono::DateTime::parse_from_rfc3339(&v).map(|t| t.timestamp_millis()).map_err(|_| {
                    AppError::InvalidParam { field: key, reason: "expected ISO 8601, e.g. 2026-11-23T00:00:00Z".into() }
                        .into()
                })
            })
            .transpose()
    }

    /// One value of a closed set (a status, a condition…), parsed by
    /// `parse`; `expected` names the set in the error.
    pub fn choice<T>(
        &self,
        key: &'static str,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Option<T>, ApiError> {
        self.given(key)
            .map(|v| parse(&v).ok_or_else(|| AppError::InvalidParam { field: key, reason: expected.to_owned() }.into()))
            .transpose()
    }

    pub fn page(&self) -> Result<haicang_app::PageRequest, ApiError> {
        Ok(haicang_app::page_request(self.int("page")?, self.int("pageSize")?)?)
    }
}

/// The bearer token of a request ("" when none).
pub fn bearer(parts: &Parts) -> &str {
    let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    header.strip_prefix("Bearer ").or_else(|| header.strip_prefix("bearer ")).unwrap_or("").trim()
}

/// The peer's address (the TCP connection's: a proxy in front must be
/// the one that is throttled and audited until forwarded addresses are
/// trusted by configuration) and this request's id.
fn origin_of(parts: &Parts) -> Origin {
    let address = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    Origin { address, request_id: Some(crate::context::RequestContext::current().request_id) }
}

/// The raw bearer token (for logout, which ends any kind of session).
pub struct Bearer(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match bearer(parts) {
            "" => Err(AppError::AccessTokenRequired.into()),
            token => Ok(Bearer(token.to_owned())),
        }
    }
}

/// Where the request came from, for logins (throttling) and the trail.
pub struct CallerOrigin(pub Origin);

impl<S: Send + Sync> FromRequestParts<S> for CallerOrigin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(CallerOrigin(origin_of(parts)))
    }
}

async fn principal(parts: &Parts, state: &AppState) -> Result<Principal, ApiError> {
    let token = bearer(parts);
    if token.is_empty() {
        return Err(AppError::AccessTokenRequired.into());
    }
    let known = parts.extensions.get::<crate::signing::Authenticated>().map(|a| a.0.clone());
    let principal = match known {
        Some(principal) => principal,
        None => state.app.authenticate(token).await?,
    };
    Ok(match principal {
        Principal::Customer(c) => Principal::Customer(CustomerPrincipal { origin: origin_of(parts), ..c }),
        Principal::Staff(s) => Principal::Staff(StaffPrincipal { origin: origin_of(parts), ..s }),
    })
}

/// The app's own limits on a customer's request, whatever its dialect:
/// the IP allowlist and the rate limit.
pub async fn admit(parts: &Parts, state: &AppState, customer: &CustomerPrincipal) -> Result<(), ApiError> {
    let Some(app_id) = customer.app_id else { return Ok(()) };
    let policy = state.app.app_policy(app_id).await?;
    if !policy.ip_allowlist.is_empty() {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        if !peer.is_some_and(|ip| policy.ip_allowlist.contains(&ip)) {
            return Err(ApiError::IpNotAllowed(peer.map(|ip| ip.to_string()).unwrap_or_default()));
        }
    }
    // On PostgreSQL the count lives in the database, shared by every node;
    // on SQLite (one process) in this process's bucket.
    match state.app.shared_rate(app_id, policy.rate_limit_per_minute).await? {
        Some(admitted) => admitted.map_err(|wait_ms| ApiError::RateLimited(((wait_ms + 999) / 1000).max(1) as u64)),
        None => state
            .limiter
            .take(app_id, policy.rate_limit_per_minute, std::time::Instant::now())
            .map_err(|wait| ApiError::RateLimited(wait.as_secs().max(1))),
    }
}

/// The peer's address and the request id, for the trail.
pub fn origin(parts: &Parts) -> Origin {
    origin_of(parts)
}

/// A customer's app token.
pub struct CustomerAuth(pub CustomerPrincipal);

impl FromRequestParts<AppState> for CustomerAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match principal(parts, state).await? {
            Principal::Customer(c) => {
                admit(parts, state, &c).await?;
                Ok(CustomerAuth(c))
            }
            Principal::Staff(_) => Err(AppError::WrongPrincipal.into()),
        }
    }
}

/// A staff user's token whose role covers the route's minimum
/// (`routes::STAFF_ROUTES`). The warehouse scope is checked by the use
/// case, which knows the document's warehouse.
pub struct StaffAuth(pub StaffPrincipal);

impl FromRequestParts<AppState> for StaffAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let staff = match principal(parts, state).await? {
            Principal::Staff(s) => s,
            Principal::Customer(_) => return Err(AppError::WrongPrincipal.into()),
        };
        let path = parts.extensions.get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
        let Some(required) = crate::routes::min_role(parts.method.as_str(), &path) else {
            // Fail closed: a staff route nobody classified answers nobody.
            tracing::error!(method = %parts.method, path, "staff route missing from STAFF_ROUTES");
            return Err(ApiError::Unclassified);
        };
        staff.require(required)?;
        Ok(StaffAuth(staff))
    }
}
