//! The error every module shares: a value outside a closed set. Each module has its own
//! `thiserror` enum besides (`StoreError`, `EvidenceError`, `TemplateError` …); the CLI maps
//! them to exit codes and the desktop shell to the codes its UI branches on.

/// A value that is not one of a closed set (a status, a role, a result …).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {given:?}; expected one of: {expected}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}
