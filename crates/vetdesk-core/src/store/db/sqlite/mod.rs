//! The SQLite backend: one file in the data directory in WAL mode, a writer connection and a
//! read-only reader connection (so a long read never waits on a write, nor the other way
//! round), every statement prepared once and cached. The only code (with the migration
//! runner) that names rusqlite.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::thread::ThreadId;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::types::{ToSqlOutput, ValueRef as SqlValueRef};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use vetdesk_crypto::SqlCipherKey;

mod migrate;

use super::{
    Backend, Db, DbError, DbErrorKind, DbResult, Prepared, Row, RowSource, SearchEntry, SearchKind,
    SearchRow, Value, ValueRef, Work,
};
use crate::store::StoreError;

/// The page cache of a bulk write (`Db::bulk_writes`): 256 MiB, about what an import of
/// 50,000 candidates changes. Memory is taken only as pages are read or written.
const BULK_PAGE_CACHE_KIB: i64 = 262_144;

/// Statements kept prepared per connection: every statement of the apply path fits.
const STATEMENT_CACHE: usize = 256;

pub(crate) fn db_error(e: rusqlite::Error) -> DbError {
    let kind = match &e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                DbErrorKind::Busy
            }
            rusqlite::ErrorCode::ConstraintViolation => DbErrorKind::Constraint,
            _ => DbErrorKind::Other,
        },
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::InvalidColumnType(..) => DbErrorKind::Conversion,
        _ => DbErrorKind::Other,
    };
    DbError::new(kind, e.to_string())
}

fn store_error(e: rusqlite::Error) -> StoreError {
    StoreError::Database(db_error(e))
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(SqlValueRef::Null),
            Value::Bool(b) => ToSqlOutput::Borrowed(SqlValueRef::Integer(i64::from(*b))),
            Value::Integer(i) => ToSqlOutput::Borrowed(SqlValueRef::Integer(*i)),
            Value::Real(f) => ToSqlOutput::Borrowed(SqlValueRef::Real(*f)),
            Value::Text(t) => ToSqlOutput::Borrowed(SqlValueRef::Text(t.as_bytes())),
            Value::Blob(b) => ToSqlOutput::Borrowed(SqlValueRef::Blob(b)),
        })
    }
}

struct SqliteRow<'a, 'stmt>(&'a rusqlite::Row<'stmt>);

impl RowSource for SqliteRow<'_, '_> {
    fn width(&self) -> usize {
        self.0.as_ref().column_count()
    }

    fn column_name(&self, index: usize) -> &str {
        self.0.as_ref().column_name(index).unwrap_or("?")
    }

    fn value(&self, index: usize) -> DbResult<ValueRef<'_>> {
        Ok(match self.0.get_ref(index).map_err(db_error)? {
            SqlValueRef::Null => ValueRef::Null,
            SqlValueRef::Integer(i) => ValueRef::Integer(i),
            SqlValueRef::Real(f) => ValueRef::Real(f),
            SqlValueRef::Text(t) => ValueRef::Text(std::str::from_utf8(t).map_err(|e| {
                DbError::new(DbErrorKind::Conversion, format!("column {index}: {e}"))
            })?),
            SqlValueRef::Blob(b) => ValueRef::Blob(b),
        })
    }
}

/// Statements are kept prepared in the connection's cache. A statement run once per call is
/// still compiled again after its parameters are cleared when SQLite's planner looked at their
/// values; `Db::prepare` keeps one statement for a whole loop instead.
impl Prepared for rusqlite::CachedStatement<'_> {
    fn execute(&mut self, params: &[Value]) -> DbResult<usize> {
        rusqlite::Statement::execute(self, rusqlite::params_from_iter(params)).map_err(db_error)
    }

    fn query(
        &mut self,
        params: &[Value],
        each: &mut dyn FnMut(&Row<'_>) -> DbResult<()>,
    ) -> DbResult<()> {
        let mut rows = rusqlite::Statement::query(self, rusqlite::params_from_iter(params))
            .map_err(db_error)?;
        while let Some(row) = rows.next().map_err(db_error)? {
            each(&Row::new(&SqliteRow(row)))?;
        }
        Ok(())
    }
}

impl Db for Connection {
    fn execute(&self, sql: &str, params: &[Value]) -> DbResult<usize> {
        Prepared::execute(&mut self.prepare_cached(sql).map_err(db_error)?, params)
    }

    fn execute_batch(&self, sql: &str) -> DbResult<()> {
        Connection::execute_batch(self, sql).map_err(db_error)
    }

    fn query(
        &self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&Row<'_>) -> DbResult<()>,
    ) -> DbResult<()> {
        Prepared::query(&mut self.prepare_cached(sql).map_err(db_error)?, params, each)
    }

    fn bulk_writes(&self, on: bool) -> DbResult<()> {
        // Negative sizes are KiB; -2000 is SQLite's default, which no connection changes.
        let kib = if on { BULK_PAGE_CACHE_KIB } else { 2000 };
        Connection::execute_batch(self, &format!("PRAGMA cache_size = -{kib}")).map_err(db_error)
    }

    fn insert_returning_id(&self, sql: &str, params: &[Value]) -> DbResult<i64> {
        Db::execute(self, sql, params)?;
        Ok(self.last_insert_rowid())
    }

    fn prepare<'a>(&'a self, sql: &str) -> DbResult<Box<dyn Prepared + 'a>> {
        Ok(Box::new(self.prepare_cached(sql).map_err(db_error)?))
    }

    fn eq_folded(&self, column: &str, placeholder: &str) -> String {
        format!("{column} = {placeholder} COLLATE NOCASE")
    }

    fn order_folded(&self, column: &str) -> String {
        format!("{column} COLLATE NOCASE")
    }

    fn contains_folded(&self, column: &str, placeholder: &str) -> String {
        // SQLite's LIKE ignores the case of ASCII letters.
        format!("{column} LIKE '%' || {placeholder} || '%'")
    }

    fn json_text(&self, column: &str, key: &str) -> String {
        format!("json_extract({column}, '$.{key}')")
    }

    fn insertion_order(&self) -> &'static str {
        "rowid"
    }

    fn search_put(&self, e: &SearchEntry<'_>) -> DbResult<()> {
        if e.kind == SearchKind::Candidate {
            // A candidate's entry has rowid -id: FTS5 cannot index `ref_id`, so finding the
            // old entry by it would scan the whole index on every change (quadratic on an
            // import).
            Db::execute(
                self,
                "DELETE FROM search_index WHERE rowid = ?1",
                &[Value::Integer(-e.ref_id)],
            )?;
            Db::execute(
                self,
                "INSERT INTO search_index (rowid, kind, ref_id, case_id, candidate_id, title, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                super::params![
                    -e.ref_id,
                    e.kind,
                    e.ref_id,
                    e.case_id,
                    e.candidate_id,
                    e.title,
                    e.body
                ],
            )?;
        } else {
            Db::execute(
                self,
                "INSERT INTO search_index (kind, ref_id, case_id, candidate_id, title, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                super::params![e.kind, e.ref_id, e.case_id, e.candidate_id, e.title, e.body],
            )?;
        }
        Ok(())
    }

    fn search_forget(&self, candidate_id: i64) -> DbResult<()> {
        Db::execute(
            self,
            "DELETE FROM search_index WHERE candidate_id = ?1",
            &[Value::Integer(candidate_id)],
        )?;
        Ok(())
    }

    fn search(&self, words: &[String], limit: usize) -> DbResult<Vec<SearchRow>> {
        let Some(query) = fts_query(words) else { return Ok(Vec::new()) };
        // Ranking scores every entry that matches: for a word nearly every entry holds
        // ("engineer" among 100,000 candidates) that alone took over 100 ms. Past
        // `BROAD_MATCH` entries, which a ranking hardly tells apart, the newest are taken
        // instead, read in rowid order (a candidate's is -id: newest candidate first), and only
        // they are scored; counting up to it reads no more than that many entries.
        let mut matches = 0i64;
        Db::query(
            self,
            "SELECT count(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH ?1 LIMIT ?2)",
            super::params![query, BROAD_MATCH + 1],
            &mut |r| {
                matches = r.get(0)?;
                Ok(())
            },
        )?;
        let order = if matches > BROAD_MATCH {
            "s.rowid"
        } else {
            "bm25(search_index, 0, 0, 0, 0, 8.0, 1.0), s.ref_id"
        };
        let sql = format!(
            "SELECT s.kind, s.ref_id, s.case_id, s.candidate_id, s.title,
                    snippet(search_index, 5, '[', ']', '…', 12),
                    bm25(search_index, 0, 0, 0, 0, 8.0, 1.0), p.legal_name,
                    (SELECT max(c.id) FROM cases c WHERE c.candidate_id = s.candidate_id)
             FROM search_index s
             JOIN candidates p ON p.id = s.candidate_id
             WHERE search_index MATCH ?1
             ORDER BY {order}
             LIMIT ?2"
        );
        let mut out = Vec::new();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Db::query(self, &sql, super::params![query, limit], &mut |r| {
            out.push(SearchRow {
                kind: r.get(0)?,
                ref_id: r.get(1)?,
                case_id: r.get(2)?,
                candidate_id: r.get(3)?,
                title: r.get(4)?,
                snippet: r.get(5)?,
                score: -r.get::<f64>(6)?,
                candidate_name: r.get(7)?,
                newest_case: r.get(8)?,
            });
            Ok(())
        })?;
        Ok(out)
    }

    fn integrity_problems(&self) -> DbResult<Vec<(String, String)>> {
        let mut problems = Vec::new();
        Db::query(self, "PRAGMA integrity_check", &[], &mut |r| {
            let line: String = r.get(0)?;
            if line != "ok" {
                problems.push(("database file".to_string(), line));
            }
            Ok(())
        })?;
        Db::query(self, "PRAGMA foreign_key_check", &[], &mut |r| {
            let table: String = r.get(0)?;
            let rowid: Option<i64> = r.get(1)?;
            let parent: String = r.get(2)?;
            problems.push((
                format!("{table} row {}", rowid.map(|r| r.to_string()).unwrap_or_default()),
                format!("refers to a {parent} row that does not exist"),
            ));
            Ok(())
        })?;
        Ok(problems)
    }

    fn refuses_changes_to(&self, table: &str) -> DbResult<(bool, bool)> {
        let (mut update, mut delete) = (false, false);
        Db::query(
            self,
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1",
            &[Value::Text(table.to_string())],
            &mut |r| {
                let sql: Option<String> = r.get(0)?;
                let sql = sql.unwrap_or_default().to_uppercase();
                let sql: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                // Only a trigger that always aborts counts: a WHEN clause could switch it off.
                let aborts = sql.contains("RAISE(ABORT") && !sql.contains(" WHEN ");
                update |= aborts && sql.contains("BEFORE UPDATE ON");
                delete |= aborts && sql.contains("BEFORE DELETE ON");
                Ok(())
            },
        )?;
        Ok((update, delete))
    }
}

/// Matches past which a search takes the newest entries rather than the best ranked (see
/// `search`): ranking this many costs a few milliseconds.
const BROAD_MATCH: i64 = 2_000;

/// FTS5 query syntax for the words typed: every word quoted (so `AND`, `-`, `:` and quotes
/// are plain text), all must match, the last also as a prefix from `PREFIX_FROM` characters.
fn fts_query(words: &[String]) -> Option<String> {
    let plain: Vec<String> = words.iter().map(|w| w.replace('"', "")).collect();
    let (last, rest) = plain.split_last()?;
    let mut terms: Vec<String> = rest.iter().map(|w| format!("\"{w}\"")).collect();
    if last.chars().count() >= super::PREFIX_FROM {
        terms.push(format!("\"{last}\"*"));
    } else {
        terms.push(format!("\"{last}\""));
    }
    Some(terms.join(" "))
}

/// Settings every connection gets: full sync because evidence and audit records must survive
/// power loss, foreign keys, a busy timeout instead of an immediate "database is locked", and
/// `secure_delete`, so that a value overwritten or deleted (an erasure) is zeroed in its page
/// rather than left in free space.
fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(Duration::from_secs(10)).map_err(store_error)?;
    // journal_size_limit: after a checkpoint resets the write-ahead log, a log that one large
    // transaction grew is cut back to this size instead of staying as large as it grew.
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA synchronous = FULL;
         PRAGMA journal_size_limit = 67108864;",
    )
    .map_err(store_error)?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Plans that do not depend on the values bound: otherwise SQLite marks a statement with a
    // `LIMIT ?` or an unindexed `column = ?` to be compiled again when its parameters change,
    // and the statement cache clears the parameters after every use, so such statements were
    // compiled again on every use (a third of the time of a 20,000-row import).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map_err(store_error)?;
    Ok(())
}

/// WAL, so that the app and the CLI can read while the other writes.
fn enable_wal(conn: &Connection) -> Result<(), StoreError> {
    let mode: String =
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(store_error)?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        return Err(StoreError::invalid(format!(
            "the database could not be switched to WAL journal mode (got {mode})"
        )));
    }
    Ok(())
}

/// Gives an encrypted database its key: SQLCipher wants `PRAGMA key` before any other
/// statement, and only the first read tells a wrong key ("file is not a database"), so one is
/// made here, before anything else may write.
fn unlock(conn: &Connection, path: &Path, key: Option<&SqlCipherKey>) -> Result<(), StoreError> {
    let Some(key) = key else { return Ok(()) };
    // SQLCipher logs a failed page check to stderr itself; the error below says it once.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;").map_err(store_error)?;
    conn.execute_batch(&key.pragma_statement()).map_err(store_error)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map_err(
        |e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                StoreError::WrongKey { path: path.to_path_buf() }
            }
            other => store_error(other),
        },
    )?;
    Ok(())
}

fn open_reader(path: &Path, key: Option<&SqlCipherKey>) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(store_error)?;
    unlock(&conn, path, key)?;
    configure(&conn)?;
    Ok(conn)
}

/// A lock that a panic elsewhere cannot spoil: SQLite rolls back what a panicking holder left
/// half done, so the connection is still safe to use.
fn lock<T>(held: &Mutex<T>) -> MutexGuard<'_, T> {
    held.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) struct SqliteBackend {
    path: PathBuf,
    /// The SQLCipher key of an encrypted database, for the connections opened later
    /// (`read_fresh`); wiped when the store closes.
    key: Option<SqlCipherKey>,
    // Fields drop in this order: the read-only connection closes first, so that the writer is
    // the last connection of the process and SQLite checkpoints and removes the write-ahead log
    // as it closes (a read-only connection closing last may not, and leaves the log behind).
    reader: Mutex<Connection>,
    /// A second read-only connection, opened the first time a read finds `reader` busy: the
    /// app reads from several threads at once (a case being opened while the queue's list of
    /// every case is read again), and a short read should not wait for a long one. A process
    /// that never reads from two threads at once (the command line) never opens it.
    spare_reader: Mutex<Option<Connection>>,
    writer: Mutex<Connection>,
    /// Held by an all-or-nothing batch for its whole run; writes of other threads take it
    /// first, so they wait for the batch instead of joining its transaction.
    batch_gate: Mutex<()>,
    /// The thread running a batch: its writes and reads go to the batch's transaction.
    batch_owner: Mutex<Option<ThreadId>>,
}

/// Runs `work` in a savepoint of the transaction `conn` is in: undone alone on an error.
fn savepoint(conn: &Connection, work: Work<'_>) -> Result<(), StoreError> {
    conn.execute_batch("SAVEPOINT step").map_err(store_error)?;
    match work(conn) {
        Ok(()) => conn.execute_batch("RELEASE step").map_err(store_error),
        Err(e) => {
            // The batch as a whole is rolled back by its owner; this keeps the savepoint
            // stack straight should the owner carry on.
            let _ = conn.execute_batch("ROLLBACK TO step; RELEASE step");
            Err(e)
        }
    }
}

/// Ends a batch however it ends (a panic included): the owner is cleared and a transaction
/// still open is rolled back.
struct BatchEnd<'a>(&'a SqliteBackend);

impl Drop for BatchEnd<'_> {
    fn drop(&mut self) {
        *lock(&self.0.batch_owner) = None;
        let conn = lock(&self.0.writer);
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
}

impl SqliteBackend {
    /// Opens (creating it if missing) the database file and brings its schema up to date;
    /// returns the schema version it was at before.
    /// `key` is the SQLCipher key of an encrypted database (None: a plain SQLite file).
    pub(crate) fn open(
        path: &Path,
        key: Option<SqlCipherKey>,
    ) -> Result<(SqliteBackend, u32), StoreError> {
        let mut writer = Connection::open(path).map_err(store_error)?;
        unlock(&writer, path, key.as_ref())?;
        configure(&writer)?;
        enable_wal(&writer)?;
        let found = migrate::migrate(&mut writer)?;
        let reader = open_reader(path, key.as_ref())?;
        let backend = SqliteBackend {
            path: path.to_path_buf(),
            key,
            reader: Mutex::new(reader),
            spare_reader: Mutex::new(None),
            writer: Mutex::new(writer),
            batch_gate: Mutex::new(()),
            batch_owner: Mutex::new(None),
        };
        Ok((backend, found))
    }

    pub(crate) fn schema_version() -> u32 {
        migrate::latest_version()
    }

    fn in_batch(&self) -> bool {
        *lock(&self.batch_owner) == Some(std::thread::current().id())
    }
}

/// Runs the read `work` in a transaction of its own on `conn`.
fn read_in(conn: &mut Connection, work: Work<'_>) -> Result<(), StoreError> {
    // Deferred: the snapshot is taken at the first read and held to the end.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred).map_err(store_error)?;
    run(tx, work)
}

/// Runs `work` inside `tx`, committing when it succeeds; dropping `tx` rolls back otherwise.
fn run(tx: rusqlite::Transaction<'_>, work: Work<'_>) -> Result<(), StoreError> {
    work(&*tx)?;
    tx.commit().map_err(store_error)
}

impl Backend for SqliteBackend {
    fn write(&self, work: Work<'_>) -> Result<(), StoreError> {
        if self.in_batch() {
            return savepoint(&lock(&self.writer), work);
        }
        let _gate = lock(&self.batch_gate);
        let mut conn = lock(&self.writer);
        // Immediate: the write lock is taken now, not at the first write, so two writers never
        // both read and then deadlock on upgrading.
        let tx =
            conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(store_error)?;
        run(tx, work)
    }

    fn read(&self, work: Work<'_>) -> Result<(), StoreError> {
        if self.in_batch() {
            // The batch reads what it has written so far.
            return savepoint(&lock(&self.writer), work);
        }
        let mut conn = match self.reader.try_lock() {
            Ok(conn) => conn,
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                // Another thread is reading: this read takes the spare connection.
                let mut spare = lock(&self.spare_reader);
                if spare.is_none() {
                    *spare = Some(open_reader(&self.path, self.key.as_ref())?);
                }
                return match spare.as_mut() {
                    Some(conn) => read_in(conn, work),
                    None => Err(StoreError::invalid("the spare read connection did not open")),
                };
            }
        };
        read_in(&mut conn, work)
    }

    fn read_fresh(&self, work: Work<'_>) -> Result<(), StoreError> {
        // FTS5's integrity check reads a cached index structure that a long-lived connection
        // may hold from before another connection's writes, and reports a false mismatch.
        let mut conn = open_reader(&self.path, self.key.as_ref())?;
        let tx =
            conn.transaction_with_behavior(TransactionBehavior::Deferred).map_err(store_error)?;
        run(tx, work)
    }

    fn all_or_nothing(
        &self,
        batch: &mut dyn FnMut() -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if self.in_batch() {
            // A batch inside a batch is part of the outer one.
            return batch();
        }
        let _gate = lock(&self.batch_gate);
        lock(&self.writer).execute_batch("BEGIN IMMEDIATE").map_err(store_error)?;
        *lock(&self.batch_owner) = Some(std::thread::current().id());
        let end = BatchEnd(self);
        let result = batch();
        *lock(&self.batch_owner) = None;
        if result.is_ok() {
            lock(&self.writer).execute_batch("COMMIT").map_err(store_error)?;
        }
        // Rolls back what is left open (an error, or a commit that failed).
        drop(end);
        result
    }

    fn fold_wal(&self) -> Result<(), StoreError> {
        let conn = lock(&self.writer);
        // TRUNCATE: every frame copied into the database, then the log cut to zero bytes. A
        // reader in the middle of a snapshot keeps the log's tail; that is retried next time.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(store_error)
    }

    fn compact(&self) -> Result<(), StoreError> {
        let _gate = lock(&self.batch_gate);
        let conn = lock(&self.writer);
        // VACUUM builds the database again from its live rows only, so free pages and the
        // free space inside pages (where `secure_delete` was not yet on when a value was
        // overwritten) are gone; the checkpoint then empties the log that carried it.
        // FTS5 keeps a deleted entry's words in its segments until they are merged.
        conn.execute_batch("INSERT INTO search_index(search_index) VALUES ('optimize'); VACUUM")
            .map_err(store_error)?;
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(store_error)
    }
}

/// Holds the write lock of a database: no other connection, in this process or another, can
/// commit while it lives. Dropped, it rolls back (it never wrote) and closes.
pub(crate) struct WriteLock(Connection);

impl WriteLock {
    pub(crate) fn take(path: &Path) -> Result<WriteLock, StoreError> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(store_error)?;
        configure(&conn)?;
        conn.execute_batch("BEGIN IMMEDIATE").map_err(store_error)?;
        Ok(WriteLock(conn))
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = self.0.execute_batch("ROLLBACK");
    }
}

/// Copies the plain database at `plain` into a new database at `encrypted`, encrypted under
/// `key` (SQLCipher's `sqlcipher_export`, which copies the schema and every row), with the
/// schema version, synced to disk. The caller holds `plain`'s write lock, so what is copied is
/// the last committed state and stays it.
pub(crate) fn export_encrypted(
    plain: &Path,
    encrypted: &Path,
    key: &SqlCipherKey,
) -> Result<(), StoreError> {
    // An attached database is opened with the main one's flags: CREATE makes the new file.
    let conn = Connection::open_with_flags(
        plain,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )
    .map_err(store_error)?;
    configure(&conn)?;
    let target = encrypted
        .to_str()
        .ok_or_else(|| StoreError::invalid(format!("{} is not UTF-8", encrypted.display())))?;
    // The raw key as SQLCipher spells it (`"x'…'"`, hex digits only, so safe to splice).
    let attach = zeroize::Zeroizing::new(format!(
        "ATTACH DATABASE ?1 AS sealed KEY {}",
        &*key.pragma_value()
    ));
    conn.execute(&attach, [target]).map_err(store_error)?;
    let version: i64 =
        conn.query_row("PRAGMA main.user_version", [], |r| r.get(0)).map_err(store_error)?;
    let copied = conn
        .query_row("SELECT sqlcipher_export('sealed')", [], |_| Ok(()))
        .and_then(|()| conn.execute_batch(&format!("PRAGMA sealed.user_version = {version};")))
        .and_then(|()| conn.execute_batch("DETACH DATABASE sealed"));
    copied.map_err(store_error)?;
    drop(conn);
    let file = std::fs::File::open(encrypted)
        .map_err(|e| StoreError::io(format!("cannot open {}", encrypted.display()), e))?;
    file.sync_all().map_err(|e| StoreError::io(format!("cannot fsync {}", encrypted.display()), e))
}

/// A private, empty database with the whole schema, in a file of its own (memory stays flat
/// however large the store is: SQLCipher's build keeps `""` temporary databases in memory, so
/// a named file is used and, on Unix, unlinked once open, the connection keeping it until it
/// closes). `verify` replays the audit log into it, whichever backend the live tables are on.
/// With `encrypted`, the file is encrypted under a random key nobody keeps, so the replay of
/// an encrypted store spills no plaintext.
pub(crate) fn scratch_with(encrypted: bool) -> Result<Box<dyn Db>, StoreError> {
    let dir = tempfile::Builder::new()
        .prefix("vetdesk-verify-")
        .tempdir()
        .map_err(|e| StoreError::io("cannot create a scratch directory", e))?;
    let mut conn = Connection::open(dir.path().join("replay.db")).map_err(store_error)?;
    if encrypted {
        let key = vetdesk_crypto::DataKey::generate()
            .map_err(|e| StoreError::invalid(format!("no random source: {e}")))?;
        unlock(&conn, Path::new("scratch database"), Some(&key.sqlcipher_key()))?;
    }
    configure(&conn)?;
    // The rollback journal in memory: no second file beside an unlinked one. New pages of a
    // new database are never journaled, so it stays small.
    conn.execute_batch("PRAGMA journal_mode = MEMORY;").map_err(store_error)?;
    migrate::migrate(&mut conn)?;
    conn.execute_batch("PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;")
        .map_err(store_error)?;
    // Unix keeps an unlinked file for whoever holds it open; elsewhere the directory stays
    // until the system cleans its temp folder.
    #[cfg(unix)]
    drop(dir);
    #[cfg(not(unix))]
    let _ = dir.keep();
    Ok(Box::new(conn))
}

/// A plain scratch database (see [`scratch_with`]).
#[cfg(test)]
pub(crate) fn scratch() -> Result<Box<dyn Db>, StoreError> {
    scratch_with(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::db::params;

    fn db() -> Box<dyn Db> {
        scratch().unwrap_or_else(|e| panic!("{e}"))
    }

    /// A cached statement whose plan could depend on a bound value (`LIMIT ?`, an unindexed
    /// `column = ?`) is not compiled again on every use.
    #[test]
    fn cached_statements_are_not_compiled_again_when_their_values_change() {
        let conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        configure(&conn).unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch("CREATE TABLE t (a INTEGER, b INTEGER); INSERT INTO t VALUES (1, 2);")
            .unwrap_or_else(|e| panic!("{e}"));
        let sql = "SELECT a FROM t WHERE b = ?1 LIMIT ?2";
        for (b, limit) in [(2, 1), (0, 5), (1, 0), (2, 3)] {
            let mut found = Vec::new();
            Db::query(&conn, sql, params![b, limit], &mut |r| {
                found.push(r.get::<i64>(0)?);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let stmt = conn.prepare_cached(sql).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
    }

    #[test]
    fn values_round_trip_through_sqlite() {
        let db = db();
        db.execute_batch("CREATE TABLE t (b INTEGER, i INTEGER, r REAL, s TEXT, x BLOB, n TEXT)")
            .unwrap_or_else(|e| panic!("{e}"));
        db.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![true, i64::MIN, 0.25_f64, "Zoë \u{0}", vec![0_u8, 255], None::<String>],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let row = db
            .query_one("SELECT b, i, r, s, x, n FROM t", &[], |r| {
                Ok((
                    r.get::<bool>(0)?,
                    r.get::<i64>(1)?,
                    r.get::<f64>(2)?,
                    r.get::<String>(3)?,
                    r.get::<Vec<u8>>(4)?,
                    r.get::<Option<String>>(5)?,
                ))
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(row, (true, i64::MIN, 0.25, "Zoë \u{0}".to_string(), vec![0, 255], None));
        // A boolean is kept as the integer 1, and compares so.
        let raw: Value = db.query_value("SELECT b FROM t", &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(raw.same_as(&Value::Bool(true)));
    }

    #[test]
    fn placeholders_are_numbered_and_a_number_used_twice_binds_once() {
        let db = db();
        let got: (i64, i64, String) = db
            .query_one("SELECT ?2, ?1 + ?1, ?3 || ?3", params![20_i64, 1_i64, "ab"], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, (1, 40, "abab".into()));
        let wrong = db.query_value::<i64>("SELECT ?1 + ?2", params![1_i64]).unwrap_err();
        assert!(wrong.message.contains("parameter"), "{wrong}");
        let bad_sql = db.execute("SELEKT 1", &[]).unwrap_err();
        assert!(bad_sql.message.contains("syntax error"), "{bad_sql}");
    }

    #[test]
    fn dialect_points_fold_ascii_case_and_read_json() {
        let db = db();
        let folded = format!("SELECT {}", db.eq_folded("?1", "?2"));
        assert!(db.query_value::<bool>(&folded, params!["Acme", "ACME"]).unwrap_or(false));
        let contains = format!("SELECT {}", db.contains_folded("?1", "?2"));
        assert!(
            db.query_value::<bool>(&contains, params!["NordVPN exit", "nordvpn"]).unwrap_or(false)
        );
        assert!(!db.query_value::<bool>(&contains, params!["Mullvad", "nord"]).unwrap_or(true));
        let json = format!("SELECT {}", db.json_text("?1", "type"));
        let kind: String = db
            .query_value(&json, params![r#"{"type":"add_note","id":3}"#])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kind, "add_note");
        let order = format!(
            "SELECT group_concat(v, ',') FROM (SELECT column1 AS v FROM (VALUES ('b'), ('A'), ('a'), ('C')) ORDER BY {}, v)",
            db.order_folded("v")
        );
        let sorted: String = db.query_value(&order, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sorted, "A,a,b,C");
        assert!(db.integrity_problems().unwrap_or_else(|e| panic!("{e}")).is_empty());
    }

    #[test]
    fn the_search_index_finds_every_word_the_last_as_a_prefix_and_replaces_candidates() {
        let db = db();
        for (id, name) in [(1_i64, "Anna Maria Eriksson"), (2, "Zoë Petrov")] {
            db.execute(
                "INSERT INTO candidates (id, legal_name, other_names, emails, phones, created_at,
                                         updated_at)
                 VALUES (?1, ?2, '[]', '[]', '[]', '2026-11-02T09:00:00.000Z',
                         '2026-11-02T09:00:00.000Z')",
                params![id, name],
            )
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let put = |ref_id: i64, kind: SearchKind, title: &str, body: &str| {
            db.search_put(&SearchEntry {
                kind,
                ref_id,
                case_id: None,
                candidate_id: if kind == SearchKind::Note { 1 } else { ref_id },
                title,
                body,
            })
            .unwrap_or_else(|e| panic!("{e}"));
        };
        put(1, SearchKind::Candidate, "Anna Maria Eriksson", "anna@example.com");
        put(2, SearchKind::Candidate, "Zoë Petrov", "Zoe Petrov\nNOT AND OR");
        put(7, SearchKind::Note, "", "met Anna at the office");
        let find = |words: &[&str]| -> Vec<(SearchKind, i64)> {
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            db.search(&words, 10)
                .unwrap_or_else(|e| panic!("{e}"))
                .into_iter()
                .map(|r| (r.kind, r.ref_id))
                .collect()
        };
        assert_eq!(find(&["anna"]), [(SearchKind::Candidate, 1), (SearchKind::Note, 7)]);
        assert_eq!(find(&["Anna", "Eriks"]), [(SearchKind::Candidate, 1)]);
        assert_eq!(find(&["NOT", "AND", "OR"]), [(SearchKind::Candidate, 2)]);
        assert_eq!(find(&["zoe"]), [(SearchKind::Candidate, 2)]);
        assert_eq!(find(&["\"unbalanced"]), []);
        assert!(find(&[]).is_empty());
        // Re-indexing a candidate replaces its entry.
        put(1, SearchKind::Candidate, "Anna Holm", "");
        assert_eq!(find(&["Eriksson"]), []);
        assert_eq!(find(&["holm"]), [(SearchKind::Candidate, 1)]);
        let hit = &db.search(&["holm".to_string()], 1).unwrap_or_default()[0];
        assert!(hit.snippet.is_empty() || !hit.snippet.contains('['), "{hit:?}");
        assert!(hit.score > 0.0);
        assert_eq!((hit.candidate_name.as_str(), hit.newest_case), ("Anna Maria Eriksson", None));
    }

    /// A word nearly every entry holds is not ranked across all of them: past `BROAD_MATCH`
    /// matches the newest entries come first; a rarer word is ranked, a match in the name
    /// before one in the details.
    #[test]
    fn a_search_for_a_word_in_nearly_every_entry_takes_the_newest() {
        let db = scratch().unwrap_or_else(|e| panic!("{e}"));
        let people = BROAD_MATCH + 50;
        for id in 1..=people {
            db.execute(
                "INSERT INTO candidates (id, legal_name, other_names, emails, phones, created_at,
                                         updated_at)
                 VALUES (?1, 'Person', '[]', '[]', '[]', '2026-11-02', '2026-11-02')",
                params![id],
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let (title, body) = match id {
                7 => ("Rare Name".to_string(), "engineer".to_string()),
                9 => ("Someone".to_string(), "engineer with a rare hobby".to_string()),
                _ => (format!("Person {id}"), "engineer".to_string()),
            };
            db.search_put(&SearchEntry {
                kind: SearchKind::Candidate,
                ref_id: id,
                case_id: None,
                candidate_id: id,
                title: &title,
                body: &body,
            })
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let broad = db.search(&["engineer".to_string()], 5).unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<i64> = broad.iter().map(|r| r.candidate_id).collect();
        assert_eq!(ids, (people - 4..=people).rev().collect::<Vec<_>>());
        assert!(broad.iter().all(|r| r.score > 0.0 && r.snippet.contains("[engineer]")));

        let rare = db.search(&["rare".to_string()], 5).unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<i64> = rare.iter().map(|r| r.candidate_id).collect();
        assert_eq!(ids, [7, 9], "the name's match ranks first");
    }

    /// Words (split by `store::search`, tested there) become an FTS5 query that cannot be a
    /// syntax error: each word quoted, quotes inside a word dropped, the last also a prefix.
    #[test]
    fn words_become_a_safe_prefix_query() {
        let cases: &[(&[&str], Option<&str>)] = &[
            (&["anna"], Some("\"anna\"*")),
            (&["Anna", "Maria"], Some("\"Anna\" \"Maria\"*")),
            (&["a.b+tag@gmail.com"], Some("\"a.b+tag@gmail.com\"*")),
            (&["NOT", "AND", "OR"], Some("\"NOT\" \"AND\" \"OR\"*")),
            (&["un\"balanced"], Some("\"unbalanced\"*")),
            (&[], None),
            (&["Zoë"], Some("\"Zoë\"*")),
            // One character is a word of its own, not every word that starts with it.
            (&["Apt", "2"], Some("\"Apt\" \"2\"")),
            (&["Zo"], Some("\"Zo\"*")),
        ];
        for (words, expected) in cases {
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            assert_eq!(fts_query(&words).as_deref(), *expected, "{words:?}");
        }
    }

    /// A keyed database is ciphertext on disk, opens again with its key only (another key is
    /// `WrongKey`, no key "not a database"), and the SQLCipher build keeps FTS5.
    #[test]
    fn a_keyed_database_opens_with_its_key_only_and_keeps_fts5() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("k.db");
        let key = || vetdesk_crypto::DataKey::from_bytes([7; 32]).sqlcipher_key();
        let (backend, _) =
            SqliteBackend::open(&path, Some(key())).unwrap_or_else(|e| panic!("{e}"));
        let mut options = Vec::new();
        backend
            .read(&mut |db| {
                db.query("PRAGMA compile_options", &[], &mut |r| {
                    options.push(r.get::<String>(0)?);
                    Ok(())
                })?;
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(options.iter().any(|o| o == "ENABLE_FTS5"), "{options:?}");
        assert!(options.iter().any(|o| o.starts_with("HAS_CODEC")), "{options:?}");
        drop(backend);
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert!(!bytes.starts_with(b"SQLite format 3"), "the file is plain");

        let other = vetdesk_crypto::DataKey::from_bytes([8; 32]).sqlcipher_key();
        let wrong = SqliteBackend::open(&path, Some(other)).err();
        assert!(matches!(wrong, Some(StoreError::WrongKey { .. })), "{wrong:?}");
        assert!(SqliteBackend::open(&path, None).is_err(), "opened without its key");
        assert_eq!(std::fs::read(&path).unwrap_or_default(), bytes, "a failed open wrote");
        let (_again, found) =
            SqliteBackend::open(&path, Some(key())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found, SqliteBackend::schema_version());
    }

    /// A read does not wait for another thread's read to end: it takes the spare connection
    /// (a case opened while the queue's long list is read), and sees the same committed state.
    #[test]
    fn a_read_goes_ahead_while_another_thread_is_reading() {
        use std::sync::mpsc;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (backend, _) =
            SqliteBackend::open(&dir.path().join("r.db"), None).unwrap_or_else(|e| panic!("{e}"));
        backend
            .write(&mut |db| {
                db.execute(
                    "INSERT INTO vpn_providers (id, name, note, added_by, added_at)
                     VALUES (1, 'one', NULL, 'ada', '2026-11-02T09:00:00.000Z')",
                    &[],
                )?;
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let count = |db: &dyn Db| db.query_value::<i64>("SELECT count(*) FROM vpn_providers", &[]);
        let (inside_tx, inside) = mpsc::channel::<()>();
        let (other_done_tx, other_done) = mpsc::channel::<i64>();
        let shared = &backend;
        std::thread::scope(|scope| {
            let long = scope.spawn(move || {
                let backend = shared;
                backend.read(&mut |db| {
                    let before = count(db)?;
                    let _ = inside_tx.send(());
                    // Held open until the other thread's read has ended (or, should that read
                    // wait for this one, for long enough to say so).
                    let other = other_done.recv_timeout(Duration::from_secs(20)).ok();
                    assert_eq!(other, Some(before), "the second read waited for the first");
                    Ok(())
                })
            });
            inside.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|e| panic!("{e}"));
            let mut seen = -1;
            backend
                .read(&mut |db| {
                    seen = count(db)?;
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{e}"));
            let _ = other_done_tx.send(seen);
            long.join()
                .unwrap_or_else(|_| panic!("the first read panicked"))
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(seen, 1);
        });
        assert!(lock(&backend.spare_reader).is_some(), "the second read used the spare connection");
    }

    /// A write that fails leaves nothing; a read sees one state even while a write commits
    /// in the middle of it; a fresh read sees the committed state.
    #[test]
    fn transactions_roll_back_on_error_and_reads_see_one_state() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (backend, found) =
            SqliteBackend::open(&dir.path().join("t.db"), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found, 0, "a new file starts at schema version 0");
        let count = |db: &dyn Db| -> i64 {
            db.query_value("SELECT count(*) FROM vpn_providers", &[]).unwrap_or(-1)
        };
        let insert = |db: &dyn Db, id: i64| -> Result<(), StoreError> {
            db.execute(
                "INSERT INTO vpn_providers (id, name, note, added_by, added_at)
                 VALUES (?1, ?2, NULL, 'ada', '2026-11-02T09:00:00.000Z')",
                params![id, format!("provider {id}")],
            )?;
            Ok(())
        };
        backend.write(&mut |db| insert(db, 1)).unwrap_or_else(|e| panic!("{e}"));
        let refused = backend.write(&mut |db| {
            insert(db, 2)?;
            Err(StoreError::invalid("refused after the insert"))
        });
        assert!(refused.is_err());
        let mut seen = Vec::new();
        backend
            .read(&mut |db| {
                seen.push(count(db));
                backend.write(&mut |w| insert(w, 3))?;
                seen.push(count(db));
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(seen, [1, 1], "the write committed meanwhile is not seen by the read");
        backend
            .read_fresh(&mut |db| {
                assert_eq!(count(db), 2);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn insert_returning_id_gives_the_assigned_key() {
        let db = db();
        db.execute_batch("CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT)")
            .unwrap_or_else(|e| panic!("{e}"));
        for expected in 1..=3 {
            let id = db
                .insert_returning_id("INSERT INTO k (v) VALUES (?1)", params!["x"])
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(id, expected);
        }
    }
}
