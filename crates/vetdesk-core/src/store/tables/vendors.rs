//! The `vendors` table: staffing vendors.

use crate::model::{Timestamp, Vendor, VendorFields, VendorId};
use crate::store::Result;
use crate::store::db::{Db, DbResult, Row, params};

const COLUMNS: &str = "id, name, contact, screening_attested, attestation_note, last_audit_on, \
                       created_at, updated_at";

fn from_row(r: &Row<'_>) -> DbResult<Vendor> {
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

pub(crate) fn list(db: &dyn Db) -> Result<Vec<Vendor>> {
    let sql = format!("SELECT {COLUMNS} FROM vendors ORDER BY {}", db.order_folded("name"));
    Ok(db.query_vec(&sql, &[], from_row)?)
}

pub(crate) fn get(db: &dyn Db, id: VendorId) -> Result<Option<Vendor>> {
    Ok(db.query_optional(
        &format!("SELECT {COLUMNS} FROM vendors WHERE id = ?1"),
        params![id],
        from_row,
    )?)
}

/// By name, ignoring case (names are unique that way).
pub(crate) fn by_name(db: &dyn Db, name: &str) -> Result<Option<Vendor>> {
    let sql = format!("SELECT {COLUMNS} FROM vendors WHERE {}", db.eq_folded("name", "?1"));
    Ok(db.query_optional(&sql, params![name.trim()], from_row)?)
}

/// By id when the key is all digits, else by name.
pub(crate) fn find(db: &dyn Db, key: &str) -> Result<Option<Vendor>> {
    match key.trim().parse::<VendorId>() {
        Ok(id) => get(db, id),
        Err(_) => by_name(db, key),
    }
}

pub(crate) fn insert(db: &dyn Db, id: VendorId, v: &VendorFields, at: &Timestamp) -> Result<()> {
    write(
        db,
        &format!("INSERT INTO vendors ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)"),
        id,
        v,
        at,
    )
}

pub(crate) fn update(db: &dyn Db, id: VendorId, v: &VendorFields, at: &Timestamp) -> Result<()> {
    write(
        db,
        "UPDATE vendors SET name = ?2, contact = ?3, screening_attested = ?4,
                attestation_note = ?5, last_audit_on = ?6, updated_at = ?7
         WHERE id = ?1",
        id,
        v,
        at,
    )
}

/// Both writes bind the same parameters: ?1 the id, ?2..?6 the fields, ?7 the time.
fn write(db: &dyn Db, sql: &str, id: VendorId, v: &VendorFields, at: &Timestamp) -> Result<()> {
    db.execute(
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
