//! Lookups of one normalised identifier for search: who holds it in `link_keys` (and on which
//! case: a reference's email points at the case citing the reference, not at its owner), which
//! identity documents carry a number, which open anonymising-IP flags name a range label or
//! VPN provider. Plain SQL that every backend runs as written.

use crate::checks::flags::IP_ANONYMISING;
use crate::model::{CandidateId, CaseId};
use crate::store::Result;
use crate::store::db::{Db, params};
use crate::verification::{DocumentKind, LinkKind, LinkRole};

/// Most rows one probe returns; search shows far fewer.
const MAX_ROWS: i64 = 200;

/// How a probe's value is compared with a stored key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyMatch {
    /// The key is the value.
    Exact,
    /// The key ends with the value (the last digits of a phone number).
    Suffix,
    /// The key starts with the value (an address's delivery line, whatever its ZIP code).
    Prefix,
    /// The shown form contains the value (a bank account's last four digits).
    Shown,
}

/// A candidate's identifier that a probe matched.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KeyHit {
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    /// The case the identifier belongs to: the record's case, else the candidate's newest.
    pub case_id: Option<CaseId>,
    pub role: LinkRole,
    pub display: String,
}

pub(crate) fn holders_of(
    db: &dyn Db,
    kind: LinkKind,
    value: &str,
    how: KeyMatch,
) -> Result<Vec<KeyHit>> {
    let condition = match how {
        KeyMatch::Exact => "k.value = ?2".to_string(),
        KeyMatch::Suffix => "substr(k.value, length(k.value) - length(?2) + 1) = ?2".to_string(),
        KeyMatch::Prefix => "substr(k.value, 1, length(?2)) = ?2".to_string(),
        KeyMatch::Shown => db.contains_folded("k.display", "?2"),
    };
    let sql = format!(
        "SELECT k.candidate_id, c.legal_name, k.role, k.display,
                coalesce(
                    (SELECT r.case_id FROM case_references r
                     WHERE k.role IN (?3, ?4) AND r.id = k.record_id),
                    (SELECT p.case_id FROM payment_details p
                     WHERE k.role = ?5 AND p.id = k.record_id),
                    (SELECT o.case_id FROM observed_ips o
                     WHERE k.role = ?6 AND o.id = k.record_id),
                    (SELECT max(x.id) FROM cases x WHERE x.candidate_id = k.candidate_id))
         FROM link_keys k
         JOIN candidates c ON c.id = k.candidate_id
         WHERE k.kind = ?1 AND {condition}
         ORDER BY k.candidate_id, k.role, k.record_id
         LIMIT ?7"
    );
    Ok(db.query_vec(
        &sql,
        params![
            kind,
            value,
            LinkRole::ReferenceEmail,
            LinkRole::ReferencePhone,
            LinkRole::BankAccount,
            LinkRole::ObservedIp,
            MAX_ROWS
        ],
        |r| {
            Ok(KeyHit {
                candidate_id: r.get(0)?,
                candidate_name: r.get(1)?,
                role: r.get(2)?,
                display: r.get(3)?,
                case_id: r.get(4)?,
            })
        },
    )?)
}

/// An identity document whose number matched.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DocumentHit {
    pub document_id: i64,
    pub case_id: CaseId,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub kind: DocumentKind,
    pub number: String,
}

/// Documents whose number, without spaces and dashes and in capitals, is `number`.
pub(crate) fn documents_numbered(db: &dyn Db, number: &str) -> Result<Vec<DocumentHit>> {
    Ok(db.query_vec(
        "SELECT d.id, d.case_id, x.candidate_id, c.legal_name, d.kind, d.number
         FROM identity_documents d
         JOIN cases x ON x.id = d.case_id
         JOIN candidates c ON c.id = x.candidate_id
         WHERE upper(replace(replace(d.number, ' ', ''), '-', '')) = ?1
         ORDER BY d.id
         LIMIT ?2",
        params![number, MAX_ROWS],
        |r| {
            Ok(DocumentHit {
                document_id: r.get(0)?,
                case_id: r.get(1)?,
                candidate_id: r.get(2)?,
                candidate_name: r.get(3)?,
                kind: r.get(4)?,
                number: r.get(5)?,
            })
        },
    )?)
}

/// An open anonymising-IP flag whose facts name what was searched.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RangeHit {
    pub case_id: CaseId,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    /// The flag's subject, `ip:<address>`.
    pub subject: String,
}

/// Open anonymising-IP flags whose facts (the range, its list's label, the named VPN provider)
/// contain `label`.
pub(crate) fn anonymising_ranges_named(db: &dyn Db, label: &str) -> Result<Vec<RangeHit>> {
    let sql = format!(
        "SELECT f.case_id, x.candidate_id, c.legal_name, f.subject
         FROM case_flags f
         JOIN cases x ON x.id = f.case_id
         JOIN candidates c ON c.id = x.candidate_id
         WHERE f.rule = ?1 AND f.cleared_at IS NULL AND {}
         ORDER BY f.case_id, f.subject
         LIMIT ?3",
        db.contains_folded("f.facts", "?2")
    );
    Ok(db.query_vec(&sql, params![IP_ANONYMISING, label, MAX_ROWS], |r| {
        Ok(RangeHit {
            case_id: r.get(0)?,
            candidate_id: r.get(1)?,
            candidate_name: r.get(2)?,
            subject: r.get(3)?,
        })
    })?)
}
