//! How the UI learns that data changed: one background thread polls the audit log (an indexed
//! `id > last` query) and emits one typed `store-changed` event per batch, naming each record's
//! chain, kind and actor. Every write leaves an audit record in the same transaction, so this
//! sees all of them, including those made by the CLI or another process on the same data.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tauri::{AppHandle, Emitter};
use ts_rs::TS;
use vetdesk_core::Store;
use vetdesk_core::model::{AuditRecord, Chain};

use crate::uploads::Uploads;

pub const STORE_CHANGED: &str = "store-changed";
pub const UPLOAD_PROGRESS: &str = "upload-progress";

/// Half a second: changes from elsewhere show up before a user wonders, and an idle app reads
/// the database twice a second with a query that touches one index page.
pub const POLL_EVERY: Duration = Duration::from_millis(500);
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

/// Starts the poller; it also drops uploads left idle. Runs until the process ends.
pub fn spawn_poller(
    app: AppHandle,
    store: Arc<Store>,
    uploads: Arc<Uploads>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut last = store.audit_last_id()?;
    std::thread::Builder::new().name("store-poller".into()).spawn(move || {
        loop {
            std::thread::sleep(POLL_EVERY);
            uploads.expire_idle(Instant::now());
            match poll_once(&store, &mut last) {
                Ok(Some(changed)) => {
                    if let Err(error) = app.emit(STORE_CHANGED, changed) {
                        tracing::warn!(%error, "could not tell the UI about changes");
                    }
                }
                Ok(None) => {}
                // A busy or briefly unreadable database: the next round tries again.
                Err(error) => tracing::warn!(%error, "polling the audit log failed"),
            }
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
}
