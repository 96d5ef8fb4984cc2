//! Errors of the evidence file store. Each names the file (by path, by the name it arrived
//! with, or by its SHA-256) and what went wrong, so that a message alone is enough to act on.

use std::io;
use std::path::PathBuf;

use super::{FileCheck, Sha256Hex};

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("{path}: no such file")]
    NotFound { path: PathBuf },

    #[error("{path}: not a regular file ({kind}); only regular files can be attached or exported")]
    NotRegularFile { path: PathBuf, kind: &'static str },

    #[error(
        "{name}: larger than the limit of {limit} bytes ({}); nothing was stored",
        super::human_bytes(*limit)
    )]
    TooLarge { name: String, limit: u64 },

    #[error("{name}: reading failed after {bytes} bytes: {source}; nothing was stored")]
    Read { name: String, bytes: u64, source: io::Error },

    #[error("{op} {path}: {source}")]
    Io { op: &'static str, path: PathBuf, source: io::Error },

    #[error("evidence {sha256} is not in the store (expected at {path})")]
    Missing { sha256: Sha256Hex, path: PathBuf },

    #[error("evidence {sha256} is not in the team database (or not visible to this login)")]
    NotInDatabase { sha256: Sha256Hex },

    #[error("evidence {sha256} failed its integrity check: {check}")]
    Corrupted { sha256: Sha256Hex, check: FileCheck },

    #[error("{path} already exists and was left as it was (overwriting was not asked for)")]
    DestinationExists { path: PathBuf },

    #[error("evidence {sha256} is {media_type}, not an image this build can decode")]
    NotAnImage { sha256: Sha256Hex, media_type: String },

    #[error("evidence {sha256}: {reason}")]
    Image { sha256: Sha256Hex, reason: String },
}

impl EvidenceError {
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        EvidenceError::Io { op, path: path.into(), source }
    }
}
