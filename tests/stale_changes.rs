//! Two people writing the same case: a change made on a state of the case that someone else's
//! change has altered since, in what the change rests on, is refused with "changed by NAME at
//! TIME, reload", and nothing of it is written. What a change rests on is the store's rule
//! (`store/stale.rs`): a checklist result its item, an assignment the assignee, a priority the
//! priority, a status move the whole case; a note nothing. Two store handles on one data
//! directory (SQLite) or one database (PostgreSQL), as two desktops are.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_core::Store;
use vetdesk_core::change::Change;
use vetdesk_core::model::{CaseStatus, Chain, ItemResult, Priority};
use vetdesk_core::store::{BasedOn, StoreError};
use vetdesk_core::verification::Triage;
use vetdesk_testkit::*;

fn note(case_id: i64, text: &str) -> Change {
    Change::AddNote { id: None, case_id, text: text.into() }
}

fn result(case_id: i64, item: &str, result: ItemResult) -> Change {
    Change::RecordResult { case_id, item_id: item.into(), result, note: None, evidence: vec![] }
}

/// The case's chain head as a page reads it.
fn read(desk: &Store, case_id: i64) -> BasedOn {
    BasedOn { case_id, head: desk.case_detail(case_id).unwrap().chain_head }
}

fn item_result(desk: &Store, case_id: i64, item: &str) -> ItemResult {
    let detail = desk.case_detail(case_id).unwrap();
    detail.checklist.iter().find(|e| e.item.id == item).unwrap().state.result
}

on_both_backends! {
    #[test]
    fn a_status_move_on_a_state_someone_else_altered_is_refused_naming_them() {
        let (dir, rita_desk, case_id) = populated();
        let ivan_desk = reopen(dir.path());
        // Both read the case as it stands.
        let based_on = read(&rita_desk, case_id);
        assert_eq!(read(&ivan_desk, case_id), based_on);

        later(&ivan_desk, 3);
        let ivans = ivan_desk
            .apply_based_on(INVESTIGATOR, note(case_id, "spoke to the vendor"), Some(&based_on))
            .unwrap();
        let after_ivan = ivan_desk.audit(Chain::Case(case_id)).unwrap();

        // Rita's move was made on the case before Ivan's note: a status rests on all of it.
        let review = Change::SetStatus {
            case_id,
            status: CaseStatus::InReview,
            decision: None,
            reason: "starting review".into(),
            grounds: vec![],
            override_reason: None,
        };
        let refused = rita_desk.apply_based_on(REVIEWER, review.clone(), Some(&based_on));
        let Err(e @ StoreError::Stale { .. }) = refused else {
            panic!("expected a stale change, got {refused:?}")
        };
        assert_eq!(
            e.to_string(),
            format!("case {case_id} was changed by ivan at {}, reload", ivans.record.at.readable())
        );
        assert_eq!(rita_desk.audit(Chain::Case(case_id)).unwrap(), after_ivan, "nothing written");

        // Read again, the same move goes through; without a head it is not compared.
        let fresh = read(&rita_desk, case_id);
        assert_ne!(fresh, based_on);
        rita_desk.apply_based_on(REVIEWER, review, Some(&fresh)).unwrap();
        rita_desk.apply(REVIEWER, note(case_id, "no head given")).unwrap();
        // A batch is compared as one: a move in it refuses all of it on an old head, even when
        // the newer records are the mover's own.
        let batch = vec![note(case_id, "one"), Change::SetPriority { case_id, priority: Priority::High }];
        let before = rita_desk.audit(Chain::Case(case_id)).unwrap().len();
        let move_back = Change::SetStatus {
            case_id,
            status: CaseStatus::Open,
            decision: None,
            reason: "not yet".into(),
            grounds: vec![],
            override_reason: None,
        };
        let refused = rita_desk.apply_all_based_on(
            REVIEWER,
            [batch, vec![move_back]].concat(),
            Some(&fresh),
        );
        assert!(matches!(refused, Err(StoreError::Stale { ref by, .. }) if by == REVIEWER));
        assert_eq!(rita_desk.audit(Chain::Case(case_id)).unwrap().len(), before);
        assert!(rita_desk.verify().unwrap().problems.is_empty());
    }

    #[test]
    fn a_result_over_someone_elses_newer_result_of_the_item_is_refused() {
        let (dir, rita_desk, case_id) = populated();
        let ivan_desk = reopen(dir.path());
        let based_on = read(&rita_desk, case_id);

        later(&ivan_desk, 3);
        let ivans = ivan_desk
            .apply_based_on(
                INVESTIGATOR,
                result(case_id, "live-video-interview", ItemResult::Pass),
                Some(&based_on),
            )
            .unwrap();
        let after_ivan = ivan_desk.audit(Chain::Case(case_id)).unwrap();

        // Rita's page still shows the item pending: her fail would overwrite Ivan's pass.
        let refused = rita_desk.apply_based_on(
            REVIEWER,
            result(case_id, "live-video-interview", ItemResult::Fail),
            Some(&based_on),
        );
        let Err(e @ StoreError::Stale { .. }) = refused else {
            panic!("expected a stale change, got {refused:?}")
        };
        assert_eq!(
            e.to_string(),
            format!(
                "checklist item live-video-interview of case {case_id} was changed by ivan at {}, \
                 reload",
                ivans.record.at.readable()
            )
        );
        assert_eq!(rita_desk.audit(Chain::Case(case_id)).unwrap(), after_ivan, "nothing written");
        assert_eq!(item_result(&rita_desk, case_id, "live-video-interview"), ItemResult::Pass);

        // Another item, a note, on the same old head: nobody else changed what they rest on.
        rita_desk
            .apply_based_on(REVIEWER, result(case_id, "offer-accepted", ItemResult::Pass), Some(&based_on))
            .unwrap();
        rita_desk.apply_based_on(REVIEWER, note(case_id, "ID seen"), Some(&based_on)).unwrap();
        // Her own newer result is no one else's: a second key before the page read the first
        // back goes through.
        rita_desk
            .apply_based_on(REVIEWER, result(case_id, "offer-accepted", ItemResult::Fail), Some(&based_on))
            .unwrap();
        assert_eq!(item_result(&rita_desk, case_id, "offer-accepted"), ItemResult::Fail);

        // A batch with the stale item in it is refused whole.
        let before = rita_desk.audit(Chain::Case(case_id)).unwrap().len();
        let batch = vec![
            result(case_id, "form-i9-complete", ItemResult::NotApplicable),
            result(case_id, "live-video-interview", ItemResult::NotApplicable),
        ];
        let refused = rita_desk.apply_all_based_on(REVIEWER, batch, Some(&based_on));
        assert!(matches!(refused, Err(StoreError::Stale { ref by, .. }) if by == INVESTIGATOR));
        assert_eq!(rita_desk.audit(Chain::Case(case_id)).unwrap().len(), before);
        assert_eq!(item_result(&rita_desk, case_id, "form-i9-complete"), ItemResult::Pending);

        // Read again, her fail goes through.
        rita_desk
            .apply_based_on(
                REVIEWER,
                result(case_id, "live-video-interview", ItemResult::Fail),
                Some(&read(&rita_desk, case_id)),
            )
            .unwrap();
        assert_eq!(item_result(&rita_desk, case_id, "live-video-interview"), ItemResult::Fail);
        assert!(rita_desk.verify().unwrap().problems.is_empty());
    }

    #[test]
    fn assignment_priority_and_due_date_rest_on_their_own_field() {
        let (dir, rita_desk, case_id) = populated();
        let ivan_desk = reopen(dir.path());
        let cora_desk = reopen(dir.path());
        let based_on = read(&rita_desk, case_id);

        later(&ivan_desk, 3);
        let ivans = ivan_desk
            .apply_based_on(
                INVESTIGATOR,
                Change::SetPriority { case_id, priority: Priority::Urgent },
                Some(&based_on),
            )
            .unwrap();
        // Rita hands the case on, on the old head: the assignee was not changed since.
        rita_desk
            .apply_based_on(
                REVIEWER,
                Change::AssignCase { case_id, assignee: Some(ADMIN.into()) },
                Some(&based_on),
            )
            .unwrap();
        // Her priority would undo Ivan's.
        let refused = rita_desk.apply_based_on(
            REVIEWER,
            Change::SetPriority { case_id, priority: Priority::Low },
            Some(&based_on),
        );
        let Err(e @ StoreError::Stale { .. }) = refused else {
            panic!("expected a stale change, got {refused:?}")
        };
        assert_eq!(
            e.to_string(),
            format!("the priority of case {case_id} was changed by ivan at {}, reload", ivans.record.at.readable())
        );
        // Cora, on the same old head, would hand the case to someone else over Rita's assignment.
        let refused = cora_desk.apply_based_on(
            COMPLIANCE,
            Change::AssignCase { case_id, assignee: Some(INVESTIGATOR.into()) },
            Some(&based_on),
        );
        assert!(
            matches!(refused, Err(StoreError::Stale { ref by, ref what, .. })
                if by == REVIEWER && what == &format!("the assignee of case {case_id}")),
            "{refused:?}"
        );
        // Nobody changed the due date.
        let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
        cora_desk
            .apply_based_on(COMPLIANCE, Change::SetDueDate { case_id, due_on: Some(due) }, Some(&based_on))
            .unwrap();
        let case = rita_desk.case_detail(case_id).unwrap().case;
        assert_eq!((case.priority, case.assignee.as_deref()), (Priority::Urgent, Some(ADMIN)));
        assert!(rita_desk.verify().unwrap().problems.is_empty());
    }

    #[test]
    fn a_triage_over_someone_elses_newer_triage_of_the_flag_is_refused() {
        // Two candidates giving the same phone and address: each case has open flags.
        let (dir, ivan_desk) = team_store();
        let case_id = add_candidate_with_case(
            &ivan_desk,
            candidate_fields("Anna Maria Eriksson", "ATS-1"),
            Priority::Normal,
            None,
        );
        add_candidate_with_case(&ivan_desk, candidate_fields("Bo Berg", "ATS-2"), Priority::Normal, None);
        let cora_desk = reopen(dir.path());
        let open = ivan_desk.flags(case_id).unwrap().open;
        assert!(open.len() >= 2, "{open:?}");
        let (first, second) = (open[0].id, open[1].id);
        let based_on = read(&cora_desk, case_id);
        let triage = |flag_id, triage| Change::TriageFlag { case_id, flag_id, triage, reason: None };

        later(&ivan_desk, 3);
        ivan_desk
            .apply_based_on(INVESTIGATOR, triage(first, Triage::Confirmed), Some(&based_on))
            .unwrap();
        // Cora's page still shows the flag untriaged: her reading would replace Ivan's.
        let refused =
            cora_desk.apply_based_on(COMPLIANCE, triage(first, Triage::Acknowledged), Some(&based_on));
        assert!(
            matches!(refused, Err(StoreError::Stale { ref by, ref what, .. })
                if by == INVESTIGATOR && what == &format!("flag {first} of case {case_id}")),
            "{refused:?}"
        );
        let flags = cora_desk.flags(case_id).unwrap().open;
        let kept = flags.iter().find(|f| f.id == first).unwrap();
        assert_eq!(kept.triage, Some(Triage::Confirmed));
        // The other flag was not touched since.
        cora_desk
            .apply_based_on(COMPLIANCE, triage(second, Triage::Acknowledged), Some(&based_on))
            .unwrap();
        assert!(cora_desk.verify().unwrap().problems.is_empty());
    }

    #[test]
    fn of_people_racing_on_one_head_exactly_one_result_of_an_item_lands_and_every_note_does() {
        let (dir, store, case_id) = populated();
        let seen = read(&store, case_id);
        let desks: Vec<_> = [REVIEWER, INVESTIGATOR, COMPLIANCE, ADMIN]
            .into_iter()
            .map(|who| (who, reopen(dir.path())))
            .collect();
        let barrier = std::sync::Barrier::new(desks.len());
        let outcomes: Vec<(&str, Result<_, StoreError>, Result<_, StoreError>)> =
            std::thread::scope(|s| {
                let handles: Vec<_> = desks
                    .iter()
                    .enumerate()
                    .map(|(n, (who, desk))| {
                        let (barrier, seen) = (&barrier, seen.clone());
                        s.spawn(move || {
                            barrier.wait();
                            let outcome = if n % 2 == 0 { ItemResult::Pass } else { ItemResult::Fail };
                            let item = result(case_id, "live-video-interview", outcome);
                            let text = format!("{who} was here");
                            let noted = desk.apply_based_on(who, note(case_id, &text), Some(&seen));
                            (*who, desk.apply_based_on(who, item, Some(&seen)), noted)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
        let landed: Vec<&str> =
            outcomes.iter().filter(|(_, r, _)| r.is_ok()).map(|(who, _, _)| *who).collect();
        assert_eq!(landed.len(), 1, "exactly one result lands: {outcomes:?}");
        for (who, outcome, noted) in &outcomes {
            assert!(noted.is_ok(), "{who}'s note lands: {noted:?}");
            match outcome {
                Ok(_) => {}
                Err(StoreError::Stale { by, case_id: c, .. }) => {
                    assert_eq!(by, landed[0], "{who} is told who changed it");
                    assert_eq!(*c, case_id);
                }
                Err(e) => panic!("{who}: {e}"),
            }
        }
        let recorded = item_result(&store, case_id, "live-video-interview");
        let winner = desks.iter().position(|(who, _)| *who == landed[0]).unwrap();
        assert_eq!(recorded, if winner % 2 == 0 { ItemResult::Pass } else { ItemResult::Fail });
        assert!(store.verify().unwrap().problems.is_empty());
    }
}
