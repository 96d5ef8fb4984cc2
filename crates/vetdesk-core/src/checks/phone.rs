//! Phone numbers: normalise any common spelling to E.164 (`+12025550143`) so that the same
//! number written two ways is recognised as one, and match numbers against the user's own list
//! of VoIP numbers and prefixes.
//!
//! Whether a number is VoIP cannot be told from its digits. A US number keeps its digits when it
//! is ported from a mobile or landline carrier to Google Voice, Skype or any other VoIP service
//! (local number portability), and VoIP providers hand out numbers from ordinary blocks; the
//! numbering-plan metadata says at most "fixed line or mobile". So Vetdesk flags VoIP only from
//! a list the user maintains (numbers a carrier lookup or an investigation showed to be VoIP)
//! and from the same number turning up for several candidates (see
//! [`super::shared_values`]). Absence from the list proves nothing.

use phonenumber::country::Id;
use phonenumber::{Mode, PhoneNumber};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Finding, Outcome, Source};

pub const E164_SOURCE: Source = Source::new(
    "ITU-T Recommendation E.164 (11/2010), The international public telecommunication numbering plan",
    "International number structure: country code and national significant number, at most 15 digits",
);
const VOIP_SOURCE: Source = Source::new(
    "FBI/IC3 and NYDFS advisories on North Korean IT workers",
    "facilitators reuse VoIP numbers across candidates",
);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("no phone number: the input is empty")]
    Empty,
    #[error("{input:?} is not a phone number: {reason}")]
    Unparseable { input: String, reason: String },
    #[error("{input:?}: country calling code {code} does not exist")]
    CountryCode { input: String, code: String },
    #[error(
        "VoIP list entry {input:?} must be a phone number or a prefix written +digits* \
         (e.g. +1202555*)"
    )]
    VoipPattern { input: String },
}

/// A number in E.164 form, with what was read around it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct NormalizedPhone {
    /// As given.
    pub input: String,
    /// `+` and up to 15 digits: the comparison key.
    pub e164: String,
    /// Human-readable international form, e.g. `+1 202-555-0143`.
    pub international: String,
    /// ISO 3166-1 region of the number, when the numbering plan tells it.
    pub region: Option<String>,
    /// An extension written after the number (`ext. 89`, `x89`); not part of E.164.
    pub extension: Option<String>,
    /// Whether the number fits its country's numbering plan (assigned ranges and lengths).
    /// A number that does not is kept, so it can still be compared, but should be questioned.
    pub valid: bool,
    /// What was done to the input to read it.
    pub notes: Vec<String>,
}

/// Normalise with the United States as the region of numbers written without a country code.
pub fn normalize(input: &str) -> Result<NormalizedPhone, PhoneError> {
    normalize_in(input, Id::US)
}

/// Normalise, reading numbers without a country code as numbers of `default_region`.
///
/// A leading `+`, `00` (the ITU-recommended international prefix) or, for a North American
/// default, `011` marks an international number, which is then read with no default region.
/// This matters beyond style: phonenumber 0.3 strips the default region's national prefix
/// even from international numbers (with US as default, `+86 138 0013 8000` loses its `1`),
/// so international numbers are never parsed with a default region here.
pub fn normalize_in(input: &str, default_region: Id) -> Result<NormalizedPhone, PhoneError> {
    super::memo::remembered(&READ, &memo_key(input, default_region), || {
        read_uncached(input, default_region)
    })
}

thread_local! {
    static READ: super::memo::Memo<Result<NormalizedPhone, PhoneError>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn memo_key(input: &str, region: Id) -> String {
    format!("{}\u{0}{input}", region.as_ref())
}

/// `normalize(input)` made on this thread, for the thread that will ask for it
/// (`memo::read_ahead`).
pub(crate) fn normalize_ahead(input: &str) -> super::memo::Made {
    super::memo::Made::new(&READ, memo_key(input, Id::US), read_uncached(input, Id::US))
}

fn read_uncached(input: &str, default_region: Id) -> Result<NormalizedPhone, PhoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(PhoneError::Empty);
    }
    let mut notes = Vec::new();
    let mut text = trimmed.to_string();
    if let Some(rest) = text.strip_prefix("tel:") {
        text = rest.to_string();
        notes.push("read a tel: URI".to_string());
    }
    let nanp = phonenumber::metadata::DATABASE
        .by_id(default_region.as_ref())
        .is_some_and(|m| m.country_code() == 1);
    let international = if text.starts_with('+') {
        Some(text.clone())
    } else if let Some(rest) = text.strip_prefix("00") {
        notes.push("read the leading 00 as the international prefix".to_string());
        Some(format!("+{rest}"))
    } else if let (true, Some(rest)) = (nanp, text.strip_prefix("011")) {
        notes.push("read the leading 011 as the international prefix".to_string());
        Some(format!("+{rest}"))
    } else {
        None
    };
    let parsed = match international {
        Some(intl) => {
            // "+44 (0)20 …": the (0) is the national trunk prefix, never dialled from abroad.
            let intl = if intl.contains("(0)") {
                notes.push("dropped the (0) trunk prefix after the country code".to_string());
                intl.replacen("(0)", "", 1)
            } else {
                intl
            };
            phonenumber::parse(None, &intl)
        }
        None => phonenumber::parse(Some(default_region), &text),
    };
    let number = parsed.map_err(|e| match e {
        phonenumber::ParseError::InvalidCountryCode => PhoneError::CountryCode {
            input: trimmed.to_string(),
            code: text.trim_start_matches(['+', '0']).chars().take(3).collect(),
        },
        other => PhoneError::Unparseable {
            input: trimmed.to_string(),
            reason: describe_parse_error(&other),
        },
    })?;
    Ok(from_number(trimmed, &number, notes))
}

fn describe_parse_error(e: &phonenumber::ParseError) -> String {
    match e {
        phonenumber::ParseError::NoNumber => "it holds too few digits to be a number".to_string(),
        phonenumber::ParseError::TooShortNsn | phonenumber::ParseError::TooShortAfterIdd => {
            "it is too short".to_string()
        }
        phonenumber::ParseError::TooLong => "it is too long".to_string(),
        other => other.to_string(),
    }
}

fn from_number(input: &str, number: &PhoneNumber, notes: Vec<String>) -> NormalizedPhone {
    NormalizedPhone {
        input: input.to_string(),
        e164: number.format().mode(Mode::E164).to_string(),
        international: number.format().mode(Mode::International).to_string(),
        region: number.country().id().map(|id| id.as_ref().to_string()),
        extension: number.extension().map(|e| e.to_string()),
        valid: phonenumber::is_valid(number),
        notes,
    }
}

/// One entry of the user's VoIP list: an exact number or a prefix.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct VoipRule {
    /// `+` and digits; a number matches when its E.164 form equals this (exact) or starts with
    /// it (prefix).
    pub e164: String,
    pub prefix: bool,
    /// Where the knowledge came from, e.g. "carrier lookup 2026-10: Google Voice".
    pub label: String,
}

impl VoipRule {
    /// An exact number in any spelling [`normalize`] reads, or a prefix written `+digits*`
    /// (spaces, dots and dashes allowed: `+1 202 555*`).
    pub fn new(pattern: &str, label: &str) -> Result<VoipRule, PhoneError> {
        let pattern = pattern.trim();
        let refuse = || PhoneError::VoipPattern { input: pattern.to_string() };
        if let Some(body) = pattern.strip_suffix('*') {
            let digits: String =
                body.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
            let rest = digits.strip_prefix('+').ok_or_else(refuse)?;
            if rest.is_empty() || rest.len() > 15 || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return Err(refuse());
            }
            return Ok(VoipRule { e164: digits, prefix: true, label: label.trim().to_string() });
        }
        let number = normalize(pattern).map_err(|_| refuse())?;
        Ok(VoipRule { e164: number.e164, prefix: false, label: label.trim().to_string() })
    }

    pub fn matches(&self, e164: &str) -> bool {
        if self.prefix { e164.starts_with(&self.e164) } else { e164 == self.e164 }
    }
}

/// The user-maintained VoIP list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VoipList {
    pub rules: Vec<VoipRule>,
}

impl VoipList {
    pub fn new(rules: Vec<VoipRule>) -> Self {
        VoipList { rules }
    }

    /// The rules matching a number, exact ones first.
    pub fn matches(&self, number: &NormalizedPhone) -> Vec<&VoipRule> {
        let mut found: Vec<&VoipRule> =
            self.rules.iter().filter(|r| r.matches(&number.e164)).collect();
        found.sort_by_key(|r| r.prefix);
        found
    }

    /// A number with its list matches, as the UI and reports show it.
    pub fn check(&self, number: &NormalizedPhone) -> PhoneCheck {
        PhoneCheck {
            number: number.clone(),
            voip_matches: self.matches(number).into_iter().cloned().collect(),
            source: E164_SOURCE,
        }
    }
}

/// A normalised number and what the VoIP list says about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PhoneCheck {
    pub number: NormalizedPhone,
    pub voip_matches: Vec<VoipRule>,
    pub source: Source,
}

impl PhoneCheck {
    pub fn findings(&self) -> Vec<Finding> {
        let n = &self.number;
        let mut out = vec![if n.valid {
            Finding::new(
                "phone.valid",
                Outcome::Pass,
                format!("{:?} is {} in E.164", n.input, n.e164),
                self.source.clone(),
            )
        } else {
            Finding::new(
                "phone.valid",
                Outcome::Warn,
                format!(
                    "{:?} ({}) does not fit the numbering plan of {}: unassigned or mistyped",
                    n.input,
                    n.e164,
                    n.region.as_deref().unwrap_or("its country code")
                ),
                self.source.clone(),
            )
        }];
        for rule in &self.voip_matches {
            let how = if rule.prefix { "is in the VoIP prefix" } else { "is on the VoIP list as" };
            out.push(Finding::new(
                "phone.voip_list",
                Outcome::Warn,
                format!("{} {how} {} ({})", n.e164, rule.e164, rule.label),
                VOIP_SOURCE,
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (spelling, E.164, extension, region, valid). 555-01xx numbers are reserved for fiction
    /// in the North American plan, and the crate's metadata accepts them as valid US numbers,
    /// so they are used for US rows; other rows use published test or public numbers.
    const SPELLINGS: &[(&str, &str, Option<&str>, &str, bool)] = &[
        ("(202) 555-0143", "+12025550143", None, "US", true),
        ("202-555-0143", "+12025550143", None, "US", true),
        ("202.555.0143", "+12025550143", None, "US", true),
        ("2025550143", "+12025550143", None, "US", true),
        ("12025550143", "+12025550143", None, "US", true),
        ("1 (202) 555-0143", "+12025550143", None, "US", true),
        ("1-202-555-0143", "+12025550143", None, "US", true),
        ("+1 202.555.0143", "+12025550143", None, "US", true),
        ("+1 (202) 555-0143", "+12025550143", None, "US", true),
        ("+12025550143", "+12025550143", None, "US", true),
        ("  +1 202 555 0143  ", "+12025550143", None, "US", true),
        ("tel:+1-202-555-0143", "+12025550143", None, "US", true),
        ("001 202 555 0143", "+12025550143", None, "US", true),
        ("1-202-555-0143 ext 89", "+12025550143", Some("89"), "US", true),
        ("202-555-0143 x89", "+12025550143", Some("89"), "US", true),
        ("(202) 555-0143 ext. 12", "+12025550143", Some("12"), "US", true),
        ("(800) FLOWERS", "+18003569377", None, "US", true),
        ("1 800 356 9377", "+18003569377", None, "US", true),
        ("+1 787 555 0123", "+17875550123", None, "PR", true),
        ("+44 20 7946 0958", "+442079460958", None, "GB", true),
        ("00 44 20 7946 0958", "+442079460958", None, "GB", true),
        ("011 44 20 7946 0958", "+442079460958", None, "GB", true),
        ("+44 (0)20 7946 0958", "+442079460958", None, "GB", true),
        ("0044 (0)20 7946 0958", "+442079460958", None, "GB", true),
        ("+49 30 901820", "+4930901820", None, "DE", true),
        ("0049 30 901820", "+4930901820", None, "DE", true),
        ("+86 138 0013 8000", "+8613800138000", None, "CN", true),
        ("011 86 138 0013 8000", "+8613800138000", None, "CN", true),
        ("+375 17 123 4567", "+375171234567", None, "BY", true),
        ("+7 495 123-45-67", "+74951234567", None, "RU", true),
        ("+91 98765 43210", "+919876543210", None, "IN", true),
        ("+63 917 123 4567", "+639171234567", None, "PH", true),
        ("+850 2 381 4000", "+85023814000", None, "KP", true),
        ("+380 44 123 4567", "+380441234567", None, "UA", true),
        ("+61 491 570 156", "+61491570156", None, "AU", true),
        ("+33 1 23 45 67 89", "+33123456789", None, "FR", true),
    ];

    #[test]
    fn real_world_spellings_normalise_to_one_e164() {
        for &(text, e164, ext, region, valid) in SPELLINGS {
            let n = normalize(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(n.e164, e164, "{text:?}");
            assert_eq!(n.extension.as_deref(), ext, "{text:?}");
            assert_eq!(n.region.as_deref(), Some(region), "{text:?}");
            assert_eq!(n.valid, valid, "{text:?}");
        }
        assert!(SPELLINGS.len() >= 30);
    }

    #[test]
    fn numbers_outside_the_plan_are_kept_but_marked_invalid() {
        let rows = [
            ("+1 555 555 5555", "+15555555555"),
            ("+1 202 555 01435", "+120255501435"),
            ("+44 7700 900123", "+447700900123"),
        ];
        for (text, e164) in rows {
            let n = normalize(text).unwrap();
            assert_eq!(n.e164, e164, "{text:?}");
            assert!(!n.valid, "{text:?}");
            let findings = VoipList::default().check(&n).findings();
            assert_eq!(findings[0].outcome, Outcome::Warn);
        }
    }

    #[test]
    fn unparseable_input_gets_a_clear_error() {
        let rows = [
            ("", "empty"),
            ("   ", "empty"),
            ("abc", "too few digits"),
            ("12", "too short"),
            ("call me maybe", "too few digits"),
            ("+999 123 456", "country calling code 999 does not exist"),
        ];
        for (text, want) in rows {
            let err = normalize(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn other_default_regions() {
        let n = normalize_in("020 7946 0958", Id::GB).unwrap();
        assert_eq!(n.e164, "+442079460958");
        let n = normalize_in("030 901820", Id::DE).unwrap();
        assert_eq!(n.e164, "+4930901820");
        // A leading + is honoured whatever the default region.
        let n = normalize_in("+1 202 555 0143", Id::GB).unwrap();
        assert_eq!(n.e164, "+12025550143");
    }

    #[test]
    fn voip_list_matches_exact_numbers_and_prefixes_on_e164() {
        let list = VoipList::new(vec![
            VoipRule::new("(202) 555-0143", "carrier lookup: Google Voice").unwrap(),
            VoipRule::new("+1 202 555*", "block assigned to a VoIP reseller").unwrap(),
            VoipRule::new("+44 20 7946*", "test block").unwrap(),
        ]);
        let rows: [(&str, &[&str]); 5] = [
            ("+1 (202) 555-0143", &["+12025550143", "+1202555"]),
            ("202.555.0199", &["+1202555"]),
            ("00 44 20 7946 0958", &["+44207946"]),
            ("(415) 555-2671", &[]),
            ("+1 203 555 0143", &[]),
        ];
        for (text, want) in rows {
            let n = normalize(text).unwrap();
            let got: Vec<&str> = list.matches(&n).iter().map(|r| r.e164.as_str()).collect();
            assert_eq!(got, want, "{text:?}");
            let warnings =
                list.check(&n).findings().iter().filter(|f| f.check == "phone.voip_list").count();
            assert_eq!(warnings, want.len());
        }
        for bad in ["1202555*", "+*", "+1 202 abc*", "not a number", "+1234567890123456*"] {
            assert!(VoipRule::new(bad, "").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn shared_numbers_across_candidates() {
        let given = [
            (1, "(202) 555-0143"),
            (2, "+1 202.555.0143"),
            (3, "415-555-2671"),
            (4, "1-202-555-0143 x7"),
        ];
        let keyed = given.iter().map(|(who, text)| (*who, normalize(text).unwrap().e164));
        let shared = crate::checks::shared_values(keyed);
        assert_eq!(shared, vec![("+12025550143".to_string(), vec![1, 2, 4])]);
    }
}
