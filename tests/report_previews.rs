//! The case report prints the preview the evidence store keeps for each image (made at ingest
//! at the report's size) instead of decoding the photo again, and makes and keeps one only
//! when it is missing.
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
    // Attached without a preview (as if it had been lost).
    attach_photo_quickly(&store, case_id, "IMG_0001.jpg", &photo(2000, 1500, 3, 90));
    assert!(stored_previews(dir.path()).is_empty());

    let first = report::case_report(&store, case_id, &options(), &mut |_| {}).unwrap();
    assert_eq!(first.previews, 1);
    let kept = stored_previews(dir.path());
    assert_eq!(kept.len(), 1, "the missing preview was made and kept");
    let side = report::PREVIEW_MAX_SIDE;
    assert_eq!(placed_sizes(&first.pdf.bytes, "preview-rebuilt.pdf"), [(side, side * 3 / 4)]);

    // Swap the kept preview for a small marker image: the next report prints the marker, so it
    // read the stored preview rather than decoding the photo again.
    let marker = card_jpeg(64, 48, 1, 0, 80);
    std::fs::remove_file(&kept[0]).unwrap();
    std::fs::write(&kept[0], &marker).unwrap();
    let second = report::case_report(&store, case_id, &options(), &mut |_| {}).unwrap();
    assert_eq!(placed_sizes(&second.pdf.bytes, "preview-reused.pdf"), [(64, 48)]);
}
