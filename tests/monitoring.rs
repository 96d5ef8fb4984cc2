//! After the hire, as a user meets it: a scripted cohort of hired workers, their sign-in and
//! device exports in each format (tests/fixtures/telemetry/cohort), imported with the real
//! `vetdesk` binary; the exact post-hire flags and links each monitoring case gets, clean
//! workers staying clean; idempotent re-imports, termination, refresh, verify; and bad files
//! refused whole with what and where.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;
use vetdesk_core::Store;
use vetdesk_core::change::Change;
use vetdesk_core::model::{CandidateFields, CaseKind, CaseStatus, Decision, Priority};
use vetdesk_core::store::{Clock, DataDir, NewCase, OpenMode};
use vetdesk_testkit::cli::Cli;
use vetdesk_testkit::*;

fn fixture(name: &str) -> String {
    let path: PathBuf =
        [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", "telemetry", "cohort", name]
            .iter()
            .collect();
    path.display().to_string()
}

struct Worker {
    name: &'static str,
    account: &'static str,
    device: Option<&'static str>,
    cleared: bool,
}

const COHORT: &[Worker] = &[
    Worker {
        name: "Ana Reyes",
        account: "ana.reyes@corp.example",
        device: Some("C02ANA01=ana-mbp"),
        cleared: true,
    },
    Worker { name: "Ben Cho", account: "ben.cho@corp.example", device: None, cleared: true },
    Worker { name: "Cara Diaz", account: "cara.diaz@corp.example", device: None, cleared: true },
    Worker { name: "Dev Patel", account: "dev.patel@corp.example", device: None, cleared: true },
    Worker { name: "Eve Moss", account: "eve.moss@corp.example", device: None, cleared: true },
    Worker { name: "Fay Lind", account: "fay.lind@corp.example", device: None, cleared: true },
    Worker { name: "Gus Berg", account: "gus.berg@corp.example", device: None, cleared: true },
    Worker {
        name: "Hal Ito",
        account: "hal.ito@corp.example",
        device: Some("H4L00001=hal-laptop"),
        cleared: true,
    },
    Worker {
        name: "Ivy Nakamura",
        account: "ivy.nakamura@corp.example",
        device: Some("IVY00001=ivy-laptop"),
        cleared: false,
    },
];

/// The team, one vetting case per worker (cleared by compliance over the gate, but Ivy's,
/// left open), and an indicator list with one VPN range; in the data directory of `cli`.
/// Returns the vetting case of each worker by first name.
fn cohort(cli: &Cli) -> BTreeMap<&'static str, i64> {
    let at = "2026-12-01T12:00:00.000Z".parse().unwrap();
    let store =
        Store::open(DataDir::new(cli.data()), OpenMode::CreateIfMissing, Clock::fixed(at)).unwrap();
    add_team(&store);
    let mut cases = BTreeMap::new();
    for (i, w) in COHORT.iter().enumerate() {
        let fields = CandidateFields {
            external_id: Some(format!("W-{i}")),
            legal_name: w.name.into(),
            emails: vec![w.account.replace("corp.example", "mail.example")],
            claimed_location: Some("Austin, TX".into()),
            time_zone: Some("America/Chicago".into()),
            ..CandidateFields::default()
        };
        let case = add_candidate_and_case(
            &store,
            fields,
            NewCase {
                kind: CaseKind::PreHire,
                assignee: None,
                priority: Priority::Normal,
                due_on: None,
            },
        );
        if w.cleared {
            for status in [CaseStatus::InReview, CaseStatus::Decided] {
                store
                    .apply(
                        COMPLIANCE,
                        Change::SetStatus {
                            case_id: case,
                            status,
                            decision: (status == CaseStatus::Decided).then_some(Decision::Cleared),
                            reason: "vetted".into(),
                            grounds: vec![],
                            override_reason: (status == CaseStatus::Decided)
                                .then(|| "checked outside the tool for the test".into()),
                        },
                    )
                    .unwrap();
            }
        }
        cases.insert(w.name.split(' ').next().unwrap(), case);
    }
    store
        .import_ip_list(
            ADMIN,
            "vpn-test",
            "vpn.csv",
            b"cidr,category,label\n203.0.113.0/24,vpn,ExampleVPN\n",
        )
        .unwrap();
    cases
}

/// Hires every worker through the CLI (Jo as existing staff); the monitoring case by name.
fn hire_all(cli: &Cli, vetting: &BTreeMap<&'static str, i64>) -> BTreeMap<&'static str, i64> {
    let mut monitoring = BTreeMap::new();
    for w in COHORT {
        let first = w.name.split(' ').next().unwrap();
        let case = vetting[first].to_string();
        let mut args = vec!["hire", case.as_str(), "--start", "2026-11-01", "--account", w.account];
        if let Some(d) = w.device {
            args.extend(["--device", d]);
        }
        let hired = cli.json(Some(REVIEWER), &args);
        monitoring.insert(first, hired["case_id"].as_i64().unwrap());
    }
    let jo = cli.json(
        Some(REVIEWER),
        &[
            "hire",
            "--existing",
            "--name",
            "Jo Park",
            "--location",
            "Portland, OR",
            "--time-zone",
            "America/Los_Angeles",
            "--start",
            "2025-03-01",
            "--account",
            "Jo.Park@corp.example",
        ],
    );
    monitoring.insert("Jo", jo["case_id"].as_i64().unwrap());
    // Each worker's first-day identity match was held (its due date is the start date; the
    // dated checks are tested in tests/monitoring_due.rs); Jo, long employed, was re-verified.
    for (name, case) in &monitoring {
        let case = case.to_string();
        let mut items = vec!["day-one-identity-match"];
        if *name == "Jo" {
            items.push("periodic-reverification");
        }
        for item in items {
            cli.ok(
                Some(REVIEWER),
                &["check", "set", &case, item, "pass", "--note", "camera-on call held"],
            );
        }
    }
    monitoring
}

/// The open flags of a case as (rule, subject), with the candidates each links to.
fn open_flags(cli: &Cli, case: i64) -> BTreeMap<(String, String), Vec<i64>> {
    let flags = cli.json(Some(INVESTIGATOR), &["flags", &case.to_string()]);
    flags["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let key = (
                f["rule"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
            );
            let linked =
                f["candidates"].as_array().unwrap().iter().map(|c| c.as_i64().unwrap()).collect();
            (key, linked)
        })
        .collect()
}

fn keys(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    list.iter().map(|(r, s)| (r.to_string(), s.to_string())).collect()
}

fn import(cli: &Cli, file: &str) -> Value {
    cli.json(Some(INVESTIGATOR), &["telemetry", "import", &fixture(file)])
}

#[test]
fn a_scripted_cohort_gets_exactly_its_post_hire_flags_and_links() {
    let cli = Cli::new();
    let vetting = cohort(&cli);
    let cases = hire_all(&cli, &vetting);

    // Hiring Ivy before her vetting was done is recorded and flagged; nobody else is.
    for (name, case) in &cases {
        let expected =
            if *name == "Ivy" { keys(&[("hire.before_vetting", "")]) } else { keys(&[]) };
        let got: BTreeSet<_> = open_flags(&cli, *case).into_keys().collect();
        assert_eq!(got, expected, "{name} right after the hire");
    }

    // Every format, sniffed.
    let mut counts = BTreeMap::new();
    for (file, format) in [
        ("okta.json", "okta"),
        ("entra.json", "entra"),
        ("workspace.json", "workspace"),
        ("events.csv", "csv"),
        ("osquery.log", "osquery"),
    ] {
        let out = import(&cli, file);
        assert_eq!(out["format"], format, "{file}");
        assert_eq!(out["events"], out["added"], "{file}: every event is new");
        counts.insert(file, (out["matched"].as_u64().unwrap(), out["unmatched"].as_u64().unwrap()));
    }
    assert_eq!(
        counts,
        BTreeMap::from([
            ("okta.json", (17, 1)),
            ("entra.json", (3, 0)),
            ("workspace.json", (1, 0)),
            ("events.csv", (4, 0)),
            ("osquery.log", (4, 1)),
        ])
    );

    let case_of = |name: &str| cases[name];
    let candidate_of = |name: &str| -> i64 {
        let case = cli.json(Some(INVESTIGATOR), &["case", "show", &case_of(name).to_string()]);
        case["case"]["candidate_id"].as_i64().unwrap()
    };
    let dev_subject = format!("case {}", case_of("Dev"));
    let eve_subject = format!("case {}", case_of("Eve"));
    let expected: BTreeMap<&str, BTreeSet<(String, String)>> = BTreeMap::from([
        // Travelling within the country, in working hours, on the registered laptop.
        ("Ana", keys(&[])),
        (
            "Ben",
            keys(&[
                ("posthire.many_countries", ""),
                ("posthire.sign_in_abroad", "CN"),
                ("posthire.sign_in_abroad", "RU"),
            ]),
        ),
        ("Cara", keys(&[("posthire.impossible_travel", ""), ("posthire.sign_in_abroad", "GB")])),
        ("Dev", keys(&[("posthire.shared_egress", eve_subject.as_str())])),
        ("Eve", keys(&[("posthire.shared_egress", dev_subject.as_str())])),
        ("Fay", keys(&[("posthire.anonymising_ip", "203.0.113.50")])),
        (
            "Gus",
            keys(&[("posthire.anonymising_ip", "192.0.2.99"), ("posthire.night_activity", "")]),
        ),
        (
            "Hal",
            // PiKVM and GL.iNet's KVMs share the gadget serial CAFEBABE: both are named.
            keys(&[
                ("posthire.ip_kvm", "glinet-comet"),
                ("posthire.ip_kvm", "linux-usb-gadget"),
                ("posthire.ip_kvm", "pikvm"),
                ("posthire.mouse_jiggler", "usb-jiggler-name"),
                ("posthire.remote_access_tool", "anydesk"),
            ]),
        ),
        (
            "Ivy",
            keys(&[
                ("hire.before_vetting", ""),
                ("posthire.device_silent", "serial IVY00001 (host ivy-laptop)"),
                ("posthire.unregistered_device", "host farm-box-3"),
            ]),
        ),
        // Existing staff, signing in from home in the daytime.
        ("Jo", keys(&[])),
    ]);
    let mut got = BTreeMap::new();
    for name in expected.keys() {
        got.insert(*name, open_flags(&cli, case_of(name)));
    }
    for (name, want) in &expected {
        let have: BTreeSet<_> = got[name].keys().cloned().collect();
        assert_eq!(&have, want, "flags of {name}");
    }
    // Shared egress is a link between the two workers, both ways.
    assert_eq!(
        got["Dev"][&("posthire.shared_egress".into(), eve_subject.clone())],
        vec![candidate_of("Eve")]
    );
    assert_eq!(
        got["Eve"][&("posthire.shared_egress".into(), dev_subject.clone())],
        vec![candidate_of("Dev")]
    );
    // A weak signature match (the generic Linux gadget id) is a reason to look, not a
    // conclusion; the PiKVM's own strings are.
    let hal = cli.json(Some(INVESTIGATOR), &["flags", &case_of("Hal").to_string()]);
    let severity = |subject: &str| {
        hal["open"].as_array().unwrap().iter().find(|f| f["subject"] == subject).unwrap()["severity"]
            .clone()
    };
    assert_eq!(severity("linux-usb-gadget"), "medium");
    assert_eq!(severity("pikvm"), "high");

    // Unmatched events are counted and listed, not dropped.
    let unmatched = cli.json(Some(INVESTIGATOR), &["telemetry", "unmatched"]);
    assert_eq!(unmatched["total"], 2);
    let who: BTreeSet<String> = unmatched["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["account"].as_str().or(e["device"].as_str()).unwrap().to_string())
        .collect();
    assert_eq!(who, BTreeSet::from(["stranger@corp.example".to_string(), "BA000009".to_string()]));

    // The same file again adds nothing: no event, no import record, no flag change.
    let imports_before = cli.json(Some(INVESTIGATOR), &["telemetry", "imports"]);
    let again = import(&cli, "okta.json");
    assert_eq!((again["added"].as_u64(), again["raised"].as_array().unwrap().len()), (Some(0), 0));
    assert_eq!(cli.json(Some(INVESTIGATOR), &["telemetry", "imports"]), imports_before);

    // Each imported file is kept as evidence under its SHA-256.
    for import in imports_before.as_array().unwrap() {
        let sha = import["file_sha256"].as_str().unwrap();
        let stored = cli.data().join("evidence").join(&sha[..2]).join(sha);
        let bytes = std::fs::read(&stored).unwrap();
        let name = import["file_name"].as_str().unwrap();
        assert_eq!(bytes, std::fs::read(fixture(name)).unwrap(), "{name}");
    }

    // A refresh finds nothing to change; verify replays hires, imports and flags.
    let refreshed = cli.json(Some(INVESTIGATOR), &["flags", "--refresh"]);
    assert_eq!(refreshed.as_array().map(Vec::len), Some(0), "{refreshed}");
    let verified = cli.json(Some(INVESTIGATOR), &["verify"]);
    assert_eq!(verified["ok"], true, "{verified}");

    // Ben left before his sign-ins abroad: terminating him clears them, in his case's chain.
    cli.ok(Some(REVIEWER), &["hire", &vetting["Ben"].to_string(), "--terminated", "2026-11-10"]);
    assert!(open_flags(&cli, case_of("Ben")).is_empty());
    let chain = cli.json(Some(INVESTIGATOR), &["audit", "show", &case_of("Ben").to_string()]);
    let kinds: Vec<&str> =
        chain.as_array().unwrap().iter().map(|r| r["change"]["type"].as_str().unwrap()).collect();
    let ended = kinds.iter().position(|k| *k == "set_termination").unwrap();
    assert_eq!(kinds[ended..].iter().filter(|k| **k == "flag_cleared").count(), 3, "{kinds:?}");
    assert!(kinds.contains(&"hire") && kinds.contains(&"set_termination"), "{kinds:?}");
    assert_eq!(cli.json(Some(INVESTIGATOR), &["verify"])["ok"], true);

    // Events are not replayed from the log, but counted per import: one deleted behind the
    // store's back is named by verify.
    let db = rusqlite::Connection::open(cli.db()).unwrap();
    db.execute("DELETE FROM telemetry_events WHERE account = 'gus.berg@corp.example' AND time LIKE '2026-11-25%'", [])
        .unwrap();
    drop(db);
    let out = cli.run(Some(INVESTIGATOR), &["verify"], None);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("telemetry import 1 (okta.json)")
            && text.contains("recorded 18 new events but 17"),
        "{text}"
    );
}

/// Nothing of a refused file is kept: no import, no event, no evidence file.
fn nothing_stored(cli: &Cli) {
    assert_eq!(cli.json(Some(INVESTIGATOR), &["telemetry", "imports"]), serde_json::json!([]));
    assert_eq!(cli.json(Some(INVESTIGATOR), &["telemetry", "unmatched"])["total"], 0);
    let evidence = cli.data().join("evidence");
    let files = std::fs::read_dir(&evidence)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().is_dir())
                .flat_map(|e| std::fs::read_dir(e.path()).unwrap())
                .count()
        })
        .unwrap_or(0);
    assert_eq!(files, 0, "evidence files were left behind");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn bad_telemetry_files_are_refused_whole_with_what_and_where() {
    let cli = Cli::new();
    let vetting = cohort(&cli);
    hire_all(&cli, &vetting);
    let dir = tempfile::tempdir().unwrap();
    let okta = std::fs::read_to_string(fixture("okta.json")).unwrap();

    // Truncated JSON, after several good elements.
    let cut = &okta[..okta.len() / 2];
    let f = write(dir.path(), "cut.json", cut.as_bytes());
    let err = cli.fails(Some(INVESTIGATOR), &["telemetry", "import", &f], 2);
    assert!(err.contains("cut.json") && err.contains("truncated"), "{err}");
    nothing_stored(&cli);

    // A format that contradicts the content.
    let err = cli.fails(
        Some(INVESTIGATOR),
        &["telemetry", "import", &fixture("okta.json"), "--format", "entra"],
        2,
    );
    assert!(err.contains("okta export, not entra"), "{err}");
    nothing_stored(&cli);

    // A record without its id, and one dated in the future: each named by its element.
    let mut events: Vec<Value> = serde_json::from_str(&okta).unwrap();
    events[1].as_object_mut().unwrap().remove("uuid");
    events[3]["published"] = "2031-01-01T00:00:00.000Z".into();
    let f = write(dir.path(), "bad.json", serde_json::to_string(&events).unwrap().as_bytes());
    let err = cli.fails(Some(INVESTIGATOR), &["telemetry", "import", &f], 2);
    assert!(err.contains("element 1") && err.contains("uuid"), "{err}");
    assert!(err.contains("element 3") && err.contains("in the future"), "{err}");
    nothing_stored(&cli);

    // An oversized line (3 MiB here; the reader skips any record over 1 MiB the same way,
    // so a 2 GB line is refused without being held in memory).
    let csv = format!(
        "time,account,ip,country,event,device,detail\n2026-11-18T15:30:00Z,eve.moss@corp.example,198.51.100.77,US,sign_in,,{}\n",
        "x".repeat(3 * 1024 * 1024)
    );
    let f = write(dir.path(), "long.csv", csv.as_bytes());
    let err = cli.fails(Some(INVESTIGATOR), &["telemetry", "import", &f], 2);
    assert!(err.contains("line 2") && err.contains("longer than"), "{err}");
    nothing_stored(&cli);

    // An unknown format name, a file that is not telemetry, a reviewer importing.
    let err = cli.fails(
        Some(INVESTIGATOR),
        &["telemetry", "import", &fixture("okta.json"), "--format", "splunk"],
        2,
    );
    assert!(err.contains("splunk"), "{err}");
    let f = write(dir.path(), "notes.txt", b"just some notes\n");
    let err = cli.fails(Some(INVESTIGATOR), &["telemetry", "import", &f], 2);
    assert!(err.contains("could not be recognised"), "{err}");
    let err = cli.fails(Some(REVIEWER), &["telemetry", "import", &fixture("okta.json")], 2);
    assert!(err.contains("import telemetry"), "{err}");
    nothing_stored(&cli);

    // Hires refused with what and where, nothing recorded.
    let ana = vetting["Ana"].to_string();
    let err = cli.fails(Some(REVIEWER), &["hire", &ana, "--start", "2026-11-01"], 2);
    assert!(err.contains("already has an active monitoring case"), "{err}");
    let existing =
        ["hire", "--existing", "--name", "Kim Lee", "--start", "2026-11-01", "--account"];
    let err = cli.fails(Some(REVIEWER), &[&existing[..], &["ana"]].concat(), 2);
    assert!(err.contains("\"ana\" is not user@domain"), "{err}");
    let err = cli.fails(Some(REVIEWER), &[&existing[..], &["ANA.REYES@corp.example"]].concat(), 2);
    assert!(err.contains("already registered to employee 1"), "{err}");
    let err = cli.fails(
        Some(REVIEWER),
        &["hire", "--existing", "--name", "Kim Lee", "--start", "2026-13-01"],
        2,
    );
    assert!(err.contains("--start"), "{err}");
    // The refused hires left no candidate behind.
    let people = cli.json(Some(REVIEWER), &["candidate", "list"]);
    assert!(!people.to_string().contains("Kim Lee"), "{people}");
    let employees = cli.json(Some(REVIEWER), &["employees"]);
    assert_eq!(employees.as_array().unwrap().len(), COHORT.len() + 1);
    assert_eq!(cli.json(Some(INVESTIGATOR), &["verify"])["ok"], true);
}

/// The Monitoring page's read and its one write, through the library as the app calls them.
#[test]
fn the_monitoring_board_traces_each_alert_to_its_events_and_opens_an_investigation() {
    let cli = Cli::new();
    let vetting = cohort(&cli);
    let cases = hire_all(&cli, &vetting);
    for file in ["okta.json", "entra.json", "workspace.json", "events.csv", "osquery.log"] {
        import(&cli, file);
    }
    let store =
        Store::open(DataDir::new(cli.data()), OpenMode::MustExist, Clock::system()).unwrap();
    let board = store.monitoring_board().unwrap();

    // Workers with open flags only (Ana and Jo are clean), most severe first, then newest.
    let names: Vec<&str> = board.iter().map(|e| e.name.as_str()).collect();
    assert!(!names.contains(&"Ana Reyes") && !names.contains(&"Jo Park"), "{names:?}");
    assert_eq!(names.len(), 8, "{names:?}");
    for pair in board.windows(2) {
        assert!(
            (pair[0].severity, pair[0].latest) >= (pair[1].severity, pair[1].latest),
            "{} before {}",
            pair[0].name,
            pair[1].name
        );
    }
    let worker = |name: &str| board.iter().find(|e| e.name.starts_with(name)).unwrap();
    let alert = |name: &str, rule: &str, subject: &str| {
        worker(name)
            .alerts
            .iter()
            .find(|a| a.flag.fields.rule == rule && a.flag.fields.subject == subject)
            .unwrap_or_else(|| panic!("{name}: no {rule} {subject}"))
            .clone()
    };
    let imports = store.telemetry_imports().unwrap();
    let sha_of =
        |name: &str| imports.iter().find(|i| i.file_name == name).unwrap().file_sha256.clone();

    // Each sign-in abroad is an event from that country, with the file it came from.
    let cn = alert("Ben", "posthire.sign_in_abroad", "CN");
    assert!(!cn.events.is_empty());
    assert_eq!(cn.event_count as usize, cn.events.len());
    for e in &cn.events {
        assert_eq!(e.country.as_deref(), Some("CN"), "{e:?}");
        assert_eq!(
            e.account.as_deref().map(str::to_lowercase).as_deref(),
            Some("ben.cho@corp.example")
        );
        assert_eq!(e.file_sha256, sha_of(&e.file_name), "{e:?}");
    }
    // Impossible travel names the two sign-ins, oldest first.
    let travel = alert("Cara", "posthire.impossible_travel", "");
    assert!(travel.events.len() >= 2, "{travel:?}");
    assert!(travel.events.windows(2).all(|w| w[0].time <= w[1].time));
    // An anonymising address: every event behind it is from that address.
    let vpn = alert("Fay", "posthire.anonymising_ip", "203.0.113.50");
    assert!(!vpn.events.is_empty());
    assert!(vpn.events.iter().all(|e| e.ip.as_deref() == Some("203.0.113.50")));
    // Device signatures trace to the osquery lines on the worker's laptop.
    let anydesk = alert("Hal", "posthire.remote_access_tool", "anydesk");
    assert!(!anydesk.events.is_empty());
    assert!(
        anydesk
            .events
            .iter()
            .all(|e| e.format.as_str() == "osquery" && e.file_name == "osquery.log")
    );
    // The vetting flag has no event behind it.
    assert!(alert("Ivy", "hire.before_vetting", "").events.is_empty());

    // One call opens the investigation, with the file and the events, in the chains.
    let opened = store.investigate_alert(INVESTIGATOR, cases["Fay"], vpn.flag.id).unwrap();
    let case = store.read(|r| r.case(opened.case_id)).unwrap();
    assert_eq!(case.kind, CaseKind::Investigation);
    assert_eq!(case.candidate_id, store.read(|r| r.case(cases["Fay"])).unwrap().candidate_id);
    assert_eq!(opened.events as usize, vpn.events.len());
    let evidence = store.read(|r| r.evidence_of_case(opened.case_id)).unwrap();
    let files: BTreeSet<&str> = vpn.events.iter().map(|e| e.file_name.as_str()).collect();
    assert_eq!(evidence.len(), files.len());
    for ev in &evidence {
        assert!(files.contains(ev.original_name.as_str()), "{ev:?}");
        assert_eq!(ev.sha256, sha_of(&ev.original_name));
    }
    let detail = cli.json(Some(INVESTIGATOR), &["case", "show", &opened.case_id.to_string()]);
    let notes = detail["notes"].to_string();
    for e in &vpn.events {
        assert!(notes.contains(&e.event_id), "{notes}");
    }
    assert!(notes.contains("203.0.113.50") && notes.contains("posthire.anonymising_ip"), "{notes}");
    let monitoring = cli.json(Some(INVESTIGATOR), &["case", "show", &cases["Fay"].to_string()]);
    assert!(
        monitoring["notes"].to_string().contains(&format!("Investigation case {}", opened.case_id)),
        "{monitoring}"
    );
    assert_eq!(cli.json(Some(INVESTIGATOR), &["verify"])["ok"], true);

    // Refused whole: a flag of another case, a case that is not a monitoring case.
    let before = dump(&cli.db());
    let e = store.investigate_alert(INVESTIGATOR, cases["Ben"], vpn.flag.id).unwrap_err();
    assert!(e.to_string().contains("is not an open flag of monitoring case"), "{e}");
    let e = store.investigate_alert(INVESTIGATOR, vetting["Fay"], vpn.flag.id).unwrap_err();
    assert!(e.to_string().contains("is not a monitoring case"), "{e}");
    assert_eq!(dump(&cli.db()), before);
}
