//! The SHA-256 that names a stored evidence file. Only this validated type is ever turned into
//! a path inside the data directory, so no string from outside (a database row, an IPC
//! argument, a URL) can smuggle `../` or an absolute path into the store.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// 32 bytes of SHA-256, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Sha256Hex([u8; 32]);

/// A string that is not 64 lowercase hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a SHA-256 (64 lowercase hex digits): {given} ({reason})")]
pub struct InvalidSha256 {
    /// The offending text, shortened and with control characters escaped, fit for a message.
    pub given: String,
    pub reason: String,
}

impl Sha256Hex {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Sha256Hex(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first two hex digits: the shard directory under `evidence/` and `thumbs/`.
    pub fn shard(&self) -> String {
        format!("{:02x}", self.0[0])
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl FromStr for Sha256Hex {
    type Err = InvalidSha256;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |reason: String| InvalidSha256 { given: shown(s), reason };
        if s.len() != 64 {
            return Err(fail(format!("{} characters, expected 64", s.chars().count())));
        }
        if let Some(bad) = s.chars().find(|c| !matches!(c, '0'..='9' | 'a'..='f')) {
            let reason = if bad.is_ascii_hexdigit() {
                "upper-case hex digits are not accepted; the store names files in lower case"
                    .to_string()
            } else {
                format!("{bad:?} is not a hex digit")
            };
            return Err(fail(reason));
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(s, &mut bytes).map_err(|e| fail(e.to_string()))?;
        Ok(Sha256Hex(bytes))
    }
}

impl TryFrom<String> for Sha256Hex {
    type Error = InvalidSha256;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Sha256Hex> for String {
    fn from(h: Sha256Hex) -> String {
        h.to_hex()
    }
}

impl fmt::Display for Sha256Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Sha256Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sha256Hex({self})")
    }
}

/// Text from outside made safe to print: at most 80 characters, control characters escaped.
fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(80).flat_map(char::escape_debug).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    format!("\"{out}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_64_lowercase_hex_digits() {
        let good = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let traversal = format!("{}etc/passwd", "../".repeat(18));
        // (input, expected error reason fragment, or None when valid)
        let rows: Vec<(String, Option<&str>)> = vec![
            (good.to_string(), None),
            (String::new(), Some("0 characters")),
            ("/etc/passwd".to_string(), Some("11 characters")),
            (good.to_uppercase(), Some("upper-case")),
            (traversal, Some("'.' is not a hex digit")),
            (format!("{}g", &good[..63]), Some("'g' is not a hex digit")),
            (format!("é{}", &good[2..]), Some("'é' is not a hex digit")),
            (format!("{}\n", &good[..63]), Some("'\\n' is not a hex digit")),
        ];
        for (input, want) in &rows {
            match (input.parse::<Sha256Hex>(), want) {
                (Ok(h), None) => assert_eq!(&h.to_string(), input),
                (Err(e), Some(fragment)) => {
                    assert!(e.to_string().contains(fragment), "{input:?}: {e}")
                }
                (got, want) => panic!("{input:?}: got {got:?}, wanted {want:?}"),
            }
        }
    }

    #[test]
    fn shard_is_the_first_two_digits_and_serde_round_trips() {
        let h: Sha256Hex = "0a".repeat(32).parse().unwrap();
        assert_eq!(h.shard(), "0a");
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(json, format!("\"{}\"", "0a".repeat(32)));
        assert_eq!(serde_json::from_str::<Sha256Hex>(&json).unwrap(), h);
        assert!(serde_json::from_str::<Sha256Hex>("\"../x\"").is_err());
    }
}
