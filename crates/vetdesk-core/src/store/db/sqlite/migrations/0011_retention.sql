-- Retention and erasure (docs/architecture.md "Retention and erasure").
--
-- A candidate erased under a retention rule keeps their row and their cases' skeleton; every
-- personal column is overwritten by the erasure and `erased_at` says when. A case may be on
-- legal hold (blocks erasure), and a case referred to law enforcement is kept until the
-- referral is released.
ALTER TABLE candidates ADD COLUMN erased_at TEXT;
ALTER TABLE cases ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1));
ALTER TABLE cases ADD COLUMN referral_released_at TEXT;

-- One random key per candidate; the personal fields of every audit record about them are
-- sealed under it (`crate::sealed`). Erasure deletes the row: nothing sealed under it opens
-- again. Not state that `verify` replays (a key is random), and never exported. Kept if it
-- exists already (a copy downgraded by hand still holds the keys its records are sealed under).
CREATE TABLE IF NOT EXISTS person_keys (
    candidate_id  INTEGER PRIMARY KEY,
    key           BLOB NOT NULL CHECK (length(key) = 32)
) STRICT;
