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
use crate::store::Result;
use crate::store::db::{Db, ToValue, Value};
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
