//! Policy values that steer red flags are recorded changes: the vendor audit interval is set
//! through the one door by compliance or an admin with a reason, lands in the global chain,
//! re-evaluates the cases it affects in the same transaction, and is compared by `verify`.
//! `config.toml` no longer holds it, so editing a file cannot clear an overdue-vendor flag.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use rusqlite::Connection;
use vetdesk_core::change::{Change, PolicyKey};
use vetdesk_core::model::{Chain, Field, Priority};
use vetdesk_core::store::{Clock, DataDir, OpenMode, ProblemKind, Store, StoreError};
use vetdesk_testkit::cli::{Cli, init_team};
use vetdesk_testkit::*;

const OVERDUE: &str = "vendor.audit_overdue";

fn open_rules(store: &Store, case_id: i64) -> Vec<String> {
    store.flags(case_id).unwrap().open.into_iter().map(|f| f.fields.rule).collect()
}

fn set(store: &Store, actor: &str, value: u32, reason: &str) -> Result<(), StoreError> {
    let key = PolicyKey::VendorAuditIntervalMonths;
    store.apply(actor, Change::SetPolicy { key, value, reason: reason.into() }).map(|_| ())
}

/// A vendor last audited 14 months before the fixture's clock, and a case through it.
fn vendor_case() -> (tempfile::TempDir, Store, i64) {
    let (dir, store) = team_store();
    let mut vendor = vendor_fields("Acme Staffing");
    vendor.last_audit_on = NaiveDate::from_ymd_opt(2025, 9, 1);
    let vendor_id = add_vendor(&store, vendor);
    let mut candidate = candidate_fields("Anna Maria Eriksson", "ATS-1");
    candidate.vendor_id = Some(vendor_id);
    let case_id = add_candidate_with_case(&store, candidate, Priority::Normal, None);
    (dir, store, case_id)
}

#[test]
fn the_vendor_audit_interval_is_a_recorded_change_that_moves_the_flags() {
    let (dir, store, case_id) = vendor_case();
    assert!(open_rules(&store, case_id).contains(&OVERDUE.to_string()), "12 months: overdue");

    // Only compliance or an admin, with a reason, within the allowed range.
    let err = set(&store, REVIEWER, 24, "fewer audits").unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err}");
    let err = set(&store, COMPLIANCE, 24, "  ").unwrap_err();
    assert_eq!(err.field(), Some(Field::Reason), "{err}");
    let err = set(&store, COMPLIANCE, 0, "never").unwrap_err();
    assert_eq!(err.field(), Some(Field::Value), "{err}");
    assert!(err.to_string().contains("between 1 and 60"), "{err}");
    assert!(open_rules(&store, case_id).contains(&OVERDUE.to_string()), "nothing changed");

    later(&store, 5);
    set(&store, COMPLIANCE, 24, "audit committee minute 2026-14: biennial audits").unwrap();
    assert!(!open_rules(&store, case_id).contains(&OVERDUE.to_string()), "24 months: due 2027");
    let global = store.audit(Chain::Global).unwrap();
    let last = global.last().unwrap();
    assert_eq!(last.actor, COMPLIANCE);
    let change: Change = serde_json::from_value(last.change.clone()).unwrap();
    assert!(matches!(change, Change::SetPolicy { value: 24, .. }), "{change:?}");
    let shown = store.policy().unwrap();
    // Every key is listed: the re-verification interval of monitoring cases, the three
    // four-eyes keys and the FCRA waiting period too, at their defaults.
    assert_eq!(shown.len(), 6);
    assert_eq!(shown[0].value, 24);
    assert_eq!(
        (shown[1].key, shown[1].value, shown[1].set.is_none()),
        (PolicyKey::ReverificationIntervalMonths, 6, true)
    );
    assert_eq!(
        (shown[5].key, shown[5].value, shown[5].set.is_none()),
        (PolicyKey::AdverseActionWaitDays, 5, true)
    );
    let by = shown[0].set.as_ref().unwrap();
    assert_eq!(
        (by.by.as_str(), by.reason.as_str()),
        (COMPLIANCE, "audit committee minute 2026-14: biennial audits")
    );
    assert!(store.verify().unwrap().ok);

    // Back to yearly: the flag is raised again, by the rule.
    later(&store, 5);
    set(&store, ADMIN, 12, "the committee reversed it").unwrap();
    assert!(open_rules(&store, case_id).contains(&OVERDUE.to_string()));

    // The value edited behind the store's back is named by verify.
    let conn = Connection::open(dir.path().join("vetdesk.db")).unwrap();
    conn.execute("UPDATE policy SET value = 60 WHERE key = 'vendor_audit_interval_months'", [])
        .unwrap();
    let report = store.verify().unwrap();
    assert!(!report.ok);
    assert!(
        report.problems.iter().any(|p| p.kind == ProblemKind::State
            && p.location == "policy row key=vendor_audit_interval_months"),
        "{:#?}",
        report.problems
    );
}

#[test]
fn config_toml_refuses_the_interval_and_says_where_it_went() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "vendor_audit_interval_months = 36\n").unwrap();
    let err = match Store::open(
        DataDir::new(dir.path()),
        OpenMode::CreateIfMissing,
        Clock::fixed(t0()),
    ) {
        Ok(_) => panic!("a config.toml with the interval was accepted"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("config.toml"), "{err}");
    assert!(err.contains("vetdesk policy set vendor-audit-interval-months"), "{err}");
}

#[test]
fn the_cli_sets_and_shows_policy_and_refuses_a_reviewer() {
    let cli = Cli::new();
    init_team(&cli);
    let out = cli.ok(Some("rita"), &["policy", "show"]);
    assert!(
        out.contains("vendor_audit_interval_months") && out.contains("default (never set)"),
        "{out}"
    );
    let err = cli.fails(
        Some("rita"),
        &["policy", "set", "vendor-audit-interval-months", "24", "--reason", "fewer audits"],
        2,
    );
    assert!(err.contains("rita"), "{err}");
    let err =
        cli.fails(Some("cora"), &["policy", "set", "vendor-interval", "24", "--reason", "x"], 2);
    assert!(err.contains("vendor_audit_interval_months"), "the keys there are: {err}");
    cli.ok(
        Some("cora"),
        &["policy", "set", "vendor-audit-interval-months", "24", "--reason", "biennial audits"],
    );
    let shown = cli.json(Some("rita"), &["policy", "show"]);
    assert_eq!(shown[0]["value"], 24);
    assert_eq!(shown[0]["set"]["by"], "cora");
    let out = cli.ok(Some("rita"), &["policy", "show"]);
    assert!(out.contains("biennial audits"), "{out}");
}
