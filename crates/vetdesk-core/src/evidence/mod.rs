//! The evidence file store: files (passport scans, bank letters, call screenshots) live once
//! under their SHA-256 in the data directory. Ingest streams a file into a temp file, fsyncs
//! it and renames it into place, so its bytes are durably on disk before the store records it.
//!
//! Layout under the data directory, and the only paths this module ever builds:
//!
//! ```text
//! evidence/<first 2 hex>/<sha256>      the bytes, read-only (0400)
//! thumbs/<first 2 hex>/<sha256>.jpg    previews of images: derived data, rebuilt at will
//! tmp/.vetdesk-<purpose>-<random>.part files being written (same filesystem: rename is atomic)
//! ```
//!
//! Paths inside the store are built only from a [`Sha256Hex`], never from a name or string
//! from outside. The one user-given path is an export destination, used exactly as given.
//!
//! In team mode the bytes live in the team database instead (`chunked.rs`): `evidence/` stays
//! empty, `tmp/` holds an ingest until its record is applied, and `thumbs/` is this desktop's
//! cache of previews, made again from the database when missing.
//!
//! In an encrypted data directory the layout and names are the same (the SHA-256 of the
//! plaintext) and every evidence file and thumbnail holds ciphertext (`sealed.rs`).

mod beside;
pub mod chunked;
mod error;
pub(crate) mod fsops;
pub(crate) mod media;
mod sealed;
mod sha;
mod thumb;

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use error::EvidenceError;
pub use sealed::EvidenceReader;
pub use sha::{InvalidSha256, Sha256Hex};
pub use thumb::DecodeLimits;

use beside::HashBeside;
use chunked::{ChunkReader, ChunkSource, Pending, TeamEvidence};
use fsops::{LockState, OpenFailure, TempFile};
use media::Sniffer;
use sealed::Sink;
use vetdesk_crypto::DataKey;

/// Read and write in pieces of this size: large enough that system calls cost nothing next to
/// hashing, small enough that memory stays flat whatever the file size.
const BUF_LEN: usize = 256 * 1024;

/// Previews in the case view: long side in pixels, and JPEG quality.
pub const THUMBNAIL_MAX_SIDE: u32 = 512;
pub const THUMBNAIL_QUALITY: u8 = 80;

/// A temp file untouched for this long, and locked by nobody, was left by a killed process.
/// The age matters only in the instant between a temp file's creation and its locking.
const STALE_AFTER: Duration = Duration::from_secs(60);
/// Where the filesystem cannot lock, only age tells; no ingest pauses this long.
const STALE_AFTER_UNLOCKABLE: Duration = Duration::from_secs(24 * 60 * 60);

/// Limits on one ingest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes. Enforced while streaming: reading stops as soon as it
    /// is passed and nothing is stored.
    pub max_bytes: u64,
}

impl Limits {
    pub const DEFAULT_MAX_BYTES: u64 = 2 * 1024 * 1024 * 1024;
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: Self::DEFAULT_MAX_BYTES }
    }
}

/// What an ingest stored. When this is returned the bytes are fsynced under their final name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ingested {
    pub sha256: Sha256Hex,
    pub size: u64,
    /// Detected from the content, never from the name.
    pub media_type: String,
    /// The same content was already stored (and was checked intact); nothing new was written.
    pub already_present: bool,
    pub thumbnail: ThumbnailOutcome,
    /// What a reviewer should know: a name that contradicts the content, an image that does not
    /// decode, a damaged stored copy that this file replaced.
    pub note: Option<String>,
}

/// Whether a preview exists for an evidence file, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ThumbnailOutcome {
    Made,
    /// The same content was ingested before and its preview is still there.
    AlreadyPresent,
    NotAnImage,
    /// An image format this build does not decode (HEIF from phones, AVIF, camera raw …).
    Unsupported {
        media_type: String,
    },
    /// Refused by the decode limits, undecodable, or not writable; `reason` says which.
    Failed {
        reason: String,
    },
}

impl ThumbnailOutcome {
    /// Whether [`EvidenceFiles::thumbnail_path`] now gives a file.
    pub fn exists(&self) -> bool {
        matches!(self, ThumbnailOutcome::Made | ThumbnailOutcome::AlreadyPresent)
    }
}

/// The state of one stored file against what the database says it should be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FileCheck {
    Ok,
    Missing,
    SizeMismatch {
        expected: u64,
        actual: u64,
    },
    HashMismatch {
        actual: Sha256Hex,
    },
    /// Present but not readable as a regular file (permissions, a directory in its place …).
    Unreadable {
        reason: String,
    },
    /// Team mode: chunk `seq` (from 0) of the `chunks` the content needs is not in the database.
    ChunkMissing {
        seq: u64,
        chunks: u64,
    },
    /// Team mode: chunk `seq` no longer holds the bytes recorded for it.
    ChunkChanged {
        seq: u64,
        chunks: u64,
    },
}

impl fmt::Display for FileCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileCheck::Ok => write!(f, "intact"),
            FileCheck::Missing => write!(f, "the file is missing"),
            FileCheck::SizeMismatch { expected, actual } => {
                write!(f, "the file is {actual} bytes, expected {expected}")
            }
            FileCheck::HashMismatch { actual } => {
                write!(f, "the content has changed (it now hashes to {actual})")
            }
            FileCheck::Unreadable { reason } => write!(f, "the file cannot be read: {reason}"),
            FileCheck::ChunkMissing { seq, chunks } => {
                write!(f, "chunk {seq} (of {chunks}) is missing from the team database")
            }
            FileCheck::ChunkChanged { seq, chunks } => {
                write!(f, "chunk {seq} (of {chunks}) has changed in the team database")
            }
        }
    }
}

/// The evidence files under one data directory.
#[derive(Debug, Clone)]
pub struct EvidenceFiles {
    root: PathBuf,
    decode_limits: DecodeLimits,
    /// The data key of an encrypted data directory: files are written and read through it.
    key: Option<Arc<DataKey>>,
    /// Team mode: the bytes are in the team database, not under `evidence/`.
    team: Option<TeamEvidence>,
}

impl EvidenceFiles {
    /// Touches nothing on disk; the directories are made by the first ingest.
    pub fn new(data_dir: &Path) -> Self {
        EvidenceFiles {
            root: data_dir.to_path_buf(),
            decode_limits: DecodeLimits::default(),
            key: None,
            team: None,
        }
    }

    /// The evidence of a team database: read from `chunks`, ingests held in `pending` until
    /// the change that names them stores them (in its own transaction).
    pub fn with_chunks(mut self, chunks: Arc<dyn ChunkSource>, pending: Pending) -> Self {
        self.team = Some(TeamEvidence { chunks, pending });
        self
    }

    /// Whether the bytes live in a team database.
    pub fn is_team(&self) -> bool {
        self.team.is_some()
    }

    /// Team mode: the ingests not yet stored in the database.
    pub fn pending(&self) -> Option<&Pending> {
        self.team.as_ref().map(|t| &t.pending)
    }

    /// The files of an encrypted data directory, sealed under `key`.
    pub fn with_key(mut self, key: Option<Arc<DataKey>>) -> Self {
        self.key = key;
        self
    }

    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// How many bytes the stored file of `plaintext` bytes takes on disk.
    pub fn stored_len(&self, plaintext: u64) -> u64 {
        match self.key {
            Some(_) => vetdesk_crypto::encrypted_len(plaintext),
            None => plaintext,
        }
    }

    /// Bounds for every image decode (previews at ingest, rebuilds, report images).
    pub fn with_decode_limits(mut self, limits: DecodeLimits) -> Self {
        self.decode_limits = limits;
        self
    }

    /// Stores the file at `src` (following a symbolic link to it; refusing directories, pipes
    /// and devices). `progress` gets (bytes so far, file size) after every buffer.
    #[tracing::instrument(level = "debug", skip(self, limits, progress))]
    pub fn ingest_path(
        &self,
        src: &Path,
        limits: &Limits,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Ingested, EvidenceError> {
        // A link is refused, not followed: a link named like a scan could bring in any file
        // the user can read (a key, another user's data) without their noticing.
        let (mut file, meta) = fsops::open_regular(src, false).map_err(|f| match f {
            OpenFailure::NotFound => EvidenceError::NotFound { path: src.to_path_buf() },
            OpenFailure::NotRegular(kind) => {
                EvidenceError::NotRegularFile { path: src.to_path_buf(), kind }
            }
            OpenFailure::Io(e) => EvidenceError::io("open", src, e),
        })?;
        let name = src.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // A file already over the limit is refused before a byte is read; one that grows while
        // being read is still caught by the streaming check.
        if meta.len() > limits.max_bytes {
            return Err(EvidenceError::TooLarge {
                name: media::escape_controls(&src.display().to_string()),
                limit: limits.max_bytes,
            });
        }
        self.ingest_stream(&mut file, &name, Some(meta.len()), limits, progress)
    }

    /// Stores what `src` yields. `original_name` is used only in notes and messages: to notice
    /// a name that contradicts the content, never to build a path.
    // No file name in the span: a name ("passport of …") is personal data.
    #[tracing::instrument(level = "debug", skip(self, src, original_name, limits, progress))]
    pub fn ingest_reader(
        &self,
        src: &mut dyn Read,
        original_name: &str,
        limits: &Limits,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Ingested, EvidenceError> {
        self.ingest_stream(src, original_name, None, limits, progress)
    }

    fn ingest_stream(
        &self,
        src: &mut dyn Read,
        original_name: &str,
        total: Option<u64>,
        limits: &Limits,
        progress: &mut dyn FnMut(u64, Option<u64>),
    ) -> Result<Ingested, EvidenceError> {
        let shown = media::display_name(original_name);
        self.prepare_layout()?;
        let tmp_dir = self.tmp_dir();
        let mut temp = TempFile::create_in(&tmp_dir, "ingest")
            .map_err(|e| EvidenceError::io("create a temp file in", &tmp_dir, e))?;

        // From here every early return drops `temp`, which deletes it.
        let mut sniffer = Sniffer::new();
        let mut size: u64 = 0;
        let temp_path = temp.path().to_path_buf();
        let mut sink = Sink::new(temp.file(), self.key.as_ref())
            .map_err(|e| EvidenceError::io("write the temp file", &temp_path, e))?;
        // The content is hashed on a second thread while this one writes it (`beside`).
        let digest = std::thread::scope(|scope| {
            let mut hash = HashBeside::start(scope, BUF_LEN);
            loop {
                let mut buf = hash.buffer();
                let n = match src.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(source) => {
                        return Err(EvidenceError::Read {
                            name: shown.clone(),
                            bytes: size,
                            source,
                        });
                    }
                };
                if size.saturating_add(n as u64) > limits.max_bytes {
                    return Err(EvidenceError::TooLarge {
                        name: shown.clone(),
                        limit: limits.max_bytes,
                    });
                }
                buf.truncate(n);
                sniffer.feed(&buf);
                sink.write_all(&buf)
                    .map_err(|e| EvidenceError::io("write the temp file", &temp_path, e))?;
                hash.update(buf);
                size += n as u64;
                progress(size, total);
            }
            sink.finish().map_err(|e| EvidenceError::io("write the temp file", &temp_path, e))?;
            Ok(hash.finish())
        })?;
        let finish = |temp: &mut TempFile| -> io::Result<()> {
            temp.file().sync_all()?;
            fsops::set_read_only(temp.file())
        };
        finish(&mut temp).map_err(|e| EvidenceError::io("fsync the temp file", temp.path(), e))?;

        let sha256 = Sha256Hex::from_bytes(digest);
        let media_type = sniffer.media_type();
        let (already_present, repair_note) = match &self.team {
            None => self.put_in_place(temp, &sha256, size)?,
            Some(team) => {
                // Deduplicated by content: what the database holds (and this login may see)
                // is not sent again. Anything else waits for its record, which stores it.
                let present = team
                    .chunks
                    .stat(&sha256)
                    .map_err(|e| EvidenceError::io("look up in the team database", &temp_path, e))?
                    .is_some_and(|s| s.bytes == size && s.chunks == chunked::chunk_count(size));
                if !present {
                    team.pending.put(sha256, temp);
                }
                (present, None)
            }
        };

        let thumbnail = match self.thumbnail_path(&sha256) {
            Some(_) if already_present => ThumbnailOutcome::AlreadyPresent,
            _ => self.make_thumbnail(&sha256, &media_type, size),
        };
        let name_note = name_note(&shown, original_name, &media_type, size);
        let empty_note = (size == 0 && name_note.is_none()).then(|| "the file is empty".into());
        let cut_note = (media_type == "image/jpeg" && sniffer.jpeg_lacks_end_marker()).then(|| {
            "the JPEG data ends without its end marker: the file may be truncated (part of the \
             picture missing) or carry extra data after the image"
                .to_string()
        });
        let notes: Vec<String> = [
            repair_note,
            name_note,
            cut_note,
            match &thumbnail {
                ThumbnailOutcome::Failed { reason } => Some(reason.clone()),
                _ => None,
            },
            empty_note,
        ]
        .into_iter()
        .flatten()
        .collect();
        Ok(Ingested {
            sha256,
            size,
            media_type,
            already_present,
            thumbnail,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
        })
    }

    /// Moves a finished temp file to its content address. Returns whether the content was
    /// already there, and a note when a damaged stored copy was replaced.
    fn put_in_place(
        &self,
        temp: TempFile,
        sha256: &Sha256Hex,
        size: u64,
    ) -> Result<(bool, Option<String>), EvidenceError> {
        let target = self.path_of(sha256);
        let shard = self.evidence_dir().join(sha256.shard());
        fsops::create_dir_durable(&shard)
            .map_err(|e| EvidenceError::io("create directory", &shard, e))?;
        let sync_shard = || {
            fsops::fsync_dir(&shard).map_err(|e| EvidenceError::io("fsync directory", &shard, e))
        };

        // No-clobber rename: two processes storing the same content cannot both think they
        // wrote it, and an existing file is never replaced without being looked at first.
        let temp = match temp.persist_new(&target) {
            Ok(()) => {
                sync_shard()?;
                return Ok((false, None));
            }
            Err((e, temp)) if e.kind() == io::ErrorKind::AlreadyExists => temp,
            Err((e, _)) => return Err(EvidenceError::io("move into place", &target, e)),
        };
        match self.check(sha256, size) {
            FileCheck::Ok => {
                // It may be the leftover of a process killed between rename and directory
                // fsync: make it durable before saying it is there.
                let (existing, _) = self.open_stored(sha256)?;
                existing.sync_all().map_err(|e| EvidenceError::io("fsync", &target, e))?;
                sync_shard()?;
                Ok((true, None))
            }
            damaged => {
                tracing::warn!(%sha256, "replacing a damaged stored copy: {damaged}");
                temp.persist_replace(&target)
                    .map_err(|e| EvidenceError::io("replace the damaged file", &target, e))?;
                sync_shard()?;
                Ok((
                    false,
                    Some(format!(
                        "the stored copy of this content was damaged ({damaged}) and has been \
                         replaced by this file"
                    )),
                ))
            }
        }
    }

    /// Where the file with this hash lives (whether or not it is there).
    pub fn path_of(&self, sha256: &Sha256Hex) -> PathBuf {
        self.evidence_dir().join(sha256.shard()).join(sha256.to_hex())
    }

    /// Opens a stored file for reading its content (decrypted in an encrypted directory). A
    /// symbolic link or anything but a regular file in its place is refused: the store only
    /// ever puts regular files there.
    pub fn open(&self, sha256: &Sha256Hex) -> Result<EvidenceReader, EvidenceError> {
        let (reader, _) = self.open_with_len(sha256)?;
        Ok(reader)
    }

    /// The reader and the file's length on disk.
    fn open_with_len(&self, sha256: &Sha256Hex) -> Result<(EvidenceReader, u64), EvidenceError> {
        if let Some(team) = &self.team {
            let path = || self.tmp_dir();
            if let Some((file, len)) =
                team.pending.open(sha256).map_err(|e| EvidenceError::io("open", path(), e))?
            {
                return Ok((EvidenceReader::plain(file, len), len));
            }
            let stat = team
                .chunks
                .stat(sha256)
                .map_err(|e| EvidenceError::io("read from the team database", path(), e))?
                .ok_or(EvidenceError::NotInDatabase { sha256: *sha256 })?;
            let reader = ChunkReader::new(team.chunks.clone(), *sha256, stat.bytes);
            return Ok((EvidenceReader::chunks(reader), stat.bytes));
        }
        let (file, stored) = self.open_stored(sha256)?;
        self.reader(file, stored, || self.path_of(sha256)).map(|r| (r, stored))
    }

    fn reader(
        &self,
        file: File,
        stored: u64,
        path: impl Fn() -> PathBuf,
    ) -> Result<EvidenceReader, EvidenceError> {
        match &self.key {
            None => Ok(EvidenceReader::plain(file, stored)),
            Some(key) => {
                let len = sealed::plaintext_len(stored).unwrap_or(0);
                EvidenceReader::sealed(file, len, key)
                    .map_err(|e| EvidenceError::io("decrypt", path(), e))
            }
        }
    }

    /// The stored file itself (ciphertext in an encrypted directory) and its length.
    fn open_stored(&self, sha256: &Sha256Hex) -> Result<(File, u64), EvidenceError> {
        let path = self.path_of(sha256);
        match fsops::open_regular(&path, false) {
            Ok((file, meta)) => Ok((file, meta.len())),
            Err(OpenFailure::NotFound) => Err(EvidenceError::Missing { sha256: *sha256, path }),
            Err(OpenFailure::NotRegular(kind)) => Err(EvidenceError::NotRegularFile { path, kind }),
            Err(OpenFailure::Io(e)) => Err(EvidenceError::io("open", path, e)),
        }
    }

    /// Compares a stored file with its expected size and, by re-hashing it, with its name.
    #[tracing::instrument(level = "debug", skip(self), ret)]
    pub fn check(&self, sha256: &Sha256Hex, expected_size: u64) -> FileCheck {
        if let Some(team) = &self.team {
            return chunked::check(team.chunks.as_ref(), sha256, expected_size)
                .unwrap_or_else(|e| FileCheck::Unreadable { reason: e.to_string() });
        }
        let (file, len) = match self.open_with_len(sha256) {
            Ok(x) => x,
            Err(EvidenceError::Missing { .. }) => return FileCheck::Missing,
            Err(e) => {
                return FileCheck::Unreadable { reason: e.to_string() };
            }
        };
        if len != self.stored_len(expected_size) {
            let actual = if self.is_encrypted() { file.len() } else { len };
            return FileCheck::SizeMismatch { expected: expected_size, actual };
        }
        match hash_stream(file, &mut io::sink()) {
            Ok((actual, _)) if actual == *sha256 => FileCheck::Ok,
            Ok((actual, _)) => FileCheck::HashMismatch { actual },
            Err(e) => FileCheck::Unreadable { reason: e.to_string() },
        }
    }

    /// The preview of an image, if one was made.
    pub fn thumbnail_path(&self, sha256: &Sha256Hex) -> Option<PathBuf> {
        let path = self.thumb_path(sha256);
        fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()).then_some(path)
    }

    /// The bytes of an image's preview (decrypted in an encrypted directory), if one was made.
    pub fn read_thumbnail(&self, sha256: &Sha256Hex) -> Result<Option<Vec<u8>>, EvidenceError> {
        let Some(path) = self.thumbnail_path(sha256) else { return Ok(None) };
        let bytes = fs::read(&path).map_err(|e| EvidenceError::io("read", &path, e))?;
        match &self.key {
            None => Ok(Some(bytes)),
            Some(key) => vetdesk_crypto::decrypt_bytes(&bytes, key)
                .map(Some)
                .map_err(|e| EvidenceError::io("decrypt", &path, e.into())),
        }
    }

    /// Makes the preview again from the stored file (previews are derived data).
    #[tracing::instrument(level = "debug", skip(self))]
    pub fn rebuild_thumbnail(&self, sha256: &Sha256Hex) -> Result<ThumbnailOutcome, EvidenceError> {
        let media_type = self.sniff_head(sha256)?;
        let file = self.open(sha256)?;
        let len = file.len();
        Ok(self.make_thumbnail(sha256, &media_type, len))
    }

    /// The SHA-256 of the stored preview of an image (of its plaintext), if there is one: what
    /// an `AttachEvidence` records, so that the preview shown later can be checked against it.
    pub fn preview_sha256(&self, sha256: &Sha256Hex) -> Option<String> {
        match self.read_thumbnail(sha256) {
            Ok(Some(bytes)) => Some(hex::encode(Sha256::digest(&bytes))),
            _ => None,
        }
    }

    /// The preview of an image as it may be shown, in the app or a report ([`THUMBNAIL_MAX_SIDE`]
    /// pixels at [`THUMBNAIL_QUALITY`]): the stored one when its SHA-256 is one of `recorded`
    /// (the hashes recorded when the image was attached), so that a report of a hundred 12 MP
    /// photos reads a hundred small files instead of decoding the photos again. A stored preview
    /// that is missing, or is not the one recorded (replaced on disk), is made again from the
    /// original and stored in its place; one never recorded (evidence attached before previews
    /// were hashed) is made again in memory every time. Refused for a file that is not a
    /// decodable image.
    #[tracing::instrument(level = "debug", skip(self, recorded), err(Display))]
    pub fn trusted_preview(
        &self,
        sha256: &Sha256Hex,
        recorded: &[String],
    ) -> Result<Vec<u8>, EvidenceError> {
        if let Ok(Some(bytes)) = self.read_thumbnail(sha256) {
            let actual = hex::encode(Sha256::digest(&bytes));
            if recorded.contains(&actual) {
                return Ok(bytes);
            }
            if !recorded.is_empty() {
                tracing::warn!(
                    code = "preview_replaced",
                    "a stored preview is not the one recorded at ingest; made again from the original"
                );
            }
        }
        if !recorded.is_empty()
            && self.rebuild_thumbnail(sha256)? == ThumbnailOutcome::Made
            && let Ok(Some(bytes)) = self.read_thumbnail(sha256)
        {
            return Ok(bytes);
        }
        // Never recorded, or not writable here (a read-only copy of a data directory).
        self.jpeg_thumbnail(sha256, THUMBNAIL_MAX_SIDE, THUMBNAIL_QUALITY)
    }

    /// Whether the stored preview of an image is one of the `recorded` hashes, or else exactly
    /// what the original gives when made again (a newer image encoder): `false` only for a
    /// preview that neither explains. A missing preview is fine (it is made when needed).
    pub fn preview_holds(&self, sha256: &Sha256Hex, recorded: &[String]) -> bool {
        let Ok(Some(bytes)) = self.read_thumbnail(sha256) else { return true };
        if recorded.contains(&hex::encode(Sha256::digest(&bytes))) {
            return true;
        }
        self.jpeg_thumbnail(sha256, THUMBNAIL_MAX_SIDE, THUMBNAIL_QUALITY)
            .is_ok_and(|fresh| fresh == bytes)
    }

    /// A downscaled JPEG of a stored image, for reports: fits in `max_side` pixels (never
    /// enlarged), upright as its EXIF says. Decodes one image, within the decode limits, and
    /// keeps nothing afterwards, so a report can call it for a hundred photos in turn.
    #[tracing::instrument(level = "debug", skip(self))]
    pub fn jpeg_thumbnail(
        &self,
        sha256: &Sha256Hex,
        max_side: u32,
        quality: u8,
    ) -> Result<Vec<u8>, EvidenceError> {
        let media_type = self.sniff_head(sha256)?;
        let file = self.open(sha256)?;
        let len = file.len();
        let Some(format) = media::decodable_image(&media_type) else {
            return Err(EvidenceError::NotAnImage { sha256: *sha256, media_type });
        };
        thumb::render_jpeg(file, len, format, &self.decode_limits, max_side, quality)
            .map_err(|f| EvidenceError::Image { sha256: *sha256, reason: f.message() })
    }

    /// Copies a stored file to `dest` (used exactly as given), re-hashing on the way. Writes a
    /// temp file beside `dest` and renames it, so `dest` is either absent, the old file, or the
    /// complete verified copy. Refuses to replace an existing `dest` unless `overwrite`; fails,
    /// leaving nothing behind, when the stored bytes no longer match their hash. The copy is
    /// readable by its owner only (0600), as befits identity documents. Returns the bytes copied.
    #[tracing::instrument(level = "debug", skip(self))]
    pub fn export(
        &self,
        sha256: &Sha256Hex,
        dest: &Path,
        overwrite: bool,
    ) -> Result<u64, EvidenceError> {
        match fs::symlink_metadata(dest) {
            Ok(m) if m.is_dir() => {
                return Err(EvidenceError::NotRegularFile {
                    path: dest.to_path_buf(),
                    kind: "a directory",
                });
            }
            Ok(_) if !overwrite => {
                return Err(EvidenceError::DestinationExists { path: dest.to_path_buf() });
            }
            _ => {}
        }
        let (src, _) = self.open_with_len(sha256)?;
        let dir = fsops::parent_dir(dest);
        let mut temp = TempFile::create_in(&dir, "export")
            .map_err(|e| EvidenceError::io("create a temp file in", &dir, e))?;
        let (actual, copied) = hash_stream(src, temp.file())
            .map_err(|e| EvidenceError::io("copy to", temp.path().to_path_buf(), e))?;
        if actual != *sha256 {
            // `temp` is dropped, and with it the partial copy.
            return Err(EvidenceError::Corrupted {
                sha256: *sha256,
                check: FileCheck::HashMismatch { actual },
            });
        }
        temp.file()
            .sync_all()
            .map_err(|e| EvidenceError::io("fsync", temp.path().to_path_buf(), e))?;
        if overwrite {
            temp.persist_replace(dest).map_err(|e| EvidenceError::io("rename onto", dest, e))?;
        } else {
            // Checked above, but someone may have created it meanwhile.
            match temp.persist_new(dest) {
                Ok(()) => {}
                Err((e, _)) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(EvidenceError::DestinationExists { path: dest.to_path_buf() });
                }
                Err((e, _)) => return Err(EvidenceError::io("rename onto", dest, e)),
            }
        }
        fsops::fsync_dir(&dir).map_err(|e| EvidenceError::io("fsync directory", &dir, e))?;
        Ok(copied)
    }

    /// Deletes temp files left in `tmp/` by a process that was killed mid-write. A temp file
    /// still locked by a running ingest or export (in this process or another) is left alone.
    /// Returns how many were removed.
    pub fn remove_stale_temp(&self) -> io::Result<usize> {
        let dir = self.tmp_dir();
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in entries {
            let entry = entry?;
            if !entry.file_name().to_string_lossy().ends_with(fsops::TEMP_SUFFIX) {
                continue;
            }
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue; // gone meanwhile: its owner finished
            };
            if !meta.is_file() {
                continue;
            }
            let age =
                meta.modified().ok().and_then(|m| now.duration_since(m).ok()).unwrap_or_default();
            let stale = match fsops::lock_state(&path) {
                LockState::Held => false,
                LockState::Free => age >= STALE_AFTER,
                LockState::Unknown => age >= STALE_AFTER_UNLOCKABLE,
            };
            if !stale {
                continue;
            }
            match fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        if removed > 0 {
            fsops::fsync_dir(&dir)?;
            tracing::info!(removed, "removed temp files left by an interrupted process");
        }
        Ok(removed)
    }

    fn evidence_dir(&self) -> PathBuf {
        self.root.join("evidence")
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Removes a stored file and its preview (an erasure): each is overwritten with zeros and
    /// synced before it is unlinked, so that its blocks do not keep the bytes on a file system
    /// that writes in place. Answers how many files were removed.
    /// In team mode only this desktop's preview is removed here: the chunks are erased in the
    /// erasure's transaction (`store/retention.rs`).
    pub fn remove(&self, sha256: &Sha256Hex) -> io::Result<usize> {
        let mut removed = 0;
        let paths = match self.team {
            None => vec![self.path_of(sha256), self.thumb_path(sha256)],
            Some(_) => vec![self.thumb_path(sha256)],
        };
        for path in paths {
            let meta = match fs::symlink_metadata(&path) {
                Ok(meta) => meta,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            };
            if meta.is_file() {
                let mut file = fs::OpenOptions::new().write(true).open(&path)?;
                let zeros = vec![0u8; BUF_LEN];
                let mut left = meta.len();
                while left > 0 {
                    let n = left.min(BUF_LEN as u64) as usize;
                    file.write_all(&zeros[..n])?;
                    left -= n as u64;
                }
                file.sync_all()?;
            }
            fs::remove_file(&path)?;
            if let Some(dir) = path.parent() {
                let _ = File::open(dir).and_then(|d| d.sync_all());
            }
            removed += 1;
        }
        Ok(removed)
    }

    fn thumb_path(&self, sha256: &Sha256Hex) -> PathBuf {
        self.root.join("thumbs").join(sha256.shard()).join(format!("{}.jpg", sha256.to_hex()))
    }

    fn prepare_layout(&self) -> Result<(), EvidenceError> {
        for dir in [self.tmp_dir(), self.evidence_dir(), self.root.join("thumbs")] {
            fsops::create_dir_durable(&dir)
                .map_err(|e| EvidenceError::io("create directory", &dir, e))?;
        }
        Ok(())
    }

    /// The media type as far as magic numbers tell (enough to pick an image decoder).
    fn sniff_head(&self, sha256: &Sha256Hex) -> Result<String, EvidenceError> {
        let file = self.open(sha256)?;
        let mut head = Vec::with_capacity(media::HEAD_LEN);
        file.take(media::HEAD_LEN as u64)
            .read_to_end(&mut head)
            .map_err(|e| EvidenceError::io("read", self.path_of(sha256), e))?;
        let mut sniffer = Sniffer::new();
        sniffer.feed(&head);
        Ok(sniffer.media_type())
    }

    /// Decodes a stored image and writes its preview. Never fails the caller: the evidence is
    /// safe whatever happens here, and the outcome says what did.
    fn make_thumbnail(&self, sha256: &Sha256Hex, media_type: &str, size: u64) -> ThumbnailOutcome {
        let Some(format) = media::decodable_image(media_type) else {
            return if media_type.starts_with("image/") {
                ThumbnailOutcome::Unsupported { media_type: media_type.to_string() }
            } else {
                ThumbnailOutcome::NotAnImage
            };
        };
        let rendered = self.open(sha256).map_err(|e| e.to_string()).and_then(|file| {
            thumb::render_jpeg(
                file,
                size,
                format,
                &self.decode_limits,
                THUMBNAIL_MAX_SIDE,
                THUMBNAIL_QUALITY,
            )
            .map_err(|f| f.message())
        });
        let written = rendered.and_then(|jpeg| {
            self.write_thumbnail(sha256, &jpeg)
                .map_err(|e| format!("the preview could not be written: {e}"))
        });
        match written {
            Ok(()) => ThumbnailOutcome::Made,
            Err(reason) => ThumbnailOutcome::Failed { reason },
        }
    }

    fn write_thumbnail(&self, sha256: &Sha256Hex, jpeg: &[u8]) -> io::Result<()> {
        let target = self.thumb_path(sha256);
        let shard = fsops::parent_dir(&target);
        fsops::create_dir_durable(&shard)?;
        let mut temp = TempFile::create_in(&self.tmp_dir(), "thumb")?;
        match &self.key {
            None => temp.file().write_all(jpeg)?,
            Some(key) => temp.file().write_all(&vetdesk_crypto::encrypt_bytes(jpeg, key)?)?,
        }
        temp.file().sync_all()?;
        fsops::set_read_only(temp.file())?;
        temp.persist_replace(&target)?;
        fsops::fsync_dir(&shard)
    }
}

/// Streams `src` into `dst` through one fixed buffer, hashing on the way.
fn hash_stream(mut src: impl Read, dst: &mut dyn Write) -> io::Result<(Sha256Hex, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; BUF_LEN];
    let mut total = 0u64;
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n])?;
        total += n as u64;
    }
    Ok((Sha256Hex::from_bytes(hasher.finalize().into()), total))
}

/// A note when the name claims an image kind the content is not.
fn name_note(shown: &str, name: &str, media_type: &str, size: u64) -> Option<String> {
    let (claimed, label) = media::claimed_image(name)?;
    if media_type == claimed {
        return None;
    }
    Some(if media_type.starts_with("image/") {
        format!("named {shown} but the content is {media_type}, not a {label} image")
    } else {
        format!(
            "named {shown} but the content is not a {label} image: {}",
            media::describe(media_type, size)
        )
    })
}

/// Sizes for messages: "2 GiB", "512 MiB", "1.5 KiB", "900 bytes".
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0} {}", UNITS[unit])
    } else {
        format!("{rounded:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_reads_as_people_write_sizes() {
        let rows = [
            (0, "0 bytes"),
            (1023, "1023 bytes"),
            (1024, "1 KiB"),
            (1536, "1.5 KiB"),
            (10 * 1024 * 1024, "10 MiB"),
            (Limits::DEFAULT_MAX_BYTES, "2 GiB"),
            (3 * 1024u64.pow(4), "3 TiB"),
        ];
        for (n, want) in rows {
            assert_eq!(human_bytes(n), want, "{n}");
        }
    }

    #[test]
    fn name_note_speaks_only_when_the_name_contradicts_the_content() {
        let rows = [
            ("scan.jpg", "image/jpeg", 10, None),
            ("letter.pdf", "application/pdf", 10, None),
            ("notes", "text/plain", 10, None),
            (
                "scan.jpg",
                "application/pdf",
                10,
                Some("named scan.jpg but the content is not a JPEG image: it is application/pdf"),
            ),
            (
                "scan.jpg",
                "application/octet-stream",
                10,
                Some(
                    "named scan.jpg but the content is not a JPEG image: its content is not a recognised format",
                ),
            ),
            (
                "id.png",
                "image/jpeg",
                10,
                Some("named id.png but the content is image/jpeg, not a PNG image"),
            ),
            (
                "a.webp",
                "application/octet-stream",
                0,
                Some("named a.webp but the content is not a WebP image: the file is empty"),
            ),
        ];
        for (name, media_type, size, want) in rows {
            assert_eq!(name_note(name, name, media_type, size).as_deref(), want, "{name}");
        }
    }
}
