//! Changes: the only way anything in the store is written. A caller builds a `Change` and hands
//! it to `Store::apply`, which validates it, fills in the ids it creates, writes the new state
//! and appends the change as applied to the audit chain, all in one transaction. `verify`
//! replays the recorded changes to prove the tables still say what the log says.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{
    CandidateFields, CandidateId, CaseId, CaseKind, CaseStatus, Chain, Decision, EvidenceId,
    ItemResult, NoteId, Priority, Role, UserId, VendorFields, VendorId,
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
    /// `decided`. Every status change needs a reason.
    SetStatus {
        case_id: CaseId,
        status: CaseStatus,
        decision: Option<Decision>,
        reason: String,
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
}

impl Change {
    /// The audit chain this change is recorded in.
    pub fn chain(&self) -> Chain {
        match self {
            Change::AddUser { .. }
            | Change::SetUserRole { .. }
            | Change::SetUserActive { .. }
            | Change::AddVendor { .. }
            | Change::UpdateVendor { .. }
            | Change::AddCandidate { .. }
            | Change::UpdateCandidate { .. } => Chain::Global,
            Change::OpenCase { id, .. } => id.map(Chain::Case).unwrap_or(Chain::Global),
            Change::AssignCase { case_id, .. }
            | Change::SetPriority { case_id, .. }
            | Change::SetDueDate { case_id, .. }
            | Change::SetStatus { case_id, .. }
            | Change::RecordResult { case_id, .. }
            | Change::AttachEvidence { case_id, .. }
            | Change::AddNote { case_id, .. } => Chain::Case(*case_id),
        }
    }

    /// Short name of the kind of change, as recorded in the `type` field.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::AddUser { .. } => "add_user",
            Change::SetUserRole { .. } => "set_user_role",
            Change::SetUserActive { .. } => "set_user_active",
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
        }
    }
}
