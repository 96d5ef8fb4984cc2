//! Okta System Log `LogEvent` objects (the System Log API's `/api/v1/logs` items): `uuid`,
//! `published`, `eventType`, `actor.alternateId`, `client` (IP address, user agent, geographical
//! context with the country as a name), `outcome` and `securityContext` (`isProxy`, `asOrg`,
//! `isp`, `domain`, `asNumber`). Fields Vetdesk does not use are ignored.

use serde::Deserialize;

use super::{Checker, text};
use crate::error::ProblemKind;
use crate::model::{Device, Event, EventKind, Format, NetworkMarks, Outcome, Place};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LogEvent {
    uuid: Option<String>,
    published: Option<String>,
    event_type: Option<String>,
    actor: Option<Actor>,
    client: Option<Client>,
    outcome: Option<OktaOutcome>,
    security_context: Option<SecurityContext>,
    device: Option<OktaDevice>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Actor {
    alternate_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Client {
    ip_address: Option<String>,
    user_agent: Option<UserAgent>,
    geographical_context: Option<GeoContext>,
    device: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserAgent {
    raw_user_agent: Option<String>,
    os: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeoContext {
    country: Option<String>,
    state: Option<String>,
    city: Option<String>,
    geolocation: Option<LatLon>,
}

#[derive(Deserialize)]
struct LatLon {
    lat: Option<f64>,
    lon: Option<f64>,
}

#[derive(Deserialize)]
struct OktaOutcome {
    result: Option<String>,
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecurityContext {
    as_number: Option<u32>,
    as_org: Option<String>,
    isp: Option<String>,
    domain: Option<String>,
    is_proxy: Option<bool>,
}

/// Okta's `device` object spells its fields in snake case (`os_platform`), unlike the rest.
#[derive(Deserialize)]
struct OktaDevice {
    id: Option<String>,
    name: Option<String>,
    os_platform: Option<String>,
}

const SUCCESS: [&str; 2] = ["SUCCESS", "ALLOW"];
const FAILURE: [&str; 2] = ["FAILURE", "DENY"];

/// Sign-in event types: a session start and the authentications that accompany it. Their
/// outcome tells a sign-in from a failed one.
fn is_sign_in(event_type: &str) -> bool {
    event_type == "user.session.start" || event_type.starts_with("user.authentication.")
}

pub(crate) fn parse(bytes: &[u8], check: &mut Checker) -> Option<Event> {
    let raw: LogEvent = match serde_json::from_slice(bytes) {
        Ok(raw) => raw,
        Err(e) => {
            check.problems.push(ProblemKind::BadJson { detail: super::json_detail(&e) });
            return None;
        }
    };
    let event_id = check.required("uuid", raw.uuid);
    let time = check.rfc3339("published", raw.published.as_deref());
    let vendor_type = text(raw.event_type);
    let mut client = raw.client;
    let ip = check.ip("client.ipAddress", client.as_ref().and_then(|c| c.ip_address.as_deref()));
    let geo = client.as_mut().and_then(|c| c.geographical_context.take());
    let geo = geo.as_ref();
    let country =
        check.country("client.geographicalContext.country", geo.and_then(|g| g.country.as_deref()));
    let location = geo.and_then(|g| g.geolocation.as_ref());
    let (latitude, longitude) = check.coordinates(
        "client.geographicalContext.geolocation",
        location.and_then(|l| l.lat),
        location.and_then(|l| l.lon),
    );
    let outcome = raw.outcome.map(|o| {
        let code = text(o.result);
        let success =
            code.as_deref().is_some_and(|r| SUCCESS.iter().any(|s| r.eq_ignore_ascii_case(s)));
        Outcome { success, code, reason: text(o.reason) }
    });
    // Okta's results are SUCCESS, FAILURE, SKIPPED, ALLOW, DENY, CHALLENGE and UNKNOWN: only
    // a refusal is a failed sign-in; a challenge or a skipped step is neither.
    let refused = |o: &Outcome| {
        o.code.as_deref().is_some_and(|r| FAILURE.iter().any(|f| r.eq_ignore_ascii_case(f)))
    };
    let kind = match (&vendor_type, &outcome) {
        (Some(t), Some(o)) if is_sign_in(t) && o.success => EventKind::SignIn,
        (Some(t), Some(o)) if is_sign_in(t) && refused(o) => EventKind::FailedSignIn,
        _ => EventKind::Other,
    };
    let network = raw
        .security_context
        .map(|s| NetworkMarks {
            is_proxy: s.is_proxy,
            as_org: text(s.as_org),
            as_number: s.as_number,
            isp: text(s.isp),
            domain: text(s.domain),
            ..NetworkMarks::default()
        })
        .unwrap_or_default();
    let device = raw
        .device
        .map(|d| Device {
            serial: None,
            hostname: text(d.name),
            device_id: text(d.id),
            operating_system: text(d.os_platform),
        })
        .unwrap_or_default();
    let (user_agent, ua_os, client_app) = match client {
        Some(c) => {
            let (raw_ua, os) = c.user_agent.map(|u| (u.raw_user_agent, u.os)).unwrap_or_default();
            (text(raw_ua), text(os), text(c.device))
        }
        None => (None, None, None),
    };
    let device = Device { operating_system: device.operating_system.or(ua_os), ..device };
    let place = Place {
        country,
        region: geo.and_then(|g| text(g.state.clone())),
        city: geo.and_then(|g| text(g.city.clone())),
        latitude,
        longitude,
    };
    if !check.problems.is_empty() {
        return None;
    }
    Some(Event {
        format: Format::Okta,
        event_id: event_id?,
        time: time?,
        kind,
        vendor_type,
        account: text(raw.actor.and_then(|a| a.alternate_id)),
        ip,
        place,
        user_agent,
        client_app,
        outcome,
        network,
        device,
        observation: None,
    })
}
