//! The CSV of answers a survey imports (R-SAT-2): the header
//! `customer_id,overall_design,construction_quality,fitout_quality,sales_process,developer_service,property_service,comment`,
//! one answer per row, an empty score cell meaning "not scored". Rows count from 1, the header
//! being row 1. Fields may be quoted (`"…"`, `""` for a quote), so a comment can hold commas.

use super::{MAX_SCORE, MIN_SCORE, SurveyDimension, tally::Scores};

/// The header an import must start with.
pub const HEADER: [&str; 8] = [
    "customer_id",
    "overall_design",
    "construction_quality",
    "fitout_quality",
    "sales_process",
    "developer_service",
    "property_service",
    "comment",
];

/// The most rows one file may hold (the header excluded).
pub const MAX_ROWS: usize = 10_000;

/// One answer read from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvAnswer {
    /// Its row (the header is row 1).
    pub row: usize,
    /// The respondent.
    pub customer_id: String,
    /// The scores given.
    pub scores: Scores,
    /// The open comment, if any.
    pub comment: Option<String>,
}

/// What is wrong with one cell (or row) of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The row (the header is row 1).
    pub row: usize,
    /// The column's header name (`row` for a row of the wrong shape).
    pub column: String,
    /// Stable, snake_case.
    pub code: &'static str,
    /// For a person.
    pub message: String,
}

impl RowError {
    /// An error at `row`, `column`.
    pub fn new(row: usize, column: &str, code: &'static str, message: impl Into<String>) -> Self {
        Self { row, column: column.to_owned(), code, message: message.into() }
    }
}

/// Splits one line into fields, honouring quotes.
fn fields(line: &str) -> Result<Vec<String>, &'static str> {
    let (mut out, mut cur, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.is_empty() => quoted = true,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    if quoted {
        return Err("a quoted field is not closed");
    }
    out.push(cur);
    Ok(out)
}

/// Reads a whole file; every error found (at most 100) when any row is wrong.
pub fn parse(text: &str) -> Result<Vec<CsvAnswer>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let header =
        lines.next().map(|(_, l)| fields(l)).transpose().ok().flatten().unwrap_or_default();
    let header: Vec<&str> = header.iter().map(|h| h.trim()).collect();
    if header != HEADER {
        let message = format!("the header must be {}", HEADER.join(","));
        return Err(vec![RowError::new(1, "header", "invalid_header", message)]);
    }
    let (mut answers, mut errors) = (Vec::new(), Vec::new());
    for (row, line) in lines.filter(|(_, l)| !l.trim().is_empty()) {
        if answers.len() >= MAX_ROWS {
            errors.push(RowError::new(
                row,
                "row",
                "too_many_rows",
                format!("at most {MAX_ROWS} rows"),
            ));
            break;
        }
        match read_row(row, line) {
            Ok(answer) => answers.push(answer),
            Err(mut e) => errors.append(&mut e),
        }
        if errors.len() >= 100 {
            break;
        }
    }
    if answers.is_empty() && errors.is_empty() {
        errors.push(RowError::new(2, "row", "no_rows", "the file has no answers"));
    }
    if errors.is_empty() { Ok(answers) } else { Err(errors) }
}

fn read_row(row: usize, line: &str) -> Result<CsvAnswer, Vec<RowError>> {
    let cells = fields(line).map_err(|m| vec![RowError::new(row, "row", "malformed_row", m)])?;
    if cells.len() != HEADER.len() {
        let message = format!("{} fields, the header has {}", cells.len(), HEADER.len());
        return Err(vec![RowError::new(row, "row", "wrong_field_count", message)]);
    }
    let mut errors = Vec::new();
    let customer_id = cells[0].trim().to_owned();
    if customer_id.is_empty() {
        errors.push(RowError::new(row, "customer_id", "required", "this field is required"));
    }
    let mut scores = Scores::new();
    for (dimension, cell) in SurveyDimension::ALL.iter().zip(&cells[1..7]) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        match cell.parse::<i64>() {
            Ok(v) if (MIN_SCORE..=MAX_SCORE).contains(&v) => {
                scores.insert(*dimension, v);
            }
            Ok(_) => errors.push(RowError::new(
                row,
                dimension.as_str(),
                "out_of_range",
                format!("must be from {MIN_SCORE} to {MAX_SCORE}"),
            )),
            Err(_) => errors.push(RowError::new(
                row,
                dimension.as_str(),
                "invalid_type",
                "must be a whole number from 1 to 5, or empty",
            )),
        }
    }
    let comment = cells[7].trim();
    if comment.chars().count() > 2000 {
        errors.push(RowError::new(row, "comment", "too_long", "must have at most 2000 characters"));
    }
    if line.contains('\0') {
        errors.push(RowError::new(
            row,
            "row",
            "invalid_character",
            "must not contain NUL (U+0000)",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let comment = (!comment.is_empty()).then(|| comment.to_owned());
    Ok(CsvAnswer { row, customer_id, scores, comment })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "customer_id,overall_design,construction_quality,fitout_quality,sales_process,developer_service,property_service,comment\n";

    #[test]
    fn r_sat_2_rows_are_read_with_quotes_and_empty_cells() {
        let text = format!("{HEAD}c1,5,4,3,2,1,5,\"门窗, 漏水\"\r\nc2,5,,3,2,1,5,\n");
        let answers = parse(&text).unwrap();
        assert_eq!(answers.len(), 2);
        assert_eq!(answers[0].comment.as_deref(), Some("门窗, 漏水"));
        assert_eq!(answers[1].row, 3);
        assert_eq!(answers[1].scores.len(), 5);
    }

    #[test]
    fn r_sat_2_errors_name_the_row_counting_the_header_and_the_column() {
        let text = format!("{HEAD}c1,5,4,3,2,1,5,\nc2,5,4,3,2,1,6,\n");
        let errors = parse(&text).unwrap_err();
        assert_eq!(
            errors,
            vec![RowError::new(3, "property_service", "out_of_range", "must be from 1 to 5")]
        );
        assert_eq!(parse("a,b\n").unwrap_err()[0].code, "invalid_header");
        assert_eq!(parse(&format!("{HEAD}c1,5\n")).unwrap_err()[0].code, "wrong_field_count");
    }
}
