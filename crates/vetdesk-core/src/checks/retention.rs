//! Retention: until when a person's records are kept, by which rule, from which public source.
//! Pure: it takes the facts of one person and `today` and answers the rule, the day the
//! records become due for erasure, and what (if anything) holds them longer.
//!
//! - Hired (an employee record): Form I-9 is kept the later of 3 years after the first day of
//!   work or 1 year after employment ended (8 CFR 274a.2(b)(2)(i)(A)); still employed, it is
//!   not due.
//! - Referred to law enforcement: kept until the referral is released; then the not-hired
//!   period runs from the release.
//! - Not hired: the configured period after the decision (default 2 years); never below 1 year,
//!   the EEOC's minimum for applications and hiring records (29 CFR 1602.14).
//! - A case on legal hold blocks erasure while it holds; an undecided case blocks it too.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Source;
use crate::model::{CandidateId, CaseId, CaseStatus, Decision, RetentionRule};

/// The shortest not-hired period the store accepts (29 CFR 1602.14: one year).
pub const MIN_NOT_HIRED_YEARS: u32 = 1;
pub const DEFAULT_NOT_HIRED_YEARS: u32 = 2;
/// Form I-9: years after the start date, and after the end of employment.
pub const I9_YEARS_AFTER_START: u32 = 3;
pub const I9_YEARS_AFTER_END: u32 = 1;

/// The rules' settings (`config.toml`, `[retention]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RetentionPolicy {
    /// Years a person who was not hired is kept after the decision.
    pub not_hired_years: u32,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy { not_hired_years: DEFAULT_NOT_HIRED_YEARS }
    }
}

/// The public source of a rule.
pub fn source(rule: RetentionRule) -> Source {
    match rule {
        RetentionRule::FormI9 => Source::new(
            "8 CFR 274a.2, Verification of identity and employment authorization",
            "(b)(2)(i)(A): retain Form I-9 for 3 years after hire or 1 year after employment ends, whichever is later",
        ),
        RetentionRule::NotHired => Source::new(
            "29 CFR 1602.14, Preservation of records made or kept",
            "applications and other hiring records: at least one year from the making of the record or the personnel action",
        ),
        RetentionRule::Referral => Source::new(
            "Vetdesk retention policy",
            "records of a case referred to law enforcement are kept until the referral is released",
        ),
    }
}

/// A rule as the Settings page lists it: who it covers, how long they are kept, its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RuleText {
    pub rule: RetentionRule,
    pub who: String,
    pub kept: String,
    pub source: String,
}

/// The rules in force under `policy`, in words.
pub fn rules_in_force(policy: &RetentionPolicy) -> Vec<RuleText> {
    let years = policy.not_hired_years.max(MIN_NOT_HIRED_YEARS);
    let text = |rule, who: &str, kept: String| {
        let s = source(rule);
        RuleText { rule, who: who.into(), kept, source: format!("{}, {}", s.document, s.section) }
    };
    vec![
        text(
            RetentionRule::FormI9,
            "Hired workers",
            format!(
                "the later of {I9_YEARS_AFTER_START} years after the start date or \
                 {I9_YEARS_AFTER_END} year after termination"
            ),
        ),
        text(
            RetentionRule::NotHired,
            "People not hired",
            format!(
                "{years} year(s) after the decision (config.toml [retention] not_hired_years; \
                 never below {MIN_NOT_HIRED_YEARS})"
            ),
        ),
        text(
            RetentionRule::Referral,
            "Cases referred to law enforcement",
            format!("until the referral is released, then {years} year(s)"),
        ),
    ]
}

/// One case of the person, as retention sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFacts {
    pub id: CaseId,
    pub status: CaseStatus,
    pub decision: Option<Decision>,
    pub decided_on: Option<NaiveDate>,
    pub legal_hold: bool,
    pub referral_released_on: Option<NaiveDate>,
}

/// Everything retention needs about one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonFacts {
    pub candidate_id: CandidateId,
    pub added_on: NaiveDate,
    pub cases: Vec<CaseFacts>,
    /// Start and end of employment, when they were hired (the latest hire).
    pub employment: Option<(NaiveDate, Option<NaiveDate>)>,
}

/// Where a person stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Assessment {
    pub rule: RetentionRule,
    /// The day the records become due for erasure; `None` while something keeps them.
    pub due_on: Option<NaiveDate>,
    /// What keeps them beyond `due_on` (a legal hold) or without a date (still employed, an
    /// undecided case, a referral not released).
    pub held_by: Option<String>,
}

impl Assessment {
    /// Due for erasure on `today`.
    pub fn is_due(&self, today: NaiveDate) -> bool {
        self.held_by.is_none() && self.due_on.is_some_and(|d| d <= today)
    }
}

fn plus_years(day: NaiveDate, years: u32) -> NaiveDate {
    // 29 February plus a year is 28 February: chrono clamps to the month's last day.
    day.checked_add_months(Months::new(years.saturating_mul(12))).unwrap_or(NaiveDate::MAX)
}

/// The rule a person falls under and the day it makes their records due.
pub fn assess(person: &PersonFacts, policy: &RetentionPolicy) -> Assessment {
    let years = policy.not_hired_years.max(MIN_NOT_HIRED_YEARS);
    let hold = person
        .cases
        .iter()
        .find(|c| c.legal_hold)
        .map(|c| format!("case {} is on legal hold", c.id));
    let mut out = if let Some((start, end)) = person.employment {
        match end {
            Some(end) => Assessment {
                rule: RetentionRule::FormI9,
                due_on: Some(
                    plus_years(start, I9_YEARS_AFTER_START)
                        .max(plus_years(end, I9_YEARS_AFTER_END)),
                ),
                held_by: None,
            },
            None => Assessment {
                rule: RetentionRule::FormI9,
                due_on: None,
                held_by: Some("still employed: no termination date".into()),
            },
        }
    } else if let Some(c) = person.cases.iter().find(|c| {
        c.decision == Some(Decision::Referred) && c.referral_released_on.is_none() && decided(c)
    }) {
        Assessment {
            rule: RetentionRule::Referral,
            due_on: None,
            held_by: Some(format!(
                "case {} was referred to law enforcement and not released",
                c.id
            )),
        }
    } else if let Some(c) = person.cases.iter().find(|c| !decided(c)) {
        Assessment {
            rule: RetentionRule::NotHired,
            due_on: None,
            held_by: Some(format!("case {} is not decided ({})", c.id, c.status)),
        }
    } else {
        let released = person.cases.iter().any(|c| c.referral_released_on.is_some());
        let last = person
            .cases
            .iter()
            .filter_map(|c| c.referral_released_on.or(c.decided_on))
            .max()
            .unwrap_or(person.added_on);
        Assessment {
            rule: if released { RetentionRule::Referral } else { RetentionRule::NotHired },
            due_on: Some(plus_years(last, years)),
            held_by: None,
        }
    };
    if hold.is_some() {
        out.held_by = hold;
    }
    out
}

fn decided(c: &CaseFacts) -> bool {
    matches!(c.status, CaseStatus::Decided | CaseStatus::Closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap_or(NaiveDate::MIN)
    }

    fn case(status: CaseStatus, decision: Option<Decision>, on: Option<&str>) -> CaseFacts {
        CaseFacts {
            id: 1,
            status,
            decision,
            decided_on: on.map(day),
            legal_hold: false,
            referral_released_on: None,
        }
    }

    fn person(cases: Vec<CaseFacts>, employment: Option<(&str, Option<&str>)>) -> PersonFacts {
        PersonFacts {
            candidate_id: 1,
            added_on: day("2024-01-10"),
            cases,
            employment: employment.map(|(s, e)| (day(s), e.map(day))),
        }
    }

    #[test]
    fn each_rule_gives_its_due_day() {
        use CaseStatus::*;
        use Decision::*;
        let policy = RetentionPolicy::default();
        let rejected = || case(Decided, Some(Rejected), Some("2024-03-01"));
        // (facts, rule, due day, held)
        let rows: Vec<(PersonFacts, RetentionRule, Option<&str>, bool)> = vec![
            // not hired: two years after the decision
            (person(vec![rejected()], None), RetentionRule::NotHired, Some("2026-03-01"), false),
            // closed counts as decided
            (
                person(vec![case(Closed, Some(Cleared), Some("2024-05-02"))], None),
                RetentionRule::NotHired,
                Some("2026-05-02"),
                false,
            ),
            // undecided: no date
            (person(vec![case(InReview, None, None)], None), RetentionRule::NotHired, None, true),
            // no case: from when they were added
            (person(vec![], None), RetentionRule::NotHired, Some("2026-01-10"), false),
            // hired: 3 years after start beats 1 year after a short employment
            (
                person(vec![], Some(("2024-02-01", Some("2024-06-30")))),
                RetentionRule::FormI9,
                Some("2027-02-01"),
                false,
            ),
            // hired: 1 year after a long employment ends
            (
                person(vec![], Some(("2020-02-01", Some("2025-06-30")))),
                RetentionRule::FormI9,
                Some("2026-06-30"),
                false,
            ),
            // still employed
            (person(vec![], Some(("2020-02-01", None))), RetentionRule::FormI9, None, true),
            // referred and not released
            (
                person(vec![case(Decided, Some(Referred), Some("2024-03-01"))], None),
                RetentionRule::Referral,
                None,
                true,
            ),
        ];
        for (facts, rule, due, held) in rows {
            let a = assess(&facts, &policy);
            assert_eq!(a.rule, rule, "{facts:?}");
            assert_eq!(a.due_on, due.map(day), "{facts:?}");
            assert_eq!(a.held_by.is_some(), held, "{facts:?}");
        }
    }

    #[test]
    fn a_released_referral_runs_the_period_from_the_release() {
        let mut c = case(CaseStatus::Decided, Some(Decision::Referred), Some("2024-03-01"));
        c.referral_released_on = Some(day("2025-01-15"));
        let a = assess(&person(vec![c], None), &RetentionPolicy { not_hired_years: 3 });
        assert_eq!((a.rule, a.due_on), (RetentionRule::Referral, Some(day("2028-01-15"))));
        assert!(a.is_due(day("2028-01-15")) && !a.is_due(day("2028-01-14")));
    }

    #[test]
    fn a_legal_hold_keeps_a_due_person_and_the_period_never_drops_below_a_year() {
        let mut c = case(CaseStatus::Decided, Some(Decision::Rejected), Some("2024-02-29"));
        c.legal_hold = true;
        let a = assess(&person(vec![c.clone()], None), &RetentionPolicy { not_hired_years: 0 });
        assert_eq!(a.due_on, Some(day("2025-02-28")));
        assert!(!a.is_due(day("2030-01-01")));
        assert!(a.held_by.unwrap_or_default().contains("legal hold"));
        c.legal_hold = false;
        assert!(
            assess(&person(vec![c], None), &RetentionPolicy::default()).is_due(day("2026-03-01"))
        );
    }
}
