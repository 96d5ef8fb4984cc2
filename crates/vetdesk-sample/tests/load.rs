//! The sample loaded into real stores in temp data directories: it verifies clean, raises every
//! red-flag rule it can, loads the same twice at the same clock, and never mixes with data
//! already there.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use tempfile::TempDir;
use vetdesk_core::change::Change;
use vetdesk_core::checks::flags::CATALOGUE;
use vetdesk_core::checks::posthire;
use vetdesk_core::checks::workdays::Deadline;
use vetdesk_core::employees::TelemetryFormat;
use vetdesk_core::model::{
    CaseId, CaseKind, CaseStatus, Chain, Decision, Role, Timestamp, VendorFields,
};
use vetdesk_core::store::{CaseFilter, Clock, DataDir, OpenMode, PAYMENT_KEY_FILE, Store};
use vetdesk_sample::{SampleError, SampleOptions, SampleSummary};

fn t0() -> Timestamp {
    "2026-11-02T09:00:00.000Z".parse().unwrap()
}

fn open(dir: &Path) -> Store {
    Store::open(DataDir::new(dir), OpenMode::CreateIfMissing, Clock::fixed(t0())).unwrap()
}

/// CPU time of this thread so far (user and system), where the platform tells it: on a
/// shared machine the wall time alone says more about the neighbours than about the load.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn loaded(options: &SampleOptions) -> (TempDir, Store, SampleSummary) {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let started = Instant::now();
    let cpu = cpu_seconds();
    let summary = vetdesk_sample::load(&store, t0(), options).unwrap();
    let cpu = cpu.zip(cpu_seconds()).map(|(a, b)| format!(", {:.2} s CPU", b - a));
    eprintln!(
        "sample loaded in {:.2} s{}: {} candidates, {} evidence files, {} audit records",
        started.elapsed().as_secs_f64(),
        cpu.unwrap_or_default(),
        summary.candidates,
        summary.evidence_files,
        summary.audit_records
    );
    (dir, store, summary)
}

/// Every chain's head: the global chain and one per case.
fn heads(store: &Store) -> Vec<(Chain, String)> {
    let mut chains = vec![Chain::Global];
    chains.extend(store.cases(&CaseFilter::default()).unwrap().iter().map(|c| Chain::Case(c.id)));
    chains.sort();
    chains.into_iter().map(|c| (c, store.chain_head(c).unwrap())).collect()
}

/// One audit record as read: position, time, actor and change.
type Recorded = (i64, Timestamp, String, serde_json::Value);

/// Every chain's records as read (sealed personal fields opened), without their hashes: the
/// stored form seals each person's fields under a random key of their own, so the same input
/// gives the same history but not the same bytes or chain heads.
fn histories(store: &Store) -> Vec<(Chain, Vec<Recorded>)> {
    let mut chains = vec![Chain::Global];
    chains.extend(store.cases(&CaseFilter::default()).unwrap().iter().map(|c| Chain::Case(c.id)));
    chains.sort();
    chains
        .into_iter()
        .map(|c| {
            let records = store.audit(c).unwrap();
            (c, records.into_iter().map(|r| (r.seq, r.at, r.actor, r.change)).collect())
        })
        .collect()
}

#[test]
fn the_sample_loads_whole_and_verifies_clean() {
    let (_dir, store, summary) = loaded(&SampleOptions::default());
    let report = store.verify().unwrap();
    assert!(report.ok, "verify found problems: {:#?}", report.problems);
    assert_eq!(report.evidence_files, summary.evidence_files);

    assert_eq!(summary.candidates, 40);
    assert_eq!(store.candidates().unwrap().len(), 40);
    // A vetting case per candidate, a monitoring case per hired worker, one investigation.
    assert_eq!(summary.cases.len(), 44);
    assert_eq!(store.cases(&CaseFilter::default()).unwrap().len(), 44);
    assert_eq!(store.vendors().unwrap().len(), 3);
    let roles: BTreeSet<Role> = store.users().unwrap().iter().map(|u| u.role).collect();
    assert_eq!(roles.len(), 4, "one user of each role");
    assert!(summary.evidence_files >= 80, "{} evidence files", summary.evidence_files);

    // The life cycle is all there: new, in review, escalated, decided three ways, signed off.
    let cases = store.cases(&CaseFilter::default()).unwrap();
    let statuses: BTreeSet<CaseStatus> = cases.iter().map(|c| c.status).collect();
    assert_eq!(statuses, CaseStatus::ALL.iter().copied().collect());
    let decisions: BTreeSet<Decision> = cases.iter().filter_map(|c| c.decision).collect();
    assert_eq!(decisions, Decision::ALL.iter().copied().collect());
    let signed = store.case(summary.signed_off_case).unwrap();
    assert_eq!(signed.status, CaseStatus::Closed);
    assert_eq!(signed.decision, Some(Decision::Referred));
    assert_eq!(signed.decided_by.as_deref(), Some(vetdesk_sample::INVESTIGATOR));
    let last = store.audit(Chain::Case(signed.id)).unwrap().pop().unwrap();
    assert_eq!(last.actor, vetdesk_sample::COMPLIANCE, "compliance signed it off");

    // Most people are unremarkable; the showcase is not.
    let quiet = cases.iter().filter(|c| c.open_flags == 0).count();
    assert!(quiet >= 10, "only {quiet} cases without open flags");
    let showcase = store.flags(summary.showcase_case).unwrap();
    assert!(showcase.open.len() >= 10, "{} open flags on the showcase", showcase.open.len());
    assert!(store.links(summary.showcase_case).unwrap().len() >= 4);
    let verification = store.case_verification(summary.showcase_case).unwrap();
    assert!(!verification.documents.is_empty() && !verification.interviews.is_empty());

    // The E-Verify mismatch whose deadlines are still running, and the one overdue.
    let deadlines: Vec<Deadline> = cases
        .iter()
        .flat_map(|c| store.case_verification(c.id).unwrap().everify)
        .flat_map(|view| view.deadlines)
        .collect();
    assert!(deadlines.iter().any(|d| d.overdue), "{deadlines:#?}");
    assert!(deadlines.iter().any(|d| !d.overdue && d.done_on.is_none()), "{deadlines:#?}");
}

#[test]
fn every_red_flag_rule_the_sample_can_raise_is_raised() {
    let (_dir, store, _) = loaded(&SampleOptions { images: false, ..SampleOptions::default() });
    let raised = vetdesk_sample::raised_rules(&store).unwrap();
    let exempt: BTreeSet<&str> = vetdesk_sample::RULES_NOT_RAISED.iter().map(|(r, _)| *r).collect();
    // Every rule of the catalogue runs on a pre-hire case (the only kind the sample opens): the
    // onboarding rules (address changed after the offer, E-Verify deadlines, payment changes)
    // included, since a pre-hire case runs through onboarding.
    let missing: Vec<&str> = CATALOGUE
        .iter()
        .map(|r| r.id)
        .filter(|id| !raised.contains_key(*id) && !exempt.contains(id))
        .collect();
    assert!(missing.is_empty(), "rules no sample person raises: {missing:?}");
    for rule in &exempt {
        assert!(CATALOGUE.iter().any(|r| r.id == *rule), "{rule} is not in the catalogue");
        assert!(!raised.contains_key(*rule), "{rule} is raised after all: drop it from the list");
    }
}

#[test]
fn the_same_seed_and_clock_give_the_same_history() {
    let key = [42u8; 32];
    let load_with_key = || {
        let dir = tempfile::tempdir().unwrap();
        // The payment key (normally random per data directory) keys the bank-account hashes in
        // the log; the same key on both sides is part of "the same input".
        std::fs::write(dir.path().join(PAYMENT_KEY_FILE), key).unwrap();
        let store = open(dir.path());
        vetdesk_sample::load(&store, t0(), &SampleOptions::default()).unwrap();
        let histories = histories(&store);
        (dir, histories)
    };
    let (_a, first) = load_with_key();
    let (_b, second) = load_with_key();
    // 40 vetting cases, 3 monitoring cases and an investigation.
    assert_eq!(first.len(), 45, "global chain and 44 case chains");
    assert_eq!(first, second);
}

#[test]
fn a_directory_with_cases_candidates_or_vendors_is_refused_untouched() {
    let (dir, store, _) = loaded(&SampleOptions { images: false, ..SampleOptions::default() });
    let before = (store.audit_last_id().unwrap(), heads(&store));
    let err = vetdesk_sample::load(&store, t0(), &SampleOptions::default()).unwrap_err();
    assert_eq!(err.code(), "sample.not_empty");
    let text = err.to_string();
    assert!(
        text.contains("(cases; candidates: 40; vendors: 3; indicator lists: 1; VPN providers: 1"),
        "{text}"
    );
    assert!(text.contains(&dir.path().display().to_string()), "{text}");
    assert_eq!((store.audit_last_id().unwrap(), heads(&store)), before);

    // A vendor alone is enough to refuse: real data has started.
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store
        .apply(
            "ada",
            Change::AddUser {
                id: None,
                name: "ada".into(),
                display_name: "Ada".into(),
                role: Role::Admin,
            },
        )
        .unwrap();
    store
        .apply(
            "ada",
            Change::AddVendor {
                id: None,
                vendor: VendorFields { name: "Real Vendor".into(), ..VendorFields::default() },
            },
        )
        .unwrap();
    let last = store.audit_last_id().unwrap();
    let err = vetdesk_sample::load(&store, t0(), &SampleOptions::default()).unwrap_err();
    assert!(matches!(err, SampleError::NotEmpty { .. }), "{err}");
    assert!(err.to_string().contains("(vendors: 1)"), "{err}");
    assert_eq!(store.audit_last_id().unwrap(), last);

    // So is an investigator's VoIP list: sample lists must not land among real ones.
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store
        .apply(
            "ada",
            Change::AddUser {
                id: None,
                name: "ada".into(),
                display_name: "Ada".into(),
                role: Role::Admin,
            },
        )
        .unwrap();
    store
        .apply(
            "ada",
            Change::AddVoipEntry { id: None, pattern: "+1 212-555-0170".into(), label: "x".into() },
        )
        .unwrap();
    let options = SampleOptions { admin: Some("ada".into()), ..SampleOptions::default() };
    let err = vetdesk_sample::load(&store, t0(), &options).unwrap_err();
    assert!(err.to_string().contains("(VoIP list entries: 1)"), "{err}");
}

#[test]
fn existing_users_need_an_admin_to_add_the_sample_users() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for (name, role) in [("ada", Role::Admin), ("rex", Role::Reviewer)] {
        store
            .apply(
                "ada",
                Change::AddUser { id: None, name: name.into(), display_name: name.into(), role },
            )
            .unwrap();
    }
    let last = store.audit_last_id().unwrap();
    let no_images = SampleOptions { images: false, ..SampleOptions::default() };
    let err = vetdesk_sample::load(&store, t0(), &no_images).unwrap_err();
    assert_eq!(err.code(), "sample.admin_needed", "{err}");
    let as_reviewer = SampleOptions { admin: Some("rex".into()), ..no_images.clone() };
    let err = vetdesk_sample::load(&store, t0(), &as_reviewer).unwrap_err();
    assert_eq!(err.code(), "sample.not_admin", "{err}");
    assert_eq!(store.audit_last_id().unwrap(), last, "refusals wrote nothing");

    let as_admin = SampleOptions { admin: Some("ada".into()), ..no_images };
    let summary = vetdesk_sample::load(&store, t0(), &as_admin).unwrap();
    assert_eq!(store.users().unwrap().len(), 6);
    assert_eq!(summary.users.len(), 4);
    assert!(store.verify().unwrap().ok);
}

#[test]
fn a_sample_time_after_the_store_clock_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let later: Timestamp = "2026-11-03T09:00:00.000Z".parse().unwrap();
    let err = vetdesk_sample::load(&store, later, &SampleOptions::default()).unwrap_err();
    assert_eq!(err.code(), "sample.time_ahead", "{err}");
    assert!(store.users().unwrap().is_empty());
}

#[test]
fn a_load_that_fails_midway_leaves_the_database_as_it_was() {
    // An admin and a user who holds a sample user's name with another role: the loader adds
    // three sample users before it meets the clash, and must take them back.
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    for (name, role) in [("ada", Role::Admin), (vetdesk_sample::COMPLIANCE, Role::Reviewer)] {
        store
            .apply(
                "ada",
                Change::AddUser { id: None, name: name.into(), display_name: name.into(), role },
            )
            .unwrap();
    }
    let before = (store.audit_last_id().unwrap(), store.users().unwrap().len());
    let options =
        SampleOptions { admin: Some("ada".into()), images: false, ..SampleOptions::default() };
    let err = vetdesk_sample::load(&store, t0(), &options).unwrap_err();
    assert_eq!(err.code(), "sample.user_clash", "{err}");
    assert_eq!((store.audit_last_id().unwrap(), store.users().unwrap().len()), before);
    assert!(store.verify().unwrap().ok);
    // The store is usable afterwards: the next write is not caught in a leftover transaction.
    store
        .apply(
            "ada",
            Change::AddVendor {
                id: None,
                vendor: VendorFields { name: "Real Vendor".into(), ..VendorFields::default() },
            },
        )
        .unwrap();
    drop(store);
    assert_eq!(open(dir.path()).vendors().unwrap().len(), 1, "the later write was committed");
}

#[test]
fn every_decided_sample_case_has_a_complete_checklist() {
    use vetdesk_core::model::ItemResult;
    let (_dir, store, _) = loaded(&SampleOptions { images: false, ..SampleOptions::default() });
    let decided: Vec<_> = store
        .cases(&CaseFilter::default())
        .unwrap()
        .into_iter()
        .filter(|c| c.decision.is_some())
        .collect();
    assert!(decided.len() >= 5, "{} decided cases", decided.len());
    for case in decided {
        let pending: Vec<String> = store
            .checklist(case.id)
            .unwrap()
            .into_iter()
            .filter(|e| e.state.result == ItemResult::Pending)
            .map(|e| e.item.id)
            .collect();
        assert!(pending.is_empty(), "case {} was decided with items pending: {pending:?}", case.id);
    }
}

/// Every flag a case ever had (open or since cleared), as (rule, subject).
fn flag_keys(store: &Store, case: CaseId) -> (BTreeSet<(String, String)>, BTreeSet<String>) {
    let flags = store.flags(case).unwrap();
    let open =
        flags.open.iter().map(|f| (f.fields.rule.clone(), f.fields.subject.clone())).collect();
    let cleared = flags.cleared.iter().map(|f| f.fields.rule.clone()).collect();
    (open, cleared)
}

#[test]
fn after_the_hire_one_worker_is_clean_and_the_laptop_farm_raises_its_flags() {
    let (_dir, store, summary) =
        loaded(&SampleOptions { images: false, ..SampleOptions::default() });
    assert!(store.verify().unwrap().ok);

    // Three hires, each after their vetting was cleared and signed off, each with a work
    // account, a registered laptop and a monitoring case.
    let employees = store.employees().unwrap();
    assert_eq!(employees.len(), 3);
    for e in &employees {
        let vetting = e.vetting.as_ref().unwrap();
        assert_eq!(
            (vetting.status, vetting.decision),
            (CaseStatus::Closed, Some(Decision::Cleared))
        );
        let vetting_case = store.case(vetting.case_id).unwrap();
        assert_eq!(
            store.audit(Chain::Case(vetting_case.id)).unwrap().last().unwrap().actor,
            vetdesk_sample::COMPLIANCE,
            "compliance signed the vetting off"
        );
        assert_eq!(e.accounts.len(), 1);
        assert!(e.accounts[0].ends_with("@sample-corp.example"), "{:?}", e.accounts);
        assert_eq!(e.devices.len(), 1);
        assert!(e.devices[0].device.serial.as_deref().unwrap().starts_with("SAMPLE-"));
        assert_eq!(store.case(e.case_id).unwrap().kind, CaseKind::Monitoring);
        assert!(summary.cases.contains(&e.case_id));
    }
    let [clean, farm, partner] = [&employees[0], &employees[1], &employees[2]];
    let drew = store.candidates().unwrap().into_iter().find(|c| c.id == clean.candidate_id);
    assert_eq!(drew.unwrap().fields.legal_name, "Drew Public");

    // Both exports went through the telemetry import, every event matched to a worker, each
    // file kept as evidence under its SHA-256.
    let imports = store.telemetry_imports().unwrap();
    let formats: Vec<TelemetryFormat> = imports.iter().map(|i| i.format).collect();
    assert_eq!(formats, [TelemetryFormat::Okta, TelemetryFormat::Osquery]);
    for i in &imports {
        assert!(i.events > 0 && i.added == i.events && i.matched == i.events, "{i:?}");
        assert_eq!(i.unmatched, 0, "{i:?}");
        let sha = i.file_sha256.parse().unwrap();
        assert_eq!(store.files().check(&sha, i.size), vetdesk_core::evidence::FileCheck::Ok);
    }

    // The clean worker: no open flag, and no telemetry rule ever raised. The one flag they ever
    // had is the first-day check, overdue for the moment between recording the hire (three
    // weeks after the start date, as the sample writes everything on its day) and recording
    // the check's result.
    let (open, cleared) = flag_keys(&store, clean.case_id);
    assert!(open.is_empty(), "clean worker: {open:?}");
    assert_eq!(cleared, BTreeSet::from([posthire::CHECK_OVERDUE.to_string()]));

    // The laptop-farm worker: every sign the farm leaves.
    let (open, _) = flag_keys(&store, farm.case_id);
    let rules: BTreeSet<&str> = open.iter().map(|(r, _)| r.as_str()).collect();
    for rule in [
        posthire::SIGN_IN_ABROAD,
        posthire::MANY_COUNTRIES,
        posthire::IMPOSSIBLE_TRAVEL,
        posthire::ANONYMISING_IP,
        posthire::SHARED_EGRESS,
        posthire::REMOTE_ACCESS_TOOL,
        posthire::IP_KVM,
        posthire::MOUSE_JIGGLER,
    ] {
        assert!(rules.contains(rule), "{rule} not raised on the farm worker: {open:?}");
    }
    for country in ["CN", "RU", "NL"] {
        assert!(open.contains(&(posthire::SIGN_IN_ABROAD.into(), country.into())), "{open:?}");
    }
    assert!(open.contains(&(posthire::IP_KVM.into(), "tinypilot".into())), "{open:?}");
    assert!(open.contains(&(posthire::REMOTE_ACCESS_TOOL.into(), "anydesk".into())), "{open:?}");
    assert!(
        !rules.contains(posthire::HIRED_BEFORE_VETTING) && !rules.contains(posthire::CHECK_OVERDUE),
        "{open:?}"
    );

    // The worker on the same farm connection: shared egress both ways, a silent laptop, and
    // the first-day identity match never held.
    let (open, _) = flag_keys(&store, partner.case_id);
    let expected: BTreeSet<(String, String)> = [
        (posthire::SHARED_EGRESS, format!("case {}", farm.case_id)),
        (posthire::DEVICE_SILENT, partner.devices[0].device.label()),
        (posthire::CHECK_OVERDUE, posthire::DAY_ONE_ITEM.to_string()),
    ]
    .into_iter()
    .map(|(r, s)| (r.to_string(), s))
    .collect();
    assert_eq!(open, expected);
    let farm_flags = store.flags(farm.case_id).unwrap();
    let shared = farm_flags.open.iter().find(|f| f.fields.rule == posthire::SHARED_EGRESS).unwrap();
    assert_eq!(shared.fields.subject, format!("case {}", partner.case_id));
    assert_eq!(shared.fields.candidates, [partner.candidate_id]);

    // The Monitoring page lists the two workers with alerts, not the clean one.
    let board: Vec<CaseId> = store.monitoring_board().unwrap().iter().map(|m| m.case_id).collect();
    assert_eq!(board.len(), 2, "{board:?}");
    assert!(board.contains(&farm.case_id) && board.contains(&partner.case_id));

    // One investigation, opened from the farm worker's IP-KVM alert: the osquery file the
    // events came from attached, the alert's note and the investigator's own.
    let investigations: Vec<_> = store
        .cases(&CaseFilter::default())
        .unwrap()
        .into_iter()
        .filter(|c| c.kind == CaseKind::Investigation)
        .collect();
    assert_eq!(investigations.len(), 1);
    let case = &investigations[0];
    assert_eq!(summary.cases.last(), Some(&case.id));
    assert_eq!(case.candidate_id, farm.candidate_id);
    assert_eq!(case.assignee.as_deref(), Some(vetdesk_sample::INVESTIGATOR));
    assert_eq!(case.status, CaseStatus::InReview);
    let evidence = store.evidence_of_case(case.id).unwrap();
    let osquery = imports.iter().find(|i| i.format == TelemetryFormat::Osquery).unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].sha256, osquery.file_sha256);
    let notes = store.notes(case.id).unwrap();
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert!(notes.iter().all(|n| n.author == vetdesk_sample::INVESTIGATOR));
    assert!(notes[0].text.contains("rule posthire.ip_kvm") && notes[0].text.contains("osquery"));
    assert!(notes[1].text.starts_with("SAMPLE: "), "{}", notes[1].text);
}
