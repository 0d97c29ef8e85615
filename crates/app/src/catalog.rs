//! Products of a customer: create (one or a batch), update, read, list.

use std::collections::HashSet;

use haicang_core::product::{BATCH_MAX, ProductDraft, ProductKind, ProductSpec, ProductType};
use haicang_store::product::{self as products, ProductFilter, ProductRow};
use haicang_store::{StoreError, WriteTx};

use crate::{App, AppError, CustomerPrincipal, Page, PageRequest, now_ms};

/// A product as read back: its row and its components (SKU, quantity).
#[derive(Debug, Clone)]
pub struct ProductDetails {
    pub row: ProductRow,
    pub components: Vec<(String, i64)>,
}

impl App {
    /// Creates up to [`BATCH_MAX`] products in one transaction. Each draft
    /// gets its own result; a refused draft does not stop the others.
    pub async fn create_products(
        &self,
        customer: &CustomerPrincipal,
        drafts: &[ProductDraft],
    ) -> Result<Vec<Result<ProductDetails, AppError>>, AppError> {
        if drafts.is_empty() {
            return Err(AppError::MissingParam { field: "products" });
        }
        if drafts.len() > BATCH_MAX {
            return Err(AppError::ProductBatchTooLarge);
        }
        let specs: Vec<Result<ProductSpec, AppError>> =
            drafts.iter().map(|d| d.validate().map_err(AppError::from)).collect();
        self.retrying(|| self.create_products_once(customer, &specs, false)).await
    }

    /// An import of many products (the portal's CSV): all or none. Every
    /// row is checked; when any is refused nothing is written and the
    /// answer names each refused row (its index in `drafts`).
    pub async fn import_products(
        &self,
        customer: &CustomerPrincipal,
        drafts: &[ProductDraft],
    ) -> Result<Result<usize, Vec<(usize, AppError)>>, AppError> {
        let specs: Vec<Result<ProductSpec, AppError>> =
            drafts.iter().map(|d| d.validate().map_err(AppError::from)).collect();
        let mut imported = 0;
        let mut refused = Vec::new();
        // In chunks of one transaction each would break "all or none": the
        // whole file is one transaction (checked first, written once).
        let results = self.retrying(|| self.create_products_once(customer, &specs, true)).await?;
        for (i, r) in results.into_iter().enumerate() {
            match r {
                Ok(_) => imported += 1,
                Err(e) => refused.push((i, e)),
            }
        }
        Ok(if refused.is_empty() { Ok(imported) } else { Err(refused) })
    }

    /// `all_or_none`: a refused draft rolls back the whole batch (the
    /// results still say which drafts were refused and why).
    async fn create_products_once(
        &self,
        customer: &CustomerPrincipal,
        specs: &[Result<ProductSpec, AppError>],
        all_or_none: bool,
    ) -> Result<Vec<Result<ProductDetails, AppError>>, AppError> {
        let now = now_ms();
        let valid: Vec<&ProductSpec> = specs.iter().filter_map(|s| s.as_ref().ok()).collect();
        let skus: Vec<String> = valid.iter().map(|s| s.sku.as_str().to_owned()).collect();
        let barcodes: Vec<String> = valid.iter().map(|s| s.barcode.clone()).collect();
        let mut tx = self.store.begin_write().await?;
        // One look-up for the whole batch; later items of the batch see the
        // earlier ones through the same sets.
        let taken = products::taken(tx.conn(), customer.customer_id, &skus, &barcodes).await?;
        let mut used_skus: HashSet<String> = taken.iter().map(|(s, _)| s.clone()).collect();
        let mut used_barcodes: HashSet<String> = taken.into_iter().map(|(_, b)| b).collect();
        let mut results = Vec::with_capacity(specs.len());
        for spec in specs {
            let spec = match spec {
                Ok(spec) => spec,
                Err(e) => {
                    results.push(Err(copy_error(e)));
                    continue;
                }
            };
            let sku = spec.sku.as_str();
            if used_skus.contains(sku) {
                results.push(Err(AppError::SkuExists(sku.to_owned())));
                continue;
            }
            if used_barcodes.contains(&spec.barcode) {
                results.push(Err(AppError::BarcodeExists(spec.barcode.clone())));
                continue;
            }
            let components = match resolve_components(&mut tx, customer.customer_id, spec).await {
                Ok(c) => c,
                Err(e @ AppError::SkuNotFound(_)) => {
                    results.push(Err(e));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let id = match products::insert_product(tx.conn(), customer.customer_id, spec, &components, now).await {
                Ok(id) => id,
                // Checked above inside the same write transaction: only a
                // concurrent writer on PostgreSQL gets here, and the retry
                // will see its row.
                Err(StoreError::Duplicate(m)) => return Err(AppError::Store(StoreError::Conflict(m))),
                Err(e) => return Err(e.into()),
            };
            used_skus.insert(sku.to_owned());
            used_barcodes.insert(spec.barcode.clone());
            // A kit is listed in the seller's warehouses from the start, so
            // its buildable quantity shows before one is ever assembled.
            if !components.is_empty() {
                for warehouse_id in
                    haicang_store::party::customer_warehouse_ids(tx.conn(), customer.customer_id).await?
                {
                    let item = haicang_store::stock::Item {
                        customer_id: customer.customer_id,
                        warehouse_id,
                        product_id: id,
                        condition: haicang_core::ledger::Condition::Good,
                    };
                    haicang_store::stock::ensure_summary(&mut tx, item, now).await?;
                }
            }
            let components = match &spec.kind {
                ProductKind::Suite { components } => {
                    components.iter().map(|(s, q)| (s.as_str().to_owned(), *q)).collect()
                }
                _ => Vec::new(),
            };
            results.push(Ok(ProductDetails { row: products::row_from_spec(id, spec, now), components }));
        }
        if all_or_none && results.iter().any(Result::is_err) {
            // Dropped without commit: nothing of the batch is written.
            return Ok(results);
        }
        tx.commit().await?;
        Ok(results)
    }

    /// Replaces a product's fields (all but the SKU). The barcode, type and
    /// management flags are locked while the product has stock.
    pub async fn update_product(
        &self,
        customer: &CustomerPrincipal,
        sku: &str,
        draft: &ProductDraft,
    ) -> Result<ProductDetails, AppError> {
        let mut draft = draft.clone();
        match &draft.sku {
            Some(body_sku) if body_sku != sku => {
                return Err(AppError::InvalidParam { field: "sku", reason: "differs from the SKU in the path".into() });
            }
            _ => draft.sku = Some(sku.to_owned()),
        }
        let spec = draft.validate()?;
        self.retrying(|| self.update_product_once(customer, &spec)).await
    }

    async fn update_product_once(
        &self,
        customer: &CustomerPrincipal,
        spec: &ProductSpec,
    ) -> Result<ProductDetails, AppError> {
        let now = now_ms();
        let sku = spec.sku.as_str();
        let mut tx = self.store.begin_write().await?;
        let current = products::find_product(tx.conn(), customer.customer_id, sku)
            .await?
            .ok_or_else(|| AppError::SkuNotFound(sku.to_owned()))?;
        if let Some(other) =
            products::find_product_id_by_barcode(tx.conn(), customer.customer_id, &spec.barcode).await?
            && other != current.product_id
        {
            return Err(AppError::BarcodeExists(spec.barcode.clone()));
        }
        let identity_changes = current.product_type != spec.kind.product_type()
            || (current.serial_managed != 0) != spec.flags.serial_managed
            || (current.batch_managed != 0) != spec.flags.batch_managed;
        if (current.barcode != spec.barcode || identity_changes)
            && products::has_stock(tx.conn(), current.product_id).await?
        {
            return Err(if current.barcode != spec.barcode {
                AppError::BarcodeLockedByStock(current.barcode)
            } else {
                AppError::ProductLockedByStock(sku.to_owned())
            });
        }
        let components = resolve_components(&mut tx, customer.customer_id, spec).await?;
        products::update_product(tx.conn(), current.product_id, spec, &components, now).await?;
        let details = details_in_tx(&mut tx, customer.customer_id, sku).await?;
        tx.commit().await?;
        Ok(details)
    }

    pub async fn get_product(&self, customer: &CustomerPrincipal, sku: &str) -> Result<ProductDetails, AppError> {
        let mut conn = self.store.read().await?;
        let row = products::find_product(&mut conn, customer.customer_id, sku)
            .await?
            .ok_or_else(|| AppError::SkuNotFound(sku.to_owned()))?;
        let components = products::components_of(&mut conn, &[row.product_id]).await?;
        Ok(ProductDetails { row, components: components.into_iter().map(|c| (c.sku, c.quantity)).collect() })
    }

    pub async fn list_products(
        &self,
        customer: &CustomerPrincipal,
        filter: &ProductFilter,
        page: PageRequest,
    ) -> Result<Page<ProductDetails>, AppError> {
        let mut conn = self.store.read().await?;
        let (rows, total) = products::list_products(&mut conn, customer.customer_id, filter, page).await?;
        let ids: Vec<i64> =
            rows.iter().filter(|r| r.product_type == ProductType::Suite).map(|r| r.product_id).collect();
        let components = products::components_of(&mut conn, &ids).await?;
        let items = rows
            .into_iter()
            .map(|row| {
                let mine = components.iter().filter(|c| c.product_id == row.product_id);
                ProductDetails { components: mine.map(|c| (c.sku.clone(), c.quantity)).collect(), row }
            })
            .collect();
        Ok(Page::new(items, page, total))
    }
}

/// Validation errors are reported per item and also kept for a retry of
/// the whole batch, so they are copied rather than moved.
fn copy_error(e: &AppError) -> AppError {
    match e {
        AppError::Product(p) => AppError::Product(p.clone()),
        other => AppError::InvalidParam { field: "product", reason: other.to_string() },
    }
}

async fn resolve_components(
    tx: &mut WriteTx,
    customer_id: i64,
    spec: &ProductSpec,
) -> Result<Vec<(i64, i64)>, AppError> {
    let ProductKind::Suite { components } = &spec.kind else { return Ok(Vec::new()) };
    let skus: Vec<String> = components.iter().map(|(s, _)| s.as_str().to_owned()).collect();
    let ids = products::product_ids(tx.conn(), customer_id, &skus).await?;
    components
        .iter()
        .map(|(sku, quantity)| {
            ids.iter()
                .find(|(s, _)| s == sku.as_str())
                .map(|(_, id)| (*id, *quantity))
                .ok_or_else(|| AppError::SkuNotFound(sku.as_str().to_owned()))
        })
        .collect()
}

async fn details_in_tx(tx: &mut WriteTx, customer_id: i64, sku: &str) -> Result<ProductDetails, AppError> {
    let row = products::find_product(tx.conn(), customer_id, sku)
        .await?
        .ok_or_else(|| AppError::SkuNotFound(sku.to_owned()))?;
    let components = products::components_of(tx.conn(), &[row.product_id]).await?;
    Ok(ProductDetails { row, components: components.into_iter().map(|c| (c.sku, c.quantity)).collect() })
}
