//! Stock per warehouse and SKU, the unit every dialect reports: haicang's
//! stock rows are per condition, so each dialect's inventory query folds
//! them here once and only renders the result in its own names.

use haicang_app::inventory::StockLine;
use haicang_core::ledger::Condition;
use haicang_core::product::ProductType;

/// One warehouse's units of one SKU.
#[derive(Debug, Clone, Default)]
pub struct SkuStock {
    pub warehouse_code: String,
    pub sku: String,
    pub name: String,
    pub product_type: Option<ProductType>,
    /// GOOD units on hand, and of them reserved.
    pub good: i64,
    pub reserved: i64,
    /// Units in every other condition.
    pub non_good: i64,
    /// GOOD units on their way: announced inbound, transfers, returns.
    pub inbound: i64,
    pub transfer: i64,
    pub returned: i64,
    /// Declared customs value per unit and its currency.
    pub unit_value_micros: Option<i64>,
    pub currency: Option<String>,
}

impl SkuStock {
    pub fn total(&self) -> i64 {
        self.good + self.non_good
    }

    pub fn available(&self) -> i64 {
        self.good - self.reserved
    }

    pub fn in_transit(&self) -> i64 {
        self.inbound + self.transfer + self.returned
    }
}

/// The rows folded per (warehouse, SKU), in the order first seen.
pub fn per_sku(lines: &[StockLine]) -> Vec<SkuStock> {
    let mut out: Vec<SkuStock> = Vec::new();
    for line in lines {
        let r = &line.row;
        let at = match out.iter().position(|s| s.warehouse_code == r.warehouse_code && s.sku == r.sku) {
            Some(i) => i,
            None => {
                out.push(SkuStock {
                    warehouse_code: r.warehouse_code.clone(),
                    sku: r.sku.clone(),
                    name: r.product_name.clone(),
                    product_type: Some(r.product_type),
                    unit_value_micros: r.declared_value_micros,
                    currency: r.declared_currency.clone(),
                    ..SkuStock::default()
                });
                out.len() - 1
            }
        };
        let s = &mut out[at];
        if r.condition == Condition::Good {
            s.good += r.on_hand;
            s.reserved += r.reserved;
            s.inbound += r.inbound_in_transit.unwrap_or(0);
            s.transfer += r.transfer_in_transit.unwrap_or(0);
            s.returned += r.return_in_transit.unwrap_or(0);
        } else {
            s.non_good += r.on_hand;
        }
    }
    out
}
