//! The public document a rule follows. Checks name it in every finding, red flags carry it, and
//! reports print it, so it sits apart from all three: records (`verification`) can hold one
//! without depending on the checks that produce it.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The public document a check follows, precise enough for a reader to look the rule up.
///
/// The texts are `Cow` so that the built-in sources are constants and a finding read back from
/// JSON (a stored report) deserialises into the same type.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(rename = "CheckSource")]
pub struct Source {
    /// The document, e.g. "ICAO Doc 9303, 8th edition (2021)".
    #[ts(type = "string")]
    pub document: Cow<'static, str>,
    /// The part, section or appendix within it, e.g. "Part 3, 4.9 check digits".
    #[ts(type = "string")]
    pub section: Cow<'static, str>,
}

impl Source {
    pub const fn new(document: &'static str, section: &'static str) -> Self {
        Source { document: Cow::Borrowed(document), section: Cow::Borrowed(section) }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, {}", self.document, self.section)
    }
}
