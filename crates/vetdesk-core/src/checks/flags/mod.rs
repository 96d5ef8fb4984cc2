//! Red-flag rules: pure functions from the facts of one case (as the store gathers them) to the
//! flags those facts raise. Each rule has a stable id, a severity, a one-line title, why it
//! matters and the public source it follows ([`CATALOGUE`]); each raised flag adds the facts and
//! evidence behind it. The store diffs the result against the flags already open and records
//! every raise and clear in the case's audit chain.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;

use super::iprange::{IpCategory, IpRangeEntry};
use super::phone::VoipList;
use super::workdays::{self, DeadlineState, FederalCalendar};
use super::{Source, address, mrz, names};
use crate::model::{CandidateId, CaseId, CaseStatus, Decision, EvidenceId, Timestamp};
use crate::verification::{
    AuditOutcome, DocumentKind, EVerifyCase, EVerifyStatus, FlagFields, IdMatch, IdentityDocument,
    Interview, IpContext, LinkKind, LinkRole, ObservedIpId, PaymentRecord, ReachableHours,
    Reference, RiskBand, RiskScore, Severity, VendorAudit, VendorAuditStatus,
};

mod catalogue;
mod facts;
mod places;
mod risk;
mod rules;
mod status;
#[cfg(test)]
mod tests;

pub use catalogue::*;
pub use facts::*;
pub use places::*;
pub use risk::*;
pub use rules::*;
pub use status::*;
