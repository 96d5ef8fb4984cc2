//! Cases: the queue, one case whole, its audit trail, the status moves the acting user may make,
//! and search. Changes to a case go through `apply` (`commands::changes`); evidence arrives
//! through the upload sessions.

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use vetdesk_core::model::{AuditRecord, CaseId, Chain};
use vetdesk_core::store::{
    CaseDetail, CaseRetention, ItemOptions, QueuePage, QueueQuery, SearchHit, StatusMove,
};

use crate::error::AppError;
use crate::state::AppState;

/// Most search hits returned; the queue shows the cases they belong to.
const MAX_SEARCH_HITS: usize = 2000;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CaseRef {
    pub case_id: CaseId,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SearchRequest {
    pub query: String,
}

/// One page of the queue's current view, with the view's size and its counts per status: the
/// queue never asks for every case at once.
#[tauri::command]
pub async fn queue_page(
    state: State<'_, AppState>,
    request: QueueQuery,
) -> Result<QueuePage, AppError> {
    state.read(move |s| Ok(s.queue_page(&request)?)).await
}

#[tauri::command]
pub async fn case_get(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<CaseDetail, AppError> {
    state.read(move |s| Ok(s.case_detail(request.case_id)?)).await
}

#[tauri::command]
pub async fn case_audit(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<Vec<AuditRecord>, AppError> {
    state
        .read(move |s| {
            // The case first, so that an unknown id says so instead of showing an empty trail.
            s.case(request.case_id)?;
            Ok(s.audit(Chain::Case(request.case_id))?)
        })
        .await
}

/// The status moves of a case, each with why the acting user may not make it, if they may not.
#[tauri::command]
pub async fn case_status_moves(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<Vec<StatusMove>, AppError> {
    let actor = state.session.actor()?;
    state.read(move |s| Ok(s.status_moves(request.case_id, &actor)?)).await
}

/// Where the case's person stands under the retention rules: the case's legal hold, the rule
/// keeping their records, its due day and source.
#[tauri::command]
pub async fn case_retention(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<CaseRetention, AppError> {
    state.read(move |s| Ok(s.case_retention(request.case_id)?)).await
}

/// The results each checklist item of a case could take now as the acting user records them,
/// each with the store's reason when it would refuse it.
#[tauri::command]
pub async fn case_result_options(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<Vec<ItemOptions>, AppError> {
    let actor = state.session.actor()?;
    state.read(move |s| Ok(s.result_options(request.case_id, &actor)?)).await
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    request: SearchRequest,
) -> Result<Vec<SearchHit>, AppError> {
    state.read(move |s| Ok(s.search(&request.query, MAX_SEARCH_HITS)?)).await
}
