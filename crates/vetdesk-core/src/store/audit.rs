//! The audit log's table: appending a record to its chain (hashed by the rule in
//! `crate::chain`) and reading chains back. Editing, removing or reordering a record breaks
//! every hash after it; the chain head printed in reports pins the whole history.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

use super::StoreError;
use crate::chain::{self, canonical_json, chain_key, parse_chain_key};
use crate::model::{AuditRecord, Chain, GENESIS_HASH, Timestamp};

/// The last record of a chain: its position and hash (0 and the genesis hash when empty).
pub(crate) fn chain_tip(conn: &Connection, chain: Chain) -> Result<(i64, String), StoreError> {
    let tip = conn
        .query_row(
            "SELECT seq, hash FROM audit_log WHERE chain = ?1 ORDER BY seq DESC LIMIT 1",
            [chain_key(chain)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(tip.unwrap_or_else(|| (0, GENESIS_HASH.to_string())))
}

/// Appends a record to its chain. Runs inside the transaction that wrote the change.
pub(crate) fn append(
    conn: &Connection,
    chain: Chain,
    at: &Timestamp,
    actor: &str,
    change: &Value,
) -> Result<AuditRecord, StoreError> {
    let (last_seq, prev_hash) = chain_tip(conn, chain)?;
    let seq = last_seq + 1;
    let hash = chain::hash(&chain_key(chain), seq, &at.to_string(), actor, change, &prev_hash);
    let case_id = match chain {
        Chain::Case(id) => Some(id),
        Chain::Global => None,
    };
    conn.execute(
        "INSERT INTO audit_log (chain, case_id, seq, at, actor, change, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            chain_key(chain),
            case_id,
            seq,
            at.to_string(),
            actor,
            canonical_json(change),
            prev_hash,
            hash
        ],
    )?;
    Ok(AuditRecord {
        id: conn.last_insert_rowid(),
        chain,
        seq,
        at: *at,
        actor: actor.to_string(),
        change: change.clone(),
        prev_hash,
        hash,
    })
}

/// A record as stored, before any of it is trusted: `verify` needs the raw text.
pub(crate) struct RawRecord {
    pub id: i64,
    pub chain: String,
    pub case_id: Option<i64>,
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub change: String,
    pub prev_hash: String,
    pub hash: String,
}

pub(crate) const RAW_COLUMNS: &str = "id, chain, case_id, seq, at, actor, change, prev_hash, hash";

pub(crate) fn raw_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRecord> {
    Ok(RawRecord {
        id: r.get(0)?,
        chain: r.get(1)?,
        case_id: r.get(2)?,
        seq: r.get(3)?,
        at: r.get(4)?,
        actor: r.get(5)?,
        change: r.get(6)?,
        prev_hash: r.get(7)?,
        hash: r.get(8)?,
    })
}

impl RawRecord {
    /// Parses the stored text into a record; `None` names what does not parse.
    pub(crate) fn parse(&self) -> Result<AuditRecord, String> {
        let chain = parse_chain_key(&self.chain)
            .ok_or_else(|| format!("chain {:?} is not a chain name", self.chain))?;
        let at = self.at.parse().map_err(|e| format!("time {:?} does not parse: {e}", self.at))?;
        let change = serde_json::from_str(&self.change)
            .map_err(|e| format!("change is not valid JSON: {e}"))?;
        Ok(AuditRecord {
            id: self.id,
            chain,
            seq: self.seq,
            at,
            actor: self.actor.clone(),
            change,
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        })
    }
}

/// Records of one chain in order.
pub(crate) fn chain_records(
    conn: &Connection,
    chain: Chain,
) -> Result<Vec<AuditRecord>, StoreError> {
    query_records(conn, "WHERE chain = ?1 ORDER BY seq", params![chain_key(chain)])
}

/// Every record written after `after_id`, in the order they were applied (what the desktop app
/// polls to learn about changes made by another process).
pub(crate) fn records_since(
    conn: &Connection,
    after_id: i64,
    limit: usize,
) -> Result<Vec<AuditRecord>, StoreError> {
    query_records(conn, "WHERE id > ?1 ORDER BY id LIMIT ?2", params![after_id, limit as i64])
}

fn query_records(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<AuditRecord>, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT {RAW_COLUMNS} FROM audit_log {filter}"))?;
    let rows = stmt.query_map(args, raw_from_row)?;
    let mut records = Vec::new();
    for raw in rows {
        let raw = raw?;
        let record = raw.parse().map_err(|message| {
            StoreError::Corrupt(format!("audit record {} ({}): {message}", raw.id, raw.chain))
        })?;
        records.push(record);
    }
    Ok(records)
}

/// The id of the newest record of the whole log (0 when empty): where a poller of
/// `records_since` starts, so that it reports only what happens from now on.
pub(crate) fn last_id(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) FROM audit_log", [], |r| r.get(0))?)
}
