//! The report sections fed by the verification checks: red flags and the risk score,
//! identity documents with their check results, interviews, and E-Verify with its deadlines.
//! Each is a plain struct (filled from the store by `case_data`) and one render function.
//! A part the store does not record is `None` and prints as "not recorded"; a part recorded
//! with nothing in it prints as "none recorded for this case" — an auditor must be able to
//! tell "not checked" from "checked, nothing found".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::format::{or_dash, when, words, yes_no};
use super::pdf::{Color, Column, Document, Table, Text};
use vetdesk_core::model::{EvidenceId, Timestamp};

/// What the verification checks recorded for one case.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Verification {
    pub risk: Option<RiskScore>,
    pub red_flags: Option<Vec<RedFlag>>,
    pub documents: Option<Vec<IdentityDocument>>,
    pub interviews: Option<Vec<Interview>>,
    pub everify: Option<Vec<EVerifyRecord>>,
    /// Other candidates sharing a phone, email, address, bank account, IP or reference
    /// contact with this one.
    pub links: Option<Vec<LinkLine>>,
}

/// Another candidate linked to this one, and by what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct LinkLine {
    pub candidate: String,
    pub cases: Vec<String>,
    /// One line per shared identifier.
    pub shared: Vec<String>,
}

/// The case's risk score, computed from its open flags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct RiskScore {
    pub score: u32,
    /// A word for the band the score falls in (low, elevated, high …).
    pub level: String,
    /// How the score was computed, in one sentence.
    pub basis: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct RedFlag {
    /// Stable rule id, e.g. `shipping-address-pmb`.
    pub id: String,
    pub severity: String,
    pub title: String,
    /// Why it matters, in a sentence.
    pub why: String,
    /// The control or public source the rule follows.
    pub source: String,
    /// The facts that raised it.
    pub facts: Vec<String>,
    pub evidence: Vec<EvidenceId>,
    /// Still open (not resolved or dismissed with a reason).
    pub open: bool,
    pub raised_at: Option<Timestamp>,
    /// How it was resolved, when it is no longer open.
    pub resolution: Option<String>,
}

/// One result of a machine check (MRZ check digits, expiry, cross-document consistency …).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct CheckLine {
    /// pass, fail, warn or info.
    pub outcome: String,
    pub message: String,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct IdentityDocument {
    pub kind: String,
    pub issuing_country: Option<String>,
    pub number: Option<String>,
    pub holder_name: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub expires_on: Option<NaiveDate>,
    pub evidence: Vec<EvidenceId>,
    pub note: Option<String>,
    pub checks: Vec<CheckLine>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct Interview {
    /// When it was held, as recorded (a date, or a date and time).
    pub held: String,
    pub interviewer: String,
    pub camera_on_throughout: Option<bool>,
    /// The candidate refused video.
    pub refused_video: Option<bool>,
    /// The candidate asked for audio only.
    pub audio_only: Option<bool>,
    /// ID held to the camera matched the face and name: yes, no or unclear.
    pub id_matched: Option<String>,
    pub liveness_prompts_done: Option<bool>,
    pub location_answers_consistent: Option<bool>,
    pub notes: Option<String>,
    pub evidence: Vec<EvidenceId>,
}

/// One deadline of an E-Verify case, as it stood when the report was made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct DeadlineLine {
    pub description: String,
    pub due: NaiveDate,
    pub done_on: Option<NaiveDate>,
    /// met, met_late, pending or overdue.
    pub state: String,
    pub source: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct EVerifyRecord {
    pub case_number: String,
    pub created_on: Option<NaiveDate>,
    pub status: String,
    /// Further Action Notice and referral dates, labelled.
    pub dates: Vec<(String, NaiveDate)>,
    pub evidence: Vec<EvidenceId>,
    pub note: Option<String>,
    pub deadlines: Vec<DeadlineLine>,
}

const NOT_RECORDED: &str = "Not recorded: this Vetdesk data directory holds no record of this \
                            kind for the case.";
const NONE_FOR_CASE: &str = "None recorded for this case.";

fn absent<T>(doc: &mut Document, part: Option<&[T]>) -> bool {
    match part {
        None => {
            doc.paragraph(Text::plain(NOT_RECORDED).color(Color::MUTED));
            true
        }
        Some([]) => {
            doc.paragraph(Text::plain(NONE_FOR_CASE).color(Color::MUTED));
            true
        }
        Some(_) => false,
    }
}

fn evidence_list(ids: &[EvidenceId], label: &dyn Fn(EvidenceId) -> String) -> String {
    if ids.is_empty() {
        "—".to_string()
    } else {
        ids.iter().map(|id| label(*id)).collect::<Vec<_>>().join(", ")
    }
}

fn outcome_text(outcome: &str) -> Text {
    let word = outcome.to_ascii_lowercase();
    match word.as_str() {
        "fail" => Text::bold("FAIL").color(Color::RED),
        "warn" => Text::bold("warn").color(Color::rgb(0x9A, 0x5B, 0x00)),
        "pass" => Text::plain("pass").color(Color::GREEN),
        _ => Text::plain(words(&word)),
    }
}

/// The risk line of the summary and cover.
pub(crate) fn risk_text(risk: Option<&RiskScore>) -> Text {
    match risk {
        None => Text::plain("not recorded").color(Color::MUTED),
        Some(r) => Text::bold(format!("{} ({})", r.score, r.level)),
    }
}

pub(crate) fn render_red_flags(
    doc: &mut Document,
    number: &str,
    risk: Option<&RiskScore>,
    flags: Option<&[RedFlag]>,
    label: &dyn Fn(EvidenceId) -> String,
) {
    doc.heading(1, format!("{number} Red flags and risk score"));
    let open = flags.map(|f| f.iter().filter(|x| x.open).count());
    doc.key_values([
        (Text::plain("Risk score"), risk_text(risk)),
        (
            Text::plain("How computed"),
            Text::plain(risk.map_or("—".to_string(), |r| r.basis.clone())),
        ),
        (
            Text::plain("Open red flags"),
            Text::plain(open.map_or("not recorded".to_string(), |n| n.to_string())),
        ),
    ]);
    if absent(doc, flags) {
        return;
    }
    let all = flags.unwrap_or_default();
    let superseded = all.iter().filter(|f| !f.open).count();
    if superseded > 0 {
        doc.paragraph(
            Text::plain(format!(
                "{superseded} flag(s) raised earlier no longer hold; they are listed, with why they \
                 were cleared, in Appendix B."
            ))
            .color(Color::MUTED),
        );
    }
    let open: Vec<&RedFlag> = all.iter().filter(|f| f.open).collect();
    if !open.is_empty() {
        doc.table(flag_table(&open, label));
    }
}

/// Flags that no longer hold, kept out of the body so that it shows what stands now.
pub(crate) fn render_superseded_flags(
    doc: &mut Document,
    heading: &str,
    flags: Option<&[RedFlag]>,
    label: &dyn Fn(EvidenceId) -> String,
) {
    let superseded: Vec<&RedFlag> = flags.unwrap_or_default().iter().filter(|f| !f.open).collect();
    if superseded.is_empty() {
        return;
    }
    doc.page_break().heading(1, heading).paragraph(
        "Red flags the rules raised on this case earlier and cleared since, when the facts under \
         them changed or a person cleared them, with the reason recorded.",
    );
    doc.table(flag_table(&superseded, label));
}

fn flag_table(flags: &[&RedFlag], label: &dyn Fn(EvidenceId) -> String) -> Table {
    let mut table = Table::new([
        Column::relative("Flag", 3.0),
        Column::fixed("Severity", 48.0),
        Column::relative("Facts and evidence", 2.4),
        Column::fixed("State", 84.0),
    ]);
    for f in flags {
        let flag = Text::bold(&f.title)
            .then(format!("\n{}\n", f.why))
            .then(Text::plain(format!("{} · Source: {}", f.id, f.source)).color(Color::MUTED));
        let mut facts = f.facts.join("\n");
        facts.push_str(&format!("\nEvidence: {}", evidence_list(&f.evidence, label)));
        let raised =
            f.raised_at.as_ref().map(|at| format!("\nraised {}", when(at))).unwrap_or_default();
        let state = if f.open {
            Text::bold("open").color(Color::RED).then(Text::plain(raised).color(Color::MUTED))
        } else {
            Text::plain(format!("no longer open{raised}\n{}", or_dash(f.resolution.as_deref())))
        };
        table.push_row([flag, Text::plain(&f.severity), Text::plain(facts), state]);
    }
    table
}

pub(crate) fn render_links(doc: &mut Document, number: &str, links: Option<&[LinkLine]>) {
    doc.heading(2, format!("{number} Links to other candidates"));
    if absent(doc, links) {
        return;
    }
    doc.paragraph(
        "Other candidates who share a normalised phone number, email address, postal address, \
         bank account, IP address or reference contact with this candidate: the pattern of \
         facilitators who run several identities.",
    );
    let mut table = Table::new([
        Column::relative("Candidate and cases", 1.4),
        Column::relative("What is shared", 2.6),
    ]);
    for l in links.unwrap_or_default() {
        table.push_row([
            Text::bold(&l.candidate).then(format!("\n{}", l.cases.join(", "))),
            Text::plain(l.shared.join("\n")),
        ]);
    }
    doc.table(table);
}

pub(crate) fn render_documents(
    doc: &mut Document,
    number: &str,
    documents: Option<&[IdentityDocument]>,
    label: &dyn Fn(EvidenceId) -> String,
) {
    doc.heading(1, format!("{number} Identity documents"));
    if absent(doc, documents) {
        return;
    }
    for (i, d) in documents.unwrap_or_default().iter().enumerate() {
        doc.heading(2, format!("{number}.{} {}", i + 1, words(&d.kind)));
        let date = |d: Option<NaiveDate>| d.map_or("—".to_string(), |d| d.to_string());
        doc.key_values([
            ("Issuing country", or_dash(d.issuing_country.as_deref())),
            ("Number", or_dash(d.number.as_deref())),
            ("Holder", or_dash(d.holder_name.as_deref())),
            ("Date of birth", date(d.date_of_birth)),
            ("Expires", date(d.expires_on)),
            ("Images", evidence_list(&d.evidence, label)),
            ("Note", or_dash(d.note.as_deref())),
        ]);
        if d.checks.is_empty() {
            doc.paragraph(Text::plain("No checks recorded for this document.").color(Color::MUTED));
            continue;
        }
        let mut table = Table::new([
            Column::fixed("Result", 46.0),
            Column::relative("Check", 3.0),
            Column::relative("Source", 1.6),
        ]);
        for c in &d.checks {
            table.push_row([
                outcome_text(&c.outcome),
                Text::plain(&c.message),
                Text::plain(&c.source),
            ]);
        }
        doc.table(table);
    }
}

pub(crate) fn render_interviews(
    doc: &mut Document,
    number: &str,
    interviews: Option<&[Interview]>,
    label: &dyn Fn(EvidenceId) -> String,
) {
    doc.heading(1, format!("{number} Interviews"));
    if absent(doc, interviews) {
        return;
    }
    let mut table = Table::new([
        Column::relative("When and who", 1.4),
        Column::relative("Camera and ID", 2.0),
        Column::relative("Notes and evidence", 2.2),
    ]);
    for iv in interviews.unwrap_or_default() {
        let camera = format!(
            "Camera on throughout: {}\nRefused video: {}\nAudio only: {}\nID matched face and name: {}\n\
             Liveness prompts done: {}\nLocation answers consistent: {}",
            yes_no(iv.camera_on_throughout),
            yes_no(iv.refused_video),
            yes_no(iv.audio_only),
            iv.id_matched.as_deref().unwrap_or("not recorded"),
            yes_no(iv.liveness_prompts_done),
            yes_no(iv.location_answers_consistent),
        );
        let notes = format!(
            "{}\nEvidence: {}",
            or_dash(iv.notes.as_deref()),
            evidence_list(&iv.evidence, label)
        );
        table.push_row([
            Text::plain(format!("{}\n{}", iv.held, iv.interviewer)),
            Text::plain(camera),
            Text::plain(notes),
        ]);
    }
    doc.table(table);
}

pub(crate) fn render_everify(doc: &mut Document, number: &str, records: Option<&[EVerifyRecord]>) {
    doc.heading(1, format!("{number} E-Verify"));
    if absent(doc, records) {
        return;
    }
    for r in records.unwrap_or_default() {
        doc.heading(2, format!("E-Verify case {}", r.case_number));
        let mut pairs = vec![
            ("Created".to_string(), r.created_on.map_or("—".to_string(), |d| d.to_string())),
            ("Status".to_string(), words(&r.status)),
        ];
        pairs.extend(r.dates.iter().map(|(k, d)| (k.clone(), d.to_string())));
        pairs.push(("Evidence".to_string(), evidence_list(&r.evidence, &|id| format!("E{id}"))));
        pairs.push(("Note".to_string(), or_dash(r.note.as_deref())));
        doc.key_values(pairs);
        if r.deadlines.is_empty() {
            doc.paragraph(Text::plain("No deadlines run for this status.").color(Color::MUTED));
            continue;
        }
        let mut table = Table::new([
            Column::relative("Deadline", 3.0),
            Column::fixed("Due", 62.0),
            Column::fixed("Done", 62.0),
            Column::fixed("State", 52.0),
            Column::relative("Source", 1.6),
        ]);
        for d in &r.deadlines {
            let state = match d.state.as_str() {
                "overdue" => Text::bold("overdue").color(Color::RED),
                other => Text::plain(words(other)),
            };
            table.push_row([
                Text::plain(&d.description),
                Text::plain(d.due.to_string()),
                Text::plain(d.done_on.map_or("—".to_string(), |d| d.to_string())),
                state,
                Text::plain(&d.source),
            ]);
        }
        doc.table(table);
    }
}
