//! Cases and what hangs off them: checklist items, notes and evidence records.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Result, StoreError, audit, candidates, vendors};
use crate::change::StoredFile;
use crate::model::text_enum;
use crate::model::{
    Candidate, CandidateId, Case, CaseId, CaseKind, CaseStatus, Chain, Decision, Evidence,
    EvidenceId, ItemResult, ItemState, Note, NoteId, Priority, Timestamp, Vendor, VendorId,
};
use crate::template::{self, Template};
use crate::verification::Severity;

const COLUMNS: &str = "id, candidate_id, kind, status, decision, decision_reason, decided_by, \
                       decided_at, assignee, priority, due_on, template_id, template_version, \
                       opened_by, opened_at, updated_at, closed_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Case> {
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

pub(crate) fn get(conn: &Connection, id: CaseId) -> Result<Option<Case>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM cases WHERE id = ?1"), [id], from_row)
        .optional()?)
}

pub(crate) fn of_candidate(conn: &Connection, candidate_id: CandidateId) -> Result<Vec<Case>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM cases WHERE candidate_id = ?1 ORDER BY id"))?;
    let cases = stmt.query_map([candidate_id], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(cases)
}

// ---- the queue ----

text_enum! {
    /// Orders of the case list.
    pub enum CaseSort {
        Id => "id",
        Opened => "opened",
        Updated => "updated",
        Priority => "priority",
        Status => "status",
        Candidate => "candidate",
        Due => "due",
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub assignee: Option<String>,
    pub vendor_id: Option<VendorId>,
    pub candidate_id: Option<CandidateId>,
    /// Only cases past their due date and not yet decided.
    pub overdue: bool,
    pub sort: Option<CaseSort>,
    pub descending: bool,
    pub limit: Option<u32>,
}

/// One row of the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseSummary {
    pub id: CaseId,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub external_id: Option<String>,
    pub vendor_id: Option<VendorId>,
    pub vendor_name: Option<String>,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub decision: Option<Decision>,
    pub assignee: Option<String>,
    pub priority: Priority,
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
    pub opened_at: Timestamp,
    pub updated_at: Timestamp,
    pub progress: Progress,
    /// Red flags of the case that are still open.
    pub open_flags: u32,
    /// The most severe of them.
    pub top_severity: Option<Severity>,
}

/// How far a checklist has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Progress {
    pub total: u32,
    /// Items with any result other than pending.
    pub done: u32,
    pub passed: u32,
    pub failed: u32,
}

fn is_active(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::Open | CaseStatus::InReview | CaseStatus::Escalated)
}

pub(crate) fn list(
    conn: &Connection,
    filter: &CaseFilter,
    today: NaiveDate,
) -> Result<Vec<CaseSummary>> {
    let mut sql = String::from(
        "SELECT c.id, c.candidate_id, p.legal_name, p.external_id, p.vendor_id, v.name, c.kind,
                c.status, c.decision, c.assignee, c.priority, c.due_on, c.opened_at, c.updated_at,
                (SELECT count(*) FROM checklist_items i WHERE i.case_id = c.id),
                (SELECT count(*) FROM checklist_items i WHERE i.case_id = c.id AND i.result != 'pending'),
                (SELECT count(*) FROM checklist_items i WHERE i.case_id = c.id AND i.result = 'pass'),
                (SELECT count(*) FROM checklist_items i WHERE i.case_id = c.id AND i.result = 'fail'),
                (SELECT count(*) FROM case_flags f WHERE f.case_id = c.id AND f.cleared_at IS NULL),
                (SELECT max(CASE f.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3
                                            WHEN 'critical' THEN 4 END)
                 FROM case_flags f WHERE f.case_id = c.id AND f.cleared_at IS NULL)
         FROM cases c
         JOIN candidates p ON p.id = c.candidate_id
         LEFT JOIN vendors v ON v.id = p.vendor_id
         WHERE 1 = 1",
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(status) = filter.status {
        args.push(status.as_str().to_string().into());
        sql.push_str(&format!(" AND c.status = ?{}", args.len()));
    }
    if let Some(assignee) = &filter.assignee {
        args.push(assignee.clone().into());
        sql.push_str(&format!(" AND c.assignee = ?{}", args.len()));
    }
    if let Some(vendor) = filter.vendor_id {
        args.push(vendor.into());
        sql.push_str(&format!(" AND p.vendor_id = ?{}", args.len()));
    }
    if let Some(candidate) = filter.candidate_id {
        args.push(candidate.into());
        sql.push_str(&format!(" AND c.candidate_id = ?{}", args.len()));
    }
    if filter.overdue {
        args.push(today.to_string().into());
        sql.push_str(&format!(
            " AND c.due_on < ?{} AND c.status IN ('open', 'in_review', 'escalated')",
            args.len()
        ));
    }
    let order = match filter.sort.unwrap_or(CaseSort::Id) {
        CaseSort::Id => "c.id",
        CaseSort::Opened => "c.opened_at, c.id",
        CaseSort::Updated => "c.updated_at, c.id",
        CaseSort::Priority => {
            "CASE c.priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END, c.id"
        }
        CaseSort::Status => {
            "CASE c.status WHEN 'open' THEN 0 WHEN 'in_review' THEN 1 WHEN 'escalated' THEN 2 \
             WHEN 'decided' THEN 3 ELSE 4 END, c.id"
        }
        CaseSort::Candidate => "p.legal_name COLLATE NOCASE, c.id",
        CaseSort::Due => "c.due_on IS NULL, c.due_on, c.id",
    };
    let direction = if filter.descending { " DESC" } else { "" };
    // Every ORDER BY term gets the direction, so that ties break the same way.
    let order = order.split(", ").map(|term| format!("{term}{direction}")).collect::<Vec<_>>();
    sql.push_str(&format!(" ORDER BY {}", order.join(", ")));
    if let Some(limit) = filter.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        let status: CaseStatus = r.get(7)?;
        let due_on: Option<NaiveDate> = r.get(11)?;
        Ok(CaseSummary {
            id: r.get(0)?,
            candidate_id: r.get(1)?,
            candidate_name: r.get(2)?,
            external_id: r.get(3)?,
            vendor_id: r.get(4)?,
            vendor_name: r.get(5)?,
            kind: r.get(6)?,
            status,
            decision: r.get(8)?,
            assignee: r.get(9)?,
            priority: r.get(10)?,
            due_on,
            overdue: is_active(status) && due_on.is_some_and(|d| d < today),
            opened_at: r.get(12)?,
            updated_at: r.get(13)?,
            progress: Progress {
                total: r.get(14)?,
                done: r.get(15)?,
                passed: r.get(16)?,
                failed: r.get(17)?,
            },
            open_flags: r.get(18)?,
            top_severity: match r.get::<_, Option<i64>>(19)? {
                Some(1) => Some(Severity::Low),
                Some(2) => Some(Severity::Medium),
                Some(3) => Some(Severity::High),
                Some(4) => Some(Severity::Critical),
                _ => None,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A status a case could move to next (with the decision, for `decided`), and why the store
/// would refuse the move for the user asking; `None` when it would accept it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StatusMove {
    pub status: CaseStatus,
    pub decision: Option<Decision>,
    pub refused: Option<String>,
}

// ---- one case, whole ----

/// One checklist item of a case: the template's words and the case's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistEntry {
    pub phase_id: String,
    pub phase_title: String,
    pub section_id: String,
    pub section_title: String,
    pub item: template::Item,
    /// Full title of the cited source.
    pub source_title: String,
    pub state: ItemState,
    /// Prerequisites that have not passed yet (the item cannot be recorded until they have).
    pub blocked_by: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseDetail {
    pub case: Case,
    pub overdue: bool,
    pub candidate: Candidate,
    pub vendor: Option<Vendor>,
    pub template_title: String,
    pub checklist: Vec<ChecklistEntry>,
    pub progress: Progress,
    pub notes: Vec<Note>,
    pub evidence: Vec<Evidence>,
    /// Hash of the newest record of the case's audit chain.
    pub chain_head: String,
    pub audit_records: i64,
    /// Other cases of the same candidate.
    pub related_cases: Vec<CaseId>,
}

pub(crate) fn detail(conn: &Connection, id: CaseId, today: NaiveDate) -> Result<CaseDetail> {
    let case = get(conn, id)?.ok_or_else(|| StoreError::not_found("case", id))?;
    let candidate = candidates::get(conn, case.candidate_id)?
        .ok_or_else(|| StoreError::Corrupt(format!("case {id} names a missing candidate")))?;
    let vendor = match candidate.fields.vendor_id {
        Some(v) => vendors::get(conn, v)?,
        None => None,
    };
    let template = template::get(&case.template_id, case.template_version)?;
    let checklist = checklist(conn, &case)?;
    let progress = progress_of(&checklist);
    let (audit_records, chain_head) = audit::chain_tip(conn, Chain::Case(id))?;
    let related_cases = of_candidate(conn, case.candidate_id)?
        .into_iter()
        .map(|c| c.id)
        .filter(|other| *other != id)
        .collect();
    Ok(CaseDetail {
        overdue: is_active(case.status) && case.due_on.is_some_and(|d| d < today),
        template_title: template.title.clone(),
        notes: notes(conn, id)?,
        evidence: evidence_of_case(conn, id)?,
        case,
        candidate,
        vendor,
        checklist,
        progress,
        chain_head,
        audit_records,
        related_cases,
    })
}

pub(crate) fn progress_of(entries: &[ChecklistEntry]) -> Progress {
    let mut p = Progress { total: entries.len() as u32, ..Progress::default() };
    for e in entries {
        match e.state.result {
            ItemResult::Pending => {}
            ItemResult::Pass => {
                p.done += 1;
                p.passed += 1;
            }
            ItemResult::Fail => {
                p.done += 1;
                p.failed += 1;
            }
            ItemResult::NotApplicable | ItemResult::Waived => p.done += 1,
        }
    }
    p
}

pub(crate) fn item_states(conn: &Connection, case_id: CaseId) -> Result<Vec<ItemState>> {
    let mut stmt = conn.prepare(
        "SELECT item_id, result, note, recorded_by, recorded_at FROM checklist_items
         WHERE case_id = ?1 ORDER BY position",
    )?;
    let mut states: Vec<ItemState> = stmt
        .query_map([case_id], |r| {
            Ok(ItemState {
                item_id: r.get(0)?,
                result: r.get(1)?,
                note: r.get(2)?,
                recorded_by: r.get(3)?,
                recorded_at: r.get(4)?,
                evidence: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut links = conn.prepare(
        "SELECT item_id, evidence_id FROM item_evidence WHERE case_id = ?1 ORDER BY evidence_id",
    )?;
    let links = links.query_map([case_id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
    for link in links {
        let (item_id, evidence_id) = link?;
        if let Some(state) = states.iter_mut().find(|s| s.item_id == item_id) {
            state.evidence.push(evidence_id);
        }
    }
    Ok(states)
}

pub(crate) fn checklist(conn: &Connection, case: &Case) -> Result<Vec<ChecklistEntry>> {
    let template = template::get(&case.template_id, case.template_version)?;
    let states = item_states(conn, case.id)?;
    let mut entries = Vec::with_capacity(states.len());
    for state in states {
        let r = template.item(&state.item_id).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "case {} has item {} that template {} v{} does not have",
                case.id, state.item_id, template.id, template.version
            ))
        })?;
        entries.push(ChecklistEntry {
            phase_id: r.phase.id.clone(),
            phase_title: r.phase.title.clone(),
            section_id: r.section.id.clone(),
            section_title: r.section.title.clone(),
            source_title: template
                .source(&r.item.source)
                .map(|s| s.title.clone())
                .unwrap_or_default(),
            blocked_by: Vec::new(),
            item: r.item.clone(),
            state,
        });
    }
    let passed: Vec<String> = entries
        .iter()
        .filter(|e| e.state.result == ItemResult::Pass)
        .map(|e| e.item.id.clone())
        .collect();
    for entry in &mut entries {
        entry.blocked_by =
            entry.item.requires.iter().filter(|req| !passed.contains(req)).cloned().collect();
    }
    Ok(entries)
}

pub(crate) fn item_state(
    conn: &Connection,
    case_id: CaseId,
    item_id: &str,
) -> Result<Option<ItemResult>> {
    Ok(conn
        .query_row(
            "SELECT result FROM checklist_items WHERE case_id = ?1 AND item_id = ?2",
            params![case_id, item_id],
            |r| r.get(0),
        )
        .optional()?)
}

const NOTE_COLUMNS: &str = "id, case_id, author, created_at, text";

fn note_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Note> {
    Ok(Note {
        id: r.get(0)?,
        case_id: r.get(1)?,
        author: r.get(2)?,
        created_at: r.get(3)?,
        text: r.get(4)?,
    })
}

pub(crate) fn notes(conn: &Connection, case_id: CaseId) -> Result<Vec<Note>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {NOTE_COLUMNS} FROM notes WHERE case_id = ?1 ORDER BY id"))?;
    let notes = stmt.query_map([case_id], note_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(notes)
}

const EVIDENCE_COLUMNS: &str = "id, case_id, sha256, size, original_name, media_type, description, \
                                item_id, added_by, added_at, has_thumbnail, ingest_note";

fn evidence_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Evidence> {
    Ok(Evidence {
        id: r.get(0)?,
        case_id: r.get(1)?,
        sha256: r.get(2)?,
        size: r.get::<_, i64>(3)?.max(0) as u64,
        original_name: r.get(4)?,
        media_type: r.get(5)?,
        description: r.get(6)?,
        item_id: r.get(7)?,
        added_by: r.get(8)?,
        added_at: r.get(9)?,
        has_thumbnail: r.get(10)?,
        ingest_note: r.get(11)?,
    })
}

pub(crate) fn evidence_of_case(conn: &Connection, case_id: CaseId) -> Result<Vec<Evidence>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE case_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([case_id], evidence_from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn evidence_by_id(conn: &Connection, id: EvidenceId) -> Result<Option<Evidence>> {
    Ok(conn
        .query_row(
            &format!("SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE id = ?1"),
            [id],
            evidence_from_row,
        )
        .optional()?)
}

// ---- writes (only from the apply path) ----

pub(crate) fn next_id(conn: &Connection, table: &'static str) -> Result<i64> {
    Ok(conn.query_row(&format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"), [], |r| r.get(0))?)
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

pub(crate) fn insert(
    conn: &Connection,
    c: &NewCase<'_>,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "INSERT INTO cases (id, candidate_id, kind, status, assignee, priority, due_on,
                            template_id, template_version, opened_by, opened_at, updated_at)
         VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![
            c.id,
            c.candidate_id,
            c.kind,
            c.assignee,
            c.priority,
            c.due_on,
            c.template.id,
            c.template.version,
            actor,
            at
        ],
    )?;
    let mut item = conn.prepare(
        "INSERT INTO checklist_items (case_id, item_id, position, result) VALUES (?1, ?2, ?3, 'pending')",
    )?;
    for (position, r) in c.template.items().enumerate() {
        item.execute(params![c.id, r.item.id, position as i64])?;
    }
    Ok(())
}

pub(crate) fn touch(conn: &Connection, id: CaseId, at: &Timestamp) -> Result<()> {
    conn.execute("UPDATE cases SET updated_at = ?2 WHERE id = ?1", params![id, at])?;
    Ok(())
}

pub(crate) fn set_assignee(
    conn: &Connection,
    id: CaseId,
    assignee: Option<&str>,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "UPDATE cases SET assignee = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, assignee, at],
    )?;
    Ok(())
}

pub(crate) fn set_priority(
    conn: &Connection,
    id: CaseId,
    priority: Priority,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "UPDATE cases SET priority = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, priority, at],
    )?;
    Ok(())
}

pub(crate) fn set_due_on(
    conn: &Connection,
    id: CaseId,
    due_on: Option<NaiveDate>,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "UPDATE cases SET due_on = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, due_on, at],
    )?;
    Ok(())
}

pub(crate) fn set_status(
    conn: &Connection,
    id: CaseId,
    status: CaseStatus,
    decision: Option<Decision>,
    reason: &str,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    match status {
        CaseStatus::Decided => conn.execute(
            "UPDATE cases SET status = ?2, decision = ?3, decision_reason = ?4, decided_by = ?5,
                    decided_at = ?6, closed_at = NULL, updated_at = ?6
             WHERE id = ?1",
            params![id, status, decision, reason, actor, at],
        )?,
        // Closing keeps the decision: it is the sign-off of what was decided.
        CaseStatus::Closed => conn.execute(
            "UPDATE cases SET status = ?2, closed_at = ?3, updated_at = ?3 WHERE id = ?1",
            params![id, status, at],
        )?,
        // Any other move reopens the question, so a previous decision no longer stands.
        CaseStatus::Open | CaseStatus::InReview | CaseStatus::Escalated => conn.execute(
            "UPDATE cases SET status = ?2, decision = NULL, decision_reason = NULL,
                    decided_by = NULL, decided_at = NULL, closed_at = NULL, updated_at = ?3
             WHERE id = ?1",
            params![id, status, at],
        )?,
    };
    Ok(())
}

/// Writes one item's new state (which carries who recorded it and when).
pub(crate) fn record_result(conn: &Connection, case_id: CaseId, state: &ItemState) -> Result<()> {
    let item_id = &state.item_id;
    conn.execute(
        "UPDATE checklist_items SET result = ?3, note = ?4, recorded_by = ?5, recorded_at = ?6
         WHERE case_id = ?1 AND item_id = ?2",
        params![case_id, item_id, state.result, state.note, state.recorded_by, state.recorded_at],
    )?;
    conn.execute(
        "DELETE FROM item_evidence WHERE case_id = ?1 AND item_id = ?2",
        params![case_id, item_id],
    )?;
    let mut link = conn.prepare(
        "INSERT OR IGNORE INTO item_evidence (case_id, item_id, evidence_id) VALUES (?1, ?2, ?3)",
    )?;
    for evidence_id in &state.evidence {
        link.execute(params![case_id, item_id, evidence_id])?;
    }
    match state.recorded_at {
        Some(at) => touch(conn, case_id, &at),
        None => Ok(()),
    }
}

pub(crate) fn insert_note(
    conn: &Connection,
    id: NoteId,
    case_id: CaseId,
    text: &str,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        &format!("INSERT INTO notes ({NOTE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5)"),
        params![id, case_id, actor, at, text],
    )?;
    touch(conn, case_id, at)
}

pub(crate) struct NewEvidence<'a> {
    pub id: EvidenceId,
    pub case_id: CaseId,
    pub file: &'a StoredFile,
    pub original_name: &'a str,
    pub description: Option<&'a str>,
    pub item_id: Option<&'a str>,
}

pub(crate) fn insert_evidence(
    conn: &Connection,
    e: &NewEvidence<'_>,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO evidence ({EVIDENCE_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        params![
            e.id,
            e.case_id,
            e.file.sha256,
            e.file.size as i64,
            e.original_name,
            e.file.media_type,
            e.description,
            e.item_id,
            actor,
            at,
            e.file.has_thumbnail,
            e.file.ingest_note
        ],
    )?;
    touch(conn, e.case_id, at)
}
