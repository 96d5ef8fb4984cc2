//! Running the case-work commands: turn their arguments into typed values, call one store
//! function, print the outcome (`render::cases` makes the text).

use std::path::Path;

use super::args::{
    AuditCommand, CandidateArgs, CandidateCommand, CaseCommand, CheckCommand, EvidenceCommand,
    NoteCommand, UserCommand, VendorCommand,
};
use super::context::{CliError, Ctx, Result, optional_date, usage};
use super::render::cases as text;
use vetdesk_core::change::{Change, Ground};
use vetdesk_core::import::{ImportError, parse_candidates_csv};
use vetdesk_core::model::{
    CandidateFields, CaseKind, CaseStatus, Chain, Decision, ItemResult, Priority, Role,
    VendorFields,
};
use vetdesk_core::store::{CaseFilter, CaseSort, NewCase};
use vetdesk_sample::SampleOptions;

pub fn init(ctx: &Ctx) -> Result<u8> {
    let dir = ctx.store.data_dir();
    let info = serde_json::json!({
        "data_dir": dir.root,
        "database": dir.database(),
        "schema_version": ctx.store.schema_version(),
        "users": ctx.store.users()?.len(),
    });
    ctx.print(&info, || {
        text::init(&dir.root, ctx.store.users().map(|u| u.is_empty()).unwrap_or(false))
    })?;
    Ok(0)
}

/// Refuses a data directory that holds any file: `demo` fills only a new one.
pub fn ensure_empty_dir(root: &Path) -> Result<()> {
    let mut entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(CliError::Io {
                context: format!("cannot read {}", root.display()),
                source: e,
            });
        }
    };
    if entries.next().is_some() {
        return Err(usage(format!(
            "{} is not empty; sample data goes only into a new, empty data directory, so that it \
             never mixes with real work (pass --data-dir with a new directory)",
            root.display()
        )));
    }
    Ok(())
}

pub fn demo(ctx: &Ctx) -> Result<u8> {
    let store = &ctx.store;
    let summary = vetdesk_sample::load(store, store.clock().now(), &SampleOptions::default())
        .map_err(|e| usage(e.to_string()))?;
    // One large write: fold the log into the database before the next command opens it.
    store.fold_wal()?;
    ctx.print(&summary, || text::demo(&store.data_dir().root, &summary))?;
    Ok(0)
}

pub fn user(ctx: &Ctx, command: UserCommand) -> Result<u8> {
    let s = &ctx.store;
    let change = match command {
        UserCommand::List => {
            let users = s.users()?;
            return ctx.print(&users, || text::users(&users)).map(|_| 0);
        }
        UserCommand::Add { name, role, display_name, .. } => {
            let role: Role = role.parse()?;
            let display_name = display_name.unwrap_or_else(|| name.clone());
            // The very first user of a data directory adds themself.
            let actor = match ctx.actor() {
                Ok(actor) => actor.to_string(),
                Err(_) if s.users()?.is_empty() => name.clone(),
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
        UserCommand::Password { name, clear, .. } => {
            let password = if clear {
                None
            } else {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|source| CliError::Io {
                    context: "cannot read the password from standard input".into(),
                    source,
                })?;
                let password = vetdesk_crypto::Passphrase::from_line(line);
                if password.is_empty() {
                    return Err(usage(
                        "the password on standard input is empty; nothing was changed",
                    ));
                }
                Some(password)
            };
            let applied = s.set_switch_password(ctx.actor()?, &name, password.as_ref())?;
            let what = if clear {
                format!("{name} is chosen in the app without a password again.\n")
            } else {
                format!("{name} is chosen in the app only with their password from now on.\n")
            };
            return ctx.print(&applied, || what).map(|_| 0);
        }
    };
    let applied = s.apply(ctx.actor()?, change)?;
    ctx.print(&applied, || "Done.\n".into())?;
    Ok(0)
}

pub fn vendor(ctx: &Ctx, command: VendorCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        VendorCommand::List => {
            let vendors = s.vendors()?;
            ctx.print(&vendors, || text::vendors(&vendors))?;
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
            ctx.print(&applied, || text::vendor_added(&applied))?;
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

fn import_file(ctx: &Ctx, file: &Path, no_cases: bool, dry_run: bool) -> Result<u8> {
    super::context::not_a_link(file).map_err(super::context::usage)?;
    let reader = std::fs::File::open(file).map_err(|e| CliError::Io {
        context: format!("cannot open {}", file.display()),
        source: e,
    })?;
    let parsed = parse_candidates_csv(std::io::BufReader::new(reader)).map_err(|e| match e {
        ImportError::Header(m) => ImportError::Header(format!("{}: {m}", file.display())),
        rows => rows,
    })?;
    let outcome = if dry_run {
        ctx.store.preview_import(ctx.actor()?, &parsed, !no_cases)?
    } else {
        ctx.store.import_candidates(ctx.actor()?, &parsed, !no_cases)?
    };
    ctx.print(&outcome, || text::imported(file, &outcome, dry_run))?;
    Ok(0)
}

pub fn candidate(ctx: &Ctx, command: CandidateCommand) -> Result<u8> {
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
            ctx.print(&applied, || text::candidate_added(&applied))?;
        }
        CandidateCommand::Import { file, no_cases, dry_run } => {
            return import_file(ctx, &file, no_cases, dry_run);
        }
        CandidateCommand::List => {
            let candidates = s.candidates()?;
            ctx.print(&candidates, || text::candidates(&candidates))?;
        }
        CandidateCommand::Show { id } => {
            let c = s.candidate(id)?;
            let cases = s.cases_of_candidate(id)?;
            let vendor = match c.fields.vendor_id {
                Some(v) => Some(s.vendor(v)?),
                None => None,
            };
            let value = serde_json::json!({ "candidate": c, "vendor": vendor, "cases": cases });
            ctx.print(&value, || text::candidate(&c, vendor.as_ref(), &cases))?;
        }
        CandidateCommand::Edit { id, args } => {
            let mut candidate = s.candidate(id)?.fields;
            let text = |v: String| (!v.trim().is_empty()).then_some(v);
            let list = |v: Vec<String>| v.into_iter().filter(|x| !x.trim().is_empty()).collect();
            if let Some(name) = args.name {
                candidate.legal_name = name;
            }
            if let Some(emails) = args.emails {
                candidate.emails = list(emails);
            }
            if let Some(phones) = args.phones {
                candidate.phones = list(phones);
            }
            let optional = [
                (args.home_address, &mut candidate.home_address),
                (args.shipping_address, &mut candidate.shipping_address),
                (args.claimed_location, &mut candidate.claimed_location),
                (args.time_zone, &mut candidate.time_zone),
                (args.role, &mut candidate.role),
            ];
            for (given, field) in optional {
                if let Some(v) = given {
                    *field = text(v);
                }
            }
            let applied = s.apply(ctx.actor()?, Change::UpdateCandidate { id, candidate })?;
            ctx.print(&applied, || text::candidate_edited(&applied))?;
        }
    }
    Ok(0)
}

/// A cited ground: `item:ITEM`, `flag:ID` or `background_report`.
fn ground(text: &str) -> Result<Ground> {
    if text.trim() == "background_report" {
        return Ok(Ground::BackgroundReport);
    }
    match text.split_once(':') {
        Some(("item", item)) if !item.trim().is_empty() => Ok(Ground::Item(item.trim().into())),
        Some(("flag", id)) => {
            id.trim().parse().map(Ground::Flag).map_err(|_| {
                usage(format!("--cite {text:?}: a flag is cited by its number, flag:ID"))
            })
        }
        _ => Err(usage(format!("--cite {text:?}: give item:ITEM, flag:ID or background_report"))),
    }
}

/// `cleared`, `rejected` and `referred` are decisions; the rest are plain statuses.
fn status_target(text: &str) -> Result<(CaseStatus, Option<Decision>)> {
    if let Ok(decision) = text.parse::<Decision>() {
        return Ok((CaseStatus::Decided, Some(decision)));
    }
    match text.parse::<CaseStatus>() {
        Ok(CaseStatus::Decided) => Err(usage("say which decision: cleared, rejected or referred")),
        Ok(status) => Ok((status, None)),
        Err(_) => Err(usage(format!(
            "unknown status {text:?}; expected one of: open, in-review, escalated, cleared, rejected, referred, closed"
        ))),
    }
}

pub fn case(ctx: &Ctx, command: CaseCommand) -> Result<u8> {
    let s = &ctx.store;
    let change = 'change: {
        match command {
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
                return ctx.print(&cases, || text::cases(&cases)).map(|_| 0);
            }
            CaseCommand::Show { id } => {
                let detail = s.case_detail(id)?;
                return ctx.print(&detail, || text::case(&detail)).map(|_| 0);
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
            CaseCommand::Status { id, new, reason, cite, override_reason, assign } => {
                let (status, decision) = status_target(&new)?;
                let grounds = cite.iter().map(|c| ground(c)).collect::<Result<Vec<_>>>()?;
                let status = Change::SetStatus {
                    case_id: id,
                    status,
                    decision,
                    reason,
                    grounds,
                    override_reason,
                };
                let Some(assignee) = assign else { break 'change status };
                // The move and the hand-over are one transaction: both or neither.
                let assign = Change::AssignCase { case_id: id, assignee: Some(assignee) };
                let applied = s.apply_all(ctx.actor()?, vec![status, assign])?;
                ctx.print(&applied, || applied.iter().map(text::case_applied).collect::<String>())?;
                return Ok(0);
            }
            CaseCommand::Gate { id } => {
                let missing = s.decision_gaps(id, Decision::Cleared)?;
                ctx.print(&missing, || text::gate(id, &missing))?;
                return Ok(u8::from(!missing.is_empty()));
            }
            CaseCommand::Assign { id, user, none } => {
                if user.is_none() && !none {
                    return Err(usage("name a user to assign, or pass --none"));
                }
                Change::AssignCase { case_id: id, assignee: user }
            }
            CaseCommand::Priority { id, priority } => {
                Change::SetPriority { case_id: id, priority: priority.parse()? }
            }
            CaseCommand::Due { id, date: due, none } => {
                if due.is_none() && !none {
                    return Err(usage("give a date (YYYY-MM-DD), or pass --none"));
                }
                Change::SetDueDate { case_id: id, due_on: optional_date("date", &due)? }
            }
        }
    };
    let applied = s.apply(ctx.actor()?, change)?;
    ctx.print(&applied, || text::case_applied(&applied))?;
    Ok(0)
}

pub fn check(ctx: &Ctx, command: CheckCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        CheckCommand::List { id } => {
            let entries = s.checklist(id)?;
            ctx.print(&entries, || text::checklist(&entries))?;
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

pub fn evidence(ctx: &Ctx, command: EvidenceCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        EvidenceCommand::Add { id, file, item, description } => {
            let applied =
                s.attach_file(ctx.actor()?, id, &file, item, description, &mut |_, _| {})?;
            ctx.print(&applied, || text::evidence_added(id, &applied))?;
        }
        EvidenceCommand::List { id } => {
            let list = s.evidence_of_case(id)?;
            ctx.print(&list, || text::evidence(id, &list))?;
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

pub fn note(ctx: &Ctx, command: NoteCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        NoteCommand::Add { id, text } => {
            let applied = s.apply(ctx.actor()?, Change::AddNote { id: None, case_id: id, text })?;
            ctx.print(&applied, || format!("Added a note to case {id}.\n"))?;
        }
        NoteCommand::List { id } => {
            let notes = s.notes(id)?;
            ctx.print(&notes, || text::notes(&notes))?;
        }
    }
    Ok(0)
}

pub fn audit(ctx: &Ctx, command: AuditCommand) -> Result<u8> {
    let AuditCommand::Show { id } = command;
    let chain = if id.eq_ignore_ascii_case("global") {
        Chain::Global
    } else {
        let case_id: i64 =
            id.parse().map_err(|_| usage(format!("{id:?} is not a case id or `global`")))?;
        ctx.store.case(case_id)?;
        Chain::Case(case_id)
    };
    let records = ctx.store.audit(chain)?;
    ctx.print(&records, || text::audit(&records))?;
    Ok(0)
}

pub fn search(ctx: &Ctx, query: &str, limit: usize) -> Result<u8> {
    let hits = ctx.store.search(query, limit)?;
    ctx.print(&hits, || text::search(query, &hits))?;
    Ok(0)
}
