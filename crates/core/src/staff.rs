//! Who on the warehouse floor may do what, and where.
//!
//! Roles are ranked: an OPERATOR does the scan work (arrive, receive,
//! putaway, pick, pack, ship, count entry, moves), a SUPERVISOR also
//! decides (adjustments, wave release, interceptions on behalf of sellers,
//! count approval, return dispositions, location changes), an ADMIN also
//! runs the operator's business (staff, customers, apps, rates, warehouse
//! settings). Which route needs which role is one table next to the routes
//! (crates/api/src/routes/mod.rs); this module only ranks and checks.

use std::collections::BTreeSet;

use crate::text::text_enum;

text_enum!(
    /// Declared from least to most trusted: the derived order is the rank.
    StaffRole { Operator => "OPERATOR", Supervisor => "SUPERVISOR", Admin => "ADMIN" }
);

impl StaffRole {
    /// Whether this role may do what `required` may.
    pub fn covers(self, required: StaffRole) -> bool {
        self >= required
    }
}

/// The warehouses a staff member may work in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum WarehouseScope {
    /// No warehouse named: every warehouse, present and future.
    #[default]
    All,
    /// Only these warehouse ids.
    Only(BTreeSet<i64>),
}

impl WarehouseScope {
    /// Builds the scope from the staff member's warehouse rows (none = all).
    pub fn from_ids(ids: impl IntoIterator<Item = i64>) -> WarehouseScope {
        let ids: BTreeSet<i64> = ids.into_iter().collect();
        if ids.is_empty() { WarehouseScope::All } else { WarehouseScope::Only(ids) }
    }

    pub fn permits(&self, warehouse_id: i64) -> bool {
        match self {
            WarehouseScope::All => true,
            WarehouseScope::Only(ids) => ids.contains(&warehouse_id),
        }
    }

    /// The ids a list must be limited to (`None`: no limit).
    pub fn ids(&self) -> Option<Vec<i64>> {
        match self {
            WarehouseScope::All => None,
            WarehouseScope::Only(ids) => Some(ids.iter().copied().collect()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_rank_operator_below_supervisor_below_admin() {
        assert!(StaffRole::Admin.covers(StaffRole::Supervisor));
        assert!(StaffRole::Supervisor.covers(StaffRole::Supervisor));
        assert!(!StaffRole::Operator.covers(StaffRole::Supervisor));
        assert!(!StaffRole::Supervisor.covers(StaffRole::Admin));
        assert_eq!(StaffRole::parse(" supervisor "), Some(StaffRole::Supervisor));
        assert_eq!(StaffRole::try_from("admin".to_owned()).ok(), None, "stored values are exact");
    }

    #[test]
    fn an_empty_scope_is_every_warehouse() {
        assert!(WarehouseScope::from_ids([]).permits(7));
        let only = WarehouseScope::from_ids([1, 3]);
        assert!(only.permits(3) && !only.permits(2));
        assert_eq!(only.ids(), Some(vec![1, 3]));
    }
}
