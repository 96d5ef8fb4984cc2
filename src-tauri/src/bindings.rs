//! The one list of Rust types the front end uses. `make bindings` writes their TypeScript
//! definitions (and those of everything they contain) to `ui/src/bindings/`; the drift test in
//! `tests/bindings.rs` fails when the committed files no longer match.

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

/// Exports every root type, and each type it refers to, into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    // Ids are SQLite rowids: far below 2^53, and serde_json sends them as JSON numbers, so
    // `number` is what the UI really receives (ts-rs would otherwise say `bigint`).
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    macro_rules! export {
        ($($ty:ty),+ $(,)?) => { $( <$ty as TS>::export_all(&cfg)?; )+ };
    }
    export!(
        // the shell's own
        crate::error::AppError,
        crate::commands::app::AppInfo,
        // the core's domain
        vetdesk::model::User,
        vetdesk::model::Vendor,
        vetdesk::model::Candidate,
        vetdesk::model::Case,
        vetdesk::model::ItemState,
        vetdesk::model::Note,
        vetdesk::model::Evidence,
        vetdesk::model::AuditRecord,
        vetdesk::template::Template,
    );
    Ok(())
}
