//! The case report of a case with 100 photographs of 12 megapixels, attached as the app attaches
//! them (preview made at ingest, its hash recorded): time, size, pages and peak memory, next to
//! the time making the 100 previews again from the photos would take (decoding and shrinking
//! each), measured in the same run — what the report saves by reading the stored previews.
//!
//! `cargo bench --bench report`; environment: VETDESK_BENCH_PHOTOS (default 100).

// A failed step is a failed benchmark: panicking with the cause is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use vetdesk_export::report;
use vetdesk_testkit::*;

fn main() {
    let n: u32 =
        std::env::var("VETDESK_BENCH_PHOTOS").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let (_dir, store) = team_store();
    let case_id = open_case(&store, CANDIDATE, "ATS-BENCH", None, None);
    let base = photo(4000, 3000, 7, 90);
    let mut shas = Vec::new();
    for i in 0..n {
        let id =
            attach_photo(&store, case_id, &format!("IMG_{:04}.jpg", 1000 + i), &variant(&base, i));
        shas.push(store.evidence(id).unwrap().sha256.parse().unwrap());
    }
    println!("case report: {n} photos of 12 MP, {:.1} MB each", base.len() as f64 / 1e6);
    drop(base);

    let files = store.files();
    // Both timings below start from files in the page cache.
    for sha in &shas {
        std::fs::read(files.path_of(sha)).unwrap();
    }
    // Best of two, interleaved: the machine is shared, and the first pass of each may be
    // slowed by whatever else runs.
    let mut previews = Duration::MAX;
    let mut t = Duration::MAX;
    let mut preview_bytes = 0;
    let mut made = None;
    let before = peak_rss_kib();
    for _ in 0..2 {
        let started = Instant::now();
        preview_bytes = 0;
        for sha in &shas {
            preview_bytes += files
                .jpeg_thumbnail(sha, report::PREVIEW_MAX_SIDE, report::PREVIEW_QUALITY)
                .unwrap()
                .len();
        }
        previews = previews.min(started.elapsed());
        let started = Instant::now();
        made = Some(report::case_report(&store, case_id, &options(), &mut |_| {}).unwrap());
        t = t.min(started.elapsed());
    }
    let after = peak_rss_kib();
    let made = made.unwrap();
    assert_eq!(made.previews, n as usize);
    println!(
        "  previews alone ({} px): {:>6.2} s, {:.0} ms per photo, {:.2} MB of JPEG",
        report::PREVIEW_MAX_SIDE,
        previews.as_secs_f64(),
        previews.as_secs_f64() * 1000.0 / f64::from(n),
        preview_bytes as f64 / 1e6
    );
    println!(
        "  whole report:           {:>6.2} s, {:.2} MB, {} pages (ratio to previews alone {:.2})",
        t.as_secs_f64(),
        made.pdf.bytes.len() as f64 / 1e6,
        made.pdf.page_count,
        t.as_secs_f64() / previews.as_secs_f64()
    );
    println!(
        "  peak resident memory: {} MiB before the report, {} MiB after",
        before >> 10,
        after >> 10
    );
    let mb = made.pdf.bytes.len() as f64 / 1e6;
    vetdesk_testkit::bench::summary(
        &format!("case report, {n} photos of 12 MP"),
        &format!("{:.2} s, {mb:.1} MB", t.as_secs_f64()),
        &format!("{:.2} s previews alone", previews.as_secs_f64()),
        t.as_secs_f64() / previews.as_secs_f64(),
        "< 3 s, < 20 MB",
        t.as_secs_f64() < 3.0 && mb < 20.0,
    );
}
