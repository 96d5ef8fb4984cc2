//! Evidence uploads: checked before any byte arrives (user, case, size), then piped chunk by
//! chunk into `EvidenceFiles::ingest_reader` on a blocking thread, and recorded with
//! `AttachEvidence` once the file is fsynced under its SHA-256.

use std::io::{self, Read};
use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::change::Change;
use vetdesk_core::evidence::Limits;
use vetdesk_core::model::{CaseId, CaseStatus, Evidence};

use super::{Kind, Notify, UploadProgress, UploadStage, Uploads, check_chunk, no_session};
use crate::error::{AppError, ErrorCode};

/// Chunks buffered between the IPC side and the ingest thread. Sending waits when full, which
/// slows the page down to the pace of the disk instead of piling bytes up in memory.
const PIPE_CHUNKS: usize = 2;
/// Progress events are sent at most this often per upload.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// An evidence file about to be uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct EvidenceUpload {
    pub case_id: CaseId,
    /// The file's name as the user's system gave it; kept as the original name, never a path.
    pub name: String,
    #[ts(type = "number")]
    pub size: u64,
    pub item_id: Option<String>,
    pub description: Option<String>,
}

enum Piece {
    Bytes(Vec<u8>),
    End,
}

/// The IPC end of an evidence upload.
pub(super) struct Pipe {
    sender: mpsc::Sender<Piece>,
    sent: u64,
    declared: u64,
}

pub(super) type SharedPipe = Arc<tokio::sync::Mutex<Pipe>>;

/// An evidence upload in progress: where its bytes go, and what its worker will answer.
pub(super) struct Receiving {
    pub(super) pipe: SharedPipe,
    outcome: oneshot::Receiver<Result<Evidence, AppError>>,
}

impl Uploads {
    /// Starts an evidence upload by `actor` after checking what can be checked before any byte
    /// arrives: the user, the case, and the size against the configured limit.
    pub async fn begin_evidence(
        &self,
        actor: String,
        request: EvidenceUpload,
    ) -> Result<String, AppError> {
        let store = self.store.clone();
        let (checked, who) = (request.clone(), actor.clone());
        tauri::async_runtime::spawn_blocking(move || precheck(&store, &who, &checked))
            .await
            .map_err(AppError::task_failed)??;

        let (sender, receiver) = mpsc::channel(PIPE_CHUNKS);
        let (done, outcome) = oneshot::channel();
        let declared = request.size;
        let pipe = Pipe { sender, sent: 0, declared };
        let token = self.insert(Kind::Evidence(Receiving { pipe: Arc::new(pipe.into()), outcome }));

        let store = self.store.clone();
        let notify = self.notify.clone();
        let worker_token = token.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let reader = PipeReader { receiver, current: Vec::new(), at: 0, received: 0, declared };
            let result =
                ingest_and_record(&store, &actor, &request, reader, &worker_token, &*notify);
            if let Err(error) = &result {
                tracing::info!(token = %worker_token, code = ?error.code, "evidence upload ended without a record");
            }
            // The receiver is gone when the session was cancelled; nobody is waiting then.
            let _ = done.send(result);
        });
        tracing::info!(%token, bytes = declared, "evidence upload started");
        Ok(token)
    }

    /// Hands a chunk to the ingest thread, waiting while the pipe is full.
    pub(super) async fn send_to_pipe(
        &self,
        pipe: &SharedPipe,
        token: &str,
        offset: u64,
        bytes: Vec<u8>,
    ) -> Result<(), AppError> {
        let mut pipe = pipe.lock().await;
        check_chunk(offset, pipe.sent, bytes.len(), pipe.declared)?;
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
            Some(super::Session { kind: Kind::Evidence(receiving), .. }) => receiving.outcome,
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
        let Receiving { pipe, outcome } =
            self.take(token, "an evidence file", |kind| match kind {
                Kind::Evidence(receiving) => Ok(receiving),
                other => Err(other),
            })?;
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
}

/// Refuses before any byte is sent what the record would be refused for anyway.
fn precheck(store: &Store, actor: &str, request: &EvidenceUpload) -> Result<(), AppError> {
    crate::session::active_user(store, actor)?;
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
    actor: &str,
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
    let file = store.stored_file(ingested)?;
    let applied = store.apply(
        actor,
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::uploads::IDLE_TIMEOUT;
    use crate::uploads::tests::{Fixture, ICON, fixture, request, send, tmp_files};

    #[test]
    fn a_real_file_uploaded_in_chunks_becomes_evidence_with_a_thumbnail() {
        let f = fixture();
        let bytes = std::fs::read(ICON).unwrap();
        tauri::async_runtime::block_on(async {
            let token = f
                .uploads
                .begin_evidence("rita".into(), request(&f, "icon.png", bytes.len()))
                .await
                .unwrap();
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
            let token = tauri::async_runtime::block_on(
                f.uploads.begin_evidence("rita".into(), request(&f, "icon.png", bytes.len())),
            )
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

    #[test]
    fn uploads_are_refused_before_any_byte_when_the_record_would_be() {
        let f = fixture();
        let limit = f.store.config().evidence_max_bytes as usize;
        // (acting user, request change, code)
        type Edit = fn(&mut EvidenceUpload);
        let cases: Vec<(&str, Edit, ErrorCode)> = vec![
            ("nobody", |_| {}, ErrorCode::UnknownUser),
            ("rita", |r| r.case_id = 999, ErrorCode::NotFound),
            ("rita", |r| r.name = "  ".into(), ErrorCode::InvalidInput),
        ];
        for (actor, edit, code) in cases {
            let mut r = request(&f, "a.png", 10);
            edit(&mut r);
            let begun = f.uploads.begin_evidence(actor.into(), r);
            let error = tauri::async_runtime::block_on(begun).unwrap_err();
            assert_eq!(error.code, code, "{error}");
        }
        let too_big = f.uploads.begin_evidence("rita".into(), request(&f, "huge.mov", limit + 1));
        let error = tauri::async_runtime::block_on(too_big).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(error.message.contains("limit"), "{error}");
        assert_eq!(f.uploads.open_sessions(), 0);
    }
}
