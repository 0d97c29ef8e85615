//! Box labels for inbound orders: one page per box, sized for the 100 mm
//! thermal printers overseas warehouses use.

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use crate::barcode::code128;
use crate::{PrintError, mm};

static DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelSize {
    /// 100 × 100 mm.
    #[default]
    Square100,
    /// 100 × 150 mm (4 × 6 in).
    Tall150,
}

impl LabelSize {
    pub fn parse(text: &str) -> Option<LabelSize> {
        match text.trim().to_ascii_lowercase().as_str() {
            "100x100" => Some(LabelSize::Square100),
            "100x150" => Some(LabelSize::Tall150),
            _ => None,
        }
    }

    fn height_mm(self) -> f32 {
        match self {
            LabelSize::Square100 => 100.0,
            LabelSize::Tall150 => 150.0,
        }
    }
}

/// What one box label shows.
#[derive(Debug, Clone)]
pub struct BoxLabel {
    /// What the scanner reads: the barcode's content.
    pub scan_code: String,
    pub order_no: String,
    /// The seller's own box number.
    pub box_no: String,
    pub box_index: usize,
    pub box_count: usize,
    pub warehouse_code: String,
    pub customer_code: String,
    /// SKU and quantity of every item in the box.
    pub items: Vec<(String, i64)>,
    /// Where an outgoing carton goes: a marketplace shipment id (FBA
    /// labels must carry it) or the destination warehouse.
    pub shipment: Option<String>,
}

const WIDTH_MM: f32 = 100.0;
const MARGIN_MM: f32 = 5.0;
const LINE_MM: f32 = 5.0;
const SKU_CHARS_MAX: usize = 34;

/// One PDF with a page per label.
pub fn box_labels(size: LabelSize, labels: &[BoxLabel]) -> Result<Vec<u8>, PrintError> {
    if labels.is_empty() {
        return Err(PrintError::Empty);
    }
    let font = Font::new(DEJAVU_SANS.into(), 0).ok_or_else(|| PrintError::Pdf("font unreadable".into()))?;
    let settings =
        PageSettings::from_wh(mm(WIDTH_MM), mm(size.height_mm())).ok_or_else(|| PrintError::Pdf("page size".into()))?;
    let mut document = Document::new();
    for label in labels {
        // Check the barcode before a page exists, so an error leaves no
        // half-drawn page behind.
        let bars = code128(&label.scan_code)?;
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        draw_label(&mut surface, &font, size, label, &bars)?;
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

fn text(surface: &mut Surface, font: &Font, x_mm: f32, y_mm: f32, size_pt: f32, content: &str) {
    surface.draw_text(Point::from_xy(mm(x_mm), mm(y_mm)), font.clone(), size_pt, content, false, TextDirection::Auto);
}

fn rect(builder: &mut PathBuilder, x_mm: f32, y_mm: f32, w_mm: f32, h_mm: f32) {
    if let Some(r) = Rect::from_xywh(mm(x_mm), mm(y_mm), mm(w_mm), mm(h_mm)) {
        builder.push_rect(r);
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

fn draw_label(
    surface: &mut Surface,
    font: &Font,
    size: LabelSize,
    label: &BoxLabel,
    bars: &crate::barcode::Bars,
) -> Result<(), PrintError> {
    let left = MARGIN_MM;
    let mut y = MARGIN_MM + 7.0;
    text(surface, font, left, y, 20.0, &label.warehouse_code);
    text(surface, font, 62.0, y, 16.0, &format!("BOX {}/{}", label.box_index, label.box_count));
    y += 7.0;
    text(surface, font, left, y, 10.0, &format!("{}  ·  {}", label.order_no, label.customer_code));
    y += LINE_MM;
    text(surface, font, left, y, 10.0, &format!("Seller box no: {}", shorten(&label.box_no, 30)));
    if let Some(shipment) = &label.shipment {
        y += LINE_MM;
        text(surface, font, left, y, 12.0, &format!("Ship to: {}", shorten(shipment, 30)));
    }
    y += 3.0;

    // The barcode: as wide as the label allows with 10-module quiet zones,
    // but no wider than 0.5 mm per module (scanners prefer that).
    let usable = WIDTH_MM - 2.0 * MARGIN_MM;
    let module = (usable / (bars.modules + 20) as f32).min(0.5);
    let width = module * bars.modules as f32;
    let x0 = (WIDTH_MM - width) / 2.0;
    let bar_height = match size {
        LabelSize::Square100 => 22.0,
        LabelSize::Tall150 => 30.0,
    };
    let mut builder = PathBuilder::new();
    for (start, run) in &bars.runs {
        rect(&mut builder, x0 + module * *start as f32, y, module * *run as f32, bar_height);
    }
    let path = builder.finish().ok_or_else(|| PrintError::Pdf("empty barcode".into()))?;
    surface.draw_path(&path);
    y += bar_height + 5.0;
    text(surface, font, x0, y, 11.0, &label.scan_code);
    y += 2.0;

    let mut rule = PathBuilder::new();
    rect(&mut rule, left, y, usable, 0.3);
    if let Some(p) = rule.finish() {
        surface.draw_path(&p);
    }
    y += LINE_MM + 1.0;
    let total: i64 = label.items.iter().map(|(_, q)| q).sum();
    text(surface, font, left, y, 10.0, &format!("SKU × QTY  ({} SKU, {} pcs)", label.items.len(), total));
    y += LINE_MM;
    let bottom = size.height_mm() - MARGIN_MM;
    let room = (((bottom - y) / LINE_MM).floor() as usize).max(1);
    let shown = if label.items.len() <= room { label.items.len() } else { room - 1 };
    for (sku, quantity) in label.items.iter().take(shown) {
        text(surface, font, left, y, 10.0, &shorten(sku, SKU_CHARS_MAX));
        text(surface, font, 80.0, y, 10.0, &format!("× {quantity}"));
        y += LINE_MM;
    }
    if shown < label.items.len() {
        text(surface, font, left, y, 10.0, &format!("… and {} more SKU", label.items.len() - shown));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(i: usize, n: usize) -> BoxLabel {
        BoxLabel {
            scan_code: format!("IB2611240001-{i:03}"),
            order_no: "IB2611240001".into(),
            box_no: i.to_string(),
            box_index: i,
            box_count: n,
            warehouse_code: "US-LA01".into(),
            customer_code: "DEMO".into(),
            items: (0..60).map(|k| (format!("SKU-{k}"), k as i64 + 1)).collect(),
            shipment: (i == 2).then(|| "AMAZON_FBA FBA15ABCD123".into()),
        }
    }

    #[test]
    fn one_page_per_label_in_both_sizes() {
        for size in [LabelSize::Square100, LabelSize::Tall150] {
            let pdf = box_labels(size, &[label(1, 3), label(2, 3), label(3, 3)]).expect("prints");
            assert!(pdf.starts_with(b"%PDF-"));
            // The page tree's count: one leaf page per label.
            assert!(pdf.windows(b"/Count 3".len()).any(|w| w == b"/Count 3"), "three pages");
            assert!(!pdf.windows(b"/Count 4".len()).any(|w| w == b"/Count 4"));
        }
    }

    #[test]
    fn a_code_the_barcode_cannot_carry_is_an_error_not_a_blank_label() {
        let mut bad = label(1, 1);
        bad.scan_code = "箱一".into();
        assert_eq!(box_labels(LabelSize::Square100, &[bad]), Err(PrintError::NotEncodable("箱一".into())));
        assert_eq!(box_labels(LabelSize::Square100, &[]), Err(PrintError::Empty));
    }
}
