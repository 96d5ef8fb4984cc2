//! Personal values in audit records, sealed under the person's own key so that erasing them is
//! destroying that key ("crypto-shredding", docs/architecture.md "Retention and erasure").
//!
//! A record about a candidate (their global records, every record of their cases) is stored
//! with each personal field replaced by a sealed string, `sealed:v2:<candidate>:<base64url>`
//! (`vetdesk_crypto::seal`, AES-256-GCM, bound to the chain, position and field path; records
//! written before v2 hold `sealed:v1:<candidate>:<hex>`, read the same way). The
//! chain hashes what is stored, so a record stays verifiable when the key is gone; what it
//! held of the person then reads as the field's *placeholder*, the same value the erasure
//! writes into the tables, so that a replay of the log gives the erased state exactly.

use serde_json::{Value, json};
use vetdesk_crypto::PersonKey;

use crate::model::CandidateId;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// What a sealed string written now starts with: the sealed bytes follow the candidate as
/// unpadded base64url, a third shorter than the hex of v1 (most of an imported candidate's
/// audit record is sealed text).
pub const SEALED_PREFIX: &str = "sealed:v2:";

/// What a sealed string written before v2 starts with: the same bytes as hex.
pub const SEALED_PREFIX_V1: &str = "sealed:v1:";

/// How a sealed string's bytes are written, by its version.
enum Encoding {
    Hex,
    Base64,
}

impl Encoding {
    /// The encoding and the `<candidate>:<bytes>` rest of `text`, if it is a sealed string.
    fn of(text: &str) -> Option<(Self, &str)> {
        if let Some(rest) = text.strip_prefix(SEALED_PREFIX) {
            Some((Encoding::Base64, rest))
        } else {
            text.strip_prefix(SEALED_PREFIX_V1).map(|rest| (Encoding::Hex, rest))
        }
    }

    fn decode(&self, text: &str) -> Option<Vec<u8>> {
        match self {
            Encoding::Hex => hex::decode(text).ok(),
            Encoding::Base64 => URL_SAFE_NO_PAD.decode(text).ok(),
        }
    }
}

/// The text an erased value reads as, in records and tables.
pub const ERASED: &str = "[erased]";

/// The placeholder of a personal field, by its name in a change's JSON; `None` for a field
/// that is not personal (ids, dates of the case, statuses, who acted, rule ids). One list for
/// every change about a candidate: a name here means the same kind of value in every change.
pub fn placeholder(field: &str) -> Option<Value> {
    Some(match field {
        // free text and names: a required string
        "legal_name" | "text" | "original_name" | "number" | "holder_name" | "case_number"
        | "name" | "routing_masked" | "account_masked" | "ip" | "why" | "reason" | "detail"
        | "subject" | "file_name" => json!(ERASED),
        // lists of personal values
        "other_names" | "emails" | "phones" | "facts" | "accounts" => json!([]),
        // optional personal values
        "home_address" | "shipping_address" | "claimed_location" | "application_ip" | "note"
        | "description" | "birth_date" | "mrz" | "email" | "phone" | "company" | "bank_name"
        | "account_holder" | "override_reason" | "serial" | "hostname" => Value::Null,
        // a hash of a bank account number (guessable from a short number): 64 zeros
        "account_hash" => json!("0".repeat(64)),
        // a candidate's field as it was and as it became
        "before" | "after" => json!(""),
        _ => return None,
    })
}

/// What sealing needs: the person and their key.
pub struct Sealer<'a> {
    pub candidate: CandidateId,
    pub key: &'a PersonKey,
}

/// The associated data of one sealed field: where it sits, so a sealed value copied into
/// another record, field or person does not open.
fn aad(chain: &str, seq: i64, candidate: CandidateId, path: &str) -> Vec<u8> {
    format!("audit/{chain}/{seq}/{candidate}/{path}").into_bytes()
}

/// Seals every personal field of `change` (a record at `chain` #`seq`) in place. Absent
/// values (`null`) carry nothing and stay as they are.
pub fn seal_change(
    change: &mut Value,
    chain: &str,
    seq: i64,
    sealer: &Sealer<'_>,
) -> Result<(), vetdesk_crypto::FieldError> {
    walk(change, "", &mut |parent, field, value| {
        if value.is_null() || placeholder(field).is_none() {
            return Ok(false);
        }
        let plain = crate::chain::canonical_json(value);
        let sealed = vetdesk_crypto::seal(
            sealer.key,
            plain.as_bytes(),
            &aad(chain, seq, sealer.candidate, &path_of(parent, field)),
        )?;
        *value = Value::String(format!(
            "{SEALED_PREFIX}{}:{}",
            sealer.candidate,
            URL_SAFE_NO_PAD.encode(sealed)
        ));
        Ok(true)
    })
}

/// Replaces every personal field of `change` by its placeholder: a record about a person
/// already erased (a flag cleared on their case) holds nothing of them.
pub fn blank_change(change: &mut Value) {
    let _ = walk(change, "", &mut |_, field, value| match placeholder(field) {
        Some(stand_in) if !value.is_null() => {
            *value = stand_in;
            Ok(true)
        }
        _ => Ok(false),
    });
}

/// What opening a record found.
#[derive(Debug, Default)]
pub struct Opened {
    /// The candidates whose sealed values it holds.
    pub candidates: Vec<CandidateId>,
    /// Candidates whose key is gone: their values now read as placeholders.
    pub erased: Vec<CandidateId>,
    /// Sealed values that did not open although the key exists: edited or moved.
    pub broken: Vec<String>,
}

/// Opens every sealed field of `change` in place with the key `key_of` gives for its
/// candidate; a field whose key is gone, or that does not open, takes its placeholder.
pub fn open_change(
    change: &mut Value,
    chain: &str,
    seq: i64,
    key_of: &mut dyn FnMut(CandidateId) -> Option<std::sync::Arc<PersonKey>>,
) -> Opened {
    let mut opened = Opened::default();
    let _ = walk(change, "", &mut |parent, field, value| {
        let Some(text) = value.as_str() else { return Ok(false) };
        let Some((encoding, rest)) = Encoding::of(text) else { return Ok(false) };
        let path = path_of(parent, field);
        let Some(stand_in) = placeholder(field) else {
            opened.broken.push(format!("{path}: a sealed value where no personal field is"));
            return Ok(false);
        };
        let parsed = rest
            .split_once(':')
            .and_then(|(c, b)| Some((c.parse::<CandidateId>().ok()?, encoding.decode(b)?)));
        let Some((candidate, bytes)) = parsed else {
            opened.broken.push(format!("{path}: not a sealed value"));
            *value = stand_in;
            return Ok(true);
        };
        if !opened.candidates.contains(&candidate) {
            opened.candidates.push(candidate);
        }
        let Some(key) = key_of(candidate) else {
            if !opened.erased.contains(&candidate) {
                opened.erased.push(candidate);
            }
            *value = stand_in;
            return Ok(true);
        };
        let plain = vetdesk_crypto::open(&key, &bytes, &aad(chain, seq, candidate, &path))
            .ok()
            .and_then(|p| serde_json::from_slice::<Value>(&p).ok());
        match plain {
            Some(plain) => *value = plain,
            None => {
                opened.broken.push(format!(
                    "{path}: does not open with candidate {candidate}'s key (edited or moved)"
                ));
                *value = stand_in;
            }
        }
        Ok(true)
    });
    opened
}

/// `open_change` with one candidate's key given as hex (an audit pack carries it).
pub fn open_with_key_hex(
    change: &mut Value,
    chain: &str,
    seq: i64,
    candidate: CandidateId,
    key_hex: &str,
) -> Opened {
    let key = hex::decode(key_hex)
        .ok()
        .and_then(|b| <[u8; vetdesk_crypto::KEY_LEN]>::try_from(b.as_slice()).ok())
        .map(|b| std::sync::Arc::new(PersonKey::from_bytes(b)));
    open_change(change, chain, seq, &mut |c| if c == candidate { key.clone() } else { None })
}

/// Whether a stored change holds any sealed value.
pub fn is_sealed(text: &str) -> bool {
    text.contains(SEALED_PREFIX) || text.contains(SEALED_PREFIX_V1)
}

/// The path of `field` in the object at `parent` (`a.b.field`; `field` at the top).
fn path_of(parent: &str, field: &str) -> String {
    if parent.is_empty() { field.to_string() } else { format!("{parent}.{field}") }
}

/// Calls `each(parent, field, value)` on every field of every object, depth first, with the
/// path of the object holding it (the field's own path is `path_of(parent, field)`, made only
/// by the fields that need it); a field it rewrites (answers `true`) is not descended into.
fn walk(
    value: &mut Value,
    path: &str,
    each: &mut dyn FnMut(&str, &str, &mut Value) -> Result<bool, vetdesk_crypto::FieldError>,
) -> Result<(), vetdesk_crypto::FieldError> {
    match value {
        Value::Object(map) => {
            for (field, inner) in map.iter_mut() {
                if !each(path, field, inner)? && (inner.is_object() || inner.is_array()) {
                    walk(inner, &path_of(path, field), each)?;
                }
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter_mut().enumerate() {
                walk(inner, &format!("{path}.{i}"), each)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> PersonKey {
        PersonKey::from_bytes([7; 32])
    }

    #[test]
    fn sealed_fields_open_with_the_key_and_read_as_placeholders_without_it() {
        let original = json!({
            "type": "add_candidate", "id": 4,
            "candidate": {"legal_name": "Ana Diaz", "emails": ["ana@example.com"],
                          "home_address": null, "role": "Engineer"},
            "changes": [{"field": "legal_name", "before": "A", "after": "Ana Diaz"}]
        });
        let mut change = original.clone();
        let k = key();
        seal_change(&mut change, "global", 3, &Sealer { candidate: 4, key: &k }).unwrap();
        let text = change.to_string();
        assert!(!text.contains("Ana Diaz") && !text.contains("ana@example.com"), "{text}");
        assert!(text.contains("Engineer") && text.contains("\"home_address\":null"));

        let mut back = change.clone();
        let shared = std::sync::Arc::new(key());
        let opened = open_change(&mut back, "global", 3, &mut |_| Some(shared.clone()));
        assert_eq!(back, original);
        assert!(opened.broken.is_empty() && opened.erased.is_empty());

        // Moved to another position: does not open.
        let mut moved = change.clone();
        let opened = open_change(&mut moved, "global", 4, &mut |_| Some(shared.clone()));
        // legal_name, emails, before and after
        assert_eq!(opened.broken.len(), 4);

        // The key destroyed: placeholders.
        let mut erased = change;
        let opened = open_change(&mut erased, "global", 3, &mut |_| None);
        assert_eq!(opened.erased, vec![4]);
        assert_eq!(erased["candidate"]["legal_name"], ERASED);
        assert_eq!(erased["candidate"]["emails"], json!([]));
        assert_eq!(erased["changes"][0]["after"], "");
    }

    #[test]
    fn values_sealed_as_hex_by_an_earlier_version_still_open_and_new_ones_are_shorter() {
        let k = key();
        let plain = json!("12 Oak St, Springfield, IL 62701");
        let aad = aad("case:7", 2, 4, "candidate.home_address");
        let bytes = vetdesk_crypto::seal(&k, plain.to_string().as_bytes(), &aad).unwrap();
        let v1 = format!("{SEALED_PREFIX_V1}4:{}", hex::encode(&bytes));
        let mut change = json!({"type": "update_candidate", "candidate": {"home_address": v1}});
        assert!(is_sealed(&change.to_string()));
        let shared = std::sync::Arc::new(key());
        let opened = open_change(&mut change, "case:7", 2, &mut |_| Some(shared.clone()));
        assert!(opened.broken.is_empty(), "{:?}", opened.broken);
        assert_eq!(change["candidate"]["home_address"], plain);

        // Written now: v2, and shorter than the same bytes as hex.
        let mut again = json!({"candidate": {"home_address": plain}});
        seal_change(&mut again, "case:7", 2, &Sealer { candidate: 4, key: &k }).unwrap();
        let v2 = again["candidate"]["home_address"].as_str().unwrap().to_string();
        assert!(v2.starts_with("sealed:v2:4:"), "{v2}");
        assert!(v2.len() * 4 < v1.len() * 3 + 40, "{} against {}", v2.len(), v1.len());

        // A v2 tail that is not base64url is broken, not opened or ignored.
        let mut bad = json!({"candidate": {"home_address": format!("{SEALED_PREFIX}4:%%%")}});
        let opened = open_change(&mut bad, "case:7", 2, &mut |_| Some(shared.clone()));
        assert_eq!(opened.broken.len(), 1);
        assert_eq!(bad["candidate"]["home_address"], Value::Null);
    }
}
