//! Schema migrations: numbered SQL files embedded at compile time, applied in order on open,
//! the version kept in `PRAGMA user_version`. A database written by a newer Vetdesk is refused,
//! never silently downgraded.

use rusqlite::Connection;

use super::StoreError;

/// Every migration, in order; the database's `user_version` is the number of those applied.
pub(crate) const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_core.sql", include_str!("migrations/0001_core.sql")),
    ("0002_verification.sql", include_str!("migrations/0002_verification.sql")),
];

pub(crate) fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// Connection settings every connection gets: WAL so the app and the CLI can read while the
/// other writes, full sync because evidence and audit records must survive power loss,
/// foreign keys, and a busy timeout instead of an immediate "database is locked".
pub(crate) fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = FULL;",
    )?;
    Ok(())
}

pub(crate) fn enable_wal(conn: &Connection) -> Result<(), StoreError> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        return Err(StoreError::invalid(format!(
            "the database could not be switched to WAL journal mode (got {mode})"
        )));
    }
    Ok(())
}

/// Brings the schema up to date, one transaction per migration.
pub(crate) fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    let found: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let supported = latest_version();
    if found > supported {
        return Err(StoreError::NewerSchema { found, supported });
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = index as u32 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql).map_err(|e| StoreError::Migration {
            name: (*name).to_string(),
            message: e.to_string(),
        })?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(migration = name, version, "applied schema migration");
    }
    Ok(supported)
}

/// Applies the whole schema to a fresh database (used for the replay that `verify` runs).
pub(crate) fn create_fresh(conn: &mut Connection) -> Result<(), StoreError> {
    configure(conn)?;
    migrate(conn)?;
    Ok(())
}
