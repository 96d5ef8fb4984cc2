//! Errors. Each module has its own `thiserror` enum; `Error` gathers them for callers that
//! only need one type, and gives every error a stable `ErrorCode` that the CLI maps to an exit
//! code and the desktop app sends to the UI (which branches on the code, never on the text).

use crate::model::text_enum;

/// A value that is not one of a closed set (a status, a role, a result …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {given:?}; expected one of: {expected}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}

text_enum! {
    /// The input field a refusal of the store is about, named as the request (and the form
    /// that sends it) names it: the store knows the field where it validates, so nobody
    /// downstream has to read it out of the message. One name may serve several forms (`note`,
    /// `name`); the form that sent the request knows which of its fields is meant.
    pub enum Field {
        // candidates (and the case opened with one)
        ExternalId => "external_id",
        LegalName => "legal_name",
        OtherNames => "other_names",
        Emails => "emails",
        Phones => "phones",
        HomeAddress => "home_address",
        ShippingAddress => "shipping_address",
        ClaimedLocation => "claimed_location",
        TimeZone => "time_zone",
        Role => "role",
        VendorId => "vendor_id",
        AppliedOn => "applied_on",
        ApplicationIp => "application_ip",
        Assignee => "assignee",
        // users and vendors
        Name => "name",
        DisplayName => "display_name",
        Contact => "contact",
        AttestationNote => "attestation_note",
        LastAuditOn => "last_audit_on",
        // cases, checklist, notes, evidence
        Reason => "reason",
        Decision => "decision",
        ItemId => "item_id",
        Note => "note",
        Text => "text",
        Evidence => "evidence",
        OriginalName => "original_name",
        Description => "description",
        // identity documents
        IssuingCountry => "issuing_country",
        Number => "number",
        HolderName => "holder_name",
        BirthDate => "birth_date",
        ExpiryDate => "expiry_date",
        Mrz => "mrz",
        // interviews and reachable hours
        HeldOn => "held_on",
        StartedAt => "started_at",
        Interviewer => "interviewer",
        CameraOnThroughout => "camera_on_throughout",
        Screenshots => "screenshots",
        To => "to",
        // E-Verify
        Prerequisites => "prerequisites",
        CaseNumber => "case_number",
        CreatedOn => "created_on",
        Agency => "agency",
        MismatchOn => "mismatch_on",
        NoticeGivenOn => "notice_given_on",
        DecisionRecordedOn => "decision_recorded_on",
        EmployeeContests => "employee_contests",
        ReferredOn => "referred_on",
        AgencyContactedOn => "agency_contacted_on",
        ContinuanceSince => "continuance_since",
        FollowedUpOn => "followed_up_on",
        // references
        Email => "email",
        Phone => "phone",
        Relationship => "relationship",
        Company => "company",
        // payment details
        RoutingNumber => "routing_number",
        AccountNumber => "account_number",
        BankName => "bank_name",
        AccountHolder => "account_holder",
        // observed IPs and vendor audits
        Ip => "ip",
        SeenAt => "seen_at",
        AuditedOn => "audited_on",
        // indicator lists
        ListName => "list_name",
        File => "file",
        Pattern => "pattern",
        Label => "label",
    }
}
