//! The seam between the store and its database: every statement the store runs goes through
//! `Db` (one connection inside a transaction) and every transaction through `Backend`. Values
//! cross it as the owned `Value` (parameters) and the borrowed `ValueRef` (rows), converted by
//! `ToValue` / `FromValue`; what SQL cannot say the same way in every database is a method of
//! `Db` (a dialect point). SQLite (`sqlite`) is the embedded backend, PostgreSQL (`postgres`)
//! the team one; see README.md here.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use std::fmt;

use chrono::{NaiveDate, NaiveTime};

use super::StoreError;
use crate::model::{Timestamp, text_enum};

/// A value as a parameter, or a column read back in full (owned).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    /// Strictly typed where the database has booleans; SQLite stores 0 and 1.
    Bool(bool),
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A column of a row as the backend hands it over, borrowed from the row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    /// SQLite hands booleans over as the integers it keeps; a database with a boolean type
    /// hands them over as this.
    #[allow(dead_code)]
    Bool(bool),
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

impl ValueRef<'_> {
    pub fn to_owned(self) -> Value {
        match self {
            ValueRef::Null => Value::Null,
            ValueRef::Bool(b) => Value::Bool(b),
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(t) => Value::Text(t.to_string()),
            ValueRef::Blob(b) => Value::Blob(b.to_vec()),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            ValueRef::Null => "null",
            ValueRef::Bool(_) => "boolean",
            ValueRef::Integer(_) => "integer",
            ValueRef::Real(_) => "real",
            ValueRef::Text(_) => "text",
            ValueRef::Blob(_) => "blob",
        }
    }
}

impl Value {
    #[cfg(test)]
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Bool(b) => ValueRef::Bool(*b),
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(t) => ValueRef::Text(t),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }

    /// Equal as stored data: a boolean equals the integer a database without booleans keeps
    /// for it, so rows compare the same whichever backend they were read from.
    pub fn same_as(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Bool(b), Value::Integer(i)) | (Value::Integer(i), Value::Bool(b)) => {
                i64::from(*b) == *i
            }
            (a, b) => a == b,
        }
    }
}

impl fmt::Display for Value {
    /// How a value is named in messages (`verify`'s differences): text quoted and cut at 80
    /// characters, blobs by size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("empty"),
            Value::Bool(b) => write!(f, "{}", i64::from(*b)),
            Value::Integer(i) => write!(f, "{i}"),
            Value::Real(r) => write!(f, "{r}"),
            Value::Text(t) => {
                let t: String = t.chars().take(80).collect();
                write!(f, "{t:?}")
            }
            Value::Blob(b) => write!(f, "{} bytes", b.len()),
        }
    }
}

/// A failure of the database or of reading what it holds.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DbError {
    pub kind: DbErrorKind,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbErrorKind {
    /// Another connection holds the lock it needs; trying again later may work.
    Busy,
    /// A constraint of the schema refused the statement (a trigger, a key, a check).
    Constraint,
    /// A column does not hold what the store expects of it.
    Conversion,
    /// The server asked for a password and none was given (URL, `PGPASSWORD`, password file):
    /// a terminal may ask for one and try again.
    PasswordNeeded,
    /// The server refused the password given (SQLSTATE 28P01): a sign-in screen says so and
    /// asks again.
    PasswordRefused,
    Other,
}

impl DbError {
    pub fn new(kind: DbErrorKind, message: impl Into<String>) -> Self {
        DbError { kind, message: message.into() }
    }
    pub fn is_busy(&self) -> bool {
        self.kind == DbErrorKind::Busy
    }
    pub fn is_password_needed(&self) -> bool {
        self.kind == DbErrorKind::PasswordNeeded
    }
    pub fn is_password_refused(&self) -> bool {
        self.kind == DbErrorKind::PasswordRefused
    }
}

pub type DbResult<T> = std::result::Result<T, DbError>;

/// How a Rust value is bound as a parameter.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

/// How a column is read into a Rust value; the error says what was found instead.
pub trait FromValue: Sized {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String>;
}

fn expected(what: &str, found: ValueRef<'_>) -> String {
    format!("expected {what}, found {}", found.kind())
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl FromValue for Value {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        Ok(value.to_owned())
    }
}

impl ToValue for i64 {
    fn to_value(&self) -> Value {
        Value::Integer(*self)
    }
}

impl FromValue for i64 {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Integer(i) => Ok(i),
            other => Err(expected("an integer", other)),
        }
    }
}

/// Narrower integers are stored as 64-bit integers and range-checked when read back.
macro_rules! narrow_integer {
    ($($ty:ty),+) => {$(
        impl ToValue for $ty {
            fn to_value(&self) -> Value {
                Value::Integer(i64::from(*self))
            }
        }
        impl FromValue for $ty {
            fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
                let i = i64::from_value(value)?;
                <$ty>::try_from(i).map_err(|_| format!("{i} is out of range for {}", stringify!($ty)))
            }
        }
    )+};
}
narrow_integer!(i32, u32, u8);

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

impl FromValue for bool {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Bool(b) => Ok(b),
            ValueRef::Integer(0) => Ok(false),
            ValueRef::Integer(1) => Ok(true),
            other => Err(expected("a boolean", other)),
        }
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Real(*self)
    }
}

impl FromValue for f64 {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Integer(i) => Ok(i as f64),
            other => Err(expected("a number", other)),
        }
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl FromValue for String {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Text(t) => Ok(t.to_string()),
            other => Err(expected("text", other)),
        }
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Blob(self.to_vec())
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Blob(self.clone())
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            other => Err(expected("a blob", other)),
        }
    }
}

/// Parses a text column with `FromStr`.
fn parse_text<T: std::str::FromStr>(value: ValueRef<'_>) -> Result<T, String>
where
    T::Err: fmt::Display,
{
    match value {
        ValueRef::Text(t) => t.parse().map_err(|e| format!("{t:?}: {e}")),
        other => Err(expected("text", other)),
    }
}

/// Times are stored as their canonical text (`2026-11-24T09:30:00.000Z`), which sorts as it
/// reads in every database.
impl ToValue for Timestamp {
    fn to_value(&self) -> Value {
        Value::Text(self.to_string())
    }
}

impl FromValue for Timestamp {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        parse_text(value)
    }
}

/// Dates as `YYYY-MM-DD`.
impl ToValue for NaiveDate {
    fn to_value(&self) -> Value {
        Value::Text(self.format("%F").to_string())
    }
}

impl FromValue for NaiveDate {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Text(t) => {
                NaiveDate::parse_from_str(t, "%F").map_err(|e| format!("{t:?}: {e}"))
            }
            other => Err(expected("a date", other)),
        }
    }
}

/// Times of day as `HH:MM` (minutes are the finest the store records).
impl ToValue for NaiveTime {
    fn to_value(&self) -> Value {
        Value::Text(self.format("%H:%M").to_string())
    }
}

impl FromValue for NaiveTime {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Text(t) => {
                NaiveTime::parse_from_str(t, "%H:%M").map_err(|e| format!("{t:?}: {e}"))
            }
            other => Err(expected("a time of day", other)),
        }
    }
}

/// The closed sets of the model travel as their snake_case names (`text_enum!` types; one
/// missing here is a compile error where it is bound or read).
macro_rules! text_values {
    ($($ty:ty),+ $(,)?) => {$(
        impl ToValue for $ty {
            fn to_value(&self) -> Value {
                Value::Text(self.as_str().to_string())
            }
        }
        impl FromValue for $ty {
            fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
                parse_text(value)
            }
        }
    )+};
}

text_values!(
    crate::model::Role,
    crate::model::CaseKind,
    crate::model::CaseStatus,
    crate::model::Decision,
    crate::model::Priority,
    crate::model::ItemResult,
    crate::verification::DocumentKind,
    crate::verification::IdMatch,
    crate::verification::EVerifyStatus,
    crate::verification::MismatchAgency,
    crate::verification::IpContext,
    crate::verification::AuditOutcome,
    crate::verification::Severity,
    crate::verification::Triage,
    crate::verification::LinkKind,
    crate::verification::LinkRole,
    SearchKind,
);

/// A column holding JSON (lists of ids or names, a flag's source): stored as its text.
pub struct Json<T>(pub T);

impl<T: serde::Serialize> ToValue for Json<T> {
    fn to_value(&self) -> Value {
        // Serialising the store's own plain types (strings, ids, small structs) cannot fail;
        // if it ever did, NULL makes the insert fail on its NOT NULL column, loudly.
        serde_json::to_string(&self.0).map_or(Value::Null, Value::Text)
    }
}

impl<T: serde::de::DeserializeOwned> FromValue for Json<T> {
    fn from_value(value: ValueRef<'_>) -> Result<Self, String> {
        match value {
            ValueRef::Text(t) => serde_json::from_str(t).map(Json).map_err(|e| e.to_string()),
            other => Err(expected("JSON text", other)),
        }
    }
}

/// Binds parameters: `params![id, name, at]` is a `&[Value]` of their values, in order, for
/// the placeholders `?1`, `?2`, `?3` of the statement.
macro_rules! params {
    () => {
        &[] as &[$crate::store::db::Value]
    };
    ($($param:expr),+ $(,)?) => {
        &[$($crate::store::db::ToValue::to_value(&$param)),+] as &[$crate::store::db::Value]
    };
}
pub(crate) use params;

/// One row of a result, as a backend reads it.
pub trait RowSource {
    fn width(&self) -> usize;
    fn column_name(&self, index: usize) -> &str;
    fn value(&self, index: usize) -> DbResult<ValueRef<'_>>;
}

/// A row handed to a query's callback, with typed getters.
pub struct Row<'r> {
    source: &'r dyn RowSource,
}

impl<'r> Row<'r> {
    pub fn new(source: &'r dyn RowSource) -> Self {
        Row { source }
    }

    /// Column `index` (from 0) as a `T`.
    pub fn get<T: FromValue>(&self, index: usize) -> DbResult<T> {
        let value = self.source.value(index)?;
        T::from_value(value).map_err(|reason| {
            DbError::new(
                DbErrorKind::Conversion,
                format!("column {} ({index}): {reason}", self.source.column_name(index)),
            )
        })
    }

    pub fn width(&self) -> usize {
        self.source.width()
    }

    pub fn column_name(&self, index: usize) -> &str {
        self.source.column_name(index)
    }

    /// Every column, owned.
    pub fn values(&self) -> DbResult<Vec<Value>> {
        (0..self.width()).map(|i| self.source.value(i).map(ValueRef::to_owned)).collect()
    }
}

text_enum! {
    /// What a full-text index entry (and a search hit) is.
    pub enum SearchKind {
        Candidate => "candidate",
        Note => "note",
        Evidence => "evidence",
    }
}

/// One entry of the full-text index.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchEntry<'a> {
    pub kind: SearchKind,
    pub ref_id: i64,
    pub case_id: Option<i64>,
    pub candidate_id: i64,
    pub title: &'a str,
    pub body: &'a str,
}

/// One hit of a full-text search, best first. `snippet` marks matches with `[` and `]`.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchRow {
    pub kind: SearchKind,
    pub ref_id: i64,
    pub case_id: Option<i64>,
    pub candidate_id: i64,
    pub title: String,
    pub snippet: String,
    /// Higher is better.
    pub score: f64,
    pub candidate_name: String,
    /// The candidate's newest case, if any.
    pub newest_case: Option<i64>,
}

/// The length from which the last word typed into a search also matches as a prefix. A
/// one-character prefix ("Apt 2") stands for every word starting with it, thousands of them
/// at 100,000 candidates, and reading them all took longer than the rest of the search.
pub(crate) const PREFIX_FROM: usize = 2;

/// One connection, inside a transaction. Statements use numbered placeholders `?1`, `?2` …, a
/// number used twice binding the same value (a backend whose database writes them `$1`
/// rewrites them). Everything else in the store's SQL is written so that SQLite and PostgreSQL
/// both accept it (`ON CONFLICT … DO NOTHING`, `IS DISTINCT FROM`, `RETURNING`, row values,
/// `coalesce`, `||`); what is not is one of the dialect methods below.
pub trait Db {
    /// Runs one statement; returns how many rows it changed.
    fn execute(&self, sql: &str, params: &[Value]) -> DbResult<usize>;

    /// Runs statements without parameters or rows (savepoints, pragmas of a scratch database).
    fn execute_batch(&self, sql: &str) -> DbResult<()>;

    /// Runs a query and hands each row to `each`, in order.
    fn query(
        &self,
        sql: &str,
        params: &[Value],
        each: &mut dyn FnMut(&Row<'_>) -> DbResult<()>,
    ) -> DbResult<()>;

    /// Runs an `INSERT` of one row into a table keyed by an `id` the database assigns, and
    /// returns that id.
    fn insert_returning_id(&self, sql: &str, params: &[Value]) -> DbResult<i64>;

    /// Prepares a statement to run many times in a loop (a probe per prefix length, an insert
    /// per row), so that it is compiled once for the whole loop.
    fn prepare<'a>(&'a self, sql: &str) -> DbResult<Box<dyn Prepared + 'a>>;

    // ---- dialect points ----

    /// `column = placeholder`, ignoring the case of ASCII letters (SQLite's NOCASE).
    fn eq_folded(&self, column: &str, placeholder: &str) -> String;

    /// An ORDER BY term sorting `column` ignoring the case of ASCII letters.
    fn order_folded(&self, column: &str) -> String;

    /// Whether `column` contains the text of `placeholder`, ignoring the case of ASCII letters.
    fn contains_folded(&self, column: &str, placeholder: &str) -> String;

    /// The text value of `key` of the JSON object in `column`.
    fn json_text(&self, column: &str, key: &str) -> String;

    /// A column that orders the rows of an append-only table without a key of its own
    /// (address history) by insertion.
    fn insertion_order(&self) -> &'static str;

    /// Adds an entry to the full-text index. A candidate's entry replaces the one it had;
    /// notes and evidence are indexed once, when added.
    fn search_put(&self, entry: &SearchEntry<'_>) -> DbResult<()>;

    /// Removes every index entry of a candidate (theirs, their notes' and their evidence's):
    /// an erasure. The index keeps no trace once `Backend::compact` has merged it.
    fn search_forget(&self, candidate_id: i64) -> DbResult<()>;

    /// The index entries matching every word (the last one also as a prefix once it has
    /// [`PREFIX_FROM`] characters, so results come while typing), best first, at most `limit`.
    fn search(&self, words: &[String], limit: usize) -> DbResult<Vec<SearchRow>>;

    /// The database's own check of its files and foreign keys: (where, what) per problem.
    fn integrity_problems(&self) -> DbResult<Vec<(String, String)>>;

    /// Whether the schema itself refuses (updates, deletes) of rows of `table`, whatever code
    /// runs them: SQLite's triggers that abort unconditionally; another backend's triggers,
    /// rules or grants.
    fn refuses_changes_to(&self, table: &str) -> DbResult<(bool, bool)>;

    /// Prepares the connection for one transaction writing many rows (an import), `on`, and
    /// back for ordinary work, `false`: SQLite keeps the pages the batch changes in a page
    /// cache large enough for them, instead of writing each to the log many times over as a
    /// small cache spills it. Nothing where the server manages its own memory (PostgreSQL).
    fn bulk_writes(&self, on: bool) -> DbResult<()> {
        let _ = on;
        Ok(())
    }

    /// A transaction writing many rows goes on to read them back (each row of an import its
    /// partners' cases, the import's end every case's links). A backend whose planner chooses
    /// plans by statistics gathered before the batch brings them up to date for the tables the
    /// transaction grew a lot: PostgreSQL's (`ANALYZE` counts the transaction's own rows);
    /// planned with the statistics of a near-empty table, a query by an index reads the whole
    /// table instead, once per row or case. Asked every thousand rows and after the last; cheap
    /// when nothing grew enough. Nothing for SQLite, whose planner without `ANALYZE` data
    /// prefers the indexes.
    fn refresh_statistics(&self) -> DbResult<()> {
        Ok(())
    }

    /// Protections of a team database that are missing or altered (a grant given back, a
    /// trigger dropped or disabled): (where, what) per problem. None where there are none to
    /// check (SQLite, whose one protection `refuses_changes_to` reports).
    fn protection_problems(&self) -> DbResult<Vec<(String, String)>> {
        Ok(Vec::new())
    }

    /// The query of the id the next row of `table` gets: one more than the highest id of any
    /// row, including rows the session may not see (a team database's row rules).
    fn next_id_sql(&self, table: &str) -> String {
        format!("SELECT coalesce(max(id), 0) + 1 FROM {table}")
    }

    /// The name of the signed-in login when the row rules hide some cases from it (team
    /// mode, a login that is not an investigator, compliance or admin); None otherwise.
    fn blind_login(&self) -> DbResult<Option<String>> {
        Ok(None)
    }

    /// The cases the session may not see (a team database's row rules): their chains cannot
    /// be verified by this login. None where every row is visible (SQLite).
    fn hidden_cases(&self) -> DbResult<Vec<i64>> {
        Ok(Vec::new())
    }
}

/// A statement prepared once (`Db::prepare`), run with new parameters each time.
pub trait Prepared {
    fn execute(&mut self, params: &[Value]) -> DbResult<usize>;
    fn query(
        &mut self,
        params: &[Value],
        each: &mut dyn FnMut(&Row<'_>) -> DbResult<()>,
    ) -> DbResult<()>;
}

impl dyn Prepared + '_ {
    /// Every row of one run, mapped.
    pub fn query_vec<T>(
        &mut self,
        params: &[Value],
        mut map: impl FnMut(&Row<'_>) -> DbResult<T>,
    ) -> DbResult<Vec<T>> {
        let mut out = Vec::new();
        self.query(params, &mut |row| {
            out.push(map(row)?);
            Ok(())
        })?;
        Ok(out)
    }
}

/// Row helpers on every `Db`, typed (so not part of the object-safe trait).
impl dyn Db + '_ {
    /// Every row of a query, mapped.
    pub fn query_vec<T>(
        &self,
        sql: &str,
        params: &[Value],
        mut map: impl FnMut(&Row<'_>) -> DbResult<T>,
    ) -> DbResult<Vec<T>> {
        let mut out = Vec::new();
        self.query(sql, params, &mut |row| {
            out.push(map(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row of a query, mapped; `None` when there is none.
    pub fn query_optional<T>(
        &self,
        sql: &str,
        params: &[Value],
        mut map: impl FnMut(&Row<'_>) -> DbResult<T>,
    ) -> DbResult<Option<T>> {
        let mut out = None;
        self.query(sql, params, &mut |row| {
            if out.is_none() {
                out = Some(map(row)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row of a query that always has one (`count(*)`, `max(…)`), mapped.
    pub fn query_one<T>(
        &self,
        sql: &str,
        params: &[Value],
        map: impl FnMut(&Row<'_>) -> DbResult<T>,
    ) -> DbResult<T> {
        self.query_optional(sql, params, map)?.ok_or_else(|| {
            DbError::new(DbErrorKind::Other, format!("the query returned no row: {sql}"))
        })
    }

    /// The first column of the first row of a query that always has one.
    pub fn query_value<T: FromValue>(&self, sql: &str, params: &[Value]) -> DbResult<T> {
        self.query_one(sql, params, |r| r.get(0))
    }
}

/// Work to run inside a transaction; an error rolls the transaction back.
pub type Work<'w> = &'w mut dyn FnMut(&dyn Db) -> Result<(), StoreError>;

/// A database the store runs on: where its transactions come from.
pub trait Backend: Send + Sync {
    /// Runs `work` in a write transaction, one writer at a time, committed when `work`
    /// returns `Ok`.
    fn write(&self, work: Work<'_>) -> Result<(), StoreError>;

    /// Runs `work` in a read transaction: every query in it sees one state of the database,
    /// whatever is written meanwhile. Never blocks a writer.
    fn read(&self, work: Work<'_>) -> Result<(), StoreError>;

    /// As `read`, on a connection of its own, opened for this and closed after: for checks
    /// that must not see anything a long-lived connection caches.
    fn read_fresh(&self, work: Work<'_>) -> Result<(), StoreError>;

    /// Runs `batch` so that every write it makes through this backend, on this thread, is kept
    /// or none is: the writes share one transaction, committed when `batch` returns `Ok`.
    /// Reads on this thread inside it see its writes; other threads see none of them until the
    /// end, and their writes wait for it.
    fn all_or_nothing(
        &self,
        batch: &mut dyn FnMut() -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// Leaves the database compact after a bulk write: the write-ahead log folded into the
    /// database and cut back, so the next process does not read it all again at open.
    fn fold_wal(&self) -> Result<(), StoreError>;

    /// After an erasure: rewrites the database so that no page, free block or log frame
    /// keeps an erased value (SQLite: `VACUUM`, then the log folded and cut to nothing).
    fn compact(&self) -> Result<(), StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaseStatus, ItemResult};

    fn round_trip<T: ToValue + FromValue + PartialEq + fmt::Debug>(value: T) {
        let stored = value.to_value();
        let back = T::from_value(stored.as_ref()).unwrap_or_else(|e| panic!("{value:?}: {e}"));
        assert_eq!(back, value);
    }

    #[test]
    fn values_round_trip_through_their_stored_form() {
        round_trip(42_i64);
        round_trip(-7_i64);
        round_trip(u32::MAX);
        round_trip(true);
        round_trip(false);
        round_trip(1.5_f64);
        round_trip("Zoë «quoted»".to_string());
        round_trip(vec![0_u8, 255, 7]);
        round_trip(Some("x".to_string()));
        round_trip(None::<String>);
        round_trip(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap_or_default());
        round_trip(NaiveTime::from_hms_opt(9, 30, 0).unwrap_or_default());
        round_trip(
            "2026-11-24T09:30:00.000Z".parse::<Timestamp>().unwrap_or_else(|_| Timestamp::now()),
        );
        round_trip(CaseStatus::InReview);
        round_trip(ItemResult::NotApplicable);
        let json = Json(vec!["a".to_string(), "b".to_string()]).to_value();
        assert_eq!(json, Value::Text(r#"["a","b"]"#.into()));
        let back = Json::<Vec<String>>::from_value(json.as_ref()).map(|j| j.0);
        assert_eq!(back, Ok(vec!["a".to_string(), "b".to_string()]));
    }

    #[test]
    fn stored_forms_are_the_ones_every_database_can_keep() {
        let at: Timestamp = "2026-11-24T09:30:00.000Z".parse().unwrap_or_else(|_| Timestamp::now());
        assert_eq!(at.to_value(), Value::Text("2026-11-24T09:30:00.000Z".into()));
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        assert_eq!(day.to_value(), Value::Text("2026-03-01".into()));
        assert_eq!(CaseStatus::InReview.to_value(), Value::Text("in_review".into()));
        assert_eq!(true.to_value(), Value::Bool(true));
        assert_eq!(Some(3_i64).to_value(), Value::Integer(3));
        assert_eq!(None::<i64>.to_value(), Value::Null);
    }

    #[test]
    fn a_column_of_the_wrong_kind_is_refused_with_what_was_found() {
        let cases: Vec<(Result<(), String>, &str)> = vec![
            (i64::from_value(ValueRef::Text("1")).map(drop), "expected an integer, found text"),
            (u8::from_value(ValueRef::Integer(300)).map(drop), "300 is out of range for u8"),
            (bool::from_value(ValueRef::Integer(2)).map(drop), "expected a boolean"),
            (String::from_value(ValueRef::Null).map(drop), "expected text, found null"),
            (CaseStatus::from_value(ValueRef::Text("shut")).map(drop), "unknown CaseStatus"),
            (NaiveDate::from_value(ValueRef::Text("2026-13-01")).map(drop), "2026-13-01"),
            (Timestamp::from_value(ValueRef::Integer(0)).map(drop), "found integer"),
            (Json::<Vec<i64>>::from_value(ValueRef::Text("[1,")).map(drop), "EOF"),
        ];
        for (result, words) in cases {
            let message = result.expect_err(words);
            assert!(message.contains(words), "{message:?} should say {words:?}");
        }
    }

    #[test]
    fn booleans_equal_the_integers_databases_without_booleans_keep() {
        assert!(Value::Bool(true).same_as(&Value::Integer(1)));
        assert!(Value::Integer(0).same_as(&Value::Bool(false)));
        assert!(!Value::Bool(true).same_as(&Value::Integer(0)));
        assert!(!Value::Text("1".into()).same_as(&Value::Integer(1)));
        assert!(Value::Null.same_as(&Value::Null));
        assert_eq!(Value::Text("x".repeat(100)).to_string().len(), 82);
        assert_eq!(Value::Null.to_string(), "empty");
        assert_eq!(Value::Blob(vec![1, 2]).to_string(), "2 bytes");
    }

    #[test]
    fn params_bind_in_order() {
        let name = "ana".to_string();
        let none: Option<i64> = None;
        let bound = params![7_i64, name, true, none, CaseStatus::Open];
        assert_eq!(
            bound,
            &[
                Value::Integer(7),
                Value::Text("ana".into()),
                Value::Bool(true),
                Value::Null,
                Value::Text("open".into())
            ]
        );
        assert!(params![].is_empty());
    }
}
