//! Thirty-six scripted candidates, recorded through the store as reviewers would record them:
//! some clean, the others each showing one or two of the scheme's signs (a shared phone, a
//! PMB shipping address, a VPN address, a refused video, a reference who is another
//! candidate, an expired passport, a bad MRZ check digit, a shared bank account, an overdue
//! E-Verify notice …). Every expected flag must be raised, no other flag may be, the links
//! between candidates must be exactly the ones scripted, and `verify` must stay clean.

// Tests fail loudly: unwrapping is how they say what broke.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rusqlite::Connection;
use vetdesk_core::Store;
use vetdesk_core::change::{Change, Ground};
use vetdesk_core::model::{
    CandidateFields, CaseKind, CaseStatus, Chain, Decision, ItemResult, Priority, Timestamp,
};
use vetdesk_core::store::{NewCase, ProblemKind, StoreError};
use vetdesk_core::verification::{
    AuditOutcome, DocumentFields, DocumentKind, EVerifyFields, EVerifyStatus, IdMatch,
    InterviewFields, IpContext, LinkKind, LinkRole, MismatchAgency, ObservedIpFields, PaymentInput,
    ReachableHours, ReferenceFields,
};
use vetdesk_testkit::*;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// What a scripted candidate looks like; `clean(n)` is a candidate nothing should be said
/// against, and each scenario changes what it needs.
struct Script {
    n: u32,
    given: String,
    surname: String,
    fields: CandidateFields,
    vendor: Option<&'static str>,
    documents: Vec<DocumentFields>,
    interview: InterviewFields,
    reachable: Option<ReachableHours>,
    references: Vec<ReferenceFields>,
    payments: Vec<(&'static str, &'static str)>,
    ips: Vec<&'static str>,
    /// Offer accepted and Form I-9 complete, then this E-Verify case.
    everify: Option<EVerifyFields>,
    /// Offer accepted, then these fields (an address change after the offer).
    after_offer: Option<CandidateFields>,
    expected: Vec<&'static str>,
}

const GIVEN: &[&str] = &[
    "Anna", "Ben", "Carla", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kira",
    "Luis", "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara", "Uma", "Victor",
    "Wen", "Xavier", "Yara", "Zane", "Amir", "Bianca", "Chen", "Dora", "Emil", "Fiona", "Gus",
    "Hana", "Ivo", "Jana",
];
const SURNAME: &[&str] = &[
    "Berg",
    "Costa",
    "Dahl",
    "Evans",
    "Fischer",
    "Garcia",
    "Haas",
    "Ito",
    "Jensen",
    "Kovac",
    "Lund",
    "Moreno",
    "Novak",
    "Olsen",
    "Price",
    "Quist",
    "Reyes",
    "Silva",
    "Tanaka",
    "Ulrich",
    "Vance",
    "Weber",
    "Xu",
    "Young",
    "Zhou",
    "Adler",
    "Brandt",
    "Cole",
    "Duarte",
    "Engel",
    "Frost",
    "Gomez",
    "Holm",
    "Ivers",
    "Jovanovic",
    "Keller",
];

fn clean(n: u32) -> Script {
    let given = GIVEN[n as usize - 1].to_string();
    let surname = SURNAME[n as usize - 1].to_string();
    let name = format!("{given} {surname}");
    let passport = format!("P{n:07}");
    Script {
        n,
        fields: CandidateFields {
            external_id: Some(format!("ATS-{n:03}")),
            legal_name: name.clone(),
            emails: vec![format!(
                "{}.{}@example.com",
                given.to_lowercase(),
                surname.to_lowercase()
            )],
            phones: vec![format!("(512) 555-01{n:02}")],
            home_address: Some(format!("{n}00 Congress Ave, Austin, TX 78701")),
            claimed_location: Some("Austin, TX".into()),
            time_zone: Some("America/Chicago".into()),
            role: Some("Backend engineer".into()),
            applied_on: Some(day("2026-09-15")),
            application_ip: Some(format!("198.51.100.{n}")),
            ..CandidateFields::default()
        },
        documents: vec![
            DocumentFields {
                kind: DocumentKind::Passport,
                issuing_country: "USA".into(),
                number: passport.clone(),
                holder_name: name.clone(),
                birth_date: Some(day("1991-03-14")),
                expiry_date: Some(day("2031-05-01")),
                mrz: Some(td3(&passport, &surname, &given, "1991-03-14", "2031-05-01")),
                front_evidence: None,
                back_evidence: None,
                note: None,
            },
            DocumentFields {
                kind: DocumentKind::DriverLicence,
                issuing_country: "TX".into(),
                number: format!("4821{n:04}"),
                holder_name: format!("{}, {given}", surname.to_uppercase()),
                birth_date: Some(day("1991-03-14")),
                expiry_date: Some(day("2029-01-01")),
                mrz: None,
                front_evidence: None,
                back_evidence: None,
                note: None,
            },
        ],
        interview: InterviewFields {
            held_on: day("2026-10-05"),
            // 15:00 UTC is 10:00 in Austin.
            started_at: Some(at("2026-10-05T15:00:00.000Z")),
            interviewer: "rita".into(),
            camera_on_throughout: true,
            refused_video: false,
            audio_only: false,
            id_match: IdMatch::Yes,
            liveness_done: true,
            location_consistent: Some(true),
            screenshots: vec![],
            note: None,
        },
        reachable: None,
        references: vec![ReferenceFields {
            name: format!("Manager of {given}"),
            email: Some(format!("manager.{n}@initech.example")),
            phone: None,
            relationship: "former manager".into(),
            company: Some("Initech".into()),
            note: None,
        }],
        payments: vec![],
        ips: vec![],
        everify: None,
        after_offer: None,
        vendor: None,
        given,
        surname,
        expected: vec![],
    }
}

fn scripts() -> Vec<Script> {
    let mut all: Vec<Script> = (1..=36).map(clean).collect();
    let s = |n: u32| n as usize - 1;

    all[s(2)].vendor = Some("Acme Staffing");
    // 4 and 5 share a phone, written two ways.
    all[s(4)].fields.phones = vec!["+1 512-555-0199".into()];
    all[s(5)].fields.phones = vec!["(512) 555 0199".into()];
    all[s(4)].expected = vec!["phone.shared"];
    all[s(5)].expected = vec!["phone.shared"];
    // 6 ships to a private mailbox.
    all[s(6)].fields.shipping_address =
        Some("1100 Congress Ave Ste 100 PMB 330, Austin, TX 78701".into());
    all[s(6)].expected = vec!["address.mail_drop", "address.shipping_differs"];
    // 7 logged in from a VPN exit.
    all[s(7)].ips = vec!["203.0.113.9"];
    all[s(7)].expected = vec!["ip.anonymising"];
    // 8 refused video.
    let i = &mut all[s(8)].interview;
    i.refused_video = true;
    i.camera_on_throughout = false;
    i.id_match = IdMatch::NotShown;
    i.liveness_done = false;
    all[s(8)].expected = vec!["interview.video_refused"];
    // 9's reference is candidate 10 (10's mailbox, with a Gmail-style variation).
    all[s(10)].fields.emails = vec!["jonas.kovac@gmail.com".into()];
    all[s(9)].references[0].email = Some("Jonas.Kovac+ref@gmail.com".into());
    all[s(9)].references[0].company = None;
    all[s(9)].expected = vec!["reference.is_other_candidate"];
    // 11's passport expired.
    let p = &mut all[s(11)].documents[0];
    p.expiry_date = Some(day("2026-02-28"));
    p.mrz = Some(td3("P0000011", "Lund", "Kira", "1991-03-14", "2026-02-28"));
    all[s(11)].expected = vec!["document.expired", "document.fewer_than_two"];
    // 12's MRZ has a wrong document-number check digit.
    let z = all[s(12)].documents[0].mrz.clone().unwrap();
    let (line1, line2) = z.split_once('\n').unwrap();
    let digit = line2.chars().nth(9).unwrap();
    let wrong = if digit == '0' { '1' } else { '0' };
    all[s(12)].documents[0].mrz = Some(format!("{line1}\n{}{wrong}{}", &line2[..9], &line2[10..]));
    all[s(12)].expected = vec!["document.mrz_check_failed"];
    // 13 and 14 are paid into one account.
    all[s(13)].payments = vec![("021000021", "4400123456")];
    all[s(14)].payments = vec![("021000021", "0004400123456")];
    all[s(13)].expected = vec!["payment.account_shared"];
    all[s(14)].expected = vec!["payment.account_shared"];
    // 15: a mismatch on 13 October, never notified (due 27 October).
    all[s(15)].everify = Some(EVerifyFields {
        case_number: "2026286154321AB".into(),
        created_on: day("2026-10-13"),
        status: EVerifyStatus::TentativeNonconfirmation,
        agency: Some(MismatchAgency::Ssa),
        mismatch_on: Some(day("2026-10-13")),
        notice_given_on: None,
        decision_recorded_on: None,
        employee_contests: None,
        referred_on: None,
        agency_contacted_on: None,
        continuance_since: None,
        followed_up_on: None,
        evidence: vec![],
        note: None,
    });
    all[s(15)].expected = vec!["everify.deadline_overdue", "everify.deadline_overdue"];
    // 16 comes from a vendor that never attested nor was audited.
    all[s(16)].vendor = Some("Shady Talent");
    all[s(16)].expected = vec!["vendor.audit_overdue", "vendor.no_attestation"];
    // 17's phone is in a block on the VoIP list.
    all[s(17)].fields.phones = vec!["650-555-0177".into()];
    all[s(17)].expected = vec!["phone.voip_listed"];
    // 18 claims Austin but was seen in North Korea.
    all[s(18)].ips = vec!["175.45.176.5"];
    all[s(18)].expected = vec!["location.ip_country_mismatch"];
    // 19 claims Austin with a clock set to Shanghai; the interview was at 23:00 there.
    all[s(19)].fields.time_zone = Some("Asia/Shanghai".into());
    all[s(19)].expected = vec!["location.off_hours", "location.time_zone_mismatch"];
    // 20 moved home and shipping after the offer.
    let mut moved = all[s(20)].fields.clone();
    moved.home_address = Some("77 Harbor Rd, Newark, NJ 07105".into());
    moved.shipping_address = Some("77 Harbor Road, Newark NJ 07105".into());
    all[s(20)].after_offer = Some(moved);
    all[s(20)].expected = vec!["address.changed_after_offer"];
    // 21 changed bank account after the first one.
    all[s(21)].payments = vec![("021000021", "5500123456"), ("011000015", "77001234")];
    all[s(21)].expected = vec!["payment.changed_after_onboarding"];
    // 22's company reference writes from webmail.
    all[s(22)].references[0].email = Some("initech.manager@yahoo.com".into());
    all[s(22)].expected = vec!["reference.free_mail_company"];
    // 23's reference answers on the candidate's own phone.
    all[s(23)].references[0].phone = Some("512.555.0123".into());
    all[s(23)].expected = vec!["reference.is_candidate"];
    // 24 and 25 give references that share one phone.
    all[s(24)].references[0].phone = Some("+1 415 555 0142".into());
    all[s(25)].references[0].phone = Some("(415) 555-0142".into());
    all[s(24)].expected = vec!["reference.shared_contact"];
    all[s(25)].expected = vec!["reference.shared_contact"];
    // 26: the ID on camera did not match, and no liveness prompts.
    all[s(26)].interview.id_match = IdMatch::No;
    all[s(26)].interview.liveness_done = false;
    all[s(26)].expected = vec!["interview.id_mismatch", "interview.liveness_not_done"];
    // 27 ships to 28's home.
    all[s(27)].fields.shipping_address = Some("2800 Congress Avenue, Austin TX 78701".into());
    all[s(27)].expected = vec!["address.shared", "address.shipping_differs"];
    all[s(28)].expected = vec!["address.shared"];
    // 29 and 30 applied from one address.
    all[s(29)].fields.application_ip = Some("198.51.100.200".into());
    all[s(30)].fields.application_ip = Some("::ffff:198.51.100.200".into());
    all[s(29)].expected = vec!["ip.shared"];
    all[s(30)].expected = vec!["ip.shared"];
    // 31 and 32 use one Gmail mailbox.
    all[s(31)].fields.emails = vec!["e.engel.dev@gmail.com".into()];
    all[s(32)].fields.emails = vec!["eengeldev+jobs@googlemail.com".into()];
    all[s(31)].expected = vec!["email.shared"];
    all[s(32)].expected = vec!["email.shared"];
    // 33 switched the camera off and gave inconsistent answers about location.
    all[s(33)].interview.camera_on_throughout = false;
    all[s(33)].interview.location_consistent = Some(false);
    all[s(33)].expected = vec!["interview.camera_off", "interview.location_inconsistent"];
    // 34's documents disagree on the date of birth.
    all[s(34)].documents[1].birth_date = Some(day("1991-04-13"));
    all[s(34)].expected = vec!["document.birth_date_mismatch"];
    // 35's licence is in someone else's name.
    all[s(35)].documents[1].holder_name = "Marta Vukovic".into();
    all[s(35)].expected = vec!["document.name_mismatch", "document.name_mismatch"];
    // 36 is reachable only at night in Austin.
    all[s(36)].reachable = Some(ReachableHours {
        from: chrono::NaiveTime::from_hms_opt(21, 0, 0).unwrap(),
        to: chrono::NaiveTime::from_hms_opt(5, 0, 0).unwrap(),
        time_zone: "America/Chicago".into(),
    });
    all[s(36)].expected = vec!["location.off_hours"];
    all
}

/// The links the scripts above must produce: (candidate, other, kind, our role, their role).
fn expected_links() -> BTreeSet<(u32, u32, LinkKind, LinkRole, LinkRole)> {
    use LinkKind as K;
    use LinkRole as R;
    let pairs = [
        (4, 5, K::Phone, R::Phone, R::Phone),
        (9, 10, K::Email, R::ReferenceEmail, R::Email),
        (13, 14, K::BankAccount, R::BankAccount, R::BankAccount),
        (24, 25, K::Phone, R::ReferencePhone, R::ReferencePhone),
        (27, 28, K::Address, R::ShippingAddress, R::HomeAddress),
        (29, 30, K::Ip, R::ApplicationIp, R::ApplicationIp),
        (31, 32, K::Email, R::Email, R::Email),
    ];
    pairs.iter().flat_map(|&(a, b, k, ra, rb)| [(a, b, k, ra, rb), (b, a, k, rb, ra)]).collect()
}

struct World {
    _dir: tempfile::TempDir,
    store: Store,
    /// Script number to (candidate id, case id).
    ids: BTreeMap<u32, (i64, i64)>,
}

fn pass(store: &Store, case_id: i64, item: &str) {
    store
        .apply(
            REVIEWER,
            Change::RecordResult {
                case_id,
                item_id: item.into(),
                result: ItemResult::Pass,
                note: None,
                evidence: vec![],
            },
        )
        .unwrap();
}

fn setup_lists(store: &Store) {
    store
        .apply(COMPLIANCE, Change::AddVendor { id: None, vendor: vendor_fields("Acme Staffing") })
        .unwrap();
    let shady = vetdesk_core::model::VendorFields {
        screening_attested: false,
        ..vendor_fields("Shady Talent")
    };
    store.apply(COMPLIANCE, Change::AddVendor { id: None, vendor: shady }).unwrap();
    let acme = store.find_vendor("Acme Staffing").unwrap().id;
    store
        .apply(
            COMPLIANCE,
            Change::RecordVendorAudit {
                id: None,
                vendor_id: acme,
                audited_on: day("2026-03-01"),
                outcome: AuditOutcome::Satisfactory,
                note: None,
                next_due: None,
            },
        )
        .unwrap();
    let vpn = "cidr,category,label\n203.0.113.0/24,vpn,ExampleVPN\n192.0.2.0/24,hosting,M247 Ltd\n";
    store.import_ip_list(INVESTIGATOR, "vpn-ranges", "vpn.csv", vpn.as_bytes()).unwrap();
    let geo = "cidr,category,label\n198.51.100.0/24,US,Austin ISP\n175.45.176.0/22,KP,Star JV\n";
    store.import_ip_list(INVESTIGATOR, "countries", "geo.csv", geo.as_bytes()).unwrap();
    store
        .apply(INVESTIGATOR, Change::AddVpnProvider { id: None, name: "M247".into(), note: None })
        .unwrap();
    store
        .apply(
            INVESTIGATOR,
            Change::AddVoipEntry {
                id: None,
                pattern: "+1 650 555*".into(),
                label: "Google Voice block".into(),
            },
        )
        .unwrap();
}

fn record(store: &Store, script: &Script) -> (i64, i64) {
    let mut fields = script.fields.clone();
    fields.vendor_id = script.vendor.map(|v| store.find_vendor(v).unwrap().id);
    let applied = store
        .add_candidate(
            REVIEWER,
            fields.clone(),
            Some(NewCase {
                kind: CaseKind::PreHire,
                assignee: None,
                priority: Priority::Normal,
                due_on: None,
            }),
        )
        .unwrap();
    let (Change::AddCandidate { id: Some(candidate), .. }, Change::OpenCase { id: Some(case), .. }) =
        (&applied[0].change, &applied[1].change)
    else {
        panic!("expected a candidate and a case");
    };
    let (candidate, case) = (*candidate, *case);
    for document in &script.documents {
        store
            .apply(
                REVIEWER,
                Change::RecordDocument { id: None, case_id: case, document: document.clone() },
            )
            .unwrap();
    }
    store
        .apply(
            REVIEWER,
            Change::RecordInterview {
                id: None,
                case_id: case,
                interview: script.interview.clone(),
            },
        )
        .unwrap();
    if let Some(hours) = &script.reachable {
        store
            .apply(
                REVIEWER,
                Change::SetReachableHours { case_id: case, hours: Some(hours.clone()) },
            )
            .unwrap();
    }
    for reference in &script.references {
        store
            .apply(
                REVIEWER,
                Change::AddReference { id: None, case_id: case, reference: reference.clone() },
            )
            .unwrap();
    }
    for (k, ip) in script.ips.iter().enumerate() {
        let observed = ObservedIpFields {
            ip: ip.to_string(),
            seen_at: at(&format!("2026-10-0{}T15:00:00.000Z", k + 5)),
            context: IpContext::Interview,
            note: None,
        };
        store
            .apply(REVIEWER, Change::RecordObservedIp { id: None, case_id: case, observed })
            .unwrap();
    }
    if script.everify.is_some() || script.after_offer.is_some() || !script.payments.is_empty() {
        pass(store, case, "offer-accepted");
    }
    for (routing, account) in &script.payments {
        let input = PaymentInput {
            routing_number: routing.to_string(),
            account_number: account.to_string(),
            ..PaymentInput::default()
        };
        store.record_payment(REVIEWER, case, &input).unwrap();
    }
    if let Some(mut moved) = script.after_offer.clone() {
        // The move comes a day after the offer was accepted.
        store.clock().advance(chrono::Duration::days(1));
        moved.vendor_id = fields.vendor_id;
        store.apply(REVIEWER, Change::UpdateCandidate { id: candidate, candidate: moved }).unwrap();
        store.clock().set(t0());
    }
    if let Some(everify) = &script.everify {
        pass(store, case, "form-i9-complete");
        store
            .apply(
                REVIEWER,
                Change::RecordEVerify { id: None, case_id: case, everify: everify.clone() },
            )
            .unwrap();
    }
    (candidate, case)
}

fn world() -> World {
    let (dir, store) = team_store();
    setup_lists(&store);
    let mut ids = BTreeMap::new();
    for script in scripts() {
        ids.insert(script.n, record(&store, &script));
    }
    World { _dir: dir, store, ids }
}

fn open_rules(store: &Store, case_id: i64) -> Vec<String> {
    let mut rules: Vec<String> =
        store.flags(case_id).unwrap().open.into_iter().map(|f| f.fields.rule).collect();
    rules.sort();
    rules
}

#[test]
fn everify_waits_for_offer_and_i9_and_no_rejection_rests_on_a_tentative_result() {
    let (dir, store) = team_store();
    let mut script = clean(1);
    script.everify = None;
    let (_, case) = record(&store, &script);
    let everify = EVerifyFields {
        case_number: "2026286154321AB".into(),
        created_on: day("2026-10-13"),
        status: EVerifyStatus::TentativeNonconfirmation,
        agency: Some(MismatchAgency::Both),
        mismatch_on: Some(day("2026-10-13")),
        notice_given_on: Some(day("2026-10-14")),
        decision_recorded_on: Some(day("2026-10-15")),
        employee_contests: Some(true),
        referred_on: Some(day("2026-10-15")),
        agency_contacted_on: Some(day("2026-10-20")),
        continuance_since: None,
        followed_up_on: None,
        evidence: vec![],
        note: None,
    };
    let db = dir.path().join("vetdesk.db");
    for passed in [&[][..], &["offer-accepted"][..]] {
        for item in passed {
            pass(&store, case, item);
        }
        let before = dump(&db);
        let err = store
            .apply(
                REVIEWER,
                Change::RecordEVerify { id: None, case_id: case, everify: everify.clone() },
            )
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
        assert!(err.to_string().contains("form-i9-complete (pending)"), "{err}");
        assert_eq!(dump(&db), before, "a refused change leaves nothing behind");
    }
    pass(&store, case, "form-i9-complete");
    let applied = store
        .apply(
            REVIEWER,
            Change::RecordEVerify { id: None, case_id: case, everify: everify.clone() },
        )
        .unwrap();
    let Change::RecordEVerify { id: Some(everify_id), .. } = applied.change else { panic!() };

    let reject = |store: &Store| {
        store.apply(
            INVESTIGATOR,
            Change::SetStatus {
                case_id: case,
                status: CaseStatus::Decided,
                decision: Some(Decision::Rejected),
                reason: "E-Verify mismatch".into(),
                grounds: citable(store, case),
                override_reason: None,
            },
        )
    };
    // A referred tentative nonconfirmation, nothing else against the candidate: refused.
    let err = reject(&store).unwrap_err();
    assert!(err.to_string().contains("before a final nonconfirmation"), "{err}");
    // A low flag (a webmail company reference) is no ground either.
    store
        .apply(
            REVIEWER,
            Change::UpdateReference {
                id: store.case_verification(case).unwrap().references[0].id,
                case_id: case,
                reference: ReferenceFields {
                    email: Some("boss@gmail.com".into()),
                    ..script.references[0].clone()
                },
            },
        )
        .unwrap();
    assert_eq!(open_rules(&store, case), vec!["reference.free_mail_company"]);
    assert!(reject(&store).is_err());
    // The final result makes the rejection possible …
    let final_result =
        EVerifyFields { status: EVerifyStatus::FinalNonconfirmation, ..everify.clone() };
    store
        .apply(
            REVIEWER,
            Change::UpdateEVerify { id: everify_id, case_id: case, everify: final_result },
        )
        .unwrap();
    reject(&store).unwrap();
    // … and so, on a tentative result, does another failed check.
    let (_dir2, other) = team_store();
    let (_, case2) = record(&other, &clean(2));
    pass(&other, case2, "offer-accepted");
    pass(&other, case2, "form-i9-complete");
    other.apply(REVIEWER, Change::RecordEVerify { id: None, case_id: case2, everify }).unwrap();
    other
        .apply(
            REVIEWER,
            Change::RecordResult {
                case_id: case2,
                item_id: "video-id-match".into(),
                result: ItemResult::Fail,
                note: Some("someone else on camera".into()),
                evidence: vec![],
            },
        )
        .unwrap();
    other
        .apply(
            INVESTIGATOR,
            Change::SetStatus {
                case_id: case2,
                status: CaseStatus::Decided,
                decision: Some(Decision::Rejected),
                reason: "failed ID match".into(),
                grounds: vec![Ground::Item("video-id-match".into())],
                override_reason: None,
            },
        )
        .unwrap();
    assert!(store.verify().unwrap().ok && other.verify().unwrap().ok);
}

#[test]
fn bad_records_are_refused_with_a_reason_and_change_nothing() {
    let (dir, store) = team_store();
    let (_, case) = record(&store, &clean(1));
    let db = dir.path().join("vetdesk.db");
    let before = dump(&db);
    let doc = clean(1).documents[0].clone();
    let cases: Vec<(Change, &str)> = vec![
        (
            Change::RecordDocument {
                id: None,
                case_id: case,
                document: DocumentFields { mrz: Some("P<USA\nGARBAGE".into()), ..doc.clone() },
            },
            "machine-readable zone",
        ),
        (
            Change::RecordDocument {
                id: None,
                case_id: case,
                document: DocumentFields { issuing_country: "U5A".into(), ..doc.clone() },
            },
            "issuing country",
        ),
        (
            Change::RecordDocument {
                id: None,
                case_id: case,
                document: DocumentFields { front_evidence: Some(999), ..doc.clone() },
            },
            "evidence 999 not found",
        ),
        (
            Change::RecordObservedIp {
                id: None,
                case_id: case,
                observed: ObservedIpFields {
                    ip: "300.1.2.3".into(),
                    seen_at: at("2026-10-01T00:00:00.000Z"),
                    context: IpContext::Login,
                    note: None,
                },
            },
            "not an IPv4 or IPv6 address",
        ),
        (
            Change::RecordObservedIp {
                id: None,
                case_id: case,
                observed: ObservedIpFields {
                    ip: "192.0.2.1".into(),
                    seen_at: at("2027-01-01T00:00:00.000Z"),
                    context: IpContext::Login,
                    note: None,
                },
            },
            "in the future",
        ),
        (
            Change::AddReference {
                id: None,
                case_id: case,
                reference: ReferenceFields {
                    email: Some("not-an-email".into()),
                    ..clean(1).references[0].clone()
                },
            },
            "reference email",
        ),
        (
            Change::RecordPayment {
                id: None,
                case_id: case,
                payment: vetdesk_core::verification::PaymentFields {
                    bank_name: None,
                    account_holder: None,
                    routing_masked: "021000021".into(),
                    account_masked: "••••3456".into(),
                    account_hash: "a".repeat(64),
                    note: None,
                },
            },
            "must be masked",
        ),
        (
            Change::SetReachableHours {
                case_id: case,
                hours: Some(ReachableHours {
                    from: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                    to: chrono::NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
                    time_zone: "Mars/Olympus".into(),
                }),
            },
            "not an IANA time zone",
        ),
        (
            Change::ImportIpList {
                id: None,
                name: "x".into(),
                file_name: "x.csv".into(),
                file_sha256: "0".repeat(64),
                rows: vec![vetdesk_core::verification::IpListRow(
                    "10.0.0.1/8".into(),
                    "vpn".into(),
                    "".into(),
                )],
            },
            "host bits set",
        ),
        (
            Change::FlagRaised {
                id: None,
                case_id: case,
                flag: vetdesk_core::verification::FlagFields {
                    rule: "phone.shared".into(),
                    subject: String::new(),
                    severity: vetdesk_core::verification::Severity::Critical,
                    title: "made up".into(),
                    why: String::new(),
                    source: vetdesk_core::checks::Source::new("", ""),
                    facts: vec![],
                    evidence: vec![],
                    candidates: vec![],
                },
            },
            "made by the store itself",
        ),
    ];
    for (change, expected) in cases {
        let err = store.apply(INVESTIGATOR, change).unwrap_err().to_string();
        assert!(err.contains(expected), "{err:?} should contain {expected:?}");
        assert!(!err.contains('\n'), "one line: {err:?}");
    }
    // Payment details: the typed numbers never appear in an error.
    let bad = PaymentInput {
        routing_number: "021000022".into(),
        account_number: "99887766".into(),
        ..PaymentInput::default()
    };
    let err = store.record_payment(REVIEWER, case, &bad).unwrap_err().to_string();
    assert!(
        err.contains("ABA check digit") && !err.contains("021000022") && !err.contains("99887766"),
        "{err}"
    );
    let bad_list = "cidr,category,label\n10.0.0.0/8,vpn,ok\n10.1.0.0/33,vpn,bad\n";
    let err = store
        .import_ip_list(INVESTIGATOR, "bad", "bad.csv", bad_list.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 3"), "{err}");
    assert_eq!(dump(&db), before);
}

#[test]
fn bank_numbers_are_stored_only_masked_and_keyed() {
    let (dir, store) = team_store();
    let (_, case) = record(&store, &clean(1));
    pass(&store, case, "offer-accepted");
    let input = PaymentInput {
        routing_number: "021000021".into(),
        account_number: "987654321012".into(),
        bank_name: Some("First Example Bank".into()),
        ..PaymentInput::default()
    };
    store.record_payment(REVIEWER, case, &input).unwrap();
    let key = dir.path().join(vetdesk_core::store::PAYMENT_KEY_FILE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // Neither number is anywhere in the database, the log included.
    let mut bytes = std::fs::read(dir.path().join("vetdesk.db")).unwrap();
    bytes.extend(std::fs::read(dir.path().join("vetdesk.db-wal")).unwrap_or_default());
    let text = String::from_utf8_lossy(&bytes);
    let dumped = dump(&dir.path().join("vetdesk.db"));
    for secret in ["987654321012", "021000021"] {
        assert!(!text.contains(secret) && !dumped.contains(secret), "{secret} is stored");
    }
    assert!(dumped.contains("••••••••1012"));
    // The key never appears in a record either.
    let key_hex = hex::encode(std::fs::read(&key).unwrap());
    assert!(!dumped.contains(&key_hex));
}

#[test]
fn tampering_with_verification_tables_is_detected() {
    let w = world();
    let (_, case12) = w.ids[&12];
    let db = w._dir.path().join("vetdesk.db");
    for (sql, table) in [
        (
            "UPDATE identity_documents SET number = 'Z9999999' WHERE id = 1",
            "identity_documents row id=1",
        ),
        (
            "UPDATE case_flags SET cleared_at = '2026-11-02T09:00:00.000Z' WHERE rule = 'phone.shared'",
            "case_flags row",
        ),
        ("DELETE FROM ip_ranges WHERE cidr = '175.45.176.0/22'", "ip_ranges row"),
        (
            // Always a different value: the key, and so the hash, is random per data directory.
            "UPDATE payment_details SET account_hash = (CASE substr(account_hash, 1, 1) WHEN '0' THEN '1' ELSE '0' END) || substr(account_hash, 2) WHERE id = 1",
            "payment_details row id=1",
        ),
        (
            "INSERT INTO voip_entries (id, e164, prefix, label, added_by, added_at) VALUES (99, '+15125550101', 0, 'planted', 'ada', '2026-11-02T09:00:00.000Z')",
            "voip_entries row id=99",
        ),
    ] {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(sql).unwrap();
        let report = w.store.verify().unwrap();
        let state: Vec<String> = report
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::State)
            .map(|p| p.location.clone())
            .collect();
        assert!(state.iter().any(|l| l.starts_with(table)), "{sql}: {state:?}");
    }
    let _ = case12;
}

/// The links and address history the flags read are derived from the log, and `verify`
/// derives them again: deleting the bank-account keys behind a shared-account flag (so that a
/// refresh would clear it) or an address set is named, without printing the values.
#[test]
fn verify_derives_the_link_index_again_and_names_what_was_removed() {
    let w = world();
    assert!(w.store.verify().unwrap().ok);
    let conn = Connection::open(w._dir.path().join("vetdesk.db")).unwrap();
    let (candidate, value): (i64, String) = conn
        .query_row(
            "SELECT candidate_id, value FROM link_keys WHERE kind = 'bank_account' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute("DELETE FROM link_keys WHERE kind = 'bank_account' AND value = ?1", [&value])
        .unwrap();
    let report = w.store.verify().unwrap();
    assert!(!report.ok);
    let named: Vec<&str> = report.problems.iter().map(|p| p.location.as_str()).collect();
    assert!(
        named.iter().any(
            |l| l.starts_with(&format!("link_keys row of candidate {candidate} (bank_account"))
        ),
        "{named:?}"
    );
    assert!(
        report.problems.iter().all(|p| !p.location.contains(&value) && !p.message.contains(&value))
    );
    assert!(report.problems.iter().any(|p| p.message.contains("missing from the database")));

    conn.execute("DELETE FROM address_history", []).unwrap();
    let report = w.store.verify().unwrap();
    assert!(
        report.problems.iter().any(|p| p.location.starts_with("address_history row of candidate"))
    );
    // A row added by hand is named as well.
    conn.execute(
        "INSERT INTO link_keys (kind, value, candidate_id, role, record_id, display) VALUES ('phone', '+15125550100', 1, 'phone', NULL, 'x')",
        [],
    )
    .unwrap();
    let report = w.store.verify().unwrap();
    assert!(
        report.problems.iter().any(|p| p.location == "link_keys row of candidate 1 (phone phone)"
            && p.message.contains("does not derive it")),
        "{:#?}",
        report.problems
    );
}

/// The full-text index is derived from the log too: a candidate's entry deleted by hand (which
/// hides them from search) and an entry planted by hand are both named, by kind and id only.
#[test]
fn verify_indexes_search_again_and_names_a_hidden_or_planted_entry() {
    let w = world();
    let candidate = w.store.candidates().unwrap().remove(0);
    let surname = candidate.fields.legal_name.split_whitespace().last().unwrap().to_string();
    let finds = |store: &Store| {
        store.search(&surname, 50).unwrap().iter().any(|h| h.candidate_id == candidate.id)
    };
    assert!(finds(&w.store));
    let conn = Connection::open(w._dir.path().join("vetdesk.db")).unwrap();
    conn.execute("DELETE FROM search_index WHERE rowid = ?1", [-candidate.id]).unwrap();
    assert!(!finds(&w.store), "the deleted entry hides the candidate from search");
    let report = w.store.verify().unwrap();
    assert!(!report.ok);
    let expected = format!("search_index entry of candidate {}", candidate.id);
    let problem = report.problems.iter().find(|p| p.location == expected);
    let problem = problem.unwrap_or_else(|| panic!("{:#?}", report.problems));
    assert!(problem.message.contains("missing from the database"), "{}", problem.message);
    assert!(report.problems.iter().all(|p| !p.location.contains(&surname)));

    conn.execute(
        "INSERT INTO search_index (rowid, kind, ref_id, case_id, candidate_id, title, body)
         VALUES (-?1, 'candidate', ?1, NULL, ?1, 'x', 'x')",
        [candidate.id],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO search_index (kind, ref_id, case_id, candidate_id, title, body)
         VALUES ('note', 9999, 1, 1, 'planted', 'cleared by phone call')",
        [],
    )
    .unwrap();
    let report = w.store.verify().unwrap();
    let named: Vec<(&str, &str)> =
        report.problems.iter().map(|p| (p.location.as_str(), p.message.as_str())).collect();
    assert!(
        named.contains(&(
            "search_index entry of note 9999",
            "is in the database but the audit log does not derive it"
        )),
        "{named:?}"
    );
    // The re-inserted entry differs from the one the log derives (its text), so both are named.
    assert_eq!(named.iter().filter(|(l, _)| *l == expected).count(), 2, "{named:?}");
}

#[test]
fn a_schema_1_database_gets_its_link_index_on_upgrade() {
    let (dir, store) = team_store();
    // Candidates without cases: nothing of schema 2 is written for them.
    let a = clean(1).fields;
    let b = CandidateFields { phones: a.phones.clone(), ..clean(2).fields };
    let id_of = |applied: Vec<vetdesk_core::store::Applied>| match &applied[0].change {
        Change::AddCandidate { id: Some(id), .. } => *id,
        other => panic!("{other:?}"),
    };
    let a = id_of(store.add_candidate(REVIEWER, a, None).unwrap());
    let b = id_of(store.add_candidate(REVIEWER, b, None).unwrap());
    drop(store);
    // Make it the database an earlier Vetdesk wrote: no schema-2 table, version 1.
    let db = dir.path().join("vetdesk.db");
    let conn = Connection::open(&db).unwrap();
    let v1 = [
        "users",
        "vendors",
        "candidates",
        "cases",
        "checklist_items",
        "notes",
        "evidence",
        "item_evidence",
        "audit_log",
    ];
    let newer: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_index%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap()
        .into_iter()
        .filter(|t| !v1.contains(&t.as_str()))
        // The records above were sealed under these keys when they were written; a database
        // an earlier Vetdesk wrote would hold them unsealed.
        .filter(|t| t != "person_keys")
        .collect();
    assert!(newer.contains(&"link_keys".to_string()));
    for t in &newer {
        conn.execute_batch(&format!("DROP TABLE {t}")).unwrap();
    }
    // Columns later migrations add to version-1 tables.
    conn.execute_batch(
        "ALTER TABLE evidence DROP COLUMN thumbnail_sha256;
         ALTER TABLE users DROP COLUMN switch_password;
         ALTER TABLE candidates DROP COLUMN erased_at;
         ALTER TABLE cases DROP COLUMN legal_hold;
         ALTER TABLE cases DROP COLUMN referral_released_at;",
    )
    .unwrap();
    conn.pragma_update(None, "user_version", 1).unwrap();
    drop(conn);

    let store = reopen(dir.path());
    let opened = store
        .apply(
            REVIEWER,
            Change::OpenCase {
                id: None,
                candidate_id: a,
                kind: CaseKind::PreHire,
                assignee: None,
                priority: Priority::Normal,
                due_on: None,
                template: None,
            },
        )
        .unwrap();
    let Change::OpenCase { id: Some(case), .. } = opened.change else { panic!() };
    let links = store.links(case).unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].candidate_id, b);
    assert_eq!(open_rules(&store, case), vec!["phone.shared"]);
    assert!(store.verify().unwrap().ok);
}

#[test]
fn the_search_index_keeps_one_entry_per_candidate_across_the_upgrade() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v1");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture, dir.path());
    let store = reopen(dir.path());
    let candidates = |store: &Store| {
        store
            .search("Eriksson", 20)
            .unwrap()
            .into_iter()
            .filter(|h| h.kind.to_string() == "candidate")
            .count()
    };
    assert_eq!(candidates(&store), 1);
    let candidate = store.candidates().unwrap().remove(0);
    let mut fields = candidate.fields.clone();
    fields.other_names.push("Anna Eriksson".into());
    store.apply("rita", Change::UpdateCandidate { id: candidate.id, candidate: fields }).unwrap();
    assert_eq!(candidates(&store), 1, "re-indexing replaces the entry");
    let report = store.verify().unwrap();
    assert!(report.ok, "{:#?}", report.problems);
}

/// Every failed item and open flag a rejection of the case may cite now.
fn citable(store: &Store, case_id: i64) -> Vec<Ground> {
    store
        .status_moves(case_id, COMPLIANCE)
        .unwrap()
        .into_iter()
        .find(|m| m.decision == Some(Decision::Rejected))
        .map(|m| m.citable.into_iter().map(|c| c.ground).collect())
        .unwrap_or_default()
}

/// Decides a case over the gate, as compliance may: the decision is what these tests are about.
fn decide(store: &Store, case_id: i64, decision: Decision) {
    store
        .apply(
            COMPLIANCE,
            Change::SetStatus {
                case_id,
                status: CaseStatus::Decided,
                decision: Some(decision),
                reason: "decided for the test".into(),
                grounds: vec![],
                override_reason: Some("decided over the gate for the test".into()),
            },
        )
        .unwrap();
}

fn decided_against_facts(store: &Store, case_id: i64) -> Vec<String> {
    store
        .flags(case_id)
        .unwrap()
        .open
        .into_iter()
        .filter(|f| f.fields.rule == "link.decided_against")
        .flat_map(|f| f.fields.facts)
        .collect()
}

// The same tests on SQLite (on_sqlite::…) and on PostgreSQL (on_postgres::…).
on_both_backends! {
    #[test]
    fn every_expected_flag_and_no_other_is_raised_and_links_are_exact() {
        let w = world();
        let scripts = scripts();
        assert!(scripts.len() >= 20);
        let mut failures = Vec::new();
        for script in &scripts {
            let (_, case) = w.ids[&script.n];
            let got = open_rules(&w.store, case);
            let mut want: Vec<String> = script.expected.iter().map(|r| r.to_string()).collect();
            want.sort();
            if got != want {
                failures.push(format!(
                    "candidate {} ({} {}): expected {want:?}, got {got:?}",
                    script.n, script.given, script.surname
                ));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
        let clean = scripts.iter().filter(|s| s.expected.is_empty()).count();
        assert!(clean >= 4, "some candidates must be clean, {clean} are");

        let by_candidate: BTreeMap<i64, u32> = w.ids.iter().map(|(n, (c, _))| (*c, *n)).collect();
        let mut links = BTreeSet::new();
        for (n, (_, case)) in &w.ids {
            for link in w.store.links(*case).unwrap() {
                let other = by_candidate[&link.candidate_id];
                assert_eq!(
                    link.cases.len(),
                    1,
                    "the linked candidate's case is there to click through"
                );
                assert_eq!(link.cases[0].case_id, w.ids[&other].1);
                for shared in link.shared {
                    links.insert((*n, other, shared.kind, shared.ours, shared.theirs));
                }
            }
        }
        assert_eq!(links, expected_links());

        let report = w.store.verify().unwrap();
        assert!(report.ok, "{:#?}", report.problems);
    }

    #[test]
    fn flags_name_their_source_facts_and_evidence_and_score_the_case() {
        let w = world();
        let (_, case4) = w.ids[&4];
        let (candidate5, _) = w.ids[&5];
        let flags = w.store.flags(case4).unwrap();
        let phone = &flags.open[0];
        assert_eq!(phone.fields.rule, "phone.shared");
        assert_eq!(phone.fields.candidates, vec![candidate5]);
        assert!(phone.fields.facts[0].contains("+15125550199"), "{:?}", phone.fields.facts);
        assert!(phone.fields.source.document.contains("Chafetz"));
        assert_eq!((flags.risk.score, flags.risk.high), (35, 1));
        assert!(!flags.refresh_due);

        // The raise is in the case's own audit chain, by the user whose change caused it (the
        // candidate who took the same number later).
        let chain = w.store.audit(Chain::Case(case4)).unwrap();
        let raised = chain
            .iter()
            .find(|r| r.change["type"] == "flag_raised" && r.change["flag"]["rule"] == "phone.shared")
            .unwrap();
        assert_eq!(raised.actor, REVIEWER);
        assert_eq!(raised.change["flag"]["rule"], "phone.shared");

        // A clean case scores zero.
        let (_, case1) = w.ids[&1];
        let clean = w.store.flags(case1).unwrap();
        assert_eq!((clean.risk.score, clean.open.len()), (0, 0));

        // The verification view carries the checks behind the flags.
        let (_, case12) = w.ids[&12];
        let view = w.store.case_verification(case12).unwrap();
        let mrz = view.documents[0].mrz.as_ref().unwrap();
        assert!(!mrz.valid);
        assert!(mrz.check_digits.iter().any(|c| !c.passed && c.field.as_str() == "document_number"));
        assert!(view.documents[1].name_check.finding().message.contains("surname written first"));
        let (_, case15) = w.ids[&15];
        let view = w.store.case_verification(case15).unwrap();
        let due: Vec<NaiveDate> = view.everify[0].deadlines.iter().map(|d| d.due).collect();
        assert_eq!(due, vec![day("2026-10-27"), day("2026-10-27")]);
    }

    #[test]
    fn flags_follow_the_data_under_them_and_every_raise_and_clear_is_recorded() {
        let w = world();
        let (candidate4, case4) = w.ids[&4];
        let (_, case5) = w.ids[&5];
        // An hour later candidate 4 corrects the phone number: both sides of the shared-phone
        // flag clear.
        w.store.clock().advance(chrono::Duration::hours(1));
        let mut fields = w.store.candidate(candidate4).unwrap().fields;
        fields.phones = vec!["(512) 555-0104".into()];
        let applied = w
            .store
            .apply(REVIEWER, Change::UpdateCandidate { id: candidate4, candidate: fields })
            .unwrap();
        let cleared: BTreeSet<i64> = applied
            .flags
            .iter()
            .filter_map(|a| match &a.change {
                Change::FlagCleared { case_id, .. } => Some(*case_id),
                _ => None,
            })
            .collect();
        assert_eq!(cleared, BTreeSet::from([case4, case5]));
        assert!(open_rules(&w.store, case5).is_empty());
        let last = w.store.audit(Chain::Case(case5)).unwrap().pop().unwrap();
        assert_eq!(last.change["type"], "flag_cleared");
        assert_eq!(last.change["reason"], "no longer holds");
        assert!(w.store.links(case5).unwrap().is_empty());
        let history = w.store.flags(case5).unwrap();
        // Newest first: the shared phone, then the document flag that cleared when the second
        // document was recorded.
        let cleared: Vec<&str> = history.cleared.iter().map(|f| f.fields.rule.as_str()).collect();
        assert_eq!(cleared, vec!["phone.shared", "document.fewer_than_two"]);
        // Cleared by the rule that no longer holds; the audit record names who changed the data.
        assert_eq!(history.cleared[0].cleared_by.as_deref(), Some("rule phone.shared"));

        // Re-importing the VPN list without the range clears the VPN flag of candidate 7.
        let (_, case7) = w.ids[&7];
        let csv = "cidr,category,label\n192.0.2.0/24,hosting,M247 Ltd\n";
        w.store.import_ip_list(INVESTIGATOR, "vpn-ranges", "vpn-v2.csv", csv.as_bytes()).unwrap();
        assert!(open_rules(&w.store, case7).is_empty());
        // … and naming a VPN provider flags the candidate seen in its hosting range.
        let csv = "cidr,category,label\n192.0.2.0/24,hosting,Hidden Exit Ltd\n";
        w.store.import_ip_list(INVESTIGATOR, "hosting", "hosting.csv", csv.as_bytes()).unwrap();
        let (_, case1) = w.ids[&1];
        let observed = ObservedIpFields {
            ip: "192.0.2.77".into(),
            seen_at: at("2026-10-20T12:00:00.000Z"),
            context: IpContext::OnboardingLogin,
            note: None,
        };
        w.store
            .apply(REVIEWER, Change::RecordObservedIp { id: None, case_id: case1, observed })
            .unwrap();
        assert_eq!(open_rules(&w.store, case1), vec!["ip.anonymising"]);

        // Adding a VoIP prefix flags the candidates whose numbers fall in it, and only them.
        w.store
            .apply(
                INVESTIGATOR,
                Change::AddVoipEntry { id: None, pattern: "+1 512 555 012*".into(), label: "".into() },
            )
            .unwrap();
        let flagged: BTreeSet<u32> = w
            .ids
            .iter()
            .filter(|(_, (_, case))| {
                open_rules(&w.store, *case).contains(&"phone.voip_listed".to_string())
            })
            .map(|(n, _)| *n)
            .collect();
        assert_eq!(flagged, BTreeSet::from([17, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]));

        // An audit of the vendor clears the overdue flag of the candidate it supplied.
        let shady = w.store.find_vendor("Shady Talent").unwrap().id;
        let (_, case16) = w.ids[&16];
        w.store
            .apply(
                COMPLIANCE,
                Change::RecordVendorAudit {
                    id: None,
                    vendor_id: shady,
                    audited_on: day("2026-10-30"),
                    outcome: AuditOutcome::Unsatisfactory,
                    note: Some("no identity checks at all".into()),
                    next_due: None,
                },
            )
            .unwrap();
        assert_eq!(
            open_rules(&w.store, case16),
            vec!["vendor.audit_unsatisfactory", "vendor.no_attestation"]
        );
        assert!(w.store.verify().unwrap().ok);
    }

    #[test]
    fn deadlines_come_due_with_time_and_a_refresh_records_them() {
        let (_dir, store) = team_store();
        let script = clean(1);
        let (_, case) = record(&store, &script);
        pass(&store, case, "offer-accepted");
        pass(&store, case, "form-i9-complete");
        let everify = EVerifyFields {
            case_number: "2026299000111CD".into(),
            created_on: day("2026-10-26"),
            status: EVerifyStatus::TentativeNonconfirmation,
            agency: Some(MismatchAgency::Dhs),
            mismatch_on: Some(day("2026-10-26")),
            notice_given_on: Some(day("2026-10-27")),
            decision_recorded_on: None,
            employee_contests: None,
            referred_on: None,
            agency_contacted_on: None,
            continuance_since: None,
            followed_up_on: None,
            evidence: vec![],
            note: None,
        };
        store.apply(REVIEWER, Change::RecordEVerify { id: None, case_id: case, everify }).unwrap();
        let view = store.case_verification(case).unwrap();
        // 26 October + 10 federal working days: 9 November (Veterans Day, 11 November, is after it).
        assert_eq!(view.everify[0].deadlines[1].due, day("2026-11-09"));
        assert!(open_rules(&store, case).is_empty());

        store.clock().set(at("2026-11-10T09:00:00.000Z"));
        let flags = store.flags(case).unwrap();
        assert!(flags.refresh_due && flags.open.is_empty(), "time passed, nothing recorded yet");
        let applied = store.refresh_flags(INVESTIGATOR, Some(case)).unwrap();
        assert_eq!(applied.len(), 1);
        assert_eq!(applied[0].record.actor, INVESTIGATOR);
        assert_eq!(open_rules(&store, case), vec!["everify.deadline_overdue"]);
        assert!(!store.flags(case).unwrap().refresh_due);
        assert!(store.refresh_flags(INVESTIGATOR, None).unwrap().is_empty(), "nothing more to record");
        assert!(matches!(store.refresh_flags("nobody", Some(case)), Err(StoreError::UnknownActor(_))));
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn refused_cli_like_inputs_do_not_touch_other_cases() {
        // Recording on a closed case is refused like any other change to it.
        let (_dir, store) = team_store();
        let (_, case) = record(&store, &clean(3));
        complete_for_clearing(&store, case);
        for (status, decision) in
            [(CaseStatus::Decided, Some(Decision::Cleared)), (CaseStatus::Closed, None)]
        {
            store
                .apply(
                    COMPLIANCE,
                    Change::SetStatus {
                        case_id: case,
                        status,
                        decision,
                        reason: "done".into(),
                        grounds: vec![],
                        override_reason: None,
                    },
                )
                .unwrap();
        }
        let err = store
            .apply(
                REVIEWER,
                Change::AddReference {
                    id: None,
                    case_id: case,
                    reference: clean(3).references[0].clone(),
                },
            )
            .unwrap_err();
        assert!(err.to_string().contains("is closed"), "{err}");
        assert!(matches!(
            store.refresh_flags(COMPLIANCE, Some(case)),
            Err(StoreError::Conflict { .. })
        ));
    }

    #[test]
    fn a_new_candidate_linked_to_a_rejected_one_is_flagged_critical() {
        let (_dir, store) = team_store();
        let (_, rejected) = record(&store, &clean(1));
        decide(&store, rejected, Decision::Rejected);
        let mut newcomer = clean(2);
        newcomer.fields.phones = clean(1).fields.phones.clone();
        let (_, case) = record(&store, &newcomer);
        let flags = store.flags(case).unwrap().open;
        let flag = flags.iter().find(|f| f.fields.rule == "link.decided_against").unwrap();
        assert_eq!(flag.fields.severity, vetdesk_core::verification::Severity::Critical);
        assert_eq!(flag.fields.subject, format!("case:{rejected}"));
        assert!(flag.fields.source.document.contains("NYDFS"), "{:?}", flag.fields.source);
        let facts = flag.fields.facts.join("\n");
        assert!(facts.contains("phone"), "{facts}");
        assert!(facts.contains(&format!("case {rejected} was rejected (decided)")), "{facts}");
        assert!(open_rules(&store, case).contains(&"phone.shared".to_string()));
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn referring_a_candidate_flags_the_open_cases_linked_to_them_and_names_no_bank_number() {
        let (_dir, store) = team_store();
        let mut first = clean(3);
        first.payments = vec![("021000021", "6600123456")];
        let (_, open) = record(&store, &first);
        let mut partner = clean(4);
        partner.fields.emails = clean(3).fields.emails.clone();
        partner.payments = first.payments.clone();
        let (_, referred) = record(&store, &partner);
        assert!(decided_against_facts(&store, open).is_empty());
        decide(&store, referred, Decision::Referred);
        let facts = decided_against_facts(&store, open);
        let text = facts.join("\n");
        assert!(text.contains("email"), "{text}");
        assert!(text.contains(&format!("case {referred} was referred (decided)")), "{text}");
        assert!(text.contains("a bank account is also"), "{text}");
        assert!(!text.contains("6600123456") && !text.contains("0123456"), "{text}");
        // Reopening the referred case takes the decision back, and the flag with it.
        store
            .apply(
                COMPLIANCE,
                Change::SetStatus {
                    case_id: referred,
                    status: CaseStatus::InReview,
                    decision: None,
                    reason: "reopened".into(),
                    grounds: vec![],
                    override_reason: None,
                },
            )
            .unwrap();
        assert!(decided_against_facts(&store, open).is_empty());
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn the_flag_clears_when_the_shared_identifier_is_corrected() {
        let (_dir, store) = team_store();
        let (_, rejected) = record(&store, &clean(5));
        decide(&store, rejected, Decision::Rejected);
        let mut newcomer = clean(6);
        newcomer.fields.phones = clean(5).fields.phones.clone();
        let (candidate, case) = record(&store, &newcomer);
        assert!(!decided_against_facts(&store, case).is_empty());
        let mut fields = newcomer.fields.clone();
        fields.phones = clean(6).fields.phones.clone();
        store.apply(REVIEWER, Change::UpdateCandidate { id: candidate, candidate: fields }).unwrap();
        assert!(decided_against_facts(&store, case).is_empty());
        let history = store.flags(case).unwrap();
        assert!(
            history.cleared.iter().any(|f| f.fields.rule == "link.decided_against"
                && f.cleared_by.as_deref() == Some("rule link.decided_against")),
            "{:?}",
            history.cleared
        );
        assert!(store.verify().unwrap().ok);
    }

    #[test]
    fn an_open_or_cleared_partner_raises_no_decided_against_flag() {
        let (_dir, store) = team_store();
        let (_, cleared) = record(&store, &clean(7));
        let (_, open) = record(&store, &clean(8));
        complete_for_clearing(&store, cleared);
        store
            .apply(
                COMPLIANCE,
                Change::SetStatus {
                    case_id: cleared,
                    status: CaseStatus::Decided,
                    decision: Some(Decision::Cleared),
                    reason: "cleared".into(),
                    grounds: vec![],
                    override_reason: None,
                },
            )
            .unwrap();
        let mut linked = clean(9);
        linked.fields.phones = clean(7).fields.phones.clone();
        linked.fields.emails = clean(8).fields.emails.clone();
        let (_, case) = record(&store, &linked);
        let rules = open_rules(&store, case);
        assert!(rules.contains(&"phone.shared".to_string()), "{rules:?}");
        assert!(rules.contains(&"email.shared".to_string()), "{rules:?}");
        assert!(!rules.contains(&"link.decided_against".to_string()), "{rules:?}");
        assert!(decided_against_facts(&store, open).is_empty());
        assert!(store.verify().unwrap().ok);
    }
}
