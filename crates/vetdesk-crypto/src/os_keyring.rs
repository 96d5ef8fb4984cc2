//! Keeping the unwrapped data key in the operating system's keyring (Secret Service on Linux,
//! Keychain on macOS, Credential Manager on Windows) through the `keyring` crate, so a user
//! who chose to need not type the passphrase at every start.
//!
//! Every call runs on a helper thread and is abandoned after a timeout: a Secret Service that
//! waits on an unlock prompt nobody can see (a headless session) must not hang the app.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use zeroize::{Zeroize, Zeroizing};

use crate::keys::{DataKey, KEY_LEN, KeyId};

/// Service name under which Vetdesk's entries appear in the keyring's own viewer.
pub const SERVICE: &str = "Vetdesk data key";
/// How long a keyring call may take before it is given up.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the keyring could not be used. None of these carries secret bytes.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("no OS keyring is available here ({0}); unlock with the passphrase instead")]
    Unavailable(String),
    #[error("the OS keyring is locked or refused access ({0})")]
    AccessDenied(String),
    #[error("the OS keyring did not answer within {0:?}; unlock with the passphrase instead")]
    TimedOut(Duration),
    #[error("the OS keyring holds something else under this entry: {0}")]
    Corrupt(String),
    #[error("the OS keyring failed: {0}")]
    Platform(String),
    /// The entry was saved for an earlier wrapping of the key (the passphrase was changed
    /// since): it is not used, and should be forgotten.
    #[error("the key remembered on this computer was saved before the passphrase was last changed")]
    Stale,
}

/// Length of the binding an entry may carry beside the key (a SHA-256).
pub const BINDING_LEN: usize = 32;

/// The keyring entry for one data key, named by its key id (so two data directories with
/// different keys never overwrite each other's entry). An entry may be *bound* to a value
/// (the fingerprint of the wrapped key file): stored beside the key, and an entry whose binding
/// differs from the expected one reads back as [`KeyringError::Stale`], never as a key.
#[derive(Clone, Debug)]
pub struct OsKeyring {
    key_id: KeyId,
    binding: Option<[u8; BINDING_LEN]>,
    timeout: Duration,
}

impl OsKeyring {
    pub fn for_key(key_id: KeyId) -> Self {
        Self { key_id, binding: None, timeout: DEFAULT_TIMEOUT }
    }

    /// Stores `binding` with the key, and accepts on load only an entry with the same one.
    pub fn bound_to(mut self, binding: [u8; BINDING_LEN]) -> Self {
        self.binding = Some(binding);
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Stores the key's raw bytes. The key must be the one this entry is for.
    pub fn store(&self, key: &DataKey) -> Result<(), KeyringError> {
        if key.id() != self.key_id {
            return Err(KeyringError::Corrupt(format!(
                "asked to store key {} in the entry for key {}",
                key.id(),
                self.key_id
            )));
        }
        let mut secret = Zeroizing::new(key.expose().to_vec());
        if let Some(binding) = self.binding {
            secret.extend_from_slice(&binding);
        }
        let account = self.key_id.to_hex();
        self.run(move || entry(&account)?.set_secret(&secret[..]))
    }

    /// The key, if the keyring has it; `Ok(None)` when there is no entry. The bytes read back
    /// must give the expected key id, or the entry is reported as corrupt.
    pub fn load(&self) -> Result<Option<DataKey>, KeyringError> {
        let account = self.key_id.to_hex();
        let got = self.run(move || match entry(&account)?.get_secret() {
            Ok(v) => Ok(Some(Zeroizing::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })?;
        let Some(bytes) = got else { return Ok(None) };
        let bytes = match self.binding {
            None => &bytes[..],
            Some(expected) => {
                // A key without a binding, or with another one, was saved for another wrapping.
                if bytes.len() != KEY_LEN + BINDING_LEN {
                    return Err(KeyringError::Stale);
                }
                let (key, binding) = bytes.split_at(KEY_LEN);
                if binding != expected {
                    return Err(KeyringError::Stale);
                }
                key
            }
        };
        let raw: [u8; KEY_LEN] = bytes.try_into().map_err(|_| {
            KeyringError::Corrupt(format!("{} bytes where a 32-byte key was expected", bytes.len()))
        })?;
        let key = DataKey::from_bytes(raw);
        if key.id() != self.key_id {
            return Err(KeyringError::Corrupt(format!(
                "the stored key has id {}, not {}",
                key.id(),
                self.key_id
            )));
        }
        Ok(Some(key))
    }

    /// Removes the entry; `Ok(false)` when there was none.
    pub fn forget(&self) -> Result<bool, KeyringError> {
        let account = self.key_id.to_hex();
        self.run(move || match entry(&account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(e),
        })
    }

    /// Runs `op` on its own thread and waits at most the timeout for it. A thread that does not
    /// come back is left to finish (or not) on its own; the caller gets `TimedOut`.
    fn run<T: Send + 'static>(
        &self,
        op: impl FnOnce() -> keyring::Result<T> + Send + 'static,
    ) -> Result<T, KeyringError> {
        run_for(self.timeout, op)
    }
}

/// Service name of the team sign-in passwords in the keyring's own viewer.
pub const TEAM_SERVICE: &str = "Vetdesk team sign-in";

/// The keyring entry of one team login's database password ("remember in this computer's
/// keyring" on the sign-in screen), named `login@host:port/database` so that each login of
/// each database has its own. The password is only ever handed to the database connection.
#[derive(Clone, Debug)]
pub struct TeamPassword {
    account: String,
    timeout: Duration,
}

impl TeamPassword {
    /// The entry of `database`, as `login@host:port/database`.
    pub fn for_database(database: &str) -> Self {
        Self { account: database.to_string(), timeout: DEFAULT_TIMEOUT }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn store(&self, password: &str) -> Result<(), KeyringError> {
        let secret = Zeroizing::new(password.to_string());
        let account = self.account.clone();
        run_for(self.timeout, move || {
            keyring::Entry::new(TEAM_SERVICE, &account)?.set_password(&secret)
        })
    }

    /// The password, if the keyring has one for this login; `Ok(None)` when there is none.
    pub fn load(&self) -> Result<Option<Zeroizing<String>>, KeyringError> {
        let account = self.account.clone();
        run_for(self.timeout, move || {
            match keyring::Entry::new(TEAM_SERVICE, &account)?.get_password() {
                Ok(p) => Ok(Some(Zeroizing::new(p))),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e),
            }
        })
    }

    /// Removes the entry; `Ok(false)` when there was none.
    pub fn forget(&self) -> Result<bool, KeyringError> {
        let account = self.account.clone();
        run_for(self.timeout, move || {
            match keyring::Entry::new(TEAM_SERVICE, &account)?.delete_credential() {
                Ok(()) => Ok(true),
                Err(keyring::Error::NoEntry) => Ok(false),
                Err(e) => Err(e),
            }
        })
    }
}

/// Runs `op` on its own thread and waits at most `timeout` for it.
fn run_for<T: Send + 'static>(
    timeout: Duration,
    op: impl FnOnce() -> keyring::Result<T> + Send + 'static,
) -> Result<T, KeyringError> {
    let (tx, rx) = mpsc::channel();
    let spawned = thread::Builder::new().name("vetdesk-keyring".into()).spawn(move || {
        let _ = tx.send(op());
    });
    if let Err(e) = spawned {
        return Err(KeyringError::Platform(format!("could not start a thread: {e}")));
    }
    match rx.recv_timeout(timeout) {
        Ok(result) => result.map_err(map_error),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(KeyringError::TimedOut(timeout)),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Err(KeyringError::Platform("the keyring call stopped without an answer".into()))
        }
    }
}

fn entry(account: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, account)
}

/// Sorts the keyring's errors into ours, dropping any secret bytes they carry.
fn map_error(e: keyring::Error) -> KeyringError {
    use keyring::Error as E;
    match e {
        E::NoDefaultStore => {
            KeyringError::Unavailable("no credential store could be set up".into())
        }
        E::NotSupportedByStore(why) => KeyringError::Unavailable(why),
        E::NoStorageAccess(why) => KeyringError::AccessDenied(why.to_string()),
        E::PlatformFailure(why) => KeyringError::Platform(why.to_string()),
        E::BadEncoding(mut bytes) => {
            bytes.zeroize();
            KeyringError::Corrupt("not the expected encoding".into())
        }
        E::BadDataFormat(mut bytes, why) => {
            bytes.zeroize();
            KeyringError::Corrupt(why.to_string())
        }
        E::BadStoreFormat(why) => KeyringError::Corrupt(why),
        E::Ambiguous(entries) => {
            KeyringError::Corrupt(format!("{} entries match one key id", entries.len()))
        }
        other => KeyringError::Platform(other.to_string()),
    }
}
