//! The queue: cases joined with their candidate, vendor, checklist progress and open flags,
//! filtered and sorted as the case list asks.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::text_enum;
use crate::model::{
    CandidateId, CaseId, CaseKind, CaseStatus, Decision, ItemResult, Priority, Timestamp, VendorId,
};
use crate::store::db::{Db, ToValue, Value};
use crate::store::{Result, StoreError};
use crate::template;
use crate::verification::Severity;

text_enum! {
    /// Orders of the case list.
    pub enum CaseSort {
        Id => "id",
        Opened => "opened",
        Updated => "updated",
        Priority => "priority",
        Status => "status",
        Candidate => "candidate",
        Due => "due",
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub assignee: Option<String>,
    pub vendor_id: Option<VendorId>,
    pub candidate_id: Option<CandidateId>,
    /// Only cases past their due date and not yet decided.
    pub overdue: bool,
    pub sort: Option<CaseSort>,
    pub descending: bool,
    pub limit: Option<u32>,
}

/// One row of the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaseSummary {
    pub id: CaseId,
    pub candidate_id: CandidateId,
    pub candidate_name: String,
    pub external_id: Option<String>,
    pub vendor_id: Option<VendorId>,
    pub vendor_name: Option<String>,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub decision: Option<Decision>,
    pub assignee: Option<String>,
    pub priority: Priority,
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
    pub opened_at: Timestamp,
    pub updated_at: Timestamp,
    pub progress: Progress,
    /// Red flags of the case that are still open.
    pub open_flags: u32,
    /// The most severe of them.
    pub top_severity: Option<Severity>,
}

/// How far a checklist has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Progress {
    pub total: u32,
    /// Items with any result other than pending.
    pub done: u32,
    pub passed: u32,
    pub failed: u32,
}

impl Progress {
    /// Counts one applicable item with `result`.
    pub(crate) fn count(&mut self, result: ItemResult) {
        self.total += 1;
        match result {
            ItemResult::Pending => {}
            ItemResult::Pass => {
                self.done += 1;
                self.passed += 1;
            }
            ItemResult::Fail => {
                self.done += 1;
                self.failed += 1;
            }
            ItemResult::NotApplicable | ItemResult::Waived => self.done += 1,
        }
    }
}

/// Whether a case is still being worked (so it can be overdue).
pub(crate) fn is_active(status: CaseStatus) -> bool {
    matches!(status, CaseStatus::Open | CaseStatus::InReview | CaseStatus::Escalated)
}

pub(crate) fn list(db: &dyn Db, filter: &CaseFilter, today: NaiveDate) -> Result<Vec<CaseSummary>> {
    select(db, filter, "", today)
}

/// The rows `filter` asks for, with `extra` (" AND …", no arguments) among its conditions.
fn select(
    db: &dyn Db,
    filter: &CaseFilter,
    extra: &str,
    today: NaiveDate,
) -> Result<Vec<CaseSummary>> {
    let mut sql = String::from(
        "SELECT c.id, c.candidate_id, p.legal_name, p.external_id, p.vendor_id, v.name, c.kind,
                c.status, c.decision, c.assignee, c.priority, c.due_on, c.opened_at, c.updated_at,
                c.template_version,
                (SELECT count(*) FROM case_flags f WHERE f.case_id = c.id AND f.cleared_at IS NULL),
                (SELECT max(CASE f.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3
                                            WHEN 'critical' THEN 4 END)
                 FROM case_flags f WHERE f.case_id = c.id AND f.cleared_at IS NULL),
                c.template_id
         FROM cases c
         JOIN candidates p ON p.id = c.candidate_id
         LEFT JOIN vendors v ON v.id = p.vendor_id
         WHERE 1 = 1",
    );
    let mut args: Vec<Value> = Vec::new();
    let mut and = |sql: &mut String, condition: &str, value: Value| {
        args.push(value);
        sql.push_str(&condition.replace('#', &format!("?{}", args.len())));
    };
    if let Some(status) = filter.status {
        and(&mut sql, " AND c.status = #", status.to_value());
    }
    if let Some(assignee) = &filter.assignee {
        and(&mut sql, " AND c.assignee = #", assignee.to_value());
    }
    if let Some(vendor) = filter.vendor_id {
        and(&mut sql, " AND p.vendor_id = #", vendor.to_value());
    }
    if let Some(candidate) = filter.candidate_id {
        and(&mut sql, " AND c.candidate_id = #", candidate.to_value());
    }
    if filter.overdue {
        and(
            &mut sql,
            " AND c.due_on < # AND c.status IN ('open', 'in_review', 'escalated')",
            today.to_value(),
        );
    }
    sql.push_str(extra);
    let candidate_order = format!("{}, c.id", db.order_folded("p.legal_name"));
    let order = match filter.sort.unwrap_or(CaseSort::Id) {
        CaseSort::Id => "c.id",
        CaseSort::Opened => "c.opened_at, c.id",
        CaseSort::Updated => "c.updated_at, c.id",
        CaseSort::Priority => {
            "CASE c.priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END, c.id"
        }
        CaseSort::Status => {
            "CASE c.status WHEN 'open' THEN 0 WHEN 'in_review' THEN 1 WHEN 'escalated' THEN 2 \
             WHEN 'decided' THEN 3 ELSE 4 END, c.id"
        }
        CaseSort::Candidate => &candidate_order,
        CaseSort::Due => "c.due_on IS NULL, c.due_on, c.id",
    };
    let direction = if filter.descending { " DESC" } else { "" };
    // Every ORDER BY term gets the direction, so that ties break the same way.
    let order = order.split(", ").map(|term| format!("{term}{direction}")).collect::<Vec<_>>();
    sql.push_str(&format!(" ORDER BY {}", order.join(", ")));
    if let Some(limit) = filter.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    let mut cases = db.query_vec(&sql, &args, |r| {
        let status: CaseStatus = r.get(7)?;
        let due_on: Option<NaiveDate> = r.get(11)?;
        let summary = CaseSummary {
            id: r.get(0)?,
            candidate_id: r.get(1)?,
            candidate_name: r.get(2)?,
            external_id: r.get(3)?,
            vendor_id: r.get(4)?,
            vendor_name: r.get(5)?,
            kind: r.get(6)?,
            status,
            decision: r.get(8)?,
            assignee: r.get(9)?,
            priority: r.get(10)?,
            due_on,
            overdue: is_active(status) && due_on.is_some_and(|d| d < today),
            opened_at: r.get(12)?,
            updated_at: r.get(13)?,
            progress: Progress::default(),
            open_flags: r.get(15)?,
            top_severity: match r.get::<Option<i64>>(16)? {
                Some(1) => Some(Severity::Low),
                Some(2) => Some(Severity::Medium),
                Some(3) => Some(Severity::High),
                Some(4) => Some(Severity::Critical),
                _ => None,
            },
        };
        let template: (String, u32) = (r.get(17)?, r.get(14)?);
        Ok((summary, template))
    })?;
    let recorded = recorded_results(db, cases.iter().map(|(c, _)| c.id))?;
    let none = HashMap::new();
    for (summary, (template_id, version)) in &mut cases {
        let template = template::get(template_id, *version)?;
        let results = recorded.get(&summary.id).unwrap_or(&none);
        summary.progress = progress(template, summary.kind, summary.vendor_id.is_some(), results);
    }
    Ok(cases.into_iter().map(|(c, _)| c).collect())
}

/// Progress over the items that apply to a case now (as its checklist counts it): a pending
/// item has no row, so the results recorded are all the queue needs.
fn progress(
    template: &template::Template,
    kind: CaseKind,
    has_vendor: bool,
    results: &HashMap<String, ItemResult>,
) -> Progress {
    let recorded = |id: &str| results.get(id).is_some_and(|r| *r != ItemResult::Pending);
    let mut p = Progress::default();
    for (r, applies) in template.applicable(kind, has_vendor, &recorded) {
        if !applies {
            continue;
        }
        p.count(results.get(&r.item.id).copied().unwrap_or(ItemResult::Pending));
    }
    p
}

/// The results recorded on each of `cases`, read a few hundred cases at a time.
fn recorded_results(
    db: &dyn Db,
    cases: impl Iterator<Item = CaseId>,
) -> Result<HashMap<CaseId, HashMap<String, ItemResult>>> {
    let ids: Vec<CaseId> = cases.collect();
    let mut out: HashMap<CaseId, HashMap<String, ItemResult>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("?{n}")).collect();
        let sql = format!(
            "SELECT case_id, item_id, result FROM checklist_items WHERE case_id IN ({})",
            marks.join(", ")
        );
        let args: Vec<Value> = chunk.iter().map(|id| id.to_value()).collect();
        for (case_id, item_id, result) in db.query_vec(&sql, &args, |r| {
            Ok((r.get::<CaseId>(0)?, r.get::<String>(1)?, r.get::<ItemResult>(2)?))
        })? {
            out.entry(case_id).or_default().insert(item_id, result);
        }
    }
    Ok(out)
}

// ---- the queue as the app shows it: one view, a page at a time ----

text_enum! {
    /// The status choice of the queue: one status, or "active" (open, in review, escalated).
    pub enum QueueStatus {
        Active => "active",
        Open => "open",
        InReview => "in_review",
        Escalated => "escalated",
        Decided => "decided",
        Closed => "closed",
    }
}

text_enum! {
    /// The columns the queue sorts by. Ties break on the case number, in the same direction.
    pub enum QueueSort {
        Id => "id",
        Candidate => "candidate",
        Status => "status",
        /// By name, unassigned cases last (first when descending).
        Assignee => "assignee",
        /// By vendor name, direct hires last (first when descending).
        Vendor => "vendor",
        Priority => "priority",
        /// Cases without a due date last (first when descending).
        Due => "due",
        /// The worst open flag's severity, then how many are open.
        Flags => "flags",
        /// The share of applicable checklist items done.
        Progress => "progress",
        Updated => "updated",
    }
}

/// Whose cases the queue shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Unassigned,
    /// The cases assigned to this user (the app sends the acting user's name for "me").
    User(String),
}

/// Which vendor's candidates the queue shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum VendorFilter {
    #[default]
    Any,
    /// Candidates without a vendor (direct hires).
    None,
    Vendor(VendorId),
}

/// One page of one view of the queue: the filters, the search and the order the case list
/// shows, and which rows of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QueueQuery {
    pub status: Option<QueueStatus>,
    pub assignee: AssigneeFilter,
    pub vendor: VendorFilter,
    /// Only cases past their due date and not yet decided.
    pub overdue: bool,
    /// Only cases with at least one open red flag.
    pub flagged: bool,
    /// Full-text search: only the cases its hits belong to (a hit on a candidate matches every
    /// case of theirs; one in a note or file, its case). At most `QUEUE_SEARCH_HITS` hits count.
    pub search: Option<String>,
    pub sort: QueueSort,
    pub descending: bool,
    /// Rows of the view to skip.
    pub offset: u32,
    /// Rows to return, 1 to `QUEUE_PAGE_MAX`.
    pub limit: u32,
    /// Also every case number of the view, in its order (to select them all, or to tell which
    /// selected cases it still holds).
    pub with_ids: bool,
}

impl Default for QueueQuery {
    fn default() -> Self {
        QueueQuery {
            status: None,
            assignee: AssigneeFilter::Anyone,
            vendor: VendorFilter::Any,
            overdue: false,
            flagged: false,
            search: None,
            sort: QueueSort::Id,
            descending: false,
            offset: 0,
            limit: 100,
            with_ids: false,
        }
    }
}

/// Most rows of one page.
pub const QUEUE_PAGE_MAX: u32 = 1000;
/// Most search hits the queue's search looks at.
pub const QUEUE_SEARCH_HITS: usize = 2000;

/// How many cases of each status the view's other filters (and search) leave: the numbers
/// beside each status choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StatusCounts {
    /// Every status.
    pub all: u32,
    pub active: u32,
    pub open: u32,
    pub in_review: u32,
    pub escalated: u32,
    pub decided: u32,
    pub closed: u32,
}

impl StatusCounts {
    fn of(&self, status: Option<QueueStatus>) -> u32 {
        match status {
            None => self.all,
            Some(QueueStatus::Active) => self.active,
            Some(QueueStatus::Open) => self.open,
            Some(QueueStatus::InReview) => self.in_review,
            Some(QueueStatus::Escalated) => self.escalated,
            Some(QueueStatus::Decided) => self.decided,
            Some(QueueStatus::Closed) => self.closed,
        }
    }
}

/// One page of a view of the queue, with the sizes the page shows around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct QueuePage {
    /// Every case in the store (that the user may see), before any filter.
    pub cases_in_store: u32,
    /// The cases of the view: the rows there are to page through.
    pub total: u32,
    pub counts: StatusCounts,
    /// Where `cases` starts in the view.
    pub offset: u32,
    pub cases: Vec<CaseSummary>,
    /// Every case number of the view in its order, when asked for (`with_ids`).
    pub ids: Option<Vec<CaseId>>,
}

/// The WHERE conditions of a view (joined with AND), with their arguments.
struct Conditions {
    sql: Vec<String>,
    args: Vec<Value>,
    /// Whether a condition reads the candidate (`p`).
    needs_candidate: bool,
}

impl Conditions {
    fn push(&mut self, condition: &str, value: Option<Value>) {
        let condition = match value {
            Some(value) => {
                self.args.push(value);
                condition.replace('#', &format!("?{}", self.args.len()))
            }
            None => condition.to_string(),
        };
        self.sql.push(condition);
    }

    fn where_clause(&self) -> String {
        if self.sql.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.sql.join(" AND "))
        }
    }
}

const ACTIVE_SQL: &str = "('open', 'in_review', 'escalated')";

/// The conditions of the view; its status left out when `with_status` is false (for the counts
/// beside each status choice).
fn conditions(
    query: &QueueQuery,
    matches: Option<&SearchMatches>,
    today: NaiveDate,
    with_status: bool,
) -> Conditions {
    let mut c = Conditions { sql: Vec::new(), args: Vec::new(), needs_candidate: false };
    match query.status.filter(|_| with_status) {
        None => {}
        Some(QueueStatus::Active) => c.push(&format!("c.status IN {ACTIVE_SQL}"), None),
        Some(status) => c.push("c.status = #", Some(status.as_str().to_value())),
    }
    match &query.assignee {
        AssigneeFilter::Anyone => {}
        AssigneeFilter::Unassigned => c.push("c.assignee IS NULL", None),
        AssigneeFilter::User(name) => c.push("c.assignee = #", Some(name.to_value())),
    }
    match query.vendor {
        VendorFilter::Any => {}
        VendorFilter::None => {
            c.needs_candidate = true;
            c.push("p.vendor_id IS NULL", None);
        }
        VendorFilter::Vendor(id) => {
            c.needs_candidate = true;
            c.push("p.vendor_id = #", Some(id.to_value()));
        }
    }
    if query.overdue {
        c.push(&format!("c.due_on < # AND c.status IN {ACTIVE_SQL}"), Some(today.to_value()));
    }
    if query.flagged {
        c.push(
            "EXISTS (SELECT 1 FROM case_flags f WHERE f.case_id = c.id AND f.cleared_at IS NULL)",
            None,
        );
    }
    if let Some(m) = matches {
        // Numbers from the store's own rows, written into the statement as they are: up to
        // QUEUE_SEARCH_HITS of them would pass any limit on bound parameters.
        let list = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let mut any = Vec::new();
        if !m.cases.is_empty() {
            any.push(format!("c.id IN ({})", list(&m.cases)));
        }
        if !m.candidates.is_empty() {
            any.push(format!("c.candidate_id IN ({})", list(&m.candidates)));
        }
        if any.is_empty() {
            c.push("1 = 0", None);
        } else {
            c.push(&format!("({})", any.join(" OR ")), None);
        }
    }
    c
}

/// The cases and candidates a search's hits point at (read by the caller from the full-text
/// index, which this module does not reach).
pub(crate) struct SearchMatches {
    pub(crate) cases: Vec<i64>,
    pub(crate) candidates: Vec<i64>,
}

/// The ORDER BY terms of a sort in SQL (every sort but progress, which is counted here).
fn order_terms(db: &dyn Db, sort: QueueSort) -> Vec<String> {
    let flag_rank = "COALESCE((SELECT max(CASE f.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 \
                     WHEN 'high' THEN 3 WHEN 'critical' THEN 4 END) FROM case_flags f \
                     WHERE f.case_id = c.id AND f.cleared_at IS NULL), 0)";
    let flag_count =
        "(SELECT count(*) FROM case_flags f WHERE f.case_id = c.id AND f.cleared_at IS NULL)";
    let terms: Vec<String> = match sort {
        QueueSort::Id | QueueSort::Progress => vec![],
        QueueSort::Candidate => vec![db.order_folded("p.legal_name")],
        QueueSort::Status => vec![
            "CASE c.status WHEN 'open' THEN 0 WHEN 'in_review' THEN 1 WHEN 'escalated' THEN 2 \
             WHEN 'decided' THEN 3 ELSE 4 END"
                .into(),
        ],
        QueueSort::Assignee => {
            vec![
                "CASE WHEN c.assignee IS NULL THEN 1 ELSE 0 END".into(),
                db.order_folded("c.assignee"),
            ]
        }
        QueueSort::Vendor => {
            vec!["CASE WHEN v.name IS NULL THEN 1 ELSE 0 END".into(), db.order_folded("v.name")]
        }
        QueueSort::Priority => vec![
            "CASE c.priority WHEN 'low' THEN 0 WHEN 'normal' THEN 1 WHEN 'high' THEN 2 ELSE 3 END"
                .into(),
        ],
        QueueSort::Due => {
            vec!["CASE WHEN c.due_on IS NULL THEN 1 ELSE 0 END".into(), "c.due_on".into()]
        }
        QueueSort::Flags => vec![flag_rank.into(), flag_count.into()],
        QueueSort::Updated => vec!["c.updated_at".into()],
    };
    terms.into_iter().chain(["c.id".to_string()]).collect()
}

/// One page of a view of the queue, with the view's size and the counts per status. Only the
/// page's rows are read whole: the view is filtered, counted and ordered in the database
/// (its indexes on status, assignee, candidate and open flags), except the order by checklist
/// progress, which is counted from the templates for every case of the view.
pub(crate) fn page(
    db: &dyn Db,
    query: &QueueQuery,
    matches: Option<SearchMatches>,
    today: NaiveDate,
) -> Result<QueuePage> {
    if query.limit == 0 || query.limit > QUEUE_PAGE_MAX {
        return Err(StoreError::Invalid {
            field: None,
            message: format!(
                "queue page: limit must be 1 to {QUEUE_PAGE_MAX} rows, not {}",
                query.limit
            ),
        });
    }
    let counts = status_counts(db, query, matches.as_ref(), today)?;
    let cases_in_store = db.query_value::<i64>("SELECT count(*) FROM cases", &[])? as u32;
    let total = counts.of(query.status);
    let view = conditions(query, matches.as_ref(), today, true);
    let from = "FROM cases c JOIN candidates p ON p.id = c.candidate_id \
                LEFT JOIN vendors v ON v.id = p.vendor_id";
    let direction = if query.descending { " DESC" } else { "" };
    let window = |ids: &[CaseId]| -> Vec<CaseId> {
        ids.iter().skip(query.offset as usize).take(query.limit as usize).copied().collect()
    };
    let (cases, ids) = if query.sort == QueueSort::Progress {
        // Progress is counted from the templates, not stored: every case of the view is read.
        let ids =
            db.query_vec(&format!("SELECT c.id {from}{}", view.where_clause()), &view.args, |r| {
                r.get::<CaseId>(0)
            })?;
        let mut rows = summaries(db, &ids, today)?;
        let ratio =
            |c: &CaseSummary| (u64::from(c.progress.done), u64::from(c.progress.total.max(1)));
        rows.sort_by(|a, b| {
            // done_a / total_a against done_b / total_b without fractions.
            let ((done_a, total_a), (done_b, total_b)) = (ratio(a), ratio(b));
            let order = (done_a * total_b).cmp(&(done_b * total_a)).then(a.id.cmp(&b.id));
            if query.descending { order.reverse() } else { order }
        });
        let ids: Vec<CaseId> = rows.iter().map(|c| c.id).collect();
        let cases =
            rows.into_iter().skip(query.offset as usize).take(query.limit as usize).collect();
        (cases, query.with_ids.then_some(ids))
    } else {
        let order = order_terms(db, query.sort)
            .into_iter()
            .map(|term| format!("{term}{direction}"))
            .collect::<Vec<_>>()
            .join(", ");
        let ordered = format!("SELECT c.id {from}{} ORDER BY {order}", view.where_clause());
        if query.with_ids {
            let ids = db.query_vec(&ordered, &view.args, |r| r.get::<CaseId>(0))?;
            (summaries(db, &window(&ids), today)?, Some(ids))
        } else {
            let page = db.query_vec(
                &format!("{ordered} LIMIT {} OFFSET {}", query.limit, query.offset),
                &view.args,
                |r| r.get::<CaseId>(0),
            )?;
            (summaries(db, &page, today)?, None)
        }
    };
    Ok(QueuePage { cases_in_store, total, counts, offset: query.offset, cases, ids })
}

fn status_counts(
    db: &dyn Db,
    query: &QueueQuery,
    matches: Option<&SearchMatches>,
    today: NaiveDate,
) -> Result<StatusCounts> {
    let rest = conditions(query, matches, today, false);
    let join =
        if rest.needs_candidate { " JOIN candidates p ON p.id = c.candidate_id" } else { "" };
    let rows = db.query_vec(
        &format!(
            "SELECT c.status, count(*) FROM cases c{join}{} GROUP BY c.status",
            rest.where_clause()
        ),
        &rest.args,
        |r| Ok((r.get::<CaseStatus>(0)?, r.get::<i64>(1)? as u32)),
    )?;
    let mut counts = StatusCounts::default();
    for (status, n) in rows {
        counts.all += n;
        if is_active(status) {
            counts.active += n;
        }
        match status {
            CaseStatus::Open => counts.open += n,
            CaseStatus::InReview => counts.in_review += n,
            CaseStatus::Escalated => counts.escalated += n,
            CaseStatus::Decided => counts.decided += n,
            CaseStatus::Closed => counts.closed += n,
        }
    }
    Ok(counts)
}

/// The queue rows of `ids`, in that order.
fn summaries(db: &dyn Db, ids: &[CaseId], today: NaiveDate) -> Result<Vec<CaseSummary>> {
    let mut by_id: HashMap<CaseId, CaseSummary> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let list = chunk.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", ");
        let filter = CaseFilter::default();
        for summary in select(db, &filter, &format!(" AND c.id IN ({list})"), today)? {
            by_id.insert(summary.id, summary);
        }
    }
    // A case removed between the two reads is left out.
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}
