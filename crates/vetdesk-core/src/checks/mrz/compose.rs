//! Writing a passport's machine-readable zone (TD3) from its fields, by the same position table
//! and check-digit rule that reading uses, so that what is composed reads back as given. For
//! sample data and tests; it neither truncates nor transliterates names (Doc 9303 part 3,
//! 4.6.5 and section 6 leave choices to the issuing state), it refuses what does not fit.

use chrono::NaiveDate;

use super::layout::{Span, spec};
use super::{MrzFieldName, MrzLayout, Sex, char_value, check_digit};

/// The data of a TD3 zone as a person would type it; letters may be in either case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Td3Data {
    /// `P` for a passport, optionally followed by a second letter chosen by the state.
    pub document_code: String,
    /// ICAO code of the issuing state, e.g. `USA`, `D`, `UTO`.
    pub issuing_state: String,
    /// The primary identifier; words separated by spaces or hyphens.
    pub surname: String,
    /// The secondary identifier, empty when the holder has none.
    pub given_names: String,
    /// At most nine letters and digits (TD3 has no long-number rule).
    pub document_number: String,
    pub nationality: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub expiry_date: NaiveDate,
    /// The personal number (optional data), at most 14 letters and digits; empty if unused.
    pub personal_number: String,
}

/// A field that cannot be written into a TD3 zone; says which field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ComposeError {
    pub field: MrzFieldName,
    pub message: String,
}

fn refuse(field: MrzFieldName, message: String) -> ComposeError {
    ComposeError { field, message }
}

/// Upper-cased letters and digits (letters only with `letters_only`), 1..=`max` of them
/// (0 allowed with `may_be_empty`).
fn code(
    field: MrzFieldName,
    label: &str,
    text: &str,
    max: usize,
    letters_only: bool,
    may_be_empty: bool,
) -> Result<String, ComposeError> {
    let value = text.trim().to_ascii_uppercase();
    let allowed = |c: char| c.is_ascii_uppercase() || (!letters_only && c.is_ascii_digit());
    if let Some(c) = value.chars().find(|&c| !allowed(c)) {
        let kind = if letters_only { "letters A-Z" } else { "letters A-Z and digits" };
        return Err(refuse(field, format!("{label} {text:?}: {c:?} is not allowed ({kind} only)")));
    }
    let count = value.chars().count();
    if count > max || (count == 0 && !may_be_empty) {
        let range = if may_be_empty { format!("at most {max}") } else { format!("1 to {max}") };
        return Err(refuse(field, format!("{label} {text:?} must be {range} characters")));
    }
    Ok(value)
}

/// `SURNAME<<GIVEN<NAMES`: spaces and hyphens separate name parts, apostrophes are left out
/// (Doc 9303 part 3, 4.6); any other character must be transliterated first.
fn name(surname: &str, given: &str) -> Result<String, ComposeError> {
    let words = |text: &str| -> Result<String, ComposeError> {
        let mut parts = Vec::new();
        for word in text.split([' ', '-']).filter(|w| !w.is_empty()) {
            let word: String = word.chars().filter(|c| !matches!(c, '\'' | '’')).collect();
            let word = word.to_ascii_uppercase();
            if let Some(c) = word.chars().find(|c| !c.is_ascii_uppercase()) {
                return Err(refuse(
                    MrzFieldName::Name,
                    format!(
                        "name {text:?}: {c:?} has no MRZ form here; transliterate it first \
                         (ICAO Doc 9303 part 3, section 6)"
                    ),
                ));
            }
            parts.push(word);
        }
        Ok(parts.join("<"))
    };
    let primary = words(surname)?;
    if primary.is_empty() {
        return Err(refuse(MrzFieldName::Name, "the surname is empty".to_string()));
    }
    let secondary = words(given)?;
    let field = if secondary.is_empty() { primary } else { format!("{primary}<<{secondary}") };
    let width = spec(MrzLayout::Td3).name.len;
    if field.len() > width {
        return Err(refuse(
            MrzFieldName::Name,
            format!(
                "the name {field:?} has {} characters and the field {width}; truncate it as \
                 the issuing state would (ICAO Doc 9303 part 3, 4.6.5)",
                field.len()
            ),
        ));
    }
    Ok(field)
}

/// The zone being written: two lines of fillers, fields placed by their spans.
struct Grid(Vec<Vec<char>>);

impl Grid {
    fn put(&mut self, span: Span, text: &str) {
        if let Some(line) = self.0.get_mut(span.line) {
            for (i, c) in text.chars().take(span.len).enumerate() {
                if let Some(slot) = line.get_mut(span.start + i) {
                    *slot = c;
                }
            }
        }
    }

    fn get(&self, span: Span) -> String {
        self.0
            .get(span.line)
            .map(|l| l.iter().skip(span.start).take(span.len).collect())
            .unwrap_or_default()
    }

    /// Writes the check digit of the characters under `covers` at `at`.
    fn check(&mut self, covers: &[Span], at: Span) {
        let data: String = covers.iter().map(|s| self.get(*s)).collect();
        // Every character placed was checked against the MRZ set, so a digit always comes out.
        let digit = check_digit(&data).map_or('<', |d| char::from(b'0' + d));
        self.put(at, &digit.to_string());
    }
}

/// The two lines of a TD3 zone (joined by `\n`) holding `data`, every check digit computed.
pub fn compose_td3(data: &Td3Data) -> Result<String, ComposeError> {
    let spec = spec(MrzLayout::Td3);
    let document_code =
        code(MrzFieldName::DocumentCode, "document code", &data.document_code, 2, true, false)?;
    if document_code.starts_with('V') {
        return Err(refuse(
            MrzFieldName::DocumentCode,
            format!("document code {:?} is a visa, not a TD3 document", data.document_code),
        ));
    }
    let issuing_state =
        code(MrzFieldName::IssuingState, "issuing state", &data.issuing_state, 3, true, false)?;
    let nationality =
        code(MrzFieldName::Nationality, "nationality", &data.nationality, 3, true, false)?;
    let number = code(
        MrzFieldName::DocumentNumber,
        "document number",
        &data.document_number,
        spec.number.len,
        false,
        false,
    )?;
    let personal = code(
        MrzFieldName::OptionalData,
        "personal number",
        &data.personal_number,
        spec.optional.len,
        false,
        true,
    )?;
    let name = name(&data.surname, &data.given_names)?;
    let sex = match data.sex {
        Sex::Female => "F",
        Sex::Male => "M",
        Sex::Unspecified => "<",
    };

    let mut grid = Grid(vec![vec!['<'; MrzLayout::Td3.line_length()]; 2]);
    grid.put(spec.code, &document_code);
    grid.put(spec.state, &issuing_state);
    grid.put(spec.name, &name);
    grid.put(spec.number, &number);
    grid.put(spec.nationality, &nationality);
    grid.put(spec.birth, &data.birth_date.format("%y%m%d").to_string());
    grid.put(spec.sex, sex);
    grid.put(spec.expiry, &data.expiry_date.format("%y%m%d").to_string());
    grid.put(spec.optional, &personal);
    grid.check(&[spec.number], spec.number_cd);
    grid.check(&[spec.birth], spec.birth_cd);
    grid.check(&[spec.expiry], spec.expiry_cd);
    if let Some(at) = spec.optional_cd {
        grid.check(&[spec.optional], at);
    }
    grid.check(spec.composite_covers, spec.composite_cd);
    debug_assert!(grid.0.iter().flatten().all(|&c| char_value(c).is_some()));
    let lines: Vec<String> = grid.0.iter().map(|l| l.iter().collect()).collect();
    Ok(lines.join("\n"))
}
