//! What the benchmarks share: settings from the environment, timing, and rates.

use std::time::{Duration, Instant};

/// A number from the environment, or `default` when unset or not a number.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// How long `f` took, and what it returned.
pub fn timed<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let out = f();
    (start.elapsed(), out)
}

/// Megabytes (10^6 bytes) per second.
pub fn mb_per_s(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// The middle sample.
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The file every benchmark of a `make bench` run adds its headline figures to, one line each;
/// `scripts/bench-summary.sh` turns it into the closing table and `docs/benchmarks.md`.
pub fn summary_file() -> std::path::PathBuf {
    std::env::var_os("VETDESK_BENCH_SUMMARY").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-summary.tsv"),
        Into::into,
    )
}

/// One headline figure: what was measured, its value and the baseline from the same run (as
/// text with units), their ratio, the goal, and whether it was met. Printed, and added to
/// [`summary_file`].
pub fn summary(figure: &str, value: &str, baseline: &str, ratio: f64, goal: &str, pass: bool) {
    use std::io::Write as _;
    let verdict = if pass { "pass" } else { "FAIL" };
    let line = format!("{figure}\t{value}\t{baseline}\t{ratio:.2}\t{goal}\t{verdict}");
    println!("summary: {}", line.replace('\t', " | "));
    let path = summary_file();
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| writeln!(f, "{line}"));
    if let Err(e) = written {
        eprintln!("could not add to {}: {e}", path.display());
    }
}
