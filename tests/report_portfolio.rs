//! The portfolio report over a scripted quarter: the figures are worked out by hand from the
//! script below and compared with what the report computes, prints (read back with
//! `pdftotext`) and exports as CSV. The chart is vector graphics: the PDF holds no image.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_core::change::Change;
use vetdesk_core::model::{CaseStatus, Decision, ItemResult, Timestamp};
use vetdesk_core::verification::{EVerifyFields, EVerifyStatus, MismatchAgency};
use vetdesk_export::report::{self, PortfolioOptions};
use vetdesk_testkit::*;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn status(
    w: &vetdesk_core::Store,
    actor: &str,
    case_id: i64,
    status: CaseStatus,
    decision: Option<Decision>,
) {
    let grounds = match decision {
        Some(Decision::Cleared) => {
            complete_for_clearing(w, case_id);
            vec![]
        }
        Some(_) => grounds_for(w, case_id),
        None => vec![],
    };
    w.apply(
        actor,
        Change::SetStatus {
            case_id,
            status,
            decision,
            reason: format!("moved to {status}"),
            grounds,
            override_reason: None,
        },
    )
    .unwrap();
}

const FORMULA_NAME: &str = "=cmd|' /C calc'!A0";

/// Eight cases, six of them opened in August–October 2026.
fn quarter() -> (tempfile::TempDir, vetdesk_core::Store, Vec<i64>) {
    let (dir, store) = team_store_from(at("2026-07-01T09:00:00.000Z"));
    let acme = vendor(&store, "Acme Staffing", Some("2025-06-30"));
    let nordic = vendor(&store, "Nordic Talent", Some("2026-05-01"));
    let shadow = vendor(&store, "Shadow Contractors", None);
    let open = |when: &str, name: &str, ext: &str, vendor: Option<i64>, due: Option<&str>| {
        store.clock().set(at(when));
        open_case(&store, name, ext, vendor, due)
    };
    // In the order it happened: a store never records a time earlier than its last record.
    let before = open("2026-07-20T10:00:00.000Z", "Before Period", "P-0", Some(acme), None);
    let c2 = open("2026-08-03T09:00:00.000Z", "Ana Cleared", "P-2", Some(acme), None);
    store.clock().set(at("2026-08-05T09:00:00.000Z"));
    status(&store, INVESTIGATOR, c2, CaseStatus::Decided, Some(Decision::Cleared));
    let c3 = open("2026-08-10T09:00:00.000Z", "Ben Rejected", "P-3", Some(acme), None);
    store.clock().set(at("2026-08-12T09:00:00.000Z"));
    record(
        &store,
        REVIEWER,
        c3,
        "live-video-interview",
        ItemResult::Fail,
        Some("audio only"),
        vec![],
    );
    store.clock().set(at("2026-08-20T09:00:00.000Z"));
    status(&store, INVESTIGATOR, c3, CaseStatus::Decided, Some(Decision::Rejected));
    let c4 = open("2026-09-01T00:00:00.000Z", "Cleo Referred", "P-4", Some(nordic), None);
    store.clock().set(at("2026-09-04T03:00:00.000Z"));
    status(&store, COMPLIANCE, c4, CaseStatus::Decided, Some(Decision::Referred));
    let c5 = open(
        "2026-09-15T09:00:00.000Z",
        "Dmitri Escalated",
        "P-5",
        Some(shadow),
        Some("2026-10-01"),
    );
    store.clock().set(at("2026-09-20T09:00:00.000Z"));
    record(
        &store,
        REVIEWER,
        c5,
        "phone-number-check",
        ItemResult::Fail,
        Some("VoIP number"),
        vec![],
    );
    record(&store, REVIEWER, c5, "reviewer-trained", ItemResult::Pass, None, vec![]);
    status(&store, REVIEWER, c5, CaseStatus::Escalated, None);
    let c6 = open("2026-10-02T09:00:00.000Z", "Eve Open", "P-6", None, Some("2026-12-01"));
    // Eve accepted the offer; E-Verify returned a mismatch on 20 October and nobody told her.
    store.clock().set(at("2026-10-20T09:00:00.000Z"));
    record(&store, REVIEWER, c6, "offer-accepted", ItemResult::Pass, None, vec![]);
    record(&store, REVIEWER, c6, "form-i9-complete", ItemResult::Pass, None, vec![]);
    store
        .apply(
            REVIEWER,
            Change::RecordEVerify {
                id: None,
                case_id: c6,
                everify: EVerifyFields {
                    case_number: "2026293000123AB".into(),
                    created_on: "2026-10-19".parse().unwrap(),
                    status: EVerifyStatus::TentativeNonconfirmation,
                    agency: Some(MismatchAgency::Dhs),
                    mismatch_on: Some("2026-10-20".parse().unwrap()),
                    notice_given_on: None,
                    decision_recorded_on: None,
                    employee_contests: None,
                    referred_on: None,
                    agency_contacted_on: None,
                    continuance_since: None,
                    followed_up_on: None,
                    evidence: vec![],
                    note: None,
                },
            },
        )
        .unwrap();
    let c7 = open("2026-10-30T23:59:00.000Z", FORMULA_NAME, "P-7", None, Some("2026-11-10"));
    let after = open("2026-11-01T00:00:00.000Z", "After Period", "P-8", Some(acme), None);
    store.clock().set(at("2026-11-01T09:00:00.000Z"));
    status(&store, REVIEWER, c7, CaseStatus::InReview, None);
    status(&store, INVESTIGATOR, before, CaseStatus::Decided, Some(Decision::Cleared));
    status(&store, INVESTIGATOR, after, CaseStatus::Decided, Some(Decision::Rejected));
    (dir, store, vec![c2, c3, c4, c5, c6, c7])
}

fn period() -> PortfolioOptions {
    PortfolioOptions {
        from: "2026-08-01".parse().unwrap(),
        to: "2026-10-31".parse().unwrap(),
        generated_at: generated_at(),
        generated_by: COMPLIANCE.into(),
    }
}

#[test]
fn figures_match_the_script() {
    let (_dir, store, ids) = quarter();
    let p = report::portfolio(&store, &period()).unwrap();
    let [_c2, c3, _c4, c5, c6, c7] = ids[..] else { panic!() };
    assert_eq!(
        p.cases.iter().map(|c| c.id).collect::<Vec<_>>(),
        ids,
        "opened in the period, in order"
    );
    let by_status: Vec<(&str, u32)> = p.by_status.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    assert_eq!(
        by_status,
        vec![("open", 1), ("in_review", 1), ("escalated", 1), ("decided", 3), ("closed", 0)]
    );
    let by_decision: Vec<(&str, u32)> =
        p.by_decision.iter().map(|(d, n)| (d.as_str(), *n)).collect();
    assert_eq!(
        by_decision,
        vec![("cleared", 1), ("rejected", 1), ("referred", 1), ("undecided", 3)]
    );
    let t = p.decision_times.as_ref().unwrap();
    assert_eq!((t.decided, t.median_days, t.max_days, t.slowest_case), (3, 3.125, 10.0, c3));
    let months: Vec<(&str, [u32; 4])> = p
        .months
        .iter()
        .map(|m| (m.period.as_str(), [m.cleared, m.rejected, m.referred, m.undecided]))
        .collect();
    assert_eq!(
        months,
        vec![("2026-08", [1, 1, 0, 0]), ("2026-09", [0, 0, 1, 1]), ("2026-10", [0, 0, 0, 2])]
    );
    let failed: Vec<(i64, Vec<String>)> = p
        .cases
        .iter()
        .filter(|c| !c.failed_items.is_empty())
        .map(|c| (c.id, c.failed_items.clone()))
        .collect();
    assert_eq!(
        failed,
        vec![
            (c3, vec!["live-video-interview".to_string()]),
            (c5, vec!["phone-number-check".to_string()])
        ]
    );
    let overdue: Vec<i64> = p.cases.iter().filter(|c| c.overdue).map(|c| c.id).collect();
    assert_eq!(overdue, vec![c5, c7]);
    let c5_row = p.cases.iter().find(|c| c.id == c5).unwrap();
    assert_eq!(
        (c5_row.items_pending, c5_row.items_total),
        (c5_row.items_total - 2, c5_row.items_total)
    );
    let due: Vec<(&str, Option<String>, u32)> = p
        .vendors_due
        .iter()
        .map(|v| (v.vendor.as_str(), v.due_on.map(|d| d.to_string()), v.cases_in_period))
        .collect();
    assert_eq!(
        due,
        vec![("Acme Staffing", Some("2026-06-30".into()), 2), ("Shadow Contractors", None, 1)]
    );
    // Red flags as the store keeps them (every candidate here shares one phone number and a
    // PMB shipping address): each case listed with its count of open flags, none left out.
    let flagged = p.open_red_flags.as_ref().unwrap();
    for c in &p.cases {
        let open = store.flags(c.id).unwrap().open.len() as u32;
        let listed = flagged.iter().find(|(id, _)| *id == c.id).map(|(_, n)| *n);
        assert_eq!(listed.unwrap_or(0), open, "case {}", c.id);
    }
    assert!(flagged.iter().any(|(_, n)| *n > 0));
    // Eve's E-Verify mismatch: both 10-working-day deadlines passed unmet.
    let everify = p.everify_overdue.as_ref().unwrap();
    assert_eq!(everify.len(), 2, "{everify:?}");
    assert!(everify.iter().all(|(id, _)| *id == c6), "{everify:?}");
    assert!(
        everify[0].1.starts_with("E-Verify case 2026293000123AB: Notify the employee"),
        "{everify:?}"
    );

    // A period that ends before it starts, and an unknown user, are refused.
    let backwards = PortfolioOptions {
        from: "2026-10-31".parse().unwrap(),
        to: "2026-08-01".parse().unwrap(),
        ..period()
    };
    assert!(
        report::portfolio(&store, &backwards)
            .unwrap_err()
            .to_string()
            .contains("ends (2026-08-01) before it starts")
    );
    let stranger = PortfolioOptions { generated_by: "mallory".into(), ..period() };
    assert!(report::portfolio(&store, &stranger).is_err());
}

#[test]
fn pdf_and_csv_carry_the_same_figures() {
    let (_dir, store, ids) = quarter();
    let p = report::portfolio(&store, &period()).unwrap();
    let pdf = report::render_portfolio(&p).unwrap();
    assert!(pdf.warnings.is_empty() && pdf.missing_glyphs.is_empty());
    let dir = artifacts("reports");
    let path = dir.join("portfolio.pdf");
    std::fs::write(&path, &pdf.bytes).unwrap();
    let ps = path.to_str().unwrap();
    assert!(tool("qpdf", &["--check", ps]).contains("No syntax or stream encoding errors"));
    let info = tool("pdfinfo", &[ps]);
    assert!(
        info.contains("Compliance portfolio report — cases opened 2026-08-01 to 2026-10-31"),
        "{info}"
    );
    assert!(info.contains("Author:          Cora Lindqvist-Ødegård"), "{info}");
    // The chart is drawn, not pasted in as a picture.
    assert_eq!(tool("pdfimages", &["-list", ps]).lines().count(), 2, "no images in the portfolio");
    let text = flowing(&tool("pdftotext", &["-raw", ps, "-"]));
    for words in [
        "1 Overview",
        "2 Status and decisions",
        "Cases opened per month, by decision",
        "3 Time from opening to decision",
        "Median 3.1 days",
        "Longest 10.0 days (case",
        "4.1 Open red flags",
        "4.2 Failed checklist items",
        "4.3 Overdue cases and their checklists",
        "4.4 Overdue E-Verify deadlines",
        "E-Verify case 2026293000123AB: Notify the employee of the mismatch",
        "5 Vendors with audits due",
        "Acme Staffing yes 2025-06-30 2026-06-30 2",
        "Shadow Contractors yes never now 1",
        "live-video-interview",
        "phone-number-check",
        "Appendix: cases opened in the period",
        FORMULA_NAME,
        "2026-08 2026-09 2026-10",
    ] {
        assert!(text.contains(words), "{words:?} missing from the portfolio");
    }
    assert!(!text.contains("Before Period") && !text.contains("After Period"));
    let prefix = dir.join("portfolio-page");
    tool("pdftoppm", &["-png", "-r", "50", ps, prefix.to_str().unwrap()]);

    let mut csv_bytes = Vec::new();
    report::portfolio_csv(&p, &mut csv_bytes).unwrap();
    std::fs::write(dir.join("portfolio.csv"), &csv_bytes).unwrap();
    let mut reader = csv::Reader::from_reader(&csv_bytes[..]);
    assert_eq!(reader.headers().unwrap(), vec!["section", "key", "detail", "value"]);
    let rows: Vec<[String; 4]> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            [r[0].to_string(), r[1].to_string(), r[2].to_string(), r[3].to_string()]
        })
        .collect();
    let value = |section: &str, key: &str, detail: &str| {
        rows.iter()
            .find(|r| r[0] == section && r[1] == key && r[2] == detail)
            .map(|r| r[3].clone())
            .unwrap_or_else(|| panic!("no CSV row {section},{key},{detail}"))
    };
    assert_eq!(value("cases", "opened", ""), ids.len().to_string());
    assert_eq!(value("status", "decided", ""), "3");
    assert_eq!(value("decision", "undecided", ""), "3");
    assert_eq!(value("days_to_decision", "median", ""), "3.125");
    assert_eq!(value("cases_per_period", "2026-10", "undecided"), "2");
    assert_eq!(value("vendor_audit_due", "Shadow Contractors", "never audited"), "now");
    let c6 = format!("case {}", ids[4]);
    assert!(
        rows.iter().any(|r| r[0] == "everify_overdue"
            && r[1] == c6
            && r[2].contains("Notify the employee"))
    );
    let flagged: u32 = rows
        .iter()
        .filter(|r| r[0] == "open_red_flags")
        .map(|r| r[3].parse::<u32>().unwrap())
        .sum();
    assert_eq!(flagged, p.open_red_flags.as_ref().unwrap().iter().map(|(_, n)| n).sum::<u32>());
    let per_period: u32 = rows
        .iter()
        .filter(|r| r[0] == "cases_per_period")
        .map(|r| r[3].parse::<u32>().unwrap())
        .sum();
    assert_eq!(per_period as usize, ids.len());
    // A name that a spreadsheet would run as a formula is written inert.
    assert_eq!(value("case", &format!("case {}", ids[5]), "candidate"), format!("'{FORMULA_NAME}"));
    assert_eq!(value("case", &format!("case {}", ids[1]), "days_to_decision"), "10.000");
    assert!(rows.iter().all(|r| r.iter().all(|c| !c.starts_with('='))), "a cell starts with '='");
}
