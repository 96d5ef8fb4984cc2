//! Staffing vendors: listed for everyone; added and changed by compliance and admins with
//! `apply` (`commands::changes`).

use tauri::State;
use vetdesk_core::model::Vendor;

use crate::error::AppError;
use crate::state::AppState;

#[tauri::command]
pub async fn vendors_list(state: State<'_, AppState>) -> Result<Vec<Vendor>, AppError> {
    state.read(|s| Ok(s.vendors()?)).await
}
