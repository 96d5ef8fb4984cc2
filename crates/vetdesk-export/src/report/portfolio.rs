//! The portfolio report for compliance: every case opened in a period — counts by status and
//! decision, cases opened per month by decision (a vector chart), time from opening to
//! decision, cases that need attention (failed checklist items, overdue cases with their
//! pending items) and staffing vendors whose audit is due — as a PDF and the same figures as
//! CSV. Read in one transaction; "overdue" and "due" are judged on the generation date.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{Datelike, Months, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::format::{People, size, when, words};
use super::pdf::{
    BarChart, Color, Column, Cover, Document, Metadata, PageSize, RenderedPdf, Series, Table, Text,
};
use super::{ReportError, ReportOptions};
use vetdesk_core::change::PolicyKey;
use vetdesk_core::checks::workdays::DeadlineState;
use vetdesk_core::model::{CaseId, CaseStatus, Decision, ItemResult, Timestamp, User};
use vetdesk_core::store::{CaseFilter, Store};

/// The period and who asks. `from` and `to` are both included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PortfolioOptions {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub generated_at: Timestamp,
    /// Login name of an active user.
    pub generated_by: String,
}

/// One case of the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct PortfolioCase {
    pub id: CaseId,
    pub candidate_name: String,
    pub vendor_name: Option<String>,
    pub status: CaseStatus,
    pub decision: Option<Decision>,
    pub opened_at: Timestamp,
    pub decided_at: Option<Timestamp>,
    /// From opening to the (current) decision, in days.
    pub days_to_decision: Option<f64>,
    pub due_on: Option<NaiveDate>,
    /// Past its due date and not decided, on the generation date.
    pub overdue: bool,
    pub items_total: u32,
    pub items_pending: u32,
    /// Ids of the checklist items recorded as failed.
    pub failed_items: Vec<String>,
    pub assignee: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct DecisionTimes {
    pub decided: u32,
    pub median_days: f64,
    pub max_days: f64,
    /// The case that took longest.
    pub slowest_case: CaseId,
}

/// Cases opened in one month (or year, for periods over three years), by decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MonthRow {
    pub period: String,
    pub cleared: u32,
    pub rejected: u32,
    pub referred: u32,
    pub undecided: u32,
}

/// A vendor whose audit is due on the generation date (or that was never audited).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VendorAudit {
    pub vendor: String,
    pub screening_attested: bool,
    pub last_audit_on: Option<NaiveDate>,
    /// `last_audit_on` plus the audit interval; `None` when never audited.
    pub due_on: Option<NaiveDate>,
    pub cases_in_period: u32,
}

/// The figures of a portfolio report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Portfolio {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The date overdue and due are judged on (the generation date).
    pub as_of: NaiveDate,
    pub generated_at: Timestamp,
    pub generated_by: User,
    pub audit_interval_months: u32,
    pub cases: Vec<PortfolioCase>,
    pub by_status: Vec<(CaseStatus, u32)>,
    /// `cleared`, `rejected`, `referred` and `undecided`.
    pub by_decision: Vec<(String, u32)>,
    pub decision_times: Option<DecisionTimes>,
    pub months: Vec<MonthRow>,
    pub vendors_due: Vec<VendorAudit>,
    /// Cases with open red flags: `None` while the store records no red flags.
    pub open_red_flags: Option<Vec<(CaseId, u32)>>,
    /// Overdue E-Verify deadlines: `None` while the store records no E-Verify cases.
    pub everify_overdue: Option<Vec<(CaseId, String)>>,
}

/// What the portfolio reads in its one transaction.
struct Read {
    cases: Vec<vetdesk_core::model::Case>,
    summaries: BTreeMap<CaseId, vetdesk_core::store::CaseSummary>,
    failed: BTreeMap<CaseId, Vec<String>>,
    flags: Vec<(CaseId, u32)>,
    everify: Vec<(CaseId, String)>,
    users: Vec<User>,
    vendors: Vec<(vetdesk_core::model::Vendor, vetdesk_core::verification::VendorAuditStatus)>,
}

fn start_of(day: NaiveDate) -> Timestamp {
    Timestamp::from_datetime(day.and_time(NaiveTime::MIN).and_utc())
}

fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Reads the figures for cases opened from `from` to `to` (both included).
#[tracing::instrument(level = "debug", skip(store))]
pub fn portfolio(store: &Store, options: &PortfolioOptions) -> Result<Portfolio, ReportError> {
    if options.to < options.from {
        return Err(ReportError::Invalid(format!(
            "the period ends ({}) before it starts ({})",
            options.to, options.from
        )));
    }
    let end = options.to.succ_opt().ok_or_else(|| {
        ReportError::Invalid(format!("{} is past the last supported date", options.to))
    })?;
    let as_of = options.generated_at.date();
    let read = store.read_at(options.generated_at, |s| {
        let cases = s.cases_opened_between(start_of(options.from), start_of(end))?;
        let summaries: BTreeMap<CaseId, _> =
            s.cases(&CaseFilter::default())?.into_iter().map(|c| (c.id, c)).collect();
        let mut failed: BTreeMap<CaseId, Vec<String>> = BTreeMap::new();
        let mut flags = Vec::new();
        let mut everify = Vec::new();
        for c in &cases {
            if summaries.get(&c.id).is_some_and(|s| s.progress.failed > 0) {
                let items = s.item_states(c.id)?;
                failed.insert(
                    c.id,
                    items
                        .into_iter()
                        .filter(|i| i.result == ItemResult::Fail)
                        .map(|i| i.item_id)
                        .collect(),
                );
            }
            let open = s.open_flags(c.id)?.len() as u32;
            if open > 0 {
                flags.push((c.id, open));
            }
            for (number, d) in s.everify_deadlines(c.id)? {
                if d.state == DeadlineState::Overdue {
                    everify.push((
                        c.id,
                        format!("E-Verify case {number}: {} — due {}", d.description, d.due),
                    ));
                }
            }
        }
        let mut vendors = Vec::new();
        for v in s.vendors()? {
            let status = s.vendor_audit_status(v.id)?;
            vendors.push((v, status));
        }
        Ok::<_, ReportError>(Read {
            cases,
            summaries,
            failed,
            flags,
            everify,
            users: s.users()?,
            vendors,
        })
    })?;
    let Read { cases, summaries, mut failed, flags, everify, users, vendors } = read;
    let generated_by = users
        .iter()
        .find(|u| u.name == options.generated_by && u.active)
        .cloned()
        .ok_or_else(|| ReportError::UnknownUser(options.generated_by.clone()))?;

    let mut rows = Vec::with_capacity(cases.len());
    for c in cases {
        let summary = summaries.get(&c.id);
        let days = c.decided_at.map(|d| {
            (d.as_datetime() - c.opened_at.as_datetime()).num_milliseconds() as f64 / 86_400_000.0
        });
        rows.push(PortfolioCase {
            id: c.id,
            candidate_name: summary.map(|s| s.candidate_name.clone()).unwrap_or_default(),
            vendor_name: summary.and_then(|s| s.vendor_name.clone()),
            status: c.status,
            decision: c.decision,
            opened_at: c.opened_at,
            decided_at: c.decided_at,
            days_to_decision: days,
            due_on: c.due_on,
            overdue: summary.is_some_and(|s| s.overdue),
            items_total: summary.map_or(0, |s| s.progress.total),
            items_pending: summary.map_or(0, |s| s.progress.total - s.progress.done),
            failed_items: failed.remove(&c.id).unwrap_or_default(),
            assignee: c.assignee,
        });
    }

    let by_status = CaseStatus::ALL
        .iter()
        .map(|st| (*st, rows.iter().filter(|r| r.status == *st).count() as u32))
        .collect();
    let decision_of = |r: &PortfolioCase| r.decision.map_or("undecided", |d| d.as_str());
    let by_decision = ["cleared", "rejected", "referred", "undecided"]
        .iter()
        .map(|d| (d.to_string(), rows.iter().filter(|r| decision_of(r) == *d).count() as u32))
        .collect();

    let mut times: Vec<(f64, CaseId)> =
        rows.iter().filter_map(|r| r.days_to_decision.map(|d| (d, r.id))).collect();
    times.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let decision_times = times.last().map(|&(max_days, slowest_case)| DecisionTimes {
        decided: times.len() as u32,
        median_days: median(&times.iter().map(|t| t.0).collect::<Vec<_>>()),
        max_days,
        slowest_case,
    });

    // Months of the period (years when it is longer than three years, to keep the chart legible).
    let month_count = (options.to.year() - options.from.year()) * 12 + options.to.month() as i32
        - options.from.month() as i32
        + 1;
    let by_year = month_count > 36;
    let key = |d: NaiveDate| {
        if by_year { format!("{}", d.year()) } else { format!("{}-{:02}", d.year(), d.month()) }
    };
    let mut months: BTreeMap<String, MonthRow> = BTreeMap::new();
    let mut day = NaiveDate::from_ymd_opt(options.from.year(), options.from.month(), 1)
        .unwrap_or(options.from);
    while day <= options.to {
        let k = key(day);
        months.entry(k.clone()).or_insert(MonthRow {
            period: k,
            cleared: 0,
            rejected: 0,
            referred: 0,
            undecided: 0,
        });
        match day.checked_add_months(Months::new(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    for r in &rows {
        if let Some(m) = months.get_mut(&key(r.opened_at.date())) {
            match r.decision {
                Some(Decision::Cleared) => m.cleared += 1,
                Some(Decision::Rejected) => m.rejected += 1,
                Some(Decision::Referred) => m.referred += 1,
                None => m.undecided += 1,
            }
        }
    }

    let interval = store.policy_value(PolicyKey::VendorAuditIntervalMonths)?;
    // Due as the red-flag rules judge it: never audited, or the next audit date has passed.
    let vendors_due = vendors
        .iter()
        .filter(|(_, status)| status.overdue)
        .map(|(v, status)| VendorAudit {
            vendor: v.fields.name.clone(),
            screening_attested: status.screening_attested,
            last_audit_on: status.last_audit_on,
            due_on: status.next_due,
            cases_in_period: rows
                .iter()
                .filter(|r| r.vendor_name.as_deref() == Some(&v.fields.name))
                .count() as u32,
        })
        .collect();

    Ok(Portfolio {
        from: options.from,
        to: options.to,
        as_of,
        generated_at: options.generated_at,
        generated_by,
        audit_interval_months: interval,
        cases: rows,
        by_status,
        by_decision,
        decision_times,
        months: months.into_values().collect(),
        vendors_due,
        open_red_flags: Some(flags),
        everify_overdue: Some(everify),
    })
}

fn days(d: f64) -> String {
    format!("{d:.1} days")
}

/// The portfolio as a PDF.
pub fn render_portfolio(p: &Portfolio) -> Result<RenderedPdf, ReportError> {
    let people = People::new(std::slice::from_ref(&p.generated_by));
    let options =
        ReportOptions { generated_at: p.generated_at, generated_by: p.generated_by.name.clone() };
    let period = format!("{} to {}", p.from, p.to);
    let generated =
        format!("{} by {}", when(&options.generated_at), people.name(&options.generated_by));
    let mut meta = Metadata::new(
        format!("Compliance portfolio report — cases opened {period}"),
        p.generated_at,
    );
    meta.author = p.generated_by.display_name.clone();
    meta.subject = format!("Vetdesk portfolio of {} cases opened {period}", p.cases.len());
    meta.keywords =
        vec!["Vetdesk".into(), "portfolio report".into(), format!("period:{}/{}", p.from, p.to)];
    meta.creator = format!("Vetdesk {}", env!("CARGO_PKG_VERSION"));
    let mut doc = Document::new(PageSize::A4, meta);

    let decided = p.decision_times.as_ref().map_or(0, |t| t.decided);
    let overdue: Vec<&PortfolioCase> = p.cases.iter().filter(|c| c.overdue).collect();
    let failed: Vec<&PortfolioCase> =
        p.cases.iter().filter(|c| !c.failed_items.is_empty()).collect();
    let active = p
        .cases
        .iter()
        .filter(|c| {
            matches!(c.status, CaseStatus::Open | CaseStatus::InReview | CaseStatus::Escalated)
        })
        .count();
    doc.cover(Cover {
        title: "Compliance portfolio report".into(),
        subtitle: Some(format!("Cases opened {period}")),
        fields: vec![
            ("Period".into(), format!("{period} (both days included, UTC)").into()),
            ("Cases opened".into(), p.cases.len().to_string().into()),
            ("Decided".into(), decided.to_string().into()),
            ("Still in progress".into(), active.to_string().into()),
            ("Overdue".into(), overdue.len().to_string().into()),
            ("Vendor audits due".into(), p.vendors_due.len().to_string().into()),
            ("Judged as of".into(), p.as_of.to_string().into()),
            ("Generated".into(), generated.clone().into()),
        ],
        note: Some(Text::plain(
            "Generated by Vetdesk from one consistent read of the case store. The same figures \
             are exported as CSV. Confidential: names candidates under vetting.",
        )),
    })
    .header(format!("Vetdesk · Compliance portfolio · cases opened {period}"))
    .footer(format!("Portfolio {period}"), format!("Generated {generated}"));

    doc.heading(1, "1 Overview").key_values([
        ("Cases opened in the period", p.cases.len().to_string()),
        ("Decided", decided.to_string()),
        ("Still in progress", active.to_string()),
        (
            "Median time to decision",
            p.decision_times.as_ref().map_or("no decisions".to_string(), |t| days(t.median_days)),
        ),
        (
            "Longest time to decision",
            p.decision_times.as_ref().map_or("no decisions".to_string(), |t| {
                format!("{} (case {})", days(t.max_days), t.slowest_case)
            }),
        ),
        ("Cases with failed checklist items", failed.len().to_string()),
        (
            "Cases with open red flags",
            p.open_red_flags.as_ref().map_or("not recorded".to_string(), |f| f.len().to_string()),
        ),
        ("Overdue cases", overdue.len().to_string()),
        (
            "Overdue E-Verify deadlines",
            p.everify_overdue.as_ref().map_or("not recorded".to_string(), |f| f.len().to_string()),
        ),
        (
            "Vendors with audits due",
            format!("{} (audit every {} months)", p.vendors_due.len(), p.audit_interval_months),
        ),
    ]);

    doc.heading(1, "2 Status and decisions");
    let mut status =
        Table::new([Column::relative("Status", 2.0), Column::fixed("Cases", 60.0).right()]);
    for (s, n) in &p.by_status {
        status.push_row([words(s.as_str()), n.to_string()]);
    }
    status.push_row([Text::bold("Total"), Text::bold(p.cases.len().to_string())]);
    let mut decisions =
        Table::new([Column::relative("Decision", 2.0), Column::fixed("Cases", 60.0).right()]);
    for (d, n) in &p.by_decision {
        decisions.push_row([d.clone(), n.to_string()]);
    }
    doc.table(status).table(decisions);
    let unit = if p.months.first().is_some_and(|m| m.period.len() == 4) { "year" } else { "month" };
    let chart = BarChart::new(
        format!("Cases opened per {unit}, by decision"),
        p.months.iter().map(|m| m.period.clone()),
    )
    .series(Series::new("cleared", p.months.iter().map(|m| f64::from(m.cleared))))
    .series(Series::new("rejected", p.months.iter().map(|m| f64::from(m.rejected))))
    .series(Series::new("referred", p.months.iter().map(|m| f64::from(m.referred))))
    .series(Series::new("undecided", p.months.iter().map(|m| f64::from(m.undecided))))
    .y_label("Cases")
    .height(230.0);
    doc.bar_chart(chart);

    doc.heading(1, "3 Time from opening to decision");
    match &p.decision_times {
        None => {
            doc.paragraph(
                Text::plain("No case opened in the period has been decided.").color(Color::MUTED),
            );
        }
        Some(t) => {
            doc.key_values([
                ("Decided cases", t.decided.to_string()),
                ("Median", days(t.median_days)),
                ("Longest", format!("{} (case {})", days(t.max_days), t.slowest_case)),
            ]);
        }
    }

    doc.heading(1, "4 Cases that need attention");
    doc.heading(2, "4.1 Open red flags");
    let case_of = |id: CaseId| p.cases.iter().find(|c| c.id == id);
    match &p.open_red_flags {
        None => {
            doc.paragraph(
                Text::plain("Not recorded: this data directory records no red flags.")
                    .color(Color::MUTED),
            );
        }
        Some(list) if list.is_empty() => {
            doc.paragraph(
                Text::plain("No case opened in the period has an open red flag.")
                    .color(Color::MUTED),
            );
        }
        Some(list) => {
            let mut t = Table::new([
                Column::fixed("Case", 38.0).right(),
                Column::relative("Candidate and vendor", 2.0),
                Column::fixed("Status", 60.0),
                Column::fixed("Open flags", 56.0).right(),
            ]);
            for (id, n) in list {
                let c = case_of(*id);
                t.push_row([
                    id.to_string(),
                    c.map_or(String::new(), |c| {
                        format!(
                            "{}\n{}",
                            c.candidate_name,
                            c.vendor_name.as_deref().unwrap_or("no vendor")
                        )
                    }),
                    c.map_or(String::new(), |c| words(c.status.as_str())),
                    n.to_string(),
                ]);
            }
            doc.table(t);
        }
    }
    doc.heading(2, "4.2 Failed checklist items");
    if failed.is_empty() {
        doc.paragraph(Text::plain("No case has a failed checklist item.").color(Color::MUTED));
    } else {
        let mut t = Table::new([
            Column::fixed("Case", 38.0).right(),
            Column::relative("Candidate and vendor", 1.6),
            Column::fixed("Status", 60.0),
            Column::relative("Failed items", 2.2),
        ]);
        for c in &failed {
            t.push_row([
                c.id.to_string(),
                format!(
                    "{}\n{}",
                    c.candidate_name,
                    c.vendor_name.as_deref().unwrap_or("no vendor")
                ),
                words(c.status.as_str()),
                c.failed_items.join("\n"),
            ]);
        }
        doc.table(t);
    }
    doc.heading(2, "4.3 Overdue cases and their checklists");
    if overdue.is_empty() {
        doc.paragraph(
            Text::plain(format!("No case was past its due date on {}.", p.as_of))
                .color(Color::MUTED),
        );
    } else {
        let mut t = Table::new([
            Column::fixed("Case", 38.0).right(),
            Column::relative("Candidate", 1.8),
            Column::fixed("Due", 62.0),
            Column::fixed("Days over", 48.0).right(),
            Column::fixed("Pending items", 60.0).right(),
            Column::relative("Assignee", 1.0),
        ]);
        for c in &overdue {
            let over = c.due_on.map_or(0, |d| (p.as_of - d).num_days());
            t.push_row([
                c.id.to_string(),
                c.candidate_name.clone(),
                c.due_on.map_or("—".into(), |d| d.to_string()),
                over.to_string(),
                format!("{} of {}", c.items_pending, c.items_total),
                c.assignee.clone().unwrap_or_else(|| "—".into()),
            ]);
        }
        doc.table(t);
    }
    doc.heading(2, "4.4 Overdue E-Verify deadlines");
    match &p.everify_overdue {
        None => {
            doc.paragraph(
                Text::plain("Not recorded: this data directory records no E-Verify cases.")
                    .color(Color::MUTED),
            );
        }
        Some(list) if list.is_empty() => {
            doc.paragraph(
                Text::plain(format!("No E-Verify deadline was overdue on {}.", p.as_of))
                    .color(Color::MUTED),
            );
        }
        Some(list) => {
            let mut t = Table::new([
                Column::fixed("Case", 38.0).right(),
                Column::relative("Candidate", 1.2),
                Column::relative("Deadline", 3.0),
            ]);
            for (id, what) in list {
                t.push_row([
                    id.to_string(),
                    case_of(*id).map_or(String::new(), |c| c.candidate_name.clone()),
                    what.clone(),
                ]);
            }
            doc.table(t);
        }
    }

    doc.heading(1, "5 Vendors with audits due").paragraph(format!(
        "Staffing vendors are audited every {} months; listed are those whose next audit was \
         due before {} and those never audited (recorded audits and the vendor's own last \
         audit date both count), with the cases they supplied in the period.",
        p.audit_interval_months, p.as_of
    ));
    if p.vendors_due.is_empty() {
        doc.paragraph(Text::plain("No vendor audit is due.").color(Color::MUTED));
    } else {
        let mut t = Table::new([
            Column::relative("Vendor", 2.0),
            Column::fixed("Attested", 50.0),
            Column::fixed("Last audit", 66.0),
            Column::fixed("Due", 66.0),
            Column::fixed("Cases", 40.0).right(),
        ]);
        for v in &p.vendors_due {
            t.push_row([
                Text::plain(&v.vendor),
                Text::plain(if v.screening_attested { "yes" } else { "no" }),
                Text::plain(v.last_audit_on.map_or("never".into(), |d| d.to_string())),
                match v.due_on {
                    Some(d) => Text::plain(d.to_string()),
                    None => Text::bold("now").color(Color::RED),
                },
                Text::plain(v.cases_in_period.to_string()),
            ]);
        }
        doc.table(t);
    }

    doc.page_break().heading(1, "Appendix: cases opened in the period");
    if p.cases.is_empty() {
        doc.paragraph(Text::plain("No case was opened in the period.").color(Color::MUTED));
    } else {
        let mut t = Table::new([
            Column::fixed("Case", 36.0).right(),
            Column::relative("Candidate and vendor", 2.0),
            Column::fixed("Opened", 60.0),
            Column::fixed("Status", 56.0),
            Column::fixed("Decision", 52.0),
            Column::fixed("Days", 36.0).right(),
        ]);
        for c in &p.cases {
            t.push_row([
                c.id.to_string(),
                format!(
                    "{}\n{}",
                    c.candidate_name,
                    c.vendor_name.as_deref().unwrap_or("no vendor")
                ),
                c.opened_at.date().to_string(),
                words(c.status.as_str()),
                c.decision.map_or("—".into(), |d| d.to_string()),
                c.days_to_decision.map_or("—".into(), |d| format!("{d:.1}")),
            ]);
        }
        doc.table(t);
    }
    let _ = size;
    Ok(doc.render()?)
}

/// A text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
/// leading apostrophe: candidate and vendor names come from outside.
fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// The same figures as CSV: one row per figure, `section,key,detail,value`.
pub fn portfolio_csv(p: &Portfolio, out: impl Write) -> Result<(), ReportError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["section", "key", "detail", "value"])?;
    let mut row = |section: &str, key: &str, detail: &str, value: String| {
        w.write_record([section, &cell(key), &cell(detail), &cell(&value)])
    };
    row("period", "from", "", p.from.to_string())?;
    row("period", "to", "", p.to.to_string())?;
    row("period", "as_of", "", p.as_of.to_string())?;
    row("generated", "at", "", p.generated_at.to_string())?;
    row("generated", "by", &p.generated_by.display_name, p.generated_by.name.clone())?;
    row("cases", "opened", "", p.cases.len().to_string())?;
    for (s, n) in &p.by_status {
        row("status", s.as_str(), "", n.to_string())?;
    }
    for (d, n) in &p.by_decision {
        row("decision", d, "", n.to_string())?;
    }
    for m in &p.months {
        for (d, n) in [
            ("cleared", m.cleared),
            ("rejected", m.rejected),
            ("referred", m.referred),
            ("undecided", m.undecided),
        ] {
            row("cases_per_period", &m.period, d, n.to_string())?;
        }
    }
    match &p.decision_times {
        Some(t) => {
            row("days_to_decision", "decided", "", t.decided.to_string())?;
            row("days_to_decision", "median", "", format!("{:.3}", t.median_days))?;
            row(
                "days_to_decision",
                "max",
                &format!("case {}", t.slowest_case),
                format!("{:.3}", t.max_days),
            )?;
        }
        None => row("days_to_decision", "decided", "", "0".into())?,
    }
    match &p.open_red_flags {
        None => row("open_red_flags", "", "not recorded", String::new())?,
        Some(list) => {
            for (id, n) in list {
                row("open_red_flags", &format!("case {id}"), "", n.to_string())?;
            }
        }
    }
    for c in p.cases.iter().filter(|c| !c.failed_items.is_empty()) {
        row(
            "failed_items",
            &format!("case {}", c.id),
            &c.candidate_name,
            c.failed_items.join(" "),
        )?;
    }
    for c in p.cases.iter().filter(|c| c.overdue) {
        let due = c.due_on.map(|d| d.to_string()).unwrap_or_default();
        row(
            "overdue_case",
            &format!("case {}", c.id),
            &format!("{} due {due}", c.candidate_name),
            format!("{} of {} items pending", c.items_pending, c.items_total),
        )?;
    }
    match &p.everify_overdue {
        None => row("everify_overdue", "", "not recorded", String::new())?,
        Some(list) => {
            for (id, what) in list {
                row("everify_overdue", &format!("case {id}"), what, String::new())?;
            }
        }
    }
    for v in &p.vendors_due {
        let last =
            v.last_audit_on.map_or("never audited".to_string(), |d| format!("last audit {d}"));
        row(
            "vendor_audit_due",
            &v.vendor,
            &last,
            v.due_on.map_or("now".to_string(), |d| d.to_string()),
        )?;
    }
    // The cases of the period, one fact per row (a pivot table turns them into columns).
    for c in &p.cases {
        let key = format!("case {}", c.id);
        let facts = [
            ("candidate", c.candidate_name.clone()),
            ("vendor", c.vendor_name.clone().unwrap_or_default()),
            ("opened_at", c.opened_at.to_string()),
            ("status", c.status.to_string()),
            ("decision", c.decision.map_or("undecided".to_string(), |d| d.to_string())),
            ("decided_at", c.decided_at.map(|t| t.to_string()).unwrap_or_default()),
            ("days_to_decision", c.days_to_decision.map(|d| format!("{d:.3}")).unwrap_or_default()),
            ("due_on", c.due_on.map(|d| d.to_string()).unwrap_or_default()),
            ("overdue", c.overdue.to_string()),
            ("items_pending", c.items_pending.to_string()),
            ("items_failed", c.failed_items.len().to_string()),
        ];
        for (detail, value) in facts {
            row("case", &key, detail, value)?;
        }
    }
    w.flush().map_err(|e| ReportError::Csv(e.into()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_cells() {
        for (values, want) in [
            (vec![], 0.0),
            (vec![3.0], 3.0),
            (vec![1.0, 2.0, 9.0], 2.0),
            (vec![1.0, 2.0, 4.0, 9.0], 3.0),
        ] {
            assert_eq!(median(&values), want, "{values:?}");
        }
        // (cell from outside, as written to the CSV)
        for (text, want) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1 202", "'+1 202"),
            ("-2", "'-2"),
            ("@SUM", "'@SUM"),
            ("Anna", "Anna"),
            ("", ""),
        ] {
            assert_eq!(cell(text), want);
        }
    }
}
