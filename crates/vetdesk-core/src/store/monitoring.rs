//! The Monitoring page's reads and its one write: hired workers with open post-hire flags, each
//! alert with the telemetry events behind it and the import file each came from; and opening
//! an investigation case from an alert, with those events and files attached.
//!
//! The events behind a flag are not stored with it (a flag's recorded form is the same as a
//! pre-hire flag's): they are found again by running the rule over the worker's facts now
//! (`checks::posthire::evaluate_traced`), which gives the same flag while it is open.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::apply::{self, RaisedFlag};
use super::db::{Db, params};
use super::tables::{audit, candidates, cases, employees, records};
use super::{Result, Store, StoreError, posthire};
use crate::change::{Change, StoredFile};
use crate::checks::posthire::Traced;
use crate::employees::{EmployeeId, TelemetryFormat, TelemetryImportId};
use crate::model::{CaseId, CaseKind, CaseStatus, Field, Priority, Timestamp};
use crate::verification::{Flag, FlagId, Severity};

/// Events listed per alert; the rest are counted.
pub const MAX_ALERT_EVENTS: usize = 50;
/// Events written out in the investigation's note (the note stays well under the store's
/// text limit); all of them are in the attached files.
const NOTE_EVENTS: usize = 200;

/// A telemetry event behind an alert, with the import file it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct AlertEvent {
    pub format: TelemetryFormat,
    pub event_id: String,
    pub time: Timestamp,
    /// `sign_in`, `failed_sign_in` or `other`.
    pub kind: String,
    pub account: Option<String>,
    pub ip: Option<String>,
    /// ISO 3166-1 alpha-2, as the vendor geolocated it.
    pub country: Option<String>,
    /// Serial or host name.
    pub device: Option<String>,
    pub import_id: TelemetryImportId,
    pub file_name: String,
    pub file_sha256: String,
}

/// One open post-hire flag with what raised it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct MonitoringAlert {
    pub flag: Flag,
    /// The first [`MAX_ALERT_EVENTS`], oldest first.
    pub events: Vec<AlertEvent>,
    /// How many events are behind the flag in all.
    pub event_count: u32,
}

/// A hired worker with open post-hire flags.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct MonitoredEmployee {
    pub employee_id: EmployeeId,
    pub case_id: CaseId,
    pub name: String,
    pub start_on: chrono::NaiveDate,
    pub accounts: Vec<String>,
    /// The most severe open flag.
    pub severity: Severity,
    /// When the newest open flag was raised.
    pub latest: Timestamp,
    /// Most severe first, then newest first.
    pub alerts: Vec<MonitoringAlert>,
}

/// What opening an investigation from an alert recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
pub struct InvestigationOpened {
    pub case_id: CaseId,
    /// Import files attached to the new case as evidence.
    pub files: u32,
    pub events: u32,
    pub raised: Vec<RaisedFlag>,
}

fn event(db: &dyn Db, key: &str) -> Result<Option<AlertEvent>> {
    let Some((format, id)) = key.split_once(' ') else { return Ok(None) };
    Ok(db.query_optional(
        "SELECT t.format, t.event_id, t.time, t.kind, t.account, t.ip, t.country, \
         coalesce(t.device_serial, t.device_hostname), t.import_id, i.file_name, i.file_sha256 \
         FROM telemetry_events t JOIN telemetry_imports i ON i.id = t.import_id \
         WHERE t.format = ?1 AND t.event_id = ?2",
        params![format, id],
        |r| {
            Ok(AlertEvent {
                format: r.get(0)?,
                event_id: r.get(1)?,
                time: r.get(2)?,
                kind: r.get(3)?,
                account: r.get(4)?,
                ip: r.get(5)?,
                country: r.get(6)?,
                device: r.get(7)?,
                import_id: r.get(8)?,
                file_name: r.get(9)?,
                file_sha256: r.get(10)?,
            })
        },
    )?)
}

/// The open flags of a monitoring case, each with the events behind it.
fn alerts(
    db: &dyn Db,
    case_id: CaseId,
    at: &Timestamp,
    limit: usize,
) -> Result<Vec<MonitoringAlert>> {
    let open: Vec<Flag> =
        records::open_flags(db, case_id)?.into_iter().filter(Flag::counts).collect();
    if open.is_empty() {
        return Ok(Vec::new());
    }
    let case = cases::get(db, case_id)?.ok_or_else(|| StoreError::no_case(db, case_id))?;
    let traced: BTreeMap<(String, String), Traced> = posthire::evaluate_traced(db, &case, at)?
        .into_iter()
        .map(|t| ((t.flag.rule.clone(), t.flag.subject.clone()), t))
        .collect();
    let mut out = Vec::new();
    for flag in open {
        let keys = traced
            .get(&(flag.fields.rule.clone(), flag.fields.subject.clone()))
            .map(|t| t.events.clone())
            .unwrap_or_default();
        let mut events = Vec::new();
        for key in &keys {
            if let Some(e) = event(db, key)? {
                events.push(e);
            }
        }
        events.sort_by(|a, b| (&a.time, &a.event_id).cmp(&(&b.time, &b.event_id)));
        events.dedup_by(|a, b| a.format == b.format && a.event_id == b.event_id);
        let event_count = u32::try_from(events.len()).unwrap_or(u32::MAX);
        events.truncate(limit);
        out.push(MonitoringAlert { flag, events, event_count });
    }
    out.sort_by(|a, b| {
        b.flag
            .fields
            .severity
            .cmp(&a.flag.fields.severity)
            .then(b.flag.raised_at.cmp(&a.flag.raised_at))
            .then(a.flag.id.cmp(&b.flag.id))
    });
    Ok(out)
}

fn note_of(flag: &Flag, events: &[AlertEvent], monitoring_case: CaseId) -> String {
    let f = &flag.fields;
    let mut text = format!(
        "Opened from post-hire alert #{} of monitoring case {monitoring_case}: {} ({}, rule {}).\n\
         Why: {}\nSource: {}\n",
        flag.id, f.title, f.severity, f.rule, f.why, f.source
    );
    for fact in &f.facts {
        text.push_str(&format!("Fact: {fact}\n"));
    }
    text.push_str(&format!("Events behind the alert ({}):\n", events.len()));
    for e in events.iter().take(NOTE_EVENTS) {
        text.push_str(&format!(
            "- {} {} {} account {} ip {} country {} device {} ({} event {}, import {} file {} sha256 {})\n",
            e.time,
            e.kind,
            e.format,
            e.account.as_deref().unwrap_or("-"),
            e.ip.as_deref().unwrap_or("-"),
            e.country.as_deref().unwrap_or("-"),
            e.device.as_deref().unwrap_or("-"),
            e.format,
            e.event_id,
            e.import_id,
            e.file_name,
            e.file_sha256
        ));
    }
    if events.len() > NOTE_EVENTS {
        text.push_str(&format!(
            "… and {} more (all are in the attached import files)\n",
            events.len() - NOTE_EVENTS
        ));
    }
    text
}

impl Store {
    /// Hired workers of open monitoring cases with open post-hire flags: the most severe
    /// first, then the most recent.
    pub fn monitoring_board(&self) -> Result<Vec<MonitoredEmployee>> {
        self.read(|r| {
            let db = r.db();
            let now = r.now();
            let mut out = Vec::new();
            for e in employees::all(db)? {
                let Some(case) = cases::get(db, e.case_id)? else { continue };
                if case.status == CaseStatus::Closed {
                    continue;
                }
                let alerts = alerts(db, e.case_id, &now, MAX_ALERT_EVENTS)?;
                let (Some(severity), Some(latest)) = (
                    alerts.iter().map(|a| a.flag.fields.severity).max(),
                    alerts.iter().map(|a| a.flag.raised_at).max(),
                ) else {
                    continue;
                };
                let name = candidates::get(db, e.candidate_id)?
                    .map(|c| c.fields.legal_name)
                    .unwrap_or_default();
                out.push(MonitoredEmployee {
                    employee_id: e.id,
                    case_id: e.case_id,
                    name,
                    start_on: e.start_on,
                    accounts: e.accounts,
                    severity,
                    latest,
                    alerts,
                });
            }
            out.sort_by(|a, b| {
                b.severity
                    .cmp(&a.severity)
                    .then(b.latest.cmp(&a.latest))
                    .then(a.employee_id.cmp(&b.employee_id))
            });
            Ok(out)
        })
    }

    /// Opens an investigation case on the worker of a monitoring case from one of its open
    /// flags, in one transaction: the case, each import file the flag's events came from
    /// attached as evidence, a note with the alert and every event behind it, and a note on
    /// the monitoring case naming the new case.
    #[tracing::instrument(skip_all, err)]
    pub fn investigate_alert(
        &self,
        actor: &str,
        case_id: CaseId,
        flag_id: FlagId,
    ) -> Result<InvestigationOpened> {
        let now = self.clock.now();
        let ctx = self.context();
        self.transaction(|db| {
            let at = audit::write_time(db, now)?;
            let case = cases::get(db, case_id)?
                .ok_or_else(|| StoreError::no_case(db, case_id).at(Field::Case))?;
            if case.kind != CaseKind::Monitoring {
                return Err(StoreError::invalid(format!(
                    "case {case_id} is not a monitoring case; investigations are opened from \
                     post-hire alerts"
                ))
                .at(Field::Case));
            }
            let alert = alerts(db, case_id, &at, usize::MAX)?
                .into_iter()
                .find(|a| a.flag.id == flag_id)
                .ok_or_else(|| {
                    StoreError::invalid(format!(
                        "flag {flag_id} is not an open flag of monitoring case {case_id}"
                    ))
                    .at(Field::Flag)
                })?;
            let opened = apply::apply_one(
                db,
                &ctx,
                actor,
                &at,
                Change::OpenCase {
                    id: None,
                    candidate_id: case.candidate_id,
                    kind: CaseKind::Investigation,
                    assignee: None,
                    priority: match alert.flag.fields.severity {
                        Severity::High | Severity::Critical => Priority::High,
                        _ => Priority::Normal,
                    },
                    due_on: None,
                    template: None,
                },
            )?;
            let new_case = opened
                .change
                .record_id()
                .ok_or_else(|| StoreError::Corrupt("a new case has no id".into()))?;
            let mut raised = opened.raised();
            let mut files: BTreeMap<TelemetryImportId, (&str, &str)> = BTreeMap::new();
            for e in &alert.events {
                files.entry(e.import_id).or_insert((&e.file_name, &e.file_sha256));
            }
            for (import_id, (name, sha)) in &files {
                let size: i64 = db.query_value(
                    "SELECT size FROM telemetry_imports WHERE id = ?1",
                    params![*import_id],
                )?;
                let attached = apply::apply_one(
                    db,
                    &ctx,
                    actor,
                    &at,
                    Change::AttachEvidence {
                        id: None,
                        case_id: new_case,
                        file: StoredFile {
                            sha256: sha.to_string(),
                            size: size.max(0) as u64,
                            media_type: "text/plain".into(),
                            has_thumbnail: false,
                            ingest_note: None,
                            thumbnail_sha256: None,
                        },
                        original_name: name.to_string(),
                        description: Some(format!(
                            "Telemetry import {import_id}: events behind post-hire alert #{} \
                             ({}) of monitoring case {case_id}",
                            alert.flag.id, alert.flag.fields.title
                        )),
                        item_id: None,
                    },
                )?;
                raised.extend(attached.raised());
            }
            let note = apply::apply_one(
                db,
                &ctx,
                actor,
                &at,
                Change::AddNote {
                    id: None,
                    case_id: new_case,
                    text: note_of(&alert.flag, &alert.events, case_id),
                },
            )?;
            raised.extend(note.raised());
            apply::apply_one(
                db,
                &ctx,
                actor,
                &at,
                Change::AddNote {
                    id: None,
                    case_id,
                    text: format!(
                        "Investigation case {new_case} opened from alert #{} ({}).",
                        alert.flag.id, alert.flag.fields.title
                    ),
                },
            )?;
            Ok(InvestigationOpened {
                case_id: new_case,
                files: u32::try_from(files.len()).unwrap_or(u32::MAX),
                events: u32::try_from(alert.events.len()).unwrap_or(u32::MAX),
                raised,
            })
        })
    }
}
