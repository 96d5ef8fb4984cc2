//! Table tests of the pure functions: account and device matching, country names, great-circle
//! distance, impossible travel, local hours in claimed time zones, format sniffing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, Utc};
use vetdesk_telemetry::accounts::{
    AccountIndex, AccountName, AccountRule, DeviceIndex, DeviceRule, Match, parse_account,
};
use vetdesk_telemetry::geo::{
    Fix, GeoPoint, IMPOSSIBLE_SPEED_KMH, distance_km, is_night_hour, local_hour, travel,
};
use vetdesk_telemetry::{Format, country_code, sniff};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

#[test]
fn account_names_are_read_by_the_documented_rules() {
    let name = |user: &str, domain: Option<&str>, netbios: Option<&str>| {
        Some(AccountName {
            user: user.into(),
            domain: domain.map(Into::into),
            netbios: netbios.map(Into::into),
        })
    };
    let rows: &[(&str, Option<AccountName>)] = &[
        ("ana.silva@corp.example", name("ana.silva", Some("corp.example"), None)),
        ("Ana.Silva@Corp.example", name("ana.silva", Some("corp.example"), None)),
        ("  ANA.SILVA@CORP.EXAMPLE. ", name("ana.silva", Some("corp.example"), None)),
        ("mailto:ana.silva@corp.example", name("ana.silva", Some("corp.example"), None)),
        ("<ana.silva@corp.example>", name("ana.silva", Some("corp.example"), None)),
        ("Silva, Ana <ana.silva@corp.example>", name("ana.silva", Some("corp.example"), None)),
        ("CORP\\ana.silva", name("ana.silva", None, Some("corp"))),
        ("corp\\Ana.Silva", name("ana.silva", None, Some("corp"))),
        ("ana.silva", name("ana.silva", None, None)),
        ("", None),
        ("   ", None),
        ("@corp.example", None),
        ("ana@", None),
        ("\\ana", None),
        ("CORP\\", None),
        ("ana silva@corp.example", None),
    ];
    for (raw, expected) in rows {
        assert_eq!(&parse_account(raw), expected, "{raw:?}");
    }
}

#[test]
fn accounts_match_the_same_work_account() {
    let mut index = AccountIndex::new();
    assert!(index.add("ana", "ana.silva@corp.example"));
    assert!(index.add("ana", "asilva@corp.onmicrosoft.com"));
    assert!(index.add("ben", "ben.okafor@corp.example"));
    assert!(index.add("ben2", "ben.okafor@other.example"));
    assert!(index.add("cy", "cy@contoso.example"));
    index.add_netbios("CONTOSO-HQ", "contoso.example");
    assert!(!index.add("x", "no-domain"));
    let one = |key, rule| Match::One { key, rule };
    let rows: &[(&str, Match<&str>)] = &[
        ("Ana.Silva@Corp.example", one("ana", AccountRule::Address)),
        ("ana.silva@corp.example", one("ana", AccountRule::Address)),
        ("CORP\\ana.silva", one("ana", AccountRule::DownLevel)),
        ("ASILVA@corp.onmicrosoft.com", one("ana", AccountRule::Address)),
        ("ana.silva", one("ana", AccountRule::UniqueUser)),
        ("asilva", one("ana", AccountRule::UniqueUser)),
        ("ben.okafor@corp.example", one("ben", AccountRule::Address)),
        // Two employees share the user part: a bare name is ambiguous, never guessed.
        ("ben.okafor", Match::Ambiguous(vec!["ben", "ben2"])),
        ("OTHER\\ben.okafor", one("ben2", AccountRule::DownLevel)),
        ("CONTOSO-HQ\\cy", one("cy", AccountRule::DownLevel)),
        ("ana.silva@other.example", Match::None),
        ("WRONG\\ana.silva", Match::None),
        ("nobody@corp.example", Match::None),
        ("", Match::None),
    ];
    for (raw, expected) in rows {
        assert_eq!(&index.lookup(raw), expected, "{raw:?}");
    }
}

#[test]
fn devices_match_by_serial_or_hostname() {
    let mut index = DeviceIndex::new();
    index.add("laptop-ana", Some(" pf3xk2lm "), Some("LAPTOP-AS01.corp.example"));
    index.add("mac-ben", Some("C02ZK1ABMD6M"), Some("mbp-ben"));
    index.add("twin-1", None, Some("build.site-a.example"));
    index.add("twin-2", None, Some("build.site-b.example"));
    type Row<'a> = (Option<&'a str>, Option<&'a str>, Option<(&'a str, DeviceRule)>);
    let rows: &[Row] = &[
        (Some("PF3XK2LM"), None, Some(("laptop-ana", DeviceRule::Serial))),
        (Some("PF3X K2LM"), Some("something-else"), Some(("laptop-ana", DeviceRule::Serial))),
        (None, Some("laptop-as01.corp.example."), Some(("laptop-ana", DeviceRule::Hostname))),
        (None, Some("LAPTOP-AS01"), Some(("laptop-ana", DeviceRule::ShortHostname))),
        (None, Some("laptop-as01.vpn.example"), Some(("laptop-ana", DeviceRule::ShortHostname))),
        (None, Some("mbp-ben.local"), Some(("mac-ben", DeviceRule::ShortHostname))),
        (Some("UNKNOWN"), Some("mbp-ben"), Some(("mac-ben", DeviceRule::Hostname))),
        (None, Some("build.site-a.example"), Some(("twin-1", DeviceRule::Hostname))),
        // Two devices share the short name: no guess.
        (None, Some("build"), None),
        (None, Some("other-host"), None),
        (None, None, None),
    ];
    for (serial, host, expected) in rows {
        assert_eq!(index.lookup(*serial, *host), *expected, "{serial:?} {host:?}");
    }
}

#[test]
fn country_names_and_codes() {
    let rows: &[(&str, Option<&str>)] = &[
        ("US", Some("US")),
        ("us", Some("US")),
        ("United States", Some("US")),
        ("united states of america", Some("US")),
        ("Russia", Some("RU")),
        ("Russian Federation", Some("RU")),
        ("South Korea", Some("KR")),
        ("Korea, Republic of", Some("KR")),
        ("North Korea", Some("KP")),
        ("Viet Nam", Some("VN")),
        ("Vietnam", Some("VN")),
        ("Türkiye", Some("TR")),
        ("Turkey", Some("TR")),
        ("  United   Kingdom ", Some("GB")),
        ("Hong Kong", Some("HK")),
        ("Taiwan", Some("TW")),
        ("Kosovo", Some("XK")),
        ("ZZ", None),
        ("Atlantis", None),
        ("", None),
    ];
    for (text, expected) in rows {
        assert_eq!(country_code(text), *expected, "{text:?}");
    }
}

#[test]
fn great_circle_distances() {
    let p = |lat, lon| GeoPoint::new(lat, lon).unwrap();
    // (from, to, expected km, tolerance km): half a great circle is πR exactly; the others
    // were computed independently (Python, the same mean radius) and rounded.
    let rows = [
        (p(51.5072, -0.1276), p(40.7128, -74.0060), 5570.0, 1.0), // London – New York
        (p(30.2672, -97.7431), p(41.8781, -87.6298), 1576.0, 1.0), // Austin – Chicago
        (p(39.0392, 125.7625), p(41.8057, 123.4315), 365.4, 0.5), // Pyongyang – Shenyang
        (p(0.0, 0.0), p(0.0, 180.0), 20015.1, 0.5),               // half the equator
        (p(10.0, 10.0), p(10.0, 10.0), 0.0, 0.001),
        (p(90.0, 0.0), p(-90.0, 0.0), 20015.1, 0.5),
    ];
    for (a, b, km, tol) in rows {
        let d = distance_km(a, b);
        assert!((d - km).abs() <= tol, "{a:?} → {b:?}: {d} km, expected {km}");
        assert!((distance_km(b, a) - d).abs() < 1e-9);
    }
    assert_eq!(GeoPoint::new(91.0, 0.0), None);
    assert_eq!(GeoPoint::new(0.0, f64::NAN), None);
}

#[test]
fn impossible_travel_allows_for_coarse_geolocation() {
    let fix = |time: &str, lat, lon| Fix { at: at(time), point: GeoPoint::new(lat, lon).unwrap() };
    let austin = |t| fix(t, 30.2672, -97.7431);
    let chicago = |t| fix(t, 41.8781, -87.6298);
    let london = |t| fix(t, 51.5072, -0.1276);
    let dallas = |t| fix(t, 32.7767, -96.7970);
    let shenyang = |t| fix(t, 41.8057, 123.4315);
    // (first, second, impossible?)
    let rows = [
        // London to Austin in one hour: impossible.
        (london("2026-11-24T10:00:00Z"), austin("2026-11-24T11:00:00Z"), true),
        // Austin to Shenyang, 30 minutes: impossible.
        (austin("2026-11-24T10:00:00Z"), shenyang("2026-11-24T10:30:00Z"), true),
        // Austin to Chicago in 3 hours (~1576 km, ~1276 km after slack): ~425 km/h, a flight.
        (austin("2026-11-24T10:00:00Z"), chicago("2026-11-24T13:00:00Z"), false),
        // Austin to Chicago in one hour: ~1276 km/h after slack, impossible.
        (austin("2026-11-24T10:00:00Z"), chicago("2026-11-24T11:00:00Z"), true),
        // Austin to Dallas (~293 km) at the same second: within twice the slack, never flagged.
        (austin("2026-11-24T10:00:00Z"), dallas("2026-11-24T10:00:00Z"), false),
        // London to Austin a day apart: fine.
        (london("2026-11-24T10:00:00Z"), austin("2026-11-25T10:00:00Z"), false),
        // Order does not matter.
        (austin("2026-11-24T11:00:00Z"), london("2026-11-24T10:00:00Z"), true),
    ];
    for (a, b, impossible) in rows {
        let t = travel(a, b);
        assert_eq!(t.impossible, impossible, "{a:?} → {b:?}: {t:?}");
        assert_eq!(t.impossible, t.speed_kmh > IMPOSSIBLE_SPEED_KMH);
    }
    let same_place = travel(austin("2026-11-24T10:00:00Z"), austin("2026-11-24T10:00:00Z"));
    assert_eq!(same_place.speed_kmh, 0.0);
    let instant = travel(austin("2026-11-24T10:00:00Z"), london("2026-11-24T10:00:00Z"));
    assert!(instant.speed_kmh.is_infinite() && instant.impossible);
}

#[test]
fn local_hours_in_claimed_time_zones() {
    let rows: &[(&str, &str, u32)] = &[
        ("2026-11-24T15:00:00Z", "America/Chicago", 9), // CST, UTC−6
        ("2026-07-24T15:00:00Z", "America/Chicago", 10), // CDT, UTC−5
        // 8 March 2026, 02:00 EST (07:00Z) becomes 03:00 EDT: hour 2 never happens.
        ("2026-03-08T06:59:59Z", "America/New_York", 1),
        ("2026-03-08T07:00:00Z", "America/New_York", 3),
        ("2026-11-24T15:00:00Z", "Asia/Pyongyang", 0), // UTC+9
        ("2026-11-24T15:00:00Z", "Asia/Kolkata", 20),  // UTC+5:30, 20:30
        ("2026-11-24T15:00:00Z", "UTC", 15),
        ("2026-11-24T15:00:00Z", " Europe/London ", 15),
    ];
    for (time, zone, hour) in rows {
        assert_eq!(local_hour(at(time), zone).unwrap(), *hour, "{time} in {zone}");
    }
    assert!(local_hour(at("2026-11-24T15:00:00Z"), "Mars/Olympus_Mons").is_err());
    let night: Vec<u32> = (0..24).filter(|h| is_night_hour(*h)).collect();
    assert_eq!(night, [0, 1, 2, 3, 4, 5, 22, 23]);
}

#[test]
fn formats_are_sniffed_from_their_fields() {
    let rows: &[(&[u8], Option<Format>)] = &[
        (br#"[{"uuid":"a","published":"x","eventType":"user.session.start"}]"#, Some(Format::Okta)),
        (b"\xEF\xBB\xBF  {\"eventType\":\"x\",\"uuid\":\"a\"}\n", Some(Format::Okta)),
        (
            br#"{"@odata.context":"x","value":[{"id":"a","createdDateTime":"x"}]}"#,
            Some(Format::Entra),
        ),
        (br#"{"userPrincipalName":"a@b"}"#, Some(Format::Entra)),
        (br#"{"kind":"admin#reports#activities","items":[]}"#, Some(Format::Workspace)),
        (br#"{"id":{"time":"x","uniqueQualifier":"1"}}"#, Some(Format::Workspace)),
        (br#"{"name":"q","hostIdentifier":"h","action":"added"}"#, Some(Format::Osquery)),
        (b"time,account,ip,country,event,device,detail\r\n", Some(Format::Csv)),
        (b" Time , Account,IP,Country,Event,Device,Detail\n", Some(Format::Csv)),
        (b"time,account,ip\n", None),
        (br#"{"a":1}"#, None),
        (b"", None),
        (b"\xff\xfe\x00", None),
    ];
    for (bytes, expected) in rows {
        assert_eq!(sniff(bytes), *expected, "{:?}", String::from_utf8_lossy(bytes));
    }
}

#[test]
fn typescript_declarations_are_generated_for_the_shared_types() {
    use ts_rs::TS;
    use vetdesk_telemetry::{Event, Report};
    let event = Event::decl(&ts_rs::Config::default());
    assert!(event.contains("type TelemetryEvent"), "{event}");
    assert!(event.contains("event_id: string"), "{event}");
    assert!(event.contains("time: string"), "{event}");
    let report = Report::decl(&ts_rs::Config::default());
    assert!(report.contains("problems_not_listed"), "{report}");
}

#[test]
fn a_byte_order_mark_is_not_content() {
    let now: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().unwrap();
    let osquery = b"\xEF\xBB\xBF{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":1795000000,\"action\":\"added\",\"columns\":{}}\n";
    let csv = b"\xEF\xBB\xBFtime,account,ip,country,event,device,detail\r\n2026-11-20T10:00:00Z,a@b.example,,,sign_in,,\r\n";
    let okta = b"\xEF\xBB\xBF[{\"uuid\":\"u\",\"published\":\"2026-11-20T10:00:00Z\",\"eventType\":\"x\"}]";
    for (bytes, format) in
        [(&osquery[..], Format::Osquery), (&csv[..], Format::Csv), (&okta[..], Format::Okta)]
    {
        let parsed = vetdesk_telemetry::parse_any(bytes, None, now);
        assert_eq!(parsed.report.format, Some(format));
        assert!(parsed.report.is_clean(), "{format}: {}", parsed.report);
        assert_eq!(parsed.events.len(), 1);
    }
}

#[test]
fn okta_outcomes_decide_the_kind_of_sign_in() {
    use vetdesk_telemetry::EventKind;
    let now: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().unwrap();
    let rows: &[(&str, &str, EventKind, bool)] = &[
        ("user.session.start", "SUCCESS", EventKind::SignIn, true),
        ("user.session.start", "FAILURE", EventKind::FailedSignIn, false),
        ("user.authentication.sso", "ALLOW", EventKind::SignIn, true),
        ("user.authentication.sso", "DENY", EventKind::FailedSignIn, false),
        ("user.authentication.auth_via_mfa", "CHALLENGE", EventKind::Other, false),
        ("user.session.start", "SKIPPED", EventKind::Other, false),
        ("user.session.start", "UNKNOWN", EventKind::Other, false),
        ("user.session.end", "SUCCESS", EventKind::Other, true),
        ("policy.evaluate_sign_on", "DENY", EventKind::Other, false),
    ];
    for (event_type, result, kind, success) in rows {
        let json = format!(
            r#"[{{"uuid":"u","published":"2026-11-20T10:00:00Z","eventType":"{event_type}","outcome":{{"result":"{result}"}}}}]"#
        );
        let parsed = vetdesk_telemetry::parse_any(json.as_bytes(), Some(Format::Okta), now);
        let event = &parsed.events[0];
        assert_eq!(event.kind, *kind, "{event_type} {result}");
        assert_eq!(event.outcome.as_ref().unwrap().success, *success, "{event_type} {result}");
    }
}
