//! `verify-pack`: checks an audit pack without unpacking it. First the archive itself —
//! entries with absolute paths, `..`, backslashes, links, duplicate or overlapping entries,
//! encryption, foreign compression or a bomb-like compression ratio are refused before a
//! byte of content is read. Then every member is streamed once through SHA-256 (nothing is
//! written anywhere; the JSON members are parsed as they stream, each under a size limit) and
//! compared with `manifest.json` and `SHA256SUMS`; the audit chain is recomputed from
//! `audit.jsonl` and its head compared with the manifest, `case.json` and the head the report
//! carries in its PDF metadata; the chain is replayed and compared with `case.json`; every
//! evidence file is matched to the chain's attach records; and `README.txt` and
//! `verify_chain.py` are compared with the bytes this version ships.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zip::CompressionMethod;
use zip::read::ZipReadOptions;

use super::replay::{CaseJson, Replay};
use super::signed::{self, LedgerRead, PackSignature};
use super::{
    AUDIT, CASE_JSON, CHECKPOINT, EVIDENCE_DIR, LEDGER, MANIFEST, MANIFEST_FORMAT,
    MANIFEST_VERSION, PackError, README, REPORT, SUMS, VERIFY_SCRIPT,
};
use crate::report::{Progress, Stage};
use crate::shipped;
use vetdesk_core::chain::{self, ChainHead, ChainRecord};
use vetdesk_core::checkpoint::SignedCheckpoint;
use vetdesk_core::model::CaseId;

/// An entry that inflates to more than this many times its packed size (and to more than
/// [`RATIO_FLOOR`]) is treated as a decompression bomb. Vetdesk packs store evidence and the
/// report uncompressed and deflate only JSON and text, which stays far below this.
const MAX_RATIO: u64 = 100;
const RATIO_FLOOR: u64 = 1024 * 1024;
const MIB: u64 = 1024 * 1024;

/// The most a member that Vetdesk reads (rather than only hashes) may hold. Each is far above
/// what a genuine pack carries (a case with a thousand evidence files has a manifest of about
/// half a MiB) and low enough that parsing it stays within a few hundred MiB whatever it
/// holds: a pack of 2.7 MB whose manifest inflated to 270 MB once took 2.3 GB to check.
fn limit_of(name: &str) -> Option<u64> {
    match name {
        README | VERIFY_SCRIPT | CHECKPOINT => Some(MIB),
        MANIFEST | SUMS => Some(16 * MIB),
        CASE_JSON => Some(32 * MIB),
        AUDIT => Some(64 * MIB),
        // Kept whole for the PDF parser: photos make reports large.
        REPORT => Some(256 * MIB),
        // Evidence only passes through the hash.
        _ => None,
    }
}

/// The fields of `manifest.json` that are checked.
#[derive(Debug, Deserialize)]
struct ManifestJson {
    format: String,
    format_version: u64,
    case_id: Option<CaseId>,
    chain: Option<String>,
    chain_head: String,
    audit_records: u64,
    tool: Option<String>,
    members: Vec<super::Member>,
}

/// Passes an entry's bytes on, hashing and counting them, and stops at its declared size.
struct Tee<'a, R: Read> {
    inner: R,
    hasher: Sha256,
    size: u64,
    declared: u64,
    /// More bytes came out than the archive declared (refused).
    overrun: bool,
    /// The entry could not be inflated (its bytes were changed).
    failed: Option<io::Error>,
    done: &'a mut u64,
    total: u64,
    progress: &'a mut dyn FnMut(Progress),
}

impl<R: Read> Read for Tee<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.overrun || self.failed.is_some() {
            return Err(io::Error::other("the member was not read to its end"));
        }
        let n = loop {
            match self.inner.read(buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let shown = io::Error::other(e.to_string());
                    self.failed = Some(e);
                    return Err(shown);
                }
            }
        };
        self.size += n as u64;
        if self.size > self.declared {
            self.overrun = true;
            return Err(io::Error::other("the member inflates beyond its declared size"));
        }
        self.hasher.update(&buf[..n]);
        *self.done += n as u64;
        (self.progress)(Progress::at(Stage::Checking, *self.done, self.total));
        Ok(n)
    }
}

/// What the members Vetdesk reads said, gathered while they stream past.
#[derive(Default)]
struct Parsed {
    manifest: Option<ManifestJson>,
    sums: Option<String>,
    case: Option<CaseJson>,
    report: Option<Vec<u8>>,
    replay: Replay,
    /// The chain recomputed from `audit.jsonl`, when it checks out.
    chain: Option<ChainHead>,
    /// The hash of each record of `audit.jsonl`, in order.
    record_hashes: Vec<String>,
    checkpoint: Option<Result<SignedCheckpoint, String>>,
    ledger: Option<LedgerRead>,
}

impl Parsed {
    /// Reads one member to its end through `tee`; returns why its content is not what it
    /// should be, if it is not.
    fn member<R: Read>(&mut self, name: &str, tee: &mut Tee<'_, R>) -> Option<String> {
        let mut reader = BufReader::with_capacity(256 * 1024, tee);
        let mut why = None;
        match name {
            MANIFEST => match serde_json::from_reader::<_, ManifestJson>(&mut reader) {
                Ok(m) => self.manifest = Some(m),
                Err(e) => why = Some(format!("is not a valid manifest ({e})")),
            },
            CASE_JSON => match serde_json::from_reader::<_, CaseJson>(&mut reader) {
                Ok(c) => self.case = Some(c),
                Err(e) => why = Some(format!("is not valid case data ({e})")),
            },
            SUMS | REPORT => {
                let mut bytes = Vec::new();
                if reader.read_to_end(&mut bytes).is_ok() {
                    if name == SUMS {
                        self.sums = Some(String::from_utf8_lossy(&bytes).into_owned());
                    } else {
                        self.report = Some(bytes);
                    }
                }
            }
            CHECKPOINT => {
                self.checkpoint = Some(
                    serde_json::from_reader::<_, SignedCheckpoint>(&mut reader)
                        .map_err(|e| format!("is not a signed checkpoint ({e})")),
                );
            }
            LEDGER => {
                let chain = self.chain.as_ref().and_then(|h| h.chain.as_deref());
                self.ledger = Some(LedgerRead::read(&mut reader, chain));
            }
            AUDIT => {
                // Personal fields are sealed under the candidate's key, which `case.json`
                // (written before `audit.jsonl`) carries; the hashes are of the sealed text.
                let sealing = self
                    .case
                    .as_ref()
                    .and_then(|c| c.sealing.as_ref())
                    .map(|s| (s.candidate_id, s.person_key.clone()));
                let replay = &mut self.replay;
                let hashes = &mut self.record_hashes;
                let mut n = 0;
                // A read error ends the lines; the caller names it from the tee.
                let records = (&mut reader).split(b'\n').map_while(Result::ok).map(|line| {
                    n += 1;
                    let record = String::from_utf8(line)
                        .map_err(|_| "the line is not UTF-8".to_string())
                        .and_then(|l| ChainRecord::from_line(l.trim_end_matches('\r')));
                    if let Ok(r) = &record {
                        match &sealing {
                            Some((candidate, key)) => {
                                let mut opened = r.clone();
                                vetdesk_core::sealed::open_with_key_hex(
                                    &mut opened.change,
                                    &opened.chain,
                                    opened.seq,
                                    *candidate,
                                    key,
                                );
                                replay.record(n, &opened);
                            }
                            None => replay.record(n, r),
                        }
                        hashes.push(r.hash.clone());
                    }
                    record
                });
                match chain::check(records) {
                    Ok(head) => self.chain = Some(head),
                    Err(e) => why = Some(format!("the audit chain does not verify: {e}")),
                }
            }
            _ => {}
        }
        // The rest (all of an evidence file; whatever a parser left) only passes the hash.
        let _ = io::copy(&mut reader, &mut io::sink());
        why
    }
}
/// The archive reader keeps every entry of the central directory in memory: an archive of
/// millions of tiny entries is refused before it is read (a pack has a few per evidence file).
const MAX_DIRECTORY: u64 = 64 * 1024 * 1024;

/// One thing in a pack that does not match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackProblem {
    /// The member (or `archive`) it concerns.
    pub member: String,
    pub message: String,
}

/// The outcome of checking a pack that could be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackCheck {
    pub ok: bool,
    pub case_id: Option<CaseId>,
    /// The head recomputed from `audit.jsonl`, when the chain checks out.
    pub chain_head: Option<String>,
    #[ts(type = "number")]
    pub audit_records: u64,
    pub members: usize,
    #[ts(type = "number")]
    pub bytes: u64,
    /// What the organisation's signature covers, when the pack carries one that holds.
    pub signature: Option<Box<PackSignature>>,
    pub problems: Vec<PackProblem>,
}

fn hostile(entry: &str, reason: impl Into<String>) -> PackError {
    PackError::Hostile { entry: entry.to_string(), reason: reason.into() }
}

/// Why an entry name is unsafe to extract anywhere, if it is.
fn unsafe_name(raw: &[u8]) -> Option<&'static str> {
    let Ok(name) = std::str::from_utf8(raw) else {
        return Some("the name is not UTF-8");
    };
    if name.is_empty() {
        return Some("the name is empty");
    }
    if name.chars().any(char::is_control) {
        return Some("the name contains control characters");
    }
    if name.starts_with('/') {
        return Some("absolute path");
    }
    if name.contains('\\') {
        return Some("backslash in the name (a path separator on Windows)");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Some("drive letter (an absolute path on Windows)");
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    for part in trimmed.split('/') {
        match part {
            ".." => return Some("'..' path component (climbs out of the extraction folder)"),
            "." | "" => return Some("empty or '.' path component"),
            _ => {}
        }
    }
    None
}

/// Lists the names of the central directory as stored, to name a duplicate (the archive
/// reader keeps only the last entry of each name). Reads only within the archive, stops at
/// anything that is not a central directory header.
fn central_names<R: Read + Seek>(
    reader: &mut R,
    start: u64,
    limit: usize,
) -> io::Result<Vec<Vec<u8>>> {
    reader.seek(SeekFrom::Start(start))?;
    let mut names = Vec::new();
    let mut header = [0u8; 46];
    while names.len() < limit {
        if reader.read_exact(&mut header).is_err() || header[..4] != [0x50, 0x4b, 0x01, 0x02] {
            break;
        }
        let field = |at: usize| u64::from(u16::from_le_bytes([header[at], header[at + 1]]));
        let (name_len, extra_len, comment_len) = (field(28), field(30), field(32));
        let mut name = vec![0u8; name_len as usize];
        reader.read_exact(&mut name)?;
        reader.seek(SeekFrom::Current((extra_len + comment_len) as i64))?;
        names.push(name);
    }
    Ok(names)
}

/// The size of the central directory as the end records declare it (ZIP64 included), read
/// from the last 64 KiB of the file; `None` when they cannot be found (the archive reader
/// then says what is wrong).
fn central_directory_size<R: Read + Seek>(reader: &mut R) -> Option<u64> {
    let len = reader.seek(SeekFrom::End(0)).ok()?;
    let tail_len = len.min(65_557 + 20);
    reader.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = vec![0u8; tail_len as usize];
    reader.read_exact(&mut tail).ok()?;
    let at = tail.windows(4).rposition(|w| w == [0x50, 0x4b, 0x05, 0x06])?;
    let eocd = tail.get(at..at + 22)?;
    let size = u64::from(u32::from_le_bytes([eocd[12], eocd[13], eocd[14], eocd[15]]));
    if size != u64::from(u32::MAX) {
        return Some(size);
    }
    // ZIP64: the locator just before the end record points at the ZIP64 end record.
    let locator = tail.get(at.checked_sub(20)?..at)?;
    if locator[..4] != [0x50, 0x4b, 0x06, 0x07] {
        return None;
    }
    let mut offset = [0u8; 8];
    offset.copy_from_slice(&locator[8..16]);
    reader.seek(SeekFrom::Start(u64::from_le_bytes(offset))).ok()?;
    let mut record = [0u8; 56];
    reader.read_exact(&mut record).ok()?;
    if record[..4] != [0x50, 0x4b, 0x06, 0x06] {
        return None;
    }
    let mut size = [0u8; 8];
    size.copy_from_slice(&record[40..48]);
    Some(u64::from_le_bytes(size))
}

/// Checks the pack at `path`. `Err` means it could not be checked: unreadable, or refused
/// as hostile. `Ok` carries every mismatch found.
#[tracing::instrument(level = "debug", skip(progress))]
pub fn verify_pack(
    path: &Path,
    trusted: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<PackCheck, PackError> {
    let unreadable =
        |reason: String| PackError::Unreadable { path: path.display().to_string(), reason };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    verify_pack_reader(
        BufReader::with_capacity(256 * 1024, file),
        &path.display().to_string(),
        trusted,
        progress,
    )
}

/// [`verify_pack`] over any seekable reader (`label` names it in messages). With `trusted`
/// (the organisation's public key, hex), the pack must carry a checkpoint signed by that key
/// that covers the case's records.
pub fn verify_pack_reader<R: Read + Seek>(
    mut reader: R,
    label: &str,
    trusted: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> Result<PackCheck, PackError> {
    let unreadable = |reason: String| PackError::Unreadable { path: label.to_string(), reason };
    if let Some(size) = central_directory_size(&mut reader)
        && size > MAX_DIRECTORY
    {
        return Err(hostile(
            "archive",
            format!(
                "a central directory of {size} bytes (entries by the million); a pack's is a few KiB"
            ),
        ));
    }
    reader.seek(SeekFrom::Start(0)).map_err(|e| unreadable(e.to_string()))?;
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| unreadable(e.to_string()))?;

    // 1. The archive's structure, before any content is read.
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry =
            archive.by_index_raw(i).map_err(|e| unreadable(format!("entry {}: {e}", i + 1)))?;
        let raw = entry.name_raw().to_vec();
        let shown = String::from_utf8_lossy(&raw).into_owned();
        if let Some(reason) = unsafe_name(&raw) {
            return Err(hostile(&format!("{shown:?}"), reason));
        }
        if entry.is_symlink() {
            return Err(hostile(&shown, "symbolic link (could point anywhere on extraction)"));
        }
        if let Some(mode) = entry.unix_mode() {
            let kind = mode & 0o170_000;
            if kind != 0 && kind != 0o100_000 && kind != 0o040_000 {
                return Err(hostile(
                    &shown,
                    format!("special file type {kind:o} (not a file or folder)"),
                ));
            }
        }
        if entry.encrypted() {
            return Err(hostile(&shown, "encrypted entry (Vetdesk packs are never encrypted)"));
        }
        let (size, packed) = (entry.size(), entry.compressed_size());
        match entry.compression() {
            CompressionMethod::Stored if size != packed => {
                return Err(hostile(
                    &shown,
                    format!("stored entry declares {size} bytes but holds {packed}"),
                ));
            }
            CompressionMethod::Stored | CompressionMethod::Deflated => {}
            other => {
                return Err(hostile(
                    &shown,
                    format!("compression method {other:?}, which Vetdesk packs never use"),
                ));
            }
        }
        if size > RATIO_FLOOR && size / packed.max(1) > MAX_RATIO {
            return Err(hostile(
                &shown,
                format!(
                    "absurd compression ratio: {packed} bytes inflate to {size} ({}:1), a decompression bomb",
                    size / packed.max(1)
                ),
            ));
        }
        total = total.saturating_add(size);
    }
    if archive.has_duplicate_names() {
        let start = archive.central_directory_start();
        let count = archive.len() * 2 + 1;
        let names = central_names(&mut archive.into_inner(), start, count).unwrap_or_default();
        let mut seen = BTreeSet::new();
        let duplicate = names
            .iter()
            .find(|n| !seen.insert(n.as_slice()))
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_else(|| "(an entry)".into());
        return Err(hostile(&duplicate, "the name appears more than once (which copy is meant?)"));
    }
    if archive.has_overlapping_files().map_err(|e| unreadable(e.to_string()))? {
        return Err(hostile(
            "archive",
            "entries share their bytes (overlapping entries, a zip-bomb technique)",
        ));
    }
    archive
        .validate_header_consistency()
        .map_err(|e| hostile("archive", format!("local and central headers disagree: {e}")))?;

    // 2. Every member streamed once through SHA-256; the members Vetdesk reads (manifest,
    // checksums, case data, chain) are parsed as they stream, each within its own limit.
    let mut computed: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut problem = |member: &str, message: String| {
        problems.push(PackProblem { member: member.into(), message })
    };
    if archive.offset() > 0 {
        problem(
            "archive",
            format!("{} bytes of unknown data come before the archive (added)", archive.offset()),
        );
    }
    let mut read = Parsed::default();
    let mut done = 0u64;
    progress(Progress::at(Stage::Checking, 0, total));
    for i in 0..archive.len() {
        let entry = archive
            .by_index_with_options(i, ZipReadOptions::new().ignore_crc32(true))
            .map_err(|e| unreadable(format!("entry {}: {e}", i + 1)))?;
        let name = entry.name_raw().to_vec();
        let name = String::from_utf8_lossy(&name).into_owned();
        if entry.is_dir() {
            problem(&name, "a folder entry; Vetdesk packs have none (added)".into());
            continue;
        }
        let declared = entry.size();
        if let Some(limit) = limit_of(&name)
            && declared > limit
        {
            return Err(hostile(
                &name,
                format!(
                    "declares {declared} bytes; a pack's {name} holds at most {limit} (size limit)"
                ),
            ));
        }
        let mut tee = Tee {
            inner: entry,
            hasher: Sha256::new(),
            size: 0,
            declared,
            overrun: false,
            failed: None,
            done: &mut done,
            total,
            progress: &mut *progress,
        };
        let parse_error = read.member(&name, &mut tee);
        if tee.overrun {
            return Err(hostile(&name, format!("inflates beyond its declared {declared} bytes")));
        }
        if let Some(e) = tee.failed {
            problem(&name, format!("cannot be read back ({e}); its bytes were changed"));
            continue;
        }
        if let Some(e) = parse_error {
            problem(&name, e);
        }
        if tee.size != declared {
            problem(&name, format!("holds {} bytes, the archive declares {declared}", tee.size));
        }
        computed.insert(name, (hex::encode(tee.hasher.finalize()), tee.size));
    }
    drop(archive);
    let Parsed {
        manifest,
        sums,
        case,
        report,
        replay,
        chain: head,
        record_hashes,
        checkpoint,
        ledger,
        ..
    } = read;

    // 3. What the members say about each other.
    for required in [README, VERIFY_SCRIPT, REPORT, CASE_JSON, AUDIT, MANIFEST, SUMS] {
        if !computed.contains_key(required) {
            problem(required, "missing from the pack (removed)".into());
        }
    }
    let version = env!("CARGO_PKG_VERSION");
    for (member, expected) in
        [(README, shipped::README_TXT_SHA256), (VERIFY_SCRIPT, shipped::VERIFY_CHAIN_PY_SHA256)]
    {
        if let Some((actual, _)) = computed.get(member)
            && actual != expected
        {
            let made_by = manifest
                .as_ref()
                .and_then(|m| m.tool.as_deref())
                .filter(|t| *t != format!("vetdesk {version}"))
                .map(|t| format!(" (manifest.json names {t}: check the pack with that version)"))
                .unwrap_or_default();
            problem(
                member,
                format!(
                    "is not the {member} Vetdesk {version} ships: SHA-256 {actual}, the published \
                     one is {expected}; do not run or follow it{made_by}"
                ),
            );
        }
    }

    let mut case_id = None;
    if let Some(m) = &manifest {
        if m.format != MANIFEST_FORMAT || m.format_version != u64::from(MANIFEST_VERSION) {
            problem(
                MANIFEST,
                format!("is not a {MANIFEST_FORMAT} manifest of version {MANIFEST_VERSION}"),
            );
        }
        case_id = m.case_id;
        let mut in_manifest = BTreeSet::new();
        for entry in &m.members {
            let path = entry.path.as_str();
            in_manifest.insert(path);
            match computed.get(path) {
                None => problem(
                    path,
                    "is listed in manifest.json but missing from the pack (removed)".into(),
                ),
                Some((actual, _)) if *actual != entry.sha256 => problem(
                    path,
                    format!(
                        "hashes to {actual}, manifest.json says {} (the member was changed)",
                        entry.sha256
                    ),
                ),
                Some((_, actual)) if *actual != entry.size => {
                    problem(path, format!("is {actual} bytes, manifest.json says {}", entry.size))
                }
                Some(_) => {}
            }
        }
        for path in computed.keys() {
            if path != MANIFEST && path != SUMS && !in_manifest.contains(path.as_str()) {
                problem(path, "is not listed in manifest.json (added)".into());
            }
        }
    }

    if let Some(text) = &sums {
        let mut covered = BTreeSet::new();
        for (n, line) in text.lines().enumerate() {
            let parsed = line.get(..64).zip(line.get(64..66)).zip(line.get(66..));
            let Some(((sha, _), path)) = parsed.filter(|((sha, sep), _)| {
                sha.bytes().all(|b| b.is_ascii_hexdigit()) && (*sep == "  " || *sep == " *")
            }) else {
                problem(SUMS, format!("line {} is not \"<sha256>  <name>\"", n + 1));
                continue;
            };
            covered.insert(path.to_string());
            match computed.get(path) {
                None => problem(
                    path,
                    "is listed in SHA256SUMS but missing from the pack (removed)".into(),
                ),
                Some((actual, _)) if !actual.eq_ignore_ascii_case(sha) => problem(
                    path,
                    format!("hashes to {actual}, SHA256SUMS says {sha} (the member was changed)"),
                ),
                Some(_) => {}
            }
        }
        for path in computed.keys() {
            if path != SUMS && !covered.contains(path) {
                problem(path, "is not covered by SHA256SUMS (added)".into());
            }
        }
    }

    // 4. The chain, recomputed, and every place that names its head; the case it replays to.
    let records = head.as_ref().map_or(0, |h| h.records);
    if let Some(h) = &head {
        if let Some(m) = &manifest {
            if m.chain_head != h.head {
                problem(
                    MANIFEST,
                    format!(
                        "names chain head {}, but audit.jsonl recomputes to {}",
                        m.chain_head, h.head
                    ),
                );
            }
            if m.audit_records != h.records {
                problem(
                    MANIFEST,
                    format!(
                        "counts {} audit records, audit.jsonl has {}",
                        m.audit_records, h.records
                    ),
                );
            }
            if h.chain.is_some() && m.chain != h.chain {
                problem(
                    MANIFEST,
                    format!("names chain {:?}, audit.jsonl holds {:?}", m.chain, h.chain),
                );
            }
        }
        for (line, why) in &replay.problems {
            problem(AUDIT, format!("record {line}: {why}"));
        }
        if let Some(case) = &case {
            if case.audit_chain.head != h.head {
                problem(
                    CASE_JSON,
                    format!(
                        "names chain head {}, but audit.jsonl recomputes to {}",
                        case.audit_chain.head, h.head
                    ),
                );
            }
            for e in &case.evidence {
                if !computed.contains_key(&e.pack_member) {
                    problem(
                        CASE_JSON,
                        format!(
                            "evidence E{} has no file in the pack ({:?} is missing)",
                            e.evidence.id, e.pack_member
                        ),
                    );
                }
            }
            for difference in replay.compare(case, &super::evidence_member) {
                problem(CASE_JSON, difference);
            }
        }
        if let Some(pdf) = &report {
            match report_chain_head(pdf) {
                Ok(printed) if printed == h.head => {}
                Ok(printed) => problem(
                    REPORT,
                    format!(
                        "carries chain head {printed}, but audit.jsonl recomputes to {}",
                        h.head
                    ),
                ),
                Err(why) => problem(REPORT, why),
            }
        }

        // Every evidence file against the chain's attach records, both ways.
        let attached = replay.attached_files();
        for (path, (_, size)) in &computed {
            let Some(sha) = path.strip_prefix(EVIDENCE_DIR).and_then(|rest| rest.get(..64)) else {
                continue;
            };
            match attached.get(sha) {
                None => problem(
                    path,
                    "is not attached by any record of audit.jsonl (swapped or added)".into(),
                ),
                Some((recorded, _)) if recorded != size => problem(
                    path,
                    format!("is {size} bytes, its attach record in audit.jsonl says {recorded}"),
                ),
                Some((_, names)) => {
                    if !names.iter().any(|n| super::evidence_member(sha, n) == *path) {
                        problem(
                            path,
                            format!(
                                "is not named as audit.jsonl attached it ({:?})",
                                super::evidence_member(sha, names.first().copied().unwrap_or(""))
                            ),
                        );
                    }
                }
            }
        }
        for (sha, (_, names)) in &attached {
            let prefix = format!("{EVIDENCE_DIR}{sha}-");
            if !computed.keys().any(|p| p.starts_with(&prefix)) {
                let member = super::evidence_member(sha, names.first().copied().unwrap_or(""));
                problem(
                    &member,
                    "is attached by audit.jsonl but missing from the pack (removed or swapped)"
                        .into(),
                );
            }
        }
    }
    // 5. The signature: the checkpoint, and the ledger from the case's records to its root.
    let hashes: &[String] = if head.is_some() { &record_hashes } else { &[] };
    let (signature, signature_problems) = signed::check(checkpoint, ledger, hashes, trusted);
    for (member, message) in signature_problems {
        problem(member, message);
    }

    // 6. Each evidence file is named after its own hash.
    for (path, (sha, _)) in &computed {
        if let Some(rest) = path.strip_prefix(EVIDENCE_DIR) {
            match rest.get(..64).filter(|_| rest.as_bytes().get(64) == Some(&b'-')) {
                Some(named) if named == sha => {}
                Some(named) => problem(
                    path,
                    format!("its bytes hash to {sha}, not to the {named} in its name"),
                ),
                None => problem(path, "is not named <sha256>-<name> (added)".into()),
            }
        }
    }

    progress(Progress::at(Stage::Checking, total, total));
    let bytes = computed.values().map(|(_, size)| size).sum();
    Ok(PackCheck {
        ok: problems.is_empty(),
        case_id,
        chain_head: head.map(|h| h.head),
        audit_records: records,
        members: computed.len(),
        bytes,
        signature,
        problems,
    })
}

/// The chain head a report carries in its metadata (`chain-head:<hash>` among the Keywords,
/// where the case report engine writes it beside the head printed on every page).
pub(crate) fn report_chain_head(pdf: &[u8]) -> Result<String, String> {
    // A PDF parser meets hostile bytes here; a panic in it must cost the check, not the run.
    let parsed = std::panic::catch_unwind(|| lopdf::Document::load_mem(pdf))
        .map_err(|_| "could not be parsed as a PDF".to_string())?
        .map_err(|e| format!("could not be parsed as a PDF ({e})"))?;
    let keywords = parsed
        .trailer
        .get(b"Info")
        .and_then(|info| info.as_reference())
        .and_then(|id| parsed.get_object(id))
        .and_then(|info| info.as_dict())
        .and_then(|info| info.get(b"Keywords"))
        .and_then(|k| k.as_str())
        .map(pdf_text)
        .map_err(|_| "has no Keywords in its document information".to_string())?;
    keywords
        .split(|c: char| c == ',' || c.is_whitespace())
        .find_map(|k| k.strip_prefix(crate::report::CHAIN_HEAD_KEYWORD))
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
        .ok_or_else(|| "carries no chain head in its metadata keywords".to_string())
}

/// A PDF text string: UTF-16BE after a byte-order mark, else (for what a head contains)
/// single bytes.
fn pdf_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> =
                utf16.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_named() {
        // (entry name, refused because …)
        let rows: [(&[u8], Option<&str>); 14] = [
            (b"report.pdf", None),
            (b"evidence/ab-scan.jpg", None),
            (b"evidence/", None),
            (b"/etc/passwd", Some("absolute")),
            (b"../evil", Some("'..'")),
            (b"evidence/../../evil", Some("'..'")),
            (b"evidence\\..\\evil", Some("backslash")),
            (b"C:/Windows/evil", Some("drive letter")),
            (b"c:evil", Some("drive letter")),
            (b"a//b", Some("empty")),
            (b"./a", Some("'.'")),
            (b"", Some("empty")),
            (b"a\nb", Some("control")),
            (b"\xff\xfe", Some("UTF-8")),
        ];
        for (name, want) in rows {
            match (unsafe_name(name), want) {
                (None, None) => {}
                (Some(reason), Some(part)) => assert!(reason.contains(part), "{name:?}: {reason}"),
                (got, _) => {
                    panic!("{:?}: got {got:?}, want {want:?}", String::from_utf8_lossy(name))
                }
            }
        }
    }

    #[test]
    fn pdf_text_strings_decode() {
        assert_eq!(pdf_text(b"chain-head:ab"), "chain-head:ab");
        assert_eq!(pdf_text(&[0xFE, 0xFF, 0, b'a', 0x04, 0x10]), "aА");
    }
}
