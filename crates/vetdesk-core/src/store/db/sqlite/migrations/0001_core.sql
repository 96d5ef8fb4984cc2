-- Core schema: users, vendors, candidates, cases and their checklist, notes and evidence, and
-- the audit log. Every state table is written only by the store's apply path; `verify`
-- replays the audit log and compares the result with these tables row by row.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('reviewer', 'investigator', 'compliance', 'admin')),
    active        INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE vendors (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE COLLATE NOCASE,
    contact             TEXT NOT NULL,
    screening_attested  INTEGER NOT NULL CHECK (screening_attested IN (0, 1)),
    attestation_note    TEXT,
    last_audit_on       TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;

CREATE TABLE candidates (
    id                INTEGER PRIMARY KEY,
    external_id       TEXT UNIQUE,
    legal_name        TEXT NOT NULL,
    other_names       TEXT NOT NULL,  -- JSON array of strings
    emails            TEXT NOT NULL,  -- JSON array of strings
    phones            TEXT NOT NULL,  -- JSON array of strings
    home_address      TEXT,
    shipping_address  TEXT,
    claimed_location  TEXT,
    time_zone         TEXT,
    role              TEXT,
    vendor_id         INTEGER REFERENCES vendors(id),
    applied_on        TEXT,
    application_ip    TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX candidates_vendor ON candidates(vendor_id);

CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    candidate_id      INTEGER NOT NULL REFERENCES candidates(id),
    kind              TEXT NOT NULL,
    status            TEXT NOT NULL,
    decision          TEXT,
    decision_reason   TEXT,
    decided_by        TEXT,
    decided_at        TEXT,
    assignee          TEXT REFERENCES users(name),
    priority          TEXT NOT NULL,
    due_on            TEXT,
    template_id       TEXT NOT NULL,
    template_version  INTEGER NOT NULL,
    opened_by         TEXT NOT NULL,
    opened_at         TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    closed_at         TEXT
) STRICT;
CREATE INDEX cases_candidate ON cases(candidate_id);
CREATE INDEX cases_status ON cases(status);
CREATE INDEX cases_assignee ON cases(assignee);

CREATE TABLE checklist_items (
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    item_id      TEXT NOT NULL,
    position     INTEGER NOT NULL,
    result       TEXT NOT NULL,
    note         TEXT,
    recorded_by  TEXT,
    recorded_at  TEXT,
    PRIMARY KEY (case_id, item_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    author      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    text        TEXT NOT NULL
) STRICT;
CREATE INDEX notes_case ON notes(case_id);

CREATE TABLE evidence (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases(id),
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    size           INTEGER NOT NULL CHECK (size >= 0),
    original_name  TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    description    TEXT,
    item_id        TEXT,
    added_by       TEXT NOT NULL,
    added_at       TEXT NOT NULL,
    has_thumbnail  INTEGER NOT NULL CHECK (has_thumbnail IN (0, 1)),
    ingest_note    TEXT
) STRICT;
CREATE INDEX evidence_case ON evidence(case_id);
CREATE INDEX evidence_sha256 ON evidence(sha256);

-- The evidence a checklist result rests on; replaced whenever the result is recorded again.
CREATE TABLE item_evidence (
    case_id      INTEGER NOT NULL,
    item_id      TEXT NOT NULL,
    evidence_id  INTEGER NOT NULL REFERENCES evidence(id),
    PRIMARY KEY (case_id, item_id, evidence_id),
    FOREIGN KEY (case_id, item_id) REFERENCES checklist_items(case_id, item_id)
) STRICT, WITHOUT ROWID;

-- The audit log: one hash chain per case ('case:<id>') and one for the rest ('global').
-- No foreign keys: the log must outlive anything it describes.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    chain      TEXT NOT NULL,
    case_id    INTEGER,
    seq        INTEGER NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    change     TEXT NOT NULL,  -- canonical JSON of the change as applied
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    UNIQUE (chain, seq)
) STRICT;
CREATE INDEX audit_case ON audit_log(case_id, seq);

-- Append-only by construction as well as by hash: a stray UPDATE or DELETE from any code
-- path fails loudly. (Someone with the file can drop these; the hash chain catches that.)
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;

-- Full-text search over candidates, notes and evidence descriptions. Derived data: rebuilt
-- from the tables above, never compared by `verify`.
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,
    ref_id UNINDEXED,
    case_id UNINDEXED,
    candidate_id UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);
