//! Hired workers and the telemetry imported about them: an employee is a candidate who was
//! hired (or a current staff member added with `hire --existing`), watched through a
//! monitoring case; a telemetry import is one sign-in or device export, kept as evidence.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{CandidateId, CaseId, CaseStatus, Decision, Timestamp};

/// The export formats telemetry is read in (from the telemetry crate).
pub use vetdesk_telemetry::Format as TelemetryFormat;

pub type EmployeeId = i64;
pub type TelemetryImportId = i64;

/// A company device registered to a worker: its serial, its host name, or both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeviceFields {
    pub serial: Option<String>,
    pub hostname: Option<String>,
}

impl DeviceFields {
    /// How the device is named in facts: `serial C02XK0 (host laptop-7)`.
    pub fn label(&self) -> String {
        match (&self.serial, &self.hostname) {
            (Some(s), Some(h)) => format!("serial {s} (host {h})"),
            (Some(s), None) => format!("serial {s}"),
            (None, Some(h)) => format!("host {h}"),
            (None, None) => "an unnamed device".into(),
        }
    }
}

/// What is recorded when someone is hired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HireFields {
    pub start_on: NaiveDate,
    /// Work accounts as the identity providers know them: email, UPN or user name.
    pub accounts: Vec<String>,
    pub devices: Vec<DeviceFields>,
}

/// Where the pre-hire case stood when the person was hired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VettingAtHire {
    pub case_id: CaseId,
    pub status: CaseStatus,
    pub decision: Option<Decision>,
}

impl VettingAtHire {
    /// Vetting is complete when the pre-hire case was decided "cleared" (and maybe signed off).
    pub fn complete(&self) -> bool {
        matches!(self.status, CaseStatus::Decided | CaseStatus::Closed)
            && self.decision == Some(Decision::Cleared)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Employee {
    pub id: EmployeeId,
    pub candidate_id: CandidateId,
    /// The monitoring case that watches this worker.
    pub case_id: CaseId,
    /// `None` for a current employee added without a pre-hire case (`hire --existing`).
    pub vetting: Option<VettingAtHire>,
    pub start_on: NaiveDate,
    pub terminated_on: Option<NaiveDate>,
    pub accounts: Vec<String>,
    pub devices: Vec<RegisteredDevice>,
    pub hired_by: String,
    pub hired_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RegisteredDevice {
    pub id: i64,
    #[serde(flatten)]
    pub device: DeviceFields,
}

/// One telemetry file taken in, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TelemetryImport {
    pub id: TelemetryImportId,
    pub file_name: String,
    pub format: vetdesk_telemetry::Format,
    /// The file as stored in the evidence folder.
    pub file_sha256: String,
    #[ts(type = "number")]
    pub size: u64,
    /// Events the file holds.
    #[ts(type = "number")]
    pub events: u64,
    /// Events new to the store (the rest were imported before, by their own ids).
    #[ts(type = "number")]
    pub added: u64,
    /// Of the new events, those matched to an employee by account or device.
    #[ts(type = "number")]
    pub matched: u64,
    #[ts(type = "number")]
    pub unmatched: u64,
    pub imported_by: String,
    pub imported_at: Timestamp,
}

/// An event that matched no employee, as listed by `vetdesk telemetry unmatched`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UnmatchedEvent {
    pub import_id: TelemetryImportId,
    pub format: vetdesk_telemetry::Format,
    pub event_id: String,
    pub time: Timestamp,
    pub kind: String,
    pub account: Option<String>,
    pub device: Option<String>,
    pub ip: Option<String>,
}
