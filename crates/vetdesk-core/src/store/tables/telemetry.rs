//! The `telemetry_imports` and `telemetry_events` tables: each file taken in, and its events
//! in the columns the post-hire rules read.

use vetdesk_telemetry::{Event, EventKind, Format};

use crate::employees::{EmployeeId, TelemetryImport, TelemetryImportId, UnmatchedEvent};
use crate::model::{CaseId, Timestamp};
use crate::store::Result;
use crate::store::db::{Db, FromValue, Prepared, ToValue, Value, ValueRef, params};

impl ToValue for Format {
    fn to_value(&self) -> Value {
        Value::Text(self.as_str().to_string())
    }
}

impl FromValue for Format {
    fn from_value(value: ValueRef<'_>) -> std::result::Result<Self, String> {
        match value {
            ValueRef::Text(t) => {
                t.parse().map_err(|e: vetdesk_telemetry::model::UnknownFormat| e.to_string())
            }
            _ => Err("expected a telemetry format name".into()),
        }
    }
}

pub(crate) fn kind_name(kind: EventKind) -> &'static str {
    match kind {
        EventKind::SignIn => "sign_in",
        EventKind::FailedSignIn => "failed_sign_in",
        EventKind::Other => "other",
    }
}

pub(crate) fn insert_import(db: &dyn Db, i: &TelemetryImport) -> Result<()> {
    db.execute(
        "INSERT INTO telemetry_imports (id, file_name, format, file_sha256, size, events, added, \
         matched, unmatched, imported_by, imported_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            i.id,
            i.file_name,
            i.format,
            i.file_sha256,
            i.size as i64,
            i.events as i64,
            i.added as i64,
            i.matched as i64,
            i.unmatched as i64,
            i.imported_by,
            i.imported_at
        ],
    )?;
    Ok(())
}

pub(crate) fn imports(db: &dyn Db) -> Result<Vec<TelemetryImport>> {
    let count = |r: &crate::store::db::Row<'_>, i: usize| -> crate::store::db::DbResult<u64> {
        Ok(r.get::<i64>(i)?.max(0) as u64)
    };
    Ok(db.query_vec(
        "SELECT id, file_name, format, file_sha256, size, events, added, matched, unmatched, \
         imported_by, imported_at FROM telemetry_imports ORDER BY id",
        &[],
        |r| {
            Ok(TelemetryImport {
                id: r.get(0)?,
                file_name: r.get(1)?,
                format: r.get(2)?,
                file_sha256: r.get(3)?,
                size: count(r, 4)?,
                events: count(r, 5)?,
                added: count(r, 6)?,
                matched: count(r, 7)?,
                unmatched: count(r, 8)?,
                imported_by: r.get(9)?,
                imported_at: r.get(10)?,
            })
        },
    )?)
}

/// Rows per import, for `verify` to compare with what each import recorded.
pub(crate) fn event_counts(db: &dyn Db) -> Result<Vec<(TelemetryImportId, i64)>> {
    Ok(db.query_vec(
        "SELECT import_id, count(*) FROM telemetry_events GROUP BY import_id ORDER BY import_id",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// One event row as the import writes it.
pub(crate) struct EventRow<'a> {
    pub import_id: TelemetryImportId,
    pub event: &'a Event,
    pub employee_id: Option<EmployeeId>,
    pub device_id: Option<i64>,
    pub proxy_mark: Option<String>,
}

/// The prepared insert of the import: an event already stored (same format and id) is left
/// as it is; returns whether the row is new.
pub(crate) struct EventWriter<'a> {
    insert: Box<dyn Prepared + 'a>,
}

impl<'a> EventWriter<'a> {
    pub(crate) fn new(db: &'a dyn Db) -> Result<Self> {
        Ok(EventWriter {
            insert: db.prepare(
                "INSERT INTO telemetry_events (format, event_id, import_id, time, kind, account, \
                 employee_id, device_id, device_serial, device_hostname, ip, country, latitude, \
                 longitude, proxy_mark, observation) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
                 ON CONFLICT (format, event_id) DO NOTHING",
            )?,
        })
    }

    pub(crate) fn write(&mut self, row: &EventRow<'_>) -> Result<bool> {
        let e = row.event;
        let observation = match &e.observation {
            Some(o) => Some(serde_json::to_string(o)?),
            None => None,
        };
        let n = self.insert.execute(params![
            e.format,
            e.event_id,
            row.import_id,
            Timestamp::from_datetime(e.time),
            kind_name(e.kind),
            e.account,
            row.employee_id,
            row.device_id,
            e.device.serial,
            e.device.hostname,
            e.ip.map(|ip| ip.to_string()),
            e.place.country,
            e.place.latitude,
            e.place.longitude,
            row.proxy_mark,
            observation
        ])?;
        Ok(n > 0)
    }
}

/// Events that matched no employee, oldest first.
pub(crate) fn unmatched(db: &dyn Db, limit: usize) -> Result<Vec<UnmatchedEvent>> {
    Ok(db.query_vec(
        "SELECT import_id, format, event_id, time, kind, account, \
         coalesce(device_serial, device_hostname), ip \
         FROM telemetry_events WHERE employee_id IS NULL ORDER BY time, format, event_id LIMIT ?1",
        params![limit as i64],
        |r| {
            Ok(UnmatchedEvent {
                import_id: r.get(0)?,
                format: r.get(1)?,
                event_id: r.get(2)?,
                time: r.get(3)?,
                kind: r.get(4)?,
                account: r.get(5)?,
                device: r.get(6)?,
                ip: r.get(7)?,
            })
        },
    )?)
}

pub(crate) fn unmatched_count(db: &dyn Db) -> Result<i64> {
    Ok(db.query_value("SELECT count(*) FROM telemetry_events WHERE employee_id IS NULL", &[])?)
}

/// A sign-in of one employee, as the post-hire rules read it.
pub(crate) struct SignInRow {
    pub format: Format,
    pub event_id: String,
    pub time: Timestamp,
    pub ip: Option<String>,
    pub country: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub proxy_mark: Option<String>,
}

pub(crate) fn sign_ins(db: &dyn Db, employee: EmployeeId) -> Result<Vec<SignInRow>> {
    Ok(db.query_vec(
        "SELECT format, event_id, time, ip, country, latitude, longitude, proxy_mark \
         FROM telemetry_events WHERE employee_id = ?1 AND kind = 'sign_in' \
         ORDER BY time, format, event_id",
        params![employee],
        |r| {
            Ok(SignInRow {
                format: r.get(0)?,
                event_id: r.get(1)?,
                time: r.get(2)?,
                ip: r.get(3)?,
                country: r.get(4)?,
                latitude: r.get(5)?,
                longitude: r.get(6)?,
                proxy_mark: r.get(7)?,
            })
        },
    )?)
}

/// Times of every event of an employee that a person made (sign-ins, failed or not, and other
/// identity-provider events; host observations are the machine's, not the person's).
pub(crate) fn activity_times(db: &dyn Db, employee: EmployeeId) -> Result<Vec<Timestamp>> {
    Ok(db.query_vec(
        "SELECT time FROM telemetry_events WHERE employee_id = ?1 AND observation IS NULL \
         ORDER BY time",
        params![employee],
        |r| r.get(0),
    )?)
}

/// Another worker's sign-in from the same address within an hour of one of this worker's.
pub(crate) struct SharedRow {
    /// `format event_id` of this worker's sign-in.
    pub event: String,
    pub ip: String,
    pub ours: Timestamp,
    pub other_case: CaseId,
    pub other_candidate: i64,
    pub theirs: Timestamp,
}

pub(crate) fn shared_egress(db: &dyn Db, employee: EmployeeId) -> Result<Vec<SharedRow>> {
    Ok(db.query_vec(
        "SELECT a.ip, a.time, e.case_id, e.candidate_id, b.time, a.format || ' ' || a.event_id \
         FROM telemetry_events a \
         JOIN telemetry_events b ON b.ip = a.ip AND b.kind = 'sign_in' \
              AND b.employee_id IS NOT NULL AND b.employee_id != a.employee_id \
              AND abs(julianday(b.time) - julianday(a.time)) <= 1.0 / 24 \
         JOIN employees e ON e.id = b.employee_id \
         WHERE a.employee_id = ?1 AND a.kind = 'sign_in' AND a.ip IS NOT NULL \
         ORDER BY b.employee_id, a.time, b.time",
        params![employee],
        |r| {
            Ok(SharedRow {
                ip: r.get(0)?,
                ours: r.get(1)?,
                other_case: r.get(2)?,
                other_candidate: r.get(3)?,
                theirs: r.get(4)?,
                event: r.get(5)?,
            })
        },
    )?)
}

/// An event of an employee that names a device or carries a host observation.
pub(crate) struct HostRow {
    pub time: Timestamp,
    /// `format event_id`.
    pub event_id: String,
    pub device_id: Option<i64>,
    pub serial: Option<String>,
    pub hostname: Option<String>,
    pub observation: Option<String>,
}

pub(crate) fn host_events(db: &dyn Db, employee: EmployeeId) -> Result<Vec<HostRow>> {
    Ok(db.query_vec(
        "SELECT time, format || ' ' || event_id, device_id, device_serial, device_hostname, \
         observation \
         FROM telemetry_events WHERE employee_id = ?1 \
           AND (device_serial IS NOT NULL OR device_hostname IS NOT NULL OR observation IS NOT NULL) \
         ORDER BY time, format, event_id",
        params![employee],
        |r| {
            Ok(HostRow {
                time: r.get(0)?,
                event_id: r.get(1)?,
                device_id: r.get(2)?,
                serial: r.get(3)?,
                hostname: r.get(4)?,
                observation: r.get(5)?,
            })
        },
    )?)
}

/// Whether any event names a device or carries a host observation.
pub(crate) fn device_telemetry(db: &dyn Db) -> Result<bool> {
    Ok(db
        .query_optional(
            "SELECT 1 FROM telemetry_events WHERE device_serial IS NOT NULL \
             OR device_hostname IS NOT NULL OR observation IS NOT NULL LIMIT 1",
            &[],
            |r| r.get::<i64>(0),
        )?
        .is_some())
}
