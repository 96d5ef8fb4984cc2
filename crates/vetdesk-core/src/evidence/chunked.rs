//! Evidence in team mode: the bytes live in the team database (table `evidence_chunk`), in
//! chunks of [`CHUNK_LEN`] under the SHA-256 of the whole content, so that the same logins and
//! row rules guard them as every other row. This module reads them back one chunk at a time
//! (memory stays at one chunk whatever the file size) and checks them chunk by chunk; the
//! store writes them (`store/tables/evidence_chunks.rs`), inside the transaction that records
//! the evidence.
//!
//! An ingest in team mode streams the file through the same hashing, size limit and type
//! sniffing as in solo mode, into a temp file of the data directory: the content's SHA-256 is
//! known only at its end. That temp file is held as *pending* until the change that names the
//! content is applied, which streams it into chunks in its own transaction and drops it. A
//! pending file never outlives its store.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::Sha256Hex;
use super::fsops::TempFile;

/// Bytes per chunk: the most a reader or writer of team evidence holds at once.
pub const CHUNK_LEN: usize = 1024 * 1024;

/// How many chunks a content of `size` bytes has (an empty file is one empty chunk).
pub fn chunk_count(size: u64) -> u64 {
    size.div_ceil(CHUNK_LEN as u64).max(1)
}

/// What the team database holds of one content, as far as the signed-in login may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkStat {
    pub chunks: u64,
    pub bytes: u64,
}

/// One stored chunk: its bytes and the SHA-256 recorded for them when it was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// The team database's evidence chunks, read with the signed-in login's rights.
pub trait ChunkSource: Send + Sync {
    /// `None` when no chunk of this content is stored or visible.
    fn stat(&self, sha256: &Sha256Hex) -> io::Result<Option<ChunkStat>>;
    /// Chunk `seq` (from 0), `None` when it is not stored or not visible.
    fn chunk(&self, sha256: &Sha256Hex, seq: u64) -> io::Result<Option<Chunk>>;
}

/// Temp files of ingests whose content is not in the database yet, by content.
#[derive(Clone, Default)]
pub struct Pending(Arc<Mutex<HashMap<Sha256Hex, TempFile>>>);

impl Pending {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Sha256Hex, TempFile>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn put(&self, sha256: Sha256Hex, file: TempFile) {
        self.lock().insert(sha256, file);
    }

    /// A new handle on the pending file of `sha256`, read from its start.
    pub(crate) fn open(&self, sha256: &Sha256Hex) -> io::Result<Option<(File, u64)>> {
        let guard = self.lock();
        let Some(temp) = guard.get(sha256) else { return Ok(None) };
        let file = File::open(temp.path())?;
        let len = file.metadata()?.len();
        Ok(Some((file, len)))
    }

    /// Takes the pending file of `sha256` (it is deleted when the returned value is dropped).
    pub fn take(&self, sha256: &Sha256Hex) -> Option<PendingFile> {
        self.lock().remove(sha256).map(PendingFile)
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for Pending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pending").field("files", &self.len()).finish()
    }
}

/// A pending ingest taken for storing: read it, then drop it (which deletes the temp file).
pub struct PendingFile(TempFile);

impl PendingFile {
    pub fn open(&self) -> io::Result<File> {
        File::open(self.0.path())
    }
}

/// Where team evidence is: the database's chunks, and this desktop's pending ingests.
#[derive(Clone)]
pub(crate) struct TeamEvidence {
    pub(crate) chunks: Arc<dyn ChunkSource>,
    pub(crate) pending: Pending,
}

impl fmt::Debug for TeamEvidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TeamEvidence").field("pending", &self.pending).finish()
    }
}

/// Reads a content's chunks in order, holding one chunk at a time. A chunk that is missing,
/// or not of the length its place needs, fails the read and names it.
pub struct ChunkReader {
    source: Arc<dyn ChunkSource>,
    sha256: Sha256Hex,
    len: u64,
    next_seq: u64,
    chunk: Vec<u8>,
    pos: usize,
    delivered: u64,
}

impl ChunkReader {
    pub(crate) fn new(source: Arc<dyn ChunkSource>, sha256: Sha256Hex, len: u64) -> Self {
        ChunkReader { source, sha256, len, next_seq: 0, chunk: Vec::new(), pos: 0, delivered: 0 }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The largest buffer this reader has held (one chunk): what a read of any size costs.
    pub fn buffer_capacity(&self) -> usize {
        self.chunk.capacity()
    }
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.chunk.len() {
            if self.delivered >= self.len {
                return Ok(0);
            }
            let seq = self.next_seq;
            let chunk = self.source.chunk(&self.sha256, seq)?.ok_or_else(|| {
                io::Error::other(format!("chunk {seq} of evidence {} is missing", self.sha256))
            })?;
            let left = self.len - self.delivered;
            let want = left.min(CHUNK_LEN as u64) as usize;
            if chunk.bytes.len() != want {
                return Err(io::Error::other(format!(
                    "chunk {seq} of evidence {} has {} bytes, not {want}",
                    self.sha256,
                    chunk.bytes.len()
                )));
            }
            // Reuses the one buffer: its capacity stays at one chunk.
            self.chunk.clear();
            self.chunk.extend_from_slice(&chunk.bytes);
            self.pos = 0;
            self.next_seq += 1;
            if want == 0 {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.chunk.len() - self.pos);
        buf[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        self.delivered += n as u64;
        Ok(n)
    }
}

/// The state of a content's chunks, naming the first chunk that is missing or changed;
/// `FileCheck::Ok` when every chunk holds what was recorded for it and the whole hashes to
/// `sha256`.
pub(crate) fn check(
    source: &dyn ChunkSource,
    sha256: &Sha256Hex,
    size: u64,
) -> io::Result<super::FileCheck> {
    use super::FileCheck;
    let Some(stat) = source.stat(sha256)? else { return Ok(FileCheck::Missing) };
    let expected = chunk_count(size);
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    for seq in 0..expected {
        let Some(chunk) = source.chunk(sha256, seq)? else {
            return Ok(FileCheck::ChunkMissing { seq, chunks: expected });
        };
        let actual = hex::encode(Sha256::digest(&chunk.bytes));
        let want = (size - seq * CHUNK_LEN as u64).min(CHUNK_LEN as u64) as usize;
        if actual != chunk.sha256 || chunk.bytes.len() != want {
            return Ok(FileCheck::ChunkChanged { seq, chunks: expected });
        }
        hasher.update(&chunk.bytes);
        total += chunk.bytes.len() as u64;
    }
    if stat.chunks != expected || stat.bytes != total {
        return Ok(FileCheck::SizeMismatch { expected: size, actual: stat.bytes });
    }
    let actual = Sha256Hex::from_bytes(hasher.finalize().into());
    Ok(if actual == *sha256 { FileCheck::Ok } else { FileCheck::HashMismatch { actual } })
}

/// Cuts `src` into chunks of [`CHUNK_LEN`] through one buffer and hands each to `put` as (seq,
/// bytes, SHA-256 of the bytes); answers the SHA-256 and length of the whole. An empty source
/// is one empty chunk.
pub fn each_chunk(
    src: &mut dyn Read,
    mut put: impl FnMut(u64, &[u8], String) -> io::Result<()>,
) -> io::Result<(Sha256Hex, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK_LEN];
    let mut total = 0u64;
    let mut seq = 0u64;
    loop {
        let mut filled = 0;
        while filled < CHUNK_LEN {
            match src.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if filled == 0 && seq > 0 {
            break;
        }
        let bytes = &buf[..filled];
        hasher.update(bytes);
        put(seq, bytes, hex::encode(Sha256::digest(bytes)))?;
        total += filled as u64;
        seq += 1;
        if filled < CHUNK_LEN {
            break;
        }
    }
    Ok((Sha256Hex::from_bytes(hasher.finalize().into()), total))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Memory(Mutex<HashMap<(Sha256Hex, u64), Chunk>>);

    impl ChunkSource for Memory {
        fn stat(&self, sha256: &Sha256Hex) -> io::Result<Option<ChunkStat>> {
            let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
            let mine: Vec<&Chunk> =
                map.iter().filter(|((s, _), _)| s == sha256).map(|(_, c)| c).collect();
            Ok((!mine.is_empty()).then(|| ChunkStat {
                chunks: mine.len() as u64,
                bytes: mine.iter().map(|c| c.bytes.len() as u64).sum(),
            }))
        }
        fn chunk(&self, sha256: &Sha256Hex, seq: u64) -> io::Result<Option<Chunk>> {
            let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
            Ok(map.get(&(*sha256, seq)).cloned())
        }
    }

    fn stored(content: &[u8]) -> (Arc<Memory>, Sha256Hex) {
        let memory = Arc::new(Memory(Mutex::new(HashMap::new())));
        let mut staged = Vec::new();
        let (sha, size) = each_chunk(&mut &content[..], |seq, bytes, sha| {
            staged.push((seq, Chunk { bytes: bytes.to_vec(), sha256: sha }));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(size, content.len() as u64);
        let mut map = memory.0.lock().unwrap_or_else(|p| p.into_inner());
        for (seq, chunk) in staged {
            map.insert((sha, seq), chunk);
        }
        drop(map);
        (memory, sha)
    }

    #[test]
    fn chunks_read_back_as_the_content_one_chunk_at_a_time() {
        for len in [0, 1, CHUNK_LEN - 1, CHUNK_LEN, CHUNK_LEN + 1, 3 * CHUNK_LEN + 17] {
            let content: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let (memory, sha) = stored(&content);
            assert_eq!(
                memory.stat(&sha).ok().flatten().map(|s| s.chunks),
                Some(chunk_count(len as u64))
            );
            let mut reader = ChunkReader::new(memory.clone(), sha, len as u64);
            let mut back = Vec::new();
            let mut small = [0u8; 4096];
            loop {
                let n = reader.read(&mut small).unwrap_or_else(|e| panic!("{e}"));
                if n == 0 {
                    break;
                }
                back.extend_from_slice(&small[..n]);
            }
            assert!(back == content, "content of {len} bytes");
            assert!(reader.buffer_capacity() <= CHUNK_LEN, "{}", reader.buffer_capacity());
            let checked =
                check(memory.as_ref(), &sha, len as u64).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(checked, super::super::FileCheck::Ok, "{len}");
        }
    }

    #[test]
    fn check_names_the_chunk_that_changed_or_is_missing() {
        let content: Vec<u8> = (0..3 * CHUNK_LEN + 5).map(|i| (i % 256) as u8).collect();
        let (memory, sha) = stored(&content);
        let size = content.len() as u64;
        if let Some(c) = memory.0.lock().unwrap_or_else(|p| p.into_inner()).get_mut(&(sha, 2)) {
            c.bytes[9] ^= 1;
        }
        assert_eq!(
            check(memory.as_ref(), &sha, size).ok(),
            Some(super::super::FileCheck::ChunkChanged { seq: 2, chunks: 4 })
        );
        memory.0.lock().unwrap_or_else(|p| p.into_inner()).remove(&(sha, 1));
        assert_eq!(
            check(memory.as_ref(), &sha, size).ok(),
            Some(super::super::FileCheck::ChunkMissing { seq: 1, chunks: 4 })
        );
        let mut reader = ChunkReader::new(memory, sha, size);
        let err = io::copy(&mut reader, &mut io::sink()).err().map(|e| e.to_string());
        assert_eq!(err, Some(format!("chunk 1 of evidence {sha} is missing")));
    }
}
