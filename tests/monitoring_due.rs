//! Due dates of the monitoring checklist: the day-one identity match on the start date, the
//! re-verification every N months (a recorded policy value) from it; a missed one raises
//! `posthire.check_overdue`, a result clears it; shown in the case detail and `case show`.
//! In-process with a fixed clock; the CLI as a whole process for `case show`.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Duration, NaiveDate};
use vetdesk_core::Store;
use vetdesk_core::change::{Change, PolicyKey};
use vetdesk_core::employees::HireFields;
use vetdesk_core::model::{CandidateFields, CaseId, ItemResult};
use vetdesk_core::store::HireOf;
use vetdesk_testkit::cli::Cli;
use vetdesk_testkit::*;

const DAY_ONE: &str = "day-one-identity-match";
const REVERIFY: &str = "periodic-reverification";

fn d(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn hire(store: &Store, start: &str) -> CaseId {
    store
        .hire(
            REVIEWER,
            HireOf::Existing {
                person: Box::new(CandidateFields {
                    legal_name: "Rae Worker".into(),
                    claimed_location: Some("Austin, TX".into()),
                    ..CandidateFields::default()
                }),
            },
            HireFields {
                start_on: d(start),
                accounts: vec!["rae@corp.example".into()],
                devices: vec![],
            },
        )
        .unwrap()
        .case_id
}

/// (item, due date, missed) of the dated items in the case detail.
fn dues(store: &Store, case: CaseId) -> Vec<(String, NaiveDate, bool)> {
    store
        .case_detail(case)
        .unwrap()
        .checklist
        .into_iter()
        .filter_map(|e| e.due.map(|due| (e.item.id, due.due_on, due.missed)))
        .collect()
}

/// Open `posthire.check_overdue` flags of the case, by subject.
fn overdue(store: &Store, case: CaseId) -> Vec<(String, String)> {
    store
        .flags(case)
        .unwrap()
        .open
        .into_iter()
        .filter(|f| f.fields.rule == "posthire.check_overdue")
        .map(|f| (f.fields.subject, f.fields.severity.to_string()))
        .collect()
}

fn record(store: &Store, case: CaseId, item: &str) {
    store
        .apply(
            INVESTIGATOR,
            Change::RecordResult {
                case_id: case,
                item_id: item.into(),
                result: ItemResult::Pass,
                note: Some("camera-on call held".into()),
                evidence: vec![],
            },
        )
        .unwrap();
}

#[test]
fn dated_post_hire_items_are_due_from_the_start_date_and_raise_a_flag_when_missed() {
    // t0 is 2026-11-02 09:00 UTC: the worker starts that day.
    let (_dir, store) = team_store();
    let case = hire(&store, "2026-11-02");
    let detail = store.case_detail(case).unwrap();
    assert_eq!(detail.case.template_version, 3, "monitoring cases keep the post-hire items");
    assert_eq!(
        dues(&store, case),
        vec![(DAY_ONE.into(), d("2026-11-02"), false), (REVERIFY.into(), d("2027-05-02"), false)]
    );
    assert!(overdue(&store, case).is_empty());

    // The next day the day-one match has no result: a high flag, raised on refresh.
    store.clock().advance(Duration::days(1));
    store.refresh_flags(INVESTIGATOR, None).unwrap();
    assert_eq!(overdue(&store, case), vec![(DAY_ONE.into(), "high".into())]);
    assert_eq!(dues(&store, case)[0], (DAY_ONE.into(), d("2026-11-02"), true));

    // Recording it clears the flag in the same write.
    record(&store, case, DAY_ONE);
    assert!(overdue(&store, case).is_empty());

    // Six months on, the re-verification is missed.
    store.clock().set("2027-05-03T09:00:00.000Z".parse().unwrap());
    store.refresh_flags(INVESTIGATOR, None).unwrap();
    assert_eq!(overdue(&store, case), vec![(REVERIFY.into(), "medium".into())]);

    // A longer interval, recorded as policy with its reason, moves the date: the flag clears.
    store
        .apply(
            COMPLIANCE,
            Change::SetPolicy {
                key: PolicyKey::ReverificationIntervalMonths,
                value: 12,
                reason: "annual re-verification agreed with counsel".into(),
            },
        )
        .unwrap();
    assert!(overdue(&store, case).is_empty());
    assert_eq!(dues(&store, case)[1], (REVERIFY.into(), d("2027-11-02"), false));

    // Done: the next is due one interval after it.
    record(&store, case, REVERIFY);
    assert_eq!(dues(&store, case)[1], (REVERIFY.into(), d("2028-05-03"), false));

    // Out-of-range policy values are refused whole.
    let before = dump(&store.data_dir().database());
    let e = store
        .apply(
            COMPLIANCE,
            Change::SetPolicy {
                key: PolicyKey::ReverificationIntervalMonths,
                value: 0,
                reason: "x".into(),
            },
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("reverification_interval_months must be between 1 and 24"),
        "{e}"
    );
    assert_eq!(dump(&store.data_dir().database()), before);

    let report = store.verify().unwrap();
    assert!(report.ok, "{report:?}");
}

#[test]
fn case_show_prints_the_due_dates_and_what_was_missed() {
    let cli = Cli::new();
    {
        let store = Store::open(
            vetdesk_core::store::DataDir::new(cli.data()),
            vetdesk_core::store::OpenMode::CreateIfMissing,
            vetdesk_core::store::Clock::system(),
        )
        .unwrap();
        add_team(&store);
    }
    // Started long before today (the CLI reads the system clock): both dated items are missed.
    let hired = cli.json(
        Some(REVIEWER),
        &[
            "hire",
            "--existing",
            "--name",
            "Sam Early",
            "--location",
            "Austin, TX",
            "--start",
            "2025-01-06",
            "--account",
            "sam@corp.example",
        ],
    );
    let case = hired["case_id"].as_i64().unwrap().to_string();
    let flags = cli.json(Some(REVIEWER), &["flags", &case]);
    let subjects: Vec<&str> = flags["open"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "posthire.check_overdue")
        .map(|f| f["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, [DAY_ONE, REVERIFY]);
    let text = cli.ok(Some(REVIEWER), &["case", "show", &case]);
    assert!(text.contains("due: 2025-01-06 — MISSED"), "{text}");
    assert!(text.contains("due: 2025-07-06 — MISSED"), "{text}");
    let json = cli.json(Some(REVIEWER), &["case", "show", &case]);
    let due: Vec<&serde_json::Value> = json["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.get("due").filter(|d| !d.is_null()))
        .collect();
    assert_eq!(due.len(), 2, "{json}");
    assert_eq!(due[0]["due_on"], "2025-01-06");
    assert_eq!(due[0]["missed"], true);
}
