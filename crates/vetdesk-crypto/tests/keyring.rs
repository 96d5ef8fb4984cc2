//! The OS keyring, for real: a Secret Service (gnome-keyring) on a private D-Bus session bus,
//! and the headless cases that must fail fast with a typed error rather than hang.
//!
//! Each test re-runs this test binary as a child process (only that test, marked by an
//! environment variable), because which bus the keyring talks to is fixed per process by the
//! environment, and a test must not change its own process's environment under other tests.
//! Needs Debian's `dbus` (dbus-run-session) and `gnome-keyring` packages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use vetdesk_crypto::{DataKey, KeyringError, OsKeyring};

const CHILD: &str = "VETDESK_KEYRING_TEST_CHILD";

/// Set in the child process.
fn is_child() -> bool {
    std::env::var_os(CHILD).is_some()
}

/// Runs `test` of this binary in a child process through `wrapper` (a command line put before
/// it, such as `dbus-run-session --`), with `env` set and the session variables cleared.
fn run_child(test: &str, wrapper: &[&str], env: &[(&str, &Path)]) -> (Output, Duration) {
    let exe = std::env::current_exe().unwrap();
    let (program, args): (&Path, Vec<String>) = match wrapper.split_first() {
        Some((first, rest)) => (Path::new(first), rest.iter().map(|s| s.to_string()).collect()),
        None => (exe.as_path(), Vec::new()),
    };
    let mut cmd = Command::new(program);
    cmd.args(&args);
    if !wrapper.is_empty() {
        cmd.arg(&exe);
    }
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let out = cmd.output().unwrap_or_else(|e| panic!("running {program:?}: {e}"));
    (out, start.elapsed())
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A keyring entry that is not the developer's own: random key, so its id is new too.
fn probe() -> (DataKey, OsKeyring) {
    let key = DataKey::generate().unwrap();
    let ring = OsKeyring::for_key(key.id()).with_timeout(Duration::from_secs(5));
    (key, ring)
}

/// The child's part of the headless tests: storing must fail with `expected`, fast.
fn child_expects_refusal(expected: fn(&KeyringError) -> bool) {
    let (key, ring) = probe();
    let start = Instant::now();
    let e = ring.store(&key).unwrap_err();
    println!("store refused after {:?}: {e}", start.elapsed());
    assert!(expected(&e), "{e:?}");
}

#[test]
fn without_any_session_bus_the_keyring_is_unavailable_at_once() {
    if is_child() {
        child_expects_refusal(|e| matches!(e, KeyringError::Unavailable(_)));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // An empty runtime directory: no bus socket where one is looked for.
    let (out, took) = run_child(
        "without_any_session_bus_the_keyring_is_unavailable_at_once",
        &[],
        &[("XDG_RUNTIME_DIR", dir.path()), ("HOME", dir.path())],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn a_session_bus_without_a_secret_service_is_unavailable_at_once() {
    if is_child() {
        child_expects_refusal(|e| matches!(e, KeyringError::Unavailable(_)));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A session bus that activates nothing: no org.freedesktop.secrets on it.
    let conf = dir.path().join("bus.conf");
    std::fs::write(
        &conf,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            dir.path().display()
        ),
    )
    .unwrap();
    let config = format!("--config-file={}", conf.display());
    let (out, took) = run_child(
        "a_session_bus_without_a_secret_service_is_unavailable_at_once",
        &["dbus-run-session", &config, "--"],
        &[("XDG_RUNTIME_DIR", dir.path()), ("HOME", dir.path())],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn a_secret_service_with_no_unlocked_keyring_refuses_without_hanging() {
    if is_child() {
        // gnome-keyring is started by bus activation but has no unlocked collection and no
        // one to prompt: a refusal, or our timeout, but never a hang.
        child_expects_refusal(|e| {
            matches!(e, KeyringError::AccessDenied(_) | KeyringError::TimedOut(_))
        });
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (out, took) = run_child(
        "a_secret_service_with_no_unlocked_keyring_refuses_without_hanging",
        &["dbus-run-session", "--"],
        &[("XDG_RUNTIME_DIR", dir.path()), ("HOME", dir.path()), ("XDG_DATA_HOME", dir.path())],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_secret_service_that_never_answers_times_out() {
    if is_child() {
        let (key, ring) = probe();
        let ring = ring.with_timeout(Duration::from_secs(2));
        let start = Instant::now();
        let e = ring.store(&key).unwrap_err();
        assert!(matches!(e, KeyringError::TimedOut(_)), "{e:?}");
        assert!(start.elapsed() < Duration::from_secs(4), "{:?}", start.elapsed());
        assert!(e.to_string().contains("did not answer"), "{e}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The daemon is started, then stopped (SIGSTOP): it holds its bus name but never replies,
    // like a keyring waiting on a prompt nobody sees. It is killed when the child is done.
    let script = "printf 'pw' | gnome-keyring-daemon --foreground --unlock --components=secrets \
                  >/dev/null 2>&1 & daemon=$!; \
                  sleep 0.5; kill -STOP $daemon; \
                  \"$0\" \"$@\"; rc=$?; kill -KILL $daemon; exit $rc";
    let (out, took) = run_child(
        "a_secret_service_that_never_answers_times_out",
        &["dbus-run-session", "--", "sh", "-c", script],
        &[("XDG_RUNTIME_DIR", dir.path()), ("HOME", dir.path()), ("XDG_DATA_HOME", dir.path())],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_real_secret_service_stores_loads_and_forgets_the_data_key() {
    if is_child() {
        let (key, ring) = probe();
        assert!(ring.load().unwrap().is_none(), "a new entry starts empty");
        ring.store(&key).unwrap();
        let back = ring.load().unwrap().expect("the stored key");
        assert_eq!(back.id(), key.id());
        // Storing again replaces, not duplicates.
        ring.store(&key).unwrap();
        assert_eq!(ring.load().unwrap().unwrap().id(), key.id());
        // Another key cannot be put under this key's entry.
        let other = DataKey::generate().unwrap();
        assert!(matches!(ring.store(&other), Err(KeyringError::Corrupt(_))));
        // A bound entry reads back under its own binding only: an unbound entry, or one bound
        // to an earlier wrapping, is stale, never a key.
        let bound = ring.clone().bound_to([1; 32]);
        assert!(matches!(bound.load(), Err(KeyringError::Stale)), "unbound entry read as bound");
        bound.store(&key).unwrap();
        assert_eq!(bound.load().unwrap().unwrap().id(), key.id());
        let rebound = ring.clone().bound_to([2; 32]);
        assert!(matches!(rebound.load(), Err(KeyringError::Stale)));
        assert!(ring.forget().unwrap());
        assert!(ring.load().unwrap().is_none());
        assert!(!ring.forget().unwrap());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // gnome-keyring-daemon --unlock reads the login keyring's password on stdin and creates
    // that keyring, unlocked, under XDG_DATA_HOME (a temporary directory here).
    let script = "printf 'test-login-password' | gnome-keyring-daemon --unlock --components=secrets \
                  >/dev/null && exec \"$0\" \"$@\"";
    let (out, _) = run_child(
        "a_real_secret_service_stores_loads_and_forgets_the_data_key",
        &["dbus-run-session", "--", "sh", "-c", script],
        &[("XDG_RUNTIME_DIR", dir.path()), ("HOME", dir.path()), ("XDG_DATA_HOME", dir.path())],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(dir.path().join("keyrings/login.keyring").exists(), "{}", text(&out));
}
