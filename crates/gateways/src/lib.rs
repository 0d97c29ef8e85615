//! haicang-gateways: the APIs of other WMS vendors (`shared/seeds/`),
//! served unchanged so an ERP integrated with them only changes its base
//! URL and credentials. One module per dialect; a gateway is a thin
//! translator — parse the vendor's request, call the app use case the
//! native API calls, render the vendor's envelope — and holds no warehouse
//! rule (docs/ARCHITECTURE.md, "Gateways").
//!
//! Built so far: JF WMS request signatures.

pub mod jf;
