//! Signed checkpoints as a user sets them up, and the insider who rewrites history with every
//! hash recomputed: plain `verify` cannot tell, the organisation's public key and the witness
//! file kept outside the data directory can. Everything through the real `vetdesk` binary.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Output;

use rusqlite::Connection;
use vetdesk_core::model::ItemResult;
use vetdesk_testkit::*;

const PASSPHRASE: &str = "correct horse battery staple";

struct Setup {
    data: tempfile::TempDir,
    /// Outside the data directory: the key file, its public key, the witness.
    outside: tempfile::TempDir,
}

impl Setup {
    fn run(&self, actor: Option<&str>, args: &[&str], passphrase: Option<&str>) -> Output {
        let mut cmd = vetdesk_command();
        cmd.env("VETDESK_DATA_DIR", self.data.path()).env_remove("VETDESK_KEY_PASSPHRASE");
        if let Some(a) = actor {
            cmd.env("VETDESK_USER", a);
        }
        if let Some(p) = passphrase {
            cmd.env("VETDESK_KEY_PASSPHRASE", p);
        }
        cmd.args(args).output().unwrap()
    }
    fn ok(&self, actor: Option<&str>, args: &[&str], passphrase: Option<&str>) -> String {
        let out = self.run(actor, args, passphrase);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    fn key(&self) -> PathBuf {
        self.outside.path().join("org-key.json")
    }
    fn witness(&self) -> PathBuf {
        self.outside.path().join("witness.jsonl")
    }
    fn public(&self) -> String {
        std::fs::read_to_string(self.outside.path().join("org-key.json.pub")).unwrap().trim().into()
    }
    fn verify_trusted(&self) -> Output {
        self.run(
            None,
            &[
                "verify",
                "--trusted-key",
                &self.public(),
                "--witness",
                self.witness().to_str().unwrap(),
            ],
            None,
        )
    }
}

/// A worked store, the organisation key made, one checkpoint signed into the log and the
/// witness, then more work after it.
fn setup() -> Setup {
    let (data, store, case_id) = populated();
    record(&store, REVIEWER, case_id, "id-two-documents", ItemResult::Pass, None, vec![]);
    drop(store);
    let s = Setup { data, outside: tempfile::tempdir().unwrap() };
    let key = s.key();
    let out = s.ok(None, &["keys", "init", "--key-file", key.to_str().unwrap()], Some(PASSPHRASE));
    assert!(out.contains(&format!("Public key:  {}", s.public())), "{out}");
    let out = s.ok(
        Some(COMPLIANCE),
        &[
            "checkpoint",
            "--key-file",
            key.to_str().unwrap(),
            "--witness",
            s.witness().to_str().unwrap(),
        ],
        Some(PASSPHRASE),
    );
    assert!(out.contains("Signed root"), "{out}");
    let store = reopen(s.data.path());
    later(&store, 10);
    record(&store, REVIEWER, case_id, "live-video-interview", ItemResult::Fail, None, vec![]);
    drop(store);
    s
}

fn failing(out: Output) -> String {
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

#[test]
fn a_signed_checkpoint_verifies_against_the_public_key_and_the_witness() {
    let s = setup();
    let out = s.verify_trusted();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("checked against the trusted key"), "{text}");
    assert!(text.contains("Witnessed:   1 checkpoint(s) checked"), "{text}");
    // The public key may be given as the file `keys init` wrote.
    let public_file = s.outside.path().join("org-key.json.pub");
    s.ok(None, &["verify", "--trusted-key", public_file.to_str().unwrap()], None);
}

/// The insider removes a record the checkpoint covered (a passed check) and the signed
/// checkpoint itself, reverts the state, and recomputes every hash and the whole ledger: the
/// chains and the ledger check out again (what plain `verify` can see is consistent), but the
/// organisation's key finds no checkpoint and the witness's root is no longer in the ledger.
#[test]
fn history_cut_and_rehashed_under_a_checkpoint_fails_against_key_and_witness() {
    let s = setup();
    let conn = Connection::open(s.data.path().join("vetdesk.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_delete;
         DELETE FROM audit_log WHERE json_extract(change, '$.type') = 'record_checkpoint'
            OR (json_extract(change, '$.type') = 'record_result'
                AND json_extract(change, '$.item_id') = 'id-two-documents');
         UPDATE checklist_items SET result = 'pending', note = NULL, recorded_by = NULL, recorded_at = NULL
            WHERE item_id = 'id-two-documents';",
    )
    .unwrap();
    rehash_everything(&conn);
    drop(conn);
    let plain = String::from_utf8(s.run(None, &["verify"], None).stdout).unwrap();
    assert!(!plain.contains("[audit chain]") && !plain.contains("[ledger]"), "{plain}");
    assert!(plain.contains("Checkpoint:  none signed yet"), "{plain}");
    let out = failing(s.verify_trusted());
    assert!(out.contains("[checkpoint] global chain: holds no signed checkpoint"), "{out}");
    assert!(
        out.lines().any(|l| l.contains("[checkpoint] witnessed checkpoint")
            && l.contains("the history it covers was rewritten")),
        "{out}"
    );
}

/// The insider rewrites history and signs a checkpoint of the forged store with a key of
/// their own: it verifies under that key, not under the organisation's.
#[test]
fn a_rewritten_store_re_signed_with_another_key_fails_against_the_trusted_key() {
    let s = setup();
    let conn = Connection::open(s.data.path().join("vetdesk.db")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET actor = 'ivan' WHERE json_extract(change, '$.type') = 'record_result';
         UPDATE checklist_items SET recorded_by = 'ivan' WHERE recorded_by IS NOT NULL;",
    )
    .unwrap();
    rehash_everything(&conn);
    drop(conn);
    let evil = s.outside.path().join("evil-key.json");
    s.ok(None, &["keys", "init", "--key-file", evil.to_str().unwrap()], Some("mine"));
    s.ok(Some(COMPLIANCE), &["checkpoint", "--key-file", evil.to_str().unwrap()], Some("mine"));
    let out = failing(s.verify_trusted());
    assert!(
        out.lines().any(|l| l.starts_with("  [checkpoint] checkpoint at global #")
            && l.contains("not by the trusted key")),
        "{out}"
    );
    assert!(out.contains("the history it covers was rewritten"), "{out}");
}

#[test]
fn a_forged_witness_line_and_bad_keys_are_refused() {
    let s = setup();
    // A witness line edited by hand (another root) no longer carries a valid signature.
    let text = std::fs::read_to_string(s.witness()).unwrap();
    let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    let forged = text.replace(line["root"].as_str().unwrap(), &"0".repeat(64));
    std::fs::write(s.witness(), forged).unwrap();
    let out = failing(s.verify_trusted());
    assert!(out.contains("signature does not verify"), "{out}");

    for (args, words) in [
        (vec!["verify", "--trusted-key", "abc"], "--trusted-key"),
        (vec!["verify", "--witness", "/nonexistent"], "--trusted-key"),
    ] {
        let out = s.run(None, &args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(words), "{args:?}");
    }
    let key = s.key();
    let key = key.to_str().unwrap();
    let out = s.run(Some(COMPLIANCE), &["checkpoint", "--key-file", key], Some("wrong"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("wrong passphrase"));
    let out = s.run(None, &["keys", "init", "--key-file", key], Some(PASSPHRASE));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    // A reviewer may not sign for the organisation.
    let out = s.run(Some(REVIEWER), &["checkpoint", "--key-file", key], Some(PASSPHRASE));
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}
