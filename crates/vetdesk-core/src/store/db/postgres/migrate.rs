//! Schema migrations of the PostgreSQL backend: SQL files embedded at compile time, numbered as
//! the SQLite migrations they mirror, applied in order by the database owner, the version kept
//! in the one-row table `vetdesk_schema`. A database written by a newer Vetdesk is refused.
//! Two clients opening a new database at once do not both migrate it: the first takes an
//! advisory lock, the second waits and finds it done.

use super::PgConn;
use crate::store::StoreError;
use crate::store::db::Db;

/// Migrations as (version after it, name, SQL). The first brings a new database to the SQLite
/// schema version 10 at once; each later SQLite migration gets its own file here, and versions
/// past SQLite's are PostgreSQL's own: 12 the row rules of team mode (a solo directory has one
/// user), 13 evidence chunks (a solo data directory keeps evidence as files), 14 the row rules'
/// and triggers' helper functions in PL/pgSQL (plans kept per session), 15 planner statistics
/// refreshed inside a transaction that wrote many rows.
const MIGRATIONS: &[(u32, &str, &str)] = &[
    (10, "0001_0010_schema.sql", include_str!("migrations/0001_0010_schema.sql")),
    (11, "0011_retention.sql", include_str!("migrations/0011_retention.sql")),
    (12, "0012_row_rules.sql", include_str!("migrations/0012_row_rules.sql")),
    (13, "0013_evidence_chunks.sql", include_str!("migrations/0013_evidence_chunks.sql")),
    (14, "0014_cached_plans.sql", include_str!("migrations/0014_cached_plans.sql")),
    (15, "0015_statistics.sql", include_str!("migrations/0015_statistics.sql")),
];

/// The SQL of every migration, in the order they are applied (`team.rs` reads the functions
/// and row rules this build defines from it).
pub(crate) fn shipped_sql() -> impl Iterator<Item = &'static str> {
    MIGRATIONS.iter().map(|m| m.2)
}

/// The advisory lock held while migrating.
const MIGRATE_LOCK: i64 = 0x0076_6574_6465_736d;

pub(crate) fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// The schema version a database is at (0: no Vetdesk schema yet).
pub(crate) fn version(conn: &PgConn) -> Result<u32, StoreError> {
    let exists: bool =
        (conn as &dyn Db).query_value("SELECT to_regclass('vetdesk_schema') IS NOT NULL", &[])?;
    if !exists {
        return Ok(0);
    }
    let v: Option<i64> =
        (conn as &dyn Db).query_value("SELECT max(version) FROM vetdesk_schema", &[])?;
    Ok(u32::try_from(v.unwrap_or(0)).unwrap_or(u32::MAX))
}

/// Brings the schema up to date, one transaction per migration; returns the version found.
pub(crate) fn migrate(conn: &PgConn) -> Result<u32, StoreError> {
    let supported = latest_version();
    let found = version(conn)?;
    if found > supported {
        return Err(StoreError::NewerSchema { found, supported });
    }
    if found == supported {
        return Ok(found);
    }
    conn.batch(&format!("BEGIN; SELECT pg_advisory_xact_lock({MIGRATE_LOCK});"))?;
    let result = apply_pending(conn, supported);
    match result {
        Ok(()) => conn.batch("COMMIT")?,
        Err(e) => {
            let _ = conn.batch("ROLLBACK");
            return Err(e);
        }
    }
    Ok(found)
}

fn apply_pending(conn: &PgConn, supported: u32) -> Result<(), StoreError> {
    // Looked at again under the lock: another client may have migrated meanwhile.
    let now = version(conn)?;
    if now > supported {
        return Err(StoreError::NewerSchema { found: now, supported });
    }
    if now == 0 {
        conn.batch("CREATE TABLE vetdesk_schema (version BIGINT NOT NULL)")
            .map_err(|e| migration_error("vetdesk_schema", &e.message))?;
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > now) {
        conn.batch(sql).map_err(|e| migration_error(name, &e.message))?;
        (conn as &dyn Db).execute(
            "INSERT INTO vetdesk_schema (version) VALUES (?1)",
            &[super::Value::Integer(i64::from(*version))],
        )?;
        tracing::info!(migration = name, version, "applied schema migration");
    }
    Ok(())
}

fn migration_error(name: &str, message: &str) -> StoreError {
    let hint = if message.contains("permission denied") || message.contains("must be owner") {
        " (the schema is created and upgraded by the database owner: run `vetdesk team init` as it)"
    } else {
        ""
    };
    StoreError::Migration { name: name.to_string(), message: format!("{message}{hint}") }
}
