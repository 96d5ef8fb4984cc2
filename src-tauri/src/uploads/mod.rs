//! Upload sessions: how files the user picks or drops reach the core without any path from
//! the UI touching the file system. The page streams a file's bytes in chunks over IPC
//! (`upload_chunk`); what becomes of them depends on the job the session was begun for:
//!
//! - `evidence`: piped through a bounded channel into `EvidenceFiles::ingest_reader` on a
//!   blocking thread (memory stays flat whatever the file size), recorded when the last byte is in;
//! - `import`: a candidate CSV, parsed into a preview that the user then confirms;
//! - `ip_list`: an indicator-list CSV, handed whole to `commands::lists`, which imports it;
//! - `spool`: an audit pack to be checked, written to a temp file in the data directory's `tmp/`
//!   (it may be gigabytes) and handed over whole to the check (see `crate::exports`).
//!
//! Sessions that are cancelled, left idle or orphaned by a closed window are dropped, which
//! ends the ingest with an error and removes its temp file: nothing half-written is recorded.

mod evidence;
mod import;
mod ip_list;
mod spool;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::import::ImportFile;

pub use evidence::EvidenceUpload;
pub use import::{ImportCommitted, ImportPreview};
pub use ip_list::MAX_IP_LIST_BYTES;
pub use spool::{Spool, SpoolUpload};

use crate::error::{AppError, ErrorCode};

/// The largest chunk accepted in one call; the UI sends 4 MiB.
pub const MAX_CHUNK_BYTES: usize = 16 * 1024 * 1024;
/// What the UI sends per call: large enough that IPC overhead is small, small enough that a
/// chunk in flight costs little memory.
pub const CHUNK_BYTES: u32 = 4 * 1024 * 1024;
/// A session untouched for this long was abandoned (the page reloaded, or crashed).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// A file read whole (a candidate file, an indicator list) about to be uploaded.
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

/// The bytes of a file read whole, as they arrive.
struct Buffer {
    name: String,
    bytes: Vec<u8>,
    declared: u64,
}

impl Buffer {
    fn new(request: ImportUpload) -> Self {
        let capacity = usize::try_from(request.size).unwrap_or(0);
        Self { name: request.name, bytes: Vec::with_capacity(capacity), declared: request.size }
    }

    fn push(&mut self, offset: u64, bytes: &[u8]) -> Result<(), AppError> {
        check_chunk(offset, self.bytes.len() as u64, bytes.len(), self.declared)?;
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    /// The file's name and bytes, once every announced byte arrived; `nothing` says what was
    /// not done otherwise.
    fn whole(self, nothing: &str) -> Result<(String, Vec<u8>), AppError> {
        if self.bytes.len() as u64 != self.declared {
            return Err(AppError::invalid(format!(
                "{}: the upload ended after {} of {} bytes; {nothing}",
                self.name,
                self.bytes.len(),
                self.declared
            )));
        }
        Ok((self.name, self.bytes))
    }
}

/// What a session was begun for, and where its bytes are.
enum Kind {
    Evidence(evidence::Receiving),
    Import(Buffer),
    /// Parsed and previewed, waiting for the user to confirm.
    Previewed(Arc<ImportFile>),
    /// An indicator-list CSV, buffered until its last byte (see `commands::lists`).
    IpList(Buffer),
    /// Bytes written to a temp file as they arrive; the file goes when the session does.
    Spool(Arc<Mutex<Spool>>),
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

    /// Ends a session of the kind `pick` takes. A session of another kind is refused (as not
    /// `what`) and kept for its own use.
    fn take<T>(
        &self,
        token: &str,
        what: &str,
        pick: impl FnOnce(Kind) -> Result<T, Kind>,
    ) -> Result<T, AppError> {
        // Its own statement: a guard in the `match` head would live through the arms, and the
        // arm that puts a session of another kind back would wait on it forever.
        let session = self.sessions().remove(token);
        let Some(Session { touched, kind }) = session else {
            return Err(no_session(token));
        };
        pick(kind).map_err(|kind| {
            self.sessions().insert(token.to_string(), Session { touched, kind });
            AppError::invalid(format!("upload {token} is not {what}"))
        })
    }

    /// How many uploads are open (tests and the log).
    pub fn open_sessions(&self) -> usize {
        self.sessions().len()
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
            Pipe(evidence::SharedPipe),
            Spool(Arc<Mutex<Spool>>),
        }
        let sink = {
            let mut sessions = self.sessions();
            let session = sessions.get_mut(token).ok_or_else(|| no_session(token))?;
            session.touched = Instant::now();
            match &mut session.kind {
                Kind::Evidence(receiving) => Sink::Pipe(receiving.pipe.clone()),
                Kind::Import(buffer) | Kind::IpList(buffer) => return buffer.push(offset, &bytes),
                Kind::Previewed(_) => {
                    return Err(AppError::new(
                        ErrorCode::Conflict,
                        format!("upload {token} is complete; no more bytes are taken"),
                    ));
                }
                Kind::Spool(spool) => Sink::Spool(spool.clone()),
            }
        };
        let result = match sink {
            Sink::Pipe(pipe) => self.send_to_pipe(&pipe, token, offset, bytes).await,
            Sink::Spool(spool) => spool::write(spool, offset, bytes).await,
        };
        if result.is_err() {
            // A chunk that does not fit stops the upload; its worker and temp file go with it.
            self.cancel(token);
        }
        result
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use vetdesk_core::model::CaseId;

    pub(crate) const ICON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/icons/icon.png");

    pub(crate) struct Fixture {
        pub(crate) _dir: tempfile::TempDir,
        pub(crate) store: Arc<Store>,
        pub(crate) uploads: Uploads,
        pub(crate) events: Arc<Mutex<Vec<UploadProgress>>>,
        pub(crate) case_id: CaseId,
    }

    pub(crate) fn fixture() -> Fixture {
        let (dir, store) = Store::open_temp().unwrap();
        vetdesk_testkit::add_team(&store);
        let case_id = vetdesk_testkit::case_for(&store, "Anna Maria Eriksson");
        let store = Arc::new(store);
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = events.clone();
        let uploads = Uploads::new(store.clone(), Arc::new(move |p| sink.lock().unwrap().push(p)));
        Fixture { _dir: dir, store, uploads, events, case_id }
    }

    pub(crate) fn request(f: &Fixture, name: &str, size: usize) -> EvidenceUpload {
        EvidenceUpload {
            case_id: f.case_id,
            name: name.into(),
            size: size as u64,
            item_id: Some("id-two-documents".into()),
            description: Some("passport data page".into()),
        }
    }

    /// Sends `bytes` in chunks of `chunk` bytes, as the page does.
    pub(crate) async fn send(
        f: &Fixture,
        token: &str,
        bytes: &[u8],
        chunk: usize,
    ) -> Result<(), AppError> {
        let mut offset = 0;
        for piece in bytes.chunks(chunk) {
            f.uploads.chunk(token, offset, piece.to_vec()).await?;
            offset += piece.len() as u64;
        }
        Ok(())
    }

    pub(crate) fn tmp_files(f: &Fixture) -> usize {
        std::fs::read_dir(f.store.data_dir().root.join("tmp")).map(|d| d.count()).unwrap_or(0)
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
            let evidence =
                f.uploads.begin_evidence("rita".into(), request(&f, "a.png", 3)).await.unwrap();
            let error = f.uploads.finish_import(&evidence, "rita".into()).await.unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput);
            assert_eq!(f.uploads.open_sessions(), 2);
        });
    }
}
