//! Red flags and links between candidates: what the verification rules found on a case, its
//! risk score, and the other candidates sharing an identifier with its candidate.

use tauri::State;
use vetdesk_core::verification::{CaseFlags, Cluster, Link};

use crate::commands::cases::CaseRef;
use crate::error::AppError;
use crate::state::AppState;

#[tauri::command]
pub async fn case_flags(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<CaseFlags, AppError> {
    state.read(move |s| Ok(s.flags(request.case_id)?)).await
}

#[tauri::command]
pub async fn case_links(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<Vec<Link>, AppError> {
    state.read(move |s| Ok(s.links(request.case_id)?)).await
}

/// Everyone joined to the case's candidate by shared identifiers, directly or through others.
#[tauri::command]
pub async fn case_cluster(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<Cluster, AppError> {
    state.read(move |s| Ok(s.cluster(request.case_id)?)).await
}

/// Evaluates the rules again for today (an expiry or a deadline may have come due since the
/// last change) and records what changed; returns how many flags were raised or cleared.
#[tauri::command]
pub async fn flags_refresh(state: State<'_, AppState>, request: CaseRef) -> Result<u32, AppError> {
    state
        .write(move |s, actor| {
            let applied = s.refresh_flags(actor, Some(request.case_id))?;
            Ok(u32::try_from(applied.len()).unwrap_or(u32::MAX))
        })
        .await
}
