//! The store's write API: every write is one or more `Change`s through `apply` in one write
//! transaction, each answered with what it recorded and the red flags it raised or cleared.
//! The writes that need more than one change, or work before the change (masking bank
//! numbers, parsing a list file, importing a CSV), are here too.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::apply::{self, Applied, Context, NewPartners, RaisedFlag};
use super::db::Db;
use super::rules::Action;
use super::stale::BasedOn;
use super::tables::{audit, cases, users, vendors};
use super::{Result, Store, StoreError, engine, secret};
use crate::change::Change;
use crate::checkpoint::SignedCheckpoint;
use crate::checks::{address, iprange, memo, phone};
use crate::import::{ImportFile, ImportRow, RowError};
use crate::model::{
    CandidateFields, CandidateId, CaseId, CaseKind, CaseStatus, Field, FieldChange, Priority,
    Timestamp,
};
use crate::verification::{IpListRow, PaymentInput};

/// The case to open with a new candidate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct NewCase {
    pub kind: CaseKind,
    pub assignee: Option<String>,
    pub priority: Priority,
    pub due_on: Option<chrono::NaiveDate>,
}

/// What an import did, row by row, and the red flags it raised or cleared.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportOutcome {
    pub created: Vec<ImportedRow>,
    pub updated: Vec<ImportedRow>,
    pub unchanged: Vec<ImportedRow>,
    pub raised: Vec<RaisedFlag>,
    pub cleared: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportedRow {
    pub line: u64,
    pub candidate_id: CandidateId,
    /// The pre-hire case opened for a new candidate.
    pub case_id: Option<CaseId>,
    /// For an updated candidate, the fields the row changes (a changed contact detail or
    /// address is a warning sign of its own).
    pub changes: Vec<FieldChange>,
}

enum RowOutcome {
    Created(ImportedRow),
    Updated(ImportedRow),
    Unchanged(ImportedRow),
}

/// An escalation handed to someone (a `SetStatus` to `escalated` with an `AssignCase` of the
/// same case in one batch) goes to an active user whose role may decide: the investigator, or
/// compliance or an admin. Refused naming the `assignee` field otherwise.
fn check_escalation(db: &dyn Db, changes: &[Change]) -> Result<()> {
    for change in changes {
        let Change::SetStatus { case_id, status: CaseStatus::Escalated, .. } = change else {
            continue;
        };
        for other in changes {
            let Change::AssignCase { case_id: assigned, assignee: Some(name) } = other else {
                continue;
            };
            if assigned != case_id {
                continue;
            }
            let refuse =
                |message: String| StoreError::Invalid { field: Some(Field::Assignee), message };
            let Some(user) = users::get(db, name)? else {
                return Err(refuse(format!("assignee: there is no user named {name:?}")));
            };
            if !user.active {
                return Err(refuse(format!("assignee: {name} is not an active user")));
            }
            if !Action::Decide.allows(user.role) {
                return Err(refuse(format!(
                    "assignee: {name} ({}) may not decide a case; escalate to an investigator, compliance or an admin",
                    user.role
                )));
            }
        }
    }
    Ok(())
}

impl Store {
    pub(super) fn context(&self) -> Context {
        Context { files: self.files(), retention: self.config().retention.policy() }
    }

    /// Runs `work` in one write transaction: all of it is kept, or (on an error) none.
    /// A failed write is logged here by its code and field only: the message may quote what
    /// a person typed, and the spans above skip their arguments for the same reason.
    pub(super) fn transaction<T>(&self, work: impl FnOnce(&dyn Db) -> Result<T>) -> Result<T> {
        let mut work = Some(work);
        let mut out = None;
        self.backend
            .write(&mut |db| {
                if let Some(work) = work.take() {
                    out = Some(work(db)?);
                }
                Ok(())
            })
            .inspect_err(|e| e.log("write"))?;
        out.ok_or_else(|| StoreError::Corrupt("a write transaction did not run".into()))
    }

    /// The one door for writes: applies one change as `actor`.
    pub fn apply(&self, actor: &str, change: Change) -> Result<Applied> {
        let mut applied = self.apply_all(actor, vec![change])?;
        applied.pop().ok_or_else(|| StoreError::invalid("nothing to apply"))
    }

    /// Applies several changes as one transaction: all of them or none. Stops at the first
    /// change that is refused.
    pub fn apply_all(&self, actor: &str, changes: Vec<Change>) -> Result<Vec<Applied>> {
        self.apply_all_based_on(actor, changes, None)
    }

    /// As [`Store::apply`], refused with [`StoreError::Stale`] when someone else changed what
    /// the change rests on since the client read the case at `based_on` (`store/stale.rs`).
    pub fn apply_based_on(
        &self,
        actor: &str,
        change: Change,
        based_on: Option<&BasedOn>,
    ) -> Result<Applied> {
        let mut applied = self.apply_all_based_on(actor, vec![change], based_on)?;
        applied.pop().ok_or_else(|| StoreError::invalid("nothing to apply"))
    }

    /// As [`Store::apply_all`], with the state of the case the changes were made on: each change
    /// is refused when a record since that head touched what it rests on (its item, the
    /// assignee, …; a status move: anything). The head is compared inside the write transaction that appends (serialised by the write lock on
    /// SQLite and by the advisory lock on PostgreSQL), so no change can land between the
    /// comparison and the append.
    #[tracing::instrument(skip(self, changes, based_on), fields(changes = changes.len()))]
    pub fn apply_all_based_on(
        &self,
        actor: &str,
        changes: Vec<Change>,
        based_on: Option<&BasedOn>,
    ) -> Result<Vec<Applied>> {
        let now = self.clock.now();
        let ctx = self.context();
        // Team mode: an ingest these changes name is stored by them or, if they are refused,
        // not at all; either way its temp file goes.
        let attached: Vec<crate::evidence::Sha256Hex> = changes
            .iter()
            .filter_map(|c| match c {
                Change::AttachEvidence { file, .. } => file.sha256.parse().ok(),
                _ => None,
            })
            .collect();
        let _drop_pending = DropPending(&self.pending, attached);
        self.transaction(|db| {
            if let Some(seen) = based_on {
                super::stale::check(db, seen, actor, &changes)?;
            }
            let at = audit::write_time(db, now)?;
            check_escalation(db, &changes)?;
            let mut applied = Vec::with_capacity(changes.len());
            for change in changes {
                if change.is_internal() {
                    return Err(StoreError::invalid(format!(
                        "{} changes are made by the store itself when the facts under a flag change",
                        change.kind()
                    )));
                }
                applied.push(apply::apply_one(db, &ctx, actor, &at, change)?);
            }
            Ok(applied)
        })
    }

    /// Signs the store's root as it stands, with the organisation key of `seed`, and records
    /// the signed checkpoint in the global chain, in one write transaction (nothing can be
    /// written between reading the root and recording its signature).
    #[tracing::instrument(skip(self, seed), err)]
    pub fn checkpoint(&self, actor: &str, seed: &[u8; 32]) -> Result<Applied> {
        let now = self.clock.now();
        let ctx = self.context();
        self.transaction(|db| {
            let at = audit::write_time(db, now)?;
            let (entries, root) = super::tables::audit::ledger_tip(db)?;
            let checkpoint = SignedCheckpoint::sign(seed, &root, entries, at);
            apply::apply_one(db, &ctx, actor, &at, Change::RecordCheckpoint { checkpoint })
        })
    }

    /// Adds a candidate and, when asked, opens a case for them, in one transaction: a
    /// candidate is never left without the case the user asked for.
    pub fn add_candidate(
        &self,
        actor: &str,
        candidate: CandidateFields,
        case: Option<NewCase>,
    ) -> Result<Vec<Applied>> {
        let now = self.clock.now();
        let ctx = self.context();
        self.transaction(|db| {
            let at = audit::write_time(db, now)?;
            let added = apply::apply_one(
                db,
                &ctx,
                actor,
                &at,
                Change::AddCandidate { id: None, candidate },
            )?;
            let mut applied = vec![added];
            if let (Some(case), Change::AddCandidate { id: Some(candidate_id), .. }) =
                (case, &applied[0].change)
            {
                let open = Change::OpenCase {
                    id: None,
                    candidate_id: *candidate_id,
                    kind: case.kind,
                    assignee: case.assignee,
                    priority: case.priority,
                    due_on: case.due_on,
                    template: None,
                };
                applied.push(apply::apply_one(db, &ctx, actor, &at, open)?);
            }
            Ok(applied)
        })
    }

    /// Imports candidates from a parsed file, all or nothing: a row whose `external_id` is new
    /// adds a candidate (and, with `open_cases`, opens a pre-hire case for them); a known one
    /// updates the columns the file has; an unchanged one is left alone. Every refused row is
    /// reported with its line, and then nothing is written.
    #[tracing::instrument(skip(self, file), fields(rows = file.rows.len()))]
    pub fn import_candidates(
        &self,
        actor: &str,
        file: &ImportFile,
        open_cases: bool,
    ) -> Result<ImportOutcome> {
        let now = self.clock.now();
        let ctx = self.context();
        let outcome = self.transaction(|db| {
            let at = audit::write_time(db, now)?;
            db.bulk_writes(true)?;
            let outcome = import_rows(db, &ctx, actor, &at, file, open_cases);
            db.bulk_writes(false)?;
            outcome
        })?;
        // A bulk write leaves a write-ahead log as large as what it wrote; fold it in now so
        // that later processes do not read it at open. The import is committed either way.
        if let Err(e) = self.fold_wal() {
            tracing::warn!(error = %e, "could not checkpoint after the import");
        }
        Ok(outcome)
    }

    /// What importing `file` would do, row by row — who would be added, who updated and which
    /// fields that changes, the red flags it would raise — or every refused row with its line,
    /// exactly as `import_candidates` would judge them; nothing is written.
    #[tracing::instrument(skip(self, file), fields(rows = file.rows.len()), err)]
    pub fn preview_import(
        &self,
        actor: &str,
        file: &ImportFile,
        open_cases: bool,
    ) -> Result<ImportOutcome> {
        let now = self.clock.now();
        let ctx = self.context();
        self.transaction(|db| {
            let at = audit::write_time(db, now)?;
            db.execute_batch("SAVEPOINT import_preview")?;
            let outcome = import_rows(db, &ctx, actor, &at, file, open_cases);
            db.execute_batch(
                "ROLLBACK TO SAVEPOINT import_preview; RELEASE SAVEPOINT import_preview",
            )?;
            outcome
        })
    }

    /// Records bank details: the numbers are masked and hashed under the data directory's key
    /// here, and only that goes into the change, the database and the audit log.
    #[tracing::instrument(skip(self, input))]
    pub fn record_payment(
        &self,
        actor: &str,
        case_id: CaseId,
        input: &PaymentInput,
    ) -> Result<Applied> {
        let key = secret::load_or_create_key(&self.dir.root)?;
        let payment = secret::protect(input, &key)?;
        self.apply(actor, Change::RecordPayment { id: None, case_id, payment })
    }

    /// Imports an indicator CSV (`cidr, category, label`) as the list `name`, replacing a list
    /// of that name. All rows or none; bad rows are named with their line.
    #[tracing::instrument(skip(self, bytes), fields(bytes = bytes.len()))]
    pub fn import_ip_list(
        &self,
        actor: &str,
        name: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<Applied> {
        let entries = iprange::parse_csv(bytes, name.trim())
            .map_err(|e| StoreError::invalid(e.to_string()).at(Field::File))?;
        let rows = entries
            .into_iter()
            .map(|e| IpListRow(e.cidr.to_string(), e.category.to_string(), e.label))
            .collect();
        let file_name = Path::new(file_name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file_name.to_string());
        self.apply(
            actor,
            Change::ImportIpList {
                id: None,
                name: name.to_string(),
                file_name,
                file_sha256: hex::encode(Sha256::digest(bytes)),
                rows,
            },
        )
    }

    /// Re-evaluates the flags of one case (or of every case not closed) as of now and records
    /// what changed: date-driven flags (an expiry, a deadline) come due without any change to
    /// the data, and this is how they are raised. Returns the flag changes applied.
    #[tracing::instrument(skip(self))]
    pub fn refresh_flags(&self, actor: &str, case_id: Option<CaseId>) -> Result<Vec<Applied>> {
        let now = self.clock.now();
        let ctx = self.context();
        self.transaction(|db| {
            let at = audit::write_time(db, now)?;
            match users::get(db, actor)? {
                Some(user) if user.active => {}
                _ => return Err(StoreError::UnknownActor(actor.to_string())),
            }
            let ids: Vec<CaseId> = match case_id {
                Some(id) => {
                    let case = cases::get(db, id)?.ok_or_else(|| StoreError::no_case(db, id))?;
                    if case.status == CaseStatus::Closed {
                        return Err(StoreError::conflict(format!(
                            "case {id} is closed; its flags stay as they were signed off"
                        )));
                    }
                    vec![id]
                }
                None => cases::not_closed(db)?,
            };
            let mut applied = Vec::new();
            for id in ids {
                for change in engine::reflag(db, id, &at)? {
                    applied.push(apply::apply_one(db, &ctx, actor, &at, change)?);
                }
            }
            Ok(applied)
        })
    }
}

/// Imports every row inside the caller's transaction; refused rows are all reported.
///
/// The rows first run one after the other inside one savepoint for them all, without one per
/// row: an import keeps all its rows or none, so a row needs undoing on its own only when
/// another row is refused. At the first refused row everything is rolled back to that
/// savepoint and the rows run again each in a savepoint of its own, which leaves a refused row
/// behind and goes on, so that every bad row is named (as the rows judged one by one).
///
/// Reading the rows' phone numbers and postal addresses is pure work on text (a sixth of an
/// import's time): a second thread does it ahead of the rows (`memo::read_ahead`), and each
/// row finds its values already made.
fn import_rows(
    db: &dyn Db,
    ctx: &Context,
    actor: &str,
    at: &Timestamp,
    file: &ImportFile,
    open_cases: bool,
) -> Result<ImportOutcome> {
    std::thread::scope(|scope| {
        let ahead = memo::read_ahead(scope, &file.rows, |row, hand_over| {
            let phones = row.phones.iter().map(|p| phone::normalize_ahead(p));
            let places = [&row.home_address, &row.shipping_address].into_iter().flatten();
            for made in phones.chain(places.map(|a| address::normalize_ahead(a))) {
                if !hand_over(made) {
                    return;
                }
            }
        });
        db.execute("SAVEPOINT import_rows", &[])?;
        match run_rows(db, ctx, actor, at, file, open_cases, PerRow::Together, &ahead) {
            Ok(outcome) => {
                db.execute("RELEASE SAVEPOINT import_rows", &[])?;
                Ok(outcome)
            }
            Err(RowsFailed::Other(e)) => Err(e),
            Err(RowsFailed::Refused) => {
                db.execute_batch(
                    "ROLLBACK TO SAVEPOINT import_rows; RELEASE SAVEPOINT import_rows",
                )?;
                run_rows(db, ctx, actor, at, file, open_cases, PerRow::Savepoint, &ahead).map_err(
                    |e| match e {
                        RowsFailed::Other(e) => e,
                        // Every refusal of this pass is collected into `Rows`.
                        RowsFailed::Refused => {
                            StoreError::Corrupt("an import row refused twice".into())
                        }
                    },
                )
            }
        }
    })
}

/// How `run_rows` treats a refused row.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PerRow {
    /// No savepoint per row; the first refused row ends the pass (`RowsFailed::Refused`).
    Together,
    /// Each row in a savepoint: a refused row is rolled back alone and the rows after it are
    /// still checked; the refusals come back together as `StoreError::Rows`.
    Savepoint,
}

enum RowsFailed {
    Refused,
    Other(StoreError),
}

impl From<StoreError> for RowsFailed {
    fn from(e: StoreError) -> Self {
        RowsFailed::Other(e)
    }
}

impl From<super::db::DbError> for RowsFailed {
    fn from(e: super::db::DbError) -> Self {
        RowsFailed::Other(e.into())
    }
}

/// One pass over the rows (see `import_rows`), then the search entries and the flags.
#[allow(clippy::too_many_arguments)]
fn run_rows(
    db: &dyn Db,
    ctx: &Context,
    actor: &str,
    at: &Timestamp,
    file: &ImportFile,
    open_cases: bool,
    per_row: PerRow,
    ahead: &memo::Ahead,
) -> std::result::Result<ImportOutcome, RowsFailed> {
    let mut outcome = ImportOutcome::default();
    let mut errors = Vec::new();
    // The cases whose flags the rows may affect, re-evaluated once after the last row: a ring
    // of candidates sharing a phone is then flagged once with all its members, not once more
    // for every member that arrives.
    let mut watched = BTreeSet::new();
    let heads = audit::HeadsMemo::start();
    let _actor = apply::SameActor::start();
    let recent = super::tables::candidates::Recent::start(file.rows.len().max(4_096));
    let search = super::derived::SearchDeferred::start();
    // Every row's phone numbers and addresses are read again when the cases are re-flagged
    // after the last row: remember them all until then (a row gives a few).
    let _memo = memo::Widened::to(file.rows.len().saturating_mul(3));
    for (n, row) in file.rows.iter().enumerate() {
        ahead.take();
        // Each row reads what the rows before it wrote (its partners' cases, its links): the
        // planner's statistics follow the tables as they grow (`Db::refresh_statistics`).
        if n > 0 && n % STATISTICS_EVERY == 0 {
            db.refresh_statistics()?;
        }
        if per_row == PerRow::Savepoint {
            // Prepared once and reused (`execute`), not parsed again per row (`execute_batch`).
            db.execute("SAVEPOINT import_row", &[])?;
        }
        let mut row_watched = BTreeSet::new();
        match import_row(db, ctx, actor, at, file, row, open_cases, &mut row_watched) {
            Ok(result) => {
                if per_row == PerRow::Savepoint {
                    db.execute("RELEASE SAVEPOINT import_row", &[])?;
                }
                // `extend`, not `append`: `BTreeSet::append` rebuilds the whole set, which made
                // an import quadratic in its rows (a third of a 30,000-row import's time).
                watched.extend(row_watched);
                match result {
                    RowOutcome::Created(line) => outcome.created.push(line),
                    RowOutcome::Updated(line) => outcome.updated.push(line),
                    RowOutcome::Unchanged(line) => outcome.unchanged.push(line),
                }
            }
            Err(_) if per_row == PerRow::Together => return Err(RowsFailed::Refused),
            Err(e) => {
                db.execute_batch("ROLLBACK TO SAVEPOINT import_row; RELEASE SAVEPOINT import_row")?;
                heads.forget();
                recent.forget();
                errors.push(RowError { line: row.line, message: e.to_string() });
            }
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Rows(errors).into());
    }
    search.finish(db)?;
    db.refresh_statistics()?;
    let added = outcome.created.iter().map(|row| row.candidate_id);
    if let (Some(first), Some(last)) = (added.clone().min(), added.max()) {
        watched.extend(engine::watch_added(db, first, last)?);
    }
    let actor = users::get(db, actor)?.map(|u| u.name).unwrap_or_else(|| actor.to_string());
    let flags = apply::reflag_batch(db, ctx, &actor, at, watched)?;
    outcome.raised = apply::raised_by(&flags);
    outcome.cleared = apply::cleared_by(&flags);
    Ok(outcome)
}

/// Rows of an import between two asks to bring the planner's statistics up to date: the ask
/// costs a catalog query when nothing grew enough, and a table grows by a fifth at most
/// between two asks once it holds five times as many rows.
const STATISTICS_EVERY: usize = 1_000;

/// One row of an import, inside the import's transaction.
#[allow(clippy::too_many_arguments)]
fn import_row(
    db: &dyn Db,
    ctx: &Context,
    actor: &str,
    at: &Timestamp,
    file: &ImportFile,
    row: &ImportRow,
    open_cases: bool,
    watched: &mut BTreeSet<CaseId>,
) -> Result<RowOutcome> {
    let existing = super::tables::candidates::by_external_id(db, &row.external_id)?;
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
                vendors::find(db, name)?
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
    let mut make = |change| -> Result<Applied> {
        let (applied, cases) =
            apply::apply_deferring_flags(db, ctx, actor, at, change, NewPartners::Later)?;
        watched.extend(cases);
        Ok(applied)
    };
    match existing {
        Some(current) => {
            // Compare after the same tidying the store applies, so cosmetic differences
            // (spaces, repeated entries) do not count as a change.
            let tidy = apply::check_candidate(db, &fields, at, Some(current.id))?;
            let mut done = ImportedRow {
                line: row.line,
                candidate_id: current.id,
                case_id: None,
                changes: Vec::new(),
            };
            if tidy == current.fields {
                return Ok(RowOutcome::Unchanged(done));
            }
            done.changes = current.fields.changes(&tidy);
            make(Change::UpdateCandidate { id: current.id, candidate: fields })?;
            Ok(RowOutcome::Updated(done))
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
            Ok(RowOutcome::Created(ImportedRow {
                line: row.line,
                candidate_id,
                case_id,
                changes: Vec::new(),
            }))
        }
    }
}

/// Drops the pending ingests of the listed contents when it goes out of scope.
struct DropPending<'a>(&'a crate::evidence::chunked::Pending, Vec<crate::evidence::Sha256Hex>);

impl Drop for DropPending<'_> {
    fn drop(&mut self) {
        for sha in &self.1 {
            drop(self.0.take(sha));
        }
    }
}
