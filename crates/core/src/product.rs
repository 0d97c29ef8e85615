//! Products (SKUs): the raw draft an ERP sends and the validated spec.
//!
//! Validation follows the JF WMS rules (shared/seeds/jfwms-api.txt, codes
//! 20000-20033): every error variant names the rule it breaks, and the API
//! maps each to its code.

use thiserror::Error;

use crate::decimal::{DecimalError, parse_fixed};
use crate::text::{char_len, is_jf_code_char, text_enum};

pub const NAME_CHARS_MAX: usize = 255;
pub const CODE_CHARS_MIN: usize = 2;
pub const CODE_CHARS_MAX: usize = 50;
/// 999.99 cm in micrometres.
pub const SIZE_UM_MAX: i64 = 9_999_900;
/// 999,999.99 g in milligrams.
pub const WEIGHT_MG_MAX: i64 = 999_999_990;
/// 0.01 in millionths of the currency unit.
pub const DECLARED_VALUE_MICROS_MIN: i64 = 10_000;
/// 999,999.999999 in millionths.
pub const DECLARED_VALUE_MICROS_MAX: i64 = 999_999_999_999;
pub const DECLARED_NAME_CHARS_MAX: usize = 100;
pub const COMPONENTS_MAX: usize = 50;
pub const COMPONENT_QUANTITY_MAX: i64 = 1_000;
pub const UNITS_PER_BOX_MAX: i64 = 100_000;
/// Products per create request (JF code 20012).
pub const BATCH_MAX: usize = 300;

/// Currencies accepted for declarations: the ones customs forms of our
/// markets use. An unknown code is refused (20031), not stored blindly.
const CURRENCIES: &[&str] = &[
    "USD", "EUR", "GBP", "CNY", "JPY", "CAD", "AUD", "MXN", "HKD", "SGD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK",
    "HUF", "NZD", "KRW", "BRL", "AED", "SAR", "TRY", "THB", "MYR", "IDR", "PHP", "VND", "INR", "ZAR", "TWD", "ILS",
];

/// Declared attributes (申报属性): what carriers need to know.
const ATTRIBUTES: &[&str] = &["GENERAL", "BATTERY", "LIQUID", "POWDER", "MAGNETIC", "CREAM", "SHARP", "FOOD"];

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProductError {
    #[error("SKU is required")]
    SkuRequired,
    #[error("name is required")]
    NameRequired,
    #[error("SKU must be 2-50 characters of the allowed set")]
    SkuFormat,
    #[error("barcode must be 2-50 characters of the allowed set")]
    BarcodeFormat,
    #[error("name longer than 255 characters")]
    NameTooLong,
    #[error("barcode longer than 50 characters")]
    BarcodeTooLong,
    #[error("length, width and height must be given together")]
    DimensionsIncomplete,
    #[error("weight out of range")]
    WeightRange,
    #[error("size out of range")]
    SizeRange,
    #[error("declared Chinese name is required")]
    DeclaredNameZhRequired,
    #[error("declared Chinese name too long")]
    DeclaredNameZhTooLong,
    #[error("declared English name is required")]
    DeclaredNameEnRequired,
    #[error("declared English name too long")]
    DeclaredNameEnTooLong,
    #[error("declared value is required")]
    DeclaredValueRequired,
    #[error("declared value out of range")]
    DeclaredValueRange,
    #[error("declared currency is required")]
    CurrencyRequired,
    #[error("declared currency is not valid")]
    CurrencyInvalid,
    #[error("declared attribute is not valid")]
    AttributeInvalid,
    /// A field that has no code of its own is malformed; the field is named.
    #[error("field {0} is malformed")]
    FieldFormat(&'static str),
}

/// What the ERP sent, fields as raw as possible: decimal amounts stay text
/// so that no floating point touches them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProductDraft {
    pub sku: Option<String>,
    pub name: Option<String>,
    pub barcode: Option<String>,
    pub product_type: Option<String>,
    pub units_per_box: Option<i64>,
    pub components: Vec<ComponentDraft>,
    pub length_cm: Option<String>,
    pub width_cm: Option<String>,
    pub height_cm: Option<String>,
    pub weight_kg: Option<String>,
    pub declaration: Option<DeclarationDraft>,
    pub battery: bool,
    pub liquid: bool,
    pub magnetic: bool,
    pub fragile: bool,
    pub serial_managed: bool,
    pub batch_managed: bool,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ComponentDraft {
    pub sku: String,
    pub quantity: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeclarationDraft {
    pub name_en: Option<String>,
    pub name_zh: Option<String>,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub value: Option<String>,
    pub currency: Option<String>,
    pub attribute: Option<String>,
}

/// A SKU code that passed the JF rules.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SkuCode(String);

impl SkuCode {
    pub fn parse(text: &str) -> Result<SkuCode, ProductError> {
        if text.trim().is_empty() {
            return Err(ProductError::SkuRequired);
        }
        if !(CODE_CHARS_MIN..=CODE_CHARS_MAX).contains(&char_len(text)) || !text.chars().all(is_jf_code_char) {
            return Err(ProductError::SkuFormat);
        }
        Ok(SkuCode(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

text_enum!(ProductType { Single => "SINGLE", Suite => "SUITE", Box => "BOX" });

text_enum!(ProductStatus { Active => "ACTIVE", Inactive => "INACTIVE" });

/// The kind of product, with what each kind needs: a suite its components,
/// a box its number of units. Other combinations cannot be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProductKind {
    Single,
    Suite { components: Vec<(SkuCode, i64)> },
    Box { units_per_box: i64 },
}

impl ProductKind {
    pub fn product_type(&self) -> ProductType {
        match self {
            ProductKind::Single => ProductType::Single,
            ProductKind::Suite { .. } => ProductType::Suite,
            ProductKind::Box { .. } => ProductType::Box,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dimensions {
    pub length_um: i64,
    pub width_um: i64,
    pub height_um: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    pub name_en: String,
    pub name_zh: String,
    pub hs_code: Option<String>,
    pub origin_country: Option<String>,
    pub value_micros: i64,
    pub currency: String,
    pub attribute: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProductFlags {
    pub battery: bool,
    pub liquid: bool,
    pub magnetic: bool,
    pub fragile: bool,
    pub serial_managed: bool,
    pub batch_managed: bool,
}

/// A product that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSpec {
    pub sku: SkuCode,
    pub name: String,
    /// Defaults to the SKU code when the seller gives none, so that every
    /// product can be scanned.
    pub barcode: String,
    pub kind: ProductKind,
    pub dimensions: Option<Dimensions>,
    pub weight_mg: Option<i64>,
    pub declaration: Option<Declaration>,
    pub flags: ProductFlags,
    pub status: ProductStatus,
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn size_um(text: &str) -> Result<i64, ProductError> {
    let hundredths = parse_fixed(text, 2).map_err(|e| match e {
        DecimalError::NotANumber => ProductError::FieldFormat("size"),
        _ => ProductError::SizeRange,
    })?;
    // A size of 10^16 cm and more would overflow in µm: out of range too.
    match hundredths.checked_mul(100) {
        Some(um) if um <= SIZE_UM_MAX => Ok(um),
        _ => Err(ProductError::SizeRange),
    }
}

impl ProductDraft {
    /// Checks every rule, in the order an ERP developer would fix them:
    /// identity first, then sizes, then customs data.
    pub fn validate(&self) -> Result<ProductSpec, ProductError> {
        let sku = SkuCode::parse(self.sku.as_deref().unwrap_or(""))?;
        let name = non_empty(&self.name).ok_or(ProductError::NameRequired)?;
        if char_len(name) > NAME_CHARS_MAX {
            return Err(ProductError::NameTooLong);
        }
        let barcode = match non_empty(&self.barcode) {
            None => sku.as_str().to_owned(),
            Some(b) if char_len(b) > CODE_CHARS_MAX => return Err(ProductError::BarcodeTooLong),
            Some(b) if char_len(b) < CODE_CHARS_MIN || !b.chars().all(is_jf_code_char) => {
                return Err(ProductError::BarcodeFormat);
            }
            Some(b) => b.to_owned(),
        };
        let kind = self.kind(&sku)?;
        let dimensions = match (non_empty(&self.length_cm), non_empty(&self.width_cm), non_empty(&self.height_cm)) {
            (None, None, None) => None,
            (Some(l), Some(w), Some(h)) => {
                Some(Dimensions { length_um: size_um(l)?, width_um: size_um(w)?, height_um: size_um(h)? })
            }
            _ => return Err(ProductError::DimensionsIncomplete),
        };
        let weight_mg = match non_empty(&self.weight_kg) {
            None => None,
            Some(text) => {
                let mg = parse_fixed(text, 6).map_err(|e| match e {
                    DecimalError::NotANumber => ProductError::FieldFormat("weightKg"),
                    _ => ProductError::WeightRange,
                })?;
                // JF's range is stated to the hundredth of a gram.
                if mg > WEIGHT_MG_MAX || mg % 10 != 0 {
                    return Err(ProductError::WeightRange);
                }
                Some(mg)
            }
        };
        let declaration = self.declaration.as_ref().map(DeclarationDraft::validate).transpose()?;
        let status = match non_empty(&self.status) {
            None => ProductStatus::Active,
            Some(s) => ProductStatus::parse(s).ok_or(ProductError::FieldFormat("status"))?,
        };
        Ok(ProductSpec {
            sku,
            name: name.to_owned(),
            barcode,
            kind,
            dimensions,
            weight_mg,
            declaration,
            flags: ProductFlags {
                battery: self.battery,
                liquid: self.liquid,
                magnetic: self.magnetic,
                fragile: self.fragile,
                serial_managed: self.serial_managed,
                batch_managed: self.batch_managed,
            },
            status,
        })
    }

    fn kind(&self, sku: &SkuCode) -> Result<ProductKind, ProductError> {
        let product_type = match non_empty(&self.product_type) {
            None => ProductType::Single,
            Some(t) => ProductType::parse(t).ok_or(ProductError::FieldFormat("type"))?,
        };
        match product_type {
            ProductType::Single => {
                if !self.components.is_empty() {
                    return Err(ProductError::FieldFormat("components"));
                }
                Ok(ProductKind::Single)
            }
            ProductType::Box => match self.units_per_box {
                Some(n) if (2..=UNITS_PER_BOX_MAX).contains(&n) => Ok(ProductKind::Box { units_per_box: n }),
                _ => Err(ProductError::FieldFormat("unitsPerBox")),
            },
            ProductType::Suite => {
                if self.components.is_empty() || self.components.len() > COMPONENTS_MAX {
                    return Err(ProductError::FieldFormat("components"));
                }
                let mut components: Vec<(SkuCode, i64)> = Vec::with_capacity(self.components.len());
                for c in &self.components {
                    let code = SkuCode::parse(&c.sku).map_err(|_| ProductError::FieldFormat("components.sku"))?;
                    let duplicate = components.iter().any(|(s, _)| *s == code);
                    if code == *sku || duplicate || !(1..=COMPONENT_QUANTITY_MAX).contains(&c.quantity) {
                        return Err(ProductError::FieldFormat("components"));
                    }
                    components.push((code, c.quantity));
                }
                Ok(ProductKind::Suite { components })
            }
        }
    }
}

impl DeclarationDraft {
    fn validate(&self) -> Result<Declaration, ProductError> {
        let name_zh = non_empty(&self.name_zh).ok_or(ProductError::DeclaredNameZhRequired)?;
        if char_len(name_zh) > DECLARED_NAME_CHARS_MAX {
            return Err(ProductError::DeclaredNameZhTooLong);
        }
        let name_en = non_empty(&self.name_en).ok_or(ProductError::DeclaredNameEnRequired)?;
        if char_len(name_en) > DECLARED_NAME_CHARS_MAX {
            return Err(ProductError::DeclaredNameEnTooLong);
        }
        let value = non_empty(&self.value).ok_or(ProductError::DeclaredValueRequired)?;
        let value_micros = parse_fixed(value, 6).map_err(|_| ProductError::DeclaredValueRange)?;
        if !(DECLARED_VALUE_MICROS_MIN..=DECLARED_VALUE_MICROS_MAX).contains(&value_micros) {
            return Err(ProductError::DeclaredValueRange);
        }
        let currency = non_empty(&self.currency).ok_or(ProductError::CurrencyRequired)?;
        if !CURRENCIES.contains(&currency) {
            return Err(ProductError::CurrencyInvalid);
        }
        let hs_code = match non_empty(&self.hs_code) {
            None => None,
            Some(hs) if (4..=13).contains(&hs.len()) && hs.chars().all(|c| c.is_ascii_digit() || c == '.') => {
                Some(hs.to_owned())
            }
            Some(_) => return Err(ProductError::FieldFormat("declaration.hsCode")),
        };
        let origin_country = match non_empty(&self.origin_country) {
            None => None,
            Some(c) if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_uppercase()) => Some(c.to_owned()),
            Some(_) => return Err(ProductError::FieldFormat("declaration.originCountry")),
        };
        let attribute = match non_empty(&self.attribute) {
            None => None,
            Some(a) if ATTRIBUTES.contains(&a) => Some(a.to_owned()),
            Some(_) => return Err(ProductError::AttributeInvalid),
        };
        Ok(Declaration {
            name_en: name_en.to_owned(),
            name_zh: name_zh.to_owned(),
            hs_code,
            origin_country,
            value_micros,
            currency: currency.to_owned(),
            attribute,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ProductDraft {
        ProductDraft {
            sku: Some("BAR-TEST-1".into()),
            name: Some("Bar test product".into()),
            barcode: Some("BAR0000001".into()),
            length_cm: Some("20".into()),
            width_cm: Some("15".into()),
            height_cm: Some("10".into()),
            weight_kg: Some("0.8".into()),
            declaration: Some(DeclarationDraft {
                name_en: Some("Phone case".into()),
                name_zh: Some("手机壳".into()),
                hs_code: Some("392690".into()),
                origin_country: Some("CN".into()),
                value: Some("5.00".into()),
                currency: Some("USD".into()),
                attribute: None,
            }),
            ..ProductDraft::default()
        }
    }

    #[test]
    fn a_complete_draft_becomes_exact_integers() {
        let spec = draft().validate().unwrap();
        assert_eq!(spec.dimensions, Some(Dimensions { length_um: 200_000, width_um: 150_000, height_um: 100_000 }));
        assert_eq!(spec.weight_mg, Some(800_000));
        assert_eq!(spec.declaration.unwrap().value_micros, 5_000_000);
        assert_eq!(spec.kind, ProductKind::Single);
    }

    /// A change that breaks one rule, and the error it must get.
    type BrokenRule = (Box<dyn Fn(&mut ProductDraft)>, ProductError);

    #[test]
    fn each_rule_has_its_own_error() {
        let cases: Vec<BrokenRule> = vec![
            (Box::new(|d| d.sku = None), ProductError::SkuRequired),
            (Box::new(|d| d.sku = Some("x".into())), ProductError::SkuFormat),
            (Box::new(|d| d.sku = Some("ab$c".into())), ProductError::SkuFormat),
            (Box::new(|d| d.name = Some(" ".into())), ProductError::NameRequired),
            (Box::new(|d| d.name = Some("n".repeat(256))), ProductError::NameTooLong),
            (Box::new(|d| d.barcode = Some("b".repeat(51))), ProductError::BarcodeTooLong),
            (Box::new(|d| d.barcode = Some("条码".into())), ProductError::BarcodeFormat),
            (Box::new(|d| d.height_cm = None), ProductError::DimensionsIncomplete),
            (Box::new(|d| d.length_cm = Some("1000".into())), ProductError::SizeRange),
            (Box::new(|d| d.length_cm = Some("1.001".into())), ProductError::SizeRange),
            // Fits in hundredths, overflows in µm (found by the validators fuzz target).
            (Box::new(|d| d.length_cm = Some("1000000000000000".into())), ProductError::SizeRange),
            (Box::new(|d| d.weight_kg = Some("1000".into())), ProductError::WeightRange),
            (Box::new(|d| d.declaration.as_mut().unwrap().name_zh = None), ProductError::DeclaredNameZhRequired),
            (
                Box::new(|d| d.declaration.as_mut().unwrap().name_en = Some("e".repeat(101))),
                ProductError::DeclaredNameEnTooLong,
            ),
            (
                Box::new(|d| d.declaration.as_mut().unwrap().value = Some("0.001".into())),
                ProductError::DeclaredValueRange,
            ),
            (
                Box::new(|d| d.declaration.as_mut().unwrap().currency = Some("XXX".into())),
                ProductError::CurrencyInvalid,
            ),
            (
                Box::new(|d| d.declaration.as_mut().unwrap().attribute = Some("NUCLEAR".into())),
                ProductError::AttributeInvalid,
            ),
        ];
        for (change, expected) in cases {
            let mut d = draft();
            change(&mut d);
            assert_eq!(d.validate(), Err(expected.clone()), "expected {expected:?}");
        }
    }

    #[test]
    fn kinds_carry_what_they_need() {
        let mut d = draft();
        d.product_type = Some("BOX".into());
        assert_eq!(d.validate(), Err(ProductError::FieldFormat("unitsPerBox")));
        d.units_per_box = Some(12);
        assert_eq!(d.validate().unwrap().kind, ProductKind::Box { units_per_box: 12 });
        d.product_type = Some("SUITE".into());
        assert_eq!(d.validate(), Err(ProductError::FieldFormat("components")));
        d.components = vec![ComponentDraft { sku: "PART-1".into(), quantity: 2 }];
        assert!(matches!(d.validate().unwrap().kind, ProductKind::Suite { .. }));
        d.components.push(ComponentDraft { sku: "BAR-TEST-1".into(), quantity: 1 });
        assert_eq!(d.validate(), Err(ProductError::FieldFormat("components")), "a suite cannot contain itself");
    }

    #[test]
    fn a_missing_barcode_defaults_to_the_sku() {
        let mut d = draft();
        d.barcode = None;
        assert_eq!(d.validate().unwrap().barcode, "BAR-TEST-1");
    }
}
