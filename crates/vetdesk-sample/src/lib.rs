//! Sample data for a first run: a synthetic cohort of about forty candidates from three staffing
//! vendors and direct applications, with a facilitator ring, documents, interviews, E-Verify,
//! evidence images, notes and decisions; after the hire, three hired workers watched through
//! imported Okta and osquery exports (one clean, one at a laptop farm) and an investigation
//! opened from an alert. All of it is written through the store's one door so that it is
//! audited, verifiable and flagged exactly like real work.
//!
//! Every person, address, number and image is visibly fictitious: names such as "Sample" and
//! "Specimen", reserved example domains (RFC 2606; one reference writes from a Gmail name that
//! Gmail cannot issue), 555-01xx phone numbers, documentation IP
//! ranges (RFC 5737, RFC 3849), ZIP codes below 00501 (none assigned), the ICAO specimen state
//! Utopia (`UTO`), and SAMPLE across every image.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use vetdesk_core::store::{Clock, DataDir, OpenMode, Store};
//! let store = Store::open(DataDir::new("/tmp/demo"), OpenMode::CreateIfMissing, Clock::system())?;
//! let summary = vetdesk_sample::load(&store, store.clock().now(), &Default::default())?;
//! println!("{} candidates; try case {}", summary.candidates, summary.showcase_case);
//! # Ok(()) }
//! ```

mod after_hire;
mod cohort;
mod door;
mod images;
mod mrz;
mod rng;
mod story;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use vetdesk_core::model::{CaseId, Role, Timestamp};
use vetdesk_core::store::StoreError;

pub use door::raised_rules;
pub use images::ImageError;

/// The sample's users, one per role: (login name, display name, role).
pub const USERS: [(&str, &str, Role); 4] = [
    (ADMIN, "Avery Admin (sample)", Role::Admin),
    (REVIEWER, "Robin Reviewer (sample)", Role::Reviewer),
    (INVESTIGATOR, "Indy Investigator (sample)", Role::Investigator),
    (COMPLIANCE, "Cameron Compliance (sample)", Role::Compliance),
];
pub const ADMIN: &str = "sample-admin";
pub const REVIEWER: &str = "sample-reviewer";
pub const INVESTIGATOR: &str = "sample-investigator";
pub const COMPLIANCE: &str = "sample-compliance";

/// Rules of the catalogue that the sample cannot raise, and why: none today. Every rule is
/// raised on at least one sample case (a test holds the sample to that);
/// `reference.free_mail_company` by a reference at a Gmail address no one can hold
/// (underscores and hyphens are refused in Gmail names).
pub const RULES_NOT_RAISED: &[(&str, &str)] = &[];

/// How to build the sample. `Default` gives the cohort the app and `vetdesk demo` load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SampleOptions {
    /// Varies the names, birth dates, document numbers and addresses of the ordinary
    /// candidates; the same seed gives the same data.
    #[ts(type = "number")]
    pub seed: u64,
    /// Ordinary (mostly unremarkable) candidates beside the scripted ones; default 32.
    pub ordinary_candidates: u32,
    /// Generate evidence images (ID scans, call screenshots, an E-Verify summary).
    pub images: bool,
    /// When the data directory already has users, an active admin among them, who adds the
    /// sample's users. Not needed in a directory without users: the sample admin comes first.
    pub admin: Option<String>,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions { seed: 1, ordinary_candidates: 32, images: true, admin: None }
    }
}

/// What the sample made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SampleSummary {
    /// Login names of the sample users, in the order of [`USERS`].
    pub users: Vec<String>,
    pub vendors: u32,
    pub candidates: u32,
    /// Every case, in the order the sample opened them.
    pub cases: Vec<CaseId>,
    /// A case with many open red flags and links, worth opening first.
    pub showcase_case: CaseId,
    /// The case compliance signed off after an investigator's decision.
    pub signed_off_case: CaseId,
    pub evidence_files: u32,
    /// Audit records written (flags raised and cleared by the store included).
    pub audit_records: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error(
        "{} already holds data ({has}); sample data is loaded only into an empty data directory, so \
         that it never mixes with real work (choose a new, empty data directory)",
        .dir.display()
    )]
    NotEmpty { dir: PathBuf, has: String },
    #[error(
        "this data directory already has users: name one of its active admins in the options \
         (admin) to add the sample users"
    )]
    AdminNeeded,
    #[error("{name} is not an active admin of this data directory")]
    NotAdmin { name: String },
    #[error(
        "a user named {name} already exists with role {found}; the sample needs it as {wanted}"
    )]
    UserClash { name: String, found: Role, wanted: Role },
    #[error(
        "the sample time {at} is later than the store's clock ({now}); pass the store's current \
         time"
    )]
    TimeAhead { at: Timestamp, now: Timestamp },
    #[error("sample data, {step}: {source}")]
    Store {
        step: String,
        #[source]
        source: StoreError,
    },
    #[error("sample evidence {name}: {source}")]
    Evidence {
        name: String,
        #[source]
        source: vetdesk_core::evidence::EvidenceError,
    },
    #[error(transparent)]
    Image(#[from] ImageError),
    #[error("sample data: {0}")]
    Unexpected(String),
}

/// A store error outside any one step (opening or committing the sample's transaction).
impl From<StoreError> for SampleError {
    fn from(source: StoreError) -> Self {
        SampleError::Store { step: "writing the sample in one transaction".into(), source }
    }
}

impl SampleError {
    /// A stable code for the desktop app to branch on (never on the message).
    pub fn code(&self) -> &'static str {
        match self {
            SampleError::NotEmpty { .. } => "sample.not_empty",
            SampleError::AdminNeeded => "sample.admin_needed",
            SampleError::NotAdmin { .. } => "sample.not_admin",
            SampleError::UserClash { .. } => "sample.user_clash",
            SampleError::TimeAhead { .. } => "sample.time_ahead",
            SampleError::Store { .. } => "sample.store",
            SampleError::Evidence { .. } => "sample.evidence",
            SampleError::Image(_) => "sample.image",
            SampleError::Unexpected(_) => "sample.unexpected",
        }
    }
}

/// Loads the sample cohort into `store`, as it stands on `at` (normally the store clock's
/// now): every date in the data is counted back from `at`, and the audit records carry the
/// store's clock. Refused, with nothing written, when the data directory holds cases,
/// candidates, vendors or investigators' lists. All or nothing: the whole cohort is written in
/// one transaction ([`vetdesk_core::Store::all_or_nothing`]), so a step that fails leaves the
/// database as it was (the evidence files it ingested stay, unreferenced).
///
/// With a fixed clock the load is deterministic: the same options, the same clock and the same
/// payment key file (`vetdesk_core::store::PAYMENT_KEY_FILE`, which keys the bank-account
/// hashes) give the same chain heads. A fixed clock is moved on by a second where one record
/// must be seen to follow another (an address changed after an offer).
#[tracing::instrument(skip(store, options), fields(seed = options.seed), err)]
pub fn load(
    store: &vetdesk_core::Store,
    at: Timestamp,
    options: &SampleOptions,
) -> Result<SampleSummary, SampleError> {
    store.all_or_nothing(|| story::load(store, at, options))
}
