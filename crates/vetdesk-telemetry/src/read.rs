//! Reading a telemetry file: sniff its format from the first 64 KiB (or check the one asked
//! for against them), then stream its records through the format's parser, handing each event
//! to the caller as it is read. Memory stays flat: one buffer and one record at a time.

use std::io::{Cursor, Read};

use chrono::{DateTime, Utc};

use crate::error::{Location, Problem, ProblemKind, ReadError, Report};
use crate::formats::{self, Checker};
use crate::model::{Event, Format};
use crate::scan::{self, Source};

/// A parser of one JSON record of a sign-in format.
type RecordParser = fn(&[u8], &mut Checker) -> Option<Event>;

/// How much of the file's start is looked at to recognise its format.
const SNIFF_BYTES: usize = 64 * 1024;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Recognises a format from the start of a file by the field names each vendor's schema uses,
/// or by the CSV header. `None` when nothing fits.
pub fn sniff(prefix: &[u8]) -> Option<Format> {
    let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let body = body.get(start..)?;
    match body.first() {
        Some(b'[' | b'{') => {
            if contains(body, b"\"hostIdentifier\"") {
                Some(Format::Osquery)
            } else if contains(body, b"\"eventType\"")
                && (contains(body, b"\"uuid\"") || contains(body, b"\"published\""))
            {
                Some(Format::Okta)
            } else if contains(body, b"\"createdDateTime\"")
                || contains(body, b"\"userPrincipalName\"")
            {
                Some(Format::Entra)
            } else if contains(body, b"\"uniqueQualifier\"")
                || contains(body, b"admin#reports#activit")
            {
                Some(Format::Workspace)
            } else {
                None
            }
        }
        _ => {
            let line_end = body.iter().position(|&b| b == b'\n').unwrap_or(body.len());
            let first_line = body.get(..line_end)?;
            formats::csv::is_header(first_line.strip_suffix(b"\r").unwrap_or(first_line))
                .then_some(Format::Csv)
        }
    }
}

fn start() -> Location {
    Location { line: 1, element: None, byte: 0 }
}

/// Reads a telemetry export, calling `sink` with each event in file order.
///
/// `format` is the one the user named, or `None` to sniff it. `now` bounds event times: an
/// event later than `now` plus [`formats::FUTURE_TOLERANCE`] is a problem. The returned report
/// names every bad record (up to its cap, counting the rest); events of bad records are not
/// passed to `sink`, but the caller must still refuse the whole file unless the report
/// [`Report::is_clean`]. Only a failure to read the bytes themselves is an `Err`.
pub fn read<R: Read>(
    mut reader: R,
    format: Option<Format>,
    now: DateTime<Utc>,
    mut sink: impl FnMut(Event),
) -> Result<Report, ReadError> {
    let mut prefix = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader).take(SNIFF_BYTES as u64).read_to_end(&mut prefix)?;
    let sniffed = sniff(&prefix);
    let mut report = Report::new(format.or(sniffed));
    if prefix.iter().all(u8::is_ascii_whitespace) {
        report.stop(Problem { location: start(), kind: ProblemKind::Empty });
        return Ok(report);
    }
    let Some(chosen) = format.or(sniffed) else {
        report.stop(Problem { location: start(), kind: ProblemKind::UnrecognisedFormat });
        return Ok(report);
    };
    if let Some(found) = sniffed.filter(|f| *f != chosen) {
        report.stop(Problem {
            location: start(),
            kind: ProblemKind::WrongFormat { expected: chosen, found: found.to_string() },
        });
        return Ok(report);
    }
    let mut src = Source::new(Cursor::new(prefix).chain(reader));
    let mut emit = |event: Event, report: &mut Report| {
        report.events += 1;
        sink(event);
    };
    let problems = |check: Checker, location: Location, report: &mut Report| {
        for kind in check.problems {
            report.add(Problem { location, kind });
        }
    };
    match chosen {
        Format::Okta | Format::Entra | Format::Workspace => {
            let (wrapper, parse): (Option<&str>, RecordParser) = match chosen {
                Format::Entra => (Some("value"), formats::entra::parse),
                Format::Workspace => (Some("items"), formats::workspace::parse),
                _ => (None, formats::okta::parse),
            };
            scan::json_records(&mut src, wrapper, &mut report, |bytes, location, report| {
                let mut check = Checker::new(now);
                match parse(bytes, &mut check) {
                    Some(event) if check.problems.is_empty() => emit(event, report),
                    _ => problems(check, location, report),
                }
            })?;
        }
        Format::Osquery => {
            scan::lines(&mut src, &mut report, |bytes, location, report| {
                let mut check = Checker::new(now);
                let events = formats::osquery::parse(bytes, &mut check);
                if check.problems.is_empty() {
                    events.into_iter().for_each(|event| emit(event, report));
                } else {
                    problems(check, location, report);
                }
            })?;
        }
        Format::Csv => {
            let mut header_seen = false;
            scan::lines(&mut src, &mut report, |bytes, location, report| {
                if !header_seen {
                    header_seen = true;
                    if !formats::csv::is_header(bytes) {
                        let found = formats::clip(&String::from_utf8_lossy(bytes));
                        report
                            .stop(Problem { location, kind: ProblemKind::BadCsvHeader { found } });
                    }
                    return;
                }
                if report.stopped.is_some() {
                    return;
                }
                let mut check = Checker::new(now);
                match formats::csv::parse(bytes, &mut check) {
                    Some(event) if check.problems.is_empty() => emit(event, report),
                    _ => problems(check, location, report),
                }
            })?;
        }
    }
    Ok(report)
}

/// A whole file read into memory: for tests, small files and fuzzing.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedFile {
    pub report: Report,
    pub events: Vec<Event>,
}

/// Reads bytes already in memory. Never panics, whatever the bytes: the entry point for
/// fuzzing the readers.
pub fn parse_any(bytes: &[u8], format: Option<Format>, now: DateTime<Utc>) -> ParsedFile {
    let mut events = Vec::new();
    let report = match read(bytes, format, now, |e| events.push(e)) {
        Ok(report) => report,
        // Reading from a slice cannot fail; keep the type honest all the same.
        Err(e) => {
            let mut report = Report::new(format);
            report.stop(Problem {
                location: start(),
                kind: ProblemKind::BadStructure { detail: e.to_string() },
            });
            report
        }
    };
    ParsedFile { report, events }
}
