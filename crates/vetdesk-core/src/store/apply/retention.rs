//! Retention (compliance officers and admins): legal holds, released referrals, and the
//! erasure of a person whose retention period has ended. The erasure writes the same values
//! into the tables that the person's sealed audit fields read as once their key is gone
//! (`crate::sealed::placeholder`), so a replay of the log gives exactly the erased state.

use super::{Context, not_mine};
use crate::change::{Change, RedactedTelemetry};
use crate::checks::retention;
use crate::model::{CaseStatus, Decision, Field, Timestamp, User};
use crate::sealed::ERASED;
use crate::store::db::{Db, params};
use crate::store::rules::{Action, MAX_FIELD, require, required};
use crate::store::tables::retention::person_facts;
use crate::store::tables::{audit, cases, person_keys};
use crate::store::{Result, StoreError};

pub(super) fn resolve(
    db: &dyn Db,
    user: &User,
    at: &Timestamp,
    ctx: &Context,
    change: Change,
) -> Result<Change> {
    match change {
        Change::ErasePerson { candidate_id, rule, telemetry, .. } => {
            require(user, Action::Retention, "erase people")?;
            let facts = person_facts(db, candidate_id)?.ok_or_else(|| {
                StoreError::conflict(format!(
                    "candidate {candidate_id} does not exist or is erased already"
                ))
            })?;
            let assessment = retention::assess(&facts, &ctx.retention);
            if let Some(held) = &assessment.held_by {
                return Err(StoreError::conflict(format!(
                    "candidate {candidate_id} cannot be erased: {held}"
                )));
            }
            let due_on = match assessment.due_on {
                Some(due) if due <= at.date() => due,
                Some(due) => {
                    return Err(StoreError::conflict(format!(
                        "candidate {candidate_id} is kept until {due} under the {} rule",
                        assessment.rule
                    )));
                }
                None => {
                    return Err(StoreError::conflict(format!(
                        "candidate {candidate_id} has no retention end yet"
                    )));
                }
            };
            if assessment.rule != rule {
                return Err(StoreError::conflict(format!(
                    "candidate {candidate_id} falls under the {} rule, not {rule}",
                    assessment.rule
                )));
            }
            check_telemetry(db, ctx, candidate_id, &telemetry)?;
            Ok(Change::ErasePerson { candidate_id, rule, due_on, telemetry })
        }
        Change::SetLegalHold { case_id, held, reason } => {
            require(user, Action::Retention, "place or lift legal holds")?;
            let case = cases::get(db, case_id)?.ok_or_else(|| StoreError::no_case(db, case_id))?;
            if audit::is_erased(db, case.candidate_id)? {
                return Err(StoreError::conflict(format!(
                    "case {case_id}: its candidate is erased; there is nothing left to hold"
                )));
            }
            let reason = required(Field::Reason, "reason", &reason, MAX_FIELD)?;
            let now: bool =
                db.query_value("SELECT legal_hold FROM cases WHERE id = ?1", params![case_id])?;
            if now == held {
                let state = if held { "already on" } else { "not on" };
                return Err(StoreError::conflict(format!("case {case_id} is {state} legal hold")));
            }
            Ok(Change::SetLegalHold { case_id, held, reason })
        }
        Change::ReleaseReferral { case_id, reason } => {
            require(user, Action::Retention, "release referrals")?;
            let case = cases::get(db, case_id)?.ok_or_else(|| StoreError::no_case(db, case_id))?;
            let referred = matches!(case.status, CaseStatus::Decided | CaseStatus::Closed)
                && case.decision == Some(Decision::Referred);
            if !referred {
                return Err(StoreError::conflict(format!(
                    "case {case_id} was not referred to law enforcement"
                )));
            }
            let released: Option<String> = db.query_value(
                "SELECT referral_released_at FROM cases WHERE id = ?1",
                params![case_id],
            )?;
            if released.is_some() {
                return Err(StoreError::conflict(format!(
                    "case {case_id}'s referral is released already"
                )));
            }
            let reason = required(Field::Reason, "reason", &reason, MAX_FIELD)?;
            Ok(Change::ReleaseReferral { case_id, reason })
        }
        Change::RecordPersonExport { candidate_id, file_name, sha256 } => {
            require(user, Action::Retention, "export everything held about a person")?;
            if person_facts(db, candidate_id)?.is_none() {
                return Err(StoreError::conflict(format!(
                    "candidate {candidate_id} does not exist or is erased"
                )));
            }
            let file_name = required(Field::Reason, "file name", &file_name, MAX_FIELD)?;
            if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(StoreError::invalid("the export's SHA-256 is not 64 hex digits"));
            }
            Ok(Change::RecordPersonExport { candidate_id, file_name, sha256 })
        }
        other => Err(not_mine("retention", &other)),
    }
}

/// An erasure of a hired worker goes with their telemetry: no stored event of theirs may be
/// left, and each redacted file named must be the import's file now, its copy stored, and the
/// import's rows already down to what it will record (`Store::retention_apply` deletes them in
/// the same transaction, before this change).
fn check_telemetry(
    db: &dyn Db,
    ctx: &Context,
    candidate_id: i64,
    telemetry: &[RedactedTelemetry],
) -> Result<()> {
    let left: i64 = db.query_value(
        "SELECT count(*) FROM telemetry_events WHERE employee_id IN
             (SELECT id FROM employees WHERE candidate_id = ?1)",
        params![candidate_id],
    )?;
    if left > 0 {
        return Err(StoreError::conflict(format!(
            "candidate {candidate_id} has {left} telemetry events stored: erase them with \
             `vetdesk retention apply`, which also writes the kept telemetry files again \
             without them"
        )));
    }
    for t in telemetry {
        let import: Option<(String, i64, i64, i64)> = db.query_optional(
            "SELECT file_sha256, added, matched, unmatched FROM telemetry_imports WHERE id = ?1",
            params![t.import_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let Some((sha, added, matched, unmatched)) = import else {
            return Err(StoreError::not_found("telemetry import", t.import_id));
        };
        if sha != t.from_sha256 {
            return Err(StoreError::conflict(format!(
                "telemetry import {}'s file is {sha}, not {}: it changed meanwhile; apply again",
                t.import_id, t.from_sha256
            )));
        }
        let (rm, ru) = (t.removed_matched as i64, t.removed_unmatched as i64);
        let rows: i64 = db.query_value(
            "SELECT count(*) FROM telemetry_events WHERE import_id = ?1",
            params![t.import_id],
        )?;
        if rm > matched || ru > unmatched || rows != added - rm - ru {
            return Err(StoreError::conflict(format!(
                "telemetry import {}: {rows} events are stored, not the {} left after removing \
                 {} matched and {} unmatched",
                t.import_id,
                added - rm - ru,
                rm,
                ru
            )));
        }
        let copy = crate::store::files::parse_sha(&t.file_sha256)?;
        if ctx.files.is_team() {
            // The copy's bytes go into the database with the record that names them (or are
            // found there), in this transaction: a check on a connection of its own would not
            // see them yet.
            crate::store::files::store_pending(db, &ctx.files, &copy, t.size)?;
            continue;
        }
        let check = ctx.files.check(&copy, t.size);
        if check != crate::evidence::FileCheck::Ok {
            return Err(StoreError::invalid(format!(
                "the redacted copy of telemetry import {}: {check}",
                t.import_id
            )));
        }
    }
    Ok(())
}

/// The imports (and any evidence) naming a redacted file name its copy instead, with the
/// counts of what the copy and the rows now hold.
fn redact_telemetry(db: &dyn Db, telemetry: &[RedactedTelemetry]) -> Result<()> {
    for t in telemetry {
        let (rm, ru) = (t.removed_matched as i64, t.removed_unmatched as i64);
        db.execute(
            "UPDATE telemetry_imports SET file_sha256 = ?2, size = ?3, events = ?4,
                 added = added - ?5 - ?6, matched = matched - ?5, unmatched = unmatched - ?6
             WHERE id = ?1",
            params![t.import_id, t.file_sha256, t.size as i64, t.events as i64, rm, ru],
        )?;
        db.execute(
            "UPDATE evidence SET sha256 = ?2, size = ?3 WHERE sha256 = ?1",
            params![t.from_sha256, t.file_sha256, t.size as i64],
        )?;
    }
    Ok(())
}

/// `CASE` keeping an absent value absent and putting the erased text in place of any other.
fn blank(column: &str) -> String {
    format!("{column} = CASE WHEN {column} IS NULL THEN NULL ELSE '{ERASED}' END")
}

pub(super) fn write(db: &dyn Db, at: &Timestamp, change: &Change) -> Result<()> {
    match change {
        Change::ErasePerson { candidate_id, telemetry, .. } => {
            redact_telemetry(db, telemetry)?;
            erase(db, at, *candidate_id)
        }
        Change::SetLegalHold { case_id, held, .. } => {
            db.execute(
                "UPDATE cases SET legal_hold = ?2, updated_at = ?3 WHERE id = ?1",
                params![case_id, held, at],
            )?;
            Ok(())
        }
        Change::RecordPersonExport { .. } => Ok(()),
        Change::ReleaseReferral { case_id, .. } => {
            db.execute(
                "UPDATE cases SET referral_released_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![case_id, at],
            )?;
            Ok(())
        }
        other => Err(not_mine("retention", other)),
    }
}

/// Overwrites every personal column of the candidate and of their cases' records, marks them
/// erased and destroys their key. Each column takes the placeholder its sealed audit field
/// reads as without the key (`crate::sealed::placeholder`); skeleton columns (dates, statuses,
/// decisions, who acted, ids, hashes of evidence) stay.
fn erase(db: &dyn Db, at: &Timestamp, candidate: i64) -> Result<()> {
    let of_cases = "case_id IN (SELECT id FROM cases WHERE candidate_id = ?1)";
    db.execute(
        "UPDATE candidates SET legal_name = ?2, other_names = '[]', emails = '[]', phones = '[]',
             home_address = NULL, shipping_address = NULL, claimed_location = NULL,
             application_ip = NULL, erased_at = ?3
         WHERE id = ?1",
        params![candidate, ERASED, at],
    )?;
    let statements = [
        format!("UPDATE cases SET {} WHERE candidate_id = ?1", blank("decision_reason")),
        format!("UPDATE notes SET text = '{ERASED}' WHERE {of_cases}"),
        format!("UPDATE checklist_items SET note = NULL WHERE {of_cases}"),
        format!(
            "UPDATE evidence SET original_name = '{ERASED}', description = NULL WHERE {of_cases}"
        ),
        format!(
            "UPDATE identity_documents SET number = '{ERASED}', holder_name = '{ERASED}',
                 birth_date = NULL, mrz = NULL, note = NULL WHERE {of_cases}"
        ),
        format!("UPDATE interviews SET note = NULL WHERE {of_cases}"),
        format!("UPDATE everify_cases SET case_number = '{ERASED}', note = NULL WHERE {of_cases}"),
        format!(
            "UPDATE case_references SET name = '{ERASED}', email = NULL, phone = NULL,
                 company = NULL, note = NULL WHERE {of_cases}"
        ),
        format!(
            "UPDATE payment_details SET bank_name = NULL, account_holder = NULL,
                 routing_masked = '{ERASED}', account_masked = '{ERASED}',
                 account_hash = '{}', note = NULL WHERE {of_cases}",
            "0".repeat(64)
        ),
        format!("UPDATE observed_ips SET ip = '{ERASED}', note = NULL WHERE {of_cases}"),
        format!(
            "UPDATE case_flags SET subject = '{ERASED}', why = '{ERASED}', facts = '[]', {}, {}
             WHERE {of_cases}",
            blank("cleared_reason"),
            blank("triage_reason")
        ),
        "DELETE FROM employee_accounts WHERE employee_id IN
             (SELECT id FROM employees WHERE candidate_id = ?1)"
            .to_string(),
        "UPDATE employee_devices SET serial = NULL, hostname = NULL WHERE employee_id IN
             (SELECT id FROM employees WHERE candidate_id = ?1)"
            .to_string(),
    ];
    for sql in statements {
        db.execute(&sql, params![candidate])?;
    }
    person_keys::destroy(db, candidate)
}
