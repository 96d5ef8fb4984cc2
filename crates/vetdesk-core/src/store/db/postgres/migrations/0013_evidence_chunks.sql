-- Evidence in the team database itself (team mode has no evidence folder): the bytes of each
-- stored content in chunks of 1 MiB, under the SHA-256 of the whole content as `evidence.sha256`
-- names it, numbered from 0. Each chunk carries the SHA-256 of its own bytes, so that `verify`
-- names the chunk that changed. An empty file is one empty chunk. PostgreSQL only: a solo data
-- directory keeps its files in `evidence/` (no SQLite migration of this number).
CREATE TABLE evidence_chunk (
    sha256        TEXT COLLATE "C" NOT NULL CHECK (length(sha256) = 64),
    seq           BIGINT NOT NULL CHECK (seq >= 0),
    bytes         BYTEA NOT NULL CHECK (length(bytes) <= 1048576),
    chunk_sha256  TEXT COLLATE "C" NOT NULL CHECK (length(chunk_sha256) = 64),
    PRIMARY KEY (sha256, seq)
);
-- Evidence (scans, photos, PDFs) rarely compresses: stored out of line without trying.
ALTER TABLE evidence_chunk ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- A login reads a chunk only when an evidence row with its content (or the telemetry import of
-- that file) is visible to it: the row rules of `evidence` guard its bytes too (this policy
-- composes with any policy on `evidence`, whose rows the subquery sees with the reader's
-- rights). Chunks are added by anyone who may
-- write (a content is stored once, never replaced: `vetdesk_evidence_stored` in team.sql),
-- and removed only by erasure (`vetdesk_erase_evidence` in team.sql). The owner, who runs
-- migrations and `team init`, is not bound by the policies.
ALTER TABLE evidence_chunk ENABLE ROW LEVEL SECURITY;
CREATE POLICY evidence_chunk_read ON evidence_chunk FOR SELECT
    USING (EXISTS (SELECT 1 FROM evidence e WHERE e.sha256 = evidence_chunk.sha256)
           OR EXISTS (SELECT 1 FROM telemetry_imports t
                      WHERE t.file_sha256 = evidence_chunk.sha256));
CREATE POLICY evidence_chunk_add ON evidence_chunk FOR INSERT WITH CHECK (true);
