//! Which lot units leave first: the one rule for picks, adjustments and
//! every other issue. First expired, first out (FEFO) where lots carry an
//! expiry date (batch-managed SKUs); lots without one come after those
//! with one; then first in, first out by inbound day; then by lot id, so
//! the order is total and the same on every run.

use std::cmp::Ordering;

/// The order of two lots for issuing (`Less`: issue `a` first).
pub fn issue_order(a: (Option<&str>, i64, i64), b: (Option<&str>, i64, i64)) -> Ordering {
    let ((a_expiry, a_inbound, a_lot), (b_expiry, b_inbound, b_lot)) = (a, b);
    let expiry = |e: Option<&str>| (e.is_none(), e.map(str::to_owned));
    expiry(a_expiry).cmp(&expiry(b_expiry)).then(a_inbound.cmp(&b_inbound)).then(a_lot.cmp(&b_lot))
}

/// Units of one lot at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotStock {
    pub lot_id: i64,
    pub quantity: i64,
    /// Unix ms.
    pub inbound_at: i64,
    /// YYYY-MM-DD.
    pub expiry_date: Option<String>,
}

/// Takes `wanted` units lot by lot in issue order: (lot id, units), or
/// `Err(units there are)` when there are fewer.
pub fn take(lots: &[LotStock], wanted: i64) -> Result<Vec<(i64, i64)>, i64> {
    let mut ordered: Vec<&LotStock> = lots.iter().filter(|l| l.quantity > 0).collect();
    ordered.sort_by(|a, b| {
        issue_order(
            (a.expiry_date.as_deref(), a.inbound_at, a.lot_id),
            (b.expiry_date.as_deref(), b.inbound_at, b.lot_id),
        )
    });
    let mut left = wanted;
    let mut takes = Vec::new();
    for lot in ordered {
        if left == 0 {
            break;
        }
        let n = lot.quantity.min(left);
        takes.push((lot.lot_id, n));
        left -= n;
    }
    if left > 0 { Err(lots.iter().map(|l| l.quantity.max(0)).sum()) } else { Ok(takes) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lot(lot_id: i64, quantity: i64, inbound_at: i64, expiry: Option<&str>) -> LotStock {
        LotStock { lot_id, quantity, inbound_at, expiry_date: expiry.map(str::to_owned) }
    }

    #[test]
    fn the_first_to_expire_leaves_first_even_if_it_came_in_later() {
        let lots = [lot(1, 5, 100, Some("2027-06-01")), lot(2, 5, 200, Some("2027-01-01")), lot(3, 5, 50, None)];
        assert_eq!(take(&lots, 7), Ok(vec![(2, 5), (1, 2)]));
        assert_eq!(take(&lots, 15), Ok(vec![(2, 5), (1, 5), (3, 5)]));
        assert_eq!(take(&lots, 16), Err(15));
    }

    #[test]
    fn without_expiry_the_oldest_inbound_leaves_first() {
        let lots = [lot(7, 2, 300, None), lot(4, 2, 100, None), lot(5, 0, 50, None)];
        assert_eq!(take(&lots, 3), Ok(vec![(4, 2), (7, 1)]));
    }
}
