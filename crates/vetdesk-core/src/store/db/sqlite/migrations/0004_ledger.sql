-- The ledger: one entry per audit record of any chain, in the order written, each hashed
-- over the one before it (`vetdesk_core::chain::ledger_hash`). It fixes how long every chain
-- is and which chains exist; its last hash is the store's root. Entries for records written
-- before this migration are added by the migration runner, which can hash.
CREATE TABLE ledger (
    n            INTEGER PRIMARY KEY,
    chain        TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    record_hash  TEXT NOT NULL,
    prev         TEXT NOT NULL,
    hash         TEXT NOT NULL,
    UNIQUE (chain, seq)
) STRICT;

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
