//! `evidence_chunk` (team mode only; a solo data directory keeps its files under `evidence/`):
//! the bytes of each stored content in chunks of `evidence::chunked::CHUNK_LEN`, written inside
//! the transaction that records the evidence naming them, so a failure anywhere stores nothing.
//! A content is stored once: a writer that finds it there (whoever may see it) adds nothing.

use std::io::Read;

use crate::evidence::Sha256Hex;
use crate::evidence::chunked::{self, ChunkStat};
use crate::store::db::{Db, Value};
use crate::store::{Result, StoreError};

/// What this transaction sees of a content's chunks.
pub(crate) fn stat(db: &dyn Db, sha256: &Sha256Hex) -> Result<Option<ChunkStat>> {
    let (chunks, bytes): (i64, i64) = db.query_one(
        "SELECT count(*), coalesce(sum(length(bytes)), 0)::bigint
         FROM evidence_chunk WHERE sha256 = ?1",
        &[Value::Text(sha256.to_hex())],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((chunks > 0).then_some(ChunkStat { chunks: chunks as u64, bytes: bytes as u64 }))
}

/// How many chunks of `sha256` are stored, visible to this login or not: through
/// `vetdesk_evidence_stored` once `team init` has run (a member sees only the chunks of
/// evidence it may see), directly otherwise (the owner, whom row rules do not bind).
fn stored(db: &dyn Db, sha256: &Sha256Hex) -> Result<u64> {
    let guarded: bool =
        db.query_value("SELECT to_regprocedure('vetdesk_evidence_stored(text)') IS NOT NULL", &[])?;
    let key = Value::Text(sha256.to_hex());
    let n: i64 = if guarded {
        db.query_value("SELECT vetdesk_evidence_stored(?1)", &[key])?
    } else {
        db.query_value("SELECT count(*) FROM evidence_chunk WHERE sha256 = ?1", &[key])?
    };
    Ok(n.max(0) as u64)
}

/// Streams `src` into chunks under `sha256`, one chunk in memory at a time, and checks on the
/// way that it is the content of that hash and `size` (a pending file that changed on disk is
/// refused, and the caller's transaction rolls back). A content already stored is left as it is
/// (content-addressed, never replaced; write transactions are serialised, so no other writer
/// stores it meanwhile).
pub(crate) fn put(db: &dyn Db, sha256: &Sha256Hex, size: u64, src: &mut dyn Read) -> Result<()> {
    let expected = chunked::chunk_count(size);
    match stored(db, sha256)? {
        0 => {}
        n if n == expected => return Ok(()),
        n => {
            return Err(StoreError::Corrupt(format!(
                "evidence {sha256} is in the team database only in part ({n} of {expected} \
                 chunks)"
            )));
        }
    }
    let key = sha256.to_hex();
    let mut failed: Option<StoreError> = None;
    let (actual, total) = chunked::each_chunk(src, |seq, bytes, chunk_sha| {
        // No ON CONFLICT clause: with one, PostgreSQL checks the row against the SELECT row
        // rule, which a chunk passes only once its evidence row exists.
        let inserted = db.execute(
            "INSERT INTO evidence_chunk (sha256, seq, bytes, chunk_sha256) VALUES (?1, ?2, ?3, ?4)",
            &[
                Value::Text(key.clone()),
                Value::Integer(seq as i64),
                Value::Blob(bytes.to_vec()),
                Value::Text(chunk_sha),
            ],
        );
        inserted.map(drop).map_err(|e| {
            let message = e.to_string();
            failed = Some(e.into());
            std::io::Error::other(message)
        })
    })
    .map_err(|e| {
        failed.take().unwrap_or_else(|| {
            StoreError::io(format!("cannot read evidence {sha256} to store it"), e)
        })
    })?;
    if actual != *sha256 || total != size {
        return Err(StoreError::Corrupt(format!(
            "evidence {sha256} changed before it reached the team database ({total} bytes \
             hashing to {actual}); nothing was stored"
        )));
    }
    Ok(())
}

/// Removes the chunks of an erased content, in the erasure's transaction: through
/// `vetdesk_erase_evidence` once `team init` has run (members may not delete chunks themselves;
/// the function checks the content is evidence of erased people only), directly otherwise (a
/// team database used by its owner alone). Answers how many chunks were removed.
pub(crate) fn erase(db: &dyn Db, sha256: &Sha256Hex) -> Result<u64> {
    let guarded: bool =
        db.query_value("SELECT to_regprocedure('vetdesk_erase_evidence(text)') IS NOT NULL", &[])?;
    let key = Value::Text(sha256.to_hex());
    let removed: i64 = if guarded {
        db.query_value("SELECT vetdesk_erase_evidence(?1)", &[key])?
    } else {
        db.execute("DELETE FROM evidence_chunk WHERE sha256 = ?1", &[key])? as i64
    };
    Ok(removed.max(0) as u64)
}
