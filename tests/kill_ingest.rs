//! Power-cut safety of evidence ingest: `vetdesk evidence add` of a large file is killed with
//! SIGKILL at random moments, many times. Afterwards the database is intact, `verify` is
//! clean, and no evidence record names a missing or partial file.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use vetdesk_testkit::vetdesk_command;

const FILE_MB: usize = 48;
const RUNS: usize = 24;

fn vetdesk(data: &Path, args: &[&str]) -> Command {
    let mut cmd = vetdesk_command();
    cmd.env("VETDESK_DATA_DIR", data).env("VETDESK_USER", "rita").args(args);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

/// A file of `FILE_MB` MiB whose content depends on `seed`, so every run stores new bytes:
/// one random MiB, repeated, each copy stamped with the seed and its position.
fn write_file(path: &Path, block: &mut [u8], seed: u64) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..FILE_MB as u64 {
        block[..8].copy_from_slice(&seed.to_le_bytes());
        block[8..16].copy_from_slice(&i.to_le_bytes());
        file.write_all(block).unwrap();
    }
    file.flush().unwrap();
}

#[test]
fn sigkill_during_evidence_add_never_leaves_a_broken_store() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        let status = vetdesk(&data, args).env("VETDESK_USER", "ada").status().unwrap();
        assert!(status.success(), "{args:?}");
    };
    run(&["init"]);
    run(&["user", "add", "ada", "--role", "admin"]);
    run(&["user", "add", "rita", "--role", "reviewer"]);
    run(&["candidate", "add", "--name", "Anna Eriksson"]);

    // How long one uninterrupted ingest takes here, so that kills spread over all of it:
    // start-up, streaming, fsync, rename, and the database commit.
    let big = dir.path().join("big.bin");
    let mut block = vec![0u8; 1 << 20];
    rand::rngs::StdRng::seed_from_u64(1).fill(&mut block[..]);
    // The fastest of three runs: a slow first run (cold caches, a busy machine) would stretch
    // the kill window until most runs finish before they are killed.
    let mut full = Duration::MAX;
    for warm_up in 0..3u64 {
        write_file(&big, &mut block, u64::MAX - warm_up);
        let started = Instant::now();
        let status =
            vetdesk(&data, &["evidence", "add", "1", big.to_str().unwrap()]).status().unwrap();
        assert!(status.success());
        full = full.min(started.elapsed());
    }

    let seed: u64 = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random());
    println!("seed {seed} (set KILL_SEED to repeat), one full ingest took {full:?}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut killed, mut finished) = (0, 0);
    for i in 1..=RUNS {
        write_file(&big, &mut block, i as u64);
        let delay = Duration::from_secs_f64(full.as_secs_f64() * rng.random_range(0.0..1.2));
        let mut child =
            vetdesk(&data, &["evidence", "add", "1", big.to_str().unwrap()]).spawn().unwrap();
        std::thread::sleep(delay);
        match child.try_wait().unwrap() {
            Some(_) => finished += 1,
            None => {
                child.kill().unwrap(); // SIGKILL on Unix
                killed += 1;
            }
        }
        child.wait().unwrap();
    }
    println!("{killed} runs killed mid-way, {finished} finished before the kill");
    assert!(
        killed >= RUNS / 3,
        "too few runs were interrupted ({killed}) for the test to mean anything"
    );

    let conn = rusqlite::Connection::open(data.join("vetdesk.db")).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    // Every record names a complete file: same size, same hash (verify re-hashes them all).
    let output = vetdesk(&data, &["verify"]).stdout(Stdio::piped()).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "verify after kills: {text}");
    let records: i64 = conn.query_row("SELECT count(*) FROM evidence", [], |r| r.get(0)).unwrap();
    assert!(records >= 1);
    let mut stmt = conn.prepare("SELECT sha256, size FROM evidence").unwrap();
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap() {
        let (sha, size) = row.unwrap();
        let path = data.join("evidence").join(&sha[..2]).join(&sha);
        assert_eq!(std::fs::metadata(&path).unwrap().len() as i64, size, "{sha}");
    }
    // Nothing but complete files under evidence/: partial writes stay in tmp/.
    for shard in std::fs::read_dir(data.join("evidence")).unwrap() {
        for file in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            let file = file.unwrap();
            let name = file.file_name().to_string_lossy().into_owned();
            assert_eq!(name.len(), 64, "unexpected file {name} in evidence/");
            assert_eq!(
                std::fs::metadata(file.path()).unwrap().len() as usize,
                FILE_MB << 20,
                "{name} is partial"
            );
        }
    }
}
