//! The queue a page at a time, on both backends: every filter of the case list (status and
//! "active", assignee and unassigned, vendor and none, overdue, flagged, search), every sort
//! in both directions, the view's total and the counts per status, and pages that split the
//! view without losing or repeating a case. The rows are the same summaries the whole list has.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use vetdesk_core::change::Change;
use vetdesk_core::model::{CandidateFields, CaseKind, CaseStatus, Decision, ItemResult, Priority};
use vetdesk_core::store::{
    AssigneeFilter, CaseFilter, NewCase, QUEUE_PAGE_MAX, QueueQuery, QueueSort, QueueStatus,
    StatusCounts, Store, StoreError, VendorFilter,
};
use vetdesk_testkit::*;

/// Four cases, ids in order a < b < c < d:
/// - a: "anna Berg" (lower case: the order ignores it), vendor Acme, rita, high, due
///   2026-10-01 (overdue on the fixture's day), open, sharing her phone with c (flagged);
/// - b: "Bo Chen", no vendor, unassigned, low, no due date, open, one checklist item passed;
/// - c: "Carla Diaz", vendor Acme, ivan, urgent, due 2026-12-24, escalated, shares a's phone
///   and ships to a private mailbox (more flags than a);
/// - d: "Dev Patel", no vendor, rita, normal, no due date, decided (rejected, on one failed
///   item).
struct Queue {
    _dir: tempfile::TempDir,
    store: Store,
    a: i64,
    b: i64,
    c: i64,
    d: i64,
    acme: i64,
}

/// A candidate with a phone and an address of their own.
fn person(name: &str, external_id: &str, phone: &str, street: &str) -> CandidateFields {
    CandidateFields {
        phones: vec![phone.into()],
        home_address: Some(format!("{street}, Portland, OR 97201")),
        ..candidate_fields(name, external_id)
    }
}

fn queue() -> Queue {
    let (dir, store) = team_store();
    let acme = add_vendor(&store, vendor_fields("Acme Staffing"));
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    let new_case = |assignee: Option<&str>, priority, due_on| NewCase {
        kind: CaseKind::PreHire,
        assignee: assignee.map(str::to_string),
        priority,
        due_on,
    };
    let mut anna = person("anna Berg", "ATS-A", "+1 503 555 0101", "1 Alder St");
    anna.vendor_id = Some(acme);
    let a =
        add_candidate_and_case(&store, anna, new_case(Some(REVIEWER), Priority::High, day(10, 1)));
    let b = add_candidate_and_case(
        &store,
        person("Bo Chen", "ATS-B", "+1 503 555 0102", "2 Birch St"),
        new_case(None, Priority::Low, None),
    );
    let mut carla = person("Carla Diaz", "ATS-C", "+1 503 555 0103", "3 Cedar St");
    carla.vendor_id = Some(acme);
    carla.phones = store.candidate(store.case(a).unwrap().candidate_id).unwrap().fields.phones;
    carla.shipping_address = Some("PMB 12, 500 Oak Ave, Dover, DE 19901".into());
    let c = add_candidate_and_case(
        &store,
        carla,
        new_case(Some(INVESTIGATOR), Priority::Urgent, day(12, 24)),
    );
    let d = add_candidate_and_case(
        &store,
        person("Dev Patel", "ATS-D", "+1 503 555 0104", "4 Dogwood St"),
        new_case(Some(REVIEWER), Priority::Normal, None),
    );
    let status = |case_id, status, decision, grounds| Change::SetStatus {
        case_id,
        status,
        decision,
        reason: "as the test needs".into(),
        grounds,
        override_reason: None,
    };
    store.apply(INVESTIGATOR, status(c, CaseStatus::Escalated, None, vec![])).unwrap();
    let grounds = grounds_for(&store, d);
    store
        .apply(COMPLIANCE, status(d, CaseStatus::Decided, Some(Decision::Rejected), grounds))
        .unwrap();
    let pass = Change::RecordResult {
        case_id: b,
        item_id: "id-two-documents".into(),
        result: ItemResult::Pass,
        note: None,
        evidence: vec![],
    };
    store.apply(REVIEWER, pass).unwrap();
    Queue { _dir: dir, store, a, b, c, d, acme }
}

fn ids(store: &Store, query: QueueQuery) -> Vec<i64> {
    store
        .queue_page(&QueueQuery { limit: QUEUE_PAGE_MAX, ..query })
        .unwrap()
        .cases
        .iter()
        .map(|c| c.id)
        .collect()
}

fn sorted(store: &Store, sort: QueueSort, descending: bool) -> Vec<i64> {
    ids(store, QueueQuery { sort, descending, ..QueueQuery::default() })
}

on_both_backends! {
    #[test]
    fn each_filter_of_the_view_is_answered_by_the_store() {
        let Queue { store, a, b, c, d, acme, .. } = queue();
        let q = QueueQuery::default;
        assert_eq!(ids(&store, q()), vec![a, b, c, d]);
        assert_eq!(ids(&store, QueueQuery { status: Some(QueueStatus::Active), ..q() }), vec![a, b, c]);
        assert_eq!(ids(&store, QueueQuery { status: Some(QueueStatus::Escalated), ..q() }), vec![c]);
        assert_eq!(ids(&store, QueueQuery { status: Some(QueueStatus::Decided), ..q() }), vec![d]);
        assert_eq!(ids(&store, QueueQuery { status: Some(QueueStatus::Closed), ..q() }), Vec::<i64>::new());
        let rita = AssigneeFilter::User(REVIEWER.into());
        assert_eq!(ids(&store, QueueQuery { assignee: rita.clone(), ..q() }), vec![a, d]);
        // "My active cases", as the queue opens.
        assert_eq!(
            ids(&store, QueueQuery { assignee: rita, status: Some(QueueStatus::Active), ..q() }),
            vec![a]
        );
        assert_eq!(ids(&store, QueueQuery { assignee: AssigneeFilter::Unassigned, ..q() }), vec![b]);
        assert_eq!(ids(&store, QueueQuery { vendor: VendorFilter::Vendor(acme), ..q() }), vec![a, c]);
        assert_eq!(ids(&store, QueueQuery { vendor: VendorFilter::None, ..q() }), vec![b, d]);
        assert_eq!(ids(&store, QueueQuery { overdue: true, ..q() }), vec![a]);
        assert_eq!(ids(&store, QueueQuery { flagged: true, ..q() }), vec![a, c]);
        assert_eq!(ids(&store, QueueQuery { search: Some("Chen".into()), ..q() }), vec![b]);
        // A hit on a phone number is a hit on every candidate that gave it.
        let phone = store.candidate(store.case(a).unwrap().candidate_id).unwrap().fields.phones[0].clone();
        assert_eq!(ids(&store, QueueQuery { search: Some(phone), ..q() }), vec![a, c]);
        assert_eq!(ids(&store, QueueQuery { search: Some("Nobodyhere".into()), ..q() }), Vec::<i64>::new());
        // Blank search is no search.
        assert_eq!(ids(&store, QueueQuery { search: Some("  ".into()), ..q() }), vec![a, b, c, d]);
        // Filters together.
        assert_eq!(
            ids(&store, QueueQuery { vendor: VendorFilter::Vendor(acme), flagged: true, status: Some(QueueStatus::Escalated), ..q() }),
            vec![c]
        );
    }

    #[test]
    fn every_sort_in_both_directions_breaks_ties_on_the_case_number() {
        let Queue { store, a, b, c, d, .. } = queue();
        let both = |sort, ascending: Vec<i64>| {
            assert_eq!(sorted(&store, sort, false), ascending, "{sort} ascending");
            let mut descending = ascending;
            descending.reverse();
            assert_eq!(sorted(&store, sort, true), descending, "{sort} descending");
        };
        both(QueueSort::Id, vec![a, b, c, d]);
        // Case is ignored: "anna" comes before "Bo".
        both(QueueSort::Candidate, vec![a, b, c, d]);
        both(QueueSort::Status, vec![a, b, c, d]);
        // Unassigned last.
        both(QueueSort::Assignee, vec![c, a, d, b]);
        // Direct hires last.
        both(QueueSort::Vendor, vec![a, c, b, d]);
        both(QueueSort::Priority, vec![b, d, a, c]);
        // Without a due date last.
        both(QueueSort::Due, vec![a, c, b, d]);
        // Unflagged first, then a (fewer open flags) before c.
        let flags = |id| store.flags(id).unwrap().open.len();
        assert!(flags(c) > flags(a) && flags(a) > 0 && flags(b) == 0 && flags(d) == 0);
        both(QueueSort::Flags, vec![b, d, a, c]);
        // a and c have nothing done; b and d one item each (d's failed, for its decision): the
        // same share, so the case number decides.
        let whole = store.cases(&CaseFilter::default()).unwrap();
        let share = |id: i64| {
            let p = whole.iter().find(|c| c.id == id).unwrap().progress;
            f64::from(p.done) / f64::from(p.total.max(1))
        };
        assert!(share(a) == 0.0 && share(c) == 0.0 && share(b) > 0.0 && share(d) == share(b));
        both(QueueSort::Progress, vec![a, c, b, d]);
        let updated: Vec<i64> = {
            let mut all = whole.clone();
            all.sort_by(|x, y| x.updated_at.cmp(&y.updated_at).then(x.id.cmp(&y.id)));
            all.iter().map(|c| c.id).collect()
        };
        both(QueueSort::Updated, updated);
    }

    #[test]
    fn pages_split_the_view_and_carry_its_total_and_counts_per_status() {
        let Queue { store, a, b, c, d, acme, .. } = queue();
        let page = |offset, limit| {
            store
                .queue_page(&QueueQuery { sort: QueueSort::Candidate, descending: true, offset, limit, ..QueueQuery::default() })
                .unwrap()
        };
        let first = page(0, 3);
        assert_eq!(first.cases.iter().map(|c| c.id).collect::<Vec<_>>(), vec![d, c, b]);
        assert_eq!((first.total, first.cases_in_store, first.offset), (4, 4, 0));
        let rest = page(3, 3);
        assert_eq!(rest.cases.iter().map(|c| c.id).collect::<Vec<_>>(), vec![a]);
        assert_eq!((rest.total, rest.offset), (4, 3));
        assert!(page(4, 3).cases.is_empty());
        assert_eq!(
            first.counts,
            StatusCounts { all: 4, active: 3, open: 2, in_review: 0, escalated: 1, decided: 1, closed: 0 }
        );
        // The progress order pages the same way as the others.
        let progress = |offset| {
            store
                .queue_page(&QueueQuery { sort: QueueSort::Progress, offset, limit: 2, ..QueueQuery::default() })
                .unwrap()
                .cases
                .iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        };
        assert_eq!((progress(0), progress(2)), (vec![a, c], vec![b, d]));

        // Every case number of the view in its order, beside the page, only when asked for.
        assert_eq!(first.ids, None);
        for sort in [QueueSort::Candidate, QueueSort::Progress] {
            let with_ids = store
                .queue_page(&QueueQuery { sort, descending: true, offset: 1, limit: 1, with_ids: true, ..QueueQuery::default() })
                .unwrap();
            let order = ids(&store, QueueQuery { sort, descending: true, ..QueueQuery::default() });
            assert_eq!(with_ids.ids.as_deref(), Some(&order[..]), "{sort}");
            assert_eq!(with_ids.cases.iter().map(|c| c.id).collect::<Vec<_>>(), vec![order[1]], "{sort}");
        }

        // The counts leave the status out (they are the numbers beside each status choice);
        // the total is the view's.
        let acme_active = store
            .queue_page(&QueueQuery { vendor: VendorFilter::Vendor(acme), status: Some(QueueStatus::Active), limit: 10, ..QueueQuery::default() })
            .unwrap();
        assert_eq!(acme_active.total, 2);
        assert_eq!(acme_active.cases_in_store, 4);
        assert_eq!(
            acme_active.counts,
            StatusCounts { all: 2, active: 2, open: 1, in_review: 0, escalated: 1, decided: 0, closed: 0 }
        );
        let searched = store
            .queue_page(&QueueQuery { search: Some("Patel".into()), status: Some(QueueStatus::Active), limit: 10, ..QueueQuery::default() })
            .unwrap();
        assert_eq!((searched.total, searched.counts.all, searched.counts.decided), (0, 1, 1));
    }

    #[test]
    fn a_page_holds_the_same_rows_as_the_whole_list() {
        let Queue { store, .. } = queue();
        let whole = store.cases(&CaseFilter::default()).unwrap();
        let page = store.queue_page(&QueueQuery { limit: 10, ..QueueQuery::default() }).unwrap();
        assert_eq!(page.cases, whole);
        assert!(page.cases.iter().any(|c| c.progress.done == 1 && c.progress.passed == 1));
        assert!(page.cases.iter().any(|c| c.overdue && c.open_flags > 0 && c.vendor_name.as_deref() == Some("Acme Staffing")));
    }

    #[test]
    fn a_page_size_out_of_bounds_is_refused_naming_the_limit() {
        let Queue { store, .. } = queue();
        for limit in [0, QUEUE_PAGE_MAX + 1] {
            let error = store.queue_page(&QueueQuery { limit, ..QueueQuery::default() }).unwrap_err();
            assert!(matches!(error, StoreError::Invalid { .. }), "{error:?}");
            assert_eq!(error.to_string(), format!("queue page: limit must be 1 to 1000 rows, not {limit}"));
        }
    }
}
