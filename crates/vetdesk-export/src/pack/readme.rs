//! `README.txt` of an audit pack: how an auditor checks the pack with common tools and no
//! Vetdesk — file hashes with `sha256sum -c`, the audit chain with the Python script beside
//! it (or by hand, from the rule stated here exactly), and the chain head against the report.

use vetdesk_core::model::{CaseId, GENESIS_HASH};

pub(crate) const VERIFY_CHAIN_PY: &str = include_str!("verify_chain.py");

pub(crate) fn readme(
    case_id: CaseId,
    chain_head: &str,
    records: u64,
    made: &str,
    tool: &str,
) -> String {
    let title = format!("VETDESK AUDIT PACK — CASE {case_id}");
    format!(
        "\
{title}
{underline}

Made {made} with {tool}.
Audit chain case:{case_id}: {records} records, head
    {chain_head}

This archive holds everything Vetdesk recorded about the case, in a form that can be checked
without Vetdesk:

  report.pdf        the case report, as printed (the chain head is on every page)
  case.json         all case data the report was made from (UTF-8 JSON)
  audit.jsonl       the case's audit chain, one record per line, oldest first
  evidence/         every evidence file, named <SHA-256 of its bytes>-<original name>
  manifest.json     every member's SHA-256 and size, the chain head, who made the pack and when
  SHA256SUMS        the SHA-256 of every other member, for `sha256sum -c`
  verify_chain.py   recomputes the audit chain (Python 3, standard library only)
  README.txt        this file

The evidence files are stored uncompressed, exactly as they were attached.

HOW TO CHECK THE PACK

1. Unpack it into an empty folder and check every file's hash:

       unzip THIS-ARCHIVE.zip -d pack && cd pack
       sha256sum -c SHA256SUMS

   Every line must say OK. (On macOS: `shasum -a 256 -c SHA256SUMS`.) Each evidence file's
   name also starts with its own SHA-256, which is the hash printed in section 9 of the report.

2. Recompute the audit chain:

       python3 verify_chain.py audit.jsonl manifest.json

   It prints the chain head and checks it against manifest.json. Then compare that head with
   the one printed on the cover and in the footer of every page of report.pdf, and with the
   head any other copy of the report shows: a later change to the case gives a different head.

3. Without the script, the rule is:

   - Each line of audit.jsonl is a JSON object with the fields id, chain, seq, at, actor,
     change, prev_hash and hash.
   - Take the six fields actor, at, chain, change, prev_hash and seq of a record and write
     them as canonical JSON: object keys sorted by Unicode code point at every depth (byte
     order of their UTF-8), no whitespace between tokens, strings in UTF-8 with only the
     quotation mark, the backslash and control characters (U+0000 to U+001F) escaped — as
     \\b \\f \\n \\r \\t where those exist, else as \\u00XX with lowercase hex digits —
     and integers in plain decimal. (The log holds no fractional numbers.) In Python:
         json.dumps(obj, sort_keys=True, separators=(\",\", \":\"), ensure_ascii=False)
   - The record's hash is the SHA-256 of those UTF-8 bytes, as 64 lowercase hex digits.
   - The first record has seq 1 and prev_hash {GENESIS_HASH}
     (the genesis hash); each later record has the next seq and the previous record's hash as
     its prev_hash. The last record's hash is the chain head.

   The same rule is applied by `vetdesk verify` to the live database and by
   `vetdesk verify-pack` to this archive.

4. If Vetdesk is at hand, `vetdesk verify-pack THIS-ARCHIVE.zip` does all of the
   above in one step, without unpacking: it refuses archives with unsafe entries and names
   any member that does not match.

The pack contains personal data of the candidate (identity documents among it). Keep it
under the organisation's vetting records policy.
",
        underline = "=".repeat(title.chars().count()),
    )
}
