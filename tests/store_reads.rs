//! Read queries the desktop app asks before it acts: the status moves it may offer, and where
//! a poller of the audit log starts. Each prediction is checked against what `apply` really
//! does, so the UI can never offer a move the store refuses (or hide one it accepts).

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use vetdesk::change::Change;
use vetdesk::model::{CaseStatus, Decision, ItemResult};
use vetdesk::store::StoreError;

fn set_status(
    store: &vetdesk::Store,
    actor: &str,
    case_id: i64,
    status: CaseStatus,
    decision: Option<Decision>,
) -> Result<(), StoreError> {
    let reason = "test".to_string();
    store.apply(actor, Change::SetStatus { case_id, status, decision, reason }).map(|_| ())
}

/// Brings the populated case to `status` as an admin (who may make every move).
fn case_in(status: CaseStatus, failed_item: bool) -> (tempfile::TempDir, vetdesk::Store, i64) {
    let (dir, store, case_id) = populated();
    if failed_item {
        let change = Change::RecordResult {
            case_id,
            item_id: "id-two-documents".into(),
            result: ItemResult::Fail,
            note: None,
            evidence: vec![],
        };
        store.apply(REVIEWER, change).unwrap();
    }
    let path: &[(CaseStatus, Option<Decision>)] = match status {
        CaseStatus::Open => &[],
        CaseStatus::InReview => &[(CaseStatus::InReview, None)],
        CaseStatus::Escalated => &[(CaseStatus::Escalated, None)],
        CaseStatus::Decided => &[(CaseStatus::Decided, Some(Decision::Rejected))],
        CaseStatus::Closed => {
            &[(CaseStatus::Decided, Some(Decision::Rejected)), (CaseStatus::Closed, None)]
        }
    };
    for &(s, d) in path {
        set_status(&store, ADMIN, case_id, s, d).unwrap();
    }
    (dir, store, case_id)
}

#[test]
fn status_moves_predict_exactly_what_apply_accepts() {
    // (from, with a failed item, actor, the moves offered as "status[/decision]")
    #[rustfmt::skip]
    let cases: &[(CaseStatus, bool, &str, &[&str])] = &[
        (CaseStatus::Open, false, REVIEWER, &["in_review", "escalated"]),
        (CaseStatus::Open, false, INVESTIGATOR,
            &["in_review", "escalated", "decided/cleared", "decided/rejected", "decided/referred"]),
        (CaseStatus::Open, true, INVESTIGATOR,
            &["in_review", "escalated", "decided/rejected", "decided/referred"]),
        (CaseStatus::InReview, false, REVIEWER, &["open", "escalated"]),
        (CaseStatus::Escalated, false, REVIEWER, &["in_review"]),
        (CaseStatus::Decided, false, REVIEWER, &["in_review", "escalated"]),
        (CaseStatus::Decided, false, INVESTIGATOR, &["in_review", "escalated"]),
        (CaseStatus::Decided, false, COMPLIANCE, &["in_review", "escalated", "closed"]),
        (CaseStatus::Closed, false, REVIEWER, &[]),
        (CaseStatus::Closed, false, COMPLIANCE, &["in_review"]),
        (CaseStatus::Closed, false, ADMIN, &["in_review"]),
    ];
    for &(from, failed, actor, expected) in cases {
        let (_dir, store, case_id) = case_in(from, failed);
        let moves = store.status_moves(case_id, actor).unwrap();
        let label = |m: &vetdesk::store::StatusMove| match m.decision {
            Some(d) => format!("{}/{d}", m.status),
            None => m.status.to_string(),
        };
        let offered: Vec<String> =
            moves.iter().filter(|m| m.refused.is_none()).map(label).collect();
        assert_eq!(offered, expected, "{from} as {actor} (failed item: {failed})");
        assert!(moves.iter().all(|m| m.status != from), "no move to the same status");

        // Every prediction, taken or refused, against the real thing in a fresh store.
        for m in &moves {
            let (_dir, store, case_id) = case_in(from, failed);
            let result = set_status(&store, actor, case_id, m.status, m.decision);
            match (&m.refused, result) {
                (None, Ok(())) => {}
                (Some(why), Err(e)) => assert_eq!(why, &e.to_string(), "{}", label(m)),
                (refused, result) => panic!(
                    "{from} -> {} as {actor}: predicted {refused:?}, apply said {result:?}",
                    label(m)
                ),
            }
        }
    }
}

#[test]
fn status_moves_need_an_active_user_and_a_case() {
    let (_dir, store, case_id) = populated();
    assert!(matches!(store.status_moves(case_id, "nobody"), Err(StoreError::UnknownActor(_))));
    assert!(matches!(store.status_moves(999, REVIEWER), Err(StoreError::NotFound { .. })));
}

#[test]
fn audit_last_id_is_where_polling_for_new_changes_starts() {
    let (_dir, store, case_id) = populated();
    let last = store.audit_last_id().unwrap();
    let all = store.audit_since(0, 10_000).unwrap();
    assert_eq!(last, all.last().unwrap().id);
    assert!(store.audit_since(last, 10).unwrap().is_empty());

    let text = "seen by the poller".to_string();
    store.apply(REVIEWER, Change::AddNote { id: None, case_id, text }).unwrap();
    let new = store.audit_since(last, 10).unwrap();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].id, store.audit_last_id().unwrap());
    assert_eq!(new[0].change["type"], "add_note");

    let (_dir, empty) = common::store();
    assert_eq!(empty.audit_last_id().unwrap(), 0);
}
