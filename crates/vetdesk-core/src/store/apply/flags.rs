//! Red flags, raised and cleared by the store itself right after the change whose facts moved
//! (see `engine`), never accepted from a caller; and triaged by a person, a change of its own.

use super::{missing_id, not_mine};
use crate::change::Change;
use crate::model::{Field, Timestamp, User};
use crate::store::db::Db;
use crate::store::rules::{self, Action, MAX_TEXT, open_case, optional};
use crate::store::tables::records;
use crate::store::{Result, StoreError};
use crate::verification::{Flag, FlagFields, Triage, rule_actor};

pub(super) fn resolve(db: &dyn Db, user: &User, change: Change) -> Result<Change> {
    Ok(match change {
        Change::FlagRaised { case_id, flag, .. } => {
            Change::FlagRaised { id: Some(records::next_id::<Flag>(db)?), case_id, flag }
        }
        Change::FlagCleared { case_id, flag_id, reason } => {
            match records::get::<Flag>(db, flag_id)? {
                Some(f) if f.case_id == case_id && f.cleared_at.is_none() => {}
                _ => return Err(StoreError::not_found("open flag of this case", flag_id)),
            }
            Change::FlagCleared { case_id, flag_id, reason }
        }
        Change::TriageFlag { case_id, flag_id, triage, reason } => {
            open_case(db, case_id)?;
            rules::require(user, Action::Triage, "triage a red flag")?;
            let flag = match records::get::<Flag>(db, flag_id)? {
                Some(f) if f.case_id == case_id && f.cleared_at.is_none() => f,
                _ => return Err(StoreError::not_found("open flag of this case", flag_id)),
            };
            let reason = optional(Field::Reason, "reason", reason.as_deref(), MAX_TEXT)?;
            if triage == Triage::FalsePositive && reason.is_none() {
                return Err(StoreError::invalid(format!(
                    "flag {flag_id} can be marked a false positive only with a reason"
                ))
                .at(Field::Reason));
            }
            if flag.triage == Some(triage) && flag.triage_reason == reason {
                return Err(StoreError::conflict(format!(
                    "flag {flag_id} is already triaged as {triage}"
                )));
            }
            Change::TriageFlag { case_id, flag_id, triage, reason }
        }
        other => return Err(not_mine("flag", &other)),
    })
}

pub(super) fn write(db: &dyn Db, at: &Timestamp, actor: &str, change: &Change) -> Result<()> {
    match change {
        Change::FlagRaised { id, case_id, flag } => records::insert(
            db,
            &Flag {
                id: id.ok_or_else(|| missing_id(change))?,
                case_id: *case_id,
                fields: FlagFields::clone(flag),
                raised_at: *at,
                raised_by: rule_actor(&flag.rule),
                cleared_at: None,
                cleared_by: None,
                cleared_reason: None,
                triage: None,
                triage_reason: None,
                triaged_by: None,
                triaged_at: None,
            },
        ),
        Change::FlagCleared { flag_id, reason, .. } => {
            let rule = records::get::<Flag>(db, *flag_id)?
                .map(|f| f.fields.rule)
                .ok_or_else(|| StoreError::not_found("flag", *flag_id))?;
            records::clear_flag(db, *flag_id, reason, &rule_actor(&rule), at)
        }
        Change::TriageFlag { flag_id, triage, reason, .. } => {
            records::triage_flag(db, *flag_id, *triage, reason.as_deref(), actor, at)
        }
        other => Err(not_mine("flag", other)),
    }
}
