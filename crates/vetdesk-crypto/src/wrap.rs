//! The data key at rest: sealed with AES-256-GCM under a key derived from the passphrase by
//! Argon2id, in a small versioned JSON file that also holds the Argon2id parameters and salt.
//! Changing the passphrase re-seals the same data key, so no data is re-encrypted.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use aes_gcm::aead::{AeadInOut, Nonce, Tag};
use aes_gcm::{Aes256Gcm, KeyInit};
use argon2::{Algorithm, Argon2, Params, Version};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::keys::{DataKey, KEY_LEN, KeyId, RandomError, random_array};

/// `format` field of every wrapped-key file.
pub const KEY_FILE_FORMAT: &str = "vetdesk-wrapped-key";
/// Version of the wrapped-key file this build writes and reads.
pub const KEY_FILE_VERSION: u32 = 1;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// A passphrase, wiped from memory when dropped and never shown by `Debug`. It is normalised
/// to Unicode NFC before use, so the same words typed on systems that compose accents
/// differently (macOS hands out NFD) unlock the same key.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(s: impl Into<String>) -> Self {
        Self(Zeroizing::new(s.into()))
    }

    /// The passphrase as read from a file or a terminal: one trailing line ending (LF or CR LF)
    /// is not part of it.
    pub fn from_line(mut s: String) -> Self {
        if s.ends_with('\n') {
            s.pop();
            if s.ends_with('\r') {
                s.pop();
            }
        }
        Self::new(s)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether both are the same passphrase once normalised (a new one typed twice).
    pub fn same_as(&self, other: &Passphrase) -> bool {
        *self.normalized() == *other.normalized()
    }

    pub(crate) fn normalized(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.0.nfc().collect::<String>().into_bytes())
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(redacted)")
    }
}

/// Argon2id cost parameters, stored in the key file so a later build with other defaults still
/// unlocks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    pub iterations: u32,
    /// Lanes. The derived key depends on it; the computation here runs the lanes in turn.
    pub parallelism: u32,
}

impl KdfParams {
    /// For unlocking a desktop app once per session: 256 MiB, 3 passes, 4 lanes — RFC 9106's
    /// second recommended setting (64 MiB, t = 3, p = 4) with four times its memory. About one
    /// second on the machines Vetdesk was measured on; each guess costs an attacker the same.
    pub const DESKTOP: KdfParams =
        KdfParams { memory_kib: 256 * 1024, iterations: 3, parallelism: 4 };
    /// RFC 9106's second recommended setting, the least the app should write.
    pub const RFC9106_LOW_MEMORY: KdfParams =
        KdfParams { memory_kib: 64 * 1024, iterations: 3, parallelism: 4 };
    /// Largest memory a key file may ask for (4 GiB): a larger value is refused before any
    /// allocation, so a doctored key file cannot exhaust the machine.
    pub const MAX_MEMORY_KIB: u32 = 4 * 1024 * 1024;
    pub const MAX_ITERATIONS: u32 = 64;
    pub const MAX_PARALLELISM: u32 = 64;

    fn argon2(&self) -> Result<Argon2<'static>, KeyError> {
        self.argon2_for(KEY_LEN)
    }

    /// The hasher for these costs and an output of `out_len` bytes, within the limits.
    pub(crate) fn argon2_for(&self, out_len: usize) -> Result<Argon2<'static>, KeyError> {
        let bad = |what: String| Err(KeyError::BadParams(what));
        if self.memory_kib > Self::MAX_MEMORY_KIB {
            return bad(format!(
                "memory_kib {} is over the limit of {}",
                self.memory_kib,
                Self::MAX_MEMORY_KIB
            ));
        }
        if self.iterations == 0 || self.iterations > Self::MAX_ITERATIONS {
            return bad(format!(
                "iterations {} is not in 1..={}",
                self.iterations,
                Self::MAX_ITERATIONS
            ));
        }
        if self.parallelism == 0 || self.parallelism > Self::MAX_PARALLELISM {
            return bad(format!(
                "parallelism {} is not in 1..={}",
                self.parallelism,
                Self::MAX_PARALLELISM
            ));
        }
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, Some(out_len))
            .map_err(|e| KeyError::BadParams(format!("{e} (memory_kib {})", self.memory_kib)))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Why a key could not be wrapped, unwrapped or its file read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("wrong passphrase (or the key file was altered)")]
    WrongPassphrase,
    #[error("the passphrase is empty")]
    EmptyPassphrase,
    #[error("Argon2id parameters refused: {0}")]
    BadParams(String),
    #[error("key file {}: {reason}", path_or_input(.path))]
    Malformed { path: Option<PathBuf>, reason: String },
    #[error("key file {}: format version {found} is not supported (this build reads 1)", path_or_input(.path))]
    UnsupportedVersion { path: Option<PathBuf>, found: u32 },
    #[error("Argon2id failed: {0}")]
    Kdf(String),
    #[error(transparent)]
    Random(#[from] RandomError),
    #[error("key file {}: {source}", .path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

fn path_or_input(path: &Option<PathBuf>) -> String {
    path.as_ref().map_or_else(|| "(in memory)".to_owned(), |p| p.display().to_string())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KdfSection {
    algorithm: String,
    /// Argon2 version 0x13 = 19, the current one.
    argon2_version: u32,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CipherSection {
    algorithm: String,
    nonce: String,
    /// The sealed data key followed by its tag, hex.
    ciphertext: String,
}

/// A data key sealed under a passphrase: the contents of a key file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrappedKey {
    format: String,
    version: u32,
    key_id: String,
    kdf: KdfSection,
    cipher: CipherSection,
}

/// The fields the seal is bound to (its associated data): changing the key id, the
/// parameters or the salt in the file makes unwrapping fail rather than derive another key.
fn binding(key_id: &str, kdf: &KdfSection) -> Vec<u8> {
    format!(
        "{KEY_FILE_FORMAT}/{KEY_FILE_VERSION}|key_id={key_id}|{}|v={}|m={}|t={}|p={}|salt={}",
        kdf.algorithm,
        kdf.argon2_version,
        kdf.params.memory_kib,
        kdf.params.iterations,
        kdf.params.parallelism,
        kdf.salt
    )
    .into_bytes()
}

fn derive_kek(
    passphrase: &Passphrase,
    params: &KdfParams,
    salt: &[u8],
) -> Result<Zeroizing<[u8; KEY_LEN]>, KeyError> {
    let argon = params.argon2()?;
    let mut kek = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(&passphrase.normalized(), salt, &mut kek[..])
        .map_err(|e| KeyError::Kdf(e.to_string()))?;
    Ok(kek)
}

fn aead(key: &[u8; KEY_LEN]) -> Aes256Gcm {
    match Aes256Gcm::new_from_slice(key) {
        Ok(a) => a,
        Err(_) => unreachable!("32 bytes is the AES-256 key length"),
    }
}

impl WrappedKey {
    /// Seals `key` under `passphrase` with fresh salt and nonce.
    pub fn wrap(
        key: &DataKey,
        passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<Self, KeyError> {
        if passphrase.is_empty() {
            return Err(KeyError::EmptyPassphrase);
        }
        let salt = random_array::<SALT_LEN>()?;
        let nonce = random_array::<NONCE_LEN>()?;
        let kek = derive_kek(passphrase, &params, &salt)?;
        let key_id = key.id().to_hex();
        let kdf = KdfSection {
            algorithm: "argon2id".into(),
            argon2_version: 0x13,
            params,
            salt: hex::encode(salt),
        };
        let mut sealed = Zeroizing::new(key.expose().to_vec());
        let tag = aead(&kek)
            .encrypt_inout_detached(
                &Nonce::<Aes256Gcm>::from(nonce),
                &binding(&key_id, &kdf),
                sealed.as_mut_slice().into(),
            )
            .map_err(|_| KeyError::Kdf("sealing the key failed".into()))?;
        sealed.extend_from_slice(&tag);
        Ok(Self {
            format: KEY_FILE_FORMAT.into(),
            version: KEY_FILE_VERSION,
            key_id,
            kdf,
            cipher: CipherSection {
                algorithm: "aes-256-gcm".into(),
                nonce: hex::encode(nonce),
                ciphertext: hex::encode(&sealed[..]),
            },
        })
    }

    /// Opens the data key. A wrong passphrase is [`KeyError::WrongPassphrase`], after the full
    /// Argon2id cost (so guessing stays as slow as unlocking).
    pub fn unwrap(&self, passphrase: &Passphrase) -> Result<DataKey, KeyError> {
        self.check(None)?;
        let malformed = |reason: &str| KeyError::Malformed { path: None, reason: reason.into() };
        let salt = hex::decode(&self.kdf.salt).map_err(|_| malformed("kdf.salt is not hex"))?;
        let mut nonce = [0u8; NONCE_LEN];
        hex::decode_to_slice(&self.cipher.nonce, &mut nonce)
            .map_err(|_| malformed("cipher.nonce is not 24 hex digits"))?;
        let mut sealed = Zeroizing::new([0u8; KEY_LEN + TAG_LEN]);
        hex::decode_to_slice(&self.cipher.ciphertext, &mut sealed[..])
            .map_err(|_| malformed("cipher.ciphertext is not 96 hex digits"))?;
        let kek = derive_kek(passphrase, &self.kdf.params, &salt)?;
        let (body, tag) = sealed.split_at_mut(KEY_LEN);
        let mut tag_bytes = [0u8; TAG_LEN];
        tag_bytes.copy_from_slice(tag);
        aead(&kek)
            .decrypt_inout_detached(
                &Nonce::<Aes256Gcm>::from(nonce),
                &binding(&self.key_id, &self.kdf),
                (&mut body[..]).into(),
                &Tag::<Aes256Gcm>::from(tag_bytes),
            )
            .map_err(|_| KeyError::WrongPassphrase)?;
        let mut raw = Zeroizing::new([0u8; KEY_LEN]);
        raw.copy_from_slice(body);
        let key = DataKey::from_zeroizing(raw);
        // The id is bound to the seal, so this only fails for a file forged with the key itself.
        if key.id().to_hex() != self.key_id {
            return Err(malformed("key_id does not match the key it seals"));
        }
        Ok(key)
    }

    /// The same data key under a new passphrase (and possibly new parameters): the
    /// `passphrase change`. Nothing encrypted under the key changes.
    pub fn rewrap(
        &self,
        old: &Passphrase,
        new: &Passphrase,
        params: KdfParams,
    ) -> Result<Self, KeyError> {
        let key = self.unwrap(old)?;
        Self::wrap(&key, new, params)
    }

    /// The id of the sealed key, as the file states it (checked against the key on unwrap).
    pub fn key_id(&self) -> Option<KeyId> {
        KeyId::from_hex(&self.key_id)
    }

    pub fn params(&self) -> KdfParams {
        self.kdf.params
    }

    fn check(&self, path: Option<&Path>) -> Result<(), KeyError> {
        let malformed =
            |reason: String| KeyError::Malformed { path: path.map(Path::to_path_buf), reason };
        if self.format != KEY_FILE_FORMAT {
            return Err(malformed(format!(
                "format is {:?}, expected {KEY_FILE_FORMAT:?}",
                self.format
            )));
        }
        if self.version != KEY_FILE_VERSION {
            return Err(KeyError::UnsupportedVersion {
                path: path.map(Path::to_path_buf),
                found: self.version,
            });
        }
        if self.key_id().is_none() {
            return Err(malformed("key_id is not 32 hex digits".into()));
        }
        if self.kdf.algorithm != "argon2id" || self.kdf.argon2_version != 0x13 {
            return Err(malformed(format!(
                "kdf is {} version {}, expected argon2id version 19",
                self.kdf.algorithm, self.kdf.argon2_version
            )));
        }
        if self.cipher.algorithm != "aes-256-gcm" {
            return Err(malformed(format!(
                "cipher is {:?}, expected \"aes-256-gcm\"",
                self.cipher.algorithm
            )));
        }
        let salt_len = self.kdf.salt.len() / 2;
        if !(8..=64).contains(&salt_len) || hex::decode(&self.kdf.salt).is_err() {
            return Err(malformed("kdf.salt must be 16 to 128 hex digits".into()));
        }
        Ok(())
    }

    /// Pretty JSON, one field a line.
    pub fn to_json(&self) -> String {
        // Serialising plain strings and integers cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Parses and checks a key file's text; `path` only names the file in errors.
    pub fn from_json(text: &str, path: Option<&Path>) -> Result<Self, KeyError> {
        let wrapped: WrappedKey = serde_json::from_str(text).map_err(|e| KeyError::Malformed {
            path: path.map(Path::to_path_buf),
            reason: format!("not a wrapped-key file: {e}"),
        })?;
        wrapped.check(path)?;
        Ok(wrapped)
    }

    /// Reads a key file.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let io = |source| KeyError::Io { path: path.to_path_buf(), source };
        let meta = fs::metadata(path).map_err(io)?;
        // A key file is about 500 bytes; refuse to read something huge by mistake.
        if meta.len() > 64 * 1024 {
            return Err(KeyError::Malformed {
                path: Some(path.to_path_buf()),
                reason: format!("{} bytes is far too large for a key file", meta.len()),
            });
        }
        let text = fs::read_to_string(path).map_err(io)?;
        Self::from_json(&text, Some(path))
    }

    /// Writes the key file atomically: a temporary file beside it, fsync, rename over the old
    /// one, fsync of the directory. A crash leaves either the old file or the new one.
    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        let io = |source| KeyError::Io { path: path.to_path_buf(), source };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(io)?;
        tmp.write_all(self.to_json().as_bytes()).map_err(io)?;
        tmp.write_all(b"\n").map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        #[cfg(unix)]
        fs::File::open(&dir).and_then(|d| d.sync_all()).map_err(io)?;
        Ok(())
    }
}
