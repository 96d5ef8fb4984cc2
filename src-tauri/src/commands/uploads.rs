//! Uploads over IPC: evidence files and candidate files arrive as bytes in chunks (see
//! `crate::uploads`). `upload_chunk` takes a raw binary body with the session token and the
//! chunk's offset in headers, so no bytes are ever JSON- or base64-encoded. What an upload
//! records is recorded as the acting user.

use serde::Deserialize;
use tauri::State;
use tauri::ipc::{InvokeBody, Request};
use ts_rs::TS;
use vetdesk_core::model::Evidence;

use crate::error::AppError;
use crate::state::AppState;
use crate::uploads::{EvidenceUpload, ImportCommitted, ImportPreview, ImportUpload};

/// Header names of `upload_chunk`.
pub const TOKEN_HEADER: &str = "upload-token";
pub const OFFSET_HEADER: &str = "upload-offset";

#[derive(Debug, Clone, Deserialize, TS)]
pub struct UploadRef {
    pub token: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ImportCommit {
    pub token: String,
    /// Open a pre-hire case for each new candidate.
    pub open_cases: bool,
}

#[tauri::command]
pub async fn upload_begin_evidence(
    state: State<'_, AppState>,
    request: EvidenceUpload,
) -> Result<String, AppError> {
    state.uploads.begin_evidence(state.session.actor()?, request).await
}

#[tauri::command]
pub async fn upload_begin_import(
    state: State<'_, AppState>,
    request: ImportUpload,
) -> Result<String, AppError> {
    state.uploads.begin_import(request)
}

fn header<'a>(request: &'a Request<'_>, name: &str) -> Result<&'a str, AppError> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| AppError::invalid(format!("upload_chunk needs the {name} header")))
}

#[tauri::command]
pub async fn upload_chunk(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<(), AppError> {
    let token = header(&request, TOKEN_HEADER)?.to_owned();
    let offset = header(&request, OFFSET_HEADER)?
        .parse::<u64>()
        .map_err(|_| AppError::invalid(format!("{OFFSET_HEADER} must be a byte count")))?;
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::invalid("upload_chunk takes the chunk's bytes as a binary body"));
    };
    state.uploads.chunk(&token, offset, bytes.clone()).await
}

#[tauri::command]
pub async fn upload_cancel(
    state: State<'_, AppState>,
    request: UploadRef,
) -> Result<bool, AppError> {
    Ok(state.uploads.cancel(&request.token))
}

#[tauri::command]
pub async fn upload_finish_evidence(
    state: State<'_, AppState>,
    request: UploadRef,
) -> Result<Evidence, AppError> {
    let evidence = state.uploads.finish_evidence(&request.token).await?;
    state.changes.wake();
    Ok(evidence)
}

#[tauri::command]
pub async fn upload_finish_import(
    state: State<'_, AppState>,
    request: UploadRef,
) -> Result<ImportPreview, AppError> {
    let actor = state.session.actor()?;
    state.uploads.finish_import(&request.token, actor).await
}

#[tauri::command]
pub async fn import_commit(
    state: State<'_, AppState>,
    request: ImportCommit,
) -> Result<ImportCommitted, AppError> {
    let actor = state.session.actor()?;
    let committed = state.uploads.commit_import(&request.token, actor, request.open_cases).await?;
    state.changes.wake();
    Ok(committed)
}
