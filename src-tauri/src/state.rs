//! What every command can reach, built completely in `setup()` before the window opens and
//! managed from then on: no `Option` filled in later, no lock around it (the store synchronises
//! its own connections).

use std::sync::Arc;

use vetdesk_core::Store;

use crate::paths::Paths;
use crate::uploads::Uploads;

pub struct AppState {
    pub paths: Paths,
    pub store: Arc<Store>,
    pub uploads: Arc<Uploads>,
    /// `VETDESK_USER`, preselected as the acting user (as the CLI does).
    pub default_user: Option<String>,
}
