//! Upload sessions: how files the user picks or drops reach the core without any path from
//! the UI touching the file system. The page streams a file's bytes in chunks over IPC; an
//! evidence upload pipes them through a bounded channel into `EvidenceFiles::ingest_reader` on
//! a blocking thread (memory stays flat whatever the file size) and records the evidence when
//! the last byte is in; a candidate CSV is parsed into a preview that the user then confirms;
//! an indicator-list CSV is handed whole to `commands::lists`, which imports it.
//!
//! An audit pack to be checked is spooled to a temp file in the data directory's `tmp/`
//! (it may be gigabytes) and handed over whole to the check (see `commands::exports`).
//!
//! Sessions that are cancelled, left idle or orphaned by a closed window are dropped, which
//! ends the ingest with an error and removes its temp file: nothing half-written is recorded.

use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::change::{Change, StoredFile};
use vetdesk_core::evidence::Limits;
use vetdesk_core::import::{ImportFile, ImportRow, RowError, parse_candidates_csv};
use vetdesk_core::model::{CaseId, CaseStatus, Evidence};
use vetdesk_core::store::{ImportOutcome, StoreError};

use crate::error::{AppError, ErrorCode};

/// The largest chunk accepted in one call; the UI sends 4 MiB.
pub const MAX_CHUNK_BYTES: usize = 16 * 1024 * 1024;
/// What the UI sends per call: large enough that IPC overhead is small, small enough that a
/// chunk in flight costs little memory.
pub const CHUNK_BYTES: u32 = 4 * 1024 * 1024;
/// Chunks buffered between the IPC side and the ingest thread. Sending waits when full, which
/// slows the page down to the pace of the disk instead of piling bytes up in memory.
const PIPE_CHUNKS: usize = 2;
/// A candidate file is read whole to be previewed; applicant-tracking exports are far smaller.
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;
/// An indicator list is read whole too: the store takes at most 500,000 ranges in one list
/// (about 20 MB of CSV), so this leaves room for labels and comments.
pub const MAX_IP_LIST_BYTES: u64 = 64 * 1024 * 1024;
/// A session untouched for this long was abandoned (the page reloaded, or crashed).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// Progress events are sent at most this often per upload.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// An evidence file about to be uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct EvidenceUpload {
    pub actor: String,
    pub case_id: CaseId,
    /// The file's name as the user's system gave it; kept as the original name, never a path.
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub item_id: Option<String>,
    pub description: Option<String>,
}

/// A candidate file (CSV) about to be uploaded for a preview.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ImportUpload {
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UploadStage {
    /// Bytes are arriving and being hashed into a temp file.
    Receiving,
    /// Every byte is on disk under its SHA-256; the record is being written.
    Stored,
}

/// The `upload-progress` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UploadProgress {
    pub token: String,
    #[ts(type = "number")]
    pub received: u64,
    #[ts(type = "number")]
    pub total: u64,
    pub stage: UploadStage,
}

/// What a candidate file would import: its rows, or every problem found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportPreview {
    /// Confirms this preview with `import_commit`; absent when there is nothing importable.
    pub token: Option<String>,
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<ImportRow>,
    /// A problem with the file as a whole (its header), when there is one.
    pub problem: Option<String>,
    /// Problems of single rows, by line; any of them means nothing can be imported.
    pub errors: Vec<RowError>,
    /// Vendor names the file uses that are not known yet (add them under Vendors first).
    pub unknown_vendors: Vec<String>,
}

/// The result of confirming an import: all rows, or none and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ImportCommitted {
    Imported { result: ImportOutcome },
    Refused { errors: Vec<RowError> },
}

enum Piece {
    Bytes(Vec<u8>),
    End,
}

/// The IPC end of an evidence upload.
struct Pipe {
    sender: mpsc::Sender<Piece>,
    sent: u64,
    declared: u64,
}

enum Kind {
    Evidence {
        pipe: Arc<tokio::sync::Mutex<Pipe>>,
        outcome: oneshot::Receiver<Result<Evidence, AppError>>,
    },
    Import {
        name: String,
        bytes: Vec<u8>,
        declared: u64,
    },
    /// Parsed and previewed, waiting for the user to confirm.
    Previewed(Arc<ImportFile>),
    /// An indicator-list CSV, buffered until its last byte (see `commands::lists`).
    IpList {
        name: String,
        bytes: Vec<u8>,
        declared: u64,
    },
    /// Bytes written to a temp file as they arrive; the file goes when the session does.
    Spool(Arc<Mutex<Spool>>),
}

/// A file being spooled to disk for a check (an audit pack).
#[derive(Debug)]
pub struct Spool {
    /// The file's name as the user's system gave it, for messages; never a path.
    pub name: String,
    /// Removed when dropped, so a cancelled or finished session leaves nothing behind.
    pub file: tempfile::NamedTempFile,
    written: u64,
    declared: u64,
}

/// A spooled file upload (an audit pack to check).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct SpoolUpload {
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
}

struct Session {
    touched: Instant,
    kind: Kind,
}

type Notify = dyn Fn(UploadProgress) + Send + Sync;

pub struct Uploads {
    store: Arc<Store>,
    notify: Arc<Notify>,
    sessions: Mutex<HashMap<String, Session>>,
    next: AtomicU64,
}

fn no_session(token: &str) -> AppError {
    AppError::new(
        ErrorCode::NotFound,
        format!(
            "upload {token} is not in progress (it finished, was cancelled, or was idle for \
             more than {} minutes); start it again",
            IDLE_TIMEOUT.as_secs() / 60
        ),
    )
}

fn join_failed(error: impl std::fmt::Display) -> AppError {
    AppError::internal(format!("a background task failed: {error}"))
}

impl Uploads {
    /// `notify` receives progress of evidence uploads (the app emits it as an event).
    pub fn new(store: Arc<Store>, notify: Arc<Notify>) -> Self {
        Self { store, notify, sessions: Mutex::new(HashMap::new()), next: AtomicU64::new(1) }
    }

    fn sessions(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        // Session bookkeeping cannot be left half-updated by a panic; keep using it.
        self.sessions.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn insert(&self, kind: Kind) -> String {
        let token = format!("u{}", self.next.fetch_add(1, Ordering::Relaxed));
        self.sessions().insert(token.clone(), Session { touched: Instant::now(), kind });
        token
    }

    /// How many uploads are open (tests and the log).
    pub fn open_sessions(&self) -> usize {
        self.sessions().len()
    }

    /// Starts an evidence upload after checking what can be checked before any byte arrives:
    /// the user, the case, and the size against the configured limit.
    pub async fn begin_evidence(&self, request: EvidenceUpload) -> Result<String, AppError> {
        let store = self.store.clone();
        let checked = request.clone();
        tauri::async_runtime::spawn_blocking(move || precheck(&store, &checked))
            .await
            .map_err(join_failed)??;

        let (sender, receiver) = mpsc::channel(PIPE_CHUNKS);
        let (done, outcome) = oneshot::channel();
        let declared = request.size;
        let pipe = Pipe { sender, sent: 0, declared };
        let token = self.insert(Kind::Evidence { pipe: Arc::new(pipe.into()), outcome });

        let store = self.store.clone();
        let notify = self.notify.clone();
        let worker_token = token.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let reader = PipeReader { receiver, current: Vec::new(), at: 0, received: 0, declared };
            let result = ingest_and_record(&store, &request, reader, &worker_token, &*notify);
            if let Err(error) = &result {
                tracing::info!(token = %worker_token, code = ?error.code, "evidence upload ended without a record");
            }
            // The receiver is gone when the session was cancelled; nobody is waiting then.
            let _ = done.send(result);
        });
        tracing::info!(%token, bytes = declared, "evidence upload started");
        Ok(token)
    }

    /// Starts the upload of a candidate file.
    pub fn begin_import(&self, request: ImportUpload) -> Result<String, AppError> {
        if request.size > MAX_IMPORT_BYTES {
            return Err(AppError::invalid(format!(
                "{} is {} bytes; a candidate file may have at most {MAX_IMPORT_BYTES} bytes \
                 (split it into several files)",
                request.name, request.size
            )));
        }
        let capacity = usize::try_from(request.size).unwrap_or(0);
        Ok(self.insert(Kind::Import {
            name: request.name,
            bytes: Vec::with_capacity(capacity),
            declared: request.size,
        }))
    }

    /// Starts spooling a file into `tmp/` of the data directory. The temp file's name ends
    /// in `.part`, so one left by a killed app is removed by the store's stale-file cleaner.
    pub fn begin_spool(&self, request: SpoolUpload) -> Result<String, AppError> {
        if request.name.trim().is_empty() {
            return Err(AppError::invalid("the file has no name"));
        }
        let dir = self.store.data_dir().root.join("tmp");
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir)?;
        let file =
            tempfile::Builder::new().prefix(".vetdesk-spool-").suffix(".part").tempfile_in(&dir)?;
        let spool = Spool { name: request.name, file, written: 0, declared: request.size };
        Ok(self.insert(Kind::Spool(Arc::new(Mutex::new(spool)))))
    }

    /// Ends a spooled upload: the whole file, once every announced byte is on disk.
    pub async fn finish_spool(&self, token: &str) -> Result<Spool, AppError> {
        // Its own statement: the lock is released before the arms may take it again.
        let session = self.sessions().remove(token);
        let spool = match session {
            Some(Session { kind: Kind::Spool(spool), .. }) => spool,
            Some(other) => {
                self.sessions().insert(token.to_string(), other);
                return Err(AppError::invalid(format!("upload {token} is not a file to check")));
            }
            None => return Err(no_session(token)),
        };
        // The page sends a chunk only after the previous one was answered, and a chunk's
        // write drops its reference before it is answered: this is the only one left.
        let spool = Arc::try_unwrap(spool)
            .map_err(|_| {
                AppError::new(
                    ErrorCode::Conflict,
                    format!("upload {token} was finished while a chunk was still being written"),
                )
            })?
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if spool.written != spool.declared {
            return Err(AppError::invalid(format!(
                "{}: the upload ended after {} of {} bytes; nothing was checked",
                spool.name, spool.written, spool.declared
            )));
        }
        Ok(spool)
    }

    /// Starts the upload of an indicator list (CSV `cidr,category,label`).
    pub fn begin_ip_list(&self, request: ImportUpload) -> Result<String, AppError> {
        if request.size > MAX_IP_LIST_BYTES {
            return Err(AppError::invalid(format!(
                "{} is {} bytes; an indicator list may have at most {MAX_IP_LIST_BYTES} bytes \
                 (split it into several named lists)",
                request.name, request.size
            )));
        }
        let capacity = usize::try_from(request.size).unwrap_or(0);
        Ok(self.insert(Kind::IpList {
            name: request.name,
            bytes: Vec::with_capacity(capacity),
            declared: request.size,
        }))
    }

    /// Ends an indicator-list upload: its file name and every byte, once all have arrived.
    pub fn take_ip_list(&self, token: &str) -> Result<(String, Vec<u8>), AppError> {
        // Its own statement: the lock is released before the arms may take it again.
        let session = self.sessions().remove(token);
        let (name, bytes, declared) = match session {
            Some(Session { kind: Kind::IpList { name, bytes, declared }, .. }) => {
                (name, bytes, declared)
            }
            Some(other) => {
                self.sessions().insert(token.to_string(), other);
                return Err(AppError::invalid(format!("upload {token} is not an indicator list")));
            }
            None => return Err(no_session(token)),
        };
        if bytes.len() as u64 != declared {
            return Err(AppError::invalid(format!(
                "{name}: the upload ended after {} of {declared} bytes; nothing was imported",
                bytes.len()
            )));
        }
        Ok((name, bytes))
    }

    /// Takes the next chunk of an upload. `offset` is where the chunk starts in the file: a
    /// chunk out of order is refused rather than silently stored in the wrong place.
    pub async fn chunk(&self, token: &str, offset: u64, bytes: Vec<u8>) -> Result<(), AppError> {
        if bytes.len() > MAX_CHUNK_BYTES {
            return Err(AppError::invalid(format!(
                "a chunk may have at most {MAX_CHUNK_BYTES} bytes, got {}",
                bytes.len()
            )));
        }
        // Where the bytes go; the session lock is released before any waiting.
        enum Sink {
            Pipe(Arc<tokio::sync::Mutex<Pipe>>),
            Spool(Arc<Mutex<Spool>>),
        }
        let sink = {
            let mut sessions = self.sessions();
            let session = sessions.get_mut(token).ok_or_else(|| no_session(token))?;
            session.touched = Instant::now();
            match &mut session.kind {
                Kind::Evidence { pipe, .. } => Sink::Pipe(pipe.clone()),
                Kind::Import { bytes: buffer, declared, .. }
                | Kind::IpList { bytes: buffer, declared, .. } => {
                    let at = buffer.len() as u64;
                    check_chunk(offset, at, bytes.len(), *declared)?;
                    buffer.extend_from_slice(&bytes);
                    return Ok(());
                }
                Kind::Previewed(_) => {
                    return Err(AppError::new(
                        ErrorCode::Conflict,
                        format!("upload {token} is complete; no more bytes are taken"),
                    ));
                }
                Kind::Spool(spool) => Sink::Spool(spool.clone()),
            }
        };
        let pipe = match sink {
            Sink::Pipe(pipe) => pipe,
            Sink::Spool(spool) => {
                let written = tauri::async_runtime::spawn_blocking(move || {
                    let mut spool = spool.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    check_chunk(offset, spool.written, bytes.len(), spool.declared)?;
                    std::io::Write::write_all(spool.file.as_file_mut(), &bytes)?;
                    spool.written += bytes.len() as u64;
                    Ok::<_, AppError>(())
                })
                .await
                .map_err(join_failed)?;
                if written.is_err() {
                    self.cancel(token);
                }
                return written;
            }
        };
        let mut pipe = pipe.lock().await;
        if let Err(error) = check_chunk(offset, pipe.sent, bytes.len(), pipe.declared) {
            drop(pipe);
            self.cancel(token);
            return Err(error);
        }
        let len = bytes.len() as u64;
        if pipe.sender.send(Piece::Bytes(bytes)).await.is_err() {
            // The ingest stopped (a write failed, the file passed the size limit): say why.
            drop(pipe);
            return Err(self.worker_error(token).await);
        }
        pipe.sent += len;
        Ok(())
    }

    /// The reason an evidence upload's worker stopped early.
    async fn worker_error(&self, token: &str) -> AppError {
        let outcome = match self.sessions().remove(token) {
            Some(Session { kind: Kind::Evidence { outcome, .. }, .. }) => outcome,
            _ => return no_session(token),
        };
        match outcome.await {
            Ok(Err(error)) => error,
            Ok(Ok(_)) => AppError::internal("the upload was recorded before its last chunk"),
            Err(_) => AppError::internal("the upload stopped without saying why"),
        }
    }

    /// Ends an evidence upload: waits for every byte to be stored and the evidence recorded.
    pub async fn finish_evidence(&self, token: &str) -> Result<Evidence, AppError> {
        // Its own statement: a guard in the `match` head would live through the arms, and the
        // arm that puts a session of another kind back would wait on it forever.
        let session = self.sessions().remove(token);
        let (pipe, outcome) = match session {
            Some(Session { kind: Kind::Evidence { pipe, outcome }, .. }) => (pipe, outcome),
            Some(other) => {
                self.sessions().insert(token.to_string(), other);
                return Err(AppError::invalid(format!("upload {token} is not an evidence file")));
            }
            None => return Err(no_session(token)),
        };
        {
            let pipe = pipe.lock().await;
            if pipe.sent != pipe.declared {
                return Err(AppError::invalid(format!(
                    "the upload ended after {} of {} bytes; nothing was stored (did the file \
                     change while it was read?)",
                    pipe.sent, pipe.declared
                )));
            }
            // A send fails only when the worker already stopped; its outcome says why.
            let _ = pipe.sender.send(Piece::End).await;
        }
        drop(pipe);
        outcome.await.map_err(|_| AppError::internal("the upload stopped without saying why"))?
    }

    /// Ends a candidate-file upload: parses it and returns what an import would do.
    pub async fn finish_import(&self, token: &str) -> Result<ImportPreview, AppError> {
        let session = self.sessions().remove(token);
        let (name, bytes, declared) = match session {
            Some(Session { kind: Kind::Import { name, bytes, declared }, .. }) => {
                (name, bytes, declared)
            }
            Some(other) => {
                self.sessions().insert(token.to_string(), other);
                return Err(AppError::invalid(format!("upload {token} is not a candidate file")));
            }
            None => return Err(no_session(token)),
        };
        if bytes.len() as u64 != declared {
            return Err(AppError::invalid(format!(
                "{name}: the upload ended after {} of {declared} bytes; nothing was read",
                bytes.len()
            )));
        }
        let store = self.store.clone();
        let (preview, parsed) =
            tauri::async_runtime::spawn_blocking(move || preview_import(&store, name, &bytes))
                .await
                .map_err(join_failed)??;
        let preview = match parsed {
            Some(file) => {
                let token = self.insert(Kind::Previewed(Arc::new(file)));
                ImportPreview { token: Some(token), ..preview }
            }
            None => preview,
        };
        Ok(preview)
    }

    /// Imports a previewed file as `actor`: every row, or none with each refused row's reason.
    pub async fn commit_import(
        &self,
        token: &str,
        actor: String,
        open_cases: bool,
    ) -> Result<ImportCommitted, AppError> {
        let file = match self.sessions().get_mut(token) {
            Some(Session { kind: Kind::Previewed(file), touched }) => {
                *touched = Instant::now();
                file.clone()
            }
            _ => return Err(no_session(token)),
        };
        let store = self.store.clone();
        let result = tauri::async_runtime::spawn_blocking(move || {
            store.import_candidates(&actor, &file, open_cases)
        })
        .await
        .map_err(join_failed)?;
        match result {
            Ok(result) => {
                self.sessions().remove(token);
                Ok(ImportCommitted::Imported { result })
            }
            // Kept for another try: the fix may be elsewhere (a vendor to add first).
            Err(StoreError::Rows(errors)) => Ok(ImportCommitted::Refused { errors }),
            Err(other) => Err(other.into()),
        }
    }

    /// Drops an upload; a running ingest stops and removes its temp file.
    pub fn cancel(&self, token: &str) -> bool {
        self.sessions().remove(token).is_some()
    }

    /// Drops every upload (the window closed).
    pub fn cancel_all(&self) {
        let dropped = std::mem::take(&mut *self.sessions());
        if !dropped.is_empty() {
            tracing::info!(uploads = dropped.len(), "uploads dropped: the window closed");
        }
    }

    /// Drops uploads nobody has touched for `IDLE_TIMEOUT`.
    pub fn expire_idle(&self, now: Instant) {
        let mut sessions = self.sessions();
        let before = sessions.len();
        sessions.retain(|_, s| now.saturating_duration_since(s.touched) < IDLE_TIMEOUT);
        let expired = before - sessions.len();
        if expired > 0 {
            tracing::info!(uploads = expired, "idle uploads dropped");
        }
    }
}

fn check_chunk(offset: u64, at: u64, len: usize, declared: u64) -> Result<(), AppError> {
    if offset != at {
        return Err(AppError::invalid(format!(
            "chunk at byte {offset} arrived where byte {at} was expected; the upload was stopped"
        )));
    }
    if at + len as u64 > declared {
        return Err(AppError::invalid(format!(
            "the file sent more than the {declared} bytes announced (did it change while it \
             was read?); the upload was stopped"
        )));
    }
    Ok(())
}

/// Refuses before any byte is sent what the record would be refused for anyway.
fn precheck(store: &Store, request: &EvidenceUpload) -> Result<(), AppError> {
    match store.user(&request.actor) {
        Ok(user) if user.active => {}
        Ok(_) | Err(StoreError::NotFound { .. }) => {
            return Err(StoreError::UnknownActor(request.actor.clone()).into());
        }
        Err(other) => return Err(other.into()),
    }
    let case = store.case(request.case_id)?;
    if case.status == CaseStatus::Closed {
        return Err(AppError::new(
            ErrorCode::Conflict,
            format!(
                "case {} is closed; a compliance officer must reopen it before evidence is added",
                case.id
            ),
        ));
    }
    let limit = store.config().evidence_max_bytes;
    if request.size > limit {
        return Err(AppError::invalid(format!(
            "{} is {} bytes, more than the limit of {limit} bytes (evidence_max_bytes in \
             config.toml); nothing was stored",
            request.name, request.size
        )));
    }
    if request.name.trim().is_empty() {
        return Err(AppError::invalid("the file has no name"));
    }
    Ok(())
}

/// The blocking end of the pipe: what `ingest_reader` reads from.
struct PipeReader {
    receiver: mpsc::Receiver<Piece>,
    current: Vec<u8>,
    at: usize,
    received: u64,
    declared: u64,
}

impl Read for PipeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            match self.receiver.blocking_recv() {
                Some(Piece::Bytes(bytes)) => {
                    self.received += bytes.len() as u64;
                    self.current = bytes;
                    self.at = 0;
                }
                Some(Piece::End) if self.received == self.declared => return Ok(0),
                Some(Piece::End) => {
                    return Err(io::Error::other(format!(
                        "the upload ended after {} of {} bytes",
                        self.received, self.declared
                    )));
                }
                // Not `Interrupted`: the ingest loop retries those.
                None => return Err(io::Error::other("the upload was cancelled")),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn ingest_and_record(
    store: &Store,
    request: &EvidenceUpload,
    mut reader: PipeReader,
    token: &str,
    notify: &Notify,
) -> Result<Evidence, AppError> {
    let total = request.size;
    let progress = |received, stage| {
        notify(UploadProgress { token: token.to_string(), received, total, stage })
    };
    let limits = Limits { max_bytes: store.config().evidence_max_bytes };
    let mut last = Instant::now();
    progress(0, UploadStage::Receiving);
    let ingested =
        store.files().ingest_reader(&mut reader, &request.name, &limits, &mut |received, _| {
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                progress(received, UploadStage::Receiving);
            }
        })?;
    progress(ingested.size, UploadStage::Stored);
    let file = StoredFile {
        sha256: ingested.sha256.to_hex(),
        size: ingested.size,
        media_type: ingested.media_type,
        has_thumbnail: ingested.thumbnail.exists(),
        ingest_note: ingested.note,
    };
    let applied = store.apply(
        &request.actor,
        Change::AttachEvidence {
            id: None,
            case_id: request.case_id,
            file,
            original_name: request.name.clone(),
            description: request.description.clone(),
            item_id: request.item_id.clone(),
        },
    )?;
    let Change::AttachEvidence { id: Some(id), .. } = applied.change else {
        return Err(AppError::internal("the evidence was recorded without an id"));
    };
    tracing::info!(%token, evidence = id, "evidence upload recorded");
    Ok(store.evidence(id)?)
}

/// Parses a candidate file; the parsed file comes back too when it can be imported.
fn preview_import(
    store: &Store,
    name: String,
    bytes: &[u8],
) -> Result<(ImportPreview, Option<ImportFile>), AppError> {
    let mut preview = ImportPreview {
        token: None,
        name,
        columns: Vec::new(),
        rows: Vec::new(),
        problem: None,
        errors: Vec::new(),
        unknown_vendors: Vec::new(),
    };
    match parse_candidates_csv(bytes) {
        Ok(file) => {
            let known: Vec<String> =
                store.vendors()?.into_iter().map(|v| v.fields.name.to_lowercase()).collect();
            let mut unknown: Vec<String> = file
                .rows
                .iter()
                .filter_map(|r| r.vendor.clone())
                .filter(|v| !known.contains(&v.trim().to_lowercase()))
                .collect();
            unknown.sort();
            unknown.dedup();
            preview.unknown_vendors = unknown;
            preview.columns.clone_from(&file.columns);
            preview.rows.clone_from(&file.rows);
            Ok((preview, Some(file)))
        }
        Err(vetdesk_core::import::ImportError::Header(problem)) => {
            preview.problem = Some(problem);
            Ok((preview, None))
        }
        Err(vetdesk_core::import::ImportError::Rows(errors)) => {
            preview.errors = errors;
            Ok((preview, None))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ICON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/icons/icon.png");

    struct Fixture {
        _dir: tempfile::TempDir,
        store: Arc<Store>,
        uploads: Uploads,
        events: Arc<Mutex<Vec<UploadProgress>>>,
        case_id: CaseId,
    }

    fn fixture() -> Fixture {
        let (dir, store) = Store::open_temp().unwrap();
        vetdesk_testkit::add_team(&store);
        let case_id = vetdesk_testkit::case_for(&store, "Anna Maria Eriksson");
        let store = Arc::new(store);
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        let uploads = Uploads::new(store.clone(), Arc::new(move |p| sink.lock().unwrap().push(p)));
        Fixture { _dir: dir, store, uploads, events, case_id }
    }

    fn request(f: &Fixture, name: &str, size: usize) -> EvidenceUpload {
        EvidenceUpload {
            actor: "rita".into(),
            case_id: f.case_id,
            name: name.into(),
            size: size as u64,
            item_id: Some("id-two-documents".into()),
            description: Some("passport data page".into()),
        }
    }

    /// Sends `bytes` in chunks of `chunk` bytes, as the page does.
    async fn send(f: &Fixture, token: &str, bytes: &[u8], chunk: usize) -> Result<(), AppError> {
        let mut offset = 0;
        for piece in bytes.chunks(chunk) {
            f.uploads.chunk(token, offset, piece.to_vec()).await?;
            offset += piece.len() as u64;
        }
        Ok(())
    }

    fn tmp_files(f: &Fixture) -> usize {
        std::fs::read_dir(f.store.data_dir().root.join("tmp")).map(|d| d.count()).unwrap_or(0)
    }

    #[test]
    fn a_real_file_uploaded_in_chunks_becomes_evidence_with_a_thumbnail() {
        let f = fixture();
        let bytes = std::fs::read(ICON).unwrap();
        tauri::async_runtime::block_on(async {
            let token =
                f.uploads.begin_evidence(request(&f, "icon.png", bytes.len())).await.unwrap();
            // Small chunks, so that the bounded pipe fills and the sender waits on the disk.
            send(&f, &token, &bytes, 1000).await.unwrap();
            let evidence = f.uploads.finish_evidence(&token).await.unwrap();

            let expected = vetdesk_core::evidence::Sha256Hex::from_bytes(
                <sha2::Sha256 as sha2::Digest>::digest(&bytes).into(),
            );
            assert_eq!(evidence.sha256, expected.to_hex());
            assert_eq!(evidence.size, bytes.len() as u64);
            assert_eq!(evidence.media_type, "image/png");
            assert_eq!(evidence.original_name, "icon.png");
            assert_eq!(evidence.added_by, "rita");
            assert_eq!(evidence.item_id.as_deref(), Some("id-two-documents"));
            assert!(evidence.has_thumbnail);
            assert!(f.store.files().thumbnail_path(&expected).is_some());
            let stored = std::fs::read(f.store.files().path_of(&expected)).unwrap();
            assert_eq!(stored, bytes);
            assert_eq!(f.store.evidence_of_case(f.case_id).unwrap(), vec![evidence]);
            assert_eq!(f.uploads.open_sessions(), 0);
        });
        let events = f.events.lock().unwrap();
        assert_eq!(
            events.first().map(|e| (e.received, e.stage)),
            Some((0, UploadStage::Receiving))
        );
        let last = events.last().unwrap();
        assert_eq!(
            (last.received, last.total, last.stage),
            (bytes.len() as u64, bytes.len() as u64, UploadStage::Stored)
        );
    }

    #[test]
    fn an_upload_that_does_not_add_up_records_nothing_and_leaves_no_temp_file() {
        let bytes = std::fs::read(ICON).unwrap();
        let half = bytes.len() / 2;
        type Steps = fn(&Fixture, &str, &[u8]) -> Result<(), AppError>;
        // (what goes wrong, steps after begin, the error code seen)
        let cases: Vec<(&str, Steps, ErrorCode)> = vec![
            (
                "finished early",
                |f, t, b| {
                    tauri::async_runtime::block_on(async {
                        send(f, t, &b[..b.len() / 2], 4096).await?;
                        f.uploads.finish_evidence(t).await.map(|_| ())
                    })
                },
                ErrorCode::InvalidInput,
            ),
            (
                "more bytes than announced",
                |f, t, b| {
                    tauri::async_runtime::block_on(async {
                        send(f, t, b, 4096).await?;
                        f.uploads.chunk(t, b.len() as u64, vec![0]).await
                    })
                },
                ErrorCode::InvalidInput,
            ),
            (
                "a chunk out of order",
                |f, t, b| tauri::async_runtime::block_on(f.uploads.chunk(t, 5, b[5..10].to_vec())),
                ErrorCode::InvalidInput,
            ),
            (
                "cancelled, then finished",
                |f, t, b| {
                    tauri::async_runtime::block_on(async {
                        send(f, t, &b[..b.len() / 2], 4096).await?;
                        assert!(f.uploads.cancel(t));
                        f.uploads.finish_evidence(t).await.map(|_| ())
                    })
                },
                ErrorCode::NotFound,
            ),
            (
                "the window closed",
                |f, t, b| {
                    tauri::async_runtime::block_on(async {
                        send(f, t, &b[..b.len() / 2], 4096).await?;
                        f.uploads.cancel_all();
                        f.uploads.chunk(t, (b.len() / 2) as u64, b[b.len() / 2..].to_vec()).await
                    })
                },
                ErrorCode::NotFound,
            ),
            (
                "left idle",
                |f, t, b| {
                    tauri::async_runtime::block_on(async {
                        send(f, t, &b[..b.len() / 2], 4096).await?;
                        f.uploads.expire_idle(Instant::now() + IDLE_TIMEOUT);
                        f.uploads.finish_evidence(t).await.map(|_| ())
                    })
                },
                ErrorCode::NotFound,
            ),
        ];
        assert!(half > 0);
        for (what, steps, code) in cases {
            let f = fixture();
            let token = tauri::async_runtime::block_on(f.uploads.begin_evidence(request(
                &f,
                "icon.png",
                bytes.len(),
            )))
            .unwrap();
            let error = steps(&f, &token, &bytes).expect_err(what);
            assert_eq!(error.code, code, "{what}: {error}");
            assert_eq!(f.uploads.open_sessions(), 0, "{what}");
            // The ingest thread notices and removes its temp file; give it a moment.
            let deadline = Instant::now() + Duration::from_secs(10);
            while tmp_files(&f) > 0 && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            assert_eq!(tmp_files(&f), 0, "{what}: temp file left behind");
            assert!(f.store.evidence_of_case(f.case_id).unwrap().is_empty(), "{what}");
        }
    }

    /// Finishing a session as the other kind is refused and keeps it; it used to wait forever
    /// on the sessions lock, which froze every upload of the window.
    #[test]
    fn finishing_an_upload_as_the_wrong_kind_is_refused_and_keeps_it() {
        let f = fixture();
        tauri::async_runtime::block_on(async {
            let import =
                f.uploads.begin_import(ImportUpload { name: "c.csv".into(), size: 3 }).unwrap();
            let error = f.uploads.finish_evidence(&import).await.unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput);
            let evidence = f.uploads.begin_evidence(request(&f, "a.png", 3)).await.unwrap();
            let error = f.uploads.finish_import(&evidence).await.unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput);
            assert_eq!(f.uploads.open_sessions(), 2);
        });
    }

    #[test]
    fn uploads_are_refused_before_any_byte_when_the_record_would_be() {
        let f = fixture();
        let limit = f.store.config().evidence_max_bytes as usize;
        // (request change, code)
        type Edit = fn(&mut EvidenceUpload);
        let cases: Vec<(Edit, ErrorCode)> = vec![
            (|r| r.actor = "nobody".into(), ErrorCode::UnknownUser),
            (|r| r.case_id = 999, ErrorCode::NotFound),
            (|r| r.name = "  ".into(), ErrorCode::InvalidInput),
        ];
        for (edit, code) in cases {
            let mut r = request(&f, "a.png", 10);
            edit(&mut r);
            let error = tauri::async_runtime::block_on(f.uploads.begin_evidence(r)).unwrap_err();
            assert_eq!(error.code, code, "{error}");
        }
        let too_big = request(&f, "huge.mov", limit + 1);
        let error = tauri::async_runtime::block_on(f.uploads.begin_evidence(too_big)).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(error.message.contains("limit"), "{error}");
        assert_eq!(f.uploads.open_sessions(), 0);
    }

    #[test]
    fn a_candidate_file_is_previewed_then_imported_all_or_nothing() {
        let f = fixture();
        let good = "external_id,full_name,email,vendor\n\
                    ATS-7,Jane Roe,jane@example.com,\n\
                    ATS-8,John Doe,john@example.com,Acme Staffing\n";
        let bad = "external_id,full_name,applied_on\nATS-9,,2026-01-01\nATS-10,Ok Name,someday\n";
        tauri::async_runtime::block_on(async {
            // A file with bad rows: every problem by line, and nothing to confirm.
            let token = f
                .uploads
                .begin_import(ImportUpload { name: "bad.csv".into(), size: bad.len() as u64 })
                .unwrap();
            send(&f, &token, bad.as_bytes(), 7).await.unwrap();
            let preview = f.uploads.finish_import(&token).await.unwrap();
            assert_eq!(preview.token, None);
            assert_eq!(preview.errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![2, 3]);

            // A good file whose vendor is unknown: previewed, then refused by the store per row.
            let token = f
                .uploads
                .begin_import(ImportUpload { name: "c.csv".into(), size: good.len() as u64 })
                .unwrap();
            send(&f, &token, good.as_bytes(), 10).await.unwrap();
            let preview = f.uploads.finish_import(&token).await.unwrap();
            assert_eq!(preview.rows.len(), 2);
            assert_eq!(preview.unknown_vendors, vec!["Acme Staffing".to_string()]);
            let token = preview.token.unwrap();
            let refused = f.uploads.commit_import(&token, "rita".into(), true).await.unwrap();
            let ImportCommitted::Refused { errors } = refused else { panic!("{refused:?}") };
            assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![3]);
            assert!(f.store.candidate_by_external_id("ATS-7").unwrap().is_none());

            // The vendor added, the same preview goes in.
            let vendor = vetdesk_core::model::VendorFields {
                name: "Acme Staffing".into(),
                ..Default::default()
            };
            f.store.apply("ada", Change::AddVendor { id: None, vendor }).unwrap();
            let done = f.uploads.commit_import(&token, "rita".into(), true).await.unwrap();
            let ImportCommitted::Imported { result } = done else { panic!("{done:?}") };
            assert_eq!(result.created.len(), 2);
            assert!(result.created.iter().all(|r| r.case_id.is_some()));
            assert_eq!(f.uploads.open_sessions(), 0);
        });
    }
}
