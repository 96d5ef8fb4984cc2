//! Verification commands: read and check an MRZ, import indicator lists, record documents,
//! interviews, E-Verify cases, references, payment details, observed IPs, vendor audits and
//! VoIP numbers, and show a case's red flags and its links to other candidates.

use std::io::{BufRead, Read};
use std::path::PathBuf;

use chrono::NaiveTime;
use clap::{Args, Subcommand};

use super::commands::{CliError, Ctx, Result, date, optional_date};
use super::render::{Table, clip, fields, opt};
use super::{EXIT_BAD_INPUT, EXIT_CHECK_FAILED};
use vetdesk_core::change::Change;
use vetdesk_core::checks::{flags as rules, mrz};
use vetdesk_core::model::Timestamp;
use vetdesk_core::store::{Applied, CaseVerification};
use vetdesk_core::verification::{
    AuditOutcome, CaseFlags, DocumentFields, DocumentKind, EVerifyFields, EVerifyStatus, Flag,
    IdMatch, InterviewFields, IpContext, Link, MismatchAgency, ObservedIpFields, PaymentInput,
    ReachableHours, ReferenceFields,
};

#[derive(Subcommand, Debug)]
pub enum VerificationCommand {
    /// Read and check a machine-readable zone (ICAO Doc 9303 TD1, TD2 or TD3) from FILE, or `-`
    /// for standard input. Exits 1 when a check fails, 2 when the text is not an MRZ.
    Mrz { file: String },
    /// Red flags of a case with their sources, and its risk score.
    Flags {
        /// Case id; leave out with --refresh to refresh every case that is not closed, or with
        /// --catalogue.
        id: Option<i64>,
        /// Re-evaluate the flags as of now and record what changed (expiries and deadlines
        /// come due with time alone).
        #[arg(long)]
        refresh: bool,
        /// List every rule with its severity and source.
        #[arg(long, conflicts_with_all = ["id", "refresh"])]
        catalogue: bool,
    },
    /// Other candidates sharing a phone, email, address, bank account, IP or reference contact
    /// with the candidate of a case.
    Links { id: i64 },
    /// Everything verification knows about a case.
    Verification { id: i64 },
    /// Identity documents of a case.
    #[command(subcommand)]
    Doc(DocCommand),
    /// Interviews, and the hours the candidate is reachable.
    #[command(subcommand)]
    Interview(InterviewCommand),
    /// E-Verify cases (only after the offer is accepted and Form I-9 is complete).
    #[command(subcommand)]
    Everify(EverifyCommand),
    /// References of a candidate.
    #[command(subcommand)]
    Reference(ReferenceCommand),
    /// Bank details, stored only masked and as a keyed hash.
    #[command(subcommand)]
    Payment(PaymentCommand),
    /// IP addresses the candidate was seen at.
    #[command(subcommand)]
    Ip(IpCommand),
    /// Indicator lists (CIDR ranges of VPNs, hosting, Tor, proxies, countries) and named VPN
    /// providers.
    #[command(subcommand)]
    Iplist(IpListCommand),
    /// The user-maintained list of VoIP numbers and prefixes.
    #[command(subcommand)]
    Voip(VoipCommand),
    /// Audits of staffing vendors.
    #[command(subcommand)]
    VendorAudit(VendorAuditCommand),
}

#[derive(Args, Debug)]
pub struct DocArgs {
    /// passport, national_id, driver_licence, residence_permit or other.
    #[arg(long)]
    pub kind: String,
    /// Issuing country code as printed (USA, D, GBR …).
    #[arg(long)]
    pub country: String,
    #[arg(long)]
    pub number: String,
    /// Holder name as printed.
    #[arg(long)]
    pub name: String,
    #[arg(long, value_name = "DATE")]
    pub dob: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub expiry: Option<String>,
    /// File holding the machine-readable zone (`-` for standard input).
    #[arg(long, value_name = "FILE")]
    pub mrz: Option<String>,
    /// Evidence id of the front scan.
    #[arg(long, value_name = "EVID")]
    pub front: Option<i64>,
    #[arg(long, value_name = "EVID")]
    pub back: Option<i64>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum DocCommand {
    Add {
        id: i64,
        #[command(flatten)]
        args: DocArgs,
    },
    /// Replace every field of a document (a correction).
    Update {
        id: i64,
        doc: i64,
        #[command(flatten)]
        args: DocArgs,
    },
    List {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum InterviewCommand {
    Add {
        id: i64,
        /// The day of the interview.
        #[arg(long, value_name = "DATE")]
        on: String,
        /// When it started, in UTC (HH:MM); compared with the candidate's time zone.
        #[arg(long, value_name = "HH:MM")]
        at: Option<String>,
        #[arg(long)]
        interviewer: String,
        /// The camera was not on for the whole call.
        #[arg(long)]
        camera_off: bool,
        #[arg(long)]
        refused_video: bool,
        #[arg(long)]
        audio_only: bool,
        /// Did the ID held to the camera match face and name: yes, no, unclear, not_shown.
        #[arg(long)]
        id_match: String,
        /// No liveness prompts were done.
        #[arg(long)]
        no_liveness: bool,
        /// Were the answers about location consistent: yes or no (leave out if not asked).
        #[arg(long, value_name = "yes|no")]
        location_consistent: Option<String>,
        /// Evidence id of a screenshot (repeatable).
        #[arg(long = "screenshot", value_name = "EVID")]
        screenshots: Vec<i64>,
        #[arg(long)]
        note: Option<String>,
    },
    List {
        id: i64,
    },
    /// Set the hours at which the candidate is reachable (or --none).
    Hours {
        id: i64,
        #[arg(long, value_name = "HH:MM", required_unless_present = "none")]
        from: Option<String>,
        #[arg(long, value_name = "HH:MM", required_unless_present = "none")]
        to: Option<String>,
        /// IANA time zone of the hours, e.g. America/Chicago.
        #[arg(long, required_unless_present = "none")]
        tz: Option<String>,
        #[arg(long, conflicts_with_all = ["from", "to", "tz"])]
        none: bool,
    },
}

#[derive(Args, Debug)]
pub struct EverifyArgs {
    #[arg(long)]
    pub case_number: String,
    #[arg(long, value_name = "DATE")]
    pub created: String,
    /// employment_authorized, needs_more_time, tentative_nonconfirmation, case_in_continuance,
    /// close_case_and_resubmit, final_nonconfirmation or closed.
    #[arg(long)]
    pub status: String,
    /// With a tentative nonconfirmation: dhs, ssa or both.
    #[arg(long)]
    pub agency: Option<String>,
    /// Date of the mismatch result.
    #[arg(long, value_name = "DATE")]
    pub mismatch: Option<String>,
    /// Date the Further Action Notice was given to the employee.
    #[arg(long, value_name = "DATE")]
    pub notice: Option<String>,
    /// Date the employee's decision was recorded.
    #[arg(long, value_name = "DATE")]
    pub decision: Option<String>,
    /// Whether the employee takes action: yes or no.
    #[arg(long, value_name = "yes|no")]
    pub contests: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub referred: Option<String>,
    /// Date the employee contacted SSA or DHS.
    #[arg(long, value_name = "DATE")]
    pub contacted: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub continuance: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub followed_up: Option<String>,
    #[arg(long = "evidence", value_name = "EVID")]
    pub evidence: Vec<i64>,
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum EverifyCommand {
    Add {
        id: i64,
        #[command(flatten)]
        args: EverifyArgs,
    },
    /// Replace every field of an E-Verify case: a new result, notice or referral date.
    Update {
        id: i64,
        everify: i64,
        #[command(flatten)]
        args: EverifyArgs,
    },
    /// E-Verify cases of a case with their deadlines in federal working days.
    List { id: i64 },
}

#[derive(Subcommand, Debug)]
pub enum ReferenceCommand {
    Add {
        id: i64,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        relationship: String,
        /// The company the reference speaks for.
        #[arg(long)]
        company: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    List {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum PaymentCommand {
    /// Record bank details. The account number is read from standard input (one line), never
    /// from the command line, where other users and shell history would see it.
    Add {
        id: i64,
        /// ABA routing number (9 digits).
        #[arg(long)]
        routing: String,
        #[arg(long)]
        bank: Option<String>,
        #[arg(long)]
        holder: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    List {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum IpCommand {
    Add {
        id: i64,
        ip: String,
        /// When it was seen (RFC 3339, e.g. 2026-11-02T15:04:00Z); default: now.
        #[arg(long, value_name = "TIME")]
        seen_at: Option<String>,
        /// application, interview, onboarding_login, login or other.
        #[arg(long)]
        context: String,
        #[arg(long)]
        note: Option<String>,
    },
    List {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum IpListCommand {
    /// Import a CSV with columns cidr, category, label (category vpn, hosting, tor, proxy or a
    /// country code), replacing the list of the same name. All rows or none.
    Import {
        file: PathBuf,
        /// Name of the list (default: the file name without extension).
        #[arg(long)]
        name: Option<String>,
    },
    List,
    Remove {
        name: String,
    },
    /// Which ranges contain an address.
    Check {
        ip: String,
    },
    /// Name a VPN provider: ranges whose label names it count as VPN whatever their category.
    VpnAdd {
        name: String,
        #[arg(long)]
        note: Option<String>,
    },
    VpnList,
    VpnRemove {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum VoipCommand {
    /// Add a number, or a prefix written +digits* (e.g. '+1 650 555*').
    Add {
        pattern: String,
        /// Where the knowledge comes from, e.g. "carrier lookup 2026-10: Google Voice".
        #[arg(long, default_value = "")]
        label: String,
    },
    List,
    Remove {
        id: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum VendorAuditCommand {
    /// Record an audit of a vendor's hiring practices (compliance or admin).
    Add {
        /// Vendor name or id.
        vendor: String,
        #[arg(long, value_name = "DATE")]
        on: String,
        /// satisfactory, findings or unsatisfactory.
        #[arg(long)]
        outcome: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// The audits of a vendor and when the next one is due.
    Show { vendor: String },
}

fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}

fn yes_no(field: &str, text: &str) -> Result<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        _ => Err(usage(format!("{field} {text:?} must be yes or no"))),
    }
}

fn time_of_day(field: &str, text: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| usage(format!("{field} {text:?} is not a time like 09:30")))
}

fn read_input(file: &str) -> std::result::Result<String, String> {
    let mut text = String::new();
    if file == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
    } else {
        let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
        text = String::from_utf8(bytes).map_err(|_| format!("{file} is not UTF-8 text"))?;
    }
    Ok(text)
}

/// `vetdesk mrz FILE`: runs without a data directory.
pub(super) fn mrz(file: &str, json: bool) -> Result<u8> {
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
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| usage(format!("cannot print JSON: {e}")))?;
        println!("{text}");
    } else {
        print!("{}", render_mrz(&report));
    }
    Ok(if report.valid { 0 } else { EXIT_CHECK_FAILED })
}

fn render_mrz(r: &mrz::MrzReport) -> String {
    let date = |d: &mrz::MrzDate| match d.date {
        Some(day) => format!("{day} ({})", d.raw),
        None => format!("{} (not a date)", d.raw),
    };
    let mut out = fields(&[
        ("layout", format!("{} ({})", r.layout, r.source)),
        ("result", if r.valid { "valid".into() } else { "INVALID".into() }),
        ("document code", r.document_code.clone()),
        ("issuing state", r.issuing_state.clone()),
        ("document number", r.document_number.clone()),
        ("surname", r.primary_identifier.clone()),
        ("given names", r.secondary_identifier.clone()),
        ("nationality", r.nationality.clone()),
        ("date of birth", date(&r.birth_date)),
        ("sex", format!("{:?}", r.sex).to_lowercase()),
        ("date of expiry", date(&r.expiry_date)),
        ("optional data", r.optional_data.clone()),
        ("optional data 2", opt(&r.optional_data_2)),
        ("read as", r.normalisation.join("; ")),
    ]);
    out.push_str("\nCHECK DIGITS\n");
    let mut t = Table::new(&["field", "at", "found", "expected", "result"]);
    for c in &r.check_digits {
        t.row(vec![
            c.field.as_str().to_string(),
            format!("line {} pos {}", c.line, c.position),
            c.found.clone(),
            c.expected.clone(),
            if c.passed { "ok".into() } else { "FAIL".into() },
        ]);
    }
    out.push_str(&t.render());
    if !r.problems.is_empty() {
        out.push_str("\nPROBLEMS\n");
        for p in &r.problems {
            out.push_str(
                &format!("  [{:?}] {}: {}\n", p.outcome, p.check, p.message).to_lowercase_first(),
            );
        }
    }
    out
}

trait LowerFirst {
    fn to_lowercase_first(self) -> String;
}

impl LowerFirst for String {
    /// `[Fail]` → `[fail]`: outcomes in the same case as everywhere else.
    fn to_lowercase_first(self) -> String {
        match self.split_once(']') {
            Some((head, rest)) => format!("{}]{rest}", head.to_lowercase()),
            None => self,
        }
    }
}

/// Runs a verification command against the store.
pub(super) fn run(ctx: &Ctx, command: VerificationCommand) -> Result<u8> {
    match command {
        VerificationCommand::Mrz { file } => mrz(&file, ctx.json),
        VerificationCommand::Flags { id, refresh, catalogue } => flags(ctx, id, refresh, catalogue),
        VerificationCommand::Links { id } => {
            let links = ctx.store.links(id)?;
            ctx.print(&links, || render_links(id, &links))?;
            Ok(0)
        }
        VerificationCommand::Verification { id } => {
            let v = ctx.store.case_verification(id)?;
            ctx.print(&v, || render_verification(&v))?;
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
    }
}

/// Prints an applied change: its own line, then each flag it raised or cleared.
fn applied(ctx: &Ctx, a: &Applied, what: String) -> Result<u8> {
    ctx.print(a, || {
        let mut out = format!("{what}\n");
        for f in &a.flags {
            match &f.change {
                Change::FlagRaised { id, flag, .. } => out.push_str(&format!(
                    "  raised flag {} [{}] {}: {}\n",
                    opt(id),
                    flag.severity,
                    flag.rule,
                    flag.title
                )),
                Change::FlagCleared { flag_id, reason, .. } => {
                    out.push_str(&format!("  cleared flag {flag_id}: {reason}\n"))
                }
                _ => {}
            }
        }
        out
    })?;
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
            .map(|r| {
                serde_json::json!({
                    "rule": r.id, "severity": r.severity, "title": r.title, "why": r.why,
                    "source": r.source,
                })
            })
            .collect();
        ctx.print(&rows, || {
            let mut t = Table::new(&["rule", "severity", "title", "source"]);
            for r in rules::CATALOGUE {
                t.row(vec![
                    r.id.to_string(),
                    r.severity.to_string(),
                    r.title.to_string(),
                    clip(&r.source.to_string(), 60),
                ]);
            }
            t.render()
        })?;
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
    ctx.print(&flags, || render_flags(&flags))?;
    Ok(0)
}

fn render_flag(f: &Flag, out: &mut String) {
    out.push_str(&format!(
        "[{}] {}  {} (flag {})\n",
        f.fields.severity.as_str().to_uppercase(),
        f.fields.rule,
        f.fields.title,
        f.id
    ));
    for fact in &f.fields.facts {
        out.push_str(&format!("    - {fact}\n"));
    }
    out.push_str(&format!("    why: {}\n", f.fields.why));
    out.push_str(&format!("    source: {}\n", f.fields.source));
    if !f.fields.evidence.is_empty() {
        let ids: Vec<String> = f.fields.evidence.iter().map(|e| e.to_string()).collect();
        out.push_str(&format!("    evidence: {}\n", ids.join(", ")));
    }
    if !f.fields.candidates.is_empty() {
        let ids: Vec<String> = f.fields.candidates.iter().map(|e| e.to_string()).collect();
        out.push_str(&format!("    other candidates: {}\n", ids.join(", ")));
    }
    out.push_str(&format!("    raised {} by {}\n", f.raised_at, f.raised_by));
}

fn render_flags(flags: &CaseFlags) -> String {
    let r = &flags.risk;
    let mut out = format!(
        "Case {}: risk {} ({}), {} open flag(s): {} critical, {} high, {} medium, {} low\n",
        flags.case_id, r.score, r.band, r.open_flags, r.critical, r.high, r.medium, r.low
    );
    if flags.refresh_due {
        out.push_str(&format!(
            "Time has moved flags on since the last change: run `vetdesk flags {} --refresh` to record it.\n",
            flags.case_id
        ));
    }
    for f in &flags.open {
        out.push('\n');
        render_flag(f, &mut out);
    }
    if !flags.cleared.is_empty() {
        out.push_str("\nCLEARED\n");
        for f in &flags.cleared {
            out.push_str(&format!(
                "  {} {} (flag {}): {} — {}, {}\n",
                f.fields.rule,
                f.fields.subject,
                f.id,
                f.cleared_reason.as_deref().unwrap_or(""),
                f.cleared_by.as_deref().unwrap_or(""),
                opt(&f.cleared_at)
            ));
        }
    }
    out
}

fn render_links(case_id: i64, links: &[Link]) -> String {
    if links.is_empty() {
        return format!(
            "Case {case_id}: no other candidate shares a phone, email, address, bank account, IP or reference contact.\n"
        );
    }
    let mut out = format!("Case {case_id}: {} linked candidate(s)\n", links.len());
    for l in links {
        let cases: Vec<String> =
            l.cases.iter().map(|c| format!("case {} ({})", c.case_id, c.status)).collect();
        out.push_str(&format!(
            "\ncandidate {} ({}){}\n",
            l.candidate_id,
            l.candidate_name,
            if cases.is_empty() { String::new() } else { format!(": {}", cases.join(", ")) }
        ));
        for s in &l.shared {
            let ours = match s.our_record {
                Some(r) => format!("{} {r}", s.ours.label()),
                None => s.ours.label().to_string(),
            };
            let theirs = match s.their_record {
                Some(r) => format!("{} {r}", s.theirs.label()),
                None => s.theirs.label().to_string(),
            };
            out.push_str(&format!("    {} {}: our {ours}, their {theirs}\n", s.kind, s.value));
        }
    }
    out
}

fn render_verification(v: &CaseVerification) -> String {
    let mut out = render_flags(&v.flags);
    if !v.documents.is_empty() {
        out.push_str("\nDOCUMENTS\n");
        for d in &v.documents {
            let f = &d.document.fields;
            out.push_str(&format!(
                "  {} {} {} {} ({}), born {}, expires {}{}\n",
                d.document.id,
                f.kind,
                f.issuing_country,
                f.number,
                f.holder_name,
                opt(&f.birth_date),
                opt(&f.expiry_date),
                match &d.mrz {
                    Some(m) if m.valid => ", MRZ valid".to_string(),
                    Some(_) => ", MRZ INVALID".to_string(),
                    None => String::new(),
                }
            ));
            out.push_str(&format!("      name: {}\n", d.name_check.finding().message));
        }
    }
    if !v.everify.is_empty() {
        out.push_str("\nE-VERIFY\n");
        for e in &v.everify {
            out.push_str(&format!(
                "  {} case {} created {}: {}\n",
                e.everify.id,
                e.everify.fields.case_number,
                e.everify.fields.created_on,
                e.everify.fields.status
            ));
            for d in &e.deadlines {
                out.push_str(&format!("      {}\n", d.finding().message));
            }
        }
    }
    if !v.links.is_empty() {
        out.push('\n');
        out.push_str(&render_links(v.case_id, &v.links));
    }
    out
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
            ctx.print(&v.documents, || {
                let mut t = Table::new(&[
                    "id", "kind", "country", "number", "holder", "born", "expires", "mrz",
                ]);
                for d in &v.documents {
                    let f = &d.document.fields;
                    t.row(vec![
                        d.document.id.to_string(),
                        f.kind.to_string(),
                        f.issuing_country.clone(),
                        f.number.clone(),
                        clip(&f.holder_name, 30),
                        opt(&f.birth_date),
                        opt(&f.expiry_date),
                        match &d.mrz {
                            Some(m) if m.valid => "valid".into(),
                            Some(_) => "INVALID".into(),
                            None => String::new(),
                        },
                    ]);
                }
                if t.is_empty() { format!("No documents on case {id} yet.\n") } else { t.render() }
            })?;
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
            ctx.print(&value, || {
                let mut t = Table::new(&[
                    "id", "on", "by", "video", "camera", "id match", "liveness", "location",
                ]);
                for i in &v.interviews {
                    let x = &i.fields;
                    t.row(vec![
                        i.id.to_string(),
                        x.held_on.to_string(),
                        x.interviewer.clone(),
                        if x.refused_video {
                            "REFUSED".into()
                        } else if x.audio_only {
                            "AUDIO ONLY".into()
                        } else {
                            "yes".into()
                        },
                        if x.camera_on_throughout { "on".into() } else { "OFF".into() },
                        x.id_match.to_string(),
                        if x.liveness_done { "done".into() } else { "NOT DONE".into() },
                        match x.location_consistent {
                            Some(true) => "consistent".into(),
                            Some(false) => "INCONSISTENT".into(),
                            None => String::new(),
                        },
                    ]);
                }
                let mut out = if t.is_empty() {
                    format!("No interviews on case {id} yet.\n")
                } else {
                    t.render()
                };
                if let Some(h) = &v.reachable_hours {
                    out.push_str(&format!(
                        "Reachable {}–{} {}\n",
                        h.from.format("%H:%M"),
                        h.to.format("%H:%M"),
                        h.time_zone
                    ));
                }
                out
            })?;
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
            ctx.print(&v.everify, || {
                let mut out = String::new();
                for e in &v.everify {
                    let f = &e.everify.fields;
                    out.push_str(&format!(
                        "{} case {} created {}: {}{}\n",
                        e.everify.id,
                        f.case_number,
                        f.created_on,
                        f.status,
                        f.agency.map(|a| format!(" ({a})")).unwrap_or_default()
                    ));
                    for d in &e.deadlines {
                        out.push_str(
                            &format!("    [{:?}] {}\n", d.state, d.finding().message)
                                .to_lowercase_first(),
                        );
                    }
                }
                if out.is_empty() { format!("No E-Verify case on case {id}.\n") } else { out }
            })?;
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
            ctx.print(&v.references, || {
                let mut t =
                    Table::new(&["id", "name", "relationship", "company", "email", "phone"]);
                for r in &v.references {
                    let f = &r.fields;
                    t.row(vec![
                        r.id.to_string(),
                        clip(&f.name, 30),
                        clip(&f.relationship, 24),
                        opt(&f.company),
                        opt(&f.email),
                        opt(&f.phone),
                    ]);
                }
                if t.is_empty() { format!("No references on case {id} yet.\n") } else { t.render() }
            })?;
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
            let shown = match &a.change {
                Change::RecordPayment { payment, .. } => {
                    format!(
                        "account {} (routing {})",
                        payment.account_masked, payment.routing_masked
                    )
                }
                _ => String::new(),
            };
            applied(
                ctx,
                &a,
                format!("Recorded payment details {} on case {id}: {shown}.", created_id(&a)),
            )
        }
        PaymentCommand::List { id } => {
            let v = ctx.store.case_verification(id)?;
            ctx.print(&v.payments, || {
                let mut t = Table::new(&["id", "bank", "holder", "routing", "account", "recorded"]);
                for p in &v.payments {
                    let f = &p.fields;
                    t.row(vec![
                        p.id.to_string(),
                        opt(&f.bank_name),
                        opt(&f.account_holder),
                        f.routing_masked.clone(),
                        f.account_masked.clone(),
                        format!("{} {}", p.recorded_by, p.recorded_at),
                    ]);
                }
                if t.is_empty() {
                    format!("No payment details on case {id} yet.\n")
                } else {
                    t.render()
                }
            })?;
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
            ctx.print(&v.observed_ips, || {
                let mut t = Table::new(&["id", "ip", "seen", "context", "lists"]);
                for o in &v.observed_ips {
                    let hits: Vec<String> = o
                        .matches
                        .iter()
                        .map(|m| format!("{} [{}] {} ({})", m.cidr, m.category, m.label, m.list))
                        .collect();
                    t.row(vec![
                        o.observed.id.to_string(),
                        o.observed.fields.ip.clone(),
                        o.observed.fields.seen_at.to_string(),
                        o.observed.fields.context.to_string(),
                        clip(&hits.join("; "), 70),
                    ]);
                }
                if t.is_empty() {
                    format!("No IP addresses on case {id} yet.\n")
                } else {
                    t.render()
                }
            })?;
            Ok(0)
        }
    }
}

fn iplist(ctx: &Ctx, command: IpListCommand) -> Result<u8> {
    let s = &ctx.store;
    match command {
        IpListCommand::Import { file, name } => {
            let bytes = std::fs::read(&file).map_err(|e| CliError::Io {
                context: format!("cannot read {}", file.display()),
                source: e,
            })?;
            let name = name.unwrap_or_else(|| {
                file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
            });
            let a = s.import_ip_list(ctx.actor()?, &name, &file.to_string_lossy(), &bytes)?;
            let rows = match &a.change {
                Change::ImportIpList { rows, file_sha256, .. } => {
                    format!("{} ranges, sha256 {file_sha256}", rows.len())
                }
                _ => String::new(),
            };
            // The change itself holds every range: print the summary, not the whole record.
            let summary = serde_json::json!({
                "list": name, "record": a.record.id, "chain_seq": a.record.seq,
                "flags": a.flags.iter().map(|f| &f.change).collect::<Vec<_>>(),
            });
            ctx.print(&summary, || {
                let mut out =
                    format!("Imported indicator list {name} from {}: {rows}.\n", file.display());
                if !a.flags.is_empty() {
                    out.push_str(&format!("{} flag change(s) on cases.\n", a.flags.len()));
                }
                out
            })?;
            Ok(0)
        }
        IpListCommand::List => {
            let lists = s.ip_lists()?;
            ctx.print(&lists, || {
                let mut t = Table::new(&["id", "name", "ranges", "file", "sha256", "imported"]);
                for l in &lists {
                    t.row(vec![
                        l.id.to_string(),
                        l.name.clone(),
                        l.entries.to_string(),
                        clip(&l.file_name, 30),
                        l.file_sha256.clone(),
                        format!("{} {}", l.imported_by, l.imported_at),
                    ]);
                }
                if t.is_empty() {
                    "No indicator lists yet: vetdesk iplist import FILE.csv\n".into()
                } else {
                    t.render()
                }
            })?;
            Ok(0)
        }
        IpListCommand::Remove { name } => {
            let a = s.apply(ctx.actor()?, Change::RemoveIpList { name: name.clone() })?;
            applied(ctx, &a, format!("Removed indicator list {name}."))
        }
        IpListCommand::Check { ip } => {
            let check = s.check_ip(&ip)?;
            ctx.print(&check, || {
                if check.matches.is_empty() {
                    return format!("{} is in no indicator range.\n", check.looked_up_as);
                }
                check.findings().iter().map(|f| format!("{}\n", f.message)).collect()
            })?;
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
            ctx.print(&list, || {
                let mut t = Table::new(&["id", "name", "note", "added"]);
                for p in &list {
                    t.row(vec![
                        p.id.to_string(),
                        p.name.clone(),
                        opt(&p.note),
                        format!("{} {}", p.added_by, p.added_at),
                    ]);
                }
                if t.is_empty() { "No named VPN providers.\n".into() } else { t.render() }
            })?;
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
            ctx.print(&list, || {
                let mut t = Table::new(&["id", "number", "label", "added"]);
                for e in &list {
                    t.row(vec![
                        e.id.to_string(),
                        if e.prefix { format!("{}*", e.e164) } else { e.e164.clone() },
                        e.label.clone(),
                        format!("{} {}", e.added_by, e.added_at),
                    ]);
                }
                let mut out = if t.is_empty() { "The VoIP list is empty.\n".to_string() } else { t.render() };
                out.push_str("Note: a US number's digits do not tell VoIP from mobile or landline; this list is what carrier lookups and investigations showed.\n");
                out
            })?;
            Ok(0)
        }
        VoipCommand::Remove { id } => {
            let a = s.apply(ctx.actor()?, Change::RemoveVoipEntry { id })?;
            applied(ctx, &a, format!("Removed VoIP list entry {id}."))
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
            ctx.print(&status, || {
                let mut out = fields(&[
                    ("vendor", format!("{} ({})", vendor.fields.name, vendor.id)),
                    (
                        "attested",
                        if status.screening_attested { "yes".into() } else { "NO".into() },
                    ),
                    ("last audit", opt(&status.last_audit_on)),
                    ("outcome", opt(&status.last_outcome)),
                    (
                        "next due",
                        format!(
                            "{}{}",
                            opt(&status.next_due),
                            if status.overdue { " (OVERDUE)" } else { "" }
                        ),
                    ),
                ]);
                for a in &status.audits {
                    out.push_str(&format!(
                        "  {} {} {}\n",
                        a.audited_on,
                        a.outcome,
                        a.note.as_deref().unwrap_or("")
                    ));
                }
                out
            })?;
            Ok(0)
        }
    }
}
