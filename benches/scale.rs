//! Vetdesk at 100,000 candidates as a user meets it: every figure is a whole `vetdesk` process
//! (start, open, work, close), beside a baseline from the same run. Imports 100,000 candidates
//! from a CSV (all or nothing), then times `case show`, `search`, `links` and `verify` against
//! the same commands on a data directory of 10 candidates, and reports the database's size per
//! candidate, the write-ahead log left behind, and `verify`'s peak memory beside its peak at
//! 1,000 candidates.
//!
//! The import is also measured in CPU time (user + system of both its threads, GNU time),
//! which a machine shared with other work does not inflate as it does wall time. Given VETDESK_BENCH_BASELINE_BIN (a
//! `vetdesk` binary of an earlier version), the same CSV is imported with it too, into a data
//! directory of its own, and the CPU time and database size are printed as a ratio to it.
//!
//! `cargo bench --bench scale`; environment: VETDESK_BENCH_CANDIDATES (default 100000),
//! VETDESK_BENCH_RUNS (whole-process runs per command, median reported; default 21),
//! VETDESK_BENCH_DIR (where the data directories go; default the system temp directory),
//! VETDESK_BENCH_BASELINE_BIN (see above).

// A failed step is a failed benchmark: panicking with the cause is the report.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use vetdesk_testkit::bench::{Rng, env_u64, median, ms, population, population_csv, summary};

const BIN: &str = env!("CARGO_BIN_EXE_vetdesk");

fn vetdesk(dir: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(["--as", "rita"])
        .args(args)
        .output()
        .unwrap();
    let took = start.elapsed();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    took
}

/// `bin` as `rita` on `dir` with `args`, under GNU time writing `format` (`%M`, `%U %S` …):
/// the wall time and the last line GNU time wrote, written to `report`.
fn timed(bin: &str, dir: &Path, args: &[&str], format: &str, report: &Path) -> (Duration, String) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", format, "-o"])
        .arg(report)
        .arg(bin)
        .arg("--data-dir")
        .arg(dir)
        .args(["--as", "rita"])
        .args(args)
        .output()
        .expect("GNU time (/usr/bin/time) is installed by scripts/setup.sh");
    let took = start.elapsed();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(report).unwrap();
    (took, text.lines().last().unwrap().trim().to_string())
}

/// A whole process as `vetdesk`, with its peak memory (max RSS, KiB).
fn peak(dir: &Path, args: &[&str]) -> (Duration, u64) {
    let (took, rss) = timed(BIN, dir, args, "%M", &dir.with_extension("rss"));
    (took, rss.parse().unwrap())
}

fn median_of(runs: usize, dir: &Path, args: &[&str]) -> Duration {
    median((0..runs).map(|_| vetdesk(dir, args)).collect())
}

/// A CSV of `n` candidates: the team benchmark's population, everyone with their own phone,
/// mailbox, home and IP except the rings, farms, PMBs and VPN exits that tie a few together.
fn csv(n: usize) -> String {
    population_csv(&population(n, &mut Rng::seeded()))
}

/// An import as a whole process: its wall time and its CPU time (user + system).
struct Import {
    wall: Duration,
    cpu: f64,
}

fn data_dir(base: &Path, name: &str, n: usize) -> (std::path::PathBuf, Import) {
    data_dir_with(BIN, base, name, n)
}

/// A data directory of `n` imported candidates made by the `vetdesk` binary `bin`.
fn data_dir_with(bin: &str, base: &Path, name: &str, n: usize) -> (std::path::PathBuf, Import) {
    let dir = base.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let run = |args: &[&str]| {
        let out = Command::new(bin).arg("--data-dir").arg(&dir).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["init"]);
    run(&["user", "add", "ada", "--role", "admin"]);
    run(&["--as", "ada", "user", "add", "rita", "--role", "reviewer"]);
    let file = base.join(format!("{name}.csv"));
    std::fs::write(&file, csv(n)).unwrap();
    let file = file.to_str().unwrap();
    let times = base.join(format!("{name}.time"));
    let (wall, times) = timed(bin, &dir, &["candidate", "import", file], "%U %S", &times);
    let cpu = times.split_whitespace().map(|t| t.parse::<f64>().unwrap()).sum();
    (dir, Import { wall, cpu })
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn main() {
    let total = env_u64("VETDESK_BENCH_CANDIDATES", 100_000) as usize;
    let runs = env_u64("VETDESK_BENCH_RUNS", 21).max(1) as usize;
    let base = std::env::var_os("VETDESK_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);
    let base = base.join("vetdesk-bench-scale");
    std::fs::create_dir_all(&base).unwrap();

    let (small, _) = data_dir(&base, "small", 10);
    // The first command after an import is compared with the same moment at 10 candidates: the
    // median of five fresh imports of 10, each followed by its first `case show` (one sample
    // alone ranged from 10 to 34 ms on an idle machine).
    let first_small = median(
        (0..5)
            .map(|i| {
                let (dir, _) = data_dir(&base, &format!("first-{i}"), 10);
                let took = vetdesk(&dir, &["case", "show", "1"]);
                let _ = std::fs::remove_dir_all(&dir);
                took
            })
            .collect(),
    );
    let (_, thousand) = data_dir(&base, "thousand", 1_000);
    let (big, import) = data_dir(&base, "big", total);
    // Right after the import (before anything else writes), then at rest below: the first
    // `case show` pays for nothing the import left over.
    let first = vetdesk(&big, &["case", "show", "1"]);
    let imported = import.wall;
    let db = big.join("vetdesk.db");
    let wal = big.join("vetdesk.db-wal");
    let (db_bytes, wal_bytes) = (size(&db), size(&wal));
    let per_candidate = db_bytes as f64 / total as f64;
    println!("scale benchmark ({total} candidates, {runs} whole-process runs per command)");
    println!(
        "  import: {:.2} s ({:.0} candidates/s), CPU {:.2} s; 1,000 took {:.2} s, CPU {:.2} s",
        imported.as_secs_f64(),
        total as f64 / imported.as_secs_f64(),
        import.cpu,
        thousand.wall.as_secs_f64(),
        thousand.cpu
    );
    println!(
        "  database {:.1} MB, {per_candidate:.0} bytes per candidate; WAL {wal_bytes} bytes",
        db_bytes as f64 / 1e6
    );
    let linear = thousand.wall.as_secs_f64() * total as f64 / 1000.0;
    summary(
        &format!("import {total} candidates (CSV, whole process)"),
        &format!("{:.2} s", imported.as_secs_f64()),
        &format!("{linear:.2} s = 1,000 × {}", total / 1000),
        imported.as_secs_f64() / linear,
        "< 10 s",
        imported.as_secs_f64() < 10.0,
    );
    // The same CSV imported by an earlier version, when one is given: CPU and size as ratios.
    let earlier = std::env::var("VETDESK_BENCH_BASELINE_BIN").ok().filter(|b| !b.is_empty());
    let (cpu_baseline, size_baseline) = match &earlier {
        Some(bin) => {
            let (dir, old) = data_dir_with(bin, &base, "baseline", total);
            let old_per = size(&dir.join("vetdesk.db")) as f64 / total as f64;
            println!(
                "  the earlier binary: import CPU {:.2} s (wall {:.2} s), {old_per:.0} bytes per candidate",
                old.cpu,
                old.wall.as_secs_f64()
            );
            let _ = std::fs::remove_dir_all(&dir);
            (
                (old.cpu, format!("{:.2} s the earlier binary, same CSV", old.cpu)),
                (old_per, format!("{old_per:.0} B the earlier binary")),
            )
        }
        None => {
            let linear = thousand.cpu * total as f64 / 1000.0;
            (
                (linear, format!("{linear:.2} s = 1,000 × {}", total / 1000)),
                (1536.0, "1536 B goal".to_string()),
            )
        }
    };
    // Both threads' CPU (the import parses ahead on a second one): the work done, which a
    // machine busy with other work does not inflate as it does the wall time above.
    summary(
        &format!("import {total} candidates, CPU (user + system, both threads)"),
        &format!("{:.2} s", import.cpu),
        &cpu_baseline.1,
        import.cpu / cpu_baseline.0,
        "< the baseline",
        import.cpu < cpu_baseline.0,
    );
    summary(
        "database per imported candidate",
        &format!("{per_candidate:.0} B"),
        &size_baseline.1,
        per_candidate / size_baseline.0,
        "< 1.5 KB",
        per_candidate < 1536.0,
    );
    summary(
        "WAL left after the import process",
        &format!("{wal_bytes} B"),
        &format!("{db_bytes} B database"),
        wal_bytes as f64 / db_bytes.max(1) as f64,
        "< 64 MiB",
        wal_bytes < 64 << 20,
    );

    let show_small = median_of(runs, &small, &["case", "show", "1"]);
    let show_big = median_of(runs, &big, &["case", "show", "1"]);
    println!(
        "  case show: {:.1} ms at {total} (first after the import {:.1} ms), {:.1} ms at 10 \
         (first after its import {:.1} ms)",
        ms(show_big),
        ms(first),
        ms(show_small),
        ms(first_small)
    );
    summary(
        &format!("case show, whole process, at {total} (median)"),
        &format!("{:.1} ms", ms(show_big)),
        &format!("{:.1} ms at 10 candidates", ms(show_small)),
        show_big.as_secs_f64() / show_small.as_secs_f64(),
        "≤ 1.5× the 10-candidate figure",
        show_big.as_secs_f64() <= 1.5 * show_small.as_secs_f64(),
    );
    summary(
        &format!("case show, whole process, first after importing {total}"),
        &format!("{:.1} ms", ms(first)),
        &format!("{:.1} ms first after importing 10 (median of 5)", ms(first_small)),
        first.as_secs_f64() / first_small.as_secs_f64(),
        "≤ 1.5× the 10-candidate figure",
        first.as_secs_f64() <= 1.5 * first_small.as_secs_f64(),
    );

    let search = median_of(runs, &big, &["search", "Candidate 4242"]);
    summary(
        &format!("search, whole process, at {total}"),
        &format!("{:.1} ms", ms(search)),
        &format!("{:.1} ms case show at 10", ms(show_small)),
        search.as_secs_f64() / show_small.as_secs_f64(),
        "< 50 ms",
        ms(search) < 50.0,
    );
    let links = median_of(runs, &big, &["links", "2"]);
    summary(
        &format!("links of one case, whole process, at {total}"),
        &format!("{:.1} ms", ms(links)),
        &format!("{:.1} ms case show at 10", ms(show_small)),
        links.as_secs_f64() / show_small.as_secs_f64(),
        "< 50 ms",
        ms(links) < 50.0,
    );

    let verify_small = vetdesk(&small, &["verify"]);
    let (verify_big, verify_big_rss) = peak(&big, &["verify"]);
    let (_, verify_thousand_rss) = peak(&base.join("thousand"), &["verify"]);
    println!(
        "  verify: {:.1} s at {total}, {:.3} s at 10",
        verify_big.as_secs_f64(),
        verify_small.as_secs_f64()
    );
    summary(
        &format!("verify at {total}"),
        &format!("{:.1} s", verify_big.as_secs_f64()),
        &format!("{:.3} s at 10 candidates", verify_small.as_secs_f64()),
        verify_big.as_secs_f64() / verify_small.as_secs_f64(),
        "< 60 s",
        verify_big.as_secs_f64() < 60.0,
    );
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "  verify peak memory: {:.1} MiB at {total}, {:.1} MiB at 1,000",
        mib(verify_big_rss),
        mib(verify_thousand_rss)
    );
    summary(
        &format!("verify peak memory (max RSS) at {total}"),
        &format!("{:.1} MiB", mib(verify_big_rss)),
        &format!("{:.1} MiB at 1,000 candidates", mib(verify_thousand_rss)),
        verify_big_rss as f64 / verify_thousand_rss.max(1) as f64,
        "flat: ≤ 3× the 1,000-candidate figure",
        verify_big_rss <= 3 * verify_thousand_rss,
    );
    let _ = std::fs::remove_dir_all(&base);
}
