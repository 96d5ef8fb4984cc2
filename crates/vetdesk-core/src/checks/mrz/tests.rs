use super::read::{birth_date, expiry_date};
use super::*;
use chrono::NaiveDate;

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
    for (text, layout) in [(TD1_LONG_NUMBER, MrzLayout::Td1), (TD2_LONG_NUMBER, MrzLayout::Td2)] {
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
                let mut failed: Vec<CheckedField> = r.failed_checks().map(|c| c.field).collect();
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
    let td3_short =
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<1";
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
    let ymd = |t: Option<(i32, u32, u32)>| t.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d));
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

fn specimen_data() -> Td3Data {
    Td3Data {
        document_code: "P".into(),
        issuing_state: "UTO".into(),
        surname: "Eriksson".into(),
        given_names: "Anna Maria".into(),
        document_number: "L898902C3".into(),
        nationality: "UTO".into(),
        birth_date: NaiveDate::from_ymd_opt(1974, 8, 12).unwrap(),
        sex: Sex::Female,
        expiry_date: NaiveDate::from_ymd_opt(2012, 4, 15).unwrap(),
        personal_number: "ZE184226B".into(),
    }
}

#[test]
fn composing_the_specimen_s_fields_gives_the_specimen() {
    assert_eq!(compose_td3(&specimen_data()).unwrap(), TD3_SPECIMEN);
}

#[test]
fn a_composed_zone_reads_back_as_given_and_passes() {
    let rows = [
        ("Olafsdottir", "", "ab12", "", Sex::Unspecified, "D"),
        ("O'Brien-Smith", "Mary Jo", "X1", "12345678901234", Sex::Male, "IRL"),
        ("Eriksson", "Anna Maria", "L898902C3", "", Sex::Female, "USA"),
    ];
    for (surname, given, number, personal, sex, state) in rows {
        let data = Td3Data {
            surname: surname.into(),
            given_names: given.into(),
            document_number: number.into(),
            personal_number: personal.into(),
            sex,
            issuing_state: state.into(),
            nationality: state.into(),
            birth_date: NaiveDate::from_ymd_opt(1991, 3, 14).unwrap(),
            expiry_date: NaiveDate::from_ymd_opt(2031, 5, 1).unwrap(),
            ..specimen_data()
        };
        let text = compose_td3(&data).unwrap();
        let r = parse(&text, today()).unwrap();
        assert!(r.valid, "{text}: {:?}", r.problems);
        assert_eq!(r.layout, MrzLayout::Td3);
        assert_eq!(r.document_number, number.to_ascii_uppercase());
        assert_eq!(r.issuing_state, state);
        assert_eq!(r.nationality, state);
        assert_eq!(r.sex, sex);
        assert_eq!(r.birth_date.date, Some(data.birth_date));
        assert_eq!(r.expiry_date.date, Some(data.expiry_date));
        assert_eq!(r.optional_data, personal);
        let surname = surname.replace('\'', "").replace('-', " ").to_uppercase();
        assert_eq!(r.primary_identifier, surname);
        assert_eq!(r.secondary_identifier, given.to_uppercase());
    }
}

#[test]
fn fields_that_do_not_fit_a_td3_zone_are_refused_with_their_field() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let rows: Vec<(&str, Td3Data, MrzFieldName, &str)> = vec![
        (
            "accented letter",
            Td3Data { surname: "Ólafsdóttir".into(), ..specimen_data() },
            MrzFieldName::Name,
            "transliterate",
        ),
        (
            "empty surname",
            Td3Data { surname: " ".into(), ..specimen_data() },
            MrzFieldName::Name,
            "surname is empty",
        ),
        (
            "name too long",
            Td3Data {
                given_names: "Anna Maria Sofia Charlotte Elisabeth".into(),
                ..specimen_data()
            },
            MrzFieldName::Name,
            "truncate",
        ),
        (
            "ten-character number",
            Td3Data { document_number: "L898902C31".into(), ..specimen_data() },
            MrzFieldName::DocumentNumber,
            "1 to 9",
        ),
        (
            "filler in the number",
            Td3Data { document_number: "L898<02C3".into(), ..specimen_data() },
            MrzFieldName::DocumentNumber,
            "'<' is not allowed",
        ),
        (
            "digit in a state code",
            Td3Data { issuing_state: "U1O".into(), ..specimen_data() },
            MrzFieldName::IssuingState,
            "'1' is not allowed",
        ),
        (
            "four-letter nationality",
            Td3Data { nationality: "UTOP".into(), ..specimen_data() },
            MrzFieldName::Nationality,
            "1 to 3",
        ),
        (
            "visa code",
            Td3Data { document_code: "V".into(), ..specimen_data() },
            MrzFieldName::DocumentCode,
            "visa",
        ),
        (
            "personal number too long",
            Td3Data { personal_number: "123456789012345".into(), ..specimen_data() },
            MrzFieldName::OptionalData,
            "at most 14",
        ),
    ];
    for (what, data, field, says) in rows {
        let e = compose_td3(&data).unwrap_err();
        assert_eq!(e.field, field, "{what}: {e}");
        assert!(e.to_string().contains(says), "{what}: {e}");
    }
    // Dates are typed values: any calendar date has its six digits.
    let data = Td3Data { birth_date: day(2000, 2, 29), ..specimen_data() };
    assert!(compose_td3(&data).unwrap().contains("000229"));
}
