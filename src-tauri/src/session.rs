//! Who is acting: the local user chosen at start (`VETDESK_USER`, as for the CLI) or in the
//! window, held here for the life of the app. Every write is recorded under this name; no
//! request from the page carries an actor. (Local users on one machine, as with the CLI's
//! `--as`: this says who is working, it does not authenticate them.) In team mode the session
//! is the database login the app signed in as, fixed for the life of the app: the database
//! itself records who acts, and nobody can be chosen instead.

use std::sync::{PoisonError, RwLock};

use vetdesk_core::model::User;
use vetdesk_core::{Store, StoreError};
use vetdesk_crypto::Passphrase;

use crate::error::{AppError, ErrorCode};

pub struct Session {
    acting: RwLock<Option<String>>,
    /// Team mode: the signed-in login, the only one who can act.
    login: Option<String>,
}

impl Session {
    /// Starts with `preselect` when it names an active user of `store` who needs no switching
    /// password, else with nobody.
    pub fn new(store: &Store, preselect: Option<&str>) -> Self {
        let acting = preselect
            .and_then(|name| active_user(store, name).ok())
            .filter(|u| !u.switch_password)
            .map(|u| u.name);
        Self { acting: RwLock::new(acting), login: None }
    }

    /// Team mode: the database login the store signed in as acts, and only they.
    pub fn signed_in(login: &str) -> Self {
        Self { acting: RwLock::new(Some(login.to_string())), login: Some(login.to_string()) }
    }

    /// The signed-in login, in team mode.
    pub fn login(&self) -> Option<&str> {
        self.login.as_deref()
    }

    /// The acting user's name, or why nothing can be done yet. The store still checks, at every
    /// write, that the user exists, is active and has the role for it.
    pub fn actor(&self) -> Result<String, AppError> {
        self.current().ok_or_else(|| {
            AppError::new(
                ErrorCode::UnknownUser,
                "nobody is chosen as the acting user: choose who is working first",
            )
        })
    }

    /// The acting user's name, if one is chosen.
    pub fn current(&self) -> Option<String> {
        self.acting.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Makes `name` the acting user (it must be an active user, and `password` theirs when an
    /// admin requires one), or with `None` nobody. A refused choice leaves the acting user as
    /// it was.
    pub fn choose(
        &self,
        store: &Store,
        name: Option<&str>,
        password: Option<&str>,
    ) -> Result<Option<User>, AppError> {
        if let Some(login) = &self.login {
            // The page hands over whom it shows at start: the login itself is accepted.
            if name.map(str::trim) == Some(login.as_str()) {
                return Ok(Some(active_user(store, login)?));
            }
            return Err(AppError::new(
                ErrorCode::PermissionDenied,
                format!("signed in to the team database as {login}: nobody else can be chosen"),
            ));
        }
        let user = name.map(|n| active_user(store, n)).transpose()?;
        if let Some(user) = &user {
            let password = password.map(Passphrase::new);
            store.check_switch_password(&user.name, password.as_ref())?;
        }
        *self.acting.write().unwrap_or_else(PoisonError::into_inner) =
            user.as_ref().map(|u| u.name.clone());
        Ok(user)
    }
}

/// The active user of that name, or `unknown_user` (what every command that acts checks first).
pub(crate) fn active_user(store: &Store, name: &str) -> Result<User, AppError> {
    match store.user(name.trim()) {
        Ok(user) if user.active => Ok(user),
        Ok(_) | Err(StoreError::NotFound { .. }) => {
            Err(StoreError::UnknownActor(name.trim().to_string()).into())
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vetdesk_core::model::Role;

    #[test]
    fn only_an_active_user_can_be_chosen_and_nobody_acts_before_one_is() {
        let (_dir, store) = vetdesk_testkit::team_store();
        vetdesk_testkit::add_inactive_user(&store, "gone");

        // VETDESK_USER naming nobody, or a deactivated user, preselects nobody.
        for preselect in [None, Some("zed"), Some("gone")] {
            let session = Session::new(&store, preselect);
            assert_eq!(session.current(), None, "{preselect:?}");
            assert_eq!(session.actor().unwrap_err().code, ErrorCode::UnknownUser);
        }
        let session = Session::new(&store, Some("ada"));
        assert_eq!(session.actor().unwrap(), "ada");

        for refused in ["zed", "gone"] {
            let error = session.choose(&store, Some(refused), None).unwrap_err();
            assert_eq!(error.code, ErrorCode::UnknownUser, "{refused}");
            assert_eq!(session.actor().unwrap(), "ada", "a refused choice changes nothing");
        }
        assert_eq!(session.choose(&store, Some("ada"), None).unwrap().unwrap().role, Role::Admin);
        assert_eq!(session.actor().unwrap(), "ada");
        assert_eq!(session.choose(&store, None, None).unwrap(), None);
        assert!(session.actor().is_err());
    }

    /// A user an admin gave a switching password is chosen only with it, never preselected.
    #[test]
    fn a_switching_password_is_asked_for_and_checked() {
        let (_dir, store) = vetdesk_testkit::team_store();
        let password = Passphrase::new("tall-ships-at-dawn");
        store.set_switch_password("ada", "cora", Some(&password)).unwrap();
        assert!(store.user("cora").unwrap().switch_password);

        assert_eq!(Session::new(&store, Some("cora")).current(), None, "not preselected");
        let session = Session::new(&store, Some("rita"));
        for given in [None, Some(""), Some("tall-ships-at-dusk")] {
            let error = session.choose(&store, Some("cora"), given).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput, "{given:?}");
            assert_eq!(error.field.as_deref(), Some("password"), "{given:?}");
            assert_eq!(session.actor().unwrap(), "rita", "a refused choice changes nothing");
        }
        let chosen = session.choose(&store, Some("cora"), Some("tall-ships-at-dawn")).unwrap();
        assert_eq!(chosen.unwrap().name, "cora");
        assert_eq!(session.actor().unwrap(), "cora");
        // Others still need none; and once removed, cora needs none either.
        session.choose(&store, Some("rita"), None).unwrap();
        store.set_switch_password("ada", "cora", None).unwrap();
        session.choose(&store, Some("cora"), None).unwrap();
    }
}
