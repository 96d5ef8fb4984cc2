//! The life of one export job: an id the page chose (one job of an id at a time), a cancel flag
//! that writers and readers check at every call, and progress events metered to ten a second.

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use vetdesk_core::Store;
use vetdesk_export::report::{Progress, Stage};

use super::{ExportProgress, Exports, Notify};
use crate::error::{AppError, ErrorCode};

/// Progress events are sent at most this often per job (and at every change of stage).
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// A running job; dropping it ends the job.
pub(super) struct Job<'a> {
    exports: &'a Exports,
    id: String,
    cancel: Arc<AtomicBool>,
}

impl Drop for Job<'_> {
    fn drop(&mut self) {
        lock(&self.exports.jobs).remove(&self.id);
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain maps: a panic elsewhere cannot leave them half-updated.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Sends progress events: at every change of stage, at the end of each, and otherwise at
/// most every `PROGRESS_EVERY`.
pub(super) struct Meter {
    job: String,
    notify: Arc<Notify>,
    last: Option<(Stage, Instant)>,
}

impl Meter {
    pub(super) fn show(&mut self, p: Progress) {
        let due = match self.last {
            Some((stage, at)) => {
                stage != p.stage || p.done >= p.total || at.elapsed() >= PROGRESS_EVERY
            }
            None => true,
        };
        if due {
            self.last = Some((p.stage, Instant::now()));
            (self.notify)(ExportProgress {
                job: self.job.clone(),
                stage: p.stage,
                done: p.done,
                total: p.total,
            });
        }
    }
}

/// Fails every write once cancelled: the pack writer then stops and its temp file goes.
pub(super) struct CancelWrite<W> {
    pub(super) inner: W,
    pub(super) cancel: Arc<AtomicBool>,
}

fn cancelled_error() -> io::Error {
    io::Error::other("cancelled by the user")
}

impl<W: Write> Write for CancelWrite<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled_error());
        }
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Seek> Seek for CancelWrite<W> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Fails every read once cancelled: the pack check then stops.
pub(super) struct CancelRead<R> {
    pub(super) inner: R,
    pub(super) cancel: Arc<AtomicBool>,
}

impl<R: Read> Read for CancelRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(cancelled_error());
        }
        self.inner.read(buf)
    }
}

impl<R: Seek> Seek for CancelRead<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Everything a job's blocking work needs.
pub(super) struct Work {
    pub(super) store: Arc<Store>,
    pub(super) cancel: Arc<AtomicBool>,
    pub(super) meter: Meter,
}

impl Work {
    pub(super) fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

fn valid_job_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Exports {
    pub(super) fn begin(&self, id: &str) -> Result<Job<'_>, AppError> {
        if !valid_job_id(id) {
            return Err(AppError::invalid(format!(
                "job id {id:?} must be 1 to 64 letters, digits, '-' or '_'"
            )));
        }
        let cancel = Arc::new(AtomicBool::new(false));
        let mut jobs = lock(&self.jobs);
        if jobs.contains_key(id) {
            return Err(AppError::new(
                ErrorCode::Conflict,
                format!("export {id} is already running; wait for it or cancel it"),
            ));
        }
        jobs.insert(id.to_string(), cancel.clone());
        Ok(Job { exports: self, id: id.to_string(), cancel })
    }

    /// Asks a running job to stop; `false` when none of that id runs.
    pub fn cancel(&self, id: &str) -> bool {
        match lock(&self.jobs).get(id) {
            Some(flag) => {
                flag.store(true, Ordering::Relaxed);
                tracing::info!(job = id, "export cancelled");
                true
            }
            None => false,
        }
    }

    pub(super) fn work(&self, job: &Job<'_>) -> Work {
        Work {
            store: self.store.clone(),
            cancel: job.cancel.clone(),
            meter: Meter { job: job.id.clone(), notify: self.notify.clone(), last: None },
        }
    }
}
