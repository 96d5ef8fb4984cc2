//! Staffing vendors.

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use crate::model::{Timestamp, Vendor, VendorFields, VendorId};

const COLUMNS: &str = "id, name, contact, screening_attested, attestation_note, last_audit_on, \
                       created_at, updated_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Vendor> {
    Ok(Vendor {
        id: r.get(0)?,
        fields: VendorFields {
            name: r.get(1)?,
            contact: r.get(2)?,
            screening_attested: r.get(3)?,
            attestation_note: r.get(4)?,
            last_audit_on: r.get(5)?,
        },
        created_at: r.get(6)?,
        updated_at: r.get(7)?,
    })
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<Vendor>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM vendors ORDER BY name"))?;
    let vendors = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(vendors)
}

pub(crate) fn get(conn: &Connection, id: VendorId) -> Result<Option<Vendor>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM vendors WHERE id = ?1"), [id], from_row)
        .optional()?)
}

pub(crate) fn by_name(conn: &Connection, name: &str) -> Result<Option<Vendor>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM vendors WHERE name = ?1 COLLATE NOCASE"),
            [name.trim()],
            from_row,
        )
        .optional()?)
}

/// By id when the key is all digits, else by name.
pub(crate) fn find(conn: &Connection, key: &str) -> Result<Option<Vendor>> {
    match key.trim().parse::<VendorId>() {
        Ok(id) => get(conn, id),
        Err(_) => by_name(conn, key),
    }
}

pub(crate) fn next_id(conn: &Connection) -> Result<VendorId> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM vendors", [], |r| r.get(0))?)
}

pub(crate) fn insert(
    conn: &Connection,
    id: VendorId,
    v: &VendorFields,
    at: &Timestamp,
) -> Result<()> {
    write(
        conn,
        &format!("INSERT INTO vendors ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)"),
        id,
        v,
        at,
    )
}

pub(crate) fn update(
    conn: &Connection,
    id: VendorId,
    v: &VendorFields,
    at: &Timestamp,
) -> Result<()> {
    write(
        conn,
        "UPDATE vendors SET name = ?2, contact = ?3, screening_attested = ?4,
                attestation_note = ?5, last_audit_on = ?6, updated_at = ?7
         WHERE id = ?1",
        id,
        v,
        at,
    )
}

/// Both writes bind the same parameters: ?1 the id, ?2..?6 the fields, ?7 the time.
fn write(
    conn: &Connection,
    sql: &str,
    id: VendorId,
    v: &VendorFields,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        sql,
        params![
            id,
            v.name,
            v.contact,
            v.screening_attested,
            v.attestation_note,
            v.last_audit_on,
            at
        ],
    )?;
    Ok(())
}
