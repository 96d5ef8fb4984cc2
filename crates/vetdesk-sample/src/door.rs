//! Every use of the store's API by the sample, in one place: its reads, the one door for
//! writes (`apply`, `apply_all`, `add_candidate`), payment recording, list import, evidence
//! ingest, and after the hire `hire`, telemetry import and opening an investigation from an
//! alert; and how a store error becomes a sample error. When the store's API changes, this is
//! the file to follow it; the rest of the crate builds `Change` values and calls in here.

use std::collections::BTreeMap;
use std::io::Cursor;

use vetdesk_core::change::{Change, Ground, StoredFile};
use vetdesk_core::employees::{HireFields, TelemetryFormat};
use vetdesk_core::evidence::Limits;
use vetdesk_core::model::{
    CandidateFields, CandidateId, CaseId, Decision, EvidenceId, Timestamp, User,
};
use vetdesk_core::store::{
    Applied, CaseFilter, ChecklistEntry, HireOf, Hired, InvestigationOpened, ItemOptions, NewCase,
    Store, StoreError, TelemetryOutcome,
};
use vetdesk_core::verification::{CaseFlags, FlagId, PaymentInput};

use crate::SampleError;

/// The store, and a count of what the sample wrote through it.
pub(crate) struct Door<'a> {
    store: &'a Store,
    pub(crate) changes: usize,
    pub(crate) evidence_files: usize,
}

/// Wraps a store error with the step of the story it broke, so a failure says where.
fn at_step(step: &str) -> impl FnOnce(StoreError) -> SampleError + '_ {
    move |source| SampleError::Store { step: step.to_string(), source }
}

/// Counts every record an applied change wrote, the flags it raised or cleared included.
fn count(applied: &Applied) -> usize {
    1 + applied.flags.iter().map(count).sum::<usize>()
}

impl<'a> Door<'a> {
    pub(crate) fn new(store: &'a Store) -> Self {
        Door { store, changes: 0, evidence_files: 0 }
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.store.clock().now()
    }

    /// Refuses a data directory that holds anything the sample could mix with: cases,
    /// candidates, vendors, or lists an investigator keeps (indicator lists, VPN providers,
    /// VoIP numbers). Users may exist (a first admin set up before the sample).
    pub(crate) fn ensure_empty(&self) -> Result<(), SampleError> {
        let step = "looking for existing data";
        let s = self.store;
        let cases = s
            .cases(&CaseFilter { limit: Some(1), ..CaseFilter::default() })
            .map_err(at_step(step))?
            .len();
        let counts = [
            ("candidates", s.candidates().map_err(at_step(step))?.len()),
            ("vendors", s.vendors().map_err(at_step(step))?.len()),
            ("indicator lists", s.ip_lists().map_err(at_step(step))?.len()),
            ("VPN providers", s.vpn_providers().map_err(at_step(step))?.len()),
            ("VoIP list entries", s.voip_entries().map_err(at_step(step))?.len()),
        ];
        let mut has: Vec<String> = Vec::new();
        if cases > 0 {
            has.push("cases".into());
        }
        has.extend(counts.iter().filter(|(_, n)| *n > 0).map(|(what, n)| format!("{what}: {n}")));
        if has.is_empty() {
            return Ok(());
        }
        Err(SampleError::NotEmpty { dir: s.data_dir().root.clone(), has: has.join("; ") })
    }

    pub(crate) fn users(&self) -> Result<Vec<User>, SampleError> {
        self.store.users().map_err(at_step("reading the users"))
    }

    pub(crate) fn apply(
        &mut self,
        actor: &str,
        change: Change,
        step: &str,
    ) -> Result<Applied, SampleError> {
        let applied = self.store.apply(actor, change).map_err(at_step(step))?;
        self.changes += count(&applied);
        Ok(applied)
    }

    /// What a rejection or referral of a case may cite now: its failed items and open flags.
    pub(crate) fn citable(
        &self,
        case_id: i64,
        actor: &str,
        step: &str,
    ) -> Result<Vec<Ground>, SampleError> {
        let moves = self.store.status_moves(case_id, actor).map_err(at_step(step))?;
        Ok(moves
            .into_iter()
            .find(|m| m.decision == Some(Decision::Rejected))
            .map(|m| m.citable.into_iter().map(|c| c.ground).collect())
            .unwrap_or_default())
    }

    /// Several changes by one actor in one transaction: all or none.
    pub(crate) fn apply_all(
        &mut self,
        actor: &str,
        changes: Vec<Change>,
        step: &str,
    ) -> Result<Vec<Applied>, SampleError> {
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let applied = self.store.apply_all(actor, changes).map_err(at_step(step))?;
        self.changes += applied.iter().map(count).sum::<usize>();
        Ok(applied)
    }

    /// Adds a candidate and opens their case in one transaction.
    pub(crate) fn add_candidate(
        &mut self,
        actor: &str,
        fields: CandidateFields,
        case: NewCase,
        step: &str,
    ) -> Result<(CandidateId, CaseId), SampleError> {
        let applied = self.store.add_candidate(actor, fields, Some(case)).map_err(at_step(step))?;
        self.changes += applied.iter().map(count).sum::<usize>();
        let mut candidate = None;
        let mut case = None;
        for a in &applied {
            match a.change {
                Change::AddCandidate { id, .. } => candidate = id,
                Change::OpenCase { id, .. } => case = id,
                _ => {}
            }
        }
        match (candidate, case) {
            (Some(candidate), Some(case)) => Ok((candidate, case)),
            _ => Err(SampleError::Unexpected(format!("{step}: the store returned no ids"))),
        }
    }

    /// Bank details go through the store's own recording, which masks and hashes them.
    pub(crate) fn record_payment(
        &mut self,
        actor: &str,
        case_id: CaseId,
        input: &PaymentInput,
        step: &str,
    ) -> Result<(), SampleError> {
        let applied = self.store.record_payment(actor, case_id, input).map_err(at_step(step))?;
        self.changes += count(&applied);
        Ok(())
    }

    pub(crate) fn import_ip_list(
        &mut self,
        actor: &str,
        name: &str,
        file_name: &str,
        csv: &str,
    ) -> Result<(), SampleError> {
        let applied = self
            .store
            .import_ip_list(actor, name, file_name, csv.as_bytes())
            .map_err(at_step("importing the sample indicator list"))?;
        self.changes += count(&applied);
        Ok(())
    }

    /// Streams the bytes into the evidence store (hashed, fsynced, previewed) and returns what
    /// an `AttachEvidence` change records.
    pub(crate) fn ingest(&mut self, name: &str, bytes: &[u8]) -> Result<StoredFile, SampleError> {
        let limits = Limits { max_bytes: self.store.config().evidence_max_bytes };
        let ingested = self
            .store
            .files()
            .ingest_reader(&mut Cursor::new(bytes), name, &limits, &mut |_, _| {})
            .map_err(|source| SampleError::Evidence { name: name.to_string(), source })?;
        self.evidence_files += 1;
        self.store.stored_file(ingested).map_err(at_step("recording an evidence file"))
    }

    pub(crate) fn checklist(&self, case_id: CaseId) -> Result<Vec<ChecklistEntry>, SampleError> {
        self.store.checklist(case_id).map_err(at_step("reading the checklist"))
    }

    /// What each checklist item of a case may take now as `actor` records it.
    pub(crate) fn result_options(
        &self,
        case_id: CaseId,
        actor: &str,
    ) -> Result<Vec<ItemOptions>, SampleError> {
        self.store.result_options(case_id, actor).map_err(at_step("reading the checklist"))
    }

    pub(crate) fn flags(&self, case_id: CaseId) -> Result<CaseFlags, SampleError> {
        self.store.flags(case_id).map_err(at_step("reading the flags"))
    }

    /// Audit records written by `write`, counted from the log (the store's post-hire calls
    /// write several records and raise flags in one go).
    fn counted<T>(
        &mut self,
        step: &str,
        write: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, SampleError> {
        let before = self.store.audit_last_id().map_err(at_step(step))?;
        let out = write(self.store).map_err(at_step(step))?;
        let after = self.store.audit_last_id().map_err(at_step(step))?;
        self.changes += usize::try_from(after - before).unwrap_or(0);
        Ok(out)
    }

    /// Records the hire of the candidate of a vetting case: their monitoring case opens.
    pub(crate) fn hire(
        &mut self,
        actor: &str,
        case_id: CaseId,
        hire: HireFields,
        step: &str,
    ) -> Result<Hired, SampleError> {
        self.counted(step, |s| s.hire(actor, HireOf::Case { case_id }, hire))
    }

    /// Imports a telemetry export through the store's own import, from a file in the data
    /// directory's `tmp` folder (the import reads a file, as it does a user's): the store keeps
    /// the file as hashed evidence. The temporary file is removed afterwards.
    pub(crate) fn import_telemetry(
        &mut self,
        actor: &str,
        file_name: &str,
        bytes: &[u8],
        format: TelemetryFormat,
    ) -> Result<TelemetryOutcome, SampleError> {
        let step = format!("importing the sample telemetry file {file_name}");
        let dir = self.store.data_dir().root.join("tmp");
        let path = dir.join(format!("sample-{}-{file_name}", std::process::id()));
        let written = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, bytes));
        if let Err(e) = written {
            return Err(SampleError::Unexpected(format!(
                "{step}: writing {}: {e}",
                path.display()
            )));
        }
        let outcome = self
            .counted(&step, |s| s.import_telemetry_named(actor, &path, file_name, Some(format)));
        // The copy kept as evidence is the store's; the temporary file is not needed either way.
        let _ = std::fs::remove_file(&path);
        let outcome = outcome?;
        if outcome.added > 0 {
            self.evidence_files += 1;
        }
        Ok(outcome)
    }

    /// Opens an investigation case from an open post-hire flag of a monitoring case.
    pub(crate) fn investigate_alert(
        &mut self,
        actor: &str,
        case_id: CaseId,
        flag_id: FlagId,
        step: &str,
    ) -> Result<InvestigationOpened, SampleError> {
        let opened = self.counted(step, |s| s.investigate_alert(actor, case_id, flag_id))?;
        // The import files attached to the new case are evidence of it, checked by `verify`
        // once more under that case.
        self.evidence_files += opened.files as usize;
        Ok(opened)
    }

    /// Makes sure the store's clock reads later than `after`, so that one record is seen to
    /// follow another: a fixed clock is moved on by a second, the system clock is waited for.
    pub(crate) fn tick_past(&self, after: Timestamp) {
        let clock = self.store.clock();
        if clock.now() <= after {
            clock.advance(chrono::Duration::seconds(1));
        }
        // A system clock ignores `advance`; it passes a millisecond soon enough.
        while clock.now() <= after {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }
}

/// The id a change created, as the store filled it in.
pub(crate) fn created_id(applied: &Applied) -> Option<i64> {
    match &applied.change {
        Change::AttachEvidence { id, .. } | Change::AddVendor { id, .. } => *id,
        _ => None,
    }
}

pub(crate) fn evidence_ids(applied: &[Applied]) -> Vec<EvidenceId> {
    applied
        .iter()
        .filter(|a| matches!(a.change, Change::AttachEvidence { .. }))
        .filter_map(created_id)
        .collect()
}

/// Every red-flag rule raised on any case of the store (open or since cleared), with the cases
/// it was raised on.
pub fn raised_rules(store: &Store) -> Result<BTreeMap<String, Vec<CaseId>>, SampleError> {
    let step = "reading the flags";
    let mut out: BTreeMap<String, Vec<CaseId>> = BTreeMap::new();
    for case in store.cases(&CaseFilter::default()).map_err(at_step(step))? {
        let flags = store.flags(case.id).map_err(at_step(step))?;
        for flag in flags.open.iter().chain(&flags.cleared) {
            let cases = out.entry(flag.fields.rule.clone()).or_default();
            if !cases.contains(&case.id) {
                cases.push(case.id);
            }
        }
    }
    Ok(out)
}
