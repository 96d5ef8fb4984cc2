//! Audit packs: one ZIP archive an auditor can check without Vetdesk — the case report, the
//! case data as JSON, the audit chain exactly as stored, every evidence file, a manifest, a
//! `SHA256SUMS` list and a README that says how to check them. Written as a stream: evidence
//! files are copied through one fixed buffer and hashed on the way, so memory stays flat
//! however large the evidence. [`verify_pack`] checks a pack without unpacking it.

mod replay;
mod signed;
mod verify;

use std::collections::BTreeSet;
use std::io::{self, Read, Seek, Write};
use std::path::Path;

use chrono::{Datelike, Timelike};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

pub use signed::PackSignature;
pub use verify::{PackCheck, PackProblem, verify_pack, verify_pack_reader};

use crate::report::{
    CaseData, Progress, ReportError, ReportOptions, Signed, Stage, render_case_report,
    write_atomically,
};
use crate::shipped;
use vetdesk_core::chain::ChainRecord;
use vetdesk_core::evidence::{EvidenceError, Sha256Hex};
use vetdesk_core::model::{CaseId, EvidenceId, Timestamp};
use vetdesk_core::store::Store;

/// `format` of `manifest.json`.
pub const MANIFEST_FORMAT: &str = "vetdesk-audit-pack";
pub const MANIFEST_VERSION: u32 = 1;

/// Members every pack has, besides `evidence/`.
pub(crate) const README: &str = "README.txt";
pub(crate) const VERIFY_SCRIPT: &str = "verify_chain.py";
pub(crate) const REPORT: &str = "report.pdf";
pub(crate) const CASE_JSON: &str = "case.json";
pub(crate) const AUDIT: &str = "audit.jsonl";
pub(crate) const MANIFEST: &str = "manifest.json";
/// The organisation's newest signed checkpoint, when it covers the case, and the ledger
/// entries from the case's first record to that checkpoint (one JSON object per line): with
/// them a pack's records are checked against a signature on a machine holding only the
/// organisation's public key.
pub(crate) const CHECKPOINT: &str = "checkpoint.json";
pub(crate) const LEDGER: &str = "ledger.jsonl";
pub(crate) const SUMS: &str = "SHA256SUMS";
pub(crate) const EVIDENCE_DIR: &str = "evidence/";

/// Copy evidence in pieces of this size: system calls cost nothing next to hashing, and
/// memory does not depend on the file size.
const BUF_LEN: usize = 256 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum PackError {
    #[error("{0}")]
    Report(#[from] ReportError),
    #[error("evidence E{id} ({name}): {source}")]
    Evidence { id: EvidenceId, name: String, source: EvidenceError },
    /// A stored evidence file no longer has the bytes its name promises: no pack is made
    /// that would carry it as if it were intact.
    #[error(
        "evidence E{id} ({name}): the stored file hashes to {actual}, not to its recorded \
         {expected}; run `vetdesk verify`"
    )]
    EvidenceChanged { id: EvidenceId, name: String, expected: String, actual: String },
    #[error("writing the archive failed at {member}: {source}")]
    Zip { member: String, source: zip::result::ZipError },
    #[error("writing the archive failed at {member}: {source}")]
    Io { member: String, source: io::Error },
    /// The archive cannot be read as a ZIP file at all.
    #[error("{path}: not a readable ZIP archive: {reason}")]
    Unreadable { path: String, reason: String },
    /// The archive contains something no Vetdesk pack contains and that could do harm on
    /// extraction (or exhaust the machine): it is refused without further checking.
    #[error("refused: {entry}: {reason}")]
    Hostile { entry: String, reason: String },
}

impl PackError {
    /// Whether a check could not even start: an unreadable or hostile archive (exit 2), as
    /// opposed to a pack that was read and did not match (exit 1).
    pub fn is_refusal(&self) -> bool {
        matches!(self, PackError::Unreadable { .. } | PackError::Hostile { .. })
    }
}

/// One member of a pack and its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Member {
    pub path: String,
    pub sha256: String,
    #[ts(type = "number")]
    pub size: u64,
}

/// What [`write_pack`] made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackSummary {
    pub case_id: CaseId,
    pub chain_head: String,
    #[ts(type = "number")]
    pub audit_records: u64,
    /// Every member but `manifest.json` and `SHA256SUMS`, in archive order.
    pub members: Vec<Member>,
    pub evidence_files: usize,
    #[ts(type = "number")]
    pub evidence_bytes: u64,
    pub report_pages: usize,
}

/// `evidence/<sha256>-<name>`: the name reduced to one safe path component. Anything that
/// could climb out of a folder, hide a file, or confuse a shell or a file system (separators,
/// control and reserved characters, leading dots) becomes `_`; the hash prefix makes every
/// name unique and never a reserved device name.
pub fn evidence_member(sha256: &str, original_name: &str) -> String {
    let base = original_name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut clean: String = base
        .chars()
        .map(|c| match c {
            c if c.is_control() || vetdesk_core::store::rules::is_bidi_control(c) => '_',
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c => c,
        })
        .collect();
    clean = clean.trim_matches(|c: char| c == '.' || c.is_whitespace()).to_string();
    // Long names: keep the end (the extension tells the type) and stay well under the
    // 255-byte file name limit of common file systems with the 65-byte prefix.
    const MAX_BYTES: usize = 120;
    if clean.len() > MAX_BYTES {
        let mut start = clean.len() - MAX_BYTES;
        while !clean.is_char_boundary(start) {
            start += 1;
        }
        clean = clean[start..].trim_start_matches(['.', ' ']).to_string();
    }
    if clean.is_empty() {
        clean = "file".to_string();
    }
    format!("{EVIDENCE_DIR}{sha256}-{clean}")
}

/// Passes bytes on and hashes them.
struct Hashing<'a, W: Write> {
    inner: &'a mut W,
    hasher: Sha256,
    bytes: u64,
}

impl<'a, W: Write> Hashing<'a, W> {
    fn new(inner: &'a mut W) -> Self {
        Hashing { inner, hasher: Sha256::new(), bytes: 0 }
    }
    fn finish(self, path: &str) -> Member {
        Member {
            path: path.to_string(),
            sha256: hex::encode(self.hasher.finalize()),
            size: self.bytes,
        }
    }
}

impl<W: Write> Write for Hashing<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn zip_time(at: &Timestamp) -> zip::DateTime {
    let t = at.as_datetime();
    let field = |v: u32| u8::try_from(v).unwrap_or(0);
    u16::try_from(t.year())
        .ok()
        .and_then(|year| {
            zip::DateTime::from_date_and_time(
                year,
                field(t.month()),
                field(t.day()),
                field(t.hour()),
                field(t.minute()),
                field(t.second()),
            )
            .ok()
        })
        .unwrap_or_default()
}

struct PackWriter<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    time: zip::DateTime,
    members: Vec<Member>,
}

impl<W: Write + Seek> PackWriter<W> {
    fn options(&self, method: CompressionMethod, size_hint: u64) -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(self.time)
            .unix_permissions(0o644)
            // ZIP64 fields for members that may pass 4 GiB; the rest stay plain ZIP.
            .large_file(size_hint >= u64::from(u32::MAX))
    }

    /// Writes a member and returns its hash; `fill` writes the content.
    fn member(
        &mut self,
        path: &str,
        method: CompressionMethod,
        size_hint: u64,
        fill: impl FnOnce(&mut Hashing<'_, zip::ZipWriter<W>>) -> Result<(), PackError>,
    ) -> Result<Member, PackError> {
        let options = self.options(method, size_hint);
        self.zip
            .start_file(path, options)
            .map_err(|source| PackError::Zip { member: path.to_string(), source })?;
        let mut hashing = Hashing::new(&mut self.zip);
        fill(&mut hashing)?;
        let member = hashing.finish(path);
        self.members.push(member.clone());
        Ok(member)
    }

    fn bytes(
        &mut self,
        path: &str,
        method: CompressionMethod,
        bytes: &[u8],
    ) -> Result<Member, PackError> {
        self.member(path, method, bytes.len() as u64, |w| {
            w.write_all(bytes).map_err(|source| PackError::Io { member: path.to_string(), source })
        })
    }
}

/// Writes the audit pack of a case to `out`, reading the case once (one transaction) for the
/// report, `case.json` and `audit.jsonl` alike. `progress` hears about the report's previews
/// and then about evidence bytes copied.
#[tracing::instrument(level = "debug", skip(store, options, out, progress))]
pub fn write_pack<W: Write + Seek>(
    store: &Store,
    case_id: CaseId,
    options: &ReportOptions,
    out: W,
    progress: &mut dyn FnMut(Progress),
) -> Result<PackSummary, PackError> {
    progress(Progress::at(Stage::Reading, 0, 1));
    let data = CaseData::load(store, case_id, options)?;
    progress(Progress::at(Stage::Reading, 1, 1));
    let files = store.files();
    let report = render_case_report(&data, &files, progress)?;

    let mut pack = PackWriter {
        zip: zip::ZipWriter::new(out),
        time: zip_time(&options.generated_at),
        members: Vec::new(),
    };
    let tool = format!("vetdesk {}", env!("CARGO_PKG_VERSION"));
    let head = data.chain.head.clone();
    // The same README and script in every pack of this version, so that an auditor can
    // compare them with the published hashes before running anything.
    pack.bytes(README, CompressionMethod::Deflated, shipped::README_TXT.as_bytes())?;
    pack.bytes(VERIFY_SCRIPT, CompressionMethod::Deflated, shipped::VERIFY_CHAIN_PY.as_bytes())?;
    // The report's content streams are compressed already and its images are JPEGs.
    pack.bytes(REPORT, CompressionMethod::Stored, &report.pdf.bytes)?;
    let report_pages = report.pdf.page_count;
    drop(report);

    // One member per stored file: the same content attached twice is packed once.
    let mut seen = BTreeSet::new();
    let evidence: Vec<_> =
        data.detail.evidence.iter().filter(|e| seen.insert(e.sha256.clone())).collect();
    let member_of = |sha: &str| {
        data.detail
            .evidence
            .iter()
            .find(|e| e.sha256 == sha)
            .map(|e| evidence_member(&e.sha256, &e.original_name))
            .unwrap_or_default()
    };
    let case_json =
        serde_json::to_vec_pretty(&data.to_json(&member_of)).map_err(ReportError::from)?;
    pack.bytes(CASE_JSON, CompressionMethod::Deflated, &case_json)?;
    drop(case_json);

    let mut audit = Vec::new();
    for r in &data.audit {
        // Checked when the case was read; a record that does not parse never gets here.
        let record = ChainRecord::from_stored(r)
            .map_err(|reason| ReportError::BrokenChain { case_id, reason })?;
        audit.extend_from_slice(record.to_line().as_bytes());
        audit.push(b'\n');
    }
    pack.bytes(AUDIT, CompressionMethod::Deflated, &audit)?;
    drop(audit);
    if let Some(signed) = &data.signed {
        write_signed(&mut pack, store, signed)?;
    }

    let total: u64 = evidence.iter().map(|e| e.size).sum();
    let mut done = 0u64;
    let mut buf = vec![0u8; BUF_LEN];
    progress(Progress::at(Stage::Evidence, 0, total));
    for e in &evidence {
        let path = evidence_member(&e.sha256, &e.original_name);
        let fail = |source| PackError::Evidence { id: e.id, name: e.original_name.clone(), source };
        let sha: Sha256Hex = e.sha256.parse().map_err(|_| PackError::EvidenceChanged {
            id: e.id,
            name: e.original_name.clone(),
            expected: e.sha256.clone(),
            actual: "nothing (the recorded hash is not a SHA-256)".into(),
        })?;
        let mut file = files.open(&sha).map_err(fail)?;
        // Stored, never deflated: evidence is mostly compressed media already (photos, scans,
        // PDFs), the packed bytes stay the very bytes that were attached, packing runs at disk
        // and hashing speed, and `verify-pack` can refuse any member with a bomb-like
        // compression ratio without ever refusing a genuine pack.
        let member = pack.member(&path, CompressionMethod::Stored, e.size, |w| {
            loop {
                let n = match file.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(source) => return Err(PackError::Io { member: path.clone(), source }),
                };
                w.write_all(&buf[..n])
                    .map_err(|source| PackError::Io { member: path.clone(), source })?;
                done += n as u64;
                progress(Progress::at(Stage::Evidence, done, total));
            }
            Ok(())
        })?;
        if member.sha256 != e.sha256 {
            return Err(PackError::EvidenceChanged {
                id: e.id,
                name: e.original_name.clone(),
                expected: e.sha256.clone(),
                actual: member.sha256,
            });
        }
    }

    progress(Progress::at(Stage::Finishing, 0, 1));
    let members = pack.members.clone();
    let manifest = serde_json::json!({
        "format": MANIFEST_FORMAT,
        "format_version": MANIFEST_VERSION,
        "tool": tool,
        "case_id": case_id,
        "chain": format!("case:{case_id}"),
        "chain_head": head,
        "audit_records": data.chain.records,
        "root": data.root,
        "checkpoint": data.signed.as_ref().map(|s| serde_json::json!({
            "fingerprint": s.checkpoint.fingerprint,
            "public_key": s.checkpoint.public_key,
            "at": s.checkpoint.at,
            "entries": s.checkpoint.entries,
            "root": s.checkpoint.root,
            "covers_records": s.covered,
        })),
        "made_at": options.generated_at,
        "made_by": { "name": data.generated_by.name, "display_name": data.generated_by.display_name },
        "hash_algorithm": "sha256",
        "members": members,
        "evidence": data.detail.evidence.iter().map(|e| serde_json::json!({
            "evidence_id": e.id,
            "sha256": e.sha256,
            "size": e.size,
            "original_name": e.original_name,
            "member": evidence_member(&e.sha256, &e.original_name),
        })).collect::<Vec<_>>(),
    });
    let manifest = serde_json::to_vec_pretty(&manifest).map_err(ReportError::from)?;
    pack.bytes(MANIFEST, CompressionMethod::Deflated, &manifest)?;
    // SHA256SUMS covers the manifest too; text mode lines (two spaces) as sha256sum writes.
    let sums: String = pack.members.iter().map(|m| format!("{}  {}\n", m.sha256, m.path)).collect();
    pack.bytes(SUMS, CompressionMethod::Deflated, sums.as_bytes())?;
    pack.zip
        .finish()
        .map_err(|source| PackError::Zip { member: "the central directory".into(), source })?;
    progress(Progress::at(Stage::Finishing, 1, 1));
    Ok(PackSummary {
        case_id,
        chain_head: head,
        audit_records: data.chain.records,
        members,
        evidence_files: evidence.len(),
        evidence_bytes: total,
        report_pages,
    })
}

/// Writes `checkpoint.json` and `ledger.jsonl`: the entries from the case's first record to
/// the checkpoint, streamed from the store (entries up to a signed position never change).
fn write_signed<W: Write + Seek>(
    pack: &mut PackWriter<W>,
    store: &Store,
    signed: &Signed,
) -> Result<(), PackError> {
    let checkpoint = serde_json::to_vec_pretty(&signed.checkpoint).map_err(ReportError::from)?;
    pack.bytes(CHECKPOINT, CompressionMethod::Deflated, &checkpoint)?;
    let (from, to) = (signed.first_entry, signed.checkpoint.entries);
    let hint = u64::try_from(to - from + 1).unwrap_or(0).saturating_mul(400);
    pack.member(LEDGER, CompressionMethod::Deflated, hint, |w| {
        let io_error = |source| PackError::Io { member: LEDGER.to_string(), source };
        let mut line = Vec::with_capacity(512);
        store
            .read(|r| {
                r.ledger_between(from, to, &mut |entry| {
                    line.clear();
                    serde_json::to_writer(&mut line, &entry).map_err(io::Error::other)?;
                    line.push(b'\n');
                    w.write_all(&line)
                })
            })
            .map_err(|e| PackError::Report(ReportError::from(e)))?
            .map_err(io_error)
    })?;
    Ok(())
}

/// Writes the pack to `dest` through a temp file beside it (see
/// [`write_atomically`]): `dest` never holds half a pack.
pub fn export_pack(
    store: &Store,
    case_id: CaseId,
    options: &ReportOptions,
    dest: &Path,
    overwrite: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<PackSummary, PackError> {
    write_atomically(dest, overwrite, |file| {
        let out = io::BufWriter::with_capacity(BUF_LEN, file);
        write_pack(store, case_id, options, out, progress)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_names_are_one_safe_component() {
        let sha = "ab".repeat(32);
        // (original name, name in the pack after the hash)
        let rows = [
            ("passport.jpg", "passport.jpg"),
            ("Паспорт Иванова.jpg", "Паспорт Иванова.jpg"),
            ("../../etc/passwd", "passwd"),
            ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
            ("/abs/path/scan.png", "scan.png"),
            ("..", "file"),
            ("", "file"),
            (".hidden", "hidden"),
            ("a:b*c?d\"e<f>g|h", "a_b_c_d_e_f_g_h"),
            ("line\nbreak\u{0}.txt", "line_break_.txt"),
            ("trailing. . ", "trailing"),
            ("CON", "CON"),
            ("invoice\u{202E}gpj.exe", "invoice_gpj.exe"),
            ("\u{2067}scan\u{2069}.pdf", "_scan_.pdf"),
        ];
        for (name, want) in rows {
            assert_eq!(evidence_member(&sha, name), format!("evidence/{sha}-{want}"), "{name:?}");
        }
        let long = format!("{}.jpg", "é".repeat(200));
        let m = evidence_member(&sha, &long);
        assert!(m.ends_with(".jpg") && m.len() <= "evidence/".len() + 65 + 120, "{m}");
    }
}
