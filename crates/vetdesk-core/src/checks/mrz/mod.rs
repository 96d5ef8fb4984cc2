//! Machine-readable zones (ICAO Doc 9303): reads the MRZ of a passport (TD3), an ID card (TD1)
//! or a TD2 document, extracts every field and verifies every check digit, naming the field
//! whose digit fails. Lenient about how the text was pasted, strict about the zone itself.
//!
//! Check digits catch misreadings and careless forgeries, not careful ones: anyone can compute
//! them. A passing MRZ means "internally consistent", and the report says no more than that.

mod compose;
mod layout;
mod read;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Finding, Outcome, Source};

pub use compose::{ComposeError, Td3Data, compose_td3};
pub use read::parse;

const DOC_9303: &str = "ICAO Doc 9303, Machine Readable Travel Documents, 8th edition (2021)";
/// Where the check-digit algorithm (weights 7, 3, 1) is defined.
pub const CHECK_DIGIT_SOURCE: Source = Source::new(DOC_9303, "Part 3, 4.9 Check digits in the MRZ");
/// Where the YYMMDD date and the character set of the MRZ are defined.
const PART3_DATA: Source = Source::new(DOC_9303, "Part 3, 4.2 and 4.6 Data elements of the MRZ");

/// The three MRZ layouts of Doc 9303.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MrzLayout {
    /// ID-card size: 3 lines of 30 characters (Doc 9303 part 5).
    Td1,
    /// 2 lines of 36 characters (Doc 9303 part 6).
    Td2,
    /// Passport size: 2 lines of 44 characters (Doc 9303 part 4).
    Td3,
}

impl MrzLayout {
    pub const ALL: [MrzLayout; 3] = [MrzLayout::Td1, MrzLayout::Td2, MrzLayout::Td3];

    pub fn line_count(self) -> usize {
        match self {
            MrzLayout::Td1 => 3,
            MrzLayout::Td2 | MrzLayout::Td3 => 2,
        }
    }

    pub fn line_length(self) -> usize {
        match self {
            MrzLayout::Td1 => 30,
            MrzLayout::Td2 => 36,
            MrzLayout::Td3 => 44,
        }
    }

    /// The part of Doc 9303 that defines this layout.
    pub fn source(self) -> Source {
        match self {
            MrzLayout::Td1 => Source::new(DOC_9303, "Part 5, 4.2 Data structure of the TD1 MRZ"),
            MrzLayout::Td2 => Source::new(DOC_9303, "Part 6, 4.2 Data structure of the TD2 MRZ"),
            MrzLayout::Td3 => Source::new(DOC_9303, "Part 4, 4.2 Data structure of the TD3 MRZ"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            MrzLayout::Td1 => "TD1",
            MrzLayout::Td2 => "TD2",
            MrzLayout::Td3 => "TD3",
        }
    }
}

impl std::fmt::Display for MrzLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a text could not be read as an MRZ at all. Problems inside a well-formed zone (a wrong
/// check digit, an impossible date) are not errors: they are reported in [`MrzReport`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MrzError {
    #[error("no MRZ text: the input is empty")]
    Empty,
    #[error(
        "{} of {} characters; expected TD1 (3 lines of 30), TD2 (2 lines of 36) or TD3 (2 lines of 44)",
        plural_lines(.lengths.len()), join_lengths(.lengths)
    )]
    Shape { lengths: Vec<usize> },
    #[error("{layout} expects {expected} characters per line, but {}", describe_lengths(.wrong))]
    LineLength {
        layout: MrzLayout,
        expected: usize,
        /// (line number from 1, characters found) for every line of the wrong length.
        wrong: Vec<(usize, usize)>,
    },
    #[error(
        "characters not allowed in an MRZ (only A-Z, 0-9 and '<'): {}",
        describe_characters(.found)
    )]
    Characters {
        /// (line from 1, position from 1, character) for every offending character.
        found: Vec<(usize, usize, char)>,
    },
    #[error(
        "document code {code:?} is a visa (ICAO Doc 9303 part 7); visas have no composite check \
         digit and are not read as TD1/TD2/TD3 documents here"
    )]
    Visa { code: String },
}

fn plural_lines(n: usize) -> String {
    if n == 1 { "1 line".to_string() } else { format!("{n} lines") }
}

fn join_lengths(lengths: &[usize]) -> String {
    let parts: Vec<String> = lengths.iter().map(|n| n.to_string()).collect();
    parts.join(", ")
}

fn describe_lengths(wrong: &[(usize, usize)]) -> String {
    let parts: Vec<String> =
        wrong.iter().map(|(line, found)| format!("line {line} has {found}")).collect();
    parts.join(", ")
}

fn describe_characters(found: &[(usize, usize, char)]) -> String {
    let parts: Vec<String> =
        found.iter().map(|(line, pos, c)| format!("{c:?} at line {line} position {pos}")).collect();
    parts.join(", ")
}

/// The fields of an MRZ, named as the report and the UI show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MrzFieldName {
    DocumentCode,
    IssuingState,
    DocumentNumber,
    DocumentNumberCheckDigit,
    Nationality,
    BirthDate,
    BirthDateCheckDigit,
    Sex,
    ExpiryDate,
    ExpiryDateCheckDigit,
    /// TD3: the personal number; TD1: optional data of line 1; TD2: the optional data.
    OptionalData,
    OptionalDataCheckDigit,
    /// TD1 only: optional data of line 2.
    OptionalData2,
    CompositeCheckDigit,
    Name,
}

/// Where a field sits in the zone, as Doc 9303 numbers it (lines and positions from 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MrzField {
    pub field: MrzFieldName,
    pub line: usize,
    pub start: usize,
    pub length: usize,
    /// The characters as they stand in the zone, fillers included.
    pub raw: String,
}

/// The check-digit-protected data of an MRZ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckedField {
    DocumentNumber,
    BirthDate,
    ExpiryDate,
    /// TD3 only: the personal number / optional data has its own check digit.
    OptionalData,
    Composite,
}

impl CheckedField {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckedField::DocumentNumber => "document_number",
            CheckedField::BirthDate => "birth_date",
            CheckedField::ExpiryDate => "expiry_date",
            CheckedField::OptionalData => "optional_data",
            CheckedField::Composite => "composite",
        }
    }

    /// The field that holds this check digit.
    pub fn check_digit_field(self) -> MrzFieldName {
        match self {
            CheckedField::DocumentNumber => MrzFieldName::DocumentNumberCheckDigit,
            CheckedField::BirthDate => MrzFieldName::BirthDateCheckDigit,
            CheckedField::ExpiryDate => MrzFieldName::ExpiryDateCheckDigit,
            CheckedField::OptionalData => MrzFieldName::OptionalDataCheckDigit,
            CheckedField::Composite => MrzFieldName::CompositeCheckDigit,
        }
    }

    fn label(self) -> &'static str {
        match self {
            CheckedField::DocumentNumber => "document number",
            CheckedField::BirthDate => "date of birth",
            CheckedField::ExpiryDate => "date of expiry",
            CheckedField::OptionalData => "optional data (personal number)",
            CheckedField::Composite => "composite",
        }
    }
}

/// One check digit: what it covers, what it should be, what the zone holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckDigit {
    pub field: CheckedField,
    /// Where the check digit itself stands (from 1).
    pub line: usize,
    pub position: usize,
    /// The characters the digit is computed over, in order.
    pub covers: String,
    /// The character found at the check-digit position.
    pub found: String,
    /// The digit computed from `covers`.
    pub expected: String,
    pub passed: bool,
    /// Why a non-obvious outcome came out as it did (long document number, empty field).
    pub note: Option<String>,
}

/// A date field: the six characters and the calendar date they stand for, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MrzDate {
    /// YYMMDD as in the zone; unknown parts are written `<`.
    pub raw: String,
    /// The date, with the century chosen as described on [`parse`]; `None` when the field is
    /// not a calendar date or holds fillers.
    pub date: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    /// `<` in the zone (some states also print `X`).
    Unspecified,
}

/// Something wrong or noteworthy in a field other than a check digit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MrzProblem {
    pub field: MrzFieldName,
    /// A stable identifier for the rule, e.g. `mrz.expired`.
    pub check: String,
    /// `fail` makes the zone invalid; `warn` asks a reviewer to look.
    pub outcome: Outcome,
    pub message: String,
    pub source: Source,
}

/// Everything read from one MRZ, and every check made on it. This is what `--json` prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MrzReport {
    pub layout: MrzLayout,
    /// The zone as checked, one string per line.
    pub lines: Vec<String>,
    /// What was changed in the input to get there (trimmed, upper-cased, split …).
    pub normalisation: Vec<String>,
    /// Document code without trailing filler, e.g. `P`, `I`, `AC`.
    pub document_code: String,
    pub issuing_state: String,
    /// The whole number, including the part carried in the optional data when it is longer
    /// than nine characters.
    pub document_number: String,
    /// Whether the number was longer than nine characters (check digit in the optional data).
    pub document_number_extended: bool,
    pub nationality: String,
    pub birth_date: MrzDate,
    pub sex: Sex,
    pub expiry_date: MrzDate,
    /// Surname(s), `<` read as spaces.
    pub primary_identifier: String,
    /// Given names, `<` read as spaces.
    pub secondary_identifier: String,
    /// The name field is full to its last character, so the name may have been cut short.
    pub name_possibly_truncated: bool,
    /// Optional data without trailing fillers (for a long document number, what follows it).
    pub optional_data: String,
    /// TD1 only: the optional data of line 2.
    pub optional_data_2: Option<String>,
    /// Every field with its position and raw characters.
    pub fields: Vec<MrzField>,
    /// Every check digit, passed or failed.
    pub check_digits: Vec<CheckDigit>,
    pub problems: Vec<MrzProblem>,
    /// All check digits pass and no problem is a failure.
    pub valid: bool,
    pub source: Source,
}

impl MrzReport {
    /// The check digits that failed.
    pub fn failed_checks(&self) -> impl Iterator<Item = &CheckDigit> {
        self.check_digits.iter().filter(|c| !c.passed)
    }

    /// Flatten the report to findings: one per check digit, one per problem.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for check in &self.check_digits {
            let message = if check.passed {
                format!("{} check digit {} is correct", check.field.label(), check.found)
            } else {
                format!(
                    "{} check digit at line {} position {} is {:?}, expected {} (computed over {:?})",
                    check.field.label(),
                    check.line,
                    check.position,
                    check.found,
                    check.expected,
                    check.covers
                )
            };
            out.push(Finding::new(
                format!("mrz.check_digit.{}", check.field.as_str()),
                if check.passed { Outcome::Pass } else { Outcome::Fail },
                message,
                CHECK_DIGIT_SOURCE,
            ));
        }
        for problem in &self.problems {
            out.push(Finding::new(
                problem.check.clone(),
                problem.outcome,
                problem.message.clone(),
                problem.source.clone(),
            ));
        }
        out
    }
}

/// The check digit of Doc 9303 part 3, 4.9: characters valued 0-9 for digits, 10-35 for A-Z
/// and 0 for `<`, weighted 7, 3, 1 repeating, summed, modulo 10. `None` if a character is
/// outside the MRZ set.
pub fn check_digit(data: &str) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (i, c) in data.chars().enumerate() {
        sum += char_value(c)? * WEIGHTS[i % 3];
    }
    u8::try_from(sum % 10).ok()
}

fn char_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        'A'..='Z' => Some(u32::from(c) - u32::from('A') + 10),
        '<' => Some(0),
        _ => None,
    }
}
