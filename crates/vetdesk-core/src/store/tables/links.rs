//! The derived `link_keys` and `address_history` tables: every normalised identifier of every
//! candidate in one indexed table (so "who else has this" is an index probe), and every address
//! a candidate had. Written by `derived`, rebuilt from the state tables and the log, and
//! derived again and compared by `verify`.

use std::collections::BTreeSet;

use crate::checks::flags::{AddressSet, LinkFact};
use crate::model::{CandidateId, Timestamp};
use crate::store::Result;
use crate::store::db::{Db, params};
use crate::verification::{LinkKind, LinkRole};

/// One identifier of a candidate.
pub(crate) struct Key {
    pub kind: LinkKind,
    pub value: String,
    pub role: LinkRole,
    /// The record it comes from (a reference, a payment, an observed IP).
    pub record: Option<i64>,
    /// How it is shown.
    pub display: String,
}

pub(crate) fn remove_candidate(db: &dyn Db, candidate_id: CandidateId) -> Result<()> {
    db.execute("DELETE FROM link_keys WHERE candidate_id = ?1", params![candidate_id])?;
    Ok(())
}

/// Forgets a candidate's address history (an erasure).
pub(crate) fn remove_addresses(db: &dyn Db, candidate_id: CandidateId) -> Result<()> {
    db.execute("DELETE FROM address_history WHERE candidate_id = ?1", params![candidate_id])?;
    Ok(())
}

pub(crate) fn insert(db: &dyn Db, candidate_id: CandidateId, keys: &[Key]) -> Result<()> {
    let mut insert = db.prepare(
        "INSERT INTO link_keys (kind, value, candidate_id, role, record_id, display)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for k in keys {
        insert.execute(params![k.kind, k.value, candidate_id, k.role, k.record, k.display])?;
    }
    Ok(())
}

pub(crate) fn clear(db: &dyn Db) -> Result<()> {
    db.execute("DELETE FROM link_keys", &[])?;
    db.execute("DELETE FROM address_history", &[])?;
    Ok(())
}

/// The cases not closed of a candidate and of every candidate sharing an identifier with them,
/// in one query (what the flags of a change to the candidate can touch).
pub(crate) fn open_cases_with_partners(
    db: &dyn Db,
    candidate_id: CandidateId,
) -> Result<Vec<crate::model::CaseId>> {
    open_cases_with_partners_between(db, candidate_id, candidate_id)
}

/// `open_cases_with_partners` for every candidate numbered `first` to `last` at once.
pub(crate) fn open_cases_with_partners_between(
    db: &dyn Db,
    first: CandidateId,
    last: CandidateId,
) -> Result<Vec<crate::model::CaseId>> {
    Ok(db.query_vec(
        "SELECT id FROM cases WHERE candidate_id BETWEEN ?1 AND ?2 AND status != ?3
         UNION
         SELECT c.id FROM link_keys m
         JOIN link_keys o ON o.kind = m.kind AND o.value = m.value
         JOIN cases c ON c.candidate_id = o.candidate_id
         WHERE m.candidate_id BETWEEN ?1 AND ?2 AND o.candidate_id != m.candidate_id
           AND c.status != ?3",
        params![first, last, crate::model::CaseStatus::Closed],
        |r| r.get(0),
    )?)
}

/// Every identifier of `candidate_id` that another candidate, or another record of the same
/// candidate, also has: the facts behind the sharing and reference rules.
pub(crate) fn facts(db: &dyn Db, candidate_id: CandidateId) -> Result<Vec<LinkFact>> {
    Ok(db.query_vec(
        "SELECT m.kind, m.display, m.role, m.record_id, o.candidate_id, c.legal_name, o.role,
                o.record_id, o.display
         FROM link_keys m
         JOIN link_keys o ON o.kind = m.kind AND o.value = m.value
         JOIN candidates c ON c.id = o.candidate_id
         WHERE m.candidate_id = ?1
           AND (o.candidate_id != ?1 OR o.role != m.role
                OR o.record_id IS DISTINCT FROM m.record_id)
         ORDER BY m.kind, m.value, o.candidate_id, o.role, o.record_id",
        params![candidate_id],
        |r| {
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
        },
    )?)
}

/// Every distinct IP address any candidate holds.
pub(crate) fn ip_values(db: &dyn Db) -> Result<Vec<String>> {
    Ok(db.query_vec(
        "SELECT DISTINCT value FROM link_keys WHERE kind = ?1",
        params![LinkKind::Ip],
        |r| r.get(0),
    )?)
}

/// The candidates holding any of some identifiers of one kind.
pub(crate) fn holders(db: &dyn Db, kind: LinkKind, values: &[String]) -> Result<Vec<CandidateId>> {
    let mut query =
        db.prepare("SELECT DISTINCT candidate_id FROM link_keys WHERE kind = ?1 AND value = ?2")?;
    let mut out = Vec::new();
    for value in values {
        out.extend(query.query_vec(params![kind, value], |r| r.get::<CandidateId>(0))?);
    }
    Ok(out)
}

/// Candidates with a phone of their own between `low` and `high` (E.164 keys sort as text).
pub(crate) fn phone_holders_between(
    db: &dyn Db,
    low: &str,
    high: &str,
) -> Result<BTreeSet<CandidateId>> {
    let ids: Vec<CandidateId> = db.query_vec(
        "SELECT DISTINCT candidate_id FROM link_keys
         WHERE kind = ?1 AND role = ?2 AND value >= ?3 AND value <= ?4",
        params![LinkKind::Phone, LinkRole::Phone, low, high],
        |r| r.get(0),
    )?;
    Ok(ids.into_iter().collect())
}

// ---- address history ----

/// The address a candidate last had in `role` (`Some(None)`: it was removed; `None`: never set).
pub(crate) fn last_address(
    db: &dyn Db,
    candidate_id: CandidateId,
    role: LinkRole,
) -> Result<Option<Option<String>>> {
    let sql = format!(
        "SELECT address FROM address_history WHERE candidate_id = ?1 AND role = ?2
         ORDER BY set_at DESC, {} DESC LIMIT 1",
        db.insertion_order()
    );
    Ok(db.query_optional(&sql, params![candidate_id, role], |r| r.get(0))?)
}

pub(crate) fn insert_address(
    db: &dyn Db,
    candidate_id: CandidateId,
    role: LinkRole,
    address: Option<&str>,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        "INSERT INTO address_history (candidate_id, role, address, set_at) VALUES (?1, ?2, ?3, ?4)",
        params![candidate_id, role, address, at],
    )?;
    Ok(())
}

pub(crate) fn address_history(db: &dyn Db, candidate_id: CandidateId) -> Result<Vec<AddressSet>> {
    let sql = format!(
        "SELECT role, address, set_at FROM address_history WHERE candidate_id = ?1
         ORDER BY set_at, {}",
        db.insertion_order()
    );
    Ok(db.query_vec(&sql, params![candidate_id], |r| {
        Ok(AddressSet { role: r.get(0)?, address: r.get(1)?, set_at: r.get(2)? })
    })?)
}
