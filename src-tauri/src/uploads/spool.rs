//! Files spooled to disk for a check (an audit pack, possibly gigabytes): written to a temp file
//! in the data directory's `tmp/` as the chunks arrive, handed over whole once the last byte is
//! there, and removed when the session (or the check that took it) ends.

use std::sync::{Arc, Mutex, PoisonError};

use serde::Deserialize;
use ts_rs::TS;

use super::{Kind, Uploads, check_chunk};
use crate::error::{AppError, ErrorCode};

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

impl Uploads {
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
        let spool = self.take(token, "a file to check", |kind| match kind {
            Kind::Spool(spool) => Ok(spool),
            other => Err(other),
        })?;
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
            .unwrap_or_else(PoisonError::into_inner);
        if spool.written != spool.declared {
            return Err(AppError::invalid(format!(
                "{}: the upload ended after {} of {} bytes; nothing was checked",
                spool.name, spool.written, spool.declared
            )));
        }
        Ok(spool)
    }
}

/// Writes a chunk at the end of the spooled file, off the async runtime.
pub(super) async fn write(
    spool: Arc<Mutex<Spool>>,
    offset: u64,
    bytes: Vec<u8>,
) -> Result<(), AppError> {
    tauri::async_runtime::spawn_blocking(move || {
        let mut spool = spool.lock().unwrap_or_else(PoisonError::into_inner);
        check_chunk(offset, spool.written, bytes.len(), spool.declared)?;
        std::io::Write::write_all(spool.file.as_file_mut(), &bytes)?;
        spool.written += bytes.len() as u64;
        Ok::<_, AppError>(())
    })
    .await
    .map_err(AppError::task_failed)?
}
