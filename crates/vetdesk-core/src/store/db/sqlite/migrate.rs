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
    ("0003_triage.sql", include_str!("migrations/0003_triage.sql")),
    ("0004_ledger.sql", include_str!("migrations/0004_ledger.sql")),
    ("0005_no_pending_rows.sql", include_str!("migrations/0005_no_pending_rows.sql")),
    ("0006_employees.sql", include_str!("migrations/0006_employees.sql")),
    ("0007_scale_indexes.sql", include_str!("migrations/0007_scale_indexes.sql")),
    ("0008_policy.sql", include_str!("migrations/0008_policy.sql")),
    ("0009_preview_hashes.sql", include_str!("migrations/0009_preview_hashes.sql")),
    ("0010_switch_password.sql", include_str!("migrations/0010_switch_password.sql")),
    ("0011_retention.sql", include_str!("migrations/0011_retention.sql")),
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
        if *name == "0004_ledger.sql" {
            backfill_ledger(&tx)?;
        }
        tx.pragma_update(None, "user_version", version).map_err(db_error)?;
        tx.commit().map_err(db_error)?;
        tracing::info!(migration = name, version, "applied schema migration");
    }
    Ok(found)
}

/// Gives every record written before the ledger existed its entry, in the order written: the
/// ledger then attests the log as it stood when this Vetdesk first opened it.
fn backfill_ledger(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    let mut read =
        tx.prepare("SELECT chain, seq, hash FROM audit_log ORDER BY id").map_err(db_error)?;
    let records = read
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
        })
        .map_err(db_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_error)?;
    let mut write = tx
        .prepare(
            "INSERT INTO ledger (n, chain, seq, record_hash, prev, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(db_error)?;
    let mut prev = crate::model::GENESIS_HASH.to_string();
    for (i, (chain, seq, record_hash)) in records.into_iter().enumerate() {
        let n = i as i64 + 1;
        let hash = crate::chain::ledger_hash(n, &chain, seq, &record_hash, &prev);
        write
            .execute(rusqlite::params![n, chain, seq, record_hash, prev, hash])
            .map_err(db_error)?;
        prev = hash;
    }
    Ok(())
}
