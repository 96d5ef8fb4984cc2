//! Consistent reads for documents built from many queries (reports, audit packs): every read
//! of a [`Snapshot`] runs inside one read transaction, so a change applied meanwhile by the app
//! or another CLI process is either wholly visible or not at all (SQLite WAL snapshot).

use chrono::NaiveDate;
use rusqlite::{Connection, TransactionBehavior};

use super::{
    CaseDetail, CaseFilter, CaseSummary, CaseVerification, Config, Result, Store, StoreError,
};
use super::{audit, cases, users, vendors, verification};
use crate::chain::{StoredAuditRecord, chain_key};
use crate::checks::flags;
use crate::checks::workdays::Deadline;
use crate::model::{Case, CaseId, Chain, ItemState, Timestamp, User, Vendor, VendorId};
use crate::verification::{Flag, VendorAuditStatus};

/// Reads inside one read transaction. Obtained from [`Store::snapshot`].
pub struct Snapshot<'a> {
    conn: &'a Connection,
    now: Timestamp,
    config: &'a Config,
}

impl Store {
    /// Runs `read` against one consistent state of the database. `now` is the moment that
    /// "overdue", deadlines and audit due dates are judged at (a report passes its generation
    /// time, so that the same data and time give the same document).
    pub fn snapshot<T, E: From<StoreError>>(
        &self,
        now: Timestamp,
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
        let value = read(&Snapshot { conn: &tx, now, config: &self.config })?;
        // Read-only: ending it either way releases the snapshot.
        tx.rollback().map_err(StoreError::from)?;
        Ok(value)
    }
}

impl Snapshot<'_> {
    /// The date "overdue" is judged against.
    pub fn today(&self) -> NaiveDate {
        self.now.date()
    }

    pub fn case(&self, id: CaseId) -> Result<Case> {
        cases::get(self.conn, id)?.ok_or_else(|| StoreError::not_found("case", id))
    }

    /// A case with everything that hangs off it (see [`Store::case_detail`]).
    pub fn case_detail(&self, id: CaseId) -> Result<CaseDetail> {
        cases::detail(self.conn, id, self.today())
    }

    /// The queue, as [`Store::cases`] gives it.
    pub fn cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        cases::list(self.conn, filter, self.today())
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
        let rows = stmt.query_map([chain_key(chain)], audit::raw_from_row)?;
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

    /// Everything verification recorded and concluded about a case (see
    /// [`Store::case_verification`]), judged at the snapshot's moment.
    pub fn case_verification(&self, case_id: CaseId) -> Result<CaseVerification> {
        verification::case_verification(self.conn, case_id, &self.now, self.config)
    }

    /// The open red flags of a case.
    pub fn open_flags(&self, case_id: CaseId) -> Result<Vec<Flag>> {
        verification::records::open_flags(self.conn, case_id)
    }

    /// The deadlines of a case's E-Verify cases on the snapshot's date, with the E-Verify
    /// case number each belongs to.
    pub fn everify_deadlines(&self, case_id: CaseId) -> Result<Vec<(String, Deadline)>> {
        let mut out = Vec::new();
        for e in verification::records::everify_cases(self.conn, case_id)? {
            for d in flags::everify_deadlines(&e, self.today()) {
                out.push((e.fields.case_number.clone(), d));
            }
        }
        Ok(out)
    }

    /// Where a vendor stands with its audits.
    pub fn vendor_audit_status(&self, vendor_id: VendorId) -> Result<VendorAuditStatus> {
        verification::vendor_status(self.conn, vendor_id, self.config, &self.now)
    }
}
