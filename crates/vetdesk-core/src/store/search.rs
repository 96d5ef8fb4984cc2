//! Search over candidates, notes and evidence descriptions, and over the normalised
//! identifiers investigators look for. What a user types is read two ways: as words for the
//! backend's full-text index (so that no input can be a syntax error of the index's query
//! language; SQLite: FTS5 with BM25 ranking, diacritics folded so that "Zoe" finds "Zoë"), and
//! as identifiers normalised as the link keys are (a phone in any common format as E.164 or by
//! its last digits, an email, an IP address, an address's delivery line, a document number, a
//! bank account's last four digits, a VPN provider or range label). Identifier hits rank above
//! text hits, and every hit says which field matched.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::db::Db;
pub use super::db::SearchKind;
use super::derived::{email_key, ip_key};
use super::tables::identifiers::{self, KeyMatch};
use super::{Result, StoreError};
use crate::checks::{address, phone};
use crate::model::{CandidateId, CaseId};
use crate::verification::{LinkKind, LinkRole};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchHit {
    pub kind: SearchKind,
    /// Id of the candidate, note or evidence record.
    pub ref_id: i64,
    /// The case to open: the note's or evidence's case, the case of the record holding the
    /// identifier (a reference, a payment, an observed IP, a document), or the candidate's
    /// newest case.
    pub case_id: Option<CaseId>,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub title: String,
    /// Matching text with the matches between `[` and `]`.
    pub snippet: String,
    /// The field that matched, e.g. "reference's email", "phone (last digits)", "note".
    pub matched: String,
    /// Higher is better.
    pub score: f64,
}

/// The words of what a user typed: letters and digits with `@ . + _` inside (emails, phone
/// numbers and names stay whole), dots trimmed at the ends.
pub(crate) fn words(input: &str) -> Vec<String> {
    input
        .split(|c: char| !(c.is_alphanumeric() || c == '@' || c == '.' || c == '+' || c == '_'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// One way of reading the input as an identifier.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Probe {
    Key {
        kind: LinkKind,
        value: String,
        how: KeyMatch,
    },
    /// An identity document number: capitals, no spaces or dashes.
    Document(String),
    /// A VPN provider or range label named in an anonymising-IP flag.
    RangeLabel(String),
}

/// Fewest digits for a phone found by its end ("0199" would match too much noise below four).
const MIN_PHONE_DIGITS: usize = 4;

fn key(kind: LinkKind, value: String, how: KeyMatch) -> Probe {
    Probe::Key { kind, value, how }
}

/// Every identifier the input could be, as the link keys store it.
pub(crate) fn probes(input: &str) -> Vec<Probe> {
    let t = input.trim();
    let mut out = Vec::new();
    if t.is_empty() {
        return out;
    }
    if t.contains('@') {
        out.extend(email_key(t).map(|v| key(LinkKind::Email, v, KeyMatch::Exact)));
        return out;
    }
    if let Some(ip) = ip_key(t) {
        out.push(key(LinkKind::Ip, ip, KeyMatch::Exact));
        return out;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let phone_like = t.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if phone_like && digits.len() >= MIN_PHONE_DIGITS {
        // A number that fits its numbering plan is one key; anything shorter ("555-0199") is
        // the end of one. Without a country code a number is read as North American, which
        // takes ten digits: fewer are an end without asking the phone library, whose first
        // parse in a process (its metadata and patterns) costs some 60 ms.
        let international = t.starts_with('+') || t.starts_with("00") || t.starts_with("011");
        let number =
            if international || digits.len() >= 10 { phone::normalize(t).ok() } else { None };
        match number {
            Some(n) if n.valid => out.push(key(LinkKind::Phone, n.e164, KeyMatch::Exact)),
            _ => out.push(key(LinkKind::Phone, digits.clone(), KeyMatch::Suffix)),
        }
    }
    // A bank account by its last four digits, typed bare or behind a mask.
    let unmasked = t.trim_start_matches(['•', '*', 'x', 'X', '.', ' ']);
    if unmasked.len() == 4 && unmasked.chars().all(|c| c.is_ascii_digit()) {
        out.push(key(LinkKind::BankAccount, format!("{unmasked} (routing"), KeyMatch::Shown));
    }
    let has_letter = t.chars().any(char::is_alphabetic);
    // An address: a number and words; found by its delivery line whatever ZIP code follows.
    if has_letter
        && !digits.is_empty()
        && t.contains(char::is_whitespace)
        && let Ok(a) = address::normalize(t)
    {
        let delivery = a.key.split('|').next().unwrap_or_default().to_string();
        if !delivery.is_empty() {
            out.push(key(LinkKind::Address, format!("{delivery}|"), KeyMatch::Prefix));
        }
    }
    let compact: String = t.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if (5..=20).contains(&compact.len())
        && !digits.is_empty()
        && compact.chars().all(|c| c.is_ascii_alphanumeric())
    {
        out.push(Probe::Document(compact.to_ascii_uppercase()));
    }
    if has_letter && t.chars().count() >= 3 {
        out.push(Probe::RangeLabel(t.to_string()));
    }
    out
}

/// Scores: an identifier that is the input beats one that ends or starts with it, which beats
/// any text match (BM25 scores stay far below these).
const EXACT: f64 = 1000.0;
const PARTIAL: f64 = 500.0;
const LABEL: f64 = 300.0;

fn identifier_hits(db: &dyn Db, input: &str) -> Result<Vec<SearchHit>> {
    let mut out = Vec::new();
    for probe in probes(input) {
        match probe {
            Probe::Key { kind, value, how } => {
                for h in identifiers::holders_of(db, kind, &value, how)? {
                    let (matched, score) = match how {
                        KeyMatch::Exact => (h.role.label().to_string(), EXACT),
                        KeyMatch::Suffix => (format!("{} (last digits)", h.role.label()), PARTIAL),
                        KeyMatch::Prefix => (format!("{} (street)", h.role.label()), PARTIAL),
                        KeyMatch::Shown => ("bank account (last four digits)".to_string(), PARTIAL),
                    };
                    let shown = match h.role {
                        LinkRole::BankAccount => h.display.clone(),
                        _ => format!("[{}]", h.display),
                    };
                    out.push(SearchHit {
                        kind: SearchKind::Candidate,
                        ref_id: h.candidate_id,
                        case_id: h.case_id,
                        candidate_id: h.candidate_id,
                        title: h.candidate_name.clone(),
                        candidate_name: h.candidate_name,
                        snippet: format!("{}: {shown}", h.role.label()),
                        matched,
                        score,
                    });
                }
            }
            Probe::Document(number) => {
                for d in identifiers::documents_numbered(db, &number)? {
                    let label = format!("{} number", d.kind.as_str().replace('_', " "));
                    out.push(SearchHit {
                        kind: SearchKind::Candidate,
                        ref_id: d.candidate_id,
                        case_id: Some(d.case_id),
                        candidate_id: d.candidate_id,
                        title: d.candidate_name.clone(),
                        candidate_name: d.candidate_name,
                        snippet: format!("{label} (document {}): [{}]", d.document_id, d.number),
                        matched: label,
                        score: EXACT,
                    });
                }
            }
            Probe::RangeLabel(label) => {
                for r in identifiers::anonymising_ranges_named(db, &label)? {
                    let ip = r.subject.strip_prefix("ip:").unwrap_or(&r.subject);
                    out.push(SearchHit {
                        kind: SearchKind::Candidate,
                        ref_id: r.candidate_id,
                        case_id: Some(r.case_id),
                        candidate_id: r.candidate_id,
                        title: r.candidate_name.clone(),
                        candidate_name: r.candidate_name,
                        snippet: format!("{ip} is in a range labelled [{label}]"),
                        matched: "VPN or hosting range of an IP address".to_string(),
                        score: LABEL,
                    });
                }
            }
        }
    }
    // One hit per case and field: a phone written twice on one record is one match.
    let mut seen = BTreeSet::new();
    out.retain(|h| seen.insert((h.case_id, h.candidate_id, h.matched.clone(), h.snippet.clone())));
    Ok(out)
}

pub(crate) fn search(db: &dyn Db, input: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let words = words(input);
    if words.is_empty() {
        return Err(StoreError::invalid("search needs at least one word"));
    }
    let mut hits = identifier_hits(db, input)?;
    let by_identifier: BTreeSet<CandidateId> = hits.iter().map(|h| h.candidate_id).collect();
    for row in db.search(&words, limit)? {
        // The candidate's own entry adds nothing to an identifier of theirs already found.
        if row.kind == SearchKind::Candidate && by_identifier.contains(&row.candidate_id) {
            continue;
        }
        let matched = match row.kind {
            SearchKind::Candidate => "name or details",
            SearchKind::Note => "note",
            SearchKind::Evidence => "evidence name or description",
        };
        hits.push(SearchHit {
            kind: row.kind,
            ref_id: row.ref_id,
            case_id: row.case_id.or(row.newest_case),
            candidate_id: row.candidate_id,
            candidate_name: row.candidate_name,
            // A hit in the title has no body snippet worth showing; show the title then.
            snippet: if row.snippet.contains('[') { row.snippet } else { row.title.clone() },
            title: row.title,
            matched: matched.to_string(),
            score: row.score,
        });
    }
    // Stable: equal scores keep the order the lookups gave.
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits.truncate(limit);
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::{KeyMatch, Probe, probes, words};
    use crate::verification::LinkKind;

    #[test]
    fn user_input_becomes_plain_words() {
        let cases: &[(&str, &[&str])] = &[
            ("anna", &["anna"]),
            ("Anna Maria", &["Anna", "Maria"]),
            ("a.b+tag@gmail.com", &["a.b+tag@gmail.com"]),
            ("NOT AND OR", &["NOT", "AND", "OR"]),
            ("\"unbalanced", &["unbalanced"]),
            ("name:x -y", &["name", "x", "y"]),
            ("   ", &[]),
            ("***", &[]),
            ("Zoë", &["Zoë"]),
            ("...end.", &["end"]),
        ];
        for (input, expected) in cases {
            assert_eq!(words(input), *expected, "{input:?}");
        }
    }

    fn phone(value: &str, how: KeyMatch) -> Probe {
        Probe::Key { kind: LinkKind::Phone, value: value.into(), how }
    }

    fn phones(input: &str) -> Vec<Probe> {
        let is_phone = |p: &Probe| matches!(p, Probe::Key { kind: LinkKind::Phone, .. });
        probes(input).into_iter().filter(is_phone).collect()
    }

    /// Every common spelling of one phone number becomes its E.164 key; a local part becomes
    /// the last digits.
    #[test]
    fn phones_in_any_common_format_become_one_key() {
        for input in [
            "+16465550199",
            "+1 646 555 0199",
            "(646) 555-0199",
            "646-555-0199",
            "646.555.0199",
            "6465550199",
            "1-646-555-0199",
            "001 646 555 0199",
        ] {
            assert_eq!(phones(input), [phone("+16465550199", KeyMatch::Exact)], "{input:?}");
        }
        assert_eq!(phones("555-0199"), [phone("5550199", KeyMatch::Suffix)]);
        assert!(probes("019").is_empty(), "three digits are too few");
    }

    #[test]
    fn other_identifiers_are_read_as_the_link_keys_store_them() {
        let email = probes("Ana.Silva@Example.COM");
        assert!(
            matches!(&email[..], [Probe::Key { kind: LinkKind::Email, how: KeyMatch::Exact, .. }]),
            "{email:?}"
        );
        let ip = probes(" 203.0.113.9 ");
        assert_eq!(
            ip,
            [Probe::Key { kind: LinkKind::Ip, value: "203.0.113.9".into(), how: KeyMatch::Exact }]
        );
        assert!(probes("X1234567").contains(&Probe::Document("X1234567".into())));
        assert!(probes("x12-345 67").contains(&Probe::Document("X1234567".into())));
        let bank = probes("••••6789");
        assert!(bank.contains(&Probe::Key {
            kind: LinkKind::BankAccount,
            value: "6789 (routing".into(),
            how: KeyMatch::Shown
        }));
        let address = probes("1200 Industrial Parkway Suite 4");
        assert!(
            address.iter().any(|p| matches!(
                p,
                Probe::Key { kind: LinkKind::Address, how: KeyMatch::Prefix, value }
                    if value.ends_with('|')
            )),
            "{address:?}"
        );
        assert!(probes("ExampleVPN").contains(&Probe::RangeLabel("ExampleVPN".into())));
        assert!(!probes("Anna").iter().any(|p| matches!(p, Probe::Document(_))));
    }
}
