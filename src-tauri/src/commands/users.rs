//! Local users and who of them is acting. The first user of a new data directory adds themself
//! (an admin) and acts from then on; after that, admins add users with `apply`, and the user
//! acting is chosen in the window (or preselected by `VETDESK_USER`).

use serde::Deserialize;
use tauri::State;
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::change::Change;
use vetdesk_core::model::{Role, User};
use vetdesk_core::store::Permissions;

use crate::error::AppError;
use crate::state::AppState;

/// Choose who is acting, or with `name` none, nobody.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SessionChoose {
    pub name: Option<String>,
    /// The user's switching password, when an admin requires one.
    #[serde(default)]
    #[ts(optional)]
    pub password: Option<String>,
}

/// Require a switching password for `name` (`None`: no longer). Hashed in the core; only the
/// hash is recorded.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SwitchPassword {
    pub name: String,
    pub password: Option<String>,
}

/// The first user of a data directory: an admin, who adds themself.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct FirstUser {
    pub name: String,
    pub display_name: String,
}

#[tauri::command]
pub async fn users_list(state: State<'_, AppState>) -> Result<Vec<User>, AppError> {
    state.read(|s| Ok(s.users()?)).await
}

/// What the acting user may do, as the store enforces it: the page offers only that.
#[tauri::command]
pub async fn user_permissions(state: State<'_, AppState>) -> Result<Permissions, AppError> {
    let actor = state.session.actor()?;
    state.read(move |s| Ok(s.permissions(&actor)?)).await
}

/// Makes `name` the acting user (an active user), or nobody; answers with the user.
#[tauri::command]
pub async fn session_choose(
    state: State<'_, AppState>,
    request: SessionChoose,
) -> Result<Option<User>, AppError> {
    // One indexed lookup: quick enough for the async runtime (this is not the main thread).
    state.session.choose(&state.store, request.name.as_deref(), request.password.as_deref())
}

/// Sets or removes a user's switching password (admins, as the store checks).
#[tauri::command]
pub async fn user_set_switch_password(
    state: State<'_, AppState>,
    request: SwitchPassword,
) -> Result<User, AppError> {
    state
        .write(move |s, actor| {
            let password = request.password.map(vetdesk_crypto::Passphrase::new);
            s.set_switch_password(actor, &request.name, password.as_ref())?;
            Ok(s.user(&request.name)?)
        })
        .await
}

/// Adds the first user of the data directory as an admin, who adds themself; they act from
/// then on. Refused once there is any user (admins add the others with `apply`).
pub fn add_first(store: &Store, user: FirstUser) -> Result<User, AppError> {
    let name = user.name.trim().to_string();
    let change = Change::AddUser {
        id: None,
        name: name.clone(),
        display_name: user.display_name,
        role: Role::Admin,
    };
    store.apply(&name, change)?;
    Ok(store.user(&name)?)
}

#[tauri::command]
pub async fn user_add_first(
    state: State<'_, AppState>,
    request: FirstUser,
) -> Result<User, AppError> {
    let user = state.read(move |s| add_first(s, request)).await?;
    state.changes.wake();
    state.session.choose(&state.store, Some(&user.name), None)?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn first(name: &str) -> FirstUser {
        FirstUser { name: name.into(), display_name: "Ada Admin".into() }
    }

    /// The store judges the name (the page no longer does): a refusal names the field.
    #[test]
    fn the_first_user_is_an_admin_and_a_bad_name_is_refused_at_its_field() {
        let (_dir, store) = Store::open_temp().unwrap();
        for bad in ["Ada", "", "9lives", "ada lovelace"] {
            let error = add_first(&store, first(bad)).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("name"), "{bad:?}: {error}");
            assert_eq!(error.code, ErrorCode::InvalidInput, "{bad:?}: {error}");
        }
        assert!(store.users().unwrap().is_empty(), "nothing was added");

        let ada = add_first(&store, first("  ada ")).unwrap();
        assert_eq!((ada.name.as_str(), ada.role), ("ada", Role::Admin));
        // Once there is a user, nobody adds themself.
        let error = add_first(&store, first("mallory")).unwrap_err();
        assert_eq!(error.code, ErrorCode::UnknownUser, "{error}");
        assert_eq!(store.users().unwrap().len(), 1);
    }
}
