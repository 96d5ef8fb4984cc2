//! Reading a zone: normalise the pasted text, decide the layout, extract every field, verify
//! every check digit and report each problem with the field it concerns.

use chrono::{Datelike, NaiveDate};

use super::layout::{Span, Zone, spec};
use super::{
    CHECK_DIGIT_SOURCE, CheckDigit, CheckedField, DOC_9303, MrzDate, MrzError, MrzField,
    MrzFieldName, MrzLayout, MrzProblem, MrzReport, PART3_DATA, Sex, char_value, check_digit,
};
use crate::checks::{Outcome, Source};

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
        if let Some(birth) = birth_date.date
            && expiry <= birth
        {
            problems.push(problem(
                MrzFieldName::ExpiryDate,
                "mrz.dates_order",
                Outcome::Fail,
                format!("date of expiry {expiry} is not after date of birth {birth}"),
                PART3_DATA,
            ));
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

pub(super) fn birth_date(raw: &str, today: NaiveDate) -> Option<NaiveDate> {
    latest_not_after(raw, today)
}

pub(super) fn expiry_date(raw: &str, today: NaiveDate) -> Option<NaiveDate> {
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
