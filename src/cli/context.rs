//! What every command runs with: the open store, who is acting, text or JSON output, the CLI's
//! error type and exit codes, and the small parsers of typed arguments (dates, times, yes/no).

use std::io::Read;
use std::path::Path;

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;
use vetdesk_core::error::UnknownValue;
use vetdesk_core::import::ImportError;
use vetdesk_core::store::{Store, StoreError};

/// Exit code when a check ran and failed.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code for bad input, usage errors and anything refused.
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Import(#[from] ImportError),
    #[error("{0}")]
    Value(#[from] UnknownValue),
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    #[error("{0}")]
    Report(#[from] vetdesk_export::report::ReportError),
    #[error("{0}")]
    Pack(#[from] vetdesk_export::pack::PackError),
}

pub type Result<T> = std::result::Result<T, CliError>;

/// A usage error: the command line itself was wrong.
pub fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}

/// A command's view of the run: the store it works on, who acts, how to print.
pub struct Ctx {
    cli_actor: Option<String>,
    pub json: bool,
    pub store: Store,
}

impl Ctx {
    pub fn new(store: Store, actor: Option<String>, json: bool) -> Ctx {
        Ctx { cli_actor: actor, json, store }
    }

    pub fn actor(&self) -> Result<&str> {
        self.cli_actor.as_deref().filter(|a| !a.trim().is_empty()).ok_or_else(|| {
            usage("who is acting? pass --as USER or set VETDESK_USER (see `vetdesk user list`)")
        })
    }

    /// Prints `value` as JSON with `--json`, else the text `text` makes of it.
    pub fn print<T: Serialize>(&self, value: &T, text: impl FnOnce() -> String) -> Result<()> {
        if self.json {
            print_json(value)?;
        } else {
            print!("{}", terminal_safe(&text()));
        }
        Ok(())
    }
}

/// `value` as JSON with `json`, else the text `text` makes (for commands without a store).
pub fn print_json_or<T: Serialize>(
    json: bool,
    value: &T,
    text: impl FnOnce() -> String,
) -> Result<()> {
    if json {
        print_json(value)
    } else {
        print!("{}", terminal_safe(&text()));
        Ok(())
    }
}

/// Text for a terminal: control characters other than line breaks and tabs (an escape
/// sequence in a name could rewrite the screen) and text-direction characters are shown
/// escaped (`\u{1b}`), never sent raw. Data stored before input was checked may hold them.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let hidden = (c.is_control() && c != '\n' && c != '\t')
            || vetdesk_core::store::rules::is_bidi_control(c);
        if hidden {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Prints a value as pretty JSON on standard output.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let json = serde_json::to_string_pretty(value)
        .map_err(|e| usage(format!("cannot print JSON: {e}")))?;
    println!("{json}");
    Ok(())
}

pub fn date(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| usage(format!("{field} {text:?} is not a date like 2026-03-31")))
}

pub fn optional_date(field: &str, text: &Option<String>) -> Result<Option<NaiveDate>> {
    text.as_deref().map(|t| date(field, t)).transpose()
}

pub fn yes_no(field: &str, text: &str) -> Result<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        _ => Err(usage(format!("{field} {text:?} must be yes or no"))),
    }
}

pub fn time_of_day(field: &str, text: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| usage(format!("{field} {text:?} is not a time like 09:30")))
}

/// Refuses an input file that is a symbolic link: it is not followed, so that a link named
/// like a list or a scan cannot bring in another file unseen.
pub fn not_a_link(file: &Path) -> std::result::Result<(), String> {
    match std::fs::symlink_metadata(file) {
        Ok(m) if m.file_type().is_symlink() => Err(format!(
            "{} is a symbolic link; links are not followed: give the file itself",
            file.display()
        )),
        _ => Ok(()),
    }
}

/// The text of a file, or of standard input for `-`.
pub fn read_input(file: &str) -> std::result::Result<String, String> {
    let mut text = String::new();
    if file == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
    } else {
        not_a_link(Path::new(file))?;
        let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
        text = String::from_utf8(bytes).map_err(|_| format!("{file} is not UTF-8 text"))?;
    }
    Ok(text)
}
