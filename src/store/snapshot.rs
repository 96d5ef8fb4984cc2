//! Consistent reads for documents built from many queries (reports, audit packs): every read
//! of a [`Snapshot`] runs inside one read transaction, so a change applied meanwhile by the app
//! or another CLI process is either wholly visible or not at all (SQLite WAL snapshot).

use chrono::NaiveDate;
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{CaseDetail, CaseFilter, CaseSummary, Result, Store, StoreError};
use super::{audit, cases, users, vendors};
use crate::model::{Case, CaseId, Chain, ItemState, Timestamp, User, Vendor};

/// One audit record exactly as stored: the texts the hash was computed over, untouched, so
/// that an export of them can be re-hashed by anyone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StoredAuditRecord {
    pub id: i64,
    /// `global` or `case:<id>`.
    pub chain: String,
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// The change as canonical JSON text.
    pub change: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Reads inside one read transaction. Obtained from [`Store::snapshot`].
pub struct Snapshot<'a> {
    conn: &'a Connection,
    today: NaiveDate,
}

impl Store {
    /// Runs `read` against one consistent state of the database. `today` is the date that
    /// "overdue" is judged against (a report passes its generation date, so that the same
    /// data and time give the same document).
    pub fn snapshot<T, E: From<StoreError>>(
        &self,
        today: NaiveDate,
        read: impl FnOnce(&Snapshot<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut conn = self.read();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Deferred)
            .map_err(StoreError::from)?;
        // A deferred transaction takes its snapshot at the first read: take it now, so that
        // every read below sees the same state.
        tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
            .map_err(StoreError::from)?;
        let value = read(&Snapshot { conn: &tx, today })?;
        // Read-only: ending it either way releases the snapshot.
        tx.rollback().map_err(StoreError::from)?;
        Ok(value)
    }
}

impl Snapshot<'_> {
    /// The date "overdue" is judged against.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    pub fn case(&self, id: CaseId) -> Result<Case> {
        cases::get(self.conn, id)?.ok_or_else(|| StoreError::not_found("case", id))
    }

    /// A case with everything that hangs off it (see [`Store::case_detail`]).
    pub fn case_detail(&self, id: CaseId) -> Result<CaseDetail> {
        cases::detail(self.conn, id, self.today)
    }

    /// The queue, as [`Store::cases`] gives it.
    pub fn cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        cases::list(self.conn, filter, self.today)
    }

    /// Every case opened in `[from, to)`, in order of opening.
    pub fn cases_opened_between(&self, from: Timestamp, to: Timestamp) -> Result<Vec<Case>> {
        let mut ids = self.conn.prepare(
            "SELECT id FROM cases WHERE opened_at >= ?1 AND opened_at < ?2 ORDER BY opened_at, id",
        )?;
        let ids: Vec<CaseId> =
            ids.query_map([from, to], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.case(id)).collect()
    }

    /// The results of a case's checklist items, in checklist order.
    pub fn item_states(&self, case_id: CaseId) -> Result<Vec<ItemState>> {
        cases::item_states(self.conn, case_id)
    }

    pub fn users(&self) -> Result<Vec<User>> {
        users::list(self.conn)
    }

    pub fn vendors(&self) -> Result<Vec<Vendor>> {
        vendors::list(self.conn)
    }

    /// The records of one chain exactly as stored, oldest first.
    pub fn audit_stored(&self, chain: Chain) -> Result<Vec<StoredAuditRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM audit_log WHERE chain = ?1 ORDER BY seq",
            audit::RAW_COLUMNS
        ))?;
        let rows = stmt.query_map([audit::chain_key(chain)], audit::raw_from_row)?;
        let mut out = Vec::new();
        for raw in rows {
            let raw = raw?;
            out.push(StoredAuditRecord {
                id: raw.id,
                chain: raw.chain,
                seq: raw.seq,
                at: raw.at,
                actor: raw.actor,
                change: raw.change,
                prev_hash: raw.prev_hash,
                hash: raw.hash,
            });
        }
        Ok(out)
    }
}
