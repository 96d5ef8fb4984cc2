//! After the hire: recording a hire on its monitoring case, a termination date, and a
//! telemetry file taken in (its events are written by `Store::import_telemetry` in the same
//! transaction; the change itself records the file and the counts).

use std::collections::BTreeSet;

use vetdesk_telemetry::accounts::{normalise_hostname, normalise_serial, parse_account};

use super::{missing_id, not_mine, refused};
use crate::change::Change;
use crate::employees::{DeviceFields, HireFields, TelemetryImport, VettingAtHire};
use crate::model::{CaseKind, CaseStatus, Field, Timestamp, User};
use crate::store::db::Db;
use crate::store::rules::{self, Action, MAX_FIELD, required};
use crate::store::tables::{cases, employees, next_id, telemetry};
use crate::store::{Result, StoreError};

/// Work accounts and devices registered to one worker, at most.
const MAX_ACCOUNTS: usize = 50;
const MAX_DEVICES: usize = 50;

fn check_hire(db: &dyn Db, hire: HireFields) -> Result<HireFields> {
    if hire.accounts.len() > MAX_ACCOUNTS {
        return Err(refused(Field::Accounts, format!("at most {MAX_ACCOUNTS} accounts")));
    }
    if hire.devices.len() > MAX_DEVICES {
        return Err(refused(Field::Devices, format!("at most {MAX_DEVICES} devices")));
    }
    let mut accounts = Vec::new();
    let mut seen = BTreeSet::new();
    for raw in &hire.accounts {
        let account = required(Field::Accounts, "account", raw, MAX_FIELD)?;
        let parsed = parse_account(&account);
        if parsed.as_ref().is_none_or(|a| a.domain.is_none()) {
            return Err(refused(
                Field::Accounts,
                format!(
                    "account {account:?} is not user@domain: give the email address or UPN the \
                     identity provider knows"
                ),
            ));
        }
        let key = account.to_lowercase();
        if !seen.insert(key) {
            return Err(refused(Field::Accounts, format!("account {account:?} is given twice")));
        }
        if let Some(holder) = employees::account_holder(db, &account)? {
            return Err(StoreError::conflict(format!(
                "account {account:?} is already registered to employee {holder}"
            ))
            .at(Field::Accounts));
        }
        accounts.push(account);
    }
    let mut devices = Vec::new();
    for d in &hire.devices {
        let serial = d.serial.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let hostname = d.hostname.as_deref().map(str::trim).filter(|s| !s.is_empty());
        if serial.is_none() && hostname.is_none() {
            return Err(refused(Field::Devices, "a device needs a serial number or a host name"));
        }
        if serial.is_some_and(|s| s.len() > 100 || normalise_serial(s).is_none()) {
            return Err(refused(Field::Devices, format!("serial {serial:?} is not usable")));
        }
        if hostname.is_some_and(|h| h.len() > 253 || normalise_hostname(h).is_none()) {
            return Err(refused(
                Field::Devices,
                format!("host name {hostname:?} is not usable (no spaces, at most 253 characters)"),
            ));
        }
        devices.push(DeviceFields {
            serial: serial.map(str::to_string),
            hostname: hostname.map(str::to_string),
        });
    }
    Ok(HireFields { start_on: hire.start_on, accounts, devices })
}

pub(super) fn resolve(db: &dyn Db, user: &User, change: Change) -> Result<Change> {
    Ok(match change {
        Change::Hire { case_id, prehire_case_id, hire, .. } => {
            let case = cases::get(db, case_id)?.ok_or_else(|| StoreError::no_case(db, case_id))?;
            if case.kind != CaseKind::Monitoring {
                return Err(StoreError::invalid(format!(
                    "case {case_id} is a {} case; a hire is recorded on a monitoring case",
                    case.kind
                )));
            }
            if case.status == CaseStatus::Closed {
                return Err(StoreError::conflict(format!("case {case_id} is closed")));
            }
            if employees::of_case(db, case_id)?.is_some() {
                return Err(StoreError::conflict(format!("case {case_id} already records a hire")));
            }
            let vetting = match prehire_case_id {
                Some(id) => {
                    let pre = cases::get(db, id)?.ok_or_else(|| StoreError::no_case(db, id))?;
                    if pre.candidate_id != case.candidate_id || pre.kind == CaseKind::Monitoring {
                        return Err(refused(
                            Field::PrehireCase,
                            format!(
                                "case {id} is not a vetting case of candidate {}",
                                case.candidate_id
                            ),
                        ));
                    }
                    Some(VettingAtHire { case_id: id, status: pre.status, decision: pre.decision })
                }
                None => None,
            };
            Change::Hire {
                id: Some(next_id(db, "employees")?),
                case_id,
                prehire_case_id,
                hire: check_hire(db, hire)?,
                vetting,
            }
        }
        Change::SetTermination { case_id, employee_id, terminated_on } => {
            let employee = employees::get(db, employee_id)?
                .filter(|e| e.case_id == case_id)
                .ok_or_else(|| StoreError::not_found("employee of this case", employee_id))?;
            if let Some(day) = terminated_on
                && day < employee.start_on
            {
                return Err(refused(
                    Field::TerminatedOn,
                    format!("termination {day} is before the start date {}", employee.start_on),
                ));
            }
            if employee.terminated_on == terminated_on {
                return Err(StoreError::conflict(format!(
                    "employee {employee_id} already has that termination date"
                )));
            }
            Change::SetTermination { case_id, employee_id, terminated_on }
        }
        Change::ImportTelemetry {
            file_name,
            format,
            file_sha256,
            size,
            events,
            added,
            matched,
            unmatched,
            ..
        } => {
            rules::require(user, Action::ManageLists, "import telemetry")?;
            Change::ImportTelemetry {
                id: Some(next_id(db, "telemetry_imports")?),
                file_name,
                format,
                file_sha256,
                size,
                events,
                added,
                matched,
                unmatched,
            }
        }
        other => return Err(not_mine("employee", &other)),
    })
}

pub(super) fn write(db: &dyn Db, at: &Timestamp, actor: &str, change: &Change) -> Result<()> {
    match change {
        Change::Hire { id, case_id, prehire_case_id, hire, vetting } => {
            let case = cases::get(db, *case_id)?.ok_or_else(|| StoreError::no_case(db, case_id))?;
            employees::insert(
                db,
                &employees::NewEmployee {
                    id: id.ok_or_else(|| missing_id(change))?,
                    candidate_id: case.candidate_id,
                    case_id: *case_id,
                    prehire_case_id: *prehire_case_id,
                    vetting: vetting.as_ref(),
                    hire,
                },
                actor,
                at,
            )
        }
        Change::SetTermination { employee_id, terminated_on, .. } => {
            employees::set_termination(db, *employee_id, *terminated_on)
        }
        Change::ImportTelemetry {
            id,
            file_name,
            format,
            file_sha256,
            size,
            events,
            added,
            matched,
            unmatched,
        } => telemetry::insert_import(
            db,
            &TelemetryImport {
                id: id.ok_or_else(|| missing_id(change))?,
                file_name: file_name.clone(),
                format: *format,
                file_sha256: file_sha256.clone(),
                size: *size,
                events: *events,
                added: *added,
                matched: *matched,
                unmatched: *unmatched,
                imported_by: actor.to_string(),
                imported_at: *at,
            },
        ),
        other => Err(not_mine("employee", other)),
    }
}
