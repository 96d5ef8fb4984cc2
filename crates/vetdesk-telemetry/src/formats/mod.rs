//! One parser per vendor format, each turning one record (a JSON element, a line) into events,
//! and the checks they share: times (parseable, not in the future), IP addresses, countries and
//! coordinates. A record with any problem gives no event; every problem is reported.

use std::net::IpAddr;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use crate::countries;
use crate::error::ProblemKind;

pub(crate) mod csv;
pub(crate) mod entra;
pub(crate) mod okta;
pub(crate) mod osquery;
pub(crate) mod workspace;

/// How far in the future an event time may be before it is refused: clocks of exporting systems
/// and of the reviewer's machine drift, and an export taken a moment ago may carry events
/// stamped a little after the reviewer's `now`.
pub const FUTURE_TOLERANCE: Duration = Duration::minutes(5);

/// The checks shared by the format parsers, collecting problems instead of stopping at the
/// first, so that one bad record reports everything wrong with it.
pub(crate) struct Checker {
    pub now: DateTime<Utc>,
    pub problems: Vec<ProblemKind>,
}

impl Checker {
    pub fn new(now: DateTime<Utc>) -> Self {
        Checker { now, problems: Vec::new() }
    }

    pub fn missing(&mut self, field: &str) {
        self.problems.push(ProblemKind::MissingField { field: field.to_string() });
    }

    pub fn bad(&mut self, field: &str, value: &str, reason: impl Into<String>) {
        self.problems.push(ProblemKind::BadValue {
            field: field.to_string(),
            value: clip(value),
            reason: reason.into(),
        });
    }

    /// A required, non-empty text field.
    pub fn required(&mut self, field: &str, value: Option<String>) -> Option<String> {
        match value.map(|v| v.trim().to_string()) {
            Some(v) if !v.is_empty() => Some(v),
            _ => {
                self.missing(field);
                None
            }
        }
    }

    /// An RFC 3339 time, required, not later than `now` plus the tolerance.
    pub fn rfc3339(&mut self, field: &str, value: Option<&str>) -> Option<DateTime<Utc>> {
        let Some(text) = value.map(str::trim).filter(|v| !v.is_empty()) else {
            self.missing(field);
            return None;
        };
        match DateTime::parse_from_rfc3339(text) {
            Ok(at) => self.not_future(field, text, at.with_timezone(&Utc)),
            Err(e) => {
                self.problems.push(ProblemKind::BadTime {
                    field: field.to_string(),
                    value: clip(text),
                    reason: format!("{e} (RFC 3339 expected, e.g. 2026-11-24T09:30:00Z)"),
                });
                None
            }
        }
    }

    pub fn not_future(
        &mut self,
        field: &str,
        text: &str,
        at: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        if at > self.now + FUTURE_TOLERANCE {
            self.problems.push(ProblemKind::FutureTime {
                field: field.to_string(),
                value: clip(text),
                now: self.now.to_rfc3339_opts(SecondsFormat::Secs, true),
                tolerance_secs: FUTURE_TOLERANCE.num_seconds().unsigned_abs(),
            });
            None
        } else {
            Some(at)
        }
    }

    /// An optional IP address; empty text counts as absent.
    pub fn ip(&mut self, field: &str, value: Option<&str>) -> Option<IpAddr> {
        let text = value.map(str::trim).filter(|v| !v.is_empty())?;
        match text.parse::<IpAddr>() {
            Ok(ip) => Some(ip),
            Err(_) => {
                self.bad(field, text, "not an IPv4 or IPv6 address");
                None
            }
        }
    }

    /// A country given as an ISO 3166-1 alpha-2 code or as an English name; returns the code.
    pub fn country(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let text = value.map(str::trim).filter(|v| !v.is_empty())?;
        match country_code(text) {
            Some(code) => Some(code.to_string()),
            None => {
                self.bad(field, text, "not an ISO 3166-1 alpha-2 code or a known country name");
                None
            }
        }
    }

    /// Latitude and longitude, both or neither, each in range.
    pub fn coordinates(
        &mut self,
        field: &str,
        lat: Option<f64>,
        lon: Option<f64>,
    ) -> (Option<f64>, Option<f64>) {
        match (lat, lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    self.bad(field, &format!("{lat},{lon}"), "latitude or longitude out of range");
                    (None, None)
                } else {
                    (Some(lat), Some(lon))
                }
            }
            _ => (None, None),
        }
    }
}

/// Maps a country code or English name (any case) to its ISO 3166-1 alpha-2 code.
pub fn country_code(text: &str) -> Option<&'static str> {
    let trimmed = text.trim();
    if trimmed.len() == 2 {
        let upper = trimmed.to_ascii_uppercase();
        if let Ok(i) = countries::CODES.binary_search(&upper.as_str()) {
            return countries::CODES.get(i).copied();
        }
    }
    let key = trimmed.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    countries::NAMES
        .binary_search_by(|(name, _)| (*name).cmp(key.as_str()))
        .ok()
        .and_then(|i| countries::NAMES.get(i))
        .map(|(_, code)| *code)
}

/// Texts quoted in problems are clipped: a problem list must stay readable whatever the input.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 120;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", text.get(..end).unwrap_or_default())
}

/// Hex SHA-256 of a canonical serialisation: the idempotency key of records that carry no id.
pub(crate) fn content_id(canonical: &[u8]) -> String {
    hex::encode(Sha256::digest(canonical))
}

/// Trims a text and drops it when empty.
pub(crate) fn text(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// The first line of a serde_json error, without its position (the caller has a better one).
pub(crate) fn json_detail(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_string(),
        None => text,
    }
}
