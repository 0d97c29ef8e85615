//! What a 3PL charges: a rate card's rates and the arithmetic that turns a
//! document or a day of storage into charge lines. Money is integer minor
//! units of the card's currency (cents for USD/EUR); the one place that
//! divides — storage, rated per cubic metre per day and measured in cm³ —
//! rounds each charge line half to even.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::text_enum;

/// Largest rate or amount a card may name, in minor units (10 million in
/// the major unit): a guard against typos, and against overflow in the
/// products below.
pub const RATE_MAX: i64 = 1_000_000_000;
/// Most weight bands and storage tiers a card may have.
pub const BANDS_MAX: usize = 20;
/// cm³ in a m³.
const CM3_PER_M3: i128 = 1_000_000;

text_enum!(
    /// What a charge is for.
    ChargeType {
        InboundReceiving => "INBOUND_RECEIVING",
        Putaway => "PUTAWAY",
        OutboundOrder => "OUTBOUND_ORDER",
        Pick => "PICK",
        PackingMaterial => "PACKING_MATERIAL",
        Label => "LABEL",
        Storage => "STORAGE",
        Return => "RETURN",
        WorkOrder => "WORK_ORDER",
        Transfer => "TRANSFER",
        Count => "COUNT",
        /// Value-added service entered by staff, with a reason.
        Vas => "VAS",
    }
);

text_enum!(
    /// The business a charge belongs to (Suoen's bill filter).
    Business {
        Inbound => "INBOUND",
        Outbound => "OUTBOUND",
        Storage => "STORAGE",
        Return => "RETURN",
        WorkOrder => "WORK_ORDER",
        Transfer => "TRANSFER",
        Count => "COUNT",
        Vas => "VAS",
    }
);

impl ChargeType {
    pub fn business(self) -> Business {
        match self {
            ChargeType::InboundReceiving | ChargeType::Putaway => Business::Inbound,
            ChargeType::OutboundOrder | ChargeType::Pick | ChargeType::PackingMaterial | ChargeType::Label => {
                Business::Outbound
            }
            ChargeType::Storage => Business::Storage,
            ChargeType::Return => Business::Return,
            ChargeType::WorkOrder => Business::WorkOrder,
            ChargeType::Transfer => Business::Transfer,
            ChargeType::Count => Business::Count,
            ChargeType::Vas => Business::Vas,
        }
    }
}

text_enum!(
    /// What happens to a new outbound order when the seller's balance plus
    /// credit is below zero.
    CreditPolicy {
        /// Refused with JF's 10049.
        Refuse => "REFUSE",
        /// Accepted; the seller owes it.
        Allow => "ALLOW",
    }
);

/// A weight band of the outbound charge: shipments up to `up_to_g` grams
/// (the last band may be open: `None`) pay `surcharge` on top of the order
/// fee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WeightBand {
    pub up_to_g: Option<i64>,
    pub surcharge: i64,
}

/// A storage tier: lots stored `from_day` days or more (until the next
/// tier) pay `per_m3_day` minor units per cubic metre per day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StorageTier {
    pub from_day: i64,
    pub per_m3_day: i64,
}

/// One version of a rate card: every rate in minor units of the card's
/// currency. Absent rates are 0 (not charged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Rates {
    /// Receiving: per carton of a CARTON or PARCEL inbound, per pallet of
    /// a PALLET inbound, and per unit of any.
    pub inbound_per_box: i64,
    pub inbound_per_pallet: i64,
    pub inbound_per_unit: i64,
    pub putaway_per_unit: i64,
    pub outbound_per_order: i64,
    /// Each unit beyond the first of an order.
    pub outbound_per_extra_unit: i64,
    pub outbound_weight_bands: Vec<WeightBand>,
    /// Each order line beyond the first.
    pub pick_per_extra_line: i64,
    pub label_per_order: i64,
    pub storage_tiers: Vec<StorageTier>,
    /// Returned units graded GOOD and restocked, and all others.
    pub return_per_unit_restocked: i64,
    pub return_per_unit_other: i64,
    /// Each kit assembled, or each kit taken apart.
    pub work_order_per_unit: i64,
    /// A transfer shipped to another warehouse or a marketplace: per
    /// order and per unit.
    pub transfer_per_order: i64,
    pub transfer_per_unit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RatesError {
    #[error("{0} must be 0 to {RATE_MAX}")]
    OutOfRange(&'static str),
    #[error("at most {BANDS_MAX} {0}")]
    TooMany(&'static str),
    #[error("storage tiers start at day 0 and rise, each day once")]
    Tiers,
    #[error("weight bands rise, and only the last may be open")]
    Bands,
}

impl Rates {
    /// Parse, don't validate: a card that passes is one the arithmetic can
    /// apply without overflow or ambiguity.
    pub fn check(&self) -> Result<(), RatesError> {
        let flat = [
            ("inboundPerBox", self.inbound_per_box),
            ("inboundPerPallet", self.inbound_per_pallet),
            ("inboundPerUnit", self.inbound_per_unit),
            ("putawayPerUnit", self.putaway_per_unit),
            ("outboundPerOrder", self.outbound_per_order),
            ("outboundPerExtraUnit", self.outbound_per_extra_unit),
            ("pickPerExtraLine", self.pick_per_extra_line),
            ("labelPerOrder", self.label_per_order),
            ("returnPerUnitRestocked", self.return_per_unit_restocked),
            ("returnPerUnitOther", self.return_per_unit_other),
            ("workOrderPerUnit", self.work_order_per_unit),
            ("transferPerOrder", self.transfer_per_order),
            ("transferPerUnit", self.transfer_per_unit),
        ];
        for (name, v) in flat {
            if !(0..=RATE_MAX).contains(&v) {
                return Err(RatesError::OutOfRange(name));
            }
        }
        if self.outbound_weight_bands.len() > BANDS_MAX {
            return Err(RatesError::TooMany("weight bands"));
        }
        if self.storage_tiers.len() > BANDS_MAX {
            return Err(RatesError::TooMany("storage tiers"));
        }
        let mut last: Option<i64> = None;
        for (i, b) in self.outbound_weight_bands.iter().enumerate() {
            if !(0..=RATE_MAX).contains(&b.surcharge) {
                return Err(RatesError::OutOfRange("outboundWeightBands.surcharge"));
            }
            match b.up_to_g {
                Some(g) if g > 0 && g <= 10_000_000 && last.is_none_or(|l| g > l) => last = Some(g),
                None if i + 1 == self.outbound_weight_bands.len() => {}
                _ => return Err(RatesError::Bands),
            }
        }
        for (i, t) in self.storage_tiers.iter().enumerate() {
            if !(0..=RATE_MAX).contains(&t.per_m3_day) {
                return Err(RatesError::OutOfRange("storageTiers.perM3Day"));
            }
            let rises = if i == 0 { t.from_day == 0 } else { t.from_day > self.storage_tiers[i - 1].from_day };
            if !rises || t.from_day > 36_500 {
                return Err(RatesError::Tiers);
            }
        }
        Ok(())
    }

    /// The tier index a lot `age_days` old falls in (`None`: no tiers).
    pub fn storage_tier(&self, age_days: i64) -> Option<usize> {
        self.storage_tiers.iter().rposition(|t| t.from_day <= age_days)
    }
}

/// One line of a charge: `quantity` × `unit_rate` = `amount` (storage: the
/// quantity is cm³·days and the rate per m³·day, so amount is rounded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeLine {
    pub charge_type: ChargeType,
    pub quantity: i64,
    pub unit_rate: i64,
    pub amount: i64,
    /// What the line is for, in words the seller reads ("3 extra units").
    pub detail: String,
}

/// "1 unit", "3 units".
fn counted(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn line(charge_type: ChargeType, quantity: i64, unit_rate: i64, detail: String) -> Option<ChargeLine> {
    let amount = quantity.checked_mul(unit_rate)?;
    (amount > 0).then_some(ChargeLine { charge_type, quantity, unit_rate, amount, detail })
}

/// `numerator / denominator` rounded half to even (banker's rounding):
/// the rounding rule of every charge line that divides.
pub fn round_half_even(numerator: i128, denominator: i128) -> i64 {
    debug_assert!(denominator > 0);
    let q = numerator.div_euclid(denominator);
    let r = numerator.rem_euclid(denominator);
    let twice = r * 2;
    let rounded = if twice > denominator || (twice == denominator && q % 2 != 0) { q + 1 } else { q };
    i64::try_from(rounded).unwrap_or(if rounded < 0 { i64::MIN } else { i64::MAX })
}

/// An outbound order as billed when it ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shipment {
    pub units: i64,
    pub lines: i64,
    pub weight_g: Option<i64>,
}

/// The order fee with its extra units and weight band, picking beyond the
/// first line, the label.
pub fn outbound_charges(rates: &Rates, s: Shipment) -> Vec<ChargeLine> {
    let mut out = Vec::new();
    out.extend(line(ChargeType::OutboundOrder, 1, rates.outbound_per_order, "order".into()));
    let extra = (s.units - 1).max(0);
    out.extend(line(
        ChargeType::OutboundOrder,
        extra,
        rates.outbound_per_extra_unit,
        counted(extra, "extra unit", "extra units"),
    ));
    if let Some(g) = s.weight_g {
        let band = rates.outbound_weight_bands.iter().find(|b| b.up_to_g.is_none_or(|up| g <= up));
        if let Some(b) = band {
            let name = b.up_to_g.map_or_else(|| "open".to_owned(), |up| format!("≤ {up} g"));
            out.extend(line(ChargeType::OutboundOrder, 1, b.surcharge, format!("weight {g} g, band {name}")));
        }
    }
    let extra_lines = (s.lines - 1).max(0);
    out.extend(line(
        ChargeType::Pick,
        extra_lines,
        rates.pick_per_extra_line,
        counted(extra_lines, "extra line", "extra lines"),
    ));
    out.extend(line(ChargeType::Label, 1, rates.label_per_order, "shipping label".into()));
    out
}

/// Putaway of `units`.
pub fn putaway_charges(rates: &Rates, units: i64) -> Vec<ChargeLine> {
    line(ChargeType::Putaway, units, rates.putaway_per_unit, format!("{} put away", counted(units, "unit", "units")))
        .into_iter()
        .collect()
}

/// Receiving of an inbound order: per box (per pallet for a PALLET
/// inbound) counted and per unit received.
pub fn receiving_charges(rates: &Rates, pallets: bool, boxes: i64, units: i64) -> Vec<ChargeLine> {
    let mut out = Vec::new();
    if pallets {
        out.extend(line(
            ChargeType::InboundReceiving,
            boxes,
            rates.inbound_per_pallet,
            counted(boxes, "pallet", "pallets"),
        ));
    } else {
        out.extend(line(ChargeType::InboundReceiving, boxes, rates.inbound_per_box, counted(boxes, "box", "boxes")));
    }
    out.extend(line(ChargeType::InboundReceiving, units, rates.inbound_per_unit, counted(units, "unit", "units")));
    out
}

/// A completed return: restocked GOOD units and the others.
pub fn return_charges(rates: &Rates, restocked: i64, other: i64) -> Vec<ChargeLine> {
    let mut out = Vec::new();
    out.extend(line(ChargeType::Return, restocked, rates.return_per_unit_restocked, format!("{restocked} restocked")));
    out.extend(line(ChargeType::Return, other, rates.return_per_unit_other, format!("{other} not restocked")));
    out
}

/// A work order's completion: each kit produced (assembled or taken
/// apart); rejected kits are not charged.
pub fn work_order_charges(rates: &Rates, produced: i64) -> Vec<ChargeLine> {
    line(ChargeType::WorkOrder, produced, rates.work_order_per_unit, counted(produced, "kit", "kits"))
        .into_iter()
        .collect()
}

/// A shipped transfer: a fee per transfer and per unit.
pub fn transfer_charges(rates: &Rates, units: i64) -> Vec<ChargeLine> {
    let order = line(ChargeType::Transfer, 1, rates.transfer_per_order, "transfer".into());
    let per_unit = line(ChargeType::Transfer, units, rates.transfer_per_unit, counted(units, "unit", "units"));
    order.into_iter().chain(per_unit).collect()
}

/// A day of storage: `held` is (age in days, cm³) of each lot at a
/// location at the day's end. One line per tier, rounded half to even.
pub fn storage_charges(rates: &Rates, held: impl IntoIterator<Item = (i64, i64)>) -> Vec<ChargeLine> {
    let mut per_tier: Vec<i128> = vec![0; rates.storage_tiers.len()];
    for (age, cm3) in held {
        if let Some(t) = rates.storage_tier(age) {
            per_tier[t] += i128::from(cm3.max(0));
        }
    }
    rates
        .storage_tiers
        .iter()
        .zip(per_tier)
        .filter(|(t, cm3)| *cm3 > 0 && t.per_m3_day > 0)
        .map(|(t, cm3)| {
            let amount = round_half_even(cm3 * i128::from(t.per_m3_day), CM3_PER_M3);
            let next = rates.storage_tiers.iter().find(|n| n.from_day > t.from_day).map(|n| n.from_day - 1);
            let ages = next.map_or_else(|| format!("{}+ days", t.from_day), |to| format!("{}–{to} days", t.from_day));
            ChargeLine {
                charge_type: ChargeType::Storage,
                quantity: i64::try_from(cm3).unwrap_or(i64::MAX),
                unit_rate: t.per_m3_day,
                amount,
                detail: format!("{} m³ stored {ages}", format_m3(cm3)),
            }
        })
        .filter(|l| l.amount > 0)
        .collect()
}

/// cm³ as m³ with 6 decimals, trailing zeros dropped ("0.0125").
fn format_m3(cm3: i128) -> String {
    let whole = cm3 / CM3_PER_M3;
    let frac = format!("{:06}", cm3 % CM3_PER_M3);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() { whole.to_string() } else { format!("{whole}.{frac}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn card() -> Rates {
        Rates {
            outbound_per_order: 250,
            outbound_per_extra_unit: 40,
            outbound_weight_bands: vec![
                WeightBand { up_to_g: Some(500), surcharge: 0 },
                WeightBand { up_to_g: Some(2000), surcharge: 100 },
                WeightBand { up_to_g: None, surcharge: 300 },
            ],
            pick_per_extra_line: 15,
            label_per_order: 10,
            storage_tiers: vec![
                StorageTier { from_day: 0, per_m3_day: 50 },
                StorageTier { from_day: 31, per_m3_day: 80 },
                StorageTier { from_day: 91, per_m3_day: 150 },
            ],
            ..Rates::default()
        }
    }

    #[test]
    fn half_even_rounds_ties_to_the_even_cent() {
        assert_eq!(round_half_even(5, 10), 0);
        assert_eq!(round_half_even(15, 10), 2);
        assert_eq!(round_half_even(25, 10), 2);
        assert_eq!(round_half_even(26, 10), 3);
        assert_eq!(round_half_even(24, 10), 2);
        assert_eq!(round_half_even(-15, 10), -2);
        assert_eq!(round_half_even(0, 7), 0);
    }

    #[test]
    fn an_order_pays_its_fee_extra_units_band_extra_lines_and_label() {
        let lines = outbound_charges(&card(), Shipment { units: 4, lines: 2, weight_g: Some(1200) });
        let amounts: Vec<(ChargeType, i64)> = lines.iter().map(|l| (l.charge_type, l.amount)).collect();
        assert_eq!(
            amounts,
            vec![
                (ChargeType::OutboundOrder, 250),
                (ChargeType::OutboundOrder, 120),
                (ChargeType::OutboundOrder, 100),
                (ChargeType::Pick, 15),
                (ChargeType::Label, 10)
            ]
        );
        // Over the last closed band: the open band; a light single unit: the fee and label.
        let heavy = outbound_charges(&card(), Shipment { units: 1, lines: 1, weight_g: Some(9000) });
        assert!(heavy.iter().any(|l| l.amount == 300));
        let light = outbound_charges(&card(), Shipment { units: 1, lines: 1, weight_g: Some(100) });
        assert_eq!(light.iter().map(|l| l.amount).sum::<i64>(), 260);
    }

    #[test]
    fn receiving_is_per_pallet_for_pallets_and_per_box_otherwise() {
        let rates = Rates { inbound_per_box: 100, inbound_per_pallet: 900, inbound_per_unit: 2, ..Rates::default() };
        let amounts = |pallets| receiving_charges(&rates, pallets, 3, 40).iter().map(|l| l.amount).collect::<Vec<_>>();
        assert_eq!(amounts(false), vec![300, 80]);
        assert_eq!(amounts(true), vec![2700, 80]);
    }

    #[test]
    fn storage_is_tiered_by_lot_age_and_rounded_per_line() {
        // 0.5 m³ young, 0.25 m³ at 45 days, 0.01 m³ at 200 days.
        let lines = storage_charges(&card(), [(3, 300_000), (10, 200_000), (45, 250_000), (200, 10_000)]);
        let amounts: Vec<i64> = lines.iter().map(|l| l.amount).collect();
        // 0.5×50 = 25; 0.25×80 = 20; 0.01×150 = 1.5 → 2 (half to even).
        assert_eq!(amounts, vec![25, 20, 2]);
        assert_eq!(lines[0].detail, "0.5 m³ stored 0–30 days");
        assert_eq!(lines[2].detail, "0.01 m³ stored 91+ days");
        // 0.005 m³ × 50 = 0.25 cents: rounds to nothing, no line.
        assert!(storage_charges(&card(), [(1, 5_000)]).is_empty());
    }

    #[test]
    fn a_card_with_unordered_tiers_or_bands_is_refused() {
        assert_eq!(card().check(), Ok(()));
        let mut c = card();
        c.storage_tiers[0].from_day = 1;
        assert_eq!(c.check(), Err(RatesError::Tiers));
        let mut c = card();
        c.outbound_weight_bands.swap(0, 1);
        assert_eq!(c.check(), Err(RatesError::Bands));
        let mut c = card();
        c.outbound_weight_bands.swap(1, 2);
        assert_eq!(c.check(), Err(RatesError::Bands));
        let c = Rates { label_per_order: -1, ..card() };
        assert_eq!(c.check(), Err(RatesError::OutOfRange("labelPerOrder")));
    }

    proptest! {
        /// Rounding stays within half a cent of the exact amount, and the
        /// storage line is the tier rate applied to the tier's volume.
        #[test]
        fn storage_lines_are_the_exact_amount_rounded(
            held in proptest::collection::vec((0i64..400, 0i64..5_000_000), 0..40)
        ) {
            let rates = card();
            let lines = storage_charges(&rates, held.clone());
            for l in &lines {
                let tier = rates.storage_tiers.iter().find(|t| t.per_m3_day == l.unit_rate).unwrap();
                let expected: i128 = held
                    .iter()
                    .filter(|(age, _)| rates.storage_tier(*age).map(|i| &rates.storage_tiers[i]) == Some(tier))
                    .map(|(_, cm3)| i128::from(*cm3))
                    .sum();
                prop_assert_eq!(i128::from(l.quantity), expected);
                let exact = expected * i128::from(l.unit_rate);
                prop_assert!((i128::from(l.amount) * CM3_PER_M3 - exact).abs() * 2 <= CM3_PER_M3);
            }
        }
    }
}
