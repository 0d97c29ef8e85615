//! Inbound orders (ASN): what a seller may announce, the life of the order
//! and what counts as a discrepancy.
//!
//! The limits and the state machine are the warehouse's rules: the store
//! and the API only apply what is decided here.

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;

use crate::decimal::parse_fixed;
use crate::text::{char_len, text_enum};

pub const BOXES_MAX: usize = 5_000;
/// Item lines (distinct SKUs) in one box: JF WMS's "a box can hold up to
/// 100" limit, read as lines so that a carton of 200 phone cases is fine.
pub const LINES_PER_BOX_MAX: usize = 100;
/// Lines of a forecast order (an ASN without a packing list).
pub const FORECAST_LINES_MAX: usize = 5_000;
pub const REFERENCE_CHARS_MAX: usize = 100;
pub const BOX_NO_CHARS_MAX: usize = 20;
pub const BOX_BARCODE_CHARS_MAX: usize = 50;
pub const TRACKING_NO_CHARS_MAX: usize = 50;
pub const CARRIER_CHARS_MAX: usize = 50;
pub const NOTE_CHARS_MAX: usize = 300;
pub const SERIAL_CHARS_MAX: usize = 64;
/// A box side: 0.1 mm to 300 cm (a pallet with its goods).
pub const SIDE_MM_MAX: i64 = 3_000;
/// A box or pallet: 1 g to 1,500 kg.
pub const WEIGHT_G_MAX: i64 = 1_500_000;
/// Units of one SKU in one box, or on one forecast line.
pub const LINE_QUANTITY_MAX: i64 = 1_000_000;

text_enum!(
    /// How the goods arrive.
    InboundType { Parcel => "PARCEL", Carton => "CARTON", Pallet => "PALLET" }
);

text_enum!(
    /// STANDARD: the warehouse counts every box; DIRECT: boxes are stored
    /// as they come (counted at box level).
    InboundMode { Standard => "STANDARD", Direct => "DIRECT" }
);

text_enum!(
    /// The life of an inbound order.
    InboundStatus {
        Draft => "DRAFT",
        Submitted => "SUBMITTED",
        Arrived => "ARRIVED",
        Receiving => "RECEIVING",
        Received => "RECEIVED",
        PuttingAway => "PUTTING_AWAY",
        PutawayDone => "PUTAWAY_DONE",
        Cancelled => "CANCELLED",
    }
);

text_enum!(
    /// What can happen to an inbound order.
    InboundAction {
        Submit => "SUBMIT",
        Cancel => "CANCEL",
        UpdateTracking => "UPDATE_TRACKING",
        Arrive => "ARRIVE",
        Receive => "RECEIVE",
        CloseReceipt => "CLOSE_RECEIPT",
        PutawayPart => "PUTAWAY_PART",
        PutawayLast => "PUTAWAY_LAST",
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("an inbound order in status {status:?} does not allow {action:?}")]
pub struct TransitionRefused {
    pub status: InboundStatus,
    pub action: InboundAction,
}

impl InboundStatus {
    /// The status after `action`, or the refusal. The only place that
    /// knows which step may follow which.
    pub fn after(self, action: InboundAction) -> Result<InboundStatus, TransitionRefused> {
        use InboundAction as A;
        use InboundStatus as S;
        let next = match (self, action) {
            (S::Draft, A::Submit) => S::Submitted,
            (S::Draft | S::Submitted, A::Cancel) => S::Cancelled,
            (S::Draft | S::Submitted, A::UpdateTracking) => self,
            (S::Submitted, A::Arrive) => S::Arrived,
            (S::Arrived | S::Receiving, A::Receive) => S::Receiving,
            (S::Arrived | S::Receiving, A::CloseReceipt) => S::Received,
            (S::Received | S::PuttingAway, A::PutawayPart) => S::PuttingAway,
            (S::Received | S::PuttingAway, A::PutawayLast) => S::PutawayDone,
            _ => return Err(TransitionRefused { status: self, action }),
        };
        Ok(next)
    }

    /// Goods announced but not yet counted: they show as "inbound in
    /// transit" in the seller's stock.
    pub fn in_transit(self) -> bool {
        matches!(self, InboundStatus::Submitted | InboundStatus::Arrived | InboundStatus::Receiving)
    }
}

/// Why an announced order was refused. Each has its own error code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InboundError {
    #[error("customerReference is required")]
    ReferenceRequired,
    #[error("{field} is too long: at most {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("the order has no items")]
    NoItems,
    #[error("give boxes or forecast lines, not both")]
    BoxesAndForecast,
    #[error("quantity of {sku} must be 1 to {LINE_QUANTITY_MAX}")]
    QuantityInvalid { sku: String },
    #[error("at most {BOXES_MAX} boxes per order")]
    TooManyBoxes,
    #[error("at most {FORECAST_LINES_MAX} lines per order")]
    TooManyLines,
    #[error("box {box_no} has no items")]
    EmptyBox { box_no: String },
    #[error("box {box_no} has more than {LINES_PER_BOX_MAX} item lines")]
    BoxTooFull { box_no: String },
    #[error("SKU {sku} appears twice in box {box_no}")]
    DuplicateSku { box_no: String, sku: String },
    #[error("box number {0} is used twice")]
    DuplicateBoxNo(String),
    #[error("numbered boxes must run 1, 2, … n: {0}")]
    BoxNumbering(String),
    #[error("box {box_no}: {field} must be more than 0 and at most {max}")]
    DimensionRange { box_no: String, field: &'static str, max: &'static str },
    #[error("box {box_no}: weightKg must be more than 0 and at most 1500")]
    WeightRange { box_no: String },
    #[error("box barcode {0} is used twice")]
    DuplicateBoxBarcode(String),
    #[error("{field} must be printable ASCII")]
    NotPrintable { field: &'static str },
    #[error("{field}: expected YYYY-MM-DD")]
    DateFormat { field: &'static str },
    #[error("serial numbers of {sku}: {reason}")]
    Serials { sku: String, reason: String },
}

/// An item line as the seller sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ItemDraft {
    pub sku: String,
    pub quantity: i64,
    pub batch_no: Option<String>,
    pub production_date: Option<String>,
    pub expiry_date: Option<String>,
    pub serials: Vec<String>,
}

/// A box as the seller sends it; sizes are decimal texts (cm, kg).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct BoxDraft {
    pub box_no: Option<String>,
    pub barcode: Option<String>,
    pub length_cm: Option<String>,
    pub width_cm: Option<String>,
    pub height_cm: Option<String>,
    pub weight_kg: Option<String>,
    pub items: Vec<ItemDraft>,
}

/// A box that passed the rules: numbered, measured in mm and g.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedBox {
    pub box_no: String,
    pub barcode: Option<String>,
    pub length_mm: i64,
    pub width_mm: i64,
    pub height_mm: i64,
    pub weight_g: i64,
    pub items: Vec<ItemDraft>,
}

/// The contents of an order that passed the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    Boxes(Vec<CheckedBox>),
    Forecast(Vec<ItemDraft>),
}

fn length_ok(field: &'static str, value: Option<&str>, max: usize) -> Result<(), InboundError> {
    match value {
        Some(v) if char_len(v) > max => Err(InboundError::TooLong { field, max }),
        _ => Ok(()),
    }
}

fn trimmed(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

fn check_date(field: &'static str, value: &Option<String>) -> Result<(), InboundError> {
    match trimmed(value) {
        None => Ok(()),
        Some(v) => chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d")
            .map(|_| ())
            .map_err(|_| InboundError::DateFormat { field }),
    }
}

fn check_item(item: &ItemDraft) -> Result<(), InboundError> {
    if item.quantity <= 0 || item.quantity > LINE_QUANTITY_MAX {
        return Err(InboundError::QuantityInvalid { sku: item.sku.clone() });
    }
    check_date("productionDate", &item.production_date)?;
    check_date("expiryDate", &item.expiry_date)?;
    length_ok("batchNo", item.batch_no.as_deref(), 50)?;
    if !item.serials.is_empty() {
        let unique: BTreeSet<&str> = item.serials.iter().map(|s| s.trim()).collect();
        if unique.len() != item.serials.len() {
            return Err(InboundError::Serials { sku: item.sku.clone(), reason: "a serial number repeats".into() });
        }
        if unique.iter().any(|s| s.is_empty() || char_len(s) > SERIAL_CHARS_MAX) {
            return Err(InboundError::Serials { sku: item.sku.clone(), reason: "1 to 64 characters each".into() });
        }
        if item.serials.len() as i64 != item.quantity {
            return Err(InboundError::Serials {
                sku: item.sku.clone(),
                reason: format!("{} units, {} serial numbers", item.quantity, item.serials.len()),
            });
        }
    }
    Ok(())
}

fn millimetres(box_no: &str, field: &'static str, value: &Option<String>) -> Result<i64, InboundError> {
    let range = || InboundError::DimensionRange { box_no: box_no.to_owned(), field, max: "300" };
    let text = value.as_deref().ok_or_else(range)?;
    // cm with up to one decimal place → mm.
    let mm = parse_fixed(text, 1).map_err(|_| range())?;
    if mm <= 0 || mm > SIDE_MM_MAX { Err(range()) } else { Ok(mm) }
}

fn grams(box_no: &str, value: &Option<String>) -> Result<i64, InboundError> {
    let range = || InboundError::WeightRange { box_no: box_no.to_owned() };
    let text = value.as_deref().ok_or_else(range)?;
    let g = parse_fixed(text, 3).map_err(|_| range())?;
    if g <= 0 || g > WEIGHT_G_MAX { Err(range()) } else { Ok(g) }
}

/// Checks the boxes or forecast lines of an order; numbers boxes 1..n
/// when the seller did not.
pub fn check_contents(boxes: &[BoxDraft], forecast: &[ItemDraft]) -> Result<Contents, InboundError> {
    match (boxes.is_empty(), forecast.is_empty()) {
        (true, true) => Err(InboundError::NoItems),
        (false, false) => Err(InboundError::BoxesAndForecast),
        (true, false) => {
            if forecast.len() > FORECAST_LINES_MAX {
                return Err(InboundError::TooManyLines);
            }
            let mut seen = BTreeSet::new();
            for item in forecast {
                check_item(item)?;
                if !seen.insert(item.sku.as_str()) {
                    return Err(InboundError::DuplicateSku { box_no: "-".into(), sku: item.sku.clone() });
                }
            }
            Ok(Contents::Forecast(forecast.to_vec()))
        }
        (false, true) => check_boxes(boxes).map(Contents::Boxes),
    }
}

fn check_boxes(boxes: &[BoxDraft]) -> Result<Vec<CheckedBox>, InboundError> {
    if boxes.len() > BOXES_MAX {
        return Err(InboundError::TooManyBoxes);
    }
    let given: Vec<Option<String>> = boxes.iter().map(|b| trimmed(&b.box_no)).collect();
    let numbers = box_numbers(&given)?;
    let mut barcodes = BTreeSet::new();
    let mut lines = 0usize;
    let mut out = Vec::with_capacity(boxes.len());
    for (draft, box_no) in boxes.iter().zip(numbers) {
        if draft.items.is_empty() {
            return Err(InboundError::EmptyBox { box_no });
        }
        if draft.items.len() > LINES_PER_BOX_MAX {
            return Err(InboundError::BoxTooFull { box_no });
        }
        lines += draft.items.len();
        if lines > FORECAST_LINES_MAX {
            return Err(InboundError::TooManyLines);
        }
        let mut skus = BTreeSet::new();
        for item in &draft.items {
            check_item(item)?;
            if !skus.insert(item.sku.as_str()) {
                return Err(InboundError::DuplicateSku { box_no, sku: item.sku.clone() });
            }
        }
        let barcode = trimmed(&draft.barcode);
        if let Some(code) = &barcode {
            length_ok("boxes.barcode", Some(code), BOX_BARCODE_CHARS_MAX)?;
            if !code.bytes().all(|b| (0x21..0x7f).contains(&b)) {
                return Err(InboundError::NotPrintable { field: "boxes.barcode" });
            }
            if !barcodes.insert(code.clone()) {
                return Err(InboundError::DuplicateBoxBarcode(code.clone()));
            }
        }
        out.push(CheckedBox {
            length_mm: millimetres(&box_no, "lengthCm", &draft.length_cm)?,
            width_mm: millimetres(&box_no, "widthCm", &draft.width_cm)?,
            height_mm: millimetres(&box_no, "heightCm", &draft.height_cm)?,
            weight_g: grams(&box_no, &draft.weight_kg)?,
            box_no,
            barcode,
            items: draft.items.clone(),
        });
    }
    Ok(out)
}

/// The seller's box numbers, or 1..n when none are given. Numbers that are
/// all numeric mean "box i of n" and must run 1..n; free-text case numbers
/// (`CTN-A7`) need only be unique.
fn box_numbers(given: &[Option<String>]) -> Result<Vec<String>, InboundError> {
    if given.iter().all(Option::is_none) {
        return Ok((1..=given.len()).map(|i| i.to_string()).collect());
    }
    let mut out = Vec::with_capacity(given.len());
    for (i, g) in given.iter().enumerate() {
        match g {
            None => return Err(InboundError::BoxNumbering(format!("box {} has no number", i + 1))),
            Some(n) => {
                length_ok("boxes.boxNo", Some(n), BOX_NO_CHARS_MAX)?;
                if !n.bytes().all(|b| (0x20..0x7f).contains(&b)) {
                    return Err(InboundError::NotPrintable { field: "boxes.boxNo" });
                }
                out.push(n.clone());
            }
        }
    }
    let mut seen = BTreeSet::new();
    for n in &out {
        if !seen.insert(n.as_str()) {
            return Err(InboundError::DuplicateBoxNo(n.clone()));
        }
    }
    if out.iter().all(|n| n.bytes().all(|b| b.is_ascii_digit())) {
        let mut numbers: Vec<u64> = out.iter().map(|n| n.parse().unwrap_or(u64::MAX)).collect();
        numbers.sort_unstable();
        if let Some((i, n)) = numbers.iter().enumerate().find(|(i, n)| **n != *i as u64 + 1) {
            return Err(InboundError::BoxNumbering(format!("expected {} but found {n}", i + 1)));
        }
    }
    Ok(out)
}

/// The units of a counted line — good plus defective — when the count is
/// one the warehouse can record: neither negative, at least one unit, at
/// most [`LINE_QUANTITY_MAX`] together (checked arithmetic: any `i64` in,
/// never an overflow).
pub fn counted_units(good: i64, defective: i64) -> Option<i64> {
    if good < 0 || defective < 0 {
        return None;
    }
    good.checked_add(defective).filter(|units| (1..=LINE_QUANTITY_MAX).contains(units))
}

/// Checks the optional header texts.
pub fn check_header(
    reference: &str,
    carrier: Option<&str>,
    tracking_no: Option<&str>,
    note: Option<&str>,
) -> Result<(), InboundError> {
    if reference.trim().is_empty() {
        return Err(InboundError::ReferenceRequired);
    }
    length_ok("customerReference", Some(reference.trim()), REFERENCE_CHARS_MAX)?;
    length_ok("carrier", carrier, CARRIER_CHARS_MAX)?;
    check_tracking_no(tracking_no)?;
    length_ok("note", note, NOTE_CHARS_MAX)
}

pub fn check_tracking_no(tracking_no: Option<&str>) -> Result<(), InboundError> {
    length_ok("trackingNo", tracking_no, TRACKING_NO_CHARS_MAX)?;
    if let Some(t) = tracking_no
        && !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(InboundError::NotPrintable { field: "trackingNo" });
    }
    Ok(())
}

/// How received differs from announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiscrepancyKind {
    /// Fewer units than announced (a missing box makes all its lines short).
    Short,
    /// More units than announced.
    Over,
    /// A SKU the box was not announced to hold.
    Unexpected,
    /// Units counted as defective.
    Defective,
}

impl DiscrepancyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DiscrepancyKind::Short => "SHORT",
            DiscrepancyKind::Over => "OVER",
            DiscrepancyKind::Unexpected => "UNEXPECTED",
            DiscrepancyKind::Defective => "DEFECTIVE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    /// `None` for forecast orders, compared SKU by SKU over the order.
    pub box_no: Option<String>,
    pub sku: String,
    pub kind: DiscrepancyKind,
    pub expected: i64,
    pub received: i64,
    /// For `Short`: the box was never received.
    pub box_missing: bool,
}

/// One count: (box or `None`, SKU, good, defective).
pub type Count<'a> = (Option<&'a str>, &'a str, i64, i64);

/// Compares what was announced with what was counted. Before receipt is
/// closed, boxes not yet counted are not short; after, they are.
pub fn discrepancies(expected: &[(Option<&str>, &str, i64)], counted: &[Count<'_>], closed: bool) -> Vec<Discrepancy> {
    let mut want: BTreeMap<(Option<&str>, &str), i64> = BTreeMap::new();
    for (b, sku, q) in expected {
        *want.entry((*b, *sku)).or_default() += q;
    }
    let mut got: BTreeMap<(Option<&str>, &str), (i64, i64)> = BTreeMap::new();
    let mut boxes_counted: BTreeSet<Option<&str>> = BTreeSet::new();
    for (b, sku, good, defective) in counted {
        let e = got.entry((*b, *sku)).or_default();
        e.0 += good;
        e.1 += defective;
        boxes_counted.insert(*b);
    }
    let mut out = Vec::new();
    for (&(b, sku), &q) in &want {
        let counted_box = boxes_counted.contains(&b);
        let (good, defective) = got.get(&(b, sku)).copied().unwrap_or_default();
        let received = good + defective;
        let box_no = b.map(str::to_owned);
        if received < q && (closed || (counted_box && b.is_some())) {
            out.push(Discrepancy {
                box_no,
                sku: sku.to_owned(),
                kind: DiscrepancyKind::Short,
                expected: q,
                received,
                box_missing: b.is_some() && !counted_box,
            });
        } else if received > q {
            out.push(Discrepancy {
                box_no,
                sku: sku.to_owned(),
                kind: DiscrepancyKind::Over,
                expected: q,
                received,
                box_missing: false,
            });
        }
    }
    for (&(b, sku), &(good, defective)) in &got {
        if !want.contains_key(&(b, sku)) && good + defective > 0 {
            out.push(Discrepancy {
                box_no: b.map(str::to_owned),
                sku: sku.to_owned(),
                kind: DiscrepancyKind::Unexpected,
                expected: 0,
                received: good + defective,
                box_missing: false,
            });
        }
        if defective > 0 {
            out.push(Discrepancy {
                box_no: b.map(str::to_owned),
                sku: sku.to_owned(),
                kind: DiscrepancyKind::Defective,
                expected: want.get(&(b, sku)).copied().unwrap_or(0),
                received: defective,
                box_missing: false,
            });
        }
    }
    out.sort_by(|a, b| (&a.box_no, &a.sku, a.kind).cmp(&(&b.box_no, &b.sku, b.kind)));
    out
}

#[cfg(test)]
mod tests;
