//! Warehouses, shipping services and locations as callers see them.

use haicang_store::warehouse::{self, LocationFilter, LocationRow, ShippingServiceRow, WarehouseRow};

use crate::{App, AppError, Page, PageRequest};

impl App {
    /// Warehouses a customer may ship to (all enabled ones; per-customer
    /// warehouse permissions come with billing plans).
    pub async fn list_warehouses(&self) -> Result<Vec<WarehouseRow>, AppError> {
        let rows = warehouse::list_warehouses(&mut *self.store.read().await?).await?;
        Ok(rows.into_iter().filter(|w| w.status == "ENABLED").collect())
    }

    pub async fn list_shipping_services(&self, warehouse_code: &str) -> Result<Vec<ShippingServiceRow>, AppError> {
        let mut conn = self.store.read().await?;
        let w = warehouse::find_warehouse(&mut conn, warehouse_code)
            .await?
            .filter(|w| w.status == "ENABLED")
            .ok_or_else(|| AppError::WarehouseNotFound(warehouse_code.to_owned()))?;
        Ok(warehouse::list_shipping_services(&mut conn, w.warehouse_id).await?)
    }

    pub async fn list_locations(
        &self,
        filter: &LocationFilter,
        page: PageRequest,
    ) -> Result<Page<LocationRow>, AppError> {
        let (rows, total) = warehouse::list_locations(&mut *self.store.read().await?, filter, page).await?;
        Ok(Page::new(rows, page, total))
    }
}
