//! The store as its users drive it: the whole vetting flow, the rules that guard it, and
//! refused input that leaves the database exactly as it was.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vetdesk_core::change::Change;
use vetdesk_core::import::parse_candidates_csv;
use vetdesk_core::model::{CaseStatus, Chain, Decision, ItemResult, Priority, Role, VendorFields};
use vetdesk_core::store::{CaseFilter, CaseSort, StoreError};
use vetdesk_testkit::*;

#[test]
fn refused_changes_leave_the_database_exactly_as_it_was() {
    let (dir, store, case_id) = populated();
    let db = dir.path().join("vetdesk.db");
    let before = dump(&db);
    let attempts: Vec<(&str, Change, &str)> = vec![
        (
            REVIEWER,
            Change::RecordResult {
                case_id,
                item_id: "no-such-item".into(),
                result: ItemResult::Pass,
                note: None,
                evidence: vec![],
            },
            "no checklist item",
        ),
        (
            REVIEWER,
            Change::RecordResult {
                case_id,
                item_id: "e-verify".into(),
                result: ItemResult::Pass,
                note: None,
                evidence: vec![],
            },
            "must pass first",
        ),
        (
            REVIEWER,
            Change::RecordResult {
                case_id,
                item_id: "id-two-documents".into(),
                result: ItemResult::Pass,
                note: None,
                evidence: vec![999],
            },
            "evidence 999 not found",
        ),
        (
            REVIEWER,
            Change::RecordResult {
                case_id: 77,
                item_id: "id-two-documents".into(),
                result: ItemResult::Pass,
                note: None,
                evidence: vec![],
            },
            "case 77 not found",
        ),
        (
            REVIEWER,
            Change::AddNote { id: None, case_id, text: " \n ".into() },
            "note must not be empty",
        ),
        (
            REVIEWER,
            Change::AddCandidate { id: None, candidate: candidate_fields("Dup", "ATS-1") },
            "already belongs to candidate",
        ),
        (
            REVIEWER,
            Change::AddCandidate {
                id: None,
                candidate: vetdesk_core::model::CandidateFields {
                    emails: vec!["not-an-email".into()],
                    ..candidate_fields("X", "ATS-9")
                },
            },
            "not an email address",
        ),
        (
            REVIEWER,
            Change::AddCandidate {
                id: None,
                candidate: vetdesk_core::model::CandidateFields {
                    application_ip: Some("999.1.1.1".into()),
                    ..candidate_fields("X", "ATS-9")
                },
            },
            "not an IPv4 or IPv6",
        ),
        (
            REVIEWER,
            Change::AssignCase { case_id, assignee: Some("ghost".into()) },
            "user ghost not found",
        ),
        (
            REVIEWER,
            Change::SetPriority { case_id, priority: Priority::Normal },
            "already has priority",
        ),
        (
            REVIEWER,
            Change::AttachEvidence {
                id: None,
                case_id,
                file: vetdesk_core::change::StoredFile {
                    sha256: "ab".repeat(32),
                    size: 5,
                    media_type: "text/plain".into(),
                    has_thumbnail: false,
                    ingest_note: None,
                    thumbnail_sha256: None,
                },
                original_name: "x.txt".into(),
                description: None,
                item_id: None,
            },
            "not in the store",
        ),
        (
            REVIEWER,
            Change::AttachEvidence {
                id: None,
                case_id,
                file: vetdesk_core::change::StoredFile {
                    sha256: "../../etc/passwd".into(),
                    size: 5,
                    media_type: "text/plain".into(),
                    has_thumbnail: false,
                    ingest_note: None,
                    thumbnail_sha256: None,
                },
                original_name: "x.txt".into(),
                description: None,
                item_id: None,
            },
            "SHA-256",
        ),
    ];
    for (actor, change, expected) in attempts {
        let err = store.apply(actor, change).unwrap_err().to_string();
        assert!(err.contains(expected), "{err:?} should contain {expected:?}");
    }
    // A batch with one bad change writes none of it.
    let err = store.apply_all(
        REVIEWER,
        vec![
            Change::AddNote { id: None, case_id, text: "first, fine".into() },
            Change::AddNote { id: None, case_id: 4040, text: "second, refused".into() },
        ],
    );
    assert!(err.is_err());
    // An import with bad rows imports nothing.
    let csv = "external_id,full_name,vendor\nATS-50,Good Person,Acme Staffing\nATS-51,Bad Vendor,Nobody Inc\nATS-52,Also Good,\n";
    let file = parse_candidates_csv(csv.as_bytes()).unwrap();
    let err = store.import_candidates(REVIEWER, &file, true).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("line 3") && text.contains("Nobody Inc"), "{text}");
    assert!(!text.contains("line 2") && !text.contains("line 4"), "{text}");
    // An oversized evidence file is refused and nothing is stored.
    std::fs::write(dir.path().join("config.toml"), "evidence_max_bytes = 1000\n").unwrap();
    let small = reopen(dir.path());
    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![7u8; 5000]).unwrap();
    let err = small.attach_file(REVIEWER, case_id, &big, None, None, &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("larger than the limit of 1000 bytes"), "{err}");

    assert_eq!(dump(&db), before, "a refused change must leave every table as it was");
    let stored: Vec<_> = walk(&dir.path().join("evidence"));
    assert!(stored.is_empty(), "nothing may be stored for refused evidence: {stored:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_alone() {
    let (dir, store) = empty_store();
    drop(store);
    let db = dir.path().join("vetdesk.db");
    rusqlite::Connection::open(&db).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let before = std::fs::read(&db).unwrap();
    let err = vetdesk_core::Store::open(
        vetdesk_core::store::DataDir::new(dir.path()),
        vetdesk_core::store::OpenMode::MustExist,
        vetdesk_core::store::Clock::system(),
    )
    .err()
    .unwrap();
    assert!(matches!(err, StoreError::NewerSchema { found: 99, .. }), "{err:?}");
    assert!(err.to_string().contains("newer Vetdesk"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn two_stores_on_one_directory_see_each_other() {
    // The desktop app and the CLI open the same data directory at the same time.
    let (dir, store, case_id) = populated();
    let other = reopen(dir.path());
    other
        .apply(
            INVESTIGATOR,
            Change::AddNote { id: None, case_id, text: "written by the other process".into() },
        )
        .unwrap();
    assert_eq!(store.notes(case_id).unwrap().len(), 1);
    store.apply(REVIEWER, Change::AddNote { id: None, case_id, text: "and back".into() }).unwrap();
    assert_eq!(other.notes(case_id).unwrap().len(), 2);
    let since = other.audit_since(0, 1000).unwrap();
    assert!(since.windows(2).all(|w| w[0].id < w[1].id));
    assert!(store.verify().unwrap().ok);
}

/// The store an import comparison starts from: a VoIP block, a VPN provider and an IP list of
/// hosting ranges listed, a vendor without a screening attestation, and an earlier candidate
/// whose case holds a sign-in from an address a row of the file applies from (so the import
/// re-flags a case that has verification records of its own).
fn import_comparison_store() -> (tempfile::TempDir, vetdesk_core::store::Store) {
    let (dir, store) = team_store();
    store
        .apply(INVESTIGATOR, Change::AddVpnProvider { id: None, name: "M247".into(), note: None })
        .unwrap();
    store
        .apply(
            INVESTIGATOR,
            Change::ImportIpList {
                id: None,
                name: "hosting".into(),
                file_name: "hosting.csv".into(),
                file_sha256: "0".repeat(64),
                rows: vec![vetdesk_core::verification::IpListRow(
                    "198.51.100.0/24".into(),
                    "hosting".into(),
                    "Example Cloud".into(),
                )],
            },
        )
        .unwrap();
    let unattested = VendorFields { screening_attested: false, ..vendor_fields("Quick Staffing") };
    store.apply(COMPLIANCE, Change::AddVendor { id: None, vendor: unattested }).unwrap();
    store
        .apply(
            INVESTIGATOR,
            Change::AddVoipEntry { id: None, pattern: "+1 650 555*".into(), label: "Block".into() },
        )
        .unwrap();
    let earlier = "external_id,full_name,phone\nPRE-1,Earlier Person,+1 202 555 0100\n";
    let file = parse_candidates_csv(earlier.as_bytes()).unwrap();
    let case_id =
        store.import_candidates(REVIEWER, &file, true).unwrap().created[0].case_id.unwrap();
    store
        .apply(
            REVIEWER,
            Change::RecordObservedIp {
                id: None,
                case_id,
                observed: vetdesk_core::verification::ObservedIpFields {
                    ip: "203.0.113.7".into(),
                    seen_at: "2026-10-01T00:00:00.000Z".parse().unwrap(),
                    context: vetdesk_core::verification::IpContext::Login,
                    note: None,
                },
            },
        )
        .unwrap();
    (dir, store)
}

/// Every case's open flags (without their ids and times) and links, by case.
fn flags_and_links(
    store: &vetdesk_core::store::Store,
) -> Vec<(i64, Vec<vetdesk_core::verification::FlagFields>, Vec<vetdesk_core::verification::Link>)>
{
    let mut out = Vec::new();
    for candidate in store.candidates().unwrap() {
        for case in store.cases_of_candidate(candidate.id).unwrap() {
            let flags = store.flags(case.id).unwrap().open.into_iter().map(|f| f.fields).collect();
            out.push((case.id, flags, store.links(case.id).unwrap()));
        }
    }
    out.sort_by_key(|c| c.0);
    out
}

// The same tests on SQLite (on_sqlite::…) and on PostgreSQL (on_postgres::…).
on_both_backends! {
    /// An import re-flags its cases together at its end; the flags and links it leaves are the
    /// ones the same rows leave when each is imported on its own, one after the other.
    #[test]
    fn an_import_flags_and_links_as_the_same_rows_added_one_at_a_time() {
        let header = "external_id,full_name,email,phone,home_address,ip_address,vendor\n";
        let rows = [
            "RING-0,Ring Zero,r0@example.com,+1 202 555 0142,,,",
            "RING-1,Ring One,r1@example.com,+1 202 555 0142,,,Quick Staffing",
            "MAIL-1,Mail One,same@example.com,+1 202 555 0150,,,",
            "RING-2,Ring Two,r2@example.com,+1 202 555 0142,,,",
            "MAIL-2,Mail Two,same@example.com,+1 202 555 0151,,,Quick Staffing",
            "VOIP-1,Voip One,v@example.com,+1 650 555 0100,,,",
            "ADDR-1,Addr One,a1@example.com,+1 202 555 0160,\"12 Oak St, Springfield, IL 62701\",,",
            "ADDR-2,Addr Two,a2@example.com,+1 202 555 0161,\"12 Oak St, Springfield, IL 62701\",,",
            "IP-1,Ip One,i@example.com,+1 202 555 0170,,203.0.113.7,",
            "HOST-1,Host One,h1@example.com,+1 202 555 0171,,198.51.100.20,Quick Staffing",
            "HOST-2,Host Two,h2@example.com,+1 202 555 0172,,198.51.100.21,",
            "PHONE-PRE,Shares Earlier,p@example.com,+1 202 555 0100,,,",
            "LONE-1,Lone Person,l@example.com,+1 202 555 0199,,,",
        ];

        let (_a, together) = import_comparison_store();
        let whole = format!("{header}{}\n", rows.join("\n"));
        let file = parse_candidates_csv(whole.as_bytes()).unwrap();
        let outcome = together.import_candidates(REVIEWER, &file, true).unwrap();
        assert_eq!(outcome.created.len(), rows.len());

        let (_b, one_by_one) = import_comparison_store();
        for row in rows {
            let file = parse_candidates_csv(format!("{header}{row}\n").as_bytes()).unwrap();
            one_by_one.import_candidates(REVIEWER, &file, true).unwrap();
        }

        let expected = flags_and_links(&one_by_one);
        let got = flags_and_links(&together);
        let rules: std::collections::BTreeSet<&str> =
            got.iter().flat_map(|c| c.1.iter().map(|f| f.rule.as_str())).collect();
        for rule in [
            "phone.shared",
            "email.shared",
            "address.shared",
            "phone.voip_listed",
            "ip.shared",
            "ip.anonymising",
            "vendor.no_attestation",
        ] {
            assert!(rules.contains(rule), "{rule} raised somewhere: {rules:?}");
        }
        assert!(got.iter().filter(|c| !c.2.is_empty()).count() >= 10, "{got:?}");
        // The case opened before the import, whose candidate a row shares a phone with, is
        // re-flagged by it although no row touches it.
        let earlier = together
            .candidates()
            .unwrap()
            .into_iter()
            .find(|c| c.fields.external_id.as_deref() == Some("PRE-1"))
            .unwrap();
        let earlier_case = together.cases_of_candidate(earlier.id).unwrap()[0].id;
        let earlier_flags = &got.iter().find(|c| c.0 == earlier_case).unwrap().1;
        assert!(
            earlier_flags.iter().any(|f| f.rule == "phone.shared"),
            "the earlier case is flagged: {earlier_flags:?}"
        );
        assert_eq!(got, expected);
        assert!(together.verify().unwrap().ok);
    }

    /// Refused rows at the start, in the middle and at the end of a file: each is named with
    /// its line and why, nothing of the file is kept (not even the good rows between them),
    /// a dry run names the same rows, and the good rows then import alone and verify.
    #[test]
    fn an_import_with_refused_rows_names_every_one_and_keeps_nothing() {
        let (_dir, store) = team_store();
        let candidates_before = store.candidates().unwrap().len();
        let records_before = store.audit_since(0, 1_000_000).unwrap().len();
        let header = "external_id,full_name,email,phone,vendor\n";
        let good = [
            "OK-1,Fine One,f1@example.com,+1 202 555 0102,",
            "OK-2,Fine Two,f2@example.com,+1 202 555 0102,",
        ];
        let text = format!(
            "{header}BAD-1,First Bad,b1@example.com,+1 202 555 0101,Nope Staffing\n{}\n\
             BAD-2,Second Bad,not-an-email,+1 202 555 0103,\n{}\nBAD-3,Third Bad,b3@example.com,12,\n",
            good[0], good[1]
        );
        let file = parse_candidates_csv(text.as_bytes()).unwrap();
        for (what, result) in [
            ("import", store.import_candidates(REVIEWER, &file, true)),
            ("dry run", store.preview_import(REVIEWER, &file, true)),
        ] {
            let Err(StoreError::Rows(rows)) = result else {
                panic!("{what}: expected refused rows, got {result:?}")
            };
            let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
            assert_eq!(lines, vec![2, 4, 6], "{what}: {rows:?}");
            assert!(rows[0].message.contains("Nope Staffing"), "{rows:?}");
            assert!(rows[1].message.contains("not-an-email"), "{rows:?}");
            assert!(rows[2].message.contains("\"12\""), "{rows:?}");
        }
        assert_eq!(store.candidates().unwrap().len(), candidates_before);
        assert_eq!(store.audit_since(0, 1_000_000).unwrap().len(), records_before);

        let file = parse_candidates_csv(format!("{header}{}\n", good.join("\n")).as_bytes())
            .unwrap();
        let outcome = store.import_candidates(REVIEWER, &file, true).unwrap();
        assert_eq!(outcome.created.len(), 2);
        assert_eq!(outcome.raised.len(), 2, "the two share a phone: {outcome:?}");
        assert_eq!(store.candidates().unwrap().len(), candidates_before + 2);
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn whole_flow_from_import_to_a_closed_case_verifies_clean() {
        let (dir, store) = team_store();
        store
            .apply(COMPLIANCE, Change::AddVendor { id: None, vendor: vendor_fields("Acme Staffing") })
            .unwrap();

        let csv = "external_id,full_name,email,phone,home_address,shipping_address,claimed_location,ip_address,vendor,role,applied_on\n\
                   ATS-100,Anna Maria Eriksson,anna@example.com;a.eriksson@example.org,+1 202 555 0101,\"12 Oak St, Springfield, IL 62701\",,Springfield IL,203.0.113.7,Acme Staffing,Backend engineer,2026-10-01\n\
                   ATS-101,Zoë Ólafsdóttir,zoe@example.com,+1 202 555 0102,\"9 Elm Ave, Austin, TX 78701\",\"PMB 44, 100 Main St, Austin, TX 78701\",Austin TX,,acme staffing,Data engineer,2026-10-02\n";
        let file = parse_candidates_csv(csv.as_bytes()).unwrap();
        let outcome = store.import_candidates(REVIEWER, &file, true).unwrap();
        assert_eq!(outcome.created.len(), 2);
        // Importing the same file again changes nothing and adds no audit record.
        let global_before = store.audit(Chain::Global).unwrap().len();
        let again = store.import_candidates(REVIEWER, &file, true).unwrap();
        assert_eq!((again.created.len(), again.updated.len(), again.unchanged.len()), (0, 0, 2));
        assert_eq!(store.audit(Chain::Global).unwrap().len(), global_before);
        assert_eq!(store.candidates().unwrap().len(), 2);

        let case_id = outcome.created[0].case_id.unwrap();
        let queue = store
            .cases(&CaseFilter { sort: Some(CaseSort::Candidate), ..CaseFilter::default() })
            .unwrap();
        assert_eq!(queue.len(), 2);
        assert_eq!(queue[0].candidate_name, "Anna Maria Eriksson");
        assert_eq!(queue[0].vendor_name.as_deref(), Some("Acme Staffing"));
        assert!(queue[0].progress.total >= 20, "the pre-offer items of the v1 template");
        assert_eq!(queue[0].progress, store.case_detail(queue[0].id).unwrap().progress);

        store.apply(REVIEWER, Change::AssignCase { case_id, assignee: Some(REVIEWER.into()) }).unwrap();
        store
            .apply(
                REVIEWER,
                Change::SetStatus {
                    case_id,
                    status: CaseStatus::InReview,
                    decision: None,
                    reason: "starting review".into(),
                    grounds: vec![],
                    override_reason: None,
                },
            )
            .unwrap();

        // Evidence: a real PNG with a thumbnail, linked to the item it supports.
        let scan = dir.path().join("passport-scan.png");
        std::fs::write(&scan, png(800, 600)).unwrap();
        let attached = store
            .attach_file(
                REVIEWER,
                case_id,
                &scan,
                Some("id-two-documents".into()),
                Some("Passport data page, front".into()),
                &mut |_, _| {},
            )
            .unwrap();
        let Change::AttachEvidence { id: Some(evidence_id), file, .. } = &attached.change else {
            panic!()
        };
        assert_eq!(file.media_type, "image/png");
        assert!(file.has_thumbnail);
        store
            .apply(
                REVIEWER,
                Change::RecordResult {
                    case_id,
                    item_id: "id-two-documents".into(),
                    result: ItemResult::Pass,
                    note: Some("passport + state ID".into()),
                    evidence: vec![*evidence_id],
                },
            )
            .unwrap();
        try_record(&store, REVIEWER, case_id, "live-video-interview", ItemResult::Pass, None).unwrap();

        // E-Verify is refused until the offer is accepted and the I-9 complete.
        let refused =
            try_record(&store, REVIEWER, case_id, "e-verify", ItemResult::Pass, None).unwrap_err();
        assert!(matches!(refused, StoreError::Conflict { .. }), "{refused:?}");
        assert!(
            refused.to_string().contains("offer-accepted")
                && refused.to_string().contains("form-i9-complete"),
            "{refused}"
        );
        try_record(&store, REVIEWER, case_id, "offer-accepted", ItemResult::Pass, None).unwrap();
        try_record(&store, REVIEWER, case_id, "form-i9-complete", ItemResult::Pass, None).unwrap();
        try_record(
            &store,
            REVIEWER,
            case_id,
            "e-verify",
            ItemResult::Pass,
            Some("Employment Authorized"),
        )
        .unwrap();
        // … and the prerequisites cannot be taken back while E-Verify rests on them.
        let err = try_record(&store, REVIEWER, case_id, "form-i9-complete", ItemResult::Pending, None)
            .unwrap_err();
        assert!(err.to_string().contains("rests on it"), "{err}");

        store
            .apply(
                INVESTIGATOR,
                Change::AddNote {
                    id: None,
                    case_id,
                    text: "Video call held with ID on camera; face matched.".into(),
                },
            )
            .unwrap();

        // Search finds the candidate by a folded accent, notes and evidence descriptions.
        let hits = store.search("olafsdottir", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].candidate_name, "Zoë Ólafsdóttir");
        assert!(hits[0].case_id.is_some());
        let hits = store.search("camera", 10).unwrap();
        assert_eq!(hits.iter().map(|h| h.case_id).collect::<Vec<_>>(), vec![Some(case_id)]);
        let hits = store.search("passport data", 10).unwrap();
        assert_eq!(hits[0].ref_id, *evidence_id);

        // A reviewer cannot decide; an investigator can; compliance signs off.
        let err = store
            .apply(
                REVIEWER,
                Change::SetStatus {
                    case_id,
                    status: CaseStatus::Decided,
                    decision: Some(Decision::Cleared),
                    reason: "ok".into(),
                    grounds: vec![],
                    override_reason: None,
                },
            )
            .unwrap_err();
        assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");
        complete_for_clearing(&store, case_id);
        store
            .apply(
                INVESTIGATOR,
                Change::SetStatus {
                    case_id,
                    status: CaseStatus::Decided,
                    decision: Some(Decision::Cleared),
                    reason: "identity verified, no red flags".into(),
                    grounds: vec![],
                    override_reason: None,
                },
            )
            .unwrap();
        store
            .apply(
                COMPLIANCE,
                Change::SetStatus {
                    case_id,
                    status: CaseStatus::Closed,
                    decision: None,
                    reason: "signed off".into(),
                    grounds: vec![],
                    override_reason: None,
                },
            )
            .unwrap();

        let detail = store.case_detail(case_id).unwrap();
        assert_eq!(detail.case.status, CaseStatus::Closed);
        assert_eq!(detail.case.decision, Some(Decision::Cleared));
        assert_eq!(detail.case.decided_by.as_deref(), Some(INVESTIGATOR));
        assert_eq!(detail.evidence.len(), 1);
        assert_eq!(detail.notes.len(), 1);
        let passed = detail.checklist.iter().find(|e| e.item.id == "id-two-documents").unwrap();
        assert_eq!(passed.state.evidence, vec![*evidence_id]);
        assert_eq!(passed.state.recorded_by.as_deref(), Some(REVIEWER));
        assert_eq!(detail.chain_head, store.chain_head(Chain::Case(case_id)).unwrap());

        // A closed case takes no more results.
        let err = try_record(&store, REVIEWER, case_id, "drug-test-integrity", ItemResult::Pass, None)
            .unwrap_err();
        assert!(err.to_string().contains("closed"), "{err}");

        let report = store.verify().unwrap();
        assert!(report.ok, "{:#?}", report.problems);
        assert_eq!(report.evidence_files, 1);
        let kinds: Vec<String> = store
            .audit(Chain::Case(case_id))
            .unwrap()
            .iter()
            .map(|r| r.change["type"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(kinds.first().map(String::as_str), Some("open_case"));
        assert!(
            kinds.contains(&"attach_evidence".to_string()) && kinds.contains(&"add_note".to_string())
        );
        assert_eq!(kinds.last().map(String::as_str), Some("set_status"));
    }

    #[test]
    fn the_first_user_bootstraps_as_admin_and_roles_are_enforced() {
        let (_dir, store) = empty_store();
        let err = store
            .apply(
                "bob",
                Change::AddUser {
                    id: None,
                    name: "bob".into(),
                    display_name: "Bob".into(),
                    role: Role::Reviewer,
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("must be an admin"), "{err}");
        let err = store
            .apply(
                "someone",
                Change::AddUser {
                    id: None,
                    name: "bob".into(),
                    display_name: "Bob".into(),
                    role: Role::Admin,
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("no users yet"), "{err}");
        add_team(&store);

        let cases: Vec<(&str, Change, &str)> = vec![
            (
                REVIEWER,
                Change::AddUser {
                    id: None,
                    name: "eve".into(),
                    display_name: "Eve".into(),
                    role: Role::Admin,
                },
                "add users",
            ),
            (
                REVIEWER,
                Change::AddVendor { id: None, vendor: vendor_fields("Shady Staffing") },
                "add vendors",
            ),
            (
                INVESTIGATOR,
                Change::SetUserRole { name: REVIEWER.into(), role: Role::Admin },
                "change roles",
            ),
            ("nobody", Change::AddVendor { id: None, vendor: vendor_fields("X") }, "no user named"),
        ];
        for (actor, change, expected) in cases {
            let err = store.apply(actor, change).unwrap_err().to_string();
            assert!(err.contains(expected), "{err:?} should contain {expected:?}");
        }
        // The last admin cannot be demoted or deactivated.
        let err = store
            .apply(ADMIN, Change::SetUserActive { name: ADMIN.into(), active: false })
            .unwrap_err();
        assert!(err.to_string().contains("last active admin"), "{err}");
        // A deactivated user can no longer act.
        store.apply(ADMIN, Change::SetUserActive { name: REVIEWER.into(), active: false }).unwrap();
        let err = store
            .apply(REVIEWER, Change::AddVendor { id: None, vendor: vendor_fields("Y") })
            .unwrap_err();
        assert!(err.to_string().contains("deactivated"), "{err}");
    }

    #[test]
    fn status_moves_follow_the_case_life_cycle() {
        let (_dir, store, case_id) = populated();
        let set = |actor: &str, status: CaseStatus, decision: Option<Decision>, reason: &str| {
            let grounds = match decision {
                Some(Decision::Rejected | Decision::Referred) => grounds_for(&store, case_id),
                _ => vec![],
            };
            store.apply(
                actor,
                Change::SetStatus {
                    case_id,
                    status,
                    decision,
                    reason: reason.into(),
                    grounds,
                    override_reason: None,
                },
            )
        };
        assert!(
            set(REVIEWER, CaseStatus::Closed, None, "x")
                .unwrap_err()
                .to_string()
                .contains("cannot move from open to closed")
        );
        assert!(
            set(REVIEWER, CaseStatus::InReview, None, "  ")
                .unwrap_err()
                .to_string()
                .contains("reason must not be empty")
        );
        assert!(
            set(INVESTIGATOR, CaseStatus::Decided, None, "x")
                .unwrap_err()
                .to_string()
                .contains("a decision is needed")
        );
        assert!(
            set(REVIEWER, CaseStatus::Escalated, Some(Decision::Rejected), "x")
                .unwrap_err()
                .to_string()
                .contains("only goes with status decided")
        );

        set(REVIEWER, CaseStatus::Escalated, None, "shared phone with another candidate").unwrap();
        // A failed item blocks clearing until it is re-checked or waived by compliance.
        try_record(
            &store,
            INVESTIGATOR,
            case_id,
            "phone-number-check",
            ItemResult::Fail,
            Some("number used by case 9"),
        )
        .unwrap();
        let err = set(INVESTIGATOR, CaseStatus::Decided, Some(Decision::Cleared), "fine").unwrap_err();
        assert!(err.to_string().contains("phone-number-check"), "{err}");
        let err = try_record(
            &store,
            INVESTIGATOR,
            case_id,
            "phone-number-check",
            ItemResult::Waived,
            Some("family phone"),
        )
        .unwrap_err();
        assert!(matches!(err, StoreError::Forbidden { .. }), "{err:?}");
        let err =
            try_record(&store, COMPLIANCE, case_id, "phone-number-check", ItemResult::Waived, None)
                .unwrap_err();
        assert!(err.to_string().contains("needs a reason"), "{err}");
        try_record(
            &store,
            COMPLIANCE,
            case_id,
            "phone-number-check",
            ItemResult::Waived,
            Some("shared family landline, verified in person"),
        )
        .unwrap();
        set(INVESTIGATOR, CaseStatus::Decided, Some(Decision::Referred), "facilitator indicators")
            .unwrap();
        assert_eq!(store.case(case_id).unwrap().decision, Some(Decision::Referred));
        // Reopening a decision clears it; closing keeps it.
        set(INVESTIGATOR, CaseStatus::InReview, None, "new information").unwrap();
        assert_eq!(store.case(case_id).unwrap().decision, None);
        set(INVESTIGATOR, CaseStatus::Decided, Some(Decision::Rejected), "identity not verified")
            .unwrap();
        assert!(
            set(INVESTIGATOR, CaseStatus::Closed, None, "done")
                .unwrap_err()
                .to_string()
                .contains("may not close")
        );
        set(COMPLIANCE, CaseStatus::Closed, None, "signed off").unwrap();
        let case = store.case(case_id).unwrap();
        assert_eq!((case.status, case.decision), (CaseStatus::Closed, Some(Decision::Rejected)));
        assert!(case.closed_at.is_some());
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn the_same_file_twice_is_stored_once_and_a_fake_image_is_kept_with_a_note() {
        let (dir, store, case_id) = populated();
        let a = dir.path().join("a.png");
        let b = dir.path().join("copy-of-a.png");
        std::fs::write(&a, png(64, 64)).unwrap();
        std::fs::copy(&a, &b).unwrap();
        let first = store.attach_file(REVIEWER, case_id, &a, None, None, &mut |_, _| {}).unwrap();
        let second = store.attach_file(REVIEWER, case_id, &b, None, None, &mut |_, _| {}).unwrap();
        let sha = |c: &Change| match c {
            Change::AttachEvidence { file, .. } => file.sha256.clone(),
            _ => panic!(),
        };
        assert_eq!(sha(&first.change), sha(&second.change));
        // Solo: one file in the evidence folder; team: none there, the bytes are in the
        // database once (counted in tests/evidence_backends.rs).
        let on_disk = if backend() == TestBackend::Sqlite { 1 } else { 0 };
        assert_eq!(walk(&dir.path().join("evidence")).len(), on_disk);
        let stored: vetdesk_core::evidence::Sha256Hex = sha(&first.change).parse().unwrap();
        assert_eq!(
            store.files().check(&stored, png(64, 64).len() as u64),
            vetdesk_core::evidence::FileCheck::Ok
        );
        assert_eq!(store.evidence_of_case(case_id).unwrap().len(), 2);

        let fake = dir.path().join("id-card.jpg");
        std::fs::write(&fake, b"this is not a jpeg at all").unwrap();
        let applied = store.attach_file(REVIEWER, case_id, &fake, None, None, &mut |_, _| {}).unwrap();
        let Change::AttachEvidence { file, .. } = &applied.change else { panic!() };
        assert!(!file.has_thumbnail);
        assert_eq!(file.media_type, "text/plain");
        assert!(
            file.ingest_note.as_deref().unwrap_or("").contains("id-card.jpg"),
            "{:?}",
            file.ingest_note
        );
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn queue_filters_and_sorts() {
        let (_dir, store, first) = populated();
        let applied = store
            .add_candidate(
                REVIEWER,
                candidate_fields("Bob Builder", "ATS-2"),
                Some(vetdesk_core::store::NewCase {
                    kind: vetdesk_core::model::CaseKind::PreHire,
                    assignee: None,
                    priority: Priority::Urgent,
                    due_on: Some(chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()),
                }),
            )
            .unwrap();
        let Change::OpenCase { id: Some(second), .. } = applied[1].change else { panic!() };
        let by =
            |filter: CaseFilter| store.cases(&filter).unwrap().iter().map(|c| c.id).collect::<Vec<_>>();
        assert_eq!(
            by(CaseFilter { assignee: Some(REVIEWER.into()), ..Default::default() }),
            vec![first]
        );
        assert_eq!(by(CaseFilter { overdue: true, ..Default::default() }), vec![second]);
        assert_eq!(
            by(CaseFilter { sort: Some(CaseSort::Priority), descending: true, ..Default::default() }),
            vec![second, first]
        );
        assert_eq!(
            by(CaseFilter { status: Some(CaseStatus::Closed), ..Default::default() }),
            Vec::<i64>::new()
        );
        let vendor = store
            .apply(COMPLIANCE, Change::AddVendor { id: None, vendor: vendor_fields("Other Vendor") })
            .unwrap();
        let Change::AddVendor { id: Some(vendor_id), .. } = vendor.change else { panic!() };
        assert_eq!(
            by(CaseFilter { vendor_id: Some(vendor_id), ..Default::default() }),
            Vec::<i64>::new()
        );
        let summary = &store.cases(&CaseFilter::default()).unwrap()[1];
        assert!(summary.overdue);
    }

    #[test]
    fn verify_stays_clean_when_run_again_after_more_writes() {
        let (_dir, store, case_id) = populated();
        assert!(store.verify().unwrap().ok);
        store.apply(REVIEWER, Change::AddNote { id: None, case_id, text: "between".into() }).unwrap();
        let report = store.verify().unwrap();
        assert!(report.ok, "{:#?}", report.problems);
    }

    #[test]
    fn search_sees_writes_made_after_an_earlier_search() {
        let (_dir, store, case_id) = populated();
        assert_eq!(store.search("zebra", 10).unwrap().len(), 0);
        store
            .apply(REVIEWER, Change::AddNote { id: None, case_id, text: "zebra crossing".into() })
            .unwrap();
        assert_eq!(store.search("zebra", 10).unwrap().len(), 1);
        store
            .apply(REVIEWER, Change::AddNote { id: None, case_id, text: "another zebra".into() })
            .unwrap();
        assert_eq!(store.search("zebra", 10).unwrap().len(), 2);
    }

    /// A clock set back (by hand, or corrected by a time server) never writes a record dated
    /// before the last one: the write is recorded at the last record's time, and the chain still
    /// verifies.
    #[test]
    fn a_clock_that_goes_back_does_not_break_the_chain() {
        let (_dir, store) = team_store();
        let case_id = case_for(&store, "Jane Roe");
        let before = store.audit(Chain::Case(case_id)).unwrap().last().unwrap().at;
        store.clock().advance(chrono::Duration::hours(-3));
        assert!(store.clock().now() < before);
        store.apply(REVIEWER, Change::AddNote { id: None, case_id, text: "later".into() }).unwrap();
        let after = store.audit(Chain::Case(case_id)).unwrap().last().unwrap().at;
        assert_eq!(after, before, "recorded at the last record's time, not the clock's");
        let note = &store.case_detail(case_id).unwrap().notes[0];
        assert_eq!(note.created_at, before, "the note carries the time its record carries");
        let report = store.verify().unwrap();
        assert!(report.ok, "{:#?}", report.problems);
    }

    /// A ring sharing one phone, imported in one file, is flagged once per member with every other
    /// member named: not raised, superseded and raised again as each member arrives (which made
    /// the log of a large import grow with the square of a ring's size).
    #[test]
    fn an_imported_ring_is_flagged_once_per_member_with_all_the_others() {
        let (_dir, store) = team_store();
        let mut csv = String::from("external_id,full_name,phone\n");
        for i in 0..5 {
            csv.push_str(&format!("RING-{i},Ring Member {i},+1 202 555 0142\n"));
        }
        csv.push_str("LONE-1,Lone Person,+1 202 555 0199\n");
        let file = parse_candidates_csv(csv.as_bytes()).unwrap();
        let outcome = store.import_candidates(REVIEWER, &file, true).unwrap();
        assert_eq!(outcome.created.len(), 6);
        assert_eq!(outcome.cleared, 0, "no flag was superseded during the import");
        let shared: Vec<_> = outcome.raised.iter().filter(|f| f.rule == "phone.shared").collect();
        assert_eq!(shared.len(), 5, "{:?}", outcome.raised);

        for row in &outcome.created {
            let case_id = row.case_id.unwrap();
            let flags = store.flags(case_id).unwrap();
            let phone: Vec<_> = flags.open.iter().filter(|f| f.fields.rule == "phone.shared").collect();
            let kinds: Vec<String> = store
                .audit(Chain::Case(case_id))
                .unwrap()
                .iter()
                .map(|r| r.change["type"].as_str().unwrap().to_string())
                .collect();
            assert!(flags.cleared.is_empty(), "case {case_id}: {:?}", flags.cleared);
            if row.line == 7 {
                assert!(phone.is_empty(), "the lone candidate shares nothing");
                assert_eq!(kinds, ["open_case"]);
                continue;
            }
            assert_eq!(phone.len(), 1, "case {case_id}");
            let mut others = phone[0].fields.candidates.clone();
            others.sort_unstable();
            let expected: Vec<i64> = outcome.created[..5]
                .iter()
                .map(|r| r.candidate_id)
                .filter(|&c| c != row.candidate_id)
                .collect();
            assert_eq!(others, expected, "case {case_id} names every other member");
            assert_eq!(kinds, ["open_case", "flag_raised"], "case {case_id}");
        }
        assert!(store.verify().unwrap().ok);

        // A member added later still brings every earlier member's flag up to date.
        let later = "external_id,full_name,phone\nRING-5,Ring Member 5,+1 202 555 0142\n";
        let file = parse_candidates_csv(later.as_bytes()).unwrap();
        let more = store.import_candidates(REVIEWER, &file, true).unwrap();
        assert_eq!(more.cleared, 5, "each earlier member's flag is superseded once");
        assert_eq!(more.raised.len(), 6);
        let first = outcome.created[0].case_id.unwrap();
        let open = store.flags(first).unwrap().open;
        assert_eq!(
            open.iter().find(|f| f.fields.rule == "phone.shared").unwrap().fields.candidates.len(),
            5
        );
        assert!(store.verify().unwrap().ok);
    }
}
