//! The one list of Rust types the front end uses. `make bindings` writes their TypeScript
//! definitions (and those of everything they contain) to `ui/src/bindings/`; the drift test in
//! `tests/bindings.rs` fails when the committed files no longer match.

use std::path::Path;

use ts_rs::{Config, ExportError, TS};

/// Exports every root type, and each type it refers to, into `dir`.
pub fn export_all(dir: &Path) -> Result<(), ExportError> {
    // Ids are SQLite rowids: far below 2^53, and serde_json sends them as JSON numbers, so
    // `number` is what the UI really receives (ts-rs would otherwise say `bigint`).
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    macro_rules! export {
        ($($ty:ty),+ $(,)?) => { $( <$ty as TS>::export_all(&cfg)?; )+ };
    }
    export!(
        // the shell's own
        crate::error::AppError,
        crate::commands::app::AppInfo,
        crate::commands::users::UserAdd,
        crate::commands::users::UserSetRole,
        crate::commands::users::UserSetActive,
        crate::commands::vendors::VendorAdd,
        crate::commands::vendors::VendorUpdate,
        crate::commands::candidates::CandidateAdd,
        crate::commands::candidates::CandidateAdded,
        crate::commands::cases::CaseRef,
        crate::commands::cases::StatusMovesRequest,
        crate::commands::cases::SetStatus,
        crate::commands::cases::Assign,
        crate::commands::cases::SetPriority,
        crate::commands::cases::SetDue,
        crate::commands::cases::RecordResult,
        crate::commands::cases::NoteAdd,
        crate::commands::cases::SearchRequest,
        crate::commands::flags::FlagsRefresh,
        crate::commands::uploads::UploadRef,
        crate::commands::uploads::ImportCommit,
        crate::uploads::EvidenceUpload,
        crate::uploads::ImportUpload,
        crate::uploads::UploadProgress,
        crate::uploads::ImportPreview,
        crate::uploads::ImportCommitted,
        crate::events::StoreChanged,
        // exports
        crate::commands::exports::CaseExport,
        crate::commands::exports::PortfolioExport,
        crate::commands::exports::JobRef,
        crate::commands::exports::ExportedRef,
        crate::commands::exports::PackCheckRequest,
        crate::commands::exports::ExportProgress,
        crate::commands::exports::ExportOutcome,
        crate::commands::exports::ExportFolder,
        crate::commands::exports::PackChecked,
        crate::commands::exports::Revealed,
        crate::uploads::SpoolUpload,
        // end of exports
        // verification records, vendor audits and the indicator lists
        crate::commands::verification::Recorded,
        crate::commands::verification::MrzCheck,
        crate::commands::verification::MrzChecked,
        crate::commands::verification::PaymentRecorded,
        crate::commands::verification::DocumentSave,
        crate::commands::verification::InterviewRecord,
        crate::commands::verification::ReachableHoursSet,
        crate::commands::verification::EVerifySave,
        crate::commands::verification::ReferenceSave,
        crate::commands::verification::PaymentEntry,
        crate::commands::verification::ObservedIpRecord,
        crate::commands::verification::VendorAuditRecord,
        crate::commands::lists::IpListFinish,
        crate::commands::lists::IpListImported,
        crate::commands::lists::IpListRemove,
        crate::commands::lists::VpnProviderAdd,
        crate::commands::lists::VpnProviderRemove,
        crate::commands::lists::VoipEntryAdd,
        crate::commands::lists::VoipEntryRemove,
        vetdesk_core::store::CaseVerification,
        vetdesk_core::verification::VendorAuditStatus,
        vetdesk_core::verification::IpList,
        vetdesk_core::verification::VpnProvider,
        vetdesk_core::verification::VoipEntry,
        // the core's domain
        vetdesk_core::model::User,
        vetdesk_core::model::Vendor,
        vetdesk_core::model::Candidate,
        vetdesk_core::model::Case,
        vetdesk_core::model::ItemState,
        vetdesk_core::model::Note,
        vetdesk_core::model::Evidence,
        vetdesk_core::model::AuditRecord,
        vetdesk_core::change::Change,
        vetdesk_core::template::Template,
        vetdesk_core::store::CaseFilter,
        vetdesk_core::store::CaseSummary,
        vetdesk_core::store::CaseDetail,
        vetdesk_core::store::StatusMove,
        vetdesk_core::store::Permissions,
        vetdesk_core::store::ItemOptions,
        vetdesk_core::store::FieldLimit,
        vetdesk_core::store::FieldProblem,
        vetdesk_core::store::SearchHit,
        vetdesk_core::verification::CaseFlags,
        vetdesk_core::verification::Link,
    );
    Ok(())
}
