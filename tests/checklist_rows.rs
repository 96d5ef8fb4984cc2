//! A case's checklist is its template version plus the results recorded: opening a case writes
//! no row per item, a recorded result writes one, and recording pending again removes it. The
//! checklist read back is the whole template either way, and `verify` replays it.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_core::model::ItemResult;
use vetdesk_testkit::{COMPLIANCE, REVIEWER, case_for, team_store, try_record};

fn rows(store: &vetdesk_core::Store, case_id: i64) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(store.data_dir().database()).unwrap();
    let mut stmt = conn
        .prepare("SELECT item_id, result FROM checklist_items WHERE case_id = ?1 ORDER BY item_id")
        .unwrap();
    stmt.query_map([case_id], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

fn record(store: &vetdesk_core::Store, who: &str, case_id: i64, item: &str, result: ItemResult) {
    try_record(store, who, case_id, item, result, Some("seen")).unwrap();
}

#[test]
fn only_recorded_results_have_rows_and_the_checklist_is_still_whole() {
    let (_dir, store) = team_store();
    let case_id = case_for(&store, "Jane Roe");
    assert_eq!(rows(&store, case_id), [], "a new case writes no pending rows");
    let checklist = store.checklist(case_id).unwrap();
    assert!(checklist.len() >= 30, "{} items", checklist.len());
    assert!(checklist.iter().all(|e| e.state.result == ItemResult::Pending));
    let order: Vec<String> = checklist.iter().map(|e| e.item.id.clone()).collect();

    let item = order[1].clone();
    record(&store, REVIEWER, case_id, &item, ItemResult::Pass);
    assert_eq!(rows(&store, case_id), [(item.clone(), "pass".to_string())]);
    let after = store.checklist(case_id).unwrap();
    assert_eq!(after.iter().map(|e| e.item.id.clone()).collect::<Vec<_>>(), order, "same order");
    assert_eq!(after[1].state.result, ItemResult::Pass);
    assert_eq!(after[1].state.recorded_by.as_deref(), Some(REVIEWER));
    // The queue counts what the case counts: the items that apply now, not the template.
    let summary = store.cases(&Default::default()).unwrap().pop().unwrap();
    let detail = store.case_detail(case_id).unwrap();
    assert_eq!(summary.progress, detail.progress);
    let applicable = after.iter().filter(|e| e.applicable).count();
    assert!(applicable < order.len(), "post-hire items do not apply to a new pre-hire case");
    assert_eq!((summary.progress.total as usize, summary.progress.done), (applicable, 1));

    record(&store, REVIEWER, case_id, &item, ItemResult::Fail);
    assert_eq!(rows(&store, case_id), [(item.clone(), "fail".to_string())], "updated in place");
    // A failure is a finding: only compliance takes it back.
    record(&store, COMPLIANCE, case_id, &item, ItemResult::Pending);
    assert_eq!(rows(&store, case_id), [], "pending again: no result, no row");
    assert!(
        store.checklist(case_id).unwrap().iter().all(|e| e.state.result == ItemResult::Pending)
    );

    let report = store.verify().unwrap();
    assert!(report.ok, "{:#?}", report.problems);
}
