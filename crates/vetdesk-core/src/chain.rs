//! The audit chain's rule over plain values: canonical JSON, the hash of one record, and the
//! check of a chain read back as text. The store writes and `verify` checks with it, and an
//! audit pack's verifier re-checks `audit.jsonl` with it: one rule, so a record can be checked
//! from its text alone, exactly as an auditor's own script would.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::model::{Chain, GENESIS_HASH, Timestamp};

/// The text form of a chain in the database and in hashed content.
pub fn chain_key(chain: Chain) -> String {
    match chain {
        Chain::Global => "global".to_string(),
        Chain::Case(id) => format!("case:{id}"),
    }
}

/// The chain a stored key names, if it is that chain's one canonical key. Strict on purpose:
/// `case:01`, `case:+1` or `case: 1` would parse as case 1 under a lenient reader while being
/// grouped, stored and shown as another chain, so a record kept under such a key could hide
/// in a shadow chain that no view reads. Only the text `chain_key` writes comes back.
pub fn parse_chain_key(text: &str) -> Option<Chain> {
    if text == "global" {
        return Some(Chain::Global);
    }
    let digits = text.strip_prefix("case:")?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if !canonical {
        return None;
    }
    let chain = Chain::Case(digits.parse().ok()?);
    (chain_key(chain) == text).then_some(chain)
}

/// Canonical JSON: object keys sorted, no whitespace, serde_json's escaping and number forms.
/// Written by hand rather than relying on `serde_json::Map` ordering, which changes when any
/// crate in the build enables serde_json's `preserve_order` feature.
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::with_capacity(256);
    write_canonical(value, &mut out);
    // serde_json writes UTF-8 only; the lossy branch is never taken.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes `value` as canonical JSON into `out`: scalars and keys as serde_json writes them
/// (`Value`'s `Display` is the same writer), straight into the buffer.
fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => {
            // Writing into a `Vec` cannot fail.
            let _ = serde_json::to_writer(&mut *out, value);
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // Keys of an object are unique: an unstable sort gives the one order.
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let _ = serde_json::to_writer(&mut *out, key.as_str());
                out.push(b':');
                write_canonical(item, out);
            }
            out.push(b'}');
        }
    }
}

/// The hash rule: SHA-256 over the canonical JSON of `{actor, at, chain, change, prev_hash,
/// seq}` (keys sorted, no whitespace, strings with JSON escapes only for `"`, `\` and control
/// characters), as lowercase hex. `chain` and `at` are the stored texts (`case:7`,
/// `2026-11-24T10:00:00.000Z`).
pub fn hash(
    chain: &str,
    seq: i64,
    at: &str,
    actor: &str,
    change: &Value,
    prev_hash: &str,
) -> String {
    let content = json!({
        "actor": actor,
        "at": at,
        "chain": chain,
        "change": change,
        "prev_hash": prev_hash,
        "seq": seq,
    });
    hex::encode(Sha256::digest(canonical_json(&content).as_bytes()))
}

/// `hash`, given the change already in canonical JSON (as the store keeps it): the same bytes
/// hashed, without copying the change into a new object and writing it out a second time.
/// The keys are written in their sorted order, as `canonical_json` would put them.
pub fn hash_of_canonical(
    chain: &str,
    seq: i64,
    at: &str,
    actor: &str,
    change: &str,
    prev_hash: &str,
) -> String {
    // The same bytes as `canonical_json` of the object, fed to the hash piece by piece.
    let mut hasher = Sha256::new();
    let mut text = Vec::with_capacity(96);
    let mut field = |name: &[u8], value: &str, hasher: &mut Sha256| {
        hasher.update(name);
        text.clear();
        let _ = serde_json::to_writer(&mut text, value);
        hasher.update(&text);
    };
    field(b"{\"actor\":", actor, &mut hasher);
    field(b",\"at\":", at, &mut hasher);
    field(b",\"chain\":", chain, &mut hasher);
    hasher.update(b",\"change\":");
    hasher.update(change.as_bytes());
    field(b",\"prev_hash\":", prev_hash, &mut hasher);
    hasher.update(b",\"seq\":");
    hasher.update(seq.to_string().as_bytes());
    hasher.update(b"}");
    hex::encode(hasher.finalize())
}

/// The ledger's rule: every record appended to any chain also gets the next entry of one
/// store-wide list, `{chain, hash, n, prev, seq}` hashed like a record (SHA-256 of canonical
/// JSON, `prev` the entry before it, the genesis hash first). The list fixes how long every
/// chain was and in what order records were written: removing the tail of a case chain, a
/// whole chain, or slipping a record into the global chain leaves entries that name records
/// no longer there (or a record no entry names). Its last hash is the store's *root*, the
/// value reports, packs and signed checkpoints carry.
pub fn ledger_hash(n: i64, chain: &str, seq: i64, record_hash: &str, prev: &str) -> String {
    // The canonical JSON of `{chain, hash, n, prev, seq}` (keys in their sorted order), written
    // straight into one buffer.
    let mut content = Vec::with_capacity(192);
    let text = |name: &[u8], value: &str, out: &mut Vec<u8>| {
        out.extend_from_slice(name);
        let _ = serde_json::to_writer(&mut *out, value);
    };
    text(b"{\"chain\":", chain, &mut content);
    text(b",\"hash\":", record_hash, &mut content);
    content.extend_from_slice(format!(",\"n\":{n}").as_bytes());
    text(b",\"prev\":", prev, &mut content);
    content.extend_from_slice(format!(",\"seq\":{seq}}}").as_bytes());
    hex::encode(Sha256::digest(&content))
}

/// One ledger entry as stored and as an audit pack carries it (`ledger.jsonl`, one per line):
/// which record of which chain it names, and the hash that links it to the entry before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LedgerEntry {
    #[ts(type = "number")]
    pub n: i64,
    pub chain: String,
    #[ts(type = "number")]
    pub seq: i64,
    /// The hash of the record it names.
    pub record_hash: String,
    pub prev: String,
    pub hash: String,
}

impl LedgerEntry {
    /// Whether `hash` is what [`ledger_hash`] gives for the entry's own fields.
    pub fn hash_holds(&self) -> bool {
        ledger_hash(self.n, &self.chain, self.seq, &self.record_hash, &self.prev) == self.hash
    }
}

/// One audit record exactly as stored: the texts the hash was computed over, untouched, so
/// that an export of them can be re-hashed by anyone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StoredAuditRecord {
    pub id: i64,
    /// `global` or `case:<id>`.
    pub chain: String,
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// The change as canonical JSON text.
    pub change: String,
    pub prev_hash: String,
    pub hash: String,
}

/// One record as read back: the fields its hash covers, and the hash it claims.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainRecord {
    pub id: i64,
    pub chain: String,
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub change: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// What a chain that checks out ends in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainHead {
    /// `case:<id>` (or `global`); `None` for an empty chain.
    pub chain: Option<String>,
    pub records: u64,
    /// The last record's hash, or the genesis hash for an empty chain.
    pub head: String,
}

/// Where and why a chain does not check out. `line` counts from 1 (a record of a stored
/// chain, or a line of `audit.jsonl`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("record {line}: {message}")]
pub struct ChainBreak {
    pub line: usize,
    pub message: String,
}

/// The hash `r`'s content gives under the rule (what its `hash` should be).
pub fn record_hash(r: &ChainRecord) -> String {
    hash(&r.chain, r.seq, &r.at, &r.actor, &r.change, &r.prev_hash)
}

impl ChainRecord {
    /// A stored record, whose change text must be canonical JSON (the store writes nothing
    /// else; other text means it was edited behind the store's back).
    pub fn from_stored(r: &StoredAuditRecord) -> Result<ChainRecord, String> {
        let change: Value = serde_json::from_str(&r.change)
            .map_err(|e| format!("its change is not valid JSON ({e})"))?;
        if canonical_json(&change) != r.change {
            return Err("its change is not stored in canonical form".into());
        }
        Ok(ChainRecord {
            id: r.id,
            chain: r.chain.clone(),
            seq: r.seq,
            at: r.at.clone(),
            actor: r.actor.clone(),
            change,
            prev_hash: r.prev_hash.clone(),
            hash: r.hash.clone(),
        })
    }

    /// One line of `audit.jsonl`.
    pub fn from_line(line: &str) -> Result<ChainRecord, String> {
        let value: Value =
            serde_json::from_str(line).map_err(|e| format!("not a JSON object ({e})"))?;
        let Value::Object(map) = value else {
            return Err("not a JSON object".into());
        };
        let text = |key: &str| -> Result<String, String> {
            map.get(key)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("field {key:?} is missing or not a string"))
        };
        let int = |key: &str| -> Result<i64, String> {
            map.get(key)
                .and_then(Value::as_i64)
                .ok_or_else(|| format!("field {key:?} is missing or not an integer"))
        };
        Ok(ChainRecord {
            id: int("id")?,
            chain: text("chain")?,
            seq: int("seq")?,
            at: text("at")?,
            actor: text("actor")?,
            change: map
                .get("change")
                .cloned()
                .ok_or_else(|| "field \"change\" is missing".to_string())?,
            prev_hash: text("prev_hash")?,
            hash: text("hash")?,
        })
    }

    /// The record as one line of `audit.jsonl` (canonical JSON, without the newline).
    pub fn to_line(&self) -> String {
        canonical_json(&json!({
            "id": self.id,
            "chain": self.chain,
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "change": self.change,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }))
    }
}

/// Checks records in order: one chain under its canonical key, positions 1, 2, 3 …, times
/// that never go back, each linked to the hash before it (the genesis hash first) and each
/// hash recomputed. Stops at the first break, since
/// every hash after a break is suspect too.
pub fn check<I>(records: I) -> Result<ChainHead, ChainBreak>
where
    I: IntoIterator<Item = Result<ChainRecord, String>>,
{
    let mut head = ChainHead { chain: None, records: 0, head: GENESIS_HASH.to_string() };
    let mut last_at: Option<Timestamp> = None;
    for (i, record) in records.into_iter().enumerate() {
        let line = i + 1;
        let fail = |message: String| ChainBreak { line, message };
        let r = record.map_err(fail)?;
        if parse_chain_key(&r.chain).is_none() {
            return Err(fail(format!("its chain {:?} is not a canonical chain key", r.chain)));
        }
        let at: Timestamp =
            r.at.parse().map_err(|e| fail(format!("its time {:?} does not parse: {e}", r.at)))?;
        if let Some(before) = last_at.filter(|before| at < *before) {
            return Err(fail(format!(
                "its time {at} is earlier than the record before it ({before}): times never go back within a chain"
            )));
        }
        last_at = Some(at);
        match &head.chain {
            None => head.chain = Some(r.chain.clone()),
            Some(chain) if *chain != r.chain => {
                return Err(fail(format!(
                    "belongs to chain {:?}, the records before it to {chain:?}",
                    r.chain
                )));
            }
            Some(_) => {}
        }
        if r.seq != line as i64 {
            return Err(fail(format!(
                "has position {} where {line} was expected (a record is missing or out of order)",
                r.seq
            )));
        }
        if r.prev_hash != head.head {
            return Err(fail(format!(
                "names {} as the hash before it, but that is {}",
                r.prev_hash, head.head
            )));
        }
        let actual = record_hash(&r);
        if actual != r.hash {
            return Err(fail(format!(
                "its content hashes to {actual}, not to the {} it records (the record was edited)",
                r.hash
            )));
        }
        head.records += 1;
        head.head = r.hash;
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_of_a_canonical_change_is_the_hash_of_the_change() {
        let change = json!({"kind": "add_note", "text": "quote \" slash \\ tab \t é ✓", "n": [1, 2.5, null], "b": {"z": true, "a": false}});
        for (actor, prev) in [("ana", GENESIS_HASH), ("o\"brien\n", "ab")] {
            let whole = hash("case:7", 3, "2026-11-24T10:00:00.000Z", actor, &change, prev);
            let given = hash_of_canonical(
                "case:7",
                3,
                "2026-11-24T10:00:00.000Z",
                actor,
                &canonical_json(&change),
                prev,
            );
            assert_eq!(given, whole);
        }
        // A different change is a different hash (the test can fail).
        let other =
            hash_of_canonical("case:7", 3, "2026-11-24T10:00:00.000Z", "ana", "{}", GENESIS_HASH);
        assert_ne!(
            other,
            hash("case:7", 3, "2026-11-24T10:00:00.000Z", "ana", &change, GENESIS_HASH)
        );
    }

    #[test]
    fn the_ledger_hash_is_that_of_its_canonical_object() {
        for (n, chain, seq, record, prev) in
            [(1, "global", 1, "ab", GENESIS_HASH), (987_654_321, "case:7\"\n", -3, "é ✓", "")]
        {
            let content = json!({"chain": chain, "hash": record, "n": n, "prev": prev, "seq": seq});
            let whole = hex::encode(Sha256::digest(canonical_json(&content).as_bytes()));
            assert_eq!(ledger_hash(n, chain, seq, record, prev), whole);
        }
        assert_ne!(ledger_hash(1, "global", 1, "ab", ""), ledger_hash(2, "global", 1, "ab", ""));
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth_and_escapes_as_serde_json() {
        let value =
            json!({"z": [{"b": 1, "a": "\u{1}\"\\"}, 2.5, null], "a": {"y": true, "x": "é"}});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":{"x":"é","y":true},"z":[{"a":"\u0001\"\\","b":1},2.5,null]}"#
        );
    }

    fn stored(seq: i64, prev: &str, change: Value) -> StoredAuditRecord {
        let at: Timestamp = "2026-11-24T10:00:00.000Z".parse().unwrap();
        let hash = hash("case:7", seq, &at.to_string(), "ana", &change, prev);
        StoredAuditRecord {
            id: seq + 100,
            chain: "case:7".into(),
            seq,
            at: at.to_string(),
            actor: "ana".into(),
            change: canonical_json(&change),
            prev_hash: prev.into(),
            hash,
        }
    }

    fn chain_of(n: i64) -> Vec<StoredAuditRecord> {
        let mut out: Vec<StoredAuditRecord> = Vec::new();
        for seq in 1..=n {
            let prev = out.last().map_or(GENESIS_HASH.to_string(), |r| r.hash.clone());
            let change = json!({"type": "add_note", "text": format!("Zoë «{seq}» \"q\" \\ \t\u{1}"), "id": seq});
            out.push(stored(seq, &prev, change));
        }
        out
    }

    /// The rule is pinned: a record hashed today must hash the same in every later version,
    /// or every chain written before would stop verifying.
    #[test]
    fn the_rule_gives_the_hash_it_always_gave() {
        let change =
            json!({"type": "add_note", "text": "Zoë «1» \"q\" \\ \t\u{1}", "id": 1, "case_id": 7});
        let at = "2026-11-24T10:00:00.000Z";
        assert_eq!(
            hash("case:7", 1, at, "ana", &change, GENESIS_HASH),
            "79364ee53ddbf4a6b49076bc7e947dc59fdacc5ef48547fb9280f91bf254dc29"
        );
    }

    /// The ledger rule is pinned like the record rule: roots printed today must recompute.
    #[test]
    fn the_ledger_rule_is_pinned_and_covers_every_field() {
        let h = "a".repeat(64);
        let base = ledger_hash(1, "case:7", 1, &h, GENESIS_HASH);
        assert_eq!(base, ledger_hash(1, "case:7", 1, &h, GENESIS_HASH));
        for other in [
            ledger_hash(2, "case:7", 1, &h, GENESIS_HASH),
            ledger_hash(1, "case:8", 1, &h, GENESIS_HASH),
            ledger_hash(1, "case:7", 2, &h, GENESIS_HASH),
            ledger_hash(1, "case:7", 1, &"b".repeat(64), GENESIS_HASH),
            ledger_hash(1, "case:7", 1, &h, &h),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth_and_has_no_whitespace() {
        let value = json!({"b": 1, "a": {"d": [true, null, "x\"y"], "c": -2}});
        assert_eq!(canonical_json(&value), r#"{"a":{"c":-2,"d":[true,null,"x\"y"]},"b":1}"#);
    }

    #[test]
    fn the_hash_covers_every_field() {
        let change = json!({"type": "add_note", "text": "hello"});
        let at = "2026-11-24T10:00:00.000Z";
        let base = hash("case:1", 1, at, "ana", &change, GENESIS_HASH);
        let variants = [
            hash("case:2", 1, at, "ana", &change, GENESIS_HASH),
            hash("global", 1, at, "ana", &change, GENESIS_HASH),
            hash("case:1", 2, at, "ana", &change, GENESIS_HASH),
            hash("case:1", 1, "2026-11-24T10:00:00.001Z", "ana", &change, GENESIS_HASH),
            hash("case:1", 1, at, "bob", &change, GENESIS_HASH),
            hash(
                "case:1",
                1,
                at,
                "ana",
                &json!({"type": "add_note", "text": "hellO"}),
                GENESIS_HASH,
            ),
            hash("case:1", 1, at, "ana", &change, &"1".repeat(64)),
        ];
        for (i, other) in variants.iter().enumerate() {
            assert_ne!(&base, other, "variant {i} must change the hash");
        }
        assert_eq!(base.len(), 64);
    }

    #[test]
    fn chain_keys_round_trip() {
        for chain in [Chain::Global, Chain::Case(1), Chain::Case(987654)] {
            assert_eq!(parse_chain_key(&chain_key(chain)), Some(chain));
        }
        for bad in [
            "",
            "case:",
            "case:x",
            "Global",
            "case:1 ",
            "case:01",
            "case:+1",
            "case:-1",
            "case:0",
            " case:1",
            "case: 1",
            "case:1e0",
            "case:99999999999999999999",
        ] {
            assert_eq!(parse_chain_key(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_chain_of_records_checks_out_and_lines_round_trip() {
        let records = chain_of(3);
        let head = check(records.iter().map(ChainRecord::from_stored)).unwrap();
        assert_eq!(head.records, 3);
        assert_eq!(head.head, records[2].hash);
        assert_eq!(head.chain.as_deref(), Some("case:7"));
        for r in &records {
            let line = ChainRecord::from_stored(r).unwrap().to_line();
            assert!(!line.contains('\n'));
            let back = ChainRecord::from_line(&line).unwrap();
            assert_eq!(back, ChainRecord::from_stored(r).unwrap());
        }
        let empty = check(std::iter::empty()).unwrap();
        assert_eq!((empty.records, empty.head.as_str()), (0, GENESIS_HASH));
    }

    #[test]
    fn each_kind_of_break_is_found_at_its_record() {
        type Edit = fn(&mut Vec<StoredAuditRecord>);
        // (what was done, edit, record the break is reported at, words in the message)
        let rows: Vec<(&str, Edit, usize, &str)> = vec![
            ("text edited", |r| r[1].change = r[1].change.replace("Zoë", "Zoe"), 2, "edited"),
            ("actor edited", |r| r[2].actor = "bob".into(), 3, "edited"),
            ("time edited", |r| r[0].at = "2026-11-24T10:00:00.001Z".into(), 1, "edited"),
            ("record removed", |r| drop(r.remove(1)), 2, "position 3 where 2"),
            ("records swapped", |r| r.swap(0, 1), 1, "position 2 where 1"),
            ("link broken", |r| r[2].prev_hash = "0".repeat(64), 3, "hash before it"),
            ("not canonical", |r| r[1].change = format!(" {}", r[1].change), 2, "canonical"),
            ("not JSON", |r| r[1].change = "{".into(), 2, "not valid JSON"),
            ("other chain", |r| r[1].chain = "case:8".into(), 2, "chain"),
            ("shadow key", |r| r[0].chain = "case:07".into(), 1, "canonical chain key"),
            (
                "time back",
                |r| r[2].at = "2026-11-24T09:59:59.999Z".into(),
                3,
                "times never go back",
            ),
            ("time garbled", |r| r[1].at = "yesterday".into(), 2, "does not parse"),
        ];
        for (what, edit, line, words) in rows {
            let mut records = chain_of(3);
            edit(&mut records);
            let err = check(records.iter().map(ChainRecord::from_stored)).unwrap_err();
            assert_eq!(err.line, line, "{what}: {err}");
            assert!(err.message.contains(words), "{what}: {err}");
        }
    }

    #[test]
    fn bad_lines_are_named() {
        for (line, words) in [
            ("", "not a JSON object"),
            ("[1]", "not a JSON object"),
            (r#"{"id":1}"#, "\"chain\""),
            (r#"{"id":"1","chain":"case:1"}"#, "\"id\""),
        ] {
            let err = ChainRecord::from_line(line).unwrap_err();
            assert!(err.contains(words), "{line:?}: {err}");
        }
    }
}
