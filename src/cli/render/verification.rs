//! The text of the verification commands: an MRZ report, red flags and links, everything a
//! case's verification holds, and the lists (indicator lists, VPN providers, VoIP numbers,
//! vendor audits).

use super::{Table, clip, fields, opt};
use vetdesk_core::change::Change;
use vetdesk_core::checks::flags as rules;
use vetdesk_core::checks::iprange::IpCheck;
use vetdesk_core::checks::mrz;
use vetdesk_core::model::Vendor;
use vetdesk_core::store::{
    Applied, CaseVerification, DocumentView, EVerifyView, ObservedIpView, PolicyValue,
};
use vetdesk_core::verification::{
    CaseFlags, Cluster, Flag, Interview, IpList, Link, LinkedCase, PaymentRecord, ReachableHours,
    Reference, VendorAuditStatus, VoipEntry, VpnProvider,
};

pub fn mrz_report(r: &mrz::MrzReport) -> String {
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

/// An applied change: its own line, then each flag it raised or cleared.
pub fn applied(a: &Applied, what: &str) -> String {
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
}

/// Every flag rule with its severity and source.
pub fn catalogue() -> String {
    let mut t = Table::new(&["rule", "severity", "title", "source"]);
    for r in rules::CATALOGUE.iter().chain(vetdesk_core::checks::posthire::POST_HIRE_CATALOGUE) {
        t.row(vec![
            r.id.to_string(),
            r.severity.to_string(),
            r.title.to_string(),
            clip(&r.source.to_string(), 60),
        ]);
    }
    t.render()
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

pub fn flags(flags: &CaseFlags) -> String {
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

pub fn links(case_id: i64, links: &[Link]) -> String {
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

/// A case's cases as "case 3 (decided: rejected)".
fn linked_cases(cases: &[LinkedCase]) -> String {
    let shown: Vec<String> = cases
        .iter()
        .map(|c| match c.decision {
            Some(d) => format!("case {} ({}: {d})", c.case_id, c.status),
            None => format!("case {} ({})", c.case_id, c.status),
        })
        .collect();
    if shown.is_empty() { "no case".into() } else { shown.join(", ") }
}

pub fn cluster(c: &Cluster) -> String {
    if c.members.len() <= 1 {
        return format!(
            "Case {}: its candidate shares no identifier with anyone; the cluster is them alone.\n",
            c.case_id
        );
    }
    let mut out = format!(
        "Case {}: {} candidates joined by shared identifiers{}\n",
        c.case_id,
        c.members.len(),
        if c.truncated { " (more are joined; the walk stopped here)" } else { "" }
    );
    let mut t = Table::new(&["hops", "candidate", "cases", "joined to", "through"]);
    for m in &c.members {
        let through: Vec<String> =
            m.through.iter().map(|t| format!("{} {}", t.kind, t.value)).collect();
        t.row(vec![
            m.hops.to_string(),
            format!("{} {}", m.candidate_id, m.candidate_name),
            linked_cases(&m.cases),
            m.joined_to.map(|id| id.to_string()).unwrap_or_else(|| "-".into()),
            through.join("; "),
        ]);
    }
    out.push_str(&t.render());
    out
}

pub fn verification(v: &CaseVerification) -> String {
    let mut out = flags(&v.flags);
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
                mrz_verdict(d, ", MRZ valid", ", MRZ INVALID")
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
        out.push_str(&links(v.case_id, &v.links));
    }
    out
}

fn mrz_verdict(view: &DocumentView, valid: &str, invalid: &str) -> String {
    match &view.mrz {
        Some(m) if m.valid => valid.to_string(),
        Some(_) => invalid.to_string(),
        None => String::new(),
    }
}

pub fn documents(case_id: i64, documents: &[DocumentView]) -> String {
    let mut t =
        Table::new(&["id", "kind", "country", "number", "holder", "born", "expires", "mrz"]);
    for d in documents {
        let f = &d.document.fields;
        t.row(vec![
            d.document.id.to_string(),
            f.kind.to_string(),
            f.issuing_country.clone(),
            f.number.clone(),
            clip(&f.holder_name, 30),
            opt(&f.birth_date),
            opt(&f.expiry_date),
            mrz_verdict(d, "valid", "INVALID"),
        ]);
    }
    if t.is_empty() { format!("No documents on case {case_id} yet.\n") } else { t.render() }
}

pub fn interviews(
    case_id: i64,
    interviews: &[Interview],
    reachable: Option<&ReachableHours>,
) -> String {
    let mut t =
        Table::new(&["id", "on", "by", "video", "camera", "id match", "liveness", "location"]);
    for i in interviews {
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
    let mut out =
        if t.is_empty() { format!("No interviews on case {case_id} yet.\n") } else { t.render() };
    if let Some(h) = reachable {
        out.push_str(&format!(
            "Reachable {}–{} {}\n",
            h.from.format("%H:%M"),
            h.to.format("%H:%M"),
            h.time_zone
        ));
    }
    out
}

pub fn everify(case_id: i64, cases: &[EVerifyView]) -> String {
    let mut out = String::new();
    for e in cases {
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
                &format!("    [{:?}] {}\n", d.state, d.finding().message).to_lowercase_first(),
            );
        }
    }
    if out.is_empty() { format!("No E-Verify case on case {case_id}.\n") } else { out }
}

pub fn references(case_id: i64, references: &[Reference]) -> String {
    let mut t = Table::new(&["id", "name", "relationship", "company", "email", "phone"]);
    for r in references {
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
    if t.is_empty() { format!("No references on case {case_id} yet.\n") } else { t.render() }
}

pub fn payments(case_id: i64, payments: &[PaymentRecord]) -> String {
    let mut t = Table::new(&["id", "bank", "holder", "routing", "account", "recorded"]);
    for p in payments {
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
    if t.is_empty() { format!("No payment details on case {case_id} yet.\n") } else { t.render() }
}

/// The payment details as recorded: only their masks.
pub fn payment_shown(a: &Applied) -> String {
    match &a.change {
        Change::RecordPayment { payment, .. } => {
            format!("account {} (routing {})", payment.account_masked, payment.routing_masked)
        }
        _ => String::new(),
    }
}

pub fn observed_ips(case_id: i64, ips: &[ObservedIpView]) -> String {
    let mut t = Table::new(&["id", "ip", "seen", "context", "lists"]);
    for o in ips {
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
    if t.is_empty() { format!("No IP addresses on case {case_id} yet.\n") } else { t.render() }
}

/// An imported indicator list: how many ranges, its hash, and whether cases' flags moved.
pub fn ip_list_imported(name: &str, file: &std::path::Path, a: &Applied) -> String {
    let rows = match &a.change {
        Change::ImportIpList { rows, file_sha256, .. } => {
            format!("{} ranges, sha256 {file_sha256}", rows.len())
        }
        _ => String::new(),
    };
    let mut out = format!("Imported indicator list {name} from {}: {rows}.\n", file.display());
    if !a.flags.is_empty() {
        out.push_str(&format!("{} flag change(s) on cases.\n", a.flags.len()));
    }
    out
}

pub fn ip_lists(lists: &[IpList]) -> String {
    let mut t = Table::new(&["id", "name", "ranges", "file", "sha256", "imported"]);
    for l in lists {
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
}

pub fn ip_check(check: &IpCheck) -> String {
    if check.matches.is_empty() {
        return format!("{} is in no indicator range.\n", check.looked_up_as);
    }
    check.findings().iter().map(|f| format!("{}\n", f.message)).collect()
}

pub fn vpn_providers(list: &[VpnProvider]) -> String {
    let mut t = Table::new(&["id", "name", "note", "added"]);
    for p in list {
        t.row(vec![
            p.id.to_string(),
            p.name.clone(),
            opt(&p.note),
            format!("{} {}", p.added_by, p.added_at),
        ]);
    }
    if t.is_empty() { "No named VPN providers.\n".into() } else { t.render() }
}

pub fn voip_entries(list: &[VoipEntry]) -> String {
    let mut t = Table::new(&["id", "number", "label", "added"]);
    for e in list {
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
}

pub fn policy(values: &[PolicyValue]) -> String {
    let mut t = Table::new(&["policy", "value", "set"]);
    for p in values {
        t.row(vec![
            p.key.to_string(),
            p.value.to_string(),
            match &p.set {
                Some(set) => format!("{} {}: {}", set.by, set.at, set.reason),
                None => "default (never set)".into(),
            },
        ]);
    }
    t.render()
}

pub fn vendor_audits(vendor: &Vendor, status: &VendorAuditStatus) -> String {
    let mut out = fields(&[
        ("vendor", format!("{} ({})", vendor.fields.name, vendor.id)),
        ("attested", if status.screening_attested { "yes".into() } else { "NO".into() }),
        ("last audit", opt(&status.last_audit_on)),
        ("outcome", opt(&status.last_outcome)),
        (
            "next due",
            format!("{}{}", opt(&status.next_due), if status.overdue { " (OVERDUE)" } else { "" }),
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
}
