//! Two people writing the same case: a change made on a state of the case that someone else's
//! change has altered since is refused with "changed by NAME at TIME, reload", and nothing of it
//! is written. Two store handles on one data directory (SQLite) or one database (PostgreSQL),
//! as two desktops are.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_core::change::Change;
use vetdesk_core::model::{Chain, Priority};
use vetdesk_core::store::{BasedOn, StoreError};
use vetdesk_testkit::*;

fn note(case_id: i64, text: &str) -> Change {
    Change::AddNote { id: None, case_id, text: text.into() }
}

on_both_backends! {
    #[test]
    fn a_change_on_a_state_someone_else_altered_is_refused_naming_them() {
        let (dir, rita_desk, case_id) = populated();
        let ivan_desk = reopen(dir.path());
        // Both read the case as it stands.
        let seen = rita_desk.case_detail(case_id).unwrap().chain_head;
        assert_eq!(ivan_desk.case_detail(case_id).unwrap().chain_head, seen);
        let based_on = BasedOn { case_id, head: seen.clone() };

        later(&ivan_desk, 3);
        let ivans = ivan_desk
            .apply_based_on(INVESTIGATOR, note(case_id, "spoke to the vendor"), Some(&based_on))
            .unwrap();
        let after_ivan = ivan_desk.audit(Chain::Case(case_id)).unwrap();

        // Rita's change was made on the state before Ivan's note.
        let result = Change::SetPriority { case_id, priority: Priority::High };
        let refused = rita_desk.apply_based_on(REVIEWER, result.clone(), Some(&based_on));
        let Err(e @ StoreError::Stale { .. }) = refused else {
            panic!("expected a stale change, got {refused:?}")
        };
        assert_eq!(
            e.to_string(),
            format!("case {case_id} was changed by ivan at {}, reload", ivans.record.at)
        );
        assert_eq!(rita_desk.audit(Chain::Case(case_id)).unwrap(), after_ivan, "nothing written");

        // Read again, the same change goes through; without a head it is not compared.
        let fresh = rita_desk.case_detail(case_id).unwrap().chain_head;
        assert_ne!(fresh, seen);
        rita_desk
            .apply_based_on(REVIEWER, result, Some(&BasedOn { case_id, head: fresh }))
            .unwrap();
        rita_desk.apply(REVIEWER, note(case_id, "no head given")).unwrap();
        // A batch is compared as one: all of it refused on an old head.
        let batch = vec![note(case_id, "one"), note(case_id, "two")];
        let before = rita_desk.audit(Chain::Case(case_id)).unwrap().len();
        let refused = rita_desk.apply_all_based_on(REVIEWER, batch, Some(&based_on));
        assert!(matches!(refused, Err(StoreError::Stale { ref by, .. }) if by == REVIEWER));
        assert_eq!(rita_desk.audit(Chain::Case(case_id)).unwrap().len(), before);
        assert!(rita_desk.verify().unwrap().problems.is_empty());
    }

    #[test]
    fn of_two_people_racing_on_one_head_exactly_one_lands() {
        let (dir, store, case_id) = populated();
        let seen = store.case_detail(case_id).unwrap().chain_head;
        let desks: Vec<_> = [REVIEWER, INVESTIGATOR, COMPLIANCE, ADMIN]
            .into_iter()
            .map(|who| (who, reopen(dir.path())))
            .collect();
        let barrier = std::sync::Barrier::new(desks.len());
        let outcomes: Vec<(&str, Result<_, StoreError>)> = std::thread::scope(|s| {
            let handles: Vec<_> = desks
                .iter()
                .map(|(who, desk)| {
                    let (barrier, seen) = (&barrier, seen.clone());
                    s.spawn(move || {
                        barrier.wait();
                        let based_on = BasedOn { case_id, head: seen };
                        let text = format!("{who} was here");
                        (*who, desk.apply_based_on(who, note(case_id, &text), Some(&based_on)))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let landed: Vec<&str> =
            outcomes.iter().filter(|(_, r)| r.is_ok()).map(|(who, _)| *who).collect();
        assert_eq!(landed.len(), 1, "exactly one change lands: {outcomes:?}");
        for (who, outcome) in &outcomes {
            match outcome {
                Ok(_) => {}
                Err(StoreError::Stale { by, case_id: c, .. }) => {
                    assert_eq!(by, landed[0], "{who} is told who changed it");
                    assert_eq!(*c, case_id);
                }
                Err(e) => panic!("{who}: {e}"),
            }
        }
        let chain = store.audit(Chain::Case(case_id)).unwrap();
        assert_eq!(chain.last().unwrap().prev_hash, seen, "one record on the head all read");
        assert!(store.verify().unwrap().problems.is_empty());
    }
}
