//! One query module per table (or aggregate, for the queue): the only place store SQL is
//! written, all of it through the seam in `db`.

pub(crate) mod adverse;
pub(crate) mod audit;
pub(crate) mod candidates;
pub(crate) mod cases;
pub(crate) mod checklist;
pub(crate) mod employees;
pub(crate) mod evidence;
pub(crate) mod evidence_chunks;
pub(crate) mod identifiers;
pub(crate) mod links;
pub(crate) mod lists;
pub(crate) mod notes;
pub(crate) mod person_keys;
pub(crate) mod policy;
pub(crate) mod queue;
pub(crate) mod records;
pub(crate) mod retention;
pub(crate) mod telemetry;
pub(crate) mod users;
pub(crate) mod vendors;

use crate::store::Result;
use crate::store::db::Db;

/// The id the next row of `table` gets: ids are the store's own (filled into the change before
/// it is written), so that replaying the log gives every row the id it has.
pub(crate) fn next_id(db: &dyn Db, table: &'static str) -> Result<i64> {
    Ok(db.query_value(&db.next_id_sql(table), &[])?)
}
