//! Policy values (compliance officers and admins, with a reason): the values the rules read,
//! recorded in the global chain so that a change of policy shows with who and why.

use super::{not_mine, refused};
use crate::change::Change;
use crate::model::{Field, Timestamp, User};
use crate::store::Result;
use crate::store::db::Db;
use crate::store::rules::{Action, MAX_FIELD, require, required};
use crate::store::tables::policy;

pub(super) fn resolve(db: &dyn Db, user: &User, change: Change) -> Result<Change> {
    let Change::SetPolicy { key, value, reason } = change else {
        return Err(not_mine("policy", &change));
    };
    require(user, Action::SetPolicy, "set policy values")?;
    let range = key.range();
    if !range.contains(&value) {
        return Err(refused(
            Field::Value,
            format!("{key} must be between {} and {}, not {value}", range.start(), range.end()),
        ));
    }
    let reason = required(Field::Reason, "reason", &reason, MAX_FIELD)?;
    if policy::value(db, key)? == value {
        return Err(refused(Field::Value, format!("{key} is already {value}; nothing to change")));
    }
    Ok(Change::SetPolicy { key, value, reason })
}

pub(super) fn write(db: &dyn Db, at: &Timestamp, actor: &str, change: &Change) -> Result<()> {
    match change {
        Change::SetPolicy { key, value, reason } => {
            policy::put(db, *key, *value, reason, actor, at)
        }
        other => Err(not_mine("policy", other)),
    }
}
