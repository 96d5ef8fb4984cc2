//! The FCRA adverse-action steps (`tables::adverse` reads them back): given by those who may
//! decide a case, recorded in its chain; they write no table.

use super::not_mine;
use crate::change::{Change, ReportingAgency};
use crate::model::{CaseId, CaseStatus, EvidenceId, Field, Timestamp, User};
use crate::store::db::Db;
use crate::store::rules::{Action, require};
use crate::store::tables::adverse::{AdverseAction, pre_notice_dates, state};
use crate::store::{Result, StoreError};

pub(super) fn resolve_step(
    db: &dyn Db,
    user: &User,
    at: &Timestamp,
    change: Change,
) -> Result<Change> {
    require(user, Action::Decide, "give FCRA adverse-action notices")?;
    resolve(db, at, change)
}

pub(super) fn write(_db: &dyn Db, _at: &Timestamp, change: &Change) -> Result<()> {
    match change {
        // The chain is the record; `tables::adverse::state` reads it back.
        Change::RecordPreAdverseNotice { .. } | Change::RecordAdverseNotice { .. } => Ok(()),
        other => Err(not_mine("adverse-action", other)),
    }
}

/// Refusals of a pre-adverse notice on this case now.
pub(crate) fn check_pre_notice(db: &dyn Db, case_id: CaseId, at: &Timestamp) -> Result<()> {
    let case = crate::store::rules::open_case(db, case_id)?;
    if case.status == CaseStatus::Decided {
        return Err(StoreError::conflict(format!(
            "case {case_id} is already decided: a pre-adverse-action notice comes before the decision"
        )));
    }
    if let Some(p) = state(db, case_id, at.date())?.pre_notice {
        return Err(StoreError::conflict(format!(
            "case {case_id} already has a pre-adverse-action notice (given on {})",
            p.sent_on
        )));
    }
    Ok(())
}

/// Refusals of an adverse-action notice on this case now; answers the steps so far.
pub(crate) fn check_notice(db: &dyn Db, case_id: CaseId, at: &Timestamp) -> Result<AdverseAction> {
    crate::store::rules::open_case(db, case_id)?;
    let state = state(db, case_id, at.date())?;
    let Some(pre) = &state.pre_notice else {
        return Err(StoreError::conflict(format!(
            "case {case_id} has no pre-adverse-action notice: the adverse-action notice comes after it, the waiting period and the decision (vetdesk adverse-action pre-notice {case_id} …)"
        )));
    };
    if at.date() < pre.decide_from {
        return Err(StoreError::conflict(format!(
            "case {case_id}: the waiting period after the pre-adverse-action notice runs to {}; no adverse-action notice before {}",
            pre.wait_ends_on, pre.decide_from
        )));
    }
    if state.decided_on.is_none() {
        return Err(StoreError::conflict(format!(
            "case {case_id} is not decided on the background report: decide it rejected citing the report first (vetdesk case status {case_id} rejected --cite background_report …)"
        )));
    }
    if let Some(n) = &state.notice {
        return Err(StoreError::conflict(format!(
            "case {case_id} already has an adverse-action notice (given on {})",
            n.sent_on
        )));
    }
    Ok(state)
}

/// Checks and fills in a recorded step.
pub(crate) fn resolve(db: &dyn Db, at: &Timestamp, change: Change) -> Result<Change> {
    match change {
        Change::RecordPreAdverseNotice {
            case_id,
            agency,
            report,
            summary_of_rights,
            notice,
            sent_on,
            wait_days,
            wait_ends_on,
        } => {
            check_pre_notice(db, case_id, at)?;
            let agency = check_agency(agency)?;
            for id in [report, summary_of_rights, notice] {
                check_evidence_of(db, case_id, id)?;
            }
            let (today, days, ends) = pre_notice_dates(db, at)?;
            if (sent_on, wait_days, wait_ends_on) != (today, days, ends) {
                return Err(StoreError::conflict(format!(
                    "the notice gives {sent_on} and a wait of {wait_days} business days to {wait_ends_on}, but today is {today} and the wait is {days} business days to {ends}: make the notice again"
                )));
            }
            Ok(Change::RecordPreAdverseNotice {
                case_id,
                agency,
                report,
                summary_of_rights,
                notice,
                sent_on,
                wait_days,
                wait_ends_on,
            })
        }
        Change::RecordAdverseNotice { case_id, notice, sent_on } => {
            check_notice(db, case_id, at)?;
            check_evidence_of(db, case_id, notice)?;
            if sent_on != at.date() {
                return Err(StoreError::conflict(format!(
                    "the notice is dated {sent_on}, but today is {}: make the notice again",
                    at.date()
                )));
            }
            Ok(Change::RecordAdverseNotice { case_id, notice, sent_on })
        }
        other => {
            Err(StoreError::Corrupt(format!("{} is not an adverse-action change", other.kind())))
        }
    }
}

fn check_evidence_of(db: &dyn Db, case_id: CaseId, id: EvidenceId) -> Result<()> {
    match crate::store::tables::evidence::case_of(db, id)? {
        Some(c) if c == case_id => Ok(()),
        Some(c) => Err(StoreError::invalid(format!(
            "evidence {id} belongs to case {c}, not case {case_id}"
        ))
        .at(Field::Evidence)),
        None => Err(StoreError::not_found("evidence", id).at(Field::Evidence)),
    }
}

const MAX_AGENCY_FIELD: usize = 500;

/// The agency's name, address and phone: each needed, one line or a short address.
pub fn check_agency(agency: ReportingAgency) -> Result<ReportingAgency> {
    let field = |label: &str, value: &str, at: Field| -> Result<String> {
        let v = value.trim();
        if v.is_empty() {
            return Err(StoreError::invalid(format!(
                "the consumer reporting agency's {label} is needed: the adverse-action notice must give it"
            ))
            .at(at));
        }
        if v.chars().count() > MAX_AGENCY_FIELD || v.chars().any(|c| c.is_control() && c != '\n') {
            return Err(StoreError::invalid(format!(
                "the agency's {label} is longer than {MAX_AGENCY_FIELD} characters or holds control characters"
            ))
            .at(at));
        }
        Ok(v.to_string())
    };
    Ok(ReportingAgency {
        name: field("name", &agency.name, Field::Agency)?,
        address: field("address", &agency.address, Field::Agency)?,
        phone: field("phone number", &agency.phone, Field::Phone)?,
    })
}
