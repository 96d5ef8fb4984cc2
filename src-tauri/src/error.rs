//! The one error every command returns. It crosses IPC as `{ code, message }`: the UI branches
//! on `code` (a closed set) and shows `message` to the user; core errors map into it here, in
//! one place, so a new core error is classified once rather than in every command.

use serde::Serialize;
use ts_rs::TS;

/// What kind of failure this is, as far as the UI needs to know to react to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request itself was wrong (a malformed value, an unknown status); fix and retry.
    InvalidInput,
    /// What the request names does not exist.
    NotFound,
    /// The request clashes with the current state (already decided, already exists).
    Conflict,
    /// The acting user may not do this.
    PermissionDenied,
    /// The data directory could not be read or written.
    Storage,
    /// A fault in the app itself; the log file has the details.
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, TS)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

impl From<vetdesk::error::UnknownValue> for AppError {
    fn from(error: vetdesk::error::UnknownValue) -> Self {
        Self::new(ErrorCode::InvalidInput, error.to_string())
    }
}

impl From<vetdesk::template::TemplateError> for AppError {
    fn from(error: vetdesk::template::TemplateError) -> Self {
        use vetdesk::template::TemplateError as E;
        let code = match &error {
            E::NotFound { .. } | E::UnknownId(_) => ErrorCode::NotFound,
            // Templates are embedded at build time: a broken one is a fault of the build.
            E::Parse { .. } | E::Invalid { .. } => ErrorCode::Internal,
        };
        Self::new(code, error.to_string())
    }
}

impl From<std::io::Error> for AppError {
    fn from(error: std::io::Error) -> Self {
        Self::new(ErrorCode::Storage, format!("data directory: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vetdesk::template::TemplateError;

    #[test]
    fn travels_as_code_and_message() {
        let error = AppError::new(ErrorCode::PermissionDenied, "reviewers may not sign off");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "code": "permission_denied", "message": "reviewers may not sign off" })
        );
    }

    #[test]
    fn core_errors_get_the_code_the_ui_acts_on() {
        let cases: Vec<(AppError, ErrorCode)> = vec![
            (
                "bogus".parse::<vetdesk::model::CaseStatus>().unwrap_err().into(),
                ErrorCode::InvalidInput,
            ),
            (TemplateError::UnknownId("x".into()).into(), ErrorCode::NotFound),
            (TemplateError::NotFound { id: "x".into(), version: 9 }.into(), ErrorCode::NotFound),
            (
                TemplateError::Parse { file: "t.toml".into(), message: "bad".into() }.into(),
                ErrorCode::Internal,
            ),
            (std::io::Error::from(std::io::ErrorKind::PermissionDenied).into(), ErrorCode::Storage),
        ];
        for (error, code) in cases {
            assert_eq!(error.code, code, "{error}");
            assert!(!error.message.is_empty());
        }
    }
}
