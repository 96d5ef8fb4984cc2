//! After the hire: three cleared candidates are hired once compliance has signed their vetting
//! off, each with a work account and a registered laptop, and watched by a monitoring case. Two
//! small telemetry exports in the vendors' own shapes (an Okta System Log JSON array and an
//! osqueryd results log) go through the store's telemetry import, which keeps each file as
//! hashed evidence and runs the post-hire rules:
//!
//! - Drew Public (case 8) works from Colorado on their own laptop: nothing is raised.
//! - The first cleared ordinary candidate is the laptop-farm worker: their laptop sits in a
//!   Delaware farm with AnyDesk, a TinyPilot IP-KVM and a mouse jiggler on it, while their account also
//!   signs in from China, Russia and a VPN exit in the Netherlands.
//! - The second cleared ordinary candidate signs in from the same farm address within the hour
//!   (shared egress), their own laptop never reports, and their first-day identity match was
//!   never held.
//!
//! The investigator opens an investigation case from the farm worker's IP-KVM alert.
//!
//! Everything is visibly fictitious: accounts at `sample-corp.example` (RFC 2606), documentation
//! addresses (RFC 5737) on the sample indicator list, SAMPLE in every device, host and display
//! name. Geolocation ("abroad") is what the identity provider's export carries, as in real Okta
//! events: no address is looked up anywhere.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use vetdesk_core::change::Change;
use vetdesk_core::checks::posthire::{DAY_ONE_ITEM, IP_KVM};
use vetdesk_core::employees::{DeviceFields, HireFields, TelemetryFormat};
use vetdesk_core::model::{CaseId, CaseStatus, Decision, ItemResult};

use crate::cohort::{self, Calendar, Outcome, Person};
use crate::door::Door;
use crate::{INVESTIGATOR, REVIEWER, SampleError};

/// The workers started this many days before the sample's day; telemetry covers the last two
/// weeks of it.
const START_DAYS: u64 = 21;
const TELEMETRY_DAYS: u64 = 14;

/// The domain of the sample's work accounts (`.example` is reserved by RFC 2606).
const WORK_DOMAIN: &str = "sample-corp.example";

/// The laptop farm's internet connection: an address of the sample's US residential range.
pub(crate) const FARM_IP: &str = "192.0.2.120";
/// Drew Public's home connection, in the same range and used by no one else.
pub(crate) const HOME_IP: &str = "192.0.2.110";
/// Sign-ins "from abroad": sample country ranges of China and Russia, a sample VPN exit.
const CHINA_IP: &str = "198.51.100.150";
const RUSSIA_IP: &str = "198.51.100.210";
const VPN_IP: &str = "203.0.113.30";

pub(crate) const OKTA_FILE: &str = "sample-okta-system-log.json";
pub(crate) const OSQUERY_FILE: &str = "sample-osqueryd.results.log";

/// Where an identity provider geolocated a sign-in, as its export says it.
#[derive(Clone, Copy)]
struct Place {
    city: &'static str,
    state: &'static str,
    country: &'static str,
    postal: Option<&'static str>,
    lat: f64,
    lon: f64,
    isp: &'static str,
}

const DENVER: Place = Place {
    city: "Denver",
    state: "Colorado",
    country: "United States",
    postal: Some("80202"),
    lat: 39.7392,
    lon: -104.9903,
    isp: "SAMPLE residential broadband",
};
const DOVER: Place = Place {
    city: "Dover",
    state: "Delaware",
    country: "United States",
    postal: Some("19901"),
    lat: 39.1582,
    lon: -75.5244,
    isp: "SAMPLE residential broadband",
};
const SHENYANG: Place = Place {
    city: "Shenyang",
    state: "Liaoning",
    country: "China",
    postal: None,
    lat: 41.8057,
    lon: 123.4315,
    isp: "SAMPLE country range (China)",
};
const VLADIVOSTOK: Place = Place {
    city: "Vladivostok",
    state: "Primorye",
    country: "Russia",
    postal: None,
    lat: 43.1155,
    lon: 131.8855,
    isp: "SAMPLE country range (Russia)",
};
const AMSTERDAM: Place = Place {
    city: "Amsterdam",
    state: "North Holland",
    country: "Netherlands",
    postal: None,
    lat: 52.3676,
    lon: 4.9041,
    isp: "SAMPLE Utopia VPN exit nodes",
};

/// A hired worker of the sample.
struct Worker<'a> {
    person: &'a Person,
    vetting_case: CaseId,
    account: String,
    serial: String,
    hostname: String,
}

impl Worker<'_> {
    fn name(&self) -> &str {
        &self.person.fields.legal_name
    }
}

/// What the post-hire part of the sample made.
pub(crate) struct AfterHire {
    /// Monitoring cases, in the order hired (the clean worker first).
    pub monitoring: Vec<CaseId>,
    pub investigation: Option<CaseId>,
}

fn account_of(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    format!("{}@{WORK_DOMAIN}", words.join("."))
}

fn cleared(person: &Person) -> bool {
    matches!(person.outcome, Outcome::Decided { decision: Decision::Cleared, .. })
}

/// The clean worker (Drew Public), then the first two cleared ordinary candidates (the farm
/// worker and the one who shares its address), as far as the cohort has them.
fn workers<'a>(people: &[&'a Person], cases: &[CaseId]) -> Vec<Worker<'a>> {
    let clean = people
        .iter()
        .zip(cases)
        .find(|(p, _)| p.fields.external_id.as_deref() == Some(cohort::CLEAN_HIRE) && cleared(p));
    let ordinary = people.iter().zip(cases).filter(|(p, _)| {
        p.fields.external_id.as_deref().is_some_and(cohort::is_ordinary) && cleared(p)
    });
    clean
        .into_iter()
        .chain(ordinary.take(2))
        .map(|(person, case)| Worker {
            person,
            vetting_case: *case,
            account: account_of(&person.fields.legal_name),
            serial: format!("SAMPLE-LT-{case:04}"),
            hostname: format!("sample-lt-{case}"),
        })
        .collect()
}

pub(crate) fn load(
    door: &mut Door<'_>,
    cal: &Calendar,
    people: &[&Person],
    cases: &[CaseId],
) -> Result<AfterHire, SampleError> {
    let workers = workers(people, cases);
    let mut monitoring = Vec::new();
    for (n, w) in workers.iter().enumerate() {
        let step = format!("signing off and hiring {}", w.name());
        door.apply(
            cohort::SIGNER,
            Change::SetStatus {
                case_id: w.vetting_case,
                status: CaseStatus::Closed,
                decision: None,
                reason: "Signed off before the offer letter went out (sample).".into(),
                grounds: vec![],
                override_reason: None,
            },
            &step,
        )?;
        let hired = door.hire(
            REVIEWER,
            w.vetting_case,
            HireFields {
                start_on: cal.ago(START_DAYS),
                accounts: vec![w.account.clone()],
                devices: vec![DeviceFields {
                    serial: Some(w.serial.clone()),
                    hostname: Some(w.hostname.clone()),
                }],
            },
            &step,
        )?;
        // The first-day identity match was held with the clean worker and the farm worker (who
        // came in person: the farm only takes over the laptop later); the third never came.
        if n < 2 {
            door.apply(
                REVIEWER,
                Change::RecordResult {
                    case_id: hired.case_id,
                    item_id: DAY_ONE_ITEM.into(),
                    result: ItemResult::Pass,
                    note: Some(
                        "Camera-on call on the first day: the person interviewed (sample).".into(),
                    ),
                    evidence: Vec::new(),
                },
                &format!("recording the first-day identity match of {}", w.name()),
            )?;
        }
        monitoring.push(hired.case_id);
    }

    door.import_telemetry(
        INVESTIGATOR,
        OKTA_FILE,
        &okta_export(cal, &workers),
        TelemetryFormat::Okta,
    )?;
    door.import_telemetry(
        INVESTIGATOR,
        OSQUERY_FILE,
        &osquery_log(cal, &workers),
        TelemetryFormat::Osquery,
    )?;

    let investigation = match monitoring.get(1) {
        Some(farm) => Some(investigate(door, *farm)?),
        None => None,
    };
    Ok(AfterHire { monitoring, investigation })
}

/// The investigator opens an investigation from the farm worker's IP-KVM alert (the events and
/// the osquery file attached by the store), takes it, and writes down the next steps.
fn investigate(door: &mut Door<'_>, farm_case: CaseId) -> Result<CaseId, SampleError> {
    let step = "opening the sample investigation from an alert";
    let flags = door.flags(farm_case)?;
    let alert = flags
        .open
        .iter()
        .find(|f| f.fields.rule == IP_KVM && f.fields.subject == "tinypilot")
        .or_else(|| flags.open.iter().find(|f| f.fields.rule == IP_KVM))
        .ok_or_else(|| {
            SampleError::Unexpected(format!("{step}: the farm worker has no IP-KVM alert"))
        })?;
    let opened = door.investigate_alert(INVESTIGATOR, farm_case, alert.id, step)?;
    let case_id = opened.case_id;
    door.apply_all(
        INVESTIGATOR,
        vec![
            Change::AssignCase { case_id, assignee: Some(INVESTIGATOR.into()) },
            Change::AddNote {
                id: None,
                case_id,
                text: "SAMPLE: the laptop reports a TinyPilot IP-KVM and AnyDesk from the same Delaware \
                       address another worker signs in from, while the account also signs in \
                       from China and Russia. Next: ask IT to lock the account and recall the \
                       laptop to the office, and compare the shipping address with the \
                       facilitator ring's PMB."
                    .into(),
            },
            Change::SetStatus {
                case_id,
                status: CaseStatus::InReview,
                decision: None,
                reason: "Investigation under way (sample).".into(),
                grounds: vec![],
                override_reason: None,
            },
        ],
        step,
    )?;
    Ok(case_id)
}

// ---- the telemetry exports ----

fn published(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One Okta System Log `LogEvent`, shaped as the System Log API returns it.
struct OktaSignIn<'a> {
    worker: &'a Worker<'a>,
    at: DateTime<Utc>,
    ip: &'static str,
    place: Place,
    proxy: bool,
    sso: bool,
}

fn okta_event(n: u64, e: &OktaSignIn<'_>) -> Value {
    let (event_type, message) = if e.sso {
        ("user.authentication.sso", "User single sign on to app")
    } else {
        ("user.session.start", "User login to Okta")
    };
    let geo = json!({
        "city": e.place.city,
        "state": e.place.state,
        "country": e.place.country,
        "postalCode": e.place.postal,
        "geolocation": {"lat": e.place.lat, "lon": e.place.lon},
    });
    json!({
        "actor": {
            "id": format!("00usample{:011}", e.worker.vetting_case),
            "type": "User",
            "alternateId": e.worker.account,
            "displayName": format!("{} (SAMPLE)", e.worker.name()),
            "detailEntry": null,
        },
        "client": {
            "userAgent": {
                "rawUserAgent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                                 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "os": "Windows 10",
                "browser": "CHROME",
            },
            "zone": "null",
            "device": "Computer",
            "id": null,
            "ipAddress": e.ip,
            "geographicalContext": geo,
        },
        "device": null,
        "authenticationContext": {
            "authenticationStep": 0,
            "externalSessionId": format!("102SAMPLE{n:08}"),
        },
        "displayMessage": message,
        "eventType": event_type,
        "outcome": {"result": "SUCCESS", "reason": null},
        "published": published(e.at),
        "securityContext": {
            "asNumber": 64496,
            "asOrg": e.place.isp,
            "isp": e.place.isp,
            "domain": "example.net",
            "isProxy": e.proxy,
        },
        "severity": "INFO",
        "debugContext": {"debugData": {"requestId": format!("SAMPLE-req-{n:06}")}},
        "legacyEventType": if e.sso { "app.auth.sso" } else { "core.user_auth.login_success" },
        "transaction": {"type": "WEB", "id": format!("SAMPLE-trs-{n:06}"), "detail": {}},
        "uuid": format!("{:08x}-5a3e-4a3e-8a3e-{n:012x}", 0x5a3e_0000_u64 + n),
        "version": "0",
        "request": {"ipChain": [{"ip": e.ip, "geographicalContext": geo, "version": "V4", "source": null}]},
        "target": [{
            "id": "0oasample0000000001",
            "type": "AppInstance",
            "alternateId": "SAMPLE Corp Portal",
            "displayName": "SAMPLE Corp Portal",
            "detailEntry": null,
        }],
    })
}

/// The tenant's System Log for the last two weeks, oldest first, as one JSON array.
fn okta_export(cal: &Calendar, workers: &[Worker<'_>]) -> Vec<u8> {
    let at = |days: u64, hour: u32, minute: u32| cal.at(days, hour, minute).as_datetime();
    let mut events: Vec<OktaSignIn<'_>> = Vec::new();
    let mut push = |worker, at, ip, place, proxy, sso| {
        events.push(OktaSignIn { worker, at, ip, place, proxy, sso });
    };
    if let Some(clean) = workers.first() {
        // Working days in Colorado (08:10 and 14:30 Mountain time).
        for d in 1..=TELEMETRY_DAYS {
            push(clean, at(d, 15, 10), HOME_IP, DENVER, false, false);
            push(clean, at(d, 21, 30), HOME_IP, DENVER, false, true);
        }
    }
    if let Some(farm) = workers.get(1) {
        for d in 1..=TELEMETRY_DAYS {
            push(farm, at(d, 14, 0), FARM_IP, DOVER, false, false);
        }
        // Thirty-five minutes after a sign-in from Delaware, one from China: impossible travel.
        push(farm, at(9, 14, 35), CHINA_IP, SHENYANG, false, false);
        push(farm, at(8, 3, 10), RUSSIA_IP, VLADIVOSTOK, false, false);
        push(farm, at(6, 13, 20), VPN_IP, AMSTERDAM, true, false);
    }
    if let Some(partner) = workers.get(2) {
        for d in 1..=TELEMETRY_DAYS {
            push(partner, at(d, 14, 20), FARM_IP, DOVER, false, false);
        }
    }
    events.sort_by_key(|e| e.at);
    let lines: Vec<String> =
        events.iter().zip(1u64..).map(|(e, n)| okta_event(n, e).to_string()).collect();
    format!("[\n{}\n]\n", lines.join(",\n")).into_bytes()
}

/// One line of osqueryd's results log (differential: `columns` and `action`).
fn osquery_line(
    cal: &Calendar,
    worker: &Worker<'_>,
    (days, hour, minute): (u64, u32, u32),
    query: &str,
    columns: Value,
) -> (DateTime<Utc>, String) {
    let at = cal.at(days, hour, minute).as_datetime();
    let line = json!({
        "name": query,
        "hostIdentifier": worker.hostname,
        "calendarTime": at.format("%a %b %e %H:%M:%S %Y UTC").to_string(),
        "unixTime": at.timestamp(),
        "epoch": 0,
        "counter": 1,
        "numerics": false,
        "decorations": {
            "host_uuid": format!("5A3E0000-0000-4000-8000-{:012}", worker.vetting_case),
            "hostname": format!("{}.{WORK_DOMAIN}", worker.hostname),
            "hardware_serial": worker.serial,
        },
        "columns": columns,
        "action": "added",
    });
    (at, line.to_string())
}

/// The fleet's osquery results: the clean worker's laptop with its ordinary software, the farm
/// worker's with a remote-access tool, an IP-KVM and a mouse jiggler. The third worker's laptop
/// never reports.
fn osquery_log(cal: &Calendar, workers: &[Worker<'_>]) -> Vec<u8> {
    let mut lines = Vec::new();
    let programs = |name: &str, version: &str, publisher: &str| {
        json!({
            "name": name,
            "version": version,
            "install_location": format!("C:\\Program Files\\{name}"),
            "publisher": publisher,
            "uninstall_string": "",
            "install_date": "",
            "identifying_number": "",
        })
    };
    if let Some(clean) = workers.first() {
        for (days, name, version, publisher) in [
            (13, "Slack", "4.41.105", "Slack Technologies"),
            (13, "Mozilla Firefox", "133.0", "Mozilla"),
            (6, "Microsoft Teams", "24295.606", "Microsoft Corporation"),
        ] {
            lines.push(osquery_line(
                cal,
                clean,
                (days, 16, 0),
                "pack_sample_programs",
                programs(name, version, publisher),
            ));
        }
        lines.push(osquery_line(
            cal,
            clean,
            (2, 16, 5),
            "pack_sample_processes",
            json!({"pid": "5120", "name": "slack.exe", "path": "C:\\Program Files\\Slack\\slack.exe", "cmdline": "slack.exe"}),
        ));
    }
    if let Some(farm) = workers.get(1) {
        lines.push(osquery_line(
            cal,
            farm,
            (13, 15, 0),
            "pack_sample_programs",
            programs("Slack", "4.41.105", "Slack Technologies"),
        ));
        lines.push(osquery_line(
            cal,
            farm,
            (12, 18, 0),
            "pack_sample_programs",
            programs("AnyDesk", "ad 8.1.0", "AnyDesk Software GmbH"),
        ));
        lines.push(osquery_line(
            cal,
            farm,
            (12, 18, 5),
            "pack_sample_processes",
            json!({
                "pid": "4412",
                "name": "AnyDesk.exe",
                "path": "C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe",
                "cmdline": "\"C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe\" --service",
            }),
        ));
        lines.push(osquery_line(
            cal,
            farm,
            (12, 18, 6),
            "usb_devices",
            json!({
                "usb_address": "3",
                "usb_port": "2",
                "vendor": "tinypilot",
                "vendor_id": "1d6b",
                "version": "0100",
                "model": "Multifunction USB Device",
                "model_id": "0104",
                "serial": "6b65796d696d6570690",
                "class": "0",
                "subclass": "0",
                "protocol": "0",
                "removable": "1",
            }),
        ));
        lines.push(osquery_line(
            cal,
            farm,
            (11, 18, 7),
            "usb_devices",
            json!({
                "usb_address": "4",
                "usb_port": "3",
                "vendor": "SAMPLE Generic",
                "vendor_id": "1234",
                "version": "0100",
                "model": "USB Mouse Jiggler",
                "model_id": "5678",
                "serial": "",
                "class": "0",
                "subclass": "0",
                "protocol": "0",
                "removable": "1",
            }),
        ));
    }
    lines.sort_by_key(|(at, _)| *at);
    let mut out = String::new();
    for (_, line) in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out.into_bytes()
}
