//! Previews are derived data, but what they show is evidence: the hash of the preview made at
//! ingest is recorded with the attach record, a preview replaced on disk is named by `verify`,
//! and neither a case report nor the app ever shows it (it is made again from the original).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;

use sha2::{Digest, Sha256};
use vetdesk_core::evidence::Sha256Hex;
use vetdesk_core::store::ProblemKind;
use vetdesk_export::report;
use vetdesk_testkit::*;

fn sha_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn a_replaced_preview_is_named_by_verify_and_never_reaches_a_report() {
    let (dir, store) = team_store();
    let case_id = open_case(&store, CANDIDATE, "ATS-7", None, None);
    let scan = dir.path().join("passport-scan.jpg");
    std::fs::write(&scan, card_jpeg(900, 640, 11, 6, 85)).unwrap();
    store.attach_file(REVIEWER, case_id, &scan, None, None, &mut |_, _| {}).unwrap();
    let evidence = store.evidence_of_case(case_id).unwrap().remove(0);
    let sha: Sha256Hex = evidence.sha256.parse().unwrap();
    let files = store.files();
    let recorded = evidence.thumbnail_sha256.clone().expect("the preview's hash is recorded");
    assert_eq!(files.preview_sha256(&sha).as_deref(), Some(recorded.as_str()));
    assert!(store.verify().unwrap().ok);

    // An insider puts another picture in the preview's place.
    let planted = card_jpeg(200, 140, 99, 40, 60);
    let path = files.thumbnail_path(&sha).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&path, &planted).unwrap();
    let report = store.verify().unwrap();
    assert!(!report.ok);
    let problem = report
        .problems
        .iter()
        .find(|p| p.location.starts_with("preview of evidence file"))
        .unwrap_or_else(|| panic!("{:#?}", report.problems));
    assert_eq!(problem.kind, ProblemKind::Evidence);
    assert!(problem.message.contains("recorded at ingest"), "{}", problem.message);

    // The report prints the preview the original gives, not the planted one.
    let made = report::case_report(&store, case_id, &options(), &mut |_| {}).unwrap();
    assert!(made.missing_previews.is_empty(), "{:?}", made.missing_previews);
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("case.pdf");
    std::fs::write(&pdf, &made.pdf.bytes).unwrap();
    let prefix = out.path().join("img");
    tool("pdfimages", &["-j", pdf.to_str().unwrap(), prefix.to_str().unwrap()]);
    let printed: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .map(|p| sha_hex(&std::fs::read(p).unwrap()))
        .collect();
    assert!(printed.contains(&recorded), "the recorded preview is printed: {printed:?}");
    assert!(!printed.contains(&sha_hex(&planted)), "the planted one is not");

    // Showing it put the true preview back on disk: verify is clean again.
    assert_eq!(files.preview_sha256(&sha).as_deref(), Some(recorded.as_str()));
    assert!(store.verify().unwrap().ok);
}

#[test]
fn the_same_file_attached_again_records_the_true_preview_not_a_replaced_one() {
    let (dir, store) = team_store();
    let first = open_case(&store, CANDIDATE, "ATS-8", None, None);
    let second = case_for(&store, "Second Candidate");
    let scan = dir.path().join("id-card.jpg");
    std::fs::write(&scan, card_jpeg(640, 400, 5, 4, 85)).unwrap();
    store.attach_file(REVIEWER, first, &scan, None, None, &mut |_, _| {}).unwrap();
    let recorded = store.evidence_of_case(first).unwrap()[0].thumbnail_sha256.clone().unwrap();
    let sha: Sha256Hex = store.evidence_of_case(first).unwrap()[0].sha256.parse().unwrap();
    let path = store.files().thumbnail_path(&sha).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&path, card_jpeg(64, 64, 1, 50, 50)).unwrap();

    store.attach_file(REVIEWER, second, &scan, None, None, &mut |_, _| {}).unwrap();
    let again = store.evidence_of_case(second).unwrap()[0].thumbnail_sha256.clone();
    assert_eq!(again.as_deref(), Some(recorded.as_str()));
    assert!(store.verify().unwrap().ok, "{:#?}", store.verify().unwrap().problems);
}
