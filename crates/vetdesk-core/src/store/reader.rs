//! The one read path: every read runs inside one read transaction through a [`Reader`], so a
//! document built from many queries (a report, an audit pack, the case view) sees one state,
//! whatever the app or another CLI process writes meanwhile. `Store`'s own read methods are
//! one `Reader` call each.

use chrono::NaiveDate;

use super::db::Db;
use super::rules::{self, FieldLimit, FieldProblem, ItemOptions, Missing, Permissions, StatusMove};
use super::search::{self, SearchHit};
use super::tables::policy::{self, PolicyValue};
use super::tables::queue::{self, CaseFilter, CaseSummary, QueuePage, QueueQuery};
use super::tables::{
    audit, candidates, cases, checklist, evidence, lists, notes, records, users, vendors,
};
use super::views::{self, CaseDetail, CaseVerification, ChecklistEntry};
use super::{Result, Store, StoreError, apply, engine};
use crate::chain::{LedgerEntry, StoredAuditRecord};
use crate::change::PolicyKey;
use crate::checkpoint::SignedCheckpoint;
use crate::checks::iprange::{self, IpCheck};
use crate::checks::workdays::Deadline;
use crate::model::{
    AuditRecord, Candidate, CandidateFields, CandidateId, Case, CaseId, Chain, Decision, Evidence,
    EvidenceId, Field, ItemResult, ItemState, Note, Timestamp, User, Vendor, VendorId,
};
use crate::verification::{
    CaseFlags, Cluster, Flag, IpList, Link, VendorAuditStatus, VoipEntry, VpnProvider,
};

/// Reads inside one read transaction. Obtained from [`Store::read`] or [`Store::read_at`].
pub struct Reader<'a> {
    db: &'a dyn Db,
    now: Timestamp,
}

impl Reader<'_> {
    /// The connection of this read, for the store's own read functions.
    pub(crate) fn db(&self) -> &dyn Db {
        self.db
    }
}

impl Store {
    /// Runs `read` against one consistent state of the database, judged as of now.
    pub fn read<T, E: From<StoreError>>(
        &self,
        read: impl FnOnce(&Reader<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.read_at(self.clock.now(), read)
    }

    /// As [`Store::read`], with `now` the moment that "overdue", deadlines and audit due dates
    /// are judged at (a report passes its generation time, so that the same data and time give
    /// the same document).
    pub fn read_at<T, E: From<StoreError>>(
        &self,
        now: Timestamp,
        read: impl FnOnce(&Reader<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut read = Some(read);
        let mut out = None;
        self.backend.read(&mut |db| {
            if let Some(read) = read.take() {
                out = Some(read(&Reader { db, now }));
            }
            Ok(())
        })?;
        out.unwrap_or_else(|| {
            Err(StoreError::Corrupt("a read transaction did not run".into()).into())
        })
    }
}

fn found<T>(value: Option<T>, what: &'static str, id: impl ToString) -> Result<T> {
    value.ok_or_else(|| StoreError::not_found(what, id))
}

impl Reader<'_> {
    /// The moment reads are judged at.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// The date "overdue" is judged against.
    pub fn today(&self) -> NaiveDate {
        self.now.date()
    }

    /// An active user, the one who acts (unknown or deactivated: refused).
    fn acting(&self, actor: &str) -> Result<User> {
        match users::get(self.db, actor)? {
            Some(user) if user.active => Ok(user),
            _ => Err(StoreError::UnknownActor(actor.to_string())),
        }
    }

    // ---- users, vendors, candidates ----

    pub fn users(&self) -> Result<Vec<User>> {
        users::list(self.db)
    }
    pub fn user(&self, name: &str) -> Result<User> {
        found(users::get(self.db, name)?, "user", name)
    }
    pub fn vendors(&self) -> Result<Vec<Vendor>> {
        vendors::list(self.db)
    }
    pub fn vendor(&self, id: VendorId) -> Result<Vendor> {
        found(vendors::get(self.db, id)?, "vendor", id)
    }
    /// A vendor by id (digits) or by name (case-insensitive).
    pub fn find_vendor(&self, key: &str) -> Result<Vendor> {
        found(vendors::find(self.db, key)?, "vendor", key)
    }
    pub fn candidates(&self) -> Result<Vec<Candidate>> {
        candidates::list(self.db)
    }
    pub fn candidate(&self, id: CandidateId) -> Result<Candidate> {
        found(candidates::get(self.db, id)?, "candidate", id)
    }
    pub fn candidate_by_external_id(&self, external_id: &str) -> Result<Option<Candidate>> {
        candidates::by_external_id(self.db, external_id)
    }

    // ---- cases ----

    pub fn case(&self, id: CaseId) -> Result<Case> {
        views::case(self.db, id)
    }
    /// The queue.
    pub fn cases(&self, filter: &CaseFilter) -> Result<Vec<CaseSummary>> {
        queue::list(self.db, filter, self.today())
    }
    /// One page of a view of the queue, with the view's size and its counts per status.
    pub fn queue_page(&self, query: &QueueQuery) -> Result<QueuePage> {
        let matches = search_matches(self.db, query.search.as_deref())?;
        queue::page(self.db, query, matches, self.today())
    }
    pub fn cases_of_candidate(&self, candidate_id: CandidateId) -> Result<Vec<Case>> {
        cases::of_candidate(self.db, candidate_id)
    }
    /// Every case opened in `[from, to)`, in order of opening.
    pub fn cases_opened_between(&self, from: Timestamp, to: Timestamp) -> Result<Vec<Case>> {
        cases::opened_between(self.db, &from, &to)
    }
    /// A case with everything that hangs off it.
    pub fn case_detail(&self, id: CaseId) -> Result<CaseDetail> {
        views::detail(self.db, id, self.today())
    }
    pub fn checklist(&self, id: CaseId) -> Result<Vec<ChecklistEntry>> {
        views::checklist(self.db, &self.case(id)?)
    }
    /// The results of a case's checklist items, in checklist order.
    pub fn item_states(&self, case_id: CaseId) -> Result<Vec<ItemState>> {
        checklist::item_states(self.db, case_id)
    }
    pub fn notes(&self, case_id: CaseId) -> Result<Vec<Note>> {
        notes::of_case(self.db, case_id)
    }
    pub fn evidence(&self, id: EvidenceId) -> Result<Evidence> {
        found(evidence::get(self.db, id)?, "evidence", id)
    }
    pub fn evidence_of_case(&self, case_id: CaseId) -> Result<Vec<Evidence>> {
        evidence::of_case(self.db, case_id)
    }

    // ---- the audit log ----

    /// The records of one chain, oldest first.
    pub fn audit(&self, chain: Chain) -> Result<Vec<AuditRecord>> {
        audit::chain_records(self.db, chain)
    }
    /// The records of one chain exactly as stored, oldest first.
    pub fn audit_stored(&self, chain: Chain) -> Result<Vec<StoredAuditRecord>> {
        audit::stored(self.db, chain)
    }
    /// The records of one chain as stored, with their sealed personal fields opened: what a
    /// report shows (hash the stored text, never these).
    pub fn audit_readable(&self, chain: Chain) -> Result<Vec<StoredAuditRecord>> {
        audit::readable(self.db, chain)
    }
    /// The key a candidate's personal fields in the audit log are sealed under, as hex, for an
    /// audit pack of their case (whose reader needs it to replay those fields); `None` once
    /// they are erased.
    pub fn person_key_hex(&self, candidate: crate::model::CandidateId) -> Result<Option<String>> {
        Ok(super::tables::person_keys::get(self.db, candidate)?.map(|k| hex::encode(k.as_bytes())))
    }
    /// The hash of the last record of a chain (the genesis hash for an empty chain).
    pub fn chain_head(&self, chain: Chain) -> Result<String> {
        Ok(audit::chain_tip(self.db, chain)?.1)
    }
    /// The store's root: the last hash of the ledger of every record of every chain (the
    /// genesis hash for an empty log). It pins the length and head of every chain at once.
    pub fn root(&self) -> Result<String> {
        Ok(audit::ledger_tip(self.db)?.1)
    }
    /// The newest signed checkpoint recorded in the global chain, if any.
    pub fn latest_checkpoint(&self) -> Result<Option<SignedCheckpoint>> {
        Ok(audit::latest_checkpoint(self.db)?.map(|(_, c)| c))
    }
    /// What a checkpoint signed after `upto` ledger entries says of one chain: where the
    /// chain's first record sits in the ledger and how many of its records the checkpoint
    /// covers (`None` for a chain with no records).
    pub fn ledger_span(&self, chain: Chain, upto: i64) -> Result<Option<(i64, i64)>> {
        audit::ledger_span(self.db, chain, upto)
    }
    /// The ledger entries from position `from` to `to` (both included), handed to `each` in
    /// order: the proof that the records they name are part of the history a checkpoint
    /// signed at `to` covers.
    pub fn ledger_between<E>(
        &self,
        from: i64,
        to: i64,
        each: &mut dyn FnMut(LedgerEntry) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<(), E>> {
        let mut failed = None;
        audit::ledger_between(self.db, from, to, &mut |entry| {
            if failed.is_none()
                && let Err(e) = each(entry)
            {
                failed = Some(e);
            }
            Ok(())
        })?;
        Ok(failed.map_or(Ok(()), Err))
    }
    /// Records applied after `after_id` (by any process), oldest first.
    pub fn audit_since(&self, after_id: i64, limit: usize) -> Result<Vec<AuditRecord>> {
        audit::records_since(self.db, after_id, limit)
    }
    /// The id of the newest audit record (0 when there is none): `audit_since` from here
    /// reports only later changes.
    pub fn audit_last_id(&self) -> Result<i64> {
        audit::last_id(self.db)
    }

    // ---- rules, asked before acting ----

    /// The status moves of a case as `actor` sees them: every status it could go to next, each
    /// with the reason the store would refuse it, if any.
    pub fn status_moves(&self, case_id: CaseId, actor: &str) -> Result<Vec<StatusMove>> {
        let user = self.acting(actor)?;
        let case = self.case(case_id)?;
        rules::status_moves(self.db, &user, &case, &self.now)
    }
    /// What the decision gate finds missing for `decision` on a case, citing no grounds (the
    /// status moves give the same list per move, with what a rejection may cite).
    pub fn decision_gaps(&self, case_id: CaseId, decision: Decision) -> Result<Vec<Missing>> {
        let case = self.case(case_id)?;
        rules::decision_gaps(self.db, &case, decision, &[])
    }
    /// What `actor` may do (decide, sign off, waive, manage users, vendors and lists), as the
    /// store enforces it.
    pub fn permissions(&self, actor: &str) -> Result<Permissions> {
        Ok(Permissions::of(&self.acting(actor)?))
    }
    /// Every result each checklist item of a case could take now as `actor` records it, each
    /// with the reason the store would refuse it, if any: the rules `apply` applies (all but
    /// the check of cited evidence), asked before the change is made.
    pub fn result_options(&self, case_id: CaseId, actor: &str) -> Result<Vec<ItemOptions>> {
        let user = self.acting(actor)?;
        let case = self.case(case_id)?;
        let template = crate::template::get(&case.template_id, case.template_version)?;
        let states: Vec<(String, ItemResult)> =
            self.item_states(case_id)?.into_iter().map(|s| (s.item_id, s.result)).collect();
        rules::result_options(&user, &case, template, &states)
    }
    /// Every problem the store would refuse these candidate fields for (an empty list when
    /// it would take them), each with its field; `own_id` is the candidate being edited.
    pub fn candidate_problems(
        &self,
        fields: &CandidateFields,
        own_id: Option<CandidateId>,
    ) -> Result<Vec<FieldProblem>> {
        let (tidy, mut problems) = rules::tidy_candidate(fields, &self.now);
        problems.extend(apply::candidate_conflicts(self.db, &tidy, own_id)?);
        Ok(problems
            .into_iter()
            .filter_map(|e| Some(FieldProblem { field: e.field()?, message: e.to_string() }))
            .collect())
    }

    // ---- search ----

    /// Full-text search over candidates, notes and evidence descriptions, best match first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        search::search(self.db, query, limit)
    }

    // ---- verification ----

    /// The flags of a case (open ones most severe first) and its risk score.
    pub fn flags(&self, case_id: CaseId) -> Result<CaseFlags> {
        views::case_flags(self.db, case_id, &self.now)
    }
    /// The open red flags of a case.
    pub fn open_flags(&self, case_id: CaseId) -> Result<Vec<Flag>> {
        records::open_flags(self.db, case_id)
    }
    /// Every other candidate sharing a normalised phone, email, address, bank account, IP or
    /// reference contact with the case's candidate, with what they share.
    pub fn links(&self, case_id: CaseId) -> Result<Vec<Link>> {
        views::links(self.db, self.case(case_id)?.candidate_id)
    }
    /// Everyone joined to the case's candidate by shared identifiers, directly or through
    /// others, each at its fewest hops with what joins it; at most `Cluster::MAX_MEMBERS`.
    pub fn cluster(&self, case_id: CaseId) -> Result<Cluster> {
        views::cluster(self.db, case_id)
    }
    /// Everything verification recorded and concluded about a case.
    pub fn case_verification(&self, case_id: CaseId) -> Result<CaseVerification> {
        views::case_verification(self.db, case_id, &self.now)
    }
    /// The deadlines of a case's E-Verify cases today, with the E-Verify case number each
    /// belongs to.
    pub fn everify_deadlines(&self, case_id: CaseId) -> Result<Vec<(String, Deadline)>> {
        views::everify_deadlines(self.db, case_id, self.today())
    }
    pub fn ip_lists(&self) -> Result<Vec<IpList>> {
        lists::lists(self.db)
    }
    /// Which indicator ranges contain an address.
    pub fn check_ip(&self, text: &str) -> Result<IpCheck> {
        let ip = iprange::parse_ip(text)
            .map_err(|e| StoreError::invalid(e.to_string()).at(Field::Ip))?;
        views::check_ip(self.db, text, ip)
    }
    pub fn voip_entries(&self) -> Result<Vec<VoipEntry>> {
        lists::voip_entries(self.db)
    }
    pub fn vpn_providers(&self) -> Result<Vec<VpnProvider>> {
        lists::vpn_providers(self.db)
    }
    /// Where a vendor stands with its audits.
    pub fn vendor_audit_status(&self, vendor_id: VendorId) -> Result<VendorAuditStatus> {
        engine::vendor_status(self.db, vendor_id, &self.now)
    }
    /// Every policy value in force, and who set it with what reason.
    pub fn policy(&self) -> Result<Vec<PolicyValue>> {
        policy::all(self.db)
    }
    /// The value of one policy key in force.
    pub fn policy_value(&self, key: PolicyKey) -> Result<u32> {
        policy::value(self.db, key)
    }
}

/// `Store`'s read methods: each one read transaction around the `Reader` method of the name.
macro_rules! reads {
    ($($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $out:ty;)+) => {
        impl Store {
            $(
                $(#[$doc])*
                pub fn $name(&self, $($arg: $ty),*) -> Result<$out> {
                    self.read(|r| r.$name($($arg),*))
                }
            )+
        }
    };
}

reads! {
    fn users() -> Vec<User>;
    fn user(name: &str) -> User;
    fn vendors() -> Vec<Vendor>;
    fn vendor(id: VendorId) -> Vendor;
    /// A vendor by id (digits) or by name (case-insensitive).
    fn find_vendor(key: &str) -> Vendor;
    fn candidates() -> Vec<Candidate>;
    fn candidate(id: CandidateId) -> Candidate;
    fn candidate_by_external_id(external_id: &str) -> Option<Candidate>;
    fn case(id: CaseId) -> Case;
    /// The queue.
    fn cases(filter: &CaseFilter) -> Vec<CaseSummary>;
    /// One page of a view of the queue, with the view's size and its counts per status.
    fn queue_page(query: &QueueQuery) -> QueuePage;
    fn cases_of_candidate(candidate_id: CandidateId) -> Vec<Case>;
    /// A case with everything that hangs off it.
    fn case_detail(id: CaseId) -> CaseDetail;
    fn checklist(id: CaseId) -> Vec<ChecklistEntry>;
    fn notes(case_id: CaseId) -> Vec<Note>;
    fn evidence(id: EvidenceId) -> Evidence;
    fn evidence_of_case(case_id: CaseId) -> Vec<Evidence>;
    /// The records of one chain, oldest first.
    fn audit(chain: Chain) -> Vec<AuditRecord>;
    /// The hash of the last record of a chain (the genesis hash for an empty chain).
    fn chain_head(chain: Chain) -> String;
    /// The store's root (see [`Reader::root`]).
    fn root() -> String;
    /// Records applied after `after_id` (by any process), oldest first.
    fn audit_since(after_id: i64, limit: usize) -> Vec<AuditRecord>;
    /// The id of the newest audit record (0 when there is none).
    fn audit_last_id() -> i64;
    /// The status moves of a case as `actor` sees them (see [`Reader::status_moves`]).
    fn status_moves(case_id: CaseId, actor: &str) -> Vec<StatusMove>;
    /// What the decision gate finds missing (see [`Reader::decision_gaps`]).
    fn decision_gaps(case_id: CaseId, decision: Decision) -> Vec<Missing>;
    /// What `actor` may do (see [`Reader::permissions`]).
    fn permissions(actor: &str) -> Permissions;
    /// What each checklist item may take now (see [`Reader::result_options`]).
    fn result_options(case_id: CaseId, actor: &str) -> Vec<ItemOptions>;
    /// Every refusal of these candidate fields (see [`Reader::candidate_problems`]).
    fn candidate_problems(fields: &CandidateFields, own_id: Option<CandidateId>) -> Vec<FieldProblem>;
    /// Full-text search over candidates, notes and evidence descriptions, best match first.
    fn search(query: &str, limit: usize) -> Vec<SearchHit>;
    /// The flags of a case (open ones most severe first) and its risk score.
    fn flags(case_id: CaseId) -> CaseFlags;
    /// The candidates linked to a case's candidate (see [`Reader::links`]).
    fn links(case_id: CaseId) -> Vec<Link>;
    /// Everyone joined to a case's candidate through shared identifiers (see [`Reader::cluster`]).
    fn cluster(case_id: CaseId) -> Cluster;
    /// The whole verification view of a case.
    fn case_verification(case_id: CaseId) -> CaseVerification;
    fn ip_lists() -> Vec<IpList>;
    /// Which indicator ranges contain an address.
    fn check_ip(text: &str) -> IpCheck;
    fn voip_entries() -> Vec<VoipEntry>;
    fn vpn_providers() -> Vec<VpnProvider>;
    fn vendor_audit_status(vendor_id: VendorId) -> VendorAuditStatus;
    /// Every policy value in force (see [`Reader::policy`]).
    fn policy() -> Vec<PolicyValue>;
    fn policy_value(key: PolicyKey) -> u32;
    /// Where a case stands in the FCRA adverse-action steps.
    fn adverse_action(case_id: CaseId) -> crate::store::AdverseAction;
}

impl Store {
    /// The limits of a candidate's text fields, as data for a form.
    pub fn candidate_limits(&self) -> Vec<FieldLimit> {
        rules::candidate_limits()
    }
}

/// The cases and candidates the queue's search text finds (at most `QUEUE_SEARCH_HITS` hits; a
/// hit on a candidate stands for every case of theirs); none without a text.
fn search_matches(db: &dyn Db, text: Option<&str>) -> Result<Option<queue::SearchMatches>> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let mut m = queue::SearchMatches { cases: Vec::new(), candidates: Vec::new() };
    for hit in super::search::search(db, text, queue::QUEUE_SEARCH_HITS)? {
        if hit.kind == super::search::SearchKind::Candidate {
            m.candidates.push(hit.candidate_id);
        } else if let Some(case) = hit.case_id {
            m.cases.push(case);
        }
    }
    m.cases.sort_unstable();
    m.cases.dedup();
    m.candidates.sort_unstable();
    m.candidates.dedup();
    Ok(Some(m))
}
