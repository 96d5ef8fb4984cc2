-- The schema of a team database: the same tables and columns as the SQLite migrations
-- 0001-0010 (db/sqlite/migrations/), in PostgreSQL's types: 64-bit integers, booleans as
-- booleans, times, dates and JSON as text in the store's canonical forms (so that `verify`
-- compares them byte for byte with its SQLite replay), every text column sorted bytewise
-- (COLLATE "C", as SQLite's BINARY). Later migrations are added one file per SQLite migration.

-- Core schema: users, vendors, candidates, cases and their checklist, notes and evidence, and
-- the audit log. Every state table is written only by the store's apply path; `verify`
-- replays the audit log and compares the result with these tables row by row.

CREATE TABLE users (
    id            BIGINT PRIMARY KEY,
    name          TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name  TEXT COLLATE "C" NOT NULL,
    role          TEXT COLLATE "C" NOT NULL CHECK (role IN ('reviewer', 'investigator', 'compliance', 'admin')),
    active BOOLEAN NOT NULL,
    created_at    TEXT COLLATE "C" NOT NULL,
    switch_password  TEXT COLLATE "C"
);

CREATE TABLE vendors (
    id                  BIGINT PRIMARY KEY,
    name                TEXT COLLATE "C" NOT NULL,
    contact             TEXT COLLATE "C" NOT NULL,
    screening_attested BOOLEAN NOT NULL,
    attestation_note    TEXT COLLATE "C",
    last_audit_on       TEXT COLLATE "C",
    created_at          TEXT COLLATE "C" NOT NULL,
    updated_at          TEXT COLLATE "C" NOT NULL
);
-- Names unique ignoring case (SQLite: UNIQUE COLLATE NOCASE).
CREATE UNIQUE INDEX vendors_name_folded ON vendors (lower(name));

CREATE TABLE candidates (
    id                BIGINT PRIMARY KEY,
    external_id       TEXT COLLATE "C" UNIQUE,
    legal_name        TEXT COLLATE "C" NOT NULL,
    other_names       TEXT COLLATE "C" NOT NULL,  -- JSON array of strings
    emails            TEXT COLLATE "C" NOT NULL,  -- JSON array of strings
    phones            TEXT COLLATE "C" NOT NULL,  -- JSON array of strings
    home_address      TEXT COLLATE "C",
    shipping_address  TEXT COLLATE "C",
    claimed_location  TEXT COLLATE "C",
    time_zone         TEXT COLLATE "C",
    role              TEXT COLLATE "C",
    vendor_id         BIGINT REFERENCES vendors(id),
    applied_on        TEXT COLLATE "C",
    application_ip    TEXT COLLATE "C",
    created_at        TEXT COLLATE "C" NOT NULL,
    updated_at        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX candidates_vendor ON candidates(vendor_id);

CREATE TABLE cases (
    id                BIGINT PRIMARY KEY,
    candidate_id      BIGINT NOT NULL REFERENCES candidates(id),
    kind              TEXT COLLATE "C" NOT NULL,
    status            TEXT COLLATE "C" NOT NULL,
    decision          TEXT COLLATE "C",
    decision_reason   TEXT COLLATE "C",
    decided_by        TEXT COLLATE "C",
    decided_at        TEXT COLLATE "C",
    assignee          TEXT COLLATE "C" REFERENCES users(name),
    priority          TEXT COLLATE "C" NOT NULL,
    due_on            TEXT COLLATE "C",
    template_id       TEXT COLLATE "C" NOT NULL,
    template_version  BIGINT NOT NULL,
    opened_by         TEXT COLLATE "C" NOT NULL,
    opened_at         TEXT COLLATE "C" NOT NULL,
    updated_at        TEXT COLLATE "C" NOT NULL,
    closed_at         TEXT COLLATE "C"
);
CREATE INDEX cases_candidate ON cases(candidate_id);
CREATE INDEX cases_status ON cases(status);
CREATE INDEX cases_assignee ON cases(assignee);

CREATE TABLE checklist_items (
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    item_id      TEXT COLLATE "C" NOT NULL,
    position     BIGINT NOT NULL,
    result       TEXT COLLATE "C" NOT NULL,
    note         TEXT COLLATE "C",
    recorded_by  TEXT COLLATE "C",
    recorded_at  TEXT COLLATE "C",
    PRIMARY KEY (case_id, item_id)
);

CREATE TABLE notes (
    id          BIGINT PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    author      TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    text        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX notes_case ON notes(case_id);

CREATE TABLE evidence (
    id             BIGINT PRIMARY KEY,
    case_id        BIGINT NOT NULL REFERENCES cases(id),
    sha256         TEXT COLLATE "C" NOT NULL CHECK (length(sha256) = 64),
    size           BIGINT NOT NULL CHECK (size >= 0),
    original_name  TEXT COLLATE "C" NOT NULL,
    media_type     TEXT COLLATE "C" NOT NULL,
    description    TEXT COLLATE "C",
    item_id        TEXT COLLATE "C",
    added_by       TEXT COLLATE "C" NOT NULL,
    added_at       TEXT COLLATE "C" NOT NULL,
    has_thumbnail BOOLEAN NOT NULL,
    ingest_note    TEXT COLLATE "C",
    thumbnail_sha256  TEXT COLLATE "C" CHECK (length(thumbnail_sha256) = 64)
);
CREATE INDEX evidence_case ON evidence(case_id);
CREATE INDEX evidence_sha256 ON evidence(sha256);

-- The evidence a checklist result rests on; replaced whenever the result is recorded again.
CREATE TABLE item_evidence (
    case_id      BIGINT NOT NULL,
    item_id      TEXT COLLATE "C" NOT NULL,
    evidence_id  BIGINT NOT NULL REFERENCES evidence(id),
    PRIMARY KEY (case_id, item_id, evidence_id),
    FOREIGN KEY (case_id, item_id) REFERENCES checklist_items(case_id, item_id)
);

-- The audit log: one hash chain per case ('case:<id>') and one for the rest ('global').
-- No foreign keys: the log must outlive anything it describes.
CREATE TABLE audit_log (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    chain      TEXT COLLATE "C" NOT NULL,
    case_id    BIGINT,
    seq        BIGINT NOT NULL,
    at         TEXT COLLATE "C" NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL,
    change     TEXT COLLATE "C" NOT NULL,  -- canonical JSON of the change as applied
    prev_hash  TEXT COLLATE "C" NOT NULL,
    hash       TEXT COLLATE "C" NOT NULL,
    UNIQUE (chain, seq)
);

-- Append-only by construction as well as by hash: a stray UPDATE, DELETE or TRUNCATE from any
-- code path fails loudly (`vetdesk team init` also takes those rights away from every member).
CREATE FUNCTION vetdesk_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% records are append-only', TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION vetdesk_refuse_change();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION vetdesk_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION vetdesk_refuse_change();

-- Full-text search over candidates, notes and evidence descriptions. Derived data: rebuilt
-- from the tables above, never compared by `verify`. `rowid` is named as SQLite's: a candidate's
-- entry has rowid -id, other entries take the next number of `search_index_rowid`.
-- Case and diacritics are folded (unaccent, then simple), as SQLite's `remove_diacritics 2`.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TEXT SEARCH CONFIGURATION vetdesk_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION vetdesk_search
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
CREATE SEQUENCE search_index_rowid;
CREATE TABLE search_index (
    rowid         BIGINT PRIMARY KEY DEFAULT nextval('search_index_rowid'),
    kind          TEXT COLLATE "C" NOT NULL,
    ref_id        BIGINT NOT NULL,
    case_id       BIGINT,
    candidate_id  BIGINT NOT NULL,
    title         TEXT COLLATE "C" NOT NULL,
    body          TEXT COLLATE "C" NOT NULL,
    document      tsvector NOT NULL
);
CREATE INDEX search_index_document ON search_index USING gin (document);
-- Verification records (identity documents, interviews, E-Verify, references, payment details,
-- observed IPs, vendor audits), indicator lists, and the red flags of each case. State tables
-- are written only by the apply path and compared by `verify`; `link_keys` is derived.

CREATE TABLE identity_documents (
    id               BIGINT PRIMARY KEY,
    case_id          BIGINT NOT NULL REFERENCES cases(id),
    kind             TEXT COLLATE "C" NOT NULL,
    issuing_country  TEXT COLLATE "C" NOT NULL,
    number           TEXT COLLATE "C" NOT NULL,
    holder_name      TEXT COLLATE "C" NOT NULL,
    birth_date       TEXT COLLATE "C",
    expiry_date      TEXT COLLATE "C",
    mrz              TEXT COLLATE "C",
    front_evidence   BIGINT REFERENCES evidence(id),
    back_evidence    BIGINT REFERENCES evidence(id),
    note             TEXT COLLATE "C",
    recorded_by      TEXT COLLATE "C" NOT NULL,
    recorded_at      TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX identity_documents_case ON identity_documents(case_id);

CREATE TABLE interviews (
    id                     BIGINT PRIMARY KEY,
    case_id                BIGINT NOT NULL REFERENCES cases(id),
    held_on                TEXT COLLATE "C" NOT NULL,
    started_at             TEXT COLLATE "C",
    interviewer            TEXT COLLATE "C" NOT NULL,
    camera_on_throughout BOOLEAN NOT NULL,
    refused_video BOOLEAN NOT NULL,
    audio_only BOOLEAN NOT NULL,
    id_match               TEXT COLLATE "C" NOT NULL,
    liveness_done BOOLEAN NOT NULL,
    location_consistent BOOLEAN,
    screenshots            TEXT COLLATE "C" NOT NULL,  -- JSON array of evidence ids
    note                   TEXT COLLATE "C",
    recorded_by            TEXT COLLATE "C" NOT NULL,
    recorded_at            TEXT COLLATE "C" NOT NULL
);
CREATE INDEX interviews_case ON interviews(case_id);

-- Hours at which the candidate of a case is reachable; one row per case at most.
CREATE TABLE reachable_hours (
    case_id      BIGINT PRIMARY KEY REFERENCES cases(id),
    from_time    TEXT COLLATE "C" NOT NULL,
    to_time      TEXT COLLATE "C" NOT NULL,
    time_zone    TEXT COLLATE "C" NOT NULL,
    recorded_by  TEXT COLLATE "C" NOT NULL,
    recorded_at  TEXT COLLATE "C" NOT NULL
);

CREATE TABLE everify_cases (
    id                    BIGINT PRIMARY KEY,
    case_id               BIGINT NOT NULL REFERENCES cases(id),
    case_number           TEXT COLLATE "C" NOT NULL,
    created_on            TEXT COLLATE "C" NOT NULL,
    status                TEXT COLLATE "C" NOT NULL,
    agency                TEXT COLLATE "C",
    mismatch_on           TEXT COLLATE "C",
    notice_given_on       TEXT COLLATE "C",
    decision_recorded_on  TEXT COLLATE "C",
    employee_contests BOOLEAN,
    referred_on           TEXT COLLATE "C",
    agency_contacted_on   TEXT COLLATE "C",
    continuance_since     TEXT COLLATE "C",
    followed_up_on        TEXT COLLATE "C",
    evidence              TEXT COLLATE "C" NOT NULL,  -- JSON array of evidence ids
    note                  TEXT COLLATE "C",
    recorded_by           TEXT COLLATE "C" NOT NULL,
    recorded_at           TEXT COLLATE "C" NOT NULL,
    updated_at            TEXT COLLATE "C" NOT NULL
);
CREATE INDEX everify_cases_case ON everify_cases(case_id);

CREATE TABLE case_references (
    id            BIGINT PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases(id),
    name          TEXT COLLATE "C" NOT NULL,
    email         TEXT COLLATE "C",
    phone         TEXT COLLATE "C",
    relationship  TEXT COLLATE "C" NOT NULL,
    company       TEXT COLLATE "C",
    note          TEXT COLLATE "C",
    recorded_by   TEXT COLLATE "C" NOT NULL,
    recorded_at   TEXT COLLATE "C" NOT NULL,
    updated_at    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX case_references_case ON case_references(case_id);

-- Bank details are kept only masked plus a keyed hash (HMAC-SHA256 under a secret key file
-- in the data directory): enough to tell two records name the same account, not to read it.
CREATE TABLE payment_details (
    id              BIGINT PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    bank_name       TEXT COLLATE "C",
    account_holder  TEXT COLLATE "C",
    routing_masked  TEXT COLLATE "C" NOT NULL,
    account_masked  TEXT COLLATE "C" NOT NULL,
    account_hash    TEXT COLLATE "C" NOT NULL CHECK (length(account_hash) = 64),
    note            TEXT COLLATE "C",
    recorded_by     TEXT COLLATE "C" NOT NULL,
    recorded_at     TEXT COLLATE "C" NOT NULL
);
CREATE INDEX payment_details_case ON payment_details(case_id);

CREATE TABLE observed_ips (
    id           BIGINT PRIMARY KEY,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    ip           TEXT COLLATE "C" NOT NULL,
    seen_at      TEXT COLLATE "C" NOT NULL,
    context      TEXT COLLATE "C" NOT NULL,
    note         TEXT COLLATE "C",
    recorded_by  TEXT COLLATE "C" NOT NULL,
    recorded_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX observed_ips_case ON observed_ips(case_id);

CREATE TABLE vendor_audits (
    id           BIGINT PRIMARY KEY,
    vendor_id    BIGINT NOT NULL REFERENCES vendors(id),
    audited_on   TEXT COLLATE "C" NOT NULL,
    outcome      TEXT COLLATE "C" NOT NULL,
    note         TEXT COLLATE "C",
    next_due     TEXT COLLATE "C" NOT NULL,
    recorded_by  TEXT COLLATE "C" NOT NULL,
    recorded_at  TEXT COLLATE "C" NOT NULL
);
CREATE INDEX vendor_audits_vendor ON vendor_audits(vendor_id, audited_on);

CREATE TABLE ip_lists (
    id           BIGINT PRIMARY KEY,
    name         TEXT COLLATE "C" NOT NULL,
    file_name    TEXT COLLATE "C" NOT NULL,
    file_sha256  TEXT COLLATE "C" NOT NULL CHECK (length(file_sha256) = 64),
    entries      BIGINT NOT NULL,
    imported_by  TEXT COLLATE "C" NOT NULL,
    imported_at  TEXT COLLATE "C" NOT NULL
);
-- Names unique ignoring case (SQLite: UNIQUE COLLATE NOCASE).
CREATE UNIQUE INDEX ip_lists_name_folded ON ip_lists (lower(name));

-- One row per range. A lookup masks the address to each prefix length and probes
-- (family, prefix, network): at most 33 (IPv4) or 129 (IPv6) index probes, never a scan.
CREATE TABLE ip_ranges (
    list_id   BIGINT NOT NULL REFERENCES ip_lists(id),
    position  BIGINT NOT NULL,
    family    BIGINT NOT NULL CHECK (family IN (4, 6)),
    prefix    BIGINT NOT NULL,
    network   BYTEA NOT NULL,
    cidr      TEXT COLLATE "C" NOT NULL,
    category  TEXT COLLATE "C" NOT NULL,
    label     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (list_id, position)
);
CREATE INDEX ip_ranges_lookup ON ip_ranges(family, prefix, network);

CREATE TABLE voip_entries (
    id        BIGINT PRIMARY KEY,
    e164      TEXT COLLATE "C" NOT NULL,
    prefix BOOLEAN NOT NULL,
    label     TEXT COLLATE "C" NOT NULL,
    added_by  TEXT COLLATE "C" NOT NULL,
    added_at  TEXT COLLATE "C" NOT NULL,
    UNIQUE (e164, prefix)
);

CREATE TABLE vpn_providers (
    id        BIGINT PRIMARY KEY,
    name      TEXT COLLATE "C" NOT NULL,
    note      TEXT COLLATE "C",
    added_by  TEXT COLLATE "C" NOT NULL,
    added_at  TEXT COLLATE "C" NOT NULL
);
-- Names unique ignoring case (SQLite: UNIQUE COLLATE NOCASE).
CREATE UNIQUE INDEX vpn_providers_name_folded ON vpn_providers (lower(name));

CREATE TABLE case_flags (
    id              BIGINT PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases(id),
    rule            TEXT COLLATE "C" NOT NULL,
    subject         TEXT COLLATE "C" NOT NULL,
    severity        TEXT COLLATE "C" NOT NULL,
    title           TEXT COLLATE "C" NOT NULL,
    why             TEXT COLLATE "C" NOT NULL,
    source          TEXT COLLATE "C" NOT NULL,  -- JSON {document, section}
    facts           TEXT COLLATE "C" NOT NULL,  -- JSON array of strings
    evidence        TEXT COLLATE "C" NOT NULL,  -- JSON array of evidence ids
    candidates      TEXT COLLATE "C" NOT NULL,  -- JSON array of candidate ids
    raised_at       TEXT COLLATE "C" NOT NULL,
    raised_by       TEXT COLLATE "C" NOT NULL,
    cleared_at      TEXT COLLATE "C",
    cleared_by      TEXT COLLATE "C",
    cleared_reason  TEXT COLLATE "C",
    triage          TEXT COLLATE "C",
    triage_reason   TEXT COLLATE "C",
    triaged_by      TEXT COLLATE "C",
    triaged_at      TEXT COLLATE "C"
);
CREATE INDEX case_flags_open_rule ON case_flags(rule, case_id) WHERE cleared_at IS NULL;
CREATE INDEX case_flags_case ON case_flags(case_id, cleared_at);

-- Derived: every normalised identifier of every candidate (their phones, emails, addresses,
-- application IP, and those of their cases' references, payment details and observed IPs).
-- Links between candidates are one indexed self-join on (kind, value). Rebuilt from the state
-- tables; not compared by `verify`.
CREATE TABLE link_keys (
    kind          TEXT COLLATE "C" NOT NULL,
    value         TEXT COLLATE "C" NOT NULL,
    candidate_id  BIGINT NOT NULL,
    role          TEXT COLLATE "C" NOT NULL,
    record_id     BIGINT,
    display       TEXT COLLATE "C" NOT NULL
);
CREATE INDEX link_keys_value ON link_keys(kind, value, candidate_id);
CREATE INDEX link_keys_candidate ON link_keys(candidate_id, role, record_id);

-- Derived: every home or shipping address a candidate had and when it was set, the facts
-- behind "address changed after the offer" (the candidates table keeps only the current one).
-- Rebuilt from the candidate changes in the audit log; not compared by `verify`.
CREATE TABLE address_history (
    candidate_id  BIGINT NOT NULL,
    role          TEXT COLLATE "C" NOT NULL CHECK (role IN ('home_address', 'shipping_address')),
    address       TEXT COLLATE "C",
    set_at        TEXT COLLATE "C" NOT NULL,
    n             BIGINT GENERATED ALWAYS AS IDENTITY  -- insertion order (SQLite: rowid)
);
CREATE INDEX address_history_candidate ON address_history(candidate_id, role, set_at);

-- Candidates in the search index move to rowid -id (see derived.rs: re-indexing one is then a
-- rowid delete rather than a scan of the whole index).
INSERT INTO search_index (rowid, kind, ref_id, case_id, candidate_id, title, body)
    SELECT -ref_id, kind, ref_id, case_id, candidate_id, title, body
    FROM search_index WHERE kind = 'candidate' AND rowid > 0;
DELETE FROM search_index WHERE kind = 'candidate' AND rowid > 0;
-- After the hire: employees (a hired candidate, watched through a monitoring case), their work
-- accounts and company devices, and the sign-in and device telemetry imported about them.
CREATE TABLE employees (
    id               BIGINT PRIMARY KEY,
    candidate_id     BIGINT NOT NULL REFERENCES candidates(id),
    case_id          BIGINT NOT NULL UNIQUE REFERENCES cases(id),
    prehire_case_id  BIGINT REFERENCES cases(id),
    vetting          TEXT COLLATE "C",              -- JSON: where the pre-hire case stood at the hire
    start_on         TEXT COLLATE "C" NOT NULL,
    terminated_on    TEXT COLLATE "C",
    hired_by         TEXT COLLATE "C" NOT NULL,
    hired_at         TEXT COLLATE "C" NOT NULL
);
CREATE INDEX employees_candidate ON employees(candidate_id);

CREATE TABLE employee_accounts (
    employee_id  BIGINT NOT NULL REFERENCES employees(id),
    account      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (employee_id, account)
);

CREATE TABLE employee_devices (
    id           BIGINT PRIMARY KEY,
    employee_id  BIGINT NOT NULL REFERENCES employees(id),
    serial       TEXT COLLATE "C",
    hostname     TEXT COLLATE "C"
);
CREATE INDEX employee_devices_employee ON employee_devices(employee_id);

CREATE TABLE telemetry_imports (
    id           BIGINT PRIMARY KEY,
    file_name    TEXT COLLATE "C" NOT NULL,
    format       TEXT COLLATE "C" NOT NULL,
    file_sha256  TEXT COLLATE "C" NOT NULL,
    size         BIGINT NOT NULL,
    events       BIGINT NOT NULL,
    added        BIGINT NOT NULL,
    matched      BIGINT NOT NULL,
    unmatched    BIGINT NOT NULL,
    imported_by  TEXT COLLATE "C" NOT NULL,
    imported_at  TEXT COLLATE "C" NOT NULL
);

-- One row per event, keyed by the vendor's own id within its format (a file imported twice
-- adds nothing). Written with the import's change, from the file the change names; the
-- columns are what the post-hire rules read, the file keeps everything else.
CREATE TABLE telemetry_events (
    format           TEXT COLLATE "C" NOT NULL,
    event_id         TEXT COLLATE "C" NOT NULL,
    import_id        BIGINT NOT NULL
                     REFERENCES telemetry_imports(id) DEFERRABLE INITIALLY DEFERRED,
    time             TEXT COLLATE "C" NOT NULL,
    kind             TEXT COLLATE "C" NOT NULL,
    account          TEXT COLLATE "C",
    employee_id      BIGINT REFERENCES employees(id),
    device_id        BIGINT REFERENCES employee_devices(id),
    device_serial    TEXT COLLATE "C",
    device_hostname  TEXT COLLATE "C",
    ip               TEXT COLLATE "C",
    country          TEXT COLLATE "C",
    latitude         DOUBLE PRECISION,
    longitude        DOUBLE PRECISION,
    proxy_mark       TEXT COLLATE "C",
    observation      TEXT COLLATE "C",              -- JSON: the host observation of an osquery row
    PRIMARY KEY (format, event_id)
);
CREATE INDEX telemetry_events_employee ON telemetry_events(employee_id, time);
CREATE INDEX telemetry_events_ip ON telemetry_events(ip, time);
CREATE INDEX telemetry_events_import ON telemetry_events(import_id);

-- The ledger: one entry per audit record of any chain, in the order written, each hashed
-- over the one before it. Append-only as the audit log.
CREATE TABLE ledger (
    n            BIGINT PRIMARY KEY,
    chain        TEXT COLLATE "C" NOT NULL,
    seq          BIGINT NOT NULL,
    record_hash  TEXT COLLATE "C" NOT NULL,
    prev         TEXT COLLATE "C" NOT NULL,
    hash         TEXT COLLATE "C" NOT NULL,
    UNIQUE (chain, seq)
);
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
    FOR EACH ROW EXECUTE FUNCTION vetdesk_refuse_change();
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION vetdesk_refuse_change();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION vetdesk_refuse_change();

-- Policy values the rules read, set only through a recorded change.
CREATE TABLE policy (
    key    TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    value  BIGINT NOT NULL,
    reason TEXT COLLATE "C" NOT NULL,
    set_by TEXT COLLATE "C" NOT NULL,
    set_at TEXT COLLATE "C" NOT NULL
);

-- SQLite's julianday() of the store's canonical times, which the post-hire rules subtract.
CREATE FUNCTION julianday(t text) RETURNS double precision
    LANGUAGE sql STABLE STRICT
    AS $$ SELECT extract(epoch FROM t::timestamptz)::double precision / 86400.0 + 2440587.5 $$;
