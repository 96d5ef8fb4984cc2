//! Signed checkpoints: a compliance officer or admin records the organisation's signature over
//! the root as it stands in this very transaction. The signature is checked here, so the log
//! never holds a checkpoint that does not verify under its own key; whether that key is the
//! organisation's is for `verify --trusted-key` to say.

use super::not_mine;
use crate::change::Change;
use crate::model::User;
use crate::store::db::Db;
use crate::store::rules::{Action, require};
use crate::store::tables::audit;
use crate::store::{Result, StoreError};

pub(super) fn resolve(db: &dyn Db, user: &User, change: Change) -> Result<Change> {
    let Change::RecordCheckpoint { checkpoint } = change else {
        return Err(not_mine("checkpoint", &change));
    };
    require(user, Action::SignOff, "record signed checkpoints")?;
    let (entries, root) = audit::ledger_tip(db)?;
    if checkpoint.root != root || checkpoint.entries != entries {
        return Err(StoreError::conflict(format!(
            "the checkpoint signs root {} after {} entries, but the store is at {root} after {entries}: sign the current root",
            checkpoint.root, checkpoint.entries
        )));
    }
    checkpoint
        .check(None)
        .map_err(|e| StoreError::invalid(format!("the checkpoint does not verify: {e}")))?;
    Ok(Change::RecordCheckpoint { checkpoint })
}

/// A checkpoint writes no table: it lives in the global chain.
pub(super) fn write(change: &Change) -> Result<()> {
    match change {
        Change::RecordCheckpoint { .. } => Ok(()),
        other => Err(not_mine("checkpoint", other)),
    }
}
