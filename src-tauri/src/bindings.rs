//! The Rust types the front end uses, written as TypeScript to `ui/src/bindings/` by
//! `make bindings`: every command's request and answer (from the command registry), with the
//! `Commands` interface that names them, the events' payloads, and the domain types the page
//! builds or shows. The drift test in `tests/bindings.rs` fails when the committed files no
//! longer match.

use std::fmt::Write as _;
use std::path::Path;

use ts_rs::{Config, ExportError, TS};

use crate::commands::{self, RAW_COMMANDS};

/// The file the `Commands` interface is written to.
pub const COMMANDS_FILE: &str = "Commands.ts";

/// The configuration every type is exported with.
pub fn config(dir: &Path) -> Config {
    // Ids are SQLite rowids: far below 2^53, and serde_json sends them as JSON numbers, so
    // `number` is what the UI really receives (ts-rs would otherwise say `bigint`).
    Config::new().with_out_dir(dir).with_large_int("number")
}

/// Exports every type the page uses, and the `Commands` interface, into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    let cfg = config(dir);
    macro_rules! export {
        ($($ty:ty),+ $(,)?) => { $( <$ty as TS>::export_all(&cfg)?; )+ };
    }
    export!(
        // what crosses IPC besides the commands' own types
        crate::error::AppError,
        crate::events::StoreChanged,
        crate::uploads::UploadProgress,
        crate::exports::ExportProgress,
        // the core's domain, as the page builds and shows it
        vetdesk_core::change::Change,
        vetdesk_core::model::User,
        vetdesk_core::model::Vendor,
        vetdesk_core::model::Candidate,
        vetdesk_core::model::Case,
        vetdesk_core::model::ItemState,
        vetdesk_core::model::Note,
        vetdesk_core::model::Evidence,
        vetdesk_core::model::AuditRecord,
        vetdesk_core::template::Template,
    );
    let signatures = commands::signatures(&cfg);
    for signature in &signatures {
        signature.export(&cfg)?;
    }
    std::fs::write(dir.join(COMMANDS_FILE), commands_ts(&signatures))?;
    Ok(())
}

/// The `Commands` interface: every JSON command the page may call, with its arguments (the
/// request goes as `request`) and its answer.
fn commands_ts(signatures: &[commands::Signature]) -> String {
    let mut out = String::from(
        "// Generated from src-tauri/src/commands/registry.rs by `make bindings`. Do not edit.\n\n",
    );
    let imports: std::collections::BTreeSet<&String> =
        signatures.iter().flat_map(|s| &s.imports).collect();
    for name in imports {
        let _ = writeln!(out, "import type {{ {name} }} from \"./{name}\";");
    }
    out.push_str(
        "\n/** Every command the page may call: name → its arguments and its answer. */\n\
         export interface Commands {\n",
    );
    for s in signatures {
        let args = match &s.request {
            Some(request) => format!("{{ request: {request} }}"),
            None => "Record<string, never>".to_string(),
        };
        let _ = writeln!(out, "  {}: {{ args: {args}; result: {} }};", s.name, s.answer);
    }
    out.push_str("}\n\n/** Commands that take a raw binary body instead of JSON arguments. */\n");
    let raw: Vec<String> = RAW_COMMANDS.iter().map(|c| format!("\"{c}\"")).collect();
    let _ = writeln!(out, "export type RawCommand = {};", raw.join(" | "));
    out
}
