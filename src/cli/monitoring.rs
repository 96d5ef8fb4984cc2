//! After the hire: `hire` (a monitoring case for a hired worker, or a termination date),
//! `employees`, and `telemetry import | unmatched | imports`.

use std::fmt::Write as _;

use vetdesk_core::employees::{DeviceFields, Employee, HireFields, TelemetryFormat as Format};
use vetdesk_core::model::CandidateFields;
use vetdesk_core::store::{HireOf, RaisedFlag};

use super::args::{HireArgs, TelemetryCommand};
use super::context::{Ctx, Result, date, not_a_link, usage};

/// `SERIAL`, `SERIAL=HOSTNAME` or `=HOSTNAME`.
fn device(text: &str) -> Result<DeviceFields> {
    let (serial, hostname) = match text.split_once('=') {
        Some((s, h)) => (s.trim(), Some(h.trim())),
        None => (text.trim(), None),
    };
    let device = DeviceFields {
        serial: Some(serial.to_string()).filter(|s| !s.is_empty()),
        hostname: hostname.map(str::to_string).filter(|h| !h.is_empty()),
    };
    if device.serial.is_none() && device.hostname.is_none() {
        return Err(usage(format!("--device {text:?}: give SERIAL, SERIAL=HOSTNAME or =HOSTNAME")));
    }
    Ok(device)
}

fn raised_lines(out: &mut String, raised: &[RaisedFlag]) {
    for f in raised {
        let _ = writeln!(out, "  flag raised on case {}: [{}] {}", f.case_id, f.severity, f.title);
    }
}

pub fn hire(ctx: &Ctx, a: HireArgs) -> Result<u8> {
    let actor = ctx.actor()?;
    if let Some(day) = &a.terminated {
        let day = date("--terminated", day)?;
        let case = a.case.ok_or_else(|| usage("give the worker's case with --terminated"))?;
        let employees = ctx.store.employees()?;
        let employee = employees
            .iter()
            .find(|e| e.case_id == case || e.vetting.as_ref().is_some_and(|v| v.case_id == case))
            .ok_or_else(|| usage(format!("case {case} records no hire")))?;
        let applied = ctx.store.set_termination(actor, employee.id, Some(day))?;
        ctx.print(&applied, || {
            format!("Employee {} (case {}) terminated on {day}.\n", employee.id, employee.case_id)
        })?;
        return Ok(0);
    }
    let start =
        a.start.as_deref().ok_or_else(|| usage("give the first working day with --start"))?;
    let devices = a.devices.iter().map(|d| device(d)).collect::<Result<Vec<_>>>()?;
    let fields = HireFields { start_on: date("--start", start)?, accounts: a.accounts, devices };
    let of = match (a.case, a.existing) {
        (Some(case_id), false) => HireOf::Case { case_id },
        (None, true) => HireOf::Existing {
            person: Box::new(CandidateFields {
                external_id: None,
                legal_name: a.name.unwrap_or_default(),
                other_names: Vec::new(),
                emails: Vec::new(),
                phones: Vec::new(),
                home_address: None,
                shipping_address: None,
                claimed_location: a.location,
                time_zone: a.time_zone,
                role: None,
                vendor_id: None,
                applied_on: None,
                application_ip: None,
            }),
        },
        _ => return Err(usage("give the candidate's vetting case, or --existing with --name")),
    };
    let hired = ctx.store.hire(actor, of, fields)?;
    ctx.print(&hired, || {
        let mut out = format!(
            "Hired: employee {}, watched by monitoring case {}.\n",
            hired.employee_id, hired.case_id
        );
        raised_lines(&mut out, &hired.raised);
        out
    })?;
    Ok(0)
}

fn employee_line(e: &Employee) -> String {
    let devices: Vec<String> = e.devices.iter().map(|d| d.device.label()).collect();
    let vetting = match &e.vetting {
        Some(v) if v.complete() => format!("vetted in case {}", v.case_id),
        Some(v) => format!("hired while case {} was {}", v.case_id, v.status),
        None => "existing staff".into(),
    };
    format!(
        "{:>4}  case {:<5} candidate {:<5} from {}{}  {}  accounts: {}  devices: {}\n",
        e.id,
        e.case_id,
        e.candidate_id,
        e.start_on,
        e.terminated_on.map(|t| format!(" to {t}")).unwrap_or_default(),
        vetting,
        if e.accounts.is_empty() { "none".into() } else { e.accounts.join(", ") },
        if devices.is_empty() { "none".into() } else { devices.join(", ") },
    )
}

pub fn employees(ctx: &Ctx) -> Result<u8> {
    let all = ctx.store.employees()?;
    ctx.print(&all, || {
        if all.is_empty() {
            return "No employees recorded. Record one with `vetdesk hire CASE --start DATE`.\n"
                .into();
        }
        all.iter().map(employee_line).collect()
    })?;
    Ok(0)
}

pub fn telemetry(ctx: &Ctx, command: TelemetryCommand) -> Result<u8> {
    match command {
        TelemetryCommand::Import { file, format } => {
            not_a_link(&file).map_err(usage)?;
            let format = format
                .map(|f| f.parse::<Format>())
                .transpose()
                .map_err(|e| usage(format!("--format: {e}")))?;
            let outcome = ctx.store.import_telemetry(ctx.actor()?, &file, format)?;
            ctx.print(&outcome, || {
                let mut out = format!(
                    "Imported {} ({}): {} events, {} new ({} matched to employees, {} unmatched); \
                     import {}, file {}.\n",
                    file.display(),
                    outcome.format,
                    outcome.events,
                    outcome.added,
                    outcome.matched,
                    outcome.unmatched,
                    outcome.import_id,
                    outcome.file_sha256,
                );
                raised_lines(&mut out, &outcome.raised);
                if outcome.cleared > 0 {
                    let _ = writeln!(out, "  {} flag(s) cleared", outcome.cleared);
                }
                out
            })?;
        }
        TelemetryCommand::Unmatched { limit } => {
            let (events, total) = ctx.store.unmatched_events(limit)?;
            #[derive(serde::Serialize)]
            struct Listed<'a> {
                total: i64,
                events: &'a [vetdesk_core::employees::UnmatchedEvent],
            }
            ctx.print(&Listed { total, events: &events }, || {
                let mut out = format!("{total} event(s) matched no employee.\n");
                for e in &events {
                    let _ = writeln!(
                        out,
                        "  {}  {} {}  {}  account {}  device {}  ip {}  (import {})",
                        e.time,
                        e.format,
                        e.event_id,
                        e.kind,
                        e.account.as_deref().unwrap_or("-"),
                        e.device.as_deref().unwrap_or("-"),
                        e.ip.as_deref().unwrap_or("-"),
                        e.import_id
                    );
                }
                out
            })?;
        }
        TelemetryCommand::Imports => {
            let imports = ctx.store.telemetry_imports()?;
            ctx.print(&imports, || {
                imports
                    .iter()
                    .map(|i| {
                        format!(
                            "{:>4}  {}  {}  {}: {} events, {} new, {} matched, {} unmatched  by {} at {}\n",
                            i.id,
                            i.format,
                            i.file_name,
                            i.file_sha256,
                            i.events,
                            i.added,
                            i.matched,
                            i.unmatched,
                            i.imported_by,
                            i.imported_at
                        )
                    })
                    .collect()
            })?;
        }
    }
    Ok(0)
}
