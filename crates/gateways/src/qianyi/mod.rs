//! Qianyi ERP (`shared/seeds/qianyi-erp-inventory.txt`).

use axum::Router;

use haicang_api::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
