//! `vetdesk team push`: a solo data directory moved into an empty team database, all or
//! nothing. Every row is copied as it is — the audit records keep the actor names they were
//! recorded with, since each record's hash covers its actor and every chain head must stay the
//! one the solo directory printed in its reports and packs. Who answers for each recorded name
//! from now on is the login it is mapped to (`vetdesk_logins`, written only by the push): the
//! database takes that login's records as made by the mapped name, so the history goes on under
//! the same names and four eyes still knows who decided.

use std::collections::{BTreeMap, BTreeSet};

use super::db::postgres::team;
use super::db::{Db, SearchEntry, SearchKind, Value};
use super::tables::evidence_chunks;
use super::{Result, Store, StoreError};
use crate::evidence::Sha256Hex;
use crate::model::Role;

/// The tables a push copies, parents before children (the search index is rebuilt apart).
const TABLES: &[&str] = &[
    "users",
    "vendors",
    "candidates",
    "cases",
    "checklist_items",
    "notes",
    "evidence",
    "item_evidence",
    "identity_documents",
    "interviews",
    "reachable_hours",
    "everify_cases",
    "case_references",
    "payment_details",
    "observed_ips",
    "vendor_audits",
    "ip_lists",
    "ip_ranges",
    "voip_entries",
    "vpn_providers",
    "case_flags",
    "link_keys",
    "address_history",
    "employees",
    "employee_accounts",
    "employee_devices",
    "telemetry_imports",
    "telemetry_events",
    "policy",
    "person_keys",
    "audit_log",
    "ledger",
];

/// What a push moved.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Pushed {
    /// Rows copied, per table.
    pub rows: BTreeMap<String, u64>,
    /// Evidence and telemetry files copied into the team database's evidence chunks.
    pub files: u64,
    /// Every chain's head, the same before and after.
    pub heads: BTreeMap<String, String>,
    /// Recorded name → the login that answers for it.
    pub logins: BTreeMap<String, String>,
}

/// Reads `NAME=LOGIN` pairs; a name given twice, or a pair without `=`, is refused.
pub fn parse_mapping(pairs: &[String]) -> Result<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    for pair in pairs {
        let Some((name, login)) = pair.split_once('=') else {
            return Err(StoreError::invalid(format!(
                "--map {pair}: expected NAME=LOGIN (a solo user name and the team login for it)"
            )));
        };
        let (name, login) = (name.trim(), login.trim());
        if name.is_empty() || login.is_empty() {
            return Err(StoreError::invalid(format!("--map {pair}: a side is empty")));
        }
        if map.insert(name.to_string(), login.to_string()).is_some() {
            return Err(StoreError::invalid(format!("--map: {name} is mapped twice")));
        }
    }
    Ok(map)
}

impl Store {
    /// The name this store's login acts as in team mode: the recorded name it was mapped to by a
    /// push, else the login itself (`None` in solo mode).
    pub fn team_actor(&self) -> Result<Option<String>> {
        let Some(login) = self.team_login().map(str::to_string) else { return Ok(None) };
        let mut name = login.clone();
        self.backend.read(&mut |db| {
            let pushed: bool =
                db.query_value("SELECT to_regclass('vetdesk_logins') IS NOT NULL", &[])?;
            if pushed
                && let Some(mapped) = db.query_optional(
                    "SELECT name FROM vetdesk_logins WHERE login = ?1",
                    &[Value::Text(login.clone())],
                    |r| r.get::<String>(0),
                )?
            {
                name = mapped;
            }
            Ok(())
        })?;
        Ok(Some(name))
    }

    /// Moves the solo store `solo` into this team database, which must hold no history yet
    /// (run by an admin; by the owner when `team init` has not been run, which it then does).
    /// `map` names the login for every user name of the solo directory. All or nothing: every
    /// evidence file (streamed into chunks, re-hashed on the way) and every row in one
    /// transaction, which is rolled back unless every chain head came out as it went in.
    pub fn team_push(&self, solo: &Store, map: &BTreeMap<String, String>) -> Result<Pushed> {
        let target = self.team.as_ref().ok_or_else(|| {
            StoreError::invalid("team push writes into a team database: give --database-url")
        })?;
        if solo.team.is_some() {
            return Err(StoreError::invalid("--from-data-dir must be a solo data directory"));
        }

        // What the solo directory holds: its names, their roles, its heads, its files.
        let mut names = BTreeSet::new();
        let mut roles: BTreeMap<String, Role> = BTreeMap::new();
        let mut heads = BTreeMap::new();
        let mut files: Vec<String> = Vec::new();
        solo.backend.read(&mut |db| {
            db.query("SELECT name, role FROM users", &[], &mut |r| {
                let name: String = r.get(0)?;
                let role: String = r.get(1)?;
                if let Ok(role) = role.parse() {
                    roles.insert(name.clone(), role);
                }
                names.insert(name);
                Ok(())
            })?;
            db.query("SELECT DISTINCT actor FROM audit_log", &[], &mut |r| {
                names.insert(r.get(0)?);
                Ok(())
            })?;
            heads = chain_heads(db)?;
            files = db.query_vec(
                "SELECT sha256 FROM evidence UNION SELECT file_sha256 FROM telemetry_imports
                 ORDER BY 1",
                &[],
                |r| r.get(0),
            )?;
            Ok(())
        })?;
        let unmapped: Vec<&String> = names.iter().filter(|n| !map.contains_key(*n)).collect();
        if !unmapped.is_empty() {
            let list: Vec<&str> = unmapped.iter().map(|s| s.as_str()).collect();
            return Err(StoreError::invalid(format!(
                "unmapped solo user(s): {}; give --map NAME=LOGIN for each",
                list.join(", ")
            )));
        }
        let logins: BTreeMap<String, String> = map
            .iter()
            .filter(|(n, _)| names.contains(*n))
            .map(|(n, l)| (n.clone(), l.clone()))
            .collect();
        let mut seen = BTreeSet::new();
        for login in logins.values() {
            if !seen.insert(login) {
                return Err(StoreError::invalid(format!(
                    "--map: the login {login} is given for two names; one login answers for one name"
                )));
            }
        }

        // The push's functions come with team init (idempotent; the owner's to run).
        let ready =
            self.read_value_bool("SELECT to_regprocedure('vetdesk_push_begin()') IS NOT NULL")?;
        if !ready {
            team::init(target)?;
        }

        // The files are read from the solo directory (re-hashed on the way) into the team
        // database's chunks, in the push's transaction below.
        let from = solo.files();
        let mut shas = Vec::with_capacity(files.len());
        for sha in &files {
            let sha: Sha256Hex = sha.parse().map_err(|_| {
                StoreError::Corrupt(format!(
                    "{sha} is not a SHA-256 (evidence of the solo directory)"
                ))
            })?;
            shas.push(sha);
        }
        copy_payment_key(solo, self)?;

        let mut rows = BTreeMap::new();
        let mut pushed_heads = BTreeMap::new();
        self.transaction(|db| {
            // Refuses a non-admin and a database that already has a history.
            db.execute("SELECT vetdesk_push_begin()", &[])?;
            for (name, login) in &logins {
                let can_login: Option<bool> = db.query_optional(
                    "SELECT rolcanlogin FROM pg_roles WHERE rolname = ?1",
                    &[Value::Text(login.clone())],
                    |r| r.get(0),
                )?;
                if can_login != Some(true) {
                    return Err(StoreError::invalid(format!(
                        "--map {name}={login}: there is no login {login} in this database's cluster"
                    )));
                }
                if let Some(role) = roles.get(name) {
                    db.execute_batch(&format!(
                        "GRANT {} TO \"{}\"",
                        team::group_role(*role),
                        login.replace('"', "\"\"")
                    ))?;
                }
            }
            // The evidence bytes, before any row that names them.
            for sha in &shas {
                let mut reader = from.open(sha)?;
                let size = reader.len();
                evidence_chunks::put(db, sha, size, &mut reader).map_err(|e| match e {
                    StoreError::Corrupt(_) => StoreError::Corrupt(format!(
                        "the solo directory's evidence file {sha} no longer hashes to its name; \
                         run `vetdesk verify` on it (nothing was pushed)"
                    )),
                    other => other,
                })?;
            }
            for table in TABLES {
                let n = copy_table(solo, db, table)?;
                rows.insert(table.to_string(), n);
            }
            let mut entries = 0;
            solo.backend.read(&mut |sdb| {
                sdb.query(
                    "SELECT kind, ref_id, case_id, candidate_id, title, body FROM search_index
                     ORDER BY rowid",
                    &[],
                    &mut |r| {
                        let kind: SearchKind = r.get(0)?;
                        db.search_put(&SearchEntry {
                            kind,
                            ref_id: r.get(1)?,
                            case_id: r.get(2)?,
                            candidate_id: r.get(3)?,
                            title: &r.get::<String>(4)?,
                            body: &r.get::<String>(5)?,
                        })?;
                        entries += 1;
                        Ok(())
                    },
                )?;
                Ok(())
            })?;
            rows.insert("search_index".into(), entries);
            db.execute(
                "SELECT setval(pg_get_serial_sequence('audit_log', 'id'), max(id))
                 FROM audit_log HAVING count(*) > 0",
                &[],
            )?;
            for (name, login) in &logins {
                db.execute(
                    "SELECT vetdesk_push_map(?1, ?2)",
                    &[Value::Text(name.clone()), Value::Text(login.clone())],
                )?;
            }
            pushed_heads = chain_heads(db)?;
            if pushed_heads != heads {
                return Err(StoreError::Corrupt(
                    "the pushed chains do not end where the solo ones do; nothing was written"
                        .into(),
                ));
            }
            Ok(())
        })?;
        Ok(Pushed { rows, files: files.len() as u64, heads: pushed_heads, logins })
    }

    fn read_value_bool(&self, sql: &str) -> Result<bool> {
        let mut out = false;
        self.backend.read(&mut |db| {
            out = db.query_value(sql, &[])?;
            Ok(())
        })?;
        Ok(out)
    }
}

/// Every chain's last hash.
fn chain_heads(db: &dyn Db) -> Result<BTreeMap<String, String>> {
    let heads = db.query_vec(
        "SELECT a.chain, a.hash FROM audit_log a
         JOIN (SELECT chain, max(seq) AS seq FROM audit_log GROUP BY chain) t
           ON t.chain = a.chain AND t.seq = a.seq",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(heads.into_iter().collect())
}

/// Copies `table` row for row from the solo database into `db` (in insertion order, so that an
/// identity column the database numbers itself comes out as the solo row ids did); returns the
/// rows copied.
fn copy_table(solo: &Store, db: &dyn Db, table: &str) -> Result<u64> {
    let columns: Vec<String> = db.query_vec(
        "SELECT column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ?1
           AND NOT (is_identity = 'YES' AND identity_generation = 'ALWAYS')
         ORDER BY ordinal_position",
        &[Value::Text(table.to_string())],
        |r| r.get(0),
    )?;
    if columns.is_empty() {
        return Err(StoreError::Corrupt(format!("the team database has no table {table}")));
    }
    let list = columns.join(", ");
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let insert = format!("INSERT INTO {table} ({list}) VALUES ({})", placeholders.join(", "));
    // Tables without a rowid keep no insertion order; their key orders them.
    let order = if matches!(
        table,
        "checklist_items" | "item_evidence" | "ip_ranges" | "telemetry_events"
    ) {
        "1"
    } else {
        "rowid"
    };
    let mut statement = db.prepare(&insert)?;
    let mut n = 0u64;
    solo.backend.read(&mut |sdb| {
        sdb.query(&format!("SELECT {list} FROM {table} ORDER BY {order}"), &[], &mut |r| {
            let values: Vec<Value> =
                (0..r.width()).map(|i| r.get::<Value>(i)).collect::<super::db::DbResult<_>>()?;
            statement.execute(&values)?;
            n += 1;
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(n)
}

/// The payment key names the same account with the same hash in both modes: copied when this
/// data directory has none; a different one already here is refused.
fn copy_payment_key(solo: &Store, team: &Store) -> Result<()> {
    let from = solo.dir.root.join(super::secret::KEY_FILE);
    let into = team.dir.root.join(super::secret::KEY_FILE);
    if !from.is_file() {
        return Ok(());
    }
    let bytes =
        std::fs::read(&from).map_err(|e| StoreError::io("cannot read the payment key", e))?;
    match std::fs::read(&into) {
        Ok(existing) if existing == bytes => Ok(()),
        Ok(_) => Err(StoreError::invalid(format!(
            "{} holds another payment key than the solo directory's; account hashes would no longer match (move it away first)",
            into.display()
        ))),
        Err(_) => {
            std::fs::write(&into, &bytes)
                .map_err(|e| StoreError::io(format!("cannot write {}", into.display()), e))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&into, std::fs::Permissions::from_mode(0o600));
            }
            Ok(())
        }
    }
}
