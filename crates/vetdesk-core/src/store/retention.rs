//! Retention and erasure over the database: the plan (who is due when, under which rule), and
//! `apply` (erasing those due, with their telemetry, then leaving no page or log frame that
//! still holds what was erased). The facts each rule reads are in `tables::retention`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::db::{Db, params};
use super::tables::evidence_chunks;
use super::tables::retention::person_facts;
use super::{Result, Store};
use crate::change::{Change, RedactedTelemetry};
use crate::checks::retention::{self, Assessment, RetentionPolicy};
use crate::evidence::Sha256Hex;
use crate::model::{CandidateId, CaseId};

/// One person in the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanEntry {
    pub candidate_id: CandidateId,
    pub cases: Vec<CaseId>,
    #[serde(flatten)]
    pub assessment: Assessment,
    /// Due for erasure on the plan's day.
    pub due: bool,
    /// The public source of the rule.
    pub source: String,
}

/// Where the person of one case stands under the retention rules, for the case page: the
/// legal hold of this case, the rule that keeps the person's records, when they fall due and
/// what keeps them longer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseRetention {
    pub case_id: CaseId,
    pub candidate_id: CandidateId,
    /// This case is on legal hold: nothing of its candidate is erased while it holds.
    pub legal_hold: bool,
    /// The person's records are erased already.
    pub erased: bool,
    /// The rule, its due day and what holds it; `None` once erased.
    pub assessment: Option<Assessment>,
    /// Due for erasure today (`vetdesk retention apply` would erase them).
    pub due: bool,
    /// The public source of the rule.
    pub source: Option<String>,
}

/// What `retention apply` did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Erasure {
    pub candidate_id: CandidateId,
    pub rule: crate::model::RetentionRule,
    pub due_on: NaiveDate,
    /// Audit record of the erasure (global chain).
    pub audit_id: i64,
    /// Evidence files and previews removed.
    pub files_removed: u32,
}

fn plan_in(db: &dyn Db, today: NaiveDate, policy: &RetentionPolicy) -> Result<Vec<PlanEntry>> {
    let ids: Vec<CandidateId> =
        db.query_vec("SELECT id FROM candidates WHERE erased_at IS NULL ORDER BY id", &[], |r| {
            r.get(0)
        })?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(facts) = person_facts(db, id)? else { continue };
        let assessment = retention::assess(&facts, policy);
        let s = retention::source(assessment.rule);
        out.push(PlanEntry {
            candidate_id: id,
            cases: facts.cases.iter().map(|c| c.id).collect(),
            due: assessment.is_due(today),
            source: format!("{}, {}", s.document, s.section),
            assessment,
        });
    }
    Ok(out)
}

/// Evidence files of `candidate` that no other (not erased) candidate's evidence names.
fn files_only_theirs(db: &dyn Db, candidate: CandidateId) -> Result<Vec<String>> {
    Ok(db.query_vec(
        "SELECT DISTINCT e.sha256 FROM evidence e JOIN cases c ON c.id = e.case_id
         WHERE c.candidate_id = ?1 AND NOT EXISTS (
             SELECT 1 FROM evidence o JOIN cases oc ON oc.id = o.case_id
             JOIN candidates p ON p.id = oc.candidate_id
             WHERE o.sha256 = e.sha256 AND oc.candidate_id != ?1 AND p.erased_at IS NULL)
           -- A telemetry file is the import's: an erasure writes it again without the person.
           AND NOT EXISTS (SELECT 1 FROM telemetry_imports t WHERE t.file_sha256 = e.sha256)
         ORDER BY e.sha256",
        params![candidate],
        |r| r.get(0),
    )?)
}

/// Evidence files still on disk although every candidate whose evidence names them is erased
/// (an erasure interrupted between its record and the removal of its files).
fn leftover_files(db: &dyn Db) -> Result<Vec<String>> {
    Ok(db.query_vec(
        "SELECT DISTINCT e.sha256 FROM evidence e WHERE NOT EXISTS (
             SELECT 1 FROM evidence o JOIN cases oc ON oc.id = o.case_id
             JOIN candidates p ON p.id = oc.candidate_id
             WHERE o.sha256 = e.sha256 AND p.erased_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM telemetry_imports t WHERE t.file_sha256 = e.sha256)
         ORDER BY e.sha256",
        &[],
        |r| r.get(0),
    )?)
}

/// A stored telemetry event's key: its format and its id within the format.
type EventKey = (vetdesk_telemetry::Format, String);

/// Deletes the stored events an erasure's redaction left out of the files (by format and id),
/// counting them into the import that stored each (matched to an employee or not).
fn remove_events(
    db: &dyn Db,
    dropped: &[EventKey],
    telemetry: &mut [RedactedTelemetry],
) -> Result<()> {
    for (format, id) in dropped {
        let row: Option<(i64, bool)> = db.query_optional(
            "SELECT import_id, employee_id IS NOT NULL FROM telemetry_events
             WHERE format = ?1 AND event_id = ?2",
            params![*format, id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let Some((import_id, matched)) = row else { continue };
        let Some(t) = telemetry.iter_mut().find(|t| t.import_id == import_id) else {
            return Err(super::StoreError::conflict(format!(
                "telemetry import {import_id} holds an event of the person but its file was not \
                 redacted; apply again"
            )));
        };
        db.execute(
            "DELETE FROM telemetry_events WHERE format = ?1 AND event_id = ?2",
            params![*format, id],
        )?;
        if matched {
            t.removed_matched += 1;
        } else {
            t.removed_unmatched += 1;
        }
    }
    Ok(())
}

impl Store {
    /// The kept telemetry files holding records of `candidate` (a hired worker: by their
    /// accounts and devices now, or stored as theirs), each written again without those
    /// records and stored; answers the copies (counts of rows still to be filled in) and the
    /// events left out. Nothing for someone never hired. A copy of an import already redacted
    /// once replaces it again: the chain records each erasure's copies.
    fn redact_telemetry_of(
        &self,
        candidate: CandidateId,
    ) -> Result<(Vec<RedactedTelemetry>, Vec<EventKey>)> {
        let mut theirs = Vec::new();
        let mut keys = std::collections::HashSet::new();
        let mut imports = Vec::new();
        self.backend.read(&mut |db| {
            theirs = super::tables::employees::all(db)?
                .into_iter()
                .filter(|e| e.candidate_id == candidate)
                .collect();
            if theirs.is_empty() {
                return Ok(());
            }
            keys = db
                .query_vec(
                    "SELECT format, event_id FROM telemetry_events WHERE employee_id IN
                         (SELECT id FROM employees WHERE candidate_id = ?1)",
                    params![candidate],
                    |r| Ok((r.get::<vetdesk_telemetry::Format>(0)?, r.get::<String>(1)?)),
                )?
                .into_iter()
                .collect();
            imports = super::tables::telemetry::imports(db)?;
            Ok(())
        })?;
        if theirs.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let matcher = super::hire::Matcher::new(&theirs);
        let now = self.clock().now().as_datetime();
        let files = self.files();
        let is_theirs = |e: &vetdesk_telemetry::Event| {
            matcher.find(e).0.is_some() || keys.contains(&(e.format, e.event_id.clone()))
        };
        let mut out = Vec::new();
        let mut dropped = Vec::new();
        let io = |what: &str, e: std::io::Error| super::StoreError::io(what.to_string(), e);
        for import in imports {
            let sha = super::files::parse_sha(&import.file_sha256)?;
            // A first pass finds whether the file holds anything of theirs at all.
            let reader = files.open(&sha)?;
            let found = vetdesk_telemetry::redact(
                reader,
                import.format,
                now,
                &mut std::io::sink(),
                &is_theirs,
            )
            .map_err(|e| super::StoreError::invalid(format!("{}: {e}", import.file_name)))?;
            if found.dropped_records == 0 {
                continue;
            }
            // The copy streams through a pipe into the file store (encrypted where the
            // directory is): it never sits whole in memory or in a plain temporary file.
            let (mut pipe_in, mut pipe_out) = std::io::pipe().map_err(|e| io("open a pipe", e))?;
            let limits = crate::evidence::Limits { max_bytes: super::hire::MAX_TELEMETRY_BYTES };
            let (written, stored) = std::thread::scope(|scope| {
                let writer = scope.spawn(|| {
                    let reader = files.open(&sha)?;
                    let written = vetdesk_telemetry::redact(
                        reader,
                        import.format,
                        now,
                        &mut pipe_out,
                        &is_theirs,
                    )
                    .map_err(|e| super::StoreError::invalid(format!("{}: {e}", import.file_name)));
                    drop(pipe_out);
                    written
                });
                let stored =
                    files.ingest_reader(&mut pipe_in, &import.file_name, &limits, &mut |_, _| {});
                drop(pipe_in);
                let written = writer
                    .join()
                    .map_err(|_| super::StoreError::Corrupt("the redaction failed".into()))
                    .and_then(|r| r);
                (written, stored)
            });
            let (written, stored) = match (written, stored) {
                (Ok(w), Ok(s)) => (w, s),
                (w, s) => {
                    let mut copies: Vec<String> =
                        out.iter().map(|t: &RedactedTelemetry| t.file_sha256.clone()).collect();
                    copies.extend(s.as_ref().ok().map(|s| s.sha256.to_string()));
                    self.remove_unnamed(&copies)?;
                    return Err(match (w, s) {
                        (Err(e), _) => e,
                        (_, Err(e)) => e.into(),
                        _ => super::StoreError::Corrupt("the redaction failed".into()),
                    });
                }
            };
            dropped.extend(written.dropped_ids.iter().map(|id| (import.format, id.clone())));
            out.push(RedactedTelemetry {
                import_id: import.id,
                from_sha256: import.file_sha256.clone(),
                file_sha256: stored.sha256.to_string(),
                size: stored.size,
                events: written.kept_events,
                removed_matched: 0,
                removed_unmatched: 0,
            });
        }
        Ok((out, dropped))
    }

    /// Removes the files of `shas` that no import and no evidence names (copies made for an
    /// erasure that did not happen; a copy may be byte for byte a file in use, e.g. a CSV
    /// header alone).
    fn remove_unnamed(&self, shas: &[String]) -> Result<()> {
        let mut unnamed = Vec::new();
        self.backend.read(&mut |db| {
            unnamed.clear();
            for sha in shas {
                let named: i64 = db.query_value(
                    "SELECT (SELECT count(*) FROM evidence WHERE sha256 = ?1)
                          + (SELECT count(*) FROM telemetry_imports WHERE file_sha256 = ?1)",
                    params![sha],
                )?;
                if named == 0 {
                    unnamed.push(sha.clone());
                }
            }
            Ok(())
        })?;
        for sha in unnamed {
            if let Ok(sha) = sha.parse::<Sha256Hex>() {
                self.files()
                    .remove(&sha)
                    .map_err(|e| super::StoreError::io("cannot remove an unused copy", e))?;
            }
        }
        Ok(())
    }

    /// The retention rule and due day of every person not yet erased, as of `today`, under
    /// the policy of this data directory's `config.toml`.
    pub fn retention_plan(&self, today: NaiveDate) -> Result<Vec<PlanEntry>> {
        let policy = self.config().retention.policy();
        let mut out = Vec::new();
        self.backend.read(&mut |db| {
            out = plan_in(db, today, &policy)?;
            Ok(())
        })?;
        Ok(out)
    }

    /// Where the person of case `case_id` stands under the retention rules of this data
    /// directory's `config.toml`, on the store clock's day.
    pub fn case_retention(&self, case_id: CaseId) -> Result<CaseRetention> {
        let policy = self.config().retention.policy();
        let today = self.clock().now().date();
        let mut out = None;
        self.backend.read(&mut |db| {
            let case = super::views::case(db, case_id)?;
            let facts = person_facts(db, case.candidate_id)?;
            let legal_hold = facts
                .as_ref()
                .and_then(|f| f.cases.iter().find(|c| c.id == case_id))
                .map(|c| c.legal_hold)
                .unwrap_or(false);
            let assessment = facts.as_ref().map(|f| retention::assess(f, &policy));
            out = Some(CaseRetention {
                case_id,
                candidate_id: case.candidate_id,
                legal_hold,
                erased: facts.is_none(),
                due: assessment.as_ref().is_some_and(|a| a.is_due(today)),
                source: assessment.as_ref().map(|a| {
                    let s = retention::source(a.rule);
                    format!("{}, {}", s.document, s.section)
                }),
                assessment,
            });
            Ok(())
        })?;
        out.ok_or_else(|| super::StoreError::not_found("case", case_id))
    }

    /// Erases every person due on the store clock's day, as `actor` (compliance or admin):
    /// one `ErasePerson` each (its own transaction, refused by the store if the person is not
    /// due or is held), then their evidence files and previews, then the database rewritten
    /// and its log emptied so that nothing erased lingers in free pages or log frames.
    #[tracing::instrument(skip(self), err)]
    pub fn retention_apply(&self, actor: &str) -> Result<Vec<Erasure>> {
        let today = self.clock().now().date();
        let due: Vec<PlanEntry> =
            self.retention_plan(today)?.into_iter().filter(|e| e.due).collect();
        let files = self.files();
        let mut out = Vec::new();
        for entry in due {
            let Some(due_on) = entry.assessment.due_on else { continue };
            let mut shas = Vec::new();
            self.backend.read(&mut |db| {
                shas = files_only_theirs(db, entry.candidate_id)?;
                Ok(())
            })?;
            let (telemetry, dropped) = self.redact_telemetry_of(entry.candidate_id)?;
            // The originals of the rewritten telemetry files go with the person's own files:
            // once the erasure lands, each import and evidence names its copy instead.
            let parsed: Vec<Sha256Hex> = shas
                .iter()
                .chain(telemetry.iter().map(|t| &t.from_sha256))
                .filter_map(|s| s.parse().ok())
                .collect();
            let ctx = self.context();
            let now = self.clock().now();
            let mut removed = 0u32;
            let outcome = self.transaction(|db| {
                removed = 0;
                let at = super::tables::audit::write_time(db, now)?;
                let mut telemetry = telemetry.clone();
                remove_events(db, &dropped, &mut telemetry)?;
                let applied = super::apply::apply_one(
                    db,
                    &ctx,
                    actor,
                    &at,
                    Change::ErasePerson {
                        candidate_id: entry.candidate_id,
                        rule: entry.assessment.rule,
                        due_on,
                        telemetry,
                    },
                )?;
                if files.is_team() {
                    // The bytes are rows: erased in the erasure's own transaction, so that
                    // either both happen or neither.
                    for sha in &parsed {
                        if evidence_chunks::erase(db, sha)? > 0 {
                            removed += 1;
                        }
                    }
                }
                Ok(applied)
            });
            let applied = match outcome {
                Ok(applied) => applied,
                Err(e) => {
                    // The copies nobody names now.
                    let copies: Vec<String> =
                        telemetry.iter().map(|t| t.file_sha256.clone()).collect();
                    self.remove_unnamed(&copies)?;
                    return Err(e);
                }
            };
            for sha in &parsed {
                // Solo: the file and its preview; team: this desktop's cached preview.
                let gone = files
                    .remove(sha)
                    .map_err(|e| super::StoreError::io("cannot remove an erased file", e))?;
                if !files.is_team() {
                    removed += gone as u32;
                }
            }
            tracing::info!(candidate = entry.candidate_id, rule = %entry.assessment.rule, "erased");
            out.push(Erasure {
                candidate_id: entry.candidate_id,
                rule: entry.assessment.rule,
                due_on,
                audit_id: applied.record.id,
                files_removed: removed,
            });
        }
        // Files of an erasure interrupted before its files were removed.
        let mut leftovers = Vec::new();
        self.backend.read(&mut |db| {
            leftovers = leftover_files(db)?;
            Ok(())
        })?;
        for sha in leftovers {
            if let Ok(sha) = sha.parse::<Sha256Hex>() {
                files.remove(&sha).map_err(|e| super::StoreError::io("cannot remove a file", e))?;
            }
        }
        if !out.is_empty() {
            self.backend.compact()?;
        }
        Ok(out)
    }
}
