//! Vetdesk's own CSV for sources without a reader: a header
//! `time,account,ip,country,event,device,detail`, then one event per line (RFC 4180 quoting;
//! a quoted field may not span lines). `time` is RFC 3339, `country` a code or English name,
//! `event` one of `sign_in`, `failed_sign_in` or anything else (kept as `other`).
//!
//! Rows carry no id: a row's id is the SHA-256 of its seven trimmed fields.

use super::{Checker, content_id, text};
use crate::error::ProblemKind;
use crate::model::{Device, Event, EventKind, Format, NetworkMarks, Outcome, Place};

pub const HEADER: [&str; 7] = ["time", "account", "ip", "country", "event", "device", "detail"];

fn fields(line: &[u8]) -> Result<Vec<String>, ProblemKind> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(line);
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(_) => Ok(record.iter().map(|f| f.trim().to_string()).collect()),
        Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => Err(ProblemKind::NotUtf8),
        Err(e) => Err(ProblemKind::BadValue {
            field: "row".into(),
            value: super::clip(&String::from_utf8_lossy(line)),
            reason: e.to_string(),
        }),
    }
}

/// Whether a line is the expected header (any case, spaces around names allowed).
pub(crate) fn is_header(line: &[u8]) -> bool {
    let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
    fields(line).is_ok_and(|f| {
        f.len() == HEADER.len() && f.iter().zip(HEADER).all(|(a, b)| a.eq_ignore_ascii_case(b))
    })
}

fn kind(event: &str) -> EventKind {
    match event.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
        "sign_in" | "signin" | "login" | "login_success" => EventKind::SignIn,
        "failed_sign_in" | "sign_in_failed" | "login_failure" | "failed_login" => {
            EventKind::FailedSignIn
        }
        _ => EventKind::Other,
    }
}

pub(crate) fn parse(line: &[u8], check: &mut Checker) -> Option<Event> {
    let f = match fields(line) {
        Ok(f) => f,
        Err(kind) => {
            check.problems.push(kind);
            return None;
        }
    };
    if f.len() != HEADER.len() {
        check.problems.push(ProblemKind::CsvFieldCount { found: f.len() as u64 });
        return None;
    }
    let [time, account, ip, country, event, device, detail] =
        [0, 1, 2, 3, 4, 5, 6].map(|i| f.get(i).cloned().unwrap_or_default());
    let at = check.rfc3339("time", Some(&time));
    let parsed_ip = check.ip("ip", Some(&ip));
    let code = check.country("country", Some(&country));
    if event.is_empty() {
        check.missing("event");
    }
    if !check.problems.is_empty() {
        return None;
    }
    let kind = kind(&event);
    let outcome = match kind {
        EventKind::SignIn => {
            Some(Outcome { success: true, code: Some(event.clone()), reason: None })
        }
        EventKind::FailedSignIn => Some(Outcome {
            success: false,
            code: Some(event.clone()),
            reason: text(Some(detail.clone())),
        }),
        EventKind::Other => None,
    };
    let canonical = serde_json::to_vec(&f).unwrap_or_default();
    Some(Event {
        format: Format::Csv,
        event_id: content_id(&canonical),
        time: at?,
        kind,
        vendor_type: Some(event),
        account: text(Some(account)),
        ip: parsed_ip,
        place: Place { country: code, ..Place::default() },
        user_agent: None,
        client_app: None,
        outcome,
        network: NetworkMarks::default(),
        // The column may hold a serial or a host name: both are tried when matching devices.
        device: Device {
            serial: text(Some(device.clone())),
            hostname: text(Some(device)),
            ..Device::default()
        },
        observation: None,
    })
}
