//! Evidence and thumbnails in an encrypted data directory: the same layout and names (the
//! SHA-256 of the plaintext), each file written through `vetdesk-crypto`'s streaming cipher and
//! read back through its decrypting reader, so a 2 GiB file never sits in memory.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::sync::Arc;

use vetdesk_crypto::stream::{HEADER_LEN, SEALED_CHUNK_LEN, TAG_LEN};
use vetdesk_crypto::{DataKey, DecryptingReader, EncryptingWriter, encrypted_len};

/// The plaintext length of an encrypted file of `stored` bytes, if it can be one at all.
pub(crate) fn plaintext_len(stored: u64) -> Option<u64> {
    let body = stored.checked_sub(HEADER_LEN as u64)?;
    let chunks = body.div_ceil(SEALED_CHUNK_LEN as u64).max(1);
    let plain = body.checked_sub(chunks * TAG_LEN as u64)?;
    (encrypted_len(plain) == stored).then_some(plain)
}

/// A stored file opened for reading: its plaintext, decrypted on the way in an encrypted data
/// directory. A decrypting reader fails on any altered, reordered or missing chunk.
pub struct EvidenceReader {
    inner: Inner,
    len: u64,
}

enum Inner {
    Plain(File),
    /// Team mode: the chunks of the team database, one at a time.
    Chunks(super::chunked::ChunkReader),
    Sealed(Box<DecryptingReader<BufReader<File>>>),
}

impl EvidenceReader {
    pub(crate) fn plain(file: File, len: u64) -> Self {
        EvidenceReader { inner: Inner::Plain(file), len }
    }

    pub(crate) fn sealed(file: File, len: u64, key: &DataKey) -> io::Result<Self> {
        let reader = DecryptingReader::new(BufReader::new(file), key)?;
        Ok(EvidenceReader { inner: Inner::Sealed(Box::new(reader)), len })
    }

    pub(crate) fn chunks(reader: super::chunked::ChunkReader) -> Self {
        let len = reader.len();
        EvidenceReader { inner: Inner::Chunks(reader), len }
    }

    /// The largest buffer a reader of team evidence has held so far (one chunk at most);
    /// `None` for a file.
    pub fn chunk_buffer(&self) -> Option<usize> {
        match &self.inner {
            Inner::Chunks(r) => Some(r.buffer_capacity()),
            _ => None,
        }
    }

    /// The plaintext length, from the file's size (checked against the content while reading).
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The underlying file when it holds the plaintext itself (an unencrypted directory).
    pub(crate) fn into_plain_file(self) -> Result<File, Self> {
        match self.inner {
            Inner::Plain(file) => Ok(file),
            inner => Err(EvidenceReader { inner, len: self.len }),
        }
    }
}

impl std::fmt::Debug for EvidenceReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.inner {
            Inner::Plain(_) => "plain",
            Inner::Sealed(_) => "sealed",
            Inner::Chunks(_) => "chunks",
        };
        f.debug_struct("EvidenceReader").field("kind", &kind).field("len", &self.len).finish()
    }
}

impl Read for EvidenceReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Plain(f) => f.read(buf),
            Inner::Sealed(r) => r.read(buf),
            Inner::Chunks(r) => r.read(buf),
        }
    }
}

/// Where an ingest writes: the temp file itself, or the encrypting writer over it.
pub(crate) enum Sink<'a> {
    Plain(&'a mut File),
    Sealed(Box<EncryptingWriter<&'a mut File>>),
}

impl<'a> Sink<'a> {
    pub(crate) fn new(file: &'a mut File, key: Option<&Arc<DataKey>>) -> io::Result<Self> {
        Ok(match key {
            None => Sink::Plain(file),
            Some(key) => Sink::Sealed(Box::new(EncryptingWriter::new(file, key)?)),
        })
    }

    pub(crate) fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Sink::Plain(f) => f.write_all(bytes),
            Sink::Sealed(w) => w.write_all(bytes),
        }
    }

    /// Seals the final chunk (an encrypted file is only valid once this has run).
    pub(crate) fn finish(self) -> io::Result<()> {
        match self {
            Sink::Plain(_) => Ok(()),
            Sink::Sealed(w) => w.finish().map(drop).map_err(io::Error::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_len_inverts_encrypted_len() {
        for n in [0u64, 1, 65_535, 65_536, 65_537, 3 * 65_536, 1_000_000] {
            assert_eq!(plaintext_len(encrypted_len(n)), Some(n), "{n}");
        }
        assert_eq!(plaintext_len(10), None);
        // One byte past a full chunk cannot be: the extra byte would need a chunk and tag of its own.
        assert_eq!(plaintext_len(encrypted_len(65_536) + 1), None);
    }
}
