//! The loading order: users, lists and vendors first, then every person's application, checks
//! and onboarding as the reviewer would record them, and the decisions last, once every link
//! between candidates exists (a case signed off keeps the flags it had when it was closed).

use vetdesk_core::change::{Change, Ground};
use vetdesk_core::model::{
    CandidateFields, CandidateId, CaseId, CaseStatus, Decision, EvidenceId, Role, Timestamp,
    VendorId,
};
use vetdesk_core::store::NewCase;
use vetdesk_core::verification::{DocumentFields, DocumentKind, IdMatch, InterviewFields};

use crate::after_hire;
use crate::cohort::{
    self, Calendar, DocPlan, EvidenceOf, Onboarding, Outcome, Person, ResultPlan, Source,
};
use crate::door::{self, Door};
use crate::images::{self, CardFace, CardKind, Tile};
use crate::mrz;
use crate::{ADMIN, INVESTIGATOR, REVIEWER, SampleError, SampleOptions, SampleSummary, USERS};

/// Evidence of one case, by what it shows.
#[derive(Default)]
struct CaseEvidence {
    documents: Vec<EvidenceId>,
    calls: Vec<EvidenceId>,
    everify: Vec<EvidenceId>,
}

impl CaseEvidence {
    fn of(&self, what: EvidenceOf) -> Vec<EvidenceId> {
        match what {
            EvidenceOf::None => Vec::new(),
            EvidenceOf::Documents => self.documents.clone(),
            EvidenceOf::Calls => self.calls.clone(),
            EvidenceOf::EVerify => self.everify.clone(),
        }
    }
}

pub(crate) fn load(
    store: &vetdesk_core::Store,
    at: Timestamp,
    options: &SampleOptions,
) -> Result<SampleSummary, SampleError> {
    let mut door = Door::new(store);
    let now = door.now();
    if at > now {
        return Err(SampleError::TimeAhead { at, now });
    }
    door.ensure_empty()?;
    let cal = Calendar { today: at.date() };

    let users = add_users(&mut door, options)?;
    add_lists(&mut door)?;
    let vendors = add_vendors(&mut door, &cal)?;

    let scripted = cohort::scripted(&cal);
    let ordinary = cohort::ordinary(&cal, options.seed, options.ordinary_candidates);
    let people: Vec<&Person> = scripted.iter().chain(&ordinary).collect();
    let mut cases = Vec::with_capacity(people.len());
    for person in &people {
        cases.push(add_person(&mut door, &cal, person, &vendors, options.images)?);
    }
    // Decisions come last: by then every candidate who shares something is in the store, so
    // the flags a decision is taken (and a sign-off frozen) on show the whole ring.
    for (person, case_id) in people.iter().zip(&cases) {
        decide(&mut door, *case_id, &person.outcome)?;
    }
    // After the hire: hired workers, their telemetry, and an investigation from an alert.
    let after = after_hire::load(&mut door, &cal, &people, &cases)?;
    cases.extend(after.monitoring);
    cases.extend(after.investigation);

    let showcase_case = cases.get(1).copied().unwrap_or_default();
    let signed_off_case = cases.first().copied().unwrap_or_default();
    Ok(SampleSummary {
        users,
        vendors: vendors.len() as u32,
        candidates: people.len() as u32,
        cases,
        showcase_case,
        signed_off_case,
        evidence_files: door.evidence_files as u32,
        audit_records: door.changes as u32,
    })
}

/// The four sample users. In a directory without users the sample admin adds itself first;
/// otherwise an existing admin (named in the options) adds them, and users already there
/// with the right role are kept.
fn add_users(door: &mut Door<'_>, options: &SampleOptions) -> Result<Vec<String>, SampleError> {
    let existing = door.users()?;
    let acting = if existing.is_empty() {
        door.apply(
            ADMIN,
            Change::AddUser {
                id: None,
                name: ADMIN.into(),
                display_name: USERS[0].1.into(),
                role: Role::Admin,
            },
            "adding the sample admin",
        )?;
        ADMIN.to_string()
    } else {
        let name = options.admin.clone().ok_or(SampleError::AdminNeeded)?;
        let is_admin = existing.iter().any(|u| u.name == name && u.active && u.role == Role::Admin);
        if !is_admin {
            return Err(SampleError::NotAdmin { name });
        }
        name
    };
    let existing = door.users()?;
    for (name, display, role) in USERS {
        match existing.iter().find(|u| u.name == name) {
            Some(u) if u.role == role && u.active => continue,
            Some(u) => {
                return Err(SampleError::UserClash {
                    name: name.to_string(),
                    found: u.role,
                    wanted: role,
                });
            }
            None => {
                door.apply(
                    &acting,
                    Change::AddUser {
                        id: None,
                        name: name.into(),
                        display_name: display.into(),
                        role,
                    },
                    "adding the sample users",
                )?;
            }
        }
    }
    Ok(USERS.iter().map(|(name, _, _)| name.to_string()).collect())
}

/// The indicator list, the named VPN provider and the VoIP list, as an investigator keeps them.
fn add_lists(door: &mut Door<'_>) -> Result<(), SampleError> {
    door.import_ip_list(INVESTIGATOR, cohort::LIST_NAME, cohort::LIST_FILE, cohort::INDICATOR_CSV)?;
    let mut changes = vec![Change::AddVpnProvider {
        id: None,
        name: cohort::VPN_PROVIDER.into(),
        note: Some("SAMPLE: fictitious provider named in the sample indicator list".into()),
    }];
    for (pattern, label) in cohort::VOIP_ENTRIES {
        changes.push(Change::AddVoipEntry {
            id: None,
            pattern: (*pattern).into(),
            label: (*label).into(),
        });
    }
    door.apply_all(INVESTIGATOR, changes, "adding the sample VPN provider and VoIP list")?;
    Ok(())
}

fn add_vendors(door: &mut Door<'_>, cal: &Calendar) -> Result<Vec<VendorId>, SampleError> {
    let mut ids = Vec::new();
    for plan in cohort::vendors(cal) {
        let step = format!("adding vendor {}", plan.fields.name);
        let applied =
            door.apply(cohort::SIGNER, Change::AddVendor { id: None, vendor: plan.fields }, &step)?;
        let id = door::created_id(&applied)
            .ok_or_else(|| SampleError::Unexpected(format!("{step}: no vendor id")))?;
        if let Some((audited_on, outcome, note)) = plan.audit {
            door.apply(
                cohort::SIGNER,
                Change::RecordVendorAudit {
                    id: None,
                    vendor_id: id,
                    audited_on,
                    outcome,
                    note: Some(note.into()),
                    next_due: None,
                },
                &step,
            )?;
        }
        ids.push(id);
    }
    Ok(ids)
}

fn card_kind(kind: DocumentKind) -> CardKind {
    match kind {
        DocumentKind::Passport => CardKind::Passport,
        DocumentKind::DriverLicence => CardKind::DriverLicence,
        _ => CardKind::IdCard,
    }
}

fn result_change(case_id: CaseId, plan: &ResultPlan, evidence: &CaseEvidence) -> Change {
    Change::RecordResult {
        case_id,
        item_id: plan.item.into(),
        result: plan.result,
        note: plan.note.clone(),
        evidence: evidence.of(plan.evidence),
    }
}

/// The zone of a document, as its plan writes it.
fn zone(d: &DocPlan) -> Option<String> {
    d.mrz.as_ref().map(|(data, flaw)| match d.kind {
        DocumentKind::Passport => mrz::td3(data, *flaw),
        _ => mrz::td1(data, *flaw),
    })
}

fn vendor_of(person: &Person, vendors: &[VendorId]) -> Option<VendorId> {
    match person.source {
        Source::Vendor(i) => vendors.get(i).copied(),
        Source::Direct => None,
    }
}

/// One person: the application and case, evidence, verification records, checklist results,
/// notes, and onboarding when they got that far.
fn add_person(
    door: &mut Door<'_>,
    cal: &Calendar,
    person: &Person,
    vendors: &[VendorId],
    with_images: bool,
) -> Result<CaseId, SampleError> {
    let step = |what: &str| format!("{what} of {}", person.fields.legal_name);
    let fields = CandidateFields { vendor_id: vendor_of(person, vendors), ..person.fields.clone() };
    let due_on = fields.applied_on.and_then(|d| d.checked_add_days(chrono::Days::new(35)));
    let (candidate_id, case_id) = door.add_candidate(
        REVIEWER,
        fields,
        NewCase {
            kind: cohort::CASE_KIND,
            assignee: person.assignee.map(str::to_string),
            priority: person.priority,
            due_on,
        },
        &step("adding the application"),
    )?;
    // Evidence first: the records below cite it.
    let mut evidence = if with_images {
        attach_images(door, cal, case_id, person)?
    } else {
        CaseEvidence::default()
    };
    record_checks(door, cal, case_id, person, &evidence)?;
    for (author, text) in &person.notes {
        door.apply(
            author,
            Change::AddNote { id: None, case_id, text: text.clone() },
            &step("adding a note"),
        )?;
    }
    match &person.onboarding {
        Some(onboarding) => {
            let ids = (candidate_id, case_id);
            onboard(door, ids, person, onboarding, vendors, &mut evidence, with_images)?;
        }
        None => {
            for input in &person.payments {
                door.record_payment(REVIEWER, case_id, input, &step("recording bank details"))?;
            }
        }
    }
    Ok(case_id)
}

/// Scans of the documents and screenshots of the calls, generated, stored and attached.
fn attach_images(
    door: &mut Door<'_>,
    cal: &Calendar,
    case_id: CaseId,
    person: &Person,
) -> Result<CaseEvidence, SampleError> {
    let name = &person.fields.legal_name;
    let mut attach = Vec::new();
    let mut shows = Vec::new();
    for (k, d) in person.documents.iter().enumerate() {
        let zone = zone(d);
        let (given, surname) = d.holder_name.rsplit_once(' ').unwrap_or(("", &d.holder_name));
        let kind = d.kind.as_str().replace('_', " ");
        let file = format!("{}-{}-{}.png", file_stem(name), kind.replace(' ', "-"), k + 1);
        let face = CardFace {
            kind: card_kind(d.kind),
            issuer: if d.issuing_country == "UTO" { "UTOPIA" } else { "SAMPLE STATE" },
            surname,
            given_names: given,
            birth: d.birth,
            expiry: d.expiry,
            number: &d.number,
            mrz: zone.as_deref(),
        };
        let stored = door.ingest(&file, &images::id_card(&face, &file)?)?;
        attach.push(Change::AttachEvidence {
            id: None,
            case_id,
            file: stored,
            original_name: file,
            description: Some(format!("Front of the {kind} (generated sample image)")),
            item_id: Some("id-two-documents".into()),
        });
        shows.push(EvidenceOf::Documents);
    }
    for (k, call) in person.calls.iter().enumerate() {
        let started = cal.at(call.days_ago, call.hour, call.minute);
        let tile = if call.refused_video || call.audio_only {
            Tile::AudioOnly
        } else if !call.camera_on_throughout {
            Tile::CameraOff
        } else {
            Tile::Video { id_held: call.id_match != IdMatch::NotShown }
        };
        let file = format!("{}-interview-{}.png", file_stem(name), k + 1);
        let when = started.as_datetime().format("%Y-%m-%d %H:%M UTC").to_string();
        let interviewer = USERS[1].1.to_uppercase();
        let bytes =
            images::call_screenshot(&when, &interviewer, &name.to_uppercase(), tile, &file)?;
        let stored = door.ingest(&file, &bytes)?;
        attach.push(Change::AttachEvidence {
            id: None,
            case_id,
            file: stored,
            original_name: file,
            description: Some("Screenshot of the video interview (generated sample image)".into()),
            item_id: Some("live-video-interview".into()),
        });
        shows.push(EvidenceOf::Calls);
    }
    let applied = door.apply_all(REVIEWER, attach, &format!("attaching evidence of {name}"))?;
    let mut evidence = CaseEvidence::default();
    for (id, what) in door::evidence_ids(&applied).into_iter().zip(shows) {
        match what {
            EvidenceOf::Documents => evidence.documents.push(id),
            _ => evidence.calls.push(id),
        }
    }
    Ok(evidence)
}

/// Documents, interviews, hours, references, observed addresses and checklist results, as the
/// reviewer records them: one transaction.
fn record_checks(
    door: &mut Door<'_>,
    cal: &Calendar,
    case_id: CaseId,
    person: &Person,
    evidence: &CaseEvidence,
) -> Result<(), SampleError> {
    let mut records = Vec::new();
    for (k, d) in person.documents.iter().enumerate() {
        records.push(Change::RecordDocument {
            id: None,
            case_id,
            document: DocumentFields {
                kind: d.kind,
                issuing_country: d.issuing_country.into(),
                number: d.number.clone(),
                holder_name: d.holder_name.clone(),
                birth_date: Some(d.birth),
                expiry_date: Some(d.expiry),
                mrz: zone(d),
                front_evidence: evidence.documents.get(k).copied(),
                back_evidence: None,
                note: d.note.clone(),
            },
        });
    }
    for (k, call) in person.calls.iter().enumerate() {
        records.push(Change::RecordInterview {
            id: None,
            case_id,
            interview: InterviewFields {
                held_on: cal.ago(call.days_ago),
                started_at: Some(cal.at(call.days_ago, call.hour, call.minute)),
                interviewer: USERS[1].1.into(),
                camera_on_throughout: call.camera_on_throughout,
                refused_video: call.refused_video,
                audio_only: call.audio_only,
                id_match: call.id_match,
                liveness_done: call.liveness_done,
                location_consistent: call.location_consistent,
                screenshots: evidence.calls.get(k).copied().into_iter().collect(),
                note: call.note.clone(),
            },
        });
    }
    if let Some(hours) = &person.hours {
        records.push(Change::SetReachableHours { case_id, hours: Some(hours.clone()) });
    }
    for reference in &person.references {
        records.push(Change::AddReference { id: None, case_id, reference: reference.clone() });
    }
    for observed in &person.observed {
        records.push(Change::RecordObservedIp { id: None, case_id, observed: observed.clone() });
    }
    records.extend(person.results.iter().map(|plan| result_change(case_id, plan, evidence)));
    let step = format!("recording the checks of {}", person.fields.legal_name);
    door.apply_all(REVIEWER, records, &step)?;
    Ok(())
}

/// After the offer: Form I-9, bank details, E-Verify, an address changed late, and the
/// onboarding results.
fn onboard(
    door: &mut Door<'_>,
    (candidate_id, case_id): (CandidateId, CaseId),
    person: &Person,
    onboarding: &Onboarding,
    vendors: &[VendorId],
    evidence: &mut CaseEvidence,
    with_images: bool,
) -> Result<(), SampleError> {
    let name = &person.fields.legal_name;
    let step = |what: &str| format!("{what} of {name}");
    let offer: Vec<Change> =
        cohort::offer_and_i9().iter().map(|p| result_change(case_id, p, evidence)).collect();
    let applied = door.apply_all(REVIEWER, offer, &step("recording the offer and Form I-9"))?;
    let offer_at = applied.first().map(|a| a.record.at).unwrap_or_else(|| door.now());
    for input in &person.payments {
        door.record_payment(REVIEWER, case_id, input, &step("recording bank details"))?;
    }
    if let Some(everify) = &onboarding.everify {
        let mut fields = everify.clone();
        if with_images {
            let file = format!("{}-e-verify.png", file_stem(name));
            let bytes = images::case_summary(
                "E-VERIFY CASE DETAILS (SAMPLE, NOT A GOVERNMENT SCREEN)",
                &everify_lines(name, everify),
                &file,
            )?;
            let stored = door.ingest(&file, &bytes)?;
            let applied = door.apply(
                REVIEWER,
                Change::AttachEvidence {
                    id: None,
                    case_id,
                    file: stored,
                    original_name: file,
                    description: Some("E-Verify case details (generated sample image)".into()),
                    item_id: Some("e-verify".into()),
                },
                &step("attaching the E-Verify details"),
            )?;
            evidence.everify.extend(door::created_id(&applied));
            fields.evidence = evidence.everify.clone();
        }
        door.apply(
            REVIEWER,
            Change::RecordEVerify { id: None, case_id, everify: fields },
            &step("recording the E-Verify case"),
        )?;
    }
    if let Some(address) = onboarding.new_shipping_address {
        // The change must be seen to come after the offer for the rule on late changes.
        door.tick_past(offer_at);
        let fields = CandidateFields {
            vendor_id: vendor_of(person, vendors),
            shipping_address: Some(address.into()),
            ..person.fields.clone()
        };
        door.apply(
            REVIEWER,
            Change::UpdateCandidate { id: candidate_id, candidate: fields },
            &step("changing the shipping address"),
        )?;
    }
    let after: Vec<Change> = onboarding
        .results_after
        .iter()
        .map(|plan| result_change(case_id, plan, evidence))
        .collect();
    door.apply_all(REVIEWER, after, &step("recording the onboarding checks"))?;
    Ok(())
}

fn everify_lines(name: &str, e: &vetdesk_core::verification::EVerifyFields) -> Vec<String> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or("-".into());
    vec![
        format!("EMPLOYEE: {}", name.to_uppercase()),
        format!("CASE NUMBER: {}", e.case_number),
        format!("CREATED: {}", e.created_on),
        format!("STATUS: {}", e.status.as_str().replace('_', " ").to_uppercase()),
        format!(
            "AGENCY: {}",
            e.agency.map(|a| a.as_str().to_uppercase()).unwrap_or_else(|| "-".into())
        ),
        format!("MISMATCH ISSUED: {}", date(e.mismatch_on)),
        format!("FURTHER ACTION NOTICE GIVEN: {}", date(e.notice_given_on)),
        format!("EMPLOYEE DECISION RECORDED: {}", date(e.decision_recorded_on)),
        String::new(),
        "FICTITIOUS CASE FOR THE VETDESK SAMPLE DATA".into(),
    ]
}

/// A file name part from a person's name: lower case letters and digits, dashes between.
fn file_stem(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.join("-")
}

/// Moves a case to where its story ends.
/// Before a decision, every item still pending gets a result, so that a decided sample case
/// has a complete checklist (as a decision should rest on): on a clearance each passes where the
/// store accepts a pass now and is otherwise not applicable yet (onboarding comes after it); on
/// a rejection or referral the vetting stopped, and what was not reached is not applicable.
fn complete_checklist(
    door: &mut Door<'_>,
    case_id: CaseId,
    decision: Decision,
) -> Result<(), SampleError> {
    use vetdesk_core::model::ItemResult::{NotApplicable, Pass, Pending};
    let (preferred, note): (&[_], &str) = match decision {
        Decision::Cleared => (&[Pass, NotApplicable], "Completed before the clearance (sample)."),
        _ => (&[NotApplicable], "Not reached: vetting stopped at the decision (sample)."),
    };
    // In rounds: an item that requires another (Form I-9 after the accepted offer) can take
    // its result only once the one it requires has passed.
    loop {
        let pending: Vec<String> = door
            .checklist(case_id)?
            .into_iter()
            .filter(|e| e.state.result == Pending)
            .map(|e| e.item.id)
            .collect();
        let mut records = Vec::new();
        for item in door.result_options(case_id, REVIEWER)? {
            if !pending.contains(&item.item_id) {
                continue;
            }
            let chosen = preferred
                .iter()
                .copied()
                .find(|r| item.options.iter().any(|o| o.result == *r && o.refused.is_none()));
            if let Some(result) = chosen {
                records.push(Change::RecordResult {
                    case_id,
                    item_id: item.item_id,
                    result,
                    note: Some(note.into()),
                    evidence: Vec::new(),
                });
            }
        }
        if records.is_empty() {
            return Ok(());
        }
        door.apply_all(REVIEWER, records, &format!("completing the checklist of case {case_id}"))?;
    }
}

fn decide(door: &mut Door<'_>, case_id: CaseId, outcome: &Outcome) -> Result<(), SampleError> {
    if let Outcome::Decided { decision, .. } | Outcome::SignedOff { decision, .. } = outcome {
        complete_checklist(door, case_id, *decision)?;
    }
    let status = |status: CaseStatus, reason: &str| Change::SetStatus {
        case_id,
        status,
        decision: None,
        reason: reason.into(),
        grounds: vec![],
        override_reason: None,
    };
    let step = format!("deciding case {case_id}");
    let review = status(CaseStatus::InReview, "Vetting under way.");
    // A rejection or referral cites every failed item and open flag the story left.
    let grounds = |door: &Door<'_>, decision: &Decision| -> Result<Vec<Ground>, SampleError> {
        match decision {
            Decision::Cleared => Ok(Vec::new()),
            _ => door.citable(case_id, cohort::DECIDER, &step),
        }
    };
    match outcome {
        Outcome::Open => {}
        Outcome::InReview => {
            door.apply(REVIEWER, review, &step)?;
        }
        Outcome::Escalated { reason } => {
            door.apply_all(REVIEWER, vec![review, status(CaseStatus::Escalated, reason)], &step)?;
        }
        Outcome::Decided { decision, reason, escalate_first } => {
            let mut first = vec![review];
            if let Some(why) = escalate_first {
                first.push(status(CaseStatus::Escalated, why));
            }
            door.apply_all(REVIEWER, first, &step)?;
            let grounds = grounds(door, decision)?;
            door.apply(
                cohort::DECIDER,
                Change::SetStatus {
                    case_id,
                    status: CaseStatus::Decided,
                    decision: Some(*decision),
                    reason: reason.clone(),
                    grounds,
                    override_reason: None,
                },
                &step,
            )?;
        }
        Outcome::SignedOff { decision, reason, escalation, sign_off } => {
            door.apply_all(
                REVIEWER,
                vec![review, status(CaseStatus::Escalated, escalation)],
                &step,
            )?;
            let grounds = grounds(door, decision)?;
            door.apply(
                cohort::DECIDER,
                Change::SetStatus {
                    case_id,
                    status: CaseStatus::Decided,
                    decision: Some(*decision),
                    reason: reason.clone(),
                    grounds,
                    override_reason: None,
                },
                &step,
            )?;
            door.apply(cohort::SIGNER, status(CaseStatus::Closed, sign_off), &step)?;
        }
    }
    Ok(())
}
