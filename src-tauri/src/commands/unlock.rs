//! The unlock screen of an encrypted data directory and the sign-in screen of a team database:
//! whether the app is locked, and the passphrase or password that opens it. The only commands
//! answered while locked (`commands::handler`).

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use vetdesk_crypto::Passphrase;

use crate::error::AppError;
use crate::unlock::{Gate, LockStatus, Unlocked};

/// The passphrase typed on the unlock screen, and whether to keep the key in the OS keyring.
#[derive(Clone, Deserialize, TS)]
pub struct UnlockRequest {
    pub passphrase: String,
    /// "Remember on this computer".
    #[serde(default)]
    pub remember: bool,
}

// Never printed, not even in a debug log.
impl std::fmt::Debug for UnlockRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockRequest").field("remember", &self.remember).finish_non_exhaustive()
    }
}

#[tauri::command]
pub async fn unlock_status(gate: State<'_, std::sync::Arc<Gate>>) -> Result<LockStatus, AppError> {
    Ok(gate.status())
}

#[tauri::command]
pub async fn unlock(
    gate: State<'_, std::sync::Arc<Gate>>,
    request: UnlockRequest,
) -> Result<Unlocked, AppError> {
    // Moved, not copied, into a buffer that is zeroed when dropped.
    let UnlockRequest { passphrase, remember } = request;
    let passphrase = Passphrase::new(passphrase);
    let gate = gate.inner().clone();
    tauri::async_runtime::spawn_blocking(move || gate.unlock(passphrase, remember))
        .await
        .map_err(AppError::task_failed)?
}

/// The password typed on the sign-in screen of a team database, and whether to keep it in the
/// OS keyring.
#[derive(Clone, Deserialize, TS)]
pub struct SignInRequest {
    pub password: String,
    /// "Remember in this computer's keyring".
    #[serde(default)]
    pub remember: bool,
}

// Never printed, not even in a debug log.
impl std::fmt::Debug for SignInRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInRequest").field("remember", &self.remember).finish_non_exhaustive()
    }
}

#[tauri::command]
pub async fn sign_in(
    gate: State<'_, std::sync::Arc<Gate>>,
    request: SignInRequest,
) -> Result<Unlocked, AppError> {
    // Moved, not copied, into a buffer that is zeroed when dropped.
    let SignInRequest { password, remember } = request;
    let password = zeroize::Zeroizing::new(password);
    let gate = gate.inner().clone();
    tauri::async_runtime::spawn_blocking(move || gate.sign_in(password, remember))
        .await
        .map_err(AppError::task_failed)?
}
