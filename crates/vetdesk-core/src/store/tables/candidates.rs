//! The `candidates` table: the people being vetted. List-valued fields (other names, emails,
//! phones) are JSON arrays in their column.

use crate::model::{Candidate, CandidateFields, CandidateId, Timestamp, VendorId};
use crate::store::Result;
use crate::store::db::{Db, DbResult, Json, Row, ToValue, Value, params};

const COLUMNS: &str = "id, external_id, legal_name, other_names, emails, phones, home_address, \
                       shipping_address, claimed_location, time_zone, role, vendor_id, applied_on, \
                       application_ip, created_at, updated_at";

fn from_row(r: &Row<'_>) -> DbResult<Candidate> {
    Ok(Candidate {
        id: r.get(0)?,
        fields: CandidateFields {
            external_id: r.get(1)?,
            legal_name: r.get(2)?,
            other_names: r.get::<Json<_>>(3)?.0,
            emails: r.get::<Json<_>>(4)?.0,
            phones: r.get::<Json<_>>(5)?.0,
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

pub(crate) fn list(db: &dyn Db) -> Result<Vec<Candidate>> {
    Ok(db.query_vec(&format!("SELECT {COLUMNS} FROM candidates ORDER BY id"), &[], from_row)?)
}

pub(crate) fn get(db: &dyn Db, id: CandidateId) -> Result<Option<Candidate>> {
    Ok(db.query_optional(
        &format!("SELECT {COLUMNS} FROM candidates WHERE id = ?1"),
        params![id],
        from_row,
    )?)
}

pub(crate) fn by_external_id(db: &dyn Db, external_id: &str) -> Result<Option<Candidate>> {
    Ok(db.query_optional(
        &format!("SELECT {COLUMNS} FROM candidates WHERE external_id = ?1"),
        params![external_id],
        from_row,
    )?)
}

/// Every candidate id, in order.
pub(crate) fn ids(db: &dyn Db) -> Result<Vec<CandidateId>> {
    Ok(db.query_vec("SELECT id FROM candidates ORDER BY id", &[], |r| r.get(0))?)
}

/// The candidates a vendor supplied.
pub(crate) fn of_vendor(db: &dyn Db, vendor_id: VendorId) -> Result<Vec<CandidateId>> {
    Ok(db.query_vec("SELECT id FROM candidates WHERE vendor_id = ?1", params![vendor_id], |r| {
        r.get(0)
    })?)
}

/// The parameters both writes bind, numbered ?1 (id) to ?15 (time of the change).
fn bind(id: CandidateId, c: &CandidateFields, at: &Timestamp) -> Vec<Value> {
    vec![
        id.to_value(),
        c.external_id.to_value(),
        c.legal_name.to_value(),
        Json(&c.other_names).to_value(),
        Json(&c.emails).to_value(),
        Json(&c.phones).to_value(),
        c.home_address.to_value(),
        c.shipping_address.to_value(),
        c.claimed_location.to_value(),
        c.time_zone.to_value(),
        c.role.to_value(),
        c.vendor_id.to_value(),
        c.applied_on.to_value(),
        c.application_ip.to_value(),
        at.to_value(),
    ]
}

pub(crate) fn insert(
    db: &dyn Db,
    id: CandidateId,
    c: &CandidateFields,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        &format!(
            "INSERT INTO candidates ({COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)"
        ),
        &bind(id, c, at),
    )?;
    Ok(())
}

pub(crate) fn update(
    db: &dyn Db,
    id: CandidateId,
    c: &CandidateFields,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        "UPDATE candidates SET external_id = ?2, legal_name = ?3, other_names = ?4, emails = ?5,
                phones = ?6, home_address = ?7, shipping_address = ?8, claimed_location = ?9,
                time_zone = ?10, role = ?11, vendor_id = ?12, applied_on = ?13,
                application_ip = ?14, updated_at = ?15
         WHERE id = ?1",
        &bind(id, c, at),
    )?;
    Ok(())
}
