//! SHA-256 on a second thread while the ingesting thread writes the same bytes. Ingest hashes
//! every byte and writes (or seals and writes) every byte; one after the other it took the sum
//! of both (1.58 s for 1 GiB, against 1.01 s for `cp` and `openssl dgst` of the same file).
//! Side by side it takes the longer of the two.

use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::thread::{Scope, ScopedJoinHandle};

use sha2::{Digest, Sha256};

/// Buffers between the two threads at most: the reader fills one while the hasher hashes
/// another, and a few more absorb the difference in pace.
const IN_FLIGHT: usize = 4;

/// The hasher thread and the buffers passed to it and back. Dropped before `finish` (the
/// ingest failed), the thread ends with nothing more to hash.
pub(crate) struct HashBeside<'scope> {
    to_hash: SyncSender<Vec<u8>>,
    hashed: Receiver<Vec<u8>>,
    thread: ScopedJoinHandle<'scope, [u8; 32]>,
    made: usize,
    len: usize,
}

impl<'scope> HashBeside<'scope> {
    /// Starts the hasher in `scope`; buffers are `len` bytes.
    pub(crate) fn start(scope: &'scope Scope<'scope, '_>, len: usize) -> HashBeside<'scope> {
        let (to_hash, incoming) = sync_channel::<Vec<u8>>(IN_FLIGHT);
        let (give_back, hashed) = channel();
        let thread = scope.spawn(move || {
            let mut hasher = Sha256::new();
            for buf in incoming {
                hasher.update(&buf);
                // The ingest may have finished or failed meanwhile: then nobody takes it.
                let _ = give_back.send(buf);
            }
            hasher.finalize().into()
        });
        HashBeside { to_hash, hashed, thread, made: 0, len }
    }

    /// An empty buffer of `len` bytes to read into: one the hasher is done with, or a new one
    /// while fewer than `IN_FLIGHT` exist.
    pub(crate) fn buffer(&mut self) -> Vec<u8> {
        let done = match self.hashed.try_recv() {
            Ok(buf) => Some(buf),
            Err(_) if self.made < IN_FLIGHT => None,
            Err(_) => self.hashed.recv().ok(),
        };
        let mut buf = done.unwrap_or_else(|| {
            self.made += 1;
            Vec::with_capacity(self.len)
        });
        buf.clear();
        buf.resize(self.len, 0);
        buf
    }

    /// Hands `bytes` (the next bytes of the content, in order) to the hasher.
    pub(crate) fn update(&mut self, bytes: Vec<u8>) {
        // The hasher only stops when this side drops its sender.
        let _ = self.to_hash.send(bytes);
    }

    /// The SHA-256 of every byte handed over, once the hasher has taken them all.
    pub(crate) fn finish(self) -> [u8; 32] {
        drop(self.to_hash);
        match self.thread.join() {
            Ok(digest) => digest,
            // Hashing bytes does not panic; if it ever did, the ingest must not go on.
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_the_bytes_handed_over_in_order_as_sha256_does() {
        let content: Vec<u8> = (0..1_000_003u32).map(|i| (i * 7 % 251) as u8).collect();
        let digest = std::thread::scope(|scope| {
            let mut beside = HashBeside::start(scope, 4096);
            for piece in content.chunks(3_000) {
                let mut buf = beside.buffer();
                assert_eq!(buf.len(), 4096);
                buf.truncate(piece.len());
                buf.copy_from_slice(piece);
                beside.update(buf);
            }
            beside.finish()
        });
        let expected: [u8; 32] = Sha256::digest(&content).into();
        assert_eq!(digest, expected);
    }

    #[test]
    fn dropped_before_finishing_it_ends_its_thread() {
        std::thread::scope(|scope| {
            let mut beside = HashBeside::start(scope, 16);
            for _ in 0..(IN_FLIGHT * 3) {
                let buf = beside.buffer();
                beside.update(buf);
            }
            drop(beside);
        });
        // Reaching here means the scope joined the hasher.
    }
}
