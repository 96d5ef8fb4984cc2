//! What applying a change answers: the change as recorded with its audit record and the flag
//! changes it caused (`Applied`), and the short form a UI shows (`Recorded`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::change::Change;
use crate::model::{AuditRecord, CaseId};
use crate::verification::Severity;

/// What `apply` returns for each change: the change as recorded and its audit record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Applied {
    pub change: Change,
    pub record: AuditRecord,
    /// The same change as recorded in the chains of the cases it concerns (a candidate's
    /// correction, in each of their cases), applied right after it in the same transaction.
    pub cases: Vec<Applied>,
    /// Red flags the change raised or cleared, applied right after it in the same transaction
    /// (each with its own audit record in the case's chain).
    pub flags: Vec<Applied>,
}

/// A red flag a write raised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RaisedFlag {
    pub case_id: CaseId,
    pub rule: String,
    pub severity: Severity,
    pub title: String,
}

/// What a write did, in short: the record it wrote, its place in the audit log, and the red
/// flags the store raised or cleared because of it (on this case or, for a shared identifier,
/// another). The one answer every write gives a UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Recorded {
    /// The id of the record written (new or corrected), when the change is about one.
    pub id: Option<i64>,
    /// The audit record's id in the whole log, and its place in its chain.
    pub audit_id: i64,
    pub seq: i64,
    pub raised: Vec<RaisedFlag>,
    /// Open flags that no longer hold and were cleared.
    pub cleared: u32,
}

impl Applied {
    /// The flags this change raised.
    pub fn raised(&self) -> Vec<RaisedFlag> {
        raised_by(&self.flags)
    }

    /// How many open flags this change cleared.
    pub fn cleared(&self) -> u32 {
        cleared_by(&self.flags)
    }

    /// The short answer for a UI.
    pub fn recorded(&self) -> Recorded {
        Recorded {
            id: self.change.record_id(),
            audit_id: self.record.id,
            seq: self.record.seq,
            raised: self.raised(),
            cleared: self.cleared(),
        }
    }
}

/// The flags raised among some applied flag changes.
pub(crate) fn raised_by(flags: &[Applied]) -> Vec<RaisedFlag> {
    flags
        .iter()
        .filter_map(|a| match &a.change {
            Change::FlagRaised { case_id, flag, .. } => Some(RaisedFlag {
                case_id: *case_id,
                rule: flag.rule.clone(),
                severity: flag.severity,
                title: flag.title.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// How many open flags some applied flag changes cleared.
pub(crate) fn cleared_by(flags: &[Applied]) -> u32 {
    flags.iter().filter(|a| matches!(a.change, Change::FlagCleared { .. })).count() as u32
}

impl Recorded {
    pub fn of(applied: &Applied) -> Recorded {
        applied.recorded()
    }
}
