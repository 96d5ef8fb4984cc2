//! Opening the store at start. A plain data directory opens as it is; an encrypted one needs
//! its passphrase, which the app reads from the file named by `VETDESK_PASSPHRASE_FILE` and
//! keeps only while the data key is unwrapped (the key itself stays in the Rust side's memory,
//! never in the page). There is no unlock screen yet: without the file the app says so.

use std::path::Path;
use std::sync::Arc;

use vetdesk_core::Store;
use vetdesk_core::store::{Clock, DataDir, OpenMode, StoreError};
use vetdesk_crypto::Passphrase;

pub const PASSPHRASE_FILE: &str = "VETDESK_PASSPHRASE_FILE";

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "the data directory {0} is encrypted and the app has no unlock screen yet: start it with \
         {PASSPHRASE_FILE} naming a file that holds the passphrase, or use the vetdesk command"
    )]
    NoPassphrase(String),
    #[error("cannot read the passphrase file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// The store of `data`, unlocked with the passphrase in `passphrase_file` when encrypted.
pub fn open_store(data: &DataDir, passphrase_file: Option<&Path>) -> Result<Store, OpenError> {
    let key = if data.is_encrypted() {
        let Some(path) = passphrase_file else {
            return Err(OpenError::NoPassphrase(data.root.display().to_string()));
        };
        let text = std::fs::read_to_string(path)
            .map_err(|source| OpenError::Read { path: path.display().to_string(), source })?;
        let phrase = Passphrase::from_line(text);
        Some(Arc::new(data.unlock(&phrase)?))
    } else {
        None
    };
    Ok(Store::open_with_key(data.clone(), OpenMode::CreateIfMissing, Clock::system(), key)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encrypted_directory_opens_with_its_passphrase_file_only() {
        let temp = tempfile::tempdir().unwrap();
        let data = DataDir::new(temp.path().join("data"));
        let params =
            vetdesk_crypto::KdfParams { memory_kib: 8 * 1024, iterations: 1, parallelism: 1 };
        let key = data.create_key(&Passphrase::new("open sesame"), params).unwrap();
        drop(Store::open_with_key(
            data.clone(),
            OpenMode::CreateIfMissing,
            Clock::system(),
            Some(Arc::new(key)),
        ));
        let right = temp.path().join("right");
        std::fs::write(&right, "open sesame\n").unwrap();
        let wrong = temp.path().join("wrong");
        std::fs::write(&wrong, "open sesame!\n").unwrap();

        assert!(matches!(open_store(&data, None), Err(OpenError::NoPassphrase(_))));
        assert!(matches!(
            open_store(&data, Some(&wrong)),
            Err(OpenError::Store(StoreError::WrongPassphrase))
        ));
        let store = open_store(&data, Some(&right)).unwrap();
        assert!(store.is_encrypted());
        let plain = DataDir::new(temp.path().join("plain"));
        assert!(!open_store(&plain, Some(&right)).unwrap().is_encrypted());
    }
}
