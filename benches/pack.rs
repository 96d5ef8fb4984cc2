//! Audit pack export against common tools on the same evidence files, measured in the same
//! run: `zip -0` + `sha256sum` (what an admin would script), and `cp` + `openssl dgst -sha256`
//! (the hardware's pace: a copy and SHA-NI hashing). Peak resident memory of `vetdesk pack`
//! and `vetdesk verify-pack` is read from the child processes' VmHWM. A second part measures
//! storing against deflating JPEG evidence, which is why packs store evidence.
//!
//! `cargo bench --bench pack`; environment: VETDESK_BENCH_PACK_GIB (evidence size, default 5,
//! in one file so that the ZIP64 path is taken), VETDESK_BENCH_DIR (where to write; default
//! the system temp directory; twice the evidence size is needed at the peak).

// A failed step is a failed benchmark: panicking with the cause is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use vetdesk_testkit::bench::{env_u64, mb_per_s, timed};
use vetdesk_testkit::*;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

fn main() {
    let gib = env_u64("VETDESK_BENCH_PACK_GIB", 5).max(1);
    let base = std::env::var_os("VETDESK_BENCH_DIR").map_or_else(std::env::temp_dir, PathBuf::from);
    let bytes = gib << 30;
    let dir = tempfile::tempdir_in(&base).unwrap();
    // The evidence limit must admit the file: 2 GiB by default.
    let config = format!("evidence_max_bytes = {}\n", bytes + (1 << 30));
    let (data, store) = team_store_in(tempfile::tempdir_in(&base).unwrap(), &config);
    let case_id = open_case(&store, CANDIDATE, "ATS-BENCH", None, None);
    println!("audit pack: {gib} GiB of evidence in one file, in {}", base.display());

    // A sparse source file: it costs no disk, and the bytes do not matter to anything timed
    // here (packs store evidence without compressing it; hashing and copying take any bytes
    // at the same pace). The store's copy is written in full by the ingest.
    let src = dir.path().join("screen-recording.bin");
    File::create(&src).unwrap().set_len(bytes).unwrap();
    let (t_attach, _) = timed(|| {
        store
            .attach_file(
                REVIEWER,
                case_id,
                &src,
                None,
                Some("Screen recording".into()),
                &mut |_, _| {},
            )
            .unwrap()
    });
    fs::remove_file(&src).unwrap();
    println!("  setup: evidence attached in {:.1} s", t_attach.as_secs_f64());
    let evidence: Vec<PathBuf> = store
        .evidence_of_case(case_id)
        .unwrap()
        .iter()
        .map(|e| store.files().path_of(&e.sha256.parse().unwrap()))
        .collect();
    drop(store);

    // vetdesk pack, as a child process, with its peak memory.
    let out = dir.path().join("pack.zip");
    let mut cmd = vetdesk_command();
    cmd.arg("--data-dir")
        .arg(data.path())
        .args(["--as", COMPLIANCE, "pack", &case_id.to_string(), "-o"])
        .arg(&out);
    let (t_pack, (ok, text, pack_peak)) = timed(|| run_measuring_peak(cmd));
    assert!(ok, "{text}");
    let pack_size = fs::metadata(&out).unwrap().len();
    let mut cmd = vetdesk_command();
    cmd.arg("verify-pack").arg(&out);
    let (t_verify, (ok, text, verify_peak)) = timed(|| run_measuring_peak(cmd));
    assert!(ok && text.starts_with("OK: "), "{text}");
    // Standard tools read the ZIP64 archive too.
    let listing = run(Command::new("unzip").arg("-l").arg(&out));
    assert!(
        listing.contains(&bytes.to_string()),
        "unzip -l does not show the {bytes}-byte member:\n{listing}"
    );
    fs::remove_file(&out).unwrap();

    // The same evidence files with common tools.
    let zip0 = dir.path().join("zip0.zip");
    let (t_zip0, _) =
        timed(|| run(Command::new("zip").arg("-0").arg("-q").arg(&zip0).args(&evidence)));
    fs::remove_file(&zip0).unwrap();
    let (t_sum, _) = timed(|| run(Command::new("sha256sum").args(&evidence)));
    let copy = dir.path().join("copy");
    fs::create_dir(&copy).unwrap();
    let (t_cp, _) = timed(|| run(Command::new("cp").args(&evidence).arg(&copy)));
    fs::remove_dir_all(&copy).unwrap();
    let (t_dgst, _) =
        timed(|| run(Command::new("openssl").args(["dgst", "-sha256"]).args(&evidence)));

    let line = |what: &str, t: Duration| {
        println!("  {what:<40} {:>8.2} s  {:>6.0} MB/s", t.as_secs_f64(), mb_per_s(bytes, t));
    };
    line("vetdesk pack (report, hash, zip, fsync)", t_pack);
    line("vetdesk verify-pack (hash every member)", t_verify);
    line("zip -0", t_zip0);
    line("sha256sum", t_sum);
    line("zip -0 + sha256sum", t_zip0 + t_sum);
    line("cp", t_cp);
    line("openssl dgst -sha256", t_dgst);
    line("cp + openssl dgst -sha256", t_cp + t_dgst);
    println!(
        "  pack size {:.2} GiB; peak resident: pack {} MiB, verify-pack {} MiB",
        pack_size as f64 / (1u64 << 30) as f64,
        pack_peak >> 10,
        verify_peak >> 10
    );
    println!(
        "  ratio pack / (zip -0 + sha256sum): {:.2}; pack / (cp + openssl): {:.2}",
        t_pack.as_secs_f64() / (t_zip0 + t_sum).as_secs_f64(),
        t_pack.as_secs_f64() / (t_cp + t_dgst).as_secs_f64()
    );
    drop(data);

    store_or_deflate(dir.path());
}

/// Twenty-five 12 MP JPEGs written into a ZIP stored and deflated: the time deflating costs
/// and the bytes it saves on already-compressed photos.
fn store_or_deflate(dir: &Path) {
    let base = photo(4000, 3000, 7, 90);
    let photos: Vec<Vec<u8>> = (0..25).map(|n| variant(&base, n)).collect();
    let total: u64 = photos.iter().map(|p| p.len() as u64).sum();
    let measure = |method: CompressionMethod| {
        let path = dir.join("photos.zip");
        let (t, ()) = timed(|| {
            let mut zip =
                zip::ZipWriter::new(std::io::BufWriter::new(File::create(&path).unwrap()));
            for (n, p) in photos.iter().enumerate() {
                zip.start_file(
                    format!("IMG_{n:04}.jpg"),
                    SimpleFileOptions::default().compression_method(method),
                )
                .unwrap();
                zip.write_all(p).unwrap();
            }
            zip.finish().unwrap().flush().unwrap();
        });
        let size = fs::metadata(&path).unwrap().len();
        fs::remove_file(&path).unwrap();
        (t, size)
    };
    let (t_store, s_store) = measure(CompressionMethod::Stored);
    let (t_deflate, s_deflate) = measure(CompressionMethod::Deflated);
    println!(
        "JPEG evidence, 25 photos of 12 MP ({:.0} MB): stored {:.2} s, {:.1} MB; deflated {:.2} s, \
         {:.1} MB — deflate takes {:.1}× the time to save {:.2} %",
        total as f64 / 1e6,
        t_store.as_secs_f64(),
        s_store as f64 / 1e6,
        t_deflate.as_secs_f64(),
        s_deflate as f64 / 1e6,
        t_deflate.as_secs_f64() / t_store.as_secs_f64(),
        100.0 * (s_store as f64 - s_deflate as f64) / s_store as f64
    );
}
