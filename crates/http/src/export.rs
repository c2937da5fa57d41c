//! Exports (导出) of statements and lists: a small table model — columns with a Chinese label
//! and a type — rendered as CSV (UTF-8 with a byte-order mark so Excel reads the Chinese, RFC
//! 4180 quoting, CRLF lines) or as an Excel workbook (`rust_xlsxwriter`: numbers as numbers,
//! dates and times as Excel dates with a date format). An endpoint offers them through
//! `?format=csv|xlsx` or the `Accept` header ([`Format::choose`]).

use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{ACCEPT, CONTENT_DISPOSITION},
};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook, XlsxError};

use crate::problem::ApiError;

/// The media type of CSV, as answered.
pub const CSV: &str = "text/csv; charset=utf-8";

/// The media type of an Excel workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The documented pattern of `format`.
pub const FORMAT_PATTERN: &str = "^(json|csv|xlsx)$";

/// What a column holds, and so how each format writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text, never a formula.
    Text,
    /// A whole number.
    Integer,
    /// A number (rates, hours).
    Number,
    /// A calendar date.
    Date,
    /// An instant, in China time.
    DateTime,
}

/// A column: its Chinese label (the header) and its kind.
#[derive(Debug, Clone)]
pub struct Column {
    /// The header.
    pub label_zh: String,
    /// What it holds.
    pub kind: Kind,
}

impl Column {
    /// A column of `kind` headed `label_zh`.
    pub fn new(label_zh: impl Into<String>, kind: Kind) -> Self {
        Self { label_zh: label_zh.into(), kind }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing (an empty field, an empty cell).
    Empty,
    /// Text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A number.
    Number(f64),
    /// A date.
    Date(NaiveDate),
    /// An instant.
    DateTime(DateTime<FixedOffset>),
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Self::Empty, Self::Number)
    }
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Self {
        v.map_or(Self::Empty, Self::Text)
    }
}

/// A table to export: one sheet.
#[derive(Debug, Clone)]
pub struct Table {
    /// The sheet's name (at most 31 characters).
    pub sheet: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

/// The format an export was asked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The endpoint's JSON.
    Json,
    /// CSV.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    /// `?format=` when given (`json`, `csv`, `xlsx`; anything else is a 422 naming `format`),
    /// else the `Accept` header (`text/csv`, the workbook's type), else JSON.
    pub fn choose(format: Option<&str>, req: &HttpRequest) -> Result<Self, ApiError> {
        match format {
            Some("json") => Ok(Self::Json),
            Some("csv") => Ok(Self::Csv),
            Some("xlsx") => Ok(Self::Xlsx),
            Some(_) => Err(ApiError::field("format", "invalid", "json, csv or xlsx")),
            None => {
                let accept = req
                    .headers()
                    .get(ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                Ok(if accept.contains(XLSX) {
                    Self::Xlsx
                } else if accept.contains("text/csv") {
                    Self::Csv
                } else {
                    Self::Json
                })
            }
        }
    }
}

/// `attachment; filename="…"` for a download.
pub fn disposition(filename: &str) -> (actix_web::http::header::HeaderName, String) {
    (CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\""))
}

/// The CSV header line, after the byte-order mark.
pub fn csv_header(columns: &[Column]) -> String {
    let labels: Vec<String> = columns.iter().map(|c| quoted(&c.label_zh)).collect();
    format!("\u{feff}{}\r\n", labels.join(","))
}

/// CSV lines of `rows`.
pub fn csv_rows(rows: &[Vec<Cell>]) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> = row.iter().map(csv_field).collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The whole table as CSV.
pub fn csv(table: &Table) -> String {
    csv_header(&table.columns) + &csv_rows(&table.rows)
}

/// One field: numbers as written, dates `YYYY-MM-DD`, instants `YYYY-MM-DD HH:MM:SS` (China
/// time); text that could start a formula gets a leading `'`; quoted when it must be.
fn csv_field(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(t) if t.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
            quoted(&format!("'{t}"))
        }
        Cell::Text(t) => quoted(t),
        Cell::Integer(n) => n.to_string(),
        Cell::Number(x) => x.to_string(),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
    }
}

/// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
fn quoted(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The table as an Excel workbook: a bold header row of the labels, then the rows.
pub fn xlsx(table: &Table) -> Result<Vec<u8>, ApiError> {
    xlsx_of(table).map_err(|e| ApiError::Internal(format!("xlsx export: {e}")))
}

fn xlsx_of(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.sheet.chars().take(31).collect::<String>())?;
    let bold = CellFormat::new().set_bold();
    let date = CellFormat::new().set_num_format("yyyy-mm-dd");
    let time = CellFormat::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (col, column) in (0_u16..).zip(&table.columns) {
        sheet.write_string_with_format(0, col, &column.label_zh, &bold)?;
        let width = match column.kind {
            Kind::DateTime => 20.0,
            Kind::Date => 12.0,
            _ => 14.0,
        };
        sheet.set_column_width(col, width)?;
    }
    for (row, cells) in (1_u32..).zip(&table.rows) {
        for (col, cell) in (0_u16..).zip(cells) {
            match cell {
                Cell::Empty => {}
                Cell::Text(t) => {
                    sheet.write_string(row, col, t)?;
                }
                // Counts and fen fit an f64 exactly below 2^53.
                #[allow(clippy::cast_precision_loss)]
                Cell::Integer(n) => {
                    sheet.write_number(row, col, *n as f64)?;
                }
                Cell::Number(x) => {
                    sheet.write_number(row, col, *x)?;
                }
                Cell::Date(d) => {
                    sheet.write_datetime_with_format(row, col, excel_date(*d)?, &date)?;
                }
                Cell::DateTime(t) => {
                    let at = excel_date(t.date_naive())?.and_hms(
                        u16::try_from(t.hour()).unwrap_or(0),
                        u8::try_from(t.minute()).unwrap_or(0),
                        t.second(),
                    )?;
                    sheet.write_datetime_with_format(row, col, at, &time)?;
                }
            }
        }
    }
    workbook.save_to_buffer()
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        u8::try_from(d.month()).unwrap_or(1),
        u8::try_from(d.day()).unwrap_or(1),
    )
}

/// A whole table in the format asked (not JSON), as a download named `name.csv` / `name.xlsx`.
pub fn answer(format: Format, table: &Table, name: &str) -> Result<HttpResponse, ApiError> {
    match format {
        Format::Csv => Ok(HttpResponse::Ok()
            .content_type(CSV)
            .insert_header(disposition(&format!("{name}.csv")))
            .body(csv(table))),
        _ => Ok(HttpResponse::Ok()
            .content_type(XLSX)
            .insert_header(disposition(&format!("{name}.xlsx")))
            .body(xlsx(table)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_bom_quotes_per_rfc_4180_and_disarms_formulas() {
        let table = Table {
            sheet: "t".into(),
            columns: vec![Column::new("名称", Kind::Text), Column::new("数量", Kind::Integer)],
            rows: vec![
                vec![Cell::Text("a,\"b\"".into()), Cell::Integer(3)],
                vec![Cell::Text("=1+1".into()), Cell::Number(0.75)],
                vec![Cell::Date(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()), Cell::Empty],
            ],
        };
        assert_eq!(
            csv(&table),
            "\u{feff}名称,数量\r\n\"a,\"\"b\"\"\",3\r\n'=1+1,0.75\r\n2026-10-01,\r\n"
        );
    }
}
