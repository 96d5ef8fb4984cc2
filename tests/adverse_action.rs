//! Adverse action under the FCRA, on both backends: the pre-adverse-action notice, the waiting
//! period counted in business days against a fixed clock (weekends and federal holidays
//! skipped), the rejection citing the background report refused until the wait is over, the
//! adverse-action notice; every step out of order refused; both notices read back with
//! `pdftotext`; the notices kept as evidence; `verify` clean afterwards.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use vetdesk_core::change::{Change, Ground, PolicyKey, ReportingAgency};
use vetdesk_core::model::{CaseStatus, Chain, Decision, Timestamp};
use vetdesk_core::store::{NoticeDraft, Store, StoreError};
use vetdesk_export::adverse::{adverse_notice_pdf, pre_adverse_notice_pdf};
use vetdesk_testkit::cli::{Cli, init_team};
use vetdesk_testkit::*;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn day(text: &str) -> chrono::NaiveDate {
    text.parse().unwrap()
}

fn agency() -> ReportingAgency {
    ReportingAgency {
        name: "Lakeshore Screening Services".into(),
        address: "400 Harbor Drive, Suite 12, Duluth, MN 55802".into(),
        phone: "+1 800 555 0142".into(),
    }
}

/// The report and the summary of rights as the candidate receives them.
fn files(dir: &Path) -> (PathBuf, PathBuf) {
    let report = dir.join("background-report.txt");
    std::fs::write(&report, "Consumer report: county criminal search, employment history.\n")
        .unwrap();
    let summary = dir.join("summary-of-rights.txt");
    std::fs::write(&summary, "A Summary of Your Rights Under the Fair Credit Reporting Act\n")
        .unwrap();
    (report, summary)
}

type Rendered = Result<Vec<u8>, Box<dyn std::error::Error>>;

fn pre_render(d: &NoticeDraft) -> Rendered {
    pre_adverse_notice_pdf(d).map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
}

fn notice_render(d: &NoticeDraft) -> Rendered {
    adverse_notice_pdf(d).map_err(|e| Box::new(e) as Box<dyn std::error::Error>)
}

fn pre_notice(store: &Store, actor: &str, case: i64, dir: &Path) -> Result<(), StoreError> {
    let (report, summary) = files(dir);
    store.pre_adverse_notice(actor, case, agency(), &report, &summary, &pre_render).map(|_| ())
}

fn notice(store: &Store, case: i64) -> Result<(), StoreError> {
    store.adverse_notice(COMPLIANCE, case, &notice_render).map(|_| ())
}

fn reject_on_report(store: &Store, case: i64) -> Result<(), StoreError> {
    store
        .apply(
            COMPLIANCE,
            Change::SetStatus {
                case_id: case,
                status: CaseStatus::Decided,
                decision: Some(Decision::Rejected),
                reason: "the report shows an identity that is not the applicant's".into(),
                grounds: vec![Ground::BackgroundReport],
                override_reason: None,
            },
        )
        .map(|_| ())
}

fn refused(result: Result<(), StoreError>, needle: &str) {
    let err = result.expect_err(needle).to_string();
    assert!(err.contains(needle), "{err:?} should say {needle:?}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
}

/// The text of an evidence file of a case, read back with `pdftotext`.
fn pdf_text(store: &Store, evidence: i64, dir: &Path) -> String {
    let path = dir.join(format!("evidence-{evidence}.pdf"));
    store.export_evidence(evidence, &path, true).unwrap();
    flowing(&tool("pdftotext", &[path.to_str().unwrap(), "-"]))
}

on_both_backends! {
    #[test]
    fn the_steps_run_in_order_with_the_wait_in_business_days_and_the_notices_as_evidence() {
        let (_dir, store, case) = populated();
        let uploads = tempfile::tempdir().unwrap();
        // Monday 9 November 2026; Wednesday 11 November is Veterans Day.
        store.clock().set(at("2026-11-09T09:00:00.000Z"));

        refused(notice(&store, case), "no pre-adverse-action notice");
        refused(reject_on_report(&store, case), "no pre-adverse-action notice");
        // A reviewer does not decide, so gives no notice either; nothing is stored.
        let evidence_before = store.evidence_of_case(case).unwrap().len();
        let err = pre_notice(&store, REVIEWER, case, uploads.path()).unwrap_err();
        assert!(matches!(err, StoreError::Forbidden { .. }), "{err}");
        assert_eq!(store.evidence_of_case(case).unwrap().len(), evidence_before);

        pre_notice(&store, COMPLIANCE, case, uploads.path()).unwrap();
        let steps = store.adverse_action(case).unwrap();
        let pre = steps.pre_notice.clone().unwrap();
        assert_eq!(pre.sent_on, day("2026-11-09"));
        assert_eq!(pre.wait_days, 5);
        // Tue 10, (Wed 11 holiday), Thu 12, Fri 13, (weekend), Mon 16, Tue 17.
        assert_eq!(pre.wait_ends_on, day("2026-11-17"));
        assert_eq!(pre.decide_from, day("2026-11-18"));
        assert_eq!(steps.due_on, Some(day("2026-11-18")));
        assert!(steps.next_step.contains("runs to 2026-11-17"), "{}", steps.next_step);
        refused(pre_notice(&store, COMPLIANCE, case, uploads.path()), "already has a pre-adverse");

        // The last day of the wait: the decision and the notice are both refused.
        store.clock().set(at("2026-11-17T23:30:00.000Z"));
        refused(reject_on_report(&store, case), "before 2026-11-18");
        refused(notice(&store, case), "runs to 2026-11-17");

        store.clock().set(at("2026-11-18T08:00:00.000Z"));
        refused(notice(&store, case), "is not decided on the background report");
        reject_on_report(&store, case).unwrap();
        assert!(store.adverse_action(case).unwrap().next_step.contains("notice due"));
        notice(&store, case).unwrap();
        refused(notice(&store, case), "already has an adverse-action notice");

        let steps = store.adverse_action(case).unwrap();
        assert_eq!(steps.decided_on, Some(day("2026-11-18")));
        let given = steps.notice.clone().unwrap();
        assert_eq!(given.sent_on, day("2026-11-18"));
        assert_eq!(store.case_detail(case).unwrap().adverse_action, Some(steps));

        // Four files are evidence of the case: report, summary, both notices.
        let evidence = store.evidence_of_case(case).unwrap();
        let name_of = |id: i64| {
            evidence.iter().find(|e| e.id == id).map(|e| e.original_name.clone()).unwrap()
        };
        assert_eq!(name_of(pre.report), "background-report.txt");
        assert_eq!(name_of(pre.summary_of_rights), "summary-of-rights.txt");
        assert_eq!(name_of(pre.notice), format!("pre-adverse-action-notice-case-{case}.pdf"));
        assert_eq!(name_of(given.notice), format!("adverse-action-notice-case-{case}.pdf"));

        let text = pdf_text(&store, pre.notice, uploads.path());
        for needle in [
            "Pre-adverse-action notice",
            "Anna Maria Eriksson",
            "Lakeshore Screening Services",
            "400 Harbor Drive, Suite 12, Duluth, MN 55802",
            "+1 800 555 0142",
            "A Summary of Your Rights Under the Fair Credit Reporting Act",
            "copy of that report",
            "before the end of 2026-11-17",
            "5 business days",
        ] {
            assert!(text.contains(needle), "pre-adverse notice lacks {needle:?}: {text}");
        }
        let text = pdf_text(&store, given.notice, uploads.path());
        for needle in [
            "Adverse-action notice",
            "Anna Maria Eriksson",
            "Lakeshore Screening Services",
            "400 Harbor Drive, Suite 12, Duluth, MN 55802",
            "+1 800 555 0142",
            "did not make this decision and cannot tell you why it was made",
            "free copy of your report from the agency if you ask for it within 60 days",
            "dispute with the agency the accuracy or completeness",
            "decided on 2026-11-18",
        ] {
            assert!(text.contains(needle), "adverse-action notice lacks {needle:?}: {text}");
        }

        // Recorded in the case's chain, and the whole store verifies.
        let kinds: Vec<String> = store
            .audit(Chain::Case(case))
            .unwrap()
            .iter()
            .map(|r| r.change["type"].as_str().unwrap_or("").to_string())
            .collect();
        for kind in ["record_pre_adverse_notice", "record_adverse_notice"] {
            assert!(kinds.iter().any(|k| k == kind), "{kind} not in {kinds:?}");
        }
        let report = store.verify().unwrap();
        assert!(report.ok, "{:?}", report.problems);
    }

    #[test]
    fn a_reopened_case_no_longer_reads_as_decided_on_the_report() {
        let (_dir, store, case) = populated();
        let uploads = tempfile::tempdir().unwrap();
        store.clock().set(at("2026-11-09T09:00:00.000Z"));
        pre_notice(&store, COMPLIANCE, case, uploads.path()).unwrap();
        store.clock().set(at("2026-11-18T08:00:00.000Z"));
        reject_on_report(&store, case).unwrap();
        notice(&store, case).unwrap();
        assert!(store.adverse_action(case).unwrap().next_step.starts_with("done"));

        // Reopened: the decision is undone, and so is what followed from it.
        store.clock().set(at("2026-11-19T08:00:00.000Z"));
        store
            .apply(
                COMPLIANCE,
                Change::SetStatus {
                    case_id: case,
                    status: CaseStatus::InReview,
                    decision: None,
                    reason: "the candidate disputed the report with the agency".into(),
                    grounds: vec![],
                    override_reason: None,
                },
            )
            .unwrap();
        let steps = store.adverse_action(case).unwrap();
        assert_eq!(steps.decided_on, None, "{steps:?}");
        assert_eq!(steps.notice, None, "{steps:?}");
        assert!(steps.pre_notice.is_some(), "the pre-adverse notice was given all the same");
        assert!(!steps.next_step.contains("decided on the report"), "{}", steps.next_step);
        assert!(!steps.next_step.starts_with("done"), "{}", steps.next_step);
        assert!(steps.next_step.contains("waiting period over"), "{}", steps.next_step);
        assert_eq!(store.case_detail(case).unwrap().adverse_action, Some(steps));
        refused(notice(&store, case), "is not decided on the background report");

        // Decided on the report again: that decision needs its own notice.
        store.clock().set(at("2026-11-20T08:00:00.000Z"));
        reject_on_report(&store, case).unwrap();
        let steps = store.adverse_action(case).unwrap();
        assert_eq!(steps.decided_on, Some(day("2026-11-20")));
        assert!(steps.next_step.contains("notice due"), "{}", steps.next_step);
        notice(&store, case).unwrap();
        let steps = store.adverse_action(case).unwrap();
        assert_eq!(steps.notice.map(|n| n.sent_on), Some(day("2026-11-20")));
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn the_waiting_period_is_a_recorded_policy_value() {
        let (_dir, store, case) = populated();
        let uploads = tempfile::tempdir().unwrap();
        store
            .apply(
                COMPLIANCE,
                Change::SetPolicy {
                    key: PolicyKey::AdverseActionWaitDays,
                    value: 3,
                    reason: "state law asks for three business days at least".into(),
                },
            )
            .unwrap();
        let err = store
            .apply(
                COMPLIANCE,
                Change::SetPolicy {
                    key: PolicyKey::AdverseActionWaitDays,
                    value: 0,
                    reason: "no wait".into(),
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("between 1 and 30"), "{err}");
        // Friday 20 November 2026: Mon 23, Tue 24, Wed 25; Thanksgiving is Thursday 26.
        store.clock().set(at("2026-11-20T15:00:00.000Z"));
        pre_notice(&store, INVESTIGATOR, case, uploads.path()).unwrap();
        let pre = store.adverse_action(case).unwrap().pre_notice.unwrap();
        assert_eq!((pre.wait_days, pre.wait_ends_on), (3, day("2026-11-25")));
        store.clock().set(at("2026-11-25T12:00:00.000Z"));
        refused(reject_on_report(&store, case), "before 2026-11-26");
        store.clock().set(at("2026-11-26T12:00:00.000Z"));
        reject_on_report(&store, case).unwrap();
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn a_notice_after_the_decision_or_with_bad_agency_details_is_refused_and_stores_nothing() {
        let (_dir, store, case) = populated();
        let uploads = tempfile::tempdir().unwrap();
        let (report, summary) = files(uploads.path());
        let mut no_phone = agency();
        no_phone.phone = "  ".into();
        let err = store
            .pre_adverse_notice(COMPLIANCE, case, no_phone, &report, &summary, &pre_render)
            .unwrap_err();
        assert!(err.to_string().contains("phone number is needed"), "{err}");
        let missing = uploads.path().join("no-such-report.pdf");
        assert!(
            store
                .pre_adverse_notice(COMPLIANCE, case, agency(), &missing, &summary, &pre_render)
                .is_err()
        );
        assert!(store.evidence_of_case(case).unwrap().is_empty());
        assert!(store.adverse_action(case).unwrap().pre_notice.is_none());
        assert_eq!(store.case_detail(case).unwrap().adverse_action, None);

        // Decided on other grounds first: the pre-adverse notice comes too late.
        let grounds = grounds_for(&store, case);
        store
            .apply(
                COMPLIANCE,
                Change::SetStatus {
                    case_id: case,
                    status: CaseStatus::Decided,
                    decision: Some(Decision::Rejected),
                    reason: "application does not hold together".into(),
                    grounds,
                    override_reason: None,
                },
            )
            .unwrap();
        refused(pre_notice(&store, COMPLIANCE, case, uploads.path()), "already decided");
        assert!(store.evidence_of_case(case).unwrap().is_empty());
        assert!(store.verify().unwrap().ok);
    }
}

#[test]
fn the_cli_walks_the_steps_and_case_show_names_the_next_one() {
    assert!(
        std::process::Command::new("faketime").arg("--version").output().is_ok(),
        "faketime is needed (Debian package faketime; scripts/setup.sh installs it)"
    );
    let cli = Cli::new();
    init_team(&cli);
    let faked = |date: &str, actor: &str, args: &[&str]| {
        let mut cmd = std::process::Command::new("faketime");
        cmd.arg(date).arg(env!("CARGO_BIN_EXE_vetdesk"));
        cmd.args(["--data-dir", cli.data().to_str().unwrap(), "--as", actor]);
        let out = cmd.args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let ok = |date: &str, actor: &str, args: &[&str]| {
        let (code, out, err) = faked(date, actor, args);
        assert_eq!(code, Some(0), "{args:?}: {out}{err}");
        out
    };
    let fails = |date: &str, actor: &str, args: &[&str], needle: &str| {
        let (code, out, err) = faked(date, actor, args);
        assert_ne!(code, Some(0), "{args:?} should fail: {out}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(err.contains(needle), "{err:?} should say {needle:?}");
        assert!(!err.contains("panicked"), "{err}");
    };
    let report = cli.file("report.txt", "Consumer report of Ines Ortega\n");
    let summary = cli.file("summary.txt", "A Summary of Your Rights Under the FCRA\n");
    // Thursday 6 March 2036 (later than the real clock, which the store never records before).
    let d0 = "2036-03-06 10:00:00";
    ok(d0, "rita", &["candidate", "add", "--name", "Ines Ortega", "--email", "ines@example.org"]);
    fails(d0, "cora", &["adverse-action", "notice", "1"], "no pre-adverse-action notice");
    fails(
        d0,
        "cora",
        &["case", "status", "1", "rejected", "--reason", "report", "--cite", "background_report"],
        "no pre-adverse-action notice",
    );
    let pre_args = [
        "adverse-action",
        "pre-notice",
        "1",
        "--report",
        &report,
        "--summary-of-rights",
        &summary,
        "--agency-name",
        "Lakeshore Screening Services",
        "--agency-address",
        "400 Harbor Drive, Duluth, MN 55802",
        "--agency-phone",
        "+1 800 555 0142",
    ];
    let out = ok(d0, "cora", &pre_args);
    // Fri 7, Mon 10, Tue 11, Wed 12, Thu 13.
    assert!(out.contains("to 2036-03-13; decision allowed from 2036-03-14"), "{out}");
    let show = ok("2036-03-10 10:00:00", "rita", &["case", "show", "1"]);
    assert!(show.contains("FCRA adverse action"), "{show}");
    assert!(show.contains("next: waiting period of 5 business days runs to 2036-03-13"), "{show}");
    assert!(show.contains("(from 2036-03-14)"), "{show}");
    let d1 = "2036-03-13 16:00:00";
    fails(
        d1,
        "cora",
        &["case", "status", "1", "rejected", "--reason", "report", "--cite", "background_report"],
        "before 2036-03-14",
    );
    let d2 = "2036-03-14 09:00:00";
    fails(d2, "cora", &["adverse-action", "notice", "1"], "not decided on the background report");
    ok(
        d2,
        "cora",
        &["case", "status", "1", "rejected", "--reason", "report", "--cite", "background_report"],
    );
    let out = ok(d2, "cora", &["adverse-action", "notice", "1"]);
    assert!(out.contains("adverse-action notice: given 2036-03-14"), "{out}");
    let show = ok(d2, "rita", &["case", "show", "1"]);
    assert!(show.contains("adverse-action notice: given 2036-03-14 (evidence 4)"), "{show}");
    assert_eq!(show.matches("application/pdf").count(), 2, "both notices are evidence: {show}");
    assert!(show.contains("next: done"), "{show}");
    let text = ok(d2, "cora", &["verify"]);
    assert!(text.starts_with("OK"), "{text}");
    // The case's audit pack carries the steps and the notices, and verifies on its own.
    let pack = cli.data().join("case-1-pack.zip");
    ok(d2, "cora", &["pack", "1", "-o", pack.to_str().unwrap()]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vetdesk"))
        .arg("verify-pack")
        .arg(&pack)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
