//! Live updates in team mode: a connection of its own that `LISTEN`s on the channel the audit
//! log's append trigger notifies (team.sql, `vetdesk_audit`), so that a desktop learns of
//! everybody's changes as they commit instead of asking the database over and over. A
//! notification carries the new audit record's id only; what changed is then read from the log
//! with the login's own rights, so a notification sent by anyone else can only cause one more
//! read, never a wrong one.

use std::time::{Duration, Instant};

use postgres::fallible_iterator::FallibleIterator;

use super::{Target, db_error};
use crate::store::StoreError;

/// The channel the audit log's append trigger notifies.
pub(crate) const CHANNEL: &str = "vetdesk_audit";

/// A listening connection to the team database.
pub struct AuditListener {
    client: postgres::Client,
    describe: String,
}

impl std::fmt::Debug for AuditListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditListener({})", self.describe)
    }
}

impl AuditListener {
    /// Opens a connection as the store's login and starts listening.
    pub(crate) fn start(target: &Target) -> Result<AuditListener, StoreError> {
        let mut client = target.connect()?;
        client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .map_err(|e| StoreError::Database(db_error(&e)))?;
        Ok(AuditListener { client, describe: target.describe() })
    }

    /// Waits up to `timeout` for the log to grow; answers the ids notified (empty when nothing
    /// was within the timeout). Notifications that arrive together are answered together. A
    /// connection that was closed or broke is an error: open a new listener.
    pub fn wait(&mut self, timeout: Duration) -> Result<Vec<i64>, StoreError> {
        let lost = |reason: String| {
            StoreError::Database(crate::store::db::DbError::new(
                crate::store::db::DbErrorKind::Other,
                format!("the listening connection to {} was lost: {reason}", self.describe),
            ))
        };
        let mut ids = Vec::new();
        let started = Instant::now();
        {
            let mut notifications = self.client.notifications();
            // The first one waits; whatever came with it is taken without waiting again.
            let first =
                notifications.timeout_iter(timeout).next().map_err(|e| lost(e.to_string()))?;
            if let Some(first) = first {
                ids.push(first);
                let mut pending = notifications.iter();
                while let Some(more) = pending.next().map_err(|e| lost(e.to_string()))? {
                    ids.push(more);
                }
            }
        }
        // Nothing before the timeout ran out means the connection ended.
        if ids.is_empty() && (self.client.is_closed() || started.elapsed() < timeout) {
            return Err(lost("closed by the server".into()));
        }
        Ok(ids
            .into_iter()
            .filter(|n| n.channel() == CHANNEL)
            .filter_map(|n| n.payload().parse().ok())
            .collect())
    }

    /// Asks the server for a sign of life: a connection that silently died (a network cut)
    /// answers with an error here rather than never.
    pub fn check(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute("SELECT 1").map_err(|e| {
            StoreError::Database(crate::store::db::DbError::new(
                crate::store::db::DbErrorKind::Other,
                format!("the listening connection to {} was lost: {e}", self.describe),
            ))
        })
    }
}
