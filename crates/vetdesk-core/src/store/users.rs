//! Local users: who acts, with which role.

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use crate::model::{Role, Timestamp, User, UserId};

const COLUMNS: &str = "id, name, display_name, role, active, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        display_name: r.get(2)?,
        role: r.get(3)?,
        active: r.get(4)?,
        created_at: r.get(5)?,
    })
}

pub(crate) fn list(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM users ORDER BY name"))?;
    let users = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(users)
}

pub(crate) fn get(conn: &Connection, name: &str) -> Result<Option<User>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM users WHERE name = ?1"), [name], from_row)
        .optional()?)
}

pub(crate) fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

pub(crate) fn next_id(conn: &Connection) -> Result<UserId> {
    Ok(conn.query_row("SELECT coalesce(max(id), 0) + 1 FROM users", [], |r| r.get(0))?)
}

pub(crate) fn insert(
    conn: &Connection,
    id: UserId,
    name: &str,
    display_name: &str,
    role: Role,
    at: &Timestamp,
) -> Result<()> {
    conn.execute(
        "INSERT INTO users (id, name, display_name, role, active, created_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5)",
        params![id, name, display_name, role, at],
    )?;
    Ok(())
}

pub(crate) fn set_role(conn: &Connection, name: &str, role: Role) -> Result<()> {
    conn.execute("UPDATE users SET role = ?2 WHERE name = ?1", params![name, role])?;
    Ok(())
}

pub(crate) fn set_active(conn: &Connection, name: &str, active: bool) -> Result<()> {
    conn.execute("UPDATE users SET active = ?2 WHERE name = ?1", params![name, active])?;
    Ok(())
}
