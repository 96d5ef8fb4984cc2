//! `vetdesk team push`: a solo data directory built through real commands (users, a vendor,
//! candidates sharing a phone, evidence, a note, a triaged flag, a rejection and its sign-off)
//! moved into a new team database by its owner; `verify` in team mode is clean, every chain
//! head and every table's row count is the solo directory's, and the mapped logins go on from
//! there. The refusals (an unmapped user, a non-admin, a target with a history, a bad
//! directory) are one line each and write nothing.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use vetdesk_testkit::pg::{self, PgCluster};
use vetdesk_testkit::vetdesk_command;

const TABLES: &[&str] = &[
    "users",
    "vendors",
    "candidates",
    "cases",
    "checklist_items",
    "notes",
    "evidence",
    "item_evidence",
    "case_flags",
    "link_keys",
    "address_history",
    "policy",
    "audit_log",
    "ledger",
];

fn solo(dir: &Path, actor: Option<&str>, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = vetdesk_command();
    cmd.env_remove("VETDESK_DATABASE_URL").arg("--data-dir").arg(dir);
    if let Some(who) = actor {
        cmd.args(["--as", who]);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A 64×48 PNG (an ID scan as far as the store can tell).
fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let image =
        image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 3, y as u8 * 5, 120]));
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    bytes
}

/// A solo directory with a history: returns it (encrypted with `env`'s passphrase file when
/// given).
fn build_solo(env: &[(&str, &str)], encrypt: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let init: &[&str] = if encrypt { &["init", "--encrypt"] } else { &["init"] };
    solo(d, None, init, env);
    solo(d, None, &["user", "add", "ada", "--role", "admin"], env);
    for (name, role) in [("rita", "reviewer"), ("ivan", "investigator"), ("cora", "compliance")] {
        solo(d, Some("ada"), &["user", "add", name, "--role", role], env);
    }
    solo(
        d,
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
        env,
    );
    solo(
        d,
        Some("rita"),
        &[
            "candidate",
            "add",
            "--name",
            "Anna Eriksson",
            "--email",
            "anna@example.com",
            "--phone",
            "+1 202 555 0142",
            "--vendor",
            "Acme Staffing",
        ],
        env,
    );
    solo(
        d,
        Some("rita"),
        &[
            "candidate",
            "add",
            "--name",
            "Zoë Ólafsdóttir",
            "--email",
            "zoe@example.com",
            "--phone",
            "+1 202 555 0142",
        ],
        env,
    );
    let scan = d.join("scan.png");
    std::fs::write(&scan, png()).unwrap();
    solo(
        d,
        Some("rita"),
        &[
            "evidence",
            "add",
            "1",
            scan.to_str().unwrap(),
            "--item",
            "id-two-documents",
            "--description",
            "Passport data page",
        ],
        env,
    );
    std::fs::remove_file(&scan).unwrap();
    solo(d, Some("rita"), &["note", "add", "1", "Video call held, ID held to camera."], env);
    solo(d, Some("ivan"), &["triage", "1", "1", "acknowledged"], env);
    solo(d, Some("rita"), &["case", "status", "2", "in-review", "--reason", "starting"], env);
    solo(
        d,
        Some("ivan"),
        &["case", "status", "2", "rejected", "--reason", "shared phone", "--cite", "flag:2"],
        env,
    );
    solo(d, Some("cora"), &["case", "status", "2", "closed", "--reason", "signed off"], env);
    dir
}

/// Every chain's head as `verify --json` prints it... read from the audit table instead, so
/// that both sides are read the same way.
fn solo_heads(db: &Path) -> BTreeMap<String, String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut statement = conn
        .prepare(
            "SELECT a.chain, a.hash FROM audit_log a WHERE a.seq =
               (SELECT max(seq) FROM audit_log b WHERE b.chain = a.chain)",
        )
        .unwrap();
    statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

fn team_heads(client: &mut postgres::Client) -> BTreeMap<String, String> {
    client
        .query(
            "SELECT a.chain::text, a.hash::text FROM audit_log a WHERE a.seq =
               (SELECT max(seq) FROM audit_log b WHERE b.chain = a.chain)",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

struct Team {
    cluster: &'static PgCluster,
    database: String,
    owner: String,
    owner_url: String,
    n: String,
    dir: tempfile::TempDir,
}

impl Team {
    fn new() -> Team {
        let cluster = pg::shared();
        let (database, owner, password) = cluster.new_database();
        let owner_url = cluster.url(&owner, &password, &database);
        let n = database.trim_start_matches("vetdesk_").to_string();
        Team { cluster, database, owner, owner_url, n, dir: tempfile::tempdir().unwrap() }
    }

    /// A login of this test's own (logins are the cluster's), with no group role yet.
    fn login(&self, who: &str) -> String {
        let login = format!("{who}_{}", self.n);
        self.cluster
            .superuser("postgres")
            .batch_execute(&format!("CREATE ROLE {login} LOGIN PASSWORD 'pw-{login}'"))
            .unwrap();
        login
    }

    fn url_of(&self, login: &str) -> String {
        self.cluster.url(login, &format!("pw-{login}"), &self.database)
    }

    fn run(&self, url: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = vetdesk_command();
        cmd.env("VETDESK_DATABASE_URL", url)
            .env_remove("PGPASSWORD")
            .env("PGPASSFILE", self.dir.path().join("no-such-pgpass"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    fn ok(&self, url: &str, args: &[&str]) -> String {
        let out = self.run(url, args, &[]);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn refused(&self, url: &str, args: &[&str]) -> String {
        let out = self.run(url, args, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        stderr
    }

    fn client(&self) -> postgres::Client {
        self.cluster.superuser(&self.database)
    }

    fn records(&self) -> i64 {
        let mut client = self.client();
        let exists: bool =
            client.query_one("SELECT to_regclass('audit_log') IS NOT NULL", &[]).unwrap().get(0);
        if !exists {
            return 0;
        }
        client.query_one("SELECT count(*) FROM audit_log", &[]).unwrap().get(0)
    }
}

fn count_solo(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn a_solo_directory_is_pushed_whole_with_every_head_unchanged() {
    let solo_dir = build_solo(&[], false);
    let db = solo_dir.path().join("vetdesk.db");
    let heads = solo_heads(&db);
    assert!(heads.len() >= 3, "{heads:?}");
    let team = Team::new();
    let (rita, ivan, cora) = (team.login("rita"), team.login("ivan"), team.login("cora"));
    let from = solo_dir.path().to_str().unwrap();
    let maps = [
        format!("ada={}", team.owner),
        format!("rita={rita}"),
        format!("ivan={ivan}"),
        format!("cora={cora}"),
    ];
    let mut args = vec!["team", "push", "--from-data-dir", from];
    for m in &maps {
        args.extend(["--map", m.as_str()]);
    }

    // Refusals first, each one line, nothing written.
    let short: Vec<&str> = args[..args.len() - 2].to_vec();
    let line = team.refused(&team.owner_url, &short);
    assert!(line.contains("unmapped solo user(s): cora;"), "{line}");
    let mut bad = args.clone();
    bad[3] = "/no/such/dir";
    let line = team.refused(&team.owner_url, &bad);
    assert!(line.contains("no Vetdesk database in /no/such/dir"), "{line}");
    assert_eq!(team.records(), 0, "nothing written by a refused push");

    let said = team.ok(&team.owner_url, &args);
    assert!(
        said.contains("every head unchanged")
            && said.contains("1 evidence and telemetry file(s) stored in the database"),
        "{said}"
    );

    // Heads and row counts are the solo directory's.
    let mut client = team.client();
    assert_eq!(team_heads(&mut client), heads);
    for table in TABLES {
        let n: i64 =
            client.query_one(&format!("SELECT count(*) FROM {table}"), &[]).unwrap().get(0);
        assert_eq!(n, count_solo(&db, table), "{table}");
    }
    // The records keep the names they were recorded with.
    let actors: Vec<String> = client
        .query("SELECT DISTINCT actor::text FROM audit_log ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(actors, ["ada", "cora", "ivan", "rita"]);
    let verify = team.ok(&team.owner_url, &["verify"]);
    assert!(verify.contains(&heads["global"]), "{verify}");
    // The evidence file came along into the database's chunks (nothing under evidence/ of the
    // team desktop's data directory): it exports, byte for byte, and verify re-hashed it.
    assert!(verify.contains("1 evidence files intact"), "{verify}");
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(png()))
    };
    let (chunks, bytes): (i64, i64) = {
        let row = client
            .query_one(
                "SELECT count(*), coalesce(sum(length(bytes)), 0)::bigint FROM evidence_chunk
                 WHERE sha256 = $1",
                &[&sha],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!((chunks, bytes), (1, png().len() as i64));
    let on_disk =
        std::fs::read_dir(team.dir.path().join("evidence")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(on_disk, 0, "no evidence file on the team desktop");
    let out = team.dir.path().join("scan-copy.png");
    team.ok(&team.owner_url, &["evidence", "export", "1", out.to_str().unwrap()]);
    assert_eq!(std::fs::read(&out).unwrap(), png());

    // A second push into the same database is refused: it has a history now.
    let line = team.refused(&team.owner_url, &args);
    assert!(line.contains("already holds"), "{line}");
    // A reviewer (rita's login has her solo role now) is no admin.
    let line = team.refused(&team.url_of(&rita), &args);
    assert!(line.contains("is not a Vetdesk admin"), "{line}");
    assert_eq!(team_heads(&mut client), heads, "nothing written by either");

    // The logins answer for their names: rita's note is recorded as rita's (the database takes
    // her login's records as made by the name mapped to it, and refuses any other name).
    team.ok(&team.url_of(&rita), &["note", "add", "1", "Pushed to the team database."]);
    let trail = team.ok(&team.owner_url, &["--json", "audit", "show", "1"]);
    let last = trail.rfind("\"actor\"").unwrap();
    assert!(trail[last..].starts_with("\"actor\": \"rita\""), "{}", &trail[last..]);
    let mut as_ivan = team.cluster.connect(&ivan, &format!("pw-{ivan}"), &team.database);
    let forged = as_ivan.batch_execute(
        "INSERT INTO audit_log (chain, seq, at, actor, change, prev_hash, hash)
         VALUES ('global', 999, 'x', 'rita', '{}', 'x', 'x')",
    );
    let message = forged.unwrap_err().as_db_error().unwrap().message().to_string();
    assert!(message.contains("is the signed-in login ivan, not rita"), "{message}");
    let verify = team.ok(&team.owner_url, &["verify"]);
    assert!(!verify.contains("problem"), "{verify}");
}

#[test]
fn an_encrypted_solo_directory_is_unlocked_with_its_passphrase_file_and_pushed() {
    let pass = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(pass.path(), "correct horse battery staple\n").unwrap();
    let env = [("VETDESK_PASSPHRASE_FILE", pass.path().to_str().unwrap())];
    let solo_dir = build_solo(&env, true);
    let team = Team::new();
    let (rita, ivan, cora) = (team.login("rita"), team.login("ivan"), team.login("cora"));
    let from = solo_dir.path().to_str().unwrap().to_string();
    let maps = [
        format!("ada={}", team.owner),
        format!("rita={rita}"),
        format!("ivan={ivan}"),
        format!("cora={cora}"),
    ];
    let mut args = vec!["team", "push", "--from-data-dir", from.as_str()];
    for m in &maps {
        args.extend(["--map", m.as_str()]);
    }
    let solo_verify = solo(solo_dir.path(), None, &["verify"], &env);
    let out = team.run(&team.owner_url, &args, &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let verify = team.ok(&team.owner_url, &["verify"]);
    let root = |text: &str| {
        text.lines().find(|l| l.starts_with("Global head:")).map(str::to_string).unwrap()
    };
    assert_eq!(root(&verify), root(&solo_verify));
    let out = team.dir.path().join("scan-copy.png");
    team.ok(&team.owner_url, &["evidence", "export", "1", out.to_str().unwrap()]);
    assert_eq!(std::fs::read(&out).unwrap(), png(), "decrypted on the way");
}

/// The sample cohort as `make team-demo` pushes it: besides the vetting cases, hired workers
/// with their monitoring cases, two telemetry imports kept as files, and an investigation case
/// opened from an alert. All of it arrives with every head unchanged and verifies; the
/// investigator sees the investigation, the reviewer does not.
#[test]
fn the_sample_cohort_with_its_telemetry_and_investigation_is_pushed_whole() {
    let solo_dir = tempfile::tempdir().unwrap();
    let d = solo_dir.path();
    solo(d, None, &["demo"], &[]);
    let db = d.join("vetdesk.db");
    let heads = solo_heads(&db);
    let team = Team::new();
    let logins = ["reviewer", "investigator", "compliance"].map(|who| (who, team.login(who)));
    let from = d.to_str().unwrap();
    let mut maps = vec![format!("sample-admin={}", team.owner)];
    maps.extend(logins.iter().map(|(who, login)| format!("sample-{who}={login}")));
    let mut args = vec!["team", "push", "--from-data-dir", from];
    for m in &maps {
        args.extend(["--map", m.as_str()]);
    }
    let said = team.ok(&team.owner_url, &args);
    assert!(said.contains("every head unchanged"), "{said}");

    let mut client = team.client();
    assert_eq!(team_heads(&mut client), heads);
    for table in TABLES.iter().chain(&[
        "employees",
        "employee_accounts",
        "employee_devices",
        "telemetry_imports",
        "telemetry_events",
    ]) {
        let n: i64 =
            client.query_one(&format!("SELECT count(*) FROM {table}"), &[]).unwrap().get(0);
        assert_eq!(n, count_solo(&db, table), "{table}");
    }
    assert_eq!(count_solo(&db, "employees"), 3);
    assert_eq!(count_solo(&db, "telemetry_imports"), 2);
    // The two import files are in the database's chunks, each under its SHA-256.
    let shas: Vec<String> = client
        .query("SELECT file_sha256::text FROM telemetry_imports ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for sha in &shas {
        let chunks: i64 = client
            .query_one("SELECT count(*) FROM evidence_chunk WHERE sha256 = $1", &[sha])
            .unwrap()
            .get(0);
        assert!(chunks >= 1, "no chunk of import file {sha}");
    }
    let verify = team.ok(&team.owner_url, &["verify"]);
    assert!(verify.contains(&heads["global"]) && !verify.contains("problem"), "{verify}");

    // Team mode's row rules: the investigation and monitoring cases are the investigator's to
    // see, not the reviewer's.
    let kinds = |login: &str| -> Vec<String> {
        let out = team.ok(&team.url_of(login), &["--json", "case", "list"]);
        let cases: serde_json::Value = serde_json::from_str(&out).unwrap();
        cases
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["kind"].as_str().unwrap().to_string())
            .filter(|k| k != "pre_hire")
            .collect()
    };
    let (_, reviewer) = &logins[0];
    let (_, investigator) = &logins[1];
    assert_eq!(kinds(reviewer), Vec::<String>::new());
    let mut seen = kinds(investigator);
    seen.sort();
    assert_eq!(seen, ["investigation", "monitoring", "monitoring", "monitoring"]);
}
