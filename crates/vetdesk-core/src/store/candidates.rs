//! Candidates: the people being vetted. List-valued fields (other names, emails, phones) are
//! JSON arrays in their column.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::Result;
use crate::model::{Candidate, CandidateFields, CandidateId, Timestamp};

const COLUMNS: &str = "id, external_id, legal_name, other_names, emails, phones, home_address, \
                       shipping_address, claimed_location, time_zone, role, vendor_id, applied_on, \
                       application_ip, created_at, updated_at";

fn json_list(r: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<Vec<String>> {
    let text: String = r.get(index)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

pub(crate) fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Candidate> {
    Ok(Candidate {
        id: r.get(0)?,
        fields: CandidateFields {
            external_id: r.get(1)?,
            legal_name: r.get(2)?,
            other_names: json_list(r, 3)?,
            emails: json_list(r, 4)?,
            phones: json_list(r, 5)?,
            home_address: r.get(6)?,
            shipping_address: r.get(7)?,
            claimed_location: r.get(8)?,
            time_zone: r.get(9)?,
            role: r.get(10)?,
            vendor_id: r.get(11)?,
            applied_on: r.get(12)?,
            application_ip: r.get(13)?,
        },
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
    })
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<Candidate>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM candidates ORDER BY id"))?;
    let candidates = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(candidates)
}

pub(crate) fn get(conn: &Connection, id: CandidateId) -> Result<Option<Candidate>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM candidates WHERE id = ?1"), [id], from_row)
        .optional()?)
}

pub(crate) fn by_external_id(conn: &Connection, external_id: &str) -> Result<Option<Candidate>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM candidates WHERE external_id = ?1"),
            [external_id],
            from_row,
        )
        .optional()?)
}

pub(crate) fn next_id(conn: &Connection) -> Result<CandidateId> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM candidates", [], |r| r.get(0))?)
}

/// The parameters both writes bind, numbered ?1 (id) to ?15 (time of the change).
fn bind(id: CandidateId, c: &CandidateFields, at: &Timestamp) -> Result<Vec<Value>> {
    let list = |v: &Vec<String>| serde_json::to_string(v).map(Value::Text);
    let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::Text);
    Ok(vec![
        Value::Integer(id),
        text(&c.external_id),
        Value::Text(c.legal_name.clone()),
        list(&c.other_names)?,
        list(&c.emails)?,
        list(&c.phones)?,
        text(&c.home_address),
        text(&c.shipping_address),
        text(&c.claimed_location),
        text(&c.time_zone),
        text(&c.role),
        c.vendor_id.map_or(Value::Null, Value::Integer),
        c.applied_on.map_or(Value::Null, |d| Value::Text(d.to_string())),
        text(&c.application_ip),
        Value::Text(at.to_string()),
    ])
}

pub(crate) fn insert(
    conn: &Connection,
    id: CandidateId,
    c: &CandidateFields,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        &format!(
            "INSERT INTO candidates ({COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)"
        ),
        params_from_iter(bind(id, c, at)?),
    )?;
    Ok(())
}

pub(crate) fn update(
    conn: &Connection,
    id: CandidateId,
    c: &CandidateFields,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "UPDATE candidates SET external_id = ?2, legal_name = ?3, other_names = ?4, emails = ?5,
                phones = ?6, home_address = ?7, shipping_address = ?8, claimed_location = ?9,
                time_zone = ?10, role = ?11, vendor_id = ?12, applied_on = ?13,
                application_ip = ?14, updated_at = ?15
         WHERE id = ?1",
        params_from_iter(bind(id, c, at)?),
    )?;
    Ok(())
}
