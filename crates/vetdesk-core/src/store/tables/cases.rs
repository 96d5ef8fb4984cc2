//! The `cases` table: one row per case, its status and decision, who it is assigned to.

use chrono::NaiveDate;

use crate::model::{
    CandidateId, Case, CaseId, CaseKind, CaseStatus, Decision, Priority, Timestamp,
};
use crate::store::Result;
use crate::store::db::{Db, DbResult, Row, ToValue, params};
use crate::template::Template;
use crate::verification::LinkedCase;

const COLUMNS: &str = "id, candidate_id, kind, status, decision, decision_reason, decided_by, \
                       decided_at, assignee, priority, due_on, template_id, template_version, \
                       opened_by, opened_at, updated_at, closed_at";

fn from_row(r: &Row<'_>) -> DbResult<Case> {
    Ok(Case {
        id: r.get(0)?,
        candidate_id: r.get(1)?,
        kind: r.get(2)?,
        status: r.get(3)?,
        decision: r.get(4)?,
        decision_reason: r.get(5)?,
        decided_by: r.get(6)?,
        decided_at: r.get(7)?,
        assignee: r.get(8)?,
        priority: r.get(9)?,
        due_on: r.get(10)?,
        template_id: r.get(11)?,
        template_version: r.get(12)?,
        opened_by: r.get(13)?,
        opened_at: r.get(14)?,
        updated_at: r.get(15)?,
        closed_at: r.get(16)?,
    })
}

pub(crate) fn get(db: &dyn Db, id: CaseId) -> Result<Option<Case>> {
    Ok(db.query_optional(
        &format!("SELECT {COLUMNS} FROM cases WHERE id = ?1"),
        params![id],
        from_row,
    )?)
}

pub(crate) fn of_candidate(db: &dyn Db, candidate_id: CandidateId) -> Result<Vec<Case>> {
    Ok(db.query_vec(
        &format!("SELECT {COLUMNS} FROM cases WHERE candidate_id = ?1 ORDER BY id"),
        params![candidate_id],
        from_row,
    )?)
}

/// The id and status of each case of each candidate, in order, by candidate.
/// The cases of each of some candidates, with status and decision, in id order.
pub(crate) fn linked_cases_of_candidates(
    db: &dyn Db,
    candidate_ids: &[CandidateId],
) -> Result<Vec<Vec<LinkedCase>>> {
    // A statement per 64 candidates, not one per candidate: on a team database each statement
    // is a round trip to the server, and a busy case links to dozens of candidates. The last
    // chunk repeats its last id, so that every statement has the same text (prepared once).
    const CHUNK: usize = 64;
    let list: Vec<String> = (1..=CHUNK).map(|i| format!("?{i}")).collect();
    let mut query = db.prepare(&format!(
        "SELECT candidate_id, id, status, decision FROM cases WHERE candidate_id IN ({})
         ORDER BY candidate_id, id",
        list.join(", ")
    ))?;
    let mut found: std::collections::HashMap<CandidateId, Vec<LinkedCase>> =
        std::collections::HashMap::with_capacity(candidate_ids.len());
    for chunk in candidate_ids.chunks(CHUNK) {
        let mut values: Vec<_> = chunk.iter().map(ToValue::to_value).collect();
        if let Some(last) = values.last().cloned() {
            values.resize(CHUNK, last);
        }
        let rows = query.query_vec(&values, |r| {
            Ok((
                r.get::<CandidateId>(0)?,
                LinkedCase { case_id: r.get(1)?, status: r.get(2)?, decision: r.get(3)? },
            ))
        })?;
        for (candidate, case) in rows {
            found.entry(candidate).or_default().push(case);
        }
    }
    Ok(candidate_ids.iter().map(|id| found.get(id).cloned().unwrap_or_default()).collect())
}

/// The cases of some candidates that are not closed (whose flags still move).
pub(crate) fn not_closed_of_candidates(
    db: &dyn Db,
    candidate_ids: impl IntoIterator<Item = CandidateId>,
) -> Result<Vec<CaseId>> {
    let mut query =
        db.prepare("SELECT id FROM cases WHERE candidate_id = ?1 AND status != ?2 ORDER BY id")?;
    let mut out = Vec::new();
    for id in candidate_ids {
        out.extend(query.query_vec(params![id, CaseStatus::Closed], |r| r.get::<CaseId>(0))?);
    }
    Ok(out)
}

/// Every case that is not closed, in order.
pub(crate) fn not_closed(db: &dyn Db) -> Result<Vec<CaseId>> {
    Ok(db.query_vec(
        "SELECT id FROM cases WHERE status != ?1 ORDER BY id",
        params![CaseStatus::Closed],
        |r| r.get(0),
    )?)
}

/// Every case opened in `[from, to)`, in order of opening.
pub(crate) fn opened_between(db: &dyn Db, from: &Timestamp, to: &Timestamp) -> Result<Vec<Case>> {
    Ok(db.query_vec(
        &format!(
            "SELECT {COLUMNS} FROM cases WHERE opened_at >= ?1 AND opened_at < ?2
             ORDER BY opened_at, id"
        ),
        params![from, to],
        from_row,
    )?)
}

pub(crate) struct NewCase<'a> {
    pub id: CaseId,
    pub candidate_id: CandidateId,
    pub kind: CaseKind,
    pub assignee: Option<&'a str>,
    pub priority: Priority,
    pub due_on: Option<NaiveDate>,
    pub template: &'a Template,
}

pub(crate) fn insert(db: &dyn Db, c: &NewCase<'_>, actor: &str, at: &Timestamp) -> Result<()> {
    db.execute(
        "INSERT INTO cases (id, candidate_id, kind, status, assignee, priority, due_on,
                            template_id, template_version, opened_by, opened_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
        params![
            c.id,
            c.candidate_id,
            c.kind,
            CaseStatus::Open,
            c.assignee,
            c.priority,
            c.due_on,
            c.template.id,
            c.template.version,
            actor,
            at
        ],
    )?;
    Ok(())
}

/// Work on a case moves its "updated" time.
pub(crate) fn touch(db: &dyn Db, id: CaseId, at: &Timestamp) -> Result<()> {
    db.execute("UPDATE cases SET updated_at = ?2 WHERE id = ?1", params![id, at])?;
    Ok(())
}

pub(crate) fn set_assignee(
    db: &dyn Db,
    id: CaseId,
    assignee: Option<&str>,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        "UPDATE cases SET assignee = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, assignee, at],
    )?;
    Ok(())
}

pub(crate) fn set_priority(
    db: &dyn Db,
    id: CaseId,
    priority: Priority,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        "UPDATE cases SET priority = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, priority, at],
    )?;
    Ok(())
}

pub(crate) fn set_due_on(
    db: &dyn Db,
    id: CaseId,
    due_on: Option<NaiveDate>,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        "UPDATE cases SET due_on = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, due_on, at],
    )?;
    Ok(())
}

pub(crate) fn set_status(
    db: &dyn Db,
    id: CaseId,
    status: CaseStatus,
    decision: Option<Decision>,
    reason: &str,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    match status {
        CaseStatus::Decided => db.execute(
            "UPDATE cases SET status = ?2, decision = ?3, decision_reason = ?4, decided_by = ?5,
                    decided_at = ?6, closed_at = NULL, updated_at = ?6
             WHERE id = ?1",
            params![id, status, decision, reason, actor, at],
        )?,
        // Closing keeps the decision: it is the sign-off of what was decided.
        CaseStatus::Closed => db.execute(
            "UPDATE cases SET status = ?2, closed_at = ?3, updated_at = ?3 WHERE id = ?1",
            params![id, status, at],
        )?,
        // Any other move reopens the question, so a previous decision no longer stands.
        CaseStatus::Open | CaseStatus::InReview | CaseStatus::Escalated => db.execute(
            "UPDATE cases SET status = ?2, decision = NULL, decision_reason = NULL,
                    decided_by = NULL, decided_at = NULL, closed_at = NULL, updated_at = ?3
             WHERE id = ?1",
            params![id, status, at],
        )?,
    };
    Ok(())
}
