//! Attacks on the shape of the audit log itself, mounted as an insider with the database file
//! would (rusqlite on `vetdesk.db`, triggers dropped, hashes recomputed with the public rule):
//! a shadow chain, a truncated tail, a removed chain, a back-dated global record. Each is run
//! against the real `vetdesk verify`, which must exit 1 and name what it found.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Output;

use rusqlite::{Connection, params};
use serde_json::{Value, json};
use vetdesk_core::chain;
use vetdesk_core::change::Change;
use vetdesk_core::model::{CaseStatus, ItemResult};
use vetdesk_testkit::*;

/// A store with a worked case (results, a note, escalated), closed before the attack.
fn fixture() -> (tempfile::TempDir, i64) {
    let (dir, store, case_id) = populated();
    for (item, result) in
        [("id-two-documents", ItemResult::Pass), ("live-video-interview", ItemResult::Fail)]
    {
        later(&store, 1);
        record(&store, REVIEWER, case_id, item, result, None, vec![]);
    }
    later(&store, 1);
    store
        .apply(
            REVIEWER,
            Change::AddNote { id: None, case_id, text: "candidate asked for audio only".into() },
        )
        .unwrap();
    later(&store, 1);
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
    drop(store);
    (dir, case_id)
}

fn verify(dir: &Path, json: bool) -> Output {
    let mut cmd = vetdesk_command();
    cmd.env_remove("VETDESK_USER").env("VETDESK_DATA_DIR", dir).arg("verify");
    if json {
        cmd.arg("--json");
    }
    cmd.output().unwrap()
}

/// Runs `vetdesk verify`, expects exit 1, and returns what it printed.
fn verify_fails(dir: &Path) -> String {
    let out = verify(dir, false);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "verify must fail:\n{stdout}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stdout
}

fn verify_json(dir: &Path) -> Value {
    serde_json::from_slice(&verify(dir, true).stdout).unwrap()
}

/// Opens the database as an insider would: raw SQL, the append-only triggers removed.
fn insider(dir: &Path) -> Connection {
    let conn = Connection::open(dir.join("vetdesk.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
         DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete;",
    )
    .unwrap();
    conn
}

/// Appends a record to the log with a hash recomputed by the public rule, as the store would
/// but without the ledger entry.
fn forge(conn: &Connection, key: &str, hashed_as: &str, at: &str, actor: &str, change: Value) {
    let (seq, prev): (i64, String) = conn
        .query_row(
            "SELECT coalesce(max(seq), 0), coalesce((SELECT hash FROM audit_log WHERE chain = ?1
               ORDER BY seq DESC LIMIT 1), ?2) FROM audit_log WHERE chain = ?1",
            params![hashed_as, vetdesk_core::model::GENESIS_HASH],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let (seq, prev) = if key == hashed_as {
        (seq + 1, prev)
    } else {
        (1, vetdesk_core::model::GENESIS_HASH.to_string())
    };
    let hash = chain::hash(hashed_as, seq, at, actor, &change, &prev);
    let case_id: Option<i64> =
        key.strip_prefix("case:").map(|id| id.trim_start_matches('0').parse().unwrap());
    conn.execute(
        "INSERT INTO audit_log (chain, case_id, seq, at, actor, change, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![key, case_id, seq, at, actor, chain::canonical_json(&change), prev, hash],
    )
    .unwrap();
}

#[test]
fn a_clean_store_verifies_and_prints_its_root_and_global_head() {
    let (dir, _case) = fixture();
    let out = verify(dir.path(), false);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let report = verify_json(dir.path());
    assert_eq!(report["ok"], true);
    let root = report["root"].as_str().unwrap();
    let global = report["global_head"].as_str().unwrap();
    assert_eq!(root.len(), 64);
    assert_eq!(report["ledger_entries"], report["records"]);
    assert!(text.contains(&format!("Root:        {root}")), "{text}");
    assert!(text.contains(&format!("Global head: {global}")), "{text}");
    let conn = Connection::open(dir.path().join("vetdesk.db")).unwrap();
    let (n, last): (i64, String) = conn
        .query_row("SELECT n, hash FROM ledger ORDER BY n DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((n, last.as_str()), (report["records"].as_i64().unwrap(), root));
}

/// Finding 1: a record keyed `case:01` but hashed as `case:1`, with the case row changed to
/// match, was read by no view and passed verify.
#[test]
fn a_shadow_chain_under_a_non_canonical_key_is_named() {
    let (dir, case_id) = fixture();
    let conn = insider(dir.path());
    let decided = json!({
        "type": "set_status", "case_id": case_id, "status": "decided",
        "decision": "cleared", "reason": "all good"
    });
    for key in [format!("case:0{case_id}"), format!("case:+{case_id}")] {
        forge(
            &conn,
            &key,
            &format!("case:{case_id}"),
            "2026-12-01T10:00:00.000Z",
            INVESTIGATOR,
            decided.clone(),
        );
    }
    conn.execute(
        "UPDATE cases SET status = 'decided', decision = 'cleared' WHERE id = ?1",
        [case_id],
    )
    .unwrap();
    let out = verify_fails(dir.path());
    for key in [format!("case:0{case_id}"), format!("case:+{case_id}")] {
        assert!(
            out.lines().any(|l| l.contains("[audit chain]")
                && l.contains(&format!("({key} #1)"))
                && l.contains("not the canonical key")),
            "{key}:\n{out}"
        );
        assert!(
            out.lines().any(|l| l.contains("[ledger]")
                && l.contains(&format!("({key} #1)"))
                && l.contains("is in no ledger entry")),
            "{key}:\n{out}"
        );
    }
}

/// Finding 2: removing the newest records of a case chain and reverting the state they set.
#[test]
fn a_truncated_case_chain_is_named_by_the_ledger() {
    let (dir, case_id) = fixture();
    let before = verify_json(dir.path())["root"].as_str().unwrap().to_string();
    // Something happens elsewhere afterwards, so the case's records are not the newest.
    let store = reopen(dir.path());
    later(&store, 5);
    add_vendor(&store, vendor_fields("Later Vendor"));
    drop(store);
    let conn = insider(dir.path());
    let key = format!("case:{case_id}");
    let last: i64 = conn
        .query_row("SELECT max(seq) FROM audit_log WHERE chain = ?1", [&key], |r| r.get(0))
        .unwrap();
    conn.execute("DELETE FROM audit_log WHERE chain = ?1 AND seq >= ?2", params![key, last - 1])
        .unwrap();
    conn.execute_batch(&format!(
        "DELETE FROM notes WHERE case_id = {case_id};
         UPDATE cases SET status = 'open' WHERE id = {case_id};"
    ))
    .unwrap();
    let out = verify_fails(dir.path());
    for seq in [last - 1, last] {
        assert!(
            out.lines().any(|l| l.contains("[ledger]")
                && l.contains(&format!("({key} #{seq})"))
                && l.contains("not in the audit log: the record was removed")),
            "#{seq}:\n{out}"
        );
    }
    assert_ne!(verify_json(dir.path())["root"].as_str().unwrap(), before);
}

/// Finding 2: a whole case removed, its chain and every row it made.
#[test]
fn a_removed_case_chain_is_named_by_the_ledger() {
    let (dir, case_id) = fixture();
    let conn = insider(dir.path());
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table'
             AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'case_id')
             AND m.name NOT IN ('audit_log')",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        conn.execute(&format!("DELETE FROM {table} WHERE case_id = ?1"), [case_id]).unwrap();
    }
    conn.execute("DELETE FROM cases WHERE id = ?1", [case_id]).unwrap();
    conn.execute("DELETE FROM audit_log WHERE chain = ?1", [format!("case:{case_id}")]).unwrap();
    let out = verify_fails(dir.path());
    assert!(
        out.lines().any(|l| l.contains("[ledger]")
            && l.contains(&format!("(case:{case_id} #1)"))
            && l.contains("the record was removed")),
        "{out}"
    );
}

/// Finding 3: a role change to admin appended to the global chain, dated 2024, with its hash
/// recomputed and the users row changed to match.
#[test]
fn a_back_dated_global_record_is_named() {
    let (dir, _case) = fixture();
    let conn = insider(dir.path());
    let change = json!({"type": "set_user_role", "name": REVIEWER, "role": "admin"});
    forge(&conn, "global", "global", "2024-03-01T09:00:00.000Z", ADMIN, change);
    conn.execute("UPDATE users SET role = 'admin' WHERE name = ?1", [REVIEWER]).unwrap();
    let out = verify_fails(dir.path());
    assert!(
        out.lines().any(|l| l.contains("[audit chain]")
            && l.contains("(global #")
            && l.contains("earlier than the record before it")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.contains("[ledger]")
            && l.contains("(global #")
            && l.contains("is in no ledger entry")),
        "{out}"
    );
}

/// Finding 3, by an insider who also extends the ledger: the time check still names it.
#[test]
fn a_back_dated_global_record_with_a_forged_ledger_entry_is_still_named() {
    let (dir, _case) = fixture();
    let conn = insider(dir.path());
    let change = json!({"type": "set_user_role", "name": REVIEWER, "role": "admin"});
    forge(&conn, "global", "global", "2024-03-01T09:00:00.000Z", ADMIN, change);
    conn.execute("UPDATE users SET role = 'admin' WHERE name = ?1", [REVIEWER]).unwrap();
    let (seq, hash): (i64, String) = conn
        .query_row(
            "SELECT seq, hash FROM audit_log WHERE chain = 'global' ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let (n, prev): (i64, String) = conn
        .query_row("SELECT n, hash FROM ledger ORDER BY n DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let entry = chain::ledger_hash(n + 1, "global", seq, &hash, &prev);
    conn.execute(
        "INSERT INTO ledger (n, chain, seq, record_hash, prev, hash) VALUES (?1, 'global', ?2, ?3, ?4, ?5)",
        params![n + 1, seq, hash, prev, entry],
    )
    .unwrap();
    let out = verify_fails(dir.path());
    assert!(out.contains("earlier than the record before it"), "{out}");
    assert!(!out.contains("[ledger]"), "the ledger itself was extended consistently:\n{out}");
}

/// An edited ledger entry (its record's hash swapped) is named, even with the rest intact.
#[test]
fn an_edited_ledger_entry_is_named() {
    let (dir, _case) = fixture();
    let conn = insider(dir.path());
    conn.execute("UPDATE ledger SET record_hash = ?1 WHERE n = 2", ["0".repeat(64)]).unwrap();
    let out = verify_fails(dir.path());
    assert!(
        out.lines().any(|l| l.contains("[ledger] ledger entry 2 ") && l.contains("edited")),
        "{out}"
    );
}
