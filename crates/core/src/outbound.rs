//! Outbound orders: what a seller may send, the life of an order, where
//! its units are taken from, and what a packer may scan.

use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;

use crate::text::{char_len, text_enum};

pub const REFERENCE_CHARS_MAX: usize = 100;
pub const PLATFORM_ORDER_CHARS_MAX: usize = 50;
pub const NOTE_CHARS_MAX: usize = 200;
pub const LINES_MAX: usize = 200;
pub const LINE_QUANTITY_MAX: i64 = 100_000;
pub const BATCH_GET_MAX: usize = 100;
pub const TRACKING_CHARS_MAX: usize = 100;
pub const LABEL_URL_CHARS_MAX: usize = 2048;

text_enum!(
    /// Where the order was sold.
    Platform {
        Amazon => "AMAZON",
        Ebay => "EBAY",
        Temu => "TEMU",
        Tiktok => "TIKTOK",
        Shopify => "SHOPIFY",
        Shopee => "SHOPEE",
        Walmart => "WALMART",
        Other => "OTHER",
    }
);

text_enum!(
    /// Which orders a wave takes, by their shape; any by default.
    #[derive(Default)]
    WaveProfile {
        SingleUnit => "SINGLE_UNIT",
        SingleSku => "SINGLE_SKU",
        MultiSku => "MULTI_SKU",
        #[default]
        Any => "ANY",
    }
);

impl WaveProfile {
    /// Whether an order of `units` units of `skus` distinct SKUs fits.
    pub fn admits(self, units: i64, skus: usize) -> bool {
        match self {
            WaveProfile::SingleUnit => units == 1,
            WaveProfile::SingleSku => skus == 1,
            WaveProfile::MultiSku => skus > 1,
            WaveProfile::Any => true,
        }
    }
}

text_enum!(
    /// The life of an outbound order.
    OutboundStatus {
        Created => "CREATED",
        Waved => "WAVED",
        Picking => "PICKING",
        Picked => "PICKED",
        Packed => "PACKED",
        Shipped => "SHIPPED",
        Cancelled => "CANCELLED",
        Exception => "EXCEPTION",
    }
);

text_enum!(
    /// What can happen to an outbound order.
    OutboundAction {
        Wave => "WAVE",
        Pick => "PICK",
        PickLast => "PICK_LAST",
        Short => "SHORT",
        Pack => "PACK",
        Ship => "SHIP",
        Cancel => "CANCEL",
        Intercept => "INTERCEPT",
    }
);

text_enum!(
    /// A seller's request to stop an order that is already being picked,
    /// and how staff answered it.
    InterceptStatus { Requested => "REQUESTED", Succeeded => "SUCCEEDED", Failed => "FAILED" }
);

text_enum!(
    /// A location allocation of a wave: OPEN until picked (DONE), shrunk
    /// to what was found (SHORT), or given up (RELEASED).
    AllocationStatus { Open => "OPEN", Done => "DONE", Short => "SHORT", Released => "RELEASED" }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("an outbound order in status {status:?} does not allow {action:?}")]
pub struct Refused {
    pub status: OutboundStatus,
    pub action: OutboundAction,
}

impl OutboundStatus {
    /// The status after `action`. Cancelling before picking is immediate;
    /// once picking started a cancel is an interception request (the
    /// status stays until staff resolve it); shipped orders cannot be
    /// cancelled at all.
    pub fn after(self, action: OutboundAction) -> Result<OutboundStatus, Refused> {
        use OutboundAction as A;
        use OutboundStatus as S;
        let next = match (self, action) {
            (S::Created, A::Wave) => S::Waved,
            (S::Waved | S::Picking, A::Pick) => S::Picking,
            (S::Waved | S::Picking, A::PickLast) => S::Picked,
            (S::Waved | S::Picking, A::Short) => S::Exception,
            (S::Picked, A::Pack) => S::Packed,
            (S::Packed, A::Ship) => S::Shipped,
            (S::Created | S::Waved | S::Exception, A::Cancel) => S::Cancelled,
            (S::Picking | S::Picked | S::Packed, A::Intercept) => S::Cancelled,
            _ => return Err(Refused { status: self, action }),
        };
        Ok(next)
    }

    /// How a seller's cancel is handled in this status.
    pub fn cancel_kind(self) -> CancelKind {
        match self {
            OutboundStatus::Created | OutboundStatus::Waved | OutboundStatus::Exception => CancelKind::AtOnce,
            OutboundStatus::Picking | OutboundStatus::Picked | OutboundStatus::Packed => CancelKind::Interception,
            OutboundStatus::Shipped => CancelKind::TooLate,
            OutboundStatus::Cancelled => CancelKind::AlreadyCancelled,
        }
    }
}

/// Why an order may not take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum StepRefused {
    /// A seller's interception waits for the warehouse's answer: nothing
    /// but that answer moves the order.
    #[error("an interception is pending")]
    InterceptPending,
    #[error(transparent)]
    Status(#[from] Refused),
}

/// The order's next status after `action`, given its interception state.
pub fn step(
    status: OutboundStatus,
    intercept: Option<InterceptStatus>,
    action: OutboundAction,
) -> Result<OutboundStatus, StepRefused> {
    if intercept == Some(InterceptStatus::Requested) && action != OutboundAction::Intercept {
        return Err(StepRefused::InterceptPending);
    }
    Ok(status.after(action)?)
}

impl AllocationStatus {
    /// After a pick scan brought the allocation to `picked` of `quantity`
    /// units: DONE when all are picked, SHORT when the picker reported the
    /// rest missing, else still OPEN.
    pub fn after_pick(picked: i64, quantity: i64, short: bool) -> AllocationStatus {
        if picked >= quantity {
            AllocationStatus::Done
        } else if short {
            AllocationStatus::Short
        } else {
            AllocationStatus::Open
        }
    }

    /// Nothing more will be picked for it.
    pub fn is_settled(self) -> bool {
        self != AllocationStatus::Open
    }
}

/// What the picks so far mean for the order, from its allocations
/// (status, units picked): PICK_LAST once every allocation is settled,
/// PICK once anything was picked, nothing before.
pub fn pick_progress(allocations: &[(AllocationStatus, i64)]) -> Option<OutboundAction> {
    if allocations.iter().all(|(status, _)| status.is_settled()) {
        Some(OutboundAction::PickLast)
    } else if allocations.iter().any(|(_, picked)| *picked > 0) {
        Some(OutboundAction::Pick)
    } else {
        None
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelKind {
    AtOnce,
    Interception,
    TooLate,
    AlreadyCancelled,
}

/// Why an order was refused; each has its error code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OrderError {
    #[error("{0} is required")]
    Required(&'static str),
    #[error("{field} can be up to {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("the order has no items")]
    NoItems,
    #[error("quantity of {0} must be 1 to 100000")]
    Quantity(String),
    #[error("SKU {0} appears twice")]
    DuplicateSku(String),
    #[error("platform must be one of AMAZON, EBAY, TEMU, TIKTOK, SHOPIFY, SHOPEE, WALMART, OTHER")]
    Platform,
    #[error("country must be a 2-letter ISO code")]
    Country,
    #[error("a US state is 2 letters")]
    UsState,
    #[error("postcode {postcode} is not a valid {country} postcode")]
    Postcode { country: String, postcode: String },
    #[error("the recipient country {recipient} differs from the warehouse country {warehouse}")]
    CountryMismatch { recipient: String, warehouse: String },
    #[error("a seller label needs its tracking number")]
    LabelNeedsTracking,
    #[error("labelUrl must be an http(s) URL or a base64 PDF")]
    Label,
}

/// The recipient as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub company: Option<String>,
    pub country: String,
    pub state: Option<String>,
    pub city: String,
    pub district: Option<String>,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub house_no: Option<String>,
    pub postcode: String,
}

fn max_len(field: &'static str, value: Option<&str>, max: usize) -> Result<(), OrderError> {
    match value {
        Some(v) if char_len(v) > max => Err(OrderError::TooLong { field, max }),
        _ => Ok(()),
    }
}

fn required<'a>(field: &'static str, value: &'a str) -> Result<&'a str, OrderError> {
    let v = value.trim();
    if v.is_empty() { Err(OrderError::Required(field)) } else { Ok(v) }
}

/// Postcode formats of the countries our warehouses ship most to.
///
/// Seller text may hold any character, so every rule works on `char`s,
/// never on byte offsets (a byte slice inside `é` would panic).
pub fn postcode_ok(country: &str, postcode: &str) -> bool {
    let p: Vec<char> = postcode.trim().chars().collect();
    let digits = |s: &[char]| s.iter().all(char::is_ascii_digit);
    match country {
        // 12345 or 12345-6789
        "US" => match p.len() {
            5 => digits(&p),
            10 => digits(&p[..5]) && p[5] == '-' && digits(&p[6..]),
            _ => false,
        },
        "DE" | "FR" => p.len() == 5 && digits(&p),
        "GB" => uk_postcode(&p),
        _ => !p.is_empty() && p.len() <= 20,
    }
}

/// UK: outward code (A9, A99, AA9, AA99, A9A, AA9A) space inward (9AA).
fn uk_postcode(p: &[char]) -> bool {
    let compact: Vec<char> = p.iter().filter(|c| !c.is_whitespace()).map(char::to_ascii_uppercase).collect();
    if !(5..=7).contains(&compact.len()) {
        return false;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let inward_ok = inward[0].is_ascii_digit() && inward[1].is_ascii_alphabetic() && inward[2].is_ascii_alphabetic();
    let outward_ok = outward[0].is_ascii_alphabetic()
        && outward.iter().all(char::is_ascii_alphanumeric)
        && outward.iter().any(char::is_ascii_digit)
        && (2..=4).contains(&outward.len());
    inward_ok && outward_ok
}

impl Recipient {
    /// Checks the address for a warehouse in `warehouse_country`.
    pub fn check(&self, warehouse_country: &str) -> Result<(), OrderError> {
        required("recipient.name", &self.name)?;
        max_len("recipient.name", Some(&self.name), 100)?;
        max_len("recipient.phone", self.phone.as_deref(), 100)?;
        max_len("recipient.email", self.email.as_deref(), 100)?;
        max_len("recipient.company", self.company.as_deref(), 100)?;
        let country = required("recipient.country", &self.country)?;
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(OrderError::Country);
        }
        if country != warehouse_country {
            return Err(OrderError::CountryMismatch {
                recipient: country.to_owned(),
                warehouse: warehouse_country.to_owned(),
            });
        }
        max_len("recipient.state", self.state.as_deref(), 100)?;
        if country == "US" {
            let state = self.state.as_deref().map(str::trim).unwrap_or("");
            if state.is_empty() {
                return Err(OrderError::Required("recipient.state"));
            }
            if state.len() != 2 || !state.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(OrderError::UsState);
            }
        }
        required("recipient.city", &self.city)?;
        max_len("recipient.city", Some(&self.city), 100)?;
        max_len("recipient.district", self.district.as_deref(), 150)?;
        required("recipient.addressLine1", &self.address_line1)?;
        max_len("recipient.addressLine1", Some(&self.address_line1), 300)?;
        max_len("recipient.addressLine2", self.address_line2.as_deref(), 300)?;
        max_len("recipient.houseNo", self.house_no.as_deref(), 50)?;
        let postcode = required("recipient.postcode", &self.postcode)?;
        max_len("recipient.postcode", Some(postcode), 100)?;
        if !postcode_ok(country, postcode) {
            return Err(OrderError::Postcode { country: country.to_owned(), postcode: postcode.to_owned() });
        }
        Ok(())
    }
}

/// Checks the lines: at least one, no SKU twice, quantities in range.
pub fn check_lines(lines: &[(String, i64)]) -> Result<(), OrderError> {
    if lines.is_empty() {
        return Err(OrderError::NoItems);
    }
    if lines.len() > LINES_MAX {
        return Err(OrderError::TooLong { field: "items", max: LINES_MAX });
    }
    let mut seen = std::collections::BTreeSet::new();
    for (sku, q) in lines {
        if *q <= 0 || *q > LINE_QUANTITY_MAX {
            return Err(OrderError::Quantity(sku.clone()));
        }
        if !seen.insert(sku.as_str()) {
            return Err(OrderError::DuplicateSku(sku.clone()));
        }
    }
    Ok(())
}

/// Units one location and lot can give an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub location_id: i64,
    pub location_code: String,
    pub lot_id: i64,
    /// Unix ms: FIFO.
    pub inbound_at: i64,
    /// YYYY-MM-DD: FEFO when present.
    pub expiry_date: Option<String>,
    pub pick_face: bool,
    /// On hand at the location minus what open allocations already hold.
    pub free: i64,
}

/// Where `quantity` units are taken from: FEFO when lots carry expiry
/// dates, else FIFO by inbound day; among locations of the same lot, pick
/// faces before reserve storage; then by location code. Returns
/// (source index, units); fewer units than asked when stock is short.
pub fn allocate(sources: &[Source], quantity: i64) -> Vec<(usize, i64)> {
    let mut order: Vec<usize> = (0..sources.len()).filter(|&i| sources[i].free > 0).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&sources[a], &sources[b]);
        crate::lots::issue_order(
            (x.expiry_date.as_deref(), x.inbound_at, x.lot_id),
            (y.expiry_date.as_deref(), y.inbound_at, y.lot_id),
        )
        .then(y.pick_face.cmp(&x.pick_face))
        .then(x.location_code.cmp(&y.location_code))
    });
    let mut left = quantity;
    let mut out = Vec::new();
    for i in order {
        if left == 0 {
            break;
        }
        let n = sources[i].free.min(left);
        out.push((i, n));
        left -= n;
    }
    out
}

/// What a wave has promised so far, per (location, lot). Orders are tried
/// one by one: an order is accepted only when every line can be
/// allocated from what is still free after the orders accepted before it,
/// and an order that is refused leaves no trace.
#[derive(Debug, Clone, Default)]
pub struct Promises {
    taken: BTreeMap<(i64, i64), i64>,
}

/// The line of an order that cannot be allocated, and how many of its
/// units are free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShortLine {
    pub line: usize,
    pub free: i64,
}

impl Promises {
    /// Tries an order whose lines are (the sources of the line's product,
    /// units wanted); a source's `free` is before this wave's promises.
    /// Accepted: per line, (source index, units), and the promises grow.
    pub fn try_order(&mut self, lines: &[(&[Source], i64)]) -> Result<Vec<Vec<(usize, i64)>>, ShortLine> {
        let mut trial: BTreeMap<(i64, i64), i64> = BTreeMap::new();
        let mut plans = Vec::with_capacity(lines.len());
        for (line, (sources, quantity)) in lines.iter().enumerate() {
            let promised = |key: &(i64, i64)| self.taken.get(key).unwrap_or(&0) + trial.get(key).unwrap_or(&0);
            let free: Vec<Source> = sources
                .iter()
                .map(|s| Source { free: s.free - promised(&(s.location_id, s.lot_id)), ..s.clone() })
                .collect();
            let picks = allocate(&free, *quantity);
            let got: i64 = picks.iter().map(|(_, n)| n).sum();
            if got < *quantity {
                return Err(ShortLine { line, free: got });
            }
            for (i, n) in &picks {
                *trial.entry((sources[*i].location_id, sources[*i].lot_id)).or_default() += n;
            }
            plans.push(picks);
        }
        for (key, n) in trial {
            *self.taken.entry(key).or_default() += n;
        }
        Ok(plans)
    }
}

/// What a packer scanned against what was picked for the order.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PackError {
    #[error("{0} is not in this order")]
    WrongItem(String),
    #[error("{sku}: {scanned} scanned but only {picked} picked")]
    Extra { sku: String, scanned: i64, picked: i64 },
    #[error("{sku}: {picked} picked but {scanned} scanned")]
    Missing { sku: String, scanned: i64, picked: i64 },
    #[error("{sku}: serial numbers {reason}")]
    Serials { sku: String, reason: String },
}

/// Every picked unit must be scanned, and nothing else.
pub fn check_pack(picked: &BTreeMap<String, i64>, scanned: &[(String, i64)]) -> Result<(), PackError> {
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for (sku, q) in scanned {
        if !picked.contains_key(sku) {
            return Err(PackError::WrongItem(sku.clone()));
        }
        // Scanned quantities are a client's numbers: saturate, never overflow.
        let n = counts.entry(sku.as_str()).or_default();
        *n = n.saturating_add(*q);
    }
    for (sku, &p) in picked {
        let s = counts.get(sku.as_str()).copied().unwrap_or(0);
        if s > p {
            return Err(PackError::Extra { sku: sku.clone(), scanned: s, picked: p });
        }
        if s < p {
            return Err(PackError::Missing { sku: sku.clone(), scanned: s, picked: p });
        }
    }
    Ok(())
}

/// Serial scans for `units` units of a serial-managed SKU: one per unit,
/// none twice.
pub fn check_unit_serials(sku: &str, units: i64, serials: &[String]) -> Result<(), PackError> {
    let distinct: BTreeSet<&str> = serials.iter().map(String::as_str).collect();
    if distinct.len() != serials.len() {
        return Err(PackError::Serials { sku: sku.to_owned(), reason: "scanned twice".into() });
    }
    if serials.len() as i64 != units {
        return Err(PackError::Serials {
            sku: sku.to_owned(),
            reason: format!("{} scanned for {units} units", serials.len()),
        });
    }
    Ok(())
}

/// The serials scanned at packing are exactly those picked for the order,
/// SKU by SKU (only serial-managed SKUs are in `picked`).
pub fn check_pack_serials(
    picked: &BTreeMap<String, BTreeSet<String>>,
    scanned: &BTreeMap<String, Vec<String>>,
) -> Result<(), PackError> {
    for (sku, expected) in picked {
        let got = scanned.get(sku).map(Vec::as_slice).unwrap_or(&[]);
        check_unit_serials(sku, expected.len() as i64, got)?;
        if let Some(stranger) = got.iter().find(|s| !expected.contains(*s)) {
            return Err(PackError::Serials {
                sku: sku.clone(),
                reason: format!("{stranger} was not picked for this order"),
            });
        }
    }
    if let Some(sku) =
        scanned.iter().find(|(sku, serials)| !serials.is_empty() && !picked.contains_key(*sku)).map(|x| x.0)
    {
        return Err(PackError::Serials {
            sku: sku.clone(),
            reason: "given for a SKU that is not serial-managed".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests;
