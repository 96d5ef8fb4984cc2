//! Opening a data directory written by an older Vetdesk migrates it in place and keeps every
//! record verifiable. The fixture was written by schema version 1 (see tests/fixtures/).

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use vetdesk_testkit::copy_dir;

use vetdesk_core::model::Chain;
use vetdesk_core::store::{Clock, DataDir, OpenMode, Store};

#[test]
fn a_version_1_data_directory_opens_migrated_and_verifies_clean() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v1");
    let found: u32 = rusqlite::Connection::open(fixture.join("vetdesk.db"))
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(found, 1, "the fixture must stay a version-1 database");

    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture, dir.path());
    let store =
        Store::open(DataDir::new(dir.path()), OpenMode::MustExist, Clock::system()).unwrap();
    let version: u32 = rusqlite::Connection::open(dir.path().join("vetdesk.db"))
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, store.schema_version());

    let report = store.verify().unwrap();
    assert!(report.ok, "{:#?}", report.problems);
    assert_eq!(report.evidence_files, 1);
    let detail = store.case_detail(1).unwrap();
    assert_eq!(detail.candidate.fields.legal_name, "Anna Maria Eriksson");
    assert_eq!(detail.notes[0].text, "written by schema version 1");
    assert_eq!(detail.vendor.unwrap().fields.name, "Acme Staffing");
    assert_eq!(store.audit(Chain::Case(1)).unwrap().len(), 4);
    // Pending items have no rows any more (schema 3); the checklist is still the whole
    // template, every item without a result pending.
    let pending_rows: i64 = rusqlite::Connection::open(dir.path().join("vetdesk.db"))
        .unwrap()
        .query_row("SELECT count(*) FROM checklist_items WHERE result = 'pending'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(pending_rows, 0);
    assert!(detail.checklist.len() >= 30, "{} items", detail.checklist.len());
    // Progress counts the items that apply to the case now.
    let applicable = detail.checklist.iter().filter(|e| e.applicable).count();
    assert!(applicable < detail.checklist.len(), "post-hire items do not apply before the hire");
    assert_eq!(detail.progress.total as usize, applicable);
    // And it keeps working: a new change lands on the old chain.
    store
        .apply(
            "rita",
            vetdesk_core::Change::AddNote {
                id: None,
                case_id: 1,
                text: "after the upgrade".into(),
            },
        )
        .unwrap();
    let report = store.verify().unwrap();
    assert!(report.ok, "{:#?}", report.problems);
}
