//! The one write command for case changes: the page sends the same typed `Change` the core
//! applies, the acting user is the session's, and the answer is the audit record with the red
//! flags the change raised or cleared. Changes with their own door are refused here: evidence
//! (its bytes arrive as an upload), payment details (the store masks the typed numbers) and
//! indicator lists (their rows come from an uploaded file).

use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::change::Change;
use vetdesk_core::model::{AuditRecord, CaseId, Chain};
use vetdesk_core::store::Applied;
use vetdesk_core::verification::Severity;

use crate::error::AppError;
use crate::state::AppState;

/// A red flag a write raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RaisedFlag {
    pub case_id: CaseId,
    pub rule: String,
    pub severity: Severity,
    pub title: String,
}

/// What a write did: the id of what it wrote, its audit record, and the red flags the store
/// raised or cleared because of it (on this case or, for a shared identifier, another).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Recorded {
    /// The id of the record written (new or corrected), when the change is about one.
    pub id: Option<i64>,
    pub record: AuditRecord,
    pub raised: Vec<RaisedFlag>,
    /// Open flags that no longer hold and were cleared.
    pub cleared: u32,
}

impl Recorded {
    pub fn of(applied: &Applied) -> Self {
        let mut raised = Vec::new();
        let mut cleared = 0;
        for flag in &applied.flags {
            match &flag.change {
                Change::FlagRaised { case_id, flag, .. } => raised.push(RaisedFlag {
                    case_id: *case_id,
                    rule: flag.rule.clone(),
                    severity: flag.severity,
                    title: flag.title.clone(),
                }),
                Change::FlagCleared { .. } => cleared += 1,
                _ => {}
            }
        }
        Self { id: applied.change.record_id(), record: applied.record.clone(), raised, cleared }
    }
}

/// Applies `change` as `actor` and says what it did; refuses the changes that have their own
/// command.
pub fn record(store: &Store, actor: &str, change: Change) -> Result<Recorded, AppError> {
    let own_door = match &change {
        Change::AttachEvidence { .. } => Some("evidence is added by uploading its file"),
        Change::RecordPayment { .. } => {
            Some("payment details are recorded from the typed numbers (payment_record)")
        }
        Change::ImportIpList { .. } => Some("an indicator list is imported from its file"),
        _ => None,
    };
    if let Some(why) = own_door {
        return Err(AppError::invalid(format!("{} is not applied directly: {why}", change.kind())));
    }
    let applied = store.apply(actor, change)?;
    Ok(Recorded::of(&applied))
}

/// Several changes to one case, applied together: all of them or none (an escalation is the
/// status move and the assignment to its investigator).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ChangeBatch {
    pub case_id: CaseId,
    pub changes: Vec<Change>,
    /// The case's chain head as the page read it (`CaseDetail.chain_head`): when given, the
    /// batch is refused with the `stale` code if someone else changed since what one of its
    /// changes rests on (a result: its item; the assignee, priority or due date: that field; a
    /// status move: anything; a note: nothing).
    #[serde(default)]
    #[ts(optional)]
    pub based_on: Option<String>,
}

/// Applies the changes of `batch` as `actor` in one transaction; refuses an empty batch, a
/// change to anything but the batch's case, and the changes that have their own command.
pub fn record_all(
    store: &Store,
    actor: &str,
    batch: ChangeBatch,
) -> Result<Vec<Recorded>, AppError> {
    if batch.changes.is_empty() {
        return Err(AppError::invalid("no changes to apply"));
    }
    for change in &batch.changes {
        if change.chain() != Chain::Case(batch.case_id) {
            return Err(AppError::invalid(format!(
                "{} is not a change to case {}; a batch changes one case",
                change.kind(),
                batch.case_id
            )));
        }
        if let Change::AttachEvidence { .. } | Change::RecordPayment { .. } = change {
            return Err(AppError::invalid(format!(
                "{} is not applied directly; it has its own command",
                change.kind()
            )));
        }
    }
    let based_on =
        batch.based_on.map(|head| vetdesk_core::store::BasedOn { case_id: batch.case_id, head });
    let applied = store.apply_all_based_on(actor, batch.changes, based_on.as_ref())?;
    Ok(applied.iter().map(Recorded::of).collect())
}

/// Records one change to a case (or to users, vendors, lists) as the acting user.
#[tauri::command]
pub async fn apply(state: State<'_, AppState>, request: Change) -> Result<Recorded, AppError> {
    state.write(move |store, actor| record(store, actor, request)).await
}

/// Records several changes to one case at once, all or nothing, as the acting user.
#[tauri::command]
pub async fn apply_all(
    state: State<'_, AppState>,
    request: ChangeBatch,
) -> Result<Vec<Recorded>, AppError> {
    state.write(move |store, actor| record_all(store, actor, request)).await
}
