//! The case report read back as an auditor's tools read it: `pdftotext` finds every section,
//! every checklist item, every evidence hash, every audit record hash and the chain head;
//! `pdfinfo` shows the metadata; `qpdf --check` passes; `pdfimages -list` shows the previews
//! as JPEG. Pages are rendered into `target/artifacts/reports/` to be looked at.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::Connection;
use vetdesk_core::change::Change;
use vetdesk_core::model::{Chain, ItemResult};
use vetdesk_export::report::{self, CaseData, ReportError, ReportOptions, Stage};
use vetdesk_testkit::*;

#[test]
fn report_reads_back_as_an_auditor_would() {
    let w = worked_case();
    let mut stages = Vec::new();
    let started = std::time::Instant::now();
    let made =
        report::case_report(&w.store, w.case_id, &options(), &mut |p| stages.push(p)).unwrap();
    println!(
        "report: {} pages, {} bytes in {:?}",
        made.pdf.page_count,
        made.pdf.bytes.len(),
        started.elapsed()
    );
    assert!(made.pdf.warnings.is_empty(), "{:?}", made.pdf.warnings);
    assert!(made.pdf.missing_glyphs.is_empty(), "{:?}", made.pdf.missing_glyphs);
    assert_eq!(made.chain_head, w.store.chain_head(Chain::Case(w.case_id)).unwrap());
    assert_eq!(made.previews, w.distinct_images);
    assert!(made.missing_previews.is_empty(), "{:?}", made.missing_previews);
    // Progress: reading, each preview, rendering — in that order, ending complete.
    let order: Vec<Stage> = stages.iter().map(|p| p.stage).collect();
    let first = |s| order.iter().position(|x| *x == s).unwrap();
    assert!(
        first(Stage::Reading) < first(Stage::Previews)
            && first(Stage::Previews) < first(Stage::Rendering)
    );
    // Four image records (the passport twice), three distinct images.
    assert!(stages.iter().any(|p| p.stage == Stage::Previews && p.done == p.total && p.total == 4));
    assert_eq!(stages.last().map(|p| (p.done, p.total)), Some((1, 1)));

    let dir = artifacts("reports");
    let path = dir.join("case-report.pdf");
    std::fs::write(&path, &made.pdf.bytes).unwrap();
    let p = path.to_str().unwrap();

    let check = tool("qpdf", &["--check", p]);
    assert!(check.contains("No syntax or stream encoding errors"), "{check}");

    let info = tool("pdfinfo", &[p]);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")).map(|v| v.trim().to_string()))
            .unwrap_or_else(|| panic!("pdfinfo shows no {name}: {info}"))
    };
    let head = &made.chain_head;
    assert_eq!(field("Title"), format!("Case report — case {} — {CANDIDATE}", w.case_id));
    assert_eq!(field("Author"), "Cora Lindqvist-Ødegård");
    assert!(field("Subject").contains(head), "{info}");
    assert!(field("Keywords").contains(&format!("chain-head:{head}")), "{info}");
    // The store root of the same moment, as `vetdesk verify` prints it.
    let root = w.store.verify().unwrap().root;
    assert!(field("Keywords").contains(&format!("root:{root}")), "{info}");
    assert!(field("CreationDate").contains("Nov 24 16:45:00 2026"), "{info}");
    assert_eq!(field("Pages").parse::<usize>().unwrap(), made.pdf.page_count);

    let layout = tool("pdftotext", &["-layout", p, "-"]);
    let raw = flowing(&tool("pdftotext", &["-raw", p, "-"]));
    assert!(raw.contains(&format!("Store root {root}")), "the root is printed in the summary");
    let pages: Vec<&str> = layout.split('\u{c}').filter(|t| !t.trim().is_empty()).collect();
    assert_eq!(pages.len(), made.pdf.page_count);
    for (n, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {}", n + 1, pages.len())),
            "page {}: no page number",
            n + 1
        );
        assert!(page.contains(head.as_str()), "page {}: chain head missing", n + 1);
        assert!(page.contains(&format!("Case {}", w.case_id)), "page {}: case id missing", n + 1);
    }
    for section in [
        "1 Summary",
        "2 Candidate and vendor",
        "3 Red flags and risk score",
        "4 Checklist",
        "4.1 Pre-offer vetting",
        "4.2 Onboarding",
        "4.3 Post-hire monitoring",
        "Sources cited",
        "5 Identity documents",
        "6 Interviews",
        "7 E-Verify",
        "8 Notes",
        "9 Evidence",
        "9.1 Image previews",
        "Appendix A: Audit trail",
    ] {
        assert!(raw.contains(section), "section {section:?} missing");
    }
    // What verification recorded and concluded: the risk score, every red flag, the passport
    // with its checks, the interview; no E-Verify case and no linked candidate.
    let flags = w.store.flags(w.case_id).unwrap();
    assert!(!flags.open.is_empty(), "the worked case raises red flags");
    assert!(raw.contains(&format!("Risk score {} ({})", flags.risk.score, flags.risk.band)));
    for f in flags.open.iter().chain(&flags.cleared) {
        assert!(raw.contains(&flowing(&f.fields.title)), "flag {:?} missing", f.fields.title);
        assert!(
            raw.contains(&format!("Source: {}", f.fields.source.document)),
            "source of {} missing",
            f.fields.rule
        );
    }
    for words in [
        "5.1 passport",
        "Number L898902C3",
        "Note Scan sent by the vendor",
        "Refused video: yes",
        "ID matched face and name: not shown",
        "Background noise of a call centre",
        "7 E-Verify None recorded for this case.",
        "3.1 Links to other candidates None recorded for this case.",
    ] {
        assert!(raw.contains(words), "{words:?} missing");
    }
    assert!(!raw.contains("Not recorded: this Vetdesk data directory"));

    // Every checklist item, with its title, id, source and result as recorded.
    let data = CaseData::load(&w.store, w.case_id, &options()).unwrap();
    assert!(data.detail.checklist.len() > 40);
    for e in &data.detail.checklist {
        assert!(raw.contains(&flowing(&e.item.title)), "item title {:?} missing", e.item.title);
        assert!(
            raw.contains(&format!("{} · Source: {}", e.item.id, e.item.source)),
            "item {} missing",
            e.item.id
        );
    }
    for words in [
        "Passport and licence agree on name and date of birth",
        "Camera off throughout; audio only",
        "Recording not permitted under local law; waived by compliance",
        "Evidence: E1, E2",
        NOTE_1,
        NOTE_2,
        DECISION_REASON,
        "rejected",
        "Иван Петров (ivan)",
        "Rita Rüdiger (rita)",
        "Зоя Олафсдоттир",
        VENDOR,
        "Führerschein-Vorderseite.png",
        "named scan-of-bill.jpg but the content is not a JPEG image",
    ] {
        assert!(raw.contains(&flowing(words)), "{words:?} missing");
    }
    // Every evidence file's full hash, and every audit record's hash, in one piece.
    for e in &data.detail.evidence {
        assert!(layout.contains(&e.sha256), "evidence hash of E{} missing", e.id);
        assert!(raw.contains(&e.original_name), "evidence name {:?} missing", e.original_name);
    }
    assert_eq!(data.audit.len() as u64, made.audit_records);
    for r in &data.audit {
        assert!(layout.contains(&r.hash), "hash of audit record {} missing", r.seq);
    }
    for words in [
        "Changed the status to decided with decision rejected",
        "Attached evidence E3: video-call-screenshot.jpg",
        "Recorded live-video-interview",
    ] {
        assert!(raw.contains(words), "audit trail line {words:?} missing");
    }

    // The previews are JPEGs at most PREVIEW_MAX_SIDE pixels: one placement per image
    // record, one embedded object per distinct image (the passport sent twice is stored once).
    let list = tool("pdfimages", &["-list", p]);
    let rows: Vec<Vec<&str>> =
        list.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 4, "{list}");
    let objects: BTreeSet<&str> = rows.iter().map(|r| r[10]).collect();
    assert_eq!(objects.len(), w.distinct_images, "{list}");
    for row in &rows {
        assert_eq!(row[8], "jpeg", "{list}");
        let (wpx, hpx): (u32, u32) = (row[3].parse().unwrap(), row[4].parse().unwrap());
        assert!(wpx.max(hpx) <= report::PREVIEW_MAX_SIDE, "{list}");
    }

    // Pages as images, to look at.
    for old in std::fs::read_dir(&dir).unwrap() {
        let old = old.unwrap().path();
        if old.file_name().unwrap().to_string_lossy().starts_with("case-report-page") {
            std::fs::remove_file(old).unwrap();
        }
    }
    tool("pdftoppm", &["-png", "-r", "50", p, dir.join("case-report-page").to_str().unwrap()]);
    let pngs = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref().unwrap().file_name().to_string_lossy().starts_with("case-report-page")
        })
        .count();
    assert_eq!(pngs, made.pdf.page_count);
}

#[test]
fn same_data_and_time_give_the_same_bytes() {
    let w = worked_case();
    let a = report::case_report(&w.store, w.case_id, &options(), &mut |_| {}).unwrap();
    let b = report::case_report(&w.store, w.case_id, &options(), &mut |_| {}).unwrap();
    assert!(a.pdf.bytes == b.pdf.bytes, "two reports of the same data and time differ");
    assert_eq!(a.pdf.document_id, b.pdf.document_id);

    // (what differs, options) — each gives other bytes.
    let rows = [
        (
            "time",
            ReportOptions {
                generated_at: "2026-11-24T16:45:01.000Z".parse().unwrap(),
                ..options()
            },
        ),
        ("user", ReportOptions { generated_by: INVESTIGATOR.into(), ..options() }),
    ];
    for (what, opts) in rows {
        let other = report::case_report(&w.store, w.case_id, &opts, &mut |_| {}).unwrap();
        assert!(other.pdf.bytes != a.pdf.bytes, "another {what} gave the same bytes");
    }
    // Another change to the case: another head, other bytes.
    w.store
        .apply(REVIEWER, Change::AddNote { id: None, case_id: w.case_id, text: "One more".into() })
        .unwrap();
    let c = report::case_report(&w.store, w.case_id, &options(), &mut |_| {}).unwrap();
    assert_ne!(c.chain_head, a.chain_head);
    assert!(c.pdf.bytes != a.pdf.bytes);
}

#[test]
fn refused_reports_say_why() {
    let w = worked_case();
    // (who asks, expected error text)
    w.store.apply(ADMIN, Change::SetUserActive { name: REVIEWER.into(), active: false }).unwrap();
    for (who, words) in
        [("nobody", "no active user named \"nobody\""), (REVIEWER, "no active user named \"rita\"")]
    {
        let opts = ReportOptions { generated_by: who.into(), ..options() };
        let err = report::case_report(&w.store, w.case_id, &opts, &mut |_| {}).unwrap_err();
        assert!(
            matches!(err, ReportError::UnknownUser(_)) && err.to_string().contains(words),
            "{err}"
        );
    }
    let err = report::case_report(&w.store, 999, &options(), &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("case 999 not found"), "{err}");
}

/// An audit record edited behind the store's back: no report vouches for that history.
#[test]
fn a_broken_chain_is_not_reported_on() {
    let w = worked_case();
    let conn = Connection::open(w.dir.path().join("vetdesk.db")).unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_update;").unwrap();
    let changed = conn
        .execute(
            // The interview's note is sealed under the candidate's key: edit its sealed form.
            "UPDATE audit_log SET change = replace(change, 'sealed:v2:', 'sealed:v2:0') \
             WHERE chain = ?1 AND change LIKE '%\"type\":\"record_interview\"%'",
            [format!("case:{}", w.case_id)],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let err = report::case_report(&w.store, w.case_id, &options(), &mut |_| {}).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ReportError::BrokenChain { .. }), "{text}");
    assert!(text.contains("the record was edited") && text.contains("vetdesk verify"), "{text}");
}

/// Reads while another thread writes: every read sees one state, never half of two.
#[test]
fn a_report_reads_one_consistent_state() {
    let w = worked_case();
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) && n < 400 {
                w.store
                    .apply(
                        REVIEWER,
                        Change::AddNote { id: None, case_id: w.case_id, text: format!("note {n}") },
                    )
                    .unwrap();
                let result = if n % 2 == 0 { ItemResult::Pass } else { ItemResult::Fail };
                record(&w.store, COMPLIANCE, w.case_id, "phone-number-check", result, None, vec![]);
                n += 1;
            }
        });
        let mut heads = BTreeSet::new();
        for _ in 0..60 {
            let data = CaseData::load(&w.store, w.case_id, &options()).unwrap();
            let notes_logged =
                data.audit.iter().filter(|r| r.change.contains("\"type\":\"add_note\"")).count();
            assert_eq!(
                data.detail.notes.len(),
                notes_logged,
                "notes and audit trail from different states"
            );
            assert_eq!(data.detail.chain_head, data.chain.head);
            assert_eq!(data.detail.audit_records as u64, data.chain.records);
            let last_phone =
                data.audit.iter().rev().find(|r| r.change.contains("phone-number-check"));
            let state =
                data.detail.checklist.iter().find(|e| e.item.id == "phone-number-check").unwrap();
            match last_phone {
                Some(r) => {
                    assert!(r.change.contains(&format!("\"result\":\"{}\"", state.state.result)))
                }
                None => assert_eq!(state.state.result, ItemResult::Pending),
            }
            heads.insert(data.chain.head);
        }
        stop.store(true, Ordering::SeqCst);
        assert!(heads.len() > 1, "the writer never got in between: the test proved nothing");
    });
}

/// The verification sections as they will be fed once the store records them: every field
/// printed, and "none recorded" told apart from "not recorded".
#[test]
fn verification_sections_print_what_they_are_given() {
    use vetdesk_export::report::{
        CheckLine, DeadlineLine, EVerifyRecord, IdentityDocument, Interview, LinkLine, RedFlag,
        RiskScore, Verification,
    };
    let w = worked_case();
    let mut data = CaseData::load(&w.store, w.case_id, &options()).unwrap();
    data.verification = Verification {
        risk: Some(RiskScore {
            score: 72,
            level: "high".into(),
            basis: "2 open flags: 1 high, 1 critical".into(),
        }),
        red_flags: Some(vec![
            RedFlag {
                id: "shipping.pmb".into(),
                severity: "critical".into(),
                title: "Equipment to a private mailbox".into(),
                why: "Laptop farms receive company devices at mail drops.".into(),
                source: "NYDFS/FBI advisory 2024, Equipment".into(),
                facts: vec![
                    "Shipping address PMB 2211, 44 Commerce St, Dover, DE is a CMRA".into(),
                ],
                evidence: vec![1],
                open: true,
                raised_at: Some(generated_at()),
                resolution: None,
            },
            RedFlag {
                id: "phone.shared".into(),
                severity: "high".into(),
                title: "Another candidate gives the same phone number".into(),
                why: "Operators share numbers.".into(),
                source: "Chafetz, Tactic 5".into(),
                facts: vec!["Phone +12025550199 is also Jon Smyth's".into()],
                evidence: vec![],
                open: false,
                raised_at: Some(generated_at()),
                resolution: Some("cleared by ivan: the number was corrected".into()),
            },
        ]),
        documents: Some(vec![IdentityDocument {
            kind: "passport".into(),
            issuing_country: Some("UTO".into()),
            number: Some("L898902C3".into()),
            holder_name: Some("ERIKSSON ANNA MARIA".into()),
            date_of_birth: Some("1974-08-12".parse().unwrap()),
            expires_on: Some("2032-04-15".parse().unwrap()),
            evidence: vec![1, 6],
            note: Some("Scan sent by the vendor".into()),
            checks: vec![CheckLine {
                outcome: "fail".into(),
                message: "MRZ check digit of the document number is 7, not 6".into(),
                source: "ICAO Doc 9303 Part 3, 4.9".into(),
            }],
        }]),
        interviews: Some(vec![Interview {
            held: "2026-11-03 14:00 UTC".into(),
            interviewer: "Иван Петров".into(),
            camera_on_throughout: Some(false),
            refused_video: Some(true),
            audio_only: Some(true),
            id_matched: Some("unclear".into()),
            liveness_prompts_done: None,
            location_answers_consistent: Some(false),
            notes: Some("Background noise of a call centre".into()),
            evidence: vec![3],
        }]),
        everify: Some(vec![EVerifyRecord {
            case_number: "2026310123456AB".into(),
            created_on: Some("2026-11-09".parse().unwrap()),
            status: "tentative_nonconfirmation".into(),
            dates: vec![("Mismatch issued".into(), "2026-11-09".parse().unwrap())],
            evidence: vec![4],
            note: None,
            deadlines: vec![DeadlineLine {
                description: "Notify the employee of the mismatch (Further Action Notice)".into(),
                due: "2026-11-23".parse().unwrap(),
                done_on: None,
                state: "overdue".into(),
                source: "E-Verify User Manual, 3.3".into(),
            }],
        }]),
        links: Some(vec![LinkLine {
            candidate: "Jon Smyth (candidate 7)".into(),
            cases: vec!["case 9 (escalated)".into()],
            shared: vec!["phone +12025550142: our phone, their phone".into()],
        }]),
    };
    let made = report::render_case_report(&data, &w.store.files(), &mut |_| {}).unwrap();
    let path = artifacts("reports").join("case-report-verification.pdf");
    std::fs::write(&path, &made.pdf.bytes).unwrap();
    let text = flowing(&tool("pdftotext", &["-raw", path.to_str().unwrap(), "-"]));
    for words in [
        "Risk score 72 (high)",
        "2 open flags: 1 high, 1 critical",
        "Equipment to a private mailbox",
        "shipping.pmb · Source: NYDFS/FBI advisory 2024, Equipment",
        "Shipping address PMB 2211",
        "Evidence: E1",
        "5.1 passport",
        "L898902C3",
        "1974-08-12",
        "E1, E6",
        "FAIL MRZ check digit of the document number is 7, not 6",
        "Refused video: yes",
        "Audio only: yes",
        "ID matched face and name: unclear",
        "Liveness prompts done: not recorded",
        "Background noise of a call centre",
        "E-Verify case 2026310123456AB",
        "tentative nonconfirmation",
        "Mismatch issued 2026-11-09",
        "Notify the employee of the mismatch (Further Action Notice) 2026-11-23 — overdue",
        "Evidence E4",
        "3.1 Links to other candidates",
        "Jon Smyth (candidate 7) case 9 (escalated) phone +12025550142: our phone, their phone",
        "Note Scan sent by the vendor",
    ] {
        assert!(text.contains(words), "{words:?} missing");
    }
    assert!(
        !text.contains("Not recorded: this Vetdesk data directory"),
        "a given section printed as not recorded"
    );
    // A flag that no longer holds is in Appendix B, not in the body.
    let (body, appendix) = text.split_once("Appendix B: Red flags no longer open").unwrap();
    assert!(body.contains("1 flag(s) raised earlier no longer hold"), "{body}");
    assert!(!body.contains("Another candidate gives the same phone number"));
    assert!(appendix.contains("Another candidate gives the same phone number"), "{appendix}");
    assert!(appendix.contains("cleared by ivan: the number was corrected"), "{appendix}");

    // US Letter when the setting (or the locale) says so.
    for (paper, size) in [
        (vetdesk_core::store::Paper::Letter, "612 x 792 pts (letter)"),
        (vetdesk_core::store::Paper::A4, "595.276 x 841.89 pts (A4)"),
    ] {
        data.paper = paper;
        let made = report::render_case_report(&data, &w.store.files(), &mut |_| {}).unwrap();
        let path = artifacts("reports").join(format!("case-report-{paper:?}.pdf"));
        std::fs::write(&path, &made.pdf.bytes).unwrap();
        let info = tool("pdfinfo", &[path.to_str().unwrap()]);
        assert!(info.contains(size), "{info}");
    }

    // Recorded, and empty: "none recorded", once per section.
    data.verification = Verification {
        risk: None,
        red_flags: Some(vec![]),
        documents: Some(vec![]),
        interviews: Some(vec![]),
        everify: Some(vec![]),
        links: Some(vec![]),
    };
    let made = report::render_case_report(&data, &w.store.files(), &mut |_| {}).unwrap();
    let path = artifacts("reports").join("case-report-verification-empty.pdf");
    std::fs::write(&path, &made.pdf.bytes).unwrap();
    let text = flowing(&tool("pdftotext", &["-raw", path.to_str().unwrap(), "-"]));
    assert_eq!(text.matches("None recorded for this case.").count(), 5);
    // And not recorded at all (a store without verification records): said so, per section.
    data.verification = Verification::default();
    let made = report::render_case_report(&data, &w.store.files(), &mut |_| {}).unwrap();
    std::fs::write(&path, &made.pdf.bytes).unwrap();
    let text = flowing(&tool("pdftotext", &["-raw", path.to_str().unwrap(), "-"]));
    assert_eq!(text.matches("Not recorded: this Vetdesk data directory").count(), 5);
    assert!(text.contains("Risk score not recorded"));
}

/// The summary says who signed the decision off and why, and lists the cases of candidates
/// linked to this one rather than "none".
#[test]
fn the_summary_names_the_sign_off_and_the_linked_cases() {
    let w = worked_case();
    // Another candidate on the worked candidate's phone.
    let other = vetdesk_core::model::CandidateFields {
        legal_name: "Rafe Holm".into(),
        phones: vec!["(202) 555-0142".into()],
        ..Default::default()
    };
    let other_case =
        add_candidate_with_case(&w.store, other, vetdesk_core::model::Priority::Normal, None);
    w.store
        .apply(
            COMPLIANCE,
            Change::SetStatus {
                case_id: w.case_id,
                status: vetdesk_core::model::CaseStatus::Closed,
                decision: None,
                reason: "Rejection reviewed against the evidence".into(),
                grounds: vec![],
                override_reason: None,
            },
        )
        .unwrap();
    let made = report::case_report(&w.store, w.case_id, &options(), &mut |_| {}).unwrap();
    let path = artifacts("reports").join("case-report-signed-off.pdf");
    std::fs::write(&path, &made.pdf.bytes).unwrap();
    let raw = flowing(&tool("pdftotext", &["-raw", path.to_str().unwrap(), "-"]));
    assert!(
        raw.contains("Signed off Cora Lindqvist-Ødegård")
            && raw.contains("Rejection reviewed against the evidence"),
        "{raw}"
    );
    let related = raw.split("Related cases").nth(1).unwrap_or_default();
    assert!(
        related.starts_with(&format!(" case {other_case}")) && related.contains("Rafe Holm"),
        "{}",
        &related[..related.len().min(200)]
    );
}
