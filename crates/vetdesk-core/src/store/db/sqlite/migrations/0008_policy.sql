-- Policy values the rules read (the vendor audit interval), set only through a recorded
-- change (`SetPolicy`, global chain) and compared by `verify` with the log's replay. A key
-- without a row is at its default. Before this, the interval was read from config.toml, a file
-- whose edits nothing recorded.
CREATE TABLE policy (
    key    TEXT PRIMARY KEY NOT NULL,
    value  INTEGER NOT NULL,
    reason TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
