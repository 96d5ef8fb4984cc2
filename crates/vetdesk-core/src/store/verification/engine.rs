//! The red-flag engine: gathers the facts of one case, runs the pure rules
//! (`checks::flags::evaluate`) and turns the difference with the flags already open into
//! `FlagRaised` / `FlagCleared` changes, which the store applies right after the change that
//! caused them. `watch` names the cases a change can affect; the store asks it before and after
//! writing, so that a flag resting on an old value (a phone number just changed) is cleared too.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use chrono::NaiveTime;
use rusqlite::{Connection, params};

use super::{links, lists, records};
use crate::change::Change;
use crate::checks::flags::{
    self, CaseFacts, IP_ANONYMISING, IP_COUNTRY_MISMATCH, IpFacts, IpSighting, PHONE_VOIP,
    VendorFacts,
};
use crate::checks::iprange::{IpIndex, IpRangeEntry};
use crate::checks::phone::VoipRule;
use crate::model::{CandidateId, Case, CaseId, CaseStatus, Timestamp, VendorId};
use crate::store::{Config, Result, candidates, cases, vendors};
use crate::verification::{FlagFields, IpContext, IpListRow};

/// Everything the rules look at for one case, as of `today`.
pub(crate) fn gather(
    conn: &Connection,
    case: &Case,
    at: &Timestamp,
    config: &Config,
) -> Result<CaseFacts> {
    let candidate = candidates::get(conn, case.candidate_id)?.ok_or_else(|| {
        crate::store::StoreError::Corrupt(format!("case {} names a missing candidate", case.id))
    })?;
    let c = &candidate.fields;
    let mut f = CaseFacts::new(at.date(), candidate.id, &c.legal_name);
    f.other_names = c.other_names.clone();
    f.claimed_location = c.claimed_location.clone();
    f.time_zone = c.time_zone.clone();
    f.home_address = c.home_address.clone();
    f.shipping_address = c.shipping_address.clone();
    f.phones = c.phones.clone();
    f.voip_list = lists::voip_list(conn)?;
    f.offer_accepted_at = conn
        .query_row(
            "SELECT recorded_at FROM checklist_items
             WHERE case_id = ?1 AND item_id = 'offer-accepted' AND result = 'pass'",
            [case.id],
            |r| r.get(0),
        )
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
    f.address_history = links::address_history(conn, candidate.id)?;
    f.documents = records::documents(conn, case.id)?;
    f.interviews = records::interviews(conn, case.id)?;
    f.reachable_hours = records::reachable_hours(conn, case.id)?;
    f.everify = records::everify_cases(conn, case.id)?;
    f.references = records::references(conn, case.id)?;
    f.payments = records::payments(conn, case.id)?;

    let mut sightings: BTreeMap<String, Vec<IpSighting>> = BTreeMap::new();
    if let Some(ip) = c.application_ip.as_deref().and_then(links::ip_key) {
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
    for o in records::observed_ips(conn, case.id)? {
        sightings.entry(o.fields.ip.clone()).or_default().push(IpSighting {
            context: o.fields.context,
            seen_at: o.fields.seen_at,
            record: Some(o.id),
        });
    }
    for (ip, sightings) in sightings {
        let matches = match ip.parse::<IpAddr>() {
            Ok(addr) => lists::lookup(conn, addr)?,
            Err(_) => Vec::new(),
        };
        f.ips.push(IpFacts { ip, sightings, matches });
    }
    f.vpn_providers =
        lists::vpn_providers(conn)?.into_iter().map(|p| p.name.to_lowercase()).collect();
    f.links = links::link_facts(conn, candidate.id)?;
    if let Some(vendor_id) = c.vendor_id {
        if let Some(v) = vendors::get(conn, vendor_id)? {
            f.vendor = Some(VendorFacts {
                name: v.fields.name.clone(),
                status: vendor_status(conn, vendor_id, config, at)?,
            });
        }
    }
    Ok(f)
}

pub(crate) fn vendor_status(
    conn: &Connection,
    vendor_id: VendorId,
    config: &Config,
    at: &Timestamp,
) -> Result<crate::verification::VendorAuditStatus> {
    let v = vendors::get(conn, vendor_id)?
        .ok_or_else(|| crate::store::StoreError::not_found("vendor", vendor_id))?;
    Ok(flags::vendor_audit_status(
        vendor_id,
        v.fields.screening_attested,
        v.fields.last_audit_on,
        records::vendor_audits(conn, vendor_id)?,
        config.vendor_audit_interval_months,
        at.date(),
    ))
}

/// The flags the rules raise on a case now. Reads only.
pub(crate) fn evaluate_now(
    conn: &Connection,
    case: &Case,
    at: &Timestamp,
    config: &Config,
) -> Result<Vec<FlagFields>> {
    Ok(flags::evaluate(&gather(conn, case, at, config)?))
}

/// The changes that bring a case's open flags in line with its facts at `at`: a clear for each
/// open flag that no longer holds (or whose facts changed), a raise for each new one. Closed
/// cases keep the flags they were signed off with.
pub(crate) fn reflag(
    conn: &Connection,
    case_id: CaseId,
    at: &Timestamp,
    config: &Config,
) -> Result<Vec<Change>> {
    let Some(case) = cases::get(conn, case_id)? else { return Ok(Vec::new()) };
    if case.status == CaseStatus::Closed {
        return Ok(Vec::new());
    }
    let computed = evaluate_now(conn, &case, at, config)?;
    Ok(diff(case_id, &records::open_flags(conn, case_id)?, computed))
}

fn diff(
    case_id: CaseId,
    open: &[crate::verification::Flag],
    computed: Vec<FlagFields>,
) -> Vec<Change> {
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
pub(crate) fn refresh_due(
    conn: &Connection,
    case: &Case,
    at: &Timestamp,
    config: &Config,
) -> Result<bool> {
    if case.status == CaseStatus::Closed {
        return Ok(false);
    }
    let computed = evaluate_now(conn, case, at, config)?;
    Ok(!diff(case.id, &records::open_flags(conn, case.id)?, computed).is_empty())
}

// ---- which cases a change can affect ----

fn active_cases_of(
    conn: &Connection,
    candidates: impl IntoIterator<Item = CandidateId>,
    out: &mut BTreeSet<CaseId>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM cases WHERE candidate_id = ?1 AND status != 'closed' ORDER BY id",
    )?;
    for candidate in candidates {
        for id in stmt.query_map([candidate], |r| r.get(0))? {
            out.insert(id?);
        }
    }
    Ok(())
}

fn with_partners(conn: &Connection, candidate: CandidateId) -> Result<BTreeSet<CandidateId>> {
    let mut all = links::partners(conn, candidate)?;
    all.insert(candidate);
    Ok(all)
}

fn open_flag_cases(conn: &Connection, rules: &[&str], out: &mut BTreeSet<CaseId>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT case_id FROM case_flags WHERE cleared_at IS NULL AND rule = ?1",
    )?;
    for rule in rules {
        for id in stmt.query_map([rule], |r| r.get(0))? {
            out.insert(id?);
        }
    }
    Ok(())
}

/// Candidates holding an IP address (application or observed) inside one of `ranges`.
fn candidates_in_ranges(conn: &Connection, ranges: IpIndex) -> Result<BTreeSet<CandidateId>> {
    let mut out = BTreeSet::new();
    if ranges.is_empty() {
        return Ok(out);
    }
    let values: Vec<String> = conn
        .prepare_cached("SELECT DISTINCT value FROM link_keys WHERE kind = 'ip'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut holders = conn.prepare_cached(
        "SELECT DISTINCT candidate_id FROM link_keys WHERE kind = 'ip' AND value = ?1",
    )?;
    for value in values {
        let Ok(ip) = value.parse::<IpAddr>() else { continue };
        if !ranges.lookup(ip).is_empty() {
            for id in holders.query_map([&value], |r| r.get(0))? {
                out.insert(id?);
            }
        }
    }
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

fn index_of_label(conn: &Connection, name: &str) -> Result<IpIndex> {
    let mut stmt = conn.prepare_cached(
        "SELECT cidr, category, label FROM ip_ranges WHERE label LIKE '%' || ?1 || '%'",
    )?;
    let rows = stmt.query_map([name], |r| Ok(IpListRow(r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let rows: Vec<IpListRow> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(index_of_rows(name, &rows))
}

/// Candidates with a phone number a VoIP rule matches.
fn candidates_with_phone(conn: &Connection, rule: &VoipRule) -> Result<BTreeSet<CandidateId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT candidate_id FROM link_keys
         WHERE kind = 'phone' AND role = 'phone' AND value >= ?1 AND value <= ?2",
    )?;
    // A prefix covers every key that starts with it: keys are '+' and digits, all below '~'.
    let upper = if rule.prefix { format!("{}~", rule.e164) } else { rule.e164.clone() };
    let ids = stmt.query_map(params![rule.e164, upper], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// The cases whose flags `change` can affect, as the database stands now. The store asks
/// before writing the change and again after, and re-evaluates the union.
pub(crate) fn watch(conn: &Connection, change: &Change) -> Result<BTreeSet<CaseId>> {
    let mut out = BTreeSet::new();
    match change {
        Change::FlagRaised { .. } | Change::FlagCleared { .. } => {}
        Change::AddCandidate { id: Some(id), .. } | Change::UpdateCandidate { id, .. } => {
            active_cases_of(conn, with_partners(conn, *id)?, &mut out)?;
        }
        Change::AddReference { case_id, .. }
        | Change::UpdateReference { case_id, .. }
        | Change::RecordPayment { case_id, .. }
        | Change::RecordObservedIp { case_id, .. } => {
            if let Some(case) = cases::get(conn, *case_id)? {
                active_cases_of(conn, with_partners(conn, case.candidate_id)?, &mut out)?;
            }
            out.insert(*case_id);
        }
        Change::UpdateVendor { id: vendor_id, .. }
        | Change::RecordVendorAudit { vendor_id, .. } => {
            let supplied: Vec<CandidateId> = conn
                .prepare_cached("SELECT id FROM candidates WHERE vendor_id = ?1")?
                .query_map([vendor_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            active_cases_of(conn, supplied, &mut out)?;
        }
        Change::ImportIpList { name, rows, .. } => {
            open_flag_cases(conn, &[IP_ANONYMISING, IP_COUNTRY_MISMATCH], &mut out)?;
            active_cases_of(
                conn,
                candidates_in_ranges(conn, index_of_rows(name, rows))?,
                &mut out,
            )?;
        }
        Change::RemoveIpList { .. } | Change::RemoveVpnProvider { .. } => {
            open_flag_cases(conn, &[IP_ANONYMISING, IP_COUNTRY_MISMATCH], &mut out)?;
        }
        Change::AddVpnProvider { name, .. } => {
            open_flag_cases(conn, &[IP_ANONYMISING, IP_COUNTRY_MISMATCH], &mut out)?;
            active_cases_of(
                conn,
                candidates_in_ranges(conn, index_of_label(conn, name)?)?,
                &mut out,
            )?;
        }
        Change::AddVoipEntry { pattern, label, .. } => {
            open_flag_cases(conn, &[PHONE_VOIP], &mut out)?;
            if let Ok(rule) = VoipRule::new(pattern, label) {
                active_cases_of(conn, candidates_with_phone(conn, &rule)?, &mut out)?;
            }
        }
        Change::RemoveVoipEntry { .. } => open_flag_cases(conn, &[PHONE_VOIP], &mut out)?,
        other => {
            // Any other change on a case re-evaluates that case, which also brings its
            // date-driven flags (expiry, deadlines) up to the day of the change.
            if let crate::model::Chain::Case(case_id) = other.chain() {
                out.insert(case_id);
            }
        }
    }
    Ok(out)
}
