//! The other WMS vendors whose APIs haicang serves unchanged (their
//! documents are in `shared/seeds/`), and what their codes may alias.

use crate::text::text_enum;

text_enum!(
    /// A vendor API a gateway speaks.
    Dialect {
        Jf => "JF",
        Qianyi => "QIANYI",
        Winit => "WINIT",
        Onixport => "ONIXPORT",
        Suoen => "SUOEN",
    }
);

text_enum!(
    /// What a vendor code names: a seller's ERP keeps the codes it already
    /// uses, and a gateway translates them.
    AliasKind {
        Warehouse => "WAREHOUSE",
        ShippingService => "SHIPPING_SERVICE",
    }
);

/// Longest vendor code kept (JF's and Winit's codes are short; 50 leaves room).
pub const VENDOR_CODE_CHARS_MAX: usize = 50;

/// A vendor code as kept: trimmed, 1 to 50 characters, no control
/// characters (codes are compared exactly, case included, as vendors do).
pub fn vendor_code(text: &str) -> Option<&str> {
    let t = text.trim();
    let ok = !t.is_empty() && t.chars().count() <= VENDOR_CODE_CHARS_MAX && !t.chars().any(char::is_control);
    ok.then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialects_and_codes_parse_as_kept() {
        assert_eq!(Dialect::parse("jf"), Some(Dialect::Jf));
        assert_eq!(Dialect::parse("QIANYI"), Some(Dialect::Qianyi));
        assert_eq!(Dialect::parse("acme"), None);
        assert_eq!(AliasKind::parse("shipping_service"), Some(AliasKind::ShippingService));
        assert_eq!(vendor_code(" YK "), Some("YK"));
        assert_eq!(vendor_code("  "), None);
        assert_eq!(vendor_code(&"x".repeat(51)), None);
        assert_eq!(vendor_code("Y\u{7}K"), None);
    }
}
