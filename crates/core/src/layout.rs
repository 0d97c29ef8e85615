//! Generated warehouse layouts: the demo warehouses, and the test and
//! benchmark fixtures of the planners, come from here so that they all
//! plan against the same building.

use crate::location::{LocationType, Restriction, layout_code};

/// A location to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutLocation {
    pub code: String,
    pub zone: String,
    pub aisle: i64,
    pub bay: i64,
    pub level: i64,
    pub kind: LocationType,
    pub x_mm: i64,
    pub y_mm: i64,
    pub block: i64,
    pub capacity_volume_cm3: Option<i64>,
    pub capacity_weight_g: Option<i64>,
    pub restriction: Option<Restriction>,
    pub single_sku: bool,
}

/// A zone: its code, the type of its locations, and the restriction of
/// some of its aisles (1-based aisle numbers within the zone).
pub type Zone = (&'static str, LocationType, &'static [(u32, Restriction)]);

/// Storage zones of aisles of bays of levels, plus the work areas every
/// warehouse has.
pub struct Layout {
    pub zones: &'static [Zone],
    pub aisles_per_zone: u32,
    pub bays: u32,
    pub levels: u32,
}

/// A rack position: 1.2 m³ and 500 kg (a pallet position).
pub const RACK_VOLUME_CM3: i64 = 1_200_000;
pub const RACK_WEIGHT_G: i64 = 500_000;

/// US-LA01: three storage zones (the last with a liquid and a battery
/// aisle) around a pick-face zone of single-SKU locations.
pub const LA01: Layout = Layout {
    zones: &[
        ("A", LocationType::Storage, &[]),
        ("B", LocationType::Storage, &[]),
        ("C", LocationType::PickFace, &[]),
        ("D", LocationType::Storage, &[(4, Restriction::Liquid), (5, Restriction::Battery)]),
    ],
    aisles_per_zone: 5,
    bays: 30,
    levels: 5,
};

pub const FRA01: Layout = Layout {
    zones: &[("A", LocationType::Storage, &[]), ("B", LocationType::PickFace, &[])],
    aisles_per_zone: 4,
    bays: 10,
    levels: 4,
};

impl Layout {
    pub fn locations(&self) -> Vec<LayoutLocation> {
        let mut out = Vec::new();
        let mut aisle_index = 0i64;
        for (zone, kind, restrictions) in self.zones {
            for aisle in 1..=self.aisles_per_zone {
                aisle_index += 1;
                let restriction = restrictions.iter().find(|(a, _)| *a == aisle).map(|(_, r)| *r);
                for bay in 1..=self.bays {
                    for level in 1..=self.levels {
                        out.push(LayoutLocation {
                            code: layout_code(zone, aisle, bay, level),
                            zone: (*zone).to_owned(),
                            aisle: aisle_index,
                            bay: i64::from(bay),
                            level: i64::from(level),
                            kind: *kind,
                            x_mm: aisle_index * 3000,
                            y_mm: i64::from(bay) * 1200,
                            // A cross aisle halfway down every aisle.
                            block: i64::from(bay > self.bays / 2),
                            capacity_volume_cm3: Some(RACK_VOLUME_CM3),
                            capacity_weight_g: Some(RACK_WEIGHT_G),
                            restriction,
                            // Pick faces hold one SKU each: pickers trust the label.
                            single_sku: *kind == LocationType::PickFace,
                        });
                    }
                }
            }
        }
        for (prefix, kind, count) in [
            ("RCV", LocationType::Receiving, 4),
            ("PACK", LocationType::Packing, 8),
            ("SHIP", LocationType::Shipping, 4),
            ("RET", LocationType::Returns, 2),
            ("QC", LocationType::Quarantine, 2),
            ("DEF", LocationType::Defective, 2),
            ("OVF", LocationType::Overflow, 4),
        ] {
            for i in 1..=count {
                out.push(LayoutLocation {
                    code: format!("{prefix}-{i:02}"),
                    zone: prefix.to_owned(),
                    aisle: 0,
                    bay: i,
                    level: 0,
                    kind,
                    x_mm: 0,
                    y_mm: i * 2000,
                    block: 0,
                    capacity_volume_cm3: None,
                    capacity_weight_g: None,
                    restriction: None,
                    single_sku: false,
                });
            }
        }
        out
    }
}
