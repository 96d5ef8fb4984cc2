//! Tampering with the database or the evidence files behind the store's back is detected by
//! `verify`, which names what was touched. Each test edits a freshly populated store the way an
//! attacker with the file would (dropping the append-only triggers first).

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use rusqlite::Connection;
use vetdesk_core::change::Change;
use vetdesk_core::model::{CaseStatus, ItemResult};
use vetdesk_core::store::{ProblemKind, VerifyReport};
use vetdesk_testkit::*;

/// A store with a case that has a few records, a note and an evidence file.
fn fixture() -> (tempfile::TempDir, vetdesk_core::Store, i64) {
    let (dir, store, case_id) = populated();
    let file = dir.path().join("scan.png");
    std::fs::write(&file, png(40, 30)).unwrap();
    store
        .attach_file(REVIEWER, case_id, &file, None, Some("front of ID".into()), &mut |_, _| {})
        .unwrap();
    for (item, result) in
        [("id-two-documents", ItemResult::Pass), ("live-video-interview", ItemResult::Fail)]
    {
        store
            .apply(
                REVIEWER,
                Change::RecordResult {
                    case_id,
                    item_id: item.into(),
                    result,
                    note: None,
                    evidence: vec![],
                },
            )
            .unwrap();
    }
    store
        .apply(
            REVIEWER,
            Change::AddNote { id: None, case_id, text: "candidate asked for audio only".into() },
        )
        .unwrap();
    store
        .apply(
            REVIEWER,
            Change::SetStatus {
                case_id,
                status: CaseStatus::Escalated,
                decision: None,
                reason: "refused video".into(),
                grounds: vec![],
                override_reason: None,
            },
        )
        .unwrap();
    assert!(store.verify().unwrap().ok, "the fixture must start clean");
    (dir, store, case_id)
}

/// Opens the database as an attacker would: raw SQL, triggers removed.
fn attacker(dir: &Path) -> Connection {
    let conn = Connection::open(dir.join("vetdesk.db")).unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    conn
}

fn problems(report: &VerifyReport, kind: ProblemKind) -> Vec<String> {
    report
        .problems
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect()
}

fn audit_id(conn: &Connection, case_id: i64, seq: i64) -> i64 {
    conn.query_row(
        "SELECT id FROM audit_log WHERE chain = ?1 AND seq = ?2",
        rusqlite::params![format!("case:{case_id}"), seq],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn the_log_is_append_only_even_for_stray_sql() {
    let (dir, _store, _case) = fixture();
    let conn = Connection::open(dir.path().join("vetdesk.db")).unwrap();
    let err = conn.execute("UPDATE audit_log SET actor = 'x'", []).unwrap_err().to_string();
    assert!(err.contains("append-only"), "{err}");
    let err = conn.execute("DELETE FROM audit_log", []).unwrap_err().to_string();
    assert!(err.contains("append-only"), "{err}");
}

#[test]
fn an_edited_audit_record_is_named() {
    let (dir, store, case_id) = fixture();
    let conn = attacker(dir.path());
    let id = audit_id(&conn, case_id, 3);
    conn.execute(
        "UPDATE audit_log SET change = replace(change, '\"pass\"', '\"fail\"') WHERE id = ?1",
        [id],
    )
    .unwrap();
    let report = store.verify().unwrap();
    assert!(!report.ok);
    let chain = problems(&report, ProblemKind::Chain);
    assert!(
        chain.iter().any(|p| p.contains(&format!("audit record {id} (case:{case_id} #3)"))
            && p.contains("edited")),
        "{chain:#?}"
    );
}

#[test]
fn an_edited_record_with_a_recomputed_hash_breaks_the_next_link() {
    let (dir, store, case_id) = fixture();
    let conn = attacker(dir.path());
    let id = audit_id(&conn, case_id, 2);
    let (chain, seq, at, change, prev): (String, i64, String, String, String) = conn
        .query_row(
            "SELECT chain, seq, at, change, prev_hash FROM audit_log WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    let forged_actor = "mallory";
    let hash = vetdesk_core::chain::hash(
        &chain,
        seq,
        &at,
        forged_actor,
        &serde_json::from_str(&change).unwrap(),
        &prev,
    );
    assert_eq!(chain, format!("case:{case_id}"));
    conn.execute(
        "UPDATE audit_log SET actor = ?2, hash = ?3 WHERE id = ?1",
        rusqlite::params![id, forged_actor, hash],
    )
    .unwrap();
    let report = store.verify().unwrap();
    let chain = problems(&report, ProblemKind::Chain);
    assert!(
        chain
            .iter()
            .any(|p| p.contains(&format!("(case:{case_id} #3)")) && p.contains("previous-hash")),
        "{chain:#?}"
    );
}

#[test]
fn a_deleted_record_in_the_middle_is_named() {
    let (dir, store, case_id) = fixture();
    let conn = attacker(dir.path());
    conn.execute("DELETE FROM audit_log WHERE id = ?1", [audit_id(&conn, case_id, 2)]).unwrap();
    let report = store.verify().unwrap();
    let chain = problems(&report, ProblemKind::Chain);
    assert!(
        chain.iter().any(
            |p| p.contains(&format!("(case:{case_id} #3)")) && p.contains("#2..#2 are missing")
        ),
        "{chain:#?}"
    );
    // The state the deleted record made is also no longer explained by the log.
    assert!(!problems(&report, ProblemKind::State).is_empty());
}

#[test]
fn a_deleted_last_record_shows_as_state_the_log_does_not_explain() {
    let (dir, store, case_id) = fixture();
    let conn = attacker(dir.path());
    let last: i64 = conn
        .query_row(
            "SELECT max(seq) FROM audit_log WHERE chain = ?1",
            [format!("case:{case_id}")],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute("DELETE FROM audit_log WHERE id = ?1", [audit_id(&conn, case_id, last)]).unwrap();
    let report = store.verify().unwrap();
    let state = problems(&report, ProblemKind::State);
    assert!(
        state.iter().any(|p| p.contains(&format!("cases row id={case_id}"))
            && p.contains(
                "status is \"escalated\" in the database, but the audit log says \"open\""
            )),
        "{state:#?}"
    );
}

#[test]
fn reordered_records_are_named() {
    let (dir, store, case_id) = fixture();
    let conn = attacker(dir.path());
    let (a, b) = (audit_id(&conn, case_id, 2), audit_id(&conn, case_id, 3));
    // Swap the positions of two records (through a free position, because (chain, seq) is unique).
    conn.execute("UPDATE audit_log SET seq = -1 WHERE id = ?1", [a]).unwrap();
    conn.execute("UPDATE audit_log SET seq = 2 WHERE id = ?1", [b]).unwrap();
    conn.execute("UPDATE audit_log SET seq = 3 WHERE id = ?1", [a]).unwrap();
    let report = store.verify().unwrap();
    let chain = problems(&report, ProblemKind::Chain);
    assert!(chain.iter().any(|p| p.contains(&format!("audit record {b}"))), "{chain:#?}");
    assert!(chain.iter().any(|p| p.contains(&format!("audit record {a}"))), "{chain:#?}");
}

#[test]
fn edited_rows_that_the_log_contradicts_are_named_by_table_row_and_column() {
    let edits = [
        (
            "UPDATE cases SET status = 'closed' WHERE id = {case}",
            "cases row id={case}: status is \"closed\" in the database, but the audit log says \"escalated\"",
        ),
        (
            "UPDATE checklist_items SET result = 'pass' WHERE case_id = {case} AND item_id = 'live-video-interview'",
            "checklist_items row case_id={case}, item_id=live-video-interview: result is \"pass\"",
        ),
        // Pending is the absence of a row: deleting a recorded result would make the failed
        // interview read as never checked, so the missing row is named.
        (
            "DELETE FROM checklist_items WHERE case_id = {case} AND item_id = 'live-video-interview'",
            "checklist_items row case_id={case}, item_id=live-video-interview: was created by the audit log but is missing from the database",
        ),
        (
            "UPDATE candidates SET legal_name = 'Someone Else'",
            "candidates row id=1: legal_name is \"Someone Else\"",
        ),
        ("UPDATE notes SET text = 'nothing to see'", "notes row id=1: text is \"nothing to see\""),
        (
            "UPDATE evidence SET sha256 = '0000000000000000000000000000000000000000000000000000000000000000'",
            "evidence row id=1: sha256",
        ),
        (
            "INSERT INTO notes (id, case_id, author, created_at, text) VALUES (99, {case}, 'rita', '2026-01-01T00:00:00.000Z', 'backdated')",
            "notes row id=99: is in the database but no audit record created it",
        ),
        (
            "DELETE FROM item_evidence; DELETE FROM evidence",
            "evidence row id=1: was created by the audit log but is missing from the database",
        ),
        (
            "UPDATE users SET role = 'admin' WHERE name = 'rita'",
            "users row id=2: role is \"admin\"",
        ),
    ];
    for (sql, expected) in edits {
        let (dir, store, case_id) = fixture();
        let conn = attacker(dir.path());
        conn.execute_batch(&sql.replace("{case}", &case_id.to_string())).unwrap();
        let report = store.verify().unwrap();
        let state = problems(&report, ProblemKind::State).join("\n");
        let expected = expected.replace("{case}", &case_id.to_string());
        assert!(state.contains(&expected), "after {sql}\nexpected {expected:?} in:\n{state}");
    }
}

#[test]
fn a_changed_byte_or_a_missing_evidence_file_is_named() {
    let (dir, store, _case) = fixture();
    let evidence = store.evidence(1).unwrap();
    let path = dir.path().join("evidence").join(&evidence.sha256[..2]).join(&evidence.sha256);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let report = store.verify().unwrap();
    let found = problems(&report, ProblemKind::Evidence);
    assert!(
        found.len() == 1
            && found[0].contains(&evidence.sha256)
            && found[0].contains("scan.png")
            && found[0].contains("changed"),
        "{found:#?}"
    );

    std::fs::remove_file(&path).unwrap();
    let found = problems(&store.verify().unwrap(), ProblemKind::Evidence);
    assert!(found.len() == 1 && found[0].contains("missing"), "{found:#?}");
}
