//! A seller's bill, A4: the period's balances, charges by type, then every
//! charge line.

use crate::PrintError;
use crate::shipping::{a4_pages, text};

/// One charge line as printed (amounts already formatted in the bill's
/// currency).
#[derive(Debug, Clone)]
pub struct BillLine {
    pub day: String,
    pub charge_type: String,
    pub document_no: String,
    pub detail: String,
    pub amount: String,
}

#[derive(Debug, Clone)]
pub struct BillDocument {
    pub bill_no: String,
    pub customer: String,
    pub period: String,
    pub currency: String,
    pub status: String,
    /// (label, amount) rows of the summary: balances, top-ups, totals by type.
    pub summary: Vec<(String, String)>,
    pub lines: Vec<BillLine>,
}

const LINES_PER_PAGE: usize = 40;

/// Cuts text to `max` characters (a long detail must not run into the
/// amount column).
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max { text.to_owned() } else { text.chars().take(max - 1).chain(['…']).collect() }
}

pub fn bill(doc: &BillDocument) -> Result<Vec<u8>, PrintError> {
    a4_pages(&doc.lines, LINES_PER_PAGE, |surface, font, p, count, lines| {
        text(surface, font, 15.0, 18.0, 16.0, &format!("BILL {}", doc.bill_no));
        let head =
            format!("{} · {} · {} · {} · page {}/{}", doc.customer, doc.period, doc.currency, doc.status, p + 1, count);
        text(surface, font, 15.0, 25.0, 9.0, &head);
        let mut y = 35.0;
        if p == 0 {
            for (label, amount) in &doc.summary {
                text(surface, font, 15.0, y, 10.0, label);
                text(surface, font, 170.0, y, 10.0, amount);
                y += 5.5;
            }
            y += 4.0;
        }
        text(surface, font, 15.0, y, 8.0, "DAY          TYPE                 DOCUMENT              DETAIL");
        text(surface, font, 180.0, y, 8.0, "AMOUNT");
        y += 5.0;
        for l in lines {
            text(surface, font, 15.0, y, 8.0, &l.day);
            text(surface, font, 35.0, y, 8.0, &cut(&l.charge_type, 20));
            text(surface, font, 68.0, y, 8.0, &cut(&l.document_no, 22));
            text(surface, font, 105.0, y, 8.0, &cut(&l.detail, 44));
            text(surface, font, 180.0, y, 8.0, &l.amount);
            y += 5.5;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bill_prints_on_as_many_pages_as_its_lines_need() {
        let line = |i: usize| BillLine {
            day: "2026-11-30".into(),
            charge_type: "OUTBOUND_ORDER".into(),
            document_no: format!("OB26113000{i:02}"),
            detail: "order with a very long description that will not fit in its column at all".into(),
            amount: "2.50".into(),
        };
        let doc = BillDocument {
            bill_no: "BL-DEMO-202611-USD".into(),
            customer: "DEMO".into(),
            period: "2026-11-01 – 2026-11-30".into(),
            currency: "USD".into(),
            status: "OPEN".into(),
            summary: vec![("Opening balance".into(), "0.00".into())],
            lines: (0..41).map(line).collect(),
        };
        let pdf = bill(&doc).expect("prints");
        assert!(pdf.starts_with(b"%PDF-"));
        // 41 lines: 40 on the first page, 1 on the second.
        assert!(pdf.windows(b"/Count 2".len()).any(|w| w == b"/Count 2"));
        let one_page = bill(&BillDocument { lines: vec![line(0)], ..doc }).expect("prints");
        assert!(one_page.windows(b"/Count 1".len()).any(|w| w == b"/Count 1"));
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");
    }
}
