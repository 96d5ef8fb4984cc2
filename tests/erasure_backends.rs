//! Erasure under the retention rules on both backends, checked logically (the raw-bytes test
//! of a SQLite data directory is in `retention.rs`; a PostgreSQL server's files are outside the
//! data directory, see the README): `verify` passes and names the erasure, search finds nothing
//! of the person, the candidate and their records read as erased, their evidence is gone, and
//! someone else's case is untouched.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;
use vetdesk_core::change::{Change, Ground};
use vetdesk_core::employees::{DeviceFields, HireFields};
use vetdesk_core::model::{CandidateFields, CaseStatus, Chain, Decision, Priority, RetentionRule};
use vetdesk_core::store::HireOf;
use vetdesk_core::store::Store;
use vetdesk_testkit::*;

fn reject(store: &Store, case_id: i64) {
    let grounds: Vec<Ground> = grounds_for(store, case_id);
    store
        .apply(
            COMPLIANCE,
            Change::SetStatus {
                case_id,
                status: CaseStatus::Decided,
                decision: Some(Decision::Rejected),
                reason: "identity not confirmed".into(),
                grounds,
                override_reason: None,
            },
        )
        .unwrap();
}

/// Every row of every table of the store's database as text, on either backend (the rows as
/// the database returns them: what a member with `psql` would read).
fn table_text(dir: &std::path::Path) -> String {
    match backend() {
        TestBackend::Sqlite => dump(&dir.join("vetdesk.db")),
        TestBackend::Postgres => {
            let url = team_database_url(dir).unwrap();
            let database = url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
            let mut client = vetdesk_testkit::pg::shared().superuser(&database);
            let tables: Vec<String> = client
                .query(
                    "SELECT table_name::text FROM information_schema.tables
                     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
                    &[],
                )
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            assert!(tables.iter().any(|t| t == "candidates"), "{tables:?}");
            let mut out = String::new();
            for table in tables {
                // Evidence bytes as the bytes they are (text shows a bytea as hex).
                let query = if table == "evidence_chunk" {
                    "SELECT sha256 || ' ' || encode(bytes, 'escape') FROM evidence_chunk"
                        .to_string()
                } else {
                    format!("SELECT t::text FROM {table} t")
                };
                for row in client.query(&query, &[]).unwrap() {
                    let text: String = row.get::<_, String>(0).replace('\n', " ");
                    out.push_str(&format!("{table}: {text}\n"));
                }
            }
            out
        }
    }
}

/// Whether the store holds the content `sha` (a file in solo mode, chunks in team mode).
fn stored(store: &Store, sha: &vetdesk_core::evidence::Sha256Hex) -> bool {
    store.files().open(sha).is_ok()
}

/// The content `sha` as the store reads it back, as text.
fn stored_text(store: &Store, sha: &vetdesk_core::evidence::Sha256Hex) -> String {
    use std::io::Read;
    let mut out = String::new();
    store.files().open(sha).unwrap().read_to_string(&mut out).unwrap();
    out
}

fn hire(store: &Store, name: &str, account: &str, serial: Option<&str>) -> (i64, i64) {
    let hired = store
        .hire(
            REVIEWER,
            HireOf::Existing {
                person: Box::new(CandidateFields {
                    legal_name: name.into(),
                    claimed_location: Some("Austin, TX".into()),
                    ..CandidateFields::default()
                }),
            },
            HireFields {
                start_on: "2026-11-02".parse().unwrap(),
                accounts: vec![account.into()],
                devices: serial
                    .map(|s| DeviceFields { serial: Some(s.into()), hostname: None })
                    .into_iter()
                    .collect(),
            },
        )
        .unwrap();
    (hired.case_id, store.case_detail(hired.case_id).unwrap().case.candidate_id)
}

fn okta(uuid: &str, at: &str, account: &str, name: &str, ip: &str) -> String {
    format!(
        r#"{{"uuid":"{uuid}","published":"{at}","eventType":"user.session.start","actor":{{"alternateId":"{account}","displayName":"{name}"}},"client":{{"ipAddress":"{ip}"}}}}"#
    )
}

fn person(name: &str, ats: &str, email: &str, phone: &str, street: &str) -> CandidateFields {
    CandidateFields {
        emails: vec![email.into()],
        phones: vec![phone.into()],
        home_address: Some(format!("{street}, Portland, OR 97201")),
        ..candidate_fields(name, ats)
    }
}

on_both_backends! {
    #[test]
    fn an_erased_person_is_gone_from_reads_and_search_and_verify_names_the_erasure() {
        let (dir, store) = team_store();
        let case = add_candidate_with_case(
            &store,
            person("Philippa Vandersloot", "ATS-P1", "philippa.v@example.org", "+1 503 555 0177", "88 Quillfeather Lane"),
            Priority::Normal,
            None,
        );
        let other = add_candidate_with_case(
            &store,
            person("Tobias Okafor", "ATS-T2", "tobias.o@example.net", "+1 503 555 0188", "12 Birch Row"),
            Priority::Normal,
            None,
        );
        let candidate = store.case_detail(case).unwrap().case.candidate_id;
        store
            .apply(
                REVIEWER,
                Change::AddNote {
                    id: None,
                    case_id: case,
                    text: "Vandersloot asked to move the interview".into(),
                },
            )
            .unwrap();
        let uploads = tempfile::tempdir().unwrap();
        let letter = uploads.path().join("letter.txt");
        std::fs::write(&letter, "Reference for Philippa Vandersloot, unique-8d21\n").unwrap();
        store
            .attach_file(REVIEWER, case, &letter, None, Some("Vandersloot reference".into()), &mut |_, _| {})
            .unwrap();
        let evidence = store.evidence_of_case(case).unwrap();
        assert_eq!(evidence.len(), 1);
        assert!(!store.search("Vandersloot", 10).unwrap().is_empty(), "found before erasure");
        reject(&store, case);

        store.clock().advance(Duration::days(365));
        assert!(store.retention_apply(COMPLIANCE).unwrap().is_empty(), "not due after a year");
        store.clock().advance(Duration::days(366));
        let erased = store.retention_apply(COMPLIANCE).unwrap();
        assert_eq!(erased.len(), 1, "{erased:?}");
        assert_eq!((erased[0].candidate_id, erased[0].rule), (candidate, RetentionRule::NotHired));

        // verify passes and names the erasure.
        let report = store.verify().unwrap();
        assert!(report.ok, "{:?}", report.problems);
        assert_eq!(report.erased.len(), 1, "{:?}", report.erased);
        assert_eq!(report.erased[0].candidate_id, candidate);
        // Search finds nothing of theirs, by name, email, phone or note.
        for query in ["Vandersloot", "Philippa", "philippa.v@example.org", "+15035550177", "interview"] {
            let hits = store.search(query, 10).unwrap();
            assert!(hits.is_empty(), "{query:?} still finds {hits:?}");
        }
        // The candidate reads as erased; the skeleton of the case stays.
        let detail = store.case_detail(case).unwrap();
        assert_eq!(detail.candidate.fields.legal_name, "[erased]");
        assert!(detail.candidate.fields.emails.is_empty() && detail.candidate.fields.phones.is_empty());
        assert_eq!(detail.candidate.fields.home_address, None);
        assert_eq!(detail.case.decision, Some(Decision::Rejected));
        assert!(detail.notes.iter().all(|n| !n.text.contains("Vandersloot")), "{:?}", detail.notes);
        // The evidence file is gone from the file store.
        let sha = evidence[0].sha256.parse().unwrap();
        assert!(!store.files().path_of(&sha).exists());
        assert!(store.files().open(&sha).is_err(), "no stored bytes in either mode");
        if backend() == TestBackend::Postgres {
            let url = team_database_url(dir.path()).unwrap();
            let database = url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
            let chunks: i64 = vetdesk_testkit::pg::shared()
                .superuser(&database)
                .query_one("SELECT count(*) FROM evidence_chunk", &[])
                .unwrap()
                .get(0);
            assert_eq!(chunks, 0, "the chunks are erased with the person");
        }
        // Their audit records read with placeholders, not the values.
        let chain = serde_json::to_string(&store.audit(Chain::Case(case)).unwrap()).unwrap();
        assert!(!chain.contains("Vandersloot") && !chain.contains("philippa.v"), "{chain}");
        let global = serde_json::to_string(&store.audit(Chain::Global).unwrap()).unwrap();
        assert!(!global.contains("Vandersloot") && !global.contains("philippa.v"));
        // Nothing more is recorded about them.
        let err = store
            .apply(REVIEWER, Change::AddNote { id: None, case_id: case, text: "again".into() })
            .unwrap_err();
        assert!(err.to_string().contains("is erased"), "{err}");

        // The other person is untouched and still found (the checks above can fail).
        assert_eq!(store.case_detail(other).unwrap().candidate.fields.legal_name, "Tobias Okafor");
        assert!(!store.search("Okafor", 10).unwrap().is_empty());
        assert!(global.contains("Tobias Okafor"));

        // Every row of every table, as the database hands it out: none of their values.
        let rows = table_text(dir.path());
        for value in ["Vandersloot", "philippa.v@example.org", "+15035550177", "Quillfeather"] {
            assert!(!rows.contains(value), "{value:?} is still in a table row");
        }
        assert!(rows.contains("Tobias Okafor"), "the dump holds the other person's rows");
    }

    #[test]
    fn a_case_reads_its_persons_rule_due_day_and_legal_hold() {
        let (_dir, store) = team_store();
        let case = add_candidate_with_case(
            &store,
            person("Held Example", "ATS-H1", "held@example.org", "+1 503 555 0190", "5 Elm Court"),
            Priority::Normal,
            None,
        );
        // Undecided: kept, with no date yet, and the reason named.
        let open = store.case_retention(case).unwrap();
        assert!(!open.legal_hold && !open.erased && !open.due, "{open:?}");
        let a = open.assessment.clone().unwrap();
        assert_eq!((a.rule, a.due_on), (RetentionRule::NotHired, None));
        assert!(a.held_by.unwrap().contains("not decided"), "{open:?}");

        // Rejected: due two years after the decision, under 29 CFR 1602.14's rule.
        reject(&store, case);
        let decided_on = store.clock().now().date();
        let after = store.case_retention(case).unwrap();
        let a = after.assessment.clone().unwrap();
        assert_eq!(a.due_on, Some(decided_on + chrono::Months::new(24)));
        assert!(after.source.as_deref().unwrap().contains("29 CFR 1602.14"), "{after:?}");

        // On hold: the page says so, and the hold keeps the person past the due day.
        store
            .apply(
                COMPLIANCE,
                Change::SetLegalHold { case_id: case, held: true, reason: "litigation".into() },
            )
            .unwrap();
        store.clock().advance(Duration::days(2 * 366));
        let held = store.case_retention(case).unwrap();
        assert!(held.legal_hold && !held.due, "{held:?}");
        assert!(held.assessment.unwrap().held_by.unwrap().contains("legal hold"));
        assert!(store.retention_apply(COMPLIANCE).unwrap().is_empty());

        // Lifted: due now, and once erased the page says so.
        store
            .apply(
                COMPLIANCE,
                Change::SetLegalHold { case_id: case, held: false, reason: "settled".into() },
            )
            .unwrap();
        assert!(store.case_retention(case).unwrap().due);
        assert_eq!(store.retention_apply(COMPLIANCE).unwrap().len(), 1);
        let erased = store.case_retention(case).unwrap();
        assert!(erased.erased && erased.assessment.is_none() && !erased.due, "{erased:?}");
    }

    #[test]
    fn erasing_a_hired_worker_writes_the_shared_telemetry_files_again_without_them() {
        let (dir, store) = team_store();
        let (gone_case, gone) =
            hire(&store, "Wilhelmina Trevelyan", "wilhelmina.t@corp.example", Some("SN-WT-4471"));
        let (kept_case, _) = hire(&store, "Marcus Bell", "marcus.b@corp.example", None);
        store.clock().set("2026-11-20T09:00:00.000Z".parse().unwrap());
        // One Okta export with both workers' sign-ins, one CSV with only hers (by device).
        let uploads = tempfile::tempdir().unwrap();
        let export = uploads.path().join("okta-export.json");
        let records = [
            okta("u-1", "2026-11-10T09:00:00Z", "wilhelmina.t@corp.example", "Wilhelmina Trevelyan", "198.51.100.77"),
            okta("u-2", "2026-11-10T10:00:00Z", "marcus.b@corp.example", "Marcus Bell", "203.0.113.5"),
            okta("u-3", "2026-11-11T09:00:00Z", "Wilhelmina.T@corp.example", "Wilhelmina Trevelyan", "198.51.100.77"),
        ];
        std::fs::write(&export, format!("[\n{}\n]\n", records.join(",\n"))).unwrap();
        let csv = uploads.path().join("vpn.csv");
        std::fs::write(
            &csv,
            "time,account,ip,country,event,device,detail\n\
             2026-11-12T08:00:00Z,,198.51.100.77,US,sign_in,SN-WT-4471,vpn\n",
        )
        .unwrap();
        let okta_import = store.import_telemetry(ADMIN, &export, None).unwrap();
        assert_eq!((okta_import.added, okta_import.matched), (3, 3));
        let csv_import = store.import_telemetry(ADMIN, &csv, None).unwrap();
        assert_eq!(csv_import.added, 1);
        // The same export is also evidence of the other worker's case.
        store.attach_file(REVIEWER, kept_case, &export, None, None, &mut |_, _| {}).unwrap();
        store
            .set_termination(ADMIN, store.employees().unwrap()[0].id, Some("2026-11-30".parse().unwrap()))
            .unwrap();
        let original: vetdesk_core::evidence::Sha256Hex = okta_import.file_sha256.parse().unwrap();
        assert!(stored(&store, &original));
        // Erased through `apply` alone, her telemetry would stay: refused.
        store.clock().advance(Duration::days(3 * 365 + 2));
        let plan = store.retention_plan(store.clock().now().date()).unwrap();
        let due = plan.iter().find(|e| e.candidate_id == gone).unwrap();
        assert!(due.due, "{due:?}");
        let err = store
            .apply(
                COMPLIANCE,
                Change::ErasePerson {
                    candidate_id: gone,
                    rule: due.assessment.rule,
                    due_on: due.assessment.due_on.unwrap(),
                    telemetry: vec![],
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("telemetry events stored"), "{err}");

        let erased = store.retention_apply(COMPLIANCE).unwrap();
        assert_eq!(erased.len(), 1, "{erased:?}");
        assert_eq!((erased[0].candidate_id, erased[0].rule), (gone, RetentionRule::FormI9));
        let report = store.verify().unwrap();
        assert!(report.ok, "{:?}", report.problems);
        assert_eq!(report.erased.len(), 1);
        assert_eq!(report.erased[0].candidate_id, gone);
        assert_eq!(report.erased[0].telemetry_files, 2, "{:?}", report.erased);
        // The imports name their copies; what is left of them is the other worker's.
        let imports = store.telemetry_imports().unwrap();
        let okta_now = imports.iter().find(|i| i.id == okta_import.import_id).unwrap();
        assert_ne!(okta_now.file_sha256, okta_import.file_sha256);
        assert_eq!((okta_now.events, okta_now.added, okta_now.matched), (1, 1, 1));
        let csv_now = imports.iter().find(|i| i.id == csv_import.import_id).unwrap();
        assert_eq!((csv_now.events, csv_now.added), (0, 0));
        assert!(!stored(&store, &original), "the original is removed");
        // The other worker's evidence names the copy, which holds his sign-in.
        let evidence = store.evidence_of_case(kept_case).unwrap();
        assert_eq!(evidence[0].sha256, okta_now.file_sha256);
        let text = stored_text(&store, &evidence[0].sha256.parse().unwrap());
        assert!(text.contains("marcus.b@corp.example") && text.contains("u-2"), "{text}");
        // The chain says what was redacted.
        let global = serde_json::to_string(&store.audit(Chain::Global).unwrap()).unwrap();
        assert!(global.contains(&okta_import.file_sha256), "the erasure names the original");
        assert_eq!(store.case_detail(gone_case).unwrap().candidate.fields.legal_name, "[erased]");
        drop(store);

        // None of her values is in a table row or in the raw bytes of any file of the directory.
        let values = ["Wilhelmina", "Trevelyan", "wilhelmina.t@corp.example", "198.51.100.77", "SN-WT-4471"];
        let rows = table_text(dir.path());
        for value in values {
            assert!(!rows.to_lowercase().contains(&value.to_lowercase()), "{value:?} is in a row");
            let found = files_holding(dir.path(), value.as_bytes());
            assert!(found.is_empty(), "{value:?} is still readable in {found:?}");
        }
        assert!(rows.contains("marcus.b@corp.example"), "the other worker's events stay");
        // His sign-in is kept: in the copy's file (solo) or its chunks (team).
        match backend() {
            TestBackend::Sqlite => {
                assert!(!files_holding(dir.path(), b"marcus.b@corp.example").is_empty());
            }
            TestBackend::Postgres => assert!(
                rows.lines()
                    .any(|l| l.starts_with("evidence_chunk:") && l.contains("marcus.b@corp.example")),
                "the copy's chunks hold the other worker's sign-in"
            ),
        }
    }
}
