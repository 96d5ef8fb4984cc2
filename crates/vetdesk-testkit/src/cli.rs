//! The `vetdesk` binary in a temp data directory, as the CLI tests drive it: run with an acting
//! user and standard input, expect success or an exit code with a one-line reason.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub struct Cli {
    dir: tempfile::TempDir,
}

impl Default for Cli {
    fn default() -> Self {
        Cli::new()
    }
}

impl Cli {
    pub fn new() -> Self {
        Cli { dir: tempfile::tempdir().unwrap() }
    }
    pub fn data(&self) -> &Path {
        self.dir.path()
    }
    pub fn db(&self) -> PathBuf {
        self.data().join("vetdesk.db")
    }
    /// Runs with `actor` as VETDESK_USER (none when `None`) and optional standard input.
    pub fn run(&self, actor: Option<&str>, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::cargo_bin("vetdesk").unwrap();
        cmd.env_remove("VETDESK_USER").env("VETDESK_DATA_DIR", self.data());
        if let Some(actor) = actor {
            cmd.env("VETDESK_USER", actor);
        }
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        cmd.args(args).output().unwrap()
    }
    pub fn cmd(&self, actor: Option<&str>, args: &[&str]) -> Output {
        self.run(actor, args, None)
    }
    /// Runs and expects success; returns stdout.
    pub fn ok(&self, actor: Option<&str>, args: &[&str]) -> String {
        self.ok_with(actor, args, None)
    }
    pub fn ok_with(&self, actor: Option<&str>, args: &[&str], stdin: Option<&str>) -> String {
        let out = self.run(actor, args, stdin);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
    pub fn json(&self, actor: Option<&str>, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(actor, &all)).unwrap()
    }
    /// Runs and expects exit code `code`; returns stderr, checked to start with a reason and
    /// to hold no panic.
    pub fn fails(&self, actor: Option<&str>, args: &[&str], code: i32) -> String {
        self.fails_with(actor, args, None, code)
    }
    pub fn fails_with(
        &self,
        actor: Option<&str>,
        args: &[&str],
        stdin: Option<&str>,
        code: i32,
    ) -> String {
        let out = self.run(actor, args, stdin);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
        assert!(!stderr.trim().is_empty(), "{args:?}: no reason given");
        stderr
    }
    /// As `fails_with`, and the reason is exactly one line.
    pub fn fails_one_line(
        &self,
        actor: Option<&str>,
        args: &[&str],
        stdin: Option<&str>,
        code: i32,
    ) -> String {
        let stderr = self.fails_with(actor, args, stdin, code);
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        stderr
    }
    /// Writes a file into the data directory's folder and returns its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.data().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }
}

/// `init`, an admin, and one user of each other role.
pub fn init_team(cli: &Cli) {
    cli.ok(None, &["init"]);
    cli.ok(None, &["user", "add", "ada", "--role", "admin", "--display-name", "Ada Admin"]);
    for (name, role) in [("rita", "reviewer"), ("ivan", "investigator"), ("cora", "compliance")] {
        cli.ok(Some("ada"), &["user", "add", name, "--role", role]);
    }
}
