//! Adverse action under the Fair Credit Reporting Act. Before an employer rejects someone on a
//! background-check (consumer) report it gives them a pre-adverse-action notice with a copy of
//! the report and the CFPB's "A Summary of Your Rights Under the Fair Credit Reporting Act"
//! (15 U.S.C. § 1681b(b)(3)), waits long enough for them to dispute it, and after the decision
//! gives the adverse-action notice (§ 1681m(a)). The steps are read back from the case's own
//! chain (`RecordPreAdverseNotice`, `SetStatus` citing `Ground::BackgroundReport`,
//! `RecordAdverseNotice`), so they are as tamper-evident as the chain and need no table.
//!
//! The law names no number of days; the FTC's guidance for employers ("Using Consumer Reports:
//! What Employers Need to Know") asks for a reasonable time, and five business days is the
//! common practice, hence the default of `PolicyKey::AdverseActionWaitDays`. Business days skip
//! weekends and the US federal holidays as observed (`checks::workdays`).

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::db::Db;
use super::reader::Reader;
use super::tables::{audit, candidates, cases, policy};
use super::{Applied, Result, Store, StoreError};
use crate::change::{Change, Ground, PolicyKey, ReportingAgency};
use crate::checks::workdays;
use crate::evidence::Limits;
use crate::model::{CaseId, CaseStatus, Chain, Decision, EvidenceId, Field, Timestamp};

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

/// What a notice template is filled with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeDraft {
    pub case_id: CaseId,
    pub candidate_name: String,
    pub agency: ReportingAgency,
    /// The day of the pre-adverse notice.
    pub pre_notice_on: NaiveDate,
    pub wait_days: u32,
    pub wait_ends_on: NaiveDate,
    /// For the adverse-action notice: the day of the decision.
    pub decided_on: Option<NaiveDate>,
    pub generated_at: Timestamp,
    pub generated_by: String,
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

/// A decision citing the background report needs the pre-adverse notice and the wait over.
pub(crate) fn check_can_cite(db: &dyn Db, case_id: CaseId, at: &Timestamp) -> Result<()> {
    let today = at.date();
    match state(db, case_id, today)?.pre_notice {
        None => Err(StoreError::conflict(format!(
            "case {case_id} cannot be decided on the background report: no pre-adverse-action notice was given; record one first (vetdesk adverse-action pre-notice {case_id} …)"
        ))
        .at(Field::Grounds)),
        Some(p) if today < p.decide_from => Err(StoreError::conflict(format!(
            "case {case_id} cannot be decided on the background report before {}: the waiting period of {} business days after the pre-adverse-action notice of {} runs to {}",
            p.decide_from, p.wait_days, p.sent_on, p.wait_ends_on
        ))
        .at(Field::Grounds)),
        Some(_) => Ok(()),
    }
}

/// The pre-adverse notice's dates as the store would record them now.
fn pre_notice_dates(db: &dyn Db, at: &Timestamp) -> Result<(NaiveDate, u32, NaiveDate)> {
    let sent_on = at.date();
    let days = policy::value(db, PolicyKey::AdverseActionWaitDays)?;
    Ok((sent_on, days, wait_ends_on(sent_on, days)?))
}

/// Refusals of a pre-adverse notice on this case now.
pub(crate) fn check_pre_notice(db: &dyn Db, case_id: CaseId, at: &Timestamp) -> Result<()> {
    let case = super::rules::open_case(db, case_id)?;
    if case.status == CaseStatus::Decided {
        return Err(StoreError::conflict(format!(
            "case {case_id} is already decided: a pre-adverse-action notice comes before the decision"
        )));
    }
    if let Some(p) = state(db, case_id, at.date())?.pre_notice {
        return Err(StoreError::conflict(format!(
            "case {case_id} already has a pre-adverse-action notice (given on {})",
            p.sent_on
        )));
    }
    Ok(())
}

/// Refusals of an adverse-action notice on this case now; answers the steps so far.
pub(crate) fn check_notice(db: &dyn Db, case_id: CaseId, at: &Timestamp) -> Result<AdverseAction> {
    super::rules::open_case(db, case_id)?;
    let state = state(db, case_id, at.date())?;
    let Some(pre) = &state.pre_notice else {
        return Err(StoreError::conflict(format!(
            "case {case_id} has no pre-adverse-action notice: the adverse-action notice comes after it, the waiting period and the decision (vetdesk adverse-action pre-notice {case_id} …)"
        )));
    };
    if at.date() < pre.decide_from {
        return Err(StoreError::conflict(format!(
            "case {case_id}: the waiting period after the pre-adverse-action notice runs to {}; no adverse-action notice before {}",
            pre.wait_ends_on, pre.decide_from
        )));
    }
    if state.decided_on.is_none() {
        return Err(StoreError::conflict(format!(
            "case {case_id} is not decided on the background report: decide it rejected citing the report first (vetdesk case status {case_id} rejected --cite background_report …)"
        )));
    }
    if let Some(n) = &state.notice {
        return Err(StoreError::conflict(format!(
            "case {case_id} already has an adverse-action notice (given on {})",
            n.sent_on
        )));
    }
    Ok(state)
}

/// Checks and fills in a recorded step.
pub(crate) fn resolve(db: &dyn Db, at: &Timestamp, change: Change) -> Result<Change> {
    match change {
        Change::RecordPreAdverseNotice {
            case_id,
            agency,
            report,
            summary_of_rights,
            notice,
            sent_on,
            wait_days,
            wait_ends_on,
        } => {
            check_pre_notice(db, case_id, at)?;
            let agency = check_agency(agency)?;
            for id in [report, summary_of_rights, notice] {
                check_evidence_of(db, case_id, id)?;
            }
            let (today, days, ends) = pre_notice_dates(db, at)?;
            if (sent_on, wait_days, wait_ends_on) != (today, days, ends) {
                return Err(StoreError::conflict(format!(
                    "the notice gives {sent_on} and a wait of {wait_days} business days to {wait_ends_on}, but today is {today} and the wait is {days} business days to {ends}: make the notice again"
                )));
            }
            Ok(Change::RecordPreAdverseNotice {
                case_id,
                agency,
                report,
                summary_of_rights,
                notice,
                sent_on,
                wait_days,
                wait_ends_on,
            })
        }
        Change::RecordAdverseNotice { case_id, notice, sent_on } => {
            check_notice(db, case_id, at)?;
            check_evidence_of(db, case_id, notice)?;
            if sent_on != at.date() {
                return Err(StoreError::conflict(format!(
                    "the notice is dated {sent_on}, but today is {}: make the notice again",
                    at.date()
                )));
            }
            Ok(Change::RecordAdverseNotice { case_id, notice, sent_on })
        }
        other => {
            Err(StoreError::Corrupt(format!("{} is not an adverse-action change", other.kind())))
        }
    }
}

fn check_evidence_of(db: &dyn Db, case_id: CaseId, id: EvidenceId) -> Result<()> {
    match super::tables::evidence::case_of(db, id)? {
        Some(c) if c == case_id => Ok(()),
        Some(c) => Err(StoreError::invalid(format!(
            "evidence {id} belongs to case {c}, not case {case_id}"
        ))
        .at(Field::Evidence)),
        None => Err(StoreError::not_found("evidence", id).at(Field::Evidence)),
    }
}

const MAX_AGENCY_FIELD: usize = 500;

/// The agency's name, address and phone: each needed, one line or a short address.
pub fn check_agency(agency: ReportingAgency) -> Result<ReportingAgency> {
    let field = |label: &str, value: &str, at: Field| -> Result<String> {
        let v = value.trim();
        if v.is_empty() {
            return Err(StoreError::invalid(format!(
                "the consumer reporting agency's {label} is needed: the adverse-action notice must give it"
            ))
            .at(at));
        }
        if v.chars().count() > MAX_AGENCY_FIELD || v.chars().any(|c| c.is_control() && c != '\n') {
            return Err(StoreError::invalid(format!(
                "the agency's {label} is longer than {MAX_AGENCY_FIELD} characters or holds control characters"
            ))
            .at(at));
        }
        Ok(v.to_string())
    };
    Ok(ReportingAgency {
        name: field("name", &agency.name, Field::Agency)?,
        address: field("address", &agency.address, Field::Agency)?,
        phone: field("phone number", &agency.phone, Field::Phone)?,
    })
}

impl Reader<'_> {
    /// Where a case stands in the FCRA adverse-action steps.
    pub fn adverse_action(&self, case_id: CaseId) -> Result<AdverseAction> {
        if cases::get(self.db(), case_id)?.is_none() {
            return Err(StoreError::not_found("case", case_id));
        }
        state(self.db(), case_id, self.today())
    }
}

/// A notice template: fills a draft in and answers the PDF's bytes.
pub type RenderNotice<'a> =
    &'a dyn Fn(&NoticeDraft) -> std::result::Result<Vec<u8>, Box<dyn std::error::Error>>;

impl Store {
    /// Gives the pre-adverse-action notice on a case: stores the copy of the report and the
    /// summary of rights, renders the notice with `render`, and records all three as evidence
    /// and the step itself in one transaction. Refused (before any file is read) when the case
    /// is closed or decided or already has a pre-adverse notice.
    pub fn pre_adverse_notice(
        &self,
        actor: &str,
        case_id: CaseId,
        agency: ReportingAgency,
        report: &Path,
        summary_of_rights: &Path,
        render: RenderNotice<'_>,
    ) -> Result<Vec<Applied>> {
        let agency = check_agency(agency)?;
        let (at, candidate_name, (sent_on, wait_days, wait_ends_on)) = self.read(|r| {
            // The time the record will carry (never before the last record's).
            let at = audit::write_time(r.db(), self.clock().now())?;
            self.check_actor(r, actor)?;
            check_pre_notice(r.db(), case_id, &at)?;
            let dates = pre_notice_dates(r.db(), &at)?;
            Ok::<_, StoreError>((at, candidate_name(r.db(), case_id)?, dates))
        })?;
        let draft = NoticeDraft {
            case_id,
            candidate_name,
            agency: agency.clone(),
            pre_notice_on: sent_on,
            wait_days,
            wait_ends_on,
            decided_on: None,
            generated_at: at,
            generated_by: actor.to_string(),
        };
        let pdf = render(&draft)
            .map_err(|e| StoreError::invalid(format!("the pre-adverse-action notice: {e}")))?;
        let report_file = self.ingest(report)?;
        let summary_file = self.ingest(summary_of_rights)?;
        let notice_file = self.ingest_bytes(&pdf)?;
        let notice_name = format!("pre-adverse-action-notice-case-{case_id}.pdf");
        self.all_or_nothing(|| {
            let mut out = Vec::new();
            let mut attach = |file, name: String, description: &str| -> Result<EvidenceId> {
                let applied = self.apply(
                    actor,
                    Change::AttachEvidence {
                        id: None,
                        case_id,
                        file,
                        original_name: name,
                        description: Some(description.to_string()),
                        item_id: None,
                    },
                )?;
                let id = applied.change.record_id().ok_or_else(|| {
                    StoreError::Corrupt("an attached file has no evidence id".into())
                })?;
                out.push(applied);
                Ok(id)
            };
            let report = attach(
                report_file,
                file_name(report),
                "copy of the consumer report, given with the pre-adverse-action notice",
            )?;
            let summary = attach(
                summary_file,
                file_name(summary_of_rights),
                "A Summary of Your Rights Under the Fair Credit Reporting Act, given with the pre-adverse-action notice",
            )?;
            let notice = attach(notice_file, notice_name, "pre-adverse-action notice (FCRA)")?;
            out.push(self.apply(
                actor,
                Change::RecordPreAdverseNotice {
                    case_id,
                    agency,
                    report,
                    summary_of_rights: summary,
                    notice,
                    sent_on,
                    wait_days,
                    wait_ends_on,
                },
            )?);
            Ok(out)
        })
    }

    /// Gives the adverse-action notice on a case decided on its background report: renders it
    /// with `render` and records it as evidence and as the step, in one transaction.
    pub fn adverse_notice(
        &self,
        actor: &str,
        case_id: CaseId,
        render: RenderNotice<'_>,
    ) -> Result<Vec<Applied>> {
        let (at, candidate_name, state) = self.read(|r| {
            let at = audit::write_time(r.db(), self.clock().now())?;
            self.check_actor(r, actor)?;
            let state = check_notice(r.db(), case_id, &at)?;
            Ok::<_, StoreError>((at, candidate_name(r.db(), case_id)?, state))
        })?;
        let Some(pre) = state.pre_notice else {
            return Err(StoreError::Corrupt("checked steps lost their notice".into()));
        };
        let draft = NoticeDraft {
            case_id,
            candidate_name,
            agency: pre.agency,
            pre_notice_on: pre.sent_on,
            wait_days: pre.wait_days,
            wait_ends_on: pre.wait_ends_on,
            decided_on: state.decided_on,
            generated_at: at,
            generated_by: actor.to_string(),
        };
        let pdf = render(&draft)
            .map_err(|e| StoreError::invalid(format!("the adverse-action notice: {e}")))?;
        let file = self.ingest_bytes(&pdf)?;
        self.all_or_nothing(|| {
            let attached = self.apply(
                actor,
                Change::AttachEvidence {
                    id: None,
                    case_id,
                    file,
                    original_name: format!("adverse-action-notice-case-{case_id}.pdf"),
                    description: Some("adverse-action notice (FCRA)".into()),
                    item_id: None,
                },
            )?;
            let notice = attached
                .change
                .record_id()
                .ok_or_else(|| StoreError::Corrupt("an attached file has no evidence id".into()))?;
            let step = self.apply(
                actor,
                Change::RecordAdverseNotice { case_id, notice, sent_on: at.date() },
            )?;
            Ok(vec![attached, step])
        })
    }

    fn check_actor(&self, r: &Reader<'_>, actor: &str) -> Result<()> {
        match r.user(actor) {
            Ok(user) if user.active => Ok(()),
            Ok(_) | Err(StoreError::NotFound { .. }) => {
                Err(StoreError::UnknownActor(actor.to_string()))
            }
            Err(e) => Err(e),
        }
    }

    fn ingest(&self, path: &Path) -> Result<crate::change::StoredFile> {
        let limits = Limits { max_bytes: self.config().evidence_max_bytes };
        let ingested = self.files().ingest_path(path, &limits, &mut |_, _| {})?;
        self.stored_file(ingested)
    }

    fn ingest_bytes(&self, bytes: &[u8]) -> Result<crate::change::StoredFile> {
        let limits = Limits { max_bytes: self.config().evidence_max_bytes };
        let mut reader = bytes;
        let ingested =
            self.files().ingest_reader(&mut reader, "notice.pdf", &limits, &mut |_, _| {})?;
        self.stored_file(ingested)
    }
}

fn candidate_name(db: &dyn Db, case_id: CaseId) -> Result<String> {
    let case = cases::get(db, case_id)?.ok_or_else(|| StoreError::not_found("case", case_id))?;
    let candidate = candidates::get(db, case.candidate_id)?
        .ok_or_else(|| StoreError::not_found("candidate", case.candidate_id))?;
    Ok(candidate.fields.legal_name)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into())
}
