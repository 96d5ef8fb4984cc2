//! The data key and everything derived from it. One random 256-bit key per data directory; each
//! use (evidence files, the SQLCipher database, person-key wrapping, link hashes) gets its own
//! subkey through HKDF-SHA256, so no two uses ever share a key.

use std::fmt;

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

/// Length of every symmetric key in Vetdesk.
pub const KEY_LEN: usize = 32;

/// HKDF "info" labels: one per use of the data key. Changing one changes every derived key.
pub(crate) const INFO_KEY_ID: &[u8] = b"vetdesk/v1/key-id";
pub(crate) const INFO_FILE: &[u8] = b"vetdesk/v1/file";
pub(crate) const INFO_SQLCIPHER: &[u8] = b"vetdesk/v1/sqlcipher";
pub(crate) const INFO_PERSON_WRAP: &[u8] = b"vetdesk/v1/person-key-wrap";
pub(crate) const INFO_LINK: &[u8] = b"vetdesk/v1/link-hash";
pub(crate) const INFO_SIGNING_SEED: &[u8] = b"vetdesk/v1/signing-seed";

/// The operating system's random source failed: nothing can be encrypted safely.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random number source failed: {0}")]
pub struct RandomError(String);

/// Fills `buf` from the OS random source (getrandom), never from a user-space generator.
pub fn random_bytes(buf: &mut [u8]) -> Result<(), RandomError> {
    getrandom::fill(buf).map_err(|e| RandomError(e.to_string()))
}

pub(crate) fn random_array<const N: usize>() -> Result<[u8; N], RandomError> {
    let mut out = [0u8; N];
    random_bytes(&mut out)?;
    Ok(out)
}

/// Names a data key without revealing it: the first 16 bytes of an HKDF output, so two
/// directories' keys are told apart and an encrypted file says which key it needs.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; 16]);

impl KeyId {
    /// Lower-case hex, 32 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Parses 32 hex characters; `None` for anything else.
    pub fn from_hex(s: &str) -> Option<Self> {
        let mut out = [0u8; 16];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Self(out))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.to_hex())
    }
}

/// The data key of one data directory. Wiped from memory when dropped; its `Debug` shows only
/// the key id. Deliberately not `Clone`: share it by reference or behind an `Arc`.
pub struct DataKey {
    bytes: Zeroizing<[u8; KEY_LEN]>,
    id: KeyId,
}

impl DataKey {
    /// A fresh random key from the OS random source.
    pub fn generate() -> Result<Self, RandomError> {
        let bytes = Zeroizing::new(random_array::<KEY_LEN>()?);
        Ok(Self::from_zeroizing(bytes))
    }

    /// A key from its 32 raw bytes (as unwrapped or read back from the OS keyring).
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self::from_zeroizing(Zeroizing::new(bytes))
    }

    pub(crate) fn from_zeroizing(bytes: Zeroizing<[u8; KEY_LEN]>) -> Self {
        let id = *expand::<16>(&bytes[..], None, INFO_KEY_ID);
        Self { bytes, id: KeyId(id) }
    }

    pub fn id(&self) -> KeyId {
        self.id
    }

    /// The raw key bytes, for wrapping and the keyring only.
    pub(crate) fn expose(&self) -> &[u8; KEY_LEN] {
        &self.bytes
    }

    /// `N` bytes of HKDF-SHA256 output for one use of this key.
    pub(crate) fn derive<const N: usize>(
        &self,
        salt: Option<&[u8]>,
        info: &[u8],
    ) -> Zeroizing<[u8; N]> {
        expand::<N>(&self.bytes[..], salt, info)
    }

    pub(crate) fn derive_key(&self, info: &[u8]) -> Zeroizing<[u8; KEY_LEN]> {
        self.derive::<KEY_LEN>(None, info)
    }

    /// The 32-byte Ed25519 seed of an organisation signing key kept as this key (sealed by a
    /// passphrase like any data key): a subkey of its own, so the key file serves one purpose.
    pub fn signing_seed(&self) -> Zeroizing<[u8; KEY_LEN]> {
        self.derive_key(INFO_SIGNING_SEED)
    }

    /// The key SQLCipher is given for the database: a subkey of its own, so knowing it (it
    /// sits in SQLCipher's memory while the database is open) reveals nothing of the file keys.
    pub fn sqlcipher_key(&self) -> SqlCipherKey {
        SqlCipherKey(self.derive_key(INFO_SQLCIPHER))
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DataKey({}, redacted)", self.id)
    }
}

/// HKDF-SHA256 extract-then-expand into a fixed-size output. HKDF refuses only outputs over
/// 255 × 32 bytes; the compile-time assertion rules those out, so the error branch is dead.
fn expand<const N: usize>(ikm: &[u8], salt: Option<&[u8]>, info: &[u8]) -> Zeroizing<[u8; N]> {
    const { assert!(N <= 255 * 32, "HKDF-SHA256 output too long") };
    let mut okm = Zeroizing::new([0u8; N]);
    let hk = Hkdf::<Sha256>::new(salt, ikm);
    if hk.expand(info, &mut okm[..]).is_err() {
        unreachable!("HKDF output length is checked at compile time");
    }
    okm
}

/// A raw 256-bit SQLCipher key. SQLCipher takes raw key material (skipping its own PBKDF2) when
/// the key is given as a blob literal in double quotes: `PRAGMA key = "x'<64 hex digits>'"`.
pub struct SqlCipherKey(Zeroizing<[u8; KEY_LEN]>);

impl SqlCipherKey {
    /// The value for `PRAGMA key = …` (and `PRAGMA rekey = …`), quotes included:
    /// `"x'…64 hex digits…'"`. Only hex digits come from the key, so it is safe to splice
    /// into the statement text (PRAGMA takes no bound parameters).
    pub fn pragma_value(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(4 + 2 * KEY_LEN + 2));
        s.push_str("\"x'");
        s.push_str(&Zeroizing::new(hex::encode(&self.0[..])));
        s.push_str("'\"");
        s
    }

    /// The whole statement, `PRAGMA key = "x'…'";`.
    pub fn pragma_statement(&self) -> Zeroizing<String> {
        let value = self.pragma_value();
        let mut s = Zeroizing::new(String::with_capacity(13 + value.len() + 1));
        s.push_str("PRAGMA key = ");
        s.push_str(&value);
        s.push(';');
        s
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for SqlCipherKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SqlCipherKey(redacted)")
    }
}
