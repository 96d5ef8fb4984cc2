//! What every command can reach, built completely before it is managed — in `setup()` before
//! the window opens, or for an encrypted directory by the unlock screen once the passphrase
//! opened the store (`unlock::Gate`) — and managed from then on: no `Option` filled in later,
//! no lock around it (the store synchronises its own connections). Until it is managed, every
//! command but the unlock screen's answers `locked`.

use std::sync::Arc;

use vetdesk_core::Store;

use crate::error::AppError;
use crate::events::Changes;
use crate::paths::Paths;
use crate::session::Session;
use crate::uploads::Uploads;

pub struct AppState {
    pub paths: Paths,
    pub store: Arc<Store>,
    pub uploads: Arc<Uploads>,
    /// Who is acting; every write is recorded as them.
    pub session: Session,
    /// Wakes the `store-changed` poller after a write.
    pub changes: Changes,
    /// `VETDESK_USER`, preselected as the acting user (as the CLI does).
    pub default_user: Option<String>,
}

impl AppState {
    /// Runs a read against the store on the blocking pool: a command running on the main
    /// thread would freeze the window while it works.
    pub async fn read<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, AppError> + Send + 'static,
    {
        let store = self.store.clone();
        tauri::async_runtime::spawn_blocking(move || work(&store))
            .await
            .map_err(AppError::task_failed)?
    }

    /// Runs a write as the acting user on the blocking pool, then wakes the poller, so that the
    /// page hears of the change through `store-changed` as soon as the answer arrives.
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Store, &str) -> Result<T, AppError> + Send + 'static,
    {
        let actor = self.session.actor()?;
        let result = self.read(move |store| work(store, &actor)).await;
        // A refusal wrote nothing: every store write is one transaction.
        if result.is_ok() {
            self.changes.wake();
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::error::ErrorCode;
    use vetdesk_core::change::Change;
    use vetdesk_core::model::Chain;

    /// The app's state over a temp store with the team and one case (opened by rita); nobody
    /// acting yet.
    fn state() -> (tempfile::TempDir, AppState, i64, std::sync::mpsc::Receiver<()>) {
        let (dir, store) = vetdesk_testkit::team_store();
        let case_id = vetdesk_testkit::case_for(&store, "Jane Roe");
        let store = Arc::new(store);
        let (changes, woken) = Changes::new();
        let state = AppState {
            paths: Paths::in_dir(store.data_dir().clone()),
            uploads: Arc::new(Uploads::new(store.clone(), Arc::new(|_| {}))),
            session: Session::new(&store, None),
            store,
            changes,
            default_user: None,
        };
        (dir, state, case_id, woken)
    }

    fn note(case_id: i64) -> Change {
        Change::AddNote { id: None, case_id, text: "Called the reference.".into() }
    }

    /// The page names no actor: a write is recorded as whoever the session holds, refused
    /// while nobody is chosen, and wakes the change poller once it is written.
    #[test]
    fn a_write_is_recorded_as_the_acting_user_of_the_session() {
        let (_dir, state, case_id, woken) = state();
        let written = |state: &AppState| {
            tauri::async_runtime::block_on(
                state.write(move |store, actor| Ok(store.apply(actor, note(case_id))?)),
            )
        };
        let error = written(&state).unwrap_err();
        assert_eq!(error.code, ErrorCode::UnknownUser);
        assert!(woken.try_recv().is_err(), "a refusal wrote nothing to tell");
        assert_eq!(state.store.audit(Chain::Case(case_id)).unwrap().len(), 1, "only the opening");

        state.session.choose(&state.store, Some("rita"), None).unwrap();
        let recorded = written(&state).unwrap();
        assert_eq!(recorded.record.actor, "rita");
        assert!(woken.recv_timeout(Duration::from_secs(5)).is_ok(), "the poller was woken");

        state.session.choose(&state.store, Some("ada"), None).unwrap();
        assert_eq!(written(&state).unwrap().record.actor, "ada");
        let actors: Vec<String> =
            state.store.audit(Chain::Case(case_id)).unwrap().into_iter().map(|r| r.actor).collect();
        assert_eq!(actors, ["rita", "rita", "ada"]);
    }
}
