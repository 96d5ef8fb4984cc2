//! The case report prints the preview the evidence store keeps for each image (made at ingest
//! at the report's size, its hash recorded) instead of decoding the photo again, and makes and
//! keeps one only when it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use vetdesk_export::report;
use vetdesk_testkit::*;

fn stored_previews(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(shards) = std::fs::read_dir(root.join("thumbs")) else { return found };
    for shard in shards {
        for file in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            found.push(file.unwrap().path());
        }
    }
    found
}

/// (width, height) of every image placed in the PDF.
fn placed_sizes(pdf: &[u8], name: &str) -> Vec<(u32, u32)> {
    let path = artifacts("reports").join(name);
    std::fs::write(&path, pdf).unwrap();
    let list = tool("pdfimages", &["-list", path.to_str().unwrap()]);
    list.lines()
        .skip(2)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[3].parse().unwrap(), f[4].parse().unwrap())
        })
        .collect()
}

#[test]
fn the_report_reuses_the_stored_preview_and_rebuilds_only_a_missing_one() {
    let (dir, store) = team_store();
    let case_id = open_case(&store, CANDIDATE, "ATS-7", None, None);
    let source = dir.path().join("IMG_0001.jpg");
    std::fs::write(&source, photo(2000, 1500, 3, 90)).unwrap();
    store.attach_file(REVIEWER, case_id, &source, None, None, &mut |_, _| {}).unwrap();
    let evidence = store.evidence_of_case(case_id).unwrap().remove(0);
    let recorded = evidence.thumbnail_sha256.clone().expect("a preview was made and recorded");
    let kept = stored_previews(dir.path());
    assert_eq!(kept.len(), 1);

    // Lost: the report makes it again from the photo, and keeps it (the same bytes as recorded).
    std::fs::remove_file(&kept[0]).unwrap();
    let first = report::case_report(&store, case_id, &options(), &mut |_| {}).unwrap();
    assert_eq!(first.previews, 1);
    assert_eq!(stored_previews(dir.path()), kept, "the missing preview was made and kept");
    let sha = evidence.sha256.parse().unwrap();
    assert_eq!(store.files().preview_sha256(&sha), Some(recorded));
    let side = report::PREVIEW_MAX_SIDE;
    assert_eq!(placed_sizes(&first.pdf.bytes, "preview-rebuilt.pdf"), [(side, side * 3 / 4)]);

    // Take the photo itself away: the next report still prints the preview, so it read the
    // stored one rather than decoding the photo again.
    let original = store.files().path_of(&sha);
    std::fs::remove_file(&original).unwrap();
    let second = report::case_report(&store, case_id, &options(), &mut |_| {}).unwrap();
    assert!(second.missing_previews.is_empty(), "{:?}", second.missing_previews);
    assert_eq!(placed_sizes(&second.pdf.bytes, "preview-reused.pdf"), [(side, side * 3 / 4)]);
}

/// Evidence attached with no preview recorded (before previews were hashed) still gets one in
/// the report, made from the photo each time, since nothing says which stored preview is true.
#[test]
fn evidence_without_a_recorded_preview_is_previewed_from_the_photo() {
    let (dir, store) = team_store();
    let case_id = open_case(&store, CANDIDATE, "ATS-8", None, None);
    attach_photo_unrecorded(&store, case_id, "IMG_0002.jpg", &photo(2000, 1500, 4, 90));
    assert!(stored_previews(dir.path()).is_empty());
    let made = report::case_report(&store, case_id, &options(), &mut |_| {}).unwrap();
    assert_eq!(made.previews, 1);
    let side = report::PREVIEW_MAX_SIDE;
    assert_eq!(placed_sizes(&made.pdf.bytes, "preview-unrecorded.pdf"), [(side, side * 3 / 4)]);
}
