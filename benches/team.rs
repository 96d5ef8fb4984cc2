//! Team mode (PostgreSQL) beside solo mode (SQLite), measured in the same run on the same data:
//! a throwaway PostgreSQL cluster (`vetdesk_testkit::pg`, syncing its log at each commit as a
//! production server does, as SQLite's `synchronous = FULL` does) and a data directory, both
//! filled by the same CSV of candidates with the sharing a facilitator network leaves.
//!
//! - CSV import of all the candidates, a whole `vetdesk candidate import` process each (as the
//!   reviewer's login in team mode): wall time and CPU time, the client's and, in team mode,
//!   the database server's (every server process's CPU time, as /proc counts it).
//! - The links of one case (the case with the most links): `Store::links` in process (median
//!   and p99), and `vetdesk links` as a whole process (median).
//! - 4 writers at once making changes on cases (notes, round robin over 12 cases): in team mode
//!   4 logins, each its own connection; in solo mode 4 stores opened on one data directory
//!   (each its own SQLite connections, as 4 processes would have: SQLite lets one writer at a
//!   time in). Throughput in changes per second.
//!
//! `cargo bench --bench team`; environment: VETDESK_BENCH_CANDIDATES (default 100000),
//! VETDESK_BENCH_RUNS (in-process runs, default 201; whole-process runs are a tenth, at least
//! 5), VETDESK_BENCH_CHANGES (changes per writer, default 250), VETDESK_BENCH_DIR (where the
//! data directories go; default the system temp directory).

// A failed step is a failed benchmark: panicking with the cause is the report.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::Command;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use vetdesk_core::change::Change;
use vetdesk_core::model::Role;
use vetdesk_core::store::{Clock, DataDir, OpenMode, Store};
use vetdesk_testkit::bench::{Rng, env_u64, median, ms, p99, population, population_csv, summary};
use vetdesk_testkit::pg::PgCluster;

const BIN: &str = env!("CARGO_BIN_EXE_vetdesk");

/// The four people who write at once (reviewer, investigator, two compliance officers).
const WRITERS: [(&str, Role); 4] = [
    ("rita", Role::Reviewer),
    ("ivan", Role::Investigator),
    ("cora", Role::Compliance),
    ("carl", Role::Compliance),
];

fn clock() -> Clock {
    Clock::fixed("2026-11-02T09:00:00.000Z".parse().unwrap())
}

/// How `vetdesk` reaches one backend as one person.
enum Target<'a> {
    Solo(&'a Path, &'a str),
    Team(&'a Path, String),
}

impl Target<'_> {
    /// `--data-dir` and who acts: `--as` in solo mode, the login's URL in team mode.
    fn add_to(&self, cmd: &mut Command) {
        match self {
            Target::Solo(dir, who) => {
                cmd.arg("--data-dir").arg(dir).args(["--as", who]);
            }
            Target::Team(dir, url) => {
                cmd.arg("--data-dir").arg(dir).args(["--database-url", url]);
            }
        }
    }

    /// A whole `vetdesk` process; its wall time.
    fn run(&self, args: &[&str]) -> Duration {
        let start = Instant::now();
        let mut cmd = Command::new(BIN);
        self.add_to(&mut cmd);
        let out = cmd.args(args).output().unwrap();
        let took = start.elapsed();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        took
    }

    /// A whole `vetdesk` process under GNU time: (wall, user + system CPU).
    fn run_timed(&self, args: &[&str], scratch: &Path) -> (Duration, Duration) {
        let report = scratch.join("time.txt");
        let mut cmd = Command::new("/usr/bin/time");
        cmd.args(["-f", "%e %U %S", "-o"]).arg(&report).arg(BIN);
        self.add_to(&mut cmd);
        let out = cmd
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("/usr/bin/time (GNU time, from scripts/setup.sh): {e}"));
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let text = std::fs::read_to_string(&report).unwrap();
        let f: Vec<f64> =
            text.lines().last().unwrap().split_whitespace().map(|x| x.parse().unwrap()).collect();
        (Duration::from_secs_f64(f[0]), Duration::from_secs_f64(f[1] + f[2]))
    }
}

/// CPU time of every process of the database server so far: the postmaster's own and that of
/// the server processes it has reaped (a connection's process ends with its connection), plus
/// each live server process's own (from `/proc/<pid>/stat`, in clock ticks of 10 ms).
fn server_cpu(cluster: &PgCluster) -> Duration {
    let pid_file = std::fs::read_to_string(cluster.root().join("data/postmaster.pid")).unwrap();
    let postmaster: u32 = pid_file.lines().next().unwrap().trim().parse().unwrap();
    // Fields after the command's closing parenthesis: [1] ppid, [11] utime, [12] stime,
    // [13] cutime, [14] cstime.
    let fields = |pid: u32| -> Option<Vec<u64>> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        let rest = &stat[stat.rfind(')')? + 1..];
        Some(rest.split_whitespace().map(|f| f.parse().unwrap_or(0)).collect())
    };
    let mut ticks = fields(postmaster).map(|f| f[11] + f[12] + f[13] + f[14]).unwrap_or(0);
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if let Some(f) = fields(pid)
            && f[1] == u64::from(postmaster)
        {
            ticks += f[11] + f[12];
        }
    }
    Duration::from_millis(ticks * 10)
}

/// `Store::links(case)` `runs` times: (median, p99, links found).
fn links_in_process(store: &Store, case: i64, runs: usize) -> (Duration, Duration, usize) {
    let found = store.links(case).unwrap().len();
    let samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let n = store.links(case).unwrap().len();
            let took = start.elapsed();
            assert_eq!(n, found);
            took
        })
        .collect();
    (median(samples.clone()), p99(&samples), found)
}

/// The 4 writers at once, each on its own store, `changes` notes each over `cases`;
/// changes per second of the whole.
fn writers(stores: &[(String, Store)], cases: &[i64], changes: usize) -> f64 {
    let start_line = Barrier::new(stores.len() + 1);
    let took = std::thread::scope(|scope| {
        for (k, (actor, store)) in stores.iter().enumerate() {
            let start_line = &start_line;
            scope.spawn(move || {
                start_line.wait();
                for i in 0..changes {
                    let case_id = cases[(i + k) % cases.len()];
                    let text = format!("note {i} by {actor}");
                    store.apply(actor, Change::AddNote { id: None, case_id, text }).unwrap();
                }
            });
        }
        start_line.wait();
        Instant::now()
    });
    let elapsed = took.elapsed();
    (stores.len() * changes) as f64 / elapsed.as_secs_f64()
}

fn main() {
    let total = env_u64("VETDESK_BENCH_CANDIDATES", 100_000) as usize;
    let runs = env_u64("VETDESK_BENCH_RUNS", 201).max(1) as usize;
    let process_runs = (runs / 10).max(5);
    let changes = env_u64("VETDESK_BENCH_CHANGES", 250).max(1) as usize;
    let base = std::env::var_os("VETDESK_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);
    let scratch = tempfile::tempdir_in(&base).unwrap();
    let csv = scratch.path().join("candidates.csv");
    std::fs::write(&csv, population_csv(&population(total, &mut Rng::seeded()))).unwrap();
    let csv = csv.to_str().unwrap();

    // Solo: a data directory with an admin and the four writers.
    let solo_dir = scratch.path().join("solo");
    {
        let store =
            Store::open(DataDir::new(&solo_dir), OpenMode::CreateIfMissing, clock()).unwrap();
        let users = std::iter::once(("ada", Role::Admin)).chain(WRITERS);
        for (name, role) in users {
            let change =
                Change::AddUser { id: None, name: name.into(), display_name: name.into(), role };
            store.apply("ada", change).unwrap();
        }
    }

    // Team: a durable cluster, `team init` by the database's owner, the four writers as logins.
    let cluster = PgCluster::start_durable();
    let (database, owner, owner_password) = cluster.new_database();
    let owner_url = cluster.url(&owner, &owner_password, &database);
    let team_dir = |who: &str| scratch.path().join(format!("team-{who}"));
    let (owner_store, _) =
        Store::team_init(DataDir::new(team_dir("owner")), &owner_url, clock()).unwrap();
    let login = |who: &str| format!("{who}_bench");
    let password = |who: &str| format!("{who}-bench-password");
    for (who, role) in WRITERS {
        owner_store.team_add_member(&login(who), who, role, &password(who)).unwrap();
    }
    drop(owner_store);
    let url = |who: &str| cluster.url(&login(who), &password(who), &database);
    let rita_dir = team_dir("rita");
    let solo = Target::Solo(&solo_dir, "rita");
    let team = Target::Team(&rita_dir, url("rita"));

    println!("team benchmark ({total} candidates; PostgreSQL beside SQLite, same run)");

    // The import, a whole process each; cases opened for every new candidate.
    let (solo_wall, solo_cpu) = solo.run_timed(&["candidate", "import", csv], scratch.path());
    let server_before = server_cpu(&cluster);
    let (team_wall, team_cpu) = team.run_timed(&["candidate", "import", csv], scratch.path());
    let team_server = server_cpu(&cluster).saturating_sub(server_before);
    println!(
        "  import: solo {:.2} s wall, {:.2} s CPU; team {:.2} s wall, {:.2} s CPU \
         (client) + {:.2} s CPU (server)",
        solo_wall.as_secs_f64(),
        solo_cpu.as_secs_f64(),
        team_wall.as_secs_f64(),
        team_cpu.as_secs_f64(),
        team_server.as_secs_f64()
    );

    // The case with the most links: its candidate shares the most identifiers (SQLite's
    // copy of the same data answers which one).
    let conn = rusqlite::Connection::open_with_flags(
        solo_dir.join("vetdesk.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let case: i64 = conn
        .query_row(
            "SELECT c.id FROM link_keys k
             JOIN link_keys o ON o.kind = k.kind AND o.value = k.value
                              AND o.candidate_id <> k.candidate_id
             JOIN cases c ON c.candidate_id = k.candidate_id
             GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap_or(1);
    drop(conn);
    let case_arg = case.to_string();

    let solo_store = Store::open(DataDir::new(&solo_dir), OpenMode::MustExist, clock()).unwrap();
    let team_store = Store::open_postgres(DataDir::new(&rita_dir), &url("rita"), clock()).unwrap();
    let (solo_links, solo_p99, solo_found) = links_in_process(&solo_store, case, runs);
    let (team_links, team_p99, team_found) = links_in_process(&team_store, case, runs);
    assert_eq!(solo_found, team_found, "the same links on both backends");
    let solo_links_process =
        median((0..process_runs).map(|_| solo.run(&["links", &case_arg])).collect());
    let team_links_process =
        median((0..process_runs).map(|_| team.run(&["links", &case_arg])).collect());
    println!("  links of case {case} ({team_found} linked candidates):");
    println!(
        "    in process: solo median {:.3} ms p99 {:.3} ms; team median {:.3} ms p99 {:.3} ms \
         ({runs} runs)",
        ms(solo_links),
        ms(solo_p99),
        ms(team_links),
        ms(team_p99)
    );
    println!(
        "    whole process: solo median {:.1} ms; team median {:.1} ms ({process_runs} runs)",
        ms(solo_links_process),
        ms(team_links_process)
    );
    drop((solo_store, team_store));

    // 4 writers at once, on the first 12 cases.
    let cases: Vec<i64> = (1..=12).collect();
    let solo_writers: Vec<(String, Store)> = WRITERS
        .iter()
        .map(|(who, _)| {
            let store = Store::open(DataDir::new(&solo_dir), OpenMode::MustExist, clock()).unwrap();
            (who.to_string(), store)
        })
        .collect();
    let solo_rate = writers(&solo_writers, &cases, changes);
    drop(solo_writers);
    let team_writers: Vec<(String, Store)> = WRITERS
        .iter()
        .map(|(who, _)| {
            let store =
                Store::open_postgres(DataDir::new(team_dir(who)), &url(who), clock()).unwrap();
            (login(who), store)
        })
        .collect();
    let team_rate = writers(&team_writers, &cases, changes);
    drop(team_writers);
    println!(
        "  4 writers × {changes} changes: solo {solo_rate:.0} changes/s, team {team_rate:.0} changes/s"
    );

    summary(
        &format!("links of one case at {total} candidates, team mode, in process (p99)"),
        &format!("{:.2} ms (median {:.2} ms)", ms(team_p99), ms(team_links)),
        &format!("{:.2} ms solo (SQLite) p99", ms(solo_p99)),
        team_p99.as_secs_f64() / solo_p99.as_secs_f64().max(1e-9),
        "p99 < 50 ms",
        ms(team_p99) < 50.0,
    );
    summary(
        &format!("links of one case at {total}, team mode, whole process (median)"),
        &format!("{:.1} ms", ms(team_links_process)),
        &format!("{:.1} ms solo (SQLite)", ms(solo_links_process)),
        team_links_process.as_secs_f64() / solo_links_process.as_secs_f64(),
        "< 50 ms",
        ms(team_links_process) < 50.0,
    );
    summary(
        &format!("import {total} candidates (CSV, whole process), team mode"),
        &format!(
            "{:.1} s; CPU {:.1} s client + {:.1} s server",
            team_wall.as_secs_f64(),
            team_cpu.as_secs_f64(),
            team_server.as_secs_f64()
        ),
        &format!(
            "{:.1} s solo (SQLite); CPU {:.1} s",
            solo_wall.as_secs_f64(),
            solo_cpu.as_secs_f64()
        ),
        team_wall.as_secs_f64() / solo_wall.as_secs_f64(),
        "≤ 2× solo (wall)",
        team_wall.as_secs_f64() <= 2.0 * solo_wall.as_secs_f64(),
    );
    summary(
        "4 concurrent writers, team mode (4 logins), notes on 12 cases",
        &format!("{team_rate:.0} changes/s"),
        &format!("{solo_rate:.0} changes/s solo (4 stores on one data directory)"),
        team_rate / solo_rate,
        "≥ 0.5× solo",
        team_rate >= 0.5 * solo_rate,
    );
    drop(cluster);
}
