//! The domain model: what a case, a candidate, a vendor and their records are.
//! These types are read from the store and sent to the front end (TypeScript types are
//! generated from them with ts-rs); writes are expressed as `Change` values instead.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type UserId = i64;
pub type VendorId = i64;
pub type CandidateId = i64;
pub type CaseId = i64;
pub type NoteId = i64;
pub type EvidenceId = i64;

/// A point in time, always UTC, always written with millisecond precision
/// (`2026-11-24T09:30:00.000Z`) so that its text form is stable and sorts as it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[ts(type = "string")]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    pub fn from_datetime(at: DateTime<Utc>) -> Self {
        // Truncate to milliseconds: the text form is the canonical one.
        let millis = at.timestamp_millis();
        Timestamp(DateTime::from_timestamp_millis(millis).unwrap_or(at))
    }
    pub fn now() -> Self {
        Self::from_datetime(Utc::now())
    }
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }
    pub fn date(&self) -> NaiveDate {
        self.0.date_naive()
    }
    /// As people read it, `2026-11-24 09:30:05 UTC`: in messages and reports, where the stored
    /// form's `T`, milliseconds and `Z` are noise, and a reader in another time zone must not
    /// have it shifted silently.
    pub fn readable(&self) -> String {
        self.0.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl FromStr for Timestamp {
    type Err = chrono::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_datetime(DateTime::parse_from_rfc3339(s)?.with_timezone(&Utc)))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Declares a closed set of values that travel as snake_case strings in JSON, in the database
/// and on the command line, with a parser that names the accepted values when it refuses one.
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize, ::ts_rs::TS)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }


        impl ::std::str::FromStr for $name {
            type Err = crate::error::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
                $name::ALL.iter().copied().find(|v| v.as_str() == wanted).ok_or_else(|| {
                    crate::error::UnknownValue {
                        what: stringify!($name),
                        given: s.to_string(),
                        expected: $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "),
                    }
                })
            }
        }
    };
}
pub(crate) use text_enum;

text_enum! {
    /// What a local user may do is decided by their role (see `Role::may`).
    pub enum Role {
        Reviewer => "reviewer",
        Investigator => "investigator",
        Compliance => "compliance",
        Admin => "admin",
    }
}

text_enum! {
    pub enum CaseKind {
        /// Vetting before an offer and through onboarding.
        PreHire => "pre_hire",
        /// Periodic re-verification of someone already working.
        Reverification => "reverification",
        /// An investigation opened on a suspicion or a tip.
        Investigation => "investigation",
        /// Watching a hired worker's sign-in and device telemetry (`vetdesk hire`).
        Monitoring => "monitoring",
    }
}

text_enum! {
    pub enum CaseStatus {
        Open => "open",
        InReview => "in_review",
        Escalated => "escalated",
        Decided => "decided",
        Closed => "closed",
    }
}

text_enum! {
    pub enum Decision {
        Cleared => "cleared",
        Rejected => "rejected",
        /// Referred to law enforcement (FBI / IC3).
        Referred => "referred",
    }
}

text_enum! {
    /// The retention rule a person's records are kept under (`checks::retention`), each from
    /// a public source.
    pub enum RetentionRule {
        /// Hired: Form I-9, the later of 3 years after the start date or 1 year after the
        /// employment ended (8 CFR 274a.2(b)(2)(i)(A)).
        FormI9 => "form_i9",
        /// Not hired: the configured period after the decision, never below 1 year
        /// (EEOC, 29 CFR 1602.14).
        NotHired => "not_hired",
        /// Referred to law enforcement: kept until the referral is released, then the
        /// not-hired period runs from the release.
        Referral => "referral",
    }
}

text_enum! {
    pub enum Priority {
        Low => "low",
        Normal => "normal",
        High => "high",
        Urgent => "urgent",
    }
}

text_enum! {
    pub enum ItemResult {
        Pending => "pending",
        Pass => "pass",
        Fail => "fail",
        NotApplicable => "not_applicable",
        /// Deliberately not done; needs a reason.
        Waived => "waived",
    }
}

impl ItemResult {
    /// Whether the item no longer needs work.
    pub fn is_done(&self) -> bool {
        !matches!(self, ItemResult::Pending)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct User {
    pub id: UserId,
    /// Login-style name, unique; this is what `--as` and audit records use.
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: Timestamp,
    /// An admin requires a password before this user is chosen as the acting user in the app.
    #[serde(default)]
    pub switch_password: bool,
}

/// A staffing agency or subcontractor that supplies candidates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Vendor {
    pub id: VendorId,
    #[serde(flatten)]
    pub fields: VendorFields,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The editable part of a vendor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VendorFields {
    pub name: String,
    /// Contact person, email, phone: free text.
    pub contact: String,
    /// The vendor attests that it verifies identity to our standard.
    pub screening_attested: bool,
    pub attestation_note: Option<String>,
    pub last_audit_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Candidate {
    pub id: CandidateId,
    #[serde(flatten)]
    pub fields: CandidateFields,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The editable part of a candidate, as an HR reviewer or an applicant-tracking export gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CandidateFields {
    /// Identifier in the applicant-tracking system; unique when present.
    pub external_id: Option<String>,
    pub legal_name: String,
    pub other_names: Vec<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub home_address: Option<String>,
    /// Where company equipment is to be shipped.
    pub shipping_address: Option<String>,
    pub claimed_location: Option<String>,
    /// IANA time zone the candidate says they work from, e.g. `America/Chicago`.
    pub time_zone: Option<String>,
    /// The role applied for.
    pub role: Option<String>,
    pub vendor_id: Option<VendorId>,
    pub applied_on: Option<NaiveDate>,
    /// IP address the application came from, when the applicant-tracking system recorded it.
    pub application_ip: Option<String>,
}

/// One field of a candidate as it was and as it became, each shown as text (lists joined with
/// "; ", an absent value empty): what a correction or an import changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldChange {
    pub field: Field,
    pub before: String,
    pub after: String,
}

impl CandidateFields {
    /// The fields that differ from `self` in `new`, in the order of the form.
    pub fn changes(&self, new: &CandidateFields) -> Vec<FieldChange> {
        fn opt<T: ToString>(v: &Option<T>) -> String {
            v.as_ref().map(T::to_string).unwrap_or_default()
        }
        let pairs = [
            (Field::ExternalId, opt(&self.external_id), opt(&new.external_id)),
            (Field::LegalName, self.legal_name.clone(), new.legal_name.clone()),
            (Field::OtherNames, self.other_names.join("; "), new.other_names.join("; ")),
            (Field::Emails, self.emails.join("; "), new.emails.join("; ")),
            (Field::Phones, self.phones.join("; "), new.phones.join("; ")),
            (Field::HomeAddress, opt(&self.home_address), opt(&new.home_address)),
            (Field::ShippingAddress, opt(&self.shipping_address), opt(&new.shipping_address)),
            (Field::ClaimedLocation, opt(&self.claimed_location), opt(&new.claimed_location)),
            (Field::TimeZone, opt(&self.time_zone), opt(&new.time_zone)),
            (Field::Role, opt(&self.role), opt(&new.role)),
            (Field::VendorId, opt(&self.vendor_id), opt(&new.vendor_id)),
            (Field::AppliedOn, opt(&self.applied_on), opt(&new.applied_on)),
            (Field::ApplicationIp, opt(&self.application_ip), opt(&new.application_ip)),
        ];
        pairs
            .into_iter()
            .filter(|(_, before, after)| before != after)
            .map(|(field, before, after)| FieldChange { field, before, after })
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Case {
    pub id: CaseId,
    pub candidate_id: CandidateId,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub decision: Option<Decision>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
    pub assignee: Option<String>,
    pub priority: Priority,
    /// When the case should be decided by (e.g. before the planned start date).
    pub due_on: Option<NaiveDate>,
    pub template_id: String,
    pub template_version: u32,
    pub opened_by: String,
    pub opened_at: Timestamp,
    pub updated_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

/// The state of one checklist item of one case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemState {
    pub item_id: String,
    pub result: ItemResult,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<Timestamp>,
    /// Evidence records this result rests on.
    pub evidence: Vec<EvidenceId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Note {
    pub id: NoteId,
    pub case_id: CaseId,
    pub author: String,
    pub created_at: Timestamp,
    pub text: String,
}

/// A file attached to a case. The bytes live once under their SHA-256 in the data directory;
/// the same file attached twice gives two records and one stored file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Evidence {
    pub id: EvidenceId,
    pub case_id: CaseId,
    pub sha256: String,
    #[ts(type = "number")]
    pub size: u64,
    pub original_name: String,
    /// Detected from the content, not from the name.
    pub media_type: String,
    pub description: Option<String>,
    /// The checklist item this evidence supports, if any.
    pub item_id: Option<String>,
    pub added_by: String,
    pub added_at: Timestamp,
    /// Whether a thumbnail could be made (images only).
    pub has_thumbnail: bool,
    /// What was noticed on ingest, e.g. a file named `.jpg` that is not an image.
    pub ingest_note: Option<String>,
    /// The SHA-256 of the preview made at ingest, when one was made and recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub thumbnail_sha256: Option<String>,
}

/// Which audit chain a record belongs to: one per case, and one for everything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind", content = "case_id")]
pub enum Chain {
    Global,
    Case(CaseId),
}

impl fmt::Display for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Chain::Global => f.write_str("global"),
            Chain::Case(id) => write!(f, "case {id}"),
        }
    }
}

/// One record of the tamper-evident audit trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditRecord {
    /// Position in the whole log (all chains), the order changes were applied in.
    pub id: i64,
    pub chain: Chain,
    /// Position in its chain, from 1.
    pub seq: i64,
    pub at: Timestamp,
    pub actor: String,
    /// The change as applied, with every id it created filled in.
    #[ts(type = "Record<string, unknown>")]
    pub change: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash a chain starts from.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
        // policy
        Value => "value",
        Password => "password",
        // cases, checklist, notes, evidence
        Reason => "reason",
        Decision => "decision",
        Grounds => "grounds",
        OverrideReason => "override_reason",
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
        // hired workers
        Accounts => "accounts",
        Devices => "devices",
        StartOn => "start_on",
        TerminatedOn => "terminated_on",
        PrehireCase => "prehire_case",
        Format => "format",
        // monitoring alerts
        Case => "case",
        Flag => "flag",
    }
}
