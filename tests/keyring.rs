//! `vetdesk passphrase remember|forget` and the OS keyring tried before the passphrase, for
//! real: each test re-runs itself as a child process on a private D-Bus session bus with a
//! Secret Service (gnome-keyring, its login keyring unlocked in a temporary home), and the
//! child drives `vetdesk` as whole processes with no passphrase file and no terminal.
//! Needs Debian's `dbus` (dbus-run-session) and `gnome-keyring` packages (scripts/setup.sh).

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use vetdesk_testkit::vetdesk_command;

const CHILD: &str = "VETDESK_KEYRING_CLI_CHILD";

/// Runs `test` of this binary again, inside `dbus-run-session` with gnome-keyring started and
/// unlocked, its files in a temporary home; asserts the child passed.
fn in_private_keyring(test: &str) {
    let home = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    // gnome-keyring-daemon --unlock reads the login keyring's password on stdin and creates
    // that keyring, unlocked, under XDG_DATA_HOME.
    let script = "printf 'test-login-password' | gnome-keyring-daemon --unlock \
                  --components=secrets >/dev/null && exec \"$0\" \"$@\"";
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script])
        .arg(&exe)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("HOME", home.path())
        .env("XDG_RUNTIME_DIR", home.path())
        .env("XDG_DATA_HOME", home.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 passed"), "the child ran no test: {stdout}");
}

fn is_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

struct Dir {
    temp: tempfile::TempDir,
    data: PathBuf,
}

impl Dir {
    fn new() -> Dir {
        let temp = tempfile::tempdir().unwrap();
        let data = temp.path().join("data");
        Dir { temp, data }
    }

    fn phrase(&self, name: &str, text: &str) -> PathBuf {
        let path = self.temp.path().join(name);
        std::fs::write(&path, format!("{text}\n")).unwrap();
        path
    }

    /// `vetdesk ARGS` with the passphrase file `pass` (none: the keyring, then the absent
    /// terminal) and the new passphrase file `new`.
    fn run(&self, pass: Option<&Path>, new: Option<&Path>, args: &[&str]) -> Output {
        let mut cmd = vetdesk_command();
        cmd.env("VETDESK_DATA_DIR", &self.data).env("VETDESK_USER", "ada").args(args);
        cmd.env_remove("VETDESK_PASSPHRASE_FILE").env_remove("VETDESK_NEW_PASSPHRASE_FILE");
        if let Some(pass) = pass {
            cmd.env("VETDESK_PASSPHRASE_FILE", pass);
        }
        if let Some(new) = new {
            cmd.env("VETDESK_NEW_PASSPHRASE_FILE", new);
        }
        cmd.stdin(Stdio::null()).output().unwrap()
    }

    fn ok(&self, pass: Option<&Path>, args: &[&str]) -> (String, String) {
        let out = self.run(pass, None, args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{args:?} failed: {stderr}");
        (String::from_utf8(out.stdout).unwrap(), stderr)
    }

    /// Expects exit 2 with one line on stderr, and returns it.
    fn refused(&self, pass: Option<&Path>, args: &[&str]) -> String {
        let out = self.run(pass, None, args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        stderr
    }
}

#[test]
fn a_remembered_key_opens_the_directory_until_forgotten_or_the_passphrase_changes() {
    if !is_child() {
        return in_private_keyring(
            "a_remembered_key_opens_the_directory_until_forgotten_or_the_passphrase_changes",
        );
    }
    let dir = Dir::new();
    let right = dir.phrase("right", "correct horse battery staple");
    let wrong = dir.phrase("wrong", "correct horse battery stapler");
    let new = dir.phrase("new", "a brand new passphrase");
    dir.ok(Some(&right), &["init", "--encrypt"]);
    dir.ok(Some(&right), &["user", "add", "ada", "--role", "admin"]);

    // Nothing remembered: no terminal to ask on, one line, exit 2.
    let asked = dir.refused(None, &["user", "list"]);
    assert!(asked.contains("vetdesk passphrase remember"), "{asked}");
    // A wrong passphrase remembers nothing.
    let refused = dir.refused(Some(&wrong), &["passphrase", "remember"]);
    assert!(refused.contains("wrong passphrase"), "{refused}");
    assert!(dir.ok(None, &["passphrase", "forget"]).0.contains("held no key"));

    let (said, _) = dir.ok(Some(&right), &["passphrase", "remember"]);
    assert!(said.contains("OS keyring"), "{said}");
    // Opened from the keyring: no passphrase file, no terminal.
    let (users, quiet) = dir.ok(None, &["user", "list"]);
    assert!(users.contains("ada"), "{users}");
    assert!(quiet.is_empty(), "no notice expected: {quiet}");
    dir.ok(None, &["verify"]);

    // After a passphrase change the remembered entry is stale: dropped with a one-line notice,
    // and the passphrase is asked for again (here: refused, no terminal).
    let changed = dir.run(Some(&right), Some(&new), &["passphrase", "change"]);
    assert!(changed.status.success(), "{}", String::from_utf8_lossy(&changed.stderr));
    let stale = dir.refused(None, &["user", "list"]);
    let lines: Vec<&str> = stale.lines().collect();
    assert_eq!(lines.len(), 2, "the notice, then the refusal: {stale}");
    assert!(lines[0].contains("was changed since it was remembered"), "{stale}");
    assert!(lines[0].contains("removed from the OS keyring"), "{stale}");
    // Dropped once: the next start has nothing to drop, only the refusal.
    let again = dir.refused(None, &["user", "list"]);
    assert_eq!(again.lines().count(), 1, "{again}");
    assert!(dir.ok(None, &["passphrase", "forget"]).0.contains("held no key"));

    // Remembered under the new passphrase, then forgotten.
    dir.ok(Some(&new), &["passphrase", "remember"]);
    assert!(dir.ok(None, &["user", "list"]).0.contains("ada"));
    assert!(dir.ok(None, &["passphrase", "forget"]).0.contains("removed"));
    dir.refused(None, &["user", "list"]);
    // The passphrase file still works, and the directory verifies.
    dir.ok(Some(&new), &["verify"]);
}

#[test]
fn remember_and_forget_refuse_a_plain_directory() {
    if !is_child() {
        return in_private_keyring("remember_and_forget_refuse_a_plain_directory");
    }
    let dir = Dir::new();
    dir.ok(None, &["init"]);
    for args in [["passphrase", "remember"], ["passphrase", "forget"]] {
        let said = dir.refused(None, &args);
        assert!(said.contains("is not encrypted"), "{said}");
        assert_eq!(said.lines().count(), 1, "{said}");
    }
}
