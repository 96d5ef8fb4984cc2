//! What each command does: parse its arguments into typed values, call one store function,
//! print the result.

use chrono::NaiveDate;
use serde::Serialize;

use super::render::{Table, clip, fields, opt};
use super::*;
use vetdesk_core::change::Change;
use vetdesk_core::error::UnknownValue;
use vetdesk_core::import::{ImportError, parse_candidates_csv};
use vetdesk_core::model::{
    CandidateFields, CaseKind, CaseStatus, Chain, Decision, ItemResult, Priority, Role,
    VendorFields,
};
use vetdesk_core::store::{
    CaseFilter, CaseSort, Clock, DataDir, NewCase, OpenMode, ProblemKind, Store, StoreError,
};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Import(#[from] ImportError),
    #[error("{0}")]
    Value(#[from] UnknownValue),
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    #[error("{0}")]
    Report(#[from] vetdesk_export::report::ReportError),
    #[error("{0}")]
    Pack(#[from] vetdesk_export::pack::PackError),
}

pub(super) type Result<T> = std::result::Result<T, CliError>;

pub(super) struct Ctx {
    cli_actor: Option<String>,
    pub(super) json: bool,
    pub(super) store: Store,
}

impl Ctx {
    pub(super) fn actor(&self) -> Result<&str> {
        self.cli_actor.as_deref().filter(|a| !a.trim().is_empty()).ok_or_else(|| {
            CliError::Usage(
                "who is acting? pass --as USER or set VETDESK_USER (see `vetdesk user list`)"
                    .into(),
            )
        })
    }

    pub(super) fn print<T: Serialize>(
        &self,
        value: &T,
        text: impl FnOnce() -> String,
    ) -> Result<()> {
        if self.json {
            let json = serde_json::to_string_pretty(value)
                .map_err(|e| CliError::Usage(format!("cannot print JSON: {e}")))?;
            println!("{json}");
        } else {
            print!("{}", text());
        }
        Ok(())
    }
}

pub(super) fn date(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| CliError::Usage(format!("{field} {text:?} is not a date like 2026-03-31")))
}

pub(super) fn optional_date(field: &str, text: &Option<String>) -> Result<Option<NaiveDate>> {
    text.as_deref().map(|t| date(field, t)).transpose()
}

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    // An auditor checks a pack on any machine: no data directory needed.
    if let Command::VerifyPack(args) = cli.command {
        return super::reports::verify_pack(cli.json, args);
    }
    // Reading an MRZ needs no data directory.
    if let Command::Verification(super::verification::VerificationCommand::Mrz { file }) =
        &cli.command
    {
        return super::verification::mrz(file, cli.json);
    }
    let dir = DataDir::resolve(cli.data_dir.as_deref())?;
    let mode = match cli.command {
        Command::Init => OpenMode::CreateIfMissing,
        _ => OpenMode::MustExist,
    };
    let store = Store::open(dir, mode, Clock::system())?;
    let ctx = Ctx { cli_actor: cli.actor, json: cli.json, store };
    match cli.command {
        Command::Init => init(&ctx),
        Command::User(c) => user(&ctx, c),
        Command::Vendor(c) => vendor(&ctx, c),
        Command::Candidate(c) => candidate(&ctx, c),
        Command::Case(c) => case(&ctx, c),
        Command::Check(c) => check(&ctx, c),
        Command::Evidence(c) => evidence(&ctx, c),
        Command::Note(c) => note(&ctx, c),
        Command::Audit(AuditCommand::Show { id }) => audit(&ctx, &id),
        Command::Search { query, limit } => search(&ctx, &query.join(" "), limit),
        Command::Verify => verify(&ctx),
        Command::Report(a) => super::reports::report(&ctx.store, ctx.actor()?, ctx.json, a),
        Command::Pack(a) => super::reports::pack(&ctx.store, ctx.actor()?, ctx.json, a),
        Command::Portfolio(a) => super::reports::portfolio(&ctx.store, ctx.actor()?, ctx.json, a),
        // Handled above, before a store is opened.
        Command::VerifyPack(_) => Ok(EXIT_BAD_INPUT),
        Command::Verification(c) => super::verification::run(&ctx, c),
    }
}

fn init(ctx: &Ctx) -> Result<u8> {
    let dir = ctx.store.data_dir();
    let info = serde_json::json!({
        "data_dir": dir.root,
        "database": dir.database(),
        "schema_version": ctx.store.schema_version(),
        "users": ctx.store.users()?.len(),
    });
    ctx.print(&info, || {
        let mut text = format!("Vetdesk data directory ready: {}\n", dir.root.display());
        if ctx.store.users().map(|u| u.is_empty()).unwrap_or(false) {
            text.push_str(
                "Next: add the first user, an admin: vetdesk user add NAME --role admin\n",
            );
        }
        text
    })?;
    Ok(0)
}

fn user(ctx: &Ctx, command: UserCommand) -> Result<u8> {
    let s = &ctx.store;
    let change = match command {
        UserCommand::List => {
            let users = s.users()?;
            return ctx
                .print(&users, || {
                    let mut t = Table::new(&["name", "display name", "role", "active"]);
                    for u in &users {
                        t.row(vec![
                            u.name.clone(),
                            u.display_name.clone(),
                            u.role.to_string(),
                            yes(u.active),
                        ]);
                    }
                    if t.is_empty() {
                        "No users yet: vetdesk user add NAME --role admin\n".into()
                    } else {
                        t.render()
                    }
                })
                .map(|_| 0);
        }
        UserCommand::Add { name, role, display_name } => {
            let role: Role = role.parse()?;
            let display_name = display_name.unwrap_or_else(|| name.clone());
            // The very first user of a data directory adds themself.
            let actor = match ctx.actor() {
                Ok(actor) => actor.to_string(),
                Err(e) if s.users()?.is_empty() => {
                    let _ = e;
                    name.clone()
                }
                Err(e) => return Err(e),
            };
            let applied = s.apply(
                &actor,
                Change::AddUser { id: None, name: name.clone(), display_name, role },
            )?;
            return ctx.print(&applied, || format!("Added user {name} ({role}).\n")).map(|_| 0);
        }
        UserCommand::SetRole { name, role } => Change::SetUserRole { name, role: role.parse()? },
        UserCommand::Deactivate { name } => Change::SetUserActive { name, active: false },
        UserCommand::Activate { name } => Change::SetUserActive { name, active: true },
    };
    let applied = s.apply(ctx.actor()?, change)?;
    ctx.print(&applied, || "Done.\n".into())?;
    Ok(0)
}

fn yes(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

fn vendor(ctx: &Ctx, command: VendorCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        VendorCommand::List => {
            let vendors = s.vendors()?;
            ctx.print(&vendors, || {
                let mut t = Table::new(&["id", "name", "attested", "last audit", "contact"]);
                for v in &vendors {
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
            })?;
        }
        VendorCommand::Add { name, args } => {
            let vendor = VendorFields {
                name,
                contact: args.contact,
                screening_attested: args.attested,
                attestation_note: args.attestation_note,
                last_audit_on: optional_date("--last-audit", &args.last_audit)?,
            };
            let applied = s.apply(ctx.actor()?, Change::AddVendor { id: None, vendor })?;
            let id = match &applied.change {
                Change::AddVendor { id, .. } => opt(id),
                _ => String::new(),
            };
            ctx.print(&applied, || format!("Added vendor {id}.\n"))?;
        }
    }
    Ok(0)
}

fn candidate_fields(ctx: &Ctx, a: CandidateArgs) -> Result<CandidateFields> {
    let vendor_id = match &a.vendor {
        Some(key) => Some(ctx.store.find_vendor(key)?.id),
        None => None,
    };
    Ok(CandidateFields {
        external_id: a.external_id,
        legal_name: a.name,
        other_names: a.other_names,
        emails: a.emails,
        phones: a.phones,
        home_address: a.home_address,
        shipping_address: a.shipping_address,
        claimed_location: a.claimed_location,
        time_zone: a.time_zone,
        role: a.role,
        vendor_id,
        applied_on: optional_date("--applied-on", &a.applied_on)?,
        application_ip: a.application_ip,
    })
}

fn candidate(ctx: &Ctx, command: CandidateCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        CandidateCommand::Add { args, no_case, assignee, priority } => {
            let candidate = candidate_fields(ctx, args)?;
            let priority: Priority = priority.parse()?;
            let case = (!no_case).then_some(NewCase {
                kind: CaseKind::PreHire,
                assignee,
                priority,
                due_on: None,
            });
            let applied = s.add_candidate(ctx.actor()?, candidate, case)?;
            let mut text = String::new();
            for a in &applied {
                match &a.change {
                    Change::AddCandidate { id, .. } => {
                        text.push_str(&format!("Added candidate {}.\n", opt(id)))
                    }
                    Change::OpenCase { id, .. } => {
                        text.push_str(&format!("Opened case {}.\n", opt(id)))
                    }
                    _ => {}
                }
            }
            ctx.print(&applied, || text)?;
        }
        CandidateCommand::Import { file, no_cases } => {
            let reader = std::fs::File::open(&file).map_err(|e| CliError::Io {
                context: format!("cannot open {}", file.display()),
                source: e,
            })?;
            let parsed =
                parse_candidates_csv(std::io::BufReader::new(reader)).map_err(|e| match e {
                    ImportError::Header(m) => {
                        ImportError::Header(format!("{}: {m}", file.display()))
                    }
                    rows => rows,
                })?;
            let outcome = s.import_candidates(ctx.actor()?, &parsed, !no_cases)?;
            ctx.print(&outcome, || {
                format!(
                    "Imported {}: {} new candidate(s), {} updated, {} unchanged.\n",
                    file.display(),
                    outcome.created.len(),
                    outcome.updated.len(),
                    outcome.unchanged.len()
                )
            })?;
        }
        CandidateCommand::List => {
            let candidates = s.candidates()?;
            ctx.print(&candidates, || {
                let mut t = Table::new(&["id", "external id", "name", "emails", "location"]);
                for c in &candidates {
                    t.row(vec![
                        c.id.to_string(),
                        opt(&c.fields.external_id),
                        clip(&c.fields.legal_name, 40),
                        clip(&c.fields.emails.join(", "), 40),
                        clip(&opt(&c.fields.claimed_location), 30),
                    ]);
                }
                if t.is_empty() { "No candidates yet.\n".into() } else { t.render() }
            })?;
        }
        CandidateCommand::Show { id } => {
            let c = s.candidate(id)?;
            let cases = s.cases_of_candidate(id)?;
            let vendor = match c.fields.vendor_id {
                Some(v) => Some(s.vendor(v)?),
                None => None,
            };
            let value = serde_json::json!({ "candidate": c, "vendor": vendor, "cases": cases });
            ctx.print(&value, || {
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
                    ("vendor", vendor.as_ref().map(|v| v.fields.name.clone()).unwrap_or_default()),
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
            })?;
        }
    }
    Ok(0)
}

/// `cleared`, `rejected` and `referred` are decisions; the rest are plain statuses.
fn status_target(text: &str) -> Result<(CaseStatus, Option<Decision>)> {
    if let Ok(decision) = text.parse::<Decision>() {
        return Ok((CaseStatus::Decided, Some(decision)));
    }
    match text.parse::<CaseStatus>() {
        Ok(CaseStatus::Decided) => {
            Err(CliError::Usage("say which decision: cleared, rejected or referred".into()))
        }
        Ok(status) => Ok((status, None)),
        Err(_) => Err(CliError::Usage(format!(
            "unknown status {text:?}; expected one of: open, in-review, escalated, cleared, rejected, referred, closed"
        ))),
    }
}

fn case(ctx: &Ctx, command: CaseCommand) -> Result<u8> {
    let s = &ctx.store;
    let change = match command {
        CaseCommand::List { status, assignee, vendor, overdue, sort, desc, limit } => {
            let filter = CaseFilter {
                status: status.as_deref().map(str::parse).transpose()?,
                assignee,
                vendor_id: match vendor {
                    Some(key) => Some(s.find_vendor(&key)?.id),
                    None => None,
                },
                candidate_id: None,
                overdue,
                sort: Some(sort.parse::<CaseSort>()?),
                descending: desc,
                limit,
            };
            let cases = s.cases(&filter)?;
            return ctx
                .print(&cases, || {
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
                    for c in &cases {
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
                            format!(
                                "{}{}",
                                opt(&c.due_on),
                                if c.overdue { " OVERDUE" } else { "" }
                            ),
                        ]);
                    }
                    if t.is_empty() { "No cases match.\n".into() } else { t.render() }
                })
                .map(|_| 0);
        }
        CaseCommand::Show { id } => {
            let detail = s.case_detail(id)?;
            return ctx.print(&detail, || render_case(&detail)).map(|_| 0);
        }
        CaseCommand::Open { candidate, kind, assignee, priority, due } => Change::OpenCase {
            id: None,
            candidate_id: candidate,
            kind: kind.parse()?,
            assignee,
            priority: priority.parse()?,
            due_on: optional_date("--due", &due)?,
            template: None,
        },
        CaseCommand::Status { id, new, reason } => {
            let (status, decision) = status_target(&new)?;
            Change::SetStatus { case_id: id, status, decision, reason }
        }
        CaseCommand::Assign { id, user, none } => {
            if user.is_none() && !none {
                return Err(CliError::Usage("name a user to assign, or pass --none".into()));
            }
            Change::AssignCase { case_id: id, assignee: user }
        }
        CaseCommand::Priority { id, priority } => {
            Change::SetPriority { case_id: id, priority: priority.parse()? }
        }
        CaseCommand::Due { id, date: due, none } => {
            if due.is_none() && !none {
                return Err(CliError::Usage("give a date (YYYY-MM-DD), or pass --none".into()));
            }
            Change::SetDueDate { case_id: id, due_on: optional_date("date", &due)? }
        }
    };
    let applied = s.apply(ctx.actor()?, change)?;
    let text = match &applied.change {
        Change::OpenCase { id, .. } => format!("Opened case {}.\n", opt(id)),
        Change::SetStatus { case_id, status, decision, .. } => match decision {
            Some(d) => format!("Case {case_id} is now {status}: {d}.\n"),
            None => format!("Case {case_id} is now {status}.\n"),
        },
        _ => "Done.\n".to_string(),
    };
    ctx.print(&applied, || text)?;
    Ok(0)
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

fn render_checklist(entries: &[vetdesk_core::store::ChecklistEntry]) -> String {
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
    }
    out
}

fn render_case(d: &vetdesk_core::store::CaseDetail) -> String {
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
    out.push_str(&render_checklist(&d.checklist));
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

fn check(ctx: &Ctx, command: CheckCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        CheckCommand::List { id } => {
            let entries = s.checklist(id)?;
            ctx.print(&entries, || render_checklist(&entries))?;
        }
        CheckCommand::Set { id, item, result, note, evidence } => {
            let result: ItemResult = result.parse()?;
            let applied = s.apply(
                ctx.actor()?,
                Change::RecordResult { case_id: id, item_id: item.clone(), result, note, evidence },
            )?;
            ctx.print(&applied, || format!("Case {id}: {item} is {result}.\n"))?;
        }
    }
    Ok(0)
}

fn evidence(ctx: &Ctx, command: EvidenceCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        EvidenceCommand::Add { id, file, item, description } => {
            let applied =
                s.attach_file(ctx.actor()?, id, &file, item, description, &mut |_, _| {})?;
            let text = match &applied.change {
                Change::AttachEvidence { id: Some(evid), file: stored, original_name, .. } => {
                    let mut text = format!(
                        "Added evidence {evid} to case {id}: {original_name}, {}, {} bytes, sha256 {}.\n",
                        stored.media_type, stored.size, stored.sha256
                    );
                    if let Some(note) = &stored.ingest_note {
                        text.push_str(&format!("Note: {note}\n"));
                    }
                    text
                }
                _ => "Done.\n".into(),
            };
            ctx.print(&applied, || text)?;
        }
        EvidenceCommand::List { id } => {
            let list = s.evidence_of_case(id)?;
            ctx.print(&list, || {
                let mut t = Table::new(&["id", "file", "type", "bytes", "item", "sha256"]);
                for e in &list {
                    t.row(vec![
                        e.id.to_string(),
                        clip(&e.original_name, 30),
                        e.media_type.clone(),
                        e.size.to_string(),
                        opt(&e.item_id),
                        e.sha256.clone(),
                    ]);
                }
                if t.is_empty() { format!("No evidence on case {id} yet.\n") } else { t.render() }
            })?;
        }
        EvidenceCommand::Export { evid, dest, force } => {
            let bytes = s.export_evidence(evid, &dest, force)?;
            let value = serde_json::json!({ "evidence": evid, "dest": dest, "bytes": bytes });
            ctx.print(&value, || {
                format!("Wrote {} ({bytes} bytes, hash checked).\n", dest.display())
            })?;
        }
    }
    Ok(0)
}

fn note(ctx: &Ctx, command: NoteCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        NoteCommand::Add { id, text } => {
            let applied = s.apply(ctx.actor()?, Change::AddNote { id: None, case_id: id, text })?;
            ctx.print(&applied, || format!("Added a note to case {id}.\n"))?;
        }
        NoteCommand::List { id } => {
            let notes = s.notes(id)?;
            ctx.print(&notes, || {
                notes
                    .iter()
                    .map(|n| format!("{} {} {}: {}\n", n.id, n.created_at, n.author, n.text))
                    .collect()
            })?;
        }
    }
    Ok(0)
}

fn audit(ctx: &Ctx, id: &str) -> Result<u8> {
    let chain = if id.eq_ignore_ascii_case("global") {
        Chain::Global
    } else {
        let case_id: i64 = id
            .parse()
            .map_err(|_| CliError::Usage(format!("{id:?} is not a case id or `global`")))?;
        ctx.store.case(case_id)?;
        Chain::Case(case_id)
    };
    let records = ctx.store.audit(chain)?;
    ctx.print(&records, || {
        let mut t = Table::new(&["seq", "at", "actor", "change", "hash"]);
        for r in &records {
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
    })?;
    Ok(0)
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
        "open_case" => format!("opened for candidate {}", get("candidate_id")),
        "assign_case" => format!("assigned to {}", get("assignee")),
        "add_user" => format!("user {} ({})", get("name"), get("role")),
        "add_candidate" | "update_candidate" => format!("{} {}", kind.replace('_', " "), get("id")),
        "add_vendor" | "update_vendor" => format!("{} {}", kind.replace('_', " "), get("id")),
        other => other.replace('_', " "),
    }
}

fn search(ctx: &Ctx, query: &str, limit: usize) -> Result<u8> {
    let hits = ctx.store.search(query, limit)?;
    ctx.print(&hits, || {
        let mut t = Table::new(&["case", "candidate", "found in", "match"]);
        for h in &hits {
            t.row(vec![
                opt(&h.case_id),
                clip(&h.candidate_name, 30),
                h.kind.to_string(),
                clip(&h.snippet, 70),
            ]);
        }
        if t.is_empty() { format!("Nothing found for {query:?}.\n") } else { t.render() }
    })?;
    Ok(0)
}

fn verify(ctx: &Ctx) -> Result<u8> {
    let report = ctx.store.verify()?;
    ctx.print(&report, || {
        let mut out = String::new();
        if report.ok {
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
                    ProblemKind::State => "table vs log",
                    ProblemKind::Evidence => "evidence",
                    ProblemKind::Database => "database",
                };
                out.push_str(&format!("  [{kind}] {}: {}\n", p.location, p.message));
            }
        }
        out
    })?;
    if !report.ok && ctx.json {
        eprintln!("vetdesk: verify found {} problem(s)", report.problems.len());
    }
    Ok(if report.ok { 0 } else { EXIT_CHECK_FAILED })
}
