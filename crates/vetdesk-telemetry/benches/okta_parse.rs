//! Parse-only benchmark of the Okta reader: a synthetic System Log export of 1,000,000 events
//! (one JSON array, about 1.1 GB) read into events, timed next to `jq -c '.[]' FILE >
//! /dev/null` on the same file in the same run, with the peak resident memory of each.
//!
//! `cargo bench -p vetdesk-telemetry --bench okta_parse`; environment: VETDESK_BENCH_EVENTS
//! (default 1000000), VETDESK_BENCH_DIR (where the file goes; default the system temp
//! directory). jq and GNU time (`/usr/bin/time`) must be installed for the comparison.

// A failed step is a failed benchmark: panicking with the cause is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs::File;
use std::io::BufWriter;
use std::process::{Command, Stdio};
use std::time::Instant;

use chrono::{DateTime, Utc};
use vetdesk_telemetry::generate::write_okta_array;
use vetdesk_telemetry::{EventKind, Format, read};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Peak resident set of this process so far, in KiB (Linux `VmHWM`).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets `VmHWM` so that the peak measured is the parse's, not the generator's.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn main() {
    let n = env_u64("VETDESK_BENCH_EVENTS", 1_000_000);
    let dir = match std::env::var_os("VETDESK_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d).unwrap(),
        None => tempfile::tempdir().unwrap(),
    };
    let path = dir.path().join("okta.json");
    let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    let now: DateTime<Utc> = "2027-01-01T00:00:00Z".parse().unwrap();

    let t = Instant::now();
    let bytes =
        write_okta_array(BufWriter::new(File::create(&path).unwrap()), n, start, 42).unwrap();
    println!(
        "generated {n} Okta events, {:.1} MB, in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let reset = reset_peak_rss();
    let t = Instant::now();
    let mut events = 0u64;
    let mut sign_ins = 0u64;
    let report = read(File::open(&path).unwrap(), Some(Format::Okta), now, |e| {
        events += 1;
        if e.kind == EventKind::SignIn {
            sign_ins += 1;
        }
    })
    .unwrap();
    let ours = t.elapsed().as_secs_f64();
    let our_peak = peak_rss_kib();
    assert!(report.is_clean(), "{report}");
    assert_eq!(events, n);
    println!(
        "vetdesk-telemetry: {events} events ({sign_ins} sign-ins) in {ours:.2} s = {:.0} events/s, {:.0} MB/s; peak RSS {} ({})",
        events as f64 / ours,
        bytes as f64 / 1e6 / ours,
        our_peak.map_or("unknown".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
        if reset {
            "measured from the start of parsing"
        } else {
            "whole process, generator included"
        },
    );

    let t = Instant::now();
    let jq = Command::new("/usr/bin/time")
        .args(["-f", "%M", "jq", "-c", ".[]"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output();
    let theirs = t.elapsed().as_secs_f64();
    match jq {
        Ok(out) if out.status.success() => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let jq_peak = stderr.lines().last().and_then(|l| l.trim().parse::<u64>().ok());
            println!(
                "jq -c '.[]' > /dev/null: {theirs:.2} s = {:.0} events/s; peak RSS {}",
                n as f64 / theirs,
                jq_peak.map_or("unknown".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
            );
            println!("ratio vetdesk-telemetry / jq (time): {:.2}", ours / theirs);
        }
        Ok(out) => println!(
            "jq did not run cleanly ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => println!("jq or /usr/bin/time is not installed ({e}); no baseline this run"),
    }
}
