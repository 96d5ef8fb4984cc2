//! `verify`: proves that the store still says what its audit log says.
//!
//! 1. SQLite's own integrity and foreign-key checks.
//! 2. Every chain: positions 1..n without gaps, each record's previous-hash equal to the hash
//!    before it, each hash equal to the hash of the record's content.
//! 3. Replay: every recorded change is written again, through the same `write_effects` the
//!    store uses, into an empty database; every state table is then compared row by row and
//!    column by column with the real one. A row edited, added or removed behind the store's
//!    back shows up here even when the log itself is intact.
//! 4. Every evidence file is re-hashed and compared with its name and recorded size.
//!
//! What this cannot see alone: someone who rewrites the log *and* recomputes every hash after
//! the edit, and rewrites the state to match. The chain head printed in every report and audit
//! pack is what catches that: compare it with the head `verify` prints.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Connection;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::audit::{self, RawRecord};
use super::{DataDir, Result, apply, schema};
use crate::chain::{self, chain_key};
use crate::change::Change;
use crate::evidence::{EvidenceFiles, FileCheck};
use crate::model::text_enum;
use crate::model::{Chain, GENESIS_HASH};

/// Every table that `write_effects` writes, with its key. `verify` compares exactly these;
/// a test makes sure no table of the schema is forgotten here.
pub(crate) const STATE_TABLES: &[(&str, &str)] = &[
    ("users", "id"),
    ("vendors", "id"),
    ("candidates", "id"),
    ("cases", "id"),
    ("checklist_items", "case_id, item_id"),
    ("notes", "id"),
    ("evidence", "id"),
    ("item_evidence", "case_id, item_id, evidence_id"),
    ("identity_documents", "id"),
    ("interviews", "id"),
    ("reachable_hours", "case_id"),
    ("everify_cases", "id"),
    ("case_references", "id"),
    ("payment_details", "id"),
    ("observed_ips", "id"),
    ("vendor_audits", "id"),
    ("ip_lists", "id"),
    ("ip_ranges", "list_id, position"),
    ("voip_entries", "id"),
    ("vpn_providers", "id"),
    ("case_flags", "id"),
];

/// Problems listed per table before the rest are only counted.
const MAX_PER_TABLE: usize = 50;

text_enum! {
    pub enum ProblemKind {
        /// SQLite's integrity or foreign-key check failed.
        Database => "database",
        /// An audit chain is broken: a record was edited, removed or reordered.
        Chain => "chain",
        /// A table says something the audit log does not.
        State => "state",
        /// An evidence file is missing or its bytes changed.
        Evidence => "evidence",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Problem {
    pub kind: ProblemKind,
    /// What is affected: a record, a row, a file.
    pub location: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChainSummary {
    pub chain: Chain,
    pub records: u32,
    pub head: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VerifyReport {
    pub ok: bool,
    pub records: u32,
    pub chains: Vec<ChainSummary>,
    pub evidence_files: u32,
    pub problems: Vec<Problem>,
}

struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, kind: ProblemKind, location: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { kind, location: location.into(), message: message.into() });
    }
}

pub(crate) fn verify(conn: &Connection, dir: &DataDir) -> Result<VerifyReport> {
    let mut problems = Problems(Vec::new());
    // One read transaction: every step sees the same snapshot even if someone writes meanwhile.
    conn.execute_batch("BEGIN")?;
    let outcome = verify_snapshot(conn, dir, &mut problems);
    conn.execute_batch("COMMIT")?;
    let (records, chains, evidence_files) = outcome?;
    Ok(VerifyReport {
        ok: problems.0.is_empty(),
        records,
        chains,
        evidence_files,
        problems: problems.0,
    })
}

fn verify_snapshot(
    conn: &Connection,
    dir: &DataDir,
    problems: &mut Problems,
) -> Result<(u32, Vec<ChainSummary>, u32)> {
    database_checks(conn, problems)?;
    let (records, chains) = check_chains(conn, problems)?;
    let count = records.len() as u32;
    replay_and_compare(conn, &records, problems)?;
    let files = check_evidence_files(conn, &dir.root, problems)?;
    Ok((count, chains, files))
}

fn database_checks(conn: &Connection, problems: &mut Problems) -> Result<()> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    for line in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let line = line?;
        if line != "ok" {
            problems.add(ProblemKind::Database, "database file", line);
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, String>(2)?))
    })?;
    for row in rows {
        let (table, rowid, parent) = row?;
        problems.add(
            ProblemKind::Database,
            format!("{table} row {}", rowid.map(|r| r.to_string()).unwrap_or_default()),
            format!("refers to a {parent} row that does not exist"),
        );
    }
    Ok(())
}

/// A record that passed parsing, kept for the replay.
struct Parsed {
    id: i64,
    chain: Chain,
    seq: i64,
    at: crate::model::Timestamp,
    actor: String,
    change: serde_json::Value,
}

fn describe(raw: &RawRecord) -> String {
    format!("audit record {} ({} #{})", raw.id, raw.chain, raw.seq)
}

fn check_chains(
    conn: &Connection,
    problems: &mut Problems,
) -> Result<(Vec<Parsed>, Vec<ChainSummary>)> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM audit_log ORDER BY chain, seq, id",
        audit::RAW_COLUMNS
    ))?;
    let mut parsed = Vec::new();
    let mut summaries: BTreeMap<Chain, ChainSummary> = BTreeMap::new();
    let mut current: Option<(String, i64, String)> = None; // chain, last seq, last hash
    for raw in stmt.query_map([], audit::raw_from_row)? {
        let raw = raw?;
        let (last_seq, last_hash) = match &current {
            Some((chain, seq, hash)) if *chain == raw.chain => (*seq, hash.clone()),
            _ => (0, GENESIS_HASH.to_string()),
        };
        current = Some((raw.chain.clone(), raw.seq, raw.hash.clone()));
        let location = describe(&raw);
        if raw.seq != last_seq + 1 {
            let what = if raw.seq > last_seq + 1 {
                format!(
                    "follows #{last_seq}: record(s) #{}..#{} are missing",
                    last_seq + 1,
                    raw.seq - 1
                )
            } else {
                format!("follows #{last_seq}: positions are out of order")
            };
            problems.add(ProblemKind::Chain, &location, what);
        }
        if raw.prev_hash != last_hash {
            problems.add(
                ProblemKind::Chain,
                &location,
                format!(
                    "its previous-hash {} is not the hash of the record before it ({}): a record before it was edited, removed or reordered",
                    short(&raw.prev_hash),
                    short(&last_hash)
                ),
            );
        }
        let record = match raw.parse() {
            Ok(record) => record,
            Err(message) => {
                problems.add(ProblemKind::Chain, &location, message);
                continue;
            }
        };
        let expected_case = match record.chain {
            Chain::Case(id) => Some(id),
            Chain::Global => None,
        };
        if raw.case_id != expected_case {
            problems.add(ProblemKind::Chain, &location, "its case column does not match its chain");
        }
        let hash = chain::hash(
            &chain_key(record.chain),
            record.seq,
            &record.at.to_string(),
            &record.actor,
            &record.change,
            &record.prev_hash,
        );
        if hash != raw.hash {
            problems.add(
                ProblemKind::Chain,
                &location,
                format!("its content does not match its hash (stored {}, content hashes to {}): the record was edited", short(&raw.hash), short(&hash)),
            );
        }
        let summary = summaries.entry(record.chain).or_insert(ChainSummary {
            chain: record.chain,
            records: 0,
            head: String::new(),
        });
        summary.records += 1;
        summary.head = raw.hash.clone();
        parsed.push(Parsed {
            id: record.id,
            chain: record.chain,
            seq: record.seq,
            at: record.at,
            actor: record.actor,
            change: record.change,
        });
    }
    parsed.sort_by_key(|p| p.id);
    Ok((parsed, summaries.into_values().collect()))
}

fn short(hash: &str) -> String {
    hash.get(..12).map(|h| format!("{h}…")).unwrap_or_else(|| format!("{hash:?}"))
}

fn replay_and_compare(
    conn: &Connection,
    records: &[Parsed],
    problems: &mut Problems,
) -> Result<()> {
    // An empty path makes SQLite use a private temporary file, so memory stays flat however
    // large the store is.
    let mut replay = Connection::open("")?;
    schema::create_fresh(&mut replay)?;
    replay.execute_batch("PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;")?;
    let tx = replay.transaction()?;
    for record in records {
        let location =
            format!("audit record {} ({} #{})", record.id, chain_key(record.chain), record.seq);
        let change: Change = match serde_json::from_value(record.change.clone()) {
            Ok(change) => change,
            Err(e) => {
                problems.add(
                    ProblemKind::Chain,
                    location,
                    format!("its change is not a known change: {e}"),
                );
                continue;
            }
        };
        if change.chain() != record.chain {
            problems.add(
                ProblemKind::Chain,
                &location,
                format!(
                    "it is in chain {} but its change belongs to {}",
                    chain_key(record.chain),
                    chain_key(change.chain())
                ),
            );
        }
        if let Err(e) = apply::write_effects(&tx, &record.at, &record.actor, &change) {
            problems.add(
                ProblemKind::Chain,
                location,
                format!("its change cannot be replayed: {e}"),
            );
        }
    }
    tx.commit()?;
    for (table, key) in STATE_TABLES {
        compare_table(conn, &replay, table, key, problems)?;
    }
    Ok(())
}

fn cmp_values(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let ordering = match (x, y) {
            (Value::Integer(x), Value::Integer(y)) => x.cmp(y),
            (Value::Text(x), Value::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Null, _) => Ordering::Less,
            (_, Value::Null) => Ordering::Greater,
            _ => format!("{x:?}").cmp(&format!("{y:?}")),
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    Ordering::Equal
}

fn show(value: &Value) -> String {
    match value {
        Value::Null => "empty".to_string(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(t) => {
            let t: String = t.chars().take(80).collect();
            format!("{t:?}")
        }
        Value::Blob(b) => format!("{} bytes", b.len()),
    }
}

/// Merge-joins the two tables on their key, both sorted by SQLite (BINARY collation, which
/// orders text bytewise like `cmp_values`), so neither is held in memory whole.
fn compare_table(
    real: &Connection,
    replay: &Connection,
    table: &str,
    key: &str,
    problems: &mut Problems,
) -> Result<()> {
    let key_len = key.split(',').count();
    let sql = format!("SELECT {key}, * FROM {table} ORDER BY {key}");
    let mut real_stmt = real.prepare(&sql)?;
    let mut replay_stmt = replay.prepare(&sql)?;
    let columns: Vec<String> = real_stmt.column_names().map(|c| c.to_string()).collect();
    let width = columns.len();
    let read_row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Vec<Value>> {
        (0..width).map(|i| r.get::<_, Value>(i)).collect()
    };
    let mut real_rows = real_stmt.query_map([], read_row)?;
    let mut replay_rows = replay_stmt.query_map([], read_row)?;
    let mut a = real_rows.next().transpose()?;
    let mut b = replay_rows.next().transpose()?;
    let mut found = 0usize;
    let name_row = |row: &[Value]| {
        let keys: Vec<String> = key
            .split(',')
            .map(str::trim)
            .zip(row)
            .map(|(k, v)| format!("{k}={}", show(v).trim_matches('"')))
            .collect();
        format!("{table} row {}", keys.join(", "))
    };
    let mut report = |problems: &mut Problems, location: String, message: String| {
        found += 1;
        if found <= MAX_PER_TABLE {
            problems.add(ProblemKind::State, location, message);
        }
    };
    loop {
        match (&a, &b) {
            (None, None) => break,
            (Some(x), None) => {
                report(
                    problems,
                    name_row(x),
                    "is in the database but no audit record created it".into(),
                );
                a = real_rows.next().transpose()?;
            }
            (None, Some(y)) => {
                report(
                    problems,
                    name_row(y),
                    "was created by the audit log but is missing from the database".into(),
                );
                b = replay_rows.next().transpose()?;
            }
            (Some(x), Some(y)) => match cmp_values(&x[..key_len], &y[..key_len]) {
                Ordering::Less => {
                    report(
                        problems,
                        name_row(x),
                        "is in the database but no audit record created it".into(),
                    );
                    a = real_rows.next().transpose()?;
                }
                Ordering::Greater => {
                    report(
                        problems,
                        name_row(y),
                        "was created by the audit log but is missing from the database".into(),
                    );
                    b = replay_rows.next().transpose()?;
                }
                Ordering::Equal => {
                    for i in key_len..width {
                        if x[i] != y[i] {
                            report(
                                problems,
                                name_row(x),
                                format!(
                                    "{} is {} in the database, but the audit log says {}",
                                    columns[i],
                                    show(&x[i]),
                                    show(&y[i])
                                ),
                            );
                        }
                    }
                    a = real_rows.next().transpose()?;
                    b = replay_rows.next().transpose()?;
                }
            },
        }
    }
    if found > MAX_PER_TABLE {
        problems.add(
            ProblemKind::State,
            table.to_string(),
            format!("{} more differences not listed", found - MAX_PER_TABLE),
        );
    }
    Ok(())
}

fn check_evidence_files(
    conn: &Connection,
    data_dir: &Path,
    problems: &mut Problems,
) -> Result<u32> {
    let mut stmt = conn.prepare(
        "SELECT sha256, size, group_concat(id || ' (case ' || case_id || ', ' || original_name || ')', '; ')
         FROM evidence GROUP BY sha256, size ORDER BY sha256",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?))
    })?;
    let files = EvidenceFiles::new(data_dir);
    let mut count = 0;
    for row in rows {
        let (sha256, size, used_by) = row?;
        count += 1;
        let location = format!("evidence file {sha256} (evidence {used_by})");
        let check = match super::files::parse_sha(&sha256) {
            Ok(sha) => files.check(&sha, size.max(0) as u64),
            Err(e) => {
                problems.add(ProblemKind::Evidence, location, e.to_string());
                continue;
            }
        };
        if check != FileCheck::Ok {
            problems.add(ProblemKind::Evidence, location, check.to_string());
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tables that are derived (rebuildable) or are the log itself; not compared.
    const NOT_STATE: &[&str] = &["audit_log", "search_index", "link_keys", "address_history"];

    #[test]
    fn every_table_of_the_schema_is_compared_or_known_to_be_derived() {
        let mut conn = Connection::open_in_memory().unwrap();
        schema::create_fresh(&mut conn).unwrap();
        let tables: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for table in tables {
            let known = STATE_TABLES.iter().any(|(t, _)| *t == table)
                || NOT_STATE.iter().any(|t| table == *t || table.starts_with(&format!("{t}_")));
            assert!(known, "table {table} is neither compared by verify nor listed as derived");
        }
    }
}
