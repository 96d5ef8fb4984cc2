//! Red flags, raised and cleared by the store itself right after the change whose facts moved
//! (see `engine`); never accepted from a caller.

use super::{missing_id, not_mine};
use crate::change::Change;
use crate::model::Timestamp;
use crate::store::db::Db;
use crate::store::tables::records;
use crate::store::{Result, StoreError};
use crate::verification::{Flag, FlagFields};

pub(super) fn resolve(db: &dyn Db, change: Change) -> Result<Change> {
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
                raised_by: actor.to_string(),
                cleared_at: None,
                cleared_by: None,
                cleared_reason: None,
            },
        ),
        Change::FlagCleared { flag_id, reason, .. } => {
            records::clear_flag(db, *flag_id, reason, actor, at)
        }
        other => Err(not_mine("flag", other)),
    }
}
