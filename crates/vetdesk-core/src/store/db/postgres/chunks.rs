//! Reading team evidence (`evidence::chunked`): a connection of its own, with the signed-in
//! login's rights (the row rule of `evidence_chunk` applies), opened at the first read and
//! asked for one chunk per query. Chunks never change once stored, so reads need no
//! transaction of their own; a read inside any of the store's transactions never waits for it.

use std::io;
use std::sync::{Mutex, MutexGuard};

use super::{PgConn, Target};
use crate::evidence::Sha256Hex;
use crate::evidence::chunked::{Chunk, ChunkSource, ChunkStat};
use crate::store::db::{Db, Value};

pub(crate) struct PgChunks {
    target: Target,
    conn: Mutex<Option<PgConn>>,
}

impl PgChunks {
    pub(crate) fn new(target: Target) -> PgChunks {
        PgChunks { target, conn: Mutex::new(None) }
    }

    fn with_conn<T>(&self, work: impl FnOnce(&dyn Db) -> io::Result<T>) -> io::Result<T> {
        let mut guard: MutexGuard<'_, Option<PgConn>> =
            self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            let client = self.target.connect().map_err(|e| io::Error::other(e.to_string()))?;
            *guard = Some(PgConn::new(client));
        }
        let Some(conn) = guard.as_ref() else { return Err(io::Error::other("no connection")) };
        let result = work(conn as &dyn Db);
        if result.is_err() {
            // A broken connection is opened again at the next read.
            *guard = None;
        }
        result
    }
}

fn db_io(e: crate::store::db::DbError) -> io::Error {
    io::Error::other(format!("team database: {e}"))
}

impl ChunkSource for PgChunks {
    fn stat(&self, sha256: &Sha256Hex) -> io::Result<Option<ChunkStat>> {
        self.with_conn(|db| {
            let (chunks, bytes): (i64, i64) = db
                .query_optional(
                    "SELECT count(*), coalesce(sum(length(bytes)), 0)::bigint
                     FROM evidence_chunk WHERE sha256 = ?1",
                    &[Value::Text(sha256.to_hex())],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(db_io)?
                .unwrap_or((0, 0));
            Ok((chunks > 0).then_some(ChunkStat { chunks: chunks as u64, bytes: bytes as u64 }))
        })
    }

    fn chunk(&self, sha256: &Sha256Hex, seq: u64) -> io::Result<Option<Chunk>> {
        self.with_conn(|db| {
            db.query_optional(
                "SELECT bytes, chunk_sha256 FROM evidence_chunk WHERE sha256 = ?1 AND seq = ?2",
                &[Value::Text(sha256.to_hex()), Value::Integer(seq as i64)],
                |r| Ok(Chunk { bytes: r.get(0)?, sha256: r.get(1)? }),
            )
            .map_err(db_io)
        })
    }
}
