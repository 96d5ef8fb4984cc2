//! Audit packs: a clean pack verifies — with `vetdesk verify-pack`, and with nothing but
//! `unzip`, `sha256sum -c` and the pack's own Python script — and every kind of change is
//! caught and named: one changed byte in any member, a removed member, an added member, a
//! history rewritten with freshly computed hashes. Hostile archives (path traversal,
//! absolute paths, links, duplicate names, overlapping entries, encryption, a zip bomb) are
//! refused before anything is read, with exit code 2.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::process::Command;

use vetdesk_core::chain::{ChainRecord, record_hash};
use vetdesk_core::model::Chain;
use vetdesk_export::pack::{self, PackCheck, PackError};
use vetdesk_testkit::*;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// A member as read from an archive.
#[derive(Clone)]
struct Entry {
    name: String,
    data: Vec<u8>,
    method: CompressionMethod,
}

fn make_pack(w: &Worked) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    pack::write_pack(&w.store, w.case_id, &options(), &mut out, &mut |_| {}).unwrap();
    out.into_inner()
}

fn entries(zip_bytes: &[u8]) -> Vec<Entry> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            Entry { name: f.name().unwrap().to_string(), data, method: f.compression() }
        })
        .collect()
}

fn rebuild(entries: &[Entry]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for e in entries {
        zip.start_file(&e.name, SimpleFileOptions::default().compression_method(e.method)).unwrap();
        zip.write_all(&e.data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn check(bytes: &[u8]) -> Result<PackCheck, PackError> {
    pack::verify_pack_reader(Cursor::new(bytes), "test.zip", None, &mut |_| {})
}

fn sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn worked_pack() -> (Worked, Vec<u8>) {
    let w = worked_case();
    let bytes = make_pack(&w);
    (w, bytes)
}

#[test]
fn a_clean_pack_has_every_member_and_verifies() {
    let (w, bytes) = worked_pack();
    let list = entries(&bytes);
    let names: Vec<&str> = list.iter().map(|e| e.name.as_str()).collect();
    for required in [
        "README.txt",
        "verify_chain.py",
        "report.pdf",
        "case.json",
        "audit.jsonl",
        "manifest.json",
        "SHA256SUMS",
    ] {
        assert!(names.contains(&required), "{required} missing: {names:?}");
    }
    // One evidence member per stored file: the passport sent twice is packed once.
    let evidence: Vec<&Entry> = list.iter().filter(|e| e.name.starts_with("evidence/")).collect();
    assert_eq!(evidence.len(), w.evidence.len() - 1);
    for e in &evidence {
        assert!(e.name[9..].starts_with(&sha(&e.data)), "{} is not named after its hash", e.name);
        assert_eq!(
            e.method,
            CompressionMethod::Stored,
            "{}: evidence is stored as attached",
            e.name
        );
    }
    let by_name = |n: &str| list.iter().find(|e| e.name == n).unwrap();
    assert_eq!(by_name("report.pdf").method, CompressionMethod::Stored);
    // The manifest and case.json carry the store root and the case head as verify finds them.
    let verified = w.store.verify().unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&by_name("manifest.json").data).unwrap();
    assert_eq!(manifest["root"], verified.root.as_str());
    let case: serde_json::Value = serde_json::from_slice(&by_name("case.json").data).unwrap();
    assert_eq!(case["audit_chain"]["root"], verified.root.as_str());
    let head = verified.chains.iter().find(|c| c.chain == Chain::Case(w.case_id)).unwrap();
    assert_eq!(case["audit_chain"]["head"], head.head.as_str());
    assert_eq!(by_name("case.json").method, CompressionMethod::Deflated);

    let manifest: serde_json::Value =
        serde_json::from_slice(&by_name("manifest.json").data).unwrap();
    let head = w.store.chain_head(vetdesk_core::model::Chain::Case(w.case_id)).unwrap();
    assert_eq!(manifest["chain_head"], head.as_str());
    assert_eq!(manifest["made_by"]["name"], COMPLIANCE);
    assert_eq!(manifest["made_at"], "2026-11-24T16:45:00.000Z");
    assert_eq!(manifest["tool"], format!("vetdesk {}", env!("CARGO_PKG_VERSION")));
    let listed = manifest["members"].as_array().unwrap();
    assert_eq!(listed.len(), list.len() - 2, "all but manifest.json and SHA256SUMS");
    for m in listed {
        let e = by_name(m["path"].as_str().unwrap());
        assert_eq!(m["sha256"], sha(&e.data).as_str());
        assert_eq!(m["size"], e.data.len());
    }
    assert_eq!(manifest["evidence"].as_array().unwrap().len(), w.evidence.len());
    // audit.jsonl: the stored records, one canonical line each.
    let stored = w
        .store
        .read_at(options().generated_at, |s| {
            s.audit_stored(vetdesk_core::model::Chain::Case(w.case_id))
        })
        .unwrap();
    let audit = String::from_utf8(by_name("audit.jsonl").data.clone()).unwrap();
    assert_eq!(audit.lines().count(), stored.len());
    for (line, r) in audit.lines().zip(&stored) {
        let record = ChainRecord::from_line(line).unwrap();
        assert_eq!((record.seq, record.hash.as_str()), (r.seq, r.hash.as_str()));
        assert_eq!(
            vetdesk_core::chain::canonical_json(&record.change),
            r.change,
            "change not as stored"
        );
    }

    let result = check(&bytes).unwrap();
    assert!(result.ok, "{:?}", result.problems);
    assert_eq!(result.chain_head.as_deref(), Some(head.as_str()));
    assert_eq!(result.case_id, Some(w.case_id));
    assert_eq!(result.members, list.len());

    // The same data and time give the same archive, byte for byte; progress runs from
    // reading through every evidence byte to the end.
    let mut stages = Vec::new();
    let mut again = Cursor::new(Vec::new());
    let summary =
        pack::write_pack(&w.store, w.case_id, &options(), &mut again, &mut |p| stages.push(p))
            .unwrap();
    assert!(again.into_inner() == bytes, "two packs of the same data and time differ");
    let evidence_bytes: u64 = evidence.iter().map(|e| e.data.len() as u64).sum();
    assert_eq!(summary.evidence_bytes, evidence_bytes);
    use vetdesk_export::report::{Progress, Stage};
    assert_eq!(stages.first().map(|p| p.stage), Some(Stage::Reading));
    assert!(stages.contains(&Progress {
        stage: Stage::Evidence,
        done: evidence_bytes,
        total: evidence_bytes
    }));
    assert_eq!(stages.last(), Some(&Progress { stage: Stage::Finishing, done: 1, total: 1 }));
}

#[test]
fn an_auditor_can_check_the_pack_without_vetdesk() {
    let (w, bytes) = worked_pack();
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join(format!("vetdesk-case-{}.zip", w.case_id));
    std::fs::write(&zip_path, &bytes).unwrap();
    let out = dir.path().join("pack");
    tool("unzip", &["-q", zip_path.to_str().unwrap(), "-d", out.to_str().unwrap()]);
    let run = |program: &str, args: &[&str]| {
        let o = Command::new(program).args(args).current_dir(&out).output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
        )
    };
    let (code, text) = run("sha256sum", &["-c", "SHA256SUMS"]);
    assert_eq!(code, Some(0), "{text}");
    let members = entries(&bytes).len();
    assert!(!text.contains("FAILED") && text.matches(": OK").count() == members - 1, "{text}");
    let head = w.store.chain_head(vetdesk_core::model::Chain::Case(w.case_id)).unwrap();
    let (code, text) = run("python3", &["verify_chain.py"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains(&format!("head {head}"))
            && text.contains("manifest.json names the same head"),
        "{text}"
    );
    let readme = std::fs::read_to_string(out.join("README.txt")).unwrap();
    for words in [
        "sha256sum -c SHA256SUMS",
        "python3 verify_chain.py",
        "sort_keys=True",
        "sha256sum verify_chain.py README.txt",
        vetdesk_export::shipped::VERIFY_CHAIN_PY_SHA256,
        "0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        assert!(readme.contains(words), "README lacks {words:?}");
    }

    // The script catches an edited record (the note's text) and a removed one.
    let audit = std::fs::read_to_string(out.join("audit.jsonl")).unwrap();
    let edited = audit.replacen("audio only", "video on", 1);
    assert_ne!(edited, audit);
    std::fs::write(out.join("audit.jsonl"), &edited).unwrap();
    let (code, text) = run("python3", &["verify_chain.py"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("FAILED") && text.contains("content hashes to"), "{text}");
    let lines: Vec<&str> = audit.lines().collect();
    let removed: String =
        lines.iter().enumerate().filter(|(i, _)| *i != 3).map(|(_, l)| format!("{l}\n")).collect();
    std::fs::write(out.join("audit.jsonl"), removed).unwrap();
    let (code, text) = run("python3", &["verify_chain.py"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("record 4: seq 5, expected 4"), "{text}");
    let (code, text) = run("sha256sum", &["-c", "--quiet", "SHA256SUMS"]);
    assert_eq!(code, Some(1));
    assert!(text.contains("audit.jsonl: FAILED"), "{text}");
}

/// The Python script and the store agree on the hash of every kind of text: accents,
/// Cyrillic, quotes, backslashes, control characters, characters outside the BMP.
#[test]
fn the_script_hashes_every_kind_of_text_as_the_store_does() {
    let w = worked_case();
    for text in [
        // (other control characters are refused at input)
        "tab\there, newline\nthere, carriage\r\nreturn",
        "quote \" backslash \\ slash /",
        "emoji 🛂 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, ß, ﬁ, \u{2028}",
    ] {
        w.store
            .apply(
                REVIEWER,
                vetdesk_core::change::Change::AddNote {
                    id: None,
                    case_id: w.case_id,
                    text: text.into(),
                },
            )
            .unwrap();
    }
    let bytes = make_pack(&w);
    let dir = tempfile::tempdir().unwrap();
    for e in entries(&bytes).iter().filter(|e| {
        e.name == "audit.jsonl" || e.name == "manifest.json" || e.name == "verify_chain.py"
    }) {
        std::fs::write(dir.path().join(&e.name), &e.data).unwrap();
    }
    let o =
        Command::new("python3").arg("verify_chain.py").current_dir(dir.path()).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}{}", String::from_utf8_lossy(&o.stderr));
    assert!(text.contains("manifest.json names the same head"), "{text}");
}

fn problems_mention(result: &PackCheck, name: &str) -> bool {
    result.problems.iter().any(|p| p.member == name || p.message.contains(name))
}

#[test]
fn one_changed_byte_in_any_member_is_named() {
    let (_w, bytes) = worked_pack();
    let clean = entries(&bytes);
    for (i, target) in clean.iter().enumerate() {
        let mut changed = clean.clone();
        let data = &mut changed[i].data;
        let at = data.len() / 2;
        data[at] ^= 0x01;
        let result = check(&rebuild(&changed)).unwrap();
        assert!(!result.ok, "{}: a changed byte went unnoticed", target.name);
        // The member itself is named — or, for the checksum list, the member whose line changed.
        let named = problems_mention(&result, &target.name)
            || (target.name == "SHA256SUMS"
                && result.problems.iter().any(|p| p.message.contains("SHA256SUMS")));
        assert!(named, "{}: {:?}", target.name, result.problems);
    }
}

#[test]
fn a_removed_or_added_member_is_named() {
    let (_w, bytes) = worked_pack();
    let clean = entries(&bytes);
    for (i, target) in clean.iter().enumerate() {
        let mut fewer = clean.clone();
        fewer.remove(i);
        let result = check(&rebuild(&fewer)).unwrap();
        assert!(
            !result.ok && problems_mention(&result, &target.name),
            "{} removed: {:?}",
            target.name,
            result.problems
        );
        assert!(
            result
                .problems
                .iter()
                .any(|p| p.message.contains("removed") || p.message.contains("missing")),
            "{:?}",
            result.problems
        );
    }
    // (added member, words the problem must contain)
    let evidence_like = format!("evidence/{}-extra.jpg", sha(b"extra"));
    for (name, data) in
        [("notes.txt", b"added later".to_vec()), (evidence_like.as_str(), b"extra".to_vec())]
    {
        let mut more = clean.clone();
        more.push(Entry { name: name.into(), data, method: CompressionMethod::Stored });
        let result = check(&rebuild(&more)).unwrap();
        assert!(!result.ok, "{name} added unnoticed");
        let p = result
            .problems
            .iter()
            .find(|p| p.member == name)
            .unwrap_or_else(|| panic!("{:?}", result.problems));
        assert!(p.message.contains("added"), "{p:?}");
    }
}

/// Someone rewrites the history and recomputes every hash, the manifest and the checksums:
/// the report still carries the true head, and so does case.json.
#[test]
fn a_rewritten_history_with_fresh_hashes_is_caught_by_the_report() {
    let (_w, bytes) = worked_pack();
    let mut list = entries(&bytes);
    let audit = list.iter().position(|e| e.name == "audit.jsonl").unwrap();
    let text = String::from_utf8(list[audit].data.clone()).unwrap();
    let mut prev = "0".repeat(64);
    let mut lines = String::new();
    for line in text.lines() {
        let mut r = ChainRecord::from_line(line).unwrap();
        if r.change["type"] == "set_status" && r.change["decision"] == "rejected" {
            r.change["decision"] = "cleared".into();
        }
        r.prev_hash = prev.clone();
        r.hash = record_hash(&r);
        prev = r.hash.clone();
        lines.push_str(&r.to_line());
        lines.push('\n');
    }
    list[audit].data = lines.into_bytes();
    let hashes: Vec<(String, String, usize)> = list
        .iter()
        .filter(|e| e.name != "manifest.json" && e.name != "SHA256SUMS")
        .map(|e| (e.name.clone(), sha(&e.data), e.data.len()))
        .collect();
    let m = list.iter().position(|e| e.name == "manifest.json").unwrap();
    let mut manifest: serde_json::Value = serde_json::from_slice(&list[m].data).unwrap();
    manifest["chain_head"] = prev.clone().into();
    manifest["members"] = hashes
        .iter()
        .map(|(p, s, n)| serde_json::json!({"path": p, "sha256": s, "size": n}))
        .collect();
    list[m].data = serde_json::to_vec_pretty(&manifest).unwrap();
    let s = list.iter().position(|e| e.name == "SHA256SUMS").unwrap();
    let mut sums: String = hashes.iter().map(|(p, h, _)| format!("{h}  {p}\n")).collect();
    sums.push_str(&format!("{}  manifest.json\n", sha(&list[m].data)));
    list[s].data = sums.into_bytes();

    let result = check(&rebuild(&list)).unwrap();
    assert!(!result.ok);
    let mut members: Vec<&str> = result.problems.iter().map(|p| p.member.as_str()).collect();
    members.dedup();
    assert_eq!(members, vec!["case.json", "report.pdf"], "{:?}", result.problems);
    let report = result.problems.iter().find(|p| p.member == "report.pdf").unwrap();
    assert!(
        report.message.contains(&format!("but audit.jsonl recomputes to {prev}")),
        "{:?}",
        result.problems
    );
    // case.json still says what the true chain said: the replayed decision differs.
    assert!(
        result.problems.iter().any(|p| p.message
            == "case: decision is \"rejected\", but audit.jsonl replays to \"cleared\""),
        "{:?}",
        result.problems
    );
}

/// A byte flipped in the archive file itself, inside the stored report.
#[test]
fn a_byte_flipped_in_the_archive_file_is_caught() {
    let (_w, mut bytes) = worked_pack();
    let at = bytes.windows(8).position(|w| w == b"%PDF-1.3").unwrap() + 5000;
    bytes[at] ^= 0x20;
    let result = check(&bytes).unwrap();
    assert!(!result.ok && problems_mention(&result, "report.pdf"), "{:?}", result.problems);
}

// ---- hostile archives ----

fn zip_of(build: impl FnOnce(&mut zip::ZipWriter<Cursor<Vec<u8>>>)) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    build(&mut zip);
    zip.finish().unwrap().into_inner()
}

fn stored() -> SimpleFileOptions {
    SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
}

fn with_file(name: &str, data: &[u8]) -> Vec<u8> {
    zip_of(|z| {
        z.start_file("README.txt", stored()).unwrap();
        z.write_all(b"readme").unwrap();
        z.start_file(name, stored()).unwrap();
        z.write_all(data).unwrap();
    })
}

/// Sets a bit of the general-purpose flags of every entry, in local and central headers.
fn set_flag(mut bytes: Vec<u8>, bit: u16) -> Vec<u8> {
    for (sig, offset) in [([0x50, 0x4b, 0x03, 0x04], 6), ([0x50, 0x4b, 0x01, 0x02], 8)] {
        let at: Vec<usize> =
            bytes.windows(4).enumerate().filter(|(_, w)| *w == sig).map(|(i, _)| i).collect();
        for i in at {
            bytes[i + offset] |= (bit & 0xff) as u8;
        }
    }
    bytes
}

fn hostile_archives() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let zeros = vec![0u8; 64 * 1024 * 1024];
    vec![
        ("path traversal", with_file("../../../../tmp/evil.sh", b"#!/bin/sh"), "'..'"),
        ("traversal inside", with_file("evidence/../../evil", b"x"), "'..'"),
        ("absolute path", with_file("/etc/cron.d/evil", b"x"), "absolute path"),
        ("windows traversal", with_file("..\\..\\evil.bat", b"x"), "backslash"),
        ("drive letter", with_file("C:/Windows/evil.dll", b"x"), "drive letter"),
        (
            "symbolic link",
            zip_of(|z| {
                z.start_file("README.txt", stored()).unwrap();
                z.write_all(b"readme").unwrap();
                z.add_symlink("evidence/passport.jpg", "/etc/passwd", stored()).unwrap();
            }),
            "symbolic link",
        ),
        (
            "duplicate names",
            {
                let bytes = zip_of(|z| {
                    z.start_file("report.pdf", stored()).unwrap();
                    z.write_all(b"first").unwrap();
                    z.start_file("report.pdX", stored()).unwrap();
                    z.write_all(b"second").unwrap();
                });
                // Rename the second entry to the first's name in every header.
                let mut bytes = bytes;
                for i in 0..bytes.len() - 10 {
                    if &bytes[i..i + 10] == b"report.pdX" {
                        bytes[i + 9] = b'f';
                    }
                }
                bytes
            },
            "more than once",
        ),
        (
            "overlapping entries",
            zip_of(|z| {
                z.start_file("evidence/a.bin", stored()).unwrap();
                z.write_all(&[7u8; 4096]).unwrap();
                z.shallow_copy_file("evidence/a.bin", "evidence/b.bin").unwrap();
            }),
            "share their bytes",
        ),
        ("encrypted entry", set_flag(with_file("case.json", b"{}"), 1), "encrypted"),
        (
            "millions of entries",
            {
                // The end record declares a 100 MiB central directory.
                let mut bytes = with_file("case.json", b"{}");
                let at = bytes.windows(4).rposition(|w| w == [0x50, 0x4b, 0x05, 0x06]).unwrap();
                bytes[at + 12..at + 16].copy_from_slice(&(100u32 << 20).to_le_bytes());
                bytes
            },
            "central directory of 104857600 bytes",
        ),
        (
            "zip bomb",
            zip_of(|z| {
                z.start_file(
                    "evidence/zeros.bin",
                    SimpleFileOptions::default().compression_method(CompressionMethod::Deflated),
                )
                .unwrap();
                z.write_all(&zeros).unwrap();
            }),
            "absurd compression ratio",
        ),
    ]
}

#[test]
fn hostile_archives_are_refused_with_the_reason() {
    for (what, bytes, reason) in hostile_archives() {
        match check(&bytes) {
            Err(e @ PackError::Hostile { .. }) => {
                assert!(e.is_refusal());
                assert!(e.to_string().contains(reason), "{what}: {e}");
            }
            other => panic!("{what}: expected a refusal, got {other:?}"),
        }
    }
    for (what, bytes) in [("empty file", vec![]), ("not a zip", b"%PDF-1.4 hello".to_vec())] {
        match check(&bytes) {
            Err(e @ PackError::Unreadable { .. }) => {
                assert!(e.to_string().contains("not a readable ZIP archive"), "{what}: {e}")
            }
            other => panic!("{what}: expected unreadable, got {other:?}"),
        }
    }
}

fn vetdesk(tmp: &Path) -> Command {
    let mut cmd = vetdesk_command();
    // No data directory: an auditor's machine. Temp files, if any were made, would land here.
    cmd.env_remove("VETDESK_DATA_DIR").env("TMPDIR", tmp).env("HOME", tmp);
    cmd
}

#[test]
fn verify_pack_command_exit_codes_and_no_writes() {
    let (_w, bytes) = worked_pack();
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, data: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        p
    };
    let clean = write("clean.zip", &bytes);
    let mut changed = entries(&bytes);
    let case = changed.iter().position(|e| e.name == "case.json").unwrap();
    changed[case].data.push(b' ');
    let changed = write("changed.zip", &rebuild(&changed));
    let (_, traversal, _) = hostile_archives().into_iter().next().unwrap();
    let traversal = write("traversal.zip", &traversal);
    let not_zip = write("not.zip", b"hello");
    // (file, exit code, words on stdout, words on stderr)
    let rows = [
        (&clean, 0, "OK: ", ""),
        (&changed, 1, "case.json: hashes to", ""),
        (
            &traversal,
            2,
            "",
            "vetdesk: error: refused: \"../../../../tmp/evil.sh\": '..' path component",
        ),
        (&not_zip, 2, "", "not a readable ZIP archive"),
    ];
    let before: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    for (file, code, out, err) in rows {
        let o = vetdesk(tmp.path()).arg("verify-pack").arg(file).output().unwrap();
        let (stdout, stderr) =
            (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        assert_eq!(o.status.code(), Some(code), "{file:?}: {stdout}{stderr}");
        assert!(stdout.contains(out) && stderr.contains(err), "{file:?}: {stdout}{stderr}");
    }
    let json = vetdesk(tmp.path()).args(["--json", "verify-pack"]).arg(&changed).output().unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["ok"], false);
    assert!(value["problems"].as_array().unwrap().iter().any(|p| p["member"] == "case.json"));
    // Checking wrote nothing: not beside the packs, not in the temp folder.
    let after: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}
