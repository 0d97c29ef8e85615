//! Warehouses, shipping services and locations as callers see them, and
//! who may use which warehouse: a seller only those granted to it (JF
//! 10050 otherwise), a staff member only those of their scope.

use haicang_core::status::Availability;
use haicang_store::warehouse::{self, LocationFilter, LocationRow, ShippingServiceRow, WarehouseRow};
use haicang_store::{Conn, party};

use crate::{App, AppError, CustomerPrincipal, Page, PageRequest, StaffPrincipal, Viewer};

/// The warehouse of this code, if the viewer may name it: unknown is
/// 10051, not granted to a seller 10050, outside a staff member's scope
/// 10069.
pub(crate) async fn warehouse_for(conn: &mut Conn, viewer: Viewer<'_>, code: &str) -> Result<WarehouseRow, AppError> {
    let code = code.trim();
    let unknown = || AppError::WarehouseNotFound(code.to_owned());
    match viewer {
        Viewer::Customer(c) => {
            let (w, granted) =
                warehouse::find_warehouse_granted(conn, code, c.customer_id).await?.ok_or_else(unknown)?;
            if !granted {
                return Err(AppError::WarehouseNotGranted(w.code));
            }
            Ok(w)
        }
        Viewer::Staff(s) => {
            let w = warehouse::find_warehouse(conn, code).await?.ok_or_else(unknown)?;
            s.check_warehouse(w.warehouse_id, &w.code)?;
            Ok(w)
        }
    }
}

/// The same, for new work: a disabled warehouse is as unknown (10051).
pub(crate) async fn enabled_warehouse_for(
    conn: &mut Conn,
    viewer: Viewer<'_>,
    code: &str,
) -> Result<WarehouseRow, AppError> {
    let w = warehouse_for(conn, viewer, code).await?;
    if w.status != Availability::Enabled {
        return Err(AppError::WarehouseNotFound(code.trim().to_owned()));
    }
    Ok(w)
}

/// A customer's orders need a warehouse that is enabled, granted and
/// accepting orders (40108 / 50000-range refusal otherwise).
pub(crate) async fn ordering_warehouse(
    conn: &mut Conn,
    customer: &CustomerPrincipal,
    code: &str,
) -> Result<WarehouseRow, AppError> {
    let w = enabled_warehouse_for(conn, Viewer::Customer(customer), code).await?;
    if w.accepting_orders == 0 {
        return Err(AppError::WarehouseNotAccepting(w.code));
    }
    Ok(w)
}

impl App {
    /// Checks a warehouse named in a query (none named: nothing to check).
    pub(crate) async fn check_named_warehouse(&self, viewer: Viewer<'_>, code: Option<&str>) -> Result<(), AppError> {
        match code.map(str::trim).filter(|c| !c.is_empty()) {
            None => Ok(()),
            Some(code) => warehouse_for(&mut *self.store.read().await?, viewer, code).await.map(|_| ()),
        }
    }

    /// Every named warehouse must be one the viewer may see.
    pub(crate) async fn check_named_warehouses(&self, viewer: Viewer<'_>, codes: &[String]) -> Result<(), AppError> {
        for code in codes {
            self.check_named_warehouse(viewer, Some(code)).await?;
        }
        Ok(())
    }

    /// The enabled warehouses granted to a customer.
    pub async fn list_warehouses(&self, customer: &CustomerPrincipal) -> Result<Vec<WarehouseRow>, AppError> {
        let mut conn = self.store.read().await?;
        let granted = party::customer_warehouse_ids(&mut conn, customer.customer_id).await?;
        let rows = warehouse::list_warehouses(&mut conn).await?;
        Ok(rows
            .into_iter()
            .filter(|w| w.status == Availability::Enabled && granted.contains(&w.warehouse_id))
            .collect())
    }

    pub async fn list_shipping_services(
        &self,
        customer: &CustomerPrincipal,
        warehouse_code: &str,
    ) -> Result<Vec<ShippingServiceRow>, AppError> {
        let mut conn = self.store.read().await?;
        let w = enabled_warehouse_for(&mut conn, Viewer::Customer(customer), warehouse_code).await?;
        Ok(warehouse::list_shipping_services(&mut conn, w.warehouse_id).await?)
    }

    /// Locations of the warehouses in the staff member's scope.
    pub async fn list_locations(
        &self,
        staff: &StaffPrincipal,
        filter: &LocationFilter,
        page: PageRequest,
    ) -> Result<Page<LocationRow>, AppError> {
        self.check_named_warehouse(Viewer::Staff(staff), filter.warehouse_code.as_deref()).await?;
        let scope = staff.warehouses.ids();
        let (rows, total) =
            warehouse::list_locations(&mut *self.store.read().await?, scope.as_deref(), filter, page).await?;
        Ok(Page::new(rows, page, total))
    }
}
