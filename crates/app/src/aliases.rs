//! Dialect aliases: the codes a seller's ERP already uses with another WMS
//! vendor (JF warehouse `YK`) and the haicang codes they stand for
//! (`US-LA01`). Gateways translate through them both ways; operators set
//! them with `haicang admin alias`.

use serde_json::json;

use haicang_core::dialects::{self, AliasKind, Dialect};
use haicang_store::aliases::{self, AliasRow};
use haicang_store::warehouse;

use crate::audit::{self, Actor, Outcome};
use crate::{App, AppError, now_ms};

fn dialect(text: &str) -> Result<Dialect, AppError> {
    Dialect::parse(text).ok_or_else(|| AppError::InvalidParam {
        field: "dialect",
        reason: "JF, QIANYI, WINIT, ONIXPORT or SUOEN".into(),
    })
}

fn kind(text: &str) -> Result<AliasKind, AppError> {
    AliasKind::parse(text)
        .ok_or_else(|| AppError::InvalidParam { field: "kind", reason: "WAREHOUSE or SHIPPING_SERVICE".into() })
}

fn vendor_code(text: &str) -> Result<&str, AppError> {
    dialects::vendor_code(text).ok_or_else(|| AppError::InvalidParam {
        field: "vendorCode",
        reason: format!("1 to {} characters", dialects::VENDOR_CODE_CHARS_MAX),
    })
}

impl App {
    /// `vendor` (of `dialect`) stands for haicang's `code`, which must exist.
    pub async fn set_alias(
        &self,
        dialect_name: &str,
        kind_name: &str,
        vendor: &str,
        code: &str,
    ) -> Result<(), AppError> {
        let (d, k, v) = (dialect(dialect_name)?, kind(kind_name)?, vendor_code(vendor)?);
        let code = code.trim().to_ascii_uppercase();
        let mut tx = self.store.begin_write().await?;
        match k {
            AliasKind::Warehouse => {
                warehouse::find_warehouse(tx.conn(), &code)
                    .await?
                    .ok_or_else(|| AppError::WarehouseNotFound(code.clone()))?;
            }
            AliasKind::ShippingService => {
                let mut found = false;
                for w in warehouse::list_warehouses(tx.conn()).await? {
                    found |= warehouse::find_shipping_service(tx.conn(), w.warehouse_id, &code).await?.is_some();
                }
                if !found {
                    return Err(AppError::ShippingServiceUnknown(code));
                }
            }
        }
        aliases::set(&mut tx, d, k, v, &code, now_ms()).await?;
        let detail = json!({"dialect": d.as_str(), "kind": k.as_str(), "vendorCode": v, "haicangCode": code});
        audit::record(tx.conn(), &Actor::cli(), audit::action::ALIAS_SET, v, Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes an alias; whether there was one.
    pub async fn remove_alias(&self, dialect_name: &str, kind_name: &str, vendor: &str) -> Result<bool, AppError> {
        let (d, k, v) = (dialect(dialect_name)?, kind(kind_name)?, vendor_code(vendor)?);
        let mut tx = self.store.begin_write().await?;
        let removed = aliases::remove(&mut tx, d, k, v).await?;
        if removed {
            let detail = json!({"dialect": d.as_str(), "kind": k.as_str(), "vendorCode": v});
            audit::record(tx.conn(), &Actor::cli(), audit::action::ALIAS_REMOVE, v, Outcome::Success, detail).await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    pub async fn list_aliases(&self, dialect_name: Option<&str>) -> Result<Vec<AliasRow>, AppError> {
        let d = dialect_name.map(dialect).transpose()?;
        Ok(aliases::list(&mut *self.store.read().await?, d).await?)
    }

    /// The haicang code of a vendor code; a code without an alias stands
    /// for itself (an ERP may already use haicang's codes).
    pub async fn resolve_alias(&self, dialect: Dialect, kind: AliasKind, vendor: &str) -> Result<String, AppError> {
        let found = aliases::resolve(&mut *self.store.read().await?, dialect, kind, vendor.trim()).await?;
        Ok(found.unwrap_or_else(|| vendor.trim().to_owned()))
    }

    /// The vendor code a haicang code is shown as (itself without an alias).
    pub async fn vendor_alias(&self, dialect: Dialect, kind: AliasKind, code: &str) -> Result<String, AppError> {
        let found = aliases::vendor_code_of(&mut *self.store.read().await?, dialect, kind, code).await?;
        Ok(found.unwrap_or_else(|| code.to_owned()))
    }
}
