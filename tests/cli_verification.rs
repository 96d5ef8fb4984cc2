//! The verification commands of the `vetdesk` binary: `mrz`, indicator lists, the records of
//! a case, `flags` and `links`, with their exit codes and one-line reasons for bad input that
//! leave the database as it was.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_testkit::cli::{Cli, init_team};
use vetdesk_testkit::td3;

/// A passport MRZ with correct check digits (ICAO Doc 9303 part 4), valid until 2031.
fn passport_mrz(number: &str) -> String {
    td3(number, "Eriksson", "Anna Maria", "1991-03-14", "2031-05-01")
}

const SPECIMEN_TD1: &str = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\n";

#[test]
fn mrz_reads_files_and_stdin_without_a_data_directory() {
    let cli = Cli::new();
    let good = cli.file("good.mrz", &passport_mrz("P1234567"));
    let out = cli.ok(None, &["mrz", &good]);
    assert!(out.contains("result           valid") && out.contains("ERIKSSON"), "{out}");
    assert!(!cli.db().exists(), "reading an MRZ creates no database");

    let json = cli.json(None, &["mrz", &good]);
    assert_eq!(json["valid"], true);
    assert_eq!(json["layout"], "td3");
    assert_eq!(json["document_number"], "P1234567");
    assert_eq!(json["check_digits"].as_array().unwrap().len(), 5);
    assert!(json["fields"].as_array().unwrap().iter().any(|f| f["field"] == "birth_date"));

    // One changed character in a checked field fails, and the field is named.
    let text = passport_mrz("P1234567").replace("P1234567<", "P1234568<");
    let bad = cli.file("bad.mrz", &text);
    let out = cli.run(None, &["mrz", &bad], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("INVALID") && stdout.contains("document_number"), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("document_number") && l.ends_with("FAIL")),
        "{stdout}"
    );

    // The ICAO specimen from standard input: every digit right, but it expired in 2012.
    let out = cli.run(None, &["mrz", "-", "--json"], Some(SPECIMEN_TD1));
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["check_digits"].as_array().unwrap().iter().all(|c| c["passed"] == true));
    assert!(json["problems"].as_array().unwrap().iter().any(|p| p["check"] == "mrz.expired"));

    let err = cli.fails_one_line(None, &["mrz", "-"], Some("not an mrz at all\n"), 2);
    assert!(err.contains("not a machine-readable zone"), "{err}");
    let err = cli.fails_one_line(None, &["mrz", "/nonexistent/zone.txt"], None, 2);
    assert!(err.contains("cannot read /nonexistent/zone.txt"), "{err}");
}

#[test]
fn a_case_recorded_from_the_command_line_shows_its_flags_and_links() {
    let cli = Cli::new();
    init_team(&cli);
    let lists = cli.file(
        "vpn.csv",
        "cidr,category,label\n203.0.113.0/24,vpn,ExampleVPN\n198.51.100.0/24,US,Austin ISP\n",
    );
    let out = cli.ok(Some("ivan"), &["iplist", "import", &lists, "--name", "indicators"]);
    assert!(
        out.contains("Imported indicator list indicators") && out.contains("2 ranges"),
        "{out}"
    );
    let listed = cli.json(None, &["iplist", "list"]);
    assert_eq!(listed[0]["entries"], 2);
    let hit = cli.ok(None, &["iplist", "check", "::ffff:203.0.113.7"]);
    assert!(hit.contains("203.0.113.0/24") && hit.contains("ExampleVPN"), "{hit}");
    cli.ok(Some("ivan"), &["voip", "add", "+1 650 555*", "--label", "Google Voice block"]);
    let voip = cli.ok(None, &["voip", "list"]);
    assert!(voip.contains("+1650555*") && voip.contains("do not tell VoIP"), "{voip}");

    for (name, phone) in [("Anna Maria Eriksson", "+1 512 555 0100"), ("Bo Lind", "(512) 555-0100")]
    {
        cli.ok(
            Some("rita"),
            &[
                "candidate",
                "add",
                "--name",
                name,
                "--phone",
                phone,
                "--location",
                "Austin, TX",
                "--time-zone",
                "America/Chicago",
            ],
        );
    }
    let mrz = cli.file("p.mrz", &passport_mrz("P1234567"));
    let out = cli.ok(
        Some("rita"),
        &[
            "doc",
            "add",
            "1",
            "--kind",
            "passport",
            "--country",
            "USA",
            "--number",
            "P1234567",
            "--name",
            "Anna Maria Eriksson",
            "--dob",
            "1991-03-14",
            "--expiry",
            "2031-05-01",
            "--mrz",
            &mrz,
        ],
    );
    assert!(out.contains("Recorded document 1 on case 1.") && out.contains("raised flag"), "{out}");
    let out = cli.ok(
        Some("rita"),
        &[
            "interview",
            "add",
            "1",
            "--on",
            "2026-10-05",
            "--at",
            "15:00",
            "--interviewer",
            "rita",
            "--refused-video",
            "--id-match",
            "not_shown",
        ],
    );
    assert!(out.contains("interview.video_refused"), "{out}");
    cli.ok(
        Some("rita"),
        &[
            "reference",
            "add",
            "1",
            "--name",
            "Sam Boss",
            "--email",
            "sam.boss@gmail.com",
            "--relationship",
            "former manager",
            "--company",
            "Initech",
        ],
    );
    cli.ok(
        Some("rita"),
        &[
            "ip",
            "add",
            "1",
            "203.0.113.9",
            "--seen-at",
            "2026-10-05T15:00:00Z",
            "--context",
            "interview",
        ],
    );
    let out = cli.ok_with(
        Some("rita"),
        &["payment", "add", "1", "--routing", "021000021", "--bank", "First Example"],
        Some("4400123456\n"),
    );
    assert!(out.contains("••••••3456") && !out.contains("4400123456"), "{out}");
    let payments = cli.ok(None, &["payment", "list", "1"]);
    assert!(payments.contains("•••••0021") && !payments.contains("4400123456"), "{payments}");

    let flags = cli.json(None, &["flags", "1"]);
    let mut rules: Vec<String> = flags["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        [
            "document.fewer_than_two",
            "interview.video_refused",
            "ip.anonymising",
            "phone.shared",
            "reference.free_mail_company"
        ]
    );
    assert!(flags["risk"]["score"].as_u64().unwrap() > 50);
    for f in flags["open"].as_array().unwrap() {
        assert!(
            !f["source"]["document"].as_str().unwrap().is_empty()
                && !f["why"].as_str().unwrap().is_empty()
        );
        assert!(!f["facts"].as_array().unwrap().is_empty());
    }
    let text = cli.ok(None, &["flags", "1"]);
    assert!(
        text.contains("[HIGH] interview.video_refused") && text.contains("source: NYDFS"),
        "{text}"
    );

    let links = cli.json(None, &["links", "1"]);
    assert_eq!(links[0]["candidate_id"], 2);
    assert_eq!(links[0]["cases"][0]["case_id"], 2);
    assert_eq!(links[0]["shared"][0]["value"], "+15125550100");
    let text = cli.ok(None, &["links", "2"]);
    assert!(
        text.contains("candidate 1 (Anna Maria Eriksson): case 1 (open)")
            && text.contains("phone +15125550100"),
        "{text}"
    );

    // E-Verify only after the offer and Form I-9.
    let everify = [
        "everify",
        "add",
        "1",
        "--case-number",
        "2026286154321AB",
        "--created",
        "2026-10-13",
        "--status",
        "tentative_nonconfirmation",
        "--agency",
        "ssa",
        "--mismatch",
        "2026-10-13",
    ];
    let before = vetdesk_testkit::dump(&cli.db());
    let err = cli.fails_one_line(Some("rita"), &everify, None, 2);
    assert!(err.contains("offer-accepted (pending) and form-i9-complete (pending)"), "{err}");
    assert_eq!(vetdesk_testkit::dump(&cli.db()), before);
    cli.ok(Some("rita"), &["check", "set", "1", "offer-accepted", "pass"]);
    cli.ok(Some("rita"), &["check", "set", "1", "form-i9-complete", "pass"]);
    let out = cli.ok(Some("rita"), &everify);
    assert!(out.contains("Recorded E-Verify case 1"), "{out}");
    let list = cli.ok(None, &["everify", "list", "1"]);
    assert!(
        list.contains("tentative_nonconfirmation (ssa)")
            && list.contains("overdue since 2026-10-27"),
        "{list}"
    );

    cli.ok(Some("cora"), &["vendor", "add", "Acme Staffing", "--attested"]);
    let out = cli.ok(
        Some("cora"),
        &[
            "vendor-audit",
            "add",
            "Acme Staffing",
            "--on",
            "2026-03-01",
            "--outcome",
            "satisfactory",
        ],
    );
    assert!(out.contains("next is due 2027-03-01"), "{out}");
    let status = cli.json(None, &["vendor-audit", "show", "acme staffing"]);
    assert_eq!(status["next_due"], "2027-03-01");

    let catalogue = cli.json(None, &["flags", "--catalogue"]);
    assert!(catalogue.as_array().unwrap().len() >= 30);
    let verification = cli.json(None, &["verification", "1"]);
    assert_eq!(verification["documents"][0]["mrz"]["valid"], true);
    assert_eq!(verification["observed_ips"][0]["matches"][0]["label"], "ExampleVPN");
    let audit = cli.ok(None, &["audit", "show", "1"]);
    assert!(audit.contains("raised [high] interview.video_refused"), "{audit}");
    let refreshed = cli.ok(Some("ivan"), &["flags", "--refresh"]);
    assert!(refreshed.starts_with("Refreshed: "), "{refreshed}");
    cli.ok(None, &["verify"]);
}

#[test]
fn bad_input_exits_2_with_one_line_and_changes_nothing() {
    let cli = Cli::new();
    init_team(&cli);
    cli.ok(Some("rita"), &["candidate", "add", "--name", "Anna Eriksson"]);
    let garbage = cli.file("garbage.mrz", "P<UTO\nNOT A ZONE\n");
    let bad_csv =
        cli.file("bad.csv", "cidr,category,label\n10.0.0.0/8,vpn,ok\n10.0.0.1/8,vpn,host bits\n");
    let bad_header = cli.file("header.csv", "network,kind\n10.0.0.0/8,vpn\n");
    let before = vetdesk_testkit::dump(&cli.db());
    fn doc<'a>(extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec![
            "doc",
            "add",
            "1",
            "--kind",
            "passport",
            "--country",
            "USA",
            "--number",
            "X1",
            "--name",
            "Anna Eriksson",
        ];
        args.extend_from_slice(extra);
        args
    }
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (
            vec![
                "doc",
                "add",
                "1",
                "--kind",
                "visa",
                "--country",
                "USA",
                "--number",
                "X1",
                "--name",
                "A",
            ],
            None,
            "unknown DocumentKind \"visa\"",
        ),
        (doc(&["--dob", "14/03/1991"]), None, "--dob \"14/03/1991\" is not a date"),
        (doc(&["--mrz", garbage.as_str()]), None, "machine-readable zone"),
        (doc(&["--front", "7"]), None, "evidence 7 not found"),
        (doc(&["--mrz", "/nonexistent.mrz"]), None, "cannot read /nonexistent.mrz"),
        (vec!["iplist", "import", bad_csv.as_str()], None, "line 3, column cidr"),
        (vec!["iplist", "import", bad_header.as_str()], None, "indicator list \"header\" refused"),
        (vec!["iplist", "import", "/nonexistent.csv"], None, "cannot read /nonexistent.csv"),
        (
            vec![
                "ip",
                "add",
                "1",
                "300.1.1.1",
                "--seen-at",
                "2026-10-01T00:00:00Z",
                "--context",
                "login",
            ],
            None,
            "not an IPv4 or IPv6 address",
        ),
        (
            vec!["ip", "add", "1", "10.0.0.1", "--seen-at", "yesterday", "--context", "login"],
            None,
            "--seen-at \"yesterday\"",
        ),
        (
            vec![
                "interview",
                "add",
                "1",
                "--on",
                "2026-10-01",
                "--interviewer",
                "rita",
                "--id-match",
                "maybe",
            ],
            None,
            "unknown IdMatch \"maybe\"",
        ),
        (
            vec![
                "interview",
                "hours",
                "1",
                "--from",
                "09:00",
                "--to",
                "17:00",
                "--tz",
                "Moon/Base",
            ],
            None,
            "not an IANA time zone",
        ),
        (
            vec!["payment", "add", "1", "--routing", "021000022"],
            Some("4400123456\n"),
            "ABA check digit",
        ),
        (
            vec!["payment", "add", "1", "--routing", "021000021"],
            Some(""),
            "account number on standard input",
        ),
        (
            vec![
                "everify",
                "add",
                "1",
                "--case-number",
                "AB 12",
                "--created",
                "2026-10-01",
                "--status",
                "employment_authorized",
            ],
            None,
            "cannot be recorded before offer-accepted",
        ),
        (vec!["voip", "add", "555*"], None, "VoIP list entry"),
        (
            vec![
                "reference",
                "add",
                "1",
                "--name",
                "R",
                "--relationship",
                "friend",
                "--email",
                "not-an-email",
            ],
            None,
            "reference email",
        ),
        (vec!["flags", "99"], None, "case 99 not found"),
        (vec!["links", "99"], None, "case 99 not found"),
        (
            vec![
                "vendor-audit",
                "add",
                "Nobody",
                "--on",
                "2026-01-01",
                "--outcome",
                "satisfactory",
            ],
            None,
            "vendor Nobody not found",
        ),
    ];
    for (args, stdin, expected) in cases {
        let actor = if args[0] == "iplist" || args[0] == "voip" { "ivan" } else { "rita" };
        let err = cli.fails_one_line(Some(actor), &args, stdin, 2);
        assert!(err.contains(expected), "{args:?}: {err:?} should contain {expected:?}");
        assert!(!err.contains("4400123456"), "{err}");
    }
    assert_eq!(vetdesk_testkit::dump(&cli.db()), before);
    // A reviewer may not change the indicator lists.
    let good = cli.file("good.csv", "cidr,category,label\n10.0.0.0/8,proxy,corp\n");
    let err = cli.fails_one_line(Some("rita"), &["iplist", "import", &good], None, 2);
    assert!(err.contains("rita (reviewer) may not import indicator lists"), "{err}");
    assert_eq!(vetdesk_testkit::dump(&cli.db()), before);
}

/// The cases a search names, in order, with the field each hit matched.
fn found(cli: &Cli, query: &str) -> Vec<(i64, String)> {
    let hits = cli.json(None, &["search", query]);
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| (h["case_id"].as_i64().unwrap(), h["matched"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn search_finds_identifiers_typed_in_any_common_format_on_the_cases_that_hold_them() {
    let cli = Cli::new();
    init_team(&cli);
    let lists = cli.file("vpn.csv", "cidr,category,label\n203.0.113.0/24,vpn,ExampleVPN\n");
    cli.ok(Some("ivan"), &["iplist", "import", &lists, "--name", "indicators"]);
    // Case 1 and case 2 share a phone written two ways; case 3's candidate is case 1's
    // reference.
    let people = [
        ("Anna Maria Eriksson", "+1 646 555 0199", "anna@example.com"),
        ("Bo Lind", "(646) 555-0199", "bo@example.com"),
        ("Sam Boss", "+1 512 555 0111", "sam.boss@example.org"),
    ];
    for (name, phone, email) in people {
        cli.ok(
            Some("rita"),
            &[
                "candidate",
                "add",
                "--name",
                name,
                "--phone",
                phone,
                "--email",
                email,
                "--home-address",
                "1200 Industrial Pkwy Ste 4, Austin, TX 78701",
            ],
        );
    }
    let mrz = cli.file("p.mrz", &passport_mrz("P1234567"));
    let doc = [
        "doc",
        "add",
        "1",
        "--kind",
        "passport",
        "--country",
        "USA",
        "--number",
        "P1234567",
        "--name",
        "Anna Maria Eriksson",
        "--dob",
        "1991-03-14",
        "--expiry",
        "2031-05-01",
        "--mrz",
    ];
    cli.ok(Some("rita"), &[&doc[..], &[mrz.as_str()]].concat());
    let reference = [
        "reference",
        "add",
        "1",
        "--name",
        "Sam Boss",
        "--email",
        "Sam.Boss@Example.org",
        "--relationship",
        "former manager",
    ];
    cli.ok(Some("rita"), &reference);
    let ip = ["ip", "add", "1", "203.0.113.9", "--seen-at", "2026-10-05T15:00:00Z"];
    cli.ok(Some("rita"), &[&ip[..], &["--context", "interview"]].concat());
    cli.ok_with(
        Some("rita"),
        &["payment", "add", "2", "--routing", "021000021"],
        Some("4400123456\n"),
    );

    let phone = |case: i64| (case, "phone".to_string());
    for query in ["+16465550199", "+1 646 555 0199", "(646) 555-0199", "646.555.0199", "6465550199"]
    {
        assert_eq!(found(&cli, query), [phone(1), phone(2)], "{query}");
    }
    let last_digits = |case: i64| (case, "phone (last digits)".to_string());
    assert_eq!(found(&cli, "555-0199"), [last_digits(1), last_digits(2)]);

    // A reference's email finds its owner and the case citing it.
    let hits = found(&cli, "sam.boss@example.org");
    assert_eq!(hits, [(1, "reference's email".to_string()), (3, "email".to_string())], "{hits:?}");

    let hits = found(&cli, "203.0.113.9");
    assert_eq!(hits[0], (1, "observed IP".to_string()), "{hits:?}");
    let hits = found(&cli, "p123-4567");
    assert_eq!(hits[0], (1, "passport number".to_string()), "{hits:?}");
    let hits = found(&cli, "examplevpn");
    assert_eq!(hits[0], (1, "VPN or hosting range of an IP address".to_string()), "{hits:?}");
    let hits = found(&cli, "••••3456");
    assert_eq!(hits[0], (2, "bank account (last four digits)".to_string()), "{hits:?}");
    // An address by its street line, whichever way it is written.
    let hits = found(&cli, "1200 industrial parkway suite 4");
    let cases: Vec<i64> = hits.iter().map(|h| h.0).collect();
    assert_eq!(cases, [1, 2, 3], "{hits:?}");
    assert!(hits.iter().all(|h| h.1 == "home address (street)"), "{hits:?}");

    // The text table shows the field that matched.
    let text = cli.ok(None, &["search", "555-0199"]);
    assert!(text.contains("phone (last digits)") && text.contains("Bo Lind"), "{text}");
}
