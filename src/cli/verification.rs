//! Running the verification commands: read and check an MRZ, import indicator lists, record
//! documents, interviews, E-Verify cases, references, payment details, observed IPs, vendor
//! audits and VoIP numbers, and show a case's red flags and its links to other candidates.
//! `render::verification` makes the text.

use std::io::BufRead;

use super::args::{
    DocArgs, DocCommand, EverifyArgs, EverifyCommand, InterviewCommand, IpCommand, IpListCommand,
    PaymentCommand, PolicyCommand, ReferenceCommand, VendorAuditCommand, VerificationCommand,
    VoipCommand,
};
use super::context::{
    CliError, Ctx, EXIT_BAD_INPUT, EXIT_CHECK_FAILED, Result, date, optional_date, print_json,
    read_input, time_of_day, usage, yes_no,
};
use super::render::opt;
use super::render::verification as text;
use vetdesk_core::change::{Change, PolicyKey};
use vetdesk_core::checks::{flags as rules, mrz};
use vetdesk_core::model::Timestamp;
use vetdesk_core::store::Applied;
use vetdesk_core::verification::{
    AuditOutcome, DocumentFields, DocumentKind, EVerifyFields, EVerifyStatus, IdMatch,
    InterviewFields, IpContext, MismatchAgency, ObservedIpFields, PaymentInput, ReachableHours,
    ReferenceFields, Triage,
};

/// `vetdesk mrz FILE`: runs without a data directory.
pub fn mrz(file: &str, json: bool) -> Result<u8> {
    let today = Timestamp::now().date();
    let report = match read_input(file).map_err(|e| e.to_string()).and_then(|text| {
        mrz::parse(&text, today).map_err(|e| format!("{file}: not a machine-readable zone: {e}"))
    }) {
        Ok(report) => report,
        Err(message) => {
            eprintln!("vetdesk: error: {message}");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    if json {
        print_json(&report)?;
    } else {
        print!("{}", text::mrz_report(&report));
    }
    Ok(if report.valid { 0 } else { EXIT_CHECK_FAILED })
}

/// Runs a verification command against the store.
pub fn run(ctx: &Ctx, command: VerificationCommand) -> Result<u8> {
    match command {
        VerificationCommand::Mrz { file } => mrz(&file, ctx.json),
        VerificationCommand::Flags { id, refresh, catalogue } => flags(ctx, id, refresh, catalogue),
        VerificationCommand::Triage { case, flag, reading, reason } => {
            let triage: Triage = reading.parse()?;
            let a = ctx.store.apply(
                ctx.actor()?,
                Change::TriageFlag { case_id: case, flag_id: flag, triage, reason },
            )?;
            applied(ctx, &a, format!("Flag {flag} of case {case} triaged: {triage}."))
        }
        VerificationCommand::Links { id, cluster: true } => {
            let cluster = ctx.store.cluster(id)?;
            ctx.print(&cluster, || text::cluster(&cluster))?;
            Ok(0)
        }
        VerificationCommand::Links { id, cluster: false } => {
            let links = ctx.store.links(id)?;
            ctx.print(&links, || text::links(id, &links))?;
            Ok(0)
        }
        VerificationCommand::Verification { id } => {
            let v = ctx.store.case_verification(id)?;
            ctx.print(&v, || text::verification(&v))?;
            Ok(0)
        }
        VerificationCommand::Doc(c) => doc(ctx, c),
        VerificationCommand::Interview(c) => interview(ctx, c),
        VerificationCommand::Everify(c) => everify(ctx, c),
        VerificationCommand::Reference(c) => reference(ctx, c),
        VerificationCommand::Payment(c) => payment(ctx, c),
        VerificationCommand::Ip(c) => ip(ctx, c),
        VerificationCommand::Iplist(c) => iplist(ctx, c),
        VerificationCommand::Voip(c) => voip(ctx, c),
        VerificationCommand::VendorAudit(c) => vendor_audit(ctx, c),
        VerificationCommand::Policy(c) => policy(ctx, c),
    }
}

/// Prints an applied change: its own line, then each flag it raised or cleared.
fn applied(ctx: &Ctx, a: &Applied, what: String) -> Result<u8> {
    ctx.print(a, || text::applied(a, &what))?;
    Ok(0)
}

fn created_id(a: &Applied) -> String {
    let value = serde_json::to_value(&a.change).unwrap_or_default();
    value.get("id").map(|v| v.to_string()).unwrap_or_default()
}

fn flags(ctx: &Ctx, id: Option<i64>, refresh: bool, catalogue: bool) -> Result<u8> {
    if catalogue {
        let rows: Vec<serde_json::Value> = rules::CATALOGUE
            .iter()
            .chain(vetdesk_core::checks::posthire::POST_HIRE_CATALOGUE)
            .map(|r| {
                serde_json::json!({
                    "rule": r.id, "severity": r.severity, "title": r.title, "why": r.why,
                    "source": r.source,
                })
            })
            .collect();
        ctx.print(&rows, text::catalogue)?;
        return Ok(0);
    }
    if refresh {
        let applied = ctx.store.refresh_flags(ctx.actor()?, id)?;
        let raised =
            applied.iter().filter(|a| matches!(a.change, Change::FlagRaised { .. })).count();
        let cleared = applied.len() - raised;
        if id.is_none() || ctx.json {
            ctx.print(&applied, || {
                format!("Refreshed: {raised} flag(s) raised, {cleared} cleared.\n")
            })?;
            return Ok(0);
        }
        eprintln!("Refreshed: {raised} flag(s) raised, {cleared} cleared.");
    }
    let id = id.ok_or_else(|| {
        usage("give a case id (or --refresh alone for every case, or --catalogue)")
    })?;
    let flags = ctx.store.flags(id)?;
    ctx.print(&flags, || text::flags(&flags))?;
    Ok(0)
}

fn doc_fields(a: DocArgs) -> Result<DocumentFields> {
    let mrz = match &a.mrz {
        Some(file) => Some(read_input(file).map_err(usage)?),
        None => None,
    };
    Ok(DocumentFields {
        kind: a.kind.parse::<DocumentKind>()?,
        issuing_country: a.country,
        number: a.number,
        holder_name: a.name,
        birth_date: optional_date("--dob", &a.dob)?,
        expiry_date: optional_date("--expiry", &a.expiry)?,
        mrz,
        front_evidence: a.front,
        back_evidence: a.back,
        note: a.note,
    })
}

fn doc(ctx: &Ctx, command: DocCommand) -> Result<u8> {
    match command {
        DocCommand::Add { id, args } => {
            let document = doc_fields(args)?;
            let a = ctx
                .store
                .apply(ctx.actor()?, Change::RecordDocument { id: None, case_id: id, document })?;
            applied(ctx, &a, format!("Recorded document {} on case {id}.", created_id(&a)))
        }
        DocCommand::Update { id, doc, args } => {
            let document = doc_fields(args)?;
            let a = ctx
                .store
                .apply(ctx.actor()?, Change::UpdateDocument { id: doc, case_id: id, document })?;
            applied(ctx, &a, format!("Updated document {doc} of case {id}."))
        }
        DocCommand::List { id } => {
            let v = ctx.store.case_verification(id)?;
            ctx.print(&v.documents, || text::documents(id, &v.documents))?;
            Ok(0)
        }
    }
}

fn interview(ctx: &Ctx, command: InterviewCommand) -> Result<u8> {
    match command {
        InterviewCommand::Add {
            id,
            on,
            at,
            interviewer,
            camera_off,
            refused_video,
            audio_only,
            id_match,
            no_liveness,
            location_consistent,
            screenshots,
            note,
        } => {
            let held_on = date("--on", &on)?;
            let started_at = match at {
                Some(t) => Some(Timestamp::from_datetime(
                    held_on.and_time(time_of_day("--at", &t)?).and_utc(),
                )),
                None => None,
            };
            let interview = InterviewFields {
                held_on,
                started_at,
                interviewer,
                camera_on_throughout: !camera_off && !refused_video && !audio_only,
                refused_video,
                audio_only,
                id_match: id_match.parse::<IdMatch>()?,
                liveness_done: !no_liveness,
                location_consistent: location_consistent
                    .as_deref()
                    .map(|t| yes_no("--location-consistent", t))
                    .transpose()?,
                screenshots,
                note,
            };
            let a = ctx.store.apply(
                ctx.actor()?,
                Change::RecordInterview { id: None, case_id: id, interview },
            )?;
            applied(ctx, &a, format!("Recorded interview {} on case {id}.", created_id(&a)))
        }
        InterviewCommand::List { id } => {
            let v = ctx.store.case_verification(id)?;
            let value = serde_json::json!({ "interviews": v.interviews, "reachable_hours": v.reachable_hours });
            ctx.print(&value, || text::interviews(id, &v.interviews, v.reachable_hours.as_ref()))?;
            Ok(0)
        }
        InterviewCommand::Hours { id, from, to, tz, none } => {
            let hours = if none {
                None
            } else {
                Some(ReachableHours {
                    from: time_of_day("--from", from.as_deref().unwrap_or(""))?,
                    to: time_of_day("--to", to.as_deref().unwrap_or(""))?,
                    time_zone: tz.unwrap_or_default(),
                })
            };
            let a =
                ctx.store.apply(ctx.actor()?, Change::SetReachableHours { case_id: id, hours })?;
            applied(ctx, &a, format!("Set the reachable hours of case {id}."))
        }
    }
}

fn everify_fields(a: EverifyArgs) -> Result<EVerifyFields> {
    Ok(EVerifyFields {
        case_number: a.case_number,
        created_on: date("--created", &a.created)?,
        status: a.status.parse::<EVerifyStatus>()?,
        agency: a.agency.as_deref().map(str::parse::<MismatchAgency>).transpose()?,
        mismatch_on: optional_date("--mismatch", &a.mismatch)?,
        notice_given_on: optional_date("--notice", &a.notice)?,
        decision_recorded_on: optional_date("--decision", &a.decision)?,
        employee_contests: a.contests.as_deref().map(|t| yes_no("--contests", t)).transpose()?,
        referred_on: optional_date("--referred", &a.referred)?,
        agency_contacted_on: optional_date("--contacted", &a.contacted)?,
        continuance_since: optional_date("--continuance", &a.continuance)?,
        followed_up_on: optional_date("--followed-up", &a.followed_up)?,
        evidence: a.evidence,
        note: a.note,
    })
}

fn everify(ctx: &Ctx, command: EverifyCommand) -> Result<u8> {
    match command {
        EverifyCommand::Add { id, args } => {
            let everify = everify_fields(args)?;
            let a = ctx
                .store
                .apply(ctx.actor()?, Change::RecordEVerify { id: None, case_id: id, everify })?;
            applied(ctx, &a, format!("Recorded E-Verify case {} on case {id}.", created_id(&a)))
        }
        EverifyCommand::Update { id, everify: which, args } => {
            let everify = everify_fields(args)?;
            let a = ctx
                .store
                .apply(ctx.actor()?, Change::UpdateEVerify { id: which, case_id: id, everify })?;
            applied(ctx, &a, format!("Updated E-Verify case {which} of case {id}."))
        }
        EverifyCommand::List { id } => {
            let v = ctx.store.case_verification(id)?;
            ctx.print(&v.everify, || text::everify(id, &v.everify))?;
            Ok(0)
        }
    }
}

fn reference(ctx: &Ctx, command: ReferenceCommand) -> Result<u8> {
    match command {
        ReferenceCommand::Add { id, name, email, phone, relationship, company, note } => {
            let reference = ReferenceFields { name, email, phone, relationship, company, note };
            let a = ctx
                .store
                .apply(ctx.actor()?, Change::AddReference { id: None, case_id: id, reference })?;
            applied(ctx, &a, format!("Added reference {} to case {id}.", created_id(&a)))
        }
        ReferenceCommand::List { id } => {
            let v = ctx.store.case_verification(id)?;
            ctx.print(&v.references, || text::references(id, &v.references))?;
            Ok(0)
        }
    }
}

fn payment(ctx: &Ctx, command: PaymentCommand) -> Result<u8> {
    match command {
        PaymentCommand::Add { id, routing, bank, holder, note } => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| {
                usage(format!("cannot read the account number from standard input: {e}"))
            })?;
            let account_number = line.trim().to_string();
            if account_number.is_empty() {
                return Err(usage("give the account number on standard input (one line)"));
            }
            let input = PaymentInput {
                routing_number: routing,
                account_number,
                bank_name: bank,
                account_holder: holder,
                note,
            };
            let a = ctx.store.record_payment(ctx.actor()?, id, &input)?;
            let shown = text::payment_shown(&a);
            applied(
                ctx,
                &a,
                format!("Recorded payment details {} on case {id}: {shown}.", created_id(&a)),
            )
        }
        PaymentCommand::List { id } => {
            let v = ctx.store.case_verification(id)?;
            ctx.print(&v.payments, || text::payments(id, &v.payments))?;
            Ok(0)
        }
    }
}

fn ip(ctx: &Ctx, command: IpCommand) -> Result<u8> {
    match command {
        IpCommand::Add { id, ip, seen_at, context, note } => {
            let seen_at: Timestamp = match seen_at {
                None => ctx.store.clock().now(),
                Some(text) => text.trim().parse().map_err(|_| {
                    usage(format!("--seen-at {text:?} is not a time like 2026-11-02T15:04:00Z"))
                })?,
            };
            let observed =
                ObservedIpFields { ip, seen_at, context: context.parse::<IpContext>()?, note };
            let a = ctx.store.apply(
                ctx.actor()?,
                Change::RecordObservedIp { id: None, case_id: id, observed },
            )?;
            applied(ctx, &a, format!("Recorded IP {} on case {id}.", created_id(&a)))
        }
        IpCommand::List { id } => {
            let v = ctx.store.case_verification(id)?;
            ctx.print(&v.observed_ips, || text::observed_ips(id, &v.observed_ips))?;
            Ok(0)
        }
    }
}

fn iplist(ctx: &Ctx, command: IpListCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        IpListCommand::Import { file, name } => {
            super::context::not_a_link(&file).map_err(super::context::usage)?;
            let bytes = std::fs::read(&file).map_err(|e| CliError::Io {
                context: format!("cannot read {}", file.display()),
                source: e,
            })?;
            let name = name.unwrap_or_else(|| {
                file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
            });
            let a = s.import_ip_list(ctx.actor()?, &name, &file.to_string_lossy(), &bytes)?;
            // The change itself holds every range: print the summary, not the whole record.
            let summary = serde_json::json!({
                "list": name, "record": a.record.id, "chain_seq": a.record.seq,
                "flags": a.flags.iter().map(|f| &f.change).collect::<Vec<_>>(),
            });
            ctx.print(&summary, || text::ip_list_imported(&name, &file, &a))?;
            Ok(0)
        }
        IpListCommand::List => {
            let lists = s.ip_lists()?;
            ctx.print(&lists, || text::ip_lists(&lists))?;
            Ok(0)
        }
        IpListCommand::Remove { name } => {
            let a = s.apply(ctx.actor()?, Change::RemoveIpList { name: name.clone() })?;
            applied(ctx, &a, format!("Removed indicator list {name}."))
        }
        IpListCommand::Check { ip } => {
            let check = s.check_ip(&ip)?;
            ctx.print(&check, || text::ip_check(&check))?;
            Ok(0)
        }
        IpListCommand::VpnAdd { name, note } => {
            let a = s.apply(
                ctx.actor()?,
                Change::AddVpnProvider { id: None, name: name.clone(), note },
            )?;
            applied(ctx, &a, format!("Named VPN provider {name} ({}).", created_id(&a)))
        }
        IpListCommand::VpnList => {
            let list = s.vpn_providers()?;
            ctx.print(&list, || text::vpn_providers(&list))?;
            Ok(0)
        }
        IpListCommand::VpnRemove { id } => {
            let a = s.apply(ctx.actor()?, Change::RemoveVpnProvider { id })?;
            applied(ctx, &a, format!("Removed VPN provider {id}."))
        }
    }
}

fn voip(ctx: &Ctx, command: VoipCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        VoipCommand::Add { pattern, label } => {
            let a = s.apply(ctx.actor()?, Change::AddVoipEntry { id: None, pattern, label })?;
            let stored = match &a.change {
                Change::AddVoipEntry { pattern, .. } => pattern.clone(),
                _ => String::new(),
            };
            applied(ctx, &a, format!("Added {stored} to the VoIP list ({}).", created_id(&a)))
        }
        VoipCommand::List => {
            let list = s.voip_entries()?;
            ctx.print(&list, || text::voip_entries(&list))?;
            Ok(0)
        }
        VoipCommand::Remove { id } => {
            let a = s.apply(ctx.actor()?, Change::RemoveVoipEntry { id })?;
            applied(ctx, &a, format!("Removed VoIP list entry {id}."))
        }
    }
}

fn policy(ctx: &Ctx, command: PolicyCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        PolicyCommand::Show => {
            let values = s.policy()?;
            ctx.print(&values, || text::policy(&values))?;
            Ok(0)
        }
        PolicyCommand::Set { key, value, reason } => {
            let key = key.parse::<PolicyKey>()?;
            let a = s.apply(ctx.actor()?, Change::SetPolicy { key, value, reason })?;
            applied(ctx, &a, format!("Set {key} to {value}."))
        }
    }
}

fn vendor_audit(ctx: &Ctx, command: VendorAuditCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        VendorAuditCommand::Add { vendor, on, outcome, note } => {
            let vendor = s.find_vendor(&vendor)?;
            let a = s.apply(
                ctx.actor()?,
                Change::RecordVendorAudit {
                    id: None,
                    vendor_id: vendor.id,
                    audited_on: date("--on", &on)?,
                    outcome: outcome.parse::<AuditOutcome>()?,
                    note,
                    next_due: None,
                },
            )?;
            let due = match &a.change {
                Change::RecordVendorAudit { next_due, .. } => opt(next_due),
                _ => String::new(),
            };
            applied(
                ctx,
                &a,
                format!("Recorded the audit of {}; the next is due {due}.", vendor.fields.name),
            )
        }
        VendorAuditCommand::Show { vendor } => {
            let vendor = s.find_vendor(&vendor)?;
            let status = s.vendor_audit_status(vendor.id)?;
            ctx.print(&status, || text::vendor_audits(&vendor, &status))?;
            Ok(0)
        }
    }
}
