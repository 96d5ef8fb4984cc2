//! The store's API after the hire: recording a hire (a monitoring case and the `Hire` change,
//! one transaction), a termination date, and telemetry imports.
//!
//! A telemetry file is read once, streamed, inside the write transaction: each event is matched
//! to an employee and written as it is read (a file already imported adds nothing: events are
//! keyed by their own ids). A file with any bad record is refused whole: the transaction rolls
//! back. Only a clean file is then copied into the evidence folder, and the copy's SHA-256 must
//! be the hash of the bytes that were parsed; the `ImportTelemetry` change names it.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use vetdesk_telemetry::accounts::{AccountIndex, DeviceIndex, Match};
use vetdesk_telemetry::{Event, Format};

use super::apply::{self, Applied, RaisedFlag};
use super::tables::telemetry::{EventRow, EventWriter};
use super::tables::{audit, employees, next_id, telemetry};
use super::{Result, Store, StoreError, rules};
use crate::change::Change;
use crate::employees::{
    Employee, EmployeeId, HireFields, TelemetryImport, TelemetryImportId, UnmatchedEvent,
};
use crate::evidence::Limits;
use crate::model::{CandidateFields, CaseId, CaseKind, Field, Priority};

/// Largest telemetry file taken in (an export of a large tenant for a quarter).
pub const MAX_TELEMETRY_BYTES: u64 = 64 * 1024 * 1024 * 1024;

/// Who is hired: the candidate of a vetting case, or a current employee with no case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum HireOf {
    /// The candidate of this (pre-hire) case.
    Case { case_id: CaseId },
    /// A current staff member who never had a pre-hire case: added as a candidate record.
    Existing { person: Box<CandidateFields> },
}

/// What `hire` recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Hired {
    pub employee_id: EmployeeId,
    pub case_id: CaseId,
    pub raised: Vec<RaisedFlag>,
}

/// What a telemetry import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TelemetryOutcome {
    pub import_id: TelemetryImportId,
    pub format: Format,
    pub file_sha256: String,
    #[ts(type = "number")]
    pub events: u64,
    #[ts(type = "number")]
    pub added: u64,
    #[ts(type = "number")]
    pub matched: u64,
    #[ts(type = "number")]
    pub unmatched: u64,
    pub raised: Vec<RaisedFlag>,
    pub cleared: u32,
}

/// Hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(chunk) = buf.get(..n) {
            self.hasher.update(chunk);
        }
        self.bytes += n as u64;
        Ok(n)
    }
}

/// The employees' accounts and devices, for matching events as they are read.
pub(super) struct Matcher {
    accounts: AccountIndex<EmployeeId>,
    devices: DeviceIndex<i64>,
    owner: HashMap<i64, EmployeeId>,
}

impl Matcher {
    pub(super) fn new(all: &[Employee]) -> Self {
        let mut m = Matcher {
            accounts: AccountIndex::new(),
            devices: DeviceIndex::new(),
            owner: HashMap::new(),
        };
        for e in all {
            for a in &e.accounts {
                m.accounts.add(e.id, a);
            }
            for d in &e.devices {
                m.devices.add(d.id, d.device.serial.as_deref(), d.device.hostname.as_deref());
                m.owner.insert(d.id, e.id);
            }
        }
        m
    }

    /// The employee an event belongs to (by account, else by device) and the registered device
    /// of that employee it names.
    pub(super) fn find(&self, event: &Event) -> (Option<EmployeeId>, Option<i64>) {
        let by_account = match event.account.as_deref().map(|a| self.accounts.lookup(a)) {
            Some(Match::One { key, .. }) => Some(key),
            _ => None,
        };
        let device = self
            .devices
            .lookup(event.device.serial.as_deref(), event.device.hostname.as_deref())
            .map(|(id, _)| id);
        let device_owner = device.and_then(|d| self.owner.get(&d).copied());
        let employee = by_account.or(device_owner);
        // A device registered to someone else is, for this worker, an unregistered one.
        let device = device.filter(|_| device_owner == employee);
        (employee, device)
    }
}

fn proxy_mark(event: &Event) -> Option<String> {
    let n = &event.network;
    if n.is_proxy == Some(true) {
        Some("a proxy (Okta securityContext.isProxy)".into())
    } else if n.anonymized_ip {
        Some("an anonymised address (Entra risk detection anonymizedIPAddress)".into())
    } else {
        None
    }
}

impl Store {
    /// Records a hire: opens the monitoring case and applies `Hire` on it, in one transaction.
    /// Hiring someone whose pre-hire case is not cleared is recorded and raises its own flag.
    #[tracing::instrument(skip_all, err)]
    pub fn hire(&self, actor: &str, of: HireOf, hire: HireFields) -> Result<Hired> {
        let now = self.clock.now();
        let ctx = self.context();
        self.transaction(|db| {
            let at = audit::write_time(db, now)?;
            let (candidate_id, prehire_case_id) = match of {
                HireOf::Case { case_id } => {
                    let case = super::tables::cases::get(db, case_id)?
                        .ok_or_else(|| StoreError::no_case(db, case_id).at(Field::PrehireCase))?;
                    if case.kind == CaseKind::Monitoring {
                        return Err(StoreError::invalid(format!(
                            "case {case_id} is a monitoring case; name the candidate's vetting case"
                        ))
                        .at(Field::PrehireCase));
                    }
                    (case.candidate_id, Some(case_id))
                }
                HireOf::Existing { person } => {
                    let added = apply::apply_one(
                        db,
                        &ctx,
                        actor,
                        &at,
                        Change::AddCandidate { id: None, candidate: *person },
                    )?;
                    let id = added
                        .change
                        .record_id()
                        .ok_or_else(|| StoreError::Corrupt("a new candidate has no id".into()))?;
                    (id, None)
                }
            };
            let opened = apply::apply_one(
                db,
                &ctx,
                actor,
                &at,
                Change::OpenCase {
                    id: None,
                    candidate_id,
                    kind: CaseKind::Monitoring,
                    assignee: None,
                    priority: Priority::Normal,
                    due_on: None,
                    template: None,
                },
            )?;
            let case_id = opened
                .change
                .record_id()
                .ok_or_else(|| StoreError::Corrupt("a new case has no id".into()))?;
            let applied = apply::apply_one(
                db,
                &ctx,
                actor,
                &at,
                Change::Hire { id: None, case_id, prehire_case_id, hire, vetting: None },
            )?;
            let employee_id = applied
                .change
                .record_id()
                .ok_or_else(|| StoreError::Corrupt("a new employee has no id".into()))?;
            Ok(Hired { employee_id, case_id, raised: applied.raised() })
        })
    }

    /// Sets (or with `None` removes) an employee's termination date.
    pub fn set_termination(
        &self,
        actor: &str,
        employee_id: EmployeeId,
        terminated_on: Option<chrono::NaiveDate>,
    ) -> Result<Applied> {
        let case_id = self
            .employees()?
            .into_iter()
            .find(|e| e.id == employee_id)
            .map(|e| e.case_id)
            .ok_or_else(|| StoreError::not_found("employee", employee_id))?;
        self.apply(actor, Change::SetTermination { case_id, employee_id, terminated_on })
    }

    /// Imports one telemetry file (see the module documentation). `format` is sniffed when
    /// not given.
    #[tracing::instrument(skip_all, err)]
    pub fn import_telemetry(
        &self,
        actor: &str,
        path: &Path,
        format: Option<Format>,
    ) -> Result<TelemetryOutcome> {
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        self.import_telemetry_named(actor, path, &file_name, format)
    }

    /// As [`Store::import_telemetry`], the file recorded under `file_name` (the name the user's
    /// system gave a file uploaded to the app, not the path of its spooled copy).
    #[tracing::instrument(skip_all, err)]
    pub fn import_telemetry_named(
        &self,
        actor: &str,
        path: &Path,
        file_name: &str,
        format: Option<Format>,
    ) -> Result<TelemetryOutcome> {
        let now = self.clock.now();
        let ctx = self.context();
        let file_name = file_name.to_string();
        let shown = crate::evidence::media::display_name(&file_name);
        self.transaction(|db| {
            let at = audit::write_time(db, now)?;
            let probe = Change::ImportTelemetry {
                id: None,
                file_name: String::new(),
                format: Format::Csv,
                file_sha256: String::new(),
                size: 0,
                events: 0,
                added: 0,
                matched: 0,
                unmatched: 0,
            };
            // Refused before a byte is read, not after a gigabyte.
            let user = apply::acting_user(db, actor, &probe)?;
            rules::require(&user, rules::Action::ManageLists, "import telemetry")?;
            let file = File::open(path).map_err(|e| {
                StoreError::io(format!("cannot open {}", path.display()), e).at(Field::File)
            })?;
            let matcher = Matcher::new(&employees::all(db)?);
            let import_id = next_id(db, "telemetry_imports")?;
            let mut writer = EventWriter::new(db)?;
            let mut reader = Hashing { inner: file, hasher: Sha256::new(), bytes: 0 };
            let (mut added, mut matched, mut unmatched) = (0u64, 0u64, 0u64);
            let mut failed: Option<StoreError> = None;
            let report = vetdesk_telemetry::read(&mut reader, format, now.as_datetime(), |event| {
                if failed.is_some() {
                    return;
                }
                let (employee_id, device_id) = matcher.find(&event);
                let row = EventRow {
                    import_id,
                    event: &event,
                    employee_id,
                    device_id,
                    proxy_mark: proxy_mark(&event),
                };
                match writer.write(&row) {
                    Ok(true) => {
                        added += 1;
                        if employee_id.is_some() {
                            matched += 1;
                        } else {
                            unmatched += 1;
                        }
                    }
                    Ok(false) => {}
                    Err(e) => failed = Some(e),
                }
            })
            .map_err(|e| StoreError::invalid(format!("{shown}: {e}")).at(Field::File))?;
            drop(writer);
            if let Some(e) = failed {
                return Err(e);
            }
            if !report.is_clean() {
                return Err(StoreError::invalid(format!(
                    "{shown}: {}nothing was imported",
                    report.to_string().trim_end().to_string() + "\n"
                ))
                .at(Field::File));
            }
            let chosen = report.format.ok_or_else(|| {
                StoreError::invalid(format!("{shown}: the format could not be recognised"))
                    .at(Field::Format)
            })?;
            let parsed_sha = hex::encode(reader.hasher.finalize());
            let files = self.files();
            let stored = files.ingest_path(
                path,
                &Limits { max_bytes: MAX_TELEMETRY_BYTES },
                &mut |_, _| {},
            )?;
            if stored.sha256.to_string() != parsed_sha || stored.size != reader.bytes {
                return Err(StoreError::conflict(format!(
                    "{shown} changed while it was being read; nothing was imported"
                ))
                .at(Field::File));
            }
            // Team mode: the file's bytes go into the database in this transaction.
            super::files::store_pending(db, &files, &stored.sha256, stored.size)?;
            // The same file again adds nothing, not even a record of its import.
            if added == 0
                && let Some(earlier) =
                    telemetry::imports(db)?.into_iter().find(|i| i.file_sha256 == parsed_sha)
            {
                return Ok(TelemetryOutcome {
                    import_id: earlier.id,
                    format: chosen,
                    file_sha256: parsed_sha,
                    events: report.events,
                    added: 0,
                    matched: 0,
                    unmatched: 0,
                    raised: Vec::new(),
                    cleared: 0,
                });
            }
            let applied = apply::apply_one(
                db,
                &ctx,
                actor,
                &at,
                Change::ImportTelemetry {
                    id: None,
                    file_name: file_name.clone(),
                    format: chosen,
                    file_sha256: parsed_sha.clone(),
                    size: reader.bytes,
                    events: report.events,
                    added,
                    matched,
                    unmatched,
                },
            )?;
            if applied.change.record_id() != Some(import_id) {
                return Err(StoreError::Corrupt("the import's id moved while it ran".into()));
            }
            Ok(TelemetryOutcome {
                import_id,
                format: chosen,
                file_sha256: parsed_sha,
                events: report.events,
                added,
                matched,
                unmatched,
                raised: applied.raised(),
                cleared: applied.cleared(),
            })
        })
    }

    /// Every employee, in the order hired.
    pub fn employees(&self) -> Result<Vec<Employee>> {
        self.read(|r| employees::all(r.db()))
    }

    pub fn telemetry_imports(&self) -> Result<Vec<TelemetryImport>> {
        self.read(|r| telemetry::imports(r.db()))
    }

    /// Events that matched no employee (the first `limit`, oldest first) and how many there
    /// are in all.
    pub fn unmatched_events(&self, limit: usize) -> Result<(Vec<UnmatchedEvent>, i64)> {
        self.read(|r| {
            Ok((telemetry::unmatched(r.db(), limit)?, telemetry::unmatched_count(r.db())?))
        })
    }
}
