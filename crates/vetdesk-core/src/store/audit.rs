//! The audit chain: each record's SHA-256 covers its chain, position, time, actor, the change
//! as canonical JSON, and the previous record's hash. Editing, removing or reordering a record
//! breaks every hash after it; the chain head printed in reports pins the whole history.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::StoreError;
use crate::model::{AuditRecord, Chain, GENESIS_HASH, Timestamp};

/// The text form of a chain in the database and in hashed content.
pub(crate) fn chain_key(chain: Chain) -> String {
    match chain {
        Chain::Global => "global".to_string(),
        Chain::Case(id) => format!("case:{id}"),
    }
}

pub(crate) fn parse_chain_key(text: &str) -> Option<Chain> {
    if text == "global" {
        return Some(Chain::Global);
    }
    text.strip_prefix("case:").and_then(|id| id.parse().ok()).map(Chain::Case)
}

/// Canonical JSON: object keys sorted, no whitespace, serde_json's escaping and number forms.
/// Written by hand rather than relying on `serde_json::Map` ordering, which changes when any
/// crate in the build enables serde_json's `preserve_order` feature.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            out.push_str(&value.to_string());
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
    }
}

/// The hash of one record: SHA-256 over the canonical JSON of everything the record says.
pub fn record_hash(
    chain: Chain,
    seq: i64,
    at: &Timestamp,
    actor: &str,
    change: &Value,
    prev_hash: &str,
) -> String {
    let content = serde_json::json!({
        "chain": chain_key(chain),
        "seq": seq,
        "at": at.to_string(),
        "actor": actor,
        "change": change,
        "prev_hash": prev_hash,
    });
    hex::encode(Sha256::digest(canonical_json(&content).as_bytes()))
}

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
    let hash = record_hash(chain, seq, at, actor, change, &prev_hash);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth_and_has_no_whitespace() {
        let value = serde_json::json!({"b": 1, "a": {"d": [true, null, "x\"y"], "c": -2}});
        assert_eq!(canonical_json(&value), r#"{"a":{"c":-2,"d":[true,null,"x\"y"]},"b":1}"#);
    }

    #[test]
    fn record_hash_covers_every_field() {
        let at: Timestamp = "2026-11-24T10:00:00.000Z".parse().unwrap();
        let change = serde_json::json!({"type": "add_note", "text": "hello"});
        let base = record_hash(Chain::Case(1), 1, &at, "ana", &change, GENESIS_HASH);
        let later: Timestamp = "2026-11-24T10:00:00.001Z".parse().unwrap();
        let variants = [
            record_hash(Chain::Case(2), 1, &at, "ana", &change, GENESIS_HASH),
            record_hash(Chain::Global, 1, &at, "ana", &change, GENESIS_HASH),
            record_hash(Chain::Case(1), 2, &at, "ana", &change, GENESIS_HASH),
            record_hash(Chain::Case(1), 1, &later, "ana", &change, GENESIS_HASH),
            record_hash(Chain::Case(1), 1, &at, "bob", &change, GENESIS_HASH),
            record_hash(
                Chain::Case(1),
                1,
                &at,
                "ana",
                &serde_json::json!({"type": "add_note", "text": "hellO"}),
                GENESIS_HASH,
            ),
            record_hash(Chain::Case(1), 1, &at, "ana", &change, &"1".repeat(64)),
        ];
        for (i, other) in variants.iter().enumerate() {
            assert_ne!(&base, other, "variant {i} must change the hash");
        }
        assert_eq!(base.len(), 64);
    }

    #[test]
    fn chain_keys_round_trip() {
        for chain in [Chain::Global, Chain::Case(1), Chain::Case(987654)] {
            assert_eq!(parse_chain_key(&chain_key(chain)), Some(chain));
        }
        for bad in ["", "case:", "case:x", "Global", "case:1 "] {
            assert_eq!(parse_chain_key(bad), None, "{bad:?}");
        }
    }
}
