//! Audit packs checked against the organisation's signature on a machine that has only its
//! public key: a pack carries the newest signed checkpoint and the ledger from the case's
//! first record to it. An insider who rewrites the case's history in the database, with every
//! hash recomputed, makes packs that agree with themselves; only the signature shows it.
//! Every check runs `vetdesk verify-pack` as a process with no data directory.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde_json::Value;
use vetdesk_core::checkpoint;
use vetdesk_export::pack;
use vetdesk_testkit::*;
use zip::write::SimpleFileOptions;

const SEED: [u8; 32] = [7; 32];
const OTHER_SEED: [u8; 32] = [9; 32];

fn public(seed: &[u8; 32]) -> String {
    checkpoint::public_key_of(seed)
}

fn make_pack(w: &Worked, name: &str) -> PathBuf {
    let path = w.dir.path().join(name);
    pack::export_pack(&w.store, w.case_id, &options(), &path, false, &mut |_| {}).unwrap();
    path
}

/// `vetdesk --json verify-pack FILE [--trusted-key PUB]`: (exit code, text output, JSON).
fn verify_pack(file: &Path, trusted: Option<&str>) -> (i32, String, Value) {
    let run = |json: bool| {
        let mut cmd = vetdesk_command();
        if json {
            cmd.arg("--json");
        }
        cmd.arg("verify-pack").arg(file);
        if let Some(key) = trusted {
            cmd.args(["--trusted-key", key]);
        }
        cmd.output().unwrap()
    };
    let text = run(false);
    let json = run(true);
    assert_eq!(text.status.code(), json.status.code());
    (
        text.status.code().unwrap_or(-1),
        String::from_utf8(text.stdout).unwrap() + &String::from_utf8_lossy(&text.stderr),
        serde_json::from_slice(&json.stdout).unwrap(),
    )
}

fn records_of(w: &Worked) -> u64 {
    w.store.audit(vetdesk_core::model::Chain::Case(w.case_id)).unwrap().len() as u64
}

#[test]
fn a_signed_pack_verifies_on_a_machine_with_only_the_public_key() {
    let w = worked_case();
    w.store.checkpoint(COMPLIANCE, &SEED).unwrap();
    let file = make_pack(&w, "signed.zip");
    let records = records_of(&w);

    let (code, out, json) = verify_pack(&file, Some(&public(&SEED)));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("by the trusted key covers all {records} records")), "{out}");
    let signature = &json["signature"];
    assert_eq!(signature["trusted"], true);
    assert_eq!(signature["covers_records"], records);
    assert_eq!(signature["public_key"], public(&SEED));

    // Without a trusted key the signature is only self-consistent, and the output says so.
    let (code, out, json) = verify_pack(&file, None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("NOT checked against a trusted key"), "{out}");
    assert_eq!(json["signature"]["trusted"], false);

    // Someone else's key is named, and the pack fails.
    let (code, out, json) = verify_pack(&file, Some(&public(&OTHER_SEED)));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("checkpoint.json: the checkpoint was signed by key"), "{out}");
    assert!(json["signature"].is_null());

    // The report printed into the pack names the key and what the checkpoint covers.
    let made =
        vetdesk_export::report::case_report(&w.store, w.case_id, &options(), &mut |_| {}).unwrap();
    let pdf = artifacts("reports").join("signed-case-report.pdf");
    std::fs::write(&pdf, &made.pdf.bytes).unwrap();
    let flat = flowing(&tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]));
    assert!(flat.contains("Organisation key"), "{flat}");
    assert!(flat.contains(&format!("covers all {records} records")), "{flat}");
    let fingerprint =
        checkpoint::fingerprint(&checkpoint::parse_public_key(&public(&SEED)).unwrap().to_bytes());
    assert!(flat.contains(&fingerprint), "{flat}");
}

#[test]
fn records_written_after_the_checkpoint_are_shown_as_not_covered() {
    let w = worked_case();
    w.store.checkpoint(COMPLIANCE, &SEED).unwrap();
    let covered = records_of(&w);
    later(&w.store, 5);
    w.store
        .apply(
            ADMIN,
            vetdesk_core::change::Change::AddNote {
                id: None,
                case_id: w.case_id,
                text: "Written after the checkpoint.".into(),
            },
        )
        .unwrap();
    let file = make_pack(&w, "later.zip");
    let (code, out, json) = verify_pack(&file, Some(&public(&SEED)));
    assert_eq!(code, 0, "{out}");
    assert_eq!(json["signature"]["covers_records"], covered);
    assert!(out.contains(&format!("covers records 1-{covered} of {}", covered + 1)), "{out}");
}

#[test]
fn a_pack_without_a_signature_fails_only_when_a_trusted_key_is_asked_for() {
    let w = worked_case();
    let file = make_pack(&w, "unsigned.zip");
    let (code, out, json) = verify_pack(&file, None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Signature: none"), "{out}");
    assert!(json["signature"].is_null());
    let (code, out, _) = verify_pack(&file, Some(&public(&SEED)));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("carries no signed checkpoint"), "{out}");
}

/// The insider rewrites a note of the case in the database (its row and its audit record),
/// recomputes every chain and the ledger, and exports a pack with Vetdesk itself: every hash in
/// the pack agrees, but the ledger no longer ends at the root the organisation signed.
#[test]
fn history_rewritten_in_the_database_does_not_meet_the_signed_root() {
    let w = worked_case();
    w.store.checkpoint(COMPLIANCE, &SEED).unwrap();
    let before = make_pack(&w, "before.zip");
    assert_eq!(verify_pack(&before, Some(&public(&SEED))).0, 0);

    let db = w.dir.path().join("vetdesk.db");
    {
        let conn = Connection::open(&db).unwrap();
        let triggers: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for t in triggers {
            conn.execute_batch(&format!("DROP TRIGGER \"{t}\"")).unwrap();
        }
        let (note_id, text): (i64, String) = conn
            .query_row(
                "SELECT id, text FROM notes WHERE case_id = ?1 ORDER BY id LIMIT 1",
                [w.case_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let forged = "Nothing of concern.";
        conn.execute(
            "UPDATE notes SET text = ?2 WHERE id = ?1",
            rusqlite::params![note_id, forged],
        )
        .unwrap();
        // The note's text is sealed under the candidate's key, which the database holds:
        // open the record, put the forged text in, seal it again.
        let (candidate, key): (i64, Vec<u8>) = conn
            .query_row(
                "SELECT k.candidate_id, k.key FROM cases c
                 JOIN person_keys k ON k.candidate_id = c.candidate_id WHERE c.id = ?1",
                [w.case_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let key = vetdesk_crypto::PersonKey::from_bytes(key.try_into().unwrap());
        let chain = format!("case:{}", w.case_id);
        let rows: Vec<(i64, i64, String)> = conn
            .prepare("SELECT id, seq, change FROM audit_log WHERE chain = ?1")
            .unwrap()
            .query_map([&chain], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut changed = 0;
        for (id, seq, stored) in rows {
            let mut change: serde_json::Value = serde_json::from_str(&stored).unwrap();
            let key_hex = hex::encode(key.as_bytes());
            vetdesk_core::sealed::open_with_key_hex(&mut change, &chain, seq, candidate, &key_hex);
            if change["type"] != "add_note" || change["text"] != serde_json::json!(text) {
                continue;
            }
            change["text"] = serde_json::json!(forged);
            let sealer = vetdesk_core::sealed::Sealer { candidate, key: &key };
            vetdesk_core::sealed::seal_change(&mut change, &chain, seq, &sealer).unwrap();
            let text = vetdesk_core::chain::canonical_json(&change);
            conn.execute(
                "UPDATE audit_log SET change = ?2 WHERE id = ?1",
                rusqlite::params![id, text],
            )
            .unwrap();
            changed += 1;
        }
        assert_eq!(changed, 1, "the note's record was not found");
        rehash_everything(&conn);
    }
    let store = reopen(w.dir.path());
    let rewritten = Worked { store, ..w };
    let file = make_pack(&rewritten, "after.zip");

    let (code, out, _) = verify_pack(&file, Some(&public(&SEED)));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ledger.jsonl: ends at entry"), "{out}");
    assert!(out.contains("not at the signed root"), "{out}");
    // Every other check of the pack passes: only the signature tells.
    assert_eq!(out.matches("\n  ").count(), 1, "{out}");
    // The same holds with no trusted key: the ledger must still meet the checkpoint's root.
    assert_eq!(verify_pack(&file, None).0, 1);
}

/// Someone who can rewrite the archive drops the signature members and re-lists the rest:
/// the pack is then unsigned, which a check with the trusted key refuses.
#[test]
fn stripping_the_signature_from_a_pack_is_refused_under_a_trusted_key() {
    let w = worked_case();
    w.store.checkpoint(COMPLIANCE, &SEED).unwrap();
    let file = make_pack(&w, "signed.zip");
    let bytes = std::fs::read(&file).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut kept = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name != "checkpoint.json" && name != "ledger.jsonl" {
            kept.push((name, data, f.compression()));
        }
    }
    let sha = |b: &[u8]| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b))
    };
    let listed: Vec<Value> = kept
        .iter()
        .filter(|(n, _, _)| n != "manifest.json" && n != "SHA256SUMS")
        .map(|(n, d, _)| serde_json::json!({"path": n, "sha256": sha(d), "size": d.len()}))
        .collect();
    for (name, data, _) in kept.iter_mut() {
        if name == "manifest.json" {
            let mut m: Value = serde_json::from_slice(data).unwrap();
            m["members"] = Value::Array(listed.clone());
            m["checkpoint"] = Value::Null;
            *data = serde_json::to_vec_pretty(&m).unwrap();
        }
    }
    let sums: String = kept
        .iter()
        .filter(|(n, _, _)| n != "SHA256SUMS")
        .map(|(n, d, _)| format!("{}  {n}\n", sha(d)))
        .collect();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data, method) in &kept {
        let data = if name == "SHA256SUMS" { sums.as_bytes() } else { data.as_slice() };
        zip.start_file(name, SimpleFileOptions::default().compression_method(*method)).unwrap();
        zip.write_all(data).unwrap();
    }
    let stripped = w.dir.path().join("stripped.zip");
    std::fs::write(&stripped, zip.finish().unwrap().into_inner()).unwrap();

    let (code, out, _) = verify_pack(&stripped, None);
    assert_eq!(code, 0, "an unsigned pack is still intact: {out}");
    let (code, out, _) = verify_pack(&stripped, Some(&public(&SEED)));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("carries no signed checkpoint"), "{out}");
}

/// `vetdesk pack --checkpoint` signs the store's root first, so the whole chain is covered.
#[test]
fn pack_with_checkpoint_signs_first_and_covers_the_whole_chain() {
    let w = worked_case();
    let outside = tempfile::tempdir().unwrap();
    let key = outside.path().join("org-key.json");
    let run = |args: &[&str]| {
        let out = vetdesk_command()
            .env("VETDESK_DATA_DIR", w.dir.path())
            .env("VETDESK_USER", COMPLIANCE)
            .env("VETDESK_KEY_PASSPHRASE", "correct horse battery staple")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["keys", "init", "--key-file", key.to_str().unwrap()]);
    let file = outside.path().join("pack.zip");
    let case = w.case_id.to_string();
    run(&[
        "pack",
        &case,
        "-o",
        file.to_str().unwrap(),
        "--checkpoint",
        "--key-file",
        key.to_str().unwrap(),
    ]);
    let public_file = outside.path().join("org-key.json.pub");
    let (code, out, json) = verify_pack(&file, Some(public_file.to_str().unwrap()));
    assert_eq!(code, 0, "{out}");
    // The pack's disclosure is recorded after it was made; the chain in the pack is whole.
    assert_eq!(json["signature"]["covers_records"], json["audit_records"]);
}
