//! Exports: the case report, the audit pack, the portfolio, checking an uploaded pack, and
//! "Show in folder". Each command hands its request to the job engine in `crate::exports` on the
//! blocking pool; the acting user is the session's.

use std::sync::Arc;

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use crate::error::AppError;
use crate::exports::{
    CaseExport, ExportFolder, ExportOutcome, Exports, PackChecked, PortfolioExport, Revealed,
    reveal,
};
use crate::state::AppState;
use crate::uploads::SpoolUpload;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct JobRef {
    pub job: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ExportedRef {
    pub file_id: String,
}

/// Check the audit pack uploaded under `token`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct PackCheckRequest {
    pub token: String,
    pub job: String,
}

/// Runs `f` on the blocking pool: exports read the store and write files for seconds.
async fn blocking<T, F>(exports: &State<'_, Arc<Exports>>, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Exports) -> Result<T, AppError> + Send + 'static,
{
    let exports = Arc::clone(exports);
    tauri::async_runtime::spawn_blocking(move || f(&exports))
        .await
        .map_err(AppError::task_failed)?
}

#[tauri::command]
pub async fn export_folder(exports: State<'_, Arc<Exports>>) -> Result<ExportFolder, AppError> {
    Ok(ExportFolder { folder: exports.folder().current().display().to_string() })
}

#[tauri::command]
pub async fn export_case_report(
    state: State<'_, AppState>,
    exports: State<'_, Arc<Exports>>,
    request: CaseExport,
) -> Result<ExportOutcome, AppError> {
    let actor = state.session.actor()?;
    blocking(&exports, move |e| e.case_report(&actor, &request)).await
}

#[tauri::command]
pub async fn export_case_pack(
    state: State<'_, AppState>,
    exports: State<'_, Arc<Exports>>,
    request: CaseExport,
) -> Result<ExportOutcome, AppError> {
    let actor = state.session.actor()?;
    blocking(&exports, move |e| e.case_pack(&actor, &request)).await
}

#[tauri::command]
pub async fn export_portfolio(
    state: State<'_, AppState>,
    exports: State<'_, Arc<Exports>>,
    request: PortfolioExport,
) -> Result<ExportOutcome, AppError> {
    let actor = state.session.actor()?;
    blocking(&exports, move |e| e.portfolio(&actor, &request)).await
}

#[tauri::command]
pub async fn export_cancel(
    exports: State<'_, Arc<Exports>>,
    request: JobRef,
) -> Result<bool, AppError> {
    Ok(exports.cancel(&request.job))
}

#[tauri::command]
pub async fn export_reveal(
    exports: State<'_, Arc<Exports>>,
    request: ExportedRef,
) -> Result<Revealed, AppError> {
    blocking(&exports, move |e| reveal::reveal_file(e, &request.file_id)).await
}

#[tauri::command]
pub async fn upload_begin_pack(
    state: State<'_, AppState>,
    request: SpoolUpload,
) -> Result<String, AppError> {
    state.uploads.begin_spool(request)
}

#[tauri::command]
pub async fn pack_check(
    state: State<'_, AppState>,
    exports: State<'_, Arc<Exports>>,
    request: PackCheckRequest,
) -> Result<PackChecked, AppError> {
    let spool = state.uploads.finish_spool(&request.token).await?;
    blocking(&exports, move |e| e.check_pack(&request.job, spool)).await
}
