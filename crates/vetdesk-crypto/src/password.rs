//! Switching passwords: on a shared desktop, an admin may require a password before a user is
//! chosen as the acting user in the app. Kept only as an Argon2id hash, in one line of text:
//! `argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt hex>$<hash hex>`, so that the cost
//! parameters travel with the hash and a later build with other defaults still checks it.

use crate::keys::random_array;
use crate::wrap::{KdfParams, KeyError, Passphrase};

const PREFIX: &str = "argon2id$v=19$";
const SALT_LEN: usize = 16;
const HASH_LEN: usize = 32;

/// Hashes `password` with a fresh salt. Refuses an empty password.
pub fn hash_password(password: &Passphrase, params: KdfParams) -> Result<String, KeyError> {
    if password.is_empty() {
        return Err(KeyError::EmptyPassphrase);
    }
    let salt: [u8; SALT_LEN] = random_array()?;
    let hash = derive(password, &params, &salt)?;
    Ok(format!(
        "{PREFIX}m={},t={},p={}${}${}",
        params.memory_kib,
        params.iterations,
        params.parallelism,
        hex::encode(salt),
        hex::encode(hash)
    ))
}

/// Whether `password` is the one `stored` was made from. A `stored` that is not such a hash,
/// or asks for more than the limits allow, is an error, never a match.
pub fn verify_password(stored: &str, password: &Passphrase) -> Result<bool, KeyError> {
    let (params, salt, expected) = parse(stored)?;
    let actual = derive(password, &params, &salt)?;
    // Constant time: every byte is compared whatever the first difference.
    let diff = actual.iter().zip(&expected).fold(0u8, |acc, (a, b)| acc | (a ^ b));
    Ok(diff == 0 && actual.len() == expected.len())
}

/// Whether `text` is a password hash this build can check (for refusing anything else before
/// it is stored).
pub fn is_password_hash(text: &str) -> bool {
    parse(text).is_ok_and(|(params, _, _)| params.argon2_for(HASH_LEN).is_ok())
}

fn malformed(reason: &str) -> KeyError {
    KeyError::Malformed { path: None, reason: format!("password hash: {reason}") }
}

fn parse(stored: &str) -> Result<(KdfParams, Vec<u8>, Vec<u8>), KeyError> {
    let rest = stored.strip_prefix(PREFIX).ok_or_else(|| malformed("not argon2id v19"))?;
    let mut parts = rest.split('$');
    let (Some(costs), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("expected costs, salt and hash"));
    };
    let mut params = KdfParams { memory_kib: 0, iterations: 0, parallelism: 0 };
    for cost in costs.split(',') {
        let (name, value) = cost.split_once('=').ok_or_else(|| malformed("bad cost"))?;
        let value: u32 = value.parse().map_err(|_| malformed("bad cost value"))?;
        match name {
            "m" => params.memory_kib = value,
            "t" => params.iterations = value,
            "p" => params.parallelism = value,
            _ => return Err(malformed("unknown cost")),
        }
    }
    let salt = hex::decode(salt).map_err(|_| malformed("salt is not hex"))?;
    let hash = hex::decode(hash).map_err(|_| malformed("hash is not hex"))?;
    if salt.len() != SALT_LEN || hash.len() != HASH_LEN {
        return Err(malformed("salt or hash of the wrong length"));
    }
    Ok((params, salt, hash))
}

fn derive(password: &Passphrase, params: &KdfParams, salt: &[u8]) -> Result<Vec<u8>, KeyError> {
    let mut out = vec![0u8; HASH_LEN];
    params
        .argon2_for(HASH_LEN)?
        .hash_password_into(&password.normalized(), salt, &mut out)
        .map_err(|e| KeyError::Kdf(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 };

    #[test]
    fn a_password_checks_against_its_hash_and_nothing_else_does() {
        let hash = hash_password(&Passphrase::new("correct horse"), FAST).unwrap();
        assert!(hash.starts_with("argon2id$v=19$m=1024,t=1,p=1$"), "{hash}");
        assert!(!hash.contains("correct"));
        assert!(verify_password(&hash, &Passphrase::new("correct horse")).unwrap());
        assert!(!verify_password(&hash, &Passphrase::new("correct horsE")).unwrap());
        // A fresh salt each time.
        assert_ne!(hash, hash_password(&Passphrase::new("correct horse"), FAST).unwrap());
        assert!(matches!(
            hash_password(&Passphrase::new(""), FAST),
            Err(KeyError::EmptyPassphrase)
        ));
    }

    #[test]
    fn malformed_or_greedy_hashes_are_errors_not_matches() {
        let good = hash_password(&Passphrase::new("pw"), FAST).unwrap();
        assert!(is_password_hash(&good));
        let greedy = good.replace("m=1024", "m=99999999");
        for bad in ["", "plain", "argon2id$v=19$m=1,t=1$00$00", &good[..good.len() - 2], &greedy] {
            assert!(!is_password_hash(bad), "{bad}");
            assert!(verify_password(bad, &Passphrase::new("pw")).is_err(), "{bad}");
        }
    }
}
