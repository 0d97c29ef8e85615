//! haicang-core: the warehouse rules, pure.
//!
//! This crate owns the domain vocabulary (SKU codes, conditions, locations,
//! quantities), the validation that turns raw input into those types, the
//! arithmetic of the inventory ledger and the numbering of documents. It does
//! no I/O, has no async and knows nothing of SQL or HTTP: the store applies
//! what the functions here decide, and the API layer turns the errors here
//! into error codes.

pub mod alerts;
pub mod billing;
pub mod decimal;
pub mod dialects;
pub mod document;
pub mod inbound;
pub mod layout;
pub mod ledger;
pub mod location;
pub mod lots;
pub mod network;
pub mod outbound;
pub mod password;
pub mod product;
pub mod putaway;
pub mod returns;
pub mod routing;
pub mod staff;
pub mod status;
pub mod text;
pub mod throttle;
pub mod transfers;
pub mod work_orders;

#[cfg(test)]
mod no_panic;
