//! Each fixture in tests/fixtures/telemetry/ (built from the vendors' documented shapes, with
//! fields Vetdesk does not use) read to the exact events expected, with format sniffing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::File;
use std::net::IpAddr;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use vetdesk_telemetry::{
    Device, Event, EventKind, Format, HostObservation, NetworkMarks, Observation, Outcome, Place,
    RowAction, SoftwareTable, read, sniff,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/telemetry").join(name)
}

fn now() -> DateTime<Utc> {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().unwrap())
}

fn s(text: &str) -> Option<String> {
    Some(text.to_string())
}

fn base(format: Format, id: &str, time: &str) -> Event {
    Event {
        format,
        event_id: id.to_string(),
        time: at(time),
        kind: EventKind::Other,
        vendor_type: None,
        account: None,
        ip: None,
        place: Place::default(),
        user_agent: None,
        client_app: None,
        outcome: None,
        network: NetworkMarks::default(),
        device: Device::default(),
        observation: None,
    }
}

fn ok(success: bool, code: &str, reason: Option<&str>) -> Option<Outcome> {
    Some(Outcome { success, code: s(code), reason: reason.map(str::to_string) })
}

/// Reads a fixture twice: with its format named, and sniffed. Both must agree and be clean.
fn read_fixture(name: &str, format: Format) -> Vec<Event> {
    let mut named = Vec::new();
    let report =
        read(File::open(fixture(name)).unwrap(), Some(format), now(), |e| named.push(e)).unwrap();
    assert!(report.is_clean(), "{name}: {report}");
    assert_eq!(report.events, named.len() as u64);
    let mut sniffed = Vec::new();
    let report =
        read(File::open(fixture(name)).unwrap(), None, now(), |e| sniffed.push(e)).unwrap();
    assert_eq!(report.format, Some(format), "{name} sniffed as {:?}", report.format);
    assert_eq!(named, sniffed);
    let prefix = std::fs::read(fixture(name)).unwrap();
    assert_eq!(sniff(&prefix), Some(format));
    named
}

#[test]
fn okta_array() {
    let events = read_fixture("okta_system_log.json", Format::Okta);
    let expected = vec![
        Event {
            kind: EventKind::SignIn,
            vendor_type: s("user.session.start"),
            account: s("Ana.Silva@Corp.example"),
            ip: ip("203.0.113.10"),
            place: Place {
                country: s("US"),
                region: s("Texas"),
                city: s("Austin"),
                latitude: Some(30.2672),
                longitude: Some(-97.7431),
            },
            user_agent: s(
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
            ),
            client_app: s("Computer"),
            outcome: ok(true, "SUCCESS", None),
            network: NetworkMarks {
                is_proxy: Some(false),
                as_org: s("example broadband"),
                as_number: Some(64496),
                isp: s("example broadband inc"),
                domain: s("example.net"),
                ..NetworkMarks::default()
            },
            device: Device { operating_system: s("Mac OS X"), ..Device::default() },
            ..base(Format::Okta, "2f3a7c1e-8b4d-11ef-9a61-0b7c5d9e2a41", "2026-11-24T14:05:31.482Z")
        },
        Event {
            kind: EventKind::FailedSignIn,
            vendor_type: s("user.session.start"),
            account: s("ana.silva@corp.example"),
            ip: ip("198.51.100.77"),
            place: Place {
                country: s("CN"),
                region: s("Liaoning"),
                city: s("Shenyang"),
                latitude: Some(41.8057),
                longitude: Some(123.4315),
            },
            user_agent: s(
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            ),
            client_app: s("Computer"),
            outcome: ok(false, "FAILURE", Some("INVALID_CREDENTIALS")),
            network: NetworkMarks {
                is_proxy: Some(true),
                as_org: s("example hosting"),
                as_number: Some(64511),
                isp: s("example hosting ltd"),
                domain: s("example.org"),
                ..NetworkMarks::default()
            },
            device: Device { operating_system: s("Windows 10"), ..Device::default() },
            ..base(Format::Okta, "7d0c9b2a-8b52-11ef-b0f4-3d2e1c0b9a87", "2026-11-24T15:12:09.001Z")
        },
        Event {
            kind: EventKind::Other,
            vendor_type: s("user.session.end"),
            account: s("ben.okafor@corp.example"),
            ip: ip("2001:db8::5"),
            user_agent: s("Okta Verify/9.24.0 (iOS 18.1)"),
            client_app: s("Mobile"),
            outcome: ok(true, "SUCCESS", None),
            device: Device {
                serial: None,
                hostname: s("Ben's iPhone"),
                device_id: s("guo1a2b3c4d5e6f7g8h9"),
                operating_system: s("IOS"),
            },
            ..base(Format::Okta, "a41e6f10-8bd3-11ef-8c2e-6f5a4b3c2d1e", "2026-11-25T08:00:00Z")
        },
    ];
    assert_eq!(events, expected);
}

#[test]
fn okta_lines() {
    let events = read_fixture("okta_system_log.jsonl", Format::Okta);
    let toronto = Place {
        country: s("CA"),
        region: s("Ontario"),
        city: s("Toronto"),
        latitude: Some(43.6532),
        longitude: Some(-79.3832),
    };
    let expected = vec![
        Event {
            kind: EventKind::SignIn,
            vendor_type: s("user.authentication.sso"),
            account: s("CORP\\ana.silva"),
            ip: ip("192.0.2.44"),
            place: toronto.clone(),
            user_agent: s("Mozilla/5.0 (X11; Linux x86_64) Firefox/132.0"),
            client_app: s("Computer"),
            outcome: ok(true, "SUCCESS", None),
            network: NetworkMarks {
                is_proxy: Some(false),
                as_org: s("example telecom"),
                as_number: Some(64500),
                isp: s("example telecom"),
                domain: s("example.ca"),
                ..NetworkMarks::default()
            },
            device: Device { operating_system: s("Linux"), ..Device::default() },
            ..base(Format::Okta, "c5b1d2e3-8c01-11ef-a1b2-1a2b3c4d5e6f", "2026-11-26T09:15:00Z")
        },
        Event {
            kind: EventKind::Other,
            vendor_type: s("user.account.update_password"),
            account: s("ana.silva@corp.example"),
            ip: ip("192.0.2.44"),
            place: toronto,
            client_app: s("Computer"),
            outcome: ok(true, "SUCCESS", None),
            network: NetworkMarks { is_proxy: Some(false), ..NetworkMarks::default() },
            ..base(Format::Okta, "d7e8f9a0-8c02-11ef-b3c4-2b3c4d5e6f7a", "2026-11-26T09:16:30.250Z")
        },
    ];
    assert_eq!(events, expected);
}

#[test]
fn entra_value_wrapper() {
    let events = read_fixture("entra_signins.json", Format::Entra);
    let expected = vec![
        Event {
            kind: EventKind::SignIn,
            vendor_type: s("signIn"),
            account: s("asilva@corp.onmicrosoft.com"),
            ip: ip("203.0.113.10"),
            place: Place {
                country: s("US"),
                region: s("Texas"),
                city: s("Austin"),
                latitude: Some(30.2672),
                longitude: Some(-97.7431),
            },
            client_app: s("Browser"),
            outcome: ok(true, "0", None),
            device: Device {
                serial: None,
                hostname: s("LAPTOP-AS01"),
                device_id: s("8a2b0c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"),
                operating_system: s("Windows 10"),
            },
            ..base(Format::Entra, "66ea54eb-6301-4ee5-be62-ff5a759b0100", "2026-11-24T16:03:35Z")
        },
        Event {
            kind: EventKind::FailedSignIn,
            vendor_type: s("signIn"),
            account: s("asilva@corp.onmicrosoft.com"),
            ip: ip("185.220.101.9"),
            place: Place {
                country: s("DE"),
                region: s("Hessen"),
                city: s("Frankfurt am Main"),
                latitude: Some(50.1109),
                longitude: Some(8.6821),
            },
            client_app: s("Mobile Apps and Desktop clients"),
            outcome: ok(
                false,
                "50126",
                Some("Error validating credentials due to invalid username or password."),
            ),
            network: NetworkMarks {
                anonymized_ip: true,
                risk_level: s("high"),
                risk_event_types: vec!["anonymizedIPAddress".into(), "unfamiliarFeatures".into()],
                ..NetworkMarks::default()
            },
            device: Device { operating_system: s("Linux"), ..Device::default() },
            ..base(Format::Entra, "b01f7c2a-4d3e-4f5a-9b8c-1d2e3f4a5b6c", "2026-11-24T16:40:02Z")
        },
    ];
    assert_eq!(events, expected);
}

#[test]
fn entra_lines() {
    let events = read_fixture("entra_signins.jsonl", Format::Entra);
    let expected = vec![Event {
        kind: EventKind::SignIn,
        vendor_type: s("signIn"),
        account: s("Ben.Okafor@corp.example"),
        ip: ip("192.0.2.200"),
        place: Place {
            country: s("US"),
            region: s("Illinois"),
            city: s("Chicago"),
            latitude: Some(41.8781),
            longitude: Some(-87.6298),
        },
        client_app: s("Mobile Apps and Desktop clients"),
        outcome: ok(true, "0", None),
        device: Device { operating_system: s("MacOs"), ..Device::default() },
        ..base(Format::Entra, "e2a4c6e8-0a1b-4c2d-8e3f-4a5b6c7d8e9f", "2026-11-27T07:55:10Z")
    }];
    assert_eq!(events, expected);
}

#[test]
fn workspace_items_wrapper() {
    let events = read_fixture("workspace_login.json", Format::Workspace);
    let expected = vec![
        Event {
            kind: EventKind::SignIn,
            vendor_type: s("login_success"),
            account: s("ana.silva@corp.example"),
            ip: ip("203.0.113.10"),
            place: Place { country: s("US"), region: s("US-TX"), ..Place::default() },
            client_app: s("google_password"),
            outcome: ok(true, "login_success", None),
            network: NetworkMarks { as_number: Some(64496), ..NetworkMarks::default() },
            ..base(
                Format::Workspace,
                "2026-11-24T17:20:44.512Z/-2716837408466573183",
                "2026-11-24T17:20:44.512Z",
            )
        },
        Event {
            kind: EventKind::FailedSignIn,
            vendor_type: s("login_failure"),
            account: s("ben.okafor@corp.example"),
            ip: ip("198.51.100.23"),
            place: Place { country: s("KP"), ..Place::default() },
            client_app: s("google_password"),
            outcome: ok(false, "login_failure", Some("login_failure_invalid_password")),
            network: NetworkMarks {
                as_number: Some(64511),
                flags: vec!["is_suspicious".into()],
                ..NetworkMarks::default()
            },
            ..base(
                Format::Workspace,
                "2026-11-24T17:20:44.512Z/5839201746612093311",
                "2026-11-24T17:20:44.512Z",
            )
        },
    ];
    assert_eq!(events, expected);
}

#[test]
fn osquery_differential_and_snapshot() {
    let events = read_fixture("osquery_results.log", Format::Osquery);
    let laptop = Device {
        serial: s("PF3XK2LM"),
        hostname: s("LAPTOP-AS01.corp.example"),
        device_id: s("4AB2906D-5516-5794-AF54-86D1D7F533F3"),
        operating_system: None,
    };
    let mac = Device {
        serial: s("C02ZK1ABMD6M"),
        hostname: s("mbp-ben.local"),
        device_id: s("C0FFEE00-1111-2222-3333-444455556666"),
        operating_system: None,
    };
    let dev_box = Device {
        hostname: s("dev-box-07"),
        device_id: s("9F8E7D6C-5B4A-3928-1706-F5E4D3C2B1A0"),
        ..Device::default()
    };
    let obs = |query: &str, action, observed| {
        Some(HostObservation { query: query.to_string(), action, observed })
    };
    let observations: Vec<_> = events
        .iter()
        .map(|e| (e.time, e.vendor_type.clone(), e.device.clone(), e.observation.clone(), e.kind))
        .collect();
    let expected = vec![
        (
            at("2026-11-24T18:00:00Z"),
            s("pack_vetdesk_programs"),
            laptop.clone(),
            obs(
                "pack_vetdesk_programs",
                RowAction::Added,
                Observation::Software {
                    table: SoftwareTable::Programs,
                    name: "AnyDesk".into(),
                    version: s("ad 8.1.0"),
                    bundle_id: None,
                    publisher: s("AnyDesk Software GmbH"),
                },
            ),
            EventKind::Other,
        ),
        (
            at("2026-11-24T18:05:00Z"),
            s("pack_vetdesk_processes"),
            laptop.clone(),
            obs(
                "pack_vetdesk_processes",
                RowAction::Added,
                Observation::Process {
                    name: "AnyDesk.exe".into(),
                    path: s("C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe"),
                    cmdline: s("\"C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe\" --service"),
                },
            ),
            EventKind::Other,
        ),
        (
            at("2026-11-24T18:06:10Z"),
            s("usb"),
            laptop,
            obs(
                "usb",
                RowAction::Added,
                Observation::UsbDevice {
                    vendor_id: s("1d6b"),
                    product_id: s("0104"),
                    vendor: s("PiKVM"),
                    product: s("PiKVM Composite Device"),
                    serial: s("CAFEBABE"),
                },
            ),
            EventKind::Other,
        ),
        (
            at("2026-11-25T09:00:00Z"),
            s("arp"),
            mac.clone(),
            obs(
                "arp",
                RowAction::Snapshot,
                Observation::ArpEntry {
                    ip: ip("192.168.1.1"),
                    mac: s("94:83:c4:1a:2b:3c"),
                    interface: s("en0"),
                },
            ),
            EventKind::Other,
        ),
        (
            at("2026-11-25T09:00:00Z"),
            s("arp"),
            mac.clone(),
            obs(
                "arp",
                RowAction::Snapshot,
                Observation::ArpEntry {
                    ip: ip("192.168.1.23"),
                    mac: s("dc:a6:32:01:02:03"),
                    interface: s("en0"),
                },
            ),
            EventKind::Other,
        ),
        (
            at("2026-11-25T09:00:00Z"),
            s("apps"),
            mac.clone(),
            obs(
                "apps",
                RowAction::Snapshot,
                Observation::Software {
                    table: SoftwareTable::Apps,
                    name: "RustDesk.app".into(),
                    version: s("1.3.2"),
                    bundle_id: s("com.carriez.RustDesk"),
                    publisher: None,
                },
            ),
            EventKind::Other,
        ),
        (
            at("2026-11-25T09:00:00Z"),
            s("apps"),
            mac,
            obs(
                "apps",
                RowAction::Snapshot,
                Observation::Software {
                    table: SoftwareTable::Apps,
                    name: "Safari.app".into(),
                    version: s("18.1"),
                    bundle_id: s("com.apple.Safari"),
                    publisher: None,
                },
            ),
            EventKind::Other,
        ),
        (
            at("2026-11-26T10:00:00Z"),
            s("debs"),
            dev_box,
            obs(
                "debs",
                RowAction::Removed,
                Observation::Software {
                    table: SoftwareTable::DebPackages,
                    name: "rustdesk".into(),
                    version: s("1.3.2"),
                    bundle_id: None,
                    publisher: s("rustdesk <info@rustdesk.com>"),
                },
            ),
            EventKind::Other,
        ),
    ];
    assert_eq!(observations, expected);
    // Ids are content hashes: distinct per row, stable across reads.
    let ids: std::collections::HashSet<_> = events.iter().map(|e| e.event_id.clone()).collect();
    assert_eq!(ids.len(), events.len());
    assert!(events.iter().all(|e| e.event_id.len() == 64 && e.format == Format::Osquery));
    let again = read_fixture("osquery_results.log", Format::Osquery);
    assert_eq!(events, again);
}

#[test]
fn osquery_id_is_the_sha256_of_the_canonical_row() {
    let line = br#"{"name":"q","hostIdentifier":"h","unixTime":"1700000000","action":"added","columns":{"b":"2","a":"1"}}"#;
    let parsed = vetdesk_telemetry::parse_any(line, Some(Format::Osquery), now());
    assert!(parsed.report.is_clean(), "{}", parsed.report);
    // Column order in the log does not change the id: columns are sorted by name.
    let canonical =
        br#"{"name":"q","host":"h","unix_time":1700000000,"action":"added","columns":{"a":"1","b":"2"}}"#;
    use sha2::Digest;
    let expected = hex::encode(sha2::Sha256::digest(canonical));
    assert_eq!(parsed.events[0].event_id, expected);
    let reordered = br#"{"name":"q","hostIdentifier":"h","unixTime":1700000000,"action":"added","columns":{"a":"1","b":"2"}}"#;
    let parsed2 = vetdesk_telemetry::parse_any(reordered, Some(Format::Osquery), now());
    assert_eq!(parsed2.events[0].event_id, expected);
}

#[test]
fn csv_rows() {
    let events = read_fixture("generic_events.csv", Format::Csv);
    assert_eq!(events.len(), 3);
    let [first, second, third] = [&events[0], &events[1], &events[2]];
    let expected_first = Event {
        event_id: first.event_id.clone(),
        kind: EventKind::SignIn,
        vendor_type: s("sign_in"),
        account: s("ana.silva@corp.example"),
        ip: ip("203.0.113.10"),
        place: Place { country: s("US"), ..Place::default() },
        outcome: ok(true, "sign_in", None),
        device: Device {
            serial: s("LAPTOP-AS01"),
            hostname: s("LAPTOP-AS01"),
            ..Device::default()
        },
        ..base(Format::Csv, "", "2026-11-24T12:00:00Z")
    };
    assert_eq!(first, &expected_first);
    let expected_second = Event {
        event_id: second.event_id.clone(),
        kind: EventKind::FailedSignIn,
        vendor_type: s("failed_sign_in"),
        account: s("Silva, Ana <ana.silva@corp.example>"),
        ip: ip("198.51.100.9"),
        place: Place { country: s("DE"), ..Place::default() },
        outcome: ok(false, "failed_sign_in", Some("bad password, locked")),
        ..base(Format::Csv, "", "2026-11-24T11:30:00Z")
    };
    assert_eq!(second, &expected_second);
    let expected_third = Event {
        event_id: third.event_id.clone(),
        kind: EventKind::Other,
        vendor_type: s("badge_in"),
        account: s("ben.okafor@corp.example"),
        ..base(Format::Csv, "", "2026-11-25T08:00:00Z")
    };
    assert_eq!(third, &expected_third);
    // The id is the SHA-256 of the seven trimmed fields as a JSON array.
    use sha2::Digest;
    let canonical = serde_json::to_vec(&[
        "2026-11-24T12:00:00Z",
        "ana.silva@corp.example",
        "203.0.113.10",
        "US",
        "sign_in",
        "LAPTOP-AS01",
        "VPN concentrator log",
    ])
    .unwrap();
    assert_eq!(first.event_id, hex::encode(sha2::Sha256::digest(canonical)));
}

#[test]
fn events_serialise_to_json_and_back() {
    let events = read_fixture("osquery_results.log", Format::Osquery);
    let json = serde_json::to_string(&events).unwrap();
    let back: Vec<Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(events, back);
}

#[test]
fn osquery_calendar_time_when_unix_time_is_absent() {
    let line = br#"{"name":"q","hostIdentifier":"h","calendarTime":"Tue Nov  3 08:05:09 2026 UTC","action":"added","columns":{"address":"10.0.0.1","mac":"b8:27:eb:00:00:01","interface":"eth0"}}"#;
    let parsed = vetdesk_telemetry::parse_any(line, Some(Format::Osquery), now());
    assert!(parsed.report.is_clean(), "{}", parsed.report);
    assert_eq!(parsed.events[0].time, at("2026-11-03T08:05:09Z"));
    assert_eq!(
        parsed.events[0].observation.as_ref().unwrap().observed,
        Observation::ArpEntry {
            ip: ip("10.0.0.1"),
            mac: s("b8:27:eb:00:00:01"),
            interface: s("eth0"),
        }
    );
}
