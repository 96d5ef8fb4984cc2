//! Rows of the verification record tables: mapping, reads, and the inserts and updates that
//! `write_effects` calls. List-valued columns (evidence ids, facts) are JSON arrays.

use rusqlite::{Connection, OptionalExtension, params};

use crate::model::{CaseId, EvidenceId, Timestamp, VendorId};
use crate::store::Result;
use crate::verification::{
    DocumentFields, DocumentId, EVerifyCase, EVerifyFields, EVerifyId, Flag, FlagFields, FlagId,
    IdentityDocument, Interview, InterviewFields, InterviewId, ObservedIp, ObservedIpFields,
    ObservedIpId, PaymentFields, PaymentId, PaymentRecord, ReachableHours, Reference,
    ReferenceFields, ReferenceId, VendorAudit,
};

fn json<T: serde::de::DeserializeOwned>(
    r: &rusqlite::Row<'_>,
    index: usize,
) -> rusqlite::Result<T> {
    let text: String = r.get(index)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    Ok(serde_json::to_string(value)?)
}

pub(crate) fn next_id(conn: &Connection, table: &'static str) -> Result<i64> {
    Ok(conn.query_row(&format!("SELECT coalesce(max(id), 0) + 1 FROM {table}"), [], |r| r.get(0))?)
}

// ---- identity documents ----

const DOC_COLUMNS: &str = "id, case_id, kind, issuing_country, number, holder_name, birth_date, \
                           expiry_date, mrz, front_evidence, back_evidence, note, recorded_by, \
                           recorded_at, updated_at";

fn document_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IdentityDocument> {
    Ok(IdentityDocument {
        id: r.get(0)?,
        case_id: r.get(1)?,
        fields: DocumentFields {
            kind: r.get(2)?,
            issuing_country: r.get(3)?,
            number: r.get(4)?,
            holder_name: r.get(5)?,
            birth_date: r.get(6)?,
            expiry_date: r.get(7)?,
            mrz: r.get(8)?,
            front_evidence: r.get(9)?,
            back_evidence: r.get(10)?,
            note: r.get(11)?,
        },
        recorded_by: r.get(12)?,
        recorded_at: r.get(13)?,
        updated_at: r.get(14)?,
    })
}

pub(crate) fn documents(conn: &Connection, case_id: CaseId) -> Result<Vec<IdentityDocument>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {DOC_COLUMNS} FROM identity_documents WHERE case_id = ?1 ORDER BY id"
    ))?;
    Ok(stmt.query_map([case_id], document_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn document(conn: &Connection, id: DocumentId) -> Result<Option<IdentityDocument>> {
    Ok(conn
        .query_row(
            &format!("SELECT {DOC_COLUMNS} FROM identity_documents WHERE id = ?1"),
            [id],
            document_from_row,
        )
        .optional()?)
}

pub(crate) fn insert_document(
    conn: &Connection,
    id: DocumentId,
    case_id: CaseId,
    d: &DocumentFields,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO identity_documents ({DOC_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)"
        ),
        params![
            id,
            case_id,
            d.kind,
            d.issuing_country,
            d.number,
            d.holder_name,
            d.birth_date,
            d.expiry_date,
            d.mrz,
            d.front_evidence,
            d.back_evidence,
            d.note,
            actor,
            at
        ],
    )?;
    Ok(())
}

pub(crate) fn update_document(
    conn: &Connection,
    id: DocumentId,
    d: &DocumentFields,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "UPDATE identity_documents SET kind = ?2, issuing_country = ?3, number = ?4,
                holder_name = ?5, birth_date = ?6, expiry_date = ?7, mrz = ?8,
                front_evidence = ?9, back_evidence = ?10, note = ?11, updated_at = ?12
         WHERE id = ?1",
        params![
            id,
            d.kind,
            d.issuing_country,
            d.number,
            d.holder_name,
            d.birth_date,
            d.expiry_date,
            d.mrz,
            d.front_evidence,
            d.back_evidence,
            d.note,
            at
        ],
    )?;
    Ok(())
}

// ---- interviews ----

const INTERVIEW_COLUMNS: &str = "id, case_id, held_on, started_at, interviewer, \
                                 camera_on_throughout, refused_video, audio_only, id_match, \
                                 liveness_done, location_consistent, screenshots, note, \
                                 recorded_by, recorded_at";

fn interview_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Interview> {
    Ok(Interview {
        id: r.get(0)?,
        case_id: r.get(1)?,
        fields: InterviewFields {
            held_on: r.get(2)?,
            started_at: r.get(3)?,
            interviewer: r.get(4)?,
            camera_on_throughout: r.get(5)?,
            refused_video: r.get(6)?,
            audio_only: r.get(7)?,
            id_match: r.get(8)?,
            liveness_done: r.get(9)?,
            location_consistent: r.get(10)?,
            screenshots: json(r, 11)?,
            note: r.get(12)?,
        },
        recorded_by: r.get(13)?,
        recorded_at: r.get(14)?,
    })
}

pub(crate) fn interviews(conn: &Connection, case_id: CaseId) -> Result<Vec<Interview>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {INTERVIEW_COLUMNS} FROM interviews WHERE case_id = ?1 ORDER BY id"
    ))?;
    Ok(stmt.query_map([case_id], interview_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn insert_interview(
    conn: &Connection,
    id: InterviewId,
    case_id: CaseId,
    i: &InterviewFields,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO interviews ({INTERVIEW_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
        ),
        params![
            id,
            case_id,
            i.held_on,
            i.started_at,
            i.interviewer,
            i.camera_on_throughout,
            i.refused_video,
            i.audio_only,
            i.id_match,
            i.liveness_done,
            i.location_consistent,
            to_json(&i.screenshots)?,
            i.note,
            actor,
            at
        ],
    )?;
    Ok(())
}

// ---- reachable hours ----

pub(crate) fn reachable_hours(
    conn: &Connection,
    case_id: CaseId,
) -> Result<Option<ReachableHours>> {
    Ok(conn
        .query_row(
            "SELECT from_time, to_time, time_zone FROM reachable_hours WHERE case_id = ?1",
            [case_id],
            |r| {
                let parse = |i: usize| -> rusqlite::Result<chrono::NaiveTime> {
                    let text: String = r.get(i)?;
                    chrono::NaiveTime::parse_from_str(&text, "%H:%M").map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            i,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })
                };
                Ok(ReachableHours { from: parse(0)?, to: parse(1)?, time_zone: r.get(2)? })
            },
        )
        .optional()?)
}

pub(crate) fn set_reachable_hours(
    conn: &Connection,
    case_id: CaseId,
    hours: Option<&ReachableHours>,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute("DELETE FROM reachable_hours WHERE case_id = ?1", [case_id])?;
    if let Some(h) = hours {
        conn.execute(
            "INSERT INTO reachable_hours (case_id, from_time, to_time, time_zone, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                case_id,
                h.from.format("%H:%M").to_string(),
                h.to.format("%H:%M").to_string(),
                h.time_zone,
                actor,
                at
            ],
        )?;
    }
    Ok(())
}

// ---- E-Verify ----

const EVERIFY_COLUMNS: &str = "id, case_id, case_number, created_on, status, agency, mismatch_on, \
                               notice_given_on, decision_recorded_on, employee_contests, \
                               referred_on, agency_contacted_on, continuance_since, \
                               followed_up_on, evidence, note, recorded_by, recorded_at, \
                               updated_at";

fn everify_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<EVerifyCase> {
    Ok(EVerifyCase {
        id: r.get(0)?,
        case_id: r.get(1)?,
        fields: EVerifyFields {
            case_number: r.get(2)?,
            created_on: r.get(3)?,
            status: r.get(4)?,
            agency: r.get(5)?,
            mismatch_on: r.get(6)?,
            notice_given_on: r.get(7)?,
            decision_recorded_on: r.get(8)?,
            employee_contests: r.get(9)?,
            referred_on: r.get(10)?,
            agency_contacted_on: r.get(11)?,
            continuance_since: r.get(12)?,
            followed_up_on: r.get(13)?,
            evidence: json(r, 14)?,
            note: r.get(15)?,
        },
        recorded_by: r.get(16)?,
        recorded_at: r.get(17)?,
        updated_at: r.get(18)?,
    })
}

pub(crate) fn everify_cases(conn: &Connection, case_id: CaseId) -> Result<Vec<EVerifyCase>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {EVERIFY_COLUMNS} FROM everify_cases WHERE case_id = ?1 ORDER BY id"
    ))?;
    Ok(stmt.query_map([case_id], everify_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn everify_case(conn: &Connection, id: EVerifyId) -> Result<Option<EVerifyCase>> {
    Ok(conn
        .query_row(
            &format!("SELECT {EVERIFY_COLUMNS} FROM everify_cases WHERE id = ?1"),
            [id],
            everify_from_row,
        )
        .optional()?)
}

pub(crate) fn insert_everify(
    conn: &Connection,
    id: EVerifyId,
    case_id: CaseId,
    e: &EVerifyFields,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO everify_cases ({EVERIFY_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?18)"
        ),
        params![
            id,
            case_id,
            e.case_number,
            e.created_on,
            e.status,
            e.agency,
            e.mismatch_on,
            e.notice_given_on,
            e.decision_recorded_on,
            e.employee_contests,
            e.referred_on,
            e.agency_contacted_on,
            e.continuance_since,
            e.followed_up_on,
            to_json(&e.evidence)?,
            e.note,
            actor,
            at
        ],
    )?;
    Ok(())
}

pub(crate) fn update_everify(
    conn: &Connection,
    id: EVerifyId,
    e: &EVerifyFields,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "UPDATE everify_cases SET case_number = ?2, created_on = ?3, status = ?4, agency = ?5,
                mismatch_on = ?6, notice_given_on = ?7, decision_recorded_on = ?8,
                employee_contests = ?9, referred_on = ?10, agency_contacted_on = ?11,
                continuance_since = ?12, followed_up_on = ?13, evidence = ?14, note = ?15,
                updated_at = ?16
         WHERE id = ?1",
        params![
            id,
            e.case_number,
            e.created_on,
            e.status,
            e.agency,
            e.mismatch_on,
            e.notice_given_on,
            e.decision_recorded_on,
            e.employee_contests,
            e.referred_on,
            e.agency_contacted_on,
            e.continuance_since,
            e.followed_up_on,
            to_json(&e.evidence)?,
            e.note,
            at
        ],
    )?;
    Ok(())
}

// ---- references ----

const REFERENCE_COLUMNS: &str = "id, case_id, name, email, phone, relationship, company, note, \
                                 recorded_by, recorded_at, updated_at";

fn reference_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Reference> {
    Ok(Reference {
        id: r.get(0)?,
        case_id: r.get(1)?,
        fields: ReferenceFields {
            name: r.get(2)?,
            email: r.get(3)?,
            phone: r.get(4)?,
            relationship: r.get(5)?,
            company: r.get(6)?,
            note: r.get(7)?,
        },
        recorded_by: r.get(8)?,
        recorded_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub(crate) fn references(conn: &Connection, case_id: CaseId) -> Result<Vec<Reference>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {REFERENCE_COLUMNS} FROM case_references WHERE case_id = ?1 ORDER BY id"
    ))?;
    Ok(stmt.query_map([case_id], reference_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn reference(conn: &Connection, id: ReferenceId) -> Result<Option<Reference>> {
    Ok(conn
        .query_row(
            &format!("SELECT {REFERENCE_COLUMNS} FROM case_references WHERE id = ?1"),
            [id],
            reference_from_row,
        )
        .optional()?)
}

pub(crate) fn insert_reference(
    conn: &Connection,
    id: ReferenceId,
    case_id: CaseId,
    f: &ReferenceFields,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO case_references ({REFERENCE_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)"
        ),
        params![
            id,
            case_id,
            f.name,
            f.email,
            f.phone,
            f.relationship,
            f.company,
            f.note,
            actor,
            at
        ],
    )?;
    Ok(())
}

pub(crate) fn update_reference(
    conn: &Connection,
    id: ReferenceId,
    f: &ReferenceFields,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "UPDATE case_references SET name = ?2, email = ?3, phone = ?4, relationship = ?5,
                company = ?6, note = ?7, updated_at = ?8
         WHERE id = ?1",
        params![id, f.name, f.email, f.phone, f.relationship, f.company, f.note, at],
    )?;
    Ok(())
}

// ---- payment details ----

const PAYMENT_COLUMNS: &str = "id, case_id, bank_name, account_holder, routing_masked, \
                               account_masked, account_hash, note, recorded_by, recorded_at";

fn payment_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<PaymentRecord> {
    Ok(PaymentRecord {
        id: r.get(0)?,
        case_id: r.get(1)?,
        fields: PaymentFields {
            bank_name: r.get(2)?,
            account_holder: r.get(3)?,
            routing_masked: r.get(4)?,
            account_masked: r.get(5)?,
            account_hash: r.get(6)?,
            note: r.get(7)?,
        },
        recorded_by: r.get(8)?,
        recorded_at: r.get(9)?,
    })
}

pub(crate) fn payments(conn: &Connection, case_id: CaseId) -> Result<Vec<PaymentRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PAYMENT_COLUMNS} FROM payment_details WHERE case_id = ?1 ORDER BY id"
    ))?;
    Ok(stmt.query_map([case_id], payment_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn insert_payment(
    conn: &Connection,
    id: PaymentId,
    case_id: CaseId,
    p: &PaymentFields,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO payment_details ({PAYMENT_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ),
        params![
            id,
            case_id,
            p.bank_name,
            p.account_holder,
            p.routing_masked,
            p.account_masked,
            p.account_hash,
            p.note,
            actor,
            at
        ],
    )?;
    Ok(())
}

// ---- observed IPs ----

const IP_COLUMNS: &str = "id, case_id, ip, seen_at, context, note, recorded_by, recorded_at";

fn ip_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ObservedIp> {
    Ok(ObservedIp {
        id: r.get(0)?,
        case_id: r.get(1)?,
        fields: ObservedIpFields {
            ip: r.get(2)?,
            seen_at: r.get(3)?,
            context: r.get(4)?,
            note: r.get(5)?,
        },
        recorded_by: r.get(6)?,
        recorded_at: r.get(7)?,
    })
}

pub(crate) fn observed_ips(conn: &Connection, case_id: CaseId) -> Result<Vec<ObservedIp>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {IP_COLUMNS} FROM observed_ips WHERE case_id = ?1 ORDER BY seen_at, id"
    ))?;
    Ok(stmt.query_map([case_id], ip_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn insert_observed_ip(
    conn: &Connection,
    id: ObservedIpId,
    case_id: CaseId,
    o: &ObservedIpFields,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        &format!("INSERT INTO observed_ips ({IP_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        params![id, case_id, o.ip, o.seen_at, o.context, o.note, actor, at],
    )?;
    Ok(())
}

// ---- vendor audits ----

const AUDIT_COLUMNS: &str =
    "id, vendor_id, audited_on, outcome, note, next_due, recorded_by, recorded_at";

fn audit_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VendorAudit> {
    Ok(VendorAudit {
        id: r.get(0)?,
        vendor_id: r.get(1)?,
        audited_on: r.get(2)?,
        outcome: r.get(3)?,
        note: r.get(4)?,
        next_due: r.get(5)?,
        recorded_by: r.get(6)?,
        recorded_at: r.get(7)?,
    })
}

pub(crate) fn vendor_audits(conn: &Connection, vendor_id: VendorId) -> Result<Vec<VendorAudit>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {AUDIT_COLUMNS} FROM vendor_audits WHERE vendor_id = ?1 ORDER BY audited_on, id"
    ))?;
    Ok(stmt.query_map([vendor_id], audit_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn insert_vendor_audit(conn: &Connection, a: &VendorAudit) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO vendor_audits ({AUDIT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        ),
        params![
            a.id,
            a.vendor_id,
            a.audited_on,
            a.outcome,
            a.note,
            a.next_due,
            a.recorded_by,
            a.recorded_at
        ],
    )?;
    Ok(())
}

// ---- flags ----

const FLAG_COLUMNS: &str = "id, case_id, rule, subject, severity, title, why, source, facts, \
                            evidence, candidates, raised_at, raised_by, cleared_at, cleared_by, \
                            cleared_reason";

fn flag_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Flag> {
    Ok(Flag {
        id: r.get(0)?,
        case_id: r.get(1)?,
        fields: FlagFields {
            rule: r.get(2)?,
            subject: r.get(3)?,
            severity: r.get(4)?,
            title: r.get(5)?,
            why: r.get(6)?,
            source: json(r, 7)?,
            facts: json(r, 8)?,
            evidence: json(r, 9)?,
            candidates: json(r, 10)?,
        },
        raised_at: r.get(11)?,
        raised_by: r.get(12)?,
        cleared_at: r.get(13)?,
        cleared_by: r.get(14)?,
        cleared_reason: r.get(15)?,
    })
}

/// Every flag of a case, open and cleared, oldest first.
pub(crate) fn flags(conn: &Connection, case_id: CaseId) -> Result<Vec<Flag>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {FLAG_COLUMNS} FROM case_flags WHERE case_id = ?1 ORDER BY id"
    ))?;
    Ok(stmt.query_map([case_id], flag_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn open_flags(conn: &Connection, case_id: CaseId) -> Result<Vec<Flag>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {FLAG_COLUMNS} FROM case_flags WHERE case_id = ?1 AND cleared_at IS NULL ORDER BY id"
    ))?;
    Ok(stmt.query_map([case_id], flag_from_row)?.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn flag(conn: &Connection, id: FlagId) -> Result<Option<Flag>> {
    Ok(conn
        .query_row(
            &format!("SELECT {FLAG_COLUMNS} FROM case_flags WHERE id = ?1"),
            [id],
            flag_from_row,
        )
        .optional()?)
}

pub(crate) fn insert_flag(
    conn: &Connection,
    id: FlagId,
    case_id: CaseId,
    f: &FlagFields,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO case_flags ({FLAG_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, NULL, NULL, NULL)"
        ),
        params![
            id,
            case_id,
            f.rule,
            f.subject,
            f.severity,
            f.title,
            f.why,
            to_json(&f.source)?,
            to_json(&f.facts)?,
            to_json(&f.evidence)?,
            to_json(&f.candidates)?,
            at,
            actor
        ],
    )?;
    Ok(())
}

pub(crate) fn clear_flag(
    conn: &Connection,
    id: FlagId,
    reason: &str,
    actor: &str,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "UPDATE case_flags SET cleared_at = ?2, cleared_by = ?3, cleared_reason = ?4 WHERE id = ?1",
        params![id, at, actor, reason],
    )?;
    Ok(())
}

/// Evidence ids of one case, to check that records cite only their own case's evidence.
pub(crate) fn evidence_case(conn: &Connection, id: EvidenceId) -> Result<Option<CaseId>> {
    Ok(conn
        .query_row("SELECT case_id FROM evidence WHERE id = ?1", [id], |r| r.get(0))
        .optional()?)
}
