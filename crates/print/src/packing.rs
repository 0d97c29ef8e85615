//! A packing list, A4: what a B2B or transfer shipment's cartons hold,
//! carton by carton, for the consignee (a marketplace's fulfilment centre
//! checks cartons against it).

use crate::PrintError;
use crate::shipping::{a4_pages, text};

/// One SKU line of one carton.
#[derive(Debug, Clone)]
pub struct PackingLine {
    pub carton: String,
    pub sku: String,
    pub quantity: i64,
    /// Carton measures, printed on the carton's first line.
    pub measures: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PackingList {
    pub order_no: String,
    pub customer: String,
    pub from: String,
    pub to: String,
    pub reference: String,
    pub lines: Vec<PackingLine>,
    /// (label, value) rows under the title: cartons, units, weight.
    pub totals: Vec<(String, String)>,
}

const LINES_PER_PAGE: usize = 42;

pub fn packing_list(list: &PackingList) -> Result<Vec<u8>, PrintError> {
    if list.lines.is_empty() {
        return Err(PrintError::Empty);
    }
    a4_pages(&list.lines, LINES_PER_PAGE, |surface, font, p, count, lines| {
        text(surface, font, 15.0, 18.0, 16.0, &format!("PACKING LIST {}", list.order_no));
        let head =
            format!("{} · {} → {} · {} · page {}/{}", list.customer, list.from, list.to, list.reference, p + 1, count);
        text(surface, font, 15.0, 25.0, 9.0, &head);
        let mut y = 35.0;
        if p == 0 {
            for (label, value) in &list.totals {
                text(surface, font, 15.0, y, 10.0, label);
                text(surface, font, 70.0, y, 10.0, value);
                y += 5.5;
            }
            y += 4.0;
        }
        text(surface, font, 15.0, y, 8.0, "CARTON               SKU                                   QTY");
        text(surface, font, 140.0, y, 8.0, "MEASURES");
        y += 5.0;
        for l in lines {
            text(surface, font, 15.0, y, 8.0, &l.carton);
            text(surface, font, 50.0, y, 8.0, &l.sku);
            text(surface, font, 112.0, y, 8.0, &l.quantity.to_string());
            if let Some(m) = &l.measures {
                text(surface, font, 140.0, y, 8.0, m);
            }
            y += 5.5;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_prints_on_several_pages() {
        let lines = (0..100)
            .map(|i| PackingLine {
                carton: format!("TF2611300001-{:03}", i / 2 + 1),
                sku: format!("SKU-{i}"),
                quantity: i + 1,
                measures: (i % 2 == 0).then(|| "60×40×40 cm 12.5 kg".into()),
            })
            .collect();
        let list = PackingList {
            order_no: "TF2611300001".into(),
            customer: "DEMO".into(),
            from: "US-LA01".into(),
            to: "AMAZON_FBA FBA15ABCD".into(),
            reference: "REF-1".into(),
            lines,
            totals: vec![("Cartons".into(), "50".into())],
        };
        let pdf = packing_list(&list).expect("prints");
        assert!(pdf.starts_with(b"%PDF"));
        // 100 lines at 42 a page.
        assert!(pdf.windows(b"/Count 3".len()).any(|w| w == b"/Count 3"));
        let empty = PackingList { lines: Vec::new(), ..list };
        assert_eq!(packing_list(&empty), Err(PrintError::Empty));
    }
}
