//! Read queries the desktop app asks before it acts: the status moves it may offer, and where
//! a poller of the audit log starts. Each prediction is checked against what `apply` really
//! does, so the UI can never offer a move the store refuses (or hide one it accepts).

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_core::change::{Change, Ground};
use vetdesk_core::model::{CaseStatus, Decision, ItemResult};
use vetdesk_core::store::StoreError;
use vetdesk_testkit::*;

fn set_status(
    store: &vetdesk_core::Store,
    actor: &str,
    case_id: i64,
    status: CaseStatus,
    decision: Option<Decision>,
) -> Result<(), StoreError> {
    let reason = "test".to_string();
    // A rejection or referral cites everything it may: what the status moves assume.
    let grounds = match decision {
        Some(Decision::Rejected | Decision::Referred) => citable(store, case_id),
        _ => vec![],
    };
    let change =
        Change::SetStatus { case_id, status, decision, reason, grounds, override_reason: None };
    store.apply(actor, change).map(|_| ())
}

fn citable(store: &vetdesk_core::Store, case_id: i64) -> Vec<Ground> {
    store
        .status_moves(case_id, ADMIN)
        .unwrap()
        .into_iter()
        .find(|m| m.decision == Some(Decision::Rejected))
        .map(|m| m.citable.into_iter().map(|c| c.ground).collect())
        .unwrap_or_default()
}

/// What else the case has besides its status.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Also {
    Nothing,
    /// A failed checklist item: the case cannot be cleared.
    FailedItem,
    /// An E-Verify case still waiting for its final result, and no other ground: the case
    /// cannot be rejected.
    PendingEVerify,
}

/// Brings the populated case to `status` as an admin (who may make every move).
fn case_in(status: CaseStatus, also: Also) -> (tempfile::TempDir, vetdesk_core::Store, i64) {
    let (dir, store, case_id) = populated();
    if also == Also::PendingEVerify {
        // E-Verify comes after the accepted offer and a complete Form I-9.
        for item in ["offer-accepted", "form-i9-complete"] {
            let change = Change::RecordResult {
                case_id,
                item_id: item.into(),
                result: ItemResult::Pass,
                note: None,
                evidence: vec![],
            };
            store.apply(REVIEWER, change).unwrap();
        }
        let everify = vetdesk_core::verification::EVerifyFields {
            case_number: "2026123456789AB".into(),
            created_on: t0().date(),
            status: vetdesk_core::verification::EVerifyStatus::TentativeNonconfirmation,
            agency: Some(vetdesk_core::verification::MismatchAgency::Ssa),
            mismatch_on: Some(t0().date()),
            notice_given_on: None,
            decision_recorded_on: None,
            employee_contests: None,
            referred_on: None,
            agency_contacted_on: None,
            continuance_since: None,
            followed_up_on: None,
            evidence: vec![],
            note: None,
        };
        store.apply(REVIEWER, Change::RecordEVerify { id: None, case_id, everify }).unwrap();
    }
    if also == Also::FailedItem {
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
        CaseStatus::Decided => &[(CaseStatus::Decided, Some(Decision::Referred))],
        CaseStatus::Closed => {
            &[(CaseStatus::Decided, Some(Decision::Referred)), (CaseStatus::Closed, None)]
        }
    };
    for &(s, d) in path {
        // The decisions of the set-up rest on nothing: the admin decides over the gate;
        // compliance signs off (four eyes: not whoever decided).
        let actor = if s == CaseStatus::Closed { COMPLIANCE } else { ADMIN };
        let change = Change::SetStatus {
            case_id,
            status: s,
            decision: d,
            reason: "set-up".into(),
            grounds: vec![],
            override_reason: d.map(|_| "set-up".into()),
        };
        store.apply(actor, change).unwrap();
    }
    (dir, store, case_id)
}

/// Whether `apply` would take `change`, without keeping it: the change goes in one transaction
/// with a second one that is always refused, so nothing is ever written.
fn apply_would_take(
    store: &vetdesk_core::Store,
    actor: &str,
    change: Change,
) -> Result<(), String> {
    let never =
        Change::SetPriority { case_id: i64::MAX, priority: vetdesk_core::model::Priority::Low };
    match store.apply_all(actor, vec![change, never]) {
        Err(StoreError::NotFound { what: "case", id, .. }) if id == i64::MAX.to_string() => Ok(()),
        Err(e) => Err(e.to_string()),
        Ok(_) => panic!("a change to case {} was accepted", i64::MAX),
    }
}

// The same tests on SQLite (on_sqlite::…) and on PostgreSQL (on_postgres::…).
on_both_backends! {
    #[test]
    fn status_moves_predict_exactly_what_apply_accepts() {
        use Also::*;
        // (from, what else the case has, actor, the moves offered as "status[/decision]")
        #[rustfmt::skip]
        let cases: &[(CaseStatus, Also, &str, &[&str])] = &[
            (CaseStatus::Open, Nothing, REVIEWER, &["in_review", "escalated"]),
            // Nothing checked and nothing against the candidate: no decision stands on anything.
            (CaseStatus::Open, Nothing, INVESTIGATOR, &["in_review", "escalated"]),
            (CaseStatus::Open, FailedItem, INVESTIGATOR,
                &["in_review", "escalated", "decided/rejected", "decided/referred"]),
            // Onboarding reached with its items pending, and nothing to cite (the E-Verify rule
            // itself is walked through in tests/scenarios.rs).
            (CaseStatus::Open, PendingEVerify, INVESTIGATOR, &["in_review", "escalated"]),
            (CaseStatus::InReview, Nothing, REVIEWER, &["open", "escalated"]),
            (CaseStatus::Escalated, Nothing, REVIEWER, &["in_review"]),
            // A decided case moves only by reopening (in review), or by its sign-off.
            (CaseStatus::Decided, Nothing, REVIEWER, &[]),
            (CaseStatus::Decided, Nothing, INVESTIGATOR, &["in_review"]),
            (CaseStatus::Decided, Nothing, COMPLIANCE, &["in_review", "closed"]),
            (CaseStatus::Closed, Nothing, REVIEWER, &[]),
            (CaseStatus::Closed, Nothing, COMPLIANCE, &["in_review"]),
            (CaseStatus::Closed, Nothing, ADMIN, &["in_review"]),
        ];
        for &(from, also, actor, expected) in cases {
            let (_dir, store, case_id) = case_in(from, also);
            let moves = store.status_moves(case_id, actor).unwrap();
            let label = |m: &vetdesk_core::store::StatusMove| match m.decision {
                Some(d) => format!("{}/{d}", m.status),
                None => m.status.to_string(),
            };
            let offered: Vec<String> =
                moves.iter().filter(|m| m.refused.is_none()).map(label).collect();
            assert_eq!(offered, expected, "{from} as {actor} ({also:?})");
            assert!(moves.iter().all(|m| m.status != from), "no move to the same status");

            // Every prediction, taken or refused, against the real thing in a fresh store.
            for m in &moves {
                let (_dir, store, case_id) = case_in(from, also);
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

        let (_dir, empty) = empty_store();
        assert_eq!(empty.audit_last_id().unwrap(), 0);
    }

    #[test]
    fn the_queue_counts_each_case_s_open_flags_and_names_the_worst() {
        let (_dir, store, first) = populated();
        let case_of = |store: &vetdesk_core::Store, id: i64| {
            store.cases(&Default::default()).unwrap().into_iter().find(|c| c.id == id).unwrap()
        };
        let quiet = case_of(&store, first);
        assert_eq!((quiet.open_flags, quiet.top_severity), (0, None));

        // A second candidate giving the first one's phone, and shipping to a private mailbox.
        let mut fields = candidate_fields("Bob Shared", "ATS-2");
        fields.phones = store.candidate(quiet.candidate_id).unwrap().fields.phones;
        assert!(!fields.phones.is_empty(), "the populated candidate has a phone");
        fields.home_address = Some("1 Main St, Chicago, IL 60601".into());
        fields.shipping_address = Some("PMB 12, 500 Oak Ave, Dover, DE 19901".into());
        let case = vetdesk_core::store::NewCase {
            kind: vetdesk_core::model::CaseKind::PreHire,
            assignee: None,
            priority: vetdesk_core::model::Priority::Normal,
            due_on: None,
        };
        let applied = store.add_candidate(REVIEWER, fields, Some(case)).unwrap();
        let Change::OpenCase { id: Some(second), .. } = applied[1].change else { panic!() };

        // Every count matches the case's own flags, as `Store::flags` reads them.
        for id in [first, second] {
            let summary = case_of(&store, id);
            let flags = store.flags(id).unwrap();
            assert_eq!(summary.open_flags as usize, flags.open.len(), "case {id}");
            assert_eq!(summary.top_severity, flags.open.iter().map(|f| f.fields.severity).max());
            assert!(summary.open_flags > 0, "case {id} shares a phone");
        }
        assert!(case_of(&store, second).open_flags > case_of(&store, first).open_flags);
    }

    #[test]
    fn result_options_predict_exactly_what_apply_accepts() {
        let record = |item: &str, result: ItemResult| Change::RecordResult {
            case_id: 0,
            item_id: item.into(),
            result,
            note: None,
            evidence: vec![],
        };
        // (how the case stands, who asks)
        type Setup = fn(&vetdesk_core::Store, i64);
        let at = |c: Change, case_id: i64| match c {
            Change::RecordResult { item_id, result, note, evidence, .. } => {
                Change::RecordResult { case_id, item_id, result, note, evidence }
            }
            other => other,
        };
        #[rustfmt::skip]
        let setups: &[(&str, Setup)] = &[
            ("fresh", |_, _| {}),
            ("offer accepted, Form I-9 done", |s, c| {
                for item in ["offer-accepted", "form-i9-complete"] {
                    let change = Change::RecordResult { case_id: c, item_id: item.into(), result: ItemResult::Pass, note: None, evidence: vec![] };
                    s.apply(REVIEWER, change).unwrap();
                }
            }),
            ("closed", |s, c| {
                complete_for_clearing(s, c);
                set_status(s, ADMIN, c, CaseStatus::Decided, Some(Decision::Cleared)).unwrap();
                set_status(s, ADMIN, c, CaseStatus::Closed, None).unwrap();
            }),
        ];
        for (how, setup) in setups {
            for actor in [REVIEWER, COMPLIANCE] {
                let (_dir, store, case_id) = populated();
                setup(&store, case_id);
                let options = store.result_options(case_id, actor).unwrap();
                let checklist = store.checklist(case_id).unwrap();
                let order: Vec<&str> = checklist.iter().map(|e| e.item.id.as_str()).collect();
                let asked: Vec<&str> = options.iter().map(|o| o.item_id.as_str()).collect();
                assert_eq!(asked, order, "every item, in checklist order");
                for item in &options {
                    assert_eq!(item.options.len(), ItemResult::ALL.len());
                    for option in &item.options {
                        let mut change = at(record(&item.item_id, option.result), case_id);
                        if option.needs_note
                            && let Change::RecordResult { note, .. } = &mut change
                        {
                            *note = Some("deliberately not done".into());
                        }
                        let taken = apply_would_take(&store, actor, change);
                        assert_eq!(
                            option.refused.as_ref().map_or(Ok(()), |why| Err(why.clone())),
                            taken,
                            "{how}, {actor}: {} {}",
                            item.item_id,
                            option.result
                        );
                    }
                }
            }
        }
        // Without its note a waiver is refused, as `needs_note` says.
        let (_dir, store, case_id) = populated();
        let waive = at(record("offer-accepted", ItemResult::Waived), case_id);
        let refused = apply_would_take(&store, COMPLIANCE, waive).unwrap_err();
        assert!(refused.contains("needs a reason"), "{refused}");
    }

    #[test]
    fn permissions_say_what_apply_lets_each_role_do() {
        let (_dir, store, case_id) = populated();
        // A failed item, so that a referral has a ground to cite.
        let failed = Change::RecordResult {
            case_id,
            item_id: "id-two-documents".into(),
            result: ItemResult::Fail,
            note: None,
            evidence: vec![],
        };
        store.apply(REVIEWER, failed).unwrap();
        for actor in [REVIEWER, INVESTIGATOR, COMPLIANCE, ADMIN] {
            let may = store.permissions(actor).unwrap();
            assert_eq!(may.user, actor);
            let vendor = Change::AddVendor { id: None, vendor: vendor_fields("Other Staffing") };
            assert_eq!(apply_would_take(&store, actor, vendor).is_ok(), may.manage_vendors, "{actor}");
            let user = Change::AddUser {
                id: None,
                name: "newbie".into(),
                display_name: "New".into(),
                role: vetdesk_core::model::Role::Reviewer,
            };
            assert_eq!(apply_would_take(&store, actor, user).is_ok(), may.manage_users, "{actor}");
            let vpn = Change::AddVpnProvider { id: None, name: "ExampleVPN".into(), note: None };
            assert_eq!(apply_would_take(&store, actor, vpn).is_ok(), may.manage_lists, "{actor}");
            let decide = Change::SetStatus {
                case_id,
                status: CaseStatus::Decided,
                decision: Some(Decision::Referred),
                reason: "test".into(),
                grounds: citable(&store, case_id),
                override_reason: None,
            };
            assert_eq!(apply_would_take(&store, actor, decide).is_ok(), may.decide, "{actor}");
        }
        assert!(matches!(store.permissions("nobody"), Err(StoreError::UnknownActor(_))));
    }

    #[test]
    fn candidate_problems_are_the_refusals_of_apply_with_their_fields() {
        let (_dir, store, _case_id) = populated();
        let mut fields = candidate_fields("Jane Roe", "ATS-1");
        fields.phones = vec!["12".into()];
        fields.vendor_id = Some(99);
        let problems = store.candidate_problems(&fields, None).unwrap();
        let named: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(named, ["phones", "vendor_id", "external_id"]);
        let refused = store.add_candidate(REVIEWER, fields.clone(), None).unwrap_err();
        assert_eq!(refused.to_string(), problems[0].message);
        assert_eq!(refused.field(), Some(problems[0].field));
        // Editing candidate 1 itself: its own external id is no conflict.
        fields.phones.clear();
        fields.vendor_id = None;
        assert!(store.candidate_problems(&fields, Some(1)).unwrap().is_empty());
        let limits = store.candidate_limits();
        let legal = limits.iter().find(|l| l.field.as_str() == "legal_name").unwrap();
        assert!(legal.required && legal.max_chars == 300 && !legal.list);
    }
}
