//! Retention and erasure on real data directories: the person erased leaves no byte of their
//! personal data in any file of the directory (database, log, index, evidence, previews),
//! while `verify` passes and names the erasure; a legal hold blocks it; a person not yet due
//! is untouched; erasing one of three people sharing a phone leaves the other two linked.
//! The clock is a parameter in-process; the CLI runs under `faketime` as a whole process.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Duration;
use rusqlite::Connection;
use vetdesk_core::change::{Change, Ground};
use vetdesk_core::model::{CandidateFields, CaseStatus, Decision, Priority, RetentionRule};
use vetdesk_core::store::Store;
use vetdesk_core::verification::{DocumentFields, DocumentKind};
use vetdesk_testkit::cli::{Cli, init_team};
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

fn years(store: &Store, n: i64) {
    store.clock().advance(Duration::days(365 * n + 1));
}

fn person(name: &str, ats: &str, email: &str, phone: &str, address: &str) -> CandidateFields {
    CandidateFields {
        emails: vec![email.into()],
        phones: vec![phone.into()],
        home_address: Some(address.into()),
        ..candidate_fields(name, ats)
    }
}

const NAME: &str = "Zenobia Quarrington";
const EMAIL: &str = "zenobia.q@example.org";
const PHONE: &str = "+1 415 555 0199";
const PHONE_E164: &str = "+14155550199";
const STREET: &str = "742 Evergreen Terrace";
const DOC_NUMBER: &str = "X9K7Q2M4";
const NOTE: &str = "Quarrington called from a withheld number";

/// The erased person's values, as they were typed and as the store normalises them.
fn personal_values() -> Vec<&'static str> {
    vec![NAME, "Quarrington", EMAIL, PHONE, PHONE_E164, STREET, DOC_NUMBER, NOTE, "withheld"]
}

#[test]
fn erasure_leaves_no_byte_of_the_person_in_the_data_directory_and_verify_names_it() {
    let (dir, store) = team_store();
    let address = format!("{STREET}, Springfield, OR 97477");
    let case = add_candidate_with_case(
        &store,
        person(NAME, "ATS-Z1", EMAIL, PHONE, &address),
        Priority::Normal,
        None,
    );
    let other = add_candidate_with_case(
        &store,
        person(
            "Bartholomew Okonkwo",
            "ATS-B2",
            "bart.ok@example.net",
            "+1 206 555 0123",
            "10 Pine St, Seattle, WA 98101",
        ),
        Priority::Normal,
        None,
    );
    let candidate = store.case_detail(case).unwrap().case.candidate_id;
    // A correction before the decision: the old value's cell is freed in its page.
    let mut corrected = person(NAME, "ATS-Z1", EMAIL, PHONE, &address);
    corrected.other_names = vec!["Zenobia Q. Quarrington".into()];
    store.apply(REVIEWER, Change::UpdateCandidate { id: candidate, candidate: corrected }).unwrap();
    store.apply(REVIEWER, Change::AddNote { id: None, case_id: case, text: NOTE.into() }).unwrap();
    let document = DocumentFields {
        kind: DocumentKind::Passport,
        issuing_country: "USA".into(),
        number: DOC_NUMBER.into(),
        holder_name: NAME.into(),
        birth_date: chrono::NaiveDate::from_ymd_opt(1990, 4, 2),
        expiry_date: chrono::NaiveDate::from_ymd_opt(2031, 4, 2),
        mrz: None,
        front_evidence: None,
        back_evidence: None,
        note: Some(format!("held to camera by {NAME}")),
    };
    store.apply(REVIEWER, Change::RecordDocument { id: None, case_id: case, document }).unwrap();
    // Evidence: a scan (with a preview) and a text file with bytes found nowhere else.
    let uploads = tempfile::tempdir().unwrap();
    let scan = uploads.path().join("passport-zenobia.png");
    let scan_bytes = png(64, 48);
    std::fs::write(&scan, &scan_bytes).unwrap();
    let letter = uploads.path().join("reference-letter.txt");
    let letter_bytes = format!("Letter of reference for {NAME}, {EMAIL}. unique-evidence-7f3a9c\n")
        .repeat(40)
        .into_bytes();
    std::fs::write(&letter, &letter_bytes).unwrap();
    for path in [&scan, &letter] {
        store
            .attach_file(REVIEWER, case, path, None, Some(format!("from {NAME}")), &mut |_, _| {})
            .unwrap();
    }
    reject(&store, case);

    // Before the period ends, nothing is due.
    years(&store, 1);
    assert!(store.retention_apply(COMPLIANCE).unwrap().is_empty());
    years(&store, 1);
    let erased = store.retention_apply(COMPLIANCE).unwrap();
    assert_eq!(erased.len(), 1, "{erased:?}");
    assert_eq!((erased[0].candidate_id, erased[0].rule), (candidate, RetentionRule::NotHired));
    assert_eq!(erased[0].files_removed, 3, "two files and the scan's preview");

    // The skeleton stays: status, decision, who decided, the chain.
    let detail = store.case_detail(case).unwrap();
    assert_eq!(detail.case.status, CaseStatus::Decided);
    assert_eq!(detail.case.decision, Some(Decision::Rejected));
    assert_eq!(detail.case.decided_by.as_deref(), Some(COMPLIANCE));
    assert_eq!(detail.candidate.fields.legal_name, "[erased]");
    assert!(detail.candidate.fields.emails.is_empty());
    assert!(store.search("Quarrington", 10).unwrap().is_empty());
    let report = store.verify().unwrap();
    assert!(report.ok, "{:?}", report.problems);
    assert_eq!(report.erased.len(), 1);
    assert_eq!(report.erased[0].candidate_id, candidate);
    assert!(report.erased[0].sealed_records >= 5, "{:?}", report.erased);
    drop(store);

    // The raw bytes: no file of the directory holds any of it.
    for value in personal_values() {
        let found = files_holding(dir.path(), value.as_bytes());
        assert!(found.is_empty(), "{value:?} is still readable in {found:?}");
    }
    for (what, bytes) in [("the letter", &letter_bytes[..64]), ("the scan", &scan_bytes[16..80])] {
        let found = files_holding(dir.path(), bytes);
        assert!(found.is_empty(), "{what}'s bytes are still in {found:?}");
    }
    // The test can fail: the other person's values are there to be found.
    assert!(!files_holding(dir.path(), b"Bartholomew Okonkwo").is_empty());
    assert!(!files_holding(dir.path(), b"bart.ok@example.net").is_empty());

    // The CLI, as a whole process, verifies the directory and names the erasure.
    let out = vetdesk_command()
        .args(["--data-dir", dir.path().to_str().unwrap(), "verify"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(&format!("Erased:      candidate {candidate}")), "{text}");
    // The other person's case is untouched and still open.
    let store = reopen(dir.path());
    assert_eq!(
        store.case_detail(other).unwrap().candidate.fields.legal_name,
        "Bartholomew Okonkwo"
    );
}

#[test]
fn a_legal_hold_blocks_erasure_until_it_is_lifted() {
    let (_dir, store) = team_store();
    let case = case_for(&store, "Held Person");
    let candidate = store.case_detail(case).unwrap().case.candidate_id;
    reject(&store, case);
    let hold = |held: bool, actor: &str| {
        store
            .apply(actor, Change::SetLegalHold { case_id: case, held, reason: "litigation".into() })
    };
    let refused = hold(true, REVIEWER).unwrap_err();
    assert_eq!(refused.code(), "forbidden", "{refused}");
    hold(true, COMPLIANCE).unwrap();
    years(&store, 3);
    assert!(store.retention_apply(COMPLIANCE).unwrap().is_empty());
    let plan = store.retention_plan(store.clock().now().date()).unwrap();
    let entry = plan.iter().find(|e| e.candidate_id == candidate).unwrap();
    assert!(!entry.due && entry.assessment.held_by.as_deref().unwrap().contains("legal hold"));
    let err = store
        .apply(
            COMPLIANCE,
            Change::ErasePerson {
                candidate_id: candidate,
                rule: RetentionRule::NotHired,
                due_on: entry.assessment.due_on.unwrap(),
                telemetry: vec![],
            },
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("legal hold"), "{err}");
    assert_eq!(store.case_detail(case).unwrap().candidate.fields.legal_name, "Held Person");
    hold(false, ADMIN).unwrap();
    let erased = store.retention_apply(COMPLIANCE).unwrap();
    assert_eq!(erased.iter().map(|e| e.candidate_id).collect::<Vec<_>>(), vec![candidate]);
    assert!(store.verify().unwrap().ok);
    // Nothing more is recorded about them.
    let err = store
        .apply(REVIEWER, Change::AddNote { id: None, case_id: case, text: "more".into() })
        .unwrap_err()
        .to_string();
    assert!(err.contains("erased"), "{err}");
}

#[test]
fn a_person_not_yet_due_is_untouched() {
    let (_dir, store) = team_store();
    let early = case_for(&store, "Early Decided");
    reject(&store, early);
    store.clock().advance(Duration::days(365));
    let late_fields = candidate_fields("Late Decided", "ATS-L");
    let late = add_candidate_with_case(&store, late_fields.clone(), Priority::Normal, None);
    reject(&store, late);
    let before = store.case_detail(late).unwrap().candidate;
    store.clock().advance(Duration::days(366));
    let erased = store.retention_apply(COMPLIANCE).unwrap();
    let early_candidate = store.case_detail(early).unwrap().case.candidate_id;
    assert_eq!(erased.iter().map(|e| e.candidate_id).collect::<Vec<_>>(), vec![early_candidate]);
    let after = store.case_detail(late).unwrap().candidate;
    assert_eq!(after, before);
    assert_eq!(after.fields.legal_name, "Late Decided");
    let plan = store.retention_plan(store.clock().now().date()).unwrap();
    let entry = plan.iter().find(|e| e.candidate_id == after.id).unwrap();
    assert!(!entry.due);
    assert!(entry.source.contains("29 CFR 1602.14"), "{}", entry.source);
    assert!(store.verify().unwrap().ok);
}

#[test]
fn erasing_one_of_three_sharing_a_phone_leaves_the_other_two_linked_and_intact() {
    let (dir, store) = team_store();
    let shared = "+1 312 555 0101";
    let mut cases = Vec::new();
    for (name, ats, email) in [
        ("Ophelia Vandersloot", "ATS-O", "ophelia.v@example.org"),
        ("Bob Brandt", "ATS-B", "bob.b@example.org"),
        ("Cyd Charisse", "ATS-C", "cyd.c@example.org"),
    ] {
        let fields = CandidateFields {
            emails: vec![email.into()],
            phones: vec![shared.into()],
            home_address: None,
            ..candidate_fields(name, ats)
        };
        cases.push(add_candidate_with_case(&store, fields, Priority::Normal, None));
    }
    let (a, b, c) = (cases[0], cases[1], cases[2]);
    let candidate = |case: i64| store.case_detail(case).unwrap().case.candidate_id;
    let (ca, cb, cc) = (candidate(a), candidate(b), candidate(c));
    let before_b = store.case_detail(b).unwrap().candidate;
    reject(&store, a);
    years(&store, 2);
    let erased = store.retention_apply(COMPLIANCE).unwrap();
    assert_eq!(erased.iter().map(|e| e.candidate_id).collect::<Vec<_>>(), vec![ca]);

    let linked = |case: i64| -> Vec<i64> {
        store.links(case).unwrap().iter().map(|l| l.candidate_id).collect::<Vec<_>>()
    };
    let of_b = linked(b);
    assert!(of_b.contains(&cc) && !of_b.contains(&ca), "{of_b:?}");
    assert!(linked(c).contains(&cb));
    assert_eq!(store.case_detail(b).unwrap().candidate, before_b);
    // B's shared-phone flag now names C only.
    let open = store.flags(b).unwrap().open;
    let shared_flag = open.iter().find(|f| f.fields.rule == "phone.shared").unwrap();
    assert_eq!(shared_flag.fields.candidates, vec![cc]);
    assert!(store.verify().unwrap().ok);
    drop(store);
    for value in ["Ophelia Vandersloot", "Vandersloot", "ophelia.v@example.org"] {
        let found = files_holding(dir.path(), value.as_bytes());
        assert!(found.is_empty(), "{value:?} is still readable in {found:?}");
    }
    assert!(!files_holding(dir.path(), b"Bob Brandt").is_empty());
}

#[test]
fn a_key_removed_behind_the_stores_back_is_named_by_verify() {
    let (dir, store) = team_store();
    let case = case_for(&store, "Keyless Person");
    let candidate = store.case_detail(case).unwrap().case.candidate_id;
    drop(store);
    let db = Connection::open(dir.path().join("vetdesk.db")).unwrap();
    db.execute("DELETE FROM person_keys WHERE candidate_id = ?1", [candidate]).unwrap();
    drop(db);
    let report = reopen(dir.path()).verify().unwrap();
    assert!(!report.ok);
    assert!(
        report.problems.iter().any(|p| p.message.contains("no erasure of them is recorded")),
        "{:?}",
        report.problems
    );
}

/// The CLI as a whole process, at dates set by `faketime`: the plan, a reviewer refused, the
/// erasure by compliance once due, and `verify` naming it.
#[test]
fn the_cli_plans_and_applies_retention_at_another_date() {
    assert!(
        std::process::Command::new("faketime").arg("--version").output().is_ok(),
        "faketime is needed (Debian package faketime; scripts/setup.sh installs it)"
    );
    let cli = Cli::new();
    init_team(&cli);
    let faked = |date: &str, actor: &str, args: &[&str]| {
        let mut cmd = std::process::Command::new("faketime");
        cmd.arg(date).arg(env!("CARGO_BIN_EXE_vetdesk"));
        cmd.args(["--data-dir", cli.data().to_str().unwrap(), "--as", actor]);
        let out = cmd.args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let ok = |date: &str, actor: &str, args: &[&str]| {
        let (code, out, err) = faked(date, actor, args);
        assert_eq!(code, Some(0), "{args:?}: {out}{err}");
        out
    };
    let d0 = "2027-03-01 10:00:00";
    ok(d0, "rita", &["candidate", "add", "--name", "Ivo Faketime", "--email", "ivo@example.org"]);
    let (_, plan, _) = faked(d0, "cora", &["--json", "retention", "plan"]);
    let plan: serde_json::Value = serde_json::from_str(&plan).unwrap();
    assert_eq!(plan[0]["rule"], "not_hired");
    assert_eq!(plan[0]["due"], false, "an open case keeps them: {plan}");
    assert!(plan[0]["held_by"].as_str().unwrap().contains("not decided"), "{plan}");

    ok(
        d0,
        "cora",
        &["check", "set", "1", "application-consistency", "fail", "--note", "dates differ"],
    );
    ok(
        d0,
        "cora",
        &[
            "case",
            "status",
            "1",
            "rejected",
            "--reason",
            "identity not confirmed",
            "--cite",
            "item:application-consistency",
        ],
    );
    let text = ok("2029-02-27 10:00:00", "cora", &["retention", "plan"]);
    assert!(text.contains("kept until 2029-03-01"), "{text}");
    assert!(text.contains("29 CFR 1602.14"), "{text}");

    let d1 = "2029-03-02 10:00:00";
    let (code, _, err) = faked(d1, "rita", &["retention", "apply"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let text = ok(d1, "cora", &["retention", "apply"]);
    assert!(
        text.contains("Erased candidate 1 under the not_hired rule (due 2029-03-01)"),
        "{text}"
    );
    let text = ok(d1, "cora", &["verify"]);
    assert!(text.starts_with("OK") && text.contains("Erased:      candidate 1"), "{text}");
    for value in ["Ivo Faketime", "ivo@example.org", "dates differ", "identity not confirmed"] {
        let found = files_holding(cli.data(), value.as_bytes());
        assert!(found.is_empty(), "{value:?} is still readable in {found:?}");
    }
    let text = ok(d1, "cora", &["retention", "apply"]);
    assert!(text.contains("Nobody is due"), "{text}");
}
