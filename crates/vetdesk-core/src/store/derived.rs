//! Derived data kept beside the state, written in the same transaction as the change it
//! follows: the full-text index, the link keys (every normalised identifier of a candidate)
//! and the address history. It can be rebuilt from the tables and the log, and is not part of
//! what `verify` compares.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::net::IpAddr;

use super::Result;
use super::db::SearchKind;
use super::db::{Db, SearchEntry};
use super::tables::links::{self, Key};
use super::tables::{audit, candidates, cases, lists, records};
use crate::change::Change;
use crate::checks::flags::view_address;
use crate::checks::{email, phone};
use crate::model::{Candidate, CandidateFields, CandidateId, CaseId, Timestamp};
use crate::verification::{LinkKind, LinkRole, ObservedIp, PaymentRecord, Reference};

/// Keeps the derived tables in step with one applied change.
pub(crate) fn after_change(db: &dyn Db, at: &Timestamp, change: &Change) -> Result<()> {
    match change {
        // A new candidate has no link keys, address history or cases yet: nothing to look up
        // or remove before writing theirs (four statements of an import's row).
        Change::AddCandidate { id: Some(id), candidate } => {
            index_links_of(db, *id, Known::New)?;
            record_addresses_of(db, *id, candidate, at, Known::New)?;
            index_candidate(db, *id)
        }
        Change::UpdateCandidate { id, candidate } => {
            index_links(db, *id)?;
            record_addresses(db, *id, candidate, at)?;
            index_candidate(db, *id)
        }
        Change::AddReference { case_id, .. }
        | Change::UpdateReference { case_id, .. }
        | Change::RecordPayment { case_id, .. }
        | Change::RecordObservedIp { case_id, .. } => match cases::get(db, *case_id)? {
            Some(case) => index_links(db, case.candidate_id),
            None => Ok(()),
        },
        Change::AddNote { id: Some(id), case_id, text } => {
            let candidate_id = candidate_of_case(db, *case_id)?;
            db.search_put(&SearchEntry {
                kind: SearchKind::Note,
                ref_id: *id,
                case_id: Some(*case_id),
                candidate_id,
                title: "",
                body: text,
            })?;
            Ok(())
        }
        Change::AttachEvidence { id: Some(id), case_id, original_name, description, .. } => {
            let candidate_id = candidate_of_case(db, *case_id)?;
            db.search_put(&SearchEntry {
                kind: SearchKind::Evidence,
                ref_id: *id,
                case_id: Some(*case_id),
                candidate_id,
                title: original_name,
                body: description.as_deref().unwrap_or(""),
            })?;
            Ok(())
        }
        Change::ErasePerson { candidate_id, .. } => {
            links::remove_candidate(db, *candidate_id)?;
            links::remove_addresses(db, *candidate_id)?;
            db.search_forget(*candidate_id)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn candidate_of_case(db: &dyn Db, case_id: CaseId) -> Result<CandidateId> {
    cases::get(db, case_id)?
        .map(|c| c.candidate_id)
        .ok_or_else(|| super::StoreError::no_case(db, case_id))
}

// ---- the full-text index ----

fn candidate_body(c: &Candidate) -> String {
    let f = &c.fields;
    let mut parts: Vec<&str> = Vec::new();
    // Names in Latin letters too, so that "Petrov" finds "Петров" and "Muller" finds "Müller".
    let transliterated: Vec<String> = std::iter::once(&f.legal_name)
        .chain(&f.other_names)
        .map(|n| deunicode::deunicode(n))
        .filter(|t| !f.legal_name.eq_ignore_ascii_case(t))
        .collect();
    parts.extend(transliterated.iter().map(String::as_str));
    parts.extend(f.other_names.iter().map(String::as_str));
    parts.extend(f.emails.iter().map(String::as_str));
    parts.extend(f.phones.iter().map(String::as_str));
    for v in [&f.external_id, &f.home_address, &f.shipping_address, &f.claimed_location, &f.role]
        .into_iter()
        .flatten()
    {
        parts.push(v);
    }
    parts.join("\n")
}

thread_local! {
    /// The candidates whose search entries a bulk write on this thread (`SearchDeferred`) writes
    /// at its end.
    static DEFERRED: RefCell<Option<BTreeSet<CandidateId>>> = const { RefCell::new(None) };
}

/// Defers the search entries of the candidates a bulk write (an import) adds or changes to its
/// end, written there one after the other. SQLite's full-text index writes what it holds to
/// disk at every savepoint (each row of an import has one), so entries written row by row made
/// one small index segment per row, merged again and again (a sixth of an import's time).
pub(crate) struct SearchDeferred(());

impl SearchDeferred {
    pub(crate) fn start() -> SearchDeferred {
        DEFERRED.with(|d| *d.borrow_mut() = Some(BTreeSet::new()));
        SearchDeferred(())
    }

    /// Writes the deferred entries, from the candidates as they now are (a candidate of a
    /// row rolled back is gone and gets none).
    pub(crate) fn finish(self, db: &dyn Db) -> Result<()> {
        let ids = DEFERRED.with(|d| d.borrow_mut().take()).unwrap_or_default();
        // Newest candidate first: an entry's rowid is -id, so the rowids then ascend and each
        // entry is appended to the index's tables. In the other order every entry went in
        // front of the last one, and page splits left the tables half empty.
        for id in ids.into_iter().rev() {
            index_candidate(db, id)?;
        }
        Ok(())
    }
}

impl Drop for SearchDeferred {
    fn drop(&mut self) {
        DEFERRED.with(|d| *d.borrow_mut() = None);
    }
}

fn index_candidate(db: &dyn Db, id: CandidateId) -> Result<()> {
    let deferred = DEFERRED.with(|d| match d.borrow_mut().as_mut() {
        Some(ids) => {
            ids.insert(id);
            true
        }
        None => false,
    });
    if deferred {
        return Ok(());
    }
    let Some(candidate) = candidates::get(db, id)? else {
        return Ok(());
    };
    db.search_put(&SearchEntry {
        kind: SearchKind::Candidate,
        ref_id: id,
        case_id: None,
        candidate_id: id,
        title: &candidate.fields.legal_name,
        body: &candidate_body(&candidate),
    })?;
    Ok(())
}

// ---- link keys ----

fn phone_key(text: &str) -> Option<String> {
    phone::normalize(text).ok().map(|n| n.e164)
}

pub(crate) fn email_key(text: &str) -> Option<String> {
    email::comparison_key(text).ok()
}

/// The link key of an address and how it is shown (as Publication 28 writes it).
fn address_key(text: &str) -> Option<(String, String)> {
    let view = view_address(text);
    let shown = view.normalized.map(|n| n.normalized).unwrap_or_default();
    view.link_key.map(|k| (k, shown))
}

/// An IP address in the canonical form the store keeps and compares.
pub(crate) fn ip_key(text: &str) -> Option<String> {
    text.trim().parse::<IpAddr>().ok().map(|ip| lists::canonical(ip).to_string())
}

fn key(kind: LinkKind, value: String, role: LinkRole, record: Option<i64>) -> Key {
    Key { kind, display: value.clone(), value, role, record }
}

fn candidate_keys(c: &CandidateFields, out: &mut Vec<Key>) {
    for p in &c.phones {
        out.extend(phone_key(p).map(|v| key(LinkKind::Phone, v, LinkRole::Phone, None)));
    }
    for e in &c.emails {
        out.extend(email_key(e).map(|v| key(LinkKind::Email, v, LinkRole::Email, None)));
    }
    let ip = c.application_ip.as_deref().and_then(ip_key);
    out.extend(ip.map(|v| key(LinkKind::Ip, v, LinkRole::ApplicationIp, None)));
    for (role, text) in
        [(LinkRole::HomeAddress, &c.home_address), (LinkRole::ShippingAddress, &c.shipping_address)]
    {
        if let Some((value, display)) = text.as_deref().and_then(address_key) {
            out.push(Key { kind: LinkKind::Address, value, role, record: None, display });
        }
    }
}

fn case_keys(db: &dyn Db, case_id: CaseId, out: &mut Vec<Key>) -> Result<()> {
    for r in records::of::<Reference>(db, case_id)? {
        let email = r.fields.email.as_deref().and_then(email_key);
        out.extend(email.map(|v| key(LinkKind::Email, v, LinkRole::ReferenceEmail, Some(r.id))));
        let phone = r.fields.phone.as_deref().and_then(phone_key);
        out.extend(phone.map(|v| key(LinkKind::Phone, v, LinkRole::ReferencePhone, Some(r.id))));
    }
    for p in records::of::<PaymentRecord>(db, case_id)? {
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
    for o in records::of::<ObservedIp>(db, case_id)? {
        let ip = ip_key(&o.fields.ip);
        out.extend(ip.map(|v| key(LinkKind::Ip, v, LinkRole::ObservedIp, Some(o.id))));
    }
    Ok(())
}

/// What the derived tables hold of a candidate before their change is applied.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    /// Whatever the tables hold: read it.
    Any,
    /// Nothing: the candidate has just been added.
    New,
}

/// Rewrites every identifier of one candidate from the state tables.
fn index_links(db: &dyn Db, candidate_id: CandidateId) -> Result<()> {
    index_links_of(db, candidate_id, Known::Any)
}

/// `index_links`, told what the tables hold of the candidate already.
fn index_links_of(db: &dyn Db, candidate_id: CandidateId, known: Known) -> Result<()> {
    if known == Known::Any {
        links::remove_candidate(db, candidate_id)?;
    }
    let Some(candidate) = candidates::get(db, candidate_id)? else { return Ok(()) };
    let mut keys = Vec::new();
    candidate_keys(&candidate.fields, &mut keys);
    if known == Known::Any {
        for case in cases::of_candidate(db, candidate_id)? {
            case_keys(db, case.id, &mut keys)?;
        }
    }
    // The same phone written twice on one record is one identifier.
    let mut seen = BTreeSet::new();
    keys.retain(|k| seen.insert((k.kind, k.value.clone(), k.role, k.record)));
    links::insert(db, candidate_id, &keys)
}

// ---- address history ----

/// Appends the candidate's addresses to the history where they differ from the last entry.
fn record_addresses(
    db: &dyn Db,
    candidate_id: CandidateId,
    c: &CandidateFields,
    at: &Timestamp,
) -> Result<()> {
    record_addresses_of(db, candidate_id, c, at, Known::Any)
}

/// `record_addresses`, told what the history holds of the candidate already.
fn record_addresses_of(
    db: &dyn Db,
    candidate_id: CandidateId,
    c: &CandidateFields,
    at: &Timestamp,
    known: Known,
) -> Result<()> {
    for (role, address) in
        [(LinkRole::HomeAddress, &c.home_address), (LinkRole::ShippingAddress, &c.shipping_address)]
    {
        let last = match known {
            Known::Any => links::last_address(db, candidate_id, role)?,
            Known::New => None,
        };
        let changed = match last {
            None => address.is_some(),
            Some(previous) => previous != *address,
        };
        if changed {
            links::insert_address(db, candidate_id, role, address.as_deref(), at)?;
        }
    }
    Ok(())
}

/// Rebuilds the link keys from the state tables and the address history from the candidate
/// changes in the audit log (the only place earlier addresses are kept). Run when a database
/// from before these tables is opened.
pub(crate) fn rebuild_links(db: &dyn Db) -> Result<()> {
    links::clear(db)?;
    for id in candidates::ids(db)? {
        index_links(db, id)?;
    }
    for (at, text) in audit::candidate_changes(db)? {
        match serde_json::from_str(&text)? {
            Change::AddCandidate { id: Some(id), candidate }
            | Change::UpdateCandidate { id, candidate } => {
                record_addresses(db, id, &candidate, &at)?;
            }
            _ => {}
        }
    }
    Ok(())
}
