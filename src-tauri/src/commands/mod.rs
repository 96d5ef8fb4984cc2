//! Tauri commands, one file per area. Each takes a typed request, calls the core once and maps
//! its error into `AppError`; each is declared in `build.rs` and granted in `capabilities/`.
//!
//! Commands are `async` and do their database and file work on Tauri's blocking pool: a plain
//! synchronous command would run on the main thread and freeze the window while it works.

pub mod app;
pub mod candidates;
pub mod cases;
pub mod exports;
pub mod flags;
pub mod lists;
pub mod uploads;
pub mod users;
pub mod vendors;
pub mod verification;

use std::sync::Arc;

use vetdesk_core::Store;

use crate::error::AppError;

/// Runs `work` against the store on the blocking pool.
pub(crate) async fn with_store<T, F>(store: &Arc<Store>, work: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Store) -> Result<T, AppError> + Send + 'static,
{
    let store = store.clone();
    tauri::async_runtime::spawn_blocking(move || work(&store))
        .await
        .map_err(|e| AppError::internal(format!("a background task failed: {e}")))?
}
