//! Google Workspace login activities from the Admin SDK Reports API (`activities.list` with
//! application `login`): `id.time`, `id.uniqueQualifier`, `actor.email`, `ipAddress`,
//! `events[].name` (`login_success`, `login_failure`, …) with their `parameters`, and
//! `networkInfo` (`regionCode`, `subdivisionCode`, `ipAsn`).
//!
//! The Reports API documents `uniqueQualifier` as telling apart activities that share a time,
//! so the event id is `id.time` and `id.uniqueQualifier` together.

use serde::Deserialize;
use serde_json::Value;

use super::{Checker, text};
use crate::error::ProblemKind;
use crate::model::{Event, EventKind, Format, NetworkMarks, Outcome, Place};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Activity {
    id: Option<ActivityId>,
    actor: Option<Actor>,
    ip_address: Option<String>,
    events: Option<Vec<ActivityEvent>>,
    network_info: Option<NetworkInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActivityId {
    time: Option<String>,
    /// Documented as an int64 carried as a string; numbers are accepted too.
    unique_qualifier: Option<Value>,
}

#[derive(Deserialize)]
struct Actor {
    email: Option<String>,
}

#[derive(Deserialize)]
struct ActivityEvent {
    name: Option<String>,
    parameters: Option<Vec<Parameter>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Parameter {
    name: Option<String>,
    value: Option<String>,
    bool_value: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NetworkInfo {
    ip_asn: Option<Vec<u32>>,
    region_code: Option<String>,
    subdivision_code: Option<String>,
}

fn parameter<'a>(events: &'a [ActivityEvent], name: &str) -> Option<&'a Parameter> {
    events
        .iter()
        .filter_map(|e| e.parameters.as_deref())
        .flatten()
        .find(|p| p.name.as_deref() == Some(name))
}

pub(crate) fn parse(bytes: &[u8], check: &mut Checker) -> Option<Event> {
    let raw: Activity = match serde_json::from_slice(bytes) {
        Ok(raw) => raw,
        Err(e) => {
            check.problems.push(ProblemKind::BadJson { detail: super::json_detail(&e) });
            return None;
        }
    };
    let (time_text, qualifier) = match raw.id {
        Some(id) => (id.time, id.unique_qualifier),
        None => (None, None),
    };
    let time = check.rfc3339("id.time", time_text.as_deref());
    let qualifier = match qualifier {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => {
            check.missing("id.uniqueQualifier");
            None
        }
    };
    let ip = check.ip("ipAddress", raw.ip_address.as_deref());
    let network_info = raw.network_info;
    let country = check.country(
        "networkInfo.regionCode",
        network_info.as_ref().and_then(|n| n.region_code.as_deref()),
    );
    let events = raw.events.unwrap_or_default();
    let names: Vec<&str> = events.iter().filter_map(|e| e.name.as_deref()).collect();
    let (kind, outcome) = if names.contains(&"login_success") {
        let outcome = Outcome { success: true, code: Some("login_success".into()), reason: None };
        (EventKind::SignIn, Some(outcome))
    } else if names.contains(&"login_failure") {
        let reason = parameter(&events, "login_failure_type").and_then(|p| text(p.value.clone()));
        let outcome = Outcome { success: false, code: Some("login_failure".into()), reason };
        (EventKind::FailedSignIn, Some(outcome))
    } else {
        (EventKind::Other, None)
    };
    let mut flags = Vec::new();
    if parameter(&events, "is_suspicious").and_then(|p| p.bool_value) == Some(true) {
        flags.push("is_suspicious".to_string());
    }
    let as_number = network_info.as_ref().and_then(|n| n.ip_asn.as_ref()?.first().copied());
    let network = NetworkMarks { as_number, flags, ..NetworkMarks::default() };
    let client_app = parameter(&events, "login_type").and_then(|p| text(p.value.clone()));
    let place = Place {
        country,
        region: network_info.and_then(|n| text(n.subdivision_code)),
        ..Place::default()
    };
    let vendor_type = if names.is_empty() { None } else { Some(names.join("+")) };
    if !check.problems.is_empty() {
        return None;
    }
    Some(Event {
        format: Format::Workspace,
        event_id: format!("{}/{}", time_text.as_deref().unwrap_or_default().trim(), qualifier?),
        time: time?,
        kind,
        vendor_type,
        account: text(raw.actor.and_then(|a| a.email)),
        ip,
        place,
        user_agent: None,
        client_app,
        outcome,
        network,
        device: Default::default(),
        observation: None,
    })
}
