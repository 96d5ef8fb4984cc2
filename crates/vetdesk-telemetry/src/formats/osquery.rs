//! osqueryd results log lines (the filesystem logger's JSON, one object per line): `name`,
//! `hostIdentifier`, `unixTime` (or `calendarTime`), `decorations`, and either `columns` with
//! `action` `added`/`removed` (differential) or `snapshot` rows with action `snapshot`.
//!
//! Query names are the operator's own, so the table is recognised by its columns (osquery's
//! schemas of `programs`, `deb_packages`, `rpm_packages`, `apps`, `processes`, `usb_devices`,
//! `arp_cache`). A row of any other query is kept as `Observation::Other`.
//!
//! Rows carry no id: each row's id is the SHA-256 of its canonical content (query name, host
//! identifier, unix time, action and the row's columns sorted by name), so re-importing the
//! same log adds nothing and the same row reported at another time is another event.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Checker, content_id, text};
use crate::error::ProblemKind;
use crate::model::{
    Device, Event, EventKind, Format, HostObservation, NetworkMarks, Observation, Place, RowAction,
    SoftwareTable,
};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResultLine {
    name: Option<String>,
    host_identifier: Option<String>,
    calendar_time: Option<String>,
    unix_time: Option<Value>,
    action: Option<String>,
    columns: Option<Map<String, Value>>,
    snapshot: Option<Vec<Map<String, Value>>>,
    decorations: Option<Map<String, Value>>,
}

/// The canonical content hashed into a row's id.
#[derive(Serialize)]
struct Canonical<'a> {
    name: &'a str,
    host: &'a str,
    unix_time: i64,
    action: &'a str,
    columns: &'a BTreeMap<String, String>,
}

fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn columns(map: &Map<String, Value>) -> BTreeMap<String, String> {
    map.iter().map(|(k, v)| (k.clone(), as_text(v))).collect()
}

fn get(row: &BTreeMap<String, String>, key: &str) -> Option<String> {
    row.get(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// A USB id as osquery prints it (`1d6b`, `0x1d6b`, or a decimal number with `logger_numerics`
/// in some builds), as four lower-case hex digits.
fn usb_id(text: Option<String>) -> Option<String> {
    let t = text?;
    let t = t.trim();
    let hex = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")).unwrap_or(t);
    if hex.len() == 4 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(hex.to_ascii_lowercase());
    }
    t.parse::<u16>().ok().map(|n| format!("{n:04x}"))
}

/// A MAC address as six colon-separated lower-case octets, whatever the separator.
pub(crate) fn normalise_mac(text: &str) -> Option<String> {
    let hex: String = text.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    let separators = text.chars().filter(|c| !c.is_ascii_hexdigit()).all(|c| ":-.".contains(c));
    if hex.len() != 12 || !separators {
        return None;
    }
    let lower = hex.to_ascii_lowercase();
    let octets: Vec<&str> = (0..6).filter_map(|i| lower.get(i * 2..i * 2 + 2)).collect();
    Some(octets.join(":"))
}

/// Recognises the table by its columns (names from osquery's table schemas).
fn observe(query: &str, row: &BTreeMap<String, String>) -> Observation {
    let has = |k: &str| row.contains_key(k);
    if has("vendor_id") && has("model_id") {
        return Observation::UsbDevice {
            vendor_id: usb_id(get(row, "vendor_id")),
            product_id: usb_id(get(row, "model_id")),
            vendor: get(row, "vendor"),
            product: get(row, "model"),
            serial: get(row, "serial"),
        };
    }
    if has("mac") && has("address") && has("interface") {
        return Observation::ArpEntry {
            ip: get(row, "address").and_then(|a| a.parse::<IpAddr>().ok()),
            mac: get(row, "mac").and_then(|m| normalise_mac(&m)),
            interface: get(row, "interface"),
        };
    }
    let software = |table, bundle_id, publisher| match get(row, "name") {
        Some(name) => Observation::Software {
            table,
            name,
            version: get(row, "version").or_else(|| get(row, "bundle_short_version")),
            bundle_id,
            publisher,
        },
        None => Observation::Other { query: query.to_string() },
    };
    if has("bundle_identifier") {
        return software(SoftwareTable::Apps, get(row, "bundle_identifier"), None);
    }
    if has("pid") && has("name") {
        return match get(row, "name") {
            Some(name) => {
                Observation::Process { name, path: get(row, "path"), cmdline: get(row, "cmdline") }
            }
            None => Observation::Other { query: query.to_string() },
        };
    }
    if has("maintainer") && has("arch") {
        return software(SoftwareTable::DebPackages, None, get(row, "maintainer"));
    }
    if has("release") && has("arch") {
        return software(SoftwareTable::RpmPackages, None, get(row, "vendor"));
    }
    if has("install_location") || has("uninstall_string") || has("identifying_number") {
        return software(SoftwareTable::Programs, None, get(row, "publisher"));
    }
    Observation::Other { query: query.to_string() }
}

fn decoration(decorations: &Option<Map<String, Value>>, keys: &[&str]) -> Option<String> {
    let map = decorations.as_ref()?;
    keys.iter().find_map(|k| map.get(*k).map(as_text)).and_then(|v| text(Some(v)))
}

/// `unixTime` (a number, or a number in a string), else `calendarTime`
/// (`Thu Dec 28 14:40:08 2017 UTC`).
fn row_time(check: &mut Checker, raw: &ResultLine) -> Option<DateTime<Utc>> {
    if let Some(value) = &raw.unix_time {
        let text = as_text(value);
        let parsed = text.trim().parse::<i64>().ok().and_then(|s| DateTime::from_timestamp(s, 0));
        return match parsed {
            Some(at) => check.not_future("unixTime", &text, at),
            None => {
                check.problems.push(ProblemKind::BadTime {
                    field: "unixTime".into(),
                    value: super::clip(&text),
                    reason: "not a count of seconds since 1970".into(),
                });
                None
            }
        };
    }
    let Some(text) = raw.calendar_time.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
        check.missing("unixTime");
        return None;
    };
    let without_zone = text.strip_suffix(" UTC").unwrap_or(text);
    match NaiveDateTime::parse_from_str(without_zone, "%a %b %e %H:%M:%S %Y") {
        Ok(at) => check.not_future("calendarTime", text, at.and_utc()),
        Err(e) => {
            check.problems.push(ProblemKind::BadTime {
                field: "calendarTime".into(),
                value: super::clip(text),
                reason: format!("{e} (expected e.g. \"Thu Dec 28 14:40:08 2017 UTC\")"),
            });
            None
        }
    }
}

pub(crate) fn parse(bytes: &[u8], check: &mut Checker) -> Vec<Event> {
    let raw: ResultLine = match serde_json::from_slice(bytes) {
        Ok(raw) => raw,
        Err(e) => {
            check.problems.push(ProblemKind::BadJson { detail: super::json_detail(&e) });
            return Vec::new();
        }
    };
    let name = check.required("name", raw.name.clone());
    let host = check.required("hostIdentifier", raw.host_identifier.clone());
    let time = row_time(check, &raw);
    let (action, rows) = match (raw.action.as_deref(), &raw.columns, &raw.snapshot) {
        (Some("added"), Some(cols), _) => (RowAction::Added, vec![columns(cols)]),
        (Some("removed"), Some(cols), _) => (RowAction::Removed, vec![columns(cols)]),
        (Some("snapshot"), _, Some(rows)) => {
            (RowAction::Snapshot, rows.iter().map(columns).collect())
        }
        (Some("added" | "removed"), None, _) => {
            check.missing("columns");
            return Vec::new();
        }
        (Some("snapshot"), _, None) => {
            check.missing("snapshot");
            return Vec::new();
        }
        (Some(other), _, _) => {
            check.bad("action", other, "expected added, removed or snapshot");
            return Vec::new();
        }
        (None, _, _) => {
            check.missing("action");
            return Vec::new();
        }
    };
    let (Some(name), Some(host), Some(time)) = (name, host, time) else {
        return Vec::new();
    };
    if !check.problems.is_empty() {
        return Vec::new();
    }
    let device = Device {
        serial: decoration(&raw.decorations, &["hardware_serial", "serial_number", "serial"]),
        hostname: decoration(&raw.decorations, &["hostname", "computer_name"])
            .or(Some(host.clone())),
        device_id: decoration(&raw.decorations, &["host_uuid", "uuid"]),
        operating_system: decoration(&raw.decorations, &["os_name", "platform"]),
    };
    let action_text = match action {
        RowAction::Added => "added",
        RowAction::Removed => "removed",
        RowAction::Snapshot => "snapshot",
    };
    rows.into_iter()
        .map(|row| {
            let canonical = Canonical {
                name: &name,
                host: &host,
                unix_time: time.timestamp(),
                action: action_text,
                columns: &row,
            };
            let event_id = content_id(&serde_json::to_vec(&canonical).unwrap_or_default());
            Event {
                format: Format::Osquery,
                event_id,
                time,
                kind: EventKind::Other,
                vendor_type: Some(name.clone()),
                account: None,
                ip: None,
                place: Place::default(),
                user_agent: None,
                client_app: None,
                outcome: None,
                network: NetworkMarks::default(),
                device: device.clone(),
                observation: Some(HostObservation {
                    query: name.clone(),
                    action,
                    observed: observe(&name, &row),
                }),
            }
        })
        .collect()
}
