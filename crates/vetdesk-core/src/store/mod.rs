//! The case store: one SQLite database and the evidence files beside it, in one data directory.
//! Every write is a `Change` applied through `Store::apply`, which writes the new state and its
//! audit record in one transaction (DESIGN.md principle 1). Reads go through a second
//! connection so that a long read never waits on a write, and the other way round.
//!
//! The store is the one interface to persistence; a shared server (PostgreSQL) for teams that
//! outgrow one machine would sit behind these same methods.

mod apply;
mod audit;
mod candidates;
mod cases;
mod config;
mod derived;
mod files;
pub mod rules;
mod schema;
mod search;
mod snapshot;
mod users;
mod vendors;
mod verification;
mod verify;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::chain::StoredAuditRecord;
pub use cases::{
    CaseDetail, CaseFilter, CaseSort, CaseSummary, ChecklistEntry, Progress, StatusMove,
};
pub use config::Config;
pub use rules::{Action, FieldLimit, FieldProblem, ItemOptions, Permissions, ResultOption};
pub use search::SearchHit;
pub use snapshot::Snapshot;
pub use verification::secret::KEY_FILE as PAYMENT_KEY_FILE;
pub use verification::{
    CaseVerification, DocumentView, EVERIFY_PREREQUISITES, EVerifyView, MAX_IP_LIST_ROWS,
    ObservedIpView,
};
pub use verify::{Problem, ProblemKind, VerifyReport};

use crate::change::Change;
use crate::error::{Field, UnknownValue};
use crate::import::{ImportFile, ImportRow, RowError};
use crate::model::{
    AuditRecord, Candidate, CandidateFields, CandidateId, Case, CaseId, CaseKind, Chain, Evidence,
    EvidenceId, ItemResult, Note, Priority, Timestamp, User, Vendor, VendorId,
};
use crate::template::TemplateError;

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "vetdesk.db";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Input that cannot be accepted; the message says what and where, `field` which input
    /// field it is about when it is about one.
    #[error("{message}")]
    Invalid { field: Option<Field>, message: String },
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String, field: Option<Field> },
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
    Sqlite(#[from] rusqlite::Error),
    #[error("could not encode a change: {0}")]
    Json(#[from] serde_json::Error),
}

impl StoreError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        StoreError::Io { context: context.into(), source }
    }
    pub(crate) fn not_found(what: &'static str, id: impl ToString) -> Self {
        StoreError::NotFound { what, id: id.to_string(), field: None }
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

/// The case to open with a new candidate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewCase {
    pub kind: CaseKind,
    pub assignee: Option<String>,
    pub priority: Priority,
    pub due_on: Option<chrono::NaiveDate>,
}

/// What an import did, row by row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportOutcome {
    pub created: Vec<ImportedRow>,
    pub updated: Vec<ImportedRow>,
    pub unchanged: Vec<ImportedRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportedRow {
    pub line: u64,
    pub candidate_id: CandidateId,
    /// The pre-hire case opened for a new candidate.
    pub case_id: Option<CaseId>,
}

enum RowOutcome {
    Created(ImportedRow),
    Updated(ImportedRow),
    Unchanged(ImportedRow),
}

/// What `apply` returns for each change: the change as recorded and its audit record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Applied {
    pub change: Change,
    pub record: AuditRecord,
    /// Red flags the change raised or cleared, applied right after it in the same transaction
    /// (each with its own audit record in the case's chain).
    pub flags: Vec<Applied>,
}

pub struct Store {
    dir: DataDir,
    config: Config,
    clock: Clock,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
}

impl Store {
    /// Opens (and with `CreateIfMissing` creates) the store in a data directory, bringing the
    /// schema up to date.
    #[tracing::instrument(skip_all, fields(dir = %dir.root.display()), err)]
    pub fn open(dir: DataDir, mode: OpenMode, clock: Clock) -> Result<Store> {
        let db_path = dir.database();
        if mode == OpenMode::MustExist && !db_path.is_file() {
            return Err(StoreError::NoDatabase(dir.root.clone()));
        }
        std::fs::create_dir_all(&dir.root).map_err(|e| {
            StoreError::io(format!("cannot create data directory {}", dir.root.display()), e)
        })?;
        let config = Config::load(&dir.config_file())?;
        let mut writer = Connection::open(&db_path)?;
        schema::configure(&writer)?;
        schema::enable_wal(&writer)?;
        let before: u32 = writer.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        schema::migrate(&mut writer)?;
        if before == 1 {
            // The link index and address history arrived with schema 2: build them for the
            // candidates already there.
            let tx = writer.transaction()?;
            verification::rebuild_derived(&tx)?;
            tx.commit()?;
        }
        let reader = Connection::open_with_flags(
            &db_path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        schema::configure(&reader)?;
        // Temp files of an ingest that was killed mid-way are harmless but take space.
        match crate::evidence::EvidenceFiles::new(&dir.root).remove_stale_temp() {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(removed = n, "removed temp files left by an interrupted ingest")
            }
            Err(e) => tracing::warn!(error = %e, "could not clean the temp folder"),
        }
        Ok(Store { dir, config, clock, writer: Mutex::new(writer), reader: Mutex::new(reader) })
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
    pub fn schema_version(&self) -> u32 {
        schema::latest_version()
    }

    fn read(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-done write behind (SQLite rolls
        // back), so a poisoned lock is still safe to use.
        self.reader.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The one door for writes: applies one change as `actor`.
    pub fn apply(&self, actor: &str, change: Change) -> Result<Applied> {
        let mut applied = self.apply_all(actor, vec![change])?;
        applied.pop().ok_or_else(|| StoreError::invalid("nothing to apply"))
    }

    /// Applies several changes as one transaction: all of them or none. Stops at the first
    /// change that is refused.
    #[tracing::instrument(skip(self, changes), fields(changes = changes.len()), err)]
    pub fn apply_all(&self, actor: &str, changes: Vec<Change>) -> Result<Vec<Applied>> {
        let mut conn = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = self.clock.now();
        let mut applied = Vec::with_capacity(changes.len());
        for change in changes {
            if change.is_internal() {
                return Err(StoreError::invalid(format!(
                    "{} changes are made by the store itself when the facts under a flag change",
                    change.kind()
                )));
            }
            applied.push(self.apply_in(&tx, actor, &at, change)?);
        }
        tx.commit()?;
        Ok(applied)
    }

    /// Checks, writes and records one change inside a transaction.
    fn apply_in(
        &self,
        tx: &Connection,
        actor: &str,
        at: &Timestamp,
        change: Change,
    ) -> Result<Applied> {
        let acting = apply::acting_user(tx, actor, &change)?;
        let resolved = apply::resolve(tx, &acting, at, &self.dir.root, &self.config, change)?;
        // Cases whose flags the change may touch, asked before the write (a value being
        // replaced) and after it (the new value); flag changes themselves touch nothing.
        let mut watched = verification::watch(tx, &resolved)?;
        apply::write_effects(tx, at, &acting.name, &resolved)?;
        derived::after_change(tx, at, &resolved)?;
        let value = serde_json::to_value(&resolved)?;
        let record = audit::append(tx, resolved.chain(), at, &acting.name, &value)?;
        tracing::debug!(kind = resolved.kind(), chain = %record.chain, seq = record.seq, "applied");
        watched.extend(verification::watch(tx, &resolved)?);
        let mut flags = Vec::new();
        for case_id in watched {
            for flag_change in verification::reflag(tx, case_id, at, &self.config)? {
                flags.push(self.apply_in(tx, &acting.name, at, flag_change)?);
            }
        }
        Ok(Applied { change: resolved, record, flags })
    }

    /// Adds a candidate and, when asked, opens a case for them, in one transaction: a
    /// candidate is never left without the case the user asked for.
    pub fn add_candidate(
        &self,
        actor: &str,
        candidate: CandidateFields,
        case: Option<NewCase>,
    ) -> Result<Vec<Applied>> {
        let mut conn = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = self.clock.now();
        let added = self.apply_in(&tx, actor, &at, Change::AddCandidate { id: None, candidate })?;
        let mut applied = vec![added];
        if let (Some(case), Change::AddCandidate { id: Some(candidate_id), .. }) =
            (case, &applied[0].change)
        {
            let opened = self.apply_in(
                &tx,
                actor,
                &at,
                Change::OpenCase {
                    id: None,
                    candidate_id: *candidate_id,
                    kind: case.kind,
                    assignee: case.assignee,
                    priority: case.priority,
                    due_on: case.due_on,
                    template: None,
                },
            )?;
            applied.push(opened);
        }
        tx.commit()?;
        Ok(applied)
    }

    /// Imports candidates from a parsed file, all or nothing: a row whose `external_id` is new
    /// adds a candidate (and, with `open_cases`, opens a pre-hire case for them); a known one
    /// updates the columns the file has; an unchanged one is left alone. Every refused row is
    /// reported with its line, and then nothing is written.
    #[tracing::instrument(skip(self, file), fields(rows = file.rows.len()), err)]
    pub fn import_candidates(
        &self,
        actor: &str,
        file: &ImportFile,
        open_cases: bool,
    ) -> Result<ImportOutcome> {
        let mut conn = self.writer.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = self.clock.now();
        let mut outcome = ImportOutcome::default();
        let mut errors = Vec::new();
        for row in &file.rows {
            // Each row in a savepoint: a refused row leaves nothing behind, and the rows after
            // it are still checked so that the user sees every problem at once.
            let sp = tx.savepoint()?;
            match self.import_row(&sp, actor, &at, file, row, open_cases) {
                Ok(result) => {
                    sp.commit()?;
                    match result {
                        RowOutcome::Created(line) => outcome.created.push(line),
                        RowOutcome::Updated(line) => outcome.updated.push(line),
                        RowOutcome::Unchanged(line) => outcome.unchanged.push(line),
                    }
                }
                Err(e) => errors.push(RowError { line: row.line, message: e.to_string() }),
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Rows(errors));
        }
        tx.commit()?;
        Ok(outcome)
    }

    fn import_row(
        &self,
        tx: &Connection,
        actor: &str,
        at: &Timestamp,
        file: &ImportFile,
        row: &ImportRow,
        open_cases: bool,
    ) -> Result<RowOutcome> {
        let existing = candidates::by_external_id(tx, &row.external_id)?;
        let mut fields = existing.as_ref().map(|c| c.fields.clone()).unwrap_or_default();
        fields.external_id = Some(row.external_id.clone());
        fields.legal_name = row.full_name.clone();
        if file.has("email") {
            fields.emails = row.emails.clone();
        }
        if file.has("phone") {
            fields.phones = row.phones.clone();
        }
        let set = |column: &str, field: &mut Option<String>, value: &Option<String>| {
            if file.has(column) {
                field.clone_from(value);
            }
        };
        set("home_address", &mut fields.home_address, &row.home_address);
        set("shipping_address", &mut fields.shipping_address, &row.shipping_address);
        set("claimed_location", &mut fields.claimed_location, &row.claimed_location);
        set("ip_address", &mut fields.application_ip, &row.ip_address);
        set("role", &mut fields.role, &row.role);
        if file.has("applied_on") {
            fields.applied_on = row.applied_on;
        }
        if file.has("vendor") {
            fields.vendor_id = match &row.vendor {
                None => None,
                Some(name) => Some(
                    vendors::find(tx, name)?
                        .ok_or_else(|| {
                            StoreError::invalid(format!(
                                "vendor {name:?} is not known (add it with `vetdesk vendor add`)"
                            ))
                            .at(Field::VendorId)
                        })?
                        .id,
                ),
            };
        }
        let make = |change| self.apply_in(tx, actor, at, change);
        match existing {
            Some(current) => {
                // Compare after the same tidying the store applies, so cosmetic differences
                // (spaces, repeated entries) do not count as a change.
                let tidy = apply::check_candidate(tx, &fields, at, Some(current.id))?;
                if tidy == current.fields {
                    return Ok(RowOutcome::Unchanged(ImportedRow {
                        line: row.line,
                        candidate_id: current.id,
                        case_id: None,
                    }));
                }
                make(Change::UpdateCandidate { id: current.id, candidate: fields })?;
                Ok(RowOutcome::Updated(ImportedRow {
                    line: row.line,
                    candidate_id: current.id,
                    case_id: None,
                }))
            }
            None => {
                let added = make(Change::AddCandidate { id: None, candidate: fields })?;
                let Change::AddCandidate { id: Some(candidate_id), .. } = added.change else {
                    return Err(StoreError::Corrupt("an added candidate has no id".into()));
                };
                let mut case_id = None;
                if open_cases {
                    let opened = make(Change::OpenCase {
                        id: None,
                        candidate_id,
                        kind: CaseKind::PreHire,
                        assignee: None,
                        priority: Priority::Normal,
                        due_on: None,
                        template: None,
                    })?;
                    if let Change::OpenCase { id, .. } = opened.change {
                        case_id = id;
                    }
                }
                Ok(RowOutcome::Created(ImportedRow { line: row.line, candidate_id, case_id }))
            }
        }
    }

    // ---- reads ----

    pub fn users(&self) -> Result<Vec<User>> {
        users::list(&self.read())
    }
    pub fn user(&self, name: &str) -> Result<User> {
        users::get(&self.read(), name)?.ok_or_else(|| StoreError::not_found("user", name))
    }
    pub fn vendors(&self) -> Result<Vec<Vendor>> {
        vendors::list(&self.read())
    }
    pub fn vendor(&self, id: VendorId) -> Result<Vendor> {
        vendors::get(&self.read(), id)?.ok_or_else(|| StoreError::not_found("vendor", id))
    }
    /// A vendor by id (digits) or by name (case-insensitive).
    pub fn find_vendor(&self, key: &str) -> Result<Vendor> {
        vendors::find(&self.read(), key)?.ok_or_else(|| StoreError::not_found("vendor", key))
    }
    pub fn candidates(&self) -> Result<Vec<Candidate>> {
        candidates::list(&self.read())
    }
    pub fn candidate(&self, id: CandidateId) -> Result<Candidate> {
        candidates::get(&self.read(), id)?.ok_or_else(|| StoreError::not_found("candidate", id))
    }
    pub fn candidate_by_external_id(&self, external_id: &str) -> Result<Option<Candidate>> {
        candidates::by_external_id(&self.read(), external_id)
    }
    pub fn case(&self, id: CaseId) -> Result<Case> {
        cases::get(&self.read(), id)?.ok_or_else(|| StoreError::not_found("case", id))
    }
    pub fn cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        cases::list(&self.read(), filter, self.clock.now().date())
    }
    pub fn cases_of_candidate(&self, candidate_id: CandidateId) -> Result<Vec<Case>> {
        cases::of_candidate(&self.read(), candidate_id)
    }
    pub fn case_detail(&self, id: CaseId) -> Result<CaseDetail> {
        cases::detail(&self.read(), id, self.clock.now().date())
    }
    pub fn checklist(&self, id: CaseId) -> Result<Vec<ChecklistEntry>> {
        let conn = self.read();
        let case = cases::get(&conn, id)?.ok_or_else(|| StoreError::not_found("case", id))?;
        cases::checklist(&conn, &case)
    }
    pub fn notes(&self, case_id: CaseId) -> Result<Vec<Note>> {
        cases::notes(&self.read(), case_id)
    }
    pub fn evidence(&self, id: EvidenceId) -> Result<Evidence> {
        cases::evidence_by_id(&self.read(), id)?
            .ok_or_else(|| StoreError::not_found("evidence", id))
    }
    pub fn evidence_of_case(&self, case_id: CaseId) -> Result<Vec<Evidence>> {
        cases::evidence_of_case(&self.read(), case_id)
    }
    /// The records of one chain, oldest first.
    pub fn audit(&self, chain: Chain) -> Result<Vec<AuditRecord>> {
        audit::chain_records(&self.read(), chain)
    }
    /// The hash of the last record of a chain (the genesis hash for an empty chain).
    pub fn chain_head(&self, chain: Chain) -> Result<String> {
        Ok(audit::chain_tip(&self.read(), chain)?.1)
    }
    /// Records applied after `after_id` (by any process), oldest first.
    pub fn audit_since(&self, after_id: i64, limit: usize) -> Result<Vec<AuditRecord>> {
        audit::records_since(&self.read(), after_id, limit)
    }
    /// The id of the newest audit record (0 when there is none): `audit_since` from here
    /// reports only later changes.
    pub fn audit_last_id(&self) -> Result<i64> {
        audit::last_id(&self.read())
    }
    /// The status moves of a case as `actor` sees them: every status it could go to next, each
    /// with the reason the store would refuse it, if any.
    pub fn status_moves(&self, case_id: CaseId, actor: &str) -> Result<Vec<StatusMove>> {
        let conn = self.read();
        let user = match users::get(&conn, actor)? {
            Some(user) if user.active => user,
            _ => return Err(StoreError::UnknownActor(actor.to_string())),
        };
        let case =
            cases::get(&conn, case_id)?.ok_or_else(|| StoreError::not_found("case", case_id))?;
        apply::status_moves(&conn, &user, &case, &self.clock.now(), &self.config)
    }
    /// What `actor` may do (decide, sign off, waive, manage users, vendors and lists), as the
    /// store enforces it.
    pub fn permissions(&self, actor: &str) -> Result<Permissions> {
        let conn = self.read();
        match users::get(&conn, actor)? {
            Some(user) if user.active => Ok(Permissions::of(&user)),
            _ => Err(StoreError::UnknownActor(actor.to_string())),
        }
    }
    /// Every result each checklist item of a case could take now as `actor` records it, each
    /// with the reason the store would refuse it, if any: the rules `apply` applies (all but
    /// the check of cited evidence), asked before the change is made.
    pub fn result_options(&self, case_id: CaseId, actor: &str) -> Result<Vec<ItemOptions>> {
        let conn = self.read();
        let user = match users::get(&conn, actor)? {
            Some(user) if user.active => user,
            _ => return Err(StoreError::UnknownActor(actor.to_string())),
        };
        let case =
            cases::get(&conn, case_id)?.ok_or_else(|| StoreError::not_found("case", case_id))?;
        let template = crate::template::get(&case.template_id, case.template_version)?;
        let states: Vec<(String, ItemResult)> = cases::item_states(&conn, case_id)?
            .into_iter()
            .map(|s| (s.item_id, s.result))
            .collect();
        rules::result_options(&user, &case, template, &states)
    }
    /// The limits of a candidate's text fields, as data for a form.
    pub fn candidate_limits(&self) -> Vec<FieldLimit> {
        rules::candidate_limits()
    }
    /// Every problem the store would refuse these candidate fields for (an empty list when
    /// it would take them), each with its field; `own_id` is the candidate being edited.
    pub fn candidate_problems(
        &self,
        fields: &CandidateFields,
        own_id: Option<CandidateId>,
    ) -> Result<Vec<FieldProblem>> {
        let conn = self.read();
        let (tidy, mut problems) = rules::tidy_candidate(fields, &self.clock.now());
        problems.extend(apply::candidate_conflicts(&conn, &tidy, own_id)?);
        Ok(problems
            .into_iter()
            .filter_map(|e| Some(FieldProblem { field: e.field()?, message: e.to_string() }))
            .collect())
    }
    /// Full-text search over candidates, notes and evidence descriptions, best match first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        search::search(&self.read(), query, limit)
    }
    /// Recomputes every audit chain, replays the log against the tables, and re-hashes every
    /// evidence file. Never changes anything.
    pub fn verify(&self) -> Result<VerifyReport> {
        // A connection of its own: FTS5's integrity check reads a cached index structure
        // that a long-lived connection may hold from before another connection's writes,
        // and reports a false checksum mismatch.
        let conn = Connection::open_with_flags(
            self.dir.database(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        schema::configure(&conn)?;
        verify::verify(&conn, &self.dir)
    }
}
