//! The `vetdesk` binary as a user runs it: the walk-through from the README, `--json` on every
//! read, exit codes, and one-line reasons for bad input.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_testkit::cli::{Cli, init_team};

#[test]
fn walkthrough_from_the_readme() {
    let cli = Cli::new();
    init_team(&cli);
    let users = cli.json(None, &["user", "list"]);
    assert_eq!(users.as_array().unwrap().len(), 4);

    cli.ok(
        Some("cora"),
        &[
            "vendor",
            "add",
            "Acme Staffing",
            "--contact",
            "ops@acme.example",
            "--attested",
            "--last-audit",
            "2026-06-30",
        ],
    );
    let vendors = cli.json(None, &["vendor", "list"]);
    assert_eq!(vendors[0]["name"], "Acme Staffing");
    assert_eq!(vendors[0]["last_audit_on"], "2026-06-30");

    let csv = cli.data().join("candidates.csv");
    std::fs::write(
        &csv,
        "external_id,full_name,email,phone,home_address,shipping_address,claimed_location,ip_address,vendor,role,applied_on\n\
         ATS-1,Anna Maria Eriksson,anna@example.com,+1 202 555 0101,\"12 Oak St, Springfield, IL\",,Springfield IL,203.0.113.7,Acme Staffing,Backend engineer,2026-10-01\n\
         ATS-2,Иван Петров,ivan.p@example.com;ip@example.org,,,,,,,QA engineer,\n",
    )
    .unwrap();
    let imported = cli.json(Some("rita"), &["candidate", "import", csv.to_str().unwrap()]);
    assert_eq!(imported["created"].as_array().unwrap().len(), 2);
    let again = cli.ok(Some("rita"), &["candidate", "import", csv.to_str().unwrap()]);
    assert!(again.contains("0 new candidate(s), 0 updated, 2 unchanged"), "{again}");

    let added = cli.ok(
        Some("rita"),
        &[
            "candidate",
            "add",
            "--name",
            "Zoë Ólafsdóttir",
            "--email",
            "zoe@example.com",
            "--vendor",
            "acme staffing",
            "--time-zone",
            "America/Chicago",
        ],
    );
    assert!(added.contains("Added candidate 3.") && added.contains("Opened case 3."), "{added}");

    let cases =
        cli.json(None, &["case", "list", "--vendor", "Acme Staffing", "--sort", "candidate"]);
    let names: Vec<&str> =
        cases.as_array().unwrap().iter().map(|c| c["candidate_name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Anna Maria Eriksson", "Zoë Ólafsdóttir"]);

    cli.ok(Some("rita"), &["case", "assign", "1", "rita"]);
    cli.ok(Some("rita"), &["case", "status", "1", "in-review", "--reason", "starting"]);
    let image = cli.data().join("passport.png");
    std::fs::write(&image, vetdesk_testkit::png(300, 200)).unwrap();
    let attached = cli.json(
        Some("rita"),
        &[
            "evidence",
            "add",
            "1",
            image.to_str().unwrap(),
            "--item",
            "id-two-documents",
            "--description",
            "passport data page",
        ],
    );
    assert_eq!(attached["change"]["file"]["media_type"], "image/png");
    assert_eq!(attached["change"]["file"]["has_thumbnail"], true);
    cli.ok(
        Some("rita"),
        &[
            "check",
            "set",
            "1",
            "id-two-documents",
            "pass",
            "--note",
            "passport and driver licence",
            "--evidence",
            "1",
        ],
    );
    cli.ok(Some("rita"), &["note", "add", "1", "Interview on video, ID held to camera."]);

    let checklist = cli.json(None, &["check", "list", "1"]);
    let item = checklist
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["item"]["id"] == "id-two-documents")
        .unwrap();
    assert_eq!(item["state"]["result"], "pass");
    assert_eq!(item["state"]["evidence"], serde_json::json!([1]));
    let listing = cli.ok(None, &["check", "list", "1"]);
    let line = listing.lines().find(|l| l.contains("id-two-documents")).unwrap();
    assert!(line.trim_start().starts_with("[pass]") && line.contains("(rita, "), "{line}");

    // In its own script and, transliterated, in Latin letters.
    for query in ["петров", "petrov"] {
        let hits = cli.json(None, &["search", query]);
        assert_eq!(hits[0]["candidate_name"], "Иван Петров", "{query}");
    }
    let hits = cli.json(None, &["search", "held", "to", "camera"]);
    assert_eq!(hits[0]["kind"], "note");

    // Not yet: the decision gate lists what clearing still needs.
    let refused = cli.fails(Some("ivan"), &["case", "status", "1", "cleared", "--reason", "ok"], 2);
    assert!(
        refused.contains("cannot be cleared") && refused.contains("reviewer-trained"),
        "{refused}"
    );
    let out = cli.run(None, &["case", "gate", "1", "--json"], None);
    assert_eq!(out.status.code(), Some(1), "something is missing");
    let gate: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for gap in gate.as_array().unwrap() {
        match gap["kind"].as_str().unwrap() {
            "item" => {
                let item = gap["item_id"].as_str().unwrap();
                cli.ok(Some("cora"), &["check", "set", "1", item, "pass", "--note", "checked"]);
            }
            "flag" => {
                let flag = gap["flag_id"].to_string();
                cli.ok(Some("ivan"), &["triage", "1", &flag, "acknowledged"]);
            }
            other => panic!("unexpected gap {other}"),
        }
    }
    assert!(cli.ok(None, &["case", "gate", "1"]).contains("nothing is missing"));
    cli.ok(Some("ivan"), &["case", "status", "1", "cleared", "--reason", "identity verified"]);
    cli.ok(Some("cora"), &["case", "status", "1", "closed", "--reason", "signed off"]);
    let shown = cli.json(None, &["case", "show", "1"]);
    assert_eq!(shown["case"]["status"], "closed");
    assert_eq!(shown["case"]["decision"], "cleared");
    let text = cli.ok(None, &["case", "show", "1"]);
    assert!(text.contains("cleared by ivan") && text.contains("passport.png"), "{text}");

    let audit = cli.json(None, &["audit", "show", "1"]);
    let mut kinds: Vec<&str> =
        audit.as_array().unwrap().iter().map(|r| r["change"]["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "set_status").count(), 3);
    // Runs of one kind shown once: the items completed for the gate; cleared, then closed.
    kinds.dedup();
    assert_eq!(
        kinds,
        vec![
            "open_case",
            "assign_case",
            "set_status",
            "attach_evidence",
            "record_result",
            "add_note",
            "record_result",
            "set_status"
        ]
    );
    let last = audit.as_array().unwrap().last().unwrap();
    assert_eq!(last["hash"], shown["chain_head"]);

    let out = cli.data().join("exported.png");
    cli.ok(None, &["evidence", "export", "1", out.to_str().unwrap()]);
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&image).unwrap());
    let err = cli.fails(None, &["evidence", "export", "1", out.to_str().unwrap()], 2);
    assert!(err.contains("already exists"), "{err}");

    let verified = cli.ok(None, &["verify"]);
    assert!(verified.starts_with("OK:"), "{verified}");
}

#[test]
fn bad_input_exits_2_with_a_reason_and_changes_nothing() {
    let cli = Cli::new();
    let err = cli.fails(None, &["case", "list"], 2);
    assert!(err.contains("no Vetdesk database") && err.contains("vetdesk init"), "{err}");
    init_team(&cli);
    cli.ok(Some("rita"), &["candidate", "add", "--name", "Anna Eriksson"]);
    let before = vetdesk_testkit::dump(&cli.data().join("vetdesk.db"));

    let bad_csv = cli.data().join("bad.csv");
    std::fs::write(&bad_csv, "external_id,full_name,applied_on\nX1,Good,2026-01-01\nX2,,2026-01-01\nX3,Bad Date,yesterday\n").unwrap();
    let unknown_col = cli.data().join("unknown.csv");
    std::fs::write(&unknown_col, "external_id,full_name,salary\n").unwrap();
    let cases: Vec<(Option<&str>, Vec<&str>, Vec<&str>)> = vec![
        (
            Some("rita"),
            vec!["candidate", "import", bad_csv.to_str().unwrap()],
            vec!["line 3: full_name is empty", "line 4: applied_on \"yesterday\""],
        ),
        (
            Some("rita"),
            vec!["candidate", "import", unknown_col.to_str().unwrap()],
            vec!["unknown column(s) \"salary\""],
        ),
        (
            Some("rita"),
            vec!["candidate", "import", "/nonexistent/file.csv"],
            vec!["cannot open /nonexistent/file.csv"],
        ),
        (None, vec!["note", "add", "1", "who am I"], vec!["who is acting?"]),
        (Some("ghost"), vec!["note", "add", "1", "boo"], vec!["no user named \"ghost\""]),
        (
            Some("rita"),
            vec!["case", "status", "1", "finished", "--reason", "x"],
            vec!["unknown status \"finished\""],
        ),
        (
            Some("rita"),
            vec!["case", "status", "1", "decided", "--reason", "x"],
            vec!["say which decision"],
        ),
        (
            Some("rita"),
            vec!["check", "set", "1", "id-two-documents", "great"],
            vec!["unknown ItemResult \"great\"", "pass"],
        ),
        (
            Some("rita"),
            vec!["check", "set", "1", "no-such-item", "pass"],
            vec!["no checklist item \"no-such-item\""],
        ),
        (
            Some("rita"),
            vec!["check", "set", "1", "e-verify", "pass"],
            vec!["offer-accepted", "form-i9-complete", "prohibit"],
        ),
        (Some("rita"), vec!["check", "set", "99", "e-verify", "pass"], vec!["case 99 not found"]),
        (
            Some("rita"),
            vec!["evidence", "add", "1", "/nonexistent.png"],
            vec!["/nonexistent.png: no such file"],
        ),
        (Some("rita"), vec!["evidence", "add", "1", "/tmp"], vec!["not a regular file"]),
        (
            Some("rita"),
            vec!["candidate", "add", "--name", "X", "--applied-on", "31/12/2026"],
            vec!["not a date like"],
        ),
        (
            Some("rita"),
            vec!["candidate", "add", "--name", "X", "--vendor", "Nobody"],
            vec!["vendor Nobody not found"],
        ),
        (Some("rita"), vec!["vendor", "add", "Acme"], vec!["rita (reviewer) may not add vendors"]),
        (None, vec!["audit", "show", "abc"], vec!["not a case id"]),
    ];
    for (actor, args, expected) in cases {
        let err = cli.fails(actor, &args, 2);
        for e in expected {
            assert!(err.contains(e), "{args:?}: {err:?} should contain {e:?}");
        }
        assert!(err.starts_with("vetdesk: error: "), "{err}");
    }
    // Usage errors from argument parsing are exit code 2 too.
    cli.fails(None, &["case", "show"], 2);
    cli.fails(None, &["frobnicate"], 2);
    assert_eq!(vetdesk_testkit::dump(&cli.data().join("vetdesk.db")), before);
}

#[test]
fn verify_exits_1_and_names_the_tampered_record() {
    let cli = Cli::new();
    init_team(&cli);
    cli.ok(Some("rita"), &["candidate", "add", "--name", "Anna Eriksson"]);
    cli.ok(Some("rita"), &["note", "add", "1", "first"]);
    cli.ok(Some("rita"), &["note", "add", "1", "second"]);
    let conn = rusqlite::Connection::open(cli.data().join("vetdesk.db")).unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET change = replace(change, 'sealed:v2:', 'sealed:v2:0') WHERE chain = 'case:1' AND seq = 2;").unwrap();
    let out = cli.cmd(None, &["verify"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("FAILED") && stdout.contains("(case:1 #2)") && stdout.contains("edited"),
        "{stdout}"
    );
    let out = cli.cmd(None, &["verify", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
}

/// A candidate's correction goes through the one door: recorded in the chain of their case
/// (not only the global chain), raising the flags the new details call for, and refused once
/// the case is decided.
#[test]
fn candidate_edits_are_recorded_in_the_case_chain_and_refused_after_a_decision() {
    let cli = Cli::new();
    init_team(&cli);
    for (name, phone) in [("Anna Eriksson", "+1 512 555 0100"), ("Bo Lind", "+1 646 555 0199")] {
        cli.ok(Some("rita"), &["candidate", "add", "--name", name, "--phone", phone]);
    }
    let out = cli.ok(
        Some("rita"),
        &["candidate", "edit", "2", "--phone", "(512) 555-0100", "--name", "Bo Lindqvist"],
    );
    assert!(out.contains("Updated candidate 2."), "{out}");
    assert!(out.contains("case 2: legal_name \"Bo Lind\" -> \"Bo Lindqvist\""), "{out}");
    assert!(out.contains("raised flag on case 2: phone.shared"), "{out}");

    let audit = cli.json(None, &["audit", "show", "2"]);
    let changed = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["change"]["type"] == "candidate_changed")
        .unwrap_or_else(|| panic!("no candidate change in case 2's chain: {audit}"));
    let fields: Vec<&str> = changed["change"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["legal_name", "phones"]);
    assert_eq!(changed["change"]["changes"][1]["before"], "+1 646 555 0199");
    let text = cli.ok(None, &["audit", "show", "2"]);
    assert!(text.contains("candidate 2 changed: legal_name, phones"), "{text}");
    assert!(
        !cli.ok(None, &["audit", "show", "1"]).contains("candidate_changed"),
        "case 1's chain is about another candidate"
    );

    let flags = cli.json(None, &["flags", "2"]);
    let cite = format!("flag:{}", flags["open"][0]["id"].as_i64().unwrap());
    cli.ok(
        Some("ivan"),
        &["case", "status", "2", "rejected", "--reason", "shared phone", "--cite", &cite],
    );
    let before = vetdesk_testkit::db::dump(&cli.db());
    let err = cli.fails_one_line(
        Some("rita"),
        &["candidate", "edit", "2", "--name", "Someone Else"],
        None,
        2,
    );
    assert!(err.contains("case 2 is decided") && err.contains("reopened"), "{err}");
    assert_eq!(vetdesk_testkit::db::dump(&cli.db()), before, "a refused edit changes nothing");
    cli.ok(None, &["verify"]);
}

/// An import is judged as the add form is, and a dry run shows each update with the fields it
/// changes and the flags it would raise, writing nothing.
#[test]
fn import_validates_as_the_form_does_and_a_dry_run_shows_what_updates_change() {
    let cli = Cli::new();
    init_team(&cli);
    let first = cli.file(
        "first.csv",
        "external_id,full_name,email,phone,home_address\n\
         ATS-1,Ana Silva,ana.silva@example.com,+1 646 555 0199,12 Oak St Austin TX 78701\n\
         ATS-2,Bo Lind,bo@example.com,+1 512 555 0100,\n",
    );
    cli.ok(Some("rita"), &["candidate", "import", &first]);

    let bad = cli.file(
        "bad.csv",
        "external_id,full_name,email,phone\n\
         ATS-3,Cy Moss,ana.silva@example,+1 646 555 0100\n\
         ATS-4,Di Ray,di@example.com,555-0199\n",
    );
    let before = vetdesk_testkit::db::dump(&cli.db());
    let err = cli.fails(Some("rita"), &["candidate", "import", &bad], 2);
    assert!(err.contains("line 2") && err.contains("ana.silva@example"), "{err}");
    assert!(err.contains("line 3") && err.contains("555-0199"), "{err}");
    assert_eq!(vetdesk_testkit::db::dump(&cli.db()), before);

    // Bo takes Ana's phone and moves: the dry run names both changes and the shared phone.
    let second = cli.file(
        "second.csv",
        "external_id,full_name,email,phone,home_address\n\
         ATS-1,Ana Silva,ana.silva@example.com,+1 646 555 0199,12 Oak St Austin TX 78701\n\
         ATS-2,Bo Lind,bo@example.com,(646) 555-0199,1 Elm St Austin TX 78702\n",
    );
    let out = cli.ok(Some("rita"), &["candidate", "import", &second, "--dry-run"]);
    assert!(
        out.starts_with("Would import") && out.contains("0 new candidate(s), 1 updated"),
        "{out}"
    );
    assert!(out.contains("line 3: updates candidate 2"), "{out}");
    assert!(out.contains("phones: \"+1 512 555 0100\" -> \"(646) 555-0199\""), "{out}");
    assert!(out.contains("home_address: \"\" -> \"1 Elm St Austin TX 78702\""), "{out}");
    assert!(out.contains("would raise flag on case 2: phone.shared"), "{out}");
    assert_eq!(vetdesk_testkit::db::dump(&cli.db()), before, "a dry run writes nothing");

    let json = cli.json(Some("rita"), &["candidate", "import", &second]);
    let changes = &json["updated"][0]["changes"];
    assert_eq!(changes[0]["field"], "phones");
    assert_eq!(changes[1]["field"], "home_address");
}

#[test]
fn escalating_with_assign_hands_the_case_over_in_the_same_transaction() {
    let cli = Cli::new();
    init_team(&cli);
    cli.ok(Some("ada"), &["user", "add", "ina", "--role", "investigator"]);
    cli.ok(Some("ada"), &["user", "deactivate", "ina"]);
    cli.ok(Some("rita"), &["candidate", "add", "--name", "Anna Eriksson"]);
    cli.ok(Some("rita"), &["case", "assign", "1", "rita"]);
    let before = vetdesk_testkit::db::dump(&cli.db());
    for (who, why) in [
        ("rita", "rita (reviewer) may not decide a case"),
        ("ina", "ina is not an active user"),
        ("ghost", "there is no user named \"ghost\""),
    ] {
        let err = cli.fails(
            Some("rita"),
            &["case", "status", "1", "escalated", "--reason", "odd IP", "--assign", who],
            2,
        );
        assert!(err.contains("assignee") && err.contains(why), "{who}: {err}");
        assert_eq!(vetdesk_testkit::db::dump(&cli.db()), before, "{who}: nothing is written");
    }

    cli.ok(
        Some("rita"),
        &["case", "status", "1", "escalated", "--reason", "odd IP", "--assign", "ivan"],
    );
    let case = cli.json(None, &["case", "show", "1"]);
    assert_eq!(case["case"]["status"], "escalated", "{case}");
    assert_eq!(case["case"]["assignee"], "ivan", "{case}");
    let audit = cli.json(None, &["audit", "show", "1"]);
    let kinds: Vec<&str> =
        audit.as_array().unwrap().iter().map(|r| r["change"]["type"].as_str().unwrap()).collect();
    assert_eq!(kinds[kinds.len() - 2..], ["set_status", "assign_case"], "{audit}");
    cli.ok(None, &["verify"]);
}
