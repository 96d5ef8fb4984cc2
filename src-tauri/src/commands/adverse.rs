//! The FCRA adverse-action steps of a case from its Details tab: the pre-adverse-action notice
//! (the copy of the report and the summary of rights are evidence the case already holds, so
//! the page hands over ids, never a path), then the adverse-action notice. Both notices are
//! rendered by `vetdesk_export::adverse` and kept as evidence; the page shows them through the
//! `evidence:` scheme like any other file.

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use vetdesk_core::change::ReportingAgency;
use vetdesk_core::model::{CaseId, EvidenceId};
use vetdesk_core::store::{AdverseAction, NoticeDraft};
use vetdesk_export::adverse::{adverse_notice_pdf, pre_adverse_notice_pdf};

use super::cases::CaseRef;
use crate::error::AppError;
use crate::state::AppState;

/// A pre-adverse-action notice to give on a case.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PreNoticeRequest {
    pub case_id: CaseId,
    /// The consumer reporting agency that made the report.
    pub agency: ReportingAgency,
    /// Evidence of the case: the copy of the consumer report given to the candidate.
    pub report: EvidenceId,
    /// Evidence of the case: "A Summary of Your Rights Under the Fair Credit Reporting Act".
    pub summary_of_rights: EvidenceId,
}

type Rendered = Result<Vec<u8>, Box<dyn std::error::Error>>;

/// Gives the pre-adverse-action notice; answers the steps as they stand after it.
#[tauri::command]
pub async fn adverse_pre_notice(
    state: State<'_, AppState>,
    request: PreNoticeRequest,
) -> Result<AdverseAction, AppError> {
    state
        .write(move |s, actor| {
            let render = |d: &NoticeDraft| -> Rendered {
                pre_adverse_notice_pdf(d).map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
            };
            s.pre_adverse_notice_with_evidence(
                actor,
                request.case_id,
                request.agency,
                request.report,
                request.summary_of_rights,
                &render,
            )?;
            Ok(s.adverse_action(request.case_id)?)
        })
        .await
}

/// Gives the adverse-action notice on a case decided on its background report.
#[tauri::command]
pub async fn adverse_notice(
    state: State<'_, AppState>,
    request: CaseRef,
) -> Result<AdverseAction, AppError> {
    state
        .write(move |s, actor| {
            let render = |d: &NoticeDraft| -> Rendered {
                adverse_notice_pdf(d).map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
            };
            s.adverse_notice(actor, request.case_id, &render)?;
            Ok(s.adverse_action(request.case_id)?)
        })
        .await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use vetdesk_core::change::{Change, ReportingAgency};
    use vetdesk_core::model::{CaseStatus, Decision};
    use vetdesk_core::store::NoticeDraft;
    use vetdesk_export::adverse::{adverse_notice_pdf, pre_adverse_notice_pdf};
    use vetdesk_testkit::*;

    fn agency() -> ReportingAgency {
        ReportingAgency {
            name: "Lakeshore Screening Services".into(),
            address: "400 Harbor Drive, Duluth, MN 55802".into(),
            phone: "+1 800 555 0142".into(),
        }
    }

    /// The store calls the app's commands make, with evidence uploaded beforehand.
    #[test]
    fn the_notices_are_given_from_evidence_the_case_holds() {
        let (_dir, store, case) = populated();
        store.clock().set("2026-11-09T09:00:00.000Z".parse().unwrap());
        let uploads = tempfile::tempdir().unwrap();
        let mut ids = Vec::new();
        for (name, text) in [("report.txt", "Consumer report"), ("rights.txt", "Summary of rights")]
        {
            let path = uploads.path().join(name);
            std::fs::write(&path, text).unwrap();
            store.attach_file(COMPLIANCE, case, &path, None, None, &mut |_, _| {}).unwrap();
            ids.push(store.evidence_of_case(case).unwrap().last().unwrap().id);
        }
        let pre = |d: &NoticeDraft| {
            pre_adverse_notice_pdf(d).map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
        };
        let err = store
            .pre_adverse_notice_with_evidence(COMPLIANCE, case, agency(), ids[0], ids[0], &pre)
            .unwrap_err();
        assert!(err.to_string().contains("one file"), "{err}");
        let before = store.evidence_of_case(case).unwrap().len();
        store
            .pre_adverse_notice_with_evidence(COMPLIANCE, case, agency(), ids[0], ids[1], &pre)
            .unwrap();
        let steps = store.adverse_action(case).unwrap();
        let p = steps.pre_notice.unwrap();
        assert_eq!((p.report, p.summary_of_rights), (ids[0], ids[1]));
        // Only the notice itself is added.
        assert_eq!(store.evidence_of_case(case).unwrap().len(), before + 1);

        store.clock().set("2026-11-18T09:00:00.000Z".parse().unwrap());
        store
            .apply(
                COMPLIANCE,
                Change::SetStatus {
                    case_id: case,
                    status: CaseStatus::Decided,
                    decision: Some(Decision::Rejected),
                    reason: "the report".into(),
                    grounds: vec![vetdesk_core::change::Ground::BackgroundReport],
                    override_reason: None,
                },
            )
            .unwrap();
        let render = |d: &NoticeDraft| {
            adverse_notice_pdf(d).map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
        };
        store.adverse_notice(COMPLIANCE, case, &render).unwrap();
        assert!(store.adverse_action(case).unwrap().notice.is_some());
        assert!(store.verify().unwrap().ok);
    }
}
