//! The facts of a monitoring case for the post-hire rules (`checks::posthire`): the worker's
//! sign-ins with indicator-list lookups, other workers on the same address, device events.
//! Only events between the start date and the termination date count.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::OnceLock;

use chrono::NaiveDate;

use vetdesk_telemetry::HostObservation;
use vetdesk_telemetry::geo::GeoPoint;
use vetdesk_telemetry::signatures::Signatures;

use super::db::{Db, params};
use super::tables::{candidates, checklist, employees, lists, policy, telemetry};
use super::{Result, StoreError};
use crate::change::PolicyKey;
use crate::checks::flags::{claimed_country, zone_country};
use crate::checks::iprange::IpCategory;
use crate::checks::posthire::{
    self, DAY_ONE_ITEM, DueInput, HostEvent, ItemDue, PostHireFacts, REVERIFICATION_ITEM,
    SharedEgress, SignIn,
};
use crate::employees::Employee;
use crate::model::{Case, CaseId, CaseKind, Timestamp};
use crate::verification::FlagFields;

/// The built-in signatures, read once.
fn signatures() -> Result<&'static Signatures> {
    static BUILT_IN: OnceLock<std::result::Result<Signatures, String>> = OnceLock::new();
    BUILT_IN
        .get_or_init(|| Signatures::built_in().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| StoreError::Corrupt(format!("built-in telemetry signatures: {e}")))
}

fn in_service(e: &Employee, at: &Timestamp) -> bool {
    let day = at.date();
    day >= e.start_on && e.terminated_on.is_none_or(|t| day <= t)
}

/// The anonymising indicator entry an address falls in, as a fact.
fn indicator(
    db: &dyn Db,
    ip: &str,
    cache: &mut HashMap<String, Option<String>>,
) -> Result<Option<String>> {
    if let Some(hit) = cache.get(ip) {
        return Ok(hit.clone());
    }
    let found = match ip.parse::<IpAddr>() {
        Ok(addr) => lists::lookup(db, addr)?
            .into_iter()
            .find(|e| !matches!(e.category, IpCategory::Country(_)))
            .map(|e| {
                let label =
                    if e.label.is_empty() { String::new() } else { format!(" {}", e.label) };
                format!("{} range {}{label} (list {})", e.category, e.cidr, e.list)
            }),
        Err(_) => None,
    };
    cache.insert(ip.to_string(), found.clone());
    Ok(found)
}

/// The due dates of a monitoring case's dated post-hire items on `today` (none for another
/// kind of case).
pub(crate) fn checklist_due(db: &dyn Db, case: &Case, today: NaiveDate) -> Result<Vec<ItemDue>> {
    if case.kind != CaseKind::Monitoring {
        return Ok(Vec::new());
    }
    let Some(e) = employees::of_case(db, case.id)? else { return Ok(Vec::new()) };
    let template = crate::template::get(&case.template_id, case.template_version)?;
    let applies =
        |id: &str| template.item(id).is_some_and(|r| r.applies(CaseKind::Monitoring, false));
    let on = |id: &str| -> Result<Option<NaiveDate>> {
        Ok(checklist::recorded_at(db, case.id, id)?.map(|t| t.date()))
    };
    let input = DueInput {
        start_on: e.start_on,
        terminated_on: e.terminated_on,
        interval_months: policy::value(db, PolicyKey::ReverificationIntervalMonths)?,
        day_one_recorded: on(DAY_ONE_ITEM)?,
        reverified_on: on(REVERIFICATION_ITEM)?,
        day_one_applies: applies(DAY_ONE_ITEM),
        reverification_applies: applies(REVERIFICATION_ITEM),
    };
    Ok(posthire::due_dates(&input, today))
}

pub(crate) fn gather(db: &dyn Db, case: &Case, at: &Timestamp) -> Result<Option<PostHireFacts>> {
    let Some(e) = employees::of_case(db, case.id)? else { return Ok(None) };
    let candidate = candidates::get(db, e.candidate_id)?.ok_or_else(|| {
        StoreError::Corrupt(format!("employee {} names a missing candidate", e.id))
    })?;
    let c = &candidate.fields;
    let claimed = c
        .claimed_location
        .as_deref()
        .and_then(claimed_country)
        .or_else(|| c.time_zone.as_deref().and_then(zone_country))
        .map(str::to_string);
    let mut cache = HashMap::new();
    let mut sign_ins = Vec::new();
    for row in telemetry::sign_ins(db, e.id)? {
        if !in_service(&e, &row.time) {
            continue;
        }
        let indicator = match row.ip.as_deref() {
            Some(ip) => indicator(db, ip, &mut cache)?,
            None => None,
        };
        sign_ins.push(SignIn {
            event: format!("{} {}", row.format, row.event_id),
            at: row.time.as_datetime(),
            point: row.latitude.zip(row.longitude).and_then(|(la, lo)| GeoPoint::new(la, lo)),
            ip: row.ip,
            country: row.country,
            proxy_mark: row.proxy_mark,
            indicator,
        });
    }
    let activity = telemetry::activity_times(db, e.id)?
        .into_iter()
        .filter(|t| in_service(&e, t))
        .map(|t| t.as_datetime())
        .collect();
    let shared = telemetry::shared_egress(db, e.id)?
        .into_iter()
        .filter(|s| in_service(&e, &s.ours))
        .map(|s| SharedEgress {
            event: s.event,
            ip: s.ip,
            ours: s.ours.as_datetime(),
            theirs: s.theirs.as_datetime(),
            other_case: s.other_case,
            other_candidate: s.other_candidate,
        })
        .collect();
    let index: HashMap<i64, usize> = e.devices.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
    let mut host_events = Vec::new();
    for row in telemetry::host_events(db, e.id)? {
        if !in_service(&e, &row.time) {
            continue;
        }
        let observation = match row.observation.as_deref() {
            Some(json) => Some(serde_json::from_str::<HostObservation>(json)?),
            None => None,
        };
        host_events.push(HostEvent {
            event: row.event_id,
            at: row.time.as_datetime(),
            registered: row.device_id.and_then(|id| index.get(&id).copied()),
            device: crate::employees::DeviceFields { serial: row.serial, hostname: row.hostname },
            observation,
        });
    }
    Ok(Some(PostHireFacts {
        today: at.date(),
        vetting: e.vetting.clone(),
        claimed_country: claimed,
        time_zone: c.time_zone.clone(),
        sign_ins,
        activity,
        shared,
        registered: e.devices.iter().map(|d| d.device.clone()).collect(),
        host_events,
        device_telemetry: telemetry::device_telemetry(db)?,
        checklist_due: checklist_due(db, case, at.date())?,
    }))
}

/// The post-hire flags of a monitoring case now.
pub(crate) fn evaluate(db: &dyn Db, case: &Case, at: &Timestamp) -> Result<Vec<FlagFields>> {
    match gather(db, case, at)? {
        Some(facts) => Ok(posthire::evaluate(&facts, signatures()?)),
        None => Ok(Vec::new()),
    }
}

/// As [`evaluate`], each flag with the events behind it.
pub(crate) fn evaluate_traced(
    db: &dyn Db,
    case: &Case,
    at: &Timestamp,
) -> Result<Vec<posthire::Traced>> {
    match gather(db, case, at)? {
        Some(facts) => Ok(posthire::evaluate_traced(&facts, signatures()?)),
        None => Ok(Vec::new()),
    }
}

/// Monitoring cases that are not closed: an import can move any of them (a new sign-in of one
/// worker is shared egress for another).
pub(crate) fn monitoring_cases(db: &dyn Db) -> Result<BTreeSet<CaseId>> {
    Ok(db
        .query_vec(
            "SELECT id FROM cases WHERE kind = ?1 AND status != 'closed' ORDER BY id",
            params![CaseKind::Monitoring],
            |r| r.get::<i64>(0),
        )?
        .into_iter()
        .collect())
}
