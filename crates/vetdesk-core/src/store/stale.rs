//! Changes made on a state of a case that someone else has changed since. A client sends the
//! case's chain head as it read it (`BasedOn`); each change says what it rests on (its
//! `Basis`), and it is refused when a record appended to the case's chain after that head
//! touched it. Two reviewers on different items, or a note beside a result, do not refuse each
//! other; a status move rests on the whole case. The basis is a precondition of the write,
//! never part of the change: the audit record is the same with or without it.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::db::{Db, params};
use super::tables::audit;
use super::{Result, StoreError};
use crate::chain::chain_key;
use crate::change::Change;
use crate::model::{CaseId, Chain, Timestamp};

/// The state of a case a client made its change on: the case's chain head as it read it
/// (`CaseDetail::chain_head`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BasedOn {
    pub case_id: CaseId,
    pub head: String,
}

/// What a change made on a read state of a case rests on: what must not have been changed by
/// someone else since, for the change still to apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Basis {
    /// Nothing: it adds (a note, a file, a new verification record) and replaces nothing.
    Nothing,
    /// The result of one checklist item.
    Item(String),
    /// The case's assignee.
    Assignee,
    /// The case's priority.
    Priority,
    /// The case's due date.
    DueDate,
    /// One red flag: its triage, or whether it is still open.
    Flag(i64),
    /// One verification record replaced as a whole (`update_document`, …: its kind and id).
    Record(&'static str, i64),
    /// The whole case: any record since, the client's own included (a status move rests on
    /// every result, flag and note; a change without a narrower rule is judged the same way).
    Case,
}

impl Basis {
    /// The basis of `change` when it is made on a state read earlier.
    pub(crate) fn of(change: &Change) -> Basis {
        match change {
            Change::AddNote { .. }
            | Change::AttachEvidence { .. }
            | Change::RecordDocument { .. }
            | Change::RecordInterview { .. }
            | Change::RecordEVerify { .. }
            | Change::AddReference { .. }
            | Change::RecordPayment { .. }
            | Change::RecordObservedIp { .. }
            | Change::RecordDisclosure { .. } => Basis::Nothing,
            Change::RecordResult { item_id, .. } => Basis::Item(item_id.clone()),
            Change::AssignCase { .. } => Basis::Assignee,
            Change::SetPriority { .. } => Basis::Priority,
            Change::SetDueDate { .. } => Basis::DueDate,
            Change::TriageFlag { flag_id, .. } => Basis::Flag(*flag_id),
            // The kind as the record stores it (`Change::kind`), never spelled again here.
            Change::UpdateDocument { id, .. }
            | Change::UpdateEVerify { id, .. }
            | Change::UpdateReference { id, .. } => Basis::Record(change.kind(), *id),
            _ => Basis::Case,
        }
    }

    /// Whether a record of the case's chain (its change as stored: sealed fields stay sealed,
    /// only kinds and ids are read) touched what this basis rests on. A narrower basis ignores
    /// the acting user's own records: a second key pressed before the page read the first
    /// result back is not someone else's change.
    fn touched_by(&self, change: &Value, own: bool) -> bool {
        let kind = change.get("type").and_then(Value::as_str).unwrap_or("");
        let int = |key: &str| change.get(key).and_then(Value::as_i64);
        match self {
            Basis::Nothing => false,
            Basis::Case => true,
            _ if own => false,
            Basis::Item(item) => {
                kind == "record_result"
                    && change.get("item_id").and_then(Value::as_str) == Some(item.as_str())
            }
            Basis::Assignee => kind == "assign_case",
            Basis::Priority => kind == "set_priority",
            Basis::DueDate => kind == "set_due_date",
            Basis::Flag(flag) => {
                matches!(kind, "triage_flag" | "flag_cleared") && int("flag_id") == Some(*flag)
            }
            Basis::Record(of, id) => kind == *of && int("id") == Some(*id),
        }
    }

    /// What was changed, in the refusal's words.
    fn describe(&self, case_id: CaseId) -> String {
        match self {
            Basis::Nothing | Basis::Case => format!("case {case_id}"),
            Basis::Item(item) => format!("checklist item {item} of case {case_id}"),
            Basis::Assignee => format!("the assignee of case {case_id}"),
            Basis::Priority => format!("the priority of case {case_id}"),
            Basis::DueDate => format!("the due date of case {case_id}"),
            Basis::Flag(flag) => format!("flag {flag} of case {case_id}"),
            Basis::Record(of, id) => {
                let what = of.trim_start_matches("update_").replace("e_verify", "E-Verify case");
                format!("{what} {id} of case {case_id}")
            }
        }
    }
}

/// Refuses `changes` made on `seen` when a record appended to the case's chain since touched
/// what one of them rests on, naming that record's actor and time. Runs inside the write
/// transaction that appends (under SQLite's write lock, after PostgreSQL's advisory lock), so
/// nothing can land between this comparison and the append.
pub(crate) fn check(db: &dyn Db, seen: &BasedOn, actor: &str, changes: &[Change]) -> Result<()> {
    let bases: Vec<Basis> = changes.iter().map(Basis::of).collect();
    if bases.iter().all(|b| *b == Basis::Nothing) {
        return Ok(());
    }
    let chain = Chain::Case(seen.case_id);
    let (_, head) = audit::chain_tip(db, chain)?;
    if head == seen.head {
        return Ok(());
    }
    let key = chain_key(chain);
    let since: Option<i64> = db.query_optional(
        "SELECT seq FROM audit_log WHERE chain = ?1 AND hash = ?2",
        params![key, seen.head],
        |r| r.get(0),
    )?;
    let Some(since) = since else {
        // A head this chain never had: nothing tells what changed since, so everything did.
        return match newest(db, &key)? {
            Some((by, at)) => Err(stale(seen.case_id, &Basis::Case, by, at)),
            None => Err(StoreError::no_case(db, seen.case_id)),
        };
    };
    let mut later: Vec<(String, Timestamp, String)> = Vec::new();
    db.query(
        "SELECT actor, at, change FROM audit_log WHERE chain = ?1 AND seq > ?2 ORDER BY seq DESC",
        params![key, since],
        &mut |r| {
            later.push((r.get(0)?, r.get(1)?, r.get(2)?));
            Ok(())
        },
    )?;
    // Newest first: the refusal names the latest change to what the client's change rests on.
    for (by, at, text) in later {
        let change: Value = serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("a record of {key} is not a change ({e})")))?;
        let own = by == actor;
        if let Some(basis) = bases.iter().find(|b| b.touched_by(&change, own)) {
            return Err(stale(seen.case_id, basis, by, at));
        }
    }
    Ok(())
}

fn stale(case_id: CaseId, basis: &Basis, by: String, at: Timestamp) -> StoreError {
    StoreError::Stale { case_id, what: basis.describe(case_id), by, at }
}

fn newest(db: &dyn Db, key: &str) -> Result<Option<(String, Timestamp)>> {
    Ok(db.query_optional(
        "SELECT actor, at FROM audit_log WHERE chain = ?1 ORDER BY seq DESC LIMIT 1",
        params![key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_basis_is_touched_by_the_records_it_rests_on() {
        let item = Basis::Item("id-two-documents".into());
        let rows: &[(&Basis, Value, bool, bool)] = &[
            (&item, json!({"type": "record_result", "item_id": "id-two-documents"}), false, true),
            (&item, json!({"type": "record_result", "item_id": "id-two-documents"}), true, false),
            (&item, json!({"type": "record_result", "item_id": "e-verify"}), false, false),
            (&item, json!({"type": "add_note", "text": "sealed:v2:1:AA"}), false, false),
            (&Basis::Assignee, json!({"type": "assign_case"}), false, true),
            (&Basis::Assignee, json!({"type": "set_priority"}), false, false),
            (&Basis::Priority, json!({"type": "set_priority"}), false, true),
            (&Basis::DueDate, json!({"type": "set_due_date"}), false, true),
            (&Basis::Flag(3), json!({"type": "flag_cleared", "flag_id": 3}), false, true),
            (&Basis::Flag(3), json!({"type": "triage_flag", "flag_id": 4}), false, false),
            (
                &Basis::Record("update_document", 2),
                json!({"type": "update_document", "id": 2}),
                false,
                true,
            ),
            (&Basis::Case, json!({"type": "add_note"}), true, true),
            (&Basis::Nothing, json!({"type": "set_status"}), false, false),
        ];
        for (basis, change, own, touched) in rows {
            assert_eq!(
                basis.touched_by(change, *own),
                *touched,
                "{basis:?} by {change} (own {own})"
            );
        }
    }

    #[test]
    fn a_correction_rests_on_the_records_of_its_own_kind_and_id() {
        let changes: Vec<Change> = [
            json!({"type": "update_document", "id": 2, "case_id": 1, "document": {"kind": "passport",
                "issuing_country": "USA", "number": "X1", "holder_name": "A B", "birth_date": null,
                "expiry_date": null, "mrz": null, "front_evidence": null, "back_evidence": null,
                "note": null}}),
            json!({"type": "update_e_verify", "id": 2, "case_id": 1, "everify": {"case_number": "1",
                "created_on": "2026-10-01", "status": "needs_more_time", "agency": null,
                "mismatch_on": null, "notice_given_on": null, "decision_recorded_on": null,
                "employee_contests": null, "referred_on": null, "agency_contacted_on": null,
                "continuance_since": null, "followed_up_on": null, "evidence": [], "note": null}}),
            json!({"type": "update_reference", "id": 2, "case_id": 1, "reference": {"name": "A",
                "relationship": "manager", "email": null, "phone": null, "company": null,
                "note": null}}),
        ]
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect();
        assert_eq!(changes.len(), 3, "the three corrections parse");
        for change in &changes {
            let basis = Basis::of(change);
            // The record of the same correction, as the chain stores it.
            let stored = serde_json::to_value(change).unwrap_or_default();
            assert!(basis.touched_by(&stored, false), "{basis:?} by its own kind {stored}");
            let mut other = stored.clone();
            other["id"] = json!(3);
            assert!(!basis.touched_by(&other, false), "{basis:?} by another record {other}");
        }
    }
}
