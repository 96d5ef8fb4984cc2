//! How the UI learns that data changed: one background thread reads the audit log (an indexed
//! `id > last` query) and emits one typed `store-changed` event per batch, naming each record's
//! chain, kind and actor. Every write leaves an audit record in the same transaction, so this
//! sees all of them, including those made by the CLI or another process on the same data.
//!
//! The thread reads twice a second, and at once when a command of this app has written
//! (`Changes::wake`): the app's own changes reach the page as promptly as a command's answer,
//! and through the same one signal as everybody else's.
//!
//! In team mode nothing polls: the database notifies each appended audit record (team.sql's
//! `pg_notify` on channel `vetdesk_audit`), a listener thread holds a `LISTEN` connection and
//! wakes the reader, which then reads the log as above. A dropped listening connection is
//! opened again (with a catch-up read), waiting a little longer after each failure.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use serde::Serialize;
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::model::{AuditRecord, Chain};

use crate::uploads::Uploads;

pub const STORE_CHANGED: &str = "store-changed";
pub const UPLOAD_PROGRESS: &str = "upload-progress";

/// Half a second: changes from elsewhere show up before a user wonders, and an idle app reads
/// the database twice a second with a query that touches one index page.
pub const POLL_EVERY: Duration = Duration::from_millis(500);
/// Team mode: how often the reader wakes on its own to drop idle uploads (it reads the log
/// only when woken), and how long the listener waits before asking its connection for a sign
/// of life.
pub const TEAM_TICK: Duration = Duration::from_secs(30);
/// The longest wait between two attempts to listen again after the connection was lost.
const RELISTEN_MAX: Duration = Duration::from_secs(10);
/// Records read per query; a larger backlog (a big import) is read in several.
const BATCH: usize = 1000;
/// More records than this in one event are summed up as `more`: the UI then refreshes
/// everything instead of going through thousands of records one by one.
const MAX_RECORDS: usize = 200;

/// One audit record, as much of it as the UI needs to know what to refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChangedRecord {
    pub id: i64,
    pub chain: Chain,
    /// The change's `type`, e.g. `record_result`.
    pub kind: String,
    pub actor: String,
}

/// The `store-changed` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StoreChanged {
    pub records: Vec<ChangedRecord>,
    /// More records changed than are listed: refresh everything.
    pub more: bool,
}

impl StoreChanged {
    pub fn of(records: &[AuditRecord]) -> Self {
        let listed = records.iter().take(MAX_RECORDS).map(|r| ChangedRecord {
            id: r.id,
            chain: r.chain,
            kind: r.change.get("type").and_then(|t| t.as_str()).unwrap_or_default().to_string(),
            actor: r.actor.clone(),
        });
        Self { records: listed.collect(), more: records.len() > MAX_RECORDS }
    }
}

/// Reads what was recorded after `*last`, moving `*last` forward; `None` when nothing was.
pub fn poll_once(
    store: &Store,
    last: &mut i64,
) -> Result<Option<StoreChanged>, vetdesk_core::StoreError> {
    let mut records = Vec::new();
    loop {
        let batch = store.audit_since(*last, BATCH)?;
        let full = batch.len() == BATCH;
        if let Some(newest) = batch.last() {
            *last = newest.id;
        }
        records.extend(batch);
        if !full {
            break;
        }
    }
    Ok((!records.is_empty()).then(|| StoreChanged::of(&records)))
}

/// Wakes the poller after a write of this app, so that it reads the log at once.
#[derive(Clone)]
pub struct Changes {
    wake: Sender<()>,
}

impl Changes {
    /// The waker, and the end the poller waits on.
    pub fn new() -> (Self, Receiver<()>) {
        let (wake, woken) = mpsc::channel();
        (Self { wake }, woken)
    }

    /// Something was written: read the log now rather than at the next tick.
    pub fn wake(&self) {
        // The poller gone means the app is closing; nobody is left to tell.
        let _ = self.wake.send(());
    }
}

/// When the reader reads the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cadence {
    /// Every tick and whenever woken (a data directory).
    Poll(Duration),
    /// Only when woken, by this app's writes or the listener (team mode); the tick only drops
    /// idle uploads.
    WhenWoken(Duration),
}

/// Starts the reader, which hands each batch to `emit` (the app sends it as `store-changed`);
/// it reads the log as `cadence` says, and drops uploads left idle. Runs until the process
/// ends.
pub fn spawn_poller(
    store: Arc<Store>,
    uploads: Arc<Uploads>,
    woken: Receiver<()>,
    cadence: Cadence,
    emit: impl Fn(StoreChanged) + Send + 'static,
) -> std::io::Result<()> {
    let mut last = store.audit_last_id().map_err(std::io::Error::other)?;
    let (tick, on_tick) = match cadence {
        Cadence::Poll(tick) => (tick, true),
        Cadence::WhenWoken(tick) => (tick, false),
    };
    std::thread::Builder::new().name("store-poller".into()).spawn(move || {
        // A read that failed is tried again at the next tick, whatever the cadence.
        let mut retry = false;
        loop {
            let read = retry
                || match woken.recv_timeout(tick) {
                    // Several writes in a row are one read of the log.
                    Ok(()) => {
                        while woken.try_recv().is_ok() {}
                        true
                    }
                    Err(RecvTimeoutError::Timeout) => on_tick,
                    Err(RecvTimeoutError::Disconnected) => {
                        std::thread::sleep(tick);
                        on_tick
                    }
                };
            uploads.expire_idle(Instant::now());
            if !read {
                continue;
            }
            retry = false;
            match poll_once(&store, &mut last) {
                Ok(Some(changed)) => emit(changed),
                Ok(None) => {}
                // A busy or briefly unreadable database: the next round tries again.
                Err(error) => {
                    tracing::warn!(%error, "polling the audit log failed");
                    retry = true;
                }
            }
        }
    })?;
    Ok(())
}

/// Team mode: starts the listener, which holds a `LISTEN` connection to the team database and
/// wakes the reader (`changes`) whenever an audit record was appended, by anybody. When the
/// connection drops it listens again, waiting 0.25 s, then twice as long after each failure up
/// to [`RELISTEN_MAX`], and wakes the reader once listening again, so that nothing committed
/// meanwhile is missed. Runs until the process ends.
pub fn spawn_listener(
    store: Arc<Store>,
    changes: Changes,
    check_every: Duration,
) -> std::io::Result<()> {
    std::thread::Builder::new().name("store-listener".into()).spawn(move || {
        let first_wait = Duration::from_millis(250);
        let mut wait = first_wait;
        loop {
            match store.listen_audit() {
                Ok(mut listener) => {
                    tracing::info!("listening for changes to the team database");
                    // Whatever was committed while nobody listened.
                    changes.wake();
                    wait = first_wait;
                    loop {
                        let alive = match listener.wait(check_every) {
                            Ok(ids) if ids.is_empty() => listener.check(),
                            Ok(_) => {
                                changes.wake();
                                Ok(())
                            }
                            Err(e) => Err(e),
                        };
                        if let Err(error) = alive {
                            tracing::warn!(%error, "the listening connection was lost");
                            break;
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot listen to the team database"),
            }
            std::thread::sleep(wait);
            wait = (wait * 2).min(RELISTEN_MAX);
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use vetdesk_core::change::Change;
    use vetdesk_core::model::Role;

    #[test]
    fn the_poller_reports_each_new_record_once_including_other_processes() {
        let (dir, store) = Store::open_temp().unwrap();
        let add = |name: &str| Change::AddUser {
            id: None,
            name: name.into(),
            display_name: name.into(),
            role: Role::Admin,
        };
        store.apply("ada", add("ada")).unwrap();
        let mut last = store.audit_last_id().unwrap();
        assert_eq!(poll_once(&store, &mut last).unwrap(), None);

        // Another process (the CLI) writing to the same data directory.
        let other = Store::open(
            vetdesk_core::store::DataDir::new(dir.path()),
            vetdesk_core::store::OpenMode::MustExist,
            vetdesk_core::store::Clock::system(),
        )
        .unwrap();
        other.apply("ada", add("bob")).unwrap();
        let changed = poll_once(&store, &mut last).unwrap().unwrap();
        assert_eq!(changed.records.len(), 1);
        let record = &changed.records[0];
        assert_eq!(
            (record.chain, record.kind.as_str(), record.actor.as_str()),
            (Chain::Global, "add_user", "ada")
        );
        assert!(!changed.more);
        assert_eq!(poll_once(&store, &mut last).unwrap(), None);

        // A backlog larger than one event lists is summed up.
        for i in 0..(MAX_RECORDS + 5) {
            other.apply("ada", add(&format!("user{i}"))).unwrap();
        }
        let changed = poll_once(&store, &mut last).unwrap().unwrap();
        assert_eq!(changed.records.len(), MAX_RECORDS);
        assert!(changed.more);
        assert_eq!(last, store.audit_last_id().unwrap());
    }

    /// A write of this app is told at once, not at the next tick: with a tick of an hour, only
    /// the wake can bring the event within the test's wait.
    #[test]
    fn a_write_of_this_app_reaches_the_page_when_the_poller_is_woken() {
        let (_dir, store) = Store::open_temp().unwrap();
        let store = Arc::new(store);
        let uploads = Arc::new(Uploads::new(store.clone(), Arc::new(|_| {})));
        let (changes, woken) = Changes::new();
        let (sent, events) = mpsc::channel();
        let hour = Duration::from_secs(3600);
        spawn_poller(store.clone(), uploads, woken, Cadence::Poll(hour), move |c| {
            sent.send(c).unwrap()
        })
        .unwrap();

        let add = Change::AddUser {
            id: None,
            name: "ada".into(),
            display_name: "Ada".into(),
            role: Role::Admin,
        };
        store.apply("ada", add).unwrap();
        assert!(events.recv_timeout(Duration::from_millis(300)).is_err(), "not before the wake");
        changes.wake();
        changes.wake();
        let changed = events.recv_timeout(Duration::from_secs(30)).unwrap();
        assert_eq!(changed.records.len(), 1);
        assert_eq!(changed.records[0].kind, "add_user");
        // Two wakes for one write are one event.
        assert!(events.recv_timeout(Duration::from_millis(300)).is_err());
    }

    /// Team mode: another login's change (the CLI, another desktop) reaches the page through
    /// LISTEN/NOTIFY within a second while the reader never polls (its tick is an hour); after
    /// the server dropped the listening connection, the next change arrives too.
    #[test]
    fn in_team_mode_changes_arrive_through_notify_also_after_the_connection_dropped() {
        use vetdesk_core::store::{Clock, DataDir};
        let cluster = vetdesk_testkit::pg::shared();
        let (database, owner, owner_password) = cluster.new_database();
        let dir = tempfile::tempdir().unwrap();
        let (owner_store, _) = Store::team_init(
            DataDir::new(dir.path().join("owner")),
            &cluster.url(&owner, &owner_password, &database),
            Clock::system(),
        )
        .unwrap();
        let rita = format!("rita_{database}");
        owner_store.team_add_member(&rita, "Rita", Role::Reviewer, "rita-password").unwrap();
        let store = Arc::new(
            Store::open_postgres(
                DataDir::new(dir.path().join("rita")),
                &cluster.url(&rita, "rita-password", &database),
                Clock::system(),
            )
            .unwrap(),
        );
        let uploads = Arc::new(Uploads::new(store.clone(), Arc::new(|_| {})));
        let (changes, woken) = Changes::new();
        let (sent, events) = mpsc::channel();
        let hour = Duration::from_secs(3600);
        spawn_poller(store.clone(), uploads, woken, Cadence::WhenWoken(hour), move |c| {
            sent.send(c).unwrap()
        })
        .unwrap();
        spawn_listener(store.clone(), changes, hour).unwrap();

        let mut admin = cluster.superuser(&database);
        let listening = |admin: &mut postgres::Client| -> Vec<i32> {
            admin
                .query(
                    "SELECT pid FROM pg_stat_activity WHERE usename = $1 AND query = 'LISTEN vetdesk_audit'",
                    &[&rita],
                )
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect()
        };
        // The one listening connection, once it is not `old` (termination takes a moment).
        let wait_listening = |admin: &mut postgres::Client, old: Option<i32>| -> i32 {
            let until = Instant::now() + Duration::from_secs(30);
            loop {
                if let [pid] = listening(admin)[..]
                    && Some(pid) != old
                {
                    return pid;
                }
                assert!(Instant::now() < until, "rita's desktop never listened");
                std::thread::sleep(Duration::from_millis(50));
            }
        };
        let pid = wait_listening(&mut admin, None);
        let add = |name: &str| Change::AddUser {
            id: None,
            name: name.into(),
            display_name: name.into(),
            role: Role::Reviewer,
        };

        let asked = Instant::now();
        owner_store.apply(&owner, add("bob")).unwrap();
        let changed = events.recv_timeout(Duration::from_secs(5)).unwrap();
        let took = asked.elapsed();
        assert!(took < Duration::from_secs(1), "the change took {took:?} to arrive");
        assert_eq!(changed.records.len(), 1);
        assert_eq!(
            (changed.records[0].kind.as_str(), changed.records[0].actor.as_str()),
            ("add_user", owner.as_str())
        );

        // The server drops the listening connection; the desktop listens again.
        let dropped: bool =
            admin.query_one("SELECT pg_terminate_backend($1)", &[&pid]).unwrap().get(0);
        assert!(dropped);
        wait_listening(&mut admin, Some(pid));
        owner_store.apply(&owner, add("dan")).unwrap();
        let changed = events.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(changed.records.len(), 1, "{changed:?}");
        assert!(events.recv_timeout(Duration::from_millis(300)).is_err(), "told twice");
    }
}
