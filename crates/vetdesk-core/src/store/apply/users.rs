//! Users: adding them, their roles, deactivating them (admins only; the very first user adds
//! themself). At least one active admin always remains.

use super::{missing_id, not_mine};
use crate::change::Change;
use crate::model::{Field, Role, Timestamp, User};
use crate::store::db::Db;
use crate::store::rules::{self, Action, optional, require};
use crate::store::tables::{next_id, users};
use crate::store::{Result, StoreError};

pub(super) fn resolve(db: &dyn Db, user: &User, change: Change) -> Result<Change> {
    Ok(match change {
        Change::AddUser { name, display_name, role, .. } => {
            // The first user (id 0: not stored yet) adds themself.
            if user.id != 0 {
                require(user, Action::ManageUsers, "add users")?;
            }
            let name = rules::valid_user_name(&name)?;
            if users::get(db, &name)?.is_some() {
                return Err(StoreError::conflict(format!("a user named {name} already exists"))
                    .at(Field::Name));
            }
            let display_name =
                optional(Field::DisplayName, "display name", Some(&display_name), 200)?
                    .unwrap_or_else(|| name.clone());
            Change::AddUser { id: Some(next_id(db, "users")?), name, display_name, role }
        }
        Change::SetUserRole { name, role } => {
            require(user, Action::ManageUsers, "change roles")?;
            let target =
                users::get(db, &name)?.ok_or_else(|| StoreError::not_found("user", &name))?;
            if target.role == role {
                return Err(StoreError::conflict(format!("{name} already has role {role}")));
            }
            if target.role == Role::Admin && users::last_active_admin(db, &name)? {
                return Err(StoreError::conflict(format!("{name} is the last active admin")));
            }
            Change::SetUserRole { name, role }
        }
        Change::SetUserActive { name, active } => {
            require(user, Action::ManageUsers, "activate or deactivate users")?;
            let target =
                users::get(db, &name)?.ok_or_else(|| StoreError::not_found("user", &name))?;
            if target.active == active {
                return Err(StoreError::conflict(format!(
                    "{name} is already {}",
                    if active { "active" } else { "deactivated" }
                )));
            }
            if !active && target.role == Role::Admin && users::last_active_admin(db, &name)? {
                return Err(StoreError::conflict(format!("{name} is the last active admin")));
            }
            Change::SetUserActive { name, active }
        }
        Change::SetSwitchPassword { name, password_hash } => {
            require(user, Action::ManageUsers, "set switching passwords")?;
            let target =
                users::get(db, &name)?.ok_or_else(|| StoreError::not_found("user", &name))?;
            if let Some(hash) = &password_hash
                && !vetdesk_crypto::is_password_hash(hash)
            {
                return Err(StoreError::invalid(
                    "a switching password is recorded only as an Argon2id hash",
                )
                .at(Field::Password));
            }
            if password_hash.is_none() && !target.switch_password {
                return Err(StoreError::conflict(format!("{name} has no switching password")));
            }
            Change::SetSwitchPassword { name, password_hash }
        }
        other => return Err(not_mine("user", &other)),
    })
}

pub(super) fn write(db: &dyn Db, at: &Timestamp, change: &Change) -> Result<()> {
    match change {
        Change::AddUser { id, name, display_name, role } => {
            users::insert(db, id.ok_or_else(|| missing_id(change))?, name, display_name, *role, at)
        }
        Change::SetUserRole { name, role } => users::set_role(db, name, *role),
        Change::SetUserActive { name, active } => users::set_active(db, name, *active),
        Change::SetSwitchPassword { name, password_hash } => {
            users::set_switch_password(db, name, password_hash.as_deref())
        }
        other => Err(not_mine("user", other)),
    }
}
