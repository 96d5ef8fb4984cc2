//! The red-flag engine: gathers the facts of one case, runs the pure rules
//! (`checks::flags::evaluate`) and turns the difference with the flags already open into
//! `FlagRaised` / `FlagCleared` changes, which the store applies right after the change that
//! caused them. `watch` names the cases a change can affect; the store asks it before and after
//! writing, so that a flag resting on an old value (a phone number just changed) is cleared too.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;

use chrono::NaiveTime;

use super::db::Db;
use super::derived::ip_key;
use super::tables::{candidates, cases, checklist, links, lists, policy, records, vendors};
use super::{Result, StoreError};
use crate::change::{Change, PolicyKey};
use crate::checks::flags::{
    self, CaseFacts, DecidedAgainst, IP_ANONYMISING, IP_COUNTRY_MISMATCH, IpFacts, IpSighting,
    PHONE_VOIP, VendorFacts,
};
use crate::checks::iprange::{IpIndex, IpRangeEntry};
use crate::checks::phone::VoipRule;
use crate::model::{
    CandidateId, Case, CaseId, CaseKind, CaseStatus, Chain, Decision, Timestamp, VendorId,
};
use crate::verification::{
    EVerifyCase, Flag, FlagFields, IdentityDocument, Interview, IpContext, IpListRow, LinkKind,
    ObservedIp, PaymentRecord, Reference, VendorAudit, VendorAuditStatus,
};

/// What the facts of every case in a batch re-flagged together (the end of an import) share,
/// read once for the batch instead of once per case: the VoIP list, the named VPN providers,
/// which cases have any verification record or checklist result at all (the tables of every
/// other case are empty, and are not asked) and which candidates have a decided case (the
/// cases of every other linked candidate are not asked). Also, so that a case whose facts have
/// none of them costs no query for it: which candidates share an identifier at all (a superset:
/// the holders of every value held more than once), which cases have an open flag, which
/// candidates are erased, whether any IP list holds a range; and, remembered as the batch asks,
/// each vendor's facts and each address's list matches. Flag changes recorded while the batch
/// is re-flagged touch none of these (a case's own flags are read for it before its changes).
pub(crate) struct BatchFacts {
    voip_list: crate::checks::phone::VoipList,
    vpn_providers: Vec<String>,
    with_records: HashSet<CaseId>,
    with_decision: HashSet<CandidateId>,
    with_partners: HashSet<CandidateId>,
    with_open_flags: HashSet<CaseId>,
    erased: HashSet<CandidateId>,
    any_ranges: bool,
    vendors: RefCell<HashMap<VendorId, Option<VendorFacts>>>,
    ip_matches: RefCell<HashMap<IpAddr, Vec<IpRangeEntry>>>,
}

impl BatchFacts {
    pub(crate) fn read(db: &dyn Db) -> Result<BatchFacts> {
        // Case and candidate ids alike.
        let ids = |sql: &str| -> Result<HashSet<i64>> {
            Ok(db.query_vec(sql, &[], |r| r.get::<i64>(0))?.into_iter().collect())
        };
        Ok(BatchFacts {
            voip_list: lists::voip_list(db)?,
            vpn_providers: vpn_names(db)?,
            with_records: ids("SELECT case_id FROM checklist_items
                 UNION SELECT case_id FROM identity_documents
                 UNION SELECT case_id FROM interviews
                 UNION SELECT case_id FROM reachable_hours
                 UNION SELECT case_id FROM everify_cases
                 UNION SELECT case_id FROM case_references
                 UNION SELECT case_id FROM payment_details
                 UNION SELECT case_id FROM observed_ips")?,
            with_decision: ids(
                "SELECT DISTINCT candidate_id FROM cases WHERE decision IS NOT NULL",
            )?,
            // One pass over the (kind, value) index, then the holders of the values held twice.
            with_partners: ids("SELECT DISTINCT k.candidate_id FROM link_keys k
                 JOIN (SELECT kind, value FROM link_keys GROUP BY kind, value
                       HAVING count(*) > 1) s ON s.kind = k.kind AND s.value = k.value")?,
            with_open_flags: ids(
                "SELECT DISTINCT case_id FROM case_flags WHERE cleared_at IS NULL",
            )?,
            erased: ids("SELECT id FROM candidates WHERE erased_at IS NOT NULL")?,
            any_ranges: db.query_value("SELECT EXISTS (SELECT 1 FROM ip_ranges)", &[])?,
            vendors: RefCell::new(HashMap::new()),
            ip_matches: RefCell::new(HashMap::new()),
        })
    }
}

fn vpn_names(db: &dyn Db) -> Result<Vec<String>> {
    Ok(lists::vpn_providers(db)?.into_iter().map(|p| p.name.to_lowercase()).collect())
}

/// Everything the rules look at for one case, as of `at`; in a batch, what its cases share
/// read once (`BatchFacts`).
fn gather_in(
    db: &dyn Db,
    case: &Case,
    at: &Timestamp,
    batch: Option<&BatchFacts>,
) -> Result<CaseFacts> {
    let candidate = candidates::get(db, case.candidate_id)?.ok_or_else(|| {
        StoreError::Corrupt(format!("case {} names a missing candidate", case.id))
    })?;
    let c = &candidate.fields;
    let mut f = CaseFacts::new(at.date(), candidate.id, &c.legal_name);
    f.other_names = c.other_names.clone();
    f.claimed_location = c.claimed_location.clone();
    f.time_zone = c.time_zone.clone();
    f.home_address = c.home_address.clone();
    f.shipping_address = c.shipping_address.clone();
    f.phones = c.phones.clone();
    f.voip_list = match batch {
        Some(b) => b.voip_list.clone(),
        None => lists::voip_list(db)?,
    };
    f.address_history = links::address_history(db, candidate.id)?;
    // A case the batch knows to have no records keeps the empty lists of `CaseFacts::new`.
    let has_records = batch.is_none_or(|b| b.with_records.contains(&case.id));
    let mut observed = Vec::new();
    if has_records {
        f.offer_accepted_at = checklist::passed_at(db, case.id, "offer-accepted")?;
        f.documents = records::of::<IdentityDocument>(db, case.id)?;
        f.interviews = records::of::<Interview>(db, case.id)?;
        f.reachable_hours = records::reachable_hours(db, case.id)?;
        f.everify = records::of::<EVerifyCase>(db, case.id)?;
        f.references = records::of::<Reference>(db, case.id)?;
        f.payments = records::of::<PaymentRecord>(db, case.id)?;
        observed = records::of::<ObservedIp>(db, case.id)?;
    }

    let mut sightings: BTreeMap<String, Vec<IpSighting>> = BTreeMap::new();
    if let Some(ip) = c.application_ip.as_deref().and_then(ip_key) {
        let seen_at = c
            .applied_on
            .map(|d| Timestamp::from_datetime(d.and_time(NaiveTime::MIN).and_utc()))
            .unwrap_or(candidate.created_at);
        sightings.entry(ip).or_default().push(IpSighting {
            context: IpContext::Application,
            seen_at,
            record: None,
        });
    }
    for o in observed {
        sightings.entry(o.fields.ip.clone()).or_default().push(IpSighting {
            context: o.fields.context,
            seen_at: o.fields.seen_at,
            record: Some(o.id),
        });
    }
    for (ip, sightings) in sightings {
        let matches = match (ip.parse::<IpAddr>(), batch) {
            (Err(_), _) => Vec::new(),
            (Ok(addr), None) => lists::lookup(db, addr)?,
            (Ok(_), Some(b)) if !b.any_ranges => Vec::new(),
            (Ok(addr), Some(b)) => remembered(&b.ip_matches, addr, || lists::lookup(db, addr))?,
        };
        f.ips.push(IpFacts { ip, sightings, matches });
    }
    f.vpn_providers = match batch {
        Some(b) => b.vpn_providers.clone(),
        None => vpn_names(db)?,
    };
    // A candidate the batch knows to hold no identifier anyone else holds has no links.
    if batch.is_none_or(|b| b.with_partners.contains(&candidate.id)) {
        f.links = links::facts(db, candidate.id)?;
    }
    let linked: BTreeSet<CandidateId> =
        f.links.iter().map(|l| l.other_candidate).filter(|id| *id != candidate.id).collect();
    for other in linked {
        if batch.is_some_and(|b| !b.with_decision.contains(&other)) {
            continue;
        }
        for theirs in cases::of_candidate(db, other)? {
            if let (
                Some(decision @ (Decision::Rejected | Decision::Referred)),
                CaseStatus::Decided | CaseStatus::Closed,
            ) = (theirs.decision, theirs.status)
            {
                f.decided_against.push(DecidedAgainst {
                    candidate: other,
                    case_id: theirs.id,
                    decision,
                    status: theirs.status,
                });
            }
        }
    }
    if let Some(vendor_id) = c.vendor_id {
        f.vendor = match batch {
            None => vendor_facts(db, vendor_id, at)?,
            Some(b) => remembered(&b.vendors, vendor_id, || vendor_facts(db, vendor_id, at))?,
        };
    }
    Ok(f)
}

/// The value a batch remembers for `key`, or `read()`'s, then remembered.
fn remembered<K: std::hash::Hash + Eq, V: Clone>(
    memo: &RefCell<HashMap<K, V>>,
    key: K,
    read: impl FnOnce() -> Result<V>,
) -> Result<V> {
    if let Some(known) = memo.borrow().get(&key) {
        return Ok(known.clone());
    }
    let value = read()?;
    memo.borrow_mut().insert(key, value.clone());
    Ok(value)
}

fn vendor_facts(db: &dyn Db, vendor_id: VendorId, at: &Timestamp) -> Result<Option<VendorFacts>> {
    let Some(v) = vendors::get(db, vendor_id)? else { return Ok(None) };
    Ok(Some(VendorFacts { name: v.fields.name.clone(), status: vendor_status(db, vendor_id, at)? }))
}

/// Where a vendor stands with its audits at `at`.
pub(crate) fn vendor_status(
    db: &dyn Db,
    vendor_id: VendorId,
    at: &Timestamp,
) -> Result<VendorAuditStatus> {
    let v =
        vendors::get(db, vendor_id)?.ok_or_else(|| StoreError::not_found("vendor", vendor_id))?;
    Ok(flags::vendor_audit_status(
        vendor_id,
        v.fields.screening_attested,
        v.fields.last_audit_on,
        records::of::<VendorAudit>(db, vendor_id)?,
        policy::value(db, PolicyKey::VendorAuditIntervalMonths)?,
        at.date(),
    ))
}

/// The flags the rules raise on a case now. Reads only.
pub(crate) fn evaluate_now(db: &dyn Db, case: &Case, at: &Timestamp) -> Result<Vec<FlagFields>> {
    evaluate_in(db, case, at, None)
}

fn evaluate_in(
    db: &dyn Db,
    case: &Case,
    at: &Timestamp,
    batch: Option<&BatchFacts>,
) -> Result<Vec<FlagFields>> {
    if case.kind == CaseKind::Monitoring {
        return super::posthire::evaluate(db, case, at);
    }
    Ok(flags::evaluate(&gather_in(db, case, at, batch)?))
}

/// The changes that bring a case's open flags in line with its facts at `at`: a clear for each
/// open flag that no longer holds (or whose facts changed), a raise for each new one. Closed
/// cases keep the flags they were signed off with.
pub(crate) fn reflag(db: &dyn Db, case_id: CaseId, at: &Timestamp) -> Result<Vec<Change>> {
    reflag_in(db, case_id, at, None)
}

/// As `reflag`, for one case of a batch (`BatchFacts`).
pub(crate) fn reflag_in(
    db: &dyn Db,
    case_id: CaseId,
    at: &Timestamp,
    batch: Option<&BatchFacts>,
) -> Result<Vec<Change>> {
    let Some(case) = cases::get(db, case_id)? else { return Ok(Vec::new()) };
    // An erased person's facts are placeholders: their flags stay as the erasure left them.
    let erased = match batch {
        Some(b) => b.erased.contains(&case.candidate_id),
        None => super::tables::audit::is_erased(db, case.candidate_id)?,
    };
    if case.status == CaseStatus::Closed || erased {
        return Ok(Vec::new());
    }
    let computed = evaluate_in(db, &case, at, batch)?;
    let open = match batch {
        Some(b) if !b.with_open_flags.contains(&case_id) => Vec::new(),
        _ => records::open_flags(db, case_id)?,
    };
    Ok(diff(case_id, &open, computed))
}

fn diff(case_id: CaseId, open: &[Flag], computed: Vec<FlagFields>) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut kept = BTreeSet::new();
    for flag in open {
        let same_key = computed
            .iter()
            .find(|c| c.rule == flag.fields.rule && c.subject == flag.fields.subject);
        match same_key {
            Some(c) if *c == flag.fields => {
                kept.insert((c.rule.clone(), c.subject.clone()));
            }
            Some(_) => changes.push(Change::FlagCleared {
                case_id,
                flag_id: flag.id,
                reason: "superseded: the facts behind it changed".into(),
            }),
            None => changes.push(Change::FlagCleared {
                case_id,
                flag_id: flag.id,
                reason: "no longer holds".into(),
            }),
        }
    }
    for flag in computed {
        if !kept.contains(&(flag.rule.clone(), flag.subject.clone())) {
            changes.push(Change::FlagRaised { id: None, case_id, flag });
        }
    }
    changes
}

/// Whether the stored open flags of a case differ from what the rules say at `at`.
pub(crate) fn refresh_due(db: &dyn Db, case: &Case, at: &Timestamp) -> Result<bool> {
    if case.status == CaseStatus::Closed {
        return Ok(false);
    }
    let computed = evaluate_now(db, case, at)?;
    Ok(!diff(case.id, &records::open_flags(db, case.id)?, computed).is_empty())
}

// ---- which cases a change can affect ----

fn active_cases_of(
    db: &dyn Db,
    candidates: impl IntoIterator<Item = CandidateId>,
    out: &mut BTreeSet<CaseId>,
) -> Result<()> {
    out.extend(cases::not_closed_of_candidates(db, candidates)?);
    Ok(())
}

/// The cases not closed of `candidate` and of everyone sharing an identifier with them.
fn active_cases_with_partners(
    db: &dyn Db,
    candidate: CandidateId,
    out: &mut BTreeSet<CaseId>,
) -> Result<()> {
    out.extend(links::open_cases_with_partners(db, candidate)?);
    Ok(())
}

fn open_flag_cases(db: &dyn Db, rules: &[&str], out: &mut BTreeSet<CaseId>) -> Result<()> {
    out.extend(records::cases_with_open_flags(db, rules)?);
    Ok(())
}

/// Candidates holding an IP address (application or observed) inside one of `ranges`.
fn candidates_in_ranges(db: &dyn Db, ranges: IpIndex) -> Result<BTreeSet<CandidateId>> {
    let mut out = BTreeSet::new();
    if ranges.is_empty() {
        return Ok(out);
    }
    let inside: Vec<String> = links::ip_values(db)?
        .into_iter()
        .filter(|value| value.parse::<IpAddr>().is_ok_and(|ip| !ranges.lookup(ip).is_empty()))
        .collect();
    out.extend(links::holders(db, LinkKind::Ip, &inside)?);
    Ok(out)
}

fn index_of_rows(list: &str, rows: &[IpListRow]) -> IpIndex {
    rows.iter()
        .filter_map(|row| lists::parse_row(row).ok())
        .map(|p| IpRangeEntry {
            cidr: p.cidr,
            category: p.category,
            label: p.label,
            list: list.to_string(),
        })
        .collect()
}

/// Candidates with a phone number a VoIP rule matches.
fn candidates_with_phone(db: &dyn Db, rule: &VoipRule) -> Result<BTreeSet<CandidateId>> {
    // A prefix covers every key that starts with it: keys are '+' and digits, all below '~'.
    let upper = if rule.prefix { format!("{}~", rule.e164) } else { rule.e164.clone() };
    links::phone_holders_between(db, &rule.e164, &upper)
}

/// The open cases of the candidates numbered `first` to `last` and of everyone sharing an
/// identifier with one of them, in one query: what the candidates a bulk write added can
/// touch (`apply::NewPartners::Later`), asked after the last of them is written. A candidate
/// in the range the write did not add only brings more cases to re-evaluate, never fewer.
pub(crate) fn watch_added(
    db: &dyn Db,
    first: CandidateId,
    last: CandidateId,
) -> Result<BTreeSet<CaseId>> {
    Ok(links::open_cases_with_partners_between(db, first, last)?.into_iter().collect())
}

/// The cases whose flags `change` can affect, as the database stands now. The store asks
/// before writing the change and again after, and re-evaluates the union.
pub(crate) fn watch(db: &dyn Db, change: &Change) -> Result<BTreeSet<CaseId>> {
    let mut out = BTreeSet::new();
    match change {
        // The candidate's update it follows has already brought these cases' flags up to date.
        Change::FlagRaised { .. }
        | Change::FlagCleared { .. }
        | Change::CandidateChanged { .. }
        | Change::RecordDisclosure { .. } => {}
        Change::AddCandidate { id: Some(id), .. } | Change::UpdateCandidate { id, .. } => {
            active_cases_with_partners(db, *id, &mut out)?;
        }
        // Whoever shared an identifier with an erased person no longer does.
        Change::ErasePerson { candidate_id, .. } => {
            active_cases_with_partners(db, *candidate_id, &mut out)?;
        }
        Change::AddReference { case_id, .. }
        | Change::UpdateReference { case_id, .. }
        | Change::RecordPayment { case_id, .. }
        | Change::RecordObservedIp { case_id, .. } => {
            if let Some(case) = cases::get(db, *case_id)? {
                active_cases_with_partners(db, case.candidate_id, &mut out)?;
            }
            out.insert(*case_id);
        }
        Change::UpdateVendor { id: vendor_id, .. }
        | Change::RecordVendorAudit { vendor_id, .. } => {
            active_cases_of(db, candidates::of_vendor(db, *vendor_id)?, &mut out)?;
        }
        // A new audit interval moves every vendor's due date.
        Change::SetPolicy { key: PolicyKey::VendorAuditIntervalMonths, .. } => {
            for vendor in vendors::list(db)? {
                active_cases_of(db, candidates::of_vendor(db, vendor.id)?, &mut out)?;
            }
        }
        // A new re-verification interval moves every monitoring case's due date.
        Change::SetPolicy { key: PolicyKey::ReverificationIntervalMonths, .. } => {
            out.extend(super::posthire::monitoring_cases(db)?);
        }
        Change::ImportIpList { name, rows, .. } => {
            open_flag_cases(db, &[IP_ANONYMISING, IP_COUNTRY_MISMATCH], &mut out)?;
            // Workers' sign-ins may fall in the new ranges.
            out.extend(super::posthire::monitoring_cases(db)?);
            active_cases_of(db, candidates_in_ranges(db, index_of_rows(name, rows))?, &mut out)?;
        }
        Change::RemoveIpList { .. } | Change::RemoveVpnProvider { .. } => {
            open_flag_cases(db, &[IP_ANONYMISING, IP_COUNTRY_MISMATCH], &mut out)?;
            open_flag_cases(db, &[crate::checks::posthire::ANONYMISING_IP], &mut out)?;
        }
        Change::AddVpnProvider { name, .. } => {
            open_flag_cases(db, &[IP_ANONYMISING, IP_COUNTRY_MISMATCH], &mut out)?;
            let labelled = index_of_rows(name, &lists::rows_labelled(db, name)?);
            active_cases_of(db, candidates_in_ranges(db, labelled)?, &mut out)?;
        }
        Change::AddVoipEntry { pattern, label, .. } => {
            open_flag_cases(db, &[PHONE_VOIP], &mut out)?;
            if let Ok(rule) = VoipRule::new(pattern, label) {
                active_cases_of(db, candidates_with_phone(db, &rule)?, &mut out)?;
            }
        }
        Change::RemoveVoipEntry { .. } => open_flag_cases(db, &[PHONE_VOIP], &mut out)?,
        // A decision for or against a candidate (or its reopening) moves `link.decided_against`
        // on the open cases of everyone linked to them.
        Change::SetStatus { case_id, .. } => {
            if let Some(case) = cases::get(db, *case_id)? {
                active_cases_with_partners(db, case.candidate_id, &mut out)?;
            }
            out.insert(*case_id);
        }
        Change::ImportTelemetry { .. } => out.extend(super::posthire::monitoring_cases(db)?),
        other => {
            // Any other change on a case re-evaluates that case, which also brings its
            // date-driven flags (expiry, deadlines) up to the day of the change.
            if let Chain::Case(case_id) = other.chain() {
                out.insert(case_id);
            }
        }
    }
    Ok(out)
}
