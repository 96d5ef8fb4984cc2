//! From the store's verification view of a case to the plain structs the report sections
//! print: every recorded document, interview, E-Verify case and red flag, with the checks and
//! deadlines as they stand on the report's date, in words.

use chrono::NaiveDate;

use super::format::{when, words};
use super::sections::{
    CheckLine, DeadlineLine, EVerifyRecord, IdentityDocument, Interview, LinkLine, RedFlag,
    RiskScore, Verification,
};
use vetdesk_core::checks::workdays::DeadlineState;
use vetdesk_core::checks::{Finding, Outcome, mrz};
use vetdesk_core::store::CaseVerification;
use vetdesk_core::verification::{EVerifyStatus, Flag};

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Warn => "warn",
        Outcome::Info => "info",
    }
}

fn check_line(f: &Finding) -> CheckLine {
    CheckLine {
        outcome: outcome(f.outcome).to_string(),
        message: f.message.clone(),
        source: f.source.to_string(),
    }
}

fn red_flag(f: &Flag) -> RedFlag {
    let mut facts = f.fields.facts.clone();
    if !f.fields.candidates.is_empty() {
        let others: Vec<String> =
            f.fields.candidates.iter().map(|c| format!("candidate {c}")).collect();
        facts.push(format!("Other candidates involved: {}", others.join(", ")));
    }
    let id = if f.fields.subject.is_empty() {
        f.fields.rule.clone()
    } else {
        format!("{} ({})", f.fields.rule, f.fields.subject)
    };
    RedFlag {
        id,
        severity: f.fields.severity.to_string(),
        title: f.fields.title.clone(),
        why: f.fields.why.clone(),
        source: f.fields.source.to_string(),
        facts,
        evidence: f.fields.evidence.clone(),
        open: f.cleared_at.is_none(),
        raised_at: Some(f.raised_at),
        resolution: f.cleared_at.map(|at| {
            format!(
                "cleared {} by {}: {}",
                when(&at),
                f.cleared_by.as_deref().unwrap_or("the rules"),
                f.cleared_reason.as_deref().unwrap_or("no longer holds")
            )
        }),
    }
}

fn deadline_state(s: DeadlineState) -> &'static str {
    match s {
        DeadlineState::Met => "met",
        DeadlineState::MetLate => "met_late",
        DeadlineState::Pending => "pending",
        DeadlineState::Overdue => "overdue",
    }
}

/// The report's view of what verification recorded, judged on `today`.
pub(crate) fn from_store(v: &CaseVerification, today: NaiveDate) -> Verification {
    let r = &v.flags.risk;
    let basis = if r.open_flags == 0 {
        "No open red flags.".to_string()
    } else {
        format!(
            "{} open flags ({} critical, {} high, {} medium, {} low), combined as \
             100 × (1 − Π(1 − w)) with w = 0.60 critical, 0.35 high, 0.15 medium, 0.05 low.",
            r.open_flags, r.critical, r.high, r.medium, r.low
        )
    };
    let risk = RiskScore { score: u32::from(r.score), level: r.band.to_string(), basis };

    let red_flags = v.flags.open.iter().chain(&v.flags.cleared).map(red_flag).collect();

    let documents = v
        .documents
        .iter()
        .map(|view| {
            let d = &view.document.fields;
            let mut checks = vec![check_line(&view.name_check.finding())];
            match (&view.mrz, d.mrz.as_deref()) {
                (Some(report), _) => checks.extend(report.findings().iter().map(check_line)),
                (None, Some(text)) => checks.push(CheckLine {
                    outcome: "fail".into(),
                    message: match mrz::parse(text, today) {
                        Err(e) => format!("The machine-readable zone could not be read: {e}"),
                        Ok(_) => "The machine-readable zone could not be read".into(),
                    },
                    source: "ICAO Doc 9303".into(),
                }),
                (None, None) => checks.push(CheckLine {
                    outcome: "info".into(),
                    message: "No machine-readable zone was recorded for this document".into(),
                    source: "ICAO Doc 9303".into(),
                }),
            }
            IdentityDocument {
                kind: words(d.kind.as_str()),
                issuing_country: Some(d.issuing_country.clone()),
                number: Some(d.number.clone()),
                holder_name: Some(d.holder_name.clone()),
                date_of_birth: d.birth_date,
                expires_on: d.expiry_date,
                evidence: d.front_evidence.into_iter().chain(d.back_evidence).collect(),
                note: d.note.clone(),
                checks,
            }
        })
        .collect();

    let interviews = v
        .interviews
        .iter()
        .map(|i| {
            let f = &i.fields;
            Interview {
                held: f.started_at.as_ref().map_or(f.held_on.to_string(), when),
                interviewer: f.interviewer.clone(),
                camera_on_throughout: Some(f.camera_on_throughout),
                refused_video: Some(f.refused_video),
                audio_only: Some(f.audio_only),
                id_matched: Some(words(f.id_match.as_str())),
                liveness_prompts_done: Some(f.liveness_done),
                location_answers_consistent: f.location_consistent,
                notes: f.note.clone(),
                evidence: f.screenshots.clone(),
            }
        })
        .collect();

    let everify = v
        .everify
        .iter()
        .map(|view| {
            let f = &view.everify.fields;
            let status = match (f.status, f.agency) {
                (EVerifyStatus::TentativeNonconfirmation, Some(agency)) => {
                    format!("{} ({agency})", words(f.status.as_str()))
                }
                _ => words(f.status.as_str()),
            };
            let dates = [
                ("Mismatch issued", f.mismatch_on),
                ("Further Action Notice given", f.notice_given_on),
                ("Employee's decision recorded", f.decision_recorded_on),
                ("Referred to the agency", f.referred_on),
                ("Employee contacted the agency", f.agency_contacted_on),
                ("In continuance since", f.continuance_since),
                ("Followed up with E-Verify", f.followed_up_on),
            ]
            .into_iter()
            .filter_map(|(label, date)| date.map(|d| (label.to_string(), d)))
            .collect();
            EVerifyRecord {
                case_number: f.case_number.clone(),
                created_on: Some(f.created_on),
                status,
                dates,
                evidence: f.evidence.clone(),
                note: f.note.clone(),
                deadlines: view
                    .deadlines
                    .iter()
                    .map(|d| DeadlineLine {
                        description: d.description.clone(),
                        due: d.due,
                        done_on: d.done_on,
                        state: deadline_state(d.state).to_string(),
                        source: d.source.to_string(),
                    })
                    .collect(),
            }
        })
        .collect();

    let links = v
        .links
        .iter()
        .map(|l| LinkLine {
            candidate: format!("{} (candidate {})", l.candidate_name, l.candidate_id),
            cases: l
                .cases
                .iter()
                .map(|c| format!("case {} ({})", c.case_id, words(c.status.as_str())))
                .collect(),
            shared: l
                .shared
                .iter()
                .map(|s| {
                    format!(
                        "{} {}: our {}, their {}",
                        words(s.kind.as_str()),
                        s.value,
                        s.ours.label(),
                        s.theirs.label()
                    )
                })
                .collect(),
        })
        .collect();

    Verification {
        risk: Some(risk),
        red_flags: Some(red_flags),
        documents: Some(documents),
        interviews: Some(interviews),
        everify: Some(everify),
        links: Some(links),
    }
}
