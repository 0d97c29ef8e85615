//! haicang-web: the staff console in the same binary as the API.
//!
//! Server-rendered HTML (maud, checked at compile time), enhanced by htmx
//! and a few lines of script that are embedded in the binary; every page
//! works without them. The web layer sits beside the API on `haicang_app`:
//! it calls the same use cases under the same roles and warehouse scopes
//! and never touches the store (docs/ARCHITECTURE.md, "Web console").

mod assets;
mod console;
mod form;
mod i18n;
mod page;
mod portal;
mod session;

/// The console's and the portal's routes, served by `haicang serve`
/// beside the API (`Settings::web`). Every page and form of both passes
/// the session guard (CSRF, flash, security headers); the API reference
/// is a static page outside it.
pub fn routes() -> axum::Router<haicang_api::AppState> {
    use axum::routing::get;
    console::routes()
        .merge(portal::routes())
        .route("/lang", get(console::login::lang))
        .layer(axum::middleware::from_fn(session::guard))
        .route("/api/docs", get(assets::api_docs))
}
