//! Memory stays flat for team evidence: a 1 GiB file is attached in team mode (hashed, sized
//! and sniffed into a temp file, then streamed into the database's chunks), read back whole
//! and re-hashed by `verify`, and this process's peak resident memory (VmHWM, reset after a
//! small warm-up) grows by a small fraction of the file, not by the file. (256 MiB instead
//! where the disk has no room for the 1 GiB run.) No timing: the
//! figures are printed, the assertion is on memory alone. (Its own test binary, so that no
//! other test's allocations share the peak.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;

use sha2::{Digest, Sha256};
use vetdesk_core::evidence::chunked::CHUNK_LEN;
use vetdesk_testkit::*;

const LARGE: u64 = 1 << 30;
/// On a machine with less free disk than the 1 GiB run needs (the temp file, the table and
/// the server's write-ahead log: about 4 GiB), 256 MiB: still five times the allowed growth.
const SMALLER: u64 = 256 << 20;

/// Free bytes on the file system of the temp directory (where the test cluster lives too).
fn free_disk() -> u64 {
    let stat = rustix::fs::statvfs(std::env::temp_dir()).unwrap();
    stat.f_bavail * stat.f_frsize
}
/// Allowed growth of the peak: a few chunks' worth of buffers, far below the file.
const FLAT: u64 = 48 << 20;

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn large_team_evidence_streams_in_and_out_of_the_database_in_flat_memory() {
    with_backend(TestBackend::Postgres, || {
        let (dir, store) = team_store();
        let case = open_case(&store, CANDIDATE, "ATS-M1", None, None);
        let attach = |name: &str, size: u64| {
            let path = dir.path().join(name);
            std::fs::File::create(&path).unwrap().set_len(size).unwrap();
            store.attach_file(REVIEWER, case, &path, None, None, &mut |_, _| {}).unwrap();
            std::fs::remove_file(&path).unwrap();
            let sha = store.evidence_of_case(case).unwrap().last().unwrap().sha256.clone();
            sha.parse::<vetdesk_core::evidence::Sha256Hex>().unwrap()
        };
        let read_back = |sha| {
            let mut reader = store.files().open(&sha).unwrap();
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 64 * 1024];
            let mut total = 0u64;
            loop {
                let n = reader.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                total += n as u64;
            }
            assert!(reader.chunk_buffer().unwrap() <= CHUNK_LEN, "one chunk held at a time");
            assert_eq!(hex::encode(hasher.finalize()), sha.to_hex());
            total
        };
        // Warm-up through the same paths (connections, statement caches, allocator arenas).
        let small = attach("warm-up.bin", 3 << 20);
        assert_eq!(read_back(small), 3 << 20);
        std::fs::write("/proc/self/clear_refs", "5").unwrap();
        let base = status_kib("VmHWM:");

        let size = if free_disk() >= 4 * LARGE { LARGE } else { SMALLER };
        let large = attach("disk-image.bin", size);
        let after_ingest = status_kib("VmHWM:");
        assert_eq!(read_back(large), size);
        let after_read = status_kib("VmHWM:");
        let report = store.verify().unwrap();
        assert!(report.ok, "{:?}", report.problems);
        let after_verify = status_kib("VmHWM:");
        println!(
            "{} MiB of team evidence: peak resident {} MiB before, {} MiB after ingest, {} MiB \
             after reading back, {} MiB after verify (growth {} MiB, {:.2}% of the file)",
            size >> 20,
            base >> 10,
            after_ingest >> 10,
            after_read >> 10,
            after_verify >> 10,
            (after_verify - base) >> 10,
            ((after_verify - base) << 10) as f64 * 100.0 / size as f64
        );
        assert!(
            (after_verify - base) << 10 < FLAT,
            "peak grew by {} MiB for a {} MiB file",
            (after_verify - base) >> 10,
            size >> 20
        );
        assert_eq!(std::fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0);
    });
}
