//! US federal government working days, and the E-Verify deadlines counted in them.
//! A working day is a Monday to Friday that is not a federal holiday as observed (5 U.S.C. 6103)
//! and not a day the caller marks as closed; `today` is always passed in, never read.
//!
//! The calendar follows the law since 1971 (Monday holidays), with Martin Luther King Jr. Day
//! from 1986 and Juneteenth from 2021; it is not meant for earlier years.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Finding, Outcome, Source};

/// The holidays and the weekend-observance rule.
pub const HOLIDAY_SOURCE: Source = Source::new(
    "5 U.S.C. 6103 (legal public holidays) and Executive Order 11582 (observance)",
    "§ 6103(a) holidays, § 6103(b) Saturday and Sunday observance",
);
const EVERIFY_MANUAL: &str = "E-Verify User Manual (M-775), USCIS";

/// The eleven legal public holidays of 5 U.S.C. 6103(a).
///
/// Inauguration Day is deliberately absent: § 6103(c) makes it a holiday only for federal
/// employees in the District of Columbia and the neighbouring Maryland and Virginia counties
/// and cities, not for the federal government as a whole, so E-Verify deadlines run through it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    NewYearsDay,
    MartinLutherKingJrDay,
    /// Third Monday of February, "Presidents' Day" in common speech.
    WashingtonsBirthday,
    MemorialDay,
    JuneteenthNationalIndependenceDay,
    IndependenceDay,
    LaborDay,
    ColumbusDay,
    VeteransDay,
    ThanksgivingDay,
    ChristmasDay,
}

impl Holiday {
    pub const ALL: [Holiday; 11] = [
        Holiday::NewYearsDay,
        Holiday::MartinLutherKingJrDay,
        Holiday::WashingtonsBirthday,
        Holiday::MemorialDay,
        Holiday::JuneteenthNationalIndependenceDay,
        Holiday::IndependenceDay,
        Holiday::LaborDay,
        Holiday::ColumbusDay,
        Holiday::VeteransDay,
        Holiday::ThanksgivingDay,
        Holiday::ChristmasDay,
    ];

    /// The name as 5 U.S.C. 6103(a) writes it.
    pub fn name(self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "New Year's Day",
            Holiday::MartinLutherKingJrDay => "Birthday of Martin Luther King, Jr.",
            Holiday::WashingtonsBirthday => "Washington's Birthday",
            Holiday::MemorialDay => "Memorial Day",
            Holiday::JuneteenthNationalIndependenceDay => "Juneteenth National Independence Day",
            Holiday::IndependenceDay => "Independence Day",
            Holiday::LaborDay => "Labor Day",
            Holiday::ColumbusDay => "Columbus Day",
            Holiday::VeteransDay => "Veterans Day",
            Holiday::ThanksgivingDay => "Thanksgiving Day",
            Holiday::ChristmasDay => "Christmas Day",
        }
    }

    /// The legal date of the holiday in `year`, or `None` in a year before it existed.
    pub fn date_in(self, year: i32) -> Option<NaiveDate> {
        let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d);
        match self {
            Holiday::NewYearsDay => fixed(1, 1),
            Holiday::MartinLutherKingJrDay if year >= 1986 => nth_weekday(year, 1, Weekday::Mon, 3),
            Holiday::MartinLutherKingJrDay => None,
            Holiday::WashingtonsBirthday => nth_weekday(year, 2, Weekday::Mon, 3),
            Holiday::MemorialDay => last_weekday(year, 5, Weekday::Mon),
            Holiday::JuneteenthNationalIndependenceDay if year >= 2021 => fixed(6, 19),
            Holiday::JuneteenthNationalIndependenceDay => None,
            Holiday::IndependenceDay => fixed(7, 4),
            Holiday::LaborDay => nth_weekday(year, 9, Weekday::Mon, 1),
            Holiday::ColumbusDay => nth_weekday(year, 10, Weekday::Mon, 2),
            // The Uniform Monday Holiday Act moved it to the fourth Monday of October from
            // 1971; Public Law 94-97 moved it back to 11 November from 1978.
            Holiday::VeteransDay if (1971..=1977).contains(&year) => {
                nth_weekday(year, 10, Weekday::Mon, 4)
            }
            Holiday::VeteransDay => fixed(11, 11),
            Holiday::ThanksgivingDay => nth_weekday(year, 11, Weekday::Thu, 4),
            Holiday::ChristmasDay => fixed(12, 25),
        }
    }
}

/// A holiday with the day federal offices close for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct ObservedHoliday {
    pub holiday: Holiday,
    /// The legal date.
    pub date: NaiveDate,
    /// The day off: a Saturday holiday is observed the Friday before, a Sunday holiday the
    /// Monday after. New Year's Day on a Saturday is observed on 31 December of the year before.
    pub observed: NaiveDate,
}

/// The federal holidays whose legal date falls in `year`, in date order, with observed days.
pub fn federal_holidays(year: i32) -> Vec<ObservedHoliday> {
    Holiday::ALL
        .into_iter()
        .filter_map(|holiday| {
            let date = holiday.date_in(year)?;
            Some(ObservedHoliday { holiday, date, observed: observed_day(date)? })
        })
        .collect()
}

/// The holiday observed on `date`, if any (looking into next year for New Year's Day).
pub fn observed_holiday_on(date: NaiveDate) -> Option<ObservedHoliday> {
    let year = date.year();
    // Only New Year's Day can move into the previous year; nothing moves into the next.
    federal_holidays(year)
        .into_iter()
        .chain(federal_holidays(year + 1).into_iter().take(1))
        .find(|h| h.observed == date)
}

fn observed_day(date: NaiveDate) -> Option<NaiveDate> {
    match date.weekday() {
        Weekday::Sat => date.checked_sub_days(Days::new(1)),
        Weekday::Sun => date.checked_add_days(Days::new(1)),
        _ => Some(date),
    }
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).ok()?)
}

fn last_weekday(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    (1..=5u8).rev().find_map(|n| NaiveDate::from_weekday_of_month_opt(year, month, weekday, n))
}

/// Why a day is not a working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NonWorkingDay {
    Weekend,
    Holiday {
        holiday: ObservedHoliday,
    },
    /// A closure the caller added: an executive order closing federal offices (24 December
    /// 2024; the national day of mourning of 9 January 2025), or days E-Verify itself announced
    /// it would not count after an outage.
    Closure,
}

/// The federal calendar: weekends, observed holidays, and any closures the caller knows of.
///
/// Executive orders close federal offices now and then at short notice; they are not in the
/// statute, so they are not built in. Add them with [`FederalCalendar::with_closures`] when a
/// deadline must count them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FederalCalendar {
    closures: BTreeSet<NaiveDate>,
}

impl FederalCalendar {
    /// Weekends and statutory holidays only.
    pub fn new() -> Self {
        FederalCalendar::default()
    }

    /// Weekends, statutory holidays, and these extra closed days.
    pub fn with_closures(closures: impl IntoIterator<Item = NaiveDate>) -> Self {
        FederalCalendar { closures: closures.into_iter().collect() }
    }

    pub fn closures(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.closures.iter().copied()
    }

    pub fn non_working_reason(&self, date: NaiveDate) -> Option<NonWorkingDay> {
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            return Some(NonWorkingDay::Weekend);
        }
        if let Some(holiday) = observed_holiday_on(date) {
            return Some(NonWorkingDay::Holiday { holiday });
        }
        self.closures.contains(&date).then_some(NonWorkingDay::Closure)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.non_working_reason(date).is_none()
    }

    /// The `n`th working day after `start`: the first working day after `start` is day 1,
    /// whatever `start` itself is; `n = 0` gives `start`. This is how "within 10 federal
    /// working days of the result" is counted: the result day is day 0. `None` only past the
    /// end of the calendar (year 262,143).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            day = day.succ_opt()?;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Some(day)
    }

    /// The number of working days `d` with `start < d <= end`, so that
    /// `working_days_between(s, add_working_days(s, n)) == n`. Negative, counted the same way
    /// from `end` to `start`, when `end` is before `start`.
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> i64 {
        if end < start {
            return -self.working_days_between(end, start);
        }
        let mut count = 0;
        let mut day = start;
        while day < end {
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }
}

/// [`FederalCalendar::is_working_day`] on the statutory calendar.
pub fn is_working_day(date: NaiveDate) -> bool {
    FederalCalendar::new().is_working_day(date)
}

/// [`FederalCalendar::add_working_days`] on the statutory calendar.
pub fn add_working_days(start: NaiveDate, n: u32) -> Option<NaiveDate> {
    FederalCalendar::new().add_working_days(start, n)
}

/// [`FederalCalendar::working_days_between`] on the statutory calendar.
pub fn working_days_between(start: NaiveDate, end: NaiveDate) -> i64 {
    FederalCalendar::new().working_days_between(start, end)
}

// ---------------------------------------------------------------------------------------------
// E-Verify

/// Where an E-Verify case stands, with the dates its deadlines count from. Only the states that
/// carry a deadline are here; a case that is authorised, closed or finally nonconfirmed has
/// none to track.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum EVerifyCase {
    /// E-Verify issued a Tentative Nonconfirmation (mismatch); the employee has not been
    /// referred yet.
    TentativeNonconfirmation {
        /// The day E-Verify issued the mismatch result.
        issued_on: NaiveDate,
        /// The day the employer gave the employee the Further Action Notice.
        employee_notified_on: Option<NaiveDate>,
        /// The day the employee's decision (take action or not) was recorded in E-Verify.
        decision_recorded_on: Option<NaiveDate>,
    },
    /// The employee chose to take action and the employer referred the case to SSA or DHS.
    Referred {
        issued_on: NaiveDate,
        employee_notified_on: Option<NaiveDate>,
        /// The referral date printed on the Referral Date Confirmation.
        referred_on: NaiveDate,
        /// The day the employee visited SSA or contacted DHS.
        agency_contacted_on: Option<NaiveDate>,
    },
    /// SSA or DHS needs more time after the employee contacted them.
    CaseInContinuance {
        since: NaiveDate,
        /// The day the employer contacted E-Verify about the long-running case.
        followed_up_on: Option<NaiveDate>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// The employer notifies the employee of the mismatch.
    NotifyEmployee,
    /// The employee decides whether to take action; the employer records it (refers or closes).
    EmployeeDecision,
    /// The referred employee contacts SSA or DHS.
    ContactAgency,
    /// A case in continuance for more than 60 working days: contact E-Verify.
    ContinuanceFollowUp,
}

impl DeadlineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeadlineKind::NotifyEmployee => "notify_employee",
            DeadlineKind::EmployeeDecision => "employee_decision",
            DeadlineKind::ContactAgency => "contact_agency",
            DeadlineKind::ContinuanceFollowUp => "continuance_follow_up",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Done on or before the due date.
    Met,
    /// Done, but after the due date.
    MetLate,
    /// Not done, due today or later.
    Pending,
    /// Not done, and the due date has passed.
    Overdue,
}

/// One deadline of an E-Verify case on a given day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub description: String,
    /// Day 0 of the count.
    pub counted_from: NaiveDate,
    pub working_days: u32,
    /// The last day on which it is on time.
    pub due: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub state: DeadlineState,
    pub overdue: bool,
    /// Working days from today to the due date: 0 when due today, negative when overdue.
    #[ts(type = "number")]
    pub working_days_left: i64,
    pub source: Source,
}

impl Deadline {
    pub fn finding(&self) -> Finding {
        let outcome = match self.state {
            DeadlineState::Met => Outcome::Pass,
            DeadlineState::MetLate => Outcome::Warn,
            DeadlineState::Pending => Outcome::Info,
            DeadlineState::Overdue => Outcome::Fail,
        };
        let message = match (self.state, self.done_on) {
            (DeadlineState::Met, Some(on)) => {
                format!("{}: done on {on}, due {}", self.description, self.due)
            }
            (DeadlineState::MetLate, Some(on)) => {
                format!("{}: done on {on}, after the due date {}", self.description, self.due)
            }
            (DeadlineState::Overdue, _) => format!(
                "{}: overdue since {} ({} working days past)",
                self.description, self.due, -self.working_days_left
            ),
            _ => format!(
                "{}: due {} ({} working days left)",
                self.description, self.due, self.working_days_left
            ),
        };
        Finding::new(
            format!("everify.deadline.{}", self.kind.as_str()),
            outcome,
            message,
            self.source.clone(),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("{later_field} ({later}) is before {earlier_field} ({earlier})")]
    DateOrder {
        earlier_field: &'static str,
        earlier: NaiveDate,
        later_field: &'static str,
        later: NaiveDate,
    },
    #[error("the deadline falls past the end of the calendar")]
    OutOfRange,
}

fn order(
    earlier_field: &'static str,
    earlier: NaiveDate,
    later_field: &'static str,
    later: Option<NaiveDate>,
) -> Result<(), DeadlineError> {
    match later {
        Some(later) if later < earlier => {
            Err(DeadlineError::DateOrder { earlier_field, earlier, later_field, later })
        }
        _ => Ok(()),
    }
}

/// The deadlines of an E-Verify case as they stand on `today`, counted in federal working days
/// of `calendar`, each naming the section of the E-Verify User Manual it follows:
///
/// - a mismatch: the employer notifies the employee, and the employee decides whether to take
///   action (the employer refers or closes the case), within 10 working days after the result;
/// - a referral: the employee contacts SSA or DHS within 8 working days after the referral date;
/// - case in continuance for more than 60 working days: the employer contacts E-Verify.
///
/// E-Verify has extended these counts after outages and shutdowns; add the days it announced
/// as closures of `calendar`.
pub fn everify_deadlines(
    case: &EVerifyCase,
    today: NaiveDate,
    calendar: &FederalCalendar,
) -> Result<Vec<Deadline>, DeadlineError> {
    let mut out = Vec::new();
    let mut push = |kind, description: &str, from, days, done_on, section: &'static str| {
        let due = calendar.add_working_days(from, days).ok_or(DeadlineError::OutOfRange)?;
        let state = match done_on {
            Some(on) if on <= due => DeadlineState::Met,
            Some(_) => DeadlineState::MetLate,
            None if today > due => DeadlineState::Overdue,
            None => DeadlineState::Pending,
        };
        out.push(Deadline {
            kind,
            description: description.to_string(),
            counted_from: from,
            working_days: days,
            due,
            done_on,
            state,
            overdue: state == DeadlineState::Overdue,
            working_days_left: calendar.working_days_between(today, due),
            source: Source::new(EVERIFY_MANUAL, section),
        });
        Ok::<(), DeadlineError>(())
    };
    const MISMATCH: &str = "Section 3.3 Tentative Nonconfirmation (Mismatch)";
    const CONTINUANCE: &str = "Section 3.4 Case in Continuance";
    let notify = "Notify the employee of the mismatch (Further Action Notice)";
    let decide = "Employee decides whether to take action; refer or close the case";
    match *case {
        EVerifyCase::TentativeNonconfirmation {
            issued_on,
            employee_notified_on,
            decision_recorded_on,
        } => {
            order("issued_on", issued_on, "employee_notified_on", employee_notified_on)?;
            order("issued_on", issued_on, "decision_recorded_on", decision_recorded_on)?;
            push(
                DeadlineKind::NotifyEmployee,
                notify,
                issued_on,
                10,
                employee_notified_on,
                MISMATCH,
            )?;
            push(
                DeadlineKind::EmployeeDecision,
                decide,
                issued_on,
                10,
                decision_recorded_on,
                MISMATCH,
            )?;
        }
        EVerifyCase::Referred {
            issued_on,
            employee_notified_on,
            referred_on,
            agency_contacted_on,
        } => {
            order("issued_on", issued_on, "employee_notified_on", employee_notified_on)?;
            order("issued_on", issued_on, "referred_on", Some(referred_on))?;
            order("referred_on", referred_on, "agency_contacted_on", agency_contacted_on)?;
            // A referral records the employee's decision: notification happened by then at the
            // latest, even if its own date was not written down.
            let notified = employee_notified_on.or(Some(referred_on));
            push(DeadlineKind::NotifyEmployee, notify, issued_on, 10, notified, MISMATCH)?;
            push(
                DeadlineKind::EmployeeDecision,
                decide,
                issued_on,
                10,
                Some(referred_on),
                MISMATCH,
            )?;
            push(
                DeadlineKind::ContactAgency,
                "Employee visits SSA or contacts DHS",
                referred_on,
                8,
                agency_contacted_on,
                MISMATCH,
            )?;
        }
        EVerifyCase::CaseInContinuance { since, followed_up_on } => {
            order("since", since, "followed_up_on", followed_up_on)?;
            // "More than 60 working days": day 60 is the last day in bounds; from day 61 the case
            // is overdue for a call to E-Verify.
            push(
                DeadlineKind::ContinuanceFollowUp,
                "Case in continuance for more than 60 working days: contact E-Verify",
                since,
                60,
                followed_up_on,
                CONTINUANCE,
            )?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn holidays_and_observed_days_by_year() {
        // (year, holiday, legal date, observed date), from OPM's published holiday tables.
        let rows = [
            (2021, Holiday::NewYearsDay, d(2021, 1, 1), d(2021, 1, 1)),
            (2021, Holiday::JuneteenthNationalIndependenceDay, d(2021, 6, 19), d(2021, 6, 18)),
            (2021, Holiday::IndependenceDay, d(2021, 7, 4), d(2021, 7, 5)),
            (2021, Holiday::ChristmasDay, d(2021, 12, 25), d(2021, 12, 24)),
            (2022, Holiday::NewYearsDay, d(2022, 1, 1), d(2021, 12, 31)),
            (2022, Holiday::MartinLutherKingJrDay, d(2022, 1, 17), d(2022, 1, 17)),
            (2022, Holiday::WashingtonsBirthday, d(2022, 2, 21), d(2022, 2, 21)),
            (2022, Holiday::MemorialDay, d(2022, 5, 30), d(2022, 5, 30)),
            (2022, Holiday::JuneteenthNationalIndependenceDay, d(2022, 6, 19), d(2022, 6, 20)),
            (2022, Holiday::LaborDay, d(2022, 9, 5), d(2022, 9, 5)),
            (2022, Holiday::ColumbusDay, d(2022, 10, 10), d(2022, 10, 10)),
            (2022, Holiday::VeteransDay, d(2022, 11, 11), d(2022, 11, 11)),
            (2022, Holiday::ThanksgivingDay, d(2022, 11, 24), d(2022, 11, 24)),
            (2022, Holiday::ChristmasDay, d(2022, 12, 25), d(2022, 12, 26)),
            (2023, Holiday::NewYearsDay, d(2023, 1, 1), d(2023, 1, 2)),
            (2023, Holiday::VeteransDay, d(2023, 11, 11), d(2023, 11, 10)),
            (2024, Holiday::MemorialDay, d(2024, 5, 27), d(2024, 5, 27)),
            (2026, Holiday::IndependenceDay, d(2026, 7, 4), d(2026, 7, 3)),
            (2026, Holiday::ThanksgivingDay, d(2026, 11, 26), d(2026, 11, 26)),
            (1975, Holiday::VeteransDay, d(1975, 10, 27), d(1975, 10, 27)),
            (1978, Holiday::VeteransDay, d(1978, 11, 11), d(1978, 11, 10)),
        ];
        for (year, holiday, date, observed) in rows {
            let found = federal_holidays(year).into_iter().find(|h| h.holiday == holiday);
            assert_eq!(
                found,
                Some(ObservedHoliday { holiday, date, observed }),
                "{year} {}",
                holiday.name()
            );
        }
        assert_eq!(federal_holidays(2020).len(), 10, "no Juneteenth before 2021");
        assert_eq!(federal_holidays(2021).len(), 11);
        assert!(federal_holidays(1985).iter().all(|h| h.holiday != Holiday::MartinLutherKingJrDay));
    }

    #[test]
    fn working_days_table() {
        let rows = [
            (d(2021, 12, 31), false, "New Year 2022 observed on Friday 31 December"),
            (d(2022, 1, 3), true, "first working day of 2022"),
            (d(2022, 12, 26), false, "Christmas 2022 observed on Monday"),
            (d(2023, 1, 2), false, "New Year 2023 observed on Monday"),
            (d(2022, 6, 20), false, "Juneteenth 2022 observed on Monday"),
            (d(2021, 6, 18), false, "Juneteenth 2021 observed on Friday"),
            (d(2020, 6, 19), true, "no Juneteenth holiday in 2020"),
            (d(2024, 2, 29), true, "leap day, a Thursday"),
            (d(2025, 1, 20), false, "Inauguration Day and Martin Luther King Jr. Day"),
            (d(2021, 1, 20), true, "Inauguration Day alone is not a general holiday"),
            (d(2024, 12, 24), true, "Christmas Eve closures are executive orders, not statute"),
            (d(2026, 11, 28), false, "Saturday"),
            (d(2026, 11, 29), false, "Sunday"),
            (d(2026, 11, 26), false, "Thanksgiving 2026"),
            (d(2026, 11, 27), true, "the Friday after Thanksgiving"),
            (d(2027, 12, 31), false, "New Year 2028 observed on Friday 31 December 2027"),
            (d(2010, 12, 31), false, "New Year 2011 observed on Friday 31 December 2010"),
        ];
        for (date, working, why) in rows {
            assert_eq!(is_working_day(date), working, "{date}: {why}");
        }
    }

    #[test]
    fn add_working_days_counts_from_the_day_after_start() {
        let rows = [
            // (start, n, expected, why)
            (d(2026, 11, 24), 0, d(2026, 11, 24), "zero days is the start"),
            (d(2026, 11, 28), 0, d(2026, 11, 28), "zero days is the start even on a Saturday"),
            (d(2026, 11, 24), 1, d(2026, 11, 25), "Tuesday + 1"),
            (d(2026, 11, 25), 1, d(2026, 11, 27), "skips Thanksgiving"),
            (d(2026, 11, 27), 1, d(2026, 11, 30), "skips the weekend"),
            (d(2026, 11, 28), 1, d(2026, 11, 30), "from a Saturday, day 1 is Monday"),
            (d(2021, 12, 23), 1, d(2021, 12, 27), "Christmas 2021 observed Friday 24"),
            (d(2021, 12, 23), 2, d(2021, 12, 28), ""),
            (d(2021, 12, 29), 2, d(2022, 1, 3), "across the year end, 31 December observed"),
            (d(2022, 12, 22), 10, d(2023, 1, 9), "Christmas and New Year both on Mondays"),
            (d(2022, 6, 16), 2, d(2022, 6, 21), "Juneteenth observed Monday 20 June"),
            (d(2024, 2, 27), 3, d(2024, 3, 1), "through a leap day"),
            (d(2023, 2, 27), 3, d(2023, 3, 2), "no leap day in 2023"),
            (d(2026, 11, 24), 10, d(2026, 12, 9), "ten working days over Thanksgiving"),
        ];
        for (start, n, want, why) in rows {
            let got = add_working_days(start, n).unwrap();
            assert_eq!(got, want, "{start} + {n}: {why}");
            assert_eq!(working_days_between(start, got), i64::from(n), "{start}..{got}");
        }
        assert_eq!(working_days_between(d(2026, 12, 9), d(2026, 11, 24)), -10);
        assert_eq!(working_days_between(d(2026, 11, 28), d(2026, 11, 29)), 0);
        // A whole year: 2022 has 260 weekdays (it starts on a Saturday) and only 10 observed
        // holidays, because New Year's Day 2022 was observed on 31 December 2021 and New
        // Year's Day 2023 on 2 January 2023.
        assert_eq!(working_days_between(d(2021, 12, 31), d(2022, 12, 31)), 250);
    }

    #[test]
    fn calendar_with_closures() {
        let calendar = FederalCalendar::with_closures([d(2024, 12, 24)]);
        assert_eq!(calendar.non_working_reason(d(2024, 12, 24)), Some(NonWorkingDay::Closure));
        assert_eq!(calendar.add_working_days(d(2024, 12, 23), 1), Some(d(2024, 12, 26)));
        assert_eq!(add_working_days(d(2024, 12, 23), 1), Some(d(2024, 12, 24)));
        assert!(matches!(
            calendar.non_working_reason(d(2024, 12, 25)),
            Some(NonWorkingDay::Holiday { .. })
        ));
    }

    #[test]
    fn everify_mismatch_deadlines() {
        let calendar = FederalCalendar::new();
        // Mismatch issued Wednesday 2026-11-18: day 10 skips Thanksgiving and a weekend.
        let case = EVerifyCase::TentativeNonconfirmation {
            issued_on: d(2026, 11, 18),
            employee_notified_on: Some(d(2026, 11, 19)),
            decision_recorded_on: None,
        };
        let on = |today| everify_deadlines(&case, today, &calendar).unwrap();
        let deadlines = on(d(2026, 11, 24));
        assert_eq!(deadlines.len(), 2);
        assert_eq!(deadlines[0].kind, DeadlineKind::NotifyEmployee);
        assert_eq!(deadlines[0].due, d(2026, 12, 3));
        assert_eq!(deadlines[0].state, DeadlineState::Met);
        assert_eq!(deadlines[1].state, DeadlineState::Pending);
        assert_eq!(deadlines[1].working_days_left, 6);
        assert!(!deadlines[1].overdue);
        let due_day = on(d(2026, 12, 3));
        assert_eq!((due_day[1].state, due_day[1].working_days_left), (DeadlineState::Pending, 0));
        let late = on(d(2026, 12, 4));
        assert_eq!(late[1].state, DeadlineState::Overdue);
        assert!(late[1].overdue);
        assert_eq!(late[1].working_days_left, -1);
        assert_eq!(late[1].finding().outcome, Outcome::Fail);
        assert!(late[1].source.document.contains("M-775"));
    }

    #[test]
    fn everify_referral_and_continuance_deadlines() {
        let calendar = FederalCalendar::new();
        let referred = EVerifyCase::Referred {
            issued_on: d(2022, 12, 20),
            employee_notified_on: None,
            referred_on: d(2022, 12, 22),
            agency_contacted_on: Some(d(2023, 1, 5)),
        };
        let deadlines = everify_deadlines(&referred, d(2023, 1, 10), &calendar).unwrap();
        let kinds: Vec<_> = deadlines.iter().map(|x| (x.kind, x.state)).collect();
        assert_eq!(
            kinds,
            vec![
                (DeadlineKind::NotifyEmployee, DeadlineState::Met),
                (DeadlineKind::EmployeeDecision, DeadlineState::Met),
                (DeadlineKind::ContactAgency, DeadlineState::Met),
            ]
        );
        // 8 working days after 22 December 2022, skipping both observed Mondays.
        assert_eq!(deadlines[2].due, d(2023, 1, 5));
        let late = EVerifyCase::Referred {
            issued_on: d(2022, 12, 20),
            employee_notified_on: None,
            referred_on: d(2022, 12, 22),
            agency_contacted_on: Some(d(2023, 1, 6)),
        };
        let deadlines = everify_deadlines(&late, d(2023, 1, 10), &calendar).unwrap();
        assert_eq!(deadlines[2].state, DeadlineState::MetLate);
        assert_eq!(deadlines[2].finding().outcome, Outcome::Warn);

        let continuance =
            EVerifyCase::CaseInContinuance { since: d(2026, 1, 2), followed_up_on: None };
        let day_60 = add_working_days(d(2026, 1, 2), 60).unwrap();
        let at_60 = everify_deadlines(&continuance, day_60, &calendar).unwrap();
        assert_eq!(at_60[0].state, DeadlineState::Pending, "60 days is not yet more than 60");
        assert_eq!(at_60[0].due, day_60);
        let day_61 = add_working_days(d(2026, 1, 2), 61).unwrap();
        let after = everify_deadlines(&continuance, day_61, &calendar).unwrap();
        assert_eq!(after[0].state, DeadlineState::Overdue);
        assert_eq!(after[0].working_days_left, -1);
    }

    #[test]
    fn everify_refuses_dates_out_of_order() {
        let case = EVerifyCase::Referred {
            issued_on: d(2026, 3, 10),
            employee_notified_on: None,
            referred_on: d(2026, 3, 9),
            agency_contacted_on: None,
        };
        let err = everify_deadlines(&case, d(2026, 3, 20), &FederalCalendar::new()).unwrap_err();
        assert_eq!(err.to_string(), "referred_on (2026-03-09) is before issued_on (2026-03-10)");
    }

    #[test]
    fn everify_case_json_is_tagged_by_status() {
        let case = EVerifyCase::CaseInContinuance { since: d(2026, 1, 2), followed_up_on: None };
        let json = serde_json::to_string(&case).unwrap();
        assert_eq!(
            json,
            r#"{"status":"case_in_continuance","since":"2026-01-02","followed_up_on":null}"#
        );
        assert_eq!(serde_json::from_str::<EVerifyCase>(&json).unwrap(), case);
    }
}
