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

/// What [`redact`] wrote and left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Redaction {
    /// Events of the records written.
    pub kept_events: u64,
    /// Records left out, and their events (an osquery line can carry several).
    pub dropped_records: u64,
    pub dropped_events: u64,
    /// The ids of the events left out (within the file's format).
    pub dropped_ids: Vec<String>,
}

/// Writes a telemetry file of `format` again without the records holding an event `drop`
/// names: an erasure's copy of a file that also holds other people's events. Records are
/// copied byte for byte; JSON records are written as one array (which every JSON format's
/// reader takes), CSV keeps its header, osquery its lines. A record that does not read as
/// events is kept as it is (the file was clean when it was imported). Streaming, like `read`.
pub fn redact<R: Read, W: std::io::Write>(
    reader: R,
    format: Format,
    now: DateTime<Utc>,
    out: &mut W,
    mut drop: impl FnMut(&Event) -> bool,
) -> Result<Redaction, ReadError> {
    let mut src = Source::new(reader);
    let mut report = Report::new(Some(format));
    let mut result = Redaction::default();
    let mut failed: Option<std::io::Error> = None;
    let mut judge = |events: Vec<Event>, result: &mut Redaction| -> bool {
        let count = events.len() as u64;
        if events.iter().any(&mut drop) {
            result.dropped_records += 1;
            result.dropped_events += count;
            result.dropped_ids.extend(events.into_iter().map(|e| e.event_id));
            false
        } else {
            result.kept_events += count;
            true
        }
    };
    let put = |out: &mut W, bytes: &[u8], failed: &mut Option<std::io::Error>| {
        if failed.is_none()
            && let Err(e) = out.write_all(bytes)
        {
            *failed = Some(e);
        }
    };
    match format {
        Format::Okta | Format::Entra | Format::Workspace => {
            let (wrapper, parse): (Option<&str>, RecordParser) = match format {
                Format::Entra => (Some("value"), formats::entra::parse),
                Format::Workspace => (Some("items"), formats::workspace::parse),
                _ => (None, formats::okta::parse),
            };
            put(out, b"[", &mut failed);
            let mut first = true;
            scan::json_records(&mut src, wrapper, &mut report, |bytes, _, _| {
                let mut check = Checker::new(now);
                let events: Vec<Event> = parse(bytes, &mut check).into_iter().collect();
                if judge(events, &mut result) {
                    put(out, if first { b"\n" } else { b",\n" }, &mut failed);
                    put(out, bytes, &mut failed);
                    first = false;
                }
            })?;
            put(out, b"\n]\n", &mut failed);
        }
        Format::Osquery => {
            scan::lines(&mut src, &mut report, |bytes, _, _| {
                let mut check = Checker::new(now);
                if judge(formats::osquery::parse(bytes, &mut check), &mut result) {
                    put(out, bytes, &mut failed);
                    put(out, b"\n", &mut failed);
                }
            })?;
        }
        Format::Csv => {
            let mut header_seen = false;
            scan::lines(&mut src, &mut report, |bytes, _, _| {
                let keep = if header_seen {
                    let mut check = Checker::new(now);
                    judge(formats::csv::parse(bytes, &mut check).into_iter().collect(), &mut result)
                } else {
                    header_seen = true;
                    true
                };
                if keep {
                    put(out, bytes, &mut failed);
                    put(out, b"\n", &mut failed);
                }
            })?;
        }
    }
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(result),
    }
}

#[cfg(test)]
mod redact_tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-01T00:00:00Z".parse().unwrap()
    }

    fn check(format: Format, bytes: &[u8], gone: &str) {
        let before = parse_any(bytes, Some(format), now());
        assert!(before.report.is_clean(), "{:?}", before.report);
        let mut out = Vec::new();
        let r = redact(bytes, format, now(), &mut out, |e| {
            e.account.as_deref().is_some_and(|a| a.to_lowercase().contains(gone))
        })
        .unwrap();
        assert!(r.dropped_records > 0, "{format}: nothing of {gone} was dropped");
        let after = parse_any(&out, Some(format), now());
        assert!(after.report.is_clean(), "{format}: {:?}", after.report);
        assert_eq!(after.events.len() as u64, r.kept_events);
        assert_eq!(before.events.len() as u64, r.kept_events + r.dropped_events);
        assert!(
            after.events.iter().all(|e| {
                !e.account.as_deref().is_some_and(|a| a.to_lowercase().contains(gone))
            })
        );
        let text = String::from_utf8_lossy(&out).to_lowercase();
        assert!(!text.contains(gone), "{format}: {gone} is still in {text}");
    }

    #[test]
    fn each_format_is_written_again_without_the_dropped_records() {
        let okta = br#"[
 {"uuid":"u1","published":"2026-11-24T14:05:31Z","eventType":"user.session.start","actor":{"alternateId":"ana@corp.example"},"client":{"ipAddress":"203.0.113.10"}},
 {"uuid":"u2","published":"2026-11-24T15:05:31Z","eventType":"user.session.start","actor":{"alternateId":"ben@corp.example"},"client":{"ipAddress":"198.51.100.7"}}
]"#;
        check(Format::Okta, okta, "ben@corp");
        let csv = b"time,account,ip,country,event,device,detail\n\
2026-11-24T12:00:00Z,ana@corp.example,203.0.113.10,US,sign_in,LAPTOP-A,x\n\
2026-11-24T12:30:00Z,ben@corp.example,198.51.100.7,US,sign_in,LAPTOP-B,y\n";
        check(Format::Csv, csv, "ben@corp");
    }
}
