//! The app's log: a daily rolling file in the log directory, written by a background thread.
//! Log lines name operations and outcomes, never candidates' personal data or file contents.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{InitError, RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

/// How many daily files to keep before the oldest is removed.
const KEEP_FILES: usize = 14;

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("cannot open the log file in {dir}: {source}")]
    Open { dir: String, source: InitError },
}

/// Starts logging to `<log_dir>/vetdesk.YYYY-MM-DD.log`. Keep the guard alive until exit:
/// dropping it flushes what is still queued. `VETDESK_LOG` (EnvFilter syntax) sets the level.
pub fn init(log_dir: &Path) -> Result<WorkerGuard, LoggingError> {
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("vetdesk")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(log_dir)
        .map_err(|source| LoggingError::Open { dir: log_dir.display().to_string(), source })?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("VETDESK_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tao=warn,wry=warn"));
    // A subscriber may already be set (tests that start the app twice); keep the first.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Ok(guard)
}
