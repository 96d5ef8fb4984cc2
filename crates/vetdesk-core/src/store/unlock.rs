//! An encrypted data directory: its data key, sealed under the passphrase in `data-key.json`
//! (Argon2id parameters and salt stored with it), opens the SQLCipher database and the sealed
//! evidence files. The file's presence is what makes a directory encrypted.

use vetdesk_crypto::{DataKey, KdfParams, KeyError, Passphrase, WrappedKey};

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

fn key_error(e: KeyError) -> StoreError {
    match e {
        KeyError::WrongPassphrase => StoreError::WrongPassphrase,
        other => StoreError::Key(other),
    }
}
