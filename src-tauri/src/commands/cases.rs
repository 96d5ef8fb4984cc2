//! Cases: the queue, one case whole, its audit trail, and the changes a reviewer makes to it
//! (status, assignee, priority, due date, checklist results, notes). Evidence arrives through
//! `uploads.rs`.

use chrono::NaiveDate;
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use vetdesk_core::change::Change;
use vetdesk_core::model::{
    AuditRecord, CaseId, CaseStatus, Chain, Decision, EvidenceId, ItemResult, Priority,
};
use vetdesk_core::store::{CaseDetail, CaseFilter, CaseSummary, SearchHit, StatusMove};

use super::with_store;
use crate::error::AppError;
use crate::state::AppState;

/// Most search hits returned; the queue shows the cases they belong to.
const MAX_SEARCH_HITS: usize = 2000;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CaseRef {
    pub case_id: CaseId,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct StatusMovesRequest {
    pub actor: String,
    pub case_id: CaseId,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SetStatus {
    pub actor: String,
    pub case_id: CaseId,
    pub status: CaseStatus,
    pub decision: Option<Decision>,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct Assign {
    pub actor: String,
    pub case_id: CaseId,
    pub assignee: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SetPriority {
    pub actor: String,
    pub case_id: CaseId,
    pub priority: Priority,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SetDue {
    pub actor: String,
    pub case_id: CaseId,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RecordResult {
    pub actor: String,
    pub case_id: CaseId,
    pub item_id: String,
    pub result: ItemResult,
    pub note: Option<String>,
    pub evidence: Vec<EvidenceId>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NoteAdd {
    pub actor: String,
    pub case_id: CaseId,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SearchRequest {
    pub query: String,
}

#[tauri::command]
pub async fn cases_list(
    state: State<'_, AppState>,
    request: CaseFilter,
) -> Result<Vec<CaseSummary>, AppError> {
    with_store(&state.store, move |s| Ok(s.cases(&request)?)).await
}

#[tauri::command]
pub async fn case_get(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<CaseDetail, AppError> {
    with_store(&state.store, move |s| Ok(s.case_detail(request.case_id)?)).await
}

#[tauri::command]
pub async fn case_audit(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<Vec<AuditRecord>, AppError> {
    with_store(&state.store, move |s| {
        // The case first, so that an unknown id says so instead of showing an empty trail.
        s.case(request.case_id)?;
        Ok(s.audit(Chain::Case(request.case_id))?)
    })
    .await
}

#[tauri::command]
pub async fn case_status_moves(
    state: State<'_, AppState>,
    request: StatusMovesRequest,
) -> Result<Vec<StatusMove>, AppError> {
    with_store(&state.store, move |s| Ok(s.status_moves(request.case_id, &request.actor)?)).await
}

/// Applies one change as `actor` and returns its audit record.
async fn apply(state: &AppState, actor: String, change: Change) -> Result<AuditRecord, AppError> {
    with_store(&state.store, move |s| Ok(s.apply(&actor, change)?.record)).await
}

#[tauri::command]
pub async fn case_set_status(
    state: State<'_, AppState>,
    request: SetStatus,
) -> Result<AuditRecord, AppError> {
    let SetStatus { actor, case_id, status, decision, reason } = request;
    apply(&state, actor, Change::SetStatus { case_id, status, decision, reason }).await
}

#[tauri::command]
pub async fn case_assign(
    state: State<'_, AppState>,
    request: Assign,
) -> Result<AuditRecord, AppError> {
    let Assign { actor, case_id, assignee } = request;
    apply(&state, actor, Change::AssignCase { case_id, assignee }).await
}

#[tauri::command]
pub async fn case_set_priority(
    state: State<'_, AppState>,
    request: SetPriority,
) -> Result<AuditRecord, AppError> {
    let SetPriority { actor, case_id, priority } = request;
    apply(&state, actor, Change::SetPriority { case_id, priority }).await
}

#[tauri::command]
pub async fn case_set_due(
    state: State<'_, AppState>,
    request: SetDue,
) -> Result<AuditRecord, AppError> {
    let SetDue { actor, case_id, due_on } = request;
    apply(&state, actor, Change::SetDueDate { case_id, due_on }).await
}

#[tauri::command]
pub async fn check_record(
    state: State<'_, AppState>,
    request: RecordResult,
) -> Result<AuditRecord, AppError> {
    let RecordResult { actor, case_id, item_id, result, note, evidence } = request;
    apply(&state, actor, Change::RecordResult { case_id, item_id, result, note, evidence }).await
}

#[tauri::command]
pub async fn note_add(
    state: State<'_, AppState>,
    request: NoteAdd,
) -> Result<AuditRecord, AppError> {
    let NoteAdd { actor, case_id, text } = request;
    apply(&state, actor, Change::AddNote { id: None, case_id, text }).await
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    request: SearchRequest,
) -> Result<Vec<SearchHit>, AppError> {
    with_store(&state.store, move |s| Ok(s.search(&request.query, MAX_SEARCH_HITS)?)).await
}
