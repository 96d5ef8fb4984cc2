//! Candidates: the rules every way in (form, CLI, CSV import) shares, and their writes.

use super::{missing_id, not_mine};
use crate::change::Change;
use crate::model::{CandidateFields, CaseStatus, Field, Timestamp};
use crate::store::db::Db;
use crate::store::rules;
use crate::store::tables::{candidates, cases, next_id, vendors};
use crate::store::{Result, StoreError};

/// Validates and tidies candidate fields; the first problem found is the refusal.
pub(crate) fn check_candidate(
    db: &dyn Db,
    c: &CandidateFields,
    at: &Timestamp,
    own_id: Option<i64>,
) -> Result<CandidateFields> {
    let (fields, problems) = rules::tidy_candidate(c, at);
    if let Some(first) = problems.into_iter().next() {
        return Err(first);
    }
    if let Some(problem) = candidate_conflicts(db, &fields, own_id)?.into_iter().next() {
        return Err(problem);
    }
    Ok(fields)
}

/// What the database says against candidate fields: an unknown vendor, an external id that
/// belongs to someone else.
pub(crate) fn candidate_conflicts(
    db: &dyn Db,
    fields: &CandidateFields,
    own_id: Option<i64>,
) -> Result<Vec<StoreError>> {
    let mut problems = Vec::new();
    if let Some(vendor) = fields.vendor_id
        && vendors::get(db, vendor)?.is_none()
    {
        problems.push(StoreError::not_found("vendor", vendor).at(Field::VendorId));
    }
    if let Some(external_id) = &fields.external_id
        && let Some(existing) = candidates::by_external_id(db, external_id)?
        && Some(existing.id) != own_id
    {
        problems.push(
            StoreError::conflict(format!(
                "external id {external_id:?} already belongs to candidate {}",
                existing.id
            ))
            .at(Field::ExternalId),
        );
    }
    Ok(problems)
}

pub(super) fn resolve(db: &dyn Db, at: &Timestamp, change: Change) -> Result<Change> {
    Ok(match change {
        Change::AddCandidate { candidate, .. } => {
            let candidate = check_candidate(db, &candidate, at, None)?;
            Change::AddCandidate { id: Some(next_id(db, "candidates")?), candidate }
        }
        Change::UpdateCandidate { id, candidate } => {
            let current =
                candidates::get(db, id)?.ok_or_else(|| StoreError::not_found("candidate", id))?;
            let candidate = check_candidate(db, &candidate, at, Some(id))?;
            if candidate == current.fields {
                return Err(StoreError::conflict(format!("candidate {id}: nothing to change")));
            }
            // A decision rests on the identity it was made about: once a case is decided, the
            // person it cleared or rejected cannot be rewritten under it until it is reopened.
            if let Some(case) = cases::of_candidate(db, id)?
                .into_iter()
                .find(|c| matches!(c.status, CaseStatus::Decided | CaseStatus::Closed))
            {
                let field = current.fields.changes(&candidate).first().map(|c| c.field);
                let refusal = StoreError::conflict(format!(
                    "candidate {id}: case {} is {}; its details cannot change under a decision \
                     until the case is reopened",
                    case.id, case.status
                ));
                return Err(match field {
                    Some(field) => refusal.at(field),
                    None => refusal,
                });
            }
            Change::UpdateCandidate { id, candidate }
        }
        Change::CandidateChanged { case_id, candidate_id, changes } => {
            Change::CandidateChanged { case_id, candidate_id, changes }
        }
        other => return Err(not_mine("candidate", &other)),
    })
}

pub(super) fn write(db: &dyn Db, at: &Timestamp, change: &Change) -> Result<()> {
    match change {
        Change::AddCandidate { id, candidate } => {
            candidates::insert(db, id.ok_or_else(|| missing_id(change))?, candidate, at)
        }
        Change::UpdateCandidate { id, candidate } => candidates::update(db, *id, candidate, at),
        // The record in the case's chain; the candidate row was written by the update.
        Change::CandidateChanged { .. } => Ok(()),
        other => Err(not_mine("candidate", other)),
    }
}

/// For a candidate's update (resolved, not yet written): the same change for the chain of each
/// of their cases, with the fields it changes.
pub(super) fn case_records(db: &dyn Db, change: &Change) -> Result<Vec<Change>> {
    let Change::UpdateCandidate { id, candidate } = change else { return Ok(Vec::new()) };
    let Some(current) = candidates::get(db, *id)? else { return Ok(Vec::new()) };
    let changes = current.fields.changes(candidate);
    Ok(cases::of_candidate(db, *id)?
        .into_iter()
        .map(|c| Change::CandidateChanged {
            case_id: c.id,
            candidate_id: *id,
            changes: changes.clone(),
        })
        .collect())
}
