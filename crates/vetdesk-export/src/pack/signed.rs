//! A pack's signature: `checkpoint.json` (the organisation's newest signed checkpoint when the
//! pack was made) and `ledger.jsonl` (the ledger entries from the case's first record to that
//! checkpoint). The checkpoint signs the store's root after N ledger entries; the entries,
//! each hashed over the one before it, lead from the case's records to that root. So a record
//! of `audit.jsonl` that was changed, dropped or added after signing no longer meets the
//! ledger, and a ledger rewritten to match no longer ends at the signed root. Whoever made the
//! pack cannot forge either without the organisation's private key. Checked on any machine
//! that has only the public key (`verify-pack --trusted-key`).

use std::io::{self, BufRead};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{CHECKPOINT, LEDGER};
use vetdesk_core::chain::LedgerEntry;
use vetdesk_core::checkpoint::SignedCheckpoint;
use vetdesk_core::model::Timestamp;

/// A ledger line is about 350 bytes; anything far longer is not one.
const MAX_LINE: usize = 4096;
/// Problems of one kind named before the rest are only counted.
const MAX_NAMED: usize = 5;

/// What a pack's signature covers, when it checks out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PackSignature {
    pub fingerprint: String,
    pub public_key: String,
    pub at: Timestamp,
    /// The ledger entries the signed root covers.
    #[ts(type = "number")]
    pub entries: i64,
    pub root: String,
    /// How many of the case's records (the first ones) the signature covers.
    #[ts(type = "number")]
    pub covers_records: u64,
    /// Whether the signing key is the one given as trusted (`false`: no key was given, and
    /// the signature proves only that the pack agrees with itself).
    pub trusted: bool,
}

/// `ledger.jsonl` read line by line: only the links are kept, and the entries of one chain.
#[derive(Default)]
pub(crate) struct LedgerRead {
    /// `(n, hash)` of the first and the last entry.
    first: Option<(i64, String)>,
    last: Option<(i64, String)>,
    /// `(n, seq, record hash)` of each entry of the case's chain.
    case_entries: Vec<(i64, i64, String)>,
    problems: Vec<String>,
    more_problems: usize,
}

impl LedgerRead {
    fn problem(&mut self, message: String) {
        if self.problems.len() < MAX_NAMED {
            self.problems.push(message);
        } else {
            self.more_problems += 1;
        }
    }

    /// Reads the whole member; `chain` is the case's chain key (`audit.jsonl` is read first).
    pub(crate) fn read(reader: &mut impl BufRead, chain: Option<&str>) -> LedgerRead {
        let mut out = LedgerRead::default();
        let Some(chain) = chain else {
            out.problem("cannot be checked without a verified audit.jsonl before it".into());
            return out;
        };
        let mut line = Vec::with_capacity(512);
        let mut number = 0usize;
        loop {
            line.clear();
            match read_bounded_line(reader, &mut line) {
                Ok(Line::End) => break,
                Ok(Line::TooLong) => {
                    out.problem(format!(
                        "line {} is longer than {MAX_LINE} bytes: not a ledger entry",
                        number + 1
                    ));
                    return out;
                }
                Ok(Line::Read) => number += 1,
                // The caller names an unreadable member from the bytes it hashed.
                Err(_) => return out,
            }
            let entry = match serde_json::from_slice::<LedgerEntry>(&line) {
                Ok(e) => e,
                Err(e) => {
                    out.problem(format!("line {number} is not a ledger entry ({e})"));
                    continue;
                }
            };
            out.entry(number, entry, chain);
        }
        if out.first.is_none() && out.problems.is_empty() {
            out.problem("holds no entries".into());
        }
        out
    }

    fn entry(&mut self, line: usize, e: LedgerEntry, chain: &str) {
        if !e.hash_holds() {
            self.problem(format!(
                "line {line}: entry {} does not hash to the {} it claims (edited)",
                e.n, e.hash
            ));
        }
        match self.last.take() {
            None => self.first = Some((e.n, e.hash.clone())),
            Some((n, hash)) => {
                if e.n != n + 1 {
                    self.problem(format!("line {line}: entry {} follows entry {n}", e.n));
                }
                if e.prev != hash {
                    self.problem(format!(
                        "line {line}: entry {} does not link to the entry before it",
                        e.n
                    ));
                }
            }
        }
        if e.chain == chain {
            self.case_entries.push((e.n, e.seq, e.record_hash));
        }
        self.last = Some((e.n, e.hash));
    }
}

enum Line {
    Read,
    End,
    TooLong,
}

/// One line without its `\n`, never holding more than [`MAX_LINE`] bytes.
fn read_bounded_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<Line> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(if line.is_empty() { Line::End } else { Line::Read });
        }
        let (take, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(at) => (at, true),
            None => (buf.len(), false),
        };
        if line.len() + take > MAX_LINE {
            return Ok(Line::TooLong);
        }
        line.extend_from_slice(&buf[..take]);
        reader.consume(if done { take + 1 } else { take });
        if done {
            return Ok(Line::Read);
        }
    }
}

/// Checks the signature members against each other and against the case's records (their
/// hashes, in order, from a verified `audit.jsonl`). Returns what the signature covers, when
/// it holds, and the problems as `(member, message)`.
pub(crate) fn check(
    checkpoint: Option<Result<SignedCheckpoint, String>>,
    ledger: Option<LedgerRead>,
    records: &[String],
    trusted: Option<&str>,
) -> (Option<Box<PackSignature>>, Vec<(&'static str, String)>) {
    let mut problems = Vec::new();
    let checkpoint = match (checkpoint, trusted) {
        (None, None) => {
            if ledger.is_some() {
                problems.push((CHECKPOINT, "missing beside ledger.jsonl (removed)".into()));
            }
            return (None, problems);
        }
        (None, Some(_)) => {
            problems.push((
                CHECKPOINT,
                "missing: the pack carries no signed checkpoint, so nothing in it is signed by \
                 the trusted key"
                    .into(),
            ));
            return (None, problems);
        }
        (Some(Err(why)), _) => {
            problems.push((CHECKPOINT, why));
            return (None, problems);
        }
        (Some(Ok(c)), _) => c,
    };
    if let Err(e) = checkpoint.check(trusted) {
        problems.push((CHECKPOINT, e.to_string()));
    }
    let Some(ledger) = ledger else {
        problems.push((LEDGER, "missing beside checkpoint.json (removed)".into()));
        return (None, problems);
    };
    for p in &ledger.problems {
        problems.push((LEDGER, p.clone()));
    }
    if ledger.more_problems > 0 {
        problems.push((LEDGER, format!("and {} more problem(s) like these", ledger.more_problems)));
    }
    match &ledger.last {
        Some((n, hash)) if *n == checkpoint.entries && *hash == checkpoint.root => {}
        Some((n, hash)) => problems.push((
            LEDGER,
            format!(
                "ends at entry {n} with hash {hash}, not at the signed root {} after {} entries \
                 (the ledger or the records it names were rewritten)",
                checkpoint.root, checkpoint.entries
            ),
        )),
        None => {}
    }
    // The case's entries: its records 1..k, each with the hash audit.jsonl recomputes.
    let mut covered = 0u64;
    for (i, (n, seq, hash)) in ledger.case_entries.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if *seq != expected_seq {
            problems.push((
                LEDGER,
                format!(
                    "entry {n} names record {seq} of the case, record {expected_seq} was expected \
                     (records removed or added)"
                ),
            ));
            break;
        }
        match records.get(i) {
            None => {
                problems.push((
                    LEDGER,
                    format!(
                        "entry {n} names record {seq} of the case, which audit.jsonl does not hold \
                         (records removed)"
                    ),
                ));
                break;
            }
            Some(recorded) if recorded != hash => {
                problems.push((
                    LEDGER,
                    format!(
                        "entry {n} names record {seq} with hash {hash}, audit.jsonl's record {seq} \
                         hashes to {recorded} (the record was changed after signing)"
                    ),
                ));
                break;
            }
            Some(_) => covered += 1,
        }
    }
    if ledger.case_entries.is_empty() {
        problems.push((LEDGER, "names no record of the case".into()));
    } else if ledger.first.as_ref().map(|(n, _)| *n) != ledger.case_entries.first().map(|e| e.0) {
        // Vetdesk starts the extract at the case's first record; more is harmless but odd.
        problems.push((LEDGER, "does not start at the case's first record".into()));
    }
    let signature = problems.is_empty().then(|| {
        Box::new(PackSignature {
            fingerprint: checkpoint.fingerprint.clone(),
            public_key: checkpoint.public_key.clone(),
            at: checkpoint.at,
            entries: checkpoint.entries,
            root: checkpoint.root.clone(),
            covers_records: covered,
            trusted: trusted.is_some(),
        })
    });
    (signature, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_longer_than_the_bound_are_refused_without_being_held() {
        let long = vec![b'a'; MAX_LINE * 3];
        let mut reader = io::BufReader::with_capacity(64, long.as_slice());
        let mut line = Vec::new();
        assert!(matches!(read_bounded_line(&mut reader, &mut line), Ok(Line::TooLong)));
        assert!(line.len() <= MAX_LINE);
        let mut reader = io::BufReader::with_capacity(8, &b"ab\ncd"[..]);
        let mut line = Vec::new();
        assert!(matches!(read_bounded_line(&mut reader, &mut line), Ok(Line::Read)));
        assert_eq!(line, b"ab");
        line.clear();
        assert!(matches!(read_bounded_line(&mut reader, &mut line), Ok(Line::Read)));
        assert_eq!(line, b"cd");
        line.clear();
        assert!(matches!(read_bounded_line(&mut reader, &mut line), Ok(Line::End)));
    }
}
