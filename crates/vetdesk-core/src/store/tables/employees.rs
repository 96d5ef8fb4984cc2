//! The `employees`, `employee_accounts` and `employee_devices` tables: hired workers, the work
//! accounts and company devices registered to them.

use chrono::NaiveDate;

use crate::employees::{
    DeviceFields, Employee, EmployeeId, HireFields, RegisteredDevice, VettingAtHire,
};
use crate::model::{CandidateId, CaseId, Timestamp};
use crate::store::Result;
use crate::store::db::{Db, Json, params};

const COLUMNS: &str =
    "id, candidate_id, case_id, vetting, start_on, terminated_on, hired_by, hired_at";

pub(crate) struct NewEmployee<'a> {
    pub id: EmployeeId,
    pub candidate_id: CandidateId,
    pub case_id: CaseId,
    pub prehire_case_id: Option<CaseId>,
    pub vetting: Option<&'a VettingAtHire>,
    pub hire: &'a HireFields,
}

pub(crate) fn insert(db: &dyn Db, e: &NewEmployee<'_>, actor: &str, at: &Timestamp) -> Result<()> {
    db.execute(
        "INSERT INTO employees (id, candidate_id, case_id, prehire_case_id, vetting, start_on, \
         terminated_on, hired_by, hired_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8)",
        params![
            e.id,
            e.candidate_id,
            e.case_id,
            e.prehire_case_id,
            e.vetting.map(Json),
            e.hire.start_on,
            actor,
            at
        ],
    )?;
    for account in &e.hire.accounts {
        db.execute(
            "INSERT INTO employee_accounts (employee_id, account) VALUES (?1, ?2)",
            params![e.id, account],
        )?;
    }
    for device in &e.hire.devices {
        let id = super::next_id(db, "employee_devices")?;
        db.execute(
            "INSERT INTO employee_devices (id, employee_id, serial, hostname) VALUES (?1, ?2, ?3, ?4)",
            params![id, e.id, device.serial, device.hostname],
        )?;
    }
    Ok(())
}

pub(crate) fn set_termination(
    db: &dyn Db,
    id: EmployeeId,
    terminated_on: Option<NaiveDate>,
) -> Result<()> {
    db.execute(
        "UPDATE employees SET terminated_on = ?2 WHERE id = ?1",
        params![id, terminated_on],
    )?;
    Ok(())
}

fn with_details(db: &dyn Db, mut rows: Vec<Employee>) -> Result<Vec<Employee>> {
    for e in &mut rows {
        e.accounts = db.query_vec(
            "SELECT account FROM employee_accounts WHERE employee_id = ?1 ORDER BY account",
            params![e.id],
            |r| r.get(0),
        )?;
        e.devices = db.query_vec(
            "SELECT id, serial, hostname FROM employee_devices WHERE employee_id = ?1 ORDER BY id",
            params![e.id],
            |r| {
                Ok(RegisteredDevice {
                    id: r.get(0)?,
                    device: DeviceFields { serial: r.get(1)?, hostname: r.get(2)? },
                })
            },
        )?;
    }
    Ok(rows)
}

fn select(db: &dyn Db, filter: &str, params: &[crate::store::db::Value]) -> Result<Vec<Employee>> {
    let rows = db.query_vec(
        &format!("SELECT {COLUMNS} FROM employees {filter} ORDER BY id"),
        params,
        |r| {
            Ok(Employee {
                id: r.get(0)?,
                candidate_id: r.get(1)?,
                case_id: r.get(2)?,
                vetting: r.get::<Option<Json<VettingAtHire>>>(3)?.map(|j| j.0),
                start_on: r.get(4)?,
                terminated_on: r.get(5)?,
                accounts: Vec::new(),
                devices: Vec::new(),
                hired_by: r.get(6)?,
                hired_at: r.get(7)?,
            })
        },
    )?;
    with_details(db, rows)
}

pub(crate) fn all(db: &dyn Db) -> Result<Vec<Employee>> {
    select(db, "", &[])
}

pub(crate) fn get(db: &dyn Db, id: EmployeeId) -> Result<Option<Employee>> {
    Ok(select(db, "WHERE id = ?1", params![id])?.pop())
}

pub(crate) fn of_case(db: &dyn Db, case_id: CaseId) -> Result<Option<Employee>> {
    Ok(select(db, "WHERE case_id = ?1", params![case_id])?.pop())
}

/// The employee an account is registered to (compared as the identity providers compare
/// them: without case).
pub(crate) fn account_holder(db: &dyn Db, account: &str) -> Result<Option<EmployeeId>> {
    Ok(db.query_optional(
        &format!(
            "SELECT employee_id FROM employee_accounts WHERE {} LIMIT 1",
            db.eq_folded("account", "?1")
        ),
        params![account],
        |r| r.get(0),
    )?)
}
