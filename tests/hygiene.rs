//! The smaller holes a local insider used: terminal escapes in names and notes, text-direction
//! characters in file names, links given as input files, a world-readable database, personal
//! values in error logs, and dropped append-only triggers. Each is mounted here and shown
//! refused or reported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use vetdesk_core::change::Change;
use vetdesk_core::model::Field;
use vetdesk_core::store::{Clock, DataDir, OpenMode, Store, StoreError};
use vetdesk_testkit::*;

fn db_of(dir: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("vetdesk.db")).unwrap()
}

#[test]
fn control_and_direction_characters_are_refused_with_their_field() {
    let (_dir, store) = team_store();
    let case_id = open_case(&store, CANDIDATE, "ATS-1", None, None);
    // (text typed, field, character named)
    let note = |text: &str| Change::AddNote { id: None, case_id, text: text.into() };
    let mut named = candidate_fields("Zoë\u{202E}rettiw", "ATS-2");
    let rows: [(Change, Field, &str); 4] = [
        (note("Cleared.\u{1b}[2K\u{1b}[1A decided: rejected"), Field::Text, "U+001B"),
        (note("ok\rrejected\u{7}"), Field::Text, "U+0007"),
        (Change::AddCandidate { id: None, candidate: named.clone() }, Field::LegalName, "U+202E"),
        (
            {
                named.legal_name = "Zoë Ó".into();
                named.role = Some("Dev\u{9b}2J".into());
                Change::AddCandidate { id: None, candidate: named }
            },
            Field::Role,
            "U+009B",
        ),
    ];
    for (change, field, character) in rows {
        match store.apply(REVIEWER, change) {
            Err(e @ StoreError::Invalid { .. }) => {
                assert_eq!(e.field(), Some(field), "{e}");
                assert!(e.to_string().contains(character), "{e}");
            }
            other => panic!("{field:?}: expected a refusal, got {other:?}"),
        }
    }
    // Line breaks and tabs in a note stay allowed.
    store.apply(REVIEWER, note("line one\nline two\twith a tab")).unwrap();
}

#[test]
fn the_cli_escapes_control_characters_already_stored() {
    let (dir, store) = team_store();
    let case_id = open_case(&store, CANDIDATE, "ATS-1", None, None);
    store.apply(REVIEWER, Change::AddNote { id: None, case_id, text: "plain".into() }).unwrap();
    drop(store);
    // An insider writes an escape sequence straight into the table.
    db_of(dir.path())
        .execute("UPDATE notes SET text = 'Cleared' || char(27) || '[2J' || char(8238)", [])
        .unwrap();
    let o = vetdesk_command()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--as", REVIEWER, "note", "list", &case_id.to_string()])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(!out.contains('\u{1b}') && !out.contains('\u{202E}'), "{out:?}");
    assert!(out.contains("Cleared\\u{1b}[2J\\u{202e}"), "{out}");
}

#[test]
fn direction_characters_are_dropped_from_evidence_names() {
    let (dir, store) = team_store();
    let case_id = open_case(&store, CANDIDATE, "ATS-1", None, None);
    let id = attach(&store, dir.path(), case_id, "invoice\u{202E}fdp.exe", b"MZ", None, None);
    let stored = store.read(|r| r.evidence(id)).unwrap();
    assert_eq!(stored.original_name, "invoicefdp.exe");
    assert_eq!(
        vetdesk_export::pack::evidence_member(&stored.sha256, "scan\u{2067}gpj.exe"),
        format!("evidence/{}-scan_gpj.exe", stored.sha256)
    );
}

#[test]
fn links_given_as_input_files_are_refused() {
    let (dir, store) = team_store();
    let case_id = open_case(&store, CANDIDATE, "ATS-1", None, None);
    let secret = dir.path().join("secret.key");
    std::fs::write(&secret, b"private key").unwrap();
    let link = dir.path().join("passport.jpg");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let error = store.attach_file(REVIEWER, case_id, &link, None, None, &mut |_, _| {});
    let text = error.unwrap_err().to_string();
    assert!(text.contains("symbolic link"), "{text}");
    assert!(store.read(|r| r.evidence_of_case(case_id)).unwrap().is_empty());
    drop(store);

    let csv_link = dir.path().join("candidates.csv");
    std::os::unix::fs::symlink(&secret, &csv_link).unwrap();
    for args in [
        vec!["evidence", "add", &case_id.to_string(), link.to_str().unwrap()],
        vec!["candidate", "import", csv_link.to_str().unwrap()],
        vec!["iplist", "import", csv_link.to_str().unwrap()],
    ] {
        let o = vetdesk_command()
            .arg("--data-dir")
            .arg(dir.path())
            .args(["--as", "ada"])
            .args(&args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("symbolic link"), "{args:?}: {err}");
    }
}

#[test]
fn the_data_directory_and_database_files_are_private_after_open() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let chmod = |p: &std::path::Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
    };
    let (dir, store) = team_store();
    open_case(&store, CANDIDATE, "ATS-1", None, None);
    drop(store);
    // As an older version left it: readable by every local user.
    chmod(dir.path(), 0o755);
    chmod(&dir.path().join("vetdesk.db"), 0o644);
    let store =
        Store::open(DataDir::new(dir.path()), OpenMode::MustExist, Clock::fixed(t0())).unwrap();
    open_case(&store, "Other Person", "ATS-2", None, None);
    assert_eq!(mode(dir.path()), 0o700);
    for file in ["vetdesk.db", "vetdesk.db-wal", "vetdesk.db-shm"] {
        let path = dir.path().join(file);
        if file == "vetdesk.db" || path.exists() {
            assert_eq!(mode(&path), 0o600, "{file}");
        }
    }
    assert!(dir.path().join("vetdesk.db-wal").exists(), "WAL mode: the WAL is there to check");
}

/// Collects what tracing writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_error_path_logs_its_code_and_never_the_personal_value() {
    let (_dir, store) = team_store();
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let mut fields = candidate_fields("Zoë Private", "ATS-9");
    fields.emails = vec!["zoe.private@@example.org".into()];
    fields.phones = vec!["+1 202 555 0147".into()];
    let error = tracing::subscriber::with_default(subscriber, || {
        store.apply(REVIEWER, Change::AddCandidate { id: None, candidate: fields }).unwrap_err()
    });
    // The person sees the value they typed …
    assert!(error.to_string().contains("zoe.private@@example.org"), "{error}");
    // … the log only the code and the field.
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("code=\"invalid\"") && log.contains("ERROR"), "{log}");
    for personal in ["zoe.private", "555 0147", "Zoë Private", "ATS-9"] {
        assert!(!log.contains(personal), "the log holds {personal:?}:\n{log}");
    }
}

#[test]
fn verify_reports_dropped_append_only_triggers() {
    let (dir, store) = team_store();
    open_case(&store, CANDIDATE, "ATS-1", None, None);
    assert!(store.verify().unwrap().ok);
    drop(store);
    let db = db_of(dir.path());
    db.execute_batch(
        "DROP TRIGGER audit_log_no_delete;
         DROP TRIGGER audit_log_no_update;
         CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN 0
         BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;",
    )
    .unwrap();
    drop(db);
    let o = vetdesk_command().arg("--data-dir").arg(dir.path()).arg("verify").output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    for what in ["updates", "deletes"] {
        assert!(
            out.contains(&format!(
                "append-only trigger that refuses {what} of audit records is missing"
            )),
            "{what}: {out}"
        );
    }
}
