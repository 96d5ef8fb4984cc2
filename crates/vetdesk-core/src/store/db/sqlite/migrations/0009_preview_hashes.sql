-- The SHA-256 of the preview the evidence store made when a file was attached, as recorded in
-- the `AttachEvidence` change: a preview on disk that is not it is never shown (it is made
-- again from the original) and `verify` names it. Null for evidence attached before.
ALTER TABLE evidence ADD COLUMN thumbnail_sha256 TEXT CHECK (length(thumbnail_sha256) = 64);
