//! A throwaway PostgreSQL cluster for tests: `initdb` in a temp directory (SCRAM-SHA-256 for
//! every connection, a superuser password of its own), the server on a free port of 127.0.0.1
//! with its socket in that directory, run as the `postgres` OS user when the tests run as root
//! (PostgreSQL refuses root). A cluster owned by a test stops when it is dropped, a panic
//! included; the one a test binary shares ([`shared`]) is stopped by a watchdog when the test
//! process ends, however it ends. No test needs a server someone started by hand.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The superuser's password in every test cluster (the cluster listens on 127.0.0.1 only and
/// lives as long as the tests).
const SUPERUSER_PASSWORD: &str = "vetdesk-test-superuser";

/// The directory of the PostgreSQL server programs: `VETDESK_PG_BIN`, else the newest
/// `/usr/lib/postgresql/N/bin` (Debian's layout), else whatever `pg_config --bindir` says.
pub fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("VETDESK_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    found.sort();
    if let Some((_, bin)) = found.pop() {
        return bin;
    }
    let out = Command::new("pg_config").arg("--bindir").output().unwrap_or_else(|e| {
        panic!("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin, no pg_config: {e}); run scripts/setup.sh")
    });
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A server program, run as the `postgres` OS user when we are root.
fn server_command(program: &str) -> Command {
    let path = bin_dir().join(program);
    if is_root() {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(path);
        cmd
    } else {
        Command::new(path)
    }
}

fn run_ok(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A running cluster. Dropping it stops the server and removes its files.
pub struct PgCluster {
    root: PathBuf,
    pub port: u16,
    counter: AtomicU32,
}

impl PgCluster {
    /// Creates and starts a new cluster (without fsync: tests need no durability).
    pub fn start() -> PgCluster {
        PgCluster::start_with(false)
    }

    /// A cluster that syncs its write-ahead log at each commit, as a production server does
    /// (for benchmarks that compare commit rates with SQLite's synchronous commits).
    pub fn start_durable() -> PgCluster {
        PgCluster::start_with(true)
    }

    fn start_with(fsync: bool) -> PgCluster {
        let root = tempfile::Builder::new().prefix("vetdesk-pg-").tempdir().unwrap().keep();
        let data = root.join("data");
        std::fs::write(root.join("pwfile"), SUPERUSER_PASSWORD).unwrap();
        if is_root() {
            run_ok(Command::new("chown").arg("-R").arg("postgres:").arg(&root), "chown");
        }
        run_ok(
            server_command("initdb")
                .arg("-D")
                .arg(&data)
                .args(["-U", "postgres", "-E", "UTF8", "--locale=C"])
                .args(["--auth-host=scram-sha-256", "--auth-local=scram-sha-256"])
                .arg(format!("--pwfile={}", root.join("pwfile").display())),
            "initdb",
        );
        // TLS: a self-signed certificate for localhost and 127.0.0.1 (its own root), and the
        // login `tls_only` accepted over TLS only, for the tests of sslmode.
        let (cert, key) = (root.join("server.crt"), root.join("server.key"));
        run_ok(
            Command::new("openssl")
                .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"])
                .args(["-subj", "/CN=localhost"])
                .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&cert),
            "openssl req",
        );
        if is_root() {
            run_ok(Command::new("chown").arg("postgres:").arg(&key).arg(&cert), "chown");
        }
        run_ok(Command::new("chmod").arg("600").arg(&key), "chmod");
        let hba = data.join("pg_hba.conf");
        let rules = std::fs::read_to_string(&hba).unwrap();
        std::fs::write(&hba, format!("hostnossl all tls_only 0.0.0.0/0 reject\n{rules}")).unwrap();
        let port = free_port();
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync={} -c max_connections=300 \
             -c password_encryption=scram-sha-256 -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
            root.display(),
            if fsync { "on" } else { "off" },
            cert.display(),
            key.display()
        );
        run_ok(
            server_command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .args(["-o", &options, "-l"])
                .arg(root.join("server.log"))
                .args(["-w", "-t", "60", "start"]),
            "pg_ctl start",
        );
        PgCluster { root, port, counter: AtomicU32::new(0) }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The server's self-signed certificate, its own root (for `sslrootcert`).
    pub fn certificate(&self) -> PathBuf {
        self.root.join("server.crt")
    }

    /// A connection URL for `user` with `password` to `database`.
    pub fn url(&self, user: &str, password: &str, database: &str) -> String {
        format!("postgresql://{user}:{password}@127.0.0.1:{}/{database}?sslmode=disable", self.port)
    }

    /// The same without a password (for tests of PGPASSWORD and the password file).
    pub fn url_without_password(&self, user: &str, database: &str) -> String {
        format!("postgresql://{user}@127.0.0.1:{}/{database}?sslmode=disable", self.port)
    }

    /// A superuser connection to `database`.
    pub fn superuser(&self, database: &str) -> postgres::Client {
        self.connect("postgres", SUPERUSER_PASSWORD, database)
    }

    /// A plain connection as `user`, as `psql` would make it.
    pub fn connect(&self, user: &str, password: &str, database: &str) -> postgres::Client {
        postgres::Client::connect(&self.url(user, password, database), postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect as {user} to {database}: {e}"))
    }

    /// A new database owned by a new login with CREATEROLE (as a team's database owner is):
    /// (database, owner, owner's password).
    pub fn new_database(&self) -> (String, String, String) {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let database = format!("vetdesk_{n}");
        let owner = format!("owner_{n}");
        let password = format!("owner-pw-{n}");
        let mut admin = self.superuser("postgres");
        // Two statements: CREATE DATABASE cannot share a transaction.
        admin
            .batch_execute(&format!("CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD '{password}'"))
            .unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {database} OWNER {owner}")).unwrap();
        (database, owner, password)
    }

    /// The URL of a new database, as its owner.
    pub fn new_database_url(&self) -> String {
        let (database, owner, password) = self.new_database();
        self.url(&owner, &password, &database)
    }

    fn stop(&self) {
        let _ = server_command("pg_ctl")
            .arg("-D")
            .arg(self.root.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.root);
    }

    /// Stops the server and removes its files when process `pid` has ended (a test binary's
    /// shared cluster outlives every test, and statics are never dropped).
    // The watchdog is meant to outlive this process, which so never waits for it; once this
    // process ends, init adopts and reaps it.
    #[allow(clippy::zombie_processes)]
    fn stop_when_gone(&self, pid: u32) {
        let pg_ctl = bin_dir().join("pg_ctl");
        let data = self.root.join("data");
        let as_postgres = if is_root() { "runuser -u postgres -- " } else { "" };
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; \
             {as_postgres}'{}' -D '{}' -m immediate -w stop >/dev/null 2>&1; rm -rf '{}'",
            pg_ctl.display(),
            data.display(),
            self.root.display()
        );
        Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The cluster this test binary shares, started on first use and stopped when the process ends.
pub fn shared() -> &'static PgCluster {
    static SHARED: OnceLock<PgCluster> = OnceLock::new();
    SHARED.get_or_init(|| {
        let cluster = PgCluster::start();
        cluster.stop_when_gone(std::process::id());
        cluster
    })
}
