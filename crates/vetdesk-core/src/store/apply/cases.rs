//! Cases: opening one, assigning, prioritising, moving it along its life cycle and deciding
//! it, recording checklist results, attaching evidence, adding notes.

use super::{Context, missing_id, not_mine};
use crate::change::{Change, Ground, StoredFile, TemplateRef};
use crate::model::{CaseStatus, Field, ItemResult, ItemState, Timestamp, User};
use crate::store::db::Db;
use crate::store::rules::{self, MAX_TEXT, open_case, optional, required};
use crate::store::tables::{candidates, cases, checklist, evidence, next_id, notes, users};
use crate::store::{Result, StoreError};
use crate::template::{self, DEFAULT_TEMPLATE};

fn active_user(db: &dyn Db, name: Option<&str>) -> Result<Option<String>> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    match users::get(db, name)? {
        Some(user) if user.active => Ok(Some(user.name)),
        Some(_) => {
            Err(StoreError::invalid(format!("user {name} is deactivated and cannot be assigned"))
                .at(Field::Assignee))
        }
        None => Err(StoreError::not_found("user", name).at(Field::Assignee)),
    }
}

pub(super) fn resolve(
    db: &dyn Db,
    user: &User,
    at: &Timestamp,
    ctx: &Context,
    change: Change,
) -> Result<Change> {
    Ok(match change {
        Change::OpenCase { candidate_id, kind, assignee, priority, due_on, template, .. } => {
            if candidates::get(db, candidate_id)?.is_none() {
                return Err(StoreError::not_found("candidate", candidate_id));
            }
            let assignee = active_user(db, assignee.as_deref())?;
            let template = match template {
                Some(t) => template::get(&t.id, t.version)?,
                None => template::latest(DEFAULT_TEMPLATE)?,
            };
            if let Some(open) = cases::of_candidate(db, candidate_id)?.into_iter().find(|c| {
                c.kind == kind && c.status != CaseStatus::Closed && c.status != CaseStatus::Decided
            }) {
                return Err(StoreError::conflict(format!(
                    "candidate {candidate_id} already has an active {kind} case (case {})",
                    open.id
                )));
            }
            Change::OpenCase {
                id: Some(next_id(db, "cases")?),
                candidate_id,
                kind,
                assignee,
                priority,
                due_on,
                template: Some(TemplateRef { id: template.id.clone(), version: template.version }),
            }
        }
        Change::AssignCase { case_id, assignee } => {
            let case = open_case(db, case_id)?;
            let assignee = active_user(db, assignee.as_deref())?;
            if case.assignee == assignee {
                return Err(StoreError::conflict(format!("case {case_id} is already assigned so")));
            }
            Change::AssignCase { case_id, assignee }
        }
        Change::SetPriority { case_id, priority } => {
            let case = open_case(db, case_id)?;
            if case.priority == priority {
                return Err(StoreError::conflict(format!(
                    "case {case_id} already has priority {priority}"
                )));
            }
            Change::SetPriority { case_id, priority }
        }
        Change::SetDueDate { case_id, due_on } => {
            let case = open_case(db, case_id)?;
            if case.due_on == due_on {
                return Err(StoreError::conflict(format!(
                    "case {case_id} already has that due date"
                )));
            }
            Change::SetDueDate { case_id, due_on }
        }
        Change::SetStatus { case_id, status, decision, reason, grounds, override_reason } => {
            let case = cases::get(db, case_id)?.ok_or_else(|| StoreError::no_case(db, case_id))?;
            let reason = required(Field::Reason, "reason", &reason, MAX_TEXT)?;
            let override_reason = optional(
                Field::OverrideReason,
                "override reason",
                override_reason.as_deref(),
                MAX_TEXT,
            )?;
            rules::check_transition(user, &case, status)?;
            rules::check_four_eyes(db, user, &case, status)?;
            let mut cited: Vec<Ground> = Vec::new();
            for g in grounds {
                if !cited.contains(&g) {
                    cited.push(g);
                }
            }
            match (status, decision) {
                (CaseStatus::Decided, None) => {
                    return Err(StoreError::invalid(
                        "a decision is needed: cleared, rejected or referred",
                    )
                    .at(Field::Decision));
                }
                (CaseStatus::Decided, Some(d)) => {
                    rules::check_grounds(db, &case, d, &cited)?;
                    rules::check_decision(
                        db,
                        user,
                        &case,
                        Some(d),
                        &cited,
                        override_reason.as_deref(),
                        at,
                    )?;
                }
                (_, Some(d)) => {
                    return Err(StoreError::invalid(format!(
                        "decision {d} only goes with status decided, not {status}"
                    ))
                    .at(Field::Decision));
                }
                (_, None) => {
                    if !cited.is_empty() || override_reason.is_some() {
                        return Err(StoreError::invalid(format!(
                            "grounds and an override go with a decision, not with status {status}"
                        ))
                        .at(Field::Decision));
                    }
                }
            }
            Change::SetStatus { case_id, status, decision, reason, grounds: cited, override_reason }
        }
        Change::RecordResult { case_id, item_id, result, note, evidence } => {
            let case = open_case(db, case_id)?;
            let note = optional(Field::Note, "note", note.as_deref(), MAX_TEXT)?;
            let template = template::get(&case.template_id, case.template_version)?;
            let mut state_of = |item: &str| -> Result<ItemResult> {
                Ok(checklist::item_state(db, case.id, item)?.unwrap_or(ItemResult::Pending))
            };
            rules::check_result(
                user,
                &case,
                template,
                &mut state_of,
                &item_id,
                result,
                note.as_deref(),
            )?;
            let evidence =
                super::verification::check_evidence(db, case_id, Field::Evidence, &evidence)?;
            Change::RecordResult { case_id, item_id, result, note, evidence }
        }
        Change::AttachEvidence { case_id, file, original_name, description, item_id, .. } => {
            let case = open_case(db, case_id)?;
            let original_name = safe_file_name(&original_name)?;
            let description =
                optional(Field::Description, "description", description.as_deref(), MAX_TEXT)?;
            if let Some(item) = &item_id {
                let template = template::get(&case.template_id, case.template_version)?;
                if template.item(item).is_none() {
                    return Err(StoreError::invalid(format!(
                        "case {case_id} has no checklist item {item}"
                    ))
                    .at(Field::ItemId));
                }
            }
            check_stored_file(db, &ctx.files, &file)?;
            Change::AttachEvidence {
                id: Some(next_id(db, "evidence")?),
                case_id,
                file,
                original_name,
                description,
                item_id,
            }
        }
        Change::AddNote { case_id, text, .. } => {
            // A closed case takes no writes but a reopen, notes included.
            open_case(db, case_id)?;
            let text = required(Field::Text, "note", &text, MAX_TEXT)?;
            Change::AddNote { id: Some(next_id(db, "notes")?), case_id, text }
        }
        // Any user who may read the case may disclose it, whatever its status: a closed case
        // is exported most of all.
        Change::RecordDisclosure { case_id, what, detail } => {
            if cases::get(db, case_id)?.is_none() {
                return Err(StoreError::no_case(db, case_id));
            }
            let detail = required(Field::Text, "disclosure", &detail, MAX_TEXT)?;
            Change::RecordDisclosure { case_id, what, detail }
        }
        other => return Err(not_mine("case", &other)),
    })
}

/// The name a file was given, reduced to its last component: never a path.
fn safe_file_name(name: &str) -> Result<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    // Control characters could rewrite a terminal line; text-direction characters make a
    // name display as another (`scan\u{202E}gpj.exe` shows as `scanexe.jpg`): both are dropped.
    let cleaned: String =
        last.chars().filter(|c| !c.is_control() && !rules::is_bidi_control(*c)).collect();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        return Err(StoreError::invalid(format!("file name {name:?} is not usable"))
            .at(Field::OriginalName));
    }
    if cleaned.chars().count() > 255 {
        return Err(
            StoreError::invalid("file name is longer than 255 characters").at(Field::OriginalName)
        );
    }
    Ok(cleaned)
}

/// The database never names a file that is not fully on disk (solo mode) or in the team
/// database, stored in this very transaction if it was not there yet (team mode).
fn check_stored_file(
    db: &dyn Db,
    files: &crate::evidence::EvidenceFiles,
    file: &StoredFile,
) -> Result<()> {
    let sha = crate::store::files::parse_sha(&file.sha256)?;
    crate::store::files::store_pending(db, files, &sha, file.size)
}

pub(super) fn write(db: &dyn Db, at: &Timestamp, actor: &str, change: &Change) -> Result<()> {
    let missing = || missing_id(change);
    match change {
        Change::OpenCase { id, candidate_id, kind, assignee, priority, due_on, template } => {
            let template_ref = template.as_ref().ok_or_else(missing)?;
            let template = template::get(&template_ref.id, template_ref.version)?;
            let id = id.ok_or_else(missing)?;
            cases::insert(
                db,
                &cases::NewCase {
                    id,
                    candidate_id: *candidate_id,
                    kind: *kind,
                    assignee: assignee.as_deref(),
                    priority: *priority,
                    due_on: *due_on,
                    template,
                },
                actor,
                at,
            )
            // The checklist starts with every item pending: no result, no row.
        }
        Change::AssignCase { case_id, assignee } => {
            cases::set_assignee(db, *case_id, assignee.as_deref(), at)
        }
        Change::SetPriority { case_id, priority } => {
            cases::set_priority(db, *case_id, *priority, at)
        }
        Change::SetDueDate { case_id, due_on } => cases::set_due_on(db, *case_id, *due_on, at),
        Change::SetStatus { case_id, status, decision, reason, .. } => {
            cases::set_status(db, *case_id, *status, *decision, reason, actor, at)
        }
        Change::RecordResult { case_id, item_id, result, note, evidence } => {
            let state = ItemState {
                item_id: item_id.clone(),
                result: *result,
                note: note.clone(),
                recorded_by: Some(actor.to_string()),
                recorded_at: Some(*at),
                evidence: evidence.clone(),
            };
            checklist::record_result(db, *case_id, &state)?;
            cases::touch(db, *case_id, at)
        }
        Change::AttachEvidence { id, case_id, file, original_name, description, item_id } => {
            evidence::insert(
                db,
                &evidence::NewEvidence {
                    id: id.ok_or_else(missing)?,
                    case_id: *case_id,
                    file,
                    original_name,
                    description: description.as_deref(),
                    item_id: item_id.as_deref(),
                },
                actor,
                at,
            )?;
            cases::touch(db, *case_id, at)
        }
        Change::AddNote { id, case_id, text } => {
            notes::insert(db, id.ok_or_else(missing)?, *case_id, text, actor, at)?;
            cases::touch(db, *case_id, at)
        }
        // The record in the chain is the whole of it; the case is not "updated" by being read.
        Change::RecordDisclosure { .. } => Ok(()),
        other => Err(not_mine("case", other)),
    }
}
