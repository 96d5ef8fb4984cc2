//! Signed checkpoints: the organisation's Ed25519 key signs the store's root (the ledger's last
//! hash) and the number of ledger entries it covers. Hashes alone can be recomputed by anyone
//! who can edit the database; a signature cannot be made without the private key, which lives
//! outside the data directory's reach (sealed under a passphrase). A copy of each checkpoint
//! kept by the user elsewhere (the witness file) then fixes a prefix of history that the store
//! must still extend.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::chain::canonical_json;
use crate::model::Timestamp;

/// The `format` of a signed statement and of a witness file line.
pub const CHECKPOINT_FORMAT: &str = "vetdesk-checkpoint";
pub const CHECKPOINT_VERSION: u32 = 1;

/// A checkpoint as recorded in the global chain and written to the witness file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignedCheckpoint {
    /// The ledger's hash after `entries` entries.
    pub root: String,
    #[ts(type = "number")]
    pub entries: i64,
    pub at: Timestamp,
    /// The signer's public key, 32 bytes as hex.
    pub public_key: String,
    /// `fingerprint(public_key)`.
    pub fingerprint: String,
    /// Ed25519 over `statement()`, 64 bytes as hex.
    pub signature: String,
}

/// Why a checkpoint or a key does not check out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("{what} is not a valid Ed25519 public key (64 hex digits expected)")]
    BadPublicKey { what: String },
    #[error("the checkpoint's fingerprint {found} is not that of its public key ({expected})")]
    Fingerprint { found: String, expected: String },
    #[error("the checkpoint was signed by key {found}, not by the trusted key {trusted}")]
    Untrusted { found: String, trusted: String },
    #[error("the checkpoint's signature does not verify: it was altered or not made by that key")]
    BadSignature,
}

/// A short, stable name of a public key: the first 16 bytes of its SHA-256, as hex.
pub fn fingerprint(public_key: &[u8; 32]) -> String {
    hex::encode(&Sha256::digest(public_key)[..16])
}

/// Reads a public key given as 64 hex digits.
pub fn parse_public_key(text: &str) -> Result<VerifyingKey, CheckpointError> {
    let bad = || CheckpointError::BadPublicKey { what: format!("{:?}", short(text)) };
    let bytes: [u8; 32] =
        hex::decode(text.trim()).ok().and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| bad())
}

fn short(text: &str) -> String {
    text.chars().take(80).collect()
}

/// The public key of a 32-byte secret seed, as hex.
pub fn public_key_of(seed: &[u8; 32]) -> String {
    hex::encode(SigningKey::from_bytes(seed).verifying_key().to_bytes())
}

impl SignedCheckpoint {
    /// Signs `root` after `entries` ledger entries at `at` with the key of `seed`.
    pub fn sign(seed: &[u8; 32], root: &str, entries: i64, at: Timestamp) -> SignedCheckpoint {
        let key = SigningKey::from_bytes(seed);
        let public = key.verifying_key().to_bytes();
        let mut checkpoint = SignedCheckpoint {
            root: root.to_string(),
            entries,
            at,
            public_key: hex::encode(public),
            fingerprint: fingerprint(&public),
            signature: String::new(),
        };
        checkpoint.signature = hex::encode(key.sign(&checkpoint.statement()).to_bytes());
        checkpoint
    }

    /// The bytes signed: canonical JSON of the format, root, entry count, time and the key's
    /// fingerprint (so a signature names the key it was meant to be checked with).
    pub fn statement(&self) -> Vec<u8> {
        canonical_json(&json!({
            "format": CHECKPOINT_FORMAT,
            "version": CHECKPOINT_VERSION,
            "root": self.root,
            "entries": self.entries,
            "at": self.at,
            "fingerprint": self.fingerprint,
        }))
        .into_bytes()
    }

    /// Checks the signature against the checkpoint's own public key and, when given, that this
    /// key is the trusted one (hex). Without a trusted key this proves only self-consistency.
    pub fn check(&self, trusted: Option<&str>) -> Result<(), CheckpointError> {
        let key = parse_public_key(&self.public_key)?;
        let expected = fingerprint(&key.to_bytes());
        if self.fingerprint != expected {
            return Err(CheckpointError::Fingerprint { found: short(&self.fingerprint), expected });
        }
        if let Some(trusted) = trusted {
            let trusted = parse_public_key(trusted)?;
            if trusted != key {
                return Err(CheckpointError::Untrusted {
                    found: expected,
                    trusted: fingerprint(&trusted.to_bytes()),
                });
            }
        }
        let bytes: [u8; 64] = hex::decode(&self.signature)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(CheckpointError::BadSignature)?;
        key.verify(&self.statement(), &Signature::from_bytes(&bytes))
            .map_err(|_| CheckpointError::BadSignature)
    }
}

/// The most a witness file may hold; a checkpoint line is about 400 bytes.
pub const MAX_WITNESS_BYTES: usize = 16 * 1024 * 1024;

/// Reads a witness file: one checkpoint per line as `witness_line` writes it; blank lines are
/// skipped. A line that is not a checkpoint is named by its number.
pub fn parse_witness(text: &str) -> Result<Vec<SignedCheckpoint>, String> {
    if text.len() > MAX_WITNESS_BYTES {
        return Err(format!("it is larger than {MAX_WITNESS_BYTES} bytes"));
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("line {}: not a JSON object ({e})", i + 1))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(CHECKPOINT_FORMAT) {
            return Err(format!("line {}: not a {CHECKPOINT_FORMAT} line", i + 1));
        }
        let checkpoint = serde_json::from_value(value)
            .map_err(|e| format!("line {}: not a checkpoint ({e})", i + 1))?;
        out.push(checkpoint);
    }
    Ok(out)
}

/// One line of a witness file (canonical JSON with the format named, no newline).
pub fn witness_line(c: &SignedCheckpoint) -> String {
    let mut value = serde_json::to_value(c).unwrap_or(serde_json::Value::Null);
    if let Some(map) = value.as_object_mut() {
        map.insert("format".into(), json!(CHECKPOINT_FORMAT));
        map.insert("version".into(), json!(CHECKPOINT_VERSION));
    }
    canonical_json(&value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Timestamp {
        "2026-12-01T10:00:00.000Z".parse().unwrap_or_else(|_| Timestamp::now())
    }

    #[test]
    fn a_checkpoint_verifies_under_its_key_and_no_other() {
        let seed = [7u8; 32];
        let c = SignedCheckpoint::sign(&seed, &"a".repeat(64), 12, at());
        assert_eq!(c.public_key, public_key_of(&seed));
        assert_eq!(c.check(None), Ok(()));
        assert_eq!(c.check(Some(&c.public_key)), Ok(()));
        let other = public_key_of(&[8u8; 32]);
        assert!(matches!(c.check(Some(&other)), Err(CheckpointError::Untrusted { .. })));
        assert!(matches!(c.check(Some("xyz")), Err(CheckpointError::BadPublicKey { .. })));
    }

    #[test]
    fn witness_lines_round_trip_and_bad_lines_are_named() {
        let c = SignedCheckpoint::sign(&[7u8; 32], &"a".repeat(64), 12, at());
        let text = format!("{}\n\n{}\n", witness_line(&c), witness_line(&c));
        assert_eq!(parse_witness(&text), Ok(vec![c.clone(), c.clone()]));
        for (bad, words) in [
            ("{", "line 1: not a JSON object"),
            ("{\"format\":\"x\"}", "line 1: not a vetdesk-checkpoint line"),
            ("{\"format\":\"vetdesk-checkpoint\"}", "line 1: not a checkpoint"),
        ] {
            let err = parse_witness(bad).unwrap_err();
            assert!(err.contains(words), "{bad}: {err}");
        }
    }

    #[test]
    fn every_signed_field_is_covered() {
        let seed = [7u8; 32];
        let c = SignedCheckpoint::sign(&seed, &"a".repeat(64), 12, at());
        type Edit = fn(&mut SignedCheckpoint);
        let edits: Vec<(&str, Edit)> = vec![
            ("root", |c| c.root = "b".repeat(64)),
            ("entries", |c| c.entries = 11),
            ("time", |c| c.at = Timestamp::now()),
            ("signature", |c| c.signature = "00".repeat(64)),
            ("signature text", |c| c.signature = "zz".into()),
        ];
        for (what, edit) in edits {
            let mut forged = c.clone();
            edit(&mut forged);
            assert_eq!(forged.check(None), Err(CheckpointError::BadSignature), "{what}");
        }
        // A re-signed checkpoint under another key with the first key's name is caught too.
        let mut swapped = SignedCheckpoint::sign(&[9u8; 32], &c.root, c.entries, c.at);
        swapped.fingerprint = c.fingerprint.clone();
        assert!(matches!(swapped.check(None), Err(CheckpointError::Fingerprint { .. })));
        let resigned = SignedCheckpoint::sign(&[9u8; 32], &"b".repeat(64), 11, c.at);
        assert!(matches!(
            resigned.check(Some(&c.public_key)),
            Err(CheckpointError::Untrusted { .. })
        ));
    }
}
