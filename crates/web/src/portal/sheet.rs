//! Tables out of the portal as CSV or XLSX (numbers stay numbers in a
//! spreadsheet), and tables in from either.

use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

/// A cell of an exported table.
pub enum Cell {
    Text(String),
    Number(i64),
}

#[derive(Clone, Copy)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
        }
    }
}

/// `name` without extension; the answer is a download.
pub fn export(format: Format, name: &str, header: &[&str], rows: &[Vec<Cell>]) -> Result<Response, String> {
    let (bytes, content_type, extension) = match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(header).map_err(|e| e.to_string())?;
            for row in rows {
                w.write_record(row.iter().map(Cell::text)).map_err(|e| e.to_string())?;
            }
            (w.into_inner().map_err(|e| e.to_string())?, "text/csv; charset=utf-8", "csv")
        }
        Format::Xlsx => (
            xlsx(name, header, rows).map_err(|e| format!("XLSX: {e}"))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.{extension}\"")),
        ],
        bytes,
    )
        .into_response())
}

fn xlsx(name: &str, header: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(t) => sheet.write_string(r, c as u16, t)?,
                Cell::Number(n) => sheet.write_number(r, c as u16, *n as f64)?,
            };
        }
    }
    book.save_to_buffer()
}

/// The rows of an uploaded table: a CSV, or the first sheet of an XLSX
/// (told apart by the ZIP signature an XLSX starts with).
pub fn table_of(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    if bytes.starts_with(b"PK\x03\x04") {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| format!("XLSX: {e}"))?;
        let sheet = book.worksheet_range_at(0).ok_or("XLSX: no sheet")?.map_err(|e| format!("XLSX: {e}"))?;
        return Ok(sheet.rows().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is neither CSV (UTF-8) nor XLSX".to_owned())?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.map(|r| r.iter().map(str::to_owned).collect()).map_err(|e| format!("CSV: {e}")))
        .collect()
}

/// A file that is not a table we read: the catalogue's 10031 on `file`,
/// so the page says it with a code, in its language.
pub fn unreadable(why: String) -> haicang_app::AppError {
    haicang_app::AppError::InvalidParam { field: "file", reason: why }
}

/// An uploaded table whose first row names the columns; rows keep their
/// line in the file (the header is line 1), blank rows are skipped.
pub struct Upload {
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

/// One row of an upload, read by column name.
pub struct Row<'a> {
    pub line: usize,
    header: &'a [String],
    cells: &'a [String],
}

impl Upload {
    pub fn read(bytes: &[u8]) -> Result<Upload, String> {
        let mut table = table_of(bytes)?.into_iter();
        let header = table.next().ok_or("the file is empty")?.into_iter().map(|c| c.trim().to_owned()).collect();
        let rows = table
            .enumerate()
            .map(|(i, row)| (i + 2, row))
            .filter(|(_, row)| row.iter().any(|c| !c.trim().is_empty()))
            .collect();
        Ok(Upload { header, rows })
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, cells)| Row { line: *line, header: &self.header, cells })
    }
}

impl Row<'_> {
    /// The cell of column `name` (any case), trimmed; blank when the
    /// column is absent.
    pub fn cell(&self, name: &str) -> String {
        self.header
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
            .and_then(|i| self.cells.get(i))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    }

    /// A positive whole number (a spreadsheet may write 2 as 2.0).
    pub fn quantity(&self, name: &str) -> Option<i64> {
        self.cell(name).parse::<f64>().ok().filter(|q| q.fract() == 0.0 && *q > 0.0 && *q < 1e12).map(|q| q as i64)
    }
}

/// The card that uploads a sheet (CSV or XLSX) to `action`, with a link to
/// its template and the progress bar console.js fills.
pub fn upload_form(ui: &crate::session::Ui, action: &str, title: crate::i18n::Msg, template: &str) -> maud::Markup {
    use crate::i18n::Msg;
    maud::html! {
        form.card method="post" action=(action) enctype="multipart/form-data" {
            (crate::page::csrf(ui))
            h2 { (ui.t(title)) }
            p { a href=(template) hx-boost="false" download { (ui.t(Msg::Template)) } }
            label for="file" { (ui.t(Msg::ImportFile)) }
            progress.upload value="0" max="100" hidden {}
            input #file name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required;
            button type="submit" { (ui.t(Msg::Import)) }
        }
    }
}
