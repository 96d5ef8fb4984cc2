//! The built-in signatures load, carry sources, and match the observations in the osquery
//! fixture (and nothing in a clean one) with the facts that matched; bad signature files are
//! refused with the file and entry named.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use vetdesk_telemetry::signatures::{Category, SignatureError, Signatures, Strength};
use vetdesk_telemetry::{
    Event, Format, HostObservation, Observation, RowAction, SoftwareTable, parse_any,
};

fn now() -> DateTime<Utc> {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

fn observation(observed: Observation) -> HostObservation {
    HostObservation { query: "q".into(), action: RowAction::Added, observed }
}

fn usb(v: &str, p: &str, vendor: &str, product: &str, serial: &str) -> Observation {
    Observation::UsbDevice {
        vendor_id: Some(v.into()),
        product_id: Some(p.into()),
        vendor: Some(vendor.into()),
        product: Some(product.into()),
        serial: Some(serial.into()),
    }
}

fn software(table: SoftwareTable, name: &str, bundle: Option<&str>) -> Observation {
    Observation::Software {
        table,
        name: name.into(),
        version: None,
        bundle_id: bundle.map(Into::into),
        publisher: None,
    }
}

fn process(name: &str, path: Option<&str>) -> Observation {
    Observation::Process { name: name.into(), path: path.map(Into::into), cmdline: None }
}

fn arp(mac: &str) -> Observation {
    Observation::ArpEntry { ip: None, mac: Some(mac.into()), interface: None }
}

#[test]
fn built_in_signatures_load_and_name_their_sources() {
    let sigs = Signatures::built_in().unwrap();
    let ids: Vec<&str> = sigs.entries().iter().map(|s| s.id.as_str()).collect();
    for wanted in [
        "anydesk",
        "teamviewer",
        "rustdesk",
        "chrome-remote-desktop",
        "splashtop",
        "screenconnect",
        "zoho-assist",
        "anyviewer",
        "parsec",
        "pikvm",
        "tinypilot",
        "jetkvm",
        "glinet-comet",
        "usb-jiggler-name",
    ] {
        assert!(ids.contains(&wanted), "{wanted} missing from {ids:?}");
    }
    assert!(sigs.entries().iter().all(|s| s.source.len() > 20));
}

#[test]
fn observations_match_their_signatures_with_facts() {
    let sigs = Signatures::built_in().unwrap();
    // (observation, expected signature ids in file order)
    let rows: Vec<(Observation, Vec<&str>)> = vec![
        (process("AnyDesk.exe", None), vec!["anydesk"]),
        (
            process("svchost.exe", Some("C:\\Program Files (x86)\\AnyDesk\\anydesk.exe")),
            vec!["anydesk"],
        ),
        (process("TeamViewer_Service.exe", None), vec!["teamviewer"]),
        (process("remoting_host.exe", None), vec!["chrome-remote-desktop"]),
        (process("SRService.exe", None), vec!["splashtop"]),
        (process("ScreenConnect.WindowsClient.exe", None), vec!["screenconnect"]),
        (process("rustdesk", Some("/usr/bin/rustdesk")), vec!["rustdesk"]),
        (process("MouseJiggler.exe", None), vec!["software-jiggler"]),
        (process("ZohoURSService.exe", None), vec!["zoho-assist"]),
        (process("RCService.exe", None), vec!["anyviewer"]),
        (process("parsecd.exe", Some("C:\\Program Files\\Parsec\\parsecd.exe")), vec!["parsec"]),
        (process("chrome.exe", None), vec![]),
        (software(SoftwareTable::Programs, "AnyDesk", None), vec!["anydesk"]),
        (software(SoftwareTable::Programs, "TeamViewer 15", None), vec!["teamviewer"]),
        (
            software(SoftwareTable::DebPackages, "chrome-remote-desktop", None),
            vec!["chrome-remote-desktop"],
        ),
        (software(SoftwareTable::RpmPackages, "rustdesk", None), vec!["rustdesk"]),
        (
            software(SoftwareTable::Apps, "Whatever.app", Some("com.carriez.rustdesk")),
            vec!["rustdesk"],
        ),
        (
            software(SoftwareTable::Apps, "TV.app", Some("com.teamviewer.TeamViewer")),
            vec!["teamviewer"],
        ),
        (software(SoftwareTable::Apps, "Safari.app", Some("com.apple.Safari")), vec![]),
        (
            usb("1d6b", "0104", "PiKVM", "PiKVM Composite Device", "CAFEBABE"),
            vec!["linux-usb-gadget", "pikvm", "glinet-comet"],
        ),
        (
            usb("1d6b", "0104", "tinypilot", "Multifunction USB Device", "6b65796d696d6570690"),
            vec!["linux-usb-gadget", "tinypilot"],
        ),
        (
            usb("1d6b", "0104", "JetKVM", "JetKVM USB Emulation Device", ""),
            vec!["linux-usb-gadget", "jetkvm"],
        ),
        (
            usb("1d6b", "0106", "Glinet", "Glinet Composite Device", "CAFEBABE"),
            vec!["pikvm", "glinet-comet"],
        ),
        (usb("046d", "c077", "Logitech", "USB Optical Mouse", "CAFEBABE"), vec![]),
        (usb("1234", "5678", "Generic", "Mouse Jiggler MJ-3", ""), vec!["usb-jiggler-name"]),
        (arp("94:83:c4:00:11:22"), vec!["glinet-mac"]),
        (arp("dc:a6:32:01:02:03"), vec!["raspberry-pi-mac"]),
        (arp("00:11:22:33:44:55"), vec![]),
        (Observation::Other { query: "x".into() }, vec![]),
    ];
    for (observed, expected) in rows {
        let found = sigs.match_observation(&observation(observed.clone()));
        let ids: Vec<&str> = found.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, expected, "{observed:?}");
        assert!(found.iter().all(|m| !m.facts.is_empty() && !m.source.is_empty()));
    }
}

#[test]
fn a_matched_usb_device_names_every_fact() {
    let sigs = Signatures::built_in().unwrap();
    let found = sigs.match_observation(&observation(usb(
        "1d6b",
        "0104",
        "PiKVM",
        "PiKVM Composite Device",
        "CAFEBABE",
    )));
    let pikvm = found.iter().find(|m| m.id == "pikvm").unwrap();
    assert_eq!(pikvm.category, Category::IpKvm);
    assert_eq!(pikvm.strength, Strength::Strong);
    let facts: Vec<(&str, &str, &str)> = pikvm
        .facts
        .iter()
        .map(|f| (f.field.as_str(), f.value.as_str(), f.pattern.as_str()))
        .collect();
    assert_eq!(
        facts,
        [
            ("usb_devices.vendor", "PiKVM", "pikvm"),
            ("usb_devices.model", "PiKVM Composite Device", "pikvm"),
            ("usb_devices.serial", "CAFEBABE", "cafebabe"),
        ]
    );
    let gadget = found.iter().find(|m| m.id == "linux-usb-gadget").unwrap();
    assert_eq!(gadget.strength, Strength::Weak);
    assert_eq!(gadget.facts[0].value, "1d6b:0104");
}

#[test]
fn the_osquery_fixture_matches_and_host_names_do_too() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/telemetry/osquery_results.log");
    let parsed = parse_any(&std::fs::read(path).unwrap(), Some(Format::Osquery), now());
    let sigs = Signatures::built_in().unwrap();
    let per_event: Vec<Vec<String>> = parsed
        .events
        .iter()
        .map(|e| sigs.match_event(e).into_iter().map(|m| m.id).collect())
        .collect();
    let expected: Vec<Vec<&str>> = vec![
        vec!["anydesk"],
        vec!["anydesk"],
        vec!["linux-usb-gadget", "pikvm", "glinet-comet"],
        vec!["glinet-mac"],
        vec!["raspberry-pi-mac"],
        vec!["rustdesk"],
        vec![],
        vec!["rustdesk"],
    ];
    assert_eq!(per_event, expected);

    // A device reporting under an IP-KVM's default host name.
    let mut event: Event = parsed.events[6].clone();
    event.device.hostname = Some("PiKVM.local".into());
    let found = sigs.match_event(&event);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "pikvm");
    assert_eq!(found[0].facts[0].field, "hostname");
}

#[test]
fn bad_signature_files_are_refused_with_file_and_entry() {
    let no_source = r#"
[[signature]]
id = "x"
name = "X"
category = "remote_access"
strength = "strong"
process_names = ["x.exe"]
source = " "
"#;
    let bad_usb = r#"
[[signature]]
id = "y"
name = "Y"
category = "ip_kvm"
strength = "weak"
usb = [{ vendor_id = "1d6", product_id = "0104" }]
source = "somewhere"
"#;
    let nothing = r#"
[[signature]]
id = "z"
name = "Z"
category = "mouse_jiggler"
strength = "weak"
source = "somewhere"
"#;
    let unknown_field = r#"
[[signature]]
id = "w"
name = "W"
category = "ip_kvm"
strength = "weak"
hostname = ["typo"]
source = "somewhere"
"#;
    assert!(matches!(
        Signatures::from_toml([("mine.toml", no_source)]),
        Err(SignatureError::Invalid { file, id, .. }) if file == "mine.toml" && id == "x"
    ));
    assert!(matches!(
        Signatures::from_toml([("mine.toml", bad_usb)]),
        Err(SignatureError::Invalid { id, reason, .. }) if id == "y" && reason.contains("1d6:0104")
    ));
    assert!(matches!(
        Signatures::from_toml([("mine.toml", nothing)]),
        Err(SignatureError::Invalid { id, .. }) if id == "z"
    ));
    assert!(matches!(
        Signatures::from_toml([("mine.toml", unknown_field)]),
        Err(SignatureError::Toml { file, detail }) if file == "mine.toml" && detail.contains("hostname")
    ));
    let dup =
        format!("{}\n{}", no_source.replace("\" \"", "\"s\""), no_source.replace("\" \"", "\"s\""));
    assert!(matches!(
        Signatures::from_toml([("a.toml", dup.as_str())]),
        Err(SignatureError::Invalid { reason, .. }) if reason.contains("twice")
    ));
}
