//! The `policy` table: policy values the rules read, written only by a recorded `SetPolicy`.

use serde::Serialize;
use ts_rs::TS;

use crate::change::PolicyKey;
use crate::model::Timestamp;
use crate::store::Result;
use crate::store::db::{Db, params};

/// A policy value in force, and who set it (`None`: the default, never set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PolicyValue {
    pub key: PolicyKey,
    #[ts(type = "number")]
    pub value: u32,
    pub set: Option<PolicySet>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PolicySet {
    pub by: String,
    pub at: Timestamp,
    pub reason: String,
}

/// The value of `key` in force.
pub(crate) fn value(db: &dyn Db, key: PolicyKey) -> Result<u32> {
    let stored: Option<i64> =
        db.query_optional("SELECT value FROM policy WHERE key = ?1", params![key.as_str()], |r| {
            r.get(0)
        })?;
    // A value outside the key's range was never written through the door (verify names the
    // row); the rules keep to the default rather than act on it.
    Ok(stored
        .and_then(|v| u32::try_from(v).ok())
        .filter(|v| key.range().contains(v))
        .unwrap_or_else(|| key.default_value()))
}

/// Every policy key with its value in force.
pub(crate) fn all(db: &dyn Db) -> Result<Vec<PolicyValue>> {
    let mut out = Vec::new();
    for key in PolicyKey::ALL {
        let set = db.query_optional(
            "SELECT set_by, set_at, reason FROM policy WHERE key = ?1",
            params![key.as_str()],
            |r| Ok(PolicySet { by: r.get(0)?, at: r.get(1)?, reason: r.get(2)? }),
        )?;
        out.push(PolicyValue { key: *key, value: value(db, *key)?, set });
    }
    Ok(out)
}

pub(crate) fn put(
    db: &dyn Db,
    key: PolicyKey,
    value: u32,
    reason: &str,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        "INSERT INTO policy (key, value, reason, set_by, set_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, reason = excluded.reason,
             set_by = excluded.set_by, set_at = excluded.set_at",
        params![key.as_str(), i64::from(value), reason, actor, at],
    )?;
    Ok(())
}
