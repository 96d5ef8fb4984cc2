//! Every kind of bad input the import must refuse, each named with what and where: truncated
//! JSON, a file in another format, a record without its id, a time that does not parse or lies
//! in the future, a 2 GB line, broken structure; and the reader going on after a bad record so
//! that every problem is listed at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, Read};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use vetdesk_telemetry::error::MAX_LISTED_PROBLEMS;
use vetdesk_telemetry::{
    Format, Location, MAX_RECORD_BYTES, Problem, ProblemKind, Report, parse_any, read,
};

fn fixture(name: &str) -> Vec<u8> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/telemetry").join(name);
    std::fs::read(path).unwrap()
}

fn now() -> DateTime<Utc> {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

fn element(index: u64, line: u64, byte: u64) -> Location {
    Location { line, element: Some(index), byte }
}

fn line(line: u64, byte: u64) -> Location {
    Location { line, element: None, byte }
}

fn okta(uuid: Option<&str>, published: &str) -> String {
    let uuid = uuid.map(|u| format!(r#""uuid":"{u}","#)).unwrap_or_default();
    format!(
        r#"{{{uuid}"published":"{published}","eventType":"user.session.start","actor":{{"alternateId":"ana@corp.example"}},"client":{{"ipAddress":"203.0.113.1"}},"outcome":{{"result":"SUCCESS"}}}}"#
    )
}

fn missing(field: &str) -> ProblemKind {
    ProblemKind::MissingField { field: field.into() }
}

#[test]
fn truncated_json_is_refused_at_the_open_element() {
    let whole = fixture("okta_system_log.json");
    // Cut inside the second element.
    let cut = whole.windows(9).position(|w| w == b"7d0c9b2a-").unwrap();
    let parsed = parse_any(&whole[..cut], Some(Format::Okta), now());
    let stopped = parsed.report.stopped.clone().expect("reading must stop");
    assert_eq!(stopped.location.element, Some(1));
    let second = whole[..cut].windows(4).rposition(|w| w == b"\n  {").unwrap() + 3;
    assert_eq!(stopped.location.byte, second as u64);
    assert_eq!(stopped.location.line, 28);
    assert!(
        matches!(&stopped.kind, ProblemKind::Truncated { detail } if detail.contains("element 1")),
        "{stopped}"
    );
    assert!(!parsed.report.is_clean());
    // The first element was whole and is counted, but the file as a whole is refused.
    assert_eq!(parsed.report.events, 1);
    // Cut just before the closing bracket: every element is whole, the array is not.
    let end = whole.iter().rposition(|&b| b == b']').unwrap();
    let parsed = parse_any(&whole[..end], Some(Format::Okta), now());
    let stopped = parsed.report.stopped.unwrap();
    assert_eq!(
        stopped.kind,
        ProblemKind::Truncated { detail: "the array is not closed after element 2".into() }
    );
    // A truncated wrapper object.
    let wrapper = fixture("entra_signins.json");
    let end = wrapper.windows(14).position(|w| w == b"@odata.nextLin").unwrap();
    let parsed = parse_any(&wrapper[..end], Some(Format::Entra), now());
    assert!(matches!(
        parsed.report.stopped.unwrap().kind,
        ProblemKind::Truncated { .. } | ProblemKind::BadStructure { .. }
    ));
}

#[test]
fn a_file_in_another_format_is_refused_before_reading() {
    let cases: [(&str, Format, &str); 5] = [
        ("entra_signins.json", Format::Okta, "entra"),
        ("okta_system_log.json", Format::Entra, "okta"),
        ("workspace_login.json", Format::Osquery, "workspace"),
        ("osquery_results.log", Format::Workspace, "osquery"),
        ("generic_events.csv", Format::Okta, "csv"),
    ];
    for (file, asked, found) in cases {
        let parsed = parse_any(&fixture(file), Some(asked), now());
        assert_eq!(
            parsed.report.stopped,
            Some(Problem {
                location: line(1, 0),
                kind: ProblemKind::WrongFormat { expected: asked, found: found.into() }
            }),
            "{file} read as {asked}"
        );
        assert_eq!(parsed.report.events, 0);
        assert!(parsed.events.is_empty());
    }
    // A JSON format asked for a file that is not JSON at all.
    let parsed = parse_any(b"hello,world\n1,2\n", Some(Format::Okta), now());
    assert_eq!(
        parsed.report.stopped.unwrap().kind,
        ProblemKind::BadStructure {
            detail: "a JSON export starts with '[' or '{', not 'h'".into()
        }
    );
    // Nothing recognisable and no format named.
    let parsed = parse_any(b"{\"a\": 1}", None, now());
    assert_eq!(parsed.report.stopped.unwrap().kind, ProblemKind::UnrecognisedFormat);
    assert_eq!(parsed.report.format, None);
}

#[test]
fn records_without_their_id_are_named_and_the_rest_still_read() {
    let text = format!(
        "[\n{},\n{},\n{}\n]",
        okta(Some("u-1"), "2026-11-20T10:00:00Z"),
        okta(None, "2026-11-20T10:01:00Z"),
        okta(Some("u-3"), "2026-11-20T10:02:00Z"),
    );
    let parsed = parse_any(text.as_bytes(), Some(Format::Okta), now());
    let second_byte = text.match_indices('{').map(|(i, _)| i as u64).nth(4).unwrap();
    assert_eq!(
        parsed.report.problems,
        vec![Problem { location: element(1, 3, second_byte), kind: missing("uuid") }]
    );
    assert_eq!(parsed.report.events, 2);
    assert_eq!(
        parsed.events.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(),
        ["u-1", "u-3"]
    );
    assert!(!parsed.report.is_clean());

    // Entra without id, Workspace without uniqueQualifier, osquery without hostIdentifier.
    let entra = br#"{"value":[{"createdDateTime":"2026-11-20T10:00:00Z","userPrincipalName":"a@b.example","status":{"errorCode":0}}]}"#;
    let parsed = parse_any(entra, Some(Format::Entra), now());
    assert_eq!(
        parsed.report.problems,
        vec![Problem { location: element(0, 1, 10), kind: missing("id") }]
    );

    let ws = br#"{"items":[{"id":{"time":"2026-11-20T10:00:00Z"},"actor":{"email":"a@b.example"},"events":[{"name":"login_success"}]}]}"#;
    let parsed = parse_any(ws, Some(Format::Workspace), now());
    assert_eq!(
        parsed.report.problems,
        vec![Problem { location: element(0, 1, 10), kind: missing("id.uniqueQualifier") }]
    );

    let osq = "{\"name\":\"usb\",\"hostIdentifier\":\"h\",\"unixTime\":1795000000,\"action\":\"added\",\"columns\":{\"vendor_id\":\"1d6b\",\"model_id\":\"0104\"}}\n{\"name\":\"usb\",\"unixTime\":1795000000,\"action\":\"added\",\"columns\":{}}\n";
    let parsed = parse_any(osq.as_bytes(), Some(Format::Osquery), now());
    let second = osq.find('\n').unwrap() as u64 + 1;
    assert_eq!(
        parsed.report.problems,
        vec![Problem { location: line(2, second), kind: missing("hostIdentifier") }]
    );
    assert_eq!(parsed.report.events, 1);
}

#[test]
fn times_that_do_not_parse_or_lie_in_the_future_are_refused() {
    let text = format!(
        "{}\n{}\n{}\n{}\n",
        okta(Some("a"), "yesterday"),
        okta(Some("b"), "2027-01-01T00:00:00Z"),
        // Within the five-minute tolerance for clock skew: accepted.
        okta(Some("c"), "2026-12-01T00:04:59Z"),
        okta(Some("d"), "2026-12-01T00:05:01Z"),
    );
    let parsed = parse_any(text.as_bytes(), Some(Format::Okta), now());
    let starts: Vec<u64> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i as u64 + 1)).collect();
    let kinds: Vec<(Location, ProblemKind)> =
        parsed.report.problems.iter().map(|p| (p.location, p.kind.clone())).collect();
    assert_eq!(kinds.len(), 3, "{}", parsed.report);
    assert_eq!(kinds[0].0, line(1, starts[0]));
    assert!(
        matches!(&kinds[0].1, ProblemKind::BadTime { field, value, .. } if field == "published" && value == "yesterday")
    );
    assert_eq!(
        kinds[1],
        (
            line(2, starts[1]),
            ProblemKind::FutureTime {
                field: "published".into(),
                value: "2027-01-01T00:00:00Z".into(),
                now: "2026-12-01T00:00:00Z".into(),
                tolerance_secs: 300,
            }
        )
    );
    assert_eq!(kinds[2].0, line(4, starts[3]));
    assert_eq!(parsed.events.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(), ["c"]);

    // osquery: unixTime in the future, calendarTime that does not parse.
    let osq = b"{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":4102444800,\"action\":\"added\",\"columns\":{}}\n{\"name\":\"q\",\"hostIdentifier\":\"h\",\"calendarTime\":\"sometime\",\"action\":\"added\",\"columns\":{}}\n";
    let parsed = parse_any(osq, Some(Format::Osquery), now());
    assert!(matches!(parsed.report.problems[0].kind, ProblemKind::FutureTime { .. }));
    assert!(
        matches!(&parsed.report.problems[1].kind, ProblemKind::BadTime { field, .. } if field == "calendarTime")
    );
    assert_eq!(parsed.report.problems[1].location.line, 2);
}

/// Yields `prefix`, then `len` filler bytes, then `suffix`, without holding the filler.
struct Huge {
    prefix: Vec<u8>,
    len: u64,
    fill: u8,
    suffix: Vec<u8>,
    pos: u64,
}

impl Read for Huge {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let p = self.prefix.len() as u64;
        let total = p + self.len + self.suffix.len() as u64;
        if self.pos >= total {
            return Ok(0);
        }
        let n = if self.pos < p {
            let from = &self.prefix[self.pos as usize..];
            let n = from.len().min(buf.len());
            buf[..n].copy_from_slice(&from[..n]);
            n
        } else if self.pos < p + self.len {
            let n = ((p + self.len - self.pos) as usize).min(buf.len());
            buf[..n].fill(self.fill);
            n
        } else {
            let from = &self.suffix[(self.pos - p - self.len) as usize..];
            let n = from.len().min(buf.len());
            buf[..n].copy_from_slice(&from[..n]);
            n
        };
        self.pos += n as u64;
        Ok(n)
    }
}

const TWO_GB: u64 = 2 << 30;

#[test]
fn a_two_gigabyte_line_is_refused_without_being_held() {
    // osquery: a 2 GB line, then a good line that is still read.
    let good = "{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":1795000000,\"action\":\"added\",\"columns\":{\"pid\":\"1\",\"name\":\"x\"}}\n";
    let huge = Huge {
        prefix: b"{\"name\":\"".to_vec(),
        len: TWO_GB,
        fill: b'a',
        suffix: format!("\"}}\n{good}").into_bytes(),
        pos: 0,
    };
    let mut events = Vec::new();
    let report = read(huge, Some(Format::Osquery), now(), |e| events.push(e)).unwrap();
    assert_eq!(
        report.problems,
        vec![Problem {
            location: line(1, 0),
            kind: ProblemKind::TooLarge { limit: MAX_RECORD_BYTES as u64 }
        }]
    );
    assert_eq!(events.len(), 1);
    assert_eq!(report.events, 1);
    // The 2 GB were scanned, never held: the whole test process peaked far below them.
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let peak_kib: u64 = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(peak_kib < 256 * 1024, "peak RSS {peak_kib} KiB");

    // Okta: an oversized element inside an array (64 MiB: the same path as 2 GB, at a cost a
    // debug build can pay twice); the element after it is still read.
    let huge = Huge {
        prefix: b"[{\"uuid\":\"".to_vec(),
        len: 64 << 20,
        fill: b'b',
        suffix: format!("\"}},\n{}]", okta(Some("after"), "2026-11-20T10:00:00Z")).into_bytes(),
        pos: 0,
    };
    let mut events = Vec::new();
    let report = read(huge, Some(Format::Okta), now(), |e| events.push(e)).unwrap();
    assert_eq!(
        report.problems,
        vec![Problem {
            location: element(0, 1, 1),
            kind: ProblemKind::TooLarge { limit: MAX_RECORD_BYTES as u64 }
        }]
    );
    assert_eq!(events.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(), ["after"]);
}

#[test]
fn every_bad_record_is_counted_and_the_first_hundred_listed() {
    let mut text = String::from("[");
    for i in 0..250 {
        if i > 0 {
            text.push(',');
        }
        // Every other record lacks its id.
        let id = (i % 2 == 0).then(|| format!("ok-{i}"));
        text.push_str(&okta(id.as_deref(), "2026-11-20T10:00:00Z"));
    }
    text.push(']');
    let parsed = parse_any(text.as_bytes(), Some(Format::Okta), now());
    let report: &Report = &parsed.report;
    assert_eq!(report.events, 125);
    assert_eq!(report.problems.len(), MAX_LISTED_PROBLEMS);
    assert_eq!(report.problems_not_listed, 25);
    assert_eq!(report.problem_count(), 125);
    assert_eq!(report.problems[0].location.element, Some(1));
    assert_eq!(report.problems[99].location.element, Some(199));
    assert!(report.to_string().contains("… and 25 more"));
}

#[test]
fn broken_structure_stops_reading_with_the_place() {
    let text = format!(
        "[{} {}]",
        okta(Some("a"), "2026-11-20T10:00:00Z"),
        okta(Some("b"), "2026-11-20T10:00:00Z")
    );
    let parsed = parse_any(text.as_bytes(), Some(Format::Okta), now());
    let stopped = parsed.report.stopped.unwrap();
    assert_eq!(
        stopped.kind,
        ProblemKind::BadStructure {
            detail: "expected ',' or ']' after element 0, found '{'".into()
        }
    );
    assert_eq!(stopped.location.element, Some(0));

    // A record that is valid to split but not valid JSON is one bad record, not a stop.
    let text = format!("[{{\"uuid\": tru}}, {}]", okta(Some("b"), "2026-11-20T10:00:00Z"));
    let parsed = parse_any(text.as_bytes(), Some(Format::Okta), now());
    assert!(parsed.report.stopped.is_none());
    assert!(matches!(parsed.report.problems[0].kind, ProblemKind::BadJson { .. }));
    assert_eq!(parsed.report.events, 1);

    // Content after the array.
    let parsed = parse_any(b"[] []", Some(Format::Okta), now());
    assert!(matches!(parsed.report.stopped.unwrap().kind, ProblemKind::BadStructure { .. }));
}

#[test]
fn empty_files_are_refused() {
    for bytes in [&b""[..], b"   \n\n", b"[]"] {
        let parsed = parse_any(bytes, Some(Format::Okta), now());
        if bytes == b"[]" {
            // An empty array is a valid, empty export.
            assert!(parsed.report.is_clean());
            assert_eq!(parsed.report.events, 0);
        } else {
            assert_eq!(parsed.report.stopped.unwrap().kind, ProblemKind::Empty);
        }
    }
}

#[test]
fn bad_values_are_named_by_field() {
    let entra = br#"[{"id":"x","createdDateTime":"2026-11-20T10:00:00Z","ipAddress":"999.1.1.1","location":{"countryOrRegion":"ZZ","geoCoordinates":{"latitude":91.5,"longitude":0}},"status":{"errorCode":0}}]"#;
    let parsed = parse_any(entra, Some(Format::Entra), now());
    let fields: Vec<String> = parsed
        .report
        .problems
        .iter()
        .map(|p| match &p.kind {
            ProblemKind::BadValue { field, .. } => field.clone(),
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(fields, ["ipAddress", "location.countryOrRegion", "location.geoCoordinates"]);
    assert_eq!(parsed.report.events, 0);
}

#[test]
fn csv_header_and_rows() {
    let parsed = parse_any(b"when,who\n2026-11-20T10:00:00Z,a\n", Some(Format::Csv), now());
    assert_eq!(
        parsed.report.stopped.unwrap(),
        Problem {
            location: line(1, 0),
            kind: ProblemKind::BadCsvHeader { found: "when,who".into() }
        }
    );
    let text = "time,account,ip,country,event,device,detail\n2026-11-20T10:00:00Z,a@b.example,1.2.3.4,US,sign_in,,\n2026-11-20T10:00:00Z,a@b.example,1.2.3.4\n2026-11-20T10:00:00Z,a@b.example,1.2.3.4,Atlantis,sign_in,,\n";
    let parsed = parse_any(text.as_bytes(), Some(Format::Csv), now());
    let problems: Vec<(u64, ProblemKind)> =
        parsed.report.problems.iter().map(|p| (p.location.line, p.kind.clone())).collect();
    assert_eq!(problems[0], (3, ProblemKind::CsvFieldCount { found: 3 }));
    assert_eq!(problems[1].0, 4);
    assert!(matches!(&problems[1].1, ProblemKind::BadValue { field, .. } if field == "country"));
    assert_eq!(parsed.report.events, 1);
}

#[test]
fn problems_read_well() {
    let p = Problem { location: element(3, 12, 4096), kind: missing("uuid") };
    assert_eq!(
        p.to_string(),
        "element 3 (line 12, byte 4096): the record has no uuid, which is required"
    );
    let p = Problem { location: line(7, 300), kind: ProblemKind::TooLarge { limit: 1 << 20 } };
    assert_eq!(
        p.to_string(),
        "line 7 (byte 300): the record is longer than 1048576 bytes; it was skipped without being read"
    );
}
