//! Whole-database views for tests that prove refused input changed nothing, copies of
//! fixture data directories, and the raw bytes of a data directory's files.

use std::path::Path;

use rusqlite::Connection;

/// Every row of every table (search index included), as text: equal dumps mean nothing changed.
pub fn dump(db: &Path) -> String {
    let conn = Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY rowid"))
            .or_else(|_| conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2")))
            .unwrap();
        let width = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..width)
                    .map(|i| r.get::<_, rusqlite::types::Value>(i))
                    .collect::<Result<Vec<_>, _>>()
            })
            .unwrap();
        for row in rows {
            out.push_str(&format!("{table}: {:?}\n", row.unwrap()));
        }
    }
    out
}

/// Copies a directory tree (a fixture) into another place.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The insider's full rewrite: every chain re-linked and re-hashed in the order written, and
/// the ledger rebuilt to match, so that every hash in the file is consistent again.
pub fn rehash_everything(conn: &Connection) {
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;
         DROP TRIGGER IF EXISTS ledger_no_update; DROP TRIGGER IF EXISTS ledger_no_delete;
         DELETE FROM ledger;",
    )
    .unwrap();
    let rows: Vec<(i64, String, String, String, String)> = conn
        .prepare("SELECT id, chain, at, actor, change FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut tips: std::collections::HashMap<String, (i64, String)> = Default::default();
    let mut ledger = vetdesk_core::model::GENESIS_HASH.to_string();
    for (n, (id, key, at, actor, change)) in rows.into_iter().enumerate() {
        let (seq, prev) =
            tips.get(&key).cloned().unwrap_or((0, vetdesk_core::model::GENESIS_HASH.to_string()));
        let seq = seq + 1;
        let change: serde_json::Value = serde_json::from_str(&change).unwrap();
        let hash = vetdesk_core::chain::hash(&key, seq, &at, &actor, &change, &prev);
        conn.execute(
            "UPDATE audit_log SET seq = -?2, prev_hash = ?3, hash = ?4 WHERE id = ?1",
            rusqlite::params![id, seq, prev, hash],
        )
        .unwrap();
        let n = n as i64 + 1;
        let entry = vetdesk_core::chain::ledger_hash(n, &key, seq, &hash, &ledger);
        conn.execute(
            "INSERT INTO ledger (n, chain, seq, record_hash, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![n, key, seq, hash, ledger, entry],
        )
        .unwrap();
        ledger = entry;
        tips.insert(key, (seq, hash));
    }
    conn.execute("UPDATE audit_log SET seq = -seq", []).unwrap();
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Whether `needle` occurs anywhere in `haystack`.
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The files under `dir` whose raw bytes hold `needle`.
pub fn files_holding(dir: &Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|f| contains_bytes(&std::fs::read(f).unwrap(), needle))
        .collect()
}
