//! `vetdesk telemetry import` of an Okta System Log export of 1,000,000 events (one JSON array,
//! about 1.1 GB, in the vendor's shape: `crates/vetdesk-telemetry/src/generate.rs`), as a user
//! runs it: one whole process that parses, matches each event to an employee (ten hired
//! workers among the file's 5,000 accounts; the rest are counted as unmatched), stores every
//! event, keeps the file as evidence and evaluates the post-hire rules. Timed beside
//! `jq -c '.[]' FILE > /dev/null` on the same file in the same run, with the peak resident
//! memory of each (GNU time's maximum RSS).
//!
//! `cargo bench --bench telemetry_import`; environment: VETDESK_BENCH_EVENTS (default
//! 1000000), VETDESK_BENCH_DIR (where the file and data directory go; default the system temp
//! directory). jq and GNU time (`/usr/bin/time`) come with `scripts/setup.sh`.

// A failed step is a failed benchmark: panicking with the cause is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use vetdesk_telemetry::generate::write_okta_array;
use vetdesk_testkit::bench::{env_u64, summary};

const BIN: &str = env!("CARGO_BIN_EXE_vetdesk");
/// The memory goal of the issue: flat whatever the file's size.
const PEAK_GOAL_MIB: f64 = 200.0;

/// Runs `program args` under GNU time; its wall time and maximum resident set (KiB).
fn measured(program: &str, args: &[&str], stdout: Stdio) -> (Duration, Option<u64>, Output) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(program)
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("GNU time (/usr/bin/time) is installed by scripts/setup.sh");
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let peak = stderr.lines().last().and_then(|l| l.trim().parse::<u64>().ok());
    (took, peak, out)
}

fn vetdesk(dir: &Path, args: &[&str]) {
    let out = Command::new(BIN).arg("--data-dir").arg(dir).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("unknown".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0))
}

fn main() {
    let n = env_u64("VETDESK_BENCH_EVENTS", 1_000_000);
    let base = match std::env::var_os("VETDESK_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let file = base.path().join("okta-system-log.json");
    let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    let t = Instant::now();
    let bytes =
        write_okta_array(BufWriter::new(File::create(&file).unwrap()), n, start, 42).unwrap();
    println!(
        "telemetry import benchmark: {n} Okta events, {:.1} MB, generated in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    // Ten hired workers among the file's accounts (worker0 … worker4999@corp.example); every
    // other account's events are unmatched, counted and kept.
    let dir = base.path().join("data");
    vetdesk(&dir, &["init"]);
    vetdesk(&dir, &["user", "add", "ada", "--role", "admin"]);
    vetdesk(&dir, &["--as", "ada", "user", "add", "ivan", "--role", "investigator"]);
    for w in (0..5000).step_by(500) {
        let (name, account) = (format!("Worker {w}"), format!("worker{w}@corp.example"));
        vetdesk(
            &dir,
            &[
                "--as",
                "ada",
                "hire",
                "--existing",
                "--name",
                &name,
                "--location",
                "Austin, TX",
                "--time-zone",
                "America/Chicago",
                "--start",
                "2025-12-01",
                "--account",
                &account,
            ],
        );
    }

    let path = file.to_str().unwrap();
    let data = dir.to_str().unwrap();
    let (ours, our_peak, out) = measured(
        BIN,
        &["--data-dir", data, "--as", "ivan", "--json", "telemetry", "import", path],
        Stdio::piped(),
    );
    assert!(out.status.success(), "import: {}", String::from_utf8_lossy(&out.stderr));
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outcome["events"], n, "{outcome}");
    assert_eq!(outcome["added"], n, "{outcome}");
    let matched = outcome["matched"].as_u64().unwrap();
    assert!(matched > 0 && matched < n, "{outcome}");

    let (jq, jq_peak, jq_out) = measured("jq", &["-c", ".[]", path], Stdio::null());
    assert!(jq_out.status.success(), "jq: {}", String::from_utf8_lossy(&jq_out.stderr));

    let (ours_s, jq_s) = (ours.as_secs_f64(), jq.as_secs_f64());
    println!(
        "  vetdesk telemetry import: {ours_s:.2} s ({:.0} events/s, {:.0} MB/s), {matched} matched \
         to 10 employees, {} unmatched; peak RSS {}",
        n as f64 / ours_s,
        bytes as f64 / 1e6 / ours_s,
        outcome["unmatched"],
        mib(our_peak)
    );
    println!("  jq -c '.[]' > /dev/null: {jq_s:.2} s; peak RSS {}", mib(jq_peak));
    let db = std::fs::metadata(dir.join("vetdesk.db")).map(|m| m.len()).unwrap_or(0);
    println!("  database after the import: {:.1} MB", db as f64 / 1e6);

    summary(
        &format!("telemetry import, {n} Okta events ({:.0} MB, whole process)", bytes as f64 / 1e6),
        &format!("{ours_s:.2} s"),
        &format!("jq -c '.[]' {jq_s:.2} s"),
        ours_s / jq_s,
        "≤ jq",
        ours_s <= jq_s,
    );
    let peak_mib = our_peak.map_or(f64::INFINITY, |k| k as f64 / 1024.0);
    summary(
        "telemetry import peak memory (max RSS)",
        &mib(our_peak),
        &format!("jq {}", mib(jq_peak)),
        our_peak.zip(jq_peak).map_or(0.0, |(a, b)| a as f64 / b.max(1) as f64),
        &format!("< {PEAK_GOAL_MIB:.0} MiB"),
        peak_mib < PEAK_GOAL_MIB,
    );
}
