-- Indexes for 100,000 candidates. Nothing reads the audit log by `case_id`: a chain is read by
-- its key through UNIQUE (chain, seq), so `audit_case` only cost bytes on every record. Open
-- flags of a few rules (search by a VPN or range label, the re-evaluation after a list changes)
-- were found by reading every flag of every case; a partial index holds only the open ones.
DROP INDEX IF EXISTS audit_case;
CREATE INDEX case_flags_open_rule ON case_flags(rule, case_id) WHERE cleared_at IS NULL;
