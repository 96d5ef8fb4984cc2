//! `parse_any` never panics: every prefix of every fixture, thousands of seeded mutations of
//! them, and random bytes, read with each format named and sniffed. The same entry point
//! serves a coverage-guided fuzzer (`parse_any(data, None, now)`) where one is installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use vetdesk_telemetry::error::MAX_LISTED_PROBLEMS;
use vetdesk_telemetry::{Format, ParsedFile, parse_any};

const FIXTURES: [&str; 7] = [
    "okta_system_log.json",
    "okta_system_log.jsonl",
    "entra_signins.json",
    "entra_signins.jsonl",
    "workspace_login.json",
    "osquery_results.log",
    "generic_events.csv",
];

fn now() -> DateTime<Utc> {
    "2026-12-01T00:00:00Z".parse().unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/telemetry").join(name);
    std::fs::read(path).unwrap()
}

/// The invariants every report keeps, whatever the input.
fn consistent(parsed: &ParsedFile) {
    let report = &parsed.report;
    assert_eq!(report.events, parsed.events.len() as u64);
    assert!(report.problems.len() <= MAX_LISTED_PROBLEMS);
    if report.problems_not_listed > 0 {
        assert_eq!(report.problems.len(), MAX_LISTED_PROBLEMS);
    }
    let _ = report.to_string();
}

fn all_ways(bytes: &[u8]) {
    consistent(&parse_any(bytes, None, now()));
    for format in Format::ALL {
        consistent(&parse_any(bytes, Some(format), now()));
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn every_prefix_of_every_fixture() {
    for name in FIXTURES {
        let bytes = fixture(name);
        for end in 0..=bytes.len() {
            consistent(&parse_any(&bytes[..end], None, now()));
        }
    }
}

#[test]
fn seeded_mutations() {
    const INTERESTING: &[u8] = b"{}[]\",:\\\n\r 0-.eE\x00\xff\xc3tfn";
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    for name in FIXTURES {
        let original = fixture(name);
        for _ in 0..300 {
            let mut bytes = original.clone();
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(bytes.len() + 1);
                match rng.below(4) {
                    0 if at < bytes.len() => bytes[at] = INTERESTING[rng.below(INTERESTING.len())],
                    1 => bytes.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
                    2 if at < bytes.len() => {
                        bytes.remove(at);
                    }
                    _ => {
                        let from = rng.below(bytes.len());
                        let len = rng.below(64).min(bytes.len() - from);
                        let chunk: Vec<u8> = bytes[from..from + len].to_vec();
                        let at = at.min(bytes.len());
                        bytes.splice(at..at, chunk);
                    }
                }
            }
            all_ways(&bytes);
        }
    }
}

#[test]
fn random_bytes_and_odd_shapes() {
    let mut rng = Rng(0xC0FF_EE00_DEAD_BEEF);
    for _ in 0..500 {
        let len = rng.below(300);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        all_ways(&bytes);
    }
    let shapes: &[&[u8]] = &[
        b"[",
        b"]",
        b"{",
        b"[[[[[[[[[[",
        b"{\"value\":",
        b"{\"value\":[",
        b"{\"value\":[]",
        b"{\"value\":[]}",
        b"{\"value\":[]} trailing",
        b"{\"items\":[1,2,3]}",
        b"{\"value\":{}}",
        b"\"just a string\"",
        b"12345",
        b"[1,]",
        b"[,1]",
        b"{\"a\"}",
        b"{\"a\":}",
        b"\xEF\xBB\xBF[]",
        b"\xEF\xBB",
        b"time,account,ip,country,event,device,detail\n\"unclosed",
        b"{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":-99999999999999,\"action\":\"added\",\"columns\":{}}",
        b"{\"name\":\"q\",\"hostIdentifier\":\"h\",\"unixTime\":1e400,\"action\":\"snapshot\",\"snapshot\":[1,2]}",
        b"[{\"uuid\":\"a\",\"published\":\"+275760-09-13T00:00:00Z\"}]",
        b"[{\"uuid\":\"a\",\"published\":\"2026-11-20T10:00:00Z\",\"client\":{\"geographicalContext\":{\"geolocation\":{\"lat\":1e309,\"lon\":0}}}}]",
    ];
    for bytes in shapes {
        all_ways(bytes);
    }
    let deep = "[".repeat(100_000);
    all_ways(deep.as_bytes());
    let deep_record = format!("[{}]", "{\"a\":".repeat(10_000));
    all_ways(deep_record.as_bytes());
}
