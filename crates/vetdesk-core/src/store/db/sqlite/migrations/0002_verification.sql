-- Verification records (identity documents, interviews, E-Verify, references, payment details,
-- observed IPs, vendor audits), indicator lists, and the red flags of each case. State tables
-- are written only by the apply path and compared by `verify`; `link_keys` is derived.

CREATE TABLE identity_documents (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES cases(id),
    kind             TEXT NOT NULL,
    issuing_country  TEXT NOT NULL,
    number           TEXT NOT NULL,
    holder_name      TEXT NOT NULL,
    birth_date       TEXT,
    expiry_date      TEXT,
    mrz              TEXT,
    front_evidence   INTEGER REFERENCES evidence(id),
    back_evidence    INTEGER REFERENCES evidence(id),
    note             TEXT,
    recorded_by      TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE INDEX identity_documents_case ON identity_documents(case_id);

CREATE TABLE interviews (
    id                     INTEGER PRIMARY KEY,
    case_id                INTEGER NOT NULL REFERENCES cases(id),
    held_on                TEXT NOT NULL,
    started_at             TEXT,
    interviewer            TEXT NOT NULL,
    camera_on_throughout   INTEGER NOT NULL CHECK (camera_on_throughout IN (0, 1)),
    refused_video          INTEGER NOT NULL CHECK (refused_video IN (0, 1)),
    audio_only             INTEGER NOT NULL CHECK (audio_only IN (0, 1)),
    id_match               TEXT NOT NULL,
    liveness_done          INTEGER NOT NULL CHECK (liveness_done IN (0, 1)),
    location_consistent    INTEGER CHECK (location_consistent IN (0, 1)),
    screenshots            TEXT NOT NULL,  -- JSON array of evidence ids
    note                   TEXT,
    recorded_by            TEXT NOT NULL,
    recorded_at            TEXT NOT NULL
) STRICT;
CREATE INDEX interviews_case ON interviews(case_id);

-- Hours at which the candidate of a case is reachable; one row per case at most.
CREATE TABLE reachable_hours (
    case_id      INTEGER PRIMARY KEY REFERENCES cases(id),
    from_time    TEXT NOT NULL,
    to_time      TEXT NOT NULL,
    time_zone    TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
) STRICT;

CREATE TABLE everify_cases (
    id                    INTEGER PRIMARY KEY,
    case_id               INTEGER NOT NULL REFERENCES cases(id),
    case_number           TEXT NOT NULL,
    created_on            TEXT NOT NULL,
    status                TEXT NOT NULL,
    agency                TEXT,
    mismatch_on           TEXT,
    notice_given_on       TEXT,
    decision_recorded_on  TEXT,
    employee_contests     INTEGER CHECK (employee_contests IN (0, 1)),
    referred_on           TEXT,
    agency_contacted_on   TEXT,
    continuance_since     TEXT,
    followed_up_on        TEXT,
    evidence              TEXT NOT NULL,  -- JSON array of evidence ids
    note                  TEXT,
    recorded_by           TEXT NOT NULL,
    recorded_at           TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;
CREATE INDEX everify_cases_case ON everify_cases(case_id);

CREATE TABLE case_references (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(id),
    name          TEXT NOT NULL,
    email         TEXT,
    phone         TEXT,
    relationship  TEXT NOT NULL,
    company       TEXT,
    note          TEXT,
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX case_references_case ON case_references(case_id);

-- Bank details are kept only masked plus a keyed hash (HMAC-SHA256 under a secret key file
-- in the data directory): enough to tell two records name the same account, not to read it.
CREATE TABLE payment_details (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    bank_name       TEXT,
    account_holder  TEXT,
    routing_masked  TEXT NOT NULL,
    account_masked  TEXT NOT NULL,
    account_hash    TEXT NOT NULL CHECK (length(account_hash) = 64),
    note            TEXT,
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
) STRICT;
CREATE INDEX payment_details_case ON payment_details(case_id);

CREATE TABLE observed_ips (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases(id),
    ip           TEXT NOT NULL,
    seen_at      TEXT NOT NULL,
    context      TEXT NOT NULL,
    note         TEXT,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
) STRICT;
CREATE INDEX observed_ips_case ON observed_ips(case_id);

CREATE TABLE vendor_audits (
    id           INTEGER PRIMARY KEY,
    vendor_id    INTEGER NOT NULL REFERENCES vendors(id),
    audited_on   TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    note         TEXT,
    next_due     TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
) STRICT;
CREATE INDEX vendor_audits_vendor ON vendor_audits(vendor_id, audited_on);

CREATE TABLE ip_lists (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    file_name    TEXT NOT NULL,
    file_sha256  TEXT NOT NULL CHECK (length(file_sha256) = 64),
    entries      INTEGER NOT NULL,
    imported_by  TEXT NOT NULL,
    imported_at  TEXT NOT NULL
) STRICT;

-- One row per range. A lookup masks the address to each prefix length and probes
-- (family, prefix, network): at most 33 (IPv4) or 129 (IPv6) index probes, never a scan.
CREATE TABLE ip_ranges (
    list_id   INTEGER NOT NULL REFERENCES ip_lists(id),
    position  INTEGER NOT NULL,
    family    INTEGER NOT NULL CHECK (family IN (4, 6)),
    prefix    INTEGER NOT NULL,
    network   BLOB NOT NULL,
    cidr      TEXT NOT NULL,
    category  TEXT NOT NULL,
    label     TEXT NOT NULL,
    PRIMARY KEY (list_id, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX ip_ranges_lookup ON ip_ranges(family, prefix, network);

CREATE TABLE voip_entries (
    id        INTEGER PRIMARY KEY,
    e164      TEXT NOT NULL,
    prefix    INTEGER NOT NULL CHECK (prefix IN (0, 1)),
    label     TEXT NOT NULL,
    added_by  TEXT NOT NULL,
    added_at  TEXT NOT NULL,
    UNIQUE (e164, prefix)
) STRICT;

CREATE TABLE vpn_providers (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    note      TEXT,
    added_by  TEXT NOT NULL,
    added_at  TEXT NOT NULL
) STRICT;

CREATE TABLE case_flags (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER NOT NULL REFERENCES cases(id),
    rule            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    severity        TEXT NOT NULL,
    title           TEXT NOT NULL,
    why             TEXT NOT NULL,
    source          TEXT NOT NULL,  -- JSON {document, section}
    facts           TEXT NOT NULL,  -- JSON array of strings
    evidence        TEXT NOT NULL,  -- JSON array of evidence ids
    candidates      TEXT NOT NULL,  -- JSON array of candidate ids
    raised_at       TEXT NOT NULL,
    raised_by       TEXT NOT NULL,
    cleared_at      TEXT,
    cleared_by      TEXT,
    cleared_reason  TEXT
) STRICT;
CREATE INDEX case_flags_case ON case_flags(case_id, cleared_at);

-- Derived: every normalised identifier of every candidate (their phones, emails, addresses,
-- application IP, and those of their cases' references, payment details and observed IPs).
-- Links between candidates are one indexed self-join on (kind, value). Rebuilt from the state
-- tables; not compared by `verify`.
CREATE TABLE link_keys (
    kind          TEXT NOT NULL,
    value         TEXT NOT NULL,
    candidate_id  INTEGER NOT NULL,
    role          TEXT NOT NULL,
    record_id     INTEGER,
    display       TEXT NOT NULL
) STRICT;
CREATE INDEX link_keys_value ON link_keys(kind, value, candidate_id);
CREATE INDEX link_keys_candidate ON link_keys(candidate_id, role, record_id);

-- Derived: every home or shipping address a candidate had and when it was set, the facts
-- behind "address changed after the offer" (the candidates table keeps only the current one).
-- Rebuilt from the candidate changes in the audit log; not compared by `verify`.
CREATE TABLE address_history (
    candidate_id  INTEGER NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('home_address', 'shipping_address')),
    address       TEXT,
    set_at        TEXT NOT NULL
) STRICT;
CREATE INDEX address_history_candidate ON address_history(candidate_id, role, set_at);

-- Candidates in the search index move to rowid -id (see derived.rs: re-indexing one is then a
-- rowid delete rather than a scan of the whole index).
INSERT INTO search_index (rowid, kind, ref_id, case_id, candidate_id, title, body)
    SELECT -ref_id, kind, ref_id, case_id, candidate_id, title, body
    FROM search_index WHERE kind = 'candidate' AND rowid > 0;
DELETE FROM search_index WHERE kind = 'candidate' AND rowid > 0;
