//! Retention and erasure over the database: the facts each person's rule reads
//! (`checks::retention`), the plan (who is due when, under which rule), and `apply` (erasing
//! those due, then leaving no page or log frame that still holds what was erased).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::db::{Db, params};
use super::tables::evidence_chunks;
use super::{Result, Store};
use crate::change::Change;
use crate::checks::retention::{self, Assessment, CaseFacts, PersonFacts, RetentionPolicy};
use crate::evidence::Sha256Hex;
use crate::model::{CandidateId, CaseId, Timestamp};

/// The retention facts of one candidate; `None` when there is no such candidate or they are
/// erased already.
pub(crate) fn person_facts(db: &dyn Db, candidate: CandidateId) -> Result<Option<PersonFacts>> {
    let row: Option<(Timestamp, Option<String>)> = db.query_optional(
        "SELECT created_at, erased_at FROM candidates WHERE id = ?1",
        params![candidate],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let Some((added, None)) = row else { return Ok(None) };
    let cases = db.query_vec(
        "SELECT id, status, decision, decided_at, legal_hold, referral_released_at
         FROM cases WHERE candidate_id = ?1 ORDER BY id",
        params![candidate],
        |r| {
            let decided: Option<Timestamp> = r.get(3)?;
            let released: Option<Timestamp> = r.get(5)?;
            Ok(CaseFacts {
                id: r.get(0)?,
                status: r.get(1)?,
                decision: r.get(2)?,
                decided_on: decided.map(|t| t.date()),
                legal_hold: r.get(4)?,
                referral_released_on: released.map(|t| t.date()),
            })
        },
    )?;
    let employment = db.query_optional(
        "SELECT start_on, terminated_on FROM employees WHERE candidate_id = ?1
         ORDER BY id DESC LIMIT 1",
        params![candidate],
        |r| Ok((r.get::<NaiveDate>(0)?, r.get::<Option<NaiveDate>>(1)?)),
    )?;
    Ok(Some(PersonFacts { candidate_id: candidate, added_on: added.date(), cases, employment }))
}

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
         ORDER BY e.sha256",
        &[],
        |r| r.get(0),
    )?)
}

impl Store {
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
            let erase = Change::ErasePerson {
                candidate_id: entry.candidate_id,
                rule: entry.assessment.rule,
                due_on,
            };
            let parsed: Vec<Sha256Hex> = shas.iter().filter_map(|s| s.parse().ok()).collect();
            let mut removed = 0u32;
            let applied = if files.is_team() {
                // The bytes are rows: erased in the erasure's own transaction, so that either
                // both happen or neither.
                self.all_or_nothing(|| {
                    let applied = self.apply(actor, erase)?;
                    self.transaction(|db| {
                        for sha in &parsed {
                            if evidence_chunks::erase(db, sha)? > 0 {
                                removed += 1;
                            }
                        }
                        Ok(())
                    })?;
                    Ok::<_, super::StoreError>(applied)
                })?
            } else {
                self.apply(actor, erase)?
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
