//! Post-hire red flags: pure rules over one hired worker's sign-in and device telemetry, in
//! the same form as the pre-hire flags (rule id, severity, why, the public source it follows,
//! the facts that raised it). The store gathers the facts of a monitoring case
//! ([`PostHireFacts`]) and records the difference with the flags already open.
//!
//! Where IP geolocation or signatures are uncertain the rule says so in its facts, and weak
//! signature matches (identifiers shared with ordinary equipment) raise a medium flag, not a
//! high one: a reason to look, not a conclusion.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use vetdesk_telemetry::HostObservation;
use vetdesk_telemetry::geo::{self, Fix, GeoPoint};
use vetdesk_telemetry::signatures::{Category, SignatureMatch, Signatures, Strength};

use super::Source;
use super::flags::Rule;
use crate::employees::{DeviceFields, VettingAtHire};
use crate::model::{CandidateId, CaseId};
use crate::verification::{FlagFields, Severity};

const NYDFS: &str = "NYDFS Industry Letter and FBI guidance on remote technology workers tied to \
                     the DPRK, 1 November 2024";
const FBI_2025: &str = "FBI public service announcement I-012325-PSA, \"North Korean IT Workers \
                        Conducting Data Extortion\", 23 January 2025";
const DOJ_2025: &str = "US Department of Justice, coordinated nationwide actions against North \
                        Korean remote IT-worker schemes (searches of 29 laptop farms in 16 \
                        states), 30 June 2025";
const MANDIANT_2024: &str = "Mandiant (Google Cloud), \"Staying a Step Ahead: Mitigating the DPRK \
                             IT Worker Threat\" (UNC5267), September 2024";

macro_rules! post_hire_rules {
    ($($name:ident = $id:literal, $sev:ident, $title:literal, $why:literal, $doc:expr, $sec:literal;)+) => {
        $(pub const $name: &str = $id;)+
        /// Every post-hire rule, in the order they are shown.
        pub const POST_HIRE_CATALOGUE: &[Rule] = &[$(Rule {
            id: $id,
            severity: Severity::$sev,
            title: $title,
            why: $why,
            source: Source::new($doc, $sec),
        }),+];
    };
}

post_hire_rules! {
    HIRED_BEFORE_VETTING = "hire.before_vetting", High,
        "Hired before vetting was complete",
        "The worker was hired while their pre-hire case was not yet cleared: the checks that \
         catch a borrowed or synthetic identity may not have run.",
        NYDFS, "Enhanced Identity Verification Protocols; Post-Hire Monitoring";
    SIGN_IN_ABROAD = "posthire.sign_in_abroad", High,
        "Sign-in from outside the country the worker claims",
        "Workers of the scheme live abroad and reach company systems from there; a sign-in \
         geolocated outside the claimed country is the trace the address-hiding tools miss.",
        FBI_2025, "Indicators: logins from various IP addresses associated with different countries";
    MANY_COUNTRIES = "posthire.many_countries", High,
        "Sign-ins from three or more countries within seven days",
        "One account used from several countries in a short time is shared between people or \
         routed through changing exits; the FBI names this pattern for these workers.",
        FBI_2025, "Indicators: multiple logins into one account in a short period from different countries";
    IMPOSSIBLE_TRAVEL = "posthire.impossible_travel", High,
        "Impossible travel between two sign-ins",
        "Two sign-ins farther apart than a flight could cover in the time between them were not \
         made by one person in one place (each position is given 150 km of slack for coarse \
         geolocation).",
        FBI_2025, "Indicators: logins from various IP addresses in a short period";
    ANONYMISING_IP = "posthire.anonymising_ip", High,
        "Sign-in through a VPN, proxy, hosting or Tor address",
        "The workers hide where they are behind VPNs, proxies and rented servers; the address \
         is on an indicator list or the identity provider marked it as a proxy.",
        MANDIANT_2024, "Detection: sign-ins from VPN services and hosting providers (Astrill VPN)";
    SHARED_EGRESS = "posthire.shared_egress", High,
        "Two workers sign in from the same address within an hour",
        "Laptops of several \"employees\" kept at one laptop farm reach the company from one \
         internet connection; two workers on one address at the same time is that farm's trace.",
        DOJ_2025, "Laptop farms hosting company laptops of several workers";
    NIGHT_ACTIVITY = "posthire.night_activity", Medium,
        "Most activity falls at night in the worker's claimed time zone",
        "A worker who says they are in one time zone but works its nights keeps the hours of \
         another one.",
        NYDFS, "Post-Hire Monitoring: work patterns inconsistent with the claimed location";
    REMOTE_ACCESS_TOOL = "posthire.remote_access_tool", High,
        "Remote-access software on the worker's device",
        "Facilitators install remote-desktop tools on company laptops so that workers abroad can \
         drive them; the FBI advises restricting these tools.",
        FBI_2025, "Recommendations: limit the ability to install remote desktop applications";
    IP_KVM = "posthire.ip_kvm", High,
        "An IP-KVM is attached to the worker's device",
        "An IP-KVM gives a remote person the keyboard, screen and mouse of a laptop without any \
         software on it; laptop farms use them.",
        DOJ_2025, "Laptops accessed through keyboard-video-mouse (KVM) switches and remote-access devices";
    MOUSE_JIGGLER = "posthire.mouse_jiggler", Medium,
        "A mouse jiggler is attached to the worker's device",
        "A jiggler keeps a session looking active with no one at the keyboard, so that one \
         worker can hold several jobs at once.",
        MANDIANT_2024, "Detection: monitor for mouse-jiggling software and devices";
    UNREGISTERED_DEVICE = "posthire.unregistered_device", Medium,
        "A device that is not registered to the worker reports for them",
        "Company laptops are the devices the company can watch; work from another device \
         escapes that and may be the real worker's own machine.",
        NYDFS, "Post-Hire Monitoring: geolocation and inventory of company devices";
    CHECK_OVERDUE = "posthire.check_overdue", Medium,
        "A post-hire check was not done by its due date",
        "The identity checks after the hire (the person starting is the person interviewed; \
         identity and location re-verified at each interval) are what catch a worker swapped \
         after the offer; a check left undone past its date leaves that door open.",
        NYDFS, "Enhanced Identity Verification Protocols (during onboarding and throughout employment)";
    DEVICE_SILENT = "posthire.device_silent", Medium,
        "A registered company device never reports",
        "A company laptop that never appears in the telemetry while the worker signs in \
         elsewhere may sit in a laptop farm or never have reached the worker.",
        DOJ_2025, "Company laptops shipped to facilitators rather than to the workers";
}

/// A post-hire rule by id.
pub fn post_hire_rule(id: &str) -> Option<&'static Rule> {
    POST_HIRE_CATALOGUE.iter().find(|r| r.id == id)
}

/// Of the worker's sign-ins at least this many are needed before the night rule speaks.
pub const NIGHT_MIN_EVENTS: usize = 10;
/// Facts listed per flag before the rest are counted.
const MAX_FACTS: usize = 5;

/// One successful sign-in of the worker.
#[derive(Clone, Debug, PartialEq)]
pub struct SignIn {
    /// `okta 9f1c…`: the format and the vendor's event id, to find it in the file.
    pub event: String,
    pub at: DateTime<Utc>,
    pub ip: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub point: Option<GeoPoint>,
    /// The identity provider's own mark (`Okta: isProxy`).
    pub proxy_mark: Option<String>,
    /// The indicator-list entry the address falls in (`vpn 203.0.113.0/24 NordVPN, list x`).
    pub indicator: Option<String>,
}

/// Another worker's sign-in from one of this worker's addresses within the hour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedEgress {
    /// This worker's sign-in (`okta 9f1c…`).
    pub event: String,
    pub ip: String,
    pub ours: DateTime<Utc>,
    pub theirs: DateTime<Utc>,
    pub other_case: CaseId,
    pub other_candidate: CandidateId,
}

/// An event naming a device, or a host observation, of the worker.
#[derive(Clone, Debug, PartialEq)]
pub struct HostEvent {
    /// `osquery 4c1d…`: the format and the event's id, as for sign-ins.
    pub event: String,
    pub at: DateTime<Utc>,
    /// The registered device it matched, by index into `registered`.
    pub registered: Option<usize>,
    pub device: DeviceFields,
    pub observation: Option<HostObservation>,
}

/// The monitoring checklist item checked on the first day.
pub const DAY_ONE_ITEM: &str = "day-one-identity-match";
/// The monitoring checklist item repeated at every re-verification interval.
pub const REVERIFICATION_ITEM: &str = "periodic-reverification";

/// A dated post-hire checklist item of a monitoring case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemDue {
    pub item_id: String,
    pub due_on: NaiveDate,
    /// Past its date with no result recorded since the previous due date.
    pub missed: bool,
}

/// What the due dates are computed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueInput {
    pub start_on: NaiveDate,
    pub terminated_on: Option<NaiveDate>,
    pub interval_months: u32,
    /// When the day-one item got its result (any result: a failure is a check done).
    pub day_one_recorded: Option<NaiveDate>,
    /// When the re-verification item last got its result.
    pub reverified_on: Option<NaiveDate>,
    /// Which of the two items the case's checklist has (a case opened with a template in
    /// which they do not apply to monitoring cases cannot record them, and is not held to them).
    pub day_one_applies: bool,
    pub reverification_applies: bool,
}

/// The due dates of the dated post-hire items: the day-one identity match on the start date;
/// the re-verification one interval after the start date, and after that one interval after
/// its last result (at least every N months, as the guidance asks). Nothing is missed after the
/// worker left.
pub fn due_dates(input: &DueInput, today: NaiveDate) -> Vec<ItemDue> {
    let in_service = |day: NaiveDate| input.terminated_on.is_none_or(|t| day <= t);
    let mut out = Vec::new();
    if input.day_one_applies {
        let due_on = input.start_on;
        out.push(ItemDue {
            item_id: DAY_ONE_ITEM.into(),
            due_on,
            missed: input.day_one_recorded.is_none() && today > due_on && in_service(due_on),
        });
    }
    if input.reverification_applies && input.interval_months > 0 {
        let after = input.reverified_on.unwrap_or(input.start_on);
        let due_on = after.checked_add_months(chrono::Months::new(input.interval_months));
        if let Some(due_on) = due_on {
            out.push(ItemDue {
                item_id: REVERIFICATION_ITEM.into(),
                due_on,
                missed: today > due_on && in_service(due_on),
            });
        }
    }
    out
}

/// Everything the post-hire rules look at for one worker.
#[derive(Clone, Debug)]
pub struct PostHireFacts {
    pub today: chrono::NaiveDate,
    pub vetting: Option<VettingAtHire>,
    /// From the claimed location, or the claimed time zone's country.
    pub claimed_country: Option<String>,
    pub time_zone: Option<String>,
    /// Oldest first.
    pub sign_ins: Vec<SignIn>,
    /// Times of everything the worker did (sign-ins, failed or not, other identity events).
    pub activity: Vec<DateTime<Utc>>,
    pub shared: Vec<SharedEgress>,
    pub registered: Vec<DeviceFields>,
    pub host_events: Vec<HostEvent>,
    /// Whether any device telemetry (a device named, a host observation) has been imported
    /// for anyone: only then can a registered device be said never to report.
    pub device_telemetry: bool,
    /// The dated post-hire checklist items (see [`due_dates`]).
    pub checklist_due: Vec<ItemDue>,
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A flag with the events behind it (`format id` keys, as in [`SignIn::event`]): what the
/// Monitoring page shows under an alert and an investigation opened from it is given.
#[derive(Clone, Debug, PartialEq)]
pub struct Traced {
    pub flag: FlagFields,
    pub events: Vec<String>,
}

struct Out(Vec<Traced>);

impl Out {
    fn raise(
        &mut self,
        rule_id: &str,
        subject: impl Into<String>,
        severity: Option<Severity>,
        mut facts: Vec<String>,
        candidates: impl IntoIterator<Item = CandidateId>,
        events: Vec<String>,
    ) {
        let Some(r) = post_hire_rule(rule_id) else { return };
        if facts.len() > MAX_FACTS {
            let more = facts.len() - MAX_FACTS;
            facts.truncate(MAX_FACTS);
            facts.push(format!("… and {more} more"));
        }
        let candidates: BTreeSet<CandidateId> = candidates.into_iter().collect();
        let mut events = events;
        events.dedup();
        let flag = FlagFields {
            rule: r.id.to_string(),
            subject: subject.into(),
            severity: severity.unwrap_or(r.severity),
            title: r.title.to_string(),
            why: r.why.to_string(),
            source: r.source.clone(),
            facts,
            evidence: Vec::new(),
            candidates: candidates.into_iter().collect(),
        };
        self.0.push(Traced { flag, events });
    }
}

/// The post-hire flags the facts raise, sorted by rule and subject.
pub fn evaluate(f: &PostHireFacts, signatures: &Signatures) -> Vec<FlagFields> {
    evaluate_traced(f, signatures).into_iter().map(|t| t.flag).collect()
}

/// As [`evaluate`], each flag with the events that raised it.
pub fn evaluate_traced(f: &PostHireFacts, signatures: &Signatures) -> Vec<Traced> {
    let mut out = Out(Vec::new());
    vetting(f, &mut out);
    abroad(f, &mut out);
    many_countries(f, &mut out);
    impossible_travel(f, &mut out);
    anonymising(f, &mut out);
    shared(f, &mut out);
    night(f, &mut out);
    devices(f, signatures, &mut out);
    overdue_checks(f, &mut out);
    let mut flags = out.0;
    flags.sort_by(|a, b| (&a.flag.rule, &a.flag.subject).cmp(&(&b.flag.rule, &b.flag.subject)));
    flags.dedup_by(|a, b| a.flag.rule == b.flag.rule && a.flag.subject == b.flag.subject);
    flags
}

fn vetting(f: &PostHireFacts, out: &mut Out) {
    if let Some(v) = &f.vetting
        && !v.complete()
    {
        let state = match v.decision {
            Some(d) => format!("{} ({d})", v.status),
            None => v.status.to_string(),
        };
        out.raise(
            HIRED_BEFORE_VETTING,
            "",
            None,
            vec![format!("pre-hire case {} was {state} when the hire was recorded", v.case_id)],
            [],
            Vec::new(),
        );
    }
}

fn abroad(f: &PostHireFacts, out: &mut Out) {
    let Some(claimed) = &f.claimed_country else { return };
    let mut by_country: BTreeMap<&str, Vec<&SignIn>> = BTreeMap::new();
    for s in &f.sign_ins {
        if let Some(c) = s.country.as_deref().filter(|c| c != claimed) {
            by_country.entry(c).or_default().push(s);
        }
    }
    for (country, list) in by_country {
        let facts = list
            .iter()
            .map(|s| {
                format!(
                    "{} sign-in from {country} ({}), claimed country {claimed}",
                    day(s.at),
                    s.ip.as_deref().unwrap_or("no address")
                )
            })
            .collect();
        let events = list.iter().map(|s| s.event.clone()).collect();
        out.raise(SIGN_IN_ABROAD, country, None, facts, [], events);
    }
}

fn many_countries(f: &PostHireFacts, out: &mut Out) {
    let located: Vec<(&SignIn, &str)> =
        f.sign_ins.iter().filter_map(|s| s.country.as_deref().map(|c| (s, c))).collect();
    for (i, (first, _)) in located.iter().enumerate() {
        let end = first.at + Duration::days(7);
        let window: Vec<&(&SignIn, &str)> =
            located.iter().skip(i).take_while(|(s, _)| s.at <= end).collect();
        let countries: BTreeSet<&str> = window.iter().map(|(_, c)| *c).collect();
        if countries.len() >= 3 {
            let last = window.last().map_or(first.at, |(s, _)| s.at);
            let list: Vec<&str> = countries.into_iter().collect();
            out.raise(
                MANY_COUNTRIES,
                "",
                None,
                vec![format!(
                    "sign-ins from {} countries ({}) between {} and {}",
                    list.len(),
                    list.join(", "),
                    day(first.at),
                    day(last)
                )],
                [],
                window.iter().map(|(s, _)| s.event.clone()).collect(),
            );
            return;
        }
    }
}

fn impossible_travel(f: &PostHireFacts, out: &mut Out) {
    let fixes: Vec<(&SignIn, GeoPoint)> =
        f.sign_ins.iter().filter_map(|s| s.point.map(|p| (s, p))).collect();
    let mut facts = Vec::new();
    let mut events = Vec::new();
    for pair in fixes.windows(2) {
        let [(a, pa), (b, pb)] = pair else { continue };
        let t = geo::travel(Fix { at: a.at, point: *pa }, Fix { at: b.at, point: *pb });
        if t.impossible {
            facts.push(format!(
                "{} from {} then {} from {}: {:.0} km in {:.1} h",
                day(a.at),
                a.country.as_deref().unwrap_or("?"),
                day(b.at),
                b.country.as_deref().unwrap_or("?"),
                t.distance_km,
                t.hours
            ));
            events.push(a.event.clone());
            events.push(b.event.clone());
        }
    }
    if !facts.is_empty() {
        out.raise(IMPOSSIBLE_TRAVEL, "", None, facts, [], events);
    }
}

fn anonymising(f: &PostHireFacts, out: &mut Out) {
    let mut by_ip: BTreeMap<&str, Vec<&SignIn>> = BTreeMap::new();
    for s in &f.sign_ins {
        if (s.indicator.is_some() || s.proxy_mark.is_some())
            && let Some(ip) = s.ip.as_deref()
        {
            by_ip.entry(ip).or_default().push(s);
        }
    }
    for (ip, list) in by_ip {
        let Some(first) = list.first() else { continue };
        let mut facts = Vec::new();
        if let Some(i) = &first.indicator {
            facts.push(format!("{ip} is on an indicator list: {i}"));
        }
        if let Some(m) = &first.proxy_mark {
            facts.push(format!("the identity provider marked {ip} as {m}"));
        }
        facts.push(format!("{} sign-in(s) from it, first {}", list.len(), day(first.at)));
        let events = list.iter().map(|s| s.event.clone()).collect();
        out.raise(ANONYMISING_IP, ip, None, facts, [], events);
    }
}

fn shared(f: &PostHireFacts, out: &mut Out) {
    let mut by_case: BTreeMap<CaseId, Vec<&SharedEgress>> = BTreeMap::new();
    for s in &f.shared {
        by_case.entry(s.other_case).or_default().push(s);
    }
    for (case, list) in by_case {
        let Some(first) = list.first() else { continue };
        let facts = list
            .iter()
            .map(|s| {
                format!(
                    "{} from {}: the worker of monitoring case {case} signed in from it at {}",
                    day(s.ours),
                    s.ip,
                    day(s.theirs)
                )
            })
            .collect();
        let events = list.iter().map(|s| s.event.clone()).collect();
        out.raise(
            SHARED_EGRESS,
            format!("case {case}"),
            None,
            facts,
            [first.other_candidate],
            events,
        );
    }
}

fn night(f: &PostHireFacts, out: &mut Out) {
    let Some(zone) = &f.time_zone else { return };
    if f.activity.len() < NIGHT_MIN_EVENTS {
        return;
    }
    let mut night = 0usize;
    for at in &f.activity {
        match geo::local_hour(*at, zone) {
            Ok(hour) if geo::is_night_hour(hour) => night += 1,
            Ok(_) => {}
            // A zone that does not parse was refused when the candidate was recorded; a stored
            // one that no longer parses raises nothing rather than a guess.
            Err(_) => return,
        }
    }
    if night * 2 > f.activity.len() {
        out.raise(
            NIGHT_ACTIVITY,
            "",
            None,
            vec![format!(
                "{night} of {} events fall between 22:00 and 06:00 in {zone}",
                f.activity.len()
            )],
            [],
            Vec::new(),
        );
    }
}

fn devices(f: &PostHireFacts, signatures: &Signatures, out: &mut Out) {
    let mut hits: BTreeMap<String, (SignatureMatch, Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut foreign: BTreeMap<String, Vec<&HostEvent>> = BTreeMap::new();
    let mut reported = vec![false; f.registered.len()];
    for e in &f.host_events {
        let mut matches =
            e.observation.as_ref().map(|o| signatures.match_observation(o)).unwrap_or_default();
        if let Some(host) = &e.device.hostname {
            matches.extend(signatures.match_hostname(host));
        }
        for m in matches {
            let facts = m
                .facts
                .iter()
                .map(|x| {
                    format!("{} {} = {:?} (pattern {:?})", day(e.at), x.field, x.value, x.pattern)
                })
                .collect::<Vec<_>>();
            let entry = hits.entry(m.id.clone()).or_insert_with(|| (m, Vec::new(), Vec::new()));
            entry.1.extend(facts);
            entry.2.push(e.event.clone());
        }
        match e.registered {
            Some(i) => {
                if let Some(r) = reported.get_mut(i) {
                    *r = true;
                }
            }
            None if e.device.serial.is_some() || e.device.hostname.is_some() => {
                foreign.entry(e.device.label()).or_default().push(e);
            }
            None => {}
        }
    }
    for (id, (m, mut facts, events)) in hits {
        let rule = match m.category {
            Category::RemoteAccess => REMOTE_ACCESS_TOOL,
            Category::IpKvm => IP_KVM,
            Category::MouseJiggler => MOUSE_JIGGLER,
        };
        let severity = (m.strength == Strength::Weak).then_some(Severity::Medium);
        facts.dedup();
        let mut all =
            vec![format!("{} ({} match; source: {})", m.name, strength(m.strength), m.source)];
        all.extend(facts);
        out.raise(rule, id, severity, all, [], events);
    }
    for (label, list) in foreign {
        let first = list.first().map(|e| day(e.at)).unwrap_or_default();
        out.raise(
            UNREGISTERED_DEVICE,
            label.clone(),
            None,
            vec![format!("{label} reported {} event(s) for the worker, first {first}", list.len())],
            [],
            list.iter().map(|e| e.event.clone()).collect(),
        );
    }
    if f.device_telemetry {
        for (device, seen) in f.registered.iter().zip(reported) {
            if !seen {
                out.raise(
                    DEVICE_SILENT,
                    device.label(),
                    None,
                    vec![format!(
                        "registered {} has reported no event, while device telemetry is imported",
                        device.label()
                    )],
                    [],
                    Vec::new(),
                );
            }
        }
    }
}

fn overdue_checks(f: &PostHireFacts, out: &mut Out) {
    for due in f.checklist_due.iter().filter(|d| d.missed) {
        let (what, severity) = if due.item_id == DAY_ONE_ITEM {
            // The person who started may not be the person who was vetted.
            ("the day-one identity match", Some(Severity::High))
        } else {
            ("the periodic re-verification", None)
        };
        out.raise(
            CHECK_OVERDUE,
            due.item_id.clone(),
            severity,
            vec![format!(
                "checklist item {} ({what}) was due on {} and has no result on {}",
                due.item_id, due.due_on, f.today
            )],
            [],
            Vec::new(),
        );
    }
}

fn strength(s: Strength) -> &'static str {
    match s {
        Strength::Strong => "strong",
        Strength::Weak => "weak",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CaseStatus, Decision};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap_or_default()
    }

    fn sign_in(time: &str, country: &str, lat: f64, lon: f64) -> SignIn {
        SignIn {
            event: format!("okta {time}"),
            at: at(time),
            ip: Some("192.0.2.1".into()),
            country: Some(country.into()),
            point: GeoPoint::new(lat, lon),
            proxy_mark: None,
            indicator: None,
        }
    }

    fn facts(sign_ins: Vec<SignIn>) -> PostHireFacts {
        PostHireFacts {
            today: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default(),
            vetting: None,
            claimed_country: Some("US".into()),
            time_zone: Some("America/Chicago".into()),
            activity: sign_ins.iter().map(|s| s.at).collect(),
            sign_ins,
            shared: Vec::new(),
            registered: Vec::new(),
            host_events: Vec::new(),
            device_telemetry: false,
            checklist_due: Vec::new(),
        }
    }

    fn rules_of(f: &PostHireFacts) -> Vec<String> {
        let sigs = Signatures::built_in().unwrap_or_else(|e| panic!("{e}"));
        evaluate(f, &sigs)
            .into_iter()
            .map(|x| format!("{} {}", x.rule, x.subject).trim().to_string())
            .collect()
    }

    const AUSTIN: (f64, f64) = (30.27, -97.74);
    const CHICAGO: (f64, f64) = (41.88, -87.63);
    const LONDON: (f64, f64) = (51.51, -0.13);
    const SEOUL: (f64, f64) = (37.57, 126.98);

    /// One row per situation: the sign-ins and the flags they raise, exactly.
    #[test]
    fn sign_in_rules_table() {
        let rows: Vec<(&str, Vec<SignIn>, Vec<&str>)> = vec![
            (
                "domestic travel in a day is not impossible",
                vec![
                    sign_in("2026-11-02T15:00:00Z", "US", AUSTIN.0, AUSTIN.1),
                    sign_in("2026-11-02T20:00:00Z", "US", CHICAGO.0, CHICAGO.1),
                ],
                vec![],
            ),
            (
                "New York to London in an hour",
                vec![
                    sign_in("2026-11-02T14:00:00Z", "US", 40.71, -74.0),
                    sign_in("2026-11-02T15:00:00Z", "GB", LONDON.0, LONDON.1),
                ],
                vec!["posthire.impossible_travel", "posthire.sign_in_abroad GB"],
            ),
            (
                "a trip abroad at flying speed is abroad, not impossible",
                vec![
                    sign_in("2026-11-02T14:00:00Z", "US", CHICAGO.0, CHICAGO.1),
                    sign_in("2026-11-03T16:00:00Z", "GB", LONDON.0, LONDON.1),
                ],
                vec!["posthire.sign_in_abroad GB"],
            ),
            (
                "three countries in seven days",
                vec![
                    sign_in("2026-11-02T15:00:00Z", "US", AUSTIN.0, AUSTIN.1),
                    sign_in("2026-11-04T15:00:00Z", "GB", LONDON.0, LONDON.1),
                    sign_in("2026-11-08T15:00:00Z", "KR", SEOUL.0, SEOUL.1),
                ],
                vec![
                    "posthire.many_countries",
                    "posthire.sign_in_abroad GB",
                    "posthire.sign_in_abroad KR",
                ],
            ),
            (
                "three countries over more than seven days",
                vec![
                    sign_in("2026-11-01T15:00:00Z", "US", AUSTIN.0, AUSTIN.1),
                    sign_in("2026-11-04T15:00:00Z", "GB", LONDON.0, LONDON.1),
                    sign_in("2026-11-09T15:00:00Z", "KR", SEOUL.0, SEOUL.1),
                ],
                vec!["posthire.sign_in_abroad GB", "posthire.sign_in_abroad KR"],
            ),
        ];
        for (what, sign_ins, want) in rows {
            assert_eq!(rules_of(&facts(sign_ins)), want, "{what}");
        }
    }

    #[test]
    fn night_needs_a_majority_of_at_least_ten_events() {
        let night = |n: usize| -> Vec<SignIn> {
            (0..n)
                .map(|d| {
                    sign_in(&format!("2026-11-{:02}T09:00:00Z", d + 1), "US", AUSTIN.0, AUSTIN.1)
                })
                .collect()
        };
        assert!(rules_of(&facts(night(9))).is_empty());
        assert_eq!(rules_of(&facts(night(10))), ["posthire.night_activity"]);
        let mut half = night(10);
        half.extend((0..10).map(|d| {
            sign_in(&format!("2026-11-{:02}T16:00:00Z", d + 1), "US", AUSTIN.0, AUSTIN.1)
        }));
        assert!(rules_of(&facts(half)).is_empty(), "exactly half is not most");
    }

    #[test]
    fn vetting_is_complete_only_when_cleared() {
        for (status, decision, flagged) in [
            (CaseStatus::Open, None, true),
            (CaseStatus::Escalated, None, true),
            (CaseStatus::Decided, Some(Decision::Rejected), true),
            (CaseStatus::Decided, Some(Decision::Cleared), false),
            (CaseStatus::Closed, Some(Decision::Cleared), false),
        ] {
            let mut f = facts(Vec::new());
            f.vetting = Some(VettingAtHire { case_id: 1, status, decision });
            let want: Vec<&str> = if flagged { vec!["hire.before_vetting"] } else { vec![] };
            assert_eq!(rules_of(&f), want, "{status} {decision:?}");
        }
    }

    #[test]
    fn every_post_hire_rule_is_distinct_and_sourced() {
        let mut ids = BTreeSet::new();
        for r in POST_HIRE_CATALOGUE {
            assert!(ids.insert(r.id), "duplicate {}", r.id);
            assert!(super::super::flags::CATALOGUE.iter().all(|p| p.id != r.id));
            assert!(!r.title.is_empty() && !r.why.is_empty() && !r.source.section.is_empty());
        }
    }

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap_or_default()
    }

    /// One row per situation: (start, terminated, interval, day-one recorded, last
    /// re-verification, today) → (day-one due, missed), (re-verification due, missed).
    #[test]
    fn due_dates_table() {
        type Row = (
            &'static str,
            Option<&'static str>,
            u32,
            Option<&'static str>,
            Option<&'static str>,
            &'static str,
            (&'static str, bool),
            (&'static str, bool),
        );
        let rows: &[Row] = &[
            // The first day itself is not late; the day after is.
            (
                "2026-11-02",
                None,
                6,
                None,
                None,
                "2026-11-02",
                ("2026-11-02", false),
                ("2027-05-02", false),
            ),
            (
                "2026-11-02",
                None,
                6,
                None,
                None,
                "2026-11-03",
                ("2026-11-02", true),
                ("2027-05-02", false),
            ),
            (
                "2026-11-02",
                None,
                6,
                Some("2026-11-02"),
                None,
                "2027-05-02",
                ("2026-11-02", false),
                ("2027-05-02", false),
            ),
            (
                "2026-11-02",
                None,
                6,
                Some("2026-11-02"),
                None,
                "2027-05-03",
                ("2026-11-02", false),
                ("2027-05-02", true),
            ),
            // After a re-verification the next is due one interval after it, early or late.
            (
                "2026-11-02",
                None,
                6,
                Some("2026-11-02"),
                Some("2027-04-20"),
                "2027-06-01",
                ("2026-11-02", false),
                ("2027-10-20", false),
            ),
            (
                "2026-11-02",
                None,
                6,
                Some("2026-11-02"),
                Some("2027-05-20"),
                "2027-06-01",
                ("2026-11-02", false),
                ("2027-11-20", false),
            ),
            (
                "2026-11-02",
                None,
                3,
                Some("2026-11-02"),
                Some("2027-05-20"),
                "2027-08-20",
                ("2026-11-02", false),
                ("2027-08-20", false),
            ),
            (
                "2026-11-02",
                None,
                3,
                Some("2026-11-02"),
                Some("2027-05-20"),
                "2027-08-21",
                ("2026-11-02", false),
                ("2027-08-20", true),
            ),
            // Month ends clamp: 31 August plus six months is the last day of February.
            (
                "2026-08-31",
                None,
                6,
                Some("2026-08-31"),
                None,
                "2027-03-01",
                ("2026-08-31", false),
                ("2027-02-28", true),
            ),
            // Nothing is missed after the worker left.
            (
                "2026-11-02",
                Some("2026-11-01"),
                6,
                None,
                None,
                "2026-12-01",
                ("2026-11-02", false),
                ("2027-05-02", false),
            ),
            (
                "2026-11-02",
                Some("2027-03-01"),
                6,
                Some("2026-11-02"),
                None,
                "2027-06-01",
                ("2026-11-02", false),
                ("2027-05-02", false),
            ),
        ];
        for (start, end, months, day_one, reverified, today, want_one, want_re) in rows {
            let input = DueInput {
                start_on: d(start),
                terminated_on: end.map(d),
                interval_months: *months,
                day_one_recorded: day_one.map(d),
                reverified_on: reverified.map(d),
                day_one_applies: true,
                reverification_applies: true,
            };
            let got: Vec<(String, NaiveDate, bool)> = due_dates(&input, d(today))
                .into_iter()
                .map(|x| (x.item_id, x.due_on, x.missed))
                .collect();
            assert_eq!(
                got,
                vec![
                    (DAY_ONE_ITEM.to_string(), d(want_one.0), want_one.1),
                    (REVERIFICATION_ITEM.to_string(), d(want_re.0), want_re.1),
                ],
                "{start} {end:?} {months} {day_one:?} {reverified:?} {today}"
            );
        }
        // Items the case's checklist does not have get no due date.
        let none = DueInput {
            start_on: d("2026-11-02"),
            terminated_on: None,
            interval_months: 6,
            day_one_recorded: None,
            reverified_on: None,
            day_one_applies: false,
            reverification_applies: false,
        };
        assert!(due_dates(&none, d("2030-01-01")).is_empty());
    }

    #[test]
    fn a_missed_check_raises_its_flag_with_the_item_as_subject() {
        let mut f = facts(Vec::new());
        f.checklist_due = vec![
            ItemDue { item_id: DAY_ONE_ITEM.into(), due_on: d("2026-11-02"), missed: true },
            ItemDue { item_id: REVERIFICATION_ITEM.into(), due_on: d("2027-05-02"), missed: false },
        ];
        let sigs = Signatures::built_in().unwrap_or_else(|e| panic!("{e}"));
        let flags = evaluate(&f, &sigs);
        assert_eq!(flags.len(), 1);
        assert_eq!(
            (flags[0].rule.as_str(), flags[0].subject.as_str()),
            (CHECK_OVERDUE, DAY_ONE_ITEM)
        );
        assert_eq!(flags[0].severity, Severity::High);
        assert_eq!(
            flags[0].facts,
            ["checklist item day-one-identity-match (the day-one identity match) was due on \
              2026-11-02 and has no result on 2026-12-01"]
        );
        f.checklist_due[0].missed = false;
        f.checklist_due[1].missed = true;
        let flags = evaluate(&f, &sigs);
        assert_eq!(flags[0].subject, REVERIFICATION_ITEM);
        assert_eq!(flags[0].severity, Severity::Medium);
    }
}
