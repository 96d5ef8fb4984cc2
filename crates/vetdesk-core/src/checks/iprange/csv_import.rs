//! Indicator lists as CSV files: `cidr`, `category` and `label` columns in any order, every
//! bad row reported with its exact line, all rows or none.

use std::fmt;
use std::io::Read;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Cidr, IpCategory, IpRangeEntry};

/// One bad row of an indicator CSV.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CsvProblem {
    /// Line in the file, from 1 (the header is line 1 unless comments precede it).
    #[ts(type = "number")]
    pub line: u64,
    /// The column at fault, when one is.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for CsvProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// An indicator CSV was refused; nothing of it was imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("indicator list {list:?} refused, {} problem(s): {}", .problems.len(), summary(.problems))]
pub struct CsvImportError {
    pub list: String,
    pub problems: Vec<CsvProblem>,
}

fn summary(problems: &[CsvProblem]) -> String {
    const SHOWN: usize = 10;
    let mut parts: Vec<String> = problems.iter().take(SHOWN).map(|p| p.to_string()).collect();
    if problems.len() > SHOWN {
        parts.push(format!("and {} more", problems.len() - SHOWN));
    }
    parts.join("; ")
}

const COLUMNS: [&str; 3] = ["cidr", "category", "label"];

/// Read an indicator list: a CSV file with a header naming the columns `cidr`, `category` and
/// optionally `label`, in any order (names compared without case or surrounding spaces).
/// Unknown or repeated columns are refused by name. Lines starting with `#` are comments; blank
/// lines are skipped; quoted fields follow RFC 4180.
///
/// All or nothing: every bad row is reported with its line number, and if there is any, no
/// entry is returned.
pub fn parse_csv<R: Read>(mut reader: R, list: &str) -> Result<Vec<IpRangeEntry>, CsvImportError> {
    let refuse = |problems| CsvImportError { list: list.to_string(), problems };
    let mut bytes = Vec::new();
    if let Err(e) = reader.read_to_end(&mut bytes) {
        return Err(refuse(vec![CsvProblem {
            line: 0,
            column: None,
            message: format!("could not read the file: {e}"),
        }]));
    }
    let (records, mut problems) = logical_records(&bytes);
    let mut records = records.into_iter();

    let Some((header_line, header)) = records.next() else {
        problems.push(CsvProblem {
            line: 1,
            column: None,
            message: "the file has no header line; one naming cidr, category and label was \
                      expected"
                .to_string(),
        });
        return Err(refuse(problems));
    };
    let mut cidr_col = None;
    let mut category_col = None;
    let mut label_col = None;
    for (i, name) in header.iter().enumerate() {
        let key = name.to_ascii_lowercase();
        let slot = match key.as_str() {
            "cidr" => &mut cidr_col,
            "category" => &mut category_col,
            "label" => &mut label_col,
            _ => {
                problems.push(CsvProblem {
                    line: header_line,
                    column: Some(name.clone()),
                    message: format!(
                        "unknown column {name:?}; the columns are {}",
                        COLUMNS.join(", ")
                    ),
                });
                continue;
            }
        };
        if slot.is_some() {
            problems.push(CsvProblem {
                line: header_line,
                column: Some(key.clone()),
                message: format!("column {key:?} appears twice"),
            });
        }
        *slot = Some(i);
    }
    for (col, name) in [(cidr_col, "cidr"), (category_col, "category")] {
        if col.is_none() {
            problems.push(CsvProblem {
                line: header_line,
                column: Some(name.to_string()),
                message: format!("required column {name:?} is missing from the header"),
            });
        }
    }
    let (Some(cidr_col), Some(category_col)) = (cidr_col, category_col) else {
        return Err(refuse(problems));
    };
    let width = header.len();

    let mut entries = Vec::new();
    for (line, record) in records {
        if record.len() != width {
            problems.push(CsvProblem {
                line,
                column: None,
                message: format!("{} fields, but the header has {width}", record.len()),
            });
            continue;
        }
        let field = |i: usize| record.get(i).map_or("", String::as_str);
        let cidr = field(cidr_col).parse::<Cidr>().map_err(|e| CsvProblem {
            line,
            column: Some("cidr".to_string()),
            message: e.to_string(),
        });
        let category = field(category_col).parse::<IpCategory>().map_err(|e| CsvProblem {
            line,
            column: Some("category".to_string()),
            message: e.to_string(),
        });
        match (cidr, category) {
            (Ok(cidr), Ok(category)) => entries.push(IpRangeEntry {
                cidr,
                category,
                label: label_col.map(field).unwrap_or("").to_string(),
                list: list.to_string(),
            }),
            (cidr, category) => {
                problems.extend(cidr.err());
                problems.extend(category.err());
            }
        }
    }
    problems.sort_by_key(|p| p.line);
    if problems.is_empty() { Ok(entries) } else { Err(refuse(problems)) }
}

/// Split the file into records with the line each starts on. The `csv` crate's own line
/// numbers drift when comment and blank lines are skipped, and a reviewer fixing a 100,000-line
/// file needs the exact line, so physical lines are tracked here and each record (one line, or
/// several when a quoted field spans lines) is handed to `csv` on its own.
fn logical_records(bytes: &[u8]) -> (Vec<(u64, Vec<String>)>, Vec<CsvProblem>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let mut records = Vec::new();
    let mut problems = Vec::new();
    let mut pending: Option<(u64, String)> = None;
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let line_no = i as u64 + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let text = match std::str::from_utf8(raw) {
            Ok(t) => t,
            Err(_) => {
                problems.push(CsvProblem {
                    line: line_no,
                    column: None,
                    message: "the line is not valid UTF-8 text".to_string(),
                });
                continue;
            }
        };
        let (start, record) = match pending.take() {
            Some((start, mut so_far)) => {
                so_far.push('\n');
                so_far.push_str(text);
                (start, so_far)
            }
            None if text.trim().is_empty() || text.trim_start().starts_with('#') => continue,
            None => (line_no, text.to_string()),
        };
        // An odd number of quotes leaves a quoted field open: it continues on the next line.
        if record.matches('"').count() % 2 == 1 {
            pending = Some((start, record));
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(record.as_bytes());
        match reader.records().next() {
            Some(Ok(fields)) => records.push((start, fields.iter().map(str::to_string).collect())),
            Some(Err(e)) => {
                problems.push(CsvProblem { line: start, column: None, message: e.to_string() })
            }
            None => {}
        }
    }
    if let Some((start, _)) = pending {
        problems.push(CsvProblem {
            line: start,
            column: None,
            message: "a quoted field opened on this line is never closed".to_string(),
        });
    }
    (records, problems)
}
