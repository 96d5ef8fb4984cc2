//! Switching passwords (solo mode, shared desktops): an admin may require a password before a
//! user is chosen as the acting user in the app. The password is hashed here (Argon2id, the
//! RFC 9106 low-memory setting) and only the hash is recorded, through the one door.

use vetdesk_crypto::{KdfParams, Passphrase};

use super::tables::users;
use super::{Applied, Result, Store, StoreError};
use crate::change::Change;
use crate::model::Field;

impl Store {
    /// Requires `password` before `name` is chosen in the app (with `None`: no longer).
    /// Admins only, as every change to users.
    pub fn set_switch_password(
        &self,
        actor: &str,
        name: &str,
        password: Option<&Passphrase>,
    ) -> Result<Applied> {
        let password_hash = match password {
            Some(p) => {
                Some(vetdesk_crypto::hash_password(p, KdfParams::RFC9106_LOW_MEMORY).map_err(
                    |e| StoreError::invalid(format!("password: {e}")).at(Field::Password),
                )?)
            }
            None => None,
        };
        self.apply(actor, Change::SetSwitchPassword { name: name.to_string(), password_hash })
    }

    /// Whether `name` may be chosen with `password` (`None`: none given): always when the user
    /// has no switching password; else only with the right one. Refused naming the field.
    pub fn check_switch_password(&self, name: &str, password: Option<&Passphrase>) -> Result<()> {
        let Some(hash) = self.read(|r| users::switch_password(r.db(), name))? else {
            return Ok(());
        };
        let refuse = |message: String| Err(StoreError::invalid(message).at(Field::Password));
        let Some(password) = password.filter(|p| !p.is_empty()) else {
            return refuse(format!("{name} is chosen only with their password"));
        };
        match vetdesk_crypto::verify_password(&hash, password) {
            Ok(true) => Ok(()),
            Ok(false) => refuse(format!("wrong password for {name}")),
            Err(e) => Err(StoreError::Corrupt(format!("the switching password of {name}: {e}"))),
        }
    }
}
