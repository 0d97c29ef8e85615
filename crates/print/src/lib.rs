//! Printed documents of haicang, as PDF.
//!
//! Pure: the caller hands over the data, this crate answers the bytes of a
//! PDF. Text is set in DejaVu Sans (shipped with the crate, so a fresh
//! machine prints the same labels as a developer's) and barcodes are drawn
//! as vector bars, which stay sharp on any thermal printer resolution.

mod barcode;
mod bill;
mod label;
mod packing;
mod shipping;

pub use bill::{BillDocument, BillLine, bill};
pub use label::{BoxLabel, LabelSize, box_labels};
pub use packing::{PackingLine, PackingList, packing_list};
pub use shipping::{PickList, PickStop, ShippingLabel, pick_list, shipping_label};

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PrintError {
    /// Code 128 (set B) encodes printable ASCII only.
    #[error("{0:?} cannot be printed as a Code 128 barcode")]
    NotEncodable(String),
    #[error("nothing to print")]
    Empty,
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

const MM: f32 = 72.0 / 25.4;

/// Millimetres to PDF points.
fn mm(value: f32) -> f32 {
    value * MM
}
