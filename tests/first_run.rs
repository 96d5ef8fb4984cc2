//! A first run and a large import as a user meets them through the `vetdesk` binary: `demo`
//! fills a new data directory with the sample cohort (all or nothing, verified clean), and a
//! process that wrote a large import leaves no large write-ahead log behind it.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::path::Path;

use vetdesk_testkit::cli::{Cli, init_team};

fn wal_size(db: &Path) -> Option<u64> {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).ok().map(|m| m.len())
}

#[test]
fn demo_fills_an_empty_directory_that_then_verifies_clean() {
    let cli = Cli::new();
    let out = cli.ok(None, &["demo"]);
    assert!(out.contains("Sample data loaded into"), "{out}");
    assert!(out.contains("40 candidates from 3 vendors"), "{out}");
    assert!(out.contains("case show 2"), "the showcase case is named: {out}");
    assert!(out.contains("employees"), "the hired workers are named: {out}");

    let verdict = cli.ok(None, &["verify"]);
    assert!(verdict.starts_with("OK:"), "{verdict}");
    let cases = cli.json(Some("sample-reviewer"), &["case", "list"]);
    // 40 vetting cases, 3 hired workers' monitoring cases, 1 investigation.
    assert_eq!(cases.as_array().unwrap().len(), 44);
    let employees = cli.json(Some("sample-investigator"), &["employees"]);
    assert_eq!(employees.as_array().unwrap().len(), 3);
    let imports = cli.json(Some("sample-investigator"), &["telemetry", "imports"]);
    let formats: Vec<&str> =
        imports.as_array().unwrap().iter().map(|i| i["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["okta", "osquery"]);
    assert!(cases.as_array().unwrap().iter().any(|c| c["open_flags"].as_u64() > Some(5)));
    // The process closed its store: no write-ahead log is left for the next one to read.
    assert!(wal_size(&cli.db()).unwrap_or(0) < 1 << 20, "{:?}", wal_size(&cli.db()));

    // A second demo into the same directory is refused and changes nothing.
    let before = std::fs::read(cli.db()).unwrap();
    let err = cli.fails_one_line(None, &["demo"], None, 2);
    assert!(err.contains("is not empty"), "{err}");
    assert_eq!(std::fs::read(cli.db()).unwrap(), before);
}

#[test]
fn demo_refuses_a_directory_with_anything_in_it() {
    let cli = Cli::new();
    cli.file("notes.txt", "mine");
    let err = cli.fails_one_line(None, &["demo"], None, 2);
    assert!(err.contains("is not empty") && err.contains("new, empty data directory"), "{err}");
    assert!(!cli.db().exists(), "no database was created");
}

/// Before the fix, every process left the log of its writes behind (the read-only connection
/// closed last and may not checkpoint), so the log of one import was read again by every
/// later command. Not timed: the sizes tell.
#[test]
fn a_large_import_leaves_no_large_write_ahead_log() {
    let cli = Cli::new();
    init_team(&cli);
    let mut csv = String::from("external_id,full_name,email,phone,home_address\n");
    for i in 0..3000 {
        writeln!(
            csv,
            "WAL-{i},Person Number {i},person.{i}@example.com,+1 202-555-{:04},\"{i} Oak St, Springfield, IL 62701\"",
            i % 10000
        )
        .unwrap();
    }
    let file = cli.file("many.csv", &csv);
    cli.ok(Some("rita"), &["candidate", "import", &file]);
    let db_size = std::fs::metadata(cli.db()).unwrap().len();
    assert!(db_size > 2 << 20, "the import wrote {db_size} bytes: too small to show anything");
    let wal = wal_size(&cli.db());
    assert!(wal.unwrap_or(0) < 256 << 10, "a {wal:?}-byte WAL was left beside {db_size} bytes");
    // And the next process finds what was imported.
    let shown = cli.json(Some("rita"), &["case", "show", "3000"]);
    assert_eq!(shown["candidate"]["external_id"], "WAL-2999");
}

/// What an imported candidate costs on disk, from the sizes of the tables (SQLite's `dbstat`)
/// after a process imported 2,000 people of the benchmarks' population. Not timed: the bytes
/// tell. The sealed fields are base64url, not hex, and the search index is filled in the order
/// of its rowids, so its pages are full, not half empty.
#[test]
fn an_imported_candidate_costs_few_bytes_and_leaves_no_half_empty_pages() {
    use vetdesk_testkit::bench::{Rng, population, population_csv};
    const PEOPLE: usize = 2_000;
    let cli = Cli::new();
    init_team(&cli);
    let file = cli.file("people.csv", &population_csv(&population(PEOPLE, &mut Rng::seeded())));
    cli.ok(Some("rita"), &["candidate", "import", &file]);
    let conn = rusqlite::Connection::open(cli.db()).unwrap();
    let (size, unused): (i64, i64) = conn
        .query_row(
            "SELECT sum(pgsize), sum(unused) FROM dbstat WHERE name = 'search_index_content'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(unused * 10 < size, "the search index's pages are {unused} of {size} bytes empty");
    let sealed: String = conn
        .query_row(
            "SELECT change FROM audit_log WHERE change LIKE '%\"type\":\"add_candidate\"%' \
             ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(sealed.contains("\"legal_name\":\"sealed:v2:"), "{sealed}");
    let per_candidate = std::fs::metadata(cli.db()).unwrap().len() / PEOPLE as u64;
    // 4,710 bytes with hex seals and the index filled backwards; 4,053 without.
    assert!(per_candidate < 4_400, "{per_candidate} bytes of database per imported candidate");
}
