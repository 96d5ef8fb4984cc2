//! Facts about the running app itself: version, where it keeps its files, who it preselects.

use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::AppError;
use crate::state::AppState;
use crate::uploads::CHUNK_BYTES;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// Where cases, evidence and the audit trail are stored.
    pub data_dir: String,
    /// Where the rolling log files are written.
    pub log_dir: String,
    /// The user `VETDESK_USER` names (as for the CLI): preselected at start.
    pub default_user: Option<String>,
    /// Who is acting now (the session held by the app), if anybody.
    pub acting: Option<String>,
    /// The largest evidence file accepted (`evidence_max_bytes` in config.toml).
    #[ts(type = "number")]
    pub evidence_max_bytes: u64,
    /// How many bytes the UI sends per upload chunk.
    pub upload_chunk_bytes: u32,
}

impl AppInfo {
    pub fn of(state: &AppState) -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: state.paths.data.root.display().to_string(),
            log_dir: state.paths.log_dir.display().to_string(),
            default_user: state.default_user.clone(),
            acting: state.session.current(),
            evidence_max_bytes: state.store.config().evidence_max_bytes,
            upload_chunk_bytes: CHUNK_BYTES,
        }
    }
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    Ok(AppInfo::of(&state))
}
