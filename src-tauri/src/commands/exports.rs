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

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tauri::State;
use tempfile::NamedTempFile;
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::model::{CaseId, Timestamp};
use vetdesk_export::pack::{self, PackCheck, PackError, PackProblem};
use vetdesk_export::report::{self, PortfolioOptions, Progress, ReportError, ReportOptions, Stage};

use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use crate::uploads::SpoolUpload;

/// Names the exports folder, for tests and for people who keep exports elsewhere.
pub const EXPORT_DIR_ENV: &str = "VETDESK_EXPORT_DIR";
/// The folder made in the platform's documents folder.
pub const FOLDER_NAME: &str = "Vetdesk exports";
/// The event that carries progress.
pub const EXPORT_PROGRESS: &str = "export-progress";
/// Progress events are sent at most this often per job (and at every change of stage).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// Buffer between the pack writer and its temp file.
const BUF_LEN: usize = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Where files go

/// The default folder of exports, and where to go when it cannot be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderChoice {
    pub preferred: PathBuf,
    pub fallback: Option<PathBuf>,
}

/// `VETDESK_EXPORT_DIR` when set (no fallback: it was asked for); else the documents folder
/// (when there is one) + `Vetdesk exports`, falling back to `<data dir>/exports`; else that.
pub fn choose_folder(
    env: Option<OsString>,
    documents: Option<PathBuf>,
    data_root: &Path,
) -> FolderChoice {
    let in_data = data_root.join("exports");
    if let Some(dir) = env.filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        // Relative to where the app was started, said once here rather than at each write.
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        return FolderChoice { preferred: dir, fallback: None };
    }
    match documents {
        Some(docs) => FolderChoice { preferred: docs.join(FOLDER_NAME), fallback: Some(in_data) },
        None => FolderChoice { preferred: in_data, fallback: None },
    }
}

impl FolderChoice {
    /// From the environment and the platform's documents folder (only one that exists).
    pub fn resolve(data_root: &Path) -> Self {
        let documents = dirs::document_dir().filter(|d| d.is_dir());
        choose_folder(std::env::var_os(EXPORT_DIR_ENV), documents, data_root)
    }

    /// Makes the folder if missing (owner-only: exports carry identity documents) and returns
    /// it; the fallback is used when the preferred one cannot be made or written.
    pub fn create(&self) -> Result<PathBuf, AppError> {
        match make_private_dir(&self.preferred) {
            Ok(()) => Ok(self.preferred.clone()),
            Err(error) => match &self.fallback {
                Some(fallback) => {
                    tracing::info!(%error, "exports folder not usable; using the data directory's");
                    make_private_dir(fallback).map_err(|e| folder_error(fallback, &e))?;
                    Ok(fallback.clone())
                }
                None => Err(folder_error(&self.preferred, &error)),
            },
        }
    }

    /// The folder exports go to now, as it would be made.
    pub fn current(&self) -> PathBuf {
        match &self.fallback {
            Some(fallback) if writable_dir(&self.preferred) == Some(false) => fallback.clone(),
            _ => self.preferred.clone(),
        }
    }
}

fn folder_error(path: &Path, error: &io::Error) -> AppError {
    AppError::new(
        ErrorCode::Storage,
        format!("cannot use {} as the exports folder: {error}", path.display()),
    )
}

/// `Some(false)` when `path` exists and is not a writable folder, `None` when it is missing.
fn writable_dir(path: &Path) -> Option<bool> {
    let meta = std::fs::metadata(path).ok()?;
    Some(meta.is_dir() && !meta.permissions().readonly())
}

fn make_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)?;
    // A folder that exists but cannot take a file is found out now, not after the work.
    NamedTempFile::new_in(path).map(drop)
}

/// `stem.ext`, then `stem (2).ext`, `stem (3).ext`, … as file managers number copies.
pub fn numbered_name(stem: &str, ext: &str, n: u32) -> String {
    if n <= 1 { format!("{stem}.{ext}") } else { format!("{stem} ({n}).{ext}") }
}

/// How many numbered names are tried before giving up (a folder with that many is odd).
const MAX_NUMBER: u32 = 10_000;

/// Renames `temp` into `dir` under the first free numbered name from `first` on. The rename
/// itself refuses an existing name, so a file that appears meanwhile is never replaced.
pub fn place_new(
    mut temp: NamedTempFile,
    dir: &Path,
    stem: &str,
    ext: &str,
    first: u32,
) -> Result<(PathBuf, u32), AppError> {
    for n in first.max(1)..first.max(1) + MAX_NUMBER {
        let path = dir.join(numbered_name(stem, ext, n));
        match temp.persist_noclobber(&path) {
            Ok(_) => {
                sync_dir(dir)?;
                return Ok((path, n));
            }
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => temp = e.file,
            Err(e) => return Err(write_error(&path, &e.error)),
        }
    }
    Err(AppError::new(
        ErrorCode::Conflict,
        format!("{} already holds {MAX_NUMBER} files named {stem}…; tidy it up", dir.display()),
    ))
}

fn sync_dir(dir: &Path) -> Result<(), AppError> {
    // The rename is durable only once the folder is.
    #[cfg(unix)]
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| write_error(dir, &e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn write_error(path: &Path, error: &io::Error) -> AppError {
    AppError::new(ErrorCode::Storage, format!("cannot write {}: {error}", path.display()))
}

/// Where one export goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The exports folder, under a new numbered name.
    Folder(PathBuf),
    /// A file the user chose in the save dialog (which asked before replacing one).
    Chosen(PathBuf),
    /// A name the user typed without its extension: the dialog did not ask about the name
    /// with it, so an existing file of that name is not replaced (`x (2).pdf`).
    ChosenNew(PathBuf),
}

impl Destination {
    fn dir(&self) -> PathBuf {
        match self {
            Destination::Folder(dir) => dir.clone(),
            Destination::Chosen(file) | Destination::ChosenNew(file) => match file.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            },
        }
    }

    /// A temp file beside the destination, so that the final rename stays on one file system.
    fn temp(&self) -> Result<NamedTempFile, AppError> {
        let dir = self.dir();
        tempfile::Builder::new()
            .prefix(".vetdesk-")
            .suffix(".part")
            .tempfile_in(&dir)
            .map_err(|e| write_error(&dir, &e))
    }

    /// Moves a finished temp file to the destination; `stem.ext` names it in the folder.
    fn put(&self, temp: NamedTempFile, stem: &str, ext: &str) -> Result<(PathBuf, u32), AppError> {
        temp.as_file().sync_all().map_err(|e| write_error(temp.path(), &e))?;
        match self {
            Destination::Folder(dir) => place_new(temp, dir, stem, ext, 1),
            Destination::Chosen(file) => {
                temp.persist(file).map_err(|e| write_error(file, &e.error))?;
                sync_dir(&self.dir())?;
                Ok((file.clone(), 1))
            }
            Destination::ChosenNew(file) => place_new(temp, &self.dir(), &stem_of(file), ext, 1),
        }
    }

    /// A second file beside the first (the portfolio's CSV), never replacing one. In the
    /// folder the two are numbered together (`x (2).pdf` with `x (2).csv`); beside a chosen
    /// file it takes that file's name.
    fn put_beside(
        &self,
        temp: NamedTempFile,
        first: &Path,
        folder_stem: &str,
        number: u32,
        ext: &str,
    ) -> Result<PathBuf, AppError> {
        temp.as_file().sync_all().map_err(|e| write_error(temp.path(), &e))?;
        let placed = match self {
            Destination::Folder(dir) => place_new(temp, dir, folder_stem, ext, number),
            Destination::Chosen(_) | Destination::ChosenNew(_) => {
                place_new(temp, &self.dir(), &stem_of(first), ext, 1)
            }
        };
        placed.map(|(path, _)| path)
    }
}

fn stem_of(path: &Path) -> String {
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The destination of a file chosen in the save dialog. A name typed without its extension
/// gets it (save dialogs do not insist), and then no file is replaced without being asked.
fn chosen(path: PathBuf, ext: &str) -> Destination {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext)) {
        return Destination::Chosen(path);
    }
    let mut name = path.file_name().map(OsString::from).unwrap_or_default();
    name.push(".");
    name.push(ext);
    Destination::ChosenNew(path.with_file_name(name))
}

// ---------------------------------------------------------------------------------------------
// IPC types

/// Export one case (report or audit pack) as `actor`, who is printed as its maker.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct CaseExport {
    pub actor: String,
    pub case_id: CaseId,
    /// Names this job in progress events and for cancelling (letters, digits, `-`, `_`).
    pub job: String,
    /// Ask where to save with the platform's save dialog instead of the exports folder.
    pub save_as: bool,
}

/// The portfolio report of the cases opened from `from` to `to` (both `YYYY-MM-DD`, included).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct PortfolioExport {
    pub actor: String,
    pub from: String,
    pub to: String,
    pub job: String,
    pub save_as: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct JobRef {
    pub job: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ExportedRef {
    pub file_id: String,
}

/// Check the audit pack uploaded under `token`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct PackCheckRequest {
    pub token: String,
    pub job: String,
}

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

/// "Show in folder": done, or why not and where the file is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Revealed {
    Shown,
    NotShown { message: String, path: String },
}

// ---------------------------------------------------------------------------------------------
// Errors of the core's reports

impl From<ReportError> for AppError {
    fn from(error: ReportError) -> Self {
        use ReportError as E;
        match error {
            E::Store(inner) => inner.into(),
            // The core's text points at the CLI's --as; in the app the fix is the user menu.
            E::UnknownUser(name) => AppError::new(
                ErrorCode::UnknownUser,
                format!(
                    "there is no active user named {name:?}, and exports record who made them: \
                     choose who is acting with \"Switch user\" at the top of the window"
                ),
            ),
            other => {
                let code = match &other {
                    E::BrokenChain { .. } | E::Io { .. } => ErrorCode::Storage,
                    E::Invalid(_) => ErrorCode::InvalidInput,
                    E::Exists(_) => ErrorCode::Conflict,
                    _ => ErrorCode::Internal,
                };
                AppError::new(code, other.to_string())
            }
        }
    }
}

impl From<PackError> for AppError {
    fn from(error: PackError) -> Self {
        match error {
            PackError::Report(inner) => inner.into(),
            PackError::Unreadable { .. } | PackError::Hostile { .. } => {
                AppError::invalid(error.to_string())
            }
            // The store's files or the destination failed: the message names which.
            other => AppError::new(ErrorCode::Storage, other.to_string()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs

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

pub struct Exports {
    store: Arc<Store>,
    folder: FolderChoice,
    notify: Arc<Notify>,
    ask: Arc<AskSave>,
    jobs: Mutex<HashMap<String, Arc<AtomicBool>>>,
    /// Files written in this run of the app, by id: the only ones "Show in folder" shows.
    files: Mutex<HashMap<String, PathBuf>>,
    next_file: AtomicU64,
}

/// A running job; dropping it ends the job.
struct Job<'a> {
    exports: &'a Exports,
    id: String,
    cancel: Arc<AtomicBool>,
}

impl Drop for Job<'_> {
    fn drop(&mut self) {
        lock(&self.exports.jobs).remove(&self.id);
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain maps: a panic elsewhere cannot leave them half-updated.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn join_failed(error: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("a background task failed: {error}"))
}

/// Sends progress events: at every change of stage, at the end of each, and otherwise at
/// most every `PROGRESS_EVERY`.
struct Meter {
    job: String,
    notify: Arc<Notify>,
    last: Option<(Stage, Instant)>,
}

impl Meter {
    fn show(&mut self, p: Progress) {
        let due = match self.last {
            Some((stage, at)) => {
                stage != p.stage || p.done >= p.total || at.elapsed() >= PROGRESS_EVERY
            }
            None => true,
        };
        if due {
            self.last = Some((p.stage, Instant::now()));
            (self.notify)(ExportProgress {
                job: self.job.clone(),
                stage: p.stage,
                done: p.done,
                total: p.total,
            });
        }
    }
}

/// Fails every write once cancelled: the pack writer then stops and its temp file goes.
struct CancelWrite<W> {
    inner: W,
    cancel: Arc<AtomicBool>,
}

fn cancelled_error() -> io::Error {
    io::Error::other("cancelled by the user")
}

impl<W: Write> Write for CancelWrite<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled_error());
        }
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Seek> Seek for CancelWrite<W> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Fails every read once cancelled: the pack check then stops.
struct CancelRead<R> {
    inner: R,
    cancel: Arc<AtomicBool>,
}

impl<R: Read> Read for CancelRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled_error());
        }
        self.inner.read(buf)
    }
}

impl<R: Seek> Seek for CancelRead<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Everything a job's blocking work needs.
struct Work {
    store: Arc<Store>,
    cancel: Arc<AtomicBool>,
    meter: Meter,
}

impl Work {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

/// A written export before its files get ids.
struct Made {
    files: Vec<PathBuf>,
    options: ReportOptions,
    chain_head: Option<String>,
    pages: Option<u32>,
    evidence_files: Option<u32>,
}

fn valid_job_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn as_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The stem of a file name from the generation day (the user's local day).
fn day_of(at: &Timestamp) -> NaiveDate {
    at.as_datetime().with_timezone(&chrono::Local).date_naive()
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

    fn begin(&self, id: &str) -> Result<Job<'_>, AppError> {
        if !valid_job_id(id) {
            return Err(AppError::invalid(format!(
                "job id {id:?} must be 1 to 64 letters, digits, '-' or '_'"
            )));
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let mut jobs = lock(&self.jobs);
        if jobs.contains_key(id) {
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!("export {id} is already running; wait for it or cancel it"),
            ));
        }
        jobs.insert(id.to_string(), cancel.clone());
        Ok(Job { exports: self, id: id.to_string(), cancel })
    }

    /// Asks a running job to stop; `false` when none of that id runs.
    pub fn cancel(&self, id: &str) -> bool {
        match lock(&self.jobs).get(id) {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                tracing::info!(job = id, "export cancelled");
                true
            }
            None => false,
        }
    }

    fn work(&self, job: &Job<'_>) -> Work {
        Work {
            store: self.store.clone(),
            cancel: job.cancel.clone(),
            meter: Meter { job: job.id.clone(), notify: self.notify.clone(), last: None },
        }
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

    /// Writes the report of a case (blocking).
    pub fn case_report(&self, request: &CaseExport) -> Result<ExportOutcome, AppError> {
        let job = self.begin(&request.job)?;
        let mut work = self.work(&job);
        let options = precheck_case(&self.store, &request.actor, request.case_id)?;
        let stem = format!("case-{}-report-{}", request.case_id, day_of(&options.generated_at));
        let ask = self.save_ask("Save the case report", &stem, "PDF document", "pdf");
        let Some(dest) = self.destination(request.save_as, ask)? else {
            return Ok(no_file_chosen());
        };
        let made = write_case_report(&mut work, request.case_id, &options, &dest, &stem)?;
        Ok(self.outcome(made))
    }

    /// Writes the audit pack of a case (blocking).
    pub fn case_pack(&self, request: &CaseExport) -> Result<ExportOutcome, AppError> {
        let job = self.begin(&request.job)?;
        let mut work = self.work(&job);
        let options = precheck_case(&self.store, &request.actor, request.case_id)?;
        let stem = format!("case-{}-audit-pack-{}", request.case_id, day_of(&options.generated_at));
        let ask = self.save_ask("Save the audit pack", &stem, "ZIP archive", "zip");
        let Some(dest) = self.destination(request.save_as, ask)? else {
            return Ok(no_file_chosen());
        };
        let made = write_case_pack(&mut work, request.case_id, &options, &dest, &stem)?;
        Ok(self.outcome(made))
    }

    /// Writes the portfolio report and its CSV (blocking).
    pub fn portfolio(&self, request: &PortfolioExport) -> Result<ExportOutcome, AppError> {
        let job = self.begin(&request.job)?;
        let mut work = self.work(&job);
        let from = parse_day("from", &request.from)?;
        let to = parse_day("to", &request.to)?;
        if from > to {
            return Err(AppError::invalid(format!(
                "the period starts ({from}) after it ends ({to}); swap the dates"
            ))
            .with_field(Some("to")));
        }
        check_actor(&self.store, &request.actor)?;
        let generated_at = self.store.clock().now();
        let options =
            PortfolioOptions { from, to, generated_at, generated_by: request.actor.clone() };
        let stem = format!("portfolio-{from}-to-{to}-{}", day_of(&generated_at));
        let ask = self.save_ask("Save the portfolio report", &stem, "PDF document", "pdf");
        let Some(dest) = self.destination(request.save_as, ask)? else {
            return Ok(no_file_chosen());
        };
        let made = write_portfolio(&mut work, &options, &dest, &stem)?;
        Ok(self.outcome(made))
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

    /// Checks a spooled audit pack (blocking). The temp file goes when `spool` does.
    pub fn check_pack(
        &self,
        job: &str,
        spool: crate::uploads::Spool,
    ) -> Result<PackChecked, AppError> {
        let job = self.begin(job)?;
        let mut work = self.work(&job);
        let result = check_spooled(&mut work, &spool);
        drop(spool);
        result
    }
}

fn no_file_chosen() -> ExportOutcome {
    ExportOutcome::Cancelled { reason: "no file was chosen; nothing was written".into() }
}

fn parse_day(field: &str, text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(format!("{field} {text:?} is not a date like 2026-03-31")))
        .map_err(|e| e.with_field(Some(field)))
}

/// An active user, checked before anything is asked or written.
fn check_actor(store: &Store, actor: &str) -> Result<(), AppError> {
    match store.user(actor) {
        Ok(user) if user.active => Ok(()),
        Ok(_) | Err(vetdesk_core::StoreError::NotFound { .. }) => {
            Err(ReportError::UnknownUser(actor.to_string()).into())
        }
        Err(other) => Err(other.into()),
    }
}

fn precheck_case(store: &Store, actor: &str, case_id: CaseId) -> Result<ReportOptions, AppError> {
    check_actor(store, actor)?;
    store.case(case_id)?;
    Ok(ReportOptions { generated_at: store.clock().now(), generated_by: actor.to_string() })
}

fn write_case_report(
    work: &mut Work,
    case_id: CaseId,
    options: &ReportOptions,
    dest: &Destination,
    stem: &str,
) -> Result<Option<Made>, AppError> {
    let meter = &mut work.meter;
    let made = report::case_report(&work.store, case_id, options, &mut |p| meter.show(p))?;
    if work.cancelled() {
        return Ok(None);
    }
    work.meter.show(Progress { stage: Stage::Finishing, done: 0, total: 1 });
    let mut temp = dest.temp()?;
    temp.as_file_mut().write_all(&made.pdf.bytes).map_err(|e| write_error(temp.path(), &e))?;
    let (path, _) = dest.put(temp, stem, "pdf")?;
    work.meter.show(Progress { stage: Stage::Finishing, done: 1, total: 1 });
    Ok(Some(Made {
        files: vec![path],
        options: options.clone(),
        chain_head: Some(made.chain_head),
        pages: Some(as_u32(made.pdf.page_count)),
        evidence_files: None,
    }))
}

fn write_case_pack(
    work: &mut Work,
    case_id: CaseId,
    options: &ReportOptions,
    dest: &Destination,
    stem: &str,
) -> Result<Option<Made>, AppError> {
    let mut temp = dest.temp()?;
    let temp_path = temp.path().to_path_buf();
    let written = {
        let file = temp.as_file_mut();
        let mut out = CancelWrite {
            inner: BufWriter::with_capacity(BUF_LEN, file),
            cancel: work.cancel.clone(),
        };
        let meter = &mut work.meter;
        pack::write_pack(&work.store, case_id, options, &mut out, &mut |p| meter.show(p))
            .map_err(AppError::from)
            .and_then(|summary| {
                out.inner.flush().map_err(|e| write_error(&temp_path, &e))?;
                Ok(summary)
            })
    };
    // A cancelled pack fails at its next write; the temp file is dropped with it.
    if work.cancelled() {
        return Ok(None);
    }
    let summary = written?;
    let (path, _) = dest.put(temp, stem, "zip")?;
    Ok(Some(Made {
        files: vec![path],
        options: options.clone(),
        chain_head: Some(summary.chain_head),
        pages: Some(as_u32(summary.report_pages)),
        evidence_files: Some(as_u32(summary.evidence_files)),
    }))
}

fn write_portfolio(
    work: &mut Work,
    options: &PortfolioOptions,
    dest: &Destination,
    stem: &str,
) -> Result<Option<Made>, AppError> {
    // The core reports no progress for the portfolio: its steps are the stages.
    work.meter.show(Progress { stage: Stage::Reading, done: 0, total: 1 });
    let figures = report::portfolio(&work.store, options)?;
    work.meter.show(Progress { stage: Stage::Rendering, done: 0, total: 1 });
    let pdf = report::render_portfolio(&figures)?;
    if work.cancelled() {
        return Ok(None);
    }
    work.meter.show(Progress { stage: Stage::Finishing, done: 0, total: 1 });
    let mut pdf_temp = dest.temp()?;
    pdf_temp.as_file_mut().write_all(&pdf.bytes).map_err(|e| write_error(pdf_temp.path(), &e))?;
    let mut csv_temp = dest.temp()?;
    report::portfolio_csv(&figures, BufWriter::new(csv_temp.as_file_mut()))?;
    let (pdf_path, number) = dest.put(pdf_temp, stem, "pdf")?;
    let csv_path = dest.put_beside(csv_temp, &pdf_path, stem, number, "csv")?;
    work.meter.show(Progress { stage: Stage::Finishing, done: 1, total: 1 });
    Ok(Some(Made {
        files: vec![pdf_path, csv_path],
        options: ReportOptions {
            generated_at: options.generated_at,
            generated_by: options.generated_by.clone(),
        },
        chain_head: None,
        pages: Some(as_u32(pdf.page_count)),
        evidence_files: None,
    }))
}

fn check_spooled(work: &mut Work, spool: &crate::uploads::Spool) -> Result<PackChecked, AppError> {
    // Read through a second handle on the same open file: nothing reopens it by path.
    let mut file = spool.file.as_file().try_clone()?;
    file.seek(SeekFrom::Start(0))?;
    let reader =
        CancelRead { inner: BufReader::with_capacity(BUF_LEN, file), cancel: work.cancel.clone() };
    let meter = &mut work.meter;
    let result = pack::verify_pack_reader(reader, &spool.name, &mut |p| meter.show(p));
    if work.cancelled() {
        return Ok(PackChecked::Cancelled);
    }
    let file_name = spool.name.clone();
    match result {
        Ok(check) => Ok(PackChecked::Checked { file_name, refused: false, check }),
        Err(error @ (PackError::Unreadable { .. } | PackError::Hostile { .. })) => {
            let member = match &error {
                PackError::Hostile { entry, .. } => entry.clone(),
                _ => "archive".to_string(),
            };
            let check = PackCheck {
                ok: false,
                case_id: None,
                chain_head: None,
                audit_records: 0,
                members: 0,
                bytes: 0,
                problems: vec![PackProblem { member, message: error.to_string() }],
            };
            Ok(PackChecked::Checked { file_name, refused: true, check })
        }
        Err(other) => Err(other.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// Show in folder

/// `file://` URI of an absolute path: every byte but unreserved ones and `/` percent-encoded.
pub fn file_uri(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    let mut uri = String::from("file://");
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// Asks the desktop's file manager to show `path` selected in its folder.
#[cfg(target_os = "linux")]
fn reveal(path: &Path) -> Result<(), String> {
    use dbus::blocking::Connection;
    let bus = Connection::new_session().map_err(|e| {
        format!("There is no desktop session to ask ({})", e.message().unwrap_or("no session bus"))
    })?;
    let manager = bus.with_proxy(
        "org.freedesktop.FileManager1",
        "/org/freedesktop/FileManager1",
        Duration::from_secs(10),
    );
    let uri = file_uri(path);
    manager
        .method_call::<(), _, _, _>(
            "org.freedesktop.FileManager1",
            "ShowItems",
            (vec![uri.as_str()], ""),
        )
        .map_err(|e| {
            format!("No file manager answered ({})", e.message().unwrap_or("no reason given"))
        })
}

#[cfg(target_os = "macos")]
fn reveal(path: &Path) -> Result<(), String> {
    let status = std::process::Command::new("open")
        .arg("-R")
        .arg(path)
        .status()
        .map_err(|e| format!("Finder could not be asked ({e})"))?;
    if status.success() { Ok(()) } else { Err(format!("Finder said no ({status})")) }
}

#[cfg(windows)]
fn reveal(path: &Path) -> Result<(), String> {
    let mut select = OsString::from("/select,");
    select.push(path.as_os_str());
    // Explorer's exit code says nothing about success; only a failure to start counts.
    std::process::Command::new("explorer")
        .arg(select)
        .spawn()
        .map(drop)
        .map_err(|e| format!("Explorer could not be started ({e})"))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
fn reveal(_path: &Path) -> Result<(), String> {
    Err("This platform has no file manager Vetdesk knows how to ask".into())
}

/// Shows a file this run wrote in the file manager, or says where it is.
pub fn reveal_file(exports: &Exports, file_id: &str) -> Result<Revealed, AppError> {
    let path = exports.file(file_id).ok_or_else(|| {
        AppError::new(
            ErrorCode::NotFound,
            format!("file {file_id} was not written by this run of the app"),
        )
    })?;
    let shown = path.display().to_string();
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(Revealed::NotShown {
            message: format!("The file is no longer at {shown}; it was moved or deleted."),
            path: shown,
        });
    }
    match reveal(&path) {
        Ok(()) => Ok(Revealed::Shown),
        Err(why) => {
            tracing::info!(reason = %why, "show in folder failed");
            Ok(Revealed::NotShown {
                message: format!("Could not open the folder; the file is at {shown}. {why}."),
                path: shown,
            })
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Commands

/// Runs `f` on the blocking pool: exports read the store and write files for seconds.
async fn blocking<T, F>(exports: &State<'_, Arc<Exports>>, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&Exports) -> Result<T, AppError> + Send + 'static,
{
    let exports = Arc::clone(exports);
    tauri::async_runtime::spawn_blocking(move || f(&exports)).await.map_err(join_failed)?
}

#[tauri::command]
pub async fn export_folder(exports: State<'_, Arc<Exports>>) -> Result<ExportFolder, AppError> {
    Ok(ExportFolder { folder: exports.folder().current().display().to_string() })
}

#[tauri::command]
pub async fn export_case_report(
    exports: State<'_, Arc<Exports>>,
    request: CaseExport,
) -> Result<ExportOutcome, AppError> {
    blocking(&exports, move |e| e.case_report(&request)).await
}

#[tauri::command]
pub async fn export_case_pack(
    exports: State<'_, Arc<Exports>>,
    request: CaseExport,
) -> Result<ExportOutcome, AppError> {
    blocking(&exports, move |e| e.case_pack(&request)).await
}

#[tauri::command]
pub async fn export_portfolio(
    exports: State<'_, Arc<Exports>>,
    request: PortfolioExport,
) -> Result<ExportOutcome, AppError> {
    blocking(&exports, move |e| e.portfolio(&request)).await
}

#[tauri::command]
pub async fn export_cancel(
    exports: State<'_, Arc<Exports>>,
    request: JobRef,
) -> Result<bool, AppError> {
    Ok(exports.cancel(&request.job))
}

#[tauri::command]
pub async fn export_reveal(
    exports: State<'_, Arc<Exports>>,
    request: ExportedRef,
) -> Result<Revealed, AppError> {
    blocking(&exports, move |e| reveal_file(e, &request.file_id)).await
}

#[tauri::command]
pub async fn upload_begin_pack(
    state: State<'_, AppState>,
    request: SpoolUpload,
) -> Result<String, AppError> {
    state.uploads.begin_spool(request)
}

#[tauri::command]
pub async fn pack_check(
    state: State<'_, AppState>,
    exports: State<'_, Arc<Exports>>,
    request: PackCheckRequest,
) -> Result<PackChecked, AppError> {
    let spool = state.uploads.finish_spool(&request.token).await?;
    blocking(&exports, move |e| e.check_pack(&request.job, spool)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uploads::Uploads;
    use std::sync::OnceLock;

    struct Fixture {
        _data: tempfile::TempDir,
        out: tempfile::TempDir,
        store: Arc<Store>,
        exports: Arc<Exports>,
        events: Arc<Mutex<Vec<ExportProgress>>>,
        asked: Arc<Mutex<Vec<SaveAsk>>>,
        case_id: CaseId,
    }

    /// A store with an admin, a reviewer, a deactivated user and one case; exports go to a
    /// temp folder; "Save as…" answers `chosen` (relative to that folder).
    fn fixture(chosen: Option<&'static str>) -> Fixture {
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

    fn request(f: &Fixture, job: &str) -> CaseExport {
        CaseExport { actor: "rita".into(), case_id: f.case_id, job: job.into(), save_as: false }
    }

    fn written(outcome: ExportOutcome) -> (Vec<ExportedFile>, Option<String>, String) {
        match outcome {
            ExportOutcome::Written { files, chain_head, generated_by, .. } => {
                (files, chain_head, generated_by)
            }
            other => panic!("not written: {other:?}"),
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn numbered_names_count_up_as_file_managers_do() {
        let rows = [
            ("case-12-report-2026-11-25", "pdf", 1, "case-12-report-2026-11-25.pdf"),
            ("case-12-report-2026-11-25", "pdf", 2, "case-12-report-2026-11-25 (2).pdf"),
            (
                "portfolio-2026-01-01-to-2026-03-31",
                "csv",
                10,
                "portfolio-2026-01-01-to-2026-03-31 (10).csv",
            ),
            ("x", "zip", 0, "x.zip"),
        ];
        for (stem, ext, n, want) in rows {
            assert_eq!(numbered_name(stem, ext, n), want);
        }
    }

    #[test]
    fn the_exports_folder_is_the_env_var_else_documents_else_the_data_directory() {
        let data = Path::new("/data/vetdesk");
        let docs = Some(PathBuf::from("/home/ada/Documents"));
        // (VETDESK_EXPORT_DIR, documents folder, preferred, fallback)
        type Row<'a> = (Option<&'a str>, Option<PathBuf>, &'a str, Option<&'a str>);
        let rows: Vec<Row> = vec![
            (Some("/srv/audit"), docs.clone(), "/srv/audit", None),
            (Some("/srv/audit"), None, "/srv/audit", None),
            (
                Some(""),
                docs.clone(),
                "/home/ada/Documents/Vetdesk exports",
                Some("/data/vetdesk/exports"),
            ),
            (None, docs, "/home/ada/Documents/Vetdesk exports", Some("/data/vetdesk/exports")),
            (None, None, "/data/vetdesk/exports", None),
        ];
        for (env, documents, preferred, fallback) in rows {
            let choice = choose_folder(env.map(OsString::from), documents, data);
            assert_eq!(choice.preferred, PathBuf::from(preferred), "{env:?}");
            assert_eq!(choice.fallback, fallback.map(PathBuf::from), "{env:?}");
        }
        // A relative VETDESK_EXPORT_DIR is taken from where the app started.
        let relative = choose_folder(Some("out".into()), None, data);
        assert!(relative.preferred.is_absolute() && relative.preferred.ends_with("out"));
    }

    #[cfg(unix)]
    #[test]
    fn the_folder_is_made_owner_only_and_falls_back_when_it_cannot_be() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

        let choice =
            FolderChoice { preferred: root.path().join("Docs/Vetdesk exports"), fallback: None };
        assert_eq!(choice.current(), choice.preferred);
        let made = choice.create().unwrap();
        assert_eq!(made, choice.preferred);
        assert_eq!(mode(&made), 0o700);
        assert_eq!(names(&made), Vec::<String>::new(), "the write probe leaves nothing");

        // "Documents" is a file here: the data directory's folder is used instead.
        std::fs::write(root.path().join("NotADir"), b"x").unwrap();
        let blocked = FolderChoice {
            preferred: root.path().join("NotADir/Vetdesk exports"),
            fallback: Some(root.path().join("data/exports")),
        };
        assert_eq!(blocked.create().unwrap(), root.path().join("data/exports"));
        assert_eq!(mode(&root.path().join("data/exports")), 0o700);
        // Without a fallback the failure names the folder.
        let error = FolderChoice { fallback: None, ..blocked }.create().unwrap_err();
        assert_eq!(error.code, ErrorCode::Storage);
        assert!(error.message.contains("NotADir"), "{error}");
    }

    #[test]
    fn placing_a_file_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("r.pdf"), b"old").unwrap();
        std::fs::write(dir.path().join("r (2).pdf"), b"older").unwrap();
        for (content, want) in [("a", "r (3).pdf"), ("b", "r (4).pdf")] {
            let mut temp = NamedTempFile::new_in(dir.path()).unwrap();
            temp.write_all(content.as_bytes()).unwrap();
            let (path, n) = place_new(temp, dir.path(), "r", "pdf", 1).unwrap();
            assert_eq!(path.file_name().unwrap().to_string_lossy(), want);
            assert_eq!(n, numbered(want));
            assert_eq!(std::fs::read(&path).unwrap(), content.as_bytes());
        }
        assert_eq!(std::fs::read(dir.path().join("r.pdf")).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["r (2).pdf", "r (3).pdf", "r (4).pdf", "r.pdf"]);
    }

    fn numbered(name: &str) -> u32 {
        name.split_once('(').map_or(1, |(_, rest)| rest[..rest.find(')').unwrap()].parse().unwrap())
    }

    #[test]
    fn a_report_goes_to_the_folder_under_a_new_name_each_time() {
        let f = fixture(None);
        let (first, head, by) = written(f.exports.case_report(&request(&f, "r-1")).unwrap());
        let (second, head2, _) = written(f.exports.case_report(&request(&f, "r-2")).unwrap());
        let day = day_of(&f.store.clock().now());
        assert_eq!(first[0].name, format!("case-{}-report-{day}.pdf", f.case_id));
        assert_eq!(second[0].name, format!("case-{}-report-{day} (2).pdf", f.case_id));
        assert_eq!(by, "rita");
        assert_eq!(head, head2);
        let head = head.unwrap();
        assert_eq!(head.len(), 64);
        let folder = f.out.path().join("exports");
        assert_eq!(first[0].folder, folder.display().to_string());
        let path = f.exports.file(&first[0].file_id).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert_eq!(first[0].bytes, bytes.len() as u64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "reports carry personal data");
        }
        // No temp file is left beside them.
        assert_eq!(names(&folder).len(), 2);
        // Progress went from reading to finishing, under the job's id.
        let events = f.events.lock().unwrap();
        let first_job: Vec<_> = events.iter().filter(|e| e.job == "r-1").collect();
        assert_eq!(first_job.first().map(|e| e.stage), Some(Stage::Reading));
        let last = first_job.last().unwrap();
        assert_eq!((last.stage, last.done, last.total), (Stage::Finishing, 1, 1));
        assert!(first_job.iter().any(|e| e.stage == Stage::Rendering));
        assert!(f.asked.lock().unwrap().is_empty(), "no dialog without Save as");
    }

    #[test]
    fn exports_are_refused_before_any_work_for_a_bad_request() {
        let f = fixture(Some("never.pdf"));
        // (what, request edit, code)
        type Edit = fn(&mut CaseExport);
        let rows: Vec<(&str, Edit, ErrorCode)> = vec![
            ("unknown user", |r| r.actor = "nobody".into(), ErrorCode::UnknownUser),
            ("deactivated user", |r| r.actor = "gone".into(), ErrorCode::UnknownUser),
            ("no such case", |r| r.case_id = 999, ErrorCode::NotFound),
            ("bad job id", |r| r.job = "../x".into(), ErrorCode::InvalidInput),
            ("empty job id", |r| r.job = String::new(), ErrorCode::InvalidInput),
        ];
        for (what, edit, code) in rows {
            let mut r = request(&f, "j");
            r.save_as = true;
            edit(&mut r);
            let report = f.exports.case_report(&r).unwrap_err();
            let pack = f.exports.case_pack(&r).unwrap_err();
            assert_eq!((report.code, pack.code), (code, code), "{what}: {report}");
        }
        let unknown =
            f.exports.case_report(&CaseExport { actor: "nobody".into(), ..request(&f, "j") });
        assert!(unknown.unwrap_err().message.contains("Switch user"));
        assert!(f.asked.lock().unwrap().is_empty(), "nobody is asked where to save a refusal");
        assert_eq!(names(f.out.path()), Vec::<String>::new(), "nothing written");
    }

    #[test]
    fn save_as_writes_where_the_user_chose_and_a_closed_dialog_writes_nothing() {
        // The dialog's name lacks the extension: it is added.
        let f = fixture(Some("For the auditor"));
        let r = CaseExport { save_as: true, ..request(&f, "s") };
        let (files, _, _) = written(f.exports.case_pack(&r).unwrap());
        assert_eq!(files[0].name, "For the auditor.zip");
        assert_eq!(files[0].folder, f.out.path().display().to_string());
        let asked = f.asked.lock().unwrap().clone();
        assert_eq!(asked.len(), 1);
        let day = day_of(&f.store.clock().now());
        assert_eq!(asked[0].file_name, format!("case-{}-audit-pack-{day}.zip", f.case_id));
        assert_eq!(
            (asked[0].extension, asked[0].folder.clone()),
            ("zip", f.out.path().join("exports"))
        );
        // The dialog never asked about "For the auditor.zip": a second export keeps the first.
        let (again, _, _) = written(f.exports.case_pack(&r).unwrap());
        assert_eq!(again[0].name, "For the auditor (2).zip");

        // A full name was confirmed in the dialog, which asks before replacing: it is replaced.
        let g = fixture(Some("audit.zip"));
        let r = CaseExport { save_as: true, ..request(&g, "s") };
        written(g.exports.case_pack(&r).unwrap());
        let first = std::fs::read(g.out.path().join("audit.zip")).unwrap();
        assert!(first.starts_with(b"PK"));
        #[cfg(unix)]
        let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
        #[cfg(unix)]
        let before = inode(&g.out.path().join("audit.zip"));
        let report = CaseExport { job: "t".into(), ..r.clone() };
        let (files, _, _) = written(g.exports.case_report(&report).unwrap());
        assert_eq!(files[0].name, "audit.zip.pdf", "a report is a PDF whatever the name");
        written(g.exports.case_pack(&r).unwrap());
        assert_eq!(names(g.out.path()), ["audit.zip", "audit.zip.pdf"]);
        #[cfg(unix)]
        assert_ne!(inode(&g.out.path().join("audit.zip")), before, "renamed over the old one");

        let none = fixture(None);
        let outcome =
            none.exports.case_report(&CaseExport { save_as: true, ..request(&none, "s") });
        assert!(matches!(outcome.unwrap(), ExportOutcome::Cancelled { .. }));
        assert_eq!(names(none.out.path()), Vec::<String>::new());
    }

    #[test]
    fn a_cancelled_pack_stops_and_leaves_no_file() {
        let f = fixture(None);
        // Cancel as soon as the pack has read the case: the next write fails.
        let exports: Arc<OnceLock<std::sync::Weak<Exports>>> = Arc::new(OnceLock::new());
        let handle = exports.clone();
        let cancelled = Arc::new(AtomicBool::new(false));
        let seen = cancelled.clone();
        let store = f.store.clone();
        let pack = Arc::new(Exports::new(
            store,
            FolderChoice { preferred: f.out.path().join("exports"), fallback: None },
            Arc::new(move |p: ExportProgress| {
                if p.stage == Stage::Rendering && p.job == "p" {
                    if let Some(e) = handle.get().and_then(std::sync::Weak::upgrade) {
                        seen.store(e.cancel(&p.job), Ordering::Relaxed);
                    }
                }
            }),
            Arc::new(|_| None),
        ));
        exports.set(Arc::downgrade(&pack)).unwrap();
        let outcome = pack.case_pack(&request(&f, "p")).unwrap();
        assert!(cancelled.load(Ordering::Relaxed), "the job was running when cancelled");
        assert!(matches!(outcome, ExportOutcome::Cancelled { .. }), "{outcome:?}");
        assert_eq!(
            names(&f.out.path().join("exports")),
            Vec::<String>::new(),
            "no pack, no temp file"
        );
        // The job is over: cancelling it again finds nothing; another job runs to its end.
        assert!(!pack.cancel("p"));
        written(pack.case_pack(&request(&f, "p2")).unwrap());
    }

    #[test]
    fn the_portfolio_writes_a_pdf_and_its_csv_numbered_together() {
        let f = fixture(None);
        let today = f.store.clock().now().date();
        let r = PortfolioExport {
            actor: "ada".into(),
            from: (today - chrono::Days::new(30)).to_string(),
            to: today.to_string(),
            job: "pf".into(),
            save_as: false,
        };
        let stem = format!("portfolio-{}-to-{}-{}", r.from, r.to, day_of(&f.store.clock().now()));
        // A lone CSV of the first name exists: both files take the next number.
        let folder = f.exports.folder().create().unwrap();
        std::fs::write(folder.join(format!("{stem}.csv")), b"keep").unwrap();
        let (files, head, _) = written(f.exports.portfolio(&r).unwrap());
        assert_eq!(head, None);
        let got: Vec<_> = files.iter().map(|f| f.name.clone()).collect();
        assert_eq!(got, [format!("{stem}.pdf"), format!("{stem} (2).csv")]);
        let csv = std::fs::read_to_string(f.exports.file(&files[1].file_id).unwrap()).unwrap();
        assert!(csv.contains(&f.case_id.to_string()), "{csv}");
        assert_eq!(std::fs::read(folder.join(format!("{stem}.csv"))).unwrap(), b"keep");

        // (from, to, field refused)
        let rows = [
            ("2026-13-01", "2026-12-31", "from"),
            ("2026-01-01", "soon", "to"),
            ("2026-03-01", "2026-02-01", "to"),
        ];
        for (from, to, field) in rows {
            let bad = PortfolioExport { from: from.into(), to: to.into(), ..r.clone() };
            let error = f.exports.portfolio(&bad).unwrap_err();
            assert_eq!(
                (error.code, error.field.as_deref()),
                (ErrorCode::InvalidInput, Some(field)),
                "{error}"
            );
        }
    }

    #[test]
    fn two_jobs_of_one_id_do_not_run_at_once() {
        let f = fixture(None);
        let job = f.exports.begin("same").unwrap();
        let error = f.exports.case_report(&request(&f, "same")).unwrap_err();
        assert_eq!(error.code, ErrorCode::Conflict);
        drop(job);
        written(f.exports.case_report(&request(&f, "same")).unwrap());
    }

    /// Uploads `bytes` as the page does and checks them as a pack.
    fn check_bytes(f: &Fixture, name: &str, bytes: &[u8]) -> PackChecked {
        let uploads = Uploads::new(f.store.clone(), Arc::new(|_| {}));
        tauri::async_runtime::block_on(async {
            let token = uploads
                .begin_spool(SpoolUpload { name: name.into(), size: bytes.len() as u64 })
                .unwrap();
            let mut offset = 0;
            for piece in bytes.chunks(64 * 1024) {
                uploads.chunk(&token, offset, piece.to_vec()).await.unwrap();
                offset += piece.len() as u64;
            }
            let spool = uploads.finish_spool(&token).await.unwrap();
            assert_eq!(uploads.open_sessions(), 0);
            f.exports.check_pack("check", spool).unwrap()
        })
    }

    fn tmp_files(f: &Fixture) -> Vec<String> {
        names(&f.store.data_dir().root.join("tmp"))
    }

    #[test]
    fn an_uploaded_pack_is_checked_and_its_temp_file_removed() {
        let f = fixture(None);
        let (files, head, _) = written(f.exports.case_pack(&request(&f, "p")).unwrap());
        let pack = std::fs::read(f.exports.file(&files[0].file_id).unwrap()).unwrap();

        let PackChecked::Checked { file_name, refused, check } = check_bytes(&f, "pack.zip", &pack)
        else {
            panic!("not checked")
        };
        assert_eq!((file_name.as_str(), refused, check.ok), ("pack.zip", false, true), "{check:?}");
        assert_eq!(check.chain_head, head);
        assert_eq!(check.case_id, Some(f.case_id));
        assert_eq!(tmp_files(&f), Vec::<String>::new());

        // One byte of the stored report changed: the check names the member.
        let at = pack.windows(8).position(|w| w == b"%PDF-1.7" || w.starts_with(b"%PDF-")).unwrap();
        let mut tampered = pack.clone();
        tampered[at + 400] ^= 0x01;
        let PackChecked::Checked { refused, check, .. } =
            check_bytes(&f, "tampered.zip", &tampered)
        else {
            panic!("not checked")
        };
        assert!(!refused && !check.ok);
        assert!(check.problems.iter().any(|p| p.member == "report.pdf"), "{:?}", check.problems);

        // Not an archive at all: refused, and the reason names the uploaded file, not a temp path.
        let PackChecked::Checked { refused, check, .. } = check_bytes(&f, "notes.txt", b"hello")
        else {
            panic!("not checked")
        };
        assert!(refused && !check.ok);
        assert!(check.problems[0].message.contains("notes.txt"), "{:?}", check.problems);
        assert!(!check.problems[0].message.contains("tmp"), "{:?}", check.problems);
        assert_eq!(tmp_files(&f), Vec::<String>::new());
    }

    #[test]
    fn a_spooled_upload_that_does_not_add_up_is_not_checked_and_leaves_nothing() {
        let f = fixture(None);
        let uploads = Uploads::new(f.store.clone(), Arc::new(|_| {}));
        tauri::async_runtime::block_on(async {
            let token =
                uploads.begin_spool(SpoolUpload { name: "p.zip".into(), size: 10 }).unwrap();
            uploads.chunk(&token, 0, vec![0; 4]).await.unwrap();
            let error = uploads.chunk(&token, 9, vec![0; 4]).await.unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput, "out of order");
            assert_eq!(uploads.finish_spool(&token).await.unwrap_err().code, ErrorCode::NotFound);

            let token =
                uploads.begin_spool(SpoolUpload { name: "p.zip".into(), size: 10 }).unwrap();
            uploads.chunk(&token, 0, vec![0; 4]).await.unwrap();
            let error = uploads.finish_spool(&token).await.err().unwrap();
            assert!(error.message.contains("4 of 10"), "{error}");

            let token =
                uploads.begin_spool(SpoolUpload { name: "p.zip".into(), size: 10 }).unwrap();
            uploads.chunk(&token, 0, vec![0; 4]).await.unwrap();
            assert!(uploads.cancel(&token));
        });
        assert_eq!(tmp_files(&f), Vec::<String>::new());
        let error = uploads.begin_spool(SpoolUpload { name: " ".into(), size: 1 }).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn show_in_folder_takes_only_files_this_run_wrote() {
        let f = fixture(None);
        let error = reveal_file(&f.exports, "f999").unwrap_err();
        assert_eq!(error.code, ErrorCode::NotFound);
        let (files, _, _) = written(f.exports.case_report(&request(&f, "r")).unwrap());
        let path = f.exports.file(&files[0].file_id).unwrap();
        std::fs::remove_file(&path).unwrap();
        let Revealed::NotShown { message, path: shown } =
            reveal_file(&f.exports, &files[0].file_id).unwrap()
        else {
            panic!("a deleted file was shown")
        };
        assert_eq!(shown, path.display().to_string());
        assert!(message.contains("moved or deleted"), "{message}");
    }

    #[test]
    fn file_uris_escape_what_a_uri_cannot_carry() {
        let rows = [
            ("/tmp/r.pdf", "file:///tmp/r.pdf"),
            (
                "/home/zoë/Vetdesk exports/case-1 (2).pdf",
                "file:///home/zo%C3%AB/Vetdesk%20exports/case-1%20%282%29.pdf",
            ),
            ("/a#b?c%d", "file:///a%23b%3Fc%25d"),
        ];
        for (path, uri) in rows {
            assert_eq!(file_uri(Path::new(path)), uri);
        }
    }
}
