//! Links between candidates: every normalised identifier of a candidate (phones in E.164,
//! email comparison keys, address keys, IP addresses, bank-account hashes, and those of their
//! references) in one indexed table, so that "who else has this" is an index probe, and the
//! address history behind "address changed after the offer". Both are derived tables, kept in
//! step by `derived` and rebuilt from the state tables (and, for the history, the audit log).

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use rusqlite::{Connection, params};

use super::{lists, records};
use crate::checks::flags::{AddressSet, LinkFact, view_address};
use crate::checks::{email, phone};
use crate::model::{CandidateFields, CandidateId, CaseId, Timestamp};
use crate::store::{Result, candidates, cases};
use crate::verification::{Link, LinkKind, LinkRole, LinkedCase, SharedIdentifier};

struct Key {
    kind: LinkKind,
    value: String,
    role: LinkRole,
    record: Option<i64>,
    display: String,
}

fn phone_key(text: &str) -> Option<String> {
    phone::normalize(text).ok().map(|n| n.e164)
}

fn email_key(text: &str) -> Option<String> {
    email::comparison_key(text).ok()
}

/// The link key of an address and how it is shown (as Publication 28 writes it).
fn address_key(text: &str) -> Option<(String, String)> {
    let view = view_address(text);
    let shown = view.normalized.map(|n| n.normalized).unwrap_or_default();
    view.link_key.map(|k| (k, shown))
}

pub(crate) fn ip_key(text: &str) -> Option<String> {
    text.trim().parse::<IpAddr>().ok().map(|ip| lists::canonical(ip).to_string())
}

fn candidate_keys(c: &CandidateFields, out: &mut Vec<Key>) {
    let mut push = |kind, value: Option<String>, role| {
        if let Some(value) = value {
            out.push(Key { kind, display: value.clone(), value, role, record: None });
        }
    };
    for p in &c.phones {
        push(LinkKind::Phone, phone_key(p), LinkRole::Phone);
    }
    for e in &c.emails {
        push(LinkKind::Email, email_key(e), LinkRole::Email);
    }
    push(LinkKind::Ip, c.application_ip.as_deref().and_then(ip_key), LinkRole::ApplicationIp);
    for (role, text) in
        [(LinkRole::HomeAddress, &c.home_address), (LinkRole::ShippingAddress, &c.shipping_address)]
    {
        if let Some((value, display)) = text.as_deref().and_then(address_key) {
            out.push(Key { kind: LinkKind::Address, value, role, record: None, display });
        }
    }
}

fn case_keys(conn: &Connection, case_id: CaseId, out: &mut Vec<Key>) -> Result<()> {
    for r in records::references(conn, case_id)? {
        if let Some(value) = r.fields.email.as_deref().and_then(email_key) {
            out.push(Key {
                kind: LinkKind::Email,
                display: value.clone(),
                value,
                role: LinkRole::ReferenceEmail,
                record: Some(r.id),
            });
        }
        if let Some(value) = r.fields.phone.as_deref().and_then(phone_key) {
            out.push(Key {
                kind: LinkKind::Phone,
                display: value.clone(),
                value,
                role: LinkRole::ReferencePhone,
                record: Some(r.id),
            });
        }
    }
    for p in records::payments(conn, case_id)? {
        out.push(Key {
            kind: LinkKind::BankAccount,
            value: p.fields.account_hash.clone(),
            role: LinkRole::BankAccount,
            record: Some(p.id),
            display: format!(
                "account {} (routing {})",
                p.fields.account_masked, p.fields.routing_masked
            ),
        });
    }
    for o in records::observed_ips(conn, case_id)? {
        if let Some(value) = ip_key(&o.fields.ip) {
            out.push(Key {
                kind: LinkKind::Ip,
                display: value.clone(),
                value,
                role: LinkRole::ObservedIp,
                record: Some(o.id),
            });
        }
    }
    Ok(())
}

/// Rewrites every identifier of one candidate from the state tables.
pub(crate) fn index_candidate(conn: &Connection, candidate_id: CandidateId) -> Result<()> {
    conn.execute("DELETE FROM link_keys WHERE candidate_id = ?1", [candidate_id])?;
    let Some(candidate) = candidates::get(conn, candidate_id)? else { return Ok(()) };
    let mut keys = Vec::new();
    candidate_keys(&candidate.fields, &mut keys);
    for case in cases::of_candidate(conn, candidate_id)? {
        case_keys(conn, case.id, &mut keys)?;
    }
    let mut seen = BTreeSet::new();
    let mut insert = conn.prepare_cached(
        "INSERT INTO link_keys (kind, value, candidate_id, role, record_id, display)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for k in keys {
        // The same phone written twice on one record is one identifier.
        if seen.insert((k.kind, k.value.clone(), k.role, k.record)) {
            insert.execute(params![k.kind, k.value, candidate_id, k.role, k.record, k.display])?;
        }
    }
    Ok(())
}

/// Candidates sharing any identifier with `candidate_id`.
pub(crate) fn partners(
    conn: &Connection,
    candidate_id: CandidateId,
) -> Result<BTreeSet<CandidateId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT o.candidate_id FROM link_keys m
         JOIN link_keys o ON o.kind = m.kind AND o.value = m.value
         WHERE m.candidate_id = ?1 AND o.candidate_id != ?1",
    )?;
    let ids = stmt.query_map([candidate_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Every identifier of `candidate_id` that another candidate, or another record of the same
/// candidate, also has: the facts behind the sharing and reference rules.
pub(crate) fn link_facts(conn: &Connection, candidate_id: CandidateId) -> Result<Vec<LinkFact>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.kind, m.display, m.role, m.record_id, o.candidate_id, c.legal_name, o.role,
                o.record_id, o.display
         FROM link_keys m
         JOIN link_keys o ON o.kind = m.kind AND o.value = m.value
         JOIN candidates c ON c.id = o.candidate_id
         WHERE m.candidate_id = ?1
           AND (o.candidate_id != ?1 OR o.role != m.role OR o.record_id IS NOT m.record_id)
         ORDER BY m.kind, m.value, o.candidate_id, o.role, o.record_id",
    )?;
    let rows = stmt.query_map([candidate_id], |r| {
        Ok(LinkFact {
            kind: r.get(0)?,
            value: r.get(1)?,
            ours: r.get(2)?,
            our_record: r.get(3)?,
            other_candidate: r.get(4)?,
            other_name: r.get(5)?,
            theirs: r.get(6)?,
            their_record: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Other candidates sharing an identifier with the candidate of `case_id`, with what they share.
pub(crate) fn links(conn: &Connection, candidate_id: CandidateId) -> Result<Vec<Link>> {
    let mut by_candidate: BTreeMap<CandidateId, Link> = BTreeMap::new();
    for f in link_facts(conn, candidate_id)? {
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
    let mut stmt =
        conn.prepare_cached("SELECT id, status FROM cases WHERE candidate_id = ?1 ORDER BY id")?;
    for link in by_candidate.values_mut() {
        link.shared.sort();
        link.shared.dedup();
        link.cases = stmt
            .query_map([link.candidate_id], |r| {
                Ok(LinkedCase { case_id: r.get(0)?, status: r.get(1)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(by_candidate.into_values().collect())
}

// ---- address history ----

/// Appends the candidate's addresses to the history where they differ from the last entry.
pub(crate) fn record_addresses(
    conn: &Connection,
    candidate_id: CandidateId,
    c: &CandidateFields,
    at: &Timestamp,
) -> Result<()> {
    for (role, address) in
        [(LinkRole::HomeAddress, &c.home_address), (LinkRole::ShippingAddress, &c.shipping_address)]
    {
        let last: Option<Option<String>> = conn
            .query_row(
                "SELECT address FROM address_history WHERE candidate_id = ?1 AND role = ?2
                 ORDER BY set_at DESC, rowid DESC LIMIT 1",
                params![candidate_id, role],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(other),
            })?;
        let changed = match &last {
            None => address.is_some(),
            Some(previous) => previous != address,
        };
        if changed {
            conn.execute(
                "INSERT INTO address_history (candidate_id, role, address, set_at) VALUES (?1, ?2, ?3, ?4)",
                params![candidate_id, role, address, at],
            )?;
        }
    }
    Ok(())
}

pub(crate) fn address_history(
    conn: &Connection,
    candidate_id: CandidateId,
) -> Result<Vec<AddressSet>> {
    let mut stmt = conn.prepare_cached(
        "SELECT role, address, set_at FROM address_history WHERE candidate_id = ?1
         ORDER BY set_at, rowid",
    )?;
    let rows = stmt.query_map([candidate_id], |r| {
        Ok(AddressSet { role: r.get(0)?, address: r.get(1)?, set_at: r.get(2)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Rebuilds both derived tables: identifiers from the state tables, address history from the
/// candidate changes in the audit log (the only place earlier addresses are kept).
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM link_keys", [])?;
    conn.execute("DELETE FROM address_history", [])?;
    let ids: Vec<CandidateId> = conn
        .prepare("SELECT id FROM candidates ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        index_candidate(conn, id)?;
    }
    let mut stmt = conn.prepare(
        "SELECT at, change FROM audit_log WHERE chain = 'global'
           AND (change LIKE '{%\"type\":\"add_candidate\"%' OR change LIKE '{%\"type\":\"update_candidate\"%')
         ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, Timestamp>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (at, text) = row?;
        let change: crate::change::Change = serde_json::from_str(&text)?;
        match change {
            crate::change::Change::AddCandidate { id: Some(id), candidate }
            | crate::change::Change::UpdateCandidate { id, candidate } => {
                record_addresses(conn, id, &candidate, &at)?;
            }
            _ => {}
        }
    }
    Ok(())
}
