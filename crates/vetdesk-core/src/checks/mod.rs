//! Verification checks: pure functions that take values and return findings
//! (docs/architecture.md, "Layers"). Nothing here touches the database, the file system or the
//! clock; callers pass `today` and readers in, so every check is repeatable and tested on its
//! own.
//!
//! Every result names the public source its rule follows ([`Source`]), so that a finding in a
//! report can be traced to the standard behind it:
//!
//! | module | what it checks | source |
//! | --- | --- | --- |
//! | [`mrz`] | machine-readable zones of passports and ID cards, check digits | ICAO Doc 9303 |
//! | [`workdays`] | federal working days, E-Verify deadlines | 5 U.S.C. 6103, E-Verify User Manual (M-775) |
//! | [`iprange`] | IP addresses against CIDR indicator lists | RFC 4632, RFC 4291 |
//! | [`address`] | US postal addresses, PO boxes and private mailboxes | USPS Publication 28, DMM 508 |
//! | [`phone`] | E.164 phone numbers, the user's VoIP list | ITU-T E.164 |
//! | [`email`] | email addresses, comparison keys, free-mail domains | RFC 5321, RFC 5322 |
//! | [`names`] | person names across documents | ICAO Doc 9303 part 3 (transliteration) |
//! | [`retention`] | until when a person's records are kept, and why | 8 CFR 274a.2(b)(2)(i), 29 CFR 1602.14 |
//! | [`posthire`] | a hired worker's sign-ins and devices | FBI PSA I-012325-PSA, DOJ 30 June 2025, Mandiant 2024, NYDFS 2024 |

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::source::Source;

pub mod address;
pub mod email;
pub mod flags;
pub mod iprange;
pub(crate) mod memo;
pub mod mrz;
pub mod names;
pub mod phone;
pub mod posthire;
pub mod retention;
pub mod workdays;

/// How a finding came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "CheckOutcome")]
pub enum Outcome {
    /// The value meets the rule.
    Pass,
    /// The value breaks the rule: a reviewer must look at it.
    Fail,
    /// Not a breach of the rule, but a sign worth a reviewer's attention (a PO box, a free-mail
    /// domain, a number on the VoIP list, a deadline close to its end).
    Warn,
    /// Recorded for the report, no action implied.
    Info,
}

/// One observation of one check, in the form the store, the reports and the UI share.
/// Module result types carry more detail; each offers a `findings()` that flattens it to this.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Finding {
    /// Stable dotted identifier, e.g. `mrz.check_digit.document_number`; the UI and the
    /// red-flag rules match on it, never on the message.
    pub check: String,
    pub outcome: Outcome,
    /// One sentence a reviewer can read, naming the value and what was wrong or right with it.
    pub message: String,
    pub source: Source,
}

impl Finding {
    pub fn new(
        check: impl Into<String>,
        outcome: Outcome,
        message: impl Into<String>,
        source: Source,
    ) -> Self {
        Finding { check: check.into(), outcome, message: message.into(), source }
    }
}

/// Values held by more than one holder: the "same phone, same address, same email across
/// candidates" signal of facilitator networks. Feed it normalised keys (E.164 numbers, address
/// or email comparison keys); it returns each key with its distinct holders, in key order, only
/// for keys held by two or more.
pub fn shared_values<H, K, I>(pairs: I) -> Vec<(K, Vec<H>)>
where
    H: Ord,
    K: Ord,
    I: IntoIterator<Item = (H, K)>,
{
    let mut by_key: BTreeMap<K, Vec<H>> = BTreeMap::new();
    for (holder, key) in pairs {
        by_key.entry(key).or_default().push(holder);
    }
    by_key
        .into_iter()
        .filter_map(|(key, mut holders)| {
            holders.sort();
            holders.dedup();
            (holders.len() > 1).then_some((key, holders))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_values_reports_keys_with_two_or_more_distinct_holders() {
        let pairs = vec![
            (1, "+12025550143"),
            (2, "+12025550143"),
            (1, "+12025550143"), // the same holder twice is still one holder
            (3, "+12025550199"),
            (3, "+14155550100"),
            (3, "+14155550100"),
            (4, "+14155550100"),
        ];
        let shared = shared_values(pairs);
        assert_eq!(shared, vec![("+12025550143", vec![1, 2]), ("+14155550100", vec![3, 4])]);
    }

    /// The result types the UI shows generate TypeScript declarations that name their fields
    /// and use the renamed `CheckSource` (the template module has a `Source` of its own).
    #[test]
    fn result_types_declare_typescript() {
        use ts_rs::{Config, TS};
        let cfg = Config::default();
        let decls = [
            (mrz::MrzReport::decl(&cfg), "check_digits: Array<CheckDigit>"),
            (mrz::MrzReport::decl(&cfg), "source: CheckSource"),
            (Source::decl(&cfg), "type CheckSource = {"),
            (Source::decl(&cfg), "document: string"),
            (Finding::decl(&cfg), "outcome: CheckOutcome"),
            (workdays::Deadline::decl(&cfg), "due: string"),
            (workdays::EVerifyCase::decl(&cfg), "\"status\": \"referred\""),
            (iprange::IpCheck::decl(&cfg), "matches: Array<IpRangeEntry>"),
            (iprange::IpRangeEntry::decl(&cfg), "cidr: Cidr"),
            (iprange::Cidr::decl(&cfg), "type Cidr = string"),
            (address::NormalizedAddress::decl(&cfg), "kind: AddressKind"),
            (phone::PhoneCheck::decl(&cfg), "voip_matches: Array<VoipRule>"),
            (email::NormalizedEmail::decl(&cfg), "key_rules: Array<KeyRule>"),
            (names::NameComparison::decl(&cfg), "result: NameMatch"),
            (names::NameMatch::decl(&cfg), "\"result\": \"equivalent\""),
        ];
        for (decl, want) in decls {
            assert!(!decl.contains("bigint"), "JSON carries numbers, not bigints: {decl}");
            assert!(decl.contains(want), "{want:?} not in {decl}");
        }
    }

    #[test]
    fn source_round_trips_through_json() {
        let source = Source::new("ICAO Doc 9303", "Part 3, 4.9");
        let json = serde_json::to_string(&source).unwrap();
        assert_eq!(json, r#"{"document":"ICAO Doc 9303","section":"Part 3, 4.9"}"#);
        let back: Source = serde_json::from_str(&json).unwrap();
        assert_eq!(back, source);
        assert_eq!(source.to_string(), "ICAO Doc 9303, Part 3, 4.9");
    }
}
