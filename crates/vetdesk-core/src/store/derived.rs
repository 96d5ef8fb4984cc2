//! Derived data kept beside the state: the full-text search index. It is written in the same
//! transaction as the change it follows, can be rebuilt from the tables at any time, and is
//! not part of what `verify` compares.

use rusqlite::{Connection, params};

use super::{Result, cases};
use crate::change::Change;
use crate::model::{Candidate, Timestamp};

/// Keeps the derived tables in step with one applied change.
pub(crate) fn after_change(conn: &Connection, at: &Timestamp, change: &Change) -> Result<()> {
    super::verification::after_change(conn, at, change)?;
    match change {
        Change::AddCandidate { id: Some(id), .. } | Change::UpdateCandidate { id, .. } => {
            index_candidate(conn, *id)
        }
        Change::AddNote { id: Some(id), case_id, text } => {
            let candidate_id = candidate_of_case(conn, *case_id)?;
            conn.execute(
                "INSERT INTO search_index (kind, ref_id, case_id, candidate_id, title, body)
                 VALUES ('note', ?1, ?2, ?3, '', ?4)",
                params![id, case_id, candidate_id, text],
            )?;
            Ok(())
        }
        Change::AttachEvidence { id: Some(id), case_id, original_name, description, .. } => {
            let candidate_id = candidate_of_case(conn, *case_id)?;
            conn.execute(
                "INSERT INTO search_index (kind, ref_id, case_id, candidate_id, title, body)
                 VALUES ('evidence', ?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    case_id,
                    candidate_id,
                    original_name,
                    description.as_deref().unwrap_or("")
                ],
            )?;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn candidate_of_case(conn: &Connection, case_id: i64) -> Result<i64> {
    Ok(conn.query_row("SELECT candidate_id FROM cases WHERE id = ?1", [case_id], |r| r.get(0))?)
}

fn candidate_body(c: &Candidate) -> String {
    let f = &c.fields;
    let mut parts: Vec<&str> = Vec::new();
    // Names in Latin letters too, so that "Petrov" finds "Петров" and "Muller" finds "Müller".
    let transliterated: Vec<String> = std::iter::once(&f.legal_name)
        .chain(&f.other_names)
        .map(|n| deunicode::deunicode(n))
        .filter(|t| !f.legal_name.eq_ignore_ascii_case(t))
        .collect();
    parts.extend(transliterated.iter().map(String::as_str));
    parts.extend(f.other_names.iter().map(String::as_str));
    parts.extend(f.emails.iter().map(String::as_str));
    parts.extend(f.phones.iter().map(String::as_str));
    for v in [&f.external_id, &f.home_address, &f.shipping_address, &f.claimed_location, &f.role]
        .into_iter()
        .flatten()
    {
        parts.push(v);
    }
    parts.join("\n")
}

fn index_candidate(conn: &Connection, id: i64) -> Result<()> {
    let Some(candidate) = super::candidates::get(conn, id)? else {
        return Ok(());
    };
    // A candidate's entry has rowid -id: FTS5 cannot index `ref_id`, so finding the old entry
    // by it would scan the whole index on every candidate change (quadratic on an import).
    conn.execute("DELETE FROM search_index WHERE rowid = ?1", [-id])?;
    conn.execute(
        "INSERT INTO search_index (rowid, kind, ref_id, case_id, candidate_id, title, body)
         VALUES (?1, 'candidate', ?2, NULL, ?2, ?3, ?4)",
        params![-id, id, candidate.fields.legal_name, candidate_body(&candidate)],
    )?;
    Ok(())
}

/// Rebuilds every derived table: the search index, and the link index and address history.
#[allow(dead_code)]
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    super::verification::rebuild_derived(conn)?;
    conn.execute("DELETE FROM search_index", [])?;
    for candidate in super::candidates::list(conn)? {
        index_candidate(conn, candidate.id)?;
    }
    let case_ids: Vec<i64> = conn
        .prepare("SELECT id FROM cases")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for case_id in case_ids {
        for note in cases::notes(conn, case_id)? {
            after_change(
                conn,
                &note.created_at,
                &Change::AddNote { id: Some(note.id), case_id, text: note.text },
            )?;
        }
        for e in cases::evidence_of_case(conn, case_id)? {
            conn.execute(
                "INSERT INTO search_index (kind, ref_id, case_id, candidate_id, title, body)
                 VALUES ('evidence', ?1, ?2, (SELECT candidate_id FROM cases WHERE id = ?2), ?3, ?4)",
                params![e.id, case_id, e.original_name, e.description.unwrap_or_default()],
            )?;
        }
    }
    Ok(())
}
