//! Machine-readable zones written for sample documents: TD3 (passport, two lines of 44) and TD1
//! (ID card, three lines of 30), laid out as ICAO Doc 9303 parts 4 and 5 describe. The check
//! digits are computed here, independently of the core's reader, so that the reader checks
//! zones it did not write; a test rebuilds the specimen zones printed in Doc 9303.

use chrono::{Datelike, NaiveDate};

/// The fields a zone carries. Names and numbers are upper case A–Z, 0–9 and spaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MrzData {
    /// Three-letter code; `UTO` is Utopia, the fictitious state of the Doc 9303 specimens.
    pub state: &'static str,
    pub number: String,
    pub surname: String,
    pub given_names: String,
    pub birth: NaiveDate,
    /// `F`, `M` or `<`.
    pub sex: char,
    pub expiry: NaiveDate,
    /// TD3 personal number (14 characters at most); empty when unused.
    pub personal_number: String,
}

/// A deliberate flaw, for the documents the sample wants a reviewer to catch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flaw {
    None,
    /// The date-of-birth check digit is off by one, as when a digit was edited by hand without
    /// recomputing the zone (the composite digit then fails too).
    BirthCheckDigit,
}

/// Doc 9303 part 3, 4.9: values 0–9, A=10 … Z=35, `<`=0, weighted 7, 3, 1, summed, mod 10.
pub(crate) fn check_digit(data: &str) -> char {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = data
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let value = match c {
                '0'..='9' => u32::from(c) - u32::from('0'),
                'A'..='Z' => u32::from(c) - u32::from('A') + 10,
                _ => 0,
            };
            value * WEIGHTS[i % 3]
        })
        .sum();
    char::from(b'0' + (sum % 10) as u8)
}

/// Upper case, letters and digits kept, everything else a filler.
fn field(text: &str) -> String {
    text.chars()
        .map(|c| c.to_ascii_uppercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '<' })
        .collect()
}

/// `text` cut or padded with fillers to exactly `len` characters.
fn fit(text: &str, len: usize) -> String {
    let mut out: String = text.chars().take(len).collect();
    while out.chars().count() < len {
        out.push('<');
    }
    out
}

fn yymmdd(date: NaiveDate) -> String {
    format!("{:02}{:02}{:02}", date.year().rem_euclid(100), date.month(), date.day())
}

fn name_field(data: &MrzData, len: usize) -> String {
    fit(&format!("{}<<{}", field(&data.surname), field(&data.given_names)), len)
}

/// The birth check digit as the zone shows it: with the flaw, one more than it should be
/// (the composite digit, computed over the true one, then fails too).
fn flawed(digit: char, flaw: Flaw) -> char {
    match (flaw, digit) {
        (Flaw::None, d) => d,
        (Flaw::BirthCheckDigit, '9') => '0',
        (Flaw::BirthCheckDigit, d) => char::from(d as u8 + 1),
    }
}

/// A passport zone (TD3): two lines of 44.
pub(crate) fn td3(data: &MrzData, flaw: Flaw) -> String {
    let line1 = fit(&format!("P<{}{}", data.state, name_field(data, 39)), 44);
    let number = fit(&field(&data.number), 9);
    let number_cd = check_digit(&number);
    let birth = yymmdd(data.birth);
    let birth_cd = check_digit(&birth);
    let expiry = yymmdd(data.expiry);
    let expiry_cd = check_digit(&expiry);
    let personal = fit(&field(&data.personal_number), 14);
    // Part 4: an unused personal number may carry '<' as its check digit.
    let personal_cd = if personal.chars().all(|c| c == '<') { '<' } else { check_digit(&personal) };
    let composite = check_digit(&format!(
        "{number}{number_cd}{birth}{birth_cd}{expiry}{expiry_cd}{personal}{personal_cd}"
    ));
    let birth_cd = flawed(birth_cd, flaw);
    let line2 = format!(
        "{number}{number_cd}{}{birth}{birth_cd}{}{expiry}{expiry_cd}{personal}{personal_cd}{composite}",
        data.state, data.sex
    );
    format!("{line1}\n{line2}")
}

/// An ID-card zone (TD1): three lines of 30.
pub(crate) fn td1(data: &MrzData, flaw: Flaw) -> String {
    let number = fit(&field(&data.number), 9);
    let number_cd = check_digit(&number);
    let optional1 = fit("", 15);
    let line1 = format!("I<{}{number}{number_cd}{optional1}", data.state);
    let birth = yymmdd(data.birth);
    let birth_cd = check_digit(&birth);
    let expiry = yymmdd(data.expiry);
    let expiry_cd = check_digit(&expiry);
    let optional2 = fit("", 11);
    // Part 5: upper line 6–30, middle line 1–7, 9–15 and 19–29.
    let composite = check_digit(&format!(
        "{number}{number_cd}{optional1}{birth}{birth_cd}{expiry}{expiry_cd}{optional2}"
    ));
    let birth_cd = flawed(birth_cd, flaw);
    let line2 = format!(
        "{birth}{birth_cd}{}{expiry}{expiry_cd}{}{optional2}{composite}",
        data.sex, data.state
    );
    let line3 = name_field(data, 30);
    format!("{line1}\n{line2}\n{line3}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use vetdesk_core::checks::mrz as reader;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn eriksson(number: &str, personal: &str) -> MrzData {
        MrzData {
            state: "UTO",
            number: number.into(),
            surname: "Eriksson".into(),
            given_names: "Anna Maria".into(),
            birth: day(1974, 8, 12),
            sex: 'F',
            expiry: day(2012, 4, 15),
            personal_number: personal.into(),
        }
    }

    #[test]
    fn rebuilds_the_doc_9303_specimen_zones() {
        // The specimens of Doc 9303 part 4 (TD3) and part 5 (TD1), character for character.
        assert_eq!(
            td3(&eriksson("L898902C3", "ZE184226B"), Flaw::None),
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
             L898902C36UTO7408122F1204159ZE184226B<<<<<10"
        );
        assert_eq!(
            td1(&eriksson("D23145890", ""), Flaw::None),
            "I<UTOD231458907<<<<<<<<<<<<<<<\n\
             7408122F1204159UTO<<<<<<<<<<<6\n\
             ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
        );
    }

    #[test]
    fn the_core_reader_accepts_sound_zones_and_names_the_flawed_digit() {
        let today = day(2026, 11, 2);
        let mut data = eriksson("UT1234567", "");
        data.expiry = day(2030, 1, 31);
        for zone in [td3(&data, Flaw::None), td1(&data, Flaw::None)] {
            let report = reader::parse(&zone, today).unwrap();
            assert!(report.valid, "{zone}\n{:?}", report.problems);
            assert_eq!(report.birth_date.date, Some(day(1974, 8, 12)));
            assert_eq!(report.expiry_date.date, Some(day(2030, 1, 31)));
            assert_eq!(report.primary_identifier, "ERIKSSON");
        }
        for zone in [td3(&data, Flaw::BirthCheckDigit), td1(&data, Flaw::BirthCheckDigit)] {
            let report = reader::parse(&zone, today).unwrap();
            let failed: Vec<_> = report.failed_checks().map(|c| c.field.as_str()).collect();
            assert_eq!(failed, ["birth_date", "composite"], "{zone}");
        }
    }
}
