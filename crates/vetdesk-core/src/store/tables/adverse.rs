//! The FCRA adverse-action steps of a case, read back from its chain (`RecordPreAdverseNotice`,
//! a `SetStatus` citing `Ground::BackgroundReport`, `RecordAdverseNotice`): the chain is the
//! record, so the steps need no table of their own. The rules are in `store::rules` and
//! `store::apply`; the commands in `store::adverse`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{audit, policy};
use crate::change::{Change, Ground, PolicyKey, ReportingAgency};
use crate::checks::workdays;
use crate::model::{CaseId, CaseStatus, Chain, Decision, EvidenceId, Timestamp};
use crate::store::db::Db;
use crate::store::{Result, StoreError};

/// Where a case stands in the FCRA steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AdverseAction {
    pub case_id: CaseId,
    pub pre_notice: Option<PreNotice>,
    /// The day the case was rejected (or referred) citing the background report.
    pub decided_on: Option<NaiveDate>,
    pub notice: Option<AdverseNotice>,
    /// What comes next, in one sentence.
    pub next_step: String,
    /// The day the next step is due or allowed from, if it has one.
    pub due_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PreNotice {
    pub agency: ReportingAgency,
    pub report: EvidenceId,
    pub summary_of_rights: EvidenceId,
    pub notice: EvidenceId,
    pub sent_on: NaiveDate,
    #[ts(type = "number")]
    pub wait_days: u32,
    pub wait_ends_on: NaiveDate,
    /// The first day a decision may rest on the report: the day after the wait ends.
    pub decide_from: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AdverseNotice {
    pub notice: EvidenceId,
    pub sent_on: NaiveDate,
}

/// The last business day of a wait of `days` business days after `sent_on`.
pub fn wait_ends_on(sent_on: NaiveDate, days: u32) -> Result<NaiveDate> {
    workdays::add_working_days(sent_on, days)
        .ok_or_else(|| StoreError::invalid(format!("no date {days} business days after {sent_on}")))
}

/// The steps of a case as its chain records them.
pub(crate) fn state(db: &dyn Db, case_id: CaseId, today: NaiveDate) -> Result<AdverseAction> {
    let mut pre_notice = None;
    let mut decided_on = None;
    let mut notice = None;
    // Whether the case stands decided (on the report or not).
    let mut decided = false;
    for record in audit::chain_records(db, Chain::Case(case_id))? {
        let Ok(change) = serde_json::from_value::<Change>(record.change) else { continue };
        match change {
            Change::RecordPreAdverseNotice {
                agency,
                report,
                summary_of_rights,
                notice: n,
                sent_on,
                wait_days,
                wait_ends_on,
                ..
            } => {
                pre_notice = Some(PreNotice {
                    agency,
                    report,
                    summary_of_rights,
                    notice: n,
                    sent_on,
                    wait_days,
                    wait_ends_on,
                    decide_from: wait_ends_on.succ_opt().unwrap_or(wait_ends_on),
                });
            }
            Change::SetStatus { status: CaseStatus::Decided, decision, grounds, .. } => {
                let adverse = matches!(decision, Some(Decision::Rejected | Decision::Referred));
                decided_on = (adverse && grounds.contains(&Ground::BackgroundReport))
                    .then(|| record.at.date());
                decided = true;
                // A notice answers the decision it followed; a new decision needs its own.
                notice = None;
            }
            // Closing signs off the decision as it stands.
            Change::SetStatus { status: CaseStatus::Closed, .. } => {}
            // Any other move reopens the case: the decision, and with it the notice it called
            // for, no longer stands.
            Change::SetStatus { .. } => {
                decided_on = None;
                decided = false;
                notice = None;
            }
            Change::RecordAdverseNotice { notice: n, sent_on, .. } => {
                notice = Some(AdverseNotice { notice: n, sent_on });
            }
            _ => {}
        }
    }
    let (next_step, due_on) = match (&pre_notice, decided_on, &notice) {
        (None, _, _) => (
            "no pre-adverse-action notice: give one before a decision rests on a background report"
                .to_string(),
            None,
        ),
        (Some(_), None, _) if decided => (
            "decided without resting on the background report: no adverse-action notice is due"
                .into(),
            None,
        ),
        (Some(p), None, _) if today < p.decide_from => (
            format!(
                "waiting period of {} business days runs to {}; a decision citing the report is allowed from {}",
                p.wait_days, p.wait_ends_on, p.decide_from
            ),
            Some(p.decide_from),
        ),
        (Some(p), None, _) => (
            "waiting period over: the case may be decided citing the background report".into(),
            Some(p.decide_from),
        ),
        (Some(_), Some(d), None) => {
            ("adverse-action notice due: the case was decided on the report".into(), Some(d))
        }
        (Some(_), Some(_), Some(n)) => {
            (format!("done: adverse-action notice given on {}", n.sent_on), None)
        }
    };
    Ok(AdverseAction { case_id, pre_notice, decided_on, notice, next_step, due_on })
}

/// The pre-adverse notice's dates as the store would record them now.
pub(crate) fn pre_notice_dates(db: &dyn Db, at: &Timestamp) -> Result<(NaiveDate, u32, NaiveDate)> {
    let sent_on = at.date();
    let days = policy::value(db, PolicyKey::AdverseActionWaitDays)?;
    Ok((sent_on, days, wait_ends_on(sent_on, days)?))
}
