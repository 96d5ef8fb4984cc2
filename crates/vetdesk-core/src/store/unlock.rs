//! An encrypted data directory: its data key, sealed under the passphrase in `data-key.json`
//! (Argon2id parameters and salt stored with it), opens the SQLCipher database and the sealed
//! evidence files. The file's presence is what makes a directory encrypted.
//!
//! A user may keep the unwrapped key in the OS keyring ("remember on this computer"): the entry
//! is named by the key's id (one per data directory) and bound to the fingerprint of the key
//! file, so after `passphrase change` the old entry no longer opens anything and is dropped.

use sha2::{Digest, Sha256};
use vetdesk_crypto::{
    DataKey, KdfParams, KeyError, KeyringError, OsKeyring, Passphrase, WrappedKey,
};

use super::{DataDir, Result, StoreError};

/// File name of the wrapped data key inside an encrypted data directory.
pub const KEY_FILE: &str = "data-key.json";

impl DataDir {
    pub fn key_file(&self) -> std::path::PathBuf {
        self.root.join(KEY_FILE)
    }

    /// Whether the directory is encrypted (its wrapped data key is there).
    pub fn is_encrypted(&self) -> bool {
        std::fs::symlink_metadata(self.key_file()).is_ok()
    }

    /// The data key, unwrapped with `passphrase`. A wrong passphrase is
    /// [`StoreError::WrongPassphrase`] and reads nothing else.
    pub fn unlock(&self, passphrase: &Passphrase) -> Result<DataKey> {
        let path = self.key_file();
        let wrapped = WrappedKey::load(&path).map_err(key_error)?;
        wrapped.unwrap(passphrase).map_err(key_error)
    }

    /// Makes a new data key for this (new) directory, sealed under `passphrase`. Refuses a
    /// directory that already has a key or a database: encrypting an existing one is a copy
    /// (`vetdesk encrypt`), never done in place.
    pub fn create_key(&self, passphrase: &Passphrase, params: KdfParams) -> Result<DataKey> {
        if self.is_encrypted() {
            return Err(StoreError::invalid(format!(
                "{} is already encrypted ({} exists)",
                self.root.display(),
                KEY_FILE
            )));
        }
        if self.database().exists() {
            return Err(StoreError::invalid(format!(
                "{} already holds a plain database; encrypt it with `vetdesk encrypt`",
                self.root.display()
            )));
        }
        std::fs::create_dir_all(&self.root).map_err(|e| {
            StoreError::io(format!("cannot create data directory {}", self.root.display()), e)
        })?;
        let key = DataKey::generate()
            .map_err(|e| StoreError::invalid(format!("no random source: {e}")))?;
        let wrapped = WrappedKey::wrap(&key, passphrase, params).map_err(key_error)?;
        wrapped.save(&self.key_file()).map_err(key_error)?;
        Ok(key)
    }

    /// Seals the same data key (unwrapped with the current passphrase by [`DataDir::unlock`])
    /// under a new passphrase; no data is re-encrypted. The key file is replaced atomically
    /// (written beside, fsynced, renamed), so a crash leaves the old passphrase or the new one
    /// working, never neither.
    pub fn change_passphrase(
        &self,
        key: &DataKey,
        new: &Passphrase,
        params: KdfParams,
    ) -> Result<()> {
        let path = self.key_file();
        let current = WrappedKey::load(&path).map_err(key_error)?;
        if current.key_id() != Some(key.id()) {
            return Err(StoreError::WrongKey { path });
        }
        let rewrapped = WrappedKey::wrap(key, new, params).map_err(key_error)?;
        rewrapped.save(&path).map_err(key_error)
    }
}

/// What the OS keyring had for a data directory, tried before asking for the passphrase.
#[derive(Debug)]
pub enum FromKeyring {
    /// The remembered key, checked against the key file (same key id, same wrapping).
    Unlocked(DataKey),
    /// Nothing is remembered for this directory.
    NotRemembered,
    /// An entry saved before the passphrase was changed: it has been removed. The text is the
    /// one-line notice to show; it holds no secret.
    Dropped(String),
    /// The keyring could not be asked (none running, locked, timed out): ask for the passphrase.
    Unavailable(KeyringError),
}

impl DataDir {
    /// The OS keyring entry of this directory's data key, bound to its current key file.
    pub fn keyring_entry(&self) -> Result<OsKeyring> {
        let path = self.key_file();
        let wrapped = WrappedKey::load(&path).map_err(key_error)?;
        let Some(id) = wrapped.key_id() else {
            return Err(StoreError::Key(KeyError::Malformed {
                path: Some(path),
                reason: "no key id".into(),
            }));
        };
        // The fingerprint of the wrapping (salt, parameters, sealed key): a new passphrase
        // gives a new one, so an entry saved under the old one reads back as stale.
        let text = std::fs::read(&path)
            .map_err(|e| StoreError::io(format!("cannot read {}", path.display()), e))?;
        let binding: [u8; 32] = Sha256::digest(&text).into();
        Ok(OsKeyring::for_key(id).bound_to(binding))
    }

    /// Tries the OS keyring for this directory's key; a stale entry is forgotten here.
    pub fn unlock_from_keyring(&self) -> Result<FromKeyring> {
        let entry = self.keyring_entry()?;
        Ok(match entry.load() {
            Ok(Some(key)) => FromKeyring::Unlocked(key),
            Ok(None) => FromKeyring::NotRemembered,
            Err(KeyringError::Stale) => {
                let forgot = match entry.forget() {
                    Ok(_) => "it was removed from the OS keyring".to_string(),
                    Err(e) => format!("it could not be removed from the OS keyring ({e})"),
                };
                FromKeyring::Dropped(format!(
                    "the passphrase of {} was changed since it was remembered on this computer: \
                     {forgot}; type the passphrase",
                    self.root.display()
                ))
            }
            Err(e) => FromKeyring::Unavailable(e),
        })
    }

    /// Keeps `key` (unlocked with the passphrase) in the OS keyring for this directory.
    pub fn remember_key(&self, key: &DataKey) -> Result<std::result::Result<(), KeyringError>> {
        let entry = self.keyring_entry()?;
        Ok(entry.store(key))
    }

    /// Removes this directory's key from the OS keyring; `Ok(Ok(false))` when it held none.
    pub fn forget_key(&self) -> Result<std::result::Result<bool, KeyringError>> {
        Ok(self.keyring_entry()?.forget())
    }
}

fn key_error(e: KeyError) -> StoreError {
    match e {
        KeyError::WrongPassphrase => StoreError::WrongPassphrase,
        other => StoreError::Key(other),
    }
}
