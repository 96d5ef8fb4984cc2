-- Flags are triaged by a person (acknowledged, false positive with a reason, confirmed), and
-- attributed to the rule that raised or cleared them rather than to whoever's change set the
-- rule off (the audit record keeps that person). Existing rows are brought to the same form,
-- so that replaying their records gives the same rows.
ALTER TABLE case_flags ADD COLUMN triage TEXT;
ALTER TABLE case_flags ADD COLUMN triage_reason TEXT;
ALTER TABLE case_flags ADD COLUMN triaged_by TEXT;
ALTER TABLE case_flags ADD COLUMN triaged_at TEXT;
UPDATE case_flags SET raised_by = 'rule ' || rule;
UPDATE case_flags SET cleared_by = 'rule ' || rule WHERE cleared_by IS NOT NULL;
