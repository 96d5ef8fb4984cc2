//! The case store: one database and the evidence files beside it, in one data directory.
//! Every write is a `Change` applied through `Store::apply`, which writes the new state and its
//! audit record in one transaction (docs/architecture.md, "The one door"); every read runs in
//! one read transaction through a `Reader`. All SQL sits behind the seam in `db`
//! (README.md here), so that another database can be added beside SQLite.
//!
//! Layout: `db` the seam and the SQLite backend; `tables` one query module per table; `apply`
//! the write path by area; `rules` the rules apply enforces and a UI asks about; `reader` and
//! `views` the reads; `write` the write API; `engine` the red-flag engine; `derived` the search
//! index and link keys; `verify` the proof that the tables say what the log says.

mod adverse;
mod apply;
mod config;
mod db;
mod derived;
pub mod encrypt;
mod engine;
mod files;
mod hire;
mod monitoring;
mod posthire;
mod push;
mod reader;
mod retention;
pub mod rules;
mod search;
mod secret;
mod stale;
mod switching;
mod tables;
mod team;
mod unlock;
mod verify;
mod views;
mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

pub use crate::chain::StoredAuditRecord;
pub use adverse::{NoticeDraft, RenderNotice};
pub use apply::check_agency;
pub use apply::{Applied, MAX_IP_LIST_ROWS, RaisedFlag, Recorded};
pub use config::{Config, Paper, RetentionSettings};
pub use db::postgres::AuditListener;
pub use db::{DbError, DbErrorKind};
pub use hire::{HireOf, Hired, MAX_TELEMETRY_BYTES, TelemetryOutcome};
pub use monitoring::{
    AlertEvent, InvestigationOpened, MAX_ALERT_EVENTS, MonitoredEmployee, MonitoringAlert,
};
pub use push::{Pushed, parse_mapping};
pub use reader::Reader;
pub use retention::{CaseRetention, Erasure, PlanEntry};
pub use rules::{
    Action, Citable, EVERIFY_PREREQUISITES, FieldLimit, FieldProblem, ItemOptions, Missing,
    Permissions, ResultOption, StatusMove,
};
pub use search::{SearchHit, SearchKind};
pub use secret::KEY_FILE as PAYMENT_KEY_FILE;
pub use stale::BasedOn;
pub use tables::adverse::{AdverseAction, AdverseNotice, PreNotice, wait_ends_on};
pub use tables::policy::{PolicySet, PolicyValue};
pub use tables::queue::{
    AssigneeFilter, CaseFilter, CaseSort, CaseSummary, Progress, QUEUE_PAGE_MAX, QUEUE_SEARCH_HITS,
    QueuePage, QueueQuery, QueueSort, QueueStatus, StatusCounts, VendorFilter,
};
pub use team::{TeamInit, TeamSignIn, team_sign_in};
pub use verify::{ChainSummary, ErasedPerson, Problem, ProblemKind, Trust, VerifyReport};
pub use views::{
    CaseDetail, CaseVerification, ChecklistEntry, DocumentView, EVerifyView, ObservedIpView,
};
pub use write::{ImportOutcome, ImportedRow, NewCase};

use crate::error::UnknownValue;
use crate::import::RowError;
use crate::model::{Field, Timestamp};
use crate::template::TemplateError;
use db::Backend;
use db::sqlite::SqliteBackend;
pub use unlock::{FromKeyring, KEY_FILE as DATA_KEY_FILE};
use vetdesk_crypto::DataKey;

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "vetdesk.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Input that cannot be accepted; the message says what and where, `field` which input
    /// field it is about when it is about one.
    #[error("{message}")]
    Invalid { field: Option<Field>, message: String },
    /// `hidden_to`: in team mode, the login that may not see every case, when the missing
    /// thing is a case (it may exist and be hidden from them by the row rules).
    #[error("{what} {id} not found{}", hidden_note(.hidden_to.as_deref()))]
    NotFound { what: &'static str, id: String, field: Option<Field>, hidden_to: Option<String> },
    #[error("{actor} ({role}) may not {action}")]
    Forbidden { actor: String, role: String, action: String },
    /// The change contradicts the current state (e.g. a status move that is not allowed).
    #[error("{message}")]
    Conflict { field: Option<Field>, message: String },
    #[error(
        "no user named {0:?}; pass --as USER (or set VETDESK_USER) with a user from `vetdesk user list`"
    )]
    UnknownActor(String),
    #[error(
        "no Vetdesk database in {0} (run `vetdesk init`, or check --data-dir / VETDESK_DATA_DIR)"
    )]
    NoDatabase(PathBuf),
    #[error(
        "the database was written by a newer Vetdesk (schema version {found}; this build knows up to {supported}); upgrade Vetdesk to open it"
    )]
    NewerSchema { found: u32, supported: u32 },
    #[error("schema migration {name} failed: {message}")]
    Migration { name: String, message: String },
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    /// Stored data that does not parse; `verify` tells more.
    #[error("stored data is damaged: {0} (run `vetdesk verify`)")]
    Corrupt(String),
    /// Rows of an import that were refused; nothing was written.
    #[error("{} row(s) refused; nothing was imported:\n{}", .0.len(), .0.iter().map(|e| format!("  line {}: {}", e.line, e.message)).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<RowError>),
    #[error("{0}")]
    Template(#[from] TemplateError),
    #[error("{0}")]
    Value(#[from] UnknownValue),
    #[error("{0}")]
    Evidence(#[from] crate::evidence::EvidenceError),
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    #[error("database error: {0}")]
    Database(#[from] DbError),
    #[error("could not encode a change: {0}")]
    Json(#[from] serde_json::Error),
    /// The directory is encrypted and no data key was given.
    #[error(
        "the data directory {0} is encrypted: give its passphrase (VETDESK_PASSPHRASE_FILE, or type it when asked)"
    )]
    Locked(PathBuf),
    #[error("wrong passphrase for this data directory (nothing was changed)")]
    WrongPassphrase,
    /// The database does not open with the data key (another directory's key, or damage).
    #[error("{path}: the database cannot be read with this data directory's key")]
    WrongKey { path: PathBuf },
    #[error("{0}")]
    Key(vetdesk_crypto::KeyError),
    /// A change made on a state of a case that someone else has altered since in what the
    /// change rests on (`store/stale.rs`): `what` names it ("checklist item X of case N",
    /// "case N"), `by` and `at` are the actor and time of the newest record that touched it.
    /// The client reads the case again and shows this.
    #[error("{what} was changed by {by} at {}, reload", .at.readable())]
    Stale { case_id: crate::model::CaseId, what: String, by: String, at: crate::model::Timestamp },
}

impl StoreError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        StoreError::Io { context: context.into(), source }
    }
    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound { what, id: id.to_string(), field: None, hidden_to: None }
    }
    /// A case that is not there, or (in team mode, for a login that may not see every case)
    /// not visible to the signed-in login: the two look the same to it, and the message says so.
    pub(crate) fn no_case(db: &dyn db::Db, id: impl ToString) -> Self {
        let hidden_to = db.blind_login().ok().flatten();
        StoreError::NotFound { what: "case", id: id.to_string(), field: None, hidden_to }
    }
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        StoreError::Invalid { field: None, message: message.into() }
    }
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        StoreError::Conflict { field: None, message: message.into() }
    }

    /// The same refusal, about `field` (no effect on errors that are not refusals of input).
    pub(crate) fn at(mut self, at: Field) -> Self {
        match &mut self {
            StoreError::Invalid { field, .. }
            | StoreError::Conflict { field, .. }
            | StoreError::NotFound { field, .. } => *field = Some(at),
            _ => {}
        }
        self
    }

    /// The kind of error as a fixed word: what a log line carries instead of the message,
    /// which may quote what a person typed (a name, an email, a phone number).
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Invalid { .. } => "invalid",
            StoreError::NotFound { .. } => "not_found",
            StoreError::Forbidden { .. } => "forbidden",
            StoreError::Conflict { .. } => "conflict",
            StoreError::UnknownActor(_) => "unknown_actor",
            StoreError::NoDatabase(_) => "no_database",
            StoreError::NewerSchema { .. } => "newer_schema",
            StoreError::Migration { .. } => "migration",
            StoreError::Config { .. } => "config",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::Rows(_) => "rows_refused",
            StoreError::Template(_) => "template",
            StoreError::Value(_) => "value",
            StoreError::Evidence(_) => "evidence",
            StoreError::Io { .. } => "io",
            StoreError::Database(_) => "database",
            StoreError::Json(_) => "json",
            StoreError::Locked(_) => "locked",
            StoreError::WrongPassphrase => "wrong_passphrase",
            StoreError::WrongKey { .. } => "wrong_key",
            StoreError::Key(_) => "key",
            StoreError::Stale { .. } => "stale",
        }
    }

    /// Logs that an operation failed: its code, the field and the operation, never the
    /// message (the README promises logs without personal data).
    pub(crate) fn log(&self, operation: &'static str) {
        let field = self.field().map(|f| format!("{f:?}"));
        tracing::error!(code = self.code(), field, operation, "operation failed");
    }

    /// The input field a refusal is about, when it is about one.
    pub fn field(&self) -> Option<Field> {
        match self {
            StoreError::Invalid { field, .. }
            | StoreError::Conflict { field, .. }
            | StoreError::NotFound { field, .. } => *field,
            _ => None,
        }
    }
}

/// What a "not found" adds for a login the row rules hide some cases from.
fn hidden_note(hidden_to: Option<&str>) -> String {
    match hidden_to {
        None => String::new(),
        Some(login) => format!(
            ", or not visible to {login}: investigation and monitoring cases are visible only \
             to investigators, compliance, admins and the case's assignee"
        ),
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Where the time of each change comes from. Tests and reproducible runs use a fixed clock.
#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    pub fn system() -> Self {
        Clock(None)
    }
    pub fn fixed(at: Timestamp) -> Self {
        Clock(Some(Arc::new(AtomicI64::new(at.as_datetime().timestamp_millis()))))
    }
    pub fn now(&self) -> Timestamp {
        match &self.0 {
            None => Timestamp::now(),
            Some(millis) => {
                let at = chrono::DateTime::from_timestamp_millis(millis.load(Ordering::SeqCst));
                at.map(Timestamp::from_datetime).unwrap_or_else(Timestamp::now)
            }
        }
    }
    /// Moves a fixed clock (no effect on the system clock).
    pub fn set(&self, at: Timestamp) {
        if let Some(millis) = &self.0 {
            millis.store(at.as_datetime().timestamp_millis(), Ordering::SeqCst);
        }
    }
    pub fn advance(&self, by: chrono::Duration) {
        if let Some(millis) = &self.0 {
            millis.fetch_add(by.num_milliseconds(), Ordering::SeqCst);
        }
    }
}

/// Whether `open` may create a new data directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    CreateIfMissing,
    MustExist,
}

/// The files of one data directory.
#[derive(Clone, Debug)]
pub struct DataDir {
    pub root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }
    /// `--data-dir`, else `VETDESK_DATA_DIR`, else the platform's data directory.
    pub fn resolve(explicit: Option<&Path>) -> Result<Self> {
        if let Some(dir) = explicit {
            return Ok(DataDir::new(dir));
        }
        if let Some(dir) = std::env::var_os("VETDESK_DATA_DIR").filter(|d| !d.is_empty()) {
            return Ok(DataDir::new(dir));
        }
        dirs::data_dir().map(|d| DataDir::new(d.join("vetdesk"))).ok_or_else(|| {
            StoreError::invalid(
                "no platform data directory; pass --data-dir or set VETDESK_DATA_DIR",
            )
        })
    }
    pub fn database(&self) -> PathBuf {
        self.root.join(DATABASE_FILE)
    }
    pub fn config_file(&self) -> PathBuf {
        self.root.join("config.toml")
    }
}

const WAL_FILE: &str = "vetdesk.db-wal";
const SHM_FILE: &str = "vetdesk.db-shm";

/// The data directory 0700 and the database files 0600: they hold names, addresses and
/// account masks, which other local users must not read. Applied at every open, so a
/// directory made by an older version (0755, files 0644) is fixed too. A failure (a
/// directory owned by someone else) is logged and does not stop the open.
fn restrict_permissions(root: &Path, files: &[&str]) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let set = |path: &Path, mode: u32| match std::fs::symlink_metadata(path) {
            Ok(m) if m.permissions().mode() & 0o777 != mode && !m.file_type().is_symlink() => {
                if let Err(e) =
                    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                {
                    tracing::warn!(error = %e.kind(), mode, "could not restrict permissions");
                }
            }
            _ => {}
        };
        if files.is_empty() {
            set(root, 0o700);
        }
        for file in files {
            set(&root.join(file), 0o600);
        }
    }
    #[cfg(not(unix))]
    let _ = (root, files);
}

pub struct Store {
    dir: DataDir,
    config: Config,
    clock: Clock,
    /// The data key of an encrypted directory; evidence files are sealed under it.
    key: Option<Arc<DataKey>>,
    backend: Box<dyn Backend>,
    /// Team mode: the database and login (for the connections that manage logins).
    team: Option<db::postgres::Target>,
    /// Team mode: where evidence bytes are read from (the team database's chunks).
    chunks: Option<Arc<dyn crate::evidence::chunked::ChunkSource>>,
    /// Team mode: ingests waiting for the change that stores them.
    pending: crate::evidence::chunked::Pending,
}

impl Store {
    /// Opens (and with `CreateIfMissing` creates) the store in a data directory, bringing the
    /// schema up to date.
    pub fn open(dir: DataDir, mode: OpenMode, clock: Clock) -> Result<Store> {
        Store::open_with_key(dir, mode, clock, None)
    }

    /// `open`, for an encrypted directory with its data key (from [`DataDir::unlock`] or
    /// [`DataDir::create_key`]); `None` for a plain one. An encrypted directory without its
    /// key is [`StoreError::Locked`], a key for a plain one or another directory is refused.
    #[tracing::instrument(skip_all, fields(dir = %dir.root.display()))]
    pub fn open_with_key(
        dir: DataDir,
        mode: OpenMode,
        clock: Clock,
        key: Option<Arc<DataKey>>,
    ) -> Result<Store> {
        let db_path = dir.database();
        if mode == OpenMode::MustExist && !db_path.is_file() {
            return Err(StoreError::NoDatabase(dir.root.clone()));
        }
        match (&key, dir.is_encrypted()) {
            (None, true) => return Err(StoreError::Locked(dir.root.clone())),
            (Some(_), false) => {
                return Err(StoreError::invalid(format!(
                    "{} is not an encrypted data directory (no {})",
                    dir.root.display(),
                    unlock::KEY_FILE
                )));
            }
            (Some(key), true) => {
                let wrapped =
                    vetdesk_crypto::WrappedKey::load(&dir.key_file()).map_err(StoreError::Key)?;
                if wrapped.key_id() != Some(key.id()) {
                    return Err(StoreError::WrongKey { path: dir.key_file() });
                }
            }
            (None, false) => {}
        }
        std::fs::create_dir_all(&dir.root).map_err(|e| {
            StoreError::io(format!("cannot create data directory {}", dir.root.display()), e)
        })?;
        restrict_permissions(&dir.root, &[]);
        let config = Config::load(&dir.config_file())?;
        let (backend, found) =
            SqliteBackend::open(&db_path, key.as_ref().map(|k| k.sqlcipher_key()))?;
        // SQLite gives the WAL and shared-memory files the database file's mode.
        restrict_permissions(&dir.root, &[DATABASE_FILE, WAL_FILE, SHM_FILE]);
        if found == 1 {
            // The link index and address history arrived with schema 2: build them for the
            // candidates already there.
            backend.write(&mut |db| derived::rebuild_links(db))?;
        }
        // Temp files of an ingest that was killed mid-way are harmless but take space.
        match crate::evidence::EvidenceFiles::new(&dir.root).remove_stale_temp() {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(removed = n, "removed temp files left by an interrupted ingest")
            }
            Err(e) => tracing::warn!(error = %e, "could not clean the temp folder"),
        }
        Ok(Store {
            dir,
            config,
            clock,
            key,
            backend: Box::new(backend),
            team: None,
            chunks: None,
            pending: Default::default(),
        })
    }

    /// Opens the store on a team database (PostgreSQL, `url` in libpq form), with `dir` as the
    /// local directory for its configuration and evidence files. The schema is created or
    /// brought up to date when the login may (the database owner); a newer one is refused.
    #[tracing::instrument(skip_all)]
    pub fn open_postgres(dir: DataDir, url: &str, clock: Clock) -> Result<Store> {
        Store::open_postgres_with_password(dir, url, None, clock)
    }

    /// As [`Store::open_postgres`], with a password typed at a prompt in place of what the URL,
    /// `PGPASSWORD` or the password file give. Without one, a server that asks for a password
    /// is answered with a [`DbError`] whose `is_password_needed()` holds.
    pub fn open_postgres_with_password(
        dir: DataDir,
        url: &str,
        password: Option<&str>,
        clock: Clock,
    ) -> Result<Store> {
        std::fs::create_dir_all(&dir.root).map_err(|e| {
            StoreError::io(format!("cannot create data directory {}", dir.root.display()), e)
        })?;
        restrict_permissions(&dir.root, &[]);
        let config = Config::load(&dir.config_file())?;
        let (backend, _found) = db::postgres::PostgresBackend::open(url, password)?;
        // Ingests of a process killed before their record was applied (team evidence waits in
        // `tmp/` only until then).
        if let Err(e) = crate::evidence::EvidenceFiles::new(&dir.root).remove_stale_temp() {
            tracing::warn!(error = %e, "could not clean the temp folder");
        }
        let team = Some(backend.target().clone());
        let chunks: Option<Arc<dyn crate::evidence::chunked::ChunkSource>> =
            Some(Arc::new(db::postgres::PgChunks::new(backend.target().clone())));
        Ok(Store {
            dir,
            config,
            clock,
            key: None,
            backend: Box::new(backend),
            team,
            chunks,
            pending: Default::default(),
        })
    }

    /// A store in a new temporary directory, removed when the returned guard is dropped.
    pub fn open_temp() -> Result<(tempfile::TempDir, Store)> {
        let temp = tempfile::tempdir().map_err(|e| StoreError::io("cannot create temp dir", e))?;
        let store =
            Store::open(DataDir::new(temp.path()), OpenMode::CreateIfMissing, Clock::system())?;
        Ok((temp, store))
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.dir
    }
    pub fn config(&self) -> &Config {
        &self.config
    }
    pub fn clock(&self) -> &Clock {
        &self.clock
    }
    /// The schema version this build writes, of this store's backend (PostgreSQL's goes past
    /// SQLite's with the row rules of team mode).
    pub fn schema_version(&self) -> u32 {
        if self.team.is_some() {
            db::postgres::schema_version()
        } else {
            SqliteBackend::schema_version()
        }
    }

    /// Runs `work` all or nothing: every write it makes through this store (on this thread) is
    /// kept when it returns `Ok`, and none when it returns an error or panics. Reads inside it
    /// see its writes; other readers see them all at once at the end, and other writers wait.
    /// Evidence files it ingested stay in the evidence folder (content-addressed, unreferenced,
    /// harmless). For work made of several writes that must not be left half done, such as
    /// loading the sample cohort.
    pub fn all_or_nothing<T, E: From<StoreError>>(
        &self,
        work: impl FnOnce() -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut work = Some(work);
        let mut out: Option<std::result::Result<T, E>> = None;
        let ran = self.backend.all_or_nothing(&mut || {
            let Some(work) = work.take() else { return Ok(()) };
            let result = work();
            let failed = result.is_err();
            out = Some(result);
            if failed {
                // Any error rolls back; the caller gets its own error below.
                return Err(StoreError::conflict("the batch failed"));
            }
            Ok(())
        });
        match (out, ran) {
            (Some(Err(e)), _) => Err(e),
            (_, Err(e)) => Err(e.into()),
            (Some(Ok(value)), Ok(())) => Ok(value),
            (None, Ok(())) => Err(StoreError::Corrupt("a batch did not run".into()).into()),
        }
    }

    /// Folds the write-ahead log into the database and cuts it back to nothing: for after a
    /// bulk write, so that later processes do not read a large log at open.
    pub fn fold_wal(&self) -> Result<()> {
        self.backend.fold_wal()
    }

    /// Recomputes every audit chain, replays the log against the tables, and re-hashes every
    /// evidence file. Never changes anything.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.verify_with(&Trust::default())
    }

    /// `verify`, and the signed checkpoints checked against what the user trusts: the
    /// organisation's public key and the checkpoints they kept outside the data directory.
    pub fn verify_with(&self, trust: &Trust) -> Result<VerifyReport> {
        let mut report = None;
        self.backend.read_fresh(&mut |db| {
            report = Some(verify::verify(db, &self.files(), trust)?);
            Ok(())
        })?;
        report.ok_or_else(|| StoreError::Corrupt("the verification did not run".into()))
    }
}
