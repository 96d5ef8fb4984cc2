//! The apply path: `resolve` checks a change against the current state and the actor's role
//! and fills in the ids it creates; `write_effects` writes what a resolved change means. The
//! two are separate so that `verify` can replay recorded changes through the very same
//! `write_effects` into an empty database and compare.

use rusqlite::Connection;

use super::rules::{self, Action, MAX_FIELD, MAX_TEXT, optional, require, required};
use super::{Result, StatusMove, StoreError, candidates, cases, users, vendors, verification};
use crate::change::{Change, StoredFile, TemplateRef};
use crate::error::Field;
use crate::model::{
    CandidateFields, Case, CaseStatus, Decision, EvidenceId, ItemResult, ItemState, Role,
    Timestamp, User, VendorFields,
};
use crate::template::{self, DEFAULT_TEMPLATE};

/// The changes the verification module resolves and writes: one list for both matches below,
/// and still checked for exhaustiveness by the compiler.
macro_rules! verification_change {
    () => {
        Change::RecordDocument { .. }
            | Change::UpdateDocument { .. }
            | Change::RecordInterview { .. }
            | Change::SetReachableHours { .. }
            | Change::RecordEVerify { .. }
            | Change::UpdateEVerify { .. }
            | Change::AddReference { .. }
            | Change::UpdateReference { .. }
            | Change::RecordPayment { .. }
            | Change::RecordObservedIp { .. }
            | Change::RecordVendorAudit { .. }
            | Change::ImportIpList { .. }
            | Change::RemoveIpList { .. }
            | Change::AddVpnProvider { .. }
            | Change::RemoveVpnProvider { .. }
            | Change::AddVoipEntry { .. }
            | Change::RemoveVoipEntry { .. }
            | Change::FlagRaised { .. }
            | Change::FlagCleared { .. }
    };
}

/// The user a change is applied as. The very first user of an empty store adds themself.
pub(crate) fn acting_user(conn: &Connection, actor: &str, change: &Change) -> Result<User> {
    if let Some(user) = users::get(conn, actor)? {
        if !user.active {
            return Err(StoreError::Forbidden {
                actor: user.name,
                role: user.role.to_string(),
                action: "act: the account is deactivated".into(),
            });
        }
        return Ok(user);
    }
    if users::count(conn)? == 0 {
        if let Change::AddUser { name, display_name, role, .. } = change {
            if name == actor {
                if *role != Role::Admin {
                    return Err(StoreError::invalid(format!(
                        "the first user must be an admin (given role {role}); add {name} with --role admin"
                    ))
                    .at(Field::Role));
                }
                return Ok(User {
                    id: 0,
                    name: name.clone(),
                    display_name: display_name.clone(),
                    role: Role::Admin,
                    active: true,
                    created_at: Timestamp::now(),
                });
            }
        }
        return Err(StoreError::invalid(
            "there are no users yet: add the first one, an admin, with `vetdesk user add NAME --role admin`",
        ));
    }
    Err(StoreError::UnknownActor(actor.to_string()))
}

fn check_vendor(
    conn: &Connection,
    v: &VendorFields,
    at: &Timestamp,
    own_id: Option<i64>,
) -> Result<VendorFields> {
    let fields = VendorFields {
        name: required(Field::Name, "vendor name", &v.name, 200)?,
        contact: v.contact.trim().to_string(),
        screening_attested: v.screening_attested,
        attestation_note: optional(
            Field::AttestationNote,
            "attestation note",
            v.attestation_note.as_deref(),
            MAX_TEXT,
        )?,
        last_audit_on: v.last_audit_on,
    };
    if fields.contact.chars().count() > MAX_FIELD {
        return Err(StoreError::invalid(format!(
            "vendor contact is longer than {MAX_FIELD} characters"
        ))
        .at(Field::Contact));
    }
    if let Some(date) = fields.last_audit_on {
        if date > at.date() {
            return Err(StoreError::invalid(format!("last audit date {date} is in the future"))
                .at(Field::LastAuditOn));
        }
    }
    if let Some(existing) = vendors::by_name(conn, &fields.name)? {
        if Some(existing.id) != own_id {
            return Err(StoreError::conflict(format!(
                "a vendor named {:?} already exists (vendor {})",
                existing.fields.name, existing.id
            ))
            .at(Field::Name));
        }
    }
    Ok(fields)
}

/// Validates and tidies candidate fields: the rules every way in (form, CLI, CSV) shares.
pub(crate) fn check_candidate(
    conn: &Connection,
    c: &CandidateFields,
    at: &Timestamp,
    own_id: Option<i64>,
) -> Result<CandidateFields> {
    let (fields, problems) = rules::tidy_candidate(c, at);
    if let Some(first) = problems.into_iter().next() {
        return Err(first);
    }
    if let Some(problem) = candidate_conflicts(conn, &fields, own_id)?.into_iter().next() {
        return Err(problem);
    }
    Ok(fields)
}

/// What the database says against candidate fields: an unknown vendor, an external id that
/// belongs to someone else.
pub(crate) fn candidate_conflicts(
    conn: &Connection,
    fields: &CandidateFields,
    own_id: Option<i64>,
) -> Result<Vec<StoreError>> {
    let mut problems = Vec::new();
    if let Some(vendor) = fields.vendor_id {
        if vendors::get(conn, vendor)?.is_none() {
            problems.push(StoreError::not_found("vendor", vendor).at(Field::VendorId));
        }
    }
    if let Some(external_id) = &fields.external_id {
        if let Some(existing) = candidates::by_external_id(conn, external_id)? {
            if Some(existing.id) != own_id {
                problems.push(
                    StoreError::conflict(format!(
                        "external id {external_id:?} already belongs to candidate {}",
                        existing.id
                    ))
                    .at(Field::ExternalId),
                );
            }
        }
    }
    Ok(problems)
}

fn active_user(conn: &Connection, name: Option<&str>) -> Result<Option<String>> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    match users::get(conn, name)? {
        Some(user) if user.active => Ok(Some(user.name)),
        Some(_) => {
            Err(StoreError::invalid(format!("user {name} is deactivated and cannot be assigned"))
                .at(Field::Assignee))
        }
        None => Err(StoreError::not_found("user", name).at(Field::Assignee)),
    }
}

/// Every status move from the case's current status, each with the reason it would be refused
/// for this user (none when it would be accepted): the same rules `resolve` applies, asked
/// before the change is made so that a UI can offer only what the store will take.
pub(crate) fn status_moves(
    conn: &Connection,
    user: &User,
    case: &Case,
    at: &Timestamp,
    config: &super::Config,
) -> Result<Vec<StatusMove>> {
    let mut moves = Vec::new();
    for &status in CaseStatus::ALL.iter().filter(|s| **s != case.status) {
        let decisions: Vec<Option<Decision>> = if status == CaseStatus::Decided {
            Decision::ALL.iter().copied().map(Some).collect()
        } else {
            vec![None]
        };
        for decision in decisions {
            let verdict =
                rules::check_transition(user, case, status).and_then(|()| match decision {
                    Some(Decision::Cleared) => check_can_clear(conn, case),
                    d if verification::is_rejection(d) => {
                        verification::check_can_reject(conn, case, at, config)
                    }
                    _ => Ok(()),
                });
            let refused = match verdict {
                Ok(()) => None,
                Err(e @ (StoreError::Conflict { .. } | StoreError::Forbidden { .. })) => {
                    Some(e.to_string())
                }
                Err(e) => return Err(e),
            };
            moves.push(StatusMove { status, decision, refused });
        }
    }
    Ok(moves)
}

/// Checks a change and fills in the ids it creates. Reads only.
pub(crate) fn resolve(
    conn: &Connection,
    user: &User,
    at: &Timestamp,
    data_dir: &std::path::Path,
    config: &super::Config,
    change: Change,
) -> Result<Change> {
    Ok(match change {
        Change::AddUser { name, display_name, role, .. } => {
            if user.id != 0 {
                require(user, Action::ManageUsers, "add users")?;
            }
            let name = rules::valid_user_name(&name)?;
            if users::get(conn, &name)?.is_some() {
                return Err(StoreError::conflict(format!("a user named {name} already exists"))
                    .at(Field::Name));
            }
            let display_name =
                optional(Field::DisplayName, "display name", Some(&display_name), 200)?
                    .unwrap_or_else(|| name.clone());
            Change::AddUser { id: Some(users::next_id(conn)?), name, display_name, role }
        }
        Change::SetUserRole { name, role } => {
            require(user, Action::ManageUsers, "change roles")?;
            let target =
                users::get(conn, &name)?.ok_or_else(|| StoreError::not_found("user", &name))?;
            if target.role == role {
                return Err(StoreError::conflict(format!("{name} already has role {role}")));
            }
            if target.role == Role::Admin && last_active_admin(conn, &name)? {
                return Err(StoreError::conflict(format!("{name} is the last active admin")));
            }
            Change::SetUserRole { name, role }
        }
        Change::SetUserActive { name, active } => {
            require(user, Action::ManageUsers, "activate or deactivate users")?;
            let target =
                users::get(conn, &name)?.ok_or_else(|| StoreError::not_found("user", &name))?;
            if target.active == active {
                return Err(StoreError::conflict(format!(
                    "{name} is already {}",
                    if active { "active" } else { "deactivated" }
                )));
            }
            if !active && target.role == Role::Admin && last_active_admin(conn, &name)? {
                return Err(StoreError::conflict(format!("{name} is the last active admin")));
            }
            Change::SetUserActive { name, active }
        }
        Change::AddVendor { vendor, .. } => {
            require(user, Action::ManageVendors, "add vendors")?;
            let vendor = check_vendor(conn, &vendor, at, None)?;
            Change::AddVendor { id: Some(vendors::next_id(conn)?), vendor }
        }
        Change::UpdateVendor { id, vendor } => {
            require(user, Action::ManageVendors, "change vendors")?;
            let current =
                vendors::get(conn, id)?.ok_or_else(|| StoreError::not_found("vendor", id))?;
            let vendor = check_vendor(conn, &vendor, at, Some(id))?;
            if vendor == current.fields {
                return Err(StoreError::conflict(format!("vendor {id}: nothing to change")));
            }
            Change::UpdateVendor { id, vendor }
        }
        Change::AddCandidate { candidate, .. } => {
            let candidate = check_candidate(conn, &candidate, at, None)?;
            Change::AddCandidate { id: Some(candidates::next_id(conn)?), candidate }
        }
        Change::UpdateCandidate { id, candidate } => {
            let current =
                candidates::get(conn, id)?.ok_or_else(|| StoreError::not_found("candidate", id))?;
            let candidate = check_candidate(conn, &candidate, at, Some(id))?;
            if candidate == current.fields {
                return Err(StoreError::conflict(format!("candidate {id}: nothing to change")));
            }
            Change::UpdateCandidate { id, candidate }
        }
        Change::OpenCase { candidate_id, kind, assignee, priority, due_on, template, .. } => {
            if candidates::get(conn, candidate_id)?.is_none() {
                return Err(StoreError::not_found("candidate", candidate_id));
            }
            let assignee = active_user(conn, assignee.as_deref())?;
            let template = match template {
                Some(t) => template::get(&t.id, t.version)?,
                None => template::latest(DEFAULT_TEMPLATE)?,
            };
            if let Some(open) = cases::of_candidate(conn, candidate_id)?.into_iter().find(|c| {
                c.kind == kind && c.status != CaseStatus::Closed && c.status != CaseStatus::Decided
            }) {
                return Err(StoreError::conflict(format!(
                    "candidate {candidate_id} already has an active {kind} case (case {})",
                    open.id
                )));
            }
            Change::OpenCase {
                id: Some(cases::next_id(conn, "cases")?),
                candidate_id,
                kind,
                assignee,
                priority,
                due_on,
                template: Some(TemplateRef { id: template.id.clone(), version: template.version }),
            }
        }
        Change::AssignCase { case_id, assignee } => {
            let case = rules::open_case(conn, case_id)?;
            let assignee = active_user(conn, assignee.as_deref())?;
            if case.assignee == assignee {
                return Err(StoreError::conflict(format!("case {case_id} is already assigned so")));
            }
            Change::AssignCase { case_id, assignee }
        }
        Change::SetPriority { case_id, priority } => {
            let case = rules::open_case(conn, case_id)?;
            if case.priority == priority {
                return Err(StoreError::conflict(format!(
                    "case {case_id} already has priority {priority}"
                )));
            }
            Change::SetPriority { case_id, priority }
        }
        Change::SetDueDate { case_id, due_on } => {
            let case = rules::open_case(conn, case_id)?;
            if case.due_on == due_on {
                return Err(StoreError::conflict(format!(
                    "case {case_id} already has that due date"
                )));
            }
            Change::SetDueDate { case_id, due_on }
        }
        Change::SetStatus { case_id, status, decision, reason } => {
            let case =
                cases::get(conn, case_id)?.ok_or_else(|| StoreError::not_found("case", case_id))?;
            let reason = required(Field::Reason, "reason", &reason, MAX_TEXT)?;
            rules::check_transition(user, &case, status)?;
            match (status, decision) {
                (CaseStatus::Decided, None) => {
                    return Err(StoreError::invalid(
                        "a decision is needed: cleared, rejected or referred",
                    )
                    .at(Field::Decision));
                }
                (CaseStatus::Decided, Some(Decision::Cleared)) => check_can_clear(conn, &case)?,
                (CaseStatus::Decided, d) if verification::is_rejection(d) => {
                    verification::check_can_reject(conn, &case, at, config)?
                }
                (CaseStatus::Decided, Some(_)) => {}
                (_, Some(d)) => {
                    return Err(StoreError::invalid(format!(
                        "decision {d} only goes with status decided, not {status}"
                    ))
                    .at(Field::Decision));
                }
                (_, None) => {}
            }
            Change::SetStatus { case_id, status, decision, reason }
        }
        Change::RecordResult { case_id, item_id, result, note, evidence } => {
            let case = rules::open_case(conn, case_id)?;
            let note = optional(Field::Note, "note", note.as_deref(), MAX_TEXT)?;
            check_result(conn, user, &case, &item_id, result, note.as_deref(), &evidence)?;
            let mut evidence = evidence;
            evidence.sort_unstable();
            evidence.dedup();
            Change::RecordResult { case_id, item_id, result, note, evidence }
        }
        Change::AttachEvidence { case_id, file, original_name, description, item_id, .. } => {
            let case = rules::open_case(conn, case_id)?;
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
            check_stored_file(data_dir, &file)?;
            Change::AttachEvidence {
                id: Some(cases::next_id(conn, "evidence")?),
                case_id,
                file,
                original_name,
                description,
                item_id,
            }
        }
        Change::AddNote { case_id, text, .. } => {
            if cases::get(conn, case_id)?.is_none() {
                return Err(StoreError::not_found("case", case_id));
            }
            let text = required(Field::Text, "note", &text, MAX_TEXT)?;
            Change::AddNote { id: Some(cases::next_id(conn, "notes")?), case_id, text }
        }
        verification @ verification_change!() => {
            verification::resolve(conn, user, at, config, verification)?
        }
    })
}

fn last_active_admin(conn: &Connection, name: &str) -> Result<bool> {
    let others: i64 = conn.query_row(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1 AND name != ?1",
        [name],
        |r| r.get(0),
    )?;
    Ok(others == 0)
}

/// A case is not cleared over a failed check: the failure is re-checked or waived first.
fn check_can_clear(conn: &Connection, case: &Case) -> Result<()> {
    let failed: Vec<String> = cases::item_states(conn, case.id)?
        .into_iter()
        .filter(|s| s.result == ItemResult::Fail)
        .map(|s| s.item_id)
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(StoreError::conflict(format!(
            "case {} cannot be cleared while checklist items failed: {}; record them again or have compliance waive them with a reason",
            case.id,
            failed.join(", ")
        )))
    }
}

fn check_result(
    conn: &Connection,
    user: &User,
    case: &Case,
    item_id: &str,
    result: ItemResult,
    note: Option<&str>,
    evidence: &[EvidenceId],
) -> Result<()> {
    let template = template::get(&case.template_id, case.template_version)?;
    let mut state_of = |item: &str| -> Result<ItemResult> {
        Ok(cases::item_state(conn, case.id, item)?.unwrap_or(ItemResult::Pending))
    };
    rules::check_result(user, case, template, &mut state_of, item_id, result, note)?;
    for id in evidence {
        match cases::evidence_by_id(conn, *id)? {
            Some(e) if e.case_id == case.id => {}
            Some(e) => {
                return Err(StoreError::invalid(format!(
                    "evidence {id} belongs to case {}, not case {}",
                    e.case_id, case.id
                ))
                .at(Field::Evidence));
            }
            None => return Err(StoreError::not_found("evidence", id).at(Field::Evidence)),
        }
    }
    Ok(())
}

/// The name a file was given, reduced to its last component: never a path.
fn safe_file_name(name: &str) -> Result<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
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

/// The database never names a file that is not fully on disk.
fn check_stored_file(data_dir: &std::path::Path, file: &StoredFile) -> Result<()> {
    let sha = super::files::parse_sha(&file.sha256)?;
    let path = crate::evidence::EvidenceFiles::new(data_dir).path_of(&sha);
    match std::fs::metadata(&path) {
        Ok(meta) if meta.is_file() && meta.len() == file.size => Ok(()),
        Ok(meta) => Err(StoreError::invalid(format!(
            "stored file {} has {} bytes, not the {} recorded",
            file.sha256,
            meta.len(),
            file.size
        ))),
        Err(e) => {
            Err(StoreError::io(format!("evidence file {} is not in the store", file.sha256), e))
        }
    }
}

/// Writes what a resolved change means. Used by `apply` and, unchanged, by `verify`'s replay.
pub(crate) fn write_effects(
    conn: &Connection,
    at: &Timestamp,
    actor: &str,
    change: &Change,
) -> Result<()> {
    let missing_id =
        || StoreError::Corrupt(format!("a recorded {} change has no id", change.kind()));
    match change {
        Change::AddUser { id, name, display_name, role } => {
            users::insert(conn, id.ok_or_else(missing_id)?, name, display_name, *role, at)
        }
        Change::SetUserRole { name, role } => users::set_role(conn, name, *role),
        Change::SetUserActive { name, active } => users::set_active(conn, name, *active),
        Change::AddVendor { id, vendor } => {
            vendors::insert(conn, id.ok_or_else(missing_id)?, vendor, at)
        }
        Change::UpdateVendor { id, vendor } => vendors::update(conn, *id, vendor, at),
        Change::AddCandidate { id, candidate } => {
            candidates::insert(conn, id.ok_or_else(missing_id)?, candidate, at)
        }
        Change::UpdateCandidate { id, candidate } => candidates::update(conn, *id, candidate, at),
        Change::OpenCase { id, candidate_id, kind, assignee, priority, due_on, template } => {
            let template_ref = template.as_ref().ok_or_else(missing_id)?;
            let template = template::get(&template_ref.id, template_ref.version)?;
            cases::insert(
                conn,
                &cases::NewCase {
                    id: id.ok_or_else(missing_id)?,
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
        }
        Change::AssignCase { case_id, assignee } => {
            cases::set_assignee(conn, *case_id, assignee.as_deref(), at)
        }
        Change::SetPriority { case_id, priority } => {
            cases::set_priority(conn, *case_id, *priority, at)
        }
        Change::SetDueDate { case_id, due_on } => cases::set_due_on(conn, *case_id, *due_on, at),
        Change::SetStatus { case_id, status, decision, reason } => {
            cases::set_status(conn, *case_id, *status, *decision, reason, actor, at)
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
            cases::record_result(conn, *case_id, &state)
        }
        Change::AttachEvidence { id, case_id, file, original_name, description, item_id } => {
            cases::insert_evidence(
                conn,
                &cases::NewEvidence {
                    id: id.ok_or_else(missing_id)?,
                    case_id: *case_id,
                    file,
                    original_name,
                    description: description.as_deref(),
                    item_id: item_id.as_deref(),
                },
                actor,
                at,
            )
        }
        Change::AddNote { id, case_id, text } => {
            cases::insert_note(conn, id.ok_or_else(missing_id)?, *case_id, text, actor, at)
        }
        verification @ verification_change!() => verification::write(conn, at, actor, verification),
    }
}
