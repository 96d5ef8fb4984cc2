//! The one error every command returns. It crosses IPC as `{ code, message }` (and, for a
//! form, the `field` the message is about): the UI branches on `code` (a closed set) and shows
//! `message` to the user; core errors map into it here, in one place, so a new core error is
//! classified once rather than in every command.

use serde::Serialize;
use ts_rs::TS;
use vetdesk_core::StoreError;
use vetdesk_core::evidence::EvidenceError;
use vetdesk_export::pack::PackError;
use vetdesk_export::report::ReportError;

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
    /// The acting user is unknown or deactivated: choose another one.
    UnknownUser,
    /// The data directory could not be read or written.
    Storage,
    /// A fault in the app itself; the log file has the details.
    Internal,
    /// The data directory is encrypted and not unlocked yet: the unlock screen first.
    Locked,
    /// The case was changed by someone else since it was read: show the message and read the
    /// case again.
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, TS)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
    /// The form field the message is about, named as in the request, when the core named one
    /// (`vetdesk_core::error::Field`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), field: None }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }

    pub fn with_field(mut self, field: Option<&str>) -> Self {
        self.field = field.map(str::to_owned);
        self
    }

    /// Any command but the unlock screen's, while the data directory is locked.
    pub fn locked() -> Self {
        Self::new(
            ErrorCode::Locked,
            "the data directory is encrypted and locked: unlock it with its passphrase first",
        )
    }

    /// Any command but the sign-in screen's, before the team login signed in.
    pub fn not_signed_in() -> Self {
        Self::new(
            ErrorCode::Locked,
            "not signed in to the team database: sign in with your password first",
        )
    }

    /// A task on the blocking pool panicked or was dropped.
    pub fn task_failed(error: impl std::fmt::Display) -> Self {
        Self::internal(format!("a background task failed: {error}"))
    }
}

impl From<vetdesk_core::error::UnknownValue> for AppError {
    fn from(error: vetdesk_core::error::UnknownValue) -> Self {
        Self::new(ErrorCode::InvalidInput, error.to_string())
    }
}

impl From<vetdesk_core::template::TemplateError> for AppError {
    fn from(error: vetdesk_core::template::TemplateError) -> Self {
        use vetdesk_core::template::TemplateError as E;
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

impl From<EvidenceError> for AppError {
    fn from(error: EvidenceError) -> Self {
        use EvidenceError as E;
        let code = match &error {
            E::TooLarge { .. } | E::NotRegularFile { .. } | E::NotAnImage { .. } => {
                ErrorCode::InvalidInput
            }
            E::NotFound { .. } | E::Missing { .. } | E::NotInDatabase { .. } => ErrorCode::NotFound,
            E::DestinationExists { .. } => ErrorCode::Conflict,
            // The upload itself was cut off; the message says after how many bytes.
            E::Read { .. } => ErrorCode::InvalidInput,
            E::Io { .. } | E::Corrupted { .. } | E::Image { .. } => ErrorCode::Storage,
        };
        Self::new(code, error.to_string())
    }
}

impl From<vetdesk_sample::SampleError> for AppError {
    fn from(error: vetdesk_sample::SampleError) -> Self {
        use vetdesk_sample::SampleError as E;
        let code = match &error {
            E::NotEmpty { .. } | E::UserClash { .. } | E::TimeAhead { .. } => ErrorCode::Conflict,
            E::AdminNeeded | E::NotAdmin { .. } => ErrorCode::PermissionDenied,
            E::Store { source, .. } => return AppError::from_store_with(source, error.to_string()),
            E::Evidence { .. } => ErrorCode::Storage,
            E::Image(_) | E::Unexpected(_) => ErrorCode::Internal,
        };
        Self::new(code, error.to_string())
    }
}

impl AppError {
    /// The code a store error has, with another message (the sample's, which names its step).
    fn from_store_with(source: &StoreError, message: String) -> Self {
        use StoreError as E;
        let code = match source {
            E::UnknownActor(_) => ErrorCode::UnknownUser,
            E::Invalid { .. } | E::Value(_) | E::Rows(_) => ErrorCode::InvalidInput,
            E::NotFound { .. } => ErrorCode::NotFound,
            E::Conflict { .. } => ErrorCode::Conflict,
            E::Forbidden { .. } => ErrorCode::PermissionDenied,
            E::Database(_) | E::Json(_) => ErrorCode::Internal,
            _ => ErrorCode::Storage,
        };
        Self::new(code, message)
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        use StoreError as E;
        // The core says which input a refusal is about where it validates.
        let field = error.field().map(|f| f.as_str());
        let code = match error {
            E::Evidence(inner) => return Self::from(inner),
            E::Template(inner) => return Self::from(inner),
            E::UnknownActor(name) => {
                // The core's text points at the CLI's --as; in the app the fix is the user menu.
                return Self::new(
                    ErrorCode::UnknownUser,
                    format!(
                        "there is no active user named {name:?}: choose who is acting with \
                         \"Switch user\" at the top of the window"
                    ),
                );
            }
            E::Database(e) if e.is_busy() => {
                return Self::new(
                    ErrorCode::Storage,
                    "the database is busy (another Vetdesk window or command is writing); \
                     try again in a moment",
                );
            }
            E::Invalid { .. } | E::Value(_) | E::Rows(_) => ErrorCode::InvalidInput,
            E::NotFound { .. } => ErrorCode::NotFound,
            E::Conflict { .. } => ErrorCode::Conflict,
            E::Stale { .. } => ErrorCode::Stale,
            E::Forbidden { .. } => ErrorCode::PermissionDenied,
            E::NoDatabase(_)
            | E::NewerSchema { .. }
            | E::Migration { .. }
            | E::Config { .. }
            | E::Corrupt(_)
            | E::Io { .. }
            | E::Locked(_)
            | E::WrongPassphrase
            | E::WrongKey { .. }
            | E::Key(_) => ErrorCode::Storage,
            E::Database(_) | E::Json(_) => ErrorCode::Internal,
        };
        Self::new(code, error.to_string()).with_field(field)
    }
}

// The export crate's errors: reports and packs.

impl From<ReportError> for AppError {
    fn from(error: ReportError) -> Self {
        use ReportError as E;
        match error {
            E::Store(inner) => inner.into(),
            // The core's text points at the CLI's --as; in the app the fix is the user menu.
            E::UnknownUser(name) => AppError::new(
                ErrorCode::UnknownUser,
                format!(
                    "there is no active user named {name:?}, and exports record who made them: \
                     choose who is acting with \"Switch user\" at the top of the window"
                ),
            ),
            other => {
                let code = match &other {
                    E::BrokenChain { .. } | E::Io { .. } => ErrorCode::Storage,
                    E::Invalid(_) => ErrorCode::InvalidInput,
                    E::Exists(_) => ErrorCode::Conflict,
                    _ => ErrorCode::Internal,
                };
                AppError::new(code, other.to_string())
            }
        }
    }
}

impl From<PackError> for AppError {
    fn from(error: PackError) -> Self {
        match error {
            PackError::Report(inner) => inner.into(),
            PackError::Unreadable { .. } | PackError::Hostile { .. } => {
                AppError::invalid(error.to_string())
            }
            // The store's files or the destination failed: the message names which.
            other => AppError::new(ErrorCode::Storage, other.to_string()),
        }
    }
}

impl From<tauri::Error> for AppError {
    fn from(error: tauri::Error) -> Self {
        Self::internal(format!("the app could not do this: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vetdesk_core::store::{DbError, DbErrorKind};
    use vetdesk_core::template::TemplateError;

    #[test]
    fn travels_as_code_and_message() {
        let error = AppError::new(ErrorCode::PermissionDenied, "reviewers may not sign off");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "code": "permission_denied", "message": "reviewers may not sign off" })
        );
        let with_field =
            AppError::invalid("email \"x\" is not an email address").with_field(Some("emails"));
        assert_eq!(serde_json::to_value(&with_field).unwrap()["field"], "emails");
    }

    #[test]
    fn core_errors_get_the_code_the_ui_acts_on() {
        let cases: Vec<(AppError, ErrorCode)> = vec![
            (
                "bogus".parse::<vetdesk_core::model::CaseStatus>().unwrap_err().into(),
                ErrorCode::InvalidInput,
            ),
            (TemplateError::UnknownId("x".into()).into(), ErrorCode::NotFound),
            (TemplateError::NotFound { id: "x".into(), version: 9 }.into(), ErrorCode::NotFound),
            (
                TemplateError::Parse { file: "t.toml".into(), message: "bad".into() }.into(),
                ErrorCode::Internal,
            ),
            (std::io::Error::from(std::io::ErrorKind::PermissionDenied).into(), ErrorCode::Storage),
            (
                StoreError::Invalid { field: None, message: "bad".into() }.into(),
                ErrorCode::InvalidInput,
            ),
            (
                StoreError::NotFound { what: "case", id: "9".into(), field: None, hidden_to: None }
                    .into(),
                ErrorCode::NotFound,
            ),
            (
                StoreError::Conflict { field: None, message: "already".into() }.into(),
                ErrorCode::Conflict,
            ),
            (
                StoreError::Forbidden {
                    actor: "rita".into(),
                    role: "reviewer".into(),
                    action: "close (sign off) a case".into(),
                }
                .into(),
                ErrorCode::PermissionDenied,
            ),
            (StoreError::UnknownActor("zed".into()).into(), ErrorCode::UnknownUser),
            (StoreError::Corrupt("x".into()).into(), ErrorCode::Storage),
            (
                StoreError::Template(TemplateError::UnknownId("x".into())).into(),
                ErrorCode::NotFound,
            ),
            (
                StoreError::Evidence(EvidenceError::TooLarge { name: "a.png".into(), limit: 10 })
                    .into(),
                ErrorCode::InvalidInput,
            ),
            (
                StoreError::Database(DbError::new(DbErrorKind::Busy, "database is locked")).into(),
                ErrorCode::Storage,
            ),
            (
                StoreError::Database(DbError::new(DbErrorKind::Other, "no such table: x")).into(),
                ErrorCode::Internal,
            ),
        ];
        for (error, code) in cases {
            assert_eq!(error.code, code, "{error}");
            assert!(!error.message.is_empty());
        }
        // The unknown-user message tells the app user what to do, not the CLI user.
        let unknown: AppError = StoreError::UnknownActor("zed".into()).into();
        assert!(unknown.message.contains("Switch user"), "{}", unknown.message);
        assert!(!unknown.message.contains("--as"));
    }
}
