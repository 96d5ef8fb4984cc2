//! Switching passwords for shared desktops: an admin requires a password before a user is
//! chosen in the app. Only an Argon2id hash is recorded, through the one door (so `verify`
//! replays it and names a hash removed behind the store's back); the password itself is never
//! an argument, never in the log.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rusqlite::Connection;
use vetdesk_core::store::ProblemKind;
use vetdesk_testkit::cli::{Cli, init_team};

#[test]
fn an_admin_sets_a_switching_password_that_only_its_hash_records() {
    let cli = Cli::new();
    init_team(&cli);
    let out = cli.ok_with(
        Some("ada"),
        &["user", "password", "cora", "--password-stdin"],
        Some("tall-ships-at-dawn\n"),
    );
    assert!(out.contains("only with their password"), "{out}");
    let users = cli.json(Some("ada"), &["user", "list"]);
    let cora = users.as_array().unwrap().iter().find(|u| u["name"] == "cora").unwrap();
    assert_eq!(cora["switch_password"], true);

    // The log holds an Argon2id hash, never the password.
    let db = std::fs::read(cli.db()).unwrap();
    assert!(!db.windows(18).any(|w| w == b"tall-ships-at-dawn"));
    let audit = cli.ok(Some("ada"), &["audit", "show", "global", "--json"]);
    assert!(audit.contains("argon2id$v=19$") && !audit.contains("tall-ships-at-dawn"), "{audit}");

    // Only admins; a password is never an argument; an empty one is refused.
    let err = cli.fails_with(
        Some("rita"),
        &["user", "password", "cora", "--password-stdin"],
        Some("mine\n"),
        2,
    );
    assert!(err.contains("may not set switching passwords"), "{err}");
    let err = cli.fails_with(
        Some("ada"),
        &["user", "password", "ivan", "--password-stdin"],
        Some("\n"),
        2,
    );
    assert!(err.contains("empty"), "{err}");
    cli.fails(Some("ada"), &["user", "password", "ivan"], 2);
    assert!(cli.run(Some("ada"), &["verify"], None).status.success());
    // And removed again: recorded as well.
    cli.ok_with(Some("ada"), &["user", "password", "ivan", "--password-stdin"], Some("pw\n"));
    cli.ok(Some("ada"), &["user", "password", "ivan", "--clear"]);
    let err = cli.fails(Some("ada"), &["user", "password", "ivan", "--clear"], 2);
    assert!(err.contains("no switching password"), "{err}");

    // Removing the hash behind the store's back is named by verify.
    Connection::open(cli.db())
        .unwrap()
        .execute("UPDATE users SET switch_password = NULL WHERE name = 'cora'", [])
        .unwrap();
    let out = cli.run(Some("ada"), &["verify", "--json"], None);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["kind"] == serde_json::json!(ProblemKind::State.as_str())
            && p["location"].as_str().unwrap().starts_with("users row")),
        "{problems:#?}"
    );
}
