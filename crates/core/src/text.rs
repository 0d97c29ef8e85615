//! Small text rules shared by several validators.

/// The JF WMS charset for SKU codes and barcodes: ASCII letters and digits,
/// space and `( ) _ . - * + # \ / % &`.
pub fn is_jf_code_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " ()_.-*+#\\/%&".contains(c)
}

/// Length in characters (not bytes): limits in the seeds count characters,
/// and a Chinese name of 100 characters is 300 bytes.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// A stored or sent text that names no variant of a closed set (a status,
/// a type, a condition). From the database this is a bug or a newer
/// release's value: the store fails loudly instead of guessing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a known {kind}")]
pub struct UnknownText {
    pub kind: &'static str,
    pub value: String,
}

/// An optional closed value as a nullable column decodes it (NULL: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Maybe<T>(pub Option<T>);

impl<T: TryFrom<String, Error = UnknownText>> TryFrom<Option<String>> for Maybe<T> {
    type Error = UnknownText;

    fn try_from(value: Option<String>) -> Result<Maybe<T>, UnknownText> {
        value.map(T::try_from).transpose().map(Maybe)
    }
}

/// A closed set of values with one upper-case text each: `as_str`,
/// case-insensitive `parse`, `ALL`, and `TryFrom<String>` (what the store
/// decodes columns with). Extra attributes (docs, derives) pass through.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(text.trim()))
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::text::UnknownText;

            fn try_from(value: String) -> Result<$name, Self::Error> {
                // Stored values are exact: no trimming or case folding here.
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == value)
                    .ok_or($crate::text::UnknownText { kind: stringify!($name), value })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;
