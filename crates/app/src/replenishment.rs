//! Pick-face replenishment: a minimum and a maximum per SKU and pick face;
//! a face below its minimum is topped up to its maximum from reserve
//! locations, the first-expiring and oldest lots first (the same issue
//! order as picking), never from units an open pick holds. Confirming runs
//! the proposal as one move document.

use haicang_core::location::LocationType;
use haicang_core::lots::{self, LotStock};
use haicang_store::product as products;
use haicang_store::stock::{self, ReplenishmentRow};
use haicang_store::{Conn, party, warehouse};

use crate::floor::{MoveCommand, MoveLine, Posted};
use crate::warehouses::enabled_warehouse_for;
use crate::{App, AppError, StaffPrincipal, Viewer, now_ms};

/// Rules one request may set.
pub const RULES_MAX: usize = 500;

#[derive(Debug, Clone)]
pub struct RuleInput {
    pub location_code: String,
    pub sku: String,
    pub customer_code: String,
    pub min: i64,
    pub max: i64,
}

/// One proposed move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub customer_code: String,
    pub sku: String,
    pub from_location_code: String,
    pub to_location_code: String,
    pub lot_no: String,
    pub quantity: i64,
}

impl App {
    /// `PUT /ops/replenishment/rules` (SUPERVISOR): sets or changes rules.
    pub async fn set_replenishment_rules(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
        rules: &[RuleInput],
    ) -> Result<Vec<ReplenishmentRow>, AppError> {
        if rules.is_empty() {
            return Err(AppError::MissingParam { field: "rules" });
        }
        if rules.len() > RULES_MAX {
            return Err(AppError::InvalidParam { field: "rules", reason: format!("at most {RULES_MAX}") });
        }
        if let Some(r) = rules.iter().find(|r| r.min < 0 || r.max <= r.min || r.max > 1_000_000) {
            return Err(AppError::InvalidParam {
                field: "rules.max",
                reason: format!("{} at {}: 0 ≤ min < max ≤ 1000000", r.sku, r.location_code),
            });
        }
        let warehouse_id = self.retrying(|| self.set_rules_once(staff, warehouse_code, rules)).await?;
        Ok(stock::replenishment_rules(&mut *self.store.read().await?, warehouse_id).await?)
    }

    async fn set_rules_once(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
        rules: &[RuleInput],
    ) -> Result<i64, AppError> {
        let now = now_ms();
        let mut tx = self.store.begin_write().await?;
        let w = enabled_warehouse_for(tx.conn(), Viewer::Staff(staff), warehouse_code).await?;
        for r in rules {
            let code = r.location_code.trim().to_ascii_uppercase();
            let face = warehouse::find_location(tx.conn(), w.warehouse_id, &code)
                .await?
                .ok_or_else(|| AppError::LocationNotFound(code.clone()))?;
            if face.location_type != LocationType::PickFace {
                return Err(AppError::LocationNotAllowed {
                    location: code,
                    reason: "replenishment rules are for PICK_FACE locations".into(),
                });
            }
            let customer = party::find_customer(tx.conn(), r.customer_code.trim())
                .await?
                .ok_or_else(|| AppError::CustomerNotFound(r.customer_code.trim().to_owned()))?;
            let product = products::find_product(tx.conn(), customer.customer_id, r.sku.trim())
                .await?
                .ok_or_else(|| AppError::SkuNotFound(r.sku.trim().to_owned()))?;
            stock::upsert_replenishment_rule(
                &mut tx,
                w.warehouse_id,
                face.location_id,
                product.product_id,
                r.min,
                r.max,
                now,
            )
            .await?;
        }
        let detail = serde_json::json!({"rules": rules.iter().map(|r| serde_json::json!({
            "locationCode": r.location_code, "sku": r.sku, "customerCode": r.customer_code, "min": r.min, "max": r.max,
        })).collect::<Vec<_>>()});
        let actor = crate::audit::Actor::staff(staff);
        let action = crate::audit::action::REPLENISHMENT_RULES;
        crate::audit::record(tx.conn(), &actor, action, &w.code, crate::audit::Outcome::Success, detail).await?;
        tx.commit().await?;
        Ok(w.warehouse_id)
    }

    pub async fn replenishment_rules(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
    ) -> Result<Vec<ReplenishmentRow>, AppError> {
        let mut conn = self.store.read().await?;
        let w = crate::warehouses::warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        Ok(stock::replenishment_rules(&mut conn, w.warehouse_id).await?)
    }

    /// `POST /ops/replenishment/plan`: the moves that would bring every face
    /// below its minimum up to its maximum (as far as reserve stock goes).
    pub async fn replenishment_plan(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
    ) -> Result<Vec<Proposal>, AppError> {
        let mut conn = self.store.read().await?;
        let w = enabled_warehouse_for(&mut conn, Viewer::Staff(staff), warehouse_code).await?;
        plan(&mut conn, w.warehouse_id).await
    }

    /// `POST /ops/replenishment/confirm`: plans again and runs the moves as
    /// one MV document (`inventory.moved`); nothing to move is an empty
    /// answer, not an error.
    pub async fn confirm_replenishment(
        &self,
        staff: &StaffPrincipal,
        warehouse_code: &str,
    ) -> Result<Option<Posted>, AppError> {
        let proposals = self.replenishment_plan(staff, warehouse_code).await?;
        if proposals.is_empty() {
            return Ok(None);
        }
        let lines = proposals
            .into_iter()
            .map(|p| MoveLine {
                sku: p.sku,
                customer_code: Some(p.customer_code),
                from_location_code: p.from_location_code,
                to_location_code: p.to_location_code,
                quantity: p.quantity,
                condition: haicang_core::ledger::Condition::Good,
                lot_no: Some(p.lot_no),
                serials: Vec::new(),
            })
            .collect();
        let cmd = MoveCommand {
            warehouse_code: warehouse_code.trim().to_owned(),
            reason: Some("replenishment".into()),
            lines,
        };
        Ok(Some(self.move_stock(staff, &cmd).await?))
    }
}

async fn plan(conn: &mut Conn, warehouse_id: i64) -> Result<Vec<Proposal>, AppError> {
    let rules = stock::replenishment_rules(conn, warehouse_id).await?;
    let mut out = Vec::new();
    for rule in rules.iter().filter(|r| r.on_face < r.min_quantity) {
        let wanted = rule.max_quantity - rule.on_face;
        let sources = stock::reserve_stock(conn, warehouse_id, rule.product_id).await?;
        // Each (location, lot) as its own entry, in issue order.
        let entries: Vec<LotStock> =
            sources.iter().enumerate().map(|(i, (_, _, lot))| LotStock { lot_id: i as i64, ..lot.clone() }).collect();
        let available: i64 = entries.iter().map(|e| e.quantity.max(0)).sum();
        let takes = match lots::take(&entries, wanted.min(available)) {
            Ok(takes) => takes,
            Err(_) => continue,
        };
        for (index, quantity) in takes {
            let (location_code, lot_no, _) = &sources[index as usize];
            out.push(Proposal {
                customer_code: rule.customer_code.clone(),
                sku: rule.sku.clone(),
                from_location_code: location_code.clone(),
                to_location_code: rule.location_code.clone(),
                lot_no: lot_no.clone(),
                quantity,
            });
        }
    }
    Ok(out)
}
