-- After the hire: employees (a hired candidate, watched through a monitoring case), their work
-- accounts and company devices, and the sign-in and device telemetry imported about them.
CREATE TABLE employees (
    id               INTEGER PRIMARY KEY,
    candidate_id     INTEGER NOT NULL REFERENCES candidates(id),
    case_id          INTEGER NOT NULL UNIQUE REFERENCES cases(id),
    prehire_case_id  INTEGER REFERENCES cases(id),
    vetting          TEXT,              -- JSON: where the pre-hire case stood at the hire
    start_on         TEXT NOT NULL,
    terminated_on    TEXT,
    hired_by         TEXT NOT NULL,
    hired_at         TEXT NOT NULL
) STRICT;
CREATE INDEX employees_candidate ON employees(candidate_id);

CREATE TABLE employee_accounts (
    employee_id  INTEGER NOT NULL REFERENCES employees(id),
    account      TEXT NOT NULL,
    PRIMARY KEY (employee_id, account)
) STRICT;

CREATE TABLE employee_devices (
    id           INTEGER PRIMARY KEY,
    employee_id  INTEGER NOT NULL REFERENCES employees(id),
    serial       TEXT,
    hostname     TEXT
) STRICT;
CREATE INDEX employee_devices_employee ON employee_devices(employee_id);

CREATE TABLE telemetry_imports (
    id           INTEGER PRIMARY KEY,
    file_name    TEXT NOT NULL,
    format       TEXT NOT NULL,
    file_sha256  TEXT NOT NULL,
    size         INTEGER NOT NULL,
    events       INTEGER NOT NULL,
    added        INTEGER NOT NULL,
    matched      INTEGER NOT NULL,
    unmatched    INTEGER NOT NULL,
    imported_by  TEXT NOT NULL,
    imported_at  TEXT NOT NULL
) STRICT;

-- One row per event, keyed by the vendor's own id within its format (a file imported twice
-- adds nothing). Written with the import's change, from the file the change names; the
-- columns are what the post-hire rules read, the file keeps everything else.
CREATE TABLE telemetry_events (
    format           TEXT NOT NULL,
    event_id         TEXT NOT NULL,
    import_id        INTEGER NOT NULL
                     REFERENCES telemetry_imports(id) DEFERRABLE INITIALLY DEFERRED,
    time             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    account          TEXT,
    employee_id      INTEGER REFERENCES employees(id),
    device_id        INTEGER REFERENCES employee_devices(id),
    device_serial    TEXT,
    device_hostname  TEXT,
    ip               TEXT,
    country          TEXT,
    latitude         REAL,
    longitude        REAL,
    proxy_mark       TEXT,
    observation      TEXT,              -- JSON: the host observation of an osquery row
    PRIMARY KEY (format, event_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX telemetry_events_employee ON telemetry_events(employee_id, time);
CREATE INDEX telemetry_events_ip ON telemetry_events(ip, time);
CREATE INDEX telemetry_events_import ON telemetry_events(import_id);
