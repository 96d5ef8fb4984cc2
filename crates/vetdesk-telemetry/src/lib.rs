//! Vetdesk telemetry: the pure layer under post-hire monitoring. It reads the sign-in and
//! device exports security teams already have (Okta, Entra ID, Google Workspace, osquery, a
//! plain CSV) as normalised [`Event`]s, streaming and with every bad record named; it matches
//! accounts and devices, recognises remote-access tools, IP-KVMs and mouse jigglers from
//! editable signatures, and offers the geo and time arithmetic the post-hire rules need.
//!
//! Nothing here touches a database, the network or the clock: callers pass `now`.
//!
//! | module | job |
//! | --- | --- |
//! | [`read`] | streaming readers, format sniffing, [`parse_any`] for fuzzing |
//! | [`model`] | the normalised event |
//! | [`accounts`] | account and device matching |
//! | [`signatures`] | remote-access tools, IP-KVMs, mouse jigglers as data with sources |
//! | [`geo`] | great-circle distance, impossible travel, local hour in a time zone |
//! | [`generate`] | synthetic Okta exports for benchmarks |

pub mod accounts;
mod countries;
pub mod error;
mod formats;
pub mod generate;
pub mod geo;
pub mod model;
pub mod read;
mod scan;
pub mod signatures;

pub use error::{Location, Problem, ProblemKind, ReadError, Report};
pub use formats::{FUTURE_TOLERANCE, country_code};
pub use model::{
    Device, Event, EventKind, Format, HostObservation, NetworkMarks, Observation, Outcome, Place,
    RowAction, SoftwareTable,
};
pub use read::{ParsedFile, Redaction, parse_any, read, redact, sniff};
pub use scan::MAX_RECORD_BYTES;
