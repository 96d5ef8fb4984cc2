//! Streaming authenticated encryption of whole files (evidence, thumbnails), in the STREAM
//! construction: 64 KiB chunks, each sealed with AES-256-GCM under a per-file key and a nonce
//! made of a per-file prefix, the chunk counter and a last-chunk flag. Memory stays flat at a
//! few chunks whatever the file size.
//!
//! What the construction detects: any altered byte (header MAC, chunk tags), chunks reordered
//! (the counter is in the nonce), a file cut at a chunk boundary or its last chunk dropped (only
//! the last chunk carries the flag), data appended after the last chunk, and chunks moved
//! between files (every file has its own HKDF subkey, from a random salt in its header).
//!
//! Plaintext is released one authenticated chunk at a time, so a reader sees the first chunks
//! before a cut-off end is discovered: treat the output as valid only when reading reached the
//! end without error (write it to a temporary file and rename it then).

use std::fmt;
use std::io::{self, Read, Write};

use aes_gcm::aead::{AeadInOut, Nonce, Tag};
use aes_gcm::{Aes256Gcm, KeyInit};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::keys::{DataKey, INFO_FILE, KeyId, RandomError, random_array};

/// First bytes of every encrypted file. The high-bit byte and the CR LF pair catch transfers
/// that strip the eighth bit or rewrite line endings (the PNG signature's trick).
pub const MAGIC: [u8; 8] = *b"\x89VDENC\r\n";
/// Format version this build writes and reads.
pub const VERSION: u8 = 1;
/// Algorithm byte for AES-256-GCM, the only one so far.
pub const ALG_AES_256_GCM: u8 = 1;
/// Plaintext bytes per chunk (the last chunk may be shorter, and is empty only for an empty file).
pub const CHUNK_LEN: usize = 64 * 1024;
/// Authentication tag after every chunk.
pub const TAG_LEN: usize = 16;
/// A full chunk as stored.
pub const SEALED_CHUNK_LEN: usize = CHUNK_LEN + TAG_LEN;

const SALT_LEN: usize = 32;
const PREFIX_LEN: usize = 7;
const MAC_LEN: usize = 32;
/// magic, version, algorithm, key id, salt, nonce prefix.
const BODY_LEN: usize = 8 + 1 + 1 + 16 + SALT_LEN + PREFIX_LEN;
/// The header as stored: its body and an HMAC-SHA256 over it.
pub const HEADER_LEN: usize = BODY_LEN + MAC_LEN;

/// Sealed output is handed to the inner writer in batches of about this size.
const OUT_BATCH: usize = 4 * SEALED_CHUNK_LEN;

/// Why an encrypted stream could not be written or read. Each crypto variant names what was
/// found and where; no plaintext of a failing chunk is ever released.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("not a Vetdesk encrypted file (its first bytes are not the Vetdesk header)")]
    NotEncrypted,
    #[error("the encrypted file's header is cut short ({got} of {HEADER_LEN} bytes)")]
    TruncatedHeader { got: usize },
    #[error("encrypted file format version {0} is not supported (this build reads version 1)")]
    UnsupportedVersion(u8),
    #[error("encryption algorithm {0} is not supported (this build knows 1, AES-256-GCM)")]
    UnsupportedAlgorithm(u8),
    #[error("the file is encrypted under key {file}, not under the key given ({given})")]
    WrongKey { file: KeyId, given: KeyId },
    #[error("the encrypted file's header was altered (its authentication code does not match)")]
    HeaderTampered,
    #[error(
        "chunk {index} of the encrypted file failed authentication: altered, reordered or taken \
         from another file"
    )]
    ChunkTampered { index: u32 },
    #[error("the encrypted file is cut short: {chunks} chunk(s) and no final chunk")]
    Truncated { chunks: u32 },
    #[error("the encrypted file has data after its final chunk (chunk {final_index})")]
    TrailingData { final_index: u32 },
    #[error("the file is too large for one encrypted stream (over 2^32 chunks of 64 KiB)")]
    TooLarge,
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error("I/O error: {0}")]
    Io(io::Error),
}

impl StreamError {
    /// A copy of a crypto error (I/O errors are not `Clone`): the reader repeats it on every
    /// later call instead of resuming past a failed chunk.
    fn sticky_copy(&self) -> Option<StreamError> {
        use StreamError::*;
        Some(match self {
            NotEncrypted => NotEncrypted,
            TruncatedHeader { got } => TruncatedHeader { got: *got },
            UnsupportedVersion(v) => UnsupportedVersion(*v),
            UnsupportedAlgorithm(a) => UnsupportedAlgorithm(*a),
            WrongKey { file, given } => WrongKey { file: *file, given: *given },
            HeaderTampered => HeaderTampered,
            ChunkTampered { index } => ChunkTampered { index: *index },
            Truncated { chunks } => Truncated { chunks: *chunks },
            TrailingData { final_index } => TrailingData { final_index: *final_index },
            TooLarge => TooLarge,
            Random(_) | Io(_) => return None,
        })
    }
}

/// Recovers the typed error that `DecryptingReader`/`EncryptingWriter` carried through
/// `std::io::Error` (their `Read`/`Write` impls must speak `io::Error`).
impl From<io::Error> for StreamError {
    fn from(e: io::Error) -> Self {
        if e.get_ref().is_some_and(|inner| inner.is::<StreamError>()) {
            if let Some(inner) = e.into_inner() {
                return match inner.downcast::<StreamError>() {
                    Ok(typed) => *typed,
                    Err(other) => StreamError::Io(io::Error::other(other)),
                };
            }
            return StreamError::Io(io::Error::other("unknown stream error"));
        }
        StreamError::Io(e)
    }
}

impl From<StreamError> for io::Error {
    fn from(e: StreamError) -> Self {
        match e {
            StreamError::Io(io) => io,
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }
}

/// The per-file cipher: an AES-256-GCM key derived for this file and its nonce prefix.
struct FileCipher {
    aead: Aes256Gcm,
    prefix: [u8; PREFIX_LEN],
}

impl FileCipher {
    fn nonce(&self, counter: u32, last: bool) -> Nonce<Aes256Gcm> {
        let mut n = [0u8; 12];
        n[..PREFIX_LEN].copy_from_slice(&self.prefix);
        n[PREFIX_LEN..11].copy_from_slice(&counter.to_be_bytes());
        n[11] = u8::from(last);
        Nonce::<Aes256Gcm>::from(n)
    }

    /// Encrypts `buf` in place and returns its tag.
    fn seal(&self, counter: u32, last: bool, buf: &mut [u8]) -> [u8; TAG_LEN] {
        let nonce = self.nonce(counter, last);
        // AES-GCM refuses only messages over 64 GiB; chunks are 64 KiB.
        match self.aead.encrypt_inout_detached(&nonce, &[], buf.into()) {
            Ok(tag) => tag.into(),
            Err(_) => unreachable!("a chunk is far below AES-GCM's length limit"),
        }
    }

    /// Decrypts `buf` in place when `tag` matches; leaves it untouched otherwise.
    fn open(&self, counter: u32, last: bool, buf: &mut [u8], tag: &[u8]) -> bool {
        let Ok(tag) = <[u8; TAG_LEN]>::try_from(tag) else { return false };
        let tag = Tag::<Aes256Gcm>::from(tag);
        let nonce = self.nonce(counter, last);
        self.aead.decrypt_inout_detached(&nonce, &[], buf.into(), &tag).is_ok()
    }
}

/// Derives the file's cipher and header MAC key from the data key and the header's salt.
fn file_keys(
    key: &DataKey,
    salt: &[u8; SALT_LEN],
    prefix: [u8; PREFIX_LEN],
) -> (FileCipher, Hmac<Sha256>) {
    let okm = key.derive::<64>(Some(salt), INFO_FILE);
    let aead = match Aes256Gcm::new_from_slice(&okm[..32]) {
        Ok(a) => a,
        Err(_) => unreachable!("32 bytes is the AES-256 key length"),
    };
    let mac = match <Hmac<Sha256> as Mac>::new_from_slice(&okm[32..]) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    (FileCipher { aead, prefix }, mac)
}

fn header_body(key_id: KeyId, salt: &[u8; SALT_LEN], prefix: &[u8; PREFIX_LEN]) -> [u8; BODY_LEN] {
    let mut b = [0u8; BODY_LEN];
    b[..8].copy_from_slice(&MAGIC);
    b[8] = VERSION;
    b[9] = ALG_AES_256_GCM;
    b[10..26].copy_from_slice(&key_id.0);
    b[26..58].copy_from_slice(salt);
    b[58..65].copy_from_slice(prefix);
    b
}

/// What a header says before any key is involved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeaderInfo {
    pub version: u8,
    pub algorithm: u8,
    pub key_id: KeyId,
}

/// Reads the unauthenticated fields of a header: whether a file is encrypted at all, and which
/// key it needs. `bytes` may be longer than the header.
pub fn inspect_header(bytes: &[u8]) -> Result<HeaderInfo, StreamError> {
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        return Err(StreamError::NotEncrypted);
    }
    if bytes.len() < HEADER_LEN {
        return Err(StreamError::TruncatedHeader { got: bytes.len() });
    }
    if bytes[8] != VERSION {
        return Err(StreamError::UnsupportedVersion(bytes[8]));
    }
    if bytes[9] != ALG_AES_256_GCM {
        return Err(StreamError::UnsupportedAlgorithm(bytes[9]));
    }
    let mut id = [0u8; 16];
    id.copy_from_slice(&bytes[10..26]);
    Ok(HeaderInfo { version: bytes[8], algorithm: bytes[9], key_id: KeyId(id) })
}

/// True when `bytes` starts with the encrypted-file magic (a cheap test for mixed directories).
pub fn looks_encrypted(bytes: &[u8]) -> bool {
    bytes.len() >= MAGIC.len() && bytes[..MAGIC.len()] == MAGIC
}

/// Size of the encrypted form of `plaintext_len` bytes: header plus one tag per chunk (an empty
/// file still has one, empty, final chunk).
pub fn encrypted_len(plaintext_len: u64) -> u64 {
    let chunk = CHUNK_LEN as u64;
    let chunks = plaintext_len.div_ceil(chunk).max(1);
    HEADER_LEN as u64 + plaintext_len + chunks * TAG_LEN as u64
}

/// Encrypts everything written to it into `inner`. Call [`EncryptingWriter::finish`] at the
/// end: it seals the final chunk. A writer dropped unfinished leaves a stream with no final
/// chunk, which every reader refuses as cut short.
pub struct EncryptingWriter<W: Write> {
    inner: W,
    cipher: FileCipher,
    counter: u32,
    /// Plaintext not yet sealed: at most one chunk, held back until we know whether more follows.
    pending: Vec<u8>,
    /// Sealed bytes not yet written to `inner`.
    out: Vec<u8>,
    plaintext_len: u64,
    written_len: u64,
}

impl<W: Write> fmt::Debug for EncryptingWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptingWriter")
            .field("chunks_sealed", &self.counter)
            .field("plaintext_len", &self.plaintext_len)
            .finish_non_exhaustive()
    }
}

impl<W: Write> EncryptingWriter<W> {
    /// Starts a stream under `key`: a fresh random salt and nonce prefix, the header written
    /// at once.
    pub fn new(mut inner: W, key: &DataKey) -> Result<Self, StreamError> {
        let salt = random_array::<SALT_LEN>()?;
        let prefix = random_array::<PREFIX_LEN>()?;
        let (cipher, mut mac) = file_keys(key, &salt, prefix);
        let body = header_body(key.id(), &salt, &prefix);
        mac.update(&body);
        let tag = mac.finalize().into_bytes();
        inner.write_all(&body)?;
        inner.write_all(&tag)?;
        Ok(Self {
            inner,
            cipher,
            counter: 0,
            pending: Vec::with_capacity(CHUNK_LEN + TAG_LEN),
            out: Vec::with_capacity(OUT_BATCH + SEALED_CHUNK_LEN),
            plaintext_len: 0,
            written_len: HEADER_LEN as u64,
        })
    }

    /// Plaintext bytes accepted so far.
    pub fn plaintext_len(&self) -> u64 {
        self.plaintext_len
    }

    /// Seals one non-final chunk taken from `plain` and queues it.
    fn seal_into_out(&mut self, plain: &[u8], last: bool) -> Result<(), StreamError> {
        let start = self.out.len();
        self.out.extend_from_slice(plain);
        let tag = self.cipher.seal(self.counter, last, &mut self.out[start..]);
        self.out.extend_from_slice(&tag);
        if !last {
            self.counter = self.counter.checked_add(1).ok_or(StreamError::TooLarge)?;
        }
        Ok(())
    }

    fn flush_out(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            self.inner.write_all(&self.out)?;
            self.written_len += self.out.len() as u64;
            self.out.clear();
        }
        Ok(())
    }

    fn push(&mut self, mut input: &[u8]) -> Result<(), StreamError> {
        while !input.is_empty() {
            if self.pending.len() == CHUNK_LEN {
                // More data follows, so the held-back chunk is not the last one.
                let pending = std::mem::take(&mut self.pending);
                let sealed = self.seal_into_out(&pending, false);
                self.pending = pending;
                self.pending.clear();
                sealed?;
            }
            if self.pending.is_empty() && input.len() > CHUNK_LEN {
                // A whole chunk with data after it: seal straight from the input.
                let (chunk, rest) = input.split_at(CHUNK_LEN);
                self.seal_into_out(chunk, false)?;
                input = rest;
            } else {
                let take = (CHUNK_LEN - self.pending.len()).min(input.len());
                let (head, rest) = input.split_at(take);
                self.pending.extend_from_slice(head);
                input = rest;
            }
            if self.out.len() >= OUT_BATCH {
                self.flush_out()?;
            }
        }
        Ok(())
    }

    /// Seals the final chunk, writes everything out and flushes. Returns the inner writer and
    /// the number of bytes written to it (header included).
    pub fn finish(mut self) -> Result<(W, u64), StreamError> {
        let pending = std::mem::take(&mut self.pending);
        self.seal_into_out(&pending, true)?;
        self.flush_out()?;
        self.inner.flush()?;
        Ok((self.inner, self.written_len))
    }
}

impl<W: Write> Write for EncryptingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.push(buf)?;
        self.plaintext_len += buf.len() as u64;
        Ok(buf.len())
    }

    /// Writes out whole sealed chunks; the held-back last chunk stays until `finish`.
    fn flush(&mut self) -> io::Result<()> {
        self.flush_out()?;
        self.inner.flush()
    }
}

#[derive(Debug)]
enum ReadState {
    Reading,
    Done,
    Failed(StreamError),
}

/// Decrypts a stream written by [`EncryptingWriter`]. `read` returns only authenticated
/// plaintext; it returns `Ok(0)` only after the final chunk was verified and nothing follows
/// it. Errors travel as `io::Error` with the [`StreamError`] inside (`StreamError::from`
/// recovers it).
pub struct DecryptingReader<R: Read> {
    inner: R,
    cipher: FileCipher,
    counter: u32,
    /// One sealed chunk plus one byte of look-ahead (to know whether the chunk is the last).
    buf: Vec<u8>,
    filled: usize,
    /// Plaintext of the current chunk waiting to be read: `buf[start..end]`.
    start: usize,
    end: usize,
    /// A look-ahead byte sits at `buf[SEALED_CHUNK_LEN]` for the next chunk.
    carry: bool,
    state: ReadState,
    plaintext_len: u64,
}

impl<R: Read> fmt::Debug for DecryptingReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecryptingReader")
            .field("chunk", &self.counter)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<R: Read> DecryptingReader<R> {
    /// Reads and checks the header: magic, version, algorithm, key id, then its MAC.
    pub fn new(mut inner: R, key: &DataKey) -> Result<Self, StreamError> {
        let mut header = [0u8; HEADER_LEN];
        let got = read_full(&mut inner, &mut header)?;
        let info = inspect_header(&header[..got])?;
        if info.key_id != key.id() {
            return Err(StreamError::WrongKey { file: info.key_id, given: key.id() });
        }
        let mut salt = [0u8; SALT_LEN];
        salt.copy_from_slice(&header[26..58]);
        let mut prefix = [0u8; PREFIX_LEN];
        prefix.copy_from_slice(&header[58..65]);
        let (cipher, mut mac) = file_keys(key, &salt, prefix);
        mac.update(&header[..BODY_LEN]);
        mac.verify_slice(&header[BODY_LEN..]).map_err(|_| StreamError::HeaderTampered)?;
        Ok(Self {
            inner,
            cipher,
            counter: 0,
            buf: vec![0u8; SEALED_CHUNK_LEN + 1],
            filled: 0,
            start: 0,
            end: 0,
            carry: false,
            state: ReadState::Reading,
            plaintext_len: 0,
        })
    }

    /// Authenticated plaintext bytes returned so far.
    pub fn plaintext_len(&self) -> u64 {
        self.plaintext_len
    }

    /// Reads to the end, checking every chunk, and returns the inner reader. Use it after
    /// reading what you need to make sure the whole stream was intact.
    pub fn finish(mut self) -> Result<R, StreamError> {
        let mut sink = [0u8; 8192];
        loop {
            match self.read(&mut sink) {
                Ok(0) => return Ok(self.inner),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Fills `buf` with the next sealed chunk and one byte of look-ahead, or up to EOF.
    fn fill(&mut self) -> io::Result<()> {
        let want = SEALED_CHUNK_LEN + 1;
        while self.filled < want {
            match self.inner.read(&mut self.buf[self.filled..want]) {
                Ok(0) => break,
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Authenticates and decrypts the next chunk into `buf[..len]`.
    fn next_chunk(&mut self) -> Result<(), StreamError> {
        if self.carry {
            self.buf[0] = self.buf[SEALED_CHUNK_LEN];
            self.filled = 1;
            self.carry = false;
        }
        self.fill()?;
        let index = self.counter;
        if self.filled == SEALED_CHUNK_LEN + 1 {
            // A full chunk with more after it: must be a non-final chunk.
            let (body, rest) = self.buf.split_at_mut(CHUNK_LEN);
            let tag = &rest[..TAG_LEN];
            if !self.cipher.open(index, false, body, tag) {
                return Err(if self.cipher.open(index, true, body, tag) {
                    StreamError::TrailingData { final_index: index }
                } else {
                    StreamError::ChunkTampered { index }
                });
            }
            self.counter = index.checked_add(1).ok_or(StreamError::TooLarge)?;
            self.carry = true;
            self.filled = 0;
            self.start = 0;
            self.end = CHUNK_LEN;
            return Ok(());
        }
        // End of input: whatever is here must be the final chunk.
        if self.filled < TAG_LEN {
            return Err(if self.filled == 0 {
                StreamError::Truncated { chunks: index }
            } else {
                StreamError::ChunkTampered { index }
            });
        }
        let len = self.filled - TAG_LEN;
        let (body, rest) = self.buf.split_at_mut(len);
        let tag = &rest[..TAG_LEN];
        if !self.cipher.open(index, true, body, tag) {
            return Err(if self.cipher.open(index, false, body, tag) {
                StreamError::Truncated { chunks: index + 1 }
            } else {
                StreamError::ChunkTampered { index }
            });
        }
        self.state = ReadState::Done;
        self.filled = 0;
        self.start = 0;
        self.end = len;
        Ok(())
    }
}

impl<R: Read> Read for DecryptingReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.start < self.end {
                let n = (self.end - self.start).min(out.len());
                out[..n].copy_from_slice(&self.buf[self.start..self.start + n]);
                self.start += n;
                self.plaintext_len += n as u64;
                return Ok(n);
            }
            match &self.state {
                ReadState::Done => return Ok(0),
                ReadState::Failed(e) => {
                    return Err(match e.sticky_copy() {
                        Some(copy) => copy.into(),
                        None => io::Error::other("the encrypted stream already failed"),
                    });
                }
                ReadState::Reading => {}
            }
            if out.is_empty() {
                return Ok(0);
            }
            match self.next_chunk() {
                Ok(()) => {}
                Err(StreamError::Io(e)) => return Err(e),
                Err(e) => {
                    let copy = e.sticky_copy();
                    if let Some(copy) = copy {
                        self.state = ReadState::Failed(copy);
                    }
                    return Err(e.into());
                }
            }
        }
    }
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
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

/// Encrypts all of `reader` into `writer`. Returns the plaintext length.
pub fn encrypt_stream<R: Read, W: Write>(
    mut reader: R,
    writer: W,
    key: &DataKey,
) -> Result<u64, StreamError> {
    let mut enc = EncryptingWriter::new(writer, key)?;
    let mut buf = vec![0u8; 16 * CHUNK_LEN];
    loop {
        let n = read_full(&mut reader, &mut buf)?;
        enc.write_all(&buf[..n])?;
        if n < buf.len() {
            break;
        }
    }
    let len = enc.plaintext_len();
    enc.finish()?;
    Ok(len)
}

/// Decrypts all of `reader` into `writer`. On error, what was already written must be thrown
/// away (it is authenticated chunk by chunk, but the stream as a whole was not).
pub fn decrypt_stream<R: Read, W: Write>(
    reader: R,
    mut writer: W,
    key: &DataKey,
) -> Result<u64, StreamError> {
    let mut dec = DecryptingReader::new(reader, key)?;
    let mut buf = vec![0u8; 16 * CHUNK_LEN];
    loop {
        let n = dec.read(&mut buf)?;
        if n == 0 {
            break;
        }
        writer.write_all(&buf[..n])?;
    }
    writer.flush()?;
    Ok(dec.plaintext_len())
}

/// Decrypts a whole encrypted file held in memory. Total on every input: any byte string
/// yields the plaintext or a typed error, never a panic (the entry point for fuzzing).
pub fn decrypt_bytes(data: &[u8], key: &DataKey) -> Result<Vec<u8>, StreamError> {
    let mut out = Vec::new();
    let _ = out.try_reserve(data.len().saturating_sub(HEADER_LEN));
    decrypt_stream(data, &mut out, key)?;
    Ok(out)
}

/// Encrypts a buffer held in memory (small files, tests).
pub fn encrypt_bytes(plaintext: &[u8], key: &DataKey) -> Result<Vec<u8>, StreamError> {
    let mut out = Vec::new();
    // Only a hint: a failed reservation just means the vector grows as it goes.
    let _ = out.try_reserve(usize::try_from(encrypted_len(plaintext.len() as u64)).unwrap_or(0));
    let mut enc = EncryptingWriter::new(&mut out, key)?;
    enc.write_all(plaintext)?;
    enc.finish()?;
    Ok(out)
}
