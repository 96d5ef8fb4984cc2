//! Facts about the running app itself: version and where it keeps its files.

use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    /// Where cases, evidence and the audit trail are stored.
    pub data_dir: String,
    /// Where the rolling log files are written.
    pub log_dir: String,
}

impl AppInfo {
    pub fn of(state: &AppState) -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: state.paths.data_dir.display().to_string(),
            log_dir: state.paths.log_dir.display().to_string(),
        }
    }
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    Ok(AppInfo::of(&state))
}
