//! The red-flag engine: gathers the facts of one case, runs the pure rules
//! (`checks::flags::evaluate`) and turns the difference with the flags already open into
//! `FlagRaised` / `FlagCleared` changes, which the store applies right after the change that
//! caused them. `watch` names the cases a change can affect; the store asks it before and after
//! writing, so that a flag resting on an old value (a phone number just changed) is cleared too.

use std::collections::{BTreeMap, BTreeSet};
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

/// Everything the rules look at for one case, as of `at`.
pub(crate) fn gather(db: &dyn Db, case: &Case, at: &Timestamp) -> Result<CaseFacts> {
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
    f.voip_list = lists::voip_list(db)?;
    f.offer_accepted_at = checklist::passed_at(db, case.id, "offer-accepted")?;
    f.address_history = links::address_history(db, candidate.id)?;
    f.documents = records::of::<IdentityDocument>(db, case.id)?;
    f.interviews = records::of::<Interview>(db, case.id)?;
    f.reachable_hours = records::reachable_hours(db, case.id)?;
    f.everify = records::of::<EVerifyCase>(db, case.id)?;
    f.references = records::of::<Reference>(db, case.id)?;
    f.payments = records::of::<PaymentRecord>(db, case.id)?;

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
    for o in records::of::<ObservedIp>(db, case.id)? {
        sightings.entry(o.fields.ip.clone()).or_default().push(IpSighting {
            context: o.fields.context,
            seen_at: o.fields.seen_at,
            record: Some(o.id),
        });
    }
    for (ip, sightings) in sightings {
        let matches = match ip.parse::<IpAddr>() {
            Ok(addr) => lists::lookup(db, addr)?,
            Err(_) => Vec::new(),
        };
        f.ips.push(IpFacts { ip, sightings, matches });
    }
    f.vpn_providers =
        lists::vpn_providers(db)?.into_iter().map(|p| p.name.to_lowercase()).collect();
    f.links = links::facts(db, candidate.id)?;
    let linked: BTreeSet<CandidateId> =
        f.links.iter().map(|l| l.other_candidate).filter(|id| *id != candidate.id).collect();
    for other in linked {
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
    if let Some(vendor_id) = c.vendor_id
        && let Some(v) = vendors::get(db, vendor_id)?
    {
        f.vendor = Some(VendorFacts {
            name: v.fields.name.clone(),
            status: vendor_status(db, vendor_id, at)?,
        });
    }
    Ok(f)
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
    if case.kind == CaseKind::Monitoring {
        return super::posthire::evaluate(db, case, at);
    }
    Ok(flags::evaluate(&gather(db, case, at)?))
}

/// The changes that bring a case's open flags in line with its facts at `at`: a clear for each
/// open flag that no longer holds (or whose facts changed), a raise for each new one. Closed
/// cases keep the flags they were signed off with.
pub(crate) fn reflag(db: &dyn Db, case_id: CaseId, at: &Timestamp) -> Result<Vec<Change>> {
    let Some(case) = cases::get(db, case_id)? else { return Ok(Vec::new()) };
    // An erased person's facts are placeholders: their flags stay as the erasure left them.
    if case.status == CaseStatus::Closed || super::tables::audit::is_erased(db, case.candidate_id)?
    {
        return Ok(Vec::new());
    }
    let computed = evaluate_now(db, &case, at)?;
    Ok(diff(case_id, &records::open_flags(db, case_id)?, computed))
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

fn with_partners(db: &dyn Db, candidate: CandidateId) -> Result<BTreeSet<CandidateId>> {
    let mut all = links::partners(db, candidate)?;
    all.insert(candidate);
    Ok(all)
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
            active_cases_of(db, with_partners(db, *id)?, &mut out)?;
        }
        // Whoever shared an identifier with an erased person no longer does.
        Change::ErasePerson { candidate_id, .. } => {
            active_cases_of(db, with_partners(db, *candidate_id)?, &mut out)?;
        }
        Change::AddReference { case_id, .. }
        | Change::UpdateReference { case_id, .. }
        | Change::RecordPayment { case_id, .. }
        | Change::RecordObservedIp { case_id, .. } => {
            if let Some(case) = cases::get(db, *case_id)? {
                active_cases_of(db, with_partners(db, case.candidate_id)?, &mut out)?;
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
                active_cases_of(db, with_partners(db, case.candidate_id)?, &mut out)?;
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
