//! Sealing short personal values (names, emails, a record's personal JSON) under a per-person
//! key, so that erasing a person is destroying one key ("crypto-shredding"): every sealed value
//! of theirs, wherever a copy survives, stays unreadable. Also keyed hashes for the link index
//! (the same phone on two candidates must match without storing the phone).
//!
//! Sealed value format: `0x01 | nonce (12) | ciphertext | tag (16)`, AES-256-GCM with a random
//! nonce; the associated data binds a value to its place (table, row, field), so a sealed value
//! copied into another row or field does not open.

use std::fmt;

use aes_gcm::aead::{AeadInOut, Nonce, Tag};
use aes_gcm::{Aes256Gcm, KeyInit};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::keys::{DataKey, INFO_LINK, INFO_PERSON_WRAP, KEY_LEN, RandomError, random_array};

const SEALED_VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// Bytes a sealed value adds to its plaintext.
pub const SEAL_OVERHEAD: usize = 1 + NONCE_LEN + TAG_LEN;

/// Domains keep the two uses of the format apart: a wrapped person key never opens as a field.
const DOMAIN_FIELD: &[u8] = b"vetdesk/v1/field";
const DOMAIN_PERSON_KEY: &[u8] = b"vetdesk/v1/person-key";

/// Why a sealed value did not open.
#[derive(Debug, thiserror::Error)]
pub enum FieldError {
    #[error("sealed value is malformed: {0}")]
    Malformed(&'static str),
    #[error(
        "sealed value does not open: altered, moved from another row or field, or its key is \
         not the one it was sealed with (an erased person's key no longer exists)"
    )]
    Unauthentic,
    #[error(transparent)]
    Random(#[from] RandomError),
}

/// One person's key. Erasing the person means deleting this key (and, where it is stored
/// wrapped, the wrapped copy): nothing sealed under it opens again.
pub struct PersonKey(Zeroizing<[u8; KEY_LEN]>);

impl PersonKey {
    pub fn generate() -> Result<Self, RandomError> {
        Ok(Self(Zeroizing::new(random_array::<KEY_LEN>()?)))
    }

    /// A key from its raw bytes, as stored in an unencrypted directory.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The raw bytes, to store the key where no data key exists to wrap it (an unencrypted
    /// directory: erasure then relies on deleting this row and on `secure_delete`).
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The key sealed under the data key's person-wrapping subkey, bound to `person_ref`
    /// (the person's stable id), for an encrypted directory.
    pub fn wrap(&self, data_key: &DataKey, person_ref: &[u8]) -> Result<Vec<u8>, FieldError> {
        let kek = data_key.derive_key(INFO_PERSON_WRAP);
        seal_raw(&kek, DOMAIN_PERSON_KEY, person_ref, &self.0[..])
    }

    /// Opens a key sealed by [`PersonKey::wrap`] for the same `person_ref`.
    pub fn unwrap(
        data_key: &DataKey,
        person_ref: &[u8],
        wrapped: &[u8],
    ) -> Result<Self, FieldError> {
        let kek = data_key.derive_key(INFO_PERSON_WRAP);
        let raw = open_raw(&kek, DOMAIN_PERSON_KEY, person_ref, wrapped)?;
        let bytes: [u8; KEY_LEN] = raw
            .as_slice()
            .try_into()
            .map_err(|_| FieldError::Malformed("a person key is 32 bytes"))?;
        Ok(Self::from_bytes(bytes))
    }
}

impl fmt::Debug for PersonKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonKey(redacted)")
    }
}

/// Seals `plaintext` under a person's key, bound to `aad` (say `b"candidates/42/email"`).
pub fn seal(key: &PersonKey, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, FieldError> {
    seal_raw(&key.0, DOMAIN_FIELD, aad, plaintext)
}

/// Opens a value sealed by [`seal`] with the same key and `aad`. The plaintext is wiped from
/// memory when the returned buffer is dropped.
pub fn open(key: &PersonKey, sealed: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, FieldError> {
    open_raw(&key.0, DOMAIN_FIELD, aad, sealed)
}

/// The associated data actually authenticated: domain and caller's data, length-prefixed so
/// no two (domain, aad) pairs give the same bytes.
fn full_aad(domain: &[u8], aad: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(8 + domain.len() + aad.len());
    v.extend_from_slice(&(domain.len() as u32).to_be_bytes());
    v.extend_from_slice(domain);
    v.extend_from_slice(&(aad.len() as u64).to_be_bytes());
    v.extend_from_slice(aad);
    v
}

fn cipher(key: &[u8; KEY_LEN]) -> Aes256Gcm {
    match Aes256Gcm::new_from_slice(key) {
        Ok(a) => a,
        Err(_) => unreachable!("32 bytes is the AES-256 key length"),
    }
}

/// Random 96-bit nonces: a person's key seals at most thousands of values, far below the
/// 2^32 messages NIST SP 800-38D allows per key with random nonces.
fn seal_raw(
    key: &[u8; KEY_LEN],
    domain: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, FieldError> {
    let nonce = random_array::<NONCE_LEN>()?;
    let mut out = Vec::with_capacity(SEAL_OVERHEAD + plaintext.len());
    out.push(SEALED_VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let body = &mut out[1 + NONCE_LEN..];
    let tag = cipher(key)
        .encrypt_inout_detached(
            &Nonce::<Aes256Gcm>::from(nonce),
            &full_aad(domain, aad),
            body.into(),
        )
        .map_err(|_| FieldError::Malformed("value too long to seal"))?;
    out.extend_from_slice(&tag);
    Ok(out)
}

fn open_raw(
    key: &[u8; KEY_LEN],
    domain: &[u8],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, FieldError> {
    if sealed.len() < SEAL_OVERHEAD {
        return Err(FieldError::Malformed("shorter than version, nonce and tag"));
    }
    if sealed[0] != SEALED_VERSION {
        return Err(FieldError::Malformed("unknown version byte"));
    }
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&sealed[1..1 + NONCE_LEN]);
    let (body, tag) = sealed[1 + NONCE_LEN..].split_at(sealed.len() - SEAL_OVERHEAD);
    let mut tag_bytes = [0u8; TAG_LEN];
    tag_bytes.copy_from_slice(tag);
    let mut plain = Zeroizing::new(body.to_vec());
    cipher(key)
        .decrypt_inout_detached(
            &Nonce::<Aes256Gcm>::from(nonce),
            &full_aad(domain, aad),
            plain.as_mut_slice().into(),
            &Tag::<Aes256Gcm>::from(tag_bytes),
        )
        .map_err(|_| FieldError::Unauthentic)?;
    Ok(plain)
}

/// The directory-wide key for link hashes. In an encrypted directory it is derived from the
/// data key ([`LinkKey::from_data_key`]); an unencrypted one keeps a random key of its own.
pub struct LinkKey(Zeroizing<[u8; KEY_LEN]>);

impl LinkKey {
    pub fn generate() -> Result<Self, RandomError> {
        Ok(Self(Zeroizing::new(random_array::<KEY_LEN>()?)))
    }

    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    pub fn from_data_key(data_key: &DataKey) -> Self {
        Self(data_key.derive_key(INFO_LINK))
    }

    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// HMAC-SHA256 of a normalised value, separated by `kind` ("phone", "email",
    /// "address", …) so the same text under two kinds never matches. Normalising (E.164
    /// phones, lower-cased emails, canonical addresses) is the caller's job: the hash matches
    /// exactly equal inputs only.
    pub fn hash(&self, kind: &str, normalized_value: &str) -> LinkHash {
        let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(&self.0[..]) {
            Ok(m) => m,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        mac.update(&(kind.len() as u64).to_be_bytes());
        mac.update(kind.as_bytes());
        mac.update(normalized_value.as_bytes());
        LinkHash(mac.finalize().into_bytes().into())
    }
}

impl fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkKey(redacted)")
    }
}

/// A keyed hash of one linkable value: equal values of the same kind under the same key give
/// equal hashes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkHash(pub [u8; 32]);

impl LinkHash {
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for LinkHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkHash({})", self.to_hex())
    }
}

impl fmt::Display for LinkHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}
