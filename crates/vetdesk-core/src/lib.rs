//! Vetdesk core: the case store, its audit chain and evidence store, and the verification
//! checks. No UI, no PDF engine, no command-line parsing: the export crate, the CLI and the
//! desktop shell all sit on top (docs/architecture.md).

pub mod chain;
pub mod change;
pub mod checkpoint;
pub mod checks;
pub mod employees;
pub mod error;
pub mod evidence;
pub mod import;
pub mod model;
pub mod sealed;
pub mod source;
pub mod store;
pub mod template;
pub mod verification;

pub use change::Change;
pub use store::{Store, StoreError};
