//! Machine-readable zones (ICAO Doc 9303): reads the MRZ of a passport (TD3), an ID card (TD1)
//! or a TD2 document, extracts every field and verifies every check digit, naming the field
//! whose digit fails. Lenient about how the text was pasted, strict about the zone itself.
//!
//! Check digits catch misreadings and careless forgeries, not careful ones: anyone can compute
//! them. A passing MRZ means "internally consistent", and the report says no more than that.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Finding, Outcome, Source};

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

/// A run of characters on one line (0-based line and start, as used in code).
#[derive(Clone, Copy)]
struct Span {
    line: usize,
    start: usize,
    len: usize,
}

const fn sp(line: usize, start: usize, len: usize) -> Span {
    Span { line, start, len }
}

/// Where each field sits in a layout. Positions follow the data-structure tables of Doc 9303
/// parts 4, 5 and 6 (which count from 1; these count from 0).
struct Spec {
    code: Span,
    state: Span,
    number: Span,
    number_cd: Span,
    nationality: Span,
    birth: Span,
    birth_cd: Span,
    sex: Span,
    expiry: Span,
    expiry_cd: Span,
    optional: Span,
    optional_cd: Option<Span>,
    optional2: Option<Span>,
    composite_cd: Span,
    composite_covers: &'static [Span],
    name: Span,
    /// Parts 5 and 6 let a number longer than nine characters continue in the optional data;
    /// part 4 has no such provision for TD3 (a passport number fits in nine).
    long_number: bool,
}

const TD1: Spec = Spec {
    code: sp(0, 0, 2),
    state: sp(0, 2, 3),
    number: sp(0, 5, 9),
    number_cd: sp(0, 14, 1),
    optional: sp(0, 15, 15),
    birth: sp(1, 0, 6),
    birth_cd: sp(1, 6, 1),
    sex: sp(1, 7, 1),
    expiry: sp(1, 8, 6),
    expiry_cd: sp(1, 14, 1),
    nationality: sp(1, 15, 3),
    optional2: Some(sp(1, 18, 11)),
    composite_cd: sp(1, 29, 1),
    optional_cd: None,
    // Upper line 6-30, middle line 1-7, 9-15 and 19-29.
    composite_covers: &[sp(0, 5, 25), sp(1, 0, 7), sp(1, 8, 7), sp(1, 18, 11)],
    name: sp(2, 0, 30),
    long_number: true,
};

const TD2: Spec = Spec {
    code: sp(0, 0, 2),
    state: sp(0, 2, 3),
    name: sp(0, 5, 31),
    number: sp(1, 0, 9),
    number_cd: sp(1, 9, 1),
    nationality: sp(1, 10, 3),
    birth: sp(1, 13, 6),
    birth_cd: sp(1, 19, 1),
    sex: sp(1, 20, 1),
    expiry: sp(1, 21, 6),
    expiry_cd: sp(1, 27, 1),
    optional: sp(1, 28, 7),
    optional_cd: None,
    optional2: None,
    composite_cd: sp(1, 35, 1),
    // Lower line 1-10, 14-20 and 22-35.
    composite_covers: &[sp(1, 0, 10), sp(1, 13, 7), sp(1, 21, 14)],
    long_number: true,
};

const TD3: Spec = Spec {
    code: sp(0, 0, 2),
    state: sp(0, 2, 3),
    name: sp(0, 5, 39),
    number: sp(1, 0, 9),
    number_cd: sp(1, 9, 1),
    nationality: sp(1, 10, 3),
    birth: sp(1, 13, 6),
    birth_cd: sp(1, 19, 1),
    sex: sp(1, 20, 1),
    expiry: sp(1, 21, 6),
    expiry_cd: sp(1, 27, 1),
    optional: sp(1, 28, 14),
    optional_cd: Some(sp(1, 42, 1)),
    optional2: None,
    composite_cd: sp(1, 43, 1),
    // Lower line 1-10, 14-20 and 22-43.
    composite_covers: &[sp(1, 0, 10), sp(1, 13, 7), sp(1, 21, 22)],
    long_number: false,
};

fn spec(layout: MrzLayout) -> &'static Spec {
    match layout {
        MrzLayout::Td1 => &TD1,
        MrzLayout::Td2 => &TD2,
        MrzLayout::Td3 => &TD3,
    }
}

/// The lines of a zone, all checked to hold only `A-Z0-9<` (so byte offsets are characters).
struct Zone<'a> {
    lines: &'a [String],
}

impl Zone<'_> {
    fn get(&self, span: Span) -> &str {
        self.lines
            .get(span.line)
            .and_then(|l| l.get(span.start..span.start + span.len))
            .unwrap_or("")
    }
    fn char_at(&self, span: Span) -> char {
        self.get(span).chars().next().unwrap_or('<')
    }
}

/// Read and check an MRZ.
///
/// The text may carry surrounding whitespace, blank lines, Windows line endings, lower-case
/// letters, or the whole zone on one line; each such repair is listed in
/// [`MrzReport::normalisation`]. Inside a line nothing is repaired: a wrong length or a character
/// outside `A-Z0-9<` is an error that says where.
///
/// Two-digit years are placed with `today` (never the clock): a date of birth is the latest
/// date not after `today`; a date of expiry is the latest date not more than 20 years after
/// `today` (no travel document is issued for longer).
pub fn parse(text: &str, today: NaiveDate) -> Result<MrzReport, MrzError> {
    let (lines, layout, normalisation) = normalise(text)?;
    let spec = spec(layout);
    let zone = Zone { lines: &lines };

    let code_raw = zone.get(spec.code);
    if code_raw.starts_with('V') {
        return Err(MrzError::Visa { code: code_raw.to_string() });
    }

    let mut problems = Vec::new();
    let mut checks = Vec::new();
    let mut fields = Vec::new();
    let mut field = |name: MrzFieldName, span: Span| {
        fields.push(MrzField {
            field: name,
            line: span.line + 1,
            start: span.start + 1,
            length: span.len,
            raw: zone.get(span).to_string(),
        });
    };
    field(MrzFieldName::DocumentCode, spec.code);
    field(MrzFieldName::IssuingState, spec.state);
    field(MrzFieldName::DocumentNumber, spec.number);
    field(MrzFieldName::DocumentNumberCheckDigit, spec.number_cd);
    field(MrzFieldName::Nationality, spec.nationality);
    field(MrzFieldName::BirthDate, spec.birth);
    field(MrzFieldName::BirthDateCheckDigit, spec.birth_cd);
    field(MrzFieldName::Sex, spec.sex);
    field(MrzFieldName::ExpiryDate, spec.expiry);
    field(MrzFieldName::ExpiryDateCheckDigit, spec.expiry_cd);
    field(MrzFieldName::OptionalData, spec.optional);
    if let Some(span) = spec.optional_cd {
        field(MrzFieldName::OptionalDataCheckDigit, span);
    }
    if let Some(span) = spec.optional2 {
        field(MrzFieldName::OptionalData2, span);
    }
    field(MrzFieldName::CompositeCheckDigit, spec.composite_cd);
    field(MrzFieldName::Name, spec.name);
    fields.sort_by_key(|f| (f.line, f.start));

    // Document number, with the long-number rule of parts 5 and 6.
    let number_raw = zone.get(spec.number);
    let number_cd = zone.char_at(spec.number_cd);
    let optional_raw = zone.get(spec.optional);
    let mut document_number = number_raw.trim_end_matches('<').to_string();
    let mut extended = false;
    let mut optional_data = optional_raw.trim_end_matches('<').to_string();
    let number_full = !number_raw.ends_with('<');
    if spec.long_number && number_cd == '<' && number_full {
        extended = true;
        // The number continues in the optional data up to the first filler; the last of those
        // characters is the check digit over the whole number.
        let continuation: String = optional_raw.chars().take_while(|&c| c != '<').collect();
        let rest = optional_raw.get(continuation.len()..).unwrap_or("");
        optional_data = rest.trim_start_matches('<').trim_end_matches('<').to_string();
        let cd_line = spec.optional.line + 1;
        if continuation.is_empty() {
            checks.push(CheckDigit {
                field: CheckedField::DocumentNumber,
                line: cd_line,
                position: spec.optional.start + 1,
                covers: number_raw.to_string(),
                found: "<".to_string(),
                expected: digit_text(check_digit(number_raw)),
                passed: false,
                note: Some(
                    "the check-digit position holds '<', which announces a number longer than \
                     nine characters, but the optional data does not continue it"
                        .to_string(),
                ),
            });
        } else {
            let split = continuation.len() - 1;
            let (more, cd) = continuation.split_at_checked(split).unwrap_or(("", ""));
            document_number = format!("{number_raw}{more}");
            let expected = check_digit(&document_number);
            let found = cd.chars().next().unwrap_or('<');
            checks.push(CheckDigit {
                field: CheckedField::DocumentNumber,
                line: cd_line,
                position: spec.optional.start + 1 + split,
                covers: document_number.clone(),
                found: found.to_string(),
                expected: digit_text(expected),
                passed: digit_matches(found, expected),
                note: Some(format!(
                    "document number longer than nine characters: {} more in the optional \
                     data, its check digit after them (Doc 9303 {})",
                    more.len(),
                    if layout == MrzLayout::Td1 { "part 5" } else { "part 6" }
                )),
            });
        }
    } else {
        checks.push(simple_check(&zone, CheckedField::DocumentNumber, spec.number, spec.number_cd));
    }

    checks.push(simple_check(&zone, CheckedField::BirthDate, spec.birth, spec.birth_cd));
    checks.push(simple_check(&zone, CheckedField::ExpiryDate, spec.expiry, spec.expiry_cd));
    if let Some(cd_span) = spec.optional_cd {
        let mut check = simple_check(&zone, CheckedField::OptionalData, spec.optional, cd_span);
        // Part 4: when the personal number is not used, its check digit may be '<' or '0'.
        if optional_raw.chars().all(|c| c == '<') && matches!(check.found.as_str(), "<" | "0") {
            check.passed = true;
            check.note = Some("optional data empty; '<' or '0' stands for its check digit".into());
        }
        checks.push(check);
    }
    let composite_covers: String = spec.composite_covers.iter().map(|s| zone.get(*s)).collect();
    let composite_expected = check_digit(&composite_covers);
    let composite_found = zone.char_at(spec.composite_cd);
    checks.push(CheckDigit {
        field: CheckedField::Composite,
        line: spec.composite_cd.line + 1,
        position: spec.composite_cd.start + 1,
        covers: composite_covers,
        found: composite_found.to_string(),
        expected: digit_text(composite_expected),
        passed: digit_matches(composite_found, composite_expected),
        note: None,
    });

    // Codes: letters, fillers only at the end ("D<<" is Germany).
    let issuing_state = code_field(zone.get(spec.state), MrzFieldName::IssuingState, &mut problems);
    let nationality =
        code_field(zone.get(spec.nationality), MrzFieldName::Nationality, &mut problems);
    let document_code = zone.get(spec.code).trim_end_matches('<').to_string();
    if !document_code.chars().next().is_some_and(|c| c.is_ascii_uppercase()) {
        problems.push(problem(
            MrzFieldName::DocumentCode,
            "mrz.document_code",
            Outcome::Fail,
            format!("document code {:?} does not start with a letter", zone.get(spec.code)),
            layout.source(),
        ));
    }

    let birth_raw = zone.get(spec.birth);
    let birth_date = MrzDate { raw: birth_raw.to_string(), date: birth_date(birth_raw, today) };
    let expiry_raw = zone.get(spec.expiry);
    let expiry_date = MrzDate { raw: expiry_raw.to_string(), date: expiry_date(expiry_raw, today) };
    date_problems(&birth_date, MrzFieldName::BirthDate, "date of birth", &mut problems);
    date_problems(&expiry_date, MrzFieldName::ExpiryDate, "date of expiry", &mut problems);
    if let Some(expiry) = expiry_date.date {
        if expiry < today {
            problems.push(problem(
                MrzFieldName::ExpiryDate,
                "mrz.expired",
                Outcome::Fail,
                format!("the document expired on {expiry} (checked on {today})"),
                PART3_DATA,
            ));
        }
        if let Some(birth) = birth_date.date {
            if expiry <= birth {
                problems.push(problem(
                    MrzFieldName::ExpiryDate,
                    "mrz.dates_order",
                    Outcome::Fail,
                    format!("date of expiry {expiry} is not after date of birth {birth}"),
                    PART3_DATA,
                ));
            }
        }
    }

    let sex = match zone.char_at(spec.sex) {
        'F' => Sex::Female,
        'M' => Sex::Male,
        '<' => Sex::Unspecified,
        'X' => {
            problems.push(problem(
                MrzFieldName::Sex,
                "mrz.sex",
                Outcome::Info,
                "sex written 'X'; Doc 9303 writes '<' for unspecified in the MRZ".to_string(),
                PART3_DATA,
            ));
            Sex::Unspecified
        }
        other => {
            problems.push(problem(
                MrzFieldName::Sex,
                "mrz.sex",
                Outcome::Fail,
                format!("sex {other:?} is not one of 'F', 'M' or '<'"),
                PART3_DATA,
            ));
            Sex::Unspecified
        }
    };

    let name_raw = zone.get(spec.name);
    let (primary_identifier, secondary_identifier) = split_name(name_raw);
    let name_possibly_truncated = !name_raw.ends_with('<');
    if primary_identifier.is_empty() {
        problems.push(problem(
            MrzFieldName::Name,
            "mrz.name",
            Outcome::Fail,
            "the name field holds no primary identifier (surname)".to_string(),
            layout.source(),
        ));
    }
    if name_possibly_truncated {
        problems.push(problem(
            MrzFieldName::Name,
            "mrz.name_truncated",
            Outcome::Warn,
            "the name fills its field to the last character and may be truncated; compare \
             with the printed name"
                .to_string(),
            Source::new(DOC_9303, "Part 3, 4.6.5 Truncation of names"),
        ));
    }
    for check in checks.iter().filter(|c| !c.passed) {
        if !check.found.chars().all(|c| c.is_ascii_digit()) && check.note.is_none() {
            problems.push(problem(
                check.field.check_digit_field(),
                "mrz.check_digit_not_numeric",
                Outcome::Info,
                format!(
                    "the {} check digit is {:?}, not a digit; an OCR misreading (O for 0, \
                     I for 1) is the usual cause",
                    check.field.label(),
                    check.found
                ),
                CHECK_DIGIT_SOURCE,
            ));
        }
    }

    let optional_data_2 = spec.optional2.map(|s| zone.get(s).trim_end_matches('<').to_string());
    let valid =
        checks.iter().all(|c| c.passed) && problems.iter().all(|p| p.outcome != Outcome::Fail);

    Ok(MrzReport {
        layout,
        lines: lines.clone(),
        normalisation,
        document_code,
        issuing_state,
        document_number,
        document_number_extended: extended,
        nationality,
        birth_date,
        sex,
        expiry_date,
        primary_identifier,
        secondary_identifier,
        name_possibly_truncated,
        optional_data,
        optional_data_2,
        fields,
        check_digits: checks,
        problems,
        valid,
        source: layout.source(),
    })
}

fn problem(
    field: MrzFieldName,
    check: &str,
    outcome: Outcome,
    message: String,
    source: Source,
) -> MrzProblem {
    MrzProblem { field, check: check.to_string(), outcome, message, source }
}

fn digit_text(d: Option<u8>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "?".to_string())
}

fn digit_matches(found: char, expected: Option<u8>) -> bool {
    match (found.to_digit(10), expected) {
        (Some(f), Some(e)) => f == u32::from(e),
        _ => false,
    }
}

fn simple_check(zone: &Zone<'_>, field: CheckedField, data: Span, cd: Span) -> CheckDigit {
    let covers = zone.get(data).to_string();
    let expected = check_digit(&covers);
    let found = zone.char_at(cd);
    CheckDigit {
        field,
        line: cd.line + 1,
        position: cd.start + 1,
        covers,
        found: found.to_string(),
        expected: digit_text(expected),
        passed: digit_matches(found, expected),
        note: None,
    }
}

fn code_field(raw: &str, name: MrzFieldName, problems: &mut Vec<MrzProblem>) -> String {
    let code = raw.trim_end_matches('<');
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_uppercase()) {
        let what = if name == MrzFieldName::Nationality { "nationality" } else { "issuing state" };
        problems.push(problem(
            name,
            "mrz.state_code",
            Outcome::Fail,
            format!("{what} {raw:?} is not a code of letters (ICAO three-letter code)"),
            Source::new(DOC_9303, "Part 3, 5 Codes for nationality, place of issue and location"),
        ));
    }
    code.to_string()
}

fn date_problems(date: &MrzDate, name: MrzFieldName, label: &str, problems: &mut Vec<MrzProblem>) {
    if date.date.is_some() {
        return;
    }
    let (check, outcome, message) = if date.raw.contains('<') {
        // Doc 9303 lets unknown parts of a date of birth be fillers.
        ("mrz.date_unknown", Outcome::Warn, format!("{label} {:?} is partly unknown", date.raw))
    } else {
        (
            "mrz.date_invalid",
            Outcome::Fail,
            format!("{label} {:?} is not a calendar date", date.raw),
        )
    };
    problems.push(problem(name, check, outcome, message, PART3_DATA));
}

fn yymmdd(raw: &str) -> Option<(i32, u32, u32)> {
    if raw.len() != 6 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| raw.get(r).and_then(|s| s.parse::<u32>().ok());
    Some((i32::try_from(n(0..2)?).ok()?, n(2..4)?, n(4..6)?))
}

/// The latest date with these YYMMDD digits that is not after `limit`.
fn latest_not_after(raw: &str, limit: NaiveDate) -> Option<NaiveDate> {
    let (yy, mm, dd) = yymmdd(raw)?;
    let century = limit.year() - limit.year().rem_euclid(100);
    // Two centuries are enough: 29 February may exist in one and not in the other.
    [century + yy, century + yy - 100, century + yy - 200]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, mm, dd))
        .find(|d| *d <= limit)
}

fn birth_date(raw: &str, today: NaiveDate) -> Option<NaiveDate> {
    latest_not_after(raw, today)
}

fn expiry_date(raw: &str, today: NaiveDate) -> Option<NaiveDate> {
    let limit = today.checked_add_months(chrono::Months::new(20 * 12))?;
    latest_not_after(raw, limit)
}

/// Primary identifier before the first `<<`, secondary after it; single `<` separate name parts.
fn split_name(raw: &str) -> (String, String) {
    let trimmed = raw.trim_end_matches('<');
    let (primary, secondary) = match trimmed.find("<<") {
        Some(i) => (
            trimmed.get(..i).unwrap_or(""),
            trimmed.get(i + 2..).unwrap_or("").trim_start_matches('<'),
        ),
        None => (trimmed, ""),
    };
    let words = |s: &str| s.split('<').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    (words(primary), words(secondary))
}

/// Clean up the pasted text and decide the layout from the shape of what is left.
fn normalise(text: &str) -> Result<(Vec<String>, MrzLayout, Vec<String>), MrzError> {
    let mut notes = Vec::new();
    if text.contains('\r') {
        notes.push("read Windows (CR LF) line endings".to_string());
    }
    let raw_lines: Vec<&str> = text.lines().collect();
    let mut lines: Vec<String> = Vec::new();
    let mut blank = 0;
    let mut trimmed = false;
    for line in &raw_lines {
        let t = line.trim();
        if t.is_empty() {
            blank += 1;
            continue;
        }
        if t.len() != line.len() {
            trimmed = true;
        }
        lines.push(t.to_string());
    }
    if lines.is_empty() {
        return Err(MrzError::Empty);
    }
    // Blank lines before the first and after the last line are ordinary; report those between.
    let first = raw_lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(0);
    let last = raw_lines.iter().rposition(|l| !l.trim().is_empty()).unwrap_or(0);
    let inner_blank = raw_lines[first..=last].iter().filter(|l| l.trim().is_empty()).count();
    if trimmed || blank > inner_blank {
        notes.push("removed surrounding whitespace".to_string());
    }
    if inner_blank > 0 {
        notes.push(format!("removed {inner_blank} blank line(s) between the MRZ lines"));
    }
    if lines.iter().any(|l| l.chars().any(|c| c.is_lowercase())) {
        notes.push("converted lower-case letters to upper case".to_string());
        for line in &mut lines {
            *line = line.to_uppercase();
        }
    }

    let mut bad = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for (j, c) in line.chars().enumerate() {
            if char_value(c).is_none() {
                bad.push((i + 1, j + 1, c));
            }
        }
    }
    if !bad.is_empty() {
        return Err(MrzError::Characters { found: bad });
    }

    let lengths: Vec<usize> = lines.iter().map(|l| l.len()).collect();
    let layout = match lengths.as_slice() {
        [n] => {
            // Some scanners deliver the zone as one run of characters.
            let layout = MrzLayout::ALL
                .into_iter()
                .find(|l| l.line_count() * l.line_length() == *n)
                .ok_or(MrzError::Shape { lengths: lengths.clone() })?;
            let width = layout.line_length();
            let whole = lines.remove(0);
            lines = (0..layout.line_count())
                .map(|i| whole.get(i * width..(i + 1) * width).unwrap_or("").to_string())
                .collect();
            notes.push(format!(
                "split one line of {n} characters into {} lines of {width} ({layout})",
                layout.line_count()
            ));
            layout
        }
        [a, b] => {
            // Pick the two-line layout nearest to what was given, so that the error names the
            // line that is off rather than refusing the shape as a whole.
            let distance = |w: usize| a.abs_diff(w) + b.abs_diff(w);
            if distance(36) < distance(44) { MrzLayout::Td2 } else { MrzLayout::Td3 }
        }
        [_, _, _] => MrzLayout::Td1,
        _ => return Err(MrzError::Shape { lengths }),
    };
    let expected = layout.line_length();
    let wrong: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.len() != expected)
        .map(|(i, l)| (i + 1, l.len()))
        .collect();
    if !wrong.is_empty() {
        return Err(MrzError::LineLength { layout, expected, wrong });
    }
    Ok((lines, layout, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }
    /// The specimens are from 2012; check them on a day when they were still valid.
    fn specimen_day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2011, 6, 1).unwrap()
    }

    // ICAO Doc 9303 specimens of Anna Maria Eriksson, issuing state Utopia.
    const TD3_SPECIMEN: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                                L898902C36UTO7408122F1204159ZE184226B<<<<<10";
    const TD2_SPECIMEN: &str = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n\
                                D231458907UTO7408122F1204159<<<<<<<6";
    const TD1_SPECIMEN: &str = "I<UTOD231458907<<<<<<<<<<<<<<<\n\
                                7408122F1204159UTO<<<<<<<<<<<6\n\
                                ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
    // Doc 9303 part 11, appendix D.2: a TD1 with the 12-character number D23145890734.
    const TD1_LONG_NUMBER: &str = "I<UTOD23145890<7349<<<<<<<<<<<\n\
                                   3407127M9507122UTO<<<<<<<<<<<2\n\
                                   STEVENSON<<PETER<JOHN<<<<<<<<<";
    // The same person and number on a TD2, built by the part 6 rules: number continues in the
    // optional data (positions 29-35), check digit after it, composite over 1-10, 14-20, 22-35.
    const TD2_LONG_NUMBER: &str = "I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<\n\
                                   D23145890<UTO3407127M95071227349<<<8";

    #[test]
    fn check_digit_matches_doc_9303_worked_examples() {
        // Part 3, 4.9: "520727" has check digit 3; and the specimen fields.
        let rows = [
            ("520727", 3),
            ("L898902C3", 6),
            ("740812", 2),
            ("120415", 9),
            ("ZE184226B<<<<<", 1),
            ("D23145890", 7),
            ("D23145890734", 9),
            ("<<<<<<<<<", 0),
        ];
        for (data, digit) in rows {
            assert_eq!(check_digit(data), Some(digit), "{data}");
        }
        assert_eq!(check_digit("ab1"), None);
        assert_eq!(check_digit("A B"), None);
    }

    #[test]
    fn td3_specimen_reads_and_passes() {
        let r = parse(TD3_SPECIMEN, specimen_day()).unwrap();
        assert_eq!(r.layout, MrzLayout::Td3);
        assert!(r.valid, "{:#?}", r);
        assert_eq!(r.document_code, "P");
        assert_eq!(r.issuing_state, "UTO");
        assert_eq!(r.document_number, "L898902C3");
        assert!(!r.document_number_extended);
        assert_eq!(r.nationality, "UTO");
        assert_eq!(r.birth_date.date, NaiveDate::from_ymd_opt(1974, 8, 12));
        assert_eq!(r.sex, Sex::Female);
        assert_eq!(r.expiry_date.date, NaiveDate::from_ymd_opt(2012, 4, 15));
        assert_eq!(r.primary_identifier, "ERIKSSON");
        assert_eq!(r.secondary_identifier, "ANNA MARIA");
        assert!(!r.name_possibly_truncated);
        assert_eq!(r.optional_data, "ZE184226B");
        assert_eq!(r.optional_data_2, None);
        let fields: Vec<CheckedField> = r.check_digits.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            vec![
                CheckedField::DocumentNumber,
                CheckedField::BirthDate,
                CheckedField::ExpiryDate,
                CheckedField::OptionalData,
                CheckedField::Composite
            ]
        );
        assert!(r.check_digits.iter().all(|c| c.passed));
        assert_eq!(r.fields.len(), 14);
        assert!(r.normalisation.is_empty());
    }

    #[test]
    fn td2_specimen_reads_and_passes() {
        let r = parse(TD2_SPECIMEN, specimen_day()).unwrap();
        assert_eq!(r.layout, MrzLayout::Td2);
        assert!(r.valid, "{:#?}", r);
        assert_eq!(r.document_code, "I");
        assert_eq!(r.document_number, "D23145890");
        assert_eq!(r.birth_date.date, NaiveDate::from_ymd_opt(1974, 8, 12));
        assert_eq!(r.expiry_date.date, NaiveDate::from_ymd_opt(2012, 4, 15));
        assert_eq!(
            (r.primary_identifier.as_str(), r.secondary_identifier.as_str()),
            ("ERIKSSON", "ANNA MARIA")
        );
        assert_eq!(r.optional_data, "");
        assert_eq!(r.check_digits.len(), 4);
    }

    #[test]
    fn td1_specimen_reads_and_passes() {
        let r = parse(TD1_SPECIMEN, specimen_day()).unwrap();
        assert_eq!(r.layout, MrzLayout::Td1);
        assert!(r.valid, "{:#?}", r);
        assert_eq!(r.document_number, "D23145890");
        assert_eq!(r.nationality, "UTO");
        assert_eq!(r.sex, Sex::Female);
        assert_eq!(
            (r.primary_identifier.as_str(), r.secondary_identifier.as_str()),
            ("ERIKSSON", "ANNA MARIA")
        );
        assert_eq!(r.optional_data_2.as_deref(), Some(""));
        assert_eq!(r.check_digits.len(), 4);
    }

    #[test]
    fn long_document_numbers_continue_in_the_optional_data() {
        let day = NaiveDate::from_ymd_opt(1994, 1, 1).unwrap();
        for (text, layout) in [(TD1_LONG_NUMBER, MrzLayout::Td1), (TD2_LONG_NUMBER, MrzLayout::Td2)]
        {
            let r = parse(text, day).unwrap();
            assert_eq!(r.layout, layout);
            assert!(r.valid, "{:#?}", r);
            assert!(r.document_number_extended);
            assert_eq!(r.document_number, "D23145890734");
            assert_eq!(r.optional_data, "");
            assert_eq!(r.birth_date.date, NaiveDate::from_ymd_opt(1934, 7, 12));
            assert_eq!(r.sex, Sex::Male);
            assert_eq!(r.secondary_identifier, "PETER JOHN");
            let number = &r.check_digits[0];
            assert_eq!(number.field, CheckedField::DocumentNumber);
            assert_eq!(number.covers, "D23145890734");
            assert_eq!(number.found, "9");
        }
    }

    #[test]
    fn long_number_marker_without_continuation_fails_on_the_document_number() {
        let text = "I<UTOD23145890<<<<<<<<<<<<<<<<\n\
                    7408122F1204159UTO<<<<<<<<<<<6\n\
                    ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
        let r = parse(text, specimen_day()).unwrap();
        let failed: Vec<CheckedField> = r.failed_checks().map(|c| c.field).collect();
        assert!(failed.contains(&CheckedField::DocumentNumber), "{failed:?}");
        assert!(!r.valid);
    }

    #[test]
    fn td3_has_no_long_number_rule() {
        // A '<' in the TD3 number check-digit position is simply a wrong check digit.
        let text = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                    L898902C3<UTO7408122F1204159ZE184226B<<<<<10";
        let r = parse(text, specimen_day()).unwrap();
        assert!(!r.document_number_extended);
        let failed: Vec<CheckedField> = r.failed_checks().map(|c| c.field).collect();
        assert_eq!(failed, vec![CheckedField::DocumentNumber, CheckedField::Composite]);
    }

    /// Change one character so that its check-digit value moves by one: a change that every
    /// weight (7, 3, 1) turns into a different digit. (A change by ten, like 0 to A under
    /// weight 1, is invisible to the algorithm by design.)
    fn nudge(c: char) -> char {
        match c {
            '0'..='8' | 'A'..='Y' => char::from(c as u8 + 1),
            '9' => '8',
            'Z' => 'Y',
            '<' => '1',
            other => other,
        }
    }

    fn mutate(text: &str, line: usize, pos: usize) -> String {
        let mut lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
        let c = &mut lines[line - 1][pos - 1];
        *c = nudge(*c);
        lines.iter().map(|l| l.iter().collect::<String>()).collect::<Vec<_>>().join("\n")
    }

    use CheckedField::{
        BirthDate as B, Composite as C, DocumentNumber as N, ExpiryDate as E, OptionalData as O,
    };

    /// (line, first position, last position, checks that must fail), positions as in the
    /// Doc 9303 data-structure tables (from 1). Positions not listed are covered by no check.
    type Coverage = &'static [(usize, usize, usize, &'static [CheckedField])];

    const TD3_COVERAGE: Coverage = &[
        (2, 1, 10, &[N, C]),
        (2, 14, 20, &[B, C]),
        (2, 22, 28, &[E, C]),
        (2, 29, 43, &[O, C]),
        (2, 44, 44, &[C]),
    ];
    const TD2_COVERAGE: Coverage = &[
        (2, 1, 10, &[N, C]),
        (2, 14, 20, &[B, C]),
        (2, 22, 28, &[E, C]),
        (2, 29, 35, &[C]),
        (2, 36, 36, &[C]),
    ];
    const TD1_COVERAGE: Coverage = &[
        (1, 6, 15, &[N, C]),
        (1, 16, 30, &[C]),
        (2, 1, 7, &[B, C]),
        (2, 9, 15, &[E, C]),
        (2, 19, 29, &[C]),
        (2, 30, 30, &[C]),
    ];
    const TD1_LONG_COVERAGE: Coverage = &[
        (1, 6, 20, &[N, C]),
        (1, 21, 30, &[C]),
        (2, 1, 7, &[B, C]),
        (2, 9, 15, &[E, C]),
        (2, 19, 30, &[C]),
    ];
    const TD2_LONG_COVERAGE: Coverage = &[
        (2, 1, 10, &[N, C]),
        (2, 14, 20, &[B, C]),
        (2, 22, 28, &[E, C]),
        (2, 29, 33, &[N, C]),
        (2, 34, 36, &[C]),
    ];

    #[test]
    fn every_checked_character_changed_fails_the_right_fields() {
        let cases: [(&str, &str, Coverage, NaiveDate); 5] = [
            ("TD3", TD3_SPECIMEN, TD3_COVERAGE, specimen_day()),
            ("TD2", TD2_SPECIMEN, TD2_COVERAGE, specimen_day()),
            ("TD1", TD1_SPECIMEN, TD1_COVERAGE, specimen_day()),
            (
                "TD1 long",
                TD1_LONG_NUMBER,
                TD1_LONG_COVERAGE,
                NaiveDate::from_ymd_opt(1994, 1, 1).unwrap(),
            ),
            (
                "TD2 long",
                TD2_LONG_NUMBER,
                TD2_LONG_COVERAGE,
                NaiveDate::from_ymd_opt(1994, 1, 1).unwrap(),
            ),
        ];
        for (name, text, coverage, day) in cases {
            let lines: Vec<&str> = text.lines().collect();
            let mut tried = 0;
            for (line_no, line) in lines.iter().enumerate() {
                for pos in 1..=line.len() {
                    let expected: Vec<CheckedField> = coverage
                        .iter()
                        .find(|(l, a, b, _)| *l == line_no + 1 && (*a..=*b).contains(&pos))
                        .map(|(_, _, _, f)| f.to_vec())
                        .unwrap_or_default();
                    let changed = mutate(text, line_no + 1, pos);
                    let r = parse(&changed, day).unwrap();
                    let mut failed: Vec<CheckedField> =
                        r.failed_checks().map(|c| c.field).collect();
                    failed.sort_by_key(|f| f.as_str());
                    let mut want = expected.clone();
                    want.sort_by_key(|f| f.as_str());
                    assert_eq!(
                        failed,
                        want,
                        "{name}: line {} position {pos} changed:\n{changed}",
                        line_no + 1
                    );
                    if !expected.is_empty() {
                        assert!(!r.valid);
                        tried += 1;
                    }
                }
            }
            assert!(tried > 30, "{name}: only {tried} checked positions");
        }
    }

    #[test]
    fn input_is_normalised_and_the_repairs_are_reported() {
        let messy = "\r\n  p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<  \r\n\r\n\
                     L898902C36UTO7408122F1204159ZE184226B<<<<<10\r\n";
        let r = parse(messy, specimen_day()).unwrap();
        assert!(r.valid);
        assert_eq!(r.lines[0], "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
        let notes = r.normalisation.join("; ");
        for want in ["CR LF", "whitespace", "1 blank line", "upper case"] {
            assert!(notes.contains(want), "{want} missing from {notes}");
        }
        let one_line: String = TD1_SPECIMEN.lines().collect();
        let r = parse(&one_line, specimen_day()).unwrap();
        assert_eq!(r.layout, MrzLayout::Td1);
        assert!(r.valid);
        assert!(r.normalisation[0].contains("split one line of 90"));
    }

    #[test]
    fn wrong_shapes_are_refused_with_the_line_and_length() {
        let td3_short = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<1";
        let rows: [(&str, &str); 6] = [
            ("", "empty"),
            ("  \n \n", "empty"),
            (td3_short, "TD3 expects 44 characters per line, but line 2 has 43"),
            (
                "I<UTOD231458907<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
                "TD1 expects 30 characters per line, but line 1 has 29, line 3 has 31",
            ),
            ("ABC", "1 line of 3 characters; expected TD1"),
            ("A\nB\nC\nD", "4 lines of 1, 1, 1, 1 characters"),
        ];
        for (text, want) in rows {
            let err = parse(text, today()).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
        let err = parse("P<UTOERIKSSON<<ANNA MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10", today()).unwrap_err();
        assert_eq!(err, MrzError::Characters { found: vec![(1, 20, ' ')] });
        let visa = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<";
        assert!(matches!(parse(visa, today()), Err(MrzError::Visa { .. })));
    }

    #[test]
    fn dates_take_their_century_from_today() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let rows = [
            // (raw, birth, expiry)
            ("740812", Some((1974, 8, 12)), Some((1974, 8, 12))),
            ("261124", Some((2026, 11, 24)), Some((2026, 11, 24))),
            ("261125", Some((1926, 11, 25)), Some((2026, 11, 25))),
            ("461124", Some((1946, 11, 24)), Some((2046, 11, 24))),
            ("461125", Some((1946, 11, 25)), Some((1946, 11, 25))),
            ("000229", Some((2000, 2, 29)), Some((2000, 2, 29))),
            ("250229", None, None),
            ("741301", None, None),
            ("7408<<", None, None),
        ];
        let ymd =
            |t: Option<(i32, u32, u32)>| t.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
        for (raw, birth, expiry) in rows {
            assert_eq!(birth_date(raw, day), ymd(birth), "birth {raw}");
            assert_eq!(expiry_date(raw, day), ymd(expiry), "expiry {raw}");
        }
    }

    #[test]
    fn field_problems_are_reported_without_failing_the_parse() {
        // The specimen checked today has expired.
        let r = parse(TD3_SPECIMEN, today()).unwrap();
        assert!(!r.valid);
        assert!(r.check_digits.iter().all(|c| c.passed));
        let p: Vec<&str> = r.problems.iter().map(|p| p.check.as_str()).collect();
        assert_eq!(p, vec!["mrz.expired"]);

        // A name that fills its field is flagged as possibly truncated (warn, not fail).
        let full = "P<UTOERIKSSON<<ANNA<MARIA<ELISABETH<SOPHIEXX\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
        let r = parse(full, specimen_day()).unwrap();
        assert!(r.name_possibly_truncated);
        assert!(r.valid);
        assert_eq!(r.secondary_identifier, "ANNA MARIA ELISABETH SOPHIEXX");

        // A check digit read as a letter gets a hint about OCR.
        let ocr = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C3GUTO7408122F1204159ZE184226B<<<<<10";
        let r = parse(ocr, specimen_day()).unwrap();
        assert!(r.problems.iter().any(|p| p.check == "mrz.check_digit_not_numeric"));
    }

    #[test]
    fn report_serialises_every_field_and_check() {
        let r = parse(TD3_SPECIMEN, specimen_day()).unwrap();
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["layout"], "td3");
        assert_eq!(json["birth_date"]["date"], "1974-08-12");
        assert_eq!(json["check_digits"][4]["field"], "composite");
        assert_eq!(json["check_digits"][4]["passed"], true);
        assert_eq!(json["source"]["document"], DOC_9303);
        let back: MrzReport = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
        let findings = r.findings();
        assert_eq!(findings.len(), 5);
        assert!(findings.iter().all(|f| f.outcome == Outcome::Pass));
        assert_eq!(findings[0].check, "mrz.check_digit.document_number");
    }
}
