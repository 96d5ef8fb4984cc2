-- Retention and erasure: as SQLite's 0011_retention.sql (docs/architecture.md "Retention and
-- erasure"). An erased candidate keeps their row with every personal column overwritten and
-- `erased_at` set; a case may be on legal hold, and a referral may be released.
ALTER TABLE candidates ADD COLUMN erased_at TEXT COLLATE "C";
ALTER TABLE cases ADD COLUMN legal_hold BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN referral_released_at TEXT COLLATE "C";

-- One random key per candidate; the personal fields of every audit record about them are
-- sealed under it. Erasure deletes the row, so nothing sealed under it opens again.
CREATE TABLE IF NOT EXISTS person_keys (
    candidate_id  BIGINT PRIMARY KEY,
    key           BYTEA NOT NULL CHECK (length(key) = 32)
);
