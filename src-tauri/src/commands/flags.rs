//! Red flags and links between candidates: what the verification rules found on a case, its
//! risk score, and the other candidates sharing an identifier with its candidate.

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use vetdesk_core::model::CaseId;
use vetdesk_core::verification::{CaseFlags, Link};

use super::with_store;
use crate::commands::cases::CaseRef;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct FlagsRefresh {
    pub actor: String,
    pub case_id: CaseId,
}

#[tauri::command]
pub async fn case_flags(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<CaseFlags, AppError> {
    with_store(&state.store, move |s| Ok(s.flags(request.case_id)?)).await
}

#[tauri::command]
pub async fn case_links(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<Vec<Link>, AppError> {
    with_store(&state.store, move |s| Ok(s.links(request.case_id)?)).await
}

/// Evaluates the rules again for today (an expiry or a deadline may have come due since the
/// last change) and records what changed; returns how many flags were raised or cleared.
#[tauri::command]
pub async fn flags_refresh(
    state: State<'_, AppState>,
    request: FlagsRefresh,
) -> Result<u32, AppError> {
    with_store(&state.store, move |s| {
        let applied = s.refresh_flags(&request.actor, Some(request.case_id))?;
        Ok(u32::try_from(applied.len()).unwrap_or(u32::MAX))
    })
    .await
}
