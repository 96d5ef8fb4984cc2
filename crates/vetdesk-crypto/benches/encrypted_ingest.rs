//! Encrypted evidence ingest (SHA-256 of the plaintext + AES-256-GCM stream + write) against
//! the machine's own pace, measured in the same run: `cp` of the same file plus
//! `openssl dgst -sha256` (SHA-NI). The target is a ratio within 1.5. Also: one thread against
//! two, decryption, and the process's peak memory (flat whatever the file size).
//!
//! `cargo bench -p vetdesk-crypto --bench encrypted_ingest`; environment: VETDESK_BENCH_MIB
//! (file size, default 1024), VETDESK_BENCH_RUNS (default 3, best run reported),
//! VETDESK_BENCH_DIR (where to write; default the system temp directory).

// A failed step is a failed benchmark: panicking with the cause is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use vetdesk_crypto::{DataKey, Threads, decrypt_stream, hash_and_encrypt, random_bytes};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn ingest(src: &Path, dst: &Path, key: &DataKey, threads: Threads, sync: bool) -> [u8; 32] {
    let (got, file) =
        hash_and_encrypt(File::open(src).unwrap(), File::create(dst).unwrap(), key, threads)
            .unwrap();
    if sync {
        file.sync_all().unwrap();
    }
    got.sha256
}

fn main() {
    let mib = env_u64("VETDESK_BENCH_MIB", 1024);
    let runs = env_u64("VETDESK_BENCH_RUNS", 3).max(1);
    let base = std::env::var_os("VETDESK_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);
    let dir = tempfile::tempdir_in(&base).unwrap();
    let bytes = mib * 1024 * 1024;
    let key = DataKey::generate().unwrap();

    // Random content: nothing compresses or deduplicates underneath us.
    let src = dir.path().join("source.bin");
    {
        let mut f = File::create(&src).unwrap();
        let mut buf = vec![0u8; 4 << 20];
        let mut left = bytes;
        while left > 0 {
            random_bytes(&mut buf).unwrap();
            let n = left.min(buf.len() as u64) as usize;
            f.write_all(&buf[..n]).unwrap();
            left -= n as u64;
        }
        f.sync_all().unwrap();
    }
    let rss_before = peak_rss_mib();
    println!("encrypted ingest: {mib} MiB random file in {}, best of {runs}", base.display());

    let mut best = [Duration::MAX; 6];
    let (two, one, two_sync, base_t, base_sync, dec) = (0, 1, 2, 3, 4, 5);
    let dst = dir.path().join("sealed.bin");
    let copy = dir.path().join("copy.bin");
    for _ in 0..runs {
        let (t, digest) = timed(|| ingest(&src, &dst, &key, Threads::Two, false));
        best[two] = best[two].min(t);
        fs::remove_file(&dst).unwrap();

        let (t, _) = timed(|| ingest(&src, &dst, &key, Threads::One, false));
        best[one] = best[one].min(t);
        fs::remove_file(&dst).unwrap();

        let (t, _) = timed(|| ingest(&src, &dst, &key, Threads::Two, true));
        best[two_sync] = best[two_sync].min(t);

        let (t, n) = timed(|| decrypt_stream(File::open(&dst).unwrap(), io::sink(), &key).unwrap());
        assert_eq!(n, bytes);
        best[dec] = best[dec].min(t);
        fs::remove_file(&dst).unwrap();

        let (t, out) = timed(|| {
            run(Command::new("cp").arg(&src).arg(&copy));
            run(Command::new("openssl").args(["dgst", "-sha256", "-r"]).arg(&src))
        });
        best[base_t] = best[base_t].min(t);
        assert!(out.starts_with(&hex::encode(digest)), "openssl disagrees: {out}");
        fs::remove_file(&copy).unwrap();

        // `sync FILE` fsyncs just that file: the durability ingest pays for.
        let (t, _) = timed(|| {
            run(Command::new("cp").arg(&src).arg(&copy));
            run(Command::new("sync").arg(&copy));
            run(Command::new("openssl").args(["dgst", "-sha256", "-r"]).arg(&src))
        });
        best[base_sync] = best[base_sync].min(t);
        fs::remove_file(&copy).unwrap();
    }

    let line = |what: &str, t: Duration| {
        let rate = bytes as f64 / 1e6 / t.as_secs_f64();
        println!("  {what:<44} {:>8.3} s  {rate:>7.0} MB/s", t.as_secs_f64());
    };
    line("hash + encrypt + write, two threads", best[two]);
    line("hash + encrypt + write, one thread", best[one]);
    line("hash + encrypt + write + fsync, two threads", best[two_sync]);
    line("decrypt + verify (to nowhere)", best[dec]);
    line("cp + openssl dgst -sha256", best[base_t]);
    line("cp + sync + openssl dgst -sha256", best[base_sync]);
    let ratio = |a: usize, b: usize| best[a].as_secs_f64() / best[b].as_secs_f64();
    println!(
        "  ratio encrypted ingest / (cp + openssl): {:.2} (two threads), {:.2} (one thread); \
         with fsync / (cp + sync + openssl): {:.2}; target: within 1.5",
        ratio(two, base_t),
        ratio(one, base_t),
        ratio(two_sync, base_sync)
    );
    if let (Some(before), Some(after)) = (rss_before, peak_rss_mib()) {
        println!("  peak resident memory: {before:.1} MiB before ingest, {after:.1} MiB after");
    }
}
