//! What can be wrong with a telemetry file, and where. Readers keep going after a bad record so
//! that the caller can refuse a file all-or-nothing and still show every problem at once.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::Format;

/// Where in the file a problem is: the line (1-based) for line formats, the element index
/// (0-based) within the JSON array for array formats, and always the byte offset of the
/// record's first byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "TelemetryLocation")]
pub struct Location {
    pub line: u64,
    /// Present for elements of a JSON array (`[…]`, `{"value":[…]}`, `{"items":[…]}`).
    pub element: Option<u64>,
    pub byte: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.element {
            Some(index) => write!(f, "element {index} (line {}, byte {})", self.line, self.byte),
            None => write!(f, "line {} (byte {})", self.line, self.byte),
        }
    }
}

/// What is wrong with one record or with the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
#[ts(rename = "TelemetryProblemKind")]
pub enum ProblemKind {
    #[error("the record has no {field}, which is required")]
    MissingField { field: String },
    #[error("{field} {value:?} is not a valid time: {reason}")]
    BadTime { field: String, value: String, reason: String },
    #[error(
        "{field} {value:?} is in the future (later than {now} by more than the {tolerance_secs} s \
         allowed for clock skew)"
    )]
    FutureTime { field: String, value: String, now: String, tolerance_secs: u64 },
    #[error("{field} {value:?} is not valid: {reason}")]
    BadValue { field: String, value: String, reason: String },
    #[error("the record is longer than {limit} bytes; it was skipped without being read")]
    TooLarge { limit: u64 },
    #[error("the record is not valid JSON for this format: {detail}")]
    BadJson { detail: String },
    #[error("the file ends in the middle of the JSON ({detail}): it looks truncated")]
    Truncated { detail: String },
    #[error("the JSON structure is broken: {detail}")]
    BadStructure { detail: String },
    #[error("this looks like a {found} export, not {expected}")]
    WrongFormat { expected: Format, found: String },
    #[error(
        "the CSV header is {found:?}; expected \"time,account,ip,country,event,device,detail\""
    )]
    BadCsvHeader { found: String },
    #[error("the row has {found} fields; expected 7 (time,account,ip,country,event,device,detail)")]
    CsvFieldCount { found: u64 },
    #[error("the file is empty")]
    Empty,
    #[error(
        "the format could not be recognised (not an Okta, Entra, Workspace, osquery or Vetdesk \
         CSV export); name it explicitly"
    )]
    UnrecognisedFormat,
    #[error("the text is not UTF-8")]
    NotUtf8,
}

/// One problem at one place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "TelemetryProblem")]
pub struct Problem {
    pub location: Location,
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.kind)
    }
}

/// How many problems a report lists; the rest are counted.
pub const MAX_LISTED_PROBLEMS: usize = 100;

/// The outcome of reading one file. The file is acceptable only when [`Report::is_clean`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(rename = "TelemetryReport")]
pub struct Report {
    /// The format read: the one asked for, or the one sniffed. `None` when neither.
    pub format: Option<Format>,
    /// Records read into events (a snapshot line of osquery gives one event per row).
    pub events: u64,
    /// The first [`MAX_LISTED_PROBLEMS`] problems in file order.
    pub problems: Vec<Problem>,
    /// Problems found beyond those listed.
    pub problems_not_listed: u64,
    /// Set when reading had to stop (truncated JSON, broken structure, wrong format): nothing
    /// after this place was read.
    pub stopped: Option<Problem>,
}

impl Report {
    pub(crate) fn new(format: Option<Format>) -> Self {
        Report { format, events: 0, problems: Vec::new(), problems_not_listed: 0, stopped: None }
    }

    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.problems_not_listed == 0 && self.stopped.is_none()
    }

    /// Every problem found, listed or not, including the one that stopped reading.
    pub fn problem_count(&self) -> u64 {
        self.problems.len() as u64 + self.problems_not_listed + u64::from(self.stopped.is_some())
    }

    pub(crate) fn add(&mut self, problem: Problem) {
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(problem);
        } else {
            self.problems_not_listed += 1;
        }
    }

    pub(crate) fn stop(&mut self, problem: Problem) {
        self.stopped = Some(problem);
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = self.format.map_or("telemetry", |f| f.as_str());
        if self.is_clean() {
            return write!(f, "{} events read from the {format} export", self.events);
        }
        writeln!(f, "the {format} export was refused: {} problem(s)", self.problem_count())?;
        for problem in &self.problems {
            writeln!(f, "  {problem}")?;
        }
        if self.problems_not_listed > 0 {
            writeln!(f, "  … and {} more", self.problems_not_listed)?;
        }
        if let Some(stopped) = &self.stopped {
            writeln!(f, "  reading stopped at {stopped}")?;
        }
        Ok(())
    }
}

/// Reading failed for a reason outside the file's content.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("could not read the telemetry file: {0}")]
    Io(#[from] std::io::Error),
}
