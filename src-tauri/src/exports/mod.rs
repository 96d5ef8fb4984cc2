//! Exports: the case report (PDF), the audit pack (ZIP) and the portfolio report (PDF and CSV),
//! written into the exports folder under a name that never replaces a file, or where the user
//! picks in the platform's save dialog (opened from here: the page has no dialog permission);
//! and the check of an audit pack the user uploads. The page never names a path: it gets a
//! file id back, which is all "Show in folder" takes.
//!
//! Each job runs on the blocking pool under an id the page chose, reports `export-progress`
//! events from the core's progress callbacks, and can be cancelled: a pack stops at its next
//! write and a pack check at its next read; a report is discarded once its layout is done (the
//! core does not interrupt a layout). Files are written to a temp file beside the destination
//! and renamed into place, so nothing half-written is ever left there.
//!
//! `folder` says where files go, `job` how a job runs; `case`, `portfolio` and `check` are the
//! jobs, `reveal` is "Show in folder". The commands over this are in `commands::exports`.

mod case;
mod check;
pub mod folder;
mod job;
mod portfolio;
pub mod reveal;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::model::{CaseId, Timestamp};
use vetdesk_export::pack::PackCheck;
use vetdesk_export::report::{ReportError, ReportOptions, Stage};

pub use folder::{Destination, FolderChoice, choose_folder, numbered_name, place_new};
pub use reveal::{Revealed, file_uri};

use crate::error::AppError;
use folder::chosen;
use job::lock;

/// The event that carries progress.
pub const EXPORT_PROGRESS: &str = "export-progress";
/// Buffer between a pack and its file, both ways.
const BUF_LEN: usize = 256 * 1024;

// ---- what the page asks ----

/// Export one case (report or audit pack); the acting user is printed as its maker.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct CaseExport {
    pub case_id: CaseId,
    /// Names this job in progress events and for cancelling (letters, digits, `-`, `_`).
    pub job: String,
    /// Ask where to save with the platform's save dialog instead of the exports folder.
    pub save_as: bool,
}

/// The portfolio report of the cases opened from `from` to `to` (both `YYYY-MM-DD`, included).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct PortfolioExport {
    pub from: String,
    pub to: String,
    pub job: String,
    pub save_as: bool,
}

// ---- what it gets back ----

/// The `export-progress` event: `done` of `total` units of `stage` (images, bytes or steps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportProgress {
    pub job: String,
    pub stage: Stage,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// A file an export wrote. `file_id` is what "Show in folder" takes; the path is shown only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportedFile {
    pub file_id: String,
    pub name: String,
    pub folder: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// What an export did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ExportOutcome {
    Written {
        files: Vec<ExportedFile>,
        generated_by: String,
        generated_at: Timestamp,
        /// The case's audit chain head printed in the report (case exports).
        chain_head: Option<String>,
        pages: Option<u32>,
        evidence_files: Option<u32>,
    },
    /// Stopped by the user, or no file was chosen in the save dialog; nothing was written.
    Cancelled { reason: String },
}

/// Where exports go unless the user picks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ExportFolder {
    pub folder: String,
}

/// The result of checking an uploaded audit pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PackChecked {
    Checked {
        file_name: String,
        /// The archive could not be checked at all (unreadable, or refused as hostile);
        /// `check.problems` says why.
        refused: bool,
        check: PackCheck,
    },
    Cancelled,
}

// ---- the engine ----

type Notify = dyn Fn(ExportProgress) + Send + Sync;

/// What the save dialog is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveAsk {
    pub title: String,
    pub folder: PathBuf,
    pub file_name: String,
    pub filter_name: &'static str,
    pub extension: &'static str,
}

/// Opens the save dialog and waits for the user; `None` when they cancelled it.
pub type AskSave = dyn Fn(SaveAsk) -> Option<PathBuf> + Send + Sync;

/// The export jobs of the app: which run, and the files this run wrote.
pub struct Exports {
    store: Arc<Store>,
    folder: FolderChoice,
    notify: Arc<Notify>,
    ask: Arc<AskSave>,
    jobs: Mutex<HashMap<String, Arc<std::sync::atomic::AtomicBool>>>,
    /// Files written in this run of the app, by id: the only ones "Show in folder" shows.
    files: Mutex<HashMap<String, PathBuf>>,
    next_file: AtomicU64,
}

/// A written export before its files get ids.
struct Made {
    files: Vec<PathBuf>,
    options: ReportOptions,
    chain_head: Option<String>,
    pages: Option<u32>,
    evidence_files: Option<u32>,
}

impl Exports {
    pub fn new(
        store: Arc<Store>,
        folder: FolderChoice,
        notify: Arc<Notify>,
        ask: Arc<AskSave>,
    ) -> Self {
        Self {
            store,
            folder,
            notify,
            ask,
            jobs: Mutex::new(HashMap::new()),
            files: Mutex::new(HashMap::new()),
            next_file: AtomicU64::new(1),
        }
    }

    pub fn folder(&self) -> &FolderChoice {
        &self.folder
    }

    /// The path of a file this run wrote.
    pub fn file(&self, file_id: &str) -> Option<PathBuf> {
        lock(&self.files).get(file_id).cloned()
    }

    fn remember(&self, path: &Path) -> ExportedFile {
        let id = format!("f{}", self.next_file.fetch_add(1, Ordering::Relaxed));
        lock(&self.files).insert(id.clone(), path.to_path_buf());
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        ExportedFile {
            file_id: id,
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            folder: path.parent().map(|p| p.display().to_string()).unwrap_or_default(),
            bytes,
        }
    }

    fn outcome(&self, made: Option<Made>) -> ExportOutcome {
        match made {
            None => ExportOutcome::Cancelled { reason: "cancelled; nothing was written".into() },
            Some(made) => ExportOutcome::Written {
                files: made.files.iter().map(|p| self.remember(p)).collect(),
                generated_by: made.options.generated_by,
                generated_at: made.options.generated_at,
                chain_head: made.chain_head,
                pages: made.pages,
                evidence_files: made.evidence_files,
            },
        }
    }

    /// The destination: the exports folder, or what the user picks (`None`: they did not).
    fn destination(&self, save_as: bool, ask: SaveAsk) -> Result<Option<Destination>, AppError> {
        if !save_as {
            return self.folder.create().map(|dir| Some(Destination::Folder(dir)));
        }
        let extension = ask.extension;
        Ok((self.ask)(ask).map(|p| chosen(p, extension)))
    }

    fn save_ask(
        &self,
        title: &str,
        stem: &str,
        filter: &'static str,
        ext: &'static str,
    ) -> SaveAsk {
        SaveAsk {
            title: title.to_string(),
            folder: self.folder.current(),
            file_name: numbered_name(stem, ext, 1),
            filter_name: filter,
            extension: ext,
        }
    }
}

fn no_file_chosen() -> ExportOutcome {
    ExportOutcome::Cancelled { reason: "no file was chosen; nothing was written".into() }
}

fn as_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The stem of a file name from the generation day (the user's local day).
fn day_of(at: &Timestamp) -> NaiveDate {
    at.as_datetime().with_timezone(&chrono::Local).date_naive()
}

/// An active user, checked before anything is asked or written.
fn check_actor(store: &Store, actor: &str) -> Result<(), AppError> {
    match crate::session::active_user(store, actor) {
        Ok(_) => Ok(()),
        // Said as the report says it: exports print who made them.
        Err(e) if e.code == crate::error::ErrorCode::UnknownUser => {
            Err(ReportError::UnknownUser(actor.to_string()).into())
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) use super::folder::tests::names;

    pub(crate) struct Fixture {
        pub(crate) _data: tempfile::TempDir,
        pub(crate) out: tempfile::TempDir,
        pub(crate) store: Arc<Store>,
        pub(crate) exports: Arc<Exports>,
        pub(crate) events: Arc<Mutex<Vec<ExportProgress>>>,
        pub(crate) asked: Arc<Mutex<Vec<SaveAsk>>>,
        pub(crate) case_id: CaseId,
    }

    /// A store with an admin, a reviewer, a deactivated user and one case; exports go to a
    /// temp folder; "Save as…" answers `chosen` (relative to that folder).
    pub(crate) fn fixture(chosen: Option<&'static str>) -> Fixture {
        let (data, store) = Store::open_temp().unwrap();
        vetdesk_testkit::add_team(&store);
        vetdesk_testkit::add_inactive_user(&store, "gone");
        let case_id = vetdesk_testkit::case_for(&store, "Zoë Ünal-Петрова");
        let store = Arc::new(store);
        let out = tempfile::tempdir().unwrap();
        let folder = FolderChoice { preferred: out.path().join("exports"), fallback: None };
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let record = asked.clone();
        let base = out.path().to_path_buf();
        let exports = Arc::new(Exports::new(
            store.clone(),
            folder,
            Arc::new(move |p| sink.lock().unwrap().push(p)),
            Arc::new(move |ask| {
                record.lock().unwrap().push(ask);
                chosen.map(|name| base.join(name))
            }),
        ));
        Fixture { _data: data, out, store, exports, events, asked, case_id }
    }

    pub(crate) fn request(f: &Fixture, job: &str) -> CaseExport {
        CaseExport { case_id: f.case_id, job: job.into(), save_as: false }
    }

    pub(crate) fn written(outcome: ExportOutcome) -> (Vec<ExportedFile>, Option<String>, String) {
        match outcome {
            ExportOutcome::Written { files, chain_head, generated_by, .. } => {
                (files, chain_head, generated_by)
            }
            other => panic!("not written: {other:?}"),
        }
    }
}
