//! Schema migrations of the SQLite backend: numbered SQL files embedded at compile time,
//! applied in order on open, the version kept in `PRAGMA user_version`. A database written by
//! a newer Vetdesk is refused, never silently downgraded.

use rusqlite::Connection;

use super::db_error;
use crate::store::StoreError;

/// Every migration, in order; the database's `user_version` is the number of those applied.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_core.sql", include_str!("migrations/0001_core.sql")),
    ("0002_verification.sql", include_str!("migrations/0002_verification.sql")),
    ("0003_no_pending_rows.sql", include_str!("migrations/0003_no_pending_rows.sql")),
];

pub(crate) fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// The schema version a database is at.
pub(crate) fn version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(db_error)?)
}

/// Brings the schema up to date, one transaction per migration; returns the version found.
pub(crate) fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    let found = version(conn)?;
    let supported = latest_version();
    if found > supported {
        return Err(StoreError::NewerSchema { found, supported });
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as u32 + 1;
        let tx = conn.transaction().map_err(db_error)?;
        tx.execute_batch(sql).map_err(|e| StoreError::Migration {
            name: (*name).to_string(),
            message: e.to_string(),
        })?;
        tx.pragma_update(None, "user_version", version).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        tracing::info!(migration = name, version, "applied schema migration");
    }
    Ok(found)
}
