//! The text of the case-work commands: users, vendors, candidates, the queue, a case with its
//! checklist, evidence, notes, the audit trail, search hits and the `verify` verdict.

use std::path::Path;

use super::{Table, clip, fields, opt, yes};
use vetdesk_core::change::Change;
use vetdesk_core::model::{AuditRecord, Candidate, Case, Evidence, ItemResult, Note, User, Vendor};
use vetdesk_core::store::{
    Applied, CaseDetail, CaseSummary, ChecklistEntry, ImportOutcome, Missing, ProblemKind,
    SearchHit, VerifyReport,
};

pub fn init(root: &Path, no_users: bool) -> String {
    let mut text = format!("Vetdesk data directory ready: {}\n", root.display());
    if no_users {
        text.push_str("Next: add the first user, an admin: vetdesk user add NAME --role admin\n");
    }
    text
}

pub fn demo(root: &Path, s: &vetdesk_sample::SampleSummary) -> String {
    let dir = root.display();
    format!(
        "Sample data loaded into {dir}: {} candidates from {} vendors, {} evidence files, {} \
         audit records.\n\
         Every person, address and number in it is fictitious.\n\
         Users: {}.\n\
         Try:\n  \
         vetdesk --data-dir {dir} --as {} case list\n  \
         vetdesk --data-dir {dir} --as {} case show {}    (many red flags and links)\n  \
         vetdesk --data-dir {dir} --as {} employees    (hired workers, watched after the hire)\n  \
         vetdesk --data-dir {dir} verify\n  \
         VETDESK_DATA_DIR={dir} make run    (the desktop app)\n",
        s.candidates,
        s.vendors,
        s.evidence_files,
        s.audit_records,
        s.users.join(", "),
        vetdesk_sample::REVIEWER,
        vetdesk_sample::INVESTIGATOR,
        s.showcase_case,
        vetdesk_sample::INVESTIGATOR,
    )
}

pub fn users(users: &[User]) -> String {
    let mut t = Table::new(&["name", "display name", "role", "active"]);
    for u in users {
        t.row(vec![u.name.clone(), u.display_name.clone(), u.role.to_string(), yes(u.active)]);
    }
    if t.is_empty() {
        "No users yet: vetdesk user add NAME --role admin\n".into()
    } else {
        t.render()
    }
}

pub fn vendors(vendors: &[Vendor]) -> String {
    let mut t = Table::new(&["id", "name", "attested", "last audit", "contact"]);
    for v in vendors {
        t.row(vec![
            v.id.to_string(),
            v.fields.name.clone(),
            yes(v.fields.screening_attested),
            opt(&v.fields.last_audit_on),
            clip(&v.fields.contact, 40),
        ]);
    }
    if t.is_empty() {
        "No vendors yet: vetdesk vendor add NAME --contact ...\n".into()
    } else {
        t.render()
    }
}

pub fn vendor_added(applied: &Applied) -> String {
    let id = match &applied.change {
        Change::AddVendor { id, .. } => opt(id),
        _ => String::new(),
    };
    format!("Added vendor {id}.\n")
}

/// One line per record a new candidate made: the candidate, and its case if one was opened.
pub fn candidate_added(applied: &[Applied]) -> String {
    let mut text = String::new();
    for a in applied {
        match &a.change {
            Change::AddCandidate { id, .. } => {
                text.push_str(&format!("Added candidate {}.\n", opt(id)))
            }
            Change::OpenCase { id, .. } => text.push_str(&format!("Opened case {}.\n", opt(id))),
            _ => {}
        }
    }
    text
}

/// A candidate's correction: what changed, the cases whose chains record it, the flags raised.
pub fn candidate_edited(applied: &Applied) -> String {
    let mut text = String::new();
    if let Change::UpdateCandidate { id, .. } = &applied.change {
        text.push_str(&format!("Updated candidate {id}.\n"));
    }
    for a in &applied.cases {
        if let Change::CandidateChanged { case_id, changes, .. } = &a.change {
            for c in changes {
                text.push_str(&format!(
                    "  case {case_id}: {} {:?} -> {:?}\n",
                    c.field, c.before, c.after
                ));
            }
        }
    }
    for f in applied.raised() {
        text.push_str(&format!("  raised flag on case {}: {} ({})\n", f.case_id, f.rule, f.title));
    }
    text
}

/// An import done (or, with `dry_run`, what it would do): the counts, each update with the
/// fields it changes, and the flags raised.
pub fn imported(file: &Path, outcome: &ImportOutcome, dry_run: bool) -> String {
    let mut text = format!(
        "{} {}: {} new candidate(s), {} updated, {} unchanged.\n",
        if dry_run { "Would import" } else { "Imported" },
        file.display(),
        outcome.created.len(),
        outcome.updated.len(),
        outcome.unchanged.len()
    );
    for row in &outcome.updated {
        text.push_str(&format!("  line {}: updates candidate {}\n", row.line, row.candidate_id));
        for c in &row.changes {
            text.push_str(&format!("    {}: {:?} -> {:?}\n", c.field, c.before, c.after));
        }
    }
    for f in &outcome.raised {
        let verb = if dry_run { "would raise" } else { "raised" };
        text.push_str(&format!("  {verb} flag on case {}: {} ({})\n", f.case_id, f.rule, f.title));
    }
    text
}

pub fn candidates(candidates: &[Candidate]) -> String {
    let mut t = Table::new(&["id", "external id", "name", "emails", "location"]);
    for c in candidates {
        t.row(vec![
            c.id.to_string(),
            opt(&c.fields.external_id),
            clip(&c.fields.legal_name, 40),
            clip(&c.fields.emails.join(", "), 40),
            clip(&opt(&c.fields.claimed_location), 30),
        ]);
    }
    if t.is_empty() { "No candidates yet.\n".into() } else { t.render() }
}

pub fn candidate(c: &Candidate, vendor: Option<&Vendor>, cases: &[Case]) -> String {
    let f = &c.fields;
    fields(&[
        ("candidate", c.id.to_string()),
        ("legal name", f.legal_name.clone()),
        ("other names", f.other_names.join("; ")),
        ("external id", opt(&f.external_id)),
        ("emails", f.emails.join("; ")),
        ("phones", f.phones.join("; ")),
        ("home address", opt(&f.home_address)),
        ("shipping address", opt(&f.shipping_address)),
        ("claimed location", opt(&f.claimed_location)),
        ("time zone", opt(&f.time_zone)),
        ("role", opt(&f.role)),
        ("vendor", vendor.map(|v| v.fields.name.clone()).unwrap_or_default()),
        ("applied on", opt(&f.applied_on)),
        ("application IP", opt(&f.application_ip)),
        (
            "cases",
            cases
                .iter()
                .map(|k| format!("{} ({}, {})", k.id, k.kind, k.status))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ])
}

/// The queue as a table.
pub fn cases(cases: &[CaseSummary]) -> String {
    let mut t = Table::new(&[
        "case",
        "candidate",
        "vendor",
        "status",
        "priority",
        "assignee",
        "checklist",
        "due",
    ]);
    for c in cases {
        let status = match c.decision {
            Some(d) => format!("{} ({d})", c.status),
            None => c.status.to_string(),
        };
        t.row(vec![
            c.id.to_string(),
            clip(&c.candidate_name, 32),
            clip(&opt(&c.vendor_name), 24),
            status,
            c.priority.to_string(),
            opt(&c.assignee),
            format!(
                "{}/{}{}",
                c.progress.done,
                c.progress.total,
                if c.progress.failed > 0 {
                    format!(" ({} failed)", c.progress.failed)
                } else {
                    String::new()
                }
            ),
            format!("{}{}", opt(&c.due_on), if c.overdue { " OVERDUE" } else { "" }),
        ]);
    }
    if t.is_empty() { "No cases match.\n".into() } else { t.render() }
}

/// What a change to a case did, in one line.
pub fn case_applied(applied: &Applied) -> String {
    match &applied.change {
        Change::OpenCase { id, .. } => format!("Opened case {}.\n", opt(id)),
        Change::SetStatus { case_id, status, decision, override_reason, .. } => {
            let mut out = match decision {
                Some(d) => format!("Case {case_id} is now {status}: {d}.\n"),
                None => format!("Case {case_id} is now {status}.\n"),
            };
            if let Some(why) = override_reason {
                out.push_str(&format!("Decided over the decision gate: {why}\n"));
            }
            out
        }
        _ => "Done.\n".to_string(),
    }
}

/// What the decision gate finds missing before a case can be cleared.
pub fn gate(case_id: i64, missing: &[Missing]) -> String {
    if missing.is_empty() {
        return format!("Case {case_id} can be cleared: nothing is missing.\n");
    }
    let mut out = format!("Case {case_id} cannot be cleared yet; missing {}:\n", missing.len());
    for m in missing {
        let line = match m {
            Missing::Item { item_id, title, result, .. } => {
                format!("  item {item_id} ({result}): {}", clip(title, 70))
            }
            Missing::Flag { flag_id, rule, title, severity, triage } => format!(
                "  flag {flag_id} {rule} ({severity}, {}): {}",
                triage.map_or("not triaged".to_string(), |t| t.to_string()),
                clip(title, 60)
            ),
            Missing::Grounds => "  grounds: cite a failed item or an open flag".to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn result_mark(result: ItemResult) -> &'static str {
    match result {
        ItemResult::Pending => "[ ]",
        ItemResult::Pass => "[pass]",
        ItemResult::Fail => "[FAIL]",
        ItemResult::NotApplicable => "[n/a]",
        ItemResult::Waived => "[waived]",
    }
}

/// The checklist by phase and section, with who recorded each result and what it waits for.
pub fn checklist(entries: &[ChecklistEntry]) -> String {
    let mut out = String::new();
    let mut phase = "";
    let mut section = "";
    let id_width = entries.iter().map(|e| e.item.id.len()).max().unwrap_or(0);
    let indent = " ".repeat(4 + 9 + id_width + 2);
    for e in entries {
        if e.phase_id != phase {
            phase = &e.phase_id;
            out.push_str(&format!("\n{}\n", e.phase_title.to_uppercase()));
            section = "";
        }
        if e.section_id != section {
            section = &e.section_id;
            out.push_str(&format!("  {}\n", e.section_title));
        }
        let who = match (&e.state.recorded_by, &e.state.recorded_at) {
            (Some(by), Some(at)) if e.state.result != ItemResult::Pending => {
                format!("  ({by}, {at})")
            }
            _ => String::new(),
        };
        out.push_str(&format!(
            "    {:<9}{:<id_width$}  {}{}\n",
            result_mark(e.state.result),
            e.item.id,
            e.item.title,
            who
        ));
        if let Some(note) = &e.state.note {
            out.push_str(&format!("{indent}note: {}\n", clip(note, 100)));
        }
        if !e.state.evidence.is_empty() {
            let ids: Vec<String> = e.state.evidence.iter().map(|i| i.to_string()).collect();
            out.push_str(&format!("{indent}evidence: {}\n", ids.join(", ")));
        }
        if !e.blocked_by.is_empty() && e.state.result == ItemResult::Pending {
            out.push_str(&format!("{indent}waits for: {}\n", e.blocked_by.join(", ")));
        }
        if let Some(due) = &e.due {
            let missed = if due.missed { " — MISSED" } else { "" };
            out.push_str(&format!("{indent}due: {}{missed}\n", due.due_on));
        }
    }
    out
}

/// One case: its header, checklist, evidence and notes.
pub fn case(d: &CaseDetail) -> String {
    let c = &d.case;
    let decision = match (&c.decision, &c.decision_reason) {
        (Some(dec), Some(reason)) => {
            format!("{dec} by {} at {}: {reason}", opt(&c.decided_by), opt(&c.decided_at))
        }
        _ => String::new(),
    };
    let mut out = fields(&[
        ("case", format!("{} ({})", c.id, c.kind)),
        ("candidate", format!("{} (candidate {})", d.candidate.fields.legal_name, d.candidate.id)),
        ("vendor", d.vendor.as_ref().map(|v| v.fields.name.clone()).unwrap_or_default()),
        ("status", c.status.to_string()),
        ("decision", decision),
        ("priority", c.priority.to_string()),
        ("assignee", opt(&c.assignee)),
        ("due", format!("{}{}", opt(&c.due_on), if d.overdue { " (OVERDUE)" } else { "" })),
        ("opened", format!("{} by {}", c.opened_at, c.opened_by)),
        (
            "checklist",
            format!(
                "{}/{} done, {} passed, {} failed",
                d.progress.done, d.progress.total, d.progress.passed, d.progress.failed
            ),
        ),
        ("template", format!("{} v{} ({})", c.template_id, c.template_version, d.template_title)),
        ("audit", format!("{} records, chain head {}", d.audit_records, d.chain_head)),
    ]);
    out.push_str(&checklist(&d.checklist));
    if let Some(a) = &d.adverse_action {
        out.push('\n');
        out.push_str(&crate::cli::adverse::text(a));
    }
    if !d.evidence.is_empty() {
        out.push_str("\nEVIDENCE\n");
        let mut t = Table::new(&["id", "file", "type", "bytes", "sha256", "added"]);
        for e in &d.evidence {
            t.row(vec![
                e.id.to_string(),
                clip(&e.original_name, 30),
                e.media_type.clone(),
                e.size.to_string(),
                e.sha256.clone(),
                format!("{} {}", e.added_by, e.added_at),
            ]);
        }
        out.push_str(&t.render());
    }
    if !d.notes.is_empty() {
        out.push_str("\nNOTES\n");
        for n in &d.notes {
            out.push_str(&format!("  {} {}: {}\n", n.created_at, n.author, n.text));
        }
    }
    out
}

pub fn evidence_added(case_id: i64, applied: &Applied) -> String {
    match &applied.change {
        Change::AttachEvidence { id: Some(evid), file: stored, original_name, .. } => {
            let mut text = format!(
                "Added evidence {evid} to case {case_id}: {original_name}, {}, {} bytes, sha256 {}.\n",
                stored.media_type, stored.size, stored.sha256
            );
            if let Some(note) = &stored.ingest_note {
                text.push_str(&format!("Note: {note}\n"));
            }
            text
        }
        _ => "Done.\n".into(),
    }
}

pub fn evidence(case_id: i64, list: &[Evidence]) -> String {
    let mut t = Table::new(&["id", "file", "type", "bytes", "item", "sha256"]);
    for e in list {
        t.row(vec![
            e.id.to_string(),
            clip(&e.original_name, 30),
            e.media_type.clone(),
            e.size.to_string(),
            opt(&e.item_id),
            e.sha256.clone(),
        ]);
    }
    if t.is_empty() { format!("No evidence on case {case_id} yet.\n") } else { t.render() }
}

pub fn notes(notes: &[Note]) -> String {
    notes.iter().map(|n| format!("{} {} {}: {}\n", n.id, n.created_at, n.author, n.text)).collect()
}

pub fn audit(records: &[AuditRecord]) -> String {
    let mut t = Table::new(&["seq", "at", "actor", "change", "hash"]);
    for r in records {
        let kind = r.change.get("type").and_then(|v| v.as_str()).unwrap_or("?");
        t.row(vec![
            r.seq.to_string(),
            r.at.to_string(),
            r.actor.clone(),
            clip(&describe_change(kind, &r.change), 70),
            r.hash.clone(),
        ]);
    }
    t.render()
}

/// A one-line account of a recorded change for the audit listing.
fn describe_change(kind: &str, change: &serde_json::Value) -> String {
    let get = |k: &str| {
        change
            .get(k)
            .map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))
            .unwrap_or_default()
    };
    match kind {
        "record_result" => format!("{}: {}", get("item_id"), get("result")),
        "set_status" => match change.get("decision").and_then(|d| d.as_str()) {
            Some(d) => format!("status {} ({d}): {}", get("status"), get("reason")),
            None => format!("status {}: {}", get("status"), get("reason")),
        },
        "attach_evidence" => format!("evidence {}: {}", get("id"), get("original_name")),
        "add_note" => format!("note: {}", get("text")),
        "flag_raised" => {
            let flag = change.get("flag");
            let field = |k: &str| {
                flag.and_then(|f| f.get(k)).and_then(|v| v.as_str()).unwrap_or("").to_string()
            };
            format!("flag {} raised [{}] {}", get("id"), field("severity"), field("rule"))
        }
        "flag_cleared" => format!("flag {} cleared: {}", get("flag_id"), get("reason")),
        "record_disclosure" => format!("disclosed ({}): {}", get("what"), get("detail")),
        "candidate_changed" => {
            let fields: Vec<&str> = change
                .get("changes")
                .and_then(|c| c.as_array())
                .map(|c| c.iter().filter_map(|f| f.get("field")?.as_str()).collect())
                .unwrap_or_default();
            format!("candidate {} changed: {}", get("candidate_id"), fields.join(", "))
        }
        "open_case" => format!("opened for candidate {}", get("candidate_id")),
        "assign_case" => format!("assigned to {}", get("assignee")),
        "add_user" => format!("user {} ({})", get("name"), get("role")),
        "add_candidate" | "update_candidate" => format!("{} {}", kind.replace('_', " "), get("id")),
        "add_vendor" | "update_vendor" => format!("{} {}", kind.replace('_', " "), get("id")),
        other => other.replace('_', " "),
    }
}

pub fn search(query: &str, hits: &[SearchHit]) -> String {
    let mut t = Table::new(&["case", "candidate", "found in", "match"]);
    for h in hits {
        t.row(vec![
            opt(&h.case_id),
            clip(&h.candidate_name, 30),
            h.matched.clone(),
            clip(&h.snippet, 70),
        ]);
    }
    if t.is_empty() { format!("Nothing found for {query:?}.\n") } else { t.render() }
}

pub fn verify(report: &VerifyReport) -> String {
    let mut out = String::new();
    if report.ok && report.hidden_chains > 0 {
        out.push_str(&format!(
            "OK as far as visible: {} audit records in {} chains, {} evidence files intact.\n\
             Not verified: {} case chain(s) this login may not see (investigation and monitoring \
             cases), the replay of the log against the tables and the telemetry imports; an \
             investigator, compliance or admin login verifies everything.\n",
            report.records,
            report.chains.len(),
            report.evidence_files,
            report.hidden_chains
        ));
    } else if report.ok {
        out.push_str(&format!(
            "OK: {} audit records in {} chains, every table matches the log, {} evidence files intact.\n",
            report.records,
            report.chains.len(),
            report.evidence_files
        ));
    } else {
        out.push_str(&format!("FAILED: {} problem(s) found.\n", report.problems.len()));
        for p in &report.problems {
            let kind = match p.kind {
                ProblemKind::Chain => "audit chain",
                ProblemKind::Ledger => "ledger",
                ProblemKind::Checkpoint => "checkpoint",
                ProblemKind::State => "table vs log",
                ProblemKind::Evidence => "evidence",
                ProblemKind::Database => "database",
            };
            out.push_str(&format!("  [{kind}] {}: {}\n", p.location, p.message));
        }
        if report.hidden_chains > 0 {
            out.push_str(&format!(
                "Not verified: {} case chain(s) this login may not see, the replay of the log \
                 against the tables and the telemetry imports.\n",
                report.hidden_chains
            ));
        }
    }
    for e in &report.erased {
        out.push_str(&format!(
            "Erased:      candidate {} on {} by {} under the {} rule; {} record(s) keep their \
             place in the chains, their personal fields sealed under a destroyed key\n",
            e.candidate_id, e.at, e.by, e.rule, e.sealed_records
        ));
        if e.telemetry_files > 0 {
            out.push_str(&format!(
                "             {} telemetry file(s) written again without their records; the \
                 originals are removed\n",
                e.telemetry_files
            ));
        }
    }
    out.push_str(&format!(
        "Root:        {} ({} ledger entries)\nGlobal head: {}\n",
        report.root, report.ledger_entries, report.global_head
    ));
    match &report.checkpoint {
        None => out.push_str("Checkpoint:  none signed yet (see `vetdesk checkpoint`)\n"),
        Some(c) => out.push_str(&format!(
            "Checkpoint:  {} entries signed at {} by key {}{}\n",
            c.entries,
            c.at,
            c.fingerprint,
            if report.trusted_key_checked {
                ", checked against the trusted key"
            } else {
                " (no --trusted-key given: not checked against the organisation's key)"
            }
        )),
    }
    if report.witnessed > 0 {
        out.push_str(&format!("Witnessed:   {} checkpoint(s) checked\n", report.witnessed));
    }
    out
}
