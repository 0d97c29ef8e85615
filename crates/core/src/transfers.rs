//! Transfers between warehouses and B2B (marketplace) box shipments: the
//! rules that are not an ordinary parcel order's.
//!
//! Both are outbound orders of another [`OrderKind`]: the source warehouse
//! waves, picks, packs and ships them with the parcel order's machinery.
//! What differs is decided here: where the goods go ([`Destination`]), what
//! a seller sees as the transfer's status ([`TransferStatus::of`], derived
//! from the two legs so it cannot drift from them), and whether packed
//! cartons are the cartons asked for ([`check_cartons`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::inbound::InboundStatus;
use crate::outbound::OutboundStatus;
use crate::text::{char_len, text_enum};

/// Cartons one order may be packed into: the scan code's sequence has
/// three digits.
pub const BOXES_MAX: usize = 999;
/// SKUs in one carton.
pub const BOX_LINES_MAX: usize = 100;
/// Longest marketplace shipment id (Amazon's are 12, Walmart's longer).
pub const SHIPMENT_ID_CHARS_MAX: usize = 50;

text_enum!(
    /// What an outbound order is: a parcel to a consumer (the default), a
    /// transfer of the seller's own stock, or cartons to a business
    /// (a marketplace's warehouse).
    OrderKind {
        Parcel => "PARCEL",
        Transfer => "TRANSFER",
        B2b => "B2B",
    }
);

text_enum!(
    /// Where a transfer goes.
    DestinationType {
        /// Another haicang warehouse: received there by the inbound flow.
        Warehouse => "WAREHOUSE",
        /// A marketplace's fulfilment centre: the goods leave us.
        Marketplace => "MARKETPLACE",
    }
);

text_enum!(
    /// Marketplace fulfilment programmes cartons are sent to.
    MarketplacePlatform {
        AmazonFba => "AMAZON_FBA",
        WalmartWfs => "WALMART_WFS",
        TiktokFbt => "TIKTOK_FBT",
        Temu => "TEMU",
        Other => "OTHER",
    }
);

text_enum!(
    /// A transfer's status as the seller reads it.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    TransferStatus {
        /// Reserved at the source, not yet picked.
        Created => "CREATED",
        /// The source warehouse is picking or packing it.
        Processing => "PROCESSING",
        /// Shipped to a warehouse, not yet there.
        InTransit => "IN_TRANSIT",
        /// At the destination's dock, being counted.
        Receiving => "RECEIVING",
        /// Counted in at the destination (put away or not).
        Received => "RECEIVED",
        /// Shipped to a marketplace: done on our side.
        Shipped => "SHIPPED",
        /// Could not be picked; staff decide.
        Exception => "EXCEPTION",
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    /// A sealed carton's life: SEALED on a shelf (or at a dock), RESERVED
    /// by a B2B order that ships it whole, ALLOCATED once a wave sends a
    /// picker for it, SHIPPED with the order; OPENED when staff break it
    /// (its units become loose stock).
    CartonStatus {
        Sealed => "SEALED",
        Reserved => "RESERVED",
        Allocated => "ALLOCATED",
        Opened => "OPENED",
        Shipped => "SHIPPED",
    }
);

impl CartonStatus {
    /// Whether its units are closed to ordinary picks, issues and moves
    /// (an ALLOCATED carton's units are held by its allocation instead).
    pub fn holds_units(self) -> bool {
        matches!(self, CartonStatus::Sealed | CartonStatus::Reserved)
    }
}

impl OrderKind {
    /// The document type its numbers and ledger movements carry.
    pub fn document_type(self) -> crate::document::DocumentType {
        match self {
            OrderKind::Parcel => crate::document::DocumentType::Outbound,
            OrderKind::Transfer => crate::document::DocumentType::Transfer,
            OrderKind::B2b => crate::document::DocumentType::B2bOutbound,
        }
    }
}

impl TransferStatus {
    /// The status of a transfer whose source leg is `outbound` and whose
    /// receiving leg (once shipped to a warehouse) is `inbound`.
    pub fn of(outbound: OutboundStatus, inbound: Option<InboundStatus>) -> TransferStatus {
        match (outbound, inbound) {
            (OutboundStatus::Created, _) => TransferStatus::Created,
            (OutboundStatus::Waved | OutboundStatus::Picking | OutboundStatus::Picked | OutboundStatus::Packed, _) => {
                TransferStatus::Processing
            }
            (OutboundStatus::Exception, _) => TransferStatus::Exception,
            (OutboundStatus::Cancelled, _) => TransferStatus::Cancelled,
            (OutboundStatus::Shipped, None) => TransferStatus::Shipped,
            (OutboundStatus::Shipped, Some(s)) => match s {
                InboundStatus::Draft | InboundStatus::Submitted => TransferStatus::InTransit,
                InboundStatus::Arrived | InboundStatus::Receiving => TransferStatus::Receiving,
                InboundStatus::Received | InboundStatus::PuttingAway | InboundStatus::PutawayDone => {
                    TransferStatus::Received
                }
                // A leg is never cancelled; were it, the goods are not ours.
                InboundStatus::Cancelled => TransferStatus::Cancelled,
            },
        }
    }

    /// The outbound statuses a seller's status filter means.
    pub fn outbound_statuses(self) -> &'static [OutboundStatus] {
        match self {
            TransferStatus::Created => &[OutboundStatus::Created],
            TransferStatus::Processing => {
                &[OutboundStatus::Waved, OutboundStatus::Picking, OutboundStatus::Picked, OutboundStatus::Packed]
            }
            TransferStatus::Exception => &[OutboundStatus::Exception],
            TransferStatus::Cancelled => &[OutboundStatus::Cancelled],
            TransferStatus::InTransit
            | TransferStatus::Receiving
            | TransferStatus::Received
            | TransferStatus::Shipped => &[OutboundStatus::Shipped],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransferError {
    #[error("a transfer must go to another warehouse")]
    SameWarehouse,
    #[error("{0} is required")]
    Required(&'static str),
    #[error("{field} can be up to {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("destination.type must be WAREHOUSE or MARKETPLACE")]
    DestinationType,
    #[error("destination.platform must be one of AMAZON_FBA, WALMART_WFS, TIKTOK_FBT, TEMU, OTHER")]
    Platform,
    #[error("carton plan of {sku}: {reason}")]
    CartonPlan { sku: String, reason: String },
    #[error("cartons of {sku} do not match the plan: {reason}")]
    Cartons { sku: String, reason: String },
    #[error("a carton is empty or holds a SKU twice")]
    EmptyCarton,
    #[error("an order may be packed into 1 to {BOXES_MAX} cartons")]
    BoxCount,
}

/// The marketplace end of a shipment (FBA and the like).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketplaceDestination {
    pub platform: MarketplacePlatform,
    pub shipment_id: String,
}

impl MarketplaceDestination {
    pub fn parse(platform: &str, shipment_id: &str) -> Result<MarketplaceDestination, TransferError> {
        if platform.trim().is_empty() {
            return Err(TransferError::Required("destination.platform"));
        }
        let platform = MarketplacePlatform::parse(platform).ok_or(TransferError::Platform)?;
        let shipment_id = shipment_id.trim();
        if shipment_id.is_empty() {
            return Err(TransferError::Required("destination.shipmentId"));
        }
        if char_len(shipment_id) > SHIPMENT_ID_CHARS_MAX {
            return Err(TransferError::TooLong { field: "destination.shipmentId", max: SHIPMENT_ID_CHARS_MAX });
        }
        Ok(MarketplaceDestination { platform, shipment_id: shipment_id.to_owned() })
    }
}

/// One line of a carton plan: `boxes` cartons of `units_per_box` units of
/// a SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartonLine {
    pub sku: String,
    pub units_per_box: i64,
    pub boxes: i64,
}

/// A carton plan must cover exactly the ordered units of each SKU it
/// names (SKUs it does not name are packed freely).
pub fn check_carton_plan(plan: &[CartonLine], ordered: &BTreeMap<String, i64>) -> Result<(), TransferError> {
    let mut planned: BTreeMap<&str, i64> = BTreeMap::new();
    let mut boxes = 0i64;
    for line in plan {
        let bad = |reason: &str| TransferError::CartonPlan { sku: line.sku.clone(), reason: reason.to_owned() };
        if !(1..=100_000).contains(&line.units_per_box) || !(1..=BOXES_MAX as i64).contains(&line.boxes) {
            return Err(bad("unitsPerBox 1 to 100000 and 1 to 999 cartons"));
        }
        if !ordered.contains_key(&line.sku) {
            return Err(bad("the SKU is not on the order"));
        }
        boxes += line.boxes;
        *planned.entry(line.sku.as_str()).or_default() += line.units_per_box * line.boxes;
    }
    if boxes > BOXES_MAX as i64 {
        return Err(TransferError::BoxCount);
    }
    for (sku, units) in planned {
        let want = ordered[sku];
        if units != want {
            return Err(TransferError::CartonPlan {
                sku: sku.to_owned(),
                reason: format!("the cartons hold {units} units, the order {want}"),
            });
        }
    }
    Ok(())
}

/// Packed cartons against the plan: every planned SKU packed only in
/// single-SKU cartons of a planned size, as many of each size as planned.
/// ("Shipping an incomplete carton" is the refusal a B2B customer needs:
/// the marketplace books cartons by their label.)
pub fn check_cartons(plan: &[CartonLine], packed: &[Vec<(String, i64)>]) -> Result<(), TransferError> {
    if packed.is_empty() || packed.len() > BOXES_MAX {
        return Err(TransferError::BoxCount);
    }
    for carton in packed {
        let mut skus: Vec<&str> = carton.iter().map(|(s, _)| s.as_str()).collect();
        skus.sort_unstable();
        let twice = skus.windows(2).any(|w| w[0] == w[1]);
        if carton.is_empty() || carton.len() > BOX_LINES_MAX || twice || carton.iter().any(|(_, q)| *q <= 0) {
            return Err(TransferError::EmptyCarton);
        }
    }
    let mut wanted: BTreeMap<(&str, i64), i64> = BTreeMap::new();
    for line in plan {
        *wanted.entry((line.sku.as_str(), line.units_per_box)).or_default() += line.boxes;
    }
    let mut got: BTreeMap<(&str, i64), i64> = BTreeMap::new();
    for carton in packed {
        for (sku, units) in carton {
            if plan.iter().any(|l| l.sku == *sku) {
                if carton.len() > 1 {
                    return Err(TransferError::Cartons {
                        sku: sku.clone(),
                        reason: "planned cartons hold one SKU".into(),
                    });
                }
                *got.entry((sku.as_str(), *units)).or_default() += 1;
            }
        }
    }
    for ((sku, size), n) in &got {
        let want = wanted.get(&(*sku, *size)).copied().unwrap_or(0);
        if want == 0 {
            return Err(TransferError::Cartons {
                sku: (*sku).to_owned(),
                reason: format!("a carton of {size} units is not a planned carton (incomplete or overfilled)"),
            });
        }
        if *n != want {
            return Err(TransferError::Cartons {
                sku: (*sku).to_owned(),
                reason: format!("{n} cartons of {size} units packed, {want} planned"),
            });
        }
    }
    for ((sku, size), want) in &wanted {
        if !got.contains_key(&(*sku, *size)) {
            return Err(TransferError::Cartons {
                sku: (*sku).to_owned(),
                reason: format!("0 cartons of {size} units packed, {want} planned"),
            });
        }
    }
    Ok(())
}

/// What the cartons hold in total, per SKU (what packing compares with the
/// picked units).
pub fn carton_totals(packed: &[Vec<(String, i64)>]) -> Vec<(String, i64)> {
    let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
    for carton in packed {
        for (sku, q) in carton {
            let t = totals.entry(sku.as_str()).or_default();
            *t = t.saturating_add(*q);
        }
    }
    totals.into_iter().map(|(s, q)| (s.to_owned(), q)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(lines: &[(&str, i64, i64)]) -> Vec<CartonLine> {
        lines.iter().map(|(s, u, b)| CartonLine { sku: (*s).into(), units_per_box: *u, boxes: *b }).collect()
    }

    fn cartons(c: &[&[(&str, i64)]]) -> Vec<Vec<(String, i64)>> {
        c.iter().map(|b| b.iter().map(|(s, q)| ((*s).to_owned(), *q)).collect()).collect()
    }

    #[test]
    fn status_follows_both_legs() {
        use InboundStatus as I;
        use OutboundStatus as O;
        assert_eq!(TransferStatus::of(O::Created, None), TransferStatus::Created);
        assert_eq!(TransferStatus::of(O::Picking, None), TransferStatus::Processing);
        assert_eq!(TransferStatus::of(O::Shipped, Some(I::Submitted)), TransferStatus::InTransit);
        assert_eq!(TransferStatus::of(O::Shipped, Some(I::Receiving)), TransferStatus::Receiving);
        assert_eq!(TransferStatus::of(O::Shipped, Some(I::PutawayDone)), TransferStatus::Received);
        assert_eq!(TransferStatus::of(O::Shipped, None), TransferStatus::Shipped);
        for s in TransferStatus::ALL {
            for o in s.outbound_statuses() {
                let leg = match s {
                    TransferStatus::InTransit => Some(I::Submitted),
                    TransferStatus::Receiving => Some(I::Arrived),
                    TransferStatus::Received => Some(I::Received),
                    _ => None,
                };
                assert_eq!(TransferStatus::of(*o, leg), *s, "{o:?}");
            }
        }
    }

    #[test]
    fn a_plan_covers_the_ordered_units_exactly() {
        let ordered: BTreeMap<String, i64> = [("A".to_owned(), 20), ("B".to_owned(), 3)].into();
        assert!(check_carton_plan(&plan(&[("A", 10, 2)]), &ordered).is_ok());
        assert!(check_carton_plan(&plan(&[("A", 6, 3), ("A", 2, 1)]), &ordered).is_ok());
        assert!(matches!(check_carton_plan(&plan(&[("A", 10, 1)]), &ordered), Err(TransferError::CartonPlan { .. })));
        assert!(matches!(check_carton_plan(&plan(&[("C", 1, 1)]), &ordered), Err(TransferError::CartonPlan { .. })));
        assert!(check_carton_plan(&plan(&[("A", 0, 1)]), &ordered).is_err());
    }

    #[test]
    fn packed_cartons_must_be_the_planned_ones() {
        let p = plan(&[("A", 10, 2)]);
        assert!(check_cartons(&p, &cartons(&[&[("A", 10)], &[("A", 10)], &[("B", 3)]])).is_ok());
        // An incomplete carton.
        let e = check_cartons(&p, &cartons(&[&[("A", 10)], &[("A", 9)], &[("A", 1)]])).unwrap_err();
        assert!(matches!(e, TransferError::Cartons { ref reason, .. } if reason.contains("incomplete")), "{e}");
        // Mixed with another SKU.
        assert!(check_cartons(&p, &cartons(&[&[("A", 10)], &[("A", 10), ("B", 3)]])).is_err());
        // One carton short.
        assert!(check_cartons(&p, &cartons(&[&[("A", 10)]])).is_err());
        // Without a plan anything non-empty goes.
        assert!(check_cartons(&[], &cartons(&[&[("A", 7), ("B", 3)]])).is_ok());
        assert_eq!(check_cartons(&[], &cartons(&[&[]])), Err(TransferError::EmptyCarton));
        assert_eq!(check_cartons(&[], &cartons(&[&[("A", 1), ("A", 2)]])), Err(TransferError::EmptyCarton));
        assert_eq!(check_cartons(&[], &[]), Err(TransferError::BoxCount));
    }

    #[test]
    fn carton_totals_add_up_per_sku() {
        let t = carton_totals(&cartons(&[&[("A", 10)], &[("A", 5), ("B", 3)]]));
        assert_eq!(t, vec![("A".to_owned(), 15), ("B".to_owned(), 3)]);
    }
}
