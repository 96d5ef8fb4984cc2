//! The FCRA adverse-action steps (`store::adverse` holds their rules): given by those who may
//! decide a case, recorded in its chain; they write no table.

use super::not_mine;
use crate::change::Change;
use crate::model::{Timestamp, User};
use crate::store::Result;
use crate::store::db::Db;
use crate::store::rules::{Action, require};

pub(super) fn resolve(db: &dyn Db, user: &User, at: &Timestamp, change: Change) -> Result<Change> {
    require(user, Action::Decide, "give FCRA adverse-action notices")?;
    crate::store::adverse::resolve(db, at, change)
}

pub(super) fn write(_db: &dyn Db, _at: &Timestamp, change: &Change) -> Result<()> {
    match change {
        // The chain is the record; `store::adverse::state` reads it back.
        Change::RecordPreAdverseNotice { .. } | Change::RecordAdverseNotice { .. } => Ok(()),
        other => Err(not_mine("adverse-action", other)),
    }
}
