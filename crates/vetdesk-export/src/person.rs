//! A person's access request (GDPR Art. 15, CCPA right to know): everything the data directory
//! holds about one candidate, as one ZIP archive — `person.json` (their details, every case
//! with its checklist, notes, evidence records, verification records, flags and audit records,
//! their records in the global chain, their retention rule), their evidence files, and
//! `summary.pdf`, a short summary in plain language set with the report engine.

use std::io::{self, Read, Seek, Write};
use std::path::Path;

use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use vetdesk_core::evidence::Sha256Hex;
use vetdesk_core::model::{CandidateId, Chain};
use vetdesk_core::store::{PlanEntry, Store};

use crate::pack::{PackError, evidence_member};
use crate::report::pdf::{Document, Metadata, PageSize};
use crate::report::{ReportError, ReportOptions, write_atomically};

const BUF_LEN: usize = 1 << 20;

/// What an export wrote.
#[derive(Clone, Debug, Serialize, TS)]
pub struct PersonExport {
    pub candidate_id: CandidateId,
    pub cases: u32,
    pub evidence_files: u32,
    pub audit_records: u32,
    /// SHA-256 of the archive written.
    pub sha256: String,
}

/// Writes the export of `candidate_id` to `dest` (atomically; an existing file only with
/// `overwrite`). Reads the store in one transaction.
pub fn export_person(
    store: &Store,
    candidate_id: CandidateId,
    options: &ReportOptions,
    dest: &Path,
    overwrite: bool,
) -> Result<PersonExport, PackError> {
    let plan: Option<PlanEntry> = store
        .retention_plan(options.generated_at.date())
        .map_err(ReportError::from)?
        .into_iter()
        .find(|e| e.candidate_id == candidate_id);
    if plan.is_none() {
        return Err(ReportError::Invalid(format!(
            "candidate {candidate_id} does not exist or is erased: nothing is held about them"
        ))
        .into());
    }
    let (person, evidence) = store.read_at(options.generated_at, |s| {
        let candidate = s.candidate(candidate_id)?;
        let mut cases = Vec::new();
        let mut evidence = Vec::new();
        let mut records = 0usize;
        for case in s.cases_of_candidate(candidate_id)? {
            let detail = s.case_detail(case.id)?;
            evidence.extend(detail.evidence.iter().cloned());
            let audit = s.audit_readable(Chain::Case(case.id))?;
            records += audit.len();
            cases.push(json!({
                "case": detail.case,
                "checklist": s.item_states(case.id)?,
                "notes": detail.notes,
                "evidence": detail.evidence,
                "verification": s.case_verification(case.id)?,
                "flags": s.flags(case.id)?,
                "audit": audit.iter().map(readable).collect::<Vec<_>>(),
            }));
        }
        let global: Vec<Value> = s
            .audit_readable(Chain::Global)?
            .iter()
            .map(readable)
            .filter(|r| {
                r["change"]["id"].as_i64() == Some(candidate_id)
                    && matches!(
                        r["change"]["type"].as_str(),
                        Some("add_candidate" | "update_candidate")
                    )
                    || r["change"]["candidate_id"].as_i64() == Some(candidate_id)
                        && r["change"]["type"] == "record_person_export"
            })
            .collect();
        records += global.len();
        let vendor = candidate.fields.vendor_id.map(|v| s.vendor(v)).transpose()?;
        Ok::<_, ReportError>((
            json!({
                "format": "vetdesk-person",
                "format_version": 1,
                "generated_at": options.generated_at,
                "generated_by": options.generated_by,
                "candidate": candidate,
                "vendor": vendor,
                "cases": cases,
                "global_records": global,
                "audit_records": records,
            }),
            evidence,
        ))
    })?;
    let pdf = summary_pdf(&person, plan.as_ref(), options)?;
    let files = store.files();
    write_atomically(dest, overwrite, |file| {
        let mut zip = zip::ZipWriter::new(io::BufWriter::with_capacity(BUF_LEN, &mut *file));
        let opts = |m: CompressionMethod, size: u64| {
            SimpleFileOptions::default()
                .compression_method(m)
                .unix_permissions(0o600)
                .large_file(size >= u64::from(u32::MAX))
        };
        let text = serde_json::to_vec_pretty(&person).map_err(ReportError::from)?;
        for (name, method, bytes) in [
            ("person.json", CompressionMethod::Deflated, &text[..]),
            // Its content streams are compressed already.
            ("summary.pdf", CompressionMethod::Stored, &pdf[..]),
        ] {
            zip.start_file(name, opts(method, bytes.len() as u64))
                .map_err(|source| PackError::Zip { member: name.to_string(), source })?;
            zip.write_all(bytes)
                .map_err(|source| PackError::Io { member: name.to_string(), source })?;
        }
        let mut seen = std::collections::BTreeSet::new();
        let mut buf = vec![0u8; BUF_LEN];
        for e in evidence.iter().filter(|e| seen.insert(e.sha256.clone())) {
            let name = format!("evidence/{}", evidence_member(&e.sha256, &e.original_name));
            let fail =
                |source| PackError::Evidence { id: e.id, name: e.original_name.clone(), source };
            let sha: Sha256Hex = e.sha256.parse().map_err(|_| PackError::EvidenceChanged {
                id: e.id,
                name: e.original_name.clone(),
                expected: e.sha256.clone(),
                actual: "nothing (the recorded hash is not a SHA-256)".into(),
            })?;
            let mut reader = files.open(&sha).map_err(fail)?;
            // Stored: the member is the very bytes that were attached.
            zip.start_file(name.as_str(), opts(CompressionMethod::Stored, e.size))
                .map_err(|source| PackError::Zip { member: name.clone(), source })?;
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(source) => return Err(PackError::Io { member: name, source }),
                };
                zip.write_all(&buf[..n])
                    .map_err(|source| PackError::Io { member: name.clone(), source })?;
            }
        }
        let io_err = |source| PackError::Io { member: "the archive".into(), source };
        let out = zip
            .finish()
            .map_err(|source| PackError::Zip { member: "the directory".into(), source })?;
        out.into_inner().map_err(|e| io_err(e.into_error()))?;
        // The archive's hash, for the record of the export.
        file.seek(io::SeekFrom::Start(0)).map_err(io_err)?;
        let mut hasher = Sha256::new();
        io::copy(&mut *file, &mut hasher).map_err(io_err)?;
        Ok(PersonExport {
            candidate_id,
            cases: person["cases"].as_array().map_or(0, |c| c.len() as u32),
            evidence_files: seen.len() as u32,
            audit_records: person["audit_records"].as_u64().unwrap_or(0) as u32,
            sha256: hex::encode(hasher.finalize()),
        })
    })
}

/// A stored record with its change as JSON (opened), for `person.json`.
fn readable(r: &vetdesk_core::store::StoredAuditRecord) -> Value {
    json!({
        "chain": r.chain, "seq": r.seq, "at": r.at, "actor": r.actor,
        "change": serde_json::from_str::<Value>(&r.change).unwrap_or(Value::Null),
        "hash": r.hash,
    })
}

/// The summary in plain language.
fn summary_pdf(
    person: &Value,
    plan: Option<&PlanEntry>,
    options: &ReportOptions,
) -> Result<Vec<u8>, ReportError> {
    let c = &person["candidate"];
    let name = c["legal_name"].as_str().unwrap_or("—").to_string();
    let title = format!("What we hold about {name}");
    let mut meta = Metadata::new(title.clone(), options.generated_at);
    meta.author = options.generated_by.clone();
    let mut doc = Document::new(PageSize::A4, meta);
    doc.heading(1, title.as_str());
    doc.paragraph(format!(
        "This is a copy of everything our vetting system (Vetdesk) holds about you, made on {} \
         at your request. The file person.json in this archive has every detail; the files in \
         the evidence folder are the documents and images kept with your application.",
        options.generated_at.date()
    ));
    let list = |v: &Value| -> String {
        let items: Vec<&str> =
            v.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        if items.is_empty() { "—".into() } else { items.join(", ") }
    };
    let text = |v: &Value| v.as_str().unwrap_or("—").to_string();
    doc.heading(2, "Your details");
    doc.key_values(vec![
        ("Name", name.clone()),
        ("Other names", list(&c["other_names"])),
        ("Email addresses", list(&c["emails"])),
        ("Phone numbers", list(&c["phones"])),
        ("Home address", text(&c["home_address"])),
        ("Shipping address", text(&c["shipping_address"])),
        ("Role applied for", text(&c["role"])),
    ]);
    doc.heading(2, "Your applications");
    let cases = person["cases"].as_array().cloned().unwrap_or_default();
    if cases.is_empty() {
        doc.paragraph("No vetting case was opened for you.");
    }
    for case in &cases {
        let k = &case["case"];
        let decision = match k["decision"].as_str() {
            Some("cleared") => "cleared".to_string(),
            Some("rejected") => "not taken forward".to_string(),
            Some("referred") => "referred to the authorities".to_string(),
            _ => "not decided yet".to_string(),
        };
        let count = |key: &str| case[key].as_array().map_or(0, Vec::len);
        let v = &case["verification"];
        let n = |key: &str| v[key].as_array().map_or(0, Vec::len);
        doc.paragraph(format!(
            "Case {}, opened on {}: {decision}. We hold {} note(s), {} file(s), {} identity \
             document record(s), {} interview record(s), {} reference(s), {} bank detail \
             record(s) (masked), {} IP address record(s), and {} entries in its audit trail.",
            k["id"],
            k["opened_at"].as_str().and_then(|t| t.get(..10)).unwrap_or("—"),
            count("notes"),
            count("evidence"),
            n("documents"),
            n("interviews"),
            n("references"),
            n("payments"),
            n("observed_ips"),
            count("audit"),
        ));
    }
    doc.heading(2, "How long we keep it");
    let keep = match plan {
        None => "Your records are no longer held under a retention rule.".to_string(),
        Some(p) => {
            let until = match (&p.assessment.held_by, p.assessment.due_on) {
                (Some(why), _) => format!("They are kept for now: {why}."),
                (None, Some(d)) => format!("They will be erased on or after {d}."),
                (None, None) => "They are kept for now.".to_string(),
            };
            format!("{until} The rule we follow: {}.", p.source)
        }
    };
    doc.paragraph(keep);
    doc.paragraph(
        "When that time comes, your details, notes, documents and files are erased; what \
         remains is a record that a case existed, its dates and its outcome.",
    );
    doc.heading(2, "Your rights");
    doc.paragraph(
        "You may ask us to correct anything that is wrong, and, where the law allows, to erase \
         your data sooner. If a decision about you relied on a background report, you may ask \
         the agency that made it for a free copy and dispute anything in it.",
    );
    Ok(doc.render().map_err(ReportError::from)?.bytes)
}
