//! Human-readable document numbers: prefix + yymmdd + sequence
//! (`AD2611230001`). The day is the warehouse's local day; the sequence is
//! kept per prefix and day by the store.

/// The kinds of documents that move stock. The prefix is part of every
/// document number and the name is what the inventory log shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentType {
    Adjustment,
    Outbound,
    Inbound,
    Move,
    Conversion,
    Return,
    Count,
    WorkOrder,
    Transfer,
    B2bOutbound,
}

impl DocumentType {
    pub fn prefix(self) -> &'static str {
        match self {
            DocumentType::Adjustment => "AD",
            DocumentType::Outbound => "OB",
            DocumentType::Inbound => "IB",
            DocumentType::Move => "MV",
            DocumentType::Conversion => "CV",
            DocumentType::Return => "RT",
            DocumentType::Count => "CT",
            DocumentType::WorkOrder => "WO",
            DocumentType::Transfer => "TF",
            DocumentType::B2bOutbound => "BO",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentType::Adjustment => "ADJUSTMENT",
            DocumentType::Outbound => "OUTBOUND",
            DocumentType::Inbound => "INBOUND",
            DocumentType::Move => "MOVE",
            DocumentType::Conversion => "CONVERSION",
            DocumentType::Return => "RETURN",
            DocumentType::Count => "COUNT",
            DocumentType::WorkOrder => "WORK_ORDER",
            DocumentType::Transfer => "TRANSFER",
            DocumentType::B2bOutbound => "B2B_OUTBOUND",
        }
    }
}

/// `format_document_no(Adjustment, "261123", 1) == "AD2611230001"`; the
/// sequence widens beyond four digits instead of wrapping.
pub fn format_document_no(doc: DocumentType, yymmdd: &str, sequence: i64) -> String {
    format!("{}{}{:04}", doc.prefix(), yymmdd, sequence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_prefix_day_sequence() {
        assert_eq!(format_document_no(DocumentType::Adjustment, "261123", 1), "AD2611230001");
        assert_eq!(format_document_no(DocumentType::Outbound, "261123", 12345), "OB26112312345");
    }
}
