//! Links between candidates at scale: 100,000 candidates with the sharing a facilitator network
//! leaves (phone rings, shared mailboxes, laptop-farm addresses and PMBs, VPN exits, shared
//! bank accounts, references who are each other), built through the store's one door. Then the
//! links of one case, the query investigators run most, and full-text search (five queries
//! as investigators type them), timed next to a direct SQL lookup of one normalised value on the
//! same data (the floor an index gives), with their ratio.
//!
//! `cargo bench --bench links`; environment: VETDESK_BENCH_CANDIDATES (default 100000),
//! VETDESK_BENCH_ONBOARDED (candidates with a case, references and bank details; default
//! 5000), VETDESK_BENCH_RUNS (timed runs, median reported; default 201), VETDESK_BENCH_DIR
//! (where the data directory goes; default the system temp directory).

// A failed step is a failed benchmark: panicking with the cause is the report.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Instant;

use vetdesk_core::change::Change;
use vetdesk_core::import::ImportFile;
use vetdesk_core::model::{CaseKind, Priority, Role};
use vetdesk_core::store::{Clock, DataDir, OpenMode, Store};
use vetdesk_core::verification::{PaymentInput, ReferenceFields};
use vetdesk_testkit::bench::{POPULATION_COLUMNS, Rng, env_u64, median, ms, p99, population};

fn main() {
    let total = env_u64("VETDESK_BENCH_CANDIDATES", 100_000) as usize;
    let onboarded = (env_u64("VETDESK_BENCH_ONBOARDED", 5_000) as usize).min(total);
    let runs = env_u64("VETDESK_BENCH_RUNS", 201).max(1) as usize;
    let base = std::env::var_os("VETDESK_BENCH_DIR").map_or_else(std::env::temp_dir, Into::into);
    let dir = tempfile::tempdir_in(&base).unwrap();
    let store = Store::open(
        DataDir::new(dir.path()),
        OpenMode::CreateIfMissing,
        Clock::fixed("2026-11-02T09:00:00.000Z".parse().unwrap()),
    )
    .unwrap();
    for (name, role) in [("ada", Role::Admin), ("rita", Role::Reviewer)] {
        store
            .apply(
                "ada",
                Change::AddUser { id: None, name: name.into(), display_name: name.into(), role },
            )
            .unwrap();
    }

    // The population: everyone has their own phone, mailbox, home and application IP, except
    // where a facilitator network ties them together.
    let mut rng = Rng::seeded();
    let rows = population(total, &mut rng);
    let columns = POPULATION_COLUMNS.map(String::from).to_vec();
    let started = Instant::now();
    for chunk in rows.chunks(10_000) {
        let file = ImportFile { columns: columns.clone(), rows: chunk.to_vec() };
        store.import_candidates("rita", &file, false).unwrap();
    }
    let imported = started.elapsed();

    // Onboarded candidates have a case, a reference and bank details; some share an account,
    // some references vouch for each other.
    let started = Instant::now();
    let mut shared_account = String::from("4400000001");
    let mut last_reference_phone = String::from("+1 415 555 0100");
    let mut cases = Vec::with_capacity(onboarded);
    for k in 0..onboarded {
        let candidate = (k * (total / onboarded.max(1))) as i64 + 1;
        let opened = store
            .apply(
                "rita",
                Change::OpenCase {
                    id: None,
                    candidate_id: candidate,
                    kind: CaseKind::PreHire,
                    assignee: None,
                    priority: Priority::Normal,
                    due_on: None,
                    template: None,
                },
            )
            .unwrap();
        let Change::OpenCase { id: Some(case), .. } = opened.change else { panic!("no case id") };
        cases.push(case);
        let phone = if rng.chance(2) {
            last_reference_phone.clone()
        } else {
            last_reference_phone = format!("+1 415 {} {:04}", 200 + k % 700, k % 10_000);
            last_reference_phone.clone()
        };
        let reference = ReferenceFields {
            name: format!("Reference {k}"),
            email: Some(format!("ref{k}@corp{}.example", k % 300)),
            phone: Some(phone),
            relationship: "former manager".into(),
            company: Some(format!("Corp {}", k % 300)),
            note: None,
        };
        store.apply("rita", Change::AddReference { id: None, case_id: case, reference }).unwrap();
        let account = if rng.chance(1) {
            shared_account.clone()
        } else {
            shared_account = format!("44{:08}", k + 10);
            shared_account.clone()
        };
        let payment = PaymentInput {
            routing_number: "021000021".into(),
            account_number: account,
            ..PaymentInput::default()
        };
        store.record_payment("rita", case, &payment).unwrap();
    }
    let recorded = started.elapsed();

    // The case with the most links is the worst case an investigator opens.
    let db = dir.path().join("vetdesk.db");
    let conn =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let keys: i64 = conn.query_row("SELECT count(*) FROM link_keys", [], |r| r.get(0)).unwrap();
    let mut busiest = (0usize, cases[0]);
    for case in &cases {
        let n = store.links(*case).unwrap().len();
        if n > busiest.0 {
            busiest = (n, *case);
        }
    }
    let (_, case) = busiest;
    let links = store.links(case).unwrap();
    let shared: usize = links.iter().map(|l| l.shared.len()).sum();

    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let found = store.links(case).unwrap();
        samples.push(start.elapsed());
        assert_eq!(found.len(), links.len());
    }
    let links_p99 = p99(&samples);
    let links_time = median(samples);

    // The floor: one normalised value looked up in the index, nothing else.
    let value: String = conn
        .query_row(
            "SELECT k.value FROM link_keys k JOIN cases c ON c.candidate_id = k.candidate_id
             WHERE c.id = ?1 AND k.kind = 'phone' LIMIT 1",
            [case],
            |r| r.get(0),
        )
        .unwrap();
    let mut stmt = conn
        .prepare("SELECT candidate_id FROM link_keys WHERE kind = 'phone' AND value = ?1")
        .unwrap();
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let holders: Vec<i64> =
            stmt.query_map([&value], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
        samples.push(start.elapsed());
        assert!(!holders.is_empty());
    }
    let lookup_time = median(samples);

    println!(
        "links benchmark ({total} candidates, {onboarded} with a case, references and bank details)"
    );
    println!(
        "  build: import {:.1} s, cases and records {:.1} s; {keys} normalised identifiers",
        imported.as_secs_f64(),
        recorded.as_secs_f64()
    );
    println!("  case {case}: {} linked candidates, {shared} shared identifiers", links.len());
    println!("  Store::links(case)           median {:8.3} ms over {runs} runs", ms(links_time));
    println!("  one indexed value lookup     median {:8.3} ms over {runs} runs", ms(lookup_time));
    println!(
        "  ratio links / lookup         {:8.1}x",
        links_time.as_secs_f64() / lookup_time.as_secs_f64().max(1e-9)
    );
    println!("  under the 50 ms budget:      {}", if ms(links_time) < 50.0 { "yes" } else { "NO" });
    // Full-text search as an investigator types it: a name, a mailbox, part of a phone number,
    // a street, a word every candidate's entry holds. Every query's runs together.
    // Someone of the population by name and by mailbox, whatever its size.
    let name = format!("Candidate {}", total * 4242 / 100_000);
    let mailbox = format!("cand{}.dev@example.com", total * 777 / 100_000);
    let queries = [name.as_str(), mailbox.as_str(), "212-0123", "Pine St Apt 2", "engineer"];
    let mut samples = Vec::with_capacity(runs * queries.len());
    for query in queries {
        assert!(!store.search(query, 20).unwrap().is_empty(), "{query:?} finds nobody");
        let mut these = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let hits = store.search(query, 20).unwrap();
            these.push(start.elapsed());
            assert!(!hits.is_empty());
        }
        samples.extend_from_slice(&these);
        let slowest = these.iter().max().copied().unwrap_or_default();
        println!(
            "  Store::search({query:?}): median {:.3} ms, slowest {:.3} ms",
            ms(median(these)),
            ms(slowest)
        );
    }
    let search_p99 = p99(&samples);
    let search_time = median(samples);
    println!(
        "  Store::search, {} queries     median {:8.3} ms, p99 {:.3} ms over {runs} runs each",
        queries.len(),
        ms(search_time),
        ms(search_p99)
    );

    vetdesk_testkit::bench::summary(
        &format!("links of one case at {total} candidates, in process (p99)"),
        &format!("{:.2} ms (median {:.2} ms)", ms(links_p99), ms(links_time)),
        &format!("{:.3} ms one indexed lookup", ms(lookup_time)),
        links_p99.as_secs_f64() / lookup_time.as_secs_f64().max(1e-9),
        "p99 < 30 ms",
        ms(links_p99) < 30.0,
    );
    vetdesk_testkit::bench::summary(
        &format!("full-text search at {total} candidates, in process (p99 of 5 queries)"),
        &format!("{:.2} ms (median {:.2} ms)", ms(search_p99), ms(search_time)),
        &format!("{:.3} ms one indexed lookup", ms(lookup_time)),
        search_p99.as_secs_f64() / lookup_time.as_secs_f64().max(1e-9),
        "p99 < 30 ms",
        ms(search_p99) < 30.0,
    );
}
