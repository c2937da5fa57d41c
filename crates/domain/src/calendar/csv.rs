//! A year schedule as CSV: `date,kind,name,blocks`, header required, RFC 4180 quoting
//! (fields with a comma or a quote are quoted, quotes doubled; no line breaks inside fields).

use super::day::OverrideRecord;
use super::{ImportError, ImportErrors, ImportProblem, Position, YearSchedule};

/// The columns, in order.
const HEADER: [&str; 4] = ["date", "kind", "name", "blocks"];

/// Splits one line into its fields.
fn split_line(line: &str) -> Result<Vec<String>, &'static str> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err("a quoted field is not closed"),
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                }
            }
            if !matches!(chars.peek(), None | Some(',')) {
                return Err("text after a closing quote");
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                if c == '"' {
                    return Err("a quote inside an unquoted field");
                }
                field.push(c);
                chars.next();
            }
        }
        fields.push(field);
        if chars.next().is_none() {
            return Ok(fields);
        }
    }
}

/// Quotes a field when it needs it.
/// One line of the file, numbered `n` (the header is line 1).
fn line_of(n: usize, line: &str) -> Result<super::DayOverride, ImportError> {
    let syntax = |field, message: String| {
        ImportError::new(Position::Line(n), field, ImportProblem::Syntax(message))
    };
    let fields = split_line(line).map_err(|m| syntax("columns", m.to_owned()))?;
    let [date, kind, name, blocks] = <[String; 4]>::try_from(fields).map_err(|f| {
        syntax("columns", format!("expected 4 fields (date,kind,name,blocks), found {}", f.len()))
    })?;
    let record = OverrideRecord { date, kind, name, blocks };
    super::DayOverride::from_record(&record)
        .map_err(|(field, problem)| ImportError::new(Position::Line(n), field, problem))
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) || field.trim() != field {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

impl YearSchedule {
    /// Reads a CSV schedule for `year`. A refused file names the line (the header is line 1)
    /// and the column. Blank lines are skipped; a UTF-8 byte-order mark and CRLF are accepted.
    pub fn from_csv(year: i32, source: Option<String>, text: &str) -> Result<Self, ImportErrors> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let syntax = |n, field, message: String| {
            ImportError::new(Position::Line(n), field, ImportProblem::Syntax(message))
        };
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let header_ok = lines.next().and_then(|(_, l)| split_line(l).ok()).is_some_and(|h| {
            h.len() == HEADER.len()
                && h.iter().zip(HEADER).all(|(a, b)| a.trim().eq_ignore_ascii_case(b))
        });
        if !header_ok {
            let header = format!("the first line must be `{}`", HEADER.join(","));
            return Err(syntax(1, "header", header).into());
        }
        let mut days = Vec::new();
        let mut errors = Vec::new();
        for (n, line) in lines.filter(|(_, l)| !l.trim().is_empty()) {
            match line_of(n, line) {
                Ok(day) => days.push((Position::Line(n), day)),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(ImportErrors::new(errors));
        }
        Self::checked(year, source, days)
    }

    /// Writes the form [`YearSchedule::from_csv`] reads (LF line ends, header first).
    pub fn to_csv(&self) -> String {
        let mut out = HEADER.join(",") + "\n";
        for day in self.days() {
            let r = OverrideRecord::from(day.clone());
            let row = [r.date, r.kind, r.name, r.blocks].map(|f| quote(&f));
            out += &row.join(",");
            out += "\n";
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_fields() {
        assert_eq!(split_line("a,\"b,c\",\"d\"\"e\",").unwrap(), ["a", "b,c", "d\"e", ""]);
        assert_eq!(split_line("").unwrap(), [""]);
        assert!(split_line("\"open").is_err());
        assert!(split_line("\"a\"b").is_err());
        assert!(split_line("a\"b").is_err());
        assert_eq!(quote("x, y"), "\"x, y\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("plain 元旦"), "plain 元旦");
    }
}
