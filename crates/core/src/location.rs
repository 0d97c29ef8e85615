//! Locations: codes and types.

use thiserror::Error;

use crate::text::text_enum;

text_enum!(
    /// What a location is for. Stock may be adjusted into any real
    /// location; the planners use the type to choose where goods go.
    LocationType {
        Receiving => "RECEIVING",
        Storage => "STORAGE",
        PickFace => "PICK_FACE",
        Packing => "PACKING",
        Shipping => "SHIPPING",
        Returns => "RETURNS",
        Quarantine => "QUARANTINE",
        Defective => "DEFECTIVE",
        /// Floor space for what does not fit the racks; the planner's last
        /// resort.
        Overflow => "OVERFLOW",
    }
);

/// A zone set apart for hazardous goods: only goods with that property go
/// there, and those goods go nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Restriction {
    Battery,
    Liquid,
}

impl Restriction {
    pub fn as_str(self) -> &'static str {
        match self {
            Restriction::Battery => "BATTERY",
            Restriction::Liquid => "LIQUID",
        }
    }

    pub fn parse(text: &str) -> Option<Restriction> {
        [Restriction::Battery, Restriction::Liquid].into_iter().find(|r| r.as_str().eq_ignore_ascii_case(text.trim()))
    }

    /// The zone goods need: batteries first (the stricter rule) when a
    /// product is both.
    pub fn required(battery: bool, liquid: bool) -> Option<Restriction> {
        if battery {
            Some(Restriction::Battery)
        } else if liquid {
            Some(Restriction::Liquid)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LocationCodeError {
    #[error("location code must be 1-40 characters of A-Z, 0-9, '-', '_' or '.'")]
    Format,
}

/// A real location's code, e.g. `A-03-12-2`. Upper-case; never starts with
/// `@`, the mark of virtual locations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocationCode(String);

impl LocationCode {
    pub fn parse(text: &str) -> Result<LocationCode, LocationCodeError> {
        let code = text.trim().to_ascii_uppercase();
        let ok = (1..=40).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-_.".contains(c));
        if ok { Ok(LocationCode(code)) } else { Err(LocationCodeError::Format) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `ZONE-AISLE-BAY-LEVEL`: the canonical code of a generated layout.
pub fn layout_code(zone: &str, aisle: u32, bay: u32, level: u32) -> String {
    format!("{zone}-{aisle:02}-{bay:02}-{level}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_cased_and_virtual_marks_refused() {
        assert_eq!(LocationCode::parse(" a-03-12-2 ").unwrap().as_str(), "A-03-12-2");
        assert!(LocationCode::parse("@ADJUSTMENT").is_err());
        assert!(LocationCode::parse("").is_err());
        assert!(LocationCode::parse(&"A".repeat(41)).is_err());
        assert_eq!(layout_code("A", 3, 12, 2), "A-03-12-2");
    }
}
