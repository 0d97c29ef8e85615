//! haicang-gateways: the APIs of other WMS vendors (`shared/seeds/`),
//! served unchanged so an ERP integrated with them only changes its base
//! URL and credentials. One module per dialect; a gateway is a thin
//! translator — parse the vendor's request, call the app use case the
//! native API calls, render the vendor's envelope — and holds no warehouse
//! rule (docs/ARCHITECTURE.md, "Gateways").
//!
//! The gateways build on `haicang-api`: its error catalogue (the native
//! codes are JF's where they mean the same), request context (request id,
//! language), rate limiter and IP allowlist apply to every dialect
//! unchanged. The binary and the tests hand [`routes`] to the API's
//! `Settings::dialects`, so one listener serves both.

pub mod fields;
pub mod jf;
pub mod onixport;
pub mod qianyi;
pub mod stock;
pub mod suoen;
pub mod winit;

use std::collections::HashMap;

use axum::Router;

use haicang_api::AppState;
use haicang_api::error::ApiError;
use haicang_app::App;
use haicang_core::dialects::{AliasKind, Dialect};

/// Every dialect's routes, for `Settings::dialects`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(jf::routes())
        .merge(qianyi::routes())
        .merge(onixport::routes())
        .merge(suoen::routes())
        .merge(winit::routes())
}

/// A dialect's aliases, read once per request: vendor code ⇄ haicang code
/// (a code without an alias stands for itself).
#[derive(Debug, Default)]
pub struct Aliases {
    to_haicang: HashMap<(AliasKind, String), String>,
    to_vendor: HashMap<(AliasKind, String), String>,
}

impl Aliases {
    pub async fn load(app: &App, dialect: Dialect) -> Result<Aliases, ApiError> {
        let mut aliases = Aliases::default();
        // Sorted by vendor code: a haicang code with several aliases is
        // shown as the first.
        for row in app.list_aliases(Some(dialect.as_str())).await? {
            aliases.to_haicang.insert((row.kind, row.vendor_code.clone()), row.haicang_code.clone());
            aliases.to_vendor.entry((row.kind, row.haicang_code)).or_insert(row.vendor_code);
        }
        Ok(aliases)
    }

    pub fn haicang(&self, kind: AliasKind, vendor: &str) -> String {
        let vendor = vendor.trim();
        self.to_haicang.get(&(kind, vendor.to_owned())).cloned().unwrap_or_else(|| vendor.to_owned())
    }

    pub fn vendor(&self, kind: AliasKind, code: &str) -> String {
        self.to_vendor.get(&(kind, code.to_owned())).cloned().unwrap_or_else(|| code.to_owned())
    }

    pub fn warehouse(&self, vendor: &str) -> String {
        self.haicang(AliasKind::Warehouse, vendor)
    }

    pub fn vendor_warehouse(&self, code: &str) -> String {
        self.vendor(AliasKind::Warehouse, code)
    }
}
