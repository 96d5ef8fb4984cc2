//! A case with 100 photographs of 12 megapixels gives a report under 20 MB, its previews made
//! one image at a time: memory stays at one decoded photo, not a hundred. One 12 MP JPEG is
//! generated and attached as 100 byte-variants (each its own file and hash).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use vetdesk_export::report;
use vetdesk_testkit::*;

#[test]
fn hundred_twelve_megapixel_photos_give_a_small_report() {
    let (_dir, store) = team_store();
    let case_id = open_case(&store, CANDIDATE, "ATS-100", None, None);
    let started = Instant::now();
    let base = photo(4000, 3000, 7, 90);
    let made_in = started.elapsed();
    let started = Instant::now();
    for n in 0..100 {
        attach_photo_unrecorded(
            &store,
            case_id,
            &format!("IMG_{:04}.jpg", 1000 + n),
            &variant(&base, n),
        );
    }
    println!(
        "one 12 MP photo of {:.1} MB made in {made_in:?}; 100 variants attached in {:?}",
        base.len() as f64 / 1e6,
        started.elapsed()
    );
    drop(base);
    let before = peak_rss_kib();

    let started = Instant::now();
    let mut previews = 0;
    let made = report::case_report(&store, case_id, &options(), &mut |p| {
        if p.stage == report::Stage::Previews {
            previews = p.done;
        }
    })
    .unwrap();
    let elapsed = started.elapsed();
    let after = peak_rss_kib();
    let size = made.pdf.bytes.len();
    println!(
        "report of 100 photos: {:.2} MB, {} pages in {elapsed:?}; peak resident {} MiB before, {} MiB after",
        size as f64 / 1e6,
        made.pdf.page_count,
        before >> 10,
        after >> 10
    );
    assert_eq!((made.previews, previews), (100, 100));
    assert!(made.missing_previews.is_empty(), "{:?}", made.missing_previews);
    assert!(size < 20_000_000, "{size} bytes");
    // One decoded 12 MP photo is 36 MB; a hundred would be 3.6 GB.
    assert!(after < 400 * 1024, "peak resident {after} KiB");

    let path = artifacts("reports").join("hundred-photos.pdf");
    std::fs::write(&path, &made.pdf.bytes).unwrap();
    let list = tool("pdfimages", &["-list", path.to_str().unwrap()]);
    let jpegs =
        list.lines().skip(2).filter(|l| l.split_whitespace().nth(8) == Some("jpeg")).count();
    assert_eq!(jpegs, 100, "{list}");
    assert!(
        tool("qpdf", &["--check", path.to_str().unwrap()])
            .contains("No syntax or stream encoding errors")
    );
}
