//! The store side of verification: checks and writes for the verification changes (identity
//! documents, interviews, E-Verify, references, payment details, observed IPs, vendor audits,
//! indicator lists, flags), the red-flag engine that keeps each case's flags in step with its
//! facts, the links between candidates, and the read API the CLI and the desktop app use.
//! `apply` delegates every verification change here, so its own arms stay one line each.

mod engine;
mod links;
mod lists;
mod reads;
pub(crate) mod records;
pub mod secret;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::rules::{Action, MAX_FIELD, MAX_TEXT, open_case, optional, require, required};
use super::{Config, Result, StoreError, cases, vendors};
use crate::change::Change;
use crate::checks::phone::VoipRule;
use crate::checks::{email, mrz, phone, workdays};
use crate::error::Field;
use crate::model::{Case, CaseId, Decision, EvidenceId, ItemResult, Timestamp, User};
use crate::verification::{
    DocumentFields, EVerifyFields, EVerifyStatus, InterviewFields, ObservedIpFields, PaymentFields,
    ReachableHours, ReferenceFields, VendorAudit,
};

pub(crate) use engine::{reflag, vendor_status, watch};
pub(crate) use reads::case_verification;
pub use reads::{CaseVerification, DocumentView, EVerifyView, ObservedIpView};

/// Most ranges one indicator-list import may carry: about 20 MB of audit record. Larger feeds
/// are split into several named lists (see `Change::ImportIpList`).
pub const MAX_IP_LIST_ROWS: usize = 500_000;

/// Checklist items that must have passed before an E-Verify case may be recorded.
pub const EVERIFY_PREREQUISITES: [&str; 2] = ["offer-accepted", "form-i9-complete"];

fn invalid(field: Field, message: impl Into<String>) -> StoreError {
    StoreError::invalid(message).at(field)
}

/// Evidence cited by a record (in `field`) must be evidence of the same case.
fn check_evidence(
    conn: &Connection,
    case_id: CaseId,
    field: Field,
    ids: &[EvidenceId],
) -> Result<Vec<EvidenceId>> {
    let mut out: Vec<EvidenceId> = ids.to_vec();
    out.sort_unstable();
    out.dedup();
    for id in &out {
        match records::evidence_case(conn, *id)? {
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
    conn: &Connection,
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
    if let (Some(birth), Some(expiry)) = (d.birth_date, d.expiry_date) {
        if expiry <= birth {
            return Err(invalid(
                Field::ExpiryDate,
                format!("expiry date {expiry} is not after date of birth {birth}"),
            ));
        }
    }
    let evidence: Vec<EvidenceId> = d.front_evidence.into_iter().chain(d.back_evidence).collect();
    check_evidence(conn, case_id, Field::Evidence, &evidence)?;
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
    conn: &Connection,
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
        screenshots: check_evidence(conn, case_id, Field::Screenshots, &i.screenshots)?,
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
fn check_everify_allowed(conn: &Connection, case: &Case) -> Result<()> {
    let mut missing = Vec::new();
    for item in EVERIFY_PREREQUISITES {
        let state = cases::item_state(conn, case.id, item)?.unwrap_or(ItemResult::Pending);
        if state != ItemResult::Pass {
            missing.push(format!("{item} ({state})"));
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(StoreError::conflict(format!(
            "case {}: an E-Verify case cannot be recorded before {} passed; E-Verify may only be used for a new hire who accepted the offer and completed Form I-9, never to pre-screen applicants",
            case.id,
            missing.join(" and ")
        ))
        .at(Field::Prerequisites))
    }
}

fn check_everify(
    conn: &Connection,
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
        if let Some(d) = date {
            if d < e.created_on {
                return Err(invalid(
                    field,
                    format!(
                        "{label} {d} is before the E-Verify case was created ({})",
                        e.created_on
                    ),
                ));
            }
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
        evidence: check_evidence(conn, case_id, Field::Evidence, &e.evidence)?,
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
    let ip = links::ip_key(&o.ip).ok_or_else(|| {
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

fn list_name(name: &str) -> Result<String> {
    let name = required(Field::ListName, "list name", name, 100)?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_. ".contains(c)) {
        return Err(invalid(
            Field::ListName,
            format!("list name {name:?} may hold only letters, digits, spaces, '-', '_' and '.'"),
        ));
    }
    Ok(name)
}

fn unchanged(what: &str, id: i64) -> StoreError {
    StoreError::conflict(format!("{what} {id}: nothing to change"))
}

/// Checks a verification change against the current state and fills in the ids it creates.
/// Reads only. `change` is one of the verification variants (`apply::resolve` sends no other).
pub(crate) fn resolve(
    conn: &Connection,
    user: &User,
    at: &Timestamp,
    config: &Config,
    change: Change,
) -> Result<Change> {
    Ok(match change {
        Change::RecordDocument { case_id, document, .. } => {
            open_case(conn, case_id)?;
            let document = check_document(conn, case_id, &document, at)?;
            Change::RecordDocument {
                id: Some(records::next_id(conn, "identity_documents")?),
                case_id,
                document,
            }
        }
        Change::UpdateDocument { id, case_id, document } => {
            open_case(conn, case_id)?;
            let current = records::document(conn, id)?
                .filter(|d| d.case_id == case_id)
                .ok_or_else(|| StoreError::not_found("document of this case", id))?;
            let document = check_document(conn, case_id, &document, at)?;
            if document == current.fields {
                return Err(unchanged("document", id));
            }
            Change::UpdateDocument { id, case_id, document }
        }
        Change::RecordInterview { case_id, interview, .. } => {
            open_case(conn, case_id)?;
            let interview = check_interview(conn, case_id, &interview, at)?;
            Change::RecordInterview {
                id: Some(records::next_id(conn, "interviews")?),
                case_id,
                interview,
            }
        }
        Change::SetReachableHours { case_id, hours } => {
            open_case(conn, case_id)?;
            let hours = hours.as_ref().map(check_hours).transpose()?;
            if records::reachable_hours(conn, case_id)? == hours {
                return Err(StoreError::conflict(format!(
                    "case {case_id} already has those reachable hours"
                )));
            }
            Change::SetReachableHours { case_id, hours }
        }
        Change::RecordEVerify { case_id, everify, .. } => {
            let case = open_case(conn, case_id)?;
            check_everify_allowed(conn, &case)?;
            let everify = check_everify(conn, case_id, &everify, at)?;
            Change::RecordEVerify {
                id: Some(records::next_id(conn, "everify_cases")?),
                case_id,
                everify,
            }
        }
        Change::UpdateEVerify { id, case_id, everify } => {
            let case = open_case(conn, case_id)?;
            let current = records::everify_case(conn, id)?
                .filter(|e| e.case_id == case_id)
                .ok_or_else(|| StoreError::not_found("E-Verify case of this case", id))?;
            check_everify_allowed(conn, &case)?;
            let everify = check_everify(conn, case_id, &everify, at)?;
            if everify == current.fields {
                return Err(unchanged("E-Verify case", id));
            }
            Change::UpdateEVerify { id, case_id, everify }
        }
        Change::AddReference { case_id, reference, .. } => {
            open_case(conn, case_id)?;
            let reference = check_reference(&reference)?;
            Change::AddReference {
                id: Some(records::next_id(conn, "case_references")?),
                case_id,
                reference,
            }
        }
        Change::UpdateReference { id, case_id, reference } => {
            open_case(conn, case_id)?;
            let current = records::reference(conn, id)?
                .filter(|r| r.case_id == case_id)
                .ok_or_else(|| StoreError::not_found("reference of this case", id))?;
            let reference = check_reference(&reference)?;
            if reference == current.fields {
                return Err(unchanged("reference", id));
            }
            Change::UpdateReference { id, case_id, reference }
        }
        Change::RecordPayment { case_id, payment, .. } => {
            open_case(conn, case_id)?;
            let payment = check_payment(&payment)?;
            Change::RecordPayment {
                id: Some(records::next_id(conn, "payment_details")?),
                case_id,
                payment,
            }
        }
        Change::RecordObservedIp { case_id, observed, .. } => {
            open_case(conn, case_id)?;
            let observed = check_observed_ip(&observed, at)?;
            Change::RecordObservedIp {
                id: Some(records::next_id(conn, "observed_ips")?),
                case_id,
                observed,
            }
        }
        Change::RecordVendorAudit { vendor_id, audited_on, outcome, note, .. } => {
            require(user, Action::AuditVendors, "record vendor audits")?;
            if vendors::get(conn, vendor_id)?.is_none() {
                return Err(StoreError::not_found("vendor", vendor_id).at(Field::VendorId));
            }
            not_future(Field::AuditedOn, "audit date", Some(audited_on), at)?;
            let next_due = audited_on
                .checked_add_months(chrono::Months::new(config.vendor_audit_interval_months))
                .ok_or_else(|| {
                    invalid(Field::AuditedOn, format!("audit date {audited_on} is out of range"))
                })?;
            Change::RecordVendorAudit {
                id: Some(records::next_id(conn, "vendor_audits")?),
                vendor_id,
                audited_on,
                outcome,
                note: optional(Field::Note, "note", note.as_deref(), MAX_TEXT)?,
                next_due: Some(next_due),
            }
        }
        Change::ImportIpList { name, file_name, file_sha256, rows, .. } => {
            require(user, Action::ManageLists, "import indicator lists")?;
            let name = list_name(&name)?;
            let file_name = required(Field::File, "file name", &file_name, 255)?;
            let sha = file_sha256.trim().to_ascii_lowercase();
            if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(invalid(
                    Field::File,
                    "the file's SHA-256 must be 64 hexadecimal characters",
                ));
            }
            if rows.is_empty() {
                return Err(invalid(Field::File, format!("indicator list {name} has no ranges")));
            }
            if rows.len() > MAX_IP_LIST_ROWS {
                return Err(invalid(
                    Field::File,
                    format!(
                        "indicator list {name} has {} ranges; at most {MAX_IP_LIST_ROWS} go in one list: split the file into several named lists",
                        rows.len()
                    ),
                ));
            }
            let mut problems = Vec::new();
            let mut tidy = Vec::with_capacity(rows.len());
            for (i, row) in rows.iter().enumerate() {
                match lists::parse_row(row) {
                    Ok(p) => tidy.push(crate::verification::IpListRow(
                        p.cidr.to_string(),
                        p.category.to_string(),
                        p.label,
                    )),
                    Err(e) if problems.len() < 10 => problems.push(format!("row {}: {e}", i + 1)),
                    Err(_) => {}
                }
            }
            if !problems.is_empty() {
                return Err(invalid(
                    Field::File,
                    format!("indicator list {name} refused: {}", problems.join("; ")),
                ));
            }
            Change::ImportIpList {
                id: Some(records::next_id(conn, "ip_lists")?),
                name,
                file_name,
                file_sha256: sha,
                rows: tidy,
            }
        }
        Change::RemoveIpList { name } => {
            require(user, Action::ManageLists, "remove indicator lists")?;
            let list = lists::list_by_name(conn, &name)?
                .ok_or_else(|| StoreError::not_found("indicator list", &name))?;
            Change::RemoveIpList { name: list.name }
        }
        Change::AddVpnProvider { name, note, .. } => {
            require(user, Action::ManageLists, "name VPN providers")?;
            let name = required(Field::Name, "provider name", &name, 200)?;
            if name.chars().count() < 3 {
                return Err(invalid(
                    Field::Name,
                    "a provider name needs at least 3 characters to match labels",
                ));
            }
            if lists::vpn_providers(conn)?.iter().any(|p| p.name.eq_ignore_ascii_case(&name)) {
                return Err(StoreError::conflict(format!(
                    "VPN provider {name:?} is already named"
                ))
                .at(Field::Name));
            }
            Change::AddVpnProvider {
                id: Some(records::next_id(conn, "vpn_providers")?),
                name,
                note: optional(Field::Note, "note", note.as_deref(), MAX_FIELD)?,
            }
        }
        Change::RemoveVpnProvider { id } => {
            require(user, Action::ManageLists, "remove VPN providers")?;
            lists::vpn_provider(conn, id)?
                .ok_or_else(|| StoreError::not_found("VPN provider", id))?;
            Change::RemoveVpnProvider { id }
        }
        Change::AddVoipEntry { pattern, label, .. } => {
            require(user, Action::ManageLists, "change the VoIP list")?;
            let rule = VoipRule::new(&pattern, &label)
                .map_err(|e| invalid(Field::Pattern, e.to_string()))?;
            let stored = lists::voip_pattern(&rule);
            if lists::voip_entries(conn)?
                .iter()
                .any(|e| e.e164 == rule.e164 && e.prefix == rule.prefix)
            {
                return Err(StoreError::conflict(format!("{stored} is already on the VoIP list"))
                    .at(Field::Pattern));
            }
            Change::AddVoipEntry {
                id: Some(records::next_id(conn, "voip_entries")?),
                pattern: stored,
                label: optional(Field::Label, "label", Some(&label), 300)?.unwrap_or_default(),
            }
        }
        Change::RemoveVoipEntry { id } => {
            require(user, Action::ManageLists, "change the VoIP list")?;
            lists::voip_entry(conn, id)?
                .ok_or_else(|| StoreError::not_found("VoIP list entry", id))?;
            Change::RemoveVoipEntry { id }
        }
        Change::FlagRaised { case_id, flag, .. } => {
            Change::FlagRaised { id: Some(records::next_id(conn, "case_flags")?), case_id, flag }
        }
        Change::FlagCleared { case_id, flag_id, reason } => {
            match records::flag(conn, flag_id)? {
                Some(f) if f.case_id == case_id && f.cleared_at.is_none() => {}
                _ => return Err(StoreError::not_found("open flag of this case", flag_id)),
            }
            Change::FlagCleared { case_id, flag_id, reason }
        }
        other => {
            return Err(StoreError::Corrupt(format!(
                "{} is not a verification change",
                other.kind()
            )));
        }
    })
}

/// Writes what a resolved verification change means (also replayed by `verify`).
pub(crate) fn write(conn: &Connection, at: &Timestamp, actor: &str, change: &Change) -> Result<()> {
    let missing_id =
        || StoreError::Corrupt(format!("a recorded {} change has no id", change.kind()));
    match change {
        Change::RecordDocument { id, case_id, document } => {
            records::insert_document(
                conn,
                id.ok_or_else(missing_id)?,
                *case_id,
                document,
                actor,
                at,
            )?;
        }
        Change::UpdateDocument { id, document, .. } => {
            records::update_document(conn, *id, document, at)?
        }
        Change::RecordInterview { id, case_id, interview } => {
            records::insert_interview(
                conn,
                id.ok_or_else(missing_id)?,
                *case_id,
                interview,
                actor,
                at,
            )?;
        }
        Change::SetReachableHours { case_id, hours } => {
            records::set_reachable_hours(conn, *case_id, hours.as_ref(), actor, at)?;
        }
        Change::RecordEVerify { id, case_id, everify } => {
            records::insert_everify(
                conn,
                id.ok_or_else(missing_id)?,
                *case_id,
                everify,
                actor,
                at,
            )?;
        }
        Change::UpdateEVerify { id, everify, .. } => {
            records::update_everify(conn, *id, everify, at)?
        }
        Change::AddReference { id, case_id, reference } => {
            records::insert_reference(
                conn,
                id.ok_or_else(missing_id)?,
                *case_id,
                reference,
                actor,
                at,
            )?;
        }
        Change::UpdateReference { id, reference, .. } => {
            records::update_reference(conn, *id, reference, at)?;
        }
        Change::RecordPayment { id, case_id, payment } => {
            records::insert_payment(
                conn,
                id.ok_or_else(missing_id)?,
                *case_id,
                payment,
                actor,
                at,
            )?;
        }
        Change::RecordObservedIp { id, case_id, observed } => {
            records::insert_observed_ip(
                conn,
                id.ok_or_else(missing_id)?,
                *case_id,
                observed,
                actor,
                at,
            )?;
        }
        Change::RecordVendorAudit { id, vendor_id, audited_on, outcome, note, next_due } => {
            records::insert_vendor_audit(
                conn,
                &VendorAudit {
                    id: id.ok_or_else(missing_id)?,
                    vendor_id: *vendor_id,
                    audited_on: *audited_on,
                    outcome: *outcome,
                    note: note.clone(),
                    next_due: next_due.ok_or_else(missing_id)?,
                    recorded_by: actor.to_string(),
                    recorded_at: *at,
                },
            )?;
        }
        Change::ImportIpList { id, name, file_name, file_sha256, rows } => {
            lists::import_list(
                conn,
                id.ok_or_else(missing_id)?,
                name,
                file_name,
                file_sha256,
                rows,
                actor,
                at,
            )?;
        }
        Change::RemoveIpList { name } => lists::remove_list(conn, name)?,
        Change::AddVpnProvider { id, name, note } => {
            lists::insert_vpn_provider(
                conn,
                id.ok_or_else(missing_id)?,
                name,
                note.as_deref(),
                actor,
                at,
            )?;
        }
        Change::RemoveVpnProvider { id } => lists::remove_vpn_provider(conn, *id)?,
        Change::AddVoipEntry { id, pattern, label } => {
            let rule = VoipRule::new(pattern, label)
                .map_err(|e| StoreError::Corrupt(format!("recorded VoIP entry: {e}")))?;
            lists::insert_voip(conn, id.ok_or_else(missing_id)?, &rule, actor, at)?;
        }
        Change::RemoveVoipEntry { id } => lists::remove_voip(conn, *id)?,
        Change::FlagRaised { id, case_id, flag } => {
            records::insert_flag(conn, id.ok_or_else(missing_id)?, *case_id, flag, actor, at)?;
        }
        Change::FlagCleared { flag_id, reason, .. } => {
            records::clear_flag(conn, *flag_id, reason, actor, at)?;
        }
        other => {
            return Err(StoreError::Corrupt(format!(
                "{} is not a verification change",
                other.kind()
            )));
        }
    }
    // Recording something on a case is work on the case.
    if let Some(case_id) = case_record(change) {
        cases::touch(conn, case_id, at)?;
    }
    Ok(())
}

/// The case a record change writes to (flag changes do not count as work on the case).
fn case_record(change: &Change) -> Option<CaseId> {
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
        | Change::RecordObservedIp { case_id, .. } => Some(*case_id),
        _ => None,
    }
}

/// Keeps the derived link index and address history in step with one applied change.
pub(crate) fn after_change(conn: &Connection, at: &Timestamp, change: &Change) -> Result<()> {
    match change {
        Change::AddCandidate { id: Some(id), candidate }
        | Change::UpdateCandidate { id, candidate } => {
            links::index_candidate(conn, *id)?;
            links::record_addresses(conn, *id, candidate, at)?;
        }
        Change::AddReference { case_id, .. }
        | Change::UpdateReference { case_id, .. }
        | Change::RecordPayment { case_id, .. }
        | Change::RecordObservedIp { case_id, .. } => {
            if let Some(case) = cases::get(conn, *case_id)? {
                links::index_candidate(conn, case.candidate_id)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Rebuilds the derived tables of this module.
pub(crate) fn rebuild_derived(conn: &Connection) -> Result<()> {
    links::rebuild(conn)
}

/// No adverse action before a final nonconfirmation (E-Verify User Manual, MOU): a `rejected`
/// decision is refused when it could rest only on a non-final E-Verify result. Precisely, it is
/// refused when all of these hold:
///
/// 1. the case has an E-Verify case whose current status is not final (anything but employment
///    authorized, final nonconfirmation or closed), and none with a final nonconfirmation;
/// 2. no checklist item other than `e-verify` has failed;
/// 3. no open flag of severity high or critical other than the E-Verify deadline flags, with
///    the rules evaluated at the time of the decision.
///
/// A rejection with other recorded grounds (a failed item, a serious flag) stands on those.
pub(crate) fn check_can_reject(
    conn: &Connection,
    case: &Case,
    at: &Timestamp,
    config: &Config,
) -> Result<()> {
    let everify = records::everify_cases(conn, case.id)?;
    if everify.iter().any(|e| e.fields.status == EVerifyStatus::FinalNonconfirmation) {
        return Ok(());
    }
    let Some(pending) = everify.iter().find(|e| !e.fields.status.is_final()) else {
        return Ok(());
    };
    let failed_elsewhere = cases::item_states(conn, case.id)?
        .iter()
        .any(|s| s.result == ItemResult::Fail && s.item_id != "e-verify");
    if failed_elsewhere {
        return Ok(());
    }
    let serious = engine::evaluate_now(conn, case, at, config)?.into_iter().any(|f| {
        f.severity >= crate::verification::Severity::High && !f.rule.starts_with("everify.")
    });
    if serious {
        return Ok(());
    }
    Err(StoreError::conflict(format!(
        "case {} cannot be rejected on E-Verify case {} alone: its result is {} (not final), and no other check failed and no serious flag is open. No adverse action may be taken before a final nonconfirmation; record the other grounds, or wait for the final result",
        case.id,
        pending.fields.case_number,
        pending.fields.status.as_str().replace('_', " ")
    )))
}

/// Whether a decision needs the E-Verify rule above.
pub(crate) fn is_rejection(decision: Option<Decision>) -> bool {
    decision == Some(Decision::Rejected)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;
    use ts_rs::TS;

    use super::*;
    use crate::verification::{
        AuditOutcome, CaseFlags, DocumentKind, FlagFields, IdMatch, IpContext, IpListRow, Link,
        Severity,
    };

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    /// One of each verification change, as the audit log records it.
    fn samples() -> Vec<Change> {
        let at: Timestamp = "2026-11-02T09:00:00.000Z".parse().unwrap_or_else(|_| Timestamp::now());
        vec![
            Change::RecordDocument {
                id: Some(1),
                case_id: 1,
                document: DocumentFields {
                    kind: DocumentKind::Passport,
                    issuing_country: "USA".into(),
                    number: "X1".into(),
                    holder_name: "A".into(),
                    birth_date: None,
                    expiry_date: None,
                    mrz: None,
                    front_evidence: None,
                    back_evidence: None,
                    note: None,
                },
            },
            Change::RecordInterview {
                id: Some(1),
                case_id: 1,
                interview: InterviewFields {
                    held_on: day("2026-11-01"),
                    started_at: None,
                    interviewer: "rita".into(),
                    camera_on_throughout: true,
                    refused_video: false,
                    audio_only: false,
                    id_match: IdMatch::Yes,
                    liveness_done: true,
                    location_consistent: None,
                    screenshots: vec![],
                    note: None,
                },
            },
            Change::SetReachableHours {
                case_id: 1,
                hours: Some(ReachableHours {
                    from: NaiveTime::MIN,
                    to: NaiveTime::MIN,
                    time_zone: "UTC".into(),
                }),
            },
            Change::RecordObservedIp {
                id: Some(1),
                case_id: 1,
                observed: ObservedIpFields {
                    ip: "192.0.2.1".into(),
                    seen_at: at,
                    context: IpContext::Login,
                    note: None,
                },
            },
            Change::RecordVendorAudit {
                id: Some(1),
                vendor_id: 1,
                audited_on: day("2026-01-01"),
                outcome: AuditOutcome::Findings,
                note: None,
                next_due: Some(day("2027-01-01")),
            },
            Change::ImportIpList {
                id: Some(1),
                name: "l".into(),
                file_name: "l.csv".into(),
                file_sha256: "0".repeat(64),
                rows: vec![IpListRow("192.0.2.0/24".into(), "vpn".into(), "x".into())],
            },
            Change::RemoveIpList { name: "l".into() },
            Change::AddVpnProvider { id: Some(1), name: "M247".into(), note: None },
            Change::RemoveVpnProvider { id: 1 },
            Change::AddVoipEntry { id: Some(1), pattern: "+1650555*".into(), label: String::new() },
            Change::RemoveVoipEntry { id: 1 },
            Change::FlagRaised {
                id: Some(1),
                case_id: 1,
                flag: FlagFields {
                    rule: "phone.shared".into(),
                    subject: String::new(),
                    severity: Severity::High,
                    title: String::new(),
                    why: String::new(),
                    source: crate::checks::Source::new("d", "s"),
                    facts: vec![],
                    evidence: vec![],
                    candidates: vec![],
                },
            },
            Change::FlagCleared { case_id: 1, flag_id: 1, reason: "r".into() },
        ]
    }

    #[test]
    fn recorded_type_names_are_the_kind_names_and_round_trip() {
        for change in samples() {
            let value = serde_json::to_value(&change).unwrap_or_default();
            assert_eq!(value["type"], change.kind(), "{change:?}");
            let back: Change =
                serde_json::from_value(value).unwrap_or(Change::RemoveVoipEntry { id: 0 });
            assert_eq!(back, change);
        }
        // The compact list rows: ~40 bytes of JSON per range in the audit record.
        let row = serde_json::to_string(&IpListRow(
            "203.0.113.0/24".into(),
            "vpn".into(),
            "NordVPN".into(),
        ));
        assert_eq!(row.unwrap_or_default(), r#"["203.0.113.0/24","vpn","NordVPN"]"#);
    }

    #[test]
    fn the_read_types_export_to_typescript() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let cfg = ts_rs::Config::new().with_out_dir(dir.path()).with_large_int("number");
        CaseVerification::export_all(&cfg).unwrap_or_else(|e| panic!("{e}"));
        CaseFlags::export_all(&cfg).unwrap_or_else(|e| panic!("{e}"));
        Link::export_all(&cfg).unwrap_or_else(|e| panic!("{e}"));
        crate::store::Applied::export_all(&cfg).unwrap_or_else(|e| panic!("{e}"));
        let flag = std::fs::read_to_string(dir.path().join("FlagFields.ts")).unwrap_or_default();
        assert!(flag.contains("rule: string") && flag.contains("severity: Severity"), "{flag}");
        let link = std::fs::read_to_string(dir.path().join("Link.ts")).unwrap_or_default();
        assert!(link.contains("cases: Array<LinkedCase>"), "{link}");
        assert!(dir.path().join("CaseVerification.ts").exists());
    }
}
