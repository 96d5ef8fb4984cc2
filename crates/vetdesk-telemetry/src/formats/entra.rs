//! Microsoft Entra ID sign-in logs as Microsoft Graph `signIn` objects: `id`,
//! `createdDateTime`, `userPrincipalName`, `ipAddress`, `clientAppUsed`, `location` (city, state,
//! `countryOrRegion` as a two-letter code, `geoCoordinates`), `status.errorCode` (0 is success),
//! `deviceDetail`, and the risk fields (`riskLevelDuringSignIn`, `riskLevelAggregated`,
//! `riskEventTypes_v2`, whose documented values include `anonymizedIPAddress`).

use serde::Deserialize;

use super::{Checker, text};
use crate::error::ProblemKind;
use crate::model::{Device, Event, EventKind, Format, NetworkMarks, Outcome, Place};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignIn {
    id: Option<String>,
    created_date_time: Option<String>,
    user_principal_name: Option<String>,
    ip_address: Option<String>,
    client_app_used: Option<String>,
    /// Present in the beta schema and in some exports.
    user_agent: Option<String>,
    location: Option<Location>,
    status: Option<Status>,
    device_detail: Option<DeviceDetail>,
    risk_level_during_sign_in: Option<String>,
    risk_level_aggregated: Option<String>,
    risk_event_types: Option<Vec<String>>,
    #[serde(rename = "riskEventTypes_v2")]
    risk_event_types_v2: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    city: Option<String>,
    state: Option<String>,
    country_or_region: Option<String>,
    geo_coordinates: Option<GeoCoordinates>,
}

#[derive(Deserialize)]
struct GeoCoordinates {
    latitude: Option<f64>,
    longitude: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    error_code: Option<i64>,
    failure_reason: Option<String>,
    additional_details: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeviceDetail {
    device_id: Option<String>,
    display_name: Option<String>,
    operating_system: Option<String>,
}

/// The risk detection type Graph documents for sign-ins from an anonymous address (Tor exit
/// nodes, anonymising VPNs).
const ANONYMIZED_IP: &str = "anonymizedIPAddress";

fn risk(level: Option<String>) -> Option<String> {
    text(level).filter(|l| !l.eq_ignore_ascii_case("none") && !l.eq_ignore_ascii_case("hidden"))
}

pub(crate) fn parse(bytes: &[u8], check: &mut Checker) -> Option<Event> {
    let raw: SignIn = match serde_json::from_slice(bytes) {
        Ok(raw) => raw,
        Err(e) => {
            check.problems.push(ProblemKind::BadJson { detail: super::json_detail(&e) });
            return None;
        }
    };
    let event_id = check.required("id", raw.id);
    let time = check.rfc3339("createdDateTime", raw.created_date_time.as_deref());
    let ip = check.ip("ipAddress", raw.ip_address.as_deref());
    let location = raw.location;
    let country = check.country(
        "location.countryOrRegion",
        location.as_ref().and_then(|l| l.country_or_region.as_deref()),
    );
    let coordinates = location.as_ref().and_then(|l| l.geo_coordinates.as_ref());
    let (latitude, longitude) = check.coordinates(
        "location.geoCoordinates",
        coordinates.and_then(|c| c.latitude),
        coordinates.and_then(|c| c.longitude),
    );
    let outcome = raw.status.map(|s| {
        let success = s.error_code == Some(0);
        // A successful sign-in has no failure reason worth keeping.
        let reason =
            if success { None } else { text(s.failure_reason).or(text(s.additional_details)) };
        Outcome { success, code: s.error_code.map(|c| c.to_string()), reason }
    });
    let kind = match &outcome {
        Some(o) if o.success => EventKind::SignIn,
        Some(_) => EventKind::FailedSignIn,
        None => EventKind::Other,
    };
    let risk_event_types = raw.risk_event_types_v2.or(raw.risk_event_types).unwrap_or_default();
    let network = NetworkMarks {
        anonymized_ip: risk_event_types.iter().any(|t| t == ANONYMIZED_IP),
        risk_level: risk(raw.risk_level_during_sign_in).or_else(|| risk(raw.risk_level_aggregated)),
        risk_event_types,
        ..NetworkMarks::default()
    };
    let device = raw
        .device_detail
        .map(|d| Device {
            serial: None,
            hostname: text(d.display_name),
            device_id: text(d.device_id),
            operating_system: text(d.operating_system),
        })
        .unwrap_or_default();
    let place = match location {
        Some(l) => {
            Place { country, region: text(l.state), city: text(l.city), latitude, longitude }
        }
        None => Place::default(),
    };
    if !check.problems.is_empty() {
        return None;
    }
    Some(Event {
        format: Format::Entra,
        event_id: event_id?,
        time: time?,
        kind,
        vendor_type: Some("signIn".to_string()),
        account: text(raw.user_principal_name),
        ip,
        place,
        user_agent: text(raw.user_agent),
        client_app: text(raw.client_app_used),
        outcome,
        network,
        device,
        observation: None,
    })
}
