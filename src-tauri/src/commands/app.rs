//! Facts about the running app itself (version, where it keeps its files, who it preselects),
//! and the sample data a first run can load to show what Vetdesk does.

use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::error::AppError;
use crate::state::AppState;
use crate::uploads::CHUNK_BYTES;
use vetdesk_core::Store;
use vetdesk_sample::{SampleOptions, SampleSummary};

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
    /// Team mode: the database signed in to, `login@host:port/database`; the acting user is
    /// then that login and cannot be switched. `None` for a data directory.
    pub team_database: Option<String>,
    /// The largest evidence file accepted (`evidence_max_bytes` in config.toml).
    #[ts(type = "number")]
    pub evidence_max_bytes: u64,
    /// How many bytes the UI sends per upload chunk.
    pub upload_chunk_bytes: u32,
    /// The retention rules in force, with their sources (a legal hold on a case overrides
    /// them all).
    pub retention: Vec<vetdesk_core::checks::retention::RuleText>,
}

impl AppInfo {
    pub fn of(state: &AppState) -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: state.paths.data.root.display().to_string(),
            log_dir: state.paths.log_dir.display().to_string(),
            default_user: state.default_user.clone(),
            acting: state.session.current(),
            team_database: state.store.team_database(),
            evidence_max_bytes: state.store.config().evidence_max_bytes,
            upload_chunk_bytes: CHUNK_BYTES,
            retention: vetdesk_core::checks::retention::rules_in_force(
                &state.store.config().retention.policy(),
            ),
        }
    }
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, AppError> {
    Ok(AppInfo::of(&state))
}

/// Loads the sample cohort into this data directory as `actor` (an admin, who adds the
/// sample's users). Refused unless the directory holds no cases, candidates, vendors or lists;
/// all or nothing.
pub fn load_sample(store: &Store, actor: &str) -> Result<SampleSummary, AppError> {
    let options = SampleOptions { admin: Some(actor.to_string()), ..SampleOptions::default() };
    let summary = vetdesk_sample::load(store, store.clock().now(), &options)?;
    // Hundreds of records in one transaction: fold the log into the database now.
    if let Err(e) = store.fold_wal() {
        tracing::warn!(error = %e, "could not checkpoint after loading the sample");
    }
    Ok(summary)
}

#[tauri::command]
pub async fn sample_load(state: State<'_, AppState>) -> Result<SampleSummary, AppError> {
    state.write(load_sample).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn the_sample_loads_into_an_empty_directory_as_its_admin_and_only_once() {
        let (_dir, store) = vetdesk_testkit::team_store();
        let summary = load_sample(&store, "ada").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.candidates, 40);
        assert!(store.verify().unwrap_or_else(|e| panic!("{e}")).ok);
        let again = load_sample(&store, "ada").unwrap_err();
        assert_eq!(again.code, ErrorCode::Conflict, "{again:?}");
        assert!(again.message.contains("already holds data"), "{}", again.message);
    }

    #[test]
    fn only_an_admin_loads_the_sample() {
        let (_dir, store) = vetdesk_testkit::team_store();
        let refused = load_sample(&store, "rita").unwrap_err();
        assert_eq!(refused.code, ErrorCode::PermissionDenied, "{refused:?}");
        assert!(store.cases(&Default::default()).unwrap_or_default().is_empty());
    }
}
