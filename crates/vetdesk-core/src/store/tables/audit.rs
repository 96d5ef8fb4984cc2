//! The `audit_log` table: appending a record to its chain (hashed by the rule in
//! `crate::chain`) and reading chains back. Editing, removing or reordering a record breaks
//! every hash after it; the chain head printed in reports pins the whole history.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value as Json;

use crate::chain::{
    self, LedgerEntry, StoredAuditRecord, canonical_json, chain_key, parse_chain_key,
};
use crate::model::{AuditRecord, CandidateId, Chain, GENESIS_HASH, Timestamp};
use crate::sealed;
use crate::store::db::{Db, DbResult, Row, Value, params};
use crate::store::tables::person_keys::{self, KeyCache};
use crate::store::{Result, StoreError};
use vetdesk_crypto::PersonKey;

const COLUMNS: &str = "id, chain, case_id, seq, at, actor, change, prev_hash, hash";

thread_local! {
    /// The chain and ledger heads of a bulk write in progress on this thread (`HeadsMemo`):
    /// each record appended knows the one before it without reading it back.
    static HEADS: RefCell<Option<Heads>> = const { RefCell::new(None) };
}

#[derive(Default)]
struct Heads {
    chains: HashMap<Chain, (i64, String)>,
    ledger: Option<(i64, String)>,
    /// The candidate of each case a record was sealed for.
    case_candidates: HashMap<i64, Option<CandidateId>>,
    /// The key each candidate's records are sealed under; `None` for an erased candidate.
    keys: HashMap<CandidateId, Option<Arc<PersonKey>>>,
}

/// Keeps the heads of the chains and of the ledger in memory while it lives, for one
/// transaction that appends many records (an import), and what sealing a record looks up (a
/// case's candidate, a candidate's key, or that they are erased). Every append goes through
/// `append`, which keeps the memory in step; `forget` empties it when part of the transaction
/// is rolled back.
pub(crate) struct HeadsMemo(());

impl HeadsMemo {
    pub(crate) fn start() -> HeadsMemo {
        HEADS.with(|h| *h.borrow_mut() = Some(Heads::default()));
        HeadsMemo(())
    }

    /// After a rollback to a savepoint: what was remembered may name records that are gone.
    pub(crate) fn forget(&self) {
        HEADS.with(|h| *h.borrow_mut() = Some(Heads::default()));
    }
}

impl Drop for HeadsMemo {
    fn drop(&mut self) {
        HEADS.with(|h| *h.borrow_mut() = None);
    }
}

fn remembered<T>(read: impl FnOnce(&Heads) -> Option<T>) -> Option<T> {
    HEADS.with(|h| h.borrow().as_ref().and_then(read))
}

fn remember(write: impl FnOnce(&mut Heads)) {
    HEADS.with(|h| {
        if let Some(heads) = h.borrow_mut().as_mut() {
            write(heads);
        }
    });
}

/// The last record of a chain: its position and hash (0 and the genesis hash when empty).
pub(crate) fn chain_tip(db: &dyn Db, chain: Chain) -> Result<(i64, String)> {
    if let Some(tip) = remembered(|h| h.chains.get(&chain).cloned()) {
        return Ok(tip);
    }
    let tip = db.query_optional(
        "SELECT seq, hash FROM audit_log WHERE chain = ?1 ORDER BY seq DESC LIMIT 1",
        params![chain_key(chain)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(tip.unwrap_or_else(|| (0, GENESIS_HASH.to_string())))
}

/// The time a write starting `now` records: `now`, or the time of the last record written if
/// the clock reads earlier (set back, or corrected by a time server), so that times never go
/// back within a chain — which `verify` holds every chain to. Runs inside the write's
/// transaction, so no other writer can slip a later record in between.
///
/// The last record is found by the ledger's key and then by its own (chain, seq): two index
/// lookups whatever the size of the log. As one join ordered by the ledger, PostgreSQL planned
/// a scan of both tables: 50–110 ms a write at 30,000 candidates, under the write lock every
/// writer waits for. A record the session may not see (a team database's row rules) is passed
/// over for the one before it: the chain being written is visible, and its records are among
/// the ones looked at.
pub(crate) fn write_time(db: &dyn Db, now: Timestamp) -> Result<Timestamp> {
    let newest: Vec<(String, i64)> =
        db.query_vec("SELECT chain, seq FROM ledger ORDER BY n DESC LIMIT 16", &[], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mut last: Option<Timestamp> = None;
    let mut record = db.prepare("SELECT at FROM audit_log WHERE chain = ?1 AND seq = ?2")?;
    for (chain, seq) in &newest {
        last = record.query_vec(params![chain, seq], |r| r.get(0))?.into_iter().next();
        if last.is_some() {
            break;
        }
    }
    drop(record);
    if last.is_none() && newest.len() == 16 {
        // Sixteen records in a row hidden from the session: the newest it sees, by the scan.
        last = db.query_optional(
            "SELECT a.at FROM ledger l JOIN audit_log a ON a.chain = l.chain AND a.seq = l.seq
             ORDER BY l.n DESC LIMIT 1",
            &[],
            |r| r.get(0),
        )?;
    }
    match last {
        Some(last) if last > now => {
            tracing::warn!(%now, %last, "the clock reads earlier than the last record; recording at the last record's time");
            Ok(last)
        }
        _ => Ok(now),
    }
}

/// The candidate a record is about, whose personal fields in it are sealed under their key:
/// the candidate of a case for the case's chain, the candidate added or corrected for those
/// records of the global chain, nobody for the rest.
pub(crate) fn concerned(db: &dyn Db, chain: Chain, change: &Json) -> Result<Option<CandidateId>> {
    match chain {
        Chain::Case(id) => Ok(db.query_optional(
            "SELECT candidate_id FROM cases WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )?),
        Chain::Global => Ok(match change.get("type").and_then(Json::as_str) {
            Some("add_candidate" | "update_candidate") => change.get("id").and_then(Json::as_i64),
            Some("record_person_export") => change.get("candidate_id").and_then(Json::as_i64),
            _ => None,
        }),
    }
}

/// Whether a candidate's erasure is recorded.
pub(crate) fn is_erased(db: &dyn Db, candidate: CandidateId) -> Result<bool> {
    let at: Option<Option<String>> = db.query_optional(
        "SELECT erased_at FROM candidates WHERE id = ?1",
        params![candidate],
        |r| r.get(0),
    )?;
    Ok(matches!(at, Some(Some(_))))
}

/// The change as stored, in canonical JSON: its personal fields sealed under the key of the
/// candidate it is about (or blanked, for a candidate already erased).
fn as_stored(db: &dyn Db, chain: Chain, seq: i64, change: &Json) -> Result<String> {
    let Some(candidate) = concerned_remembered(db, chain, change)? else {
        return Ok(canonical_json(change));
    };
    let mut stored = change.clone();
    let Some(key) = sealing_key(db, candidate)? else {
        sealed::blank_change(&mut stored);
        return Ok(canonical_json(&stored));
    };
    sealed::seal_change(
        &mut stored,
        &chain_key(chain),
        seq,
        &sealed::Sealer { candidate, key: &key },
    )
    .map_err(|e| StoreError::Corrupt(format!("cannot seal a record: {e}")))?;
    Ok(canonical_json(&stored))
}

/// `concerned`, remembering a case's candidate while a `HeadsMemo` lives (a case's candidate
/// never changes).
fn concerned_remembered(db: &dyn Db, chain: Chain, change: &Json) -> Result<Option<CandidateId>> {
    let Chain::Case(case_id) = chain else { return concerned(db, chain, change) };
    if let Some(candidate) = remembered(|h| h.case_candidates.get(&case_id).copied()) {
        return Ok(candidate);
    }
    let candidate = concerned(db, chain, change)?;
    remember(|h| {
        h.case_candidates.insert(case_id, candidate);
    });
    Ok(candidate)
}

/// The key to seal a candidate's records under, made at their first record; `None` once
/// their erasure is recorded. Remembered while a `HeadsMemo` lives (emptied with it when part
/// of the transaction is rolled back, so a key is never remembered past the row that stored
/// it).
fn sealing_key(db: &dyn Db, candidate: CandidateId) -> Result<Option<Arc<PersonKey>>> {
    if let Some(key) = remembered(|h| h.keys.get(&candidate).cloned()) {
        return Ok(key);
    }
    let key = if is_erased(db, candidate)? {
        None
    } else {
        Some(Arc::new(person_keys::get_or_create(db, candidate)?))
    };
    remember(|h| {
        h.keys.insert(candidate, key.clone());
    });
    Ok(key)
}

/// Opens the sealed fields of a record read back; a field whose key was destroyed (an erased
/// person) reads as its placeholder.
pub(crate) fn open_record(db: &dyn Db, keys: &mut KeyCache, record: &mut AuditRecord) {
    if !sealed::is_sealed(&record.change.to_string()) {
        return;
    }
    let chain = chain_key(record.chain);
    sealed::open_change(&mut record.change, &chain, record.seq, &mut |c| keys.key(db, c));
}

/// Appends a record to its chain. Runs inside the transaction that wrote the change.
pub(crate) fn append(
    db: &dyn Db,
    chain: Chain,
    at: &Timestamp,
    actor: &str,
    change: Json,
) -> Result<AuditRecord> {
    let (last_seq, prev_hash) = chain_tip(db, chain)?;
    let seq = last_seq + 1;
    let key = chain_key(chain);
    let stored = as_stored(db, chain, seq, &change)?;
    let hash = chain::hash_of_canonical(&key, seq, &at.to_string(), actor, &stored, &prev_hash);
    let case_id = match chain {
        Chain::Case(id) => Some(id),
        Chain::Global => None,
    };
    let id = db.insert_returning_id(
        "INSERT INTO audit_log (chain, case_id, seq, at, actor, change, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![key, case_id, seq, at, actor, stored, prev_hash, hash],
    )?;
    append_to_ledger(db, &key, seq, &hash)?;
    remember(|h| {
        h.chains.insert(chain, (seq, hash.clone()));
    });
    Ok(AuditRecord { id, chain, seq, at: *at, actor: actor.to_string(), change, prev_hash, hash })
}

/// The ledger's last entry: its position and hash (0 and the genesis hash when empty). Its
/// hash is the store's root.
pub(crate) fn ledger_tip(db: &dyn Db) -> Result<(i64, String)> {
    if let Some(tip) = remembered(|h| h.ledger.clone()) {
        return Ok(tip);
    }
    let tip =
        db.query_optional("SELECT n, hash FROM ledger ORDER BY n DESC LIMIT 1", &[], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(tip.unwrap_or_else(|| (0, GENESIS_HASH.to_string())))
}

/// Every record gets the next ledger entry in the transaction that appends it.
fn append_to_ledger(db: &dyn Db, chain: &str, seq: i64, record_hash: &str) -> Result<()> {
    let (last, prev) = ledger_tip(db)?;
    let n = last + 1;
    let hash = chain::ledger_hash(n, chain, seq, record_hash, &prev);
    db.execute(
        "INSERT INTO ledger (n, chain, seq, record_hash, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![n, chain, seq, record_hash, prev, hash],
    )?;
    remember(|h| h.ledger = Some((n, hash)));
    Ok(())
}

/// Every ledger entry in order, handed to `each` one at a time with the id and hash of the
/// audit record at its chain and position, if the log holds one (the newest, if it holds
/// several).
pub(crate) fn each_ledger_entry_with_record(
    db: &dyn Db,
    each: &mut dyn FnMut(LedgerEntry, Option<(i64, String)>) -> DbResult<()>,
) -> Result<()> {
    let mut last: Option<i64> = None;
    db.query(
        "SELECT l.n, l.chain, l.seq, l.record_hash, l.prev, l.hash, a.id, a.hash
         FROM ledger l LEFT JOIN audit_log a ON a.chain = l.chain AND a.seq = l.seq
         ORDER BY l.n, a.id DESC",
        &[],
        &mut |r| {
            let n: i64 = r.get(0)?;
            if last == Some(n) {
                return Ok(());
            }
            last = Some(n);
            let entry = LedgerEntry {
                n,
                chain: r.get(1)?,
                seq: r.get(2)?,
                record_hash: r.get(3)?,
                prev: r.get(4)?,
                hash: r.get(5)?,
            };
            let record = match r.get::<Option<i64>>(6)? {
                Some(id) => Some((id, r.get(7)?)),
                None => None,
            };
            each(entry, record)
        },
    )?;
    Ok(())
}

/// The id, chain and position of every record of the log, by id, handed to `each`.
pub(crate) fn each_record_place(
    db: &dyn Db,
    each: &mut dyn FnMut(i64, String, i64) -> DbResult<()>,
) -> Result<()> {
    db.query("SELECT id, chain, seq FROM audit_log ORDER BY id", &[], &mut |r| {
        each(r.get(0)?, r.get(1)?, r.get(2)?)
    })?;
    Ok(())
}

/// The ledger entries from position `from` to `to` (both included), in order.
pub(crate) fn ledger_between(
    db: &dyn Db,
    from: i64,
    to: i64,
    each: &mut dyn FnMut(LedgerEntry) -> DbResult<()>,
) -> Result<()> {
    db.query(
        "SELECT n, chain, seq, record_hash, prev, hash FROM ledger WHERE n >= ?1 AND n <= ?2 ORDER BY n",
        params![from, to],
        &mut |r| {
            each(LedgerEntry {
                n: r.get(0)?,
                chain: r.get(1)?,
                seq: r.get(2)?,
                record_hash: r.get(3)?,
                prev: r.get(4)?,
                hash: r.get(5)?,
            })
        },
    )?;
    Ok(())
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

fn raw_from_row(r: &Row<'_>) -> DbResult<RawRecord> {
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
    /// Parses the stored text into a record; the error names what does not parse.
    pub(crate) fn parse(&self) -> std::result::Result<AuditRecord, String> {
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

    fn stored(self) -> StoredAuditRecord {
        StoredAuditRecord {
            id: self.id,
            chain: self.chain,
            seq: self.seq,
            at: self.at,
            actor: self.actor,
            change: self.change,
            prev_hash: self.prev_hash,
            hash: self.hash,
        }
    }
}

/// Every record of the log as stored, by chain and position, handed to `each` one at a time.
pub(crate) fn each_raw(db: &dyn Db, each: &mut dyn FnMut(RawRecord) -> DbResult<()>) -> Result<()> {
    db.query(&format!("SELECT {COLUMNS} FROM audit_log ORDER BY chain, seq, id"), &[], &mut |r| {
        each(raw_from_row(r)?)
    })?;
    Ok(())
}

/// Records read per query by [`each_raw_written`].
const RAW_PAGE: i64 = 1_000;

/// Every record of the log as stored, in the order written (by id), handed to `each` one at a
/// time. Read a page at a time, so that neither backend holds the whole log, and `each` may
/// run statements of its own.
pub(crate) fn each_raw_written(
    db: &dyn Db,
    each: &mut dyn FnMut(RawRecord) -> Result<()>,
) -> Result<()> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2");
    let mut after = i64::MIN;
    loop {
        let page = db.query_vec(&sql, params![after, RAW_PAGE], raw_from_row)?;
        let Some(last) = page.last() else { return Ok(()) };
        after = last.id;
        let full = page.len() as i64 == RAW_PAGE;
        for raw in page {
            each(raw)?;
        }
        if !full {
            return Ok(());
        }
    }
}

/// The records of one chain exactly as stored, oldest first.
pub(crate) fn stored(db: &dyn Db, chain: Chain) -> Result<Vec<StoredAuditRecord>> {
    let raw = db.query_vec(
        &format!("SELECT {COLUMNS} FROM audit_log WHERE chain = ?1 ORDER BY seq"),
        params![chain_key(chain)],
        raw_from_row,
    )?;
    Ok(raw.into_iter().map(RawRecord::stored).collect())
}

/// The records of one chain as stored, but with their sealed personal fields opened (or, for
/// an erased person, read as placeholders): what a report shows. Their hashes are of the
/// stored text, so they are not re-hashed from this.
pub(crate) fn readable(db: &dyn Db, chain: Chain) -> Result<Vec<StoredAuditRecord>> {
    let mut keys = KeyCache::default();
    stored(db, chain)?
        .into_iter()
        .map(|mut r| {
            if sealed::is_sealed(&r.change) {
                let mut change: Json = serde_json::from_str(&r.change)?;
                sealed::open_change(&mut change, &r.chain, r.seq, &mut |c| keys.key(db, c));
                r.change = canonical_json(&change);
            }
            Ok(r)
        })
        .collect()
}

/// Records of one chain in order.
pub(crate) fn chain_records(db: &dyn Db, chain: Chain) -> Result<Vec<AuditRecord>> {
    parsed(db, "WHERE chain = ?1 ORDER BY seq", params![chain_key(chain)])
}

/// Every record written after `after_id`, in the order they were applied (what the desktop app
/// polls to learn about changes made by another process).
pub(crate) fn records_since(db: &dyn Db, after_id: i64, limit: usize) -> Result<Vec<AuditRecord>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    parsed(db, "WHERE id > ?1 ORDER BY id LIMIT ?2", params![after_id, limit])
}

fn parsed(db: &dyn Db, filter: &str, args: &[Value]) -> Result<Vec<AuditRecord>> {
    let raw =
        db.query_vec(&format!("SELECT {COLUMNS} FROM audit_log {filter}"), args, raw_from_row)?;
    let mut keys = KeyCache::default();
    raw.iter()
        .map(|raw| {
            let mut record = raw.parse().map_err(|message| {
                StoreError::Corrupt(format!("audit record {} ({}): {message}", raw.id, raw.chain))
            })?;
            open_record(db, &mut keys, &mut record);
            Ok(record)
        })
        .collect()
}

/// The id of the newest record of the whole log (0 when empty): where a poller of
/// `records_since` starts, so that it reports only what happens from now on.
pub(crate) fn last_id(db: &dyn Db) -> Result<i64> {
    Ok(db.query_value("SELECT coalesce(max(id), 0) FROM audit_log", &[])?)
}

/// The time and change text of every candidate change of the global chain, in the order
/// applied (the only place earlier addresses are kept).
pub(crate) fn candidate_changes(db: &dyn Db) -> Result<Vec<(Timestamp, String)>> {
    let sql = format!(
        "SELECT at, change FROM audit_log WHERE chain = ?1 AND {} IN (?2, ?3) ORDER BY id",
        db.json_text("change", "type")
    );
    let rows: Vec<(Timestamp, i64, String)> = db.query_vec(
        &sql.replace("SELECT at, change", "SELECT at, seq, change"),
        params!["global", "add_candidate", "update_candidate"],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let mut keys = KeyCache::default();
    rows.into_iter()
        .map(|(at, seq, text)| {
            if !sealed::is_sealed(&text) {
                return Ok((at, text));
            }
            let mut change: Json = serde_json::from_str(&text)?;
            sealed::open_change(&mut change, "global", seq, &mut |c| keys.key(db, c));
            Ok((at, canonical_json(&change)))
        })
        .collect()
}

/// The newest signed checkpoint of the global chain, if any, with its position there.
pub(crate) fn latest_checkpoint(
    db: &dyn Db,
) -> Result<Option<(i64, crate::checkpoint::SignedCheckpoint)>> {
    let sql = format!(
        "SELECT seq, change FROM audit_log WHERE chain = ?1 AND {} = ?2 ORDER BY seq DESC LIMIT 1",
        db.json_text("change", "type")
    );
    let found: Option<(i64, String)> =
        db.query_optional(&sql, params!["global", "record_checkpoint"], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let Some((seq, text)) = found else { return Ok(None) };
    match serde_json::from_str::<crate::change::Change>(&text) {
        Ok(crate::change::Change::RecordCheckpoint { checkpoint }) => Ok(Some((seq, checkpoint))),
        _ => Err(StoreError::Corrupt(format!("the checkpoint at global #{seq} does not parse"))),
    }
}

/// Where a chain's first record sits in the ledger, and how many of its records come at or
/// before position `upto` (what a checkpoint signed at `upto` covers).
pub(crate) fn ledger_span(db: &dyn Db, chain: Chain, upto: i64) -> Result<Option<(i64, i64)>> {
    let key = chain_key(chain);
    let first: Option<i64> = db.query_optional(
        "SELECT n FROM ledger WHERE chain = ?1 AND seq = 1",
        params![key],
        |r| r.get(0),
    )?;
    let Some(first) = first else { return Ok(None) };
    let covered: i64 = db
        .query_optional(
            "SELECT COUNT(*) FROM ledger WHERE chain = ?1 AND n <= ?2",
            params![key, upto],
            |r| r.get(0),
        )?
        .unwrap_or(0);
    Ok(Some((first, covered)))
}
