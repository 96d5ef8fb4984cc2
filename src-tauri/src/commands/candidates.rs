//! Candidates: added from the form with the case to open for them, in one transaction (two
//! changes, so not a single `apply`), and the store's judgement of the form as it is typed.
//! The CSV import goes through the upload sessions.

use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;
use vetdesk_core::change::Change;
use vetdesk_core::model::{CandidateFields, CandidateId, CaseId};
use vetdesk_core::store::{FieldProblem, NewCase};

use crate::error::AppError;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CandidateAdd {
    pub candidate: CandidateFields,
    /// The case to open for them; none to add the candidate only.
    pub case: Option<NewCase>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CandidateAdded {
    pub candidate_id: CandidateId,
    pub case_id: Option<CaseId>,
}

#[tauri::command]
pub async fn candidate_add(
    state: State<'_, AppState>,
    request: CandidateAdd,
) -> Result<CandidateAdded, AppError> {
    state.write(move |s, actor| add(s, actor, request)).await
}

/// Every problem the store would refuse the candidate's fields for, each with its field: the
/// form shows them while typing and sends nothing while there are any.
#[tauri::command]
pub async fn candidate_check(
    state: State<'_, AppState>,
    request: CandidateFields,
) -> Result<Vec<FieldProblem>, AppError> {
    state.read(move |s| Ok(s.candidate_problems(&request, None)?)).await
}

/// The command's body, callable without a window (tests).
pub fn add(
    store: &vetdesk_core::Store,
    actor: &str,
    request: CandidateAdd,
) -> Result<CandidateAdded, AppError> {
    let applied = store.add_candidate(actor, request.candidate, request.case)?;
    let mut added = CandidateAdded { candidate_id: 0, case_id: None };
    for a in applied {
        match a.change {
            Change::AddCandidate { id: Some(id), .. } => added.candidate_id = id,
            Change::OpenCase { id, .. } => added.case_id = id,
            _ => {}
        }
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vetdesk_core::model::{CaseKind, Priority};

    /// One bad value per field, through the real store: the refusal must name that field.
    #[test]
    fn refusals_of_the_store_are_pinned_to_the_field_they_are_about() {
        let (_dir, store) = vetdesk_core::Store::open_temp().unwrap();
        vetdesk_testkit::add_team(&store);
        vetdesk_testkit::add_inactive_user(&store, "gone");
        let taken = CandidateFields {
            legal_name: "First".into(),
            external_id: Some("ATS-1".into()),
            ..Default::default()
        };
        store.add_candidate("ada", taken, None).unwrap();

        type Edit = fn(&mut CandidateFields, &mut NewCase);
        #[rustfmt::skip]
        let cases: &[(&str, Edit)] = &[
            ("legal_name", |c, _| c.legal_name = "   ".into()),
            ("external_id", |c, _| c.external_id = Some("ATS-1".into())),
            ("emails", |c, _| c.emails = vec!["not-an-email".into()]),
            ("phones", |c, _| c.phones = vec!["12".into()]),
            ("application_ip", |c, _| c.application_ip = Some("300.1.1.1".into())),
            ("time_zone", |c, _| c.time_zone = Some("Chicago".into())),
            ("applied_on", |c, _| c.applied_on = chrono::NaiveDate::from_ymd_opt(2999, 1, 1)),
            ("vendor_id", |c, _| c.vendor_id = Some(42)),
            ("home_address", |c, _| c.home_address = Some("x".repeat(1001))),
            ("shipping_address", |c, _| c.shipping_address = Some("x".repeat(1001))),
            ("claimed_location", |c, _| c.claimed_location = Some("x".repeat(1001))),
            ("role", |c, _| c.role = Some("x".repeat(301))),
            ("other_names", |c, _| c.other_names = vec!["x".repeat(1001)]),
            ("assignee", |_, k| k.assignee = Some("nobody".into())),
            ("assignee", |_, k| k.assignee = Some("gone".into())),
        ];
        for (field, edit) in cases {
            let mut candidate =
                CandidateFields { legal_name: "Jane Roe".into(), ..Default::default() };
            let mut case = NewCase {
                kind: CaseKind::PreHire,
                assignee: None,
                priority: Priority::Normal,
                due_on: None,
            };
            edit(&mut candidate, &mut case);
            let request = CandidateAdd { candidate, case: Some(case) };
            let error = add(&store, "ada", request).unwrap_err();
            assert_eq!(error.field.as_deref(), Some(*field), "{error}");
        }

        let ok = CandidateAdd {
            candidate: CandidateFields { legal_name: "Jane Roe".into(), ..Default::default() },
            case: None,
        };
        let added = add(&store, "ada", ok).unwrap();
        assert_eq!(added.case_id, None);
        assert_eq!(store.candidate(added.candidate_id).unwrap().fields.legal_name, "Jane Roe");
    }

    /// What the form asks while typing: the store's problems, each at its field, and none for
    /// good values. (These rows were the form's own checks before the store answered them.)
    #[test]
    fn the_form_is_checked_by_the_store_field_by_field() {
        let (_dir, store) = vetdesk_core::Store::open_temp().unwrap();
        let future = (store.clock().now().date() + chrono::Days::new(30)).to_string();
        type Edit = Box<dyn Fn(&mut CandidateFields)>;
        let rows: Vec<(&str, Edit, bool)> = vec![
            ("application_ip", Box::new(|c| c.application_ip = Some("192.168.1.1".into())), false),
            ("application_ip", Box::new(|c| c.application_ip = Some("2001:db8::1".into())), false),
            ("application_ip", Box::new(|c| c.application_ip = Some("256.1.1.1".into())), true),
            ("application_ip", Box::new(|c| c.application_ip = Some("1:2::3::4".into())), true),
            ("time_zone", Box::new(|c| c.time_zone = Some("UTC".into())), false),
            (
                "time_zone",
                Box::new(|c| c.time_zone = Some("America/Argentina/Buenos_Aires".into())),
                false,
            ),
            ("time_zone", Box::new(|c| c.time_zone = Some("Chicago".into())), true),
            ("time_zone", Box::new(|c| c.time_zone = Some("CET".into())), true),
            ("phones", Box::new(|c| c.phones = vec!["+44 20 7946 0958 x12".into()]), false),
            ("phones", Box::new(|c| c.phones = vec!["call me".into()]), true),
            ("emails", Box::new(|c| c.emails = vec!["not an email".into()]), true),
            ("legal_name", Box::new(|c| c.legal_name = "  ".into()), true),
            ("legal_name", Box::new(|c| c.legal_name = "x".repeat(301)), true),
            ("applied_on", Box::new(move |c| c.applied_on = Some(future.parse().unwrap())), true),
        ];
        for (field, edit, refused) in rows {
            let mut fields =
                CandidateFields { legal_name: "Jane Roe".into(), ..Default::default() };
            edit(&mut fields);
            let problems = store.candidate_problems(&fields, None).unwrap();
            let named: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
            if refused {
                assert_eq!(named, [field], "{fields:?}");
            } else {
                assert!(named.is_empty(), "{field}: {problems:?}");
            }
        }
    }
}
