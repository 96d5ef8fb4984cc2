//! Decisions that rest on the checks: the decision gate (clearing needs the applicable items
//! done and the serious flags triaged; a rejection cites its grounds; compliance may override
//! with a reason), the duties around results and decided cases, and flag triage — through the
//! store and through the CLI as a process.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_core::Store;
use vetdesk_core::change::{Change, Ground};
use vetdesk_core::model::{CaseStatus, Chain, Decision, ItemResult, Priority};
use vetdesk_core::store::{Missing, StoreError};
use vetdesk_core::verification::{RiskBand, Severity, Triage};
use vetdesk_testkit::cli::{Cli, init_team};
use vetdesk_testkit::tools::{flowing, tool};
use vetdesk_testkit::*;

fn set_status(
    store: &Store,
    actor: &str,
    case_id: i64,
    status: CaseStatus,
    decision: Option<Decision>,
    grounds: Vec<Ground>,
    override_reason: Option<&str>,
) -> Result<(), StoreError> {
    store
        .apply(
            actor,
            Change::SetStatus {
                case_id,
                status,
                decision,
                reason: "because".into(),
                grounds,
                override_reason: override_reason.map(Into::into),
            },
        )
        .map(|_| ())
}

fn clear(store: &Store, actor: &str, case_id: i64) -> Result<(), StoreError> {
    set_status(store, actor, case_id, CaseStatus::Decided, Some(Decision::Cleared), vec![], None)
}

fn triage(
    store: &Store,
    actor: &str,
    case_id: i64,
    flag_id: i64,
    t: Triage,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    store
        .apply(
            actor,
            Change::TriageFlag { case_id, flag_id, triage: t, reason: reason.map(Into::into) },
        )
        .map(|_| ())
}

/// Two candidates giving the same phone and address: each case has two open high flags.
fn two_linked_cases() -> (tempfile::TempDir, Store, i64, i64) {
    let (dir, store) = team_store();
    let a = add_candidate_with_case(
        &store,
        candidate_fields("Anna Maria Eriksson", "ATS-1"),
        Priority::Normal,
        None,
    );
    let b = add_candidate_with_case(
        &store,
        candidate_fields("Bo Berg", "ATS-2"),
        Priority::Normal,
        None,
    );
    (dir, store, a, b)
}

fn item_ids(missing: &[Missing]) -> Vec<String> {
    missing
        .iter()
        .filter_map(|m| match m {
            Missing::Item { item_id, .. } => Some(item_id.clone()),
            _ => None,
        })
        .collect()
}

fn flag_ids(missing: &[Missing]) -> Vec<i64> {
    missing
        .iter()
        .filter_map(|m| match m {
            Missing::Flag { flag_id, .. } => Some(*flag_id),
            _ => None,
        })
        .collect()
}

#[test]
fn a_case_with_nothing_checked_cannot_be_cleared_and_the_refusal_lists_what_is_missing() {
    let (_dir, store, case_id) = populated();
    let missing = store.decision_gaps(case_id, Decision::Cleared).unwrap();
    let items = item_ids(&missing);
    // Only the phase the case has reached (pre-offer) counts: no onboarding or post-hire items;
    // and only the items that apply: this candidate applied directly, so no vendor items.
    let template = vetdesk_core::template::latest("remote-it-worker").unwrap();
    assert_eq!(store.case(case_id).unwrap().template_version, 3);
    let pre_offer: Vec<String> = template
        .items()
        .filter(|r| r.phase.id == "pre_offer" && r.section.id != "vendor")
        .map(|r| r.item.id.clone())
        .collect();
    assert_eq!(items, pre_offer);
    assert!(!items.iter().any(|i| i == "offer-accepted" || i == "e-verify"));
    assert!(!items.iter().any(|i| i.starts_with("vendor-")), "{items:?}");
    // The checklist says which items apply, and progress counts only those.
    let detail = store.case_detail(case_id).unwrap();
    let applicable = detail.checklist.iter().filter(|e| e.applicable).count();
    assert_eq!(applicable, pre_offer.len());
    assert_eq!(detail.progress.total as usize, pre_offer.len());

    let err = clear(&store, INVESTIGATOR, case_id).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert!(message.contains(&format!("missing {}", pre_offer.len())), "{message}");
    for item in &pre_offer {
        assert!(message.contains(item.as_str()), "{item} not named in: {message}");
    }
    assert_eq!(store.case(case_id).unwrap().status, CaseStatus::Open);

    // The status dialog gets the same list, structured, per move.
    let moves = store.status_moves(case_id, INVESTIGATOR).unwrap();
    let cleared = moves.iter().find(|m| m.decision == Some(Decision::Cleared)).unwrap();
    assert_eq!(cleared.missing, missing);
    assert!(cleared.refused.is_some());
    assert!(!cleared.may_override, "an investigator may not override");
    let as_compliance = store.status_moves(case_id, COMPLIANCE).unwrap();
    let cleared = as_compliance.iter().find(|m| m.decision == Some(Decision::Cleared)).unwrap();
    assert!(cleared.may_override);

    // Once every item is done, it can.
    complete_for_clearing(&store, case_id);
    assert!(store.decision_gaps(case_id, Decision::Cleared).unwrap().is_empty());
    clear(&store, INVESTIGATOR, case_id).unwrap();
    assert_eq!(store.case(case_id).unwrap().decision, Some(Decision::Cleared));
    assert!(store.verify().unwrap().ok);
}

#[test]
fn a_failed_item_and_a_later_phase_count_against_clearing() {
    let (_dir, store, case_id) = populated();
    complete_for_clearing(&store, case_id);
    // Recording an onboarding item reaches that phase: its other items now count too.
    try_record(&store, REVIEWER, case_id, "offer-accepted", ItemResult::Pass, None).unwrap();
    let items = item_ids(&store.decision_gaps(case_id, Decision::Cleared).unwrap());
    assert!(items.contains(&"form-i9-complete".to_string()), "{items:?}");
    assert!(!items.contains(&"offer-accepted".to_string()));
    complete_for_clearing(&store, case_id);
    try_record(&store, COMPLIANCE, case_id, "reviewer-trained", ItemResult::Fail, None).unwrap();
    let missing = store.decision_gaps(case_id, Decision::Cleared).unwrap();
    assert_eq!(
        missing,
        vec![Missing::Item {
            item_id: "reviewer-trained".into(),
            title: vetdesk_core::template::latest("remote-it-worker")
                .unwrap()
                .item("reviewer-trained")
                .unwrap()
                .item
                .title
                .clone(),
            phase: "pre_offer".into(),
            result: ItemResult::Fail,
        }]
    );
    assert!(clear(&store, INVESTIGATOR, case_id).is_err());
}

#[test]
fn open_serious_flags_must_be_triaged_before_clearing_and_a_confirmed_one_blocks() {
    let (_dir, store, a, _b) = two_linked_cases();
    let open = store.flags(a).unwrap().open;
    let serious: Vec<i64> =
        open.iter().filter(|f| f.fields.severity >= Severity::High).map(|f| f.id).collect();
    assert!(serious.len() >= 2, "{open:?}");
    // Rule-raised flags are attributed to their rule, not to the reviewer who added the candidate.
    for f in &open {
        assert_eq!(f.raised_by, format!("rule {}", f.fields.rule));
    }

    // Items done, flags not triaged: exactly the flags are missing.
    let template = vetdesk_core::template::latest("remote-it-worker").unwrap();
    for r in template.items().filter(|r| r.phase.id == "pre_offer") {
        try_record(&store, COMPLIANCE, a, &r.item.id, ItemResult::Pass, Some("checked")).unwrap();
    }
    let missing = store.decision_gaps(a, Decision::Cleared).unwrap();
    assert_eq!(flag_ids(&missing), serious);
    assert!(item_ids(&missing).is_empty());
    let err = clear(&store, INVESTIGATOR, a).unwrap_err().to_string();
    assert!(err.contains("not triaged"), "{err}");

    // One acknowledged, one confirmed: the confirmed one still stands against clearing.
    triage(&store, INVESTIGATOR, a, serious[0], Triage::Acknowledged, None).unwrap();
    triage(&store, INVESTIGATOR, a, serious[1], Triage::Confirmed, None).unwrap();
    assert_eq!(flag_ids(&store.decision_gaps(a, Decision::Cleared).unwrap()), serious[1..]);
    triage(&store, INVESTIGATOR, a, serious[1], Triage::FalsePositive, Some("same household"))
        .unwrap();
    for id in &serious[2..] {
        triage(&store, INVESTIGATOR, a, *id, Triage::Acknowledged, None).unwrap();
    }
    assert!(store.decision_gaps(a, Decision::Cleared).unwrap().is_empty());
    clear(&store, INVESTIGATOR, a).unwrap();
    assert!(store.verify().unwrap().ok);
}

#[test]
fn triage_is_a_change_by_a_person_in_the_case_chain() {
    let (_dir, store, a, _b) = two_linked_cases();
    let flag = store.flags(a).unwrap().open[0].clone();
    // Reviewers see flags; investigators and compliance read them.
    let err = triage(&store, REVIEWER, a, flag.id, Triage::Acknowledged, None).unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");
    // A false positive needs its reason; nothing is written without it.
    let before = store.audit(Chain::Case(a)).unwrap().len();
    let err = triage(&store, INVESTIGATOR, a, flag.id, Triage::FalsePositive, None).unwrap_err();
    assert_eq!(err.field(), Some(vetdesk_core::model::Field::Reason));
    assert_eq!(store.audit(Chain::Case(a)).unwrap().len(), before);
    // A flag of another case is not this case's.
    let other = store.flags(_b).unwrap().open[0].id;
    assert!(matches!(
        triage(&store, INVESTIGATOR, a, other, Triage::Acknowledged, None),
        Err(StoreError::NotFound { .. })
    ));

    let risk_before = store.flags(a).unwrap().risk;
    triage(&store, INVESTIGATOR, a, flag.id, Triage::FalsePositive, Some("same household"))
        .unwrap();
    let audit = store.audit(Chain::Case(a)).unwrap();
    let last = audit.last().unwrap();
    assert_eq!(last.actor, INVESTIGATOR);
    assert_eq!(last.change["type"], "triage_flag");
    assert_eq!(last.change["triage"], "false_positive");
    assert_eq!(last.change["reason"], "same household");
    let now = store.flags(a).unwrap();
    let read = now.open.iter().find(|f| f.id == flag.id).unwrap();
    assert_eq!(read.triage, Some(Triage::FalsePositive));
    assert_eq!(read.triaged_by.as_deref(), Some(INVESTIGATOR));
    // A false positive stays listed but no longer counts towards the risk.
    assert_eq!(now.risk.open_flags, risk_before.open_flags - 1);
    assert!(now.risk.score < risk_before.score);
    // The same reading twice is refused as no change.
    assert!(matches!(
        triage(&store, INVESTIGATOR, a, flag.id, Triage::FalsePositive, Some("same household")),
        Err(StoreError::Conflict { .. })
    ));
    assert!(store.verify().unwrap().ok);
}

#[test]
fn the_risk_label_is_never_critical_without_a_critical_flag() {
    let (_dir, store, a, _b) = two_linked_cases();
    let flags = store.flags(a).unwrap();
    assert!(flags.open.iter().all(|f| f.fields.severity < Severity::Critical));
    assert_eq!(flags.risk.band, RiskBand::High);
}

#[test]
fn a_rejection_or_referral_cites_a_failed_item_or_an_open_flag() {
    let (_dir, store, a, _b) = two_linked_cases();
    for decision in [Decision::Rejected, Decision::Referred] {
        let err =
            set_status(&store, INVESTIGATOR, a, CaseStatus::Decided, Some(decision), vec![], None)
                .unwrap_err()
                .to_string();
        assert!(err.contains("grounds"), "{err}");
    }
    // An item that has not failed is no ground.
    let err = set_status(
        &store,
        INVESTIGATOR,
        a,
        CaseStatus::Decided,
        Some(Decision::Rejected),
        vec![Ground::Item("reviewer-trained".into())],
        None,
    )
    .unwrap_err();
    assert_eq!(err.field(), Some(vetdesk_core::model::Field::Grounds));
    // The move lists what may be cited: here the open flags.
    let moves = store.status_moves(a, INVESTIGATOR).unwrap();
    let reject = moves.iter().find(|m| m.decision == Some(Decision::Rejected)).unwrap();
    let flag = store.flags(a).unwrap().open[0].id;
    assert!(reject.citable.iter().any(|c| c.ground == Ground::Flag(flag)), "{reject:?}");
    set_status(
        &store,
        INVESTIGATOR,
        a,
        CaseStatus::Decided,
        Some(Decision::Referred),
        vec![Ground::Flag(flag)],
        None,
    )
    .unwrap();
    let last = store.audit(Chain::Case(a)).unwrap().pop().unwrap();
    assert_eq!(last.change["grounds"], serde_json::json!([{ "flag": flag }]));

    // A failed item is a ground too; a clearance cites none.
    let (_dir2, store, case_id) = populated();
    try_record(&store, REVIEWER, case_id, "live-video-interview", ItemResult::Fail, None).unwrap();
    set_status(
        &store,
        INVESTIGATOR,
        case_id,
        CaseStatus::Decided,
        Some(Decision::Rejected),
        vec![Ground::Item("live-video-interview".into())],
        None,
    )
    .unwrap();
    assert!(store.verify().unwrap().ok);
}

#[test]
fn compliance_may_decide_over_the_gate_with_a_reason_recorded_as_an_override() {
    let (_dir, store, case_id) = populated();
    let over = |actor: &str, why: Option<&str>| {
        set_status(
            &store,
            actor,
            case_id,
            CaseStatus::Decided,
            Some(Decision::Cleared),
            vec![],
            why,
        )
    };
    let err = over(INVESTIGATOR, Some("urgent start")).unwrap_err();
    assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");
    over(COMPLIANCE, Some("board approved the start before the checks")).unwrap();
    let last = store.audit(Chain::Case(case_id)).unwrap().pop().unwrap();
    assert_eq!(last.actor, COMPLIANCE);
    assert_eq!(last.change["override_reason"], "board approved the start before the checks");
    assert!(store.verify().unwrap().ok);

    // Nothing to override: the override is refused rather than recorded for nothing.
    let (_dir, store, case_id) = populated();
    complete_for_clearing(&store, case_id);
    let err = set_status(
        &store,
        COMPLIANCE,
        case_id,
        CaseStatus::Decided,
        Some(Decision::Cleared),
        vec![],
        Some("just in case"),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some(vetdesk_core::model::Field::OverrideReason));
}

#[test]
fn duties_not_applicable_needs_a_reason_and_a_failed_item_changes_only_by_compliance() {
    let (_dir, store, case_id) = populated();
    let err =
        try_record(&store, REVIEWER, case_id, "reviewer-trained", ItemResult::NotApplicable, None)
            .unwrap_err();
    assert_eq!(err.field(), Some(vetdesk_core::model::Field::Note));
    try_record(
        &store,
        REVIEWER,
        case_id,
        "reviewer-trained",
        ItemResult::NotApplicable,
        Some("n/a"),
    )
    .unwrap();

    try_record(&store, REVIEWER, case_id, "live-video-interview", ItemResult::Fail, None).unwrap();
    for (to, note) in [
        (ItemResult::NotApplicable, Some("no video needed")),
        (ItemResult::Pass, None),
        (ItemResult::Pending, None),
    ] {
        for actor in [REVIEWER, INVESTIGATOR] {
            let err =
                try_record(&store, actor, case_id, "live-video-interview", to, note).unwrap_err();
            assert!(matches!(err, StoreError::Forbidden { .. }), "{actor} {to}: {err:?}");
        }
    }
    // The options the UI offers say the same.
    let options = store.result_options(case_id, REVIEWER).unwrap();
    let video = options.iter().find(|o| o.item_id == "live-video-interview").unwrap();
    for o in &video.options {
        assert_eq!(o.refused.is_some(), o.result != ItemResult::Fail, "{o:?}");
    }
    let na = options.iter().find(|o| o.item_id == "reviewer-trained").unwrap();
    assert!(na.options.iter().any(|o| o.result == ItemResult::NotApplicable && o.needs_note));
    try_record(
        &store,
        COMPLIANCE,
        case_id,
        "live-video-interview",
        ItemResult::Pass,
        Some("re-held"),
    )
    .unwrap();
}

#[test]
fn duties_a_decided_case_moves_only_by_reopening_and_a_closed_one_takes_no_notes() {
    let (_dir, store, case_id) = populated();
    complete_for_clearing(&store, case_id);
    clear(&store, INVESTIGATOR, case_id).unwrap();
    let to = |actor: &str, status: CaseStatus| {
        set_status(&store, actor, case_id, status, None, vec![], None)
    };
    // A reviewer cannot erase a decision.
    assert!(matches!(to(REVIEWER, CaseStatus::InReview), Err(StoreError::Forbidden { .. })));
    // Nobody escalates or re-opens it as "open" directly: only reopening (in review).
    for status in [CaseStatus::Escalated, CaseStatus::Open] {
        assert!(matches!(to(COMPLIANCE, status), Err(StoreError::Conflict { .. })), "{status}");
    }
    to(INVESTIGATOR, CaseStatus::InReview).unwrap();
    clear(&store, INVESTIGATOR, case_id).unwrap();
    to(COMPLIANCE, CaseStatus::Closed).unwrap();

    let note = store.apply(REVIEWER, Change::AddNote { id: None, case_id, text: "late".into() });
    assert!(matches!(note, Err(StoreError::Conflict { .. })), "{note:?}");
    let flag_free =
        try_record(&store, COMPLIANCE, case_id, "reviewer-trained", ItemResult::Pass, None);
    assert!(flag_free.is_err());
    // Only a reopen, by compliance.
    assert!(matches!(to(INVESTIGATOR, CaseStatus::InReview), Err(StoreError::Forbidden { .. })));
    to(COMPLIANCE, CaseStatus::InReview).unwrap();
    store.apply(REVIEWER, Change::AddNote { id: None, case_id, text: "after".into() }).unwrap();
    assert!(store.verify().unwrap().ok);
}

// ---- the same rules through the CLI, as a process ----

fn cli_with_linked_cases() -> Cli {
    let cli = Cli::new();
    init_team(&cli);
    for (name, id) in [("Anna Maria Eriksson", "ATS-1"), ("Bo Berg", "ATS-2")] {
        cli.ok(
            Some("rita"),
            &[
                "candidate",
                "add",
                "--name",
                name,
                "--external-id",
                id,
                "--phone",
                "+1 202 555 0142",
            ],
        );
    }
    cli
}

#[test]
fn cli_refuses_to_clear_with_the_missing_list_and_takes_cites_triage_and_overrides() {
    let cli = cli_with_linked_cases();
    let out = cli.run(None, &["case", "gate", "1"], None);
    assert_eq!(out.status.code(), Some(1));
    let gate = String::from_utf8(out.stdout).unwrap();
    assert!(
        gate.contains("reviewer-trained (pending)") || gate.contains("item reviewer-trained"),
        "{gate}"
    );
    assert!(gate.contains("phone.shared"), "{gate}");
    let refused = cli.fails(Some("ivan"), &["case", "status", "1", "cleared", "--reason", "ok"], 2);
    assert!(
        refused.contains("cannot be cleared") && refused.contains("reviewer-trained"),
        "{refused}"
    );

    // A rejection without grounds is refused; with a flag cited it stands.
    let flags = cli.json(None, &["flags", "1"]);
    let flag = flags["open"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(flags["open"][0]["raised_by"], "rule phone.shared");
    let refused = cli.fails(Some("ivan"), &["case", "status", "1", "rejected", "--reason", "r"], 2);
    assert!(refused.contains("grounds"), "{refused}");
    cli.fails(Some("rita"), &["triage", "1", &flag, "confirmed"], 2);
    cli.fails(Some("ivan"), &["triage", "1", &flag, "false-positive"], 2);
    cli.ok(Some("ivan"), &["triage", "1", &flag, "confirmed"]);
    let triaged = cli.json(None, &["flags", "1"]);
    assert_eq!(triaged["open"][0]["triage"], "confirmed");
    assert_eq!(triaged["open"][0]["triaged_by"], "ivan");
    cli.ok(
        Some("ivan"),
        &[
            "case",
            "status",
            "1",
            "rejected",
            "--reason",
            "shared phone",
            "--cite",
            &format!("flag:{flag}"),
        ],
    );
    let audit = cli.json(None, &["audit", "show", "1"]);
    let last = audit.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["change"]["grounds"][0]["flag"].as_i64().unwrap().to_string(), flag);
    cli.fails(
        Some("ivan"),
        &["case", "status", "1", "rejected", "--reason", "x", "--cite", "nonsense"],
        2,
    );

    // Compliance clears the other case over the gate; the override is recorded and printed.
    cli.fails(
        Some("ivan"),
        &["case", "status", "2", "cleared", "--reason", "ok", "--override", "urgent"],
        2,
    );
    let out = cli.ok(
        Some("cora"),
        &[
            "case",
            "status",
            "2",
            "cleared",
            "--reason",
            "ok",
            "--override",
            "start date agreed by the board",
        ],
    );
    assert!(out.contains("override") || out.contains("decision gate"), "{out}");
    let audit = cli.json(None, &["audit", "show", "2"]);
    let last = audit.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["change"]["override_reason"], "start date agreed by the board");
    cli.ok(None, &["verify"]);

    // The case report prints the override in its decision lines; a decision that met the
    // gate says so.
    let pdf = cli.data().join("case-2.pdf");
    cli.ok(Some("cora"), &["report", "2", "-o", pdf.to_str().unwrap()]);
    let text = flowing(&tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]));
    assert!(
        text.contains("Decision gate overridden by")
            && text.contains("start date agreed by the board"),
        "{text}"
    );
    let pdf = cli.data().join("case-1.pdf");
    cli.ok(Some("cora"), &["report", "1", "-o", pdf.to_str().unwrap()]);
    let text = flowing(&tool("pdftotext", &["-raw", pdf.to_str().unwrap(), "-"]));
    assert!(text.contains("Decision gate met") && !text.contains("overridden"), "{text}");
}
