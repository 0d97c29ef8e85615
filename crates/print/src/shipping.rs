//! Shipping labels (4 × 6 in) and pick lists.

use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use crate::barcode::{Bars, code128};
use crate::{PrintError, mm};

static DEJAVU_SANS: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// What a generated shipping label shows.
#[derive(Debug, Clone)]
pub struct ShippingLabel {
    pub tracking_no: String,
    pub carrier: String,
    pub service: String,
    pub order_no: String,
    pub reference: String,
    pub sender: Vec<String>,
    pub recipient: Vec<String>,
    pub weight_g: Option<i64>,
}

/// One stop of a pick route.
#[derive(Debug, Clone)]
pub struct PickStop {
    pub seq: i64,
    pub location_code: String,
    pub sku: String,
    pub barcode: String,
    pub quantity: i64,
    pub tote: String,
}

#[derive(Debug, Clone)]
pub struct PickList {
    pub title: String,
    pub warehouse_code: String,
    pub distance_m: f64,
    pub stops: Vec<PickStop>,
}

pub(crate) fn font() -> Result<Font, PrintError> {
    Font::new(DEJAVU_SANS.into(), 0).ok_or_else(|| PrintError::Pdf("font unreadable".into()))
}

/// An A4 document of `rows`, `per_page` a page (one empty page when there
/// are none): `draw` gets each page's surface, the font, the page's index,
/// the page count and its rows. The one paging of the pick list, the bill
/// and the packing list.
pub(crate) fn a4_pages<T>(
    rows: &[T],
    per_page: usize,
    mut draw: impl FnMut(&mut Surface, &Font, usize, usize, &[T]) -> Result<(), PrintError>,
) -> Result<Vec<u8>, PrintError> {
    let font = font()?;
    let settings = PageSettings::from_wh(mm(210.0), mm(297.0)).ok_or_else(|| PrintError::Pdf("page size".into()))?;
    let mut document = Document::new();
    let pages: Vec<&[T]> = if rows.is_empty() { vec![&[]] } else { rows.chunks(per_page.max(1)).collect() };
    let count = pages.len();
    for (p, chunk) in pages.into_iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        draw(&mut surface, &font, p, count, chunk)?;
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

pub(crate) fn text(surface: &mut Surface, font: &Font, x_mm: f32, y_mm: f32, size_pt: f32, content: &str) {
    surface.draw_text(Point::from_xy(mm(x_mm), mm(y_mm)), font.clone(), size_pt, content, false, TextDirection::Auto);
}

fn bars(
    surface: &mut Surface,
    bars: &Bars,
    x_mm: f32,
    y_mm: f32,
    width_mm: f32,
    height_mm: f32,
) -> Result<(), PrintError> {
    let module = (width_mm / bars.modules as f32).min(0.5);
    let x0 = x_mm + (width_mm - module * bars.modules as f32) / 2.0;
    let mut builder = PathBuilder::new();
    for (start, run) in &bars.runs {
        if let Some(r) =
            Rect::from_xywh(mm(x0 + module * *start as f32), mm(y_mm), mm(module * *run as f32), mm(height_mm))
        {
            builder.push_rect(r);
        }
    }
    let path = builder.finish().ok_or_else(|| PrintError::Pdf("empty barcode".into()))?;
    surface.draw_path(&path);
    Ok(())
}

/// A 4 × 6 in (101.6 × 152.4 mm) label with a Code 128 of the tracking number.
pub fn shipping_label(label: &ShippingLabel) -> Result<Vec<u8>, PrintError> {
    let code = code128(&label.tracking_no)?;
    let font = font()?;
    let settings = PageSettings::from_wh(mm(101.6), mm(152.4)).ok_or_else(|| PrintError::Pdf("page size".into()))?;
    let mut document = Document::new();
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    text(&mut surface, &font, 5.0, 10.0, 18.0, &label.carrier);
    text(&mut surface, &font, 55.0, 10.0, 11.0, &label.service);
    text(&mut surface, &font, 5.0, 18.0, 8.0, "FROM:");
    let mut y = 22.0;
    for line in &label.sender {
        text(&mut surface, &font, 5.0, y, 8.0, line);
        y += 3.5;
    }
    y += 3.0;
    text(&mut surface, &font, 5.0, y, 9.0, "SHIP TO:");
    y += 6.0;
    for line in &label.recipient {
        text(&mut surface, &font, 8.0, y, 12.0, line);
        y += 5.5;
    }
    y += 4.0;
    bars(&mut surface, &code, 5.0, y, 91.6, 28.0)?;
    y += 34.0;
    text(&mut surface, &font, 12.0, y, 12.0, &format!("TRACKING # {}", label.tracking_no));
    y += 8.0;
    text(&mut surface, &font, 5.0, y, 8.0, &format!("Order {}  Ref {}", label.order_no, label.reference));
    if let Some(g) = label.weight_g {
        y += 4.0;
        text(&mut surface, &font, 5.0, y, 8.0, &format!("Weight {:.3} kg", g as f64 / 1000.0));
    }
    surface.finish();
    page.finish();
    document.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))
}

const STOPS_PER_PAGE: usize = 12;

/// A cart's pick list, A4, in route order with a barcode per SKU.
pub fn pick_list(list: &PickList) -> Result<Vec<u8>, PrintError> {
    a4_pages(&list.stops, STOPS_PER_PAGE, |surface, font, p, count, stops| {
        text(surface, font, 12.0, 15.0, 14.0, &format!("PICK LIST {}", list.title));
        let head = format!(
            "{} · {} stops · {:.1} m · page {}/{}",
            list.warehouse_code,
            list.stops.len(),
            list.distance_m,
            p + 1,
            count
        );
        text(surface, font, 12.0, 22.0, 9.0, &head);
        text(surface, font, 12.0, 32.0, 9.0, "#   LOCATION            SKU                               QTY   TOTE");
        let mut y = 40.0;
        for s in stops {
            text(surface, font, 12.0, y, 11.0, &format!("{}", s.seq));
            text(surface, font, 20.0, y, 11.0, &s.location_code);
            text(surface, font, 55.0, y, 11.0, &s.sku);
            text(surface, font, 150.0, y, 11.0, &format!("{}", s.quantity));
            text(surface, font, 165.0, y, 11.0, &s.tote);
            if let Ok(code) = code128(&s.barcode) {
                bars(surface, &code, 55.0, y + 2.0, 60.0, 7.0)?;
            }
            y += 20.0;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_needs_a_printable_tracking_number() {
        let mut label = ShippingLabel {
            tracking_no: "9400100000000000000001".into(),
            carrier: "USPS".into(),
            service: "USPS-GA".into(),
            order_no: "OB2611240001".into(),
            reference: "ERP-1".into(),
            sender: vec!["Los Angeles 1".into()],
            recipient: vec!["Jane Doe".into(), "100 Main St".into()],
            weight_g: Some(1200),
        };
        assert!(shipping_label(&label).expect("prints").starts_with(b"%PDF-"));
        label.tracking_no = "追踪".into();
        assert!(shipping_label(&label).is_err());
    }

    #[test]
    fn pick_lists_page_every_twelve_stops() {
        let stop = |i: i64| PickStop {
            seq: i,
            location_code: format!("A-01-{i:02}-1"),
            sku: "SKU".into(),
            barcode: "6912345000001".into(),
            quantity: 1,
            tote: "T1".into(),
        };
        let list = PickList {
            title: "WV1".into(),
            warehouse_code: "US-LA01".into(),
            distance_m: 12.5,
            stops: (1..=13).map(stop).collect(),
        };
        let pdf = pick_list(&list).expect("prints");
        assert!(pdf.windows(b"/Count 2".len()).any(|w| w == b"/Count 2"));
    }
}
