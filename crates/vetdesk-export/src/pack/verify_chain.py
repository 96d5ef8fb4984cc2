#!/usr/bin/env python3
"""Recompute the audit chain of a Vetdesk audit pack, with the Python standard library only.

Usage:  python3 verify_chain.py [audit.jsonl [manifest.json]]

Each line of audit.jsonl is one record of the case's audit chain. A record's hash is the
SHA-256 (hex, lowercase) of the UTF-8 bytes of the canonical JSON of the object

    {"actor": ..., "at": ..., "chain": ..., "change": ..., "prev_hash": ..., "seq": ...}

taken from the record: keys sorted, no whitespace, non-ASCII characters written as they are
(only '"', '\\' and control characters escaped). The first record's prev_hash is 64 zeros;
every later record's prev_hash is the hash of the record before it; seq counts 1, 2, 3 ...
The last hash is the chain head, printed on every page of report.pdf and in manifest.json.

Exit status: 0 when the chain checks out (and matches manifest.json), 1 otherwise.
"""

import hashlib
import json
import sys

GENESIS = "0" * 64
HASHED = ("actor", "at", "chain", "change", "prev_hash", "seq")


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def main(argv):
    audit_path = argv[1] if len(argv) > 1 else "audit.jsonl"
    manifest_path = argv[2] if len(argv) > 2 else "manifest.json"
    prev, chain, count = GENESIS, None, 0
    with open(audit_path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            record = json.loads(line)
            content = {key: record[key] for key in HASHED}
            if chain is None:
                chain = record["chain"]
            if record["chain"] != chain:
                return fail(f"record {number}: chain {record['chain']!r}, expected {chain!r}")
            if record["seq"] != number:
                return fail(f"record {number}: seq {record['seq']}, expected {number}")
            if record["prev_hash"] != prev:
                return fail(f"record {number}: prev_hash does not match the record before it")
            digest = hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()
            if digest != record["hash"]:
                return fail(f"record {number}: content hashes to {digest}, not {record['hash']}")
            prev, count = digest, count + 1
    print(f"chain {chain}: {count} records, head {prev}")
    try:
        with open(manifest_path, encoding="utf-8") as f:
            manifest = json.load(f)
    except FileNotFoundError:
        print("(no manifest.json beside it: compare the head with report.pdf yourself)")
        return 0
    if manifest.get("chain_head") != prev or manifest.get("audit_records") != count:
        return fail(
            f"manifest.json says {manifest.get('audit_records')} records with head "
            f"{manifest.get('chain_head')}"
        )
    print("manifest.json names the same head")
    return 0


def fail(message):
    print(f"FAILED: {message}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
