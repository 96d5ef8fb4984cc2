//! Team mode in the database: the group roles, their grants and the triggers that enforce the
//! store's rules against any client (`team.sql`, applied by `vetdesk team init`), and the
//! logins of a team's members (`vetdesk user add/set-role/deactivate` in team mode).

use super::{PgConn, Target};
use crate::model::Role;
use crate::store::StoreError;
use crate::store::db::{Db, DbResult, Value};

const TEAM_SQL: &str = include_str!("team.sql");

/// The group role of a Vetdesk role.
pub(crate) fn group_role(role: Role) -> &'static str {
    match role {
        Role::Reviewer => "vetdesk_reviewer",
        Role::Investigator => "vetdesk_investigator",
        Role::Compliance => "vetdesk_compliance",
        Role::Admin => "vetdesk_admin",
    }
}

const GROUPS: [&str; 4] =
    ["vetdesk_reviewer", "vetdesk_investigator", "vetdesk_compliance", "vetdesk_admin"];

/// Applies the roles, grants and triggers (idempotent), as the owner, in one transaction.
pub(crate) fn init(target: &Target) -> Result<(), StoreError> {
    let conn = PgConn::new(target.connect()?);
    conn.batch("BEGIN")?;
    if let Err(e) = conn.batch(TEAM_SQL) {
        let _ = conn.batch("ROLLBACK");
        let hint = if e.message.contains("permission denied") || e.message.contains("must be") {
            " (run `vetdesk team init` as the database owner, a login with CREATEROLE)"
        } else {
            ""
        };
        return Err(StoreError::invalid(format!("team init failed: {}{hint}", e.message)));
    }
    conn.batch("COMMIT")?;
    Ok(())
}

/// A login name as a quoted identifier. Names are checked by the store's rules first (lowercase
/// letters, digits, `.`, `_`, `-`); quoting keeps any other text an identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Creates the login `name` with a SCRAM-SHA-256 verifier of `password` (made here: the
/// password itself never reaches the server) and grants it the group role of `role`.
pub(crate) fn create_login(
    target: &Target,
    name: &str,
    role: Role,
    password: &str,
) -> Result<(), StoreError> {
    if password.chars().count() < 8 {
        return Err(StoreError::invalid("a team login's password has at least 8 characters"));
    }
    let verifier = postgres_protocol::password::scram_sha_256(password.as_bytes());
    let conn = PgConn::new(target.connect()?);
    // An admin manages logins, so an admin login may create roles (never the schema owner's
    // other rights).
    let createrole = if role == Role::Admin { " CREATEROLE" } else { "" };
    conn.batch(&format!(
        "BEGIN; CREATE ROLE {} LOGIN{createrole} PASSWORD '{verifier}'; GRANT {} TO {}; COMMIT;",
        ident(name),
        group_role(role),
        ident(name)
    ))
    .map_err(|e| {
        let _ = conn.batch("ROLLBACK");
        StoreError::invalid(format!("cannot create the login {name}: {}", e.message))
    })
}

/// Removes a login created by `create_login` whose user could not be recorded.
pub(crate) fn drop_login(target: &Target, name: &str) -> Result<(), StoreError> {
    let conn = PgConn::new(target.connect()?);
    conn.batch(&format!("DROP ROLE IF EXISTS {}", ident(name)))?;
    Ok(())
}

/// Gives `name` the group role of `role` and no other.
pub(crate) fn set_login_role(target: &Target, name: &str, role: Role) -> Result<(), StoreError> {
    let conn = PgConn::new(target.connect()?);
    let revoke: Vec<String> =
        GROUPS.iter().map(|g| format!("REVOKE {g} FROM {};", ident(name))).collect();
    let createrole = if role == Role::Admin { "CREATEROLE" } else { "NOCREATEROLE" };
    conn.batch(&format!(
        "BEGIN; {} GRANT {} TO {}; ALTER ROLE {} {createrole}; COMMIT;",
        revoke.join(" "),
        group_role(role),
        ident(name),
        ident(name)
    ))
    .map_err(|e| {
        let _ = conn.batch("ROLLBACK");
        StoreError::invalid(format!("cannot change the role of login {name}: {}", e.message))
    })
}

/// Lets `name` sign in, or not (NOLOGIN).
pub(crate) fn set_login_active(
    target: &Target,
    name: &str,
    active: bool,
) -> Result<(), StoreError> {
    let conn = PgConn::new(target.connect()?);
    let login = if active { "LOGIN" } else { "NOLOGIN" };
    conn.batch(&format!("ALTER ROLE {} {login}", ident(name))).map_err(|e| {
        StoreError::invalid(format!("cannot change whether {name} may sign in: {}", e.message))
    })
}

/// Every table whose changes need their audit record in the same transaction (the array in
/// team.sql; a test checks the two agree and that every table `verify` compares is here).
pub(crate) const AUDITED_TABLES: &[&str] = &[
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
    "employees",
    "employee_accounts",
    "employee_devices",
    "telemetry_imports",
    "telemetry_events",
    "policy",
    "link_keys",
    "address_history",
    "search_index",
    "person_keys",
    "evidence_chunk",
];

/// What `verify` names in a team database whose protections were weakened: a trigger of
/// team.sql dropped, disabled or pointed elsewhere, a right on the audit log or ledger, or on
/// users and policy, given back to a group. Nothing before `team init` (a plain store).
pub(crate) fn protection_problems(db: &dyn Db) -> DbResult<Vec<(String, String)>> {
    let initialised: bool =
        db.query_value("SELECT to_regclass('vetdesk_audited') IS NOT NULL", &[])?;
    if !initialised {
        return Ok(Vec::new());
    }
    let mut problems = Vec::new();
    let mut triggers: Vec<(String, String, String)> = vec![
        ("audit_log".into(), "audit_log_append".into(), "vetdesk_audit_append".into()),
        ("cases".into(), "cases_duties".into(), "vetdesk_case_duties".into()),
    ];
    for t in AUDITED_TABLES {
        triggers.push((t.to_string(), format!("{t}_audited"), "vetdesk_require_audit".into()));
    }
    for (table, trigger, function) in triggers {
        let enabled: Option<bool> = db.query_optional(
            "SELECT t.tgenabled <> 'D' AND p.proname = ?3 FROM pg_trigger t
             JOIN pg_proc p ON p.oid = t.tgfoid
             WHERE t.tgrelid = to_regclass(?1) AND t.tgname = ?2",
            &[Value::Text(table.clone()), Value::Text(trigger.clone()), Value::Text(function)],
            |r| r.get(0),
        )?;
        if enabled != Some(true) {
            problems.push((
                table,
                format!("the team-mode trigger {trigger} is missing, disabled or altered"),
            ));
        }
    }
    let forbidden: [(&str, &[&str], &str); 4] = [
        ("audit_log", &GROUPS, "UPDATE"),
        ("audit_log", &GROUPS, "DELETE"),
        ("ledger", &GROUPS, "UPDATE"),
        ("ledger", &GROUPS, "DELETE"),
    ];
    let mut checks: Vec<(String, String, String)> = forbidden
        .iter()
        .flat_map(|(t, roles, p)| {
            roles.iter().map(move |r| (t.to_string(), r.to_string(), p.to_string()))
        })
        .collect();
    for t in ["audit_log", "ledger"] {
        for r in GROUPS {
            checks.push((t.into(), r.into(), "TRUNCATE".into()));
        }
    }
    for r in GROUPS {
        for p in ["UPDATE", "DELETE", "TRUNCATE"] {
            checks.push(("evidence_chunk".into(), r.into(), p.into()));
        }
    }
    for t in ["users", "policy"] {
        for r in &GROUPS[..3] {
            for p in ["INSERT", "UPDATE", "DELETE"] {
                checks.push((t.into(), r.to_string(), p.into()));
            }
        }
    }
    row_rule_problems(db, &mut problems)?;
    for (table, role, privilege) in checks {
        let has: bool = db.query_value(
            "SELECT has_table_privilege(?1, ?2, ?3)",
            &[
                Value::Text(role.clone()),
                Value::Text(table.clone()),
                Value::Text(privilege.clone()),
            ],
        )?;
        if has {
            problems.push((table, format!("{role} may {privilege} it: the grant was given back")));
        }
    }
    let guarded: bool = db.query_value(
        "SELECT coalesce((SELECT relrowsecurity FROM pg_class
                          WHERE oid = to_regclass('evidence_chunk')), false)
            AND EXISTS (SELECT 1 FROM pg_policy WHERE polname = 'evidence_chunk_read'
                        AND polrelid = to_regclass('evidence_chunk') AND polcmd = 'r')",
        &[],
    )?;
    if !guarded {
        problems.push((
            "evidence_chunk".into(),
            "its row rule is missing or disabled: any login could read the evidence of cases it \
             may not see"
                .into(),
        ));
    }
    Ok(problems)
}

/// The row rules of migration 0012 (`vetdesk_row_rule_list()`): each table's row-level
/// security enabled, each listed policy present as listed (for every role, permissive, the
/// command listed), no other policy beside them that could open rows, and no member login or
/// group that bypasses row security.
fn row_rule_problems(db: &dyn Db, problems: &mut Vec<(String, String)>) -> DbResult<()> {
    let listed: bool =
        db.query_value("SELECT to_regprocedure('vetdesk_row_rule_list()') IS NOT NULL", &[])?;
    if !listed {
        problems.push((
            "schema".into(),
            "the row rules of team mode (vetdesk_row_rule_list) are missing: run `vetdesk team init`"
                .into(),
        ));
        return Ok(());
    }
    let disabled: Vec<String> = db.query_vec(
        "SELECT DISTINCT l.table_name FROM vetdesk_row_rule_list() l
         JOIN pg_class c ON c.oid = to_regclass(l.table_name)
         WHERE NOT c.relrowsecurity ORDER BY 1",
        &[],
        |r| r.get(0),
    )?;
    for table in disabled {
        problems.push((
            table,
            "row-level security is disabled: its row rule no longer hides investigation and monitoring cases"
                .into(),
        ));
    }
    let missing: Vec<(String, String)> = db.query_vec(
        "SELECT l.table_name, l.policy_name FROM vetdesk_row_rule_list() l
         WHERE NOT EXISTS (
             SELECT 1 FROM pg_policy p
             WHERE p.polrelid = to_regclass(l.table_name) AND p.polname = l.policy_name
               AND p.polpermissive AND p.polroles = '{0}'::oid[]
               AND p.polcmd = CASE l.command WHEN 'ALL' THEN '*' WHEN 'SELECT' THEN 'r'
                                             WHEN 'INSERT' THEN 'a' END)
         ORDER BY 1, 2",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (table, policy) in missing {
        problems.push((
            table,
            format!("the row rule {policy} is missing or altered: hidden cases may be visible"),
        ));
    }
    let extra: Vec<(String, String)> = db.query_vec(
        "SELECT c.relname::text, p.polname::text FROM pg_policy p
         JOIN pg_class c ON c.oid = p.polrelid
         WHERE p.polrelid IN (SELECT to_regclass(table_name) FROM vetdesk_row_rule_list())
           AND p.polname NOT IN (SELECT policy_name FROM vetdesk_row_rule_list())
         ORDER BY 1, 2",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    for (table, policy) in extra {
        problems.push((
            table,
            format!(
                "the policy {policy} is not one of Vetdesk's row rules: it may open hidden rows"
            ),
        ));
    }
    let bypass: Vec<String> = db.query_vec(
        "SELECT DISTINCT u.rolname::text FROM pg_roles u
         WHERE u.rolbypassrls AND NOT u.rolsuper
           AND (u.rolname IN ('vetdesk_reviewer', 'vetdesk_investigator',
                              'vetdesk_compliance', 'vetdesk_admin')
                OR EXISTS (SELECT 1 FROM pg_roles g
                           WHERE g.rolname IN ('vetdesk_reviewer', 'vetdesk_investigator',
                                               'vetdesk_compliance', 'vetdesk_admin')
                             AND pg_has_role(u.oid, g.oid, 'MEMBER')))
           AND u.oid <> (SELECT relowner FROM pg_class WHERE oid = to_regclass('cases'))
         ORDER BY 1",
        &[],
        |r| r.get(0),
    )?;
    for role in bypass {
        problems.push((
            format!("login {role}"),
            "bypasses row-level security (BYPASSRLS): it sees every hidden case".into(),
        ));
    }
    Ok(())
}

/// The name the session acts as, when the row rules hide some cases from it.
pub(crate) fn blind_login(db: &dyn Db) -> DbResult<Option<String>> {
    let ruled: bool =
        db.query_value("SELECT to_regprocedure('vetdesk_hidden_cases()') IS NOT NULL", &[])?;
    if !ruled {
        return Ok(None);
    }
    db.query_optional(
        "SELECT vetdesk_acting_name() WHERE NOT vetdesk_sees_every_case()
           AND NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = session_user
                           AND (r.rolsuper OR r.rolbypassrls
                                OR r.oid = (SELECT relowner FROM pg_class
                                            WHERE oid = 'cases'::regclass)))",
        &[],
        |r| r.get(0),
    )
}

/// The cases the session may not see under the row rules (none for the owner, or before the
/// rules exist).
pub(crate) fn hidden_cases(db: &dyn Db) -> DbResult<Vec<i64>> {
    let ruled: bool =
        db.query_value("SELECT to_regprocedure('vetdesk_hidden_cases()') IS NOT NULL", &[])?;
    if !ruled {
        return Ok(Vec::new());
    }
    db.query_vec("SELECT id FROM vetdesk_hidden_cases() AS h(id)", &[], |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (That every table `verify` compares is in the list is checked in `store/team.rs`, which
    /// may import `verify`; this module may not, as `verify` reads through `db`.)
    #[test]
    fn team_sql_guards_the_tables_listed_here() {
        // The guarded tables' loop is the one that starts with users.
        const OPENING: &str = "FOREACH t IN ARRAY ARRAY['users'";
        let start = TEAM_SQL.find(OPENING).map_or(0, |s| s + OPENING.len() - "'users'".len());
        let end = TEAM_SQL[start..].find("] LOOP").map_or(0, |e| start + e);
        let listed: Vec<&str> =
            TEAM_SQL[start..end].split(',').map(|t| t.trim().trim_matches('\'')).collect();
        assert_eq!(listed, AUDITED_TABLES);
    }
}
