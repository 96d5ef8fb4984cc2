//! Memory stays flat however large the evidence: `vetdesk pack` and `vetdesk verify-pack`
//! are run as child processes on a case with a few KiB of evidence and on one with 320 MiB,
//! and their peak resident memory (VmHWM) is compared. The 5 GiB run is in `benches/pack.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_testkit::*;

const LARGE: u64 = 320 * 1024 * 1024;

/// A case with one evidence file of `size` bytes (a sparse file: zeros, read like any other).
fn case_with_evidence(size: u64) -> Worked {
    let (dir, store) = team_store();
    let case_id = open_case(&store, CANDIDATE, "ATS-1", None, None);
    let path = dir.path().join("disk-image.bin");
    std::fs::File::create(&path).unwrap().set_len(size).unwrap();
    store
        .attach_file(
            REVIEWER,
            case_id,
            &path,
            None,
            Some("Laptop disk image".into()),
            &mut |_, _| {},
        )
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    Worked { dir, store, case_id, evidence: Vec::new(), distinct_images: 0 }
}

/// (peak KiB of `pack`, peak KiB of `verify-pack`, pack size)
fn measure(w: &Worked) -> (u64, u64, u64) {
    let out = w.dir.path().join("pack.zip");
    let mut pack = vetdesk_command();
    pack.arg("--data-dir")
        .arg(w.dir.path())
        .args(["--as", COMPLIANCE, "pack", &w.case_id.to_string(), "-o"])
        .arg(&out);
    let started = std::time::Instant::now();
    let (ok, text, pack_peak) = run_measuring_peak(pack);
    assert!(ok, "{text}");
    let pack_time = started.elapsed();
    let mut verify = vetdesk_command();
    verify.arg("verify-pack").arg(&out);
    let started = std::time::Instant::now();
    let (ok, text, verify_peak) = run_measuring_peak(verify);
    assert!(ok && text.starts_with("OK: "), "{text}");
    let size = std::fs::metadata(&out).unwrap().len();
    println!(
        "pack of {} MiB: made in {pack_time:?} with peak {} MiB resident; verified in {:?} with peak {} MiB",
        size >> 20,
        pack_peak >> 10,
        started.elapsed(),
        verify_peak >> 10
    );
    std::fs::remove_file(&out).unwrap();
    (pack_peak, verify_peak, size)
}

#[test]
fn memory_does_not_grow_with_the_evidence() {
    let small = case_with_evidence(4096);
    let (pack_small, verify_small, _) = measure(&small);
    drop(small);
    let large = case_with_evidence(LARGE);
    let (pack_large, verify_large, size) = measure(&large);
    assert!(size > LARGE, "the evidence is in the pack");
    assert!(pack_small > 0 && verify_small > 0, "no memory reading: is /proc mounted?");
    // 320 MiB more evidence may cost buffers, never the file: a few MiB of noise at most.
    for (what, small, large) in
        [("pack", pack_small, pack_large), ("verify-pack", verify_small, verify_large)]
    {
        assert!(
            large < small + 24 * 1024,
            "{what}: peak grew from {small} KiB to {large} KiB with 320 MiB more evidence"
        );
        assert!(large < 200 * 1024, "{what}: peak {large} KiB");
    }
}
