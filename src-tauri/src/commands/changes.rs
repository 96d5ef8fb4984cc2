//! The one write command for case changes: the page sends the same typed `Change` the core
//! applies, the acting user is the session's, and the answer is the audit record with the red
//! flags the change raised or cleared. Changes with their own door are refused here: evidence
//! (its bytes arrive as an upload), payment details (the store masks the typed numbers) and
//! indicator lists (their rows come from an uploaded file).

use serde::Serialize;
use tauri::State;
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::change::Change;
use vetdesk_core::model::{AuditRecord, CaseId};
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

/// Records one change to a case (or to users, vendors, lists) as the acting user.
#[tauri::command]
pub async fn apply(state: State<'_, AppState>, request: Change) -> Result<Recorded, AppError> {
    state.write(move |store, actor| record(store, actor, request)).await
}
