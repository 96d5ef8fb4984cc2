//! Which form field a refusal of the store is about, recognised by the words the core's checks
//! start their messages with (message start → field). The tests drive the real store with one
//! bad value per field, so a reworded message fails them rather than silently losing its place
//! in the form.

use vetdesk_core::StoreError;

use crate::error::AppError;

/// The field of the form that sent `kind` (a change's `type`) a refusal is about.
pub fn field_of(kind: &str, error: &StoreError) -> Option<&'static str> {
    match kind {
        "record_document" | "update_document" => field_by_prefix(error, DOCUMENT_FIELDS),
        "record_interview" => field_by_prefix(error, INTERVIEW_FIELDS),
        "set_reachable_hours" => field_by_prefix(error, HOURS_FIELDS),
        "record_e_verify" | "update_e_verify" => everify_field(error),
        "add_reference" | "update_reference" => field_by_prefix(error, REFERENCE_FIELDS),
        "record_payment" => field_by_prefix(error, PAYMENT_FIELDS),
        "record_observed_ip" => ip_field(error),
        "record_vendor_audit" => field_by_prefix(error, AUDIT_FIELDS),
        "import_ip_list" => field_by_prefix(error, LIST_FIELDS),
        "add_vpn_provider" => field_by_prefix(error, VPN_FIELDS),
        "add_voip_entry" => field_by_prefix(error, VOIP_FIELDS),
        "add_candidate" | "open_case" => crate::error::candidate_field(error),
        _ => None,
    }
}

/// Maps a refusal of the store for a change of `kind` to an `AppError` naming its field.
pub fn refusal(kind: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| {
        let field = field_of(kind, &e);
        AppError::from(e).with_field(field)
    }
}

fn field_by_prefix(error: &StoreError, prefixes: &[(&str, &'static str)]) -> Option<&'static str> {
    match error {
        StoreError::Invalid(m) | StoreError::Conflict(m) => {
            prefixes.iter().find(|(start, _)| m.starts_with(start)).map(|(_, field)| *field)
        }
        StoreError::NotFound { what: "evidence", .. } => {
            prefixes.iter().find(|(start, _)| *start == "evidence ").map(|(_, field)| *field)
        }
        StoreError::NotFound { what: "vendor", .. } => Some("vendor_id"),
        _ => None,
    }
}

const DOCUMENT_FIELDS: &[(&str, &str)] = &[
    ("issuing country", "issuing_country"),
    ("machine-readable zone", "mrz"),
    ("date of birth", "birth_date"),
    ("expiry date", "expiry_date"),
    ("document number", "number"),
    ("holder name", "holder_name"),
    ("evidence ", "evidence"),
    ("note", "note"),
];

const INTERVIEW_FIELDS: &[(&str, &str)] = &[
    ("interview date", "held_on"),
    ("interview start", "started_at"),
    ("the camera cannot have been on", "camera_on_throughout"),
    ("interviewer", "interviewer"),
    ("evidence ", "screenshots"),
    ("note", "note"),
];

const HOURS_FIELDS: &[(&str, &str)] =
    &[("time zone", "time_zone"), ("reachable hours need a start and an end", "to")];

/// The refusal before the offer and Form I-9 names `prerequisites`: the UI points at the two
/// checklist items rather than at a field.
const EVERIFY_FIELDS: &[(&str, &str)] = &[
    ("E-Verify case number", "case_number"),
    ("created date", "created_on"),
    ("mismatch date", "mismatch_on"),
    ("notice date", "notice_given_on"),
    ("decision date", "decision_recorded_on"),
    ("referral date", "referred_on"),
    ("agency contact date", "agency_contacted_on"),
    ("continuance date", "continuance_since"),
    ("follow-up date", "followed_up_on"),
    ("a tentative nonconfirmation needs the agency", "agency"),
    ("a tentative nonconfirmation needs the date", "mismatch_on"),
    ("a case in continuance needs", "continuance_since"),
    ("a case is referred only when", "employee_contests"),
    ("evidence ", "evidence"),
    ("note", "note"),
];

const REFERENCE_FIELDS: &[(&str, &str)] = &[
    ("reference name", "name"),
    ("reference email", "email"),
    ("reference phone", "phone"),
    ("relationship", "relationship"),
    ("company", "company"),
    ("note", "note"),
];

const PAYMENT_FIELDS: &[(&str, &str)] = &[
    ("routing number", "routing_number"),
    ("account number", "account_number"),
    ("bank name", "bank_name"),
    ("account holder", "account_holder"),
    ("note", "note"),
];

const IP_FIELDS: &[(&str, &str)] = &[("the time seen", "seen_at"), ("note", "note")];

const AUDIT_FIELDS: &[(&str, &str)] = &[("audit date", "audited_on"), ("note", "note")];

/// `E-Verify case … cannot be recorded before …` is a conflict whose message starts with the
/// case; it is recognised by its middle.
fn everify_field(e: &StoreError) -> Option<&'static str> {
    let prerequisites = matches!(e, StoreError::Conflict(m)
        if m.contains("an E-Verify case cannot be recorded before"));
    if prerequisites { Some("prerequisites") } else { field_by_prefix(e, EVERIFY_FIELDS) }
}

/// An IP that does not parse is refused with the address first (`"x" is not an IPv4 …`).
fn ip_field(e: &StoreError) -> Option<&'static str> {
    let bad_ip =
        matches!(e, StoreError::Invalid(m) if m.ends_with("is not an IPv4 or IPv6 address"));
    if bad_ip { Some("ip") } else { field_by_prefix(e, IP_FIELDS) }
}

const LIST_FIELDS: &[(&str, &str)] =
    &[("list name", "list_name"), ("indicator list", "file"), ("file name", "file")];

const VPN_FIELDS: &[(&str, &str)] = &[
    ("provider name", "name"),
    ("a provider name", "name"),
    ("VPN provider", "name"),
    ("note", "note"),
];

/// A number already on the list is refused with the number first (`+1… is already on …`).
const VOIP_FIELDS: &[(&str, &str)] =
    &[("VoIP list entry", "pattern"), ("label", "label"), ("+", "pattern")];
