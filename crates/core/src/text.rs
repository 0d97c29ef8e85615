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
