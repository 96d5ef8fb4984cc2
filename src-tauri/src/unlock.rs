//! Opening the store at start. A plain data directory opens as it is. An encrypted one opens
//! with the passphrase in the file named by `VETDESK_PASSPHRASE_FILE` (scripts, tests), else
//! with the key remembered in the OS keyring, else the app starts *locked*: the window shows
//! the unlock screen, the shell holds no store, and every command but `unlock_status` and
//! `unlock` answers `locked` (`commands::handler`). The data key stays in the Rust side's
//! memory; the passphrase crosses IPC once, is wrapped in a zeroizing `Passphrase` at once and
//! is never logged.
//!
//! In team mode (a database URL in `VETDESK_DATABASE_URL` or config.toml) the store is the
//! shared PostgreSQL database: it opens at start with the password the URL, `PGPASSWORD` or
//! `~/.pgpass` gives, else with the one remembered in the OS keyring, else the window shows the
//! *sign-in* screen (the login from the URL, a password field) and the shell holds no store
//! until `sign_in` connected with the password typed there. That password goes only to the
//! database connection (and, when asked, to the keyring); it is never logged or sent back.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use vetdesk_core::Store;
use vetdesk_core::store::{Clock, DataDir, FromKeyring, OpenMode, StoreError, TeamSignIn};
use vetdesk_crypto::{DataKey, Passphrase, TeamPassword};
use zeroize::Zeroizing;

use crate::error::{AppError, ErrorCode};
use crate::paths::Paths;

pub const PASSPHRASE_FILE: &str = "VETDESK_PASSPHRASE_FILE";

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot read the passphrase file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// How the app starts on its data directory.
pub enum Start {
    /// The store is open: the app proceeds as for a plain directory.
    Open(Box<Store>),
    /// Encrypted, and neither a passphrase file nor the keyring opened it: the unlock screen,
    /// with a one-line notice to show on it (a stale keyring entry that was dropped).
    Locked { notice: Option<String> },
    /// A team database that wants a password nothing gave: the sign-in screen, with a notice
    /// (a remembered password the server refused, now forgotten).
    SignIn { team: Team, notice: Option<String> },
}

/// The team database the app signs in to: its URL (libpq form, no password in it as a rule)
/// and whom it signs in as.
#[derive(Clone, Debug)]
pub struct Team {
    pub url: String,
    pub sign_in: TeamSignIn,
}

impl Team {
    /// The URL from `VETDESK_DATABASE_URL`, else `database_url` in the data directory's
    /// config.toml (as the CLI reads them); `None` in solo mode. A URL that cannot be read is
    /// refused here, with the reason.
    pub fn configured(data: &DataDir) -> Result<Option<Team>, OpenError> {
        let from_env = std::env::var("VETDESK_DATABASE_URL").ok().filter(|u| !u.trim().is_empty());
        let url = match from_env {
            Some(url) => Some(url),
            None => vetdesk_core::store::Config::load(&data.config_file())?.database_url,
        };
        let Some(url) = url.filter(|u| !u.trim().is_empty()) else { return Ok(None) };
        let sign_in = vetdesk_core::store::team_sign_in(&url)?;
        Ok(Some(Team { url, sign_in }))
    }

    fn keyring(&self) -> TeamPassword {
        TeamPassword::for_database(&self.sign_in.database)
    }
}

/// Opens the team database at start: with what the URL, `PGPASSWORD` or `~/.pgpass` give,
/// else with the password remembered in the OS keyring (`use_keyring`), else
/// [`Start::SignIn`]. Any other failure (no server, a bad certificate) stops the start with
/// its reason, as the CLI does.
pub fn open_team_at_start(
    data: &DataDir,
    team: Team,
    use_keyring: bool,
) -> Result<Start, OpenError> {
    match open_team(data, &team, None) {
        Ok(store) => return Ok(Start::Open(Box::new(store))),
        Err(StoreError::Database(e)) if e.is_password_needed() => {}
        Err(e) => return Err(e.into()),
    }
    let mut notice = None;
    if use_keyring {
        match team.keyring().load() {
            Ok(Some(password)) => match open_team(data, &team, Some(&password)) {
                Ok(store) => return Ok(Start::Open(Box::new(store))),
                Err(StoreError::Database(e)) if e.is_password_refused() => {
                    let forgot = match team.keyring().forget() {
                        Ok(_) => "it was removed from the OS keyring",
                        Err(_) => "it could not be removed from the OS keyring",
                    };
                    tracing::info!("a remembered team password was refused");
                    notice = Some(format!(
                        "The password remembered on this computer was refused: {forgot}. Type your password."
                    ));
                }
                Err(e) => return Err(e.into()),
            },
            Ok(None) => {}
            Err(e) => tracing::info!(error = %e, "no OS keyring at start"),
        }
    }
    Ok(Start::SignIn { team, notice })
}

fn open_team(data: &DataDir, team: &Team, password: Option<&str>) -> Result<Store, StoreError> {
    Store::open_postgres_with_password(data.clone(), &team.url, password, Clock::system())
}

/// Opens the store of `data` at start: plain as it is, encrypted with the passphrase file,
/// else the OS keyring (`use_keyring`), else [`Start::Locked`]. A wrong passphrase *file* stops
/// the start, as the CLI does: a script gave it, nobody is there to type another.
pub fn open_at_start(
    data: &DataDir,
    passphrase_file: Option<&Path>,
    use_keyring: bool,
) -> Result<Start, OpenError> {
    if !data.is_encrypted() {
        return Ok(Start::Open(Box::new(open_with(data, None)?)));
    }
    if let Some(path) = passphrase_file {
        let text = std::fs::read_to_string(path)
            .map_err(|source| OpenError::Read { path: path.display().to_string(), source })?;
        let phrase = Passphrase::from_line(text);
        let key = data.unlock(&phrase)?;
        return Ok(Start::Open(Box::new(open_with(data, Some(key))?)));
    }
    let mut notice = None;
    if use_keyring {
        match data.unlock_from_keyring()? {
            FromKeyring::Unlocked(key) => match open_with(data, Some(key)) {
                Ok(store) => return Ok(Start::Open(Box::new(store))),
                // The key matched the key file but not the database: say so on the screen.
                Err(e) => notice = Some(format!("the key remembered on this computer failed: {e}")),
            },
            FromKeyring::Dropped(text) => {
                tracing::info!("a stale keyring entry was dropped");
                notice = Some(text);
            }
            FromKeyring::NotRemembered => {}
            FromKeyring::Unavailable(e) => tracing::info!(error = %e, "no OS keyring at start"),
        }
    }
    Ok(Start::Locked { notice })
}

fn open_with(data: &DataDir, key: Option<DataKey>) -> Result<Store, StoreError> {
    Store::open_with_key(
        data.clone(),
        OpenMode::CreateIfMissing,
        Clock::system(),
        key.map(Arc::new),
    )
}

/// Builds and manages the app's state over an open store (`crate::open_app` in the app).
pub type OpenApp = dyn Fn(Paths, Store) -> Result<(), AppError> + Send + Sync;

/// The unlock screen's side in the shell, managed from `setup()` on, locked or not.
pub struct Gate {
    paths: Paths,
    /// The notice the unlock screen shows (a dropped keyring entry); `None` once unlocked.
    notice: Mutex<Option<String>>,
    /// Held while an unlock runs, so that two attempts never open the store twice.
    unlocking: Mutex<()>,
    /// Set once the store is open and the app's state managed.
    open: AtomicBool,
    open_app: Arc<OpenApp>,
    /// Team mode: the database signed in to (or to sign in to); `None` for a data directory.
    team: Option<Team>,
}

/// What the unlock screen needs to know.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct LockStatus {
    /// Whether the data directory is encrypted and not yet unlocked.
    pub locked: bool,
    pub data_dir: String,
    /// One line to show above the passphrase (a remembered key that no longer applies).
    pub notice: Option<String>,
    /// Team mode: whom the app signs in as, and where. While `locked`, the page shows the
    /// sign-in screen (a password for this login) instead of the unlock screen.
    pub team: Option<TeamLogin>,
}

/// The login and database of the sign-in screen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct TeamLogin {
    pub login: String,
    /// `login@host:port/database`, never a password.
    pub database: String,
}

/// The answer to a successful unlock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Unlocked {
    /// Whether the key is now kept in the OS keyring.
    pub remembered: bool,
    /// Why "Remember on this computer" did not work, when it did not (the unlock did).
    pub notice: Option<String>,
}

impl Gate {
    /// The gate of an app that starts locked (`open: false`) or already open.
    pub fn new(paths: Paths, open: bool, notice: Option<String>, open_app: Arc<OpenApp>) -> Self {
        Self {
            paths,
            notice: Mutex::new(notice),
            unlocking: Mutex::new(()),
            open: AtomicBool::new(open),
            open_app,
            team: None,
        }
    }

    /// The gate of an app in team mode, signed in already (`open`) or on the sign-in screen.
    pub fn team(
        paths: Paths,
        team: Team,
        open: bool,
        notice: Option<String>,
        open_app: Arc<OpenApp>,
    ) -> Self {
        Self { team: Some(team), ..Self::new(paths, open, notice, open_app) }
    }

    /// Whether the app works on a team database (the sign-in screen's gate).
    pub fn is_team(&self) -> bool {
        self.team.is_some()
    }

    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Acquire)
    }

    pub fn status(&self) -> LockStatus {
        LockStatus {
            locked: !self.is_open(),
            data_dir: self.paths.data.root.display().to_string(),
            notice: self.notice.lock().ok().and_then(|n| n.clone()),
            team: self.team.as_ref().map(|t| TeamLogin {
                login: t.sign_in.login.clone(),
                database: t.sign_in.database.clone(),
            }),
        }
    }

    /// Connects to the team database as its login with `password` and hands the store to the
    /// app; with `remember`, keeps the password in the OS keyring too. A refused password is a
    /// one-line error at the password field, and nothing is opened.
    pub fn sign_in(
        &self,
        password: Zeroizing<String>,
        remember: bool,
    ) -> Result<Unlocked, AppError> {
        let _one_at_a_time =
            self.unlocking.lock().map_err(|_| AppError::internal("sign-in lock"))?;
        let Some(team) = &self.team else {
            return Err(AppError::invalid(
                "this app is not in team mode: there is no team database to sign in to",
            ));
        };
        if self.is_open() {
            return Err(AppError::new(ErrorCode::Conflict, "already signed in"));
        }
        if password.is_empty() {
            return Err(AppError::invalid("type your password").with_field(Some("password")));
        }
        let login = &team.sign_in.login;
        let store = match open_team(&self.paths.data, team, Some(&password)) {
            Ok(store) => store,
            Err(StoreError::Database(e)) if e.is_password_refused() => {
                tracing::info!("sign-in refused: wrong password");
                return Err(AppError::invalid(format!(
                    "Wrong password for {login}: not signed in."
                ))
                .with_field(Some("password")));
            }
            Err(e) => {
                tracing::warn!(error = %e, "sign-in failed");
                return Err(AppError::invalid(format!("Could not sign in: {e}")));
            }
        };
        let mut notice = None;
        let remembered = remember
            && match team.keyring().store(&password) {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!(error = %e, "the password could not be kept in the OS keyring");
                    notice = Some(format!("Not remembered on this computer: {e}"));
                    false
                }
            };
        drop(password);
        (self.open_app)(self.paths.clone(), store)?;
        self.open.store(true, Ordering::Release);
        if let Ok(mut shown) = self.notice.lock() {
            *shown = None;
        }
        tracing::info!(remembered, "signed in to the team database");
        Ok(Unlocked { remembered, notice })
    }

    /// Unwraps the data key with `passphrase`, opens the store and hands it to the app; with
    /// `remember`, keeps the key in the OS keyring too. A wrong passphrase reads nothing but
    /// the key file and writes nothing. Blocking (Argon2id takes about a second).
    pub fn unlock(&self, passphrase: Passphrase, remember: bool) -> Result<Unlocked, AppError> {
        let _one_at_a_time =
            self.unlocking.lock().map_err(|_| AppError::internal("unlock lock"))?;
        if self.team.is_some() {
            return Err(AppError::invalid("this is a team database: sign in with your password"));
        }
        if self.is_open() {
            return Err(AppError::new(
                ErrorCode::Conflict,
                "the data directory is already unlocked",
            ));
        }
        if passphrase.is_empty() {
            return Err(AppError::invalid("type the passphrase").with_field(Some("passphrase")));
        }
        let data = &self.paths.data;
        let key = match data.unlock(&passphrase) {
            Ok(key) => key,
            Err(StoreError::WrongPassphrase) => {
                tracing::info!("unlock refused: wrong passphrase");
                return Err(AppError::invalid("Wrong passphrase: nothing was opened.")
                    .with_field(Some("passphrase")));
            }
            Err(e) => return Err(e.into()),
        };
        drop(passphrase);
        let mut notice = None;
        let remembered = remember
            && match data.remember_key(&key)? {
                Ok(()) => true,
                Err(e) => {
                    tracing::warn!(error = %e, "the key could not be kept in the OS keyring");
                    notice = Some(format!("Not remembered on this computer: {e}"));
                    false
                }
            };
        let store = open_with(data, Some(key))?;
        (self.open_app)(self.paths.clone(), store)?;
        self.open.store(true, Ordering::Release);
        if let Ok(mut shown) = self.notice.lock() {
            *shown = None;
        }
        tracing::info!(remembered, "unlocked");
        Ok(Unlocked { remembered, notice })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encrypted(temp: &Path) -> DataDir {
        let data = DataDir::new(temp.join("data"));
        let params =
            vetdesk_crypto::KdfParams { memory_kib: 8 * 1024, iterations: 1, parallelism: 1 };
        let key = data.create_key(&Passphrase::new("open sesame"), params).unwrap();
        drop(Store::open_with_key(
            data.clone(),
            OpenMode::CreateIfMissing,
            Clock::system(),
            Some(Arc::new(key)),
        ));
        data
    }

    #[test]
    fn an_encrypted_directory_opens_with_its_passphrase_file_else_starts_locked() {
        let temp = tempfile::tempdir().unwrap();
        let data = encrypted(temp.path());
        let right = temp.path().join("right");
        std::fs::write(&right, "open sesame\n").unwrap();
        let wrong = temp.path().join("wrong");
        std::fs::write(&wrong, "open sesame!\n").unwrap();

        assert!(matches!(open_at_start(&data, None, false), Ok(Start::Locked { notice: None })));
        assert!(matches!(
            open_at_start(&data, Some(&wrong), false),
            Err(OpenError::Store(StoreError::WrongPassphrase))
        ));
        let Ok(Start::Open(store)) = open_at_start(&data, Some(&right), false) else {
            panic!("the right passphrase file did not open the store");
        };
        assert!(store.is_encrypted());
        let plain = DataDir::new(temp.path().join("plain"));
        let Ok(Start::Open(store)) = open_at_start(&plain, Some(&right), false) else {
            panic!("a plain directory did not open");
        };
        assert!(!store.is_encrypted());
    }

    /// The unlock screen's path: refused while the passphrase is wrong or empty (nothing
    /// opened, nothing written, the app's state never built), opened once with the right one,
    /// and not twice.
    #[test]
    fn the_gate_opens_the_store_with_the_right_passphrase_only_and_once() {
        let temp = tempfile::tempdir().unwrap();
        let data = encrypted(temp.path());
        let before: Vec<(std::path::PathBuf, Vec<u8>)> = walk(&data.root);
        let opened: Arc<Mutex<Vec<bool>>> = Arc::default();
        let seen = opened.clone();
        let open_app: Arc<OpenApp> = Arc::new(move |_paths, store: Store| {
            seen.lock().unwrap().push(store.is_encrypted());
            Ok(())
        });
        let gate = Gate::new(Paths::in_dir(data.clone()), false, Some("stale".into()), open_app);
        assert_eq!(gate.status().notice.as_deref(), Some("stale"));
        assert!(gate.status().locked);

        let wrong = gate.unlock(Passphrase::new("open sesame!"), false).unwrap_err();
        assert_eq!(wrong.code, ErrorCode::InvalidInput);
        assert_eq!(wrong.field.as_deref(), Some("passphrase"));
        assert_eq!(wrong.message, "Wrong passphrase: nothing was opened.");
        let empty = gate.unlock(Passphrase::new(""), false).unwrap_err();
        assert_eq!(empty.field.as_deref(), Some("passphrase"));
        assert!(gate.status().locked);
        assert!(opened.lock().unwrap().is_empty(), "the app was built while locked");
        assert_eq!(walk(&data.root), before, "a refused unlock changed a file");

        let unlocked = gate.unlock(Passphrase::new("open sesame"), false).unwrap();
        assert_eq!(unlocked, Unlocked { remembered: false, notice: None });
        assert_eq!(*opened.lock().unwrap(), [true]);
        let status = gate.status();
        assert!(!status.locked);
        assert_eq!(status.notice, None, "the notice is gone once unlocked");
        let again = gate.unlock(Passphrase::new("open sesame"), false).unwrap_err();
        assert_eq!(again.code, ErrorCode::Conflict);
        assert_eq!(opened.lock().unwrap().len(), 1, "opened twice");
    }

    /// Every file under `root` with its bytes, sorted.
    fn walk(root: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
        let mut out = Vec::new();
        let mut todo = vec![root.to_path_buf()];
        while let Some(dir) = todo.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    todo.push(path);
                } else {
                    let bytes = std::fs::read(&path).unwrap();
                    out.push((path, bytes));
                }
            }
        }
        out.sort();
        out
    }

    /// Team mode: a database that wants a password nothing gave starts on the sign-in screen
    /// (the login read from the URL); a wrong password is refused at its field and opens
    /// nothing; the right one opens the store as that login, once.
    #[test]
    fn a_team_database_opens_on_the_sign_in_screen_and_with_the_right_password_only() {
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
        owner_store
            .team_add_member(&rita, "Rita", vetdesk_core::model::Role::Reviewer, "rita-password")
            .unwrap();
        // No password in the URL, and a password file that is not there.
        let url = format!(
            "{}&passfile=/nonexistent/pgpass",
            cluster.url_without_password(&rita, &database)
        );
        let data = DataDir::new(temp.path().join("rita"));
        let team = Team { sign_in: vetdesk_core::store::team_sign_in(&url).unwrap(), url };
        assert_eq!(team.sign_in.login, rita);
        let Ok(Start::SignIn { team, notice: None }) = open_team_at_start(&data, team, false)
        else {
            panic!("a team database without a password did not start on the sign-in screen");
        };

        let opened: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
        let seen = opened.clone();
        let open_app: Arc<OpenApp> = Arc::new(move |_paths, store: Store| {
            seen.lock().unwrap().push(store.team_login().map(str::to_string));
            Ok(())
        });
        let gate = Gate::team(Paths::in_dir(data.clone()), team, false, None, open_app);
        let status = gate.status();
        assert!(status.locked);
        let shown = status.team.unwrap();
        assert_eq!(shown.login, rita);
        assert!(shown.database.starts_with(&format!("{rita}@127.0.0.1:")), "{}", shown.database);
        assert!(!shown.database.contains("password"));

        let wrong = gate.sign_in(Zeroizing::new("rita-passw0rd".into()), false).unwrap_err();
        assert_eq!(wrong.code, ErrorCode::InvalidInput);
        assert_eq!(wrong.field.as_deref(), Some("password"));
        assert_eq!(wrong.message, format!("Wrong password for {rita}: not signed in."));
        let empty = gate.sign_in(Zeroizing::new(String::new()), false).unwrap_err();
        assert_eq!(empty.field.as_deref(), Some("password"));
        let passphrase = gate.unlock(Passphrase::new("rita-password"), false).unwrap_err();
        assert_eq!(passphrase.code, ErrorCode::InvalidInput);
        assert!(gate.status().locked);
        assert!(opened.lock().unwrap().is_empty(), "the app was built before signing in");

        let signed_in = gate.sign_in(Zeroizing::new("rita-password".into()), false).unwrap();
        assert_eq!(signed_in, Unlocked { remembered: false, notice: None });
        assert_eq!(*opened.lock().unwrap(), [Some(rita.clone())]);
        assert!(!gate.status().locked);
        let again = gate.sign_in(Zeroizing::new("rita-password".into()), false).unwrap_err();
        assert_eq!(again.code, ErrorCode::Conflict);
        assert_eq!(opened.lock().unwrap().len(), 1, "opened twice");
    }
}
