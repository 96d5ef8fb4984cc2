//! The cluster of a case: everyone joined to its candidate through shared identifiers, also
//! through others, each at its fewest hops with whom and what joins it; the same through the
//! CLI (`links --cluster`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_core::Store;
use vetdesk_core::model::{CandidateFields, Priority};
use vetdesk_core::verification::LinkKind;
use vetdesk_testkit::cli::{Cli, init_team};
use vetdesk_testkit::*;

fn person(name: &str, phone: &str, email: &str, address: &str) -> CandidateFields {
    CandidateFields {
        legal_name: name.into(),
        phones: vec![phone.into()],
        emails: vec![email.into()],
        home_address: Some(address.into()),
        ..CandidateFields::default()
    }
}

/// A shares a phone with B, B a home address with C, C an email with E; D shares nothing.
fn chain(store: &Store) -> [i64; 5] {
    let add = |f| add_candidate_with_case(store, f, Priority::Normal, None);
    let a = add(person(
        "Ann A",
        "+1 312 555 0101",
        "ann@example.com",
        "1 Elm St, Springfield, IL 62701",
    ));
    let b = add(person(
        "Bob B",
        "+1 312 555 0101",
        "bob@example.com",
        "500 Oak Ave PMB 12, Dover, DE 19901",
    ));
    let c = add(person(
        "Cy C",
        "+1 415 555 0199",
        "shared@example.org",
        "500 Oak Ave PMB 12, Dover, DE 19901",
    ));
    let d =
        add(person("Dee D", "+1 646 555 0123", "dee@example.com", "9 Pine Rd, Austin, TX 73301"));
    let e = add(person(
        "Eve E",
        "+1 206 555 0177",
        "shared@example.org",
        "4 Birch Ln, Boise, ID 83702",
    ));
    [a, b, c, d, e]
}

#[test]
fn the_cluster_walks_shared_identifiers_through_others_nearest_first() {
    let (_dir, store) = team_store();
    let [a, b, c, d, e] = chain(&store);
    let candidate = |case| store.case(case).unwrap().candidate_id;
    let cluster = store.cluster(a).unwrap();
    assert!(!cluster.truncated);
    let seen: Vec<(i64, u32, Option<i64>)> =
        cluster.members.iter().map(|m| (m.candidate_id, m.hops, m.joined_to)).collect();
    assert_eq!(
        seen,
        [
            (candidate(a), 0, None),
            (candidate(b), 1, Some(candidate(a))),
            (candidate(c), 2, Some(candidate(b))),
            (candidate(e), 3, Some(candidate(c))),
        ]
    );
    assert!(cluster.members.iter().all(|m| m.candidate_id != candidate(d)));
    let kinds: Vec<Vec<LinkKind>> =
        cluster.members.iter().map(|m| m.through.iter().map(|t| t.kind).collect()).collect();
    assert_eq!(
        kinds,
        [vec![], vec![LinkKind::Phone], vec![LinkKind::Address], vec![LinkKind::Email]]
    );
    assert_eq!(cluster.members[1].cases[0].case_id, b);

    // From the middle, B and E are one hop away and A two.
    let from_c = store.cluster(c).unwrap();
    let hops: Vec<(i64, u32)> = from_c.members.iter().map(|m| (m.candidate_id, m.hops)).collect();
    assert_eq!(hops, [(candidate(c), 0), (candidate(b), 1), (candidate(e), 1), (candidate(a), 2)]);
    // Alone: the candidate by themself.
    assert_eq!(store.cluster(d).unwrap().members.len(), 1);
}

#[test]
fn the_cli_prints_the_cluster_and_refuses_an_unknown_case() {
    let cli = Cli::new();
    init_team(&cli);
    for (name, phone, address) in [
        ("Ann A", "+1 312 555 0101", "1 Elm St, Springfield, IL 62701"),
        ("Bob B", "+1 312 555 0101", "500 Oak Ave PMB 12, Dover, DE 19901"),
        ("Cy C", "+1 415 555 0199", "500 Oak Ave PMB 12, Dover, DE 19901"),
    ] {
        // Adding a candidate opens their pre-hire case.
        cli.ok(
            Some("rita"),
            &["candidate", "add", "--name", name, "--phone", phone, "--home-address", address],
        );
    }
    let out = cli.ok(Some("ivan"), &["links", "1", "--cluster"]);
    assert!(out.contains("Case 1: 3 candidates joined by shared identifiers"), "{out}");
    assert!(out.contains("Cy C") && out.contains("address"), "{out}");
    let json = cli.json(Some("ivan"), &["links", "1", "--cluster"]);
    assert_eq!(json["members"][2]["hops"], 2);
    let err = cli.fails(Some("ivan"), &["links", "99", "--cluster"], 2);
    assert!(err.contains("99"), "{err}");
}
