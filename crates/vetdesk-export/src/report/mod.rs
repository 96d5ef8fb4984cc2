//! Reports: the PDF layout engine in [`pdf`]; on it, the case report (everything a compliance
//! auditor needs to read one case cold) and the portfolio report (all cases of a period).
//! Both are built from one consistent read of the store and from the generation time and
//! user the caller passes in, so the same data and time give the same bytes.

mod case_data;
mod case_report;
mod describe;
mod format;
mod output;
pub mod pdf;
mod portfolio;
mod sections;
mod verification_view;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use case_data::{CaseData, Signed};
pub(crate) use case_report::CHAIN_HEAD_KEYWORD;
pub use case_report::{
    CaseReport, PREVIEW_MAX_SIDE, PREVIEW_QUALITY, case_report, render_case_report,
};
pub use describe::describe_change;
pub use output::write_atomically;
pub use portfolio::{
    DecisionTimes, MonthRow, Portfolio, PortfolioCase, PortfolioOptions, VendorAudit, portfolio,
    portfolio_csv, render_portfolio,
};
pub use sections::{
    CheckLine, DeadlineLine, EVerifyRecord, IdentityDocument, Interview, LinkLine, RedFlag,
    RiskScore, Verification,
};

use vetdesk_core::model::{CaseId, Timestamp};
use vetdesk_core::store::StoreError;

/// What can stop a report. Each variant says what was wrong and where.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Pdf(#[from] pdf::PdfError),
    /// The case's audit chain does not check out: a report would vouch for a history that
    /// was edited behind the store's back.
    #[error(
        "case {case_id}: the audit chain does not verify ({reason}); no report is made from a \
         broken chain — run `vetdesk verify` to see what was changed"
    )]
    BrokenChain { case_id: CaseId, reason: String },
    /// The user a report is generated as is unknown or deactivated.
    #[error(
        "no active user named {0:?}; reports record who generated them: pass --as USER (or set \
         VETDESK_USER) with a user from `vetdesk user list`"
    )]
    UnknownUser(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{} already exists; pass --force to replace it", .0.display())]
    Exists(std::path::PathBuf),
    #[error("{context} {}: {source}", path.display())]
    Io { context: &'static str, path: std::path::PathBuf, source: std::io::Error },
    #[error("could not write the CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("could not encode JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Who makes a document, and when: printed on it and in its metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReportOptions {
    /// The generation time; the same data and time give a byte-identical document.
    pub generated_at: Timestamp,
    /// The login name of the generating user (an active user of the store).
    pub generated_by: String,
}

/// The part of a long job under way, for progress bars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Reading the case from the store and checking its audit chain.
    Reading,
    /// Making image previews, one evidence file at a time (`done`/`total` in images).
    Previews,
    /// Laying out and writing the PDF.
    Rendering,
    /// Copying evidence into an audit pack (`done`/`total` in bytes).
    Evidence,
    /// Checking an audit pack's members (`done`/`total` in bytes).
    Checking,
    /// Writing the last pieces and moving the file into place.
    Finishing,
}

/// One progress report: `done` of `total` units of `stage` (see [`Stage`] for the units).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Progress {
    pub stage: Stage,
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

impl Progress {
    pub(crate) fn at(stage: Stage, done: u64, total: u64) -> Progress {
        Progress { stage, done, total }
    }
}
