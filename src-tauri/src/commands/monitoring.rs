//! After the hire: the Monitoring page's board of workers with open post-hire flags, telemetry
//! files uploaded through the spool and imported by the core, and an investigation opened from
//! an alert.

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::employees::TelemetryFormat;
use vetdesk_core::model::CaseId;
use vetdesk_core::store::{InvestigationOpened, MonitoredEmployee, TelemetryOutcome};
use vetdesk_core::verification::FlagId;

use crate::error::AppError;
use crate::state::AppState;
use crate::uploads::{Spool, SpoolUpload};

/// A telemetry file spooled by `upload_begin_telemetry`, to import.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct TelemetryImportRequest {
    pub token: String,
    /// Sniffed from the content when absent.
    pub format: Option<TelemetryFormat>,
}

/// An open post-hire flag of a monitoring case.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct AlertRef {
    pub case_id: CaseId,
    pub flag_id: FlagId,
}

/// Workers with open post-hire flags, most severe first, then most recent.
#[tauri::command]
pub async fn monitoring_board(
    state: State<'_, AppState>,
) -> Result<Vec<MonitoredEmployee>, AppError> {
    state.read(|s| Ok(s.monitoring_board()?)).await
}

/// Starts spooling a telemetry export (it may be gigabytes) into the data directory's `tmp/`.
#[tauri::command]
pub async fn upload_begin_telemetry(
    state: State<'_, AppState>,
    request: SpoolUpload,
) -> Result<String, AppError> {
    state.uploads.begin_spool(request)
}

/// Imports a spooled telemetry file as the acting user: every event or none; the temp file is
/// removed either way.
#[tauri::command]
pub async fn telemetry_import(
    state: State<'_, AppState>,
    request: TelemetryImportRequest,
) -> Result<TelemetryOutcome, AppError> {
    let spool = state.uploads.finish_spool(&request.token).await?;
    state.write(move |s, actor| import_spooled(s, actor, spool, request.format)).await
}

/// Imports a spooled file under the name the user's system gave it, then removes the copy.
fn import_spooled(
    store: &Store,
    actor: &str,
    spool: Spool,
    format: Option<TelemetryFormat>,
) -> Result<TelemetryOutcome, AppError> {
    let outcome = store.import_telemetry_named(actor, spool.file.path(), &spool.name, format);
    drop(spool);
    Ok(outcome?)
}

/// Opens an investigation case from an alert, with its events and import files attached.
#[tauri::command]
pub async fn investigate_alert(
    state: State<'_, AppState>,
    request: AlertRef,
) -> Result<InvestigationOpened, AppError> {
    state
        .write(move |s, actor| Ok(s.investigate_alert(actor, request.case_id, request.flag_id)?))
        .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::Arc;

    use vetdesk_core::employees::HireFields;
    use vetdesk_core::model::{CandidateFields, CaseKind};
    use vetdesk_core::store::HireOf;
    use vetdesk_testkit::{INVESTIGATOR, REVIEWER};

    use super::*;
    use crate::uploads::Uploads;

    const OKTA: &str = r#"[{"uuid":"ev-1","published":"2026-11-01T15:00:00.000Z","eventType":"user.session.start","actor":{"alternateId":"kim@corp.example"},"client":{"ipAddress":"198.51.100.7","geographicalContext":{"country":"CN","city":"Shenyang","geolocation":{"lat":41.8,"lon":123.4}}},"outcome":{"result":"SUCCESS"}}]"#;

    /// Spools `bytes` as the page uploads them and imports the file.
    fn upload(store: &Arc<Store>, name: &str, bytes: &[u8]) -> Result<TelemetryOutcome, AppError> {
        let uploads = Uploads::new(store.clone(), Arc::new(|_| {}));
        tauri::async_runtime::block_on(async {
            let token = uploads
                .begin_spool(SpoolUpload { name: name.into(), size: bytes.len() as u64 })
                .unwrap();
            uploads.chunk(&token, 0, bytes.to_vec()).await.unwrap();
            let spool = uploads.finish_spool(&token).await.unwrap();
            import_spooled(store, INVESTIGATOR, spool, None)
        })
    }

    fn spooled(store: &Store) -> usize {
        std::fs::read_dir(store.data_dir().root.join("tmp"))
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().contains("spool"))
                    .count()
            })
            .unwrap_or(0)
    }

    #[test]
    fn an_uploaded_telemetry_file_is_imported_under_its_name_and_an_alert_opens_a_case() {
        let (_dir, store) = vetdesk_testkit::team_store();
        let hired = store
            .hire(
                REVIEWER,
                HireOf::Existing {
                    person: Box::new(CandidateFields {
                        legal_name: "Kim Worker".into(),
                        claimed_location: Some("Austin, TX".into()),
                        ..CandidateFields::default()
                    }),
                },
                HireFields {
                    start_on: "2026-11-01".parse().unwrap(),
                    accounts: vec!["kim@corp.example".into()],
                    devices: vec![],
                },
            )
            .unwrap();
        let store = Arc::new(store);

        // A bad file is refused with its name, nothing kept, the spooled copy gone.
        let error = upload(&store, "broken.json", &OKTA.as_bytes()[..40]).unwrap_err();
        assert!(error.message.contains("broken.json"), "{}", error.message);
        assert!(store.telemetry_imports().unwrap().is_empty());
        assert_eq!(spooled(&store), 0);

        let outcome = upload(&store, "okta-export.json", OKTA.as_bytes()).unwrap();
        assert_eq!((outcome.added, outcome.matched), (1, 1));
        assert_eq!(store.telemetry_imports().unwrap()[0].file_name, "okta-export.json");
        assert_eq!(spooled(&store), 0);

        let board = store.monitoring_board().unwrap();
        assert_eq!(board.len(), 1);
        // The day-one identity match (due on the start date) is missed too; this is the other.
        let alert = board[0]
            .alerts
            .iter()
            .find(|a| a.flag.fields.rule == "posthire.sign_in_abroad")
            .unwrap();
        assert_eq!(alert.flag.fields.subject, "CN");
        assert_eq!(alert.events[0].event_id, "ev-1");
        assert_eq!(alert.events[0].file_name, "okta-export.json");
        let opened = store.investigate_alert(INVESTIGATOR, hired.case_id, alert.flag.id).unwrap();
        assert_eq!(store.read(|r| r.case(opened.case_id)).unwrap().kind, CaseKind::Investigation);
        assert_eq!((opened.files, opened.events), (1, 1));
    }
}
