//! Staffing vendors: listed for everyone, added and changed by compliance and admins.

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use vetdesk_core::change::Change;
use vetdesk_core::model::{AuditRecord, Vendor, VendorFields, VendorId};

use super::with_store;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct VendorAdd {
    pub actor: String,
    pub vendor: VendorFields,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct VendorUpdate {
    pub actor: String,
    pub id: VendorId,
    pub vendor: VendorFields,
}

#[tauri::command]
pub async fn vendors_list(state: State<'_, AppState>) -> Result<Vec<Vendor>, AppError> {
    with_store(&state.store, |s| Ok(s.vendors()?)).await
}

#[tauri::command]
pub async fn vendor_add(
    state: State<'_, AppState>,
    request: VendorAdd,
) -> Result<AuditRecord, AppError> {
    with_store(&state.store, move |s| {
        let change = Change::AddVendor { id: None, vendor: request.vendor };
        Ok(s.apply(&request.actor, change)?.record)
    })
    .await
}

#[tauri::command]
pub async fn vendor_update(
    state: State<'_, AppState>,
    request: VendorUpdate,
) -> Result<AuditRecord, AppError> {
    with_store(&state.store, move |s| {
        let change = Change::UpdateVendor { id: request.id, vendor: request.vendor };
        Ok(s.apply(&request.actor, change)?.record)
    })
    .await
}
