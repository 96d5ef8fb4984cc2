//! Evidence ingest against the machine's own pace, measured in the same run: `cp` of the same
//! file plus `openssl dgst -sha256` (SHA-NI, the fastest hashing here), with and without the
//! fsync that ingest does; the same ingest into an encrypted data directory (SHA-256 of the
//! plaintext and the sealed stream, as `evidence add` does there). Also the per-photo cost of
//! report images.
//!
//! `cargo bench --bench evidence_ingest`; environment: VETDESK_BENCH_MIB (file size, default
//! 1024), VETDESK_BENCH_RUNS (default 3, best run reported), VETDESK_BENCH_DIR (where to write;
//! default the system temp directory — put it on the disk the data directory will live on).

// A failed step is a failed benchmark: panicking with the cause is the report.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs::{self, File};
use std::io::{Cursor, Write};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rand::RngCore;
use sha2::{Digest, Sha256};
use vetdesk_core::evidence::{EvidenceFiles, Limits};
use vetdesk_crypto::DataKey;
use vetdesk_testkit::bench::{env_u64, mb_per_s, timed};
use vetdesk_testkit::run;

fn main() {
    let mib = env_u64("VETDESK_BENCH_MIB", 1024);
    let runs = env_u64("VETDESK_BENCH_RUNS", 3).max(1);
    let base = std::env::var_os("VETDESK_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);
    let dir = tempfile::tempdir_in(&base).unwrap();
    let bytes = mib * 1024 * 1024;

    // Random content: nothing compresses or deduplicates underneath us.
    let src = dir.path().join("source.bin");
    {
        let mut f = File::create(&src).unwrap();
        let mut buf = vec![0u8; 4 << 20];
        let mut left = bytes;
        while left > 0 {
            rand::rng().fill_bytes(&mut buf);
            let n = left.min(buf.len() as u64) as usize;
            f.write_all(&buf[..n]).unwrap();
            left -= n as u64;
        }
        f.sync_all().unwrap();
    }
    println!("evidence ingest: {mib} MiB random file in {}, best of {runs}", base.display());

    let (mut ingest, mut cp_dgst, mut cp_sync_dgst) = (Duration::MAX, Duration::MAX, Duration::MAX);
    let mut sealed = Duration::MAX;
    let key = std::sync::Arc::new(DataKey::generate().unwrap());
    for i in 0..runs {
        let data = dir.path().join(format!("data{i}"));
        let files = EvidenceFiles::new(&data);
        let (t, got) =
            timed(|| files.ingest_path(&src, &Limits::default(), &mut |_, _| {}).unwrap());
        ingest = ingest.min(t);

        let copy = dir.path().join(format!("copy{i}.bin"));
        let (t, digest) = timed(|| {
            run(Command::new("cp").arg(&src).arg(&copy));
            run(Command::new("openssl").args(["dgst", "-sha256", "-r"]).arg(&src))
        });
        cp_dgst = cp_dgst.min(t);
        assert!(digest.starts_with(&got.sha256.to_string()), "openssl disagrees: {digest}");
        fs::remove_file(&copy).unwrap();

        // `sync FILE` fsyncs just that file: the durability ingest pays for.
        let (t, _) = timed(|| {
            run(Command::new("cp").arg(&src).arg(&copy));
            run(Command::new("sync").arg(&copy));
            run(Command::new("openssl").args(["dgst", "-sha256", "-r"]).arg(&src))
        });
        cp_sync_dgst = cp_sync_dgst.min(t);
        fs::remove_file(&copy).unwrap();
        // Stored files are read-only but their directories are not: removal works as usual.
        fs::remove_dir_all(&data).unwrap();

        // The encrypted data directory's evidence store: same file, sealed as it is written.
        let files = EvidenceFiles::new(&data).with_key(Some(key.clone()));
        let (t, got_sealed) =
            timed(|| files.ingest_path(&src, &Limits::default(), &mut |_, _| {}).unwrap());
        sealed = sealed.min(t);
        assert_eq!(got_sealed.sha256, got.sha256, "the id is the plaintext's SHA-256");
        let stored = fs::metadata(files.path_of(&got.sha256)).unwrap().len();
        assert!(stored > bytes, "not sealed: {stored} bytes stored for {bytes}");
        fs::remove_dir_all(&data).unwrap();
    }

    // Hashing alone, in memory: the floor under every line above.
    let block = vec![7u8; 64 << 20];
    let (hash_only, _) = timed(|| {
        let mut h = Sha256::new();
        for _ in 0..(bytes / block.len() as u64).max(1) {
            h.update(&block);
        }
        h.finalize()
    });
    let hashed = (bytes / block.len() as u64).max(1) * block.len() as u64;

    let line = |what: &str, t: Duration, n: u64| {
        println!("  {what:<38} {:>8.3} s  {:>7.0} MB/s", t.as_secs_f64(), mb_per_s(n, t));
    };
    line("ingest (hash + write + fsync + rename)", ingest, bytes);
    line("ingest, encrypted data directory", sealed, bytes);
    line("cp + openssl dgst -sha256", cp_dgst, bytes);
    line("cp + sync + openssl dgst -sha256", cp_sync_dgst, bytes);
    line("sha2 alone, in memory", hash_only, hashed);
    println!(
        "  ratio ingest / (cp + openssl): {:.2}; ingest / (cp + sync + openssl): {:.2}",
        ingest.as_secs_f64() / cp_dgst.as_secs_f64(),
        ingest.as_secs_f64() / cp_sync_dgst.as_secs_f64()
    );

    let base_text = format!("{:.2} s cp + openssl dgst -sha256", cp_dgst.as_secs_f64());
    for (figure, t) in [
        (format!("evidence ingest of {mib} MiB"), ingest),
        (format!("evidence ingest of {mib} MiB, encrypted data directory"), sealed),
    ] {
        let ratio = t.as_secs_f64() / cp_dgst.as_secs_f64();
        vetdesk_testkit::bench::summary(
            &figure,
            &format!("{:.2} s", t.as_secs_f64()),
            &base_text,
            ratio,
            "≤ 1.5× cp + openssl",
            ratio <= 1.5,
        );
    }

    report_images(dir.path());
}

/// Report images: a 12-megapixel photo downscaled to 1600 px, as the report writer asks for
/// each of up to a hundred photos in turn.
fn report_images(dir: &Path) {
    let photo = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(4000, 3000, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x ^ y) % 256) as u8])
    }));
    let mut jpeg = Cursor::new(Vec::new());
    photo.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let files = EvidenceFiles::new(&dir.join("photos"));
    let (t_ingest, got) = timed(|| {
        files
            .ingest_reader(
                &mut Cursor::new(jpeg.get_ref()),
                "photo.jpg",
                &Limits::default(),
                &mut |_, _| {},
            )
            .unwrap()
    });
    let n = 10;
    let (t, _) = timed(|| {
        for _ in 0..n {
            files.jpeg_thumbnail(&got.sha256, 1600, 85).unwrap();
        }
    });
    let per = t / n;
    println!(
        "report image, 12 MP JPEG ({:.1} MB) to 1600 px: {:.0} ms each (100 photos: {:.1} s); \
         ingest with its 512 px preview: {:.0} ms",
        jpeg.get_ref().len() as f64 / 1e6,
        per.as_secs_f64() * 1e3,
        per.as_secs_f64() * 100.0,
        t_ingest.as_secs_f64() * 1e3
    );
}
