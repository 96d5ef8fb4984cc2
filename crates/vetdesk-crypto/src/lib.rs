//! Vetdesk's cryptographic layer for encryption at rest and erasure, with no knowledge of the
//! store: data keys and their passphrase-wrapped files, streaming file encryption, field
//! sealing under per-person keys, keyed link hashes, the SQLCipher key, the OS keyring.
//!
//! `README.md` beside this crate describes the formats, the parameters, and what each key does
//! and does not protect.

pub mod field;
pub mod ingest;
pub mod keys;
pub mod os_keyring;
pub mod password;
pub mod stream;
pub mod wrap;

pub use field::{FieldError, LinkHash, LinkKey, PersonKey, open, seal};
pub use ingest::{Ingested, Threads, hash_and_encrypt};
pub use keys::{DataKey, KEY_LEN, KeyId, RandomError, SqlCipherKey, random_bytes};
pub use os_keyring::{KeyringError, OsKeyring, TeamPassword};
pub use password::{hash_password, is_password_hash, verify_password};
pub use stream::{
    DecryptingReader, EncryptingWriter, StreamError, decrypt_bytes, decrypt_stream, encrypt_bytes,
    encrypt_stream, encrypted_len, inspect_header, looks_encrypted,
};
pub use wrap::{KdfParams, KeyError, Passphrase, WrappedKey};
