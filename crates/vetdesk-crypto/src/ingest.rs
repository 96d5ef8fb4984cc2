//! Evidence ingest in one pass over the input: the SHA-256 of the plaintext (which stays the
//! evidence id) and the encrypted copy, from the same read. SHA-256 and AES-GCM each run near
//! 1.5–2 GB/s here, so on a machine with two or more cores the hash runs on a second thread
//! while this one encrypts and writes; small inputs and single-core machines stay on one.

use std::io::{self, Read, Write};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread;

use sha2::{Digest, Sha256};

use crate::keys::DataKey;
use crate::stream::{CHUNK_LEN, EncryptingWriter, StreamError};

/// Plaintext read per step: 16 chunks, 1 MiB.
const BLOCK_LEN: usize = 16 * CHUNK_LEN;
/// Blocks in flight between the reading and hashing threads (memory: this many MiB).
const BLOCKS_IN_FLIGHT: usize = 4;

/// What one ingest produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ingested {
    /// SHA-256 of the plaintext.
    pub sha256: [u8; 32],
    pub plaintext_len: u64,
    /// Bytes written, header included.
    pub encrypted_len: u64,
}

/// How the work is spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threads {
    /// Two threads when the machine has two cores or more and the input is over one block.
    Auto,
    /// Everything on the calling thread.
    One,
    /// Hash on a second thread whatever the machine.
    Two,
}

/// Hashes and encrypts all of `reader` into `writer` under `key`; returns the digest, the
/// lengths and the writer (flushed, not synced: durability is the caller's temp-file, fsync,
/// rename). Memory stays at a few MiB whatever the input size.
pub fn hash_and_encrypt<R: Read, W: Write>(
    reader: R,
    writer: W,
    key: &DataKey,
    threads: Threads,
) -> Result<(Ingested, W), StreamError> {
    let two = match threads {
        Threads::One => false,
        Threads::Two => true,
        Threads::Auto => thread::available_parallelism().is_ok_and(|n| n.get() >= 2),
    };
    let mut reader = reader;
    let mut first = vec![0u8; BLOCK_LEN];
    let n = read_block(&mut reader, &mut first)?;
    first.truncate(n);
    let enc = EncryptingWriter::new(writer, key)?;
    if two && n == BLOCK_LEN {
        two_threads(reader, first, enc)
    } else {
        one_thread(reader, first, enc)
    }
}

fn one_thread<R: Read, W: Write>(
    mut reader: R,
    mut block: Vec<u8>,
    mut enc: EncryptingWriter<W>,
) -> Result<(Ingested, W), StreamError> {
    let mut hasher = Sha256::new();
    loop {
        hasher.update(&block);
        enc.write_all(&block)?;
        if block.len() < BLOCK_LEN {
            break;
        }
        block.resize(BLOCK_LEN, 0);
        let n = read_block(&mut reader, &mut block)?;
        block.truncate(n);
    }
    finish(enc, hasher.finalize().into())
}

fn two_threads<R: Read, W: Write>(
    mut reader: R,
    first: Vec<u8>,
    mut enc: EncryptingWriter<W>,
) -> Result<(Ingested, W), StreamError> {
    // Blocks go to the hasher and come back to be refilled, so no buffer is allocated per
    // block (a fresh 1 MiB allocation per block costs page faults on every use).
    let (to_hasher, hasher_rx) = mpsc::sync_channel::<Arc<Vec<u8>>>(BLOCKS_IN_FLIGHT);
    let (returned_tx, returned) = mpsc::channel::<Arc<Vec<u8>>>();
    thread::scope(|scope| {
        let hasher = scope.spawn(move || {
            let mut h = Sha256::new();
            for block in hasher_rx {
                h.update(&block[..]);
                // The reader may have gone (on error); the block is then just dropped.
                let _ = returned_tx.send(block);
            }
            <[u8; 32]>::from(h.finalize())
        });

        let mut spare: Vec<Vec<u8>> = Vec::new();
        let mut allocated = 1;
        let mut next = Some(first);
        let result = loop {
            let Some(block) = next.take() else { break Ok(()) };
            let last = block.len() < BLOCK_LEN;
            let block = Arc::new(block);
            if to_hasher.send(Arc::clone(&block)).is_err() {
                break Err(StreamError::Io(io::Error::other("the hashing thread stopped")));
            }
            if let Err(e) = enc.write_all(&block) {
                break Err(e.into());
            }
            drop(block);
            if last {
                break Ok(());
            }
            // A buffer for the next block: one the hasher has finished with, else a new one
            // while fewer than BLOCKS_IN_FLIGHT exist, else wait for the hasher.
            spare.extend(returned.try_iter().map(reclaim));
            let mut buf = match spare.pop() {
                Some(b) => b,
                None if allocated < BLOCKS_IN_FLIGHT => {
                    allocated += 1;
                    Vec::with_capacity(BLOCK_LEN)
                }
                None => match returned.recv() {
                    Ok(b) => reclaim(b),
                    Err(_) => Vec::with_capacity(BLOCK_LEN),
                },
            };
            buf.resize(BLOCK_LEN, 0);
            match read_block(&mut reader, &mut buf) {
                Ok(n) => {
                    buf.truncate(n);
                    next = Some(buf);
                }
                Err(e) => break Err(e.into()),
            }
        };
        drop(to_hasher);
        let digest = hasher.join();
        result?;
        let digest =
            digest.map_err(|_| StreamError::Io(io::Error::other("the hashing thread panicked")))?;
        finish(enc, digest)
    })
}

/// The vector inside a block the hasher has given back; a copy only if something still
/// shares it (never, in the flow above).
fn reclaim(block: Arc<Vec<u8>>) -> Vec<u8> {
    Arc::try_unwrap(block).unwrap_or_else(|shared| shared.as_ref().clone())
}

fn finish<W: Write>(
    enc: EncryptingWriter<W>,
    sha256: [u8; 32],
) -> Result<(Ingested, W), StreamError> {
    let plaintext_len = enc.plaintext_len();
    let (writer, encrypted_len) = enc.finish()?;
    Ok((Ingested { sha256, plaintext_len, encrypted_len }, writer))
}

/// Fills `buf` unless the input ends first; returns the bytes read.
fn read_block(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}
