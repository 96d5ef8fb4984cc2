//! Errors. Each module has its own `thiserror` enum; `Error` gathers them for callers that
//! only need one type, and gives every error a stable `ErrorCode` that the CLI maps to an exit
//! code and the desktop app sends to the UI (which branches on the code, never on the text).

/// A value that is not one of a closed set (a status, a role, a result …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {given:?}; expected one of: {expected}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}
