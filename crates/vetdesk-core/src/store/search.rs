//! Full-text search over candidates, notes and evidence descriptions: what a user types becomes
//! words (so that no input can be a syntax error of the index's query language), the backend's
//! full-text index finds them (SQLite: FTS5 with BM25 ranking, diacritics folded so that "Zoe"
//! finds "Zoë").

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::db::Db;
pub use super::db::SearchKind;
use super::{Result, StoreError};
use crate::model::{CandidateId, CaseId};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct SearchHit {
    pub kind: SearchKind,
    /// Id of the candidate, note or evidence record.
    pub ref_id: i64,
    /// The case to open: the note's or evidence's case, or the candidate's newest case.
    pub case_id: Option<CaseId>,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub title: String,
    /// Matching text with the matches between `[` and `]`.
    pub snippet: String,
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

pub(crate) fn search(db: &dyn Db, input: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let words = words(input);
    if words.is_empty() {
        return Err(StoreError::invalid("search needs at least one word"));
    }
    Ok(db
        .search(&words, limit)?
        .into_iter()
        .map(|row| SearchHit {
            kind: row.kind,
            ref_id: row.ref_id,
            case_id: row.case_id.or(row.newest_case),
            candidate_id: row.candidate_id,
            candidate_name: row.candidate_name,
            // A hit in the title has no body snippet worth showing; show the title then.
            snippet: if row.snippet.contains('[') { row.snippet } else { row.title.clone() },
            title: row.title,
            score: row.score,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::words;

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
}
