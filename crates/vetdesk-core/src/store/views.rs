//! What the case view shows, each read from several tables in one read transaction: a case
//! whole (candidate, vendor, checklist with its template's words, notes, evidence, chain head),
//! its verification records with what the checks read from them, its flags and risk score, and
//! its links to other candidates.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::db::Db;
use super::engine;
use super::rules;
use super::tables::queue::{Progress, is_active};
use super::tables::{
    audit, candidates, cases, checklist, evidence, lists, notes, records, vendors,
};
use super::{Result, StoreError};
use crate::checks::iprange::{self, IpCheck, IpRangeEntry};
use crate::checks::workdays::Deadline;
use crate::checks::{flags, mrz, names};
use crate::model::{
    Candidate, CandidateId, Case, CaseId, Chain, Evidence, ItemResult, ItemState, Note, Timestamp,
    Vendor,
};
use crate::template;
use crate::verification::{
    CaseFlags, Cluster, ClusterMember, ClusterTie, EVerifyCase, Flag, IdentityDocument, Interview,
    Link, ObservedIp, PaymentRecord, ReachableHours, Reference, SharedIdentifier,
    VendorAuditStatus,
};

// ---- one case, whole ----

/// One checklist item of a case: the template's words and the case's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistEntry {
    pub phase_id: String,
    pub phase_title: String,
    pub section_id: String,
    pub section_title: String,
    pub item: template::Item,
    /// Full title of the cited source.
    pub source_title: String,
    pub state: ItemState,
    /// Prerequisites that have not passed yet (the item cannot be recorded until they have).
    pub blocked_by: Vec<String>,
    /// Whether the item applies to this case now (its declaration: case kind, vendor present;
    /// and its phase reached): only applicable items count for progress and the decision gate.
    pub applicable: bool,
    /// When the item is due (the dated post-hire items of a monitoring case: the day-one
    /// identity match, the periodic re-verification), and whether that date was missed.
    pub due: Option<crate::checks::posthire::ItemDue>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseDetail {
    pub case: Case,
    pub overdue: bool,
    pub candidate: Candidate,
    pub vendor: Option<Vendor>,
    pub template_title: String,
    pub checklist: Vec<ChecklistEntry>,
    pub progress: Progress,
    pub notes: Vec<Note>,
    pub evidence: Vec<Evidence>,
    /// Hash of the newest record of the case's audit chain.
    pub chain_head: String,
    pub audit_records: i64,
    /// Other cases of the same candidate.
    pub related_cases: Vec<CaseId>,
    /// The FCRA adverse-action steps, once a pre-adverse-action notice was given.
    pub adverse_action: Option<super::tables::adverse::AdverseAction>,
}

pub(crate) fn case(db: &dyn Db, id: CaseId) -> Result<Case> {
    cases::get(db, id)?.ok_or_else(|| StoreError::no_case(db, id))
}

fn candidate_of(db: &dyn Db, case: &Case) -> Result<Candidate> {
    candidates::get(db, case.candidate_id)?
        .ok_or_else(|| StoreError::Corrupt(format!("case {} names a missing candidate", case.id)))
}

pub(crate) fn detail(db: &dyn Db, id: CaseId, today: NaiveDate) -> Result<CaseDetail> {
    let case = case(db, id)?;
    let candidate = candidate_of(db, &case)?;
    let vendor = match candidate.fields.vendor_id {
        Some(v) => vendors::get(db, v)?,
        None => None,
    };
    let template = template::get(&case.template_id, case.template_version)?;
    let mut checklist = checklist(db, &case)?;
    for due in super::posthire::checklist_due(db, &case, today)? {
        if let Some(entry) = checklist.iter_mut().find(|e| e.item.id == due.item_id) {
            entry.due = Some(due);
        }
    }
    let progress = progress_of(&checklist);
    let (audit_records, chain_head) = audit::chain_tip(db, Chain::Case(id))?;
    let related_cases = cases::of_candidate(db, case.candidate_id)?
        .into_iter()
        .map(|c| c.id)
        .filter(|other| *other != id)
        .collect();
    let adverse_action =
        Some(super::tables::adverse::state(db, id, today)?).filter(|a| a.pre_notice.is_some());
    Ok(CaseDetail {
        adverse_action,
        overdue: is_active(case.status) && case.due_on.is_some_and(|d| d < today),
        template_title: template.title.clone(),
        notes: notes::of_case(db, id)?,
        evidence: evidence::of_case(db, id)?,
        case,
        candidate,
        vendor,
        checklist,
        progress,
        chain_head,
        audit_records,
        related_cases,
    })
}

/// Progress over the applicable items (a result recorded on one that does not apply is kept,
/// but not counted).
pub(crate) fn progress_of(entries: &[ChecklistEntry]) -> Progress {
    let mut p = Progress::default();
    for e in entries.iter().filter(|e| e.applicable) {
        p.count(e.state.result);
    }
    p
}

pub(crate) fn checklist(db: &dyn Db, case: &Case) -> Result<Vec<ChecklistEntry>> {
    let template = template::get(&case.template_id, case.template_version)?;
    let states = checklist::item_states(db, case.id)?;
    let mut entries = Vec::with_capacity(states.len());
    for state in states {
        let r = template.item(&state.item_id).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "case {} has item {} that template {} v{} does not have",
                case.id, state.item_id, template.id, template.version
            ))
        })?;
        entries.push(ChecklistEntry {
            phase_id: r.phase.id.clone(),
            phase_title: r.phase.title.clone(),
            section_id: r.section.id.clone(),
            section_title: r.section.title.clone(),
            source_title: template
                .source(&r.item.source)
                .map(|s| s.title.clone())
                .unwrap_or_default(),
            blocked_by: Vec::new(),
            applicable: true,
            due: None,
            item: r.item.clone(),
            state,
        });
    }
    let states: Vec<_> = entries.iter().map(|e| e.state.clone()).collect();
    for (entry, (_, applies)) in entries.iter_mut().zip(rules::applicability(db, case, &states)?) {
        entry.applicable = applies;
    }
    let passed: Vec<String> = entries
        .iter()
        .filter(|e| e.state.result == ItemResult::Pass)
        .map(|e| e.item.id.clone())
        .collect();
    for entry in &mut entries {
        entry.blocked_by =
            entry.item.requires.iter().filter(|req| !passed.contains(req)).cloned().collect();
    }
    Ok(entries)
}

// ---- verification ----

/// A document with what the checks read from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentView {
    pub document: IdentityDocument,
    /// The MRZ as read and checked, when the document has one.
    pub mrz: Option<mrz::MrzReport>,
    /// The holder name against the candidate's legal name, tolerances named.
    pub name_check: names::NameComparison,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EVerifyView {
    pub everify: EVerifyCase,
    /// Due dates in federal working days, as of today.
    pub deadlines: Vec<Deadline>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ObservedIpView {
    pub observed: ObservedIp,
    /// Indicator ranges containing it, most specific first.
    pub matches: Vec<IpRangeEntry>,
}

/// Everything verification knows about one case: what the case view shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseVerification {
    pub case_id: CaseId,
    pub candidate_id: i64,
    pub documents: Vec<DocumentView>,
    pub interviews: Vec<Interview>,
    pub reachable_hours: Option<ReachableHours>,
    pub everify: Vec<EVerifyView>,
    pub references: Vec<Reference>,
    pub payments: Vec<PaymentRecord>,
    pub observed_ips: Vec<ObservedIpView>,
    /// The application IP of the candidate record, checked against the lists.
    pub application_ip: Option<IpCheck>,
    pub vendor: Option<VendorAuditStatus>,
    pub flags: CaseFlags,
    pub links: Vec<Link>,
}

/// The flags of a case (open ones most severe first) and its risk score.
pub(crate) fn case_flags(db: &dyn Db, case_id: CaseId, now: &Timestamp) -> Result<CaseFlags> {
    let case = case(db, case_id)?;
    let all = records::of::<Flag>(db, case_id)?;
    let (mut open, mut cleared): (Vec<_>, Vec<_>) =
        all.into_iter().partition(|f| f.cleared_at.is_none());
    open.sort_by(|a, b| b.fields.severity.cmp(&a.fields.severity).then_with(|| a.id.cmp(&b.id)));
    cleared.sort_by(|a, b| b.cleared_at.cmp(&a.cleared_at).then_with(|| b.id.cmp(&a.id)));
    // A flag a person read as a false positive stays listed but no longer counts.
    let risk = flags::risk_score(open.iter().filter(|f| f.counts()).map(|f| f.fields.severity));
    let refresh_due = engine::refresh_due(db, &case, now)?;
    Ok(CaseFlags { case_id, risk, open, cleared, refresh_due })
}

/// Which indicator ranges contain an address (as typed, and as looked up).
pub(crate) fn check_ip(db: &dyn Db, typed: &str, ip: std::net::IpAddr) -> Result<IpCheck> {
    Ok(IpCheck {
        ip: typed.trim().to_string(),
        looked_up_as: lists::canonical(ip).to_string(),
        matches: lists::lookup(db, ip)?,
        source: iprange::CIDR_SOURCE,
    })
}

/// Everything verification recorded and concluded about a case, as of `now`.
pub(crate) fn case_verification(
    db: &dyn Db,
    case_id: CaseId,
    now: &Timestamp,
) -> Result<CaseVerification> {
    let flags = case_flags(db, case_id, now)?;
    let case = case(db, case_id)?;
    let candidate = candidate_of(db, &case)?;
    let today = now.date();
    let documents = records::of::<IdentityDocument>(db, case_id)?
        .into_iter()
        .map(|d| DocumentView {
            mrz: d.fields.mrz.as_deref().and_then(|z| mrz::parse(z, today).ok()),
            name_check: names::compare(&d.fields.holder_name, &candidate.fields.legal_name),
            document: d,
        })
        .collect();
    let everify = records::of::<EVerifyCase>(db, case_id)?
        .into_iter()
        .map(|e| EVerifyView { deadlines: flags::everify_deadlines(&e, today), everify: e })
        .collect();
    let mut observed_ips = Vec::new();
    for o in records::of::<ObservedIp>(db, case_id)? {
        let matches = match o.fields.ip.parse() {
            Ok(ip) => lists::lookup(db, ip)?,
            Err(_) => Vec::new(),
        };
        observed_ips.push(ObservedIpView { observed: o, matches });
    }
    let application_ip = match candidate.fields.application_ip.as_deref().map(str::parse) {
        Some(Ok(ip)) => {
            Some(check_ip(db, candidate.fields.application_ip.as_deref().unwrap_or(""), ip)?)
        }
        _ => None,
    };
    let vendor = match candidate.fields.vendor_id {
        Some(v) => Some(engine::vendor_status(db, v, now)?),
        None => None,
    };
    Ok(CaseVerification {
        case_id,
        candidate_id: candidate.id,
        documents,
        interviews: records::of::<Interview>(db, case_id)?,
        reachable_hours: records::reachable_hours(db, case_id)?,
        everify,
        references: records::of::<Reference>(db, case_id)?,
        payments: records::of::<PaymentRecord>(db, case_id)?,
        observed_ips,
        application_ip,
        vendor,
        flags,
        links: links(db, candidate.id)?,
    })
}

/// The deadlines of a case's E-Verify cases on `today`, with the E-Verify case number each
/// belongs to.
pub(crate) fn everify_deadlines(
    db: &dyn Db,
    case_id: CaseId,
    today: NaiveDate,
) -> Result<Vec<(String, Deadline)>> {
    let mut out = Vec::new();
    for e in records::of::<EVerifyCase>(db, case_id)? {
        for d in flags::everify_deadlines(&e, today) {
            out.push((e.fields.case_number.clone(), d));
        }
    }
    Ok(out)
}

/// Other candidates sharing an identifier with `candidate_id`, with what they share.
pub(crate) fn links(db: &dyn Db, candidate_id: CandidateId) -> Result<Vec<Link>> {
    let mut by_candidate: BTreeMap<CandidateId, Link> = BTreeMap::new();
    for f in super::tables::links::facts(db, candidate_id)? {
        if f.other_candidate == candidate_id {
            continue;
        }
        let link = by_candidate.entry(f.other_candidate).or_insert_with(|| Link {
            candidate_id: f.other_candidate,
            candidate_name: f.other_name.clone(),
            cases: Vec::new(),
            shared: Vec::new(),
        });
        link.shared.push(SharedIdentifier {
            kind: f.kind,
            value: f.value,
            ours: f.ours,
            theirs: f.theirs,
            our_record: f.our_record,
            their_record: f.their_record,
        });
    }
    let ids: Vec<CandidateId> = by_candidate.keys().copied().collect();
    let cases = cases::linked_cases_of_candidates(db, &ids)?;
    for (link, cases) in by_candidate.values_mut().zip(cases) {
        link.shared.sort();
        link.shared.dedup();
        link.cases = cases;
    }
    Ok(by_candidate.into_values().collect())
}

/// The cluster of a case's candidate: a breadth-first walk over shared identifiers (the link
/// index), so each candidate is listed at its fewest hops, with what joins it to the candidate
/// through which it was found. Stops at [`Cluster::MAX_MEMBERS`] and says so.
pub(crate) fn cluster(db: &dyn Db, case_id: CaseId) -> Result<Cluster> {
    let case = case(db, case_id)?;
    let candidate = candidate_of(db, &case)?;
    let mut members = vec![ClusterMember {
        candidate_id: candidate.id,
        candidate_name: candidate.fields.legal_name.clone(),
        hops: 0,
        cases: Vec::new(),
        joined_to: None,
        through: Vec::new(),
    }];
    let mut index: BTreeMap<CandidateId, usize> = BTreeMap::from([(candidate.id, 0)]);
    let mut truncated = false;
    let mut next = 0;
    while next < members.len() {
        let (from, hops) = (members[next].candidate_id, members[next].hops);
        next += 1;
        for f in super::tables::links::facts(db, from)? {
            if f.other_candidate == from {
                continue;
            }
            let tie = ClusterTie { kind: f.kind, value: f.value };
            match index.get(&f.other_candidate) {
                Some(&i) if members[i].joined_to == Some(from) => members[i].through.push(tie),
                Some(_) => {}
                None if members.len() >= Cluster::MAX_MEMBERS => truncated = true,
                None => {
                    index.insert(f.other_candidate, members.len());
                    members.push(ClusterMember {
                        candidate_id: f.other_candidate,
                        candidate_name: f.other_name,
                        hops: hops + 1,
                        cases: Vec::new(),
                        joined_to: Some(from),
                        through: vec![tie],
                    });
                }
            }
        }
    }
    let ids: Vec<CandidateId> = members.iter().map(|m| m.candidate_id).collect();
    for (member, cases) in members.iter_mut().zip(cases::linked_cases_of_candidates(db, &ids)?) {
        member.through.sort();
        member.through.dedup();
        member.cases = cases;
    }
    members.sort_by_key(|m| (m.hops, m.candidate_id));
    Ok(Cluster { case_id, members, truncated })
}

#[cfg(test)]
mod tests {
    use ts_rs::TS;

    use super::*;

    #[test]
    fn the_read_types_export_to_typescript() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let cfg = ts_rs::Config::new().with_out_dir(dir.path()).with_large_int("number");
        CaseVerification::export_all(&cfg).unwrap_or_else(|e| panic!("{e}"));
        CaseFlags::export_all(&cfg).unwrap_or_else(|e| panic!("{e}"));
        Link::export_all(&cfg).unwrap_or_else(|e| panic!("{e}"));
        crate::store::Applied::export_all(&cfg).unwrap_or_else(|e| panic!("{e}"));
        let flag = std::fs::read_to_string(dir.path().join("FlagFields.ts")).unwrap_or_default();
        assert!(flag.contains("rule: string") && flag.contains("severity: Severity"), "{flag}");
        let link = std::fs::read_to_string(dir.path().join("Link.ts")).unwrap_or_default();
        assert!(link.contains("cases: Array<LinkedCase>"), "{link}");
        assert!(dir.path().join("CaseVerification.ts").exists());
    }
}
