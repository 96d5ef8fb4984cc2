//! The `candidates` table: the people being vetted. List-valued fields (other names, emails,
//! phones) are JSON arrays in their column.

use std::cell::RefCell;
use std::collections::HashMap;

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
    if let Some(found) = RECENT.with(|r| r.borrow().as_ref().and_then(|r| r.rows.get(&id).cloned()))
    {
        return Ok(Some(found));
    }
    let found = db.query_optional(
        &format!("SELECT {COLUMNS} FROM candidates WHERE id = ?1"),
        params![id],
        from_row,
    )?;
    if let Some(c) = &found {
        Recent::keep(c.clone());
    }
    Ok(found)
}

thread_local! {
    /// The candidates a bulk write in progress on this thread wrote or read (`Recent`).
    static RECENT: RefCell<Option<Recent>> = const { RefCell::new(None) };
}

/// While it lives, the candidates written and read on this thread are kept as written, so
/// that the steps of a bulk write that read a candidate back (its link keys, its case, its
/// flags, its search entry: four reads per imported row) do not read and parse the row again.
/// Every write to the table through this module replaces what is kept; a bulk write that
/// rolls part of its work back calls `forget`.
pub(crate) struct Recent {
    rows: HashMap<CandidateId, Candidate>,
    capacity: usize,
}

impl Recent {
    /// Keeps up to `capacity` candidates (emptied when full, like `checks::memo`).
    pub(crate) fn start(capacity: usize) -> RecentGuard {
        RECENT.with(|r| *r.borrow_mut() = Some(Recent { rows: HashMap::new(), capacity }));
        RecentGuard(())
    }

    fn keep(c: Candidate) {
        RECENT.with(|r| {
            if let Some(recent) = r.borrow_mut().as_mut() {
                if recent.rows.len() >= recent.capacity {
                    recent.rows.clear();
                }
                recent.rows.insert(c.id, c);
            }
        });
    }
}

/// Ends the keeping of `Recent` when dropped.
pub(crate) struct RecentGuard(());

impl RecentGuard {
    /// After a rollback to a savepoint: what was kept may be gone or different.
    pub(crate) fn forget(&self) {
        RECENT.with(|r| {
            if let Some(recent) = r.borrow_mut().as_mut() {
                recent.rows.clear();
            }
        });
    }
}

impl Drop for RecentGuard {
    fn drop(&mut self) {
        RECENT.with(|r| *r.borrow_mut() = None);
    }
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
    Recent::keep(Candidate { id, fields: c.clone(), created_at: *at, updated_at: *at });
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
    // Read again when asked (its creation time is not at hand here).
    RECENT.with(|r| {
        if let Some(recent) = r.borrow_mut().as_mut() {
            recent.rows.remove(&id);
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::db::sqlite::scratch;

    fn fields(name: &str) -> CandidateFields {
        CandidateFields {
            external_id: Some(format!("ATS-{name}")),
            legal_name: name.to_string(),
            other_names: vec![format!("{name} Alias")],
            emails: vec![format!("{}@example.com", name.to_lowercase())],
            phones: vec!["+1 202 555 0143".into()],
            home_address: Some("12 Oak Ct, Austin, TX 78701".into()),
            role: Some("Engineer".into()),
            ..CandidateFields::default()
        }
    }

    /// What a bulk write keeps is what reading the table gives: the same fields and times.
    #[test]
    fn a_kept_candidate_reads_as_the_table_holds_it_and_an_update_is_read_again() {
        let db = scratch().unwrap_or_else(|e| panic!("{e}"));
        let db: &dyn Db = &*db;
        let at = Timestamp::now();
        let recent = Recent::start(16);
        insert(db, 1, &fields("Ana"), &at).unwrap_or_else(|e| panic!("{e}"));
        let kept = get(db, 1).unwrap_or_else(|e| panic!("{e}"));
        recent.forget();
        let read = get(db, 1).unwrap_or_else(|e| panic!("{e}"));
        assert!(kept.is_some());
        assert_eq!(kept, read);

        let later = Timestamp::from_datetime(at.as_datetime() + chrono::Duration::seconds(5));
        update(db, 1, &fields("Bea"), &later).unwrap_or_else(|e| panic!("{e}"));
        let after = get(db, 1).unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("gone"));
        assert_eq!(after.fields.legal_name, "Bea");
        assert_eq!((after.created_at, after.updated_at), (at, later));
        drop(recent);
        assert_eq!(get(db, 1).unwrap_or_else(|e| panic!("{e}")), Some(after));
    }
}
