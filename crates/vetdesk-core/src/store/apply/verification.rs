//! Verification records of a case: identity documents, interviews, reachable hours, E-Verify
//! cases, references, payment details (masked and hashed before they get here) and observed
//! IPs. Each is checked field by field, refusals naming the field; cited evidence must be the
//! same case's.

use chrono::NaiveDate;

use super::{missing_id, not_mine, refused as invalid};
use crate::change::Change;
use crate::checks::{email, mrz, phone, workdays};
use crate::model::{CaseId, EvidenceId, Field, Timestamp};
use crate::store::db::Db;
use crate::store::derived::ip_key;
use crate::store::rules::{self, MAX_FIELD, MAX_TEXT, open_case, optional, required};
use crate::store::secret;
use crate::store::tables::{cases, records};
use crate::store::{Result, StoreError};
use crate::verification::{
    DocumentFields, EVerifyCase, EVerifyFields, EVerifyStatus, IdentityDocument, Interview,
    InterviewFields, ObservedIp, ObservedIpFields, PaymentFields, PaymentRecord, ReachableHours,
    Reference, ReferenceFields,
};

/// Evidence cited by a record (in `field`) must be evidence of the same case; returned sorted,
/// each once.
pub(super) fn check_evidence(
    db: &dyn Db,
    case_id: CaseId,
    field: Field,
    ids: &[EvidenceId],
) -> Result<Vec<EvidenceId>> {
    let mut out: Vec<EvidenceId> = ids.to_vec();
    out.sort_unstable();
    out.dedup();
    for id in &out {
        match crate::store::tables::evidence::case_of(db, *id)? {
            Some(c) if c == case_id => {}
            Some(c) => {
                return Err(invalid(
                    field,
                    format!("evidence {id} belongs to case {c}, not case {case_id}"),
                ));
            }
            None => return Err(StoreError::not_found("evidence", id).at(field)),
        }
    }
    Ok(out)
}

fn not_future(field: Field, label: &str, date: Option<NaiveDate>, at: &Timestamp) -> Result<()> {
    match date {
        Some(d) if d > at.date() => Err(invalid(field, format!("{label} {d} is in the future"))),
        _ => Ok(()),
    }
}

fn check_document(
    db: &dyn Db,
    case_id: CaseId,
    d: &DocumentFields,
    at: &Timestamp,
) -> Result<DocumentFields> {
    let issuing_country =
        required(Field::IssuingCountry, "issuing country", &d.issuing_country, 3)?
            .to_ascii_uppercase();
    if !issuing_country.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(invalid(
            Field::IssuingCountry,
            format!(
                "issuing country {issuing_country:?} must be a country code of 1 to 3 letters (USA, D, GBR, FR …)"
            ),
        ));
    }
    let mrz = match d.mrz.as_deref().map(str::trim).filter(|z| !z.is_empty()) {
        None => None,
        Some(text) => {
            let report = mrz::parse(text, at.date())
                .map_err(|e| invalid(Field::Mrz, format!("machine-readable zone: {e}")))?;
            Some(report.lines.join("\n"))
        }
    };
    not_future(Field::BirthDate, "date of birth", d.birth_date, at)?;
    if let (Some(birth), Some(expiry)) = (d.birth_date, d.expiry_date)
        && expiry <= birth
    {
        return Err(invalid(
            Field::ExpiryDate,
            format!("expiry date {expiry} is not after date of birth {birth}"),
        ));
    }
    let evidence: Vec<EvidenceId> = d.front_evidence.into_iter().chain(d.back_evidence).collect();
    check_evidence(db, case_id, Field::Evidence, &evidence)?;
    Ok(DocumentFields {
        kind: d.kind,
        issuing_country,
        number: required(Field::Number, "document number", &d.number, 40)?,
        holder_name: required(Field::HolderName, "holder name", &d.holder_name, 300)?,
        birth_date: d.birth_date,
        expiry_date: d.expiry_date,
        mrz,
        front_evidence: d.front_evidence,
        back_evidence: d.back_evidence,
        note: optional(Field::Note, "note", d.note.as_deref(), MAX_TEXT)?,
    })
}

fn check_interview(
    db: &dyn Db,
    case_id: CaseId,
    i: &InterviewFields,
    at: &Timestamp,
) -> Result<InterviewFields> {
    not_future(Field::HeldOn, "interview date", Some(i.held_on), at)?;
    if let Some(start) = i.started_at {
        if start > *at {
            return Err(invalid(
                Field::StartedAt,
                format!("interview start {start} is in the future"),
            ));
        }
        let day = start.date();
        if (day - i.held_on).num_days().abs() > 1 {
            return Err(invalid(
                Field::StartedAt,
                format!("interview start {start} is not on the interview date {}", i.held_on),
            ));
        }
    }
    if (i.refused_video || i.audio_only) && i.camera_on_throughout {
        return Err(invalid(
            Field::CameraOnThroughout,
            "the camera cannot have been on throughout a call without video (refused video or audio only)",
        ));
    }
    Ok(InterviewFields {
        interviewer: required(Field::Interviewer, "interviewer", &i.interviewer, 200)?,
        screenshots: check_evidence(db, case_id, Field::Screenshots, &i.screenshots)?,
        note: optional(Field::Note, "note", i.note.as_deref(), MAX_TEXT)?,
        ..i.clone()
    })
}

fn check_hours(h: &ReachableHours) -> Result<ReachableHours> {
    let time_zone = h.time_zone.trim().to_string();
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        return Err(invalid(
            Field::TimeZone,
            format!(
                "time zone {time_zone:?} is not an IANA time zone name such as America/Chicago"
            ),
        ));
    }
    if h.from == h.to {
        return Err(invalid(Field::To, "reachable hours need a start and an end that differ"));
    }
    Ok(ReachableHours { from: h.from, to: h.to, time_zone })
}

/// E-Verify may be used only for a new hire who accepted the offer and completed Form I-9.
fn check_everify(
    db: &dyn Db,
    case_id: CaseId,
    e: &EVerifyFields,
    at: &Timestamp,
) -> Result<EVerifyFields> {
    let case_number = required(Field::CaseNumber, "E-Verify case number", &e.case_number, 40)?;
    if !case_number.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(invalid(
            Field::CaseNumber,
            format!("E-Verify case number {case_number:?} may hold only letters, digits and '-'"),
        ));
    }
    for (field, label, date) in [
        (Field::CreatedOn, "created date", Some(e.created_on)),
        (Field::MismatchOn, "mismatch date", e.mismatch_on),
        (Field::NoticeGivenOn, "notice date", e.notice_given_on),
        (Field::DecisionRecordedOn, "decision date", e.decision_recorded_on),
        (Field::ReferredOn, "referral date", e.referred_on),
        (Field::AgencyContactedOn, "agency contact date", e.agency_contacted_on),
        (Field::ContinuanceSince, "continuance date", e.continuance_since),
        (Field::FollowedUpOn, "follow-up date", e.followed_up_on),
    ] {
        not_future(field, label, date, at)?;
        if let Some(d) = date
            && d < e.created_on
        {
            return Err(invalid(
                field,
                format!("{label} {d} is before the E-Verify case was created ({})", e.created_on),
            ));
        }
    }
    match e.status {
        EVerifyStatus::TentativeNonconfirmation => {
            if e.agency.is_none() {
                return Err(invalid(
                    Field::Agency,
                    "a tentative nonconfirmation needs the agency: dhs, ssa or both",
                ));
            }
            if e.mismatch_on.is_none() {
                return Err(invalid(
                    Field::MismatchOn,
                    "a tentative nonconfirmation needs the date of the mismatch result",
                ));
            }
        }
        EVerifyStatus::CaseInContinuance if e.continuance_since.is_none() => {
            return Err(invalid(
                Field::ContinuanceSince,
                "a case in continuance needs the date it went into continuance",
            ));
        }
        _ => {}
    }
    if e.referred_on.is_some() && e.employee_contests == Some(false) {
        return Err(invalid(
            Field::EmployeeContests,
            "a case is referred only when the employee chose to take action",
        ));
    }
    let fields = EVerifyFields {
        case_number,
        evidence: check_evidence(db, case_id, Field::Evidence, &e.evidence)?,
        note: optional(Field::Note, "note", e.note.as_deref(), MAX_TEXT)?,
        ..e.clone()
    };
    // The deadline arithmetic refuses dates out of order (a referral before the mismatch …).
    let probe = crate::verification::EVerifyCase {
        id: 0,
        case_id,
        fields: fields.clone(),
        recorded_by: String::new(),
        recorded_at: *at,
        updated_at: *at,
    };
    if let Some(view) = crate::checks::flags::everify_deadline_case(&probe) {
        workdays::everify_deadlines(&view, at.date(), &workdays::FederalCalendar::new())
            .map_err(|e| StoreError::invalid(format!("E-Verify dates: {e}")))?;
    }
    Ok(fields)
}

fn check_reference(r: &ReferenceFields) -> Result<ReferenceFields> {
    let email = optional(Field::Email, "reference email", r.email.as_deref(), 254)?;
    if let Some(e) = &email {
        email::normalize(e).map_err(|e| invalid(Field::Email, format!("reference email: {e}")))?;
    }
    let phone = optional(Field::Phone, "reference phone", r.phone.as_deref(), 64)?;
    if let Some(p) = &phone {
        phone::normalize(p).map_err(|e| invalid(Field::Phone, format!("reference phone: {e}")))?;
    }
    Ok(ReferenceFields {
        name: required(Field::Name, "reference name", &r.name, 300)?,
        email,
        phone,
        relationship: required(Field::Relationship, "relationship", &r.relationship, 300)?,
        company: optional(Field::Company, "company", r.company.as_deref(), 300)?,
        note: optional(Field::Note, "note", r.note.as_deref(), MAX_TEXT)?,
    })
}

fn check_payment(p: &PaymentFields) -> Result<PaymentFields> {
    if !secret::is_masked(&p.routing_masked) || !secret::is_masked(&p.account_masked) {
        return Err(StoreError::invalid(
            "bank numbers must be masked (only the last four digits shown); record payment details with `Store::record_payment`",
        ));
    }
    let hash = p.account_hash.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::invalid("the account hash must be 64 hexadecimal characters"));
    }
    Ok(PaymentFields {
        bank_name: optional(Field::BankName, "bank name", p.bank_name.as_deref(), 200)?,
        account_holder: optional(
            Field::AccountHolder,
            "account holder",
            p.account_holder.as_deref(),
            300,
        )?,
        routing_masked: p.routing_masked.clone(),
        account_masked: p.account_masked.clone(),
        account_hash: hash,
        note: optional(Field::Note, "note", p.note.as_deref(), MAX_TEXT)?,
    })
}

fn check_observed_ip(o: &ObservedIpFields, at: &Timestamp) -> Result<ObservedIpFields> {
    let ip = ip_key(&o.ip).ok_or_else(|| {
        invalid(Field::Ip, format!("{:?} is not an IPv4 or IPv6 address", o.ip.trim()))
    })?;
    if o.seen_at > *at {
        return Err(invalid(
            Field::SeenAt,
            format!("the time seen {} is in the future", o.seen_at),
        ));
    }
    Ok(ObservedIpFields {
        ip,
        seen_at: o.seen_at,
        context: o.context,
        note: optional(Field::Note, "note", o.note.as_deref(), MAX_FIELD)?,
    })
}

fn unchanged(what: &str, id: i64) -> StoreError {
    StoreError::conflict(format!("{what} {id}: nothing to change"))
}

/// Checks a verification record change against the current state and fills in the ids it
/// creates. Reads only.
pub(super) fn resolve(db: &dyn Db, at: &Timestamp, change: Change) -> Result<Change> {
    Ok(match change {
        Change::RecordDocument { case_id, document, .. } => {
            open_case(db, case_id)?;
            let document = check_document(db, case_id, &document, at)?;
            Change::RecordDocument {
                id: Some(records::next_id::<IdentityDocument>(db)?),
                case_id,
                document,
            }
        }
        Change::UpdateDocument { id, case_id, document } => {
            open_case(db, case_id)?;
            let current = records::get::<IdentityDocument>(db, id)?
                .filter(|d| d.case_id == case_id)
                .ok_or_else(|| StoreError::not_found("document of this case", id))?;
            let document = check_document(db, case_id, &document, at)?;
            if document == current.fields {
                return Err(unchanged("document", id));
            }
            Change::UpdateDocument { id, case_id, document }
        }
        Change::RecordInterview { case_id, interview, .. } => {
            open_case(db, case_id)?;
            let interview = check_interview(db, case_id, &interview, at)?;
            Change::RecordInterview {
                id: Some(records::next_id::<Interview>(db)?),
                case_id,
                interview,
            }
        }
        Change::SetReachableHours { case_id, hours } => {
            open_case(db, case_id)?;
            let hours = hours.as_ref().map(check_hours).transpose()?;
            if records::reachable_hours(db, case_id)? == hours {
                return Err(StoreError::conflict(format!(
                    "case {case_id} already has those reachable hours"
                )));
            }
            Change::SetReachableHours { case_id, hours }
        }
        Change::RecordEVerify { case_id, everify, .. } => {
            let case = open_case(db, case_id)?;
            rules::check_everify_allowed(db, &case)?;
            let everify = check_everify(db, case_id, &everify, at)?;
            Change::RecordEVerify {
                id: Some(records::next_id::<EVerifyCase>(db)?),
                case_id,
                everify,
            }
        }
        Change::UpdateEVerify { id, case_id, everify } => {
            let case = open_case(db, case_id)?;
            let current = records::get::<EVerifyCase>(db, id)?
                .filter(|e| e.case_id == case_id)
                .ok_or_else(|| StoreError::not_found("E-Verify case of this case", id))?;
            rules::check_everify_allowed(db, &case)?;
            let everify = check_everify(db, case_id, &everify, at)?;
            if everify == current.fields {
                return Err(unchanged("E-Verify case", id));
            }
            Change::UpdateEVerify { id, case_id, everify }
        }
        Change::AddReference { case_id, reference, .. } => {
            open_case(db, case_id)?;
            let reference = check_reference(&reference)?;
            Change::AddReference {
                id: Some(records::next_id::<Reference>(db)?),
                case_id,
                reference,
            }
        }
        Change::UpdateReference { id, case_id, reference } => {
            open_case(db, case_id)?;
            let current = records::get::<Reference>(db, id)?
                .filter(|r| r.case_id == case_id)
                .ok_or_else(|| StoreError::not_found("reference of this case", id))?;
            let reference = check_reference(&reference)?;
            if reference == current.fields {
                return Err(unchanged("reference", id));
            }
            Change::UpdateReference { id, case_id, reference }
        }
        Change::RecordPayment { case_id, payment, .. } => {
            open_case(db, case_id)?;
            let payment = check_payment(&payment)?;
            Change::RecordPayment {
                id: Some(records::next_id::<PaymentRecord>(db)?),
                case_id,
                payment,
            }
        }
        Change::RecordObservedIp { case_id, observed, .. } => {
            open_case(db, case_id)?;
            let observed = check_observed_ip(&observed, at)?;
            Change::RecordObservedIp {
                id: Some(records::next_id::<ObservedIp>(db)?),
                case_id,
                observed,
            }
        }
        other => return Err(not_mine("verification record", &other)),
    })
}

pub(super) fn write(db: &dyn Db, at: &Timestamp, actor: &str, change: &Change) -> Result<()> {
    let missing = || missing_id(change);
    let by = || actor.to_string();
    match change {
        Change::RecordDocument { id, case_id, document } => records::insert(
            db,
            &IdentityDocument {
                id: id.ok_or_else(missing)?,
                case_id: *case_id,
                fields: document.clone(),
                recorded_by: by(),
                recorded_at: *at,
                updated_at: *at,
            },
        )?,
        Change::UpdateDocument { id, document, .. } => {
            records::update::<IdentityDocument>(db, *id, document, at)?
        }
        Change::RecordInterview { id, case_id, interview } => records::insert(
            db,
            &Interview {
                id: id.ok_or_else(missing)?,
                case_id: *case_id,
                fields: interview.clone(),
                recorded_by: by(),
                recorded_at: *at,
            },
        )?,
        Change::SetReachableHours { case_id, hours } => {
            records::set_reachable_hours(db, *case_id, hours.as_ref(), actor, at)?
        }
        Change::RecordEVerify { id, case_id, everify } => records::insert(
            db,
            &EVerifyCase {
                id: id.ok_or_else(missing)?,
                case_id: *case_id,
                fields: everify.clone(),
                recorded_by: by(),
                recorded_at: *at,
                updated_at: *at,
            },
        )?,
        Change::UpdateEVerify { id, everify, .. } => {
            records::update::<EVerifyCase>(db, *id, everify, at)?
        }
        Change::AddReference { id, case_id, reference } => records::insert(
            db,
            &Reference {
                id: id.ok_or_else(missing)?,
                case_id: *case_id,
                fields: reference.clone(),
                recorded_by: by(),
                recorded_at: *at,
                updated_at: *at,
            },
        )?,
        Change::UpdateReference { id, reference, .. } => {
            records::update::<Reference>(db, *id, reference, at)?
        }
        Change::RecordPayment { id, case_id, payment } => records::insert(
            db,
            &PaymentRecord {
                id: id.ok_or_else(missing)?,
                case_id: *case_id,
                fields: payment.clone(),
                recorded_by: by(),
                recorded_at: *at,
            },
        )?,
        Change::RecordObservedIp { id, case_id, observed } => records::insert(
            db,
            &ObservedIp {
                id: id.ok_or_else(missing)?,
                case_id: *case_id,
                fields: observed.clone(),
                recorded_by: by(),
                recorded_at: *at,
            },
        )?,
        other => return Err(not_mine("verification record", other)),
    }
    // Recording something on a case is work on the case.
    match change {
        Change::RecordDocument { case_id, .. }
        | Change::UpdateDocument { case_id, .. }
        | Change::RecordInterview { case_id, .. }
        | Change::SetReachableHours { case_id, .. }
        | Change::RecordEVerify { case_id, .. }
        | Change::UpdateEVerify { case_id, .. }
        | Change::AddReference { case_id, .. }
        | Change::UpdateReference { case_id, .. }
        | Change::RecordPayment { case_id, .. }
        | Change::RecordObservedIp { case_id, .. } => cases::touch(db, *case_id, at),
        _ => Ok(()),
    }
}
