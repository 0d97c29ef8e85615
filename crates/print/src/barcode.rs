//! Code 128 as runs of bars.

use barcoders::sym::code128::Code128;

use crate::PrintError;

/// The bars of `data` in Code 128: (first module, width in modules) of
/// each dark run, and the total number of modules including quiet zones
/// the caller must leave (10 modules each side).
pub(crate) struct Bars {
    pub runs: Vec<(usize, usize)>,
    pub modules: usize,
}

pub(crate) fn code128(data: &str) -> Result<Bars, PrintError> {
    if data.is_empty() || !data.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(PrintError::NotEncodable(data.to_owned()));
    }
    // `Ɓ` selects character set B (all printable ASCII).
    let symbol = Code128::new(format!("\u{0181}{data}")).map_err(|_| PrintError::NotEncodable(data.to_owned()))?;
    let modules = symbol.encode();
    let mut runs = Vec::new();
    let mut start = None;
    for (i, m) in modules.iter().enumerate() {
        match (m, start) {
            (1, None) => start = Some(i),
            (0, Some(s)) => {
                runs.push((s, i - s));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push((s, modules.len() - s));
    }
    Ok(Bars { runs, modules: modules.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let bars = code128("IB2611240001-001").expect("ascii encodes");
        let dark: usize = bars.runs.iter().map(|(_, w)| w).sum();
        // Every Code 128 symbol has 3 bars per character of 11 modules
        // (6 elements), start and stop included: dark modules are a large
        // part, and a symbol both starts and ends with a bar.
        assert!(dark > bars.modules / 3 && dark < bars.modules);
        assert_eq!(bars.runs.first().map(|r| r.0), Some(0));
        let last = bars.runs.last().expect("has bars");
        assert_eq!(last.0 + last.1, bars.modules);
    }

    #[test]
    fn refuses_what_set_b_cannot_carry() {
        assert!(code128("箱-1").is_err());
        assert!(code128("").is_err());
    }
}
