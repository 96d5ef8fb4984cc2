//! Team mode as people run it: `vetdesk team init` by the database owner, `vetdesk user add
//! --password-stdin` by an admin, members signing in as themselves (password in the URL, in
//! PGPASSWORD or in a password file), `--as` and `VETDESK_USER` refused, deactivated logins
//! locked out. The `vetdesk` binary as a whole process against a throwaway cluster.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Output, Stdio};

use vetdesk_testkit::pg::{self, PgCluster};
use vetdesk_testkit::vetdesk_command;

struct Db {
    cluster: &'static PgCluster,
    database: String,
    owner_url: String,
    n: String,
    dir: tempfile::TempDir,
}

impl Db {
    fn new() -> Db {
        let cluster = pg::shared();
        let (database, owner, password) = cluster.new_database();
        let owner_url = cluster.url(&owner, &password, &database);
        let n = database.trim_start_matches("vetdesk_").to_string();
        Db { cluster, database, owner_url, n, dir: tempfile::tempdir().unwrap() }
    }

    fn login(&self, who: &str) -> String {
        format!("{who}_{}", self.n)
    }

    /// Runs `vetdesk ARGS` with `url` in VETDESK_DATABASE_URL, `stdin` as standard input.
    fn run(&self, url: &str, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
        let mut cmd = vetdesk_command();
        cmd.env("VETDESK_DATABASE_URL", url)
            .env_remove("PGPASSWORD")
            .env("PGPASSFILE", self.dir.path().join("no-such-pgpass"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        if let Some(text) = stdin {
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    fn ok(&self, url: &str, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(url, args, stdin, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "vetdesk {args:?} failed: {stderr}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Runs a command that must fail with exit 2 and one line on stderr; returns the line.
    fn refused(&self, url: &str, args: &[&str], env: &[(&str, &str)]) -> String {
        let out = self.run(url, args, None, env);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "vetdesk {args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        stderr
    }

    fn url_as(&self, who: &str, password: &str) -> String {
        self.cluster.url(&self.login(who), password, &self.database)
    }
}

#[test]
fn the_owner_inits_an_admin_adds_logins_and_members_sign_in_as_themselves() {
    let db = Db::new();
    let said = db.ok(&db.owner_url, &["team", "init"], None);
    assert!(said.contains("is now an admin"), "{said}");
    let again = db.ok(&db.owner_url, &["team", "init"], None);
    assert!(again.contains("Team database ready") && !again.contains("now"), "{again}");

    let rita = db.login("rita");
    let said = db.ok(
        &db.owner_url,
        &["user", "add", &rita, "--role", "reviewer", "--password-stdin"],
        Some("rita's long password\n"),
    );
    assert!(said.contains(&format!("Added login {rita} (reviewer)")), "{said}");
    // Stored as a SCRAM-SHA-256 verifier, and rita signs in with her password.
    let mut superuser = db.cluster.superuser("postgres");
    let stored: String = superuser
        .query_one("SELECT rolpassword FROM pg_authid WHERE rolname = $1", &[&rita])
        .unwrap()
        .get(0);
    assert!(stored.starts_with("SCRAM-SHA-256$4096:"), "{stored}");
    let rita_url = db.url_as("rita", "rita's long password");
    let users = db.ok(&rita_url, &["user", "list"], None);
    assert!(users.contains(&rita) && users.contains("reviewer"), "{users}");
    // Her actions are hers: the audit trail names her login.
    db.ok(&rita_url, &["candidate", "add", "--name", "Anna Eriksson"], None);
    let trail = db.ok(&rita_url, &["--json", "audit", "show", "global"], None);
    assert!(trail.contains(&format!("\"actor\": \"{rita}\"")), "{trail}");

    // A wrong password is the database's refusal.
    let wrong = db.refused(&db.url_as("rita", "guess"), &["user", "list"], &[]);
    assert!(wrong.contains("password authentication failed"), "{wrong}");

    // The password from PGPASSWORD, or from a password file only its owner may read.
    let bare = db.cluster.url_without_password(&rita, &db.database);
    // With none of them and no terminal to ask on, the refusal is one line (standard input,
    // not a terminal here, is not read as a password).
    let out = db.run(&bare, &["user", "list"], Some("rita's long password\n"), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("password missing") && stderr.contains(&rita), "{stderr}");
    let out = db.run(&bare, &["user", "list"], None, &[("PGPASSWORD", "rita's long password")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let passfile = db.dir.path().join("pgpass");
    std::fs::write(&passfile, format!("127.0.0.1:*:{}:{rita}:rita's long password\n", db.database))
        .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&passfile, std::fs::Permissions::from_mode(0o600)).unwrap();
    let passfile = passfile.to_str().unwrap().to_string();
    let out = db.run(&bare, &["user", "list"], None, &[("PGPASSFILE", &passfile)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // set-role moves the login to the other group role; deactivate locks it out.
    db.ok(&db.owner_url, &["user", "set-role", &rita, "investigator"], None);
    let groups: Vec<String> = superuser
        .query(
            "SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid
             JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1",
            &[&rita],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(groups, ["vetdesk_investigator"]);
    db.ok(&db.owner_url, &["user", "deactivate", &rita], None);
    let locked = db.refused(&rita_url, &["user", "list"], &[]);
    assert!(locked.contains("is not permitted to log in"), "{locked}");
    let verify = db.ok(&db.owner_url, &["verify"], None);
    assert!(verify.contains("OK") || verify.to_lowercase().contains("clean"), "{verify}");
}

#[test]
fn in_team_mode_nobody_names_who_acts_and_passwords_come_only_from_stdin() {
    let db = Db::new();
    db.ok(&db.owner_url, &["team", "init"], None);
    let line = db.refused(&db.owner_url, &["--as", "someone", "user", "list"], &[]);
    assert!(line.contains("--as and VETDESK_USER are refused"), "{line}");
    let line = db.refused(&db.owner_url, &["user", "list"], &[("VETDESK_USER", "someone")]);
    assert!(line.contains("--as and VETDESK_USER are refused"), "{line}");
    let ivan = db.login("ivan");
    let line = db.refused(&db.owner_url, &["user", "add", &ivan, "--role", "investigator"], &[]);
    assert!(line.contains("--password-stdin"), "{line}");
    let out = db.run(
        &db.owner_url,
        &["user", "add", &ivan, "--role", "investigator", "--password-stdin"],
        Some("\n"),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let mut superuser = db.cluster.superuser("postgres");
    let logins =
        superuser.query("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&ivan]).unwrap().len();
    assert_eq!(logins, 0, "nothing was created for a refused add");
    // `vetdesk team` without a database is a usage error; so is --password-stdin in solo mode.
    let solo = tempfile::tempdir().unwrap();
    let out = vetdesk_command()
        .env_remove("VETDESK_DATABASE_URL")
        .arg("--data-dir")
        .arg(solo.path())
        .args(["team", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--database-url"));
}

#[test]
fn tls_is_used_as_sslmode_says_and_the_certificate_is_checked() {
    let db = Db::new();
    db.ok(&db.owner_url, &["team", "init"], None);
    // A login the server accepts over TLS only (pg_hba.conf: hostnossl … reject).
    let mut superuser = db.cluster.superuser("postgres");
    superuser
        .batch_execute(&format!(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tls_only') THEN
               CREATE ROLE tls_only LOGIN PASSWORD 'tls-only-password'; END IF; END $$;
             GRANT vetdesk_reviewer TO tls_only;
             GRANT CONNECT ON DATABASE {} TO tls_only;",
            db.database
        ))
        .unwrap();
    let base = format!(
        "postgresql://tls_only:tls-only-password@localhost:{}/{}",
        db.cluster.port, db.database
    );
    let root = db.cluster.certificate();
    let root = root.to_str().unwrap();
    let plain = db.refused(&format!("{base}?sslmode=disable"), &["team", "init"], &[]);
    assert!(plain.contains("no encryption"), "{plain}");
    // Encrypted; the certificate checked against its root, host name included.
    for mode in ["require", "prefer", &format!("verify-full&sslrootcert={root}")] {
        let out = db.run(&format!("{base}?sslmode={mode}"), &["case", "list"], None, &[]);
        assert!(out.status.success(), "{mode}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // A root that did not sign the server's certificate is refused.
    let other = db.dir.path().join("other-ca.crt");
    let out = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=other"])
        .arg("-keyout")
        .arg(db.dir.path().join("other-ca.key"))
        .arg("-out")
        .arg(&other)
        .output()
        .unwrap();
    assert!(out.status.success());
    let wrong = db.refused(
        &format!("{base}?sslmode=verify-full&sslrootcert={}", other.display()),
        &["case", "list"],
        &[],
    );
    assert!(
        wrong.contains("certificate verify failed") || wrong.contains("certificate"),
        "{wrong}"
    );
    // verify-full checks the host name: the certificate names localhost and 127.0.0.1 only.
    let by_other_name = format!(
        "postgresql://tls_only:tls-only-password@db.other.example:{}/{}?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert={root}",
        db.cluster.port, db.database
    );
    let out = db.run(&by_other_name, &["case", "list"], None, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("certificate verify failed"), "{stderr}");
    // verify-ca checks the chain only: the same connection is accepted.
    let by_other_name = by_other_name.replace("verify-full", "verify-ca");
    let out = db.run(&by_other_name, &["case", "list"], None, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn database_url_in_config_toml_puts_the_data_directory_in_team_mode() {
    let db = Db::new();
    db.ok(&db.owner_url, &["team", "init"], None);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!("database_url = \"{}\"\n", db.owner_url),
    )
    .unwrap();
    let out = vetdesk_command()
        .env_remove("VETDESK_DATABASE_URL")
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--json", "user", "list"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let owner = db.owner_url.split("//").nth(1).unwrap().split(':').next().unwrap();
    assert!(stdout.contains(&format!("\"name\": \"{owner}\"")), "{stdout}");
    assert!(!dir.path().join("vetdesk.db").exists(), "no solo database was made");
    // --as is refused there too: the directory is in team mode.
    let out = vetdesk_command()
        .env_remove("VETDESK_DATABASE_URL")
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--as", owner, "user", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
