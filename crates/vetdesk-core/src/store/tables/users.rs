//! The `users` table: who acts, with which role.

use crate::model::{Role, Timestamp, User, UserId};
use crate::store::Result;
use crate::store::db::{Db, DbResult, Row, params};

const COLUMNS: &str =
    "id, name, display_name, role, active, created_at, switch_password IS NOT NULL";

fn from_row(r: &Row<'_>) -> DbResult<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        display_name: r.get(2)?,
        role: r.get(3)?,
        active: r.get(4)?,
        created_at: r.get(5)?,
        switch_password: r.get(6)?,
    })
}

pub(crate) fn list(db: &dyn Db) -> Result<Vec<User>> {
    Ok(db.query_vec(&format!("SELECT {COLUMNS} FROM users ORDER BY name"), &[], from_row)?)
}

pub(crate) fn get(db: &dyn Db, name: &str) -> Result<Option<User>> {
    Ok(db.query_optional(
        &format!("SELECT {COLUMNS} FROM users WHERE name = ?1"),
        params![name],
        from_row,
    )?)
}

pub(crate) fn count(db: &dyn Db) -> Result<i64> {
    Ok(db.query_value("SELECT count(*) FROM users", &[])?)
}

/// Whether no active admin but `name` is left.
pub(crate) fn last_active_admin(db: &dyn Db, name: &str) -> Result<bool> {
    let others: i64 = db.query_value(
        "SELECT count(*) FROM users WHERE role = ?1 AND active = ?2 AND name != ?3",
        params![Role::Admin, true, name],
    )?;
    Ok(others == 0)
}

pub(crate) fn insert(
    db: &dyn Db,
    id: UserId,
    name: &str,
    display_name: &str,
    role: Role,
    at: &Timestamp,
) -> Result<()> {
    db.execute(
        "INSERT INTO users (id, name, display_name, role, active, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, name, display_name, role, true, at],
    )?;
    Ok(())
}

pub(crate) fn set_role(db: &dyn Db, name: &str, role: Role) -> Result<()> {
    db.execute("UPDATE users SET role = ?2 WHERE name = ?1", params![name, role])?;
    Ok(())
}

pub(crate) fn set_switch_password(db: &dyn Db, name: &str, hash: Option<&str>) -> Result<()> {
    db.execute("UPDATE users SET switch_password = ?2 WHERE name = ?1", params![name, hash])?;
    Ok(())
}

/// The Argon2id hash of a user's switching password, if one is required.
pub(crate) fn switch_password(db: &dyn Db, name: &str) -> Result<Option<String>> {
    Ok(db
        .query_optional("SELECT switch_password FROM users WHERE name = ?1", params![name], |r| {
            r.get::<Option<String>>(0)
        })?
        .flatten())
}

pub(crate) fn set_active(db: &dyn Db, name: &str, active: bool) -> Result<()> {
    db.execute("UPDATE users SET active = ?2 WHERE name = ?1", params![name, active])?;
    Ok(())
}
