//! The case report: one case laid out for a compliance auditor reading it cold — cover,
//! summary, candidate, red flags, the checklist by phase and section, identity documents,
//! interviews, E-Verify, notes, the evidence index with image previews, and the full audit
//! trail as an appendix. The chain head is on the cover, in every footer and in the PDF
//! metadata (Subject and Keywords), where `verify-pack` reads it without a text extractor.

use std::collections::BTreeMap;

use super::case_data::CaseData;
use super::describe::describe_change;
use super::format::{People, or_dash, size, when, words};
use super::pdf::{
    Color, Column, Cover, Document, ImageGrid, ImageId, Metadata, PageSize, RenderedPdf, Table,
    Text,
};
use super::sections::{self, LinkLine, risk_text};
use super::{Progress, ReportError, ReportOptions, Stage};
use vetdesk_core::chain::{ChainRecord, StoredAuditRecord};
use vetdesk_core::evidence::{EvidenceFiles, Sha256Hex};
use vetdesk_core::model::{CaseId, EvidenceId, ItemResult};
use vetdesk_core::store::Store;

/// Longest side of an image preview in the report, in pixels: the preview the evidence store
/// makes at ingest, printed at a third of the text width (about 230 dpi), reused as stored.
pub const PREVIEW_MAX_SIDE: u32 = vetdesk_core::evidence::THUMBNAIL_MAX_SIDE;
/// JPEG quality of the previews (the stored ones').
pub const PREVIEW_QUALITY: u8 = vetdesk_core::evidence::THUMBNAIL_QUALITY;

/// The keyword that carries the chain head in the PDF metadata: `chain-head:<64 hex>`.
pub(crate) const CHAIN_HEAD_KEYWORD: &str = "chain-head:";

/// A finished case report.
#[derive(Clone, Debug)]
pub struct CaseReport {
    pub pdf: RenderedPdf,
    pub case_id: CaseId,
    /// The head of the case's audit chain the report was made from.
    pub chain_head: String,
    pub audit_records: u64,
    /// Image previews embedded.
    pub previews: usize,
    /// Image evidence without a preview, and why (an undecodable or unsupported image).
    pub missing_previews: Vec<(EvidenceId, String)>,
}

/// Reads the case in one transaction and lays out its report. `progress` hears about each
/// stage (previews one image at a time).
#[tracing::instrument(level = "debug", skip(store, options, progress))]
pub fn case_report(
    store: &Store,
    case_id: CaseId,
    options: &ReportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<CaseReport, ReportError> {
    progress(Progress::at(Stage::Reading, 0, 1));
    let data = CaseData::load(store, case_id, options)?;
    progress(Progress::at(Stage::Reading, 1, 1));
    render_case_report(&data, &store.files(), progress)
}

fn result_text(result: ItemResult) -> Text {
    match result {
        ItemResult::Pass => Text::plain("pass").color(Color::GREEN),
        ItemResult::Fail => Text::bold("FAIL").color(Color::RED),
        ItemResult::Pending => Text::plain("pending").color(Color::MUTED),
        ItemResult::NotApplicable => Text::plain("not applicable"),
        ItemResult::Waived => Text::bold("waived").color(Color::rgb(0x9A, 0x5B, 0x00)),
    }
}

/// The override of the case's standing decision, when compliance decided it over the decision
/// gate: "overridden by NAME: REASON", from the decision's record in the case chain.
fn decision_override(data: &CaseData, people: &People) -> Option<String> {
    data.detail.case.decision?;
    let record = data.readable.iter().rev().find_map(|r| {
        let change: serde_json::Value = serde_json::from_str(&r.change).ok()?;
        (change["type"] == "set_status" && change["status"] == "decided").then_some((r, change))
    })?;
    let (record, change) = record;
    let reason = change["override_reason"].as_str()?;
    Some(format!("overridden by {}: {reason}", people.name(&record.actor)))
}

/// Who closed the case (the sign-off), when and why: the last move to `closed` in its chain.
fn sign_off(audit: &[StoredAuditRecord]) -> Option<(String, String, String)> {
    audit.iter().rev().find_map(|r| {
        let change: serde_json::Value = serde_json::from_str(&r.change).ok()?;
        (change.get("type")?.as_str()? == "set_status"
            && change.get("status")?.as_str()? == "closed")
            .then(|| {
                let reason = change.get("reason").and_then(|v| v.as_str()).unwrap_or("—");
                (r.actor.clone(), r.at.clone(), reason.to_string())
            })
    })
}

/// The candidate's other cases, then the cases of every candidate linked to them by a shared
/// identifier (with whose they are): what an auditor should read beside this one.
fn related_cases(own: &[i64], links: Option<&[LinkLine]>) -> String {
    let mut parts: Vec<String> =
        own.iter().map(|id| format!("case {id} (same candidate)")).collect();
    for link in links.unwrap_or_default() {
        if link.cases.is_empty() {
            parts.push(format!("{} (no case)", link.candidate));
        } else {
            parts.push(format!("{} — {}", link.cases.join(", "), link.candidate));
        }
    }
    if parts.is_empty() { "none".to_string() } else { parts.join("; ") }
}

fn label(id: EvidenceId) -> String {
    format!("E{id}")
}

/// Lays out the report of a case already read. Previews are made one image at a time and
/// only the small JPEGs are kept, so memory does not grow with the photos' pixel counts.
pub fn render_case_report(
    data: &CaseData,
    files: &EvidenceFiles,
    progress: &mut dyn FnMut(Progress),
) -> Result<CaseReport, ReportError> {
    let d = &data.detail;
    let c = &d.case;
    let people = People::new(&data.users);
    let opts: &ReportOptions = &data.options;
    let name = &d.candidate.fields.legal_name;
    let head = &data.chain.head;
    let generated = format!("{} by {}", when(&opts.generated_at), people.name(&opts.generated_by));

    let mut meta =
        Metadata::new(format!("Case report — case {} — {name}", c.id), opts.generated_at);
    meta.author = data.generated_by.display_name.clone();
    meta.subject = format!(
        "Vetdesk case {} ({name}); audit chain case:{} with {} records, head {head}",
        c.id, c.id, data.chain.records
    );
    meta.keywords = vec![
        "Vetdesk".into(),
        "case report".into(),
        format!("case:{}", c.id),
        format!("{CHAIN_HEAD_KEYWORD}{head}"),
        format!("root:{}", data.root),
    ];
    meta.creator = format!("Vetdesk {}", env!("CARGO_PKG_VERSION"));
    let paper = match data.paper {
        vetdesk_core::store::Paper::A4 => PageSize::A4,
        vetdesk_core::store::Paper::Letter => PageSize::Letter,
    };
    let mut doc = Document::new(paper, meta);

    let decision = match (&c.decision, &c.decision_reason) {
        (Some(dec), reason) => Text::bold(dec.to_string())
            .then(reason.as_deref().map(|r| format!(" — {r}")).unwrap_or_default()),
        (None, _) => Text::plain("not decided").color(Color::MUTED),
    };
    let decided = match (&c.decided_by, &c.decided_at) {
        (Some(by), Some(at)) => format!("{} at {}", people.name(by), when(at)),
        _ => "—".to_string(),
    };
    let overridden = decision_override(data, &people);
    let vendor =
        d.vendor.as_ref().map_or("— (applied directly)".to_string(), |v| v.fields.name.clone());
    let signed_off = match sign_off(&data.readable) {
        Some((by, at, reason)) => {
            // As every other time in the report; the record's own text if it does not parse.
            let at = at.parse::<vetdesk_core::model::Timestamp>().map(|t| when(&t)).unwrap_or(at);
            format!("{} at {at}: {reason}", people.name(&by))
        }
        None => "— (not signed off)".to_string(),
    };
    let related = related_cases(&d.related_cases, data.verification.links.as_deref());
    let status = if d.overdue {
        Text::plain(words(c.status.as_str())).then(
            Text::bold(format!(
                " — overdue (due {})",
                or_dash(c.due_on.map(|x| x.to_string()).as_deref())
            ))
            .color(Color::RED),
        )
    } else {
        Text::plain(words(c.status.as_str()))
    };
    let template_line =
        format!("{} v{} — {}", c.template_id, c.template_version, data.template.title);

    doc.cover(Cover {
        title: "Case report".into(),
        subtitle: Some(format!("Case {} · {name}", c.id)),
        fields: vec![
            ("Case".into(), format!("{} ({})", c.id, c.kind.as_str().replace('_', "-")).into()),
            ("Candidate".into(), name.into()),
            ("Vendor".into(), vendor.clone().into()),
            ("Status".into(), status.clone()),
            ("Decision".into(), decision.clone()),
            ("Decided by".into(), decided.clone().into()),
            ("Risk score".into(), risk_text(data.verification.risk.as_ref())),
            ("Checklist template".into(), template_line.clone().into()),
            ("Generated".into(), generated.clone().into()),
            ("Audit records".into(), data.chain.records.to_string().into()),
            ("Audit chain head".into(), Text::hash(head)),
            ("Store root".into(), Text::hash(&data.root)),
        ],
        note: Some(Text::plain(format!(
            "Generated by Vetdesk {} from the case record as it stood at {}. The audit chain \
             head pins the case's whole history: it is printed on every page, and any later \
             change to the case gives a different head. The store root pins the length and \
             head of every chain of the store at that moment: `vetdesk verify` prints the root \
             it finds. Confidential: contains personal data \
             of the candidate; handle under the organisation's vetting records policy.",
            env!("CARGO_PKG_VERSION"),
            when(&opts.generated_at)
        ))),
    })
    .header(format!("Vetdesk · Case {} · {name} · Case report", c.id))
    .footer(
        format!("Case {} · generated {}", c.id, when(&opts.generated_at)),
        Text::plain("Chain head ").then(Text::hash(head)),
    );

    // 1 Summary
    let p = &d.progress;
    let count = |r: ItemResult| d.checklist.iter().filter(|e| e.state.result == r).count();
    let total_bytes: u64 = d.evidence.iter().map(|e| e.size).sum();
    doc.heading(1, "1 Summary").key_values([
        (Text::plain("Case"), Text::plain(format!("{} — {}, priority {}", c.id, c.kind.as_str().replace('_', "-"), c.priority))),
        (Text::plain("Candidate"), Text::plain(format!("{name} (candidate {})", d.candidate.id))),
        (Text::plain("Vendor"), Text::plain(vendor)),
        (Text::plain("Status"), status),
        (Text::plain("Decision"), decision),
        (Text::plain("Decided by"), Text::plain(decided)),
        (
            Text::plain("Decision gate"),
            match &overridden {
                Some(line) => Text::bold(line.clone()).color(Color::RED),
                None if c.decision.is_some() => Text::plain("met"),
                None => Text::plain("—"),
            },
        ),
        (Text::plain("Signed off"), Text::plain(signed_off)),
        (Text::plain("Closed"), Text::plain(c.closed_at.as_ref().map_or("—".to_string(), when))),
        (Text::plain("Risk score"), risk_text(data.verification.risk.as_ref())),
        (Text::plain("Opened"), Text::plain(format!("{} by {}", when(&c.opened_at), people.name(&c.opened_by)))),
        (Text::plain("Assignee"), Text::plain(people.opt(c.assignee.as_deref()))),
        (Text::plain("Due"), Text::plain(c.due_on.map_or("—".to_string(), |x| x.to_string()))),
        (
            Text::plain("Checklist"),
            Text::plain(format!(
                "{} of {} items done: {} passed, {} failed, {} not applicable, {} waived; {} pending",
                p.done, p.total, p.passed, p.failed,
                count(ItemResult::NotApplicable), count(ItemResult::Waived), p.total - p.done
            )),
        ),
        (Text::plain("Template"), Text::plain(template_line)),
        (Text::plain("Evidence"), Text::plain(format!("{} files, {}", d.evidence.len(), size(total_bytes)))),
        (Text::plain("Notes"), Text::plain(d.notes.len().to_string())),
        (Text::plain("Audit trail"), Text::plain(format!("{} records (Appendix A)", data.chain.records))),
        (Text::plain("Chain head"), Text::hash(head)),
        (Text::plain("Store root"), Text::hash(&data.root)),
        (Text::plain("Signed checkpoint"), Text::plain(signed_line(data))),
        (
            Text::plain("Organisation key"),
            data.signed.as_ref().map_or(Text::plain("—"), |s| Text::hash(&s.checkpoint.public_key)),
        ),
        (Text::plain("Related cases"), Text::plain(related)),
        (Text::plain("Generated"), Text::plain(generated)),
    ]);
    let attention: Vec<Text> = d
        .checklist
        .iter()
        .filter(|e| matches!(e.state.result, ItemResult::Fail | ItemResult::Waived))
        .map(|e| {
            Text::plain(format!("{} — ", e.item.title))
                .then(result_text(e.state.result))
                .then(e.state.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default())
        })
        .collect();
    if !attention.is_empty() {
        doc.heading(3, "Failed and waived checklist items").bullets(attention);
    }

    // 2 Candidate and vendor
    let f = &d.candidate.fields;
    let list = |v: &[String]| if v.is_empty() { "—".to_string() } else { v.join(", ") };
    doc.heading(1, "2 Candidate and vendor").key_values([
        ("Legal name", f.legal_name.clone()),
        ("Other names", list(&f.other_names)),
        ("Applicant-tracking id", or_dash(f.external_id.as_deref())),
        ("Role applied for", or_dash(f.role.as_deref())),
        ("Applied on", f.applied_on.map_or("—".to_string(), |x| x.to_string())),
        ("Emails", list(&f.emails)),
        ("Phones", list(&f.phones)),
        ("Home address", or_dash(f.home_address.as_deref())),
        ("Equipment shipping address", or_dash(f.shipping_address.as_deref())),
        ("Claimed location", or_dash(f.claimed_location.as_deref())),
        ("Time zone", or_dash(f.time_zone.as_deref())),
        ("Application IP address", or_dash(f.application_ip.as_deref())),
    ]);
    match &d.vendor {
        None => {
            doc.paragraph(
                Text::plain("No staffing vendor: the candidate applied directly.")
                    .color(Color::MUTED),
            );
        }
        Some(v) => {
            let vf = &v.fields;
            doc.heading(3, format!("Vendor: {}", vf.name)).key_values([
                ("Contact", or_dash(Some(&vf.contact))),
                (
                    "Screening attested",
                    if vf.screening_attested { "yes".into() } else { "no".to_string() },
                ),
                ("Attestation note", or_dash(vf.attestation_note.as_deref())),
                (
                    "Last audit",
                    vf.last_audit_on.map_or("never audited".to_string(), |x| x.to_string()),
                ),
            ]);
        }
    }

    // 3 Red flags and risk
    let v = &data.verification;
    sections::render_red_flags(&mut doc, "3", v.risk.as_ref(), v.red_flags.as_deref(), &label);
    sections::render_links(&mut doc, "3.1", v.links.as_deref());

    // 4 Checklist
    doc.heading(1, "4 Checklist").paragraph(format!(
        "The checklist of template {} version {} ({}), in its order: phase, section, item. Each item \
         shows its result, who recorded it and when, the note, the evidence it rests on (E-numbers \
         refer to section 9), and the source the item follows.",
        data.template.id, data.template.version, data.template.title
    ));
    let mut phase_no = 0;
    let mut i = 0;
    while i < d.checklist.len() {
        let phase_id = &d.checklist[i].phase_id;
        phase_no += 1;
        doc.heading(2, format!("4.{phase_no} {}", d.checklist[i].phase_title));
        while i < d.checklist.len() && d.checklist[i].phase_id == *phase_id {
            let section_id = &d.checklist[i].section_id;
            doc.heading(3, d.checklist[i].section_title.clone());
            let mut table = Table::new([
                Column::relative("Item", 3.2),
                Column::fixed("Result", 56.0),
                Column::relative("Recorded", 1.25),
                Column::relative("Note and evidence", 2.0),
            ]);
            while i < d.checklist.len()
                && d.checklist[i].phase_id == *phase_id
                && d.checklist[i].section_id == *section_id
            {
                let e = &d.checklist[i];
                let item = Text::bold(&e.item.title).then(
                    Text::plain(format!(
                        "\n{} · Source: {}, {}",
                        e.item.id, e.item.source, e.item.source_ref
                    ))
                    .color(Color::MUTED),
                );
                let recorded = match (&e.state.recorded_by, &e.state.recorded_at) {
                    (Some(by), Some(at)) => format!("{}\n{}", people.name(by), when(at)),
                    _ => "—".to_string(),
                };
                let mut note = or_dash(e.state.note.as_deref());
                if !e.state.evidence.is_empty() {
                    let ids: Vec<String> = e.state.evidence.iter().map(|id| label(*id)).collect();
                    note.push_str(&format!("\nEvidence: {}", ids.join(", ")));
                }
                if e.state.result == ItemResult::Pending && !e.blocked_by.is_empty() {
                    note.push_str(&format!("\nWaits for: {}", e.blocked_by.join(", ")));
                }
                table.push_row([
                    item,
                    result_text(e.state.result),
                    Text::plain(recorded),
                    Text::plain(note),
                ]);
                i += 1;
            }
            doc.table(table);
        }
    }
    doc.heading(2, format!("4.{} Sources cited", phase_no + 1)).bullets(
        data.template.sources.iter().map(|s| {
            Text::bold(&s.id)
                .then(format!(": {}", s.title))
                .then(s.url.as_deref().map(|u| format!(" — {u}")).unwrap_or_default())
        }),
    );

    // 5–7 verification records
    sections::render_documents(&mut doc, "5", v.documents.as_deref(), &label);
    sections::render_interviews(&mut doc, "6", v.interviews.as_deref(), &label);
    sections::render_everify(&mut doc, "7", v.everify.as_deref());

    // 8 Notes
    doc.heading(1, "8 Notes");
    if d.notes.is_empty() {
        doc.paragraph(Text::plain("No notes on this case.").color(Color::MUTED));
    } else {
        let mut table =
            Table::new([Column::relative("Written", 1.0), Column::relative("Note", 3.0)]);
        for n in &d.notes {
            table.push_row([
                Text::plain(format!(
                    "Note {}\n{}\n{}",
                    n.id,
                    people.name(&n.author),
                    when(&n.created_at)
                )),
                Text::plain(&n.text),
            ]);
        }
        doc.table(table);
    }

    // 9 Evidence
    doc.heading(1, "9 Evidence").paragraph(format!(
        "{} files, {} in all. Each file is stored under the SHA-256 of its bytes, printed in full \
         below; the audit pack holds the files themselves under the same hashes.",
        d.evidence.len(),
        size(total_bytes)
    ));
    if !d.evidence.is_empty() {
        let mut table = Table::new([
            Column::fixed("#", 30.0),
            Column::relative("File and SHA-256", 3.3),
            Column::fixed("Type", 80.0),
            Column::fixed("Size", 50.0).right(),
            Column::relative("Added", 1.0),
        ]);
        for e in &d.evidence {
            let mut file = Text::bold(&e.original_name).then("\n").then(Text::hash(&e.sha256));
            if let Some(desc) = &e.description {
                file = file.then(format!("\n{desc}"));
            }
            if let Some(item) = &e.item_id {
                file = file.then(Text::plain(format!("\nFor item {item}")).color(Color::MUTED));
            }
            if let Some(note) = &e.ingest_note {
                file = file.then(Text::plain(format!("\nOn intake: {note}")).color(Color::MUTED));
            }
            table.push_row([
                Text::plain(label(e.id)),
                file,
                Text::plain(&e.media_type),
                Text::plain(format!("{}\n{} B", size(e.size), e.size)),
                Text::plain(format!("{}\n{}", people.name(&e.added_by), when(&e.added_at))),
            ]);
        }
        doc.table(table);
    }

    // Previews: one image decoded at a time; the same content attached twice is shown once.
    let images: Vec<_> = d
        .evidence
        .iter()
        .filter(|e| e.has_thumbnail || e.media_type.starts_with("image/"))
        .collect();
    let mut grid = ImageGrid::new(3, 128.0);
    let mut made: BTreeMap<&str, ImageId> = BTreeMap::new();
    let mut missing = Vec::new();
    let total = images.len() as u64;
    for (n, e) in images.iter().enumerate() {
        progress(Progress::at(Stage::Previews, n as u64, total));
        let id = match made.get(e.sha256.as_str()) {
            Some(id) => Some(*id),
            None => match preview(files, &e.sha256, &recorded_previews(&images, &e.sha256)) {
                Ok(jpeg) => {
                    let id =
                        doc.add_jpeg(&format!("{} ({})", label(e.id), e.original_name), jpeg)?;
                    made.insert(&e.sha256, id);
                    Some(id)
                }
                Err(why) => {
                    missing.push((e.id, why));
                    None
                }
            },
        };
        if let Some(id) = id {
            grid = grid.item(id, format!("{} · {}", label(e.id), e.original_name));
        }
    }
    progress(Progress::at(Stage::Previews, total, total));
    if !images.is_empty() {
        doc.heading(2, "9.1 Image previews");
        if !grid.items.is_empty() {
            doc.image_grid(grid);
        }
        if !missing.is_empty() {
            doc.paragraph(Text::bold("No preview for: "))
                .bullets(missing.iter().map(|(id, why)| format!("{}: {why}", label(*id))));
        }
    }

    // Appendix A: the audit trail
    doc.page_break().heading(1, "Appendix A: Audit trail").paragraph(format!(
        "Every change to this case, in the order it was made, as recorded in the case's audit \
         chain. Each record's SHA-256 covers its position, time, actor, the change and the hash \
         of the record before it (the first record follows the genesis hash of 64 zeros), so \
         editing, removing or reordering any record changes every hash after it and the head. \
         The head below was recomputed from the {} records when this report was made.",
        data.chain.records
    ));
    let involved = data.involved();
    let roles: BTreeMap<&str, String> =
        data.users.iter().map(|u| (u.name.as_str(), u.role.to_string())).collect();
    doc.key_values([
        (Text::plain("Chain"), Text::mono(format!("case:{}", c.id))),
        (Text::plain("Records"), Text::plain(data.chain.records.to_string())),
        (Text::plain("Head"), Text::hash(head)),
    ]);
    doc.paragraph(format!(
        "Every audit pack made by Vetdesk {} carries these two files byte for byte. Before \
         running a pack's verify_chain.py, compare its SHA-256 (and that of its README.txt) with \
         the values below and with those published in Vetdesk's documentation; if they differ, \
         the pack was altered.",
        env!("CARGO_PKG_VERSION")
    ))
    .key_values([
        (Text::plain("verify_chain.py"), Text::hash(crate::shipped::VERIFY_CHAIN_PY_SHA256)),
        (Text::plain("README.txt"), Text::hash(crate::shipped::README_TXT_SHA256)),
    ]);
    doc.heading(3, "People in this record").key_values(involved.iter().map(|login| {
        (
            people.name(login),
            roles.get(login).map_or("unknown user".to_string(), |r| format!("role: {r}")),
        )
    }));
    let mut table = Table::new([
        Column::fixed("Seq", 28.0).right(),
        Column::fixed("When and who", 122.0),
        Column::relative("Change, and the record's hash", 3.4),
    ]);
    for r in &data.readable {
        let change =
            ChainRecord::from_stored(r).map(|x| x.change).unwrap_or(serde_json::Value::Null);
        let at = r.at.parse().map(|t| when(&t)).unwrap_or_else(|_| r.at.clone());
        table.push_row([
            Text::plain(r.seq.to_string()),
            Text::plain(format!("{at}\n{}", people.name(&r.actor))),
            Text::plain(describe_change(&change, Some(data.template)))
                .then("\n")
                .then(Text::hash(&r.hash).color(Color::MUTED)),
        ]);
    }
    doc.table(table);
    sections::render_superseded_flags(
        &mut doc,
        "Appendix B: Red flags no longer open",
        v.red_flags.as_deref(),
        &label,
    );

    progress(Progress::at(Stage::Rendering, 0, 1));
    let pdf = doc.render()?;
    progress(Progress::at(Stage::Rendering, 1, 1));
    Ok(CaseReport {
        pdf,
        case_id: c.id,
        chain_head: head.clone(),
        audit_records: data.chain.records,
        previews: made.len(),
        missing_previews: missing,
    })
}

/// The preview hashes the case's records of one file recorded.
fn recorded_previews(images: &[&vetdesk_core::model::Evidence], sha256: &str) -> Vec<String> {
    let mut out: Vec<String> = images
        .iter()
        .filter(|e| e.sha256 == sha256)
        .filter_map(|e| e.thumbnail_sha256.clone())
        .collect();
    out.dedup();
    out
}

fn preview(files: &EvidenceFiles, sha256: &str, recorded: &[String]) -> Result<Vec<u8>, String> {
    let sha: Sha256Hex = sha256.parse().map_err(|e| format!("{e}"))?;
    // The stored preview made at ingest, when it is the one recorded; else made again from the
    // original, so that a preview replaced on disk never reaches a report.
    files.trusted_preview(&sha, recorded).map_err(|e| e.to_string())
}

/// What the newest signed checkpoint covers of the case, in words.
fn signed_line(data: &CaseData) -> String {
    match &data.signed {
        None => "none covers this case yet (`vetdesk checkpoint` signs the store's root)".into(),
        Some(s) => {
            let records = data.chain.records;
            let reach = if s.covered >= records {
                format!("all {records} records")
            } else {
                format!(
                    "records 1–{} of {records}; the later ones were written after it",
                    s.covered
                )
            };
            format!(
                "{} by key {}, over {} ledger entries: covers {reach}",
                when(&s.checkpoint.at),
                s.checkpoint.fingerprint,
                s.checkpoint.entries
            )
        }
    }
}
