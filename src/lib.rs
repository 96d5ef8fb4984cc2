//! Vetdesk core: the case store, its audit chain and evidence store, the verification checks
//! and the reports. No UI and no Tauri here: the CLI and the desktop shell both sit on top.

pub mod change;
pub mod checks;
pub mod cli;
pub mod error;
pub mod evidence;
pub mod import;
pub mod model;
pub mod report;
pub mod store;
pub mod template;
pub mod verification;

pub use change::Change;
pub use store::{Store, StoreError};
