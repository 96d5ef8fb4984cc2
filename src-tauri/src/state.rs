//! What every command can reach, built completely in `setup()` before the window opens and
//! managed from then on: no `Option` filled in later, no lock around it.

use crate::paths::Paths;

pub struct AppState {
    pub paths: Paths,
}
