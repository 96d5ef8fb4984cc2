//! Local users: who may act, with which role. The first user of a new data directory adds
//! themself and must be an admin; after that, admins add users.

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use vetdesk_core::change::Change;
use vetdesk_core::model::{AuditRecord, Role, User};

use super::with_store;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct UserAdd {
    /// Who adds the user; for the very first user, the new user's own name.
    pub actor: String,
    pub name: String,
    pub display_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct UserSetRole {
    pub actor: String,
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct UserSetActive {
    pub actor: String,
    pub name: String,
    pub active: bool,
}

#[tauri::command]
pub async fn users_list(state: State<'_, AppState>) -> Result<Vec<User>, AppError> {
    with_store(&state.store, |s| Ok(s.users()?)).await
}

#[tauri::command]
pub async fn user_add(
    state: State<'_, AppState>,
    request: UserAdd,
) -> Result<AuditRecord, AppError> {
    with_store(&state.store, move |s| {
        let change = Change::AddUser {
            id: None,
            name: request.name,
            display_name: request.display_name,
            role: request.role,
        };
        Ok(s.apply(&request.actor, change)?.record)
    })
    .await
}

#[tauri::command]
pub async fn user_set_role(
    state: State<'_, AppState>,
    request: UserSetRole,
) -> Result<AuditRecord, AppError> {
    with_store(&state.store, move |s| {
        let change = Change::SetUserRole { name: request.name, role: request.role };
        Ok(s.apply(&request.actor, change)?.record)
    })
    .await
}

#[tauri::command]
pub async fn user_set_active(
    state: State<'_, AppState>,
    request: UserSetActive,
) -> Result<AuditRecord, AppError> {
    with_store(&state.store, move |s| {
        let change = Change::SetUserActive { name: request.name, active: request.active };
        Ok(s.apply(&request.actor, change)?.record)
    })
    .await
}
