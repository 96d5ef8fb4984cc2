//! Four eyes in solo mode as in team mode: whoever decided a case may not also sign it off, for
//! the decisions the recorded policy names (on by default for rejections and referrals, off for
//! clearances), with a refusal that says why and who may; the UI's prediction of the moves says
//! the same. On both backends.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_core::Store;
use vetdesk_core::change::{Change, PolicyKey};
use vetdesk_core::model::{CaseStatus, Decision};
use vetdesk_core::store::StoreError;
use vetdesk_testkit::*;

fn set_status(
    store: &Store,
    actor: &str,
    case_id: i64,
    status: CaseStatus,
    decision: Option<Decision>,
) -> Result<(), StoreError> {
    let change = Change::SetStatus {
        case_id,
        status,
        decision,
        reason: "four eyes".into(),
        grounds: vec![],
        // The decisions here rest on nothing: the admin decides over the gate.
        override_reason: decision.map(|_| "test set-up".into()),
    };
    store.apply(actor, change).map(drop)
}

/// A new case of the populated store, decided `decision` by the admin.
fn decided(store: &Store, name: &str, decision: Decision) -> i64 {
    let case_id = add_candidate_with_case(
        store,
        candidate_fields(name, &format!("ats-{}", name.replace(' ', "-").to_lowercase())),
        vetdesk_core::model::Priority::Normal,
        None,
    );
    set_status(store, ADMIN, case_id, CaseStatus::Decided, Some(decision)).unwrap();
    case_id
}

fn sign_off_refusal(store: &Store, case_id: i64, actor: &str) -> Option<String> {
    store
        .status_moves(case_id, actor)
        .unwrap()
        .into_iter()
        .find(|m| m.status == CaseStatus::Closed)
        .and_then(|m| m.refused)
}

on_both_backends! {
    #[test]
    fn who_decided_a_rejection_or_referral_may_not_sign_it_off() {
        let (_dir, store) = team_store();
        for (name, decision) in [("Rex Rejected", Decision::Rejected), ("Rhea Referred", Decision::Referred)] {
            let case_id = decided(&store, name, decision);
            let predicted = sign_off_refusal(&store, case_id, ADMIN).expect("the move is refused");
            let err = set_status(&store, ADMIN, case_id, CaseStatus::Closed, None).unwrap_err();
            assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");
            assert_eq!(err.to_string(), predicted, "the prediction is the refusal");
            assert_eq!(
                err.to_string(),
                format!(
                    "ada (admin) may not sign off case {case_id} ({decision}): four eyes, the person who decided a case may not also sign it off; another compliance officer or admin must (policy four_eyes_{decision})"
                )
            );
            assert_eq!(store.case_detail(case_id).unwrap().case.status, CaseStatus::Decided);
            // Another person may.
            assert_eq!(sign_off_refusal(&store, case_id, COMPLIANCE), None);
            set_status(&store, COMPLIANCE, case_id, CaseStatus::Closed, None).unwrap();
            assert_eq!(store.case_detail(case_id).unwrap().case.status, CaseStatus::Closed);
        }
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn four_eyes_is_set_per_decision_by_recorded_policy() {
        let (_dir, store) = team_store();
        // Clearances: off by default.
        let cleared = decided(&store, "Cleo Cleared", Decision::Cleared);
        set_status(&store, ADMIN, cleared, CaseStatus::Closed, None).unwrap();
        let policy = |key: PolicyKey, value: u32| {
            let reason = "compliance committee".to_string();
            store.apply(COMPLIANCE, Change::SetPolicy { key, value, reason }).unwrap();
        };
        policy(PolicyKey::FourEyesCleared, 1);
        policy(PolicyKey::FourEyesRejected, 0);
        let cleared = decided(&store, "Cleo Again", Decision::Cleared);
        let err = set_status(&store, ADMIN, cleared, CaseStatus::Closed, None).unwrap_err();
        assert!(err.to_string().contains("four eyes"), "{err}");
        let rejected = decided(&store, "Rex Again", Decision::Rejected);
        set_status(&store, ADMIN, rejected, CaseStatus::Closed, None).unwrap();
        // A value outside 0..=1 is refused.
        let reason = "typo".to_string();
        let err = store
            .apply(COMPLIANCE, Change::SetPolicy { key: PolicyKey::FourEyesReferred, value: 2, reason })
            .unwrap_err();
        assert!(err.to_string().contains("four_eyes_referred"), "{err}");
        assert!(store.verify().unwrap().ok);
    }
}
