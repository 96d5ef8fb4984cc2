//! Where a vendor stands with its audits and an E-Verify record with its deadlines on a given
//! day: the views the rules raise flags from, and the store and reports show.

use super::*;

/// Where a vendor stands with its audits on `today`: the latest audit is the later of the last
/// recorded audit and the vendor's own last-audit date; the next is due `interval_months` after
/// it, and a vendor never audited is overdue.
pub fn vendor_audit_status(
    vendor_id: i64,
    screening_attested: bool,
    vendor_last_audit: Option<NaiveDate>,
    mut audits: Vec<VendorAudit>,
    interval_months: u32,
    today: NaiveDate,
) -> VendorAuditStatus {
    audits.sort_by_key(|a| (a.audited_on, a.id));
    let recorded = audits.last();
    let (last_audit_on, last_outcome) = match (recorded, vendor_last_audit) {
        (Some(a), Some(v)) if v > a.audited_on => (Some(v), None),
        (Some(a), _) => (Some(a.audited_on), Some(a.outcome)),
        (None, v) => (v, None),
    };
    let next_due = last_audit_on.and_then(|d| d.checked_add_months(Months::new(interval_months)));
    VendorAuditStatus {
        vendor_id,
        screening_attested,
        last_audit_on,
        last_outcome,
        next_due,
        overdue: next_due.is_none_or(|d| d < today),
        audits,
    }
}

/// The deadline view of an E-Verify record, when its status carries deadlines.
pub fn everify_deadline_case(e: &EVerifyCase) -> Option<workdays::EVerifyCase> {
    let x = &e.fields;
    match x.status {
        EVerifyStatus::TentativeNonconfirmation => {
            let issued_on = x.mismatch_on?;
            Some(match x.referred_on {
                Some(referred_on) => workdays::EVerifyCase::Referred {
                    issued_on,
                    employee_notified_on: x.notice_given_on,
                    referred_on,
                    agency_contacted_on: x.agency_contacted_on,
                },
                None => workdays::EVerifyCase::TentativeNonconfirmation {
                    issued_on,
                    employee_notified_on: x.notice_given_on,
                    decision_recorded_on: x.decision_recorded_on,
                },
            })
        }
        EVerifyStatus::CaseInContinuance => Some(workdays::EVerifyCase::CaseInContinuance {
            since: x.continuance_since?,
            followed_up_on: x.followed_up_on,
        }),
        _ => None,
    }
}

/// The deadlines of an E-Verify record on `today` (empty when its status has none).
pub fn everify_deadlines(e: &EVerifyCase, today: NaiveDate) -> Vec<workdays::Deadline> {
    everify_deadline_case(e)
        .and_then(|c| workdays::everify_deadlines(&c, today, &FederalCalendar::new()).ok())
        .unwrap_or_default()
}
