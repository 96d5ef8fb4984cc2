//! Erasure under the retention rules on both backends, checked logically (the raw-bytes test
//! of a SQLite data directory is in `retention.rs`; a PostgreSQL server's files are outside the
//! data directory, see the README): `verify` passes and names the erasure, search finds nothing
//! of the person, the candidate and their records read as erased, their evidence is gone, and
//! someone else's case is untouched.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;
use vetdesk_core::change::{Change, Ground};
use vetdesk_core::model::{CandidateFields, CaseStatus, Chain, Decision, Priority, RetentionRule};
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
                for row in client.query(&format!("SELECT t::text FROM {table} t"), &[]).unwrap() {
                    let text: String = row.get(0);
                    out.push_str(&format!("{table}: {text}\n"));
                }
            }
            out
        }
    }
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
}
