//! The PostgreSQL backend (team mode): one shared database that every member's desktop and CLI
//! connects to with their own login. A writer and a reader connection, as the SQLite backend;
//! every write transaction first takes one transaction-scoped advisory lock, so writers from
//! every client queue behind each other and a chain is never appended to twice at once (no
//! fork). Statements are the store's own SQL with `?N` rewritten to `$N`, prepared once per
//! connection. The only code (with `connect` and `migrate`) that names the `postgres` crate.

mod chunks;
mod connect;
mod listen;
mod migrate;
pub(crate) mod team;

use std::cell::RefCell;
use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::{Mutex, MutexGuard};
use std::thread::ThreadId;

use bytes::{BufMut, BytesMut};
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

pub(crate) use chunks::PgChunks;
pub(crate) use connect::Target;
pub use listen::AuditListener;

use super::{
    Backend, Db, DbError, DbErrorKind, DbResult, Prepared, Row, RowSource, SearchEntry, SearchKind,
    SearchRow, Value, ValueRef, Work,
};
use crate::store::StoreError;

/// The advisory lock every write transaction takes first (any fixed number; "vetdesk" in hex).
pub(crate) const WRITE_LOCK: i64 = 0x0076_6574_6465_736b;

type BoxError = Box<dyn StdError + Sync + Send>;

pub(crate) fn db_error(e: &postgres::Error) -> DbError {
    match e.as_db_error() {
        Some(d) => {
            let code = d.code().code();
            let kind = if code.starts_with("23") {
                DbErrorKind::Constraint
            } else if matches!(code, "40001" | "40P01" | "55P03") {
                DbErrorKind::Busy
            } else {
                DbErrorKind::Other
            };
            let mut message = d.message().to_string();
            if let Some(detail) = d.detail() {
                message = format!("{message} ({detail})");
            }
            if code == "42501" && message.contains("row-level security policy") {
                // A row the writer would not be allowed to see afterwards (migration 0012).
                message = format!(
                    "{message}: investigation and monitoring cases, and everything of theirs, \
                     are visible only to investigators, compliance, admins and the case's \
                     assignee (a reviewer opens one only assigned to themselves)"
                );
            }
            DbError::new(kind, message)
        }
        None => DbError::new(DbErrorKind::Other, e.to_string()),
    }
}

/// A parameter, converted to the type PostgreSQL inferred for its placeholder (an integer may
/// stand where the database wants a 32-bit integer, a boolean, a number or text; JSON text where
/// it wants jsonb).
impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match (self, ty) {
            (Value::Null, _) => Ok(IsNull::Yes),
            (Value::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (Value::Integer(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Value::Integer(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Value::Integer(i), &Type::FLOAT8) => (*i as f64).to_sql(ty, out),
            (Value::Integer(i), &Type::FLOAT4) => (*i as f32).to_sql(ty, out),
            (Value::Integer(i), &Type::BOOL) => (*i != 0).to_sql(ty, out),
            (Value::Bool(b), &Type::BOOL) => b.to_sql(ty, out),
            (Value::Bool(b), &Type::INT8) => i64::from(*b).to_sql(ty, out),
            (Value::Bool(b), &Type::INT4) => i32::from(*b).to_sql(ty, out),
            (Value::Real(f), &Type::FLOAT8) => f.to_sql(ty, out),
            (Value::Real(f), &Type::FLOAT4) => (*f as f32).to_sql(ty, out),
            (Value::Blob(b), &Type::BYTEA) => b.as_slice().to_sql(ty, out),
            (Value::Text(t), &Type::JSONB) => {
                out.put_u8(1);
                out.extend_from_slice(t.as_bytes());
                Ok(IsNull::No)
            }
            (Value::Text(t), _) if is_text(ty) => {
                out.extend_from_slice(t.as_bytes());
                Ok(IsNull::No)
            }
            (Value::Integer(i), _) if is_text(ty) => {
                out.extend_from_slice(i.to_string().as_bytes());
                Ok(IsNull::No)
            }
            (value, ty) => Err(format!("cannot bind {value:?} as {ty}").into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Types whose binary form is their UTF-8 text.
fn is_text(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON
    )
}

/// A column as the store reads it.
struct Cell(Value);

impl<'a> FromSql<'a> for Cell {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Cell(match *ty {
            Type::BOOL => Value::Bool(bool::from_sql(ty, raw)?),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::OID => Value::Integer(u32::from_sql(ty, raw)?.into()),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSONB => Value::Text(std::str::from_utf8(raw.get(1..).unwrap_or(&[]))?.into()),
            Type::CHAR => Value::Text(char::from(raw.first().copied().unwrap_or(b' ')).to_string()),
            _ => Value::Text(std::str::from_utf8(raw)?.to_string()),
        }))
    }

    fn from_sql_null(_: &Type) -> Result<Self, BoxError> {
        Ok(Cell(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// PostgreSQL's binary NUMERIC (what `sum` of integers gives): an integer when it has no
/// fraction, else a real.
fn numeric(raw: &[u8]) -> Result<Value, BoxError> {
    let word = |i: usize| -> Result<u16, BoxError> {
        let b = raw.get(i..i + 2).ok_or("a cut numeric")?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    };
    let digits = word(0)? as usize;
    let weight = word(2)? as i16;
    let sign = word(4)?;
    let scale = word(6)?;
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let mut value = 0f64;
    for d in 0..digits {
        let digit = f64::from(word(8 + 2 * d)?);
        value += digit * 10_000f64.powi(i32::from(weight) - d as i32);
    }
    if sign == 0x4000 {
        value = -value;
    }
    if scale == 0 && value.abs() < 9.0e15 {
        Ok(Value::Integer(value as i64))
    } else {
        Ok(Value::Real(value))
    }
}

fn type_of(value: &Value) -> Type {
    match value {
        Value::Null | Value::Text(_) => Type::TEXT,
        Value::Bool(_) => Type::BOOL,
        Value::Integer(_) => Type::INT8,
        Value::Real(_) => Type::FLOAT8,
        Value::Blob(_) => Type::BYTEA,
    }
}

/// `?N` placeholders as `$N`, outside quoted text and names.
pub(crate) fn rewrite_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '?') if chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

struct PgRow(Vec<Value>, std::sync::Arc<Vec<String>>);

impl RowSource for PgRow {
    fn width(&self) -> usize {
        self.0.len()
    }
    fn column_name(&self, index: usize) -> &str {
        self.1.get(index).map_or("?", String::as_str)
    }
    fn value(&self, index: usize) -> DbResult<ValueRef<'_>> {
        Ok(match self.0.get(index) {
            None => {
                return Err(DbError::new(
                    DbErrorKind::Other,
                    format!("column {index} is out of range"),
                ));
            }
            Some(Value::Null) => ValueRef::Null,
            Some(Value::Bool(b)) => ValueRef::Bool(*b),
            Some(Value::Integer(i)) => ValueRef::Integer(*i),
            Some(Value::Real(f)) => ValueRef::Real(*f),
            Some(Value::Text(t)) => ValueRef::Text(t),
            Some(Value::Blob(b)) => ValueRef::Blob(b),
        })
    }
}

/// One connection and its prepared statements.
pub(crate) struct PgConn {
    client: RefCell<postgres::Client>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
    /// The row rules this build ships as the server renders them, when `verify` asked for them
    /// before its read-only transaction (`team::render_shipped_rules`).
    shipped_rules: RefCell<Option<team::Shipped>>,
}

impl PgConn {
    pub(crate) fn new(client: postgres::Client) -> PgConn {
        PgConn {
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            shipped_rules: RefCell::new(None),
        }
    }

    pub(crate) fn batch(&self, sql: &str) -> DbResult<()> {
        self.client.borrow_mut().batch_execute(sql).map_err(|e| db_error(&e))
    }

    /// The statement for `sql`, prepared once. PostgreSQL infers each placeholder's type from
    /// where it stands; where it cannot (`?1 IS NULL`, a number not used), the types of the
    /// values bound this time are declared instead.
    fn statement(&self, sql: &str, params: &[Value]) -> DbResult<postgres::Statement> {
        if let Some(s) = self.statements.borrow().get(sql) {
            return Ok(s.clone());
        }
        let typed_key = || {
            let kinds: String = params.iter().map(|v| type_of(v).oid().to_string() + ",").collect();
            format!("{sql}\u{0}{kinds}")
        };
        if let Some(s) = self.statements.borrow().get(&typed_key()) {
            return Ok(s.clone());
        }
        let rewritten = rewrite_placeholders(sql);
        let mut client = self.client.borrow_mut();
        match client.prepare(&rewritten) {
            Ok(s) => {
                self.statements.borrow_mut().insert(sql.to_string(), s.clone());
                Ok(s)
            }
            Err(e)
                if e.code()
                    .is_some_and(|c| matches!(c.code(), "42P18" | "42725" | "42883" | "42P08")) =>
            {
                let types: Vec<Type> = params.iter().map(type_of).collect();
                let s = client.prepare_typed(&rewritten, &types).map_err(|e| db_error(&e))?;
                self.statements.borrow_mut().insert(typed_key(), s.clone());
                Ok(s)
            }
            Err(e) => Err(db_error(&e)),
        }
    }

    fn bind(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
        params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
    }

    fn rows(&self, sql: &str, params: &[Value]) -> DbResult<Vec<PgRow>> {
        let statement = self.statement(sql, params)?;
        check_count(&statement, params)?;
        let rows = self
            .client
            .borrow_mut()
            .query(&statement, &Self::bind(used(&statement, params)))
            .map_err(|e| db_error(&e))?;
        let names: std::sync::Arc<Vec<String>> =
            std::sync::Arc::new(statement.columns().iter().map(|c| c.name().to_string()).collect());
        rows.iter()
            .map(|row| {
                let cells = (0..row.len())
                    .map(|i| {
                        row.try_get::<_, Cell>(i).map(|c| c.0).map_err(|e| {
                            DbError::new(
                                DbErrorKind::Conversion,
                                format!("column {} ({i}): {e}", names[i]),
                            )
                        })
                    })
                    .collect::<DbResult<Vec<Value>>>()?;
                Ok(PgRow(cells, names.clone()))
            })
            .collect()
    }
}

fn check_count(statement: &postgres::Statement, params: &[Value]) -> DbResult<()> {
    let wanted = statement.params().len();
    if wanted > params.len() {
        return Err(DbError::new(
            DbErrorKind::Other,
            format!("the statement has {wanted} parameter(s), {} bound", params.len()),
        ));
    }
    Ok(())
}

/// Parameters a statement does not use are dropped (SQLite ignores a value bound to no
/// placeholder at the end; PostgreSQL wants exactly as many as the statement has).
fn used<'p>(statement: &postgres::Statement, params: &'p [Value]) -> &'p [Value] {
    &params[..statement.params().len().min(params.len())]
}

struct PgPrepared<'a> {
    conn: &'a PgConn,
    sql: String,
}

impl Prepared for PgPrepared<'_> {
    fn execute(&mut self, params: &[Value]) -> DbResult<usize> {
        Db::execute(self.conn, &self.sql, params)
    }
    fn query(
        &mut self,
        params: &[Value],
        each: &mut dyn FnMut(&Row<'_>) -> DbResult<()>,
    ) -> DbResult<()> {
        Db::query(self.conn, &self.sql, params, each)
    }
}

impl Db for PgConn {
    fn execute(&self, sql: &str, params: &[Value]) -> DbResult<usize> {
        let statement = self.statement(sql, params)?;
        check_count(&statement, params)?;
        let n = self
            .client
            .borrow_mut()
            .execute(&statement, &Self::bind(used(&statement, params)))
            .map_err(|e| db_error(&e))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn execute_batch(&self, sql: &str) -> DbResult<()> {
        self.batch(sql)
    }

    fn query(
        &self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&Row<'_>) -> DbResult<()>,
    ) -> DbResult<()> {
        // All rows are read before the first is handed over, so `each` may run statements.
        for row in self.rows(sql, params)? {
            each(&Row::new(&row))?;
        }
        Ok(())
    }

    fn insert_returning_id(&self, sql: &str, params: &[Value]) -> DbResult<i64> {
        let sql = format!("{sql} RETURNING id");
        let rows = self.rows(&sql, params)?;
        match rows.first().and_then(|r| r.0.first()) {
            Some(Value::Integer(id)) => Ok(*id),
            _ => Err(DbError::new(DbErrorKind::Other, "the insert returned no id")),
        }
    }

    fn prepare<'a>(&'a self, sql: &str) -> DbResult<Box<dyn Prepared + 'a>> {
        Ok(Box::new(PgPrepared { conn: self, sql: sql.to_string() }))
    }

    fn eq_folded(&self, column: &str, placeholder: &str) -> String {
        format!("lower({column}) = lower({placeholder})")
    }

    fn order_folded(&self, column: &str) -> String {
        format!("lower({column})")
    }

    fn contains_folded(&self, column: &str, placeholder: &str) -> String {
        // LIKE's wildcards in the text looked for stay literal, as in SQLite's LIKE they do not:
        // both treat `%` and `_` as wildcards, so the same text finds the same rows.
        format!("{column} ILIKE '%' || {placeholder} || '%'")
    }

    fn json_text(&self, column: &str, key: &str) -> String {
        format!("({column})::jsonb ->> '{key}'")
    }

    fn insertion_order(&self) -> &'static str {
        "n"
    }

    fn search_put(&self, e: &SearchEntry<'_>) -> DbResult<()> {
        const DOCUMENT: &str = "setweight(to_tsvector('vetdesk_search', ?6), 'A') || \
                                setweight(to_tsvector('vetdesk_search', ?7), 'B')";
        if e.kind == SearchKind::Candidate {
            Db::execute(
                self,
                "DELETE FROM search_index WHERE rowid = ?1",
                &[Value::Integer(-e.ref_id)],
            )?;
            Db::execute(
                self,
                &format!(
                    "INSERT INTO search_index (rowid, kind, ref_id, case_id, candidate_id, title,
                                               body, document)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {DOCUMENT})"
                ),
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
                &format!(
                    "INSERT INTO search_index (rowid, kind, ref_id, case_id, candidate_id, title,
                                               body, document)
                     VALUES (nextval('search_index_rowid') + 0 * ?1, ?2, ?3, ?4, ?5, ?6, ?7,
                             {DOCUMENT})"
                ),
                super::params![0_i64, e.kind, e.ref_id, e.case_id, e.candidate_id, e.title, e.body],
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
        let Some(query) = ts_query(words) else { return Ok(Vec::new()) };
        let sql = "WITH q AS (SELECT to_tsquery('vetdesk_search', ?1) AS q)
                   SELECT s.kind, s.ref_id, s.case_id, s.candidate_id, s.title,
                          CASE WHEN s.body = '' THEN '' ELSE
                            ts_headline('vetdesk_search', s.body, q.q,
                                        'StartSel=[, StopSel=], MaxWords=12, MinWords=4, ShortWord=1')
                          END,
                          ts_rank(s.document, q.q), p.legal_name,
                          (SELECT max(c.id) FROM cases c WHERE c.candidate_id = s.candidate_id)
                   FROM search_index s CROSS JOIN q
                   JOIN candidates p ON p.id = s.candidate_id
                   WHERE s.document @@ q.q
                   ORDER BY ts_rank(s.document, q.q) DESC, s.ref_id
                   LIMIT ?2";
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut out = Vec::new();
        Db::query(self, sql, super::params![query, limit], &mut |r| {
            out.push(SearchRow {
                kind: r.get(0)?,
                ref_id: r.get(1)?,
                case_id: r.get(2)?,
                candidate_id: r.get(3)?,
                title: r.get(4)?,
                snippet: r.get(5)?,
                score: r.get::<f64>(6)?,
                candidate_name: r.get(7)?,
                newest_case: r.get(8)?,
            });
            Ok(())
        })?;
        Ok(out)
    }

    fn integrity_problems(&self) -> DbResult<Vec<(String, String)>> {
        // PostgreSQL enforces its keys itself; a constraint someone marked NOT VALID is the one
        // way rows can break one.
        let mut problems = Vec::new();
        Db::query(
            self,
            "SELECT conrelid::regclass::text, conname::text FROM pg_constraint
             WHERE NOT convalidated AND connamespace = current_schema()::regnamespace",
            &[],
            &mut |r| {
                problems.push((
                    r.get::<String>(0)?,
                    format!("constraint {} is not validated", r.get::<String>(1)?),
                ));
                Ok(())
            },
        )?;
        Ok(problems)
    }

    fn refuses_changes_to(&self, table: &str) -> DbResult<(bool, bool)> {
        // A BEFORE … FOR EACH ROW trigger, enabled for every session (not for replication
        // sessions only), without a WHEN clause, calling the function that always raises. tgtype bits: 1 row, 2 before, 8 delete, 16 update.
        let found: Vec<i64> = (self as &dyn Db).query_vec(
            "SELECT t.tgtype::bigint FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
             WHERE t.tgrelid = to_regclass(?1) AND t.tgenabled IN ('O', 'A') AND t.tgqual IS NULL
               AND p.proname = 'vetdesk_refuse_change' AND NOT t.tgisinternal",
            &[Value::Text(table.to_string())],
            |r| r.get(0),
        )?;
        let before_row = |t: i64| t & 3 == 3;
        let update = found.iter().any(|t| before_row(*t) && t & 16 != 0);
        let delete = found.iter().any(|t| before_row(*t) && t & 8 != 0);
        Ok((update, delete))
    }

    fn protection_problems(&self) -> DbResult<Vec<(String, String)>> {
        team::protection_problems(self.dyn_db(), self.shipped_rules.borrow().as_ref())
    }

    fn refresh_statistics(&self) -> DbResult<()> {
        let analyzed: i64 =
            self.dyn_db().query_value("SELECT vetdesk_refresh_statistics()", &[])?;
        tracing::debug!(analyzed, "planner statistics refreshed after a batch");
        Ok(())
    }

    fn next_id_sql(&self, table: &str) -> String {
        // Counted by the schema owner's function over every row, hidden or not.
        format!("SELECT vetdesk_next_id('{table}')")
    }

    fn blind_login(&self) -> DbResult<Option<String>> {
        team::blind_login(self.dyn_db())
    }

    fn hidden_cases(&self) -> DbResult<Vec<i64>> {
        team::hidden_cases(self.dyn_db())
    }
}

impl PgConn {
    fn dyn_db(&self) -> &dyn Db {
        self
    }
}

/// A tsquery for the words typed: every word must match, the last also as a prefix; each word
/// quoted as a lexeme, so operators and quotes in it are plain text.
fn ts_query(words: &[String]) -> Option<String> {
    let quoted: Vec<String> = words
        .iter()
        .map(|w| w.replace(['\'', '\\', ':', '&', '|', '!', '(', ')', '<', '>'], " "))
        .filter(|w| !w.trim().is_empty())
        .map(|w| format!("'{}'", w.trim()))
        .collect();
    let (last, rest) = quoted.split_last()?;
    let mut terms: Vec<String> = rest.to_vec();
    if last.trim_matches('\'').chars().count() >= super::PREFIX_FROM {
        terms.push(format!("{last}:*"));
    } else {
        terms.push(last.clone());
    }
    Some(terms.join(" & "))
}

fn lock<T>(held: &Mutex<T>) -> MutexGuard<'_, T> {
    held.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Rolls back a transaction that `run` did not end (a panic in the work).
struct Open<'a>(&'a PgConn, bool);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if !self.1 {
            let _ = self.0.batch("ROLLBACK");
        }
    }
}

/// Runs `work` in a transaction begun with `begin`; commits when it succeeds.
fn run(conn: &PgConn, begin: &str, work: Work<'_>) -> Result<(), StoreError> {
    conn.batch(begin)?;
    let mut open = Open(conn, false);
    let result = work(conn);
    open.1 = true;
    match result {
        Ok(()) => conn.batch("COMMIT").map_err(|e| {
            let _ = conn.batch("ROLLBACK");
            StoreError::Database(e)
        }),
        Err(e) => {
            conn.batch("ROLLBACK")?;
            Err(e)
        }
    }
}

fn savepoint(conn: &PgConn, work: Work<'_>) -> Result<(), StoreError> {
    conn.batch("SAVEPOINT step")?;
    match work(conn) {
        Ok(()) => Ok(conn.batch("RELEASE SAVEPOINT step")?),
        Err(e) => {
            let _ = conn.batch("ROLLBACK TO SAVEPOINT step; RELEASE SAVEPOINT step");
            Err(e)
        }
    }
}

/// Begins a write: one writer at a time across every client of the database.
fn begin_write() -> String {
    format!("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({WRITE_LOCK});")
}

const BEGIN_READ: &str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

pub(crate) struct PostgresBackend {
    target: Target,
    reader: Mutex<PgConn>,
    writer: Mutex<PgConn>,
    batch_gate: Mutex<()>,
    batch_owner: Mutex<Option<ThreadId>>,
}

struct BatchEnd<'a>(&'a PostgresBackend);

impl Drop for BatchEnd<'_> {
    fn drop(&mut self) {
        *lock(&self.0.batch_owner) = None;
        // Rolls back what is still open; a warning only when nothing is.
        let _ = lock(&self.0.writer).batch("ROLLBACK");
    }
}

impl PostgresBackend {
    /// Connects, brings the schema up to date when this login may (the database owner) and
    /// refuses a schema newer than this build; returns the version found.
    pub(crate) fn open(
        url: &str,
        password: Option<&str>,
    ) -> Result<(PostgresBackend, u32), StoreError> {
        let target = Target::parse(url, password)?;
        let writer = PgConn::new(target.connect()?);
        let found = migrate::migrate(&writer)?;
        let reader = PgConn::new(target.connect()?);
        let backend = PostgresBackend {
            target,
            reader: Mutex::new(reader),
            writer: Mutex::new(writer),
            batch_gate: Mutex::new(()),
            batch_owner: Mutex::new(None),
        };
        Ok((backend, found))
    }

    pub(crate) fn target(&self) -> &Target {
        &self.target
    }

    fn in_batch(&self) -> bool {
        *lock(&self.batch_owner) == Some(std::thread::current().id())
    }
}

impl Backend for PostgresBackend {
    fn write(&self, work: Work<'_>) -> Result<(), StoreError> {
        if self.in_batch() {
            return savepoint(&lock(&self.writer), work);
        }
        let _gate = lock(&self.batch_gate);
        run(&lock(&self.writer), &begin_write(), work)
    }

    fn read(&self, work: Work<'_>) -> Result<(), StoreError> {
        if self.in_batch() {
            return savepoint(&lock(&self.writer), work);
        }
        run(&lock(&self.reader), BEGIN_READ, work)
    }

    fn read_fresh(&self, work: Work<'_>) -> Result<(), StoreError> {
        let conn = PgConn::new(self.target.connect()?);
        // `verify` compares the row rules' conditions with this build's, which the server
        // renders in a transaction of its own (it makes scratch tables; the read is read-only).
        let shipped = team::render_shipped_rules(&conn);
        *conn.shipped_rules.borrow_mut() = Some(shipped);
        run(&conn, BEGIN_READ, work)
    }

    fn all_or_nothing(
        &self,
        batch: &mut dyn FnMut() -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if self.in_batch() {
            return batch();
        }
        let _gate = lock(&self.batch_gate);
        lock(&self.writer).batch(&begin_write())?;
        *lock(&self.batch_owner) = Some(std::thread::current().id());
        let end = BatchEnd(self);
        let result = batch();
        *lock(&self.batch_owner) = None;
        if result.is_ok() {
            lock(&self.writer).batch("COMMIT")?;
        }
        drop(end);
        result
    }

    fn fold_wal(&self) -> Result<(), StoreError> {
        // The server manages its own write-ahead log.
        Ok(())
    }

    fn compact(&self) -> Result<(), StoreError> {
        // VACUUM removes the dead row versions an erasure left in the tables that held the
        // person's data (it runs outside a transaction; a login that does not own a table gets
        // a warning and the table is left to autovacuum). What the server keeps beyond the
        // tables — its write-ahead log, WAL archives, base backups, replicas — is out of
        // Vetdesk's reach: the README's "Retention and erasure" says so.
        let _gate = lock(&self.batch_gate);
        lock(&self.writer).batch(
            "VACUUM candidates, cases, audit_log, search_index, link_keys, address_history, \
             person_keys, notes, identity_documents, payment_details, evidence, case_flags, \
             employee_accounts, employee_devices, telemetry_events, telemetry_imports",
        )?;
        Ok(())
    }
}

/// The schema version this build writes (the same numbering as the SQLite migrations).
pub(crate) fn schema_version() -> u32 {
    migrate::latest_version()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollar_numbers_outside_quotes() {
        let cases = [
            ("SELECT ?1, ?12 FROM t WHERE a = ?2", "SELECT $1, $12 FROM t WHERE a = $2"),
            ("SELECT '?1', \"a?2\" || ?3", "SELECT '?1', \"a?2\" || $3"),
            ("SELECT 'it''s ?1' || ?1", "SELECT 'it''s ?1' || $1"),
            ("SELECT ? , ?x", "SELECT ? , ?x"),
        ];
        for (sql, expected) in cases {
            assert_eq!(rewrite_placeholders(sql), expected, "{sql}");
        }
    }

    #[test]
    fn typed_words_become_a_safe_prefix_tsquery() {
        let q = |w: &[&str]| ts_query(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(q(&["anna"]).as_deref(), Some("'anna':*"));
        assert_eq!(q(&["Anna", "Eriks"]).as_deref(), Some("'Anna' & 'Eriks':*"));
        assert_eq!(q(&["it's", "a|b"]).as_deref(), Some("'it s' & 'a b':*"));
        assert_eq!(q(&[]), None);
        assert_eq!(q(&["'"]), None);
        assert_eq!(q(&["Apt", "2"]).as_deref(), Some("'Apt' & '2'"));
    }

    #[test]
    fn numerics_decode_to_integers_or_reals() {
        // 12345 = digits [1, 2345], weight 1, positive, scale 0.
        let raw = [0, 2, 0, 1, 0, 0, 0, 0, 0, 1, 0x09, 0x29];
        assert_eq!(numeric(&raw).ok(), Some(Value::Integer(12345)));
        let negative = [0, 1, 0, 0, 0x40, 0, 0, 0, 0, 7];
        assert_eq!(numeric(&negative).ok(), Some(Value::Integer(-7)));
        let half = [0, 1, 0xff, 0xff, 0, 0, 0, 1, 0x13, 0x88];
        assert_eq!(numeric(&half).ok(), Some(Value::Real(0.5)));
        assert!(numeric(&[0, 1]).is_err());
    }
}
