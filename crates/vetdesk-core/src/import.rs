//! Candidate import from an applicant-tracking export (CSV). Parsing is pure and reports every
//! bad row with its line number; the store then applies the rows all or nothing, keyed by
//! `external_id` so that importing the same file again changes nothing.

use std::collections::HashMap;
use std::io::Read;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The columns an import file may have, in the order documented.
pub const COLUMNS: &[&str] = &[
    "external_id",
    "full_name",
    "email",
    "phone",
    "home_address",
    "shipping_address",
    "claimed_location",
    "ip_address",
    "vendor",
    "role",
    "applied_on",
];
const REQUIRED: &[&str] = &["external_id", "full_name"];

/// One parsed row, before the store resolves the vendor name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportRow {
    /// Line of the file the row starts on (the header is line 1).
    pub line: u64,
    pub external_id: String,
    pub full_name: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub home_address: Option<String>,
    pub shipping_address: Option<String>,
    pub claimed_location: Option<String>,
    pub ip_address: Option<String>,
    pub vendor: Option<String>,
    pub role: Option<String>,
    pub applied_on: Option<NaiveDate>,
}

/// A parsed file: which columns it has (a column it lacks leaves that field of an existing
/// candidate as it is) and its rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportFile {
    pub columns: Vec<String>,
    pub rows: Vec<ImportRow>,
}

impl ImportFile {
    pub fn has(&self, column: &str) -> bool {
        self.columns.iter().any(|c| c == column)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RowError {
    pub line: u64,
    pub message: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("{0}")]
    Header(String),
    #[error("{} bad row(s); nothing was imported:\n{}", .0.len(), render(.0))]
    Rows(Vec<RowError>),
}

fn render(errors: &[RowError]) -> String {
    errors
        .iter()
        .map(|e| format!("  line {}: {}", e.line, e.message))
        .collect::<Vec<_>>()
        .join("\n")
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split(';').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect()
}

fn optional(cell: &str) -> Option<String> {
    Some(cell.trim()).filter(|v| !v.is_empty()).map(str::to_string)
}

/// Reads a whole file. Every row is checked; if any is bad, all errors come back together.
pub fn parse_candidates_csv(input: impl Read) -> Result<ImportFile, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Header(format!("the header row cannot be read: {e}")))?
        .clone();
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut unknown = Vec::new();
    for (position, raw) in headers.iter().enumerate() {
        // A byte-order mark from spreadsheet exports is not part of the first name.
        let name = raw.trim_start_matches('\u{feff}').trim().to_ascii_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(column) => {
                if index.insert(column, position).is_some() {
                    return Err(ImportError::Header(format!("column {column} appears twice")));
                }
            }
            None => unknown.push(format!("{:?}", raw.trim())),
        }
    }
    if !unknown.is_empty() {
        return Err(ImportError::Header(format!(
            "unknown column(s) {}; the columns are: {}",
            unknown.join(", "),
            COLUMNS.join(", ")
        )));
    }
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| !index.contains_key(c)).collect();
    if !missing.is_empty() {
        return Err(ImportError::Header(format!(
            "missing required column(s): {}",
            missing.join(", ")
        )));
    }

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut first_line_of: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("has {len} fields, the header has {expected_len}")
                    }
                    csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 text".to_string(),
                    _ => e.to_string(),
                };
                errors.push(RowError { line, message });
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let cell = |column: &str| index.get(column).and_then(|i| record.get(*i)).unwrap_or("");
        let mut problems = Vec::new();
        let external_id = cell("external_id").to_string();
        if external_id.is_empty() {
            problems.push(
                "external_id is empty (it is the key that makes re-importing safe)".to_string(),
            );
        } else if let Some(first) = first_line_of.get(&external_id) {
            problems.push(format!("external_id {external_id:?} is also on line {first}"));
        } else {
            first_line_of.insert(external_id.clone(), line);
        }
        let full_name = cell("full_name").to_string();
        if full_name.is_empty() {
            problems.push("full_name is empty".to_string());
        }
        let applied_on = match optional(cell("applied_on")) {
            None => None,
            Some(text) => match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    problems.push(format!("applied_on {text:?} is not a date like 2026-03-31"));
                    None
                }
            },
        };
        let ip_address = optional(cell("ip_address"));
        if let Some(ip) = &ip_address
            && ip.parse::<std::net::IpAddr>().is_err()
        {
            problems.push(format!("ip_address {ip:?} is not an IPv4 or IPv6 address"));
        }
        if !problems.is_empty() {
            errors.push(RowError { line, message: problems.join("; ") });
            continue;
        }
        rows.push(ImportRow {
            line,
            external_id,
            full_name,
            emails: split_list(cell("email")),
            phones: split_list(cell("phone")),
            home_address: optional(cell("home_address")),
            shipping_address: optional(cell("shipping_address")),
            claimed_location: optional(cell("claimed_location")),
            ip_address,
            vendor: optional(cell("vendor")),
            role: optional(cell("role")),
            applied_on,
        });
    }
    if !errors.is_empty() {
        return Err(ImportError::Rows(errors));
    }
    let mut columns: Vec<(usize, &str)> = index.into_iter().map(|(c, i)| (i, c)).collect();
    columns.sort_unstable();
    Ok(ImportFile { columns: columns.into_iter().map(|(_, c)| c.to_string()).collect(), rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_columns_in_any_order_with_lists_and_a_byte_order_mark() {
        let text = "\u{feff}full_name,external_id,email,phone,applied_on\n\
                    Anna Eriksson,ATS-1,a@x.com; b@y.com,+1 202 555 0101;+1 202 555 0102,2026-01-05\n\
                    \"Ó'Brien, Seán\",ATS-2,,,\n";
        let file = parse_candidates_csv(text.as_bytes()).unwrap();
        assert_eq!(file.columns, vec!["full_name", "external_id", "email", "phone", "applied_on"]);
        assert!(file.has("email") && !file.has("vendor"));
        let rows = file.rows;
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].emails, vec!["a@x.com", "b@y.com"]);
        assert_eq!(rows[0].phones.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].full_name, "Ó'Brien, Seán");
        assert_eq!(rows[1].line, 3);
        assert!(rows[1].emails.is_empty());
    }

    #[test]
    fn header_problems_are_named() {
        let cases = [
            ("external_id,full_name,nickname\n", "unknown column(s) \"nickname\""),
            ("external_id,email\n", "missing required column(s): full_name"),
            ("external_id,full_name,email,EMAIL\n", "column email appears twice"),
        ];
        for (text, expected) in cases {
            let err = parse_candidates_csv(text.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(expected), "{err:?} should contain {expected:?}");
        }
    }

    #[test]
    fn every_bad_row_is_listed_with_its_line() {
        let text = "external_id,full_name,applied_on,ip_address\n\
                    A1,Good Row,2026-01-01,10.0.0.1\n\
                    ,No Id,,\n\
                    A3,,2026-13-01,\n\
                    A1,Duplicate,,\n\
                    A5,Short row\n\
                    A6,Bad IP,,300.1.1.1\n";
        match parse_candidates_csv(text.as_bytes()) {
            Err(ImportError::Rows(errors)) => {
                let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
                assert_eq!(lines, vec![3, 4, 5, 6, 7], "{errors:?}");
                assert!(errors[0].message.contains("external_id is empty"));
                assert!(errors[1].message.contains("full_name is empty"));
                assert!(errors[1].message.contains("2026-13-01"));
                assert!(errors[2].message.contains("also on line 2"));
                assert!(errors[3].message.contains("has 2 fields"));
                assert!(errors[4].message.contains("300.1.1.1"));
            }
            other => panic!("expected row errors, got {other:?}"),
        }
    }
}
