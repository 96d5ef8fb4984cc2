//! The app's start on an encrypted data directory with the OS keyring, for real: this test
//! re-runs itself as a child process on a private D-Bus session bus with a Secret Service
//! (gnome-keyring, its login keyring unlocked in a temporary home). "Remember on this computer"
//! on the unlock screen keeps the key; the next start opens without the unlock screen; after a
//! passphrase change the entry is dropped and the unlock screen says so. Likewise "Remember in
//! this computer's keyring" on the sign-in screen of a team database (against the test
//! cluster): the next start signs in with it, until the server refuses it.
//! Needs Debian's `dbus` (dbus-run-session) and `gnome-keyring` packages (scripts/setup.sh).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test: failing loudly is the point

use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

use vetdesk_app::paths::Paths;
use vetdesk_app::unlock::{
    Gate, OpenApp, Start, Team, Unlocked, open_at_start, open_team_at_start,
};
use vetdesk_core::Store;
use vetdesk_core::model::Role;
use vetdesk_core::store::{Clock, DataDir, OpenMode, team_sign_in};
use vetdesk_crypto::{KdfParams, Passphrase, TeamPassword};

const CHILD: &str = "VETDESK_APP_KEYRING_CHILD";
const TEST: &str = "the_unlock_screen_remembers_the_key_and_a_changed_passphrase_drops_it";

const PARAMS: KdfParams = KdfParams { memory_kib: 8 * 1024, iterations: 1, parallelism: 1 };

fn encrypted(root: &Path) -> DataDir {
    let data = DataDir::new(root.join("data"));
    let key = data.create_key(&Passphrase::new("open sesame"), PARAMS).unwrap();
    drop(
        Store::open_with_key(
            data.clone(),
            OpenMode::CreateIfMissing,
            Clock::system(),
            Some(Arc::new(key)),
        )
        .unwrap(),
    );
    data
}

/// A gate whose "app" only counts the stores it was given.
fn gate(data: &DataDir, notice: Option<String>) -> (Gate, Arc<Mutex<u32>>) {
    let opened = Arc::new(Mutex::new(0));
    let seen = opened.clone();
    let open_app: Arc<OpenApp> = Arc::new(move |_paths, _store| {
        *seen.lock().unwrap() += 1;
        Ok(())
    });
    (Gate::new(Paths::in_dir(data.clone()), false, notice, open_app), opened)
}

#[test]
fn the_unlock_screen_remembers_the_key_and_a_changed_passphrase_drops_it() {
    if std::env::var_os(CHILD).is_none() {
        let home = tempfile::tempdir().unwrap();
        let script = "printf 'test-login-password' | gnome-keyring-daemon --unlock \
                      --components=secrets >/dev/null && exec \"$0\" \"$@\"";
        let out = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", script])
            .arg(std::env::current_exe().unwrap())
            .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env("HOME", home.path())
            .env("XDG_RUNTIME_DIR", home.path())
            .env("XDG_DATA_HOME", home.path())
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "the child ran no test: {text}");
        return;
    }

    let temp = tempfile::tempdir().unwrap();
    let data = encrypted(temp.path());

    // Nothing remembered: the unlock screen, with nothing to say.
    assert!(matches!(open_at_start(&data, None, true), Ok(Start::Locked { notice: None })));
    // "Remember on this computer" on the unlock screen.
    let (gate1, opened) = gate(&data, None);
    let unlocked = gate1.unlock(Passphrase::new("open sesame"), true).unwrap();
    assert!(unlocked.remembered, "{unlocked:?}");
    assert_eq!(unlocked.notice, None);
    assert_eq!(*opened.lock().unwrap(), 1);
    // Told not to use the keyring (VETDESK_NO_KEYRING), the app does not, whatever it holds.
    assert!(matches!(open_at_start(&data, None, false), Ok(Start::Locked { notice: None })));

    // Remembered: the next start opens the store without the unlock screen.
    let Ok(Start::Open(store)) = open_at_start(&data, None, true) else {
        panic!("the remembered key did not open the directory");
    };
    assert!(store.is_encrypted());
    drop(store);

    // The passphrase changes (as `vetdesk passphrase change` does): the entry is stale, dropped
    // with a notice for the unlock screen, and gone the time after.
    let key = data.unlock(&Passphrase::new("open sesame")).unwrap();
    data.change_passphrase(&key, &Passphrase::new("new sesame"), PARAMS).unwrap();
    let Ok(Start::Locked { notice: Some(notice) }) = open_at_start(&data, None, true) else {
        panic!("a stale entry was not dropped");
    };
    assert!(notice.contains("was changed since it was remembered on this computer"), "{notice}");
    assert!(notice.contains("removed from the OS keyring"), "{notice}");
    assert_eq!(notice.lines().count(), 1);
    assert!(matches!(open_at_start(&data, None, true), Ok(Start::Locked { notice: None })));

    // The unlock screen shows the notice until the new passphrase opens the directory.
    let (gate2, opened) = gate(&data, Some(notice.clone()));
    assert_eq!(gate2.status().notice.as_deref(), Some(notice.as_str()));
    assert!(gate2.unlock(Passphrase::new("open sesame"), true).is_err(), "the old passphrase");
    assert_eq!(*opened.lock().unwrap(), 0);
    assert!(matches!(open_at_start(&data, None, true), Ok(Start::Locked { notice: None })));
    assert!(gate2.unlock(Passphrase::new("new sesame"), false).unwrap().notice.is_none());
    assert_eq!(gate2.status().notice, None);
    assert!(matches!(open_at_start(&data, None, true), Ok(Start::Locked { notice: None })));
}

/// Runs `test` of this binary again inside `dbus-run-session` with gnome-keyring started and
/// unlocked, its files in a temporary home; asserts the child passed.
fn in_private_keyring(test: &str) {
    let home = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
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
        .env_remove("PGPASSWORD")
        .env("HOME", home.path())
        .env("XDG_RUNTIME_DIR", home.path())
        .env("XDG_DATA_HOME", home.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("1 passed"), "the child ran no test: {stdout}");
}

#[test]
fn a_remembered_team_password_signs_in_at_the_next_start_until_the_server_refuses_it() {
    if std::env::var_os(CHILD).is_none() {
        return in_private_keyring(
            "a_remembered_team_password_signs_in_at_the_next_start_until_the_server_refuses_it",
        );
    }
    let cluster = vetdesk_testkit::pg::shared();
    let (database, owner, owner_password) = cluster.new_database();
    let temp = tempfile::tempdir().unwrap();
    let (owner_store, _) = Store::team_init(
        DataDir::new(temp.path().join("owner")),
        &cluster.url(&owner, &owner_password, &database),
        Clock::system(),
    )
    .unwrap();
    let rita = format!("rita_{database}");
    owner_store.team_add_member(&rita, "Rita", Role::Reviewer, "rita-password").unwrap();
    let url =
        format!("{}&passfile=/nonexistent/pgpass", cluster.url_without_password(&rita, &database));
    let team = Team { sign_in: team_sign_in(&url).unwrap(), url };
    let data = DataDir::new(temp.path().join("rita"));
    let starts = |team: &Team| open_team_at_start(&data, team.clone(), true).unwrap();

    // Nothing remembered yet: the sign-in screen.
    assert!(matches!(starts(&team), Start::SignIn { notice: None, .. }));
    let open_app: Arc<OpenApp> = Arc::new(|_paths, _store| Ok(()));
    let gate = Gate::team(Paths::in_dir(data.clone()), team.clone(), false, None, open_app);
    let signed_in = gate.sign_in(zeroize::Zeroizing::new("rita-password".into()), true).unwrap();
    assert_eq!(signed_in, Unlocked { remembered: true, notice: None });
    let kept = TeamPassword::for_database(&team.sign_in.database).load().unwrap();
    assert_eq!(kept.as_deref().map(String::as_str), Some("rita-password"));

    // The next start signs in with it, as rita.
    let Start::Open(store) = starts(&team) else {
        panic!("the remembered password did not sign in");
    };
    assert_eq!(store.team_login(), Some(rita.as_str()));
    drop(store);

    // The password was changed on the server: the remembered one is refused, removed, and
    // the sign-in screen says so.
    let mut admin = cluster.superuser(&database);
    admin.batch_execute(&format!("ALTER ROLE \"{rita}\" PASSWORD 'rita-new-password'")).unwrap();
    let Start::SignIn { notice: Some(notice), .. } = starts(&team) else {
        panic!("a refused remembered password did not lead to the sign-in screen");
    };
    assert_eq!(
        notice,
        "The password remembered on this computer was refused: it was removed from the OS keyring. Type your password."
    );
    assert!(TeamPassword::for_database(&team.sign_in.database).load().unwrap().is_none());
}
