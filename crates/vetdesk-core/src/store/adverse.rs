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
//! weekends and the US federal holidays as observed (`checks::workdays`). This module makes and
//! records the notices; `tables::adverse` reads the steps back, `apply::adverse` checks each.

use std::path::Path;

use chrono::NaiveDate;

use super::apply::{check_agency, check_notice, check_pre_notice};
use super::reader::Reader;
use super::tables::adverse::{AdverseAction, pre_notice_dates, state};
use super::tables::{audit, candidates, cases};
use super::{Applied, Result, Store, StoreError};
use crate::change::{Change, ReportingAgency};
use crate::evidence::Limits;
use crate::model::{CaseId, EvidenceId, Timestamp};
use crate::store::db::Db;

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

impl Reader<'_> {
    /// Where a case stands in the FCRA adverse-action steps.
    pub fn adverse_action(&self, case_id: CaseId) -> Result<AdverseAction> {
        if cases::get(self.db(), case_id)?.is_none() {
            return Err(StoreError::no_case(self.db(), case_id));
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
        let files = [
            (report, "copy of the consumer report, given with the pre-adverse-action notice"),
            (
                summary_of_rights,
                "A Summary of Your Rights Under the Fair Credit Reporting Act, given with the pre-adverse-action notice",
            ),
        ];
        let mut given = Vec::new();
        let (agency, draft) = self.pre_notice_draft(actor, case_id, agency)?;
        let pdf = render(&draft)
            .map_err(|e| StoreError::invalid(format!("the pre-adverse-action notice: {e}")))?;
        for (path, description) in files {
            given.push((self.ingest(path)?, file_name(path), description));
        }
        let notice_file = self.ingest_bytes(&pdf)?;
        self.all_or_nothing(|| {
            let mut out = Vec::new();
            let mut ids = Vec::new();
            for (file, name, description) in given.clone() {
                let applied = self.attach_given(actor, case_id, file, name, description)?;
                ids.push(evidence_id_of(&applied)?);
                out.push(applied);
            }
            let [report, summary] = ids[..] else {
                return Err(StoreError::Corrupt("two files attached, not two ids".into()));
            };
            out.extend(self.record_pre_notice(
                actor,
                case_id,
                agency.clone(),
                report,
                summary,
                notice_file.clone(),
                &draft,
            )?);
            Ok(out)
        })
    }

    /// As [`Store::pre_adverse_notice`], with the copy of the report and the summary of rights
    /// already evidence of the case (uploaded like any other file): the app's way, which hands
    /// the store no path.
    pub fn pre_adverse_notice_with_evidence(
        &self,
        actor: &str,
        case_id: CaseId,
        agency: ReportingAgency,
        report: EvidenceId,
        summary_of_rights: EvidenceId,
        render: RenderNotice<'_>,
    ) -> Result<Vec<Applied>> {
        if report == summary_of_rights {
            return Err(StoreError::invalid(
                "the copy of the report and the summary of rights are one file: give each",
            )
            .at(crate::model::Field::Evidence));
        }
        let (agency, draft) = self.pre_notice_draft(actor, case_id, agency)?;
        let pdf = render(&draft)
            .map_err(|e| StoreError::invalid(format!("the pre-adverse-action notice: {e}")))?;
        let notice_file = self.ingest_bytes(&pdf)?;
        self.all_or_nothing(|| {
            self.record_pre_notice(
                actor,
                case_id,
                agency.clone(),
                report,
                summary_of_rights,
                notice_file.clone(),
                &draft,
            )
        })
    }

    /// The checks before a pre-adverse notice and the draft it is rendered from.
    fn pre_notice_draft(
        &self,
        actor: &str,
        case_id: CaseId,
        agency: ReportingAgency,
    ) -> Result<(ReportingAgency, NoticeDraft)> {
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
        Ok((agency, draft))
    }

    fn attach_given(
        &self,
        actor: &str,
        case_id: CaseId,
        file: crate::change::StoredFile,
        name: String,
        description: &str,
    ) -> Result<Applied> {
        self.apply(
            actor,
            Change::AttachEvidence {
                id: None,
                case_id,
                file,
                original_name: name,
                description: Some(description.to_string()),
                item_id: None,
            },
        )
    }

    /// Attaches the rendered notice and records the step (inside the caller's batch).
    #[allow(clippy::too_many_arguments)]
    fn record_pre_notice(
        &self,
        actor: &str,
        case_id: CaseId,
        agency: ReportingAgency,
        report: EvidenceId,
        summary_of_rights: EvidenceId,
        notice_file: crate::change::StoredFile,
        draft: &NoticeDraft,
    ) -> Result<Vec<Applied>> {
        let attached = self.attach_given(
            actor,
            case_id,
            notice_file,
            format!("pre-adverse-action-notice-case-{case_id}.pdf"),
            "pre-adverse-action notice (FCRA)",
        )?;
        let notice = evidence_id_of(&attached)?;
        let step = self.apply(
            actor,
            Change::RecordPreAdverseNotice {
                case_id,
                agency,
                report,
                summary_of_rights,
                notice,
                sent_on: draft.pre_notice_on,
                wait_days: draft.wait_days,
                wait_ends_on: draft.wait_ends_on,
            },
        )?;
        Ok(vec![attached, step])
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
            let notice = evidence_id_of(&attached)?;
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
    let case = cases::get(db, case_id)?.ok_or_else(|| StoreError::no_case(db, case_id))?;
    let candidate = candidates::get(db, case.candidate_id)?
        .ok_or_else(|| StoreError::not_found("candidate", case.candidate_id))?;
    Ok(candidate.fields.legal_name)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into())
}

/// The evidence id an attachment was given.
fn evidence_id_of(attached: &Applied) -> Result<EvidenceId> {
    attached
        .change
        .record_id()
        .ok_or_else(|| StoreError::Corrupt("an attached file has no evidence id".into()))
}
