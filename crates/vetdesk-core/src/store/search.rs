//! Full-text search over candidates, notes and evidence descriptions (SQLite FTS5, BM25
//! ranking, diacritics folded so that "Zoe" finds "Zoë").

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Result, StoreError};
use crate::model::text_enum;
use crate::model::{CandidateId, CaseId};

text_enum! {
    pub enum SearchKind {
        Candidate => "candidate",
        Note => "note",
        Evidence => "evidence",
    }
}

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

/// Turns what a user typed into an FTS5 query that cannot be a syntax error: every word is
/// quoted (so `AND`, `-`, `:` and quotes are plain text), words must all match, and the last
/// word also matches as a prefix so results come while typing.
pub(crate) fn fts_query(input: &str) -> Option<String> {
    let words: Vec<String> = input
        .split(|c: char| !(c.is_alphanumeric() || c == '@' || c == '.' || c == '+' || c == '_'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    let (last, rest) = words.split_last()?;
    let mut terms: Vec<String> = rest.to_vec();
    terms.push(format!("{last}*"));
    Some(terms.join(" "))
}

pub(crate) fn search(conn: &Connection, input: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let Some(query) = fts_query(input) else {
        return Err(StoreError::invalid("search needs at least one word"));
    };
    let mut stmt = conn.prepare(
        "SELECT s.kind, s.ref_id, s.case_id, s.candidate_id, p.legal_name, s.title,
                snippet(search_index, 5, '[', ']', '…', 12), bm25(search_index, 0, 0, 0, 0, 8.0, 1.0),
                (SELECT max(c.id) FROM cases c WHERE c.candidate_id = s.candidate_id)
         FROM search_index s
         JOIN candidates p ON p.id = s.candidate_id
         WHERE search_index MATCH ?1
         ORDER BY bm25(search_index, 0, 0, 0, 0, 8.0, 1.0), s.ref_id
         LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![query, limit as i64], |r| {
        let kind: SearchKind = r.get(0)?;
        let case_id: Option<i64> = r.get(2)?;
        let newest_case: Option<i64> = r.get(8)?;
        let title: String = r.get(5)?;
        let snippet: String = r.get(6)?;
        let rank: f64 = r.get(7)?;
        Ok(SearchHit {
            kind,
            ref_id: r.get(1)?,
            case_id: case_id.or(newest_case),
            candidate_id: r.get(3)?,
            candidate_name: r.get(4)?,
            // A hit in the title has no body snippet worth showing; show the title then.
            snippet: if snippet.contains('[') { snippet } else { title.clone() },
            title,
            score: -rank,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn user_input_becomes_a_safe_prefix_query() {
        let cases = [
            ("anna", Some("\"anna\"*")),
            ("Anna Maria", Some("\"Anna\" \"Maria\"*")),
            ("a.b+tag@gmail.com", Some("\"a.b+tag@gmail.com\"*")),
            ("NOT AND OR", Some("\"NOT\" \"AND\" \"OR\"*")),
            ("\"unbalanced", Some("\"unbalanced\"*")),
            ("name:x -y", Some("\"name\" \"x\" \"y\"*")),
            ("   ", None),
            ("***", None),
            ("Zoë", Some("\"Zoë\"*")),
        ];
        for (input, expected) in cases {
            assert_eq!(fts_query(input).as_deref(), expected, "{input:?}");
        }
    }
}
