//! Team mode in the database: the group roles, their grants and the triggers that enforce the
//! store's rules against any client (`team.sql`, applied by `vetdesk team init`), and the
//! logins of a team's members (`vetdesk user add/set-role/deactivate` in team mode).

use super::{PgConn, Target};
use crate::model::Role;
use crate::store::StoreError;

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
