//! Team mode in the database: the group roles, their grants and the triggers that enforce the
//! store's rules against any client (`team.sql`, applied by `vetdesk team init`), and the
//! logins of a team's members (`vetdesk user add/set-role/deactivate` in team mode).

use super::{PgConn, Target, migrate};
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

/// Applies the roles, grants and triggers (idempotent), as the owner, in one transaction. Every
/// function this build defines is made again first from its shipped text, so a function body
/// edited in place (a row rule's helper, a trigger's function) is put back as a dropped trigger
/// is, and the row rules are then made from the shipped list.
pub(crate) fn init(target: &Target) -> Result<(), StoreError> {
    let conn = PgConn::new(target.connect()?);
    conn.batch("BEGIN")?;
    // team.sql makes its own functions again (after the tables they read); the migrations'
    // are made here, before team.sql makes the row rules with them.
    let functions: String = shipped_functions()
        .iter()
        .filter(|f| !f.in_team_sql)
        .map(|f| f.definition.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    if let Err(e) = conn.batch(&functions).and_then(|()| conn.batch(TEAM_SQL)) {
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

/// A function the shipped SQL (the migrations, then team.sql) defines: its name, its whole
/// definition (as `CREATE OR REPLACE`), its body as PostgreSQL keeps it (`pg_proc.prosrc` is
/// the text between the dollar quotes, byte for byte), whether it runs with its owner's rights
/// and its `SET` (as `pg_proc.proconfig` keeps it). Where two files define a name, the later
/// one is what a database that ran both holds.
pub(crate) struct ShippedFunction {
    name: &'static str,
    definition: String,
    body: &'static str,
    security_definer: bool,
    config: Option<String>,
    in_team_sql: bool,
}

/// Every function this build's SQL defines (`CREATE [OR REPLACE] FUNCTION name(…) … AS $$ body
/// $$`), the later definition of a name replacing the earlier.
pub(crate) fn shipped_functions() -> Vec<ShippedFunction> {
    let mut found: Vec<ShippedFunction> = Vec::new();
    for sql in migrate::shipped_sql().chain([TEAM_SQL]) {
        let in_team_sql = std::ptr::eq(sql, TEAM_SQL);
        let mut rest = sql;
        while let Some(at) = rest.find("FUNCTION ") {
            let before = &rest[..at];
            let after = &rest[at + "FUNCTION ".len()..];
            rest = after;
            if !(before.ends_with("CREATE ") || before.ends_with("CREATE OR REPLACE ")) {
                continue;
            }
            let (Some(name_end), Some(open)) = (after.find('('), after.find("$$")) else {
                continue;
            };
            let Some(close) = after[open + 2..].find("$$").map(|c| open + 2 + c) else {
                continue;
            };
            let end = close + 2 + usize::from(after[close + 2..].starts_with(';'));
            let header = &after[..open];
            let config = header.find(" SET ").map(|s| {
                let set = header[s + " SET ".len()..].trim_end();
                let set = set.strip_suffix("AS").unwrap_or(set).trim_end();
                set.replacen(" = ", "=", 1)
            });
            let name = after[..name_end].trim();
            found.retain(|f| f.name != name);
            found.push(ShippedFunction {
                name,
                definition: format!("CREATE OR REPLACE FUNCTION {}", &after[..end]),
                body: &after[open + 2..close],
                security_definer: header.contains("SECURITY DEFINER"),
                config,
                in_team_sql,
            });
            rest = &after[end..];
        }
    }
    found
}

/// A row rule this build ships, as the server renders it: (table, policy, `polcmd`, the USING
/// condition, the WITH CHECK condition), both as `pg_get_expr` gives them.
pub(crate) type ShippedRule = (String, String, String, Option<String>, Option<String>);

/// The shipped row rules rendered by the server, or why they could not be.
pub(crate) type Shipped = Result<Vec<ShippedRule>, String>;

/// Renders the row rules this build ships, to compare the database's with (`verify`). Why this
/// can be trusted: the conditions come from the SQL compiled into this binary (the list of
/// migration 0012 and team.sql's policies on `evidence_chunk`), never from anything stored in
/// the database, whose owner could change a stored copy together with the rule. The server
/// only parses and prints them: in a transaction of the verifying login's own that is always
/// rolled back, each rule is created on a temporary table of the same name and columns
/// (`LIKE` the real one; a temporary table is found first, so the rule's own table resolves to
/// it and every other name to what the real rule's names resolve to), then printed with
/// `pg_get_expr` exactly as the real rule is printed. Two renderings by the same server in the
/// same session differ only when the conditions differ. A login without the right to make
/// temporary tables gets the reason instead, and `verify` says the conditions were not compared.
pub(crate) fn render_shipped_rules(conn: &PgConn) -> Shipped {
    let rendered = conn.batch("BEGIN").map_err(|e| e.message).and_then(|()| {
        let out = render_in_transaction(conn);
        let _ = conn.batch("ROLLBACK");
        out
    });
    // The scratch objects are gone: no statement prepared on them may be used again.
    conn.statements.borrow_mut().clear();
    rendered
}

fn render_in_transaction(conn: &PgConn) -> Shipped {
    let db: &dyn Db = conn;
    let initialised: bool = db
        .query_value("SELECT to_regclass('vetdesk_audited') IS NOT NULL", &[])
        .map_err(|e| e.message)?;
    if !initialised {
        return Ok(Vec::new());
    }
    let functions = shipped_functions();
    let list = functions
        .iter()
        .find(|f| f.name == "vetdesk_row_rule_list")
        .ok_or("this build ships no vetdesk_row_rule_list()")?;
    let scratch = list.definition.replacen(
        "CREATE OR REPLACE FUNCTION vetdesk_row_rule_list()",
        "CREATE FUNCTION pg_temp.vetdesk_shipped_row_rules()",
        1,
    );
    conn.batch(&scratch).map_err(|e| e.message)?;
    let listed: Vec<(String, String, String, String)> = db
        .query_vec(
            "SELECT table_name, policy_name, command, rule
             FROM pg_temp.vetdesk_shipped_row_rules()",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(|e| e.message)?;
    // As vetdesk_row_rules() makes them.
    let mut statements: Vec<(String, String, String)> = listed
        .into_iter()
        .map(|(table, policy, command, rule)| {
            let statement = if command == "INSERT" {
                format!("CREATE POLICY \"{policy}\" ON \"{table}\" FOR INSERT WITH CHECK ({rule})")
            } else {
                format!("CREATE POLICY \"{policy}\" ON \"{table}\" FOR {command} USING ({rule})")
            };
            (table, policy, statement)
        })
        .collect();
    statements.extend(shipped_policy_statements());
    let mut rendered = Vec::with_capacity(statements.len());
    for (table, policy, statement) in statements {
        conn.batch(&format!(
            "SAVEPOINT shipped; CREATE TEMP TABLE \"{table}\" (LIKE \"{table}\"); {statement};"
        ))
        .map_err(|e| format!("{table}: {}", e.message))?;
        let row: Option<(String, Option<String>, Option<String>)> = db
            .query_optional(
                "SELECT polcmd::text, pg_get_expr(polqual, polrelid),
                        pg_get_expr(polwithcheck, polrelid)
                 FROM pg_policy WHERE polrelid = to_regclass(?1) AND polname = ?2",
                &[Value::Text(format!("pg_temp.{table}")), Value::Text(policy.clone())],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| e.message)?;
        conn.batch("ROLLBACK TO SAVEPOINT shipped").map_err(|e| e.message)?;
        let (command, qual, check) =
            row.ok_or_else(|| format!("{table}: the rule {policy} was not made"))?;
        rendered.push((table, policy, command, qual, check));
    }
    Ok(rendered)
}

/// The `CREATE POLICY` statements of team.sql (the evidence bytes' rules): (table, policy,
/// statement).
fn shipped_policy_statements() -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut rest = TEAM_SQL;
    while let Some(at) = rest.find("\nCREATE POLICY ") {
        let statement = &rest[at + 1..];
        let end = statement.find(';').unwrap_or(statement.len());
        let statement = &statement[..end];
        let words: Vec<&str> = statement.split_whitespace().collect();
        if let (Some(policy), Some(table)) = (words.get(2), words.get(4)) {
            found.push((table.to_string(), policy.to_string(), statement.to_string()));
        }
        rest = &rest[at + 1 + end..];
    }
    found
}

/// What `verify` names in a team database whose protections were weakened: a trigger of
/// team.sql dropped, disabled or pointed elsewhere, a function of Vetdesk's changed, a right on
/// the audit log or ledger, or on users and policy, given back to a group, a row rule missing,
/// disabled or with another condition than this build's (`shipped`, when rendered). Nothing
/// before `team init` (a plain store).
pub(crate) fn protection_problems(
    db: &dyn Db,
    shipped: Option<&Shipped>,
) -> DbResult<Vec<(String, String)>> {
    let initialised: bool =
        db.query_value("SELECT to_regclass('vetdesk_audited') IS NOT NULL", &[])?;
    if !initialised {
        return Ok(Vec::new());
    }
    let mut problems = Vec::new();
    // (table, trigger, function, tgtype, deferred constraint trigger) as team.sql makes them.
    // tgtype bits: 1 row, 2 before, 4 insert, 8 delete, 16 update. Same name and function is
    // not enough: remade on fewer events, with a WHEN or `UPDATE OF` condition, not deferred,
    // or enabled for replication sessions only, it would let changes through.
    let mut triggers: Vec<(String, String, &str, i64, bool)> = vec![
        ("audit_log".into(), "audit_log_append".into(), "vetdesk_audit_append", 1 | 2 | 4, false),
        ("cases".into(), "cases_duties".into(), "vetdesk_case_duties", 1 | 2 | 4 | 16, false),
    ];
    for t in AUDITED_TABLES {
        let name = format!("{t}_audited");
        triggers.push((t.to_string(), name, "vetdesk_require_audit", 1 | 4 | 8 | 16, true));
    }
    for (table, trigger, function, kind, deferred) in triggers {
        let enabled: Option<bool> = db.query_optional(
            "SELECT t.tgenabled IN ('O', 'A') AND p.proname = ?3 AND t.tgtype = ?4
                    AND t.tgqual IS NULL AND cardinality(t.tgattr::int2[]) = 0
                    AND t.tgdeferrable = ?5 AND t.tginitdeferred = ?5
                    AND (t.tgconstraint <> 0) = ?5
             FROM pg_trigger t
             JOIN pg_proc p ON p.oid = t.tgfoid
             WHERE t.tgrelid = to_regclass(?1) AND t.tgname = ?2",
            &[
                Value::Text(table.clone()),
                Value::Text(trigger.clone()),
                Value::Text(function.into()),
                Value::Integer(kind),
                Value::Bool(deferred),
            ],
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
    function_problems(db, &mut problems)?;
    match shipped {
        Some(Ok(rules)) => condition_problems(db, rules, &mut problems)?,
        Some(Err(why)) => problems.push((
            "schema".into(),
            format!(
                "the row rules' conditions could not be compared with this Vetdesk's ({why}): \
                 verify as a login that may create temporary tables"
            ),
        )),
        None => {}
    }
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

/// Each row rule whose condition (USING or WITH CHECK) is not what this build ships: a rule
/// edited in place (`ALTER POLICY … USING (true)`) keeps its name, command and roles.
fn condition_problems(
    db: &dyn Db,
    shipped: &[ShippedRule],
    problems: &mut Vec<(String, String)>,
) -> DbResult<()> {
    for (table, policy, command, qual, check) in shipped {
        let found: Option<(String, Option<String>, Option<String>)> = db.query_optional(
            "SELECT polcmd::text, pg_get_expr(polqual, polrelid), pg_get_expr(polwithcheck, polrelid)
             FROM pg_policy WHERE polrelid = to_regclass(?1) AND polname = ?2",
            &[Value::Text(table.clone()), Value::Text(policy.clone())],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        // A missing rule, or one of another command, is named by `row_rule_problems`.
        let Some((found_command, found_qual, found_check)) = found else { continue };
        if found_command == *command && (&found_qual, &found_check) != (qual, check) {
            problems.push((
                table.clone(),
                format!(
                    "the row rule {policy} has another condition than Vetdesk's ({}): hidden cases \
                     may be visible",
                    found_qual.or(found_check).unwrap_or_else(|| "none".into())
                ),
            ));
        }
    }
    Ok(())
}

/// Each function of Vetdesk's (the row rules' helpers, the triggers' functions, the SECURITY
/// DEFINER doors) whose body, rights or settings are not what this build ships: a trigger or a
/// row rule that calls it by name would run whatever it now says.
fn function_problems(db: &dyn Db, problems: &mut Vec<(String, String)>) -> DbResult<()> {
    for f in shipped_functions() {
        let found: Vec<(String, bool, Option<String>)> = db.query_vec(
            "SELECT p.prosrc, p.prosecdef, array_to_string(p.proconfig, ';') FROM pg_proc p
             WHERE p.proname = ?1
               AND p.pronamespace = (SELECT relnamespace FROM pg_class
                                     WHERE oid = to_regclass('cases'))",
            &[Value::Text(f.name.to_string())],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let expected = (f.body, f.security_definer, f.config.as_deref());
        if found.is_empty() {
            problems.push((
                "schema".into(),
                format!("the function {}() is missing: run `vetdesk team init`", f.name),
            ));
        } else if found
            .iter()
            .any(|(body, definer, config)| (body.as_str(), *definer, config.as_deref()) != expected)
        {
            problems.push((
                "schema".into(),
                format!(
                    "the function {}() is not Vetdesk's: its body, rights or settings were \
                     changed (`vetdesk team init` puts it back)",
                    f.name
                ),
            ));
        }
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
    fn the_shipped_functions_and_policies_are_read_whole() {
        let functions = shipped_functions();
        let names: Vec<&str> = functions.iter().map(|f| f.name).collect();
        for name in [
            "vetdesk_refuse_change",
            "julianday",
            "vetdesk_row_rule_list",
            "vetdesk_sees_every_case",
            "vetdesk_case_visible",
            "vetdesk_require_audit",
            "vetdesk_audit_append",
            "vetdesk_case_duties",
            "vetdesk_erase_evidence",
            "vetdesk_refresh_statistics",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        assert_eq!(names.len(), 18, "{names:?}");
        let statistics = functions.iter().find(|f| f.name == "vetdesk_refresh_statistics").unwrap();
        assert!(statistics.security_definer);
        assert!(statistics.body.contains("ANALYZE (SKIP_LOCKED)"), "{}", statistics.body);
        let visible = functions.iter().find(|f| f.name == "vetdesk_case_visible").unwrap();
        assert!(visible.body.contains("case_kind NOT IN ('investigation', 'monitoring')"));
        assert!(!visible.security_definer);
        assert_eq!(visible.config.as_deref(), Some("search_path=public, pg_temp"));
        assert!(visible.definition.ends_with("$$;"), "{}", visible.definition);
        let refuse = functions.iter().find(|f| f.name == "vetdesk_refuse_change").unwrap();
        assert_eq!(refuse.config, None);
        let policies: Vec<(String, String)> =
            shipped_policy_statements().into_iter().map(|(t, p, _)| (t, p)).collect();
        assert_eq!(
            policies,
            [
                ("evidence_chunk".to_string(), "evidence_chunk_read".to_string()),
                ("evidence_chunk".into(), "evidence_chunk_add".into())
            ]
        );
    }

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
