//! Bank details are never stored readable: each account becomes a mask (last four digits) and
//! an HMAC-SHA256 under a secret key that lives in its own file in the data directory, created
//! on first use with owner-only permissions. Equal accounts give equal hashes, so two
//! candidates paid into one account are found; without the key the hash cannot be tested
//! against guessed numbers (an unkeyed hash of a 9+17-digit number could be).
//!
//! The key is never logged, never put in a change, a report or an export. Losing it means new
//! records no longer compare with old ones; it is part of what a backup of the data directory
//! must keep.

use std::io::{Read, Write};
use std::path::Path;

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::model::Field;
use crate::store::{Result, StoreError};
use crate::verification::{PaymentFields, PaymentInput};

/// File name of the key inside the data directory.
pub const KEY_FILE: &str = "payment-hmac.key";
const KEY_LEN: usize = 32;

/// Reads the key, creating it (owner read/write only) if it does not exist yet.
pub(crate) fn load_or_create_key(data_dir: &Path) -> Result<[u8; KEY_LEN]> {
    let path = data_dir.join(KEY_FILE);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(&path) {
        Ok(mut file) => {
            let mut key = [0u8; KEY_LEN];
            rand::rng().fill_bytes(&mut key);
            file.write_all(&key)
                .and_then(|()| file.sync_all())
                .map_err(|e| StoreError::io(format!("cannot write {}", path.display()), e))?;
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let mut file = std::fs::File::open(&path)
                .map_err(|e| StoreError::io(format!("cannot read {}", path.display()), e))?;
            let mut key = Vec::with_capacity(KEY_LEN);
            file.read_to_end(&mut key)
                .map_err(|e| StoreError::io(format!("cannot read {}", path.display()), e))?;
            key.try_into().map_err(|k: Vec<u8>| {
                StoreError::Corrupt(format!(
                    "{} holds {} bytes, not a {KEY_LEN}-byte key",
                    path.display(),
                    k.len()
                ))
            })
        }
        Err(e) => Err(StoreError::io(format!("cannot create {}", path.display()), e)),
    }
}

fn digits(field: Field, label: &str, text: &str, min: usize, max: usize) -> Result<String> {
    let kept: String = text.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if kept.len() < min || kept.len() > max || !kept.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::invalid(format!(
            "{label} must be {min} to {max} digits (spaces and dashes allowed)"
        ))
        .at(field));
    }
    Ok(kept)
}

/// An ABA routing number: nine digits whose weighted sum (3, 7, 1) is a multiple of ten.
fn routing(text: &str) -> Result<String> {
    let n = digits(Field::RoutingNumber, "routing number", text, 9, 9)?;
    let sum: u32 =
        n.bytes().zip([3, 7, 1].iter().cycle()).map(|(b, w)| u32::from(b - b'0') * w).sum();
    if !sum.is_multiple_of(10) {
        return Err(StoreError::invalid(
            "routing number fails its ABA check digit: check for a typo",
        )
        .at(Field::RoutingNumber));
    }
    Ok(n)
}

/// `•` for every digit but the last four, and never more than half the digits shown (a
/// four-digit account shows two).
pub(crate) fn mask(number: &str) -> String {
    let shown = (number.len() / 2).min(4);
    let hidden = number.len() - shown;
    format!("{}{}", "•".repeat(hidden), number.get(hidden..).unwrap_or(""))
}

/// The masked, hashed form of typed bank details. The numbers themselves end here.
pub(crate) fn protect(input: &PaymentInput, key: &[u8]) -> Result<PaymentFields> {
    let routing = routing(&input.routing_number)?;
    let account = digits(Field::AccountNumber, "account number", &input.account_number, 4, 17)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|_| StoreError::Corrupt("the payment key has an unusable length".into()))?;
    // Versioned and separated, so a later scheme (IBAN, say) never collides with this one.
    mac.update(b"vetdesk-bank-account-v1\0");
    mac.update(routing.as_bytes());
    mac.update(b"\0");
    mac.update(account.trim_start_matches('0').as_bytes());
    Ok(PaymentFields {
        bank_name: input.bank_name.clone(),
        account_holder: input.account_holder.clone(),
        routing_masked: mask(&routing),
        account_masked: mask(&account),
        account_hash: hex::encode(mac.finalize().into_bytes()),
        note: input.note.clone(),
    })
}

/// A masked number as `protect` writes it: bullets, then at most four digits.
pub(crate) fn is_masked(text: &str) -> bool {
    let digits = text.trim_start_matches('•');
    digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit()) && text.starts_with('•')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(routing: &str, account: &str) -> PaymentInput {
        PaymentInput {
            routing_number: routing.into(),
            account_number: account.into(),
            ..PaymentInput::default()
        }
    }

    #[test]
    fn key_is_created_once_with_owner_only_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create_key(dir.path()).unwrap();
        let second = load_or_create_key(dir.path()).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join(KEY_FILE), b"short").unwrap();
        assert!(load_or_create_key(dir.path()).unwrap_err().to_string().contains("5 bytes"));
    }

    #[test]
    fn equal_accounts_hash_equal_under_one_key_and_differ_under_another() {
        let key = [7u8; 32];
        let a = protect(&input("021000021", "000123456789"), &key).unwrap();
        let b = protect(&input("0210-00021", "123 456 789"), &key).unwrap();
        assert_eq!(a.account_hash, b.account_hash, "leading zeros and spacing do not matter");
        assert_eq!(a.account_masked, "••••••••6789");
        assert_eq!(a.routing_masked, "•••••0021");
        assert!(is_masked(&a.account_masked) && is_masked(&a.routing_masked));
        let other_bank = protect(&input("011000015", "123456789"), &key).unwrap();
        assert_ne!(a.account_hash, other_bank.account_hash);
        let other_key = protect(&input("021000021", "123456789"), &[8u8; 32]).unwrap();
        assert_ne!(a.account_hash, other_key.account_hash);
        assert!(!a.account_hash.contains("123456789"));
        let short = protect(&input("021000021", "4321"), &key).unwrap();
        assert_eq!(short.account_masked, "••21");
        assert!(is_masked(&short.account_masked));
    }

    #[test]
    fn bad_numbers_are_refused_without_echoing_them() {
        let key = [1u8; 32];
        for (routing, account, expected) in [
            ("021000022", "123456", "ABA check digit"),
            ("02100002", "123456", "routing number must be 9"),
            ("021000021", "12a456", "account number must be 4 to 17"),
            ("021000021", "123", "account number must be 4 to 17"),
        ] {
            let err = protect(&input(routing, account), &key).unwrap_err().to_string();
            assert!(err.contains(expected), "{err}");
            assert!(!err.contains(account), "{err} echoes the number");
        }
        for text in ["123456789", "••••12345", "", "••••12a4"] {
            assert!(!is_masked(text), "{text}");
        }
    }
}
