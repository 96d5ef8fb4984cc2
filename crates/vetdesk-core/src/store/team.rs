//! Team mode: a store on a shared PostgreSQL database where every person signs in with their
//! own login. Who acts is the login, never a name given by the client; the database's roles,
//! grants and triggers (db/postgres/team.sql) enforce the rules for any client. This file is
//! the store's side: `team init` and the logins of members.

use super::db::postgres::team;
use super::{Applied, Clock, DataDir, Result, Store, StoreError};
use crate::change::Change;
use crate::model::Role;

/// What `vetdesk team init` did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TeamInit {
    /// The login that ran it: the database owner, and the first Vetdesk admin.
    pub admin: String,
    pub schema_version: u32,
    /// Whether the admin's user was added now (false when the team already had users).
    pub added_admin: bool,
}

impl Store {
    /// Creates or brings up to date a team database as its owner: the schema, the group roles
    /// with their grants and triggers, and the owner as the first Vetdesk admin. Safe to run
    /// again; a database written by a newer Vetdesk is refused.
    pub fn team_init(dir: DataDir, url: &str, clock: Clock) -> Result<(Store, TeamInit)> {
        Store::team_init_with_password(dir, url, None, clock)
    }

    /// As [`Store::team_init`], with a password typed at a prompt.
    pub fn team_init_with_password(
        dir: DataDir,
        url: &str,
        password: Option<&str>,
        clock: Clock,
    ) -> Result<(Store, TeamInit)> {
        let store = Store::open_postgres_with_password(dir, url, password, clock)?;
        let target = store.team.clone().ok_or_else(|| StoreError::invalid("not a team store"))?;
        team::init(&target)?;
        let admin = target.user().to_string();
        let added_admin = if store.users()?.is_empty() {
            store.apply(
                &admin,
                Change::AddUser {
                    id: None,
                    name: admin.clone(),
                    display_name: admin.clone(),
                    role: Role::Admin,
                },
            )?;
            true
        } else {
            false
        };
        let schema_version = super::db::postgres::schema_version();
        Ok((store, TeamInit { admin, schema_version, added_admin }))
    }

    /// The login this store acts as, in team mode (`None` in solo mode).
    pub fn team_login(&self) -> Option<&str> {
        self.team.as_ref().map(|t| t.user())
    }

    /// `login@host:port/database` of the team database, for the app's header (never the
    /// password); `None` in solo mode.
    pub fn team_database(&self) -> Option<String> {
        self.team.as_ref().map(|t| t.describe())
    }

    /// A connection of its own that listens for appended audit records (team mode only): the
    /// app's live updates, without polling.
    pub fn listen_audit(&self) -> Result<super::AuditListener> {
        super::AuditListener::start(self.team_target()?)
    }

    fn team_target(&self) -> Result<&super::db::postgres::Target> {
        self.team.as_ref().ok_or_else(|| {
            StoreError::invalid("this is a solo data directory; logins exist only in team mode")
        })
    }

    /// Adds a member: a database login `name` with a SCRAM-SHA-256 password, granted the group
    /// role of `role`, and the Vetdesk user of the same name (recorded as any user is). Run by
    /// an admin login with CREATEROLE.
    pub fn team_add_member(
        &self,
        name: &str,
        display_name: &str,
        role: Role,
        password: &str,
    ) -> Result<Applied> {
        let target = self.team_target()?;
        let actor = target.user().to_string();
        let name = super::rules::valid_user_name(name)?;
        // The store's own rules first (an admin, a new name), so that nothing is created for a
        // change it would refuse.
        let admin = self.user(&actor)?;
        if admin.role != Role::Admin || !admin.active {
            return Err(StoreError::Forbidden {
                actor: actor.clone(),
                role: admin.role.to_string(),
                action: "add team members".into(),
            });
        }
        team::create_login(target, &name, role, password)?;
        let change = Change::AddUser {
            id: None,
            name: name.clone(),
            display_name: display_name.into(),
            role,
        };
        match self.apply(&actor, change) {
            Ok(applied) => Ok(applied),
            Err(e) => {
                let _ = team::drop_login(target, &name);
                Err(e)
            }
        }
    }

    /// Changes a member's role: the recorded change, then the login's group role.
    pub fn team_set_role(&self, name: &str, role: Role) -> Result<Applied> {
        let target = self.team_target()?;
        let applied =
            self.apply(target.user(), Change::SetUserRole { name: name.to_string(), role })?;
        team::set_login_role(target, name, role)?;
        Ok(applied)
    }

    /// Deactivates (or reactivates) a member: the recorded change, then NOLOGIN (or LOGIN).
    pub fn team_set_active(&self, name: &str, active: bool) -> Result<Applied> {
        let target = self.team_target()?;
        let applied =
            self.apply(target.user(), Change::SetUserActive { name: name.to_string(), active })?;
        team::set_login_active(target, name, active)?;
        Ok(applied)
    }
}

/// Whom a team database URL signs in as, read without connecting: for a sign-in screen that
/// shows the login before the password is typed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TeamSignIn {
    /// The login (from the URL, else `PGUSER`, else the OS user).
    pub login: String,
    /// `login@host:port/database`, never a password.
    pub database: String,
}

/// Reads `url` (libpq form) as the store would connect with it; a bad URL is refused with the
/// reason, nothing is connected.
pub fn team_sign_in(url: &str) -> Result<TeamSignIn> {
    let target = super::db::postgres::Target::parse(url, None)?;
    Ok(TeamSignIn { login: target.user().to_string(), database: target.describe() })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_table_verify_compares_needs_its_audit_record_in_team_mode() {
        for (table, _) in super::super::verify::STATE_TABLES {
            assert!(
                super::team::AUDITED_TABLES.contains(table),
                "{table} is not guarded in team mode"
            );
        }
    }
}
