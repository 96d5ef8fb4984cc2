//! Verification records: identity documents, interviews, E-Verify cases, references, payment
//! details, observed IP addresses, vendor audits, indicator lists and the red flags raised on a
//! case. These are the types that changes carry, the store returns and the desktop app shows
//! (TypeScript types are generated from them); the checks that judge them live in `checks`.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::text_enum;
use crate::model::{CandidateId, CaseId, CaseStatus, Decision, EvidenceId, Timestamp, VendorId};
use crate::source::Source;

pub type DocumentId = i64;
pub type InterviewId = i64;
pub type EVerifyId = i64;
pub type ReferenceId = i64;
pub type PaymentId = i64;
pub type ObservedIpId = i64;
pub type VendorAuditId = i64;
pub type IpListId = i64;
pub type VoipEntryId = i64;
pub type VpnProviderId = i64;
pub type FlagId = i64;

// ---- identity documents ----

text_enum! {
    pub enum DocumentKind {
        Passport => "passport",
        NationalId => "national_id",
        DriverLicence => "driver_licence",
        ResidencePermit => "residence_permit",
        Other => "other",
    }
}

/// One identity document as the reviewer typed it from the document (and, when the document
/// has one, its machine-readable zone as read).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentFields {
    pub kind: DocumentKind,
    /// Issuing state as printed: a three-letter ICAO code (`USA`, `D`, `UTO`) or ISO alpha-2.
    pub issuing_country: String,
    pub number: String,
    pub holder_name: String,
    pub birth_date: Option<NaiveDate>,
    pub expiry_date: Option<NaiveDate>,
    /// The machine-readable zone, one line per line; absent for documents without one.
    pub mrz: Option<String>,
    /// Scans of the front and back, as evidence of the same case.
    pub front_evidence: Option<EvidenceId>,
    pub back_evidence: Option<EvidenceId>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IdentityDocument {
    pub id: DocumentId,
    pub case_id: CaseId,
    #[serde(flatten)]
    pub fields: DocumentFields,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    pub updated_at: Timestamp,
}

// ---- interviews ----

text_enum! {
    /// Whether the identity document held to the camera matched the face and name on the call.
    pub enum IdMatch {
        Yes => "yes",
        No => "no",
        Unclear => "unclear",
        /// No document was held to the camera.
        NotShown => "not_shown",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InterviewFields {
    pub held_on: NaiveDate,
    /// When the call started, if known: used to compare with the candidate's claimed time zone.
    pub started_at: Option<Timestamp>,
    pub interviewer: String,
    /// The candidate's camera was on for the whole call.
    pub camera_on_throughout: bool,
    /// The candidate refused video outright.
    pub refused_video: bool,
    /// The candidate asked for (or only joined) audio.
    pub audio_only: bool,
    pub id_match: IdMatch,
    /// Liveness prompts were done (hand passed in front of the face, background shown …).
    pub liveness_done: bool,
    /// The answers about where the candidate is were consistent; `None` when not asked.
    pub location_consistent: Option<bool>,
    /// Screenshots of the call, as evidence of the same case.
    pub screenshots: Vec<EvidenceId>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Interview {
    pub id: InterviewId,
    pub case_id: CaseId,
    #[serde(flatten)]
    pub fields: InterviewFields,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// The hours at which the candidate says (or was seen to be) reachable, in a named time zone.
/// `from` after `to` means the window runs past midnight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReachableHours {
    #[ts(type = "string")]
    pub from: NaiveTime,
    #[ts(type = "string")]
    pub to: NaiveTime,
    /// IANA time zone the hours are given in, e.g. `America/Chicago`.
    pub time_zone: String,
}

// ---- E-Verify ----

text_enum! {
    /// E-Verify case results, as the E-Verify User Manual names them.
    pub enum EVerifyStatus {
        EmploymentAuthorized => "employment_authorized",
        /// "E-Verify Needs More Time".
        NeedsMoreTime => "needs_more_time",
        /// Tentative Nonconfirmation (Mismatch), with DHS, SSA or both (see `agency`).
        TentativeNonconfirmation => "tentative_nonconfirmation",
        CaseInContinuance => "case_in_continuance",
        CloseCaseAndResubmit => "close_case_and_resubmit",
        FinalNonconfirmation => "final_nonconfirmation",
        Closed => "closed",
    }
}

impl EVerifyStatus {
    /// A result after which E-Verify has nothing more to say on the case. Adverse action may
    /// rest on a final nonconfirmation only; every other non-final result is still open.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            EVerifyStatus::EmploymentAuthorized
                | EVerifyStatus::FinalNonconfirmation
                | EVerifyStatus::Closed
        )
    }
}

text_enum! {
    /// The agency whose records did not match.
    pub enum MismatchAgency {
        Dhs => "dhs",
        Ssa => "ssa",
        Both => "both",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EVerifyFields {
    /// As E-Verify shows it; checked only for emptiness and characters.
    pub case_number: String,
    pub created_on: NaiveDate,
    pub status: EVerifyStatus,
    /// With a tentative nonconfirmation: DHS, SSA or both.
    pub agency: Option<MismatchAgency>,
    /// The day E-Verify issued the mismatch result.
    pub mismatch_on: Option<NaiveDate>,
    /// The day the employer gave the employee the Further Action Notice.
    pub notice_given_on: Option<NaiveDate>,
    /// The day the employee's decision (take action or not) was recorded.
    pub decision_recorded_on: Option<NaiveDate>,
    /// Whether the employee chose to take action (contest).
    pub employee_contests: Option<bool>,
    /// The referral date on the Referral Date Confirmation.
    pub referred_on: Option<NaiveDate>,
    /// The day the employee contacted SSA or DHS.
    pub agency_contacted_on: Option<NaiveDate>,
    /// The day the case went into continuance.
    pub continuance_since: Option<NaiveDate>,
    /// The day the employer contacted E-Verify about a long continuance.
    pub followed_up_on: Option<NaiveDate>,
    /// Case details, notices and confirmations, as evidence of the same case.
    pub evidence: Vec<EvidenceId>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EVerifyCase {
    pub id: EVerifyId,
    pub case_id: CaseId,
    #[serde(flatten)]
    pub fields: EVerifyFields,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    pub updated_at: Timestamp,
}

// ---- references ----

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReferenceFields {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// How the reference knows the candidate, e.g. "former manager".
    pub relationship: String,
    /// The company the reference speaks for, when they give one.
    pub company: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Reference {
    pub id: ReferenceId,
    pub case_id: CaseId,
    #[serde(flatten)]
    pub fields: ReferenceFields,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
    pub updated_at: Timestamp,
}

// ---- payment details ----

/// Bank details as stored: masked, and a keyed hash that lets two records be compared without
/// the numbers being readable from the database, the audit log or an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentFields {
    pub bank_name: Option<String>,
    pub account_holder: Option<String>,
    /// e.g. `•••••0021`: only the last four digits.
    pub routing_masked: String,
    /// e.g. `••••6789`: only the last four digits.
    pub account_masked: String,
    /// HMAC-SHA256 of routing and account number under the data directory's secret key, hex.
    pub account_hash: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaymentRecord {
    pub id: PaymentId,
    pub case_id: CaseId,
    #[serde(flatten)]
    pub fields: PaymentFields,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// Bank details as typed, before masking. Never stored, logged or serialised: `Debug` hides
/// the numbers.
#[derive(Clone, Default)]
pub struct PaymentInput {
    pub routing_number: String,
    pub account_number: String,
    pub bank_name: Option<String>,
    pub account_holder: Option<String>,
    pub note: Option<String>,
}

impl std::fmt::Debug for PaymentInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentInput")
            .field("routing_number", &"<hidden>")
            .field("account_number", &"<hidden>")
            .field("bank_name", &self.bank_name)
            .finish_non_exhaustive()
    }
}

// ---- observed IP addresses ----

text_enum! {
    /// Where an address was seen.
    pub enum IpContext {
        Application => "application",
        Interview => "interview",
        OnboardingLogin => "onboarding_login",
        Login => "login",
        Other => "other",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ObservedIpFields {
    /// Canonical text form (IPv4-mapped IPv6 addresses are written as IPv4).
    pub ip: String,
    pub seen_at: Timestamp,
    pub context: IpContext,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ObservedIp {
    pub id: ObservedIpId,
    pub case_id: CaseId,
    #[serde(flatten)]
    pub fields: ObservedIpFields,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

// ---- staffing vendor audits ----

text_enum! {
    pub enum AuditOutcome {
        /// The vendor vets as our standard requires.
        Satisfactory => "satisfactory",
        /// Gaps found and agreed to be fixed.
        Findings => "findings",
        /// The vendor does not vet to our standard.
        Unsatisfactory => "unsatisfactory",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VendorAudit {
    pub id: VendorAuditId,
    pub vendor_id: VendorId,
    pub audited_on: NaiveDate,
    pub outcome: AuditOutcome,
    pub note: Option<String>,
    /// When the next audit is due: the audit date plus the configured interval.
    pub next_due: NaiveDate,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// Where a vendor stands with its audits on a given day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VendorAuditStatus {
    pub vendor_id: VendorId,
    pub screening_attested: bool,
    /// The latest audit: a recorded one, or the vendor's own `last_audit_on` if later.
    pub last_audit_on: Option<NaiveDate>,
    pub last_outcome: Option<AuditOutcome>,
    pub next_due: Option<NaiveDate>,
    pub overdue: bool,
    pub audits: Vec<VendorAudit>,
}

// ---- indicator lists ----

/// One row of an imported indicator list, carried in the import change as a compact
/// `[cidr, category, label]` triple (see `Change::ImportIpList` for why the rows are there).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IpListRow(pub String, pub String, pub String);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IpList {
    pub id: IpListId,
    pub name: String,
    /// Name of the file it was imported from.
    pub file_name: String,
    /// SHA-256 of the imported file, as it was read.
    pub file_sha256: String,
    pub entries: u32,
    pub imported_by: String,
    pub imported_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VoipEntry {
    pub id: VoipEntryId,
    /// `+` and digits.
    pub e164: String,
    /// Matches every number starting with `e164` rather than that number only.
    pub prefix: bool,
    pub label: String,
    pub added_by: String,
    pub added_at: Timestamp,
}

/// A VPN provider known by name: an indicator range whose label names it counts as a VPN
/// whatever category its list gave it (hosting ranges of VPN exit providers, typically).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VpnProvider {
    pub id: VpnProviderId,
    pub name: String,
    pub note: Option<String>,
    pub added_by: String,
    pub added_at: Timestamp,
}

// ---- red flags ----

text_enum! {
    pub enum Severity {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

text_enum! {
    /// A person's reading of an open red flag, recorded in the case's chain.
    pub enum Triage {
        /// Seen and being dealt with; the facts are not disputed.
        Acknowledged => "acknowledged",
        /// The rule fired on facts that do not mean what it assumes; needs a reason.
        FalsePositive => "false_positive",
        /// The facts hold and count against the candidate: grounds for a rejection.
        Confirmed => "confirmed",
    }
}

/// A red flag as a rule raised it: what, why, on what authority, and on which facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlagFields {
    /// Stable rule id, e.g. `phone.shared`; see `checks::flags::CATALOGUE`.
    pub rule: String,
    /// What the flag is about within the case (a document, a phone number …), so that one rule
    /// can raise several flags on one case; empty when the rule applies to the case as a whole.
    pub subject: String,
    pub severity: Severity,
    pub title: String,
    /// Why this matters, in our words.
    pub why: String,
    pub source: Source,
    /// The facts that raised it, one sentence each.
    pub facts: Vec<String>,
    /// Evidence of the case the facts rest on.
    pub evidence: Vec<EvidenceId>,
    /// Other candidates the facts involve.
    pub candidates: Vec<CandidateId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Flag {
    pub id: FlagId,
    pub case_id: CaseId,
    #[serde(flatten)]
    pub fields: FlagFields,
    pub raised_at: Timestamp,
    /// The rule that raised it (`rule phone.shared`): flags are raised by rules, not by the
    /// person whose change set the rule off (the audit record names that person).
    pub raised_by: String,
    pub cleared_at: Option<Timestamp>,
    pub cleared_by: Option<String>,
    pub cleared_reason: Option<String>,
    /// The latest triage by a person, when there is one.
    pub triage: Option<Triage>,
    pub triage_reason: Option<String>,
    pub triaged_by: Option<String>,
    pub triaged_at: Option<Timestamp>,
}

impl Flag {
    /// Whether the flag counts towards the risk score and the decision gate: open and not
    /// read as a false positive by a person.
    pub fn counts(&self) -> bool {
        self.cleared_at.is_none() && self.triage != Some(Triage::FalsePositive)
    }
}

/// Who a flag raised or cleared by the engine is attributed to.
pub fn rule_actor(rule: &str) -> String {
    format!("rule {rule}")
}

text_enum! {
    pub enum RiskBand {
        None => "none",
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

/// A case's risk from its open flags (formula on `checks::flags::risk_score`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RiskScore {
    /// 0 to 100.
    pub score: u8,
    pub band: RiskBand,
    pub open_flags: u32,
    pub low: u32,
    pub medium: u32,
    pub high: u32,
    pub critical: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseFlags {
    pub case_id: CaseId,
    pub risk: RiskScore,
    /// Open flags, most severe first.
    pub open: Vec<Flag>,
    /// Flags that no longer hold, newest first.
    pub cleared: Vec<Flag>,
    /// The rules, evaluated today, would raise or clear flags (time has passed since the last
    /// change: an expiry or a deadline came due). `Store::refresh_flags` records the update.
    pub refresh_due: bool,
}

// ---- links between candidates ----

text_enum! {
    /// The kinds of normalised identifier that link candidates.
    pub enum LinkKind {
        Phone => "phone",
        Email => "email",
        Address => "address",
        BankAccount => "bank_account",
        Ip => "ip",
    }
}

text_enum! {
    /// Where on a candidate's record an identifier sits.
    pub enum LinkRole {
        Phone => "phone",
        Email => "email",
        HomeAddress => "home_address",
        ShippingAddress => "shipping_address",
        ApplicationIp => "application_ip",
        ObservedIp => "observed_ip",
        BankAccount => "bank_account",
        ReferenceEmail => "reference_email",
        ReferencePhone => "reference_phone",
    }
}

impl LinkRole {
    pub fn is_reference(self) -> bool {
        matches!(self, LinkRole::ReferenceEmail | LinkRole::ReferencePhone)
    }
    pub fn label(self) -> &'static str {
        match self {
            LinkRole::Phone => "phone",
            LinkRole::Email => "email",
            LinkRole::HomeAddress => "home address",
            LinkRole::ShippingAddress => "shipping address",
            LinkRole::ApplicationIp => "application IP",
            LinkRole::ObservedIp => "observed IP",
            LinkRole::BankAccount => "bank account",
            LinkRole::ReferenceEmail => "reference's email",
            LinkRole::ReferencePhone => "reference's phone",
        }
    }
}

/// One identifier two candidates share.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct SharedIdentifier {
    pub kind: LinkKind,
    /// The normalised value as shown (a bank account is shown masked, never by its hash).
    pub value: String,
    /// Where it sits on this case's candidate, and on the other one.
    pub ours: LinkRole,
    pub theirs: LinkRole,
    /// The reference, payment or IP record on each side, when the value comes from one.
    pub our_record: Option<i64>,
    pub their_record: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LinkedCase {
    pub case_id: CaseId,
    pub status: CaseStatus,
    /// The decision, once the case was decided (a rejected or referred candidate matters most
    /// to whoever shares their identifiers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub decision: Option<Decision>,
}

/// Everyone joined to a case's candidate by shared identifiers, directly or through others
/// (a phone shared with B, who shares a mail drop with C): the group an investigator works as
/// one, nearest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Cluster {
    pub case_id: CaseId,
    /// The case's own candidate first (hops 0), then by hops and id.
    pub members: Vec<ClusterMember>,
    /// The walk stopped at [`Cluster::MAX_MEMBERS`]; more candidates are joined.
    pub truncated: bool,
}

impl Cluster {
    /// Most candidates a cluster lists.
    pub const MAX_MEMBERS: usize = 200;
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClusterMember {
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    /// Links between this candidate and the case's candidate.
    #[ts(type = "number")]
    pub hops: u32,
    pub cases: Vec<LinkedCase>,
    /// The candidate one hop nearer, through which this one was found (none for the case's own).
    pub joined_to: Option<CandidateId>,
    /// What this candidate shares with that one.
    pub through: Vec<ClusterTie>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct ClusterTie {
    pub kind: LinkKind,
    /// As shown (a bank account masked, never by its hash).
    pub value: String,
}

/// Another candidate sharing something with a case's candidate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Link {
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    /// Their cases, to click through to.
    pub cases: Vec<LinkedCase>,
    pub shared: Vec<SharedIdentifier>,
}
