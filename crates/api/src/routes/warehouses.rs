//! Warehouses and their shipping services, for customers.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;
use utoipa::ToSchema;

use haicang_app::query::{ShippingServiceRow, WarehouseRow};

use crate::AppState;
use crate::envelope::Envelope;
use crate::error::ApiError;
use crate::extract::{CustomerAuth, Path};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/warehouses", get(list))
        .route("/api/v1/warehouses/{code}/shipping-services", get(shipping_services))
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WarehouseView {
    pub code: String,
    pub name: String,
    pub country: String,
    pub timezone: String,
    pub address: String,
    pub accepting_orders: bool,
}

impl From<WarehouseRow> for WarehouseView {
    fn from(w: WarehouseRow) -> Self {
        WarehouseView {
            code: w.code,
            name: w.name,
            country: w.country,
            timezone: w.timezone,
            address: w.address,
            accepting_orders: w.accepting_orders != 0,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShippingServiceView {
    pub code: String,
    pub name: String,
    pub carrier: String,
    pub status: String,
}

impl From<ShippingServiceRow> for ShippingServiceView {
    fn from(s: ShippingServiceRow) -> Self {
        ShippingServiceView { code: s.code, name: s.name, carrier: s.carrier, status: s.status.to_string() }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemsView<T: ToSchema> {
    pub items: Vec<T>,
}

/// Warehouses the caller may use.
#[utoipa::path(get, path = "/api/v1/warehouses", tag = "warehouses", security(("bearer" = [])),
    responses((status = 200, description = "Warehouses", body = ItemsView<WarehouseView>)))]
pub async fn list(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
) -> Result<Envelope<ItemsView<WarehouseView>>, ApiError> {
    let items = s.app.list_warehouses(&c).await?.into_iter().map(Into::into).collect();
    Ok(Envelope(ItemsView { items }))
}

/// Shipping services of a warehouse.
#[utoipa::path(get, path = "/api/v1/warehouses/{code}/shipping-services", tag = "warehouses", security(("bearer" = [])),
    params(("code" = String, Path, description = "Warehouse code, e.g. US-LA01")),
    responses((status = 200, description = "Shipping services", body = ItemsView<ShippingServiceView>),
              (status = 404, description = "10051 unknown warehouse")))]
pub async fn shipping_services(
    State(s): State<AppState>,
    CustomerAuth(c): CustomerAuth,
    Path(code): Path<String>,
) -> Result<Envelope<ItemsView<ShippingServiceView>>, ApiError> {
    let items = s.app.list_shipping_services(&c, &code).await?.into_iter().map(Into::into).collect();
    Ok(Envelope(ItemsView { items }))
}
