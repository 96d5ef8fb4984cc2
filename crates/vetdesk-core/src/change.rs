//! Changes: the only way anything in the store is written. A caller builds a `Change` and hands
//! it to `Store::apply`, which validates it, fills in the ids it creates, writes the new state
//! and appends the change as applied to the audit chain, all in one transaction. `verify`
//! replays the recorded changes to prove the tables still say what the log says.

use crate::checkpoint::SignedCheckpoint;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::employees::{EmployeeId, HireFields, TelemetryImportId, VettingAtHire};
use crate::model::{
    CandidateFields, CandidateId, CaseId, CaseKind, CaseStatus, Chain, Decision, EvidenceId,
    FieldChange, ItemResult, NoteId, Priority, RetentionRule, Role, UserId, VendorFields, VendorId,
};
use crate::verification::{
    AuditOutcome, DocumentFields, DocumentId, EVerifyFields, EVerifyId, FlagFields, FlagId,
    InterviewFields, InterviewId, IpListId, IpListRow, ObservedIpFields, ObservedIpId,
    PaymentFields, PaymentId, ReachableHours, ReferenceFields, ReferenceId, Triage, VendorAuditId,
    VoipEntryId, VpnProviderId,
};

/// One change. Ids marked "filled in" are `None` when a caller submits the change and always
/// `Some` in the change as recorded in the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// Adds a local user. The very first user of a data directory adds themself and must be
    /// an admin; after that only admins add users.
    AddUser {
        /// Filled in.
        id: Option<UserId>,
        name: String,
        display_name: String,
        role: Role,
    },
    SetUserRole {
        name: String,
        role: Role,
    },
    SetUserActive {
        name: String,
        active: bool,
    },
    /// Requires a password before `name` is chosen as the acting user in the app (a shared
    /// desktop), or with `None` no longer does. Only the Argon2id hash is recorded
    /// (`vetdesk_crypto::hash_password`); the store refuses anything else.
    SetSwitchPassword {
        name: String,
        password_hash: Option<String>,
    },
    AddVendor {
        /// Filled in.
        id: Option<VendorId>,
        vendor: VendorFields,
    },
    /// Replaces every editable field of a vendor.
    UpdateVendor {
        id: VendorId,
        vendor: VendorFields,
    },
    AddCandidate {
        /// Filled in.
        id: Option<CandidateId>,
        candidate: CandidateFields,
    },
    /// Replaces every editable field of a candidate.
    UpdateCandidate {
        id: CandidateId,
        candidate: CandidateFields,
    },
    /// Opens a case with a checklist from a template (the newest version unless given).
    OpenCase {
        /// Filled in.
        id: Option<CaseId>,
        candidate_id: CandidateId,
        kind: CaseKind,
        assignee: Option<String>,
        priority: Priority,
        due_on: Option<NaiveDate>,
        /// Filled in with the newest version of the default template when not given.
        template: Option<TemplateRef>,
    },
    AssignCase {
        case_id: CaseId,
        assignee: Option<String>,
    },
    SetPriority {
        case_id: CaseId,
        priority: Priority,
    },
    SetDueDate {
        case_id: CaseId,
        due_on: Option<NaiveDate>,
    },
    /// Moves a case along its life cycle; `decision` is given exactly when the new status is
    /// `decided`. Every status change needs a reason. A rejection or referral cites its
    /// grounds (failed items, open flags); a decision the gate refuses may be made by
    /// compliance with `override_reason`, recorded here as an override.
    SetStatus {
        case_id: CaseId,
        status: CaseStatus,
        decision: Option<Decision>,
        reason: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(optional, as = "Option<Vec<Ground>>")]
        grounds: Vec<Ground>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        override_reason: Option<String>,
    },
    /// Records the result of one checklist item, replacing the previous one. `waived` needs
    /// the reason in `note`.
    RecordResult {
        case_id: CaseId,
        item_id: String,
        result: ItemResult,
        note: Option<String>,
        /// Evidence of the same case this result rests on.
        evidence: Vec<EvidenceId>,
    },
    /// Records a file that is already stored under its SHA-256 as evidence of a case.
    AttachEvidence {
        /// Filled in.
        id: Option<EvidenceId>,
        case_id: CaseId,
        file: StoredFile,
        original_name: String,
        description: Option<String>,
        item_id: Option<String>,
    },
    AddNote {
        /// Filled in.
        id: Option<NoteId>,
        case_id: CaseId,
        text: String,
    },
    /// A person's reading of an open red flag; `false_positive` needs the reason.
    TriageFlag {
        case_id: CaseId,
        flag_id: FlagId,
        triage: Triage,
        reason: Option<String>,
    },

    // ---- verification records (see `crate::verification`) ----
    /// Records an identity document of the case's candidate.
    RecordDocument {
        /// Filled in.
        id: Option<DocumentId>,
        case_id: CaseId,
        document: DocumentFields,
    },
    /// Replaces every field of a document (a correction).
    UpdateDocument {
        id: DocumentId,
        case_id: CaseId,
        document: DocumentFields,
    },
    RecordInterview {
        /// Filled in.
        id: Option<InterviewId>,
        case_id: CaseId,
        interview: InterviewFields,
    },
    /// Sets (or with `None` removes) the hours at which the candidate is reachable.
    SetReachableHours {
        case_id: CaseId,
        hours: Option<ReachableHours>,
    },
    /// Records an E-Verify case; refused until `offer-accepted` and `form-i9-complete` passed.
    RecordEVerify {
        /// Filled in.
        id: Option<EVerifyId>,
        case_id: CaseId,
        everify: EVerifyFields,
    },
    /// Replaces every field of an E-Verify case: a new result, notice or referral date.
    UpdateEVerify {
        id: EVerifyId,
        case_id: CaseId,
        everify: EVerifyFields,
    },
    AddReference {
        /// Filled in.
        id: Option<ReferenceId>,
        case_id: CaseId,
        reference: ReferenceFields,
    },
    UpdateReference {
        id: ReferenceId,
        case_id: CaseId,
        reference: ReferenceFields,
    },
    /// Records bank details, already masked and hashed (`Store::record_payment` does that from
    /// the typed numbers, which never enter a change).
    RecordPayment {
        /// Filled in.
        id: Option<PaymentId>,
        case_id: CaseId,
        payment: PaymentFields,
    },
    RecordObservedIp {
        /// Filled in.
        id: Option<ObservedIpId>,
        case_id: CaseId,
        observed: ObservedIpFields,
    },
    /// Records an audit of a staffing vendor's hiring practices.
    RecordVendorAudit {
        /// Filled in.
        id: Option<VendorAuditId>,
        vendor_id: VendorId,
        audited_on: NaiveDate,
        outcome: AuditOutcome,
        note: Option<String>,
        /// Filled in: the audit date plus the configured audit interval.
        next_due: Option<NaiveDate>,
    },
    /// Imports an indicator list of CIDR ranges, replacing the list of the same name.
    ///
    /// The rows travel in the change itself: `verify` rebuilds every table from the log alone,
    /// and a list kept only in a side file would make the ranges (and the flags raised from
    /// them) unprovable. The cost is size: about 40 bytes of canonical JSON per range, so a
    /// 100,000-range list is one ~4 MB audit record, hashed in a few milliseconds and replayed
    /// in well under a second; imports are rare and the log is the proof, so that is accepted.
    /// The store refuses lists over `MAX_IP_LIST_ROWS` (~20 MB) rather than let one record grow
    /// without bound; larger feeds are split into several named lists.
    ImportIpList {
        /// Filled in.
        id: Option<IpListId>,
        name: String,
        file_name: String,
        /// SHA-256 of the file as read, so the import can be matched to the file it came from.
        file_sha256: String,
        rows: Vec<IpListRow>,
    },
    RemoveIpList {
        name: String,
    },
    AddVpnProvider {
        /// Filled in.
        id: Option<VpnProviderId>,
        name: String,
        note: Option<String>,
    },
    RemoveVpnProvider {
        id: VpnProviderId,
    },
    /// Adds a number (or a `+digits*` prefix) to the user's VoIP list.
    AddVoipEntry {
        /// Filled in.
        id: Option<VoipEntryId>,
        /// As typed; filled in with its E.164 form (and `*` for a prefix).
        pattern: String,
        label: String,
    },
    RemoveVoipEntry {
        id: VoipEntryId,
    },
    /// A disclosure: case data left Vetdesk (a report or an audit pack exported) or evidence
    /// was opened for viewing. Recorded as HR systems log disclosures, so the case's own chain
    /// says who saw or took what, and when; it changes no state.
    RecordDisclosure {
        case_id: CaseId,
        what: Disclosure,
        /// What was disclosed, e.g. the file name written and the chain head it printed, or
        /// the evidence id viewed.
        detail: String,
    },
    /// A change of a candidate's details, recorded in the chain of each of their cases right
    /// after the `UpdateCandidate` (in the global chain) that made it, so that a case's own
    /// chain and report show every change to the person it is about. Applied only by the
    /// store itself.
    CandidateChanged {
        case_id: CaseId,
        candidate_id: CandidateId,
        changes: Vec<FieldChange>,
    },
    /// A red flag raised on a case. Applied only by the store itself, right after the change
    /// whose facts raised it, in the same transaction and as the same user.
    FlagRaised {
        /// Filled in.
        id: Option<FlagId>,
        case_id: CaseId,
        flag: FlagFields,
    },
    /// A red flag that no longer holds. Applied only by the store itself.
    FlagCleared {
        case_id: CaseId,
        flag_id: FlagId,
        reason: String,
    },
    // ---- after the hire (see `crate::employees`) ----
    /// Records that the candidate of a monitoring case was hired: start date, work accounts
    /// and company devices. Recorded in the monitoring case's chain; `Store::hire` opens that
    /// case and applies this in one transaction.
    Hire {
        /// Filled in.
        id: Option<EmployeeId>,
        case_id: CaseId,
        /// The pre-hire case; `None` for a current employee who never had one.
        prehire_case_id: Option<CaseId>,
        hire: HireFields,
        /// Filled in: where the pre-hire case stood at the hire.
        vetting: Option<VettingAtHire>,
    },
    /// Sets (or with `None` removes) a worker's termination date.
    SetTermination {
        case_id: CaseId,
        employee_id: EmployeeId,
        terminated_on: Option<NaiveDate>,
    },
    /// Records one telemetry file taken in. The events travel in the file, which is kept in
    /// the evidence folder under `file_sha256`; the store writes them in the same transaction
    /// (`Store::import_telemetry`), and `verify` checks their count per import against
    /// `added`.
    ImportTelemetry {
        /// Filled in.
        id: Option<TelemetryImportId>,
        file_name: String,
        format: vetdesk_telemetry::Format,
        file_sha256: String,
        #[ts(type = "number")]
        size: u64,
        #[ts(type = "number")]
        events: u64,
        #[ts(type = "number")]
        added: u64,
        #[ts(type = "number")]
        matched: u64,
        #[ts(type = "number")]
        unmatched: u64,
    },
    /// The organisation's signature over the store's root as it stood before this record
    /// (`vetdesk checkpoint`). Writes no table: it is read back from the global chain.
    RecordCheckpoint {
        checkpoint: SignedCheckpoint,
    },
    /// A policy value the rules read (`vetdesk policy set`), by compliance or an admin with a
    /// reason. Recorded so that a change of policy, and the flags it clears or raises, shows in
    /// the global chain with who and why, and replays; never read from an unrecorded file.
    SetPolicy {
        key: PolicyKey,
        #[ts(type = "number")]
        value: u32,
        reason: String,
    },
    // ---- retention (see `crate::checks::retention`) ----
    /// Erases a candidate whose retention period has ended (`vetdesk retention apply`, by
    /// compliance or an admin): every personal field in the tables is overwritten, their key
    /// is destroyed (so the personal fields sealed in their audit records no longer open),
    /// their evidence files are removed; the skeleton of their cases stays. Global chain.
    ErasePerson {
        candidate_id: CandidateId,
        rule: RetentionRule,
        /// The day the rule made the erasure due.
        due_on: NaiveDate,
        /// Filled in: the kept telemetry files that held records of the person (a hired
        /// worker), each written again without them; the import and any evidence naming the
        /// original now name the redacted copy, and the original is removed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        #[ts(optional, as = "Option<Vec<RedactedTelemetry>>")]
        telemetry: Vec<RedactedTelemetry>,
    },
    /// Puts a case on legal hold (nothing of its candidate is erased while it holds) or lifts
    /// the hold; compliance or an admin, with a reason.
    SetLegalHold {
        case_id: CaseId,
        held: bool,
        reason: String,
    },
    /// Records that law enforcement released a case referred to it: from that day the
    /// not-hired period runs. Compliance or an admin, with a reason.
    ReleaseReferral {
        case_id: CaseId,
        reason: String,
    },
    /// Records an access request answered: everything held about a candidate exported
    /// (`vetdesk person export`), by compliance or an admin. Global chain; writes no table.
    RecordPersonExport {
        candidate_id: CandidateId,
        /// The archive's file name and SHA-256.
        file_name: String,
        sha256: String,
    },
    // ---- adverse action under the FCRA (see `crate::store::adverse`) ----
    /// Records the pre-adverse-action notice given to the candidate (15 U.S.C. § 1681b(b)(3)):
    /// the notice, the copy of the consumer report and "A Summary of Your Rights Under the Fair
    /// Credit Reporting Act", each already attached to the case as evidence, and the agency
    /// that made the report. From then a rejection may cite the report once the waiting period
    /// is over. Case chain; writes no table (the chain is read back).
    RecordPreAdverseNotice {
        case_id: CaseId,
        agency: ReportingAgency,
        report: EvidenceId,
        summary_of_rights: EvidenceId,
        notice: EvidenceId,
        /// The day the notice was given: the day it is recorded.
        sent_on: NaiveDate,
        /// The waiting period in business days (`PolicyKey::AdverseActionWaitDays`).
        #[ts(type = "number")]
        wait_days: u32,
        /// The last business day of the wait: the adverse action may be taken after it.
        wait_ends_on: NaiveDate,
    },
    /// Records the adverse-action notice (15 U.S.C. § 1681m(a)), attached to the case as
    /// evidence, after the case was rejected citing the report. Case chain; writes no table.
    RecordAdverseNotice {
        case_id: CaseId,
        notice: EvidenceId,
        sent_on: NaiveDate,
    },
}

/// The consumer reporting agency that furnished a background report, as the notices name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportingAgency {
    pub name: String,
    pub address: String,
    pub phone: String,
}

/// What a rejection or referral rests on: a failed checklist item, an open red flag, or a
/// background-check (consumer) report, which may be cited only once the FCRA's pre-adverse
/// notice was given and its waiting period is over (`crate::store::adverse`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Ground {
    Item(String),
    Flag(FlagId),
    BackgroundReport,
}

crate::model::text_enum! {
    /// A policy value the rules read, set by `SetPolicy`.
    pub enum PolicyKey {
        /// How often staffing vendors are to be audited, in months (1 to 60, default 12): a
        /// vendor with no audit within it raises `vendor.audit_overdue` on its candidates' cases.
        VendorAuditIntervalMonths => "vendor_audit_interval_months",
        /// How often a hired worker's identity and location are re-verified, in months (1 to
        /// 24, default 6), counted from the start date: the due date of the monitoring case's
        /// `periodic-reverification` item; missing it raises `posthire.check_overdue`.
        ReverificationIntervalMonths => "reverification_interval_months",
        /// Four eyes on a clearance: 1 when whoever cleared a case may not also sign it off
        /// (0 or 1, default 0).
        FourEyesCleared => "four_eyes_cleared",
        /// Four eyes on a rejection (0 or 1, default 1).
        FourEyesRejected => "four_eyes_rejected",
        /// Four eyes on a referral to law enforcement (0 or 1, default 1).
        FourEyesReferred => "four_eyes_referred",
        /// The FCRA waiting period between the pre-adverse-action notice and a decision resting
        /// on a background report, in business days (1 to 30, default 5).
        AdverseActionWaitDays => "adverse_action_wait_days",
    }
}

impl PolicyKey {
    /// The value in force until a `SetPolicy` records another.
    pub fn default_value(self) -> u32 {
        match self {
            PolicyKey::VendorAuditIntervalMonths => 12,
            PolicyKey::ReverificationIntervalMonths => 6,
            PolicyKey::FourEyesCleared => 0,
            PolicyKey::FourEyesRejected | PolicyKey::FourEyesReferred => 1,
            PolicyKey::AdverseActionWaitDays => 5,
        }
    }

    /// The values allowed.
    pub fn range(self) -> std::ops::RangeInclusive<u32> {
        match self {
            PolicyKey::VendorAuditIntervalMonths => 1..=60,
            PolicyKey::ReverificationIntervalMonths => 1..=24,
            PolicyKey::FourEyesCleared
            | PolicyKey::FourEyesRejected
            | PolicyKey::FourEyesReferred => 0..=1,
            PolicyKey::AdverseActionWaitDays => 1..=30,
        }
    }

    /// The four-eyes key of a decision.
    pub fn four_eyes(decision: crate::model::Decision) -> PolicyKey {
        match decision {
            crate::model::Decision::Cleared => PolicyKey::FourEyesCleared,
            crate::model::Decision::Rejected => PolicyKey::FourEyesRejected,
            crate::model::Decision::Referred => PolicyKey::FourEyesReferred,
        }
    }
}

crate::model::text_enum! {
    /// What kind of disclosure a `RecordDisclosure` records.
    pub enum Disclosure {
        Report => "report",
        Pack => "pack",
        EvidenceView => "evidence_view",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TemplateRef {
    pub id: String,
    pub version: u32,
}

/// What the evidence store learnt about a file when it took it in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StoredFile {
    pub sha256: String,
    #[ts(type = "number")]
    pub size: u64,
    pub media_type: String,
    pub has_thumbnail: bool,
    pub ingest_note: Option<String>,
    /// The SHA-256 of the preview made at ingest (absent in records written before previews
    /// were hashed, which so keep their hashes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub thumbnail_sha256: Option<String>,
}

impl Change {
    /// The audit chain this change is recorded in.
    pub fn chain(&self) -> Chain {
        match self {
            Change::AddUser { .. }
            | Change::SetUserRole { .. }
            | Change::SetUserActive { .. }
            | Change::SetSwitchPassword { .. }
            | Change::AddVendor { .. }
            | Change::UpdateVendor { .. }
            | Change::AddCandidate { .. }
            | Change::UpdateCandidate { .. }
            | Change::RecordVendorAudit { .. }
            | Change::ImportIpList { .. }
            | Change::RemoveIpList { .. }
            | Change::AddVpnProvider { .. }
            | Change::RemoveVpnProvider { .. }
            | Change::AddVoipEntry { .. }
            | Change::RemoveVoipEntry { .. }
            | Change::RecordCheckpoint { .. }
            | Change::SetPolicy { .. }
            | Change::ErasePerson { .. }
            | Change::RecordPersonExport { .. }
            | Change::ImportTelemetry { .. } => Chain::Global,
            Change::OpenCase { id, .. } => id.map(Chain::Case).unwrap_or(Chain::Global),
            Change::AssignCase { case_id, .. }
            | Change::SetPriority { case_id, .. }
            | Change::SetDueDate { case_id, .. }
            | Change::SetStatus { case_id, .. }
            | Change::RecordResult { case_id, .. }
            | Change::AttachEvidence { case_id, .. }
            | Change::AddNote { case_id, .. }
            | Change::TriageFlag { case_id, .. }
            | Change::RecordDocument { case_id, .. }
            | Change::UpdateDocument { case_id, .. }
            | Change::RecordInterview { case_id, .. }
            | Change::SetReachableHours { case_id, .. }
            | Change::RecordEVerify { case_id, .. }
            | Change::UpdateEVerify { case_id, .. }
            | Change::AddReference { case_id, .. }
            | Change::UpdateReference { case_id, .. }
            | Change::RecordPayment { case_id, .. }
            | Change::RecordObservedIp { case_id, .. }
            | Change::CandidateChanged { case_id, .. }
            | Change::RecordDisclosure { case_id, .. }
            | Change::FlagRaised { case_id, .. }
            | Change::FlagCleared { case_id, .. }
            | Change::Hire { case_id, .. }
            | Change::SetLegalHold { case_id, .. }
            | Change::ReleaseReferral { case_id, .. }
            | Change::RecordPreAdverseNotice { case_id, .. }
            | Change::RecordAdverseNotice { case_id, .. }
            | Change::SetTermination { case_id, .. } => Chain::Case(*case_id),
        }
    }

    /// The id of the record a change writes (new or corrected), as the store filled it in;
    /// `None` for changes that are not about one record.
    pub fn record_id(&self) -> Option<i64> {
        match self {
            Change::AddUser { id, .. }
            | Change::AddVendor { id, .. }
            | Change::AddCandidate { id, .. }
            | Change::OpenCase { id, .. }
            | Change::AttachEvidence { id, .. }
            | Change::AddNote { id, .. }
            | Change::RecordDocument { id, .. }
            | Change::RecordInterview { id, .. }
            | Change::RecordEVerify { id, .. }
            | Change::AddReference { id, .. }
            | Change::RecordPayment { id, .. }
            | Change::RecordObservedIp { id, .. }
            | Change::RecordVendorAudit { id, .. }
            | Change::ImportIpList { id, .. }
            | Change::AddVpnProvider { id, .. }
            | Change::AddVoipEntry { id, .. }
            | Change::Hire { id, .. }
            | Change::ImportTelemetry { id, .. } => *id,
            Change::UpdateVendor { id, .. }
            | Change::UpdateCandidate { id, .. }
            | Change::UpdateDocument { id, .. }
            | Change::UpdateEVerify { id, .. }
            | Change::UpdateReference { id, .. }
            | Change::RemoveVpnProvider { id }
            | Change::RemoveVoipEntry { id } => Some(*id),
            _ => None,
        }
    }

    /// Changes only the store applies, as consequences of others; refused from callers.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            Change::CandidateChanged { .. }
                | Change::FlagRaised { .. }
                | Change::FlagCleared { .. }
        )
    }

    /// Short name of the kind of change, as recorded in the `type` field.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::AddUser { .. } => "add_user",
            Change::SetUserRole { .. } => "set_user_role",
            Change::SetUserActive { .. } => "set_user_active",
            Change::SetSwitchPassword { .. } => "set_switch_password",
            Change::AddVendor { .. } => "add_vendor",
            Change::UpdateVendor { .. } => "update_vendor",
            Change::AddCandidate { .. } => "add_candidate",
            Change::UpdateCandidate { .. } => "update_candidate",
            Change::OpenCase { .. } => "open_case",
            Change::AssignCase { .. } => "assign_case",
            Change::SetPriority { .. } => "set_priority",
            Change::SetDueDate { .. } => "set_due_date",
            Change::SetStatus { .. } => "set_status",
            Change::RecordResult { .. } => "record_result",
            Change::AttachEvidence { .. } => "attach_evidence",
            Change::AddNote { .. } => "add_note",
            Change::TriageFlag { .. } => "triage_flag",
            Change::RecordDocument { .. } => "record_document",
            Change::UpdateDocument { .. } => "update_document",
            Change::RecordInterview { .. } => "record_interview",
            Change::SetReachableHours { .. } => "set_reachable_hours",
            Change::RecordEVerify { .. } => "record_e_verify",
            Change::UpdateEVerify { .. } => "update_e_verify",
            Change::AddReference { .. } => "add_reference",
            Change::UpdateReference { .. } => "update_reference",
            Change::RecordPayment { .. } => "record_payment",
            Change::RecordObservedIp { .. } => "record_observed_ip",
            Change::RecordVendorAudit { .. } => "record_vendor_audit",
            Change::ImportIpList { .. } => "import_ip_list",
            Change::RemoveIpList { .. } => "remove_ip_list",
            Change::AddVpnProvider { .. } => "add_vpn_provider",
            Change::RemoveVpnProvider { .. } => "remove_vpn_provider",
            Change::AddVoipEntry { .. } => "add_voip_entry",
            Change::RemoveVoipEntry { .. } => "remove_voip_entry",
            Change::CandidateChanged { .. } => "candidate_changed",
            Change::RecordDisclosure { .. } => "record_disclosure",
            Change::FlagRaised { .. } => "flag_raised",
            Change::FlagCleared { .. } => "flag_cleared",
            Change::RecordCheckpoint { .. } => "record_checkpoint",
            Change::SetPolicy { .. } => "set_policy",
            Change::Hire { .. } => "hire",
            Change::SetTermination { .. } => "set_termination",
            Change::ImportTelemetry { .. } => "import_telemetry",
            Change::ErasePerson { .. } => "erase_person",
            Change::SetLegalHold { .. } => "set_legal_hold",
            Change::ReleaseReferral { .. } => "release_referral",
            Change::RecordPersonExport { .. } => "record_person_export",
            Change::RecordPreAdverseNotice { .. } => "record_pre_adverse_notice",
            Change::RecordAdverseNotice { .. } => "record_adverse_notice",
        }
    }
}

/// A telemetry file an erasure wrote again without the erased person's records. Names no
/// value of theirs: ids, hashes and counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RedactedTelemetry {
    pub import_id: TelemetryImportId,
    /// The file as imported (removed).
    pub from_sha256: String,
    /// The copy without the person's records.
    pub file_sha256: String,
    #[ts(type = "number")]
    pub size: u64,
    /// Events the copy holds.
    #[ts(type = "number")]
    pub events: u64,
    /// Stored events of this import that were the person's, matched to them or not.
    #[ts(type = "number")]
    pub removed_matched: u64,
    #[ts(type = "number")]
    pub removed_unmatched: u64,
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};

    use super::*;
    use crate::model::Timestamp;
    use crate::verification::{
        AuditOutcome, DocumentFields, DocumentKind, FlagFields, IdMatch, InterviewFields,
        IpContext, IpListRow, ObservedIpFields, ReachableHours, Severity,
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
}
